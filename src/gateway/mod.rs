//! Talking to a Huawei Cloud APIG gateway over its v2 REST API: request signing, configuration,
//! the HTTP client (authentication, paging, retries, error codes) and typed operations.

pub mod client;
pub mod config;
pub mod error;
pub mod ops;
pub mod signing;

pub use client::{Client, RequestStats};
pub use config::{Auth, ConfigOverrides, GatewayConfig};
pub use error::{ErrorKind, GatewayError};
