//! Enumerations accept exactly the documented spellings and name them when refusing a value.

use apigctl::model::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn error<T: DeserializeOwned + std::fmt::Debug>(value: Value) -> String {
    serde_json::from_value::<T>(value)
        .expect_err("value must be rejected")
        .to_string()
}

#[test]
fn unknown_string_value_names_the_allowed_ones() {
    assert_eq!(
        error::<ReqMethod>(json!("FETCH")),
        "unknown variant `FETCH`, expected one of `GET`, `POST`, `PUT`, `DELETE`, `HEAD`, \
         `PATCH`, `OPTIONS`, `ANY`"
    );
    // Spellings are exact: the API Reference writes upper case.
    assert_eq!(
        error::<BackendType>(json!("http")),
        "unknown variant `http`, expected one of `HTTP`, `FUNCTION`, `MOCK`, `GRPC`"
    );
}

#[test]
fn unknown_integer_value_names_the_allowed_ones() {
    assert_eq!(
        error::<ApiType>(json!(3)),
        "invalid value: integer `3`, expected `1` or `2`"
    );
    assert_eq!(
        error::<ApiType>(json!(-1)),
        "invalid value: integer `-1`, expected `1` or `2`"
    );
    assert_eq!(
        error::<ApiType>(json!("1")),
        "invalid type: string \"1\", expected `1` or `2`"
    );
    assert_eq!(
        error::<FormatVersion>(json!(2)),
        "invalid value: integer `2`, expected `1`"
    );
    assert_eq!(
        error::<ThrottleBindingScope>(json!(4)),
        "invalid value: integer `4`, expected one of `1`, `2`, `3`"
    );
    assert_eq!(
        error::<ApiType>(json!(1.0)),
        "invalid type: floating point `1.0`, expected `1` or `2`"
    );
}

#[test]
fn unknown_value_inside_a_body_is_an_error() {
    let body = json!({
        "name": "Api_demo",
        "type": 1,
        "req_protocol": "HTTPS",
        "req_method": "GET",
        "req_uri": "/demo",
        "auth_type": "NONE",
        "backend_type": "MOCK",
        "group_id": "c77f5e81d9cb4424bf704ef2b0ac7600",
        "match_mode": "PREFIX"
    });
    let message = error::<ApiCreate>(body);
    assert!(
        message.starts_with("unknown variant `PREFIX`, expected `SWA` or `NORMAL`"),
        "{message}"
    );
}

fn round_trips<T>(all: &[T], spelling: impl Fn(T) -> Value)
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug + Copy,
{
    for &value in all {
        let json = serde_json::to_value(value).unwrap();
        assert_eq!(json, spelling(value));
        assert_eq!(serde_json::from_value::<T>(json).unwrap(), value);
    }
}

#[test]
fn every_value_round_trips_with_its_documented_spelling() {
    round_trips(ReqProtocol::ALL, |v| json!(v.as_str()));
    round_trips(ReqMethod::ALL, |v| json!(v.as_str()));
    round_trips(AuthType::ALL, |v| json!(v.as_str()));
    round_trips(AppCodeAuthType::ALL, |v| json!(v.as_str()));
    round_trips(MatchMode::ALL, |v| json!(v.as_str()));
    round_trips(BackendType::ALL, |v| json!(v.as_str()));
    round_trips(ContentType::ALL, |v| json!(v.as_str()));
    round_trips(InvocationType::ALL, |v| json!(v.as_str()));
    round_trips(NetworkType::ALL, |v| json!(v.as_str()));
    round_trips(FunctionReqProtocol::ALL, |v| json!(v.as_str()));
    round_trips(BackendReqProtocol::ALL, |v| json!(v.as_str()));
    round_trips(ParamType::ALL, |v| json!(v.as_str()));
    round_trips(ParamLocation::ALL, |v| json!(v.as_str()));
    round_trips(BackendParamOrigin::ALL, |v| json!(v.as_str()));
    round_trips(EffectMode::ALL, |v| json!(v.as_str()));
    round_trips(SysParamName::ALL, |v| json!(v.as_str()));
    round_trips(ConditionType::ALL, |v| json!(v.as_str()));
    round_trips(ConditionOrigin::ALL, |v| json!(v.as_str()));
    round_trips(TimeUnit::ALL, |v| json!(v.as_str()));
    round_trips(AdaptiveControl::ALL, |v| json!(v.as_str()));
    round_trips(SpecialObjectType::ALL, |v| json!(v.as_str()));
    round_trips(AclType::ALL, |v| json!(v.as_str()));
    round_trips(AclEntityType::ALL, |v| json!(v.as_str()));
    round_trips(AuthorizerKind::ALL, |v| json!(v.as_str()));
    round_trips(AuthorizerType::ALL, |v| json!(v.as_str()));
    round_trips(IdentityLocation::ALL, |v| json!(v.as_str()));
    round_trips(PluginType::ALL, |v| json!(v.as_str()));
    round_trips(PluginScope::ALL, |v| json!(v.as_str()));
    round_trips(ResponseErrorType::ALL, |v| json!(v.as_str()));
    round_trips(PublishAction::ALL, |v| json!(v.as_str()));
    round_trips(MinSslVersion::ALL, |v| json!(v.as_str()));
    round_trips(ApiType::ALL, |v| json!(v.value()));
    round_trips(YesNo::ALL, |v| json!(v.value()));
    round_trips(VpcChannelStatus::ALL, |v| json!(v.value()));
    round_trips(ThrottleType::ALL, |v| json!(v.value()));
    round_trips(ThrottleBindingScope::ALL, |v| json!(v.value()));
    round_trips(OnSellStatus::ALL, |v| json!(v.value()));
    round_trips(CnameStatus::ALL, |v| json!(v.value()));
    round_trips(FormatVersion::ALL, |v| json!(v.value()));
}

#[test]
fn spellings_match_the_api_reference() {
    let names = |all: &[ConditionOrigin]| all.iter().map(|v| v.as_str()).collect::<Vec<_>>();
    assert_eq!(
        names(ConditionOrigin::ALL),
        ["param", "source", "system", "cookie", "frontend_authorizer"]
    );
    assert_eq!(
        AclEntityType::ALL
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>(),
        ["IP", "DOMAIN", "DOMAIN_ID"]
    );
    assert_eq!(
        PluginType::ALL
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>(),
        [
            "cors",
            "set_resp_headers",
            "kafka_log",
            "breaker",
            "rate_limit",
            "third_auth"
        ]
    );
    assert_eq!(ReqMethod::Options.to_string(), "OPTIONS");
    assert_eq!(ApiType::Private.to_string(), "2");
}

/// API Reference 3.5.1, Table 3-177 keeps the discarded `reqPath`/`reqMethod` spellings; they
/// are accepted and written back as they were, so a gateway's answer round-trips.
#[test]
fn discarded_spellings_are_accepted_and_kept() {
    for spelling in ["req_path", "req_method", "reqPath", "reqMethod"] {
        let value: SysParamName = serde_json::from_value(json!(spelling)).unwrap();
        assert_eq!(serde_json::to_value(value).unwrap(), json!(spelling));
    }
}

/// An unknown error type as a key of a group response's `responses` map is refused too.
#[test]
fn unknown_map_key_names_the_allowed_ones() {
    let message = error::<GroupResponseCreate>(json!({
        "name": "response_demo",
        "responses": { "TEAPOT": { "status": 418 } }
    }));
    assert!(
        message.starts_with("unknown variant `TEAPOT`, expected one of `AUTH_FAILURE`,"),
        "{message}"
    );
}
