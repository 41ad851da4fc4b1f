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
        Err(e) => {
            diagnostics.push(locate(
                Diagnostic::error("definition-invalid", e.message).pointer(e.pointer),
                &doc,
            ));
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
