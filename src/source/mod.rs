//! Loading documents: bytes to a spanned tree, with limits, and `$ref` resolution.
//!
//! Everything here is syntax-level and vendor-neutral: OpenAPI and gateway definitions are
//! read by later stages from the [`Node`] tree this module produces.

pub mod de;
mod files;
pub mod hash;
pub mod inline;
mod json;
pub mod refs;
mod tree;
pub(crate) mod uri;
mod yaml;
mod yaml_fast;

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;

pub use files::{FileId, LineCol, SourceFile, Sources};
pub use tree::{
    Entry, Key, KeyIndex, Located, Map, Node, Number, Pointer, Span, Str, Value,
    escape_pointer_token, unescape_pointer_token,
};

use crate::diagnostic::Diagnostic;

/// Bounds that keep hostile input from exhausting time or memory.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest input accepted, in bytes (`--max-input-size`).
    pub max_input_size: u64,
    /// Deepest nesting of sequences and mappings, counting what a YAML alias copies as
    /// nested where the alias stands.
    pub max_depth: usize,
    /// How many nodes YAML aliases may add beyond the input size in bytes; a document whose
    /// aliases expand further (a "billion laughs" bomb) is refused before it is expanded.
    /// The copies anchored nodes keep for their aliases are bounded alike (anchors nested
    /// in anchored nodes each keep one of what they hold).
    pub alias_node_allowance: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_size: 256 * 1024 * 1024,
            max_depth: 256,
            alias_node_allowance: 100_000,
        }
    }
}

/// The syntax a document was written in, detected from its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JSON.
    Json,
    /// YAML 1.2.
    Yaml,
}

/// A parsed file: its id in the [`Sources`] registry and its tree.
#[derive(Debug)]
pub struct Document {
    /// The file.
    pub file: FileId,
    /// The syntax it was written in.
    pub format: Format,
    /// The root node.
    pub root: Node,
    /// What the loader noticed that does not stop the document from loading: a document
    /// written as JSON that only YAML reads (a trailing comma, say). Reported with the
    /// workspace's `$ref` findings ([`refs::Workspace::check_refs`]).
    pub notes: Vec<Diagnostic>,
}

/// Why a parse failed; turned into a [`Diagnostic`] once the file is known.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ParseError {
    Syntax {
        message: String,
        span: Span,
        help: String,
    },
    DuplicateKey {
        key: String,
        first: Span,
        second: Span,
    },
    TooDeep {
        span: Span,
        max_depth: usize,
    },
    /// Aliases would add more than `limit` nodes (`allowance` plus the text's size).
    AliasBomb {
        span: Span,
        limit: usize,
        allowance: usize,
    },
    /// An alias's copy would nest deeper than the limit.
    AliasTooDeep {
        span: Span,
        max_depth: usize,
    },
    /// The copies anchors keep for their aliases would hold more than `limit` nodes.
    AnchorCopies {
        span: Span,
        limit: usize,
        allowance: usize,
    },
}

impl ParseError {
    fn into_diagnostic(self, file: FileId) -> Diagnostic {
        match self {
            ParseError::Syntax {
                message,
                span,
                help,
            } => Diagnostic::error("syntax", message).at(file, span).help(help),
            ParseError::DuplicateKey { key, first, second } => Diagnostic::error(
                "duplicate-key",
                format!("duplicate mapping key `{key}`"),
            )
            .at(file, second)
            .related(file, first, "first defined here")
            .help("a key may appear once per mapping; merge the two entries or rename one"),
            ParseError::TooDeep { span, max_depth } => Diagnostic::error(
                "nesting-too-deep",
                format!("document is nested more than {max_depth} levels deep"),
            )
            .at(file, span)
            .help("flatten the structure; no OpenAPI document needs this depth"),
            ParseError::AliasBomb { span, limit, allowance } => Diagnostic::error(
                "alias-expansion-limit",
                format!(
                    "YAML aliases expand to more than {limit} nodes here, the limit for this file ({allowance} plus its size in bytes)"
                ),
            )
            .at(file, span)
            .help("each alias stands for a copy of its anchored node, and aliases within anchored nodes multiply (a \"billion laughs\" alias bomb); write the repeated content out, or refer to it with $ref"),
            ParseError::AliasTooDeep { span, max_depth } => Diagnostic::error(
                "nesting-too-deep",
                format!(
                    "this YAML alias makes the document nest more than {max_depth} levels deep: its anchored node is copied here"
                ),
            )
            .at(file, span)
            .help("an alias counts as deep as the content it copies; flatten that content, use it less deeply nested, or refer to it with $ref"),
            ParseError::AnchorCopies { span, limit, allowance } => Diagnostic::error(
                "alias-expansion-limit",
                format!(
                    "YAML anchors keep copies of more than {limit} nodes for their aliases here, the limit for this file ({allowance} plus its size in bytes)"
                ),
            )
            .at(file, span)
            .help("each anchor keeps a copy of its node for its aliases, so anchors nested in anchored nodes copy the same content many times; anchor fewer nested nodes, or refer to them with $ref"),
        }
    }
}

/// Detects duplicate mapping keys in linear time for large mappings.
#[derive(Default)]
pub(crate) struct DuplicateKeys {
    /// For a large mapping: the hash of each key so far, with the first entry of that hash.
    /// Hashes rather than copies of the keys, so that indexing allocates no strings; a hash
    /// seen before is confirmed by comparing the keys.
    index: Option<HashMap<u64, usize>>,
}

impl DuplicateKeys {
    /// Small mappings are scanned; from this many entries on a hash index takes over.
    const INDEX_FROM: usize = 16;

    fn hash(name: &str) -> u64 {
        use std::hash::BuildHasher;
        static STATE: std::sync::OnceLock<std::collections::hash_map::RandomState> =
            std::sync::OnceLock::new();
        STATE.get_or_init(Default::default).hash_one(name)
    }

    pub(crate) fn check(&mut self, entries: &[Entry], key: &Key) -> Result<(), ParseError> {
        let found = if entries.len() < Self::INDEX_FROM {
            entries.iter().position(|e| e.key.name == key.name)
        } else {
            let index = self.index.get_or_insert_with(|| {
                let mut index = HashMap::with_capacity(entries.len() * 2);
                for (i, e) in entries.iter().enumerate() {
                    index.entry(Self::hash(&e.key.name)).or_insert(i);
                }
                index
            });
            match index.get(&Self::hash(&key.name)) {
                Some(&i) if entries[i].key.name == key.name => Some(i),
                // Two keys with one hash: rare enough to settle by a scan.
                Some(_) => entries.iter().position(|e| e.key.name == key.name),
                None => {
                    index.insert(Self::hash(&key.name), entries.len());
                    None
                }
            }
        };
        match found {
            Some(i) => Err(ParseError::DuplicateKey {
                key: key.name.to_string(),
                first: entries[i].key.span,
                second: key.span,
            }),
            None => Ok(()),
        }
    }
}

/// A failure to load a file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read at all (exit code 2).
    #[error("{path}: {source}")]
    Io {
        /// The path as given.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file was read but is not an acceptable document (exit code 1); the diagnostic's
    /// location is in the returned [`Sources`].
    #[error("{}", .0.message)]
    Invalid(Box<Diagnostic>),
}

/// Where to read a document from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A file path.
    Path(PathBuf),
    /// Standard input (`-` on the command line).
    Stdin,
}

impl Input {
    /// `-` means stdin, anything else a path.
    pub fn from_arg(arg: &str) -> Input {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::Path(PathBuf::from(arg))
        }
    }

    /// The name shown in diagnostics.
    pub fn display_name(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Stdin => "<stdin>".to_string(),
        }
    }
}

/// Reads an input's bytes, refusing anything over `limit` without reading it whole.
fn read_bytes(input: &Input, name: &str, limit: u64) -> Result<Vec<u8>, LoadError> {
    let io = |source| LoadError::Io {
        path: name.to_owned(),
        source,
    };
    let reader: Box<dyn Read> = match input {
        Input::Path(p) => {
            let file = std::fs::File::open(p).map_err(io)?;
            if file.metadata().map_err(io)?.is_dir() {
                return Err(io(std::io::Error::other(
                    "is a directory; give the path of a document",
                )));
            }
            Box::new(file)
        }
        Input::Stdin => Box::new(std::io::stdin()),
    };
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(io(std::io::Error::other(format!(
            "input is larger than the limit of {limit} bytes; raise it with --max-input-size"
        ))));
    }
    Ok(bytes)
}

/// Entry points for the fuzz targets under `fuzz/`, which cargo fuzz builds with
/// `--cfg fuzzing`; the parsers they reach are otherwise private.
#[cfg(fuzzing)]
pub mod fuzzing {
    use super::tree::{Node, Value};
    use super::{ParseError, json, yaml_fast};

    /// Panics when the JSON parser and `serde_json` disagree on `text`: one reads what the
    /// other rejects (but for duplicate keys, which only this parser rejects) or they read
    /// different values; or when a span does not hold its node's text.
    pub fn json_agrees_with_serde_json(text: &str) {
        // Below serde_json's own limit of 128 levels.
        let ours = json::parse(text, 100);
        let theirs = serde_json::from_str::<serde_json::Value>(text);
        match (ours, theirs) {
            (Ok(node), Ok(value)) => same_json(text, &node, &value, ""),
            (Ok(_), Err(e)) => panic!("read what serde_json rejects: {e}"),
            (Err(ParseError::DuplicateKey { .. } | ParseError::TooDeep { .. }), Ok(_)) => {}
            (Err(e), Ok(_)) => panic!("rejected what serde_json reads: {e:?}"),
            (Err(_), Err(_)) => {}
        }
    }

    fn same_json(text: &str, node: &Node, value: &serde_json::Value, at: &str) {
        let written = &text[node.span.range()];
        match (&node.value, value) {
            (Value::Null, serde_json::Value::Null) => assert_eq!(written, "null", "{at}"),
            (Value::Bool(a), serde_json::Value::Bool(b)) => {
                assert_eq!(a, b, "{at}");
                assert_eq!(written, if *a { "true" } else { "false" }, "{at}");
            }
            (Value::Number(n), serde_json::Value::Number(m)) => {
                // `-0` is an integer here and a float there: they are compared as numbers.
                assert_eq!(Some(n.as_f64()), m.as_f64(), "{at}");
                assert!(n.as_f64().is_finite(), "{at}");
                let again: serde_json::Value = serde_json::from_str(written)
                    .unwrap_or_else(|e| panic!("{at}: span {written:?}: {e}"));
                assert_eq!(&again, value, "{at}: span {written:?}");
            }
            (Value::String(a), serde_json::Value::String(b)) => {
                assert_eq!(&**a, b, "{at}");
                let again: String = serde_json::from_str(written)
                    .unwrap_or_else(|e| panic!("{at}: span {written:?}: {e}"));
                assert_eq!(&again, b, "{at}: span {written:?}");
            }
            (Value::Seq(items), serde_json::Value::Array(values)) => {
                assert_eq!(items.len(), values.len(), "{at}");
                assert!(written.starts_with('[') && written.ends_with(']'), "{at}");
                for (i, (item, value)) in items.iter().zip(values).enumerate() {
                    same_json(text, item, value, &format!("{at}/{i}"));
                }
            }
            (Value::Map(map), serde_json::Value::Object(members)) => {
                assert_eq!(map.entries.len(), members.len(), "{at}");
                assert!(written.starts_with('{') && written.ends_with('}'), "{at}");
                for entry in &map.entries {
                    let name = &*entry.key.name;
                    let key: String = serde_json::from_str(&text[entry.key.span.range()])
                        .unwrap_or_else(|e| panic!("{at}: key span: {e}"));
                    assert_eq!(key, name, "{at}");
                    let value = members
                        .get(name)
                        .unwrap_or_else(|| panic!("{at}: `{name}` missing"));
                    same_json(text, &entry.value, value, &format!("{at}/{name}"));
                }
            }
            (a, b) => panic!("{at}: {a:?} against {b:?}"),
        }
    }

    /// Panics when the fast YAML path reads `text` and the general parser rejects it or reads
    /// it differently (values, keys or spans).
    pub fn yaml_parsers_agree(text: &str) {
        yaml_fast::compare("fuzz.yaml", text);
    }
}

/// The error for the number `text` at `span`, written too large for a 64-bit float (which
/// would read it as infinity, and has no JSON form).
pub(crate) fn out_of_range(text: &str, span: Span) -> ParseError {
    ParseError::Syntax {
        message: format!(
            "number `{text}` is out of range: beyond what a 64-bit float holds (about ±1.8e308)"
        ),
        span,
        help: "write a smaller number, or quote it to keep it as text".into(),
    }
}

/// Reads and parses one input, registering its text in `sources`.
///
/// On [`LoadError::Invalid`] the file is registered too, so the diagnostic can show it.
pub fn load(input: &Input, sources: &mut Sources, limits: &Limits) -> Result<Document, LoadError> {
    load_named(input, input.display_name(), sources, limits)
}

/// [`load`], with the input called `name` in diagnostics and I/O errors instead of the path
/// as given (a configuration named as seen from the working directory).
pub fn load_named(
    input: &Input,
    name: String,
    sources: &mut Sources,
    limits: &Limits,
) -> Result<Document, LoadError> {
    let bytes = read_bytes(input, &name, limits.max_input_size)?;
    let path = match input {
        Input::Path(p) => Some(std::path::absolute(p).unwrap_or_else(|_| p.clone())),
        Input::Stdin => None,
    };
    load_bytes(name, path, bytes, sources, limits)
}

/// Loads `text` as the file `name` with default limits (tests only).
#[cfg(test)]
pub(crate) fn load_text(name: &str, text: &str) -> (Sources, Document) {
    let mut sources = Sources::new();
    let doc = load_bytes(
        name.into(),
        None,
        text.as_bytes().to_vec(),
        &mut sources,
        &Limits::default(),
    )
    .unwrap_or_else(|e| panic!("{name} loads: {e:?}"));
    (sources, doc)
}

/// Parses bytes already in memory (used for stdin, referenced files and tests).
pub fn load_bytes(
    name: String,
    path: Option<PathBuf>,
    bytes: Vec<u8>,
    sources: &mut Sources,
    limits: &Limits,
) -> Result<Document, LoadError> {
    let text = match decode(bytes) {
        Ok(text) => text,
        Err(bad) => {
            let file = sources.add(SourceFile::new(name, path, bad.lossy));
            let diagnostic = Diagnostic::error("encoding", bad.message)
                .at(file, bad.span)
                .help(bad.help);
            return Err(LoadError::Invalid(Box::new(diagnostic)));
        }
    };
    let file = sources.add(SourceFile::new(name, path, text));
    let source = sources.file(file);
    match parse(source, limits) {
        Ok(Parsed {
            root,
            format,
            json_error,
        }) => {
            let notes = json_error
                .map(|e| not_json(&source.text, e, file))
                .into_iter()
                .collect();
            Ok(Document {
                file,
                format,
                root,
                notes,
            })
        }
        Err(e) => Err(LoadError::Invalid(Box::new(e.into_diagnostic(file)))),
    }
}

/// Text that is not UTF-8: a lossy copy to show, and where the first bad byte is.
struct BadEncoding {
    lossy: String,
    span: Span,
    message: String,
    help: &'static str,
}

/// Decodes UTF-8, dropping a byte-order mark.
fn decode(mut bytes: Vec<u8>) -> Result<String, BadEncoding> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let end = lossy[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            let (message, help) = if utf16 {
                (
                    "file is UTF-16 encoded".to_string(),
                    "save it as UTF-8 (YAML and JSON for OpenAPI are UTF-8)",
                )
            } else {
                (
                    format!(
                        "file is not valid UTF-8 (invalid byte 0x{:02X})",
                        e.as_bytes()[at]
                    ),
                    "save the file as UTF-8",
                )
            };
            Err(BadEncoding {
                span: Span::new(at, end),
                lossy,
                message,
                help,
            })
        }
    }
}

/// A document written as JSON that JSON does not read but YAML does: a warning at the JSON
/// error, since the gateway, and any JSON tool, may refuse what YAML's flow style allows. The
/// usual cause, a comma before `}` or `]`, is named at the comma.
fn not_json(text: &str, json_error: ParseError, file: FileId) -> Diagnostic {
    let json_error = json_error.into_diagnostic(file);
    let at = json_error.primary.map(|l| l.span.start as usize);
    let trailing_comma = at.and_then(|at| {
        let closing = matches!(text.as_bytes().get(at), Some(b'}' | b']'));
        let before = text.get(..at)?.trim_end_matches([' ', '\t', '\r', '\n']);
        (closing && before.ends_with(',')).then(|| before.len() - 1)
    });
    match trailing_comma {
        Some(comma) => Diagnostic::warn(
            "not-json",
            "the document is written as JSON, but JSON allows no comma after the last item; read as YAML, whose flow style allows it",
        )
        .at(file, Span::new(comma, comma + 1))
        .help("remove the comma"),
        None => {
            let mut d = Diagnostic::warn(
                "not-json",
                format!(
                    "the document is written as JSON but is not valid JSON ({}); read as YAML, whose flow style allows it",
                    json_error.message
                ),
            )
            .help("fix the JSON here, or save the document as YAML");
            d.primary = json_error.primary;
            d
        }
    }
}

/// A parsed text.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub(crate) root: Node,
    pub(crate) format: Format,
    /// Why text written as JSON was read as YAML.
    pub(crate) json_error: Option<ParseError>,
}

/// Whether text that starts with `{` or `[` was written as JSON: a sequence, or a mapping
/// that is empty or whose first key is quoted with `"`.
fn meant_as_json(text: &str) -> bool {
    let mut rest = text.trim_start_matches([' ', '\t', '\r', '\n', '\u{feff}']);
    if let Some(inner) = rest.strip_prefix('{') {
        rest = inner.trim_start_matches([' ', '\t', '\r', '\n']);
        return rest.starts_with(['"', '}']);
    }
    true
}

/// Parses text as JSON or YAML, deciding by content: text whose first significant character
/// opens a JSON object or array is parsed as JSON, falling back to YAML (a YAML flow mapping
/// also starts with `{`) and reporting the JSON error if both fail.
pub(crate) fn parse(source: &SourceFile, limits: &Limits) -> Result<Parsed, ParseError> {
    let text = source.text.as_str();
    let first = text
        .trim_start_matches([' ', '\t', '\r', '\n'])
        .as_bytes()
        .first();
    if matches!(first, Some(b'{' | b'[')) {
        match json::parse(text, limits.max_depth) {
            Ok(root) => Ok(Parsed {
                root,
                format: Format::Json,
                json_error: None,
            }),
            Err(json_error @ ParseError::Syntax { .. }) => match yaml::parse(source, limits) {
                // Written as JSON, it is still JSON to write it back as (`convert`).
                Ok(root) if meant_as_json(text) => Ok(Parsed {
                    root,
                    format: Format::Json,
                    json_error: Some(json_error),
                }),
                Ok(root) => Ok(Parsed {
                    root,
                    format: Format::Yaml,
                    json_error: None,
                }),
                // Neither reads it: the error is the one of the syntax it was meant in. A
                // mapping whose first key is not quoted (`{openapi: 3.0.3, ...}`) is YAML in
                // flow style, so its repeated key, not JSON's "expected a quoted key" at 1:2.
                Err(yaml_error) if !meant_as_json(text) => Err(yaml_error),
                Err(_) => Err(json_error),
            },
            Err(other) => Err(other),
        }
    } else {
        // Most OpenAPI YAML stays within what the fast path reads; the rest goes to the
        // general parser.
        let root = match yaml_fast::parse(text, limits) {
            Some(root) => root,
            None => yaml::parse(source, limits)?,
        };
        Ok(Parsed {
            root,
            format: Format::Yaml,
            json_error: None,
        })
    }
}
