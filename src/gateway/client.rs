//! The HTTP client: signing or token authentication, per-request timeout, bounded concurrency,
//! retries with exponential backoff and full jitter, paging, and error answers turned into
//! [`GatewayError`]s that name the operation and object.
//!
//! Retry policy: reads, updates (`PUT`) and removals are idempotent and retried on 429, 5xx and
//! transport errors. A create is retried only after a follow-up read proves the first attempt did
//! not take effect (see [`Client::create_checked`]), so a lost answer never produces a duplicate.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::Semaphore;

use super::config::{Auth, GatewayConfig};
use super::error::{ErrorKind, GatewayError};
use super::signing::{self, SignableRequest};

/// Largest page the gateway serves (API Reference 3.1.5, Table 3-38 `limit`: at most 500).
pub const PAGE_LIMIT: usize = 500;

/// A client for one gateway. Cheap to clone; clones share the connection pool, the concurrency
/// limit and the request counters.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    config: GatewayConfig,
    /// `/v2/{project_id}/apigw/instances/{instance_id}`, encoded.
    base_path: String,
    /// `host[:port]` of the endpoint, as the `Host` header carries it.
    host: String,
    permits: Semaphore,
    /// Set by [`Client::stop`]: no request starts after it.
    stopped: AtomicBool,
    requests: AtomicU64,
    writes: AtomicU64,
}

/// Set by [`interrupt`]: every client of the process stops (Ctrl-C).
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Stops every client of the process as [`Client::stop`] stops one: for Ctrl-C, which may come
/// before the client of a command exists (while it reads the gateway).
pub fn interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Whether [`interrupt`] was called.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// A request body.
#[derive(Clone, Debug)]
pub enum Body {
    /// No body.
    Empty,
    /// JSON bytes.
    Json(Vec<u8>),
    /// A `multipart/form-data` body with its boundary.
    Multipart {
        /// The boundary in the content type.
        boundary: String,
        /// The encoded parts.
        bytes: Vec<u8>,
    },
}

/// One request to the gateway.
#[derive(Clone, Debug)]
pub struct Call {
    /// HTTP method.
    pub method: Method,
    /// Path below `/v2/{project_id}/apigw/instances/{instance_id}`, segments already encoded
    /// (build it with [`path`]).
    pub path: String,
    /// Query pairs, decoded.
    pub query: Vec<(String, String)>,
    /// Body.
    pub body: Body,
    /// What is being done, for messages (`create API`).
    pub operation: String,
    /// Which object, for messages (`get_order`).
    pub object: String,
}

impl Call {
    /// A request without query or body.
    pub fn new(method: Method, path: String, operation: &str, object: &str) -> Call {
        Call {
            method,
            path,
            query: Vec::new(),
            body: Body::Empty,
            operation: operation.to_owned(),
            object: object.to_owned(),
        }
    }

    /// Adds a query pair.
    pub fn query(mut self, key: &str, value: impl Into<String>) -> Call {
        self.query.push((key.to_owned(), value.into()));
        self
    }

    /// Sets a JSON body.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Call, GatewayError> {
        let bytes =
            serde_json::to_vec(body).map_err(|e| self.error(ErrorKind::Request(e.to_string())))?;
        self.body = Body::Json(bytes);
        Ok(self)
    }

    fn error(&self, kind: ErrorKind) -> GatewayError {
        GatewayError::new(self.operation.clone(), self.object.clone(), kind)
    }
}

/// Builds a request path from segments, encoding each like the SDK encodes path parameters.
pub fn path(segments: &[&str]) -> String {
    let mut out = String::new();
    for segment in segments {
        out.push('/');
        out.push_str(&signing::encode_segment(segment));
    }
    out
}

/// A successful answer.
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as `T`.
    fn parse<T: DeserializeOwned>(&self, call: &Call) -> Result<T, GatewayError> {
        // A 204 (or any empty body) reads as JSON `null`, so `()` and `Option`s parse.
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &self.body
        };
        serde_json::from_slice(body).map_err(|e| {
            // Say which request got it and what came, so a proxy's HTML page or a wrong
            // endpoint shows itself.
            let start: String = String::from_utf8_lossy(&self.body)
                .chars()
                .take(80)
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            call.error(ErrorKind::Decode(format!(
                "the answer to {} {} (HTTP {}) is not the JSON expected ({e}); it starts `{}`\n  help: check that the endpoint (--endpoint, APIGCTL_ENDPOINT or --region) is the gateway's management API",
                call.method,
                call.path,
                self.status,
                start.trim()
            )))
        })
    }
}

/// Counts of requests sent by a client (every attempt counts).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestStats {
    /// All requests.
    pub requests: u64,
    /// Requests other than `GET`.
    pub writes: u64,
}

impl Client {
    /// A client for the gateway `config` describes.
    ///
    /// # Errors
    ///
    /// A [`GatewayError`] when the endpoint is not a URL or the HTTP stack cannot start.
    pub fn new(config: GatewayConfig) -> Result<Client, GatewayError> {
        let fail = |message: String| {
            GatewayError::new(
                "connect",
                config.endpoint.clone(),
                ErrorKind::Request(message),
            )
        };
        let url = reqwest::Url::parse(&config.endpoint).map_err(|e| fail(e.to_string()))?;
        let host = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => return Err(fail("the endpoint has no host".to_owned())),
        };
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| fail(e.to_string()))?;
        let base_path = format!(
            "{}/v2{}/apigw/instances{}",
            url.path().trim_end_matches('/'),
            path(&[&config.project_id]),
            path(&[&config.instance_id])
        );
        let permits = Semaphore::new(config.parallelism.max(1));
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_path,
                host,
                permits,
                stopped: AtomicBool::new(false),
                requests: AtomicU64::new(0),
                writes: AtomicU64::new(0),
                config,
            }),
        })
    }

    /// The configuration the client was built from.
    pub fn config(&self) -> &GatewayConfig {
        &self.inner.config
    }

    /// Sends no request from now on: those in flight finish, every later one (including a
    /// retry) fails with [`ErrorKind::Interrupted`] unsent. For Ctrl-C during a sync: what was
    /// started completes and is reported, nothing new is started.
    pub fn stop(&self) {
        self.inner.stopped.store(true, Ordering::SeqCst);
    }

    /// Whether [`Client::stop`] or [`interrupt`] was called.
    pub fn stopped(&self) -> bool {
        self.inner.stopped.load(Ordering::SeqCst) || INTERRUPTED.load(Ordering::SeqCst)
    }

    /// Requests sent so far.
    pub fn stats(&self) -> RequestStats {
        RequestStats {
            requests: self.inner.requests.load(Ordering::Relaxed),
            writes: self.inner.writes.load(Ordering::Relaxed),
        }
    }

    /// Sends `call` once (no retry) and returns the answer, or the gateway's error.
    pub async fn send_once(&self, call: &Call) -> Result<Answer, GatewayError> {
        let inner = &*self.inner;
        let _permit = inner
            .permits
            .acquire()
            .await
            .map_err(|e| call.error(ErrorKind::Request(e.to_string())))?;
        // Checked once the request holds its permit: one that waited for a permit while the
        // run was stopped must not start.
        if self.stopped() {
            return Err(call.error(ErrorKind::Interrupted));
        }
        let path = format!("{}{}", inner.base_path, call.path);
        let query = signing::canonical_query(&call.query);
        let (content_type, body): (String, &[u8]) = match &call.body {
            Body::Empty => ("application/json".to_owned(), &[]),
            Body::Json(bytes) => ("application/json;charset=utf-8".to_owned(), bytes),
            Body::Multipart { boundary, bytes } => {
                (format!("multipart/form-data; boundary={boundary}"), bytes)
            }
        };
        let mut headers: Vec<(String, String)> = vec![
            ("Content-Type".to_owned(), content_type),
            (
                "User-Agent".to_owned(),
                concat!("apigctl/", env!("CARGO_PKG_VERSION")).to_owned(),
            ),
            ("X-Project-Id".to_owned(), inner.config.project_id.clone()),
        ];
        match &inner.config.auth {
            Auth::Signed(credentials) => {
                signing::add_signing_headers(
                    &mut headers,
                    credentials,
                    &inner.host,
                    SystemTime::now(),
                );
                let authorization = signing::sign(
                    credentials,
                    &SignableRequest {
                        method: call.method.as_str(),
                        path: &path,
                        query: &call.query,
                        headers: &headers,
                        body,
                    },
                )
                .map_err(|e| call.error(ErrorKind::Request(e.to_string())))?;
                headers.push(("Authorization".to_owned(), authorization));
            }
            Auth::Token(token) => headers.push(("X-Auth-Token".to_owned(), token.clone())),
        }
        let mut url = format!("{}{path}", origin(&inner.config.endpoint));
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        let mut request = inner.http.request(call.method.clone(), &url);
        for (name, value) in &headers {
            request = request.header(name.as_str(), value.as_str());
        }
        if !body.is_empty() {
            request = request.body(body.to_vec());
        } else if call.method == Method::DELETE {
            request = request.header("Content-Length", "0");
        }
        inner.requests.fetch_add(1, Ordering::Relaxed);
        if call.method != Method::GET {
            inner.writes.fetch_add(1, Ordering::Relaxed);
        }
        let response = request
            .send()
            .await
            .map_err(|e| call.error(ErrorKind::Transport(describe_transport(&e))))?;
        let status = response.status().as_u16();
        let request_id = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response
            .bytes()
            .await
            .map_err(|e| call.error(ErrorKind::Transport(describe_transport(&e))))?;
        if status >= 400 {
            let answered = format!("{} {url}", call.method);
            return Err(call.error(api_error(status, &bytes, request_id, &answered)));
        }
        Ok(Answer {
            status,
            body: bytes.to_vec(),
        })
    }

    /// Sends an idempotent request, retrying on 429, 5xx and transport errors. A `DELETE` is
    /// a removal (see [`Client::send_removal`]).
    pub async fn send(&self, call: &Call) -> Result<Answer, GatewayError> {
        self.send_retried(call, call.method == Method::DELETE).await
    }

    /// Sends a request that removes something (a delete, taking an API offline, unbinding),
    /// retried as [`Client::send`] is: when a retry finds the object gone, the attempt whose
    /// answer was lost removed it, and the removal is done.
    pub async fn send_removal(&self, call: &Call) -> Result<Answer, GatewayError> {
        self.send_retried(call, true).await
    }

    async fn send_retried(&self, call: &Call, removal: bool) -> Result<Answer, GatewayError> {
        let mut attempt = 0;
        loop {
            match self.send_once(call).await {
                Err(error) if retryable(&error) && attempt < self.inner.config.max_retries => {
                    self.backoff(attempt).await;
                    attempt += 1;
                }
                // A removal whose first answer was lost may find the object gone on retry.
                Err(error) if attempt > 0 && removal && error.is_not_found() => {
                    return Ok(Answer {
                        status: 204,
                        body: Vec::new(),
                    });
                }
                other => return other,
            }
        }
    }

    /// Sends a request that creates something. On a retryable failure it calls `find`, a read
    /// that looks the object up; if the object exists the create went through and its answer
    /// was lost, so `find`'s result is returned; if not, the create is sent again.
    pub async fn create_checked<T, F, Fut>(&self, call: &Call, find: F) -> Result<T, GatewayError>
    where
        T: DeserializeOwned,
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Option<T>, GatewayError>>,
    {
        let mut attempt = 0;
        loop {
            match self.send_once(call).await {
                Ok(answer) => return answer.parse(call),
                Err(error) if retryable(&error) && attempt < self.inner.config.max_retries => {
                    self.backoff(attempt).await;
                    attempt += 1;
                    match find().await {
                        Ok(Some(found)) => return Ok(found),
                        Ok(None) => {}
                        // Cannot tell whether the create happened: report the original failure
                        // rather than risk a duplicate.
                        Err(_) => return Err(error),
                    }
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Sends an idempotent request and reads the answer as `T`.
    pub async fn fetch<T: DeserializeOwned>(&self, call: &Call) -> Result<T, GatewayError> {
        self.send(call).await?.parse(call)
    }

    /// Reads every page of a list: `offset`/`limit` paging until `total` items (or a short
    /// page) have arrived. `key` is the member holding the items (`apis`, `authorizer_list`).
    pub async fn list<T: DeserializeOwned>(
        &self,
        call: &Call,
        key: &str,
    ) -> Result<Vec<T>, GatewayError> {
        let mut items: Vec<T> = Vec::new();
        loop {
            let page_call = call
                .clone()
                .query("offset", items.len().to_string())
                .query("limit", PAGE_LIMIT.to_string());
            let page: serde_json::Value = self.fetch(&page_call).await?;
            let total = page.get("total").and_then(serde_json::Value::as_u64);
            let batch = match page.get(key) {
                Some(serde_json::Value::Array(batch)) => batch.clone(),
                None | Some(serde_json::Value::Null) => Vec::new(),
                Some(_) => {
                    return Err(call.error(ErrorKind::Decode(format!("`{key}` is not a list"))));
                }
            };
            let received = batch.len();
            for (i, item) in batch.into_iter().enumerate() {
                let item = serde_json::from_value(item).map_err(|e| {
                    call.error(ErrorKind::Decode(format!(
                        "{key}[{}]: {e}",
                        items.len() + i
                    )))
                })?;
                items.push(item);
            }
            let done = match total {
                Some(total) => items.len() as u64 >= total || received == 0,
                None => received < PAGE_LIMIT,
            };
            if done {
                return Ok(items);
            }
        }
    }

    async fn backoff(&self, attempt: u32) {
        let config = &self.inner.config;
        let ceiling = config
            .base_backoff
            .saturating_mul(1u32 << attempt.min(16))
            .min(config.max_backoff);
        // Full jitter: a uniform delay in [0, ceiling] spreads retries of parallel requests.
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        let delay = Duration::from_nanos(fastrand::u64(0..=nanos));
        tokio::time::sleep(delay).await;
    }
}

/// Whether a failure may succeed when tried again.
pub fn retryable(error: &GatewayError) -> bool {
    match &*error.kind {
        ErrorKind::Transport(_) => true,
        ErrorKind::Api { status, .. } => *status == 429 || *status >= 500,
        ErrorKind::Decode(_) | ErrorKind::Request(_) | ErrorKind::Interrupted => false,
    }
}

/// `scheme://host[:port]` of an endpoint (the endpoint's own path is in the base path).
fn origin(endpoint: &str) -> &str {
    let after_scheme = endpoint.find("://").map_or(0, |i| i + 3);
    match endpoint[after_scheme..].find('/') {
        Some(i) => &endpoint[..after_scheme + i],
        None => endpoint,
    }
}

fn describe_transport(error: &reqwest::Error) -> String {
    // reqwest's Display includes the URL, which holds no secret (query values are filters);
    // the chain of sources says what actually failed.
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else {
        "the connection failed"
    };
    let mut message = match error.url() {
        Some(url) => format!("{what} ({url})"),
        None => what.to_owned(),
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    // rustls meeting a plain-HTTP server: "received corrupt message of type InvalidContentType".
    let plain_http = message.contains("InvalidContentType")
        && error.url().is_some_and(|u| u.scheme() == "https");
    if plain_http {
        message.push_str("\n  help: the endpoint answered in plain HTTP, not TLS: write it with http:// (an `apigctl serve` address is http://)");
    } else if error.is_timeout() {
        message.push_str("\n  help: the gateway did not answer within --timeout seconds (each retry waits as long); check the endpoint (--endpoint, APIGCTL_ENDPOINT or --region), or raise --timeout");
    } else if error.is_connect() {
        message.push_str("\n  help: check the endpoint (--endpoint, APIGCTL_ENDPOINT or --region) and that the gateway is reachable from here");
    }
    message
}

/// The error of an answer with status `status` to `request` (`METHOD URL`). An answer without
/// the gateway's `error_code`/`error_msg` (a web server's HTML page, a proxy's text) is said as
/// such, with the request and the start of the body on one line: the endpoint is likely not a
/// gateway's.
fn api_error(status: u16, body: &[u8], request_id: Option<String>, request: &str) -> ErrorKind {
    let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let field = |name: &str| {
        parsed
            .as_ref()
            .and_then(|v| v.get(name))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    };
    let error_msg = field("error_msg").unwrap_or_else(|| {
        let text = String::from_utf8_lossy(body);
        let start: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let start: String = start.chars().take(120).collect();
        if field("error_code").is_some() {
            start
        } else if start.is_empty() {
            format!("{request} answered with no APIG error and an empty body")
        } else {
            format!("{request} answered with no APIG error: `{start}`")
        }
    });
    ErrorKind::Api {
        status,
        error_code: field("error_code"),
        error_msg,
        request_id: request_id.or_else(|| field("request_id")),
    }
}
