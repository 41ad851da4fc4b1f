//! Typed operations on the object families sync needs, with the method, path and list key the
//! official SDK uses (`shared/reference/gateway-rest-api.md`). Bodies and answers are the model's
//! REST types; creates go through [`Client::create_checked`] with a list-by-name read, so a
//! retried create never makes a duplicate.

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::client::{Body, Call, Client, path};
use super::error::GatewayError;
use crate::model::{
    AclApiBindingCreate, ApiAclCreate, ApiActionInfo, ApiActionResult, ApiCreate, ApiGroupCreate,
    AuthorizerCreate, EnvCreate, EnvVariableCreate, GroupResponseCreate, PluginCreate,
    PluginOperApiInfo, PublishAction, ThrottleApiBindingCreate, ThrottleBaseInfo,
    ThrottleSpecialCreate,
};

/// A family of gateway-wide objects with list/create/update/delete at `/{path}` and
/// `/{path}/{id}`.
#[derive(Clone, Copy, Debug)]
pub struct Family {
    /// Name for messages (`API group`).
    pub label: &'static str,
    /// Collection path segment (`api-groups`).
    pub path: &'static str,
    /// Member of the list answer holding the items.
    pub list_key: &'static str,
    /// Query parameter filtering by name.
    pub name_query: &'static str,
}

/// API groups (API Reference 3.1).
pub const GROUPS: Family = Family {
    label: "API group",
    path: "api-groups",
    list_key: "groups",
    name_query: "name",
};
/// Environments (API Reference 3.2).
pub const ENVS: Family = Family {
    label: "environment",
    path: "envs",
    list_key: "envs",
    name_query: "name",
};
/// Environment variables (API Reference 3.3).
pub const VARIABLES: Family = Family {
    label: "environment variable",
    path: "env-variables",
    list_key: "variables",
    name_query: "variable_name",
};
/// Custom authorizers (API Reference 3.15).
pub const AUTHORIZERS: Family = Family {
    label: "custom authorizer",
    path: "authorizers",
    list_key: "authorizer_list",
    name_query: "name",
};
/// Request throttling policies (API Reference 3.4).
pub const THROTTLES: Family = Family {
    label: "throttling policy",
    path: "throttles",
    list_key: "throttles",
    name_query: "name",
};
/// Access control policies (API Reference 3.13).
pub const ACLS: Family = Family {
    label: "access control policy",
    path: "acls",
    list_key: "acls",
    name_query: "name",
};
/// Plug-ins (API Reference 3.27).
pub const PLUGINS: Family = Family {
    label: "plug-in",
    path: "plugins",
    list_key: "plugins",
    name_query: "plugin_name",
};
/// APIs (API Reference 3.5).
pub const APIS: Family = Family {
    label: "API",
    path: "apis",
    list_key: "apis",
    name_query: "name",
};
/// VPC channels (API Reference 3.17), read only: definitions refer to them by name.
pub const VPC_CHANNELS: Family = Family {
    label: "VPC channel",
    path: "vpc-channels",
    list_key: "vpc_channels",
    name_query: "name",
};
/// Apps (API Reference 3.10), read only: excluded throttling configurations name them.
pub const APPS: Family = Family {
    label: "app",
    path: "apps",
    list_key: "apps",
    name_query: "name",
};

/// An object reduced to what lookups need: id and name, whatever the family calls them.
#[derive(Clone, Debug, Deserialize)]
pub struct Named {
    /// `id` (or `plugin_id`).
    #[serde(alias = "plugin_id")]
    pub id: String,
    /// `name` (or `acl_name`, `plugin_name`).
    #[serde(alias = "acl_name", alias = "plugin_name")]
    pub name: String,
}

/// An API bound to a policy, as the binding lists return it (API Reference 3.8.3
/// `ApiForThrottle`, 3.14.3 `AclBindApiInfo`, 3.27.10 attached APIs). Each list names the
/// fields differently; the accessors pick the right one.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct BoundApi {
    /// API id (throttling lists).
    pub id: Option<String>,
    /// API id (ACL and plug-in lists).
    pub api_id: Option<String>,
    /// API name (throttling lists).
    pub name: Option<String>,
    /// API name (ACL and plug-in lists).
    pub api_name: Option<String>,
    /// Environment id (ACL and plug-in lists).
    pub env_id: Option<String>,
    /// Environment id (throttling lists).
    pub run_env_id: Option<String>,
    /// Environment name.
    pub env_name: Option<String>,
    /// Environment name (throttling lists).
    pub run_env_name: Option<String>,
    /// ACL binding record id.
    pub bind_id: Option<String>,
    /// Throttling binding record id.
    pub throttle_apply_id: Option<String>,
    /// Plug-in binding record id.
    pub plugin_attach_id: Option<String>,
    /// Publication record id.
    pub publish_id: Option<String>,
    /// Group id.
    pub group_id: Option<String>,
}

impl BoundApi {
    /// The API id.
    pub fn api(&self) -> Option<&str> {
        self.api_id.as_deref().or(self.id.as_deref())
    }
    /// The environment id.
    pub fn env(&self) -> Option<&str> {
        self.env_id.as_deref().or(self.run_env_id.as_deref())
    }
    /// The binding record id.
    pub fn binding(&self) -> Option<&str> {
        self.bind_id
            .as_deref()
            .or(self.throttle_apply_id.as_deref())
            .or(self.plugin_attach_id.as_deref())
    }
}

/// A collection below one object: `/{parent}/{parent_id}/{child}`.
#[derive(Clone, Copy, Debug)]
pub struct Nested<'a> {
    parent: &'static str,
    parent_id: &'a str,
    child: &'static str,
    list_key: &'static str,
    /// Name of one member, for messages.
    pub label: &'static str,
}

impl<'a> Nested<'a> {
    /// Excluded configurations of a throttling policy (API Reference 3.9).
    pub fn specials(throttle_id: &'a str) -> Nested<'a> {
        Nested {
            parent: THROTTLES.path,
            parent_id: throttle_id,
            child: "throttle-specials",
            list_key: "throttle_specials",
            label: "excluded throttling configuration",
        }
    }

    /// Responses of a group (API Reference 3.19).
    pub fn responses(group_id: &'a str) -> Nested<'a> {
        Nested {
            parent: GROUPS.path,
            parent_id: group_id,
            child: "gateway-responses",
            list_key: "responses",
            label: "group response",
        }
    }

    fn path(&self, id: Option<&str>) -> String {
        match id {
            Some(id) => path(&[self.parent, self.parent_id, self.child, id]),
            None => path(&[self.parent, self.parent_id, self.child]),
        }
    }
}

/// Policies bound to publication records rather than to APIs and environments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindingKind {
    /// Request throttling policies (API Reference 3.8).
    Throttle,
    /// Access control policies (API Reference 3.14).
    Acl,
}

impl BindingKind {
    fn collection(self) -> &'static str {
        match self {
            BindingKind::Throttle => "throttle-bindings",
            BindingKind::Acl => "acl-bindings",
        }
    }

    fn id_query(self) -> &'static str {
        match self {
            BindingKind::Throttle => "throttle_id",
            BindingKind::Acl => "acl_id",
        }
    }

    fn label(self) -> &'static str {
        match self {
            BindingKind::Throttle => "throttling policy",
            BindingKind::Acl => "access control policy",
        }
    }
}

/// The answer of `/openapi/import` (API Reference 3.16.2, Tables 3-840 to 3-844).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ImportAnswer {
    /// Imported APIs.
    #[serde(default)]
    pub success: Vec<serde_json::Value>,
    /// APIs that failed, with `error_code` and `error_msg`.
    #[serde(default)]
    pub failure: Vec<serde_json::Value>,
    /// APIs not imported.
    #[serde(default)]
    pub ignore: Vec<serde_json::Value>,
    /// The group imported into.
    pub group_id: Option<String>,
}

/// Options of `/openapi/import` (API Reference 3.16.2, Table 3-839).
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// Group to import into; `None` creates a group.
    pub group_id: Option<String>,
    /// `merge` or `override` for extended information.
    pub extend_mode: String,
    /// `merge` or `override` for APIs.
    pub api_mode: String,
}

impl Client {
    /// Lists a gateway-wide family, optionally filtered by (fuzzy) name and extra pairs.
    pub async fn list_family<T: DeserializeOwned>(
        &self,
        family: &Family,
        name: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Result<Vec<T>, GatewayError> {
        let mut call = Call::new(
            Method::GET,
            path(&[family.path]),
            &format!("list {}s", family.label),
            name.unwrap_or(""),
        );
        if let Some(name) = name {
            call = call.query(family.name_query, name);
        }
        for (key, value) in extra {
            call = call.query(key, *value);
        }
        self.list(&call, family.list_key).await
    }

    /// The object of `family` named exactly `name` (`extra` narrows the search, e.g. by group).
    pub async fn find_by_name<T: DeserializeOwned>(
        &self,
        family: &Family,
        name: &str,
        extra: &[(&str, &str)],
    ) -> Result<Option<T>, GatewayError> {
        let found: Vec<serde_json::Value> = self.list_family(family, Some(name), extra).await?;
        for value in found {
            // Most families name objects `name` (`acl_name`, `plugin_name`); variables use
            // `variable_name`.
            let matches = match serde_json::from_value::<Named>(value.clone()) {
                Ok(named) => named.name == name,
                Err(_) => value.get("variable_name").and_then(|v| v.as_str()) == Some(name),
            };
            if matches {
                return serde_json::from_value(value).map(Some).map_err(|e| {
                    GatewayError::new(
                        format!("read {}", family.label),
                        name,
                        super::ErrorKind::Decode(e.to_string()),
                    )
                });
            }
        }
        Ok(None)
    }

    /// Creates an object of `family`; a lost answer is recovered by looking the name up
    /// (within `scope`, e.g. the group), so a retry never duplicates it.
    pub async fn create_in<B: Serialize, T: DeserializeOwned>(
        &self,
        family: &Family,
        name: &str,
        scope: &[(&str, &str)],
        body: &B,
    ) -> Result<T, GatewayError> {
        let call = Call::new(
            Method::POST,
            path(&[family.path]),
            &format!("create {}", family.label),
            name,
        )
        .json(body)?;
        self.create_checked(&call, || self.find_by_name::<T>(family, name, scope))
            .await
    }

    /// Replaces an object of `family` (`PUT /{path}/{id}`).
    pub async fn update_in<B: Serialize, T: DeserializeOwned>(
        &self,
        family: &Family,
        id: &str,
        name: &str,
        body: &B,
    ) -> Result<T, GatewayError> {
        let call = Call::new(
            Method::PUT,
            path(&[family.path, id]),
            &format!("update {}", family.label),
            name,
        )
        .json(body)?;
        self.fetch(&call).await
    }

    /// Deletes an object of `family` (`DELETE /{path}/{id}`).
    pub async fn delete_in(
        &self,
        family: &Family,
        id: &str,
        name: &str,
    ) -> Result<(), GatewayError> {
        let call = Call::new(
            Method::DELETE,
            path(&[family.path, id]),
            &format!("delete {}", family.label),
            name,
        );
        self.send(&call).await.map(|_| ())
    }

    /// Groups named `name` (API Reference 3.1.5).
    pub async fn find_group(&self, name: &str) -> Result<Option<ApiGroupCreate>, GatewayError> {
        self.find_by_name(&GROUPS, name, &[]).await
    }

    /// Every environment (API Reference 3.2.4).
    pub async fn list_envs(&self) -> Result<Vec<EnvCreate>, GatewayError> {
        self.list_family(&ENVS, None, &[]).await
    }

    /// The group's variables in every environment (API Reference 3.3.4).
    pub async fn list_variables(
        &self,
        group_id: &str,
    ) -> Result<Vec<EnvVariableCreate>, GatewayError> {
        self.list_family(&VARIABLES, None, &[("group_id", group_id)])
            .await
    }

    /// Creates a variable (API Reference 3.3.1).
    pub async fn create_variable(
        &self,
        body: &EnvVariableCreate,
    ) -> Result<EnvVariableCreate, GatewayError> {
        let call = Call::new(
            Method::POST,
            path(&[VARIABLES.path]),
            "create environment variable",
            &body.variable_name,
        )
        .json(body)?;
        let scope = [
            ("group_id", body.group_id.as_str()),
            ("env_id", body.env_id.as_str()),
        ];
        self.create_checked(&call, || async {
            let found: Vec<EnvVariableCreate> = self
                .list_family(&VARIABLES, Some(&body.variable_name), &scope)
                .await?;
            Ok(found
                .into_iter()
                .find(|v| v.variable_name == body.variable_name && v.env_id == body.env_id))
        })
        .await
    }

    /// Changes a variable's value (API Reference 3.3.5; body `EnvVariableBase`).
    pub async fn update_variable(
        &self,
        id: &str,
        name: &str,
        value: &str,
    ) -> Result<(), GatewayError> {
        let body = serde_json::json!({ "variable_value": value });
        let call = Call::new(
            Method::PUT,
            path(&[VARIABLES.path, id]),
            "update environment variable",
            name,
        )
        .json(&body)?;
        self.send(&call).await.map(|_| ())
    }

    /// Every custom authorizer (API Reference 3.15.4).
    pub async fn list_authorizers(&self) -> Result<Vec<AuthorizerCreate>, GatewayError> {
        self.list_family(&AUTHORIZERS, None, &[]).await
    }

    /// Every throttling policy (API Reference 3.4.4).
    pub async fn list_throttles(&self) -> Result<Vec<ThrottleBaseInfo>, GatewayError> {
        self.list_family(&THROTTLES, None, &[]).await
    }

    /// Excluded configurations of a throttling policy (API Reference 3.9.4).
    pub async fn list_specials(
        &self,
        throttle_id: &str,
        throttle: &str,
    ) -> Result<Vec<ThrottleSpecialCreate>, GatewayError> {
        self.list_nested(&Nested::specials(throttle_id), throttle)
            .await
    }

    /// Every access control policy (API Reference 3.13.4).
    pub async fn list_acls(&self) -> Result<Vec<ApiAclCreate>, GatewayError> {
        self.list_family(&ACLS, None, &[]).await
    }

    /// Every plug-in (API Reference 3.27.4).
    pub async fn list_plugins(&self) -> Result<Vec<PluginCreate>, GatewayError> {
        self.list_family(&PLUGINS, None, &[]).await
    }

    /// The group's responses (API Reference 3.19.8).
    pub async fn list_responses(
        &self,
        group_id: &str,
    ) -> Result<Vec<GroupResponseCreate>, GatewayError> {
        self.list_nested(&Nested::responses(group_id), "").await
    }

    /// Lists a nested collection.
    pub async fn list_nested<T: DeserializeOwned>(
        &self,
        nested: &Nested<'_>,
        parent: &str,
    ) -> Result<Vec<T>, GatewayError> {
        let call = Call::new(
            Method::GET,
            nested.path(None),
            &format!("list {}s", nested.label),
            parent,
        );
        self.list(&call, nested.list_key).await
    }

    /// Creates an object in a nested collection; a lost answer is recovered by listing the
    /// collection and looking for an object `is_it` accepts.
    pub async fn create_nested<T: DeserializeOwned>(
        &self,
        nested: &Nested<'_>,
        label: &str,
        body: &serde_json::Value,
        is_it: impl Fn(&T) -> bool,
    ) -> Result<T, GatewayError> {
        let call = Call::new(
            Method::POST,
            nested.path(None),
            &format!("create {}", nested.label),
            label,
        )
        .json(body)?;
        self.create_checked(&call, || async {
            let all: Vec<T> = self.list_nested(nested, label).await?;
            Ok(all.into_iter().find(|item| is_it(item)))
        })
        .await
    }

    /// Replaces an object of a nested collection.
    pub async fn update_nested(
        &self,
        nested: &Nested<'_>,
        id: &str,
        label: &str,
        body: &serde_json::Value,
    ) -> Result<(), GatewayError> {
        let call = Call::new(
            Method::PUT,
            nested.path(Some(id)),
            &format!("update {}", nested.label),
            label,
        )
        .json(body)?;
        self.send(&call).await.map(|_| ())
    }

    /// Deletes an object of a nested collection.
    pub async fn delete_nested(
        &self,
        nested: &Nested<'_>,
        id: &str,
        label: &str,
    ) -> Result<(), GatewayError> {
        let call = Call::new(
            Method::DELETE,
            nested.path(Some(id)),
            &format!("delete {}", nested.label),
            label,
        );
        self.send(&call).await.map(|_| ())
    }

    /// The group's APIs, as the list returns them (no backend policies; API Reference 3.5.6).
    pub async fn list_apis(&self, group_id: &str) -> Result<Vec<ApiCreate>, GatewayError> {
        self.list_family(&APIS, None, &[("group_id", group_id)])
            .await
    }

    /// One API with everything (API Reference 3.5.5).
    pub async fn show_api(&self, id: &str, name: &str) -> Result<ApiCreate, GatewayError> {
        let call = Call::new(Method::GET, path(&[APIS.path, id]), "read API", name);
        self.fetch(&call).await
    }

    /// The definition of `name` that environment `env_id` serves: the API as it was when it was
    /// last published there (the effective version among its versions, API Reference 3.5.10,
    /// read in full, 3.5.13). `None` when it is not published there.
    pub async fn show_published_api(
        &self,
        id: &str,
        name: &str,
        env_id: &str,
    ) -> Result<Option<ApiCreate>, GatewayError> {
        #[derive(serde::Deserialize)]
        struct Version {
            version_id: String,
            /// 1: in effect; 2: not.
            status: Option<i64>,
        }
        let call = Call::new(
            Method::GET,
            path(&[APIS.path, "publish", id]),
            "list API versions",
            name,
        )
        .query("env_id", env_id);
        let versions: Vec<Version> = self.list(&call, "api_versions").await?;
        let Some(current) = versions.into_iter().find(|v| v.status == Some(1)) else {
            return Ok(None);
        };
        let call = Call::new(
            Method::GET,
            path(&[APIS.path, "versions", &current.version_id]),
            "read API version",
            name,
        );
        self.fetch(&call).await.map(Some)
    }

    /// Publishes an API in an environment (API Reference 3.5.4). A lost answer is recovered by
    /// checking the API's publication records, so a retry never publishes twice.
    pub async fn publish(
        &self,
        api_id: &str,
        api: &str,
        env_id: &str,
        remark: Option<&str>,
    ) -> Result<ApiActionResult, GatewayError> {
        let action = (PublishAction::Online, "publish API");
        let call = api_action(action, api_id, api, env_id, remark)?;
        self.create_checked(&call, || async {
            let shown = self.show_api(api_id, api).await?;
            Ok(publications(&shown)
                .into_iter()
                .find(|(env, _)| env == env_id)
                .map(|(env, publish_id)| ApiActionResult {
                    publish_id: Some(publish_id),
                    api_id: Some(api_id.to_owned()),
                    api_name: None,
                    env_id: Some(env),
                    remark: None,
                    publish_time: None,
                    version_id: None,
                }))
        })
        .await
    }

    /// Publishes an already published API again, so the environment runs its current
    /// definition (API Reference 3.5.4). Unlike a first publication, the existing record
    /// cannot tell whether the attempt took effect, so it is retried like an idempotent
    /// request: publishing the same definition twice only adds a version record.
    pub async fn republish(
        &self,
        api_id: &str,
        api: &str,
        env_id: &str,
        remark: Option<&str>,
    ) -> Result<ApiActionResult, GatewayError> {
        let action = (PublishAction::Online, "republish API");
        self.fetch(&api_action(action, api_id, api, env_id, remark)?)
            .await
    }

    /// Takes an API offline in an environment (API Reference 3.5.4). Retried: taking an API
    /// offline twice leaves it offline.
    pub async fn take_offline(
        &self,
        api_id: &str,
        api: &str,
        env_id: &str,
    ) -> Result<(), GatewayError> {
        let action = (PublishAction::Offline, "take API offline");
        let call = api_action(action, api_id, api, env_id, None)?;
        self.send_removal(&call).await.map(|_| ())
    }

    /// APIs of `group_id` bound to a throttling or access control policy (API Reference 3.8.3,
    /// 3.14.3).
    pub async fn bound_apis(
        &self,
        kind: BindingKind,
        policy_id: &str,
        policy: &str,
        group_id: &str,
    ) -> Result<Vec<BoundApi>, GatewayError> {
        let call = Call::new(
            Method::GET,
            path(&[kind.collection(), "binded-apis"]),
            &format!("list APIs bound to {}", kind.label()),
            policy,
        )
        .query(kind.id_query(), policy_id)
        .query("group_id", group_id);
        self.list(&call, "apis").await
    }

    /// Binds a throttling or access control policy to one publication (API Reference 3.8.1,
    /// 3.14.1). A lost answer is recovered by looking for the binding, so a retry never binds
    /// twice.
    #[allow(clippy::too_many_arguments)]
    pub async fn bind_policy(
        &self,
        kind: BindingKind,
        policy_id: &str,
        label: &str,
        group_id: &str,
        publish_id: &str,
        api_id: &str,
        env_id: &str,
    ) -> Result<(), GatewayError> {
        let body = match kind {
            BindingKind::Throttle => serde_json::to_value(ThrottleApiBindingCreate {
                strategy_id: policy_id.to_owned(),
                publish_ids: vec![publish_id.to_owned()],
            }),
            BindingKind::Acl => serde_json::to_value(AclApiBindingCreate {
                acl_id: Some(policy_id.to_owned()),
                publish_ids: Some(vec![publish_id.to_owned()]),
            }),
        }
        .unwrap_or_default();
        let call = Call::new(
            Method::POST,
            path(&[kind.collection()]),
            &format!("bind {}", kind.label()),
            label,
        )
        .json(&body)?;
        self.create_checked::<serde_json::Value, _, _>(&call, || async {
            let bound = self.bound_apis(kind, policy_id, label, group_id).await?;
            Ok(bound
                .iter()
                .find(|b| {
                    b.api() == Some(api_id)
                        && (b.env() == Some(env_id) || b.publish_id.as_deref() == Some(publish_id))
                })
                .map(|_| serde_json::Value::Null))
        })
        .await
        .map(|_| ())
    }

    /// Removes a throttling or access control binding record (API Reference 3.8.2, 3.14.2).
    pub async fn delete_binding(
        &self,
        kind: BindingKind,
        binding_id: &str,
        label: &str,
    ) -> Result<(), GatewayError> {
        let call = Call::new(
            Method::DELETE,
            path(&[kind.collection(), binding_id]),
            &format!("unbind {}", kind.label()),
            label,
        );
        self.send(&call).await.map(|_| ())
    }

    /// APIs a plug-in is attached to (API Reference 3.27.10).
    pub async fn plugin_attached_apis(
        &self,
        plugin_id: &str,
        plugin: &str,
        group_id: &str,
    ) -> Result<Vec<BoundApi>, GatewayError> {
        let call = Call::new(
            Method::GET,
            path(&[PLUGINS.path, plugin_id, "attached-apis"]),
            "list APIs bound to plug-in",
            plugin,
        )
        .query("group_id", group_id);
        self.list(&call, "apis").await
    }

    /// Attaches a plug-in to APIs in an environment (API Reference 3.27.6).
    pub async fn attach_plugin(
        &self,
        plugin_id: &str,
        label: &str,
        group_id: &str,
        env_id: &str,
        api_ids: &[String],
    ) -> Result<(), GatewayError> {
        let body = PluginOperApiInfo {
            env_id: env_id.to_owned(),
            api_ids: api_ids.to_vec(),
        };
        let call = Call::new(
            Method::POST,
            path(&[PLUGINS.path, plugin_id, "attach"]),
            "bind plug-in",
            label,
        )
        .json(&body)?;
        self.create_checked::<serde_json::Value, _, _>(&call, || async {
            let bound = self
                .plugin_attached_apis(plugin_id, label, group_id)
                .await?;
            let all = api_ids.iter().all(|id| {
                bound
                    .iter()
                    .any(|b| b.api() == Some(id) && b.env() == Some(env_id))
            });
            Ok(all.then_some(serde_json::Value::Null))
        })
        .await
        .map(|_| ())
    }

    /// Detaches a plug-in from APIs in an environment (API Reference 3.27.8).
    pub async fn detach_plugin(
        &self,
        plugin_id: &str,
        label: &str,
        env_id: &str,
        api_ids: &[String],
    ) -> Result<(), GatewayError> {
        let body = PluginOperApiInfo {
            env_id: env_id.to_owned(),
            api_ids: api_ids.to_vec(),
        };
        let call = Call::new(
            Method::PUT,
            path(&[PLUGINS.path, plugin_id, "detach"]),
            "unbind plug-in",
            label,
        )
        .json(&body)?;
        // Retried: detaching a plug-in twice leaves it detached.
        self.send_removal(&call).await.map(|_| ())
    }

    /// Imports an OpenAPI document through the gateway's own converter (API Reference 3.16.2):
    /// multipart form with the fields in the SDK's order and the file last.
    pub async fn import_openapi(
        &self,
        file_name: &str,
        document: &[u8],
        options: &ImportOptions,
    ) -> Result<ImportAnswer, GatewayError> {
        let boundary = format!(
            "apigctl{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..)
        );
        let mut bytes = Vec::new();
        let mut field = |name: &str, value: &str| {
            bytes.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
        };
        field(
            "is_create_group",
            if options.group_id.is_some() {
                "false"
            } else {
                "true"
            },
        );
        if let Some(group_id) = &options.group_id {
            field("group_id", group_id);
        }
        field("extend_mode", &options.extend_mode);
        field("api_mode", &options.api_mode);
        let safe_name: String = file_name
            .chars()
            .filter(|c| *c != '"' && *c != '\r' && *c != '\n')
            .collect();
        bytes.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file_name\"; filename=\"{safe_name}\"\r\n\r\n").as_bytes(),
        );
        bytes.extend_from_slice(document);
        bytes.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut call = Call::new(
            Method::POST,
            path(&["openapi", "import"]),
            "import OpenAPI document",
            file_name,
        );
        call.body = Body::Multipart { boundary, bytes };
        // Not retried: a lost answer cannot be told apart from a partial import; re-running the
        // command with `api_mode=override` is safe instead.
        let answer = self.send_once(&call).await?;
        serde_json::from_slice(&answer.body).map_err(|e| {
            GatewayError::new(
                "import OpenAPI document",
                file_name,
                super::ErrorKind::Decode(e.to_string()),
            )
        })
    }
}

/// An API's publications, `(env_id, publish_id)`, from the `|`-separated `run_env_id` and
/// `publish_id` of its answer (API Reference 3.5.6, Table 3-271).
pub fn publications(api: &ApiCreate) -> Vec<(String, String)> {
    let envs = api.run_env_id.as_deref().unwrap_or("");
    let ids = api.publish_id.as_deref().unwrap_or("");
    envs.split('|')
        .zip(ids.split('|').chain(std::iter::repeat("")))
        .filter(|(env, _)| !env.is_empty())
        .map(|(env, id)| (env.to_owned(), id.to_owned()))
        .collect()
}

/// The call that publishes an API in an environment or takes it offline there (API Reference
/// 3.5.4), `action` with what the call is called in messages.
fn api_action(
    (action, what): (PublishAction, &str),
    api_id: &str,
    api: &str,
    env_id: &str,
    remark: Option<&str>,
) -> Result<Call, GatewayError> {
    let body = ApiActionInfo {
        action,
        env_id: env_id.to_owned(),
        api_id: api_id.to_owned(),
        remark: remark.map(str::to_owned),
    };
    Call::new(Method::POST, path(&[APIS.path, "action"]), what, api).json(&body)
}
