//! `apigctl lint FILE...`: load, resolve references, and check each document.

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::openapi::{self, DocumentKind};
use crate::report::{self, FileReport};
use crate::source::refs::{RefOptions, Workspace};
use crate::source::{Input, Limits, LoadError};

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
}

/// Checks one input. `Err` carries an I/O failure message (the file could not be read).
pub fn lint_file(input: &Input, options: &LintOptions) -> Result<FileReport, String> {
    let name = input.display_name();
    let mut ws = match Workspace::load(input, &options.limits) {
        Ok(ws) => ws,
        Err((_, e @ LoadError::Io { .. })) => return Err(e.to_string()),
        Err((sources, LoadError::Invalid(d))) => {
            return Ok(FileReport {
                name,
                sources,
                diagnostics: vec![*d],
            });
        }
    };
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    match openapi::detect(ws.root()) {
        Err(d) => diagnostics.push(*d),
        Ok(kind) => {
            diagnostics.extend(ws.resolve_refs(&options.limits, &options.refs));
            if let DocumentKind::OpenApi(version) = kind {
                diagnostics.extend(openapi::schema::validate(ws.root(), version));
            }
        }
    }
    let mut report = FileReport {
        name,
        sources: ws.sources,
        diagnostics,
    };
    report.sort();
    Ok(report)
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
