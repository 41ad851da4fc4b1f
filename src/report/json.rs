//! The JSON format. Its shape is part of the public interface (documented in the README):
//! `{"version": 1, "summary": {...}, "diagnostics": [...]}`, one entry per finding, with
//! 1-based lines and columns.

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Location};
use crate::source::Sources;

use super::{FileReport, Place, Summary};

/// Version of the JSON shape; bumped only on incompatible changes.
pub const JSON_FORMAT_VERSION: u32 = 1;

pub(super) fn render(reports: &[FileReport]) -> String {
    let diagnostics: Vec<Value> = reports
        .iter()
        .flat_map(|r| {
            r.diagnostics
                .iter()
                .map(|d| diagnostic(&r.sources, &r.name, d))
        })
        .collect();
    let s = Summary::of(reports);
    let doc = json!({
        "version": JSON_FORMAT_VERSION,
        "summary": {
            "files": s.files,
            "errors": s.errors,
            "warnings": s.warnings,
            "notes": s.notes,
        },
        "diagnostics": diagnostics,
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
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
        "input": input,
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
