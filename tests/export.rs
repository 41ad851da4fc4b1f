//! `apigctl export`: round trips through import for every definition and OpenAPI document in
//! testdata, official-schema validity of every export, snapshots of the reference's examples,
//! property tests over generated definitions, and the command line.

mod common;

use std::path::{Path, PathBuf};

use apigctl::commands::export::{ExportCommandOptions, run};
use apigctl::commands::import::OutputFormat;
use apigctl::convert::export::{Define, ExportOptions, ExportResult, export, to_json_text};
use apigctl::convert::import::{ImportOptions, ImportResult, import};
use apigctl::convert::yaml::to_yaml;
use apigctl::model::Definition;
use apigctl::openapi::{self, DocumentKind, OasVersion};
use apigctl::source::refs::{RefOptions, Workspace};
use apigctl::source::{Input, Limits, Sources};
use common::assert_valid;

const VERSIONS: [OasVersion; 3] = [OasVersion::V2_0, OasVersion::V3_0, OasVersion::V3_1];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            )
        })
        .collect();
    files.sort();
    files
}

fn load_definition(path: &Path) -> Definition {
    let mut sources = Sources::new();
    let doc = apigctl::source::load(
        &Input::Path(path.to_path_buf()),
        &mut sources,
        &Limits::default(),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Definition::from_json(doc.root.to_json()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load_definition_text(text: &str) -> Definition {
    let mut sources = Sources::new();
    let doc = apigctl::source::load_bytes(
        "d.yaml".into(),
        None,
        text.as_bytes().to_vec(),
        &mut sources,
        &Limits::default(),
    )
    .unwrap_or_else(|e| panic!("d.yaml: {e}"));
    Definition::from_node(&doc.root).unwrap_or_else(|e| panic!("{}: {}", e.pointer, e.message))
}

/// Imports an OpenAPI document given as text (as `apigctl import` would).
fn import_text(name: &str, text: String) -> ImportResult {
    let mut sources = Sources::new();
    let doc = apigctl::source::load_bytes(
        name.into(),
        None,
        text.into_bytes(),
        &mut sources,
        &Limits::default(),
    )
    .unwrap_or_else(|e| panic!("{name} reloads: {e}"));
    let Ok(DocumentKind::OpenApi(version)) = openapi::detect(&doc) else {
        panic!("{name} is OpenAPI");
    };
    let mut ws = Workspace::from_parts(sources, doc);
    let problems = ws.resolve_refs(&Limits::default(), &RefOptions::default());
    assert!(problems.is_empty(), "{name}: {problems:?}");
    import(&ws, version, &ImportOptions::default())
}

fn import_file(path: &Path) -> ImportResult {
    let mut ws = Workspace::load(&Input::Path(path.to_path_buf()), &Limits::default())
        .unwrap_or_else(|_| panic!("{} loads", path.display()));
    let _ = ws.resolve_refs(&Limits::default(), &RefOptions::default());
    let Ok(DocumentKind::OpenApi(version)) = openapi::detect(ws.root()) else {
        panic!("{} is OpenAPI", path.display());
    };
    import(&ws, version, &ImportOptions::default())
}

fn export_all(def: &Definition, version: OasVersion) -> ExportResult {
    export(
        def,
        &ExportOptions {
            version,
            define: Define::All,
        },
    )
}

/// export → YAML text → schema check → import; the imported definition.
fn round_trip(name: &str, def: &Definition, version: OasVersion) -> Definition {
    let result = export_all(def, version);
    let text = to_yaml(&result.document);
    assert_valid(name, &text, version);
    let back = import_text(name, text);
    assert!(!back.has_errors(), "{name}: {:?}", back.diagnostics);
    back.definition
}

/// What the extension format cannot carry, removed from a definition: the documented
/// normalisations of a round trip (README, "What lossless means") that these testdata
/// definitions need. Applied to the expectation, never to the result.
fn without_deployment_state(mut def: Definition) -> Definition {
    def.schema = None;
    def.environments.clear();
    def.publications.clear();
    def.plugins.clear();
    for b in &mut def.throttle_bindings {
        b.env = None;
    }
    for b in &mut def.acl_bindings {
        b.env = None;
    }
    for b in &mut def.plugin_bindings {
        b.env = None;
    }
    def
}

#[test]
fn testdata_definitions_round_trip_in_every_version() {
    let files = yaml_files("testdata/definitions");
    assert!(!files.is_empty());
    for path in files {
        let def = load_definition(&path);
        let expected = without_deployment_state(def.clone());
        for version in VERSIONS {
            let name = format!("{} as {version}", path.display());
            assert_eq!(round_trip(&name, &def, version), expected, "{name}");
        }
    }
}

/// Every OpenAPI document in testdata/examples and testdata/import: `import(S)` survives
/// export and import unchanged, in each version.
#[test]
fn testdata_documents_round_trip_in_every_version() {
    let mut checked = 0;
    for dir in ["testdata/examples", "testdata/import"] {
        for path in yaml_files(dir) {
            let imported = import_file(&path);
            if imported.has_errors() {
                // Documents written to show import errors have no definition to round-trip.
                continue;
            }
            let def = imported.definition;
            for version in VERSIONS {
                let name = format!("{} as {version}", path.display());
                assert_eq!(round_trip(&name, &def, version), def, "{name}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} documents checked");
}

#[test]
fn every_scope_is_valid_and_narrower_scopes_leave_out_their_extensions() {
    for path in yaml_files("testdata/examples") {
        let def = import_file(&path).definition;
        for version in VERSIONS {
            for define in [Define::Spec, Define::Proxy, Define::All] {
                let result = export(&def, &ExportOptions { version, define });
                let text = to_yaml(&result.document);
                let name = format!("{} as {version} {define:?}", path.display());
                assert_valid(&name, &text, version);
                let has = |key: &str| text.contains(&format!("{key}:"));
                assert_eq!(
                    has("x-apigateway-backend"),
                    define != Define::Spec,
                    "{name}"
                );
                assert_eq!(
                    has("x-apigateway-ratelimits"),
                    define == Define::All,
                    "{name}"
                );
                assert_eq!(
                    has("x-apigateway-ratelimit"),
                    define == Define::All,
                    "{name}"
                );
                assert_eq!(
                    has("x-apigateway-access-controls"),
                    define == Define::All,
                    "{name}"
                );
                assert_eq!(has("x-apigateway-plugins"), define == Define::All, "{name}");
                assert_eq!(
                    has("x-apigateway-responses"),
                    define == Define::All,
                    "{name}"
                );
                assert!(has("x-apigateway-request-type"), "{name}");
            }
        }
    }
}

#[test]
fn example_snapshots() {
    for path in yaml_files("testdata/examples") {
        let def = import_file(&path).definition;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        for version in VERSIONS {
            let result = export_all(&def, version);
            assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics);
            let text = to_yaml(&result.document);
            insta::assert_snapshot!(format!("export_{stem}_as_{}", version.as_str()), text);
        }
    }
}

#[test]
fn output_is_deterministic_and_json_matches_yaml() {
    for path in yaml_files("testdata/examples") {
        let def = import_file(&path).definition;
        for version in VERSIONS {
            let a = export_all(&def, version);
            let b = export_all(&def.clone(), version);
            assert_eq!(to_yaml(&a.document), to_yaml(&b.document));
            let json = to_json_text(&a.document);
            assert_valid("json", &json, version);
            let back = import_text("json", json);
            assert_eq!(back.definition, def);
        }
    }
}

/// The document order the issue asks for: version, info, servers/schemes, paths,
/// components/securityDefinitions, then extensions.
#[test]
fn top_level_key_order() {
    let def = import_file(&root().join("testdata/examples/orders-swagger-2.0.yaml")).definition;
    let keys = |version| -> Vec<String> {
        let doc = export_all(&def, version).document;
        doc.as_map()
            .map(|m| m.iter().map(|(k, _)| k.to_owned()).collect())
            .unwrap_or_default()
    };
    assert_eq!(
        keys(OasVersion::V2_0),
        [
            "swagger",
            "info",
            "schemes",
            "paths",
            "securityDefinitions",
            "x-apigateway-ratelimits",
            "x-apigateway-access-controls",
            "x-apigateway-responses"
        ]
    );
    assert_eq!(
        keys(OasVersion::V3_1),
        [
            "openapi",
            "info",
            "servers",
            "paths",
            "components",
            "x-apigateway-ratelimits",
            "x-apigateway-access-controls"
        ]
    );
}

#[test]
fn what_cannot_be_carried_is_a_warning_at_its_definition_location() {
    // Relative, so the snapshot does not depend on where the repository is.
    let path = PathBuf::from("testdata/export/unrepresentable.yaml");
    let options = ExportCommandOptions {
        export: ExportOptions {
            version: OasVersion::V3_0,
            define: Define::All,
        },
        ..ExportCommandOptions::default()
    };
    let outcome = run(&Input::Path(path), &options);
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    insta::assert_snapshot!("export_unrepresentable_warnings", outcome.stderr);
    assert_valid("unrepresentable", &outcome.stdout, OasVersion::V3_0);
}

#[test]
fn command_line_writes_files_and_rejects_openapi_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let options = ExportCommandOptions {
        export: ExportOptions {
            version: OasVersion::V2_0,
            define: Define::Proxy,
        },
        format: OutputFormat::Json,
        output: Some(out.clone()),
        ..ExportCommandOptions::default()
    };
    let outcome = run(
        &Input::Path(root().join("testdata/definitions/orders.yaml")),
        &options,
    );
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    assert!(outcome.stdout.is_empty());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("{\n  \"swagger\": \"2.0\""), "{text}");
    assert_valid("out.json", &text, OasVersion::V2_0);

    let outcome = run(
        &Input::Path(root().join("testdata/examples/orders-swagger-2.0.yaml")),
        &ExportCommandOptions::default(),
    );
    assert_eq!(outcome.exit_code, 1);
    assert!(
        outcome.stderr.contains("export-not-definition"),
        "{}",
        outcome.stderr
    );

    // Neither a definition nor OpenAPI: the hint is how a definition starts.
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.yaml");
    std::fs::write(&empty, "").unwrap();
    let outcome = run(&Input::Path(empty), &ExportCommandOptions::default());
    assert_eq!(outcome.exit_code, 1);
    assert!(
        outcome
            .stderr
            .contains("help: a gateway definition is a mapping that starts with `apigctl: 1`"),
        "{}",
        outcome.stderr
    );

    let outcome = run(
        &Input::Path(root().join("testdata/export/invalid-definition.yaml")),
        &ExportCommandOptions::default(),
    );
    assert_eq!(outcome.exit_code, 1);
    assert!(
        outcome.stderr.contains("invalid-definition.yaml:"),
        "{}",
        outcome.stderr
    );
    assert!(outcome.stderr.contains("req_mehtod"), "{}", outcome.stderr);
}

/// `severity[code]@line:col` of each diagnostic `apigctl export` printed, in order.
fn printed_locations(stderr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut head: Option<String> = None;
    for line in stderr.lines() {
        if ["error[", "warn[", "info[", "hint["]
            .iter()
            .any(|p| line.starts_with(p))
        {
            head = line.split_once(']').map(|(h, _)| format!("{h}]"));
        } else if let (Some(h), Some((_, at))) = (head.as_ref(), line.split_once("┌─ ")) {
            let mut parts = at.rsplitn(3, ':');
            let col = parts.next().unwrap_or_default();
            let line = parts.next().unwrap_or_default();
            out.push(format!("{h}@{line}:{col}"));
            head = None;
        }
    }
    out
}

/// Writes `text` as `name` in a temporary directory and runs `apigctl export` on it, writing
/// to `out.yaml` there; the outcome and whether the output file exists.
fn export_text(name: &str, text: &str, version: OasVersion) -> (apigctl::commands::Outcome, bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let out = dir.path().join("out.yaml");
    let options = ExportCommandOptions {
        export: ExportOptions {
            version,
            define: Define::All,
        },
        output: Some(out.clone()),
        ..ExportCommandOptions::default()
    };
    let outcome = run(&Input::Path(path), &options);
    (outcome, out.exists())
}

/// Two objects of a kind with one name would be a repeated key (security schemes,
/// `x-apigateway-ratelimits`, `-access-controls`, `-responses`) or `operationId`, which import
/// refuses: each second name is an error there, the first its related place, and nothing is
/// written.
#[test]
fn repeated_names_are_errors_and_nothing_is_written() {
    let path = root().join("testdata/export/duplicate-names.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    for version in VERSIONS {
        let (outcome, written) = export_text("d.yaml", &text, version);
        assert_eq!(outcome.exit_code, 1, "{}", outcome.stderr);
        assert!(!written && outcome.stdout.is_empty(), "{version}");
        assert_eq!(
            printed_locations(&outcome.stderr),
            [
                "error[export-duplicate-name]@10:5",
                "error[export-duplicate-name]@19:5",
                "error[export-duplicate-name]@28:5",
                "error[export-duplicate-name]@34:5",
                "error[export-duplicate-name]@45:5",
            ],
            "{}",
            outcome.stderr
        );
        assert_eq!(outcome.stderr.matches("first defined here").count(), 5);
        assert!(outcome.stderr.contains(
            "error[export-duplicate-name]: another throttling policy is named `per_sec`; the exported document would repeat it in its `x-apigateway-ratelimits` keys, which import refuses, so nothing is written"
        ));
        assert!(outcome.stderr.contains(
            "= help: names are unique in a definition, as on the gateway: rename or remove one API, and update what refers to it by name"
        ));
    }
    let result = export_all(&load_definition(&path), OasVersion::V3_0);
    assert!(result.has_errors());
    let errors: Vec<(&str, &str)> = result
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.code.as_str(), d.pointer.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(
        errors,
        [
            ("export-duplicate-name", "/authorizers/1/name"),
            ("export-duplicate-name", "/throttles/1/name"),
            ("export-duplicate-name", "/acls/1/acl_name"),
            ("export-duplicate-name", "/responses/1/name"),
            ("export-duplicate-name", "/apis/1/name"),
        ]
    );
    let related: Vec<(usize, &str, &str)> = result
        .related
        .iter()
        .map(|r| (r.diagnostic, r.pointer.as_str(), r.message.as_str()))
        .collect();
    assert_eq!(
        related,
        [
            (0, "/authorizers/0/name", "first defined here"),
            (1, "/throttles/0/name", "first defined here"),
            (2, "/acls/0/acl_name", "first defined here"),
            (3, "/responses/0/name", "first defined here"),
            (4, "/apis/0/name", "first defined here"),
        ]
    );
}

/// An authorizer named like a built-in scheme would be merged with it: an error.
#[test]
fn an_authorizer_named_like_a_built_in_scheme_is_an_error() {
    let text = "apigctl: 1\ngroup:\n  name: g_api\nauthorizers:\n  - name: apig-auth-iam\n    type: FRONTEND\n    authorizer_type: FUNC\n    authorizer_uri: urn:fss:r:p:function:default:f\n";
    let (outcome, written) = export_text("d.yaml", text, OasVersion::V2_0);
    assert_eq!(outcome.exit_code, 1);
    assert!(!written);
    assert_eq!(
        printed_locations(&outcome.stderr),
        ["error[export-duplicate-name]@5:5"],
        "{}",
        outcome.stderr
    );
}

/// `auth_opt` belongs to AppSigv1 schemes only (reference §2.2; lint `apig-auth-opt`): on an
/// IAM API it is a warning at `auth_opt`, and the API gets the plain IAM scheme.
#[test]
fn auth_opt_of_an_iam_api_is_a_warning_and_not_exported() {
    let text = "apigctl: 1\ngroup:\n  name: g_api\napis:\n  - name: iam_api\n    type: 1\n    req_protocol: HTTPS\n    req_method: GET\n    req_uri: /a\n    auth_type: IAM\n    auth_opt:\n      app_code_auth_type: HEADER\n    backend_type: MOCK\n    mock_info:\n      result_content: ok\n";
    for version in VERSIONS {
        let (outcome, written) = export_text("d.yaml", text, version);
        assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
        assert!(written);
        assert_eq!(
            printed_locations(&outcome.stderr),
            ["warn[export-not-representable]@11:5"],
            "{}",
            outcome.stderr
        );
        assert!(
            outcome
                .stderr
                .contains("`auth_opt` of an IAM API has no x-apigateway-* extension; not exported"),
            "{}",
            outcome.stderr
        );
    }
    let mut def = load_definition_text(text);
    let result = export_all(&def, OasVersion::V3_0);
    let yaml = to_yaml(&result.document);
    assert!(!yaml.contains("x-apigateway-auth-opt"), "{yaml}");
    assert!(yaml.contains("apig-auth-iam:"), "{yaml}");
    def.apis[0].auth_opt = None;
    assert_eq!(round_trip("iam", &def, OasVersion::V3_0), def);
}

/// Request parameter checks keep the gateway's behaviour or are warnings at their field: an
/// `enum` or bound in OpenAPI means validation on (import infers `valid_enable: 1`, reference
/// §3.2), so checks under `valid_enable: 2` (or its absence, the default 2 of API Reference
/// 3.5.1, Table 3-171) are not exported; `valid_enable: 1` without a check has no OpenAPI
/// form; zero bounds read back as no limit.
#[test]
fn parameter_checks_follow_valid_enable_and_zero_bounds_are_warnings() {
    let path = root().join("testdata/export/parameter-checks.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    for version in VERSIONS {
        let (outcome, written) = export_text("d.yaml", &text, version);
        assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
        assert!(written);
        assert_eq!(
            printed_locations(&outcome.stderr),
            [
                "warn[export-not-representable]@20:9",
                "warn[export-not-representable]@23:9",
                "warn[export-not-representable]@32:9",
                "warn[export-not-representable]@38:9",
                "warn[export-not-representable]@39:9",
                "warn[export-not-representable]@45:9",
            ],
            "{}",
            outcome.stderr
        );
        for message in [
            "validation is off (`valid_enable: 2`), so the gateway does not check `min_num`, `max_num`; an OpenAPI `enum` or bound would switch it on (import sets `valid_enable: 1`), so they are not exported",
            "validation is off (no `valid_enable`: the default 2 of API Reference 3.5.1, Table 3-171), so the gateway does not check `enumerations`; an OpenAPI `enum` or bound would switch it on (import sets `valid_enable: 1`), so it is not exported",
            "= help: set `valid_enable: 1` if the gateway is to check them (they are exported then), or remove them from the definition",
            "`valid_enable: 1` without `enumerations` or bounds has no OpenAPI form (import sets it only with an `enum` or a bound, and reads its absence as 2, the default of API Reference 3.5.1, Table 3-171); not exported",
            "= help: remove `valid_enable` when nothing is to be checked, or add the `enumerations` or bounds the gateway is to check",
            "`max_num: 0` is a check, but `maximum: 0` is what gateway exports write for a parameter without limits, and import reads it so (reference §3.2): the check does not survive an import of the document",
            "= help: to admit only 0, use `enumerations: \"0\"`, which survives; keep the definition as the source otherwise",
            "`max_size: 0` is a check, but `maxLength: 0` is what gateway exports write for a parameter without limits, and import reads it so (reference §3.2): the check does not survive an import of the document",
        ] {
            assert!(
                outcome.stderr.contains(message),
                "{message}\n{}",
                outcome.stderr
            );
        }
    }
    // What comes back: checks the gateway did not make are gone with validation still off
    // (the same behaviour); the warned-about values are lost; `page` is kept as it is.
    let def = load_definition(&path);
    let mut expected = def.clone();
    let params = expected.apis[0].req_params.as_mut().unwrap();
    (params[0].valid_enable, params[0].min_num, params[0].max_num) = (None, None, None);
    params[1].enumerations = None;
    params[2].valid_enable = None;
    (params[3].valid_enable, params[3].min_num, params[3].max_num) = (None, None, None);
    (params[4].valid_enable, params[4].max_size) = (None, None);
    params[6].valid_enable = None;
    for version in VERSIONS {
        assert_eq!(round_trip("checks", &def, version), expected, "{version}");
    }
}

/// OpenAPI: "Templated paths with the same hierarchy but different templated names MUST NOT
/// exist". Two APIs whose paths differ only in variable names are exported as written, with a
/// warning at the second path naming the first.
#[test]
fn paths_differing_only_in_variable_names_are_a_warning_at_the_second() {
    let text = r#"apigctl: 1
group:
  name: grp_shapes
apis:
- name: get_item
  type: 1
  req_protocol: HTTPS
  req_method: GET
  req_uri: /items/{id}
  auth_type: NONE
  req_params:
  - {name: id, type: STRING, location: PATH, required: 1}
  backend_type: MOCK
  mock_info: {result_content: x}
- name: put_item
  type: 1
  req_protocol: HTTPS
  req_method: PUT
  req_uri: /items/{id}
  auth_type: NONE
  req_params:
  - {name: id, type: STRING, location: PATH, required: 1}
  backend_type: MOCK
  mock_info: {result_content: x}
- name: delete_item
  type: 1
  req_protocol: HTTPS
  req_method: DELETE
  req_uri: /items/{item_id}
  auth_type: NONE
  req_params:
  - {name: item_id, type: STRING, location: PATH, required: 1}
  backend_type: MOCK
  mock_info: {result_content: x}
- name: list_greedy
  type: 1
  req_protocol: HTTPS
  req_method: GET
  req_uri: /items/{rest+}
  auth_type: NONE
  req_params:
  - {name: rest, type: STRING, location: PATH, required: 1}
  backend_type: MOCK
  mock_info: {result_content: x}
"#;
    for version in VERSIONS {
        let (outcome, written) = export_text("shapes.yaml", text, version);
        assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
        assert!(written, "{version}");
        assert_eq!(
            printed_locations(&outcome.stderr),
            ["warn[export-not-representable]@29:3"],
            "{}",
            outcome.stderr
        );
        assert!(
            outcome.stderr.contains(
                "path `/items/{item_id}` differs from `/items/{id}` (API `get_item`) only in the names of its variables"
            ),
            "{}",
            outcome.stderr
        );
        assert!(
            outcome.stderr.contains(
                "9 │   req_uri: /items/{id}\n   │   ------- the first path of this shape"
            ),
            "{}",
            outcome.stderr
        );
    }
    let result = export_all(&load_definition_text(text), OasVersion::V3_0);
    let related: Vec<(usize, &str)> = result
        .related
        .iter()
        .map(|r| (r.diagnostic, r.pointer.as_str()))
        .collect();
    assert_eq!(related, [(0, "/apis/0/req_uri")]);
}

/// Two request parameters with one location and name would be a parameter list naming one
/// twice, which OpenAPI forbids and import refuses: an error at the second name, the first as
/// related place, and nothing written.
#[test]
fn repeated_request_parameters_are_an_error_at_the_second() {
    let text = "apigctl: 1\ngroup:\n  name: g_api\napis:\n  - name: get_a\n    type: 1\n    req_protocol: HTTPS\n    req_method: GET\n    req_uri: /a\n    auth_type: NONE\n    req_params:\n      - {name: q, type: STRING, location: QUERY}\n      - {name: Q, type: STRING, location: QUERY}\n      - {name: q, type: STRING, location: HEADER}\n      - {name: q, type: NUMBER, location: QUERY}\n    backend_type: MOCK\n    mock_info:\n      result_content: ok\n";
    for version in VERSIONS {
        let (outcome, written) = export_text("d.yaml", text, version);
        assert_eq!(outcome.exit_code, 1, "{}", outcome.stderr);
        assert!(!written);
        assert_eq!(
            printed_locations(&outcome.stderr),
            ["error[export-duplicate-name]@15:10"],
            "{}",
            outcome.stderr
        );
        assert!(
            outcome
                .stderr
                .contains("API `get_a` has another QUERY parameter named `q`"),
            "{}",
            outcome.stderr
        );
        assert!(
            outcome.stderr.contains("first defined here"),
            "{}",
            outcome.stderr
        );
    }
}

/// An `authorizer_name` naming a built-in scheme would make one security scheme stand for a
/// custom authorizer and a built-in mode, changing other APIs' authentication on import.
#[test]
fn an_authorizer_name_of_a_built_in_scheme_is_an_error() {
    let text = "apigctl: 1\ngroup:\n  name: g_api\napis:\n  - name: iam_api\n    type: 1\n    req_protocol: HTTPS\n    req_method: GET\n    req_uri: /a\n    auth_type: IAM\n    backend_type: MOCK\n    mock_info:\n      result_content: ok\n  - name: custom_api\n    type: 1\n    req_protocol: HTTPS\n    req_method: GET\n    req_uri: /b\n    auth_type: AUTHORIZER\n    authorizer_name: apig-auth-iam\n    backend_type: MOCK\n    mock_info:\n      result_content: ok\n";
    for version in VERSIONS {
        let (outcome, written) = export_text("d.yaml", text, version);
        assert_eq!(outcome.exit_code, 1, "{}", outcome.stderr);
        assert!(!written);
        assert_eq!(
            printed_locations(&outcome.stderr),
            ["error[export-duplicate-name]@20:5"],
            "{}",
            outcome.stderr
        );
    }
}

/// OpenAPI 3 ignores header parameters named `Authorization`, `Content-Type` and `Accept`, and
/// so does import: exporting one to 3.x is a warning at its name; 2.0 keeps it.
#[test]
fn header_parameters_openapi_3_ignores_are_a_warning_exporting_to_3() {
    let text = "apigctl: 1\ngroup:\n  name: g_api\napis:\n  - name: get_a\n    type: 1\n    req_protocol: HTTPS\n    req_method: GET\n    req_uri: /a\n    auth_type: NONE\n    req_params:\n      - {name: Authorization, type: STRING, location: HEADER, required: 1}\n      - {name: accept, type: STRING, location: HEADER, required: 2}\n      - {name: Content-Type, type: STRING, location: QUERY, required: 2}\n    backend_type: MOCK\n    mock_info:\n      result_content: ok\n";
    for version in VERSIONS {
        let (outcome, written) = export_text("d.yaml", text, version);
        assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
        assert!(written);
        let expected: &[&str] = if version == OasVersion::V2_0 {
            &[]
        } else {
            &[
                "warn[export-not-representable]@12:10",
                "warn[export-not-representable]@13:10",
            ]
        };
        assert_eq!(
            printed_locations(&outcome.stderr),
            expected,
            "{}",
            outcome.stderr
        );
    }
    let def = load_definition_text(text);
    assert_eq!(round_trip("h", &def, OasVersion::V2_0), def);
}

/// A gRPC backend is exported as an HTTP backend (README, "What lossless means"): its GRPCS
/// protocol becomes `https` with a warning, so the document passes `apig-backend-scheme`.
#[test]
fn a_grpc_backend_is_exported_with_the_https_scheme() {
    let text = "apigctl: 1\ngroup:\n  name: g_api\napis:\n  - name: grpc_api\n    type: 1\n    req_protocol: GRPCS\n    req_method: POST\n    req_uri: /a\n    auth_type: NONE\n    backend_type: GRPC\n    backend_api:\n      url_domain: grpc.example.com:8443\n      req_protocol: GRPCS\n      req_method: POST\n      req_uri: /\n      timeout: 5000\n";
    for version in VERSIONS {
        let (outcome, written) = export_text("d.yaml", text, version);
        assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
        assert!(written);
        assert_eq!(
            printed_locations(&outcome.stderr),
            [
                "warn[export-not-representable]@7:5",
                "warn[export-not-representable]@11:5",
                "warn[export-not-representable]@14:7",
            ],
            "{}",
            outcome.stderr
        );
        let def = load_definition_text(text);
        let yaml = to_yaml(&export_all(&def, version).document);
        assert!(yaml.contains("scheme: https"), "{yaml}");
        assert!(!yaml.contains("grpcs"), "{yaml}");
    }
    // Without `url_domain` nor a VPC channel there is no address to export: an error.
    let bad = text.replace("      url_domain: grpc.example.com:8443\n", "");
    let (outcome, written) = export_text("d.yaml", &bad, OasVersion::V3_0);
    assert_eq!(outcome.exit_code, 1, "{}", outcome.stderr);
    assert!(!written);
    assert!(
        outcome.stderr.contains("error[export-no-address]: gRPC API `grpc_api` has neither `url_domain` nor a VPC channel"),
        "{}",
        outcome.stderr
    );
}

/// An OpenAPI `enum` holds each value once (2.0's must, draft-04): a repeated value of
/// `enumerations` is exported once, with a warning at `enumerations`.
#[test]
fn repeated_enumerations_are_exported_once_with_a_warning() {
    let text = "apigctl: 1\ngroup:\n  name: g_api\napis:\n  - name: get_a\n    type: 1\n    req_protocol: HTTPS\n    req_method: GET\n    req_uri: /a\n    auth_type: NONE\n    req_params:\n      - {name: a, type: STRING, location: QUERY, required: 2, enumerations: \"x,y,x\", valid_enable: 1}\n      - {name: b, type: NUMBER, location: QUERY, required: 2, enumerations: \"1,01,1\", valid_enable: 1}\n    backend_type: MOCK\n    mock_info:\n      result_content: ok\n";
    for version in VERSIONS {
        let (outcome, written) = export_text("d.yaml", text, version);
        assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
        assert!(written);
        assert_eq!(
            printed_locations(&outcome.stderr),
            [
                "warn[export-not-representable]@12:63",
                "warn[export-not-representable]@13:63",
                "warn[export-not-representable]@13:63",
            ],
            "{}",
            outcome.stderr
        );
        for said in [
            "`enumerations` repeats `x`;",
            // A NUMBER's `01` is the number 1, which the list already holds.
            "`01` of a NUMBER parameter is exported as the number `1`",
            "`enumerations` repeats `01`, `1`;",
        ] {
            assert!(outcome.stderr.contains(said), "{said}\n{}", outcome.stderr);
        }
        let def = load_definition_text(text);
        let document = export_all(&def, version).document;
        assert_valid("enum", &to_yaml(&document), version);
        let yaml = to_yaml(&document);
        assert!(
            yaml.contains("- x\n") && yaml.matches("- x\n").count() == 1,
            "{yaml}"
        );
        assert!(!yaml.contains("01"), "{yaml}");
        assert_eq!(yaml.matches("- 1\n").count(), 1, "{yaml}");
    }
}

/// An HTTP API's web backend the extension cannot write is refused, naming the API and its
/// place: without `url_domain` nor a VPC channel (`httpEndpoints` would have no `address`,
/// reference §2.12) and with `req_protocol: GRPCS` (the extension's `scheme` is `http` or
/// `https`; the API Reference gives GRPCS to gRPC backends, Table 3-174). In a policy too.
#[test]
fn an_http_backend_the_extension_cannot_write_is_refused() {
    let text = "apigctl: 1\ngroup:\n  name: g_api\napis:\n  - name: http_api\n    type: 1\n    req_protocol: HTTPS\n    req_method: GET\n    req_uri: /a\n    auth_type: NONE\n    backend_type: HTTP\n    backend_api:\n      url_domain: a.example.com\n      req_protocol: HTTPS\n      req_method: GET\n      req_uri: /b\n      timeout: 5000\n";
    let (outcome, written) = export_text("d.yaml", text, OasVersion::V3_0);
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    assert!(written);
    let cases = [
        (
            text.replace("      url_domain: a.example.com\n", ""),
            "error[export-no-address]@12:5",
            "error[export-no-address]: HTTP API `http_api` has neither `url_domain` nor a VPC channel: exported as an HTTP backend it would have no `address`, so nothing is written",
        ),
        (
            text.replace("      req_protocol: HTTPS\n", "      req_protocol: GRPCS\n"),
            "error[export-no-scheme]@14:7",
            "error[export-no-scheme]: API `http_api` has an HTTP backend with `req_protocol: GRPCS`: the extension's `scheme` is `http` or `https`, and writing either would call the backend otherwise, so nothing is written",
        ),
        (
            format!(
                "{text}    policy_https:\n      - {{name: p_one, effect_mode: ANY, req_protocol: HTTP, req_method: GET, req_uri: /c, conditions: [{{condition_origin: source, condition_value: 10.0.0.0/8}}]}}\n"
            ),
            "error[export-no-address]@19:9",
            "error[export-no-address]: HTTP API `http_api` has a backend policy with neither `url_domain` nor a VPC channel",
        ),
    ];
    for (bad, at, said) in cases {
        for version in VERSIONS {
            let (outcome, written) = export_text("d.yaml", &bad, version);
            assert_eq!(outcome.exit_code, 1, "{}", outcome.stderr);
            assert!(!written);
            assert_eq!(
                printed_locations(&outcome.stderr),
                [at],
                "{}",
                outcome.stderr
            );
            assert!(outcome.stderr.contains(said), "{}", outcome.stderr);
        }
    }
}

/// An operation without a backend imports to the empty MOCK import marks as its stand-in;
/// export writes that operation without `x-apigateway-backend` again, with a warning at the
/// marker, so the round trip comes back to the same definition.
#[test]
fn a_placeholder_backend_is_exported_as_no_backend() {
    let text = "openapi: 3.0.3\ninfo: {title: plain_api, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: op_a\n      responses: {default: {description: ok}}\n";
    let imported = import_text("plain.yaml", text.to_owned());
    let api = &imported.definition.apis[0];
    assert!(api.has_placeholder_backend(), "{api:?}");
    for version in VERSIONS {
        let exported = export_all(&imported.definition, version);
        let warnings: Vec<(&str, Option<&str>, &str)> = exported
            .diagnostics
            .iter()
            .map(|d| (d.code.as_str(), d.pointer.as_deref(), d.message.as_str()))
            .collect();
        assert_eq!(
            warnings,
            [(
                "export-placeholder-backend",
                Some("/apis/0/mock_info/remark"),
                "API op_a has no backend, only the empty MOCK import stood in for one; exported without `x-apigateway-backend`"
            )]
        );
        let text = to_yaml(&exported.document);
        assert!(!text.contains("x-apigateway-backend"), "{text}");
        assert_eq!(
            round_trip("plain.yaml", &imported.definition, version),
            imported.definition
        );
    }
    // A MOCK without the marker is a mock, exported as one.
    let mut on_purpose = imported.definition.clone();
    if let Some(mock) = on_purpose.apis[0].mock_info.as_mut() {
        mock.remark = Some("empty on purpose".to_owned());
    }
    let exported = export_all(&on_purpose, OasVersion::V3_0);
    assert!(
        exported.diagnostics.is_empty(),
        "{:?}",
        exported.diagnostics
    );
    assert!(to_yaml(&exported.document).contains("x-apigateway-backend"));
    // Nor is one given a response, the marker left behind: its response is exported.
    let answered = {
        let mut def = imported.definition.clone();
        if let Some(mock) = def.apis[0].mock_info.as_mut() {
            mock.result_content = Some("hello".to_owned());
        }
        def
    };
    assert!(!answered.apis[0].has_placeholder_backend());
    let exported = export_all(&answered, OasVersion::V3_0);
    assert!(
        exported.diagnostics.is_empty(),
        "{:?}",
        exported.diagnostics
    );
    let text = to_yaml(&exported.document);
    assert!(text.contains("result-content: hello"), "{text}");
}

/// A `req_uri` without its leading `/` (API Reference 3.5.1, Table 3-167; reference §4 #13)
/// would be a `paths` key that OpenAPI reads as an extension (`x-…`, the API lost silently on
/// import) or refuses: an error naming the API at its `req_uri`, and nothing is written.
#[test]
fn a_req_uri_without_a_leading_slash_is_refused() {
    let text = "apigctl: 1\ngroup:\n  name: g_api\napis:\n  - name: list_orders\n    type: 1\n    req_protocol: HTTPS\n    req_method: GET\n    req_uri: /x-api/orders\n    auth_type: NONE\n    backend_type: MOCK\n    mock_info:\n      result_content: ok\n";
    let (outcome, written) = export_text("d.yaml", text, OasVersion::V3_0);
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    assert!(written);
    let cases = [
        (
            "x-api/orders",
            "error[export-invalid-path]: API `list_orders` has `req_uri: x-api/orders`, which does not start with `/`; its `paths` key would be read as an extension, not a path, and import of the document would lose the API, so nothing is written",
            "help: write the path from the root: `req_uri: /x-api/orders`",
        ),
        (
            "items",
            "error[export-invalid-path]: API `list_orders` has `req_uri: items`, which does not start with `/`; its `paths` key would be read as invalid, and import of the document would lose the API, so nothing is written",
            "help: write the path from the root: `req_uri: /items`",
        ),
    ];
    for (uri, said, help) in cases {
        let bad = text.replace("req_uri: /x-api/orders", &format!("req_uri: {uri}"));
        for version in VERSIONS {
            let (outcome, written) = export_text("d.yaml", &bad, version);
            assert_eq!(outcome.exit_code, 1, "{}", outcome.stderr);
            assert!(!written);
            assert_eq!(
                printed_locations(&outcome.stderr),
                ["error[export-invalid-path]@9:5"],
                "{}",
                outcome.stderr
            );
            assert!(outcome.stderr.contains(said), "{}", outcome.stderr);
            assert!(outcome.stderr.contains(help), "{}", outcome.stderr);
        }
    }
}

/// `export --strict` makes every warning an error: what the document would lose (here an
/// environment and a publication of `orders.yaml`) exits 1 and nothing is written; without
/// warnings, `--strict` changes nothing.
#[test]
fn strict_turns_lossy_exports_into_errors_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.yaml");
    let export = |definition: &Path, strict: bool| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_apigctl"));
        command
            .current_dir(root())
            .args(["--color", "never", "export"])
            .arg(definition)
            .arg("-o")
            .arg(&out);
        if strict {
            command.arg("--strict");
        }
        command.stdin(std::process::Stdio::null()).output().unwrap()
    };
    let orders = Path::new("testdata/definitions/orders.yaml");
    let lossy = export(orders, true);
    let stderr = String::from_utf8_lossy(&lossy.stderr);
    assert_eq!(lossy.status.code(), Some(1), "{stderr}");
    assert!(!out.exists());
    assert_eq!(
        printed_locations(&stderr),
        [
            "error[export-not-representable]@6:5",
            "error[export-not-representable]@21:5"
        ],
        "{stderr}"
    );
    assert!(
        stderr.contains("error[export-not-representable]: an environment (with its variables) has no x-apigateway-* extension; not exported"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("2 errors, 0 warnings in 1 file\n"),
        "{stderr}"
    );
    // The same export without `--strict` warns and writes.
    let lenient = export(orders, false);
    assert_eq!(lenient.status.code(), Some(0));
    assert!(out.exists());
    std::fs::remove_file(&out).unwrap();
    // Without a warning, `--strict` writes as usual.
    let clean = dir.path().join("clean.yaml");
    std::fs::write(
        &clean,
        "apigctl: 1\ngroup:\n  name: orders_api\napis:\n  - name: health\n    type: 1\n    req_protocol: HTTPS\n    req_method: GET\n    req_uri: /health\n    auth_type: NONE\n    backend_type: MOCK\n    mock_info:\n      result_content: ok\n",
    )
    .unwrap();
    let written = export(&clean, true);
    assert_eq!(
        written.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    assert!(written.stderr.is_empty());
    assert!(out.exists());
}

/// A definition that makes invalid OpenAPI is exported as written, with a warning at what
/// OpenAPI refuses: a variable of `req_uri` without a PATH parameter (at `req_uri`), a PATH
/// parameter that is no variable of the path (at its `name`), and a NUMBER parameter's
/// default or enum value that is no number (kept as a string, which its `type: number`
/// refuses). One that is a number in another spelling (`007`, `3e2`) is written as the
/// number, with a warning that import reads that number's text back; `1.0` and `2.0` are
/// written as they are, silently.
#[test]
fn values_openapi_refuses_are_warnings_at_their_place() {
    let text = "\
apigctl: 1
group: {name: pp_api}
apis:
  - name: no_param
    type: 1
    req_protocol: HTTPS
    req_method: GET
    req_uri: /a/{id}
    auth_type: NONE
    req_params:
      - {name: ghost, type: STRING, location: PATH, required: 1}
      - {name: n1, type: NUMBER, location: QUERY, default_value: '1.0'}
      - {name: n2, type: NUMBER, location: QUERY, valid_enable: 1, enumerations: '1,2.0,3e2'}
      - {name: n3, type: NUMBER, location: QUERY, default_value: '007'}
      - {name: n4, type: NUMBER, location: QUERY, default_value: abc}
    backend_type: MOCK
    mock_info: {result_content: ok}
";
    for version in VERSIONS {
        let (outcome, written) = export_text("d.yaml", text, version);
        assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
        assert!(written);
        assert_eq!(
            printed_locations(&outcome.stderr),
            [
                "warn[export-not-representable]@8:5",
                "warn[export-not-representable]@11:10",
                "warn[export-not-representable]@13:68",
                "warn[export-not-representable]@14:51",
                "warn[export-not-representable]@15:51",
            ],
            "{}",
            outcome.stderr
        );
        for said in [
            "warn[export-not-representable]: `{id}` of API `no_param`'s path `/a/{id}` has no PATH request parameter; OpenAPI requires every variable of a path to be declared as a path parameter, so the exported document is invalid OpenAPI (exported as written)",
            "help: add `{name: id, type: STRING, location: PATH, required: 1}` to the API's `req_params`",
            "warn[export-not-representable]: PATH parameter `ghost` of API `no_param` is no variable of its path `/a/{id}`; OpenAPI requires a path parameter to name a variable of the path, so the exported document is invalid OpenAPI (exported as written)",
            "warn[export-not-representable]: `3e2` of a NUMBER parameter is exported as the number `300`, which the schema's `type: number` needs; import reads it back as `300`",
            "warn[export-not-representable]: `007` of a NUMBER parameter is exported as the number `7`, which the schema's `type: number` needs; import reads it back as `7`",
            "help: write `7` in the definition, which survives a round trip",
            "warn[export-not-representable]: `abc` is not a number, but the parameter is a NUMBER (`type: number`): exported as the string `\"abc\"`, which the parameter's own schema refuses",
        ] {
            assert!(outcome.stderr.contains(said), "{said}\n{}", outcome.stderr);
        }
    }
    let document = export_all(&load_definition_text(text), OasVersion::V3_0).document;
    let yaml = to_yaml(&document);
    for schema in [
        "type: number\n          default: 1.0\n",
        "enum:\n          - 1\n          - 2.0\n          - 300\n",
        "default: 7\n",
        "default: abc\n",
    ] {
        assert!(yaml.contains(schema), "{schema}\n{yaml}");
    }
    // What is written as the definition says comes back so.
    let back = import_text("e.yaml", yaml);
    let params = back.definition.apis[0].req_params.as_ref().unwrap();
    assert_eq!(params[1].default_value.as_deref(), Some("1.0"));
    assert_eq!(params[2].enumerations.as_deref(), Some("1,2.0,300"));
    assert_eq!(params[3].default_value.as_deref(), Some("7"));
}

/// An output that is the input under another name is refused naming both as written: the
/// output as given to `-o` (`./same.json`, not `same.json`), and the input it is the same file
/// as when written differently (a symbolic link).
#[cfg(unix)]
#[test]
fn an_output_that_is_the_input_is_named_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let text = "apigctl: 1\ngroup:\n  name: g_api\napis: []\n";
    std::fs::write(dir.path().join("same.json"), text).unwrap();
    std::os::unix::fs::symlink("same.json", dir.path().join("samelink.json")).unwrap();
    for (args, said) in [
        (
            ["samelink.json", "same.json"],
            "apigctl: error: -o same.json is an input of this command (the same file as the input samelink.json); writing it would replace the document being read\n",
        ),
        (
            ["same.json", "./same.json"],
            "apigctl: error: -o ./same.json is an input of this command (the same file as the input same.json); writing it would replace the document being read\n",
        ),
        (
            ["same.json", "same.json"],
            "apigctl: error: -o same.json is an input of this command; writing it would replace the document being read\n",
        ),
    ] {
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_apigctl"))
            .current_dir(dir.path())
            .args(["export", args[0], "-o", args[1]])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with(said), "{args:?}: {stderr}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("same.json")).unwrap(),
            text
        );
    }
}

/// An APP API with `auth_opt: {app_code_auth_type: DISABLE}` (the default written out) gets a
/// scheme of its own, `apig-auth-app-disable`, beside the gateway's `apig-auth-app` of an APP
/// API without `auth_opt`: with one scheme for both, import would give one of them back
/// changed. Both come back as they were.
#[test]
fn an_explicit_appcode_disable_has_a_scheme_of_its_own_and_survives() {
    let api = |name: &str, uri: &str, opt: &str| {
        format!(
            "  - name: {name}\n    type: 1\n    req_protocol: HTTPS\n    req_method: GET\n    req_uri: {uri}\n    auth_type: APP\n{opt}    backend_type: MOCK\n    mock_info:\n      result_content: ok\n"
        )
    };
    let text = format!(
        "apigctl: 1\ngroup:\n  name: g_api\napis:\n{}{}",
        api("plain_app", "/a", ""),
        api(
            "disabled_app",
            "/b",
            "    auth_opt: {app_code_auth_type: DISABLE}\n"
        ),
    );
    let def = load_definition_text(&text);
    for version in VERSIONS {
        let result = export_all(&def, version);
        assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics);
        let yaml = to_yaml(&result.document);
        assert!(
            yaml.contains("  apig-auth-app:\n") && yaml.contains("apig-auth-app-disable:\n"),
            "{yaml}"
        );
        assert!(yaml.contains("- apig-auth-app-disable: []\n"), "{yaml}");
        assert!(yaml.contains("appcode-auth-type: disable\n"), "{yaml}");
        assert_eq!(round_trip("disable", &def, version), def, "{version}");
    }
}

/// A definition the model refuses is reported whole in one run, as import reports a refused
/// object: every refused value at the value, an unknown field at its key with the field meant
/// when it is a slip of the keyboard away (else the help lint gives), and every field an
/// object misses in one error at the object. Nothing is written.
#[test]
fn every_refused_definition_value_is_reported_at_its_place_in_one_run() {
    let text = "\
apigctl: 1
group: {name: two_api}
apis:
  - {name: aaa, type: 1, req_protocol: HTTPS, req_method: FETCH, req_uri: /a, auth_type: NONE, backend_type: MOCK}
  - {name: bbb, type: 3, req_protocol: HTTPS, req_method: GET, req_uri: /b, auth_type: NONE, backend_type: MOCK, bogus: 1}
  - {name: ccc, type: 1, req_protocol: HTTPS, req_mehtod: GET, req_uri: /c, auth_type: NONE, backend_type: MOCK}
  - name: ddd
    type: 1
    req_method: GET
    req_uri: /d
    backend_type: MOCK
";
    let (outcome, written) = export_text("d.yaml", text, OasVersion::V3_0);
    assert_eq!(outcome.exit_code, 1, "{}", outcome.stderr);
    assert!(!written);
    assert_eq!(
        printed_locations(&outcome.stderr),
        [
            "error[definition-invalid]@4:59",
            "error[definition-invalid]@5:23",
            "error[definition-invalid]@5:114",
            "error[definition-invalid]@6:47",
            "error[definition-invalid]@7:5",
        ],
        "{}",
        outcome.stderr
    );
    let schema_help = "= help: compare with schema/definition.schema.json (field names and values as in the API Reference)";
    for said in [
        "error[definition-invalid]: invalid gateway definition: unknown variant `FETCH`, expected one of `GET`, `POST`, `PUT`, `DELETE`, `HEAD`, `PATCH`, `OPTIONS`, `ANY`\n",
        "error[definition-invalid]: invalid gateway definition: invalid value: integer `3`, expected `1` or `2`\n",
        "error[definition-invalid]: invalid gateway definition: unknown field `bogus`, expected one of `name`, ",
        "error[definition-invalid]: invalid gateway definition: unknown field `req_mehtod`\n",
        "= help: did you mean `req_method`?\n",
        "error[definition-invalid]: invalid gateway definition: missing fields `req_protocol`, `auth_type`\n",
        schema_help,
    ] {
        assert!(outcome.stderr.contains(said), "{said}\n{}", outcome.stderr);
    }
    // Each but the misspelt field has the schema's help.
    assert_eq!(
        outcome.stderr.matches(schema_help).count(),
        4,
        "{}",
        outcome.stderr
    );
}
