//! `apigctl sync` of 1,000 APIs into an empty `apigctl serve` on loopback, then a no-op re-sync
//! of the same source: requests sent (client and server counts) and wall time. Run with
//! `cargo bench --bench sync`; results go to BENCHMARKS.md ("Sync").

#[path = "../tests/sync_support/mod.rs"]
mod common;

use std::time::Instant;

use common::{Gateway, generated_definition};

const APIS: usize = 1_000;

fn main() {
    for parallelism in [4, 16] {
        let gateway = Gateway::start(None);
        let dir = tempfile::tempdir().expect("temporary directory");
        let source = dir.path().join("bench.json");
        std::fs::write(&source, generated_definition("bench_api", APIS)).expect("write source");
        let source = source.display().to_string();
        let options = |parallelism| apigctl::commands::sync::SyncOptions {
            diff: apigctl::commands::diff::DiffOptions {
                gateway: gateway.gateway_options(parallelism),
                env: "DEV".to_owned(),
                ..Default::default()
            },
            ..Default::default()
        };
        for run in ["initial sync", "no-op re-sync"] {
            let before = gateway.stats();
            let started = Instant::now();
            let outcome = apigctl::commands::sync::run(
                &apigctl::source::Input::from_arg(&source),
                &options(parallelism),
            );
            let elapsed = started.elapsed();
            assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
            let after = gateway.stats();
            let count = |stats: &serde_json::Value, method: &str| {
                stats["by_method"][method].as_u64().unwrap_or(0)
            };
            let delta = |method: &str| count(&after, method) - count(&before, method);
            let total =
                after["requests"].as_u64().unwrap_or(0) - before["requests"].as_u64().unwrap_or(0);
            println!(
                "{run:>14}, {APIS} APIs, parallelism {parallelism:>2}: {:>7.2} s, {total:>5} requests (GET {}, POST {}, PUT {}, DELETE {})",
                elapsed.as_secs_f64(),
                delta("GET"),
                delta("POST"),
                delta("PUT"),
                delta("DELETE"),
            );
        }
    }
}
