//! The GitHub Actions format: one workflow command per finding, which the runner turns into
//! an annotation on the pull request's diff:
//! `::error file=api.yaml,line=3,col=5,endLine=3,endColumn=9,title=apig-api-name::message`.
//!
//! Errors become `error`, warnings `warning`, infos and hints `notice`. Related locations,
//! the fix hint and the documented source follow the message on further lines, since an
//! annotation has only one location. Lines and columns are 1-based and count characters,
//! as in the other formats.

use std::fmt::Write;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Sources;

use super::{FileReport, Place, details};

/// The findings of `reports`, then the diagnostics of the run's `failures` (see
/// [`super::RunStatus::failures`]).
pub(super) fn render(reports: &[FileReport], failures: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports.iter().chain(failures) {
        for d in &report.diagnostics {
            command(&mut out, &report.sources, &report.name, d);
        }
    }
    out
}

fn command(out: &mut String, sources: &Sources, input: &str, d: &Diagnostic) {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warn => "warning",
        Severity::Info | Severity::Hint => "notice",
    };
    let mut properties: Vec<(&str, String)> = Vec::new();
    match d.primary {
        Some(l) => {
            let p = Place::of(sources, &l);
            properties.push(("file", super::slashed(p.file)));
            properties.push(("line", p.start.line.to_string()));
            properties.push(("col", p.start.col.to_string()));
            properties.push(("endLine", p.end.line.to_string()));
            properties.push(("endColumn", p.end.col.to_string()));
        }
        // Nothing to point at when no file is at fault: the annotation is the workflow's.
        None if input.is_empty() => {}
        None => properties.push(("file", super::slashed(input))),
    }
    properties.push(("title", d.code.clone()));

    let message = format!("{}{}", d.message, details(sources, d));

    let properties: Vec<String> = properties
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    let _ = writeln!(
        out,
        "::{kind} {}::{}",
        properties.join(","),
        escape_data(&message)
    );
}

/// Escapes the message of a workflow command: `%`, carriage return and line feed, as the
/// runner decodes them (`%25`, `%0D`, `%0A`), so a message keeps its line breaks and cannot
/// end the command early.
pub fn escape_data(s: &str) -> String {
    escape(s, false)
}

/// Escapes a property value of a workflow command: as [`escape_data`], plus `:` (`%3A`),
/// which would end the property list, and `,` (`%2C`), which would start the next property.
pub fn escape_property(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            // Like the terminal, the log viewer would act on them.
            c if super::unprintable(c) => out.push_str(&c.escape_unicode().to_string()),
            _ => out.push(c),
        }
    }
    out
}
