//! The commands behind the CLI. `main.rs` only parses arguments and calls these; each
//! returns what to print and the exit code, so the whole behaviour is testable in-process.

pub mod convert;
pub mod diff;
pub mod dump;
pub mod export;
pub mod import;
pub mod lint;
pub mod output;
pub mod rules;
pub mod serve;
pub mod sync;

/// What a command produced: text for stdout and stderr, and the process exit code.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Text for standard output.
    pub stdout: String,
    /// Text for standard error.
    pub stderr: String,
    /// Exit code: 0 success, 1 findings or invalid input, 2 usage or I/O problems.
    pub exit_code: u8,
}

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code when findings at or above the failure threshold were reported.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code for usage errors and unreadable files.
pub const EXIT_USAGE: u8 = 2;
/// Exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;
