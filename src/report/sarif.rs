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
//! Artifact URIs: a file named by an absolute path is a `file:///…` URI; one named by a
//! relative path (as given on the command line, relative to the working directory, which in
//! CI is the repository root) is that path, lexically normalised (`./a.yaml` is `a.yaml`, as
//! referenced files are named), with `uriBaseId: %SRCROOT%`, and the run's
//! `originalUriBaseIds` gives `%SRCROOT%` as the working directory's `file:` URI when the
//! command knows it. Both are percent-encoded where a character may not appear in a URI; a
//! backslash is a separator on Windows only (elsewhere it is part of a name, `%5C`).
//!
//! `partialFingerprints["apigctl/v2"]` hashes the rule id, the file, the JSON pointer and the
//! message (as the baseline fingerprint does) but no line numbers, so code scanning keeps
//! tracking a finding when unrelated edits move it, and two findings of one rule at one
//! pointer keep their own identities whichever is fixed first; a counter tells apart only
//! findings that are the same in all of these. The output has no timestamps; the one path of
//! the machine is the working directory in `originalUriBaseIds`, so a run in the same
//! directory is byte-identical to the last.
//!
//! The run has one invocation (SARIF 2.1.0 §3.20) whose `executionSuccessful` says whether
//! apigctl did all it was asked: true when every input was analysed and nothing failed, with
//! the exit code when the command knows it. An input that could not be read or loaded is a
//! `toolExecutionNotifications` entry (level error, at the file, or where the loader stopped)
//! and makes it false; so does a failure of the run itself (a baseline that could not be
//! written). A load error stays a result too; an unreadable input has no results.
//!
//! A run stopped by a configuration that cannot be used is still a log: one run whose
//! invocation failed (`executionSuccessful: false`), with the configuration's mistakes as
//! `toolConfigurationNotifications` at their places, and no results. So is one stopped by a
//! baseline that cannot be read or by having no files to lint.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::source::Sources;

use super::{FileReport, Place, RunStatus};

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
const FINGERPRINT_KEY: &str = "apigctl/v2";

pub(super) fn render(reports: &[FileReport], status: &RunStatus) -> String {
    // An unreadable input's report says why it was not analysed: a notification, no result.
    let analysed = || {
        reports
            .iter()
            .enumerate()
            .filter(|(i, _)| !status.unreadable(*i))
            .map(|(_, r)| r)
    };
    let rules = rules(analysed().flat_map(|r| &r.diagnostics));
    let index: HashMap<&str, usize> = rules
        .keys()
        .enumerate()
        .map(|(i, code)| (*code, i))
        .collect();
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let mut results = Vec::new();
    for report in analysed() {
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
        rules
            .values()
            .map(|r| rule(r, &status.user_rules))
            .collect::<Vec<_>>()
            .into(),
    );

    // What kept the run from doing all it was asked: each input not analysed (at the file,
    // where the loader stopped when it says), then each failure of the run itself.
    let mut notified: Vec<Notified<'_>> = Vec::new();
    for u in &status.unanalysed {
        if let Some(report) = reports.get(u.report) {
            notified.push((&report.sources, &report.name, &u.reason, "not linted: "));
        }
    }
    for failure in &status.failures {
        for d in &failure.diagnostics {
            notified.push((&failure.sources, &failure.name, d, ""));
        }
    }
    let mut invocation = Map::new();
    invocation.insert("executionSuccessful".into(), json!(status.successful()));
    if let Some(code) = status.exit_code {
        invocation.insert("exitCode".into(), json!(code));
    }
    if let Some(error) = &status.error {
        invocation.insert("exitCodeDescription".into(), json!(error));
    }
    if !notified.is_empty() {
        let (descriptors, notifications) = notifications(notified.iter().copied());
        driver.insert("notifications".into(), descriptors);
        invocation.insert("toolExecutionNotifications".into(), notifications);
    }
    let mut run = json!({
        "tool": { "driver": driver },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let (Some(dir), Some(obj)) = (&status.working_dir, run.as_object_mut()) {
        let mut root = absolute_uri(dir);
        // A base URI names a directory: it ends with `/` (SARIF §3.14.14).
        if !root.ends_with('/') {
            root.push('/');
        }
        obj.insert(
            "originalUriBaseIds".into(),
            json!({ SRCROOT: { "uri": root } }),
        );
    }
    log(run)
}

/// The base that relative artifact URIs are relative to: the working directory.
const SRCROOT: &str = "%SRCROOT%";

/// A run stopped before it analysed anything (see [`super::render_failure`]): its one
/// invocation is unsuccessful, with the exit code, the reason as the exit code's
/// description, and each diagnostic as a configuration notification (located where the
/// mistake is, its related places as further locations with their message). The
/// notifications' codes are described in `tool.driver.notifications` as result codes are in
/// `rules`. `results` is empty: SARIF lets a run that failed before its analysis leave it
/// out or empty (§3.14.23), and GitHub's upload action rejects a run without it.
pub(super) fn render_failure(failure: &FileReport, reason: &str, exit_code: u8) -> String {
    let (descriptors, notifications) = notifications(
        failure
            .diagnostics
            .iter()
            .map(|d| (&failure.sources, failure.name.as_str(), d, "")),
    );
    let mut driver = driver();
    driver.insert("rules".into(), json!([]));
    driver.insert("notifications".into(), descriptors);
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

/// A diagnostic to notify of: the sources it points into, the name of the file it is about
/// (empty for none), the diagnostic, and words to put before its message.
type Notified<'a> = (&'a Sources, &'a str, &'a Diagnostic, &'static str);

/// Notifications of diagnostics, and the descriptors of their codes, in code order, that the
/// notifications refer to by index (`tool.driver.notifications`).
fn notifications<'a>(diagnostics: impl Iterator<Item = Notified<'a>> + Clone) -> (Value, Value) {
    let descriptors = rules(diagnostics.clone().map(|(_, _, d, _)| d));
    let index: HashMap<&str, usize> = descriptors
        .keys()
        .enumerate()
        .map(|(i, code)| (*code, i))
        .collect();
    let notifications: Vec<Value> = diagnostics
        .map(|(sources, input, d, before)| {
            let mut locations: Vec<Value> = primary_location(sources, input, d)
                .map(|at| json!({ "physicalLocation": at }))
                .into_iter()
                .collect();
            locations.extend(d.related.iter().map(|rel| {
                json!({
                    "physicalLocation": physical_location(sources, &rel.location),
                    "message": { "text": rel.message },
                })
            }));
            let mut n = json!({
                "descriptor": {
                    "id": d.code,
                    "index": index.get(d.code.as_str()).copied().unwrap_or_default(),
                },
                "level": level(d.severity),
                "message": { "text": format!("{before}{}", message_text(d)) },
            });
            if let (false, Some(obj)) = (locations.is_empty(), n.as_object_mut()) {
                obj.insert("locations".into(), locations.into());
            }
            n
        })
        .collect();
    let descriptors: Vec<Value> = descriptors
        .values()
        .map(|d| notification_descriptor(d))
        .collect();
    (descriptors.into(), notifications.into())
}

/// What the codes of notifications that are not the loader's mean, for their descriptors.
const NOTIFICATION_CODES: [(&str, &str); 9] = [
    (
        "baseline-invalid",
        "The baseline file is not an apigctl baseline, or one of another version.",
    ),
    ("baseline-unreadable", "The baseline file cannot be read."),
    (
        "baseline-unwritable",
        "The baseline file cannot be written (--write-baseline).",
    ),
    (
        "config-invalid",
        "The lint configuration, or a rule file it names, has a mistake.",
    ),
    (
        "config-unreadable",
        "The lint configuration file cannot be read.",
    ),
    (
        "files-unlistable",
        "The directory of the configuration's `files:` globs cannot be listed.",
    ),
    (
        "input-unreadable",
        "An input file cannot be read, so it was not linted.",
    ),
    (
        "no-files",
        "There are no files to lint: none were named, or the `files:` globs match none.",
    ),
    (
        "stdin-repeated",
        "Standard input (`-`) is named more than once among the files; it can be read once.",
    ),
];

/// The descriptor of a notification code: from [`NOTIFICATION_CODES`], else (a loader's
/// code: a configuration, a rule file or an input that could not be loaded) described by its
/// first notification as a rule is.
fn notification_descriptor(first: &Diagnostic) -> Value {
    match NOTIFICATION_CODES
        .iter()
        .find(|(code, _)| *code == first.code)
    {
        Some((code, description)) => json!({
            "id": code,
            "name": code,
            "shortDescription": { "text": description },
            "defaultConfiguration": { "level": level(first.severity) },
        }),
        None => rule(first, &[]),
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
fn rules<'a>(
    diagnostics: impl Iterator<Item = &'a Diagnostic>,
) -> BTreeMap<&'a str, &'a Diagnostic> {
    let mut rules = BTreeMap::new();
    for d in diagnostics {
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

/// A rule descriptor. For a built-in rule it comes from the rule catalogue, for one of the
/// `user` rules from its rule file: the rule's description, default severity, fix hint and
/// documented source (with its §4 constraint number). Other codes (loader, schema, import)
/// are described by their first finding. No `helpUri`: the rules are documented by
/// `apigctl rules explain` and in the rule files, at no stable URL.
fn rule(first: &Diagnostic, user: &[crate::lint::Rule]) -> Value {
    let catalogue = crate::lint::builtin_rules()
        .ok()
        .and_then(|rules| rules.iter().find(|r| r.id == first.code))
        .or_else(|| user.iter().find(|r| r.id == first.code));
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

/// Where a finding is; for one without a location, the input it is about; nothing for one
/// about no file (an empty `input`).
fn primary_location(sources: &Sources, input: &str, d: &Diagnostic) -> Option<Value> {
    match d.primary {
        Some(l) => Some(physical_location(sources, &l)),
        None if input.is_empty() => None,
        // GitHub needs a location for every result; the input itself is the best there is.
        None => Some(json!({ "artifactLocation": artifact_location(input) })),
    }
}

fn result(sources: &Sources, input: &str, d: &Diagnostic, rule_index: usize) -> Map<String, Value> {
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(d.code));
    r.insert("ruleIndex".into(), json!(rule_index));
    r.insert("level".into(), json!(level(d.severity)));
    r.insert("message".into(), json!({ "text": message_text(d) }));
    let at = primary_location(sources, input, d).map(|at| json!({ "physicalLocation": at }));
    r.insert(
        "locations".into(),
        at.into_iter().collect::<Vec<_>>().into(),
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
        "artifactLocation": artifact_location(p.file),
        "region": {
            "startLine": p.start.line,
            "startColumn": p.start.col,
            "endLine": p.end.line,
            "endColumn": p.end.col,
        },
    })
}

/// The `artifactLocation` of a file name as the other formats show it (see the module
/// documentation): a `file:` URI for an absolute path, else a relative reference to
/// `%SRCROOT%`.
fn artifact_location(name: &str) -> Value {
    let path = std::path::Path::new(name);
    if path.is_absolute() {
        json!({ "uri": absolute_uri(path) })
    } else {
        json!({ "uri": relative_uri(path), "uriBaseId": SRCROOT })
    }
}

/// The `file:` URI of an absolute path: `/` between segments, each percent-encoded but for
/// unreserved characters and `:` (a Windows drive, `file:///C:/…`).
fn absolute_uri(path: &std::path::Path) -> String {
    let text = super::slashed(&path.to_string_lossy());
    let encoded = crate::source::uri::percent_encode(&text, b"/:");
    match encoded.strip_prefix('/') {
        Some(rest) => format!("file:///{rest}"),
        None => format!("file:///{encoded}"),
    }
}

/// A relative URI reference for a relative path: `.` segments dropped and `..` folded
/// lexically, so `./a.yaml` and `a.yaml` are one artifact; bytes other than unreserved
/// characters and `/` percent-encoded (so `:` in a first segment is not read as a scheme).
fn relative_uri(path: &std::path::Path) -> String {
    let text = super::slashed(&path.to_string_lossy());
    let mut segments: Vec<&str> = Vec::new();
    for segment in text.split('/') {
        match segment {
            "" | "." => {}
            ".." if segments.last().is_some_and(|s| *s != "..") => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    crate::source::uri::percent_encode(&segments.join("/"), b"/")
}

/// FNV-1a (64-bit) over rule id, file, pointer (empty when none) and message, separated by
/// NUL: stable across runs, machines and Rust releases, unlike `std`'s hasher. The message
/// tells apart the findings of one rule at one pointer (two checks of `apig-api-name` on one
/// `operationId`), as in the baseline's fingerprint.
fn fingerprint_hash(sources: &Sources, input: &str, d: &Diagnostic) -> u64 {
    let file = d
        .primary
        .map_or(input, |l| sources.file(l.file).name.as_str());
    // The artifact's URI, not the name as written: `./a.yaml` and `a.yaml` are one file.
    let file = artifact_location(file)["uri"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let file = file.as_str();
    let pointer = d.pointer.as_deref().unwrap_or_default();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [d.code.as_str(), file, pointer, d.message.as_str()] {
        for b in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}
