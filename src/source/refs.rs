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

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::did_you_mean;
use crate::diagnostic::{Diagnostic, Location, Related};

use super::hash::FastMap;
use super::inline::Inlined;
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
    options: RefOptions,
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
struct Target<'a> {
    file: FileId,
    node: &'a Node,
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
    /// Where a reference text, as written in a file, leads (successes only: a failure is
    /// reported once, at its own site).
    targets: FastMap<(FileId, &'a str), Target<'a>>,
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
const NAME_MAP_KEYS: [&str; 18] = [
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
const EXTENSIBLE_NAME_MAP_KEYS: [&str; 3] = ["paths", "responses", "webhooks"];

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
        });
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
            options: RefOptions::default(),
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
        let mut diagnostics = Vec::new();
        let mut sites: Vec<Site> = Vec::new();
        let mut indexes = SiteIndexes::new();
        // File references that cannot be followed: the sites of each `(file, path)`.
        let mut failed: Vec<((FileId, String), Vec<usize>)> = Vec::new();
        let mut walked = 0;
        while walked < self.documents.len() {
            let file = self.documents[walked].file;
            let mut found = Vec::new();
            collect_sites(
                file,
                &self.documents[walked].root,
                Context::Object,
                &mut Sites {
                    found: &mut found,
                    indexes: &mut indexes,
                    path: Vec::new(),
                },
            );
            walked += 1;
            for site in found {
                let index = sites.len();
                if let Ok(text) = &site.text
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
        // One diagnostic per file that cannot be followed, at its first reference.
        let mut reported: HashSet<usize> = HashSet::new();
        let mut messages: HashSet<String> = HashSet::new();
        for (key, at) in failed {
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
        self.locate(file, reference).map(|t| (t.file, t.node))
    }

    /// The file and the JSON pointer (escaped, as [`Node::pointer`] takes it) of the node
    /// that `reference`, as written in `file`, names; `None` when it does not resolve.
    pub fn resolve_pointer(&self, file: FileId, reference: &str) -> Option<(FileId, String)> {
        let fragment = match parse_reference(reference) {
            Reference::Internal { fragment } | Reference::File { fragment, .. } => fragment,
            Reference::Remote | Reference::Unsupported { .. } => return None,
        };
        let target = self.locate(file, reference).ok()?;
        Some((target.file, percent_decode(fragment).into_owned()))
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
    ) -> Result<Target<'a>, Broken<'a>> {
        let mut chain: Vec<Member<'a>> = vec![Member {
            file,
            holder,
            text,
            span,
        }];
        let mut visited: HashMap<usize, usize> = HashMap::from([(address(holder), 0)]);
        let result = loop {
            let current = &chain[chain.len() - 1];
            let located = match memo.as_deref_mut() {
                Some(memo) => match memo.targets.get(&(current.file, current.text)) {
                    Some(&known) => Ok(known),
                    None => self.locate(current.file, current.text).inspect(|&target| {
                        memo.targets.insert((current.file, current.text), target);
                    }),
                },
                None => self.locate(current.file, current.text),
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

    /// Finds the node `reference` names, as written in `file`.
    fn locate(&self, file: FileId, reference: &str) -> Result<Target<'_>, RefError> {
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
            Reference::Remote => return Err(remote_ref(reference)),
            Reference::Unsupported { scheme } => {
                return Err(RefError::new(
                    "ref-unresolved",
                    format!("`{reference}` uses the `{scheme}:` scheme, which is not supported"),
                    "reference a local file by relative path (`./schemas/pet.yaml#/Pet`) or a definition in this document (`#/components/schemas/Pet`)",
                ));
            }
        };
        let doc = self.document(target_file).ok_or_else(|| {
            RefError::new(
                "ref-file",
                format!("`{reference}` names a file that did not load"),
                "fix the errors reported in that file",
            )
        })?;
        let node = walk_fragment(doc, reference, fragment)?;
        Ok(Target {
            file: target_file,
            node,
        })
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

/// Walks a fragment (a JSON pointer, percent-encoded) below a document's root.
fn walk_fragment<'d>(
    doc: &'d Document,
    reference: &str,
    fragment: &str,
) -> Result<&'d Node, RefError> {
    let decoded = percent_decode(fragment);
    if decoded.is_empty() {
        return Ok(&doc.root);
    }
    let Some(rest) = decoded.strip_prefix('/') else {
        return Err(RefError::new(
            "ref-unresolved",
            format!("`{reference}`: the fragment `#{fragment}` is not a JSON pointer"),
            "write the fragment as a JSON pointer starting with `/`, for example `#/components/schemas/Pet`",
        ));
    };
    let mut node = &doc.root;
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
                "the document root".to_string()
            } else {
                format!("`#/{}`", &rest[..walked - 1])
            }
        };
        let next = match &node.value {
            Value::Map(map) => match map.entry(&token) {
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
                            location: Location::new(doc.file, key),
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
                    match self.inline(file, member, text, context, pos, view, at, depth) {
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

    /// The target of the reference `text` (the `$ref` member of the mapping at `view`, in
    /// `file` at `at`), copied, when it is in another file than the root and can be inlined.
    #[allow(clippy::too_many_arguments)]
    fn inline(
        &mut self,
        file: FileId,
        member: &'a Entry,
        text: &str,
        context: Context,
        pos: Pos,
        view: &mut String,
        at: &str,
        depth: usize,
    ) -> Option<Node> {
        let fragment = match parse_reference(text) {
            Reference::Internal { fragment } | Reference::File { fragment, .. } => fragment,
            // Reported by the `$ref` check; nothing to inline.
            Reference::Remote | Reference::Unsupported { .. } => return None,
        };
        let (target_file, target) = self.ws.resolve(file, text).ok()?;
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
        let mut target_at = percent_decode(fragment).into_owned();
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
