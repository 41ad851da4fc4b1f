//! A live group written back as a gateway definition: ids become names, and only what the group
//! uses of the gateway-wide objects is included (authorizers its APIs name, policies bound to
//! its APIs).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::live::Live;
use super::names::def_value;
use crate::model::{
    AclBinding, Definition, EnvVariableDef, EnvironmentDef, FormatVersion, PluginBinding,
    Publication, ThrottleBinding,
};

/// Why a dump is impossible.
#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    /// The group does not exist on the gateway.
    #[error("API group `{0}` does not exist on the gateway")]
    NoGroup(String),
}

/// The live group as a definition. Entries in `env` (the `--env` of the command) are written
/// without `env`, and publications are left out when every API is published in `env` (an empty
/// entry written when none is), which is how sync reads a definition back: the result syncs
/// to the same state.
///
/// # Errors
///
/// [`DumpError::NoGroup`] when the group is absent.
pub fn dump(live: &Live, group: &str, env: Option<&str>) -> Result<Definition, DumpError> {
    let mut group_def = live
        .group
        .as_ref()
        .ok_or_else(|| DumpError::NoGroup(group.to_owned()))?
        .def
        .clone();
    // `V1` is what the gateway fills in when a group is created without a version (API
    // Reference 3.1.1, Table 3-3); writing it back would make every dump differ from its source.
    if group_def.version.as_deref() == Some("V1") {
        group_def.version = None;
    }
    let short = |e: &str| -> Option<String> {
        if Some(e) == env {
            None
        } else {
            Some(e.to_owned())
        }
    };

    let mut variables: BTreeMap<&str, Vec<EnvVariableDef>> = BTreeMap::new();
    for ((env_name, name), remote) in &live.variables {
        variables.entry(env_name).or_default().push(EnvVariableDef {
            variable_name: name.clone(),
            variable_value: remote.def.clone(),
        });
    }
    let environments = variables
        .into_iter()
        .map(|(name, variables)| EnvironmentDef {
            name: name.to_owned(),
            remark: live
                .envs
                .get(name)
                .and_then(|e| e.def.remark.clone())
                .filter(|r| !r.is_empty()),
            variables,
        })
        .collect();

    let apis: Vec<_> = live.apis.values().map(|r| r.def.clone()).collect();
    let mut referenced = BTreeSet::new();
    for api in &apis {
        collect_authorizers(&def_value(api), &mut referenced);
    }
    let authorizers = live
        .authorizers
        .iter()
        .filter(|(n, _)| referenced.contains(*n))
        .map(|(_, r)| r.def.clone())
        .collect();

    let bound_throttles: BTreeSet<&str> = live
        .throttle_bindings
        .values()
        .map(|b| b.policy.as_str())
        .collect();
    let throttles = live
        .throttles
        .iter()
        .filter(|(n, _)| bound_throttles.contains(n.as_str()))
        .map(|(name, remote)| {
            let mut def = remote.def.clone();
            def.special = live
                .specials
                .iter()
                .filter(|((t, _), _)| t == name)
                .map(|(_, s)| s.def.clone())
                .collect();
            def
        })
        .collect();
    let bound_acls: BTreeSet<&str> = live
        .acl_bindings
        .values()
        .map(|b| b.policy.as_str())
        .collect();
    let acls = live
        .acls
        .iter()
        .filter(|(n, _)| bound_acls.contains(n.as_str()))
        .map(|(_, r)| r.def.clone())
        .collect();
    let bound_plugins: BTreeSet<&str> = live
        .plugin_bindings
        .iter()
        .map(|(_, _, p)| p.as_str())
        .collect();
    let plugins = live
        .plugins
        .iter()
        .filter(|(n, _)| bound_plugins.contains(n.as_str()))
        .map(|(_, r)| r.def.clone())
        .collect();

    let mut published: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (env_name, api) in live.publications.keys() {
        published.entry(env_name).or_default().push(api.clone());
    }
    // With no API published in `env`, an empty entry says so: without one, sync would read
    // the dump as "publish every API there".
    if let Some(env) = env
        && !live.apis.is_empty()
    {
        published.entry(env).or_default();
    }
    let publications = published
        .into_iter()
        .filter(|(e, list)| !(Some(*e) == env && list.len() == live.apis.len()))
        .map(|(e, apis)| Publication {
            env: short(e),
            apis,
            remark: None,
        })
        .collect();

    let mut throttle_groups: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
    for ((e, api), binding) in &live.throttle_bindings {
        throttle_groups
            .entry((e, &binding.policy))
            .or_default()
            .push(api.clone());
    }
    let mut acl_groups: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
    for ((e, api), binding) in &live.acl_bindings {
        acl_groups
            .entry((e, &binding.policy))
            .or_default()
            .push(api.clone());
    }
    let mut plugin_groups: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
    for (e, api, plugin) in &live.plugin_bindings {
        plugin_groups
            .entry((e, plugin))
            .or_default()
            .push(api.clone());
    }

    Ok(Definition {
        schema: None,
        apigctl: FormatVersion::V1,
        group: group_def,
        environments,
        authorizers,
        throttles,
        acls,
        plugins,
        responses: live.responses.values().map(|r| r.def.clone()).collect(),
        apis,
        publications,
        throttle_bindings: throttle_groups
            .into_iter()
            .map(|((e, p), apis)| ThrottleBinding {
                env: short(e),
                throttle: p.to_owned(),
                apis,
            })
            .collect(),
        acl_bindings: acl_groups
            .into_iter()
            .map(|((e, p), apis)| AclBinding {
                env: short(e),
                acl: p.to_owned(),
                apis,
            })
            .collect(),
        plugin_bindings: plugin_groups
            .into_iter()
            .map(|((e, p), apis)| PluginBinding {
                env: short(e),
                plugin: p.to_owned(),
                apis,
            })
            .collect(),
    })
}

fn collect_authorizers(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                match member {
                    Value::String(name) if key == "authorizer_name" => {
                        out.insert(name.clone());
                    }
                    _ => collect_authorizers(member, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_authorizers(v, out)),
        _ => {}
    }
}
