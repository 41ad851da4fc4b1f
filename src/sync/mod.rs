//! Sync: read a live group ([`live`]), compare it with a definition ([`plan`]), make the gateway
//! match ([`apply`]), or write the live group back out ([`dump`]).

pub mod apply;
pub mod dump;
pub mod live;
pub mod names;
pub mod plan;
