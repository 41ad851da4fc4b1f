//! Backends, backend policies and group responses written in a shape or with a value import
//! cannot take: each is reported at its place with its code (review of the import, items 2, 3,
//! 9, 11, 12, 13, 16, 19 and 20), never imported as something else without a word.

mod import_common;

use apigctl::convert::import::ImportResult;
use apigctl::source::refs::Workspace;
use import_common::{api_names, import_text, locations};

/// `severity code@line:col message` of each diagnostic, in order.
fn said(ws: &Workspace, result: &ImportResult) -> Vec<String> {
    locations(&ws.sources, result)
        .into_iter()
        .zip(&result.diagnostics)
        .map(|(at, d)| format!("{at} {}", d.message))
        .collect()
}

/// A Swagger 2.0 document (five lines of header) whose `/a` `get` (operation key on line 5,
/// its members from line 6 on) is `operation`, indented by six spaces.
fn document(operation: &str) -> String {
    let mut text = String::from(
        "swagger: \"2.0\"\ninfo: {title: backends, version: \"1\"}\npaths:\n  /a:\n    get:\n",
    );
    text.push_str("      operationId: op_a\n");
    text.push_str("      parameters: [{name: q, in: query, type: string}]\n");
    text.push_str("      responses: {default: {description: ok}}\n");
    for line in operation.lines() {
        text.push_str("      ");
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// Imports `operation` (see [`document`]) and returns what import said.
fn import_operation(operation: &str) -> (Vec<String>, ImportResult) {
    let (ws, result) = import_text("backends.yaml", &document(operation));
    (said(&ws, &result), result)
}

/// Asserts that `found` holds exactly one line starting with `start` (`severity code@l:c`)
/// and containing `fragment`.
fn assert_said(found: &[String], start: &str, fragment: &str) {
    let hits: Vec<&String> = found
        .iter()
        .filter(|l| l.starts_with(start) && l.contains(fragment))
        .collect();
    assert_eq!(hits.len(), 1, "`{start}` … `{fragment}` in {found:#?}");
}

/// Imports each `(operation, start, fragment)` and asserts that import says exactly that.
fn each_said_once(cases: &[(&str, &str, &str)]) {
    for (operation, start, fragment) in cases {
        let (found, _) = import_operation(operation);
        assert_said(&found, start, fragment);
        assert_eq!(found.len(), 1, "{found:#?}");
    }
}

#[test]
fn an_unknown_backend_type_refuses_the_api_at_the_type() {
    let (found, result) = import_operation(
        "x-apigateway-backend:\n  type: HTTPS\n  httpEndpoints: {address: a.b, scheme: https, method: GET, path: /y}\n",
    );
    assert_said(
        &found,
        "error import-invalid@10:15 ",
        "backend type `HTTPS` is not one of HTTP, HTTP-VPC, FUNCTION or MOCK",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(api_names(&result).is_empty(), "the API is refused");
    assert!(result.dropped.contains(&("apis", "op_a".to_owned())));
    let help = result.diagnostics[0].help.as_deref().unwrap_or_default();
    assert!(help.contains("`HTTP-VPC`, `FUNCTION` or `MOCK`"), "{help}");

    // Without `type`: at the backend mapping; a type that is not a string: at it.
    let (found, _) =
        import_operation("x-apigateway-backend: {mockEndpoints: {result-content: x}}\n");
    assert_said(
        &found,
        "error import-invalid@9:29 ",
        "`x-apigateway-backend` has no `type`",
    );
    let (found, _) = import_operation("x-apigateway-backend: {type: 7}\n");
    assert_said(
        &found,
        "error import-invalid@9:36 ",
        "backend type must be a string, not a number",
    );
}

#[test]
fn a_missing_backend_is_a_warning_of_its_own_code() {
    let (found, result) = import_operation("summary: no backend\n");
    assert_eq!(
        found,
        [
            "warn import-missing-backend@6:7 operation has no `x-apigateway-backend`; imported with an empty MOCK backend"
        ]
    );
    assert_eq!(api_names(&result), ["op_a"]);
}

#[test]
fn a_list_as_a_condition_value_is_refused_at_the_value() {
    let (found, result) = import_operation(
        "x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}\nx-apigateway-backend-policies:\n  - {name: p_one, type: MOCK, effectMode: ANY, mockEndpoints: {result-content: y}, conditions: [{origin: request, parameter: q, type: enum, value: [a, b]}]}\n",
    );
    assert_said(
        &found,
        "error import-invalid@11:154 ",
        "a condition `value` is one string, not a sequence",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(api_names(&result).is_empty());
    assert!(
        result.diagnostics[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("one comma-separated string")),
    );
}

#[test]
fn lists_written_as_mappings_are_refused_at_the_mapping() {
    // Backend parameters.
    let (found, result) = import_operation(
        "x-apigateway-backend:\n  type: MOCK\n  mockEndpoints: {result-content: x}\n  parameters: {name: q, value: q, in: query, origin: REQUEST}\n",
    );
    assert_said(
        &found,
        "error import-invalid@12:21 ",
        "backend `parameters` must be a list, not a mapping",
    );
    assert!(api_names(&result).is_empty());
    // The policies.
    let (found, result) = import_operation(
        "x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}\nx-apigateway-backend-policies:\n  name: p_one\n  type: MOCK\n  effectMode: ANY\n  mockEndpoints: {result-content: y}\n  conditions: [{origin: request, parameter: q, type: exact, value: a}]\n",
    );
    assert_said(
        &found,
        "error import-invalid@11:9 ",
        "`x-apigateway-backend-policies` must be a list, not a mapping",
    );
    assert!(api_names(&result).is_empty());
    // A policy's conditions.
    let (found, result) = import_operation(
        "x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}\nx-apigateway-backend-policies:\n  - name: p_two\n    type: MOCK\n    effectMode: ANY\n    mockEndpoints: {result-content: y}\n    conditions: {origin: request, parameter: q, type: exact, value: a}\n",
    );
    assert_said(
        &found,
        "error import-invalid@15:23 ",
        "`conditions` must be a list, not a mapping",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(api_names(&result).is_empty());
}

#[test]
fn group_response_bodies_and_headers_of_another_shape_are_refused() {
    let text = "swagger: \"2.0\"\ninfo: {title: responses, version: \"1\"}\nx-apigateway-responses:\n  shaped:\n    AUTH_FAILURE:\n      status: 401\n      body: []\n    ACCESS_DENIED:\n      headers: \"X-A: 1\"\n  listed:\n    ACCESS_DENIED:\n      body: {application/json: '{}'}\n      headers: [{key: X-A, value: '1'}]\n  mapped:\n    ACCESS_DENIED:\n      body: plain\n      headers: {X-A: '1'}\npaths: {}\n";
    let (ws, result) = import_text("responses.yaml", text);
    let found = said(&ws, &result);
    assert_said(
        &found,
        "error import-invalid@7:13 ",
        "a group response `body` maps media types to templates, not a sequence",
    );
    assert_said(
        &found,
        "error import-invalid@9:16 ",
        "group response `headers` must be a list of `{key, value}` (or a mapping of names to values), not a string",
    );
    assert_eq!(found.len(), 2, "{found:#?}");
    let names: Vec<&str> = result
        .definition
        .responses
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    // The documented shapes (and the definition's own one-template body) import.
    assert_eq!(names, ["listed", "mapped"]);
    assert!(result.dropped.contains(&("responses", "shaped".to_owned())));
}

#[test]
fn an_empty_alias_urn_is_no_alias() {
    let (found, result) = import_operation(
        "x-apigateway-backend: {type: FUNCTION, functionEndpoints: {function-urn: 'urn:fss:f', alias-urn: '', version: latest, invocation-type: sync}}\n",
    );
    assert!(found.is_empty(), "{found:#?}");
    let func = result.definition.apis[0]
        .func_info
        .as_ref()
        .expect("func_info");
    assert_eq!(func.alias_urn, None);
    assert_eq!(func.version.as_deref(), Some("latest"));
}

#[test]
fn an_exported_cascade_flag_is_a_note() {
    let (found, result) = import_operation(
        "x-apigateway-backend:\n  type: HTTP-VPC\n  httpVpcEndpoints: {name: ch, scheme: http, method: GET, path: /x, cascade_flag: false}\n",
    );
    assert_eq!(
        found,
        [
            "info import-dropped@11:75 `httpVpcEndpoints.cascade_flag` is written by gateway exports and is not part of an API (reference §2.13); not carried over"
        ]
    );
    assert_eq!(api_names(&result), ["op_a"]);
}

#[test]
fn a_missing_endpoint_member_is_named_at_the_endpoint_key() {
    let cases = [
        (
            "x-apigateway-backend:\n  type: HTTP\n  httpEndpoints: {address: a.b, method: GET, path: /y}\n",
            "error import-invalid@11:9 ",
            "cannot import: `httpEndpoints` has no `scheme`",
        ),
        (
            "x-apigateway-backend:\n  type: HTTP-VPC\n  httpVpcEndpoints: {scheme: http, method: GET, path: /y}\n",
            "error import-invalid@11:9 ",
            "cannot import: `httpVpcEndpoints` has no `name`",
        ),
        (
            "x-apigateway-backend:\n  type: FUNCTION\n  functionEndpoints: {invocation-type: sync, version: latest}\n",
            "error import-invalid@11:9 ",
            "cannot import: `functionEndpoints` has no `function-urn`",
        ),
        // A policy's endpoint: at its key in the policy.
        (
            "x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}\nx-apigateway-backend-policies:\n  - name: p_one\n    type: HTTP\n    effectMode: ANY\n    httpEndpoints: {address: a.b, scheme: http, path: /z}\n    conditions: [{origin: request, parameter: q, type: exact, value: a}]\n",
            "error import-invalid@14:11 ",
            "cannot import: `httpEndpoints` has no `method`",
        ),
    ];
    each_said_once(&cases);
}

#[test]
fn a_refused_value_is_quoted_as_written_with_the_extension_spellings() {
    let cases = [
        (
            "x-apigateway-backend:\n  type: HTTP\n  httpEndpoints: {address: a.b, scheme: htp, method: GET, path: /y}\n",
            "error import-invalid@11:47 ",
            "cannot import: unknown variant `htp`, expected `http` or `https`",
        ),
        (
            "x-apigateway-match-mode: prefix\nx-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}\n",
            "error import-invalid@9:32 ",
            "cannot import: unknown variant `prefix`, expected `SWA` or `NORMAL`",
        ),
        (
            "x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}\nx-apigateway-backend-policies:\n  - {name: p_one, type: MOCK, effectMode: ANY, mockEndpoints: {result-content: y}, conditions: [{origin: requests, parameter: q, type: exact, value: a}]}\n",
            "error import-invalid@11:112 ",
            "cannot import: unknown variant `requests`, expected `request`, `source`, `system`, `cookie` or `frontend_authorizer`",
        ),
    ];
    each_said_once(&cases);
}

#[test]
fn send_fg_body_base64_on_a_function_backend_is_a_warning() {
    let (found, _) = import_operation(
        "x-apigateway-is-send-fg-body-base64: false\nx-apigateway-backend: {type: FUNCTION, functionEndpoints: {function-urn: 'urn:fss:f', version: latest, invocation-type: sync}}\n",
    );
    assert_said(
        &found,
        "warn import-dropped@9:7 ",
        "the 2025 API Reference does not document",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    // Where it means nothing, a note.
    let (found, _) = import_operation(
        "x-apigateway-is-send-fg-body-base64: true\nx-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}\n",
    );
    assert_eq!(
        found,
        [
            "info import-dropped@9:7 `x-apigateway-is-send-fg-body-base64` has no field on the API object (API Reference 3.5.1); not carried over"
        ]
    );
}

#[test]
fn mocks_and_policies_that_say_less_than_they_need() {
    // A number as the mock's answer is its text, as a backend parameter's value is.
    let (found, result) = import_operation(
        "x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: 200}}\nx-apigateway-backend-policies:\n  - {name: p_one, type: MOCK, effectMode: ANY, mockEndpoints: {result-content: true}, conditions: [{origin: request, parameter: q, type: exact, value: 1}]}\n",
    );
    assert!(found.is_empty(), "{found:#?}");
    let api = &result.definition.apis[0];
    let mock = api.mock_info.as_ref().expect("mock_info");
    assert_eq!(mock.result_content.as_deref(), Some("200"));
    let policy = &api.policy_mocks.as_ref().expect("policy")[0];
    assert_eq!(policy.result_content.as_deref(), Some("true"));

    // A MOCK without `mockEndpoints`, a policy without `conditions`: imported, with a warning
    // at each (lint's rules refuse both).
    let (found, result) = import_operation(
        "x-apigateway-backend: {type: MOCK}\nx-apigateway-backend-policies:\n  - {name: p_one, type: MOCK, effectMode: ANY}\n",
    );
    assert_eq!(
        found,
        [
            "warn import-unsupported@9:29 this MOCK backend has no `mockEndpoints`; imported with an empty `mock_info` (no `result-content`)",
            "warn import-unsupported@11:11 this MOCK backend has no `mockEndpoints`; imported with an empty `mock_info` (no `result-content`)",
            "warn import-unsupported@11:11 backend policy has no `conditions` (at least one is required: reference §2.18, API Reference 3.5.1, Table 3-172); imported without any",
        ]
    );
    assert_eq!(api_names(&result), ["op_a"]);
}

#[test]
fn every_refused_field_of_an_operation_is_said_at_its_place() {
    // Three in one backend: each at its value, not only the first serde stops at.
    let (found, result) = import_operation(
        "x-apigateway-backend:\n  type: HTTP\n  httpEndpoints: {address: a.b, scheme: htp, method: GETT, path: /y, timeout: abc}\n",
    );
    assert_eq!(
        found,
        [
            "error import-invalid@11:47 cannot import: unknown variant `htp`, expected `http` or `https`",
            "error import-invalid@11:60 cannot import: unknown variant `GETT`, expected one of `GET`, `POST`, `PUT`, `DELETE`, `HEAD`, `PATCH`, `OPTIONS`, `ANY`",
            "error import-invalid@11:85 cannot import: invalid type: string \"abc\", expected an integer",
        ]
    );
    assert!(api_names(&result).is_empty(), "the API is refused");
    // Two in the API and one in its backend; and a field missing of itself after a refused
    // one (the `method` the endpoint does not have, at the endpoint's key).
    let (found, _) = import_operation(
        "x-apigateway-match-mode: prefix\nx-apigateway-cors: 'yes'\nx-apigateway-backend:\n  type: HTTP\n  httpEndpoints: {address: a.b, scheme: htp, path: /y}\n",
    );
    assert_eq!(
        found,
        [
            "error import-invalid@9:32 cannot import: unknown variant `prefix`, expected `SWA` or `NORMAL`",
            "error import-invalid@10:26 cannot import: invalid type: string \"yes\", expected a boolean (true or false)",
            "error import-invalid@13:9 cannot import: `httpEndpoints` has no `method`",
            "error import-invalid@13:47 cannot import: unknown variant `htp`, expected `http` or `https`",
        ]
    );
}

#[test]
fn an_unknown_backend_policy_type_refuses_the_api_at_the_type() {
    let (found, result) = import_operation(
        "x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}\nx-apigateway-backend-policies:\n  - {name: p_one, type: MOCKS, effectMode: ANY, mockEndpoints: {result-content: y}, conditions: [{origin: request, parameter: q, type: exact, value: a}]}\n",
    );
    assert_eq!(
        found,
        [
            "error import-invalid@11:31 backend policy type `MOCKS` is not one of HTTP, HTTP-VPC, FUNCTION or MOCK, so the API cannot be imported"
        ]
    );
    assert!(api_names(&result).is_empty(), "the API is refused");
    assert!(result.dropped.contains(&("apis", "op_a".to_owned())));
    let help = result.diagnostics[0].help.as_deref().unwrap_or_default();
    assert!(help.contains("`HTTP-VPC`, `FUNCTION` or `MOCK`"), "{help}");
    // Without `type`: at the policy; a type that is not a string: at it.
    let (found, _) = import_operation(
        "x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}\nx-apigateway-backend-policies:\n  - {name: p_one, effectMode: ANY, mockEndpoints: {result-content: y}, conditions: [{origin: request, parameter: q, type: exact, value: a}]}\n  - {name: p_two, type: [MOCK], effectMode: ANY, mockEndpoints: {result-content: y}, conditions: [{origin: request, parameter: q, type: exact, value: b}]}\n",
    );
    assert_eq!(
        found,
        [
            "error import-invalid@11:11 backend policy has no `type`, so the API cannot be imported",
            "error import-invalid@12:31 backend policy type must be a string, not a sequence, so the API cannot be imported",
        ]
    );
}
