//! Field constraints of request bodies: one function per object, each returning the first
//! violation as the gateway's APIG.2011 error naming the parameter.
//!
//! These are the checks that need only the object itself (lengths, character sets, required
//! companions of an enumeration value, number ranges). Checks that need the rest of the
//! gateway (duplicate names, same method + path + match mode, references to other objects)
//! live in the handlers, next to the store.
//!
//! **One source of truth:** APIs, throttling policies, ACLs, custom authorizers and plug-ins are
//! also checked by the linter's own `given: definition` rules (`rules/*.yaml`), run on the object
//! placed alone in a definition (`lint_object`); the first error-severity finding is the
//! answer. Rules that need the rest of the group (references,
//! duplicates, bindings) are left to the handlers, which see the store.

use crate::model::{
    ApiAclCreate, ApiCreate, ApiGroupCreate, AuthType, AuthorizerCreate, BackendType, EnvCreate,
    EnvVariableCreate, NetworkType, PluginCreate, ThrottleBaseInfo, ThrottleSpecialCreate,
    VpcChannelStatus,
};

use super::ApiError;
use super::apps::AppCreate;

type Check = Result<(), ApiError>;

#[derive(Clone, Copy)]
enum First {
    Letter,
    LetterOrDigit,
}

fn name(param: &str, value: &str, min: usize, max: usize, first: First, extra: &str) -> Check {
    let count = value.chars().count();
    if count < min || count > max {
        return Err(ApiError::invalid(
            param,
            &format!("{min} to {max} characters"),
        ));
    }
    let Some(c) = value.chars().next() else {
        return Err(ApiError::invalid(param, "empty"));
    };
    let first_ok = match first {
        First::Letter => c.is_alphabetic(),
        First::LetterOrDigit => c.is_alphanumeric(),
    };
    if !first_ok {
        return Err(ApiError::invalid(
            param,
            match first {
                First::Letter => "must start with a letter",
                First::LetterOrDigit => "must start with a letter or digit",
            },
        ));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_alphanumeric() || extra.contains(*c)))
    {
        return Err(ApiError::invalid(
            param,
            &format!("character `{bad}` not allowed; letters, digits and `{extra}` are"),
        ));
    }
    Ok(())
}

fn max_len(param: &str, value: Option<&str>, max: usize) -> Check {
    match value {
        Some(v) if v.chars().count() > max => Err(ApiError::invalid(
            param,
            &format!("at most {max} characters"),
        )),
        _ => Ok(()),
    }
}

fn range(param: &str, value: i64, min: i64, max: i64) -> Check {
    if value < min || value > max {
        Err(ApiError::invalid(
            param,
            &format!("between {min} and {max}"),
        ))
    } else {
        Ok(())
    }
}

fn req_uri(param: &str, value: &str) -> Check {
    if !value.starts_with('/') {
        return Err(ApiError::invalid(param, "must start with /"));
    }
    max_len(param, Some(value), 512)?;
    if value.chars().any(char::is_whitespace) {
        return Err(ApiError::invalid(param, "must not contain whitespace"));
    }
    let opens = value.matches('{').count();
    let closes = value.matches('}').count();
    if opens != closes {
        return Err(ApiError::invalid(param, "unbalanced braces"));
    }
    Ok(())
}

/// An API group (API Reference 3.1.1, Table 3-3).
///
/// # Errors
///
/// APIG.2011 naming the first bad parameter.
pub fn group(g: &ApiGroupCreate) -> Check {
    name("name", &g.name, 3, 255, First::LetterOrDigit, "-_./():")?;
    max_len("remark", g.remark.as_deref(), 1000)
}

/// An environment (API Reference 3.2.1, Table 3-56).
///
/// # Errors
///
/// APIG.2011 naming the first bad parameter.
pub fn env(e: &EnvCreate) -> Check {
    name("name", &e.name, 3, 64, First::Letter, "_")?;
    max_len("remark", e.remark.as_deref(), 255)
}

/// An environment variable (API Reference 3.3.1, Table 3-88).
///
/// # Errors
///
/// APIG.2011 naming the first bad parameter.
pub fn env_variable(v: &EnvVariableCreate) -> Check {
    name(
        "variable_name",
        &v.variable_name,
        3,
        32,
        First::Letter,
        "-_",
    )?;
    let len = v.variable_value.chars().count();
    if !(1..=255).contains(&len) {
        return Err(ApiError::invalid("variable_value", "1 to 255 characters"));
    }
    Ok(())
}

/// An API (API Reference 3.5.1, Tables 3-167 to 3-177).
///
/// # Errors
///
/// APIG.2011 (or APIG.2001 for a missing backend) naming the first bad parameter.
pub fn api(a: &ApiCreate) -> Check {
    name("name", &a.name, 3, 255, First::LetterOrDigit, "-_./:()")?;
    max_len("version", a.version.as_deref(), 16)?;
    req_uri("req_uri", &a.req_uri)?;
    max_len("remark", a.remark.as_deref(), 255)?;
    max_len("body_remark", a.body_remark.as_deref(), 20_480)?;
    max_len(
        "result_normal_sample",
        a.result_normal_sample.as_deref(),
        20_480,
    )?;
    max_len(
        "result_failure_sample",
        a.result_failure_sample.as_deref(),
        20_480,
    )?;
    if a.auth_type == AuthType::Authorizer && a.authorizer_id.is_none() {
        return Err(ApiError::missing("authorizer_id"));
    }
    if let Some(tags) = &a.tags {
        if tags.len() > 10 {
            return Err(ApiError::invalid("tags", "at most 10 tags"));
        }
        for tag in tags {
            name("tags", tag, 1, 128, First::Letter, "-*#%.:_")?;
        }
    }
    for (i, p) in a.req_params.iter().flatten().enumerate() {
        name(
            &format!("req_params[{i}].name"),
            &p.name,
            1,
            32,
            First::Letter,
            "-_.",
        )?;
        max_len(&format!("req_params[{i}].remark"), p.remark.as_deref(), 255)?;
    }
    let mut seen = std::collections::HashSet::new();
    for p in a.req_params.iter().flatten() {
        if !seen.insert((p.name.to_ascii_lowercase(), p.location)) {
            return Err(ApiError::exists(
                "APIG.3209",
                format!("The parameter name already exists: {}", p.name),
            ));
        }
    }
    match a.backend_type {
        BackendType::Http | BackendType::Grpc => {
            let Some(backend) = &a.backend_api else {
                return Err(ApiError::missing("backend_api"));
            };
            req_uri("backend_api.req_uri", &backend.req_uri)?;
            range("backend_api.timeout", backend.timeout, 1, 600_000)?;
            max_len("backend_api.version", backend.version.as_deref(), 16)?;
            max_len("backend_api.remark", backend.remark.as_deref(), 255)?;
            let vpc = backend.vpc_channel_status == Some(VpcChannelStatus::Used);
            if vpc && backend.vpc_channel_info.is_none() {
                return Err(ApiError::missing("backend_api.vpc_channel_info"));
            }
            if !vpc && backend.url_domain.as_deref().is_none_or(str::is_empty) {
                return Err(ApiError::missing("backend_api.url_domain"));
            }
        }
        BackendType::Function => {
            let Some(func) = &a.func_info else {
                return Err(ApiError::missing("func_info"));
            };
            if func.function_urn.is_empty() {
                return Err(ApiError::missing("func_info.function_urn"));
            }
            let max = match func.network_type {
                NetworkType::V1 => 60_000,
                NetworkType::V2 => 600_000,
            };
            range("func_info.timeout", func.timeout, 1, max)?;
            max_len("func_info.version", func.version.as_deref(), 64)?;
            max_len("func_info.remark", func.remark.as_deref(), 255)?;
        }
        BackendType::Mock => {
            let Some(mock) = &a.mock_info else {
                return Err(ApiError::missing("mock_info"));
            };
            max_len("mock_info.remark", mock.remark.as_deref(), 255)?;
            max_len("mock_info.version", mock.version.as_deref(), 64)?;
        }
    }
    let mut policy_names = std::collections::HashSet::new();
    let policies = a
        .policy_https
        .iter()
        .flatten()
        .map(|p| (&p.name, "policy_https"))
        .chain(
            a.policy_functions
                .iter()
                .flatten()
                .map(|p| (&p.name, "policy_functions")),
        )
        .chain(
            a.policy_mocks
                .iter()
                .flatten()
                .map(|p| (&p.name, "policy_mocks")),
        );
    for (policy_name, field) in policies {
        name(
            &format!("{field}.name"),
            policy_name,
            3,
            64,
            First::Letter,
            "_",
        )?;
        if !policy_names.insert(policy_name.clone()) {
            return Err(ApiError::exists(
                "APIG.3210",
                format!("The backend policy name already exists: {policy_name}"),
            ));
        }
    }
    // Last, the linter's rules: the specific answers above (a missing field is APIG.2001)
    // come first.
    lint_api(a)
}

/// A request throttling policy (API Reference 3.4.1, Table 3-128).
///
/// # Errors
///
/// APIG.2011 naming the first bad parameter.
pub fn throttle(t: &ThrottleBaseInfo) -> Check {
    name("name", &t.name, 3, 64, First::Letter, "_")?;
    range("api_call_limits", t.api_call_limits, 1, 2_147_483_647)?;
    range("time_interval", t.time_interval, 1, 2_147_483_647)?;
    for (param, value) in [
        ("user_call_limits", t.user_call_limits),
        ("ip_call_limits", t.ip_call_limits),
    ] {
        if let Some(v) = value {
            range(param, v, 0, t.api_call_limits)?;
        }
    }
    if let (Some(app), Some(user)) = (t.app_call_limits, t.user_call_limits) {
        range("app_call_limits", app, 0, user)?;
    } else if let Some(app) = t.app_call_limits {
        range("app_call_limits", app, 0, t.api_call_limits)?;
    }
    max_len("remark", t.remark.as_deref(), 255)?;
    lint_object(t, "throttles")
}

/// An excluded throttling configuration (API Reference 3.9.1, Table 3-505).
///
/// # Errors
///
/// APIG.2011 naming the first bad parameter.
pub fn throttle_special(s: &ThrottleSpecialCreate) -> Check {
    if s.object_id.is_empty() {
        return Err(ApiError::missing("object_id"));
    }
    range("call_limits", s.call_limits, 1, 2_147_483_647)
}

/// An access control policy (API Reference 3.13.1, Table 3-669).
///
/// # Errors
///
/// APIG.2011 naming the first bad parameter.
pub fn acl(a: &ApiAclCreate) -> Check {
    name("acl_name", &a.acl_name, 3, 64, First::Letter, "_")?;
    if a.acl_value.trim().is_empty() {
        return Err(ApiError::missing("acl_value"));
    }
    if a.entity_type == crate::model::AclEntityType::Ip && a.acl_value.split(',').count() > 100 {
        return Err(ApiError::invalid("acl_value", "at most 100 IP addresses"));
    }
    lint_object(a, "acls")
}

/// A custom authorizer (API Reference 3.15.1, Table 3-781).
///
/// # Errors
///
/// APIG.2011 naming the first bad parameter.
pub fn authorizer(a: &AuthorizerCreate) -> Check {
    name("name", &a.name, 3, 64, First::Letter, "_")?;
    if a.authorizer_uri.is_empty() {
        return Err(ApiError::missing("authorizer_uri"));
    }
    max_len("authorizer_version", a.authorizer_version.as_deref(), 64)?;
    if let Some(ttl) = a.ttl {
        range("ttl", ttl, 0, 3600)?;
    }
    max_len("user_data", a.user_data.as_deref(), 2048)?;
    lint_object(a, "authorizers")
}

/// A plug-in (API Reference 3.27.1, Table 3-1530).
///
/// # Errors
///
/// APIG.2011 naming the first bad parameter.
pub fn plugin(p: &PluginCreate) -> Check {
    name("plugin_name", &p.plugin_name, 3, 255, First::Letter, "_-")?;
    max_len("plugin_content", Some(&p.plugin_content), 65_535)?;
    if serde_json::from_str::<serde_json::Value>(&p.plugin_content).is_err() {
        return Err(ApiError::invalid("plugin_content", "not a JSON document"));
    }
    max_len("remark", p.remark.as_deref(), 255)?;
    lint_object(p, "plugins")
}

/// An app (API Reference 3.28.1, Table 3-1734).
///
/// # Errors
///
/// APIG.2011 naming the first bad parameter.
pub fn app(a: &AppCreate) -> Check {
    name("name", &a.name, 3, 64, First::Letter, "_")?;
    max_len("remark", a.remark.as_deref(), 255)?;
    if let Some(key) = &a.app_key {
        name("app_key", key, 8, 200, First::LetterOrDigit, "_-")?;
    }
    if let Some(secret) = &a.app_secret {
        name(
            "app_secret",
            secret,
            8,
            64,
            First::LetterOrDigit,
            "_-+/=!@#$%",
        )?;
    }
    Ok(())
}

/// Rules that need more than the one API (other objects of the group, the store): the handlers
/// check those against the store.
const GROUP_RULES: &[&str] = &[
    "apig-auth-authorizer-required",
    "apig-binding-api-ref",
    "apig-duplicate-api",
    "apig-env-variable-defined",
    "apig-plugin-binding-published",
    "apig-response-ref",
];

/// Runs the linter's error rules for one API on its definition form: the REST body without the
/// gateway ids (a definition names objects; the handlers resolve the ids).
fn lint_api(a: &ApiCreate) -> Check {
    lint_object(a, "apis")
}

/// Runs the linter's error rules (`given: definition`, except [`GROUP_RULES`]) on `object`
/// placed as the only entry of the definition list `list`; the first finding is the answer,
/// naming the field (from its pointer) and the rule.
fn lint_object(object: &impl serde::Serialize, list: &str) -> Check {
    let Ok(mut value) = serde_json::to_value(object) else {
        return Ok(());
    };
    strip_ids(&mut value);
    let mut definition = serde_json::json!({"apigctl": 1, "group": {"name": "group"}});
    definition[list] = serde_json::Value::Array(vec![value]);
    let findings = crate::lint::definition_value_errors(&definition, |r| {
        !GROUP_RULES.contains(&r.id.as_str())
    });
    match findings.into_iter().find(|d| d.is_error()) {
        None => Ok(()),
        Some(d) => {
            let prefix = format!("/{list}/0");
            let parameter = d
                .pointer
                .as_deref()
                .unwrap_or_default()
                .trim_start_matches(prefix.as_str())
                .split('/')
                .filter(|t| !t.is_empty() && t.parse::<usize>().is_err())
                .collect::<Vec<_>>()
                .join(".");
            let parameter = if parameter.is_empty() {
                list.to_owned()
            } else {
                parameter
            };
            Err(ApiError::invalid(
                &parameter,
                &format!("{} ({})", d.message, d.code),
            ))
        }
    }
}

/// Removes the gateway ids a definition does not hold (it refers to objects by name).
fn strip_ids(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for id in [
                "group_id",
                "authorizer_id",
                "response_id",
                "vpc_channel_id",
                "id",
            ] {
                map.remove(id);
            }
            for v in map.values_mut() {
                strip_ids(v);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_ids),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_length_first_character_and_character_set() {
        assert!(name("name", "ok_1", 3, 64, First::Letter, "_").is_ok());
        assert_eq!(
            name("name", "1ab", 3, 64, First::Letter, "_")
                .unwrap_err()
                .code,
            "APIG.2011"
        );
        assert!(name("name", "ab", 3, 64, First::Letter, "_").is_err());
        assert!(name("name", "ab cd", 3, 64, First::Letter, "_").is_err());
        assert!(name("name", "1ab", 3, 64, First::LetterOrDigit, "_").is_ok());
    }
}
