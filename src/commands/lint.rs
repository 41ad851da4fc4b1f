//! `apigctl lint FILE...`: load, resolve references, and check each document.

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::lint::{self as rules, Engine, RuleSettings};
use crate::model::Definition;
use crate::openapi::{self, DocumentKind};
use crate::report::{self, FileReport};
use crate::source::refs::{RefOptions, Workspace};
use crate::source::{Document, Input, Limits, LoadError, Sources, load_bytes};

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Outcome};

/// Options of `apigctl lint`.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// Input limits.
    pub limits: Limits,
    /// How references are followed.
    pub refs: RefOptions,
    /// Output format.
    pub format: report::Format,
    /// Colour the human format.
    pub color: bool,
    /// Rule severities, rules turned off, ignored findings.
    pub rules: RuleSettings,
}

/// Checks one input. `Err` carries an I/O failure message (the file could not be read) or a
/// broken built-in rule file.
pub fn lint_file(input: &Input, options: &LintOptions) -> Result<FileReport, String> {
    let name = input.display_name();
    match Workspace::load(input, &options.limits) {
        Ok(ws) => lint_workspace(name, ws, options),
        Err((_, e @ LoadError::Io { .. })) => Err(e.to_string()),
        Err((sources, LoadError::Invalid(d))) => Ok(FileReport {
            name,
            sources,
            diagnostics: vec![*d],
        }),
    }
}

/// Checks a document held in memory (`rules explain` examples, tests). It has no path, so
/// only internal references resolve.
pub fn lint_text(name: &str, text: &str, options: &LintOptions) -> Result<FileReport, String> {
    let mut sources = Sources::new();
    match load_bytes(
        name.to_owned(),
        None,
        text.as_bytes().to_vec(),
        &mut sources,
        &options.limits,
    ) {
        Ok(doc) => lint_workspace(
            name.to_owned(),
            Workspace::from_parts(sources, doc),
            options,
        ),
        Err(LoadError::Invalid(d)) => Ok(FileReport {
            name: name.to_owned(),
            sources,
            diagnostics: vec![*d],
        }),
        Err(e) => Err(e.to_string()),
    }
}

fn lint_workspace(
    name: String,
    mut ws: Workspace,
    options: &LintOptions,
) -> Result<FileReport, String> {
    let builtin = rules::builtin_rules().map_err(|e| format!("built-in rule file {e}"))?;
    let engine = Engine::new(builtin, &options.rules);
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    match openapi::detect(ws.root()) {
        Err(d) => diagnostics.push(*d),
        Ok(kind) => {
            diagnostics.extend(ws.resolve_refs(&options.limits, &options.refs));
            match kind {
                DocumentKind::OpenApi(version) => {
                    diagnostics.extend(openapi::schema::validate(ws.root(), version));
                    diagnostics.extend(rules::check_openapi(&engine, &ws, version));
                }
                DocumentKind::Definition => match check_definition(ws.root()) {
                    Some(invalid) => diagnostics.push(invalid),
                    // Rules assume the model's shape; an invalid definition is fixed first.
                    None => diagnostics.extend(rules::check_definition(&engine, ws.root())),
                },
            }
        }
    }
    dedup(&mut diagnostics);
    let mut report = FileReport {
        name,
        sources: ws.sources,
        diagnostics,
    };
    report.sort();
    Ok(report)
}

/// Drops repeats: import follows the same `$ref`s as `resolve_refs` and reports the same
/// broken ones.
fn dedup(diagnostics: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| {
        seen.insert((
            d.code.clone(),
            d.primary.map(|l| (l.file, l.span)),
            d.message.clone(),
        ))
    });
}

/// Reads a gateway definition; a field the model does not accept is reported at its key.
fn check_definition(doc: &Document) -> Option<Diagnostic> {
    let error = Definition::from_json(doc.root.to_json()).err()?;
    // serde names the innermost path it reached; a missing field's path may stop above it.
    let mut pointer = error.pointer.as_str();
    let located = loop {
        if let Some(found) = doc.root.pointer(pointer) {
            break found;
        }
        pointer = pointer.rsplit_once('/').map_or("", |(head, _)| head);
    };
    Some(
        Diagnostic::error("definition-invalid", format!("invalid gateway definition: {}", error.message))
            .at(doc.file, located.label_span())
            .pointer(error.pointer.clone())
            .help("compare with schema/definition.schema.json (field names and values as in the API Reference)"),
    )
}

/// Lints several inputs in parallel; output order follows the input order.
pub fn run(inputs: &[Input], options: &LintOptions) -> Outcome {
    let results: Vec<Result<FileReport, String>> =
        inputs.par_iter().map(|i| lint_file(i, options)).collect();
    let mut outcome = Outcome::default();
    let mut reports = Vec::with_capacity(results.len());
    let mut io_failed = false;
    for result in results {
        match result {
            Ok(r) => reports.push(r),
            Err(message) => {
                io_failed = true;
                outcome
                    .stderr
                    .push_str(&format!("apigctl: error: {message}\n"));
            }
        }
    }
    outcome.stdout = report::render(options.format, &reports, options.color);
    let has_errors = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(Diagnostic::is_error);
    outcome.exit_code = if io_failed {
        EXIT_USAGE
    } else if has_errors {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    outcome
}
