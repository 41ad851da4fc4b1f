//! API groups (API Reference 3.1.1).
//!
//! A definition describes exactly one group; everything else in it belongs to that group, which
//! is why definition objects carry no `group_id`.

use serde::{Deserialize, Serialize};

use super::macros::{int_enum, str_enum, twin};

int_enum! {
    /// Whether a group is listed on KooGallery (API Reference 3.1.1, Table 3-4 and 3.5.1, Table
    /// 3-182 `on_sell_status`; "not supported currently"). Only found in answers.
    pub enum OnSellStatus {
        /// `1`: listed.
        Listed = 1,
        /// `2`: not listed.
        NotListed = 2,
        /// `3`: under review.
        UnderReview = 3,
    }
}

int_enum! {
    /// CNAME resolution status of an independent domain (API Reference 3.1.1, Table 3-5 and 3.5.1,
    /// Table 3-183 `cname_status`). Only found in answers.
    pub enum CnameStatus {
        /// `1`: not resolved.
        NotResolved = 1,
        /// `2`: resolving.
        Resolving = 2,
        /// `3`: resolved.
        Resolved = 3,
        /// `4`: resolution failed.
        Failed = 4,
    }
}

str_enum! {
    /// Minimum TLS version of an independent domain (API Reference 3.1.1, Table 3-5 and 3.5.1,
    /// Table 3-183 `min_ssl_version`).
    pub enum MinSslVersion {
        /// TLS 1.1 (the default).
        Tls11 = "TLSv1.1",
        /// TLS 1.2.
        Tls12 = "TLSv1.2",
    }
}

twin! {
    /// An API group (API Reference 3.1.1, Table 3-3 request body of `POST .../api-groups`; Table
    /// 3-4 for the fields the gateway adds to its answers).
    pub struct ApiGroupCreate;
    /// The API group (API Reference 3.1.1, Table 3-3). `roma_app_id` (integration applications, "not
    /// supported" by the API Reference) has no definition counterpart. REST form: [`ApiGroupCreate`].
    pub struct ApiGroupDef;
    {
        /// Group id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
        /// Group name: 3 to 255 characters, a letter or digit first, then letters, digits and
        /// `-_./():`.
        name: String,
        /// Description, at most 1000 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        remark: Option<String>,
        /// Integration application id; required for `V2` groups, not supported yet.
        #[serde(skip_serializing_if = "Option::is_none")]
        rest roma_app_id: Option<String>,
        /// Group version, `V1` (global, the default) or `V2` (application-level); not supported
        /// yet. A free string: the API Reference gives no enumeration for it.
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<String>,
        /// Group status, `1` = valid (answers only; an integer, see
        /// [`ApiMockCreate::status`](super::api::ApiMockCreate::status)).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest status: Option<i64>,
        /// Subdomain allocated by the gateway (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest sl_domain: Option<String>,
        /// Creation time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest register_time: Option<String>,
        /// Last modification time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest update_time: Option<String>,
        /// KooGallery listing status (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest on_sell_status: Option<OnSellStatus>,
        /// Independent domains bound to the group (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest url_domains: Option<Vec<UrlDomain>>,
        /// Whether the debugging domain is reachable (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest sl_domain_access_enabled: Option<bool>,
        /// Subdomains allocated by the gateway (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest sl_domains: Option<Vec<String>>,
        /// Group-wide call limit; not supported yet (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest call_limits: Option<i64>,
        /// Period of `call_limits`; not supported yet (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest time_interval: Option<i64>,
        /// Unit of `time_interval`; not supported yet (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest time_unit: Option<String>,
        /// Whether this is the default group (answers only; values undocumented).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest is_default: Option<i64>,
        /// Integration application name; not supported yet (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest roma_app_name: Option<String>,
    }
}

/// An independent domain bound to a group (API Reference 3.1.1, Table 3-5 and 3.5.1, Table 3-183
/// `UrlDomain`). Only found in answers, so it has no definition form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UrlDomain {
    /// Domain id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Domain name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// CNAME resolution status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cname_status: Option<CnameStatus>,
    /// SSL certificate id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_id: Option<String>,
    /// SSL certificate name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl_name: Option<String>,
    /// Minimum TLS version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_ssl_version: Option<MinSslVersion>,
    /// Whether client certificates are verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified_client_certificate_enabled: Option<bool>,
    /// Whether the bound certificate has a trusted root CA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_has_trusted_root_ca: Option<bool>,
}

/// The group an API belongs to, as embedded in API answers (API Reference 3.5.1, Table 3-182
/// `ApiGroupCommonInfo`). Only found in answers, so it has no definition form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiGroupCommonInfo {
    /// Group id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Group name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Status, `1` = valid (an integer, see
    /// [`ApiMockCreate::status`](super::api::ApiMockCreate::status)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// Subdomain allocated by the gateway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sl_domain: Option<String>,
    /// Creation time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub register_time: Option<String>,
    /// Last modification time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_time: Option<String>,
    /// KooGallery listing status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_sell_status: Option<OnSellStatus>,
    /// Independent domains bound to the group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url_domains: Option<Vec<UrlDomain>>,
    /// Whether the debugging domain is reachable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sl_domain_access_enabled: Option<bool>,
}
