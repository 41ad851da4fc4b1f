//! The gateway client against a tiny scripted HTTP server of its own (127.0.0.1:0): retries and
//! their limits, creates that are never duplicated, paging, signing on the wire, error messages,
//! and secrets kept out of everything printed.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use apigctl::gateway::client::{Call, Client, path};
use apigctl::gateway::ops;
use apigctl::gateway::signing::{self, Credentials, SignableRequest};
use apigctl::gateway::{Auth, GatewayConfig};
use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const SECRET: &str = "s3cr3t-value-never-printed";

/// What the server does with one request.
#[derive(Clone, Debug)]
enum Reply {
    /// Answer with this status and JSON body.
    Status(u16, String),
    /// Close the connection without answering.
    Drop,
}

/// A request as received.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Answers requests once the scripted replies are used up.
type Responder = Box<dyn Fn(&Seen) -> Reply + Send>;

#[derive(Clone, Default)]
struct Script {
    /// Replies in order; when empty, `fallback` answers.
    replies: Arc<Mutex<VecDeque<Reply>>>,
    fallback: Arc<Mutex<Option<Responder>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Wait before answering each request.
    delay: Arc<Mutex<Duration>>,
    /// Requests being answered now, and the most at once.
    in_flight: Arc<Mutex<(usize, usize)>>,
}

impl Script {
    fn new(replies: Vec<Reply>) -> Script {
        let script = Script::default();
        *script.replies.lock().unwrap() = replies.into();
        script
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn count(&self, method: &str) -> usize {
        self.seen().iter().filter(|s| s.method == method).count()
    }
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Seen {
        method,
        target,
        headers,
        body,
    })
}

/// Serves `script` on 127.0.0.1:0, one request per connection.
async fn serve(script: Script) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let script = script.clone();
            tokio::spawn(async move {
                let Some(seen) = read_request(&mut stream).await else {
                    return;
                };
                script.seen.lock().unwrap().push(seen.clone());
                {
                    let mut counts = script.in_flight.lock().unwrap();
                    counts.0 += 1;
                    counts.1 = counts.1.max(counts.0);
                }
                let delay = *script.delay.lock().unwrap();
                tokio::time::sleep(delay).await;
                script.in_flight.lock().unwrap().0 -= 1;
                let next = script.replies.lock().unwrap().pop_front();
                let reply = match next {
                    Some(reply) => reply,
                    None => match &*script.fallback.lock().unwrap() {
                        Some(f) => f(&seen),
                        None => Reply::Status(500, "{}".to_owned()),
                    },
                };
                match reply {
                    Reply::Drop => drop(stream),
                    Reply::Status(status, body) => {
                        let text = format!(
                            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nX-Request-Id: req-{status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = stream.write_all(text.as_bytes()).await;
                        let _ = stream.shutdown().await;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

fn config(endpoint: &str) -> GatewayConfig {
    let credentials = Credentials {
        access_key: "AKID".to_owned(),
        secret_key: SECRET.to_owned(),
        security_token: None,
    };
    let mut config = GatewayConfig::new(endpoint, "proj", "inst", Auth::Signed(credentials));
    config.base_backoff = Duration::from_millis(1);
    config.max_backoff = Duration::from_millis(5);
    config.max_retries = 3;
    config.timeout = Duration::from_secs(5);
    config
}

/// The environment variables a command reads, pointing at `endpoint`.
fn environment(endpoint: &str) -> std::collections::BTreeMap<String, String> {
    [
        ("HUAWEICLOUD_SDK_AK", "AKID"),
        ("HUAWEICLOUD_SDK_SK", SECRET),
        ("HUAWEICLOUD_SDK_PROJECT_ID", "proj"),
        ("APIGCTL_INSTANCE_ID", "inst"),
        ("APIGCTL_ENDPOINT", endpoint),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn ok(body: &str) -> Reply {
    Reply::Status(200, body.to_owned())
}

fn error(status: u16) -> Reply {
    Reply::Status(
        status,
        format!(r#"{{"error_code":"APIG.{status}","error_msg":"injected {status}"}}"#),
    )
}

#[tokio::test]
async fn reads_are_retried_on_500_429_and_dropped_connections() {
    let script = Script::new(vec![
        error(500),
        error(429),
        Reply::Drop,
        ok(r#"{"id":"g1","name":"shop"}"#),
    ]);
    let client = Client::new(config(&serve(script.clone()).await)).unwrap();
    let call = Call::new(
        Method::GET,
        path(&["api-groups", "g1"]),
        "read API group",
        "shop",
    );
    let group: serde_json::Value = client.fetch(&call).await.unwrap();
    assert_eq!(group["id"], "g1");
    assert_eq!(script.count("GET"), 4);
    assert_eq!(client.stats().requests, 4);
}

#[tokio::test]
async fn retries_stop_at_the_limit_with_the_gateway_error() {
    let script = Script::new(vec![
        error(503),
        error(503),
        error(503),
        error(503),
        ok("{}"),
    ]);
    let client = Client::new(config(&serve(script.clone()).await)).unwrap();
    let call = Call::new(Method::GET, path(&["apis", "a1"]), "read API", "get_order");
    let error = client.fetch::<serde_json::Value>(&call).await.unwrap_err();
    // One attempt plus three retries, then the last error as the gateway said it.
    assert_eq!(script.count("GET"), 4);
    let text = error.to_string();
    assert_eq!(
        text,
        "read API `get_order`: HTTP 503 APIG.503: injected 503 (request id req-503)"
    );
}

/// A removal whose answer was lost finds the object gone when it is retried: a delete, taking
/// an API offline and detaching a plug-in are then done, not failed; a first answer of 404 is
/// still an error.
#[tokio::test]
async fn a_removal_whose_answer_was_lost_is_done_when_the_retry_finds_it_gone() {
    for removal in ["delete", "offline", "detach"] {
        let script = Script::new(vec![Reply::Drop, error(404)]);
        let client = Client::new(config(&serve(script.clone()).await)).unwrap();
        let done = match removal {
            "delete" => client.delete_in(&ops::APIS, "a1", "get_order").await,
            "offline" => client.take_offline("a1", "get_order", "e1").await,
            _ => {
                client
                    .detach_plugin("p1", "cors", "e1", &["a1".to_owned()])
                    .await
            }
        };
        assert!(done.is_ok(), "{removal}: {done:?}");
        assert_eq!(script.seen().len(), 2, "{removal}");
    }
    let script = Script::new(vec![error(404)]);
    let client = Client::new(config(&serve(script.clone()).await)).unwrap();
    assert!(client.take_offline("a1", "get_order", "e1").await.is_err());
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let script = Script::new(vec![error(400), ok("{}")]);
    let client = Client::new(config(&serve(script.clone()).await)).unwrap();
    let call = Call::new(Method::PUT, path(&["apis", "a1"]), "update API", "x")
        .json(&serde_json::json!({}))
        .unwrap();
    assert!(client.fetch::<serde_json::Value>(&call).await.is_err());
    assert_eq!(script.count("PUT"), 1);
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_found_not_repeated() {
    // The create went through but its answer was lost; the follow-up list finds the object.
    let script = Script::new(vec![
        Reply::Drop,
        ok(r#"{"total":1,"size":1,"envs":[{"id":"e1","name":"DEV"}]}"#),
    ]);
    let client = Client::new(config(&serve(script.clone()).await)).unwrap();
    let created: serde_json::Value = client
        .create_in(
            &apigctl::gateway::ops::ENVS,
            "DEV",
            &[],
            &serde_json::json!({"name": "DEV"}),
        )
        .await
        .unwrap();
    assert_eq!(created["id"], "e1");
    assert_eq!(script.count("POST"), 1, "{:?}", script.seen());
    let list = &script.seen()[1];
    assert_eq!(list.method, "GET");
    assert!(list.target.contains("name=DEV"), "{}", list.target);
}

#[tokio::test]
async fn a_create_that_did_not_happen_is_sent_again() {
    let script = Script::new(vec![
        error(500),
        ok(r#"{"total":0,"size":0,"envs":[]}"#),
        Reply::Status(201, r#"{"id":"e2","name":"DEV"}"#.to_owned()),
    ]);
    let client = Client::new(config(&serve(script.clone()).await)).unwrap();
    let created: serde_json::Value = client
        .create_in(
            &apigctl::gateway::ops::ENVS,
            "DEV",
            &[],
            &serde_json::json!({"name": "DEV"}),
        )
        .await
        .unwrap();
    assert_eq!(created["id"], "e2");
    assert_eq!(script.count("POST"), 2);
}

#[tokio::test]
async fn a_create_is_not_repeated_when_the_check_fails_too() {
    let script = Script::new(vec![error(500), error(400), ok("{}")]);
    let client = Client::new(config(&serve(script.clone()).await)).unwrap();
    let result: Result<serde_json::Value, _> = client
        .create_in(
            &apigctl::gateway::ops::ENVS,
            "DEV",
            &[],
            &serde_json::json!({"name": "DEV"}),
        )
        .await;
    assert!(result.unwrap_err().to_string().contains("HTTP 500"));
    assert_eq!(script.count("POST"), 1);
}

#[tokio::test]
async fn lists_are_read_page_by_page() {
    let script = Script::default();
    *script.fallback.lock().unwrap() = Some(Box::new(|seen: &Seen| {
        let query = seen.target.split_once('?').map_or("", |(_, q)| q);
        let pairs = signing::parse_query(query);
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.parse::<usize>().unwrap())
                .unwrap()
        };
        let (offset, limit) = (get("offset"), get("limit"));
        let total = 1203;
        let items: Vec<serde_json::Value> = (offset..(offset + limit).min(total))
            .map(|i| serde_json::json!({"id": format!("a{i}"), "name": format!("api{i}")}))
            .collect();
        Reply::Status(
            200,
            serde_json::json!({"total": total, "size": items.len(), "apis": items}).to_string(),
        )
    }));
    let client = Client::new(config(&serve(script.clone()).await)).unwrap();
    let call = Call::new(Method::GET, path(&["apis"]), "list APIs", "").query("group_id", "g1");
    let items: Vec<serde_json::Value> = client.list(&call, "apis").await.unwrap();
    assert_eq!(items.len(), 1203);
    assert_eq!(items[1202]["name"], "api1202");
    let targets: Vec<String> = script.seen().iter().map(|s| s.target.clone()).collect();
    assert_eq!(
        targets,
        [
            "/v2/proj/apigw/instances/inst/apis?group_id=g1&limit=500&offset=0",
            "/v2/proj/apigw/instances/inst/apis?group_id=g1&limit=500&offset=500",
            "/v2/proj/apigw/instances/inst/apis?group_id=g1&limit=500&offset=1000",
        ]
    );
}

#[tokio::test]
async fn requests_are_signed_as_the_sdk_signs_them() {
    let script = Script::new(vec![Reply::Status(
        201,
        r#"{"id":"g1","name":"a b"}"#.to_owned(),
    )]);
    let client = Client::new(config(&serve(script.clone()).await)).unwrap();
    let call = Call::new(
        Method::POST,
        path(&["api-groups"]),
        "create API group",
        "a b",
    )
    .query("z", "1")
    .query("a", "x y")
    .json(&serde_json::json!({"name": "a b"}))
    .unwrap();
    let _: serde_json::Value = client.fetch(&call).await.unwrap();
    let seen = &script.seen()[0];
    let (path, query) = seen.target.split_once('?').unwrap();
    assert_eq!(
        query, "a=x%20y&z=1",
        "sorted and %20-encoded, as the SDK sends it"
    );
    let pairs = signing::parse_query(query);
    let request = SignableRequest {
        method: &seen.method,
        path,
        query: &pairs,
        headers: &seen.headers,
        body: &seen.body,
    };
    let access_key = signing::verify(
        &request,
        |ak| (ak == "AKID").then_some(SECRET),
        SystemTime::now(),
    )
    .unwrap();
    assert_eq!(access_key, "AKID");
    let header = |name: &str| {
        seen.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    assert_eq!(header("x-project-id").as_deref(), Some("proj"));
    assert_eq!(
        header("content-type").as_deref(),
        Some("application/json;charset=utf-8")
    );
    // A wrong secret does not verify the same request.
    assert!(signing::verify(&request, |_| Some("other"), SystemTime::now()).is_err());
}

#[tokio::test]
async fn token_auth_sends_x_auth_token_and_no_signature() {
    let script = Script::new(vec![ok(r#"{"total":0,"size":0,"groups":[]}"#)]);
    let mut config = config(&serve(script.clone()).await);
    config.auth = Auth::Token("tok-123".to_owned());
    let client = Client::new(config).unwrap();
    assert!(client.find_group("x").await.unwrap().is_none());
    let headers = &script.seen()[0].headers;
    assert!(
        headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("x-auth-token") && v == "tok-123")
    );
    assert!(
        !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("authorization"))
    );
}

#[tokio::test]
async fn secrets_appear_in_no_error_and_no_debug_output() {
    let script = Script::new(vec![
        error(401),
        error(500),
        error(500),
        error(500),
        error(500),
    ]);
    let endpoint = serve(script.clone()).await;
    let config = config(&endpoint);
    let debug = format!("{config:?}");
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(debug.contains("<redacted>"));
    let mut token_config = config.clone();
    token_config.auth = Auth::Token(SECRET.to_owned());
    assert!(!format!("{token_config:?}").contains(SECRET));
    let client = Client::new(config).unwrap();
    let call = Call::new(Method::GET, path(&["envs"]), "list environments", "");
    let unauthorized = client.fetch::<serde_json::Value>(&call).await.unwrap_err();
    let text = format!("{unauthorized} {unauthorized:?}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(text.contains("HTTP 401"), "{text}");
    assert!(
        text.contains("secret key (HUAWEICLOUD_SDK_SK)"),
        "a hint says what to check: {text}"
    );
}

#[test]
fn the_whole_command_output_never_shows_the_secret() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let script = Script::default();
    *script.fallback.lock().unwrap() = Some(Box::new(|_: &Seen| error(401)));
    let endpoint = runtime.block_on(serve(script.clone()));
    let options = apigctl::commands::diff::DiffOptions {
        gateway: apigctl::commands::diff::GatewayOptions {
            env_vars: Some(environment(&endpoint)),
            ..Default::default()
        },
        env: "DEV".to_owned(),
        ..Default::default()
    };
    let input = apigctl::source::Input::from_arg("testdata/sync/shop-3.0.yaml");
    let outcome = apigctl::commands::diff::run(&input, &options);
    assert_eq!(outcome.exit_code, 1);
    let all = format!("{}{}", outcome.stdout, outcome.stderr);
    assert!(all.contains("HTTP 401"), "{all}");
    assert!(!all.contains(SECRET), "{all}");
}

#[test]
fn configuration_comes_from_flags_then_environment_then_file() {
    use apigctl::gateway::ConfigOverrides;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("apigctl.yaml");
    std::fs::write(&file, "endpoint: http://file.example\nproject_id: from-file\ninstance_id: i-file\naccess_key: AK-file\nsecret_key: SK-file\n").unwrap();
    let overrides = ConfigOverrides {
        config_file: Some(file.clone()),
        project_id: Some("from-flag".to_owned()),
        ..Default::default()
    };
    let env = |k: &str| (k == "APIGCTL_INSTANCE_ID").then(|| "i-env".to_owned());
    let config = GatewayConfig::resolve(&overrides, env).unwrap();
    assert_eq!(config.endpoint, "http://file.example");
    assert_eq!(config.project_id, "from-flag");
    assert_eq!(config.instance_id, "i-env");
    assert!(matches!(&config.auth, Auth::Signed(c) if c.access_key == "AK-file"));
    assert_eq!(config.parallelism, 4);

    let missing = GatewayConfig::resolve(&ConfigOverrides::default(), |_| None).unwrap_err();
    assert_eq!(
        missing.to_string(),
        "no gateway endpoint: pass --endpoint, set APIGCTL_ENDPOINT, or put `endpoint` in the configuration file (--config)"
    );
    let only_ak = |k: &str| match k {
        "HUAWEICLOUD_SDK_AK" => Some("AK".to_owned()),
        "HUAWEICLOUD_SDK_PROJECT_ID" => Some("p".to_owned()),
        "APIGCTL_INSTANCE_ID" => Some("i".to_owned()),
        _ => None,
    };
    let overrides = ConfigOverrides {
        region: Some("eu-west-101".to_owned()),
        ..Default::default()
    };
    let error = GatewayConfig::resolve(&overrides, only_ak).unwrap_err();
    assert!(error.to_string().contains("no secret key"), "{error}");
    let token = |k: &str| match k {
        "APIGCTL_AUTH_TOKEN" => Some("t".to_owned()),
        other => only_ak(other).filter(|_| other != "HUAWEICLOUD_SDK_AK"),
    };
    let config = GatewayConfig::resolve(&overrides, token).unwrap();
    assert_eq!(
        config.endpoint,
        "https://apig.eu-west-101.myhuaweicloud.com"
    );
    assert!(matches!(config.auth, Auth::Token(_)));
}

#[test]
fn sync_via_import_sends_the_sdk_multipart_form_and_reports_every_list() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let script = Script::new(vec![
        // `--env` is looked up first (a slip of the keyboard stops the run before the import).
        ok(r#"{"total":1,"size":1,"envs":[{"id":"e1","name":"DEV"}]}"#),
        ok(r#"{"total":1,"size":1,"groups":[{"id":"g1","name":"shop_api"}]}"#),
        ok(
            r#"{"success":[{"path":"/health","method":"GET","action":"create","id":"a1"}],
              "failure":[{"path":"/products/{id}","method":"DELETE","error_code":"APIG.2012","error_msg":"invalid backend"}],
              "ignore":[{"method":"GET","path":"/products/{id}"}],"group_id":"g1"}"#,
        ),
        // Then what it imported is published in `--env`.
        Reply::Status(
            201,
            r#"{"publish_id":"p1","api_id":"a1","env_id":"e1","publish_time":"2026-01-01T00:00:00Z","version_id":"v1"}"#.to_owned(),
        ),
    ]);
    let endpoint = runtime.block_on(serve(script.clone()));
    let options = apigctl::commands::sync::SyncOptions {
        diff: apigctl::commands::diff::DiffOptions {
            gateway: apigctl::commands::diff::GatewayOptions {
                env_vars: Some(environment(&endpoint)),
                ..Default::default()
            },
            env: "DEV".to_owned(),
            ..Default::default()
        },
        via_import: Some(apigctl::commands::sync::ImportModes {
            extend_mode: "merge".to_owned(),
            api_mode: "override".to_owned(),
        }),
        ..Default::default()
    };
    let source = "testdata/sync/shop-3.0.yaml";
    let outcome = apigctl::commands::sync::run(&apigctl::source::Input::from_arg(source), &options);
    assert_eq!(outcome.exit_code, 1, "a failed API fails the run");
    assert_eq!(
        outcome.stdout,
        "+ GET /health (create)\n= GET /products/{id} (ignored)\n+ GET /health published in DEV\nimport into group shop_api (g1): 1 imported, 1 failed, 1 ignored; 1 published in DEV\n"
    );
    assert_eq!(
        outcome.stderr,
        "apigctl: error: DELETE /products/{id}: APIG.2012: invalid backend\n"
    );

    let publish = script
        .seen()
        .into_iter()
        .find(|s| s.target.ends_with("/apis/action"))
        .expect("the imported API is published");
    let body: serde_json::Value = serde_json::from_slice(&publish.body).unwrap();
    assert_eq!(
        (&body["action"], &body["api_id"], &body["env_id"]),
        (
            &serde_json::json!("online"),
            &serde_json::json!("a1"),
            &serde_json::json!("e1")
        )
    );

    let post = script
        .seen()
        .into_iter()
        .find(|s| s.method == "POST")
        .unwrap();
    assert_eq!(post.target, "/v2/proj/apigw/instances/inst/openapi/import");
    let header = |name: &str| {
        post.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let content_type = header("content-type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("multipart content type");
    assert_eq!(header("x-sdk-content-sha256"), "UNSIGNED-PAYLOAD");
    let document = std::fs::read_to_string(source).unwrap();
    let field = |name: &str, value: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
    };
    let expected = format!(
        "{}{}{}{}--{boundary}\r\nContent-Disposition: form-data; name=\"file_name\"; filename=\"shop-3.0.yaml\"\r\n\r\n{document}\r\n--{boundary}--\r\n",
        field("is_create_group", "false"),
        field("group_id", "g1"),
        field("extend_mode", "merge"),
        field("api_mode", "override"),
    );
    assert_eq!(String::from_utf8_lossy(&post.body), expected);
    let request = SignableRequest {
        method: "POST",
        path: &post.target,
        query: &[],
        headers: &post.headers,
        body: &post.body,
    };
    assert!(signing::verify(&request, |_| Some(SECRET), SystemTime::now()).is_ok());
}

/// An answer without the gateway's error fields (a web server's page at a wrong endpoint) is
/// said on one line, with the request that got it and a word on the endpoint.
#[tokio::test]
async fn an_answer_that_is_not_the_gateways_names_the_request_and_the_endpoint() {
    let page = "<!DOCTYPE html>\n<html>\n  <head><title>Not found</title></head>\n  <body>nothing here</body>\n</html>\n";
    let script = Script::new(vec![Reply::Status(404, page.to_owned())]);
    let endpoint = serve(script.clone()).await;
    let client = Client::new(config(&endpoint)).unwrap();
    let call = Call::new(Method::GET, path(&["envs"]), "list environments", "");
    let error = client
        .fetch::<serde_json::Value>(&call)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        format!(
            "list environments: HTTP 404: GET {endpoint}/v2/proj/apigw/instances/inst/envs answered with no APIG error: `<!DOCTYPE html> <html> <head><title>Not found</title></head> <body>nothing here</body> </html>` (request id req-404)\n  help: the answer is not the gateway's: check --endpoint (https://apig.REGION.myhuaweicloud.com, --region, or an `apigctl serve` address)"
        )
    );
}

/// An `https://` endpoint that speaks plain HTTP (an `apigctl serve` address written with the
/// wrong scheme) is said as such.
#[tokio::test]
async fn an_https_endpoint_that_speaks_plain_http_says_to_write_http() {
    let (addr, handle) = apigctl::emulator::spawn(apigctl::emulator::Config::default())
        .await
        .unwrap();
    let endpoint = format!("https://{addr}");
    let mut config = config(&endpoint);
    config.max_retries = 0;
    let client = Client::new(config).unwrap();
    let call = Call::new(Method::GET, path(&["envs"]), "list environments", "");
    let error = client
        .fetch::<serde_json::Value>(&call)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.ends_with("\n  help: the endpoint answered in plain HTTP, not TLS: write it with http:// (an `apigctl serve` address is http://)"),
        "{error}"
    );
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_request_that_gets_no_answer_times_out_and_is_retried() {
    let script = Script::new(vec![ok("{}"), ok("{}")]);
    *script.delay.lock().unwrap() = Duration::from_secs(3);
    let mut config = config(&serve(script.clone()).await);
    config.timeout = Duration::from_millis(200);
    config.max_retries = 1;
    let client = Client::new(config).unwrap();
    let call = Call::new(Method::GET, path(&["envs"]), "list environments", "");
    let error = client.fetch::<serde_json::Value>(&call).await.unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("list environments: no answer from the gateway: timed out"),
        "{error}"
    );
    // Which request, and what to check.
    assert!(
        error.to_string().contains("/envs)") && error.to_string().contains("raise --timeout"),
        "{error}"
    );
    assert_eq!(script.count("GET"), 2, "one retry after the timeout");
}

#[tokio::test]
async fn an_answer_that_is_not_json_names_the_request_and_shows_its_start() {
    let script = Script::new(vec![ok("<html>proxy login</html>")]);
    let client = Client::new(config(&serve(script.clone()).await)).unwrap();
    let call = Call::new(Method::GET, path(&["envs"]), "list environments", "");
    let error = client
        .fetch::<serde_json::Value>(&call)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("the answer to GET /envs (HTTP 200) is not the JSON expected")
            && error.contains("it starts `<html>proxy login</html>`"),
        "{error}"
    );
}

#[tokio::test]
async fn no_more_requests_are_in_flight_than_the_parallelism() {
    let script = Script::default();
    *script.fallback.lock().unwrap() = Some(Box::new(|_: &Seen| ok("{}")));
    *script.delay.lock().unwrap() = Duration::from_millis(20);
    let mut config = config(&serve(script.clone()).await);
    config.parallelism = 2;
    let client = Client::new(config).unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..12 {
        let client = client.clone();
        tasks.spawn(async move {
            let call = Call::new(
                Method::GET,
                path(&["apis", &format!("a{i}")]),
                "read API",
                "",
            );
            client.fetch::<serde_json::Value>(&call).await
        });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
    let (_, most) = *script.in_flight.lock().unwrap();
    assert_eq!(script.count("GET"), 12);
    assert!((1..=2).contains(&most), "at most 2 at once, saw {most}");
}

#[tokio::test]
async fn nested_collections_use_the_parent_path_and_checked_creates() {
    let script = Script::new(vec![
        error(502),
        ok(r#"{"total":1,"size":1,"responses":[{"id":"r1","name":"errors"}]}"#),
    ]);
    let client = Client::new(config(&serve(script.clone()).await)).unwrap();
    let nested = apigctl::gateway::ops::Nested::responses("g1");
    let created: apigctl::model::GroupResponseCreate = client
        .create_nested(
            &nested,
            "errors",
            &serde_json::json!({"name": "errors"}),
            |r: &apigctl::model::GroupResponseCreate| r.name == "errors",
        )
        .await
        .unwrap();
    assert_eq!(created.id.as_deref(), Some("r1"));
    let targets: Vec<(String, String)> = script
        .seen()
        .into_iter()
        .map(|s| (s.method, s.target))
        .collect();
    assert_eq!(
        targets,
        [
            (
                "POST".to_owned(),
                "/v2/proj/apigw/instances/inst/api-groups/g1/gateway-responses".to_owned()
            ),
            (
                "GET".to_owned(),
                "/v2/proj/apigw/instances/inst/api-groups/g1/gateway-responses?limit=500&offset=0"
                    .to_owned()
            ),
        ]
    );
}
