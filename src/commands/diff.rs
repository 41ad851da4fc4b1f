//! `apigctl diff SOURCE --env NAME`: the plan sync would carry out, without changing anything.
//! Exit code 0 when nothing would change, 2 when changes are pending, 1 on error (like
//! `terraform plan -detailed-exitcode`).

use std::collections::BTreeMap;

use crate::convert::import::{ImportOptions, ImportResult, MISSING_BACKEND, UNMAPPED_AUTH, import};
use crate::diagnostic::{Diagnostic, Location};
use crate::gateway::config::ConfigError;
use crate::gateway::{Client, ConfigOverrides, GatewayConfig};
use crate::model::Definition;
use crate::openapi::{self, DocumentKind};
use crate::report::{self, FileReport};
use crate::source::refs::{RefOptions, Workspace};
use crate::source::{Input, Limits, LoadError, Node};
use crate::sync::live::{self, Live};
use crate::sync::plan::{Plan, PlanOptions, Refusal, plan};

use super::lint::{GatewayErrors, NameKind};
use super::{EXIT_FINDINGS, EXIT_OK, Outcome};

/// Exit code of `diff` when changes are pending.
pub const EXIT_CHANGES: u8 = 2;

/// Plan output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PlanFormat {
    /// `+`/`~`/`-` lines.
    #[default]
    Human,
    /// JSON (`version: 1`).
    Json,
}

/// How to reach the gateway, shared by `diff`, `sync` and `dump`.
#[derive(Clone, Debug, Default)]
pub struct GatewayOptions {
    /// Flags.
    pub overrides: ConfigOverrides,
    /// Environment variables to use instead of the process's (tests).
    pub env_vars: Option<BTreeMap<String, String>>,
}

impl GatewayOptions {
    /// The client, or what is missing or wrong.
    pub fn client(&self) -> Result<Client, ConfigError> {
        let config = match &self.env_vars {
            Some(vars) => GatewayConfig::resolve(&self.overrides, |k| vars.get(k).cloned()),
            None => GatewayConfig::resolve(&self.overrides, |k| std::env::var(k).ok()),
        }?;
        Client::new(config).map_err(|e| ConfigError {
            message: e.to_string(),
            report: None,
        })
    }

    /// The client, or the outcome that says why there is none (exit 1): a configuration
    /// file's mistakes first, each at its place as `apigctl lint` shows a configuration's
    /// (`color`ed for stderr).
    pub fn connect(&self, color: bool) -> Result<Client, Outcome> {
        self.connect_or_fail()
            .map_err(|failure| failure.outcome(PlanFormat::Human, color))
    }

    /// The client, or the [`Failure`] that says why there is none.
    fn connect_or_fail(&self) -> Result<Client, Failure> {
        self.client().map_err(|error| Failure {
            reports: error.report.map(|r| *r).into_iter().collect(),
            ..Failure::error(error.message)
        })
    }
}

/// Why `diff` or `sync` stopped before anything was sent, kept apart from how it is shown:
/// stderr gets it for people, and with `--format json` stdout gets it as a JSON document, so
/// a consumer that parses stdout reads a failure, not an empty string.
#[derive(Debug, Default)]
pub struct Failure {
    /// Already rendered for stderr, said first (import's warnings about SOURCE).
    pub before: String,
    /// The diagnostics that say why, each report at the file it is about.
    pub reports: Vec<FileReport>,
    /// One-line errors, in order (`apigctl: error: ` lines); the last says what was not done.
    pub errors: Vec<String>,
}

impl Failure {
    /// A failure said in one line.
    pub fn error(message: impl Into<String>) -> Failure {
        Failure {
            errors: vec![message.into()],
            ..Failure::default()
        }
    }

    /// The failure's outcome (exit 1): stderr for people, and with [`PlanFormat::Json`]
    /// stdout the document `apigctl lint --format json` writes for a failed run: `version`,
    /// `summary`, `diagnostics` (the same as stderr's, with their places), `error` (the last
    /// one-line error: what was not done) and `errors` (every one-line error, in order).
    pub fn outcome(self, format: PlanFormat, color: bool) -> Outcome {
        let mut stderr = self.before;
        let reports: Vec<FileReport> = self
            .reports
            .into_iter()
            .filter(|r| !r.diagnostics.is_empty())
            .collect();
        if !reports.is_empty() {
            stderr.push_str(&report::render(report::Format::Human, &reports, color));
        }
        for e in &self.errors {
            stderr.push_str(&format!("apigctl: error: {}\n", report::printable(e)));
        }
        let stdout = match format {
            PlanFormat::Human => String::new(),
            PlanFormat::Json => {
                // Without a one-line error, the diagnostics say why: the run stopped on them.
                // `error` is one line: a gateway error's `help:` lines stay in `errors`.
                let first_line = |e: &String| e.lines().next().unwrap_or_default().to_owned();
                let summary = self.errors.last().map(first_line).unwrap_or_else(|| {
                    let name = reports.first().map_or("SOURCE", |r| r.name.as_str());
                    format!(
                        "{} has errors; nothing was planned or sent",
                        report::one_line(name)
                    )
                });
                let status = report::RunStatus {
                    exit_code: Some(EXIT_FINDINGS),
                    error: Some(summary),
                    ..report::RunStatus::default()
                };
                let text = report::render_run(report::Format::Json, &reports, &status, false);
                match serde_json::from_str::<serde_json::Value>(&text) {
                    Ok(mut doc) => {
                        if let Some(obj) = doc.as_object_mut() {
                            obj.insert("errors".into(), serde_json::json!(self.errors));
                        }
                        let mut text = serde_json::to_string_pretty(&doc).unwrap_or(text);
                        text.push('\n');
                        text
                    }
                    Err(_) => text,
                }
            }
        };
        Outcome {
            stdout,
            stderr,
            exit_code: EXIT_FINDINGS,
        }
    }
}

/// Options of `apigctl diff`.
#[derive(Clone, Debug, Default)]
pub struct DiffOptions {
    /// Gateway location and credentials.
    pub gateway: GatewayOptions,
    /// Environment for entries without `env`.
    pub env: String,
    /// Plan deletions of group objects missing from the source.
    pub prune: bool,
    /// Output format.
    pub format: PlanFormat,
    /// Input limits.
    pub limits: Limits,
    /// How references are followed.
    pub refs: RefOptions,
    /// Colour diagnostics (stderr).
    pub color: bool,
    /// Colour the human plan (stdout), decK-style.
    pub plan_color: bool,
}

/// Names SOURCE refers to without defining them, to look for on the gateway before planning
/// (see [`super::lint::NAME_RULES`]): the findings, and the loaded files they point into.
#[derive(Debug)]
pub struct UndefinedNames {
    report: FileReport,
    names: Vec<(Diagnostic, NameKind)>,
}

impl UndefinedNames {
    /// The findings whose name the live group does not have either, as errors: what apply
    /// would fail on after it had already changed the group (a binding to a misspelt policy
    /// would first unbind the old one). With `prune`, the group's APIs and responses that
    /// SOURCE does not define are deleted, so only SOURCE counts for those.
    fn unresolved(self, definition: &Definition, live: &Live, prune: bool) -> Option<FileReport> {
        // Most sources define every name: then the definition is not read again as JSON.
        if self.names.is_empty() {
            return None;
        }
        let value = serde_json::to_value(definition).unwrap_or_default();
        let on_gateway = |kind: NameKind, name: &str| match kind {
            NameKind::Throttle => live.throttles.contains_key(name),
            NameKind::Acl => live.acls.contains_key(name),
            NameKind::Authorizer => live.authorizers.contains_key(name),
            NameKind::Api => !prune && live.apis.contains_key(name),
            NameKind::Response => !prune && live.responses.contains_key(name),
        };
        let mut report = self.report;
        report.diagnostics = self
            .names
            .into_iter()
            .filter(|(d, kind)| {
                // An imported definition's findings point into the OpenAPI source; they keep
                // the definition's pointer beside.
                let name = d
                    .definition_pointer
                    .as_deref()
                    .or(d.pointer.as_deref())
                    .and_then(|p| value.pointer(p))
                    .and_then(serde_json::Value::as_str);
                name.is_none_or(|name| !on_gateway(*kind, name))
            })
            .map(|(mut d, _)| {
                d.severity = crate::diagnostic::Severity::Error;
                d.message
                    .push_str(", and the gateway does not have it either");
                d
            })
            .collect();
        (!report.diagnostics.is_empty()).then_some(report)
    }
}

/// SOURCE as a definition, with what its reading said that does not stop a run.
#[derive(Debug)]
pub struct Loaded {
    /// The definition (SOURCE's, or what import made of an OpenAPI SOURCE).
    pub definition: Definition,
    /// Import's warnings about an OpenAPI SOURCE, rendered as `apigctl import` shows them
    /// (for stderr, before the plan); empty for a definition.
    pub warnings: String,
}

/// Reads SOURCE, an OpenAPI document (converted like `apigctl import`) or a gateway
/// definition, with the names it leaves to the gateway; `color` colours import's warnings.
/// On failure why (diagnostics, exit 1).
pub fn load_definition(
    input: &Input,
    limits: &Limits,
    refs: &RefOptions,
    color: bool,
) -> Result<(Loaded, UndefinedNames), Failure> {
    let fail = |report: FileReport| Failure {
        reports: vec![report],
        ..Failure::default()
    };
    let name = input.display_name();
    let mut ws = match Workspace::load(input, limits) {
        Ok(ws) => ws,
        Err((_, e @ LoadError::Io { .. })) => return Err(Failure::error(e.to_string())),
        Err((sources, LoadError::Invalid(d))) => {
            return Err(fail(FileReport {
                name,
                sources,
                diagnostics: vec![*d],
            }));
        }
    };
    // What the gateway would refuse stops the run before anything is planned or sent: a sync
    // that fails halfway leaves the group half changed.
    let refuse = |ws: Workspace| -> Result<UndefinedNames, Failure> {
        let GatewayErrors { errors, names } =
            super::lint::gateway_errors(input, ws, limits, refs).map_err(gate_failure)?;
        if errors.diagnostics.is_empty() {
            let report = FileReport {
                diagnostics: Vec::new(),
                ..errors
            };
            return Ok(UndefinedNames { report, names });
        }
        Err(refused(errors))
    };
    match openapi::detect(ws.root()) {
        Ok(DocumentKind::Definition) => match Definition::from_node(&ws.root().root) {
            Ok(definition) => {
                let names = refuse(ws)?;
                Ok((
                    Loaded {
                        definition,
                        warnings: String::new(),
                    },
                    names,
                ))
            }
            // The linter locates the offending key in the file.
            Err(_) => {
                let lint = super::lint::LintOptions {
                    limits: *limits,
                    refs: *refs,
                    format: report::Format::Human,
                    color,
                    ..Default::default()
                };
                Err(match super::lint::lint_file(input, &lint) {
                    Ok(file_report) => fail(file_report),
                    Err(message) => Failure::error(message),
                })
            }
        },
        Ok(DocumentKind::OpenApi(version)) => {
            let mut diagnostics = ws.resolve_refs(limits, refs);
            let ImportResult {
                definition,
                diagnostics: found,
                ..
            } = import(&ws, version, &ImportOptions::default());
            let imported = diagnostics.len();
            diagnostics.extend(found);
            let failed = diagnostics.iter().any(Diagnostic::is_error);
            // Only errors stop the run; warnings are shown as `apigctl import` shows them
            // (what is left out of, or read differently into, what would be sent).
            if failed {
                // Import's pointers, into the definition, as lint has them: into SOURCE.
                crate::lint::point_into_source(&ws, &mut diagnostics[imported..]);
                diagnostics.retain(Diagnostic::is_error);
                // As lint shows them: a rule's finding where a rule reports the problem too.
                let file_report = super::lint::import_errors(input, ws, limits, refs, diagnostics)
                    .map_err(gate_failure)?;
                return Err(fail(file_report));
            }
            // Import puts an empty MOCK where an operation has no backend it can read, and
            // `auth_type: NONE` where its security scheme has no APIG mode (a plain OpenAPI
            // document imports so); a gateway would serve that mock, or the API to anyone.
            let stand_ins: Vec<Diagnostic> = diagnostics[imported..]
                .iter()
                .filter(|d| d.code == MISSING_BACKEND || d.code == UNMAPPED_AUTH)
                .map(|d| stand_in_refusal(&ws, d))
                .collect();
            if !stand_ins.is_empty() {
                let errors = [
                    (MISSING_BACKEND, "an operation without a backend would be an empty mock on the gateway"),
                    (UNMAPPED_AUTH, "an operation whose security scheme has no APIG authentication would be open to every caller"),
                ]
                .into_iter()
                .filter(|(code, _)| stand_ins.iter().any(|d| d.code == *code))
                .map(|(_, what)| format!("{what}; nothing was planned or sent"))
                .collect();
                // Import's other warnings are shown too, as a run that goes on shows them.
                let mut shown = stand_ins;
                shown.extend(diagnostics.drain(imported..).filter(|d| {
                    d.severity == crate::diagnostic::Severity::Warn
                        && d.code != MISSING_BACKEND
                        && d.code != UNMAPPED_AUTH
                }));
                let mut file_report = FileReport {
                    name,
                    sources: ws.sources,
                    diagnostics: shown,
                };
                file_report.sort();
                return Err(Failure {
                    reports: vec![file_report],
                    errors,
                    ..Failure::default()
                });
            }
            diagnostics.retain(|d| d.severity == crate::diagnostic::Severity::Warn);
            let mut names = refuse(ws)?;
            let warnings = if diagnostics.is_empty() {
                String::new()
            } else {
                // The loaded files went to the report of names; lent for this one.
                let mut report = FileReport {
                    name,
                    sources: std::mem::take(&mut names.report.sources),
                    diagnostics,
                };
                report.sort();
                let text =
                    report::render(report::Format::Human, std::slice::from_ref(&report), color);
                names.report.sources = report.sources;
                text
            };
            Ok((
                Loaded {
                    definition,
                    warnings,
                },
                names,
            ))
        }
        Err(d) => Err(fail(FileReport {
            name,
            sources: ws.sources,
            diagnostics: vec![*d],
        })),
    }
}

/// The refusal, by `diff` and `sync`, of the operation import's `d` (a [`MISSING_BACKEND`] or
/// [`UNMAPPED_AUTH`] warning) is about: at the same place, naming the operation by method,
/// path and `operationId`, under the same code (the problem is the same; here it stops the
/// run).
fn stand_in_refusal(ws: &Workspace, d: &Diagnostic) -> Diagnostic {
    if d.code == UNMAPPED_AUTH {
        let what = d
            .primary
            .and_then(|at| operation_around(ws, at))
            // Else the requirement is the document's, for every operation without its own.
            .map_or(
                String::from("the document's `security` (every operation without its own)"),
                |(method, path, op)| operation_label(&method, path, op),
            );
        let scheme = d
            .message
            .split('`')
            .nth(1)
            .map_or(String::new(), |s| format!(" `{s}`"));
        let mut refusal = Diagnostic::error(
            UNMAPPED_AUTH,
            format!(
                "{what} requires security scheme{scheme}, which has no `x-apigateway-auth-type`: a gateway would serve the API to every caller (auth_type NONE)"
            ),
        );
        // Import's help for its warning says the fix.
        refusal.help.clone_from(&d.help);
        refusal.primary = d.primary;
        refusal.source = d.source.clone();
        return refusal;
    }
    let (what, backend) = d.primary.and_then(|at| operation_around(ws, at)).map_or(
        (String::from("an operation"), None),
        |(method, path, op)| {
            let backend = op
                .get("x-apigateway-backend")
                .and_then(|b| b.get("type"))
                .and_then(Node::as_str)
                .map(str::to_owned);
            (operation_label(&method, path, op), backend)
        },
    );
    let message = match backend {
        Some(kind) => format!(
            "{what} has a backend of type `{kind}`, which apigctl cannot send: a gateway would serve the empty mock import puts in its place"
        ),
        None => format!(
            "{what} has no `x-apigateway-backend`: a gateway would serve the empty mock import puts in its place"
        ),
    };
    let mut refusal = Diagnostic::error(MISSING_BACKEND, message).help(
        "give the operation an `x-apigateway-backend` with a `type` (HTTP, HTTP-VPC, FUNCTION or MOCK) and the endpoint object of that type; `apigctl import` shows the definition made of SOURCE",
    );
    refusal.primary = d.primary;
    refusal.source = d.source.clone();
    refusal
}

/// An operation as refusals name it: ``operation `GET /a` (`op_a`)``.
fn operation_label(method: &str, path: &str, op: &Node) -> String {
    let id = op
        .get("operationId")
        .and_then(Node::as_str)
        .map_or_else(String::new, |id| format!(" (`{id}`)"));
    format!("operation `{method} {path}`{id}")
}

/// The upper-case method, path and node of the operation of `ws`'s root document whose text
/// holds `at` (path items a `$ref` names, in any file, included).
fn operation_around(ws: &Workspace, at: Location) -> Option<(String, &str, &Node)> {
    let doc = ws.root();
    let paths = doc.root.get("paths").and_then(Node::as_map)?;
    paths.entries.iter().find_map(|entry| {
        let path = &*entry.key.name;
        if path.starts_with("x-") {
            return None;
        }
        let (file, item) = ws.deref(doc.file, &entry.value).ok()?;
        if file != at.file {
            return None;
        }
        item.as_map()?.entries.iter().find_map(|op| {
            let within = op.value.span.start <= at.span.start && at.span.end <= op.value.span.end;
            let method = match &*op.key.name {
                "x-apigateway-any-method" => "ANY".to_owned(),
                m @ ("get" | "put" | "post" | "delete" | "options" | "head" | "patch") => {
                    m.to_ascii_uppercase()
                }
                _ => return None,
            };
            within.then_some((method, path, &op.value))
        })
    })
}

/// The report of what the gateway would refuse, and that nothing was done.
fn refused(report: FileReport) -> Failure {
    Failure {
        reports: vec![report],
        errors: vec!["the gateway would refuse this definition; nothing was planned or sent (`apigctl lint` shows every finding)".to_owned()],
        ..Failure::default()
    }
}

/// Why SOURCE's gateway constraints could not be checked: a configuration's mistakes as
/// `apigctl lint` shows them, then that nothing was planned or sent.
fn gate_failure(failure: super::lint::GateFailure) -> Failure {
    match failure {
        super::lint::GateFailure::Config(path, error) => {
            let config =
                super::lint::ConfigFailure::new(&path, error, "nothing was planned or sent", false);
            Failure {
                // An unreadable configuration has no place to show: its reason says it.
                reports: (!config.shown.is_empty())
                    .then_some(config.report)
                    .into_iter()
                    .collect(),
                errors: vec![report::one_line(&config.reason).into_owned()],
                ..Failure::default()
            }
        }
        super::lint::GateFailure::Message(message) => Failure::error(message),
    }
}

/// A multi-threaded runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::error(format!("cannot start the runtime: {e}")))
}

/// Loads SOURCE, reads the live group and plans. Shared by `diff` and `sync`.
pub fn prepare(
    input: &Input,
    options: &DiffOptions,
) -> Result<(Loaded, Client, Live, Plan, tokio::runtime::Runtime), Failure> {
    let (loaded, names) = load_definition(input, &options.limits, &options.refs, options.color)?;
    // Import's warnings come first, whatever stops the run after them.
    let failed = |failure: Failure| Failure {
        before: loaded.warnings.clone(),
        ..failure
    };
    let definition = &loaded.definition;
    let client = options.gateway.connect_or_fail().map_err(failed)?;
    let runtime = runtime().map_err(failed)?;
    let mut live = runtime
        .block_on(live::read(&client, &definition.group.name))
        .map_err(|e| failed(Failure::error(e.to_string())))?;
    live.rename_apis(&crate::sync::plan::renames(definition, &live));
    if let Some(report) = names.unresolved(definition, &live, options.prune) {
        return Err(failed(refused(report)));
    }
    let plan_options = PlanOptions {
        env: options.env.clone(),
        prune: options.prune,
    };
    let refusals = crate::sync::plan::refused(definition, &live, &plan_options);
    if !refusals.is_empty() {
        let (located, rest) = locate_refusals(input, options, refusals);
        let mut errors: Vec<String> = rest.into_iter().map(|r| r.message).collect();
        // Most of these the gateway would refuse; some (a new environment a slip away from
        // one it has) it would take, wrongly.
        errors.push(
            "the plan would fail on the gateway or is most likely a mistake (above); nothing was planned or sent"
                .to_owned(),
        );
        return Err(failed(Failure {
            reports: located.into_iter().collect(),
            errors,
            ..Failure::default()
        }));
    }
    let plan = plan(definition, &live, &plan_options);
    Ok((loaded, client, live, plan, runtime))
}

/// Places the refusals that come from a value of SOURCE at that value, in a report on SOURCE;
/// the others (from `--env`, or with SOURCE unreadable a second time) are returned as they are.
///
/// SOURCE is read again for this: a refusal is rare, and keeping every run's workspace and
/// provenance for it would cost every run that has none.
fn locate_refusals(
    input: &Input,
    options: &DiffOptions,
    refusals: Vec<Refusal>,
) -> (Option<FileReport>, Vec<Refusal>) {
    let unplaced = |refusals| (None, refusals);
    if matches!(input, Input::Stdin) || refusals.iter().all(|r| r.pointer.is_none()) {
        return unplaced(refusals);
    }
    let Ok(mut ws) = Workspace::load(input, &options.limits) else {
        return unplaced(refusals);
    };
    let provenance = match openapi::detect(ws.root()) {
        Ok(DocumentKind::OpenApi(version)) => {
            ws.resolve_refs(&options.limits, &options.refs);
            Some(import(&ws, version, &ImportOptions::default()).provenance)
        }
        Ok(DocumentKind::Definition) => None,
        Err(_) => return unplaced(refusals),
    };
    let place = |pointer: &str| match &provenance {
        Some(provenance) => provenance.nearest(&ws, pointer),
        None => {
            let doc = ws.root();
            let found = doc.root.pointer(pointer)?;
            Some((doc.file, found.node.span))
        }
    };
    let mut diagnostics = Vec::new();
    let mut rest = Vec::new();
    for refusal in refusals {
        match refusal.pointer.as_deref().and_then(place) {
            Some((file, span)) => {
                let mut d = Diagnostic::error(REFUSED, refusal.message).at(file, span);
                // As lint has them: an imported definition's pointer is kept beside.
                match provenance {
                    Some(_) => d.definition_pointer = refusal.pointer,
                    None => d.pointer = refusal.pointer,
                }
                diagnostics.push(d);
            }
            None => rest.push(refusal),
        }
    }
    let report = (!diagnostics.is_empty()).then(|| FileReport {
        name: input.display_name(),
        sources: ws.sources,
        diagnostics,
    });
    (report, rest)
}

/// Diagnostic code: the gateway would refuse what the plan asks of it (see
/// [`crate::sync::plan::refused`]).
pub const REFUSED: &str = "plan-refused";

/// The plan in the chosen format; `color` colours the human one.
pub fn render(plan: &Plan, format: PlanFormat, color: bool) -> String {
    match format {
        PlanFormat::Human => plan.render_human_colored(color),
        PlanFormat::Json => plan.render_json(),
    }
}

/// Runs `apigctl diff`.
pub fn run(input: &Input, options: &DiffOptions) -> Outcome {
    let (loaded, _, _, plan, _runtime) = match prepare(input, options) {
        Ok(prepared) => prepared,
        Err(failure) => return failure.outcome(options.format, options.color),
    };
    Outcome {
        stdout: render(&plan, options.format, options.plan_color),
        stderr: loaded.warnings,
        exit_code: if plan.pending() > 0 {
            EXIT_CHANGES
        } else {
            EXIT_OK
        },
    }
}
