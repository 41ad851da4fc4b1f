//! Every built-in rule against its fixtures in `testdata/rules/<id>/` and its own examples.
//!
//! Convention (rules/README.md): each rule has at least one `fail*.yaml` and one `pass*.yaml`.
//! A fail file declares the findings it must produce, one comment line each:
//! `# expect: <rule id> <line>:<column>`. The findings of that rule on the file must be exactly
//! those (as a multiset); on a pass file the rule must report nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use apigctl::commands::lint::{LintOptions, lint_file, lint_text};
use apigctl::commands::rules::findings_of;
use apigctl::lint::builtin_rules;
use apigctl::report::FileReport;
use apigctl::source::Input;

/// Diagnostics meaning the document never reached the rules.
const NOT_LINTED: [&str; 7] = [
    "syntax",
    "duplicate-key",
    "encoding",
    "unknown-version",
    "nesting-too-deep",
    "alias-expansion-limit",
    "definition-invalid",
];

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules")
}

/// `(line, col)` expectations declared in a fixture, or a complaint about a malformed line.
fn expectations(text: &str, rule: &str) -> Result<Vec<(usize, usize)>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix("# expect:") else {
            continue;
        };
        let parts: Vec<&str> = rest.split_whitespace().collect();
        let parsed = match parts.as_slice() {
            [id, at] => at
                .split_once(':')
                .and_then(|(l, c)| Some((*id, l.parse().ok()?, c.parse().ok()?))),
            _ => None,
        };
        match parsed {
            Some((id, l, c)) if id == rule => out.push((l, c)),
            Some((id, _, _)) => {
                return Err(format!(
                    "line {}: expectation names `{id}`, but this is a fixture of `{rule}`",
                    n + 1
                ));
            }
            None => {
                return Err(format!("line {}: write `# expect: {rule} LINE:COL`", n + 1));
            }
        }
    }
    out.sort_unstable();
    Ok(out)
}

fn loaded(report: &FileReport) -> Result<(), String> {
    match report
        .diagnostics
        .iter()
        .find(|d| NOT_LINTED.contains(&d.code.as_str()))
    {
        Some(d) => Err(format!(
            "does not reach the rules: [{}] {}",
            d.code, d.message
        )),
        None => Ok(()),
    }
}

fn check_fixture(rule: &str, path: &Path, fail: bool) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let report = lint_file(&Input::Path(path.to_owned()), &LintOptions::default())?;
    loaded(&report)?;
    let mut found: Vec<(usize, usize)> = findings_of(&report, rule)
        .into_iter()
        .map(|(l, c, _)| (l, c))
        .collect();
    found.sort_unstable();
    let expected = if fail {
        let e = expectations(&text, rule)?;
        if e.is_empty() {
            return Err(format!(
                "a fail fixture declares its findings: `# expect: {rule} LINE:COL`"
            ));
        }
        e
    } else {
        Vec::new()
    };
    if found != expected {
        let messages: Vec<String> = findings_of(&report, rule)
            .into_iter()
            .map(|(l, c, m)| format!("{l}:{c} {m}"))
            .collect();
        return Err(format!(
            "expected findings at {expected:?}, got {found:?}\n      {}",
            messages.join("\n      ")
        ));
    }
    Ok(())
}

#[test]
fn every_rule_has_fixtures_and_they_hold() {
    let rules = builtin_rules().unwrap_or_else(|e| panic!("built-in rules do not load: {e}"));
    let mut problems: Vec<String> = Vec::new();
    let mut dirs: BTreeMap<String, ()> = std::fs::read_dir(fixtures_dir())
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| (e.file_name().to_string_lossy().into_owned(), ()))
                .collect()
        })
        .unwrap_or_default();
    for rule in rules {
        dirs.remove(&rule.id);
        let dir = fixtures_dir().join(&rule.id);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        let kind = |prefix: &str| -> Vec<&PathBuf> {
            files
                .iter()
                .filter(|p| {
                    let n = p
                        .file_name()
                        .map(|n| n.to_string_lossy())
                        .unwrap_or_default();
                    n.starts_with(prefix) && n.ends_with(".yaml")
                })
                .collect()
        };
        let (fails, passes) = (kind("fail"), kind("pass"));
        if fails.is_empty() || passes.is_empty() {
            problems.push(format!(
                "{}: needs testdata/rules/{}/fail*.yaml and pass*.yaml",
                rule.id, rule.id
            ));
        }
        for (list, fail) in [(fails, true), (passes, false)] {
            for path in list {
                if let Err(e) = check_fixture(&rule.id, path, fail) {
                    problems.push(format!("{}: {}", path.display(), e));
                }
            }
        }
    }
    for orphan in dirs.keys() {
        problems.push(format!("testdata/rules/{orphan}: no rule has this id"));
    }
    assert!(
        problems.is_empty(),
        "rule fixtures:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn every_rule_example_fails_and_passes_as_labelled() {
    let rules = builtin_rules().unwrap_or_else(|e| panic!("built-in rules do not load: {e}"));
    let mut problems = Vec::new();
    for rule in rules {
        for (text, fail) in [(&rule.examples.fail, true), (&rule.examples.pass, false)] {
            let report = match lint_text("example.yaml", text, &LintOptions::default()) {
                Ok(r) => r,
                Err(e) => {
                    problems.push(format!("{}: example does not load: {e}", rule.id));
                    continue;
                }
            };
            if let Err(e) = loaded(&report) {
                problems.push(format!("{} example: {e}", rule.id));
            }
            let found = findings_of(&report, &rule.id).len();
            if fail && found == 0 {
                problems.push(format!("{}: examples.fail produces no finding", rule.id));
            }
            if !fail && found > 0 {
                problems.push(format!(
                    "{}: examples.pass produces {found} finding(s)",
                    rule.id
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "rule examples:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn expectation_lines_are_parsed_strictly() {
    assert_eq!(
        expectations(
            "a: 1\n# expect: apig-x 3:5\n  # expect: apig-x 1:2\n",
            "apig-x"
        ),
        Ok(vec![(1, 2), (3, 5)])
    );
    assert!(expectations("# expect: apig-y 3:5\n", "apig-x").is_err());
    assert!(expectations("# expect: apig-x 3\n", "apig-x").is_err());
}

#[test]
fn the_reference_examples_have_no_rule_findings() {
    // §5 of the extension reference: both documents are meant to be valid gateway imports.
    // The one warning: the 2.0 example's FUNCTION backend leaves out `network-type`, which
    // §4 #65 itself asks to warn about (no default is documented).
    let rules = builtin_rules().unwrap_or_else(|e| panic!("built-in rules do not load: {e}"));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/examples");
    for (name, expected) in [
        (
            "orders-swagger-2.0.yaml",
            &[
                "apig-function-network-type-missing `functionEndpoints` has no `network-type`; import assumes V1 (non-VPC, timeouts up to 60 000 ms)",
            ][..],
        ),
        ("inventory-openapi-3.0.yaml", &[][..]),
    ] {
        let report = lint_file(&Input::Path(dir.join(name)), &LintOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let rule_findings: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| rules.iter().any(|r| r.id == d.code))
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        assert_eq!(rule_findings, expected, "{name}");
    }
}

#[test]
fn the_rules_readme_documents_every_function() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/README.md"))
            .unwrap_or_else(|e| panic!("rules/README.md: {e}"));
    for f in apigctl::lint::functions::FUNCTIONS {
        assert!(
            readme.contains(&format!("| `{}` |", f.name)),
            "rules/README.md has no row for function `{}`",
            f.name
        );
        for arg in f.args {
            assert!(
                readme.contains(&format!("`{}`", arg.name)),
                "argument `{}` of `{}` undocumented",
                arg.name,
                f.name
            );
        }
    }
}

#[test]
fn rules_command_lists_and_explains() {
    use apigctl::commands::rules::{ListFormat, explain, list};
    let listed = list(ListFormat::Json);
    assert_eq!(listed.exit_code, 0);
    let json: serde_json::Value =
        serde_json::from_str(&listed.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["version"], 1);
    let first = &json["rules"][0];
    for key in ["id", "severity", "description", "source", "given", "select"] {
        assert!(first[key].is_string(), "{key} missing in {first}");
    }
    let human = list(ListFormat::Human).stdout;
    let line = human
        .lines()
        .find(|l| l.starts_with("apig-api-name "))
        .unwrap_or_else(|| panic!("{human}"));
    let columns: Vec<&str> = line.split("  ").filter(|c| !c.trim().is_empty()).collect();
    assert_eq!(
        columns.iter().map(|c| c.trim()).collect::<Vec<_>>(),
        [
            "apig-api-name",
            "error",
            "API Reference 3.5.1, Table 3-167 (name)"
        ]
    );
    let explained = explain("apig-api-name", ListFormat::Human);
    assert_eq!(explained.exit_code, 0);
    assert!(explained.stdout.contains("Failing example:"));
    assert!(
        explained.stdout.contains("  6:20: API name `_list orders`"),
        "{}",
        explained.stdout
    );
    assert!(
        explained
            .stdout
            .contains("apig-api-name reports nothing here.")
    );
    let unknown = explain("apig-api-nme", ListFormat::Human);
    assert_eq!(unknown.exit_code, 2);
    assert_eq!(unknown.stdout, "");
    assert_eq!(
        unknown.stderr,
        "apigctl: error: no rule `apig-api-nme`; did you mean `apig-api-name`?\n"
    );
}

/// `rules explain ID --format json`: the rule's fields as `rules --format json` lists them,
/// then its message, help and examples with the findings the rule reports on each; an
/// unknown id is a JSON document with `error` too.
#[test]
fn rules_explain_as_json() {
    use apigctl::commands::rules::{ListFormat, explain, list};
    let explained = explain("apig-api-name", ListFormat::Json);
    assert_eq!((explained.exit_code, explained.stderr.as_str()), (0, ""));
    let doc: serde_json::Value =
        serde_json::from_str(&explained.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc["version"], 1);
    let rule = &doc["rule"];
    let listed: serde_json::Value =
        serde_json::from_str(&list(ListFormat::Json).stdout).unwrap_or_else(|e| panic!("{e}"));
    let in_list = listed["rules"]
        .as_array()
        .and_then(|rules| rules.iter().find(|r| r["id"] == "apig-api-name"))
        .unwrap_or_else(|| panic!("{listed}"));
    for (key, value) in in_list.as_object().unwrap_or_else(|| panic!("{in_list}")) {
        assert_eq!(&rule[key], value, "{key}");
    }
    assert_eq!(rule["severity"], "error");
    assert_eq!(rule["source"], "API Reference 3.5.1, Table 3-167 (name)");
    assert!(
        rule["message"].is_string() && rule["help"].is_string(),
        "{rule}"
    );
    let fail = &rule["examples"]["fail"];
    assert!(
        fail["text"]
            .as_str()
            .is_some_and(|t| t.contains("_list orders")),
        "{fail}"
    );
    assert_eq!(fail["findings"][0]["line"], 6, "{fail}");
    assert_eq!(fail["findings"][0]["column"], 20, "{fail}");
    assert!(
        fail["findings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("API name `_list orders`")),
        "{fail}"
    );
    assert_eq!(rule["examples"]["pass"]["findings"], serde_json::json!([]));
    let unknown = explain("apig-api-nme", ListFormat::Json);
    assert_eq!(unknown.exit_code, 2);
    let doc: serde_json::Value =
        serde_json::from_str(&unknown.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        doc,
        serde_json::json!({"version": 1, "error": "no rule `apig-api-nme`; did you mean `apig-api-name`?"})
    );
}

/// Codes and `line:col` of a document's findings, without the per-operation reminders.
fn findings_in(text: &str) -> Vec<String> {
    let report = lint_text("doc.yaml", text, &LintOptions::default()).expect("lints");
    let file = report.sources.file(apigctl::source::FileId(0));
    report
        .diagnostics
        .iter()
        .filter(|d| {
            !matches!(
                d.code.as_str(),
                "apig-cors" | "apig-match-mode" | "apig-request-type"
            )
        })
        .map(|d| {
            let at = d.primary.expect("located");
            let lc = file.line_col(at.span.start as usize);
            format!("{} {}@{}:{}", d.severity.as_str(), d.code, lc.line, lc.col)
        })
        .collect()
}

/// What import keeps out of the definition for an error is not reported again as undefined
/// where something refers to it: the error is the one to fix. And an import error at an
/// operation's key is not hidden by the warnings rules report there.
#[test]
fn what_import_drops_is_reported_once_and_never_hidden_by_a_warning() {
    let response = "swagger: '2.0'\ninfo: {title: orders_api, version: '1'}\nx-apigateway-responses:\n  resp1:\n    default: {status: 444}\npaths:\n  /orders/{id}:\n    get:\n      operationId: getOrder\n      x-apigateway-response: resp1\n      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}\n      parameters: [{name: id, in: path, required: true, type: string}]\n      responses: {default: {description: ok}}\n";
    assert_eq!(
        findings_in(response),
        ["error apig-response-error-type@5:5"]
    );
    let duplicate = "swagger: '2.0'\ninfo: {title: orders_api, version: '1'}\nx-apigateway-access-controls:\n  office: {acl-type: PERMIT, entity-type: IP, value: 10.0.0.1}\npaths:\n  /orders/{id}:\n    get:\n      operationId: getOrder\n      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}\n      parameters: [{name: id, in: path, required: true, type: string}]\n      responses: {default: {description: ok}}\n  /orders/{oid}:\n    get:\n      operationId: getOrder2\n      x-apigateway-access-control: office\n      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}\n      parameters: [{name: oid, in: path, required: true, type: string}]\n      responses: {default: {description: ok}}\n";
    assert_eq!(findings_in(duplicate), ["error import-duplicate-api@13:5"]);
}

/// An operation without a backend is said once, at the operation (the rule on the document;
/// import's warning there is shown as one with it): the empty MOCK import stands in for it is
/// no second finding (the rule on that stand-in is for definition files, which a sync sends).
#[test]
fn a_missing_backend_is_reported_once() {
    let plain = "openapi: 3.0.3\ninfo: {title: plain_api, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: op_a\n      responses: {default: {description: ok}}\n";
    assert_eq!(findings_in(plain), ["error apig-backend-required@5:5"]);
}

/// A value import refuses (a match mode, a `cors` that is no boolean) is reported, and the
/// rules still check the rest of its operation: a short name, a timeout of 0, a bad backend
/// method are all reported in the one run, as for an operation without a refused value.
#[test]
fn one_refused_value_hides_no_other_finding_of_its_operation() {
    let text = std::fs::read_to_string("testdata/invalid/refused-and-more.yaml").unwrap();
    assert_eq!(
        findings_in(&text),
        [
            "error apig-api-name@6:20",
            "error apig-match-mode-value@9:32",
            "error apig-backend-timeout@13:99",
            "error apig-api-name@16:20",
            "error apig-cors-value@20:26",
            "error apig-backend-method@23:70",
            "error apig-backend-timeout@23:100",
        ]
    );
}

/// So does a value one of import's own checks refuses (a request type, a backend type): the
/// API is read with a stand-in there for lint, and its other problems are reported.
#[test]
fn an_operation_import_refuses_is_still_checked_for_its_other_problems() {
    let text = std::fs::read_to_string("testdata/invalid/rejected-and-more.yaml").unwrap();
    assert_eq!(
        findings_in(&text),
        [
            "error apig-api-name@6:20",
            "error apig-request-type-value@8:34",
            "error apig-backend-timeout@13:99",
            "error apig-api-name@16:20",
            "error apig-backend-type@21:36",
        ]
    );
}

/// Forty path items, one line each (`{indent}{key}:` and its `get`): the 37th has a
/// backend path without `/`, the 38th repeats the 4th's operationId.
fn forty_path_items(indent: &str, key: impl Fn(usize) -> String) -> String {
    let mut text = String::new();
    for i in 0..40 {
        let operation_id = if i == 37 { 3 } else { i };
        let path = if i == 36 {
            "nope".to_owned()
        } else {
            format!("/b{i}")
        };
        text.push_str(&format!(
            "{indent}{}:\n{indent}  get: {{operationId: op{operation_id}, responses: {{'200': {{description: ok}}}}, x-apigateway-backend: {{type: HTTP, httpEndpoints: {{address: example.com, scheme: http, method: GET, path: {path}}}}}}}\n",
            key(i)
        ));
    }
    text
}

/// Findings among more `paths` than a scan serves (locating looks keys of big mappings up in
/// an index) are at the lines a scan finds, both for the rules on the document and for those
/// on the definition, located through import's provenance.
#[test]
fn findings_among_many_paths_are_located_where_they_are_written() {
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: orders_api, version: '1'}}\npaths:\n{}",
        forty_path_items("  ", |i| format!("/p{i}"))
    );
    assert_eq!(
        findings_in(&text),
        [
            "error apig-backend-path@77:175",
            "error oas-operation-id-unique@79:24"
        ]
    );
}

/// The rules on operations see the path items that `paths` entries name by `$ref`, also
/// among more of them than a scan serves, at the place each is written.
#[test]
fn findings_in_many_referenced_path_items_are_located_where_they_are_written() {
    let mut text =
        String::from("openapi: 3.1.0\ninfo: {title: orders_api, version: '1'}\npaths:\n");
    for i in 0..40 {
        text.push_str(&format!(
            "  /p{i}: {{$ref: '#/components/pathItems/P{i}'}}\n"
        ));
    }
    text.push_str("components:\n  pathItems:\n");
    text.push_str(&forty_path_items("    ", |i| format!("P{i}")));
    assert_eq!(
        findings_in(&text),
        [
            "error apig-oas-version@1:10",
            "error apig-backend-path@119:177",
            "error oas-operation-id-unique@121:26"
        ]
    );
}

/// A rule's documented passing example (`apigctl rules explain RULE`) is a clean document:
/// no rule reports an error on it, so the command it documents would exit 0.
#[test]
fn every_rule_passing_example_has_no_errors() {
    let rules = builtin_rules().unwrap_or_else(|e| panic!("built-in rules do not load: {e}"));
    let mut problems = Vec::new();
    for rule in rules {
        let report = match lint_text("example.yaml", &rule.examples.pass, &LintOptions::default()) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{}: example does not load: {e}", rule.id));
                continue;
            }
        };
        for d in &report.diagnostics {
            if d.severity == apigctl::diagnostic::Severity::Error {
                problems.push(format!(
                    "{}: examples.pass: [{}] {}",
                    rule.id, d.code, d.message
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "passing examples with errors:\n  {}",
        problems.join("\n  ")
    );
}

/// A gateway definition file holding values the API Reference forbids is refused by `lint`,
/// each value by its rule, at its place (the rules run on definitions, not only on OpenAPI).
#[test]
fn definition_values_the_gateway_refuses_fail_lint() {
    let text = "apigctl: 1
group: {name: refused_api}
apis:
  - name: ping
    type: 1
    req_protocol: HTTPS
    req_method: GET
    req_uri: /ping
    auth_type: NONE
    backend_type: HTTP
    backend_api: {url_domain: \"https://example.com/x\", req_protocol: HTTPS, req_method: GET, req_uri: orders, timeout: 9999999}
    backend_params:
      - {name: \"1 bad\", location: HEADER, origin: CONSTANT, value: x}
      - {name: X-A, location: HEADER, origin: CONSTANT, value: a}
      - {name: X-A, location: HEADER, origin: CONSTANT, value: b}
    policy_https:
      - {name: p, effect_mode: ANY, url_domain: c.example.com, req_protocol: HTTPS, req_method: GET, req_uri: /ping, timeout: 0, conditions: [{condition_origin: source, condition_value: not-an-ip}]}
";
    let report = lint_text("refused.yaml", text, &LintOptions::default())
        .unwrap_or_else(|e| panic!("lint runs: {e}"));
    let expected = [
        ("apig-backend-url-domain", 11),
        ("apig-backend-path", 11),
        ("apig-backend-timeout", 11),
        ("apig-backend-param-name", 13),
        ("apig-backend-param-unique", 15),
        ("apig-backend-policy-name", 17),
        ("apig-backend-timeout", 17),
        ("apig-policy-condition-source-value", 17),
    ];
    for (rule, line) in expected {
        let lines: Vec<usize> = findings_of(&report, rule)
            .into_iter()
            .map(|(l, _, _)| l)
            .collect();
        assert!(
            lines.contains(&line),
            "{rule} at line {line}: found {lines:?} in {:?}",
            report
                .diagnostics
                .iter()
                .map(|d| format!("{} {}", d.code, d.message))
                .collect::<Vec<_>>()
        );
    }
    assert!(
        report
            .diagnostics
            .iter()
            .filter(|d| d.severity == apigctl::diagnostic::Severity::Error)
            .count()
            >= expected.len()
    );
}

/// The rules for names the gateway may have already (constraints 79, 86, 94: "or one already
/// on the gateway") are warnings alike, since lint does not read the gateway; `diff` and
/// `sync` decide them once they have (they are among the name rules), whatever the severity.
#[test]
fn names_the_gateway_may_already_have_are_warnings_that_sync_decides() {
    let rules = builtin_rules().unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = apigctl::commands::lint::NAME_RULES
        .iter()
        .map(|(id, _)| *id)
        .collect();
    for id in [
        "apig-throttle-binding-ref",
        "apig-acl-binding-ref",
        "apig-response-ref",
    ] {
        let rule = rules
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no rule {id}"));
        assert_eq!(rule.severity, apigctl::diagnostic::Severity::Warn, "{id}");
        assert!(names.contains(&id), "{id} is not among NAME_RULES");
    }
    let text = "apigctl: 1
group: {name: orders}
apis:
  - {name: ping, type: 1, req_protocol: HTTPS, req_method: GET, req_uri: /ping, auth_type: NONE, backend_type: MOCK, mock_info: {result_content: ok}, response_name: gone}
";
    let report = lint_text("names.yaml", text, &LintOptions::default())
        .unwrap_or_else(|e| panic!("lint runs: {e}"));
    let found: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "apig-response-ref")
        .map(|d| format!("{} {}", d.severity.as_str(), d.message))
        .collect();
    assert_eq!(
        found,
        [
            "warn group response `gone` is not defined here (defined: `default`); it must already exist in the group on the gateway"
        ]
    );
}

/// A repeated excluded configuration is named by its fields, with the fix and the names the
/// same fields have in an extension and in the REST body (API Reference 3.9.1, Table 3-505).
#[test]
fn a_repeated_excluded_configuration_says_how_to_fix_it() {
    let text = "apigctl: 1
group: {name: orders}
throttles:
  - name: per_minute
    api_call_limits: 100
    time_interval: 1
    time_unit: MINUTE
    special:
      - {object_type: APP, object_name: abc, call_limits: 5}
      - {object_type: APP, object_name: abc, call_limits: 6}
";
    let report = lint_text("special.yaml", text, &LintOptions::default())
        .unwrap_or_else(|e| panic!("lint runs: {e}"));
    let found: Vec<(String, Option<String>)> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "apig-throttle-special-unique")
        .map(|d| (d.message.clone(), d.help.clone()))
        .collect();
    assert_eq!(
        found,
        [(
            "excluded configuration (object_type: APP, object_name: abc) repeats an earlier one of this policy; the gateway answers APIG.3302".to_owned(),
            Some("keep one entry per app or tenant: remove the repeat, or put its limit on the first (x-apigateway-ratelimits `special`: `type` + `instance`; definition `special`: `object_type` + `object_name`, sent as Table 3-505's `object_id`)".to_owned())
        )]
    );
}

/// `apigctl rules list` is what `apigctl rules` prints, in either format; a misspelt
/// subcommand is refused (exit 2) with a suggestion.
#[test]
fn rules_list_is_the_rules_listing() {
    let exe = env!("CARGO_BIN_EXE_apigctl");
    let run = |args: &[&str]| {
        std::process::Command::new(exe)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    for (list, plain) in [
        (&["rules", "list"][..], &["rules"][..]),
        (
            &["rules", "list", "--format", "json"][..],
            &["rules", "--format", "json"][..],
        ),
    ] {
        let (list, plain) = (run(list), run(plain));
        assert_eq!(list.status.code(), Some(0));
        assert!(!list.stdout.is_empty());
        assert_eq!(list.stdout, plain.stdout);
    }
    let misspelt = run(&["rules", "lst"]);
    assert_eq!(misspelt.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&misspelt.stderr);
    assert!(
        stderr.contains("unrecognized subcommand 'lst'")
            && stderr.contains("a similar subcommand exists: 'list'"),
        "{stderr}"
    );
}

/// Every constraint of the extensions reference (§4, 1-112) is some rule's `constraint`, or
/// is listed in rules/README.md under "Constraints without a rule" with where it is handled.
#[test]
fn every_reference_constraint_has_a_rule_or_says_where_it_is_handled() {
    let rules = builtin_rules().unwrap_or_else(|e| panic!("{e}"));
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/README.md"))
            .unwrap_or_else(|e| panic!("{e}"));
    let section = readme
        .split("## Constraints without a rule")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .unwrap_or_else(|| panic!("rules/README.md has no section \"Constraints without a rule\""));
    let listed: Vec<u32> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" |").next())
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    assert_eq!(listed, [105]);
    let missing: Vec<u32> = (1..=112)
        .filter(|n| !listed.contains(n))
        .filter(|n| !rules.iter().any(|r| r.constraint == Some(*n)))
        .collect();
    assert_eq!(
        missing,
        Vec::<u32>::new(),
        "constraints without a rule or a README entry"
    );
    for n in &listed {
        assert!(
            !rules.iter().any(|r| r.constraint == Some(*n)),
            "constraint {n} has a rule; drop it from the README table"
        );
    }
}
