//! OpenAPI import (API Reference 3.16.2) and export (3.16.1). Not emulated yet: both answer
//! 501 so a client sees clearly that the emulator lacks them.

use super::state::Db;
use super::{ApiError, Reply, Req};

/// `POST /openapi/import` (3.16.2).
pub fn import(_: &mut Db, _: &Req) -> Result<Reply, ApiError> {
    Err(ApiError::new(
        501,
        "APIG.9999",
        "OpenAPI import is not emulated yet",
    ))
}

/// `POST /openapi/export` (3.16.1).
pub fn export(_: &Db, _: &Req) -> Result<Reply, ApiError> {
    Err(ApiError::new(
        501,
        "APIG.9999",
        "OpenAPI export is not emulated yet",
    ))
}
