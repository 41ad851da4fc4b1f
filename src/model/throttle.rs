//! Request throttling policies and their excluded configurations (API Reference 3.4.1, 3.9.1).

use super::api::YesNo;
use super::macros::{int_enum, str_enum, twin};

str_enum! {
    /// Unit of a throttling period (API Reference 3.4.1, Table 3-128 `time_unit`).
    pub enum TimeUnit {
        /// Seconds.
        Second = "SECOND",
        /// Minutes.
        Minute = "MINUTE",
        /// Hours.
        Hour = "HOUR",
        /// Days.
        Day = "DAY",
    }
}

int_enum! {
    /// Whether limits count per API or across all bound APIs (API Reference 3.4.1, Table 3-128
    /// `type`).
    pub enum ThrottleType {
        /// `1`: API-based; each bound API has its own budget.
        ApiBased = 1,
        /// `2`: API-shared; all bound APIs share one budget.
        ApiShared = 2,
    }
}

str_enum! {
    /// Dynamic throttling switch (API Reference 3.4.1, Table 3-128 `enable_adaptive_control`,
    /// "not supported currently"). A string in the API, hence not a `bool`.
    pub enum AdaptiveControl {
        /// Enabled.
        True = "TRUE",
        /// Disabled.
        False = "FALSE",
    }
}

str_enum! {
    /// Kind of object an excluded throttling configuration applies to (API Reference 3.9.1, Table
    /// 3-505 `object_type`).
    pub enum SpecialObjectType {
        /// An app (credential).
        App = "APP",
        /// A tenant (account).
        User = "USER",
    }
}

twin! {
    /// A request throttling policy (API Reference 3.4.1, Table 3-128 request body of `POST
    /// .../throttles`; Table 3-129 for the fields the gateway adds to its answers).
    ///
    /// Table 3-129 names the answer field `is_included_special_throttle`, but every example answer
    /// (3.4.1 to 3.4.5, 3.8.5) spells it `is_inclu_special_throttle`; the example spelling is
    /// written and both are read.
    pub struct ThrottleBaseInfo;
    /// A request throttling policy (API Reference 3.4.1, Table 3-128) with its excluded
    /// configurations. REST form: [`ThrottleBaseInfo`].
    pub struct ThrottleDef;
    {
        /// Policy id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
        /// Policy name: 3 to 64 characters, a letter first, then letters, digits, `_`.
        /// Definitions refer to policies by this name.
        name: String,
        /// Per-API or shared budget.
        #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
        throttle_type: Option<ThrottleType>,
        /// Maximum calls of an API per period, 1 to 2 147 483 647.
        api_call_limits: i64,
        /// Maximum calls per user per period; at most `api_call_limits`.
        #[serde(skip_serializing_if = "Option::is_none")]
        user_call_limits: Option<i64>,
        /// Maximum calls per app per period; at most `user_call_limits`.
        #[serde(skip_serializing_if = "Option::is_none")]
        app_call_limits: Option<i64>,
        /// Maximum calls per IP address per period; at most `api_call_limits`.
        #[serde(skip_serializing_if = "Option::is_none")]
        ip_call_limits: Option<i64>,
        /// Length of the period, in `time_unit`s.
        time_interval: i64,
        /// Unit of the period.
        time_unit: TimeUnit,
        /// Dynamic throttling; not supported yet.
        #[serde(skip_serializing_if = "Option::is_none")]
        enable_adaptive_control: Option<AdaptiveControl>,
        /// Description, at most 255 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        remark: Option<String>,
        /// Number of APIs bound to the policy (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest bind_num: Option<i64>,
        /// Whether excluded configurations exist (answers only).
        #[serde(
            alias = "is_included_special_throttle",
            skip_serializing_if = "Option::is_none"
        )]
        rest is_inclu_special_throttle: Option<YesNo>,
        /// Creation time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest create_time: Option<String>,
        /// Excluded configurations: per-app or per-tenant limits (API Reference 3.9.1).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        def special: Vec<ThrottleSpecialDef>,
    }
}

twin! {
    /// An excluded request throttling configuration (API Reference 3.9.1, Table 3-505 request body
    /// of `POST .../throttles/{throttle_id}/throttle-specials`; Table 3-506 for the fields the
    /// gateway adds to its answers).
    pub struct ThrottleSpecialCreate;
    /// An excluded throttling configuration (API Reference 3.9.1, Table 3-505), with its app or tenant
    /// named. REST form: [`ThrottleSpecialCreate`].
    pub struct ThrottleSpecialDef;
    {
        /// Configuration id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
        /// App or tenant.
        object_type: SpecialObjectType,
        /// Gateway id of the app, or the account id of the tenant.
        rest object_id: String,
        /// Name of the app or tenant (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest object_name: Option<String>,
        /// Name of the app or tenant (`object_id` in the REST body). For `USER` the sync has to
        /// map an account name to an account id, which the gateway API itself cannot do.
        def object_name: String,
        /// Maximum calls of the object per period.
        call_limits: i64,
        /// App name (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest app_name: Option<String>,
        /// App id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest app_id: Option<String>,
        /// Id of the throttling policy (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest throttle_id: Option<String>,
        /// When the configuration was applied (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest apply_time: Option<String>,
    }
}
