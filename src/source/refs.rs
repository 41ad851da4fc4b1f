//! `$ref` resolution across one document and the files it references.
//!
//! [`Workspace::resolve_refs`] walks every loaded document, loads each relative file it
//! references once (into the same [`Sources`], so diagnostics inside it have their own file
//! and spans), and reports every reference that does not lead to a value. Afterwards
//! [`Workspace::resolve`] and [`Workspace::deref`] answer lookups without touching the disk,
//! which is what the later stages (import, lint rules) use.
//!
//! Nothing is fetched over the network: `http://` and `https://` references are reported,
//! never followed. Relative file references may not leave the root document's directory
//! unless [`RefOptions::allow_external_refs`] is set, so linting an untrusted document cannot
//! read arbitrary files.
//!
//! In an OpenAPI 3.1 document, whose Schema Objects are JSON Schema 2020-12, a reference may
//! also name a schema by its identifiers (2020-12 §8.2): `#name` (or `other.yaml#name`) the
//! schema whose `$anchor` (or `$dynamicAnchor`) is `name` in that resource, and a URI the
//! schema whose `$id` it is, resolved against the base URI where the `$ref` is written (the
//! nearest enclosing `$id`, else the document's location). Only identifiers declared in the
//! loaded documents are known; none is fetched. `$dynamicRef` is not resolved.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::did_you_mean;
use crate::diagnostic::{Diagnostic, Location, Related};

use super::KeyIndex;
use super::hash::FastMap;
use super::inline::Inlined;
use super::uri;
use super::{
    Document, Entry, FileId, Input, Limits, LoadError, Map, Node, Sources, Span, Value,
    escape_pointer_token, load, load_bytes,
};

/// Options for following references.
#[derive(Clone, Copy, Debug, Default)]
pub struct RefOptions {
    /// Allow relative file references that leave the root document's directory.
    pub allow_external_refs: bool,
}

/// How many files one root document may pull in through references; a guard against
/// documents that reference thousands of files.
pub const MAX_REFERENCED_FILES: usize = 1000;

/// How many other places a diagnostic lists for a file reference that fails everywhere.
const MAX_RELATED: usize = 5;

/// How many references a cycle message names before eliding the middle.
const MAX_CHAIN_SHOWN: usize = 8;

/// A root document with every file its references reach.
#[derive(Debug)]
pub struct Workspace {
    /// The text of every loaded file.
    pub sources: Sources,
    /// Loaded documents; the first is the root.
    pub documents: Vec<Document>,
    /// Index into `documents` by file.
    by_file: HashMap<FileId, usize>,
    /// Loaded files by canonical path (symlinks resolved), so each is loaded once.
    by_path: HashMap<PathBuf, FileId>,
    /// The root document's directory, as given (made absolute) and canonical; `None` for
    /// standard input.
    root_dir: Option<(PathBuf, PathBuf)>,
    /// Where each file reference `(referring file, path as written)` leads, filled by
    /// [`Workspace::resolve_refs`].
    links: HashMap<(FileId, String), Result<FileId, RefError>>,
    /// Files that failed to load, by canonical path, so each is tried once.
    failed: HashMap<PathBuf, RefError>,
    /// The JSON Schema identifiers of the loaded documents, filled by
    /// [`Workspace::link_refs`].
    ids: Identifiers,
    options: RefOptions,
    /// Key lookups in big mappings, for JSON pointers through them.
    keys: KeyIndex,
}

/// JSON Schema 2020-12 identifiers found in the loaded documents: each schema resource (a
/// document, or a schema with `$id`) with the plain names (`$anchor`, `$dynamicAnchor`)
/// declared in it.
///
/// They name schemas only when the root is OpenAPI 3.1, whose Schema Objects are 2020-12;
/// before 3.1 they mean nothing, and are kept only to say, when a reference uses one, how to
/// write it instead.
#[derive(Debug, Default)]
struct Identifiers {
    /// Whether identifiers name schemas (the root is OpenAPI 3.1 or later).
    active: bool,
    /// The root's version as messages name it (`OpenAPI 3.0.3`).
    version: String,
    resources: Vec<Resource>,
    /// Resources by the [`uri::key`] of their URI: each `$id`, and each document's location
    /// (which an `$id` declared for the same URI takes over).
    by_uri: HashMap<String, usize>,
    /// Each document's own URI, and the resource of its root.
    files: HashMap<FileId, (String, usize)>,
    /// The resource whose URI is the base of a `$ref`, by the address of the mapping holding
    /// it: only for those below an `$id` that changes the base (3.1). Addresses are taken
    /// once every file is loaded, when the trees no longer move.
    scopes: FastMap<usize, usize>,
    /// Schemas named the draft-07 way, `$id: '#name'` (2020-12 forbids a fragment in `$id`),
    /// for the help of a `#name` reference that finds no `$anchor`.
    legacy: Vec<(String, Decl)>,
    /// How many schemas have an `$id`: without any, references need no URI work.
    declared: usize,
}

impl Identifiers {
    /// Empty identifiers for the documents below `root`.
    fn new(root: &Node) -> Identifiers {
        let version = match (
            root.get("openapi").and_then(Node::as_str),
            root.get("swagger").and_then(Node::as_str),
        ) {
            (Some(v), _) => format!("OpenAPI {v}"),
            (None, Some(v)) => format!("Swagger {v}"),
            (None, None) => String::new(),
        };
        Identifiers {
            active: siblings_apply(root),
            version,
            ..Identifiers::default()
        }
    }

    /// The base URI of a reference in `file` below `scope`.
    fn base(&self, file: FileId, scope: Option<usize>) -> &str {
        match scope.and_then(|r| self.resources.get(r)) {
            Some(resource) => &resource.uri,
            None => self.files.get(&file).map_or("", |(uri, _)| uri.as_str()),
        }
    }

    /// The resource whose URI is the base of the `$ref` of `holder`, when it is not the
    /// document's location.
    fn scope_of(&self, holder: &Node) -> Option<usize> {
        if self.scopes.is_empty() {
            return None;
        }
        self.scopes.get(&address(holder)).copied()
    }

    /// The schema with `$id` that `reference`, written in `file` outside any `$id`, names.
    fn named_by_id(&self, file: FileId, reference: &str) -> Option<usize> {
        if !self.active || self.declared == 0 {
            return None;
        }
        let resolved = uri::resolve(self.base(file, None), reference);
        let &r = self
            .by_uri
            .get(&uri::key(uri::split_fragment(&resolved).0))?;
        self.resources[r].id.is_some().then_some(r)
    }

    /// `did you mean ...? ` for an `$id` like `absolute`, or nothing. Only the last path
    /// segments are compared, of URIs alike up to them: whole URIs share so much that any
    /// two would look near.
    fn near_id(&self, absolute: &str) -> String {
        let (dir, name) = absolute.split_at(absolute.rfind('/').map_or(0, |i| i + 1));
        let names = self
            .resources
            .iter()
            .filter(|r| r.id.is_some())
            .filter_map(|r| r.uri.strip_prefix(dir));
        match did_you_mean(name, names) {
            Some(near) => format!("did you mean `{dir}{near}`? "),
            None => String::new(),
        }
    }
}

/// Whether a document's text may declare a JSON Schema identifier or use `$dynamicRef`:
/// most do not, and their walk then records nothing.
fn may_declare_ids(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'$', bytes).any(|i| {
        let rest = &bytes[i + 1..];
        rest.starts_with(b"id") || rest.starts_with(b"anchor") || rest.starts_with(b"dynamic")
    })
}

/// The JSON pointer of the node at child indexes `at` below `root`.
fn pointer_from(root: &Node, at: &[u32]) -> String {
    let mut pointer = String::new();
    let mut node = root;
    for &i in at {
        let next = match &node.value {
            Value::Map(map) => map.entries.get(i as usize).map(|e| {
                pointer.push('/');
                pointer.push_str(&escape_pointer_token(&e.key.name));
                &e.value
            }),
            Value::Seq(items) => items.get(i as usize).inspect(|_| {
                pointer.push('/');
                pointer.push_str(&i.to_string());
            }),
            _ => None,
        };
        let Some(next) = next else {
            break;
        };
        node = next;
    }
    pointer
}

/// A schema resource: a document, or a schema with `$id`.
#[derive(Debug)]
struct Resource {
    /// Its absolute URI, without fragment.
    uri: String,
    file: FileId,
    /// Its root's child indexes from the document's root.
    at: Vec<u32>,
    /// Where its `$id` value is written; `None` for a document.
    id: Option<Span>,
    /// Its plain names, from `$anchor` and `$dynamicAnchor`.
    anchors: HashMap<String, Decl>,
}

/// A schema that declares an identifier.
#[derive(Clone, Debug)]
struct Decl {
    file: FileId,
    /// The schema's child indexes from the document's root.
    at: Vec<u32>,
    /// Where the identifier's value is written.
    span: Span,
}

/// Why a reference does not resolve. Turned into a [`Diagnostic`] at the `$ref` value by
/// [`RefError::into_diagnostic`].
#[derive(Clone, Debug, PartialEq)]
pub struct RefError {
    /// Diagnostic code (`ref-unresolved`, `ref-remote`, …).
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// Places that explain it (the target file, the other members of a cycle).
    pub related: Vec<Related>,
}

impl RefError {
    fn new(code: &'static str, message: impl Into<String>, help: impl Into<String>) -> RefError {
        RefError {
            code,
            message: message.into(),
            help: help.into(),
            related: Vec::new(),
        }
    }

    /// The error as a diagnostic at the `$ref` value in `file`.
    pub fn into_diagnostic(self, file: FileId, span: Span) -> Diagnostic {
        let mut d = Diagnostic::error(self.code, self.message)
            .at(file, span)
            .help(self.help);
        d.related = self.related;
        d
    }
}

/// What a reference string names.
enum Reference<'r> {
    /// `#/…` in the same file.
    Internal { fragment: &'r str },
    /// A relative or absolute path, with the fragment after `#`.
    File { path: String, fragment: &'r str },
    /// `http://…` or `https://…`.
    Remote,
    /// Another URI scheme (`urn:`, `file:`).
    Unsupported { scheme: &'r str },
}

fn parse_reference(text: &str) -> Reference<'_> {
    let (uri, fragment) = text.split_once('#').unwrap_or((text, ""));
    if uri.is_empty() {
        return Reference::Internal { fragment };
    }
    if let Some((scheme, _)) = uri.split_once(':') {
        let is_scheme = scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        if is_scheme {
            return if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
                Reference::Remote
            } else {
                Reference::Unsupported { scheme }
            };
        }
    }
    // A query string has no meaning for a file.
    let uri = uri.split_once('?').map_or(uri, |(path, _)| path);
    Reference::File {
        path: percent_decode(uri).into_owned(),
        fragment,
    }
}

/// Decodes `%XX` escapes (URI references are percent-encoded); malformed escapes and
/// sequences that are not UTF-8 are left as written.
pub(crate) fn percent_decode(text: &str) -> Cow<'_, str> {
    if !text.contains('%') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(s) => Cow::Owned(s),
        Err(_) => Cow::Borrowed(text),
    }
}

/// A node a reference leads to.
#[derive(Clone, Copy)]
struct Target<'a, 'r> {
    file: FileId,
    node: &'a Node,
    /// Where it is in its file (`'r`: the reference text it was found by).
    at: At<'a, 'r>,
}

/// Where a [`Target`] is in its file, to make its JSON pointer when one is needed
/// ([`Workspace::pointer_of`]).
#[derive(Clone, Copy)]
enum At<'a, 'r> {
    /// A JSON pointer from the root, percent-encoded as a reference writes it.
    Pointer(&'r str),
    /// A JSON pointer (percent-encoded) below the node at these child indexes from the root:
    /// a schema named by `$id` or `$anchor`.
    Below(&'a [u32], &'r str),
}

/// Every `$ref` of a workspace, found by [`Workspace::link_refs`], with the problems found
/// so far (files that cannot be followed), for [`Workspace::check_refs`].
pub struct LinkedRefs {
    sites: Vec<Site>,
    indexes: SiteIndexes,
    /// Sites already reported (their file cannot be followed).
    reported: HashSet<usize>,
    diagnostics: Vec<Diagnostic>,
}

/// What [`Workspace::resolve_refs`] learns while it checks every site, so that the same
/// reference text, or a holder on many chains, is worked out once.
#[derive(Default)]
struct Memo<'a> {
    /// Holders already followed, by address, and whether they resolve.
    verdicts: FastMap<usize, bool>,
    /// Where a reference text, as written in a file below a resource (see
    /// [`Identifiers::scopes`]), leads (successes only: a failure is reported once, at its
    /// own site).
    targets: FastMap<(FileId, Option<usize>, &'a str), Target<'a, 'a>>,
}

/// A `$ref` found in a document.
struct Site {
    file: FileId,
    /// Where the mapping that holds the `$ref` is: its child indexes from the root, a range
    /// of [`SiteIndexes`]. Following them is direct; a pointer would scan every big mapping
    /// (`components/schemas`) on the way, once per site.
    holder: std::ops::Range<usize>,
    /// The `$ref` value.
    span: Span,
    /// The reference, or the kind of the non-string value.
    text: Result<String, &'static str>,
    /// The resource below an `$id` whose URI is the reference's base, when it is not the
    /// document's location (see [`Identifiers::scopes`]).
    scope: Option<usize>,
}

/// How the walker treats the keys of a mapping.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// An object with fixed fields: `example`, `default`, `enum`, `const` and `x-*` hold
    /// literal data.
    Object,
    /// A map from user-chosen names (`properties`, `schemas`): every key is a name.
    Names,
    /// A map from names that may also hold `x-*` extensions (`paths`, `responses`, callbacks).
    ExtensibleNames,
    /// `callbacks`: names of Callback Objects, whose keys are expressions.
    Callbacks,
    /// `examples` as a map: Example Objects, or (Swagger 2.0) media types to literal data.
    Examples,
    /// An Example Object: `value` is literal data.
    Example,
}

/// Keys whose value is literal data, never a reference.
const LITERAL_KEYS: [&str; 4] = ["example", "default", "enum", "const"];

/// Keys whose mapping value is keyed by user-chosen names.
pub(crate) const NAME_MAP_KEYS: [&str; 18] = [
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "dependentSchemas",
    "dependencies",
    "schemas",
    "parameters",
    "requestBodies",
    "securitySchemes",
    "securityDefinitions",
    "headers",
    "links",
    "content",
    "encoding",
    "variables",
    "pathItems",
    "mapping",
];

/// Keys whose mapping value is keyed by names or `x-*` extensions.
pub(crate) const EXTENSIBLE_NAME_MAP_KEYS: [&str; 3] = ["paths", "responses", "webhooks"];

/// The child indexes of every [`Site`]'s holder, one after another.
type SiteIndexes = Vec<u32>;

/// Follows child indexes from `root` (an entry's index in a mapping, an item's in a sequence).
fn node_at<'a>(root: &'a Node, indexes: &[u32]) -> Option<&'a Node> {
    let mut node = root;
    for &i in indexes {
        node = match &node.value {
            Value::Map(map) => &map.entries.get(i as usize)?.value,
            Value::Seq(items) => items.get(i as usize)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Where [`collect_sites`] puts what it finds.
struct Sites<'s> {
    /// The sites.
    found: &'s mut Vec<Site>,
    /// Their holders' child indexes.
    indexes: &'s mut SiteIndexes,
    /// The child indexes of the node being walked.
    path: Vec<u32>,
    /// Where identifiers go, for a document that may declare some (`None`: it has none).
    ids: Option<Indexer<'s>>,
}

impl Sites<'_> {
    fn push(&mut self, file: FileId, span: Span, text: Result<String, &'static str>) {
        let start = self.indexes.len();
        self.indexes.extend_from_slice(&self.path);
        self.found.push(Site {
            file,
            holder: start..self.indexes.len(),
            span,
            text,
            scope: self.ids.as_ref().and_then(Indexer::scope),
        });
    }
}

/// Records the identifiers of one document while [`collect_sites`] walks it.
struct Indexer<'i> {
    ids: &'i mut Identifiers,
    file: FileId,
    /// The [`uri::key`] of the document's own URI: an `$id` that resolves to it does not
    /// change the base.
    doc_key: String,
    /// Whether the document is the root, whose root is an OpenAPI object, not a schema.
    openapi: bool,
    /// The resources the walk is in, innermost last (the document's at the bottom), and
    /// whether each changes the base from the document's location.
    stack: Vec<(usize, bool)>,
    diagnostics: &'i mut Vec<Diagnostic>,
}

impl Indexer<'_> {
    /// The resource whose URI is the base of a `$ref` here, when it is not the document.
    fn scope(&self) -> Option<usize> {
        self.stack
            .last()
            .and_then(|&(resource, moved)| moved.then_some(resource))
    }

    fn resource(&self) -> usize {
        self.stack.last().map_or(0, |&(resource, _)| resource)
    }

    /// Records the identifiers of the mapping at `path` (an object, not a map of names);
    /// returns whether its `$id` began a resource, which [`Indexer::leave`] ends.
    fn enter(&mut self, map: &Map, path: &[u32]) -> bool {
        if self.openapi && path.is_empty() {
            return false;
        }
        // `$id` first: it is the base of the mapping's own `$anchor` and `$ref`.
        let began = match map.entry("$id") {
            Some(id) => match id.value.as_str() {
                Some(text) => self.declare_id(text, id.value.span, path),
                None => false,
            },
            None => false,
        };
        for entry in &map.entries {
            match (&*entry.key.name, entry.value.as_str()) {
                (keyword @ ("$anchor" | "$dynamicAnchor"), Some(name)) => {
                    self.declare_anchor(keyword, name, entry.value.span, path);
                }
                ("$dynamicRef", Some(text)) if self.ids.active => {
                    self.diagnostics.push(
                        Diagnostic::warn(
                            "ref-dynamic",
                            format!("`$dynamicRef: {text}` is not followed: apigctl resolves `$ref` only, so this schema is checked and imported without the schema it names"),
                        )
                        .at(self.file, entry.value.span)
                        .help(format!("where the dynamic scope does not matter, write `$ref: '{text}'` (a `$ref` to a `$dynamicAnchor` names that schema like an `$anchor`)")),
                    );
                }
                _ => {}
            }
        }
        began
    }

    fn leave(&mut self) {
        self.stack.pop();
    }

    /// Records `$id: text` of the schema at `path`; returns whether it began a resource.
    fn declare_id(&mut self, text: &str, span: Span, path: &[u32]) -> bool {
        let decl = Decl {
            file: self.file,
            at: path.to_vec(),
            span,
        };
        let (id, fragment) = uri::split_fragment(text);
        if let Some(name) = fragment.filter(|f| !f.is_empty()) {
            // Draft-07's way to name a schema; not an identifier in 2020-12 (its meta-schema
            // refuses it, which the schema check reports).
            self.ids
                .legacy
                .push((percent_decode(name).into_owned(), decl));
            return false;
        }
        let base = &self.ids.resources[self.resource()].uri;
        let absolute = uri::resolve(base, id);
        let key = uri::key(&absolute);
        let index = self.ids.resources.len();
        let first = self
            .ids
            .by_uri
            .get(&key)
            .copied()
            .filter(|&r| self.ids.resources[r].id.is_some());
        if let (Some(first), true) = (first, self.ids.active) {
            let first = &self.ids.resources[first];
            let named = if text == absolute {
                String::new()
            } else {
                format!(" (`{absolute}`)")
            };
            let mut d = Diagnostic::error(
                "ref-duplicate-id",
                format!("`$id: {text}`{named} is declared a second time: a `$ref` to it could name either schema"),
            )
            .at(self.file, span)
            .help("give each schema its own `$id`, or remove this one");
            if let Some(at) = first.id {
                d = d.related(first.file, at, "first declared here");
            }
            self.diagnostics.push(d);
        }
        let moved = key != self.doc_key;
        self.ids.declared += 1;
        self.ids.resources.push(Resource {
            uri: absolute,
            file: self.file,
            at: decl.at,
            id: Some(span),
            anchors: HashMap::new(),
        });
        if first.is_none() {
            self.ids.by_uri.insert(key, index);
        }
        if !self.ids.active {
            return false;
        }
        // The document's root: its location names the same resource.
        if path.is_empty()
            && let Some((_, root)) = self.ids.files.get_mut(&self.file)
        {
            *root = index;
            let named = self.ids.by_uri.get(&self.doc_key).copied();
            // Unless an `$id` elsewhere took the location over.
            if named.is_none_or(|r| self.ids.resources[r].id.is_none()) {
                self.ids.by_uri.insert(self.doc_key.clone(), index);
            }
        }
        self.stack.push((index, moved));
        true
    }

    /// Records `keyword: name` (`$anchor` or `$dynamicAnchor`) of the schema at `path`.
    fn declare_anchor(&mut self, keyword: &str, name: &str, span: Span, path: &[u32]) {
        let active = self.ids.active;
        let resource = self.resource();
        let Some(r) = self.ids.resources.get_mut(resource) else {
            return;
        };
        let described = match r.id {
            Some(_) => format!("the schema with `$id: {}`", r.uri),
            None => "this document".to_owned(),
        };
        match r.anchors.get(name) {
            // `$anchor` and `$dynamicAnchor` of one schema may give it the same name.
            Some(first) if first.at == path => {}
            Some(first) => {
                if active {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "ref-duplicate-anchor",
                            format!("`{keyword}: {name}` is declared a second time in {described}: `#{name}` could name either schema"),
                        )
                        .at(self.file, span)
                        .related(first.file, first.span, "first declared here")
                        .help("rename one of them: a plain name is unique in its schema resource (the document, or the nearest enclosing schema with `$id`)"),
                    );
                }
            }
            None => {
                r.anchors.insert(
                    name.to_owned(),
                    Decl {
                        file: self.file,
                        at: path.to_vec(),
                        span,
                    },
                );
            }
        }
    }
}

/// Collects every `$ref` below `node`, skipping literal data.
fn collect_sites(file: FileId, node: &Node, context: Context, out: &mut Sites<'_>) {
    match &node.value {
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                out.path.push(i as u32);
                collect_sites(file, item, Context::Object, out);
                out.path.pop();
            }
        }
        Value::Map(map) => {
            let began = match &mut out.ids {
                Some(ids) if context == Context::Object => ids.enter(map, &out.path),
                _ => false,
            };
            for (i, entry) in map.entries.iter().enumerate() {
                let key = &*entry.key.name;
                let value = &entry.value;
                if key == "$ref" {
                    match &value.value {
                        Value::String(s) => {
                            out.push(file, value.span, Ok(s.to_string()));
                            continue;
                        }
                        // A property or definition named `$ref`.
                        _ if context == Context::Names => {}
                        other => {
                            out.push(file, value.span, Err(other.kind()));
                            continue;
                        }
                    }
                }
                let Some(child) = child_context(context, key, value) else {
                    continue;
                };
                out.path.push(i as u32);
                collect_sites(file, value, child, out);
                out.path.pop();
            }
            if began && let Some(ids) = &mut out.ids {
                ids.leave();
            }
        }
        _ => {}
    }
}

/// How the walker treats the value of member `key` of a mapping walked in `context`; `None`
/// for literal data, which holds no references.
fn child_context(context: Context, key: &str, value: &Node) -> Option<Context> {
    Some(match context {
        Context::Names => Context::Object,
        Context::ExtensibleNames if key.starts_with("x-") => return None,
        Context::ExtensibleNames => Context::Object,
        Context::Callbacks => Context::ExtensibleNames,
        // Swagger 2.0 response examples: media type to literal data.
        Context::Examples if key.contains('/') => return None,
        Context::Examples => Context::Example,
        Context::Example if key == "value" || key.starts_with("x-") => return None,
        Context::Object | Context::Example => {
            if LITERAL_KEYS.contains(&key) || key.starts_with("x-") {
                return None;
            }
            match (&value.value, key) {
                // A 3.1 Schema Object's `examples` is a list of literal values.
                (Value::Seq(_), "examples") => return None,
                (Value::Map(_), "examples") => Context::Examples,
                (Value::Map(_), "callbacks") => Context::Callbacks,
                (Value::Map(_), k) if NAME_MAP_KEYS.contains(&k) => Context::Names,
                (Value::Map(_), k) if EXTENSIBLE_NAME_MAP_KEYS.contains(&k) => {
                    Context::ExtensibleNames
                }
                _ => Context::Object,
            }
        }
    })
}

impl Workspace {
    /// Loads the root document. On failure the sources are returned so the error can be shown.
    pub fn load(input: &Input, limits: &Limits) -> Result<Workspace, (Sources, LoadError)> {
        let mut sources = Sources::new();
        match load(input, &mut sources, limits) {
            Ok(doc) => Ok(Workspace::from_parts(sources, doc)),
            Err(e) => Err((sources, e)),
        }
    }

    /// A workspace around a root document that is already loaded (from memory, for
    /// example). A root without a path is treated like standard input: it may only hold
    /// internal references.
    pub fn from_parts(sources: Sources, root: Document) -> Workspace {
        let mut ws = Workspace {
            sources,
            documents: Vec::new(),
            by_file: HashMap::new(),
            by_path: HashMap::new(),
            root_dir: None,
            links: HashMap::new(),
            failed: HashMap::new(),
            ids: Identifiers::default(),
            options: RefOptions::default(),
            keys: KeyIndex::default(),
        };
        if let Some(path) = ws.sources.file(root.file).path.clone() {
            let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if let (Some(dir), Some(canonical_dir)) = (path.parent(), canonical.parent()) {
                ws.root_dir = Some((normalize(dir), canonical_dir.to_path_buf()));
            }
            ws.by_path.insert(canonical, root.file);
        }
        ws.by_file.insert(root.file, 0);
        ws.documents.push(root);
        ws
    }

    /// The root document.
    pub fn root(&self) -> &Document {
        &self.documents[0]
    }

    /// The loaded document of a file, if it loaded.
    pub fn document(&self, file: FileId) -> Option<&Document> {
        self.by_file.get(&file).map(|&i| &self.documents[i])
    }

    /// Follows every `$ref` in every loaded document (loading the files they reference, once
    /// each) and reports those that do not lead to a value: unresolvable pointers, files that
    /// cannot be read or parsed, remote references, references that leave the root
    /// document's directory, and cycles of references that never reach a value.
    ///
    /// A recursive schema (one that refers to itself below a property or `items`) is legal
    /// and reported nothing. Literal data (`example`, `examples.*.value`, `default`, `enum`,
    /// `const`, `x-*` extensions) is not searched for references.
    ///
    /// Each file is read at most once per workspace: a syntax error in a referenced file is
    /// reported by the first call only.
    pub fn resolve_refs(&mut self, limits: &Limits, options: &RefOptions) -> Vec<Diagnostic> {
        let linked = self.link_refs(limits, options);
        self.check_refs(linked)
    }

    /// The first half of [`Workspace::resolve_refs`]: finds every `$ref` and loads the files
    /// they reach. After it, references resolve (import can run); [`Workspace::check_refs`]
    /// reports the broken ones, and only reads the workspace, so it can run beside other
    /// readers.
    pub fn link_refs(&mut self, limits: &Limits, options: &RefOptions) -> LinkedRefs {
        self.options = *options;
        self.links.clear();
        self.ids = Identifiers::new(&self.documents[0].root);
        let mut diagnostics = Vec::new();
        let mut sites: Vec<Site> = Vec::new();
        let mut indexes = SiteIndexes::new();
        // File references that cannot be followed: the sites of each `(file, path)`.
        let mut failed: Vec<((FileId, String), Vec<usize>)> = Vec::new();
        let mut walked = 0;
        while walked < self.documents.len() {
            let file = self.documents[walked].file;
            let source = self.sources.file(file);
            let doc_uri = match &source.path {
                Some(path) => uri::file_uri(&normalize(path)),
                // Only a root can come without a path: in-memory documents and standard input.
                None => "apigctl-input:///document".to_owned(),
            };
            let doc_key = uri::key(&doc_uri);
            let resource = self.ids.resources.len();
            self.ids.resources.push(Resource {
                uri: doc_uri.clone(),
                file,
                at: Vec::new(),
                id: None,
                anchors: HashMap::new(),
            });
            self.ids.by_uri.entry(doc_key.clone()).or_insert(resource);
            self.ids.files.insert(file, (doc_uri, resource));
            // Most documents declare no identifier: their walk records none.
            let indexer = may_declare_ids(&source.text).then(|| Indexer {
                ids: &mut self.ids,
                file,
                doc_key,
                openapi: walked == 0,
                stack: vec![(resource, false)],
                diagnostics: &mut diagnostics,
            });
            let mut found = Vec::new();
            collect_sites(
                file,
                &self.documents[walked].root,
                Context::Object,
                &mut Sites {
                    found: &mut found,
                    indexes: &mut indexes,
                    path: Vec::new(),
                    ids: indexer,
                },
            );
            walked += 1;
            for site in found {
                let index = sites.len();
                // Below an `$id` that moves the base, a reference is looked up among the
                // identifiers and loaded documents once all are known: nothing to load.
                if let Ok(text) = &site.text
                    && site.scope.is_none()
                    && self.ids.named_by_id(file, text).is_none()
                    && let Reference::File { path, .. } = parse_reference(text)
                    && !self.link(site.file, &path, limits, &mut diagnostics)
                {
                    let key = (site.file, path);
                    match failed.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, at)) => at.push(index),
                        None => failed.push((key, vec![index])),
                    }
                }
                sites.push(site);
            }
        }
        // The trees no longer move: their addresses can be taken.
        for site in &sites {
            if let Some(scope) = site.scope
                && let Some(doc) = self.document(site.file)
                && let Some(holder) = indexes
                    .get(site.holder.clone())
                    .and_then(|at| node_at(&doc.root, at))
            {
                self.ids.scopes.insert(address(holder), scope);
            }
        }
        // One diagnostic per file that cannot be followed, at its first reference.
        let mut reported: HashSet<usize> = HashSet::new();
        let mut messages: HashSet<String> = HashSet::new();
        for (key, mut at) in failed {
            // An `$id` declared in a file loaded later names what the file would have.
            at.retain(|&i| match &sites[i].text {
                Ok(text) => self.ids.named_by_id(sites[i].file, text).is_none(),
                Err(_) => true,
            });
            if at.is_empty() {
                continue;
            }
            reported.extend(at.iter().copied());
            let Some(Err(error)) = self.links.get(&key).cloned() else {
                continue;
            };
            // The same file reached from several referring files is reported once.
            if !messages.insert(error.message.clone()) {
                continue;
            }
            let first = &sites[at[0]];
            let mut d = error.into_diagnostic(first.file, first.span);
            for &other in at.iter().skip(1).take(MAX_RELATED) {
                let s = &sites[other];
                d = d.related(s.file, s.span, "also referenced here");
            }
            if at.len() > MAX_RELATED + 1 {
                d.message.push_str(&format!(" ({} references)", at.len()));
            }
            diagnostics.push(d);
        }
        // What the loader noticed in each file, reported once, as its syntax errors are.
        for doc in &mut self.documents {
            diagnostics.append(&mut doc.notes);
        }
        LinkedRefs {
            sites,
            indexes,
            reported,
            diagnostics,
        }
    }

    /// The second half of [`Workspace::resolve_refs`]: the problems with the references
    /// [`Workspace::link_refs`] found, sorted by location.
    pub fn check_refs(&self, linked: LinkedRefs) -> Vec<Diagnostic> {
        let LinkedRefs {
            sites,
            indexes,
            reported,
            mut diagnostics,
        } = linked;
        let mut cycles: HashSet<Vec<usize>> = HashSet::new();
        let mut memo = Memo::default();
        for (i, site) in sites.iter().enumerate() {
            if reported.contains(&i) {
                continue;
            }
            if let Some(d) = self.check_site(site, &indexes, &mut cycles, &mut memo) {
                diagnostics.push(d);
            }
        }
        diagnostics.sort_by_key(|d| d.primary);
        diagnostics
    }

    /// Resolves `reference` as written in `file` to the node it names, without following
    /// further references at the target. Files are only looked up, never loaded: call
    /// [`Workspace::resolve_refs`] first.
    pub fn resolve(&self, file: FileId, reference: &str) -> Result<(FileId, &Node), RefError> {
        self.locate(file, None, reference).map(|t| (t.file, t.node))
    }

    /// Resolves `reference`, the `$ref` of the mapping `holder` in `file`, like
    /// [`Workspace::resolve`]; in OpenAPI 3.1 it is resolved against the `$id` of the schema
    /// it is written in, if any (JSON Schema 2020-12 §8.2.1), rather than the document's
    /// location.
    pub fn resolve_at<'a>(
        &'a self,
        file: FileId,
        holder: &Node,
        reference: &str,
    ) -> Result<(FileId, &'a Node), RefError> {
        self.locate(file, self.ids.scope_of(holder), reference)
            .map(|t| (t.file, t.node))
    }

    /// [`Workspace::resolve_at`] giving the target's file and JSON pointer (escaped, as
    /// [`Node::pointer`] takes it) instead of the node; `None` when it does not resolve.
    /// Needs [`Workspace::link_refs`] first, which finds the identifiers.
    pub fn pointer_at(
        &self,
        file: FileId,
        holder: &Node,
        reference: &str,
    ) -> Option<(FileId, String)> {
        let target = self
            .locate(file, self.ids.scope_of(holder), reference)
            .ok()?;
        Some((target.file, self.pointer_of(&target)))
    }

    /// Whether the `$ref` of the mapping `holder` is resolved against a schema's `$id`
    /// (OpenAPI 3.1) rather than its document's location.
    pub fn below_id(&self, holder: &Node) -> bool {
        self.ids.scope_of(holder).is_some()
    }

    /// The file and the JSON pointer (escaped, as [`Node::pointer`] takes it) of the node
    /// that `reference`, as written in `file`, names; `None` when it does not resolve.
    pub fn resolve_pointer(&self, file: FileId, reference: &str) -> Option<(FileId, String)> {
        if let Reference::Remote | Reference::Unsupported { .. } = parse_reference(reference) {
            return None;
        }
        // Written outside any `$id` (the references it serves are `paths` entries); the
        // target may still be a schema named by an identifier, whose pointer is not the
        // reference's fragment.
        let target = self.locate(file, None, reference).ok()?;
        Some((target.file, self.pointer_of(&target)))
    }

    /// `node[key]`, `node` being a mapping of one of the workspace's documents. A big mapping
    /// is looked up in an index made the first time (see [`KeyIndex`]): for a lookup per
    /// operation in a document-level mapping (a security scheme by name among thousands),
    /// where [`Node::get`] would scan it each time.
    pub fn member<'a>(&'a self, node: &'a Node, key: &str) -> Option<&'a Node> {
        Some(&self.keys.entry(node.as_map()?, key)?.value)
    }

    /// Follows a chain of references from `node` (a mapping with `$ref`, found in `file`) to
    /// the first node that is not a reference. A node without `$ref` is returned as it is.
    ///
    /// Fails, with a diagnostic at the offending `$ref` value, when a reference does not
    /// resolve or the chain loops without reaching a value.
    pub fn deref<'a>(
        &'a self,
        file: FileId,
        node: &'a Node,
    ) -> Result<(FileId, &'a Node), Box<Diagnostic>> {
        let Some(entry) = node.as_map().and_then(|m| m.entry("$ref")) else {
            return Ok((file, node));
        };
        let Some(text) = entry.value.as_str() else {
            let error = invalid_ref(entry.value.value.kind());
            return Err(Box::new(error.into_diagnostic(file, entry.value.span)));
        };
        match self.follow(file, node, text, entry.value.span, None) {
            Ok(target) => Ok((target.file, target.node)),
            Err(Broken::At(file, span, error)) => Err(Box::new(error.into_diagnostic(file, span))),
            Err(Broken::Cycle(cycle)) => Err(Box::new(self.cycle_diagnostic(&cycle))),
            // Only a memo knows failures in advance, and there is none here.
            Err(Broken::Known) => Err(Box::new(
                Diagnostic::error("ref-unresolved", format!("`{text}` does not resolve"))
                    .at(file, entry.value.span)
                    .help("fix the reference"),
            )),
        }
    }

    /// Reports the problem with one site, if any: its own reference fails, or it belongs to
    /// a cycle not yet reported. Failures further along a chain are reported at their own
    /// sites.
    fn check_site<'a>(
        &'a self,
        site: &'a Site,
        indexes: &SiteIndexes,
        cycles: &mut HashSet<Vec<usize>>,
        memo: &mut Memo<'a>,
    ) -> Option<Diagnostic> {
        let text = match &site.text {
            Ok(text) => text,
            Err(kind) => return Some(invalid_ref(kind).into_diagnostic(site.file, site.span)),
        };
        let holder = node_at(
            &self.document(site.file)?.root,
            indexes.get(site.holder.clone())?,
        )?;
        match self.follow(site.file, holder, text, site.span, Some(memo)) {
            Ok(_) | Err(Broken::Known) => None,
            Err(Broken::At(file, span, error)) => {
                (file == site.file && span == site.span).then(|| error.into_diagnostic(file, span))
            }
            Err(Broken::Cycle(mut cycle)) => {
                // Reported once, by whichever site finds it first: a `$ref` leading into the
                // cycle from outside marks the cycle's own sites as failing, so they never
                // would. It is reported at its first member in the document, whichever
                // site found it.
                let first = (0..cycle.members.len())
                    .min_by_key(|&i| (cycle.members[i].file.0, cycle.members[i].span.start));
                cycle.members.rotate_left(first.unwrap_or(0));
                let mut key: Vec<usize> = cycle.members.iter().map(|m| address(m.holder)).collect();
                key.sort_unstable();
                cycles.insert(key).then(|| self.cycle_diagnostic(&cycle))
            }
        }
    }

    /// Follows references from `holder` until a node that is not a reference.
    ///
    /// With `memo` (holders already followed, by address, and whether they resolve), a chain
    /// stops at the first holder already known: a known-good one ends it with `Ok` (at that
    /// intermediate node), a known-bad one with [`Broken::Known`]; so following every site of
    /// a long chain costs linear time.
    fn follow<'a>(
        &'a self,
        file: FileId,
        holder: &'a Node,
        text: &'a str,
        span: Span,
        mut memo: Option<&mut Memo<'a>>,
    ) -> Result<Target<'a, 'a>, Broken<'a>> {
        let mut chain: Vec<Member<'a>> = vec![Member {
            file,
            holder,
            text,
            span,
        }];
        let mut visited: HashMap<usize, usize> = HashMap::from([(address(holder), 0)]);
        let result = loop {
            let current = &chain[chain.len() - 1];
            let scope = self.ids.scope_of(current.holder);
            let located = match memo.as_deref_mut() {
                Some(memo) => match memo.targets.get(&(current.file, scope, current.text)) {
                    Some(&known) => Ok(known),
                    None => self
                        .locate(current.file, scope, current.text)
                        .inspect(|&target| {
                            memo.targets
                                .insert((current.file, scope, current.text), target);
                        }),
                },
                None => self.locate(current.file, scope, current.text),
            };
            let target = match located {
                Ok(target) => target,
                Err(e) => break Err(Broken::At(current.file, current.span, e)),
            };
            let Some(entry) = target.node.as_map().and_then(|m| m.entry("$ref")) else {
                break Ok(target);
            };
            if let Some(known) = memo
                .as_deref()
                .and_then(|m| m.verdicts.get(&address(target.node)))
            {
                break if *known {
                    Ok(target)
                } else {
                    Err(Broken::Known)
                };
            }
            let Some(next) = entry.value.as_str() else {
                // A non-string `$ref` is reported at its own site.
                break Err(Broken::At(
                    target.file,
                    entry.value.span,
                    invalid_ref(entry.value.value.kind()),
                ));
            };
            if let Some(&start) = visited.get(&address(target.node)) {
                let members = chain.split_off(start);
                if let Some(memo) = memo.as_deref_mut() {
                    memo.verdicts.extend(
                        chain
                            .iter()
                            .chain(&members)
                            .map(|m| (address(m.holder), false)),
                    );
                }
                return Err(Broken::Cycle(Cycle { members }));
            }
            visited.insert(address(target.node), chain.len());
            chain.push(Member {
                file: target.file,
                holder: target.node,
                text: next,
                span: entry.value.span,
            });
        };
        if let Some(memo) = memo {
            let ok = result.is_ok();
            memo.verdicts
                .extend(chain.iter().map(|m| (address(m.holder), ok)));
        }
        result
    }

    fn cycle_diagnostic(&self, cycle: &Cycle<'_>) -> Diagnostic {
        let first = &cycle.members[0];
        let last = &cycle.members[cycle.members.len() - 1];
        let message = if cycle.members.len() == 1 {
            format!(
                "`$ref: {}` refers to itself and never reaches a value",
                first.text
            )
        } else {
            // Each member is named by the reference that leads to it; the first by the last.
            let mut names: Vec<String> = vec![format!("`{}`", last.text)];
            names.extend(cycle.members.iter().map(|m| format!("`{}`", m.text)));
            if names.len() > MAX_CHAIN_SHOWN {
                let tail = names.split_off(names.len() - 2);
                names.truncate(MAX_CHAIN_SHOWN - 2);
                names.push("…".to_string());
                names.extend(tail);
            }
            format!(
                "reference cycle never reaches a value: {}{}",
                names.join(" → "),
                if cycle.members.len() + 1 > MAX_CHAIN_SHOWN {
                    format!(" ({} references)", cycle.members.len())
                } else {
                    String::new()
                }
            )
        };
        let mut d = Diagnostic::error("ref-cycle", message)
            .at(first.file, first.span)
            .help("point one of these `$ref`s at a definition with content; a schema may refer to itself only below `properties`, `items` or similar");
        for m in cycle.members.iter().skip(1).take(MAX_RELATED) {
            d = d.related(m.file, m.span, "part of the cycle");
        }
        d
    }

    /// Finds the node `reference` names, as written in `file` below `scope` (the resource
    /// whose URI is its base when that is not the document's location, see
    /// [`Identifiers::scopes`]).
    fn locate<'a, 'r>(
        &'a self,
        file: FileId,
        scope: Option<usize>,
        reference: &'r str,
    ) -> Result<Target<'a, 'r>, RefError> {
        // Without an `$id` anywhere and below none, a reference names a file and a place in
        // it: the URIs need not be worked out.
        if self.ids.active && (scope.is_some() || self.ids.declared > 0) {
            let fragment = uri::split_fragment(reference).1.unwrap_or("");
            let base = self.ids.base(file, scope);
            let resolved = uri::resolve(base, reference);
            let absolute = uri::split_fragment(&resolved).0;
            match self.ids.by_uri.get(&uri::key(absolute)) {
                // An `$id` names it (identifiers come before locations); below an `$id`, a
                // loaded document's location does too.
                Some(&r) if scope.is_some() || self.ids.resources[r].id.is_some() => {
                    return self.in_resource(file, r, scope, reference, fragment);
                }
                Some(_) => {}
                None if scope.is_some() => {
                    return Err(self.unknown_uri(scope, reference, absolute));
                }
                None => {}
            }
        }
        let (target_file, fragment) = match parse_reference(reference) {
            Reference::Internal { fragment } => (file, fragment),
            Reference::File { path, fragment } => {
                let key = (file, path);
                let target = match self.links.get(&key) {
                    Some(result) => result.clone()?,
                    None => self.lookup_file(file, &key.1)?,
                };
                (target, fragment)
            }
            Reference::Remote if self.ids.active => {
                let absolute = uri::split_fragment(reference).0;
                let mut error = remote_ref(reference);
                error.message = format!(
                    "remote reference `{reference}` is not fetched, and no schema in the loaded documents has `$id: {absolute}`"
                );
                error.help = format!(
                    "{}give the schema it names `$id: {absolute}` in this document or a file it references, or: {}",
                    self.ids.near_id(absolute),
                    error.help
                );
                return Err(error);
            }
            Reference::Remote => {
                let mut error = remote_ref(reference);
                self.ignored_id(file, reference, &mut error);
                return Err(error);
            }
            Reference::Unsupported { scheme } if self.ids.active => {
                let absolute = uri::split_fragment(reference).0;
                return Err(RefError::new(
                    "ref-unresolved",
                    format!(
                        "`{reference}` does not resolve: no schema in the loaded documents has `$id: {absolute}`, and the `{scheme}:` scheme is not supported for anything else"
                    ),
                    format!(
                        "{}give the schema it names `$id: {absolute}`, or reference it by JSON pointer (`#/components/schemas/Pet`) or by relative path (`./schemas/pet.yaml#/Pet`)",
                        self.ids.near_id(absolute)
                    ),
                ));
            }
            Reference::Unsupported { scheme } => {
                let mut error = RefError::new(
                    "ref-unresolved",
                    format!("`{reference}` uses the `{scheme}:` scheme, which is not supported"),
                    "reference a local file by relative path (`./schemas/pet.yaml#/Pet`) or a definition in this document (`#/components/schemas/Pet`)",
                );
                self.ignored_id(file, reference, &mut error);
                return Err(error);
            }
        };
        let doc = self.document(target_file).ok_or_else(|| {
            RefError::new(
                "ref-file",
                format!("`{reference}` names a file that did not load"),
                "fix the errors reported in that file",
            )
        })?;
        let decoded = percent_decode(fragment);
        if !decoded.is_empty() && !decoded.starts_with('/') {
            // A plain name (2020-12 §8.2.2): a schema of the document's resource.
            return match self.ids.files.get(&target_file) {
                Some(&(_, r)) if self.ids.active => {
                    self.in_resource(file, r, None, reference, fragment)
                }
                _ => Err(self.not_a_pointer(target_file, reference, fragment, &decoded)),
            };
        }
        let node = walk_pointer(
            &self.keys,
            doc.file,
            &doc.root,
            "the document root",
            reference,
            fragment,
        )?;
        Ok(Target {
            file: target_file,
            node,
            at: At::Pointer(fragment),
        })
    }

    /// The node `fragment` names in resource `r`: its root, a JSON pointer below it, or the
    /// schema with that plain name in it. `from` is the file of the `$ref`, `scope` the
    /// resource of its base.
    fn in_resource<'a, 'r>(
        &'a self,
        from: FileId,
        r: usize,
        scope: Option<usize>,
        reference: &str,
        fragment: &'r str,
    ) -> Result<Target<'a, 'r>, RefError> {
        let not_loaded = || {
            RefError::new(
                "ref-file",
                format!("`{reference}` names a file that did not load"),
                "fix the errors reported in that file",
            )
        };
        let resource = self.ids.resources.get(r).ok_or_else(not_loaded)?;
        let doc = self.document(resource.file).ok_or_else(not_loaded)?;
        let root = node_at(&doc.root, &resource.at).ok_or_else(not_loaded)?;
        let decoded = percent_decode(fragment);
        if decoded.is_empty() || decoded.starts_with('/') {
            let embedded = resource.id.is_some() && !resource.at.is_empty();
            let start = if embedded {
                format!("the schema with `$id: {}`", resource.uri)
            } else {
                "the document root".to_owned()
            };
            return match walk_pointer(&self.keys, resource.file, root, &start, reference, fragment)
            {
                Ok(node) => Ok(Target {
                    file: resource.file,
                    node,
                    at: At::Below(&resource.at, fragment),
                }),
                Err(mut error) => {
                    // The usual surprise: `#/components/...` below an `$id` is not the
                    // document's.
                    if embedded
                        && scope == Some(r)
                        && walk_pointer(&self.keys, doc.file, &doc.root, "", reference, fragment)
                            .is_ok()
                    {
                        error.help = format!(
                            "below a schema with `$id`, a `#/...` pointer starts at that schema, not at the document (JSON Schema 2020-12 §8.2.1), and `{}` is not in it; remove the `$id`, or refer to the target by an `$id` or `$anchor` of its own",
                            decoded
                        );
                        if let Some(id) = resource.id {
                            error.related.push(Related {
                                location: Location::new(resource.file, id),
                                message: "the `$id` the pointer starts at".to_owned(),
                            });
                        }
                    }
                    Err(error)
                }
            };
        }
        match resource.anchors.get(decoded.as_ref()) {
            Some(decl) => Ok(Target {
                file: decl.file,
                node: node_at(&doc.root, &decl.at).ok_or_else(not_loaded)?,
                at: At::Below(&decl.at, ""),
            }),
            None => Err(self.no_anchor(from, r, reference, &decoded)),
        }
    }

    /// Why `#name` finds no schema in resource `r` (OpenAPI 3.1).
    fn no_anchor(&self, from: FileId, r: usize, reference: &str, name: &str) -> RefError {
        let resource = &self.ids.resources[r];
        let place = match resource.id {
            Some(_) => format!("the schema with `$id: {}`", resource.uri),
            None if resource.file == from => "this document".to_owned(),
            None => format!("`{}`", self.sources.file(resource.file).name),
        };
        let mut error = RefError::new(
            "ref-unresolved",
            format!("`{reference}` does not resolve: no schema in {place} has `$anchor: {name}`"),
            String::new(),
        );
        if let Some(near) = did_you_mean(name, resource.anchors.keys().map(String::as_str)) {
            error.help = format!("did you mean `#{near}`? ");
        }
        let elsewhere = self
            .ids
            .resources
            .iter()
            .find_map(|other| other.anchors.get(name).map(|decl| (other, decl)));
        let legacy = self.ids.legacy.iter().find(|(n, _)| n == name);
        if let Some((other, decl)) = elsewhere {
            let named = match other.id {
                Some(_) => format!("the schema with `$id: {}`", other.uri),
                None => format!("`{}`", self.sources.file(other.file).name),
            };
            let how = if other.id.is_some() || resource.id.is_some() {
                format!("refer to it as `{}#{name}`", other.uri)
            } else {
                format!(
                    "refer to it through its file, as `{}#{name}`",
                    self.path_from(from, other.file)
                )
            };
            error.help.push_str(&format!(
                "`$anchor: {name}` is declared in {named}, and a plain name is looked up only in the resource the reference names; {how}"
            ));
            error.related.push(Related {
                location: Location::new(decl.file, decl.span),
                message: format!("`$anchor: {name}` is here"),
            });
        } else if let Some((_, decl)) = legacy {
            error.help.push_str(&format!(
                "a schema names itself `$id: '#{name}'`, as JSON Schema draft-07 did; OpenAPI 3.1 schemas are JSON Schema 2020-12, where that is `$anchor: {name}`"
            ));
            error.related.push(Related {
                location: Location::new(decl.file, decl.span),
                message: "the draft-07 name".to_owned(),
            });
        } else {
            error.help.push_str(&format!(
                "give the schema `$anchor: {name}` (a plain name is looked up in the document, or below the nearest enclosing `$id`), or refer to it by JSON pointer (`#/components/schemas/...`)"
            ));
        }
        error
    }

    /// How a file reference from `from` names the file `to`: its path relative to `from`'s
    /// directory when it is below it, else its name.
    fn path_from(&self, from: FileId, to: FileId) -> String {
        let (from, to) = (self.sources.file(from), self.sources.file(to));
        let relative = match (&from.path, &to.path) {
            (Some(from), Some(to)) => from
                .parent()
                .and_then(|dir| to.strip_prefix(dir).ok())
                .map(|rest| format!("./{}", rest.display())),
            _ => None,
        };
        relative.unwrap_or_else(|| to.name.clone())
    }

    /// Why a plain-name fragment does not resolve before OpenAPI 3.1, where it is no JSON
    /// pointer and names nothing.
    fn not_a_pointer(
        &self,
        target_file: FileId,
        reference: &str,
        fragment: &str,
        name: &str,
    ) -> RefError {
        let mut error = RefError::new(
            "ref-unresolved",
            format!("`{reference}`: the fragment `#{fragment}` is not a JSON pointer"),
            "write the fragment as a JSON pointer starting with `/`, for example `#/components/schemas/Pet`",
        );
        let anchored = self
            .ids
            .resources
            .iter()
            .filter(|r| r.file == target_file)
            .find_map(|r| r.anchors.get(name));
        match anchored {
            Some(decl) => {
                let pointer = self
                    .document(decl.file)
                    .map(|doc| pointer_from(&doc.root, &decl.at))
                    .unwrap_or_default();
                let file_part = uri::split_fragment(reference).0;
                error.help = format!(
                    "`$anchor` names a schema only in OpenAPI 3.1 (JSON Schema 2020-12), and this is {}: refer to the schema by its JSON pointer, `{file_part}#{pointer}`",
                    self.ids.version
                );
                error.related.push(Related {
                    location: Location::new(decl.file, decl.span),
                    message: format!("`$anchor: {name}`, which {} ignores", self.ids.version),
                });
            }
            None if !self.ids.version.is_empty() => error.help.push_str(&format!(
                " (a plain name such as `#{name}` names a schema by its `$anchor` in OpenAPI 3.1 only, and this is {})",
                self.ids.version
            )),
            None => {}
        }
        error
    }

    /// Before OpenAPI 3.1: when `reference` (in `file`) is the `$id` of a schema, which names
    /// it only from 3.1 on, the help says how to refer to that schema instead.
    fn ignored_id(&self, file: FileId, reference: &str, error: &mut RefError) {
        if self.ids.active || self.ids.declared == 0 {
            return;
        }
        let resolved = uri::resolve(self.ids.base(file, None), reference);
        let Some(resource) = self
            .ids
            .by_uri
            .get(&uri::key(uri::split_fragment(&resolved).0))
            .and_then(|&r| self.ids.resources.get(r))
        else {
            return;
        };
        let (Some(id), Some(doc)) = (resource.id, self.document(resource.file)) else {
            return;
        };
        let pointer = pointer_from(&doc.root, &resource.at);
        let how = if resource.file == file {
            format!("by its JSON pointer, `#{pointer}`")
        } else {
            format!(
                "by its file and JSON pointer (`{pointer}` in `{}`)",
                self.sources.file(resource.file).name
            )
        };
        error.help = format!(
            "`$id` names a schema only in OpenAPI 3.1 (JSON Schema 2020-12), and this is {}: refer to the schema {how}",
            self.ids.version
        );
        error.related.push(Related {
            location: Location::new(resource.file, id),
            message: format!("`$id`, which {} ignores", self.ids.version),
        });
    }

    /// Why a reference below an `$id` names nothing: its URI is no loaded identifier.
    fn unknown_uri(&self, scope: Option<usize>, reference: &str, absolute: &str) -> RefError {
        let resource = scope.and_then(|r| self.ids.resources.get(r));
        let base = resource.map_or("", |r| r.uri.as_str());
        let code = if absolute.starts_with("http://") || absolute.starts_with("https://") {
            "ref-remote"
        } else {
            "ref-unresolved"
        };
        let mut error = RefError::new(
            code,
            format!(
                "`{reference}` does not resolve: below the schema with `$id: {base}` it names `{absolute}`, and no schema in the loaded documents has that `$id`"
            ),
            format!(
                "{}apigctl fetches nothing and reads no file through an `$id`: give the schema it should name `$id: {absolute}`, or refer to it by a plain name (`#name` and `$anchor: name`) or a JSON pointer within the schema with `$id`",
                self.ids.near_id(absolute)
            ),
        );
        if let Some(r) = resource
            && let Some(id) = r.id
        {
            error.related.push(Related {
                location: Location::new(r.file, id),
                message: "the `$id` the reference resolves against".to_owned(),
            });
        }
        error
    }

    /// The JSON pointer of a target in its file.
    fn pointer_of(&self, target: &Target<'_, '_>) -> String {
        match target.at {
            At::Pointer(fragment) => percent_decode(fragment).into_owned(),
            At::Below(at, fragment) => {
                let mut pointer = self
                    .document(target.file)
                    .map(|doc| pointer_from(&doc.root, at))
                    .unwrap_or_default();
                pointer.push_str(&percent_decode(fragment));
                pointer
            }
        }
    }

    /// Where a file reference leads, for lookups after [`Workspace::resolve_refs`] (which
    /// records every link it saw).
    fn lookup_file(&self, from: FileId, path: &str) -> Result<FileId, RefError> {
        let target = self.target_path(from, path)?;
        self.by_path.get(&target.canonical).copied().ok_or_else(|| {
            RefError::new(
                "ref-file",
                format!("`{path}` has not been loaded"),
                "call resolve_refs before resolving references into other files",
            )
        })
    }

    /// Resolves a file reference from `from`, loading the file if this is its first
    /// reference, and records the outcome in `links`. Returns whether it can be followed.
    fn link(
        &mut self,
        from: FileId,
        path: &str,
        limits: &Limits,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> bool {
        let key = (from, path.to_string());
        if let Some(result) = self.links.get(&key) {
            return result.is_ok();
        }
        let result = match self.target_path(from, path) {
            Err(e) => Err(e),
            Ok(target) => match self.by_path.get(&target.canonical) {
                Some(&id) => Ok(id),
                None => match self.failed.get(&target.canonical) {
                    Some(e) => Err(e.clone()),
                    None => {
                        let result = self.load_target(&target, limits, diagnostics);
                        if let Err(e) = &result {
                            self.failed.insert(target.canonical.clone(), e.clone());
                        }
                        result
                    }
                },
            },
        };
        let ok = result.is_ok();
        self.links.insert(key, result);
        ok
    }

    /// Loads a referenced file through the loader, into the shared [`Sources`].
    fn load_target(
        &mut self,
        target: &TargetPath,
        limits: &Limits,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<FileId, RefError> {
        if self.documents.len() >= MAX_REFERENCED_FILES {
            return Err(RefError::new(
                "ref-file",
                format!(
                    "cannot load `{}`: the document already references {MAX_REFERENCED_FILES} files",
                    target.name
                ),
                "bundle the referenced definitions into fewer files",
            ));
        }
        let bytes = read_limited(&target.canonical, limits.max_input_size).map_err(|e| {
            // `.` names the holder's own directory, whose relative name is empty.
            let name = if target.name.is_empty() {
                target.canonical.display().to_string()
            } else {
                target.name.clone()
            };
            RefError::new(
                "ref-file",
                format!("cannot read referenced file `{name}`: {e}"),
                "check the path; it is resolved against the directory of the file that holds the `$ref`",
            )
        })?;
        match load_bytes(
            target.name.clone(),
            Some(target.absolute.clone()),
            bytes,
            &mut self.sources,
            limits,
        ) {
            Ok(doc) => {
                let id = doc.file;
                self.by_path.insert(target.canonical.clone(), id);
                self.by_file.insert(id, self.documents.len());
                self.documents.push(doc);
                Ok(id)
            }
            Err(LoadError::Invalid(d)) => {
                diagnostics.push(*d);
                Err(RefError::new(
                    "ref-file",
                    format!("referenced file `{}` could not be loaded", target.name),
                    "fix the error reported in that file",
                ))
            }
            Err(e @ LoadError::Io { .. }) => Err(RefError::new(
                "ref-file",
                format!("cannot read referenced file: {e}"),
                "check the path; it is resolved against the directory of the file that holds the `$ref`",
            )),
        }
    }

    /// Where a path reference from `from` points, or why it may not be followed.
    fn target_path(&self, from: FileId, path: &str) -> Result<TargetPath, RefError> {
        let source = self.sources.file(from);
        let (Some(referrer), Some((root_dir, root_canonical))) =
            (source.path.as_deref(), self.root_dir.as_ref())
        else {
            return Err(RefError::new(
                "ref-from-stdin",
                format!(
                    "cannot follow the file reference `{path}`: the document was read from standard input, so there is no directory to resolve it against"
                ),
                "pass the document as a file path instead of `-`, or use only internal references (`#/...`)",
            ));
        };
        let base = referrer.parent().unwrap_or(Path::new("/"));
        let absolute = normalize(&base.join(path));
        let canonical = std::fs::canonicalize(&absolute).unwrap_or_else(|_| absolute.clone());
        if !self.options.allow_external_refs
            && (!absolute.starts_with(root_dir) || !canonical.starts_with(root_canonical))
        {
            return Err(RefError::new(
                "ref-escapes-root",
                format!(
                    "`{path}` resolves to `{}`, outside the root document's directory `{}`",
                    canonical.display(),
                    root_dir.display()
                ),
                "move the file under the root document's directory, or pass --allow-external-refs to follow references outside it",
            ));
        }
        let shown_base = Path::new(&source.name)
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf();
        let name = normalize(&shown_base.join(path)).display().to_string();
        Ok(TargetPath {
            name,
            absolute,
            canonical,
        })
    }
}

/// A file a reference names: how to show it, its absolute path and its identity.
struct TargetPath {
    name: String,
    absolute: PathBuf,
    canonical: PathBuf,
}

/// One `$ref` along a chain.
struct Member<'a> {
    file: FileId,
    /// The mapping holding the `$ref`.
    holder: &'a Node,
    text: &'a str,
    span: Span,
}

/// References that lead back to one of themselves.
struct Cycle<'a> {
    /// The references of the loop, from the first the chain reached.
    members: Vec<Member<'a>>,
}

enum Broken<'a> {
    /// The reference at this file and span fails.
    At(FileId, Span, RefError),
    Cycle(Cycle<'a>),
    /// The chain reaches a reference already known to fail (reported at its own site).
    Known,
}

fn address(node: &Node) -> usize {
    std::ptr::from_ref(node) as usize
}

fn invalid_ref(kind: &str) -> RefError {
    RefError::new(
        "ref-invalid",
        format!("`$ref` must be a string, found a {kind}"),
        "write the reference as a string, for example `$ref: '#/components/schemas/Pet'`",
    )
}

fn remote_ref(reference: &str) -> RefError {
    RefError::new(
        "ref-remote",
        format!("remote reference `{reference}` is not fetched"),
        "apigctl never downloads references; download the document, save it next to this one and reference it by relative path (for example `./pet.yaml#/Pet`)",
    )
}

/// Walks a fragment (a JSON pointer, percent-encoded, or empty) below `start` in `file`,
/// which messages call `start_name` (`the document root`).
fn walk_pointer<'d>(
    keys: &KeyIndex,
    file: FileId,
    start: &'d Node,
    start_name: &str,
    reference: &str,
    fragment: &str,
) -> Result<&'d Node, RefError> {
    let decoded = percent_decode(fragment);
    if decoded.is_empty() {
        return Ok(start);
    }
    // Callers take plain names apart before.
    let rest = decoded.strip_prefix('/').unwrap_or(&decoded);
    let mut node = start;
    // The key the current node was reached by, to point at in a related location.
    let mut node_key: Option<Span> = None;
    // How much of `rest` the walk has passed; only an error message names it.
    let mut walked = 0;
    for raw in rest.split('/') {
        let token = unescape_strict(raw).ok_or_else(|| {
            RefError::new(
                "ref-unresolved",
                format!("`{reference}`: `{raw}` has an invalid `~` escape"),
                "in a JSON pointer `~0` stands for `~` and `~1` for `/`; no other `~` sequence is allowed",
            )
        })?;
        let parent = || {
            if walked == 0 {
                start_name.to_string()
            } else {
                format!("`#/{}`", &rest[..walked - 1])
            }
        };
        let next = match &node.value {
            Value::Map(map) => match keys.entry(map, &token) {
                Some(entry) => {
                    node_key = Some(entry.key.span);
                    &entry.value
                }
                None => {
                    let parent = parent();
                    let mut help = match did_you_mean(&token, map.iter().map(|(k, _)| k)) {
                        Some(near) => format!("did you mean `{near}`? "),
                        None => String::new(),
                    };
                    if let Some(r) = map.get("$ref").and_then(Node::as_str) {
                        help.push_str(&format!(
                            "{parent} is itself a reference to `{r}`, and a JSON pointer does not pass through references; point at the target directly"
                        ));
                    } else {
                        help.push_str(&format!(
                            "check the spelling, or define `{token}` under {parent}"
                        ));
                    }
                    let mut error = RefError::new(
                        "ref-unresolved",
                        format!("`{reference}` does not resolve: no `{token}` in {parent}"),
                        help,
                    );
                    if let Some(key) = node_key {
                        error.related.push(Related {
                            location: Location::new(file, key),
                            message: format!("{parent} is here"),
                        });
                    }
                    return Err(error);
                }
            },
            Value::Seq(items) => {
                let index = parse_index(&token);
                match index.and_then(|i| items.get(i)) {
                    Some(item) => {
                        node_key = None;
                        item
                    }
                    None => {
                        let parent = parent();
                        let message = match index {
                            Some(i) => format!(
                                "`{reference}` does not resolve: index {i} is out of range ({parent} has {} item{})",
                                items.len(),
                                if items.len() == 1 { "" } else { "s" }
                            ),
                            None => format!(
                                "`{reference}` does not resolve: `{token}` is not an index into the sequence {parent}"
                            ),
                        };
                        return Err(RefError::new(
                            "ref-unresolved",
                            message,
                            "sequence items are numbered from 0",
                        ));
                    }
                }
            }
            other => {
                return Err(RefError::new(
                    "ref-unresolved",
                    format!(
                        "`{reference}` does not resolve: {} is a {}, not a mapping, so it has no `{token}`",
                        parent(),
                        other.kind()
                    ),
                    "shorten the pointer to name the node itself",
                ));
            }
        };
        walked += raw.len() + 1;
        node = next;
    }
    Ok(node)
}

/// RFC 6901 unescaping that rejects `~` not followed by `0` or `1`.
fn unescape_strict(token: &str) -> Option<Cow<'_, str>> {
    if !token.contains('~') {
        return Some(Cow::Borrowed(token));
    }
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(Cow::Owned(out))
}

fn parse_index(token: &str) -> Option<usize> {
    if token.is_empty()
        || (token.len() > 1 && token.starts_with('0'))
        || !token.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    token.parse().ok()
}

/// Removes `.` and resolves `..` lexically (a leading `..` of a relative path is kept).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let popped =
                    matches!(out.components().next_back(), Some(Component::Normal(_))) && out.pop();
                if !popped && !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Reads a file, refusing anything over `limit` bytes without reading it whole.
fn read_limited(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    // Asked before opening: opening a pipe waits for a writer, which may never come.
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(std::io::Error::other("it is a directory"));
    }
    if !meta.is_file() {
        return Err(std::io::Error::other(
            "it is not a regular file (a pipe, socket or device); a reference names a document",
        ));
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "it is larger than the limit of {limit} bytes; raise it with --max-input-size"
        )));
    }
    Ok(bytes)
}

/// Why a reference into another file stays as written in an [`Inlined`] view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Skip {
    /// The view would nest deeper than [`Limits::max_depth`].
    Depth,
    /// The view would hold more nodes than the files' size in bytes plus
    /// [`Limits::alias_node_allowance`] (the bound the loader puts on YAML aliases).
    Nodes,
}

/// Whether a node of an OpenAPI 3.1 document is a Schema Object, beside whose `$ref` any
/// member may stand (JSON Schema 2020-12: they apply alongside the referenced schema), a
/// map or list of Schema Objects, or something else (where a Reference Object may only have
/// `summary` and `description` beside `$ref`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pos {
    Other,
    Schema,
    Schemas,
}

/// [`Pos`] of the value of member `key` (or of an item, with `key` `None`) of a node at
/// `parent` walked in `context`.
fn child_pos(parent: Pos, context: Option<Context>, key: Option<&str>, value: &Node) -> Pos {
    match (parent, key) {
        (Pos::Schemas, _) => Pos::Schema,
        (Pos::Schema, Some("items")) if matches!(value.value, Value::Seq(_)) => Pos::Schemas,
        (
            Pos::Schema,
            Some(
                "items"
                | "additionalItems"
                | "additionalProperties"
                | "not"
                | "contains"
                | "if"
                | "then"
                | "else"
                | "propertyNames"
                | "unevaluatedItems"
                | "unevaluatedProperties"
                | "contentSchema",
            ),
        ) => Pos::Schema,
        (
            Pos::Schema,
            Some(
                "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas"
                | "allOf" | "anyOf" | "oneOf" | "prefixItems",
            ),
        ) => Pos::Schemas,
        // A fixed field of an object (`schema` of a Parameter or Media Type, `schemas` of
        // Components), not a name chosen by the user.
        (Pos::Other, Some("schema")) if context == Some(Context::Object) => Pos::Schema,
        (Pos::Other, Some("schemas")) if context == Some(Context::Object) => Pos::Schemas,
        _ => Pos::Other,
    }
}

/// Whether an OpenAPI document gives members beside `$ref` a meaning (3.1 and later: a
/// Schema Object's apply alongside the referenced schema, a Reference Object's `summary` and
/// `description` replace the referenced object's); before 3.1 they are ignored.
fn siblings_apply(root: &Node) -> bool {
    root.pointer("/openapi")
        .and_then(|l| l.node.as_str())
        .and_then(|v| v.strip_prefix("3."))
        .and_then(|rest| rest.split('.').next())
        .and_then(|minor| minor.parse::<u32>().ok())
        .is_some_and(|minor| minor >= 1)
}

/// An inlined subtree found by [`Inliner`]: its view pointer, file, pointer in the file, and
/// the member that held the reference.
type FoundRegion = (String, FileId, String, (FileId, String));

/// Builds an [`Inlined`] view (see [`Workspace::inline_external`]).
struct Inliner<'a> {
    ws: &'a Workspace,
    root_file: FileId,
    /// Nodes the inlined subtrees may still add.
    budget: usize,
    max_depth: usize,
    /// [`Limits::alias_node_allowance`], for the message when the budget runs out.
    allowance: usize,
    /// Whether members beside `$ref` apply (OpenAPI 3.1, see [`siblings_apply`]).
    siblings: bool,
    /// The targets being inlined, by address: a reference to one of them recurses and stays.
    stack: Vec<usize>,
    regions: Vec<FoundRegion>,
    /// One warning per [`Skip`] reason, at the first reference it kept.
    skipped: Vec<(Skip, Diagnostic)>,
}

impl<'a> Inliner<'a> {
    /// Copies `node` (written in `file` at pointer `at`) to the view at pointer `view`, with
    /// references into other files replaced by their targets. `context` is how references
    /// are looked for (`None`: literal data, copied as it is), `pos` whether the node is a
    /// Schema Object.
    #[allow(clippy::too_many_arguments)]
    fn copy(
        &mut self,
        file: FileId,
        node: &'a Node,
        context: Option<Context>,
        pos: Pos,
        view: &mut String,
        at: &mut String,
        depth: usize,
    ) -> Result<Node, Skip> {
        // Only inlined content counts: the root document itself is within the loader's limits.
        if !self.stack.is_empty() {
            if depth > self.max_depth {
                return Err(Skip::Depth);
            }
            self.budget = self.budget.checked_sub(1).ok_or(Skip::Nodes)?;
        }
        let value = match &node.value {
            Value::Map(map) => {
                // Members beside `$ref` are looked at only where they can apply (3.1).
                let member = match map.entries.as_slice() {
                    [only] => Some(only),
                    entries if self.siblings => entries.iter().find(|e| &*e.key.name == "$ref"),
                    _ => None,
                };
                if let Some(context) = context
                    && let Some(member) = member
                    && &*member.key.name == "$ref"
                    && let Some(text) = member.value.as_str()
                    && (map.entries.len() == 1 || self.siblings_allowed(map, pos))
                {
                    let regions = self.regions.len();
                    match self.inline(file, node, member, text, context, pos, view, at, depth) {
                        Some(inlined) if map.entries.len() == 1 => return Ok(inlined),
                        Some(Node {
                            span,
                            value: Value::Map(target),
                        }) => {
                            let merged = self
                                .merge_siblings(file, map, target, context, pos, view, at, depth)?;
                            return Ok(Node::new(span, Value::Map(merged)));
                        }
                        // Members beside a reference to something else than a mapping (a
                        // boolean schema) have nothing to go beside: it stays as written.
                        Some(_) => self.regions.truncate(regions),
                        None => {}
                    }
                }
                let mut entries = Vec::with_capacity(map.entries.len());
                for entry in &map.entries {
                    let child =
                        context.and_then(|c| child_context(c, &entry.key.name, &entry.value));
                    let child_pos = child_pos(pos, context, Some(&entry.key.name), &entry.value);
                    let (view_len, at_len) = (view.len(), at.len());
                    let token = escape_pointer_token(&entry.key.name);
                    for p in [&mut *view, &mut *at] {
                        p.push('/');
                        p.push_str(&token);
                    }
                    let value =
                        self.copy(file, &entry.value, child, child_pos, view, at, depth + 1);
                    view.truncate(view_len);
                    at.truncate(at_len);
                    entries.push(Entry {
                        key: entry.key.clone(),
                        value: value?,
                    });
                }
                Value::Map(Map { entries })
            }
            Value::Seq(items) => {
                let mut copied = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let child = context.map(|_| Context::Object);
                    let child_pos = child_pos(pos, context, None, item);
                    let (view_len, at_len) = (view.len(), at.len());
                    for p in [&mut *view, &mut *at] {
                        p.push('/');
                        p.push_str(&i.to_string());
                    }
                    let value = self.copy(file, item, child, child_pos, view, at, depth + 1);
                    view.truncate(view_len);
                    at.truncate(at_len);
                    copied.push(value?);
                }
                Value::Seq(copied)
            }
            scalar => scalar.clone(),
        };
        Ok(Node::new(node.span, value))
    }

    /// Whether the members beside the `$ref` of `map` (at `pos`) are inlined with its target:
    /// in OpenAPI 3.1, any beside a Schema Object's, and `summary` and `description` beside
    /// a Reference Object's. Others (a Reference Object may have no more, and before 3.1
    /// every member beside `$ref` is ignored) keep the reference as written, where the
    /// schema check reports them.
    fn siblings_allowed(&self, map: &Map, pos: Pos) -> bool {
        self.siblings
            && (pos == Pos::Schema
                || map
                    .entries
                    .iter()
                    .all(|e| matches!(&*e.key.name, "$ref" | "summary" | "description")))
    }

    /// The copied `target` of the `$ref` of `map` (at `view`, in `file` at `at`) with the
    /// members beside that `$ref` in place: each takes the place of the target's member of
    /// the same name, or follows the target's members. A Reference Object's `summary` and
    /// `description` replace the target's; a Schema Object's members apply alongside the
    /// target's keywords, which the view shows as one schema (where both have a keyword, the
    /// one beside `$ref` is checked). Each such member is placed where it is written.
    #[allow(clippy::too_many_arguments)]
    fn merge_siblings(
        &mut self,
        file: FileId,
        map: &'a Map,
        target: Map,
        context: Context,
        pos: Pos,
        view: &mut String,
        at: &mut String,
        depth: usize,
    ) -> Result<Map, Skip> {
        let mut entries = target.entries;
        for entry in &map.entries {
            let name = &*entry.key.name;
            if name == "$ref" {
                continue;
            }
            let child = child_context(context, name, &entry.value);
            let child_pos = child_pos(pos, Some(context), Some(name), &entry.value);
            let (view_len, at_len) = (view.len(), at.len());
            let token = escape_pointer_token(name);
            for p in [&mut *view, &mut *at] {
                p.push('/');
                p.push_str(&token);
            }
            // What the target's member of that name brought in is no longer in the view.
            let replaced = entries.iter().position(|e| &*e.key.name == name);
            if replaced.is_some() {
                let prefix = format!("{view}/");
                self.regions
                    .retain(|(v, ..)| v != view.as_str() && !v.starts_with(&prefix));
            }
            let value = self.copy(file, &entry.value, child, child_pos, view, at, depth + 1);
            if value.is_ok() {
                self.regions
                    .push((view.clone(), file, at.clone(), (file, at.clone())));
            }
            view.truncate(view_len);
            at.truncate(at_len);
            let member = Entry {
                key: entry.key.clone(),
                value: value?,
            };
            match replaced {
                Some(i) => entries[i] = member,
                None => entries.push(member),
            }
        }
        Ok(Map { entries })
    }

    /// The target of the reference `text` (the `$ref` member of the mapping `holder` at
    /// `view`, in `file` at `at`), copied, when it is in another file than the root and can
    /// be inlined.
    #[allow(clippy::too_many_arguments)]
    fn inline(
        &mut self,
        file: FileId,
        holder: &Node,
        member: &'a Entry,
        text: &str,
        context: Context,
        pos: Pos,
        view: &mut String,
        at: &str,
        depth: usize,
    ) -> Option<Node> {
        // A reference that does not resolve is reported by the `$ref` check; nothing to
        // inline.
        let located = self
            .ws
            .locate(file, self.ws.ids.scope_of(holder), text)
            .ok()?;
        let (target_file, target) = (located.file, located.node);
        // The root's own content is checked where it is written; a reference that recurses
        // stays a reference.
        if target_file == self.root_file || self.stack.contains(&address(target)) {
            return None;
        }
        if self
            .skipped
            .iter()
            .any(|(reason, _)| *reason == Skip::Nodes)
        {
            return None;
        }
        let regions = self.regions.len();
        let mut target_at = self.ws.pointer_of(&located);
        let pointer = target_at.clone();
        self.stack.push(address(target));
        // The target takes the reference's place: same view pointer, same depth.
        let copied = self.copy(
            target_file,
            target,
            Some(context),
            pos,
            view,
            &mut target_at,
            depth,
        );
        self.stack.pop();
        match copied {
            Ok(node) => {
                self.regions
                    .push((view.clone(), target_file, pointer, (file, at.to_owned())));
                Some(node)
            }
            Err(reason) => {
                // Regions found inside the target are not in the view.
                self.regions.truncate(regions);
                if !self.skipped.iter().any(|(r, _)| *r == reason) {
                    let message = match reason {
                        Skip::Depth => format!(
                            "the content `{text}` refers to is not checked against the OpenAPI schema and the `openapi` rules: in place it would nest deeper than {} levels",
                            self.max_depth
                        ),
                        Skip::Nodes => format!(
                            "the content `{text}` refers to, and that of later references into other files, is not checked against the OpenAPI schema and the `openapi` rules: in place it would add more nodes than the files hold bytes (plus {})",
                            self.allowance
                        ),
                    };
                    let d = Diagnostic::warn("ref-inline-limit", message)
                        .at(file, member.value.span)
                        .help("reference the content from fewer places, or lint the referenced file on its own");
                    self.skipped.push((reason, d));
                }
                None
            }
        }
    }
}

impl Workspace {
    /// The root document as the checks that read it as written should see it: each reference
    /// whose target is in another file replaced by a copy of that target (internal
    /// references of the root stay: their targets are checked where they are defined), with
    /// warnings for references kept because the view would pass the [`Limits`]. No view
    /// (`None`) when no reference leads into another file: then the root is that view, and
    /// nothing is copied. Call [`Workspace::link_refs`] first.
    ///
    /// A reference is inlined once per place it is written; one whose target is being
    /// inlined already (it recurses) and one that does not resolve stay as written. Members
    /// beside `$ref` mean something from OpenAPI 3.1 on (the root's `openapi`): there a
    /// Schema Object's (any) and a Reference Object's `summary` and `description` are put
    /// with the target's members, each in place of the target's member of its name or after
    /// them, and placed where they are written; a reference with other members, or with
    /// members beside it in an older document (which ignores them), or beside a target that
    /// is no mapping, stays as written.
    /// The view may nest as deep as [`Limits::max_depth`] and its
    /// inlined subtrees may hold as many nodes as the loaded files hold bytes, plus
    /// [`Limits::alias_node_allowance`] (the loader's bound on YAML aliases).
    pub fn inline_external(&self, limits: &Limits) -> (Option<Inlined>, Vec<Diagnostic>) {
        // Files load only through references from the root.
        if self.documents.len() < 2 {
            return (None, Vec::new());
        }
        let root = self.root();
        let bytes: usize = self
            .documents
            .iter()
            .map(|d| self.sources.file(d.file).text.len())
            .sum();
        let mut inliner = Inliner {
            ws: self,
            root_file: root.file,
            budget: bytes.saturating_add(limits.alias_node_allowance),
            max_depth: limits.max_depth,
            allowance: limits.alias_node_allowance,
            siblings: siblings_apply(&root.root),
            stack: Vec::new(),
            regions: Vec::new(),
            skipped: Vec::new(),
        };
        let copied = inliner.copy(
            root.file,
            &root.root,
            Some(Context::Object),
            Pos::Other,
            &mut String::new(),
            &mut String::new(),
            0,
        );
        let warnings: Vec<Diagnostic> = inliner.skipped.into_iter().map(|(_, d)| d).collect();
        // Outside inlined subtrees nothing fails; without a region the root is the view.
        let copied = copied.ok().filter(|_| !inliner.regions.is_empty());
        let Some(node) = copied else {
            return (None, warnings);
        };
        let mut view = Inlined::new(node, root.file);
        for (at, file, pointer, holder) in inliner.regions {
            view.add_region(at, file, pointer, holder);
        }
        (Some(view), warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// A workspace of one in-memory document (no path: like standard input), its `$ref`s
    /// resolved, and `code at line:col: message` of each diagnostic.
    fn workspace(text: &str) -> (Workspace, Vec<String>) {
        let (sources, doc) = super::super::load_text("doc.yaml", text);
        let mut ws = Workspace::from_parts(sources, doc);
        let diagnostics = ws.resolve_refs(&Limits::default(), &RefOptions::default());
        let found = diagnostics
            .iter()
            .map(|d| {
                let at = d
                    .primary
                    .map(|l| ws.sources.location(l.file, l.span))
                    .unwrap_or_default();
                let related: Vec<String> = d
                    .related
                    .iter()
                    .map(|r| {
                        format!(
                            " [{}: {}]",
                            ws.sources.location(r.location.file, r.location.span),
                            r.message
                        )
                    })
                    .collect();
                format!("{} at {at}: {}{}", d.code, d.message, related.concat())
            })
            .collect();
        (ws, found)
    }

    /// A pointer through a big mapping finds its entries by key (indexed on first use), as
    /// through a small one: each schema of a chain, and no entry that is not there.
    #[test]
    fn pointers_through_big_mappings_find_what_a_scan_finds() {
        let mut text = String::from("openapi: 3.0.3\ncomponents:\n  schemas:\n");
        for i in 0..100 {
            let next = if i == 99 {
                "Nowhere".to_owned()
            } else {
                format!("S{}", i + 1)
            };
            let _ = writeln!(text, "    S{i}: {{$ref: '#/components/schemas/{next}'}}");
        }
        let (ws, found) = workspace(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("no `Nowhere` in `#/components/schemas`"),
            "{found:?}"
        );
        for i in [0, 31, 32, 98] {
            let (file, target) = ws
                .resolve(ws.root().file, &format!("#/components/schemas/S{i}"))
                .unwrap();
            assert_eq!(file, ws.root().file);
            let next = format!("#/components/schemas/S{}", i + 1);
            assert_eq!(target.get("$ref").and_then(Node::as_str), Some(&*next));
        }
    }

    fn node<'a>(ws: &'a Workspace, pointer: &str) -> &'a Node {
        ws.root()
            .root
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{pointer} exists"))
            .node
    }

    /// Where `reference` (written at the document's top level) leads, as a JSON pointer.
    fn pointer(ws: &Workspace, reference: &str) -> Result<String, String> {
        ws.locate(ws.root().file, None, reference)
            .map(|t| ws.pointer_of(&t))
            .map_err(|e| e.message)
    }

    const HEAD: &str =
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n";

    #[test]
    fn a_plain_name_names_the_schema_with_that_anchor() {
        let (ws, found) = workspace(&format!(
            "{HEAD}    Limit: {{$anchor: limit, type: integer, minimum: 1}}
    Alias: {{$ref: '#limit'}}
    Chain: {{$ref: '#/components/schemas/Alias'}}
    Meta: {{$dynamicAnchor: meta, type: string}}
    ToMeta: {{$ref: '#meta'}}
    Both: {{$anchor: both, $dynamicAnchor: both}}
"
        ));
        assert_eq!(found, Vec::<String>::new());
        let root = ws.root().file;
        let limit = node(&ws, "/components/schemas/Limit");
        assert!(std::ptr::eq(ws.resolve(root, "#limit").unwrap().1, limit));
        // Percent-encoded, as a URI fragment may be.
        assert!(std::ptr::eq(ws.resolve(root, "#lim%69t").unwrap().1, limit));
        let chain = node(&ws, "/components/schemas/Chain");
        assert!(std::ptr::eq(ws.deref(root, chain).unwrap().1, limit));
        assert_eq!(
            pointer(&ws, "#limit").as_deref(),
            Ok("/components/schemas/Limit")
        );
        // A `$dynamicAnchor` is a plain name for `$ref` too.
        assert_eq!(
            pointer(&ws, "#meta").as_deref(),
            Ok("/components/schemas/Meta")
        );
    }

    #[test]
    fn an_id_names_its_schema_and_is_the_base_of_the_references_below_it() {
        let (ws, found) = workspace(&format!(
            "{HEAD}    Pet:
      $id: https://example.com/schemas/pet
      properties:
        owner: {{$ref: owner}}
        name: {{$ref: '#name'}}
        id: {{$ref: '#/$defs/id'}}
        itself: {{$ref: '#'}}
        home: {{$ref: 'apigctl-input:///document#/components/schemas/Owner'}}
      $defs:
        name: {{$anchor: name, type: string}}
        id: {{type: integer}}
    Owner: {{$id: 'https://example.com/schemas/owner', type: string}}
    Name: {{$anchor: name, type: integer}}
    Relative: {{$id: relative/thing, type: boolean}}
    ToRelative: {{$ref: relative/thing}}
"
        ));
        // `name` is declared twice, in two resources: no conflict. The reference to a
        // relative `$id` names it, although the document has no directory for files.
        assert_eq!(found, Vec::<String>::new());
        let root = ws.root().file;
        let pet = "/components/schemas/Pet";
        let at = |p: &str| {
            let holder = node(&ws, &format!("{pet}/properties/{p}"));
            let text = holder.get("$ref").and_then(Node::as_str).unwrap();
            let (_, target) = ws.resolve_at(root, holder, text).unwrap();
            assert!(std::ptr::eq(ws.deref(root, holder).unwrap().1, target));
            target
        };
        assert!(std::ptr::eq(
            at("owner"),
            node(&ws, "/components/schemas/Owner")
        ));
        assert!(std::ptr::eq(
            at("name"),
            node(&ws, &format!("{pet}/$defs/name"))
        ));
        assert!(std::ptr::eq(
            at("id"),
            node(&ws, &format!("{pet}/$defs/id"))
        ));
        assert!(std::ptr::eq(at("itself"), node(&ws, pet)));
        assert!(std::ptr::eq(
            at("home"),
            node(&ws, "/components/schemas/Owner")
        ));
        // From the top level, the same texts mean other things.
        assert_eq!(
            pointer(&ws, "#name").as_deref(),
            Ok("/components/schemas/Name")
        );
        assert_eq!(
            pointer(&ws, "https://example.com/schemas/pet#name").as_deref(),
            Ok("/components/schemas/Pet/$defs/name")
        );
        assert_eq!(
            pointer(&ws, "https://example.com/schemas/pet#/$defs/id").as_deref(),
            Ok("/components/schemas/Pet/$defs/id")
        );
        assert_eq!(
            pointer(&ws, "HTTPS://example.com/schemas/owner").as_deref(),
            Ok("/components/schemas/Owner")
        );
        assert_eq!(
            pointer(&ws, "relative/thing").as_deref(),
            Ok("/components/schemas/Relative")
        );
    }

    #[test]
    fn identifiers_mean_nothing_before_3_1() {
        let (ws, found) = workspace(
            "\
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Limit: {$anchor: limit, type: integer}
    Alias: {$ref: '#limit'}
    Pet: {$id: 'https://example.com/pet', $anchor: limit}
    ToPet: {$ref: 'https://example.com/pet'}
    Tree: {$dynamicRef: '#node'}
",
        );
        // No duplicate `$anchor`, no `$dynamicRef` warning: nothing of this means anything.
        assert_eq!(
            found,
            [
                "ref-unresolved at doc.yaml:7:19: `#limit`: the fragment `#limit` is not a JSON pointer [doc.yaml:6:22: `$anchor: limit`, which OpenAPI 3.0.3 ignores]",
                "ref-remote at doc.yaml:9:19: remote reference `https://example.com/pet` is not fetched [doc.yaml:8:16: `$id`, which OpenAPI 3.0.3 ignores]",
            ]
        );
        let root = ws.root().file;
        let error = ws.resolve(root, "#limit").unwrap_err();
        assert_eq!(
            error.help,
            "`$anchor` names a schema only in OpenAPI 3.1 (JSON Schema 2020-12), and this is OpenAPI 3.0.3: refer to the schema by its JSON pointer, `#/components/schemas/Limit`"
        );
        let error = ws.resolve(root, "https://example.com/pet").unwrap_err();
        assert_eq!(
            error.help,
            "`$id` names a schema only in OpenAPI 3.1 (JSON Schema 2020-12), and this is OpenAPI 3.0.3: refer to the schema by its JSON pointer, `#/components/schemas/Pet`"
        );
        let error = ws.resolve(root, "#nothing").unwrap_err();
        assert!(
            error
                .help
                .ends_with("(a plain name such as `#nothing` names a schema by its `$anchor` in OpenAPI 3.1 only, and this is OpenAPI 3.0.3)"),
            "{}",
            error.help
        );
    }

    #[test]
    fn a_name_declared_twice_is_an_error_at_the_second() {
        let (_, found) = workspace(&format!(
            "{HEAD}    A: {{$anchor: dup, type: string}}
    B: {{properties: {{x: {{$dynamicAnchor: dup}}}}}}
    C: {{$id: 'https://example.com/c', $anchor: dup}}
    D: {{$id: 'https://example.com/c', $defs: {{e: {{$anchor: e}}, f: {{$anchor: e}}}}}}
    P: {{properties: {{$id: {{type: string}}, $anchor: {{type: string}}}}}}
"
        ));
        // C's `dup` is in its own resource; D is a second `$id` for C's URI, and its
        // anchors are its own. Properties named `$id` and `$anchor` declare nothing.
        assert_eq!(
            found,
            [
                "ref-duplicate-anchor at doc.yaml:7:42: `$dynamicAnchor: dup` is declared a second time in this document: `#dup` could name either schema [doc.yaml:6:18: first declared here]",
                "ref-duplicate-id at doc.yaml:9:14: `$id: https://example.com/c` is declared a second time: a `$ref` to it could name either schema [doc.yaml:8:14: first declared here]",
                "ref-duplicate-anchor at doc.yaml:9:77: `$anchor: e` is declared a second time in the schema with `$id: https://example.com/c`: `#e` could name either schema [doc.yaml:9:60: first declared here]",
            ]
        );
    }

    #[test]
    fn broken_references_and_cycles_through_names_are_reported_at_the_ref() {
        let (ws, found) = workspace(&format!(
            "{HEAD}    Limit: {{$anchor: limit, type: integer}}
    Typo: {{$ref: '#limt'}}
    A: {{$anchor: a, $ref: '#b'}}
    B: {{$anchor: b, $ref: '#a'}}
    IntoCycle: {{$ref: '#a'}}
    Self: {{$id: 'https://example.com/self', $ref: 'https://example.com/self'}}
    Tree: {{$dynamicAnchor: node, properties: {{kids: {{$dynamicRef: '#node'}}}}}}
"
        ));
        assert_eq!(
            found,
            [
                "ref-unresolved at doc.yaml:7:18: `#limt` does not resolve: no schema in this document has `$anchor: limt`",
                "ref-cycle at doc.yaml:8:27: reference cycle never reaches a value: `#a` → `#b` → `#a` [doc.yaml:9:27: part of the cycle]",
                "ref-cycle at doc.yaml:11:51: `$ref: https://example.com/self` refers to itself and never reaches a value",
                "ref-dynamic at doc.yaml:12:67: `$dynamicRef: #node` is not followed: apigctl resolves `$ref` only, so this schema is checked and imported without the schema it names",
            ]
        );
        let root = ws.root().file;
        let typo = ws.resolve(root, "#limt").unwrap_err();
        assert!(
            typo.help.starts_with("did you mean `#limit`? "),
            "{}",
            typo.help
        );
        let near = ws.resolve(root, "https://example.com/sel").unwrap_err();
        assert!(
            near.help
                .starts_with("did you mean `https://example.com/self`? "),
            "{}",
            near.help
        );
        let into = node(&ws, "/components/schemas/IntoCycle");
        assert_eq!(ws.deref(root, into).unwrap_err().code, "ref-cycle");
    }

    #[test]
    fn below_an_id_a_pointer_starts_at_that_schema() {
        let (ws, found) = workspace(&format!(
            "{HEAD}    Limit: {{type: integer}}
    Scoped:
      $id: https://example.com/scoped
      properties:
        a: {{$ref: '#/components/schemas/Limit'}}
        b: {{$ref: other}}
        inner: {{$anchor: inner}}
    Outer: {{$ref: '#inner'}}
"
        ));
        assert_eq!(
            found,
            [
                "ref-unresolved at doc.yaml:10:19: `#/components/schemas/Limit` does not resolve: no `components` in the schema with `$id: https://example.com/scoped` [doc.yaml:8:12: the `$id` the pointer starts at]",
                "ref-remote at doc.yaml:11:19: `other` does not resolve: below the schema with `$id: https://example.com/scoped` it names `https://example.com/other`, and no schema in the loaded documents has that `$id` [doc.yaml:8:12: the `$id` the reference resolves against]",
                "ref-unresolved at doc.yaml:13:19: `#inner` does not resolve: no schema in this document has `$anchor: inner` [doc.yaml:12:26: `$anchor: inner` is here]",
            ]
        );
        let root = ws.root().file;
        let outer = ws.resolve(root, "#inner").unwrap_err();
        assert!(
            outer
                .help
                .ends_with("refer to it as `https://example.com/scoped#inner`"),
            "{}",
            outer.help
        );
        let holder = node(&ws, "/components/schemas/Scoped/properties/a");
        let pointer = ws
            .resolve_at(root, holder, "#/components/schemas/Limit")
            .unwrap_err();
        assert!(
            pointer
                .help
                .starts_with("below a schema with `$id`, a `#/...` pointer starts at that schema"),
            "{}",
            pointer.help
        );
    }
}
