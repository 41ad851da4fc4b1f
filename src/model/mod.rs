//! Gateway object model: the objects of the APIG dedicated-gateway REST API (V2) and the
//! definition file built from them.
//!
//! Two forms of every object live here:
//!
//! - **REST bodies** named after the API Reference's request tables ([`ApiCreate`],
//!   [`ThrottleBaseInfo`], ...). Field names and value spellings are exactly the API Reference's.
//!   The fields the gateway adds to its answers (`id`, `create_time`, ...) are `Option`s on the
//!   same type, so one type builds a request and reads a response. Unknown fields are ignored:
//!   a gateway newer than the API Reference must not break parsing.
//! - **Definition forms** (`*Def`), the pieces of a [`Definition`]: the same fields, minus the
//!   gateway-assigned ones, with every `*_id` reference replaced by a `*_name`, and unknown
//!   fields rejected so typos in hand-written files surface.
//!
//! Enumerations are Rust enums that (de)serialise to the documented strings or integers and
//! reject anything else with a message listing the allowed values.

pub(crate) mod macros;

pub mod acl;
pub mod api;
pub mod authorizer;
pub mod binding;
pub mod definition;
pub mod environment;
pub mod group;
pub mod plugin;
pub mod response;
pub mod throttle;

pub use acl::{AclDef, AclEntityType, AclType, ApiAclCreate};
pub(crate) use api::route_path_into;
pub use api::{
    ApiBackendVpcDef, ApiBackendVpcReq, ApiConditionBase, ApiConditionDef, ApiCreate, ApiDef,
    ApiFuncCreate, ApiFuncDef, ApiMockCreate, ApiMockDef, ApiPolicyFunctionCreate,
    ApiPolicyFunctionDef, ApiPolicyHttpCreate, ApiPolicyHttpDef, ApiPolicyMockCreate,
    ApiPolicyMockDef, ApiType, AppCodeAuthType, AuthOpt, AuthOptDef, AuthType, BackendApiCreate,
    BackendApiDef, BackendParamBase, BackendParamDef, BackendParamOrigin, BackendReqProtocol,
    BackendType, ConditionOrigin, ConditionType, ContentType, EffectMode, FunctionReqProtocol,
    InvocationType, MatchMode, NetworkType, ParamLocation, ParamType, ReqMethod, ReqParamBase,
    ReqParamDef, ReqProtocol, SysParamName, VpcChannelStatus, YesNo, route_path,
};
pub use authorizer::{
    AuthorizerCreate, AuthorizerDef, AuthorizerKind, AuthorizerType, Identity, IdentityDef,
    IdentityLocation,
};
pub use binding::{
    AclApiBindingCreate, AclApiBindingInfo, AclBindingResult, ApiActionInfo, ApiActionResult,
    PluginApiAttachInfo, PluginAttachResult, PluginOperApiInfo, PublishAction, ThrottleApiBinding,
    ThrottleApiBindingCreate, ThrottleBindingResult, ThrottleBindingScope,
};
pub use definition::{
    AclBinding, Definition, DefinitionError, FormatVersion, PluginBinding, Publication,
    ThrottleBinding,
};
pub use environment::{EnvCreate, EnvVariableCreate, EnvVariableDef, EnvironmentDef};
pub use group::{
    ApiGroupCommonInfo, ApiGroupCreate, ApiGroupDef, CnameStatus, MinSslVersion, OnSellStatus,
    UrlDomain,
};
pub use plugin::{PluginCreate, PluginDef, PluginScope, PluginType};
pub use response::{
    GroupResponseCreate, GroupResponseDef, ResponseErrorType, ResponseInfo, ResponseInfoDef,
    ResponseInfoHeader, ResponseInfoHeaderDef,
};
pub use throttle::{
    AdaptiveControl, SpecialObjectType, ThrottleBaseInfo, ThrottleDef, ThrottleSpecialCreate,
    ThrottleSpecialDef, ThrottleType, TimeUnit,
};
