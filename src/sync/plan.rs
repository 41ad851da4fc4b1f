//! The plan: what sync would do to make the live group match a definition, object by object,
//! with the field-level differences of updates.
//!
//! Ownership: the group named by the definition is managed, with everything that belongs to it
//! (variables, responses, APIs, their publications and bindings); only those are deleted, and
//! only with `--prune`. Publications and bindings are managed in the environments the run
//! names (`--env`, and the `env` of the definition's entries) only: those elsewhere belong to
//! a sync of their own environment, so promoting one document from DEV to PROD never takes PROD
//! offline from a DEV run. Environments, authorizers and policies are gateway-wide and may
//! serve other groups: they are created and updated when the definition declares them, never
//! deleted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use super::live::{Live, RemoteBinding};
use super::names::{def_value, without};
use crate::lint::functions::{Route, route};
use crate::model::{Definition, SpecialObjectType};

/// What happens to one object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Created.
    Create,
    /// Changed in place.
    Update,
    /// Deleted (only with `--prune`).
    Delete,
    /// Already as defined.
    Unchanged,
}

/// Kinds of objects, in the order apply handles them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// API group.
    Group,
    /// Environment.
    Environment,
    /// Environment variable of the group.
    Variable,
    /// Custom authorizer.
    Authorizer,
    /// Request throttling policy.
    Throttle,
    /// Excluded throttling configuration.
    ThrottleSpecial,
    /// Access control policy.
    Acl,
    /// Plug-in.
    Plugin,
    /// Group response.
    Response,
    /// API.
    Api,
    /// Publication of an API in an environment.
    Publication,
    /// Throttling policy bound to a published API.
    ThrottleBinding,
    /// Access control policy bound to a published API.
    AclBinding,
    /// Plug-in bound to an API in an environment.
    PluginBinding,
}

impl Kind {
    /// How the kind is written in plans.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Group => "group",
            Kind::Environment => "environment",
            Kind::Variable => "variable",
            Kind::Authorizer => "authorizer",
            Kind::Throttle => "throttle",
            Kind::ThrottleSpecial => "throttle special",
            Kind::Acl => "acl",
            Kind::Plugin => "plugin",
            Kind::Response => "response",
            Kind::Api => "api",
            Kind::Publication => "publication",
            Kind::ThrottleBinding => "throttle binding",
            Kind::AclBinding => "acl binding",
            Kind::PluginBinding => "plugin binding",
        }
    }
}

/// One changed field: its dotted path, the live value and the defined value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    /// Path in the definition object (`backend_api.timeout`, `req_params[limit].type`: named items by name).
    pub path: String,
    /// Live value (absent when the gateway has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// Defined value (absent when the definition has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// What apply needs to carry out a change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Target {
    /// Gateway id of the live object.
    pub id: Option<String>,
    /// Identifying names: `[env, name]` for variables, `[throttle, object_id]` for excluded
    /// configurations, `[env, api]` for publications, `[env, api, policy]` for bindings.
    pub keys: Vec<String>,
    /// Definition form of the desired object.
    pub body: Option<Value>,
    /// The live binding an update or delete replaces.
    pub old_binding: Option<RemoteBinding>,
}

/// One entry of the plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// Kind of object.
    pub kind: Kind,
    /// What happens.
    pub action: Action,
    /// Which object (`get_order`, `DEV/host`, `get_order in DEV`).
    pub name: String,
    /// Field differences of an update.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    /// Why, when not obvious (a republish after an API update).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What apply needs.
    #[serde(skip)]
    pub target: Target,
}

/// The plan for one group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    /// The managed group.
    pub group: String,
    /// The environment chosen with `--env`.
    pub env: String,
    /// Every object, in apply order.
    pub changes: Vec<Change>,
    /// Objects of the group that are not in the definition and stay because `--prune` is off.
    pub unmanaged: Vec<String>,
    /// Publications and bindings in environments the run does not name: left as they are.
    pub outside: Vec<String>,
    /// Environments of [`Plan::outside`], each once.
    pub outside_envs: BTreeSet<String>,
    /// What the plan leaves as it is on purpose and a user should know (a publication outside
    /// `--env` serving an older version of its API).
    pub notes: Vec<String>,
    /// APIs renamed in place, new name to old ([`Live::rename_apis`]).
    pub renamed: BTreeMap<String, String>,
}

/// Plan options.
#[derive(Clone, Debug)]
pub struct PlanOptions {
    /// Environment for entries without `env`, and where APIs are published by default.
    pub env: String,
    /// Delete group objects missing from the definition.
    pub prune: bool,
}

impl Plan {
    /// Number of creates, updates and deletes.
    pub fn pending(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.action != Action::Unchanged)
            .count()
    }

    /// Counts per action: (create, update, delete, unchanged).
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let count = |a| self.changes.iter().filter(|c| c.action == a).count();
        (
            count(Action::Create),
            count(Action::Update),
            count(Action::Delete),
            count(Action::Unchanged),
        )
    }

    /// The plan in decK/terraform style: `+` create, `~` update with field differences,
    /// `-` delete; unchanged objects only counted.
    pub fn render_human(&self) -> String {
        self.render_human_colored(false)
    }

    /// [`Plan::render_human`], with `color` in decK's colours: creations green, deletions
    /// red, updates yellow, and in a field's difference the old value red and the new green.
    pub fn render_human_colored(&self, color: bool) -> String {
        // Names and values come from SOURCE and the gateway: shown, never acted on, so each
        // piece is made printable before any colour is put around it.
        let paint = |code: &str, text: &str| {
            let text = crate::report::printable(text);
            if color {
                format!("\x1b[{code}m{text}\x1b[0m")
            } else {
                text.into_owned()
            }
        };
        let mut out = String::new();
        for change in self
            .changes
            .iter()
            .filter(|c| c.action != Action::Unchanged)
        {
            let (sign, code) = match change.action {
                Action::Create => ('+', GREEN),
                Action::Update => ('~', YELLOW),
                Action::Delete => ('-', RED),
                Action::Unchanged => (' ', ""),
            };
            let mut line = format!("{sign} {} {}", change.kind.label(), change.name);
            if let Some(reason) = &change.reason {
                let _ = write!(line, " ({reason})");
            }
            out.push_str(&paint(code, &line));
            out.push('\n');
            // A new object is shown whole, field by field, as decK and terraform show one:
            // a create is reviewed like an update.
            if change.action == Action::Create
                && let Some(Value::Object(body)) = &change.target.body
            {
                for (key, value) in body
                    .iter()
                    .filter(|(k, _)| !NAME_KEYS.contains(&k.as_str()))
                {
                    let _ = writeln!(
                        out,
                        "    {}: {}",
                        crate::report::printable(key),
                        paint(GREEN, &value.to_string())
                    );
                }
            }
            for field in &change.fields {
                let show =
                    |v: &Option<Value>| v.as_ref().map_or("(none)".to_owned(), |v| v.to_string());
                let _ = writeln!(
                    out,
                    "    {}: {} -> {}",
                    crate::report::printable(&field.path),
                    paint(RED, &show(&field.old)),
                    paint(GREEN, &show(&field.new))
                );
            }
        }
        for name in &self.unmanaged {
            let _ = writeln!(
                out,
                "= {} (not in the source; kept, --prune deletes it)",
                crate::report::printable(name)
            );
        }
        for note in &self.notes {
            let _ = writeln!(out, "= {}", crate::report::printable(note));
        }
        if !self.outside.is_empty() {
            let envs: Vec<&str> = self.outside_envs.iter().map(String::as_str).collect();
            // Each environment is managed by a sync of its own.
            let manages = if envs.len() == 1 {
                format!("a sync with --env {} manages them", envs[0])
            } else {
                let each: Vec<String> = envs.iter().map(|e| format!("--env {e}")).collect();
                format!(
                    "a sync with {} manages each environment's",
                    each.join(" or ")
                )
            };
            let line = format!(
                "= {} publication(s) and binding(s) in {} (not named by this run) left as they are; {manages}",
                self.outside.len(),
                envs.join(", "),
            );
            let _ = writeln!(out, "{}", crate::report::printable(&line));
        }
        let (create, update, delete, unchanged) = self.counts();
        let _ = writeln!(
            out,
            "{}",
            crate::report::printable(&format!(
                "Plan for group {} (env {}): {create} to create, {update} to update, {delete} to delete, {unchanged} unchanged.",
                self.group, self.env
            ))
        );
        out
    }

    /// The plan as JSON (`version: 1`).
    pub fn render_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.to_json()).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The JSON document of [`Plan::render_json`], as a value (`sync --format json` adds what
    /// was applied to it).
    pub fn to_json(&self) -> Value {
        let (create, update, delete, unchanged) = self.counts();
        serde_json::json!({
            "version": 1,
            "group": self.group,
            "env": self.env,
            "summary": {"create": create, "update": update, "delete": delete, "unchanged": unchanged},
            "changes": self.changes.iter().filter(|c| c.action != Action::Unchanged).map(|c| change_json(c, &self.renamed)).collect::<Vec<_>>(),
            "unmanaged": self.unmanaged,
            "outside": self.outside,
            "notes": self.notes,
        })
    }
}

/// A change as the JSON plan writes it: a create with the whole new object (`object`, the
/// definition form sync sends), as its human form lists it; an API renamed in place with its
/// old name (`renamed_from`).
fn change_json(change: &Change, renamed: &BTreeMap<String, String>) -> Value {
    let mut value = serde_json::to_value(change).unwrap_or(Value::Null);
    let Some(map) = value.as_object_mut() else {
        return value;
    };
    if change.action == Action::Create
        && let Some(body) = &change.target.body
    {
        map.insert("object".to_owned(), body.clone());
    }
    if change.kind == Kind::Api
        && let Some(old) = renamed.get(&change.name)
    {
        map.insert("renamed_from".to_owned(), Value::String(old.clone()));
    }
    value
}

/// Keys that name an object, already in a plan line's header.
const NAME_KEYS: [&str; 5] = [
    "name",
    "acl_name",
    "plugin_name",
    "variable_name",
    "response_name",
];

/// ANSI colours of the plan (SGR parameters).
const GREEN: &str = "32";
const RED: &str = "31";
const YELLOW: &str = "33";

/// The definition's wishes with every `env` resolved and bindings expanded per API.
#[derive(Debug, Default)]
pub struct Resolved {
    /// Environments that must exist.
    pub envs: BTreeSet<String>,
    /// Environments whose publications and bindings the run manages: `--env` and those the
    /// entries name (not those only declared under `environments`, whose variables are not
    /// publications).
    pub scope: BTreeSet<String>,
    /// (env, api) -> remark.
    pub publications: BTreeMap<(String, String), Option<String>>,
    /// (env, api) -> throttle.
    pub throttle_bindings: BTreeMap<(String, String), String>,
    /// (env, api) -> acl.
    pub acl_bindings: BTreeMap<(String, String), String>,
    /// (env, api, plugin).
    pub plugin_bindings: BTreeSet<(String, String, String)>,
}

/// Resolves `env`-less entries to `env`. APIs are published in `env` unless the definition
/// lists publications for `env` itself, which are then authoritative.
pub fn resolve(desired: &Definition, env: &str) -> Resolved {
    let mut resolved = Resolved::default();
    let pick = |e: &Option<String>| e.clone().unwrap_or_else(|| env.to_owned());
    resolved.envs.insert(env.to_owned());
    resolved
        .envs
        .extend(desired.environments.iter().map(|e| e.name.clone()));
    let explicit_default = desired.publications.iter().any(|p| pick(&p.env) == env);
    if !explicit_default {
        for api in &desired.apis {
            resolved
                .publications
                .insert((env.to_owned(), api.name.clone()), None);
        }
    }
    // Every entry names APIs in one environment; the environment must then exist.
    let mut envs = BTreeSet::new();
    let mut expand = |entry_env: &Option<String>, apis: &[String]| -> Vec<(String, String)> {
        let e = pick(entry_env);
        envs.insert(e.clone());
        apis.iter().map(|api| (e.clone(), api.clone())).collect()
    };
    for p in &desired.publications {
        for key in expand(&p.env, &p.apis) {
            resolved.publications.insert(key, p.remark.clone());
        }
    }
    for b in &desired.throttle_bindings {
        for key in expand(&b.env, &b.apis) {
            resolved.throttle_bindings.insert(key, b.throttle.clone());
        }
    }
    for b in &desired.acl_bindings {
        for key in expand(&b.env, &b.apis) {
            resolved.acl_bindings.insert(key, b.acl.clone());
        }
    }
    for b in &desired.plugin_bindings {
        for (e, api) in expand(&b.env, &b.apis) {
            resolved.plugin_bindings.insert((e, api, b.plugin.clone()));
        }
    }
    resolved.scope.insert(env.to_owned());
    resolved.scope.extend(envs.iter().cloned());
    resolved.envs.extend(envs);
    resolved
}

/// Something the gateway would refuse of a plan, found before anything is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// What would be refused, and how to avoid it.
    pub message: String,
    /// The definition value the refused request comes from (a JSON pointer into the
    /// definition), when it comes from SOURCE rather than from `--env` alone.
    pub pointer: Option<String>,
}

impl Refusal {
    fn new(message: String, pointer: Option<String>) -> Refusal {
        Refusal { message, pointer }
    }
}

/// The `env` of the first entry (publication or binding) that names environment `name`, as a
/// definition pointer.
fn env_entry(desired: &Definition, name: &str) -> Option<String> {
    let names = |e: &Option<String>| e.as_deref() == Some(name);
    [
        (
            "publications",
            desired.publications.iter().position(|p| names(&p.env)),
        ),
        (
            "throttle_bindings",
            desired.throttle_bindings.iter().position(|b| names(&b.env)),
        ),
        (
            "acl_bindings",
            desired.acl_bindings.iter().position(|b| names(&b.env)),
        ),
        (
            "plugin_bindings",
            desired.plugin_bindings.iter().position(|b| names(&b.env)),
        ),
    ]
    .into_iter()
    .find_map(|(list, i)| Some(format!("/{list}/{}/env", i?)))
}

/// APIs named in a refusal, by name; a long list ends with how many more there are.
fn api_list<'n>(names: impl ExactSizeIterator<Item = &'n str>) -> String {
    const SHOWN: usize = 5;
    let total = names.len();
    let mut shown: Vec<String> = names.take(SHOWN).map(|a| format!("`{a}`")).collect();
    if total > SHOWN {
        shown.push(format!("{} more", total - SHOWN));
    }
    shown.join(", ")
}

/// The environment of `existing` that `name`, an environment the gateway does not have, is a
/// slip of the keyboard for, if any: creating `PRDO` beside `PROD` would publish every API in
/// a copy of the environment meant.
pub fn near_environment<'a>(
    name: &str,
    existing: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    existing.into_iter().find(|e| typo_of(name, e))
}

/// Whether `a` reads as a slip of the keyboard for `b`: the same letters in another case, one
/// character changed, two neighbours swapped, or one character left out or added. Digits are
/// names' counters (`DEV1`, `DEV2`), so a digit changed for another, added or dropped makes
/// another name.
fn typo_of(a: &str, b: &str) -> bool {
    if a == b {
        return false;
    }
    let (a, b): (Vec<char>, Vec<char>) = (
        a.chars().flat_map(char::to_lowercase).collect(),
        b.chars().flat_map(char::to_lowercase).collect(),
    );
    if a == b {
        return true;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (da, db) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let digit = |c: &char| c.is_ascii_digit();
    match (da, db) {
        // `PR0D` for `PROD` is a slip; `DEV2` for `DEV1` another counter.
        ([x], [y]) => !(digit(x) && digit(y)),
        ([x1, x2], [y1, y2]) => x1 == y2 && x2 == y1,
        ([x], []) | ([], [x]) => !digit(x),
        _ => false,
    }
}

/// What the plan would ask of the gateway that it must refuse, found before anything is sent:
/// a new environment whose name the gateway does not take (an `--env` or an entry's `env`), and
/// a plug-in binding naming a plug-in neither the definition nor the gateway has (the linter
/// checks plug-in names only where a document defines plug-ins, which OpenAPI cannot), and an
/// API created on the route of a live one that stays. One refusal each, with the definition
/// value it comes from where SOURCE has one. Also refused: a VPC channel or an app (of an
/// excluded throttling configuration) the gateway does not have, and APIs that take each
/// other's routes.
pub fn refused(desired: &Definition, live: &Live, options: &PlanOptions) -> Vec<Refusal> {
    let (env, prune) = (options.env.as_str(), options.prune);
    let mut out = Vec::new();
    let resolved = resolve(desired, env);
    let declared: BTreeSet<&str> = desired
        .environments
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    // Declared environments are linted with the definition.
    let new_envs: Vec<&String> = resolved
        .envs
        .iter()
        .filter(|e| !live.envs.contains_key(*e) && !declared.contains(e.as_str()))
        .collect();
    // A new environment a slip away from one the gateway has is a typo far more often than a
    // wish; declaring it under `environments` says it is meant.
    for name in &new_envs {
        if let Some(near) = near_environment(name, live.envs.keys().map(String::as_str)) {
            let from_option = name.as_str() == env;
            let fix = if from_option {
                format!("--env {near}")
            } else {
                near.to_owned()
            };
            out.push(Refusal::new(
                format!(
                    "environment `{name}` would be created, but the gateway has `{near}`: did you mean `{fix}`? To create `{name}` beside it, declare it under `environments` in SOURCE"
                ),
                (!from_option).then(|| env_entry(desired, name)).flatten(),
            ));
        }
    }
    if !new_envs.is_empty() {
        let environments: Vec<Value> = new_envs
            .iter()
            .map(|e| serde_json::json!({ "name": e }))
            .collect();
        let definition = serde_json::json!({
            "apigctl": 1,
            "group": {"name": "group"},
            "environments": environments,
        });
        for d in crate::lint::definition_value_errors(&definition, |r| {
            r.id.starts_with("apig-env-") && !r.id.starts_with("apig-env-variable")
        }) {
            let name = d
                .pointer
                .as_deref()
                .and_then(|p| definition.pointer(p))
                .and_then(Value::as_str)
                .unwrap_or_default();
            // From `--env`, or from the first entry that names it.
            let pointer = (name != env).then(|| env_entry(desired, name)).flatten();
            out.push(Refusal::new(
                format!(
                    "environment `{name}` would be created, but {} ({}); choose another name with --env or the entry's `env`",
                    d.message, d.code
                ),
                pointer,
            ));
        }
    }
    // An API SOURCE creates on the route of a live API that stays (SOURCE does not define it,
    // and `--prune` is off or an environment outside the run serves it): the gateway refuses
    // the new one. The route rule of the linter decides, on SOURCE's APIs followed by those.
    {
        let defined: BTreeSet<&str> = desired.apis.iter().map(|a| a.name.as_str()).collect();
        // Why it stays, and what frees its route.
        let why = |name: &str| -> Option<(String, String)> {
            let serving = served_outside(live, &resolved.scope, name);
            if let Some(first) = serving.first() {
                let envs: Vec<&str> = serving.iter().copied().collect();
                Some((
                    format!(
                        "stays while {} serves it (not named by this run)",
                        envs.join(", ")
                    ),
                    format!("take it offline there first (sync with --env {first} --prune)"),
                ))
            } else if !prune {
                Some((
                    "stays (no --prune)".to_owned(),
                    "sync with --prune to replace it".to_owned(),
                ))
            } else {
                None
            }
        };
        let staying: Vec<(&crate::model::ApiDef, (String, String))> = live
            .apis
            .iter()
            .filter(|(name, _)| !defined.contains(name.as_str()))
            .filter_map(|(name, remote)| Some((&remote.def, why(name)?)))
            .collect();
        if !staying.is_empty() {
            let apis: Vec<Value> = desired
                .apis
                .iter()
                .chain(staying.iter().map(|(a, _)| *a))
                .map(|a| serde_json::to_value(a).unwrap_or_default())
                .collect();
            let definition = serde_json::json!({
                "apigctl": 1,
                "group": {"name": "group"},
                "apis": apis,
            });
            for d in
                crate::lint::definition_value_errors(&definition, |r| r.id == "apig-duplicate-api")
            {
                let index = d
                    .pointer
                    .as_deref()
                    .and_then(|p| p.strip_prefix("/apis/"))
                    .and_then(|i| i.split('/').next())
                    .and_then(|i| i.parse::<usize>().ok());
                if let Some(api) = index.and_then(|i| i.checked_sub(desired.apis.len()))
                    && let Some((staying, (why, fix))) = staying.get(api)
                {
                    // The API of SOURCE on that route, as the rule compares routes.
                    fn route(a: &crate::model::ApiDef) -> (&'static str, &str, &'static str) {
                        let mode = a.match_mode.map_or("NORMAL", |m| m.as_str());
                        (a.req_method.as_str(), &a.req_uri, mode)
                    }
                    let pointer = desired
                        .apis
                        .iter()
                        .position(|a| route(a) == route(staying))
                        .map(|i| format!("/apis/{i}/req_uri"));
                    out.push(Refusal::new(
                        format!(
                            "API `{}` on the gateway is not in SOURCE and {why}, but {} ({}); {fix}, or keep its name in SOURCE",
                            staying.name, d.message, d.code
                        ),
                        pointer,
                    ));
                }
            }
        }
    }
    // VPC channels and apps are gateway-wide and never created by sync: a name the gateway
    // does not have would fail mid-way, after the group and other objects were written.
    if live.listed.vpc_channels {
        for (i, api) in desired.apis.iter().enumerate() {
            let mut names = Vec::new();
            named_in(
                &def_value(api),
                "vpc_channel_name",
                &mut String::new(),
                &mut names,
            );
            for (pointer, channel) in names {
                if !live.names.vpc_channels.contains_key(&channel) {
                    out.push(Refusal::new(
                        format!(
                            "API `{}` uses VPC channel `{channel}`, which the gateway does not have (sync does not create VPC channels); create it on the gateway, or check the name",
                            api.name
                        ),
                        Some(format!("/apis/{i}{pointer}")),
                    ));
                }
            }
        }
    }
    if live.listed.apps {
        for (t, throttle) in desired.throttles.iter().enumerate() {
            for (k, special) in throttle.special.iter().enumerate() {
                let app = special.object_name.as_str();
                let known = live.apps.contains_key(app) || live.apps.values().any(|id| id == app);
                if special.object_type == SpecialObjectType::App && !known {
                    out.push(Refusal::new(
                        format!(
                            "throttling policy `{}` excludes app `{app}`, which the gateway does not have (sync does not create apps); create the app, or check the name",
                            throttle.name
                        ),
                        Some(format!("/throttles/{t}/special/{k}/object_name")),
                    ));
                }
            }
        }
    }
    // APIs that take each other's routes: each update is refused while the other API holds
    // its route, in whichever order they are sent.
    let waits = route_waits(
        desired.apis.iter().map(|a| (a.name.as_str(), route_of(a))),
        live,
    );
    for cycle in route_cycles(&waits) {
        let pointer = desired
            .apis
            .iter()
            .position(|a| a.name == cycle[0])
            .map(|i| format!("/apis/{i}/req_uri"));
        out.push(Refusal::new(
            format!(
                "APIs {} take each other's routes (method, path and match mode), or, read by route, swap their names; the gateway refuses each update while another of them holds its route (APIG.3301) or name (APIG.3202); move one to a free route (or give it a new name) and sync, then sync SOURCE",
                api_list(cycle.iter().map(String::as_str))
            ),
            pointer,
        ));
    }
    let plugins: BTreeSet<&str> = desired
        .plugins
        .iter()
        .map(|p| p.plugin_name.as_str())
        .chain(live.plugins.keys().map(String::as_str))
        .collect();
    // Each name once, with the APIs that bind it (the entry of an OpenAPI source is made from
    // its operations' `x-apigateway-plugins`).
    // Each with the first binding that names it.
    let mut unknown: BTreeMap<&str, (usize, BTreeSet<&str>)> = BTreeMap::new();
    for (i, binding) in desired.plugin_bindings.iter().enumerate() {
        if !plugins.contains(binding.plugin.as_str()) {
            unknown
                .entry(binding.plugin.as_str())
                .or_insert_with(|| (i, BTreeSet::new()))
                .1
                .extend(binding.apis.iter().map(String::as_str));
        }
    }
    for (plugin, (first, apis)) in unknown {
        out.push(Refusal::new(
            format!(
                "plug-in `{plugin}` is bound to {} (`plugin_bindings`, or `x-apigateway-plugins` of those operations) but neither SOURCE nor the gateway has it; define it under `plugins` of a gateway definition, create it on the gateway, or check the name",
                api_list(apis.into_iter())
            ),
            Some(format!("/plugin_bindings/{first}/plugin")),
        ));
    }
    out
}

/// Each string member `key` under `value`, with its JSON pointer (from `at`, which is left
/// as it was), in document order.
fn named_in(value: &Value, key: &str, at: &mut String, out: &mut Vec<(String, String)>) {
    let len = at.len();
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                at.push('/');
                at.push_str(&k.replace('~', "~0").replace('/', "~1"));
                match v.as_str() {
                    Some(name) if k == key => out.push((at.clone(), name.to_owned())),
                    _ => named_in(v, key, at, out),
                }
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let _ = write!(at, "/{i}");
                named_in(v, key, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// The route of an API of a definition.
fn route_of(api: &crate::model::ApiDef) -> Route {
    route(
        api.req_method.as_str(),
        &api.req_uri,
        api.match_mode.map(|m| m.as_str()),
    )
}

/// The environments outside `scope` (the run's) where the live API `name` is published or has
/// a plug-in: deleting the API would take it offline there.
fn served_outside<'l>(live: &'l Live, scope: &BTreeSet<String>, name: &str) -> BTreeSet<&'l str> {
    live.publications
        .keys()
        .map(|(env, api)| (env, api))
        .chain(live.plugin_bindings.iter().map(|(env, api, _)| (env, api)))
        .filter(|(env, api)| *api == name && !scope.contains(*env))
        .map(|(env, _)| env.as_str())
        .collect()
}

/// The APIs SOURCE renames, as (old name, new name): a live API SOURCE does not name that
/// holds the route of exactly one API of SOURCE the gateway does not have, and is the only
/// such API on that route. For [`Live::rename_apis`], before planning.
pub fn renames(desired: &Definition, live: &Live) -> Vec<(String, String)> {
    let wanted: BTreeSet<&str> = desired.apis.iter().map(|a| a.name.as_str()).collect();
    let mut by_route: BTreeMap<Route, (Vec<&str>, Vec<&str>)> = BTreeMap::new();
    for api in desired
        .apis
        .iter()
        .filter(|a| !live.apis.contains_key(&a.name))
    {
        by_route.entry(route_of(api)).or_default().1.push(&api.name);
    }
    for (name, remote) in live
        .apis
        .iter()
        .filter(|(n, _)| !wanted.contains(n.as_str()))
    {
        if let Some(entry) = by_route.get_mut(&route_of(&remote.def)) {
            entry.0.push(name);
        }
    }
    by_route
        .into_values()
        .filter_map(|(old, new)| match (old.as_slice(), new.as_slice()) {
            ([old], [new]) => Some(((*old).to_owned(), (*new).to_owned())),
            _ => None,
        })
        .collect()
}

/// The route of an API in definition form (a change's body), if it names one.
pub(crate) fn route_of_value(api: &Value) -> Option<Route> {
    let field = |key| api.get(key).and_then(Value::as_str);
    Some(route(
        field("req_method")?,
        field("req_uri")?,
        field("match_mode"),
    ))
}

/// For each API that takes a route (`moves`: the name and route of each API created or
/// updated), the API it must wait for: the live API now on that route, when SOURCE moves it
/// to another. The gateway refuses the route while that one holds it (APIG.3301), so the
/// update that frees it has to be done first. APIs that take each other's routes wait for
/// each other in a cycle: see [`route_cycles`].
pub(crate) fn route_waits<'a>(
    moves: impl Iterator<Item = (&'a str, Route)>,
    live: &Live,
) -> BTreeMap<&'a str, String> {
    let moves: BTreeMap<&str, Route> = moves.collect();
    let holders: BTreeMap<Route, &str> = live
        .apis
        .iter()
        .map(|(name, remote)| (route_of(&remote.def), name.as_str()))
        .collect();
    let mut waits = BTreeMap::new();
    for (&name, route) in &moves {
        if let Some(&holder) = holders.get(route)
            && holder != name
            && moves.get(holder).is_some_and(|to| to != route)
        {
            waits.insert(name, holder.to_owned());
        }
    }
    waits
}

/// The cycles of `waits` ([`route_waits`]): APIs that take each other's routes, each cycle
/// once, from its first name.
pub(crate) fn route_cycles(waits: &BTreeMap<&str, String>) -> Vec<Vec<String>> {
    let mut cycles = Vec::new();
    for &start in waits.keys() {
        let mut cycle = vec![start.to_owned()];
        let mut at = start;
        while let Some(next) = waits.get(at) {
            if next == start {
                // Found from its first name only.
                if cycle.iter().all(|n| n.as_str() >= start) {
                    cycles.push(cycle);
                }
                break;
            }
            if cycle.len() > waits.len() || cycle.contains(next) {
                break;
            }
            cycle.push(next.clone());
            at = next;
        }
    }
    cycles
}

/// Compares a definition with the live group.
pub fn plan(desired: &Definition, live: &Live, options: &PlanOptions) -> Plan {
    let resolved = resolve(desired, &options.env);
    let mut planner = Planner {
        changes: Vec::new(),
        unmanaged: Vec::new(),
        prune: options.prune,
        scope: resolved.scope.clone(),
        outside: Vec::new(),
        outside_envs: BTreeSet::new(),
    };
    let mut notes = Vec::new();

    // Group.
    let group_body = def_value(&desired.group);
    match &live.group {
        None => planner.push(
            Kind::Group,
            &desired.group.name,
            Action::Create,
            vec![],
            Target {
                body: Some(group_body),
                ..Target::default()
            },
        ),
        Some(remote) => planner.compare(
            Kind::Group,
            &desired.group.name,
            Some(&remote.id),
            &def_value(&remote.def),
            group_body,
            vec![],
        ),
    }

    // Environments: declared ones are compared; merely referenced ones only created.
    let declared: BTreeMap<&str, Value> = desired
        .environments
        .iter()
        .map(|e| (e.name.as_str(), without(def_value(e), &["variables"])))
        .collect();
    for env in &resolved.envs {
        let body = declared
            .get(env.as_str())
            .cloned()
            .unwrap_or_else(|| serde_json::json!({ "name": env }));
        match live.envs.get(env) {
            None => planner.push(
                Kind::Environment,
                env,
                Action::Create,
                vec![],
                Target {
                    body: Some(body),
                    ..Target::default()
                },
            ),
            Some(remote) if declared.contains_key(env.as_str()) => {
                let live_value =
                    serde_json::json!({ "name": remote.def.name, "remark": remote.def.remark });
                planner.compare(
                    Kind::Environment,
                    env,
                    Some(&remote.id),
                    &strip_null(live_value),
                    body,
                    vec![],
                );
            }
            // Referenced and there: unchanged, counted as a created one was.
            Some(remote) => planner.push(
                Kind::Environment,
                env,
                Action::Unchanged,
                vec![],
                Target {
                    id: Some(remote.id.clone()),
                    ..Target::default()
                },
            ),
        }
    }

    // Variables of the group.
    let mut desired_variables: BTreeMap<(String, String), String> = BTreeMap::new();
    for env in &desired.environments {
        for variable in &env.variables {
            desired_variables.insert(
                (env.name.clone(), variable.variable_name.clone()),
                variable.variable_value.clone(),
            );
        }
    }
    // Compared as the object the gateway holds (`variable_value`, API Reference 3.3.1), so a change is
    // shown with its field's path (`variable_value: "old" -> "new"`), not an empty one.
    let variable = |value: &str| serde_json::json!({ "variable_value": value });
    planner.keyed(
        Kind::Variable,
        desired_variables
            .iter()
            .map(|(k, v)| (k.clone(), variable(v))),
        live.variables
            .iter()
            .map(|(k, r)| (k.clone(), (r.id.clone(), variable(&r.def)))),
        |(env, name)| format!("{env}/{name}"),
        |(env, name)| vec![env.clone(), name.clone()],
        true,
    );

    // Gateway-wide objects the definition declares.
    let shared = |items: Vec<(String, Value)>,
                  live: BTreeMap<String, (String, Value)>,
                  kind: Kind,
                  planner: &mut Planner| {
        planner.keyed(
            kind,
            items.into_iter(),
            live.into_iter(),
            |n| n.clone(),
            |n| vec![n.clone()],
            false,
        );
    };
    shared(
        desired
            .authorizers
            .iter()
            .map(|a| (a.name.clone(), def_value(a)))
            .collect(),
        live.authorizers
            .iter()
            .map(|(n, r)| (n.clone(), (r.id.clone(), def_value(&r.def))))
            .collect(),
        Kind::Authorizer,
        &mut planner,
    );
    shared(
        desired
            .throttles
            .iter()
            .map(|t| (t.name.clone(), without(def_value(t), &["special"])))
            .collect(),
        live.throttles
            .iter()
            .map(|(n, r)| {
                (
                    n.clone(),
                    (r.id.clone(), without(def_value(&r.def), &["special"])),
                )
            })
            .collect(),
        Kind::Throttle,
        &mut planner,
    );
    // Excluded configurations of the declared policies, keyed by the app or account id.
    let mut desired_specials = BTreeMap::new();
    for throttle in &desired.throttles {
        for special in &throttle.special {
            let object_id = match special.object_type {
                SpecialObjectType::App => live
                    .apps
                    .get(&special.object_name)
                    .cloned()
                    .unwrap_or_else(|| special.object_name.clone()),
                SpecialObjectType::User => special.object_name.clone(),
            };
            let mut body = def_value(special);
            // Compared on what the gateway stores: the id and the limit.
            body = without(body, &["object_name"]);
            desired_specials.insert((throttle.name.clone(), object_id), body);
        }
    }
    let declared_throttles: BTreeSet<&str> =
        desired.throttles.iter().map(|t| t.name.as_str()).collect();
    planner.keyed(
        Kind::ThrottleSpecial,
        desired_specials.into_iter(),
        live.specials
            .iter()
            .filter(|((t, _), _)| declared_throttles.contains(t.as_str()))
            .map(|(k, s)| {
                (
                    k.clone(),
                    (s.id.clone(), without(def_value(&s.def), &["object_name"])),
                )
            }),
        |(t, o)| format!("{t}/{o}"),
        |(t, o)| vec![t.clone(), o.clone()],
        true,
    );
    shared(
        desired
            .acls
            .iter()
            .map(|a| (a.acl_name.clone(), def_value(a)))
            .collect(),
        live.acls
            .iter()
            .map(|(n, r)| (n.clone(), (r.id.clone(), def_value(&r.def))))
            .collect(),
        Kind::Acl,
        &mut planner,
    );
    shared(
        desired
            .plugins
            .iter()
            .map(|p| (p.plugin_name.clone(), def_value(p)))
            .collect(),
        live.plugins
            .iter()
            .map(|(n, r)| (n.clone(), (r.id.clone(), def_value(&r.def))))
            .collect(),
        Kind::Plugin,
        &mut planner,
    );

    // Group objects.
    planner.keyed(
        Kind::Response,
        desired
            .responses
            .iter()
            .map(|r| (r.name.clone(), def_value(r))),
        live.responses
            .iter()
            .map(|(n, r)| (n.clone(), (r.id.clone(), def_value(&r.def)))),
        |n| n.clone(),
        |n| vec![n.clone()],
        true,
    );
    planner.keyed(
        Kind::Api,
        desired.apis.iter().map(|a| (a.name.clone(), def_value(a))),
        live.apis
            .iter()
            .map(|(n, r)| (n.clone(), (r.id.clone(), def_value(&r.def)))),
        |n| n.clone(),
        |n| vec![n.clone()],
        true,
    );
    // An API SOURCE no longer has that an environment outside the run still serves stays:
    // deleting it would take it offline there (promotion: DEV drops an operation PROD still
    // serves until PROD's own run). Its publications in the run's environments go as usual;
    // the run of the last environment serving it deletes it.
    let wanted: BTreeSet<&str> = desired.apis.iter().map(|a| a.name.as_str()).collect();
    for name in live.apis.keys().filter(|n| !wanted.contains(n.as_str())) {
        let serving = served_outside(live, &resolved.scope, name);
        let Some(first) = serving.first() else {
            continue;
        };
        planner
            .changes
            .retain(|c| !(c.kind == Kind::Api && c.action == Action::Delete && c.name == *name));
        let label = format!("api {name}");
        planner.unmanaged.retain(|u| *u != label);
        let envs: Vec<&str> = serving.iter().copied().collect();
        notes.push(format!(
            "api {name} is not in the source but stays while {} serves it (not named by this run); a sync with --env {first} --prune takes it offline there, and the run that leaves no environment serving it deletes it",
            envs.join(", ")
        ));
    }
    for change in &mut planner.changes {
        if change.kind == Kind::Api
            && let Some(old) = live.renamed.get(&change.name)
        {
            change.reason = Some(format!("renamed from {old}, in place: same route, same id"));
        }
    }
    let updated_apis: BTreeSet<String> = planner
        .changes
        .iter()
        .filter(|c| c.kind == Kind::Api && c.action == Action::Update)
        .map(|c| c.name.clone())
        .collect();

    // Publications in the environments the definition manages.
    for ((env, api), remark) in &resolved.publications {
        let keys = vec![env.clone(), api.clone()];
        let name = format!("{api} in {env}");
        let body = remark.as_ref().map(|r| serde_json::json!({ "remark": r }));
        if !live.publications.contains_key(&(env.clone(), api.clone())) {
            planner.push(
                Kind::Publication,
                &name,
                Action::Create,
                vec![],
                Target {
                    keys,
                    body,
                    ..Target::default()
                },
            );
        } else if updated_apis.contains(api)
            || (*env == options.env
                && live
                    .stale_publications
                    .contains(&(env.clone(), api.clone())))
        {
            let reason = if updated_apis.contains(api) {
                "republish: the API changed"
            } else {
                "republish: the published version is older than the API"
            };
            let mut change = Change {
                kind: Kind::Publication,
                action: Action::Update,
                name,
                fields: vec![],
                reason: Some(reason.to_owned()),
                target: Target {
                    keys,
                    body,
                    ..Target::default()
                },
            };
            change.target.id = live.publications.get(&(env.clone(), api.clone())).cloned();
            planner.changes.push(change);
        } else {
            // An environment may serve an older version on purpose (promotion: DEV runs
            // ahead of PROD); a failed republish is repaired by a sync of that environment.
            if live
                .stale_publications
                .contains(&(env.clone(), api.clone()))
            {
                notes.push(format!(
                    "publication {name} serves an older version of the API (kept; a sync with --env {env} republishes it)"
                ));
            }
            planner.push(
                Kind::Publication,
                &name,
                Action::Unchanged,
                vec![],
                Target {
                    keys,
                    ..Target::default()
                },
            );
        }
    }
    // Every live publication of the group's APIs in an environment of the run is the run's:
    // one SOURCE does not name is listed as kept, or deleted with `--prune`; elsewhere it is
    // counted as left alone. Never passed over in silence.
    for ((env, api), publish_id) in &live.publications {
        if !resolved
            .publications
            .contains_key(&(env.clone(), api.clone()))
        {
            let target = Target {
                id: Some(publish_id.clone()),
                keys: vec![env.clone(), api.clone()],
                ..Target::default()
            };
            planner.extra(env, Kind::Publication, &format!("{api} in {env}"), target);
        }
    }

    // Bindings.
    planner.bindings(
        Kind::ThrottleBinding,
        &resolved.throttle_bindings,
        &live.throttle_bindings,
    );
    planner.bindings(Kind::AclBinding, &resolved.acl_bindings, &live.acl_bindings);
    // A plug-in binding is its key: it is there or not, nothing to update.
    let plugin_binding = |(env, api, plugin): &(String, String, String)| {
        let target = Target {
            keys: vec![env.clone(), api.clone(), plugin.clone()],
            ..Target::default()
        };
        (format!("{plugin} on {api} in {env}"), target)
    };
    // An API holds one plug-in of each type in an environment: binding another replaces it
    // (API Reference 3.27.6, 3.27.7), so a live binding SOURCE does not name that a new one
    // of its type displaces is an update, not a binding that is kept.
    let plugin_type = |name: &str| {
        desired
            .plugins
            .iter()
            .find(|p| p.plugin_name == name)
            .map(|p| p.plugin_type)
            .or_else(|| live.plugins.get(name).map(|p| p.def.plugin_type))
    };
    let mut replaced = BTreeSet::new();
    for key in &resolved.plugin_bindings {
        let (env, api, plugin) = key;
        let (label, target) = plugin_binding(key);
        if live.plugin_bindings.contains(key) {
            planner.push(
                Kind::PluginBinding,
                &label,
                Action::Unchanged,
                vec![],
                target,
            );
            continue;
        }
        // The API's live plug-ins in the environment, found by their key's prefix.
        let displaced = plugin_type(plugin).and_then(|kind| {
            live.plugin_bindings
                .range((env.clone(), api.clone(), String::new())..)
                .take_while(|(e, a, _)| e == env && a == api)
                .find(|old| {
                    !resolved.plugin_bindings.contains(*old) && plugin_type(&old.2) == Some(kind)
                })
        });
        match displaced {
            Some(old) => {
                replaced.insert(old.clone());
                let fields = vec![FieldChange {
                    path: "plugin".to_owned(),
                    old: Some(Value::String(old.2.clone())),
                    new: Some(Value::String(plugin.clone())),
                }];
                let label = format!("{api} in {env}");
                planner.push(Kind::PluginBinding, &label, Action::Update, fields, target);
            }
            None => planner.push(Kind::PluginBinding, &label, Action::Create, vec![], target),
        }
    }
    // As publications: a binding in an environment SOURCE does not mention is the group's too.
    for key in &live.plugin_bindings {
        if !resolved.plugin_bindings.contains(key) && !replaced.contains(key) {
            let (label, target) = plugin_binding(key);
            planner.extra(&key.0, Kind::PluginBinding, &label, target);
        }
    }

    Plan {
        group: desired.group.name.clone(),
        env: options.env.clone(),
        changes: planner.changes,
        unmanaged: planner.unmanaged,
        outside: planner.outside,
        outside_envs: planner.outside_envs,
        notes,
        renamed: live.renamed.clone(),
    }
}

struct Planner {
    changes: Vec<Change>,
    unmanaged: Vec<String>,
    prune: bool,
    /// [`Resolved::scope`].
    scope: BTreeSet<String>,
    outside: Vec<String>,
    outside_envs: BTreeSet<String>,
}

impl Planner {
    fn push(
        &mut self,
        kind: Kind,
        name: &str,
        action: Action,
        fields: Vec<FieldChange>,
        target: Target,
    ) {
        self.changes.push(Change {
            kind,
            action,
            name: name.to_owned(),
            fields,
            reason: None,
            target,
        });
    }

    /// A live publication or binding in `env` the definition does not have: outside the run's
    /// environments left alone, else as [`Planner::extra_object`].
    fn extra(&mut self, env: &str, kind: Kind, name: &str, target: Target) {
        if self.scope.contains(env) {
            self.extra_object(kind, name, target);
        } else {
            self.outside.push(format!("{} {name}", kind.label()));
            self.outside_envs.insert(env.to_owned());
        }
    }

    /// A live group object the definition does not have: deleted with `--prune`, else listed.
    fn extra_object(&mut self, kind: Kind, name: &str, target: Target) {
        if self.prune {
            self.push(kind, name, Action::Delete, vec![], target);
        } else {
            self.unmanaged.push(format!("{} {name}", kind.label()));
        }
    }

    fn compare(
        &mut self,
        kind: Kind,
        name: &str,
        id: Option<&String>,
        live: &Value,
        desired: Value,
        keys: Vec<String>,
    ) {
        let mut fields = Vec::new();
        diff_values("", Some(live), Some(&desired), &mut fields);
        let action = if fields.is_empty() {
            Action::Unchanged
        } else {
            Action::Update
        };
        let target = Target {
            id: id.cloned(),
            keys,
            body: Some(desired),
            old_binding: None,
        };
        self.push(kind, name, action, fields, target);
    }

    /// Compares keyed objects; `owned` ones missing from the definition are extras.
    fn keyed<K: Ord + Clone>(
        &mut self,
        kind: Kind,
        desired: impl Iterator<Item = (K, Value)>,
        live: impl Iterator<Item = (K, (String, Value))>,
        name: impl Fn(&K) -> String,
        keys: impl Fn(&K) -> Vec<String>,
        owned: bool,
    ) {
        let live: BTreeMap<K, (String, Value)> = live.collect();
        let mut seen = BTreeSet::new();
        for (key, body) in desired {
            match live.get(&key) {
                None => self.push(
                    kind,
                    &name(&key),
                    Action::Create,
                    vec![],
                    Target {
                        keys: keys(&key),
                        body: Some(body),
                        ..Target::default()
                    },
                ),
                Some((id, live_value)) => {
                    self.compare(kind, &name(&key), Some(id), live_value, body, keys(&key))
                }
            }
            seen.insert(key);
        }
        if owned {
            for (key, (id, _)) in &live {
                if !seen.contains(key) {
                    self.extra_object(
                        kind,
                        &name(key),
                        Target {
                            id: Some(id.clone()),
                            keys: keys(key),
                            ..Target::default()
                        },
                    );
                }
            }
        }
    }

    fn bindings(
        &mut self,
        kind: Kind,
        desired: &BTreeMap<(String, String), String>,
        live: &BTreeMap<(String, String), RemoteBinding>,
    ) {
        for ((env, api), policy) in desired {
            let name = format!("{policy} on {api} in {env}");
            let keys = vec![env.clone(), api.clone(), policy.clone()];
            match live.get(&(env.clone(), api.clone())) {
                None => self.push(
                    kind,
                    &name,
                    Action::Create,
                    vec![],
                    Target {
                        keys,
                        ..Target::default()
                    },
                ),
                Some(old) if old.policy == *policy => self.push(
                    kind,
                    &name,
                    Action::Unchanged,
                    vec![],
                    Target {
                        keys,
                        ..Target::default()
                    },
                ),
                Some(old) => {
                    let fields = vec![FieldChange {
                        path: "policy".to_owned(),
                        old: Some(Value::String(old.policy.clone())),
                        new: Some(Value::String(policy.clone())),
                    }];
                    self.push(
                        kind,
                        &format!("{api} in {env}"),
                        Action::Update,
                        fields,
                        Target {
                            keys,
                            old_binding: Some(old.clone()),
                            ..Target::default()
                        },
                    );
                }
            }
        }
        for ((env, api), old) in live {
            // In every environment, as publications (see there).
            if !desired.contains_key(&(env.clone(), api.clone())) {
                let target = Target {
                    keys: vec![env.clone(), api.clone(), old.policy.clone()],
                    old_binding: Some(old.clone()),
                    ..Target::default()
                };
                self.extra(
                    env,
                    kind,
                    &format!("{} on {api} in {env}", old.policy),
                    target,
                );
            }
        }
    }
}

fn strip_null(mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.retain(|_, v| !v.is_null());
    }
    value
}

/// Values a gateway fills in when a request leaves the field out (API Reference 3.5.1, Table
/// 3-167 and friends, "Default: ..."); a live value equal to its default is not a difference
/// from a definition that omits the field.
const DEFAULTS: &[(&str, &str)] = &[
    ("cors", "false"),
    ("match_mode", "\"NORMAL\""),
    ("app_code_auth_type", "\"DISABLE\""),
    ("retry_count", "\"-1\""),
    ("valid_enable", "2"),
    ("need_body", "false"),
    ("version", "\"\""),
    // Group version (API Reference 3.1.1, Table 3-3: default V1).
    ("version", "\"V1\""),
    ("remark", "\"\""),
    // Optional; left out, the backend uses no VPC channel, which `2` says (API Reference
    // 3.5.1, Table 3-174).
    ("vpc_channel_status", "2"),
];

/// The keys of [`DEFAULTS`] that mean one thing wherever they appear, so a source stating the
/// default is no change either. Not `version` (`V1` is the group's default; a function
/// backend's `version: V1` is a value to send) nor `remark`.
const STATED_DEFAULTS: [&str; 7] = [
    "vpc_channel_status",
    "cors",
    "match_mode",
    "app_code_auth_type",
    "retry_count",
    "valid_enable",
    "need_body",
];

fn is_default(key: &str, value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) if s.is_empty() => true,
        Value::Array(a) if a.is_empty() => true,
        Value::Object(o) => o.iter().all(|(k, v)| is_default(k, v)),
        _ => DEFAULTS
            .iter()
            .any(|(k, v)| *k == key && serde_json::from_str::<Value>(v).is_ok_and(|d| d == *value)),
    }
}

fn last_key(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The items of two lists of objects (live and defined) by their `name`, if every item has
/// one and no two of a list share it; else by `name@location` (`id@PATH`), if that tells the
/// items of each list apart. One keying for both lists: an item keyed `id` on one side and
/// `id@PATH` on the other would read as removed and added.
#[allow(clippy::type_complexity)]
fn by_name_both<'v>(
    old: &'v [Value],
    new: &'v [Value],
) -> Option<(BTreeMap<String, &'v Value>, BTreeMap<String, &'v Value>)> {
    if old.is_empty() && new.is_empty() {
        return None;
    }
    let keyed = |items: &'v [Value], key: &dyn Fn(&Value) -> Option<String>| {
        let mut named = BTreeMap::new();
        for item in items {
            named.insert(key(item)?, item);
        }
        (named.len() == items.len()).then_some(named)
    };
    let name = |item: &Value| item.get("name")?.as_str().map(str::to_owned);
    let located = |item: &Value| {
        let name = item.get("name")?.as_str()?;
        let location = item.get("location")?.as_str()?;
        Some(format!("{name}@{location}"))
    };
    if let (Some(a), Some(b)) = (keyed(old, &name), keyed(new, &name)) {
        return Some((a, b));
    }
    Some((keyed(old, &located)?, keyed(new, &located)?))
}

/// Collects the differences between a live value and a defined value.
pub fn diff_values(
    path: &str,
    live: Option<&Value>,
    desired: Option<&Value>,
    out: &mut Vec<FieldChange>,
) {
    match (live, desired) {
        (Some(Value::Object(old)), Some(Value::Object(new))) => {
            let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
            for key in keys {
                diff_values(&join(path, key), old.get(key), new.get(key), out);
            }
        }
        (Some(Value::Array(old)), Some(Value::Array(new))) => {
            match by_name_both(old, new) {
                // Named objects (request and backend parameters, backend policies) are what
                // the gateway keeps them as, a set: matched by name, the order is no change.
                Some((old, new)) => {
                    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
                    for name in names {
                        let at = format!("{path}[{name}]");
                        diff_values(&at, old.get(name).copied(), new.get(name).copied(), out);
                    }
                }
                _ if old.len() == new.len() => {
                    for (i, (o, n)) in old.iter().zip(new).enumerate() {
                        diff_values(&format!("{path}[{i}]"), Some(o), Some(n), out);
                    }
                }
                _ => out.push(FieldChange {
                    path: path.to_owned(),
                    old: Some(Value::Array(old.clone())),
                    new: Some(Value::Array(new.clone())),
                }),
            }
        }
        (Some(old), None) if is_default(last_key(path), old) => {}
        (None, Some(new)) if new.is_null() => {}
        // A source that states a default the gateway's answer leaves out changes nothing
        // either, where the key has that default wherever it appears (an OpenAPI dump's
        // `vpc_channel_status: 2`): see [`STATED_DEFAULTS`].
        (None, Some(new))
            if STATED_DEFAULTS.contains(&last_key(path)) && is_default(last_key(path), new) => {}
        (Some(Value::Number(a)), Some(Value::Number(b))) if a.as_f64() == b.as_f64() => {}
        (old, new) if old == new => {}
        (old, new) => out.push(FieldChange {
            path: path.to_owned(),
            old: old.cloned(),
            new: new.cloned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::live::Remote;

    fn definition(value: Value) -> Definition {
        Definition::from_json(value).unwrap()
    }

    fn api(name: &str, timeout: i64) -> Value {
        serde_json::json!({
            "name": name, "type": 1, "req_protocol": "HTTPS", "req_method": "GET",
            "req_uri": format!("/{name}"), "auth_type": "NONE", "backend_type": "HTTP",
            "backend_api": {"url_domain": "b.example", "req_protocol": "HTTPS", "req_method": "GET",
                            "req_uri": "/x", "timeout": timeout}
        })
    }

    /// A live group holding `apis` (name, timeout), each published in DEV.
    fn live(apis: &[(&str, i64)]) -> Live {
        let mut live = Live::default();
        let group = definition(serde_json::json!({"apigctl": 1, "group": {"name": "g"}})).group;
        live.group = Some(Remote {
            id: "g1".into(),
            def: group,
        });
        let env: crate::model::EnvCreate =
            serde_json::from_value(serde_json::json!({"id": "e1", "name": "DEV"})).unwrap();
        live.envs.insert(
            "DEV".into(),
            Remote {
                id: "e1".into(),
                def: env,
            },
        );
        for (name, timeout) in apis {
            let def = serde_json::from_value(api(name, *timeout)).unwrap();
            live.apis.insert(
                (*name).into(),
                Remote {
                    id: format!("id-{name}"),
                    def,
                },
            );
            live.publications
                .insert(("DEV".into(), (*name).into()), format!("pub-{name}"));
        }
        live
    }

    fn options(prune: bool) -> PlanOptions {
        PlanOptions {
            env: "DEV".into(),
            prune,
        }
    }

    fn summary(plan: &Plan) -> Vec<String> {
        plan.changes
            .iter()
            .filter(|c| c.action != Action::Unchanged)
            .map(|c| format!("{:?} {} {}", c.action, c.kind.label(), c.name))
            .collect()
    }

    /// VPC channels and apps are never created by sync: one SOURCE names that the gateway
    /// does not have is refused at the name, once the gateway has listed them; a gateway that
    /// cannot list them (404) is left to answer for itself.
    #[test]
    fn a_slip_of_the_keyboard_is_told_from_another_name() {
        for (typo, meant) in [
            ("PRDO", "PROD"),
            ("prod", "PROD"),
            ("PRD", "PROD"),
            ("PROOD", "PROD"),
            ("PROF", "PROD"),
            ("Dev", "DEV"),
            ("PR0D", "PROD"),
            ("D3V", "DEV"),
            ("PROD_", "PROD"),
        ] {
            assert!(typo_of(typo, meant), "{typo} for {meant}");
        }
        for (other, live) in [
            ("PROD", "PROD"),
            ("DEV2", "DEV"),
            ("DEV1", "DEV2"),
            ("TEST", "DEV"),
            ("PRE", "PROD"),
            ("DE", "DEVS"),
        ] {
            assert!(!typo_of(other, live), "{other} against {live}");
        }
        assert_eq!(
            near_environment("PRDO", ["DEV", "PROD"].into_iter()),
            Some("PROD")
        );
        assert_eq!(near_environment("STAGE", ["DEV", "PROD"].into_iter()), None);
    }

    #[test]
    fn vpc_channels_and_apps_the_gateway_lacks_are_refused() {
        let mut vpc_api = api("over_vpc", 1000);
        vpc_api["backend_api"]["vpc_channel_status"] = serde_json::json!(1);
        vpc_api["backend_api"]["vpc_channel_info"] =
            serde_json::json!({"vpc_channel_name": "no_such_channel"});
        let desired = definition(serde_json::json!({
            "apigctl": 1, "group": {"name": "g"}, "apis": [api("plain", 1), vpc_api],
            "throttles": [{"name": "limited", "api_call_limits": 10, "time_interval": 1,
                           "time_unit": "SECOND", "type": 1,
                           "special": [{"object_type": "APP", "object_name": "no_such_app",
                                        "call_limits": 1}]}]
        }));
        let mut live = live(&[]);
        assert_eq!(refused(&desired, &live, &options(false)), []);
        live.listed = super::super::live::Listed {
            vpc_channels: true,
            apps: true,
        };
        let found: Vec<(String, Option<String>)> = refused(&desired, &live, &options(false))
            .into_iter()
            .map(|r| (r.message, r.pointer))
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].0.contains("VPC channel `no_such_channel`"),
            "{found:?}"
        );
        assert_eq!(
            found[0].1.as_deref(),
            Some("/apis/1/backend_api/vpc_channel_info/vpc_channel_name")
        );
        assert!(found[1].0.contains("app `no_such_app`"), "{found:?}");
        assert_eq!(
            found[1].1.as_deref(),
            Some("/throttles/0/special/0/object_name")
        );
        live.names
            .vpc_channels
            .insert("no_such_channel".into(), "v1".into());
        live.apps.insert("other_app".into(), "no_such_app".into());
        assert_eq!(refused(&desired, &live, &options(false)), []);
    }

    #[test]
    fn an_empty_gateway_gets_everything_created_in_dependency_order() {
        let desired = definition(
            serde_json::json!({"apigctl": 1, "group": {"name": "g"}, "apis": [api("a", 1)]}),
        );
        let plan = plan(&desired, &Live::default(), &options(false));
        assert_eq!(
            summary(&plan),
            [
                "Create group g",
                "Create environment DEV",
                "Create api a",
                "Create publication a in DEV"
            ]
        );
        assert_eq!(plan.pending(), 4);
    }

    #[test]
    fn identical_state_plans_nothing() {
        let desired = definition(
            serde_json::json!({"apigctl": 1, "group": {"name": "g"}, "apis": [api("a", 1)]}),
        );
        let plan = plan(&desired, &live(&[("a", 1)]), &options(true));
        assert_eq!(plan.pending(), 0, "{}", plan.render_human());
        assert!(plan.unmanaged.is_empty());
    }

    #[test]
    fn an_update_names_the_field_and_republishes() {
        let desired = definition(
            serde_json::json!({"apigctl": 1, "group": {"name": "g"}, "apis": [api("a", 2)]}),
        );
        let plan = plan(&desired, &live(&[("a", 1)]), &options(false));
        assert_eq!(
            plan.render_human(),
            "~ api a\n    backend_api.timeout: 1 -> 2\n~ publication a in DEV (republish: the API changed)\nPlan for group g (env DEV): 0 to create, 2 to update, 0 to delete, 2 unchanged.\n"
        );
        let update = &plan
            .changes
            .iter()
            .find(|c| c.kind == Kind::Api)
            .unwrap()
            .target;
        assert_eq!(update.id.as_deref(), Some("id-a"));
    }

    #[test]
    fn extra_objects_are_deleted_only_with_prune() {
        let desired = definition(
            serde_json::json!({"apigctl": 1, "group": {"name": "g"}, "apis": [api("a", 1)]}),
        );
        let state = live(&[("a", 1), ("b", 1)]);
        let kept = plan(&desired, &state, &options(false));
        assert_eq!(kept.pending(), 0);
        assert_eq!(kept.unmanaged, ["api b", "publication b in DEV"]);
        let pruned = plan(&desired, &state, &options(true));
        assert_eq!(
            summary(&pruned),
            ["Delete api b", "Delete publication b in DEV"]
        );
    }

    #[test]
    fn shared_objects_are_never_deleted() {
        let desired = definition(serde_json::json!({"apigctl": 1, "group": {"name": "g"}}));
        let mut state = live(&[]);
        let acl = serde_json::from_value(serde_json::json!({"acl_name": "other_teams", "acl_type": "DENY", "acl_value": "1.2.3.4", "entity_type": "IP"})).unwrap();
        state.acls.insert(
            "other_teams".into(),
            Remote {
                id: "acl1".into(),
                def: acl,
            },
        );
        let plan = plan(&desired, &state, &options(true));
        assert_eq!(plan.pending(), 0);
        assert!(plan.changes.iter().all(|c| c.kind != Kind::Acl));
    }

    /// Named items (parameters, backend policies) are matched by name, so their order is no
    /// change and a change names the item.
    #[test]
    fn named_items_are_compared_by_name() {
        let params = |a: &str, b: &str| {
            serde_json::json!({"req_params": [
                {"name": "kind", "location": "QUERY", "type": a},
                {"name": "limit", "location": "QUERY", "type": b},
            ]})
        };
        let mut swapped = params("STRING", "NUMBER");
        swapped["req_params"].as_array_mut().unwrap().reverse();
        let mut out = Vec::new();
        diff_values(
            "",
            Some(&params("STRING", "NUMBER")),
            Some(&swapped),
            &mut out,
        );
        assert!(out.is_empty(), "{out:?}");
        diff_values(
            "",
            Some(&params("STRING", "NUMBER")),
            Some(&params("STRING", "STRING")),
            &mut out,
        );
        assert_eq!(
            out,
            [FieldChange {
                path: "req_params[limit].type".into(),
                old: Some(Value::from("NUMBER")),
                new: Some(Value::from("STRING")),
            }]
        );
        // One keying for both lists: a second `id` in SOURCE adds one item, and the live one
        // it matches is no change.
        let one = serde_json::json!({"req_params": [{"name": "id", "location": "PATH"}]});
        let both = serde_json::json!({"req_params": [
            {"name": "id", "location": "PATH"}, {"name": "id", "location": "QUERY"}]});
        out.clear();
        diff_values("", Some(&one), Some(&both), &mut out);
        assert_eq!(
            out,
            [FieldChange {
                path: "req_params[id@QUERY]".into(),
                old: None,
                new: Some(serde_json::json!({"name": "id", "location": "QUERY"})),
            }]
        );
        // A name in two locations is told apart by location; an added item is one change.
        let two = serde_json::json!({"req_params": [
            {"name": "id", "location": "PATH"}, {"name": "id", "location": "QUERY"}]});
        let three = serde_json::json!({"req_params": [
            {"name": "id", "location": "QUERY"}, {"name": "id", "location": "PATH"},
            {"name": "id", "location": "HEADER"}]});
        out.clear();
        diff_values("", Some(&two), Some(&three), &mut out);
        assert_eq!(
            out,
            [FieldChange {
                path: "req_params[id@HEADER]".into(),
                old: None,
                new: Some(serde_json::json!({"name": "id", "location": "HEADER"})),
            }]
        );
    }

    /// Names in a plan come from SOURCE and the gateway; they are shown, never acted on.
    #[test]
    fn a_plan_shows_control_characters_as_escapes() {
        let plan = Plan {
            group: "g".into(),
            env: "DEV".into(),
            changes: vec![Change {
                kind: Kind::Api,
                action: Action::Create,
                name: "a\u{1b}[2Jb\rc".into(),
                fields: vec![],
                reason: None,
                target: Target::default(),
            }],
            unmanaged: vec![],
            outside: vec![],
            outside_envs: BTreeSet::new(),
            notes: vec![],
            renamed: BTreeMap::new(),
        };
        let text = plan.render_human();
        assert!(text.starts_with("+ api a\\u{1b}[2Jb\\u{d}c\n"), "{text}");
        // Coloured, the name's escape is still escaped: the only ESC is the colour's.
        let text = plan.render_human_colored(true);
        assert!(
            text.starts_with("\x1b[32m+ api a\\u{1b}[2Jb\\u{d}c\x1b[0m\n"),
            "{text:?}"
        );
    }

    /// A deletion is red, as in decK; an unmanaged object stays plain.
    #[test]
    fn a_deletion_is_red() {
        let plan = Plan {
            group: "g".into(),
            env: "DEV".into(),
            changes: vec![Change {
                kind: Kind::Api,
                action: Action::Delete,
                name: "old".into(),
                fields: vec![],
                reason: None,
                target: Target::default(),
            }],
            unmanaged: vec!["api kept".into()],
            outside: vec![],
            outside_envs: BTreeSet::new(),
            notes: vec![],
            renamed: BTreeMap::new(),
        };
        assert_eq!(
            plan.render_human_colored(true),
            "\x1b[31m- api old\x1b[0m\n= api kept (not in the source; kept, --prune deletes it)\nPlan for group g (env DEV): 0 to create, 0 to update, 1 to delete, 0 unchanged.\n"
        );
        assert!(!plan.render_human().contains('\x1b'));
    }

    #[test]
    fn gateway_defaults_are_not_differences() {
        let mut out = Vec::new();
        let live = serde_json::json!({"name": "a", "cors": false, "match_mode": "NORMAL", "remark": "", "tags": [], "version": "V1"});
        diff_values(
            "",
            Some(&live),
            Some(&serde_json::json!({"name": "a"})),
            &mut out,
        );
        assert!(out.is_empty(), "{out:?}");
        // And the other way: SOURCE states a default the gateway's answer leaves out.
        diff_values(
            "",
            Some(&serde_json::json!({"name": "a", "backend_api": {"timeout": 5000}})),
            Some(
                &serde_json::json!({"name": "a", "cors": false, "backend_api": {"timeout": 5000, "vpc_channel_status": 2}}),
            ),
            &mut out,
        );
        assert!(out.is_empty(), "{out:?}");
        // But only where the key has that default everywhere: `version: V1` is the group's
        // default, and a function backend's `version: V1` is a value to send.
        diff_values(
            "",
            Some(&serde_json::json!({"func_info": {"function_urn": "u"}})),
            Some(&serde_json::json!({"func_info": {"function_urn": "u", "version": "V1"}})),
            &mut out,
        );
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].path, "func_info.version");
        out.clear();
        diff_values(
            "",
            Some(&serde_json::json!({"cors": true})),
            Some(&serde_json::json!({})),
            &mut out,
        );
        assert_eq!(
            out,
            [FieldChange {
                path: "cors".into(),
                old: Some(Value::Bool(true)),
                new: None
            }]
        );
    }

    #[test]
    fn a_binding_to_another_policy_is_an_update() {
        let desired = definition(serde_json::json!({
            "apigctl": 1, "group": {"name": "g"}, "apis": [api("a", 1)],
            "throttle_bindings": [{"throttle": "fast", "apis": ["a"]}]
        }));
        let mut state = live(&[("a", 1)]);
        state.throttle_bindings.insert(
            ("DEV".into(), "a".into()),
            RemoteBinding {
                policy: "slow".into(),
                id: "b1".into(),
            },
        );
        let plan = plan(&desired, &state, &options(false));
        let change = plan
            .changes
            .iter()
            .find(|c| c.kind == Kind::ThrottleBinding)
            .unwrap();
        assert_eq!(change.action, Action::Update);
        assert_eq!(
            change.target.old_binding.as_ref().map(|b| b.id.as_str()),
            Some("b1")
        );
        assert_eq!(change.fields[0].path, "policy");
    }

    #[test]
    fn explicit_publications_for_the_sync_environment_are_authoritative() {
        let desired = definition(serde_json::json!({
            "apigctl": 1, "group": {"name": "g"}, "apis": [api("a", 1), api("b", 1)],
            "publications": [{"apis": ["a"]}, {"env": "PROD", "apis": ["b"]}]
        }));
        let resolved = resolve(&desired, "DEV");
        let keys: Vec<_> = resolved.publications.keys().cloned().collect();
        assert_eq!(
            keys,
            [
                ("DEV".to_owned(), "a".to_owned()),
                ("PROD".to_owned(), "b".to_owned())
            ]
        );
        assert!(resolved.envs.contains("PROD"));
    }
}
