//! `apigctl sync SOURCE --env NAME`: make the live group match SOURCE. Prints the plan before
//! anything is sent, then one line per operation on stderr as it finishes (plain lines: no
//! progress bar), then a summary with the requests sent. Exit 0 when everything was applied, 1 when anything failed
//! (running sync again finishes the job).
//!
//! `--via import` instead sends an OpenAPI SOURCE to the gateway's own converter
//! (`/openapi/import`) and reports its success, failure and ignore lists.

use std::io::{IsTerminal, Write};

use crate::gateway::client::interrupted;
use crate::gateway::ops::ImportOptions;
use crate::source::Input;
use crate::sync::apply::{apply, operation_count};

use super::diff::{
    DiffOptions, EXIT_CHANGES, Failure, PlanFormat, load_definition, prepare, render, runtime,
};
use super::{EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, Outcome};

/// Options of `apigctl sync`.
#[derive(Clone, Debug, Default)]
pub struct SyncOptions {
    /// Everything `diff` needs.
    pub diff: DiffOptions,
    /// Only show the plan (`diff`).
    pub dry_run: bool,
    /// Use `/openapi/import` with these modes instead of object-by-object sync.
    pub via_import: Option<ImportModes>,
    /// The command line: print the plan before applying it, and each finished operation to
    /// stderr as it happens (otherwise both are collected in the outcome).
    pub live_progress: bool,
}

/// `extend_mode` and `api_mode` of `/openapi/import`.
#[derive(Clone, Debug)]
pub struct ImportModes {
    /// `merge` or `override`.
    pub extend_mode: String,
    /// `merge` or `override`.
    pub api_mode: String,
}

/// Runs `apigctl sync`.
pub fn run(input: &Input, options: &SyncOptions) -> Outcome {
    if let Some(modes) = &options.via_import {
        // What the gateway's import cannot do is refused, not silently left out: nothing
        // may be sent.
        let refused = if options.dry_run {
            Some("--dry-run cannot be used with --via import (the gateway's import has no dry run)")
        } else if options.diff.prune {
            Some(
                "--prune cannot be used with --via import (the gateway's import deletes nothing; `extend_mode`/`api_mode` override replace what the document holds)",
            )
        } else if options.diff.format != PlanFormat::Human {
            Some("--format cannot be used with --via import (the gateway's import answers no plan)")
        } else {
            None
        };
        if let Some(reason) = refused {
            let mut outcome = Failure::error(format!("{reason}; nothing was sent"))
                .outcome(options.diff.format, options.diff.color);
            outcome.stderr.push_str(
                "  = help: `apigctl diff SOURCE` shows how the group differs from SOURCE\n",
            );
            return outcome;
        }
        return via_import(input, options, modes);
    }
    // Ctrl-C from the start: while the gateway is read and the plan made, nothing has been
    // sent, and the run ends so; later, the requests in flight finish first.
    let bar = options.live_progress && std::io::stderr().is_terminal();
    if options.live_progress && !options.dry_run {
        listen_for_interrupt(bar);
    }
    let prepared = prepare(input, &options.diff);
    if interrupted() {
        return interrupted_unsent();
    }
    let (loaded, client, live, plan, runtime) = match prepared {
        Ok(prepared) => prepared,
        Err(failure) => return failure.outcome(options.diff.format, options.diff.color),
    };
    let mut outcome = Outcome {
        stdout: render(&plan, options.diff.format, options.diff.plan_color),
        ..Outcome::default()
    };
    // Import's warnings are said before anything is sent: live, where the progress is.
    let mut warnings = loaded.warnings;
    if options.live_progress && !warnings.is_empty() {
        let _ = std::io::stderr().write_all(std::mem::take(&mut warnings).as_bytes());
    }
    if options.dry_run {
        outcome.stderr = warnings;
        outcome.exit_code = if plan.pending() > 0 {
            EXIT_CHANGES
        } else {
            EXIT_OK
        };
        return outcome;
    }
    // With `--format json` stdout is one document, the plan with what was applied, at the end.
    let json = options.diff.format == PlanFormat::Json;
    if options.live_progress && !json {
        // The plan is shown before anything is sent, so a sync stopped halfway has said what
        // it set out to do. One that cannot be shown is not carried out.
        let mut stdout = std::io::stdout().lock();
        match stdout
            .write_all(outcome.stdout.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Ok(()) => outcome.stdout.clear(),
            // The reader has gone (`| head`): it wants no more, the sync goes on.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => outcome.stdout.clear(),
            Err(e) => {
                return Outcome {
                    stdout: String::new(),
                    stderr: format!(
                        "apigctl: error: cannot write the plan to standard output: {e}; nothing was sent\n"
                    ),
                    exit_code: EXIT_FINDINGS,
                };
            }
        }
    }
    if interrupted() {
        return interrupted_unsent();
    }
    let lines = std::sync::Mutex::new(String::new());
    // On a terminal, one bar redrawn in place (failures scroll above it); otherwise plain lines.
    let total = operation_count(&plan);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let progress = |line: &str| {
        let line = &*crate::report::printable(line);
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if bar {
            let mut err = std::io::stderr().lock();
            if line.starts_with("failed ") {
                let _ = write!(err, "\r\x1b[2K{line}\n");
            }
            let _ = write!(err, "\r\x1b[2K{}", progress_bar(n, total, 30, line));
            let _ = err.flush();
        } else if options.live_progress {
            let _ = writeln!(std::io::stderr(), "{line}");
        } else if let Ok(mut text) = lines.lock() {
            text.push_str(line);
            text.push('\n');
        }
    };
    let report = runtime.block_on(apply(&client, &plan, &live, &progress));
    if bar && total > 0 {
        let _ = writeln!(std::io::stderr());
    }
    outcome.stderr = warnings;
    outcome
        .stderr
        .push_str(&lines.into_inner().unwrap_or_default());
    for failure in report.failures.iter().chain(&report.cut_short) {
        // Names from SOURCE and the gateway's own messages: shown, never acted on.
        outcome.stderr.push_str(&format!(
            "apigctl: error: {}\n",
            crate::report::printable(failure)
        ));
    }
    if json {
        let mut document = plan.to_json();
        if let Some(map) = document.as_object_mut() {
            let stats = client.stats();
            map.insert(
                "result".to_owned(),
                serde_json::json!({
                    "done": report.done,
                    "failures": report.failures,
                    "cut_short": report.cut_short,
                    "not_started": report.not_started,
                    "interrupted": client.stopped(),
                    "requests": stats.requests,
                    "writes": stats.writes,
                }),
            );
        }
        outcome.stdout = serde_json::to_string_pretty(&document).unwrap_or_default();
        outcome.stdout.push('\n');
    }
    if client.stopped() {
        outcome.stderr.push_str(&format!(
            "sync: interrupted: {} operations done, {} failed, {} not started; {} requests sent ({} writes); run sync again to finish\n",
            report.done.len(),
            report.failures.len(),
            report.not_started,
            client.stats().requests,
            client.stats().writes,
        ));
        outcome.exit_code = EXIT_INTERRUPTED;
        return outcome;
    }
    let not_started = if report.not_started > 0 {
        format!(", {} not started", report.not_started)
    } else {
        String::new()
    };
    outcome.stderr.push_str(&format!(
        "sync: {} operations done, {} failed{not_started}; {} requests sent ({} writes)\n",
        report.done.len(),
        report.failures.len(),
        client.stats().requests,
        client.stats().writes,
    ));
    outcome.exit_code = if report.failures.is_empty() && report.cut_short.is_none() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    };
    outcome
}

fn via_import(input: &Input, options: &SyncOptions, modes: &ImportModes) -> Outcome {
    let error = |message: String| Outcome {
        stdout: String::new(),
        stderr: format!("apigctl: error: {message}\n"),
        exit_code: EXIT_FINDINGS,
    };
    let Input::Path(path) = input else {
        return error("--via import needs SOURCE as a file".to_owned());
    };
    let diff = &options.diff;
    // The gateway's import reads the document itself; what it names is looked up there.
    let (definition, warnings) = match load_definition(input, &diff.limits, &diff.refs, diff.color)
    {
        Ok((loaded, _)) => (loaded.definition, loaded.warnings),
        Err(failure) => return failure.outcome(PlanFormat::Human, diff.color),
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return error(format!("{}: {e}", path.display())),
    };
    if bytes.starts_with(b"apigctl") || definition_file(&bytes) {
        return error(
            "--via import sends an OpenAPI document; SOURCE is a gateway definition".to_owned(),
        );
    }
    // `--env` is where the imported APIs are published, after the import: a name the gateway
    // would refuse must stop the run before the import changes anything.
    let env_definition = serde_json::json!({
        "apigctl": 1,
        "group": {"name": "group"},
        "environments": [{"name": diff.env}],
    });
    let refused: Vec<String> = crate::lint::definition_value_errors(&env_definition, |r| {
        r.id.starts_with("apig-env-") && !r.id.starts_with("apig-env-variable")
    })
    .into_iter()
    .map(|d| format!("{} ({})", d.message, d.code))
    .collect();
    if !refused.is_empty() {
        return error(format!(
            "--env `{}` cannot be an environment of the gateway: {}; nothing was sent",
            diff.env,
            refused.join("; ")
        ));
    }
    let client = match diff.gateway.connect(diff.color) {
        Ok(c) => c,
        Err(outcome) => return outcome,
    };
    let runtime = match runtime() {
        Ok(r) => r,
        Err(failure) => return failure.outcome(PlanFormat::Human, diff.color),
    };
    let file_name = path.file_name().map_or("openapi.yaml".to_owned(), |n| {
        n.to_string_lossy().into_owned()
    });
    // As sync refuses it: a new environment a slip away from one the gateway has.
    let envs = match runtime.block_on(client.list_envs()) {
        Ok(envs) => envs,
        Err(e) => return error(e.to_string()),
    };
    let env_id = envs
        .iter()
        .find(|e| e.name == diff.env)
        .and_then(|e| e.id.clone());
    if env_id.is_none()
        && let Some(near) =
            crate::sync::plan::near_environment(&diff.env, envs.iter().map(|e| e.name.as_str()))
    {
        return error(format!(
            "environment `{}` would be created, but the gateway has `{near}`: did you mean `--env {near}`? To create it beside `{near}`, sync a gateway definition that declares it under `environments` first. Nothing was sent",
            diff.env
        ));
    }
    let result = runtime.block_on(async {
        let group = client.find_group(&definition.group.name).await?;
        let import = ImportOptions {
            group_id: group.and_then(|g| g.id),
            extend_mode: modes.extend_mode.clone(),
            api_mode: modes.api_mode.clone(),
        };
        client.import_openapi(&file_name, &bytes, &import).await
    });
    let answer = match result {
        Ok(a) => a,
        Err(e) => return error(e.to_string()),
    };
    // The gateway's import publishes nothing; `--env` says where the APIs it imported go.
    let published = runtime.block_on(publish_imported(&client, &answer, &diff.env, env_id));
    let mut stdout = String::new();
    let describe = |v: &serde_json::Value| {
        let get = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
        (
            get("method"),
            get("path"),
            get("action"),
            get("error_code"),
            get("error_msg"),
        )
    };
    for item in &answer.success {
        let (method, path, action, _, _) = describe(item);
        // As plans mark them: `+` created, `~` updated.
        let sign = if action == "update" { '~' } else { '+' };
        stdout.push_str(&format!("{sign} {method} {path} ({action})\n"));
    }
    for item in &answer.ignore {
        let (method, path, ..) = describe(item);
        stdout.push_str(&format!("= {method} {path} (ignored)\n"));
    }
    // Import's warnings about SOURCE, which the gateway reads as it is.
    let mut stderr = warnings;
    for item in &answer.failure {
        let (method, path, _, code, message) = describe(item);
        stderr.push_str(&format!(
            "apigctl: error: {method} {path}: {code}: {message}\n"
        ));
    }
    let (mut published_count, mut publish_failures) = (0, 0);
    match published {
        Ok(results) => {
            for (route, result) in results {
                match result {
                    Ok(()) => {
                        published_count += 1;
                        stdout.push_str(&format!("+ {route} published in {}\n", diff.env));
                    }
                    Err(e) => {
                        publish_failures += 1;
                        stderr.push_str(&format!("apigctl: error: publish {route}: {e}\n"));
                    }
                }
            }
        }
        Err(e) => {
            publish_failures += 1;
            stderr.push_str(&format!("apigctl: error: {e}\n"));
        }
    }
    stdout.push_str(&format!(
        "import into group {} ({}): {} imported, {} failed, {} ignored; {published_count} published in {}\n",
        definition.group.name,
        answer.group_id.as_deref().unwrap_or("?"),
        answer.success.len(),
        answer.failure.len(),
        answer.ignore.len(),
        diff.env,
    ));
    Outcome {
        stdout,
        stderr,
        exit_code: if answer.failure.is_empty() && publish_failures == 0 {
            EXIT_OK
        } else {
            EXIT_FINDINGS
        },
    }
}

/// Publishes the APIs the gateway's import created or updated in the environment `env`, of id
/// `env_id` (created when the gateway lacks it, as sync creates it), concurrently; each with
/// its `METHOD /path` and outcome, in the import's order.
async fn publish_imported(
    client: &crate::gateway::Client,
    answer: &crate::gateway::ops::ImportAnswer,
    env: &str,
    env_id: Option<String>,
) -> Result<Vec<(String, Result<(), String>)>, String> {
    let imported: Vec<(String, String, bool)> = answer
        .success
        .iter()
        .filter_map(|item| {
            let get = |k: &str| item.get(k).and_then(|v| v.as_str());
            let route = format!("{} {}", get("method")?, get("path")?);
            Some((
                route,
                get("id")?.to_owned(),
                get("action") == Some("update"),
            ))
        })
        .collect();
    if imported.is_empty() {
        return Ok(Vec::new());
    }
    let env_id = match env_id {
        Some(id) => id,
        None => {
            let body = serde_json::json!({ "name": env });
            let created: crate::model::EnvCreate = client
                .create_in(&crate::gateway::ops::ENVS, env, &[], &body)
                .await
                .map_err(|e| e.to_string())?;
            created
                .id
                .ok_or_else(|| format!("environment {env}: the gateway answered no id"))?
        }
    };
    let mut tasks = tokio::task::JoinSet::new();
    for (index, (route, id, updated)) in imported.into_iter().enumerate() {
        let (client, env_id) = (client.clone(), env_id.clone());
        tasks.spawn(async move {
            // An updated API may be published already: publishing it again is a republish.
            let result = if updated {
                client.republish(&id, &route, &env_id, None).await
            } else {
                client.publish(&id, &route, &env_id, None).await
            };
            (index, route, result.map(|_| ()).map_err(|e| e.to_string()))
        });
    }
    let mut results = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(result) => results.push(result),
            Err(e) => return Err(format!("internal error: {e}")),
        }
    }
    results.sort_by_key(|(index, ..)| *index);
    Ok(results
        .into_iter()
        .map(|(_, route, result)| (route, result))
        .collect())
}

/// A sync stopped by Ctrl-C before it sent anything (while it read the gateway or planned).
fn interrupted_unsent() -> Outcome {
    Outcome {
        stdout: String::new(),
        stderr: "sync: interrupted before anything was sent\n".to_owned(),
        exit_code: EXIT_INTERRUPTED,
    }
}

/// Handles Ctrl-C for the rest of the process, on a thread of its own: the first stops every
/// gateway client ([`crate::gateway::client::interrupt`]: requests in flight finish and are
/// reported, no new one starts), the second quits at once. Killed outright, a sync would not
/// say what it had done. Returns once the handler is in place (a Ctrl-C before would kill the
/// process, or be lost where the shell ignores it for background jobs).
fn listen_for_interrupt(bar: bool) {
    let (ready, registered) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            let _ = ready.send(());
            return;
        };
        runtime.block_on(async move {
            #[cfg(unix)]
            let mut interrupts = {
                use tokio::signal::unix::{SignalKind, signal};
                let Ok(stream) = signal(SignalKind::interrupt()) else {
                    let _ = ready.send(());
                    return;
                };
                stream
            };
            let _ = ready.send(());
            #[cfg(unix)]
            let received = interrupts.recv().await.is_some();
            #[cfg(not(unix))]
            let received = tokio::signal::ctrl_c().await.is_ok();
            if !received {
                return;
            }
            crate::gateway::client::interrupt();
            let clear = if bar { "\r\x1b[2K" } else { "" };
            let _ = writeln!(
                std::io::stderr(),
                "{clear}apigctl: interrupted: finishing the requests in flight, starting no new one (Ctrl-C again quits at once)"
            );
            #[cfg(unix)]
            let again = interrupts.recv().await.is_some();
            #[cfg(not(unix))]
            let again = tokio::signal::ctrl_c().await.is_ok();
            if again {
                std::process::exit(i32::from(EXIT_INTERRUPTED));
            }
        });
    });
    let _ = registered.recv_timeout(std::time::Duration::from_secs(2));
}

fn definition_file(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    text.lines().any(|l| {
        l.trim_start().starts_with("apigctl:") || l.trim_start().starts_with("\"apigctl\"")
    })
}

/// One progress line: `[=====>      ] 12/40 last operation` (`width` cells for the bar).
pub fn progress_bar(done: usize, total: usize, width: usize, last: &str) -> String {
    let total = total.max(done).max(1);
    let filled = done * width / total;
    let mut bar = "=".repeat(filled);
    if filled < width {
        bar.push('>');
        bar.push_str(&" ".repeat(width - filled - 1));
    }
    let last: String = last.chars().take(60).collect();
    format!("[{bar}] {done}/{total} {last}")
}

#[cfg(test)]
mod tests {
    use super::progress_bar;

    #[test]
    fn the_bar_fills_with_the_operations_done() {
        assert_eq!(progress_bar(0, 4, 8, ""), "[>       ] 0/4 ");
        assert_eq!(
            progress_bar(2, 4, 8, "created api a"),
            "[====>   ] 2/4 created api a"
        );
        assert_eq!(progress_bar(4, 4, 8, "x"), "[========] 4/4 x");
        // More operations than counted (a retry's follow-up) never overflows the bar.
        assert_eq!(progress_bar(5, 4, 8, "x"), "[========] 5/5 x");
        assert_eq!(progress_bar(1, 0, 4, "x"), "[====] 1/1 x");
    }
}
