//! Group (gateway) responses: the error answers APIs of a group return (API Reference 3.19.1).

use std::collections::BTreeMap;

use super::macros::{str_enum, twin};

str_enum! {
    /// Error type a group response customises (API Reference 3.19.1, Table 3-1082 keys of
    /// `responses`).
    pub enum ResponseErrorType {
        /// Authentication failed.
        AuthFailure = "AUTH_FAILURE",
        /// The identity source is missing.
        AuthHeaderMissing = "AUTH_HEADER_MISSING",
        /// Custom authentication failed.
        AuthorizerFailure = "AUTHORIZER_FAILURE",
        /// Custom authorizer error.
        AuthorizerConfFailure = "AUTHORIZER_CONF_FAILURE",
        /// The identity source of the custom authorizer is invalid.
        AuthorizerIdentityFailure = "AUTHORIZER_IDENTITY_FAILURE",
        /// The backend is unavailable.
        BackendUnavailable = "BACKEND_UNAVAILABLE",
        /// The backend timed out.
        BackendTimeout = "BACKEND_TIMEOUT",
        /// Rejected by request throttling.
        Throttled = "THROTTLED",
        /// The app is not authorized to call the API.
        Unauthorized = "UNAUTHORIZED",
        /// Access denied.
        AccessDenied = "ACCESS_DENIED",
        /// No API found.
        NotFound = "NOT_FOUND",
        /// Invalid request parameter.
        RequestParametersFailure = "REQUEST_PARAMETERS_FAILURE",
        /// Default 4XX error.
        Default4xx = "DEFAULT_4XX",
        /// Default 5XX error.
        Default5xx = "DEFAULT_5XX",
        /// Third-party authentication failed.
        ThirdAuthFailure = "THIRD_AUTH_FAILURE",
        /// The identity source of the third-party authorizer is invalid.
        ThirdAuthIdentityFailure = "THIRD_AUTH_IDENTITY_FAILURE",
        /// Third-party authorizer configuration error.
        ThirdAuthConfFailure = "THIRD_AUTH_CONF_FAILURE",
        /// No parameters matched the orchestration rule.
        OrchestrationParameterNotFound = "ORCHESTRATION_PARAMETER_NOT_FOUND",
        /// Input parameters cannot match orchestration rules.
        OrchestrationFailure = "ORCHESTRATION_FAILURE",
    }
}

twin! {
    /// A custom response header (API Reference 3.19.1, Table 3-1084 `ResponseInfoHeader`; Table
    /// 3-1087 in answers).
    pub struct ResponseInfoHeader;
    /// A custom response header (API Reference 3.19.1, Table 3-1084). REST form:
    /// [`ResponseInfoHeader`].
    pub struct ResponseInfoHeaderDef;
    {
        /// Header name: 1 to 128 letters, digits, `-`.
        #[serde(skip_serializing_if = "Option::is_none")]
        key: Option<String>,
        /// Header value: 1 to 1024 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    }
}

twin! {
    /// The answer for one error type (API Reference 3.19.1, Table 3-1083 `ResponseInfo`; Table
    /// 3-1086 `ResponseInfoResp` in answers).
    pub struct ResponseInfo;
    /// The answer for one error type (API Reference 3.19.1, Table 3-1083). REST form:
    /// [`ResponseInfo`].
    pub struct ResponseInfoDef;
    {
        /// HTTP status, 200 to 599 except 444.
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<i64>,
        /// Body template; may use `$context.*` variables.
        #[serde(skip_serializing_if = "Option::is_none")]
        body: Option<String>,
        /// Custom headers, at most 10.
        #[serde(skip_serializing_if = "Option::is_none")]
        headers: Option<Vec<ResponseInfoHeader>> => Option<Vec<ResponseInfoHeaderDef>>,
        /// Whether this is the built-in answer (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest default: Option<bool>,
    }
}

twin! {
    /// A group response (API Reference 3.19.1, Table 3-1082 request body of `POST
    /// .../api-groups/{group_id}/gateway-responses`; Table 3-1085 for the fields the gateway adds
    /// to its answers).
    pub struct GroupResponseCreate;
    /// A group response (API Reference 3.19.1, Table 3-1082). REST form: [`GroupResponseCreate`].
    pub struct GroupResponseDef;
    {
        /// Response id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
        /// Response name: 1 to 64 letters, digits, `-`, `_`. APIs refer to it by this name
        /// (`response_name`).
        name: String,
        /// Answers by error type; the map is ordered by error type so output is stable.
        #[serde(skip_serializing_if = "Option::is_none")]
        responses: Option<BTreeMap<ResponseErrorType, ResponseInfo>>
            => Option<BTreeMap<ResponseErrorType, ResponseInfoDef>>,
        /// Whether this is the group's default response (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest default: Option<bool>,
        /// Creation time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest create_time: Option<String>,
        /// Update time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest update_time: Option<String>,
    }
}
