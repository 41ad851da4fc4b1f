//! Requests per second of `apigctl serve` on loopback: signed GET (show API) and signed POST
//! (create API), in memory and with `--state` (every write fsynced before the answer).
//!
//! The emulator runs in this process on its own two-worker runtime; the load generator runs
//! on a second runtime with `CONCURRENCY` connections and requests signed beforehand (an
//! `X-Sdk-Date` stays valid for 15 minutes), so signing is not measured. Each figure is the
//! median of `RUNS` runs. Run with `cargo bench --bench serve`; results go to BENCHMARKS.md.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use apigctl::emulator::{self, Config};
use apigctl::gateway::signing::{self, Credentials, SignableRequest};

const AK: &str = "BENCHAK";
const SK: &str = "bench-secret";
const PREFIX: &str = "/v2/project/apigw/instances/instance";
const CONCURRENCY: usize = 32;
const RUNS: usize = 5;

struct Prepared {
    method: reqwest::Method,
    url: String,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

fn prepare(addr: SocketAddr, method: &str, path: &str, body: Vec<u8>) -> Prepared {
    let credentials = Credentials {
        access_key: AK.into(),
        secret_key: SK.into(),
        security_token: None,
    };
    let mut headers = vec![
        (
            "Content-Type".to_owned(),
            "application/json;charset=utf-8".to_owned(),
        ),
        ("X-Project-Id".to_owned(), "project".to_owned()),
    ];
    signing::add_signing_headers(
        &mut headers,
        &credentials,
        &addr.to_string(),
        SystemTime::now(),
    );
    let request = SignableRequest {
        method,
        path,
        query: &[],
        headers: &headers,
        body: &body,
    };
    let authorization = signing::sign(&credentials, &request).expect("sign");
    headers.push(("Authorization".to_owned(), authorization));
    let mut map = reqwest::header::HeaderMap::new();
    for (k, v) in headers {
        map.insert(
            reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    Prepared {
        method: reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
        url: format!("http://{addr}{path}"),
        headers: map,
        body,
    }
}

fn api_body(group: &str, i: usize) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "group_id": group, "name": format!("bench_api_{i}"), "type": 1,
        "req_protocol": "HTTPS", "req_method": "GET", "req_uri": format!("/bench/{i}"),
        "auth_type": "APP", "backend_type": "HTTP",
        "backend_api": {"req_protocol": "HTTPS", "req_method": "GET", "req_uri": "/b",
                        "url_domain": "backend.example.com", "timeout": 5000}
    }))
    .unwrap()
}

/// Sends `requests` (in order, shared by the workers) for at most `limit`; returns requests
/// per second and the number of non-2xx answers.
async fn drive(
    client: &reqwest::Client,
    requests: Arc<Vec<Prepared>>,
    limit: Duration,
) -> (f64, usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, requests, next, failed) = (
            client.clone(),
            Arc::clone(&requests),
            Arc::clone(&next),
            Arc::clone(&failed),
        );
        tasks.push(tokio::spawn(async move {
            loop {
                if start.elapsed() >= limit {
                    return;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                // One prepared request is repeated; several are each sent once.
                let r = if requests.len() == 1 {
                    &requests[0]
                } else if let Some(r) = requests.get(i) {
                    r
                } else {
                    return;
                };
                let response = client
                    .request(r.method.clone(), &r.url)
                    .headers(r.headers.clone())
                    .body(r.body.clone())
                    .send()
                    .await;
                match response {
                    Ok(resp) if resp.status().is_success() => {
                        let _ = resp.bytes().await;
                    }
                    _ => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = start.elapsed().as_secs_f64();
    let done = next.load(Ordering::Relaxed).min(if requests.len() > 1 {
        requests.len()
    } else {
        usize::MAX
    });
    (done as f64 / elapsed, failed.load(Ordering::Relaxed))
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    xs[xs.len() / 2]
}

fn scenario(label: &str, state: Option<std::path::PathBuf>, posts_per_run: usize) {
    let config = Config {
        credentials: vec![(AK.into(), SK.into())],
        state_file: state,
        ..Config::default()
    };
    let (addr, server) = emulator::spawn_thread(config).expect("start the emulator");
    let load = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    load.block_on(async {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(CONCURRENCY)
            .build()
            .unwrap();
        let group = prepare(
            addr,
            "POST",
            &format!("{PREFIX}/api-groups"),
            br#"{"name": "bench_group"}"#.to_vec(),
        );
        let created: serde_json::Value = client
            .request(group.method, &group.url)
            .headers(group.headers)
            .body(group.body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let group_id = created["id"].as_str().unwrap().to_owned();
        let first = prepare(addr, "POST", &format!("{PREFIX}/apis"), api_body(&group_id, 0));
        let api: serde_json::Value = client
            .request(first.method, &first.url)
            .headers(first.headers)
            .body(first.body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let api_id = api["id"].as_str().unwrap().to_owned();

        let get = Arc::new(vec![prepare(addr, "GET", &format!("{PREFIX}/apis/{api_id}"), Vec::new())]);
        let mut gets = Vec::new();
        for _ in 0..RUNS {
            let (rate, failed) = drive(&client, Arc::clone(&get), Duration::from_secs(3)).await;
            assert_eq!(failed, 0, "GET failures");
            gets.push(rate);
        }
        let mut posts = Vec::new();
        let mut n = 1;
        for _ in 0..RUNS {
            let batch: Vec<Prepared> = (n..n + posts_per_run)
                .map(|i| prepare(addr, "POST", &format!("{PREFIX}/apis"), api_body(&group_id, i)))
                .collect();
            n += posts_per_run;
            let (rate, failed) = drive(&client, Arc::new(batch), Duration::from_secs(30)).await;
            assert_eq!(failed, 0, "POST failures");
            posts.push(rate);
        }
        println!(
            "{label}: signed GET show API {:.0} req/s (runs {:?}); signed POST create API {:.0} req/s (runs {:?}, {} APIs per run)",
            median(gets.clone()),
            gets.iter().map(|r| r.round()).collect::<Vec<_>>(),
            median(posts.clone()),
            posts.iter().map(|r| r.round()).collect::<Vec<_>>(),
            posts_per_run
        );
    });
    server.shutdown();
}

fn main() {
    println!("concurrency {CONCURRENCY}, median of {RUNS} runs");
    scenario("in memory", None, 2000);
    let dir = std::env::temp_dir().join(format!("apigctl-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    scenario(
        "--state (fsync per write)",
        Some(dir.join("state.json")),
        200,
    );
    let _ = std::fs::remove_dir_all(&dir);
}
