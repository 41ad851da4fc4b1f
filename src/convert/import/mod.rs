//! OpenAPI 2.0 / 3.0 / 3.1 with `x-apigateway-*` extensions to a gateway [`Definition`].
//!
//! The mapping follows the extension reference (§1–§3) with the API Reference (3.5.1) as the
//! authority for target fields. Every value written into the definition records where it came
//! from ([`Provenance`]), and every construct the gateway cannot represent produces a warning at
//! its source location: nothing is dropped silently.
//!
//! Each object is first built as a `Val` (source nodes borrowed, new values made) and then read
//! into its model type, so a field the model rejects is reported at the source location the field
//! came from.
//!
//! This module holds the entry point, the provenance and the shared import state; the mapping
//! itself is split by object family: `document` (group, authorizers, policies), `operations`
//! (APIs), `params` (request parameters) and `backend` (backends and policy backends).

mod backend;
mod de;
mod document;
mod operations;
mod params;
mod refusals;
// Also reads a definition file (`export`, `lint`): every refused value, not only the first.
pub(crate) use refusals::{Seg, pointer as refusal_pointer, read_all};

use crate::source::hash::FastMap;
use std::sync::OnceLock;

use serde_json::{Map as JsonMap, Value as Json, json};

use de::{Val, ValDe};

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{AclBinding, PluginBinding, ThrottleBinding};
use crate::model::{
    AclDef, ApiDef, ApiGroupDef, AuthorizerDef, Definition, FormatVersion, GroupResponseDef,
    ThrottleDef,
};
use crate::openapi::OasVersion;
use crate::source::refs::Workspace;
use std::borrow::Cow;

use crate::source::{Entry, FileId, Map, Node, Number, Span, Value};

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
/// Diagnostic code (a warning): an operation has no backend import can read (no
/// `x-apigateway-backend`, or the restricted HTTP-VPC-MEMBER-GROUP type), so its API has an
/// empty MOCK backend in its place. Its own code so that `diff` and `sync`, which must not
/// send such a stand-in to a gateway, can refuse exactly these.
pub const MISSING_BACKEND: &str = "import-missing-backend";
/// Diagnostic code (a warning): an operation requires a security scheme that has no
/// `x-apigateway-auth-type` (nor `x-apigateway-authorizer`), an HTTP bearer scheme for one, so
/// its API is imported with `auth_type: NONE`: open to every caller, though the document
/// requires authentication. Its own code so that `diff` and `sync` refuse to publish it.
pub const UNMAPPED_AUTH: &str = "import-auth-unmapped";

const SOURCE_REF: &str = "x-apigateway-extensions reference §1–§3; API Reference 3.5.1";

/// Options of an import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Group name to use instead of `info.title`.
    pub group_name: Option<String>,
    /// Report every warning as an error.
    pub strict: bool,
    /// Keep an object whose values the model refuses, read without them (left out, or replaced
    /// by a stand-in of the expected kind), instead of dropping it: for lint, whose rules then
    /// check the rest of it, so that one refused value does not hide an operation's other
    /// problems. The refusals are still errors ([`INVALID`], each pointing at the refused
    /// value's definition pointer); a definition made so is not for sending.
    pub keep_refused: bool,
}

/// The token, under an API's pointer, that provenance records the base of its `req_uri` at
/// (`basePath`, or the server URL): the definition has no such member, so no finding is
/// located there, but a finding about `req_uri` can name it.
pub const REQ_URI_BASE: &str = "req_uri (base)";

/// Where a value of the definition came from: the source file and span of the node it was
/// taken from, by definition JSON pointer (`/apis/0/req_params/1/name`). Not written to output.
///
/// The importer records about 64 sources per API; a large document gives hundreds of thousands,
/// which took about 45% of the memory an import touched and a tenth of its instructions, to be
/// read for a few diagnostics at most. So the sources of the APIs are not kept: what is kept is
/// where each API's operation is, and a lookup under `/apis/N` imports that operation again,
/// recording, and reads its sources (cached per API). The importer is deterministic, so the
/// sources found are those the import would have recorded. Everything else (group, policies,
/// bindings) is recorded as it is imported: a record is a location (a parent and one token, in
/// a flat arena), and the pointer strings are built once, on the first lookup.
///
/// Lookups take the workspace the import read, which the sources of the APIs are found in.
#[derive(Clone, Debug, Default)]
pub struct Provenance {
    /// Locations and sources recorded during the import.
    recorded: Part,
    /// Pointer text to source of `recorded`, built when first asked.
    index: OnceLock<PointerMap>,
    /// Where each API's operation is, to find the API's sources again.
    apis: Option<Box<Replay>>,
    /// The sources of the APIs found so far, by API index.
    replayed: Replayed,
    /// Record nothing (operations imported in batches: their sources are found again).
    off: bool,
}

/// Locations and records of a [`Provenance`]; `locs[0]` (`""`) is the definition's root.
#[derive(Clone, Debug, Default)]
struct Part {
    /// Every location the importer named; a parent always comes before its children.
    locs: Vec<(Loc, Token)>,
    /// Recorded sources in recording order; a later record of the same pointer wins.
    records: Vec<(Loc, FileId, Span)>,
}

type PointerMap = FastMap<String, (FileId, Span)>;

/// How to import each API's operation again.
#[derive(Clone, Debug)]
struct Replay {
    file: FileId,
    version: OasVersion,
    /// By API index: the operation it came from.
    apis: Vec<OperationAt>,
    /// By operation ordinal: the name generated for an operation without `operationId`.
    generated: Vec<Option<String>>,
}

/// Where an operation is: its ordinal among all operations, the index of its path in `paths`
/// and of its method in the path item.
#[derive(Clone, Copy, Debug)]
struct OperationAt {
    ordinal: u32,
    path: u32,
    method: u32,
}

/// A cache of the sources found for APIs, by API index; a copy starts empty.
#[derive(Debug, Default)]
struct Replayed(std::sync::Mutex<FastMap<usize, std::sync::Arc<PointerMap>>>);

impl Clone for Replayed {
    fn clone(&self) -> Replayed {
        Replayed::default()
    }
}

/// A location in the definition: an index into the arena of a [`Part`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Loc(u32);

/// One reference token of a definition pointer.
#[derive(Clone, Debug)]
pub(super) enum Token {
    /// A field name.
    Name(&'static str),
    /// An array index.
    Index(usize),
    /// A key taken from the document (group response error types).
    Text(crate::source::Str),
}

impl Token {
    /// Appends `/token`.
    fn push_to(&self, s: &mut String) {
        s.push('/');
        match self {
            Token::Name(name) => s.push_str(name),
            Token::Index(n) => s.push_str(&n.to_string()),
            Token::Text(t) => s.push_str(t),
        }
    }
}

impl From<&'static str> for Token {
    fn from(name: &'static str) -> Token {
        Token::Name(name)
    }
}

impl From<usize> for Token {
    fn from(index: usize) -> Token {
        Token::Index(index)
    }
}

impl Part {
    /// Adds this part's records to `map`, pointer text built for the locations on the way.
    fn index_into(&self, map: &mut PointerMap) {
        let mut needed = vec![false; self.locs.len().max(1)];
        for (loc, _, _) in &self.records {
            needed[loc.0 as usize] = true;
        }
        // Pointer text of every location on the way to a recorded one, parents first.
        for i in (1..self.locs.len()).rev() {
            if needed[i] {
                needed[self.locs[i].0.0 as usize] = true;
            }
        }
        let mut text: Vec<String> = Vec::with_capacity(self.locs.len());
        for (i, (parent, token)) in self.locs.iter().enumerate() {
            if i == 0 || !needed[i] {
                text.push(String::new());
                continue;
            }
            let mut s = text[parent.0 as usize].clone();
            token.push_to(&mut s);
            text.push(s);
        }
        for (loc, file, span) in &self.records {
            map.insert(text[loc.0 as usize].clone(), (*file, *span));
        }
    }
}

/// The API index of a pointer below `/apis/N`, or of `/apis/N` itself.
fn api_index(pointer: &str) -> Option<usize> {
    let rest = pointer.strip_prefix("/apis/")?;
    let (index, _) = rest.split_once('/').unwrap_or((rest, ""));
    if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    index.parse().ok()
}

/// `pointer` and then each of its parents, up to the root `""`.
fn ancestors(pointer: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(pointer), |p| {
        (!p.is_empty()).then(|| p.rsplit_once('/').map_or("", |(head, _)| head))
    })
}

impl Provenance {
    /// The source of the definition value at `pointer`, if recorded; `ws` is the workspace the
    /// import read.
    pub fn get(&self, ws: &Workspace, pointer: &str) -> Option<(FileId, Span)> {
        match api_index(pointer).and_then(|i| self.api_sources(ws, i)) {
            Some(api) => api.get(pointer).copied(),
            None => self.index().get(pointer).copied(),
        }
    }

    /// The source of the value at `pointer` or, failing that, of its nearest recorded parent.
    pub fn nearest(&self, ws: &Workspace, pointer: &str) -> Option<(FileId, Span)> {
        if let Some(api) = api_index(pointer).and_then(|i| self.api_sources(ws, i))
            && let Some(found) = ancestors(pointer).find_map(|p| api.get(p))
        {
            return Some(*found);
        }
        self.nearest_recorded(pointer)
    }

    /// [`Provenance::nearest`] among the sources recorded during the import.
    fn nearest_recorded(&self, pointer: &str) -> Option<(FileId, Span)> {
        ancestors(pointer).find_map(|p| self.index().get(p).copied())
    }

    /// Every recorded pointer with its source, in pointer order (every API's sources found
    /// again: for tests and tools, not for a diagnostic's place).
    pub fn iter(&self, ws: &Workspace) -> impl Iterator<Item = (String, (FileId, Span))> {
        let mut all: Vec<(String, (FileId, Span))> =
            self.index().iter().map(|(k, v)| (k.clone(), *v)).collect();
        let apis = self.apis.as_ref().map_or(0, |r| r.apis.len());
        for i in 0..apis {
            if let Some(api) = self.api_sources(ws, i) {
                all.extend(api.iter().map(|(k, v)| (k.clone(), *v)));
            }
        }
        all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        all.into_iter()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.recorded.records.is_empty() && self.apis.as_ref().is_none_or(|r| r.apis.is_empty())
    }

    fn index(&self) -> &PointerMap {
        self.index.get_or_init(|| {
            let mut map = PointerMap::with_capacity_and_hasher(
                self.recorded.records.len(),
                Default::default(),
            );
            self.recorded.index_into(&mut map);
            map
        })
    }

    /// The sources of API `index`, found by importing its operation again (once per API).
    fn api_sources(&self, ws: &Workspace, index: usize) -> Option<std::sync::Arc<PointerMap>> {
        let replay = self.apis.as_deref()?;
        let at = *replay.apis.get(index)?;
        if let Ok(cache) = self.replayed.0.lock()
            && let Some(found) = cache.get(&index)
        {
            return Some(found.clone());
        }
        let root = &ws.root().root;
        let paths = root.get("paths").and_then(Node::as_map)?;
        let op = Cx::new(ws, replay.file, replay.version, usize::MAX).operation_at(
            paths,
            at.path as usize,
            at.method as usize,
        )?;
        let generated = replay.generated.get(at.ordinal as usize)?.as_deref();
        // Recorded under `/apis/{index}`: the API's place in the definition.
        let cx = Cx::recording(
            ws,
            replay.file,
            replay.version,
            (root, &op, index, generated),
        );
        let mut map = PointerMap::default();
        cx.provenance.recorded.index_into(&mut map);
        let map = std::sync::Arc::new(map);
        if let Ok(mut cache) = self.replayed.0.lock() {
            cache.insert(index, map.clone());
        }
        Some(map)
    }

    /// The location `parent/token` (the root when nothing is recorded).
    ///
    /// Inlined, so an import that records nothing (operations, tens of calls each) pays a
    /// branch per value, not a call.
    #[inline]
    fn at(&mut self, parent: Loc, token: impl Into<Token>) -> Loc {
        if self.off {
            return Loc(0);
        }
        self.push_loc(parent, token.into())
    }

    fn push_loc(&mut self, parent: Loc, token: Token) -> Loc {
        let part = &mut self.recorded;
        if part.locs.is_empty() {
            part.locs.push((Loc(0), Token::Index(0)));
        }
        let loc = Loc(to_u32(part.locs.len()));
        part.locs.push((parent, token));
        loc
    }

    /// The location `token` below the root.
    fn top(&mut self, token: &'static str) -> Loc {
        self.at(Loc(0), token)
    }

    #[inline]
    fn record(&mut self, loc: Loc, file: FileId, span: Span) {
        if !self.off {
            self.push_record(loc, file, span);
        }
    }

    fn push_record(&mut self, loc: Loc, file: FileId, span: Span) {
        // A lookup during the import (to place a diagnostic) built the index early.
        if self.index.get().is_some() {
            self.index = OnceLock::new();
        }
        self.recorded.records.push((loc, file, span));
    }

    /// Records `parent/token` and returns its location.
    #[inline]
    fn record_at(&mut self, parent: Loc, token: impl Into<Token>, file: FileId, span: Span) -> Loc {
        let loc = self.at(parent, token);
        self.record(loc, file, span);
        loc
    }

    /// The pointer text of a location.
    fn pointer(&self, loc: Loc) -> String {
        let mut tokens = Vec::new();
        let mut at = loc;
        while at.0 != 0 {
            let (parent, token) = &self.recorded.locs[at.0 as usize];
            tokens.push(token);
            at = *parent;
        }
        let mut s = String::new();
        for token in tokens.iter().rev() {
            token.push_to(&mut s);
        }
        s
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
    /// The objects an error kept out of the definition, by definition list (`apis`,
    /// `responses`, `throttles`, `acls`, `authorizers`) and name: a reference to one of them
    /// elsewhere is no second problem (lint does not report it as undefined).
    pub dropped: Vec<(&'static str, String)>,
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
    // Below this many operations, starting threads costs more than it saves.
    import_in_batches(ws, version, options, 512)
}

/// [`import`], the operations imported in parallel batches when there are at least
/// `parallel_from` of them.
fn import_in_batches(
    ws: &Workspace,
    version: OasVersion,
    options: &ImportOptions,
    parallel_from: usize,
) -> ImportResult {
    let mut cx = Cx::new(ws, ws.root().file, version, parallel_from);
    cx.keep_refused = options.keep_refused;
    let root = &ws.root().root;
    let group = cx.group(root, options);
    let authorizers = cx.authorizers(root);
    let throttles = cx.throttles(root);
    let acls = cx.acls(root);
    let responses = cx.responses(root);
    let mut bindings = Bindings::default();
    let apis = cx.operations(root, &mut bindings);
    cx.unknown_root_extensions(root);
    cx.other_servers(root);
    // The lists themselves come from where the document holds them: a finding about the whole
    // list (too many APIs, too many responses) points there.
    for (list, pointers) in [
        ("apis", &["/paths"][..]),
        (
            "responses",
            &[
                "/x-apigateway-responses",
                "/components/x-apigateway-responses",
            ][..],
        ),
    ] {
        if let Some(found) = pointers.iter().find_map(|p| root.pointer(p)) {
            let loc = cx.provenance.top(list);
            let span = found.key_span.unwrap_or(found.node.span);
            cx.provenance.record(loc, cx.file, span);
        }
    }
    let provenance = &mut cx.provenance;
    let throttle_bindings = bindings
        .throttles
        .lists
        .into_iter()
        .enumerate()
        .map(|(i, (throttle, apis))| ThrottleBinding {
            env: None,
            throttle,
            apis: bound_names(provenance, ("throttle_bindings", "throttle"), i, apis),
        })
        .collect();
    let acl_bindings = bindings
        .acls
        .lists
        .into_iter()
        .enumerate()
        .map(|(i, (acl, apis))| AclBinding {
            env: None,
            acl,
            apis: bound_names(provenance, ("acl_bindings", "acl"), i, apis),
        })
        .collect();
    let plugin_bindings = bindings
        .plugins
        .lists
        .into_iter()
        .enumerate()
        .map(|(i, (plugin, apis))| PluginBinding {
            env: None,
            plugin,
            apis: bound_names(provenance, ("plugin_bindings", "plugin"), i, apis),
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
    for d in &mut diagnostics {
        if d.help.is_none() {
            d.help = help(&d.code).map(str::to_owned);
        }
    }
    if options.strict {
        for d in &mut diagnostics {
            if d.severity == Severity::Warn {
                d.severity = Severity::Error;
            }
        }
    }
    diagnostics.sort_by_key(|d| d.primary.map(|l| (l.file.0, l.span.start)));
    // An operation of a path item that several paths share is imported once per path; what
    // it says of its own text is listed once.
    crate::diagnostic::drop_repeats(&mut diagnostics);
    ImportResult {
        definition,
        provenance: cx.provenance,
        diagnostics,
        dropped: cx.dropped,
    }
}

/// Bindings collected from operations, by policy name, in first-use order of names; each API
/// name with the location of the reference that bound it.
#[derive(Default)]
struct Bindings {
    throttles: BindingLists,
    acls: BindingLists,
    plugins: BindingLists,
}

impl Bindings {
    /// Appends the bindings of `later` (made by operations after these) to these.
    fn append(&mut self, later: Bindings) {
        for (lists, later) in [
            (&mut self.throttles, later.throttles),
            (&mut self.acls, later.acls),
            (&mut self.plugins, later.plugins),
        ] {
            for (policy, apis) in later.lists {
                lists.bound_to(&policy).extend(apis);
            }
        }
    }
}

/// A policy name and the APIs bound to it, each with the source of its reference.
type BindingList = (String, Vec<(String, FileId, Span)>);

/// The binding lists of one kind of policy, in first-use order of policy names, with an index
/// by name: a search of the lists per binding was quadratic in the number of policies.
#[derive(Default)]
struct BindingLists {
    lists: Vec<BindingList>,
    by_policy: FastMap<String, usize>,
}

impl BindingLists {
    /// The APIs bound to `policy`, a new empty entry at the end if it has none yet.
    fn bound_to(&mut self, policy: &str) -> &mut Vec<(String, FileId, Span)> {
        let i = match self.by_policy.get(policy) {
            Some(&i) => i,
            None => {
                self.lists.push((policy.to_owned(), Vec::new()));
                self.by_policy
                    .insert(policy.to_owned(), self.lists.len() - 1);
                self.lists.len() - 1
            }
        };
        &mut self.lists[i].1
    }

    /// Binds the API `api` to `policy`, by the reference at `span`.
    fn bind(&mut self, policy: &str, api: &str, file: FileId, span: Span) {
        self.bound_to(policy).push((api.to_owned(), file, span));
    }
}

/// Records the provenance of each bound API name and returns the names. The binding and its
/// policy name come from the first reference that made it (`x-apigateway-ratelimit: name`).
fn bound_names(
    provenance: &mut Provenance,
    (field, name_field): (&'static str, &'static str),
    index: usize,
    apis: Vec<(String, FileId, Span)>,
) -> Vec<String> {
    let field = provenance.top(field);
    let binding = provenance.at(field, index);
    if let Some((_, file, span)) = apis.first() {
        provenance.record(binding, *file, *span);
        provenance.record_at(binding, name_field, *file, *span);
    }
    let list = provenance.at(binding, "apis");
    apis.into_iter()
        .enumerate()
        .map(|(j, (name, file, span))| {
            provenance.record_at(list, j, file, span);
            name
        })
        .collect()
}

/// Import state: the workspace, the output's provenance and the diagnostics so far.
struct Cx<'a> {
    ws: &'a Workspace,
    file: FileId,
    version: OasVersion,
    /// Operations are imported in parallel batches from this many on.
    parallel_from: usize,
    provenance: Provenance,
    diagnostics: Vec<Diagnostic>,
    /// A value was rejected while nothing was recorded, so its diagnostic has no place yet.
    unplaced: bool,
    /// The operation being imported cannot become an API, and an error says why: it is not
    /// read into the model (which would only add a less telling error).
    rejected: bool,
    /// Reused for each operation's route shape, which is only hashed (see [`crate::model::route_path`]).
    shape: String,
    /// What could not be made (see [`ImportResult::dropped`]).
    dropped: Vec<(&'static str, String)>,
    /// See [`ImportOptions::keep_refused`].
    keep_refused: bool,
}

impl<'a> Cx<'a> {
    fn new(ws: &'a Workspace, file: FileId, version: OasVersion, parallel_from: usize) -> Cx<'a> {
        Cx {
            ws,
            file,
            version,
            parallel_from,
            provenance: Provenance::default(),
            diagnostics: Vec::new(),
            unplaced: false,
            rejected: false,
            shape: String::new(),
            dropped: Vec::new(),
            keep_refused: false,
        }
    }

    /// The state after importing one operation (`root`, the operation, its ordinal and
    /// generated name) again, recording: for where its values came from and where its
    /// diagnostics point. The API and bindings it makes are dropped.
    fn recording(
        ws: &'a Workspace,
        file: FileId,
        version: OasVersion,
        (root, op, ordinal, generated): (&'a Node, &Operation<'a>, usize, Option<&str>),
    ) -> Cx<'a> {
        Cx::recording_into(
            ws,
            file,
            version,
            (root, op, ordinal, generated),
            &mut None,
            false,
        )
        .0
    }

    /// [`Cx::recording`], the API made (with `keep_refused`, one read without the values the
    /// model refused) written to `slot`, with what the operation gave.
    fn recording_into(
        ws: &'a Workspace,
        file: FileId,
        version: OasVersion,
        (root, op, ordinal, generated): (&'a Node, &Operation<'a>, usize, Option<&str>),
        slot: &mut Option<ApiDef>,
        keep_refused: bool,
    ) -> (Cx<'a>, Option<operations::OperationOut<'a>>) {
        let mut cx = Cx::new(ws, file, version, usize::MAX);
        cx.keep_refused = keep_refused;
        let out = cx.operation(
            root,
            op,
            ordinal,
            generated,
            (slot, &mut Bindings::default()),
        );
        (cx, out)
    }
}

/// An object under construction with the definition location it will have.
struct Obj<'a> {
    at: Loc,
    fields: Vec<(&'a str, Val<'a>)>,
}

impl<'a> Obj<'a> {
    fn new(at: Loc) -> Obj<'a> {
        Obj {
            at,
            fields: Vec::with_capacity(16),
        }
    }

    /// Sets `key`. The importer sets most keys once, and looking for an earlier value would
    /// cost more than the rest of building an API. A key set again (a document that spells one
    /// field two ways, `retryCount` and `retry_count`) is read right, the later value winning,
    /// only more slowly: the model refuses the duplicate and [`Cx::finish`] reads the object
    /// again as JSON, which keeps the last value.
    fn insert(&mut self, key: &'a str, value: impl Into<Val<'a>>) {
        self.fields.push((key, value.into()));
    }

    fn contains_key(&self, key: &str) -> bool {
        self.fields.iter().any(|(k, _)| *k == key)
    }
}

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// [`METHODS`] as the API Reference writes them.
const UPPER_METHODS: [&str; 7] = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH"];

/// Operation-level extensions this importer understands.
const OPERATION_EXTENSIONS: [&str; 12] = [
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
];

impl<'a> Cx<'a> {
    fn warn(&mut self, code: &str, file: FileId, span: Span, message: String) {
        self.diagnostics.push(
            Diagnostic::warn(code, message)
                .at(file, span)
                .source(SOURCE_REF),
        );
    }

    /// Warns at `entry`'s key when it is an `x-apigateway-*` key outside `known`; `what` says
    /// what it is not ("an operation extension apigctl imports").
    fn unknown_extension(&mut self, file: FileId, entry: &Entry, known: &[&str], what: &str) {
        let key = &*entry.key.name;
        if key.starts_with("x-apigateway-") && !known.contains(&key) {
            self.warn(
                UNKNOWN_EXTENSION,
                file,
                entry.key.span,
                format!("`{key}` is not {what}; ignored"),
            );
        }
    }

    /// Reports a value that is `.inf`, `-.inf` or `.nan`: a parameter or backend value the
    /// gateway takes is a finite number or a string, and these are neither.
    fn finite(&mut self, file: FileId, node: &Node) {
        if let Value::Number(n) = &node.value
            && let Some(spelling) = n.non_finite_yaml()
        {
            self.invalid(
                file,
                node.span,
                format!("`{spelling}` is not a finite number, which this value must be"),
                format!("write a number, or quote it (`'{spelling}'`) if the text is meant"),
            );
        }
    }

    /// A scalar in a place where the gateway keeps text (a parameter's `default_value`,
    /// `sample_value` and `enumerations`, a backend parameter's `value`, a condition's
    /// `condition_value`, a mock's `result_content`). A number is its text as written in its
    /// file (`1.50`, `007`, `1e3`, `12345678901234567890`), not the number it reads as
    /// (`1.5`, `7`, `1000`, a rounded float): the document's author wrote the text the
    /// gateway is to keep. A number written in another notation (`0x1F`, `0o17`) is the
    /// number's decimal text, with a warning saying so and how to keep the text.
    fn text(&mut self, file: FileId, node: &Node) -> String {
        let read = scalar_string(node);
        let Value::Number(n) = node.value else {
            return read;
        };
        if n.non_finite_yaml().is_some() {
            // Reported by `Cx::finite`.
            return read;
        }
        let source = &self.ws.sources.file(file).text;
        let Some(written) = source.get(node.span.range()).map(str::trim) else {
            return read;
        };
        if is_decimal(written) {
            // The span is the node's own text unless the node was built rather than read:
            // the text must read as the same number.
            let same = written
                .trim_start_matches('+')
                .parse::<f64>()
                .is_ok_and(|w| w == n.as_f64());
            return if same { written.to_owned() } else { read };
        }
        if !written.is_empty() && written != read {
            self.diagnostics.push(
                Diagnostic::warn(
                    UNSUPPORTED,
                    format!("`{written}` is a number in YAML, which this text value takes as its decimal text; imported as `\"{read}\"`"),
                )
                .at(file, node.span)
                .help(format!("quote it (`'{written}'`) to keep the text as written, or write `{read}`"))
                .source("YAML 1.2, core schema (int, float); API Reference 3.5.1, Tables 3-171, 3-173 (text fields)"),
            );
        }
        read
    }

    /// An error: a value the gateway cannot take, with how to fix it.
    fn invalid(
        &mut self,
        file: FileId,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diagnostics.push(
            Diagnostic::error(INVALID, message)
                .at(file, span)
                .help(help)
                .source(SOURCE_REF),
        );
    }

    /// A note that something with no place on the API is not carried over.
    fn note(&mut self, file: FileId, span: Span, message: String) {
        self.diagnostics.push(
            Diagnostic::new(DROPPED, Severity::Info, message)
                .at(file, span)
                .source(SOURCE_REF),
        );
    }

    /// Warns at the key of `entry` if there is one; the message is only made then.
    fn warn_entry(
        &mut self,
        code: &str,
        file: FileId,
        entry: Option<&Entry>,
        message: impl FnOnce() -> String,
    ) {
        if let Some(entry) = entry {
            self.warn(code, file, entry.key.span, message());
        }
    }

    /// Warns that members written beside the `$ref` of `reference` are ignored: before
    /// OpenAPI 3.1 a reference stands for its target alone; in 3.1 a Reference Object takes
    /// only `summary` and `description` beside it, and a Schema Object (`schema`) takes all.
    fn ignored_beside_ref(&mut self, file: FileId, reference: &Node, schema: bool) {
        let v3_1 = self.version == OasVersion::V3_1;
        if v3_1 && schema {
            return;
        }
        let Some(map) = reference.as_map() else {
            return;
        };
        if map.len() < 2 || map.entry("$ref").is_none() {
            return;
        }
        let beside: Vec<&Entry> = map
            .entries
            .iter()
            .filter(|e| {
                let key = &*e.key.name;
                key != "$ref" && !(v3_1 && matches!(key, "summary" | "description"))
            })
            .collect();
        if beside.is_empty() {
            return;
        }
        let names: Vec<String> = beside.iter().map(|e| format!("`{}`", e.key.name)).collect();
        let message = format!(
            "{} beside `$ref` {} ignored in OpenAPI {} ({}); not imported",
            names.join(", "),
            if names.len() == 1 { "is" } else { "are" },
            self.version,
            if v3_1 {
                "a Reference Object takes only `summary` and `description` beside it"
            } else {
                "a reference stands for its target alone"
            },
        );
        self.diagnostics.push(
            Diagnostic::warn(DROPPED, message)
                .at(file, beside[0].key.span)
                .help("write them in the referenced object, or in place of the `$ref`")
                .source(SOURCE_REF),
        );
    }

    /// Sets `obj[key] = value`, recording `source` as its provenance.
    #[inline]
    fn set(
        &mut self,
        obj: &mut Obj<'a>,
        key: &'static str,
        value: impl Into<Val<'a>>,
        file: FileId,
        source: &Node,
    ) {
        self.provenance.record_at(obj.at, key, file, source.span);
        obj.insert(key, value);
    }

    /// Follows `$ref` from `node`; a broken reference yields `None`. It is not reported
    /// here: [`Workspace::resolve_refs`], which every import follows, reports each broken
    /// reference once, at its place (an operation, a path-level parameter read by every
    /// operation of its path, or an API's sources found again would report it once more
    /// each).
    fn deref(&self, file: FileId, node: &'a Node) -> Option<(FileId, &'a Node)> {
        self.ws.deref(file, node).ok()
    }

    /// Reads `obj` into `T`; every rejected field is reported at its source.
    fn finish<T: serde::de::DeserializeOwned>(
        &mut self,
        obj: Obj<'a>,
        fallback: (FileId, Span),
    ) -> Option<T> {
        let built = Val::Obj(obj.fields);
        if let Ok(t) = T::deserialize(ValDe(&built)) {
            return Some(t);
        }
        // What the fast reading refuses is read again as JSON, which decides (and says why).
        // Tracking the path costs on every field, so it is done only again for a rejected
        // object, to say where.
        let value = built.to_json();
        if let Ok(t) = T::deserialize(&value) {
            return Some(t);
        }
        // Where the value came from is not recorded: the caller imports the operation again,
        // recording, for the diagnostics' places.
        if self.provenance.off {
            self.unplaced = true;
            return None;
        }
        // Every refused field, each at its place, not only the first serde stops at.
        let (refusals, partial) = match refusals::read_all::<T>(value) {
            Ok(t) => return Some(t),
            Err(refused) => (refused.found, refused.partial),
        };
        let object = self.provenance.pointer(obj.at);
        for refusal in refusals {
            let full = format!("{object}{}", refusals::pointer(&refusal.path).text());
            let (mut file, mut span) = self.provenance.nearest_recorded(&full).unwrap_or(fallback);
            let mut message = refusal.message;
            // JSON has no `.inf` or `.nan`: the JSON reading saw the string it is written
            // as there. Say what the source has.
            if let Some(Value::Number(n @ Number::Float(f))) =
                built.node_at(&refusal.path).map(|n| &n.value)
                && let Some(written) = n.non_finite_yaml()
            {
                message = message.replace(
                    &format!("string \"{f}\""),
                    &format!("non-finite number `{written}`"),
                );
            }
            // Said in the document's terms: the member of the extension, the value as
            // written, the extension's spellings.
            if let Some((said, at)) = self.in_extension_terms(&full, &message) {
                message = said;
                if let Some((f, s)) = at {
                    (file, span) = (f, s);
                }
            }
            // serde names Rust types (`expected i64`); the document has integers and numbers.
            message = plain_types(&message);
            // A number or boolean where text is expected (a sample body `42`): quoting it is
            // the fix, which the generic help does not say.
            let quote = message
                .ends_with(", expected a string")
                .then(|| built.node_at(&refusal.path))
                .flatten()
                .filter(|n| matches!(n.value, Value::Number(_) | Value::Bool(_)))
                .map(|n| format!("write it as a string: quote it (`'{}'`)", scalar_string(n)));
            let mut diagnostic = Diagnostic::error(INVALID, format!("cannot import: {message}"))
                .at(file, span)
                .pointer(full)
                .source(SOURCE_REF);
            if let Some(help) = quote {
                diagnostic = diagnostic.help(help);
            }
            self.diagnostics.push(diagnostic);
        }
        partial.filter(|_| self.keep_refused)
    }
}

/// `message` with serde's Rust type names (`expected i64`, `u16`, `f64`) said as a document's
/// types (`an integer`, `a number`).
pub(crate) fn plain_types(message: &str) -> String {
    let Some((head, expected)) = message.rsplit_once(", expected ") else {
        return message.to_owned();
    };
    let plain = match expected {
        "i8" | "i16" | "i32" | "i64" | "i128" | "u8" | "u16" | "u32" | "u64" | "u128" | "usize"
        | "isize" => "an integer",
        "f32" | "f64" => "a number",
        "a boolean" | "bool" => "a boolean (true or false)",
        _ => return message.to_owned(),
    };
    format!("{head}, expected {plain}")
}

/// Where an endpoint object's member is read into the definition: (endpoint object, definition
/// field, the extension's member). A definition field the model misses is named as the
/// document would write it.
const ENDPOINT_MEMBERS: &[(&str, &str, &str)] = &[
    ("httpEndpoints", "req_protocol", "scheme"),
    ("httpEndpoints", "req_method", "method"),
    ("httpEndpoints", "req_uri", "path"),
    ("httpEndpoints", "url_domain", "address"),
    ("httpVpcEndpoints", "req_protocol", "scheme"),
    ("httpVpcEndpoints", "req_method", "method"),
    ("httpVpcEndpoints", "req_uri", "path"),
    ("httpVpcEndpoints", "vpc_channel_name", "name"),
    ("functionEndpoints", "function_urn", "function-urn"),
    ("functionEndpoints", "invocation_type", "invocation-type"),
    ("functionEndpoints", "network_type", "network-type"),
];

/// The endpoint objects, as the keys [`Cx::endpoint`] records their place under.
const ENDPOINT_KEYS: [&str; 3] = ["httpEndpoints", "httpVpcEndpoints", "functionEndpoints"];

/// The values a definition field (the last token of its pointer, and the token before it)
/// takes, as the extensions spell them, where the model's names differ (import translates
/// them): `None` for a field whose model names are the extension's.
fn extension_spellings(parent: &str, field: &str) -> Option<&'static str> {
    let http = parent == "backend_api" || parent.starts_with("policy_https");
    Some(match field {
        "req_protocol" if http => "`http` or `https`",
        "condition_origin" => "`request`, `source`, `system`, `cookie` or `frontend_authorizer`",
        "condition_type" => "`equal` (or `exact`), `enum` or `pattern`",
        "location" => "`query`, `header` or `path`",
        _ => return None,
    })
}

impl Cx<'_> {
    /// `message`, serde's refusal of the definition value at `pointer`, as the document
    /// would say it, and the place to show it when that is not the value's: a missing
    /// endpoint member at the endpoint object's key; an unknown variant quoted as written
    /// (import upper-cases some), with the extension's spellings. `None` to keep serde's.
    /// Only a refused object gets here, so the lookups cost nothing on the common path.
    fn in_extension_terms(
        &self,
        pointer: &str,
        message: &str,
    ) -> Option<(String, Option<(FileId, Span)>)> {
        if let Some(rest) = message.strip_prefix("missing field `") {
            let field = rest.split('`').next()?;
            // The channel's name is missed in `vpc_channel_info`, which the endpoint makes.
            let object = pointer.strip_suffix("/vpc_channel_info").unwrap_or(pointer);
            let index = self.provenance.index();
            let (key, at) = ENDPOINT_KEYS
                .iter()
                .find_map(|key| Some((*key, *index.get(&format!("{object}/{key}"))?)))?;
            let (_, _, member) = ENDPOINT_MEMBERS
                .iter()
                .find(|(k, f, _)| *k == key && *f == field)?;
            return Some((format!("`{key}` has no `{member}`"), Some(at)));
        }
        let rest = message.strip_prefix("unknown variant `")?;
        let (variant, expected) = rest.split_once("`, expected ")?;
        let (parent, field) = pointer.rsplit_once('/')?;
        let parent = parent
            .rsplit('/')
            .find(|t| !t.bytes().all(|b| b.is_ascii_digit()))?;
        let (file, span) = *self.provenance.index().get(pointer)?;
        let text = self
            .ws
            .sources
            .file(file)
            .text
            .get(span.start as usize..span.end as usize)?;
        // A quoted scalar's text is its quotes and what they hold.
        let written = text
            .strip_prefix(['"', '\''])
            .and_then(|t| t.strip_suffix(['"', '\'']))
            .unwrap_or(text);
        let written = if written.eq_ignore_ascii_case(variant) {
            written
        } else {
            variant
        };
        let expected = extension_spellings(parent, field).unwrap_or(expected);
        Some((
            format!("unknown variant `{written}`, expected {expected}"),
            None,
        ))
    }
}

/// How to act on a finding of `code`, for those that give no help of their own.
fn help(code: &str) -> Option<&'static str> {
    Some(match code {
        DROPPED => {
            "the gateway has nowhere to keep it: remove it to silence this, or set what you need on the gateway by hand"
        }
        UNSUPPORTED => {
            "write it the way the x-apigateway extensions reference documents, or accept what the message says is done instead"
        }
        UNKNOWN_EXTENSION => {
            "check the name against the x-apigateway-* extensions apigctl imports (README, `apigctl import`); a misspelt one is ignored"
        }
        INVALID => "give the field a value of the type and range the API Reference states",
        MISSING_BACKEND => {
            "add `x-apigateway-backend` with a `type` (HTTP, HTTP-VPC, FUNCTION or MOCK) and the endpoint object of that type"
        }
        UNMAPPED_AUTH => {
            "give the scheme `x-apigateway-auth-type: AppSigv1` (app authentication) or `IAM`, or an `x-apigateway-authorizer`; to publish the API open on purpose, drop the operation's security requirement (`security: []`)"
        }
        _ => return None,
    })
}

/// One operation of the document.
struct Operation<'a> {
    path: &'a str,
    /// The path key in `paths` (in the root file).
    path_span: Span,
    /// Upper-case method, `ANY` for `x-apigateway-any-method`.
    method: &'static str,
    /// The file holding the operation.
    file: FileId,
    /// The path item the operation is in.
    item: PathItem<'a>,
    node: &'a Node,
    /// The method key.
    key_span: Span,
    /// Index of the path in `paths` and of the method in the path item (see
    /// [`PathItem::key`]).
    at: (u32, u32),
}

/// A path item as import reads it: the `paths` entry, or the path item its `$ref` names
/// together with the members written beside that `$ref` (OpenAPI 2.0, 3.0 and 3.1 allow
/// them; a member in both places is undefined, and the one beside `$ref` is taken).
#[derive(Clone, Copy)]
struct PathItem<'a> {
    /// The file holding `node`.
    file: FileId,
    /// The `paths` entry's value, or the path item its `$ref` names.
    node: &'a Node,
    /// The `paths` entry with its `$ref` and the members beside it (with its file), when
    /// `node` is a `$ref`'s target and the entry has more than the `$ref`.
    beside: Option<(FileId, &'a Map)>,
}

/// An index or count of a document's entries as `u32` (a document has far fewer than 2^32).
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The value of an entry found by [`Map::entries_of`].
fn value(entry: Option<&Entry>) -> Option<&Node> {
    entry.map(|e| &e.value)
}

fn title_node(info: Option<&Node>) -> Option<&Node> {
    info?.get("title")
}

/// `s` in upper case, borrowed when it already is (most documents write it so).
fn upper(s: &str) -> Val<'_> {
    if s.bytes().any(|b| b.is_ascii_lowercase()) {
        Val::Str(s.to_ascii_uppercase())
    } else {
        Val::Name(s)
    }
}

/// A scalar as the string the API Reference expects (`default_value`, `enumerations`).
fn scalar_string(node: &Node) -> String {
    match &node.value {
        Value::String(s) => s.to_string(),
        Value::Number(Number::Int(i)) => i.to_string(),
        // Reported by `Cx::finite`; written as the document spells it, never `NaN`.
        Value::Number(n @ Number::Float(f)) => n
            .non_finite_yaml()
            .map_or_else(|| f.to_string(), str::to_owned),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        _ => node.to_json().to_string(),
    }
}

/// Whether `text` is a number in decimal notation: an optional sign, digits with an optional
/// fraction, an optional exponent (`-1.50`, `007`, `1e3`, `.5`).
fn is_decimal(text: &str) -> bool {
    let text = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (whole.is_empty() || digits(whole))
                && (fraction.is_empty() || digits(fraction))
                && !(whole.is_empty() && fraction.is_empty())
        }
        None => digits(mantissa),
    };
    mantissa_ok && exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)))
}

/// An extension and its value as a message quotes them: `` `key: value` `` for a string, else
/// `` `key` (a number) ``.
fn quoted(key: &str, node: &Node) -> String {
    match node.as_str() {
        Some(text) => format!("`{key}: {text}`"),
        None => format!("`{key}` (a {})", node.value.kind()),
    }
}

/// A Server Object's `url` with each `{variable}` replaced by its `default` (OpenAPI 3: every
/// variable has one); a variable without one is left as written.
fn server_url(server: &Node) -> Option<Cow<'_, str>> {
    let url = server.get("url")?.as_str()?;
    if !url.contains('{') {
        return Some(Cow::Borrowed(url));
    }
    let variables = server.get("variables");
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let default = variables
            .and_then(|v| v.get(&rest[open + 1..close]))
            .and_then(|v| v.get("default"))
            .and_then(Node::as_str);
        match default {
            Some(default) => {
                out.push_str(&rest[..open]);
                out.push_str(default);
            }
            None => out.push_str(&rest[..=close]),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

/// The path part of a server URL (`https://host/v1` → `/v1`, protocol-relative `//host/v1` →
/// `/v1`, `/v1` → `/v1`), without a query or fragment (an API's path has neither; reported by
/// `Cx::check_servers`).
fn url_path(url: &str) -> &str {
    let url = url.find(['?', '#']).map_or(url, |end| &url[..end]);
    fn after_host(rest: &str) -> &str {
        rest.find('/').map_or("", |i| &rest[i..])
    }
    if let Some(rest) = url.strip_prefix("//") {
        return after_host(rest);
    }
    match url.split_once("://") {
        Some((_, rest)) => after_host(rest),
        None => url,
    }
}

/// The base path a server gives its APIs: the path of its URL (variables replaced by their
/// defaults) without a trailing `/`. A relative path (`v1`, `./v1`) is taken from the host's
/// root (`/v1`): it resolves against the document's location, which import does not know
/// (reported by `Cx::check_servers`), and an API's path starts with `/`.
fn server_base(server: &Node) -> Option<Cow<'_, str>> {
    Some(match server_url(server)? {
        Cow::Borrowed(url) => url_base(url),
        Cow::Owned(url) => Cow::Owned(url_base(&url).into_owned()),
    })
}

/// [`server_base`] of a URL with its variables replaced.
fn url_base(url: &str) -> Cow<'_, str> {
    base_from_root(url_path(url))
}

/// A base path (Swagger 2.0's `basePath`, a server URL's path) without a trailing `/`, and
/// taken from the host's root when written without a leading `/` (`v1`, `./v1` → `/v1`): an
/// API's path starts with `/`. Swagger 2.0 requires the leading `/` (Swagger Object: basePath
/// "MUST start with a leading slash"); a relative server URL resolves against the document's
/// location, which import does not know. Both are reported (`Cx::other_servers`,
/// `Cx::check_servers`).
fn base_from_root(base: &str) -> Cow<'_, str> {
    let path = base.trim_end_matches('/');
    match relative_path(path) {
        Some("") => Cow::Borrowed(""),
        Some(rest) => Cow::Owned(format!("/{rest}")),
        None => Cow::Borrowed(path),
    }
}

/// A server URL path that is a relative-path reference (`v1`, `./v1`, `../v1`): what is left
/// of it below the host's root (`v1`), as RFC 3986 section 5.2.4 removes leading dot segments
/// there. `None` for an empty path or one that starts with `/`.
fn relative_path(path: &str) -> Option<&str> {
    if path.is_empty() || path.starts_with('/') {
        return None;
    }
    let mut rest = path;
    while let Some(r) = rest.strip_prefix("./").or_else(|| rest.strip_prefix("../")) {
        rest = r;
    }
    Some(match rest {
        "." | ".." => "",
        rest => rest,
    })
}

fn join_path(base: &str, path: &str) -> String {
    let mut out = String::with_capacity(base.len() + path.len());
    out.push_str(base);
    out.push_str(path);
    out
}

/// A deterministic API name for an operation without `operationId`: method and path, with
/// characters outside the API Reference's name alphabet replaced by `_`, made unique.
fn generated_name(method: &str, path: &str, used: &mut FastMap<String, usize>) -> String {
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
