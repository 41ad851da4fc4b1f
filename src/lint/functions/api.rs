//! Functions about API objects (`$.apis[*]` of a definition).

use std::collections::HashMap;

use super::{Call, Finding, FunctionDef};
use crate::source::Node;

/// `api-route-unique`: on the `apis` sequence, no two APIs share method, path and match mode.
pub const API_ROUTE_UNIQUE: FunctionDef = FunctionDef {
    name: "api-route-unique",
    description: "On the `apis` sequence: no two APIs have the same `req_method` (case-insensitive), `req_uri` and `match_mode` (absent = NORMAL). Reports each repeat at its `req_uri`, with the first as related location.",
    args: &[],
    placeholders: &["method", "uri", "match_mode"],
    run: api_route_unique,
};

fn api_route_unique(call: &Call<'_, '_>) -> Vec<Finding> {
    let mut seen: HashMap<(String, &str, String), usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, api) in call
        .target
        .node
        .as_seq()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let (Some(method), Some(uri)) = (
            api.get("req_method").and_then(Node::as_str),
            api.get("req_uri").and_then(Node::as_str),
        ) else {
            continue;
        };
        let mode = api
            .get("match_mode")
            .and_then(Node::as_str)
            .unwrap_or("NORMAL")
            .to_ascii_uppercase();
        let key = (method.to_ascii_uppercase(), uri, mode.clone());
        let here = call.target.pointer.index(i).push("req_uri");
        match seen.get(&key) {
            Some(&first) => out.push(
                Finding::at(here)
                    .arg("method", key.0.clone())
                    .arg("uri", uri)
                    .arg("match_mode", mode)
                    .related(
                        call.target.pointer.index(first).push("req_uri"),
                        "first defined here",
                    ),
            ),
            None => {
                seen.insert(key, i);
            }
        }
    }
    out
}

/// `path-params-declared`: every `{var}` of an API's `req_uri` has a PATH request parameter
/// and every PATH request parameter is a variable of `req_uri`.
pub const PATH_PARAMS_DECLARED: FunctionDef = FunctionDef {
    name: "path-params-declared",
    description: "On an API object: every `{var}` / `{var+}` in `req_uri` has a `req_params` entry with `location: PATH` and that name, and every PATH parameter appears in `req_uri`. A missing parameter is reported at `req_uri`, an unused one at its `name`.",
    args: &[],
    placeholders: &["param", "issue"],
    run: path_params_declared,
};

/// The variable names of a path template, without the `+` of greedy variables.
pub(crate) fn path_variables(uri: &str) -> Vec<&str> {
    enclosed(uri, '{', '}')
        .into_iter()
        .map(|v| v.trim_end_matches('+'))
        .collect()
}

/// The texts between each `open` and the next `close` after it, left to right; an `open`
/// without a `close` ends the search.
pub(crate) fn enclosed(text: &str, open: char, close: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        let after = &rest[start + open.len_utf8()..];
        let Some(end) = after.find(close) else { break };
        out.push(&after[..end]);
        rest = &after[end + close.len_utf8()..];
    }
    out
}

fn path_params_declared(call: &Call<'_, '_>) -> Vec<Finding> {
    let api = call.target;
    let Some(uri) = api.node.get("req_uri").and_then(Node::as_str) else {
        return Vec::new();
    };
    let variables = path_variables(uri);
    let params = api
        .node
        .get("req_params")
        .and_then(Node::as_seq)
        .unwrap_or_default();
    let path_params: Vec<(usize, &str)> = params
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            p.get("location")
                .and_then(Node::as_str)
                .is_some_and(|l| l.eq_ignore_ascii_case("PATH"))
        })
        .filter_map(|(i, p)| Some((i, p.get("name")?.as_str()?)))
        .collect();
    let mut out = Vec::new();
    for var in &variables {
        if !path_params.iter().any(|(_, name)| name == var) {
            out.push(
                Finding::at(api.pointer.push("req_uri"))
                    .arg("param", *var)
                    .arg(
                        "issue",
                        "is a variable of req_uri but has no PATH request parameter",
                    ),
            );
        }
    }
    for (i, name) in path_params {
        if !variables.contains(&name) {
            out.push(
                Finding::at(api.pointer.push("req_params").index(i).push("name"))
                    .arg("param", name)
                    .arg(
                        "issue",
                        "is a PATH request parameter but not a variable of req_uri",
                    ),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::functions::testing::run;

    #[test]
    fn repeated_routes_are_reported_after_the_first() {
        let doc = "apis:\n  - {name: a, req_method: GET, req_uri: /x}\n  - {name: b, req_method: get, req_uri: /x, match_mode: NORMAL}\n  - {name: c, req_method: GET, req_uri: /x, match_mode: SWA}\n  - {name: d, req_method: POST, req_uri: /x}\n";
        assert_eq!(
            run(&API_ROUTE_UNIQUE, doc, "$.apis", "{}"),
            ["/apis/1/req_uri: method=GET, uri=/x, match_mode=NORMAL (related /apis/0/req_uri)"]
        );
    }

    #[test]
    fn path_variables_and_parameters_must_match() {
        let doc = "apis:\n  - req_uri: /a/{id}/{rest+}\n    req_params:\n      - {name: id, location: PATH}\n      - {name: other, location: PATH}\n      - {name: q, location: QUERY}\n  - req_uri: /b/{x}\n    req_params: [{name: x, location: path}]\n";
        assert_eq!(
            run(&PATH_PARAMS_DECLARED, doc, "$.apis[*]", "{}"),
            [
                "/apis/0/req_uri: param=rest, issue=is a variable of req_uri but has no PATH request parameter",
                "/apis/0/req_params/1/name: param=other, issue=is a PATH request parameter but not a variable of req_uri",
            ]
        );
        assert_eq!(path_variables("/{a}/b{c+}/{"), ["a", "c"]);
    }
}
