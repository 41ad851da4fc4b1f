//! What the file-producing commands share: atomic output files, delivering the result to stdout
//! or a file, and printing diagnostics on stderr.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::report::{self, FileReport};
use crate::source::Sources;

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Outcome};

/// Writes `text` to `path` atomically: a temporary file in the same directory, then a rename.
///
/// # Errors
///
/// The I/O error, with the path, as a message.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    crate::fsutil::write_atomically(path, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes `text` to the output of a command (stdout or a file), recording failures.
pub fn deliver(outcome: &mut Outcome, output: Option<&std::path::Path>, text: String) {
    deliver_pieces(outcome, output, vec![text]);
}

/// [`deliver`] for a text in pieces (joined in order); a file gets them one after another.
pub fn deliver_pieces(outcome: &mut Outcome, output: Option<&Path>, pieces: Vec<String>) {
    match output {
        None => outcome.stdout = pieces.concat(),
        Some(path) => {
            if let Err(e) = crate::fsutil::write_pieces_atomically(path, &pieces) {
                outcome.stderr.push_str(&format!(
                    "apigctl: error: cannot write {}: {e}\n",
                    path.display()
                ));
                outcome.exit_code = EXIT_USAGE;
                return;
            }
        }
    }
    outcome.exit_code = EXIT_OK;
}

/// Prints `diagnostics` (if any) for one input into `outcome.stderr`; whether any is an error.
pub fn report_into(
    outcome: &mut Outcome,
    name: String,
    sources: Sources,
    diagnostics: Vec<Diagnostic>,
    color: bool,
) -> bool {
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    let mut file_report = FileReport {
        name,
        sources,
        diagnostics,
    };
    file_report.sort();
    if !file_report.diagnostics.is_empty() {
        outcome.stderr = report::render(report::Format::Human, &[file_report], color);
    }
    if failed {
        outcome.exit_code = EXIT_FINDINGS;
    }
    failed
}
