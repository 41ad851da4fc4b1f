//! Printing diagnostics: for people (`human`), for machines (`json`) and for CI systems
//! (`sarif` for code scanning, `junit` for test report views, `github` for workflow
//! annotations).

mod github;
mod human;
mod json;
mod junit;
mod sarif;

pub use github::{escape_data as github_escape_data, escape_property as github_escape_property};
pub use junit::escape as xml_escape;

use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::source::{LineCol, Sources};

/// Output format of `apigctl lint` and the other commands that report findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Source snippets with underlined spans (codespan-reporting).
    #[default]
    Human,
    /// One JSON document; shape documented in the README and stable across releases.
    Json,
    /// SARIF 2.1.0, as uploaded to GitHub code scanning.
    Sarif,
    /// JUnit XML: one test suite per input file, one test case per finding.
    Junit,
    /// GitHub Actions workflow commands (`::error file=…::message`), one line per finding.
    Github,
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "human" => Ok(Format::Human),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "junit" => Ok(Format::Junit),
            "github" => Ok(Format::Github),
            _ => Err(format!(
                "unknown format `{s}`; use human, json, sarif, junit or github"
            )),
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

/// How a run went besides its findings: what [`render_run`] adds to the reports. The default
/// is a run that analysed every input and whose exit code is not known ([`render`]).
#[derive(Debug, Default)]
pub struct RunStatus {
    /// The exit code of the process, when known.
    pub exit_code: Option<u8>,
    /// Why the run failed (exit code 2), in one line, when it did.
    pub error: Option<String>,
    /// The inputs that were not analysed, in report order.
    pub unanalysed: Vec<Unanalysed>,
    /// Failures of the run that are about no input (a baseline that could not be written),
    /// each a report named after the file it is about, whose diagnostics say what failed.
    pub failures: Vec<FileReport>,
    /// The working directory, which relative file names are relative to: SARIF gives it as
    /// the `%SRCROOT%` of `originalUriBaseIds`. `None` leaves that out (a log that names no
    /// path of the machine it was made on).
    pub working_dir: Option<std::path::PathBuf>,
    /// The user's rules (the configuration's `extends`): SARIF describes them from their
    /// rule files, as the built-in ones from the catalogue.
    pub user_rules: Vec<crate::lint::Rule>,
}

impl RunStatus {
    /// Whether the run did everything it was asked to: every input analysed, nothing failed.
    pub fn successful(&self) -> bool {
        self.error.is_none() && self.unanalysed.is_empty() && self.failures.is_empty()
    }

    /// Whether the report at `index` stands for an input that could not be read: its
    /// diagnostics say why, and are not findings.
    fn unreadable(&self, index: usize) -> bool {
        self.unanalysed
            .iter()
            .any(|u| u.report == index && u.unreadable)
    }
}

/// An input that was not analysed: it could not be read, or not be loaded.
#[derive(Debug)]
pub struct Unanalysed {
    /// The index of its report among the reports rendered.
    pub report: usize,
    /// Why, located in that report's sources when it has a place: the loader's diagnostic
    /// (which the report holds too, unless a baseline accepted it), or the one that says
    /// the input could not be read.
    pub reason: Diagnostic,
    /// The input could not be read: its report holds only `reason`, which is no finding
    /// about its content.
    pub unreadable: bool,
}

/// Renders reports in a format. `color` adds ANSI colours to the human format.
pub fn render(format: Format, reports: &[FileReport], color: bool) -> String {
    render_run(format, reports, &RunStatus::default(), color)
}

/// Renders the reports of a run, and how it went, in a format.
///
/// The human format shows the findings only (people read the run's errors on stderr). The
/// others say what else happened: JSON with an `error` member when the run failed and the
/// failures' diagnostics; SARIF with an invocation whose `executionSuccessful` is
/// [`RunStatus::successful`], with the exit code and a `toolExecutionNotifications` entry per
/// input not analysed and per failure (an unreadable input has no results); JUnit with an
/// `<error>` for an unreadable input and a suite per failure; GitHub with an annotation per
/// failure.
pub fn render_run(
    format: Format,
    reports: &[FileReport],
    status: &RunStatus,
    color: bool,
) -> String {
    match format {
        Format::Human => human::render(reports, color),
        Format::Json => json::render(reports, status),
        Format::Sarif => sarif::render(reports, status),
        Format::Junit => junit::render(reports, status),
        Format::Github => github::render(reports, &status.failures),
    }
}

/// Renders, in `format`, a run that stopped before it linted anything because what it was
/// given cannot be used: its configuration, its baseline, the files to lint. `failure` holds
/// the diagnostics that say why, in the files they are about (the configuration, the rule
/// files it names, the baseline), and is named after the file at fault; an empty name means
/// no file (the command line named nothing to lint, and no configuration did). `reason` is
/// the one-line summary the command also writes to stderr and `exit_code` the process's exit
/// code.
///
/// The human format writes nothing: people read the diagnostics on stderr. The others write
/// the document their consumers expect, saying that the run failed: JSON with the
/// diagnostics and an `error` member, SARIF with an unsuccessful invocation whose
/// `toolConfigurationNotifications` carry the diagnostics, JUnit with each diagnostic as an
/// `<error>` (the test could not run), GitHub with one annotation per diagnostic.
pub fn render_failure(format: Format, failure: &FileReport, reason: &str, exit_code: u8) -> String {
    match format {
        Format::Human => String::new(),
        Format::Json => json::render_failure(failure, reason),
        Format::Sarif => sarif::render_failure(failure, reason, exit_code),
        Format::Junit => junit::render_failure(failure, reason),
        Format::Github => github::render(std::slice::from_ref(failure), &[]),
    }
}

/// A location as editors and CI tools count it: the file's name, and 1-based lines and
/// columns (in Unicode scalar values) of the first character and of the position just past
/// the last one.
struct Place<'a> {
    file: &'a str,
    start: LineCol,
    end: LineCol,
}

impl<'a> Place<'a> {
    fn of(sources: &'a Sources, l: &Location) -> Place<'a> {
        let file = sources.file(l.file);
        Place {
            file: &file.name,
            start: file.line_col(l.span.start as usize),
            end: file.line_col(l.span.end as usize),
        }
    }
}

/// A file name with the platform's separator written `/`: a backslash separates directories
/// on Windows only; on other systems it is a character of the name (`back\slash.yaml`).
fn slashed(name: &str) -> String {
    if cfg!(windows) {
        name.replace('\\', "/")
    } else {
        name.to_owned()
    }
}

/// What follows a finding's message in the one-text-block formats (JUnit failure bodies,
/// GitHub annotations): a line per related location, then the fix hint and the documented
/// source. Each line starts with a newline.
fn details(sources: &Sources, d: &Diagnostic) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for r in &d.related {
        let _ = write!(
            out,
            "\n{}: note: {}",
            Place::of(sources, &r.location),
            r.message
        );
    }
    if let Some(help) = &d.help {
        let _ = write!(out, "\nhelp: {help}");
    }
    if let Some(source) = &d.source {
        let _ = write!(out, "\nsource: {source}");
    }
    out
}

impl std::fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.start.line, self.start.col)
    }
}

/// Whether `c` would act on a terminal (or a log viewer) instead of being shown: control
/// characters other than line feeds and tabs (an ESC starts colour and cursor sequences, a
/// carriage return lets the rest of a line overwrite what came before), and
/// the bidirectional overrides that make text read differently from what it is.
fn unprintable(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t'))
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with each [`unprintable`] character written as its escape (`\u{1b}`): messages quote
/// values from the document, which must not drive the terminal that shows them.
pub(crate) fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(unprintable) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unprintable(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `s` as [`printable`] shows it, with line feeds written as `\n` too: for what must stay on
/// one line, such as a file name in a snippet's `┌─` line or in a message on stderr. A file
/// may be named `x\n::warning ::injected\n.yaml`; printed raw, its second line would be a
/// GitHub Actions workflow command, as would any line a document's value could start.
pub fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    match printable(s) {
        std::borrow::Cow::Borrowed(b) if !b.contains('\n') => std::borrow::Cow::Borrowed(b),
        shown => std::borrow::Cow::Owned(shown.replace('\n', "\\n")),
    }
}
