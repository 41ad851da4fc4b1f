//! `apigctl import` against loading alone: the GitHub REST description from the corpus and a
//! generated document with 10,000 operations. Run with `cargo bench --bench import`; results
//! go to BENCHMARKS.md ("Import").
//!
//! "load" is what every command pays before it can do anything: parse with spans, build the
//! workspace, resolve `$ref`s. "import" is `convert::import::import` on the loaded workspace;
//! "yaml" is writing the definition as `apigctl import -o FILE` does, into a sink. The import
//! target (issue 3) is that import adds at most 50% to the load time.
//!
//! For profiling, `APIGCTL_BENCH_OPERATIONS` (default 10,000) sets the size of the generated
//! document, `APIGCTL_BENCH_RUNS` (default 11) the number of runs, and `APIGCTL_BENCH_CORPUS=0`
//! skips the corpus document. `APIGCTL_BENCH_SAVE=PATH` also writes the generated document to
//! `PATH`, to profile the command line on it.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use apigctl::convert::import::{ImportOptions, import};
use apigctl::convert::yaml::write_definition_yaml;
use apigctl::openapi::{self, DocumentKind};
use apigctl::source::refs::{RefOptions, Workspace};
use apigctl::source::{Limits, Sources, load_bytes};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn load(name: &str, bytes: &[u8]) -> Workspace {
    let mut sources = Sources::new();
    // The loader owns its input, so the copy is part of what a load costs.
    let doc = load_bytes(
        name.into(),
        None,
        bytes.to_vec(),
        &mut sources,
        &Limits::default(),
    )
    .expect("benchmark document loads");
    let mut ws = Workspace::from_parts(sources, doc);
    ws.resolve_refs(&Limits::default(), &RefOptions::default());
    ws
}

/// Median load, import and YAML rendering of one document, timed separately within each run.
fn bench(name: &str, bytes: &[u8]) {
    let runs = env_number("APIGCTL_BENCH_RUNS", 11).max(1);
    let mut loads = Vec::with_capacity(runs);
    let mut imports = Vec::with_capacity(runs);
    let mut yamls = Vec::with_capacity(runs);
    let mut apis = 0;
    let mut warnings = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let ws = load(name, bytes);
        loads.push(t.elapsed());
        let Ok(DocumentKind::OpenApi(version)) = openapi::detect(ws.root()) else {
            println!("| {name} | not an OpenAPI document | | | | |");
            return;
        };
        let t = Instant::now();
        let result = import(&ws, version, &ImportOptions::default());
        imports.push(t.elapsed());
        let t = Instant::now();
        // As `apigctl import -o FILE` writes it, the file's own cost aside (what the kernel
        // takes to copy 11 MB into the page cache is not the import's).
        write_definition_yaml(&result.definition, &mut std::io::sink()).expect("renders");
        yamls.push(t.elapsed());
        apis = result.definition.apis.len();
        warnings = result.diagnostics.len();
    }
    let (load, import, yaml) = (median(loads), median(imports), median(yamls));
    println!(
        "| {name} | {:.1} MiB | {apis} | {warnings} | {:.1} ms | {:.1} ms | {:.1} ms | {:.0}% | {:.0}% |",
        bytes.len() as f64 / 1048576.0,
        ms(load),
        ms(import),
        ms(yaml),
        100.0 * import.as_secs_f64() / load.as_secs_f64(),
        100.0 * (import + yaml).as_secs_f64() / load.as_secs_f64(),
    );
}

/// A Swagger 2.0 document with `operations` operations (four per path), deterministic, using
/// the extensions a real gateway export carries: security schemes, throttling and ACL policies,
/// group responses, path and query parameters with the parameter extensions, and every backend
/// type with backend parameters and a policy backend.
fn generated(operations: usize) -> String {
    let mut s = String::with_capacity(operations * 1200);
    s.push_str(
        r##"{
  "swagger": "2.0",
  "info": {"title": "generated_api", "description": "benchmark document", "version": "1.0"},
  "host": "api.example.com",
  "basePath": "/v1",
  "schemes": ["https"],
  "securityDefinitions": {
    "apig-auth-app": {"type": "apiKey", "name": "Authorization", "in": "header", "x-apigateway-auth-type": "AppSigv1",
      "x-apigateway-auth-opt": {"appcode-auth-type": "header"}},
    "apig-auth-iam": {"type": "apiKey", "name": "unused", "in": "header", "x-apigateway-auth-type": "IAM"}
  },
  "x-apigateway-ratelimits": {
    "per_minute": {"api-limit": 1000, "user-limit": 500, "app-limit": 100, "interval": 1, "unit": "MINUTE", "shared": false,
      "special": [{"type": "APP", "limit": 50, "instance": "partner_app"}]}
  },
  "x-apigateway-access-controls": {
    "office_only": {"acl-type": "PERMIT", "entity-type": "IP", "value": "10.0.0.1,10.0.0.2"}
  },
  "x-apigateway-responses": {
    "custom_errors": {"THROTTLED": {"status": 429, "body": {"application/json": "{\"error\":\"$context.error.message\"}"}}}
  },
  "paths": {"##,
    );
    let paths = operations.div_ceil(4);
    let mut written = 0;
    for p in 0..paths {
        if p > 0 {
            s.push(',');
        }
        let _ = write!(
            s,
            r#"
    "/resource{p}/{{id}}/items": {{
      "parameters": [{{"name": "id", "in": "path", "required": true, "type": "string", "maxLength": 32, "x-apigateway-sample": "abc"}}]"#
        );
        for (m, method) in ["get", "post", "put", "delete"].into_iter().enumerate() {
            if written == operations {
                break;
            }
            written += 1;
            let backend = match m {
                0 => format!(
                    r#"{{"type": "HTTP", "parameters": [{{"name": "X-Id", "value": "id", "in": "header", "origin": "REQUEST"}},
            {{"name": "X-Stage", "value": "$context.stage", "in": "header", "origin": "SYSTEM"}}],
          "httpEndpoints": {{"address": "backend{p}.example.com:8443", "scheme": "https", "method": "GET", "path": "/items/{{id}}", "timeout": 3000, "retryCount": "1"}}}}"#
                ),
                1 => r##"{"type": "HTTP-VPC",
          "httpVpcEndpoints": {"name": "vpc_channel_1", "host": "internal.example.com", "scheme": "http", "method": "POST", "path": "/#stage#/items", "timeout": 5000}}"##
                    .to_owned(),
                2 => r#"{"type": "FUNCTION", "functionEndpoints": {"function-urn": "urn:fss:region:project:function:default:handler", "version": "latest", "invocation-type": "sync", "timeout": 5000}}"#
                    .to_owned(),
                _ => r#"{"type": "MOCK", "mockEndpoints": {"result-content": "{\"deleted\":true}"}}"#
                    .to_owned(),
            };
            let security = if m % 2 == 0 {
                "apig-auth-app"
            } else {
                "apig-auth-iam"
            };
            let _ = write!(
                s,
                r#",
      "{method}": {{
        "operationId": "{method}_resource{p}",
        "description": "Operation {written} of the generated document",
        "tags": ["group{g}"],
        "security": [{{"{security}": []}}],
        "parameters": [
          {{"name": "limit", "in": "query", "type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
          {{"name": "X-Request-Id", "in": "header", "type": "string", "required": false, "x-apigateway-pass-through": "always"}}
        ],
        "responses": {{"default": {{"description": "ok", "x-apigateway-result-normal-sample": "{{}}"}}}},
        "x-apigateway-request-type": "public",
        "x-apigateway-match-mode": "NORMAL",
        "x-apigateway-cors": false,
        "x-apigateway-ratelimit": "per_minute",
        "x-apigateway-access-control": "office_only",
        "x-apigateway-plugins": ["cors_plugin"],
        "x-apigateway-response": "custom_errors",
        "x-apigateway-backend": {backend}"#,
                g = p % 20
            );
            if m == 0 {
                s.push_str(
                    r#",
        "x-apigateway-backend-policies": [{"name": "beta_users", "type": "HTTP", "effectMode": "ANY",
          "httpEndpoints": {"address": "beta.example.com", "scheme": "https", "method": "GET", "path": "/items/{id}", "timeout": 3000},
          "conditions": [{"type": "exact", "value": "beta", "origin": "request", "parameter": "limit"}]}]"#,
                );
            }
            s.push_str("\n      }");
        }
        s.push_str("\n    }");
    }
    s.push_str("\n  }\n}\n");
    s
}

fn main() {
    println!(
        "| document | size | APIs | diagnostics | load (median) | import (median) | YAML (median) | import / load | (import + YAML) / load |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let github = corpus.join("github-api.github.com.3.0.json");
    if std::env::var("APIGCTL_BENCH_CORPUS").as_deref() == Ok("0") {
        println!(
            "| github-api.github.com.3.0.json | skipped (APIGCTL_BENCH_CORPUS=0) | | | | | | | |"
        );
    } else {
        match std::fs::read(&github) {
            Ok(bytes) => bench("github-api.github.com.3.0.json", &bytes),
            Err(_) => println!(
                "| github-api.github.com.3.0.json | corpus absent ({} not found): not measured | | | | | | | |",
                github.display()
            ),
        }
    }
    let operations = env_number("APIGCTL_BENCH_OPERATIONS", 10_000);
    let doc = generated(operations);
    if let Ok(path) = std::env::var("APIGCTL_BENCH_SAVE") {
        std::fs::write(&path, &doc).expect("writes the generated document");
        println!("| generated, {operations} operations | saved to {path} | | | | | | | |");
    }
    bench(
        &format!("generated, {operations} operations (Swagger 2.0 JSON)"),
        doc.as_bytes(),
    );
}
