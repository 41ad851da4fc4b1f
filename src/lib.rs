//! apigctl: import, export, lint and sync API-gateway definitions kept as OpenAPI documents.
//!
//! Data flows one way: [`source`] loads text into a spanned tree, [`openapi`] gives typed
//! access to it, `convert` turns it into a [`model`] gateway definition, `lint` checks it,
//! `report` prints findings, and `sync` pushes it to a gateway.

pub mod commands;
pub mod convert;
pub mod diagnostic;
pub mod emulator;
pub mod fsutil;
pub mod gateway;
pub mod lint;
pub mod model;
pub mod openapi;
pub mod report;
pub mod source;
pub mod sync;
pub mod teardown;
pub mod timings;
