//! The JUnit XML format, for the test report views of CI systems.
//!
//! Layout: one `<testsuite>` per input file (named as given on the command line) and one
//! `<testcase>` per finding, with `classname` = rule id and `name` = the finding's JSON
//! pointer (or `file:line:col` when it has none). Findings of one rule at one pointer (two
//! checks of `apig-api-name` on one `operationId`) would share both: their names add the
//! message in parentheses, which tells them apart whatever their order (a number would pass
//! a fixed finding's identity to the next one), and `#2`, `#3` follow only findings that are
//! the same in all of these.
//!
//! Why one test case per finding rather than per rule: GitLab's merge request widget and
//! Jenkins' test result page list failed test cases one by one and show each failure's
//! message and body; a per-rule test case would fold thirty findings into one failure whose
//! body nobody expands, and its location would be only the first one's. GitLab also tells
//! "new" from "existing" failures by test case name, so the name is the JSON pointer, which
//! survives edits that shift lines, rather than the line number. Jenkins splits `classname`
//! at dots into package and class; rule ids have no dots, so findings group by rule.
//!
//! Errors and warnings are `<failure>`s (JUnit's `<error>` means the test itself crashed).
//! Infos and hints are passing test cases whose `<system-out>` carries the finding, so they
//! are visible without turning the report red. A file without findings gets one passing
//! test case, so it still shows as checked. No timestamps or durations: output is
//! byte-identical across runs.
//!
//! A run stopped by a configuration that cannot be used has nothing that passed or failed:
//! its report is one suite named after the configuration, with an `<error>` test case per
//! mistake. So is, in a run that went on, an input that could not be read (its suite has an
//! `<error>`, counted in `errors`) and a failure of the run itself, such as a baseline that
//! could not be written (a suite named after the file, after the inputs' suites).

use std::fmt::Write;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Sources;

use super::{FileReport, Place, RunStatus, details};

pub(super) fn render(reports: &[FileReport], status: &RunStatus) -> String {
    let mut body = String::new();
    let mut total = Counts::default();
    for (i, report) in reports.iter().enumerate() {
        total.add(suite(&mut body, report, status.unreadable(i), None));
    }
    for failure in &status.failures {
        total.add(suite(&mut body, failure, true, None));
    }
    document(&total, &body)
}

/// A run stopped before linting (see [`super::render_failure`]): one suite named after the
/// configuration, each diagnostic a test case with an `<error>` (the test could not run, as
/// JUnit uses the element; no finding failed), and the reason in the suite's `<system-err>`.
pub(super) fn render_failure(failure: &FileReport, reason: &str) -> String {
    let mut body = String::new();
    let counts = suite(&mut body, failure, true, Some(reason));
    document(&counts, &body)
}

/// Test cases of one or more suites, by outcome.
#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
    }
}

/// The report around the suites in `body`.
fn document(counts: &Counts, body: &str) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"apigctl\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
        counts.tests, counts.failures, counts.errors
    );
    out.push_str(body);
    out.push_str("</testsuites>\n");
    out
}

fn tests(report: &FileReport) -> usize {
    report.diagnostics.len().max(1)
}

/// One suite. `crashed`: its test could not run (an input that could not be read, a
/// configuration that stopped the run, a baseline that could not be written), so each
/// diagnostic is an `<error>`, and without diagnostics its one test case is, with `reason`
/// as the message. `reason`, when given, is also the suite's `<system-err>`. A report with
/// an empty name is about no file: the suite is named `apigctl`.
fn suite(out: &mut String, report: &FileReport, crashed: bool, reason: Option<&str>) -> Counts {
    let tests = tests(report);
    let counts = if crashed {
        Counts {
            tests,
            failures: 0,
            errors: tests,
        }
    } else {
        Counts {
            tests,
            failures: report
                .diagnostics
                .iter()
                .filter(|d| d.severity >= Severity::Warn)
                .count(),
            errors: 0,
        }
    };
    let name = match report.name.as_str() {
        "" => "apigctl",
        name => name,
    };
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{}\" errors=\"{}\" skipped=\"0\">",
        escape(name),
        counts.failures,
        counts.errors,
    );
    if report.diagnostics.is_empty() {
        if crashed {
            let _ = writeln!(
                out,
                "    <testcase classname=\"apigctl\" name=\"{name}\" file=\"{name}\">\n      <error type=\"error\" message=\"{reason}\"/>\n    </testcase>",
                name = escape(name),
                reason = escape(reason.unwrap_or_default()),
            );
        } else {
            let _ = writeln!(
                out,
                "    <testcase classname=\"apigctl\" name=\"{name}\" file=\"{name}\"/>",
                name = escape(name),
            );
        }
    }
    let names = case_names(report);
    for (d, name) in report.diagnostics.iter().zip(&names) {
        case(out, &report.sources, &report.name, d, name, crashed);
    }
    if let Some(reason) = reason {
        let _ = writeln!(out, "    <system-err>{}</system-err>", escape(reason));
    }
    out.push_str("  </testsuite>\n");
    counts
}

/// The name of each test case of a suite (see the module documentation): its place, with
/// the message when another finding of its rule has the same place, and a number when that
/// one says the same too.
fn case_names(report: &FileReport) -> Vec<String> {
    use std::collections::HashMap;
    let input = report.name.as_str();
    let places: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| {
            let place = d.primary.map(|l| Place::of(&report.sources, &l));
            match (&d.pointer, &place) {
                (Some(pointer), _) => pointer.clone(),
                (None, Some(p)) => p.to_string(),
                (None, None) if input.is_empty() => "apigctl".to_string(),
                (None, None) => input.to_string(),
            }
        })
        .collect();
    let mut shared: HashMap<(&str, &str), usize> = HashMap::new();
    for (d, place) in report.diagnostics.iter().zip(&places) {
        *shared.entry((d.code.as_str(), place.as_str())).or_default() += 1;
    }
    let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::new();
    report
        .diagnostics
        .iter()
        .zip(&places)
        .map(|(d, place)| {
            if shared.get(&(d.code.as_str(), place.as_str())) <= Some(&1) {
                return place.clone();
            }
            let n = seen
                .entry((d.code.as_str(), place.as_str(), d.message.as_str()))
                .or_default();
            *n += 1;
            match *n {
                1 => format!("{place} ({})", d.message),
                n => format!("{place} ({}) #{n}", d.message),
            }
        })
        .collect()
}

/// One test case, named `name`. `crashed`: the finding stopped the run, so it is an
/// `<error>` whatever its severity.
fn case(
    out: &mut String,
    sources: &Sources,
    input: &str,
    d: &Diagnostic,
    name: &str,
    crashed: bool,
) {
    let place = d.primary.map(|l| Place::of(sources, &l));
    let file = place.as_ref().map_or(input, |p| p.file);
    // No file attribute when no file is at fault.
    let file = match file {
        "" => String::new(),
        file => format!(" file=\"{}\"", escape(file)),
    };
    let _ = writeln!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\"{file}>",
        escape(&d.code),
        escape(name),
    );

    let at = match (&place, input) {
        (Some(p), _) => format!("{p}: "),
        (None, "") => String::new(),
        (None, input) => format!("{input}: "),
    };
    let body = format!(
        "{at}{}[{}]: {}{}",
        d.severity,
        d.code,
        d.message,
        details(sources, d)
    );

    if crashed || d.severity >= Severity::Warn {
        let element = if crashed { "error" } else { "failure" };
        let _ = writeln!(
            out,
            "      <{element} type=\"{}\" message=\"{}\">{}</{element}>",
            d.severity,
            escape(&d.message),
            escape(&body)
        );
    } else {
        let _ = writeln!(out, "      <system-out>{}</system-out>", escape(&body));
    }
    out.push_str("    </testcase>\n");
}

/// Escapes text for XML 1.0 element content and attribute values.
///
/// `&`, `<`, `>`, `"` and `'` become entities; tab, line feed and carriage return become
/// character references, so parsers keep them inside attributes (where they would otherwise
/// be normalised to spaces). The other control characters cannot appear in an XML 1.0
/// document at all, not even as character references, so each becomes U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            _ => out.push(c),
        }
    }
    out
}
