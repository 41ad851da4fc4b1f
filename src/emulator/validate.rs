//! Field constraints of request bodies: one function per object, each returning the first
//! violation as the gateway's APIG.2011 error naming the parameter.
//!
//! **One source of truth:** every object a definition can hold (the group, environments and
//! their variables, APIs, throttling policies and their excluded configurations, ACLs, custom
//! authorizers, plug-ins) is checked by the linter's own `given: definition` rules
//! (`rules/*.yaml`), run on the object placed alone in a definition ([`lint_in`]); the first
//! error is the answer. A constraint is written once, in its rule, so that what `apigctl lint`
//! passes the emulator accepts and the other way round.
//!
//! Publication descriptions are checked the same way ([`publication`]). A repeat the rules
//! find (a request parameter, a backend policy name) is answered with the gateway's own code
//! for it (`OWN_CODES`), not APIG.2011.
//!
//! What stays here is what no definition can express:
//! - the APIG.2001 answers for a missing mandatory field (a gateway id, or the backend object
//!   the type needs), which the gateway gives before it looks at any value, so they come first;
//! - objects a definition does not hold: apps ([`app`]) and the gateway id `object_id` of an
//!   excluded throttling configuration.
//!
//! Rules that need the rest of the group (references, duplicates, bindings) are left to the
//! handlers, which see the store.

use crate::model::{
    ApiAclCreate, ApiCreate, ApiGroupCreate, AuthType, AuthorizerCreate, BackendType, EnvCreate,
    EnvVariableCreate, PluginCreate, ThrottleBaseInfo, ThrottleSpecialCreate, VpcChannelStatus,
};

use super::ApiError;
use super::apps::AppCreate;
use super::checks::{Check, First, at_most, text};

/// An API group (API Reference 3.1.1, Table 3-3): the definition's `group`.
///
/// # Errors
///
/// APIG.2011 naming the first bad parameter.
pub fn group(g: &ApiGroupCreate) -> Check {
    let Some(value) = definition_form(g) else {
        return Ok(());
    };
    lint_in(serde_json::json!({"apigctl": 1, "group": value}), "/group")
}

/// An environment (API Reference 3.2.1, Table 3-56): an entry of `environments`.
///
/// # Errors
///
/// APIG.2011 naming the first bad parameter.
pub fn env(e: &EnvCreate) -> Check {
    lint_object(e, "environments")
}

/// An environment variable (API Reference 3.3.1, Table 3-88): a variable of an environment of
/// the definition (the environment itself is the store's: any valid name stands for it).
///
/// # Errors
///
/// APIG.2011 naming the first bad parameter.
pub fn env_variable(v: &EnvVariableCreate) -> Check {
    let Some(value) = definition_form(v) else {
        return Ok(());
    };
    lint_in(
        with_group(
            "environments",
            serde_json::json!({"name": "env", "variables": [value]}),
        ),
        "/environments/0/variables/0",
    )
}

/// An API (API Reference 3.5.1, Tables 3-167 to 3-177).
///
/// # Errors
///
/// APIG.2001 for a missing mandatory field, APIG.3209 / APIG.3210 for a repeated parameter or
/// backend policy name (the rules of `OWN_CODES`), else APIG.2011 naming the first bad parameter.
pub fn api(a: &ApiCreate) -> Check {
    // The APIG.2001 answers first: the gateway names a missing field before judging values
    // (the rules would answer APIG.2011 for some of these: `apig-api-backend-object`).
    if a.auth_type == AuthType::Authorizer && a.authorizer_id.is_none() {
        return Err(ApiError::missing("authorizer_id"));
    }
    match a.backend_type {
        BackendType::Http | BackendType::Grpc => {
            let Some(backend) = &a.backend_api else {
                return Err(ApiError::missing("backend_api"));
            };
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
        }
        BackendType::Mock => {
            if a.mock_info.is_none() {
                return Err(ApiError::missing("mock_info"));
            }
        }
    }
    lint_object(a, "apis")
}

/// The description of a publication (API Reference 3.5.4, Table 3-240; 3.5.9, Table 3-302):
/// an entry of the definition's `publications`.
///
/// # Errors
///
/// APIG.2011 naming `remark`.
pub fn publication(remark: Option<&str>) -> Check {
    let Some(remark) = remark else {
        return Ok(());
    };
    lint_in(
        with_group(
            "publications",
            serde_json::json!({"apis": [], "remark": remark}),
        ),
        "/publications/0",
    )
}

/// A request throttling policy (API Reference 3.4.1, Table 3-128).
///
/// # Errors
///
/// APIG.2011 naming the first bad parameter.
pub fn throttle(t: &ThrottleBaseInfo) -> Check {
    lint_object(t, "throttles")
}

/// An excluded throttling configuration (API Reference 3.9.1, Table 3-505): an entry of a
/// throttling policy's `special` in a definition (the policy is the store's: a valid one stands
/// for it).
///
/// # Errors
///
/// APIG.2001 without `object_id`, else APIG.2011 naming the first bad parameter.
pub fn throttle_special(s: &ThrottleSpecialCreate) -> Check {
    // A gateway id (the app or account), which a definition names instead: no rule sees it.
    if s.object_id.is_empty() {
        return Err(ApiError::missing("object_id"));
    }
    let Some(value) = definition_form(s) else {
        return Ok(());
    };
    lint_in(
        with_group(
            "throttles",
            serde_json::json!({"name": "throttle", "api_call_limits": 1, "time_interval": 1,
                               "time_unit": "SECOND", "special": [value]}),
        ),
        "/throttles/0/special/0",
    )
}

/// An access control policy (API Reference 3.13.1, Table 3-669).
///
/// # Errors
///
/// APIG.2001 without a value, else APIG.2011 naming the first bad parameter.
pub fn acl(a: &ApiAclCreate) -> Check {
    // Mandatory (Table 3-669): an empty value is a missing one, APIG.2001 like the others.
    if a.acl_value.trim().is_empty() {
        return Err(ApiError::missing("acl_value"));
    }
    lint_object(a, "acls")
}

/// A custom authorizer (API Reference 3.15.1, Table 3-781).
///
/// # Errors
///
/// APIG.2001 without `authorizer_uri`, else APIG.2011 naming the first bad parameter.
pub fn authorizer(a: &AuthorizerCreate) -> Check {
    // Mandatory (Table 3-781): an empty URN is a missing one.
    if a.authorizer_uri.is_empty() {
        return Err(ApiError::missing("authorizer_uri"));
    }
    lint_object(a, "authorizers")
}

/// A plug-in (API Reference 3.27.1, Table 3-1530).
///
/// # Errors
///
/// APIG.2011 naming the first bad parameter.
pub fn plugin(p: &PluginCreate) -> Check {
    lint_object(p, "plugins")
}

/// An app (API Reference 3.28.1, Table 3-1734).
///
/// # Errors
///
/// APIG.2011 naming the first bad parameter.
pub fn app(a: &AppCreate) -> Check {
    text("name", &a.name, (3, 64), First::Letter, "_")?;
    at_most("remark", a.remark.as_deref(), 255)?;
    if let Some(key) = &a.app_key {
        text("app_key", key, (8, 200), First::LetterOrDigit, "_-")?;
    }
    if let Some(secret) = &a.app_secret {
        text(
            "app_secret",
            secret,
            (8, 64),
            First::LetterOrDigit,
            "_-+/=!@#$%",
        )?;
    }
    Ok(())
}

/// Rules that need more than the one object (other objects of the group, the store): the
/// handlers check those against the store.
const GROUP_RULES: &[&str] = &[
    "apig-auth-authorizer-required",
    "apig-binding-api-ref",
    "apig-duplicate-api",
    "apig-env-variable-defined",
    "apig-plugin-binding-published",
    "apig-response-ref",
];

/// Rules on apigctl's own conventions, not the gateway's: a gateway accepts what they report
/// (an empty MOCK whose remark marks it as import's stand-in is a valid mock).
const TOOL_RULES: &[&str] = &["apig-backend-placeholder"];

/// Warnings of a document that the gateway's REST API refuses outright: the emulator runs them
/// as errors. Each is a warning because the extension reference (§4) grades it so, for what a
/// document means at import; the API Reference gives the limit the REST API applies.
const REFUSED_WARNINGS: &[&str] = &[
    // §4 #3 [W]; Table 3-3: `remark` Maximum 1000.
    "apig-group-remark-length",
    // §4 #100 [W] (what a converter writes); Table 3-167: `body_remark` at most 20 480.
    "apig-body-remark-length",
    // §4 #10 [W] (a quota can be raised); Table 3-167: 10 tags by default, which an emulated
    // gateway has.
    "apig-api-tags-count",
    // §4 #59 [W] (needs a gateway feature); API Reference 5.4 APIG.3717: no two-way TLS to a
    // plain-HTTP backend.
    "apig-backend-client-ssl",
];

/// Rules whose findings the gateway answers with an error code of its own (API Reference 5.4)
/// rather than APIG.2011, with the text of that answer, which names the repeated value. They
/// come before any other finding, as the gateway's own checks of repeats did.
const OWN_CODES: &[(&str, &str, &str)] = &[
    (
        "apig-header-param-unique",
        "APIG.3209",
        "The parameter name already exists",
    ),
    (
        "apig-backend-policy-name-unique",
        "APIG.3210",
        "The backend policy name already exists",
    ),
];

/// `object` as a definition holds it: its JSON without the gateway ids (a definition names
/// objects; the handlers resolve the ids). `None` only if it cannot be serialised, which the
/// model types rule out.
fn definition_form(object: &impl serde::Serialize) -> Option<serde_json::Value> {
    let mut value = serde_json::to_value(object).ok()?;
    strip_ids(&mut value);
    Some(value)
}

/// A definition of a placeholder group with `value` as the only entry of the list `list`.
fn with_group(list: &str, value: serde_json::Value) -> serde_json::Value {
    let mut definition = serde_json::json!({"apigctl": 1, "group": {"name": "group"}});
    definition[list] = serde_json::Value::Array(vec![value]);
    definition
}

/// Runs the linter's error rules on `object` placed as the only entry of the definition list
/// `list`.
fn lint_object(object: &impl serde::Serialize, list: &str) -> Check {
    let Some(value) = definition_form(object) else {
        return Ok(());
    };
    lint_in(with_group(list, value), &format!("/{list}/0"))
}

/// Runs the linter's error rules (`given: definition`, except [`GROUP_RULES`], and the
/// [`REFUSED_WARNINGS`]) on `definition`, where the object asked for is at `at`; the first
/// finding is the answer, naming the field (from its pointer below `at`) and the rule.
fn lint_in(definition: serde_json::Value, at: &str) -> Check {
    let findings = crate::lint::definition_value_errors_with(
        &definition,
        |r| !GROUP_RULES.contains(&r.id.as_str()) && !TOOL_RULES.contains(&r.id.as_str()),
        REFUSED_WARNINGS,
    );
    let own = findings.iter().find_map(|d| {
        let (_, code, text) = OWN_CODES.iter().find(|(id, _, _)| *id == d.code)?;
        Some((d, *code, *text))
    });
    if let Some((d, code, text)) = own {
        let value = d
            .pointer
            .as_deref()
            .and_then(|p| definition.pointer(p))
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default();
        return Err(ApiError::exists(code, format!("{text}: {value}")));
    }
    match findings.into_iter().find(|d| d.is_error()) {
        None => Ok(()),
        Some(d) => {
            let parameter = d
                .pointer
                .as_deref()
                .unwrap_or_default()
                .trim_start_matches(at)
                .split('/')
                .filter(|t| !t.is_empty() && t.parse::<usize>().is_err())
                .collect::<Vec<_>>()
                .join(".");
            // A finding on the object itself names the list it is an entry of.
            let parameter = if parameter.is_empty() {
                at.split('/')
                    .rfind(|t| !t.is_empty() && t.parse::<usize>().is_err())
                    .unwrap_or_default()
                    .to_owned()
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
