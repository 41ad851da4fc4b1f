//! Property tests: for generated gateway definitions, `import(export(D))` is `D` in every
//! OpenAPI version, and every export is valid against the official schema.
//!
//! The generator covers every backend type (HTTP, HTTP-VPC, FUNCTION, MOCK), every policy kind
//! (`policy_https` direct and VPC, `policy_functions`, `policy_mocks`), every condition origin
//! (`param`, `source`, `system`, `cookie`, `frontend_authorizer`), every backend parameter
//! origin (REQUEST, CONSTANT, SYSTEM), every binding kind (throttle, ACL, plug-in), custom
//! authorizers, group responses, and both parameter types.
//!
//! It produces definitions in the normal form a round trip yields, and never a field the
//! extension format cannot carry; both are listed in the README ("What lossless means"):
//! no environments, publications, plug-in definitions or binding environments; `required`
//! explicit (always `1` for PATH); `valid_enable` `1` exactly when a check is given; bounds
//! only of the parameter's own type; `vpc_channel_status` explicit; no `url_domain` on VPC
//! backends and one on every direct web backend; web backends HTTP or HTTPS (no GRPCS);
//! `mock_info` always present on MOCK APIs; a timeout on every FUNCTION policy;
//! no empty policy or request-parameter lists; group responses always carry their map;
//! conditions carry only the name field of their origin; `auth_opt` only on APP APIs;
//! bindings in order of first use; `enumerations` without a repeated value; no empty `alias_urn`;
//! APIs on distinct paths, whose variables are exactly their PATH parameters; NUMBER
//! parameters' enumerations and defaults numbers as the writers print them; no gRPC; no `version`, `tag`, `domain_name`, `body_remark`,
//! `regular`, `json_schema`, backend authorizers or throttle `remark`/adaptive control.

use std::collections::BTreeMap;

use proptest::collection::{btree_set, vec};
use proptest::option;
use proptest::prelude::*;

use apigctl::convert::export::{Define, ExportOptions, export};
use apigctl::convert::import::{ImportOptions, import};
use apigctl::convert::yaml::to_yaml;
use apigctl::model::*;
use apigctl::openapi::{self, DocumentKind, OasVersion};
use apigctl::source::refs::Workspace;
use apigctl::source::{Limits, Sources};

/// Free text, with the characters YAML quoting has to get right.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z0-9 _.,:#{}/$'\"-]{0,16}",
        1 => "[ -~]{0,12}",
        1 => "[a-zé日\\n\\t ]{0,8}",
        1 => Just("true".to_owned()),
        1 => Just("1.5".to_owned()),
        1 => Just(String::new()),
    ]
}

/// A name matching the API Reference's policy name rule (letter first, then letters, digits,
/// `_`), unique within its list once suffixed.
fn ident() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{2,10}"
}

fn uniq(names: Vec<String>) -> Vec<String> {
    names
        .into_iter()
        .enumerate()
        .map(|(i, n)| format!("{n}_{i}"))
        .collect()
}

fn one_of<T: Clone + std::fmt::Debug + 'static>(items: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(items)
}

fn backend_param() -> impl Strategy<Value = BackendParamDef> {
    (
        one_of(BackendParamOrigin::ALL),
        ident(),
        option::of(text()),
        one_of(ParamLocation::ALL),
        text(),
    )
        .prop_map(|(origin, name, remark, location, value)| BackendParamDef {
            origin,
            name,
            remark,
            location,
            value,
        })
}

fn backend_params() -> impl Strategy<Value = Option<Vec<BackendParamDef>>> {
    option::of(vec(backend_param(), 0..3))
}

fn condition() -> impl Strategy<Value = ApiConditionDef> {
    (
        one_of(ConditionOrigin::ALL),
        option::of(one_of(ConditionType::ALL)),
        text(),
        option::of(ident()),
        option::of(one_of(SysParamName::ALL)),
    )
        .prop_map(|(origin, condition_type, value, name, sys)| {
            let mut c = ApiConditionDef {
                req_param_name: None,
                sys_param_name: None,
                cookie_param_name: None,
                frontend_authorizer_param_name: None,
                condition_type,
                condition_origin: origin,
                condition_value: value,
            };
            match origin {
                ConditionOrigin::Param | ConditionOrigin::Source => c.req_param_name = name,
                ConditionOrigin::System => c.sys_param_name = sys,
                ConditionOrigin::Cookie => c.cookie_param_name = name,
                ConditionOrigin::FrontendAuthorizer => c.frontend_authorizer_param_name = name,
            }
            c
        })
}

/// `(vpc_channel_status, vpc_channel_info, url_domain)` of a web backend.
fn web_target() -> impl Strategy<
    Value = (
        Option<VpcChannelStatus>,
        Option<ApiBackendVpcDef>,
        Option<String>,
    ),
> {
    prop_oneof![
        // A direct backend has its address: without one, export refuses it (export-no-address).
        // (Mapped, not changed: the draws of every other value stay those of the fixed seed.)
        option::of("[a-z0-9.-]{1,20}(:[0-9]{1,5})?").prop_map(|domain| (
            Some(VpcChannelStatus::Unused),
            None,
            Some(domain.unwrap_or_else(|| "backend.example.com".to_owned()))
        )),
        (ident(), option::of(text())).prop_map(|(name, host)| (
            Some(VpcChannelStatus::Used),
            Some(ApiBackendVpcDef {
                vpc_channel_proxy_host: host,
                vpc_channel_name: name,
            }),
            None
        )),
    ]
}

/// The protocol of an HTTP API's web backend: one the extension's `scheme` says (GRPCS is a
/// gRPC backend's, which export refuses on an HTTP one: export-no-scheme). Mapped, not
/// filtered: the draws of every other value stay those of the fixed seed.
fn web_protocol() -> impl Strategy<Value = BackendReqProtocol> {
    one_of(BackendReqProtocol::ALL).prop_map(|p| match p {
        BackendReqProtocol::Grpcs => BackendReqProtocol::Https,
        other => other,
    })
}

fn retry_count() -> impl Strategy<Value = Option<String>> {
    option::of((-1i64..=10).prop_map(|n| n.to_string()))
}

fn http_policy(name: String) -> impl Strategy<Value = ApiPolicyHttpDef> {
    (
        one_of(EffectMode::ALL),
        web_target(),
        web_protocol(),
        one_of(ReqMethod::ALL),
        "/[a-z{}#/]{0,12}",
        option::of(1i64..600_000),
        retry_count(),
        backend_params(),
        vec(condition(), 1..4),
    )
        .prop_map(
            move |(
                effect_mode,
                (status, info, domain),
                proto,
                method,
                uri,
                timeout,
                retry,
                params,
                conditions,
            )| {
                ApiPolicyHttpDef {
                    name: name.clone(),
                    effect_mode,
                    url_domain: domain,
                    req_protocol: proto,
                    req_method: method,
                    req_uri: uri,
                    timeout,
                    retry_count: retry,
                    backend_params: params,
                    conditions,
                    authorizer_name: None,
                    vpc_channel_info: info,
                    vpc_channel_status: status,
                }
            },
        )
}

/// A function alias URN: never empty, since `alias-urn: ''` is how gateway exports write "no
/// alias", and import reads it so. (Mapped, not filtered: the draws of every other value stay
/// those of the fixed seed.)
fn alias() -> impl Strategy<Value = String> {
    text().prop_map(|a| if a.is_empty() { "alias".to_owned() } else { a })
}

fn function_policy(name: String) -> impl Strategy<Value = ApiPolicyFunctionDef> {
    (
        one_of(EffectMode::ALL),
        "urn:fss:[a-z0-9:_-]{1,20}",
        one_of(InvocationType::ALL),
        one_of(NetworkType::ALL),
        option::of(text()),
        option::of(alias()),
        1i64..600_000,
        option::of(one_of(FunctionReqProtocol::ALL)),
        backend_params(),
        vec(condition(), 1..3),
    )
        .prop_map(
            move |(
                effect_mode,
                urn,
                invocation,
                network,
                version,
                alias,
                timeout,
                proto,
                params,
                conditions,
            )| {
                ApiPolicyFunctionDef {
                    name: name.clone(),
                    effect_mode,
                    function_urn: urn,
                    invocation_type: invocation,
                    network_type: network,
                    version,
                    alias_urn: alias,
                    timeout: Some(timeout),
                    req_protocol: proto,
                    backend_params: params,
                    conditions,
                    authorizer_name: None,
                }
            },
        )
}

fn mock_policy(name: String) -> impl Strategy<Value = ApiPolicyMockDef> {
    (
        one_of(EffectMode::ALL),
        option::of(text()),
        backend_params(),
        vec(condition(), 1..3),
    )
        .prop_map(
            move |(effect_mode, result, params, conditions)| ApiPolicyMockDef {
                name: name.clone(),
                effect_mode,
                result_content: result,
                backend_params: params,
                conditions,
                authorizer_name: None,
            },
        )
}

fn non_empty<T>(list: Vec<T>) -> Option<Vec<T>> {
    (!list.is_empty()).then_some(list)
}

/// The backend of an API: type, default backend and policies of the matching kind.
#[derive(Clone, Debug)]
struct Backend {
    backend_type: BackendType,
    backend_api: Option<BackendApiDef>,
    func_info: Option<ApiFuncDef>,
    mock_info: Option<ApiMockDef>,
    policy_https: Option<Vec<ApiPolicyHttpDef>>,
    policy_functions: Option<Vec<ApiPolicyFunctionDef>>,
    policy_mocks: Option<Vec<ApiPolicyMockDef>>,
}

fn backend() -> impl Strategy<Value = Backend> {
    let names = || vec(ident(), 0..3).prop_map(uniq);
    let http = (
        web_target(),
        web_protocol(),
        option::of(text()),
        one_of(ReqMethod::ALL),
        "/[a-z{}#/]{0,12}",
        1i64..600_000,
        option::of(any::<bool>()),
        retry_count(),
        names().prop_flat_map(|n| n.into_iter().map(http_policy).collect::<Vec<_>>()),
    )
        .prop_map(
            |(
                (status, info, domain),
                proto,
                remark,
                method,
                uri,
                timeout,
                ssl,
                retry,
                policies,
            )| Backend {
                backend_type: BackendType::Http,
                backend_api: Some(BackendApiDef {
                    authorizer_name: None,
                    url_domain: domain,
                    req_protocol: proto,
                    remark,
                    req_method: method,
                    version: None,
                    req_uri: uri,
                    timeout,
                    enable_client_ssl: ssl,
                    retry_count: retry,
                    vpc_channel_info: info,
                    vpc_channel_status: status,
                }),
                func_info: None,
                mock_info: None,
                policy_https: non_empty(policies),
                policy_functions: None,
                policy_mocks: None,
            },
        );
    let function = (
        "urn:fss:[a-z0-9:_-]{1,20}",
        option::of(text()),
        one_of(InvocationType::ALL),
        one_of(NetworkType::ALL),
        option::of(text()),
        option::of(alias()),
        1i64..600_000,
        option::of(one_of(FunctionReqProtocol::ALL)),
        names().prop_flat_map(|n| n.into_iter().map(function_policy).collect::<Vec<_>>()),
    )
        .prop_map(
            |(urn, remark, invocation, network, version, alias, timeout, proto, policies)| {
                Backend {
                    backend_type: BackendType::Function,
                    backend_api: None,
                    func_info: Some(ApiFuncDef {
                        function_urn: urn,
                        remark,
                        invocation_type: invocation,
                        network_type: network,
                        version,
                        alias_urn: alias,
                        timeout,
                        authorizer_name: None,
                        req_protocol: proto,
                    }),
                    mock_info: None,
                    policy_https: None,
                    policy_functions: non_empty(policies),
                    policy_mocks: None,
                }
            },
        );
    let mock = (
        option::of(text()),
        option::of(text()),
        names().prop_flat_map(|n| n.into_iter().map(mock_policy).collect::<Vec<_>>()),
    )
        .prop_map(|(remark, result, policies)| Backend {
            backend_type: BackendType::Mock,
            backend_api: None,
            func_info: None,
            mock_info: Some(ApiMockDef {
                remark,
                result_content: result,
                version: None,
                authorizer_name: None,
            }),
            policy_https: None,
            policy_functions: None,
            policy_mocks: non_empty(policies),
        });
    prop_oneof![http, function, mock]
}

fn req_param(name: String, location: ParamLocation) -> impl Strategy<Value = ReqParamDef> {
    (
        one_of(ParamType::ALL),
        option::of(text()),
        option::of(text()),
        any::<bool>(),
        option::of(text()),
        // Each value once: a repeated one is exported once, with a warning. A NUMBER
        // parameter's are numbers (any other text is a warning); a STRING's either.
        option::of((
            btree_set(text(), 1..4).prop_map(|v| v.into_iter().collect::<Vec<_>>().join(",")),
            btree_set(-50i64..50, 1..4)
                .prop_map(|v| v.iter().map(i64::to_string).collect::<Vec<_>>().join(",")),
            any::<bool>(),
        )),
        // No bound of 0 alone: import reads it as unset (reference §3.2), and export warns.
        (option::of(1i64..100), option::of(100i64..1000)),
        option::of(one_of(YesNo::ALL)),
        option::of(prop_oneof![
            (-1000i64..1000).prop_map(|n| n.to_string()),
            Just("0.25".to_owned()),
        ]),
    )
        .prop_map(
            move |(
                ty,
                default,
                sample,
                required,
                remark,
                enums,
                (min, max),
                pass,
                number_default,
            )| {
                let number = ty == ParamType::Number;
                let enums = enums.map(|(texts, numbers, as_text)| match as_text && !number {
                    true => texts,
                    false => numbers,
                });
                let checked = enums.is_some() || min.is_some() || max.is_some();
                ReqParamDef {
                    name: name.clone(),
                    param_type: ty,
                    location,
                    default_value: if number { number_default } else { default },
                    sample_value: sample,
                    required: Some(if location == ParamLocation::Path || required {
                        YesNo::Yes
                    } else {
                        YesNo::No
                    }),
                    valid_enable: checked.then_some(YesNo::Yes),
                    remark,
                    enumerations: enums,
                    min_num: if number { min } else { None },
                    max_num: if number { max } else { None },
                    min_size: if number { None } else { min },
                    max_size: if number { None } else { max },
                    regular: None,
                    json_schema: None,
                    pass_through: pass,
                }
            },
        )
}

fn req_params() -> impl Strategy<Value = Option<Vec<ReqParamDef>>> {
    btree_set((ident(), one_of(ParamLocation::ALL)), 0..4).prop_flat_map(|keys| {
        keys.into_iter()
            .map(|(name, location)| req_param(name, location))
            .collect::<Vec<_>>()
            .prop_map(non_empty)
    })
}

/// `(auth_type, auth_opt, authorizer_name)`, `auth_opt` only on APP APIs; authorizers are named `authorizer_<n>`
/// (defined when `n` is below the number of authorizers, dangling otherwise).
fn auth() -> impl Strategy<Value = (AuthType, Option<AuthOptDef>, Option<String>)> {
    let opt = || {
        option::of(one_of(AppCodeAuthType::ALL)).prop_map(|o| {
            o.map(|a| AuthOptDef {
                app_code_auth_type: Some(a),
            })
        })
    };
    prop_oneof![
        Just((AuthType::None, None, None)),
        opt().prop_map(|o| (AuthType::App, o, None)),
        // `auth_opt` belongs to APP APIs (x-apigateway-auth-opt sits on AppSigv1 schemes).
        Just((AuthType::Iam, None, None)),
        (0usize..4).prop_map(|n| (AuthType::Authorizer, None, Some(format!("authorizer_{n}")))),
    ]
}

/// Everything about an API except its name, path and bindings.
fn api(name: String, uri: String) -> impl Strategy<Value = ApiDef> {
    (
        (
            one_of(ApiType::ALL),
            one_of(&[ReqProtocol::Http, ReqProtocol::Https, ReqProtocol::Both]),
            one_of(ReqMethod::ALL),
            auth(),
            option::of(any::<bool>()),
            option::of(one_of(MatchMode::ALL)),
            option::of(one_of(ContentType::ALL)),
            option::of(text()),
        ),
        (
            option::of(btree_set(text(), 0..3).prop_map(|t| t.into_iter().collect::<Vec<_>>())),
            option::of(text()),
            option::of(text()),
            option::of(ident()),
            req_params(),
            backend(),
            backend_params(),
        ),
    )
        .prop_map(
            move |(
                (
                    api_type,
                    protocol,
                    method,
                    (auth_type, auth_opt, authorizer),
                    cors,
                    mode,
                    ct,
                    remark,
                ),
                (tags, normal, failure, response, params, backend, backend_params),
            )| ApiDef {
                name: name.clone(),
                api_type,
                version: None,
                req_protocol: protocol,
                req_method: method,
                // The path's variables are exactly the PATH parameters (OpenAPI requires it;
                // export warns otherwise).
                req_uri: params
                    .iter()
                    .flatten()
                    .filter(|p| p.location == ParamLocation::Path)
                    .fold(uri.clone(), |uri, p| format!("{uri}/{{{}}}", p.name)),
                auth_type,
                auth_opt,
                authorizer_name: authorizer,
                cors,
                match_mode: mode,
                content_type: ct,
                remark,
                tags,
                tag: None,
                domain_name: None,
                body_remark: None,
                result_normal_sample: normal,
                result_failure_sample: failure,
                response_name: response,
                req_params: params,
                backend_type: backend.backend_type,
                backend_api: backend.backend_api,
                func_info: backend.func_info,
                mock_info: backend.mock_info,
                backend_params,
                policy_https: backend.policy_https,
                policy_functions: backend.policy_functions,
                policy_mocks: backend.policy_mocks,
            },
        )
}

fn authorizer(name: String) -> impl Strategy<Value = AuthorizerDef> {
    (
        one_of(AuthorizerKind::ALL),
        "urn:fss:[a-z0-9:_-]{1,20}",
        option::of(one_of(NetworkType::ALL)),
        option::of(text()),
        option::of(text()),
        option::of(vec(
            (ident(), one_of(IdentityLocation::ALL), option::of(text())).prop_map(
                |(name, location, validation)| IdentityDef {
                    name,
                    location,
                    validation,
                },
            ),
            0..3,
        )),
        option::of(0i64..3600),
        option::of(text()),
        option::of(any::<bool>()),
    )
        .prop_map(
            move |(kind, uri, network, version, alias, identities, ttl, user_data, need_body)| {
                AuthorizerDef {
                    name: name.clone(),
                    authorizer_kind: kind,
                    authorizer_type: AuthorizerType::Func,
                    authorizer_uri: uri,
                    network_type: network,
                    authorizer_version: version,
                    authorizer_alias_uri: alias,
                    identities,
                    ttl,
                    user_data,
                    need_body,
                }
            },
        )
}

fn throttle(name: String) -> impl Strategy<Value = ThrottleDef> {
    (
        option::of(one_of(ThrottleType::ALL)),
        1i64..1_000_000,
        option::of(1i64..1000),
        option::of(1i64..1000),
        option::of(1i64..1000),
        1i64..100,
        one_of(TimeUnit::ALL),
        vec(
            (one_of(SpecialObjectType::ALL), "[0-9a-f]{8}", 1i64..1000).prop_map(
                |(object_type, object_name, call_limits)| ThrottleSpecialDef {
                    object_type,
                    object_name,
                    call_limits,
                },
            ),
            0..3,
        ),
    )
        .prop_map(
            move |(kind, api, user, app, ip, interval, unit, special)| ThrottleDef {
                name: name.clone(),
                throttle_type: kind,
                api_call_limits: api,
                user_call_limits: user,
                app_call_limits: app,
                ip_call_limits: ip,
                time_interval: interval,
                time_unit: unit,
                enable_adaptive_control: None,
                remark: None,
                special,
            },
        )
}

fn acl(name: String) -> impl Strategy<Value = AclDef> {
    (one_of(AclType::ALL), one_of(AclEntityType::ALL), text()).prop_map(
        move |(acl_type, entity_type, value)| AclDef {
            acl_name: name.clone(),
            acl_type,
            acl_value: value,
            entity_type,
        },
    )
}

fn group_response(name: String) -> impl Strategy<Value = GroupResponseDef> {
    let header = (option::of(ident()), option::of(text()))
        .prop_map(|(key, value)| ResponseInfoHeaderDef { key, value });
    let info = (
        option::of(200i64..600),
        option::of(text()),
        option::of(vec(header, 0..3)),
    )
        .prop_map(|(status, body, headers)| ResponseInfoDef {
            status,
            body,
            headers,
        });
    proptest::collection::btree_map(one_of(ResponseErrorType::ALL), info, 0..3).prop_map(
        move |responses: BTreeMap<_, _>| GroupResponseDef {
            name: name.clone(),
            responses: Some(responses),
        },
    )
}

/// Bindings in the order an import finds them: by first use, walking the APIs in order.
fn bindings<T>(
    apis: &[String],
    chosen: &[Vec<String>],
    make: impl Fn(String, Vec<String>) -> T,
) -> Vec<T> {
    let mut order: Vec<String> = Vec::new();
    let mut bound: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (api, policies) in apis.iter().zip(chosen) {
        for p in policies {
            if !order.contains(p) {
                order.push(p.clone());
            }
            bound.entry(p.clone()).or_default().push(api.clone());
        }
    }
    order
        .into_iter()
        .map(|p| {
            let apis = bound.remove(&p).unwrap_or_default();
            make(p, apis)
        })
        .collect()
}

fn definition() -> impl Strategy<Value = Definition> {
    (
        (ident(), option::of(text())),
        0usize..4,
        vec(ident(), 0..3).prop_map(uniq),
        vec(ident(), 0..3).prop_map(uniq),
        vec(ident(), 0..3).prop_map(uniq),
        vec(ident(), 1..5).prop_map(uniq),
    )
        .prop_flat_map(
            |((group, remark), authorizers, throttles, acls, responses, apis)| {
                let authorizer_defs: Vec<_> = (0..authorizers)
                    .map(|n| authorizer(format!("authorizer_{n}")))
                    .collect();
                let throttle_defs: Vec<_> = throttles.iter().cloned().map(throttle).collect();
                let acl_defs: Vec<_> = acls.iter().cloned().map(acl).collect();
                let response_defs: Vec<_> = responses.into_iter().map(group_response).collect();
                let api_defs: Vec<_> = apis
                    .iter()
                    .enumerate()
                    .map(|(i, name)| api(name.clone(), format!("/r{i}")))
                    .collect();
                // Per API: at most one throttle, at most one ACL (a dangling name now and then),
                // any set of plug-ins.
                let pick = |pool: Vec<String>| {
                    let mut pool = pool;
                    pool.push("undefined_policy".to_owned());
                    option::of(proptest::sample::select(pool))
                        .prop_map(|p| p.into_iter().collect::<Vec<_>>())
                };
                let n = apis.len();
                let throttle_choice = vec(pick(throttles), n);
                let acl_choice = vec(pick(acls), n);
                let plugin_choice = vec(
                    proptest::sample::subsequence(vec!["plugin_a", "plugin_b", "plugin_c"], 0..3)
                        .prop_map(|v| v.into_iter().map(str::to_owned).collect::<Vec<_>>()),
                    n,
                );
                (
                    Just((group, remark, apis)),
                    authorizer_defs,
                    throttle_defs,
                    acl_defs,
                    response_defs,
                    api_defs,
                    (throttle_choice, acl_choice, plugin_choice),
                )
            },
        )
        .prop_map(
            |(
                (group, remark, api_names),
                authorizers,
                throttles,
                acls,
                responses,
                apis,
                (t, a, p),
            )| {
                Definition {
                    schema: None,
                    apigctl: FormatVersion::V1,
                    group: ApiGroupDef {
                        name: group,
                        remark,
                        version: None,
                    },
                    environments: Vec::new(),
                    authorizers,
                    throttles,
                    acls,
                    plugins: Vec::new(),
                    responses,
                    apis,
                    publications: Vec::new(),
                    throttle_bindings: bindings(&api_names, &t, |throttle, apis| ThrottleBinding {
                        env: None,
                        throttle,
                        apis,
                    }),
                    acl_bindings: bindings(&api_names, &a, |acl, apis| AclBinding {
                        env: None,
                        acl,
                        apis,
                    }),
                    plugin_bindings: bindings(&api_names, &p, |plugin, apis| PluginBinding {
                        env: None,
                        plugin,
                        apis,
                    }),
                }
            },
        )
}

fn reimport(text: String, version: OasVersion) -> Result<Definition, TestCaseError> {
    let mut sources = Sources::new();
    let doc = apigctl::source::load_bytes(
        "exported".into(),
        None,
        text.clone().into_bytes(),
        &mut sources,
        &Limits::default(),
    )
    .map_err(|e| TestCaseError::fail(format!("reload: {e}\n{text}")))?;
    prop_assert_eq!(
        openapi::detect(&doc).ok(),
        Some(DocumentKind::OpenApi(version))
    );
    let problems = openapi::schema::validate(&doc, version);
    prop_assert!(
        problems.is_empty(),
        "not valid OpenAPI {}: {:?}\n{}",
        version,
        problems.iter().map(|d| &d.message).collect::<Vec<_>>(),
        text
    );
    let ws = Workspace::from_parts(sources, doc);
    let result = import(&ws, version, &ImportOptions::default());
    prop_assert!(!result.has_errors(), "{:?}", result.diagnostics);
    Ok(result.definition)
}

fn check(def: &Definition) -> Result<(), TestCaseError> {
    for version in [OasVersion::V2_0, OasVersion::V3_0, OasVersion::V3_1] {
        let result = export(
            def,
            &ExportOptions {
                version,
                define: Define::All,
            },
        );
        prop_assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics);
        let back = reimport(to_yaml(&result.document), version)?;
        prop_assert_eq!(&back, def, "as {}", version);
    }
    Ok(())
}

/// The strategy's value tree is deep; unoptimised test builds need more than the default 2 MiB
/// test-thread stack to generate and shrink it, so the runner gets a thread of its own.
#[test]
fn export_then_import_is_the_identity() {
    let runner = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(|| {
            let config = ProptestConfig {
                cases: std::env::var("PROPTEST_CASES")
                    .ok()
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(128),
                failure_persistence: None,
                ..ProptestConfig::default()
            };
            // A fixed seed keeps CI reproducible; `PROPTEST_RANDOM=1` explores new cases.
            let mut runner = if std::env::var_os("PROPTEST_RANDOM").is_some() {
                proptest::test_runner::TestRunner::new(config)
            } else {
                proptest::test_runner::TestRunner::new_with_rng(
                    config,
                    proptest::test_runner::TestRng::deterministic_rng(
                        proptest::test_runner::RngAlgorithm::ChaCha,
                    ),
                )
            };
            runner
                .run(&definition(), |def| check(&def))
                .map_err(|e| e.to_string())
        })
        .expect("spawn the property-test thread");
    match runner.join() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("{e}"),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}
