//! Carries out a plan in dependency order: group; environments; variables, authorizers,
//! policies and responses; then unbinding, taking APIs offline and deleting them (decK's order:
//! a renamed API needs its old route free); excluded configurations and APIs; publishing and
//! binding (bindings refer to publication records, so publishing comes first); the remaining
//! deletions last.
//!
//! Within a phase every operation runs concurrently (bounded by the client's `--parallelism`).
//! A failed operation does not stop the others: objects that depend on it fail with a message
//! naming the missing dependency, every failure is reported, and running sync again finishes
//! the job because the plan is recomputed from what the gateway then holds.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::task::JoinSet;

use super::live::Live;
use super::names::NameMaps;
use super::plan::{Action, Change, Kind, Plan, route_of_value, route_waits};
use crate::gateway::error::INTERRUPTED;
use crate::gateway::ops;
use crate::gateway::{Client, GatewayError, RequestStats};
use crate::model::EnvVariableCreate;

/// What apply did.
#[derive(Debug, Default)]
pub struct ApplyReport {
    /// One line per completed operation (`created api get_order`).
    pub done: Vec<String>,
    /// One message per failed operation.
    pub failures: Vec<String>,
    /// Operations not started: the run was stopped ([`Client::stop`], Ctrl-C), or cut short.
    pub not_started: usize,
    /// Why the run ended before its last phase (the group could not be created).
    pub cut_short: Option<String>,
    /// Requests the client sent during apply.
    pub stats: RequestStats,
}

/// Ids known so far: the live ones, plus those of objects apply creates.
#[derive(Debug, Default)]
struct Ids {
    group: Option<String>,
    envs: BTreeMap<String, String>,
    names: NameMaps,
    throttles: BTreeMap<String, String>,
    acls: BTreeMap<String, String>,
    plugins: BTreeMap<String, String>,
    apis: BTreeMap<String, String>,
    publications: BTreeMap<(String, String), String>,
}

type Shared = Arc<Mutex<Ids>>;

fn lock(ids: &Shared) -> std::sync::MutexGuard<'_, Ids> {
    // A panicking task cannot leave the maps half-written (each insert is one call).
    ids.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One phase of [`apply`]: the (kind, actions) it handles, all at once, and how.
struct Phase {
    changes: &'static [(Kind, &'static [Action])],
    step: Step,
}

/// A phase that creates, updates or deletes objects.
const fn main(changes: &'static [(Kind, &'static [Action])]) -> Phase {
    Phase {
        changes,
        step: Step::Main,
    }
}

/// Phases in order.
const PHASES: &[Phase] = &[
    main(&[(Kind::Group, &[Action::Create, Action::Update])]),
    main(&[(Kind::Environment, &[Action::Create, Action::Update])]),
    main(&[
        (Kind::Variable, &[Action::Create, Action::Update]),
        (Kind::Authorizer, &[Action::Create, Action::Update]),
        (Kind::Throttle, &[Action::Create, Action::Update]),
        (Kind::Acl, &[Action::Create, Action::Update]),
        (Kind::Plugin, &[Action::Create, Action::Update]),
        (Kind::Response, &[Action::Create, Action::Update]),
    ]),
    // A binding update unbinds here and binds again in the binding phase below.
    main(&[
        (Kind::ThrottleBinding, &[Action::Update, Action::Delete]),
        (Kind::AclBinding, &[Action::Update, Action::Delete]),
        (Kind::PluginBinding, &[Action::Delete]),
    ]),
    main(&[(Kind::Publication, &[Action::Delete])]),
    // Before the APIs are created: an API renamed, or moved to the route of one `--prune`
    // deletes, would be refused while the old one holds the route (APIG.3301).
    main(&[(Kind::Api, &[Action::Delete])]),
    main(&[
        (Kind::ThrottleSpecial, &[Action::Create, Action::Update]),
        (Kind::Api, &[Action::Create, Action::Update]),
    ]),
    main(&[(Kind::Publication, &[Action::Create, Action::Update])]),
    Phase {
        changes: &[
            (Kind::ThrottleBinding, &[Action::Create, Action::Update]),
            (Kind::AclBinding, &[Action::Create, Action::Update]),
            // Binding a plug-in replaces the API's plug-in of its type: no unbinding first.
            (Kind::PluginBinding, &[Action::Create, Action::Update]),
        ],
        step: Step::Bind,
    },
    main(&[
        (Kind::ThrottleSpecial, &[Action::Delete]),
        (Kind::Variable, &[Action::Delete]),
    ]),
    main(&[(Kind::Response, &[Action::Delete])]),
];

/// How many operations [`apply`] runs for `plan`: one per change and phase it takes part in
/// (a binding update unbinds early and binds late), for a progress display.
pub fn operation_count(plan: &Plan) -> usize {
    PHASES
        .iter()
        .map(|phase| {
            plan.changes
                .iter()
                .filter(|change| {
                    phase.changes.iter().any(|(kind, actions)| {
                        *kind == change.kind && actions.contains(&change.action)
                    })
                })
                .count()
        })
        .sum()
}

/// Applies `plan` (computed against `live`). `progress` receives one line per finished
/// operation as it happens.
pub async fn apply(
    client: &Client,
    plan: &Plan,
    live: &Live,
    progress: &(dyn Fn(&str) + Sync),
) -> ApplyReport {
    let before = client.stats();
    let ids: Shared = Arc::new(Mutex::new(Ids {
        group: live.group.as_ref().map(|g| g.id.clone()),
        envs: live
            .envs
            .iter()
            .map(|(n, e)| (n.clone(), e.id.clone()))
            .collect(),
        names: live.names.clone(),
        throttles: live
            .throttles
            .iter()
            .map(|(n, r)| (n.clone(), r.id.clone()))
            .collect(),
        acls: live
            .acls
            .iter()
            .map(|(n, r)| (n.clone(), r.id.clone()))
            .collect(),
        plugins: live
            .plugins
            .iter()
            .map(|(n, r)| (n.clone(), r.id.clone()))
            .collect(),
        apis: live
            .apis
            .iter()
            .map(|(n, r)| (n.clone(), r.id.clone()))
            .collect(),
        publications: live.publications.clone(),
    }));
    let mut run = Run {
        client,
        ids,
        progress,
        report: ApplyReport::default(),
        failed_apis: BTreeSet::new(),
    };
    for (index, phase) in PHASES.iter().enumerate() {
        let changes: Vec<&Change> =
            plan.changes
                .iter()
                .filter(|change| {
                    phase.changes.iter().any(|(kind, actions)| {
                        *kind == change.kind && actions.contains(&change.action)
                    })
                })
                .collect();
        for round in rounds(&changes, live) {
            if client.stopped() {
                break;
            }
            run.round(phase.step, round).await;
        }
        if client.stopped() {
            break;
        }
        // The first phase makes the group, which every later phase needs.
        if index == 0 && lock(&run.ids).group.is_none() {
            run.report.cut_short = Some(format!(
                "group {}: not created; nothing else can be synced",
                plan.group
            ));
            break;
        }
    }
    let mut report = run.report;
    // Stopped (Ctrl-C), or cut short by a group that could not be created: the rest was not
    // started, and the summary says so rather than letting it vanish.
    report.not_started = operation_count(plan)
        .saturating_sub(report.done.len() + report.failures.len())
        .max(report.not_started);
    let after = client.stats();
    report.stats = RequestStats {
        requests: after.requests - before.requests,
        writes: after.writes - before.writes,
    };
    report
}

/// A change of a phase, with the API whose update frees the route it takes.
type Waiting<'c> = (&'c Change, Option<String>);

/// The changes of a phase in rounds, each run when the one before it is done: an API that
/// takes the route another API leaves waits for that API's update (APIG.3301 while both hold
/// it); everything else runs in the first round. Routes taken in a cycle, which
/// [`super::plan::refused`] reports before anything is sent, stay in the first round.
fn rounds<'c>(changes: &[&'c Change], live: &Live) -> Vec<Vec<Waiting<'c>>> {
    let moves = changes.iter().filter_map(|c| {
        let takes = c.kind == Kind::Api && c.action != Action::Delete;
        let route = c.target.body.as_ref().and_then(route_of_value);
        Some((c.name.as_str(), route.filter(|_| takes)?))
    });
    let mut waits = route_waits(moves, live);
    let round_of = |name: &str| {
        let mut round = 0;
        let mut at = name;
        while let Some(next) = waits.get(at) {
            round += 1;
            if round > waits.len() {
                return 0;
            }
            at = next;
        }
        round
    };
    let mut rounds: Vec<Vec<Waiting<'c>>> = Vec::new();
    let placed: Vec<usize> = changes.iter().map(|c| round_of(&c.name)).collect();
    for (&change, round) in changes.iter().zip(placed) {
        if rounds.len() <= round {
            rounds.resize_with(round + 1, Vec::new);
        }
        let waits_for = (round > 0)
            .then(|| waits.remove(change.name.as_str()))
            .flatten();
        rounds[round].push((change, waits_for));
    }
    rounds
}

/// What [`apply`] carries from one round to the next.
struct Run<'a> {
    client: &'a Client,
    ids: Shared,
    progress: &'a (dyn Fn(&str) + Sync),
    report: ApplyReport,
    /// APIs whose create or update failed: their publications and bindings would put the
    /// gateway's old API (or none) in service as if it were SOURCE's, so they fail too.
    failed_apis: BTreeSet<String>,
}

impl Run<'_> {
    /// Records a failure, announced by its label as it happens; the message comes once, in
    /// the failure list at the end.
    fn fail(&mut self, line: String) {
        let label = line
            .split_once(": ")
            .map_or(line.as_str(), |(label, _)| label);
        (self.progress)(&format!("failed {label}"));
        self.report.failures.push(line);
    }

    /// Runs one round of a phase's changes concurrently.
    async fn round(&mut self, step: Step, round: Vec<Waiting<'_>>) {
        let mut tasks = JoinSet::new();
        for (change, waits_for) in round {
            let label = format!("{} {}", change.kind.label(), change.name);
            if let Some(api) = failed_dependency(change, &self.failed_apis) {
                self.fail(format!(
                    "{label}: not done, because the change of API `{api}` failed"
                ));
                continue;
            }
            if let Some(api) = waits_for.filter(|api| self.failed_apis.contains(api)) {
                self.fail(format!(
                    "{label}: not done: it takes the route of API `{api}`, whose update failed"
                ));
                self.failed_apis.insert(change.name.clone());
                continue;
            }
            let (client, ids, change) = (self.client.clone(), self.ids.clone(), change.clone());
            tasks.spawn(async move {
                let result = match run(&client, &ids, &change, step).await {
                    Ok(verb) => Ok(format!("{verb} {label}")),
                    // Which of the plan's operations failed: `update api x`, `publish ...`.
                    Err(message) => Err(format!("{} {label}: {message}", attempted(&change))),
                };
                (change, result)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok((_, Ok(line))) => {
                    (self.progress)(&line);
                    self.report.done.push(line);
                }
                // Not sent because the run stopped: counted, not a failure of the gateway's.
                Ok((_, Err(line))) if self.client.stopped() && line.ends_with(INTERRUPTED) => {
                    self.report.not_started += 1;
                }
                Ok((change, Err(line))) => {
                    if change.kind == Kind::Api && change.action != Action::Delete {
                        self.failed_apis.insert(change.name.clone());
                    }
                    self.fail(line);
                }
                Err(error) => self
                    .report
                    .failures
                    .push(format!("internal error: {error}")),
            }
        }
    }
}

/// The operation a change is, as a failure names it.
fn attempted(change: &Change) -> &'static str {
    match (change.kind, change.action) {
        (Kind::Publication, Action::Create) => "publish",
        (Kind::Publication, Action::Update) => "republish",
        (Kind::Publication, Action::Delete) => "take offline",
        (Kind::ThrottleBinding | Kind::AclBinding | Kind::PluginBinding, Action::Create) => "bind",
        (Kind::ThrottleBinding | Kind::AclBinding | Kind::PluginBinding, Action::Update) => {
            "rebind"
        }
        (Kind::ThrottleBinding | Kind::AclBinding | Kind::PluginBinding, Action::Delete) => {
            "unbind"
        }
        (_, Action::Create) => "create",
        (_, Action::Update) => "update",
        (_, Action::Delete) => "delete",
        (_, Action::Unchanged) => "check",
    }
}

/// The API, among `failed`, that a publication or binding change would put in service.
fn failed_dependency<'c>(change: &'c Change, failed: &BTreeSet<String>) -> Option<&'c str> {
    let publishes = matches!(
        change.kind,
        Kind::Publication | Kind::ThrottleBinding | Kind::AclBinding | Kind::PluginBinding
    ) && change.action != Action::Delete;
    let api = change.target.keys.get(1)?;
    (publishes && failed.contains(api)).then_some(api.as_str())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Main,
    Bind,
}

fn gateway(error: GatewayError) -> String {
    // The error already names the operation and object; the caller adds the plan entry.
    let text = error.to_string();
    match text.split_once(": ") {
        Some((_, rest)) if !error.object.is_empty() => rest.to_owned(),
        _ => text,
    }
}

fn id_of(value: &Value) -> Result<String, String> {
    value
        .get("id")
        .or_else(|| value.get("plugin_id"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| "the gateway's answer has no id".to_owned())
}

fn need<'a>(
    map: &'a BTreeMap<String, String>,
    what: &str,
    name: &str,
) -> Result<&'a String, String> {
    map.get(name)
        .ok_or_else(|| format!("{what} `{name}` does not exist (not created?)"))
}

async fn run(
    client: &Client,
    ids: &Shared,
    change: &Change,
    step: Step,
) -> Result<&'static str, String> {
    let target = &change.target;
    let body = target.body.clone().unwrap_or(Value::Null);
    let id = target.id.clone().unwrap_or_default();
    let key = |i: usize| target.keys.get(i).cloned().unwrap_or_default();
    let verb = match change.action {
        Action::Create => "created",
        Action::Update => "updated",
        Action::Delete => "deleted",
        Action::Unchanged => "kept",
    };
    match (change.kind, change.action) {
        (Kind::Group, Action::Create) => {
            let created: Value = client
                .create_in(&ops::GROUPS, &change.name, &[], &body)
                .await
                .map_err(gateway)?;
            lock(ids).group = Some(id_of(&created)?);
        }
        (Kind::Environment, Action::Create) => {
            let created: Value = client
                .create_in(&ops::ENVS, &change.name, &[], &body)
                .await
                .map_err(gateway)?;
            lock(ids).envs.insert(change.name.clone(), id_of(&created)?);
        }
        (
            kind @ (Kind::Group
            | Kind::Environment
            | Kind::Authorizer
            | Kind::Throttle
            | Kind::Acl
            | Kind::Plugin),
            Action::Update,
        ) => {
            let family = family(kind);
            let mut body = body;
            strip_definition_only(kind, &mut body);
            let _: Value = client
                .update_in(family, &id, &change.name, &body)
                .await
                .map_err(gateway)?;
        }
        (kind @ (Kind::Authorizer | Kind::Throttle | Kind::Acl | Kind::Plugin), Action::Create) => {
            let family = family(kind);
            let mut body = body;
            strip_definition_only(kind, &mut body);
            let created: Value = client
                .create_in(family, &change.name, &[], &body)
                .await
                .map_err(gateway)?;
            let new_id = id_of(&created)?;
            let mut ids = lock(ids);
            match kind {
                Kind::Authorizer => ids.names.authorizers.insert(change.name.clone(), new_id),
                Kind::Throttle => ids.throttles.insert(change.name.clone(), new_id),
                Kind::Acl => ids.acls.insert(change.name.clone(), new_id),
                _ => ids.plugins.insert(change.name.clone(), new_id),
            };
        }
        (Kind::Variable, Action::Create | Action::Update) => {
            let value = body
                .get("variable_value")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            if change.action == Action::Update {
                client
                    .update_variable(&id, &change.name, &value)
                    .await
                    .map_err(gateway)?;
            } else {
                let (group_id, env_id) = {
                    let ids = lock(ids);
                    (
                        ids.group.clone().unwrap_or_default(),
                        need(&ids.envs, "environment", &key(0))?.clone(),
                    )
                };
                let request = EnvVariableCreate {
                    id: None,
                    variable_name: key(1),
                    variable_value: value,
                    env_id,
                    group_id,
                };
                client.create_variable(&request).await.map_err(gateway)?;
            }
        }
        (Kind::Variable, Action::Delete) => client
            .delete_in(&ops::VARIABLES, &id, &change.name)
            .await
            .map_err(gateway)?,
        (Kind::Response, action) => {
            let group_id = lock(ids).group.clone().unwrap_or_default();
            let nested = ops::Nested::responses(&group_id);
            match action {
                Action::Create => {
                    let created: crate::model::GroupResponseCreate = client
                        .create_nested(
                            &nested,
                            &change.name,
                            &body,
                            |r: &crate::model::GroupResponseCreate| r.name == change.name,
                        )
                        .await
                        .map_err(gateway)?;
                    lock(ids)
                        .names
                        .responses
                        .insert(change.name.clone(), created.id.unwrap_or_default());
                }
                Action::Update => client
                    .update_nested(&nested, &id, &change.name, &body)
                    .await
                    .map_err(gateway)?,
                _ => client
                    .delete_nested(&nested, &id, &change.name)
                    .await
                    .map_err(gateway)?,
            }
        }
        (Kind::ThrottleSpecial, action) => {
            let throttle_id = need(&lock(ids).throttles, "throttling policy", &key(0))?.clone();
            let nested = ops::Nested::specials(&throttle_id);
            match action {
                Action::Create => {
                    let mut request = body.clone();
                    if let Value::Object(map) = &mut request {
                        map.insert("object_id".to_owned(), Value::String(key(1)));
                    }
                    let object_id = key(1);
                    let _: crate::model::ThrottleSpecialCreate = client
                        .create_nested(
                            &nested,
                            &change.name,
                            &request,
                            |s: &crate::model::ThrottleSpecialCreate| s.object_id == object_id,
                        )
                        .await
                        .map_err(gateway)?;
                }
                Action::Update => {
                    let call_limits = serde_json::json!({ "call_limits": body.get("call_limits") });
                    client
                        .update_nested(&nested, &id, &change.name, &call_limits)
                        .await
                        .map_err(gateway)?;
                }
                _ => client
                    .delete_nested(&nested, &id, &change.name)
                    .await
                    .map_err(gateway)?,
            }
        }
        (Kind::Api, Action::Create | Action::Update) => {
            let mut request = body;
            let group_id = {
                let ids = lock(ids);
                ids.names.to_rest(&mut request)?;
                ids.group.clone().unwrap_or_default()
            };
            if let Value::Object(map) = &mut request {
                map.insert("group_id".to_owned(), Value::String(group_id.clone()));
            }
            if change.action == Action::Create {
                let created: Value = client
                    .create_in(
                        &ops::APIS,
                        &change.name,
                        &[("group_id", &group_id)],
                        &request,
                    )
                    .await
                    .map_err(gateway)?;
                lock(ids).apis.insert(change.name.clone(), id_of(&created)?);
            } else {
                let _: Value = client
                    .update_in(&ops::APIS, &id, &change.name, &request)
                    .await
                    .map_err(gateway)?;
            }
        }
        (Kind::Api, Action::Delete) => client
            .delete_in(&ops::APIS, &id, &change.name)
            .await
            .map_err(gateway)?,
        (Kind::Publication, action) => {
            let (env, api) = (key(0), key(1));
            let (env_id, api_id) = {
                let ids = lock(ids);
                (
                    need(&ids.envs, "environment", &env)?.clone(),
                    need(&ids.apis, "API", &api)?.clone(),
                )
            };
            if action == Action::Delete {
                client
                    .take_offline(&api_id, &api, &env_id)
                    .await
                    .map_err(gateway)?;
                lock(ids).publications.remove(&(env, api));
                return Ok("took offline");
            }
            let remark = body.get("remark").and_then(Value::as_str);
            let published = if action == Action::Update {
                client.republish(&api_id, &api, &env_id, remark).await
            } else {
                client.publish(&api_id, &api, &env_id, remark).await
            }
            .map_err(gateway)?;
            let publish_id = published.publish_id.unwrap_or_default();
            lock(ids).publications.insert((env, api), publish_id);
            return Ok(if action == Action::Update {
                "republished"
            } else {
                "published"
            });
        }
        (kind @ (Kind::ThrottleBinding | Kind::AclBinding), action) => {
            let (env, api, policy) = (key(0), key(1), key(2));
            let (binding, what) = if kind == Kind::ThrottleBinding {
                (ops::BindingKind::Throttle, "throttling policy")
            } else {
                (ops::BindingKind::Acl, "access control policy")
            };
            let unbind =
                action == Action::Delete || (action == Action::Update && step == Step::Main);
            if unbind {
                let old = target.old_binding.clone().unwrap_or_default_binding();
                client
                    .delete_binding(binding, &old.id, &change.name)
                    .await
                    .map_err(gateway)?;
                return Ok("unbound");
            }
            let (group_id, policy_id, publish_id, api_id, env_id) = {
                let ids = lock(ids);
                let policies = if kind == Kind::ThrottleBinding {
                    &ids.throttles
                } else {
                    &ids.acls
                };
                (
                    ids.group.clone().unwrap_or_default(),
                    need(policies, what, &policy)?.clone(),
                    ids.publications
                        .get(&(env.clone(), api.clone()))
                        .cloned()
                        .ok_or_else(|| format!("API `{api}` is not published in `{env}`"))?,
                    need(&ids.apis, "API", &api)?.clone(),
                    need(&ids.envs, "environment", &env)?.clone(),
                )
            };
            client
                .bind_policy(
                    binding,
                    &policy_id,
                    &change.name,
                    &group_id,
                    &publish_id,
                    &api_id,
                    &env_id,
                )
                .await
                .map_err(gateway)?;
            return Ok("bound");
        }
        (Kind::PluginBinding, action) => {
            let (env, api, plugin) = (key(0), key(1), key(2));
            let (group_id, plugin_id, api_id, env_id) = {
                let ids = lock(ids);
                (
                    ids.group.clone().unwrap_or_default(),
                    need(&ids.plugins, "plug-in", &plugin)?.clone(),
                    need(&ids.apis, "API", &api)?.clone(),
                    need(&ids.envs, "environment", &env)?.clone(),
                )
            };
            if action == Action::Delete {
                client
                    .detach_plugin(&plugin_id, &change.name, &env_id, &[api_id])
                    .await
                    .map_err(gateway)?;
                return Ok("unbound");
            }
            client
                .attach_plugin(&plugin_id, &change.name, &group_id, &env_id, &[api_id])
                .await
                .map_err(gateway)?;
            return Ok("bound");
        }
        (_, Action::Unchanged) => {}
        (kind, action) => return Err(format!("{action:?} of {} is not supported", kind.label())),
    }
    Ok(verb)
}

trait DefaultBinding {
    fn unwrap_or_default_binding(self) -> super::live::RemoteBinding;
}

impl DefaultBinding for Option<super::live::RemoteBinding> {
    fn unwrap_or_default_binding(self) -> super::live::RemoteBinding {
        self.unwrap_or(super::live::RemoteBinding {
            policy: String::new(),
            id: String::new(),
        })
    }
}

fn family(kind: Kind) -> &'static ops::Family {
    match kind {
        Kind::Group => &ops::GROUPS,
        Kind::Environment => &ops::ENVS,
        Kind::Authorizer => &ops::AUTHORIZERS,
        Kind::Throttle => &ops::THROTTLES,
        Kind::Acl => &ops::ACLS,
        _ => &ops::PLUGINS,
    }
}

/// Definition members that are objects of their own, not fields of the REST body.
fn strip_definition_only(kind: Kind, body: &mut Value) {
    if let (Kind::Throttle, Value::Object(map)) = (kind, body) {
        map.remove("special");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phase_of(kind: Kind, action: Action) -> Vec<usize> {
        PHASES
            .iter()
            .enumerate()
            .filter(|(_, phase)| {
                phase
                    .changes
                    .iter()
                    .any(|(k, actions)| *k == kind && actions.contains(&action))
            })
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn every_change_has_its_phases_and_apis_are_deleted_before_they_are_created() {
        let kinds = [
            Kind::Group,
            Kind::Environment,
            Kind::Variable,
            Kind::Authorizer,
            Kind::Throttle,
            Kind::ThrottleSpecial,
            Kind::Acl,
            Kind::Plugin,
            Kind::Response,
            Kind::Api,
            Kind::Publication,
            Kind::ThrottleBinding,
            Kind::AclBinding,
            Kind::PluginBinding,
        ];
        // Gateway-wide objects and the group itself are never deleted (see `plan`); a
        // throttling or ACL binding update unbinds early and binds late, a plug-in binding
        // update (another plug-in of the type) only binds.
        let never = [
            (Kind::Group, Action::Delete),
            (Kind::Environment, Action::Delete),
            (Kind::Authorizer, Action::Delete),
            (Kind::Throttle, Action::Delete),
            (Kind::Acl, Action::Delete),
            (Kind::Plugin, Action::Delete),
        ];
        for kind in kinds {
            for action in [Action::Create, Action::Update, Action::Delete] {
                let phases = phase_of(kind, action);
                let expected = if never.contains(&(kind, action)) {
                    0
                } else if matches!(kind, Kind::ThrottleBinding | Kind::AclBinding)
                    && action == Action::Update
                {
                    2
                } else {
                    1
                };
                assert_eq!(phases.len(), expected, "{kind:?} {action:?}: {phases:?}");
            }
        }
        // A binding update unbinds in a main phase and binds in a later binding phase; a
        // binding phase holds bindings only, and every binding is created in one.
        let step = |phase: usize| PHASES[phase].step;
        for kind in [Kind::ThrottleBinding, Kind::AclBinding] {
            let update = phase_of(kind, Action::Update);
            assert!(step(update[0]) == Step::Main && step(update[1]) == Step::Bind);
        }
        for kind in [Kind::ThrottleBinding, Kind::AclBinding, Kind::PluginBinding] {
            assert!(step(phase_of(kind, Action::Create)[0]) == Step::Bind);
        }
        for phase in PHASES.iter().filter(|p| p.step == Step::Bind) {
            assert!(phase.changes.iter().all(|(kind, _)| matches!(
                kind,
                Kind::ThrottleBinding | Kind::AclBinding | Kind::PluginBinding
            )));
        }
        let before =
            |a: (Kind, Action), b: (Kind, Action)| phase_of(a.0, a.1)[0] < phase_of(b.0, b.1)[0];
        assert!(before(
            (Kind::Api, Action::Delete),
            (Kind::Api, Action::Create)
        ));
        assert!(before(
            (Kind::Publication, Action::Delete),
            (Kind::Api, Action::Delete)
        ));
        assert!(before(
            (Kind::AclBinding, Action::Delete),
            (Kind::Publication, Action::Delete)
        ));
        assert!(before(
            (Kind::Api, Action::Update),
            (Kind::Response, Action::Delete)
        ));
        assert!(before(
            (Kind::Publication, Action::Create),
            (Kind::AclBinding, Action::Create)
        ));
    }
}
