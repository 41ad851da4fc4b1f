//! The human format: codespan-reporting snippets, then a one-line summary.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use std::io::Write;

use rayon::prelude::*;

use codespan_reporting::term::termcolor::{Buffer, ColorSpec, WriteColor};
use codespan_reporting::term::{self, Config, DisplayStyle, Styles, StylesWriter};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::FileId;

use super::{FileReport, Summary};

pub(super) fn render(reports: &[FileReport], color: bool) -> String {
    let all: Vec<(&FileReport, &Diagnostic)> = reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(move |d| (r, d)))
        .collect();
    // Snippets are independent: thousands of them render in parallel, in chunks joined in
    // order, so the output is the same as one pass would write.
    let chunks: Vec<Vec<u8>> = all
        .par_chunks(CHUNK)
        .map(|chunk| render_chunk(chunk, color))
        .collect();
    let mut out = String::with_capacity(chunks.iter().map(Vec::len).sum::<usize>() + 64);
    for chunk in &chunks {
        out.push_str(&String::from_utf8_lossy(chunk));
    }
    out.push_str(&summary_line(&Summary::of(reports)));
    out
}

/// Diagnostics per rendering task.
const CHUNK: usize = 64;

fn render_chunk(chunk: &[(&FileReport, &Diagnostic)], color: bool) -> Vec<u8> {
    let config = Config::default();
    let styles = Styles::default();
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let short = Config {
        display_style: DisplayStyle::Short,
        ..Config::default()
    };
    for (report, d) in chunk {
        let cs = to_codespan(d);
        let mut shown = Printable {
            out: &mut buffer,
            label: Some((codespan_label(d.severity), d.severity.as_str())),
            armed: false,
        };
        let mut writer = StylesWriter::new(&mut shown, &styles);
        // A snippet of a minified JSON file would print megabytes; name the place instead.
        let long = touches_long_line(report, d);
        let config = if long { &short } else { &config };
        let result = term::emit_to_write_style(&mut writer, config, &report.sources, &cs);
        // The short style omits notes; the help and source still matter.
        if long {
            for note in &cs.notes {
                let _ = writeln!(buffer, "  = {note}");
            }
        }
        if result.is_err() {
            // A span outside its file would be a bug in a check; still say what was found.
            let message = one_line(&d.message);
            let _ = writeln!(buffer, "{}[{}]: {message}", d.severity, d.code);
        }
    }
    buffer.into_inner()
}

/// Writes what codespan writes with each [`super::unprintable`] character shown as a picture
/// of it (`␛` for ESC): a snippet quotes the document's own lines, which must not drive the
/// terminal that shows them. Colours pass through, as they do not go through `write`.
///
/// It also writes the severity in the header as every other format and the configuration
/// name it (`warn`, `info`, `hint`; codespan's own words are `warning`, `note`, `help`):
/// codespan sets the header's colour and then writes its word, so the first write after a
/// colour change that is that word is replaced, once (`label`: codespan's word and ours).
struct Printable<'w, W> {
    out: &'w mut W,
    label: Option<(&'static str, &'static str)>,
    /// A colour was just set: the next write may be the header's severity.
    armed: bool,
}

/// The word codespan writes for a severity (see [`severity`]).
fn codespan_label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warn => "warning",
        Severity::Info => "note",
        Severity::Hint => "help",
    }
}

/// The one-column picture of an unprintable character: the Unicode control pictures for C0
/// controls and DEL, the replacement character for the others.
fn picture(c: char) -> char {
    match c {
        '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        _ => '\u{fffd}',
    }
}

impl<W: Write> Write for Printable<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if std::mem::take(&mut self.armed)
            && let Some((theirs, ours)) = self.label
            && buf == theirs.as_bytes()
        {
            self.label = None;
            self.out.write_all(ours.as_bytes())?;
            return Ok(buf.len());
        }
        // codespan writes whole characters (a source line one character at a time).
        match std::str::from_utf8(buf) {
            Ok(text) if text.chars().any(super::unprintable) => {
                let shown: String = text
                    .chars()
                    .map(|c| if super::unprintable(c) { picture(c) } else { c })
                    .collect();
                self.out.write_all(shown.as_bytes())?;
            }
            _ => self.out.write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

impl<W: WriteColor> WriteColor for Printable<'_, W> {
    fn supports_color(&self) -> bool {
        self.out.supports_color()
    }

    fn set_color(&mut self, spec: &ColorSpec) -> std::io::Result<()> {
        self.armed = self.label.is_some();
        self.out.set_color(spec)
    }

    fn reset(&mut self) -> std::io::Result<()> {
        self.out.reset()
    }
}

/// Lines longer than this are not shown as snippets.
const MAX_SNIPPET_LINE: usize = 400;

fn touches_long_line(report: &FileReport, d: &Diagnostic) -> bool {
    d.primary
        .iter()
        .chain(d.related.iter().map(|r| &r.location))
        .any(|l| {
            let file = report.sources.file(l.file);
            let first = file.line_index(l.span.start as usize);
            let last = file.line_index(l.span.end as usize);
            (first..=last)
                .any(|line| file.line_start(line + 1) - file.line_start(line) > MAX_SNIPPET_LINE)
        })
}

/// A message, label or help on one line: a line feed from a quoted value is written as `\n`,
/// so a document cannot add lines of its own to the report (a line that starts `::error` is a
/// GitHub Actions command wherever it is printed).
fn one_line(s: &str) -> String {
    super::one_line(s).into_owned()
}

fn severity(s: Severity) -> CsSeverity {
    match s {
        Severity::Error => CsSeverity::Error,
        Severity::Warn => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
        Severity::Hint => CsSeverity::Help,
    }
}

fn to_codespan(d: &Diagnostic) -> CsDiagnostic<FileId> {
    let mut labels = Vec::new();
    if let Some(p) = d.primary {
        labels.push(Label::primary(p.file, p.span.range()));
    }
    for r in &d.related {
        labels.push(
            Label::secondary(r.location.file, r.location.span.range())
                .with_message(one_line(&r.message)),
        );
    }
    let mut notes = Vec::new();
    if let Some(help) = &d.help {
        notes.push(format!("help: {}", one_line(help)));
    }
    if let Some(source) = &d.source {
        notes.push(format!("source: {source}"));
    }
    CsDiagnostic::new(severity(d.severity))
        .with_code(&d.code)
        .with_message(one_line(&d.message))
        .with_labels(labels)
        .with_notes(notes)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `2 errors, 1 warning in 3 files` (or `no problems in 3 files`; `no file linted` when no
/// input could be read, which the errors on stderr say, not "no problems").
pub(super) fn summary_line(s: &Summary) -> String {
    if s.files == 0 {
        return "no file linted\n".into();
    }
    let files = plural(s.files, "file");
    if s.errors + s.warnings + s.notes == 0 {
        return format!("no problems in {files}\n");
    }
    let mut parts = vec![plural(s.errors, "error"), plural(s.warnings, "warning")];
    if s.notes > 0 {
        parts.push(plural(s.notes, "note"));
    }
    format!("{} in {files}\n", parts.join(", "))
}
