//! OpenAPI version conversion (`apigctl convert`): Swagger 2.0, OpenAPI 3.0 and 3.1 into each
//! other, with every `x-apigateway-*` extension moved to its placement in the target version.
//!
//! # Why a direct tree transform, not import then export
//!
//! A gateway definition holds only what the gateway stores: going through it would drop every
//! schema, response body, description, tag, example and non-gateway extension of the document,
//! which is most of what a documentation portal or SDK generator needs. So convert rewrites the
//! OpenAPI tree itself: structures that differ between versions (servers vs `host`/`basePath`/
//! `schemes`, `requestBody` vs `body`/`formData` parameters, `components` vs `definitions`,
//! parameter `schema` vs flat keywords, security scheme types, schema keywords) are rebuilt,
//! everything else is copied as it is, and the extensions whose placement differs are
//! relocated (extension reference §3.4: `x-apigateway-responses` at the root for 2.0 and under
//! `components` for 3.x; `x-apigateway-content-type` on the 2.0 operation and as the single
//! `requestBody` media type in 3.x; parameter-level extensions stay on the parameter next to
//! `type` or `schema`). The gateway meaning is preserved: `import` of the result equals `import`
//! of the source (tested for every example document).
//!
//! Conversions between 2.0 and 3.1 go through 3.0. Anything the target version cannot express
//! is a warning at its source location; nothing is dropped silently. References into other
//! files are kept as written (those files are not converted), with a warning.

use crate::convert::export::{MapBuilder, seq, string};
use crate::diagnostic::Diagnostic;
use crate::openapi::OasVersion;
use crate::source::refs::Workspace;
use crate::source::{
    Entry, FileId, KeyIndex, Map, Node, Number, Span, Value, escape_pointer_token,
};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Diagnostic code: something the target version cannot express; left out or approximated.
pub const NOT_REPRESENTABLE: &str = "convert-not-representable";
/// Diagnostic code: a reference into another file, kept as written.
pub const EXTERNAL_REF: &str = "convert-external-ref";

const SOURCE_REF: &str =
    "OpenAPI 2.0 / 3.0 / 3.1 specifications; x-apigateway-extensions reference §3.4, §6";

/// What a conversion produced.
#[derive(Clone, Debug)]
pub struct ConvertResult {
    /// The converted document. Nodes keep the span of the source node they came from, so a
    /// later stage can still point into the source.
    pub document: Node,
    /// Warnings about what the target version cannot express, at their source locations.
    pub diagnostics: Vec<Diagnostic>,
}

/// Converts the root document of `ws` (of version `from`) to version `to`. Converting down
/// from 3.1, each schema reference is resolved as 3.1 resolves it (against the `$id` of the
/// schema it is written in) and written as the JSON pointer of what it names, which needs the
/// workspace's references linked ([`Workspace::link_refs`]).
pub fn convert(ws: &Workspace, from: OasVersion, to: OasVersion) -> ConvertResult {
    use OasVersion::*;
    let (root, file) = (&ws.root().root, ws.root().file);
    let mut cx = Cx {
        file,
        target: format!("OpenAPI {to}"),
        dropped_schemes: Vec::new(),
        // Only 3.1 has `$id`, `$anchor` and `$defs`, and only a version before it lacks them.
        refs: if from == V3_1 && to != V3_1 {
            RefPlan::of(ws, &component_names(root))
        } else {
            RefPlan::default()
        },
        hoisted: Vec::new(),
        keys: KeyIndex::default(),
        diagnostics: Vec::new(),
    };
    let document = match (from, to) {
        (V2_0, V3_0) => cx.up_from_2(root),
        (V2_0, V3_1) => {
            let mid = cx.up_from_2(root);
            cx.up_to_31(&mid)
        }
        (V3_0, V3_1) => cx.up_to_31(root),
        (V3_1, V3_0) => cx.down_to_30(root),
        (V3_0, V2_0) => cx.down_to_2(root),
        (V3_1, V2_0) => {
            let mid = cx.down_to_30(root);
            cx.down_to_2(&mid)
        }
        _ => root.clone(),
    };
    let mut document = document;
    if from != to {
        cx.repoint_refs(root, &mut document);
    }
    cx.inexact_integers(&document, &ws.sources.file(file).text);
    cx.diagnostics
        .sort_by_key(|d| d.primary.map(|l| (l.span.start, l.span.end)));
    // A shared component (a request body or response every operation names) is converted
    // once per use; what it cannot say is reported once, at it.
    let mut seen = std::collections::HashSet::new();
    cx.diagnostics.retain(|d| {
        seen.insert((
            d.primary.map(|l| (l.span.start, l.span.end)),
            d.message.clone(),
        ))
    });
    ConvertResult {
        document,
        diagnostics: cx.diagnostics,
    }
}

struct Cx {
    file: FileId,
    /// Security schemes 3.x → 2.0 leaves out; requirements naming them go too.
    dropped_schemes: Vec<String>,
    /// The target version as messages name it.
    target: String,
    /// Converting down from 3.1: what its schema references name, and where its `$defs` go.
    refs: RefPlan,
    /// Schemas of `$defs` moved to `components/schemas`, by their new names, in the order met.
    hoisted: Vec<(String, Node)>,
    /// Key lookups in the document's big mappings: a reference per parameter into thousands
    /// of `components/parameters` scanned them once per reference.
    keys: KeyIndex,
    diagnostics: Vec<Diagnostic>,
}

/// How the schema references and `$defs` of a 3.1 document are written in a version before
/// it, which has neither identifiers nor anchors nor `$defs`: a reference becomes the JSON
/// pointer of the schema it names, and each schema of a `$defs` moves to `components/schemas`
/// (`definitions` in 2.0), a reference into it following it there.
#[derive(Default)]
struct RefPlan {
    /// By the span start of a `$ref` value written otherwise than as the pointer it stands
    /// for: the pointer it names in the result, or `None` when it names nothing here.
    targets: HashMap<u32, Option<String>>,
    /// By the span start of a schema of a `$defs`: its name under `components/schemas`.
    hoisted: HashMap<u32, String>,
}

/// Keys of an object (not a map of names) whose values are data, never references or
/// schemas.
const LITERAL_KEYS: [&str; 5] = ["example", "examples", "default", "enum", "const"];

/// The value of `key` in the mapping `node`, an empty mapping added for it if there is none;
/// `None` when `node` is no mapping.
fn child_map<'n>(node: &'n mut Node, key: &str) -> Option<&'n mut Node> {
    let Value::Map(map) = &mut node.value else {
        return None;
    };
    let i = match map.entries.iter().position(|e| &*e.key.name == key) {
        Some(i) => i,
        None => {
            map.entries.push(Entry {
                key: crate::source::Key {
                    span: Span::default(),
                    name: key.into(),
                },
                value: MapBuilder::new().build(),
            });
            map.entries.len() - 1
        }
    };
    Some(&mut map.entries[i].value)
}

/// The names under `components/schemas`.
fn component_names(root: &Node) -> Vec<String> {
    entries(root.get("components").and_then(|c| c.get("schemas")))
        .iter()
        .map(|e| e.key.name.to_string())
        .collect()
}

impl RefPlan {
    fn of(ws: &Workspace, taken: &[String]) -> RefPlan {
        let mut walk = PlanWalk {
            ws,
            file: ws.root().file,
            taken: taken.iter().cloned().collect(),
            suffixes: std::collections::HashMap::new(),
            moved: Vec::new(),
            plan: RefPlan::default(),
        };
        walk.node(&ws.root().root, &mut String::new(), (false, None));
        let PlanWalk {
            moved, mut plan, ..
        } = walk;
        // The innermost moved schema a pointer leads into decides (a schema of a moved
        // schema's `$defs` has moved on its own): the pointer itself or its longest ancestor
        // that moved.
        let moved: HashMap<&str, &str> = moved
            .iter()
            .map(|(from, to)| (from.as_str(), to.as_str()))
            .collect();
        for target in plan.targets.values_mut().flatten() {
            let mut from = target.as_str();
            let to = loop {
                if let Some(to) = moved.get(from) {
                    break Some(*to);
                }
                match from.rsplit_once('/') {
                    Some((parent, _)) => from = parent,
                    None => break None,
                }
            };
            if let Some(to) = to {
                *target = format!("{to}{}", &target[from.len()..]);
            }
        }
        plan
    }
}

/// The walk that makes a [`RefPlan`].
struct PlanWalk<'w> {
    ws: &'w Workspace,
    file: FileId,
    /// Names under `components/schemas`, those given to moved schemas included.
    taken: std::collections::HashSet<String>,
    /// The suffix to try next for each name made (`_2`, `_3`, ...): many schemas of one
    /// name would try every suffix taken before them.
    suffixes: std::collections::HashMap<String, usize>,
    /// Each moved schema's pointer in the source and in the result.
    moved: Vec<(String, String)>,
    plan: RefPlan,
}

impl PlanWalk<'_> {
    /// `names`: whether the keys of `node` are names (`properties`, `responses`) rather than
    /// an object's fields; `moved_as`: the name under `components/schemas` the schema at
    /// `pointer` moves to.
    fn node(&mut self, node: &Node, pointer: &mut String, (names, moved_as): (bool, Option<&str>)) {
        let len = pointer.len();
        match &node.value {
            Value::Map(map) => {
                if !names
                    && let Some(value) = map.get("$ref")
                    && let Some(text) = value.as_str()
                {
                    self.reference(node, value, text);
                }
                for e in &map.entries {
                    let key = &*e.key.name;
                    if is_ext(key) || (!names && LITERAL_KEYS.contains(&key)) {
                        continue;
                    }
                    let names_below = !names
                        && (crate::source::refs::NAME_MAP_KEYS.contains(&key)
                            || crate::source::refs::EXTENSIBLE_NAME_MAP_KEYS.contains(&key));
                    pointer.push('/');
                    pointer.push_str(&escape_pointer_token(key));
                    match (key, e.value.as_map()) {
                        ("$defs", Some(defs)) if !names => {
                            // What the schemas are named after: the component or moved schema
                            // they are in, or nothing for a schema written in place.
                            let owner = moved_as.map(str::to_owned).or_else(|| {
                                pointer[..len]
                                    .strip_prefix("/components/schemas/")
                                    .filter(|name| !name.contains('/'))
                                    .map(|name| {
                                        crate::source::unescape_pointer_token(name).into_owned()
                                    })
                            });
                            let at = pointer.len();
                            for def in &defs.entries {
                                let name = self.name(owner.as_deref(), &def.key.name);
                                pointer.push('/');
                                pointer.push_str(&escape_pointer_token(&def.key.name));
                                self.moved.push((
                                    pointer.clone(),
                                    format!("/components/schemas/{}", escape_pointer_token(&name)),
                                ));
                                self.plan.hoisted.insert(def.value.span.start, name.clone());
                                self.node(&def.value, pointer, (false, Some(&name)));
                                pointer.truncate(at);
                            }
                        }
                        _ => self.node(&e.value, pointer, (names_below, None)),
                    }
                    pointer.truncate(len);
                }
            }
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    let _ = write!(pointer, "/{i}");
                    self.node(item, pointer, (false, None));
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// Plans the `$ref` (`value`, reading `text`) of `holder`: a pointer into this document
    /// written as such, outside any `$id`, stays unless it leads into a `$defs`.
    fn reference(&mut self, holder: &Node, value: &Node, text: &str) {
        let below_id = self.ws.below_id(holder);
        if let Some(fragment) = text.strip_prefix("#/").filter(|_| !below_id) {
            let pointer = crate::source::refs::percent_decode(fragment);
            if pointer.split('/').any(|token| token == "$defs") {
                self.plan
                    .targets
                    .insert(value.span.start, Some(format!("/{pointer}")));
            }
            return;
        }
        match self.ws.pointer_at(self.file, holder, text) {
            Some((file, pointer)) if file == self.file => {
                self.plan.targets.insert(value.span.start, Some(pointer));
            }
            // Another file, which is not converted.
            Some(_) => {}
            // A name, or a reference resolved against an `$id`, that names nothing here: the
            // target cannot read it the same way (a remote reference written outside any
            // `$id` is left as it is).
            None if text.starts_with('#') || below_id => {
                self.plan.targets.insert(value.span.start, None);
            }
            None => {}
        }
    }

    /// A name under `components/schemas` for the schema `key` of the `$defs` of `owner`
    /// (`Owner.key`), made of the characters a 3.0 component name may hold and unlike any
    /// name taken.
    fn name(&mut self, owner: Option<&str>, key: &str) -> String {
        let clean = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        let base = match owner {
            Some(owner) => format!("{}.{}", clean(owner), clean(key)),
            None => clean(key),
        };
        let mut name = base.clone();
        let n = self.suffixes.entry(base.clone()).or_insert(2);
        while self.taken.contains(&name) {
            name = format!("{base}_{n}");
            *n += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

/// `pointer` as a URI fragment: the characters a fragment cannot hold as they are
/// (RFC 3986 §3.5), percent-encoded.
fn pointer_fragment(pointer: &str) -> String {
    format!(
        "#{}",
        crate::source::uri::percent_encode(pointer, b"!$&'()*+,;=:@/?")
    )
}

/// Where a 3.x operation keeps the name of the 2.0 body parameter its request body was.
const BODY_NAME: &str = "x-codegen-request-body-name";

const METHODS_2: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];
const ANY_METHOD: &str = "x-apigateway-any-method";

fn entries(node: Option<&Node>) -> &[Entry] {
    node.and_then(Node::as_map)
        .map(|m| m.entries.as_slice())
        .unwrap_or_default()
}

fn strings(node: Option<&Node>) -> Vec<String> {
    node.and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .map(str::to_owned)
        .collect()
}

fn spanned(mut node: Node, span: Span) -> Node {
    node.span = span;
    node
}

fn is_ext(key: &str) -> bool {
    key.starts_with("x-")
}

fn map_node(map: Map, span: Span) -> Node {
    Node::new(span, Value::Map(map))
}

/// The fragment of an internal reference (`#/definitions/Pet` → `/definitions/Pet`).
fn internal(reference: &str) -> Option<&str> {
    reference.strip_prefix('#')
}

/// Schema keywords of the Swagger 2.0 Schema Object.
const SCHEMA_2: [&str; 30] = [
    "$ref",
    "format",
    "title",
    "description",
    "default",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "additionalProperties",
    "type",
    "items",
    "allOf",
    "properties",
    "discriminator",
    "readOnly",
    "xml",
    "externalDocs",
    "example",
];

/// Schema keywords of the OpenAPI 3.0 Schema Object.
const SCHEMA_30: [&str; 36] = [
    "$ref",
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "not",
    "allOf",
    "oneOf",
    "anyOf",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "example",
    "externalDocs",
    "deprecated",
    "xml",
];

/// Keywords whose value is one schema.
const ONE_SCHEMA: [&str; 12] = [
    "items",
    "not",
    "additionalProperties",
    "additionalItems",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
];
/// Keywords whose value is a list of schemas.
const SCHEMA_LISTS: [&str; 4] = ["allOf", "oneOf", "anyOf", "prefixItems"];
/// Keywords whose value maps names to schemas.
const SCHEMA_MAPS: [&str; 5] = [
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "dependentSchemas",
];

/// Parameter keywords that 2.0 writes on the parameter and 3.x under `schema`.
const PARAM_SCHEMA_KEYS: [&str; 17] = [
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "collectionFormat",
];

/// The `content_type` values of an API (API Reference 3.5.1, Table 3-167).
const GATEWAY_CONTENT_TYPES: [&str; 4] = [
    "application/json",
    "application/xml",
    "multipart/form-data",
    "text/plain",
];

/// The fields of a form request body, gathered through `allOf`.
#[derive(Default)]
struct FormFields<'r> {
    properties: Vec<&'r Entry>,
    required: Vec<String>,
}

const FORM_TYPES: [&str; 2] = ["application/x-www-form-urlencoded", "multipart/form-data"];

impl Cx {
    /// Warns at each integer of the source that the result does not write as it was
    /// written: a number is a 64-bit integer or float (README, "Limits"), so an integer beyond
    /// the 64-bit range is read as the nearest float (`99999999999999999999999999` is written
    /// `1e+26`). `text` is the root file's text, which the spans of copied nodes point into.
    fn inexact_integers(&mut self, document: &Node, text: &str) {
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![document];
        while let Some(node) = stack.pop() {
            match &node.value {
                Value::Seq(items) => stack.extend(items.iter().rev()),
                Value::Map(map) => stack.extend(map.entries.iter().rev().map(|e| &e.value)),
                Value::Number(Number::Float(f)) => {
                    let Some(written) = text.get(node.span.range()).map(str::trim) else {
                        continue;
                    };
                    let digits = written.strip_prefix(['-', '+']).unwrap_or(written);
                    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                        continue;
                    }
                    // As the YAML and JSON writers print it.
                    let now = serde_json::Value::from(*f).to_string();
                    if now != written && seen.insert(node.span.start) {
                        self.diagnostics.push(
                            Diagnostic::warn(
                                NOT_REPRESENTABLE,
                                format!("`{written}` is an integer beyond the 64-bit range apigctl reads exactly; it is written as the nearest 64-bit float, `{now}`"),
                            )
                            .at(self.file, node.span)
                            .help("write a value within -9223372036854775808..9223372036854775807 (the gateway's bounds are far smaller), or keep the document as it is where the exact digits matter")
                            .source("README, Limits: a number is a 64-bit float or integer"),
                        );
                    }
                }
                _ => {}
            }
        }
    }

    /// Points each internal `$ref` of the result whose target the conversion moved at where
    /// that target now is. The conversion renames the maps it knows (`definitions` ↔
    /// `components/schemas`, ...), but a pointer may lead into a structure it rebuilds (a
    /// body parameter's `schema` is a `requestBody` media type's in 3.x, a response's `schema`
    /// likewise), or sit in a vendor extension it copies as it is. A converted node keeps the
    /// span of its source node, so the source node a reference names is found again in the
    /// result by its span. Where it is nowhere (its content was flattened, as a parameter
    /// `schema` into 2.0 parameter fields), the reference would dangle: a warning at it.
    fn repoint_refs(&mut self, source: &Node, document: &mut Node) {
        // The source text of each `$ref`, by the span its value keeps in the result.
        let mut written: HashMap<(u32, u32), &str> = HashMap::new();
        let mut stack = vec![source];
        while let Some(node) = stack.pop() {
            match &node.value {
                Value::Seq(items) => stack.extend(items.iter()),
                Value::Map(map) => {
                    if let Some(r) = map.get("$ref")
                        && let Some(text) = r.as_str()
                    {
                        written.insert((r.span.start, r.span.end), text);
                    }
                    stack.extend(map.entries.iter().map(|e| &e.value));
                }
                _ => {}
            }
        }
        // What each `$ref` of the result should say, by its place in the result.
        let mut fixes: Vec<(Vec<usize>, Option<String>)> = Vec::new();
        let mut places: Option<HashMap<(u32, u32), String>> = None;
        let mut path = Vec::new();
        let mut refs = Vec::new();
        collect_refs(document, &mut path, &mut refs);
        for (at, r) in refs {
            let Some(now) = r.as_str() else { continue };
            let Some(was) = written.get(&(r.span.start, r.span.end)) else {
                continue;
            };
            let (Some(was_ptr), Some(now_ptr)) = (was.strip_prefix('#'), now.strip_prefix('#'))
            else {
                continue;
            };
            if !was_ptr.starts_with('/') || !now_ptr.starts_with('/') {
                continue;
            }
            let decode = |p: &str| crate::source::refs::percent_decode(p).into_owned();
            // A reference that names nothing in the source is lint's to report.
            let Some(target) = resolve_pointer(source, &decode(was_ptr)) else {
                continue;
            };
            if target.span == Span::default() {
                continue;
            }
            let found = resolve_pointer(document, &decode(now_ptr));
            if found.is_some_and(|f| f.span == target.span) {
                continue;
            }
            let places = places.get_or_insert_with(|| node_places(document));
            match places.get(&(target.span.start, target.span.end)) {
                Some(pointer) => fixes.push((at, Some(pointer_fragment(pointer)))),
                // Something else is there now; it is not known to be wrong.
                None if found.is_some() => {}
                None => fixes.push((at, None)),
            }
        }
        for (at, fix) in fixes {
            let Some(holder) = node_at_mut(document, &at) else {
                continue;
            };
            let Some(r) = get_mut(holder, "$ref") else {
                continue;
            };
            match fix {
                Some(pointer) => *r = spanned(string(&pointer), r.span),
                None => {
                    let text = r.as_str().unwrap_or_default().to_owned();
                    let span = r.span;
                    self.diagnostics.push(
                        Diagnostic::warn(
                            NOT_REPRESENTABLE,
                            format!("`{text}` points into a structure {} writes otherwise (its content is not a node of its own there); the reference is kept as written and names nothing in the result", self.target),
                        )
                        .at(self.file, span)
                        .help("point the reference at a named schema (`#/definitions/...` or `#/components/schemas/...`), moving the schema there, before converting")
                        .source(SOURCE_REF),
                    );
                }
            }
        }
    }

    fn warn(&mut self, span: Span, message: String) {
        self.diagnostics.push(
            Diagnostic::warn(NOT_REPRESENTABLE, message)
                .at(self.file, span)
                .help("the target version cannot say this: keep the document in its own version where it matters, or accept the loss")
                .source(SOURCE_REF),
        );
    }

    /// Reports every entry of `node` as not representable in `target`.
    fn drop_entry(&mut self, entry: &Entry, target: &str) {
        self.warn(
            entry.key.span,
            format!(
                "`{}` has no counterpart in {target}; left out",
                entry.key.name
            ),
        );
    }

    fn check_ref(&mut self, reference: &Node) {
        if let Some(text) = reference.as_str()
            && internal(text).is_none()
        {
            self.diagnostics.push(
                Diagnostic::warn(
                    EXTERNAL_REF,
                    format!("`{text}` refers to another file, which is not converted; the reference is kept as written"),
                )
                .at(self.file, reference.span)
                .help("bundle the document first (every `$ref` internal) to convert referenced content too")
                .source(SOURCE_REF),
            );
        }
    }

    /// A `$ref` with its internal target path rewritten by `rename` (`#/definitions/` →
    /// `#/components/schemas/` and back).
    fn rewrite_ref(&mut self, reference: &Node, rename: &[(&str, &str)]) -> Node {
        self.check_ref(reference);
        let Some(text) = reference.as_str() else {
            return reference.clone();
        };
        for (from, to) in rename {
            if let Some(rest) = text.strip_prefix(from) {
                return spanned(string(&format!("{to}{rest}")), reference.span);
            }
        }
        reference.clone()
    }

    // ===== 2.0 → 3.0 ==========================================================================

    fn up_from_2(&mut self, root: &Node) -> Node {
        let up = Up2 {
            root,
            keys: KeyIndex::default(),
            host: root.get("host").and_then(Node::as_str).map(str::to_owned),
            base: root
                .get("basePath")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_owned(),
            consumes: strings(root.get("consumes")),
            produces: strings(root.get("produces")),
        };
        let mut doc = MapBuilder::new();
        doc.put(
            "openapi",
            spanned(string("3.0.3"), span_of(root, "swagger")),
        );
        let mut components: Vec<(&str, Node)> = Vec::new();
        let mut extensions = Vec::new();
        let mut servers_done = false;
        let root_schemes = strings(root.get("schemes"));
        if let Some(node) = root.get("schemes") {
            self.hostless_warning(&up, &root_schemes, node);
        }
        for entry in entries(Some(root)) {
            let value = &entry.value;
            match &*entry.key.name {
                "swagger" | "host" | "basePath" | "schemes" | "consumes" | "produces" => {}
                "info" => {
                    doc.put("info", value.clone());
                    if let Some(s) = up.servers(&root_schemes, root.span) {
                        doc.put("servers", s);
                    }
                    servers_done = true;
                }
                "paths" => {
                    let paths = self.paths_up(&up, value);
                    doc.put("paths", paths);
                }
                "definitions" => {
                    let mut m = MapBuilder::new();
                    for e in entries(Some(value)) {
                        m.put(&e.key.name, self.schema_up(&e.value));
                    }
                    components.push(("schemas", spanned(m.build(), value.span)));
                }
                "responses" => {
                    let mut m = MapBuilder::new();
                    for e in entries(Some(value)) {
                        m.put(&e.key.name, self.response_up(&up, &e.value, &up.produces));
                    }
                    components.push(("responses", spanned(m.build(), value.span)));
                }
                "parameters" => {
                    let mut params = MapBuilder::new();
                    let mut bodies = MapBuilder::new();
                    for e in entries(Some(value)) {
                        match e.value.get("in").and_then(Node::as_str) {
                            Some("body") => {
                                bodies.put(
                                    &e.key.name,
                                    self.request_body_up(Some(&e.value), &[], &up.consumes, None),
                                );
                            }
                            // Form fields become properties of the request body where used.
                            Some("formData") => {}
                            _ => {
                                params.put(&e.key.name, self.param_up(&e.value));
                            }
                        }
                    }
                    if !params.is_empty() {
                        components.push(("parameters", spanned(params.build(), value.span)));
                    }
                    if !bodies.is_empty() {
                        components.push(("requestBodies", spanned(bodies.build(), value.span)));
                    }
                }
                "securityDefinitions" => {
                    let mut m = MapBuilder::new();
                    for e in entries(Some(value)) {
                        m.put(&e.key.name, self.security_scheme_up(&e.value));
                    }
                    components.push(("securitySchemes", spanned(m.build(), value.span)));
                }
                // §6-9: group responses sit under `components` in 3.x.
                "x-apigateway-responses" => {
                    components.push(("x-apigateway-responses", value.clone()));
                }
                key if is_ext(key) => extensions.push(entry.clone()),
                key => {
                    doc.put(key, value.clone());
                }
            }
        }
        if !servers_done && let Some(s) = up.servers(&root_schemes, root.span) {
            doc.put("servers", s);
        }
        if !components.is_empty() {
            let order = [
                "schemas",
                "responses",
                "parameters",
                "requestBodies",
                "securitySchemes",
                "x-apigateway-responses",
            ];
            let mut m = MapBuilder::new();
            for key in order {
                if let Some((_, node)) = components.iter().find(|(k, _)| *k == key) {
                    m.put(key, node.clone());
                }
            }
            doc.put("components", m.build());
        }
        for e in extensions {
            doc.put(&e.key.name, e.value);
        }
        let mut doc = spanned(doc.build(), root.span);
        // 2.0 requires `responses` too, but a document without them is common and reads; the
        // 3.0 result would not validate (3.1 made `responses` optional).
        if self.target == format!("OpenAPI {}", OasVersion::V3_0) {
            self.require_responses(&mut doc);
        }
        doc
    }

    /// Warns at `node` (a `schemes` list) when the servers written for it need a host 2.0
    /// left unsaid.
    fn hostless_warning(&mut self, up: &Up2, schemes: &[String], node: &Node) {
        if up.hostless_schemes(schemes) {
            self.warn(
                node.span,
                format!("without `host`, 2.0 serves the API from the host serving the document; a 3.x server URL names a scheme only with a host, so the servers are written as `{}://{{host}}{}` (one per scheme) with a variable `host` (default `localhost`)", schemes.first().map_or("http", String::as_str), up.base),
            );
        }
    }

    fn paths_up(&mut self, up: &Up2, paths: &Node) -> Node {
        let mut out = MapBuilder::new();
        for entry in entries(Some(paths)) {
            if is_ext(&entry.key.name) {
                out.put(&entry.key.name, entry.value.clone());
                continue;
            }
            out.put(&entry.key.name, self.path_item_up(up, &entry.value));
        }
        spanned(out.build(), paths.span)
    }

    fn path_item_up(&mut self, up: &Up2, item: &Node) -> Node {
        // Path-level body and form parameters apply to every operation's request body.
        let mut shared_body: Vec<&Node> = Vec::new();
        let mut item_out = MapBuilder::new();
        for entry in entries(Some(item)) {
            let key = &*entry.key.name;
            match key {
                "$ref" => {
                    self.check_ref(&entry.value);
                    item_out.put(key, entry.value.clone());
                }
                "parameters" => {
                    let mut list = Vec::new();
                    for p in entry.value.as_seq().unwrap_or_default() {
                        let (target, referenced) = up.deref(p);
                        match target.get("in").and_then(Node::as_str) {
                            Some("body" | "formData") => shared_body.push(p),
                            _ if referenced => list.push(self.param_ref_up(p)),
                            _ => list.push(self.param_up(p)),
                        }
                    }
                    if !list.is_empty() {
                        item_out.put(key, spanned(seq(list), entry.value.span));
                    }
                }
                k if METHODS_2.contains(&k) || k == ANY_METHOD => {
                    item_out.put(k, self.operation_up(up, &entry.value, &shared_body));
                }
                _ => {
                    item_out.put(key, entry.value.clone());
                }
            }
        }
        spanned(item_out.build(), item.span)
    }

    fn param_ref_up(&mut self, p: &Node) -> Node {
        let mut m = MapBuilder::new();
        if let Some(r) = p.get("$ref") {
            m.put(
                "$ref",
                self.rewrite_ref(r, &[("#/parameters/", "#/components/parameters/")]),
            );
        }
        spanned(m.build(), p.span)
    }

    fn operation_up(&mut self, up: &Up2, op: &Node, shared_body: &[&Node]) -> Node {
        let consumes = op
            .get("consumes")
            .map(|c| strings(Some(c)))
            .unwrap_or_else(|| up.consumes.clone());
        let produces = op
            .get("produces")
            .map(|c| strings(Some(c)))
            .unwrap_or_else(|| up.produces.clone());
        let content_type = op.get("x-apigateway-content-type");
        let ct = content_type.and_then(Node::as_str);
        let mut body: Option<&Node> = None;
        let mut form: Vec<&Node> = Vec::new();
        let mut own_params: Vec<Node> = Vec::new();
        let op_params = op.get("parameters");
        for p in shared_body {
            let (target, _) = up.deref(p);
            match target.get("in").and_then(Node::as_str) {
                Some("body") => body = Some(target),
                _ => form.push(target),
            }
        }
        for p in op_params.and_then(Node::as_seq).unwrap_or_default() {
            let (target, referenced) = up.deref(p);
            match target.get("in").and_then(Node::as_str) {
                Some("body") => body = Some(p),
                Some("formData") => {
                    let name = target.get("name").and_then(Node::as_str);
                    form.retain(|f| f.get("name").and_then(Node::as_str) != name);
                    form.push(target);
                }
                _ if referenced => own_params.push(self.param_ref_up(p)),
                _ => own_params.push(self.param_up(p)),
            }
        }
        let mut request_body = None;
        if body.is_some() || !form.is_empty() {
            let body_target = body.map(|b| up.deref(b));
            request_body = Some(match body_target {
                Some((_, true)) => {
                    let mut m = MapBuilder::new();
                    if let Some(r) = body.and_then(|b| b.get("$ref")) {
                        m.put(
                            "$ref",
                            self.rewrite_ref(
                                r,
                                &[("#/parameters/", "#/components/requestBodies/")],
                            ),
                        );
                    }
                    m.build()
                }
                _ => self.request_body_up(body, &form, &consumes, ct),
            });
        }
        if ct.is_none()
            && let Some(rb) = &request_body
            && let [only] = entries(rb.get("content"))
            && GATEWAY_CONTENT_TYPES.contains(&&*only.key.name)
        {
            self.warn(
                rb.span,
                format!("in 3.x the single request body media type `{}` is read as the API's content type (extension reference §2.8), which this 2.0 operation did not declare", only.key.name),
            );
        }
        let mut out = MapBuilder::new();
        let mut params_done = false;
        let mut emit_params = |out: &mut MapBuilder, request_body: &mut Option<Node>| {
            if !own_params.is_empty() {
                out.put("parameters", seq(std::mem::take(&mut own_params)));
            }
            if let Some(rb) = request_body.take() {
                out.put("requestBody", rb);
            }
        };
        for entry in entries(Some(op)) {
            let key = &*entry.key.name;
            match key {
                // 3.x names media types only on content: a list nothing here has content for
                // says nothing in 3.x.
                "consumes"
                    if body.is_none()
                        && form.is_empty()
                        && entry.value.as_seq().is_some_and(|l| !l.is_empty()) =>
                {
                    self.warn(
                        entry.key.span,
                        "`consumes` of an operation without a body has no 3.x counterpart (3.x names a media type only on a request body's content); left out".into(),
                    );
                }
                "produces"
                    if entry.value.as_seq().is_some_and(|l| !l.is_empty())
                        && !entries(op.get("responses")).iter().any(|r| {
                            let (target, _) = up.deref(&r.value);
                            target.get("schema").is_some() || target.get("examples").is_some()
                        }) =>
                {
                    self.warn(
                        entry.key.span,
                        "`produces` of an operation whose responses have no schema or examples has no 3.x counterpart (3.x names a media type only on a response's content); left out".into(),
                    );
                }
                "consumes" | "produces" => {}
                "parameters" => {
                    emit_params(&mut out, &mut request_body);
                    params_done = true;
                }
                "schemes" => {
                    let schemes = strings(Some(&entry.value));
                    self.hostless_warning(up, &schemes, &entry.value);
                    if let Some(servers) = up.servers(&schemes, entry.value.span) {
                        out.put("servers", servers);
                    }
                }
                "responses" => {
                    if !params_done {
                        emit_params(&mut out, &mut request_body);
                        params_done = true;
                    }
                    out.put(key, self.responses_up(up, &entry.value, &produces));
                }
                "x-apigateway-content-type" if ct.is_some() => {}
                _ => {
                    out.put(key, entry.value.clone());
                }
            }
        }
        if !params_done {
            emit_params(&mut out, &mut request_body);
        }
        // 3.x request bodies have no name: the 2.0 body parameter's is kept where code
        // generators look for it (the convention of swagger-parser and openapi-generator),
        // and read back converting down. `body`, the name converting down gives, goes unsaid.
        if let Some(name) = body
            .filter(|b| b.get("$ref").is_none())
            .and_then(|b| b.get("name"))
            .filter(|n| n.as_str().is_some_and(|n| n != "body"))
            && op.get(BODY_NAME).is_none()
        {
            out.put(BODY_NAME, name.clone());
        }
        // §2.8 / §3.4: the content type is the single request body media type in 3.x. Where
        // the body has several media types, the extension stays (import reads it first).
        if let (Some(node), Some(ct)) = (content_type, ct) {
            let built = out.build();
            let mut map = match built.value {
                Value::Map(m) => m,
                _ => Map::default(),
            };
            let body_types: Option<Vec<String>> =
                map.get("requestBody").map(|rb| match rb.get("content") {
                    Some(c) => entries(Some(c))
                        .iter()
                        .map(|e| e.key.name.to_string())
                        .collect(),
                    None => vec!["(reference)".to_owned()],
                });
            match body_types {
                None => {
                    let mut content = MapBuilder::new();
                    content.put(ct, MapBuilder::new().build());
                    let mut rb = MapBuilder::new();
                    rb.put("content", content.build());
                    insert_before(
                        &mut map,
                        "responses",
                        "requestBody",
                        spanned(rb.build(), node.span),
                    );
                }
                Some(types) if types == [ct] => {}
                Some(_) => {
                    map.entries.push(Entry {
                        key: crate::source::Key {
                            span: node.span,
                            name: "x-apigateway-content-type".into(),
                        },
                        value: node.clone(),
                    });
                }
            }
            return map_node(map, op.span);
        }
        spanned(out.build(), op.span)
    }

    /// A 3.x request body from a 2.0 body parameter or form parameters.
    fn request_body_up(
        &mut self,
        body: Option<&Node>,
        form: &[&Node],
        consumes: &[String],
        content_type: Option<&str>,
    ) -> Node {
        let mut rb = MapBuilder::new();
        let span = body
            .or(form.first().copied())
            .map_or(Span::default(), |n| n.span);
        if let Some(body) = body {
            rb.opt("description", body.get("description").cloned());
            let schema = body
                .get("schema")
                .map(|s| self.schema_up(s))
                .unwrap_or_else(|| MapBuilder::new().build());
            let mut types: Vec<String> = consumes
                .iter()
                .filter(|t| !FORM_TYPES.contains(&t.as_str()))
                .cloned()
                .collect();
            if types.is_empty() {
                match (content_type, consumes.first()) {
                    (Some(ct), _) => types.push(ct.to_owned()),
                    // Only form types listed (as in much of Stripe's 2.0): the body is sent
                    // as the first of them, which says more than `*/*` would.
                    (None, Some(first)) => {
                        self.warn(
                            body.span,
                            format!("`consumes` lists only form media types, which 2.0 uses for `formData` parameters, not a body; the body is written under `{first}`, the first of them"),
                        );
                        types.push(first.clone());
                    }
                    // 2.0 without `consumes` does not say; `*/*` keeps it unsaid (a 3.x reader
                    // would take a single concrete type as the API's content type, §2.8).
                    (None, None) => types.push("*/*".to_owned()),
                }
            }
            let mut content = MapBuilder::new();
            for t in &types {
                let mut media = MapBuilder::new();
                media.put("schema", schema.clone());
                content.put(t, media.build());
            }
            rb.put("content", content.build());
            if let Some(required) = body.get("required")
                && required.as_bool() == Some(true)
            {
                rb.put("required", required.clone());
            }
            for e in entries(Some(body)) {
                if is_ext(&e.key.name) {
                    rb.put(&e.key.name, e.value.clone());
                }
            }
        } else {
            let mut properties = MapBuilder::new();
            let mut required = Vec::new();
            let mut has_file = false;
            // `application/x-www-form-urlencoded` encodings of array fields with a
            // `collectionFormat` (3.x says it with `style`/`explode`), by field name.
            let mut encoding = MapBuilder::new();
            // Where each of those `collectionFormat`s is written.
            let mut encoded_at = Vec::new();
            for p in form {
                let Some(name) = p.get("name").and_then(Node::as_str) else {
                    continue;
                };
                has_file |= p.get("type").and_then(Node::as_str) == Some("file");
                let mut schema = match self.param_schema_up(p).value {
                    Value::Map(m) => m,
                    _ => Map::default(),
                };
                if let Some(d) = p.get("description") {
                    schema.entries.push(Entry {
                        key: crate::source::Key {
                            span: d.span,
                            name: "description".into(),
                        },
                        value: d.clone(),
                    });
                }
                for e in entries(Some(p)) {
                    match &*e.key.name {
                        k if k.starts_with("x-apigateway-") => self.warn(
                            e.key.span,
                            format!("`{k}` on a form parameter has no place on a 3.x request body property; left out"),
                        ),
                        // Other extensions describe the field: its schema takes them.
                        k if is_ext(k) => schema.entries.push(e.clone()),
                        "allowEmptyValue" if e.value.as_bool() == Some(true) => self.warn(
                            e.key.span,
                            "3.x has `allowEmptyValue` for query parameters only, not for form fields; left out".into(),
                        ),
                        "collectionFormat" => {
                            let style = match e.value.as_str() {
                                Some("multi") => Some(("form", true)),
                                Some("csv") => Some(("form", false)),
                                Some("ssv") => Some(("spaceDelimited", false)),
                                Some("pipes") => Some(("pipeDelimited", false)),
                                _ => None,
                            };
                            match style {
                                Some((style, explode)) => {
                                    let mut enc = MapBuilder::new();
                                    enc.put("style", spanned(string(style), e.value.span));
                                    enc.put(
                                        "explode",
                                        spanned(
                                            Node::new(Span::default(), Value::Bool(explode)),
                                            e.value.span,
                                        ),
                                    );
                                    encoding.put(name, spanned(enc.build(), e.value.span));
                                    encoded_at.push(e.key.span);
                                }
                                None => self.warn(
                                    e.value.span,
                                    format!("`collectionFormat: {}` has no 3.x form field style; the default (`form`, exploded) applies", scalar_text(&e.value)),
                                ),
                            }
                        }
                        _ => {}
                    }
                }
                properties.put(name, map_node(schema, p.span));
                if p.get("required").and_then(Node::as_bool) == Some(true) {
                    required.push(string(name));
                }
            }
            let mut schema = MapBuilder::new();
            schema.put("type", string("object"));
            schema.put("properties", properties.build());
            if !required.is_empty() {
                schema.put("required", seq(required));
            }
            let schema = schema.build();
            let mut types: Vec<String> = consumes
                .iter()
                .filter(|t| FORM_TYPES.contains(&t.as_str()))
                .cloned()
                .collect();
            if types.is_empty() {
                types.push(
                    match content_type {
                        Some(ct) if FORM_TYPES.contains(&ct) => ct,
                        _ if has_file => "multipart/form-data",
                        _ => "application/x-www-form-urlencoded",
                    }
                    .to_owned(),
                );
            }
            let encoding = encoding.build();
            let mut content = MapBuilder::new();
            for t in &types {
                let mut media = MapBuilder::new();
                media.put("schema", schema.clone());
                // `style` and `explode` apply to urlencoded bodies only (3.x, Encoding Object).
                if !entries(Some(&encoding)).is_empty() {
                    if t == "application/x-www-form-urlencoded" {
                        media.put("encoding", encoding.clone());
                    } else {
                        for at in &encoded_at {
                            self.warn(
                                *at,
                                format!("`collectionFormat` of form fields has no counterpart in a `{t}` body (3.x styles apply to `application/x-www-form-urlencoded` only); left out there"),
                            );
                        }
                    }
                }
                content.put(t, media.build());
            }
            rb.put("content", content.build());
        }
        spanned(rb.build(), span)
    }

    /// The `schema` of a 2.0 non-body parameter, header or items object.
    fn param_schema_up(&mut self, p: &Node) -> Node {
        let mut schema = MapBuilder::new();
        for e in entries(Some(p)) {
            let key = &*e.key.name;
            if !PARAM_SCHEMA_KEYS.contains(&key) || key == "collectionFormat" {
                continue;
            }
            match key {
                "type" if e.value.as_str() == Some("file") => {
                    schema.put("type", spanned(string("string"), e.value.span));
                    schema.put("format", spanned(string("binary"), e.value.span));
                }
                "items" => {
                    if e.value.get("collectionFormat").is_some() {
                        self.warn(
                            e.value.span,
                            "nested `collectionFormat` has no 3.x counterpart; left out".into(),
                        );
                    }
                    schema.put("items", self.param_schema_up(&e.value));
                }
                _ => {
                    schema.put(key, e.value.clone());
                }
            }
        }
        spanned(schema.build(), p.span)
    }

    fn param_up(&mut self, p: &Node) -> Node {
        if p.get("$ref").is_some() {
            return self.param_ref_up(p);
        }
        let location = p.get("in").and_then(Node::as_str).unwrap_or_default();
        if location == "header"
            && let Some(name) = p.get("name")
            && let Some(ignored) = crate::convert::export::IGNORED_HEADERS
                .iter()
                .find(|h| name.as_str().is_some_and(|n| h.eq_ignore_ascii_case(n)))
        {
            // Kept (it documents the header), but 3.x says to ignore it, and import does.
            self.warn(
                name.span,
                format!("OpenAPI 3 ignores a header parameter named `{ignored}` (\"the parameter definition SHALL be ignored\"), and so does import: the parameter is lost to the gateway in {}", self.target),
            );
        }
        let is_array = p.get("type").and_then(Node::as_str) == Some("array");
        let mut out = MapBuilder::new();
        let mut schema_done = false;
        for e in entries(Some(p)) {
            let key = &*e.key.name;
            if PARAM_SCHEMA_KEYS.contains(&key) {
                if key == "collectionFormat" && is_array {
                    let format = e.value.as_str().unwrap_or("csv");
                    let (style, explode) = match (format, location) {
                        ("csv", "query" | "formData") => (Some("form"), Some(false)),
                        ("csv", _) => (None, None),
                        ("ssv", "query") => (Some("spaceDelimited"), Some(false)),
                        ("pipes", "query") => (Some("pipeDelimited"), Some(false)),
                        ("multi", "query") => (Some("form"), Some(true)),
                        _ => {
                            self.warn(
                                e.value.span,
                                format!("`collectionFormat: {format}` for a {location} parameter has no 3.x style; the default style applies"),
                            );
                            (None, None)
                        }
                    };
                    out.opt("style", style.map(|s| spanned(string(s), e.value.span)));
                    out.opt(
                        "explode",
                        explode.map(|x| {
                            spanned(Node::new(Span::default(), Value::Bool(x)), e.value.span)
                        }),
                    );
                }
                if !schema_done && key != "collectionFormat" {
                    out.put("schema", self.param_schema_up(p));
                    schema_done = true;
                }
                continue;
            }
            out.put(key, e.value.clone());
        }
        if is_array && location == "query" && p.get("collectionFormat").is_none() {
            // 2.0's default is csv; 3.x's default for query is exploded form.
            out.put("style", string("form"));
            out.put("explode", Node::new(Span::default(), Value::Bool(false)));
        }
        spanned(out.build(), p.span)
    }

    fn responses_up(&mut self, up: &Up2, responses: &Node, produces: &[String]) -> Node {
        let mut out = MapBuilder::new();
        for e in entries(Some(responses)) {
            if is_ext(&e.key.name) {
                out.put(&e.key.name, e.value.clone());
            } else {
                out.put(&e.key.name, self.response_up(up, &e.value, produces));
            }
        }
        spanned(out.build(), responses.span)
    }

    fn response_up(&mut self, _up: &Up2, r: &Node, produces: &[String]) -> Node {
        if let Some(reference) = r.get("$ref") {
            let mut m = MapBuilder::new();
            m.put(
                "$ref",
                self.rewrite_ref(reference, &[("#/responses/", "#/components/responses/")]),
            );
            return spanned(m.build(), r.span);
        }
        let mut out = MapBuilder::new();
        out.put(
            "description",
            r.get("description").cloned().unwrap_or_else(|| string("")),
        );
        if let Some(headers) = r.get("headers") {
            let mut m = MapBuilder::new();
            for h in entries(Some(headers)) {
                let mut header = MapBuilder::new();
                header.opt("description", h.value.get("description").cloned());
                header.put("schema", self.param_schema_up(&h.value));
                for x in entries(Some(&h.value)) {
                    if is_ext(&x.key.name) {
                        header.put(&x.key.name, x.value.clone());
                    }
                }
                m.put(&h.key.name, spanned(header.build(), h.value.span));
            }
            out.put("headers", spanned(m.build(), headers.span));
        }
        let schema = r.get("schema").map(|s| self.schema_up(s));
        let examples = entries(r.get("examples"));
        if schema.is_some() || !examples.is_empty() {
            let mut types: Vec<String> = produces.to_vec();
            if types.is_empty() {
                // 2.0 without `produces` does not say; `*/*` keeps it unsaid, as for a body
                // without `consumes`.
                types.push("*/*".to_owned());
            }
            for ex in examples {
                if !types.iter().any(|t| **t == *ex.key.name) {
                    types.push(ex.key.name.to_string());
                }
            }
            let mut content = MapBuilder::new();
            for t in &types {
                let mut media = MapBuilder::new();
                media.opt("schema", schema.clone());
                media.opt(
                    "example",
                    examples
                        .iter()
                        .find(|e| *e.key.name == **t)
                        .map(|e| e.value.clone()),
                );
                content.put(t, media.build());
            }
            out.put("content", content.build());
        }
        for e in entries(Some(r)) {
            if is_ext(&e.key.name) {
                out.put(&e.key.name, e.value.clone());
            }
        }
        spanned(out.build(), r.span)
    }

    fn security_scheme_up(&mut self, s: &Node) -> Node {
        let kind = s.get("type").and_then(Node::as_str).unwrap_or_default();
        let mut out = MapBuilder::new();
        match kind {
            "basic" => {
                out.put("type", string("http"));
                out.put("scheme", string("basic"));
                out.opt("description", s.get("description").cloned());
            }
            "oauth2" => {
                out.put("type", string("oauth2"));
                out.opt("description", s.get("description").cloned());
                let flow = match s.get("flow").and_then(Node::as_str) {
                    Some("implicit") => "implicit",
                    Some("password") => "password",
                    Some("application") => "clientCredentials",
                    _ => "authorizationCode",
                };
                let mut f = MapBuilder::new();
                f.opt("authorizationUrl", s.get("authorizationUrl").cloned());
                f.opt("tokenUrl", s.get("tokenUrl").cloned());
                f.put(
                    "scopes",
                    s.get("scopes")
                        .cloned()
                        .unwrap_or_else(|| MapBuilder::new().build()),
                );
                let mut flows = MapBuilder::new();
                flows.put(flow, f.build());
                out.put("flows", flows.build());
            }
            _ => {
                for e in entries(Some(s)) {
                    if !is_ext(&e.key.name) {
                        out.put(&e.key.name, e.value.clone());
                    }
                }
            }
        }
        for e in entries(Some(s)) {
            if is_ext(&e.key.name) {
                out.put(&e.key.name, e.value.clone());
            }
        }
        spanned(out.build(), s.span)
    }

    /// A 2.0 Schema Object as a 3.0 one.
    fn schema_up(&mut self, s: &Node) -> Node {
        let Some(map) = s.as_map() else {
            return s.clone();
        };
        let mut out = MapBuilder::new();
        for e in &map.entries {
            let key = &*e.key.name;
            let v = &e.value;
            match key {
                "$ref" => {
                    out.put(
                        key,
                        self.rewrite_ref(v, &[("#/definitions/", "#/components/schemas/")]),
                    );
                }
                "x-nullable" => {
                    out.put("nullable", v.clone());
                }
                "type" if v.as_str() == Some("file") => {
                    out.put("type", spanned(string("string"), v.span));
                    out.put("format", spanned(string("binary"), v.span));
                }
                "discriminator" => {
                    let mut d = MapBuilder::new();
                    d.put("propertyName", v.clone());
                    out.put(key, spanned(d.build(), v.span));
                }
                "items" if v.as_seq().is_some() => {
                    self.warn(
                        v.span,
                        "a list of `items` schemas (tuple) has no 3.0 counterpart; the first is used"
                            .into(),
                    );
                    if let Some(first) = v.as_seq().and_then(|l| l.first()) {
                        out.put(key, self.schema_up(first));
                    }
                }
                _ => {
                    out.put(key, self.sub_schemas(key, v, &mut |cx, s| cx.schema_up(s)));
                }
            }
        }
        spanned(out.build(), s.span)
    }

    /// The value of schema keyword `key`, with `f` applied to each subschema it holds.
    fn sub_schemas(
        &mut self,
        key: &str,
        v: &Node,
        f: &mut dyn FnMut(&mut Cx, &Node) -> Node,
    ) -> Node {
        if is_ext(key) {
            return v.clone();
        }
        // A boolean is a schema too (3.1), except where 2.0 and 3.0 give
        // `additionalProperties` a boolean of their own.
        if ONE_SCHEMA.contains(&key)
            && (v.as_map().is_some() || (v.as_bool().is_some() && key != "additionalProperties"))
        {
            return f(self, v);
        }
        if SCHEMA_LISTS.contains(&key)
            && let Some(list) = v.as_seq()
        {
            return spanned(seq(list.iter().map(|s| f(self, s)).collect()), v.span);
        }
        if SCHEMA_MAPS.contains(&key)
            && let Some(map) = v.as_map()
        {
            let mut m = MapBuilder::new();
            for e in &map.entries {
                m.put(&e.key.name, f(self, &e.value));
            }
            return spanned(m.build(), v.span);
        }
        v.clone()
    }

    // ===== 3.0 → 3.1 and back ================================================================

    fn up_to_31(&mut self, root: &Node) -> Node {
        let mut doc = root.clone();
        if let Some(v) = get_mut(&mut doc, "openapi") {
            *v = spanned(string("3.1.0"), v.span);
        }
        walk_oas3(self, &mut doc, &mut |cx, s| cx.schema_to_31(s));
        doc
    }

    fn schema_to_31(&mut self, s: &Node) -> Node {
        let Some(map) = s.as_map() else {
            return s.clone();
        };
        if map.get("$ref").is_some() {
            return self.ref_siblings_to_31(map, s.span);
        }
        let nullable = map.get("nullable").and_then(Node::as_bool) == Some(true);
        let mut out = MapBuilder::new();
        for e in &map.entries {
            let key = &*e.key.name;
            let v = &e.value;
            match key {
                "nullable" => {}
                "type" if nullable => {
                    let t = v.clone();
                    out.put(
                        key,
                        spanned(seq(vec![t, spanned(string("null"), v.span)]), v.span),
                    );
                }
                "exclusiveMaximum" | "exclusiveMinimum" => {
                    let bound = if key == "exclusiveMaximum" {
                        "maximum"
                    } else {
                        "minimum"
                    };
                    if v.as_bool() == Some(true)
                        && let Some(n) = map.get(bound)
                    {
                        out.put(key, n.clone());
                    }
                }
                "maximum" | "minimum" => {
                    let exclusive = if key == "maximum" {
                        "exclusiveMaximum"
                    } else {
                        "exclusiveMinimum"
                    };
                    if map.get(exclusive).and_then(Node::as_bool) != Some(true) {
                        out.put(key, v.clone());
                    }
                }
                _ => {
                    out.put(
                        key,
                        self.sub_schemas(key, v, &mut |cx, s| cx.schema_to_31(s)),
                    );
                }
            }
        }
        if nullable
            && map.get("type").is_none()
            && let Some(combined) = ["oneOf", "anyOf", "allOf"]
                .into_iter()
                .find(|k| map.get(k).is_some())
            && let Some(e) = map.entry("nullable")
        {
            // 3.0.3 gives `nullable` effect only beside `type`, but readers of earlier 3.0
            // texts let it admit null beside a combination; 3.1 has no `nullable` to keep
            // either reading. (Without `type` or a combination every value, null included, is
            // allowed already.)
            self.warn(
                e.key.span,
                format!("`nullable` beside `{combined}` without `type` has no effect in OpenAPI 3.0.3 and no counterpart in {}; left out (to admit null there, add `{{type: \"null\"}}` as an alternative)", self.target),
            );
        }
        spanned(out.build(), s.span)
    }

    /// A 3.0 (or 2.0) schema that is a `$ref`, for 3.1: 3.0 ignores every member beside a
    /// `$ref` (a Reference Object "cannot be extended with additional properties and any
    /// properties added SHALL be ignored"), 3.1 applies them, so kept they would change what
    /// the schema allows (`maximum: 10` beside a `$ref` to `maximum: 100` tightens it, and
    /// import reads it). They are left out with a warning at each; extensions stay, as they
    /// constrain nothing.
    fn ref_siblings_to_31(&mut self, map: &Map, span: Span) -> Node {
        let mut out = MapBuilder::new();
        for e in &map.entries {
            let key = &*e.key.name;
            if key == "$ref" || is_ext(key) {
                out.put(key, e.value.clone());
            } else {
                self.warn(
                    e.key.span,
                    format!("`{key}` beside `$ref` is ignored in the source version, but {} would apply it; left out to keep the schema's meaning", self.target),
                );
            }
        }
        spanned(out.build(), span)
    }

    fn down_to_30(&mut self, root: &Node) -> Node {
        let mut doc = root.clone();
        if let Some(v) = get_mut(&mut doc, "openapi") {
            *v = spanned(string("3.0.3"), v.span);
        }
        if let Value::Map(map) = &mut doc.value {
            let mut kept = Vec::with_capacity(map.entries.len());
            for e in std::mem::take(&mut map.entries) {
                match &*e.key.name {
                    "webhooks" | "jsonSchemaDialect" => {
                        let target = self.target.clone();
                        self.drop_entry(&e, &target);
                    }
                    _ => kept.push(e),
                }
            }
            map.entries = kept;
            if map.get("paths").is_none() {
                map.entries.push(Entry {
                    key: crate::source::Key {
                        span: Span::default(),
                        name: "paths".into(),
                    },
                    value: MapBuilder::new().build(),
                });
            }
        }
        for (parent, key) in [("info", "summary"), ("license", "identifier")] {
            let target = if parent == "info" {
                get_mut(&mut doc, "info")
            } else {
                get_mut(&mut doc, "info").and_then(|i| get_mut(i, "license"))
            };
            if let Some(Node {
                value: Value::Map(m),
                ..
            }) = target
                && let Some(i) = m.entries.iter().position(|e| &*e.key.name == key)
            {
                let e = m.entries.remove(i);
                let target = self.target.clone();
                self.drop_entry(&e, &target);
            }
        }
        // The path items of `components/pathItems` go with it: each `$ref` to one must take
        // its content first, or the result would hold references to nothing.
        self.inline_path_items(root, &mut doc);
        self.inline_described_params(root, &mut doc);
        if let Some(Node {
            value: Value::Map(components),
            ..
        }) = get_mut(&mut doc, "components")
            && let Some(i) = components
                .entries
                .iter()
                .position(|e| &*e.key.name == "pathItems")
        {
            let e = components.entries.remove(i);
            self.warn(
                e.key.span,
                format!(
                    "`pathItems` has no counterpart in {}; each path item a `$ref` in `paths` or a callback names is written in its place, and the component is left out",
                    self.target
                ),
            );
        }
        if let Some(components) = get_mut(&mut doc, "components")
            && let Some(Node {
                value: Value::Map(schemes),
                ..
            }) = get_mut(components, "securitySchemes")
        {
            let mut kept = Vec::with_capacity(schemes.entries.len());
            for e in std::mem::take(&mut schemes.entries) {
                if e.value.get("type").and_then(Node::as_str) == Some("mutualTLS") {
                    self.warn(
                        e.key.span,
                        format!(
                            "{} has no `mutualTLS` security scheme; scheme left out",
                            self.target
                        ),
                    );
                } else {
                    kept.push(e);
                }
            }
            schemes.entries = kept;
        }
        self.require_responses(&mut doc);
        walk_oas3(self, &mut doc, &mut |cx, s| cx.schema_to_30(s));
        self.add_hoisted(&mut doc);
        doc
    }

    /// Writes in place of each `$ref` of a path item (in `paths` and in callbacks) whose chain
    /// of references passes through `components/pathItems`, which 3.0 and 2.0 lack, the path
    /// item it names, as import reads the pair: the members beside the `$ref` in the order
    /// written, the named path item's in place of the `$ref`, a member written in both taken
    /// from beside the `$ref`, and the path-level parameters of both merged by `in` and
    /// `name` (one beside the `$ref` replaces the named item's in its place; a list may not
    /// repeat a parameter). `root` is the 3.1 document, `doc` its copy being converted.
    ///
    /// A path item can name itself through a callback of its operations; written in place it
    /// would never end, so such a `$ref` becomes the pointer of a `paths` entry or enclosing
    /// callback where the path item is written with nothing beside it (reported when there is
    /// none).
    fn inline_path_items(&mut self, root: &Node, doc: &mut Node) {
        fn each_value(node: &mut Node, mut g: impl FnMut(&str, &mut Node)) {
            if let Value::Map(m) = &mut node.value {
                for e in &mut m.entries {
                    if !is_ext(&e.key.name) {
                        g(&e.key.name, &mut e.value);
                    }
                }
            }
        }
        /// The path items being written in place, innermost last, and the `paths` entries
        /// that are a `$ref` alone.
        struct Stack {
            open: Vec<Place>,
            alone: Vec<Place>,
        }
        fn item(cx: &mut Cx, root: &Node, node: &mut Node, at: String, stack: &mut Stack) {
            let places = (stack.open.as_slice(), stack.alone.as_slice());
            let pushed = match cx.path_item_in_place(root, node, places) {
                Some((inlined, target, pure)) => {
                    *node = inlined;
                    stack.open.push((target, pure.then(|| at.clone())));
                    true
                }
                None => false,
            };
            if let Value::Map(m) = &mut node.value {
                for op in &mut m.entries {
                    let key = &*op.key.name;
                    if METHODS_2.contains(&key) || key == "trace" || key == ANY_METHOD {
                        let at = format!("{at}/{key}/callbacks");
                        if let Some(cb) = get_mut(&mut op.value, "callbacks") {
                            callbacks(cx, root, cb, &at, stack);
                        }
                    }
                }
            }
            if pushed {
                stack.open.pop();
            }
        }
        fn callbacks(cx: &mut Cx, root: &Node, node: &mut Node, at: &str, stack: &mut Stack) {
            each_value(node, |name, callback| {
                let at = format!("{at}/{}", escape_pointer_token(name));
                each_value(callback, |expression, i| {
                    let at = format!("{at}/{}", escape_pointer_token(expression));
                    item(cx, root, i, at, stack);
                });
            });
        }
        let mut stack = Stack {
            open: Vec::new(),
            alone: Vec::new(),
        };
        // A `paths` entry that is a `$ref` alone is where a path item naming itself points.
        for e in entries(root.get("paths")) {
            let alone = e.value.as_map().is_some_and(|m| m.len() == 1);
            if alone && let Some((_, target, _)) = self.path_item_target(root, &e.value) {
                let at = format!("/paths/{}", escape_pointer_token(&e.key.name));
                stack.alone.push((target, Some(at)));
            }
        }
        if let Some(paths) = get_mut(doc, "paths") {
            each_value(paths, |path, i| {
                let at = format!("/paths/{}", escape_pointer_token(path));
                item(self, root, i, at, &mut stack);
            });
        }
        if let Some(cb) = get_mut(doc, "components").and_then(|c| get_mut(c, "callbacks")) {
            callbacks(self, root, cb, "/components/callbacks", &mut stack);
        }
    }

    /// Writes the parameter in place of each parameter `$ref` with a `description` beside it:
    /// 3.1 lets that `description` replace the target's, 3.0 and 2.0 ignore members beside a
    /// `$ref`, so kept as a reference the parameter would lose its own description (import
    /// reads it as the parameter's `remark`). Other members beside such a `$ref` (a Reference
    /// Object's `summary`, which a parameter has no place for) are reported as left out.
    fn inline_described_params(&mut self, root: &Node, doc: &mut Node) {
        fn list(cx: &mut Cx, root: &Node, node: &mut Node) {
            if let Value::Seq(items) = &mut node.value {
                for p in items {
                    cx.described_param(root, p);
                }
            }
        }
        fn item(cx: &mut Cx, root: &Node, node: &mut Node) {
            let Value::Map(m) = &mut node.value else {
                return;
            };
            for e in &mut m.entries {
                let key = &*e.key.name;
                if key == "parameters" {
                    list(cx, root, &mut e.value);
                } else if METHODS_2.contains(&key) || key == "trace" || key == ANY_METHOD {
                    if let Some(p) = get_mut(&mut e.value, "parameters") {
                        list(cx, root, p);
                    }
                    if let Some(cb) = get_mut(&mut e.value, "callbacks") {
                        callbacks(cx, root, cb);
                    }
                }
            }
        }
        fn callbacks(cx: &mut Cx, root: &Node, node: &mut Node) {
            if let Value::Map(m) = &mut node.value {
                for callback in &mut m.entries {
                    if let Value::Map(c) = &mut callback.value.value {
                        for e in &mut c.entries {
                            item(cx, root, &mut e.value);
                        }
                    }
                }
            }
        }
        if let Some(Node {
            value: Value::Map(paths),
            ..
        }) = get_mut(doc, "paths")
        {
            for e in &mut paths.entries {
                if !is_ext(&e.key.name) {
                    item(self, root, &mut e.value);
                }
            }
        }
        let Some(components) = get_mut(doc, "components") else {
            return;
        };
        if let Some(cb) = get_mut(components, "callbacks") {
            callbacks(self, root, cb);
        }
        if let Some(Node {
            value: Value::Map(params),
            ..
        }) = get_mut(components, "parameters")
        {
            for e in &mut params.entries {
                self.described_param(root, &mut e.value);
            }
        }
    }

    /// A parameter `$ref` with a `description` beside it becomes the parameter it names (at
    /// the end of a chain of references, as import reads it) with that `description`.
    fn described_param(&mut self, root: &Node, p: &mut Node) {
        let Some(description) = p.get("description").cloned() else {
            return;
        };
        // Not a reference (or one into another file): kept as written.
        let Some(mut pointer) = pointer_of(p) else {
            return;
        };
        let mut target: &Node = root;
        for _ in 0..32 {
            match self.keys.pointer(root, &pointer) {
                Some(found) => target = found.node,
                // Broken: import reports it; nothing to write in its place.
                None => return,
            }
            match pointer_of(target) {
                Some(next) => pointer = next,
                None => break,
            }
        }
        // One ending in another file, or a loop: kept as written.
        if target.get("$ref").is_some() {
            return;
        }
        let Some(map) = target.as_map() else {
            return;
        };
        let mut entries = map.entries.clone();
        match entries.iter_mut().find(|e| &*e.key.name == "description") {
            Some(e) => e.value = description,
            None => entries.push(Entry {
                key: crate::source::Key {
                    span: description.span,
                    name: "description".into(),
                },
                value: description,
            }),
        }
        let others: Vec<Entry> = p
            .as_map()
            .map(|m| m.entries.clone())
            .unwrap_or_default()
            .into_iter()
            .filter(|e| !matches!(&*e.key.name, "$ref" | "description"))
            .collect();
        for e in &others {
            self.drop_entry(e, "a parameter written in place of its `$ref`");
        }
        *p = map_node(Map { entries }, p.span);
    }

    /// The end of the chain of path item references that starts at `written`, with its
    /// pointer, when the chain passes through `components/pathItems` and ends in a path item
    /// of this document; `None` otherwise (no such `$ref`, or a chain that breaks or loops:
    /// import reports those); and where members beside a `$ref` further along the chain
    /// begin (import does not read them).
    fn path_item_target<'r>(
        &self,
        root: &'r Node,
        written: &Node,
    ) -> Option<(&'r Map, String, Vec<Span>)> {
        let mut skipped = Vec::new();
        let (mut node, mut pointer, mut through_components) = (None::<&Node>, None, false);
        let mut next = pointer_of(written);
        for _ in 0..32 {
            let Some(p) = next else {
                break;
            };
            through_components |= p.starts_with("/components/pathItems/");
            let found = self.keys.pointer(root, &p)?.node;
            if let Some(first) = entries(Some(found)).iter().find(|e| &*e.key.name != "$ref")
                && found.get("$ref").is_some()
            {
                skipped.push(first.key.span);
            }
            next = pointer_of(found);
            (node, pointer) = (Some(found), Some(p));
        }
        // A chain still going after 32 steps loops; one ending in another file's path item
        // stays a reference (reported as external elsewhere).
        let target = node?.as_map().filter(|t| t.entry("$ref").is_none())?;
        if !through_components {
            return None;
        }
        Some((target, pointer?, skipped))
    }

    /// `written` with the path item its `$ref` names in place of the `$ref` (see
    /// [`Cx::inline_path_items`]), the path item's pointer and whether nothing was beside the
    /// `$ref`; `None` to keep `written` as it is. A path item on `stack` (naming itself) is
    /// not written again: its `$ref` is changed to a place on the stack where it is written
    /// alone, or else to one of `alone`, the `paths` entries that are a `$ref` alone.
    fn path_item_in_place(
        &mut self,
        root: &Node,
        written: &Node,
        (stack, alone): (&[Place], &[Place]),
    ) -> Option<(Node, String, bool)> {
        let (target, pointer, skipped) = self.path_item_target(root, written)?;
        let beside = written.as_map()?;
        for span in skipped {
            self.warn(
                span,
                "members beside `$ref` in a path item that a `$ref` names are not carried where the path item is written in place of the `$ref` (import reads only those beside the first `$ref`); left out".into(),
            );
        }
        if stack.iter().any(|(t, _)| *t == pointer) {
            let span = beside.get("$ref")?.span;
            let place = stack
                .iter()
                .chain(alone)
                .find_map(|(t, at)| at.as_ref().filter(|_| *t == pointer));
            let Some(at) = place else {
                self.warn(
                    span,
                    format!("this path item names itself through a callback, and {} has no `components/pathItems` to hold it, nor is it written alone in a `paths` entry to point at; the `$ref` is kept and names nothing in the result", self.target),
                );
                return None;
            };
            let mut kept = written.clone();
            if let Some(r) = get_mut(&mut kept, "$ref") {
                *r = spanned(string(&pointer_fragment(at)), span);
            }
            return Some((kept, pointer, false));
        }
        let param_key = |p: &Node| {
            let p = match pointer_of(p) {
                Some(pointer) => self.keys.pointer(root, &pointer)?.node,
                None => p,
            };
            let location = p.get("in")?.as_str()?;
            Some((location.to_owned(), p.get("name")?.as_str()?.to_owned()))
        };
        let mut out = Vec::with_capacity(beside.entries.len() + target.entries.len());
        for e in &beside.entries {
            match &*e.key.name {
                "$ref" => out.extend(
                    target
                        .entries
                        .iter()
                        .filter(|t| beside.entry(&t.key.name).is_none())
                        .cloned(),
                ),
                "parameters" => {
                    let (Some(ours), Some(theirs)) = (
                        e.value.as_seq(),
                        target.get("parameters").and_then(Node::as_seq),
                    ) else {
                        out.push(e.clone());
                        continue;
                    };
                    let mut merged = theirs.to_vec();
                    let keys: Vec<_> = theirs.iter().map(&param_key).collect();
                    for p in ours {
                        let key = param_key(p);
                        match keys.iter().position(|k| key.is_some() && *k == key) {
                            Some(i) => merged[i] = p.clone(),
                            None => merged.push(p.clone()),
                        }
                    }
                    out.push(Entry {
                        key: e.key.clone(),
                        value: Node::new(e.value.span, Value::Seq(merged)),
                    });
                }
                _ => out.push(e.clone()),
            }
        }
        let alone = beside.len() == 1;
        Some((map_node(Map { entries: out }, written.span), pointer, alone))
    }

    /// 3.1 operations may omit `responses`; 3.0 and 2.0 require at least one response, so an
    /// operation without any gets a default one (reported).
    fn require_responses(&mut self, doc: &mut Node) {
        let Some(Node {
            value: Value::Map(paths),
            ..
        }) = get_mut(doc, "paths")
        else {
            return;
        };
        for item in &mut paths.entries {
            let Value::Map(item) = &mut item.value.value else {
                continue;
            };
            for op in &mut item.entries {
                let key = &*op.key.name;
                if !(METHODS_2.contains(&key) || key == "trace" || key == ANY_METHOD) {
                    continue;
                }
                let Value::Map(map) = &mut op.value.value else {
                    continue;
                };
                let has_response = map
                    .get("responses")
                    .is_some_and(|r| entries(Some(r)).iter().any(|e| !is_ext(&e.key.name)));
                if has_response {
                    continue;
                }
                self.warn(
                    op.key.span,
                    format!(
                        "{} requires at least one response; a default response is added",
                        self.target
                    ),
                );
                let mut response = MapBuilder::new();
                response.put("description", string("Default response"));
                let mut default = MapBuilder::new();
                default.put("default", response.build());
                let default = default.build();
                match map.entries.iter_mut().find(|e| &*e.key.name == "responses") {
                    Some(e) => {
                        if let (Value::Map(existing), Value::Map(added)) =
                            (&mut e.value.value, default.value)
                        {
                            existing.entries.splice(0..0, added.entries);
                        }
                    }
                    None => map.entries.push(Entry {
                        key: crate::source::Key {
                            span: op.key.span,
                            name: "responses".into(),
                        },
                        value: default,
                    }),
                }
            }
        }
    }

    fn schema_to_30(&mut self, s: &Node) -> Node {
        // 3.0 schemas are objects: `true` admits everything, as `{}` does, and `false`
        // nothing, as `{not: {}}` does (which 2.0, without `not`, reports in its turn).
        if let Some(b) = s.as_bool() {
            let mut out = MapBuilder::new();
            if !b {
                out.put("not", spanned(MapBuilder::new().build(), s.span));
            }
            return spanned(out.build(), s.span);
        }
        let Some(map) = s.as_map() else {
            return s.clone();
        };
        // 3.1 applies the keywords beside a `$ref` with its target's; earlier versions ignore
        // them, and so would every 2.0 or 3.0 tool reading the result.
        // Annotations (a `description` beside the `$ref`, as most are) change no value's
        // validity, so their being ignored is not worth a warning.
        if map.len() > 1
            && map.get("$ref").is_some()
            && let Some(first) = map.entries.iter().find(|e| {
                !matches!(
                    &*e.key.name,
                    "$ref" | "description" | "title" | "$comment" | "example" | "examples"
                ) && !is_ext(&e.key.name)
            })
        {
            self.warn(
                first.key.span,
                format!(
                    "keywords beside `$ref` apply in OpenAPI 3.1 but are ignored in {}; written as they are",
                    self.target
                ),
            );
        }
        let mut out = MapBuilder::new();
        // Where the schema says it may be null (its `type`), for what is written from it.
        let mut nullable = None;
        for e in &map.entries {
            let key = &*e.key.name;
            let v = &e.value;
            match key {
                "type" if v.as_seq().is_some() => {
                    let types: Vec<&Node> = v
                        .as_seq()
                        .unwrap_or_default()
                        .iter()
                        .filter(|t| t.as_str() != Some("null"))
                        .collect();
                    if types.len() < v.as_seq().map_or(0, <[Node]>::len) {
                        nullable = Some(v.span);
                    }
                    match types.as_slice() {
                        [one] => {
                            out.put(key, (*one).clone());
                        }
                        [] => {}
                        [first, ..] => {
                            self.warn(
                                v.span,
                                format!("a list of several types has no counterpart in {}; the first is used", self.target),
                            );
                            out.put(key, (*first).clone());
                        }
                    }
                }
                "type" if v.as_str() == Some("null") => {
                    self.warn(
                        v.span,
                        format!(
                            "{} has no `null` type; written as a nullable schema of any type",
                            self.target
                        ),
                    );
                    nullable = Some(v.span);
                }
                "const" => {
                    out.put("enum", spanned(seq(vec![v.clone()]), v.span));
                }
                "examples" => {
                    let list = v.as_seq().unwrap_or_default();
                    if let Some(first) = list.first() {
                        out.put("example", first.clone());
                    }
                    if let Some(second) = list.get(1) {
                        self.warn(
                            second.span,
                            format!("an {} schema has one `example`: the first of `examples` is written, the others ({}) are left out", self.target, list.len() - 1),
                        );
                    }
                }
                "exclusiveMaximum" | "exclusiveMinimum" if v.as_number().is_some() => {
                    let bound = if key == "exclusiveMaximum" {
                        "maximum"
                    } else {
                        "minimum"
                    };
                    // With an inclusive bound beside it, the tighter of the two is the one
                    // 3.0 can write (one `minimum`, exclusive or not).
                    if exclusive_is_tighter(map, bound) {
                        out.put(bound, v.clone());
                        out.put(
                            key,
                            spanned(Node::new(Span::default(), Value::Bool(true)), v.span),
                        );
                    }
                }
                "maximum" | "minimum" if exclusive_is_tighter(map, key) => {}
                "$ref" => {
                    out.put(key, self.ref_to_30(v));
                }
                "$defs" if v.as_map().is_some() => self.hoist_defs(e),
                k if !SCHEMA_30.contains(&k) && !is_ext(k) => {
                    let target = format!("an {} Schema Object", self.target);
                    self.drop_entry(e, &target);
                }
                _ => {
                    out.put(
                        key,
                        self.sub_schemas(key, v, &mut |cx, s| cx.schema_to_30(s)),
                    );
                }
            }
        }
        if let Some(span) = nullable {
            out.put("nullable", Node::new(span, Value::Bool(true)));
        }
        spanned(out.build(), s.span)
    }

    /// A 3.1 schema's `$ref` as a 3.0 one: one that names a schema of this document other
    /// than by the pointer it is written as (`#name` by `$anchor`, a URI by `$id`, anything
    /// resolved against an `$id`, a pointer into a `$defs`) becomes the pointer of that schema
    /// in the result (3.0 has no anchors, identifiers or `$defs`).
    fn ref_to_30(&mut self, reference: &Node) -> Node {
        let Some(text) = reference.as_str() else {
            return reference.clone();
        };
        match self.refs.targets.get(&reference.span.start) {
            Some(Some(pointer)) => spanned(string(&pointer_fragment(pointer)), reference.span),
            Some(None) => {
                let message = match text
                    .strip_prefix('#')
                    .filter(|n| !n.is_empty() && !n.starts_with('/'))
                {
                    Some(name) => {
                        let name = crate::source::refs::percent_decode(name);
                        format!(
                            "`#{name}` names a schema by `$anchor`, but no schema of this document has `$anchor: {name}`, and {} has no anchors; written as it is, it names nothing",
                            self.target
                        )
                    }
                    None => format!(
                        "`{text}`, resolved against the `$id` of the schema it is written in, names no schema of this document, and {} has no `$id`; written as it is, it names something else",
                        self.target
                    ),
                };
                self.warn(reference.span, message);
                reference.clone()
            }
            None => reference.clone(),
        }
    }

    /// The schemas of a 3.1 `$defs`, moved to `components/schemas` (see [`RefPlan`]).
    fn hoist_defs(&mut self, entry: &Entry) {
        for def in entries(Some(&entry.value)) {
            match self.refs.hoisted.get(&def.value.span.start).cloned() {
                Some(name) => {
                    let schema = self.schema_to_30(&def.value);
                    self.hoisted.push((name, schema));
                }
                None => {
                    let target = format!("an {} Schema Object", self.target);
                    self.drop_entry(def, &target);
                }
            }
        }
    }

    /// Adds the schemas moved out of `$defs` to `components/schemas`.
    fn add_hoisted(&mut self, doc: &mut Node) {
        if self.hoisted.is_empty() {
            return;
        }
        let schemas = child_map(doc, "components").and_then(|c| child_map(c, "schemas"));
        if let Some(Node {
            value: Value::Map(schemas),
            ..
        }) = schemas
        {
            for (name, schema) in std::mem::take(&mut self.hoisted) {
                schemas.entries.push(Entry {
                    key: crate::source::Key {
                        span: schema.span,
                        name: name.into(),
                    },
                    value: schema,
                });
            }
        }
    }

    // ===== 3.0 → 2.0 ==========================================================================

    fn down_to_2(&mut self, root: &Node) -> Node {
        let mut with_responses = root.clone();
        self.require_responses(&mut with_responses);
        let root = &with_responses;
        let components = root.get("components");
        self.dropped_schemes = entries(components.and_then(|c| c.get("securitySchemes")))
            .iter()
            .filter(|e| !scheme_fits_2(&e.value))
            .map(|e| e.key.name.to_string())
            .collect();
        let mut doc = MapBuilder::new();
        doc.put("swagger", spanned(string("2.0"), span_of(root, "openapi")));
        let mut extensions = Vec::new();
        let (host, base, schemes) = self.server_parts(root.get("servers"));
        for entry in entries(Some(root)) {
            let value = &entry.value;
            match &*entry.key.name {
                "openapi" => {}
                "info" => {
                    doc.put("info", value.clone());
                    doc.opt("host", host.as_deref().map(string));
                    if !base.is_empty() {
                        doc.put("basePath", string(&base));
                    }
                    if !schemes.is_empty() {
                        doc.put("schemes", seq(schemes.iter().map(|s| string(s)).collect()));
                    }
                }
                "servers" => {}
                "paths" => {
                    let paths = self.paths_down(root, value, (&host, &base));
                    doc.put("paths", paths);
                }
                "components" => {}
                "security" => {
                    let security = self.security_down(value);
                    doc.put("security", security);
                }
                key if is_ext(key) => extensions.push(entry.clone()),
                key => {
                    doc.put(key, value.clone());
                }
            }
        }
        for e in entries(components) {
            let key = &*e.key.name;
            let value = &e.value;
            match key {
                "schemas" => {
                    let mut m = MapBuilder::new();
                    for s in entries(Some(value)) {
                        m.put(&s.key.name, self.schema_down(&s.value));
                    }
                    doc.put("definitions", spanned(m.build(), value.span));
                }
                "parameters" | "requestBodies" => {}
                "responses" => {
                    let mut m = MapBuilder::new();
                    for r in entries(Some(value)) {
                        m.put(&r.key.name, self.response_down(root, &r.value).0);
                    }
                    doc.put("responses", spanned(m.build(), value.span));
                }
                "securitySchemes" => {
                    let mut m = MapBuilder::new();
                    for s in entries(Some(value)) {
                        if let Some(scheme) = self.security_scheme_down(&s.value) {
                            m.put(&s.key.name, scheme);
                        }
                    }
                    doc.put("securityDefinitions", spanned(m.build(), value.span));
                }
                // §6-9: group responses at the root for 2.0; policy maps also belong there.
                "x-apigateway-responses"
                | "x-apigateway-ratelimits"
                | "x-apigateway-access-controls" => extensions.push(e.clone()),
                k if is_ext(k) => {
                    self.warn(
                        e.key.span,
                        format!("`components.{k}` has no place in 2.0; moved to the root"),
                    );
                    extensions.push(e.clone());
                }
                _ => self.drop_entry(e, "Swagger 2.0 (referenced uses are inlined)"),
            }
        }
        // Parameters and request bodies: 2.0 keeps them together under `parameters`.
        let mut params = MapBuilder::new();
        for p in entries(components.and_then(|c| c.get("parameters"))) {
            if let Some(param) = self.param_down(root, &p.value) {
                params.put(&p.key.name, param);
            }
        }
        for b in entries(components.and_then(|c| c.get("requestBodies"))) {
            if let Some(body) = self.body_param_down(root, &b.value, &b.key.name).0 {
                params.put(&b.key.name, body);
            }
        }
        if !params.is_empty() {
            doc.put("parameters", params.build());
        }
        for e in self.merge_extensions(extensions) {
            doc.put(&e.key.name, e.value);
        }
        spanned(doc.build(), root.span)
    }

    /// Document-level extensions of a 3.x document come from the root and from `components`,
    /// and 2.0 has only the root: one key in both places must become one key (a repeated key
    /// makes the output unreadable). `entries` holds the root's first. Two maps are merged, the
    /// root's entry winning a name given in both, as import reads the pair (README, "Import");
    /// anything else keeps the root's value. Each loser is a warning at its key.
    fn merge_extensions(&mut self, entries: Vec<Entry>) -> Vec<Entry> {
        let mut merged: Vec<Entry> = Vec::new();
        for e in entries {
            let Some(kept) = merged.iter_mut().find(|k| k.key.name == e.key.name) else {
                merged.push(e);
                continue;
            };
            let key = e.key.name.clone();
            match (&mut kept.value.value, e.value.value) {
                (Value::Map(kept_map), Value::Map(other)) => {
                    for entry in other.entries {
                        if kept_map.entry(&entry.key.name).is_some() {
                            self.warn(
                                entry.key.span,
                                format!(
                                    "`{}` is defined both in `{key}` at the root and under `components`; 2.0 has one `{key}` at the root, which keeps the root's",
                                    entry.key.name
                                ),
                            );
                        } else {
                            kept_map.entries.push(entry);
                        }
                    }
                }
                _ => self.warn(
                    e.key.span,
                    format!(
                        "`components.{key}` and the root's `{key}` are not both mappings to merge; 2.0 has one `{key}` at the root, which keeps the root's"
                    ),
                ),
            }
        }
        merged
    }

    /// `(host, basePath, schemes)` from a server list; what does not fit is reported.
    fn server_parts(&mut self, servers: Option<&Node>) -> (Option<String>, String, Vec<String>) {
        let list = servers.and_then(Node::as_seq).unwrap_or_default();
        let mut host = None;
        let mut base = String::new();
        let mut schemes: Vec<String> = Vec::new();
        for (i, s) in list.iter().enumerate() {
            let Some(url) = s.get("url").and_then(Node::as_str) else {
                continue;
            };
            let url = substitute(url, s.get("variables"));
            let (scheme, rest) = match url.split_once("://") {
                Some((scheme, rest)) => (Some(scheme.to_ascii_lowercase()), rest.to_owned()),
                None => (None, String::new()),
            };
            let (h, path) = match scheme {
                Some(_) => match rest.find('/') {
                    Some(i) => (Some(rest[..i].to_owned()), rest[i..].to_owned()),
                    None => (Some(rest.clone()), String::new()),
                },
                None => (None, url.clone()),
            };
            let path = path.trim_end_matches('/').to_owned();
            // A scheme written as a variable may be any value its `enum` lists.
            let all: Vec<String> = crate::openapi::server_schemes(s)
                .into_iter()
                .map(str::to_ascii_lowercase)
                .chain(scheme)
                .collect();
            if i == 0 || (h == host && path == base) {
                self.server_variables_down(s);
                if i == 0 {
                    host = h;
                    base = path;
                }
                for scheme in all {
                    if !schemes.contains(&scheme) {
                        schemes.push(scheme);
                    }
                }
            } else {
                self.warn(
                    s.span,
                    "2.0 has one host and base path; this server differs from the first and is left out".into(),
                );
            }
        }
        (host, base, schemes)
    }

    /// Warns at what the variables of server `s` say beyond their default, which is all 2.0
    /// keeps of them (its `host` and `basePath` are fixed): the other values of an `enum`, and
    /// a `description`. A variable naming the scheme keeps its `enum` as `schemes`.
    fn server_variables_down(&mut self, s: &Node) {
        let url = s.get("url").and_then(Node::as_str).unwrap_or_default();
        let scheme_variable = url
            .split_once("://")
            .and_then(|(scheme, _)| scheme.strip_prefix('{'))
            .and_then(|scheme| scheme.strip_suffix('}'));
        for v in entries(s.get("variables")) {
            let name = &*v.key.name;
            let default = v.value.get("default").and_then(Node::as_str);
            if Some(name) != scheme_variable
                && let Some(list) = v.value.get("enum")
            {
                let others: Vec<String> = list
                    .as_seq()
                    .unwrap_or_default()
                    .iter()
                    .filter(|x| x.as_str() != default)
                    .map(|x| format!("`{}`", scalar_text(x)))
                    .collect();
                if !others.is_empty() {
                    self.warn(
                        list.span,
                        format!(
                            "2.0 has no server variables: `{{{name}}}` is written as its default `{}`; the other values ({}) are left out",
                            default.unwrap_or_default(),
                            others.join(", ")
                        ),
                    );
                }
            }
            if let Some(d) = v.value.as_map().and_then(|m| m.entry("description")) {
                self.warn(
                    d.key.span,
                    format!(
                        "2.0 has no server variables: the `description` of `{{{name}}}` is left out"
                    ),
                );
            }
        }
    }

    fn paths_down(
        &mut self,
        root: &Node,
        paths: &Node,
        server: (&Option<String>, &String),
    ) -> Node {
        let mut out = MapBuilder::new();
        for entry in entries(Some(paths)) {
            if is_ext(&entry.key.name) {
                out.put(&entry.key.name, entry.value.clone());
                continue;
            }
            let item = &entry.value;
            let item_servers = item.get("servers");
            let mut m = MapBuilder::new();
            for e in entries(Some(item)) {
                let key = &*e.key.name;
                match key {
                    "$ref" => {
                        self.check_ref(&e.value);
                        m.put(key, e.value.clone());
                    }
                    "parameters" => {
                        let list: Vec<Node> = e
                            .value
                            .as_seq()
                            .unwrap_or_default()
                            .iter()
                            .filter_map(|p| self.param_down(root, p))
                            .collect();
                        m.put(key, spanned(seq(list), e.value.span));
                    }
                    "servers" => {}
                    "summary" | "description" | "trace" => self.drop_entry(e, "a 2.0 Path Item"),
                    k if METHODS_2.contains(&k) || k == ANY_METHOD => {
                        m.put(k, self.operation_down(root, &e.value, item_servers, server));
                    }
                    _ => {
                        m.put(key, e.value.clone());
                    }
                }
            }
            out.put(&entry.key.name, spanned(m.build(), item.span));
        }
        spanned(out.build(), paths.span)
    }

    fn operation_down(
        &mut self,
        root: &Node,
        op: &Node,
        item_servers: Option<&Node>,
        server: (&Option<String>, &String),
    ) -> Node {
        let mut out = MapBuilder::new();
        let mut consumes: Vec<String> = Vec::new();
        let mut produces: Vec<String> = Vec::new();
        let mut params: Vec<Node> = Vec::new();
        let mut content_type: Option<String> = None;
        let mut responses = None;
        let servers = op.get("servers").or(item_servers);
        let mut schemes = None;
        if let Some(servers) = servers {
            let (host, base, list) = self.server_parts(Some(servers));
            if (&host, &base) != (server.0, server.1) {
                self.warn(
                    servers.span,
                    "2.0 operations can only change the scheme, not the host or base path; the document's host and base path apply".into(),
                );
            }
            if !list.is_empty() {
                schemes = Some(seq(list.iter().map(|s| string(s)).collect()));
            }
        }
        for e in entries(Some(op)) {
            let key = &*e.key.name;
            match key {
                "parameters" => {
                    for p in e.value.as_seq().unwrap_or_default() {
                        params.extend(self.param_down(root, p));
                    }
                }
                "requestBody" => {
                    let name = op.get(BODY_NAME).and_then(Node::as_str).unwrap_or("body");
                    let (body, types, single) = self.body_param_down(root, &e.value, name);
                    consumes = types;
                    content_type = single;
                    // A reference to a request body component stays one: the component is
                    // written as the body parameter of that name under `parameters` (unless a
                    // parameter component takes the name), the media types going to this
                    // operation's `consumes` as for a body written in place.
                    let component = e
                        .value
                        .get("$ref")
                        .and_then(Node::as_str)
                        .and_then(|r| r.strip_prefix("#/components/requestBodies/"))
                        .filter(|name| !name.contains('/'))
                        .filter(|name| {
                            let name = crate::source::unescape_pointer_token(name);
                            root.get("components")
                                .and_then(|c| c.get("parameters"))
                                .and_then(|p| p.get(&name))
                                .is_none()
                        });
                    if let Some(b) = body {
                        match b.get("in").and_then(Node::as_str) {
                            Some("body") if let Some(name) = component => {
                                let mut m = MapBuilder::new();
                                let r = e.value.get("$ref").map_or(e.value.span, |r| r.span);
                                m.put("$ref", spanned(string(&format!("#/parameters/{name}")), r));
                                params.push(spanned(m.build(), e.value.span));
                            }
                            Some("body") => params.push(b),
                            _ => {
                                // Form fields, one parameter each.
                                if let Some(list) = b.as_seq() {
                                    params.extend(list.iter().cloned());
                                }
                            }
                        }
                    }
                }
                "responses" => {
                    let mut m = MapBuilder::new();
                    for r in entries(Some(&e.value)) {
                        if is_ext(&r.key.name) {
                            m.put(&r.key.name, r.value.clone());
                            continue;
                        }
                        let (resp, types) = self.response_down(root, &r.value);
                        for t in types {
                            if !produces.contains(&t) {
                                produces.push(t);
                            }
                        }
                        m.put(&r.key.name, resp);
                    }
                    responses = Some(spanned(m.build(), e.value.span));
                }
                "servers" => {}
                // Read as the body parameter's name.
                BODY_NAME if op.get("requestBody").is_some() => {}
                "security" => {
                    let security = self.security_down(&e.value);
                    out.put(key, security);
                }
                "callbacks" => self.drop_entry(e, "a 2.0 Operation"),
                _ => {
                    out.put(key, e.value.clone());
                }
            }
        }
        let mut ordered = MapBuilder::new();
        // Keys in 2.0's usual order: the copied ones, then consumes/produces, parameters,
        // responses, schemes, with extensions last.
        let built = out.build();
        let (plain, ext): (Vec<&Entry>, Vec<&Entry>) = entries(Some(&built))
            .iter()
            .partition(|e| !is_ext(&e.key.name));
        for e in plain {
            ordered.put(&e.key.name, e.value.clone());
        }
        if !consumes.is_empty() {
            ordered.put(
                "consumes",
                seq(consumes.iter().map(|s| string(s)).collect()),
            );
        }
        if !produces.is_empty() {
            ordered.put(
                "produces",
                seq(produces.iter().map(|s| string(s)).collect()),
            );
        }
        if !params.is_empty() {
            ordered.put("parameters", seq(params));
        }
        ordered.opt("schemes", schemes);
        ordered.put(
            "responses",
            responses.unwrap_or_else(|| MapBuilder::new().build()),
        );
        for e in ext {
            ordered.put(&e.key.name, e.value.clone());
        }
        // §2.8: the 2.0 placement of the content type 3.x reads from the request body.
        if op.get("x-apigateway-content-type").is_none()
            && let Some(ct) = content_type
        {
            ordered.put("x-apigateway-content-type", string(&ct));
        }
        spanned(ordered.build(), op.span)
    }

    /// Follows an internal reference; `None` for a broken or external one (reported).
    fn follow<'a>(&mut self, root: &'a Node, node: &'a Node) -> Option<&'a Node> {
        let mut node = node;
        for _ in 0..32 {
            let Some(r) = node.get("$ref") else {
                return Some(node);
            };
            let text = r.as_str().unwrap_or_default();
            let Some(pointer) = internal(text) else {
                self.check_ref(r);
                return None;
            };
            node = self.keys.pointer(root, pointer)?.node;
        }
        None
    }

    /// A 3.x parameter as a 2.0 one; `None` (reported) when 2.0 cannot express it.
    /// Whether `p` is a header parameter OpenAPI 3 ignores (`Accept`, `Content-Type`,
    /// `Authorization`: "the parameter definition SHALL be ignored"), reported at `at` as left
    /// out: 2.0 has no such rule, so written there it would become a header parameter import
    /// reads (a required one adds a required request parameter to the API).
    fn ignored_header_down(&mut self, p: &Node, at: Span) -> bool {
        if p.get("in").and_then(Node::as_str) != Some("header") {
            return false;
        }
        let Some(name) = p.get("name").and_then(Node::as_str) else {
            return false;
        };
        let Some(ignored) = crate::convert::export::IGNORED_HEADERS
            .iter()
            .find(|h| h.eq_ignore_ascii_case(name))
        else {
            return false;
        };
        self.warn(
            at,
            format!("OpenAPI 3 ignores a header parameter named `{ignored}` (\"the parameter definition SHALL be ignored\"), and so does import; {} would read it as a header parameter, so it is left out", self.target),
        );
        true
    }

    fn param_down(&mut self, root: &Node, p: &Node) -> Option<Node> {
        if let Some(r) = p.get("$ref") {
            let text = r.as_str().unwrap_or_default();
            if internal(text).is_some() {
                let target = self.follow(root, p)?;
                if target.get("in").and_then(Node::as_str) == Some("cookie") {
                    return self.param_down(root, target);
                }
                if self.ignored_header_down(target, p.span) {
                    return None;
                }
            }
            let mut m = MapBuilder::new();
            m.put(
                "$ref",
                self.rewrite_ref(r, &[("#/components/parameters/", "#/parameters/")]),
            );
            return Some(spanned(m.build(), p.span));
        }
        if p.get("in").and_then(Node::as_str) == Some("cookie") {
            self.warn(
                p.span,
                "2.0 has no cookie parameters; parameter left out".into(),
            );
            return None;
        }
        if self.ignored_header_down(p, p.get("name").map_or(p.span, |n| n.span)) {
            return None;
        }
        if p.get("schema").is_none() && p.get("content").is_some() {
            // A 2.0 non-body parameter needs a type, and one described by a media type has
            // none (the gateway's importer skips such parameters too).
            self.warn(
                p.span,
                "2.0 has no parameters described by `content`; parameter left out".into(),
            );
            return None;
        }
        let location = p.get("in").and_then(Node::as_str).unwrap_or_default();
        // The gateway reads a 3.x parameter's `example`, else its first named example, else its
        // schema's `example` as the sample value (§2.24, as import reads them); 2.0 parameters
        // have no example, so `x-apigateway-sample` carries the one import would read.
        let named_first = entries(p.get("examples"))
            .first()
            .and_then(|e| self.follow(root, &e.value))
            .and_then(|x| x.get("value"));
        let schema_example = p
            .get("schema")
            .and_then(|s| self.follow(root, s))
            .and_then(|s| s.get("example"));
        let sample = [p.get("example"), named_first, schema_example]
            .into_iter()
            .flatten()
            .next()
            .filter(|ex| {
                p.get("x-apigateway-sample").is_none()
                    && ex.as_map().is_none()
                    && ex.as_seq().is_none()
            });
        let carried = |n: &Node| sample.is_some_and(|s| std::ptr::eq(s, n));
        let mut out = MapBuilder::new();
        for e in entries(Some(p)) {
            let key = &*e.key.name;
            match key {
                "schema" => {
                    let schema = self.follow(root, &e.value).unwrap_or(&e.value);
                    let owned = Some(p.get("description").is_some());
                    match schema.as_map() {
                        // The carried example is not left out: not reported as such.
                        Some(map) if schema_example.is_some_and(carried) => {
                            let mut without = map.clone();
                            without.entries.retain(|e| &*e.key.name != "example");
                            let without = map_node(without, schema.span);
                            self.flatten_schema(&without, &mut out, true, owned);
                        }
                        _ => self.flatten_schema(schema, &mut out, true, owned),
                    }
                }
                "style" | "explode" => {}
                "example" => {
                    if !carried(&e.value) {
                        self.warn(
                            e.value.span,
                            "2.0 parameters have no `example`; left out".into(),
                        );
                    }
                }
                "examples" => {
                    for named in entries(Some(&e.value)) {
                        let value = self.follow(root, &named.value).and_then(|x| x.get("value"));
                        if !value.is_some_and(carried) {
                            self.warn(
                                named.key.span,
                                format!("2.0 parameters have no examples (`x-apigateway-sample` carries one); example `{}` is left out", named.key.name),
                            );
                        }
                    }
                }
                "content" | "deprecated" | "allowReserved" => {
                    self.drop_entry(e, "a 2.0 parameter");
                }
                _ => {
                    out.put(key, e.value.clone());
                }
            }
        }
        if p.get("schema")
            .and_then(|s| s.get("type"))
            .and_then(Node::as_str)
            == Some("array")
        {
            let style = p.get("style").and_then(Node::as_str);
            let explode = p.get("explode").and_then(Node::as_bool);
            let format = match (location, style, explode) {
                ("query", None | Some("form"), None | Some(true)) => "multi",
                ("query", Some("spaceDelimited"), _) => "ssv",
                ("query", Some("pipeDelimited"), _) => "pipes",
                _ => "csv",
            };
            out.put("collectionFormat", string(format));
        }
        if let Some(ex) = sample {
            out.put(
                "x-apigateway-sample",
                spanned(string(&scalar_text(ex)), ex.span),
            );
        }
        Some(spanned(out.build(), p.span))
    }

    /// Writes a parameter or header schema's keywords flat (2.0 style) into `out`.
    ///
    /// `owner_description`: `Some(false)` moves a schema `description` up to the (undescribed)
    /// parameter or header, `Some(true)` reports it (the owner has its own), `None` skips it
    /// (the caller carries it).
    fn flatten_schema(
        &mut self,
        schema: &Node,
        out: &mut MapBuilder,
        top: bool,
        owner_description: Option<bool>,
    ) {
        for e in entries(Some(schema)) {
            let key = &*e.key.name;
            match key {
                "items" => {
                    let mut items = MapBuilder::new();
                    self.flatten_schema(&e.value, &mut items, false, Some(true));
                    out.put("items", spanned(items.build(), e.value.span));
                }
                "nullable" if top => {
                    if e.value.as_bool() == Some(true) {
                        self.warn(
                            e.value.span,
                            "2.0 parameters and headers cannot be null (there is no `nullable` for them); dropped".into(),
                        );
                    }
                }
                "description" if top && owner_description != Some(true) => {
                    if owner_description == Some(false) {
                        out.put(key, e.value.clone());
                    }
                }
                "type"
                    if !matches!(
                        e.value.as_str(),
                        Some("string" | "number" | "integer" | "boolean" | "array")
                    ) =>
                {
                    self.warn(
                        e.value.span,
                        "2.0 parameters, headers and items are strings, numbers, integers, booleans or arrays; written as a string".into(),
                    );
                    out.put("type", spanned(string("string"), e.value.span));
                }
                "enum" => {
                    let values = self.unique_enum_2(&e.value);
                    out.put(key, values);
                }
                k if PARAM_SCHEMA_KEYS.contains(&k) => {
                    out.put(key, e.value.clone());
                }
                k if is_ext(k) => {
                    out.put(key, e.value.clone());
                }
                _ => self.drop_entry(e, "a 2.0 parameter, header or items object"),
            }
        }
        if schema.get("type").is_none() {
            out.put("type", string("string"));
        }
    }

    /// A request body as a 2.0 body parameter (or a sequence of form parameters), with its
    /// media types and, when it has exactly one of the gateway's content types, that type.
    fn body_param_down(
        &mut self,
        root: &Node,
        rb: &Node,
        name: &str,
    ) -> (Option<Node>, Vec<String>, Option<String>) {
        let Some(target) = self.follow(root, rb) else {
            return (None, Vec::new(), None);
        };
        let content = entries(target.get("content"));
        let types: Vec<String> = content.iter().map(|e| e.key.name.to_string()).collect();
        let single = match types.as_slice() {
            [t] if GATEWAY_CONTENT_TYPES.contains(&t.as_str()) => Some(t.clone()),
            _ => None,
        };
        let Some(first) = content.first() else {
            return (None, types, single);
        };
        let schema = first.value.get("schema");
        for other in content.iter().skip(1) {
            if other.value.get("schema").map(Node::to_json) != schema.map(Node::to_json) {
                self.warn(
                    other.key.span,
                    "a 2.0 body has one schema for all media types; this media type's schema is left out".into(),
                );
            }
        }
        let form = FORM_TYPES.contains(&&*first.key.name);
        // What the media types hold beside their schema: 2.0 has a schema `example` for a
        // body (the first media type's `example` goes there when the schema has none) and no
        // place for the rest.
        let schema_example = schema
            .and_then(|s| self.follow(root, s))
            .and_then(|s| s.get("example"));
        let mut body_example = None;
        for (i, media) in content.iter().enumerate() {
            for e in entries(Some(&media.value)) {
                match &*e.key.name {
                    "schema" => {}
                    "example" if i == 0 && !form && schema_example.is_none() => {
                        body_example = Some(e.value.clone());
                    }
                    key => self.warn(
                        e.key.span,
                        format!("`{key}` of a request body media type has no counterpart in a 2.0 {} parameter; left out", if form { "formData" } else { "body" }),
                    ),
                }
            }
        }
        if form {
            for e in entries(Some(target)) {
                match &*e.key.name {
                    "content" => {}
                    "required" if e.value.as_bool() != Some(true) => {}
                    key => self.warn(
                        e.key.span,
                        format!("`{key}` of a form request body has no counterpart in 2.0, whose form fields are separate `formData` parameters; left out"),
                    ),
                }
            }
            let mut fields = FormFields::default();
            if let Some(s) = schema {
                self.form_fields(root, s, &mut fields, 0);
            }
            let required = fields.required;
            let mut list = Vec::new();
            for prop in fields.properties {
                let mut p = MapBuilder::new();
                p.put("name", string(&prop.key.name));
                p.put("in", string("formData"));
                p.opt("description", prop.value.get("description").cloned());
                if required.iter().any(|r| **r == *prop.key.name) {
                    p.put("required", Node::new(Span::default(), Value::Bool(true)));
                }
                let binary = prop.value.get("format").and_then(Node::as_str) == Some("binary");
                if binary {
                    p.put("type", string("file"));
                } else {
                    let mut flat = MapBuilder::new();
                    self.flatten_schema(&prop.value, &mut flat, true, None);
                    if let Value::Map(m) = flat.build().value {
                        for e in m
                            .entries
                            .into_iter()
                            .filter(|e| &*e.key.name != "description")
                        {
                            p.put(&e.key.name, e.value);
                        }
                    }
                }
                list.push(spanned(p.build(), prop.value.span));
            }
            return (Some(spanned(seq(list), target.span)), types, single);
        }
        let schema = schema.map(|s| {
            let mut down = self.schema_down(s);
            if let Some(example) = body_example.take() {
                match &mut down.value {
                    // Keywords beside a `$ref` are ignored in 2.0.
                    Value::Map(map) if map.entry("$ref").is_none() => {
                        map.entries.push(Entry {
                            key: crate::source::Key {
                                span: example.span,
                                name: "example".into(),
                            },
                            value: example,
                        });
                    }
                    _ => self.warn(
                        example.span,
                        "a 2.0 body's example is its schema's `example`, and this schema is a `$ref`; left out".into(),
                    ),
                }
            }
            down
        });
        let mut p = MapBuilder::new();
        p.put("name", string(name));
        p.put("in", string("body"));
        p.opt("description", target.get("description").cloned());
        if target.get("required").and_then(Node::as_bool) == Some(true) {
            p.put("required", Node::new(Span::default(), Value::Bool(true)));
        }
        p.put(
            "schema",
            schema.unwrap_or_else(|| MapBuilder::new().build()),
        );
        for e in entries(Some(target)) {
            if is_ext(&e.key.name) {
                p.put(&e.key.name, e.value.clone());
            }
        }
        (Some(spanned(p.build(), target.span)), types, single)
    }

    /// An `enum` for 2.0, whose JSON Schema (draft-04) requires unique values (3.x allows a
    /// repetition): each value once, a repeated one a warning at it.
    fn unique_enum_2(&mut self, values: &Node) -> Node {
        let Some(list) = values.as_seq() else {
            return values.clone();
        };
        // By JSON text, so an enum of thousands of values is not compared pairwise; the text
        // tells values apart as `serde_json::Value`'s equality does (`1` is not `1.0`).
        let mut seen: std::collections::HashSet<String> =
            std::collections::HashSet::with_capacity(list.len());
        let mut kept = Vec::with_capacity(list.len());
        for v in list {
            if !seen.insert(v.to_json().to_string()) {
                self.warn(
                    v.span,
                    "2.0's `enum` holds each value once (JSON Schema draft-04); this repetition is left out".into(),
                );
            } else {
                kept.push(v.clone());
            }
        }
        spanned(seq(kept), values.span)
    }

    /// Collects the form fields of a form request body's schema: its `properties` and those
    /// of each `allOf` member (a reference followed), the first of one name winning; what
    /// 2.0's `formData` parameters cannot say (`oneOf`, `additionalProperties`, …) is a
    /// warning at it.
    fn form_fields<'r>(
        &mut self,
        root: &'r Node,
        schema: &'r Node,
        out: &mut FormFields<'r>,
        depth: usize,
    ) {
        let Some(schema) = self.follow(root, schema) else {
            return;
        };
        // A cycle of `allOf` references adds nothing after the first round.
        if depth > 32 {
            return;
        }
        for e in entries(Some(schema)) {
            match &*e.key.name {
                "properties" => {
                    for prop in entries(Some(&e.value)) {
                        if !out.properties.iter().any(|p| p.key.name == prop.key.name) {
                            out.properties.push(prop);
                        }
                    }
                }
                "required" => out.required.extend(strings(Some(&e.value))),
                "allOf" => {
                    for member in e.value.as_seq().unwrap_or_default() {
                        self.form_fields(root, member, out, depth + 1);
                    }
                }
                "type" if e.value.as_str() == Some("object") => {}
                key => self.warn(
                    e.key.span,
                    format!("`{key}` of a form request body's schema has no counterpart in 2.0, whose form fields are separate `formData` parameters; left out"),
                ),
            }
        }
    }

    /// A response as 2.0, with the media types it produces.
    fn response_down(&mut self, root: &Node, r: &Node) -> (Node, Vec<String>) {
        if let Some(reference) = r.get("$ref") {
            let types = self
                .follow(root, r)
                .map(|t| {
                    entries(t.get("content"))
                        .iter()
                        .map(|e| e.key.name.to_string())
                        .collect()
                })
                .unwrap_or_default();
            let mut m = MapBuilder::new();
            m.put(
                "$ref",
                self.rewrite_ref(reference, &[("#/components/responses/", "#/responses/")]),
            );
            return (spanned(m.build(), r.span), types);
        }
        let mut out = MapBuilder::new();
        let content = entries(r.get("content"));
        let types = content.iter().map(|e| e.key.name.to_string()).collect();
        out.put(
            "description",
            r.get("description").cloned().unwrap_or_else(|| string("")),
        );
        if let Some(first) = content.first()
            && let Some(schema) = first.value.get("schema")
        {
            out.put("schema", self.schema_down(schema));
            for other in content.iter().skip(1) {
                if other.value.get("schema").map(Node::to_json) != Some(schema.to_json()) {
                    self.warn(
                        other.key.span,
                        "a 2.0 response has one schema for all media types; this media type's schema is left out".into(),
                    );
                }
            }
        }
        if let Some(headers) = r.get("headers") {
            let mut m = MapBuilder::new();
            for h in entries(Some(headers)) {
                let Some(header) = self.follow(root, &h.value) else {
                    continue;
                };
                let mut out_h = MapBuilder::new();
                out_h.opt("description", header.get("description").cloned());
                for e in entries(Some(header)) {
                    match &*e.key.name {
                        "description" | "schema" => {}
                        // False or absent mean the same.
                        "required" | "deprecated" if e.value.as_bool() != Some(true) => {}
                        k if is_ext(k) => {}
                        _ => self.drop_entry(e, "a 2.0 response header"),
                    }
                }
                match header.get("schema") {
                    Some(s) => {
                        let s = self.follow(root, s).unwrap_or(s);
                        let owned = Some(header.get("description").is_some());
                        self.flatten_schema(s, &mut out_h, true, owned);
                    }
                    None => {
                        out_h.put("type", string("string"));
                    }
                }
                for e in entries(Some(header)).iter().filter(|e| is_ext(&e.key.name)) {
                    out_h.put(&e.key.name, e.value.clone());
                }
                m.put(&h.key.name, spanned(out_h.build(), h.value.span));
            }
            out.put("headers", spanned(m.build(), headers.span));
        }
        // 2.0 has one example per mime type: the media type's `example`, else the value of
        // its first named example; the others are warnings.
        let mut examples = MapBuilder::new();
        for c in content {
            let mut taken = false;
            if let Some(ex) = c.value.get("example") {
                examples.put(&c.key.name, ex.clone());
                taken = true;
            }
            for e in entries(Some(&c.value)) {
                match &*e.key.name {
                    "schema" | "example" => {}
                    "examples" => {
                        for named in entries(Some(&e.value)) {
                            let target = self.follow(root, &named.value);
                            match target.and_then(|t| t.get("value")) {
                                Some(value) if !taken => {
                                    examples.put(&c.key.name, value.clone());
                                    taken = true;
                                }
                                _ => self.warn(
                                    named.key.span,
                                    format!("a 2.0 response has one example per mime type; example `{}` is left out", named.key.name),
                                ),
                            }
                        }
                    }
                    key => self.warn(
                        e.key.span,
                        format!(
                            "`{key}` of a response media type has no counterpart in 2.0; left out"
                        ),
                    ),
                }
            }
        }
        if !examples.is_empty() {
            out.put("examples", examples.build());
        }
        for e in entries(Some(r)) {
            match &*e.key.name {
                "links" => self.drop_entry(e, "a 2.0 Response"),
                k if is_ext(k) => {
                    out.put(k, e.value.clone());
                }
                _ => {}
            }
        }
        (spanned(out.build(), r.span), types)
    }

    /// Security requirements without those naming a scheme 2.0 cannot hold (reported).
    fn security_down(&mut self, security: &Node) -> Node {
        let Some(list) = security.as_seq() else {
            return security.clone();
        };
        let mut kept = Vec::with_capacity(list.len());
        for requirement in list {
            let names = entries(Some(requirement));
            if let Some(dropped) = names
                .iter()
                .find(|e| self.dropped_schemes.iter().any(|d| **d == *e.key.name))
            {
                self.warn(
                    dropped.key.span,
                    format!("security scheme `{}` has no 2.0 form; this security requirement is left out", dropped.key.name),
                );
            } else {
                kept.push(requirement.clone());
            }
        }
        spanned(seq(kept), security.span)
    }

    fn security_scheme_down(&mut self, s: &Node) -> Option<Node> {
        let kind = s.get("type").and_then(Node::as_str).unwrap_or_default();
        let mut out = MapBuilder::new();
        match kind {
            "apiKey" if s.get("in").and_then(Node::as_str) != Some("cookie") => {
                for e in entries(Some(s)) {
                    out.put(&e.key.name, e.value.clone());
                }
                return Some(spanned(out.build(), s.span));
            }
            "http"
                if s.get("scheme")
                    .and_then(Node::as_str)
                    .map(str::to_ascii_lowercase)
                    .as_deref()
                    == Some("basic") =>
            {
                out.put("type", string("basic"));
                out.opt("description", s.get("description").cloned());
            }
            "oauth2" => {
                out.put("type", string("oauth2"));
                out.opt("description", s.get("description").cloned());
                let flows = entries(s.get("flows"));
                let Some(flow) = flows.iter().find(|f| !is_ext(&f.key.name)) else {
                    self.warn(
                        s.span,
                        "an OAuth2 scheme without flows has no 2.0 form; left out".into(),
                    );
                    return None;
                };
                out.put(
                    "flow",
                    string(match &*flow.key.name {
                        "clientCredentials" => "application",
                        "authorizationCode" => "accessCode",
                        other => other,
                    }),
                );
                out.opt(
                    "authorizationUrl",
                    flow.value.get("authorizationUrl").cloned(),
                );
                out.opt("tokenUrl", flow.value.get("tokenUrl").cloned());
                for e in entries(Some(&flow.value)) {
                    if &*e.key.name == "refreshUrl" {
                        self.drop_entry(e, "a 2.0 OAuth2 scheme");
                    }
                }
                out.put(
                    "scopes",
                    flow.value
                        .get("scopes")
                        .cloned()
                        .unwrap_or_else(|| MapBuilder::new().build()),
                );
                for extra in flows.iter().filter(|f| !is_ext(&f.key.name)).skip(1) {
                    self.warn(
                        extra.key.span,
                        "a 2.0 OAuth2 scheme has one flow; this flow is left out".into(),
                    );
                }
            }
            _ => {
                self.warn(
                    s.span,
                    format!("security scheme type `{kind}` (or this `in`) has no 2.0 counterpart; scheme left out"),
                );
                return None;
            }
        }
        for e in entries(Some(s)) {
            if is_ext(&e.key.name) {
                out.put(&e.key.name, e.value.clone());
            }
        }
        Some(spanned(out.build(), s.span))
    }

    /// A 3.0 Schema Object as a 2.0 one.
    fn schema_down(&mut self, s: &Node) -> Node {
        let Some(map) = s.as_map() else {
            return s.clone();
        };
        let mut out = MapBuilder::new();
        for e in &map.entries {
            let key = &*e.key.name;
            let v = &e.value;
            match key {
                "$ref" => {
                    out.put(
                        key,
                        self.rewrite_ref(v, &[("#/components/schemas/", "#/definitions/")]),
                    );
                }
                "nullable" => {
                    out.put("x-nullable", v.clone());
                }
                "discriminator" => {
                    if let Some(name) = v.get("propertyName") {
                        out.put(key, name.clone());
                    }
                    if let Some(m) = v.as_map().and_then(|m| m.entry("mapping")) {
                        self.drop_entry(m, "a 2.0 discriminator");
                    }
                }
                k if is_ext(k) => {
                    out.put(key, v.clone());
                }
                // A 3.1 `false` schema is `{not: {}}` by now: said in its own words.
                "not" if map.len() == 1 && v.as_map().is_some_and(|m| m.is_empty()) => self.warn(
                    e.key.span,
                    "a schema that allows nothing (`false`, or `not: {}`) has no 2.0 form, which lacks `not`; written as `{}`, which allows every value".into(),
                ),
                k if !SCHEMA_2.contains(&k) => self.drop_entry(e, "a 2.0 Schema Object"),
                "enum" => {
                    let values = self.unique_enum_2(v);
                    out.put(key, values);
                }
                _ => {
                    out.put(
                        key,
                        self.sub_schemas(key, v, &mut |cx, s| cx.schema_down(s)),
                    );
                }
            }
        }
        spanned(out.build(), s.span)
    }
}

/// Document facts 2.0 → 3.0 needs everywhere.
struct Up2<'a> {
    root: &'a Node,
    /// Key lookups in the root's big mappings (see [`Cx`]).
    keys: KeyIndex,
    host: Option<String>,
    base: String,
    consumes: Vec<String>,
    produces: Vec<String>,
}

impl Up2<'_> {
    /// 3.x servers for `schemes` on the document's host and base path.
    fn servers(&self, schemes: &[String], span: Span) -> Option<Node> {
        let server = |url: String, variable: bool| {
            let mut s = MapBuilder::new();
            s.put("url", string(&url));
            if variable {
                let mut host = MapBuilder::new();
                host.put("default", string("localhost"));
                let mut vars = MapBuilder::new();
                vars.put("host", host.build());
                s.put("variables", vars.build());
            }
            spanned(s.build(), span)
        };
        // Without `host` a 2.0 API is served from the host serving the document, which a
        // relative 3.x server URL says; only a scheme other than `https` (which import reads
        // into the request protocol, HTTPS being its default) needs a URL with a host.
        let relative = schemes.iter().all(|s| s.eq_ignore_ascii_case("https"));
        let list: Vec<Node> = match (&self.host, relative) {
            (None, true) if self.base.is_empty() => return None,
            (None, true) => vec![server(self.base.clone(), false)],
            (None, false) => schemes
                .iter()
                .map(|s| server(format!("{s}://{{host}}{}", self.base), true))
                .collect(),
            (Some(host), true) => vec![server(format!("https://{host}{}", self.base), false)],
            (Some(host), false) => schemes
                .iter()
                .map(|s| server(format!("{s}://{host}{}", self.base), false))
                .collect(),
        };
        Some(spanned(seq(list), span))
    }

    /// Whether `schemes` without a `host` need a 3.x server URL with a made-up host (see
    /// [`Up2::servers`]).
    fn hostless_schemes(&self, schemes: &[String]) -> bool {
        self.host.is_none() && !schemes.iter().all(|s| s.eq_ignore_ascii_case("https"))
    }

    /// A parameter, following an internal reference; whether it was one.
    fn deref<'b>(&'b self, p: &'b Node) -> (&'b Node, bool) {
        match p.get("$ref").and_then(Node::as_str).and_then(internal) {
            Some(pointer) => match self.keys.pointer(self.root, pointer) {
                Some(found) => (found.node, true),
                None => (p, true),
            },
            None => (p, p.get("$ref").is_some()),
        }
    }
}

/// Whether 2.0 can hold a 3.x security scheme (apiKey outside cookies, HTTP basic, OAuth2 with a
/// flow); must agree with [`Cx::security_scheme_down`].
fn scheme_fits_2(s: &Node) -> bool {
    match s.get("type").and_then(Node::as_str) {
        Some("apiKey") => s.get("in").and_then(Node::as_str) != Some("cookie"),
        Some("http") => s
            .get("scheme")
            .and_then(Node::as_str)
            .is_some_and(|x| x.eq_ignore_ascii_case("basic")),
        Some("oauth2") => entries(s.get("flows")).iter().any(|f| !is_ext(&f.key.name)),
        _ => false,
    }
}

fn span_of(root: &Node, key: &str) -> Span {
    root.get(key).map_or(root.span, |n| n.span)
}

fn get_mut<'a>(node: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    match &mut node.value {
        Value::Map(m) => m
            .entries
            .iter_mut()
            .find(|e| &*e.key.name == key)
            .map(|e| &mut e.value),
        _ => None,
    }
}

fn insert_before(map: &mut Map, before: &str, key: &str, value: Node) {
    let at = map
        .entries
        .iter()
        .position(|e| &*e.key.name == before)
        .unwrap_or(map.entries.len());
    map.entries.insert(
        at,
        Entry {
            key: crate::source::Key {
                span: value.span,
                name: key.into(),
            },
            value,
        },
    );
}

/// A server URL with its variables replaced by their defaults.
fn substitute(url: &str, variables: Option<&Node>) -> String {
    let mut out = url.to_owned();
    for v in entries(variables) {
        if let Some(default) = v.value.get("default").and_then(Node::as_str) {
            out = out.replace(&format!("{{{}}}", v.key.name), default);
        }
    }
    out
}

fn scalar_text(node: &Node) -> String {
    match &node.value {
        Value::String(s) => s.to_string(),
        Value::Number(Number::Int(i)) => i.to_string(),
        Value::Number(Number::Float(f)) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// Applies `f` to every Schema Object of an OpenAPI 3.x document: components, parameters,
/// headers, media types, responses and callbacks, wherever they appear (references included:
/// `f` sees them as schemas holding `$ref`).
fn walk_oas3(cx: &mut Cx, doc: &mut Node, f: &mut dyn FnMut(&mut Cx, &Node) -> Node) {
    fn schema(cx: &mut Cx, node: &mut Node, f: &mut dyn FnMut(&mut Cx, &Node) -> Node) {
        *node = f(cx, node);
    }
    fn each_value(node: &mut Node, mut g: impl FnMut(&mut Node)) {
        if let Value::Map(m) = &mut node.value {
            for e in &mut m.entries {
                if !is_ext(&e.key.name) {
                    g(&mut e.value);
                }
            }
        }
    }
    fn content(cx: &mut Cx, node: &mut Node, f: &mut dyn FnMut(&mut Cx, &Node) -> Node) {
        each_value(node, |media| {
            if let Some(s) = get_mut(media, "schema") {
                schema(cx, s, f);
            }
            if let Some(enc) = get_mut(media, "encoding") {
                each_value(enc, |e| {
                    if let Some(h) = get_mut(e, "headers") {
                        each_value(h, |h| param(cx, h, f));
                    }
                });
            }
        });
    }
    fn param(cx: &mut Cx, node: &mut Node, f: &mut dyn FnMut(&mut Cx, &Node) -> Node) {
        if let Some(s) = get_mut(node, "schema") {
            schema(cx, s, f);
        }
        if let Some(c) = get_mut(node, "content") {
            content(cx, c, f);
        }
    }
    fn response(cx: &mut Cx, node: &mut Node, f: &mut dyn FnMut(&mut Cx, &Node) -> Node) {
        if let Some(h) = get_mut(node, "headers") {
            each_value(h, |h| param(cx, h, f));
        }
        if let Some(c) = get_mut(node, "content") {
            content(cx, c, f);
        }
    }
    fn operation(cx: &mut Cx, node: &mut Node, f: &mut dyn FnMut(&mut Cx, &Node) -> Node) {
        if let Some(Node {
            value: Value::Seq(list),
            ..
        }) = get_mut(node, "parameters")
        {
            for p in list {
                param(cx, p, f);
            }
        }
        if let Some(rb) = get_mut(node, "requestBody")
            && let Some(c) = get_mut(rb, "content")
        {
            content(cx, c, f);
        }
        if let Some(r) = get_mut(node, "responses") {
            each_value(r, |r| response(cx, r, f));
        }
        if let Some(cb) = get_mut(node, "callbacks") {
            each_value(cb, |callback| {
                each_value(callback, |item| path_item(cx, item, f))
            });
        }
    }
    fn path_item(cx: &mut Cx, node: &mut Node, f: &mut dyn FnMut(&mut Cx, &Node) -> Node) {
        if let Value::Map(m) = &mut node.value {
            for e in &mut m.entries {
                match &*e.key.name {
                    "parameters" => {
                        if let Value::Seq(list) = &mut e.value.value {
                            for p in list {
                                param(cx, p, f);
                            }
                        }
                    }
                    k if METHODS_2.contains(&k) || k == "trace" || k == ANY_METHOD => {
                        operation(cx, &mut e.value, f);
                    }
                    _ => {}
                }
            }
        }
    }
    if let Some(paths) = get_mut(doc, "paths") {
        each_value(paths, |item| path_item(cx, item, f));
    }
    if let Some(hooks) = get_mut(doc, "webhooks") {
        each_value(hooks, |item| path_item(cx, item, f));
    }
    if let Some(components) = get_mut(doc, "components") {
        if let Some(s) = get_mut(components, "schemas") {
            each_value(s, |s| schema(cx, s, f));
        }
        if let Some(p) = get_mut(components, "parameters") {
            each_value(p, |p| param(cx, p, f));
        }
        if let Some(h) = get_mut(components, "headers") {
            each_value(h, |h| param(cx, h, f));
        }
        if let Some(r) = get_mut(components, "responses") {
            each_value(r, |r| response(cx, r, f));
        }
        if let Some(b) = get_mut(components, "requestBodies") {
            each_value(b, |b| {
                if let Some(c) = get_mut(b, "content") {
                    content(cx, c, f);
                }
            });
        }
        if let Some(cb) = get_mut(components, "callbacks") {
            each_value(cb, |callback| {
                each_value(callback, |item| path_item(cx, item, f))
            });
        }
        if let Some(items) = get_mut(components, "pathItems") {
            each_value(items, |item| path_item(cx, item, f));
        }
    }
}

/// Whether a 3.1 schema's numeric `exclusiveMinimum` (for `bound` `minimum`) or
/// `exclusiveMaximum` (for `maximum`) bounds at least as tightly as the inclusive `bound`
/// beside it (or stands alone).
fn exclusive_is_tighter(schema: &Map, bound: &str) -> bool {
    let exclusive = if bound == "maximum" {
        "exclusiveMaximum"
    } else {
        "exclusiveMinimum"
    };
    let number = |key: &str| {
        schema
            .get(key)
            .and_then(Node::as_number)
            .map(Number::as_f64)
    };
    match (number(exclusive), number(bound)) {
        (Some(x), Some(b)) if bound == "maximum" => x <= b,
        (Some(x), Some(b)) => x >= b,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// A path item written in place of a `$ref` (see [`Cx::inline_path_items`]): its pointer in
/// the 3.1 document and, when it is written alone (nothing beside the `$ref`), where.
type Place = (String, Option<String>);

/// The JSON pointer an internal `$ref` member of `node` names, percent-decoded; `None` when
/// there is none or it is external.
fn pointer_of(node: &Node) -> Option<String> {
    let text = node.get("$ref")?.as_str()?;
    let fragment = internal(text)?;
    Some(crate::source::refs::percent_decode(fragment).into_owned())
}

/// The node at JSON pointer `pointer` (unescaped tokens, `/`-separated, decoded) in `root`.
fn resolve_pointer<'n>(root: &'n Node, pointer: &str) -> Option<&'n Node> {
    let mut node = root;
    if pointer.is_empty() {
        return Some(node);
    }
    for token in pointer.strip_prefix('/')?.split('/') {
        let token = crate::source::unescape_pointer_token(token);
        node = match &node.value {
            Value::Map(map) => map.get(&token)?,
            Value::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Each mapping of `node` holding a `$ref`, by its path of entry and item indexes, with the
/// `$ref` value. Values that are data (`example`, `examples`, `default`, `enum`, `const`) are
/// not looked into; vendor extensions are, since they often reference schemas of the document.
fn collect_refs<'n>(node: &'n Node, path: &mut Vec<usize>, out: &mut Vec<(Vec<usize>, &'n Node)>) {
    match &node.value {
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i);
                collect_refs(item, path, out);
                path.pop();
            }
        }
        Value::Map(map) => {
            if let Some(r) = map.get("$ref") {
                out.push((path.clone(), r));
            }
            for (i, e) in map.entries.iter().enumerate() {
                // `examples` too: a schema's are data, and a 3.x map of them names only
                // `components/examples`, which no conversion moves (2.0's are data again).
                if [
                    "example",
                    "examples",
                    "x-example",
                    "default",
                    "enum",
                    "const",
                ]
                .contains(&&*e.key.name)
                {
                    continue;
                }
                path.push(i);
                collect_refs(&e.value, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The node at a path of [`collect_refs`].
fn node_at_mut<'n>(mut node: &'n mut Node, path: &[usize]) -> Option<&'n mut Node> {
    for &i in path {
        node = match &mut node.value {
            Value::Seq(items) => items.get_mut(i)?,
            Value::Map(map) => &mut map.entries.get_mut(i)?.value,
            _ => return None,
        };
    }
    Some(node)
}

/// The JSON pointer of the first node (in document order) with each span, for mappings,
/// lists and booleans (what a reference names).
fn node_places(document: &Node) -> HashMap<(u32, u32), String> {
    fn walk(node: &Node, pointer: &mut String, out: &mut HashMap<(u32, u32), String>) {
        let is_target = matches!(node.value, Value::Map(_) | Value::Seq(_) | Value::Bool(_));
        if is_target && node.span != Span::default() {
            out.entry((node.span.start, node.span.end))
                .or_insert_with(|| pointer.clone());
        }
        let len = pointer.len();
        match &node.value {
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    let _ = write!(pointer, "/{i}");
                    walk(item, pointer, out);
                    pointer.truncate(len);
                }
            }
            Value::Map(map) => {
                for e in &map.entries {
                    pointer.push('/');
                    pointer.push_str(&escape_pointer_token(&e.key.name));
                    walk(&e.value, pointer, out);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut out = HashMap::new();
    walk(document, &mut String::new(), &mut out);
    out
}
