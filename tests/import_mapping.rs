//! One test per mapping row of the extension reference §3 and per warning kind of the importer,
//! each asserting the mapped value and where it came from (or where the warning points).
//!
//! Mapping rows (reference §3) and the test that covers each:
//!
//! | row | test |
//! |---|---|
//! | 3.1 `info.title` → group `name` (`--group-name` wins) | `document_level_swagger_2` (+ `import.rs` strict test) |
//! | 3.1 `info.description` → group `remark` | `document_level_swagger_2` |
//! | 3.1 `info.version` → ignored | `document_level_swagger_2` |
//! | 3.1 `host` / `servers[].url` host → ignored | `document_level_swagger_2`, `document_level_openapi_3` |
//! | 3.1 `basePath` prefixed to every path (3.x: server URL path, inference) | `document_level_swagger_2`, `document_level_openapi_3` |
//! | 3.1 `paths.<path>` → `req_uri` | `document_level_swagger_2` |
//! | 3.1 method upper-cased → `req_method`; `x-apigateway-any-method` → `ANY` | `document_level_swagger_2` |
//! | 3.1 `operationId` → `name` | `document_level_swagger_2` |
//! | 3.1 `description` → `remark` | `document_level_swagger_2` |
//! | 3.1 `tags` → `tags` | `document_level_swagger_2` |
//! | 3.1 `parameters` → `req_params` (path/query/header only) | `parameters_swagger_2` |
//! | 3.1 `schemes` (operation, else root) / server schemes → `req_protocol` HTTP/HTTPS/BOTH | `document_level_swagger_2`, `document_level_openapi_3` |
//! | 3.1 `responses` ignored except the sample extensions | `document_level_swagger_2`, `document_level_openapi_3` |
//! | 3.1 `security` + scheme extensions → `auth_type`; none → `NONE`; `security: []` → `NONE` | `document_level_swagger_2`, `document_level_openapi_3` |
//! | 3.1 `consumes` / `produces` → ignored | `document_level_swagger_2` |
//! | 3.1 body / formData parameters → not request parameters (warning) | `document_level_swagger_2`, `parameters_swagger_2` |
//! | 3.2 `name` → `name` | `parameters_swagger_2` |
//! | 3.2 `in` path/query/header → `location`; formData/body/cookie → warning | `parameters_swagger_2`, `parameters_openapi_3` |
//! | 3.2 integer/number → `NUMBER` with `minimum`/`maximum` → `min_num`/`max_num` | `parameters_swagger_2`, `parameters_openapi_3` |
//! | 3.2 string → `STRING` with `minLength`/`maxLength` → `min_size`/`max_size` | `parameters_swagger_2` |
//! | 3.2 other types (boolean, object, array, file) → warning, not imported | `parameters_swagger_2`, `parameters_openapi_3` |
//! | 3.2 `required` → 1/2, always 1 for PATH | `parameters_swagger_2` |
//! | 3.2 `default` → `default_value` (string) | `parameters_swagger_2` |
//! | 3.2 `enum` → `enumerations` (comma list) | `parameters_swagger_2` |
//! | 3.2 `description` → `remark` | `parameters_swagger_2` |
//! | 3.2 `x-apigateway-sample` (3.x `example`) → `sample_value` | `parameters_swagger_2`, `parameters_openapi_3` |
//! | 3.2 `x-apigateway-pass-through` → `pass_through` 1/2 | `parameters_swagger_2` |
//! | 3.2 `pattern`, string `format`, `exclusive*`, `multipleOf` → warning | `parameters_swagger_2`, `parameters_openapi_3` |
//! | 3.2 a range/length/enum check → `valid_enable: 1` | `parameters_swagger_2` |
//! | 3.2 `$ref`'d and path-level parameters, operation-level overrides | `parameters_swagger_2` |
//! | 3.3 `/users/{userName}` frontend and backend | `path_templates` |
//! | 3.3 prefix/suffix templates: backend yes, frontend warning | `path_templates` |
//! | 3.3 `{proxy+}` frontend yes | `path_templates` |
//! | 3.4 security schemes: `securityDefinitions` vs `components.securitySchemes` | `document_level_openapi_3` (+ `import.rs` same-definition test) |
//! | 3.4 root `host`/`basePath`/`schemes` vs root, path-item and operation `servers` | `document_level_openapi_3` |
//! | 3.4 flat parameter attributes vs `schema` (3.1 type lists) | `parameters_openapi_3` |
//! | 3.4 body/formData parameters vs `requestBody` (content type inferred in 3.x) | `document_level_openapi_3` |
//! | 3.4 root `responses` vs `components.responses` (`$ref`'d samples) | `document_level_openapi_3` |
//! | 3.4 `x-apigateway-responses`, `-ratelimits`, `-access-controls` at root or under `components` | `document_level_openapi_3` |
//! | 3.4 backend parameter `in` in lower or upper case | `document_level_openapi_3` |
//!
//! Warning kinds not located here are located in `import.rs` (`warnings_at_their_source_locations_*`,
//! `mapping_rows_and_their_warnings`, `custom_authorizer_from_security_scheme`,
//! `policy_extensions_that_are_not_mappings_are_reported`, `values_the_model_rejects_*`) and in
//! the extension snapshots (`import_extensions.rs`: base64 info, unknown backend type,
//! orchestrations). `testdata/import/README.md` lists every kind with its test.

mod import_common;

use apigctl::convert::import::{ImportOptions, ImportResult};
use apigctl::source::refs::Workspace;
use import_common::{api_names, import_file, locations, source_of};
use serde_json::{Value, json};

/// Asserts each `(definition pointer, value, source line:col)`; `None` for values that have no
/// single source (defaults the importer fills in).
/// A definition pointer, its expected value and the `line:col` it must come from.
type Row<'a> = (&'a str, Value, Option<(usize, usize)>);

fn check(ws: &Workspace, result: &ImportResult, rows: &[Row<'_>]) {
    let definition = serde_json::to_value(&result.definition).expect("serialises");
    let mut wrong = Vec::new();
    for (pointer, value, at) in rows {
        if definition.pointer(pointer) != Some(value) {
            wrong.push(format!(
                "{pointer}: {:?}, expected {value}",
                definition.pointer(pointer)
            ));
        }
        if let Some(at) = at {
            let found = source_of(ws, result, pointer);
            if found != *at {
                let text = &ws.sources.file(ws.root().file).text;
                let line = text.lines().nth(found.0 - 1).unwrap_or_default();
                wrong.push(format!(
                    "{pointer}: from {found:?}, expected {at:?} ({:?})",
                    line.chars().skip(found.1 - 1).collect::<String>()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn absent(result: &ImportResult, pointers: &[&str]) {
    let definition = serde_json::to_value(&result.definition).expect("serialises");
    for pointer in pointers {
        assert_eq!(definition.pointer(pointer), None, "{pointer} is not mapped");
    }
}

#[test]
fn document_level_swagger_2() {
    let (ws, result) = import_file(
        "testdata/import/rows-document-2.0.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(
        locations(&ws.sources, &result),
        ["warn import-dropped@55:15"],
        "the body parameter of put_item"
    );
    check(
        &ws,
        &result,
        &[
            ("/group/name", json!("rows_api"), Some((3, 10))),
            (
                "/group/remark",
                json!("Document-level mapping rows (reference §3.1)"),
                Some((4, 16)),
            ),
            ("/apis/0/name", json!("get_item"), Some((23, 20))),
            // basePath `/base/` is prefixed without doubling the slash.
            ("/apis/0/req_uri", json!("/base/items/{id}"), Some((21, 3))),
            ("/apis/0/req_method", json!("GET"), Some((22, 5))),
            ("/apis/0/remark", json!("Reads one item"), Some((24, 20))),
            ("/apis/0/tags", json!(["items", "read"]), Some((26, 9))),
            // Root `schemes`.
            ("/apis/0/req_protocol", json!("HTTPS"), Some((9, 3))),
            ("/apis/0/auth_type", json!("NONE"), None),
            (
                "/apis/0/req_params/0/location",
                json!("PATH"),
                Some((30, 15)),
            ),
            // Operation `schemes` with both → BOTH.
            ("/apis/1/req_protocol", json!("BOTH"), Some((45, 9))),
            ("/apis/1/req_method", json!("PUT"), Some((42, 5))),
            ("/apis/1/auth_type", json!("APP"), Some((19, 29))),
            ("/apis/2/req_method", json!("ANY"), Some((62, 5))),
            ("/apis/2/req_protocol", json!("HTTP"), Some((65, 9))),
        ],
    );
    // The body parameter is not a request parameter; `info.version`, `host`, `consumes`,
    // `produces` and response schemas have no place.
    assert_eq!(
        result.definition.apis[1]
            .req_params
            .as_ref()
            .map(|p| p.len()),
        Some(1)
    );
    absent(
        &result,
        &[
            "/group/version",
            "/apis/0/content_type",
            "/apis/0/result_normal_sample",
        ],
    );
    let text = serde_json::to_string(&result.definition).unwrap();
    assert!(!text.contains("7.1") && !text.contains("api.example.com"));
}

#[test]
fn document_level_openapi_3() {
    let (ws, result) = import_file(
        "testdata/import/rows-document-3.0.yaml",
        &ImportOptions::default(),
    );
    // The one finding: a request body's schema has no place on the API.
    assert_eq!(
        locations(&ws.sources, &result),
        ["warn import-dropped@66:7"]
    );
    check(
        &ws,
        &result,
        &[
            // Policies and group responses under `components`.
            (
                "/throttles/0/name",
                json!("components_limit"),
                Some((26, 5)),
            ),
            ("/acls/0/acl_type", json!("DENY"), Some((32, 17))),
            (
                "/responses/0/name",
                json!("components_errors"),
                Some((20, 5)),
            ),
            // Root servers: path merged, http + https → BOTH, host ignored.
            ("/apis/0/req_uri", json!("/v2/both"), Some((38, 3))),
            ("/apis/0/req_protocol", json!("BOTH"), Some((6, 5))),
            // Root `security` → IAM from `components.securitySchemes`.
            ("/apis/0/auth_type", json!("IAM"), Some((14, 31))),
            // Sample from a `$ref`'d `components.responses` entry.
            (
                "/apis/0/result_normal_sample",
                json!("shared sample"),
                Some((18, 42)),
            ),
            // Backend parameter `in` in either case.
            (
                "/apis/0/backend_params/0/location",
                json!("HEADER"),
                Some((49, 17)),
            ),
            (
                "/apis/0/backend_params/1/location",
                json!("QUERY"),
                Some((53, 17)),
            ),
            (
                "/apis/0/backend_params/1/origin",
                json!("CONSTANT"),
                Some((54, 21)),
            ),
            // Path-item servers win over root servers; `security: []` means no authentication.
            ("/apis/1/req_uri", json!("/o/only-https"), Some((60, 3))),
            ("/apis/1/req_protocol", json!("HTTPS"), Some((62, 9))),
            ("/apis/1/auth_type", json!("NONE"), Some((65, 17))),
            // requestBody is not a parameter; its single media type is the content type.
            (
                "/apis/1/content_type",
                json!("application/json"),
                Some((68, 11)),
            ),
            // Operation servers win over path-item servers.
            ("/apis/2/req_uri", json!("/only-https"), Some((60, 3))),
            ("/apis/2/req_protocol", json!("HTTP"), Some((78, 11))),
        ],
    );
    absent(&result, &["/apis/1/req_params"]);
}

#[test]
fn parameters_swagger_2() {
    let (ws, result) = import_file(
        "testdata/import/rows-params-2.0.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-dropped@54:11",     // string `format`
            "warn import-dropped@55:11",     // exclusiveMaximum
            "warn import-dropped@56:11",     // multipleOf
            "warn import-unsupported@59:17", // type boolean
            "warn import-dropped@61:15",     // in: formData
            "warn import-dropped@64:15",     // in: body
            "warn import-unsupported@70:38", // pass-through `sometimes`
            "warn import-dropped@74:20",     // maximum 9.5 for an integer
        ]
    );
    let p = "/apis/0/req_params";
    check(
        &ws,
        &result,
        &[
            // Path-level `id` overridden by the operation's, in the path-level position.
            (&format!("{p}/0/name"), json!("id"), Some((29, 17))),
            (
                &format!("{p}/0/remark"),
                json!("operation-level wins"),
                Some((34, 24)),
            ),
            (&format!("{p}/0/required"), json!(1), None),
            (&format!("{p}/0/min_size"), json!(2), Some((32, 22))),
            (&format!("{p}/0/max_size"), json!(16), Some((33, 22))),
            (&format!("{p}/0/valid_enable"), json!(1), None),
            // `$ref`'d path-level parameter: integer → NUMBER, bounds, default as a string.
            (&format!("{p}/1/name"), json!("page"), Some((7, 11))),
            (&format!("{p}/1/type"), json!("NUMBER"), Some((9, 11))),
            (&format!("{p}/1/location"), json!("QUERY"), Some((8, 9))),
            (&format!("{p}/1/min_num"), json!(1), Some((11, 14))),
            (&format!("{p}/1/max_num"), json!(1000), Some((12, 14))),
            (&format!("{p}/1/default_value"), json!("1"), Some((13, 14))),
            (&format!("{p}/1/required"), json!(2), None),
            (&format!("{p}/2/location"), json!("HEADER"), Some((24, 13))),
            // Operation-level parameters follow.
            (&format!("{p}/3/name"), json!("sort"), Some((35, 17))),
            (&format!("{p}/3/required"), json!(1), Some((38, 21))),
            (
                &format!("{p}/3/enumerations"),
                json!("asc,desc"),
                Some((39, 17)),
            ),
            (
                &format!("{p}/3/default_value"),
                json!("asc"),
                Some((40, 20)),
            ),
            (
                &format!("{p}/3/sample_value"),
                json!("desc"),
                Some((41, 32)),
            ),
            (&format!("{p}/3/pass_through"), json!(1), Some((42, 38))),
            (&format!("{p}/3/valid_enable"), json!(1), None),
            // number with a float format → NUMBER; enum values as written.
            (&format!("{p}/4/type"), json!("NUMBER"), Some((45, 17))),
            (
                &format!("{p}/4/enumerations"),
                json!("0.5,1,2"),
                Some((47, 17)),
            ),
            (&format!("{p}/5/type"), json!("STRING"), Some((50, 17))),
            (&format!("{p}/6/name"), json!("when"), Some((51, 17))),
            (&format!("{p}/8/name"), json!("bad_bound"), Some((71, 17))),
        ],
    );
    // No check configured: validity checks stay off; rejected values leave no field behind.
    absent(
        &result,
        &[
            &format!("{p}/5/valid_enable"),
            &format!("{p}/7/pass_through"),
            &format!("{p}/8/max_num"),
            &format!("{p}/9"),
        ],
    );
}

#[test]
fn parameters_openapi_3() {
    let (ws, result) = import_file(
        "testdata/import/rows-params-3.0.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-dropped@22:13",     // pattern
            "warn import-dropped@24:15",     // in: cookie
            "warn import-dropped@29:11",     // content instead of schema: a STRING
            "warn import-unsupported@36:19", // type object
        ]
    );
    let p = "/apis/0/req_params";
    check(
        &ws,
        &result,
        &[
            // 3.1 type list [integer, "null"] → NUMBER, bounds under `schema`.
            (&format!("{p}/0/type"), json!("NUMBER"), Some((13, 19))),
            (&format!("{p}/0/min_num"), json!(0), Some((14, 22))),
            (&format!("{p}/0/max_num"), json!(9), Some((15, 22))),
            // `example` on the parameter → sample_value.
            (
                &format!("{p}/1/sample_value"),
                json!("from-example"),
                Some((19, 20)),
            ),
            (&format!("{p}/1/location"), json!("HEADER"), Some((17, 15))),
            (&format!("{p}/1/required"), json!(1), Some((18, 21))),
            // A parameter given by `content` is a serialised value: a STRING, unchecked.
            (&format!("{p}/2/type"), json!("STRING"), None),
            (
                &format!("{p}/2/name"),
                json!("content_only"),
                Some((27, 17)),
            ),
        ],
    );
    absent(&result, &[&format!("{p}/3")]);
}

#[test]
fn path_templates() {
    let (ws, result) = import_file(
        "testdata/import/rows-templates-2.0.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-unsupported@14:3", // /users/prefix-{userName}
            "warn import-unsupported@18:3", // /users/{userName}-suffix
        ]
    );
    check(
        &ws,
        &result,
        &[
            ("/apis/0/req_uri", json!("/users/{userName}"), Some((6, 3))),
            // Backend paths may hold prefix/suffix templates.
            (
                "/apis/0/backend_api/req_uri",
                json!("/u/prefix-{userName}-suffix"),
                Some((13, 83)),
            ),
            // Still imported as written, after the warning.
            (
                "/apis/1/req_uri",
                json!("/users/prefix-{userName}"),
                Some((14, 3)),
            ),
            (
                "/apis/2/req_uri",
                json!("/users/{userName}-suffix"),
                Some((18, 3)),
            ),
            // Greedy template: accepted by the gateway's frontend, no warning.
            ("/apis/3/req_uri", json!("/files/{proxy+}"), Some((22, 3))),
        ],
    );
}

/// Warning kinds of policies, security, parameters, backends and conditions that the other
/// documents do not produce, each at its exact location.
#[test]
fn remaining_warning_kinds() {
    let (ws, result) = import_file(
        "testdata/import/warnings-misc-2.0.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-unsupported@3:3",         // no info.title
            "warn import-unknown-extension@10:5",  // unknown security scheme extension
            "warn import-dropped@25:5",            // throttling policy field
            "warn import-dropped@30:9",            // excluded configuration field
            "warn import-dropped@35:14",           // `special` not a list
            "warn import-dropped@41:5",            // access control field
            "warn import-dropped@48:9",            // second group response media type
            "warn import-unsupported@55:11",       // two schemes in one requirement
            "warn import-dropped@64:11",           // httpEndpoints field
            "warn import-dropped@70:13",           // backend parameter field
            "error import-duplicate-name@72:20",   // operationId used twice
            "warn import-unsupported@76:9",        // MOCK backend without mockEndpoints
            "error import-invalid@81:9",           // HTTP backend without httpEndpoints
            "warn import-auth-unmapped@86:11",     // scheme without x-apigateway-auth-type
            "warn import-unknown-extension@91:11", // unknown parameter extension
            "error import-invalid@93:9",           // FUNCTION backend without functionEndpoints
            "warn import-missing-backend@95:7",    // operation without x-apigateway-backend
            "warn import-dropped@103:11",          // functionEndpoints field
            "warn import-dropped@110:11",          // mockEndpoints field
            "warn import-dropped@122:15",          // policy condition field
        ]
    );
    let duplicate = result
        .diagnostics
        .iter()
        .find(|d| d.code == "import-duplicate-name")
        .unwrap();
    let first = &duplicate.related[0].location;
    let lc = ws
        .sources
        .file(first.file)
        .line_col(first.span.start as usize);
    assert_eq!((lc.line, lc.col), (52, 20), "the first `same_name`");
    check(
        &ws,
        &result,
        &[
            ("/group/name", json!("imported_group"), None),
            // The first scheme of the requirement is used.
            ("/apis/0/auth_type", json!("APP"), Some((9, 29))),
            ("/apis/0/type", json!(1), Some((56, 34))),
            (
                "/throttles/0/special/0/object_name",
                json!("partner_app"),
                Some((29, 19)),
            ),
            (
                "/responses/0/responses/NOT_FOUND/body",
                json!("{\"a\":1}"),
                Some((47, 27)),
            ),
        ],
    );
}

/// API Reference 3.5.1, Table 3-167 `name`: 3 to 255 characters, a letter or digit first, then
/// letters, digits and `-_./:()`.
fn is_api_name(name: &str) -> bool {
    let mut chars = name.chars();
    (3..=255).contains(&name.chars().count())
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "-_./:()".contains(c))
}

#[test]
fn generated_names_satisfy_the_api_name_rule_and_are_unique_and_deterministic() {
    let path = "testdata/import/generated-names-2.0.yaml";
    let (ws, result) = import_file(path, &ImportOptions::default());
    let names = api_names(&result);
    for name in &names {
        assert!(is_api_name(name), "`{name}` breaks the API name rule");
    }
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    let long = format!(
        "get_{}",
        (0..40)
            .map(|i| format!("segment{i:02}"))
            .collect::<Vec<_>>()
            .join("_")
    );
    let long: String = long.chars().take(240).collect();
    assert_eq!(
        names,
        [
            "get", // root `/`
            "get_a_b",
            "get_a_b_2", // `/a/b` after `/a/{b}`
            "get_a_b_3", // `/a/b/`
            "get_stra_e______n_code",
            "any_files_proxy",
            "get_x_y__41_a_b__tilde__dollar",
            &long,
            &format!("{long}_2"),
            "get_taken_2", // `get_taken` is a later operationId
            "get_taken",
        ]
    );
    // One warning per generated name, at the method key.
    let found = locations(&ws.sources, &result);
    assert_eq!(
        found,
        [7, 10, 13, 16, 19, 22, 25, 28, 31, 34]
            .map(|line| format!("warn import-generated-name@{line}:5"))
    );
    let (_, again) = import_file(path, &ImportOptions::default());
    assert_eq!(again.definition, result.definition);
}

#[test]
fn duplicate_paths_compare_templates_by_position() {
    let (ws, result) = import_file(
        "testdata/import/duplicate-templates-2.0.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "error import-duplicate-api@11:5", // GET /a/{y} is GET /a/{x}
            "error import-duplicate-api@36:5", // SWA GET /a/{u}/c is SWA GET /a/{v}/c
        ]
    );
    let related: Vec<(usize, usize)> = result
        .diagnostics
        .iter()
        .map(|d| {
            let at = &d.related[0].location;
            let lc = ws.sources.file(at.file).line_col(at.span.start as usize);
            (lc.line, lc.col)
        })
        .collect();
    assert_eq!(related, [(7, 5), (31, 5)], "both locations are shown");
    let names = api_names(&result);
    // Another method, another depth, a greedy template and another match mode are different
    // APIs.
    assert_eq!(
        names,
        [
            "by_x",
            "post_y",
            "deeper",
            "greedy",
            "other_mode",
            "prefix_mode"
        ]
    );
}

/// An `x-` key of `paths` is an extension, not a path: its value is no path item, so neither
/// its template nor its keys (`trace`, `x-apigateway-*`) are warned about, and it makes no API.
#[test]
fn extensions_under_paths_are_not_path_items() {
    let (ws, result) = import_common::import_text(
        "paths-extension.yaml",
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  x-notes-{a}b:\n    trace: {}\n    x-apigateway-whatever: 1\n  /a{b}:\n    trace: {}\n    x-apigateway-whatever: 1\n",
    );
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-unsupported@7:3", // `/a{b}`: template inside a segment
            "warn import-unsupported@8:5", // trace
            "warn import-unknown-extension@9:5", // path item extension
        ]
    );
    assert!(result.definition.apis.is_empty());
}
