//! Where the gateway is and how to authenticate: flags, then environment variables, then a
//! configuration file. Secrets are held in types whose `Debug` does not show them.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::report::FileReport;
use crate::source::{Document, Input, Limits, LoadError, SourceFile, Sources, Value, load};

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
#[derive(Default)]
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

/// The keys of the configuration file.
const FILE_KEYS: [&str; 8] = [
    "endpoint",
    "region",
    "project_id",
    "instance_id",
    "access_key",
    "secret_key",
    "security_token",
    "auth_token",
];

impl ConfigFile {
    /// Where the value of `key` goes; `None` for a key the file does not have.
    fn slot(&mut self, key: &str) -> Option<&mut Option<String>> {
        Some(match key {
            "endpoint" => &mut self.endpoint,
            "region" => &mut self.region,
            "project_id" => &mut self.project_id,
            "instance_id" => &mut self.instance_id,
            "access_key" => &mut self.access_key,
            "secret_key" => &mut self.secret_key,
            "security_token" => &mut self.security_token,
            "auth_token" => &mut self.auth_token,
            _ => return None,
        })
    }
}

/// Why no usable configuration could be put together.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    /// What is wrong, in one line.
    pub message: String,
    /// When the configuration file is what is wrong: its mistakes, each at its place, to
    /// render with [`crate::report`]. Its text is held with every value masked (see
    /// [`masked`]): a snippet never shows a secret.
    pub report: Option<Box<FileReport>>,
}

impl ConfigError {
    fn new(message: String) -> ConfigError {
        ConfigError {
            message,
            report: None,
        }
    }
}

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
            return Err(ConfigError::new(format!(
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
                return Err(ConfigError::new(format!(
                    "an access key is set but no secret key: set {ENV_SK} or `secret_key` in the configuration file"
                )));
            }
            (None, Some(_), None) => {
                return Err(ConfigError::new(format!(
                    "a secret key is set but no access key: set {ENV_AK} or `access_key` in the configuration file"
                )));
            }
            (_, _, Some(token)) => Auth::Token(token),
            (None, None, None) => {
                return Err(ConfigError::new(format!(
                    "no credentials: set {ENV_AK} and {ENV_SK} (or `access_key` and `secret_key` in the configuration file), or an IAM token in {ENV_AUTH_TOKEN}"
                )));
            }
        };
        let mut config = GatewayConfig::new(&endpoint, &project_id, &instance_id, auth);
        config.region = region;
        if let Some(parallelism) = overrides.parallelism {
            if parallelism == 0 {
                return Err(ConfigError::new(
                    "--parallelism must be at least 1".to_owned(),
                ));
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
    ConfigError::new(format!(
        "no {what}: pass {flag}, set {var}, or put `{key}` in the configuration file (--config)"
    ))
}

/// Reads the configuration file. Every mistake in it (its syntax, a key it does not have, a
/// value that is not a string) is a diagnostic at its place, as `apigctl lint` reports the
/// mistakes of `.apigctl.yaml`.
fn read_config_file(path: &Path) -> Result<ConfigFile, ConfigError> {
    let name = path.display().to_string();
    let mut sources = Sources::new();
    let mistakes = match load(
        &Input::Path(path.to_path_buf()),
        &mut sources,
        &Limits::default(),
    ) {
        Err(LoadError::Io { source, .. }) => {
            return Err(ConfigError::new(format!("cannot read {name}: {source}")));
        }
        Err(LoadError::Invalid(d)) => vec![*d],
        Ok(document) => match fields(&document) {
            Ok(file) => return Ok(file),
            Err(mistakes) => mistakes,
        },
    };
    // What the diagnostics show of the file: its keys, no value; their places move along.
    let mut shown = Sources::new();
    let mut maps = Vec::new();
    for (id, file) in sources.iter() {
        let (text, map) = masked(&file.text);
        shown.add(SourceFile::new(file.name.clone(), file.path.clone(), text));
        maps.push((id, map));
    }
    let mut mistakes = mistakes;
    for d in &mut mistakes {
        let locations = d
            .primary
            .iter_mut()
            .chain(d.related.iter_mut().map(|r| &mut r.location));
        for l in locations {
            if let Some((_, map)) = maps.iter().find(|(id, _)| *id == l.file) {
                l.span = map.span(l.span);
            }
        }
    }
    let mut report = FileReport {
        name: name.clone(),
        sources: shown,
        diagnostics: mistakes,
    };
    report.sort();
    Err(ConfigError {
        message: format!("invalid gateway configuration {name}"),
        report: Some(Box::new(report)),
    })
}

/// The settings of a loaded configuration file, or its mistakes.
fn fields(document: &Document) -> Result<ConfigFile, Vec<Diagnostic>> {
    let mut file = ConfigFile::default();
    let mut mistakes = Vec::new();
    let mut mistake = |span, message: String, help: String| {
        mistakes.push(
            Diagnostic::error("config-invalid", message)
                .at(document.file, span)
                .help(help),
        );
    };
    match &document.root.value {
        // An empty file sets nothing.
        Value::Null => {}
        Value::Map(map) => {
            for entry in &map.entries {
                let key = &*entry.key.name;
                let Some(slot) = file.slot(key) else {
                    let help = match did_you_mean(key, FILE_KEYS.into_iter()) {
                        Some(near) => format!("did you mean `{near}`?"),
                        // The keys of `.apigctl.yaml`, which `lint --config` takes: the same
                        // flag name on `diff`/`sync`/`dump` names the connection file.
                        None if crate::lint::config::TOP_KEYS.contains(&key) => {
                            format!(
                                "this looks like a lint configuration (`.apigctl.yaml`, which `apigctl lint --config` takes and `diff`/`sync` find by themselves); here --config (or APIGCTL_CONFIG) names the gateway connection file, whose keys are: {}",
                                FILE_KEYS.join(", ")
                            )
                        }
                        None => format!(
                            "the keys of the gateway configuration are: {}",
                            FILE_KEYS.join(", ")
                        ),
                    };
                    mistake(
                        entry.key.span,
                        format!("unknown key `{key}` in the gateway configuration"),
                        help,
                    );
                    continue;
                };
                match &entry.value.value {
                    Value::String(value) => *slot = Some(value.to_string()),
                    Value::Null => {}
                    other => mistake(
                        entry.value.span,
                        format!("`{key}` must be a string, not a {}", other.kind()),
                        format!(
                            "give `{key}` one string; quote a value that would read as a number or boolean"
                        ),
                    ),
                }
            }
        }
        other => mistake(
            document.root.span,
            format!(
                "the gateway configuration must be a mapping, not a {}",
                other.kind()
            ),
            format!(
                "write one `key: value` per line; the keys are: {}",
                FILE_KEYS.join(", ")
            ),
        ),
    }
    if mistakes.is_empty() {
        Ok(file)
    } else {
        Err(mistakes)
    }
}

/// What a masked value stands in for: the bytes `from` in the file, written as [`MASK`] at
/// `to` in the masked text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Masked {
    from: (u32, u32),
    to: u32,
}

/// What every value of a configuration file is shown as: as long whatever it hides, so a
/// snippet tells neither a secret nor its length.
const MASK: &str = "****";

/// `text` with what follows the key at the start of each line (`secret_key:`,
/// `  "endpoint":`) up to the line's end, or the whole line when it starts with no key,
/// written as [`MASK`] (indentation and line ends stay): the snippets of the file's
/// diagnostics show where a mistake is, never a value, and so never a secret key or a token
/// nor its length, however the file is written (flow mappings, block scalars and comments are
/// masked whole). With what was masked where, to move the diagnostics' spans along
/// ([`MaskMap::place`]).
fn masked(text: &str) -> (String, MaskMap) {
    let mut out = String::with_capacity(text.len());
    let mut map = MaskMap::default();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let keep = key_prefix(line);
        let rest = &line[keep..];
        let value = rest.trim();
        out.push_str(&line[..keep]);
        if value.is_empty() {
            out.push_str(rest);
        } else {
            let lead = rest.len() - rest.trim_start().len();
            let trail = &rest[lead + value.len()..];
            out.push_str(&rest[..lead]);
            let from = at + keep + lead;
            map.0.push(Masked {
                from: (offset(from), offset(from + value.len())),
                to: offset(out.len()),
            });
            out.push_str(MASK);
            out.push_str(trail);
        }
        at += line.len();
    }
    (out, map)
}

/// A byte offset as spans hold it (a configuration file is far below 4 GiB: the loader's
/// limit).
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Where the values [`masked`] replaced were, in order.
#[derive(Debug, Default)]
struct MaskMap(Vec<Masked>);

impl MaskMap {
    /// The place in the masked text of the byte offset `at` of the file: a place inside a
    /// masked value is its mask's start, or with `end` its mask's end.
    fn place(&self, at: u32, end: bool) -> u32 {
        let Some(m) = self.0.iter().rev().find(|m| m.from.0 <= at) else {
            return at;
        };
        let mask = offset(MASK.len());
        if at >= m.from.1 {
            m.to + mask + (at - m.from.1)
        } else if at == m.from.0 || !end {
            m.to
        } else {
            m.to + mask
        }
    }

    /// `span` moved into the masked text.
    fn span(&self, span: crate::source::Span) -> crate::source::Span {
        crate::source::Span {
            start: self.place(span.start, false),
            end: self
                .place(span.end, true)
                .max(self.place(span.start, false)),
        }
    }
}

/// The length of `line`'s indentation and plain key with its colon (`  key:`, `"key" :`), or 0.
fn key_prefix(line: &str) -> usize {
    let body = line.trim_start_matches([' ', '\t']);
    let quote = body.chars().next().filter(|c| matches!(c, '"' | '\''));
    let name_start = quote.map_or(0, char::len_utf8);
    let name_len = body[name_start..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(body.len() - name_start);
    if name_len == 0 {
        return 0;
    }
    let mut end = name_start + name_len;
    if let Some(q) = quote {
        if !body[end..].starts_with(q) {
            return 0;
        }
        end += q.len_utf8();
    }
    let after = &body[end..];
    let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
    if !after[spaces..].starts_with(':') {
        return 0;
    }
    line.len() - body.len() + end + spaces + 1
}

#[cfg(test)]
mod tests {
    use super::{masked, offset};

    /// Keys stay, values go, whatever the syntax, each as one mask of one length: neither a
    /// secret nor its length shows.
    #[test]
    fn masked_text_shows_keys_and_no_value() {
        for (text, shown) in [
            (
                "endpoint: http://x\nsecret_key: s3cr\u{e9}t\n",
                "endpoint: ****\nsecret_key: ****\n",
            ),
            (
                "{\n  \"secret_key\" : \"abc\",\n  'auth_token': x\n}",
                "****\n  \"secret_key\" : ****\n  'auth_token': ****\n****",
            ),
            (
                "secret_key: >\n  folded secret\n# secret_key: old\n- item: x\n",
                "secret_key: ****\n  ****\n****\n****\n",
            ),
            ("{secret_key: abc}", "****"),
            ("\"unterminated: x", "****"),
            ("a: 1\n\nsecret_key:   \n", "a: ****\n\nsecret_key:   \n"),
        ] {
            assert_eq!(masked(text).0, shown, "{text}");
        }
        // A short secret and a long one look the same.
        assert_eq!(
            masked("secret_key: ab\n").0,
            masked("secret_key: abcdefghijklmnopqrstuvwxyz0123456789\n").0
        );
    }

    /// The places of diagnostics move with the masks: a value's span becomes its mask's, and
    /// what follows a mask shifts by the difference.
    #[test]
    fn spans_move_with_the_masks() {
        use crate::source::Span;
        let text = "auth_token: 4242424242\nregion: [eu-west-101]\nendpont: x\n";
        let (shown, map) = masked(text);
        assert_eq!(shown, "auth_token: ****\nregion: ****\nendpont: ****\n");
        let moved = |start: usize, end: usize| {
            let span = map.span(Span {
                start: offset(start),
                end: offset(end),
            });
            &shown[span.start as usize..span.end as usize]
        };
        let value = |v: &str| {
            let at = text.find(v).unwrap_or_default();
            (at, at + v.len())
        };
        let (a, b) = value("4242424242");
        assert_eq!(moved(a, b), "****");
        let (a, b) = value("[eu-west-101]");
        assert_eq!(moved(a, b), "****");
        // Part of a value is its whole mask.
        assert_eq!(moved(a + 1, a + 3), "****");
        let (a, b) = value("endpont");
        assert_eq!(moved(a, b), "endpont");
        assert_eq!(moved(0, 10), "auth_token");
    }
}
