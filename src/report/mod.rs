//! Printing diagnostics: for people (`human`) and for machines (`json`).

mod human;
mod json;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Sources;

/// Output format of `apigctl lint` and the other commands that report findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Source snippets with underlined spans (codespan-reporting).
    #[default]
    Human,
    /// One JSON document; shape documented in the README and stable across releases.
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "human" => Ok(Format::Human),
            "json" => Ok(Format::Json),
            _ => Err(format!("unknown format `{s}`; use human or json")),
        }
    }
}

/// The findings for one input file, with the text of every file they point into.
#[derive(Debug)]
pub struct FileReport {
    /// The input as named on the command line.
    pub name: String,
    /// Loaded files (the input and anything its references reached).
    pub sources: Sources,
    /// Findings, in the order they will be printed.
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    /// Sorts findings by file, then position, then code, so output never depends on the
    /// order in which checks ran.
    pub fn sort(&mut self) {
        self.diagnostics.sort_by(|a, b| {
            let key = |d: &Diagnostic| d.primary.map(|l| (l.file, l.span.start, l.span.end));
            key(a)
                .cmp(&key(b))
                .then_with(|| a.code.cmp(&b.code))
                .then_with(|| a.message.cmp(&b.message))
        });
    }
}

/// Counts by severity over several reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Number of infos and hints.
    pub notes: usize,
    /// Number of files checked.
    pub files: usize,
}

impl Summary {
    /// Tallies the reports.
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary {
            files: reports.len(),
            ..Summary::default()
        };
        for d in reports.iter().flat_map(|r| &r.diagnostics) {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warn => s.warnings += 1,
                Severity::Info | Severity::Hint => s.notes += 1,
            }
        }
        s
    }
}

/// Renders reports in a format. `color` adds ANSI colours to the human format.
pub fn render(format: Format, reports: &[FileReport], color: bool) -> String {
    match format {
        Format::Human => human::render(reports, color),
        Format::Json => json::render(reports),
    }
}
