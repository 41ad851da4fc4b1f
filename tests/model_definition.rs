//! The definition file: reading, writing, error pointers, key order and its JSON Schema.

use apigctl::model::*;
use apigctl::source::{Limits, Sources, load_bytes, unescape_pointer_token};
use serde_json::{Value, json};

/// A small but complete definition: every top-level section, the three backend kinds with a
/// policy each, and every kind of name reference.
fn example() -> Value {
    serde_json::from_str(EXAMPLE).expect("example is JSON")
}

const EXAMPLE: &str = r##"{
    "apigctl": 1,
    "group": { "name": "orders_api", "remark": "Order service" },
    "environments": [
        {
            "name": "DEV",
            "remark": "Development",
            "variables": [
                { "variable_name": "backend_host", "variable_value": "orders-dev.example.com:8443" }
            ]
        }
    ],
    "authorizers": [
        {
            "name": "token_check",
            "type": "FRONTEND",
            "authorizer_type": "FUNC",
            "authorizer_uri": "urn:fss:eu-de:0123456789abcdef:function:default:token_check",
            "network_type": "V2",
            "identities": [ { "name": "Authorization", "location": "HEADER" } ],
            "ttl": 60
        },
        {
            "name": "backend_signer",
            "type": "BACKEND",
            "authorizer_type": "FUNC",
            "authorizer_uri": "urn:fss:eu-de:0123456789abcdef:function:default:signer"
        }
    ],
    "throttles": [
        {
            "name": "orders_limit",
            "type": 1,
            "api_call_limits": 500,
            "user_call_limits": 300,
            "app_call_limits": 200,
            "ip_call_limits": 100,
            "time_interval": 1,
            "time_unit": "MINUTE",
            "special": [ { "object_type": "APP", "object_name": "partner_app", "call_limits": 250 } ]
        }
    ],
    "acls": [
        {
            "acl_name": "block_scanners",
            "acl_type": "DENY",
            "acl_value": "203.0.113.7,198.51.100.23",
            "entity_type": "IP"
        }
    ],
    "plugins": [
        {
            "plugin_name": "orders_cors",
            "plugin_type": "cors",
            "plugin_scope": "global",
            "plugin_content": "{\"allow_origin\": \"*\"}"
        }
    ],
    "responses": [
        {
            "name": "orders_errors",
            "responses": {
                "THROTTLED": { "status": 429, "body": "{\"error_code\":\"$context.error.code\"}" },
                "ACCESS_DENIED": {
                    "status": 403,
                    "headers": [ { "key": "X-Reason", "value": "acl" } ]
                }
            }
        }
    ],
    "apis": [
        {
            "name": "get_order",
            "type": 1,
            "req_protocol": "HTTPS",
            "req_method": "GET",
            "req_uri": "/orders/{orderId}",
            "auth_type": "AUTHORIZER",
            "authorizer_name": "token_check",
            "match_mode": "NORMAL",
            "remark": "Read one order",
            "tags": [ "orders" ],
            "response_name": "orders_errors",
            "req_params": [
                { "name": "orderId", "type": "STRING", "location": "PATH", "required": 1, "max_size": 36 },
                { "name": "X-Tenant", "type": "STRING", "location": "HEADER", "required": 1 }
            ],
            "backend_type": "HTTP",
            "backend_api": {
                "authorizer_name": "backend_signer",
                "url_domain": "#backend_host#",
                "req_protocol": "HTTPS",
                "req_method": "GET",
                "req_uri": "/internal/orders/{orderId}",
                "timeout": 10000,
                "retry_count": "-1"
            },
            "backend_params": [
                { "origin": "REQUEST", "name": "orderId", "location": "PATH", "value": "orderId" },
                { "origin": "SYSTEM", "name": "X-Request-Id", "location": "HEADER", "value": "$context.requestId" }
            ],
            "policy_https": [
                {
                    "name": "wholesale_route",
                    "effect_mode": "ANY",
                    "req_protocol": "HTTP",
                    "req_method": "GET",
                    "req_uri": "/orders/{orderId}",
                    "timeout": 5000,
                    "vpc_channel_status": 1,
                    "vpc_channel_info": {
                        "vpc_channel_name": "wholesale_channel",
                        "vpc_channel_proxy_host": "wholesale.internal"
                    },
                    "conditions": [
                        {
                            "req_param_name": "X-Tenant",
                            "condition_type": "exact",
                            "condition_origin": "param",
                            "condition_value": "wholesale"
                        },
                        {
                            "sys_param_name": "reqPath",
                            "condition_type": "pattern",
                            "condition_origin": "system",
                            "condition_value": "^/orders/W-"
                        }
                    ]
                }
            ]
        },
        {
            "name": "render_report",
            "type": 2,
            "req_protocol": "HTTPS",
            "req_method": "POST",
            "req_uri": "/reports/{name}",
            "auth_type": "IAM",
            "cors": true,
            "content_type": "application/json",
            "req_params": [ { "name": "name", "type": "STRING", "location": "PATH" } ],
            "backend_type": "FUNCTION",
            "func_info": {
                "function_urn": "urn:fss:eu-de:0123456789abcdef:function:default:render_report",
                "invocation_type": "sync",
                "network_type": "V2",
                "version": "latest",
                "timeout": 30000
            },
            "policy_functions": [
                {
                    "name": "fast_path",
                    "effect_mode": "ALL",
                    "function_urn": "urn:fss:eu-de:0123456789abcdef:function:default:render_fast",
                    "invocation_type": "async",
                    "network_type": "V1",
                    "authorizer_name": "backend_signer",
                    "conditions": [ { "condition_origin": "source", "condition_value": "192.0.2.10" } ]
                }
            ]
        },
        {
            "name": "health",
            "type": 1,
            "req_protocol": "BOTH",
            "req_method": "ANY",
            "req_uri": "/health",
            "auth_type": "APP",
            "auth_opt": { "app_code_auth_type": "HEADER" },
            "match_mode": "SWA",
            "backend_type": "MOCK",
            "mock_info": { "result_content": "{\"status\":\"UP\"}" },
            "policy_mocks": [
                {
                    "name": "maintenance",
                    "effect_mode": "ANY",
                    "result_content": "{\"status\":\"MAINTENANCE\"}",
                    "conditions": [
                        {
                            "cookie_param_name": "maint",
                            "condition_type": "exact",
                            "condition_origin": "cookie",
                            "condition_value": "1"
                        }
                    ]
                }
            ]
        }
    ],
    "publications": [
        { "env": "DEV", "apis": [ "get_order", "render_report", "health" ], "remark": "first release" },
        { "apis": [ "health" ] }
    ],
    "throttle_bindings": [ { "throttle": "orders_limit", "apis": [ "get_order" ] } ],
    "acl_bindings": [ { "env": "DEV", "acl": "block_scanners", "apis": [ "get_order" ] } ],
    "plugin_bindings": [ { "env": "DEV", "plugin": "orders_cors", "apis": [ "get_order", "health" ] } ]
}"##;

fn error_of(value: Value) -> DefinitionError {
    Definition::from_json(value).expect_err("definition must be rejected")
}

/// `value` with the member at `pointer` (its parent must exist) set to `member`.
fn with(mut value: Value, pointer: &str, member: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer");
    value
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .expect("parent object")
        .insert(unescape_pointer_token(key).into_owned(), member);
    value
}

/// `value` without the member at `pointer`.
fn without(mut value: Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer");
    value
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .expect("parent object")
        .remove(key)
        .expect("member exists");
    value
}

#[test]
fn example_round_trips() {
    let input = example();
    let definition = Definition::from_json(input.clone()).expect("example is valid");
    assert_eq!(definition.to_json_value(), input);
}

#[test]
fn references_are_names() {
    let definition = Definition::from_json(example()).unwrap();
    let get_order = &definition.apis[0];
    assert_eq!(get_order.authorizer_name.as_deref(), Some("token_check"));
    assert_eq!(get_order.response_name.as_deref(), Some("orders_errors"));
    let backend = get_order.backend_api.as_ref().unwrap();
    assert_eq!(backend.authorizer_name.as_deref(), Some("backend_signer"));
    let policy = &get_order.policy_https.as_ref().unwrap()[0];
    let vpc = policy.vpc_channel_info.as_ref().unwrap();
    assert_eq!(vpc.vpc_channel_name, "wholesale_channel");
    assert_eq!(
        policy.conditions[1].sys_param_name,
        Some(SysParamName::LegacyReqPath)
    );
    assert_eq!(
        definition.throttles[0].special[0].object_name,
        "partner_app"
    );
    assert_eq!(definition.publications[1].env, None);
    assert_eq!(definition.acl_bindings[0].acl, "block_scanners");
}

#[test]
fn typo_is_reported_at_its_exact_pointer() {
    let input = example();
    let method = input["apis"][0]["backend_api"]["req_method"].clone();
    let input = with(
        without(input, "/apis/0/backend_api/req_method"),
        "/apis/0/backend_api/req_mehtod",
        method,
    );
    let error = error_of(input);
    assert_eq!(error.pointer, "/apis/0/backend_api/req_mehtod");
    assert!(
        error
            .message
            .starts_with("unknown field `req_mehtod`, expected one of"),
        "{}",
        error.message
    );
    assert!(
        error
            .to_string()
            .ends_with("(at /apis/0/backend_api/req_mehtod)"),
        "{error}"
    );
}

/// The pointer leads back to the offending key in the loaded file, so the caller can print
/// `file:line:col`.
#[test]
fn pointer_resolves_to_the_key_in_the_source_file() {
    let text = "\
apigctl: 1
group:
  name: orders_api
apis:
  - name: health
    type: 1
    req_protocol: HTTPS
    req_method: GET
    req_uri: /health
    auth_type: NONE
    backend_type: MOCK
    mock_info:
      result_contnet: UP
";
    let mut sources = Sources::new();
    let document = load_bytes(
        "orders.yaml".to_string(),
        None,
        text.as_bytes().to_vec(),
        &mut sources,
        &Limits::default(),
    )
    .expect("valid YAML");
    let error = error_of(document.root.to_json());
    assert_eq!(error.pointer, "/apis/0/mock_info/result_contnet");
    let located = document
        .root
        .pointer(&error.pointer)
        .expect("pointer resolves");
    let location = sources.file(document.file).location(located.label_span());
    assert_eq!(location, "orders.yaml:13:7");
}

#[test]
fn rest_id_fields_are_not_accepted_in_a_definition() {
    for (pointer, value) in [
        (
            "/apis/0/group_id",
            json!("c77f5e81d9cb4424bf704ef2b0ac7600"),
        ),
        (
            "/apis/0/authorizer_id",
            json!("0d982c1ac3da493dae47627b6439fc5c"),
        ),
        (
            "/apis/0/backend_api/authorizer_id",
            json!("5b8cd3f06f004115"),
        ),
        (
            "/apis/0/policy_https/0/vpc_channel_info/vpc_channel_id",
            json!("56a7d7358e1b42459c9d730d65b14e59"),
        ),
        ("/apis/0/id", json!("5f918d104dc84480a75166ba99efff21")),
        (
            "/throttles/0/special/0/object_id",
            json!("356de8eb7a87421685"),
        ),
        (
            "/environments/0/variables/0/env_id",
            json!("7a1ad0c350844ee6"),
        ),
    ] {
        let error = error_of(with(example(), pointer, value));
        assert_eq!(error.pointer, pointer, "{error}");
        assert!(error.message.starts_with("unknown field"), "{error}");
    }
}

#[test]
fn other_errors_carry_pointers_too() {
    // Missing field: the pointer is the object that lacks it.
    let error = error_of(without(example(), "/throttles/0/name"));
    assert_eq!(error.pointer, "/throttles/0");
    assert_eq!(error.message, "missing field `name`");

    // Unknown enumeration value.
    let error = error_of(with(example(), "/throttles/0/time_unit", json!("WEEK")));
    assert_eq!(error.pointer, "/throttles/0/time_unit");
    assert_eq!(
        error.message,
        "unknown variant `WEEK`, expected one of `SECOND`, `MINUTE`, `HOUR`, `DAY`"
    );

    // Unknown integer value.
    let error = error_of(with(example(), "/apis/2/type", json!(3)));
    assert_eq!(error.pointer, "/apis/2/type");
    assert_eq!(
        error.message,
        "invalid value: integer `3`, expected `1` or `2`"
    );

    // Unknown map key.
    let error = error_of(with(
        example(),
        "/responses/0/responses/TEAPOT",
        json!({ "status": 418 }),
    ));
    assert_eq!(error.pointer, "/responses/0/responses/TEAPOT");

    // Wrong type.
    let error = error_of(with(example(), "/apis/1/cors", json!("yes")));
    assert_eq!(error.pointer, "/apis/1/cors");
    assert_eq!(
        error.message,
        "invalid type: string \"yes\", expected a boolean"
    );

    // Format marker.
    let error = error_of(with(example(), "/apigctl", json!(2)));
    assert_eq!(error.pointer, "/apigctl");
    let error = error_of(without(example(), "/apigctl"));
    assert_eq!(error.pointer, "");
    assert_eq!(error.message, "missing field `apigctl`");

    // Pointer tokens are escaped (RFC 6901).
    let error = error_of(with(example(), "/group/a~1b", json!(1)));
    assert_eq!(error.pointer, "/group/a~1b");
    assert!(error.message.starts_with("unknown field `a/b`"), "{error}");
}

#[test]
fn empty_lists_are_omitted() {
    let minimal = json!({ "apigctl": 1, "group": { "name": "orders_api" } });
    let definition = Definition::from_json(minimal.clone()).unwrap();
    assert!(definition.apis.is_empty());
    assert_eq!(definition.to_json_value(), minimal);
}

#[test]
fn schema_accepts_the_example_and_rejects_typos() {
    let schema = Definition::json_schema();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let input = example();
    let errors: Vec<String> = validator
        .iter_errors(&input)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let typo = with(example(), "/apis/0/backend_api/req_mehtod", json!("GET"));
    assert!(!validator.is_valid(&typo));
    let typo = with(
        example(),
        "/apis/0/authorizer_id",
        json!("0d982c1ac3da493d"),
    );
    assert!(!validator.is_valid(&typo));
    let bad_enum = with(example(), "/apis/0/req_method", json!("FETCH"));
    assert!(!validator.is_valid(&bad_enum));
}

/// Pins the key order of a written definition: declaration order, top-level sections in the
/// order objects must exist on a gateway.
#[test]
fn serialised_key_order() {
    let definition = Definition::from_json(example()).unwrap();
    let text = serde_json::to_string_pretty(&definition).unwrap();
    insta::assert_snapshot!(text, @r##"
    {
      "apigctl": 1,
      "group": {
        "name": "orders_api",
        "remark": "Order service"
      },
      "environments": [
        {
          "name": "DEV",
          "remark": "Development",
          "variables": [
            {
              "variable_name": "backend_host",
              "variable_value": "orders-dev.example.com:8443"
            }
          ]
        }
      ],
      "authorizers": [
        {
          "name": "token_check",
          "type": "FRONTEND",
          "authorizer_type": "FUNC",
          "authorizer_uri": "urn:fss:eu-de:0123456789abcdef:function:default:token_check",
          "network_type": "V2",
          "identities": [
            {
              "name": "Authorization",
              "location": "HEADER"
            }
          ],
          "ttl": 60
        },
        {
          "name": "backend_signer",
          "type": "BACKEND",
          "authorizer_type": "FUNC",
          "authorizer_uri": "urn:fss:eu-de:0123456789abcdef:function:default:signer"
        }
      ],
      "throttles": [
        {
          "name": "orders_limit",
          "type": 1,
          "api_call_limits": 500,
          "user_call_limits": 300,
          "app_call_limits": 200,
          "ip_call_limits": 100,
          "time_interval": 1,
          "time_unit": "MINUTE",
          "special": [
            {
              "object_type": "APP",
              "object_name": "partner_app",
              "call_limits": 250
            }
          ]
        }
      ],
      "acls": [
        {
          "acl_name": "block_scanners",
          "acl_type": "DENY",
          "acl_value": "203.0.113.7,198.51.100.23",
          "entity_type": "IP"
        }
      ],
      "plugins": [
        {
          "plugin_name": "orders_cors",
          "plugin_type": "cors",
          "plugin_scope": "global",
          "plugin_content": "{\"allow_origin\": \"*\"}"
        }
      ],
      "responses": [
        {
          "name": "orders_errors",
          "responses": {
            "THROTTLED": {
              "status": 429,
              "body": "{\"error_code\":\"$context.error.code\"}"
            },
            "ACCESS_DENIED": {
              "status": 403,
              "headers": [
                {
                  "key": "X-Reason",
                  "value": "acl"
                }
              ]
            }
          }
        }
      ],
      "apis": [
        {
          "name": "get_order",
          "type": 1,
          "req_protocol": "HTTPS",
          "req_method": "GET",
          "req_uri": "/orders/{orderId}",
          "auth_type": "AUTHORIZER",
          "authorizer_name": "token_check",
          "match_mode": "NORMAL",
          "remark": "Read one order",
          "tags": [
            "orders"
          ],
          "response_name": "orders_errors",
          "req_params": [
            {
              "name": "orderId",
              "type": "STRING",
              "location": "PATH",
              "required": 1,
              "max_size": 36
            },
            {
              "name": "X-Tenant",
              "type": "STRING",
              "location": "HEADER",
              "required": 1
            }
          ],
          "backend_type": "HTTP",
          "backend_api": {
            "authorizer_name": "backend_signer",
            "url_domain": "#backend_host#",
            "req_protocol": "HTTPS",
            "req_method": "GET",
            "req_uri": "/internal/orders/{orderId}",
            "timeout": 10000,
            "retry_count": "-1"
          },
          "backend_params": [
            {
              "origin": "REQUEST",
              "name": "orderId",
              "location": "PATH",
              "value": "orderId"
            },
            {
              "origin": "SYSTEM",
              "name": "X-Request-Id",
              "location": "HEADER",
              "value": "$context.requestId"
            }
          ],
          "policy_https": [
            {
              "name": "wholesale_route",
              "effect_mode": "ANY",
              "req_protocol": "HTTP",
              "req_method": "GET",
              "req_uri": "/orders/{orderId}",
              "timeout": 5000,
              "conditions": [
                {
                  "req_param_name": "X-Tenant",
                  "condition_type": "exact",
                  "condition_origin": "param",
                  "condition_value": "wholesale"
                },
                {
                  "sys_param_name": "reqPath",
                  "condition_type": "pattern",
                  "condition_origin": "system",
                  "condition_value": "^/orders/W-"
                }
              ],
              "vpc_channel_info": {
                "vpc_channel_proxy_host": "wholesale.internal",
                "vpc_channel_name": "wholesale_channel"
              },
              "vpc_channel_status": 1
            }
          ]
        },
        {
          "name": "render_report",
          "type": 2,
          "req_protocol": "HTTPS",
          "req_method": "POST",
          "req_uri": "/reports/{name}",
          "auth_type": "IAM",
          "cors": true,
          "content_type": "application/json",
          "req_params": [
            {
              "name": "name",
              "type": "STRING",
              "location": "PATH"
            }
          ],
          "backend_type": "FUNCTION",
          "func_info": {
            "function_urn": "urn:fss:eu-de:0123456789abcdef:function:default:render_report",
            "invocation_type": "sync",
            "network_type": "V2",
            "version": "latest",
            "timeout": 30000
          },
          "policy_functions": [
            {
              "name": "fast_path",
              "effect_mode": "ALL",
              "function_urn": "urn:fss:eu-de:0123456789abcdef:function:default:render_fast",
              "invocation_type": "async",
              "network_type": "V1",
              "conditions": [
                {
                  "condition_origin": "source",
                  "condition_value": "192.0.2.10"
                }
              ],
              "authorizer_name": "backend_signer"
            }
          ]
        },
        {
          "name": "health",
          "type": 1,
          "req_protocol": "BOTH",
          "req_method": "ANY",
          "req_uri": "/health",
          "auth_type": "APP",
          "auth_opt": {
            "app_code_auth_type": "HEADER"
          },
          "match_mode": "SWA",
          "backend_type": "MOCK",
          "mock_info": {
            "result_content": "{\"status\":\"UP\"}"
          },
          "policy_mocks": [
            {
              "name": "maintenance",
              "effect_mode": "ANY",
              "result_content": "{\"status\":\"MAINTENANCE\"}",
              "conditions": [
                {
                  "cookie_param_name": "maint",
                  "condition_type": "exact",
                  "condition_origin": "cookie",
                  "condition_value": "1"
                }
              ]
            }
          ]
        }
      ],
      "publications": [
        {
          "env": "DEV",
          "apis": [
            "get_order",
            "render_report",
            "health"
          ],
          "remark": "first release"
        },
        {
          "apis": [
            "health"
          ]
        }
      ],
      "throttle_bindings": [
        {
          "throttle": "orders_limit",
          "apis": [
            "get_order"
          ]
        }
      ],
      "acl_bindings": [
        {
          "env": "DEV",
          "acl": "block_scanners",
          "apis": [
            "get_order"
          ]
        }
      ],
      "plugin_bindings": [
        {
          "env": "DEV",
          "plugin": "orders_cors",
          "apis": [
            "get_order",
            "health"
          ]
        }
      ]
    }
    "##);
}

/// Every definition file under `dir`, recursively, as (path, loaded document).
fn definitions_under(dir: &std::path::Path, out: &mut Vec<(String, apigctl::source::Document)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            definitions_under(&path, out);
            continue;
        }
        let name = path.display().to_string();
        if !(name.ends_with(".yaml") || name.ends_with(".json")) {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let mut sources = Sources::default();
        let Ok(doc) = load_bytes(name.clone(), None, bytes, &mut sources, &Limits::default())
        else {
            continue;
        };
        if matches!(
            apigctl::openapi::detect(&doc),
            Ok(apigctl::openapi::DocumentKind::Definition)
        ) {
            out.push((name, doc));
        }
    }
}

#[test]
fn reading_from_the_tree_gives_what_reading_from_json_gives() {
    let mut docs = Vec::new();
    definitions_under(std::path::Path::new("testdata"), &mut docs);
    // Valid and invalid definitions alike (the rule fixtures hold many of both).
    assert!(docs.len() > 50, "{}", docs.len());
    let mut invalid = 0;
    for (name, doc) in &docs {
        let from_json = Definition::from_json(doc.root.to_json());
        invalid += usize::from(from_json.is_err());
        assert_eq!(Definition::from_node(&doc.root), from_json, "{name}");
    }
    assert!(invalid > 0);
    // Values the fast reading leaves to serde_json: numbers where strings belong and the
    // reverse, fractions and out-of-range integers, nulls, unknown enumeration values.
    let example = example();
    for (pointer, member) in [
        ("/apis/0/backend_api/timeout", json!(1.5)),
        ("/apis/0/backend_api/timeout", json!("100")),
        (
            "/apis/0/backend_api/timeout",
            json!(18446744073709551615u64),
        ),
        ("/apis/0/name", json!(7)),
        ("/apis/0/name", Value::Null),
        ("/apis/0/req_method", json!("FETCH")),
        ("/apis/0/cors", json!("yes")),
        ("/apis/0/tags", json!(["a", 1])),
    ] {
        let value = with(example.clone(), pointer, member.clone());
        let text = serde_json::to_string(&value).unwrap();
        let mut sources = Sources::default();
        let doc = load_bytes(
            "t.json".into(),
            None,
            text.into_bytes(),
            &mut sources,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            Definition::from_node(&doc.root),
            Definition::from_json(doc.root.to_json()),
            "{pointer} = {member}"
        );
    }
}
