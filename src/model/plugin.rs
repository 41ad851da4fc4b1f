//! Plug-ins (API Reference 3.27.1).

use super::macros::{str_enum, twin};

str_enum! {
    /// Kind of plug-in (API Reference 3.27.1, Table 3-1530 `plugin_type`); an API holds at most
    /// one plug-in of each kind per environment.
    pub enum PluginType {
        /// Cross-origin resource sharing.
        Cors = "cors",
        /// HTTP response header management.
        SetRespHeaders = "set_resp_headers",
        /// Kafka log push.
        KafkaLog = "kafka_log",
        /// Circuit breaker.
        Breaker = "breaker",
        /// Request throttling.
        RateLimit = "rate_limit",
        /// Third-party authentication.
        ThirdAuth = "third_auth",
    }
}

str_enum! {
    /// Visibility of a plug-in (API Reference 3.27.1, Table 3-1530 `plugin_scope`).
    ///
    /// The table lists only `global`, but the section's own examples (Kafka log and circuit
    /// breaker plug-ins, requests and answers, and again in 3.27.2) use `app`, so both are
    /// accepted.
    pub enum PluginScope {
        /// Visible to all gateways.
        Global = "global",
        /// Used by the API Reference's examples; undocumented otherwise.
        App = "app",
    }
}

twin! {
    /// A plug-in (API Reference 3.27.1, Table 3-1530 request body of `POST .../plugins`; Table
    /// 3-1531 for the fields the gateway adds to its answers).
    pub struct PluginCreate;
    /// A plug-in (API Reference 3.27.1, Table 3-1530). REST form: [`PluginCreate`].
    pub struct PluginDef;
    {
        /// Plug-in id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest plugin_id: Option<String>,
        /// Plug-in name: 3 to 255 characters, a letter first, then letters, digits, `_` (answers
        /// also show `-`). Plug-in names are unique on a gateway; definitions refer to plug-ins by
        /// this name.
        plugin_name: String,
        /// Kind of plug-in.
        plugin_type: PluginType,
        /// Visibility.
        plugin_scope: PluginScope,
        /// Configuration: a JSON document in a string, at most 65 535 characters, whose shape
        /// depends on `plugin_type` (`CorsPluginContent`, `RateLimitContent`, ...).
        plugin_content: String,
        /// Description, at most 255 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        remark: Option<String>,
        /// Creation time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest create_time: Option<String>,
        /// Update time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest update_time: Option<String>,
    }
}
