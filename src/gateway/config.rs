//! Where the gateway is and how to authenticate: flags, then environment variables, then a
//! configuration file. Secrets are held in types whose `Debug` does not show them.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::signing::Credentials;

/// Access key id, as the official SDK reads it.
pub const ENV_AK: &str = "HUAWEICLOUD_SDK_AK";
/// Secret access key, as the official SDK reads it.
pub const ENV_SK: &str = "HUAWEICLOUD_SDK_SK";
/// Security token of temporary credentials, as the official SDK reads it.
pub const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// Project id, as the official SDK reads it.
pub const ENV_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// Gateway endpoint URL (apigctl's own; the SDK has no such variable).
pub const ENV_ENDPOINT: &str = "APIGCTL_ENDPOINT";
/// Region, used to derive the endpoint when none is given (apigctl's own).
pub const ENV_REGION: &str = "APIGCTL_REGION";
/// Gateway (instance) id (apigctl's own).
pub const ENV_INSTANCE_ID: &str = "APIGCTL_INSTANCE_ID";
/// IAM token sent as `X-Auth-Token` instead of AK/SK signing (apigctl's own).
pub const ENV_AUTH_TOKEN: &str = "APIGCTL_AUTH_TOKEN";
/// Configuration file path (apigctl's own).
pub const ENV_CONFIG: &str = "APIGCTL_CONFIG";

/// How requests are authenticated.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// AK/SK signing (`SDK-HMAC-SHA256`).
    Signed(Credentials),
    /// An IAM token in `X-Auth-Token`.
    Token(String),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Signed(credentials) => f.debug_tuple("Signed").field(credentials).finish(),
            Auth::Token(_) => f.write_str("Token(<redacted>)"),
        }
    }
}

/// Everything the client needs to reach one gateway.
#[derive(Clone, Debug)]
pub struct GatewayConfig {
    /// Base URL, `https://host[:port]` or `http://` (the emulator); no trailing slash.
    pub endpoint: String,
    /// Region, informational once the endpoint is known.
    pub region: Option<String>,
    /// Project id (path segment and `X-Project-Id`).
    pub project_id: String,
    /// Gateway (instance) id.
    pub instance_id: String,
    /// Authentication.
    pub auth: Auth,
    /// Requests in flight at once.
    pub parallelism: usize,
    /// Timeout of one request.
    pub timeout: Duration,
    /// Retries after the first attempt of a retryable request.
    pub max_retries: u32,
    /// First backoff delay; doubled per retry, with full jitter, capped at [`Self::max_backoff`].
    pub base_backoff: Duration,
    /// Longest backoff delay.
    pub max_backoff: Duration,
}

/// Values given on the command line (all optional; missing ones come from the environment and
/// the configuration file).
#[derive(Clone, Debug, Default)]
pub struct ConfigOverrides {
    /// `--endpoint`.
    pub endpoint: Option<String>,
    /// `--region`.
    pub region: Option<String>,
    /// `--project-id`.
    pub project_id: Option<String>,
    /// `--instance-id`.
    pub instance_id: Option<String>,
    /// `--config`.
    pub config_file: Option<PathBuf>,
    /// `--parallelism`.
    pub parallelism: Option<usize>,
    /// `--timeout` in seconds.
    pub timeout_secs: Option<u64>,
}

/// The configuration file: JSON or YAML with these keys, all optional.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    endpoint: Option<String>,
    region: Option<String>,
    project_id: Option<String>,
    instance_id: Option<String>,
    access_key: Option<String>,
    secret_key: Option<String>,
    security_token: Option<String>,
    auth_token: Option<String>,
}

/// Why no usable configuration could be put together.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl GatewayConfig {
    /// Default parallelism (`--parallelism`).
    pub const DEFAULT_PARALLELISM: usize = 4;
    /// Default per-request timeout.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

    /// A configuration with the defaults for everything but the location and credentials.
    pub fn new(endpoint: &str, project_id: &str, instance_id: &str, auth: Auth) -> Self {
        GatewayConfig {
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            region: None,
            project_id: project_id.to_owned(),
            instance_id: instance_id.to_owned(),
            auth,
            parallelism: Self::DEFAULT_PARALLELISM,
            timeout: Self::DEFAULT_TIMEOUT,
            max_retries: 5,
            base_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }

    /// Resolves the configuration: flags first, then the environment (`env` looks a variable
    /// up; pass `|k| std::env::var(k).ok()`), then the configuration file (`--config`, else
    /// `APIGCTL_CONFIG`).
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming what is missing and where it can be given, or why the file
    /// cannot be read.
    pub fn resolve(
        overrides: &ConfigOverrides,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<GatewayConfig, ConfigError> {
        let env = |name: &str| env(name).filter(|v| !v.is_empty());
        let path = overrides
            .config_file
            .clone()
            .or_else(|| env(ENV_CONFIG).map(PathBuf::from));
        let file = match &path {
            Some(path) => read_config_file(path)?,
            None => ConfigFile::default(),
        };
        let region = overrides
            .region
            .clone()
            .or_else(|| env(ENV_REGION))
            .or(file.region);
        let endpoint = overrides
            .endpoint
            .clone()
            .or_else(|| env(ENV_ENDPOINT))
            .or(file.endpoint)
            .or_else(|| {
                region
                    .as_ref()
                    .map(|r| format!("https://apig.{r}.myhuaweicloud.com"))
            })
            .ok_or_else(|| missing("gateway endpoint", "--endpoint", ENV_ENDPOINT, "endpoint"))?;
        if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
            return Err(ConfigError(format!(
                "endpoint `{endpoint}` must start with https:// (or http:// for a local emulator)"
            )));
        }
        let project_id = overrides
            .project_id
            .clone()
            .or_else(|| env(ENV_PROJECT_ID))
            .or(file.project_id)
            .ok_or_else(|| missing("project id", "--project-id", ENV_PROJECT_ID, "project_id"))?;
        let instance_id = overrides
            .instance_id
            .clone()
            .or_else(|| env(ENV_INSTANCE_ID))
            .or(file.instance_id)
            .ok_or_else(|| {
                missing(
                    "gateway (instance) id",
                    "--instance-id",
                    ENV_INSTANCE_ID,
                    "instance_id",
                )
            })?;
        let access_key = env(ENV_AK).or(file.access_key);
        let secret_key = env(ENV_SK).or(file.secret_key);
        let token = env(ENV_AUTH_TOKEN).or(file.auth_token);
        let auth = match (access_key, secret_key, token) {
            (Some(access_key), Some(secret_key), _) => Auth::Signed(Credentials {
                access_key,
                secret_key,
                security_token: env(ENV_SECURITY_TOKEN).or(file.security_token),
            }),
            (Some(_), None, None) => {
                return Err(ConfigError(format!(
                    "an access key is set but no secret key: set {ENV_SK} or `secret_key` in the configuration file"
                )));
            }
            (None, Some(_), None) => {
                return Err(ConfigError(format!(
                    "a secret key is set but no access key: set {ENV_AK} or `access_key` in the configuration file"
                )));
            }
            (_, _, Some(token)) => Auth::Token(token),
            (None, None, None) => {
                return Err(ConfigError(format!(
                    "no credentials: set {ENV_AK} and {ENV_SK} (or `access_key` and `secret_key` in the configuration file), or an IAM token in {ENV_AUTH_TOKEN}"
                )));
            }
        };
        let mut config = GatewayConfig::new(&endpoint, &project_id, &instance_id, auth);
        config.region = region;
        if let Some(parallelism) = overrides.parallelism {
            if parallelism == 0 {
                return Err(ConfigError("--parallelism must be at least 1".to_owned()));
            }
            config.parallelism = parallelism;
        }
        if let Some(secs) = overrides.timeout_secs {
            config.timeout = Duration::from_secs(secs.max(1));
        }
        Ok(config)
    }
}

fn missing(what: &str, flag: &str, var: &str, key: &str) -> ConfigError {
    ConfigError(format!(
        "no {what}: pass {flag}, set {var}, or put `{key}` in the configuration file (--config)"
    ))
}

fn read_config_file(path: &Path) -> Result<ConfigFile, ConfigError> {
    let bytes = std::fs::read(path)
        .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
    let mut sources = crate::source::Sources::default();
    let document = crate::source::load_bytes(
        path.display().to_string(),
        Some(path.to_path_buf()),
        bytes,
        &mut sources,
        &crate::source::Limits::default(),
    )
    .map_err(|e| ConfigError(format!("{}: not valid JSON or YAML: {e}", path.display())))?;
    serde_json::from_value(document.root.to_json())
        .map_err(|e| ConfigError(format!("{}: {e}", path.display())))
}
