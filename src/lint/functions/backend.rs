//! Functions about backends: the endpoints object a backend type needs, backend parameters,
//! backend policies and their conditions (API Reference 3.5.1, Tables 3-167 to 3-177).

use std::collections::HashMap;

use super::api::{env_pieces, path_variables};
use super::{ArgDef, ArgKind, Call, Finding, FunctionDef};
use crate::lint::selector::Target;
use crate::source::hash::FastSet;
use crate::source::{Node, Pointer, Value};

/// Which member each value of a type field needs, e.g. `type: HTTP` needs `httpEndpoints`.
struct TypeTable {
    /// The member holding the type.
    type_field: &'static str,
    /// Type value and the member it needs.
    needs: &'static [(&'static str, &'static str)],
    /// Every member some type needs (the candidates for "extra").
    members: &'static [&'static str],
    /// Whether type values compare ASCII case-insensitively (import reads the extension so).
    ignore_case: bool,
}

/// `x-apigateway-backend` / backend-policy `type` to endpoints object (OTC-0090).
const ENDPOINTS: TypeTable = TypeTable {
    type_field: "type",
    needs: &[
        ("HTTP", "httpEndpoints"),
        ("HTTP-VPC", "httpVpcEndpoints"),
        ("HTTP-VPC-MEMBER-GROUP", "httpVpcMemberGroupEndpoints"),
        ("FUNCTION", "functionEndpoints"),
        ("MOCK", "mockEndpoints"),
    ],
    members: &[
        "httpEndpoints",
        "httpVpcEndpoints",
        "httpVpcMemberGroupEndpoints",
        "functionEndpoints",
        "mockEndpoints",
    ],
    ignore_case: true,
};

/// Definition `backend_type` to backend object (API Reference 3.5.1, Table 3-167).
const BACKEND_OBJECTS: TypeTable = TypeTable {
    type_field: "backend_type",
    needs: &[
        ("HTTP", "backend_api"),
        ("GRPC", "backend_api"),
        ("FUNCTION", "func_info"),
        ("MOCK", "mock_info"),
    ],
    members: &["backend_api", "func_info", "mock_info"],
    ignore_case: false,
};

impl TypeTable {
    /// The type node of `target` and the member it needs; `None` for a missing or unknown type.
    fn needed<'a>(&self, target: &Target<'a>) -> Option<(Target<'a>, &'static str)> {
        let kind = target.child(self.type_field)?;
        let name = kind.node.as_str()?;
        let (_, member) = self.needs.iter().find(|(t, _)| {
            if self.ignore_case {
                t.eq_ignore_ascii_case(name)
            } else {
                *t == name
            }
        })?;
        Some((kind, member))
    }

    /// The needed member is missing or null: one finding at the type. A null member (`mock_info:`
    /// with no value) is no object either: the definition model reads it as absent, so the
    /// gateway would be sent none and refuse it (APIG.2001) when the plan is applied.
    fn missing(&self, call: &Call<'_, '_>) -> Vec<Finding> {
        let Some((kind, member)) = self.needed(call.target) else {
            return Vec::new();
        };
        if call
            .target
            .node
            .get(member)
            .is_some_and(|m| !matches!(m.value, Value::Null))
        {
            return Vec::new();
        }
        vec![
            Finding::at(kind.pointer)
                .arg("type", kind.node.as_str().unwrap_or_default())
                .arg("field", member),
        ]
    }

    /// Members other types need: one finding at each one's key.
    fn extra(&self, call: &Call<'_, '_>) -> Vec<Finding> {
        let Some((kind, wanted)) = self.needed(call.target) else {
            return Vec::new();
        };
        let kind_name = kind.node.as_str().unwrap_or_default();
        self.members
            .iter()
            .filter(|member| **member != wanted)
            .filter_map(|member| call.target.child(member))
            .map(|extra| Finding {
                at_key: true,
                ..Finding::at(extra.pointer)
                    .arg("type", kind_name)
                    .arg("field", extra.key.map(|k| &*k.name).unwrap_or_default())
            })
            .collect()
    }
}

/// `backend-endpoints-present`: the endpoints object named by `type` exists.
pub const BACKEND_ENDPOINTS_PRESENT: FunctionDef = FunctionDef {
    name: "backend-endpoints-present",
    description: "On an `x-apigateway-backend` or backend-policy object: the endpoints object its `type` needs exists and is not null (HTTP: `httpEndpoints`, HTTP-VPC: `httpVpcEndpoints`, HTTP-VPC-MEMBER-GROUP: `httpVpcMemberGroupEndpoints`, FUNCTION: `functionEndpoints`, MOCK: `mockEndpoints`; type compared case-insensitively, unknown types skipped). Reported at `type`.",
    args: &[],
    placeholders: &["type", "field"],
    run: |call| ENDPOINTS.missing(call),
};

/// `backend-endpoints-extra`: no endpoints object other than the one `type` needs.
pub const BACKEND_ENDPOINTS_EXTRA: FunctionDef = FunctionDef {
    name: "backend-endpoints-extra",
    description: "On an `x-apigateway-backend` or backend-policy object with a known `type`: each endpoints object (`httpEndpoints`, `httpVpcEndpoints`, `httpVpcMemberGroupEndpoints`, `functionEndpoints`, `mockEndpoints`) other than the one the type needs is reported at its key.",
    args: &[],
    placeholders: &["type", "field"],
    run: |call| ENDPOINTS.extra(call),
};

/// `api-backend-object`: a definition API has the backend object its `backend_type` needs.
pub const API_BACKEND_OBJECT: FunctionDef = FunctionDef {
    name: "api-backend-object",
    description: "On a definition API object: the backend object its `backend_type` needs exists and is not null (HTTP and GRPC: `backend_api`, FUNCTION: `func_info`, MOCK: `mock_info`). Reported at `backend_type`.",
    args: &[],
    placeholders: &["type", "field"],
    run: |call| BACKEND_OBJECTS.missing(call),
};

/// `api-backend-object-extra`: a definition API has no backend object of another type.
pub const API_BACKEND_OBJECT_EXTRA: FunctionDef = FunctionDef {
    name: "api-backend-object-extra",
    description: "On a definition API object with a known `backend_type`: each of `backend_api`, `func_info`, `mock_info` that the type does not use is reported at its key.",
    args: &[],
    placeholders: &["type", "field"],
    run: |call| BACKEND_OBJECTS.extra(call),
};

/// `policy-type-compatible`: each backend policy's type suits the default backend's type.
pub const POLICY_TYPE_COMPATIBLE: FunctionDef = FunctionDef {
    name: "policy-type-compatible",
    description: "On a definition API object: each backend policy suits `backend_type` (HTTP or GRPC: `policy_https`, whose type is HTTP or HTTP-VPC; FUNCTION: `policy_functions`; MOCK: `policy_mocks`; other types skipped). Each policy in another list is reported at its `type` where an OpenAPI source writes one, else at the policy, with `backend_type` as related location.",
    args: &[],
    placeholders: &["type", "backend_type", "allowed"],
    run: policy_type_compatible,
};

/// The policy list a default backend type takes and the policy types it holds (OTC-R&C
/// "Backend policy restrictions": HTTP and HTTP-VPC backends take HTTP and HTTP-VPC policies,
/// FUNCTION only FUNCTION, MOCK only MOCK). A GRPC backend is a web backend (Table 3-174):
/// its policies are `policy_https` too (Table 3-175).
fn compatible_policies(backend_type: &str) -> Option<(&'static str, &'static str)> {
    match backend_type {
        "HTTP" | "GRPC" => Some(("policy_https", "HTTP, HTTP-VPC")),
        "FUNCTION" => Some(("policy_functions", "FUNCTION")),
        "MOCK" => Some(("policy_mocks", "MOCK")),
        _ => None,
    }
}

fn policy_type_compatible(call: &Call<'_, '_>) -> Vec<Finding> {
    let Some(backend_type) = call.target.child("backend_type") else {
        return Vec::new();
    };
    let Some(default) = backend_type.node.as_str() else {
        return Vec::new();
    };
    let Some((own, allowed)) = compatible_policies(default) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for list in ["policy_https", "policy_functions", "policy_mocks"] {
        if list == own {
            continue;
        }
        let Some(policies) = call.target.child(list) else {
            continue;
        };
        for (i, policy) in policies
            .node
            .as_seq()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let kind = match list {
                // A web policy behind a VPC channel (`vpc_channel_status: 1`) is HTTP-VPC.
                "policy_https"
                    if policy.get("vpc_channel_status").and_then(Node::as_i64) == Some(1) =>
                {
                    "HTTP-VPC"
                }
                "policy_https" => "HTTP",
                "policy_functions" => "FUNCTION",
                _ => "MOCK",
            };
            out.push(
                Finding::at(policies.pointer.index(i))
                    .member("type")
                    .arg("type", kind)
                    .arg("backend_type", default)
                    .arg("allowed", allowed)
                    .related(backend_type.pointer.clone(), "default backend type"),
            );
        }
    }
    out
}

/// `backend-path-params`: every `{var}` of a backend path has a PATH backend parameter.
pub const BACKEND_PATH_PARAMS: FunctionDef = FunctionDef {
    name: "backend-path-params",
    description: "On a definition API object: every `{var}` / `{var+}` of `backend_api.req_uri` has an entry in the API's `backend_params`, and every one of `policy_https[*].req_uri` an entry in that policy's `backend_params`, with `location: PATH` (any case) and `name: var`. Reported at the path.",
    args: &[],
    placeholders: &["param"],
    run: backend_path_params,
};

fn backend_path_params(call: &Call<'_, '_>) -> Vec<Finding> {
    // Each backend path with the object holding its backend parameters: the default web
    // backend's are the API's own (Table 3-167 `backend_params`), a policy's its own.
    let mut backends: Vec<(Target<'_>, &Node)> = Vec::new();
    if let Some(path) = call.target.field("backend_api.req_uri") {
        backends.push((path, call.target.node));
    }
    if let Some(policies) = call.target.child("policy_https") {
        for (i, p) in policies
            .node
            .as_seq()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            if let Some(entry) = p.as_map().and_then(|m| m.entry("req_uri")) {
                let path = Target {
                    node: &entry.value,
                    pointer: policies.pointer.index(i).push("req_uri"),
                    key: Some(&entry.key),
                    is_key: false,
                };
                backends.push((path, p));
            }
        }
    }
    let mut out = Vec::new();
    for (path, holder) in backends {
        let Some(uri) = path.node.as_str() else {
            continue;
        };
        let params = holder
            .get("backend_params")
            .and_then(Node::as_seq)
            .unwrap_or_default();
        let declared: Vec<&str> = params
            .iter()
            .filter(|p| {
                p.get("location")
                    .and_then(Node::as_str)
                    .is_some_and(|l| l.eq_ignore_ascii_case("path"))
            })
            .filter_map(|p| p.get("name").and_then(Node::as_str))
            .collect();
        for var in path_variables(uri) {
            if !declared.contains(&var) {
                out.push(Finding::at(path.pointer.clone()).arg("param", var));
            }
        }
    }
    out
}

/// `request-param-exists`: a string names a request parameter of the API it belongs to.
pub const REQUEST_PARAM_EXISTS: FunctionDef = FunctionDef {
    name: "request-param-exists",
    description: "On a string below `/apis/N` of a definition (a REQUEST backend parameter's `value`, a condition's `req_param_name`): it equals the `name` of one of `apis[N].req_params` (HEADER parameters compared case-insensitively). Reported at the string.",
    args: &[],
    placeholders: &["known"],
    run: request_param_exists,
};

/// The API object (`/apis/N`) a definition pointer lies in.
fn enclosing_api<'a>(root: &'a Node, pointer: &Pointer) -> Option<&'a Node> {
    let text = pointer.text();
    let index = text.strip_prefix("/apis/")?.split('/').next()?;
    Some(root.pointer(&format!("/apis/{index}"))?.node)
}

fn request_param_exists(call: &Call<'_, '_>) -> Vec<Finding> {
    let Some(name) = call.target.text() else {
        return Vec::new();
    };
    let Some(api) = enclosing_api(call.root, &call.target.pointer) else {
        return Vec::new();
    };
    let params = api
        .get("req_params")
        .and_then(Node::as_seq)
        .unwrap_or_default();
    // Each parameter's name, and whether it is a header (compared case-insensitively).
    let named = || {
        params.iter().filter_map(|p| {
            let name = p.get("name").and_then(Node::as_str)?;
            let header = p
                .get("location")
                .and_then(Node::as_str)
                .is_some_and(|l| l.eq_ignore_ascii_case("HEADER"));
            Some((name, header))
        })
    };
    // An API with many parameters is looked up in a table made once per check: a scan per
    // backend parameter was quadratic (4 s for 10,000 of each).
    let found = if params.len() > RequestParams::FROM {
        let key = format!("request-param-exists {}", api_pointer(&call.target.pointer));
        call.memo(&key, || RequestParams::new(named()))
            .is_some_and(|t| {
                t.exact.contains(name) || t.headers.contains(&name.to_ascii_lowercase())
            })
    } else {
        named().any(|(candidate, header)| {
            candidate == name || (header && candidate.eq_ignore_ascii_case(name))
        })
    };
    if found {
        return Vec::new();
    }
    let mut known: Vec<String> = named()
        .map(|(n, _)| format!("`{n}`"))
        .take(KNOWN_SHOWN + 1)
        .collect();
    if known.len() > KNOWN_SHOWN {
        known[KNOWN_SHOWN] = format!("and {} more", named().count() - KNOWN_SHOWN);
    }
    let known = if known.is_empty() {
        "none".to_owned()
    } else {
        known.join(", ")
    };
    vec![Finding {
        at_key: call.target.is_key,
        ..Finding::at(call.target.pointer.clone()).arg("known", known)
    }]
}

/// How many request parameters a `request-param-exists` message names at most.
const KNOWN_SHOWN: usize = 20;

/// The request parameter names of one API, for lookups.
struct RequestParams {
    exact: FastSet<String>,
    /// HEADER parameters' names, lowercased.
    headers: FastSet<String>,
}

impl RequestParams {
    /// APIs with at most this many parameters are scanned.
    const FROM: usize = 16;

    fn new<'n>(named: impl Iterator<Item = (&'n str, bool)>) -> RequestParams {
        let mut table = RequestParams {
            exact: FastSet::default(),
            headers: FastSet::default(),
        };
        for (name, header) in named {
            table.exact.insert(name.to_owned());
            if header {
                table.headers.insert(name.to_ascii_lowercase());
            }
        }
        table
    }
}

/// `/apis/N` of a pointer below it.
fn api_pointer(pointer: &Pointer) -> String {
    let mut p = pointer.text();
    let end = p.strip_prefix("/apis/").map_or(0, |rest| {
        "/apis/".len() + rest.find('/').unwrap_or(rest.len())
    });
    p.truncate(end);
    p
}

/// `system-param-authorizer`: a `$context.authorizer.*` value has the custom authorizer it reads.
pub const SYSTEM_PARAM_AUTHORIZER: FunctionDef = FunctionDef {
    name: "system-param-authorizer",
    description: "On a string below `/apis/N` of a definition (a SYSTEM backend parameter's `value`): `$context.authorizer.frontend.*` needs the API's `auth_type` AUTHORIZER; `$context.authorizer.backend.*` needs a backend custom authorizer (`authorizer_name`) on the backend the parameter belongs to (`backend_api`, `func_info` or `mock_info` for the API's own `backend_params`, the policy itself for a policy's). Reported at the string.",
    args: &[],
    placeholders: &["authorizer"],
    run: system_param_authorizer,
};

fn system_param_authorizer(call: &Call<'_, '_>) -> Vec<Finding> {
    let Some(value) = call.target.text() else {
        return Vec::new();
    };
    let Some(api) = enclosing_api(call.root, &call.target.pointer) else {
        return Vec::new();
    };
    let configured = if value.starts_with("$context.authorizer.frontend.") {
        api.get("auth_type").and_then(Node::as_str) == Some("AUTHORIZER")
    } else if value.starts_with("$context.authorizer.backend.") {
        backend_of_param(api, &call.target.pointer)
            .is_some_and(|b| b.get("authorizer_name").is_some())
    } else {
        return Vec::new();
    };
    if configured {
        return Vec::new();
    }
    let which = if value.starts_with("$context.authorizer.frontend.") {
        "a frontend custom authorizer (`auth_type: AUTHORIZER`)"
    } else {
        "a backend custom authorizer (`authorizer_name`) on this backend"
    };
    vec![Finding::at(call.target.pointer.clone()).arg("authorizer", which)]
}

/// The backend object a backend parameter (pointer below `/apis/N`) belongs to: a policy for
/// `/apis/N/policy_*/M/backend_params/...`, else the API's own backend object.
fn backend_of_param<'a>(api: &'a Node, pointer: &Pointer) -> Option<&'a Node> {
    let text = pointer.text();
    let mut parts = text.split('/').skip(3);
    match parts.next()? {
        list @ ("policy_https" | "policy_functions" | "policy_mocks") => {
            let index: usize = parts.next()?.parse().ok()?;
            api.get(list)?.as_seq()?.get(index)
        }
        _ => ["backend_api", "func_info", "mock_info"]
            .iter()
            .find_map(|k| api.get(k)),
    }
}

/// `items-unique`: within one sequence, no two items share the values of `fields`.
pub const ITEMS_UNIQUE: FunctionDef = FunctionDef {
    name: "items-unique",
    description: "On a sequence of mappings: no two items have the same values of all `fields` (items lacking one are skipped; the fields in `ignore_case` compare ASCII case-insensitively). Unlike the `unique` check, the scope is this one sequence (e.g. the policies of one operation). Each repeat is reported at its first field's value, with the first item as related location.",
    args: &[
        ArgDef {
            name: "fields",
            kind: ArgKind::StringList,
            required: true,
            description: "member names whose combination must be unique",
        },
        ArgDef {
            name: "ignore_case",
            kind: ArgKind::StringList,
            required: false,
            description: "those of `fields` compared case-insensitively",
        },
    ],
    placeholders: &["values"],
    run: items_unique,
};

fn items_unique(call: &Call<'_, '_>) -> Vec<Finding> {
    let fields = call.list_arg("fields");
    let ignore_case = call.list_arg("ignore_case");
    repeats(call, &fields, |item| {
        fields
            .iter()
            .map(|f| {
                let v = item.get(f)?.as_str()?;
                Some(if ignore_case.contains(f) {
                    v.to_ascii_lowercase()
                } else {
                    v.to_owned()
                })
            })
            .collect()
    })
}

/// Reports each item of the target sequence whose `key` equals an earlier item's, at its
/// first field in `fields`, with `{values}` showing `fields`. Items without a key are skipped.
fn repeats(
    call: &Call<'_, '_>,
    fields: &[&str],
    key: impl Fn(&Node) -> Option<Vec<String>>,
) -> Vec<Finding> {
    let Some(first_field) = fields.first() else {
        return Vec::new();
    };
    let mut seen: HashMap<Vec<String>, usize> = HashMap::new();
    let mut out = Vec::new();
    let items = call.target.node.as_seq().unwrap_or_default();
    for (i, item) in items.iter().enumerate() {
        let Some(key) = key(item) else {
            continue;
        };
        match seen.get(&key) {
            Some(&first) => {
                let shown: Vec<String> = fields
                    .iter()
                    .filter_map(|f| item.get(f)?.as_str().map(|v| format!("{f}: {v}")))
                    .collect();
                out.push(
                    Finding::at(call.target.pointer.index(i).push(first_field))
                        .arg("values", shown.join(", "))
                        .related(
                            call.target.pointer.index(first).push(first_field),
                            "first defined here",
                        ),
                );
            }
            None => {
                seen.insert(key, i);
            }
        }
    }
    out
}

/// `backend-params-unique`: backend parameter names are unique per location.
pub const BACKEND_PARAMS_UNIQUE: FunctionDef = FunctionDef {
    name: "backend-params-unique",
    description: "On a backend parameter sequence (a definition's `backend_params`, or OpenAPI backend `parameters`): no two entries have the same `location` / `in` (any case) and `name`, header names compared case-insensitively (HTTP header names are). Each repeat is reported at its `name`, with the first as related location.",
    args: &[],
    placeholders: &["values"],
    run: backend_params_unique,
};

fn backend_params_unique(call: &Call<'_, '_>) -> Vec<Finding> {
    // A definition's `backend_params` say `location`; the OpenAPI extension says `in`.
    let items = call.target.node.as_seq().unwrap_or_default();
    let key = if items.iter().any(|item| item.get("location").is_some()) {
        "location"
    } else {
        "in"
    };
    repeats(call, &["name", key], |item| {
        let name = item.get("name")?.as_str()?;
        let location = item.get(key)?.as_str()?.to_ascii_lowercase();
        let name = if location == "header" {
            name.to_ascii_lowercase()
        } else {
            name.to_owned()
        };
        Some(vec![name, location])
    })
}

/// `not-empty`: a sequence or mapping has at least one item.
pub const NOT_EMPTY: FunctionDef = FunctionDef {
    name: "not-empty",
    description: "On a sequence or mapping: it has at least one item (other types are skipped). Reported at the node.",
    args: &[],
    placeholders: &[],
    run: not_empty,
};

fn not_empty(call: &Call<'_, '_>) -> Vec<Finding> {
    let empty = match (call.target.node.as_seq(), call.target.node.as_map()) {
        (Some(items), _) => items.is_empty(),
        (_, Some(map)) => map.is_empty(),
        _ => false,
    };
    if empty {
        vec![Finding::at(call.target.pointer.clone())]
    } else {
        Vec::new()
    }
}

/// `regex-valid`: a string compiles as a regular expression.
pub const REGEX_VALID: FunctionDef = FunctionDef {
    name: "regex-valid",
    description: "On a string: it compiles as a regular expression (Rust `regex` syntax, which lacks look-around and back-references, so keep such rules at `warn`). Reported at the string.",
    args: &[],
    placeholders: &["error"],
    run: regex_valid,
};

fn regex_valid(call: &Call<'_, '_>) -> Vec<Finding> {
    let Some(text) = call.target.node.as_str() else {
        return Vec::new();
    };
    match regex::Regex::new(text) {
        Ok(_) => Vec::new(),
        Err(e) => {
            // The error text spans several lines (the pattern with a caret); keep the last,
            // which says what is wrong.
            let message = e.to_string();
            let reason = message
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid")
                .trim()
                .trim_start_matches("error: ")
                .to_owned();
            vec![Finding::at(call.target.pointer.clone()).arg("error", reason)]
        }
    }
}

/// `host-port`: a backend address is `host[:port]`.
pub const HOST_PORT: FunctionDef = FunctionDef {
    name: "host-port",
    description: "On a backend address (`url_domain`): a host name or IP address (letters, digits, `-`, `.`, `_`; an IPv6 address in `[ ]`) and optionally `:` and a port 1-65535; `#name#` environment variables may stand for any part. A string holding `/` or blanks (a scheme or a path) or an empty one is left to the rule's other checks. One finding per problem, at the string.",
    args: &[],
    placeholders: &["issue"],
    run: host_port,
};

fn host_port(call: &Call<'_, '_>) -> Vec<Finding> {
    let Some(text) = call.target.node.as_str() else {
        return Vec::new();
    };
    host_port_issues(text)
        .into_iter()
        .map(|issue| Finding::at(call.target.pointer.clone()).arg("issue", issue))
        .collect()
}

/// What keeps `address` from being `host[:port]` (API Reference 3.5.1, Table 3-174
/// `url_domain`: "Host name:Port number"; no port means 443 or 80). `#name#` environment
/// variables are replaced by the gateway before it calls the backend, so one may stand for
/// a host, a port or both (its name is `apig-env-variable-name`'s to check).
pub(crate) fn host_port_issues(address: &str) -> Vec<String> {
    if address.is_empty() || address.chars().any(|c| c == '/' || c.is_whitespace()) {
        return Vec::new();
    }
    // Each character with its byte offset; `None` for a whole environment variable.
    let pieces = env_pieces(address);
    let mut issues = Vec::new();
    let port_at = if pieces.first().map(|p| p.1) == Some(Some('[')) {
        let Some(close) = pieces.iter().position(|p| p.1 == Some(']')) else {
            return vec!["opens `[` (an IPv6 address) without closing it with `]`".to_owned()];
        };
        let inside: Option<String> = pieces[1..close].iter().map(|p| p.1).collect();
        if inside.is_none_or(|ip| ip.parse::<std::net::Ipv6Addr>().is_err()) {
            issues.push("holds no IPv6 address between `[` and `]`".to_owned());
        }
        match pieces.get(close + 1) {
            None => None,
            Some((at, Some(':'))) => Some(*at),
            Some((at, _)) => {
                issues.push(format!(
                    "has `{}` after `]`; only `:port` may follow the address",
                    &address[*at..]
                ));
                return issues;
            }
        }
    } else {
        let colons: Vec<usize> = pieces
            .iter()
            .filter(|p| p.1 == Some(':'))
            .map(|p| p.0)
            .collect();
        if colons.len() > 1 {
            return vec![
                "has more than one `:`; write `host:port` (an IPv6 address in `[ ]`)".to_owned(),
            ];
        }
        let host_end = colons.first().copied().unwrap_or(address.len());
        let host: Vec<Option<char>> = pieces
            .iter()
            .take_while(|p| p.0 < host_end)
            .map(|p| p.1)
            .collect();
        if host.is_empty() {
            issues.push("has no host before `:`".to_owned());
        }
        let mut bad: Vec<char> = Vec::new();
        for c in host.into_iter().flatten() {
            if !(c.is_ascii_alphanumeric() || "-._".contains(c) || bad.contains(&c)) {
                bad.push(c);
            }
        }
        if !bad.is_empty() {
            let shown: Vec<String> = bad.iter().map(|c| format!("`{c}`")).collect();
            issues.push(format!(
                "contains {}, which a host name or IP address cannot hold",
                shown.join(", ")
            ));
        }
        colons.first().copied()
    };
    if let Some(colon) = port_at {
        let port = &address[colon + 1..];
        let literal: Vec<char> = pieces
            .iter()
            .filter(|p| p.0 > colon)
            .filter_map(|p| p.1)
            .collect();
        let variable = pieces.iter().any(|p| p.0 > colon && p.1.is_none());
        if port.is_empty() {
            issues.push(
                "ends in `:` without a port; write a port (1-65535) or drop the `:`".to_owned(),
            );
        } else if !literal.iter().all(char::is_ascii_digit) {
            issues.push(format!("has port `{port}`, which is no number (1-65535)"));
        } else if !variable && !port.parse::<u16>().is_ok_and(|n| n >= 1) {
            issues.push(format!("has port `{port}`, outside 1-65535"));
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::functions::testing::run;

    #[test]
    fn a_backend_address_is_host_and_optional_port() {
        let issues = |a: &str| host_port_issues(a);
        for good in [
            "example.com",
            "example.com:8443",
            "192.168.0.1:1",
            "my_host-1.example.com:65535",
            "#backend#",
            "#host#:#port#",
            "api.#env_name#.example.com:80",
            "#host#:8080",
            "[2001:db8::1]:8443",
            "[::1]",
            "a/b",
            "",
        ] {
            assert_eq!(issues(good), Vec::<String>::new(), "{good}");
        }
        assert_eq!(
            issues("example.com:abc"),
            ["has port `abc`, which is no number (1-65535)"]
        );
        assert_eq!(
            issues("example.com:-1"),
            ["has port `-1`, which is no number (1-65535)"]
        );
        assert_eq!(
            issues("example.com:70000"),
            ["has port `70000`, outside 1-65535"]
        );
        assert_eq!(issues("example.com:0"), ["has port `0`, outside 1-65535"]);
        assert_eq!(
            issues("example.com:99999999999"),
            ["has port `99999999999`, outside 1-65535"]
        );
        assert_eq!(
            issues("example.com:"),
            ["ends in `:` without a port; write a port (1-65535) or drop the `:`"]
        );
        assert_eq!(
            issues("a.com:80:90"),
            ["has more than one `:`; write `host:port` (an IPv6 address in `[ ]`)"]
        );
        assert_eq!(
            issues("example.com?x=1"),
            ["contains `?`, `=`, which a host name or IP address cannot hold"]
        );
        assert_eq!(
            issues("ex#ample.com"),
            ["contains `#`, which a host name or IP address cannot hold"]
        );
        assert_eq!(issues(":80"), ["has no host before `:`"]);
        assert_eq!(
            issues("[2001:db8::1"),
            ["opens `[` (an IPv6 address) without closing it with `]`"]
        );
        assert_eq!(
            issues("[example.com]:8x"),
            [
                "holds no IPv6 address between `[` and `]`",
                "has port `8x`, which is no number (1-65535)"
            ]
        );
        assert_eq!(
            issues("[::1]x"),
            ["has `x` after `]`; only `:port` may follow the address"]
        );
        assert_eq!(
            run(
                &HOST_PORT,
                "a: [example.com, 'b.com:0', 3]\n",
                "$.a[*]",
                "{}"
            ),
            ["/a/1: issue=has port `0`, outside 1-65535"]
        );
    }

    #[test]
    fn the_endpoints_object_of_the_type_must_exist() {
        let doc = "b:\n  - {type: HTTP, httpEndpoints: {}}\n  - {type: function, mockEndpoints: {}}\n  - {type: HTTP-VPC-MEMBER-GROUP}\n  - {type: GRPC}\n  - {}\n";
        assert_eq!(
            run(&BACKEND_ENDPOINTS_PRESENT, doc, "$.b[*]", "{}"),
            [
                "/b/1/type: type=function, field=functionEndpoints",
                "/b/2/type: type=HTTP-VPC-MEMBER-GROUP, field=httpVpcMemberGroupEndpoints",
            ]
        );
    }

    #[test]
    fn other_endpoints_objects_are_extra() {
        let doc = "b:\n  - {type: HTTP, httpEndpoints: {}, functionEndpoints: {}, mockEndpoints: {}}\n  - {type: MOCK, mockEndpoints: {}}\n  - {type: nope, mockEndpoints: {}}\n";
        assert_eq!(
            run(&BACKEND_ENDPOINTS_EXTRA, doc, "$.b[*]", "{}"),
            [
                "/b/0/functionEndpoints: type=HTTP, field=functionEndpoints",
                "/b/0/mockEndpoints: type=HTTP, field=mockEndpoints",
            ]
        );
    }

    #[test]
    fn definition_backend_objects_follow_the_backend_type() {
        let doc = "apis:\n  - {backend_type: HTTP, backend_api: {}}\n  - {backend_type: FUNCTION, mock_info: {}}\n  - {backend_type: GRPC}\n  - {backend_type: MOCK, mock_info: {}, backend_api: {}, func_info: {}}\n  - {backend_type: OTHER}\n";
        assert_eq!(
            run(&API_BACKEND_OBJECT, doc, "$.apis[*]", "{}"),
            [
                "/apis/1/backend_type: type=FUNCTION, field=func_info",
                "/apis/2/backend_type: type=GRPC, field=backend_api",
            ]
        );
        assert_eq!(
            run(&API_BACKEND_OBJECT_EXTRA, doc, "$.apis[*]", "{}"),
            [
                "/apis/1/mock_info: type=FUNCTION, field=mock_info",
                "/apis/3/backend_api: type=MOCK, field=backend_api",
                "/apis/3/func_info: type=MOCK, field=func_info",
            ]
        );
    }

    #[test]
    fn policy_types_must_suit_the_default_backend() {
        let doc = "apis:\n  - backend_type: HTTP\n    policy_https: [{vpc_channel_status: 1}, {}]\n    policy_mocks: [{name: m}]\n  - backend_type: FUNCTION\n    policy_functions: [{}]\n    policy_https: [{vpc_channel_status: 1}]\n  - backend_type: GRPC\n    policy_https: [{}]\n  - backend_type: OTHER\n    policy_mocks: [{}]\n";
        assert_eq!(
            run(&POLICY_TYPE_COMPATIBLE, doc, "$.apis[*]", "{}"),
            [
                "/apis/0/policy_mocks/0: type=MOCK, backend_type=HTTP, allowed=HTTP, HTTP-VPC (related /apis/0/backend_type)",
                "/apis/1/policy_https/0: type=HTTP-VPC, backend_type=FUNCTION, allowed=FUNCTION (related /apis/1/backend_type)",
            ]
        );
    }

    #[test]
    fn backend_path_variables_need_path_parameters() {
        let doc = "api:\n  backend_api: {req_uri: '/a/{id}/{rest+}/#env#'}\n  backend_params: [{name: id, location: PATH}, {name: rest, location: QUERY}]\n  policy_https:\n    - req_uri: '/p/{x}'\n      backend_params: [{name: x, location: path}]\n    - req_uri: '/q/{y}'\n";
        assert_eq!(
            run(&BACKEND_PATH_PARAMS, doc, "$.api", "{}"),
            [
                "/api/backend_api/req_uri: param=rest",
                "/api/policy_https/1/req_uri: param=y",
            ]
        );
    }

    #[test]
    fn request_parameters_are_looked_up_in_their_own_api() {
        let doc = "apis:\n  - req_params: [{name: id, location: PATH}, {name: X-Trace, location: HEADER}]\n    backend_params:\n      - {value: id}\n      - {value: x-trace}\n      - {value: ID}\n      - {value: other}\n  - backend_params: [{value: id}]\n";
        assert_eq!(
            run(
                &REQUEST_PARAM_EXISTS,
                doc,
                "$.apis[*].backend_params[*].value",
                "{}"
            ),
            [
                "/apis/0/backend_params/2/value: known=`id`, `X-Trace`",
                "/apis/0/backend_params/3/value: known=`id`, `X-Trace`",
                "/apis/1/backend_params/0/value: known=none",
            ]
        );
    }

    #[test]
    fn request_parameters_of_big_apis_are_looked_up_as_a_scan_finds_them() {
        use std::fmt::Write as _;
        // Two APIs with more parameters than are scanned; the table of one is not the other's.
        let mut doc = String::from("apis:\n");
        for api in 0..2 {
            doc.push_str("  - req_params:\n");
            for i in 0..30 {
                let location = if i == 29 { "HEADER" } else { "QUERY" };
                let _ = writeln!(doc, "      - {{name: P{api}x{i}, location: {location}}}");
            }
            doc.push_str("    backend_params:\n");
            for value in [
                format!("P{api}x0"),
                format!("p{api}x29"),
                format!("p{api}x1"),
                format!("P{}x2", 1 - api),
            ] {
                let _ = writeln!(doc, "      - {{value: {value}}}");
            }
        }
        let found = run(
            &REQUEST_PARAM_EXISTS,
            &doc,
            "$.apis[*].backend_params[*].value",
            "{}",
        );
        let at: Vec<&str> = found.iter().map(|f| f.split_once(':').unwrap().0).collect();
        assert_eq!(
            at,
            [
                "/apis/0/backend_params/2/value",
                "/apis/0/backend_params/3/value",
                "/apis/1/backend_params/2/value",
                "/apis/1/backend_params/3/value",
            ]
        );
        // The message names the first 20 and counts the rest.
        assert!(
            found[0].ends_with("`P0x18`, `P0x19`, and 10 more"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn authorizer_parameters_need_their_authorizer() {
        let doc = "apis:\n  - auth_type: AUTHORIZER\n    backend_api: {authorizer_name: back}\n    backend_params:\n      - {value: $context.authorizer.frontend.user}\n      - {value: $context.authorizer.backend.user}\n      - {value: $context.sourceIp}\n    policy_https:\n      - backend_params: [{value: $context.authorizer.backend.user}]\n      - authorizer_name: other\n        backend_params: [{value: $context.authorizer.backend.user}]\n  - auth_type: NONE\n    func_info: {}\n    backend_params:\n      - {value: $context.authorizer.frontend.user}\n      - {value: $context.authorizer.backend.user}\n";
        assert_eq!(
            run(
                &SYSTEM_PARAM_AUTHORIZER,
                doc,
                "$.apis[*]..backend_params[*].value",
                "{}"
            ),
            [
                "/apis/0/policy_https/0/backend_params/0/value: authorizer=a backend custom authorizer (`authorizer_name`) on this backend",
                "/apis/1/backend_params/0/value: authorizer=a frontend custom authorizer (`auth_type: AUTHORIZER`)",
                "/apis/1/backend_params/1/value: authorizer=a backend custom authorizer (`authorizer_name`) on this backend",
            ]
        );
    }

    #[test]
    fn items_are_unique_within_one_sequence() {
        let doc = "lists:\n  - [{name: a, in: header}, {name: a, in: HEADER}, {name: a, in: query}, {in: query}]\n  - [{name: a, in: header}]\n";
        assert_eq!(
            run(
                &ITEMS_UNIQUE,
                doc,
                "$.lists[*]",
                "{fields: [name, in], ignore_case: [in]}"
            ),
            ["/lists/0/1/name: values=name: a, in: HEADER (related /lists/0/0/name)"]
        );
    }

    #[test]
    fn backend_header_parameters_collide_in_any_case() {
        let doc = "p: [{name: Tenant, in: header}, {name: tenant, in: HEADER}, {name: q, in: query}, {name: Q, in: query}, {name: q, in: Query}]\n";
        assert_eq!(
            run(&BACKEND_PARAMS_UNIQUE, doc, "$.p", "{}"),
            [
                "/p/1/name: values=name: tenant, in: HEADER (related /p/0/name)",
                "/p/4/name: values=name: q, in: Query (related /p/2/name)",
            ]
        );
    }

    #[test]
    fn empty_sequences_and_mappings_are_reported() {
        let doc = "a: []\nb: {}\nc: [1]\nd: x\n";
        assert_eq!(run(&NOT_EMPTY, doc, "$.*", "{}"), ["/a: ", "/b: "]);
    }

    #[test]
    fn invalid_regular_expressions_are_reported() {
        let doc = "a: '^[a-z]+$'\nb: '(unclosed'\nc: 3\n";
        let found = run(&REGEX_VALID, doc, "$.*", "{}");
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("/b: error="), "{found:?}");
    }
}
