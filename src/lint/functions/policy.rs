//! Functions about gateway-level objects and their bindings: throttling policies, access control
//! policies, plug-ins, environments and their variables.

use std::collections::HashMap;
use std::net::IpAddr;

use super::{ArgDef, ArgKind, Call, Finding, FunctionDef};
use crate::lint::selector::Target;
use crate::source::{Node, Number, Pointer};

/// `unique-items`: within one sequence, no two items share the same values of `fields`.
/// A scalar as text for comparisons (`444` and `"444"` alike); other nodes by kind.
fn scalar_text(node: &Node) -> String {
    if let Some(s) = node.as_str() {
        return s.to_owned();
    }
    match node.to_json() {
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(b) => b.to_string(),
        _ => node.value.kind().to_owned(),
    }
}

/// `not-in`: a scalar is none of a list of values.
pub const NOT_IN: FunctionDef = FunctionDef {
    name: "not-in",
    description: "On a scalar: its text (numbers as written in JSON, e.g. `444`) is none of `values`. Reports the scalar.",
    args: &[ArgDef {
        name: "values",
        kind: ArgKind::StringList,
        required: true,
        description: "the excluded values, as text",
    }],
    placeholders: &[],
    run: not_in,
};

fn not_in(call: &Call<'_, '_>) -> Vec<Finding> {
    let node = call.target.node;
    if node.as_map().is_some() || node.as_seq().is_some() {
        return Vec::new();
    }
    let text = scalar_text(node);
    if call.list_arg("values").contains(&text.as_str()) {
        vec![Finding::at(call.target.pointer.clone())]
    } else {
        Vec::new()
    }
}

/// `exceeds`: a number above a soft limit, but not above the hard one another rule reports.
pub const EXCEEDS: FunctionDef = FunctionDef {
    name: "exceeds",
    description: "On a number: it is greater than `limit` and, when `until` is given, at most `until` (a number above `until` is the finding of a rule with that hard limit). Reports the number.",
    args: &[
        ArgDef {
            name: "limit",
            kind: ArgKind::Count,
            required: true,
            description: "the soft limit: greater numbers are reported",
        },
        ArgDef {
            name: "until",
            kind: ArgKind::Count,
            required: false,
            description: "the hard limit another rule reports beyond: greater numbers are not reported here",
        },
    ],
    placeholders: &["limit"],
    run: exceeds,
};

fn exceeds(call: &Call<'_, '_>) -> Vec<Finding> {
    let (Some(n), Some(limit)) = (
        call.target.node.as_number().map(Number::as_f64),
        call.count_arg("limit"),
    ) else {
        return Vec::new();
    };
    // Counts are far below 2^53, so they are exact as f64.
    let over = n > limit as f64;
    let within = call
        .count_arg("until")
        .is_none_or(|until| n <= until as f64);
    if over && within {
        vec![Finding::at(call.target.pointer.clone()).arg("limit", limit.to_string())]
    } else {
        Vec::new()
    }
}

/// `json-object`: a string holds a JSON object.
pub const JSON_OBJECT: FunctionDef = FunctionDef {
    name: "json-object",
    description: "On a string: it parses as JSON and the document is an object (`{...}`). Reports the string with the parser's complaint.",
    args: &[],
    placeholders: &["error"],
    run: json_object,
};

fn json_object(call: &Call<'_, '_>) -> Vec<Finding> {
    let Some(text) = call.target.node.as_str() else {
        return Vec::new();
    };
    let error = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(_)) => return Vec::new(),
        Ok(other) => format!(
            "it is a JSON {}, not an object",
            match other {
                serde_json::Value::Array(_) => "array",
                serde_json::Value::String(_) => "string",
                serde_json::Value::Number(_) => "number",
                serde_json::Value::Bool(_) => "boolean",
                _ => "null",
            }
        ),
        Err(e) => e.to_string(),
    };
    vec![Finding::at(call.target.pointer.clone()).arg("error", error)]
}

/// `binding-unique`: in one bindings list, an API is bound at most once per environment.
pub const BINDING_UNIQUE: FunctionDef = FunctionDef {
    name: "binding-unique",
    description: "On a bindings sequence (`throttle_bindings`, `acl_bindings`): no API name appears twice for the same `env` (absent `env` = the environment chosen at sync time, its own value), whether in one binding or in two. Each repeat is reported at the API name, with the first as related location.",
    args: &[],
    placeholders: &["api", "env"],
    run: binding_unique,
};

fn binding_unique(call: &Call<'_, '_>) -> Vec<Finding> {
    let mut seen: HashMap<(&str, &str), Pointer> = HashMap::new();
    let mut out = Vec::new();
    for (at, _, env, api) in bound_apis(call.target) {
        match seen.get(&(env, api)) {
            Some(first) => out.push(
                Finding::at(at)
                    .arg("api", api)
                    .arg("env", env_label(env))
                    .related(first.clone(), "first bound here"),
            ),
            None => {
                seen.insert((env, api), at);
            }
        }
    }
    out
}

/// Every `(pointer, binding, env, api)` of a bindings sequence; the env is `""` when absent.
fn bound_apis<'a>(
    bindings: &Target<'a>,
) -> impl Iterator<Item = (Pointer, &'a Node, &'a str, &'a str)> {
    let base = bindings.pointer.clone();
    bindings
        .node
        .as_seq()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .flat_map(move |(i, binding)| {
            let env = binding.get("env").and_then(Node::as_str).unwrap_or("");
            let base = base.index(i).push("apis");
            binding
                .get("apis")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .enumerate()
                .filter_map(move |(j, api)| Some((base.index(j), binding, env, api.as_str()?)))
        })
}

fn env_label(env: &str) -> String {
    if env.is_empty() {
        "(the sync-time environment)".to_owned()
    } else {
        format!("`{env}`")
    }
}

/// `plugin-type-unique`: an API has at most one plug-in of each type per environment.
pub const PLUGIN_TYPE_UNIQUE: FunctionDef = FunctionDef {
    name: "plugin-type-unique",
    description: "On the `plugin_bindings` sequence: no API is bound, in one environment, to two plug-ins with the same `plugin_type` (looked up by `plugin_name` in `$.plugins`; unknown plug-ins are skipped). Each repeat is reported at the API name, with the first binding as related location.",
    args: &[],
    placeholders: &["api", "env", "plugin_type"],
    run: plugin_type_unique,
};

fn plugin_type_unique(call: &Call<'_, '_>) -> Vec<Finding> {
    let types: HashMap<&str, &str> = call
        .root
        .get("plugins")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| {
            Some((
                p.get("plugin_name")?.as_str()?,
                p.get("plugin_type")?.as_str()?,
            ))
        })
        .collect();
    let mut seen: HashMap<(&str, &str, &str), Pointer> = HashMap::new();
    let mut out = Vec::new();
    for (at, binding, env, api) in bound_apis(call.target) {
        let Some(kind) = binding
            .get("plugin")
            .and_then(Node::as_str)
            .and_then(|p| types.get(p))
        else {
            continue;
        };
        match seen.get(&(env, api, *kind)) {
            Some(first) => out.push(
                Finding::at(at)
                    .arg("api", api)
                    .arg("env", env_label(env))
                    .arg("plugin_type", *kind)
                    .related(first.clone(), "first plug-in of this type bound here"),
            ),
            None => {
                seen.insert((env, api, kind), at);
            }
        }
    }
    out
}

/// `acl-value`: the objects of an access control policy suit its `entity_type`.
pub const ACL_VALUE: FunctionDef = FunctionDef {
    name: "acl-value",
    description: "On an access control policy (`acl_value`, `entity_type`): the comma-separated objects are non-empty; `IP`: at most 100, each an IPv4/IPv6 address, a CIDR block or an address range `a-b`; `DOMAIN`: each account name at most 64 ASCII characters and not only digits, the whole value at most 1024 characters. Reported at `acl_value`, one finding per problem.",
    args: &[],
    placeholders: &["issue"],
    run: acl_value,
};

/// `acl-ip-ranges`: an IP access control policy lists CIDR blocks or ranges.
pub const ACL_IP_RANGES: FunctionDef = FunctionDef {
    name: "acl-ip-ranges",
    description: "On an access control policy with `entity_type: IP`: reports `acl_value` once per entry that is a CIDR block (`a/n`) or an address range (`a-b`) rather than a single address.",
    args: &[],
    placeholders: &["entry"],
    run: acl_ip_ranges,
};

/// Most objects an IP access control policy may list (API Reference 3.13.1, Table 3-669).
const ACL_MAX_IPS: usize = 100;
/// Longest account name in a DOMAIN policy (API Reference 3.13.1, Table 3-669).
const ACL_MAX_DOMAIN_NAME: usize = 64;
/// Longest `acl_value` of a DOMAIN policy (API Reference 3.13.1, Table 3-669).
const ACL_MAX_DOMAIN_VALUE: usize = 1024;

/// How an entry of an IP access control policy reads.
#[derive(Debug, PartialEq, Eq)]
enum IpEntry {
    Address,
    Block,
    Range,
    Invalid,
}

fn ip_entry(entry: &str) -> IpEntry {
    if entry.parse::<IpAddr>().is_ok() {
        return IpEntry::Address;
    }
    if let Some((addr, bits)) = entry.split_once('/') {
        let max = match addr.parse::<IpAddr>() {
            Ok(IpAddr::V4(_)) => 32,
            Ok(IpAddr::V6(_)) => 128,
            Err(_) => return IpEntry::Invalid,
        };
        return match bits.parse::<u8>() {
            Ok(n) if n <= max => IpEntry::Block,
            _ => IpEntry::Invalid,
        };
    }
    if let Some((a, b)) = entry.split_once('-') {
        return match (a.parse::<IpAddr>(), b.parse::<IpAddr>()) {
            (Ok(a), Ok(b)) if a.is_ipv4() == b.is_ipv4() && a <= b => IpEntry::Range,
            _ => IpEntry::Invalid,
        };
    }
    IpEntry::Invalid
}

/// The `acl_value` of an ACL target with its entries (trimmed), and the entity type.
fn acl_entries<'a>(call: &Call<'a, '_>) -> Option<(&'a str, Vec<&'a str>, &'a str)> {
    let node = call.target.node;
    let value = node.get("acl_value")?.as_str()?;
    let kind = node.get("entity_type")?.as_str()?;
    Some((value, value.split(',').map(str::trim).collect(), kind))
}

fn acl_value(call: &Call<'_, '_>) -> Vec<Finding> {
    let Some((value, entries, kind)) = acl_entries(call) else {
        return Vec::new();
    };
    let mut issues = Vec::new();
    if entries.iter().any(|e| e.is_empty()) {
        issues.push("has an empty entry (two commas in a row, or a comma at an end)".to_owned());
    }
    let entries: Vec<&str> = entries.into_iter().filter(|e| !e.is_empty()).collect();
    match kind {
        "IP" => {
            if entries.len() > ACL_MAX_IPS {
                issues.push(format!(
                    "lists {} IP addresses; at most {ACL_MAX_IPS} are allowed",
                    entries.len()
                ));
            }
            for e in entries.iter().filter(|e| ip_entry(e) == IpEntry::Invalid) {
                issues.push(format!("entry `{e}` is not an IP address"));
            }
        }
        "DOMAIN" => {
            if value.chars().count() > ACL_MAX_DOMAIN_VALUE {
                issues.push(format!(
                    "is {} characters long; at most {ACL_MAX_DOMAIN_VALUE} are allowed",
                    value.chars().count()
                ));
            }
            for e in &entries {
                if !e.is_ascii() {
                    issues.push(format!("account name `{e}` is not ASCII"));
                } else if e.len() > ACL_MAX_DOMAIN_NAME {
                    issues.push(format!(
                        "account name `{e}` is {} characters long; at most {ACL_MAX_DOMAIN_NAME} are allowed",
                        e.len()
                    ));
                }
                if e.bytes().all(|b| b.is_ascii_digit()) {
                    issues.push(format!(
                        "account name `{e}` is only digits (an account id belongs in a DOMAIN_ID policy)"
                    ));
                }
            }
        }
        _ => {}
    }
    let at = call.target.pointer.push("acl_value");
    issues
        .into_iter()
        .map(|issue| Finding::at(at.clone()).arg("issue", issue))
        .collect()
}

fn acl_ip_ranges(call: &Call<'_, '_>) -> Vec<Finding> {
    let Some((_, entries, "IP")) = acl_entries(call) else {
        return Vec::new();
    };
    let at = call.target.pointer.push("acl_value");
    entries
        .into_iter()
        .filter(|e| matches!(ip_entry(e), IpEntry::Block | IpEntry::Range))
        .map(|e| Finding::at(at.clone()).arg("entry", e))
        .collect()
}

/// `throttle-rate`: the API limit of a throttling policy stays within the gateway's default
/// rate.
pub const THROTTLE_RATE: FunctionDef = FunctionDef {
    name: "throttle-rate",
    description: "On a throttling policy (`api_call_limits`, `time_interval`, `time_unit`): the rate `api_call_limits / (time_interval x seconds per time_unit)` is at most 200 calls per second, the gateway's default ceiling. Reported at `api_call_limits`.",
    args: &[],
    placeholders: &["rate"],
    run: throttle_rate,
};

/// Default ceiling of `api_call_limits`, in calls per second (API Reference 3.4.1, Table 3-128;
/// the `ratelimit` feature of API Reference 5.5).
const DEFAULT_MAX_RATE: f64 = 200.0;

fn throttle_rate(call: &Call<'_, '_>) -> Vec<Finding> {
    let node = call.target.node;
    let number = |f: &str| node.get(f).and_then(Node::as_number).map(|n| n.as_f64());
    let (Some(limit), Some(interval), Some(unit)) = (
        number("api_call_limits"),
        number("time_interval"),
        node.get("time_unit").and_then(Node::as_str),
    ) else {
        return Vec::new();
    };
    let seconds = match unit {
        "SECOND" => 1.0,
        "MINUTE" => 60.0,
        "HOUR" => 3_600.0,
        "DAY" => 86_400.0,
        _ => return Vec::new(),
    };
    if interval <= 0.0 {
        return Vec::new();
    }
    let rate = limit / (interval * seconds);
    if rate <= DEFAULT_MAX_RATE {
        return Vec::new();
    }
    // Rounded up, so a rate just above the ceiling never reads as exactly 200.
    let shown = if rate.fract() == 0.0 {
        format!("{rate:.0}")
    } else {
        format!("{:.2}", (rate * 100.0).ceil() / 100.0)
    };
    vec![Finding::at(call.target.pointer.push("api_call_limits")).arg("rate", shown)]
}

/// `env-variable-defined`: the `#name#` environment variables an API uses are defined.
pub const ENV_VARIABLE_DEFINED: FunctionDef = FunctionDef {
    name: "env-variable-defined",
    description: "On an API object, when the definition defines any environment variable: every validly named `#name#` in `backend_api.url_domain`, `backend_api.req_uri` and each `policy_https[*]` `url_domain` / `req_uri` is the `variable_name` of one (case-sensitive). Reported at the string, once per undefined variable. Invalid names are left to `env-variable-names`.",
    args: &[],
    placeholders: &["variable"],
    run: env_variable_defined,
};

/// Whether `name` is a valid environment variable name (API Reference 3.3.1, Table 3-88).
fn valid_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    (3..=32).contains(&name.chars().count())
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The names between pairs of `#` in `text`.
fn variables(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('#') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('#') else { break };
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    out
}

fn env_variable_defined(call: &Call<'_, '_>) -> Vec<Finding> {
    let defined: Vec<&str> = call
        .root
        .get("environments")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|env| env.get("variables")?.as_seq())
        .flatten()
        .filter_map(|v| v.get("variable_name")?.as_str())
        .collect();
    if defined.is_empty() {
        return Vec::new();
    }
    let api = call.target.node;
    let mut backends: Vec<(Pointer, &Node)> = Vec::new();
    if let Some(b) = api.get("backend_api") {
        backends.push((call.target.pointer.push("backend_api"), b));
    }
    for (i, p) in api
        .get("policy_https")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        backends.push((call.target.pointer.push("policy_https").index(i), p));
    }
    let mut out = Vec::new();
    for (pointer, backend) in backends {
        for field in ["url_domain", "req_uri"] {
            let Some(text) = backend.get(field).and_then(Node::as_str) else {
                continue;
            };
            for name in variables(text) {
                if valid_variable_name(name) && !defined.contains(&name) {
                    out.push(Finding::at(pointer.push(field)).arg("variable", name));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::functions::testing::run;

    #[test]
    fn not_in_compares_text() {
        let doc = "a: [444, '444', 443, {x: 444}]";
        assert_eq!(
            run(&NOT_IN, doc, "$.a[*]", "values: ['444']"),
            ["/a/0: ", "/a/1: "]
        );
    }

    #[test]
    fn exceeds_reports_between_the_soft_and_the_hard_limit() {
        let doc = "t: [60000, 60001, 600000, 600001, 60000.5, '70000']";
        assert_eq!(
            run(&EXCEEDS, doc, "$.t[*]", "{limit: 60000, until: 600000}"),
            [
                "/t/1: limit=60000",
                "/t/2: limit=60000",
                "/t/4: limit=60000"
            ]
        );
        assert_eq!(run(&EXCEEDS, doc, "$.t[*]", "{limit: 60000}").len(), 4);
    }

    #[test]
    fn json_object_reports_parse_errors_and_other_kinds() {
        let doc = "c: ['{\"a\": 1}', '[1]', '{oops', 5]";
        let found = run(&JSON_OBJECT, doc, "$.c[*]", "{}");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0], "/c/1: error=it is a JSON array, not an object");
        assert!(
            found[1].starts_with("/c/2: error=key must be a string"),
            "{found:?}"
        );
    }

    #[test]
    fn an_api_is_bound_once_per_environment() {
        let doc = "b:\n  - {throttle: t1, apis: [a, b]}\n  - {throttle: t2, apis: [a]}\n  - {env: TEST, throttle: t2, apis: [a, a]}\n";
        assert_eq!(
            run(&BINDING_UNIQUE, doc, "$.b", "{}"),
            [
                "/b/1/apis/0: api=a, env=(the sync-time environment) (related /b/0/apis/0)",
                "/b/2/apis/1: api=a, env=`TEST` (related /b/2/apis/0)",
            ]
        );
    }

    #[test]
    fn two_plugins_of_one_type_on_an_api_are_reported() {
        let doc = "plugins:\n  - {plugin_name: c1, plugin_type: cors}\n  - {plugin_name: c2, plugin_type: cors}\n  - {plugin_name: k, plugin_type: kafka_log}\nplugin_bindings:\n  - {plugin: c1, apis: [a, b]}\n  - {plugin: k, apis: [a]}\n  - {plugin: c2, apis: [b]}\n  - {env: TEST, plugin: c2, apis: [a]}\n  - {plugin: unknown, apis: [a]}\n";
        assert_eq!(
            run(&PLUGIN_TYPE_UNIQUE, doc, "$.plugin_bindings", "{}"),
            [
                "/plugin_bindings/2/apis/0: api=b, env=(the sync-time environment), plugin_type=cors (related /plugin_bindings/0/apis/1)"
            ]
        );
    }

    #[test]
    fn ip_entries_are_classified() {
        assert_eq!(ip_entry("192.168.0.1"), IpEntry::Address);
        assert_eq!(ip_entry("::1"), IpEntry::Address);
        assert_eq!(ip_entry("10.0.0.0/8"), IpEntry::Block);
        assert_eq!(ip_entry("10.0.0.0/33"), IpEntry::Invalid);
        assert_eq!(ip_entry("10.0.0.1-10.0.0.9"), IpEntry::Range);
        assert_eq!(ip_entry("10.0.0.9-10.0.0.1"), IpEntry::Invalid);
        assert_eq!(ip_entry("256.0.0.1"), IpEntry::Invalid);
        assert_eq!(ip_entry("example.com"), IpEntry::Invalid);
    }

    #[test]
    fn acl_values_are_checked_by_entity_type() {
        let many: Vec<String> = (0..101).map(|i| format!("10.0.0.{}", i % 250)).collect();
        let doc = format!(
            "acls:\n  - {{entity_type: IP, acl_value: '10.0.0.1,,nope,10.0.0.0/8'}}\n  - {{entity_type: IP, acl_value: '{}'}}\n  - {{entity_type: DOMAIN, acl_value: 'alice,12345,{}'}}\n  - {{entity_type: DOMAIN_ID, acl_value: 'a1b2'}}\n",
            many.join(","),
            "x".repeat(65)
        );
        let found = run(&ACL_VALUE, &doc, "$.acls[*]", "{}");
        assert_eq!(
            found,
            [
                "/acls/0/acl_value: issue=has an empty entry (two commas in a row, or a comma at an end)",
                "/acls/0/acl_value: issue=entry `nope` is not an IP address",
                "/acls/1/acl_value: issue=lists 101 IP addresses; at most 100 are allowed",
                "/acls/2/acl_value: issue=account name `12345` is only digits (an account id belongs in a DOMAIN_ID policy)",
                &format!(
                    "/acls/2/acl_value: issue=account name `{}` is 65 characters long; at most 64 are allowed",
                    "x".repeat(65)
                ),
            ]
        );
        assert_eq!(
            run(&ACL_IP_RANGES, &doc, "$.acls[*]", "{}"),
            ["/acls/0/acl_value: entry=10.0.0.0/8"]
        );
    }

    #[test]
    fn throttle_rate_is_per_second() {
        let doc = "t:\n  - {api_call_limits: 12000, time_interval: 1, time_unit: MINUTE}\n  - {api_call_limits: 12001, time_interval: 1, time_unit: MINUTE}\n  - {api_call_limits: 401, time_interval: 2, time_unit: SECOND}\n  - {api_call_limits: 17280001, time_interval: 1, time_unit: DAY}\n  - {api_call_limits: 1080000, time_interval: 1, time_unit: HOUR}\n";
        assert_eq!(
            run(&THROTTLE_RATE, doc, "$.t[*]", "{}"),
            [
                "/t/1/api_call_limits: rate=200.02",
                "/t/2/api_call_limits: rate=200.50",
                "/t/3/api_call_limits: rate=200.01",
                "/t/4/api_call_limits: rate=300",
            ]
        );
    }

    #[test]
    fn variables_are_between_pairs_of_hashes() {
        assert_eq!(variables("#a#:8080/#b#"), ["a", "b"]);
        assert_eq!(variables("x#a#b#c"), ["a"]);
        assert_eq!(variables("no#close").len(), 0);
    }

    #[test]
    fn env_variables_must_be_defined_once_any_are() {
        let doc = "apis:\n  - backend_api: {url_domain: '#ADDR#:8080', req_uri: '/#x#/#Path#'}\n    policy_https: [{url_domain: '#addr#', req_uri: /}]\n";
        assert!(run(&ENV_VARIABLE_DEFINED, doc, "$.apis[*]", "{}").is_empty());
        let defined = format!(
            "environments: [{{name: RELEASE, variables: [{{variable_name: ADDR, variable_value: a}}]}}, {{name: TEST, variables: [{{variable_name: Path, variable_value: b}}]}}]\n{doc}"
        );
        assert_eq!(
            run(&ENV_VARIABLE_DEFINED, &defined, "$.apis[*]", "{}"),
            ["/apis/0/policy_https/0/url_domain: variable=addr"]
        );
        assert!(valid_variable_name(&"a".repeat(32)));
        assert!(!valid_variable_name(&"a".repeat(33)));
        assert!(!valid_variable_name("x"));
    }
}
