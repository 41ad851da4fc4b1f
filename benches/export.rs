//! Export of a generated 10,000-API definition against import of the same content, end to end
//! in process (text in, text out) and for the conversion step alone. Run with
//! `cargo bench --bench export`; results go to BENCHMARKS.md ("Export"). Target: export under
//! 2x the import time.

use std::time::{Duration, Instant};

use apigctl::convert::export::{Define, ExportOptions, export};
use apigctl::convert::import::{ImportOptions, import};
use apigctl::convert::yaml::{definition_to_yaml, to_yaml, write_definition_yaml};
use apigctl::model::*;
use apigctl::openapi::OasVersion;
use apigctl::source::refs::{RefOptions, Workspace};
use apigctl::source::{Document, Limits, Sources, load_bytes};

const APIS: usize = 10_000;
const RUNS: usize = 11;

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn time<T>(mut f: impl FnMut() -> T) -> Duration {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        std::hint::black_box(f());
        times.push(start.elapsed());
    }
    median(times)
}

/// Loads text as the commands load a file.
fn load(name: &str, text: &str) -> (Sources, Document) {
    let mut sources = Sources::new();
    let doc = load_bytes(
        name.into(),
        None,
        text.as_bytes().to_vec(),
        &mut sources,
        &Limits::default(),
    )
    .expect("loads");
    (sources, doc)
}

fn param(name: &str, location: ParamLocation) -> ReqParamDef {
    ReqParamDef {
        name: name.to_owned(),
        param_type: ParamType::String,
        location,
        default_value: None,
        sample_value: Some("x".into()),
        required: Some(YesNo::Yes),
        valid_enable: Some(YesNo::Yes),
        remark: Some("a parameter".into()),
        enumerations: None,
        min_num: None,
        max_num: None,
        min_size: Some(1),
        max_size: Some(64),
        regular: None,
        json_schema: None,
        pass_through: Some(YesNo::Yes),
    }
}

fn backend_param(name: &str) -> BackendParamDef {
    BackendParamDef {
        origin: BackendParamOrigin::Request,
        name: name.to_owned(),
        remark: None,
        location: ParamLocation::Path,
        value: name.to_owned(),
    }
}

/// A definition with `APIS` APIs: a third each HTTP (half behind a VPC channel, with a policy
/// backend), FUNCTION and MOCK; two request parameters each; bound to a throttle and an ACL.
fn definition() -> Definition {
    let mut apis = Vec::with_capacity(APIS);
    for i in 0..APIS {
        let mut api = ApiDef {
            name: format!("api_{i}"),
            api_type: ApiType::Public,
            version: None,
            req_protocol: ReqProtocol::Https,
            req_method: ReqMethod::ALL[i % 7],
            req_uri: format!("/service{}/items/{{id}}", i),
            auth_type: if i % 2 == 0 {
                AuthType::App
            } else {
                AuthType::Iam
            },
            auth_opt: None,
            authorizer_name: None,
            cors: Some(false),
            match_mode: Some(MatchMode::Normal),
            content_type: None,
            remark: Some(format!("API number {i}")),
            tags: Some(vec!["bench".into()]),
            tag: None,
            domain_name: None,
            body_remark: None,
            result_normal_sample: Some("{\"ok\":true}".into()),
            result_failure_sample: None,
            response_name: None,
            req_params: Some(vec![
                param("id", ParamLocation::Path),
                param("X-Trace", ParamLocation::Header),
            ]),
            backend_type: BackendType::Mock,
            backend_api: None,
            func_info: None,
            mock_info: None,
            backend_params: None,
            policy_https: None,
            policy_functions: None,
            policy_mocks: None,
        };
        match i % 3 {
            0 => {
                let vpc = i % 2 == 0;
                api.backend_type = BackendType::Http;
                api.backend_api = Some(BackendApiDef {
                    authorizer_name: None,
                    url_domain: (!vpc).then(|| "backend.example.com:8443".into()),
                    req_protocol: BackendReqProtocol::Https,
                    remark: None,
                    req_method: ReqMethod::Get,
                    version: None,
                    req_uri: format!("/internal/{i}/{{id}}"),
                    timeout: 5000,
                    enable_client_ssl: None,
                    retry_count: Some("-1".into()),
                    vpc_channel_info: vpc.then(|| ApiBackendVpcDef {
                        vpc_channel_proxy_host: None,
                        vpc_channel_name: "channel_a".into(),
                    }),
                    vpc_channel_status: Some(if vpc {
                        VpcChannelStatus::Used
                    } else {
                        VpcChannelStatus::Unused
                    }),
                });
                api.backend_params = Some(vec![backend_param("id")]);
                api.policy_https = Some(vec![ApiPolicyHttpDef {
                    name: format!("policy_{i}"),
                    effect_mode: EffectMode::Any,
                    url_domain: Some("canary.example.com".into()),
                    req_protocol: BackendReqProtocol::Https,
                    req_method: ReqMethod::Get,
                    req_uri: "/canary/{id}".into(),
                    timeout: Some(5000),
                    retry_count: None,
                    backend_params: Some(vec![backend_param("id")]),
                    conditions: vec![ApiConditionDef {
                        req_param_name: Some("X-Trace".into()),
                        sys_param_name: None,
                        cookie_param_name: None,
                        frontend_authorizer_param_name: None,
                        condition_type: Some(ConditionType::Exact),
                        condition_origin: ConditionOrigin::Param,
                        condition_value: "canary".into(),
                    }],
                    authorizer_name: None,
                    vpc_channel_info: None,
                    vpc_channel_status: Some(VpcChannelStatus::Unused),
                }]);
            }
            1 => {
                api.backend_type = BackendType::Function;
                api.func_info = Some(ApiFuncDef {
                    function_urn: format!("urn:fss:eu-de:0123:function:default:fn_{i}"),
                    remark: None,
                    invocation_type: InvocationType::Sync,
                    network_type: NetworkType::V2,
                    version: Some("latest".into()),
                    alias_urn: None,
                    timeout: 5000,
                    authorizer_name: None,
                    req_protocol: None,
                });
            }
            _ => {
                api.mock_info = Some(ApiMockDef {
                    remark: None,
                    result_content: Some("{\"mock\":true}".into()),
                    version: None,
                    authorizer_name: None,
                });
            }
        }
        apis.push(api);
    }
    let names: Vec<String> = apis.iter().map(|a| a.name.clone()).collect();
    Definition {
        schema: None,
        apigctl: FormatVersion::V1,
        group: ApiGroupDef {
            name: "bench_api".into(),
            remark: Some("generated for benches/export.rs".into()),
            version: None,
        },
        environments: Vec::new(),
        authorizers: Vec::new(),
        throttles: vec![ThrottleDef {
            name: "bench_limit".into(),
            throttle_type: Some(ThrottleType::ApiBased),
            api_call_limits: 100,
            user_call_limits: None,
            app_call_limits: None,
            ip_call_limits: None,
            time_interval: 1,
            time_unit: TimeUnit::Second,
            enable_adaptive_control: None,
            remark: None,
            special: Vec::new(),
        }],
        acls: vec![AclDef {
            acl_name: "bench_acl".into(),
            acl_type: AclType::Deny,
            acl_value: "192.0.2.1".into(),
            entity_type: AclEntityType::Ip,
        }],
        plugins: Vec::new(),
        responses: Vec::new(),
        apis,
        publications: Vec::new(),
        throttle_bindings: vec![ThrottleBinding {
            env: None,
            throttle: "bench_limit".into(),
            apis: names.clone(),
        }],
        acl_bindings: vec![AclBinding {
            env: None,
            acl: "bench_acl".into(),
            apis: names,
        }],
        plugin_bindings: Vec::new(),
    }
}

fn main() {
    let def = definition();
    let options = |version| ExportOptions {
        version,
        define: Define::All,
    };
    let definition_text = definition_to_yaml(&def).expect("definition renders");
    println!(
        "generated definition: {APIS} APIs, {:.1} MiB as YAML",
        definition_text.len() as f64 / 1048576.0
    );
    for version in [OasVersion::V2_0, OasVersion::V3_0, OasVersion::V3_1] {
        let openapi_text = to_yaml(&export(&def, &options(version)).document);

        // End to end: text in, text out, as the commands do it.
        let export_e2e = time(|| {
            let (_, doc) = load("def", &definition_text);
            let def = Definition::from_node(&doc.root).expect("valid");
            to_yaml(&export(&def, &options(version)).document)
        });
        let import_e2e = time(|| {
            let (sources, doc) = load("spec", &openapi_text);
            let mut ws = Workspace::from_parts(sources, doc);
            let _ = ws.resolve_refs(&Limits::default(), &RefOptions::default());
            let result = import(&ws, version, &ImportOptions::default());
            // As `apigctl import -o FILE` writes it (the file's own cost aside).
            write_definition_yaml(&result.definition, &mut std::io::sink()).expect("renders")
        });

        // The conversion step alone: definition → tree, tree → definition.
        let export_core = time(|| export(&def, &options(version)));
        let (sources, doc) = load("spec", &openapi_text);
        let ws = Workspace::from_parts(sources, doc);
        let import_core = time(|| import(&ws, version, &ImportOptions::default()));

        println!(
            "OpenAPI {version} ({:.1} MiB): end to end export {:?} vs import {:?} ({:.2}x); conversion alone export {:?} vs import {:?} ({:.2}x)",
            openapi_text.len() as f64 / 1048576.0,
            export_e2e,
            import_e2e,
            export_e2e.as_secs_f64() / import_e2e.as_secs_f64(),
            export_core,
            import_core,
            export_core.as_secs_f64() / import_core.as_secs_f64(),
        );
    }
}
