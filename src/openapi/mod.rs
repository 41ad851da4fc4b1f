//! What kind of document a file is, and typed access to OpenAPI documents.

pub mod instance;
pub mod schema;

use crate::diagnostic::Diagnostic;
use crate::source::{Document, Node, Span, Value};

/// The OpenAPI versions apigctl reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OasVersion {
    /// Swagger 2.0 (`swagger: "2.0"`).
    V2_0,
    /// OpenAPI 3.0.x.
    V3_0,
    /// OpenAPI 3.1.x.
    V3_1,
}

impl OasVersion {
    /// The version as users write it on the command line (`2.0`, `3.0`, `3.1`).
    pub fn as_str(self) -> &'static str {
        match self {
            OasVersion::V2_0 => "2.0",
            OasVersion::V3_0 => "3.0",
            OasVersion::V3_1 => "3.1",
        }
    }
}

impl std::fmt::Display for OasVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for OasVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "2.0" | "2" => Ok(OasVersion::V2_0),
            "3.0" | "3" => Ok(OasVersion::V3_0),
            "3.1" => Ok(OasVersion::V3_1),
            _ => Err(format!(
                "unknown OpenAPI version `{s}`; use 2.0, 3.0 or 3.1"
            )),
        }
    }
}

/// What a loaded document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    /// An OpenAPI (or Swagger) description.
    OpenApi(OasVersion),
    /// An apigctl gateway definition (top-level `apigctl:` key).
    Definition,
}

/// The top-level key that marks a gateway definition file.
pub const DEFINITION_MARKER: &str = "apigctl";

const ACCEPTED: &str = "`swagger: \"2.0\"`, `openapi: 3.0.x` or `openapi: 3.1.x`";

/// Decides what a document is from its top-level version field.
///
/// The version must be written as a string (`"2.0"`, `3.0.3`); YAML reads an unquoted `2.0`
/// as a number, which the OpenAPI schema rejects, so that case gets its own hint.
pub fn detect(doc: &Document) -> Result<DocumentKind, Box<Diagnostic>> {
    let file = doc.file;
    let Some(map) = doc.root.as_map() else {
        // A file of nothing (or only comments) reads as null: say so rather than "a null".
        let message = if doc.root.value == crate::source::Value::Null && doc.root.span.end == 0 {
            "the file is empty (or holds only comments or blank lines)".to_owned()
        } else {
            format!(
                "document is a {}, not a mapping with a version field",
                doc.root.value.kind()
            )
        };
        return Err(Box::new(
            Diagnostic::error("unknown-version", message)
                .at(file, doc.root.span)
                .help(format!(
                    "an OpenAPI document is a mapping that starts with {ACCEPTED}; a gateway definition one that starts with `{DEFINITION_MARKER}: 1`"
                )),
        ));
    };
    if map.get(DEFINITION_MARKER).is_some() {
        return Ok(DocumentKind::Definition);
    }
    if let Some(entry) = map.entry("swagger") {
        return match version_text(&entry.value) {
            Some("2.0") => Ok(DocumentKind::OpenApi(OasVersion::V2_0)),
            other => Err(bad_version(file, "swagger", &entry.value, other)),
        };
    }
    if let Some(entry) = map.entry("openapi") {
        let text = version_text(&entry.value);
        return match text.map(parse_3x) {
            Some(Some(v)) => Ok(DocumentKind::OpenApi(v)),
            _ => Err(bad_version(file, "openapi", &entry.value, text)),
        };
    }
    let span = map.entries.first().map_or(doc.root.span, |e| e.key.span);
    Err(Box::new(
        Diagnostic::error(
            "unknown-version",
            "document has neither a `swagger` nor an `openapi` version field",
        )
        .at(file, Span::new(span.start as usize, span.start as usize))
        .help(format!(
            "start the document with {ACCEPTED}; a gateway definition starts with `{DEFINITION_MARKER}: 1`"
        )),
    ))
}

fn version_text(node: &Node) -> Option<&str> {
    node.as_str()
}

/// `3.0`, `3.0.x`, `3.1`, `3.1.x` with a numeric patch (pre-release suffixes such as
/// `3.0.0-rc0` are refused: their schemas differ).
fn parse_3x(text: &str) -> Option<OasVersion> {
    let mut parts = text.split('.');
    let (major, minor, patch) = (parts.next()?, parts.next()?, parts.next());
    if parts.next().is_some() || major != "3" {
        return None;
    }
    if let Some(p) = patch
        && (p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    match minor {
        "0" => Some(OasVersion::V3_0),
        "1" => Some(OasVersion::V3_1),
        _ => None,
    }
}

fn bad_version(
    file: crate::source::FileId,
    field: &str,
    node: &Node,
    text: Option<&str>,
) -> Box<Diagnostic> {
    let shown = match (&node.value, text) {
        (_, Some(t)) => format!("`{t}`"),
        (Value::Number(n), None) => format!("the number {n}"),
        (v, None) => format!("a {}", v.kind()),
    };
    let mut help = format!("accepted: {ACCEPTED}");
    if matches!(node.value, Value::Number(_)) {
        help.push_str("; quote the version so it is a string, e.g. `\"2.0\"`");
    }
    Box::new(
        Diagnostic::error(
            "unknown-version",
            format!("unsupported `{field}` version {shown}"),
        )
        .at(file, node.span)
        .pointer(format!("/{field}"))
        .help(help),
    )
}

/// The schemes an OpenAPI 3 Server Object's `url` may have: the one written, or, when it is
/// written as a variable (`{scheme}://…`), every value of the variable's `enum`, else its
/// `default`. Lower-cased by the caller as needed; empty when the URL has no scheme.
pub fn server_schemes(server: &Node) -> Vec<&str> {
    let Some((scheme, _)) = server
        .get("url")
        .and_then(Node::as_str)
        .and_then(|url| url.split_once("://"))
    else {
        return Vec::new();
    };
    let Some(name) = scheme.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
        return if scheme.contains('{') {
            Vec::new()
        } else {
            vec![scheme]
        };
    };
    let variable = server.get("variables").and_then(|v| v.get(name));
    let listed: Vec<&str> = variable
        .and_then(|v| v.get("enum"))
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .collect();
    if listed.is_empty() {
        variable
            .and_then(|v| v.get("default"))
            .and_then(Node::as_str)
            .into_iter()
            .collect()
    } else {
        listed
    }
}
