//! `apigctl export DEFINITION`: a gateway definition to an OpenAPI document with
//! `x-apigateway-*` extensions, written as YAML or JSON to stdout or atomically to a file.

use std::path::PathBuf;

use crate::convert::export::{ExportOptions, export, to_json_text};
use crate::convert::yaml::to_yaml;
use crate::diagnostic::{Diagnostic, Location, Related};
use crate::model::Definition;
use crate::openapi::{self, DocumentKind};
use crate::source::{Document, Input, Limits, LoadError, Node, Sources};

use super::import::OutputFormat;
use super::output::{deliver, report_into};
use super::{EXIT_USAGE, Outcome};
use crate::teardown::drop_in_background;

/// Options of `apigctl export`.
#[derive(Clone, Debug, Default)]
pub struct ExportCommandOptions {
    /// Input limits.
    pub limits: Limits,
    /// OpenAPI version and definition scope.
    pub export: ExportOptions,
    /// Output syntax.
    pub format: OutputFormat,
    /// Where to write the document; stdout when `None`.
    pub output: Option<PathBuf>,
    /// Colour diagnostics on stderr.
    pub color: bool,
    /// Report every warning as an error (exit 1, nothing written).
    pub strict: bool,
}

/// Renders a built document in `format`.
pub fn render_document(document: &Node, format: OutputFormat) -> String {
    match format {
        OutputFormat::Yaml => to_yaml(document),
        OutputFormat::Json => to_json_text(document),
    }
}

/// Gives a diagnostic that carries only a pointer into `doc` the location of that pointer (or
/// of its nearest existing parent).
pub(crate) fn locate(mut d: Diagnostic, doc: &Document) -> Diagnostic {
    if d.primary.is_some() {
        return d;
    }
    let mut pointer = d.pointer.clone().unwrap_or_default();
    loop {
        if let Some(found) = doc.root.pointer(&pointer) {
            d = d.at(doc.file, found.label_span());
            return d;
        }
        match pointer.rsplit_once('/') {
            Some((head, _)) => pointer = head.to_owned(),
            None => return d.at(doc.file, doc.root.span),
        }
    }
}

/// What to compare a refused definition with.
const DEFINITION_HELP: &str =
    "compare with schema/definition.schema.json (field names and values as in the API Reference)";

/// Every value of a definition file the model refuses, each an error at its place, not only
/// the first serde stops at (read as import reads a refused object, see
/// [`crate::convert::import::read_all`]): an unknown field at its key (with the field meant,
/// when one is a slip of the keyboard away), a refused value at the value, a missing field at
/// the object that lacks it. Empty when the definition reads.
pub(crate) fn definition_errors(doc: &Document) -> Vec<Diagnostic> {
    use crate::convert::import::Seg;
    let refusals = match crate::convert::import::read_all::<Definition>(doc.root.to_json()) {
        Ok(_) => return Vec::new(),
        Err(refused) => refused.found,
    };
    // An unknown field a slip of the keyboard away from a known one: (its object, the field
    // meant). That field is missing from the object too, which says nothing more.
    let mut meant: Vec<(&[Seg], String)> = Vec::new();
    let mut read = Vec::with_capacity(refusals.len());
    for refusal in &refusals {
        let message = crate::convert::import::plain_types(&refusal.message);
        let near = message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split_once('`'))
            .and_then(|(field, expected)| {
                let fields = expected
                    .strip_prefix(", expected one of ")
                    .or_else(|| expected.strip_prefix(", expected "))?
                    .split(", ")
                    .filter_map(|f| f.strip_prefix('`')?.strip_suffix('`'));
                Some((field, crate::diagnostic::did_you_mean(field, fields)?))
            })
            .map(|(field, near)| (field.to_owned(), near.to_owned()));
        if let (Some((_, near)), Some((_, object))) = (&near, refusal.path.split_last()) {
            meant.push((object, near.clone()));
        }
        read.push((refusal, message, near));
    }
    let mut out = Vec::with_capacity(read.len());
    for (refusal, message, near) in read {
        let pointer = crate::convert::import::refusal_pointer(&refusal.path).text();
        let (message, help, at_value) = match (near, message.strip_prefix("missing field `")) {
            (Some((field, near)), _) => (
                format!("unknown field `{field}`"),
                format!("did you mean `{near}`?"),
                false,
            ),
            (None, Some(rest)) => {
                // serde names the first field an object misses; the schema gives all of them.
                let first = rest.split('`').next().unwrap_or_default();
                let missing: Vec<String> = missing_fields(&doc.root, &refusal.path, first)
                    .into_iter()
                    .filter(|f| {
                        !meant
                            .iter()
                            .any(|(o, m)| *o == refusal.path.as_slice() && m == f)
                    })
                    .map(|f| format!("`{f}`"))
                    .collect();
                let message = match missing.as_slice() {
                    [] => continue,
                    [one] => format!("missing field {one}"),
                    several => format!("missing fields {}", several.join(", ")),
                };
                (message, DEFINITION_HELP.to_owned(), false)
            }
            (None, None) => (
                message.clone(),
                DEFINITION_HELP.to_owned(),
                !message.starts_with("unknown field"),
            ),
        };
        let d = Diagnostic::error(
            "definition-invalid",
            format!("invalid gateway definition: {message}"),
        )
        .pointer(pointer.clone())
        .help(help);
        // A refused value is shown where it is written; an unknown field and an object that
        // misses one at their key (an object in a list at itself).
        out.push(match doc.root.pointer(&pointer) {
            Some(found) if at_value => d.at(doc.file, found.node.span),
            _ => locate(d, doc),
        });
    }
    out
}

/// The required fields the object at `path` of a definition lacks, by the definition's JSON
/// Schema (`schema/definition.schema.json`), in the schema's order; `[first]` (the one serde
/// named) when the schema does not say.
fn missing_fields(root: &Node, path: &[crate::convert::import::Seg], first: &str) -> Vec<String> {
    static SCHEMA: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    let schema = SCHEMA.get_or_init(Definition::json_schema);
    // A schema with its `$ref` followed and an optional value's `null` alternative set aside.
    let resolve = |mut at: &'static serde_json::Value| {
        for _ in 0..8 {
            if let Some(target) = at
                .get("$ref")
                .and_then(serde_json::Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|p| schema.pointer(p))
            {
                at = target;
            } else if let Some(first) = at
                .get("anyOf")
                .and_then(serde_json::Value::as_array)
                .and_then(|alternatives| {
                    alternatives
                        .iter()
                        .find(|a| a.get("type").and_then(serde_json::Value::as_str) != Some("null"))
                })
            {
                at = first;
            } else {
                break;
            }
        }
        at
    };
    let mut at = resolve(schema);
    let mut node = root;
    for seg in path {
        let (next_schema, next_node) = match seg {
            crate::convert::import::Seg::Key(key) => (
                at.get("properties").and_then(|p| p.get(key.as_str())),
                node.get(key),
            ),
            crate::convert::import::Seg::Index(i) => (
                at.get("items"),
                node.as_seq().and_then(|items| items.get(*i)),
            ),
        };
        let (Some(s), Some(n)) = (next_schema, next_node) else {
            return vec![first.to_owned()];
        };
        at = resolve(s);
        node = n;
    }
    let missing: Vec<String> = at
        .get("required")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .filter(|field| node.get(field).is_none())
        .map(str::to_owned)
        .collect();
    if missing.iter().any(|f| f == first) {
        missing
    } else {
        vec![first.to_owned()]
    }
}

/// Loads one input; an unreadable or unparsable one is reported into `outcome`.
pub(crate) fn load_or_report(
    input: &Input,
    limits: &Limits,
    color: bool,
    outcome: &mut Outcome,
) -> Option<(Sources, Document)> {
    let mut sources = Sources::new();
    match crate::source::load(input, &mut sources, limits) {
        Ok(doc) => Some((sources, doc)),
        Err(e @ LoadError::Io { .. }) => {
            outcome.stderr = format!("apigctl: error: {e}\n");
            outcome.exit_code = EXIT_USAGE;
            None
        }
        Err(LoadError::Invalid(d)) => {
            report_into(outcome, input.display_name(), sources, vec![*d], color);
            None
        }
    }
}

/// Runs `apigctl export` on one input.
pub fn run(input: &Input, options: &ExportCommandOptions) -> Outcome {
    let name = input.display_name();
    let mut outcome = Outcome::default();
    if let Some(path) = options.output.as_deref()
        && let Some(input) = super::output::input_overwritten(path, std::slice::from_ref(input))
    {
        super::output::refuse_overwriting_input(&mut outcome, "-o", path, input);
        return outcome;
    }
    let Some((sources, mut doc)) =
        load_or_report(input, &options.limits, options.color, &mut outcome)
    else {
        return outcome;
    };
    // What the loader noticed comes first, whatever else is reported.
    let mut diagnostics = std::mem::take(&mut doc.notes);
    let problem = match openapi::detect(&doc) {
        Ok(DocumentKind::Definition) => None,
        Ok(DocumentKind::OpenApi(_)) => Some(
            Diagnostic::error(
                "export-not-definition",
                "this is an OpenAPI document; export reads gateway definitions (`apigctl: 1`)",
            )
            .at(doc.file, doc.root.span)
            .help("use `apigctl convert` to change its OpenAPI version"),
        ),
        // Export reads definitions: what `detect` says of an OpenAPI document is the wrong hint.
        Err(d) => Some((*d).help(
            "a gateway definition is a mapping that starts with `apigctl: 1` (`apigctl import` writes one from an OpenAPI document)",
        )),
    };
    if let Some(d) = problem {
        diagnostics.push(d);
        report_into(&mut outcome, name, sources, diagnostics, options.color);
        return outcome;
    }
    let definition = match Definition::from_node(&doc.root) {
        Ok(def) => def,
        Err(_) => {
            diagnostics.extend(definition_errors(&doc));
            report_into(&mut outcome, name, sources, diagnostics, options.color);
            return outcome;
        }
    };
    let result = export(&definition, &options.export);
    // The trees and the definition of a big document take long to free (see `teardown`).
    drop_in_background(definition);
    let from = diagnostics.len();
    diagnostics.extend(result.diagnostics.into_iter().map(|d| locate(d, &doc)));
    for r in result.related {
        if let (Some(d), Some(found)) = (
            diagnostics.get_mut(from + r.diagnostic),
            doc.root.pointer(&r.pointer),
        ) {
            d.related.push(Related {
                location: Location::new(doc.file, found.label_span()),
                message: r.message,
            });
        }
    }
    drop_in_background(doc);
    if options.strict {
        super::output::warnings_as_errors(&mut diagnostics);
    }
    if report_into(&mut outcome, name, sources, diagnostics, options.color) {
        return outcome;
    }
    let text = render_document(&result.document, options.format);
    drop_in_background(result.document);
    deliver(&mut outcome, options.output.as_deref(), text);
    outcome
}
