//! Test-only fault injection (`apigctl serve --inject-faults SPEC --fault-seed N`, hidden).
//!
//! `SPEC` is a comma-separated list of `KIND[@PHASE]:PROBABILITY`:
//!
//! - `KIND`: `500` (answer 500 APIG.9999), `429` (answer 429 APIG.9008), `drop` (close the
//!   connection without a complete answer) or `slow` (answer as usual, [`SLOW`] late: a
//!   request a test can interrupt while it is in flight).
//! - `PHASE`: `before` (the default) injects the fault *instead of* running the operation, so a
//!   write is **not** applied; `after` runs the operation first, so a write **is** applied and
//!   durable, and then replaces the answer with the fault. `after` is what exposes clients that
//!   retry a create blindly and end up with duplicates.
//! - `PROBABILITY`: between 0 and 1.
//!
//! One roll per authenticated request (the stats endpoint and rejected requests never fail):
//! the kinds are tried in order, each with its probability of the whole, so
//! `500:0.1,drop@after:0.05` fails 10 % of requests before and drops 5 % after. The dice are
//! seeded (`--fault-seed`, default 0), so a run is reproducible for a given request order.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Response, header};

/// What goes wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// 500 APIG.9999.
    Status500,
    /// 429 APIG.9008.
    Status429,
    /// Connection closed without a complete answer.
    Drop,
    /// The usual answer, [`SLOW`] late.
    Slow,
}

/// How late a `slow` fault answers.
pub const SLOW: std::time::Duration = std::time::Duration::from_millis(300);

/// When it goes wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Instead of the operation: nothing is applied.
    Before,
    /// After the operation: a write is applied and durable, its answer is lost.
    After,
}

/// One injected fault.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fault {
    /// What.
    pub kind: Kind,
    /// When.
    pub phase: Phase,
    /// Probability per request.
    pub probability: f64,
}

impl Fault {
    /// `500`, `429@after`, `drop`, ...: the key under which the stats count it.
    pub fn label(&self) -> String {
        let kind = match self.kind {
            Kind::Status500 => "500",
            Kind::Status429 => "429",
            Kind::Drop => "drop",
            Kind::Slow => "slow",
        };
        match self.phase {
            Phase::Before => kind.to_owned(),
            Phase::After => format!("{kind}@after"),
        }
    }
}

/// The faults to inject and the seed of the dice.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultPlan {
    /// Faults, tried in order.
    pub faults: Vec<Fault>,
    /// Seed.
    pub seed: u64,
}

impl FaultPlan {
    /// Parses `KIND[@PHASE]:PROBABILITY,...`.
    ///
    /// # Errors
    ///
    /// A message naming the bad entry.
    pub fn parse(spec: &str, seed: u64) -> Result<FaultPlan, String> {
        let mut faults = Vec::new();
        let mut total = 0.0;
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let bad = || {
                format!(
                    "bad fault `{entry}`: expected KIND[@before|@after]:PROBABILITY with KIND 500, 429, drop or slow"
                )
            };
            let (what, probability) = entry.split_once(':').ok_or_else(bad)?;
            let probability: f64 = probability.parse().map_err(|_| bad())?;
            if !(0.0..=1.0).contains(&probability) {
                return Err(bad());
            }
            let (kind, phase) = match what.split_once('@') {
                Some((kind, "before")) => (kind, Phase::Before),
                Some((kind, "after")) => (kind, Phase::After),
                Some(_) => return Err(bad()),
                None => (what, Phase::Before),
            };
            let kind = match kind {
                "500" => Kind::Status500,
                "429" => Kind::Status429,
                "drop" => Kind::Drop,
                "slow" => Kind::Slow,
                _ => return Err(bad()),
            };
            total += probability;
            faults.push(Fault {
                kind,
                phase,
                probability,
            });
        }
        if total > 1.0 {
            return Err(format!(
                "fault probabilities add up to {total}, more than 1"
            ));
        }
        Ok(FaultPlan { faults, seed })
    }
}

/// A seeded pseudo-random generator (SplitMix64): reproducible, no dependency.
#[derive(Debug)]
pub struct Dice(u64);

impl Dice {
    /// Dice with `seed`.
    pub fn new(seed: u64) -> Dice {
        Dice(seed)
    }

    fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The fault for this request, if any.
    pub fn roll(&mut self, plan: &FaultPlan) -> Option<Fault> {
        if plan.faults.is_empty() {
            return None;
        }
        let x = self.next_f64();
        let mut edge = 0.0;
        for fault in &plan.faults {
            edge += fault.probability;
            if x < edge {
                return Some(*fault);
            }
        }
        None
    }
}

/// A body that fails at once: hyper then closes the connection, so the client sees the
/// answer cut off (a connection error), never a complete response.
struct Broken;

impl http_body::Body for Broken {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::other("injected connection drop"))))
    }
}

/// The answer of a `drop` fault.
pub fn dropped_connection() -> Response<Body> {
    let mut response = Response::new(Body::new(Broken));
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("64"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kinds_phases_and_rejects_nonsense() {
        let plan = FaultPlan::parse("500:0.1, 429@before:0.2,drop@after:0.05", 7).unwrap();
        assert_eq!(plan.faults.len(), 3);
        assert_eq!(plan.faults[2].kind, Kind::Drop);
        assert_eq!(plan.faults[2].phase, Phase::After);
        assert_eq!(plan.faults[2].label(), "drop@after");
        assert!(FaultPlan::parse("503:0.1", 0).is_err());
        assert!(FaultPlan::parse("500:1.5", 0).is_err());
        assert!(FaultPlan::parse("500:0.6,drop:0.6", 0).is_err());
        assert!(FaultPlan::parse("500@later:0.1", 0).is_err());
    }

    #[test]
    fn dice_follow_the_probabilities() {
        let plan = FaultPlan::parse("500:0.25,drop:0.25", 1).unwrap();
        let mut dice = Dice::new(1);
        let hits = (0..10_000).filter(|_| dice.roll(&plan).is_some()).count();
        assert!((4_500..5_500).contains(&hits), "{hits}");
        let mut never = Dice::new(1);
        assert!((0..100).all(|_| never.roll(&FaultPlan::default()).is_none()));
    }
}
