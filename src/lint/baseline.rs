//! Baselines: the findings a team accepted when it adopted apigctl, so `lint` fails only on
//! new ones.
//!
//! A finding is identified by a fingerprint that has no line or column in it: the code, the
//! file, the JSON pointer and the message, hashed. Moving lines keeps it; changing the
//! offending value (which is in the message) or moving it to another pointer makes a new
//! finding. Each fingerprint has a count, so a second identical finding added later is still
//! reported.
//!
//! The file is JSON, sorted by file, code and fingerprint, so it diffs cleanly:
//! `{"apigctl_baseline": 1, "findings": [{"file", "code", "pointer", "fingerprint", "count"}]}`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::config::relative_to;
use crate::diagnostic::Diagnostic;
use crate::report::FileReport;
use crate::source::{FileId, SourceFile, Sources, Span};

/// Version of the baseline file format.
pub const BASELINE_VERSION: u32 = 1;

/// One accepted finding (with its repeat count).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The file: relative to the baseline's directory, or as `lint` named it when it lies
    /// elsewhere.
    pub file: String,
    /// Rule id or diagnostic code.
    pub code: String,
    /// The JSON pointer, for people reading the file (the fingerprint covers it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// See the module documentation.
    pub fingerprint: String,
    /// How many findings share the fingerprint.
    pub count: usize,
}

/// A baseline file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Format version ([`BASELINE_VERSION`]).
    pub apigctl_baseline: u32,
    /// The accepted findings.
    pub findings: Vec<Entry>,
}

/// A baseline that cannot be used.
#[derive(Debug)]
pub struct BaselineError {
    /// What is wrong, in one line that names the file (and the place, when there is one).
    pub message: String,
    /// The same as a diagnostic (`baseline-unreadable`, or `baseline-invalid`, located in
    /// the file's text when the JSON parser said where), in a report named after the file.
    pub report: FileReport,
}

/// The span of the character at serde_json's 1-based `line` and `column` (which counts
/// bytes) in `file`, or an empty span where the text ends.
fn place(file: &SourceFile, line: usize, column: usize) -> Span {
    let start = file.line_start(line.saturating_sub(1));
    let end = file.line_start(line).min(file.text.len());
    let mut at = (start + column.saturating_sub(1)).min(end);
    while !file.text.is_char_boundary(at) {
        at -= 1;
    }
    let next = file.text[at..].chars().next().map_or(0, char::len_utf8);
    Span::new(at, at + next)
}

/// The names findings are recorded under, per file of one report: the file's path relative
/// to the baseline's directory when it lies below it (so the baseline matches from any
/// working directory), else its name as `lint` shows it.
struct Names<'r> {
    report: &'r FileReport,
    base: &'r Path,
    cache: HashMap<Option<FileId>, String>,
}

impl<'r> Names<'r> {
    fn new(report: &'r FileReport, base: &'r Path) -> Names<'r> {
        Names {
            report,
            base,
            cache: HashMap::new(),
        }
    }

    fn of(&mut self, d: &Diagnostic) -> String {
        let file = d.primary.map(|l| l.file);
        let (report, base) = (self.report, self.base);
        self.cache
            .entry(file)
            .or_insert_with(|| {
                let Some(id) = file else {
                    return report.name.clone();
                };
                let f = report.sources.file(id);
                f.path
                    .as_deref()
                    .and_then(|p| relative_to(base, p))
                    .unwrap_or_else(|| f.name.clone())
            })
            .clone()
    }
}

/// The fingerprint of a finding (16 hex digits of FNV-1a: stable across runs, machines and
/// Rust releases, unlike `std`'s hasher).
pub fn fingerprint(file: &str, d: &Diagnostic) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let pointer = d.pointer.as_deref().unwrap_or("");
    for part in [d.code.as_str(), file, pointer, d.message.as_str()] {
        for b in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

impl Baseline {
    /// The baseline of these reports, to be written into directory `base`.
    pub fn of(reports: &[FileReport], base: &Path) -> Baseline {
        let mut counts: BTreeMap<(String, String, String), (Option<String>, usize)> =
            BTreeMap::new();
        for r in reports {
            let mut names = Names::new(r, base);
            for d in &r.diagnostics {
                let file = names.of(d);
                let print = fingerprint(&file, d);
                let key = (file, d.code.clone(), print);
                counts
                    .entry(key)
                    .or_insert_with(|| (d.pointer.clone(), 0))
                    .1 += 1;
            }
        }
        Baseline {
            apigctl_baseline: BASELINE_VERSION,
            findings: counts
                .into_iter()
                .map(|((file, code, fingerprint), (pointer, count))| Entry {
                    file,
                    code,
                    pointer,
                    fingerprint,
                    count,
                })
                .collect(),
        }
    }

    /// The file's text (pretty JSON, newline-terminated).
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a baseline file.
    ///
    /// # Errors
    ///
    /// The file cannot be read (`baseline-unreadable`), or is not a baseline of this version
    /// (`baseline-invalid`, at the place in the file where the JSON parser stopped).
    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let name = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                let message = format!("cannot read baseline {name}: {e}");
                return Err(BaselineError {
                    report: FileReport {
                        name,
                        sources: Sources::new(),
                        diagnostics: vec![Diagnostic::error("baseline-unreadable", &message)],
                    },
                    message,
                });
            }
        };
        let invalid = |message: String, at: Option<(usize, usize)>, text: String| {
            let mut sources = Sources::new();
            let file = sources.add(SourceFile::new(
                name.clone(),
                Some(path.to_path_buf()),
                text,
            ));
            let mut diagnostic = Diagnostic::error("baseline-invalid", &message)
                .help("write it again with --write-baseline");
            if let Some((line, column)) = at {
                diagnostic = diagnostic.at(file, place(sources.file(file), line, column));
            }
            BaselineError {
                message,
                report: FileReport {
                    name: name.clone(),
                    sources,
                    diagnostics: vec![diagnostic],
                },
            }
        };
        let baseline: Baseline = match serde_json::from_str(&text) {
            Ok(b) => b,
            Err(e) => {
                // serde_json counts columns in bytes; the message says the column in
                // characters, the one the diagnostic's location has in every format.
                let file = SourceFile::new(name.clone(), None, text.clone());
                let column = file
                    .line_col(place(&file, e.line(), e.column()).start as usize)
                    .col;
                let what = e.to_string();
                let suffix = format!(" at line {} column {}", e.line(), e.column());
                let what = what.strip_suffix(&suffix).unwrap_or(&what);
                let message = format!(
                    "{name}:{}:{column}: not an apigctl baseline: {what}",
                    e.line(),
                );
                return Err(invalid(message, Some((e.line(), e.column())), text));
            }
        };
        if baseline.apigctl_baseline != BASELINE_VERSION {
            let message = format!(
                "{name}: baseline version {} is not supported (expected {BASELINE_VERSION}); write it again with --write-baseline",
                baseline.apigctl_baseline
            );
            return Err(invalid(message, None, text));
        }
        Ok(baseline)
    }

    /// Drops the findings the baseline accepts (per fingerprint, at most its count, first in
    /// output order first) and returns how many were dropped. `base` is the directory of the
    /// baseline file.
    pub fn suppress(&self, reports: &mut [FileReport], base: &Path) -> usize {
        let mut budget: HashMap<(String, String), usize> = self
            .findings
            .iter()
            .map(|e| ((e.file.clone(), e.fingerprint.clone()), e.count))
            .collect();
        let mut suppressed = 0;
        for r in reports.iter_mut() {
            let mut names = Names::new(r, base);
            let keep: Vec<bool> = r
                .diagnostics
                .iter()
                .map(|d| {
                    let file = names.of(d);
                    let print = fingerprint(&file, d);
                    match budget.get_mut(&(file, print)) {
                        Some(n) if *n > 0 => {
                            *n -= 1;
                            false
                        }
                        _ => true,
                    }
                })
                .collect();
            let mut keep = keep.into_iter();
            let before = r.diagnostics.len();
            r.diagnostics.retain(|_| keep.next().unwrap_or(true));
            suppressed += before - r.diagnostics.len();
        }
        suppressed
    }
}
