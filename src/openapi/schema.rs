//! Validation against the official OpenAPI JSON Schemas.
//!
//! The schemas are bundled (see `schemas/README.md`) and compiled once per process; nothing is
//! ever fetched. The official 2.0 and 3.0 schemas express most alternatives with `oneOf`, so
//! a raw validator report turns one mistake into a dozen branch failures. [`validate`] instead
//! picks the branch the author evidently meant (the one whose discriminating field, such as
//! `in` or `type`, matches; otherwise the one that got furthest) and reports only its errors,
//! one diagnostic per mistake, at the exact key or value.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError, Validator};
use serde_json::Value as Json;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::did_you_mean;
use crate::source::hash::FastSet;
use crate::source::inline::Inlined;
use crate::source::{
    Document, FileId, KeyIndex, Node, Span, escape_pointer_token, unescape_pointer_token,
};

use super::OasVersion;
use super::instance::TreeJson;

/// The diagnostic code of every schema violation.
pub const CODE: &str = "oas-schema";

/// The schema dialect 3.1 Schema Objects use unless `jsonSchemaDialect` says otherwise.
const OAS_31_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

/// The JSON Schema drafts, by the URI of their meta-schema (a final `#` aside).
const JSON_SCHEMA_DRAFTS: [&str; 5] = [
    "https://json-schema.org/draft/2020-12/schema",
    "https://json-schema.org/draft/2019-09/schema",
    "http://json-schema.org/draft-07/schema",
    "http://json-schema.org/draft-06/schema",
    "http://json-schema.org/draft-04/schema",
];

/// Whether `uri` (a `jsonSchemaDialect` or `$schema`) names the OAS 3.1 base dialect or a
/// JSON Schema draft. The keywords a gateway parameter is made of (`type`, `enum`,
/// `default`, `minimum`/`maximum`, `minLength`/`maxLength`) mean the same in all of them,
/// and `exclusiveMinimum`/`exclusiveMaximum` are read in both their forms (a flag up to
/// draft-04, a bound since draft-06); another dialect may give them other meanings.
pub fn is_known_dialect(uri: &str) -> bool {
    // Either scheme: `https://json-schema.org/draft-07/schema` is written as often.
    let unschemed = |u: &'static str| u.split_once("://").map_or(u, |(_, rest)| rest);
    let Some((scheme, rest)) = uri.trim_end_matches('#').split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https")
        && std::iter::once(OAS_31_DIALECT)
            .chain(JSON_SCHEMA_DRAFTS)
            .any(|d| unschemed(d) == rest)
}

/// The bundled schema files, with the URI each is known by.
mod bundled {
    pub const OAS_2_0: &str = include_str!("../../schemas/oas-2.0-schema.json");
    pub const OAS_3_0: &str = include_str!("../../schemas/oas-3.0-schema.json");
    pub const OAS_3_1: &str = include_str!("../../schemas/v3.1/schema.json");
    pub const OAS_3_1_META: &str = include_str!("../../schemas/v3.1/meta/base.schema.json");
    pub const OAS_3_1_DIALECT: &str = include_str!("../../schemas/v3.1/dialect/base.schema.json");
    pub const APIGCTL_3_1_BASE: &str = include_str!("../../schemas/v3.1/apigctl-base.json");
}

/// Which compiled schema a document is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flavor {
    V2_0,
    V3_0,
    /// 3.1 with Schema Objects checked only for being objects or booleans (the document picks
    /// its own JSON Schema dialect, which this tool does not know).
    V3_1,
    /// 3.1 with Schema Objects checked against the OAS base dialect (draft 2020-12 plus the
    /// OAS vocabulary), the default dialect of a 3.1 document.
    V3_1Dialect,
}

/// A compiled validator and the schema documents its error locations refer to.
struct Compiled {
    validator: Validator<TreeJson>,
    /// Schema resources by URI (without fragment): the first is the root.
    resources: Vec<(String, Json)>,
    /// How the specification is named in messages (`OpenAPI 3.0`).
    spec: &'static str,
}

/// Validates a document against the official schema of its version: one diagnostic per
/// mistake, at the offending key (unknown or missing fields) or value (wrong type or value).
///
/// For 3.1, Schema Objects are also checked against the OAS base dialect unless the document
/// declares another `jsonSchemaDialect`, or a Schema Object declares its own `$schema`.
///
/// The validator reads the document tree in place (see [`super::instance`]).
pub fn validate(doc: &Document, version: OasVersion) -> Vec<Diagnostic> {
    validate_tree(&doc.root, version, &Places::File(doc.file))
}

/// [`validate`] on the root document with its references into other files inlined (see
/// [`crate::source::refs::Workspace::inline_external`]): each mistake is reported in the
/// file it was written in, with its pointer there.
pub fn validate_inlined(view: &Inlined, version: OasVersion) -> Vec<Diagnostic> {
    validate_tree(&view.root, version, &Places::Inlined(view))
}

/// Which file a finding is in.
enum Places<'a> {
    /// All of the tree is this file.
    File(FileId),
    /// The tree is an inlined view.
    Inlined(&'a Inlined),
}

impl Places<'_> {
    /// The file the node at `pointer` (its key when `at_key`) is in.
    fn file(&self, pointer: &str, at_key: bool) -> FileId {
        match self {
            Places::File(file) => *file,
            Places::Inlined(view) => view.place(pointer, at_key).0,
        }
    }

    /// The pointer of a finding at `pointer` (at its key when `at_key`) in its file.
    fn pointer(&self, pointer: &str, at_key: bool) -> String {
        match self {
            Places::File(_) => pointer.to_owned(),
            Places::Inlined(view) => view.place(pointer, at_key).1,
        }
    }
}

fn validate_tree(instance: &Node, version: OasVersion, places: &Places<'_>) -> Vec<Diagnostic> {
    let doc = instance;
    let flavor = match version {
        OasVersion::V2_0 => Flavor::V2_0,
        OasVersion::V3_0 => Flavor::V3_0,
        OasVersion::V3_1 => {
            let dialect = doc.get("jsonSchemaDialect").and_then(Node::as_str);
            match dialect {
                None => Flavor::V3_1Dialect,
                Some(d) if d.trim_end_matches('#') == OAS_31_DIALECT => Flavor::V3_1Dialect,
                Some(_) => Flavor::V3_1,
            }
        }
    };
    let compiled = match compiled(flavor) {
        Ok(c) => c,
        Err(message) => {
            return vec![
                Diagnostic::error(
                    "oas-schema-unavailable",
                    format!("the bundled OpenAPI {version} schema failed to compile: {message}"),
                )
                .at(places.file("", false), Span::new(0, 0))
                .help("this is a bug in apigctl; please report it"),
            ];
        }
    };
    if compiled.validator.is_valid(instance) {
        return Vec::new();
    }
    let explainer = Explainer { compiled };
    let mut findings = Vec::new();
    for error in compiled.validator.iter_errors(instance) {
        explainer.explain(&error, &mut findings, 0);
    }
    to_diagnostics(instance, places, findings)
}

/// Compiles (once per process) the validator for a flavour.
fn compiled(flavor: Flavor) -> Result<&'static Compiled, &'static str> {
    static V2_0: OnceLock<Result<Compiled, String>> = OnceLock::new();
    static V3_0: OnceLock<Result<Compiled, String>> = OnceLock::new();
    static V3_1: OnceLock<Result<Compiled, String>> = OnceLock::new();
    static V3_1_DIALECT: OnceLock<Result<Compiled, String>> = OnceLock::new();
    let cell = match flavor {
        Flavor::V2_0 => &V2_0,
        Flavor::V3_0 => &V3_0,
        Flavor::V3_1 => &V3_1,
        Flavor::V3_1Dialect => &V3_1_DIALECT,
    };
    match cell.get_or_init(|| build(flavor)) {
        Ok(c) => Ok(c),
        Err(e) => Err(e.as_str()),
    }
}

fn parse_bundled(text: &str) -> Result<(String, Json), String> {
    let mut value: Json = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let id = value
        .get("$id")
        .or_else(|| value.get("id"))
        .and_then(Json::as_str)
        .unwrap_or_default()
        .trim_end_matches('#')
        .to_string();
    if id == OAS_3_1_ID {
        correct_3_1(&mut value);
    }
    if id == OAS_2_0_ID {
        inline_draft_04_enum(&mut value);
    }
    Ok((id, value))
}

/// The `id` of the bundled official OpenAPI 2.0 schema.
const OAS_2_0_ID: &str = "http://swagger.io/v2/schema.json";

/// The 2.0 schema takes `enum` from the draft-04 meta-schema by reference
/// (`http://json-schema.org/draft-04/schema#/properties/enum`), and the validator's copy of
/// that meta-schema does not require what the draft-04 text does: `enum: []` and
/// `enum: [x, x]` passed. Each such reference is replaced with what draft-04 (Validation
/// §5.5.1) says, a non-empty array of unique values.
fn inline_draft_04_enum(schema: &mut Json) {
    match schema {
        Json::Object(map) => {
            if map.len() == 1
                && map.get("$ref").and_then(Json::as_str)
                    == Some("http://json-schema.org/draft-04/schema#/properties/enum")
            {
                *schema = serde_json::json!({"type": "array", "minItems": 1, "uniqueItems": true});
                return;
            }
            for v in map.values_mut() {
                inline_draft_04_enum(v);
            }
        }
        Json::Array(items) => items.iter_mut().for_each(inline_draft_04_enum),
        _ => {}
    }
}

/// The `$id` of the bundled official OpenAPI 3.1 schema.
const OAS_3_1_ID: &str = "https://spec.openapis.org/oas/3.1/schema/2021-04-15";

/// Corrects the bundled official 3.1 schema (2021-04-15) where it contradicts the OpenAPI
/// 3.1.0 text and so rejects valid documents; the file itself stays as published
/// (`schemas/README.md`). Later editions of the schema make the same corrections.
///
/// - Server Variable Object: the field is `description`, not `descriptions`.
/// - License Object: `identifier` and `url` are both optional and exclude each other; the
///   schema requires one of them.
/// - Path Item Object: it has a `$ref` field, with the other fields allowed beside it; the
///   schema refuses `$ref` in `paths` and reads a path item with `$ref` elsewhere (`webhooks`,
///   `components/pathItems`, callbacks) as a Reference Object, which refuses `get` and the rest.
fn correct_3_1(schema: &mut Json) {
    let Some(defs) = schema.get_mut("$defs").and_then(Json::as_object_mut) else {
        return;
    };
    if let Some(properties) = defs
        .get_mut("server-variable")
        .and_then(|v| v.get_mut("properties"))
        .and_then(Json::as_object_mut)
        && let Some(description) = properties.remove("descriptions")
    {
        properties.insert("description".into(), description);
    }
    if let Some(license) = defs.get_mut("license").and_then(Json::as_object_mut)
        && license.remove("oneOf").is_some()
    {
        license.insert(
            "not".into(),
            serde_json::json!({"required": ["identifier", "url"]}),
        );
    }
    if let Some(properties) = defs
        .get_mut("path-item")
        .and_then(|v| v.get_mut("properties"))
        .and_then(Json::as_object_mut)
    {
        properties.insert(
            "$ref".into(),
            serde_json::json!({"type": "string", "format": "uri-reference"}),
        );
        defs.insert(
            "path-item-or-reference".into(),
            serde_json::json!({"$ref": "#/$defs/path-item"}),
        );
    }
}

fn build(flavor: Flavor) -> Result<Compiled, String> {
    let (root, extra, spec): (&str, &[&str], _) = match flavor {
        Flavor::V2_0 => (bundled::OAS_2_0, &[], "OpenAPI 2.0"),
        Flavor::V3_0 => (bundled::OAS_3_0, &[], "OpenAPI 3.0"),
        Flavor::V3_1 => (bundled::OAS_3_1, &[], "OpenAPI 3.1"),
        Flavor::V3_1Dialect => (
            bundled::APIGCTL_3_1_BASE,
            &[
                bundled::OAS_3_1,
                bundled::OAS_3_1_META,
                bundled::OAS_3_1_DIALECT,
            ],
            "OpenAPI 3.1",
        ),
    };
    let mut resources = vec![parse_bundled(root)?];
    for text in extra {
        resources.push(parse_bundled(text)?);
    }
    let mut options = jsonschema::options_for::<TreeJson>()
        .offline()
        // Pattern syntax differs between regex engines (ECMA 262, PCRE, Rust); the schemas'
        // `format: regex` would flag patterns other tools accept, so it is not asserted here.
        .with_format("regex", |_: &str| true);
    let registry;
    if resources.len() > 1 {
        let mut builder = jsonschema::Registry::new();
        for (id, value) in &resources[1..] {
            builder = builder.add(id, value.clone()).map_err(|e| e.to_string())?;
        }
        registry = builder.prepare().map_err(|e| e.to_string())?;
        options = options.with_registry(&registry);
    }
    let validator = options.build(&resources[0].1).map_err(|e| e.to_string())?;
    Ok(Compiled {
        validator,
        resources,
        spec,
    })
}

/// One mistake, before it is placed in the source.
#[derive(Debug, Clone, PartialEq)]
struct Finding {
    /// Escaped JSON pointer of the node to underline.
    pointer: String,
    /// Underline the member's key rather than its value.
    at_key: bool,
    message: String,
    help: String,
    /// Where the violated constraint is stated (schema URI with fragment).
    source: Option<String>,
    /// A finding that is only a consequence when another one explains it: dropped when
    /// another finding is at or below this pointer, or `explains` this key. An unknown field
    /// the schema declares in a branch that did not apply; "matches more than one form"
    /// next to a `not`; a wrong type next to the list of allowed values (key `<ptr>#value`).
    weak: Option<String>,
    /// The key of the weak findings this one makes redundant (see `weak`).
    explains: Option<String>,
}

impl Finding {
    fn depth(&self) -> usize {
        self.pointer.matches('/').count() + usize::from(self.at_key)
    }
}

/// Turns validator errors into findings, choosing among `oneOf`/`anyOf` branches.
struct Explainer<'c> {
    compiled: &'c Compiled,
}

type Branch = Vec<ValidationError<'static>>;

/// How deep `oneOf`/`anyOf` explanations may nest before the rest is reported as it is; far
/// beyond what the loader's nesting limit allows, it only bounds the recursion.
const MAX_EXPLAIN_DEPTH: usize = 2048;

impl Explainer<'_> {
    /// Explains one error. Recursive through `oneOf`/`anyOf`, so everything else lives in
    /// functions that are not inlined here, keeping each level's stack frame small (schemas
    /// nested a hundred levels deep recurse a few hundred times).
    fn explain(&self, error: &ValidationError<'_>, out: &mut Vec<Finding>, depth: usize) {
        match error.kind() {
            ValidationErrorKind::AnyOf { context }
            | ValidationErrorKind::OneOfNotValid { context }
                if depth < MAX_EXPLAIN_DEPTH =>
            {
                self.explain_alternatives(error, context, out, depth + 1);
            }
            _ => self.explain_leaf(error, out),
        }
    }

    #[inline(never)]
    fn explain_leaf(&self, error: &ValidationError<'_>, out: &mut Vec<Finding>) {
        let here = error.instance_path().as_str();
        let source = self.source_of(error);
        let what = self.object_kind(error);
        let finding = |pointer: String, at_key: bool, message: String, help: String| Finding {
            pointer,
            at_key,
            message,
            help,
            source: source.clone(),
            weak: None,
            explains: None,
        };
        match error.kind() {
            ValidationErrorKind::OneOfMultipleValid { .. } => {
                let mut f = finding(
                    here.to_string(),
                    true,
                    format!(
                        "{} matches more than one of the forms allowed here",
                        label(here)
                    ),
                    "make it match exactly one form: remove the fields that belong to the others"
                        .to_string(),
                );
                // Usually a `not` on the same object says which fields clash.
                f.weak = Some(here.to_string());
                out.push(f);
            }
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                let is_unevaluated = matches!(
                    error.kind(),
                    ValidationErrorKind::UnevaluatedProperties { .. }
                );
                let allowed = self.allowed_fields(error, is_unevaluated);
                let extensible = self.schema_of(error).is_some_and(allows_extensions);
                for name in unexpected {
                    let pointer = format!("{here}/{}", escape_pointer_token(name));
                    let (message, help) = unknown_field(name, &what, &allowed, extensible);
                    let mut f = finding(pointer, true, message, help);
                    // With `unevaluatedProperties`, a field declared in a subschema that failed
                    // (a wrong value, a branch that did not apply) counts as unevaluated too.
                    if is_unevaluated && (allowed.contains(name) || name.starts_with("x-")) {
                        f.weak = Some(here.to_string());
                    }
                    out.push(f);
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                out.push(finding(
                    here.to_string(),
                    true,
                    format!("missing required field `{name}`{}", what.in_phrase()),
                    format!("add `{name}`"),
                ));
            }
            // A `$ref` that is not a string is reported by reference resolution (`ref-invalid`).
            ValidationErrorKind::Type { .. } if here.ends_with("/$ref") => {}
            ValidationErrorKind::Type { kind } => {
                let expected = type_names(kind);
                let mut f = finding(
                    here.to_string(),
                    false,
                    format!(
                        "{} must be {}, found {}",
                        label(here),
                        with_article_list(&expected),
                        with_article(found_type(error.instance()))
                    ),
                    type_help(&expected, error.instance()),
                );
                // `{type: string, enum: [...]}`: the list of allowed values says more.
                f.weak = Some(format!("{here}#value"));
                out.push(f);
            }
            ValidationErrorKind::Enum { options } => {
                let values = options.as_array().cloned().unwrap_or_default();
                let (message, help) = one_of_values(here, &values, error.instance());
                let mut f = finding(here.to_string(), false, message, help);
                f.explains = Some(format!("{here}#value"));
                out.push(f);
            }
            ValidationErrorKind::Constant { expected_value } => {
                let values = [(**expected_value).clone()];
                let (message, help) = one_of_values(here, &values, error.instance());
                let mut f = finding(here.to_string(), false, message, help);
                f.explains = Some(format!("{here}#value"));
                out.push(f);
            }
            ValidationErrorKind::Pattern { pattern } => {
                let help = if here == "/openapi" {
                    "write the full version, for example `3.1.0`".to_string()
                } else {
                    format!("change the value to match `{pattern}`")
                };
                out.push(finding(
                    here.to_string(),
                    false,
                    format!(
                        "{} {} does not match the pattern `{pattern}`",
                        label(here),
                        shown(error.instance())
                    ),
                    help,
                ));
            }
            ValidationErrorKind::Format { format } => out.push(finding(
                here.to_string(),
                false,
                format!(
                    "{} {} is not a valid {format}",
                    label(here),
                    shown(error.instance())
                ),
                format!("write a valid {format}"),
            )),
            ValidationErrorKind::Not { schema } => {
                let annotation =
                    |k: &String| matches!(k.as_str(), "description" | "title" | "$comment");
                let both = schema.get("required").and_then(Json::as_array).filter(|_| {
                    schema
                        .as_object()
                        .is_some_and(|o| o.keys().all(|k| k == "required" || annotation(k)))
                });
                // Swagger 2.0 `responses`: `not` an object of nothing but extensions.
                let only_extensions = schema.get("additionalProperties")
                    == Some(&Json::Bool(false))
                    && schema
                        .get("patternProperties")
                        .and_then(Json::as_object)
                        .is_some_and(|p| p.keys().all(|k| k.starts_with("^x-")));
                match both {
                    Some(names) if names.len() > 1 => {
                        let names: Vec<String> = names
                            .iter()
                            .map(|n| format!("`{}`", n.as_str().unwrap_or_default()))
                            .collect();
                        out.push(finding(
                            here.to_string(),
                            true,
                            format!(
                                "{} may not both be present{}",
                                names.join(" and "),
                                what.in_phrase()
                            ),
                            "keep only one of them".to_string(),
                        ));
                    }
                    Some(names) if names.len() == 1 => {
                        let name = names[0].as_str().unwrap_or_default();
                        out.push(finding(
                            format!("{here}/{}", escape_pointer_token(name)),
                            true,
                            format!("`{name}` is not allowed here"),
                            format!("remove `{name}`"),
                        ));
                    }
                    _ if only_extensions => out.push(finding(
                        here.to_string(),
                        true,
                        format!(
                            "{} must hold at least one entry besides `x-` extensions",
                            label(here)
                        ),
                        "add an entry (for `responses`, a status code such as `200`, or `default`)"
                            .to_string(),
                    )),
                    _ => out.push(finding(
                        here.to_string(),
                        false,
                        format!("{} has a form that is not allowed here", label(here)),
                        "see the specification for what this field may contain".to_string(),
                    )),
                }
            }
            ValidationErrorKind::FalseSchema => out.push(finding(
                here.to_string(),
                true,
                format!("{} is not allowed here", label(here)),
                "remove it".to_string(),
            )),
            ValidationErrorKind::MinItems { limit } => out.push(finding(
                here.to_string(),
                false,
                format!(
                    "{} must have at least {limit} item{}",
                    label(here),
                    plural(*limit)
                ),
                format!("add at least {limit} item{}", plural(*limit)),
            )),
            ValidationErrorKind::MaxItems { limit } => out.push(finding(
                here.to_string(),
                false,
                format!(
                    "{} must have at most {limit} item{}",
                    label(here),
                    plural(*limit)
                ),
                "remove the extra items".to_string(),
            )),
            ValidationErrorKind::MinProperties { limit } => out.push(finding(
                here.to_string(),
                false,
                format!(
                    "{} must have at least {limit} entr{}",
                    label(here),
                    if *limit == 1 { "y" } else { "ies" }
                ),
                format!(
                    "add at least {limit} entr{}",
                    if *limit == 1 { "y" } else { "ies" }
                ),
            )),
            ValidationErrorKind::MaxProperties { limit } => out.push(finding(
                here.to_string(),
                false,
                format!(
                    "{} must have at most {limit} entr{}",
                    label(here),
                    if *limit == 1 { "y" } else { "ies" }
                ),
                "remove the extra entries".to_string(),
            )),
            ValidationErrorKind::UniqueItems => out.push(finding(
                here.to_string(),
                false,
                format!("{} has duplicate items", label(here)),
                "remove the repeated item".to_string(),
            )),
            ValidationErrorKind::MinLength { limit } => out.push(finding(
                here.to_string(),
                false,
                format!(
                    "{} must be at least {limit} character{} long",
                    label(here),
                    plural(*limit)
                ),
                "write a longer value".to_string(),
            )),
            _ => out.push(finding(
                here.to_string(),
                false,
                format!("{} is invalid: {}", label(here), error.masked()),
                "see the specification for what this field may contain".to_string(),
            )),
        }
    }

    /// Explains a failed `oneOf`/`anyOf` by the branch the author most likely meant.
    fn explain_alternatives(
        &self,
        error: &ValidationError<'_>,
        branches: &[Branch],
        out: &mut Vec<Finding>,
        depth: usize,
    ) {
        let alive = match self.choose(error, branches) {
            Ok(alive) => alive,
            Err(merged) => {
                out.push(*merged);
                return;
            }
        };
        // The branch that got furthest into the document, with the fewest errors.
        let mut best: Option<(usize, Vec<Finding>)> = None;
        for &b in &alive {
            let mut findings = Vec::new();
            for e in &branches[b] {
                self.explain(e, &mut findings, depth);
            }
            if best.as_ref().is_none_or(|(_, old)| further(&findings, old)) {
                best = Some((b, findings));
            }
        }
        if let Some((chosen, mut findings)) = best {
            self.describe_branch(error, branches.len(), chosen, &mut findings);
            out.extend(findings);
        }
    }

    /// Rules out the branches the author cannot have meant. `Err` when the failure is best
    /// told as one finding about all branches (every branch rejects the value of `in`).
    #[inline(never)]
    fn choose(
        &self,
        error: &ValidationError<'_>,
        branches: &[Branch],
    ) -> Result<Vec<usize>, Box<Finding>> {
        let here = error.instance_path().as_str();
        let mut alive: Vec<usize> = (0..branches.len()).collect();

        // A branch that wants a different type altogether is not what was meant.
        retain_nonempty(&mut alive, |b| {
            !branches[b]
                .iter()
                .any(|e| at(e, here) && matches!(e.kind(), ValidationErrorKind::Type { .. }))
        });
        // Every branch wants another type: name them all.
        let mut types: Vec<&'static str> = Vec::new();
        let all_wrong_type = alive.iter().all(|&b| {
            let mut wrong = false;
            for e in &branches[b] {
                if let (true, ValidationErrorKind::Type { kind }) = (at(e, here), e.kind()) {
                    wrong = true;
                    for t in type_names(kind) {
                        if !types.contains(&t) {
                            types.push(t);
                        }
                    }
                }
            }
            wrong
        });
        if alive.len() > 1 && all_wrong_type {
            return Err(Box::new(Finding {
                pointer: here.to_string(),
                at_key: false,
                message: format!(
                    "{} must be {}, found {}",
                    label(here),
                    with_article_list(&types),
                    with_article(found_type(error.instance()))
                ),
                help: type_help(&types, error.instance()),
                source: self.source_of(error),
                weak: None,
                explains: None,
            }));
        }
        // An object with `$ref` is a Reference; one without is not.
        let is_reference = error
            .instance()
            .as_object()
            .is_some_and(|o| o.contains_key("$ref"));
        retain_nonempty(&mut alive, |b| {
            match self.branch_schema(error, b).map(declares_ref) {
                Some(RefField::Required) => is_reference,
                Some(RefField::Allowed) => true,
                Some(RefField::Absent) => !is_reference,
                None => true,
            }
        });
        // Discriminating fields: a field whose value some branches reject (`in: query` in a
        // path-parameter branch) rules those branches out.
        loop {
            if alive.len() <= 1 {
                break;
            }
            let mut counts: Vec<(String, usize)> = Vec::new();
            for &b in &alive {
                let fields: BTreeSet<&str> = branches[b]
                    .iter()
                    .filter(|e| is_value_mismatch(e))
                    .filter_map(|e| child_of(e.instance_path().as_str(), here))
                    .collect();
                for field in fields {
                    match counts.iter_mut().find(|(f, _)| f == field) {
                        Some((_, n)) => *n += 1,
                        None => counts.push((field.to_string(), 1)),
                    }
                }
            }
            let n = alive.len();
            let discriminator = counts
                .iter()
                .filter(|(_, c)| *c < n)
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)));
            if let Some((field, _)) = discriminator {
                let field = field.clone();
                alive.retain(|&b| !rejects_field(&branches[b], here, &field));
                continue;
            }
            // Every branch rejects the same field's value: list what any of them accepts.
            if let Some((field, _)) = counts.iter().find(|(_, c)| *c == n) {
                let pointer = format!("{here}/{field}");
                let mut values: Vec<Json> = Vec::new();
                let mut found = None;
                for &b in &alive {
                    for e in &branches[b] {
                        if e.instance_path().as_str() != pointer {
                            continue;
                        }
                        found = Some(e.instance().clone().into_owned());
                        let options: Vec<Json> = match e.kind() {
                            ValidationErrorKind::Enum { options } => {
                                options.as_array().cloned().unwrap_or_default()
                            }
                            ValidationErrorKind::Constant { expected_value } => {
                                vec![(**expected_value).clone()]
                            }
                            _ => Vec::new(),
                        };
                        for v in options {
                            if !values.contains(&v) {
                                values.push(v);
                            }
                        }
                    }
                }
                let found = found.unwrap_or(Json::Null);
                let (message, help) = one_of_values(&pointer, &values, &found);
                return Err(Box::new(Finding {
                    pointer,
                    at_key: false,
                    message,
                    help,
                    source: self.source_of(error),
                    weak: None,
                    explains: None,
                }));
            }
            break;
        }
        if alive.len() > 1 {
            // Every branch only misses a field: say which fields would do.
            let mut missing: Vec<String> = Vec::new();
            let only_required = alive.iter().all(|&b| {
                branches[b].iter().all(|e| {
                    if let (true, ValidationErrorKind::Required { property }) =
                        (at(e, here), e.kind())
                    {
                        let name = property.as_str().unwrap_or_default().to_string();
                        if !missing.contains(&name) {
                            missing.push(name);
                        }
                        true
                    } else {
                        false
                    }
                })
            });
            if only_required && !missing.is_empty() {
                let what = self.object_kind(error);
                let names: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
                return Err(Box::new(Finding {
                    pointer: here.to_string(),
                    at_key: true,
                    message: format!(
                        "missing required field {}{}",
                        names.join(" or "),
                        what.in_phrase()
                    ),
                    help: format!("add {}", names.join(" or ")),
                    source: self.source_of(error),
                    weak: None,
                    explains: None,
                }));
            }
        }
        Ok(alive)
    }

    /// Adds the description of the chosen branch ("Parameter in path") to the help.
    #[inline(never)]
    fn describe_branch(
        &self,
        error: &ValidationError<'_>,
        count: usize,
        chosen: usize,
        findings: &mut [Finding],
    ) {
        if count > 1
            && let Some(description) = self.branch_description(error, chosen)
        {
            for f in findings {
                if !f.help.contains(&description) {
                    f.help = format!("{} ({description})", f.help);
                }
            }
        }
    }

    /// The schema object a keyword of this error belongs to.
    fn schema_of(&self, error: &ValidationError<'_>) -> Option<&Json> {
        let (base, fragment) = self.location(error);
        let parent = fragment.rsplit_once('/').map_or("", |(p, _)| p);
        self.lookup(&base, parent)
    }

    /// `(resource URI, decoded fragment pointer)` of the keyword that failed.
    fn location(&self, error: &ValidationError<'_>) -> (String, String) {
        match error.absolute_keyword_location() {
            Some(uri) => {
                let text = uri.as_str();
                let (base, fragment) = text.split_once('#').unwrap_or((text, ""));
                (
                    base.to_string(),
                    crate::source::refs::percent_decode(fragment).into_owned(),
                )
            }
            None => (
                self.compiled.resources[0].0.clone(),
                error.schema_path().as_str().to_string(),
            ),
        }
    }

    fn lookup(&self, base: &str, pointer: &str) -> Option<&Json> {
        let resource = self
            .compiled
            .resources
            .iter()
            .find(|(id, _)| id == base)
            .map(|(_, v)| v)?;
        resource.pointer(pointer)
    }

    fn source_of(&self, error: &ValidationError<'_>) -> Option<String> {
        let (base, fragment) = self.location(error);
        let definition = definition_prefix(&fragment)?;
        Some(format!("{}, {base}#{definition}", self.compiled.spec))
    }

    /// What kind of object the failing node is, from the schema definition that failed.
    fn object_kind(&self, error: &ValidationError<'_>) -> ObjectKind {
        let (base, fragment) = self.location(error);
        if base.contains("json-schema.org") {
            return ObjectKind::Named("a Schema".to_string());
        }
        match definition_name(&fragment) {
            // Mixins the 3.0 schema applies to several objects (Parameter, Header, Media Type).
            // Named by where the object sits instead.
            Some(name) if name.ends_with("XORExamples") || name.ends_with("XORContent") => {
                let path = error.instance_path().as_str();
                let parent = path.rsplit('/').nth(1).unwrap_or_default();
                match parent {
                    "parameters" => ObjectKind::Named("a Parameter".to_string()),
                    "headers" => ObjectKind::Named("a Header".to_string()),
                    "content" => ObjectKind::Named("a Media Type".to_string()),
                    _ => ObjectKind::Unnamed,
                }
            }
            Some(name) => ObjectKind::Named(display_name(&name)),
            None if base.contains("/meta/") || base.contains("/dialect/") => {
                ObjectKind::Named("a Schema".to_string())
            }
            None => ObjectKind::TopLevel,
        }
    }

    /// The fields a schema object declares (`properties`, and method-like pattern names);
    /// with `nested`, also those its conditional subschemas declare (`if`/`then`, `$defs`),
    /// as 3.1 declares the fields of each security scheme type.
    fn allowed_fields(&self, error: &ValidationError<'_>, nested: bool) -> Vec<String> {
        let Some(schema) = self.schema_of(error) else {
            return Vec::new();
        };
        let mut fields: Vec<String> = Vec::new();
        collect_properties(schema, nested, &mut fields);
        if let Some(patterns) = schema.get("patternProperties").and_then(Json::as_object) {
            for pattern in patterns.keys() {
                if let Some(inner) = pattern
                    .strip_prefix("^(")
                    .and_then(|p| p.strip_suffix(")$"))
                    .filter(|p| p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'|'))
                {
                    fields.extend(inner.split('|').map(str::to_string));
                }
            }
        }
        fields
    }

    /// The `description` of an inline `oneOf`/`anyOf` branch, which the 3.0 schema uses to
    /// say what each alternative is ("Parameter in path").
    fn branch_description(&self, error: &ValidationError<'_>, branch: usize) -> Option<String> {
        let (base, fragment) = self.location(error);
        let schema = self.lookup(&base, &format!("{fragment}/{branch}"))?;
        // A referenced definition's description describes the definition, not the branch.
        if schema.get("$ref").is_some() {
            return None;
        }
        schema
            .get("description")
            .and_then(Json::as_str)
            .filter(|d| d.len() < 80)
            .map(str::to_string)
    }

    /// The schema of a `oneOf`/`anyOf` branch, with local `$ref`s followed.
    fn branch_schema(&self, error: &ValidationError<'_>, branch: usize) -> Option<&Json> {
        let (base, fragment) = self.location(error);
        let mut schema = self.lookup(&base, &format!("{fragment}/{branch}"))?;
        for _ in 0..8 {
            match schema.get("$ref").and_then(Json::as_str) {
                Some(r) if r.starts_with("#/") => schema = self.lookup(&base, &r[1..])?,
                _ => break,
            }
        }
        Some(schema)
    }
}

/// Whether a schema object accepts `x-` fields (2.0/3.0 `patternProperties: {^x-: …}`, 3.1
/// `$ref: #/$defs/specification-extensions`).
fn allows_extensions(schema: &Json) -> bool {
    schema
        .get("patternProperties")
        .and_then(Json::as_object)
        .is_some_and(|p| p.keys().any(|k| k.starts_with("^x-")))
        || schema
            .get("$ref")
            .and_then(Json::as_str)
            .is_some_and(|r| r.ends_with("specification-extensions"))
}

/// How a schema treats a `$ref` field.
enum RefField {
    /// It requires one: a Reference Object.
    Required,
    /// It declares one without requiring it (a 3.0 Path Item).
    Allowed,
    /// It does not mention one.
    Absent,
}

fn declares_ref(schema: &Json) -> RefField {
    let required = schema
        .get("required")
        .and_then(Json::as_array)
        .is_some_and(|r| r.iter().any(|n| n == "$ref"));
    let declared = schema
        .get("properties")
        .and_then(|p| p.get("$ref"))
        .is_some()
        || schema
            .get("patternProperties")
            .and_then(Json::as_object)
            .is_some_and(|p| p.keys().any(|k| k.contains("$ref")));
    if required {
        RefField::Required
    } else if declared {
        RefField::Allowed
    } else {
        RefField::Absent
    }
}

/// The names in `properties` of a schema object, and with `nested` of the subschemas it
/// holds, without following `$ref`s.
fn collect_properties(schema: &Json, nested: bool, out: &mut Vec<String>) {
    let Some(object) = schema.as_object() else {
        return;
    };
    for (keyword, value) in object {
        if keyword == "properties"
            && let Some(properties) = value.as_object()
        {
            for name in properties.keys() {
                if !out.contains(name) {
                    out.push(name.clone());
                }
            }
        } else if nested && keyword != "properties" {
            match value {
                Json::Object(_) => collect_properties(value, nested, out),
                Json::Array(items) => {
                    for item in items {
                        collect_properties(item, nested, out);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Whether `findings` got further into the document than `old`: deeper, or as deep with
/// fewer findings.
fn further(findings: &[Finding], old: &[Finding]) -> bool {
    let depth = |f: &[Finding]| f.iter().map(Finding::depth).max().unwrap_or(0);
    (depth(findings), std::cmp::Reverse(findings.len()))
        > (depth(old), std::cmp::Reverse(old.len()))
}

/// Keeps the items `keep` accepts, unless that would leave none.
fn retain_nonempty(items: &mut Vec<usize>, keep: impl Fn(usize) -> bool) {
    let kept: Vec<usize> = items.iter().copied().filter(|&i| keep(i)).collect();
    if !kept.is_empty() {
        *items = kept;
    }
}

fn at(error: &ValidationError<'_>, pointer: &str) -> bool {
    error.instance_path().as_str() == pointer
}

/// An error saying a value is not among the allowed ones (`enum`, `const`).
fn is_value_mismatch(error: &ValidationError<'_>) -> bool {
    matches!(
        error.kind(),
        ValidationErrorKind::Enum { .. } | ValidationErrorKind::Constant { .. }
    )
}

/// The token of `path` directly below `parent`, if `path` is a child of it.
fn child_of<'p>(path: &'p str, parent: &str) -> Option<&'p str> {
    let rest = path.strip_prefix(parent)?.strip_prefix('/')?;
    (!rest.contains('/')).then_some(rest)
}

fn rejects_field(branch: &[ValidationError<'_>], here: &str, field: &str) -> bool {
    branch
        .iter()
        .any(|e| is_value_mismatch(e) && child_of(e.instance_path().as_str(), here) == Some(field))
}

/// The first `definitions/<name>` or `$defs/<name>` in a schema pointer, decoded.
fn definition_name(fragment: &str) -> Option<String> {
    let mut tokens = fragment.split('/').skip(1);
    while let Some(token) = tokens.next() {
        if token == "definitions" || token == "$defs" {
            return tokens
                .next()
                .map(|t| unescape_pointer_token(t).into_owned());
        }
    }
    None
}

/// The pointer up to and including the first definition name (`/definitions/Operation`).
fn definition_prefix(fragment: &str) -> Option<String> {
    let name = definition_name(fragment)?;
    let container = if fragment.starts_with("/$defs/") || fragment.contains("/$defs/") {
        "$defs"
    } else {
        "definitions"
    };
    Some(format!("/{container}/{}", escape_pointer_token(&name)))
}

/// The kind of object a field belongs to, for "unknown field `x` in an Operation".
#[derive(Debug, Clone)]
enum ObjectKind {
    TopLevel,
    Named(String),
    /// A constraint shared by several kinds of object (3.0 `SchemaXORContent`).
    Unnamed,
}

impl ObjectKind {
    /// `" in an Operation"`, `" at the top level"`, or nothing.
    fn in_phrase(&self) -> String {
        match self {
            ObjectKind::TopLevel => " at the top level".to_string(),
            ObjectKind::Named(n) => format!(" in {n}"),
            ObjectKind::Unnamed => String::new(),
        }
    }

    fn is(&self, name: &str) -> bool {
        match self {
            ObjectKind::Named(n) => n.eq_ignore_ascii_case(name),
            ObjectKind::TopLevel | ObjectKind::Unnamed => false,
        }
    }
}

/// A readable name with its article for a schema definition (`pathItem`, `path-item`,
/// `PathItem` all become "a Path Item"; collections such as `Paths` take no article).
fn display_name(definition: &str) -> String {
    let special = match definition {
        "nonBodyParameter" | "parameter" | "Parameter" => Some("a Parameter"),
        "bodyParameter" => Some("a body Parameter"),
        "headerParameterSubSchema" => Some("a header Parameter"),
        "queryParameterSubSchema" => Some("a query Parameter"),
        "formDataParameterSubSchema" => Some("a formData Parameter"),
        "pathParameterSubSchema" => Some("a path Parameter"),
        "jsonReference" | "Reference" | "reference" => Some("a Reference"),
        "primitivesItems" => Some("Items"),
        "xml" | "XML" => Some("XML"),
        "Info" | "info" => Some("Info"),
        "basicAuthenticationSecurity" => Some("a basic Security Scheme"),
        "apiKeySecurity" => Some("an apiKey Security Scheme"),
        "oauth2ImplicitSecurity" => Some("an oauth2 implicit Security Scheme"),
        "oauth2PasswordSecurity" => Some("an oauth2 password Security Scheme"),
        "oauth2ApplicationSecurity" => Some("an oauth2 application Security Scheme"),
        "oauth2AccessCodeSecurity" => Some("an oauth2 accessCode Security Scheme"),
        "APIKeySecurityScheme" => Some("an apiKey Security Scheme"),
        "HTTPSecurityScheme" => Some("an http Security Scheme"),
        "OAuth2SecurityScheme" => Some("an oauth2 Security Scheme"),
        "OpenIdConnectSecurityScheme" => Some("an openIdConnect Security Scheme"),
        "ParameterLocation" => Some("a Parameter"),
        "OAuthFlows" | "oauth-flows" | "oauth2Scopes" => Some("OAuth Flows"),
        "ImplicitOAuthFlow" => Some("an implicit OAuth Flow"),
        "PasswordOAuthFlow" => Some("a password OAuth Flow"),
        "ClientCredentialsFlow" => Some("a clientCredentials OAuth Flow"),
        "AuthorizationCodeOAuthFlow" => Some("an authorizationCode OAuth Flow"),
        _ => None,
    };
    if let Some(s) = special {
        return s.to_string();
    }
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = definition.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let boundary = c == '-'
            || c == '_'
            || (c.is_ascii_uppercase()
                && i > 0
                && (chars[i - 1].is_ascii_lowercase()
                    || chars.get(i + 1).is_some_and(char::is_ascii_lowercase)));
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        if c != '-' && c != '_' {
            current.push(c);
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    let words: Vec<String> = words
        .into_iter()
        .filter(|w| w != "Sub" && w != "Schema" || definition.eq_ignore_ascii_case("schema"))
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => w,
            }
        })
        .collect();
    let name = words.join(" ");
    let collection = name.ends_with('s') && !name.ends_with("ss");
    if collection || name.is_empty() {
        name
    } else if name.starts_with(['A', 'E', 'I', 'O', 'U']) {
        format!("an {name}")
    } else {
        format!("a {name}")
    }
}

/// "unknown field" message and help, with special wording for path and response-code keys.
fn unknown_field(
    name: &str,
    what: &ObjectKind,
    allowed: &[String],
    extensible: bool,
) -> (String, String) {
    if what.is("Paths") {
        return (
            format!("path `{name}` must start with `/`"),
            format!(
                "write the path with a leading slash (`/{name}`); extension fields start with `x-`"
            ),
        );
    }
    if what.is("Responses") {
        return (
            format!("`{name}` is not a response code"),
            "use an HTTP status code (`200`), a range (`2XX`, in 3.x) or `default`; extension fields start with `x-`".to_string(),
        );
    }
    if what.is("a Reference") {
        return (
            format!("`{name}` is not allowed next to `$ref`"),
            format!(
                "a Reference Object holds only `$ref`; remove `{name}` or move it to the definition the reference points to"
            ),
        );
    }
    let message = format!("unknown field `{name}`{}", what.in_phrase());
    let mut help = String::new();
    if let Some(near) = did_you_mean(name, allowed.iter().map(String::as_str)) {
        let _ = write!(help, "did you mean `{near}`? ");
    }
    help.push_str(if extensible {
        "remove it, or prefix it with `x-` to make it an extension"
    } else {
        "remove it"
    });
    let mut sorted: Vec<&str> = allowed
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "$ref")
        .collect();
    if !sorted.is_empty() && sorted.len() <= 24 {
        sorted.sort_unstable();
        let _ = write!(help, "; allowed fields: {}", sorted.join(", "));
    }
    (message, help)
}

fn one_of_values(pointer: &str, values: &[Json], found: &Json) -> (String, String) {
    let listed: Vec<String> = values.iter().map(|v| format!("`{}`", scalar(v))).collect();
    if listed.len() == 1 {
        (
            format!(
                "{} must be {}, found {}",
                label(pointer),
                listed[0],
                shown(found)
            ),
            format!("set it to {}", listed[0]),
        )
    } else {
        (
            format!(
                "{} must be one of {}, found {}",
                label(pointer),
                listed.join(", "),
                shown(found)
            ),
            "use one of the listed values".to_string(),
        )
    }
}

/// How a field is named in a message: its key, or `list[3]` for a sequence item.
fn label(pointer: &str) -> String {
    let tokens: Vec<_> = pointer
        .split('/')
        .skip(1)
        .map(unescape_pointer_token)
        .collect();
    match tokens.as_slice() {
        [] => "the document".to_string(),
        [.., parent, last] if last.bytes().all(|b| b.is_ascii_digit()) => {
            format!("`{parent}[{last}]`")
        }
        [.., last] => format!("`{last}`"),
    }
}

/// A JSON value as shown inline in a message: strings without quotes, long values cut.
fn scalar(value: &Json) -> String {
    let text = match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 40 {
        let cut: String = text.chars().take(37).collect();
        format!("{cut}...")
    } else {
        text
    }
}

fn shown(value: &Json) -> String {
    match value {
        Json::Object(_) => "a mapping".to_string(),
        Json::Array(_) => "a sequence".to_string(),
        other => format!("`{}`", scalar(other)),
    }
}

fn found_type(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "sequence",
        Json::Object(_) => "mapping",
    }
}

fn type_name(t: JsonType) -> &'static str {
    match t {
        JsonType::Null => "null",
        JsonType::Boolean => "boolean",
        JsonType::Integer => "integer",
        JsonType::Number => "number",
        JsonType::String => "string",
        JsonType::Array => "sequence",
        JsonType::Object => "mapping",
    }
}

fn type_names(kind: &TypeKind) -> Vec<&'static str> {
    match kind {
        TypeKind::Single(t) => vec![type_name(*t)],
        TypeKind::Multiple(set) => set.iter().map(type_name).collect(),
    }
}

fn with_article(name: &str) -> String {
    match name {
        "null" => "null".to_string(),
        n if n.starts_with(['a', 'e', 'i', 'o', 'u']) => format!("an {n}"),
        n => format!("a {n}"),
    }
}

fn with_article_list(names: &[&str]) -> String {
    let parts: Vec<String> = names.iter().map(|n| with_article(n)).collect();
    parts.join(" or ")
}

fn type_help(expected: &[&str], found: &Json) -> String {
    if expected.len() > 1 {
        format!("change the value to {}", with_article_list(expected))
    } else if expected == ["boolean"]
        && found.as_str().is_some_and(|s| {
            matches!(
                s.to_ascii_lowercase().as_str(),
                "yes" | "no" | "on" | "off" | "y" | "n"
            )
        })
    {
        "YAML 1.2 reads `yes`, `no`, `on` and `off` as strings; write `true` or `false`".to_string()
    } else if expected == ["string"] && matches!(found, Json::Number(_) | Json::Bool(_)) {
        "quote the value so it is read as a string".to_string()
    } else if expected.contains(&"sequence") {
        "write a sequence (a YAML list or a JSON array)".to_string()
    } else if expected.contains(&"mapping") {
        "write a mapping of fields (a YAML mapping or a JSON object)".to_string()
    } else {
        format!("change the value to {}", with_article_list(expected))
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Places findings in the source, dropping duplicates and sorting by position.
///
/// Thousands of findings are as many lookups: the pointers explained and the findings seen are
/// hashed, and pointers through big mappings use a key index (each was a scan, 13 s for
/// 40,000 findings).
fn to_diagnostics(root: &Node, places: &Places<'_>, mut findings: Vec<Finding>) -> Vec<Diagnostic> {
    // A weak finding is dropped when a strong one is at its pointer or below it: every
    // pointer a strong finding explains, with its ancestors.
    let mut explained: FastSet<&str> = FastSet::default();
    for f in findings.iter().filter(|f| f.weak.is_none()) {
        for p in std::iter::once(&f.pointer).chain(&f.explains) {
            let mut p = p.as_str();
            while explained.insert(p) {
                match p.rsplit_once('/') {
                    Some((parent, _)) => p = parent,
                    None => break,
                }
            }
        }
    }
    let weak_explained: Vec<bool> = findings
        .iter()
        .map(|f| f.weak.as_deref().is_some_and(|key| explained.contains(key)))
        .collect();
    let mut weak_explained = weak_explained.into_iter();
    findings.retain(|_| !weak_explained.next().unwrap_or(false));
    let keys = KeyIndex::default();
    let mut seen: FastSet<(String, String)> = FastSet::default();
    let mut out: Vec<((FileId, Span), Diagnostic)> = Vec::new();
    for f in findings {
        if !seen.insert((f.pointer.clone(), f.message.clone())) {
            continue;
        }
        let (span, found, keyed) = span_of(&keys, root, &f.pointer, f.at_key);
        let file = places.file(found, keyed);
        let pointer = places.pointer(&f.pointer, keyed && found == f.pointer);
        let mut d = Diagnostic::error(CODE, f.message)
            .at(file, span)
            .pointer(pointer)
            .help(f.help);
        if let Some(source) = f.source {
            d = d.source(source);
        }
        out.push(((file, span), d));
    }
    out.sort_by_key(|(at, _)| *at);
    out.into_iter().map(|(_, d)| d).collect()
}

/// A short span for a mapping without a key (a sequence item): from its start through its
/// first entry when that is a scalar, else through the first key, so a report does not
/// underline the whole item.
fn first_line(node: &Node) -> Span {
    match node.as_map().and_then(|m| m.entries.first()) {
        Some(first) => {
            let end = match first.value.value {
                crate::source::Value::Map(_) | crate::source::Value::Seq(_) => first.key.span.end,
                _ => first.value.span.end.max(first.key.span.end),
            };
            Span::new(node.span.start as usize, end as usize)
        }
        None => node.span,
    }
}

/// The span for a finding: the member's key or the value, falling back to the nearest
/// existing ancestor; the whole document gets an empty span at its first key. With the
/// pointer of the node it is of, and whether it is that member's key (in an inlined view, a
/// key may be in another file than its value).
fn span_of<'p>(
    keys: &KeyIndex,
    root: &Node,
    pointer: &'p str,
    at_key: bool,
) -> (Span, &'p str, bool) {
    let mut p = pointer;
    loop {
        if p.is_empty() {
            let start = root
                .as_map()
                .and_then(|m| m.entries.first())
                .map_or(root.span.start, |e| e.key.span.start) as usize;
            return (Span::new(start, start), p, false);
        }
        if let Some(found) = keys.pointer(root, p) {
            return match (at_key, found.key_span) {
                (false, _) => (found.node.span, p, false),
                (true, Some(key)) => (key, p, true),
                (true, None) => (first_line(found.node), p, false),
            };
        }
        p = p.rsplit_once('/').map_or("", |(parent, _)| parent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dialects_are_the_oas_base_and_the_json_schema_drafts() {
        for uri in [
            "https://spec.openapis.org/oas/3.1/dialect/base",
            "https://json-schema.org/draft/2020-12/schema",
            "https://json-schema.org/draft/2020-12/schema#",
            "http://json-schema.org/draft-04/schema#",
            "https://json-schema.org/draft-07/schema",
        ] {
            assert!(is_known_dialect(uri), "{uri}");
        }
        for uri in [
            "https://example.com/my-dialect",
            "json-schema.org/draft-07/schema",
            "ftp://json-schema.org/draft-07/schema",
            "https://json-schema.org/draft-03/schema",
            "",
        ] {
            assert!(!is_known_dialect(uri), "{uri}");
        }
    }
}
