//! Load + span index of the large corpus documents, against a plain parse of the same bytes
//! in the same run. Run with `cargo bench --bench load`; results go to BENCHMARKS.md.
//!
//! Peak memory is measured with a counting global allocator: the highest number of live
//! heap bytes during one load, including the input text the tree is built from.

use std::path::Path;
use std::time::{Duration, Instant};

use apigctl::source::{Limits, Sources, load_bytes};

#[path = "../tests/common/counting.rs"]
mod counting;

const RUNS: usize = 11;

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// Median time and peak live heap above the baseline for `f`.
fn measure(mut f: impl FnMut()) -> (Duration, usize) {
    let mut times = Vec::with_capacity(RUNS);
    let mut peak = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let ((), during) = counting::peak_during(&mut f);
        times.push(t.elapsed());
        peak = peak.max(during);
    }
    (median(times), peak)
}

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let files = [
        "github-api.github.com.3.0.json",
        "stripe-spec3.3.0.yaml",
        "aws-ec2.3.0.json",
        "kubernetes-v1.12-swagger.2.0.json",
        "adyen-management-v3.3.1.yaml",
    ];
    if !corpus.exists() {
        println!(
            "benchmark corpus not found at {}: nothing measured",
            corpus.display()
        );
        return;
    }
    println!(
        "| file | size | spanned load (median) | plain parse (median) | ratio | peak heap | peak / size |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for name in files {
        let path = corpus.join(name);
        let Ok(bytes) = std::fs::read(&path) else {
            println!("| {name} | missing | | | | | |");
            continue;
        };
        let size = bytes.len();
        let (spanned, peak) = measure(|| {
            // The loader owns its input, so the copy is part of what a load costs.
            let mut sources = Sources::new();
            let doc = load_bytes(
                name.into(),
                None,
                bytes.clone(),
                &mut sources,
                &Limits::default(),
            )
            .expect("corpus file loads");
            std::hint::black_box(&doc);
        });
        let (plain, plain_name) = if name.ends_with(".json") {
            let (t, _) = measure(|| {
                let v: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
                std::hint::black_box(&v);
            });
            (t, "serde_json::Value")
        } else {
            let text = std::str::from_utf8(&bytes).expect("UTF-8");
            let (t, _) = measure(|| {
                let mut parser = saphyr_parser::Parser::new_from_str(text);
                let mut events = 0usize;
                while let Some(Ok(_)) = parser.next_event() {
                    events += 1;
                }
                std::hint::black_box(events);
            });
            (t, "saphyr events only")
        };
        println!(
            "| {name} | {:.1} MiB | {:.1} ms | {:.1} ms ({plain_name}) | {:.2}x | {:.1} MiB | {:.2}x |",
            size as f64 / 1048576.0,
            spanned.as_secs_f64() * 1e3,
            plain.as_secs_f64() * 1e3,
            spanned.as_secs_f64() / plain.as_secs_f64(),
            peak as f64 / 1048576.0,
            peak as f64 / size as f64,
        );
    }
}
