//! What the file-producing commands share: atomic output files, delivering the result to stdout
//! or a file, and printing diagnostics on stderr.

use std::io::Write;
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::report::{self, FileReport};
use crate::source::{Input, Sources};

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

/// The input among `inputs` that `output` would overwrite (the same file, however named), so
/// a command can refuse before it replaces what it reads: `import spec.yaml -o spec.yaml`
/// would leave no OpenAPI document to fix.
pub fn input_overwritten<'i>(output: &Path, inputs: &'i [Input]) -> Option<&'i Path> {
    // An output that does not exist yet is no input; one that does is compared by its
    // canonical path (symbolic links and `./` resolved).
    let output = std::fs::canonicalize(output).ok()?;
    inputs.iter().find_map(|input| match input {
        Input::Path(path) => {
            (std::fs::canonicalize(path).ok()? == output).then_some(path.as_path())
        }
        Input::Stdin => None,
    })
}

/// `--strict`: every warning becomes an error, so that the command exits 1 and writes nothing
/// when its output would lose or change something (notes stay notes).
pub fn warnings_as_errors(diagnostics: &mut [Diagnostic]) {
    for d in diagnostics {
        if d.severity == crate::diagnostic::Severity::Warn {
            d.severity = crate::diagnostic::Severity::Error;
        }
    }
}

/// Records the refusal to write `output` over the input `input` (exit 2). Both are named as
/// the user wrote them: the output as given to `flag` (`./spec.yaml`), and the input too when
/// the two are written differently (a symbolic link, another spelling of the path), so that
/// the message says why they are one file.
pub fn refuse_overwriting_input(outcome: &mut Outcome, flag: &str, output: &Path, input: &Path) {
    let shown = |path: &Path| crate::report::one_line(&path.display().to_string()).into_owned();
    let same = if output == input {
        String::new()
    } else {
        format!(" (the same file as the input {})", shown(input))
    };
    outcome.stderr.push_str(&format!(
        "apigctl: error: {flag} {} is an input of this command{same}; writing it would replace the document being read\n  help: write to another file (and rename it afterwards if that is what you want)\n",
        shown(output)
    ));
    outcome.exit_code = EXIT_USAGE;
}

/// Writes `text` to the output of a command (stdout or a file), recording failures.
pub fn deliver(outcome: &mut Outcome, output: Option<&Path>, text: String) {
    match output {
        None => {
            outcome.stdout = text;
            outcome.exit_code = EXIT_OK;
        }
        Some(path) => deliver_to_file(outcome, path, |file| file.write_all(text.as_bytes())),
    }
}

/// Writes the output file of a command atomically, `write` making its text as it goes;
/// records failures.
pub fn deliver_to_file<F>(outcome: &mut Outcome, path: &Path, write: F)
where
    F: FnOnce(&mut std::fs::File) -> std::io::Result<()>,
{
    if let Err(e) = crate::fsutil::write_atomically_with(path, write) {
        outcome.stderr.push_str(&format!(
            "apigctl: error: cannot write {}: {e}\n",
            path.display()
        ));
        outcome.exit_code = EXIT_USAGE;
        return;
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
