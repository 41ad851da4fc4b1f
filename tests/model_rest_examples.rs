//! Every JSON example body of the API Reference in `testdata/api-reference` deserialises into
//! its REST type and serialises back to the same JSON value: no field lost, none added.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use apigctl::model::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/api-reference")
}

fn load(file: &str) -> Value {
    let text =
        std::fs::read_to_string(dir().join(file)).unwrap_or_else(|e| panic!("reading {file}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file} is not JSON: {e}"))
}

/// What the round trip is expected to change, when the example itself is off.
#[derive(Clone, Copy)]
enum Expect {
    /// Exactly the input.
    Same,
    /// The input without this member (a misspelt key the REST type does not know).
    Dropped(&'static str),
    /// The input with a top-level key renamed (an alternative spelling read via an alias).
    Renamed(&'static str, &'static str),
}

type Check = fn(&str, Expect) -> Result<(), String>;

fn round_trip<T: DeserializeOwned + Serialize>(file: &str, expect: Expect) -> Result<(), String> {
    let input = load(file);
    let typed: T = serde_path_to_error::deserialize(input.clone())
        .map_err(|e| format!("{file}: does not deserialise: {e} (at {})", e.path()))?;
    let output = serde_json::to_value(&typed).map_err(|e| format!("{file}: {e}"))?;

    let mut expected = input;
    match expect {
        Expect::Same => {}
        Expect::Dropped(pointer) => {
            let (parent, key) = pointer.rsplit_once('/').ok_or("bad pointer")?;
            let removed = expected
                .pointer_mut(parent)
                .and_then(Value::as_object_mut)
                .and_then(|object| object.remove(key));
            if removed.is_none() {
                return Err(format!("{file}: expected {pointer} in the example"));
            }
        }
        Expect::Renamed(from, to) => {
            let object = expected.as_object_mut().ok_or("not an object")?;
            let value = object
                .remove(from)
                .ok_or_else(|| format!("{file}: expected key {from}"))?;
            object.insert(to.to_string(), value);
        }
    }

    if output == expected {
        Ok(())
    } else {
        Err(format!(
            "{file}: round trip differs\n--- expected\n{}\n--- got\n{}",
            serde_json::to_string_pretty(&expected).unwrap_or_default(),
            serde_json::to_string_pretty(&output).unwrap_or_default()
        ))
    }
}

const CASES: &[(&str, Check, Expect)] = &[
    // 3.1.1 API group
    (
        "3.1.1-request-group.json",
        round_trip::<ApiGroupCreate>,
        Expect::Same,
    ),
    (
        "3.1.1-response-group.json",
        round_trip::<ApiGroupCreate>,
        Expect::Same,
    ),
    // 3.2.1 environment
    (
        "3.2.1-request-environment.json",
        round_trip::<EnvCreate>,
        Expect::Same,
    ),
    (
        "3.2.1-response-environment.json",
        round_trip::<EnvCreate>,
        Expect::Same,
    ),
    // 3.3.1 environment variable
    (
        "3.3.1-request-variable.json",
        round_trip::<EnvVariableCreate>,
        Expect::Same,
    ),
    (
        "3.3.1-response-variable.json",
        round_trip::<EnvVariableCreate>,
        Expect::Same,
    ),
    // 3.4.1 request throttling policy
    (
        "3.4.1-request-throttle.json",
        round_trip::<ThrottleBaseInfo>,
        Expect::Same,
    ),
    (
        "3.4.1-response-throttle.json",
        round_trip::<ThrottleBaseInfo>,
        Expect::Same,
    ),
    // 3.5.1 API: requests
    (
        "3.5.1-request-http.json",
        round_trip::<ApiCreate>,
        Expect::Same,
    ),
    (
        "3.5.1-request-grpc.json",
        round_trip::<ApiCreate>,
        Expect::Same,
    ),
    (
        "3.5.1-request-function.json",
        round_trip::<ApiCreate>,
        Expect::Same,
    ),
    (
        "3.5.1-request-mock.json",
        round_trip::<ApiCreate>,
        Expect::Same,
    ),
    // 3.5.1 API: answers
    (
        "3.5.1-response-http.json",
        round_trip::<ApiCreate>,
        Expect::Same,
    ),
    (
        "3.5.1-response-grpc.json",
        round_trip::<ApiCreate>,
        Expect::Same,
    ),
    (
        "3.5.1-response-function.json",
        round_trip::<ApiCreate>,
        Expect::Dropped("/auth_opt/auth_code_auth_type"),
    ),
    (
        "3.5.1-response-mock.json",
        round_trip::<ApiCreate>,
        Expect::Dropped("/auth_opt/auth_code_auth_type"),
    ),
    // 3.5.4 publishing
    (
        "3.5.4-request-publish.json",
        round_trip::<ApiActionInfo>,
        Expect::Same,
    ),
    (
        "3.5.4-response-publish.json",
        round_trip::<ApiActionResult>,
        Expect::Same,
    ),
    // 3.8.1 throttling binding
    (
        "3.8.1-request-throttle-binding.json",
        round_trip::<ThrottleApiBindingCreate>,
        Expect::Same,
    ),
    (
        "3.8.1-response-throttle-binding.json",
        round_trip::<ThrottleBindingResult>,
        Expect::Renamed("throttle_applies", "throttle_applys"),
    ),
    // 3.9.1 excluded throttling configuration
    (
        "3.9.1-request-special.json",
        round_trip::<ThrottleSpecialCreate>,
        Expect::Same,
    ),
    (
        "3.9.1-response-special.json",
        round_trip::<ThrottleSpecialCreate>,
        Expect::Same,
    ),
    // 3.13.1 access control policy
    (
        "3.13.1-request-acl.json",
        round_trip::<ApiAclCreate>,
        Expect::Same,
    ),
    (
        "3.13.1-response-acl.json",
        round_trip::<ApiAclCreate>,
        Expect::Same,
    ),
    // 3.14.1 access control binding
    (
        "3.14.1-request-acl-binding.json",
        round_trip::<AclApiBindingCreate>,
        Expect::Same,
    ),
    (
        "3.14.1-response-acl-binding.json",
        round_trip::<AclBindingResult>,
        Expect::Same,
    ),
    // 3.15.1 custom authorizer
    (
        "3.15.1-request-authorizer.json",
        round_trip::<AuthorizerCreate>,
        Expect::Same,
    ),
    (
        "3.15.1-response-authorizer.json",
        round_trip::<AuthorizerCreate>,
        Expect::Same,
    ),
    // 3.19.1 group response
    (
        "3.19.1-request-response.json",
        round_trip::<GroupResponseCreate>,
        Expect::Same,
    ),
    (
        "3.19.1-response-response.json",
        round_trip::<GroupResponseCreate>,
        Expect::Same,
    ),
    // 3.27.1 plug-ins
    (
        "3.27.1-request-plugin-cors.json",
        round_trip::<PluginCreate>,
        Expect::Same,
    ),
    (
        "3.27.1-request-plugin-set-resp-headers.json",
        round_trip::<PluginCreate>,
        Expect::Same,
    ),
    (
        "3.27.1-request-plugin-rate-limit.json",
        round_trip::<PluginCreate>,
        Expect::Same,
    ),
    (
        "3.27.1-request-plugin-kafka-log.json",
        round_trip::<PluginCreate>,
        Expect::Same,
    ),
    (
        "3.27.1-request-plugin-breaker.json",
        round_trip::<PluginCreate>,
        Expect::Same,
    ),
    (
        "3.27.1-request-plugin-third-auth.json",
        round_trip::<PluginCreate>,
        Expect::Same,
    ),
    // 3.27.6 plug-in binding
    (
        "3.27.6-request-plugin-binding.json",
        round_trip::<PluginOperApiInfo>,
        Expect::Same,
    ),
    (
        "3.27.6-response-plugin-binding.json",
        round_trip::<PluginAttachResult>,
        Expect::Same,
    ),
];

#[test]
fn api_reference_examples_round_trip() {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|(file, check, expect)| check(file, *expect).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_example_file_is_checked() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(dir())
        .expect("testdata/api-reference exists")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    let checked: BTreeSet<String> = CASES.iter().map(|(file, ..)| file.to_string()).collect();
    let unchecked: Vec<_> = on_disk.difference(&checked).collect();
    let missing: Vec<_> = checked.difference(&on_disk).collect();
    assert!(
        unchecked.is_empty(),
        "example files without a check: {unchecked:?}"
    );
    assert!(
        missing.is_empty(),
        "checks without an example file: {missing:?}"
    );
}

/// The REST types read what a gateway newer than the API Reference may add; the definition
/// types refuse what they do not know.
#[test]
fn rest_types_ignore_unknown_fields_definitions_do_not() {
    let acl = serde_json::json!({
        "acl_name": "acl_demo",
        "acl_type": "PERMIT",
        "acl_value": "192.168.1.5",
        "entity_type": "IP",
        "some_future_field": true
    });
    assert!(serde_json::from_value::<ApiAclCreate>(acl.clone()).is_ok());
    let error = serde_json::from_value::<AclDef>(acl)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("unknown field `some_future_field`"),
        "{error}"
    );
}

/// The answer of 3.5.1 carries the gateway-assigned fields; they land in the REST type.
#[test]
fn answers_fill_the_gateway_assigned_fields() {
    let api: ApiCreate = serde_json::from_value(load("3.5.1-response-grpc.json")).unwrap();
    assert_eq!(api.id.as_deref(), Some("8789c9367rd1439f869c23cc0d1ef22"));
    assert_eq!(api.backend_type, BackendType::Grpc);
    let backend = api.backend_api.expect("backend_api");
    assert_eq!(backend.vpc_channel_status, Some(VpcChannelStatus::Used));
    let vpc = backend.vpc_channel_info.expect("vpc_channel_info");
    assert_eq!(vpc.vpc_channel_id, "abcd1234512345678aab9a2614a197ef4");
    assert_eq!(vpc.cascade_flag, Some(false));
    let group = api.api_group_info.expect("api_group_info");
    assert_eq!(group.on_sell_status, Some(OnSellStatus::NotListed));
}
