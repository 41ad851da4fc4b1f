//! `apigctl convert SPEC --oas VERSION`: an OpenAPI document to another OpenAPI version, with
//! every `x-apigateway-*` extension in its placement for that version.

use std::path::PathBuf;

use crate::convert::convert_oas::convert;
use crate::diagnostic::{Diagnostic, Severity};
use crate::openapi::{self, DocumentKind, OasVersion};
use crate::source::refs::{RefOptions, Workspace};
use crate::source::{FileId, Format, Input, Limits, Node, Value};

use super::Outcome;
use super::export::{load_or_report, render_document};
use super::import::OutputFormat;
use super::output::{deliver, report_into};
use crate::teardown::drop_in_background;

/// Options of `apigctl convert`.
#[derive(Clone, Debug)]
pub struct ConvertCommandOptions {
    /// Input limits.
    pub limits: Limits,
    /// Target OpenAPI version.
    pub version: OasVersion,
    /// Output syntax; the input's when `None`.
    pub format: Option<OutputFormat>,
    /// Where to write the document; stdout when `None`.
    pub output: Option<PathBuf>,
    /// Colour diagnostics on stderr.
    pub color: bool,
    /// Report every warning as an error (exit 1, nothing written).
    pub strict: bool,
}

impl Default for ConvertCommandOptions {
    fn default() -> Self {
        ConvertCommandOptions {
            limits: Limits::default(),
            version: OasVersion::V3_0,
            format: None,
            output: None,
            color: false,
            strict: false,
        }
    }
}

/// Runs `apigctl convert` on one input.
pub fn run(input: &Input, options: &ConvertCommandOptions) -> Outcome {
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
    let from = match openapi::detect(&doc) {
        Ok(DocumentKind::OpenApi(version)) => version,
        Ok(DocumentKind::Definition) => {
            let d = Diagnostic::error(
                "convert-not-openapi",
                "this is a gateway definition; convert reads OpenAPI documents",
            )
            .at(doc.file, doc.root.span)
            .help("use `apigctl export` to write a definition as OpenAPI");
            diagnostics.push(d);
            report_into(&mut outcome, name, sources, diagnostics, options.color);
            return outcome;
        }
        Err(d) => {
            diagnostics.push(*d);
            report_into(&mut outcome, name, sources, diagnostics, options.color);
            return outcome;
        }
    };
    let format = options.format.unwrap_or(match doc.format {
        Format::Json => OutputFormat::Json,
        Format::Yaml => OutputFormat::Yaml,
    });
    // Converting down from 3.1 resolves references as 3.1 does, which needs the identifiers
    // of the document (and whatever it references) found; no other conversion reads them.
    // What does not resolve is written as it is: `lint` is where broken references are
    // reported.
    let mut ws = Workspace::from_parts(sources, doc);
    if from == OasVersion::V3_1 && options.version != OasVersion::V3_1 {
        let _ = ws.link_refs(&options.limits, &RefOptions::default());
    }
    let mut result = convert(&ws, from, options.version);
    let summary = summarize_kinds(&result.diagnostics, &ws.sources);
    diagnostics.append(&mut result.diagnostics);
    diagnostics.extend(summary);
    if format == OutputFormat::Json {
        non_finite_numbers(&result.document, ws.root().file, &mut diagnostics);
    }
    let sources = std::mem::take(&mut ws.sources);
    // The trees of a big document take long to free (see `teardown`).
    drop_in_background(ws);
    if options.strict {
        super::output::warnings_as_errors(&mut diagnostics);
    }
    if report_into(&mut outcome, name, sources, diagnostics, options.color) {
        return outcome;
    }
    let text = render_document(&result.document, format);
    drop_in_background(result.document);
    deliver(&mut outcome, options.output.as_deref(), text);
    outcome
}

/// An error at each number JSON cannot write (YAML's `.inf`, `-.inf` and `.nan`) in the
/// converted document, rather than writing it as something else. The document keeps the
/// spans of the root document it was converted from, which is the only file it copies from.
fn non_finite_numbers(node: &Node, file: FileId, out: &mut Vec<Diagnostic>) {
    match &node.value {
        Value::Number(n) => {
            if let Some(written) = n.non_finite_yaml() {
                out.push(
                    Diagnostic::error(
                        "convert-json-non-finite",
                        format!("`{written}` has no JSON form: JSON numbers are finite"),
                    )
                    .at(file, node.span)
                    .help(
                        "write the output as YAML (`--format yaml`), or replace the number in \
                         the source (with a finite number, or a string if text is meant)",
                    ),
                );
            }
        }
        Value::Seq(items) => {
            for item in items {
                non_finite_numbers(item, file, out);
            }
        }
        Value::Map(map) => {
            for entry in &map.entries {
                non_finite_numbers(&entry.value, file, out);
            }
        }
        _ => {}
    }
}

/// How many warnings of one kind make a flood worth summing up.
const SUMMARY_AT: usize = 10;

/// A note per kind of warning given [`SUMMARY_AT`] times or more (a big document converted
/// down can give thousands), with the count and the first place: what
/// the conversion loses, at a glance. A kind is a message with its quoted parts (names,
/// values, in backquotes) left out.
fn summarize_kinds(
    diagnostics: &[Diagnostic],
    sources: &crate::source::Sources,
) -> Vec<Diagnostic> {
    let mut kinds: Vec<(String, usize, &Diagnostic)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for d in diagnostics.iter().filter(|d| d.severity == Severity::Warn) {
        let kind: String = d
            .message
            .split('`')
            .enumerate()
            .map(|(i, part)| if i % 2 == 1 { "`…`" } else { part })
            .collect();
        match index.get(&kind) {
            Some(&i) => kinds[i].1 += 1,
            None => {
                index.insert(kind.clone(), kinds.len());
                kinds.push((kind, 1, d));
            }
        }
    }
    kinds.retain(|(_, count, _)| *count >= SUMMARY_AT);
    kinds
        .into_iter()
        .map(|(kind, count, first)| {
            // Without a place of its own, the note comes before the warnings it sums up.
            let at = first.primary.map_or(String::new(), |l| {
                let lc = sources.file(l.file).line_col(l.span.start as usize);
                format!(" (the first at {}:{})", lc.line, lc.col)
            });
            Diagnostic::new(
                "convert-summary",
                Severity::Info,
                format!("{count} warnings of this kind{at}: {kind}"),
            )
            .help("each is reported below at its place; `--strict` makes them errors")
        })
        .collect()
}
