//! `apigctl serve`: runs the emulator ([`crate::emulator`]) until Ctrl-C.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crate::emulator::faults::FaultPlan;
use crate::emulator::{self, Config};
use crate::gateway::config::{ENV_AK, ENV_SK};

use super::{EXIT_OK, EXIT_USAGE, Outcome};

/// Options of `apigctl serve`.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// State file.
    pub state: Option<PathBuf>,
    /// File of `AK:SK` lines.
    pub credentials: Option<PathBuf>,
    /// Accepted `X-Auth-Token` values.
    pub auth_tokens: Vec<String>,
    /// The only project id accepted.
    pub project_id: Option<String>,
    /// The only instance id accepted.
    pub instance_id: Option<String>,
    /// Fault injection spec (test only).
    pub inject_faults: Option<String>,
    /// Seed of the fault dice.
    pub fault_seed: u64,
}

/// Reads `AK:SK` lines; blank lines and `#` comments are skipped.
///
/// # Errors
///
/// The file cannot be read, or a line has no `:`, with its line number.
pub fn read_credentials(path: &Path) -> Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut pairs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (ak, sk) = line.split_once(':').ok_or_else(|| {
            format!(
                "{}:{}: expected `ACCESS_KEY:SECRET_KEY`",
                path.display(),
                n + 1
            )
        })?;
        if ak.trim().is_empty() || sk.trim().is_empty() {
            return Err(format!(
                "{}:{}: empty access key or secret key",
                path.display(),
                n + 1
            ));
        }
        pairs.push((ak.trim().to_owned(), sk.trim().to_owned()));
    }
    if pairs.is_empty() {
        return Err(format!("{}: no `AK:SK` line", path.display()));
    }
    Ok(pairs)
}

fn random_hex(bytes: usize) -> String {
    let mut out = String::new();
    while out.len() < bytes * 2 {
        out.push_str(&emulator::state::new_id());
    }
    out.truncate(bytes * 2);
    out
}

/// Why `serve` refuses the key pair when only `set` of its variables is given.
fn half_pair(set: &str, unset: &str) -> String {
    format!(
        "{set} is set but {unset} is not: set both {ENV_AK} and {ENV_SK} (the key pair to accept), or neither (a pair is generated), or give --credentials FILE"
    )
}

/// Builds the emulator configuration; the second value is a generated `(AK, SK)` to print
/// when no credentials were configured.
///
/// # Errors
///
/// A message for unreadable credentials, an access key without its secret key (or the other
/// way round), or a bad fault spec.
pub fn config(options: &ServeOptions) -> Result<(Config, Option<(String, String)>), String> {
    let mut generated = None;
    let credentials = match &options.credentials {
        Some(path) => read_credentials(path)?,
        None => {
            // Unset and empty are the same: nothing given.
            let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
            match (var(ENV_AK), var(ENV_SK)) {
                (Some(ak), Some(sk)) => vec![(ak, sk)],
                (None, None) => {
                    let pair = (random_hex(10).to_uppercase(), random_hex(20));
                    generated = Some(pair.clone());
                    vec![pair]
                }
                // A half-given pair is a mistake: a generated pair in its place would leave
                // every client signing with the given key refused, for no visible reason.
                (Some(_), None) => return Err(half_pair(ENV_AK, ENV_SK)),
                (None, Some(_)) => return Err(half_pair(ENV_SK, ENV_AK)),
            }
        }
    };
    let faults = match &options.inject_faults {
        Some(spec) => FaultPlan::parse(spec, options.fault_seed)?,
        None => FaultPlan::default(),
    };
    Ok((
        Config {
            listen: options.listen,
            credentials,
            tokens: options.auth_tokens.clone(),
            state_file: options.state.clone(),
            project_id: options.project_id.clone(),
            instance_id: options.instance_id.clone(),
            faults,
        },
        generated,
    ))
}

/// Runs the server until Ctrl-C (or SIGTERM). Prints the address (and generated credentials)
/// on stdout as soon as it listens.
pub fn run(options: &ServeOptions) -> Outcome {
    let mut outcome = Outcome::default();
    let (config, generated) = match config(options) {
        Ok(c) => c,
        Err(message) => {
            outcome.stderr = format!("apigctl: error: {message}\n");
            outcome.exit_code = EXIT_USAGE;
            return outcome;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            outcome.stderr = format!("apigctl: error: cannot start the runtime: {e}\n");
            outcome.exit_code = EXIT_USAGE;
            return outcome;
        }
    };
    let result = runtime.block_on(async move {
        let (addr, handle) = emulator::spawn(config).await?;
        // Listen for the signals before announcing the address: whoever reads the address may
        // signal at once, and an unhandled SIGTERM would kill the process uncleanly.
        let shutdown = shutdown_signal();
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "apigctl serve: listening on http://{addr}");
        if let Some((ak, sk)) = &generated {
            let _ = writeln!(out, "apigctl serve: generated credentials AK={ak} SK={sk}");
        }
        let _ = out.flush();
        drop(out);
        shutdown.await;
        let _ = handle.shutdown().await;
        Ok::<(), emulator::ServeError>(())
    });
    match result {
        Ok(()) => {
            outcome.stderr = "apigctl serve: stopped\n".to_owned();
            outcome.exit_code = EXIT_OK;
        }
        Err(e) => {
            outcome.stderr = format!("apigctl: error: {e}\n");
            outcome.exit_code = EXIT_USAGE;
        }
    }
    outcome
}

/// A future that completes on Ctrl-C or SIGTERM. The handlers are registered when this is
/// called, not when the future is first polled.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            match (interrupt, terminate) {
                (Ok(mut interrupt), Ok(mut terminate)) => {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = terminate.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
