//! Authentication: an `SDK-HMAC-SHA256` (or `V11-HMAC-SHA256`) signature by a configured access
//! key with an `X-Sdk-Date` within 15 minutes (`gateway::signing::verify`), or a configured
//! `X-Auth-Token`. Anything else is 401 APIG.1002.

use std::time::SystemTime;

use crate::gateway::signing::{SignableRequest, verify};

use super::{ApiError, Config};

/// Checks one request.
///
/// # Errors
///
/// 401 APIG.1002 naming what is wrong (no credentials, unknown token or access key, bad
/// signature, skewed date).
pub fn authenticate(
    config: &Config,
    method: &str,
    raw_path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    body: &[u8],
) -> Result<(), ApiError> {
    let request = SignableRequest {
        method,
        path: raw_path,
        query,
        headers,
        body,
    };
    if let Some(token) = request.header("x-auth-token") {
        return if config.tokens.iter().any(|t| t == token) {
            Ok(())
        } else {
            Err(ApiError::unauthorized("unknown X-Auth-Token"))
        };
    }
    let secret_for = |ak: &str| {
        config
            .credentials
            .iter()
            .find(|(k, _)| k == ak)
            .map(|(_, sk)| sk.as_str())
    };
    verify(&request, secret_for, SystemTime::now())
        .map(|_| ())
        .map_err(|e| ApiError::unauthorized(&e.to_string()))
}
