//! `apigctl sync` of 1,000 APIs, each bound to a throttling policy, an ACL and a plug-in, into
//! an empty `apigctl serve` on loopback, then a no-op re-sync of the same source: requests
//! sent (client and server counts) and wall time. Run with
//! `cargo bench --bench sync`; results go to BENCHMARKS.md ("Sync").

#[path = "../tests/sync_support/mod.rs"]
mod common;

use std::time::Instant;

use common::{Gateway, generated_definition};

const APIS: usize = 1_000;

/// `definition` with a throttling policy, an ACL and a plug-in, each bound to every API: three
/// binding requests per API, which is where an emulator that copied its store per binding
/// request took time in the square of the APIs.
fn with_bindings(definition: &str) -> String {
    let mut d: serde_json::Value = serde_json::from_str(definition).expect("generated JSON");
    let names: Vec<serde_json::Value> = d["apis"]
        .as_array()
        .expect("apis")
        .iter()
        .map(|a| a["name"].clone())
        .collect();
    d["throttles"] = serde_json::json!([{"name": "bench_limit", "type": 1, "api_call_limits": 1000,
        "time_interval": 1, "time_unit": "MINUTE"}]);
    d["acls"] = serde_json::json!([{"acl_name": "bench_block", "acl_type": "DENY",
        "acl_value": "203.0.113.7", "entity_type": "IP"}]);
    d["plugins"] = serde_json::json!([{"plugin_name": "bench_cors", "plugin_type": "cors",
        "plugin_scope": "global", "plugin_content": "{\"allow_origin\":\"*\"}"}]);
    d["throttle_bindings"] = serde_json::json!([{"throttle": "bench_limit", "apis": names}]);
    d["acl_bindings"] = serde_json::json!([{"acl": "bench_block", "apis": names}]);
    d["plugin_bindings"] = serde_json::json!([{"plugin": "bench_cors", "apis": names}]);
    serde_json::to_string_pretty(&d).expect("json")
}

fn main() {
    for parallelism in [4, 16] {
        let gateway = Gateway::start(None);
        let dir = tempfile::tempdir().expect("temporary directory");
        let source = dir.path().join("bench.json");
        std::fs::write(
            &source,
            with_bindings(&generated_definition("bench_api", APIS)),
        )
        .expect("write source");
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
