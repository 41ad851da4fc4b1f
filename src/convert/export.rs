//! A gateway [`Definition`] to an OpenAPI 2.0 / 3.0 / 3.1 document with `x-apigateway-*`
//! extensions, the inverse of [`crate::convert::import`].
//!
//! Every extension is written in the placement the extension reference documents for the
//! target version (§1–§3) and, where sources disagree, in the API Reference's spelling (§6):
//! conditions use `exact`/`param`, backend parameter locations are upper case, group responses
//! sit at the root for 2.0 and under `components` for 3.x. The output is built as a spanned tree
//! ([`Node`]) whose keys are in OpenAPI's conventional order, so YAML ([`crate::convert::yaml`])
//! and JSON ([`to_json_text`]) renderings are byte-identical across runs.
//!
//! What the extensions cannot carry (environments, publications, plug-in definitions, binding
//! environments, fields with no extension key) is reported as a warning with the definition
//! pointer of the value left out; nothing is dropped silently. The README's "What lossless
//! means" section lists these and the normalisations an import of the output applies.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::route_path;
use crate::model::{
    ApiBackendVpcDef, ApiConditionDef, EffectMode, FunctionReqProtocol, InvocationType, NetworkType,
};
use crate::model::{
    ApiDef, AppCodeAuthType, AuthType, AuthorizerDef, BackendParamDef, BackendReqProtocol,
    BackendType, ConditionOrigin, Definition, GroupResponseDef, ParamLocation, ParamType,
    ReqMethod, ReqParamDef, ReqProtocol, ThrottleDef, ThrottleType, VpcChannelStatus, YesNo,
};
use crate::openapi::OasVersion;
use crate::source::{Entry, Key, Map, Node, Number, Span, Value};

/// Diagnostic code: a definition value the extension format cannot carry; left out.
pub const NOT_REPRESENTABLE: &str = "export-not-representable";
/// Diagnostic code: two values that the document can hold only one of; the first is kept.
pub const CONFLICT: &str = "export-conflict";
/// Diagnostic code (error): two objects of a kind share a name, which the document would write
/// as a repeated key or `operationId` that import refuses; nothing is written.
pub const DUPLICATE_NAME: &str = "export-duplicate-name";
/// Diagnostic code (error): a web backend (default or policy, HTTP or gRPC) that uses no VPC
/// channel and has no `url_domain`, which the document would write as `httpEndpoints` without
/// the `address` the extension requires; nothing is written.
pub const NO_ADDRESS: &str = "export-no-address";
/// Diagnostic code (error): an HTTP backend with `req_protocol: GRPCS`, which the extension's
/// `scheme` (`http` or `https`) cannot say; nothing is written.
pub const NO_SCHEME: &str = "export-no-scheme";
/// Diagnostic code (a warning): an API whose backend is the empty MOCK import stood in for one
/// it could not read (see [`crate::model::api::PLACEHOLDER_REMARK`]); its operation is written
/// without `x-apigateway-backend`, as the imported document had it.
pub const PLACEHOLDER: &str = "export-placeholder-backend";

/// Diagnostic code (error): a `req_uri` that does not start with `/`, which the document would
/// write as a `paths` key that OpenAPI reads as an extension or refuses, losing the API on
/// import; nothing is written.
pub const INVALID_PATH: &str = "export-invalid-path";

/// The security scheme keys the export gives the built-in authentication modes.
const BUILT_IN_SCHEMES: [&str; 4] = [
    "apig-auth-app",
    "apig-auth-app-header",
    "apig-auth-app-disable",
    "apig-auth-iam",
];

const SOURCE_REF: &str = "x-apigateway-extensions reference §1–§3, §6; API Reference 3.16.1";

/// Header parameters OpenAPI 3.x says to ignore (3.0.3 and 3.1.0, Parameter Object); import
/// drops them from a 3.x document.
pub(crate) const IGNORED_HEADERS: [&str; 3] = ["Accept", "Content-Type", "Authorization"];

/// Definition scope of an export (API Reference 3.16.1, Table 3-830 `define`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Define {
    /// Frontend definitions only: paths, parameters, authentication, visibility, matching.
    Spec,
    /// Frontend and backend: adds `x-apigateway-backend` and `x-apigateway-backend-policies`.
    Proxy,
    /// Everything: adds throttling policies, access control policies, custom authorizers,
    /// plug-in bindings and group responses. The default, so that a round trip is complete.
    #[default]
    All,
}

impl std::str::FromStr for Define {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "spec" => Ok(Define::Spec),
            "proxy" => Ok(Define::Proxy),
            "all" => Ok(Define::All),
            _ => Err(format!(
                "unknown definition scope `{s}`; use spec, proxy or all"
            )),
        }
    }
}

/// Options of an export.
#[derive(Clone, Copy, Debug)]
pub struct ExportOptions {
    /// OpenAPI version of the document.
    pub version: OasVersion,
    /// What to include.
    pub define: Define,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            version: OasVersion::V3_0,
            define: Define::All,
        }
    }
}

/// What an export produced.
#[derive(Clone, Debug)]
pub struct ExportResult {
    /// The OpenAPI document (spans are all zero: it was built, not read).
    pub document: Node,
    /// Warnings about definition values the document cannot carry, and errors about what it
    /// cannot be written with (repeated names: the document must not be written then). Each
    /// has the definition JSON pointer of the value (`pointer`) but no location: the caller,
    /// who loaded the definition, resolves the pointer to a span.
    pub diagnostics: Vec<Diagnostic>,
    /// Related places of those diagnostics, as definition pointers for the caller to resolve.
    pub related: Vec<RelatedPointer>,
}

/// A related place of an export diagnostic, given by its definition pointer.
#[derive(Clone, Debug, PartialEq)]
pub struct RelatedPointer {
    /// Index of the diagnostic in [`ExportResult::diagnostics`].
    pub diagnostic: usize,
    /// Definition JSON pointer of the related value.
    pub pointer: String,
    /// What is there ("first defined here").
    pub message: String,
}

impl ExportResult {
    /// Whether a diagnostic is an error: the document must not be written.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Exports a definition to an OpenAPI document of `options.version`.
pub fn export(definition: &Definition, options: &ExportOptions) -> ExportResult {
    // Below this many APIs, starting threads costs more than it saves.
    export_in_batches(definition, options, 512)
}

/// [`export`], the APIs converted in parallel batches when there are at least `parallel_from`
/// of them.
fn export_in_batches(
    definition: &Definition,
    options: &ExportOptions,
    parallel_from: usize,
) -> ExportResult {
    let mut cx = Cx {
        version: options.version,
        define: options.define,
        parallel_from,
        diagnostics: Vec::new(),
        related: Vec::new(),
        schemes: Vec::new(),
    };
    // Checked first, so that the indices of the related places are those of the errors.
    let mut related = duplicate_names(definition, &mut cx.diagnostics);
    relative_paths(definition, &mut cx.diagnostics);
    let document = cx.document(definition);
    related.append(&mut cx.related);
    ExportResult {
        document,
        diagnostics: cx.diagnostics,
        related,
    }
}

/// An error for each object whose name an earlier object of its kind has (at the second
/// name, the first as related place), and for each custom authorizer named like a built-in
/// security scheme. The objects are keys of one mapping in the document (security schemes,
/// `x-apigateway-ratelimits`, `x-apigateway-access-controls`, `x-apigateway-responses`) or
/// `operationId`s, which the loader and import refuse to read twice.
fn duplicate_names(def: &Definition, out: &mut Vec<Diagnostic>) -> Vec<RelatedPointer> {
    let kinds: [(&str, &str, &str, Vec<&str>); 5] = [
        (
            "authorizers",
            "name",
            "custom authorizer",
            def.authorizers.iter().map(|a| a.name.as_str()).collect(),
        ),
        (
            "throttles",
            "name",
            "throttling policy",
            def.throttles.iter().map(|t| t.name.as_str()).collect(),
        ),
        (
            "acls",
            "acl_name",
            "access control policy",
            def.acls.iter().map(|a| a.acl_name.as_str()).collect(),
        ),
        (
            "responses",
            "name",
            "group response",
            def.responses.iter().map(|r| r.name.as_str()).collect(),
        ),
        (
            "apis",
            "name",
            "API",
            def.apis.iter().map(|a| a.name.as_str()).collect(),
        ),
    ];
    let mut related = Vec::new();
    for (list, field, kind, names) in kinds {
        let mut first: HashMap<&str, usize> = HashMap::with_capacity(names.len());
        for (i, name) in names.into_iter().enumerate() {
            let at = format!("/{list}/{i}/{field}");
            if list == "authorizers" && BUILT_IN_SCHEMES.contains(&name) {
                out.push(
                    Diagnostic::error(
                        DUPLICATE_NAME,
                        format!("custom authorizer `{name}` has the name of the security scheme the export gives a built-in authentication mode; the document cannot hold both"),
                    )
                    .pointer(at.clone())
                    .help("rename the authorizer (3 to 64 letters, digits and `_`, a letter first) and the `authorizer_name` of its APIs")
                    .source("x-apigateway-extensions reference §2.1, §2.3; API Reference 3.15.1"),
                );
            }
            match first.entry(name) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(i);
                }
                std::collections::hash_map::Entry::Occupied(slot) => {
                    related.push(RelatedPointer {
                        diagnostic: out.len(),
                        pointer: format!("/{list}/{}/{field}", slot.get()),
                        message: "first defined here".into(),
                    });
                    let what = match list {
                        "apis" => "`operationId`s",
                        "authorizers" => "security scheme keys",
                        "throttles" => "`x-apigateway-ratelimits` keys",
                        "acls" => "`x-apigateway-access-controls` keys",
                        _ => "`x-apigateway-responses` keys",
                    };
                    out.push(
                        Diagnostic::error(
                            DUPLICATE_NAME,
                            format!("another {kind} is named `{name}`; the exported document would repeat it in its {what}, which import refuses, so nothing is written"),
                        )
                        .pointer(at)
                        .help(format!("names are unique in a definition, as on the gateway: rename or remove one {kind}, and update what refers to it by name"))
                        .source(SOURCE_REF),
                    );
                }
            }
        }
    }
    for (i, api) in def.apis.iter().enumerate() {
        // An AUTHORIZER API's scheme is named after its authorizer: named like a built-in
        // scheme, the one key would stand for both, and every API of the other mode would
        // import with the authorizer's authentication (or the reverse).
        if api.auth_type == AuthType::Authorizer
            && let Some(name) = api.authorizer_name.as_deref()
            && BUILT_IN_SCHEMES.contains(&name)
        {
            out.push(
                Diagnostic::error(
                    DUPLICATE_NAME,
                    format!("`authorizer_name` `{name}` of API `{}` is the name of the security scheme the export gives a built-in authentication mode; the document would hold one scheme for both, changing the authentication of other APIs on import, so nothing is written", api.name),
                )
                .pointer(format!("/apis/{i}/authorizer_name"))
                .help("name a custom authorizer of the definition (3 to 64 letters, digits and `_`, a letter first)")
                .source("x-apigateway-extensions reference §2.1, §2.3; API Reference 3.15.1"),
            );
        }
        // A parameter list naming one location and name twice is invalid OpenAPI, which
        // import refuses (names compare case-sensitively, as OpenAPI says).
        let mut first: HashMap<(ParamLocation, &str), usize> = HashMap::new();
        for (j, p) in api.req_params.iter().flatten().enumerate() {
            match first.entry((p.location, p.name.as_str())) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(j);
                }
                std::collections::hash_map::Entry::Occupied(slot) => {
                    related.push(RelatedPointer {
                        diagnostic: out.len(),
                        pointer: format!("/apis/{i}/req_params/{}/name", slot.get()),
                        message: "first defined here".into(),
                    });
                    out.push(
                        Diagnostic::error(
                            DUPLICATE_NAME,
                            format!("API `{}` has another {} parameter named `{}`; the exported parameter list would name it twice, which OpenAPI forbids and import refuses, so nothing is written", api.name, p.location, p.name),
                        )
                        .pointer(format!("/apis/{i}/req_params/{j}/name"))
                        .help("a parameter's location and name are unique in an API: rename or remove one")
                        .source("OpenAPI 2.0 / 3.x, Operation Object `parameters`; API Reference 3.5.1, Table 3-171"),
                    );
                }
            }
        }
    }
    related
}

/// An error for each API whose `req_uri` does not start with `/` (API Reference 3.5.1, Table
/// 3-167 `req_uri`): OpenAPI's `paths` keys start with `/`, a key starting with `x-` is an
/// extension and any other is refused by the official schema, so import of the document would
/// lose the API (silently, for `x-…`).
fn relative_paths(def: &Definition, out: &mut Vec<Diagnostic>) {
    for (i, api) in def.apis.iter().enumerate() {
        let uri = api.req_uri.as_str();
        if uri.starts_with('/') {
            continue;
        }
        let read_as = if uri.starts_with("x-") {
            "as an extension, not a path"
        } else {
            "as invalid"
        };
        out.push(
            Diagnostic::error(
                INVALID_PATH,
                format!("API `{}` has `req_uri: {uri}`, which does not start with `/`; its `paths` key would be read {read_as}, and import of the document would lose the API, so nothing is written", api.name),
            )
            .pointer(format!("/apis/{i}/req_uri"))
            .help(format!("write the path from the root: `req_uri: /{}`", uri.trim_start_matches("./")))
            .source("API Reference 3.5.1, Table 3-167 (req_uri); x-apigateway-extensions reference §4 #13; OpenAPI Paths Object (a path MUST begin with `/`)"),
        );
    }
}

/// A warning about the definition value at `pointer`.
fn warning(code: &str, pointer: impl Into<String>, message: String) -> Diagnostic {
    let help = match code {
        CONFLICT => {
            "the export keeps the first of the two; change or remove the other in the definition"
        }
        _ => {
            "the exported document leaves this out: keep the definition as the source for it, or correct it there"
        }
    };
    Diagnostic::new(code, Severity::Warn, message)
        .pointer(pointer)
        .help(help)
        .source(SOURCE_REF)
}

// ----- tree building ------------------------------------------------------------------------

/// A string node.
pub(crate) fn string(s: &str) -> Node {
    Node::new(Span::default(), Value::String(s.into()))
}

/// An integer node.
pub(crate) fn int(i: i64) -> Node {
    Node::new(Span::default(), Value::Number(Number::Int(i)))
}

/// A boolean node.
pub(crate) fn boolean(b: bool) -> Node {
    Node::new(Span::default(), Value::Bool(b))
}

/// A sequence node.
pub(crate) fn seq(items: Vec<Node>) -> Node {
    Node::new(Span::default(), Value::Seq(items))
}

/// A mapping under construction; keys keep insertion order.
#[derive(Default)]
pub(crate) struct MapBuilder {
    entries: Vec<Entry>,
}

impl MapBuilder {
    pub(crate) fn new() -> MapBuilder {
        MapBuilder::default()
    }

    /// Appends `key: value`. The key gets the value's span: a converted node keeps the span
    /// of its source, so diagnostics about the key still point into the source.
    pub(crate) fn put(&mut self, key: &str, value: Node) -> &mut Self {
        self.entries.push(Entry {
            key: Key {
                span: value.span,
                name: key.into(),
            },
            value,
        });
        self
    }

    /// Appends `key: value` when there is a value.
    pub(crate) fn opt(&mut self, key: &str, value: Option<Node>) -> &mut Self {
        if let Some(value) = value {
            self.put(key, value);
        }
        self
    }

    /// Appends `key: "value"` when there is a value.
    pub(crate) fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        self.opt(key, value.map(string))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn build(self) -> Node {
        Node::new(
            Span::default(),
            Value::Map(Map {
                entries: self.entries,
            }),
        )
    }
}

/// Writes a tree as pretty-printed JSON (two-space indentation, keys in the tree's order,
/// ending with a newline). Non-finite numbers, which JSON cannot hold, are written as strings;
/// `apigctl convert` refuses them before writing, and no other command's output holds one.
pub fn to_json_text(node: &Node) -> String {
    let mut out = String::new();
    write_json(&mut out, node, 0);
    out.push('\n');
    out
}

fn write_json(out: &mut String, node: &Node, level: usize) {
    fn newline(out: &mut String, level: usize) {
        out.push('\n');
        for _ in 0..level {
            out.push_str("  ");
        }
    }
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(Number::Int(i)) => out.push_str(&i.to_string()),
        Value::Number(Number::Float(f)) => match serde_json::Number::from_f64(*f) {
            Some(n) => out.push_str(&n.to_string()),
            None => out.push_str(&serde_json::Value::String(f.to_string()).to_string()),
        },
        Value::String(s) => out.push_str(&serde_json::Value::String(s.to_string()).to_string()),
        Value::Seq(items) if items.is_empty() => out.push_str("[]"),
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                write_json(out, item, level + 1);
            }
            newline(out, level);
            out.push(']');
        }
        Value::Map(map) if map.is_empty() => out.push_str("{}"),
        Value::Map(map) => {
            out.push('{');
            for (i, (key, value)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                out.push_str(&serde_json::Value::String(key.to_owned()).to_string());
                out.push_str(": ");
                write_json(out, value, level + 1);
            }
            newline(out, level);
            out.push('}');
        }
    }
}

// ----- export -------------------------------------------------------------------------------

struct Cx {
    version: OasVersion,
    define: Define,
    /// APIs are converted in parallel batches from this many on.
    parallel_from: usize,
    diagnostics: Vec<Diagnostic>,
    /// Related places of `diagnostics` found while building the document.
    related: Vec<RelatedPointer>,
    /// Security schemes in first-use order: key and scheme object.
    schemes: Vec<(String, Node)>,
}

/// One binding of the definition: environment, policy name, API names.
type BindingRow<'a> = (Option<&'a String>, &'a String, &'a Vec<String>);

/// The policies an API is bound to, taken from the definition's binding lists.
#[derive(Default)]
struct ApiBindings<'a> {
    throttle: Option<&'a str>,
    acl: Option<&'a str>,
    plugins: Vec<&'a str>,
}

impl Cx {
    fn v2(&self) -> bool {
        self.version == OasVersion::V2_0
    }

    fn proxy(&self) -> bool {
        self.define != Define::Spec
    }

    fn all(&self) -> bool {
        self.define == Define::All
    }

    fn warn(&mut self, code: &str, pointer: impl Into<String>, message: String) {
        self.diagnostics.push(warning(code, pointer, message));
    }

    fn lost(&mut self, pointer: impl Into<String>, what: &str) {
        self.warn(
            NOT_REPRESENTABLE,
            pointer,
            format!("{what} has no x-apigateway-* extension; not exported"),
        );
    }

    fn document(&mut self, def: &Definition) -> Node {
        self.unrepresentable_top_level(def);
        if self.all() {
            for authorizer in &def.authorizers {
                let scheme = authorizer_scheme(authorizer);
                self.schemes.push((authorizer.name.clone(), scheme));
            }
        }
        let bindings = if self.all() {
            self.bindings(def)
        } else {
            HashMap::new()
        };
        let paths = self.paths(def, &bindings);

        let mut doc = MapBuilder::new();
        match self.version {
            OasVersion::V2_0 => doc.put("swagger", string("2.0")),
            OasVersion::V3_0 => doc.put("openapi", string("3.0.3")),
            OasVersion::V3_1 => doc.put("openapi", string("3.1.0")),
        };
        let mut info = MapBuilder::new();
        info.put("title", string(&def.group.name));
        info.opt_str("description", def.group.remark.as_deref());
        info.put(
            "version",
            string(def.group.version.as_deref().unwrap_or("1.0.0")),
        );
        doc.put("info", info.build());
        if def.group.version.is_some() {
            self.warn(
                NOT_REPRESENTABLE,
                "/group/version",
                "the group version is written as `info.version`, which import does not read".into(),
            );
        }
        if self.v2() {
            doc.put("schemes", seq(vec![string("https")]));
        } else {
            doc.put("servers", servers(&["https"]));
        }
        doc.put("paths", paths);

        let schemes = std::mem::take(&mut self.schemes);
        let schemes = (!schemes.is_empty()).then(|| {
            let mut map = MapBuilder::new();
            for (name, scheme) in schemes {
                map.put(&name, scheme);
            }
            map.build()
        });
        let responses = (self.all() && !def.responses.is_empty()).then(|| {
            let mut map = MapBuilder::new();
            for r in &def.responses {
                map.put(&r.name, group_response(r));
            }
            map.build()
        });
        if self.v2() {
            doc.opt("securityDefinitions", schemes);
        } else {
            let mut components = MapBuilder::new();
            components.opt("securitySchemes", schemes);
            components.opt("x-apigateway-responses", responses.clone());
            if !components.is_empty() {
                doc.put("components", components.build());
            }
        }
        if self.all() {
            if !def.throttles.is_empty() {
                let mut map = MapBuilder::new();
                for (i, t) in def.throttles.iter().enumerate() {
                    map.put(&t.name, self.throttle(t, &format!("/throttles/{i}")));
                }
                doc.put("x-apigateway-ratelimits", map.build());
            }
            if !def.acls.is_empty() {
                let mut map = MapBuilder::new();
                for acl in &def.acls {
                    let mut policy = MapBuilder::new();
                    policy
                        .put("acl-type", string(acl.acl_type.as_str()))
                        .put("entity-type", string(acl.entity_type.as_str()))
                        .put("value", string(&acl.acl_value));
                    map.put(&acl.acl_name, policy.build());
                }
                doc.put("x-apigateway-access-controls", map.build());
            }
            if self.v2() {
                doc.opt("x-apigateway-responses", responses);
            }
        }
        doc.build()
    }

    fn unrepresentable_top_level(&mut self, def: &Definition) {
        if def.schema.is_some() {
            self.lost("/$schema", "`$schema`");
        }
        for (i, _) in def.environments.iter().enumerate() {
            self.lost(
                format!("/environments/{i}"),
                "an environment (with its variables)",
            );
        }
        for (i, _) in def.publications.iter().enumerate() {
            self.lost(format!("/publications/{i}"), "a publication");
        }
        if self.all() {
            for (i, _) in def.plugins.iter().enumerate() {
                self.warn(
                    NOT_REPRESENTABLE,
                    format!("/plugins/{i}"),
                    "a plug-in definition has no extension (`x-apigateway-plugins` only names plug-ins bound to an API); not exported".into(),
                );
            }
        }
    }

    /// Which policies each API is bound to. Bindings carry no environment in the extension
    /// format, and an API holds one throttle and one ACL.
    fn bindings<'a>(&mut self, def: &'a Definition) -> HashMap<&'a str, ApiBindings<'a>> {
        let mut out: HashMap<&str, ApiBindings> = HashMap::new();
        let known: std::collections::HashSet<&str> =
            def.apis.iter().map(|a| a.name.as_str()).collect();
        let lists: [(&str, Vec<BindingRow>); 3] = [
            (
                "throttle_bindings",
                def.throttle_bindings
                    .iter()
                    .map(|b| (b.env.as_ref(), &b.throttle, &b.apis))
                    .collect(),
            ),
            (
                "acl_bindings",
                def.acl_bindings
                    .iter()
                    .map(|b| (b.env.as_ref(), &b.acl, &b.apis))
                    .collect(),
            ),
            (
                "plugin_bindings",
                def.plugin_bindings
                    .iter()
                    .map(|b| (b.env.as_ref(), &b.plugin, &b.apis))
                    .collect(),
            ),
        ];
        for (field, list) in lists {
            for (i, (env, policy, apis)) in list.into_iter().enumerate() {
                let at = format!("/{field}/{i}");
                if env.is_some() {
                    self.warn(
                        NOT_REPRESENTABLE,
                        format!("{at}/env"),
                        "binding environments have no extension; the binding is exported for every environment".into(),
                    );
                }
                if apis.is_empty() {
                    self.lost(format!("{at}/apis"), "a binding without APIs");
                }
                for (j, api) in apis.iter().enumerate() {
                    let at = format!("{at}/apis/{j}");
                    if !known.contains(api.as_str()) {
                        self.warn(
                            NOT_REPRESENTABLE,
                            at,
                            format!("binding names API `{api}`, which the definition does not define; not exported"),
                        );
                        continue;
                    }
                    let entry = out.entry(api.as_str()).or_default();
                    let slot = match field {
                        "throttle_bindings" => &mut entry.throttle,
                        "acl_bindings" => &mut entry.acl,
                        _ => {
                            if !entry.plugins.contains(&policy.as_str()) {
                                entry.plugins.push(policy);
                            }
                            continue;
                        }
                    };
                    match slot {
                        Some(first) if *first != policy.as_str() => {
                            let first = first.to_owned();
                            self.warn(
                                CONFLICT,
                                at,
                                format!("API `{api}` is already bound to `{first}`; an operation names one policy of a kind, so this binding is not exported"),
                            );
                        }
                        _ => *slot = Some(policy),
                    }
                }
            }
        }
        out
    }

    fn paths(&mut self, def: &Definition, bindings: &HashMap<&str, ApiBindings>) -> Node {
        // Path items in order of first use; each with (method key, API index) in API order.
        let mut items: Vec<(&str, Vec<(&'static str, usize)>)> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        // Per API: whether it is exported, or else why not.
        let mut conflicts: Vec<Option<Diagnostic>> = Vec::with_capacity(def.apis.len());
        // By path shape (import's, variables unnamed): the first path of that shape and its
        // first API. OpenAPI: "Templated paths with the same hierarchy but different
        // templated names MUST NOT exist"; per API, a path that breaks this, with that API.
        let mut shapes: HashMap<String, (&str, usize)> = HashMap::new();
        let mut same_shape: Vec<Option<(Diagnostic, usize)>> = vec![None; def.apis.len()];
        for (i, api) in def.apis.iter().enumerate() {
            let key = method_key(api.req_method);
            let uri = api.req_uri.as_str();
            let slot = match index.get(uri) {
                Some(&slot) => slot,
                None => {
                    items.push((uri, Vec::new()));
                    index.insert(uri, items.len() - 1);
                    if uri.contains('{') {
                        let (first, at) = *shapes.entry(route_path(uri)).or_insert((uri, i));
                        if first != uri {
                            let message = format!(
                                "path `{uri}` differs from `{first}` (API `{}`) only in the names of its variables; OpenAPI says such templated paths \"MUST NOT exist\" in one document, and tools may read them as one path; exported as written",
                                def.apis[at].name
                            );
                            same_shape[i] = Some((
                                warning(NOT_REPRESENTABLE, format!("/apis/{i}/req_uri"), message)
                                    .help("name the variables of both paths alike (and the path parameters with them), if the document must be valid OpenAPI"),
                                at,
                            ));
                        }
                    }
                    items.len() - 1
                }
            };
            if items[slot].1.iter().any(|(k, _)| *k == key) {
                conflicts.push(Some(warning(
                    CONFLICT,
                    format!("/apis/{i}"),
                    format!(
                        "another API already has method {} and path `{}`; a path item holds one operation per method, so API `{}` is not exported",
                        api.req_method, api.req_uri, api.name
                    ),
                )));
                continue;
            }
            conflicts.push(None);
            items[slot].1.push((key, i));
        }
        let mut operations = self.operations(def, &conflicts, bindings);
        // Diagnostics in API order, as one pass over the APIs gives them.
        let per_api = conflicts.into_iter().zip(same_shape).zip(&mut operations);
        for ((conflict, shape), (_, diagnostics)) in per_api {
            self.diagnostics.extend(conflict);
            if let Some((diagnostic, first)) = shape {
                self.related.push(RelatedPointer {
                    diagnostic: self.diagnostics.len(),
                    pointer: format!("/apis/{first}/req_uri"),
                    message: "the first path of this shape".into(),
                });
                self.diagnostics.push(diagnostic);
            }
            self.diagnostics.append(diagnostics);
        }
        let mut paths = MapBuilder::new();
        for (uri, methods) in items {
            let mut item = MapBuilder::new();
            for (key, i) in methods {
                item.put(key, std::mem::take(&mut operations[i].0));
            }
            paths.put(uri, item.build());
        }
        paths.build()
    }

    /// By API index, the operation of every API without a conflict (`Node::default()` for the
    /// others) and its diagnostics; security schemes are added in first-use order. A big
    /// definition's APIs are converted in parallel batches, each with its own schemes, joined
    /// in order: the result of one pass.
    fn operations(
        &mut self,
        def: &Definition,
        conflicts: &[Option<Diagnostic>],
        bindings: &HashMap<&str, ApiBindings>,
    ) -> Vec<(Node, Vec<Diagnostic>)> {
        use rayon::prelude::*;
        let run = |first: usize, apis: &[ApiDef], schemes: Vec<(String, Node)>| {
            let mut cx = Cx {
                version: self.version,
                define: self.define,
                parallel_from: self.parallel_from,
                diagnostics: Vec::new(),
                related: Vec::new(),
                schemes,
            };
            let operations: Vec<(Node, Vec<Diagnostic>)> = apis
                .iter()
                .enumerate()
                .map(|(j, api)| {
                    if conflicts[first + j].is_some() {
                        return (Node::default(), Vec::new());
                    }
                    let at = format!("/apis/{}", first + j);
                    let node = cx.operation(api, &at, bindings.get(api.name.as_str()));
                    (node, std::mem::take(&mut cx.diagnostics))
                })
                .collect();
            (operations, cx.schemes)
        };
        if def.apis.len() < self.parallel_from {
            let (operations, schemes) = run(0, &def.apis, std::mem::take(&mut self.schemes));
            self.schemes = schemes;
            return operations;
        }
        let size = crate::convert::batch_size(def.apis.len());
        let known = self.schemes.len();
        let batches: Vec<_> = def
            .apis
            .par_chunks(size)
            .enumerate()
            .map(|(b, apis)| run(b * size, apis, self.schemes.clone()))
            .collect();
        let mut operations = Vec::with_capacity(def.apis.len());
        for (batch, schemes) in batches {
            operations.extend(batch);
            // A scheme is made the same way from its name wherever it is first used, so the
            // first batch to use it gives it its place.
            for (name, scheme) in schemes.into_iter().skip(known) {
                if !self.schemes.iter().any(|(k, _)| *k == name) {
                    self.schemes.push((name, scheme));
                }
            }
        }
        operations
    }

    fn operation(&mut self, api: &ApiDef, at: &str, bindings: Option<&ApiBindings>) -> Node {
        let mut op = MapBuilder::new();
        op.put("operationId", string(&api.name));
        op.opt_str("description", api.remark.as_deref());
        if let Some(tags) = &api.tags {
            // OpenAPI tags are unique (`uniqueItems`); the gateway's list is not checked.
            let mut seen = std::collections::HashSet::new();
            let mut list = Vec::new();
            for (j, tag) in tags.iter().enumerate() {
                if seen.insert(tag) {
                    list.push(string(tag));
                } else {
                    self.warn(
                        NOT_REPRESENTABLE,
                        format!("{at}/tags/{j}"),
                        format!("tag `{tag}` is repeated; OpenAPI tags are unique, so the repetition is not exported"),
                    );
                }
            }
            op.put("tags", seq(list));
        }
        let schemes: &[&str] = match api.req_protocol {
            ReqProtocol::Https => &[],
            ReqProtocol::Http => &["http"],
            ReqProtocol::Both => &["http", "https"],
            ReqProtocol::Grpcs => {
                self.warn(
                    NOT_REPRESENTABLE,
                    format!("{at}/req_protocol"),
                    "gRPC frontends have no OpenAPI or extension form; exported as HTTPS".into(),
                );
                &[]
            }
        };
        if !schemes.is_empty() {
            if self.v2() {
                op.put("schemes", seq(schemes.iter().map(|s| string(s)).collect()));
            } else {
                op.put("servers", servers(schemes));
            }
        }
        if let Some(scheme) = self.security(api, at) {
            op.put("security", seq(vec![requirement(&scheme)]));
        }
        self.path_parameters(api, at);
        if let Some(params) = &api.req_params {
            let list: Vec<Node> = params
                .iter()
                .enumerate()
                .map(|(j, p)| self.parameter(p, &format!("{at}/req_params/{j}")))
                .collect();
            op.put("parameters", seq(list));
        }
        if let Some(ct) = api.content_type
            && !self.v2()
        {
            let mut content = MapBuilder::new();
            content.put(ct.as_str(), MapBuilder::new().build());
            let mut body = MapBuilder::new();
            body.put("content", content.build());
            op.put("requestBody", body.build());
        }
        let mut response = MapBuilder::new();
        response.put("description", string("Default response"));
        response.opt_str(
            "x-apigateway-result-normal-sample",
            api.result_normal_sample.as_deref(),
        );
        response.opt_str(
            "x-apigateway-result-failure-sample",
            api.result_failure_sample.as_deref(),
        );
        let mut responses = MapBuilder::new();
        responses.put("default", response.build());
        op.put("responses", responses.build());

        op.put(
            "x-apigateway-request-type",
            string(match api.api_type {
                crate::model::ApiType::Public => "public",
                crate::model::ApiType::Private => "private",
            }),
        );
        op.opt_str(
            "x-apigateway-match-mode",
            api.match_mode.map(|m| m.as_str()),
        );
        op.opt("x-apigateway-cors", api.cors.map(boolean));
        if self.v2() {
            op.opt_str(
                "x-apigateway-content-type",
                api.content_type.map(|c| c.as_str()),
            );
        }
        if self.all() {
            if let Some(b) = bindings {
                op.opt_str("x-apigateway-ratelimit", b.throttle);
                op.opt_str("x-apigateway-access-control", b.acl);
                if !b.plugins.is_empty() {
                    op.put(
                        "x-apigateway-plugins",
                        seq(b.plugins.iter().map(|p| string(p)).collect()),
                    );
                }
            }
            op.opt_str("x-apigateway-response", api.response_name.as_deref());
        }
        for (field, present) in [
            ("version", api.version.is_some()),
            ("tag", api.tag.is_some()),
            ("domain_name", api.domain_name.is_some()),
            ("body_remark", api.body_remark.is_some()),
        ] {
            if present {
                self.lost(format!("{at}/{field}"), &format!("`{field}`"));
            }
        }
        // Import's stand-in for a backend it could not read: the operation had none.
        if self.proxy() && api.has_placeholder_backend() {
            self.warn(
                PLACEHOLDER,
                format!("{at}/mock_info/remark"),
                format!(
                    "API {} has no backend, only the empty MOCK import stood in for one; exported without `x-apigateway-backend`",
                    api.name
                ),
            );
        } else if self.proxy() {
            op.put("x-apigateway-backend", self.backend(api, at));
            let policies = self.policies(api, at);
            if !policies.is_empty() {
                op.put("x-apigateway-backend-policies", seq(policies));
            }
        }
        op.build()
    }

    /// The security scheme an API's authentication maps to, registering it on first use.
    fn security(&mut self, api: &ApiDef, at: &str) -> Option<String> {
        let opt = api.auth_opt.as_ref().and_then(|o| o.app_code_auth_type);
        let (name, auth_type, label) = match api.auth_type {
            AuthType::None => {
                if opt.is_some() {
                    self.lost(
                        format!("{at}/auth_opt"),
                        "`auth_opt` of an API without authentication",
                    );
                }
                return None;
            }
            AuthType::Authorizer => {
                if opt.is_some() {
                    self.lost(
                        format!("{at}/auth_opt"),
                        "`auth_opt` of a custom-authorizer API",
                    );
                }
                let Some(name) = &api.authorizer_name else {
                    self.warn(
                        NOT_REPRESENTABLE,
                        format!("{at}/auth_type"),
                        "an AUTHORIZER API without `authorizer_name` cannot name a security scheme; exported without authentication".into(),
                    );
                    return None;
                };
                if !self.schemes.iter().any(|(k, _)| k == name) {
                    let mut scheme = api_key_scheme("unused");
                    scheme.put("x-apigateway-auth-type", string("AUTHORIZER"));
                    self.schemes.push((name.clone(), scheme.build()));
                }
                return Some(name.clone());
            }
            AuthType::App => ("apig-auth-app", "AppSigv1", "Authorization"),
            AuthType::Iam => {
                // `x-apigateway-auth-opt` sits only next to AppSigv1 (reference §2.2); the
                // gateway honours `app_code_auth_type` only with `auth_type: APP`.
                if opt.is_some() {
                    self.lost(format!("{at}/auth_opt"), "`auth_opt` of an IAM API");
                }
                return Some(self.scheme("apig-auth-iam", "IAM", "unused", None));
            }
        };
        Some(self.scheme(name, auth_type, label, opt))
    }

    /// Registers the built-in scheme `name` (with its AppCode variant) on first use; its key.
    fn scheme(
        &mut self,
        name: &str,
        auth_type: &str,
        label: &str,
        opt: Option<AppCodeAuthType>,
    ) -> String {
        let name = match opt {
            None => name.to_owned(),
            Some(AppCodeAuthType::Header) => format!("{name}-header"),
            Some(AppCodeAuthType::Disable) => format!("{name}-disable"),
        };
        if !self.schemes.iter().any(|(k, _)| *k == name) {
            let mut scheme = api_key_scheme(label);
            scheme.put("x-apigateway-auth-type", string(auth_type));
            if let Some(opt) = opt {
                let mut o = MapBuilder::new();
                o.put(
                    "appcode-auth-type",
                    string(&opt.as_str().to_ascii_lowercase()),
                );
                scheme.put("x-apigateway-auth-opt", o.build());
            }
            self.schemes.push((name.clone(), scheme.build()));
        }
        name
    }

    fn parameter(&mut self, p: &ReqParamDef, at: &str) -> Node {
        if !self.v2()
            && p.location == ParamLocation::Header
            && let Some(ignored) = IGNORED_HEADERS
                .iter()
                .find(|h| h.eq_ignore_ascii_case(&p.name))
        {
            // Written all the same (it documents the header), but OpenAPI 3 says to ignore it
            // and import does: the parameter, and what a backend parameter takes from it, is
            // lost on the way back. 2.0 has no such rule.
            self.diagnostics.push(
                Diagnostic::warn(
                    NOT_REPRESENTABLE,
                    format!("OpenAPI {} ignores a header parameter named `{ignored}` (\"the parameter definition SHALL be ignored\"), and so does import: the parameter does not survive an import of the document", self.version),
                )
                .pointer(format!("{at}/name"))
                .help("export with `--oas 2.0`, which keeps it, or rename the header; a backend parameter taking its value from it needs it too")
                .source("OpenAPI 3.0.3 and 3.1.0, Parameter Object (`in: header`)"),
            );
        }
        let mut param = MapBuilder::new();
        param.put("name", string(&p.name));
        param.put(
            "in",
            string(match p.location {
                ParamLocation::Path => "path",
                ParamLocation::Query => "query",
                ParamLocation::Header => "header",
            }),
        );
        param.opt_str("description", p.remark.as_deref());
        if p.location == ParamLocation::Path || p.required == Some(YesNo::Yes) {
            param.put("required", boolean(true));
        }
        let number = p.param_type == ParamType::Number;
        let mut schema = MapBuilder::new();
        schema.put("type", string(if number { "number" } else { "string" }));
        let default = p.default_value.as_deref().map(|v| match number {
            true => self.number_value(v, "default_value", at),
            false => string(v),
        });
        schema.opt("default", default);
        let (kept, other) = if number {
            (
                [
                    ("min_num", "minimum", p.min_num),
                    ("max_num", "maximum", p.max_num),
                ],
                [("min_size", p.min_size), ("max_size", p.max_size)],
            )
        } else {
            (
                [
                    ("min_size", "minLength", p.min_size),
                    ("max_size", "maxLength", p.max_size),
                ],
                [("min_num", p.min_num), ("max_num", p.max_num)],
            )
        };
        let checks: Vec<&str> = std::iter::once(("enumerations", p.enumerations.is_some()))
            .chain(kept.iter().map(|(field, _, v)| (*field, v.is_some())))
            .filter_map(|(field, present)| present.then_some(field))
            .collect();
        // An `enum` or a bound in OpenAPI means validation on: import sets `valid_enable: 1`
        // with one (reference §3.2) and leaves it out, the default 2, without.
        let validated = p.valid_enable == Some(YesNo::Yes);
        if validated {
            if let Some(e) = p.enumerations.as_deref() {
                schema.put("enum", self.enum_values(e, number, at));
            }
            for (_, key, value) in kept {
                schema.opt(key, value.map(int));
            }
            self.zero_bounds(p, at);
            if checks.is_empty() {
                self.diagnostics.push(
                    Diagnostic::warn(
                        NOT_REPRESENTABLE,
                        "`valid_enable: 1` without `enumerations` or bounds has no OpenAPI form (import sets it only with an `enum` or a bound, and reads its absence as 2, the default of API Reference 3.5.1, Table 3-171); not exported",
                    )
                    .pointer(format!("{at}/valid_enable"))
                    .help("remove `valid_enable` when nothing is to be checked, or add the `enumerations` or bounds the gateway is to check")
                    .source("x-apigateway-extensions reference §3.2; API Reference 3.5.1, Table 3-171"),
                );
            }
        } else if !checks.is_empty() {
            let list = checks
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let off = match p.valid_enable {
                Some(_) => "(`valid_enable: 2`)",
                None => "(no `valid_enable`: the default 2 of API Reference 3.5.1, Table 3-171)",
            };
            self.diagnostics.push(
                Diagnostic::warn(
                    NOT_REPRESENTABLE,
                    format!("validation is off {off}, so the gateway does not check {list}; an OpenAPI `enum` or bound would switch it on (import sets `valid_enable: 1`), so {} not exported", if checks.len() == 1 { "it is" } else { "they are" }),
                )
                .pointer(format!("{at}/valid_enable"))
                .help("set `valid_enable: 1` if the gateway is to check them (they are exported then), or remove them from the definition")
                .source("x-apigateway-extensions reference §3.2; API Reference 3.5.1, Table 3-171"),
            );
        }
        for (field, value) in other {
            if value.is_some() {
                self.warn(
                    NOT_REPRESENTABLE,
                    format!("{at}/{field}"),
                    format!(
                        "`{field}` does not apply to a {} parameter; not exported",
                        p.param_type
                    ),
                );
            }
        }
        for (field, present) in [
            ("regular", p.regular.is_some()),
            ("json_schema", p.json_schema.is_some()),
        ] {
            if present {
                self.lost(format!("{at}/{field}"), &format!("`{field}`"));
            }
        }
        if self.v2() {
            if let Value::Map(map) = schema.build().value {
                for entry in map.entries {
                    param.put(&entry.key.name, entry.value);
                }
            }
        } else {
            param.put("schema", schema.build());
        }
        if let Some(pass) = p.pass_through {
            param.put(
                "x-apigateway-pass-through",
                string(match pass {
                    YesNo::Yes => "always",
                    YesNo::No => "never",
                }),
            );
        }
        param.opt_str("x-apigateway-sample", p.sample_value.as_deref());
        param.build()
    }

    /// Warns about each variable of `req_uri` without a PATH parameter and each PATH parameter
    /// that is no variable of `req_uri`: the document is written as the definition says, but
    /// OpenAPI requires every template expression of a path to be declared as a path
    /// parameter and a path parameter's name to be one of them, so it is invalid OpenAPI and
    /// lint refuses it (`apig-path-params-declared`).
    fn path_parameters(&mut self, api: &ApiDef, at: &str) {
        let variables = crate::lint::functions::path_variables(&api.req_uri);
        let path_params: Vec<(usize, &str)> = api
            .req_params
            .iter()
            .flatten()
            .enumerate()
            .filter(|(_, p)| p.location == ParamLocation::Path)
            .map(|(j, p)| (j, p.name.as_str()))
            .collect();
        const SOURCE: &str = "OpenAPI 2.0 / 3.x, Path Templating and Parameter Object (`in: path`); API Reference 3.5.1, Tables 3-167 (req_uri), 3-171 (location PATH)";
        for var in &variables {
            if !path_params.iter().any(|(_, name)| name == var) {
                self.diagnostics.push(
                    Diagnostic::warn(
                        NOT_REPRESENTABLE,
                        format!("`{{{var}}}` of API `{}`'s path `{}` has no PATH request parameter; OpenAPI requires every variable of a path to be declared as a path parameter, so the exported document is invalid OpenAPI (exported as written)", api.name, api.req_uri),
                    )
                    .pointer(format!("{at}/req_uri"))
                    .help(format!("add `{{name: {var}, type: STRING, location: PATH, required: 1}}` to the API's `req_params`"))
                    .source(SOURCE),
                );
            }
        }
        for (j, name) in path_params {
            if !variables.contains(&name) {
                self.diagnostics.push(
                    Diagnostic::warn(
                        NOT_REPRESENTABLE,
                        format!("PATH parameter `{name}` of API `{}` is no variable of its path `{}`; OpenAPI requires a path parameter to name a variable of the path, so the exported document is invalid OpenAPI (exported as written)", api.name, api.req_uri),
                    )
                    .pointer(format!("{at}/req_params/{j}/name"))
                    .help(format!("add `{{{name}}}` to `req_uri`, or give the parameter another location (QUERY, HEADER) or remove it"))
                    .source(SOURCE),
                );
            }
        }
    }

    /// A NUMBER parameter's `default_value` or `enumerations` value (`field`) as the number
    /// its schema's `type: number` needs. Written as a number when it is one: silently when
    /// the number is written as the definition's text (`2`, `1.5`, `2.0`; import keeps the
    /// text written), else with a warning that it comes back as the number's text (`007` →
    /// `7`). A text that is no number (`abc`) is written as it is, a string, with a warning:
    /// the parameter's own schema refuses it.
    fn number_value(&mut self, text: &str, field: &str, at: &str) -> Node {
        if let Some(node) = exact_number(text) {
            return node;
        }
        let number = text.parse::<i64>().map(int).ok().or_else(|| {
            let f = text.parse::<f64>().ok().filter(|f| f.is_finite())?;
            // A whole number in range is written as an integer (`1e3` → `1000`).
            Some(match Number::Float(f).as_i64() {
                Some(i) => int(i),
                None => Node::new(Span::default(), Value::Number(Number::Float(f))),
            })
        });
        let pointer = format!("{at}/{field}");
        match number {
            Some(number) => {
                let written = number_text(&number);
                self.diagnostics.push(
                    Diagnostic::warn(
                        NOT_REPRESENTABLE,
                        format!("`{text}` of a NUMBER parameter is exported as the number `{written}`, which the schema's `type: number` needs; import reads it back as `{written}`"),
                    )
                    .pointer(pointer)
                    .help(format!("write `{written}` in the definition, which survives a round trip"))
                    .source("x-apigateway-extensions reference §3.2; API Reference 3.5.1, Table 3-171"),
                );
                number
            }
            None => {
                self.diagnostics.push(
                    Diagnostic::warn(
                        NOT_REPRESENTABLE,
                        format!("`{text}` is not a number, but the parameter is a NUMBER (`type: number`): exported as the string `\"{text}\"`, which the parameter's own schema refuses"),
                    )
                    .pointer(pointer)
                    .help("write a number, or make the parameter `type: STRING` if any text is meant")
                    .source("API Reference 3.5.1, Table 3-171 (type, default_value, enumerations)"),
                );
                string(text)
            }
        }
    }

    /// The `enum` of `enumerations`, each value once: 2.0's `enum` (JSON Schema draft-04)
    /// must hold unique values, and a repeated one checks nothing more. A repetition is a
    /// warning at `enumerations`.
    fn enum_values(&mut self, enumerations: &str, number: bool, at: &str) -> Node {
        let mut values: Vec<Node> = Vec::new();
        let mut repeated: Vec<&str> = Vec::new();
        for text in enumerations.split(',') {
            let value = match number {
                true => self.number_value(text, "enumerations", at),
                false => string(text),
            };
            if values.iter().any(|v| v.value == value.value) {
                repeated.push(text);
            } else {
                values.push(value);
            }
        }
        if !repeated.is_empty() {
            self.warn(
                NOT_REPRESENTABLE,
                format!("{at}/enumerations"),
                format!(
                    "`enumerations` repeats {}; an OpenAPI `enum` holds each value once, so the repetition is not exported",
                    repeated
                        .iter()
                        .map(|r| format!("`{r}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        seq(values)
    }

    /// Zero bounds (`min_num: 0, max_num: 0` admits only 0, `max_size: 0` only the empty
    /// string) are exported as written, but import reads them as no limit: gateway exports
    /// write 0 for a bound that is not set (reference §3.2). Import keeps a number bound of 0
    /// unless the other one is 0 too, and no length of 0 (`convert::import::params`): these
    /// are the ones reported.
    fn zero_bounds(&mut self, p: &ReqParamDef, at: &str) {
        let both_zero = p.min_num == Some(0) && p.max_num == Some(0);
        let (first, second) = match p.param_type {
            ParamType::Number => (
                both_zero.then_some(("min_num", "minimum")),
                both_zero.then_some(("max_num", "maximum")),
            ),
            ParamType::String => (
                (p.min_size == Some(0)).then_some(("min_size", "minLength")),
                (p.max_size == Some(0)).then_some(("max_size", "maxLength")),
            ),
        };
        for (field, key) in first.into_iter().chain(second) {
            let help = match (p.param_type, field) {
                (ParamType::Number, _) => {
                    "to admit only 0, use `enumerations: \"0\"`, which survives; keep the definition as the source otherwise"
                }
                (_, "min_size") => "`min_size: 0` lets every value through: remove it",
                _ => {
                    "a parameter that must be empty has no OpenAPI form that survives import; keep the definition as the source for it, or remove the bound"
                }
            };
            self.diagnostics.push(
                Diagnostic::warn(
                    NOT_REPRESENTABLE,
                    format!("`{field}: 0` is a check, but `{key}: 0` is what gateway exports write for a parameter without limits, and import reads it so (reference §3.2): the check does not survive an import of the document"),
                )
                .pointer(format!("{at}/{field}"))
                .help(help)
                .source("x-apigateway-extensions reference §3.2; API Reference 3.5.1, Table 3-171"),
            );
        }
    }

    fn backend(&mut self, api: &ApiDef, at: &str) -> Node {
        let mut backend = MapBuilder::new();
        let mut endpoint_key = None;
        let mut endpoint = MapBuilder::new();
        let mut kind = api.backend_type.as_str();
        match api.backend_type {
            BackendType::Http | BackendType::Grpc => {
                if api.backend_type == BackendType::Grpc {
                    self.warn(
                        NOT_REPRESENTABLE,
                        format!("{at}/backend_type"),
                        "gRPC backends have no extension; exported as an HTTP backend".into(),
                    );
                }
                kind = "HTTP";
                if let Some(b) = &api.backend_api {
                    let vpc = uses_vpc(b.vpc_channel_status, b.vpc_channel_info.as_ref());
                    let protocol =
                        self.web_protocol(api, b.req_protocol, &format!("{at}/backend_api"));
                    self.require_address(
                        api,
                        vpc,
                        b.url_domain.as_deref(),
                        &format!("{at}/backend_api"),
                    );
                    let ep = self.web_endpoint(
                        &format!("{at}/backend_api"),
                        b.url_domain.as_deref(),
                        b.vpc_channel_status,
                        b.vpc_channel_info.as_ref(),
                        protocol.as_str(),
                        b.req_method,
                        &b.req_uri,
                        Some(b.timeout),
                        b.retry_count.as_deref(),
                    );
                    endpoint = ep;
                    endpoint.opt("enableClientSsl", b.enable_client_ssl.map(boolean));
                    endpoint.opt_str("description", b.remark.as_deref());
                    if vpc {
                        kind = "HTTP-VPC";
                    }
                    endpoint_key = Some(if vpc {
                        "httpVpcEndpoints"
                    } else {
                        "httpEndpoints"
                    });
                    for (field, present) in [
                        ("authorizer_name", b.authorizer_name.is_some()),
                        ("version", b.version.is_some()),
                    ] {
                        if present {
                            self.lost(
                                format!("{at}/backend_api/{field}"),
                                &format!("`backend_api.{field}`"),
                            );
                        }
                    }
                } else {
                    self.warn(
                        NOT_REPRESENTABLE,
                        format!("{at}/backend_api"),
                        "an HTTP API without `backend_api` has no backend to export".into(),
                    );
                }
            }
            BackendType::Function => {
                if let Some(f) = &api.func_info {
                    endpoint = function_endpoint(
                        &f.function_urn,
                        f.version.as_deref(),
                        f.invocation_type,
                        Some(f.timeout),
                        f.network_type,
                        f.alias_urn.as_deref(),
                        f.req_protocol,
                    );
                    endpoint.opt_str("description", f.remark.as_deref());
                    endpoint_key = Some("functionEndpoints");
                    if f.authorizer_name.is_some() {
                        self.lost(
                            format!("{at}/func_info/authorizer_name"),
                            "`func_info.authorizer_name`",
                        );
                    }
                } else {
                    self.warn(
                        NOT_REPRESENTABLE,
                        format!("{at}/func_info"),
                        "a FUNCTION API without `func_info` has no backend to export".into(),
                    );
                }
            }
            BackendType::Mock => {
                endpoint_key = Some("mockEndpoints");
                if let Some(m) = &api.mock_info {
                    endpoint
                        .opt_str("result-content", m.result_content.as_deref())
                        .opt_str("description", m.remark.as_deref());
                    for (field, present) in [
                        ("authorizer_name", m.authorizer_name.is_some()),
                        ("version", m.version.is_some()),
                    ] {
                        if present {
                            self.lost(
                                format!("{at}/mock_info/{field}"),
                                &format!("`mock_info.{field}`"),
                            );
                        }
                    }
                }
            }
        }
        // Backends of another kind than `backend_type` have no place next to it.
        for (field, present, kind_of) in [
            ("backend_api", api.backend_api.is_some(), BackendType::Http),
            ("func_info", api.func_info.is_some(), BackendType::Function),
            ("mock_info", api.mock_info.is_some(), BackendType::Mock),
        ] {
            let matches = kind_of == api.backend_type
                || (kind_of == BackendType::Http && api.backend_type == BackendType::Grpc);
            if present && !matches {
                self.warn(
                    NOT_REPRESENTABLE,
                    format!("{at}/{field}"),
                    format!(
                        "`{field}` is unused when `backend_type` is {}; not exported",
                        api.backend_type
                    ),
                );
            }
        }
        backend.put("type", string(kind));
        if let Some(params) = &api.backend_params {
            backend.put("parameters", backend_params(params));
        }
        if let Some(key) = endpoint_key {
            backend.put(key, endpoint.build());
        }
        backend.build()
    }

    /// The protocol a web backend (at `at`: `backend_api` or a `policy_https` entry) of `api`
    /// is written with. The extension's `scheme` is `http` or `https` (reference §2.12, §2.13;
    /// lint `apig-backend-scheme`): a gRPC API's GRPCS, which has no extension at all, goes
    /// out as `https`, its transport, with a warning (README, "What lossless means"); GRPCS on
    /// an HTTP API, which the API Reference gives only gRPC backends (Table 3-174
    /// `req_protocol`), cannot be written: an error, and nothing is written.
    fn web_protocol(
        &mut self,
        api: &ApiDef,
        protocol: BackendReqProtocol,
        at: &str,
    ) -> BackendReqProtocol {
        if protocol != BackendReqProtocol::Grpcs {
            return protocol;
        }
        if api.backend_type == BackendType::Grpc {
            self.warn(
                NOT_REPRESENTABLE,
                format!("{at}/req_protocol"),
                "a gRPC backend is exported as an HTTP backend, which has no GRPCS scheme; exported as `https` (the transport gRPC over TLS uses)".into(),
            );
        } else {
            self.diagnostics.push(
                Diagnostic::error(
                    NO_SCHEME,
                    format!("API `{}` has an HTTP backend with `req_protocol: GRPCS`: the extension's `scheme` is `http` or `https`, and writing either would call the backend otherwise, so nothing is written", api.name),
                )
                .pointer(format!("{at}/req_protocol"))
                .help("set `req_protocol` to HTTP or HTTPS, or make the API a gRPC API (`backend_type: GRPC`, which the API Reference gives GRPCS)")
                .source("API Reference 3.5.1, Table 3-174 (`req_protocol`: GRPCS for a GRPC backend); x-apigateway-extensions reference §2.12 (`scheme`: http or https)"),
            );
        }
        BackendReqProtocol::Https
    }

    /// Refuses a web backend (at `at`) of `api` that uses no VPC channel (`vpc`) and has no
    /// `url_domain`: its `httpEndpoints` would have no `address`, which the extension requires
    /// (reference §2.12) and lint `apig-backend-address-required` refuses.
    fn require_address(&mut self, api: &ApiDef, vpc: bool, url_domain: Option<&str>, at: &str) {
        if vpc || url_domain.is_some() {
            return;
        }
        let kind = if api.backend_type == BackendType::Grpc {
            "gRPC"
        } else {
            "HTTP"
        };
        self.diagnostics.push(
            Diagnostic::error(
                NO_ADDRESS,
                format!(
                    "{kind} API `{}` has {}neither `url_domain` nor a VPC channel: exported as an HTTP backend it would have no `address`, so nothing is written",
                    api.name,
                    if at.contains("/policy_https/") { "a backend policy with " } else { "" },
                ),
            )
            .pointer(at.to_owned())
            .help("add `url_domain` (`host[:port]`) to the backend, or a VPC channel (`vpc_channel_status: 1` with `vpc_channel_info`)")
            .source("API Reference 3.5.1, Table 3-174 (`url_domain`); x-apigateway-extensions reference §2.12 (`address`, required)"),
        );
    }

    /// The endpoint fields shared by default and policy web backends.
    #[allow(clippy::too_many_arguments)]
    fn web_endpoint(
        &mut self,
        at: &str,
        url_domain: Option<&str>,
        status: Option<VpcChannelStatus>,
        info: Option<&ApiBackendVpcDef>,
        protocol: &str,
        method: ReqMethod,
        uri: &str,
        timeout: Option<i64>,
        retry_count: Option<&str>,
    ) -> MapBuilder {
        let mut ep = MapBuilder::new();
        let vpc = uses_vpc(status, info);
        if status == Some(VpcChannelStatus::Used) && info.is_none() {
            self.warn(
                NOT_REPRESENTABLE,
                format!("{at}/vpc_channel_status"),
                "a VPC channel backend without `vpc_channel_info` cannot name its channel; exported as a direct backend".into(),
            );
        }
        if vpc {
            if let Some(info) = info {
                ep.put("name", string(&info.vpc_channel_name));
                ep.opt_str("host", info.vpc_channel_proxy_host.as_deref());
            }
            if url_domain.is_some() {
                self.lost(
                    format!("{at}/url_domain"),
                    "`url_domain` of a VPC channel backend",
                );
            }
        } else {
            ep.opt_str("address", url_domain);
            if info.is_some() {
                self.lost(
                    format!("{at}/vpc_channel_info"),
                    "`vpc_channel_info` of a backend that uses no VPC channel",
                );
            }
        }
        ep.put("scheme", string(&protocol.to_ascii_lowercase()))
            .put("method", string(method.as_str()))
            .put("path", string(uri))
            .opt("timeout", timeout.map(int))
            .opt_str("retryCount", retry_count);
        ep
    }

    fn policies(&mut self, api: &ApiDef, at: &str) -> Vec<Node> {
        let mut out = Vec::new();
        for (i, p) in api.policy_https.iter().flatten().enumerate() {
            let at = format!("{at}/policy_https/{i}");
            let vpc = uses_vpc(p.vpc_channel_status, p.vpc_channel_info.as_ref());
            let protocol = self.web_protocol(api, p.req_protocol, &at);
            self.require_address(api, vpc, p.url_domain.as_deref(), &at);
            let ep = self.web_endpoint(
                &at,
                p.url_domain.as_deref(),
                p.vpc_channel_status,
                p.vpc_channel_info.as_ref(),
                protocol.as_str(),
                p.req_method,
                &p.req_uri,
                p.timeout,
                p.retry_count.as_deref(),
            );
            let (kind, key) = if vpc {
                ("HTTP-VPC", "httpVpcEndpoints")
            } else {
                ("HTTP", "httpEndpoints")
            };
            let parts = policy_parts!(p);
            out.push(self.policy(parts, kind, key, ep, &at));
        }
        for (i, p) in api.policy_functions.iter().flatten().enumerate() {
            let ep = function_endpoint(
                &p.function_urn,
                p.version.as_deref(),
                p.invocation_type,
                p.timeout,
                p.network_type,
                p.alias_urn.as_deref(),
                p.req_protocol,
            );
            let parts = policy_parts!(p);
            let at = format!("{at}/policy_functions/{i}");
            out.push(self.policy(parts, "FUNCTION", "functionEndpoints", ep, &at));
        }
        for (i, p) in api.policy_mocks.iter().flatten().enumerate() {
            let mut ep = MapBuilder::new();
            ep.opt_str("result-content", p.result_content.as_deref());
            let parts = policy_parts!(p);
            let at = format!("{at}/policy_mocks/{i}");
            out.push(self.policy(parts, "MOCK", "mockEndpoints", ep, &at));
        }
        out
    }

    /// One entry of `x-apigateway-backend-policies`.
    fn policy(
        &mut self,
        parts: PolicyParts,
        kind: &str,
        endpoint_key: &str,
        endpoint: MapBuilder,
        at: &str,
    ) -> Node {
        let mut p = MapBuilder::new();
        p.put("name", string(parts.name))
            .put("type", string(kind))
            .put("effectMode", string(parts.effect.as_str()))
            .put(endpoint_key, endpoint.build());
        if let Some(params) = parts.params {
            p.put("parameters", backend_params(params));
        }
        let list = parts
            .conditions
            .iter()
            .enumerate()
            .map(|(i, c)| self.condition(c, &format!("{at}/conditions/{i}")))
            .collect();
        p.put("conditions", seq(list));
        if parts.authorizer {
            self.lost(
                format!("{at}/authorizer_name"),
                "the backend authorizer of a policy",
            );
        }
        p.build()
    }

    /// A condition: `parameter` carries the name field that belongs to the origin; the others
    /// have no key of their own.
    fn condition(&mut self, c: &ApiConditionDef, at: &str) -> Node {
        let names: [(&str, Option<&str>, bool); 4] = [
            (
                "req_param_name",
                c.req_param_name.as_deref(),
                matches!(
                    c.condition_origin,
                    ConditionOrigin::Param | ConditionOrigin::Source
                ),
            ),
            (
                "sys_param_name",
                c.sys_param_name.map(|s| s.as_str()),
                c.condition_origin == ConditionOrigin::System,
            ),
            (
                "cookie_param_name",
                c.cookie_param_name.as_deref(),
                c.condition_origin == ConditionOrigin::Cookie,
            ),
            (
                "frontend_authorizer_param_name",
                c.frontend_authorizer_param_name.as_deref(),
                c.condition_origin == ConditionOrigin::FrontendAuthorizer,
            ),
        ];
        let mut cond = MapBuilder::new();
        cond.opt_str("type", c.condition_type.map(|t| t.as_str()));
        cond.put("origin", string(c.condition_origin.as_str()));
        for (field, value, belongs) in names {
            match value {
                Some(v) if belongs => {
                    cond.put("parameter", string(v));
                }
                Some(_) => self.warn(
                    NOT_REPRESENTABLE,
                    format!("{at}/{field}"),
                    format!(
                        "`{field}` does not belong to a `{}` condition and has no key of its own; not exported",
                        c.condition_origin
                    ),
                ),
                None => {}
            }
        }
        cond.put("value", string(&c.condition_value));
        cond.build()
    }

    fn throttle(&mut self, t: &ThrottleDef, at: &str) -> Node {
        let mut p = MapBuilder::new();
        p.put("api-limit", int(t.api_call_limits))
            .opt("user-limit", t.user_call_limits.map(int))
            .opt("app-limit", t.app_call_limits.map(int))
            .opt("ip-limit", t.ip_call_limits.map(int))
            .put("interval", int(t.time_interval))
            .put("unit", string(t.time_unit.as_str()))
            .opt(
                "shared",
                t.throttle_type
                    .map(|k| boolean(k == ThrottleType::ApiShared)),
            );
        if !t.special.is_empty() {
            let list = t
                .special
                .iter()
                .map(|s| {
                    let mut m = MapBuilder::new();
                    m.put("type", string(s.object_type.as_str()))
                        .put("limit", int(s.call_limits))
                        .put("instance", string(&s.object_name));
                    m.build()
                })
                .collect();
            p.put("special", seq(list));
        }
        for (field, present) in [
            (
                "enable_adaptive_control",
                t.enable_adaptive_control.is_some(),
            ),
            ("remark", t.remark.is_some()),
        ] {
            if present {
                self.lost(format!("{at}/{field}"), &format!("throttle `{field}`"));
            }
        }
        p.build()
    }
}

fn group_response(r: &GroupResponseDef) -> Node {
    let mut map = MapBuilder::new();
    for (error, info) in r.responses.iter().flatten() {
        let mut e = MapBuilder::new();
        e.opt("status", info.status.map(int));
        if let Some(body) = &info.body {
            let mut b = MapBuilder::new();
            b.put("application/json", string(body));
            e.put("body", b.build());
        }
        if let Some(headers) = &info.headers {
            let mut keys = std::collections::HashSet::new();
            let as_map = headers
                .iter()
                .all(|h| h.value.is_some() && h.key.as_ref().is_some_and(|k| keys.insert(k)));
            let node = if as_map {
                let mut m = MapBuilder::new();
                for h in headers {
                    if let (Some(k), Some(v)) = (&h.key, &h.value) {
                        m.put(k, string(v));
                    }
                }
                m.build()
            } else {
                seq(headers
                    .iter()
                    .map(|h| {
                        let mut m = MapBuilder::new();
                        m.opt_str("key", h.key.as_deref())
                            .opt_str("value", h.value.as_deref());
                        m.build()
                    })
                    .collect())
            };
            e.put("headers", node);
        }
        map.put(error.as_str(), e.build());
    }
    map.build()
}

/// The [`PolicyParts`] of a policy of any kind (the three policy types share these fields).
macro_rules! policy_parts {
    ($p:expr) => {
        PolicyParts {
            name: &$p.name,
            effect: $p.effect_mode,
            params: $p.backend_params.as_deref(),
            conditions: &$p.conditions,
            authorizer: $p.authorizer_name.is_some(),
        }
    };
}
use policy_parts;

/// What every kind of backend policy has besides its endpoint.
struct PolicyParts<'a> {
    name: &'a str,
    effect: EffectMode,
    params: Option<&'a [BackendParamDef]>,
    conditions: &'a [ApiConditionDef],
    /// Whether a backend authorizer is named (it has no extension key).
    authorizer: bool,
}

/// `functionEndpoints` of a default or policy backend.
fn function_endpoint(
    urn: &str,
    version: Option<&str>,
    invocation: InvocationType,
    timeout: Option<i64>,
    network: NetworkType,
    alias: Option<&str>,
    protocol: Option<FunctionReqProtocol>,
) -> MapBuilder {
    let mut ep = MapBuilder::new();
    ep.put("function-urn", string(urn))
        .opt_str("version", version)
        .put("invocation-type", string(invocation.as_str()))
        .opt("timeout", timeout.map(int))
        .put("network-type", string(network.as_str()))
        .opt_str("alias-urn", alias)
        .opt_str("req_protocol", protocol.map(|p| p.as_str()));
    ep
}

fn method_key(method: ReqMethod) -> &'static str {
    match method {
        ReqMethod::Get => "get",
        ReqMethod::Post => "post",
        ReqMethod::Put => "put",
        ReqMethod::Delete => "delete",
        ReqMethod::Head => "head",
        ReqMethod::Patch => "patch",
        ReqMethod::Options => "options",
        ReqMethod::Any => "x-apigateway-any-method",
    }
}

fn uses_vpc(status: Option<VpcChannelStatus>, info: Option<&ApiBackendVpcDef>) -> bool {
    match status {
        Some(VpcChannelStatus::Used) => info.is_some(),
        Some(VpcChannelStatus::Unused) => false,
        None => info.is_some(),
    }
}

/// OpenAPI 3 servers for the group's domain, one per scheme. The domain is not part of a
/// definition, so it is a server variable the reader fills in.
fn servers(schemes: &[&str]) -> Node {
    seq(schemes
        .iter()
        .map(|scheme| {
            let mut domain = MapBuilder::new();
            domain.put("default", string("api.example.com")).put(
                "description",
                string("the API group's domain: its subdomain (`sl_domain`) or a bound domain (`url_domains`)"),
            );
            let mut variables = MapBuilder::new();
            variables.put("domain", domain.build());
            let mut server = MapBuilder::new();
            server
                .put("url", string(&format!("{scheme}://{{domain}}")))
                .put("variables", variables.build());
            server.build()
        })
        .collect())
}

fn api_key_scheme(name: &str) -> MapBuilder {
    let mut scheme = MapBuilder::new();
    scheme
        .put("type", string("apiKey"))
        .put("name", string(name))
        .put("in", string("header"));
    scheme
}

fn requirement(scheme: &str) -> Node {
    let mut m = MapBuilder::new();
    m.put(scheme, seq(Vec::new()));
    m.build()
}

fn authorizer_scheme(a: &AuthorizerDef) -> Node {
    let mut scheme = api_key_scheme("unused");
    scheme.put("x-apigateway-auth-type", string("AUTHORIZER"));
    let mut ext = MapBuilder::new();
    ext.put("authorizer_type", string(a.authorizer_type.as_str()))
        .put("authorizer_uri", string(&a.authorizer_uri))
        .put("type", string(a.authorizer_kind.as_str()))
        .opt_str("network_type", a.network_type.map(|n| n.as_str()))
        .opt_str("authorizer_version", a.authorizer_version.as_deref())
        .opt_str("authorizer_alias_uri", a.authorizer_alias_uri.as_deref());
    if let Some(ids) = &a.identities {
        ext.put(
            "identities",
            seq(ids
                .iter()
                .map(|i| {
                    let mut m = MapBuilder::new();
                    m.put("name", string(&i.name))
                        .put("location", string(i.location.as_str()))
                        .opt_str("validation", i.validation.as_deref());
                    m.build()
                })
                .collect()),
        );
    }
    ext.opt("ttl", a.ttl.map(int))
        .opt_str("user_data", a.user_data.as_deref())
        .opt("need_body", a.need_body.map(boolean));
    scheme.put("x-apigateway-authorizer", ext.build());
    scheme.build()
}

fn backend_params(params: &[BackendParamDef]) -> Node {
    seq(params
        .iter()
        .map(|p| {
            let mut m = MapBuilder::new();
            m.put("name", string(&p.name))
                .put("value", string(&p.value))
                .put("in", string(p.location.as_str()))
                .put("origin", string(p.origin.as_str()))
                .opt_str("description", p.remark.as_deref());
            m.build()
        })
        .collect())
}

/// The number a NUMBER parameter's value text is, when the writers print that number as the
/// text itself (`2`, `1.5`, `2.0`; not `007`, `1e3`), so that import, which keeps a number's
/// text as written, gives the text back.
fn exact_number(text: &str) -> Option<Node> {
    if let Ok(i) = text.parse::<i64>()
        && i.to_string() == text
    {
        return Some(int(i));
    }
    let f = text.parse::<f64>().ok().filter(|f| f.is_finite())?;
    let node = Node::new(Span::default(), Value::Number(Number::Float(f)));
    (number_text(&node) == text).then_some(node)
}

/// How the YAML and JSON writers print a number node (`2.0` for the float 2).
fn number_text(node: &Node) -> String {
    match node.value {
        Value::Number(Number::Int(i)) => i.to_string(),
        Value::Number(Number::Float(f)) => serde_json::Value::from(f).to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AuthOptDef;

    /// APIs converted in parallel batches give what one pass gives: the document (security
    /// schemes in first-use order, a scheme first used in a later batch included), and every
    /// diagnostic in API order, conflicts among them.
    #[test]
    fn batches_give_what_one_pass_gives() {
        let text = include_str!("../../testdata/export/unrepresentable.yaml");
        let (_, doc) = crate::source::load_text("d.yaml", text);
        let base = Definition::from_node(&doc.root).unwrap();
        let mut def = base.clone();
        def.apis.clear();
        for i in 0..700 {
            let mut api = base.apis[i % base.apis.len()].clone();
            api.name = format!("api_{i}");
            // Every 97th API has the path and method of the one before: a conflict.
            api.req_uri = format!("/p{}", i - usize::from(i % 97 == 1));
            api.req_method = ReqMethod::Get;
            (api.auth_type, api.auth_opt, api.authorizer_name) = match i % 5 {
                0 => (AuthType::None, None, None),
                1 => (AuthType::Iam, None, None),
                2 => (
                    AuthType::App,
                    Some(AuthOptDef {
                        app_code_auth_type: Some(if i < 600 {
                            AppCodeAuthType::Disable
                        } else {
                            AppCodeAuthType::Header
                        }),
                    }),
                    None,
                ),
                3 => (
                    AuthType::Authorizer,
                    None,
                    Some(format!("auth_{}", i / 150)),
                ),
                _ => (AuthType::App, None, None),
            };
            if i % 11 == 0 {
                api.tags = Some(vec!["t".into(), "t".into()]);
            }
            def.apis.push(api);
        }
        for version in [OasVersion::V2_0, OasVersion::V3_0] {
            for define in [Define::All, Define::Spec] {
                let options = ExportOptions { version, define };
                let one = export_in_batches(&def, &options, usize::MAX);
                let batched = export_in_batches(&def, &options, 1);
                assert_eq!(
                    crate::convert::yaml::to_yaml(&one.document),
                    crate::convert::yaml::to_yaml(&batched.document),
                    "{version:?} {define:?}"
                );
                assert_eq!(
                    format!("{:?}", one.diagnostics),
                    format!("{:?}", batched.diagnostics)
                );
                let codes: Vec<&str> = one.diagnostics.iter().map(|d| d.code.as_str()).collect();
                assert!(codes.contains(&CONFLICT), "{codes:?}");
                assert!(codes.contains(&NOT_REPRESENTABLE), "{codes:?}");
            }
        }
        // The header scheme and `auth_4` are first used by APIs 602 and 603, in a late batch.
        let one = export_in_batches(
            &def,
            &ExportOptions {
                version: OasVersion::V2_0,
                define: Define::All,
            },
            1,
        );
        let schemes = one
            .document
            .get("securityDefinitions")
            .and_then(Node::as_map)
            .unwrap();
        let names: Vec<&str> = schemes.entries.iter().map(|e| &*e.key.name).collect();
        assert_eq!(
            names[names.len() - 2..],
            ["apig-auth-app-header", "auth_4"],
            "{names:?}"
        );
    }

    #[test]
    fn exact_numbers_keep_their_text() {
        for (text, expect_number) in [
            ("0", true),
            ("-12", true),
            ("1.5", true),
            ("1.0", true),
            ("01", false),
            ("1e3", false),
            ("12345678901234567890", false),
            ("abc", false),
        ] {
            let node = exact_number(text);
            assert_eq!(node.is_some(), expect_number, "{text}");
            if let Some(node) = node {
                assert_eq!(number_text(&node), text);
            }
        }
    }

    #[test]
    fn json_text_keeps_key_order() {
        let mut m = MapBuilder::new();
        m.put("b", int(1))
            .put("a", seq(vec![string("x\"y"), boolean(true)]))
            .put("c", MapBuilder::new().build());
        assert_eq!(
            to_json_text(&m.build()),
            "{\n  \"b\": 1,\n  \"a\": [\n    \"x\\\"y\",\n    true\n  ],\n  \"c\": {}\n}\n"
        );
    }
}
