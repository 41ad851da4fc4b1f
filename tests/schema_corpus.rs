//! The shared benchmark corpus (`/work/shared/corpus`, or `$APIGCTL_CORPUS`): every file
//! loads, resolves its references and validates without panicking and in bounded time, and
//! every OpenAPI document in it (all valid, checked with other validators) gets no error.
//!
//! Skipped, with a note, where the corpus is not present. Run with `--release --nocapture`
//! for the timings quoted in reviews.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use apigctl::openapi::{DocumentKind, detect, schema};
use apigctl::source::Input;
use apigctl::source::Limits;
use apigctl::source::refs::{RefOptions, Workspace};

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("APIGCTL_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/corpus"));
    dir.is_dir().then_some(dir)
}

fn documents(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            documents(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "json" || e == "yaml" || e == "yml")
        {
            out.push(path);
        }
    }
}

#[test]
fn every_corpus_file_loads_resolves_and_validates() {
    let Some(dir) = corpus_dir() else {
        println!("note: no corpus at /work/shared/corpus (set APIGCTL_CORPUS); skipping");
        return;
    };
    let mut files = Vec::new();
    documents(&dir, &mut files);
    files.sort();
    assert!(!files.is_empty());
    // Generous for unoptimised test builds; release builds take a small fraction.
    let budget = Duration::from_secs(60);
    let mut failures = Vec::new();
    let mut openapi = 0;
    for path in &files {
        let rel = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .display()
            .to_string();
        let started = Instant::now();
        let mut ws = match Workspace::load(&Input::Path(path.clone()), &Limits::default()) {
            Ok(ws) => ws,
            Err((_, e)) => {
                failures.push(format!("{rel}: does not load: {e}"));
                continue;
            }
        };
        let loaded = started.elapsed();
        let kind = detect(ws.root());
        // The petstore-separate example references `../common/`, outside its directory.
        let refs = ws.resolve_refs(
            &Limits::default(),
            &RefOptions {
                allow_external_refs: true,
            },
        );
        let resolved = started.elapsed();
        let Ok(DocumentKind::OpenApi(version)) = kind else {
            // Fragments of multi-file documents and the meta-schemas: no assertions on
            // their findings, only that they are handled.
            let mut codes: Vec<&str> = refs.iter().map(|d| d.code.as_str()).collect();
            codes.sort_unstable();
            codes.dedup();
            println!(
                "{rel}: not an OpenAPI document; {} reference findings {codes:?}",
                refs.len()
            );
            continue;
        };
        openapi += 1;
        let validating = Instant::now();
        let findings = schema::validate(ws.root(), version);
        let validated = validating.elapsed();
        let total = started.elapsed();
        println!(
            "{rel}: OpenAPI {version}, load {loaded:.2?}, refs {:.2?}, validate {validated:.2?}",
            resolved - loaded
        );
        for d in refs.iter().chain(&findings) {
            let at = d
                .primary
                .map(|l| ws.sources.location(l.file, l.span))
                .unwrap_or_default();
            failures.push(format!("{rel}: {at}: [{}] {}", d.code, d.message));
        }
        if total > budget {
            failures.push(format!("{rel}: took {total:?}"));
        }
    }
    println!("{} files, {openapi} OpenAPI documents", files.len());
    assert!(openapi >= 80, "only {openapi} OpenAPI documents found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
