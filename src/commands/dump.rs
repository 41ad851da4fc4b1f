//! `apigctl dump --group NAME [--env NAME] [--definition | --oas VERSION] [-o FILE]`: a live
//! group read back as a gateway definition (ids become names), or through the export converter
//! as an OpenAPI document.

use std::path::PathBuf;

use crate::convert::export::{Define, ExportOptions, export};
use crate::openapi::OasVersion;
use crate::sync::dump::dump;
use crate::sync::live;

use super::diff::{GatewayOptions, runtime};
use super::export::render_document;
use super::import::{OutputFormat, render_definition, write_atomically};
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Outcome};

/// Options of `apigctl dump`.
#[derive(Clone, Debug, Default)]
pub struct DumpOptions {
    /// Gateway location and credentials.
    pub gateway: GatewayOptions,
    /// The group.
    pub group: String,
    /// Environment written as the default (entries without `env`).
    pub env: Option<String>,
    /// OpenAPI version to write instead of a definition (`2.0`, `3.0`, `3.1`).
    pub oas: Option<String>,
    /// Output syntax.
    pub format: OutputFormat,
    /// Output file (written atomically); stdout when `None`.
    pub output: Option<PathBuf>,
    /// Colour diagnostics (on stderr).
    pub color: bool,
}

/// Runs `apigctl dump`.
pub fn run(options: &DumpOptions) -> Outcome {
    let error = |message: String, code: u8| Outcome {
        stdout: String::new(),
        stderr: format!("apigctl: error: {message}\n"),
        exit_code: code,
    };
    let version = match options.oas.as_deref() {
        None => None,
        Some("2.0") => Some(OasVersion::V2_0),
        Some("3.0") => Some(OasVersion::V3_0),
        Some("3.1") => Some(OasVersion::V3_1),
        Some(other) => {
            return error(
                format!("--oas {other}: expected 2.0, 3.0 or 3.1"),
                EXIT_USAGE,
            );
        }
    };
    let client = match options.gateway.connect(options.color) {
        Ok(c) => c,
        Err(outcome) => return outcome,
    };
    let runtime = match runtime() {
        Ok(r) => r,
        Err(failure) => return failure.outcome(super::diff::PlanFormat::Human, options.color),
    };
    let mut live = match runtime.block_on(live::read(&client, &options.group)) {
        Ok(l) => l,
        Err(e) => return error(e.to_string(), EXIT_FINDINGS),
    };
    // The gateway keeps one definition of an API, the group's current one; an environment
    // that publishes an older version (PROD behind DEV) serves that version's snapshot, which
    // is what a dump of that environment is about.
    let published = match options.env.as_deref() {
        Some(env) => match runtime.block_on(live::read_published(&client, &mut live, env)) {
            Ok(names) => names,
            Err(e) => return error(e.to_string(), EXIT_FINDINGS),
        },
        None => Vec::new(),
    };
    let mut definition = match dump(&live, &options.group, options.env.as_deref()) {
        Ok(d) => d,
        Err(e) => return error(e.to_string(), EXIT_FINDINGS),
    };
    // With APIs as `--env` serves them, the dump is that environment's: entries of other
    // environments would bring them into a sync of it, which would republish there the older
    // versions written here.
    if !published.is_empty() {
        let other = |env: &Option<String>| env.is_some();
        definition.publications.retain(|p| !other(&p.env));
        definition.throttle_bindings.retain(|b| !other(&b.env));
        definition.acl_bindings.retain(|b| !other(&b.env));
        definition.plugin_bindings.retain(|b| !other(&b.env));
    }
    let mut warnings = String::new();
    // Nothing is in an environment the gateway does not have (a misspelt `--env`, most often):
    // every entry keeps its own `env`, which is worth a word.
    if let Some(name) = options.env.as_deref()
        && !live.envs.contains_key(name)
    {
        let known: Vec<&str> = live.envs.keys().map(String::as_str).collect();
        warnings.push_str(&format!(
            "apigctl: warning: environment `{name}` does not exist on the gateway (it has: {}); no entry is written as being in it\n",
            known.join(", ")
        ));
    }
    if let Some(name) = options.env.as_deref()
        && !published.is_empty()
    {
        warnings.push_str(&format!(
            "apigctl: warning: {name} serves an older version of {} than the group holds ({}); the dump has {} as {name} serves {}, and only {name}'s publications and bindings, so a sync of it with --env {name} sets the group's definitions back to those and leaves other environments as they are\n",
            if published.len() == 1 { "one API".to_owned() } else { format!("{} APIs", published.len()) },
            published.join(", "),
            if published.len() == 1 { "it" } else { "them" },
            if published.len() == 1 { "it" } else { "them" },
        ));
    }
    let text = match version {
        // A live group as OpenAPI: the definition through the export converter, everything
        // included (`--define all`), so that importing the document gives the group back.
        Some(version) => {
            // Publications have no OpenAPI form: said in the README, not warned about.
            let definition = crate::model::Definition {
                publications: Vec::new(),
                ..definition
            };
            let exported = export(
                &definition,
                &ExportOptions {
                    version,
                    define: Define::All,
                },
            );
            // A live group's names are unique (the gateway refuses a second one); should they
            // not be, the document is not written.
            if let Some(d) = exported.diagnostics.iter().find(|d| d.is_error()) {
                return error(
                    format!(
                        "{} (definition {})",
                        d.message,
                        d.pointer.as_deref().unwrap_or("/")
                    ),
                    EXIT_FINDINGS,
                );
            }
            for d in &exported.diagnostics {
                warnings.push_str(&format!(
                    "apigctl: warning: {} (definition {})\n",
                    d.message,
                    d.pointer.as_deref().unwrap_or("/")
                ));
            }
            render_document(&exported.document, options.format)
        }
        None => match render_definition(&definition, options.format) {
            Ok(t) => t,
            Err(message) => return error(message, EXIT_FINDINGS),
        },
    };
    match &options.output {
        None => Outcome {
            stdout: text,
            stderr: warnings,
            exit_code: EXIT_OK,
        },
        Some(path) => match write_atomically(path, &text) {
            Ok(()) => Outcome {
                stderr: warnings,
                ..Outcome::default()
            },
            Err(message) => error(message, EXIT_USAGE),
        },
    }
}
