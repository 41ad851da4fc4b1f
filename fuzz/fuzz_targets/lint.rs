//! `apigctl lint` on any text: loading, `$ref`s, import, every rule, and each report format
//! (which turn spans into lines and columns) finish without a panic.
#![no_main]

use apigctl::commands::lint::{LintOptions, lint_text};
use apigctl::report::{self, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(file_report) = lint_text("fuzz.yaml", text, &LintOptions::default()) else {
        return;
    };
    let reports = [file_report];
    for format in [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
    ] {
        let _ = report::render(format, &reports, false);
    }
});
