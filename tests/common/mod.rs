//! Helpers shared by the export and convert tests: reloading rendered output and checking it
//! against the official schema of its version.

use apigctl::openapi::{self, DocumentKind, OasVersion};
use apigctl::source::{Document, Limits, Sources};

/// Loads rendered text as a document.
pub fn reload(name: &str, text: &str) -> (Sources, Document) {
    let mut sources = Sources::new();
    let doc = apigctl::source::load_bytes(
        name.into(),
        None,
        text.as_bytes().to_vec(),
        &mut sources,
        &Limits::default(),
    )
    .unwrap_or_else(|e| panic!("{name} reloads: {e}"));
    (sources, doc)
}

/// Findings of the bundled 3.1 schema (`schemas/v3.1/schema.json`, the 2021-04-15 draft) that
/// contradict the OpenAPI 3.1.0 specification, which converted documents follow: it spells
/// Server Variable `description` as `descriptions`, requires a License `identifier` or `url`
/// (the specification makes both optional), and has no `$ref` on a Path Item.
pub fn bundled_31_schema_bug(message: &str) -> bool {
    message.contains("`description` in a Server Variable")
        || message.contains("`identifier` or `url` in a License")
        || message.contains("`$ref` in a Path Item")
}

/// Reloads `text`, asserts it is an OpenAPI `version` document valid against the official
/// schema (apart from [`bundled_31_schema_bug`]s), and returns it.
pub fn assert_valid(name: &str, text: &str, version: OasVersion) -> (Sources, Document) {
    let (sources, doc) = reload(name, text);
    assert_eq!(
        openapi::detect(&doc).ok(),
        Some(DocumentKind::OpenApi(version)),
        "{name}"
    );
    let problems: Vec<String> = openapi::schema::validate(&doc, version)
        .into_iter()
        .filter(|d| !bundled_31_schema_bug(&d.message))
        .take(10)
        .map(|d| {
            let at = d.primary.map(|l| sources.location(l.file, l.span));
            format!("{} at {at:?}", d.message)
        })
        .collect();
    assert!(
        problems.is_empty(),
        "{name} is not valid OpenAPI {version}: {problems:#?}"
    );
    (sources, doc)
}
