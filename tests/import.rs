//! `apigctl import`: snapshots of the reference's example documents, warning locations,
//! YAML round trip, and version independence.

mod import_common;

use std::path::Path;

use apigctl::commands::import::{ImportCommandOptions, OutputFormat, render_definition, run};
use apigctl::convert::import::{ImportOptions, import};
use apigctl::convert::yaml::definition_to_yaml;
use apigctl::diagnostic::Diagnostic;
use apigctl::model::Definition;
use apigctl::openapi::{self, DocumentKind};
use apigctl::source::refs::{RefOptions, Workspace};
use apigctl::source::{Input, Limits, Sources};
use import_common::{api_names, import_file, import_text, locations, source_of};

#[test]
fn swagger_2_example_snapshot() {
    let (_, result) = import_file(
        "testdata/examples/orders-swagger-2.0.yaml",
        &ImportOptions::default(),
    );
    assert!(!result.has_errors(), "{:?}", result.diagnostics);
    let yaml = definition_to_yaml(&result.definition).unwrap();
    insta::assert_snapshot!("orders_swagger_2_0", yaml);
}

#[test]
fn openapi_3_example_snapshot() {
    let (_, result) = import_file(
        "testdata/examples/inventory-openapi-3.0.yaml",
        &ImportOptions::default(),
    );
    assert!(!result.has_errors(), "{:?}", result.diagnostics);
    let yaml = definition_to_yaml(&result.definition).unwrap();
    insta::assert_snapshot!("inventory_openapi_3_0", yaml);
}

#[test]
fn example_diagnostics() {
    let (ws, result) = import_file(
        "testdata/examples/orders-swagger-2.0.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(
        locations(&ws.sources, &result),
        // On its FUNCTION backend, a gateway field the API Reference does not document.
        ["warn import-dropped@168:7"]
    );
    let (ws, result) = import_file(
        "testdata/examples/inventory-openapi-3.0.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-unsupported@55:11",
            // The body's description and schema have no place on the API.
            "warn import-dropped@125:7",
        ]
    );
}

#[test]
fn yaml_output_reloads_to_the_same_definition() {
    for path in [
        "testdata/examples/orders-swagger-2.0.yaml",
        "testdata/examples/inventory-openapi-3.0.yaml",
        "testdata/import/same-2.0.yaml",
    ] {
        let (_, result) = import_file(path, &ImportOptions::default());
        for format in [OutputFormat::Yaml, OutputFormat::Json] {
            let text = render_definition(&result.definition, format).unwrap();
            let mut sources = Sources::new();
            let doc = apigctl::source::load_bytes(
                "out".into(),
                None,
                text.clone().into_bytes(),
                &mut sources,
                &Limits::default(),
            )
            .unwrap_or_else(|_| panic!("{path}: output loads:\n{text}"));
            let reloaded = Definition::from_json(doc.root.to_json()).unwrap();
            assert_eq!(reloaded, result.definition, "{path} {format:?}");
            // Deterministic: the same input gives byte-identical output.
            let (_, again) = import_file(path, &ImportOptions::default());
            assert_eq!(render_definition(&again.definition, format).unwrap(), text);
        }
    }
}

#[test]
fn swagger_2_openapi_3_0_and_3_1_import_to_the_same_definition() {
    let (_, two) = import_file("testdata/import/same-2.0.yaml", &ImportOptions::default());
    let (_, three) = import_file("testdata/import/same-3.0.yaml", &ImportOptions::default());
    let (_, three_one) = import_file("testdata/import/same-3.1.yaml", &ImportOptions::default());
    assert!(two.diagnostics.is_empty(), "{:?}", two.diagnostics);
    assert!(three.diagnostics.is_empty(), "{:?}", three.diagnostics);
    assert!(
        three_one.diagnostics.is_empty(),
        "{:?}",
        three_one.diagnostics
    );
    assert_eq!(two.definition, three.definition);
    assert_eq!(two.definition, three_one.definition);
    let api = &two.definition.apis[0];
    assert_eq!(api.req_uri, "/api/pets/{petId}");
    assert_eq!(api.req_protocol.to_string(), "BOTH");
}

#[test]
fn warnings_at_their_source_locations_swagger_2() {
    let (ws, result) = import_file(
        "testdata/import/warnings-2.0.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-unknown-extension@16:1",
            "warn import-unsupported@23:11",
            "warn import-dropped@26:15",
            "warn import-dropped@30:15",
            "warn import-unsupported@34:17",
            "warn import-dropped@40:11",
            "warn import-unknown-extension@41:7",
            "warn import-generated-name@46:5",
            "warn import-unsupported@55:9", // MOCK backend without mockEndpoints
        ]
    );
    let names = api_names(&result);
    assert_eq!(names, ["create_thing", "get_things", "any_thing"]);
    let params = result.definition.apis[0].req_params.as_ref().unwrap();
    assert_eq!(params.len(), 1, "only `code` survives");
    assert_eq!(params[0].name, "code");
}

#[test]
fn warnings_at_their_source_locations_openapi_3() {
    let (ws, result) = import_file(
        "testdata/import/warnings-3.0.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-dropped@11:15",
            "warn import-dropped@14:7",
            // MOCK backends without mockEndpoints
            "warn import-unsupported@25:9",
            "warn import-unsupported@35:9",
            "error import-duplicate-api@37:5",
            "warn import-unsupported@43:9",
        ]
    );
    let duplicate = result
        .diagnostics
        .iter()
        .find(|d| d.code == "import-duplicate-api")
        .expect("the duplicate");
    let related = &duplicate.related[0];
    let lc = ws
        .sources
        .file(related.location.file)
        .line_col(related.location.span.start as usize);
    assert_eq!((lc.line, lc.col), (27, 5));
}

#[test]
fn provenance_points_into_the_source() {
    let (ws, result) = import_file(
        "testdata/examples/orders-swagger-2.0.yaml",
        &ImportOptions::default(),
    );
    let at = |pointer: &str| source_of(&ws, &result, pointer);
    assert_eq!(at("/group/name"), (3, 10));
    assert_eq!(at("/apis/0/name"), (55, 20));
    assert_eq!(at("/apis/0/req_params/1/name"), (71, 17));
    assert_eq!(at("/apis/0/backend_api/url_domain"), (120, 20));
    assert_eq!(at("/throttle_bindings/0/apis/0"), (94, 31));
    assert_eq!(at("/plugin_bindings/0/apis/0"), (97, 11));
}

#[test]
fn strict_turns_warnings_into_errors_and_group_name_overrides() {
    let options = ImportOptions {
        group_name: Some("renamed".into()),
        strict: true,
        ..ImportOptions::default()
    };
    let (_, result) = import_file("testdata/import/warnings-2.0.yaml", &options);
    assert!(result.has_errors());
    assert_eq!(result.definition.group.name, "renamed");

    let input = Input::Path(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/import/warnings-2.0.yaml"),
    );
    let outcome = run(
        &input,
        &ImportCommandOptions {
            import: ImportOptions {
                group_name: None,
                strict: true,
                ..ImportOptions::default()
            },
            ..Default::default()
        },
    );
    assert_eq!(outcome.exit_code, 1);
    assert!(outcome.stdout.is_empty());
    assert!(
        outcome.stderr.contains("error[import-dropped]"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn writes_the_output_file_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("def.yaml");
    let input =
        Input::Path(Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/import/same-3.0.yaml"));
    let outcome = run(
        &input,
        &ImportCommandOptions {
            output: Some(out.clone()),
            ..Default::default()
        },
    );
    assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
    assert!(outcome.stdout.is_empty());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("apigctl: 1\ngroup:\n  name: pets_api\n"),
        "{text}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
}

/// A big definition is written as it is rendered (its APIs in parallel batches); the file holds
/// exactly what stdout gets.
#[test]
fn a_big_definition_written_to_a_file_is_what_stdout_gets() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = String::from("openapi: 3.0.3\ninfo: {title: many, version: '1'}\npaths:\n");
    for i in 0..700 {
        spec.push_str(&format!(
            "  /items/{i}:\n    get:\n      operationId: get_item_{i}\n      x-apigateway-backend:\n        type: MOCK\n        mockEndpoints: {{result-content: ok}}\n      responses: {{'200': {{description: ok}}}}\n"
        ));
    }
    let input_path = dir.path().join("many.yaml");
    std::fs::write(&input_path, spec).unwrap();
    let input = Input::Path(input_path);
    let out = dir.path().join("def.yaml");
    let to_file = run(
        &input,
        &ImportCommandOptions {
            output: Some(out.clone()),
            ..Default::default()
        },
    );
    assert_eq!(to_file.exit_code, 0, "{}", to_file.stderr);
    let to_stdout = run(&input, &ImportCommandOptions::default());
    assert_eq!(to_stdout.exit_code, 0, "{}", to_stdout.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text, to_stdout.stdout);
    assert_eq!(text.matches("\n- name: get_item_").count(), 700);
    assert!(text.contains("\n- name: get_item_699\n"));
    // The file gets the text as it is rendered: a failed write is the command's error.
    if Path::new("/dev/full").exists() {
        let full = run(
            &input,
            &ImportCommandOptions {
                output: Some("/dev/full".into()),
                ..Default::default()
            },
        );
        assert_eq!(full.exit_code, 2);
        assert!(
            full.stderr
                .starts_with("apigctl: error: cannot write /dev/full: No space left on device"),
            "{}",
            full.stderr
        );
    }
}

#[test]
fn timings_list_the_phases_on_stderr_and_change_nothing_else() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/import/same-3.0.yaml");
    let dir = tempfile::tempdir().unwrap();
    let run = |timings: &str, output: Option<&Path>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_apigctl"));
        command.arg("import").arg(&spec);
        if let Some(path) = output {
            command.arg("-o").arg(path);
        }
        command.env("APIGCTL_TIMINGS", timings).output().unwrap()
    };
    let phases = |stderr: Vec<u8>| -> Vec<String> {
        String::from_utf8(stderr)
            .unwrap()
            .lines()
            .map(|l| {
                let (_, what) = l.split_once(" ms  ").unwrap_or_else(|| panic!("{l}"));
                what.split(" (done at ").next().unwrap().to_owned()
            })
            .collect()
    };
    let (plain, timed) = (run("0", None), run("1", None));
    assert!(plain.status.success() && timed.status.success());
    assert_eq!(plain.stdout, timed.stdout);
    assert!(plain.stderr.is_empty());
    assert_eq!(
        phases(timed.stderr),
        ["load", "resolve $refs", "import", "render"]
    );
    // A file gets the text as it is rendered.
    let file = dir.path().join("def.yaml");
    let to_file = run("1", Some(&file));
    assert!(to_file.status.success() && to_file.stdout.is_empty());
    assert_eq!(std::fs::read(&file).unwrap(), plain.stdout);
    assert_eq!(
        phases(to_file.stderr),
        ["load", "resolve $refs", "import", "render and write"]
    );
}

#[test]
fn custom_authorizer_from_security_scheme() {
    let (ws, result) = import_file(
        "testdata/import/authorizer-3.0.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(
        locations(&ws.sources, &result),
        ["warn import-dropped@22:9"]
    );
    let authorizer = &result.definition.authorizers[0];
    assert_eq!(authorizer.name, "my_authorizer");
    assert_eq!(authorizer.ttl, Some(60));
    let api = &result.definition.apis[0];
    assert_eq!(api.auth_type.to_string(), "AUTHORIZER");
    assert_eq!(api.authorizer_name.as_deref(), Some("my_authorizer"));
}

#[test]
fn values_the_model_rejects_are_errors_at_their_source() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/examples/orders-swagger-2.0.yaml"),
    )
    .unwrap()
    .replace(
        "x-apigateway-match-mode: SWA",
        "x-apigateway-match-mode: FUZZY",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.yaml");
    std::fs::write(&path, text).unwrap();
    let mut ws = Workspace::load(&Input::Path(path), &Limits::default()).unwrap();
    ws.resolve_refs(&Limits::default(), &RefOptions::default());
    let result = import(&ws, openapi::OasVersion::V2_0, &ImportOptions::default());
    let found = locations(&ws.sources, &result);
    assert!(
        found.contains(&"error import-invalid@192:32".to_owned()),
        "{found:?}"
    );
    assert_eq!(
        result.definition.apis.len(),
        2,
        "the rejected API is left out"
    );

    // A rejected element of a list is found by its index (`/req_params/1`), not left at the
    // operation.
    let text = "openapi: 3.0.3\ninfo: {title: noname_api, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: get_a\n      parameters:\n        - {name: ok, in: query, schema: {type: string}}\n        - {in: query, schema: {type: string}}\n      responses: {default: {description: ok}}\n      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}\n";
    let (at, d) = only_diagnostic("noname.yaml", text);
    assert_eq!(at, "error import-invalid@9:11");
    assert_eq!(d.pointer.as_deref(), Some("/apis/0/req_params/1"));
    assert!(d.message.contains("missing field `name`"), "{}", d.message);

    // YAML's `.inf` where the gateway takes an integer: the message names what was written,
    // not the string the JSON reading saw in its place.
    let text = "swagger: '2.0'\ninfo: {title: inf_api, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: get_a\n      responses: {'200': {description: ok}}\n      x-apigateway-backend:\n        type: HTTP\n        httpEndpoints: {address: a.example.com, scheme: https, method: GET, path: /a, timeout: -.inf}\n";
    let (at, d) = only_diagnostic("inf.yaml", text);
    assert_eq!(at, "error import-invalid@10:96");
    assert_eq!(
        d.message,
        "cannot import: invalid type: non-finite number `-.inf`, expected an integer"
    );

    // Where the gateway takes a string, `.nan` is no value either (it was imported as `NaN`).
    let text = "openapi: 3.0.3\ninfo: {title: nan_api, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: get_a\n      parameters:\n        - {name: n, in: query, schema: {type: integer, default: .nan}}\n      responses: {default: {description: ok}}\n      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}\n";
    let (at, d) = only_diagnostic("nan.yaml", text);
    assert_eq!(at, "error import-invalid@8:65");
    assert_eq!(
        d.message,
        "`.nan` is not a finite number, which this value must be"
    );
}

/// The one diagnostic importing `text` gives, and where it is (`severity code@line:col`).
fn only_diagnostic(name: &str, text: &str) -> (String, Diagnostic) {
    let (ws, result) = import_text(name, text);
    let found = locations(&ws.sources, &result);
    assert_eq!(found.len(), 1, "{found:?}");
    (found[0].clone(), result.diagnostics[0].clone())
}

/// Every corpus document imports without a crash; GitHub and Stripe give one API per operation.
#[test]
fn corpus_imports() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !dir.is_dir() {
        eprintln!("note: ../shared/corpus is absent; corpus import test skipped");
        return;
    }
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json" || x == "yaml"))
        .collect();
    names.sort();
    for path in names {
        let Ok(mut ws) = Workspace::load(&Input::Path(path.clone()), &Limits::default()) else {
            continue;
        };
        let Ok(DocumentKind::OpenApi(version)) = openapi::detect(ws.root()) else {
            continue;
        };
        ws.resolve_refs(&Limits::default(), &RefOptions::default());
        let result = import(&ws, version, &ImportOptions::default());
        let operations: usize = ws
            .root()
            .root
            .get("paths")
            .and_then(|p| p.as_map())
            .map(|paths| {
                paths
                    .iter()
                    .filter_map(|(_, item)| item.as_map())
                    .flat_map(|item| item.iter())
                    .filter(|(k, _)| {
                        ["get", "put", "post", "delete", "options", "head", "patch"].contains(k)
                    })
                    .count()
            })
            .unwrap_or(0);
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        if file.starts_with("github") || file.starts_with("stripe") {
            assert_eq!(result.definition.apis.len(), operations, "{file}");
        }
        if file == "github-api.github.com.3.0.json" {
            assert_eq!(result.definition.apis.len(), 1223);
        }
    }
}

#[test]
fn mapping_rows_and_their_warnings() {
    let (ws, result) = import_file(
        "testdata/import/mapping-2.0.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-dropped@14:14",
            "warn import-unknown-extension@18:5",
            "warn import-unsupported@21:5",
            "warn import-unsupported@36:17",
            "warn import-unknown-extension@41:7",
            "warn import-dropped@52:11",
        ]
    );
    let yaml = definition_to_yaml(&result.definition).unwrap();
    insta::assert_snapshot!("mapping_2_0", yaml);
}

#[test]
fn command_line() {
    let exe = env!("CARGO_BIN_EXE_apigctl");
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/import/same-2.0.yaml");
    let output = std::process::Command::new(exe)
        .args(["import", "--format", "json", "--group-name", "pets"])
        .arg(&spec)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("{\n  \"apigctl\": 1,\n  \"group\": {\n    \"name\": \"pets\""),
        "{text}"
    );

    // An empty group name is refused before anything is read (no group may be named "").
    let output = std::process::Command::new(exe)
        .args(["import", "--group-name", ""])
        .arg(&spec)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--group-name <NAME>"));

    let warnings = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/import/warnings-2.0.yaml");
    let output = std::process::Command::new(exe)
        .args(["import", "--color", "never", "--strict"])
        .arg(&warnings)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("warnings-2.0.yaml:26:15"), "{stderr}");
}

/// A command line clap refuses exits 2, but 1 for `diff` and `sync`, whose 2 means "changes
/// pending"; help and version are no errors.
#[test]
fn usage_errors_exit_2_but_1_where_2_means_changes_pending() {
    let exe = env!("CARGO_BIN_EXE_apigctl");
    for (args, code) in [
        (&["import", "--bogus", "x.yaml"][..], 2),
        (&["lint", "--format", "xml", "x.yaml"][..], 2),
        (&["frobnicate"][..], 2),
        (&[][..], 2),
        (&["diff", "x.yaml"][..], 1),
        (&["diff", "x.yaml", "--env", "DEV", "--bogus"][..], 1),
        (
            &[
                "--color", "never", "sync", "x.yaml", "--env", "DEV", "--format", "xml",
            ][..],
            1,
        ),
        (&["sync", "--help"][..], 0),
        (&["--version"][..], 0),
        // The last `--color` wins (an alias can be overridden).
        (&["--color", "never", "--color", "always", "rules"][..], 0),
        // Standard input cannot be read twice.
        (&["lint", "-", "-"][..], 2),
        // The list's format given to `explain` is refused, not ignored.
        (
            &["rules", "--format", "json", "explain", "apig-api-name"][..],
            2,
        ),
    ] {
        let output = std::process::Command::new(exe).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(code), "{args:?}");
        let printed = if code == 0 {
            &output.stdout
        } else {
            &output.stderr
        };
        assert!(!printed.is_empty(), "{args:?}");
    }
}

#[test]
fn standard_output_that_cannot_be_written_is_an_error_but_a_closed_pipe_is_not() {
    let exe = env!("CARGO_BIN_EXE_apigctl");
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/import/same-2.0.yaml");
    // A full disk (or any failed write) loses the definition: it must not look like success.
    if let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") {
        let output = std::process::Command::new(exe)
            .arg("import")
            .arg(&spec)
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            stderr.contains("apigctl: error: cannot write to standard output: "),
            "{stderr}"
        );
        // Help that cannot be written is no success either.
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let output = std::process::Command::new(exe)
            .arg("--help")
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
    }
    // A reader that stops early (`apigctl import … | head -1`) took what it wanted. The
    // definition is far bigger than a pipe's buffer, so the write does meet the closed pipe.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    let mut text = String::from("swagger: '2.0'\ninfo: {title: big_api, version: '1'}\npaths:\n");
    for i in 0..400 {
        text.push_str(&format!("  /r{i}:\n    get:\n      operationId: get_r{i}\n      description: operation {i} of a definition bigger than a pipe buffer\n      responses: {{default: {{description: ok}}}}\n      x-apigateway-backend: {{type: MOCK, mockEndpoints: {{result-content: ok}}}}\n"));
    }
    std::fs::write(&big, text).unwrap();
    let mut child = std::process::Command::new(exe)
        .arg("import")
        .arg(&big)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stderr.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn openapi_3_content_type_from_the_request_body() {
    let (ws, result) = import_file(
        "testdata/import/content-type-3.0.yaml",
        &ImportOptions::default(),
    );
    // The media type carries over; its schema does not.
    // (and the MOCK backend has no `mockEndpoints`)
    assert_eq!(
        locations(&ws.sources, &result),
        ["warn import-dropped@9:7", "warn import-unsupported@18:9"]
    );
    let api = &result.definition.apis[0];
    assert_eq!(
        api.content_type.map(|c| c.to_string()).as_deref(),
        Some("text/plain")
    );
    let (file, span) = result.provenance.get(&ws, "/apis/0/content_type").unwrap();
    let lc = ws.sources.file(file).line_col(span.start as usize);
    assert_eq!((lc.line, lc.col), (11, 11));
}

#[test]
fn policy_extensions_that_are_not_mappings_are_reported() {
    let (ws, result) = import_file(
        "testdata/import/policies-not-mappings.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(
        locations(&ws.sources, &result),
        ["warn import-dropped@5:26", "warn import-dropped@7:14"]
    );
    assert!(result.definition.throttles.is_empty());
    let acls: Vec<&str> = result
        .definition
        .acls
        .iter()
        .map(|a| a.acl_name.as_str())
        .collect();
    assert_eq!(acls, ["office_only"]);
}

#[test]
fn mock_policy_description_is_dropped_and_condition_origin_defaults() {
    let (ws, result) = import_file(
        "testdata/import/mock-policy-description.yaml",
        &ImportOptions::default(),
    );
    // The policy's `description` has no field (policies have no `remark`): a warning at it,
    // not a rejected API.
    assert_eq!(
        locations(&ws.sources, &result),
        ["warn import-dropped@16:49"]
    );
    let api = &result.definition.apis[0];
    let json = serde_json::to_value(api).unwrap();
    assert_eq!(json["mock_info"]["remark"], "the default mock");
    let policy = &json["policy_mocks"][0];
    assert_eq!(policy["result_content"], "gold");
    assert!(policy.get("remark").is_none());
    // A condition without `origin` is a request-parameter condition, written explicitly
    // because the API requires `condition_origin`.
    assert_eq!(policy["conditions"][0]["condition_origin"], "param");
    assert_eq!(policy["conditions"][0]["req_param_name"], "tier");
}

#[test]
fn nothing_is_dropped_silently_and_values_are_read_as_documented() {
    let (ws, result) = import_file(
        "testdata/import/reported-3.0.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(
        locations(&ws.sources, &result),
        [
            // A BACKEND authorizer as the API's authentication.
            "warn import-unsupported@14:39",
            // The same group response at the root and under `components`.
            "warn import-dropped@17:5",
            // A result sample on the operation instead of in `responses`.
            "warn import-unsupported@26:7",
            // Bindings that are not names.
            "warn import-unsupported@27:31",
            "warn import-unsupported@28:36",
            "warn import-unsupported@29:29",
            // A `$ref` to something that is not a parameter.
            "error import-invalid@32:11",
            // `maxLength: 0` is no limit, silently (reference §3.2); a number bound on a
            // string; a comma in an enum value.
            "warn import-dropped@35:48",
            "warn import-unsupported@35:67",
            // `minimum: 0, maximum: 0` is no limit, silently; a string bound on a number.
            "warn import-dropped@38:59",
            // A request body's schema and description.
            "warn import-dropped@39:7",
            // An endpoint object of another backend type.
            "warn import-dropped@50:9",
            // A backend that is not a mapping.
            "error import-invalid@59:29",
        ]
    );
    // Every finding says how to act on it.
    assert!(
        result.diagnostics.iter().all(|d| d.help.is_some()),
        "{:?}",
        result.diagnostics
    );
    let def = &result.definition;
    let a = def.apis.iter().find(|a| a.name == "a").unwrap();
    // Server variables take their defaults: `{scheme}://…/{basePath}`.
    assert_eq!(a.req_uri, "/v2/a");
    assert_eq!(a.req_protocol.as_str(), "HTTP");
    let params = a.req_params.as_deref().unwrap();
    assert_eq!(params.len(), 2);
    let (q, n) = (&params[0], &params[1]);
    assert_eq!((q.name.as_str(), q.max_size, q.min_size), ("q", None, None));
    assert_eq!(q.enumerations.as_deref(), Some("a,b,c"));
    assert_eq!((n.name.as_str(), n.min_num, n.max_num), ("n", None, None));
    assert_eq!(n.valid_enable, None);
    // An unquoted constant is the string the API keeps.
    let backend_params = a.backend_params.as_deref().unwrap();
    assert_eq!(backend_params[0].value, "10");
    // Policies under `components` are imported beside the root's.
    assert_eq!(a.response_name.as_deref(), Some("resp_comp"));
    let responses: Vec<&str> = def.responses.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(responses, ["resp_root", "resp_comp"]);
    let throttles: Vec<&str> = def.throttles.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(throttles, ["rl_comp"]);
    assert!(def.throttle_bindings.is_empty());
    assert!(def.plugin_bindings.is_empty());
}

#[test]
fn output_to_a_descriptor_goes_where_it_is_open() {
    let exe = env!("CARGO_BIN_EXE_apigctl");
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/import/same-2.0.yaml");
    let plain = std::process::Command::new(exe)
        .arg("import")
        .arg(&spec)
        .output()
        .unwrap();
    assert_eq!(plain.status.code(), Some(0));
    // On a pipe.
    let piped = std::process::Command::new(exe)
        .args(["import", "-o", "/dev/stdout"])
        .arg(&spec)
        .output()
        .unwrap();
    assert_eq!(
        piped.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&piped.stderr)
    );
    assert_eq!(piped.stdout, plain.stdout);
    // `-o -` is standard output, not a file named `-`.
    let dir = tempfile::tempdir().unwrap();
    let dash = std::process::Command::new(exe)
        .args(["import", "-o", "-"])
        .arg(&spec)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(dash.status.code(), Some(0));
    assert_eq!(dash.stdout, plain.stdout);
    assert!(!dir.path().join("-").exists());
    // On a file opened for appending (`>> log`): appended to, not replaced.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.yaml");
    std::fs::write(&log, "# kept\n").unwrap();
    let file = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let appended = std::process::Command::new(exe)
        .args(["import", "-o", "/dev/stdout"])
        .arg(&spec)
        .stdout(file)
        .output()
        .unwrap();
    assert_eq!(appended.status.code(), Some(0));
    let mut expected = b"# kept\n".to_vec();
    expected.extend_from_slice(&plain.stdout);
    assert_eq!(std::fs::read(&log).unwrap(), expected);
}

#[test]
fn a_request_body_is_reported_when_the_extension_gives_the_content_type() {
    let text = "openapi: 3.0.3\ninfo: {title: body_api, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: post_a\n      x-apigateway-content-type: application/json\n      requestBody:\n        content:\n          application/json: {schema: {type: object}}\n      responses: {default: {description: ok}}\n      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}\n";
    let (ws, result) = import_text("body.yaml", text);
    assert_eq!(locations(&ws.sources, &result), ["warn import-dropped@8:7"]);
    let api = &result.definition.apis[0];
    assert_eq!(
        api.content_type.map(|c| c.to_string()).as_deref(),
        Some("application/json")
    );
}

/// A document (`head` its version line) of one operation, `get_a` on `/a`, whose parameter
/// list is `parameters`, one line each from line 8 on (written after 8 spaces).
fn one_operation(head: &str, title: &str, parameters: &[&str]) -> String {
    let mut text = format!(
        "{head}\ninfo: {{title: {title}, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: get_a\n      parameters:\n"
    );
    for line in parameters {
        text.push_str("        ");
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("      responses: {default: {description: ok}}\n      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}\n");
    text
}

/// `severity code@line:col message` of each diagnostic, in order.
fn located_messages(
    ws: &Workspace,
    result: &apigctl::convert::import::ImportResult,
) -> Vec<String> {
    locations(&ws.sources, result)
        .into_iter()
        .zip(&result.diagnostics)
        .map(|(at, d)| format!("{at} {}", d.message))
        .collect()
}

/// `x-apigateway-*` keys one level too deep, where import reads no extension, are reported
/// at the key (review item 8): inside a parameter's `schema`, in a response's media type, in
/// `info` and directly under `paths`. A parameter's or a response's own extension there is
/// said to belong a level up.
#[test]
fn extensions_out_of_place_are_reported_at_the_key() {
    let text = "\
openapi: 3.0.3
info:
  title: misplaced_api
  version: '1'
  x-apigateway-ratelimits: {}
paths:
  x-apigateway-access-controls: {}
  x-apigateway-colour: red
  /a:
    get:
      operationId: get_a
      parameters:
        - name: q
          in: query
          x-apigateway-pass-through: never
          schema:
            type: string
            x-apigateway-sample: s1
            x-apigateway-pass-through: always
            x-apigateway-colour: red
            x-other: kept
      responses:
        default:
          description: ok
          content:
            application/json:
              x-apigateway-result-normal-sample: '{}'
              x-apigateway-colour: red
      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}
";
    let (ws, result) = import_text("misplaced.yaml", text);
    assert_eq!(
        located_messages(&ws, &result),
        [
            "warn import-unknown-extension@5:3 `x-apigateway-ratelimits` belongs at the document root (or under `components`), not in `info`; ignored",
            "warn import-unknown-extension@7:3 `x-apigateway-access-controls` belongs at the document root (or under `components`), not in `paths`; ignored",
            "warn import-unknown-extension@8:3 `x-apigateway-colour` is not read in `paths` (import reads no extension there); ignored",
            "warn import-unknown-extension@18:13 `x-apigateway-sample` belongs beside `schema`, not inside it; ignored",
            "warn import-unknown-extension@19:13 `x-apigateway-pass-through` belongs beside `schema`, not inside it; ignored",
            "warn import-unknown-extension@20:13 `x-apigateway-colour` is not read inside a parameter's `schema` (a parameter's extensions sit beside `schema`); ignored",
            "warn import-unknown-extension@27:15 `x-apigateway-result-normal-sample` belongs in the Response object (beside `content`) or in `responses` itself, not in a media type; ignored",
            "warn import-unknown-extension@28:15 `x-apigateway-colour` is not read in a response's media type (only `x-apigateway-result-normal-sample` and `x-apigateway-result-failure-sample` are read, beside `content`); ignored",
        ]
    );
    // What is out of place is not imported; what is in place is.
    let api = &result.definition.apis[0];
    let q = &api.req_params.as_deref().unwrap()[0];
    assert_eq!(
        (q.sample_value.as_deref(), q.pass_through.map(|p| p.value())),
        (None, Some(2))
    );
    assert_eq!(api.result_normal_sample, None);
    assert!(result.definition.throttles.is_empty());
}

/// Gateway exports write `maxLength: 0`, `maximum: 0` and `minimum: 0` on every parameter
/// without limits, of either type (reference §3.2): read as unset, without a word, so a
/// pristine export passes `--strict` (review item 12). `minLength: 0` checks nothing and is
/// unset too. A number bound of 0 alone, beside a nonzero one, or made exclusive, is a bound.
#[test]
fn zero_bounds_are_unset_silently() {
    let text = one_operation(
        "openapi: 3.0.3",
        "zeros_api",
        &[
            "- {name: s, in: query, schema: {type: string, maxLength: 0, maximum: 0, minimum: 0}}",
            "- {name: n, in: query, schema: {type: number, maxLength: 0, maximum: 0, minimum: 0}}",
            "- {name: m, in: query, schema: {type: string, minLength: 0, maxLength: 8}}",
            "- {name: low, in: query, schema: {type: integer, minimum: -10, maximum: 0}}",
            "- {name: high, in: query, schema: {type: integer, minimum: 0, maximum: 100}}",
            "- {name: pos, in: query, schema: {type: integer, minimum: 0, exclusiveMinimum: true}}",
            "- {name: nonneg, in: query, schema: {type: integer, minimum: 0}}",
            "- {name: t, in: query, schema: {type: string, minimum: 1}}",
        ],
    );
    let (ws, result) = import_text("zeros.yaml", &text);
    // Only a nonzero bound of the other type is reported.
    assert_eq!(
        located_messages(&ws, &result),
        ["warn import-dropped@15:55 `minimum` does not apply to a STRING parameter; dropped"]
    );
    let params = result.definition.apis[0].req_params.as_deref().unwrap();
    let bounds: Vec<_> = params
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                [p.min_size, p.max_size, p.min_num, p.max_num],
                p.valid_enable.map(|v| v.value()),
            )
        })
        .collect();
    assert_eq!(
        bounds,
        [
            ("s", [None; 4], None),
            ("n", [None; 4], None),
            ("m", [None, Some(8), None, None], Some(1)),
            ("low", [None, None, Some(-10), Some(0)], Some(1)),
            ("high", [None, None, Some(0), Some(100)], Some(1)),
            ("pos", [None, None, Some(1), None], Some(1)),
            ("nonneg", [None, None, Some(0), None], Some(1)),
            ("t", [None; 4], None),
        ]
    );
}

/// `required` is a boolean: `\"true\"` or `1` is an error at the value, not read as `true` or
/// `false` (review item 15).
#[test]
fn a_required_that_is_not_a_boolean_is_an_error() {
    let text = one_operation(
        "openapi: 3.0.3",
        "required_api",
        &[
            "- {name: q, in: query, required: 'true', schema: {type: string}}",
            "- {name: r, in: query, required: 1, schema: {type: string}}",
            "- {name: s, in: query, required: true, schema: {type: string}}",
        ],
    );
    let (ws, result) = import_text("required.yaml", &text);
    assert_eq!(
        located_messages(&ws, &result),
        [
            "error import-invalid@8:42 `required` must be a boolean (`true` or `false`), not `\"true\"`",
            "error import-invalid@9:42 `required` must be a boolean (`true` or `false`), not `1`",
        ]
    );
    assert_eq!(
        result.diagnostics[0].help.as_deref(),
        Some("write `required: true` or `required: false`, unquoted")
    );
}

/// The gateway keeps one sample: the first example is imported and the first one after it is
/// reported, with the imported one as related location (review item 18).
#[test]
fn examples_after_the_first_are_reported() {
    let text = one_operation(
        "openapi: 3.1.0",
        "examples_api",
        &[
            "- name: tag",
            "  in: query",
            "  schema: {type: string, examples: [e1]}",
            "  examples: {first: {value: red}, second: {value: blue}}",
            "- {name: q, in: query, schema: {type: string, examples: [shoes, boots, clogs]}}",
            "- {name: one, in: query, examples: {only: {value: x}}, schema: {type: string}}",
        ],
    );
    let (ws, result) = import_text("examples.yaml", &text);
    let message = "a request parameter has one sample (`sample_value`), the first example; this example and any after it are not imported";
    assert_eq!(
        located_messages(&ws, &result),
        [
            format!("warn import-dropped@11:43 {message}"),
            format!("warn import-dropped@12:73 {message}"),
        ]
    );
    let related = |i: usize| {
        let r = &result.diagnostics[i].related[0];
        let lc = ws
            .sources
            .file(r.location.file)
            .line_col(r.location.span.start as usize);
        (lc.line, lc.col, r.message.as_str())
    };
    assert_eq!(related(0), (11, 37, "the sample imported"));
    assert_eq!(related(1), (12, 66, "the sample imported"));
    let samples: Vec<_> = result.definition.apis[0]
        .req_params
        .as_deref()
        .unwrap()
        .iter()
        .map(|p| p.sample_value.as_deref())
        .collect();
    assert_eq!(samples, [Some("red"), Some("shoes"), Some("x")]);
}

/// `x-apigateway-pass-through` is read without case, as the other enumerated extensions are
/// (review item 20).
#[test]
fn pass_through_is_read_without_case() {
    let text = one_operation(
        "swagger: '2.0'",
        "pass_api",
        &[
            "- {name: a, in: query, type: string, x-apigateway-pass-through: ALWAYS}",
            "- {name: b, in: query, type: string, x-apigateway-pass-through: Never}",
            "- {name: c, in: query, type: string, x-apigateway-pass-through: sometimes}",
        ],
    );
    let (ws, result) = import_text("pass.yaml", &text);
    assert_eq!(
        located_messages(&ws, &result),
        [
            "warn import-unsupported@10:73 `x-apigateway-pass-through` must be `always` or `never`; dropped"
        ]
    );
    let pass: Vec<_> = result.definition.apis[0]
        .req_params
        .as_deref()
        .unwrap()
        .iter()
        .map(|p| p.pass_through.map(|v| v.value()))
        .collect();
    assert_eq!(pass, [Some(1), Some(2), None]);
}

/// The same holds for a list of more plug-ins than are compared one by one (the names seen
/// are hashed there), and the binding lists keep the first-use order of the names.
#[test]
fn a_plugin_named_twice_among_many_is_bound_once() {
    let names: Vec<String> = (0..30).map(|i| format!("plugin_{i}")).collect();
    let mut list = names.clone();
    list.insert(20, "plugin_3".to_owned());
    let text = format!(
        "swagger: '2.0'\ninfo: {{title: plugins_api, version: '1'}}\npaths:\n  /items:\n    get:\n      operationId: get_item\n      responses: {{default: {{description: ok}}}}\n      x-apigateway-backend: {{type: MOCK, mockEndpoints: {{result-content: ok}}}}\n      x-apigateway-plugins: [{}]\n",
        list.join(", ")
    );
    let (ws, result) = import_text("plugins.yaml", &text);
    let column = text
        .lines()
        .nth(8)
        .unwrap()
        .find("plugin_3, plugin_20")
        .unwrap()
        + 1;
    assert_eq!(
        locations(&ws.sources, &result),
        [format!("warn import-unsupported@9:{column}")]
    );
    let bound: Vec<&str> = result
        .definition
        .plugin_bindings
        .iter()
        .map(|b| b.plugin.as_str())
        .collect();
    assert_eq!(bound, names);
    assert!(
        result
            .definition
            .plugin_bindings
            .iter()
            .all(|b| b.apis == ["get_item"])
    );
}

/// A plug-in named twice on one operation binds the API once; the repeat is a warning at the
/// repeated item, with the first as related location (reference §2.21: an API holds a plug-in
/// once). Each operation's list counts on its own.
#[test]
fn a_plugin_named_twice_on_an_operation_is_bound_once() {
    let text = "\
swagger: '2.0'
info: {title: plugins_api, version: '1'}
paths:
  /items:
    get:
      operationId: get_item
      responses: {default: {description: ok}}
      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}
      x-apigateway-plugins: [resp_headers, breaker_one, resp_headers]
    put:
      operationId: put_item
      responses: {default: {description: ok}}
      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}
      x-apigateway-plugins:
        - resp_headers
";
    let (ws, result) = import_text("plugins.yaml", text);
    assert_eq!(
        locations(&ws.sources, &result),
        ["warn import-unsupported@9:57"]
    );
    let d = &result.diagnostics[0];
    assert_eq!(
        d.message,
        "plug-in `resp_headers` is already named in this `x-apigateway-plugins`; the API is bound to it once"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("name each plug-in once in `x-apigateway-plugins`")
    );
    let related = &d.related[0];
    let lc = ws
        .sources
        .file(related.location.file)
        .line_col(related.location.span.start as usize);
    assert_eq!(
        (lc.line, lc.col, related.message.as_str()),
        (9, 30, "first named here")
    );
    let bindings: Vec<(&str, Vec<&str>)> = result
        .definition
        .plugin_bindings
        .iter()
        .map(|b| {
            (
                b.plugin.as_str(),
                b.apis.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        bindings,
        [
            ("resp_headers", vec!["get_item", "put_item"]),
            ("breaker_one", vec!["get_item"])
        ]
    );
    assert_eq!(
        source_of(&ws, &result, "/plugin_bindings/0/apis/0"),
        (9, 30)
    );
}

/// In OpenAPI 3.1 the members written beside a `$ref` count: a Reference Object's
/// `description` replaces its parameter's, and the keywords beside a schema's `$ref` apply with
/// (and over) its target's, each reported where it is written. In 3.0 they are ignored, as the
/// specification says, with a warning.
#[test]
fn members_beside_a_ref_count_in_openapi_3_1_only() {
    let text = |version: &str| {
        format!(
            "\
openapi: {version}
info: {{title: refs_api, version: '1'}}
paths:
  /items:
    get:
      operationId: list_items
      parameters:
        - $ref: '#/components/parameters/limit'
          description: Page size of this list
        - name: sort
          in: query
          schema:
            $ref: '#/components/schemas/Sort'
            maxLength: 8
            pattern: '^[a-z]+$'
      responses: {{default: {{description: ok}}}}
      x-apigateway-backend: {{type: MOCK, mockEndpoints: {{result-content: ok}}}}
components:
  parameters:
    limit:
      name: limit
      in: query
      description: Page size
      schema: {{type: integer, maximum: 100}}
  schemas:
    Sort: {{type: string, maxLength: 32, minLength: 2}}
"
        )
    };
    let (ws, result) = import_text("refs31.yaml", &text("3.1.0"));
    let params = result.definition.apis[0].req_params.as_ref().unwrap();
    assert_eq!(params[0].remark.as_deref(), Some("Page size of this list"));
    assert_eq!((params[1].min_size, params[1].max_size), (Some(2), Some(8)));
    // `pattern` is written beside the `$ref`, and reported there.
    assert_eq!(
        locations(&ws.sources, &result),
        ["warn import-dropped@15:13"]
    );
    let (ws, result) = import_text("refs30.yaml", &text("3.0.3"));
    let params = result.definition.apis[0].req_params.as_ref().unwrap();
    assert_eq!(params[0].remark.as_deref(), Some("Page size"));
    assert_eq!(
        (params[1].min_size, params[1].max_size),
        (Some(2), Some(32))
    );
    // Ignored, but not silently: one warning per reference, at its first member beside `$ref`.
    assert_eq!(
        locations(&ws.sources, &result),
        ["warn import-dropped@9:11", "warn import-dropped@14:13"]
    );
    assert_eq!(
        result.diagnostics[1].message,
        "`maxLength`, `pattern` beside `$ref` are ignored in OpenAPI 3.0 (a reference stands for its target alone); not imported"
    );
}

/// OpenAPI 3.1 schema keywords the gateway can carry are read as their 3.0 equivalents, and
/// what it cannot is reported where it is written (testdata/import/schema-keywords-3.1.yaml):
/// `const` is an enum of one, `examples` a sample, numeric exclusive bounds of an integer the
/// inclusive ones next to them, several types the one that takes them all, the keywords beside
/// a schema's `$ref` (at every step of a chain) apply with its target's, and members a
/// Reference Object does not take are warned about. Webhooks are not imported, with a warning.
#[test]
fn openapi_3_1_schema_keywords_import_as_their_3_0_equivalents() {
    let (ws, result) = import_file(
        "testdata/import/schema-keywords-3.1.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-dropped@3:1",   // webhooks
            "warn import-dropped@12:73", // a second example of the schema's `examples`
            "warn import-dropped@16:43", // a second named example
            "warn import-dropped@17:49", // type: [integer, string] → STRING
            "warn import-dropped@18:71", // exclusiveMinimum of a number
            "info import-dropped@19:54", // null in enum
            "info import-dropped@19:70", // default: null
            "warn import-dropped@20:44", // allOf
            "warn import-dropped@20:70", // maximum of a STRING
            "info import-dropped@22:93", // not in the target's enum
            "warn import-dropped@24:11", // required beside a parameter's $ref
            "warn import-dropped@28:11", // sample beside a response's $ref
        ]
    );
    let params = result.definition.apis[0].req_params.as_ref().unwrap();
    let by_name = |name: &str| params.iter().find(|p| p.name == name).unwrap();
    let id = by_name("id");
    assert_eq!((id.min_num, id.max_num), (Some(1), Some(999)));
    assert_eq!(by_name("view").enumerations.as_deref(), Some("full"));
    assert_eq!(by_name("q").sample_value.as_deref(), Some("shoes"));
    assert_eq!(by_name("tag").sample_value.as_deref(), Some("red"));
    let r = by_name("ref");
    assert_eq!((r.param_type.as_str(), r.max_size), ("STRING", Some(9)));
    assert_eq!(by_name("ratio").min_num, Some(1));
    let mode = by_name("mode");
    assert_eq!(
        (mode.enumerations.as_deref(), mode.default_value.as_deref()),
        (Some("x"), None)
    );
    let size = by_name("size");
    assert_eq!((size.param_type.as_str(), size.max_num), ("STRING", None));
    let small = by_name("small");
    assert_eq!((small.min_num, small.max_num), (Some(1), Some(10)));
    assert_eq!(by_name("color").enumerations.as_deref(), Some("red"));
    assert_eq!(by_name("limit").required.map(|r| r.value()), Some(2));
}

/// The boolean exclusive bounds of 2.0 and 3.0 give the same definition as 3.1's numbers: an
/// integer's exclusive bound is the inclusive one next to it, `false` loses nothing, and a
/// number's cannot be made inclusive (a warning).
#[test]
fn exclusive_bounds_of_integers_are_the_inclusive_ones_next_to_them() {
    let (ws, result) = import_file(
        "testdata/import/exclusive-bounds-3.0.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(
        locations(&ws.sources, &result),
        ["warn import-dropped@10:71"]
    );
    let params = result.definition.apis[0].req_params.as_ref().unwrap();
    assert_eq!((params[0].min_num, params[0].max_num), (Some(1), Some(999)));
    assert_eq!(params[1].min_num, Some(1));
    assert_eq!(params[2].max_num, Some(1));
}

/// A 3.1 schema dialect apigctl does not know (`jsonSchemaDialect`, or a parameter schema's
/// `$schema`) may give the keywords of parameters other meanings: a warning at its value.
/// The JSON Schema drafts are read as they are (draft-04's flag form of `exclusiveMinimum`
/// too), and 3.0 has no dialects.
#[test]
fn unknown_schema_dialects_are_reported_where_they_are_named() {
    let text = |version: &str, dialect: &str, schema: &str| {
        format!(
            "openapi: {version}\ninfo: {{title: dialects, version: '1'}}\njsonSchemaDialect: {dialect}\npaths:\n  /a:\n    get:\n      operationId: get_a\n      parameters:\n        - {{name: q, in: query, schema: {{$schema: '{schema}', type: integer, minimum: 1, exclusiveMinimum: true}}}}\n      responses: {{default: {{description: ok}}}}\n      x-apigateway-backend: {{type: MOCK, mockEndpoints: {{result-content: ok}}}}\n"
        )
    };
    let unknown = text(
        "3.1.0",
        "https://example.com/dialect",
        "https://example.com/s",
    );
    let (ws, result) = import_text("dialects.yaml", &unknown);
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-unsupported@3:20",
            "warn import-unsupported@9:50"
        ]
    );
    let warning = &result.diagnostics[0];
    assert!(
        warning
            .message
            .contains("`jsonSchemaDialect: https://example.com/dialect` is not a schema dialect"),
        "{}",
        warning.message
    );
    for known in [
        text(
            "3.1.0",
            "https://spec.openapis.org/oas/3.1/dialect/base",
            "http://json-schema.org/draft-04/schema#",
        ),
        text(
            "3.0.3",
            "https://example.com/dialect",
            "https://example.com/s",
        ),
    ] {
        let (ws, result) = import_text("dialects.yaml", &known);
        let located = locations(&ws.sources, &result);
        assert!(
            located.iter().all(|l| l != "warn import-unsupported@3:20"
                && l != "warn import-unsupported@9:50"),
            "{located:?}"
        );
        let param = &result.definition.apis[0].req_params.as_ref().unwrap()[0];
        assert_eq!(
            param.min_num,
            Some(2),
            "draft-04's exclusive flag moves the bound"
        );
    }
}

/// A 3.x parameter with neither `schema` nor `content` has no type to import: a warning at
/// the parameter, and no request parameter.
#[test]
fn a_parameter_with_neither_schema_nor_content_is_not_imported() {
    let text = "openapi: 3.0.3\ninfo: {title: bare_api, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: get_a\n      parameters:\n        - {name: q, in: query}\n      responses: {default: {description: ok}}\n      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}\n";
    let (ws, result) = import_text("bare.yaml", text);
    assert_eq!(
        locations(&ws.sources, &result),
        ["warn import-unsupported@8:11"]
    );
    assert!(result.definition.apis[0].req_params.is_none());
}

/// A server URL whose scheme is a variable takes every scheme its `enum` lists (as 2.0's
/// `schemes: [http, https]` gives BOTH), and a further server with another path is reported:
/// one group has one base path.
#[test]
fn server_scheme_variables_and_further_servers() {
    let (ws, result) = import_file(
        "testdata/import/servers-3.0.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(locations(&ws.sources, &result), ["warn import-dropped@7:5"]);
    let api = &result.definition.apis[0];
    assert_eq!(api.req_protocol.as_str(), "BOTH");
    assert_eq!(api.req_uri, "/v1/a");
}

/// Each broken or cyclic `$ref` is reported once, at its place, by `apigctl import` (by the
/// `$ref` check, which import does not repeat) and by `apigctl lint`: a path-level parameter
/// read by every operation of its path, an operation's parameter and a request body whose
/// reference loops.
#[test]
fn broken_references_are_reported_once() {
    let text = "\
openapi: 3.0.3
info: {title: broken_refs, version: '1'}
paths:
  /items:
    parameters:
      - $ref: '#/components/parameters/gone'
    get:
      operationId: list_items
      parameters:
        - $ref: '#/components/parameters/missing'
      responses: {default: {description: ok}}
      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}
    put:
      operationId: put_items
      requestBody: {$ref: '#/components/requestBodies/loop'}
      responses: {default: {description: ok}}
      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}
components:
  parameters: {}
  requestBodies:
    loop: {$ref: '#/components/requestBodies/loop'}
";
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("broken.yaml");
    std::fs::write(&spec, text).unwrap();
    // `code@line:col` of each diagnostic in human output.
    let reported = |command: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_apigctl"))
            .args(["--color", "never", command])
            .arg(&spec)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{command}");
        // Import reports on stderr, lint on stdout.
        let report = [output.stdout, output.stderr].concat();
        let report = String::from_utf8(report).unwrap();
        let mut found = Vec::new();
        let mut code = None;
        for line in report.lines() {
            if let Some(rest) = line.strip_prefix("error[") {
                code = rest.split(']').next().map(str::to_owned);
            } else if let Some((_, at)) = line.split_once("broken.yaml:")
                && let Some(code) = code.take()
            {
                found.push(format!("{code}@{at}"));
            }
        }
        found
    };
    let expected = [
        "ref-unresolved@6:15",
        "ref-unresolved@10:17",
        "ref-cycle@21:18",
    ];
    assert_eq!(reported("import"), expected);
    let linted = reported("lint");
    for at in expected {
        assert_eq!(linted.iter().filter(|l| **l == at).count(), 1, "{linted:?}");
    }
}

/// A path item that is a `$ref` with members beside it (OpenAPI 2.0, 3.0 and 3.1 allow them)
/// has the operations of both, the referenced path item's in place of the `$ref`; the
/// path-level parameters of both, those beside the `$ref` replacing the referenced ones of
/// the same `in` and `name`; and the servers beside the `$ref`. A member in both places is
/// undefined in OpenAPI: the one beside `$ref` is read, with a warning there.
#[test]
fn members_beside_a_path_item_ref_are_imported_with_its_target() {
    let text = |version: &str| {
        format!(
            "\
{version}
info: {{title: d1_api, version: '1'}}
paths:
  /items:
    $ref: '#/components/pathItems/Item'
    parameters:
      - {{name: X-Tenant, in: header, required: true, type: string, schema: {{type: string}}}}
      - {{name: limit, in: query, type: integer, maximum: 50, schema: {{type: integer, maximum: 50}}}}
    servers: [{{url: 'http://beside.example.com/beside'}}]
    summary: Items here
    post: {{operationId: create_item, x-apigateway-backend: {{type: MOCK, mockEndpoints: {{result-content: ok}}}}}}
    delete: {{operationId: delete_item_here, x-apigateway-backend: {{type: MOCK, mockEndpoints: {{result-content: ok}}}}}}
components:
  pathItems:
    Item:
      summary: Items
      servers: [{{url: 'https://target.example.com/target'}}]
      parameters:
        - {{name: limit, in: query, type: integer, maximum: 100, schema: {{type: integer, maximum: 100}}}}
        - {{name: X-Trace, in: header, type: string, schema: {{type: string}}}}
      get: {{operationId: get_item, x-apigateway-backend: {{type: MOCK, mockEndpoints: {{result-content: ok}}}}}}
      delete: {{operationId: delete_item, x-apigateway-backend: {{type: MOCK, mockEndpoints: {{result-content: ok}}}}}}
"
        )
    };
    for version in ["swagger: '2.0'", "openapi: 3.0.3", "openapi: 3.1.0"] {
        let (ws, result) = import_text("beside.yaml", &text(version));
        assert!(!result.has_errors(), "{:?}", result.diagnostics);
        assert_eq!(
            api_names(&result),
            ["get_item", "create_item", "delete_item_here"],
            "{version}"
        );
        for api in &result.definition.apis {
            let params: Vec<(&str, Option<i64>)> = api
                .req_params
                .iter()
                .flatten()
                .map(|p| (p.name.as_str(), p.max_num))
                .collect();
            assert_eq!(
                params,
                [("limit", Some(50)), ("X-Trace", None), ("X-Tenant", None)],
                "{version} {}",
                api.name
            );
        }
        // Each value from where it is written, found again for each API.
        assert_eq!(source_of(&ws, &result, "/apis/0/name"), (21, 26));
        assert_eq!(source_of(&ws, &result, "/apis/1/name"), (11, 25));
        // 2.0 reads the bound on the parameter, 3.x in its schema.
        let limit = if version.starts_with("swagger") {
            58
        } else {
            95
        };
        let max = source_of(&ws, &result, "/apis/0/req_params/0/max_num");
        assert_eq!(max, (8, limit));
        assert_eq!(
            source_of(&ws, &result, "/apis/1/req_params/1/name"),
            (20, 18)
        );
        assert_eq!(
            source_of(&ws, &result, "/apis/2/req_params/2/name"),
            (7, 16)
        );
        let messages: Vec<String> = result
            .diagnostics
            .iter()
            .map(|d| d.message.clone())
            .collect();
        assert_eq!(
            locations(&ws.sources, &result),
            [
                "warn import-dropped@8:9",
                "warn import-dropped@9:5",
                "warn import-dropped@10:5",
                "warn import-dropped@12:5",
            ],
            "{version}"
        );
        if !version.starts_with("swagger") {
            let api = &result.definition.apis[0];
            assert_eq!(
                (api.req_uri.as_str(), api.req_protocol.as_str()),
                ("/beside/items", "HTTP")
            );
            assert_eq!(source_of(&ws, &result, "/apis/0/req_protocol"), (9, 15));
        }
        assert_eq!(
            messages,
            [
                "parameter `limit` in query is written both beside `$ref` and in the path item it names, which OpenAPI leaves undefined; the one beside `$ref` is read, the other ignored",
                "`servers` is written both beside `$ref` and in the path item it names, which OpenAPI leaves undefined; the one beside `$ref` is read, the other ignored",
                "`summary` is written both beside `$ref` and in the path item it names, which OpenAPI leaves undefined; the one beside `$ref` is read, the other ignored",
                "`delete` is written both beside `$ref` and in the path item it names, which OpenAPI leaves undefined; the one beside `$ref` is read, the other ignored",
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
        assert_eq!(related, [(19, 11), (17, 7), (16, 7), (22, 7)]);
        if version == "openapi: 3.1.0" {
            let yaml = definition_to_yaml(&result.definition).unwrap();
            insta::assert_snapshot!("path_item_ref_with_members_beside", yaml);
        }
    }
}

/// A path item `$ref` into another file with members beside it: each operation and
/// parameter is read, and reported, in the file it is written in. Members beside a `$ref`
/// further along the chain (a path item that is itself a `$ref`) are not read, and say so.
/// `apigctl lint`, which imports too, reports the same.
#[test]
fn a_path_item_ref_into_another_file_reads_each_member_in_its_file() {
    // What an operation needs to import without a finding, indented by `indent`.
    let rest = |indent: &str| {
        [
            "responses: {default: {description: ok}}",
            "x-apigateway-cors: false",
            "x-apigateway-match-mode: NORMAL",
            "x-apigateway-request-type: public",
            "x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}",
        ]
        .map(|line| format!("{indent}{line}\n"))
        .concat()
    };
    let backend = rest("      ");
    let root = format!(
        "\
openapi: 3.0.3
info: {{title: split_api, version: '1'}}
paths:
  /items/{{id}}:
    $ref: './items.yaml#/Item'
    parameters:
      - {{name: X-Tenant, in: header, required: true, schema: {{type: string}}}}
    post:
      operationId: create_item
{backend}    get:
      operationId: get_item_here
{backend}  /chained:
    $ref: './items.yaml#/Chained'
"
    );
    let backend = rest("    ");
    let items = format!(
        "\
Item:
  parameters:
    - {{name: id, in: path, required: true, schema: {{type: string}}}}
  get:
    operationId: get_item
{backend}  patch:
    operationId: patch_item
{backend}Chained:
  $ref: '#/Other'
  delete:
    operationId: delete_chained
{backend}Other:
  head:
    operationId: head_other
{backend}"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("root.yaml"), &root).unwrap();
    std::fs::write(dir.path().join("items.yaml"), &items).unwrap();
    let spec = dir.path().join("root.yaml");
    let mut ws = Workspace::load(&Input::Path(spec.clone()), &Limits::default()).unwrap();
    let problems = ws.resolve_refs(&Limits::default(), &RefOptions::default());
    assert!(problems.is_empty(), "{problems:?}");
    let result = import(
        &ws,
        apigctl::openapi::OasVersion::V3_0,
        &ImportOptions::default(),
    );
    assert_eq!(
        api_names(&result),
        ["patch_item", "create_item", "get_item_here", "head_other"]
    );
    // `file:line:col`, the file by its name.
    let place = |file, span: apigctl::source::Span| {
        let name = ws
            .sources
            .file(file)
            .name
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let lc = ws.sources.file(file).line_col(span.start as usize);
        format!("{name}:{}:{}", lc.line, lc.col)
    };
    let found: Vec<String> = result
        .diagnostics
        .iter()
        .map(|d| {
            let at = d.primary.unwrap();
            let related: Vec<String> = d
                .related
                .iter()
                .map(|r| place(r.location.file, r.location.span))
                .collect();
            format!("{} {} {related:?}", d.code, place(at.file, at.span))
        })
        .collect();
    assert_eq!(
        found,
        [
            "import-dropped root.yaml:15:5 [\"items.yaml:4:3\"]",
            "import-dropped items.yaml:20:3 []",
        ]
    );
    assert_eq!(
        result.diagnostics[1].message,
        "members beside `$ref` in a path item that a `$ref` names are not imported: only those beside the `$ref` in `paths` are read"
    );
    // The path item's parameter in its file, the one beside `$ref` in the root, for an
    // operation of either file.
    for (pointer, expected) in [
        ("/apis/0/name", "items.yaml:12:18"),
        ("/apis/0/req_params/0/name", "items.yaml:3:14"),
        ("/apis/0/req_params/1/name", "root.yaml:7:16"),
        ("/apis/1/req_params/0/name", "items.yaml:3:14"),
        ("/apis/1/req_params/1/name", "root.yaml:7:16"),
        ("/apis/3/name", "items.yaml:29:18"),
    ] {
        let (file, span) = result.provenance.get(&ws, pointer).unwrap();
        assert_eq!(place(file, span), expected, "{pointer}");
    }

    // Lint: the same two findings, once each.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_apigctl"))
        .args(["--color", "never", "lint", "--format", "json"])
        .arg(&spec)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let dropped: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "import-dropped")
        .map(|d| d["message"].as_str().unwrap_or_default().to_owned())
        .collect();
    let imported: Vec<&str> = result.diagnostics.iter().map(|d| &*d.message).collect();
    assert_eq!(dropped, imported, "{report}");
}

/// Paths that `$ref` one path item share its operations: an `operationId` there would name
/// an API of each path, and the error names the paths (at their keys), not the one
/// `operationId` twice. Without `operationId` each path's API gets a name of its own, and two
/// paths of one shape are the same route, reported at the paths too.
#[test]
fn paths_sharing_a_path_item_are_named_in_its_duplicate_errors() {
    let text = "\
openapi: 3.1.0
info: {title: shared_api, version: '1'}
components:
  pathItems:
    Item:
      get: {operationId: get_item, x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}}
      post: {x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}}
paths:
  /a:
    $ref: '#/components/pathItems/Item'
  /b:
    $ref: '#/components/pathItems/Item'
  /c/{x}:
    $ref: '#/components/pathItems/Item'
  /c/{y}:
    $ref: '#/components/pathItems/Item'
";
    let (ws, result) = import_text("shared.yaml", text);
    assert_eq!(
        api_names(&result),
        ["get_item", "post_a", "post_b", "post_c_x"]
    );
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-generated-name@7:7",
            "warn import-generated-name@7:7",
            "warn import-generated-name@7:7",
            "warn import-generated-name@7:7",
            "error import-duplicate-name@11:3",
            "error import-duplicate-name@13:3",
            "error import-duplicate-name@15:3",
            "error import-duplicate-api@15:3",
        ]
    );
    let related: Vec<(usize, usize)> = result.diagnostics[4..]
        .iter()
        .map(|d| {
            let at = &d.related[0].location;
            let lc = ws.sources.file(at.file).line_col(at.span.start as usize);
            (lc.line, lc.col)
        })
        .collect();
    assert_eq!(related, [(9, 3), (9, 3), (9, 3), (13, 3)]);
    assert_eq!(
        result.diagnostics[5].message,
        "paths `/a` and `/c/{x}` use one path item (by `$ref`), so its GET operation would be two APIs named `get_item`; API names are unique in a group (the gateway answers APIG.3202)"
    );

    // As `apigctl import` shows it, for two paths.
    let dir = tempfile::tempdir().unwrap();
    let two = text.split("  /c/{x}:").next().unwrap_or_default();
    std::fs::write(dir.path().join("shared.yaml"), two).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_apigctl"))
        .args(["--color", "never", "import", "shared.yaml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    insta::assert_snapshot!("path_item_shared_by_two_paths", stderr);
}

/// An `enum` that gives no value (not a list, empty, or only `null`) is reported and no
/// `enumerations` check is made: an empty one would refuse every value.
#[test]
fn an_enum_without_values_makes_no_check() {
    let text = "openapi: 3.0.3\ninfo: {title: enum_api, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: get_a\n      parameters:\n        - {name: a, in: query, schema: {type: string, enum: red}}\n        - {name: b, in: query, schema: {type: string, enum: []}}\n      responses: {default: {description: ok}}\n      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}\n";
    let (ws, result) = import_text("enum.yaml", text);
    assert_eq!(
        locations(&ws.sources, &result),
        ["warn import-dropped@8:61", "warn import-dropped@9:61"]
    );
    for p in result.definition.apis[0].req_params.as_ref().unwrap() {
        assert_eq!(
            (p.enumerations.as_deref(), p.valid_enable),
            (None, None),
            "{p:?}"
        );
    }
}

/// What an operation or parameter says that the gateway has no field for is reported at its
/// key (or value), and only when it says something: `deprecated: false`, `allowEmptyValue:
/// false`, `style: simple` on a path parameter, `style: form` on a query one and an empty
/// scope list are what the gateway does anyway.
#[test]
fn attributes_without_a_gateway_field_are_reported_where_they_say_something() {
    let (ws, result) = import_file(
        "testdata/import/attributes-dropped-3.0.yaml",
        &ImportOptions::default(),
    );
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-dropped@11:7",  // deprecated operation
            "warn import-dropped@12:24", // scopes
            "warn import-dropped@14:55", // style: matrix on a path parameter
            "warn import-dropped@15:32", // allowEmptyValue: true
            "warn import-dropped@15:55", // deprecated parameter
            "warn import-dropped@16:44", // schema: false
            // A parameter that is not imported: its type only, not its `deprecated`.
            "warn import-unsupported@18:68",
        ]
    );
    let messages: Vec<&str> = result
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(messages[1].contains("the scopes required here have no APIG counterpart"));
    assert!(messages[2].contains("`style: matrix`"));
    assert!(messages[5].contains("imported as a STRING without checks"));
    // Each is still imported, as what the gateway can say.
    let api = &result.definition.apis[0];
    assert_eq!(api.auth_type.as_str(), "APP");
    let params = api.req_params.as_deref().unwrap();
    let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["id", "q", "never", "plain"]);
    assert_eq!(params[2].param_type.as_str(), "STRING");
    assert_eq!(params[2].valid_enable, None);
    // `put_item` says nothing the gateway lacks.
    assert_eq!(result.definition.apis.len(), 2);
}

/// An operation that several paths share through one path item is imported once per path,
/// but what it says about its own text is listed once: the same finding at the same place is
/// not repeated per path (the generated names differ, so those stay one per path).
#[test]
fn findings_about_a_shared_operation_are_listed_once() {
    let text = "\
openapi: 3.1.0
info: {title: shared_api, version: '1'}
paths:
  /a:
    $ref: '#/components/pathItems/Item'
  /b:
    $ref: '#/components/pathItems/Item'
components:
  pathItems:
    Item:
      get:
        deprecated: true
        responses:
          default: {description: ok}
";
    let (ws, result) = import_text("shared.yaml", text);
    assert_eq!(api_names(&result), ["get_a", "get_b"]);
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-generated-name@11:7",
            "warn import-generated-name@11:7",
            "warn import-missing-backend@12:9", // no x-apigateway-backend
            "warn import-dropped@12:9",         // deprecated
        ]
    );
    let named: Vec<&str> = result.diagnostics[..2]
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(named[0].contains("`get_a`") && named[1].contains("`get_b`"));
}

/// OpenAPI 3.1 end to end: a parameter schema that is `$ref: '#limit'` takes its bounds from
/// the schema with `$anchor: limit`, one that is `schemas.yaml#tag` from the schema so named
/// in another file, and one that is a URI from the schema with that `$id`.
#[test]
fn parameter_schemas_named_by_anchor_or_id_are_imported() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/refs/anchors/openapi.yaml");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_apigctl"))
        .args(["import", "--color", "never", "--format", "json"])
        .arg(&spec)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("ref-"), "{stderr}");
    let definition: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let params = &definition["apis"][0]["req_params"];
    let param = |name: &str| {
        params
            .as_array()
            .and_then(|all| all.iter().find(|p| p["name"] == name))
            .unwrap_or_else(|| panic!("{name} in {params}"))
            .clone()
    };
    let limit = param("limit");
    assert_eq!(
        (&limit["type"], &limit["min_num"], &limit["max_num"]),
        (
            &serde_json::json!("NUMBER"),
            &serde_json::json!(1),
            &serde_json::json!(100)
        )
    );
    assert_eq!(param("tag")["max_size"], 20);
    assert_eq!(param("owner")["max_size"], 30);
}

/// A parameter list that names one parameter twice is invalid OpenAPI: an error at the
/// second, the first imported as written (not silently replaced). An operation's header whose
/// name differs from a path item's only in case replaces nothing (OpenAPI: "Parameter names
/// are case sensitive"): both are imported, for `apig-header-param-unique` to refuse. OpenAPI
/// 3.x ignores header parameters named `Accept`, `Content-Type` and `Authorization`: so does
/// import, with a warning at the name.
#[test]
fn parameter_lists_duplicates_and_ignored_headers() {
    for (name, version) in [
        ("dup20.yaml", "swagger: '2.0'"),
        ("dup30.yaml", "openapi: 3.0.3"),
    ] {
        let schema = |t: &str| {
            if version.starts_with("swagger") {
                format!("type: {t}")
            } else {
                format!("schema: {{type: {t}}}")
            }
        };
        let text = format!(
            "{version}\ninfo: {{title: dup_api, version: '1'}}\npaths:\n  /u:\n    parameters:\n      - {{name: X-Trace, in: header, {s}}}\n    get:\n      operationId: op_u\n      parameters:\n        - {{name: c, in: query, required: true, {s}}}\n        - {{name: c, in: query, {i}}}\n        - {{name: x-trace, in: header, required: true, {s}}}\n      responses: {{default: {{description: ok}}}}\n      x-apigateway-backend: {{type: MOCK, mockEndpoints: {{result-content: x}}}}\n",
            s = schema("string"),
            i = schema("integer"),
        );
        let (ws, result) = import_text(name, &text);
        assert_eq!(
            locations(&ws.sources, &result),
            ["error import-invalid@11:11"],
            "{name}"
        );
        let related = &result.diagnostics[0].related[0];
        let lc = ws
            .sources
            .file(related.location.file)
            .line_col(related.location.span.start as usize);
        assert_eq!((lc.line, lc.col), (10, 11), "{name}");
        let params = serde_json::to_value(&result.definition.apis[0].req_params).unwrap();
        let got: Vec<String> = params
            .as_array()
            .unwrap()
            .iter()
            .map(|p| format!("{} {} {}", p["name"], p["type"], p["required"]))
            .collect();
        assert_eq!(
            got,
            [
                r#""X-Trace" "STRING" 2"#,
                r#""c" "STRING" 1"#,
                r#""x-trace" "STRING" 1"#
            ],
            "{name}"
        );
    }
    let text = "openapi: 3.1.0\ninfo: {title: hdr_api, version: '1'}\npaths:\n  /f:\n    get:\n      operationId: op_f\n      parameters:\n        - {name: Authorization, in: header, schema: {type: string}}\n        - {name: content-type, in: header, schema: {type: string}}\n        - {name: Accept, in: header, schema: {type: string}}\n        - {name: Accept, in: query, schema: {type: string}}\n      responses: {default: {description: ok}}\n      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}\n";
    let (ws, result) = import_text("ignored.yaml", text);
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-dropped@8:18",
            "warn import-dropped@9:18",
            "warn import-dropped@10:18"
        ]
    );
    assert!(result.diagnostics[1].message.contains("`Content-Type`"));
    let params = result.definition.apis[0].req_params.as_deref().unwrap();
    assert_eq!(params.len(), 1);
    assert_eq!(
        serde_json::to_value(&params[0]).unwrap()["location"],
        "QUERY"
    );
    // Swagger 2.0 has no such rule: the header is imported.
    let text = text
        .replace("openapi: 3.1.0", "swagger: '2.0'")
        .replace("schema: {type: string}", "type: string");
    let (_, result) = import_text("ignored20.yaml", &text);
    assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics);
    assert_eq!(
        result.definition.apis[0].req_params.as_ref().unwrap().len(),
        4
    );
}

/// An API has one sample of each kind (reference §2.22): the first is imported (one written in
/// `responses` itself before those in Response objects) and every other one is a warning at
/// its key, naming the one imported.
#[test]
fn result_samples_after_the_first_are_reported() {
    let text = "\
openapi: 3.0.3
info: {title: samples_api, version: '1'}
paths:
  /s:
    get:
      operationId: op_s
      responses:
        '200': {description: ok, x-apigateway-result-normal-sample: '{\"in\":1}'}
        '404': {description: nf, x-apigateway-result-failure-sample: '{\"e\":\"NF\"}'}
        '500': {description: err, x-apigateway-result-failure-sample: '{\"e\":\"ERR\"}'}
        x-apigateway-result-normal-sample: '{\"direct\":1}'
      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}
";
    let (ws, result) = import_text("samples.yaml", text);
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-unsupported@8:34",
            "warn import-unsupported@10:35"
        ]
    );
    let related: Vec<(usize, usize)> = result
        .diagnostics
        .iter()
        .map(|d| {
            let at = d.related[0].location;
            let lc = ws.sources.file(at.file).line_col(at.span.start as usize);
            (lc.line, lc.col)
        })
        .collect();
    assert_eq!(related, [(11, 9), (9, 34)]);
    let api = &result.definition.apis[0];
    assert_eq!(api.result_normal_sample.as_deref(), Some(r#"{"direct":1}"#));
    assert_eq!(api.result_failure_sample.as_deref(), Some(r#"{"e":"NF"}"#));
}

/// A misspelt extension or field is reported wherever import reads extensions: under
/// `components`, in `x-apigateway-auth-opt`, in a group response entry, in the Responses map
/// and in a Response object (as at the root, operation, parameter, scheme and backend).
#[test]
fn unknown_extensions_and_fields_are_reported_everywhere_import_reads() {
    let text = "\
openapi: 3.0.3
info: {title: grp_r4, version: '1'}
components:
  x-apigateway-ratelimit:
    lim_a: {api-limit: 10, interval: 1, unit: MINUTE}
  securitySchemes:
    app:
      type: apiKey
      name: Authorization
      in: header
      x-apigateway-auth-type: AppSigv1
      x-apigateway-auth-opt: {appcode-auth-type: header, appcode-location: query}
x-apigateway-responses:
  resp_a:
    DEFAULT_4XX: {status: 400, body: {application/json: '{}'}, header: {X-A: b}}
paths:
  /a:
    get:
      operationId: op_a
      security: [{app: []}]
      responses:
        default: {description: ok, x-apigateway-result-normal-sampel: '{\"a\":1}'}
        x-apigateway-result-sample: '{}'
      x-apigateway-response: resp_a
      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}
";
    let (ws, result) = import_text("unknown.yaml", text);
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-unknown-extension@4:3",
            "warn import-dropped@12:58",
            "warn import-dropped@15:64",
            "warn import-unknown-extension@22:36",
            "warn import-unknown-extension@23:9",
        ]
    );
    // What is known is still imported.
    let api = &result.definition.apis[0];
    assert_eq!(api.auth_type.as_str(), "APP");
    assert!(api.auth_opt.is_some());
    assert_eq!(result.definition.responses.len(), 1);
}

/// A 2.0 scheme other than http and https changes nothing the API can say: a warning at it
/// (lint's `apig-request-scheme` makes it an error). A backend policy without `effectMode`
/// (required, reference §6-6) is imported as ANY, with a warning at the policy (lint's
/// `apig-backend-policy-effect-mode` makes it an error).
#[test]
fn other_schemes_and_a_missing_effect_mode_are_reported() {
    let text = "\
swagger: '2.0'
info: {title: grp_r6, version: '1'}
paths:
  /a:
    get:
      operationId: op_a
      schemes: [ws]
      responses: {default: {description: ok}}
      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}
    post:
      operationId: op_b
      schemes: [wss, http]
      parameters: [{name: q, in: query, type: string}]
      responses: {default: {description: ok}}
      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}
      x-apigateway-backend-policies:
        - name: pol_a
          type: MOCK
          mockEndpoints: {result-content: y}
          conditions: [{type: exact, origin: param, parameter: q, value: v}]
";
    let (ws, result) = import_text("schemes.yaml", text);
    assert_eq!(
        locations(&ws.sources, &result),
        [
            "warn import-unsupported@7:17",
            "warn import-unsupported@12:17",
            "warn import-unsupported@17:11",
        ]
    );
    assert!(
        result.diagnostics[0]
            .message
            .contains("the API takes HTTPS")
    );
    assert!(
        result.diagnostics[1]
            .message
            .contains("the API takes HTTP,")
    );
    let apis = &result.definition.apis;
    assert_eq!(apis[0].req_protocol.to_string(), "HTTPS");
    assert_eq!(apis[1].req_protocol.to_string(), "HTTP");
    let policy = serde_json::to_value(&apis[1].policy_mocks.as_ref().unwrap()[0]).unwrap();
    assert_eq!(policy["effect_mode"], "ANY");
}

/// Each diagnostic as `severity code@line:col message`, in order.
fn described(sources: &Sources, result: &apigctl::convert::import::ImportResult) -> Vec<String> {
    locations(sources, result)
        .into_iter()
        .zip(&result.diagnostics)
        .map(|(at, d)| format!("{at} {}", d.message))
        .collect()
}

/// Asserts that `found` (from [`described`]) has, in order, one line per `expected`
/// `(location, message fragment)`, and nothing else.
fn assert_described(found: &[String], expected: &[(&str, &str)]) {
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for (line, (at, fragment)) in found.iter().zip(expected) {
        assert!(
            line.starts_with(&format!("{at} ")) && line.contains(fragment),
            "expected {at} … {fragment}, found {line}\n{found:#?}"
        );
    }
}

/// Authentication fails closed: a requirement naming an undefined scheme (even one after the
/// first, which is not used), a `security` that is not a list of requirement objects, an
/// `x-apigateway-auth-type` that is not documented and an `x-apigateway-request-type` that is
/// neither public nor private are errors at the offending node, and the API is not imported
/// (it would be open, or public). Auth types and request types are read without case.
#[test]
fn authentication_and_visibility_fail_closed() {
    let text = "\
swagger: '2.0'
info: {title: sec_api, version: '1'}
securityDefinitions:
  apig-auth-app: {type: apiKey, name: Authorization, in: header, x-apigateway-auth-type: AppSigV1}
  iam: {type: apiKey, name: unused, in: header, x-apigateway-auth-type: iam}
  v2: {type: apiKey, name: Authorization, in: header, x-apigateway-auth-type: AppSigv2}
x-apigateway-backend-default: &mock {type: MOCK, mockEndpoints: {result-content: x}}
paths:
  /ok:
    get: {operationId: app_ok, security: [{apig-auth-app: []}], x-apigateway-backend: *mock, responses: {default: {description: ok}}}
    put: {operationId: iam_private, security: [{iam: []}], x-apigateway-request-type: PRIVATE, x-apigateway-backend: *mock, responses: {default: {description: ok}}}
  /typo:
    get: {operationId: typo, security: [{apig-auth-ap: []}], x-apigateway-backend: *mock, responses: {default: {description: ok}}}
  /mapping:
    get: {operationId: mapping, security: {iam: []}, x-apigateway-backend: *mock, responses: {default: {description: ok}}}
  /item:
    get: {operationId: item, security: [iam], x-apigateway-backend: *mock, responses: {default: {description: ok}}}
  /second:
    get: {operationId: second, security: [{iam: []}, {gone: []}], x-apigateway-backend: *mock, responses: {default: {description: ok}}}
  /v2:
    get: {operationId: v2, security: [{v2: []}], x-apigateway-backend: *mock, responses: {default: {description: ok}}}
  /privat:
    get: {operationId: privat, x-apigateway-request-type: privat, x-apigateway-backend: *mock, responses: {default: {description: ok}}}
";
    let (ws, result) = import_text("sec.yaml", text);
    assert_described(
        &described(&ws.sources, &result),
        &[
            (
                "error import-invalid@6:79",
                "`x-apigateway-auth-type: AppSigv2` is not an APIG authentication mode; every API using security scheme `v2` is not imported",
            ),
            (
                "warn import-unknown-extension@7:1",
                "`x-apigateway-backend-default`",
            ),
            (
                "error import-invalid@13:42",
                "security scheme `apig-auth-ap` is not defined in `securityDefinitions`; the API is not imported",
            ),
            (
                "error import-invalid@15:43",
                "`security` must be a list of security requirement objects, not a mapping",
            ),
            (
                "error import-invalid@17:41",
                "a security requirement must be an object naming a security scheme",
            ),
            (
                "warn import-unsupported@19:54",
                "only the first security requirement is used",
            ),
            (
                "error import-invalid@19:55",
                "security scheme `gone` is not defined",
            ),
            (
                "error import-invalid@23:59",
                "`x-apigateway-request-type: privat` is not valid: it must be `public` or `private`",
            ),
        ],
    );
    assert!(
        result.diagnostics[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("AppSigv1"))
    );
    assert!(
        result.diagnostics[2]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("define `apig-auth-ap`"))
    );
    assert_eq!(
        api_fields(&result, &["name", "auth_type", "type"]),
        [
            serde_json::json!(["app_ok", "APP", 1]),
            serde_json::json!(["iam_private", "IAM", 2]),
        ]
    );
}

/// `fields` of each imported API, as JSON (`null` for an absent one).
fn api_fields(
    result: &apigctl::convert::import::ImportResult,
    fields: &[&str],
) -> Vec<serde_json::Value> {
    result
        .definition
        .apis
        .iter()
        .map(|api| {
            let value = serde_json::to_value(api).unwrap();
            fields.iter().map(|f| value[*f].clone()).collect()
        })
        .collect()
}

/// `x-apigateway-auth-opt` (AppCode) applies to APP authentication only: on an IAM or
/// AUTHORIZER scheme it is a warning at its key and the APIs have no `auth_opt` (as export
/// writes none for them, so import(export(import(S))) is import(S)).
#[test]
fn auth_opt_on_a_scheme_that_is_not_app_is_left_out() {
    let text = "\
openapi: 3.0.3
info: {title: opt_api, version: '1'}
components:
  securitySchemes:
    app: {type: apiKey, in: header, name: Authorization, x-apigateway-auth-type: AppSigv1, x-apigateway-auth-opt: {appcode-auth-type: header}}
    iam: {type: apiKey, in: header, name: x, x-apigateway-auth-type: IAM, x-apigateway-auth-opt: {appcode-auth-type: header}}
    custom:
      type: apiKey
      in: header
      name: Authorization
      x-apigateway-auth-type: AUTHORIZER
      x-apigateway-auth-opt: {appcode-auth-type: header}
      x-apigateway-authorizer: {type: FRONTEND, authorizer_type: FUNC, authorizer_uri: 'urn:fss:x', identities: [{name: Authorization, location: HEADER}]}
paths:
  /a:
    get: {operationId: with_app, security: [{app: []}], x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}, responses: {default: {description: ok}}}
    put: {operationId: with_iam, security: [{iam: []}], x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}, responses: {default: {description: ok}}}
    post: {operationId: with_custom, security: [{custom: []}], x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}, responses: {default: {description: ok}}}
";
    let (ws, result) = import_text("opt.yaml", text);
    assert_described(
        &described(&ws.sources, &result),
        &[
            (
                "warn import-dropped@6:75",
                "`x-apigateway-auth-opt` (AppCode) applies only to APP authentication (`x-apigateway-auth-type: AppSigv1`), not IAM",
            ),
            ("warn import-dropped@12:7", "not AUTHORIZER"),
        ],
    );
    assert_eq!(
        api_fields(&result, &["name", "auth_type", "auth_opt"]),
        [
            serde_json::json!(["with_app", "APP", {"app_code_auth_type": "HEADER"}]),
            serde_json::json!(["with_iam", "IAM", null]),
            serde_json::json!(["with_custom", "AUTHORIZER", null]),
        ]
    );
}

/// A throttling policy's `shared` that is not a boolean and an `x-apigateway-match-mode`
/// that is not a string are errors at the value, not read as false or NORMAL.
#[test]
fn shared_and_match_mode_of_the_wrong_type_are_errors() {
    let text = "\
swagger: '2.0'
info: {title: coerce_api, version: '1'}
x-apigateway-ratelimits:
  quoted: {api-limit: 10, interval: 1, unit: SECOND, shared: 'true'}
  fine: {api-limit: 10, interval: 1, unit: SECOND, shared: true}
paths:
  /a:
    get: {operationId: numbered, x-apigateway-match-mode: 1, x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}, responses: {default: {description: ok}}}
    put: {operationId: prefix, x-apigateway-match-mode: swa, x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}, responses: {default: {description: ok}}}
";
    let (ws, result) = import_text("coerce.yaml", text);
    assert_described(
        &described(&ws.sources, &result),
        &[
            (
                "error import-invalid@4:62",
                "`shared` must be a boolean, not a string; the throttling policy is not imported",
            ),
            (
                "error import-invalid@8:59",
                "`x-apigateway-match-mode` must be a string, `NORMAL` or `SWA`, not a number; the API is not imported",
            ),
        ],
    );
    let throttles: Vec<&str> = result
        .definition
        .throttles
        .iter()
        .map(|t| &*t.name)
        .collect();
    assert_eq!(throttles, ["fine"]);
    assert_eq!(
        api_fields(&result, &["name", "match_mode"]),
        [serde_json::json!(["prefix", "SWA"])]
    );
}

/// Server URLs give their APIs only a path: a protocol-relative URL's host is not part of it,
/// a query or fragment is dropped with a warning, and a scheme other than http and https is
/// a warning as 2.0's `schemes` is. With several servers (root, path item or operation), one
/// whose path is not the imported one is a warning at it, and its scheme does not count.
#[test]
fn server_urls_give_a_path_and_schemes_only_from_servers_whose_path_is_imported() {
    let text = "\
openapi: 3.0.3
info: {title: servers_api, version: '1'}
servers:
  - url: //api.example.com/v1
  - url: http://api.example.com/v9
paths:
  /a:
    get: {operationId: relative, x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}, responses: {default: {description: ok}}}
  /b:
    servers: [{url: 'https://x/v4?x=1'}]
    get: {operationId: query, x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}, responses: {default: {description: ok}}}
  /c:
    servers: [{url: 'https://x/o1#frag'}, {url: 'http://x/p2'}]
    get: {operationId: fragment, x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}, responses: {default: {description: ok}}}
  /d:
    get:
      operationId: operation_level
      servers: [{url: 'https://a/p1'}, {url: 'http://a/p1/'}, {url: 'http://a/p2'}]
      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}
      responses: {default: {description: ok}}
  /e:
    get:
      operationId: websocket
      servers: [{url: 'wss://x/v6'}]
      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}
      responses: {default: {description: ok}}
";
    let (ws, result) = import_text("servers.yaml", text);
    assert_described(
        &described(&ws.sources, &result),
        &[
            (
                "warn import-dropped@5:5",
                "this server's `/v9` is not imported (one group has one base path), nor is its scheme taken into the request protocol",
            ),
            (
                "warn import-dropped@10:21",
                "the query `?x=1` of this server URL has no place in an API's path; dropped",
            ),
            (
                "warn import-dropped@13:21",
                "the fragment `#frag` of this server URL",
            ),
            (
                "warn import-dropped@13:43",
                "this server's `/p2` is not imported",
            ),
            (
                "warn import-dropped@18:63",
                "this server's `/p2` is not imported",
            ),
            (
                "warn import-unsupported@24:23",
                "scheme `wss` has no APIG request protocol (only http and https); ignored",
            ),
        ],
    );
    assert_eq!(
        api_fields(&result, &["name", "req_uri", "req_protocol"]),
        [
            serde_json::json!(["relative", "/v1/a", "HTTPS"]),
            serde_json::json!(["query", "/v4/b", "HTTPS"]),
            serde_json::json!(["fragment", "/o1/c", "HTTPS"]),
            // `http://a/p1/` has the imported path: its scheme counts.
            serde_json::json!(["operation_level", "/p1/d", "BOTH"]),
            serde_json::json!(["websocket", "/v6/e", "HTTPS"]),
        ]
    );
}

/// A relative server URL without a leading `/` resolves against where the document is served
/// (OpenAPI 3.x, Server Object), which import does not know: its APIs' paths are taken from the
/// host's root, still starting with `/`, and a warning at the URL says so.
#[test]
fn a_relative_server_url_gives_a_path_from_the_root_with_a_warning() {
    let text = "\
openapi: 3.0.3
info: {title: servers_api, version: '1'}
servers: [{url: v1}]
paths:
  /a:
    get: {operationId: root_servers, x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}, responses: {default: {description: ok}}}
  /b:
    servers: [{url: './v2/'}]
    get: {operationId: dot, x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}, responses: {default: {description: ok}}}
  /c:
    servers: [{url: /v3}]
    get: {operationId: absolute_path, x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}, responses: {default: {description: ok}}}
";
    let (ws, result) = import_text("servers.yaml", text);
    assert_eq!(
        described(&ws.sources, &result),
        [
            "warn import-unsupported@3:17 server URL `v1` is relative to where the document is served, which import does not know; its APIs are imported under `/v1`",
            "warn import-unsupported@8:21 server URL `./v2/` is relative to where the document is served, which import does not know; its APIs are imported under `/v2`",
        ]
    );
    assert_eq!(
        api_fields(&result, &["name", "req_uri"]),
        [
            serde_json::json!(["root_servers", "/v1/a"]),
            serde_json::json!(["dot", "/v2/b"]),
            serde_json::json!(["absolute_path", "/v3/c"]),
        ]
    );
}

/// A Swagger 2.0 `basePath` without its leading `/`, which the specification requires, gives
/// paths from the host's root, as a relative server URL does, with a warning at the
/// `basePath`: `x-api` would otherwise make `req_uri: x-api/orders`, which export writes as
/// an extension key and a re-import loses.
#[test]
fn a_swagger_base_path_without_a_leading_slash_gives_a_path_from_the_root_with_a_warning() {
    for (base, taken) in [("x-api", "/x-api"), ("./v1/", "/v1"), ("/v2", "/v2")] {
        let text = format!(
            "\
swagger: '2.0'
info: {{title: xbp_api, version: '1'}}
basePath: '{base}'
paths:
  /orders:
    get: {{operationId: list_orders, x-apigateway-backend: {{type: MOCK, mockEndpoints: {{result-content: ok}}}}, responses: {{default: {{description: ok}}}}}}
"
        );
        let (ws, result) = import_text("base.yaml", &text);
        let expected: Vec<String> = if base.starts_with('/') {
            Vec::new()
        } else {
            vec![format!(
                "warn import-unsupported@3:11 `basePath` `{base}` does not start with `/`; its APIs are imported under `{taken}`"
            )]
        };
        assert_eq!(described(&ws.sources, &result), expected);
        assert_eq!(
            api_fields(&result, &["name", "req_uri"]),
            [serde_json::json!([
                "list_orders",
                format!("{taken}/orders")
            ])]
        );
    }
}

/// A path item key that is neither a method APIG has nor a Path Item field is a warning at
/// the key, as `trace` is: a method written in upper case is named as such.
#[test]
fn unknown_path_item_keys_are_reported() {
    let text = "\
openapi: 3.0.3
info: {title: keys_api, version: '1'}
paths:
  /a:
    summary: fine
    GET: {operationId: upper, responses: {default: {description: ok}}}
    query: {operationId: query, responses: {default: {description: ok}}}
    get: {operationId: lower, x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}, responses: {default: {description: ok}}}
";
    let (ws, result) = import_text("keys.yaml", text);
    assert_described(
        &described(&ws.sources, &result),
        &[
            (
                "warn import-unsupported@6:5",
                "`GET` is not a Path Item field: methods are written in lower case (`get`); not imported",
            ),
            (
                "warn import-unsupported@7:5",
                "`query` is neither a method the gateway has",
            ),
        ],
    );
    assert_eq!(api_names(&result), ["lower"]);
}

/// `x-apigateway-content-type` gives the content type; a request body media type that says
/// another is a warning at the media type. Media types compare by type and subtype, so
/// `application/json; charset=utf-8` is `application/json`.
#[test]
fn a_body_media_type_the_content_type_extension_contradicts_is_reported() {
    let text = "\
openapi: 3.0.3
info: {title: ct_api, version: '1'}
paths:
  /a:
    post:
      operationId: contradicted
      x-apigateway-content-type: text/plain
      requestBody: {content: {application/json: {}}}
      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}
      responses: {default: {description: ok}}
    put:
      operationId: agreed
      x-apigateway-content-type: application/json
      requestBody: {content: {'application/json; charset=utf-8': {}}}
      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}
      responses: {default: {description: ok}}
    patch:
      operationId: charset
      requestBody: {content: {'Application/JSON; charset=utf-8': {}}}
      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}
      responses: {default: {description: ok}}
";
    let (ws, result) = import_text("ct.yaml", text);
    assert_described(
        &described(&ws.sources, &result),
        &[(
            "warn import-unsupported@8:31",
            "request body media type `application/json` is not the `x-apigateway-content-type: text/plain` of this operation, which the API takes; not imported",
        )],
    );
    assert_eq!(
        api_fields(&result, &["name", "content_type"]),
        [
            serde_json::json!(["contradicted", "text/plain"]),
            serde_json::json!(["agreed", "application/json"]),
            serde_json::json!(["charset", "application/json"]),
        ]
    );
}

/// A number where a result sample (text) is expected is refused at the value, and the help
/// says how to fix it: quote it.
#[test]
fn a_numeric_result_sample_is_refused_with_how_to_quote_it() {
    let text = "\
swagger: '2.0'
info: {title: samples_api, version: '1'}
paths:
  /a:
    get:
      operationId: numeric
      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}
      responses:
        x-apigateway-result-normal-sample: 42
        default: {description: ok, x-apigateway-result-failure-sample: true}
";
    let (ws, result) = import_text("samples.yaml", text);
    assert_eq!(
        described(&ws.sources, &result),
        [
            "error import-invalid@9:44 cannot import: invalid type: integer `42`, expected a string",
            "error import-invalid@10:72 cannot import: invalid type: boolean `true`, expected a string",
        ]
    );
    let helps: Vec<Option<&str>> = result
        .diagnostics
        .iter()
        .map(|d| d.help.as_deref())
        .collect();
    assert_eq!(
        helps,
        [
            Some("write it as a string: quote it (`'42'`)"),
            Some("write it as a string: quote it (`'true'`)"),
        ]
    );
}

/// A number written unquoted where the gateway keeps text (a parameter's default, sample and
/// enum values, a backend parameter's value, a condition's value, a mock's result) is the
/// text written, in the root file and in a file a `$ref` names alike: `1.50` stays `1.50`,
/// not `1.5`, and `12345678901234567890` is not rounded. A number in another notation
/// (`0x1F`) is its decimal text, with a warning at it saying how to keep the text.
#[test]
fn numbers_in_text_values_keep_the_text_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("shared.yaml"),
        "p: {name: r, in: query, type: number, default: 2.50, enum: [2.50, 99999999999999999999999]}\n",
    )
    .unwrap();
    let root = dir.path().join("txt.yaml");
    std::fs::write(
        &root,
        "\
swagger: '2.0'
info: {title: txt_api, version: '1'}
paths:
  /t:
    get:
      operationId: txt_op
      parameters:
        - {name: q, in: query, type: string, default: 1.50, x-apigateway-sample: 0x1F, enum: [007, 1e3]}
        - $ref: 'shared.yaml#/p'
      responses: {default: {description: ok}}
      x-apigateway-backend:
        type: MOCK
        mockEndpoints: {result-content: 1.50}
        parameters:
          - {name: X-C, in: header, origin: CONSTANT, value: 12345678901234567890}
          - {name: X-D, in: header, origin: CONSTANT, value: 1e3}
      x-apigateway-backend-policies:
        - name: pol_one
          type: MOCK
          effectMode: ANY
          mockEndpoints: {result-content: 007}
          conditions:
            - {type: exact, origin: request, parameter: q, value: 12345678901234567890}
            - {type: exact, origin: request, parameter: q, value: 2.10}
",
    )
    .unwrap();
    let mut ws = match Workspace::load(&Input::Path(root), &Limits::default()) {
        Ok(ws) => ws,
        Err(_) => panic!("txt.yaml loads"),
    };
    let problems = ws.resolve_refs(&Limits::default(), &RefOptions::default());
    assert!(problems.is_empty(), "{problems:?}");
    let result = import(&ws, openapi::OasVersion::V2_0, &ImportOptions::default());
    assert_eq!(
        described(&ws.sources, &result),
        [
            "warn import-unsupported@8:82 `0x1F` is a number in YAML, which this text value takes as its decimal text; imported as `\"31\"`"
        ]
    );
    assert_eq!(
        result.diagnostics[0].help.as_deref(),
        Some("quote it (`'0x1F'`) to keep the text as written, or write `31`")
    );
    let api = serde_json::to_value(&result.definition.apis[0]).unwrap();
    let at = |pointer: &str| api.pointer(pointer).cloned().unwrap_or_default();
    assert_eq!(
        [
            at("/req_params/0/default_value"),
            at("/req_params/0/sample_value"),
            at("/req_params/0/enumerations"),
            at("/req_params/1/default_value"),
            at("/req_params/1/enumerations"),
            at("/mock_info/result_content"),
            at("/backend_params/0/value"),
            at("/backend_params/1/value"),
            at("/policy_mocks/0/result_content"),
            at("/policy_mocks/0/conditions/0/condition_value"),
            at("/policy_mocks/0/conditions/1/condition_value"),
        ],
        [
            "1.50",
            "31",
            "007,1e3",
            "2.50",
            "2.50,99999999999999999999999",
            "1.50",
            "12345678901234567890",
            "1e3",
            "007",
            "12345678901234567890",
            "2.10",
        ]
        .map(serde_json::Value::from)
    );
}

/// A bound that is a whole number beyond the 64-bit integer its gateway field is read into is
/// dropped with a warning that says so and gives the range, not that it is no integer; a
/// fraction is still "not an integer".
#[test]
fn a_bound_beyond_the_integer_range_is_named_so() {
    let text = "\
swagger: '2.0'
info: {title: big_api, version: '1'}
paths:
  /n:
    get:
      operationId: big_op
      parameters:
        - {name: e, in: query, type: string, maxLength: 99999999999999999999}
        - {name: f, in: query, type: number, minimum: 1.5}
      responses: {default: {description: ok}}
      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: ok}}
";
    let (ws, result) = import_text("big.yaml", text);
    assert_eq!(
        described(&ws.sources, &result),
        [
            "warn import-dropped@8:57 `maxLength` is an integer beyond the range of `max_size` (-9223372036854775808..9223372036854775807); dropped",
            "warn import-dropped@9:55 `minimum` must be an integer for APIG (`min_num`); dropped",
        ]
    );
    assert_eq!(
        result.diagnostics[0].help.as_deref(),
        Some(
            "write a bound within that range (a length or value the gateway checks is far smaller), or remove it"
        )
    );
}
