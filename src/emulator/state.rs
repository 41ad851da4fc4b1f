//! The emulator's store: every gateway object in memory, optionally mirrored to a state file.
//!
//! One `RwLock` guards the whole store: reads share it, a write holds it exclusively from
//! validation until its new state is durable on disk (a tokio lock, so readers waiting for a
//! write's fsync park their task instead of blocking a runtime worker), so a write is acknowledged only once it
//! survives a crash, and concurrent writes are serialised. Handlers validate before they
//! mutate, so a failed request leaves the store untouched; if persisting fails, the store is
//! reloaded from the file (which still holds the previous state, the write being atomic).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::{RwLock, RwLockReadGuard};

use crate::model::{
    AclApiBindingInfo, ApiAclCreate, ApiCreate, ApiGroupCreate, AuthorizerCreate, EnvCreate,
    EnvVariableCreate, PluginApiAttachInfo, PluginCreate, ThrottleApiBinding, ThrottleBaseInfo,
    ThrottleSpecialCreate,
};

use super::apps::{App, AppAuth, AppCode};
use super::errors::ApiError;
use super::vpc_channels::VpcChannel;

/// Id of the environment every gateway has from the start (`RELEASE`), as the API Reference's
/// examples spell it.
pub const RELEASE_ENV_ID: &str = "DEFAULT_ENVIRONMENT_RELEASE_ID";

/// A publication of an API in an environment (API Reference 3.5.4), with the API's definition
/// as published (the version, API Reference 3.5.10 to 3.5.13).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Publication {
    /// Publication record id.
    pub publish_id: String,
    /// API id.
    pub api_id: String,
    /// Environment id.
    pub env_id: String,
    /// Publication remark.
    #[serde(default)]
    pub remark: Option<String>,
    /// Publication time.
    pub publish_time: String,
    /// Version id of the definition in use.
    pub version_id: String,
}

/// A published version of an API (API Reference 3.5.10, 3.5.13).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Version {
    /// Version id.
    pub version_id: String,
    /// Version name (the publication time, as the console shows it).
    pub version_no: String,
    /// API id.
    pub api_id: String,
    /// Environment id.
    pub env_id: String,
    /// Publication remark.
    #[serde(default)]
    pub remark: Option<String>,
    /// Publication time.
    pub publish_time: String,
    /// `1` = in effect, `2` = not in effect.
    pub status: i64,
    /// The API as it was published.
    pub api: ApiCreate,
}

/// The project and instance an emulated gateway is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayIds {
    /// Project id.
    pub project_id: String,
    /// Instance (gateway) id.
    pub instance_id: String,
}

/// Every object of one emulated gateway. Keyed by id; lists come out in id order. A key it
/// does not know is refused (a hand-edited `groupz` would otherwise start an empty gateway that
/// the next write saves over the file's data).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Db {
    /// The project and instance of these objects: those of the first write, unless `serve`
    /// was given both (absent until then, and from state files written before it was kept).
    /// One `serve` is one gateway: requests for another instance must not see or change this
    /// one's objects, as a real gateway's would not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<GatewayIds>,
    /// API groups.
    pub groups: BTreeMap<String, ApiGroupCreate>,
    /// Environments (without the built-in `RELEASE`).
    pub envs: BTreeMap<String, EnvCreate>,
    /// Environment variables.
    pub variables: BTreeMap<String, EnvVariableCreate>,
    /// APIs.
    pub apis: BTreeMap<String, ApiCreate>,
    /// Publications, by publication id.
    pub publications: BTreeMap<String, Publication>,
    /// Published versions, by version id.
    pub versions: BTreeMap<String, Version>,
    /// Request throttling policies.
    pub throttles: BTreeMap<String, ThrottleBaseInfo>,
    /// Excluded throttling configurations.
    pub throttle_specials: BTreeMap<String, ThrottleSpecialCreate>,
    /// Throttling policy bindings.
    pub throttle_bindings: BTreeMap<String, ThrottleApiBinding>,
    /// Access control policies.
    pub acls: BTreeMap<String, ApiAclCreate>,
    /// Access control policy bindings.
    pub acl_bindings: BTreeMap<String, AclApiBindingInfo>,
    /// Custom authorizers.
    pub authorizers: BTreeMap<String, AuthorizerCreate>,
    /// Plug-ins.
    pub plugins: BTreeMap<String, PluginCreate>,
    /// Plug-in bindings, by `plugin_attach_id`.
    pub plugin_bindings: BTreeMap<String, PluginApiAttachInfo>,
    /// Apps.
    pub apps: BTreeMap<String, App>,
    /// AppCodes.
    pub app_codes: BTreeMap<String, AppCode>,
    /// App authorizations.
    pub app_auths: BTreeMap<String, AppAuth>,
    /// VPC channels, with their members (absent from state files written before they were
    /// emulated: the struct's `serde(default)` reads those as none).
    pub vpc_channels: BTreeMap<String, VpcChannel>,
    /// The APIs by route and name (not persisted: rebuilt on load).
    #[serde(skip)]
    pub api_index: super::apis::ApiIndex,
    /// Publication ids by API id and environment id (not persisted: rebuilt on load). Every
    /// read of an API and every binding list looks publications up by API: a scan per look-up
    /// made reading n APIs one by one, as `apigctl diff` does, cost n squared.
    #[serde(skip)]
    publication_index: PublicationIndex,
}

impl Db {
    /// The built-in `RELEASE` environment.
    pub fn release_env() -> EnvCreate {
        EnvCreate {
            id: Some(RELEASE_ENV_ID.to_owned()),
            name: "RELEASE".to_owned(),
            remark: Some("production environment".to_owned()),
            create_time: Some("2020-01-01T00:00:00Z".to_owned()),
        }
    }

    /// Every environment, the built-in one first.
    pub fn all_envs(&self) -> Vec<EnvCreate> {
        let mut all = vec![Db::release_env()];
        all.extend(self.envs.values().cloned());
        all
    }

    /// The environment `id`, or APIG.3003.
    pub fn env(&self, id: &str) -> Result<EnvCreate, ApiError> {
        if id == RELEASE_ENV_ID {
            return Ok(Db::release_env());
        }
        self.envs
            .get(id)
            .cloned()
            .ok_or_else(|| ApiError::not_found("APIG.3003", "Environment", id))
    }

    /// The group `id`, or APIG.3001.
    pub fn group(&self, id: &str) -> Result<&ApiGroupCreate, ApiError> {
        self.groups
            .get(id)
            .ok_or_else(|| ApiError::not_found("APIG.3001", "API group", id))
    }

    /// The API `id`, or APIG.3002.
    pub fn api(&self, id: &str) -> Result<&ApiCreate, ApiError> {
        self.apis
            .get(id)
            .ok_or_else(|| ApiError::not_found("APIG.3002", "API", id))
    }

    /// Every API's publications, by API id, in publication id order (as a look through
    /// [`Db::publications`] for one API finds them).
    pub fn publications_by_api(&self) -> HashMap<&str, Vec<&Publication>> {
        let mut by_api: HashMap<&str, Vec<&Publication>> = HashMap::new();
        for p in self.publications.values() {
            by_api.entry(p.api_id.as_str()).or_default().push(p);
        }
        by_api
    }

    /// The publication of `api_id` in `env_id`, if the API is published there (the first in
    /// publication id order, should a hand-edited state hold two).
    pub fn publication_of(&self, api_id: &str, env_id: &str) -> Option<&Publication> {
        let ids = self.publication_index.get(api_id)?.get(env_id)?;
        ids.first().and_then(|id| self.publications.get(id))
    }

    /// The publications of `api_id`, in publication id order.
    pub fn publications_of(&self, api_id: &str) -> Vec<&Publication> {
        let mut found: Vec<&Publication> = self
            .publication_index
            .get(api_id)
            .into_iter()
            .flat_map(|by_env| by_env.values().flatten())
            .filter_map(|id| self.publications.get(id))
            .collect();
        found.sort_by(|a, b| a.publish_id.cmp(&b.publish_id));
        found
    }

    /// Stores a publication (replacing the one with its id).
    pub fn insert_publication(&mut self, publication: Publication) {
        if let Some(previous) = self.publications.get(&publication.publish_id).cloned() {
            self.unindex_publication(&previous);
        }
        index_publication(&mut self.publication_index, &publication);
        self.publications
            .insert(publication.publish_id.clone(), publication);
    }

    fn unindex_publication(&mut self, publication: &Publication) {
        if let Some(by_env) = self.publication_index.get_mut(&publication.api_id) {
            if let Some(ids) = by_env.get_mut(&publication.env_id) {
                ids.remove(&publication.publish_id);
                if ids.is_empty() {
                    by_env.remove(&publication.env_id);
                }
            }
            if by_env.is_empty() {
                self.publication_index.remove(&publication.api_id);
            }
        }
    }

    /// Rebuilds what is not persisted ([`Db::api_index`], the publications by API) from the
    /// objects, after they were read from a state file.
    pub fn reindex(&mut self) {
        self.api_index = super::apis::ApiIndex::of(&self.apis);
        self.publication_index.clear();
        for p in self.publications.values() {
            index_publication(&mut self.publication_index, p);
        }
    }

    /// Removes a publication and every binding that refers to it.
    pub fn remove_publication(&mut self, publish_id: &str) {
        let Some(publication) = self.publications.remove(publish_id) else {
            return;
        };
        self.unindex_publication(&publication);
        self.throttle_bindings
            .retain(|_, b| b.publish_id.as_deref() != Some(publish_id));
        self.acl_bindings.retain(|_, b| {
            !(b.api_id.as_deref() == Some(&publication.api_id)
                && b.env_id.as_deref() == Some(&publication.env_id))
        });
        self.plugin_bindings.retain(|_, b| {
            !(b.api_id.as_deref() == Some(&publication.api_id)
                && b.env_id.as_deref() == Some(&publication.env_id))
        });
        self.app_auths
            .retain(|_, a| !(a.api_id == publication.api_id && a.env_id == publication.env_id));
        for version in self.versions.values_mut() {
            if version.api_id == publication.api_id && version.env_id == publication.env_id {
                version.status = 2;
            }
        }
    }
}

/// Publication ids by API id and environment id ([`Db::publication_of`]).
type PublicationIndex = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn index_publication(index: &mut PublicationIndex, p: &Publication) {
    index
        .entry(p.api_id.clone())
        .or_default()
        .entry(p.env_id.clone())
        .or_default()
        .insert(p.publish_id.clone());
}

/// Why the state file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// Reading or writing failed.
    #[error("state file {path}: {source}")]
    Io {
        /// The state file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a state file.
    #[error(
        "{}:{line}:{column}: the state file is not valid emulator state: {message}; repair it, or move it away to start with an empty gateway",
        path.display()
    )]
    Corrupt {
        /// The state file.
        path: PathBuf,
        /// Where in it (1-based; column 0 when the file as a whole is wrong).
        line: usize,
        /// See `line`.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

/// The store: the objects and where they persist.
#[derive(Debug)]
pub struct Store {
    db: RwLock<Db>,
    file: Option<PathBuf>,
    /// `<state file>.lock`, locked while the store is open: a second server on the same file
    /// would overwrite the first one's writes with its own view (the lock goes with the
    /// process, so a killed server leaves no stale lock behind).
    _lock: Option<std::fs::File>,
}

/// Locks `<path>.lock` for this process, or says which server holds it.
fn lock(path: &Path) -> Result<std::fs::File, StateError> {
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push(".lock");
    let lock_path = PathBuf::from(lock_path);
    let io = |source| StateError::Io {
        path: lock_path.clone(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(io(std::io::Error::new(
            std::io::ErrorKind::WouldBlock,
            format!(
                "another `apigctl serve` uses the state file {}; stop it, or give this one another --state file",
                path.display()
            ),
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
    }
}

impl Store {
    /// An in-memory store, or one loaded from `file` (created empty when absent).
    ///
    /// # Errors
    ///
    /// The file exists but cannot be read or parsed, or another server has it open.
    pub fn open(file: Option<PathBuf>) -> Result<Store, StateError> {
        let (db, lock) = match &file {
            Some(path) => {
                // A state file that cannot be created would fail every write with APIG.9999
                // after the server said it was listening: refuse to start instead.
                let dir = match path.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d,
                    _ => Path::new("."),
                };
                if !path.exists() && !dir.is_dir() {
                    return Err(StateError::Io {
                        path: path.clone(),
                        source: std::io::Error::new(
                            std::io::ErrorKind::NotFound,
                            format!(
                                "its directory {} does not exist; create it, or give a --state path in an existing directory",
                                dir.display()
                            ),
                        ),
                    });
                }
                let lock = lock(path)?;
                (load(path)?, Some(lock))
            }
            None => (Db::default(), None),
        };
        Ok(Store {
            db: RwLock::new(db),
            file,
            _lock: lock,
        })
    }

    /// Shared read access.
    pub async fn read(&self) -> RwLockReadGuard<'_, Db> {
        self.db.read().await
    }

    /// Runs `change` with exclusive access; when it succeeds, makes the new state durable before
    /// returning. A failure to persist restores the previous state and reports APIG.9999.
    ///
    /// Blocks: call it outside the async runtime (`spawn_blocking`).
    pub fn write<T>(
        &self,
        change: impl FnOnce(&mut Db) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut db = self.db.blocking_write();
        let value = change(&mut db)?;
        if let Some(path) = &self.file {
            let persisted = serde_json::to_vec(&*db)
                .map_err(std::io::Error::other)
                .and_then(|bytes| crate::fsutil::write_atomically(path, &bytes));
            if let Err(e) = persisted {
                eprintln!("apigctl serve: cannot persist state: {e}");
                if let Ok(previous) = load(path) {
                    *db = previous;
                }
                return Err(ApiError::internal());
            }
        }
        Ok(value)
    }
}

/// serde_json's message without its " at line L column C", which [`StateError`] writes first.
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// Reads the state file `path`: absent, empty or only white space, an empty gateway (as
/// `touch state.json` makes one); otherwise UTF-8 JSON (a byte order mark is skipped) holding
/// the state object, else a [`StateError::Corrupt`] at the offending place.
fn load(path: &Path) -> Result<Db, StateError> {
    let read = std::fs::read(path).map(|mut bytes| {
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        bytes
    });
    match read {
        Ok(bytes) if bytes.trim_ascii().is_empty() => Ok(Db::default()),
        Ok(bytes) if std::str::from_utf8(&bytes).is_err() => {
            let valid = std::str::from_utf8(&bytes).map_or_else(|e| e.valid_up_to(), |s| s.len());
            let before = &bytes[..valid];
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            // Columns count characters, as serde_json's do not but editors do.
            let column = 1 + String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count();
            Err(StateError::Corrupt {
                path: path.to_owned(),
                line: 1 + before.iter().filter(|&&b| b == b'\n').count(),
                column,
                message: format!(
                    "not UTF-8 text (byte 0x{:02X}): a state file is the JSON `apigctl serve` writes",
                    bytes.get(valid).copied().unwrap_or_default()
                ),
            })
        }
        // A state is an object; serde would also take the fields as an array (`[]`).
        Ok(bytes) if !bytes.trim_ascii_start().starts_with(b"{") => {
            // Where the first thing that is not white space is.
            let skipped = &bytes[..bytes.len() - bytes.trim_ascii_start().len()];
            let line_start = skipped
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            Err(StateError::Corrupt {
                path: path.to_owned(),
                line: 1 + skipped.iter().filter(|&&b| b == b'\n').count(),
                column: 1 + skipped.len() - line_start,
                message: "expected a JSON object".to_owned(),
            })
        }
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(|mut db: Db| {
                db.reindex();
                db
            })
            .map_err(|e| StateError::Corrupt {
                path: path.to_owned(),
                line: e.line(),
                column: e.column(),
                message: without_position(&e),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Db::default()),
        Err(source) => Err(StateError::Io {
            path: path.to_owned(),
            source,
        }),
    }
}

static ID_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh gateway-style id: 32 lower-case hex characters, unique across restarts (the process
/// start time and id are hashed in).
pub fn new_id() -> String {
    let count = ID_COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut hasher = Sha256::new();
    hasher.update(nanos.to_le_bytes());
    hasher.update(std::process::id().to_le_bytes());
    hasher.update(count.to_le_bytes());
    let digest = hasher.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The current time as the gateway writes it (`2020-07-31T06:55:55.383169299Z`).
pub fn now() -> String {
    let time = SystemTime::now();
    let compact = crate::gateway::signing::format_date(time);
    let nanos = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    // `compact` is YYYYMMDDTHHMMSSZ.
    format!(
        "{}-{}-{}T{}:{}:{}.{nanos:09}Z",
        &compact[0..4],
        &compact[4..6],
        &compact[6..8],
        &compact[9..11],
        &compact[11..13],
        &compact[13..15]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publication(publish_id: &str, api_id: &str, env_id: &str) -> Publication {
        Publication {
            publish_id: publish_id.to_owned(),
            api_id: api_id.to_owned(),
            env_id: env_id.to_owned(),
            remark: None,
            publish_time: "2020-01-01T00:00:00Z".to_owned(),
            version_id: "v".to_owned(),
        }
    }

    /// One server per state file: a second store on it is refused, naming the file, until the
    /// first is closed.
    #[test]
    fn a_state_file_is_used_by_one_store_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let first = Store::open(Some(path.clone())).unwrap();
        match Store::open(Some(path.clone())) {
            Err(StateError::Io { source, .. }) => {
                assert!(
                    source
                        .to_string()
                        .contains("another `apigctl serve` uses the state file"),
                    "{source}"
                );
            }
            other => panic!("{other:?}"),
        }
        drop(first);
        assert!(Store::open(Some(path)).is_ok());
    }

    /// The publications by API are found as a scan of every publication finds them: after
    /// inserts, replacements and removals, and in a store read back from its file.
    #[test]
    fn publications_are_found_by_api_as_a_scan_finds_them() {
        let mut db = Db::default();
        db.insert_publication(publication("p2", "a", "DEV"));
        db.insert_publication(publication("p1", "a", "TEST"));
        db.insert_publication(publication("p3", "b", "DEV"));
        // Moved to another environment under the same id.
        db.insert_publication(publication("p3", "b", "TEST"));
        db.remove_publication("p2");
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), serde_json::to_vec(&db).unwrap()).unwrap();
        let loaded = load(file.path()).unwrap();
        for db in [&db, &loaded] {
            for api in ["a", "b", "c"] {
                let scanned: Vec<&str> = db
                    .publications
                    .values()
                    .filter(|p| p.api_id == api)
                    .map(|p| p.publish_id.as_str())
                    .collect();
                let found: Vec<&str> = db
                    .publications_of(api)
                    .iter()
                    .map(|p| p.publish_id.as_str())
                    .collect();
                assert_eq!(found, scanned, "{api}");
                for env in ["DEV", "TEST"] {
                    let scan = db
                        .publications
                        .values()
                        .find(|p| p.api_id == api && p.env_id == env);
                    assert_eq!(
                        db.publication_of(api, env).map(|p| &p.publish_id),
                        scan.map(|p| &p.publish_id),
                        "{api} {env}"
                    );
                }
            }
        }
        assert_eq!(db.publication_of("b", "DEV").map(|p| &p.publish_id), None);
    }
}
