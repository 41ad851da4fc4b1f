//! Publishing APIs and binding policies to published APIs (API Reference 3.5.4, 3.8.1, 3.14.1,
//! 3.27.6).
//!
//! These REST bodies are requests and receipts rather than objects: a binding is created by id
//! and has no state a definition needs beyond "this policy on these APIs in that environment".
//! They therefore have no `*Def` twins; the definition's own binding entries are in
//! [`definition`](super::definition).

use serde::{Deserialize, Serialize};

use super::macros::{int_enum, str_enum};

str_enum! {
    /// Whether to publish an API or take it offline (API Reference 3.5.4, Table 3-240 `action`).
    pub enum PublishAction {
        /// Publish.
        Online = "online",
        /// Take offline.
        Offline = "offline",
    }
}

int_enum! {
    /// What a throttling binding limits (API Reference 3.8.1, Table 3-451 `scope`; only `1` is
    /// supported). Only found in answers.
    pub enum ThrottleBindingScope {
        /// `1`: the API.
        Api = 1,
        /// `2`: a user.
        User = 2,
        /// `3`: an app.
        App = 3,
    }
}

/// Publishes an API in an environment or takes it offline (API Reference 3.5.4, Table 3-240
/// request body of `POST .../apis/action`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiActionInfo {
    /// Publish or take offline.
    pub action: PublishAction,
    /// Gateway id of the environment.
    pub env_id: String,
    /// Gateway id of the API.
    pub api_id: String,
    /// Description of the publication, at most 255 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
}

/// Receipt of [`ApiActionInfo`] (API Reference 3.5.4, Table 3-241 response body).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiActionResult {
    /// Publication record id; throttling and ACL bindings refer to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_id: Option<String>,
    /// API id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_id: Option<String>,
    /// API name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_name: Option<String>,
    /// Environment id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env_id: Option<String>,
    /// Description of the publication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// Publication time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_time: Option<String>,
    /// API version now in use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

/// Binds a throttling policy to published APIs (API Reference 3.8.1, Table 3-449 request body of
/// `POST .../throttle-bindings`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThrottleApiBindingCreate {
    /// Gateway id of the throttling policy.
    pub strategy_id: String,
    /// Publication record ids of the APIs (one per API and environment).
    pub publish_ids: Vec<String>,
}

/// One throttling binding record (API Reference 3.8.1, Table 3-451 `ThrottleApiBinding`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThrottleApiBinding {
    /// Binding record id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Publication record id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_id: Option<String>,
    /// What is limited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<ThrottleBindingScope>,
    /// Gateway id of the throttling policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strategy_id: Option<String>,
    /// Binding time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apply_time: Option<String>,
}

/// Receipt of [`ThrottleApiBindingCreate`] (API Reference 3.8.1, Table 3-450 response body).
///
/// The table's field name is cut (`throttle_appl s`) and the example answer says
/// `throttle_applies`; the official SDK reads `throttle_applys`
/// (`shared/reference/gateway-rest-api.md`). `throttle_applys` is written and both are read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThrottleBindingResult {
    /// The binding records.
    #[serde(alias = "throttle_applies")]
    pub throttle_applys: Vec<ThrottleApiBinding>,
}

/// Binds an access control policy to published APIs (API Reference 3.14.1, Table 3-723 request
/// body of `POST .../acl-bindings`). Both fields are optional in the table, and kept so.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AclApiBindingCreate {
    /// Gateway id of the access control policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acl_id: Option<String>,
    /// Publication record ids of the APIs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_ids: Option<Vec<String>>,
}

/// One access control binding record (API Reference 3.14.1, Table 3-725 `AclApiBindingInfo`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AclApiBindingInfo {
    /// Binding record id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// API id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_id: Option<String>,
    /// Environment id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env_id: Option<String>,
    /// Gateway id of the access control policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acl_id: Option<String>,
    /// Binding time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
}

/// Receipt of [`AclApiBindingCreate`] (API Reference 3.14.1, Table 3-724 response body).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AclBindingResult {
    /// The binding records.
    pub acl_bindings: Vec<AclApiBindingInfo>,
}

/// Binds a plug-in to APIs in an environment (API Reference 3.27.6, Table 3-1573 request body of
/// `POST .../plugins/{plugin_id}/attach`). Unlike throttling and ACL bindings, plug-ins bind by
/// API and environment id rather than by publication record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PluginOperApiInfo {
    /// Gateway id of the environment.
    pub env_id: String,
    /// Gateway ids of the APIs, 1 to 500.
    pub api_ids: Vec<String>,
}

/// One plug-in binding record (API Reference 3.27.6, Table 3-1575 `PluginApiAttachInfo`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PluginApiAttachInfo {
    /// Binding record id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugin_attach_id: Option<String>,
    /// Plug-in id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugin_id: Option<String>,
    /// Plug-in name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugin_name: Option<String>,
    /// Plug-in type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugin_type: Option<super::plugin::PluginType>,
    /// Plug-in visibility.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugin_scope: Option<super::plugin::PluginScope>,
    /// Environment id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env_id: Option<String>,
    /// Environment name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env_name: Option<String>,
    /// API id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_id: Option<String>,
    /// API name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_name: Option<String>,
    /// Binding time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attached_time: Option<String>,
}

/// Receipt of [`PluginOperApiInfo`] (API Reference 3.27.6, Table 3-1574 response body).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PluginAttachResult {
    /// The binding records.
    pub attached_plugins: Vec<PluginApiAttachInfo>,
}
