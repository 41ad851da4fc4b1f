//! Custom authorizers (API Reference 3.15.1).

use super::api::{NetworkType, ParamLocation};
use super::macros::{str_enum, twin};

str_enum! {
    /// Whether a custom authorizer guards the frontend or signs for the backend (API Reference
    /// 3.15.1, Table 3-781 `type`; cannot be changed after creation).
    pub enum AuthorizerKind {
        /// Frontend authorizer, used by APIs with `auth_type: AUTHORIZER`.
        Frontend = "FRONTEND",
        /// Backend authorizer, used by backends and backend policies.
        Backend = "BACKEND",
    }
}

str_enum! {
    /// Implementation of a custom authorizer (API Reference 3.15.1, Table 3-781
    /// `authorizer_type`).
    pub enum AuthorizerType {
        /// A FunctionGraph function.
        Func = "FUNC",
    }
}

str_enum! {
    /// Where an identity source is read (API Reference 3.15.1, Table 3-782 `location`).
    pub enum IdentityLocation {
        /// A header.
        Header = "HEADER",
        /// A query parameter.
        Query = "QUERY",
    }
}

twin! {
    /// An identity source of a custom authorizer (API Reference 3.15.1, Table 3-782 `Identity`;
    /// Table 3-784 in answers).
    pub struct Identity;
    /// Identity source of a custom authorizer (API Reference 3.15.1, Table 3-782). REST form:
    /// [`Identity`].
    pub struct IdentityDef;
    {
        /// Parameter name.
        name: String,
        /// Parameter location.
        location: IdentityLocation,
        /// Verification expression; absent means no check.
        #[serde(skip_serializing_if = "Option::is_none")]
        validation: Option<String>,
    }
}

twin! {
    /// A custom authorizer (API Reference 3.15.1, Table 3-781 request body of `POST
    /// .../authorizers`; Table 3-783 for the fields the gateway adds to its answers).
    ///
    /// Table 3-783 lists the cache age of answers as `ttn`; the example answer and the request
    /// use `ttl`, which is what is read and written.
    pub struct AuthorizerCreate;
    /// A custom authorizer (API Reference 3.15.1, Table 3-781). `ld_api_id` (custom backends, "not
    /// supported" by the API Reference) has no definition counterpart. REST form:
    /// [`AuthorizerCreate`].
    pub struct AuthorizerDef;
    {
        /// Authorizer id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
        /// Authorizer name: 3 to 64 characters, a letter first, then letters, digits, `_`.
        /// Definitions refer to authorizers by this name.
        name: String,
        /// Frontend or backend.
        #[serde(rename = "type")]
        authorizer_kind: AuthorizerKind,
        /// Implementation; always `FUNC`.
        authorizer_type: AuthorizerType,
        /// Function URN.
        authorizer_uri: String,
        /// Function network architecture. Default `V1`.
        #[serde(skip_serializing_if = "Option::is_none")]
        network_type: Option<NetworkType>,
        /// Function version, at most 64 characters; ignored when an alias is given.
        #[serde(skip_serializing_if = "Option::is_none")]
        authorizer_version: Option<String>,
        /// Function alias URN; wins over `authorizer_version`.
        #[serde(skip_serializing_if = "Option::is_none")]
        authorizer_alias_uri: Option<String>,
        /// Identity sources.
        #[serde(skip_serializing_if = "Option::is_none")]
        identities: Option<Vec<Identity>> => Option<Vec<IdentityDef>>,
        /// Maximum cache age.
        #[serde(skip_serializing_if = "Option::is_none")]
        ttl: Option<i64>,
        /// User data passed to the function.
        #[serde(skip_serializing_if = "Option::is_none")]
        user_data: Option<String>,
        /// Custom backend id; not supported by the gateway yet.
        #[serde(skip_serializing_if = "Option::is_none")]
        rest ld_api_id: Option<String>,
        /// Whether the request body is sent to the function.
        #[serde(skip_serializing_if = "Option::is_none")]
        need_body: Option<bool>,
        /// Creation time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest create_time: Option<String>,
        /// Integration application id; not supported yet (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest roma_app_id: Option<String>,
        /// Integration application name; not supported yet (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest roma_app_name: Option<String>,
    }
}

/// Identity locations are a subset of parameter locations; this converts for lint rules that
/// compare an authorizer's identities with an API's request parameters.
impl From<IdentityLocation> for ParamLocation {
    fn from(location: IdentityLocation) -> ParamLocation {
        match location {
            IdentityLocation::Header => ParamLocation::Header,
            IdentityLocation::Query => ParamLocation::Query,
        }
    }
}
