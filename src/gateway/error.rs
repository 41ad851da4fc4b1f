//! What can go wrong talking to a gateway, with enough context to act on it: the operation, the
//! object, the gateway's `error_code`/`error_msg` and the request id to quote to support.

use std::fmt;

/// A failed gateway operation.
#[derive(Debug, thiserror::Error)]
pub struct GatewayError {
    /// What was being done, e.g. `create API`.
    pub operation: String,
    /// Which object, e.g. `get_order`; empty for gateway-wide operations.
    pub object: String,
    /// What went wrong (boxed: errors travel in `Result`s everywhere).
    pub kind: Box<ErrorKind>,
}

/// The kinds of [`GatewayError`].
#[derive(Debug)]
pub enum ErrorKind {
    /// The gateway answered with an error status.
    Api {
        /// HTTP status.
        status: u16,
        /// `error_code` of the answer (`APIG.0301`), when the body had one.
        error_code: Option<String>,
        /// `error_msg` of the answer, or the start of a non-JSON body.
        error_msg: String,
        /// `X-Request-Id` of the answer.
        request_id: Option<String>,
    },
    /// The request did not get an answer (connection refused or dropped, timeout, TLS).
    Transport(String),
    /// The answer could not be read as the expected JSON.
    Decode(String),
    /// The request could not be built (bad endpoint, signing failure, unresolved name).
    Request(String),
    /// The request was not sent: the run was interrupted ([`crate::gateway::Client::stop`]).
    Interrupted,
}

impl GatewayError {
    /// An error of `kind` while doing `operation` on `object`.
    pub fn new(operation: impl Into<String>, object: impl Into<String>, kind: ErrorKind) -> Self {
        GatewayError {
            operation: operation.into(),
            object: object.into(),
            kind: Box::new(kind),
        }
    }

    /// The HTTP status, for errors the gateway answered.
    pub fn status(&self) -> Option<u16> {
        match &*self.kind {
            ErrorKind::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the request was not sent because the run was interrupted.
    pub fn is_interrupted(&self) -> bool {
        matches!(*self.kind, ErrorKind::Interrupted)
    }

    /// Whether the gateway said the object does not exist.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }
}

/// What a request [`ErrorKind::Interrupted`] says.
pub const INTERRUPTED: &str = "not sent: the run was interrupted";

impl fmt::Display for GatewayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.object.is_empty() {
            write!(f, "{}: ", self.operation)?;
        } else {
            write!(f, "{} `{}`: ", self.operation, self.object)?;
        }
        match &*self.kind {
            ErrorKind::Api {
                status,
                error_code,
                error_msg,
                request_id,
            } => {
                write!(f, "HTTP {status}")?;
                if let Some(code) = error_code {
                    write!(f, " {code}")?;
                }
                if !error_msg.is_empty() {
                    write!(f, ": {error_msg}")?;
                }
                if let Some(id) = request_id {
                    write!(f, " (request id {id})")?;
                }
                if let Some(hint) = hint(*status, error_code.as_deref()) {
                    write!(f, "\n  help: {hint}")?;
                }
                Ok(())
            }
            ErrorKind::Transport(message) => write!(f, "no answer from the gateway: {message}"),
            ErrorKind::Decode(message) => write!(f, "unexpected answer: {message}"),
            ErrorKind::Request(message) => f.write_str(message),
            ErrorKind::Interrupted => f.write_str(INTERRUPTED),
        }
    }
}

/// What to check for the errors users cause most often.
fn hint(status: u16, code: Option<&str>) -> Option<&'static str> {
    match (status, code) {
        (401, _) | (_, Some("APIG.0301" | "APIG.0302" | "APIG.0303")) => Some(
            "the gateway rejected the credentials: check that the secret key (HUAWEICLOUD_SDK_SK) belongs to the access key (HUAWEICLOUD_SDK_AK), that the token has not expired, and that the clock is within 15 minutes of the gateway's",
        ),
        (403, Some("APIC.7130")) => Some(
            "the gateway is in another project: check --project-id (HUAWEICLOUD_SDK_PROJECT_ID)",
        ),
        (403, _) => Some("the credentials lack the permission for this operation"),
        (404, Some("APIG.0101")) => Some(
            "the gateway has no operation at this path: check that --endpoint is the gateway's address with no path of its own (https://apig.REGION.myhuaweicloud.com)",
        ),
        (404, Some("APIG.3030")) => Some("check --instance-id (the gateway id)"),
        (_, None) => Some(
            "the answer is not the gateway's: check --endpoint (https://apig.REGION.myhuaweicloud.com, --region, or an `apigctl serve` address)",
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(status: u16, code: &str) -> String {
        let kind = ErrorKind::Api {
            status,
            error_code: Some(code.to_owned()),
            error_msg: "message".to_owned(),
            request_id: None,
        };
        GatewayError::new("list environments", "", kind).to_string()
    }

    /// The errors users cause most often say what to check: the project id, and an endpoint
    /// with a path of its own.
    #[test]
    fn a_wrong_project_or_endpoint_path_says_what_to_check() {
        assert_eq!(
            said(403, "APIC.7130"),
            "list environments: HTTP 403 APIC.7130: message\n  help: the gateway is in another project: check --project-id (HUAWEICLOUD_SDK_PROJECT_ID)"
        );
        assert!(
            said(404, "APIG.0101").ends_with(
                "help: the gateway has no operation at this path: check that --endpoint is the gateway's address with no path of its own (https://apig.REGION.myhuaweicloud.com)"
            )
        );
        assert!(
            said(403, "APIG.1005")
                .ends_with("help: the credentials lack the permission for this operation")
        );
    }
}
