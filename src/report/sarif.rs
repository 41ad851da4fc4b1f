//! The SARIF 2.1.0 format, as uploaded to GitHub code scanning
//! (`github/codeql-action/upload-sarif`).
//!
//! One run; `tool.driver.rules` lists each distinct code seen, sorted, and every result
//! names its rule by `ruleId` and `ruleIndex`. Levels: error -> `error`, warn -> `warning`,
//! info and hint -> `note`.
//!
//! Columns: 1-based, counted in Unicode code points (`columnKind: unicodeCodePoints`), the
//! same columns the human and JSON formats print, so one finding has one column everywhere.
//! `endColumn` is the column just past the last character, as SARIF defines it.
//!
//! Artifact URIs are the file names as given on the command line (relative to the working
//! directory, which in CI is the repository root), with forward slashes, and percent-encoded
//! where a character may not appear in a URI reference.
//!
//! `partialFingerprints["apigctl/v1"]` hashes the rule id, the file and the JSON pointer
//! (the message when there is no pointer) but no line numbers, so code scanning keeps
//! tracking a finding when unrelated edits move it; a counter tells apart findings with the
//! same inputs. The output has no timestamps or paths of the machine and is byte-identical
//! across runs.
//!
//! A run stopped by a configuration that cannot be used is still a log: one run whose
//! invocation failed (`executionSuccessful: false`), with the configuration's mistakes as
//! `toolConfigurationNotifications` at their places, and no results.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::source::Sources;

use super::{FileReport, Place};

/// Where the format is described; GitHub and editors fetch the schema from here.
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The package's homepage when Cargo.toml names one; until then its crates.io page.
fn information_uri() -> &'static str {
    match env!("CARGO_PKG_HOMEPAGE") {
        "" => "https://crates.io/crates/apigctl",
        homepage => homepage,
    }
}

/// Key of the fingerprint in `partialFingerprints`; the version suffix changes whenever the
/// hashed inputs do, so old and new fingerprints are never compared.
const FINGERPRINT_KEY: &str = "apigctl/v1";

pub(super) fn render(reports: &[FileReport]) -> String {
    let rules = rules(reports);
    let index: HashMap<&str, usize> = rules
        .keys()
        .enumerate()
        .map(|(i, code)| (*code, i))
        .collect();
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let mut results = Vec::new();
    for report in reports {
        for d in &report.diagnostics {
            let rule_index = index.get(d.code.as_str()).copied().unwrap_or_default();
            let mut r = result(&report.sources, &report.name, d, rule_index);
            let hash = fingerprint_hash(&report.sources, &report.name, d);
            let count = seen.entry(hash).or_default();
            *count += 1;
            r.insert(
                "partialFingerprints".into(),
                json!({ FINGERPRINT_KEY: format!("{hash:016x}:{count}") }),
            );
            results.push(Value::Object(r));
        }
    }
    let mut driver = driver();
    driver.insert(
        "rules".into(),
        rules.values().map(|r| rule(r)).collect::<Vec<_>>().into(),
    );
    log(json!({
        "tool": { "driver": driver },
        "columnKind": "unicodeCodePoints",
        "results": results,
    }))
}

/// A run stopped before it analysed anything (see [`super::render_failure`]): its one
/// invocation is unsuccessful, with the exit code, the reason as the exit code's
/// description, and each diagnostic as a configuration notification (located where the
/// mistake is, its related places as further locations with their message). The
/// notifications' codes are described in `tool.driver.notifications` as result codes are in
/// `rules`. `results` is empty: SARIF lets a run that failed before its analysis leave it
/// out or empty (§3.14.23), and GitHub's upload action rejects a run without it.
pub(super) fn render_failure(failure: &FileReport, reason: &str, exit_code: u8) -> String {
    let reports = std::slice::from_ref(failure);
    let descriptors = rules(reports);
    let index: HashMap<&str, usize> = descriptors
        .keys()
        .enumerate()
        .map(|(i, code)| (*code, i))
        .collect();
    let notifications: Vec<Value> = failure
        .diagnostics
        .iter()
        .map(|d| {
            let mut locations = vec![json!({
                "physicalLocation": primary_location(&failure.sources, &failure.name, d),
            })];
            locations.extend(d.related.iter().map(|rel| {
                json!({
                    "physicalLocation": physical_location(&failure.sources, &rel.location),
                    "message": { "text": rel.message },
                })
            }));
            json!({
                "descriptor": {
                    "id": d.code,
                    "index": index.get(d.code.as_str()).copied().unwrap_or_default(),
                },
                "level": level(d.severity),
                "message": { "text": message_text(d) },
                "locations": locations,
            })
        })
        .collect();
    let mut driver = driver();
    driver.insert("rules".into(), json!([]));
    driver.insert(
        "notifications".into(),
        descriptors
            .values()
            .map(|d| notification_descriptor(d))
            .collect::<Vec<_>>()
            .into(),
    );
    log(json!({
        "tool": { "driver": driver },
        "invocations": [{
            "executionSuccessful": false,
            "exitCode": exit_code,
            "exitCodeDescription": reason,
            "toolConfigurationNotifications": notifications,
        }],
        "columnKind": "unicodeCodePoints",
        "results": [],
    }))
}

/// What the codes of a configuration that stops a run mean, for their notification
/// descriptors.
const STOP_CODES: [(&str, &str); 2] = [
    (
        "config-invalid",
        "The lint configuration, or a rule file it names, has a mistake.",
    ),
    (
        "config-unreadable",
        "The lint configuration file cannot be read.",
    ),
];

/// The descriptor of a notification code: from [`STOP_CODES`], else (a loader's code, for a
/// configuration that is not valid YAML) described by its first notification as a rule is.
fn notification_descriptor(first: &Diagnostic) -> Value {
    match STOP_CODES.iter().find(|(code, _)| *code == first.code) {
        Some((code, description)) => json!({
            "id": code,
            "name": code,
            "shortDescription": { "text": description },
            "defaultConfiguration": { "level": level(first.severity) },
        }),
        None => rule(first),
    }
}

/// `tool.driver` without its rules.
fn driver() -> Map<String, Value> {
    let mut driver = Map::new();
    driver.insert("name".into(), json!("apigctl"));
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert("semanticVersion".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert("informationUri".into(), json!(information_uri()));
    driver
}

/// The log of one run, as text.
fn log(run: Value) -> String {
    let doc = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [run],
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// The first finding of each code, in code order (see [`rule`] for what it supplies).
fn rules(reports: &[FileReport]) -> BTreeMap<&str, &Diagnostic> {
    let mut rules = BTreeMap::new();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        rules.entry(d.code.as_str()).or_insert(d);
    }
    rules
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warn => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// A rule descriptor. For a built-in rule it comes from the rule catalogue: the rule's
/// description, default severity, fix hint and documented source (with its §4 constraint
/// number). Other codes (loader, schema, import, user rules) are described by their first
/// finding.
fn rule(first: &Diagnostic) -> Value {
    let catalogue = crate::lint::builtin_rules()
        .ok()
        .and_then(|rules| rules.iter().find(|r| r.id == first.code));
    let (description, severity, help_text, source) = match catalogue {
        Some(r) => (
            r.description.clone(),
            r.severity,
            r.help.clone(),
            Some(crate::lint::engine::documented_source(r)),
        ),
        None => (
            first.message.clone(),
            first.severity,
            first.help.clone(),
            first.source.clone(),
        ),
    };
    let mut help = Vec::new();
    if let Some(h) = help_text {
        help.push(h);
    }
    if let Some(s) = &source {
        help.push(format!("Source: {s}"));
    }
    let mut rule = json!({
        "id": first.code,
        "name": first.code,
        "shortDescription": { "text": description },
        "defaultConfiguration": { "level": level(severity) },
    });
    if let (false, Some(obj)) = (help.is_empty(), rule.as_object_mut()) {
        obj.insert("help".into(), json!({ "text": help.join("\n") }));
    }
    if let (Some(s), Some(obj)) = (&source, rule.as_object_mut()) {
        obj.insert("properties".into(), json!({ "source": s }));
    }
    rule
}

/// A finding's message, with its fix hint on a line of its own.
fn message_text(d: &Diagnostic) -> String {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    text
}

/// Where a finding is; for one without a location, the input it is about.
fn primary_location(sources: &Sources, input: &str, d: &Diagnostic) -> Value {
    match d.primary {
        Some(l) => physical_location(sources, &l),
        // GitHub needs a location for every result; the input itself is the best there is.
        None => json!({ "artifactLocation": { "uri": uri(input) } }),
    }
}

fn result(sources: &Sources, input: &str, d: &Diagnostic, rule_index: usize) -> Map<String, Value> {
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(d.code));
    r.insert("ruleIndex".into(), json!(rule_index));
    r.insert("level".into(), json!(level(d.severity)));
    r.insert("message".into(), json!({ "text": message_text(d) }));
    r.insert(
        "locations".into(),
        json!([{ "physicalLocation": primary_location(sources, input, d) }]),
    );
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                json!({
                    "id": i,
                    "physicalLocation": physical_location(sources, &rel.location),
                    "message": { "text": rel.message },
                })
            })
            .collect();
        r.insert("relatedLocations".into(), Value::Array(related));
    }
    r
}

fn physical_location(sources: &Sources, l: &Location) -> Value {
    let p = Place::of(sources, l);
    json!({
        "artifactLocation": { "uri": uri(p.file) },
        "region": {
            "startLine": p.start.line,
            "startColumn": p.start.col,
            "endLine": p.end.line,
            "endColumn": p.end.col,
        },
    })
}

/// A relative URI reference for a file name: forward slashes; bytes other than unreserved
/// characters and `/` percent-encoded (so `:` in a first segment is not read as a scheme).
fn uri(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// FNV-1a (64-bit) over rule id, file and pointer or message, separated by NUL: stable
/// across runs, machines and Rust releases, unlike `std`'s hasher.
fn fingerprint_hash(sources: &Sources, input: &str, d: &Diagnostic) -> u64 {
    let file = d
        .primary
        .map_or(input, |l| sources.file(l.file).name.as_str());
    let what = d.pointer.as_deref().unwrap_or(&d.message);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [d.code.as_str(), file, what] {
        for b in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}
