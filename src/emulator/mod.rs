//! `apigctl serve`: a local gateway speaking the APIG v2 management REST API.
//!
//! Every request goes through `handle`: body read (at most 12 MB), authentication
//! ([`auth`]), optional fault injection ([`faults`]), routing ([`routes`]) to a handler
//! that reads or writes the [`state::Store`]. Handlers are plain synchronous functions over
//! the store; writes run on the blocking pool because they fsync the state file before the
//! answer is sent.
//!
//! Hidden, test-only: `GET /__apigctl/stats` (no authentication) answers request counts, see
//! [`Stats`]; `Config::faults` makes a fraction of requests fail, see [`faults`].

pub mod apis;
pub mod apps;
pub mod auth;
pub mod authorizers;
mod checks;
pub mod envs;
pub mod errors;
pub mod faults;
pub mod groups;
pub mod list;
pub mod openapi;
pub mod plugins;
pub mod policies;
pub mod routes;
pub mod state;
pub mod validate;
pub mod vpc_channels;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Response, StatusCode, header};
use serde::Serialize;

pub use errors::ApiError;
use faults::{Fault, FaultPlan, Phase};
use state::{Db, GatewayIds, Store};

/// Largest request body accepted (API Reference 2.1: 12 MB).
pub const MAX_BODY: usize = 12 * 1024 * 1024;

/// Path prefix of every operation, before the operation's own path.
const PREFIX: [&str; 4] = ["v2", "{project_id}", "apigw", "instances"];

/// How to run the emulator.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to listen on (port 0 picks a free port).
    pub listen: SocketAddr,
    /// Accepted access key / secret key pairs.
    pub credentials: Vec<(String, String)>,
    /// Accepted `X-Auth-Token` values.
    pub tokens: Vec<String>,
    /// State file; in-memory only when `None`.
    pub state_file: Option<PathBuf>,
    /// The only project id accepted, when set.
    pub project_id: Option<String>,
    /// The only instance id accepted, when set.
    pub instance_id: Option<String>,
    /// Test-only fault injection.
    pub faults: FaultPlan,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            credentials: Vec::new(),
            tokens: Vec::new(),
            state_file: None,
            project_id: None,
            instance_id: None,
            faults: FaultPlan::default(),
        }
    }
}

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The state file is unusable.
    #[error(transparent)]
    State(#[from] state::StateError),
    /// The address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The runtime could not be built.
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
    /// The state file holds another gateway than the ids `serve` was given.
    #[error(
        "{}: the state file holds the gateway {held_project}/{held_instance} (project/instance), not {wanted}; give its ids, or another --state file for another gateway",
        path.display()
    )]
    OtherGateway {
        /// The state file.
        path: PathBuf,
        /// Project id in the state.
        held_project: String,
        /// Instance id in the state.
        held_instance: String,
        /// The ids given, as `project/instance` (`*` for one not given).
        wanted: String,
    },
}

/// Request counters, answered by the hidden `GET /__apigctl/stats` so tests can check what a
/// client really sent (for example that retries did not create an object twice).
///
/// `by_method` counts every authenticated or not request by HTTP method; `by_operation` counts
/// requests that reached an operation, keyed by `METHOD /template` (`POST /apis`);
/// `applied` counts write operations that succeeded and were persisted, by the same key;
/// `faults` counts injected faults by kind (`500`, `429`, `drop`, with `@after` for those
/// injected after the write was applied).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    /// Every request.
    pub requests: u64,
    /// By HTTP method.
    pub by_method: BTreeMap<String, u64>,
    /// By operation template.
    pub by_operation: BTreeMap<String, u64>,
    /// Successful writes by operation template.
    pub applied: BTreeMap<String, u64>,
    /// Injected faults by kind.
    pub faults: BTreeMap<String, u64>,
}

struct Shared {
    config: Config,
    store: Store,
    stats: Mutex<Stats>,
    faults: Mutex<faults::Dice>,
}

impl Shared {
    fn count(&self, update: impl FnOnce(&mut Stats)) {
        let mut stats = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        update(&mut stats);
    }
}

/// A running emulator; dropping it does not stop the server, [`Handle::shutdown`] does.
pub struct Handle {
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Handle {
    /// Stops accepting connections, lets in-flight requests finish, and waits for the server.
    ///
    /// # Errors
    ///
    /// The server's I/O error, if it failed.
    pub async fn shutdown(self) -> std::io::Result<()> {
        let _ = self.shutdown.send(());
        self.task.await.unwrap_or(Ok(()))
    }
}

/// Starts the emulator on the current tokio runtime; returns the bound address.
///
/// # Errors
///
/// The state file is unusable, or the address cannot be bound.
pub async fn spawn(config: Config) -> Result<(SocketAddr, Handle), ServeError> {
    let store = Store::open(config.state_file.clone())?;
    if let Some(held) = store.read().await.gateway.clone() {
        let differs =
            |pinned: &Option<String>, held: &str| pinned.as_deref().is_some_and(|p| p != held);
        if differs(&config.project_id, &held.project_id)
            || differs(&config.instance_id, &held.instance_id)
        {
            let given = |id: &Option<String>| id.clone().unwrap_or_else(|| "*".to_owned());
            return Err(ServeError::OtherGateway {
                path: config.state_file.clone().unwrap_or_default(),
                held_project: held.project_id,
                held_instance: held.instance_id,
                wanted: format!(
                    "{}/{}",
                    given(&config.project_id),
                    given(&config.instance_id)
                ),
            });
        }
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServeError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Bind {
        addr: config.listen,
        source,
    })?;
    let dice = faults::Dice::new(config.faults.seed);
    let shared = Arc::new(Shared {
        config,
        store,
        stats: Mutex::new(Stats::default()),
        faults: Mutex::new(dice),
    });
    let app = axum::Router::new().fallback(handle).with_state(shared);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
    });
    Ok((addr, Handle { shutdown: tx, task }))
}

/// A server running on its own thread and runtime, for callers without a tokio runtime
/// (blocking tests). Stops when [`ThreadHandle::shutdown`] is called.
pub struct ThreadHandle {
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ThreadHandle {
    /// Stops the server and joins its thread.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for ThreadHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Starts the emulator on a thread of its own with a two-worker runtime.
///
/// # Errors
///
/// As [`spawn`], plus a runtime that cannot be built.
pub fn spawn_thread(config: Config) -> Result<(SocketAddr, ThreadHandle), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let (addr, handle) = runtime.block_on(spawn(config))?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        runtime.block_on(async move {
            let _ = rx.await;
            let _ = handle.shutdown().await;
        });
    });
    Ok((
        addr,
        ThreadHandle {
            shutdown: Some(tx),
            thread: Some(thread),
        },
    ))
}

/// What an operation handler receives.
#[derive(Debug, Default)]
pub struct Req {
    /// Path captures, in path order (`{api_id}`, ...), percent-decoded.
    pub params: Vec<String>,
    /// Query pairs, decoded.
    pub query: Vec<(String, String)>,
    /// Body bytes.
    pub body: Bytes,
    /// `Content-Type` header.
    pub content_type: Option<String>,
}

impl Req {
    /// Path capture `i`.
    pub fn param(&self, i: usize) -> &str {
        self.params.get(i).map_or("", String::as_str)
    }

    /// The first query value named `name`, if non-empty.
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// The JSON body as `T`.
    ///
    /// # Errors
    ///
    /// As [`errors::parse_body`].
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, ApiError> {
        errors::parse_body(&self.body)
    }
}

/// What an operation answers.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Body.
    pub body: Vec<u8>,
    /// `Content-Type`.
    pub content_type: &'static str,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, value: &impl Serialize) -> Result<Reply, ApiError> {
        let body = serde_json::to_vec(value).map_err(|_| ApiError::internal())?;
        Ok(Reply {
            status,
            body,
            content_type: "application/json;charset=UTF-8",
        })
    }

    /// 204 with no body.
    pub fn no_content() -> Result<Reply, ApiError> {
        Ok(Reply {
            status: 204,
            body: Vec::new(),
            content_type: "application/json;charset=UTF-8",
        })
    }
}

/// A read-only operation.
pub type ReadFn = fn(&Db, &Req) -> Result<Reply, ApiError>;
/// An operation that changes the store.
pub type WriteFn = fn(&mut Db, &Req) -> Result<Reply, ApiError>;

/// An operation found by the router.
#[derive(Clone, Copy)]
pub enum Op {
    /// Reads.
    Read(ReadFn),
    /// Writes.
    Write(WriteFn),
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response<Body> {
    let request_id = state::new_id();
    let mut response = answer(&shared, request).await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

fn error_response(error: &ApiError) -> Response<Body> {
    reply_response(Reply {
        status: error.status,
        body: error.body(),
        content_type: "application/json;charset=UTF-8",
    })
}

fn reply_response(reply: Reply) -> Response<Body> {
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(reply.content_type),
    );
    response
}

/// The answer a fault gives in place of the operation's; `None` for a `slow` one, after which
/// the operation answers as usual, late.
fn fault_response(fault: Fault) -> Option<Response<Body>> {
    match fault.kind {
        faults::Kind::Status500 => Some(error_response(&ApiError::internal())),
        faults::Kind::Status429 => Some(error_response(&ApiError::new(
            429,
            "APIG.9008",
            "Too many requests. Try again later.",
        ))),
        faults::Kind::Drop => Some(faults::dropped_connection()),
        faults::Kind::Slow => None,
    }
}

async fn answer(shared: &Arc<Shared>, request: Request) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_owned();
    let raw_path = parts.uri.path().to_owned();
    let raw_query = parts.uri.query().unwrap_or("").to_owned();
    shared.count(|s| {
        s.requests += 1;
        *s.by_method.entry(method.clone()).or_default() += 1;
    });

    if raw_path == "/__apigctl/stats" {
        let stats = shared.stats.lock().map(|s| s.clone()).unwrap_or_default();
        return match Reply::json(200, &stats) {
            Ok(reply) => reply_response(reply),
            Err(e) => error_response(&e),
        };
    }

    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY) {
        return error_response(&ApiError::too_large());
    }
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => return error_response(&ApiError::too_large()),
    };

    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let query = crate::gateway::signing::parse_query(&raw_query);
    if let Err(e) = auth::authenticate(&shared.config, &method, &raw_path, &query, &headers, &body)
    {
        return error_response(&e);
    }

    let fault = {
        let mut dice = shared.faults.lock().unwrap_or_else(|e| e.into_inner());
        dice.roll(&shared.config.faults)
    };
    if let Some(fault) = fault.filter(|f| f.phase == Phase::Before) {
        shared.count(|s| *s.faults.entry(fault.label()).or_default() += 1);
        match fault_response(fault) {
            Some(response) => return response,
            None => tokio::time::sleep(faults::SLOW).await,
        }
    }

    let segments: Vec<String> = raw_path
        .split('/')
        .skip(1)
        .map(|s| String::from_utf8_lossy(&crate::gateway::signing::percent_decode(s)).into_owned())
        .collect();
    let Some(rest) = check_prefix(&shared.config, &segments) else {
        return error_response(&ApiError::no_route(&method, &raw_path));
    };
    let rest = match rest {
        Ok(rest) => rest,
        Err(e) => return error_response(&e),
    };
    let ids = GatewayIds {
        project_id: segments[1].clone(),
        instance_id: segments[4].clone(),
    };
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    let Some((op, template, params)) = routes::route(&method, &rest) else {
        return error_response(&ApiError::no_route(&method, &raw_path));
    };
    let key = format!("{method} {template}");
    shared.count(|s| *s.by_operation.entry(key.clone()).or_default() += 1);

    let req = Req {
        params,
        query,
        body,
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    let result = match op {
        Op::Read(f) => {
            let db = shared.store.read().await;
            same_gateway(&db, &ids).and_then(|()| f(&db, &req))
        }
        Op::Write(f) => {
            let shared2 = Arc::clone(shared);
            let outcome = tokio::task::spawn_blocking(move || {
                shared2.store.write(|db| {
                    same_gateway(db, &ids)?;
                    let first = db.gateway.is_none();
                    if first {
                        db.gateway = Some(ids);
                    }
                    let outcome = f(db, &req);
                    if first && outcome.is_err() {
                        // A refused write changes nothing, not even whose the gateway is.
                        db.gateway = None;
                    }
                    outcome
                })
            })
            .await;
            let outcome = outcome.unwrap_or_else(|_| Err(ApiError::internal()));
            if outcome.is_ok() {
                shared.count(|s| *s.applied.entry(key.clone()).or_default() += 1);
            }
            outcome
        }
    };
    if let Some(fault) = fault.filter(|f| f.phase == Phase::After) {
        shared.count(|s| *s.faults.entry(fault.label()).or_default() += 1);
        match fault_response(fault) {
            Some(response) => return response,
            None => tokio::time::sleep(faults::SLOW).await,
        }
    }
    match result {
        Ok(reply) => reply_response(reply),
        Err(e) => error_response(&e),
    }
}

/// Whether a request for `ids` may reach `db`: the store holds one gateway, that of the first
/// write (or of the pinned ids); another project is `403 APIC.7130` and another instance `404
/// APIG.3030`, as a pinned id answers, with a word on how to emulate a second gateway.
fn same_gateway(db: &Db, ids: &GatewayIds) -> Result<(), ApiError> {
    let Some(held) = &db.gateway else {
        return Ok(());
    };
    let hint = format!(
        " (this `apigctl serve` emulates instance {} of project {}; run another `apigctl serve`, with its own --state, for another gateway)",
        held.instance_id, held.project_id
    );
    if held.project_id != ids.project_id {
        return Err(ApiError::new(
            403,
            "APIC.7130",
            format!(
                "No permissions to access gateways in other projects (project {}){hint}",
                ids.project_id
            ),
        ));
    }
    if held.instance_id != ids.instance_id {
        return Err(ApiError::new(
            404,
            "APIG.3030",
            format!("The instance does not exist;id:{}{hint}", ids.instance_id),
        ));
    }
    Ok(())
}

/// Checks `/v2/{project_id}/apigw/instances/{instance_id}/…` and returns the operation's own
/// segments; `None` when the path is not under the prefix at all.
fn check_prefix(config: &Config, segments: &[String]) -> Option<Result<Vec<String>, ApiError>> {
    if segments.len() < 5
        || segments[0] != PREFIX[0]
        || segments[2] != PREFIX[2]
        || segments[3] != PREFIX[3]
    {
        return None;
    }
    let project = &segments[1];
    let instance = &segments[4];
    if let Some(pinned) = &config.project_id
        && pinned != project
    {
        return Some(Err(ApiError::new(
            403,
            "APIC.7130",
            format!("No permissions to access gateways in other projects (project {project})"),
        )));
    }
    if let Some(pinned) = &config.instance_id
        && pinned != instance
    {
        return Some(Err(ApiError::new(
            404,
            "APIG.3030",
            format!("The instance does not exist;id:{instance}"),
        )));
    }
    Some(Ok(segments[5..].to_vec()))
}
