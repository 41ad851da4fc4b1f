//! Helpers shared by the import test files.

#![allow(dead_code)]

use std::path::Path;

use apigctl::convert::import::{ImportOptions, ImportResult, import};
use apigctl::openapi::{self, DocumentKind};
use apigctl::source::refs::{RefOptions, Workspace};
use apigctl::source::{Input, Limits, Sources};

/// Loads a document of the repository with its references resolved.
pub fn load(path: &str) -> Workspace {
    let input = Input::Path(Path::new(env!("CARGO_MANIFEST_DIR")).join(path));
    let mut ws = match Workspace::load(&input, &Limits::default()) {
        Ok(ws) => ws,
        Err(_) => panic!("{path} loads"),
    };
    let problems = ws.resolve_refs(&Limits::default(), &RefOptions::default());
    assert!(problems.is_empty(), "{problems:?}");
    ws
}

/// Imports a document of the repository.
pub fn import_file(path: &str, options: &ImportOptions) -> (Workspace, ImportResult) {
    let ws = load(path);
    let Ok(DocumentKind::OpenApi(version)) = openapi::detect(ws.root()) else {
        panic!("{path} is OpenAPI");
    };
    let result = import(&ws, version, options);
    (ws, result)
}

/// Imports a document given as text, written to a file `name` of its own directory first so
/// that it loads as `apigctl import` loads a file.
pub fn import_text(name: &str, text: &str) -> (Workspace, ImportResult) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("the document is written");
    let mut ws = match Workspace::load(&Input::Path(path), &Limits::default()) {
        Ok(ws) => ws,
        Err(_) => panic!("{name} loads"),
    };
    ws.resolve_refs(&Limits::default(), &RefOptions::default());
    let Ok(DocumentKind::OpenApi(version)) = openapi::detect(ws.root()) else {
        panic!("{name} is OpenAPI");
    };
    let result = import(&ws, version, &ImportOptions::default());
    (ws, result)
}

/// `severity code@line:col` of each diagnostic, in order.
pub fn locations(sources: &Sources, result: &ImportResult) -> Vec<String> {
    result
        .diagnostics
        .iter()
        .map(|d| {
            let at = d.primary.expect("located");
            let lc = sources.file(at.file).line_col(at.span.start as usize);
            format!("{} {}@{}:{}", d.severity.as_str(), d.code, lc.line, lc.col)
        })
        .collect()
}

/// `line:col` where the definition value at `pointer` came from.
pub fn source_of(ws: &Workspace, result: &ImportResult, pointer: &str) -> (usize, usize) {
    let (file, span) = result
        .provenance
        .get(ws, pointer)
        .unwrap_or_else(|| panic!("no provenance for {pointer}"));
    let lc = ws.sources.file(file).line_col(span.start as usize);
    (lc.line, lc.col)
}

/// The names of the imported APIs, in order.
pub fn api_names(result: &ImportResult) -> Vec<&str> {
    result
        .definition
        .apis
        .iter()
        .map(|a| a.name.as_str())
        .collect()
}
