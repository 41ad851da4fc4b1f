//! Operations: one API each, with its name, protocol, path, security and samples, and the
//! duplicate checks across operations.

use std::collections::hash_map::Entry as Slot;

use super::*;
use crate::model::MatchMode;
use crate::source::hash::{FastHasher, FastSet};

/// A node's address, which identifies it while the workspace lives.
fn address<T>(node: &T) -> usize {
    std::ptr::from_ref(node) as usize
}

/// What importing one operation gave, for the checks across operations.
pub(super) struct OperationOut<'a> {
    /// Position of the operation among all operations.
    ordinal: usize,
    /// The API's `operationId` (`None` for a generated name) and where the name was taken
    /// from (the `operationId`, else the operation's key).
    name: (Option<&'a str>, Span),
    /// The API's method and match mode (with its uri, templates emptied, what two operations
    /// must not share); `None` if a value was rejected (the operation's slot is then empty).
    api: Option<(&'static str, &'static str)>,
    /// The diagnostics the operation added to its batch.
    diagnostics: std::ops::Range<usize>,
    /// Hashes of `api` and of the API name, for the quick check that no two operations share
    /// either (see [`Cx::operations`]).
    hashes: (u64, u64),
}

/// A batch of operations imported together: its import state, per operation what it gave
/// (`None` for an operation that is not an object) and the bindings named. The APIs made go
/// straight to the operations' slots, so they are not moved again when batches are joined.
pub(super) struct Batch<'a> {
    cx: Cx<'a>,
    operations: Vec<Option<OperationOut<'a>>>,
    bindings: Bindings,
}

/// An operation whose method, path and match mode an earlier one (`first`) has; both at
/// their method keys, or at their `paths` keys (in `paths_file`) when they are one operation
/// that two paths reach through `$ref`s to one path item.
fn duplicate_route(
    (method, uri, match_mode): (&str, &str, &str),
    op: &Operation<'_>,
    first: &Operation<'_>,
    paths_file: FileId,
) -> Diagnostic {
    let (at, first) = if std::ptr::eq(op.node, first.node) {
        ((paths_file, op.path_span), (paths_file, first.path_span))
    } else {
        ((op.file, op.key_span), (first.file, first.key_span))
    };
    Diagnostic::error(
        DUPLICATE_API,
        format!(
            "another operation has method {method}, path `{uri}` and match mode {match_mode} (the gateway answers APIG.3301)"
        ),
    )
    .at(at.0, at.1)
    .related(first.0, first.1, "first defined here")
    .help("change the path, the method or `x-apigateway-match-mode` of one of them")
    .source("API Reference 3.16.2 (APIG.3301)")
}

/// An operation whose API name an earlier one has, `at` where the name was taken from.
fn duplicate_name(name: &str, at: (FileId, Span), first: (FileId, Span)) -> Diagnostic {
    Diagnostic::error(
        DUPLICATE_NAME,
        format!("another operation has the operationId `{name}`; API names are unique in a group (the gateway answers APIG.3202)"),
    )
    .at(at.0, at.1)
    .related(first.0, first.1, "first used here")
    .help("give each operation its own `operationId`")
    .source("API Reference 3.5.1, Table 3-167 (APIG.3202)")
}

/// An operation that two paths (`op` and `first`, whose `paths` keys are in `paths_file`)
/// reach through `$ref`s to one path item: it would be an API for each, with one name.
fn shared_operation(
    name: &str,
    op: &Operation<'_>,
    first: &Operation<'_>,
    paths_file: FileId,
) -> Diagnostic {
    let (path, first_path) = (op.path, first.path);
    let method = op.method;
    Diagnostic::error(
        DUPLICATE_NAME,
        format!("paths `{first_path}` and `{path}` use one path item (by `$ref`), so its {method} operation would be two APIs named `{name}`; API names are unique in a group (the gateway answers APIG.3202)"),
    )
    .at(paths_file, op.path_span)
    .related(paths_file, first.path_span, format!("`{first_path}` uses the path item too"))
    .help("a path item used by several paths needs its operations' ids to differ: inline it in each path and give each operation its own `operationId`, or give each path a path item of its own")
    .source("API Reference 3.5.1, Table 3-167 (APIG.3202)")
}

/// A plug-in name an operation's `x-apigateway-plugins` already names (`first`).
fn repeated_plugin(plugin: &str, at: (FileId, Span), first: (FileId, Span)) -> Diagnostic {
    Diagnostic::warn(
        UNSUPPORTED,
        format!("plug-in `{plugin}` is already named in this `x-apigateway-plugins`; the API is bound to it once"),
    )
    .at(at.0, at.1)
    .related(first.0, first.1, "first named here")
    .help("name each plug-in once in `x-apigateway-plugins`")
    .source("x-apigateway-extensions reference §2.21; API Reference 3.27.7")
}

/// A member written both beside a path item's `$ref` (`at`) and in the path item it names
/// (`also`): OpenAPI leaves which one counts undefined, and the one beside `$ref` is read.
fn in_both(what: &str, at: (FileId, Span), also: (FileId, Span)) -> Diagnostic {
    Diagnostic::warn(
        DROPPED,
        format!("{what} is written both beside `$ref` and in the path item it names, which OpenAPI leaves undefined; the one beside `$ref` is read, the other ignored"),
    )
    .at(at.0, at.1)
    .related(also.0, also.1, "also in the referenced path item")
    .help("keep one of them: remove it here, or from the referenced path item")
    .source(PATH_ITEM_REF)
}

/// Where the members beside a path item's `$ref` are specified.
const PATH_ITEM_REF: &str =
    "OpenAPI 3.1.0 and 3.0.3, Path Item Object (`$ref`); Swagger 2.0, Path Item Object";

impl<'a> PathItem<'a> {
    /// The `m`-th key of the path item, with its file: the keys written in the `paths` entry
    /// (beside the `$ref`) first, then those of the path item the `$ref` names.
    fn key(&self, m: usize) -> Option<(FileId, &'a Entry)> {
        match self.beside {
            Some((file, beside)) if m < beside.entries.len() => {
                Some((file, beside.entries.get(m)?))
            }
            Some((_, beside)) => {
                let entries = &self.node.as_map()?.entries;
                Some((self.file, entries.get(m - beside.entries.len())?))
            }
            None => Some((self.file, self.node.as_map()?.entries.get(m)?)),
        }
    }
}

impl<'a> Operation<'a> {
    /// The parameter lists of the operation, each with its file, in the order a later list's
    /// parameter replaces an earlier one's of the same `in` and `name`: the path item's (that
    /// of the path item a `$ref` names, then the one beside the `$ref`), then the operation's.
    pub(super) fn parameter_lists(&self) -> impl Iterator<Item = (FileId, &'a Node)> {
        let (item, node, file) = (self.item, self.node, self.file);
        [
            item.node.get("parameters").map(|list| (item.file, list)),
            item.beside
                .and_then(|(file, beside)| Some((file, beside.get("parameters")?))),
            node.get("parameters").map(|list| (file, list)),
        ]
        .into_iter()
        .flatten()
    }
}

/// The operation of `paths` entry `entry` (the `p`-th, its path item `item`) under the `m`-th
/// key of the path item ([`PathItem::key`]), if that key is a method.
fn operation_of<'a>(
    entry: &'a Entry,
    p: usize,
    item: PathItem<'a>,
    m: usize,
) -> Option<Operation<'a>> {
    let (file, op_entry) = item.key(m)?;
    let key = &*op_entry.key.name;
    let method = if key == "x-apigateway-any-method" {
        "ANY"
    } else {
        UPPER_METHODS[METHODS.iter().position(|method| *method == key)?]
    };
    Some(Operation {
        path: &entry.key.name,
        path_span: entry.key.span,
        method,
        file,
        item,
        node: &op_entry.value,
        key_span: op_entry.key.span,
        at: (to_u32(p), to_u32(m)),
    })
}

/// Points `diagnostics` that name an API by its operation's position `ordinal`
/// (`/apis/{ordinal}/...`) at `/apis/{index}`, where its API is (or, for one not imported,
/// where the next imported one is).
fn renumber(diagnostics: &mut [Diagnostic], ordinal: usize, index: usize) {
    let (from, to) = (format!("/apis/{ordinal}"), format!("/apis/{index}"));
    for d in diagnostics {
        if let Some(p) = &mut d.pointer
            && let Some(rest) = p.strip_prefix(&from)
            && (rest.is_empty() || rest.starts_with('/'))
        {
            *p = format!("{to}{rest}");
        }
    }
}

/// `api` with a backend its type lacks (refused, or its endpoint missing) replaced by a MOCK
/// with a response, which no rule reports: for lint to read the rest of an API import refused.
fn stand_in_backend(mut api: ApiDef) -> ApiDef {
    use crate::model::BackendType;
    let missing = match api.backend_type {
        BackendType::Http | BackendType::Grpc => api.backend_api.is_none(),
        BackendType::Function => api.func_info.is_none(),
        BackendType::Mock => api.mock_info.is_none(),
    };
    if missing && let Ok(mock) = serde_json::from_value(serde_json::json!({"result_content": "-"}))
    {
        api.backend_type = BackendType::Mock;
        api.mock_info = Some(mock);
    }
    api
}

/// Whether an operation gives its API's name (or is no object, and makes no API).
fn names_itself(op: &Operation<'_>) -> bool {
    op.node.get("operationId").and_then(Node::as_str).is_some() || op.node.as_map().is_none()
}

impl<'a> Cx<'a> {
    /// The APIs of the document's operations, in operation order, and the bindings they name.
    pub(super) fn operations(&mut self, root: &'a Node, bindings: &mut Bindings) -> Vec<ApiDef> {
        let Some(paths) = root.get("paths").and_then(Node::as_map) else {
            return Vec::new();
        };
        let (operations, all_named) = self.collect_paths(paths);
        let generated = self.generated_names(&operations, all_named);
        // One slot per operation, filled by its batch; a rejected API's slot is emptied.
        let mut slots = Vec::new();
        let batches = self.import_batches(root, &operations, &generated, &mut slots);
        // Two operations sharing a route or a name are rare. When no two of their hashes are
        // alike there are none, and the maps below, a cache miss or two per operation in this
        // one-threaded pass, are not needed.
        let unique = [
            |o: &OperationOut<'_>| o.hashes.0,
            |o: &OperationOut<'_>| o.hashes.1,
        ]
        .into_iter()
        .all(|hash| {
            let mut hashes: Vec<u64> = batches
                .iter()
                .flat_map(|b| b.operations.iter().flatten())
                .filter(|o| o.api.is_some())
                .map(hash)
                .collect();
            hashes.sort_unstable();
            hashes.windows(2).all(|w| w[0] != w[1])
        });
        // (method, uri with templates emptied, match mode) → the first operation's ordinal.
        let mut seen: FastMap<(&str, String, &str), usize> =
            FastMap::with_capacity_and_hasher(operations.len(), Default::default());
        // API name → the ordinal of the operation that gave it, and where it was taken from.
        let mut names: FastMap<&str, (usize, Span)> =
            FastMap::with_capacity_and_hasher(operations.len(), Default::default());
        // Where each imported API's operation is, for finding its sources when asked.
        let mut apis_at = Vec::with_capacity(operations.len());
        let mut index = 0;
        for batch in batches {
            let Batch {
                mut cx,
                operations: outs,
                bindings: batch_bindings,
            } = batch;
            // Every operation binds what it names, imported or not.
            bindings.append(batch_bindings);
            for out in outs.into_iter().flatten() {
                let op = &operations[out.ordinal];
                let Some((method, match_mode)) = out.api else {
                    // What the failure reported names the API by its operation's position;
                    // an API that is imported takes the next index.
                    renumber(
                        &mut cx.diagnostics[out.diagnostics.clone()],
                        out.ordinal,
                        index,
                    );
                    continue;
                };
                let name_span = out.name.1;
                let name = match out.name.0 {
                    Some(id) => id,
                    None => generated[out.ordinal].as_deref().unwrap_or_default(),
                };
                // Each key is hashed once: the entries are filled only if neither is taken.
                let rejected = if unique {
                    None
                } else {
                    // Only made here: most documents never need the shapes as strings.
                    let uri = slots[out.ordinal].as_ref().map_or("", |api| &*api.req_uri);
                    let dup_key = (method, crate::model::route_path(uri), match_mode);
                    match (seen.entry(dup_key), names.entry(name)) {
                        (Slot::Occupied(first), _) => {
                            let first = &operations[*first.get()];
                            let route = (method, uri, match_mode);
                            Some(duplicate_route(route, op, first, self.file))
                        }
                        (Slot::Vacant(_), Slot::Occupied(first)) => {
                            let (ordinal, span) = *first.get();
                            let first = &operations[ordinal];
                            Some(if std::ptr::eq(op.node, first.node) {
                                shared_operation(name, op, first, self.file)
                            } else {
                                duplicate_name(name, (op.file, name_span), (first.file, span))
                            })
                        }
                        (Slot::Vacant(key), Slot::Vacant(name)) => {
                            key.insert(out.ordinal);
                            name.insert((out.ordinal, name_span));
                            None
                        }
                    }
                };
                if let Some(d) = rejected {
                    cx.diagnostics.push(d);
                    cx.dropped.push(("apis", name.to_owned()));
                    slots[out.ordinal] = None;
                    continue;
                }
                // Its diagnostics name the API by its operation's position, which an API
                // before it that failed moved (`keep_refused` keeps APIs with diagnostics
                // whose pointers lint compares with its rules').
                if index != out.ordinal {
                    renumber(
                        &mut cx.diagnostics[out.diagnostics.clone()],
                        out.ordinal,
                        index,
                    );
                }
                apis_at.push(OperationAt {
                    ordinal: to_u32(out.ordinal),
                    path: op.at.0,
                    method: op.at.1,
                });
                index += 1;
            }
            self.diagnostics.append(&mut cx.diagnostics);
            self.dropped.append(&mut cx.dropped);
        }
        drop((seen, names));
        self.provenance.apis = Some(Box::new(Replay {
            file: self.file,
            version: self.version,
            apis: apis_at,
            generated,
        }));
        // `filter_map` is collected in place (the slots' buffer becomes the list's); `flatten`,
        // which clippy prefers, copies every API to a new buffer.
        #[allow(clippy::filter_map_identity)]
        slots.into_iter().filter_map(|api| api).collect()
    }

    /// The operations of `paths` in document order, and whether each names itself (has an
    /// `operationId`), with warnings about path templates and path item keys the gateway has no
    /// place for. One pass: it is the first reading of most of the operations' memory. (Read
    /// in parallel chunks it was slower: the threads, asleep through the load, must wake.)
    ///
    /// A path item that is a `$ref` with members beside it has the operations of both, in the
    /// order written, the referenced path item's in place of the `$ref`; a member in both is
    /// read from beside the `$ref`, with a warning. [`Cx::operation_at`] finds each again.
    fn collect_paths(&mut self, paths: &'a Map) -> (Vec<Operation<'a>>, bool) {
        let file = self.file;
        let mut operations = Vec::new();
        let mut all_named = true;
        // The keys of path items that `$ref`s name, checked already, and the path items along
        // chains of `$ref`s reported already: a path item several paths use is reported once.
        let (mut checked, mut chained): (FastSet<usize>, FastSet<usize>) = Default::default();
        for (p, entry) in paths.entries.iter().enumerate() {
            let Some(item) = self.path_item(entry) else {
                continue;
            };
            let path = &*entry.key.name;
            if path
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
            let referenced = !std::ptr::eq(item.node, &entry.value);
            if referenced {
                self.chained_beside(entry, &mut chained);
            }
            let keys = item
                .node
                .as_map()
                .map(|m| m.entries.as_slice())
                .unwrap_or_default();
            let mut add = |m: usize| {
                if let Some(op) = operation_of(entry, p, item, m) {
                    all_named &= names_itself(&op);
                    operations.push(op);
                }
            };
            let Some((beside_file, beside)) = item.beside else {
                for (m, key) in keys.iter().enumerate() {
                    if !referenced || checked.insert(address(key)) {
                        self.path_item_key(item.file, key);
                    }
                    add(m);
                }
                continue;
            };
            let offset = beside.entries.len();
            for (m, key) in beside.entries.iter().enumerate() {
                let name = &*key.key.name;
                if name != "$ref" {
                    self.path_item_key(beside_file, key);
                    if let Some(also) = keys.iter().find(|k| *k.key.name == *name)
                        && name != "parameters"
                    {
                        let what = format!("`{name}`");
                        let also = (item.file, also.key.span);
                        self.diagnostics
                            .push(in_both(&what, (beside_file, key.key.span), also));
                    }
                    add(m);
                    continue;
                }
                // The referenced path item's members, but those written beside the `$ref`.
                for (t, key) in keys.iter().enumerate() {
                    if beside.entry(&key.key.name).is_some() {
                        continue;
                    }
                    if checked.insert(address(key)) {
                        self.path_item_key(item.file, key);
                    }
                    add(offset + t);
                }
            }
            self.parameters_in_both(item, (beside_file, beside));
        }
        (operations, all_named)
    }

    /// Warns about a path item key the gateway has no place for: `trace`, an unknown
    /// extension, and a key that is neither a method nor a Path Item field (`GET`, `query`),
    /// whose operation would otherwise vanish without a word.
    fn path_item_key(&mut self, file: FileId, key: &Entry) {
        let name = &*key.key.name;
        if name == "trace" {
            self.warn(
                UNSUPPORTED,
                file,
                key.key.span,
                "APIG has no TRACE method; operation not imported".into(),
            );
        } else if name.starts_with("x-") {
            let what = "a path item extension apigctl imports";
            self.unknown_extension(file, key, &["x-apigateway-any-method"], what);
        } else if !(METHODS.contains(&name) || PATH_ITEM_FIELDS.contains(&name)) {
            let lower = name.to_ascii_lowercase();
            let message = if METHODS.contains(&lower.as_str()) || lower == "trace" {
                format!(
                    "`{name}` is not a Path Item field: methods are written in lower case (`{lower}`); not imported"
                )
            } else {
                format!(
                    "`{name}` is neither a method the gateway has (get, put, post, delete, options, head, patch, or `x-apigateway-any-method`) nor a Path Item field; not imported"
                )
            };
            self.warn(UNSUPPORTED, file, key.key.span, message);
        }
    }

    /// Warns at each path-level parameter beside a `$ref` that the referenced path item has
    /// too (the same `in` and `name`): the one beside the `$ref` replaces it.
    fn parameters_in_both(&mut self, item: PathItem<'a>, (file, beside): (FileId, &'a Map)) {
        let lists = (
            beside.get("parameters").and_then(Node::as_seq),
            item.node.get("parameters").and_then(Node::as_seq),
        );
        let (Some(ours), Some(theirs)) = lists else {
            return;
        };
        let ws = self.ws;
        let key = |file: FileId, p: &'a Node| {
            let (_, param) = ws.deref(file, p).ok()?;
            let location = param.get("in").and_then(Node::as_str)?;
            Some((location, param.get("name").and_then(Node::as_str)?))
        };
        for p in ours {
            let Some((location, name)) = key(file, p) else {
                continue;
            };
            if let Some(also) = theirs
                .iter()
                .find(|t| key(item.file, t) == Some((location, name)))
            {
                let what = format!("parameter `{name}` in {location}");
                self.diagnostics
                    .push(in_both(&what, (file, p.span), (item.file, also.span)));
            }
        }
    }

    /// Warns about members beside a `$ref` further along a chain of path item references
    /// (a `paths` entry's `$ref` names a path item that is a `$ref` with members beside it):
    /// only the `paths` entry's are read. `warned` holds the path items reported already.
    fn chained_beside(&mut self, entry: &'a Entry, warned: &mut FastSet<usize>) {
        let (mut file, mut node) = (self.file, &entry.value);
        // The chain ends (`resolve_refs` found no cycle); the bound is only a guard.
        for _ in 0..64 {
            let Some(text) = node.get("$ref").and_then(Node::as_str) else {
                return;
            };
            let Ok((next_file, next)) = self.ws.resolve_at(file, node, text) else {
                return;
            };
            if let Some(map) = next.as_map()
                && map.entry("$ref").is_some()
                && let Some(first) = map.entries.iter().find(|e| &*e.key.name != "$ref")
                && warned.insert(address(next))
            {
                self.diagnostics.push(
                    Diagnostic::warn(
                        DROPPED,
                        "members beside `$ref` in a path item that a `$ref` names are not imported: only those beside the `$ref` in `paths` are read",
                    )
                    .at(next_file, first.key.span)
                    .help("write them in the `paths` entry, or in the path item this `$ref` names")
                    .source(PATH_ITEM_REF),
                );
            }
            (file, node) = (next_file, next);
        }
    }

    /// The name of each operation without `operationId`, with a warning; generated names
    /// depend on every name before them, so they are chosen first, in order.
    /// Most documents name every operation (`all_named`): then no name table is needed.
    fn generated_names(
        &mut self,
        operations: &[Operation<'a>],
        all_named: bool,
    ) -> Vec<Option<String>> {
        if all_named {
            return vec![None; operations.len()];
        }
        let mut used_names: FastMap<String, usize> = FastMap::default();
        for op in operations {
            if let Some(id) = op.node.get("operationId").and_then(Node::as_str) {
                *used_names.entry(id.to_owned()).or_default() += 1;
            }
        }
        operations
            .iter()
            .map(|op| {
                if names_itself(op) {
                    return None;
                }
                let name = generated_name(op.method, op.path, &mut used_names);
                self.warn(
                    GENERATED_NAME,
                    op.file,
                    op.key_span,
                    format!("operation has no `operationId`; the API is named `{name}`"),
                );
                Some(name)
            })
            .collect()
    }

    /// Imports `operations` in batches, in parallel when there are enough of them; each batch
    /// has its own provenance part and diagnostics, and its results in operation order. Each
    /// operation's API goes to its slot in `slots`.
    fn import_batches(
        &self,
        root: &'a Node,
        operations: &[Operation<'a>],
        generated: &[Option<String>],
        slots: &mut Vec<Option<ApiDef>>,
    ) -> Vec<Batch<'a>> {
        use rayon::prelude::*;
        let run = |first: usize,
                   ops: &[Operation<'a>],
                   names: &[Option<String>],
                   slots: &mut [Option<ApiDef>]| {
            let mut cx = Cx::new(self.ws, self.file, self.version, self.parallel_from);
            cx.keep_refused = self.keep_refused;
            // The APIs' sources are found again when asked (see `Provenance`).
            cx.provenance.off = true;
            let mut bindings = Bindings::default();
            let operations = ops
                .iter()
                .zip(names)
                .zip(slots)
                .enumerate()
                .map(|(i, ((op, name), slot))| {
                    let (ordinal, name) = (first + i, name.as_deref());
                    let mut out =
                        cx.operation(root, op, ordinal, name, (&mut *slot, &mut bindings));
                    if std::mem::take(&mut cx.unplaced)
                        && let Some(out) = &mut out
                    {
                        // A rejected value's diagnostic needs its place: the operation is
                        // imported again, recording, and that run's diagnostics are kept
                        // (with `keep_refused`, its API too).
                        let again = (root, op, ordinal, name);
                        let (mut again, kept) = Cx::recording_into(
                            self.ws,
                            self.file,
                            self.version,
                            again,
                            slot,
                            self.keep_refused,
                        );
                        cx.diagnostics.truncate(out.diagnostics.start);
                        cx.diagnostics.append(&mut again.diagnostics);
                        out.diagnostics.end = cx.diagnostics.len();
                        if let Some(kept) = kept.filter(|k| k.api.is_some()) {
                            // Not dropped after all: the first run said it was.
                            if let Some(at) =
                                cx.dropped.iter().rposition(|(list, _)| *list == "apis")
                            {
                                cx.dropped.remove(at);
                            }
                            out.api = kept.api;
                            out.hashes = kept.hashes;
                        }
                    }
                    out
                })
                .collect();
            Batch {
                cx,
                operations,
                bindings,
            }
        };
        if operations.len() < self.parallel_from {
            slots.resize_with(operations.len(), || None);
            return vec![run(0, operations, generated, slots)];
        }
        // The slots are made by the workers too: the first touch of so much memory is slow.
        (0..operations.len())
            .into_par_iter()
            .map(|_| None)
            .collect_into_vec(slots);
        let size = crate::convert::batch_size(operations.len());
        operations
            .par_chunks(size)
            .zip(generated.par_chunks(size))
            .zip(slots.par_chunks_mut(size))
            .enumerate()
            .map(|(b, ((ops, names), slots))| run(b * size, ops, names, slots))
            .collect()
    }

    /// The path item of a `paths` entry (`None` for an extension); a `$ref`'d one is followed,
    /// with the members beside the `$ref`, and a broken one, reported by `resolve_refs`, stands
    /// for itself.
    fn path_item(&self, entry: &'a Entry) -> Option<PathItem<'a>> {
        if entry.key.name.starts_with("x-") {
            return None;
        }
        let written = &entry.value;
        Some(match self.ws.deref(self.file, written) {
            Ok((file, node)) if !std::ptr::eq(node, written) => PathItem {
                file,
                node,
                beside: written
                    .as_map()
                    .filter(|m| m.len() > 1)
                    .map(|m| (self.file, m)),
            },
            _ => PathItem {
                file: self.file,
                node: written,
                beside: None,
            },
        })
    }

    /// The operation under the `m`-th key of the `p`-th entry of `paths`, as recorded in
    /// [`OperationAt`].
    pub(super) fn operation_at(&self, paths: &'a Map, p: usize, m: usize) -> Option<Operation<'a>> {
        let entry = paths.entries.get(p)?;
        operation_of(entry, p, self.path_item(entry)?, m)
    }

    /// Imports one operation (the `ordinal`-th) as an API, `generated` its name when it has no
    /// `operationId`; `None` when the operation is not an object.
    pub(super) fn operation(
        &mut self,
        root: &'a Node,
        op: &Operation<'a>,
        ordinal: usize,
        generated: Option<&str>,
        (slot, bindings): (&mut Option<ApiDef>, &mut Bindings),
    ) -> Option<OperationOut<'a>> {
        let file = op.file;
        let node = op.node;
        let map = node.as_map()?;
        let diagnostics_from = self.diagnostics.len();
        let apis = self.provenance.top("apis");
        // Recorded when the API's sources are found again, `ordinal` then the API's index.
        let at = self.provenance.record_at(apis, ordinal, file, node.span);
        let mut obj = Obj::new(at);
        // The operation's own keys, found in one pass (a lookup per key scans it each time).
        let [
            operation_id,
            request_type,
            cors,
            match_mode,
            content_type,
            description,
            tags,
            response,
            callbacks,
            fg_body_base64,
            ratelimit,
            access_control,
            plugins,
            deprecated,
        ] = map.entries_of([
            "operationId",
            "x-apigateway-request-type",
            "x-apigateway-cors",
            "x-apigateway-match-mode",
            "x-apigateway-content-type",
            "description",
            "tags",
            "x-apigateway-response",
            "callbacks",
            "x-apigateway-is-send-fg-body-base64",
            "x-apigateway-ratelimit",
            "x-apigateway-access-control",
            "x-apigateway-plugins",
            "deprecated",
        ]);

        // name
        let id = value(operation_id).filter(|id| id.as_str().is_some());
        let (name, name_out) = match (id, generated) {
            (Some(id), _) => {
                let name = id.as_str().unwrap_or_default();
                self.set(&mut obj, "name", Val::Node(id), file, id);
                (name, (Some(name), id.span))
            }
            (None, name) => {
                let name = name.unwrap_or_default();
                self.provenance.record_at(at, "name", file, op.key_span);
                obj.insert("name", name.to_owned());
                (name, (None, op.key_span))
            }
        };

        // type (visibility)
        match value(request_type) {
            Some(t) => {
                let value = match t.as_str().map(str::to_ascii_lowercase).as_deref() {
                    Some("private") => 2,
                    Some("public") => 1,
                    // A private API made public by a typo would be open to the internet.
                    _ => {
                        let shown = quoted("x-apigateway-request-type", t);
                        self.invalid(
                            file,
                            t.span,
                            format!("{shown} is not valid: it must be `public` or `private`; the API is not imported"),
                            "write `public` or `private` (without it, the API is public)",
                        );
                        self.rejected = true;
                        1
                    }
                };
                self.set(&mut obj, "type", value, file, t);
            }
            None => obj.insert("type", 1),
        }

        // protocol
        let (protocol, protocol_node) = self.protocol(root, op);
        if self.version == OasVersion::V2_0 {
            self.other_schemes(protocol_node, protocol);
        } else if let Some((from, list, false)) = self.servers_at(root, op) {
            // The root's servers are checked once, by `Cx::other_servers`.
            self.check_servers(from, list);
        }
        if let Some((from, n)) = protocol_node {
            self.provenance.record_at(at, "req_protocol", from, n.span);
        }
        obj.insert("req_protocol", protocol);
        self.provenance
            .record_at(at, "req_method", file, op.key_span);
        obj.insert("req_method", op.method);

        // uri
        let base = self.base_path(root, op);
        let uri = join_path(&base, op.path);
        self.provenance
            .record_at(at, "req_uri", self.file, op.path_span);
        // The base is written elsewhere (once for every path): lint names it beside a
        // finding about the request path, which is reported at the path key. (Not looked up
        // while sources are not recorded: they are found again when asked.)
        if !base.is_empty()
            && !self.provenance.off
            && let Some((from, span)) = self.base_path_source(root, op)
        {
            self.provenance
                .record_at(at, super::REQ_URI_BASE, from, span);
        }
        obj.insert("req_uri", uri.clone());

        // security
        self.security(root, op, &mut obj);

        if let Some(cors) = value(cors) {
            self.set(&mut obj, "cors", Val::Node(cors), file, cors);
        }
        if let Some(m) = value(match_mode) {
            match m.as_str() {
                Some(mode) => self.set(&mut obj, "match_mode", upper(mode), file, m),
                None => {
                    self.invalid(
                        file,
                        m.span,
                        format!("`x-apigateway-match-mode` must be a string, `NORMAL` or `SWA`, not a {}; the API is not imported", m.value.kind()),
                        "write `NORMAL` (exact path) or `SWA` (prefix)",
                    );
                    self.rejected = true;
                }
            }
        }
        if let Some(ct) = value(content_type) {
            self.set(&mut obj, "content_type", Val::Node(ct), file, ct);
        }
        if self.version != OasVersion::V2_0 {
            // The body's media type is the content type unless the extension gives one; what
            // else the body says is reported either way.
            self.request_body(node, &mut obj, file, value(content_type));
        }
        if let Some(d) = value(description) {
            self.set(&mut obj, "remark", Val::Node(d), file, d);
        }
        if let Some(tags) = value(tags) {
            let list = self.provenance.record_at(obj.at, "tags", file, tags.span);
            for (i, tag) in tags.as_seq().unwrap_or_default().iter().enumerate() {
                self.provenance.record_at(list, i, file, tag.span);
            }
            obj.insert("tags", Val::Node(tags));
        }
        self.samples(node, &mut obj, file);
        if let Some(r) = value(response) {
            self.set(&mut obj, "response_name", Val::Node(r), file, r);
        }

        self.req_params(op, &mut obj);
        self.backend(node, &mut obj, file);
        self.policies(node, &mut obj, file);

        // Operation-level constructs the gateway has no place for.
        if let Some(entry) = callbacks {
            self.warn(
                DROPPED,
                file,
                entry.key.span,
                "callbacks have no API Gateway counterpart; dropped".into(),
            );
        }
        if let Some(entry) = deprecated.filter(|e| matches!(e.value.value, Value::Bool(true))) {
            self.warn(
                DROPPED,
                file,
                entry.key.span,
                "`deprecated` has no API Gateway counterpart: the API is published like any other; dropped".into(),
            );
        }
        if let Some(entry) = fg_body_base64 {
            self.fg_body_base64(node, entry, file);
        }
        for entry in &map.entries {
            let key = &*entry.key.name;
            if key.starts_with("x-apigateway-result-") && key.ends_with("-sample") {
                self.warn(
                    UNSUPPORTED,
                    file,
                    entry.key.span,
                    format!("`{key}` belongs in a Response object (`responses.default.{key}`) or in `responses` itself, not on the operation; not imported"),
                );
            } else {
                let what = "an operation extension apigctl imports";
                self.unknown_extension(file, entry, &OPERATION_EXTENSIONS, what);
            }
        }

        // Bindings by name.
        if let Some(t) = value(ratelimit) {
            match t.as_str() {
                Some(policy) => bindings.throttles.bind(policy, name, file, t.span),
                None => self.not_a_name("x-apigateway-ratelimit", "a throttling policy", file, t),
            }
        }
        if let Some(a) = value(access_control) {
            match a.as_str() {
                Some(policy) => bindings.acls.bind(policy, name, file, a.span),
                None => self.not_a_name(
                    "x-apigateway-access-control",
                    "an access control policy",
                    file,
                    a,
                ),
            }
        }
        if let Some(list) = value(plugins) {
            match list.as_seq() {
                Some(plugins) => {
                    // An API is bound to a plug-in once: a repeated name binds nothing more.
                    let mut seen: FastMap<&str, Span> = FastMap::default();
                    for p in plugins {
                        match p.as_str() {
                            Some(plugin) => match seen.get(plugin) {
                                Some(&first) => {
                                    self.diagnostics.push(repeated_plugin(plugin, (file, p.span), (file, first)));
                                }
                                None => {
                                    seen.insert(plugin, p.span);
                                    bindings.plugins.bind(plugin, name, file, p.span);
                                }
                            },
                            None => self.not_a_name("x-apigateway-plugins", "a plug-in", file, p),
                        }
                    }
                }
                None => self.warn(
                    UNSUPPORTED,
                    file,
                    list.span,
                    format!("`x-apigateway-plugins` is a list of plug-in names, not a {}; no plug-in bound", list.value.kind()),
                ),
            }
        }

        let api = if !std::mem::take(&mut self.rejected) {
            self.finish::<ApiDef>(obj, (file, op.key_span))
        } else if self.keep_refused {
            // For lint, the rest of an operation an own check refused is read too, what that
            // check left unset standing in as a value no rule reports (its error says what
            // is wrong there), so that the rules see the operation's other problems.
            for (key, value) in [("type", Val::Int(1)), ("auth_type", Val::from("NONE"))] {
                if !obj.contains_key(key) {
                    obj.insert(key, value);
                }
            }
            if !obj.contains_key("backend_type") {
                obj.insert("backend_type", "MOCK");
            }
            // The check said what is wrong; what reading the rest refuses follows from it.
            let said = self.diagnostics.len();
            let api = self.finish::<ApiDef>(obj, (file, op.key_span));
            self.diagnostics.truncate(said);
            api.map(stand_in_backend)
        } else {
            None
        };
        if api.is_none() {
            self.dropped.push(("apis", name.to_owned()));
        }
        let hasher = std::hash::BuildHasherDefault::<FastHasher>::default();
        use std::hash::BuildHasher;
        let mut route_hash = 0;
        let api = api.map(|api| {
            // Templates at the same position match the same requests: `/a/{x}` is `/a/{y}`.
            let match_mode = api.match_mode.map_or("NORMAL", MatchMode::as_str);
            crate::model::route_path_into(&uri, &mut self.shape);
            route_hash = hasher.hash_one((op.method, &*self.shape, match_mode));
            *slot = Some(api);
            (op.method, match_mode)
        });
        let hashes = (route_hash, hasher.hash_one(name));
        Some(OperationOut {
            ordinal,
            name: name_out,
            api,
            diagnostics: diagnostics_from..self.diagnostics.len(),
            hashes,
        })
    }

    /// Warns that a binding extension holds something other than a policy name.
    fn not_a_name(&mut self, key: &str, what: &str, file: FileId, node: &Node) {
        self.warn(
            UNSUPPORTED,
            file,
            node.span,
            format!(
                "`{key}` names {what} by a string, not a {}; nothing bound",
                node.value.kind()
            ),
        );
    }

    /// OpenAPI 3: the request body. Its single media type, when it is one of the four
    /// `content_type` values (by type and subtype: `application/json; charset=utf-8` is
    /// `application/json`), is the content type unless `extension` (`x-apigateway-content-type`)
    /// gives one (the reference's inference; the extension is documented for 2.0); a media type
    /// the extension disagrees with, and anything else the body says, has no place on the API
    /// and is reported.
    pub(super) fn request_body(
        &mut self,
        node: &'a Node,
        obj: &mut Obj<'a>,
        file: FileId,
        extension: Option<&'a Node>,
    ) {
        let infer = extension.is_none();
        let Some(body) = node.get("requestBody") else {
            return;
        };
        let Some((body_file, body)) = self.deref(file, body) else {
            return;
        };
        let Some(content) = body.get("content").and_then(Node::as_map) else {
            return;
        };
        if let Some(ext) = extension {
            self.media_types_against(ext, body_file, content);
        }
        let one_type = match content.entries.as_slice() {
            [only] => match content_type_of(&only.key.name) {
                Some(content_type) => {
                    if infer {
                        let key = Node::new(only.key.span, Value::Null);
                        self.set(obj, "content_type", content_type, body_file, &key);
                    }
                    Some(only)
                }
                None => None,
            },
            _ => None,
        };
        // Only a lone media type of the four carries over (as `content_type`, which is what an
        // export writes back); the rest of a body has no field on the API.
        let carried = one_type.is_some_and(|only| {
            only.value.as_map().is_none_or(Map::is_empty)
                && body.as_map().is_some_and(|m| m.len() == 1)
        });
        if !carried && let Some(key) = node.as_map().and_then(|m| m.entry("requestBody")) {
            self.warn(
                DROPPED,
                file,
                key.key.span,
                "a request body has no counterpart on the API (API Reference 3.5.1, Table 3-167): only a lone `application/json`, `application/xml`, `multipart/form-data` or `text/plain` media type carries over, as `content_type`; its schema, examples and description are not imported".into(),
            );
        }
    }

    /// Warns at each media type of a request body's `content` that is not the content type
    /// `x-apigateway-content-type` (`ext`) gives, which the API takes.
    fn media_types_against(&mut self, ext: &Node, file: FileId, content: &'a Map) {
        let Some(given) = ext.as_str() else {
            return;
        };
        let given_type = essence(given);
        for media in &content.entries {
            let name = &*media.key.name;
            if !essence(name).eq_ignore_ascii_case(given_type) {
                self.warn(
                    UNSUPPORTED,
                    file,
                    media.key.span,
                    format!("request body media type `{name}` is not the `x-apigateway-content-type: {given}` of this operation, which the API takes; not imported"),
                );
            }
        }
    }

    /// `basePath` (2.0) or the path of the first server URL (3.x), without a trailing `/`.
    pub(super) fn base_path(&self, root: &'a Node, op: &Operation<'a>) -> Cow<'a, str> {
        match self.version {
            OasVersion::V2_0 => base_from_root(
                root.get("basePath")
                    .and_then(Node::as_str)
                    .unwrap_or_default(),
            ),
            _ => self
                .servers(root, op)
                .and_then(|(_, s)| s.first())
                .and_then(server_base)
                .unwrap_or_default(),
        }
    }

    /// Where the base of [`Self::base_path`] is written: Swagger 2.0's `basePath` value, or
    /// the `url` of the first server that applies to the operation.
    fn base_path_source(&self, root: &'a Node, op: &Operation<'a>) -> Option<(FileId, Span)> {
        match self.version {
            OasVersion::V2_0 => root.get("basePath").map(|n| (self.file, n.span)),
            _ => {
                let (file, servers) = self.servers(root, op)?;
                let url = servers.first()?.get("url")?;
                Some((file, url.span))
            }
        }
    }

    /// The servers that apply to an operation (operation, then path item, then root), with
    /// their file.
    pub(super) fn servers(
        &self,
        root: &'a Node,
        op: &Operation<'a>,
    ) -> Option<(FileId, &'a [Node])> {
        self.servers_at(root, op)
            .map(|(file, list, _)| (file, list))
    }

    /// [`Self::servers`], and whether they are the document's (root) servers.
    fn servers_at(&self, root: &'a Node, op: &Operation<'a>) -> Option<(FileId, &'a [Node], bool)> {
        let item = op.item;
        [
            (op.file, op.node.get("servers")),
            item.beside
                .map_or((item.file, None), |(file, m)| (file, m.get("servers"))),
            (item.file, item.node.get("servers")),
            (self.file, root.get("servers")),
        ]
        .into_iter()
        .enumerate()
        .find_map(|(level, (file, servers))| Some((file, servers?.as_seq()?, level == 3)))
        .filter(|(_, s, _)| !s.is_empty())
    }

    /// Warns about what the servers of `list` (in `file`) say that their APIs do not take: a
    /// query or fragment in a URL, a scheme other than http and https, and a server after the
    /// first whose path differs (every API's `req_uri` starts with the first one's path; such
    /// a server's scheme is not taken into `req_protocol` either, see [`Self::protocol`]).
    /// Run once for the root's servers and for each operation with servers of its own or of
    /// its path item (repeats are dropped with the other repeated diagnostics).
    pub(super) fn check_servers(&mut self, file: FileId, list: &'a [Node]) {
        let base = list.first().and_then(server_base);
        for (i, server) in list.iter().enumerate() {
            let Some(url) = server.get("url") else {
                continue;
            };
            let text = url.as_str().unwrap_or_default();
            if let Some(at) = text.find(['?', '#']) {
                let what = if text.as_bytes()[at] == b'?' {
                    "query"
                } else {
                    "fragment"
                };
                self.warn(
                    DROPPED,
                    file,
                    url.span,
                    format!(
                        "the {what} `{}` of this server URL has no place in an API's path; dropped",
                        &text[at..]
                    ),
                );
            }
            // A relative-path reference resolves against where the document is served (OpenAPI
            // 3.x, Server Object `url`), which import does not know: taken from the root.
            if let Some(url_text) = server_url(server)
                && relative_path(url_path(&url_text).trim_end_matches('/')).is_some()
                && let Some(taken) = server_base(server)
            {
                let taken = if taken.is_empty() { "/" } else { &taken };
                self.diagnostics.push(
                    Diagnostic::warn(
                        UNSUPPORTED,
                        format!(
                            "server URL `{text}` is relative to where the document is served, which import does not know; its APIs are imported under `{taken}`"
                        ),
                    )
                    .at(file, url.span)
                    .help(format!(
                        "write the path from the host's root (`{taken}`) or the full URL, so the APIs' paths do not depend on where the document is"
                    ))
                    .source("OpenAPI 3.x, Server Object (url: relative to the location of the OpenAPI document)"),
                );
            }
            for scheme in crate::openapi::server_schemes(server) {
                if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
                    self.warn(
                        UNSUPPORTED,
                        file,
                        url.span,
                        format!("scheme `{scheme}` has no APIG request protocol (only http and https); ignored"),
                    );
                }
            }
            if i == 0 {
                continue;
            }
            let (Some(base), Some(path)) = (base.as_deref(), server_base(server)) else {
                continue;
            };
            if path != base {
                self.warn(
                    DROPPED,
                    file,
                    server.span,
                    format!("every API's path here starts with the first server's `{base}`; this server's `{path}` is not imported (one group has one base path), nor is its scheme taken into the request protocol"),
                );
            }
        }
    }

    pub(super) fn protocol(
        &self,
        root: &'a Node,
        op: &Operation<'a>,
    ) -> (&'static str, Option<(FileId, &'a Node)>) {
        // Whether any scheme is `http`, whether any is `https`.
        let mut found = (false, false);
        let mut note = |scheme: &str| {
            found.0 |= scheme.eq_ignore_ascii_case("http");
            found.1 |= scheme.eq_ignore_ascii_case("https");
        };
        let node = match self.version {
            OasVersion::V2_0 => {
                let node = (op.node.get("schemes").map(|n| (op.file, n)))
                    .or_else(|| root.get("schemes").map(|n| (self.file, n)));
                let schemes = node.and_then(|(_, n)| n.as_seq()).unwrap_or_default();
                schemes.iter().filter_map(Node::as_str).for_each(&mut note);
                node
            }
            _ => {
                let servers = self.servers(root, op);
                let list = servers.map(|(_, s)| s).unwrap_or_default();
                // With several servers, only those whose path is the one imported count: the
                // API is not served under the others (reported by `check_servers`).
                let base = (list.len() > 1)
                    .then(|| list.first().and_then(server_base))
                    .flatten();
                for (i, server) in list.iter().enumerate() {
                    if i > 0
                        && let Some(base) = base.as_deref()
                        && server_base(server).is_some_and(|path| path != base)
                    {
                        continue;
                    }
                    for scheme in crate::openapi::server_schemes(server) {
                        note(scheme);
                    }
                }
                servers.and_then(|(file, s)| Some((file, s.first()?)))
            }
        };
        let (http, https) = found;
        let protocol = match (http, https) {
            (true, true) => "BOTH",
            (true, false) => "HTTP",
            _ => "HTTPS",
        };
        (protocol, node)
    }

    /// Warns at each 2.0 scheme of `schemes` (the list that applies, with its file) that is
    /// neither `http` nor `https`: the API's `req_protocol` is made of those two alone
    /// (`protocol`, HTTPS when the list has neither).
    fn other_schemes(&mut self, schemes: Option<(FileId, &'a Node)>, protocol: &str) {
        let Some((file, list)) = schemes else { return };
        let list = list.as_seq().unwrap_or_default();
        let none_known = !list
            .iter()
            .filter_map(Node::as_str)
            .any(|s| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"));
        for scheme in list {
            let Some(name) = scheme.as_str() else {
                continue;
            };
            if name.eq_ignore_ascii_case("http") || name.eq_ignore_ascii_case("https") {
                continue;
            }
            let taken = if none_known {
                format!("the API takes {protocol}, the default")
            } else {
                format!("the API takes {protocol}, from the others")
            };
            self.warn(
                UNSUPPORTED,
                file,
                scheme.span,
                format!("scheme `{name}` has no APIG request protocol (only http and https); ignored: {taken}"),
            );
        }
    }

    pub(super) fn security_schemes(&self, root: &'a Node) -> Option<&'a Node> {
        match self.version {
            OasVersion::V2_0 => root.get("securityDefinitions"),
            _ => root.get("components")?.get("securitySchemes"),
        }
    }

    pub(super) fn security(&mut self, root: &'a Node, op: &Operation<'a>, obj: &mut Obj<'a>) {
        let file = op.file;
        let requirements = op
            .node
            .get("security")
            .map(|n| (file, n))
            .or_else(|| root.get("security").map(|n| (self.file, n)));
        let Some((req_file, requirements)) = requirements else {
            obj.insert("auth_type", "NONE");
            return;
        };
        // An authentication the gateway cannot be told about must not become an open API:
        // each of these refuses the API (fail closed).
        let Some(list) = requirements.as_seq() else {
            self.invalid(
                req_file,
                requirements.span,
                format!(
                    "`security` must be a list of security requirement objects, not a {}; the API is not imported (it would have no authentication)",
                    requirements.value.kind()
                ),
                "write it as a list: `security: [{apig-auth-app: []}]` (`security: []` for no authentication)",
            );
            self.rejected = true;
            obj.insert("auth_type", "NONE");
            return;
        };
        for (i, requirement) in list.iter().enumerate() {
            let Some(map) = requirement.as_map() else {
                self.invalid(
                    req_file,
                    requirement.span,
                    format!(
                        "a security requirement must be an object naming a security scheme (`{{apig-auth-app: []}}`), not a {}; the API is not imported (it would have no authentication)",
                        requirement.value.kind()
                    ),
                    "write each requirement as `{scheme-name: []}`",
                );
                self.rejected = true;
                continue;
            };
            for (j, entry) in map.entries.iter().enumerate() {
                if i > 0 || j > 0 {
                    // Only the first scheme is used; one named elsewhere must still exist.
                    self.defined_scheme(root, req_file, entry);
                }
            }
            if i > 0 {
                self.warn(
                    UNSUPPORTED,
                    req_file,
                    requirement.span,
                    "an API has one authentication mode; only the first security requirement is used"
                        .into(),
                );
            }
        }
        let Some(first) = list
            .first()
            .and_then(Node::as_map)
            .and_then(|m| m.entries.first())
        else {
            self.set(obj, "auth_type", "NONE", req_file, requirements);
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
        if let Some(scopes) = first.value.as_seq().filter(|s| !s.is_empty()) {
            self.warn(
                DROPPED,
                req_file,
                first.value.span,
                format!(
                    "{} ha{} no APIG counterpart: an API's authentication admits a caller or refuses them, with no scopes; dropped",
                    if scopes.len() == 1 { "the scope required here" } else { "the scopes required here" },
                    if scopes.len() == 1 { "s" } else { "ve" },
                ),
            );
        }
        let scheme_name = &*first.key.name;
        let Some((scheme_file, scheme)) = self.defined_scheme(root, req_file, first) else {
            self.set(obj, "auth_type", "NONE", req_file, &first.value);
            return;
        };
        let auth = scheme.get("x-apigateway-auth-type");
        let auth_type = match auth {
            Some(a) => match auth_type_of(a) {
                Some("AUTHORIZER") => {
                    obj.insert("authorizer_name", scheme_name);
                    "AUTHORIZER"
                }
                Some(t) => t,
                None => {
                    // Reported at the scheme's value, once, by `Cx::authorizers`.
                    self.rejected = true;
                    "NONE"
                }
            },
            None if scheme.get("x-apigateway-authorizer").is_some() => {
                obj.insert("authorizer_name", scheme_name);
                "AUTHORIZER"
            }
            None => {
                self.warn(
                    UNMAPPED_AUTH,
                    req_file,
                    first.key.span,
                    format!("security scheme `{scheme_name}` has no `x-apigateway-auth-type`; using auth_type NONE, so the API is open to every caller"),
                );
                "NONE"
            }
        };
        if auth_type == "AUTHORIZER"
            && let Some(kind) = scheme
                .get("x-apigateway-authorizer")
                .and_then(|a| a.get("type"))
                .filter(|t| {
                    t.as_str()
                        .is_some_and(|t| t.eq_ignore_ascii_case("BACKEND"))
                })
        {
            self.warn(
                UNSUPPORTED,
                scheme_file,
                kind.span,
                format!("`{scheme_name}` is a BACKEND authorizer, but an API authenticates its callers with a FRONTEND one (backend authorizers are bound to the backend, which no extension documents); the gateway will refuse this API"),
            );
        }
        match auth {
            Some(a) => self.set(obj, "auth_type", auth_type, scheme_file, a),
            None => self.set(obj, "auth_type", auth_type, req_file, &first.value),
        }
        // `auth_opt` applies to APP authentication only (API Reference 3.5.1, Table 3-168);
        // on another scheme `Cx::authorizers` warns and it is left out.
        if auth_type == "APP"
            && let Some(opt) = scheme.get("x-apigateway-auth-opt").and_then(|o| {
                o.get("appcode-auth-type")
                    .or_else(|| o.get("app_code_auth_type"))
            })
        {
            let value = opt.as_str().unwrap_or_default().to_ascii_uppercase();
            let auth_opt = self.provenance.at(obj.at, "auth_opt");
            self.provenance
                .record_at(auth_opt, "app_code_auth_type", scheme_file, opt.span);
            obj.insert(
                "auth_opt",
                Val::Obj(vec![("app_code_auth_type", Val::Str(value))]),
            );
        }
    }

    /// The security scheme a requirement's `entry` names; one the document does not define is
    /// an error at the name, and the API is refused (it would have no authentication).
    fn defined_scheme(
        &mut self,
        root: &'a Node,
        req_file: FileId,
        entry: &'a Entry,
    ) -> Option<(FileId, &'a Node)> {
        let name = &*entry.key.name;
        let found = self
            .security_schemes(root)
            .and_then(|s| self.ws.member(s, name))
            .and_then(|s| self.ws.deref(self.file, s).ok());
        if found.is_none() {
            let defined_in = match self.version {
                OasVersion::V2_0 => "securityDefinitions",
                _ => "components.securitySchemes",
            };
            self.invalid(
                req_file,
                entry.key.span,
                format!("security scheme `{name}` is not defined in `{defined_in}`; the API is not imported (it would have no authentication)"),
                format!("define `{name}` in `{defined_in}` (with `x-apigateway-auth-type`), or fix the name"),
            );
            self.rejected = true;
        }
        found
    }

    pub(super) fn samples(&mut self, node: &'a Node, obj: &mut Obj<'a>, file: FileId) {
        let Some(responses) = node.get("responses").and_then(Node::as_map) else {
            return;
        };
        // Each Response object once, with its file: several responses may `$ref` one.
        let mut objects: Vec<(FileId, &'a Map)> = Vec::new();
        for e in &responses.entries {
            self.ignored_beside_ref(file, &e.value, false);
            let what = "a Responses extension apigctl imports";
            self.unknown_extension(file, e, &SAMPLE_EXTENSIONS, what);
            if e.key.name.starts_with("x-") {
                continue;
            }
            let Some((rf, Some(response))) =
                self.deref(file, &e.value).map(|(f, r)| (f, r.as_map()))
            else {
                continue;
            };
            if objects.iter().any(|(_, o)| std::ptr::eq(*o, response)) {
                continue;
            }
            for item in &response.entries {
                let what = "a Response object extension apigctl imports";
                self.unknown_extension(rf, item, &SAMPLE_EXTENSIONS, what);
                if &*item.key.name == "content" && self.version != OasVersion::V2_0 {
                    self.extensions_in_media_types(rf, &item.value);
                }
            }
            objects.push((rf, response));
        }
        for (key, target) in [
            ("x-apigateway-result-normal-sample", "result_normal_sample"),
            (
                "x-apigateway-result-failure-sample",
                "result_failure_sample",
            ),
        ] {
            // Directly in the Responses map (V1 import page) or inside a Response object; the
            // API has one sample of each kind (reference §2.22), so the first found is used
            // and each other one is reported where it is.
            let direct = responses.entry(key).map(|e| (file, e));
            let inside = objects
                .iter()
                .filter_map(|&(rf, r)| Some((rf, r.entry(key)?)));
            let mut found = direct.into_iter().chain(inside);
            let Some((used_file, used)) = found.next() else {
                continue;
            };
            self.set(obj, target, Val::Node(&used.value), used_file, &used.value);
            for (other_file, other) in found {
                self.diagnostics.push(
                    Diagnostic::warn(
                        UNSUPPORTED,
                        format!("an API has one `{target}`, taken from the first `{key}` (in `responses` itself, else in the first Response object); this one is not imported"),
                    )
                    .at(other_file, other.key.span)
                    .related(used_file, used.key.span, "the sample imported")
                    .help("keep one sample of each kind per operation (in the Response object that shows it best)")
                    .source("x-apigateway-extensions reference §2.22; API Reference 3.5.1, Table 3-167"),
                );
            }
        }
    }
}

impl<'a> Cx<'a> {
    /// `x-apigateway-*` keys in a response's media type objects (`content.application/json`),
    /// where import reads none: a sample written there, one level too deep, would be lost
    /// without a word.
    fn extensions_in_media_types(&mut self, file: FileId, content: &Node) {
        let Some(media_types) = content.as_map() else {
            return;
        };
        for media_type in &media_types.entries {
            let Some(m) = media_type.value.as_map() else {
                continue;
            };
            for entry in &m.entries {
                let key = &*entry.key.name;
                if !key.starts_with("x-apigateway-") {
                    continue;
                }
                if SAMPLE_EXTENSIONS.contains(&key) {
                    self.diagnostics.push(
                        Diagnostic::warn(
                            UNKNOWN_EXTENSION,
                            format!("`{key}` belongs in the Response object (beside `content`) or in `responses` itself, not in a media type; ignored"),
                        )
                        .at(file, entry.key.span)
                        .help("move it up two levels, next to `content` and `description`")
                        .source("x-apigateway-extensions reference §2.22"),
                    );
                } else {
                    let what = "read in a response's media type (only `x-apigateway-result-normal-sample` and `x-apigateway-result-failure-sample` are read, beside `content`)";
                    self.unknown_extension(file, entry, &[], what);
                }
            }
        }
    }
}

/// A media type's type and subtype, without parameters (`application/json; charset=utf-8`
/// is `application/json`).
fn essence(media_type: &str) -> &str {
    media_type.split(';').next().unwrap_or_default().trim()
}

/// The `content_type` of the API a request body media type gives, if it is one of the four
/// the API Reference has (compared by type and subtype, without case, as media types are).
fn content_type_of(media_type: &str) -> Option<&'static str> {
    let essence = essence(media_type);
    [
        "application/json",
        "application/xml",
        "multipart/form-data",
        "text/plain",
    ]
    .into_iter()
    .find(|t| t.eq_ignore_ascii_case(essence))
}

/// The fields of a Path Item object other than its methods (OpenAPI 2.0, 3.0 and 3.1).
const PATH_ITEM_FIELDS: [&str; 5] = ["$ref", "summary", "description", "servers", "parameters"];

/// The `auth_type` an `x-apigateway-auth-type` value names, read without case as other enum
/// extensions are (reference §2.1: `AppSigv1` is APP; `IAM`, and the legacy `IAM_NONE`, IAM;
/// `AUTHORIZER` a custom authorizer); `None` for any other value.
pub(super) fn auth_type_of(node: &Node) -> Option<&'static str> {
    let value = node.as_str()?;
    [
        ("AppSigv1", "APP"),
        ("IAM", "IAM"),
        ("IAM_NONE", "IAM"),
        ("AUTHORIZER", "AUTHORIZER"),
    ]
    .into_iter()
    .find(|(documented, _)| documented.eq_ignore_ascii_case(value))
    .map(|(_, auth_type)| auth_type)
}

/// The extensions of a Responses map or Response object (reference §2.22).
const SAMPLE_EXTENSIONS: [&str; 2] = [
    "x-apigateway-result-normal-sample",
    "x-apigateway-result-failure-sample",
];

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::source::Limits;
    use crate::source::refs::RefOptions;

    /// A Swagger 2.0 document of `paths` paths with two operations each, and on some of them
    /// every case the checks across operations decide: generated names, duplicate paths (by
    /// template shape), duplicate `operationId`s, rejected values, operations that are not
    /// objects, and bindings whose policies are first named in different orders.
    fn document(paths: usize) -> String {
        // Every 97th path repeats an earlier one with another variable name.
        let path_of = |p: usize| {
            if p % 97 == 50 {
                format!("/r{}/{{other}}", p - 7)
            } else {
                format!("/r{p}/{{id}}")
            }
        };
        let mut s = String::from(
            r#"{"swagger": "2.0", "info": {"title": "batches", "version": "1"}, "basePath": "/v1",
            "x-apigateway-ratelimits": {"t1": {"api-limit": 10, "interval": 1, "unit": "SECOND"},
                "t2": {"api-limit": 20, "interval": 1, "unit": "SECOND"}},
            "paths": {"#,
        );
        for p in 0..paths {
            if p > 0 {
                s.push(',');
            }
            let id = match p % 89 {
                0 => String::new(),
                13 => r#""operationId": "shared_id","#.to_owned(),
                _ => format!(r#""operationId": "get_{p}","#),
            };
            // Every 31st path from the 36th is a `$ref` to the path before it, with members
            // beside it: its operations are those of both (the referenced `get` replaced).
            if p % 31 == 5 && p > 31 {
                let _ = write!(
                    s,
                    r##""/s{p}/{{id}}": {{"$ref": "#/paths/{before}",
                      "parameters": [{{"name": "X-T", "in": "header", "type": "string"}}],
                      "get": {{"operationId": "get_{p}",
                        "x-apigateway-backend": {{"type": "MOCK", "mockEndpoints": {{"result-content": "ok"}}}}}},
                      "patch": {{"operationId": "patch_{p}"}}
                    }}"##,
                    before = path_of(p - 1).replace('/', "~1"),
                );
                continue;
            }
            let path = path_of(p);
            let limit = if p % 3 == 0 { "t2" } else { "t1" };
            let mode = if p % 101 == 60 { "SOMETIMES" } else { "NORMAL" };
            let _ = write!(
                s,
                r#""{path}": {{
                  "get": {{{id} "x-apigateway-match-mode": "{mode}", "x-apigateway-ratelimit": "{limit}",
                    "x-apigateway-backend": {{"type": "MOCK", "mockEndpoints": {{"result-content": "ok"}}}},
                    "parameters": [{{"name": "id", "in": "path", "required": true, "type": "string"}}]}},
                  "post": {post}
                }}"#,
                post = if p % 53 == 7 {
                    "\"not an operation\"".to_owned()
                } else {
                    format!(
                        r#"{{"operationId": "post_{p}", "x-apigateway-plugins": ["pl{}"]}}"#,
                        p % 5
                    )
                }
            );
        }
        s.push_str("}}");
        s
    }

    fn workspace(text: &str) -> Workspace {
        let (sources, doc) = crate::source::load_text("batches.json", text);
        let mut ws = Workspace::from_parts(sources, doc);
        ws.resolve_refs(&Limits::default(), &RefOptions::default());
        ws
    }

    /// Many parameters are matched by key rather than in turn; an operation's parameter still
    /// replaces the path item's of the same name and location, in its place.
    #[test]
    fn many_parameters_keep_the_operations_override_in_its_place() {
        let param =
            |i: usize, ty: &str| format!(r#"{{"name": "p{i}", "in": "query", "type": "{ty}"}}"#);
        let path_level: Vec<String> = (0..40).map(|i| param(i, "string")).collect();
        let text = format!(
            r#"{{"swagger": "2.0", "info": {{"title": "many", "version": "1"}}, "paths": {{"/a": {{
              "parameters": [{}],
              "get": {{"operationId": "get_a", "parameters": [{}, {}, {}]}}}}}}}}"#,
            path_level.join(", "),
            param(7, "integer"),
            param(40, "integer"),
            param(33, "integer"),
        );
        let ws = workspace(&text);
        let result = super::super::import(&ws, OasVersion::V2_0, &Default::default());
        let params = result.definition.apis[0]
            .req_params
            .as_deref()
            .unwrap_or_default();
        let names: Vec<&str> = params.iter().map(|p| &*p.name).collect();
        let expected: Vec<String> = (0..41).map(|i| format!("p{i}")).collect();
        assert_eq!(names, expected);
        let numbers: Vec<usize> = (0..41)
            .filter(|&i| params[i].param_type == crate::model::ParamType::Number)
            .collect();
        assert_eq!(numbers, [7, 33, 40]);
    }

    #[test]
    fn two_spellings_of_one_field_keep_the_later_value() {
        let ws = workspace(
            r#"{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {
              "/a": {"get": {"operationId": "twice",
                "x-apigateway-backend": {"type": "HTTP", "httpEndpoints": {
                  "address": "b.example.com", "scheme": "https", "method": "GET", "path": "/a",
                  "timeout": 100, "retryCount": "1", "retry_count": "2"}},
                "x-apigateway-backend-policies": [{"name": "p1", "type": "MOCK", "effectMode": "ANY",
                  "mockEndpoints": {"result-content": "x", "result_content": "y"},
                  "conditions": [{"type": "exact", "condition_type": "enum", "value": "v",
                                  "origin": "param", "parameter": "id"}]}]}}}}"#,
        );
        let result = import(&ws, OasVersion::V2_0, &ImportOptions::default());
        assert!(!result.has_errors(), "{:?}", result.diagnostics);
        let api = &result.definition.apis[0];
        let backend = api.backend_api.as_ref().unwrap();
        assert_eq!(backend.retry_count.as_deref(), Some("2"));
        let policy = &api.policy_mocks.as_ref().unwrap()[0];
        assert_eq!(policy.result_content.as_deref(), Some("y"));
        let condition = serde_json::to_value(&policy.conditions[0]).unwrap();
        assert_eq!(condition["condition_type"], "enum", "{condition}");
        // Each value points at the spelling it was taken from.
        let (_, span) = result
            .provenance
            .get(&ws, "/apis/0/backend_api/retry_count")
            .unwrap();
        let text = &ws.sources.file(ws.root().file).text;
        assert_eq!(&text[span.start as usize..span.end as usize], "\"2\"");
    }

    #[test]
    fn a_rejected_operation_leaves_no_sources_under_the_next_api() {
        let ws = workspace(
            r#"{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {
              "/a/{x}": {"get": {"operationId": "first"}},
              "/a/{y}": {"get": {"operationId": "again", "description": "a duplicate",
                                 "tags": ["dup"]}},
              "/c": {"get": {"operationId": "next"}}}}"#,
        );
        let result = import(&ws, OasVersion::V2_0, &ImportOptions::default());
        assert!(result.diagnostics.iter().any(|d| d.code == DUPLICATE_API));
        let names: Vec<&str> = result.definition.apis.iter().map(|a| &*a.name).collect();
        assert_eq!(names, ["first", "next"]);
        // `next` took index 1, where the duplicate recorded its description and tags.
        assert!(result.provenance.get(&ws, "/apis/1/name").is_some());
        for pointer in ["/apis/1/remark", "/apis/1/tags", "/apis/1/tags/0"] {
            assert_eq!(result.provenance.get(&ws, pointer), None, "{pointer}");
        }
        // Nor anywhere else.
        let pointers: Vec<String> = result.provenance.iter(&ws).map(|(p, _)| p).collect();
        assert!(
            pointers.iter().all(|p| !p.starts_with("/apis/")
                || p.starts_with("/apis/0")
                || p.starts_with("/apis/1")),
            "{pointers:?}"
        );
    }

    /// An API's sources are found by importing its operation again, under the API's index
    /// (not the operation's position) and after the group's and policies' recorded ones.
    #[test]
    fn the_sources_of_an_api_are_found_again_when_asked() {
        let text = r##"{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {
              "/a": {"get": {"operationId": "first"}},
              "/a/{x}": {"get": {"operationId": "first", "description": "same name"}},
              "/c": {"parameters": [{"name": "q", "in": "query", "type": "string"}],
                     "post": {"description": "no id", "x-apigateway-ratelimit": "t1"}},
              "/d": {"$ref": "#/paths/~1c",
                     "parameters": [{"name": "h", "in": "header", "type": "string"}],
                     "put": {"operationId": "put_d"}}}}"##;
        let ws = workspace(text);
        let result = import(&ws, OasVersion::V2_0, &ImportOptions::default());
        let names: Vec<&str> = result.definition.apis.iter().map(|a| &*a.name).collect();
        assert_eq!(names, ["first", "post_c", "post_d", "put_d"]);
        let source = |pointer: &str| {
            let (_, span) = result.provenance.get(&ws, pointer)?;
            Some(&text[span.start as usize..span.end as usize])
        };
        // The third operation is API 1; its generated name comes from its method key.
        assert_eq!(source("/apis/1/name"), Some(r#""post""#));
        assert_eq!(source("/apis/1/remark"), Some(r#""no id""#));
        assert_eq!(source("/apis/1/req_params/0/name"), Some(r#""q""#));
        assert_eq!(source("/apis/0/remark"), None);
        // `/d` has the operation of `/c` it references and its own, each with the parameters
        // of both: those of `/c` and the one beside the `$ref`.
        assert_eq!(source("/apis/2/name"), Some(r#""post""#));
        assert_eq!(source("/apis/2/remark"), Some(r#""no id""#));
        assert_eq!(source("/apis/2/req_uri"), Some(r#""/d""#));
        assert_eq!(source("/apis/3/name"), Some(r#""put_d""#));
        for api in [2, 3] {
            let param = |i: usize| source(&format!("/apis/{api}/req_params/{i}/name"));
            assert_eq!((param(0), param(1)), (Some(r#""q""#), Some(r#""h""#)));
        }
        assert_eq!(source("/apis/4/name"), None);
        assert_eq!(
            source("/throttle_bindings/0/apis/0"),
            Some(r#""t1""#),
            "recorded during the import"
        );
        // Nearest: up to the API itself, and for an API that is not there, the list.
        let nearest = |pointer: &str| {
            let (_, span) = result.provenance.nearest(&ws, pointer).unwrap();
            text[span.start as usize..]
                .split('\n')
                .next()
                .unwrap()
                .to_owned()
        };
        assert!(nearest("/apis/1/no/such/field").starts_with(r#"{"description": "no id""#));
        assert!(
            nearest("/apis/5/name").starts_with(r#""paths""#),
            "{}",
            nearest("/apis/5/name")
        );
        // Asked twice, found once and then from the cache: the same answer.
        assert_eq!(source("/apis/1/remark"), Some(r#""no id""#));
        assert!(!result.provenance.is_empty());
    }

    #[test]
    fn batches_give_what_one_pass_gives() {
        let ws = workspace(&document(700));
        let options = ImportOptions::default();
        let one = import_in_batches(&ws, OasVersion::V2_0, &options, usize::MAX);
        let batched = import_in_batches(&ws, OasVersion::V2_0, &options, 1);
        // The document has every case it is meant to have.
        let codes: Vec<&str> = one.diagnostics.iter().map(|d| d.code.as_str()).collect();
        for code in [GENERATED_NAME, DUPLICATE_API, DUPLICATE_NAME, INVALID] {
            assert!(codes.contains(&code), "{code} in {codes:?}");
        }
        assert!(
            one.definition.apis.len() > 1200,
            "{}",
            one.definition.apis.len()
        );
        // A `$ref` path has the operations of both path items, each with the parameter beside
        // the `$ref`: `/s36/{id}` its own `get` and `patch`, and `post_35` of `/r35/{id}` (an
        // error: that name is taken).
        let api = |name: &str| one.definition.apis.iter().find(|a| a.name == name);
        for name in ["get_36", "patch_36", "get_67", "patch_67"] {
            let params = api(name).and_then(|a| a.req_params.as_ref());
            let names: Vec<&str> = params
                .iter()
                .flat_map(|p| p.iter())
                .map(|p| &*p.name)
                .collect();
            assert_eq!(names, ["X-T"], "{name}");
        }
        assert_eq!(api("get_35").map(|a| &*a.req_uri), Some("/v1/r35/{id}"));
        assert_eq!(api("post_35").map(|a| &*a.req_uri), Some("/v1/r35/{id}"));
        assert!(
            one.diagnostics.iter().any(|d| d.code == DUPLICATE_NAME
                && d.message
                    .starts_with("paths `/r35/{id}` and `/s36/{id}` use one path item")),
            "{:?}",
            one.diagnostics
        );
        assert_eq!(one.definition, batched.definition);
        assert_eq!(
            format!("{:?}", one.diagnostics),
            format!("{:?}", batched.diagnostics)
        );
        let one_sources: Vec<_> = one.provenance.iter(&ws).collect();
        let batched_sources: Vec<_> = batched.provenance.iter(&ws).collect();
        assert_eq!(one_sources, batched_sources);
        // Rejected operations leave no sources behind: every API index recorded is an API.
        let apis = one.definition.apis.len();
        for (pointer, _) in &one_sources {
            if let Some(rest) = pointer.strip_prefix("/apis/") {
                let index: usize = rest.split('/').next().unwrap().parse().unwrap();
                assert!(index < apis, "{pointer}");
            }
        }
        // A rejected value is reported at the index the next imported API takes.
        let invalid: Vec<&str> = one
            .diagnostics
            .iter()
            .filter(|d| d.code == INVALID)
            .filter_map(|d| d.pointer.as_deref())
            .collect();
        // The `get` of each path 60 + 101k is rejected; the API after it is its `post`, or the
        // next path's `get` where the `post` is not an operation.
        let expected: Vec<String> = (0..700)
            .filter(|p| p % 101 == 60)
            .map(|p| match p % 53 {
                7 => format!("get_{}", p + 1),
                _ => format!("post_{p}"),
            })
            .collect();
        assert_eq!(invalid.len(), expected.len(), "{invalid:?}");
        for (pointer, expected) in invalid.into_iter().zip(expected) {
            assert!(pointer.ends_with("/match_mode"), "{pointer}");
            let index: usize = pointer["/apis/".len()..]
                .split('/')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            let next = one.definition.apis.get(index).map(|a| a.name.as_str());
            assert_eq!(next, Some(expected.as_str()), "{pointer}");
        }
    }
}
