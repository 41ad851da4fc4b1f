//! The JSON format. Its shape is part of the public interface (documented in the README):
//! `{"version": 1, "summary": {...}, "diagnostics": [...]}`, one entry per finding, with
//! 1-based lines and columns.

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Location};
use crate::source::Sources;

use super::{FileReport, Place, RunStatus, Summary};

/// Version of the JSON shape; bumped only on incompatible changes.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// The findings of `reports` (an unreadable input's report holds the diagnostic that says
/// so), then the diagnostics of the run's failures, which count by severity but are no
/// file; and `error` when the run failed.
pub(super) fn render(reports: &[FileReport], status: &RunStatus) -> String {
    let mut doc = document(reports, &status.failures, reports.len());
    if let (Some(error), Some(obj)) = (&status.error, doc.as_object_mut()) {
        obj.insert("error".into(), json!(error));
    }
    text(&doc)
}

/// A run stopped before linting (see [`super::render_failure`]): the document's usual shape
/// with no file checked, the diagnostics that say why, and `error`, the reason.
pub(super) fn render_failure(failure: &FileReport, reason: &str) -> String {
    let mut doc = document(std::slice::from_ref(failure), &[], 0);
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("error".into(), json!(reason));
    }
    text(&doc)
}

fn text(doc: &Value) -> String {
    let mut out = serde_json::to_string_pretty(doc).unwrap_or_default();
    out.push('\n');
    out
}

/// The document of `reports` and then `more`, counting `files` files.
fn document(reports: &[FileReport], more: &[FileReport], files: usize) -> Value {
    let diagnostics: Vec<Value> = reports
        .iter()
        .chain(more)
        .flat_map(|r| {
            r.diagnostics
                .iter()
                .map(|d| diagnostic(&r.sources, &r.name, d))
        })
        .collect();
    let (s, t) = (Summary::of(reports), Summary::of(more));
    let s = Summary {
        errors: s.errors + t.errors,
        warnings: s.warnings + t.warnings,
        notes: s.notes + t.notes,
        files,
    };
    json!({
        "version": JSON_FORMAT_VERSION,
        "summary": {
            "files": s.files,
            "errors": s.errors,
            "warnings": s.warnings,
            "notes": s.notes,
        },
        "diagnostics": diagnostics,
    })
}

fn location(sources: &Sources, l: &Location) -> Value {
    let p = Place::of(sources, l);
    json!({
        "file": p.file,
        "line": p.start.line,
        "column": p.start.col,
        "end_line": p.end.line,
        "end_column": p.end.col,
    })
}

fn diagnostic(sources: &Sources, input: &str, d: &Diagnostic) -> Value {
    let mut v = json!({
        "code": d.code,
        "severity": d.severity.as_str(),
        "message": d.message,
        // No input when no file is at fault (see `render_failure`).
        "input": if input.is_empty() { Value::Null } else { json!(input) },
    });
    let obj = v.as_object_mut();
    if let Some(obj) = obj {
        obj.insert(
            "location".into(),
            d.primary.map_or(Value::Null, |l| location(sources, &l)),
        );
        obj.insert(
            "pointer".into(),
            d.pointer.clone().map_or(Value::Null, Value::String),
        );
        if let Some(p) = &d.definition_pointer {
            obj.insert("definition_pointer".into(), Value::String(p.clone()));
        }
        obj.insert(
            "help".into(),
            d.help.clone().map_or(Value::Null, Value::String),
        );
        obj.insert(
            "source".into(),
            d.source.clone().map_or(Value::Null, Value::String),
        );
        obj.insert(
            "related".into(),
            Value::Array(
                d.related
                    .iter()
                    .map(|r| {
                        let mut loc = location(sources, &r.location);
                        if let Some(o) = loc.as_object_mut() {
                            o.insert("message".into(), Value::String(r.message.clone()));
                        }
                        loc
                    })
                    .collect(),
            ),
        );
    }
    v
}
