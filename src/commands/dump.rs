//! `apigctl dump --group NAME [--env NAME] [--definition | --oas VERSION] [-o FILE]`: a live
//! group read back as a gateway definition (ids become names).

use std::path::PathBuf;

use crate::sync::dump::dump;
use crate::sync::live;

use super::diff::{GatewayOptions, runtime};
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
}

/// Runs `apigctl dump`.
pub fn run(options: &DumpOptions) -> Outcome {
    let error = |message: String, code: u8| Outcome {
        stdout: String::new(),
        stderr: format!("apigctl: error: {message}\n"),
        exit_code: code,
    };
    if let Some(version) = &options.oas {
        // OpenAPI output goes through the export converter, which is not part of this build.
        return error(
            format!(
                "--oas {version}: the OpenAPI export converter (convert::export) is not in this build yet; use --definition"
            ),
            EXIT_USAGE,
        );
    }
    let client = match options.gateway.client() {
        Ok(c) => c,
        Err(message) => return error(message, EXIT_FINDINGS),
    };
    let runtime = match runtime() {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let live = match runtime.block_on(live::read(&client, &options.group)) {
        Ok(l) => l,
        Err(e) => return error(e.to_string(), EXIT_FINDINGS),
    };
    let definition = match dump(&live, &options.group, options.env.as_deref()) {
        Ok(d) => d,
        Err(e) => return error(e.to_string(), EXIT_FINDINGS),
    };
    let text = match render_definition(&definition, options.format) {
        Ok(t) => t,
        Err(message) => return error(message, EXIT_FINDINGS),
    };
    match &options.output {
        None => Outcome {
            stdout: text,
            stderr: String::new(),
            exit_code: EXIT_OK,
        },
        Some(path) => match write_atomically(path, &text) {
            Ok(()) => Outcome::default(),
            Err(message) => error(message, EXIT_USAGE),
        },
    }
}
