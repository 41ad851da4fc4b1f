//! Validation against the official OpenAPI schemas: valid documents pass, and each mistake in
//! an invalid one is reported once, at its exact line and column, in words a user understands.

use std::path::Path;

use apigctl::diagnostic::Diagnostic;
use apigctl::openapi::schema::{CODE, validate};
use apigctl::openapi::{DocumentKind, OasVersion, detect};
use apigctl::source::{Document, Input, Limits, Sources, load, load_bytes};

fn load_doc(rel: &str) -> (Sources, Document) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/schema")
        .join(rel);
    let mut sources = Sources::new();
    let doc = load(&Input::Path(path), &mut sources, &Limits::default()).expect("loads");
    (sources, doc)
}

fn version_of(doc: &Document) -> OasVersion {
    match detect(doc) {
        Ok(DocumentKind::OpenApi(v)) => v,
        other => panic!("not an OpenAPI document: {other:?}"),
    }
}

/// `line:col message` of each diagnostic, in order.
fn check(rel: &str) -> Vec<String> {
    let (sources, doc) = load_doc(rel);
    let diagnostics = validate(&doc, version_of(&doc));
    render(&sources, &diagnostics)
}

fn render(sources: &Sources, diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d.code, CODE);
            assert!(d.is_error());
            assert!(d.help.as_deref().is_some_and(|h| !h.is_empty()), "{d:?}");
            assert!(d.pointer.is_some(), "{d:?}");
            let at = d.primary.expect("located");
            let lc = sources.file(at.file).line_col(at.span.start as usize);
            format!("{}:{} {}", lc.line, lc.col, d.message)
        })
        .collect()
}

#[test]
fn valid_documents_of_every_version_pass() {
    for rel in [
        "valid-2.0-petstore-expanded.yaml",
        "valid-3.0-uspto.json",
        "valid-3.0-parameters-style.yaml",
        // Regular expressions other engines accept (`{` unescaped) are not flagged.
        "valid-3.0-schema-validation.yaml",
        "valid-3.1-webhook-example.json",
        "valid-3.1-train-travel.yaml",
        // `jsonSchemaDialect: draft-04`: `exclusiveMinimum: true` is right in that dialect.
        "valid-3.1-dialect-draft-04.yaml",
        // Schema Objects that declare their own `$schema`.
        "valid-3.1-local-schema-dialects.yaml",
    ] {
        assert_eq!(check(rel), Vec::<String>::new(), "{rel}");
    }
}

#[test]
fn openapi_3_0_mistakes_are_reported_once_each_at_the_exact_place() {
    assert_eq!(
        check("invalid-3.0.yaml"),
        [
            "4:12 `version` must be a string, found a number",
            "9:7 unknown field `descriptin` in an Operation",
            "12:15 `in` must be one of `path`, `query`, `header`, `cookie`, found `body`",
            "17:21 `required` must be `true`, found `false`",
            "19:19 `type` must be one of `array`, `boolean`, `integer`, `number`, `object`, `string`, found `strng`",
            "20:11 `schema` and `content` may not both be present in a Parameter",
            "27:9 missing required field `description` in a Response",
            "29:9 `2000` is not a response code",
            "32:5 missing required field `responses` in an Operation",
            "34:3 path `pets` must start with `/`",
            "53:17 `required` must be a sequence, found a string",
        ]
    );
}

#[test]
fn json_documents_get_exact_spans_too() {
    assert_eq!(
        check("invalid-3.0.json"),
        [
            "3:54 unknown field `licence` in Info",
            "7:45 `in` must be one of `path`, `query`, `header`, `cookie`, found `querry`",
            "8:99 `type` must be one of `array`, `boolean`, `integer`, `number`, `object`, `string`, found `5`",
        ]
    );
}

#[test]
fn swagger_2_0_mistakes_are_reported_once_each_at_the_exact_place() {
    assert_eq!(
        check("invalid-2.0.yaml"),
        [
            "6:17 `schemes[1]` must be one of `http`, `https`, `ws`, `wss`, found `ftp`",
            "8:3 path `pets` must start with `/`",
            "15:11 missing required field `required` in a path Parameter",
            "20:17 `type` must be one of `string`, `number`, `boolean`, `integer`, `array`, found `strin`",
            "21:11 unknown field `requird` in a query Parameter",
            "22:11 missing required field `schema` in a body Parameter",
            "25:15 `in` must be one of `header`, `formData`, `query`, `path`, found `formdata`",
            "33:43 `minimum` must be a number, found a string",
            "34:9 missing required field `description` in a Response",
            "36:3 missing required field `authorizationUrl` in an oauth2 implicit Security Scheme",
            "39:5 unknown field `tokenUrl` in an oauth2 implicit Security Scheme",
            "44:9 `in` must be one of `header`, `query`, found `heder`",
        ]
    );
}

#[test]
fn openapi_3_1_mistakes_include_schema_objects_in_the_default_dialect() {
    assert_eq!(
        check("invalid-3.1.yaml"),
        [
            "5:12 `summary` must be a string, found a number",
            "10:11 missing required field `required` in a Parameter",
            "13:19 `type` must be one of `array`, `boolean`, `integer`, `null`, `number`, `object`, `string`, found `strng`",
            "15:15 `in` must be one of `query`, `header`, `path`, `cookie`, found `body`",
            "24:27 `required` must be a sequence, found a boolean",
            "25:17 missing required field `propertyName` in a Discriminator",
            "27:56 `exclusiveMinimum` must be a number, found a boolean",
            "29:9 `2000` is not a response code",
            "33:9 unknown field `descripton` in a Request Body",
            "40:11 `in` must be one of `query`, `header`, `cookie`, found `heder`",
        ]
    );
}

/// The official 3.1 schema of 2021-04-15 contradicts the 3.1.0 text in a few places; the
/// corrected reading accepts what the text allows, with and without the OAS base dialect.
#[test]
fn openapi_3_1_constructs_the_published_schema_got_wrong_are_accepted() {
    let rel = "valid-3.1-errata.yaml";
    assert_eq!(check(rel), Vec::<String>::new());
    // A document choosing another dialect is checked against the schema alone.
    let text = doc_text(rel).replacen(
        "openapi: 3.1.0\n",
        "openapi: 3.1.0\njsonSchemaDialect: https://json-schema.org/draft/2020-12/schema\n",
        1,
    );
    assert_ne!(text, doc_text(rel));
    let mut sources = Sources::new();
    let other = load_bytes(
        rel.into(),
        None,
        text.into_bytes(),
        &mut sources,
        &Limits::default(),
    )
    .expect("loads");
    let diagnostics = validate(&other, version_of(&other));
    assert_eq!(render(&sources, &diagnostics), Vec::<String>::new());
    // What the text does forbid still is an error.
    assert_eq!(
        check("invalid-3.1-license.yaml"),
        ["5:3 `identifier` and `url` may not both be present in a License"]
    );
}

fn doc_text(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/schema")
        .join(rel);
    std::fs::read_to_string(path).expect("fixture")
}

#[test]
fn help_says_how_to_fix() {
    let (_, doc) = load_doc("invalid-3.0.yaml");
    let diagnostics = validate(&doc, OasVersion::V3_0);
    let help = |needle: &str| {
        diagnostics
            .iter()
            .find(|d| d.message.contains(needle))
            .and_then(|d| d.help.clone())
            .unwrap_or_else(|| panic!("no diagnostic about {needle}"))
    };
    assert!(help("descriptin").starts_with("did you mean `description`?"));
    assert!(help("descriptin").contains("allowed fields: callbacks, deprecated, description"));
    assert!(help("`version`").contains("quote"));
    assert!(help("`required` must be `true`").contains("Parameter in path"));
    assert!(help("missing required field `responses`").contains("add `responses`"));
    // The pointer names the offending node, for ignores and baselines.
    let d = diagnostics
        .iter()
        .find(|d| d.message.contains("`in` must be"))
        .unwrap();
    assert_eq!(
        d.pointer.as_deref(),
        Some("/paths/~1pets/get/parameters/0/in")
    );
}

#[test]
fn references_in_swagger_2_0_hold_only_ref() {
    let text = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/parameters/P'\n          description: extra\n      responses:\n        200: {description: ok}\nparameters:\n  P: {name: p, in: query, type: string}\n";
    let mut sources = Sources::new();
    let doc = load_bytes(
        "t.yaml".into(),
        None,
        text.into(),
        &mut sources,
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        render(&sources, &validate(&doc, OasVersion::V2_0)),
        ["8:11 `description` is not allowed next to `$ref`"]
    );
}

#[test]
fn the_document_root_has_a_place_too() {
    let text = "openapi: 3.0.3\npaths: {}\n";
    let mut sources = Sources::new();
    let doc = load_bytes(
        "t.yaml".into(),
        None,
        text.into(),
        &mut sources,
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        render(&sources, &validate(&doc, OasVersion::V3_0)),
        ["1:1 missing required field `info` at the top level"]
    );
}

#[test]
fn validators_are_shared_across_threads() {
    let rels = [
        "invalid-2.0.yaml",
        "invalid-3.0.yaml",
        "invalid-3.1.yaml",
        "valid-3.1-train-travel.yaml",
    ];
    let expected: Vec<Vec<String>> = rels.iter().map(|r| check(r)).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let rel = rels[i % rels.len()];
                scope.spawn(move || (i % rels.len(), check(rel)))
            })
            .collect();
        for h in handles {
            let (i, got) = h.join().unwrap();
            assert_eq!(got, expected[i]);
        }
    });
}

#[test]
fn deeply_nested_schemas_do_not_overflow_the_stack() {
    // About as deep as the loader's nesting limit (256) allows.
    let depth = 120;
    let mut schema = String::from("{\"type\": \"strng\"}");
    for _ in 0..depth {
        schema = format!("{{\"type\": \"object\", \"properties\": {{\"a\": {schema}}}}}");
    }
    let info = "\"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}";
    for (version, text) in [
        (
            OasVersion::V2_0,
            format!("{{\"swagger\": \"2.0\", {info}, \"definitions\": {{\"Deep\": {schema}}}}}"),
        ),
        (
            OasVersion::V3_0,
            format!(
                "{{\"openapi\": \"3.0.3\", {info}, \"components\": {{\"schemas\": {{\"Deep\": {schema}}}}}}}"
            ),
        ),
        (
            OasVersion::V3_1,
            format!(
                "{{\"openapi\": \"3.1.0\", {info}, \"components\": {{\"schemas\": {{\"Deep\": {schema}}}}}}}"
            ),
        ),
    ] {
        let mut sources = Sources::new();
        let doc = load_bytes(
            "deep.json".into(),
            None,
            text.into(),
            &mut sources,
            &Limits::default(),
        )
        .unwrap();
        let diagnostics = validate(&doc, version);
        assert_eq!(diagnostics.len(), 1, "{version}: {diagnostics:?}");
        assert!(
            diagnostics[0].message.contains("found `strng`"),
            "{version}"
        );
        assert_eq!(
            diagnostics[0]
                .pointer
                .as_deref()
                .map(|p| p.matches("/a").count()),
            Some(depth),
            "{version}"
        );
    }
}

/// 2.0's `enum` is draft-04's: at least one value, each once (Validation §5.5.1), in
/// parameters, items, headers and schemas alike.
#[test]
fn swagger_2_0_enums_are_non_empty_and_unique() {
    let text = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - {name: q, in: query, type: string, enum: [x, x]}\n        - {name: r, in: query, type: string, enum: []}\n      responses:\n        200: {description: ok, schema: {type: string, enum: [y, z, y]}}\n";
    let mut sources = Sources::new();
    let doc = load_bytes(
        "t.yaml".into(),
        None,
        text.into(),
        &mut sources,
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        render(&sources, &validate(&doc, OasVersion::V2_0)),
        [
            "7:52 `enum` has duplicate items",
            "8:52 `enum` must have at least 1 item",
            "10:61 `enum` has duplicate items",
        ]
    );
}
