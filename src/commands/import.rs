//! `apigctl import SPEC`: an OpenAPI document with `x-apigateway-*` extensions to a gateway
//! definition, written as YAML or JSON to stdout or atomically to a file.

use std::io::Write as _;

use crate::convert::import::{ImportOptions, ImportResult, import};
use crate::convert::yaml::{definition_to_yaml, write_definition_yaml};
use crate::diagnostic::Diagnostic;
use crate::model::Definition;
use crate::openapi::{self, DocumentKind};
use crate::source::refs::{RefOptions, Workspace};
use crate::source::{Input, Limits, LoadError, Sources};
use crate::teardown::drop_in_background;
use crate::timings;

pub use super::output::write_atomically;
use super::output::{deliver_to_file, report_into};
use super::{EXIT_USAGE, Outcome};

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
            .map(|s| s + "\n")
            .map_err(|e| e.to_string()),
    }
}

/// Writes [`render_definition`]'s text to `out` as it is made (see [`write_definition_yaml`]).
///
/// # Errors
///
/// The writer's error (a definition that cannot be serialised, which one built by the model
/// never is, as an error of kind `Other`).
pub fn write_definition<W: std::io::Write + Send>(
    definition: &Definition,
    format: OutputFormat,
    out: &mut W,
) -> std::io::Result<()> {
    match format {
        OutputFormat::Yaml => write_definition_yaml(definition, out),
        OutputFormat::Json => {
            // serde_json writes a token at a time.
            let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
            serde_json::to_writer_pretty(&mut out, definition)?;
            out.write_all(b"\n")?;
            out.flush()
        }
    }
}

/// Runs `apigctl import` on one input; with `APIGCTL_TIMINGS` set, the time of each phase
/// follows on stderr.
pub fn run(input: &Input, options: &ImportCommandOptions) -> Outcome {
    let mut outcome = run_phases(input, options);
    outcome.stderr.push_str(&timings::take_report());
    outcome
}

fn run_phases(input: &Input, options: &ImportCommandOptions) -> Outcome {
    let name = input.display_name();
    let mut outcome = Outcome::default();
    if let Some(path) = options.output.as_deref()
        && let Some(input) = super::output::input_overwritten(path, std::slice::from_ref(input))
    {
        super::output::refuse_overwriting_input(&mut outcome, "-o", path, input);
        return outcome;
    }
    // A group name the gateway refuses would make a definition nothing accepts: said at once,
    // by the rule that states it.
    if let Some(name) = &options.import.group_name {
        let definition = serde_json::json!({"apigctl": 1, "group": {"name": name}});
        let refused = crate::lint::definition_value_errors(&definition, |r| {
            r.id.starts_with("apig-group-name")
        });
        if let Some(d) = refused.first() {
            outcome.stderr = format!(
                "apigctl: error: --group-name: {} [{}]\n  = source: {}\n",
                crate::report::one_line(&d.message),
                d.code,
                d.source
                    .as_deref()
                    .unwrap_or("API Reference 3.1.1, Table 3-3")
            );
            outcome.exit_code = EXIT_USAGE;
            return outcome;
        }
    }
    let loaded = timings::time("load", || Workspace::load(input, &options.limits));
    let mut ws = match loaded {
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
    let mut diagnostics = timings::time("resolve $refs", || {
        ws.resolve_refs(&options.limits, &options.refs)
    });
    let ImportResult {
        definition,
        diagnostics: found,
        provenance,
        ..
    } = timings::time("import", || import(&ws, version, &options.import));
    diagnostics.extend(found);
    // Only the texts are needed from here on; the trees of a big document take long to free.
    let Workspace {
        sources, documents, ..
    } = ws;
    drop_in_background((documents, provenance));
    if report_into(&mut outcome, name, sources, diagnostics, options.color) {
        return outcome;
    }
    match options.output.as_deref() {
        // A file gets the text as it is rendered.
        Some(path) => timings::time("render and write", || {
            deliver_to_file(&mut outcome, path, |file| {
                write_definition(&definition, options.format, file)
            });
        }),
        None => match timings::time("render", || render_definition(&definition, options.format)) {
            Ok(text) => {
                outcome.stdout = text;
                outcome.exit_code = super::EXIT_OK;
            }
            Err(message) => {
                outcome
                    .stderr
                    .push_str(&format!("apigctl: error: {message}\n"));
                outcome.exit_code = EXIT_USAGE;
            }
        },
    }
    drop_in_background(definition);
    outcome
}

fn report_only(
    name: String,
    sources: Sources,
    diagnostics: Vec<Diagnostic>,
    color: bool,
) -> Outcome {
    let mut outcome = Outcome::default();
    report_into(&mut outcome, name, sources, diagnostics, color);
    outcome
}
