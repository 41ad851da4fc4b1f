//! Talking to a Huawei Cloud APIG gateway over its v2 REST API: request signing, and (with the
//! sync issue) the client with authentication, paging, retries and error codes.

pub mod signing;
