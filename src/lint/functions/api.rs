//! Functions about API objects (`$.apis[*]` of a definition).

use std::collections::HashMap;

use super::{ArgDef, ArgKind, Call, Finding, FunctionDef};
use crate::model::route_path;
use crate::source::Node;

/// `api-route-unique`: on the `apis` sequence, no two APIs share method, path and match mode.
pub const API_ROUTE_UNIQUE: FunctionDef = FunctionDef {
    name: "api-route-unique",
    description: "On the `apis` sequence: no two APIs have the same `req_method` (case-insensitive), `req_uri` shape (variable names aside: `/a/{x}` is `/a/{y}`) and `match_mode` (absent = NORMAL). Reports each repeat at its `req_uri`, with the first as related location.",
    args: &[],
    placeholders: &["method", "uri", "match_mode"],
    run: api_route_unique,
};

/// The route the gateway knows an API by, which no two APIs of a group share (APIG.3301):
/// method in upper case, the path's [`route_path`] (`/a/{x}` is `/a/{y}`), match mode in
/// upper case (absent = NORMAL).
pub(crate) type Route = (String, String, String);

/// The [`Route`] of an API with these fields.
pub(crate) fn route(method: &str, uri: &str, match_mode: Option<&str>) -> Route {
    let mode = match_mode.unwrap_or("NORMAL");
    (
        method.to_ascii_uppercase(),
        route_path(uri),
        mode.to_ascii_uppercase(),
    )
}

fn api_route_unique(call: &Call<'_, '_>) -> Vec<Finding> {
    let mut seen: HashMap<Route, usize> = HashMap::new();
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
        let mode = api.get("match_mode").and_then(Node::as_str);
        let key = route(method, uri, mode);
        let here = call.target.pointer.index(i).push("req_uri");
        match seen.get(&key) {
            Some(&first) => out.push(
                Finding::at(here)
                    .arg("method", key.0.clone())
                    .arg("uri", uri)
                    .arg("match_mode", key.2.clone())
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
    enclosed_at(text, open, close)
        .into_iter()
        .map(|(_, inner)| inner)
        .collect()
}

/// [`enclosed`], each with the bytes of `text` it spans with its delimiters.
pub(crate) fn enclosed_at(
    text: &str,
    open: char,
    close: char,
) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = text[at..].find(open).map(|i| at + i) {
        let inner = start + open.len_utf8();
        let Some(end) = text[inner..].find(close).map(|i| inner + i) else {
            break;
        };
        at = end + close.len_utf8();
        out.push((start..at, &text[inner..end]));
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

/// `uri-path`: a request or backend path is URI syntax, with well-formed `{variables}`.
pub const URI_PATH: FunctionDef = FunctionDef {
    name: "uri-path",
    description: "On a path string: only characters a URI path holds (RFC 3986 unreserved, sub-delims, `:@/`, `%` escapes, plus `{ }` of variables), each `%` followed by two hexadecimal digits, `{ }` balanced, not nested, not empty and without `/`. With `side: backend`, `#name#` environment variables are allowed and `{name+}` variables are not. One finding per kind of problem, at the string.",
    args: &[ArgDef {
        name: "side",
        kind: ArgKind::OneOf(&["request", "backend"]),
        required: true,
        description: "`request` (a frontend `req_uri`) or `backend` (a backend `path` / `req_uri`)",
    }],
    placeholders: &["issue"],
    run: uri_path,
};

fn uri_path(call: &Call<'_, '_>) -> Vec<Finding> {
    let Some(text) = call.target.text() else {
        return Vec::new();
    };
    let backend = call.str_arg("side") == Some("backend");
    uri_path_issues(text, backend)
        .into_iter()
        .map(|issue| Finding {
            at_key: call.target.is_key,
            ..Finding::at(call.target.pointer.clone()).arg("issue", issue)
        })
        .collect()
}

/// What keeps `path` from being a URI path of the gateway, one entry per kind of problem.
/// A backend path (`backend`) may hold `#name#` environment variables, which the gateway
/// replaces before it calls the backend (their names are `apig-env-variable-name`'s to
/// check), and may not hold `{name+}` variables (OTC-R&C Table 3).
pub(crate) fn uri_path_issues(path: &str, backend: bool) -> Vec<String> {
    let text = if backend {
        without_env_variables(path)
    } else {
        path.to_owned()
    };
    let mut issues = Vec::new();
    let mut bad: Vec<char> = Vec::new();
    for c in text.chars().filter(|&c| !is_uri_path_char(c)) {
        if !bad.contains(&c) {
            bad.push(c);
        }
    }
    if !bad.is_empty() {
        let shown: Vec<String> = bad.iter().map(|&c| shown_char(c)).collect();
        let escaped: Vec<String> = bad.iter().map(|&c| percent_encoded(c)).collect();
        let it = if bad.len() == 1 { "it" } else { "them" };
        issues.push(format!(
            "contains {}, which a URI path cannot hold (escape {it} as {})",
            shown.join(", "),
            escaped.join(", ")
        ));
    }
    if has_bad_percent_escape(&text) {
        issues
            .push("has a `%` that does not start a %XX escape (two hexadecimal digits)".to_owned());
    }
    if !braces_well_formed(&text) {
        issues.push("has unbalanced, nested or empty `{ }`".to_owned());
    } else if backend && enclosed(&text, '{', '}').iter().any(|v| v.ends_with('+')) {
        issues.push(
            "uses a greedy `{name+}` path variable, which backends do not support".to_owned(),
        );
    }
    issues
}

/// A character as a message shows it: blanks and control characters by name or code point.
fn shown_char(c: char) -> String {
    if c == ' ' {
        "a space".to_owned()
    } else if c.is_whitespace() || c.is_control() {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("`{c}`")
    }
}

/// `c` as %XX escapes of its UTF-8 bytes.
fn percent_encoded(c: char) -> String {
    let mut utf8 = [0; 4];
    c.encode_utf8(&mut utf8)
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect()
}

/// RFC 3986 `pchar` and `/` (a `%` is checked with what follows it), plus the braces of
/// path variables.
fn is_uri_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~%!$&'()*+,;=:@/{}".contains(c)
}

fn has_bad_percent_escape(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

/// Every `{` is closed by a `}` before the next `{` or `/`, with something between them,
/// and no `}` stands alone.
fn braces_well_formed(text: &str) -> bool {
    let mut open: Option<usize> = None;
    for c in text.chars() {
        match (c, open) {
            ('{', Some(_)) | ('/', Some(_)) | ('}', None) | ('}', Some(0)) => return false,
            ('{', None) => open = Some(0),
            ('}', Some(_)) => open = None,
            (_, Some(n)) => open = Some(n + 1),
            (_, None) => {}
        }
    }
    open.is_none()
}

/// `path` with each `#name#` pair taken out; a `#` without a partner stays.
fn without_env_variables(path: &str) -> String {
    env_pieces(path).into_iter().filter_map(|p| p.1).collect()
}

/// The characters of `text` with their byte offsets, each `#name#` environment variable as
/// one `None` (at its first `#`); a `#` without a partner stays a character.
pub(crate) fn env_pieces(text: &str) -> Vec<(usize, Option<char>)> {
    let hashes: Vec<usize> = text.match_indices('#').map(|(i, _)| i).collect();
    // Pairs of `#` in order; an odd last one is a plain character.
    let pairs: Vec<(usize, usize)> = hashes.chunks_exact(2).map(|p| (p[0], p[1])).collect();
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    let mut next_pair = pairs.iter().peekable();
    while let Some((at, c)) = chars.next() {
        match next_pair.peek() {
            Some(&&(open, close)) if open == at => {
                out.push((at, None));
                while chars.next_if(|&(i, _)| i <= close).is_some() {}
                next_pair.next();
            }
            _ => out.push((at, Some(c))),
        }
    }
    out
}

/// `operation-count`: an OpenAPI document has at most `max` operations, each an API on import.
pub const OPERATION_COUNT: FunctionDef = FunctionDef {
    name: "operation-count",
    description: "On an OpenAPI `paths` object: the operations of its path items (members get, put, post, delete, options, head, patch and x-apigateway-any-method; a path item named by a local `$ref` counts for each path naming it) number at most `max`. Counts the operations as written, before import drops any (a repeated operationId, method and path). Reported at the `paths` key.",
    args: &[ArgDef {
        name: "max",
        kind: ArgKind::Count,
        required: true,
        description: "the most operations allowed",
    }],
    placeholders: &["count", "max"],
    run: operation_count,
};

/// The members of a path item that are operations the gateway has a method for (TRACE is
/// none: import reports it and makes no API of it).
const OPERATION_KEYS: [&str; 8] = [
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "x-apigateway-any-method",
];

fn operation_count(call: &Call<'_, '_>) -> Vec<Finding> {
    let (Some(paths), Some(max)) = (call.target.node.as_map(), call.count_arg("max")) else {
        return Vec::new();
    };
    let count: usize = paths
        .entries
        .iter()
        .filter_map(|entry| path_item(call.root, &entry.value))
        .map(|item| {
            OPERATION_KEYS
                .iter()
                .filter(|k| item.get(k).is_some_and(|op| op.as_map().is_some()))
                .count()
        })
        .sum();
    if u64::try_from(count).is_ok_and(|c| c <= max) {
        return Vec::new();
    }
    vec![Finding {
        at_key: true,
        ..Finding::at(call.target.pointer.clone())
            .arg("count", count.to_string())
            .arg("max", max.to_string())
    }]
}

/// The path item `node` is, following `$ref`s within the document as import does (a chain
/// of at most 32, so a cycle ends); `None` for a reference that does not resolve here.
fn path_item<'a>(root: &'a Node, node: &'a Node) -> Option<&'a Node> {
    let mut item = node;
    for _ in 0..32 {
        let Some(target) = item.get("$ref").and_then(Node::as_str) else {
            return Some(item);
        };
        item = root.pointer(target.strip_prefix('#')?)?.node;
    }
    None
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

    #[test]
    fn uri_paths_are_uri_syntax() {
        let issues = |p: &str, backend: bool| uri_path_issues(p, backend);
        for ok in ["/a/{id}", "/a%20b/{id}", "/files/a+b/{id}", "/a;b=c:d@e/~x"] {
            assert!(issues(ok, true).is_empty(), "{ok}");
            assert!(issues(ok, false).is_empty(), "{ok}");
        }
        assert!(issues("/a/{rest+}", false).is_empty());
        assert_eq!(
            issues("/a/{rest+}", true),
            ["uses a greedy `{name+}` path variable, which backends do not support"]
        );
        assert!(issues("/#version#/orders", true).is_empty());
        assert_eq!(
            issues("/#version#/orders", false),
            ["contains `#`, which a URI path cannot hold (escape it as %23)"]
        );
        assert_eq!(
            issues("/a#b", true),
            ["contains `#`, which a URI path cannot hold (escape it as %23)"]
        );
        assert_eq!(
            issues("/a|b/é/%zz/{id", true),
            [
                "contains `|`, `é`, which a URI path cannot hold (escape them as %7C, %C3%A9)",
                "has a `%` that does not start a %XX escape (two hexadecimal digits)",
                "has unbalanced, nested or empty `{ }`",
            ]
        );
        assert_eq!(
            issues("/my orders", true),
            ["contains a space, which a URI path cannot hold (escape it as %20)"]
        );
        assert_eq!(
            issues("/é", false),
            ["contains `é`, which a URI path cannot hold (escape it as %C3%A9)"]
        );
        for bad in ["/a<b>", "/a^b", "/a[b]", "/a\\b"] {
            assert_eq!(issues(bad, true).len(), 1, "{bad}");
        }
        for bad in ["/a%", "/a%2", "/a%zz/{id}"] {
            assert_eq!(
                issues(bad, false),
                ["has a `%` that does not start a %XX escape (two hexadecimal digits)"],
                "{bad}"
            );
        }
        for bad in ["/a{b", "/a}b", "/x{a{b}}", "/x/{}", "/{a/b}"] {
            assert_eq!(
                issues(bad, false),
                ["has unbalanced, nested or empty `{ }`"],
                "{bad}"
            );
        }
    }

    #[test]
    fn operations_are_counted_as_written() {
        let doc = "openapi: 3.1.0\npaths:\n  /a: {get: {operationId: x}, post: {operationId: x}, parameters: [], summary: s, trace: {}}\n  /b: {$ref: '#/components/pathItems/B'}\n  /c: {$ref: '#/components/pathItems/B'}\n  /d: {$ref: './other.yaml'}\n  /e: {x-apigateway-any-method: {}}\ncomponents:\n  pathItems:\n    B: {put: {}, delete: {}}\n";
        assert_eq!(
            run(&OPERATION_COUNT, doc, "$.paths", "{max: 6}"),
            ["/paths: count=7, max=6"]
        );
        assert!(run(&OPERATION_COUNT, doc, "$.paths", "{max: 7}").is_empty());
    }
}
