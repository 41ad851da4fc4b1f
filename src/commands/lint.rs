//! `apigctl lint FILE...`: load, resolve references, and check each document; then the
//! configuration's ignores, the baseline and the exit threshold.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::baseline::Baseline;
use crate::lint::config::{self, Config, ConfigError, FileSettings};
use crate::lint::{self as rules, Engine, Rule, RuleSettings};
use crate::openapi::{self, DocumentKind};
use crate::report::{self, FileReport};
use crate::source::hash::FastSet;
use crate::source::refs::{RefOptions, Workspace};
use crate::source::{FileId, Input, Limits, LoadError, Sources, load_bytes};
use crate::timings;

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Outcome};

/// Options of `apigctl lint`.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// Input limits.
    pub limits: Limits,
    /// How references are followed.
    pub refs: RefOptions,
    /// Output format.
    pub format: report::Format,
    /// Colour the human format.
    pub color: bool,
    /// Rule severities and rules turned off, over those of the configuration.
    pub rules: RuleSettings,
    /// The configuration (`.apigctl.yaml`), if any.
    pub config: Option<Arc<Config>>,
    /// Suppress the findings of this baseline (over the configuration's `baseline`).
    pub baseline: Option<PathBuf>,
    /// Write the findings to this baseline file.
    pub write_baseline: Option<PathBuf>,
    /// The lowest severity that makes the exit code 1; `None` is `error`.
    pub fail_on: Option<Severity>,
}

impl LintOptions {
    /// The settings for one input: the configuration's for its path, with
    /// [`LintOptions::rules`] on top.
    fn settings_for(&self, input: &Input) -> FileSettings {
        self.settings_for_path(match input {
            Input::Path(p) => Some(p.as_path()),
            Input::Stdin => None,
        })
    }

    /// [`LintOptions::settings_for`] the file at `path` (`None`: standard input).
    fn settings_for_path(&self, path: Option<&Path>) -> FileSettings {
        let mut settings = self
            .config
            .as_ref()
            .map(|c| c.settings_for(path))
            .unwrap_or_default();
        settings
            .rules
            .severity
            .extend(self.rules.severity.iter().map(|(k, v)| (k.clone(), *v)));
        settings
            .rules
            .ignore
            .extend(self.rules.ignore.iter().cloned());
        settings
    }

    /// Rules of the user's rule files (from the configuration's `extends`).
    fn user_rules(&self) -> &[Rule] {
        self.config
            .as_ref()
            .map_or(&[], |c| c.user_rules.as_slice())
    }
}

/// Checks one input. `Err` carries an I/O failure message (the file could not be read) or a
/// broken built-in rule file.
pub fn lint_file(input: &Input, options: &LintOptions) -> Result<FileReport, String> {
    match lint_input(input, options) {
        Linted::Checked(report) | Linted::NotLoaded(report, _) => Ok(report),
        Linted::Unreadable(message) | Linted::Broken(message) => Err(message),
    }
}

/// What came of linting one input.
enum Linted {
    /// Loaded and checked: the findings.
    Checked(FileReport),
    /// Read, but not loaded (syntax, encoding, limits): the loader's one diagnostic, which
    /// the report holds unless an `ignore` entry drops it, and nothing was checked.
    NotLoaded(FileReport, Diagnostic),
    /// Not read: why.
    Unreadable(String),
    /// The built-in rule catalogue is broken (a build that should have failed).
    Broken(String),
}

fn lint_input(input: &Input, options: &LintOptions) -> Linted {
    let name = input.display_name();
    let loaded = timings::time("load", || Workspace::load(input, &options.limits));
    match loaded {
        Ok(ws) => match lint_workspace(name, ws, options, &options.settings_for(input)) {
            Ok(report) => Linted::Checked(report),
            Err(message) => Linted::Broken(message),
        },
        Err((_, e @ LoadError::Io { .. })) => Linted::Unreadable(e.to_string()),
        Err((sources, LoadError::Invalid(d))) => {
            // An `ignore` entry for the whole file (`pointer: ""`) drops a loader error too;
            // the input was still not analysed, which the run's status says.
            let ignored = {
                let pointers = [d.pointer.as_deref(), None];
                options
                    .settings_for(input)
                    .ignore
                    .iter()
                    .any(|i| i.covers(&d.code, &pointers))
            };
            let diagnostics = if ignored {
                Vec::new()
            } else {
                vec![(*d).clone()]
            };
            Linted::NotLoaded(
                FileReport {
                    name,
                    sources,
                    diagnostics,
                },
                *d,
            )
        }
    }
}

/// Checks a document held in memory (`rules explain` examples, tests). It has no path, so
/// only internal references resolve.
pub fn lint_text(name: &str, text: &str, options: &LintOptions) -> Result<FileReport, String> {
    let mut sources = Sources::new();
    match load_bytes(
        name.to_owned(),
        None,
        text.as_bytes().to_vec(),
        &mut sources,
        &options.limits,
    ) {
        Ok(doc) => lint_workspace(
            name.to_owned(),
            Workspace::from_parts(sources, doc),
            options,
            &options.settings_for(&Input::Stdin),
        ),
        Err(LoadError::Invalid(d)) => Ok(FileReport {
            name: name.to_owned(),
            sources,
            diagnostics: vec![*d],
        }),
        Err(e) => Err(e.to_string()),
    }
}

/// Rules that look a name up in the definition, whose findings `diff` and `sync` decide only
/// once they know the live group: the name may be on the gateway already. Each with the kind of
/// object it names.
pub const NAME_RULES: [(&str, NameKind); 5] = [
    ("apig-throttle-binding-ref", NameKind::Throttle),
    ("apig-acl-binding-ref", NameKind::Acl),
    ("apig-binding-api-ref", NameKind::Api),
    ("apig-auth-authorizer-required", NameKind::Authorizer),
    ("apig-response-ref", NameKind::Response),
];

/// The kind of object a [`NAME_RULES`] finding names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    /// A request throttling policy.
    Throttle,
    /// An access control policy.
    Acl,
    /// An API of the group.
    Api,
    /// A custom authorizer.
    Authorizer,
    /// A group response.
    Response,
}

/// What the gateway would refuse of a SOURCE of `diff` and `sync`, in two parts.
#[derive(Debug)]
pub struct GatewayErrors {
    /// Errors that stop the run before the gateway is even read.
    pub errors: FileReport,
    /// Findings of the [`NAME_RULES`] (of any severity: a binding to a policy the gateway lacks
    /// too fails there), each with the kind of object it names: errors unless the live group
    /// has that name.
    pub names: Vec<(Diagnostic, NameKind)>,
}

/// Why the gateway constraints of a SOURCE of `diff` and `sync` could not be checked.
#[derive(Debug)]
pub enum GateFailure {
    /// The `.apigctl.yaml` found from the working directory cannot be used.
    Config(PathBuf, ConfigError),
    /// The built-in rule catalogue is broken.
    Message(String),
}

impl GateFailure {
    /// What stderr gets: a configuration's mistakes as `apigctl lint` shows them (each at its
    /// place, with its help), then that nothing was planned or sent.
    pub fn stderr(self, color: bool) -> String {
        match self {
            GateFailure::Config(path, error) => {
                ConfigFailure::new(&path, error, "nothing was planned or sent", color).stderr
            }
            GateFailure::Message(message) => format!("apigctl: error: {message}\n"),
        }
    }
}

/// The built-in rules, and the options `diff` and `sync` lint SOURCE with: lint's defaults
/// under the `.apigctl.yaml` found from the working directory, if any.
fn gate_options(
    limits: &Limits,
    refs: &RefOptions,
) -> Result<(&'static [Rule], LintOptions), GateFailure> {
    let builtin = rules::builtin_rules()
        .map_err(|e| GateFailure::Message(format!("built-in rule file {e}")))?;
    let mut options = LintOptions {
        limits: *limits,
        refs: *refs,
        ..LintOptions::default()
    };
    if let Some(path) = config::discover_from_working_dir() {
        match config::load_config(&path, builtin) {
            Ok(c) => options.config = Some(Arc::new(c)),
            Err(error) => return Err(GateFailure::Config(path, error)),
        }
    }
    Ok((builtin, options))
}

/// The errors that stop `diff` and `sync` on an OpenAPI SOURCE that cannot be imported
/// (`errors`: import's, and those of the `$ref`s it follows), as `apigctl lint` shows them,
/// under the `.apigctl.yaml` found from the working directory: each once, and an import error
/// that a rule reports too as that rule's finding (an `api-limit: "abc"` is
/// `apig-throttle-limit-integer` at the value, with the rule's documented source and fix,
/// not import's "cannot import: invalid type"). An error no lint error reports is shown as it
/// is: ignoring it in the configuration does not make the document importable.
///
/// # Errors
///
/// A [`GateFailure`] when the configuration or the rule catalogue cannot be read.
pub fn import_errors(
    input: &Input,
    ws: Workspace,
    limits: &Limits,
    refs: &RefOptions,
    mut errors: Vec<Diagnostic>,
) -> Result<FileReport, GateFailure> {
    let (builtin, options) = gate_options(limits, refs)?;
    let settings = options.settings_for(input);
    let linted = lint_workspace(input.display_name(), ws, &options, &settings)
        .map_err(GateFailure::Message)?;
    let rule_ids: HashSet<&str> = builtin
        .iter()
        .chain(options.user_rules())
        .map(|r| r.id.as_str())
        .collect();
    let is_rule = |code: &str| rule_ids.contains(code);
    // Import follows the `$ref`s that were resolved before it and reports the broken ones
    // again.
    crate::diagnostic::drop_repeats(&mut errors);
    // The rule errors lint reports (a warning does not say why the run stops), then the
    // errors; each error shown as the rule error that reports it, if one does.
    let mut all: Vec<Diagnostic> = linted
        .diagnostics
        .into_iter()
        .filter(|d| d.is_error() && !d.code.starts_with("import-") && is_rule(&d.code))
        .collect();
    let found = all.len();
    all.extend(errors);
    let reported = reported_by_rule(&all, is_rule);
    let shown: BTreeSet<usize> = (found..all.len())
        .map(|i| reported.get(i).copied().flatten().unwrap_or(i))
        .collect();
    let mut report = FileReport {
        name: linted.name,
        sources: linted.sources,
        diagnostics: all
            .into_iter()
            .enumerate()
            .filter(|(i, _)| shown.contains(i))
            .map(|(_, d)| d)
            .collect(),
    };
    report.sort();
    Ok(report)
}

/// The gateway-constraint errors of a loaded SOURCE of `diff` and `sync`: what the gateway
/// would refuse, found before anything is planned or sent. Those are the errors (under the
/// `.apigctl.yaml` found from the working directory, if any) of the `apig-*` rules on the
/// definition; the findings of rules that look names up in the definition alone are set
/// apart ([`GatewayErrors::names`]): an authorizer, a policy or a group response may already be
/// on the gateway.
///
/// # Errors
///
/// A [`GateFailure`] when the configuration or the rule catalogue cannot be read.
pub fn gateway_errors(
    input: &Input,
    ws: Workspace,
    limits: &Limits,
    refs: &RefOptions,
) -> Result<GatewayErrors, GateFailure> {
    let (builtin, options) = gate_options(limits, refs)?;
    let settings = options.settings_for(input);
    let gate: FastSet<&str> = builtin
        .iter()
        .filter(|r| r.id.starts_with("apig-") && r.given == rules::Given::Definition)
        .filter(|r| {
            !r.then.iter().any(|c| {
                matches!(&c.kind, crate::lint::rule::CheckKind::Function { def, .. } if def.name == "refers-to")
            })
        })
        .map(|r| r.id.as_str())
        .collect();
    let mut report = lint_workspace(input.display_name(), ws, &options, &settings)
        .map_err(GateFailure::Message)?;
    let mut names = Vec::new();
    report.diagnostics.retain(|d| {
        if let Some((_, kind)) = NAME_RULES.iter().find(|(id, _)| *id == d.code) {
            names.push((d.clone(), *kind));
            return false;
        }
        d.is_error() && gate.contains(d.code.as_str())
    });
    Ok(GatewayErrors {
        errors: report,
        names,
    })
}

fn lint_workspace(
    name: String,
    mut ws: Workspace,
    options: &LintOptions,
    settings: &FileSettings,
) -> Result<FileReport, String> {
    let builtin = rules::builtin_rules().map_err(|e| format!("built-in rule file {e}"))?;
    let user = options.user_rules();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut by_file = HashMap::new();
    match openapi::detect(ws.root()) {
        Err(d) => diagnostics.push(*d),
        Ok(kind) => {
            let linked = timings::time("link $refs", || {
                ws.link_refs(&options.limits, &options.refs)
            });
            // Every file the input reaches is loaded now. A rule that the settings of one of
            // them turn on runs even where the input's settings turn it off: a finding is
            // judged by the settings of the file it is written in (below).
            by_file = by_finding_file(&ws, options, settings);
            let engine = Engine::new(
                builtin.iter().chain(user),
                &widened(settings, by_file.values()),
            );
            let check_refs = |linked| timings::time("check $refs", || ws.check_refs(linked));
            match kind {
                DocumentKind::OpenApi(version) => {
                    // The `$ref` checks, the schema check, the `openapi` rules and import (with
                    // the `definition` rules on its result) only read the workspace: they
                    // overlap.
                    let ((schema, found), (refs, imported)) = rayon::join(
                        || {
                            // Both read the document as written, with content reached
                            // through references into other files in place (no copy
                            // without such references).
                            let (view, mut warnings) =
                                timings::time("inline external $refs", || {
                                    ws.inline_external(&options.limits)
                                });
                            let inlined = view.as_ref();
                            let (mut schema, found) = rayon::join(
                                || {
                                    timings::time("schema validation", || match inlined {
                                        Some(view) => {
                                            openapi::schema::validate_inlined(view, version)
                                        }
                                        None => openapi::schema::validate(ws.root(), version),
                                    })
                                },
                                || rules::check_openapi_rules(&engine, &ws, inlined),
                            );
                            warnings.append(&mut schema);
                            crate::teardown::drop_in_background(view);
                            (warnings, found)
                        },
                        || {
                            rayon::join(
                                || check_refs(linked),
                                || rules::check_imported(&engine, &ws, version),
                            )
                        },
                    );
                    diagnostics.extend(refs);
                    diagnostics.extend(schema);
                    diagnostics.extend(found);
                    diagnostics.extend(imported);
                }
                DocumentKind::Definition => {
                    diagnostics.extend(check_refs(linked));
                    // Every value the model refuses, each at its place.
                    let invalid = super::export::definition_errors(ws.root());
                    if invalid.is_empty() {
                        diagnostics.extend(rules::check_definition(&engine, ws.root()));
                    } else {
                        // Rules assume the model's shape; an invalid definition is fixed first.
                        diagnostics.extend(invalid);
                    }
                }
            }
        }
    }
    timings::time("dedup, ignores, sort", || {
        let rule_defaults: HashMap<&str, Severity> = builtin
            .iter()
            .chain(user)
            .map(|r| (r.id.as_str(), r.severity))
            .collect();
        let settings_of = |d: &Diagnostic| {
            d.primary
                .and_then(|l| by_file.get(&l.file))
                .unwrap_or(settings)
        };
        // Each rule finding at the severity the settings of its file give its rule; gone
        // when they turn the rule off.
        diagnostics.retain_mut(|d| {
            let Some(default) = rule_defaults.get(d.code.as_str()) else {
                return true;
            };
            match settings_of(d).rules.severity.get(&d.code) {
                Some(Some(s)) => d.severity = *s,
                Some(None) => return false,
                None => d.severity = *default,
            }
            true
        });
        crate::diagnostic::drop_repeats(&mut diagnostics);
        let rule_ids: HashSet<&str> = builtin.iter().chain(user).map(|r| r.id.as_str()).collect();
        let is_rule = |code: &str| rule_ids.contains(code);
        dedup_import(&mut diagnostics, is_rule);
        point_at_refs(&ws, &mut diagnostics);
        point_at_anchors(&ws, &mut diagnostics);
        // `files:` globs and pointers are matched in the file the finding is written in.
        diagnostics.retain(|d| {
            let pointers = [d.pointer.as_deref(), d.definition_pointer.as_deref()];
            !settings_of(d)
                .ignore
                .iter()
                .any(|i| i.covers(&d.code, &pointers))
        });
        // After the ignores: one of a pair gives way only to a finding that is shown.
        dedup_schema(&mut diagnostics);
        let mut report = FileReport {
            name,
            sources: std::mem::take(&mut ws.sources),
            diagnostics,
        };
        crate::teardown::drop_in_background(ws);

        report.sort();
        Ok(report)
    })
}

/// The input's rule settings (`settings`) with every rule that it turns off turned on again
/// when the settings of another file it reaches (`others`) do not turn it off: the engine
/// runs it, and the findings are then judged file by file.
fn widened<'a>(
    settings: &FileSettings,
    others: impl Iterator<Item = &'a FileSettings> + Clone,
) -> crate::lint::RuleSettings {
    let mut rules = settings.rules.clone();
    for (id, severity) in rules.severity.iter_mut() {
        if severity.is_none() {
            *severity = others
                .clone()
                .find_map(|o| match o.rules.severity.get(id) {
                    Some(None) => None,
                    Some(Some(s)) => Some(Some(*s)),
                    // Not named: the rule runs at its own severity there, which the
                    // findings get below; any severity makes the engine run it.
                    None => Some(Some(Severity::Error)),
                })
                .unwrap_or(None);
        }
    }
    rules
}

/// The settings of each loaded file other than the input's own, which has `settings`: an
/// `overrides` or `ignore` entry applies to the findings written in the files its `files:`
/// globs match, also when they are reached through the `$ref`s of an input they do not match.
/// Empty without a configuration, or for files without a path (standard input).
fn by_finding_file(
    ws: &Workspace,
    options: &LintOptions,
    settings: &FileSettings,
) -> HashMap<FileId, FileSettings> {
    let root = ws.root().file;
    let mut out = HashMap::new();
    if options.config.is_none() {
        return out;
    }
    for (id, file) in ws.sources.iter() {
        if id != root {
            let own = match &file.path {
                Some(path) => options.settings_for_path(Some(path)),
                None => settings.clone(),
            };
            out.insert(id, own);
        }
    }
    out
}

/// Gives a finding in YAML content that an alias repeats (`x-apigateway-backend: *be`) the
/// pointer of where that content is written, under its anchor (`/x-common/timeout`), where
/// it is located too, rather than the pointer of the alias it was reached through (the
/// first one, for a finding reported once however many aliases repeat it): an `ignore`
/// entry and a baseline then name the place that is reported and fixed.
fn point_at_anchors(ws: &Workspace, diagnostics: &mut [Diagnostic]) {
    // Following a pointer looks keys up one by one, which on a big mapping (thousands of
    // paths) for each of thousands of findings is quadratic: only a YAML file with an alias
    // (a `*` somewhere in it) can need it.
    let mut may_alias: HashMap<FileId, bool> = HashMap::new();
    for d in diagnostics.iter_mut() {
        let (Some(at), Some(pointer)) = (d.primary, d.pointer.as_deref()) else {
            continue;
        };
        let Some(doc) = ws.document(at.file) else {
            continue;
        };
        let aliased = *may_alias.entry(at.file).or_insert_with(|| {
            doc.format == crate::source::Format::Yaml
                && memchr::memchr(b'*', ws.sources.file(at.file).text.as_bytes()).is_some()
        });
        if aliased
            && through_alias(&doc.root, pointer)
            && let Some(written) = rules::engine::pointer_at(&doc.root, at.span)
        {
            d.pointer = Some(written.text());
        }
    }
}

/// Whether the path of `pointer` in `root` passes through an alias: a node not written
/// inside its parent (an alias's copy keeps the spans of its anchor).
fn through_alias(root: &crate::source::Node, pointer: &str) -> bool {
    let mut node = root;
    for token in pointer.split('/').skip(1) {
        let token = crate::source::unescape_pointer_token(token);
        let child = match node.as_seq() {
            Some(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            None => node.get(&token),
        };
        let Some(child) = child else {
            return false;
        };
        if child.span.start < node.span.start || child.span.end > node.span.end {
            return true;
        }
        node = child;
    }
    false
}

/// Gives each `$ref` problem (`ref-unresolved`, `ref-cycle`, …), which the reference checks
/// locate at the `$ref` value but do not point at, the JSON pointer of that value in its file
/// (`/paths/~1orders/get/responses/200/$ref`), so that an `ignore` entry, a baseline and the
/// JUnit test case name can tell it from the others.
fn point_at_refs(ws: &Workspace, diagnostics: &mut [Diagnostic]) {
    for d in diagnostics
        .iter_mut()
        .filter(|d| d.pointer.is_none() && d.code.starts_with("ref-"))
    {
        d.pointer = d.primary.and_then(|l| {
            let doc = ws.document(l.file)?;
            rules::engine::pointer_at(&doc.root, l.span).map(|p| p.text())
        });
    }
}

/// Where a rule finding stands that reports the same problem as an import diagnostic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// It starts where the import diagnostic starts, and is at least as severe.
    Start,
    /// Its (OpenAPI source) pointer is the import diagnostic's, or one lies below the other:
    /// the same construct, seen at its key by one and at its value or a member by the other.
    Nested,
}

/// Import problems that a rule reports too: `(import code, text in the import message, rule
/// id, where the rule reports it)`. Only a listed pair is one problem: a rule finding that
/// merely starts at the same place may say something else (`apig-cors` at an operation's
/// key, import's "`get` is written both beside `$ref` and in the path item it names" at the
/// same key), and hiding it would lose a fact. A pair missing here shows both, which is
/// noise, never a loss. The texts are literal parts of import's messages (a test checks
/// that import still writes each).
const SAME_PROBLEM: &[(&str, &str, &str, Place)] = &[
    // Import points at the operation's value, the rule at the operation's key.
    (
        "import-missing-backend",
        "no `x-apigateway-backend`",
        "apig-backend-required",
        Place::Nested,
    ),
    // Both at the policy (the definition's `conditions` is not written).
    (
        "import-unsupported",
        "backend policy has no `conditions`",
        "apig-backend-policy-conditions-empty",
        Place::Start,
    ),
    // Import points at the backend mapping, the rule at its `type`.
    (
        "import-unsupported",
        "backend has no `",
        "apig-backend-endpoints-required",
        Place::Nested,
    ),
    (
        "import-unsupported",
        "backend has no `",
        "apig-backend-policy-endpoints-required",
        Place::Nested,
    ),
    // Import at `info`'s value, the rule at its key.
    (
        "import-unsupported",
        "no `info.title`",
        "apig-group-title-required",
        Place::Nested,
    ),
    // Import at the second requirement, the rule at `security`.
    (
        "import-unsupported",
        "one authentication mode",
        "apig-single-security-requirement",
        Place::Nested,
    ),
    // Import drops the extension (at its key), the rule says its value is wrong.
    (
        "import-unknown-extension",
        "`x-apigateway-pass-through`",
        "apig-pass-through-value",
        Place::Nested,
    ),
    // The same value, named the same way by both.
    (
        "import-generated-name",
        "has no `operationId`",
        "apig-operation-id-required",
        Place::Start,
    ),
    (
        "import-duplicate-name",
        "another operation has the operationId",
        "oas-operation-id-unique",
        Place::Start,
    ),
    (
        "import-unsupported",
        "has no APIG counterpart",
        "apig-param-type",
        Place::Start,
    ),
    (
        "import-dropped",
        "parameters have no APIG location",
        "apig-param-location",
        Place::Start,
    ),
    (
        "import-dropped",
        "has no counterpart in the API's parameter checks",
        "apig-param-keywords-dropped",
        Place::Start,
    ),
    (
        "import-dropped",
        "`pattern` is not checked by APIG",
        "apig-param-keywords-dropped",
        Place::Start,
    ),
    (
        "import-dropped",
        "does not apply to a",
        "apig-param-bounds-type",
        Place::Start,
    ),
    (
        "import-dropped",
        "must be an integer for APIG",
        "apig-param-bound-integer",
        Place::Start,
    ),
    (
        "import-dropped",
        "is an integer beyond the range of",
        "apig-param-bound-integer",
        Place::Start,
    ),
    (
        "import-unsupported",
        "`x-apigateway-pass-through` must be",
        "apig-pass-through-value",
        Place::Start,
    ),
    (
        "import-invalid",
        "must be `public` or `private`",
        "apig-request-type-value",
        Place::Start,
    ),
    (
        "import-unsupported",
        "APIG has no TRACE method",
        "apig-method-supported",
        Place::Start,
    ),
    (
        "import-unsupported",
        "only as a whole segment",
        "apig-req-uri-whole-segment",
        Place::Start,
    ),
    (
        "import-invalid",
        "` is not defined in `",
        "apig-security-scheme-defined",
        Place::Start,
    ),
    (
        "import-invalid",
        "is not an APIG authentication mode",
        "apig-security-scheme-apig",
        Place::Start,
    ),
    (
        "import-invalid",
        "`shared` must be a boolean",
        "apig-throttle-shared-boolean",
        Place::Start,
    ),
    (
        "import-unsupported",
        "one authentication mode",
        "apig-single-security-requirement",
        Place::Start,
    ),
    (
        "import-unsupported",
        "backend type `",
        "apig-backend-type",
        Place::Start,
    ),
    (
        "import-invalid",
        "backend policy type ",
        "apig-backend-policy-type",
        Place::Start,
    ),
    (
        "import-dropped",
        "is not read for a backend of type",
        "apig-backend-extra-endpoints",
        Place::Start,
    ),
    (
        "import-dropped",
        "is not read for a backend of type",
        "apig-mock-backend-extra-endpoints",
        Place::Start,
    ),
    (
        "import-unsupported",
        "by a string, not a",
        "apig-policy-ref-type",
        Place::Start,
    ),
    (
        "import-unsupported",
        "by a string, not a",
        "apig-plugin-ref-name",
        Place::Start,
    ),
    (
        "import-unsupported",
        "is a list of plug-in names",
        "apig-plugins-array",
        Place::Start,
    ),
    (
        "import-dropped",
        "must be a list of excluded configurations",
        "apig-throttle-special-array",
        Place::Start,
    ),
    (
        "import-unsupported",
        "has no APIG request protocol",
        "apig-request-scheme",
        Place::Start,
    ),
    // Import at a 3.x server's `url`, as the rule.
    (
        "import-unsupported",
        "has no APIG request protocol",
        "apig-server-url-scheme",
        Place::Start,
    ),
    (
        "import-unsupported",
        "backend policy has no `effectMode`",
        "apig-backend-policy-effect-mode",
        Place::Start,
    ),
];

/// Whether pointer `long` is `short` or below it.
fn below(long: &str, short: &str) -> bool {
    long.strip_prefix(short)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Drops an `import-*` diagnostic that a rule finding reports too (the rule's finding has
/// the rule id, the documented source and the fix), in the same file:
///
/// - the pair is listed in [`SAME_PROBLEM`] and the rule's finding stands where the list
///   says: at the same start and at least as severe, or at the same or a nested pointer;
/// - it is an `import-invalid` ("cannot import": the model refused a construct, located at
///   the nearest place import knows, often the whole operation) and a rule finding at least
///   as severe lies at or below its pointer. The model encodes the constraints the rules
///   check, so that finding says, precisely, why; and since it is at least as severe, the
///   construct still fails the run. A second problem in the same construct that no rule
///   knows shows up once the reported one is fixed.
///
/// A rule finding that only starts at the same place hides nothing: it may say something
/// else about the same node.
fn dedup_import(diagnostics: &mut Vec<Diagnostic>, is_rule: impl Fn(&str) -> bool) {
    let reported = reported_by_rule(diagnostics, is_rule);
    let mut drop = reported.into_iter().map(|by| by.is_some());
    diagnostics.retain(|_| !drop.next().unwrap_or(false));
}

/// For each diagnostic, the index of a rule finding among `diagnostics` that reports the same
/// problem when it is an `import-*` diagnostic that [`dedup_import`] drops for it, else `None`.
fn reported_by_rule(
    diagnostics: &[Diagnostic],
    is_rule: impl Fn(&str) -> bool,
) -> Vec<Option<usize>> {
    // Each with its index in `diagnostics`.
    let findings: Vec<(usize, RuleFinding)> = diagnostics
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.code.starts_with("import-") && is_rule(&d.code))
        .filter_map(|(i, d)| {
            Some((
                i,
                RuleFinding {
                    at: d.primary?,
                    pointer: d.pointer.clone(),
                    code: d.code.clone(),
                    severity: d.severity,
                },
            ))
        })
        .collect();
    if findings.is_empty() {
        return vec![None; diagnostics.len()];
    }
    // Thousands of findings meet thousands of import diagnostics on a big document: index
    // the findings by (file, start, rule) and by (rule, file, pointer) instead of comparing
    // every pair. The most severe finding of each rule at each start: a warning there must
    // not hide an import error.
    let mut starts: HashMap<(FileId, u32, &str), &(usize, RuleFinding)> = HashMap::new();
    for found in &findings {
        let f = &found.1;
        let most = starts
            .entry((f.at.file, f.at.span.start, f.code.as_str()))
            .or_insert(found);
        if f.severity > most.1.severity {
            *most = found;
        }
    }
    let mut pointers: HashMap<(&str, FileId), BTreeMap<&str, usize>> = HashMap::new();
    for (i, f) in &findings {
        if let Some(p) = &f.pointer {
            pointers
                .entry((f.code.as_str(), f.at.file))
                .or_default()
                .entry(p.as_str())
                .or_insert(*i);
        }
    }
    let nested_in = |rule: &str, file: FileId, pointer: &str| -> Option<usize> {
        let set = pointers.get(&(rule, file))?;
        // `pointer` or one of its parents, or anything below `pointer`.
        let mut up = Some(pointer);
        while let Some(p) = up {
            if let Some(i) = set.get(p) {
                return Some(*i);
            }
            up = p.rfind('/').map(|i| &p[..i]);
        }
        let child = format!("{pointer}/");
        set.range(child.as_str()..)
            .next()
            .filter(|(p, _)| p.starts_with(&child))
            .map(|(_, i)| *i)
    };
    diagnostics
        .iter()
        .map(|d| {
            let at = d.primary.filter(|_| d.code.starts_with("import-"))?;
            let listed = |place: Place| {
                SAME_PROBLEM.iter().filter(move |(code, text, _, p)| {
                    *p == place && *code == d.code && d.message.contains(text)
                })
            };
            let at_start = listed(Place::Start).find_map(|(_, _, id, _)| {
                starts
                    .get(&(at.file, at.span.start, *id))
                    .filter(|(_, most)| most.severity >= d.severity)
                    .map(|(i, _)| *i)
            });
            if at_start.is_some() {
                return at_start;
            }
            let import = d.pointer.as_deref()?;
            let inside = (d.code == "import-invalid")
                .then(|| {
                    findings.iter().find(|(_, f)| {
                        f.at.file == at.file
                            && f.severity >= d.severity
                            && f.pointer.as_deref().is_some_and(|rule| below(rule, import))
                    })
                })
                .flatten()
                .map(|(i, _)| *i);
            inside.or_else(|| {
                listed(Place::Nested).find_map(|(_, _, id, _)| nested_in(id, at.file, import))
            })
        })
        .collect()
}

/// Drops one of an `oas-schema` finding and an `import-*` diagnostic at the same place (the
/// same file and span: the same node, refused by the OpenAPI schema and so not read by import
/// as written, `GET:` or a `security` mapping): one problem, one finding. The more severe one
/// stays, so the run fails as it did; of two as severe, import's, which says what the node
/// means for the gateway (not imported, the API refused) and how to write it. Findings at the
/// same start but another span are about another node and stay.
fn dedup_schema(diagnostics: &mut Vec<Diagnostic>) {
    type Place = (FileId, crate::source::Span);
    let mut schema: HashMap<Place, Severity> = HashMap::new();
    let mut import: HashMap<Place, Severity> = HashMap::new();
    let is_import = |d: &Diagnostic| d.code.starts_with("import-");
    let is_schema = |d: &Diagnostic| d.code == openapi::schema::CODE;
    for d in diagnostics.iter() {
        let Some(at) = d.primary else { continue };
        let most = if is_schema(d) {
            &mut schema
        } else if is_import(d) {
            &mut import
        } else {
            continue;
        };
        let severity = most.entry((at.file, at.span)).or_insert(d.severity);
        if d.severity > *severity {
            *severity = d.severity;
        }
    }
    if schema.is_empty() || import.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        let Some(at) = d.primary else { return true };
        let place = (at.file, at.span);
        let (Some(by_schema), Some(by_import)) = (schema.get(&place), import.get(&place)) else {
            return true;
        };
        if is_schema(d) {
            by_import < by_schema
        } else if is_import(d) {
            by_import >= by_schema
        } else {
            true
        }
    });
}

/// A rule's finding as [`dedup_import`] compares it.
struct RuleFinding {
    at: crate::diagnostic::Location,
    pointer: Option<String>,
    code: String,
    severity: Severity,
}

/// What `apigctl lint` was asked to do, as the command line says it.
#[derive(Clone, Debug, Default)]
pub struct LintRequest {
    /// Files to check; empty for the configuration's `files`.
    pub files: Vec<String>,
    /// `--config FILE`; without it `.apigctl.yaml` is searched from the working directory up.
    pub config: Option<PathBuf>,
    /// Everything else.
    pub options: LintOptions,
}

fn usage_error(message: impl std::fmt::Display) -> Outcome {
    Outcome {
        // The message may name files, whose names must not add lines of their own.
        stderr: format!(
            "apigctl: error: {}\n",
            report::one_line(&message.to_string())
        ),
        exit_code: EXIT_USAGE,
        ..Outcome::default()
    }
}

/// Runs `apigctl lint` as the command line asked: finds and loads the configuration, picks
/// the inputs, lints them.
pub fn run_request(request: LintRequest, color_stderr: bool) -> Outcome {
    let mut options = request.options;
    // The rule catalogue is compiled while the configuration and the files load; whoever
    // needs it first waits for it.
    rayon::spawn(|| {
        let _ = timings::time_run("built-in rules", rules::builtin_rules);
    });
    let config_path = request.config.or_else(config::discover_from_working_dir);
    if let Some(path) = &config_path {
        // Compiled into the binary and checked by its tests and build: this fails only in a
        // build that should not have been made, so it says so on stderr alone.
        let builtin = match rules::builtin_rules() {
            Ok(b) => b,
            Err(e) => return usage_error(format!("built-in rule file {e}")),
        };
        match config::load_config(path, builtin) {
            Ok(c) => options.config = Some(Arc::new(c)),
            Err(e) => return config_failure(path, e, options.format, color_stderr),
        }
    }
    let inputs: Vec<Input> = if request.files.is_empty() {
        // Named after the configuration, the file to fix (none without one).
        let name = config_path
            .as_deref()
            .map_or_else(String::new, config::display_name);
        let no_files = |code: &str, message: String| {
            let failure = FileReport {
                name: name.clone(),
                sources: Sources::new(),
                diagnostics: vec![Diagnostic::error(code, &message)],
            };
            stopped(&failure, message, String::new(), options.format)
        };
        let Some(config) = &options.config else {
            return no_files(
                "no-files",
                format!(
                    "no files to lint: name them (`apigctl lint FILE...`) or list them under `files:` in {}",
                    config::FILE_NAME
                ),
            );
        };
        if config.files.is_empty() {
            return no_files(
                "no-files",
                format!("no files to lint: the configuration {name} has no `files:` globs"),
            );
        }
        match config.matched_files() {
            Ok(files) if files.is_empty() => {
                let globs: Vec<&str> = config.files.iter().map(|g| g.as_str()).collect();
                return no_files(
                    "no-files",
                    format!(
                        "no files to lint: no file below {} matches `files:` ({})",
                        config.dir.display(),
                        globs.join(", ")
                    ),
                );
            }
            Ok(files) => files
                .into_iter()
                .map(|f| Input::Path(shorten(&f)))
                .collect(),
            Err(e) => {
                return no_files(
                    "files-unlistable",
                    format!("cannot list {}: {e}", config.dir.display()),
                );
            }
        }
    } else {
        if request.files.iter().filter(|f| f.as_str() == "-").count() > 1 {
            // The second read would find it empty and report a document that is not there.
            let message =
                "standard input (`-`) is named more than once; it can be read once".to_owned();
            let failure = FileReport {
                name: "<stdin>".to_owned(),
                sources: Sources::new(),
                diagnostics: vec![Diagnostic::error("stdin-repeated", &message)],
            };
            return stopped(&failure, message, String::new(), options.format);
        }
        request.files.iter().map(|f| Input::from_arg(f)).collect()
    };
    run(&inputs, &options)
}

/// The outcome of a run that a configuration stopped before it linted anything (exit 2):
/// see [`stopped`].
fn config_failure(
    path: &Path,
    error: ConfigError,
    format: report::Format,
    color_stderr: bool,
) -> Outcome {
    let failure = ConfigFailure::new(path, error, "nothing was linted", color_stderr);
    stopped(&failure.report, failure.reason, failure.shown, format)
}

/// The outcome of a run stopped before it linted anything (exit 2) by what it was given: a
/// configuration or a baseline that cannot be used, no files to lint. On stderr, `shown` (the
/// mistakes for people to read, when there is more to show than `reason`), then the reason;
/// on stdout, in `format`, a document that says the run failed and why (nothing for the human
/// format), so that a CI step that reads a SARIF log, a JUnit report or JSON still gets one.
/// `failure` holds the diagnostics that say why, and is named after the file at fault.
fn stopped(failure: &FileReport, reason: String, shown: String, format: report::Format) -> Outcome {
    let mut outcome = usage_error(&reason);
    outcome.stderr.insert_str(0, &shown);
    outcome.stdout = report::render_failure(format, failure, &reason, outcome.exit_code);
    outcome
}

/// A configuration that cannot be used, as every command that reads it says so (`lint`, and
/// `diff` and `sync` before they plan).
#[derive(Debug)]
pub struct ConfigFailure {
    /// Its diagnostics (`config-unreadable` without a location when it cannot be read).
    pub report: FileReport,
    /// Why nothing was done, in one line.
    pub reason: String,
    /// The diagnostics as `apigctl lint` renders them for people (empty when the file cannot
    /// be read: the reason says it).
    pub shown: String,
    /// What stderr gets: the diagnostics as `apigctl lint` renders them, then the reason.
    pub stderr: String,
}

impl ConfigFailure {
    /// The failure of the configuration `path`; `consequence` says what was not done
    /// ("nothing was linted").
    pub fn new(path: &Path, error: ConfigError, consequence: &str, color: bool) -> ConfigFailure {
        let (report, reason, shown) = match error {
            ConfigError::Io(message) => {
                // Said as the configuration's, not like an input that cannot be read.
                let name = config::display_name(path);
                let what = message
                    .strip_prefix(&format!("{name}: "))
                    .unwrap_or(&message);
                let reason = format!("cannot read the configuration {name}: {what}; {consequence}");
                let failure = FileReport {
                    name,
                    sources: Sources::new(),
                    diagnostics: vec![Diagnostic::error("config-unreadable", message.clone())],
                };
                (failure, reason, String::new())
            }
            ConfigError::Invalid(report) => {
                let reason = format!(
                    "invalid configuration {}; {consequence}",
                    config::display_name(path)
                );
                let shown =
                    report::render(report::Format::Human, std::slice::from_ref(&*report), color);
                (*report, reason, shown)
            }
        };
        let stderr = format!("{shown}apigctl: error: {}\n", report::one_line(&reason));
        ConfigFailure {
            report,
            reason,
            shown,
            stderr,
        }
    }
}

/// Drops a finding that an earlier input's report already holds: the same code and message
/// at the same span of the same file. A file that several inputs reach through `$ref`s
/// (two roots that reference one `paths.yaml`) is checked once per input, but what is written
/// there is one finding, counted, fingerprinted and baselined once, with the first input
/// that reached it. Findings without a location are about their input and always stay.
fn drop_repeats_across_inputs(reports: &mut [FileReport]) {
    if reports.len() < 2 {
        return;
    }
    // A file is known by its canonical path (`./paths.yaml` and `paths.yaml` are one file);
    // one without a path (standard input) by its name.
    let mut seen: HashSet<(PathBuf, u32, u32, String, String)> = HashSet::new();
    for report in reports.iter_mut() {
        let mut canonical: HashMap<FileId, PathBuf> = HashMap::new();
        let sources = &report.sources;
        report.diagnostics.retain(|d| {
            let Some(at) = d.primary else {
                return true;
            };
            let file = canonical
                .entry(at.file)
                .or_insert_with(|| {
                    let f = sources.file(at.file);
                    match &f.path {
                        Some(p) => std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()),
                        None => PathBuf::from(&f.name),
                    }
                })
                .clone();
            seen.insert((
                file,
                at.span.start,
                at.span.end,
                d.code.clone(),
                d.message.clone(),
            ))
        });
    }
}

/// A path relative to the working directory when it lies below it (the names shown in
/// output and recorded in baselines), else as it is.
fn shorten(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

/// Lints several inputs in parallel; output order follows the input order. Then applies and
/// writes baselines as asked, and sets the exit code by [`LintOptions::fail_on`].
///
/// A baseline to apply is read first: one that cannot be used stops the run before anything
/// is linted, as a configuration does. Inputs that cannot be read or loaded, and a baseline
/// that cannot be written, do not stop it: the document says what else was found, and what
/// was not analysed or failed ([`report::RunStatus`]); an unreadable input or a failed write
/// makes the exit code 2.
pub fn run(inputs: &[Input], options: &LintOptions) -> Outcome {
    if let Some(path) = options.write_baseline.as_deref()
        && let Some(input) = super::output::input_overwritten(path, inputs)
    {
        let mut outcome = Outcome::default();
        super::output::refuse_overwriting_input(&mut outcome, "--write-baseline", path, input);
        return outcome;
    }
    let baseline_path = options
        .baseline
        .clone()
        .or_else(|| options.config.as_ref().and_then(|c| c.baseline.clone()));
    // A baseline being written is not applied: the run shows what it records.
    let baseline = match (&baseline_path, &options.write_baseline) {
        (Some(path), None) => match Baseline::read(path) {
            Ok(baseline) => Some((path, baseline)),
            Err(e) => return stopped(&e.report, e.message, String::new(), options.format),
        },
        _ => None,
    };

    let results: Vec<Linted> = if timings::enabled() && inputs.len() > 1 {
        // Timed, one file at a time, so each file's phases and rules are its own (files
        // linted side by side would each be timed with the others' work in between).
        inputs
            .iter()
            .map(|i| {
                let linted = lint_input(i, options);
                timings::end_file(&i.display_name());
                linted
            })
            .collect()
    } else {
        inputs.par_iter().map(|i| lint_input(i, options)).collect()
    };
    let mut outcome = Outcome::default();
    let mut reports = Vec::with_capacity(results.len());
    let mut status = report::RunStatus::default();
    let mut unreadable: Vec<(usize, String)> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    for (input, result) in inputs.iter().zip(results) {
        match result {
            Linted::Checked(r) => reports.push(r),
            Linted::NotLoaded(r, reason) => {
                status.unanalysed.push(report::Unanalysed {
                    report: reports.len(),
                    reason,
                    unreadable: false,
                });
                reports.push(r);
            }
            Linted::Unreadable(message) => {
                outcome
                    .stderr
                    .push_str(&format!("apigctl: error: {}\n", report::one_line(&message)));
                // An empty report holds its place through the baseline: the diagnostic that
                // says it was not read is added for the document, and is no finding.
                unreadable.push((reports.len(), message));
                reports.push(FileReport {
                    name: input.display_name(),
                    sources: Sources::new(),
                    diagnostics: Vec::new(),
                });
            }
            Linted::Broken(message) => {
                outcome
                    .stderr
                    .push_str(&format!("apigctl: error: {}\n", report::one_line(&message)));
                errors.push(message);
            }
        }
    }
    drop_repeats_across_inputs(&mut reports);
    if !unreadable.is_empty() {
        errors.push(format!(
            "{} of {} input(s) could not be read: {}",
            unreadable.len(),
            inputs.len(),
            unreadable
                .iter()
                .filter_map(|(i, _)| reports.get(*i).map(|r| r.name.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(path) = &options.write_baseline
        && !(unreadable.is_empty() && status.unanalysed.is_empty())
    {
        // Without the findings of the inputs it could not read or load, the baseline would
        // drop what it accepted for them: the one on disk stays as it is.
        let message = format!(
            "baseline {} not written: not every input could be read and analysed",
            report::one_line(&path.display().to_string())
        );
        outcome
            .stderr
            .push_str(&format!("apigctl: error: {message}\n"));
        errors.push(message);
    } else if let Some(path) = &options.write_baseline {
        let baseline = Baseline::of(&reports, &config::parent_dir(path));
        match super::output::write_atomically(path, &baseline.to_text()) {
            Ok(()) => {
                let total: usize = baseline.findings.iter().map(|e| e.count).sum();
                outcome.stderr.push_str(&format!(
                    "apigctl: wrote {total} finding(s) to baseline {}\n",
                    report::one_line(&path.display().to_string())
                ));
            }
            Err(e) => {
                outcome
                    .stderr
                    .push_str(&format!("apigctl: error: {}\n", report::one_line(&e)));
                status.failures.push(FileReport {
                    name: path.display().to_string(),
                    sources: Sources::new(),
                    diagnostics: vec![Diagnostic::error("baseline-unwritable", &e)],
                });
                errors.push(e);
            }
        }
    }
    if let Some((path, baseline)) = &baseline {
        let suppressed = baseline.suppress(&mut reports, &config::parent_dir(path));
        outcome.stderr.push_str(&format!(
            "apigctl: {suppressed} finding(s) suppressed by baseline {}\n",
            report::one_line(&path.display().to_string())
        ));
    }
    let threshold = options.fail_on.unwrap_or(Severity::Error);
    let fails = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(|d| d.severity >= threshold);
    outcome.exit_code = if !errors.is_empty() {
        EXIT_USAGE
    } else if fails {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    if options.format == report::Format::Human {
        // People read on stderr what could not be read; the summary counts what was linted.
        let mut keep = vec![true; reports.len()];
        for (index, _) in &unreadable {
            if let Some(k) = keep.get_mut(*index) {
                *k = false;
            }
        }
        let mut keep = keep.into_iter();
        reports.retain(|_| keep.next().unwrap_or(true));
    } else {
        for (index, message) in unreadable {
            let reason = Diagnostic::error("input-unreadable", message);
            if let Some(r) = reports.get_mut(index) {
                r.diagnostics.push(reason.clone());
            }
            status.unanalysed.push(report::Unanalysed {
                report: index,
                reason,
                unreadable: true,
            });
        }
        status.unanalysed.sort_by_key(|u| u.report);
    }
    status.exit_code = Some(outcome.exit_code);
    status.working_dir = std::env::current_dir().ok();
    status.user_rules = options.user_rules().to_vec();
    status.error = (!errors.is_empty()).then(|| errors.join("; "));
    outcome.stdout = timings::time("render report", || {
        report::render_run(options.format, &reports, &status, options.color)
    });
    outcome.stderr.push_str(&timings::take_report());
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn at(
        code: &str,
        severity: Severity,
        message: &str,
        span: (usize, usize),
        pointer: &str,
    ) -> Diagnostic {
        Diagnostic::new(code, severity, message)
            .at(FileId(0), Span::new(span.0, span.1))
            .pointer(pointer)
    }

    fn left(mut diagnostics: Vec<Diagnostic>) -> Vec<String> {
        dedup_import(&mut diagnostics, |c| {
            c.starts_with("apig-") || c.starts_with("oas-")
        });
        diagnostics.into_iter().map(|d| d.code).collect()
    }

    /// A pair whose text import no longer writes, or whose rule is gone, would stop matching
    /// without a word, and both findings would show again.
    #[test]
    fn every_listed_pair_names_an_import_message_and_a_rule() {
        let import = [
            include_str!("../convert/import/mod.rs"),
            include_str!("../convert/import/backend.rs"),
            include_str!("../convert/import/document.rs"),
            include_str!("../convert/import/operations.rs"),
            include_str!("../convert/import/params.rs"),
        ];
        let rules = rules::builtin_rules().unwrap_or_else(|e| panic!("{e}"));
        for (code, text, id, _) in SAME_PROBLEM {
            let quoted = format!("\"{code}\"");
            assert!(import.iter().any(|s| s.contains(&quoted)), "{code}");
            assert!(import.iter().any(|s| s.contains(text)), "{text}");
            assert!(rules.iter().any(|r| r.id == *id), "{id}");
        }
    }

    /// `diff` shows an import error as the finding that reports it: the one that gives way.
    #[test]
    fn the_finding_an_import_diagnostic_gives_way_to_is_named() {
        use Severity::{Error, Warn};
        let diagnostics = vec![
            at("apig-w", Warn, "m", (10, 20), "/a"),
            at("apig-e", Error, "m", (10, 20), "/a"),
            at("import-invalid", Error, "cannot import", (10, 12), "/a"),
            at("import-invalid", Error, "cannot import", (5, 50), "/b"),
            at("apig-f", Error, "m", (30, 35), "/b/x"),
        ];
        assert_eq!(
            reported_by_rule(&diagnostics, |c| c.starts_with("apig-")),
            [None, None, Some(1), Some(4), None]
        );
    }

    #[test]
    fn import_diagnostics_give_way_to_rule_findings_of_the_same_problem() {
        use Severity::{Error, Info, Warn};
        // A listed pair at the same start: the rule at least as severe. A warning there
        // leaves an import error standing: the run fails.
        let same_start = |import: Severity, rule: Severity| {
            left(vec![
                at(
                    "import-duplicate-name",
                    import,
                    "another operation has the operationId `a`; API names are unique in a group",
                    (10, 12),
                    "/a",
                ),
                at("oas-operation-id-unique", rule, "m", (10, 20), "/b"),
            ])
        };
        assert_eq!(same_start(Error, Error), ["oas-operation-id-unique"]);
        assert_eq!(same_start(Warn, Warn), ["oas-operation-id-unique"]);
        assert_eq!(
            same_start(Error, Warn),
            ["import-duplicate-name", "oas-operation-id-unique"]
        );
        // Starting at the same place is not saying the same thing: a rule finding of
        // another problem there hides nothing, however severe.
        let unrelated = |rule: &str, severity: Severity| {
            left(vec![
                at(
                    "import-dropped",
                    Warn,
                    "`get` is written both beside `$ref` and in the path item it names",
                    (10, 13),
                    "/paths/~1a/get",
                ),
                at(rule, severity, "m", (10, 13), "/paths/~1a/get"),
            ])
        };
        assert_eq!(
            unrelated("apig-cors", Warn),
            ["import-dropped", "apig-cors"]
        );
        assert_eq!(
            unrelated("apig-backend-required", Error),
            ["import-dropped", "apig-backend-required"]
        );
        // The listed text with another rule at the same start stays too.
        assert_eq!(
            left(vec![
                at(
                    "import-duplicate-name",
                    Warn,
                    "another operation has the operationId `a`",
                    (10, 12),
                    "/a",
                ),
                at("apig-cors", Error, "m", (10, 20), "/a"),
            ]),
            ["import-duplicate-name", "apig-cors"]
        );
        // A listed pair at nested pointers; the same text with another rule stays.
        let pair = |rule: &str| {
            left(vec![
                at(
                    "import-missing-backend",
                    Warn,
                    "operation has no `x-apigateway-backend`; imported with an empty MOCK backend",
                    (30, 40),
                    "/paths/~1a/get",
                ),
                at(rule, Error, "m", (20, 23), "/paths/~1a/get"),
            ])
        };
        assert_eq!(pair("apig-backend-required"), ["apig-backend-required"]);
        assert_eq!(
            pair("apig-api-name"),
            ["import-missing-backend", "apig-api-name"]
        );
        // A refusal of a construct gives way to an at least as severe finding inside it.
        let refusal = |severity: Severity, pointer: &str| {
            left(vec![
                at(
                    "import-invalid",
                    Error,
                    "cannot import: unknown variant",
                    (5, 50),
                    "/paths/~1a/get",
                ),
                at("apig-y", severity, "m", (30, 35), pointer),
            ])
        };
        assert_eq!(refusal(Error, "/paths/~1a/get/x/0/origin"), ["apig-y"]);
        assert_eq!(
            refusal(Info, "/paths/~1a/get/x/0/origin"),
            ["import-invalid", "apig-y"]
        );
        assert_eq!(
            refusal(Error, "/paths/~1b/get"),
            ["import-invalid", "apig-y"]
        );
        assert_eq!(
            refusal(Error, "/paths/~1a/getter"),
            ["import-invalid", "apig-y"]
        );
    }
}
