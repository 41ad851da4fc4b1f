//! OpenAPI 2.0 / 3.0 / 3.1 with `x-apigateway-*` extensions to a gateway [`Definition`].
//!
//! The mapping follows the extension reference (§1–§3) with the API Reference (3.5.1) as the
//! authority for target fields. Every value written into the definition records where it came
//! from ([`Provenance`]), and every construct the gateway cannot represent produces a warning at
//! its source location: nothing is dropped silently.
//!
//! Each object is first built as a JSON value and then read into its model type, so a field the
//! model rejects is reported at the source location the field came from.

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

    // ----- document level -------------------------------------------------------------------

    fn group(&mut self, root: &'a Node, options: &ImportOptions) -> ApiGroupDef {
        let file = self.file;
        let info = root.get("info");
        let title = info.and_then(|i| i.get("title"));
        let name = match (&options.group_name, title.and_then(Node::as_str)) {
            (Some(name), _) => name.clone(),
            (None, Some(title)) => {
                if let Some(t) = title_node(info) {
                    self.provenance.record("/group/name".into(), file, t.span);
                }
                title.to_owned()
            }
            (None, None) => {
                self.warn(
                    UNSUPPORTED,
                    file,
                    info.map_or(root.span, |i| i.span),
                    "no `info.title` to name the group; using `imported_group` (set --group-name)"
                        .into(),
                );
                "imported_group".to_owned()
            }
        };
        let remark = info.and_then(|i| i.get("description"));
        if let Some(r) = remark {
            self.provenance.record("/group/remark".into(), file, r.span);
        }
        ApiGroupDef {
            name,
            remark: remark.and_then(Node::as_str).map(str::to_owned),
            version: None,
        }
    }

    /// A document-level map extension at the root or (OpenAPI 3) under `components`.
    fn root_extension(&self, root: &'a Node, key: &str) -> Option<(Pointer, &'a Node)> {
        if let Some(node) = root.get(key) {
            return Some((Pointer::root().push(key), node));
        }
        let node = root.get("components")?.get(key)?;
        Some((Pointer::root().push("components").push(key), node))
    }

    /// Custom authorizers: security schemes carrying `x-apigateway-authorizer`, named by their
    /// scheme key. Unknown `x-apigateway-*` keys on any scheme are reported.
    fn authorizers(&mut self, root: &'a Node) -> Vec<AuthorizerDef> {
        let Some(schemes) = self.security_schemes(root).and_then(Node::as_map) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for entry in &schemes.entries {
            let Some((file, scheme)) = self.deref(self.file, &entry.value) else {
                continue;
            };
            let Some(map) = scheme.as_map() else { continue };
            for item in &map.entries {
                let key = &*item.key.name;
                if key.starts_with("x-apigateway-")
                    && !matches!(
                        key,
                        "x-apigateway-auth-type"
                            | "x-apigateway-auth-opt"
                            | "x-apigateway-authorizer"
                    )
                {
                    self.warn(
                        UNKNOWN_EXTENSION,
                        file,
                        item.key.span,
                        format!(
                            "`{key}` is not a security scheme extension apigctl imports; ignored"
                        ),
                    );
                }
            }
            let Some(authorizer) = scheme.get("x-apigateway-authorizer") else {
                continue;
            };
            let pointer = format!("/authorizers/{}", out.len());
            self.provenance
                .record(pointer.clone(), file, authorizer.span);
            let mut obj = Obj::new(pointer);
            self.set(
                &mut obj,
                "name",
                json!(&*entry.key.name),
                self.file,
                &Node::new(entry.key.span, Value::Null),
            );
            for item in authorizer
                .as_map()
                .map(|m| m.entries.as_slice())
                .unwrap_or_default()
            {
                let key = &*item.key.name;
                match key {
                    "authorizer_type" | "authorizer_uri" | "type" | "network_type"
                    | "authorizer_version" | "authorizer_alias_uri" | "identities" | "ttl"
                    | "need_body" | "user_data" => {
                        self.set(&mut obj, key, item.value.to_json(), file, &item.value);
                    }
                    other => self.warn(
                        DROPPED,
                        file,
                        item.key.span,
                        format!("authorizer field `{other}` is not in the API Reference (3.15.1); dropped"),
                    ),
                }
            }
            if let Some(a) = self.finish::<AuthorizerDef>(obj, (file, entry.key.span)) {
                out.push(a);
            }
        }
        out
    }

    /// The `name: policy` entries of a document-level policy extension (root or `components`).
    /// A value that is not a mapping cannot become a policy; it is reported, never skipped
    /// silently.
    fn policy_entries(&mut self, root: &'a Node, key: &str, what: &str) -> Vec<&'a Entry> {
        let Some((_, node)) = self.root_extension(root, key) else {
            return Vec::new();
        };
        let Some(map) = node.as_map() else {
            let message = format!(
                "`{key}` must map {what} names to {what}s, found a {}; nothing imported",
                node.value.kind()
            );
            self.warn(DROPPED, self.file, node.span, message);
            return Vec::new();
        };
        let mut entries = Vec::with_capacity(map.len());
        for entry in &map.entries {
            if entry.value.as_map().is_some() {
                entries.push(entry);
            } else {
                let message = format!(
                    "{what} `{}` must be a mapping, found a {}; not imported",
                    entry.key.name,
                    entry.value.value.kind()
                );
                self.warn(DROPPED, self.file, entry.value.span, message);
            }
        }
        entries
    }

    fn throttles(&mut self, root: &'a Node) -> Vec<ThrottleDef> {
        let file = self.file;
        let mut out = Vec::new();
        for entry in self.policy_entries(root, "x-apigateway-ratelimits", "throttling policy") {
            let pointer = format!("/throttles/{}", out.len());
            let mut obj = Obj::new(pointer.clone());
            self.provenance
                .record(pointer.clone(), file, entry.value.span);
            self.set(
                &mut obj,
                "name",
                json!(&*entry.key.name),
                file,
                &Node::new(entry.key.span, Value::Null),
            );
            let Some(policy) = entry.value.as_map() else {
                continue;
            };
            for item in &policy.entries {
                let target = match &*item.key.name {
                    "api-limit" => "api_call_limits",
                    "user-limit" => "user_call_limits",
                    "app-limit" => "app_call_limits",
                    "ip-limit" => "ip_call_limits",
                    "interval" => "time_interval",
                    "unit" => "time_unit",
                    "shared" => {
                        let shared = item.value.as_bool().unwrap_or(false);
                        self.set(
                            &mut obj,
                            "type",
                            json!(if shared { 2 } else { 1 }),
                            file,
                            &item.value,
                        );
                        continue;
                    }
                    "special" => {
                        let mut specials = Vec::new();
                        let Some(list) = item.value.as_seq() else {
                            self.warn(
                                DROPPED,
                                file,
                                item.value.span,
                                format!("`special` must be a list of excluded configurations, found a {}; dropped", item.value.value.kind()),
                            );
                            continue;
                        };
                        for (i, s) in list.iter().enumerate() {
                            let mut sp = Obj::new(format!("{pointer}/special/{i}"));
                            self.provenance.record(sp.pointer.clone(), file, s.span);
                            for e in s.as_map().map(|m| m.entries.as_slice()).unwrap_or_default() {
                                // `instance` is Table 3-505's `object_id`; the definition form
                                // names that slot `object_name` (no gateway ids in files).
                                let target = match &*e.key.name {
                                    "type" | "object_type" => "object_type",
                                    "limit" | "call_limits" => "call_limits",
                                    "instance" | "object_name" => "object_name",
                                    other => {
                                        self.warn(
                                            DROPPED,
                                            file,
                                            e.key.span,
                                            format!("excluded configuration field `{other}` has no API Reference counterpart (3.9.1); dropped"),
                                        );
                                        continue;
                                    }
                                };
                                self.set(&mut sp, target, e.value.to_json(), file, &e.value);
                            }
                            specials.push(Json::Object(sp.map));
                        }
                        obj.map.insert("special".into(), Json::Array(specials));
                        continue;
                    }
                    other => {
                        self.warn(
                            DROPPED,
                            file,
                            item.key.span,
                            format!("throttling policy field `{other}` has no API Reference counterpart; dropped"),
                        );
                        continue;
                    }
                };
                self.set(&mut obj, target, item.value.to_json(), file, &item.value);
            }
            if let Some(t) = self.finish::<ThrottleDef>(obj, (file, entry.key.span)) {
                out.push(t);
            }
        }
        out
    }

    fn acls(&mut self, root: &'a Node) -> Vec<AclDef> {
        let file = self.file;
        let mut out = Vec::new();
        for entry in self.policy_entries(
            root,
            "x-apigateway-access-controls",
            "access control policy",
        ) {
            let pointer = format!("/acls/{}", out.len());
            self.provenance
                .record(pointer.clone(), file, entry.value.span);
            let mut obj = Obj::new(pointer);
            self.set(
                &mut obj,
                "acl_name",
                json!(&*entry.key.name),
                file,
                &Node::new(entry.key.span, Value::Null),
            );
            let Some(policy) = entry.value.as_map() else {
                continue;
            };
            for item in &policy.entries {
                let target = match &*item.key.name {
                    "acl-type" | "acl_type" => "acl_type",
                    "entity-type" | "entity_type" => "entity_type",
                    "value" | "acl_value" => "acl_value",
                    other => {
                        self.warn(
                            DROPPED,
                            file,
                            item.key.span,
                            format!("access control field `{other}` has no API Reference counterpart; dropped"),
                        );
                        continue;
                    }
                };
                self.set(&mut obj, target, item.value.to_json(), file, &item.value);
            }
            if let Some(a) = self.finish::<AclDef>(obj, (file, entry.key.span)) {
                out.push(a);
            }
        }
        out
    }

    fn responses(&mut self, root: &'a Node) -> Vec<GroupResponseDef> {
        let file = self.file;
        let mut out = Vec::new();
        for entry in self.policy_entries(root, "x-apigateway-responses", "group response") {
            let pointer = format!("/responses/{}", out.len());
            self.provenance
                .record(pointer.clone(), file, entry.value.span);
            let mut obj = Obj::new(pointer.clone());
            self.set(
                &mut obj,
                "name",
                json!(&*entry.key.name),
                file,
                &Node::new(entry.key.span, Value::Null),
            );
            let mut errors = JsonMap::new();
            for error in entry
                .value
                .as_map()
                .map(|m| m.entries.as_slice())
                .unwrap_or_default()
            {
                let at = format!("{pointer}/responses/{}", error.key.name);
                self.provenance.record(at.clone(), file, error.value.span);
                let mut info = JsonMap::new();
                if let Some(status) = error.value.get("status") {
                    self.provenance
                        .record(format!("{at}/status"), file, status.span);
                    info.insert("status".into(), status.to_json());
                }
                if let Some(body) = error.value.get("body") {
                    // The gateway keeps one body template; the reference's map holds one per
                    // media type.
                    let bodies = body
                        .as_map()
                        .map(|m| m.entries.as_slice())
                        .unwrap_or_default();
                    if let Some(first) = bodies.first() {
                        self.provenance
                            .record(format!("{at}/body"), file, first.value.span);
                        info.insert("body".into(), first.value.to_json());
                    } else if body.as_str().is_some() {
                        info.insert("body".into(), body.to_json());
                    }
                    for extra in bodies.iter().skip(1) {
                        self.warn(
                            DROPPED,
                            file,
                            extra.key.span,
                            "a group response has one body template; only the first media type is kept".into(),
                        );
                    }
                }
                if let Some(headers) = error.value.get("headers") {
                    let list: Vec<Json> = match &headers.value {
                        Value::Map(m) => m
                            .iter()
                            .map(|(k, v)| json!({"key": k, "value": v.to_json()}))
                            .collect(),
                        _ => headers
                            .as_seq()
                            .unwrap_or_default()
                            .iter()
                            .map(Node::to_json)
                            .collect(),
                    };
                    info.insert("headers".into(), Json::Array(list));
                }
                errors.insert(error.key.name.to_string(), Json::Object(info));
            }
            obj.map.insert("responses".into(), Json::Object(errors));
            if let Some(r) = self.finish::<GroupResponseDef>(obj, (file, entry.key.span)) {
                out.push(r);
            }
        }
        out
    }

    fn unknown_root_extensions(&mut self, root: &'a Node) {
        let file = self.file;
        const KNOWN: [&str; 3] = [
            "x-apigateway-ratelimits",
            "x-apigateway-access-controls",
            "x-apigateway-responses",
        ];
        let Some(map) = root.as_map() else { return };
        for entry in &map.entries {
            let key = &*entry.key.name;
            if key.starts_with("x-apigateway-") && !KNOWN.contains(&key) {
                self.warn(
                    UNKNOWN_EXTENSION,
                    file,
                    entry.key.span,
                    format!("`{key}` is not a document-level extension apigctl imports; ignored"),
                );
            }
        }
    }

    // ----- operations -----------------------------------------------------------------------

    fn operations(&mut self, root: &'a Node, apis: &mut Vec<ApiDef>, bindings: &mut Bindings) {
        let file = self.file;
        let Some(paths) = root.get("paths").and_then(Node::as_map) else {
            return;
        };
        for entry in &paths.entries {
            let path = &*entry.key.name;
            if !path.starts_with("x-")
                && path
                    .split('/')
                    .any(|seg| seg.contains('{') && !(seg.starts_with('{') && seg.ends_with('}')))
            {
                self.warn(
                    UNSUPPORTED,
                    file,
                    entry.key.span,
                    format!("`{path}`: the gateway's frontend paths take a template only as a whole segment (`/users/{{name}}`), not with a prefix or suffix (reference §3.3)"),
                );
            }
            let Some((item_file, item)) = self.deref(file, &entry.value) else {
                continue;
            };
            for key in item
                .as_map()
                .map(|m| m.entries.as_slice())
                .unwrap_or_default()
            {
                let name = &*key.key.name;
                if name == "trace" {
                    self.warn(
                        UNSUPPORTED,
                        item_file,
                        key.key.span,
                        "APIG has no TRACE method; operation not imported".into(),
                    );
                } else if name.starts_with("x-apigateway-") && name != "x-apigateway-any-method" {
                    self.warn(
                        UNKNOWN_EXTENSION,
                        item_file,
                        key.key.span,
                        format!("`{name}` is not a path item extension apigctl imports; ignored"),
                    );
                }
            }
        }
        let operations = self.collect_operations(paths);
        // About 60 values per API have a recorded source; growing the table step by step
        // rehashes every pointer several times.
        self.provenance.entries.reserve(operations.len() * 64);
        let mut used_names: HashMap<String, usize> = HashMap::new();
        for op in &operations {
            if let Some(id) = op.node.get("operationId").and_then(Node::as_str) {
                *used_names.entry(id.to_owned()).or_default() += 1;
            }
        }
        // (method, uri, match mode) → the key span of the first operation.
        let mut seen: HashMap<(String, String, String), (FileId, Span)> = HashMap::new();
        // API name → where it was taken from.
        let mut names: HashMap<String, (FileId, Span)> = HashMap::new();
        for op in operations {
            let index = apis.len();
            let Some((api, dup_key)) = self.operation(root, &op, index, &mut used_names, bindings)
            else {
                continue;
            };
            // Templates at the same position match the same requests: `/a/{x}` is `/a/{y}`.
            let dup_key = (dup_key.0, template_shape(&dup_key.1), dup_key.2);
            if let Some(first) = seen.get(&dup_key) {
                self.diagnostics.push(
                    Diagnostic::error(
                        DUPLICATE_API,
                        format!(
                            "another operation has method {}, path `{}` and match mode {} (the gateway answers APIG.3301)",
                            dup_key.0, api.req_uri, dup_key.2
                        ),
                    )
                    .at(op.file, op.key_span)
                    .related(first.0, first.1, "first defined here")
                    .help("change the path, the method or `x-apigateway-match-mode` of one of them")
                    .source("API Reference 3.16.2 (APIG.3301)"),
                );
                continue;
            }
            if let Some(first) = names.get(api.name.as_str()) {
                let at = op.node.get("operationId").map_or(op.key_span, |n| n.span);
                self.diagnostics.push(
                    Diagnostic::error(
                        DUPLICATE_NAME,
                        format!("another operation has the operationId `{}`; API names are unique in a group (the gateway answers APIG.3202)", api.name),
                    )
                    .at(op.file, at)
                    .related(first.0, first.1, "first used here")
                    .help("give each operation its own `operationId`")
                    .source("API Reference 3.5.1, Table 3-167 (APIG.3202)"),
                );
                continue;
            }
            let at = op.node.get("operationId").map_or(op.key_span, |n| n.span);
            names.insert(api.name.clone(), (op.file, at));
            seen.insert(dup_key, (op.file, op.key_span));
            apis.push(api);
        }
    }

    fn collect_operations(&self, paths: &'a Map) -> Vec<Operation<'a>> {
        let mut out = Vec::new();
        for entry in &paths.entries {
            if entry.key.name.starts_with("x-") {
                continue;
            }
            // A `$ref`'d path item is followed; a broken one is reported by `resolve_refs`.
            let (item_file, item) = self
                .ws
                .deref(self.file, &entry.value)
                .unwrap_or((self.file, &entry.value));
            let Some(map) = item.as_map() else { continue };
            for op_entry in &map.entries {
                let key = &*op_entry.key.name;
                let method = if key == "x-apigateway-any-method" {
                    "ANY".to_owned()
                } else if METHODS.contains(&key) {
                    key.to_ascii_uppercase()
                } else {
                    continue;
                };
                out.push(Operation {
                    path: &entry.key.name,
                    path_span: entry.key.span,
                    method,
                    file: item_file,
                    item,
                    node: &op_entry.value,
                    key_span: op_entry.key.span,
                });
            }
        }
        out
    }

    fn operation(
        &mut self,
        root: &'a Node,
        op: &Operation<'a>,
        index: usize,
        used_names: &mut HashMap<String, usize>,
        bindings: &mut Bindings,
    ) -> Option<(ApiDef, (String, String, String))> {
        let file = op.file;
        let node = op.node;
        let map = node.as_map()?;
        let pointer = format!("/apis/{index}");
        self.provenance.record(pointer.clone(), file, node.span);
        let mut obj = Obj::new(pointer.clone());

        // name
        let name = match node.get("operationId") {
            Some(id) if id.as_str().is_some() => {
                self.set(&mut obj, "name", id.to_json(), file, id);
                id.as_str().unwrap_or_default().to_owned()
            }
            _ => {
                let name = generated_name(&op.method, op.path, used_names);
                self.warn(
                    GENERATED_NAME,
                    file,
                    op.key_span,
                    format!("operation has no `operationId`; the API is named `{name}`"),
                );
                self.provenance
                    .record(child(&pointer, "name"), file, op.key_span);
                obj.map.insert("name".into(), json!(name));
                name
            }
        };

        // type (visibility)
        let api_type = match node.get("x-apigateway-request-type") {
            Some(t) => {
                let value = match t.as_str().map(str::to_ascii_lowercase).as_deref() {
                    Some("private") => 2,
                    Some("public") => 1,
                    _ => {
                        self.warn(
                            UNSUPPORTED,
                            file,
                            t.span,
                            "`x-apigateway-request-type` must be `public` or `private`; using public".into(),
                        );
                        1
                    }
                };
                self.set(&mut obj, "type", json!(value), file, t);
                value
            }
            None => 1,
        };
        obj.map.insert("type".into(), json!(api_type));

        // protocol
        let (protocol, protocol_node) = self.protocol(root, op);
        if let Some(n) = protocol_node {
            self.provenance
                .record(child(&pointer, "req_protocol"), file, n.span);
        }
        obj.map.insert("req_protocol".into(), json!(protocol));
        self.provenance
            .record(child(&pointer, "req_method"), file, op.key_span);
        obj.map.insert("req_method".into(), json!(op.method));

        // uri
        let base = self.base_path(root, op);
        let uri = join_path(&base, op.path);
        self.provenance
            .record(child(&pointer, "req_uri"), self.file, op.path_span);
        obj.map.insert("req_uri".into(), json!(uri));

        // security
        self.security(root, op, &mut obj);

        if let Some(cors) = node.get("x-apigateway-cors") {
            self.set(&mut obj, "cors", cors.to_json(), file, cors);
        }
        let match_mode = match node.get("x-apigateway-match-mode") {
            Some(m) => {
                let value = m.as_str().unwrap_or("NORMAL").to_ascii_uppercase();
                self.set(&mut obj, "match_mode", json!(value), file, m);
                value
            }
            None => "NORMAL".to_owned(),
        };
        if let Some(ct) = node.get("x-apigateway-content-type") {
            self.set(&mut obj, "content_type", ct.to_json(), file, ct);
        } else if self.version != OasVersion::V2_0 {
            self.infer_content_type(node, &mut obj, file);
        }
        if let Some(d) = node.get("description") {
            self.set(&mut obj, "remark", d.to_json(), file, d);
        }
        if let Some(tags) = node.get("tags") {
            self.set(&mut obj, "tags", tags.to_json(), file, tags);
        }
        self.samples(node, &mut obj, file);
        if let Some(r) = node.get("x-apigateway-response") {
            self.set(&mut obj, "response_name", r.to_json(), file, r);
        }

        self.req_params(op, &mut obj);
        self.backend(node, &mut obj, file);
        self.policies(node, &mut obj, file);

        // Operation-level constructs the gateway has no place for.
        if let Some(entry) = map.entry("callbacks") {
            self.warn(
                DROPPED,
                file,
                entry.key.span,
                "callbacks have no API Gateway counterpart; dropped".into(),
            );
        }
        if let Some(entry) = map.entry("x-apigateway-is-send-fg-body-base64") {
            self.diagnostics.push(
                Diagnostic::new(
                    DROPPED,
                    Severity::Info,
                    "`x-apigateway-is-send-fg-body-base64` has no field on the API object (API Reference 3.5.1); not carried over",
                )
                .at(file, entry.key.span)
                .source(SOURCE_REF),
            );
        }
        for entry in &map.entries {
            let key = &*entry.key.name;
            if key.starts_with("x-apigateway-") && !OPERATION_EXTENSIONS.contains(&key) {
                self.warn(
                    UNKNOWN_EXTENSION,
                    file,
                    entry.key.span,
                    format!("`{key}` is not an operation extension apigctl imports; ignored"),
                );
            }
        }

        // Bindings by name.
        if let Some(t) = node.get("x-apigateway-ratelimit")
            && let Some(policy) = t.as_str()
        {
            bind(&mut bindings.throttles, policy, &name, file, t.span);
        }
        if let Some(a) = node.get("x-apigateway-access-control")
            && let Some(policy) = a.as_str()
        {
            bind(&mut bindings.acls, policy, &name, file, a.span);
        }
        if let Some(plugins) = node.get("x-apigateway-plugins").and_then(Node::as_seq) {
            for p in plugins {
                if let Some(plugin) = p.as_str() {
                    bind(&mut bindings.plugins, plugin, &name, file, p.span);
                }
            }
        }

        let api = self.finish::<ApiDef>(obj, (file, op.key_span))?;
        Some((api, (op.method.clone(), uri, match_mode)))
    }

    /// OpenAPI 3: the single media type of `requestBody.content`, when it is one of the four
    /// `content_type` values (the reference's inference; the extension is documented for 2.0).
    fn infer_content_type(&mut self, node: &'a Node, obj: &mut Obj, file: FileId) {
        let Some(body) = node.get("requestBody") else {
            return;
        };
        let Some((body_file, body)) = self.deref(file, body) else {
            return;
        };
        let Some(content) = body.get("content").and_then(Node::as_map) else {
            return;
        };
        if let [only] = content.entries.as_slice()
            && matches!(
                &*only.key.name,
                "application/json" | "application/xml" | "multipart/form-data" | "text/plain"
            )
        {
            let key = Node::new(only.key.span, Value::Null);
            self.set(obj, "content_type", json!(&*only.key.name), body_file, &key);
        }
    }

    /// `basePath` (2.0) or the path of the first server URL (3.x), without a trailing `/`.
    fn base_path(&self, root: &Node, op: &Operation<'_>) -> String {
        let base = match self.version {
            OasVersion::V2_0 => root
                .get("basePath")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_owned(),
            _ => self
                .servers(root, op)
                .and_then(|s| s.first())
                .and_then(|s| s.get("url"))
                .and_then(Node::as_str)
                .map(url_path)
                .unwrap_or_default(),
        };
        base.trim_end_matches('/').to_owned()
    }

    /// The servers that apply to an operation (operation, then path item, then root).
    fn servers(&self, root: &'a Node, op: &Operation<'a>) -> Option<&'a [Node]> {
        [
            op.node.get("servers"),
            op.item.get("servers"),
            root.get("servers"),
        ]
        .into_iter()
        .flatten()
        .find_map(Node::as_seq)
        .filter(|s| !s.is_empty())
    }

    fn protocol(&self, root: &'a Node, op: &Operation<'a>) -> (&'static str, Option<&'a Node>) {
        let (schemes, node): (Vec<String>, Option<&Node>) = match self.version {
            OasVersion::V2_0 => {
                let node = op.node.get("schemes").or_else(|| root.get("schemes"));
                let schemes = node
                    .and_then(Node::as_seq)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Node::as_str)
                    .map(str::to_ascii_lowercase)
                    .collect();
                (schemes, node)
            }
            _ => {
                let servers = self.servers(root, op);
                let schemes = servers
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|s| s.get("url").and_then(Node::as_str))
                    .filter_map(|u| u.split_once("://").map(|(s, _)| s.to_ascii_lowercase()))
                    .collect();
                (schemes, servers.and_then(|s| s.first()))
            }
        };
        let http = schemes.iter().any(|s| s == "http");
        let https = schemes.iter().any(|s| s == "https");
        let protocol = match (http, https) {
            (true, true) => "BOTH",
            (true, false) => "HTTP",
            _ => "HTTPS",
        };
        (protocol, node)
    }

    fn security_schemes(&self, root: &'a Node) -> Option<&'a Node> {
        match self.version {
            OasVersion::V2_0 => root.get("securityDefinitions"),
            _ => root.get("components")?.get("securitySchemes"),
        }
    }

    fn security(&mut self, root: &'a Node, op: &Operation<'a>, obj: &mut Obj) {
        let file = op.file;
        let requirements = op
            .node
            .get("security")
            .map(|n| (file, n))
            .or_else(|| root.get("security").map(|n| (self.file, n)));
        let Some((req_file, requirements)) = requirements else {
            obj.map.insert("auth_type".into(), json!("NONE"));
            return;
        };
        let list = requirements.as_seq().unwrap_or_default();
        for extra in list.iter().skip(1) {
            self.warn(
                UNSUPPORTED,
                req_file,
                extra.span,
                "an API has one authentication mode; only the first security requirement is used"
                    .into(),
            );
        }
        let Some(first) = list
            .first()
            .and_then(Node::as_map)
            .and_then(|m| m.entries.first())
        else {
            self.set(obj, "auth_type", json!("NONE"), req_file, requirements);
            return;
        };
        if let Some(map) = list.first().and_then(Node::as_map) {
            for extra in map.entries.iter().skip(1) {
                self.warn(
                    UNSUPPORTED,
                    req_file,
                    extra.key.span,
                    "an API has one authentication mode; only the first scheme of the requirement is used".into(),
                );
            }
        }
        let scheme_name = &*first.key.name;
        let scheme = self
            .security_schemes(root)
            .and_then(|s| s.get(scheme_name))
            .and_then(|s| self.ws.deref(self.file, s).ok());
        let Some((scheme_file, scheme)) = scheme else {
            self.warn(
                UNSUPPORTED,
                req_file,
                first.key.span,
                format!("security scheme `{scheme_name}` is not defined; using auth_type NONE"),
            );
            self.set(obj, "auth_type", json!("NONE"), req_file, &first.value);
            return;
        };
        let auth = scheme.get("x-apigateway-auth-type");
        let auth_type = match auth.and_then(Node::as_str) {
            Some("AppSigv1" | "APP" | "app") => "APP",
            Some("IAM" | "IAM_NONE" | "iam") => "IAM",
            Some("AUTHORIZER") => {
                obj.map.insert("authorizer_name".into(), json!(scheme_name));
                "AUTHORIZER"
            }
            _ => {
                if scheme.get("x-apigateway-authorizer").is_some() {
                    obj.map.insert("authorizer_name".into(), json!(scheme_name));
                    "AUTHORIZER"
                } else {
                    self.warn(
                        UNSUPPORTED,
                        req_file,
                        first.key.span,
                        format!("security scheme `{scheme_name}` has no `x-apigateway-auth-type` APIG understands; using auth_type NONE"),
                    );
                    "NONE"
                }
            }
        };
        match auth {
            Some(a) => self.set(obj, "auth_type", json!(auth_type), scheme_file, a),
            None => self.set(obj, "auth_type", json!(auth_type), req_file, &first.value),
        }
        if let Some(opt) = scheme.get("x-apigateway-auth-opt").and_then(|o| {
            o.get("appcode-auth-type")
                .or_else(|| o.get("app_code_auth_type"))
        }) {
            let value = opt.as_str().unwrap_or_default().to_ascii_uppercase();
            self.provenance.record(
                format!("{}/auth_opt/app_code_auth_type", obj.pointer),
                scheme_file,
                opt.span,
            );
            obj.map
                .insert("auth_opt".into(), json!({ "app_code_auth_type": value }));
        }
    }

    fn samples(&mut self, node: &'a Node, obj: &mut Obj, file: FileId) {
        let Some(responses) = node.get("responses").and_then(Node::as_map) else {
            return;
        };
        for (key, target) in [
            ("x-apigateway-result-normal-sample", "result_normal_sample"),
            (
                "x-apigateway-result-failure-sample",
                "result_failure_sample",
            ),
        ] {
            // Directly in the Responses map (V1 import page) or inside a Response object.
            let found = responses.get(key).or_else(|| {
                responses
                    .entries
                    .iter()
                    .filter(|e| !e.key.name.starts_with("x-"))
                    .find_map(|e| {
                        let (_, r) = self.ws.deref(file, &e.value).ok()?;
                        r.get(key)
                    })
            });
            if let Some(sample) = found {
                self.set(obj, target, sample.to_json(), file, sample);
            }
        }
    }

    // ----- parameters -----------------------------------------------------------------------

    fn req_params(&mut self, op: &Operation<'a>, obj: &mut Obj) {
        let mut params: Vec<(FileId, &'a Node)> = Vec::new();
        let mut index_of: HashMap<(String, String), usize> = HashMap::new();
        for list in [op.item.get("parameters"), op.node.get("parameters")]
            .into_iter()
            .flatten()
        {
            for p in list.as_seq().unwrap_or_default() {
                let Some((pf, param)) = self.deref(op.file, p) else {
                    continue;
                };
                let key = (
                    param
                        .get("in")
                        .and_then(Node::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    param
                        .get("name")
                        .and_then(Node::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                );
                match index_of.get(&key) {
                    Some(&i) => params[i] = (pf, param),
                    None => {
                        index_of.insert(key, params.len());
                        params.push((pf, param));
                    }
                }
            }
        }
        let mut out = Vec::new();
        for (pf, param) in params {
            let pointer = format!("{}/req_params/{}", obj.pointer, out.len());
            if let Some(p) = self.req_param(pf, param, pointer) {
                out.push(p);
            }
        }
        if !out.is_empty() {
            obj.map.insert("req_params".into(), Json::Array(out));
        }
    }

    fn req_param(&mut self, file: FileId, param: &'a Node, pointer: String) -> Option<Json> {
        let map = param.as_map()?;
        let location_node = param.get("in")?;
        let location = match location_node.as_str() {
            Some("path") => "PATH",
            Some("query") => "QUERY",
            Some("header") => "HEADER",
            Some(other) => {
                self.warn(
                    DROPPED,
                    file,
                    location_node.span,
                    format!("`in: {other}` parameters have no APIG location; not imported as a request parameter"),
                );
                return None;
            }
            None => return None,
        };
        // 2.0: attributes on the parameter; 3.x: under `schema`.
        let schema: (FileId, &'a Node) = match self.version {
            OasVersion::V2_0 => (file, param),
            _ => match param.get("schema") {
                Some(s) => self.deref(file, s)?,
                None => {
                    let span = map.entry("content").map_or(param.span, |e| e.key.span);
                    self.warn(
                        UNSUPPORTED,
                        file,
                        span,
                        "a parameter without `schema` has no APIG type; not imported".into(),
                    );
                    return None;
                }
            },
        };
        let (sf, schema) = schema;
        let type_node = schema.get("type");
        let param_type = match type_node.and_then(type_name) {
            Some("integer" | "number") => "NUMBER",
            Some("string") | None => "STRING",
            Some(other) => {
                let span = type_node.map_or(param.span, |t| t.span);
                self.warn(
                    UNSUPPORTED,
                    sf,
                    span,
                    format!("parameter type `{other}` has no APIG counterpart (STRING or NUMBER); parameter not imported"),
                );
                return None;
            }
        };
        self.provenance.record(pointer.clone(), file, param.span);
        let mut obj = Obj::new(pointer);
        if let Some(n) = param.get("name") {
            self.set(&mut obj, "name", n.to_json(), file, n);
        }
        match type_node {
            Some(t) => self.set(&mut obj, "type", json!(param_type), sf, t),
            None => {
                obj.map.insert("type".into(), json!(param_type));
            }
        }
        self.set(&mut obj, "location", json!(location), file, location_node);
        if let Some(d) = schema.get("default") {
            self.set(&mut obj, "default_value", json!(scalar_string(d)), sf, d);
        }
        let sample = param
            .get("x-apigateway-sample")
            .or_else(|| param.get("example"))
            .map(|s| (file, s))
            .or_else(|| schema.get("example").map(|s| (sf, s)));
        if let Some((f, s)) = sample {
            self.set(&mut obj, "sample_value", json!(scalar_string(s)), f, s);
        }
        let required =
            if location == "PATH" || param.get("required").and_then(Node::as_bool) == Some(true) {
                1
            } else {
                2
            };
        match param.get("required") {
            Some(r) => self.set(&mut obj, "required", json!(required), file, r),
            None => {
                obj.map.insert("required".into(), json!(required));
            }
        }
        let mut checked = false;
        if let Some(d) = param.get("description") {
            self.set(&mut obj, "remark", d.to_json(), file, d);
        }
        if let Some(e) = schema.get("enum") {
            let values: Vec<String> = e
                .as_seq()
                .unwrap_or_default()
                .iter()
                .map(scalar_string)
                .collect();
            self.set(&mut obj, "enumerations", json!(values.join(",")), sf, e);
            checked = true;
        }
        let bounds: &[(&str, &str)] = if param_type == "NUMBER" {
            &[("minimum", "min_num"), ("maximum", "max_num")]
        } else {
            &[("minLength", "min_size"), ("maxLength", "max_size")]
        };
        for (key, target) in bounds {
            if let Some(v) = schema.get(key) {
                match v.as_number().and_then(Number::as_i64) {
                    Some(n) => {
                        self.set(&mut obj, target, json!(n), sf, v);
                        checked = true;
                    }
                    None => self.warn(
                        DROPPED,
                        sf,
                        v.span,
                        format!("`{key}` must be an integer for APIG (`{target}`); dropped"),
                    ),
                }
            }
        }
        if checked {
            obj.map.insert("valid_enable".into(), json!(1));
        }
        if let Some(p) = param.get("x-apigateway-pass-through") {
            let value = match p.as_str() {
                Some("always") => Some(1),
                Some("never") => Some(2),
                _ => None,
            };
            match value {
                Some(v) => self.set(&mut obj, "pass_through", json!(v), file, p),
                None => self.warn(
                    UNSUPPORTED,
                    file,
                    p.span,
                    "`x-apigateway-pass-through` must be `always` or `never`; dropped".into(),
                ),
            }
        }
        if let Some(s) = schema.as_map() {
            self.warn_key(
                DROPPED,
                sf,
                s,
                "pattern",
                "`pattern` is not checked by APIG (`regular` is not supported yet); dropped".into(),
            );
            // Numeric formats (int32, int64, float, double) are what NUMBER means; a string
            // format (date-time, uuid, ...) is a check the gateway does not make.
            if param_type == "STRING" {
                self.warn_key(
                    DROPPED,
                    sf,
                    s,
                    "format",
                    "a string `format` is not checked by APIG (the parameter is a plain STRING); dropped".into(),
                );
            }
            for key in ["exclusiveMinimum", "exclusiveMaximum", "multipleOf"] {
                self.warn_key(
                    DROPPED,
                    sf,
                    s,
                    key,
                    format!("`{key}` has no counterpart in the API's parameter checks (min_num, max_num); dropped"),
                );
            }
        }
        if let Some(entry) = map.entry("x-apigateway-orchestrations") {
            // An empty list (what exports write) carries nothing; anything else would be lost.
            if !entry.value.as_seq().is_some_and(<[Node]>::is_empty) {
                self.warn(
                    UNSUPPORTED,
                    file,
                    entry.key.span,
                    "the API object has no field for orchestration rules (API Reference 3.5.1, Table 3-171); dropped".into(),
                );
            }
        }
        for entry in &map.entries {
            let key = &*entry.key.name;
            if key.starts_with("x-apigateway-")
                && !matches!(
                    key,
                    "x-apigateway-sample"
                        | "x-apigateway-pass-through"
                        | "x-apigateway-orchestrations"
                )
            {
                self.warn(
                    UNKNOWN_EXTENSION,
                    file,
                    entry.key.span,
                    format!("`{key}` is not a parameter extension apigctl imports; ignored"),
                );
            }
        }
        Some(Json::Object(obj.map))
    }

    // ----- backends -------------------------------------------------------------------------

    fn backend(&mut self, node: &'a Node, obj: &mut Obj, file: FileId) {
        let Some(backend) = node.get("x-apigateway-backend") else {
            self.warn(
                UNSUPPORTED,
                file,
                node.span,
                "operation has no `x-apigateway-backend`; imported with an empty MOCK backend"
                    .into(),
            );
            obj.map.insert("backend_type".into(), json!("MOCK"));
            obj.map.insert("mock_info".into(), json!({}));
            return;
        };
        let kind = backend
            .get("type")
            .and_then(Node::as_str)
            .unwrap_or_default();
        let pointer = obj.pointer.clone();
        let type_node = backend.get("type").unwrap_or(backend);
        match kind.to_ascii_uppercase().as_str() {
            "HTTP" | "HTTP-VPC" => {
                self.set(obj, "backend_type", json!("HTTP"), file, type_node);
                let vpc = kind.eq_ignore_ascii_case("HTTP-VPC");
                let mut api = Obj::new(format!("{pointer}/backend_api"));
                self.http_endpoint(backend, vpc, &mut api, file, true);
                obj.map.insert("backend_api".into(), Json::Object(api.map));
            }
            "FUNCTION" => {
                self.set(obj, "backend_type", json!("FUNCTION"), file, type_node);
                let mut func = Obj::new(format!("{pointer}/func_info"));
                self.function_endpoint(backend, &mut func, file, true);
                obj.map.insert("func_info".into(), Json::Object(func.map));
            }
            "MOCK" => {
                self.set(obj, "backend_type", json!("MOCK"), file, type_node);
                let mut mock = Obj::new(format!("{pointer}/mock_info"));
                self.mock_endpoint(backend, &mut mock, file);
                obj.map.insert("mock_info".into(), Json::Object(mock.map));
            }
            _ => {
                self.warn(
                    UNSUPPORTED,
                    file,
                    type_node.span,
                    format!("backend type `{kind}` is not HTTP, HTTP-VPC, FUNCTION or MOCK; imported with an empty MOCK backend"),
                );
                obj.map.insert("backend_type".into(), json!("MOCK"));
                obj.map.insert("mock_info".into(), json!({}));
            }
        }
        if let Some(params) =
            self.backend_params(backend, &format!("{pointer}/backend_params"), file)
        {
            obj.map.insert("backend_params".into(), params);
        }
        if let Some(map) = backend.as_map() {
            for entry in &map.entries {
                if !matches!(
                    &*entry.key.name,
                    "type"
                        | "parameters"
                        | "httpEndpoints"
                        | "httpVpcEndpoints"
                        | "functionEndpoints"
                        | "mockEndpoints"
                ) {
                    self.warn(
                        DROPPED,
                        file,
                        entry.key.span,
                        format!("backend field `{}` is not imported", entry.key.name),
                    );
                }
            }
        }
    }

    fn http_endpoint(
        &mut self,
        backend: &'a Node,
        vpc: bool,
        obj: &mut Obj,
        file: FileId,
        default_backend: bool,
    ) {
        let key = if vpc {
            "httpVpcEndpoints"
        } else {
            "httpEndpoints"
        };
        let Some(ep) = backend.get(key) else {
            self.warn(
                UNSUPPORTED,
                file,
                backend.span,
                format!("backend has no `{key}`"),
            );
            return;
        };
        for entry in ep
            .as_map()
            .map(|m| m.entries.as_slice())
            .unwrap_or_default()
        {
            let v = &entry.value;
            match &*entry.key.name {
                "address" if !vpc => self.set(obj, "url_domain", v.to_json(), file, v),
                "scheme" => {
                    let s = v.as_str().unwrap_or_default().to_ascii_uppercase();
                    self.set(obj, "req_protocol", json!(s), file, v);
                }
                "method" => {
                    let s = v.as_str().unwrap_or_default().to_ascii_uppercase();
                    self.set(obj, "req_method", json!(s), file, v);
                }
                "path" => self.set(obj, "req_uri", v.to_json(), file, v),
                "timeout" => self.set(obj, "timeout", v.to_json(), file, v),
                "retryCount" | "retry_count" => {
                    self.set(obj, "retry_count", json!(scalar_string(v)), file, v);
                }
                "enableClientSsl" if default_backend => {
                    self.set(obj, "enable_client_ssl", v.to_json(), file, v);
                }
                "description" if default_backend => self.set(obj, "remark", v.to_json(), file, v),
                "name" if vpc => {
                    self.provenance.record(
                        format!("{}/vpc_channel_info/vpc_channel_name", obj.pointer),
                        file,
                        v.span,
                    );
                }
                "host" if vpc => {}
                other => self.warn(
                    DROPPED,
                    file,
                    entry.key.span,
                    format!("`{key}.{other}` has no API Reference counterpart here; dropped"),
                ),
            }
        }
        if !obj.map.contains_key("timeout") && default_backend {
            obj.map.insert("timeout".into(), json!(5000));
        }
        if vpc {
            let mut info = JsonMap::new();
            if let Some(host) = ep.get("host") {
                info.insert("vpc_channel_proxy_host".into(), host.to_json());
            }
            if let Some(name) = ep.get("name") {
                info.insert("vpc_channel_name".into(), name.to_json());
            }
            obj.map
                .insert("vpc_channel_info".into(), Json::Object(info));
            obj.map.insert("vpc_channel_status".into(), json!(1));
        } else {
            obj.map.insert("vpc_channel_status".into(), json!(2));
        }
    }

    fn function_endpoint(
        &mut self,
        backend: &'a Node,
        obj: &mut Obj,
        file: FileId,
        default_backend: bool,
    ) {
        let Some(ep) = backend.get("functionEndpoints") else {
            self.warn(
                UNSUPPORTED,
                file,
                backend.span,
                "backend has no `functionEndpoints`".into(),
            );
            return;
        };
        for entry in ep
            .as_map()
            .map(|m| m.entries.as_slice())
            .unwrap_or_default()
        {
            let v = &entry.value;
            let target = match &*entry.key.name {
                "function-urn" | "function_urn" => "function_urn",
                "version" => "version",
                "invocation-type" | "invocation_type" => "invocation_type",
                "timeout" => "timeout",
                "network-type" | "network_type" => "network_type",
                "alias-urn" | "alias_urn" => "alias_urn",
                "req_protocol" => "req_protocol",
                "description" if default_backend => "remark",
                other => {
                    self.warn(
                        DROPPED,
                        file,
                        entry.key.span,
                        format!("`functionEndpoints.{other}` has no API Reference counterpart here; dropped"),
                    );
                    continue;
                }
            };
            self.set(obj, target, v.to_json(), file, v);
        }
        if !obj.map.contains_key("network_type") {
            obj.map.insert("network_type".into(), json!("V1"));
        }
        if !obj.map.contains_key("timeout") {
            obj.map.insert("timeout".into(), json!(5000));
        }
    }

    fn mock_endpoint(&mut self, backend: &'a Node, obj: &mut Obj, file: FileId) {
        let Some(ep) = backend.get("mockEndpoints") else {
            return;
        };
        for entry in ep
            .as_map()
            .map(|m| m.entries.as_slice())
            .unwrap_or_default()
        {
            let v = &entry.value;
            match &*entry.key.name {
                "result-content" | "result_content" => {
                    self.set(obj, "result_content", v.to_json(), file, v)
                }
                "description" => self.set(obj, "remark", v.to_json(), file, v),
                other => self.warn(
                    DROPPED,
                    file,
                    entry.key.span,
                    format!("`mockEndpoints.{other}` has no API Reference counterpart; dropped"),
                ),
            }
        }
    }

    fn backend_params(&mut self, backend: &'a Node, pointer: &str, file: FileId) -> Option<Json> {
        let list = backend.get("parameters")?.as_seq()?;
        let mut out = Vec::new();
        for p in list {
            let mut obj = Obj::new(format!("{pointer}/{}", out.len()));
            self.provenance.record(obj.pointer.clone(), file, p.span);
            for entry in p.as_map().map(|m| m.entries.as_slice()).unwrap_or_default() {
                let key = &*entry.key.name;
                if !matches!(key, "origin" | "name" | "description" | "in" | "value") {
                    self.warn(
                        DROPPED,
                        file,
                        entry.key.span,
                        format!("backend parameter field `{key}` has no API Reference counterpart (3.5.1, Table 3-176); dropped"),
                    );
                }
            }
            for key in ["origin", "name", "description", "in", "value"] {
                let Some(v) = p.get(key) else { continue };
                let (target, value) = match key {
                    "origin" => (
                        "origin",
                        json!(v.as_str().unwrap_or_default().to_ascii_uppercase()),
                    ),
                    "in" => (
                        "location",
                        json!(v.as_str().unwrap_or_default().to_ascii_uppercase()),
                    ),
                    "description" => ("remark", v.to_json()),
                    other => (other, v.to_json()),
                };
                self.set(&mut obj, target, value, file, v);
            }
            out.push(Json::Object(obj.map));
        }
        Some(Json::Array(out))
    }

    fn policies(&mut self, node: &'a Node, obj: &mut Obj, file: FileId) {
        let Some(list) = node
            .get("x-apigateway-backend-policies")
            .and_then(Node::as_seq)
        else {
            return;
        };
        let mut https = Vec::new();
        let mut functions = Vec::new();
        let mut mocks = Vec::new();
        let pointer = obj.pointer.clone();
        for policy in list {
            let kind = policy
                .get("type")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_ascii_uppercase();
            let (field, len) = match kind.as_str() {
                "HTTP" | "HTTP-VPC" => ("policy_https", https.len()),
                "FUNCTION" => ("policy_functions", functions.len()),
                "MOCK" => ("policy_mocks", mocks.len()),
                _ => {
                    let span = policy.get("type").map_or(policy.span, |t| t.span);
                    self.warn(
                        UNSUPPORTED,
                        file,
                        span,
                        format!("backend policy type `{kind}` is not HTTP, HTTP-VPC, FUNCTION or MOCK; policy dropped"),
                    );
                    continue;
                }
            };
            for entry in policy
                .as_map()
                .map(|m| m.entries.as_slice())
                .unwrap_or_default()
            {
                if !matches!(
                    &*entry.key.name,
                    "name"
                        | "type"
                        | "effectMode"
                        | "effect_mode"
                        | "parameters"
                        | "conditions"
                        | "httpEndpoints"
                        | "httpVpcEndpoints"
                        | "functionEndpoints"
                        | "mockEndpoints"
                ) {
                    self.warn(
                        DROPPED,
                        file,
                        entry.key.span,
                        format!("backend policy field `{}` is not imported", entry.key.name),
                    );
                }
            }
            let mut p = Obj::new(format!("{pointer}/{field}/{len}"));
            self.provenance.record(p.pointer.clone(), file, policy.span);
            if let Some(n) = policy.get("name") {
                self.set(&mut p, "name", n.to_json(), file, n);
            }
            match policy
                .get("effectMode")
                .or_else(|| policy.get("effect_mode"))
            {
                Some(e) => {
                    let v = e.as_str().unwrap_or_default().to_ascii_uppercase();
                    self.set(&mut p, "effect_mode", json!(v), file, e);
                }
                None => {
                    p.map.insert("effect_mode".into(), json!("ANY"));
                }
            }
            match kind.as_str() {
                "HTTP" => self.http_endpoint(policy, false, &mut p, file, false),
                "HTTP-VPC" => self.http_endpoint(policy, true, &mut p, file, false),
                "FUNCTION" => self.function_endpoint(policy, &mut p, file, false),
                _ => self.mock_endpoint(policy, &mut p, file),
            }
            if let Some(params) =
                self.backend_params(policy, &format!("{}/backend_params", p.pointer), file)
            {
                p.map.insert("backend_params".into(), params);
            }
            let mut conditions = Vec::new();
            for c in policy
                .get("conditions")
                .and_then(Node::as_seq)
                .unwrap_or_default()
            {
                let mut cond = Obj::new(format!("{}/conditions/{}", p.pointer, conditions.len()));
                self.condition(c, &mut cond, file);
                conditions.push(Json::Object(cond.map));
            }
            p.map.insert("conditions".into(), Json::Array(conditions));
            let value = Json::Object(p.map);
            match field {
                "policy_https" => https.push(value),
                "policy_functions" => functions.push(value),
                _ => mocks.push(value),
            }
        }
        for (field, list) in [
            ("policy_https", https),
            ("policy_functions", functions),
            ("policy_mocks", mocks),
        ] {
            if !list.is_empty() {
                obj.map.insert(field.into(), Json::Array(list));
            }
        }
    }

    fn condition(&mut self, c: &'a Node, obj: &mut Obj, file: FileId) {
        self.provenance.record(obj.pointer.clone(), file, c.span);
        let Some(map) = c.as_map() else { return };
        let origin = map
            .get("origin")
            .or_else(|| map.get("condition_origin"))
            .and_then(Node::as_str)
            .map(|o| match o {
                "request" | "request_parameter" | "param" => "param",
                other => other,
            })
            .unwrap_or("param")
            .to_owned();
        for entry in &map.entries {
            let v = &entry.value;
            match &*entry.key.name {
                "type" | "condition_type" => {
                    let t = match v.as_str() {
                        Some("equal" | "exact") => "exact",
                        Some(other) => other,
                        None => "exact",
                    };
                    self.set(obj, "condition_type", json!(t), file, v);
                }
                "origin" | "condition_origin" => {
                    self.set(obj, "condition_origin", json!(origin), file, v)
                }
                "value" | "condition_value" => {
                    self.set(obj, "condition_value", json!(scalar_string(v)), file, v)
                }
                "parameter" | "parameter_name" | "param" | "req_param_name" => {
                    let target = match origin.as_str() {
                        "system" => "sys_param_name",
                        "cookie" => "cookie_param_name",
                        "frontend_authorizer" => "frontend_authorizer_param_name",
                        _ => "req_param_name",
                    };
                    self.set(obj, target, v.to_json(), file, v);
                }
                other => self.warn(
                    DROPPED,
                    file,
                    entry.key.span,
                    format!(
                        "policy condition field `{other}` has no API Reference counterpart; dropped"
                    ),
                ),
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
