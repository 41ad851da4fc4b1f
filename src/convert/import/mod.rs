//! OpenAPI 2.0 / 3.0 / 3.1 with `x-apigateway-*` extensions to a gateway [`Definition`].
//!
//! The mapping follows the extension reference (§1–§3) with the API Reference (3.5.1) as the
//! authority for target fields. Every value written into the definition records where it came
//! from ([`Provenance`]), and every construct the gateway cannot represent produces a warning at
//! its source location: nothing is dropped silently.
//!
//! Each object is first built as a JSON value and then read into its model type, so a field the
//! model rejects is reported at the source location the field came from.
//!
//! This module holds the entry point, the provenance and the shared import state; the mapping
//! itself is split by object family: `document` (group, authorizers, policies), `operations`
//! (APIs), `params` (request parameters) and `backend` (backends and policy backends).

mod backend;
mod document;
mod operations;
mod params;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde_json::{Map as JsonMap, Value as Json, json};

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{AclBinding, PluginBinding, ThrottleBinding};
use crate::model::{
    AclDef, ApiDef, ApiGroupDef, AuthorizerDef, Definition, FormatVersion, GroupResponseDef,
    ThrottleDef,
};
use crate::openapi::OasVersion;
use crate::source::refs::Workspace;
use crate::source::{Entry, FileId, Map, Node, Number, Pointer, Span, Value};

/// Diagnostic code: something in the source has no place in the definition and was left out.
pub const DROPPED: &str = "import-dropped";
/// Diagnostic code: a construct the gateway cannot represent (first of several kept, etc.).
pub const UNSUPPORTED: &str = "import-unsupported";
/// Diagnostic code: an `x-apigateway-*` key the reference does not document here.
pub const UNKNOWN_EXTENSION: &str = "import-unknown-extension";
/// Diagnostic code: an API name was generated for an operation without `operationId`.
pub const GENERATED_NAME: &str = "import-generated-name";
/// Diagnostic code: two operations share method, path and match mode (gateway error APIG.3301).
pub const DUPLICATE_API: &str = "import-duplicate-api";
/// Diagnostic code: two operations share an `operationId`, so two APIs would share a name
/// (gateway error APIG.3202).
pub const DUPLICATE_NAME: &str = "import-duplicate-name";
/// Diagnostic code: a value the model does not accept.
pub const INVALID: &str = "import-invalid";

const SOURCE_REF: &str = "x-apigateway-extensions reference §1–§3; API Reference 3.5.1";

/// Options of an import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Group name to use instead of `info.title`.
    pub group_name: Option<String>,
    /// Report every warning as an error.
    pub strict: bool,
}

/// Where a value of the definition came from: the source file and span of the node it was
/// taken from, by definition JSON pointer (`/apis/0/req_params/1/name`). Not written to output.
///
/// A hash map, not an ordered one: a large document records hundreds of thousands of pointers
/// that share long prefixes (`/apis/1234/...`), and ordered insertion compared those prefixes
/// over and over; only [`Provenance::iter`] needs the order, and it sorts on demand.
///
/// Keys are hashed with [`PointerHasher`]: SipHash over 700,000 pointers was most of the import
/// time of a 10,000-operation document (BENCHMARKS.md, "Import").
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Provenance {
    entries: HashMap<String, (FileId, Span), BuildHasherDefault<PointerHasher>>,
}

/// A fast, unkeyed multiplicative hash (the Fx hash of rustc) for provenance pointers. The
/// pointers are built by the importer from the user's own document, so flooding resistance
/// buys nothing here.
#[derive(Clone, Copy, Debug, Default)]
pub struct PointerHasher(u64);

impl Hasher for PointerHasher {
    fn finish(&self) -> u64 {
        // The multiply leaves the low bits weak; the table indexes by them.
        self.0.rotate_left(26)
    }

    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0xf135_7aea_2e62_a9c5;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
}

impl Provenance {
    /// The source of the definition value at `pointer`, if recorded.
    pub fn get(&self, pointer: &str) -> Option<(FileId, Span)> {
        self.entries.get(pointer).copied()
    }

    /// The source of the value at `pointer` or, failing that, of its nearest recorded parent.
    pub fn nearest(&self, pointer: &str) -> Option<(FileId, Span)> {
        let mut pointer = pointer;
        loop {
            if let Some(found) = self.get(pointer) {
                return Some(found);
            }
            if pointer.is_empty() {
                return None;
            }
            pointer = pointer.rsplit_once('/').map_or("", |(head, _)| head);
        }
    }

    /// Every recorded pointer with its source, in pointer order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, (FileId, Span))> {
        let mut all: Vec<(&str, (FileId, Span))> =
            self.entries.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        all.sort_unstable_by_key(|(k, _)| *k);
        all.into_iter()
    }

    /// How many values have a recorded source.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn record(&mut self, pointer: String, file: FileId, span: Span) {
        self.entries.insert(pointer, (file, span));
    }
}

/// What an import produced.
#[derive(Clone, Debug)]
pub struct ImportResult {
    /// The gateway definition.
    pub definition: Definition,
    /// Where each value of the definition came from.
    pub provenance: Provenance,
    /// Warnings (errors with `strict`) about what could not be carried over, and errors.
    pub diagnostics: Vec<Diagnostic>,
}

impl ImportResult {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Imports the root document of `ws` (an OpenAPI document of `version`, its references
/// resolved with [`Workspace::resolve_refs`]) into a gateway definition.
pub fn import(ws: &Workspace, version: OasVersion, options: &ImportOptions) -> ImportResult {
    let mut cx = Cx {
        ws,
        file: ws.root().file,
        version,
        provenance: Provenance::default(),
        diagnostics: Vec::new(),
    };
    let root = &ws.root().root;
    let group = cx.group(root, options);
    let authorizers = cx.authorizers(root);
    let throttles = cx.throttles(root);
    let acls = cx.acls(root);
    let responses = cx.responses(root);
    let mut apis = Vec::new();
    let mut bindings = Bindings::default();
    cx.operations(root, &mut apis, &mut bindings);
    cx.unknown_root_extensions(root);
    let provenance = &mut cx.provenance;
    let throttle_bindings = bindings
        .throttles
        .into_iter()
        .enumerate()
        .map(|(i, (throttle, apis))| ThrottleBinding {
            env: None,
            throttle,
            apis: bound_names(provenance, "throttle_bindings", i, apis),
        })
        .collect();
    let acl_bindings = bindings
        .acls
        .into_iter()
        .enumerate()
        .map(|(i, (acl, apis))| AclBinding {
            env: None,
            acl,
            apis: bound_names(provenance, "acl_bindings", i, apis),
        })
        .collect();
    let plugin_bindings = bindings
        .plugins
        .into_iter()
        .enumerate()
        .map(|(i, (plugin, apis))| PluginBinding {
            env: None,
            plugin,
            apis: bound_names(provenance, "plugin_bindings", i, apis),
        })
        .collect();
    let definition = Definition {
        schema: None,
        apigctl: FormatVersion::V1,
        group,
        environments: Vec::new(),
        authorizers,
        throttles,
        acls,
        plugins: Vec::new(),
        responses,
        apis,
        publications: Vec::new(),
        throttle_bindings,
        acl_bindings,
        plugin_bindings,
    };
    let mut diagnostics = cx.diagnostics;
    if options.strict {
        for d in &mut diagnostics {
            if d.severity == Severity::Warn {
                d.severity = Severity::Error;
            }
        }
    }
    diagnostics.sort_by_key(|d| d.primary.map(|l| (l.file.0, l.span.start)));
    ImportResult {
        definition,
        provenance: cx.provenance,
        diagnostics,
    }
}

/// Bindings collected from operations, by policy name, in first-use order of names; each API
/// name with the location of the reference that bound it.
#[derive(Default)]
struct Bindings {
    throttles: Vec<BindingList>,
    acls: Vec<BindingList>,
    plugins: Vec<BindingList>,
}

/// A policy name and the APIs bound to it, each with the source of its reference.
type BindingList = (String, Vec<(String, FileId, Span)>);

fn bind(list: &mut Vec<BindingList>, policy: &str, api: &str, file: FileId, span: Span) {
    let entry = (api.to_owned(), file, span);
    match list.iter_mut().find(|(name, _)| name == policy) {
        Some((_, apis)) => apis.push(entry),
        None => list.push((policy.to_owned(), vec![entry])),
    }
}

/// Records the provenance of each bound API name and returns the names.
fn bound_names(
    provenance: &mut Provenance,
    field: &str,
    index: usize,
    apis: Vec<(String, FileId, Span)>,
) -> Vec<String> {
    apis.into_iter()
        .enumerate()
        .map(|(j, (name, file, span))| {
            provenance.record(format!("/{field}/{index}/apis/{j}"), file, span);
            name
        })
        .collect()
}

/// Import state: the workspace, the output's provenance and the diagnostics so far.
struct Cx<'a> {
    ws: &'a Workspace,
    file: FileId,
    version: OasVersion,
    provenance: Provenance,
    diagnostics: Vec<Diagnostic>,
}

/// A JSON object under construction with the definition pointer it will have.
struct Obj {
    pointer: String,
    map: JsonMap<String, Json>,
}

impl Obj {
    fn new(pointer: String) -> Obj {
        Obj {
            pointer,
            map: JsonMap::new(),
        }
    }
}

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// Operation-level extensions this importer understands.
const OPERATION_EXTENSIONS: [&str; 14] = [
    "x-apigateway-any-method",
    "x-apigateway-request-type",
    "x-apigateway-match-mode",
    "x-apigateway-cors",
    "x-apigateway-is-send-fg-body-base64",
    "x-apigateway-content-type",
    "x-apigateway-backend",
    "x-apigateway-backend-policies",
    "x-apigateway-ratelimit",
    "x-apigateway-access-control",
    "x-apigateway-plugins",
    "x-apigateway-response",
    "x-apigateway-result-normal-sample",
    "x-apigateway-result-failure-sample",
];

impl<'a> Cx<'a> {
    fn warn(&mut self, code: &str, file: FileId, span: Span, message: String) {
        self.diagnostics.push(
            Diagnostic::warn(code, message)
                .at(file, span)
                .source(SOURCE_REF),
        );
    }

    fn warn_key(&mut self, code: &str, file: FileId, map: &Map, key: &str, message: String) {
        if let Some(entry) = map.entry(key) {
            let span = entry.key.span;
            self.warn(code, file, span, message);
        }
    }

    /// Sets `obj[key] = value`, recording `source` as its provenance.
    fn set(&mut self, obj: &mut Obj, key: &str, value: Json, file: FileId, source: &Node) {
        self.provenance
            .record(child(&obj.pointer, key), file, source.span);
        obj.map.insert(key.to_owned(), value);
    }

    /// Follows `$ref` from `node`; a broken reference is reported and yields `None`.
    fn deref(&mut self, file: FileId, node: &'a Node) -> Option<(FileId, &'a Node)> {
        match self.ws.deref(file, node) {
            Ok(found) => Some(found),
            Err(d) => {
                self.diagnostics.push(*d);
                None
            }
        }
    }

    /// Reads `obj` into `T`; a rejected field is reported at its source.
    fn finish<T: serde::de::DeserializeOwned>(
        &mut self,
        obj: Obj,
        fallback: (FileId, Span),
    ) -> Option<T> {
        let value = Json::Object(obj.map);
        // Most objects are accepted; tracking the path costs on every field, so it is done
        // only again for a rejected one, to say where.
        if let Ok(t) = T::deserialize(&value) {
            return Some(t);
        }
        match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(t) => Some(t),
            Err(error) => {
                let mut path = String::new();
                for segment in error.path().iter() {
                    path.push('/');
                    path.push_str(&segment.to_string());
                }
                let full = format!("{}{path}", obj.pointer);
                let (file, span) = self.provenance.nearest(&full).unwrap_or(fallback);
                self.diagnostics.push(
                    Diagnostic::error(INVALID, format!("cannot import: {}", error.into_inner()))
                        .at(file, span)
                        .pointer(full)
                        .source(SOURCE_REF),
                );
                None
            }
        }
    }
}

/// One operation of the document.
struct Operation<'a> {
    path: &'a str,
    /// The path key in `paths`.
    path_span: Span,
    /// Upper-case method, `ANY` for `x-apigateway-any-method`.
    method: String,
    /// The file holding the path item.
    file: FileId,
    item: &'a Node,
    node: &'a Node,
    /// The method key.
    key_span: Span,
}

/// `pointer/key`, without the formatting machinery: the importer builds one of these for
/// every value it writes.
fn child(pointer: &str, key: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + 1 + key.len());
    out.push_str(pointer);
    out.push('/');
    out.push_str(key);
    out
}

fn title_node(info: Option<&Node>) -> Option<&Node> {
    info?.get("title")
}

/// `type` as a string; OpenAPI 3.1 may write a list (`[string, "null"]`), whose first
/// non-null entry is used.
fn type_name(node: &Node) -> Option<&str> {
    match &node.value {
        Value::String(s) => Some(s),
        Value::Seq(items) => items.iter().filter_map(Node::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

/// A scalar as the string the API Reference expects (`default_value`, `enumerations`).
fn scalar_string(node: &Node) -> String {
    match &node.value {
        Value::String(s) => s.to_string(),
        Value::Number(Number::Int(i)) => i.to_string(),
        Value::Number(Number::Float(f)) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        _ => node.to_json().to_string(),
    }
}

/// The path part of a server URL (`https://host/v1` → `/v1`, `/v1` → `/v1`).
fn url_path(url: &str) -> String {
    let rest = match url.split_once("://") {
        Some((_, rest)) => match rest.find('/') {
            Some(i) => &rest[i..],
            None => "",
        },
        None => url,
    };
    rest.to_owned()
}

/// A request path with every `{template}` emptied to `{}` (a greedy `{name+}` to `{+}`): two
/// paths of the same shape match the same requests whatever their variables are called.
fn template_shape(uri: &str) -> String {
    let mut out = String::with_capacity(uri.len());
    let mut rest = uri;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        let greedy = rest[..open + close].ends_with('+');
        out.push_str(if greedy { "{+}" } else { "{}" });
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

fn join_path(base: &str, path: &str) -> String {
    if base.is_empty() {
        path.to_owned()
    } else {
        format!("{base}{path}")
    }
}

/// A deterministic API name for an operation without `operationId`: method and path, with
/// characters outside the API Reference's name alphabet replaced by `_`, made unique.
fn generated_name(method: &str, path: &str, used: &mut HashMap<String, usize>) -> String {
    let mut base = method.to_ascii_lowercase();
    for c in path.chars() {
        match c {
            '{' | '}' => {}
            '/' => base.push('_'),
            c if c.is_ascii_alphanumeric() || "-_.:()".contains(c) => base.push(c),
            _ => base.push('_'),
        }
    }
    let base = base.trim_end_matches('_').to_owned();
    let mut base: String = base.chars().take(240).collect();
    if base.len() < 3 {
        base.push_str("_api");
    }
    let mut name = base.clone();
    let mut n = 1;
    while used.contains_key(&name) {
        n += 1;
        name = format!("{base}_{n}");
    }
    used.insert(name.clone(), 1);
    name
}
