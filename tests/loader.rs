//! The loader: exact spans for every pointer, and a specific error for every bad input.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use apigctl::commands::lint::{LintOptions, lint_file};
use apigctl::source::{Input, Limits, LoadError, Sources, Value, load};

fn testdata(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(rel)
        .display()
        .to_string()
}

/// `(line, col)` of the key and of the value at `pointer`, and the value's source text.
fn spans(path: &str, pointer: &str) -> (Option<(usize, usize)>, (usize, usize), String) {
    let mut sources = Sources::new();
    let doc = load(&Input::from_arg(path), &mut sources, &Limits::default()).expect("loads");
    let file = sources.file(doc.file);
    let found = doc
        .root
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{pointer} not found in {path}"));
    let lc = |offset: u32| {
        let lc = file.line_col(offset as usize);
        (lc.line, lc.col)
    };
    (
        found.key_span.map(|s| lc(s.start)),
        lc(found.node.span.start),
        file.text[found.node.span.range()].to_string(),
    )
}

#[test]
fn block_yaml_spans_are_exact() {
    let f = testdata("spans/block.yaml");
    // The document ends with a block scalar, and so with its last character.
    let whole = std::fs::read_to_string(&f).unwrap();
    assert_eq!(spans(&f, ""), (None, (1, 1), whole.trim_end().into()));
    assert_eq!(
        spans(&f, "/openapi"),
        (Some((1, 1)), (1, 10), "3.0.3".into())
    );
    assert_eq!(
        spans(&f, "/info/version"),
        (Some((4, 3)), (4, 12), "\"1.0\"".into())
    );
    let (key, value, text) = spans(&f, "/paths/~1pets~1{petId}/get/parameters/0/name");
    assert_eq!(
        (key, value, text.as_str()),
        (Some((10, 11)), (10, 17), "petId")
    );
    let (key, value, _) = spans(&f, "/paths/~1pets~1{petId}/get/parameters/0");
    assert_eq!((key, value), (None, (10, 11)));
    let (key, value, text) = spans(&f, "/paths/~1pets~1{petId}/get/responses/200");
    assert_eq!((key, value), (Some((14, 9)), (15, 11)));
    assert!(text.starts_with("description: |"), "{text}");
    let (_, value, text) = spans(&f, "/paths/~1pets~1{petId}/get/responses/200/description");
    assert_eq!(
        (value, text.as_str()),
        ((16, 13), "a pet\n            in two lines")
    );
}

#[test]
fn flow_yaml_spans_are_exact() {
    let f = testdata("spans/flow.yaml");
    assert_eq!(
        spans(&f, "/openapi"),
        (Some((1, 2)), (1, 11), "3.0.3".into())
    );
    let (key, value, text) = spans(&f, "/info");
    assert_eq!(
        (key, value, text.as_str()),
        (Some((1, 18)), (1, 24), "{title: Spans, version: \"1.0\"}")
    );
    let (key, value, text) = spans(&f, "/paths/~1pets~1{petId}/get/parameters");
    assert_eq!((key, value), (Some((3, 4)), (3, 16)));
    assert_eq!(text, "[{name: petId, in: path, required: true}]");
    let (key, value, text) = spans(&f, "/paths/~1pets~1{petId}/get/parameters/0/required");
    assert_eq!(
        (key, value, text.as_str()),
        (Some((3, 41)), (3, 51), "true")
    );
    let (key, value, text) = spans(&f, "/paths/~1pets~1{petId}/get/responses/200/description");
    assert_eq!(
        (key, value, text.as_str()),
        (Some((4, 24)), (4, 37), "\"a pet\"")
    );
}

#[test]
fn json_spans_are_exact() {
    let f = testdata("spans/doc.json");
    assert_eq!(
        spans(&f, "/openapi"),
        (Some((2, 3)), (2, 14), "\"3.0.3\"".into())
    );
    let (key, value, text) = spans(&f, "/info/title");
    assert_eq!(
        (key, value, text.as_str()),
        (Some((3, 13)), (3, 22), "\"Spans\"")
    );
    let (key, value, text) = spans(&f, "/paths/~1pets~1{petId}/get/parameters/0/in");
    assert_eq!(
        (key, value, text.as_str()),
        (Some((9, 30)), (9, 36), "\"path\"")
    );
    let (key, value, _) = spans(&f, "/paths/~1pets~1{petId}/get/parameters/0");
    assert_eq!((key, value), (None, (9, 11)));
    // An escaped string keeps its written span and decodes its value.
    let mut sources = Sources::new();
    let doc = load(&Input::from_arg(&f), &mut sources, &Limits::default()).unwrap();
    let d = doc
        .root
        .pointer("/paths/~1pets~1{petId}/get/responses/200/description")
        .unwrap();
    assert_eq!(d.node.as_str(), Some("a pét"));
    assert_eq!(
        spans(&f, "/paths/~1pets~1{petId}/get/responses/200/description").1,
        (11, 48)
    );
}

#[test]
fn the_three_syntaxes_load_the_same_tree() {
    let load_json = |rel: &str| {
        let mut sources = Sources::new();
        load(
            &Input::from_arg(&testdata(rel)),
            &mut sources,
            &Limits::default(),
        )
        .unwrap()
        .root
        .to_json()
    };
    let mut json = load_json("spans/doc.json");
    json["paths"]["/pets/{petId}"]["get"]["responses"]["200"]["description"] = "a pet".into();
    assert_eq!(load_json("spans/flow.yaml"), json);
    let mut block = load_json("spans/block.yaml");
    block["paths"]["/pets/{petId}"]["get"]["responses"]["200"]["description"] = "a pet".into();
    assert_eq!(block, json);
}

#[test]
fn yaml_core_schema_scalars() {
    let text = "a: 0x1F\nb: 0o17\nc: -1.5e3\nd: .inf\ne: '12'\nf: ~\ng: True\nh: 1_000\ni: !!str 5\nj: 12345678901234567890\n";
    let doc = load_yaml(text, &Limits::default()).1.unwrap();
    let v = |k: &str| doc.root.get(k).unwrap().value.clone();
    use apigctl::source::Number::*;
    assert_eq!(v("a"), Value::Number(Int(31)));
    assert_eq!(v("b"), Value::Number(Int(15)));
    assert_eq!(v("c"), Value::Number(Float(-1500.0)));
    assert_eq!(v("d"), Value::Number(Float(f64::INFINITY)));
    assert_eq!(v("e"), Value::String("12".into()));
    assert_eq!(v("f"), Value::Null);
    assert_eq!(v("g"), Value::Bool(true));
    assert_eq!(
        v("h"),
        Value::String("1_000".into()),
        "YAML 1.2 has no digit separators"
    );
    assert_eq!(v("i"), Value::String("5".into()));
    assert_eq!(v("j"), Value::Number(Float(12345678901234567890.0)));
}

/// Lints one invalid fixture; returns `(code, line, col)` of each finding.
fn findings(rel: &str) -> Vec<(String, usize, usize)> {
    let report =
        lint_file(&Input::from_arg(&testdata(rel)), &LintOptions::default()).expect("readable");
    report
        .diagnostics
        .iter()
        .map(|d| {
            let p = d.primary.expect("every loader error has a location");
            let lc = report.sources.file(p.file).line_col(p.span.start as usize);
            (d.code.clone(), lc.line, lc.col)
        })
        .collect()
}

fn one(code: &str, line: usize, col: usize) -> Vec<(String, usize, usize)> {
    vec![(code.to_string(), line, col)]
}

#[test]
fn syntax_errors_point_at_the_mistake() {
    assert_eq!(findings("invalid/json-syntax.json"), one("syntax", 5, 3));
    assert_eq!(findings("invalid/yaml-syntax.yaml"), one("syntax", 9, 1));
    assert_eq!(findings("invalid/two-documents.yaml"), one("syntax", 4, 1));
}

#[test]
fn duplicate_keys_name_both_locations() {
    for (rel, line, first_line) in [
        ("invalid/duplicate-key.yaml", 5, 3),
        ("invalid/duplicate-key.json", 5, 4),
    ] {
        let report = lint_file(&Input::from_arg(&testdata(rel)), &LintOptions::default()).unwrap();
        let [d] = report.diagnostics.as_slice() else {
            panic!("{:?}", report.diagnostics)
        };
        assert_eq!(d.code, "duplicate-key");
        let file = report.sources.file(d.primary.unwrap().file);
        assert_eq!(
            file.line_col(d.primary.unwrap().span.start as usize).line,
            line
        );
        assert_eq!(d.related.len(), 1);
        assert_eq!(
            file.line_col(d.related[0].location.span.start as usize)
                .line,
            first_line
        );
        assert_eq!(d.related[0].message, "first defined here");
    }
}

#[test]
fn encoding_errors_point_at_the_first_bad_byte() {
    assert_eq!(findings("invalid/non-utf8.yaml"), one("encoding", 3, 13));
    assert_eq!(findings("invalid/utf16.json"), one("encoding", 1, 1));
}

#[test]
fn version_errors_name_the_field_and_the_accepted_values() {
    assert_eq!(
        findings("invalid/unknown-version.yaml"),
        one("unknown-version", 1, 10)
    );
    assert_eq!(
        findings("invalid/missing-version.yaml"),
        one("unknown-version", 1, 1)
    );
    let report = lint_file(
        &Input::from_arg(&testdata("invalid/unquoted-swagger-version.yaml")),
        &LintOptions::default(),
    )
    .unwrap();
    let d = &report.diagnostics[0];
    assert_eq!(d.message, "unsupported `swagger` version the number 2.0");
    assert!(d.help.as_deref().unwrap().contains("quote the version"));
    let report = lint_file(
        &Input::from_arg(&testdata("invalid/unknown-version.yaml")),
        &LintOptions::default(),
    )
    .unwrap();
    let help = report.diagnostics[0].help.as_deref().unwrap();
    assert!(
        help.contains("`openapi: 3.0.x`") && help.contains("`swagger: \"2.0\"`"),
        "{help}"
    );
}

#[test]
fn alias_bomb_is_refused_quickly() {
    let start = Instant::now();
    assert_eq!(
        findings("invalid/alias-bomb.yaml"),
        one("alias-expansion-limit", 10, 10)
    );
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
}

/// A "billion laughs" document of 10^30 nodes fails fast, with the located alias limit
/// error, in a process whose data may not take more than 256 MiB (`ulimit -d`: a bomb that
/// were expanded would be stopped by that, not take the machine's memory).
#[test]
fn a_billion_laughs_fails_fast_in_little_memory() {
    let mut text =
        String::from("openapi: 3.0.3\ninfo: {title: bomb, version: \"1\"}\npaths: {}\nx-lol:\n");
    text.push_str("  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..30 {
        let prev = format!("*l{}", i - 1);
        let items = [prev.as_str(); 10].join(", ");
        text.push_str(&format!("  l{i}: &l{i} [{items}]\n"));
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("laughs.yaml");
    std::fs::write(&path, &text).expect("written");
    let start = Instant::now();
    let out = Command::new("sh")
        .args(["-c", "ulimit -d 262144 && exec \"$0\" lint \"$1\""])
        .arg(env!("CARGO_BIN_EXE_apigctl"))
        .arg(&path)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    // The ninth alias of `l3` (11,111 nodes) in `l4`, as in the loader's unit test.
    assert!(
        stdout.contains("error[alias-expansion-limit]") && stdout.contains("laughs.yaml:9:52"),
        "{stdout}"
    );
    assert!(stdout.contains("plus its size in bytes"), "{stdout}");
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
}

#[test]
fn nesting_depth_is_bounded() {
    assert_eq!(
        findings("invalid/too-deep.json"),
        one("nesting-too-deep", 1, 287)
    );
    let deep_yaml = format!("a: {}{}\n", "[".repeat(1000), "]".repeat(1000));
    let err = load_yaml(&deep_yaml, &Limits::default()).1.unwrap_err();
    assert!(matches!(err, LoadError::Invalid(d) if d.code == "nesting-too-deep"));
}

#[test]
fn input_size_limit_is_enforced_before_parsing() {
    let limits = Limits {
        max_input_size: 10,
        ..Limits::default()
    };
    let mut sources = Sources::new();
    let err = load(
        &Input::from_arg(&testdata("spans/doc.json")),
        &mut sources,
        &limits,
    )
    .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, LoadError::Io { .. }));
    assert!(message.contains("--max-input-size"), "{message}");
}

fn apigctl(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_apigctl"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn exit_codes_follow_the_convention() {
    // A document that is also valid OpenAPI (`spans/doc.json` lacks a parameter `schema`).
    let (code, stdout, _) = apigctl(&["lint", &testdata("examples/inventory-openapi-3.0.yaml")]);
    assert_eq!(code, 0, "{stdout}");
    let (code, stdout, _) = apigctl(&["lint", &testdata("invalid/duplicate-key.yaml")]);
    assert_eq!(code, 1);
    assert!(stdout.contains("duplicate-key.yaml:5:3"), "{stdout}");
    assert!(stdout.contains("error[duplicate-key]"), "{stdout}");
    let (code, _, stderr) = apigctl(&["lint", &testdata("does-not-exist.yaml")]);
    assert_eq!(code, 2);
    assert!(stderr.contains("does-not-exist.yaml"), "{stderr}");
    let (code, _, stderr) =
        apigctl(&["lint", "--max-input-size", "5", &testdata("spans/doc.json")]);
    assert_eq!(code, 2);
    assert!(stderr.contains("larger than the limit"), "{stderr}");
    let (code, _, _) = apigctl(&["lint", "--no-such-flag"]);
    assert_eq!(code, 2);
}

#[test]
fn stdin_is_read_with_dash() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_apigctl"))
        .args(["lint", "--format", "json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\npaths: {}\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "duplicate-key");
    assert_eq!(d["location"]["file"], "<stdin>");
    assert_eq!(
        (
            d["location"]["line"].as_u64(),
            d["location"]["column"].as_u64()
        ),
        (Some(4), Some(1))
    );
}

#[test]
fn gateway_definitions_are_checked_against_the_model() {
    assert_eq!(findings("definitions/orders.yaml"), vec![]);
    assert_eq!(
        findings("invalid/definition-unknown-field.yaml"),
        one("definition-invalid", 19, 7)
    );
    let report = lint_file(
        &Input::from_arg(&testdata("invalid/definition-bad-enum.yaml")),
        &LintOptions::default(),
    )
    .unwrap();
    let d = &report.diagnostics[0];
    assert_eq!(d.pointer.as_deref(), Some("/apis/0/req_method"));
    assert!(
        d.message.contains("`FETCH`") && d.message.contains("`GET`"),
        "{}",
        d.message
    );
    let lc = report
        .sources
        .file(d.primary.unwrap().file)
        .line_col(d.primary.unwrap().span.start as usize);
    // At the value refused, not its key.
    assert_eq!((lc.line, lc.col), (14, 17));
}

#[test]
fn minified_json_is_reported_without_a_megabyte_snippet() {
    let mut text = String::from("{\"openapi\": \"3.0.3\", \"x-pad\": \"");
    text.push_str(&"a".repeat(5000));
    text.push_str("\", \"x-pad\": 1}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("min.json");
    std::fs::write(&path, text).unwrap();
    let (code, stdout, _) = apigctl(&["lint", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("min.json:1:5035: error[duplicate-key]"),
        "{stdout}"
    );
    assert!(stdout.contains("= help: a key may appear once"), "{stdout}");
    assert!(
        stdout.len() < 1000,
        "the 5 KB line must not be printed: {} bytes",
        stdout.len()
    );
}

/// Big mappings find duplicates through a hash index (from 16 keys on); both locations are
/// still named, in JSON and in YAML (fast path and general parser alike).
#[test]
fn duplicate_keys_in_big_mappings_name_both_locations() {
    let keys: Vec<String> = (0..30).map(|i| format!("k{i}")).collect();
    let json = format!(
        "{{\n{},\n\"k3\": 0\n}}\n",
        keys.iter()
            .map(|k| format!("\"{k}\": 1"))
            .collect::<Vec<_>>()
            .join(",\n")
    );
    let yaml: String = keys.iter().map(|k| format!("{k}: 1\n")).collect::<String>() + "k3: 0\n";
    // An anchor sends the YAML to the general parser.
    let yaml_general = format!("a: &x 1\n{yaml}");
    let dir = tempfile::tempdir().unwrap();
    for (name, text, line, first_line) in [
        ("big.json", json, 32, 5),
        ("big.yaml", yaml, 31, 4),
        ("general.yaml", yaml_general, 32, 5),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let report = lint_file(
            &Input::from_arg(path.to_str().unwrap()),
            &LintOptions::default(),
        )
        .unwrap();
        let [d] = report.diagnostics.as_slice() else {
            panic!("{name}: {:?}", report.diagnostics)
        };
        assert_eq!(d.code, "duplicate-key", "{name}");
        let file = report.sources.file(d.primary.unwrap().file);
        let at = |span: apigctl::source::Span| file.line_col(span.start as usize).line;
        assert_eq!(at(d.primary.unwrap().span), line, "{name}");
        assert_eq!(at(d.related[0].location.span), first_line, "{name}");
    }
}

/// `(line, col)` of the start and of the end (the column just past the last character) of the
/// value at `pointer` in `text`.
fn value_span(text: &str, pointer: &str) -> ((usize, usize), (usize, usize)) {
    let (sources, doc) = load_yaml(text, &Limits::default());
    let doc = doc.unwrap_or_else(|e| panic!("loads: {e:?}"));
    let file = sources.file(doc.file);
    let node = doc
        .root
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{pointer} not found"))
        .node;
    let lc = |offset: u32| {
        let lc = file.line_col(offset as usize);
        (lc.line, lc.col)
    };
    (lc(node.span.start), lc(node.span.end))
}

/// Block scalars end at their last content character, not at the next key: whatever the
/// style, chomping and indentation indicator, and whichever YAML parser reads the document
/// (an anchor sends it to the general one).
#[test]
fn block_scalars_end_at_their_last_character() {
    let doc = "\
info:
  literal: |
    first line
      indented line

    last line  
  folded: >-
    one
    two
  keep: |+
    kept

  strip: |-
    stripped
# a comment ends it
  clip: >
    clipped


  indicator: |2
      two more than the content
    content
  after: 1
end: |
  at the end of the text";
    let general = format!("{doc}\nanchored: &a x\n");
    for text in [doc, general.as_str()] {
        let at = |p: &str| value_span(text, p);
        assert_eq!(at("/info/literal"), ((3, 5), (6, 14)));
        assert_eq!(at("/info/folded"), ((8, 5), (9, 8)));
        assert_eq!(at("/info/keep"), ((11, 5), (11, 9)));
        assert_eq!(at("/info/strip"), ((14, 5), (14, 13)));
        assert_eq!(at("/info/clip"), ((17, 5), (17, 12)));
        assert_eq!(at("/info/indicator").1, (22, 12));
        assert_eq!(at("/end"), ((25, 3), (25, 25)));
        // A mapping ending with a block scalar ends with it too.
        assert_eq!(at("/info").1, (23, 11));
    }
    let loaded = load_yaml(doc, &Limits::default()).1.unwrap();
    let value = |p: &str| {
        loaded
            .root
            .pointer(p)
            .unwrap()
            .node
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        value("/info/literal"),
        "first line\n  indented line\n\nlast line  \n"
    );
    assert_eq!(value("/info/keep"), "kept\n\n");
    assert_eq!(
        value("/info/indicator"),
        "  two more than the content\ncontent\n"
    );
}

/// Multi-line plain and quoted scalars end at their last character too.
#[test]
fn multi_line_flow_scalars_end_at_their_last_character() {
    let text = "\
a: plain
  continued

  after an empty line   
b: 'single
  quoted'  # comment
c: \"double
  quoted\"
d: 1
";
    assert_eq!(value_span(text, "/a"), ((1, 4), (4, 22)));
    assert_eq!(value_span(text, "/b"), ((5, 4), (6, 10)));
    assert_eq!(value_span(text, "/c"), ((7, 4), (8, 10)));
}

/// A finding on a long `description: |` underlines the description, not the next key.
#[test]
fn a_finding_on_a_block_scalar_ends_on_its_last_line() {
    let long = "word ".repeat(20);
    let text = format!(
        "\
openapi: 3.0.3
info: {{title: t, version: '1'}}
x-apigateway-backend: {{type: MOCK, mockEndpoints: {{result-content: ok}}}}
paths:
  /health:
    get:
      operationId: health
      description: |
        {long}
        {long}
        {long}
        last line of the description
      responses:
        '200': {{description: ok}}
"
    );
    let report = apigctl::commands::lint::lint_text("t.yaml", &text, &LintOptions::default())
        .expect("lints");
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == "apig-api-remark-length")
        .unwrap_or_else(|| panic!("no remark finding: {:?}", report.diagnostics));
    let p = d.primary.unwrap();
    let file = report.sources.file(p.file);
    let (start, end) = (
        file.line_col(p.span.start as usize),
        file.line_col(p.span.end as usize),
    );
    assert_eq!((start.line, start.col, end.line, end.col), (9, 9, 12, 37));
}

/// Loads `text` with `limits`, named `t.yaml` (the syntax comes from the text).
fn load_yaml(
    text: &str,
    limits: &Limits,
) -> (Sources, Result<apigctl::source::Document, LoadError>) {
    load_as("t.yaml", text, limits)
}

/// Loads `text` as the file `name` with `limits`; the error too, where a test expects one.
fn load_as(
    name: &str,
    text: &str,
    limits: &Limits,
) -> (Sources, Result<apigctl::source::Document, LoadError>) {
    let mut sources = Sources::new();
    let doc = apigctl::source::load_bytes(name.into(), None, text.into(), &mut sources, limits);
    (sources, doc)
}

/// `key=value` for each entry of the mapping at `pointer`, in order (values as JSON).
fn entries(root: &apigctl::source::Node, pointer: &str) -> Vec<String> {
    let map = root.pointer(pointer).unwrap().node.as_map().unwrap();
    map.iter()
        .map(|(k, v)| format!("{k}={}", v.to_json()))
        .collect()
}

#[test]
fn merge_keys_expand_with_the_mappings_own_keys_first() {
    let text = "\
base: &base
  a: 1
  b: 2
  m: {p: 1}
more: &more
  b: 3
  c: 4
x:
  z: 0
  <<: [*base, *more]
  c: 5
  m: {q: 2}
flow: {<<: *more, d: 6}
inline:
  <<: {e: 7}
nested: &nested
  <<: *base
  f: 8
again: {<<: *nested, g: 9}
quoted: {'<<': 1, a: 2}
";
    // Anchors are the general parser's; both must give the same tree anyway.
    let (_, doc) = load_yaml(text, &Limits::default());
    let root = doc.unwrap().root;
    // The mapping's own keys win over merged ones (`c`, `m`: no deep merge), earlier merged
    // mappings over later ones (`b`); merged entries stand where `<<` was written.
    assert_eq!(
        entries(&root, "/x"),
        ["z=0", "a=1", "b=2", "c=5", "m={\"q\":2}"]
    );
    assert_eq!(entries(&root, "/flow"), ["b=3", "c=4", "d=6"]);
    assert_eq!(entries(&root, "/inline"), ["e=7"]);
    // A merge of a mapping that merged itself brings everything.
    assert_eq!(
        entries(&root, "/again"),
        ["a=1", "b=2", "m={\"p\":1}", "f=8", "g=9"]
    );
    // A quoted `<<` is an ordinary key (as in js-yaml).
    assert_eq!(entries(&root, "/quoted"), ["<<=1", "a=2"]);
}

/// Merged entries keep the spans they were written at (the anchored mapping's), where a
/// diagnostic about them belongs; the mapping's own span covers what it writes.
#[test]
fn merged_entries_keep_their_spans() {
    let text = "\
base: &base
  a: 1
  b: two
x:
  b: 3
  <<: *base
";
    let (sources, doc) = load_yaml(text, &Limits::default());
    let doc = doc.unwrap();
    let file = sources.file(doc.file);
    let lc = |offset: u32| {
        let lc = file.line_col(offset as usize);
        (lc.line, lc.col)
    };
    let a = doc.root.pointer("/x/a").unwrap();
    assert_eq!(
        a.key_span.map(|s| (lc(s.start), lc(s.end))),
        Some(((2, 3), (2, 4)))
    );
    assert_eq!(
        (lc(a.node.span.start), lc(a.node.span.end)),
        ((2, 6), (2, 7))
    );
    let b = doc.root.pointer("/x/b").unwrap();
    assert_eq!(b.key_span.map(|s| lc(s.start)), Some((5, 3)));
    assert_eq!(b.node.as_i64(), Some(3));
    let x = doc.root.pointer("/x").unwrap().node;
    assert_eq!((lc(x.span.start), lc(x.span.end)), ((5, 3), (6, 12)));
}

/// A merge key needs a mapping or a sequence of mappings; anything else is an error at the
/// `<<` with help. Keys are still unique: an own key twice, or two `<<`.
#[test]
fn bad_merge_keys_are_located_errors() {
    let cases = [
        (
            "s: &s text\nx:\n  <<: *s\n",
            "syntax",
            (3, 3),
            "found a string",
        ),
        ("x:\n  <<:\n  a: 1\n", "syntax", (2, 3), "found null"),
        (
            "m: &m {a: 1}\nx: {<<: [*m, [1]]}\n",
            "syntax",
            (2, 5),
            "found a sequence as item 2 of the sequence",
        ),
        (
            "m: &m {a: 1}\nx:\n  <<: *m\n  b: 1\n  b: 2\n",
            "duplicate-key",
            (5, 3),
            "`b`",
        ),
        (
            "m: &m {a: 1}\nx:\n  <<: *m\n  <<: *m\n",
            "duplicate-key",
            (4, 3),
            "`<<`",
        ),
    ];
    for (text, code, at, says) in cases {
        let (sources, doc) = load_yaml(text, &Limits::default());
        let Err(LoadError::Invalid(d)) = doc else {
            panic!("{text}: loads")
        };
        let p = d.primary.unwrap();
        let lc = sources.file(p.file).line_col(p.span.start as usize);
        assert_eq!((d.code.as_str(), (lc.line, lc.col)), (code, at), "{text}");
        assert!(d.message.contains(says), "{text}: {}", d.message);
        if code == "syntax" {
            assert_eq!(p.span.end - p.span.start, 2, "underlines the `<<`");
            assert!(d.help.as_deref().unwrap().contains("<<: *anchor"), "{text}");
        }
    }
}

/// What merge keys bring in counts against the alias expansion budget like any alias.
#[test]
fn merged_entries_count_against_the_alias_budget() {
    let mut text = String::from("base: &base {");
    for i in 0..100 {
        text.push_str(&format!("k{i}: {i}, "));
    }
    text.push_str("last: 0}\n");
    for i in 0..10 {
        text.push_str(&format!("m{i}: {{<<: *base, own: {i}}}\n"));
    }
    let limits = Limits {
        alias_node_allowance: 0,
        ..Limits::default()
    };
    // 10 × 203 merged nodes against fewer bytes of text.
    assert!(text.len() < 10 * 203, "{}", text.len());
    let (_, doc) = load_yaml(&text, &limits);
    assert!(
        matches!(&doc, Err(LoadError::Invalid(d)) if d.code == "alias-expansion-limit"),
        "{doc:?}"
    );
    let (_, doc) = load_yaml(&text, &Limits::default());
    assert_eq!(
        doc.unwrap()
            .root
            .pointer("/m9")
            .unwrap()
            .node
            .as_map()
            .unwrap()
            .len(),
        102
    );
}

/// `apigctl lint` and `import` of a document that writes operations and backends with merge
/// keys give what they give for the same document written out.
#[test]
fn documents_with_merge_keys_lint_and_import_as_written_out() {
    let merged = testdata("merge/pets-merged-3.0.yaml");
    let expanded = testdata("merge/pets-expanded-3.0.yaml");
    let (code, merged_import, stderr) = apigctl(&["import", &merged]);
    assert_eq!(code, 0, "{stderr}");
    let (code, expanded_import, _) = apigctl(&["import", &expanded]);
    assert_eq!(code, 0);
    assert_eq!(merged_import, expanded_import);
    assert!(merged_import.contains("match_mode: SWA"), "{merged_import}");

    // The same findings at the same pointers (their lines differ, the documents do not).
    let findings = |path: &str| {
        let (code, stdout, stderr) = apigctl(&["lint", "--format", "json", path]);
        assert_eq!(code, 0, "{stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let mut found: Vec<String> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| format!("{} {} {}", d["code"], d["pointer"], d["message"]))
            .collect();
        found.sort();
        found
    };
    let merged_findings = findings(&merged);
    assert!(!merged_findings.is_empty());
    assert!(
        merged_findings.iter().all(|f| !f.contains("<<")),
        "{merged_findings:?}"
    );
    assert_eq!(merged_findings, findings(&expanded));
}

/// A number written too large for a 64-bit float is an error at it, in JSON and in YAML (it
/// would be read as infinity, which JSON cannot write); a key, a quoted or `!!str` value and
/// YAML's own `.inf` are not numbers out of range.
#[test]
fn numbers_beyond_the_float_range_are_errors_at_them() {
    let load_text = |name: &str, text: &str| load_as(name, text, &Limits::default());
    for (name, text, number) in [
        ("a.json", r#"{"a": 1e400}"#, "1e400"),
        ("a.json", r#"{"a": [1, -2.5E+999]}"#, "-2.5E+999"),
        ("a.yaml", "a:\n  b: 1e400\n", "1e400"),
        ("a.yaml", "a: [1, -1.0e999]\n", "-1.0e999"),
        ("a.yaml", "a: {b: .5e400}\n", ".5e400"),
    ] {
        let (sources, loaded) = load_text(name, text);
        let Err(LoadError::Invalid(d)) = loaded else {
            panic!("{text:?} loads");
        };
        assert!(d.message.contains("out of range"), "{}", d.message);
        let at = d.primary.expect("placed");
        assert_eq!(&sources.file(at.file).text[at.span.range()], number);
    }
    for (name, text) in [
        (
            "a.json",
            r#"{"a": 1e308, "b": 123456789012345678901234567890}"#,
        ),
        ("a.yaml", "1e400: a\n"),
        ("a.yaml", "a: '1e400'\n"),
        ("a.yaml", "a: !!str 1e400\n"),
        ("a.yaml", "a: .inf\nb: -.Inf\n"),
    ] {
        assert!(load_text(name, text).1.is_ok(), "{text:?}");
    }
}

/// A document that starts like JSON but reads as neither JSON nor YAML gets the error of the
/// syntax it was written in: flow-style YAML (a first key not quoted) its YAML error at its
/// place, JSON its JSON error.
#[test]
fn a_flow_yaml_mistake_is_reported_as_yaml_not_as_json() {
    let deep = format!("{}1{}", "{a: ".repeat(300), "}".repeat(300));
    let cases = [
        (
            "{openapi: 3.0.3, info: {title: o, version: \"1\", title: p}, paths: {}}\n",
            "duplicate-key",
            (1, 49),
        ),
        (deep.as_str(), "nesting-too-deep", (1, 1021)),
        // JSON, however far YAML reads it: JSON's own error.
        ("{\"a\": 1 \"b\": 2}\n", "syntax", (1, 9)),
        ("{\"a\": 1, b: 2, \"a\": 3}\n", "syntax", (1, 10)),
    ];
    for (text, code, at) in cases {
        let (sources, doc) = load_yaml(text, &Limits::default());
        let Err(LoadError::Invalid(d)) = doc else {
            panic!("{text}: loads")
        };
        let p = d.primary.unwrap();
        let lc = sources.file(p.file).line_col(p.span.start as usize);
        assert_eq!(
            (d.code.as_str(), (lc.line, lc.col)),
            (code, at),
            "{text}: {d:?}"
        );
    }
}

/// A document written as JSON that only YAML reads (a trailing comma, say) loads, with a
/// warning at the JSON mistake that `lint` reports; it is still JSON to `convert`.
#[test]
fn json_that_only_yaml_reads_loads_with_a_warning() {
    let cases = [
        (
            "{\"a\": [1, 2,],\n \"b\": 1}\n",
            (1, 12),
            "no comma after the last item",
        ),
        ("{\"a\": 1,\r\n}\n", (1, 8), "no comma after the last item"),
        (
            "{\"a\": 1, b: 2}\n",
            (1, 10),
            "expected a quoted object key",
        ),
    ];
    for (text, at, says) in cases {
        let (sources, doc) = load_as("t.json", text, &Limits::default());
        let doc = doc.unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
        assert_eq!(doc.format, apigctl::source::Format::Json, "{text:?}");
        let [d] = doc.notes.as_slice() else {
            panic!("{text:?}: {:?}", doc.notes)
        };
        let p = d.primary.unwrap();
        let lc = sources.file(p.file).line_col(p.span.start as usize);
        assert_eq!(
            (d.code.as_str(), d.severity, (lc.line, lc.col)),
            ("not-json", apigctl::diagnostic::Severity::Warn, at),
            "{text:?}"
        );
        assert!(d.message.contains(says), "{}", d.message);
    }
    // Valid JSON, and flow-style YAML that was never meant as JSON, load without a word.
    for text in ["{\"a\": [1, 2]}\n", "{a: [1, 2,]}\n"] {
        let (_, doc) = load_as("t.json", text, &Limits::default());
        assert!(doc.unwrap().notes.is_empty(), "{text:?}");
    }
    let dir = std::env::temp_dir().join(format!("apigctl-not-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("trailing.json");
    std::fs::write(
        &path,
        "{\n  \"openapi\": \"3.0.3\",\n  \"info\": {\"title\": \"trailing\", \"version\": \"1\",},\n  \"paths\": {}\n}\n",
    )
    .unwrap();
    let report = lint_file(
        &Input::from_arg(path.to_str().unwrap()),
        &LintOptions::default(),
    )
    .expect("readable");
    let found: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| {
            let p = d.primary.unwrap();
            let lc = report.sources.file(p.file).line_col(p.span.start as usize);
            (d.code.as_str(), lc.line, lc.col)
        })
        .collect();
    assert_eq!(found, [("not-json", 3, 47)]);
    let out = Command::new(env!("CARGO_BIN_EXE_apigctl"))
        .args(["convert", "--oas", "3.0"])
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with('{'), "{stdout}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("warn[not-json]"),
        "{out:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An alias whose anchor is not defined is named, with how to fix it.
#[test]
fn an_alias_without_its_anchor_is_named() {
    let text = "a: &d {x: 1}\nb:\n  <<: [*d, *undefined]\nc: *nope\n";
    let (sources, doc) = load_yaml(text, &Limits::default());
    let Err(LoadError::Invalid(d)) = doc else {
        panic!("loads")
    };
    let p = d.primary.unwrap();
    let lc = sources.file(p.file).line_col(p.span.start as usize);
    assert_eq!(
        (d.code.as_str(), lc.line, lc.col),
        ("syntax", 3, 12),
        "{d:?}"
    );
    assert!(d.message.contains("`*undefined`"), "{}", d.message);
    assert_eq!(p.span.end - p.span.start, "*undefined".len() as u32);
    assert!(d.help.as_deref().unwrap().contains("`&undefined`"), "{d:?}");
}
