//! `apigctl import SPEC`: an OpenAPI document with `x-apigateway-*` extensions to a gateway
//! definition, written as YAML or JSON to stdout or atomically to a file.

use std::path::Path;

use crate::convert::import::{ImportOptions, ImportResult, import};
use crate::convert::yaml::definition_to_yaml;
use crate::diagnostic::Diagnostic;
use crate::model::Definition;
use crate::openapi::{self, DocumentKind};
use crate::report::{self, FileReport};
use crate::source::refs::{RefOptions, Workspace};
use crate::source::{Input, Limits, LoadError};

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Outcome};

/// Output syntax of `apigctl import`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputFormat {
    /// Block-style YAML (the default).
    #[default]
    Yaml,
    /// Pretty-printed JSON.
    Json,
}

/// Options of `apigctl import`.
#[derive(Clone, Debug, Default)]
pub struct ImportCommandOptions {
    /// Input limits.
    pub limits: Limits,
    /// How references are followed.
    pub refs: RefOptions,
    /// Output syntax.
    pub format: OutputFormat,
    /// Where to write the definition; stdout when `None`.
    pub output: Option<std::path::PathBuf>,
    /// Conversion options (group name, strict).
    pub import: ImportOptions,
    /// Colour diagnostics on stderr.
    pub color: bool,
}

/// Serialises a definition in `format`; deterministic for a given definition.
///
/// # Errors
///
/// A message if serialisation fails (it does not for definitions built by the model).
pub fn render_definition(definition: &Definition, format: OutputFormat) -> Result<String, String> {
    match format {
        OutputFormat::Yaml => definition_to_yaml(definition),
        OutputFormat::Json => serde_json::to_string_pretty(definition)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .map_err(|e| e.to_string()),
    }
}

/// Writes `text` to `path` atomically: a temporary file in the same directory, then a rename.
///
/// # Errors
///
/// The I/O error, with the path, as a message.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    crate::fsutil::write_atomically(path, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Runs `apigctl import` on one input.
pub fn run(input: &Input, options: &ImportCommandOptions) -> Outcome {
    let name = input.display_name();
    let mut outcome = Outcome::default();
    let mut ws = match Workspace::load(input, &options.limits) {
        Ok(ws) => ws,
        Err((_, e @ LoadError::Io { .. })) => {
            outcome.stderr = format!("apigctl: error: {e}\n");
            outcome.exit_code = EXIT_USAGE;
            return outcome;
        }
        Err((sources, LoadError::Invalid(d))) => {
            return report_only(name, sources, vec![*d], options.color);
        }
    };
    let version = match openapi::detect(ws.root()) {
        Ok(DocumentKind::OpenApi(version)) => version,
        Ok(DocumentKind::Definition) => {
            let d = Diagnostic::error(
                "import-not-openapi",
                "this is already a gateway definition; import reads OpenAPI documents",
            )
            .at(ws.root().file, ws.root().root.span);
            return report_only(name, ws.sources, vec![d], options.color);
        }
        Err(d) => return report_only(name, ws.sources, vec![*d], options.color),
    };
    let mut diagnostics = ws.resolve_refs(&options.limits, &options.refs);
    let ImportResult {
        definition,
        diagnostics: found,
        ..
    } = import(&ws, version, &options.import);
    diagnostics.extend(found);
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    let mut file_report = FileReport {
        name,
        sources: ws.sources,
        diagnostics,
    };
    file_report.sort();
    if !file_report.diagnostics.is_empty() {
        outcome.stderr = report::render(report::Format::Human, &[file_report], options.color);
    }
    if failed {
        outcome.exit_code = EXIT_FINDINGS;
        return outcome;
    }
    let text = match render_definition(&definition, options.format) {
        Ok(text) => text,
        Err(message) => {
            outcome
                .stderr
                .push_str(&format!("apigctl: error: {message}\n"));
            outcome.exit_code = EXIT_USAGE;
            return outcome;
        }
    };
    match &options.output {
        None => outcome.stdout = text,
        Some(path) => {
            if let Err(message) = write_atomically(path, &text) {
                outcome
                    .stderr
                    .push_str(&format!("apigctl: error: {message}\n"));
                outcome.exit_code = EXIT_USAGE;
                return outcome;
            }
        }
    }
    outcome.exit_code = EXIT_OK;
    outcome
}

fn report_only(
    name: String,
    sources: crate::source::Sources,
    diagnostics: Vec<Diagnostic>,
    color: bool,
) -> Outcome {
    let file_report = FileReport {
        name,
        sources,
        diagnostics,
    };
    Outcome {
        stdout: String::new(),
        stderr: report::render(report::Format::Human, &[file_report], color),
        exit_code: EXIT_FINDINGS,
    }
}
