//! APIs: the frontend definition, its backends and backend policies (API Reference 3.5.1).
//!
//! REST types carry the names of the API Reference's request tables (`ApiCreate`,
//! `BackendApiCreate`, ...) plus, as `Option`s, the fields the gateway adds to its answers
//! (Tables 3-179 to 3-192), so one type both builds a request and reads a response. Each has a
//! `*Def` twin for the definition file, in which gateway ids are replaced by object names.

use super::group::ApiGroupCommonInfo;
use super::macros::{int_enum, str_enum, twin};

int_enum! {
    /// Whether an API may be listed publicly (API Reference 3.5.1, Table 3-167 `type`).
    pub enum ApiType {
        /// `1`: public API.
        Public = 1,
        /// `2`: private API.
        Private = 2,
    }
}

int_enum! {
    /// A yes/no switch the API Reference encodes as `1`/`2`: `required`, `valid_enable` and
    /// `pass_through` of a request parameter (API Reference 3.5.1, Table 3-171), and
    /// `is_inclu_special_throttle` of a throttling policy (3.4.1, Table 3-129).
    pub enum YesNo {
        /// `1`: yes / enabled.
        Yes = 1,
        /// `2`: no / disabled.
        No = 2,
    }
}

int_enum! {
    /// Whether a web backend is reached through a VPC channel (API Reference 3.5.1, Tables 3-174
    /// and 3-175 `vpc_channel_status`).
    pub enum VpcChannelStatus {
        /// `1`: a VPC channel is used; `vpc_channel_info` is then required.
        Used = 1,
        /// `2`: no VPC channel is used; the backend is `url_domain`.
        Unused = 2,
    }
}

str_enum! {
    /// Frontend request protocol of an API (API Reference 3.5.1, Table 3-167 `req_protocol`).
    pub enum ReqProtocol {
        /// Plain HTTP.
        Http = "HTTP",
        /// HTTPS (the default).
        Https = "HTTPS",
        /// Both HTTP and HTTPS.
        Both = "BOTH",
        /// gRPC over TLS.
        Grpcs = "GRPCS",
    }
}

str_enum! {
    /// HTTP method of an API or of a web backend (API Reference 3.5.1, Tables 3-167, 3-174 and
    /// 3-175 `req_method`).
    pub enum ReqMethod {
        /// GET.
        Get = "GET",
        /// POST (fixed for gRPC).
        Post = "POST",
        /// PUT.
        Put = "PUT",
        /// DELETE.
        Delete = "DELETE",
        /// HEAD.
        Head = "HEAD",
        /// PATCH.
        Patch = "PATCH",
        /// OPTIONS.
        Options = "OPTIONS",
        /// Any method.
        Any = "ANY",
    }
}

str_enum! {
    /// Authentication mode of an API (API Reference 3.5.1, Table 3-167 `auth_type`).
    pub enum AuthType {
        /// No authentication.
        None = "NONE",
        /// App authentication (signature or AppCode).
        App = "APP",
        /// IAM authentication.
        Iam = "IAM",
        /// Custom authentication; the API then needs an authorizer.
        Authorizer = "AUTHORIZER",
    }
}

str_enum! {
    /// Whether AppCode (simple) authentication is enabled (API Reference 3.5.1, Table 3-168
    /// `app_code_auth_type`).
    pub enum AppCodeAuthType {
        /// AppCode authentication disabled (the default).
        Disable = "DISABLE",
        /// AppCode accepted in a header.
        Header = "HEADER",
    }
}

str_enum! {
    /// Path matching mode of an API (API Reference 3.5.1, Table 3-167 `match_mode`).
    pub enum MatchMode {
        /// Prefix match.
        Swa = "SWA",
        /// Exact match (the default).
        Normal = "NORMAL",
    }
}

str_enum! {
    /// Kind of the default backend (API Reference 3.5.1, Table 3-167 `backend_type`).
    pub enum BackendType {
        /// Web backend (`backend_api`).
        Http = "HTTP",
        /// FunctionGraph backend (`func_info`).
        Function = "FUNCTION",
        /// Mock backend (`mock_info`).
        Mock = "MOCK",
        /// gRPC backend (`backend_api` with `req_protocol: GRPCS`).
        Grpc = "GRPC",
    }
}

str_enum! {
    /// Request content type (API Reference 3.5.1, Table 3-167 `content_type`, "coming soon").
    pub enum ContentType {
        /// `application/json`.
        Json = "application/json",
        /// `application/xml`.
        Xml = "application/xml",
        /// `multipart/form-data`.
        FormData = "multipart/form-data",
        /// `text/plain`.
        Text = "text/plain",
    }
}

str_enum! {
    /// How FunctionGraph is invoked (API Reference 3.5.1, Tables 3-170 and 3-173
    /// `invocation_type`).
    pub enum InvocationType {
        /// Asynchronous.
        Async = "async",
        /// Synchronous.
        Sync = "sync",
    }
}

str_enum! {
    /// Function network architecture (API Reference 3.5.1, Tables 3-170 and 3-173, and 3.15.1,
    /// Table 3-781 `network_type`).
    pub enum NetworkType {
        /// Non-VPC; timeouts up to 60 000 ms.
        V1 = "V1",
        /// VPC; timeouts up to 600 000 ms.
        V2 = "V2",
    }
}

str_enum! {
    /// Protocol APIG uses to call a function (API Reference 3.5.1, Tables 3-170 and 3-173
    /// `req_protocol`).
    pub enum FunctionReqProtocol {
        /// HTTPS (the default).
        Https = "HTTPS",
        /// gRPC over TLS, only for GRPCS frontends.
        Grpcs = "GRPCS",
    }
}

str_enum! {
    /// Protocol APIG uses to call a web backend (API Reference 3.5.1, Tables 3-174 and 3-175
    /// `req_protocol`).
    pub enum BackendReqProtocol {
        /// HTTP.
        Http = "HTTP",
        /// HTTPS.
        Https = "HTTPS",
        /// gRPC over TLS, for gRPC backends.
        Grpcs = "GRPCS",
    }
}

str_enum! {
    /// Type of a frontend request parameter (API Reference 3.5.1, Table 3-171 `type`).
    pub enum ParamType {
        /// A string; `min_size`/`max_size` apply.
        String = "STRING",
        /// A number; `min_num`/`max_num` apply.
        Number = "NUMBER",
    }
}

str_enum! {
    /// Where a request or backend parameter travels (API Reference 3.5.1, Tables 3-171 and 3-176
    /// `location`).
    pub enum ParamLocation {
        /// In the path.
        Path = "PATH",
        /// In the query string.
        Query = "QUERY",
        /// In a header.
        Header = "HEADER",
    }
}

str_enum! {
    /// Where a backend parameter's value comes from (API Reference 3.5.1, Table 3-176 `origin`).
    pub enum BackendParamOrigin {
        /// A frontend request parameter, named by `value`.
        Request = "REQUEST",
        /// The constant `value`.
        Constant = "CONSTANT",
        /// A system parameter such as `$context.sourceIp`, named by `value`.
        System = "SYSTEM",
    }
}

str_enum! {
    /// How a backend policy combines its conditions (API Reference 3.5.1, Tables 3-172, 3-173 and
    /// 3-175 `effect_mode`).
    pub enum EffectMode {
        /// All conditions must match.
        All = "ALL",
        /// Any condition may match.
        Any = "ANY",
    }
}

str_enum! {
    /// Built-in gateway parameter a `system` policy condition tests (API Reference 3.5.1,
    /// Table 3-177 `sys_param_name`). The discarded spellings `reqPath` and `reqMethod` are still
    /// listed by the API Reference, so they are accepted and kept as written.
    pub enum SysParamName {
        /// `req_path`: the request path.
        ReqPath = "req_path",
        /// `req_method`: the request method.
        ReqMethod = "req_method",
        /// `reqPath`: the request path (discarded spelling).
        LegacyReqPath = "reqPath",
        /// `reqMethod`: the request method (discarded spelling).
        LegacyReqMethod = "reqMethod",
    }
}

str_enum! {
    /// How a policy condition compares (API Reference 3.5.1, Table 3-177 `condition_type`).
    pub enum ConditionType {
        /// Exact match.
        Exact = "exact",
        /// Enumeration (comma-separated values).
        Enum = "enum",
        /// Regular expression.
        Pattern = "pattern",
    }
}

str_enum! {
    /// What a policy condition tests (API Reference 3.5.1, Table 3-177 `condition_origin`).
    pub enum ConditionOrigin {
        /// A frontend request parameter (`req_param_name`).
        Param = "param",
        /// The source IP address.
        Source = "source",
        /// A built-in gateway parameter (`sys_param_name`).
        System = "system",
        /// A cookie (`cookie_param_name`).
        Cookie = "cookie",
        /// A frontend custom authorizer result (`frontend_authorizer_param_name`).
        FrontendAuthorizer = "frontend_authorizer",
    }
}

twin! {
    /// Security options of an API (API Reference 3.5.1, Table 3-168 `AuthOpt`; Table 3-180 in
    /// answers).
    pub struct AuthOpt;
    /// Security options of an API (API Reference 3.5.1, Table 3-168). REST form: [`AuthOpt`].
    pub struct AuthOptDef;
    {
        /// AppCode authentication; only honoured when `auth_type` is `APP`. Default `DISABLE`.
        #[serde(skip_serializing_if = "Option::is_none")]
        app_code_auth_type: Option<AppCodeAuthType>,
    }
}

twin! {
    /// Mock backend (API Reference 3.5.1, Table 3-169 `ApiMockCreate`; Table 3-185 `ApiMock` in
    /// answers).
    pub struct ApiMockCreate;
    /// Mock backend of an API (API Reference 3.5.1, Table 3-169), with its backend authorizer named.
    /// REST form: [`ApiMockCreate`].
    pub struct ApiMockDef;
    {
        /// Description, at most 255 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        remark: Option<String>,
        /// The response the mock returns.
        #[serde(skip_serializing_if = "Option::is_none")]
        result_content: Option<String>,
        /// Version, at most 64 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<String>,
        /// Gateway id of the backend custom authorizer.
        #[serde(skip_serializing_if = "Option::is_none")]
        rest authorizer_id: Option<String>,
        /// Name of the backend custom authorizer (`authorizer_id` in the REST body).
        #[serde(skip_serializing_if = "Option::is_none")]
        def authorizer_name: Option<String>,
        /// Backend id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
        /// Registration time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest register_time: Option<String>,
        /// Backend status, `1` = valid (answers only). Kept as an integer: the API Reference
        /// documents only `1` and an answer must not fail to parse on another status.
        #[serde(skip_serializing_if = "Option::is_none")]
        rest status: Option<i64>,
        /// Update time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest update_time: Option<String>,
    }
}

twin! {
    /// FunctionGraph backend (API Reference 3.5.1, Table 3-170 `ApiFuncCreate`; Table 3-184
    /// `ApiFunc` in answers).
    pub struct ApiFuncCreate;
    /// FunctionGraph backend of an API (API Reference 3.5.1, Table 3-170), with its backend
    /// authorizer named. REST form: [`ApiFuncCreate`].
    pub struct ApiFuncDef;
    {
        /// Function URN.
        function_urn: String,
        /// Description, at most 255 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        remark: Option<String>,
        /// Invocation mode.
        invocation_type: InvocationType,
        /// Function network architecture.
        network_type: NetworkType,
        /// Function version, at most 64 characters; ignored when `alias_urn` is set.
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<String>,
        /// Function alias URN; wins over `version`.
        #[serde(skip_serializing_if = "Option::is_none")]
        alias_urn: Option<String>,
        /// Backend timeout in ms, at least 1 (at most 60 000 for `V1`, 600 000 for `V2`).
        timeout: i64,
        /// Gateway id of the backend custom authorizer.
        #[serde(skip_serializing_if = "Option::is_none")]
        rest authorizer_id: Option<String>,
        /// Name of the backend custom authorizer (`authorizer_id` in the REST body).
        #[serde(skip_serializing_if = "Option::is_none")]
        def authorizer_name: Option<String>,
        /// Protocol used to call the function. Default `HTTPS`.
        #[serde(skip_serializing_if = "Option::is_none")]
        req_protocol: Option<FunctionReqProtocol>,
        /// Backend id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
        /// Registration time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest register_time: Option<String>,
        /// Backend status, `1` = valid (answers only; an integer, see [`ApiMockCreate::status`]).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest status: Option<i64>,
        /// Update time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest update_time: Option<String>,
    }
}

twin! {
    /// Frontend request parameter (API Reference 3.5.1, Table 3-171 `ReqParamBase`; Table 3-186
    /// `ReqParam` in answers).
    pub struct ReqParamBase;
    /// Frontend request parameter of an API (API Reference 3.5.1, Table 3-171). REST form:
    /// [`ReqParamBase`].
    pub struct ReqParamDef;
    {
        /// Parameter name: 1 to 32 characters, a letter first, then letters, digits, `-`, `_`, `.`.
        name: String,
        /// Parameter type.
        #[serde(rename = "type")]
        param_type: ParamType,
        /// Parameter location.
        location: ParamLocation,
        /// Default value.
        #[serde(skip_serializing_if = "Option::is_none")]
        default_value: Option<String>,
        /// Example value.
        #[serde(skip_serializing_if = "Option::is_none")]
        sample_value: Option<String>,
        /// Whether the parameter is required: `1` for `PATH`, `2` otherwise by default.
        #[serde(skip_serializing_if = "Option::is_none")]
        required: Option<YesNo>,
        /// Whether the value is checked. Default `2`.
        #[serde(skip_serializing_if = "Option::is_none")]
        valid_enable: Option<YesNo>,
        /// Description, at most 255 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        remark: Option<String>,
        /// Enumerated values.
        #[serde(skip_serializing_if = "Option::is_none")]
        enumerations: Option<String>,
        /// Minimum value, for `NUMBER`.
        #[serde(skip_serializing_if = "Option::is_none")]
        min_num: Option<i64>,
        /// Maximum value, for `NUMBER`.
        #[serde(skip_serializing_if = "Option::is_none")]
        max_num: Option<i64>,
        /// Minimum length, for `STRING`.
        #[serde(skip_serializing_if = "Option::is_none")]
        min_size: Option<i64>,
        /// Maximum length, for `STRING`.
        #[serde(skip_serializing_if = "Option::is_none")]
        max_size: Option<i64>,
        /// Regular expression check; not supported by the gateway yet.
        #[serde(skip_serializing_if = "Option::is_none")]
        regular: Option<String>,
        /// JSON schema check; not supported by the gateway yet.
        #[serde(skip_serializing_if = "Option::is_none")]
        json_schema: Option<String>,
        /// Whether the parameter is passed through to the backend.
        #[serde(skip_serializing_if = "Option::is_none")]
        pass_through: Option<YesNo>,
        /// Parameter id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
    }
}

twin! {
    /// Backend request parameter (API Reference 3.5.1, Table 3-176 `BackendParamBase`; Table
    /// 3-190 `BackendParam` in answers).
    pub struct BackendParamBase;
    /// Backend request parameter (API Reference 3.5.1, Table 3-176). REST form: [`BackendParamBase`].
    pub struct BackendParamDef;
    {
        /// Where the value comes from.
        origin: BackendParamOrigin,
        /// Parameter name: 1 to 32 characters, a letter first, then letters, digits, `-`, `_`, `.`.
        name: String,
        /// Description, at most 255 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        remark: Option<String>,
        /// Parameter location.
        location: ParamLocation,
        /// The request parameter name (`REQUEST`), the constant (`CONSTANT`) or the system
        /// parameter (`SYSTEM`); at most 255 characters.
        value: String,
        /// Parameter id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
        /// Id of the request parameter a `REQUEST` value maps (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest req_param_id: Option<String>,
    }
}

twin! {
    /// Condition of a backend policy (API Reference 3.5.1, Table 3-177 `ApiConditionBase`; Table
    /// 3-191 `ConditionResp` in answers).
    ///
    /// The extracted API Reference spells one field `frontend_auth_orizer_param_name`, a PDF
    /// hyphenation of `frontend_authorizer_param_name` (the matching `condition_origin` value is
    /// `frontend_authorizer`); the unbroken spelling is used.
    pub struct ApiConditionBase;
    /// Condition of a backend policy (API Reference 3.5.1, Table 3-177). REST form:
    /// [`ApiConditionBase`].
    pub struct ApiConditionDef;
    {
        /// Request parameter tested when `condition_origin` is `param`.
        #[serde(skip_serializing_if = "Option::is_none")]
        req_param_name: Option<String>,
        /// Gateway parameter tested when `condition_origin` is `system`.
        #[serde(skip_serializing_if = "Option::is_none")]
        sys_param_name: Option<SysParamName>,
        /// Cookie tested when `condition_origin` is `cookie`; at most 255 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        cookie_param_name: Option<String>,
        /// Frontend authorizer result tested when `condition_origin` is `frontend_authorizer`.
        #[serde(skip_serializing_if = "Option::is_none")]
        frontend_authorizer_param_name: Option<String>,
        /// Comparison; required for `param`, `system`, `cookie` and `frontend_authorizer`.
        #[serde(skip_serializing_if = "Option::is_none")]
        condition_type: Option<ConditionType>,
        /// What is tested.
        condition_origin: ConditionOrigin,
        /// The value compared against.
        condition_value: String,
        /// Condition id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
        /// Id of the tested request parameter (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest req_param_id: Option<String>,
        /// Location of the tested request parameter (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest req_param_location: Option<String>,
    }
}

twin! {
    /// VPC channel of a web backend (API Reference 3.5.1, Table 3-178 `ApiBackendVpcReq`; Table
    /// 3-192 `VpcInfo` in answers).
    pub struct ApiBackendVpcReq;
    /// VPC channel of a web backend (API Reference 3.5.1, Table 3-178), named. REST form:
    /// [`ApiBackendVpcReq`].
    pub struct ApiBackendVpcDef;
    {
        /// Cloud server id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest ecs_id: Option<String>,
        /// Cloud server name (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest ecs_name: Option<String>,
        /// Cascading mode; not supported by the gateway yet (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest cascade_flag: Option<bool>,
        /// Host header sent to the channel's servers.
        #[serde(skip_serializing_if = "Option::is_none")]
        vpc_channel_proxy_host: Option<String>,
        /// Gateway id of the VPC channel.
        rest vpc_channel_id: String,
        /// Name of the VPC channel (`vpc_channel_id` in the REST body). Channels are
        /// gateway-wide and not part of a definition; the name must exist on the gateway.
        def vpc_channel_name: String,
        /// Channel port (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest vpc_channel_port: Option<i64>,
    }
}

twin! {
    /// Web (HTTP or gRPC) backend (API Reference 3.5.1, Table 3-174 `BackendApiCreate`; Table
    /// 3-181 `BackendApi` in answers).
    pub struct BackendApiCreate;
    /// Web (HTTP or gRPC) backend of an API (API Reference 3.5.1, Table 3-174), with its backend
    /// authorizer and VPC channel named. REST form: [`BackendApiCreate`].
    pub struct BackendApiDef;
    {
        /// Gateway id of the backend custom authorizer.
        #[serde(skip_serializing_if = "Option::is_none")]
        rest authorizer_id: Option<String>,
        /// Name of the backend custom authorizer (`authorizer_id` in the REST body).
        #[serde(skip_serializing_if = "Option::is_none")]
        def authorizer_name: Option<String>,
        /// `host:port` of the backend, at most 255 characters; `#variables#` allowed.
        #[serde(skip_serializing_if = "Option::is_none")]
        url_domain: Option<String>,
        /// Backend protocol.
        req_protocol: BackendReqProtocol,
        /// Description, at most 255 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        remark: Option<String>,
        /// Backend method; `POST` for gRPC.
        req_method: ReqMethod,
        /// Backend version, at most 16 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<String>,
        /// Backend path, at most 512 characters; `{params}` and `#variables#` allowed.
        req_uri: String,
        /// Backend timeout in ms, 1 to 600 000 (bounded by the `backend_timeout` setting).
        timeout: i64,
        /// Two-way TLS to the backend.
        #[serde(skip_serializing_if = "Option::is_none")]
        enable_client_ssl: Option<bool>,
        /// Retries, `"-1"` to `"10"`; a string in the API. Default `"-1"`.
        #[serde(skip_serializing_if = "Option::is_none")]
        retry_count: Option<String>,
        /// Backend id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
        /// Backend status, `1` = valid (answers only; an integer, see [`ApiMockCreate::status`]).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest status: Option<i64>,
        /// Registration time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest register_time: Option<String>,
        /// Update time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest update_time: Option<String>,
        /// VPC channel; required when `vpc_channel_status` is `1`.
        #[serde(skip_serializing_if = "Option::is_none")]
        vpc_channel_info: Option<ApiBackendVpcReq> => Option<ApiBackendVpcDef>,
        /// Whether a VPC channel is used.
        #[serde(skip_serializing_if = "Option::is_none")]
        vpc_channel_status: Option<VpcChannelStatus>,
    }
}

twin! {
    /// Mock policy backend (API Reference 3.5.1, Table 3-172 `ApiPolicyMockCreate`; Table 3-188
    /// `ApiPolicyMockResp` in answers).
    pub struct ApiPolicyMockCreate;
    /// Mock policy backend (API Reference 3.5.1, Table 3-172), with its backend authorizer named.
    /// REST form: [`ApiPolicyMockCreate`].
    pub struct ApiPolicyMockDef;
    {
        /// Policy name: 3 to 64 characters, a letter first, then letters, digits, `_`.
        name: String,
        /// How the conditions combine.
        effect_mode: EffectMode,
        /// The response the mock returns.
        #[serde(skip_serializing_if = "Option::is_none")]
        result_content: Option<String>,
        /// Backend parameters.
        #[serde(skip_serializing_if = "Option::is_none")]
        backend_params: Option<Vec<BackendParamBase>> => Option<Vec<BackendParamDef>>,
        /// Policy conditions.
        conditions: Vec<ApiConditionBase> => Vec<ApiConditionDef>,
        /// Gateway id of the backend custom authorizer.
        #[serde(skip_serializing_if = "Option::is_none")]
        rest authorizer_id: Option<String>,
        /// Name of the backend custom authorizer (`authorizer_id` in the REST body).
        #[serde(skip_serializing_if = "Option::is_none")]
        def authorizer_name: Option<String>,
        /// Policy id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
    }
}

twin! {
    /// FunctionGraph policy backend (API Reference 3.5.1, Table 3-173 `ApiPolicyFunctionCreate`;
    /// Table 3-187 `ApiPolicyFunctionResp` in answers).
    pub struct ApiPolicyFunctionCreate;
    /// FunctionGraph policy backend (API Reference 3.5.1, Table 3-173), with its backend authorizer
    /// named. REST form: [`ApiPolicyFunctionCreate`].
    pub struct ApiPolicyFunctionDef;
    {
        /// Policy name: 3 to 64 characters, a letter first, then letters, digits, `_`.
        name: String,
        /// How the conditions combine.
        effect_mode: EffectMode,
        /// Function URN.
        function_urn: String,
        /// Invocation mode.
        invocation_type: InvocationType,
        /// Function network architecture.
        network_type: NetworkType,
        /// Function version, at most 64 characters; ignored when `alias_urn` is set.
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<String>,
        /// Function alias URN; wins over `version`.
        #[serde(skip_serializing_if = "Option::is_none")]
        alias_urn: Option<String>,
        /// Backend timeout in ms, at least 1.
        #[serde(skip_serializing_if = "Option::is_none")]
        timeout: Option<i64>,
        /// Protocol used to call the function. Default `HTTPS`.
        #[serde(skip_serializing_if = "Option::is_none")]
        req_protocol: Option<FunctionReqProtocol>,
        /// Backend parameters.
        #[serde(skip_serializing_if = "Option::is_none")]
        backend_params: Option<Vec<BackendParamBase>> => Option<Vec<BackendParamDef>>,
        /// Policy conditions.
        conditions: Vec<ApiConditionBase> => Vec<ApiConditionDef>,
        /// Gateway id of the backend custom authorizer.
        #[serde(skip_serializing_if = "Option::is_none")]
        rest authorizer_id: Option<String>,
        /// Name of the backend custom authorizer (`authorizer_id` in the REST body).
        #[serde(skip_serializing_if = "Option::is_none")]
        def authorizer_name: Option<String>,
        /// Policy id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
    }
}

twin! {
    /// Web policy backend (API Reference 3.5.1, Table 3-175 `ApiPolicyHttpCreate`; Table 3-189
    /// `ApiPolicyHttpResp` in answers).
    pub struct ApiPolicyHttpCreate;
    /// Web policy backend (API Reference 3.5.1, Table 3-175), with its backend authorizer and VPC
    /// channel named. REST form: [`ApiPolicyHttpCreate`].
    pub struct ApiPolicyHttpDef;
    {
        /// Policy name: 3 to 64 characters, a letter first, then letters, digits, `_`.
        name: String,
        /// How the conditions combine.
        effect_mode: EffectMode,
        /// `host:port` of the policy backend, at most 255 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        url_domain: Option<String>,
        /// Backend protocol.
        req_protocol: BackendReqProtocol,
        /// Backend method; `POST` for gRPC.
        req_method: ReqMethod,
        /// Backend path, at most 512 characters.
        req_uri: String,
        /// Backend timeout in ms, 1 to 600 000.
        #[serde(skip_serializing_if = "Option::is_none")]
        timeout: Option<i64>,
        /// Retries, `"-1"` to `"10"`. Default `"-1"`.
        #[serde(skip_serializing_if = "Option::is_none")]
        retry_count: Option<String>,
        /// Backend parameters.
        #[serde(skip_serializing_if = "Option::is_none")]
        backend_params: Option<Vec<BackendParamBase>> => Option<Vec<BackendParamDef>>,
        /// Policy conditions.
        conditions: Vec<ApiConditionBase> => Vec<ApiConditionDef>,
        /// Gateway id of the backend custom authorizer.
        #[serde(skip_serializing_if = "Option::is_none")]
        rest authorizer_id: Option<String>,
        /// Name of the backend custom authorizer (`authorizer_id` in the REST body).
        #[serde(skip_serializing_if = "Option::is_none")]
        def authorizer_name: Option<String>,
        /// VPC channel; required when `vpc_channel_status` is `1`.
        #[serde(skip_serializing_if = "Option::is_none")]
        vpc_channel_info: Option<ApiBackendVpcReq> => Option<ApiBackendVpcDef>,
        /// Whether a VPC channel is used.
        #[serde(skip_serializing_if = "Option::is_none")]
        vpc_channel_status: Option<VpcChannelStatus>,
        /// Policy id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
    }
}

twin! {
    /// An API (API Reference 3.5.1, Table 3-167 request body, the body of `POST` and `PUT
    /// .../apis`; Table 3-179 for the fields the gateway adds to its answers).
    ///
    /// Fields are declared frontend first, then backend, so a definition reads top to bottom
    /// the way a request flows; JSON key order does not matter to the gateway.
    pub struct ApiCreate;
    /// An API (API Reference 3.5.1, Table 3-167). `group_id` is implicit (the definition's group),
    /// the frontend authorizer and the group response are named, and the fields only the gateway
    /// sets are absent. `roma_app_id` (integration applications, "not supported" by the API
    /// Reference) has no definition counterpart. REST form: [`ApiCreate`].
    pub struct ApiDef;
    {
        /// API id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
        /// API name: 3 to 255 characters, a letter or digit first, then letters, digits and
        /// `-_./:()`. Definitions refer to APIs by this name.
        name: String,
        /// Public or private.
        #[serde(rename = "type")]
        api_type: ApiType,
        /// API version, at most 16 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<String>,
        /// Frontend protocol. Default `HTTPS`.
        req_protocol: ReqProtocol,
        /// Frontend method.
        req_method: ReqMethod,
        /// Frontend path, at most 512 characters; `{params}` allowed.
        req_uri: String,
        /// Authentication mode.
        auth_type: AuthType,
        /// Security options.
        #[serde(skip_serializing_if = "Option::is_none")]
        auth_opt: Option<AuthOpt> => Option<AuthOptDef>,
        /// Gateway id of the frontend custom authorizer; required for `AUTHORIZER`.
        #[serde(skip_serializing_if = "Option::is_none")]
        rest authorizer_id: Option<String>,
        /// Name of the frontend custom authorizer (`authorizer_id` in the REST body); required
        /// for `AUTHORIZER`.
        #[serde(skip_serializing_if = "Option::is_none")]
        def authorizer_name: Option<String>,
        /// CORS support. Default `false`.
        #[serde(skip_serializing_if = "Option::is_none")]
        cors: Option<bool>,
        /// Path matching. Default `NORMAL`.
        #[serde(skip_serializing_if = "Option::is_none")]
        match_mode: Option<MatchMode>,
        /// Request content type ("coming soon" in the API Reference).
        #[serde(skip_serializing_if = "Option::is_none")]
        content_type: Option<ContentType>,
        /// Description, at most 255 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        remark: Option<String>,
        /// Tags, each 1 to 128 characters; 10 by default quota.
        #[serde(skip_serializing_if = "Option::is_none")]
        tags: Option<Vec<String>>,
        /// Single tag; deprecated in favour of `tags`.
        #[serde(skip_serializing_if = "Option::is_none")]
        tag: Option<String>,
        /// Gateway id of the API group.
        rest group_id: String,
        /// Name of the API group (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest group_name: Option<String>,
        /// Version of the API group, `V1` (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest group_version: Option<String>,
        /// Integration application id; not supported by the gateway yet.
        #[serde(skip_serializing_if = "Option::is_none")]
        rest roma_app_id: Option<String>,
        /// Integration application name; not supported by the gateway yet (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest roma_app_name: Option<String>,
        /// Custom domain name bound to the API; not supported by the gateway yet.
        #[serde(skip_serializing_if = "Option::is_none")]
        domain_name: Option<String>,
        /// Request body description, at most 20 480 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        body_remark: Option<String>,
        /// Example success response, at most 20 480 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        result_normal_sample: Option<String>,
        /// Example failure response, at most 20 480 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        result_failure_sample: Option<String>,
        /// Gateway id of the group response used by the API.
        #[serde(skip_serializing_if = "Option::is_none")]
        rest response_id: Option<String>,
        /// Name of the group response used by the API (`response_id` in the REST body).
        #[serde(skip_serializing_if = "Option::is_none")]
        def response_name: Option<String>,
        /// Frontend request parameters.
        #[serde(skip_serializing_if = "Option::is_none")]
        req_params: Option<Vec<ReqParamBase>> => Option<Vec<ReqParamDef>>,
        /// Kind of the default backend.
        backend_type: BackendType,
        /// Web backend; for `HTTP` and `GRPC`.
        #[serde(skip_serializing_if = "Option::is_none")]
        backend_api: Option<BackendApiCreate> => Option<BackendApiDef>,
        /// FunctionGraph backend; required for `FUNCTION`.
        #[serde(skip_serializing_if = "Option::is_none")]
        func_info: Option<ApiFuncCreate> => Option<ApiFuncDef>,
        /// Mock backend; required for `MOCK`.
        #[serde(skip_serializing_if = "Option::is_none")]
        mock_info: Option<ApiMockCreate> => Option<ApiMockDef>,
        /// Backend parameters.
        #[serde(skip_serializing_if = "Option::is_none")]
        backend_params: Option<Vec<BackendParamBase>> => Option<Vec<BackendParamDef>>,
        /// Web policy backends.
        #[serde(skip_serializing_if = "Option::is_none")]
        policy_https: Option<Vec<ApiPolicyHttpCreate>> => Option<Vec<ApiPolicyHttpDef>>,
        /// FunctionGraph policy backends.
        #[serde(skip_serializing_if = "Option::is_none")]
        policy_functions: Option<Vec<ApiPolicyFunctionCreate>> => Option<Vec<ApiPolicyFunctionDef>>,
        /// Mock policy backends.
        #[serde(skip_serializing_if = "Option::is_none")]
        policy_mocks: Option<Vec<ApiPolicyMockCreate>> => Option<Vec<ApiPolicyMockDef>>,
        /// API status, `1` = valid (answers only; an integer, see [`ApiMockCreate::status`]).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest status: Option<i64>,
        /// Whether orchestration is enabled (answers only; undocumented values).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest arrange_necessary: Option<i64>,
        /// Registration time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest register_time: Option<String>,
        /// Last modification time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest update_time: Option<String>,
        /// Ids of the environments the API is published in, `|`-separated (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest run_env_id: Option<String>,
        /// Names of the environments the API is published in, `|`-separated (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest run_env_name: Option<String>,
        /// Publication record ids, `|`-separated (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest publish_id: Option<String>,
        /// Publication times, `|`-separated (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest publish_time: Option<String>,
        /// Custom backend id; not supported by the gateway yet (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest ld_api_id: Option<String>,
        /// The API group (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest api_group_info: Option<ApiGroupCommonInfo>,
    }
}

/// How the `mock_info.remark` of the empty MOCK backend `apigctl import` puts where an
/// operation has no backend it can read starts. The gateway would serve such a stand-in as a
/// real mock, so `diff` and `sync` refuse it (rule `apig-backend-placeholder`), and `export`
/// writes its operation without `x-apigateway-backend`, as the document had it.
pub const PLACEHOLDER_REMARK: &str = "apigctl placeholder:";

impl ApiDef {
    /// Whether the backend is the stand-in of [`PLACEHOLDER_REMARK`]: a MOCK without
    /// `result_content` that carries the marker.
    pub fn has_placeholder_backend(&self) -> bool {
        // A mock given a response, or an API given another backend, is no stand-in any more.
        self.backend_type == BackendType::Mock
            && self.mock_info.as_ref().is_some_and(|m| {
                m.result_content.is_none()
                    && m.remark
                        .as_deref()
                        .is_some_and(|r| r.starts_with(PLACEHOLDER_REMARK))
            })
    }
}

/// A request path as the gateway tells routes apart (APIG.3301, API Reference 3.16.2): every
/// `{template}` emptied to `{}` (a greedy `{name+}` to `{+}`), since two paths of the same
/// shape match the same requests whatever their variables are called. Import, lint, sync and
/// the emulator compare routes with this one function.
pub fn route_path(uri: &str) -> String {
    let mut out = String::with_capacity(uri.len());
    route_path_into(uri, &mut out);
    out
}

/// [`route_path`] written to `out`, which is cleared first.
pub(crate) fn route_path_into(uri: &str, out: &mut String) {
    out.clear();
    let mut rest = uri;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        let greedy = rest[..open + close].ends_with('+');
        out.push_str(if greedy { "{+}" } else { "{}" });
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
}
