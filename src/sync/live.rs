//! The live state of one group on a gateway, read into definition form (names, not ids) with
//! the ids kept beside it for apply.

use std::collections::{BTreeMap, BTreeSet};

use tokio::task::JoinSet;

use super::names::{NameMaps, rest_to_def};
use crate::gateway::ops::{self, BoundApi};
use crate::gateway::{Client, ErrorKind, GatewayError};
use crate::model::{
    AclDef, ApiDef, ApiGroupDef, AuthorizerDef, EnvCreate, GroupResponseDef, PluginDef,
    SpecialObjectType, ThrottleDef, ThrottleSpecialCreate, ThrottleSpecialDef,
};

/// An object on the gateway: its id and its definition form.
#[derive(Clone, Debug)]
pub struct Remote<T> {
    /// Gateway id.
    pub id: String,
    /// Definition form.
    pub def: T,
}

/// An excluded throttling configuration on the gateway.
#[derive(Clone, Debug)]
pub struct RemoteSpecial {
    /// Configuration id.
    pub id: String,
    /// App id or account id it applies to.
    pub object_id: String,
    /// Definition form (named by the answer's `object_name`, else the id).
    pub def: ThrottleSpecialDef,
}

impl RemoteSpecial {
    /// An excluded configuration as the gateway answers it: an app is named by the answer's
    /// `object_name` (else `app_name`), a tenant by its account id, which is all there is.
    pub fn of(special: &ThrottleSpecialCreate) -> RemoteSpecial {
        let object_id = special.object_id.clone();
        let object_name = match special.object_type {
            SpecialObjectType::App => special.object_name.clone().or(special.app_name.clone()),
            SpecialObjectType::User => None,
        }
        .unwrap_or_else(|| object_id.clone());
        RemoteSpecial {
            id: special.id.clone().unwrap_or_default(),
            def: ThrottleSpecialDef {
                object_type: special.object_type,
                object_name,
                call_limits: special.call_limits,
            },
            object_id,
        }
    }
}

/// A binding of a policy to an API in an environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteBinding {
    /// Policy name.
    pub policy: String,
    /// Binding record id.
    pub id: String,
}

/// What the gateway holds for one group, plus the gateway-wide objects the group may use.
#[derive(Clone, Debug, Default)]
pub struct Live {
    /// The group, if it exists.
    pub group: Option<Remote<ApiGroupDef>>,
    /// Every environment, by name.
    pub envs: BTreeMap<String, Remote<EnvCreate>>,
    /// The group's variables by (environment, name): id and value.
    pub variables: BTreeMap<(String, String), Remote<String>>,
    /// Every custom authorizer, by name.
    pub authorizers: BTreeMap<String, Remote<AuthorizerDef>>,
    /// Every throttling policy, by name (without `special`).
    pub throttles: BTreeMap<String, Remote<ThrottleDef>>,
    /// Excluded configurations by (policy name, object id).
    pub specials: BTreeMap<(String, String), RemoteSpecial>,
    /// Every access control policy, by name.
    pub acls: BTreeMap<String, Remote<AclDef>>,
    /// Every plug-in, by name.
    pub plugins: BTreeMap<String, Remote<PluginDef>>,
    /// The group's responses, by name (the gateway's built-in default response excluded).
    pub responses: BTreeMap<String, Remote<GroupResponseDef>>,
    /// The group's APIs, by name.
    pub apis: BTreeMap<String, Remote<ApiDef>>,
    /// Publication record ids by (environment, API).
    pub publications: BTreeMap<(String, String), String>,
    /// Publications older than their API's last change, by (environment, API): an update
    /// whose republish failed, or a change made outside sync.
    pub stale_publications: BTreeSet<(String, String)>,
    /// Throttling bindings by (environment, API).
    pub throttle_bindings: BTreeMap<(String, String), RemoteBinding>,
    /// Access control bindings by (environment, API).
    pub acl_bindings: BTreeMap<(String, String), RemoteBinding>,
    /// Plug-in bindings: (environment, API, plug-in).
    pub plugin_bindings: BTreeSet<(String, String, String)>,
    /// Name lookups for references.
    pub names: NameMaps,
    /// APIs SOURCE renames, new name to old ([`Live::rename_apis`]).
    pub renamed: BTreeMap<String, String>,
    /// App names to ids (for excluded throttling configurations of apps).
    pub apps: BTreeMap<String, String>,
    /// Whether the gateway listed its VPC channels and its apps (a gateway without those
    /// collections answers 404): only then is a name missing from them known to be wrong.
    pub listed: Listed,
}

/// Which of the gateway-wide collections a definition names but sync never creates were read.
#[derive(Clone, Copy, Debug, Default)]
pub struct Listed {
    /// `vpc-channels` was listed.
    pub vpc_channels: bool,
    /// `apps` was listed.
    pub apps: bool,
}

impl Live {
    /// Takes a live API SOURCE does not name, on the route of exactly one API of SOURCE the
    /// gateway does not have, for that API renamed (`pairs`: old name, new name): it is filed
    /// under the new name, with its publications and bindings, and keeps its old name in its
    /// definition, so the plan updates it in place (`name: "old" -> "new"`). Deleting it and
    /// creating the new one would take the route offline in between and change the API's id.
    pub fn rename_apis(&mut self, pairs: &[(String, String)]) {
        fn rekey<K: Ord, V>(map: &mut BTreeMap<K, V>, rename: impl Fn(&K) -> Option<K>) {
            let moved: Vec<K> = map.keys().filter_map(&rename).collect();
            if moved.is_empty() {
                return;
            }
            let old = std::mem::take(map);
            for (key, value) in old {
                map.insert(rename(&key).unwrap_or(key), value);
            }
        }
        for (old, new) in pairs {
            let Some(api) = self.apis.remove(old) else {
                continue;
            };
            self.apis.insert(new.clone(), api);
            let pair =
                |(env, api): &(String, String)| (api == old).then(|| (env.clone(), new.clone()));
            rekey(&mut self.publications, pair);
            rekey(&mut self.throttle_bindings, pair);
            rekey(&mut self.acl_bindings, pair);
            self.stale_publications = std::mem::take(&mut self.stale_publications)
                .into_iter()
                .map(|key| pair(&key).unwrap_or(key))
                .collect();
            self.plugin_bindings = std::mem::take(&mut self.plugin_bindings)
                .into_iter()
                .map(|(env, api, plugin)| {
                    let api = if api == *old { new.clone() } else { api };
                    (env, api, plugin)
                })
                .collect();
            self.renamed.insert(new.clone(), old.clone());
        }
    }

    /// Environment name of an environment id.
    pub fn env_name(&self, id: &str) -> Option<&str> {
        self.envs
            .iter()
            .find(|(_, e)| e.id == id)
            .map(|(n, _)| n.as_str())
    }

    /// The gateway id of an environment.
    pub fn env_id(&self, name: &str) -> Option<&str> {
        self.envs.get(name).map(|e| e.id.as_str())
    }
}

/// Bindings of one policy: (0 throttle, 1 ACL, 2 plug-in), policy name, bound APIs.
type BindingList = (u8, String, Vec<BoundApi>);

/// Whether timestamp `a` is before `b`. Only UTC timestamps of one shape
/// (`2024-04-16T09:53:41Z`, or with the same fraction digits) are compared, as text; anything
/// else counts as not older, so an unexpected format never forces a republish.
fn older(a: &str, b: &str) -> bool {
    let shape = |t: &str| t.len() >= 20 && t.ends_with('Z') && t.as_bytes().get(10) == Some(&b'T');
    shape(a) && shape(b) && a.len() == b.len() && a < b
}

/// A gateway-wide list whose endpoint answers 404 holds nothing: an emulator or an older
/// gateway without the feature has no such objects to sync.
async fn optional<T>(
    list: impl std::future::Future<Output = Result<Vec<T>, GatewayError>>,
) -> Result<Vec<T>, GatewayError> {
    match list.await {
        Err(error) if error.is_not_found() => Ok(Vec::new()),
        other => other,
    }
}

/// A list the gateway may not have: `None` for a 404 answer.
async fn listed<T>(
    list: impl std::future::Future<Output = Result<Vec<T>, GatewayError>>,
) -> Result<Option<Vec<T>>, GatewayError> {
    match list.await {
        Err(error) if error.is_not_found() => Ok(None),
        other => other.map(Some),
    }
}

/// Reads the APIs that environment `env` serves an older version of than the group holds (its
/// [`Live::stale_publications`]) as `env` serves them, in place of the group's current
/// definitions: what `dump --env` writes. The names of those read so, in order.
///
/// # Errors
///
/// The first failed read (after the client's retries).
pub async fn read_published(
    client: &Client,
    live: &mut Live,
    env: &str,
) -> Result<Vec<String>, GatewayError> {
    let Some(env_id) = live.envs.get(env).map(|e| e.id.clone()) else {
        return Ok(Vec::new());
    };
    let behind: Vec<(String, String)> = live
        .stale_publications
        .iter()
        .filter(|(e, _)| e == env)
        .filter_map(|(_, name)| Some((name.clone(), live.apis.get(name)?.id.clone())))
        .collect();
    let mut reads = JoinSet::new();
    for (name, id) in behind {
        let (client, env_id) = (client.clone(), env_id.clone());
        reads.spawn(async move {
            let published = client.show_published_api(&id, &name, &env_id).await;
            (name, published)
        });
    }
    let mut read = Vec::new();
    while let Some(joined) = reads.join_next().await {
        let (name, published) =
            joined.map_err(|e| decode("read API version", "", e.to_string()))?;
        let Some(api) = published? else { continue };
        let mut def: ApiDef =
            rest_to_def(&api, &live.names).map_err(|e| decode("read API version", &name, e))?;
        // Published before a rename, it had another name: the API is the same one.
        def.name.clone_from(&name);
        if let Some(remote) = live.apis.get_mut(&name) {
            remote.def = def;
            read.push(name);
        }
    }
    read.sort();
    Ok(read)
}

fn decode(operation: &str, object: &str, message: String) -> GatewayError {
    GatewayError::new(operation, object, ErrorKind::Decode(message))
}

/// Reads the group named `group` and everything it may use.
///
/// # Errors
///
/// The first failed read (after the client's retries).
pub async fn read(client: &Client, group: &str) -> Result<Live, GatewayError> {
    let mut live = Live::default();
    // The group first, alone: a credentials or endpoint problem then fails on one request with
    // one message instead of racing eight.
    let group_found = client.find_group(group).await?;
    let (envs, authorizers, throttles, acls, plugins, vpcs, apps) = tokio::try_join!(
        client.list_envs(),
        optional(client.list_authorizers()),
        optional(client.list_throttles()),
        optional(client.list_acls()),
        optional(client.list_plugins()),
        listed(client.list_family::<ops::Named>(&ops::VPC_CHANNELS, None, &[])),
        listed(client.list_family::<ops::Named>(&ops::APPS, None, &[])),
    )?;
    live.listed = Listed {
        vpc_channels: vpcs.is_some(),
        apps: apps.is_some(),
    };
    live.names.vpc_channels = vpcs.into_iter().flatten().map(|n| (n.name, n.id)).collect();
    live.apps = apps.into_iter().flatten().map(|n| (n.name, n.id)).collect();
    for env in envs {
        let id = env.id.clone().unwrap_or_default();
        live.envs.insert(env.name.clone(), Remote { id, def: env });
    }
    for authorizer in authorizers {
        let id = authorizer.id.clone().unwrap_or_default();
        live.names
            .authorizers
            .insert(authorizer.name.clone(), id.clone());
        let def: AuthorizerDef = rest_to_def(&authorizer, &live.names)
            .map_err(|e| decode("read custom authorizer", &authorizer.name, e))?;
        live.authorizers
            .insert(authorizer.name.clone(), Remote { id, def });
    }
    for acl in acls {
        let id = acl.id.clone().unwrap_or_default();
        let def: AclDef = rest_to_def(&acl, &live.names)
            .map_err(|e| decode("read access control policy", &acl.acl_name, e))?;
        live.acls.insert(acl.acl_name.clone(), Remote { id, def });
    }
    for plugin in plugins {
        let id = plugin.plugin_id.clone().unwrap_or_default();
        let def: PluginDef = rest_to_def(&plugin, &live.names)
            .map_err(|e| decode("read plug-in", &plugin.plugin_name, e))?;
        live.plugins
            .insert(plugin.plugin_name.clone(), Remote { id, def });
    }
    let mut special_reads = JoinSet::new();
    for throttle in throttles {
        let id = throttle.id.clone().unwrap_or_default();
        let def: ThrottleDef = rest_to_def(&throttle, &live.names)
            .map_err(|e| decode("read throttling policy", &throttle.name, e))?;
        // Only policies that say they have excluded configurations need a request.
        if throttle.is_inclu_special_throttle != Some(crate::model::YesNo::No) {
            let client = client.clone();
            let (id, name) = (id.clone(), throttle.name.clone());
            special_reads
                .spawn(async move { client.list_specials(&id, &name).await.map(|s| (name, s)) });
        }
        live.throttles
            .insert(throttle.name.clone(), Remote { id, def });
    }
    while let Some(joined) = special_reads.join_next().await {
        let (throttle, specials) = joined
            .map_err(|e| decode("read excluded throttling configurations", "", e.to_string()))??;
        for special in specials {
            let remote = RemoteSpecial::of(&special);
            live.specials
                .insert((throttle.clone(), remote.object_id.clone()), remote);
        }
    }
    let Some(group_rest) = group_found else {
        return Ok(live);
    };
    let group_id = group_rest.id.clone().unwrap_or_default();
    let group_def: ApiGroupDef =
        rest_to_def(&group_rest, &live.names).map_err(|e| decode("read API group", group, e))?;
    live.group = Some(Remote {
        id: group_id.clone(),
        def: group_def,
    });

    let (variables, responses, apis) = tokio::try_join!(
        client.list_variables(&group_id),
        optional(client.list_responses(&group_id)),
        client.list_apis(&group_id),
    )?;
    for variable in variables {
        let env = live
            .env_name(&variable.env_id)
            .unwrap_or(&variable.env_id)
            .to_owned();
        live.variables.insert(
            (env, variable.variable_name.clone()),
            Remote {
                id: variable.id.clone().unwrap_or_default(),
                def: variable.variable_value.clone(),
            },
        );
    }
    for response in responses {
        if response.default == Some(true) {
            continue;
        }
        let id = response.id.clone().unwrap_or_default();
        live.names
            .responses
            .insert(response.name.clone(), id.clone());
        let def: GroupResponseDef = rest_to_def(&response, &live.names)
            .map_err(|e| decode("read group response", &response.name, e))?;
        live.responses
            .insert(response.name.clone(), Remote { id, def });
    }
    // The list leaves out backends and policies: read each API in full.
    let mut api_reads = JoinSet::new();
    for api in apis {
        let client = client.clone();
        api_reads.spawn(async move {
            let id = api.id.clone().unwrap_or_default();
            client.show_api(&id, &api.name).await
        });
    }
    let mut api_ids: BTreeMap<String, String> = BTreeMap::new();
    while let Some(joined) = api_reads.join_next().await {
        let api = joined.map_err(|e| decode("read API", "", e.to_string()))??;
        let id = api.id.clone().unwrap_or_default();
        let publish_times: Vec<&str> = api
            .publish_time
            .as_deref()
            .unwrap_or("")
            .split('|')
            .collect();
        for (i, (env_id, publish_id)) in ops::publications(&api).into_iter().enumerate() {
            let env = live.env_name(&env_id).unwrap_or(&env_id).to_owned();
            if let (Some(updated), Some(published)) =
                (api.update_time.as_deref(), publish_times.get(i))
                && older(published, updated)
            {
                live.stale_publications
                    .insert((env.clone(), api.name.clone()));
            }
            live.publications
                .insert((env, api.name.clone()), publish_id);
        }
        let def: ApiDef =
            rest_to_def(&api, &live.names).map_err(|e| decode("read API", &api.name, e))?;
        api_ids.insert(id.clone(), api.name.clone());
        live.apis.insert(api.name.clone(), Remote { id, def });
    }

    // Bindings: one list per policy, narrowed to the group.
    let mut binding_reads: JoinSet<Result<BindingList, GatewayError>> = JoinSet::new();
    for (kind, items) in [
        (
            0u8,
            live.throttles
                .iter()
                .map(|(n, r)| (n.clone(), r.id.clone()))
                .collect::<Vec<_>>(),
        ),
        (
            1u8,
            live.acls
                .iter()
                .map(|(n, r)| (n.clone(), r.id.clone()))
                .collect(),
        ),
        (
            2u8,
            live.plugins
                .iter()
                .map(|(n, r)| (n.clone(), r.id.clone()))
                .collect(),
        ),
    ] {
        for (name, id) in items {
            let client = client.clone();
            let group_id = group_id.clone();
            binding_reads.spawn(async move {
                let bound = match kind {
                    0 => {
                        client
                            .bound_apis(ops::BindingKind::Throttle, &id, &name, &group_id)
                            .await?
                    }
                    1 => {
                        client
                            .bound_apis(ops::BindingKind::Acl, &id, &name, &group_id)
                            .await?
                    }
                    _ => client.plugin_attached_apis(&id, &name, &group_id).await?,
                };
                Ok((kind, name, bound))
            });
        }
    }
    while let Some(joined) = binding_reads.join_next().await {
        let (kind, policy, bound) =
            joined.map_err(|e| decode("read bindings", "", e.to_string()))??;
        for b in bound {
            // Bindings of other groups' APIs are not ours, whatever the filter did.
            let Some(api) = b.api().and_then(|id| api_ids.get(id)).cloned() else {
                continue;
            };
            let env = match b.env() {
                Some(env_id) => live.env_name(env_id).unwrap_or(env_id).to_owned(),
                None => b
                    .env_name
                    .clone()
                    .or(b.run_env_name.clone())
                    .unwrap_or_default(),
            };
            let binding = RemoteBinding {
                policy: policy.clone(),
                id: b.binding().unwrap_or_default().to_owned(),
            };
            match kind {
                0 => {
                    live.throttle_bindings.insert((env, api), binding);
                }
                1 => {
                    live.acl_bindings.insert((env, api), binding);
                }
                _ => {
                    live.plugin_bindings.insert((env, api, policy.clone()));
                }
            }
        }
    }
    Ok(live)
}

#[cfg(test)]
mod tests {
    use super::older;

    #[test]
    fn only_timestamps_of_one_utc_shape_are_compared() {
        assert!(older("2024-04-16T09:53:41Z", "2024-04-16T09:53:42Z"));
        assert!(!older("2024-04-16T09:53:42Z", "2024-04-16T09:53:41Z"));
        assert!(older(
            "2024-04-16T09:53:41.000000001Z",
            "2024-04-16T09:53:41.000000002Z"
        ));
        // Different shapes or zones: never a reason to republish.
        assert!(!older("2024-04-16T09:53:41Z", "2024-04-16T09:53:41.5Z"));
        assert!(!older("2024-04-16 09:53:41", "2024-04-17 09:53:41"));
        assert!(!older(
            "2024-04-16T09:53:41+08:00",
            "2024-04-17T09:53:41+08:00"
        ));
    }
}
