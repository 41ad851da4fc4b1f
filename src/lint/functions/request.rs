//! Functions about the frontend request of an API (request parameters, paths, backend
//! addresses with environment variables) and OpenAPI hygiene (unused components).

use std::collections::{HashMap, HashSet};

use super::{ArgDef, ArgKind, Call, Finding, FunctionDef};
use crate::source::{Node, Pointer, Value, unescape_pointer_token};

/// `req-params-unique`: on an API object, no two request parameters share location and name;
/// header names are compared case-insensitively.
pub const REQ_PARAMS_UNIQUE: FunctionDef = FunctionDef {
    name: "req-params-unique",
    description: "On an API object: no two `req_params` have the same `location` and `name`; HEADER names are compared ASCII case-insensitively (HTTP headers are). Reports each repeat at its `name`, with the first as related location.",
    args: &[],
    placeholders: &["param", "location"],
    run: req_params_unique,
};

fn req_params_unique(call: &Call<'_, '_>) -> Vec<Finding> {
    let api = call.target;
    let params = api
        .node
        .get("req_params")
        .and_then(Node::as_seq)
        .unwrap_or_default();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, param) in params.iter().enumerate() {
        let (Some(name), Some(location)) = (
            param.get("name").and_then(Node::as_str),
            param.get("location").and_then(Node::as_str),
        ) else {
            continue;
        };
        let location = location.to_ascii_uppercase();
        let compared = if location == "HEADER" {
            name.to_ascii_lowercase()
        } else {
            name.to_owned()
        };
        let here = api.pointer.push("req_params").index(i).push("name");
        match seen.get(&(location.clone(), compared.clone())) {
            Some(&first) => out.push(
                Finding::at(here)
                    .arg("param", name)
                    .arg("location", location)
                    .related(
                        api.pointer.push("req_params").index(first).push("name"),
                        "first defined here",
                    ),
            ),
            None => {
                seen.insert((location, compared), i);
            }
        }
    }
    out
}

/// `not-one-of`: a string is none of the listed values.
pub const NOT_ONE_OF: FunctionDef = FunctionDef {
    name: "not-one-of",
    description: "On a string (or `~` key): it is none of `values`, compared ASCII case-insensitively (for names such as headers). Reports the string.",
    args: &[ArgDef {
        name: "values",
        kind: ArgKind::StringList,
        required: true,
        description: "the forbidden values",
    }],
    placeholders: &[],
    run: not_one_of,
};

fn not_one_of(call: &Call<'_, '_>) -> Vec<Finding> {
    let Some(text) = call.target.text() else {
        return Vec::new();
    };
    if call
        .list_arg("values")
        .iter()
        .any(|v| v.eq_ignore_ascii_case(text))
    {
        vec![Finding {
            at_key: call.target.is_key,
            ..Finding::at(call.target.pointer.clone())
        }]
    } else {
        Vec::new()
    }
}

/// `bounds-match-type`: on an OpenAPI parameter, range keywords suit its type.
pub const BOUNDS_MATCH_TYPE: FunctionDef = FunctionDef {
    name: "bounds-match-type",
    description: "On an OpenAPI Parameter object (2.0: keywords on the parameter; 3.x: in its inline `schema`): `minimum`/`maximum` only with type integer or number, `minLength`/`maxLength` only with type string (the gateway has `min_num`/`max_num` for NUMBER and `min_size`/`max_size` for STRING). Reports the mismatched keyword's key.",
    args: &[],
    placeholders: &["keyword", "type"],
    run: bounds_match_type,
};

fn bounds_match_type(call: &Call<'_, '_>) -> Vec<Finding> {
    let param = call.target;
    let (schema, pointer) = match param.node.get("schema") {
        Some(s) => (s, param.pointer.push("schema")),
        None => (param.node, param.pointer.clone()),
    };
    let Some(map) = schema.as_map() else {
        return Vec::new();
    };
    // OpenAPI 3.1 writes `type: [integer, "null"]`; the first non-null type decides.
    let ty = match schema.get("type").map(|t| &t.value) {
        Some(Value::String(s)) => Some(&**s),
        Some(Value::Seq(items)) => items.iter().filter_map(Node::as_str).find(|t| *t != "null"),
        _ => None,
    };
    let misplaced: &[&str] = match ty {
        Some("integer" | "number") => &["minLength", "maxLength"],
        Some("string") => &["minimum", "maximum"],
        _ => return Vec::new(),
    };
    misplaced
        .iter()
        .filter(|k| map.entry(k).is_some())
        .map(|k| Finding {
            at_key: true,
            ..Finding::at(pointer.push(k))
                .arg("keyword", *k)
                .arg("type", ty.unwrap_or_default())
        })
        .collect()
}

/// `env-variable-names`: `#name#` environment variables in backend addresses are well formed.
pub const ENV_VARIABLE_NAMES: FunctionDef = FunctionDef {
    name: "env-variable-names",
    description: "On an API object: every `#name#` environment variable in `backend_api.url_domain`, `backend_api.req_uri` and each `policy_https[*]` `url_domain`/`req_uri` has a name of 3-32 characters, a letter first, then letters, digits, `-`, `_`. Reports the variable inside the string where an OpenAPI source writes the value as is, else the string.",
    args: &[],
    placeholders: &["variable"],
    run: env_variable_names,
};

fn valid_env_variable(name: &str) -> bool {
    let mut chars = name.chars();
    (3..=32).contains(&name.chars().count())
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn env_variable_names(call: &Call<'_, '_>) -> Vec<Finding> {
    let api = call.target;
    let mut backends: Vec<(Pointer, &Node)> = Vec::new();
    if let Some(b) = api.node.get("backend_api") {
        backends.push((api.pointer.push("backend_api"), b));
    }
    for (i, p) in api
        .node
        .get("policy_https")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        backends.push((api.pointer.push("policy_https").index(i), p));
    }
    let mut out = Vec::new();
    for (pointer, backend) in backends {
        for field in ["url_domain", "req_uri"] {
            let Some(text) = backend.get(field).and_then(Node::as_str) else {
                continue;
            };
            for (at, var) in super::api::enclosed_at(text, '#', '#') {
                if !valid_env_variable(var) {
                    out.push(
                        Finding::at(pointer.push(field))
                            .arg("variable", var)
                            .within(at),
                    );
                }
            }
        }
    }
    out
}

/// `unused-components`: reusable OpenAPI objects that no `$ref` of the document points at.
pub const UNUSED_COMPONENTS: FunctionDef = FunctionDef {
    name: "unused-components",
    description: "On the OpenAPI document root: every entry of `definitions`, `parameters`, `responses` (2.0) or of `components.schemas`, `parameters`, `responses`, `requestBodies`, `headers`, `examples`, `links`, `callbacks`, `pathItems` (3.x) is the target (or the parent of the target) of some local `$ref` in the document or of a discriminator `mapping` value (a reference, or a plain schema name), or holds a schema whose `$anchor` or `$id` some `$ref` names (OpenAPI 3.1). Reports each unreferenced entry at its key.",
    args: &[],
    placeholders: &["section"],
    run: unused_components,
};

const SECTIONS_2: [&str; 3] = ["definitions", "parameters", "responses"];
const SECTIONS_3: [&str; 9] = [
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
    "links",
    "callbacks",
    "pathItems",
];

fn unused_components(call: &Call<'_, '_>) -> Vec<Finding> {
    let root = call.target.node;
    let mut fragments: HashSet<&str> = HashSet::new();
    let mut by_name = Identifying::default();
    collect_refs(root, &mut fragments, &mut by_name);
    let mut refs: HashSet<String> = fragments.into_iter().map(component_of).collect();
    refs.extend(by_name.schema_names.iter().map(|name| {
        Pointer::root()
            .push("components")
            .push("schemas")
            .push(name)
            .text()
    }));
    let (base, sections): (Pointer, &[&str]) = if root.get("swagger").is_some() {
        (call.target.pointer.clone(), &SECTIONS_2)
    } else {
        (call.target.pointer.push("components"), &SECTIONS_3)
    };
    let container = if root.get("swagger").is_some() {
        Some(root)
    } else {
        root.get("components")
    };
    let Some(container) = container else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for section in sections {
        let Some(map) = container.get(section).and_then(Node::as_map) else {
            continue;
        };
        let section_pointer = base.push(section);
        for entry in &map.entries {
            let pointer = section_pointer.push_key(&entry.key.name);
            if !refs.contains(pointer.text().as_str()) && !by_name.names_something_in(&entry.value)
            {
                out.push(Finding {
                    at_key: true,
                    ..Finding::at(pointer).arg("section", *section)
                });
            }
        }
    }
    out
}

/// Adds the fragment (after `#`) of every local `$ref` below `node` that is a JSON pointer
/// to `refs`, and what the others may name a schema by to `by_name`. A Discriminator
/// Object's `mapping` values name schemas too (OpenAPI 3.0.3 / 3.1 Discriminator Object):
/// a reference counts as a `$ref`, a plain name as one to `#/components/schemas/<name>`.
fn collect_refs<'a>(node: &'a Node, refs: &mut HashSet<&'a str>, by_name: &mut Identifying<'a>) {
    match &node.value {
        Value::Map(map) => {
            for entry in &map.entries {
                match &*entry.key.name {
                    "$ref" => {
                        if let Some(target) = entry.value.as_str() {
                            note_reference(target, refs, by_name);
                        }
                    }
                    "discriminator" => {
                        for value in entry
                            .value
                            .get("mapping")
                            .and_then(Node::as_map)
                            .map(|m| m.entries.as_slice())
                            .unwrap_or_default()
                            .iter()
                            .filter_map(|e| e.value.as_str())
                        {
                            if value.contains(['#', '/']) {
                                note_reference(value, refs, by_name);
                            } else {
                                by_name.schema_names.insert(value);
                            }
                        }
                    }
                    _ => {}
                }
                collect_refs(&entry.value, refs, by_name);
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| collect_refs(i, refs, by_name)),
        _ => {}
    }
}

/// Records one reference (a `$ref`'s value, or a discriminator mapping value written as a
/// reference): a local JSON pointer in `refs`, anything else in `by_name`.
fn note_reference<'a>(target: &'a str, refs: &mut HashSet<&'a str>, by_name: &mut Identifying<'a>) {
    let (uri, fragment) = target.split_once('#').unwrap_or((target, ""));
    if uri.is_empty() && (fragment.is_empty() || fragment.starts_with('/')) {
        refs.insert(fragment);
    } else {
        if !fragment.is_empty() && !fragment.starts_with('/') {
            by_name.anchors.insert(fragment);
        }
        if !uri.is_empty() {
            by_name.uris.insert(uri);
        }
    }
}

/// What the `$ref`s of a document that are no JSON pointers may name a schema by (OpenAPI
/// 3.1, JSON Schema 2020-12): plain names (`#limit`, the schema with `$anchor: limit`) and
/// URIs (the schema whose `$id` they are, relative to an enclosing `$id` perhaps).
#[derive(Default)]
struct Identifying<'a> {
    anchors: HashSet<&'a str>,
    uris: HashSet<&'a str>,
    /// Schema names that discriminator mappings give as plain names (`cat: Cat`).
    schema_names: HashSet<&'a str>,
}

impl Identifying<'_> {
    /// Whether a schema in `node` has an `$anchor` some `$ref` uses, or an `$id` one may
    /// name. A reference by `$id` may be written relative to another `$id`, which is not
    /// worked out here: one that names the end of an `$id` counts, so that no component a
    /// reference may use is reported.
    fn names_something_in(&self, node: &Node) -> bool {
        if self.anchors.is_empty() && self.uris.is_empty() {
            return false;
        }
        match &node.value {
            Value::Map(map) => map.entries.iter().any(|e| {
                let named = match (&*e.key.name, e.value.as_str()) {
                    ("$anchor" | "$dynamicAnchor", Some(name)) => self.anchors.contains(name),
                    ("$id", Some(id)) => {
                        let id = id.trim_end_matches('#');
                        self.uris.iter().any(|u| {
                            *u == id
                                || id.strip_suffix(u).is_some_and(|head| head.ends_with('/'))
                                || u.strip_suffix(id).is_some_and(|head| head.ends_with('/'))
                        })
                    }
                    _ => false,
                };
                named || self.names_something_in(&e.value)
            }),
            Value::Seq(items) => items.iter().any(|i| self.names_something_in(i)),
            _ => false,
        }
    }
}

/// The pointer of the component a `$ref` fragment names (the first three tokens for
/// `/components/...`, two otherwise), escaped as in [`Pointer`]:
/// `/components/schemas/A/properties/b` → `/components/schemas/A`; `/definitions/A` stays.
fn component_of(fragment: &str) -> String {
    let decoded = percent_decode(fragment);
    let tokens: Vec<&str> = decoded.split('/').skip(1).collect();
    let depth = if tokens.first() == Some(&"components") {
        3
    } else {
        2
    };
    let mut pointer = Pointer::root();
    for token in tokens.iter().take(depth) {
        pointer = pointer.push(&unescape_pointer_token(token));
    }
    pointer.text()
}

/// Decodes `%XX` escapes of a URI fragment (`#/components/schemas/a%20b`); anything
/// malformed is kept as written.
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::functions::testing::run;

    #[test]
    fn repeated_parameters_are_reported_headers_case_insensitively() {
        let doc = "apis:\n  - req_params:\n      - {name: X-Tenant, location: HEADER}\n      - {name: x-tenant, location: HEADER}\n      - {name: q, location: QUERY}\n      - {name: Q, location: QUERY}\n      - {name: q, location: HEADER}\n      - {name: q, location: QUERY}\n";
        assert_eq!(
            run(&REQ_PARAMS_UNIQUE, doc, "$.apis[*]", "{}"),
            [
                "/apis/0/req_params/1/name: param=x-tenant, location=HEADER (related /apis/0/req_params/0/name)",
                "/apis/0/req_params/5/name: param=q, location=QUERY (related /apis/0/req_params/2/name)",
            ]
        );
    }

    #[test]
    fn forbidden_values_match_case_insensitively() {
        let doc = "h: [X-Auth-Token, x-auth-token, X-Auth-Tokens, X-Tenant]\n";
        assert_eq!(
            run(&NOT_ONE_OF, doc, "$.h[*]", "values: [X-Auth-Token]"),
            ["/h/0: ", "/h/1: "]
        );
    }

    #[test]
    fn range_keywords_must_suit_the_type() {
        let doc = "p:\n  - {type: string, minLength: 1, maximum: 5}\n  - {schema: {type: integer, minimum: 1, maxLength: 3}}\n  - {schema: {type: [number, 'null'], minLength: 1}}\n  - {type: boolean, minimum: 1}\n  - {schema: {$ref: '#/x'}}\n";
        assert_eq!(
            run(&BOUNDS_MATCH_TYPE, doc, "$.p[*]", "{}"),
            [
                "/p/0/maximum: keyword=maximum, type=string",
                "/p/1/schema/maxLength: keyword=maxLength, type=integer",
                "/p/2/schema/minLength: keyword=minLength, type=number",
            ]
        );
    }

    #[test]
    fn environment_variable_names_are_checked_in_backend_addresses() {
        let doc = "apis:\n  - backend_api: {url_domain: '#good_host#:8080', req_uri: '/#ab#/#9x#/{id}'}\n    policy_https:\n      - {url_domain: '#a.b#', req_uri: /p}\n      - {url_domain: 'host#', req_uri: '/#ok-var#'}\n";
        assert_eq!(
            run(&ENV_VARIABLE_NAMES, doc, "$.apis[*]", "{}"),
            [
                "/apis/0/backend_api/req_uri: variable=ab",
                "/apis/0/backend_api/req_uri: variable=9x",
                "/apis/0/policy_https/0/url_domain: variable=a.b",
            ]
        );
        let vars = super::super::api::enclosed_at("#a#b#c#", '#', '#');
        assert_eq!(vars, [(0..3, "a"), (4..7, "c")]);
        assert!(valid_env_variable(&"a".repeat(32)));
        assert!(!valid_env_variable(&"a".repeat(33)));
    }

    /// A discriminator's mapping names schemas by reference or by plain name.
    #[test]
    fn components_named_by_a_discriminator_mapping_are_used() {
        let doc = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}}\ncomponents:\n  schemas:\n    Pet:\n      discriminator:\n        propertyName: kind\n        mapping: {cat: '#/components/schemas/Cat', dog: Dog, bird: Bird}\n    Cat: {type: object}\n    Dog: {type: object}\n    Fish: {type: object}\n";
        assert_eq!(
            run(&UNUSED_COMPONENTS, doc, "$", "{}"),
            ["/components/schemas/Fish: section=schemas"]
        );
    }

    /// OpenAPI 3.1: a schema named by its `$anchor` or `$id` is used.
    #[test]
    fn components_named_by_anchor_or_id_are_used() {
        let doc = "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      parameters:\n        - {name: a, in: query, schema: {$ref: '#limit'}}\n        - {name: b, in: query, schema: {$ref: 'https://example.com/pet'}}\ncomponents:\n  schemas:\n    Limit: {$anchor: limit, type: integer}\n    Pet: {$id: 'https://example.com/pet', properties: {o: {$ref: owner}}}\n    Owner: {$id: 'https://example.com/owner'}\n    Nested: {$defs: {x: {$anchor: limit2}}}\n    Lonely: {$anchor: lonely}\n";
        assert_eq!(
            run(&UNUSED_COMPONENTS, doc, "$", "{}"),
            [
                "/components/schemas/Nested: section=schemas",
                "/components/schemas/Lonely: section=schemas",
            ]
        );
    }

    #[test]
    fn components_without_a_reference_are_reported() {
        let doc = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      parameters: [{$ref: '#/components/parameters/p'}]\n      responses: {'200': {$ref: '#/components/responses/ok'}}\ncomponents:\n  schemas:\n    used by ref: {type: string}\n    a/b: {type: string}\n    nested: {type: object, properties: {x: {$ref: '#/components/schemas/used%20by%20ref'}}}\n    lonely: {type: string}\n  parameters:\n    p: {name: p, in: query, schema: {$ref: '#/components/schemas/a~1b/properties/x'}}\n  responses:\n    ok: {description: ok}\n    spare: {description: spare}\n";
        assert_eq!(
            run(&UNUSED_COMPONENTS, doc, "$", "{}"),
            [
                "/components/schemas/nested: section=schemas",
                "/components/schemas/lonely: section=schemas",
                "/components/responses/spare: section=responses",
            ]
        );
        let doc2 = "swagger: '2.0'\npaths: {}\ndefinitions:\n  A: {type: string}\n  B: {$ref: '#/definitions/A'}\nparameters:\n  p: {name: p, in: query, type: string}\n";
        assert_eq!(
            run(&UNUSED_COMPONENTS, doc2, "$", "{}"),
            [
                "/definitions/B: section=definitions",
                "/parameters/p: section=parameters"
            ]
        );
    }
}
