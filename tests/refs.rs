//! `$ref` resolution: multi-file documents, cycles, remote and escaping references, and the
//! exact place and wording of every failure.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use apigctl::diagnostic::Diagnostic;
use apigctl::source::refs::{RefOptions, Workspace};
use apigctl::source::{FileId, Input, Limits, Node, Sources, load_bytes};

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/refs")
        .join(rel)
}

fn resolve(rel: &str, allow_external_refs: bool) -> (Workspace, Vec<Diagnostic>) {
    let input = Input::Path(testdata(rel));
    let mut ws = Workspace::load(&input, &Limits::default()).expect("root loads");
    let diagnostics = ws.resolve_refs(
        &Limits::default(),
        &RefOptions {
            allow_external_refs,
        },
    );
    (ws, diagnostics)
}

/// `file:line:col` with the file relative to `testdata/refs/`.
fn place(sources: &Sources, file: FileId, span: apigctl::source::Span) -> String {
    let prefix = format!(
        "{}/",
        testdata("").display().to_string().trim_end_matches('/')
    );
    sources
        .location(file, span)
        .trim_start_matches(&prefix)
        .to_string()
}

/// `code at file:line:col: message` for each diagnostic.
fn summary(ws: &Workspace, diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            let at = d
                .primary
                .map(|l| place(&ws.sources, l.file, l.span))
                .unwrap_or_default();
            format!("{} at {at}: {}", d.code, d.message)
        })
        .collect()
}

fn related(ws: &Workspace, d: &Diagnostic) -> Vec<String> {
    d.related
        .iter()
        .map(|r| {
            format!(
                "{}: {}",
                place(&ws.sources, r.location.file, r.location.span),
                r.message
            )
        })
        .collect()
}

fn node<'a>(ws: &'a Workspace, file: FileId, pointer: &str) -> &'a Node {
    ws.document(file)
        .and_then(|d| d.root.pointer(pointer))
        .unwrap_or_else(|| panic!("{pointer} exists"))
        .node
}

#[test]
fn multi_file_references_resolve_and_each_file_loads_once() {
    let (ws, diagnostics) = resolve("multi/openapi.yaml", false);
    assert_eq!(summary(&ws, &diagnostics), Vec::<String>::new());
    // openapi.yaml, parameters.json, schemas/pet.yaml, schemas/other.yaml: pet.yaml is
    // referenced from three places under two spellings and loaded once; the reference
    // back to openapi.yaml reuses the root.
    let mut names: Vec<String> = ws
        .sources
        .iter()
        .map(|(id, _)| place(&ws.sources, id, apigctl::source::Span::new(0, 0)))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "multi/openapi.yaml:1:1",
            "multi/parameters.json:1:1",
            "multi/schemas/other.yaml:1:1",
            "multi/schemas/pet.yaml:1:1",
        ]
    );
    assert_eq!(ws.documents.len(), 4);

    let root = ws.root().file;
    let (file, pet) = ws.resolve(root, "./schemas/pet.yaml#/Pet").unwrap();
    assert!(
        ws.sources
            .file(file)
            .name
            .ends_with("multi/schemas/pet.yaml")
    );
    assert_eq!(pet.get("type").and_then(Node::as_str), Some("object"));
    // Percent-encoding in the fragment.
    let (same, tags) = ws.resolve(root, "schemas/pet.yaml#/Tag%20List").unwrap();
    assert_eq!(same, file);
    assert_eq!(tags.get("type").and_then(Node::as_str), Some("array"));
    // RFC 6901 escaping: `a~1b` is the key `a/b`.
    let (_, ab) = ws.resolve(root, "#/components/schemas/a~1b").unwrap();
    assert!(ab.get("$ref").is_some());
    let (_, limit) = ws.resolve(root, "parameters.json#/limit").unwrap();
    assert_eq!(limit.get("name").and_then(Node::as_str), Some("limit"));

    // `deref` follows Escaped -> a/b -> Owner.
    let escaped = node(&ws, root, "/components/schemas/Escaped");
    let (file, owner) = ws.deref(root, escaped).unwrap();
    assert_eq!(file, root);
    assert!(std::ptr::eq(
        owner,
        node(&ws, root, "/components/schemas/Owner")
    ));
    // From inside pet.yaml, back into the root document.
    let pet_file = ws.resolve(root, "schemas/pet.yaml").unwrap().0;
    let owner_ref = node(&ws, pet_file, "/Pet/properties/owner");
    let (file, owner_again) = ws.deref(pet_file, owner_ref).unwrap();
    assert_eq!(file, root);
    assert!(std::ptr::eq(owner, owner_again));
    // A node that is not a reference is its own target.
    assert!(std::ptr::eq(ws.deref(root, owner).unwrap().1, owner));
}

#[test]
fn swagger_petstore_separate_stays_inside_its_directory_unless_allowed() {
    let (ws, diagnostics) = resolve("petstore-separate/spec/swagger.yaml", false);
    assert_eq!(
        summary(&ws, &diagnostics),
        [format!(
            "ref-escapes-root at petstore-separate/spec/swagger.yaml:44:19: `../common/Error.yaml` resolves to `{}`, outside the root document's directory `{}`",
            std::fs::canonicalize(testdata("petstore-separate/common/Error.yaml"))
                .unwrap()
                .display(),
            testdata("petstore-separate/spec").display()
        )]
    );
    let d = &diagnostics[0];
    assert!(
        d.help.as_deref().unwrap().contains("--allow-external-refs"),
        "{d:?}"
    );
    assert_eq!(
        related(&ws, d),
        [
            "petstore-separate/spec/swagger.yaml:63:19: also referenced here",
            "petstore-separate/spec/swagger.yaml:83:19: also referenced here",
            "petstore-separate/spec/swagger.yaml:100:19: also referenced here",
        ]
    );
    // The files inside the directory were loaded; Error.yaml was not read.
    assert_eq!(ws.documents.len(), 4);

    for root in [
        "petstore-separate/spec/swagger.yaml",
        "petstore-separate-json/spec/swagger.json",
    ] {
        let (ws, diagnostics) = resolve(root, true);
        assert_eq!(summary(&ws, &diagnostics), Vec::<String>::new(), "{root}");
        assert_eq!(ws.documents.len(), 5, "{root}");
        let (file, error) = ws
            .resolve(
                ws.root().file,
                if root.ends_with("json") {
                    "../common/Error.json"
                } else {
                    "../common/Error.yaml"
                },
            )
            .unwrap();
        assert!(ws.sources.file(file).name.contains("/common/Error."));
        assert_eq!(error.get("type").and_then(Node::as_str), Some("object"));
    }
}

#[test]
fn recursive_schemas_are_legal_and_terminate() {
    let started = Instant::now();
    let (ws, diagnostics) = resolve("recursive.yaml", false);
    assert_eq!(summary(&ws, &diagnostics), Vec::<String>::new());
    let root = ws.root().file;
    let node_schema = node(&ws, root, "/components/schemas/Node");
    for pointer in [
        "/components/schemas/Node/properties/children/items",
        "/components/schemas/Node/properties/parent",
        "/components/schemas/NodeAlias",
    ] {
        let (_, target) = ws.deref(root, node(&ws, root, pointer)).unwrap();
        assert!(std::ptr::eq(target, node_schema), "{pointer}");
    }
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn pure_reference_cycles_are_errors_named_by_their_chain() {
    let (ws, diagnostics) = resolve("cycle.yaml", false);
    assert_eq!(
        summary(&ws, &diagnostics),
        [
            "ref-cycle at cycle.yaml:9:13: reference cycle never reaches a value: `#/components/schemas/A` → `#/components/schemas/B` → `#/components/schemas/A`",
            "ref-cycle at cycle.yaml:13:13: `$ref: #/components/schemas/C` refers to itself and never reaches a value",
        ]
    );
    assert_eq!(
        related(&ws, &diagnostics[0]),
        ["cycle.yaml:11:13: part of the cycle"]
    );
    assert!(diagnostics.iter().all(|d| d.help.is_some()));
    // D leads into the cycle: it is not reported again, but dereferencing it fails.
    let root = ws.root().file;
    let d = ws
        .deref(root, node(&ws, root, "/components/schemas/D"))
        .unwrap_err();
    assert_eq!(d.code, "ref-cycle");
    let c = ws
        .deref(root, node(&ws, root, "/components/schemas/C"))
        .unwrap_err();
    assert_eq!(c.code, "ref-cycle");
    assert_eq!(
        place(&ws.sources, root, c.primary.unwrap().span),
        "cycle.yaml:13:13"
    );
}

/// A cycle that a `$ref` written before it leads into is reported too, once, at its first
/// member, as when nothing leads into it: the chain from outside finds it first.
#[test]
fn a_cycle_entered_from_before_it_is_reported_at_its_first_member() {
    let text = "\
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Before: {$ref: '#/components/schemas/B'}
    A: {$ref: '#/components/schemas/B'}
    B: {$ref: '#/components/schemas/A'}
    Self: {$ref: '#/components/schemas/Self'}
    Into: {$ref: '#/components/schemas/Self'}
  requestBodies:
    First: {$ref: '#/components/requestBodies/Loop'}
    Loop: {$ref: '#/components/requestBodies/Loop'}
";
    let mut sources = Sources::new();
    let doc = load_bytes(
        "entered.yaml".into(),
        None,
        text.as_bytes().to_vec(),
        &mut sources,
        &Limits::default(),
    )
    .unwrap();
    let mut ws = Workspace::from_parts(sources, doc);
    let diagnostics = ws.resolve_refs(&Limits::default(), &RefOptions::default());
    let found: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            let at = d.primary.unwrap();
            format!(
                "{} at {}: {}",
                d.code,
                ws.sources.location(at.file, at.span),
                d.message
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "ref-cycle at entered.yaml:7:15: reference cycle never reaches a value: `#/components/schemas/A` → `#/components/schemas/B` → `#/components/schemas/A`",
            "ref-cycle at entered.yaml:9:18: `$ref: #/components/schemas/Self` refers to itself and never reaches a value",
            "ref-cycle at entered.yaml:13:18: `$ref: #/components/requestBodies/Loop` refers to itself and never reaches a value",
        ]
    );
}

#[test]
fn remote_references_are_never_fetched() {
    let (ws, diagnostics) = resolve("remote.yaml", false);
    assert_eq!(
        summary(&ws, &diagnostics),
        [
            "ref-remote at remote.yaml:9:13: remote reference `https://example.com/schemas/pet.yaml#/Pet` is not fetched",
            "ref-remote at remote.yaml:11:13: remote reference `http://example.com/tag.json` is not fetched",
        ]
    );
    assert!(
        diagnostics[0]
            .help
            .as_deref()
            .unwrap()
            .contains("download the document")
    );
    let err = ws
        .resolve(ws.root().file, "https://example.com/x.yaml")
        .unwrap_err();
    assert_eq!(err.code, "ref-remote");
}

#[test]
fn missing_targets_name_the_segment_that_failed() {
    let (ws, diagnostics) = resolve("missing.yaml", false);
    assert_eq!(
        summary(&ws, &diagnostics),
        [
            "ref-unresolved at missing.yaml:16:13: `#/components/schemas/Pett` does not resolve: no `Pett` in `#/components/schemas`",
            "ref-unresolved at missing.yaml:18:13: `#/components/schemas/Pet/required/5` does not resolve: index 5 is out of range (`#/components/schemas/Pet/required` has 1 item)",
            "ref-unresolved at missing.yaml:20:13: `#/info/title/x` does not resolve: `#/info/title` is a string, not a mapping, so it has no `x`",
            "ref-unresolved at missing.yaml:22:13: `#/components/schemas/Alias/properties/id` does not resolve: no `properties` in `#/components/schemas/Alias`",
            "ref-file at missing.yaml:24:13: cannot read referenced file `testdata/refs/no-such-file.yaml`: No such file or directory (os error 2)"
                .replace("testdata/refs/", &format!("{}/", testdata("").display().to_string().trim_end_matches('/')))
                .as_str(),
            "ref-unresolved at missing.yaml:26:13: `#/components/schemas/Pet~2`: `Pet~2` has an invalid `~` escape",
            "ref-unresolved at missing.yaml:28:13: `#Pet`: the fragment `#Pet` is not a JSON pointer",
            "ref-invalid at missing.yaml:30:13: `$ref` must be a string, found a number",
            "ref-unresolved at missing.yaml:32:13: `urn:example:pet` uses the `urn:` scheme, which is not supported",
        ]
    );
    let typo = &diagnostics[0];
    assert!(
        typo.help
            .as_deref()
            .unwrap()
            .starts_with("did you mean `Pet`?"),
        "{typo:?}"
    );
    assert_eq!(
        related(&ws, typo),
        ["missing.yaml:7:3: `#/components/schemas` is here"]
    );
    assert!(
        diagnostics[3]
            .help
            .as_deref()
            .unwrap()
            .contains("is itself a reference to `#/components/schemas/Pet`")
    );
    assert!(diagnostics.iter().all(|d| d.help.is_some()));
}

#[test]
fn literal_data_is_not_searched_but_fields_named_like_it_are() {
    let (ws, diagnostics) = resolve("literal.yaml", false);
    assert_eq!(
        summary(&ws, &diagnostics),
        [
            "ref-unresolved at literal.yaml:29:25: `#/components/examples/Missing` does not resolve: no `examples` in `#/components`",
            "ref-unresolved at literal.yaml:38:17: `#/components/schemas/Missing1` does not resolve: no `Missing1` in `#/components/schemas`",
            "ref-unresolved at literal.yaml:40:17: `#/components/schemas/Missing2` does not resolve: no `Missing2` in `#/components/schemas`",
            "ref-unresolved at literal.yaml:42:17: `#/components/schemas/Missing3` does not resolve: no `Missing3` in `#/components/schemas`",
            "ref-unresolved at literal.yaml:44:17: `#/components/schemas/Missing4` does not resolve: no `Missing4` in `#/components/schemas`",
        ]
    );
}

#[test]
fn a_referenced_file_that_fails_to_parse_reports_inside_that_file() {
    let (ws, diagnostics) = resolve("broken-file/openapi.yaml", false);
    let bad = testdata("broken-file/bad.yaml");
    assert_eq!(
        summary(&ws, &diagnostics),
        [
            format!(
                "ref-file at broken-file/openapi.yaml:9:13: referenced file `{}` could not be loaded",
                bad.display()
            ),
            "syntax at broken-file/bad.yaml:4:1: YAML syntax error: invalid indentation"
                .to_string(),
        ]
    );
    assert_eq!(
        related(&ws, &diagnostics[0]),
        ["broken-file/openapi.yaml:11:13: also referenced here"]
    );
    // The broken file is registered once, for its diagnostic to show.
    assert_eq!(ws.sources.iter().count(), 2);
    assert_eq!(ws.documents.len(), 1);
}

#[test]
fn a_document_from_stdin_may_only_hold_internal_references() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Pet: {type: object}\n    Alias: {$ref: '#/components/schemas/Pet'}\n    Other: {$ref: 'pet.yaml#/Pet'}\n";
    let mut sources = Sources::new();
    let doc = load_bytes(
        "<stdin>".into(),
        None,
        text.into(),
        &mut sources,
        &Limits::default(),
    )
    .unwrap();
    let mut ws = Workspace::from_parts(sources, doc);
    let diagnostics = ws.resolve_refs(&Limits::default(), &RefOptions::default());
    assert_eq!(
        summary(&ws, &diagnostics),
        [
            "ref-from-stdin at <stdin>:8:19: cannot follow the file reference `pet.yaml`: the document was read from standard input, so there is no directory to resolve it against"
        ]
    );
    let root = ws.root().file;
    let (_, pet) = ws.resolve(root, "#/components/schemas/Pet").unwrap();
    assert_eq!(pet.get("type").and_then(Node::as_str), Some("object"));
}

#[cfg(unix)]
#[test]
fn a_symlink_cannot_smuggle_a_file_from_outside_the_root_directory() {
    let dir = tempfile::tempdir().unwrap();
    let api = dir.path().join("api");
    std::fs::create_dir(&api).unwrap();
    std::fs::write(dir.path().join("secret.yaml"), "Pet: {type: object}\n").unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.yaml"), api.join("link.yaml")).unwrap();
    std::fs::write(
        api.join("openapi.yaml"),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Pet: {$ref: 'link.yaml#/Pet'}\n",
    )
    .unwrap();
    let input = Input::Path(api.join("openapi.yaml"));
    let mut ws = Workspace::load(&input, &Limits::default()).unwrap();
    let diagnostics = ws.resolve_refs(&Limits::default(), &RefOptions::default());
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].code, "ref-escapes-root");
    assert!(diagnostics[0].message.contains("secret.yaml"));
    assert_eq!(ws.documents.len(), 1);

    // An absolute path is a file reference like any other.
    let secret = dir.path().join("secret.yaml");
    std::fs::write(
        api.join("absolute.yaml"),
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    Pet: {{$ref: '{}#/Pet'}}\n",
            secret.display()
        ),
    )
    .unwrap();
    let mut absolute =
        Workspace::load(&Input::Path(api.join("absolute.yaml")), &Limits::default()).unwrap();
    let diagnostics = absolute.resolve_refs(&Limits::default(), &RefOptions::default());
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].code, "ref-escapes-root");

    let mut ws = Workspace::load(&input, &Limits::default()).unwrap();
    let diagnostics = ws.resolve_refs(
        &Limits::default(),
        &RefOptions {
            allow_external_refs: true,
        },
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(ws.documents.len(), 2);
}

#[test]
fn a_reference_to_a_pipe_or_a_directory_is_refused_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("schemas")).unwrap();
    let pipe = dir.path().join("pipe.yaml");
    let made = std::process::Command::new("mkfifo").arg(&pipe).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo makes the pipe");
    std::fs::write(
        dir.path().join("openapi.yaml"),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Pet: {$ref: 'pipe.yaml#/Pet'}\n    Tag: {$ref: 'schemas#/Tag'}\n    Own: {$ref: '.#/Own'}\n",
    )
    .unwrap();
    let input = Input::Path(dir.path().join("openapi.yaml"));
    let mut ws = Workspace::load(&input, &Limits::default()).unwrap();
    // Opening the pipe would wait for a writer that never comes.
    let diagnostics = ws.resolve_refs(&Limits::default(), &RefOptions::default());
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(diagnostics.len(), 3, "{messages:?}");
    assert!(
        diagnostics.iter().all(|d| d.code == "ref-file"),
        "{diagnostics:?}"
    );
    assert!(
        messages[0].ends_with(
            "it is not a regular file (a pipe, socket or device); a reference names a document"
        ),
        "{messages:?}"
    );
    assert!(messages[1].ends_with("it is a directory"), "{messages:?}");
    // `.` is the directory itself, named in full rather than by an empty relative name.
    let own = std::fs::canonicalize(dir.path()).unwrap();
    assert_eq!(
        messages[2],
        format!(
            "cannot read referenced file `{}`: it is a directory",
            own.display()
        ),
        "{messages:?}"
    );
    assert_eq!(ws.documents.len(), 1);
}

#[test]
fn long_reference_chains_resolve_in_linear_time() {
    let n = 3000;
    let mut text = String::from(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "    S{i}: {{$ref: '#/components/schemas/S{}'}}\n",
            i + 1
        ));
    }
    text.push_str(&format!("    S{n}: {{type: string}}\n"));
    // And a cycle of the same length.
    for i in 0..n {
        text.push_str(&format!(
            "    C{i}: {{$ref: '#/components/schemas/C{}'}}\n",
            (i + 1) % n
        ));
    }
    let mut sources = Sources::new();
    let doc = load_bytes(
        "chain.yaml".into(),
        None,
        text.into_bytes(),
        &mut sources,
        &Limits::default(),
    )
    .unwrap();
    let mut ws = Workspace::from_parts(sources, doc);
    let started = Instant::now();
    let diagnostics = ws.resolve_refs(&Limits::default(), &RefOptions::default());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(diagnostics.len(), 1, "{:?}", summary(&ws, &diagnostics));
    assert_eq!(diagnostics[0].code, "ref-cycle");
    assert_eq!(diagnostics[0].related.len(), 5);
    assert!(
        diagnostics[0].message.ends_with("(3000 references)"),
        "{}",
        diagnostics[0].message
    );
    let root = ws.root().file;
    let (_, end) = ws
        .deref(root, node(&ws, root, "/components/schemas/S0"))
        .unwrap();
    assert_eq!(end.get("type").and_then(Node::as_str), Some("string"));
}

#[test]
fn resolve_before_resolve_refs_does_not_touch_the_disk() {
    let input = Input::Path(testdata("multi/openapi.yaml"));
    let ws = Workspace::load(&input, &Limits::default()).unwrap();
    let err = ws
        .resolve(ws.root().file, "parameters.json#/limit")
        .unwrap_err();
    assert_eq!(err.code, "ref-file");
    assert!(err.help.contains("resolve_refs"));
    let (_, info) = ws.resolve(ws.root().file, "#/info").unwrap();
    assert!(info.get("title").is_some());
}

/// `code file:line:col pointer: message` of each finding of `apigctl lint` on a fixture
/// under `testdata/refs/split/`.
fn lint_split(name: &str) -> Vec<String> {
    lint_fixture(&format!("split/{name}"))
}

/// `code file:line:col pointer: message` of each finding of `apigctl lint` on a fixture
/// under `testdata/refs/`.
fn lint_fixture(rel: &str) -> Vec<String> {
    let input = Input::Path(testdata(rel));
    let report = apigctl::commands::lint::lint_file(
        &input,
        &apigctl::commands::lint::LintOptions::default(),
    )
    .expect("lint runs");
    report
        .diagnostics
        .iter()
        .map(|d| {
            let at = d
                .primary
                .map(|l| place(&report.sources, l.file, l.span))
                .unwrap_or_default();
            let pointer = d.pointer.as_deref().unwrap_or("-");
            format!("{} {at} {pointer}: {}", d.code, d.message)
        })
        .collect()
}

/// A chain of references across files (`$ref: ./a.yaml`, whose whole text is
/// `$ref: ./b.yaml`): the content is the last file's, and findings are there.
#[test]
fn a_chain_of_references_across_files_reports_in_the_last_file() {
    assert_eq!(
        lint_split("chain/root.yaml"),
        [
            "oas-schema split/chain/b.yaml:10:30 /get/responses/200/bogus_field: unknown field `bogus_field` in a Response"
        ]
    );
}

#[test]
fn content_behind_a_reference_into_another_file_is_checked_where_it_is_written() {
    let split = lint_split("root.yaml");
    assert_eq!(
        split,
        [
            "apig-match-mode split/paths.yaml:2:3 /orders/get: operation has no `x-apigateway-match-mode`; the gateway uses NORMAL (exact match)",
            "apig-request-type split/paths.yaml:2:3 /orders/get: operation has no `x-apigateway-request-type`; import makes it a public API",
            "oas-schema split/paths.yaml:4:5 /orders/get/bogusKey: unknown field `bogusKey` in an Operation",
            // Import cannot make the API either; the rule's error says the same, once.
            "apig-cors-value split/paths.yaml:5:24 /orders/get/x-apigateway-cors: `x-apigateway-cors` is a string; it must be a boolean",
            "apig-path-param-required split/paths.yaml:13:19 /orders/get/parameters/0/required: path parameter has `required: false`; it must be the boolean true",
            "oas-schema split/paths.yaml:13:19 /orders/get/parameters/0/required: `required` must be `true`, found `false`",
        ]
    );
    // The same findings as on the document written in one file (only places differ).
    let what = |lines: &[String]| -> Vec<String> {
        let mut what: Vec<String> = lines
            .iter()
            .map(|l| {
                let (code, rest) = l.split_once(' ').unwrap_or_default();
                let message = rest.split_once(": ").map(|(_, m)| m).unwrap_or_default();
                format!("{code}: {message}")
            })
            .collect();
        what.sort();
        what
    };
    assert_eq!(what(&split), what(&lint_split("inlined.yaml")));
}

#[test]
fn a_target_referenced_from_two_places_is_reported_once() {
    assert_eq!(
        lint_split("twice.yaml"),
        [
            "apig-path-param-required split/params.yaml:4:13 /Id/required: path parameter has `required: false`; it must be the boolean true",
            "oas-schema split/params.yaml:4:13 /Id/required: `required` must be `true`, found `false`",
            "oas-schema split/params.yaml:5:3 /Id/bogusKey: unknown field `bogusKey` in a Parameter",
        ]
    );
}

/// OpenAPI 3.1: path items in `components/pathItems` that `paths` names by `$ref` (directly,
/// through a chain of references, or through another entry of `paths`) are imported, and
/// the `openapi` rules check them where they are written: a missing `operationId`, a
/// `x-apigateway-cors` that is no boolean, a path-level parameter that is not required, a
/// backend timeout of 0. `Orders`, named by two paths, is checked once; `Unused`, named by
/// none, is not checked (it is reported as unused).
#[test]
fn path_items_that_paths_name_by_reference_are_checked_where_they_are_written() {
    assert_eq!(
        lint_fixture("path-items/components.yaml"),
        [
            "apig-oas-version path-items/components.yaml:1:10 /openapi: `openapi: 3.1.0`: API Gateway imports only `swagger: \"2.0\"` and `openapi: 3.0.x` documents",
            "import-duplicate-name path-items/components.yaml:10:3 /paths/~1orders~1{id}~1copy: paths `/orders/{id}` and `/orders/{id}/copy` use one path item (by `$ref`), so its DELETE operation would be two APIs named `deleteOrder`; API names are unique in a group (the gateway answers APIG.3202)",
            // Import's "the API is named `get_orders`" (and `get_v2_orders`) says the same.
            "apig-operation-id-required path-items/components.yaml:15:7 /components/pathItems/Orders/get: operation has no `operationId`; the API name would be generated",
            "apig-cors-value path-items/components.yaml:16:28 /components/pathItems/Orders/get/x-apigateway-cors: `x-apigateway-cors` is a string; it must be a boolean",
            "apig-path-param-required path-items/components.yaml:25:42 /components/pathItems/Order/parameters/0/required: path parameter has `required: false`; it must be the boolean true",
            "oas-schema path-items/components.yaml:25:42 /components/pathItems/Order/parameters/0/required: `required` must be `true`, found `false`",
            "apig-backend-timeout path-items/components.yaml:40:22 /components/pathItems/Order/delete/x-apigateway-backend/httpEndpoints/timeout: backend timeout 0 is outside 1-600000 ms",
            "oas-unused-component path-items/components.yaml:42:5 /components/pathItems/Unused: `Unused` in `pathItems` is never referenced",
        ]
    );
}

/// The same with references into other files: a path item in another file that two paths
/// name is inlined at both and checked once, its `operationId` no repeat of itself; a
/// `components/pathItems` entry that names one in another file is checked there; one
/// written in the root is checked in the root.
#[test]
fn path_items_named_by_reference_are_checked_once_beside_references_into_other_files() {
    assert_eq!(
        lint_fixture("path-items/mixed.yaml"),
        [
            "apig-oas-version path-items/mixed.yaml:1:10 /openapi: `openapi: 3.1.0`: API Gateway imports only `swagger: \"2.0\"` and `openapi: 3.0.x` documents",
            // Import says it at the paths' keys; the rule, which sees one operation, does not.
            "import-duplicate-name path-items/mixed.yaml:6:3 /paths/~1v2~1orders: paths `/orders` and `/v2/orders` use one path item (by `$ref`), so its GET operation would be two APIs named `listOrders`; API names are unique in a group (the gateway answers APIG.3202)",
            // The DELETE's refused `x-apigateway-cors` does not hide its other problem.
            "apig-path-params-declared path-items/mixed.yaml:8:3 /paths/~1orders~1{id}: `id` is a variable of req_uri but has no PATH request parameter",
            "apig-match-mode-value path-items/mixed.yaml:20:34 /components/pathItems/Status/get/x-apigateway-match-mode: `x-apigateway-match-mode: PREFIX` is not valid; allowed: SWA, NORMAL",
            "apig-cors-value path-items/items.yaml:12:24 /Order/delete/x-apigateway-cors: `x-apigateway-cors` is a number; it must be a boolean",
        ]
    );
}

#[test]
fn reference_cycles_and_recursion_across_files_end() {
    // The cycle is reported as before; the recursive schema is checked once, its
    // reference to itself kept. The `$ref` check reports it (with the pointer of the `$ref`,
    // as every `$ref` finding), although `cycle.yaml` leads into it before it is reached on
    // its own.
    assert_eq!(
        lint_split("cycle.yaml"),
        [
            "oas-unused-component split/cycle.yaml:10:5 /components/schemas/Tree: `Tree` in `schemas` is never referenced",
            "ref-cycle split/cycle-a.yaml:2:9 /A/$ref: reference cycle never reaches a value: `./cycle-a.yaml#/A` → `./cycle-b.yaml#/B` → `./cycle-a.yaml#/A`",
            "oas-schema split/tree.yaml:9:13 /Tree/properties/label/type: `type` must be one of `array`, `boolean`, `integer`, `number`, `object`, `string`, found `12`",
        ]
    );
}

#[test]
fn broken_references_into_other_files_are_reported_at_the_reference() {
    let found = lint_split("broken.yaml");
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with(
            "ref-file split/broken.yaml:7:11 /paths/~1a/$ref: cannot read referenced file `"
        ),
        "{found:#?}"
    );
    assert_eq!(
        found[1],
        "ref-unresolved split/broken.yaml:9:11 /paths/~1b/$ref: `./paths.yaml#/nope` does not resolve: no `nope` in the document root"
    );
}

/// OpenAPI 3.1: members beside a `$ref` into another file apply with its target, which is
/// checked in place like any other: a Reference Object's `description` replaces the
/// target's, a Schema Object's members go alongside the target's keywords, each reported
/// where it is written. A member a Reference Object may not have keeps it as written.
#[test]
fn members_beside_a_reference_into_another_file_apply_with_its_target() {
    assert_eq!(
        lint_split("siblings.yaml"),
        [
            "apig-oas-version split/siblings.yaml:1:10 /openapi: `openapi: 3.1.0`: API Gateway imports only `swagger: \"2.0\"` and `openapi: 3.0.x` documents",
            // Beside the schema's `$ref`, where it is written.
            "oas-schema split/siblings.yaml:23:30 /paths/~1orders~1{id}/get/responses/200/content/application~1json/schema/description: `description` must be a string, found a number",
            // A Reference Object may not have `headers`: it stays as written. Import's
            // warning that it is ignored, at the same place, gives way to the schema's error
            // (one problem, one finding).
            "oas-schema split/siblings.yaml:27:11 /paths/~1orders~1{id}/get/responses/404/headers: `headers` is not allowed next to `$ref`",
            // The targets, checked where they are written.
            "apig-path-param-required split/siblings-target.yaml:4:13 /Id/required: path parameter has `required: false`; it must be the boolean true",
            "oas-schema split/siblings-target.yaml:4:13 /Id/required: `required` must be `true`, found `false`",
            "oas-schema split/siblings-target.yaml:6:3 /Id/bogusKey: unknown field `bogusKey` in a Parameter",
            "oas-schema split/siblings-target.yaml:14:13 /Order/properties/total/type: `type` must be one of `array`, `boolean`, `integer`, `null`, `number`, `object`, `string`, found `12`",
        ]
    );
}

/// What the checks see of `siblings.yaml`: each target with the members beside its `$ref`,
/// each member placed in the file it is written in; before OpenAPI 3.1 (members beside
/// `$ref` are ignored) the references stay as written.
#[test]
fn inlined_targets_take_the_members_beside_their_reference() {
    let ws = linked("split/siblings.yaml");
    let (view, warnings) = ws.inline_external(&Limits::default());
    assert!(warnings.is_empty());
    let view = view.expect("inlined");
    let get = |p: &str| view.root.pointer(p).map(|l| l.node.to_json());
    let root = ws.root().file;
    let param = "/paths/~1orders~1{id}/get/parameters/0";
    // A Reference Object's `description` replaces the target's.
    assert_eq!(
        get(param),
        Some(serde_json::json!({
            "name": "id", "in": "path", "required": false,
            "description": "the order's id", "bogusKey": 1, "schema": {"type": "string"}
        }))
    );
    let description = format!("{param}/description");
    assert_eq!(view.place(&description, false), (root, description.clone()));
    assert_eq!(view.place(&description, true), (root, description.clone()));
    let (file, pointer) = view.place(&format!("{param}/name"), false);
    assert_ne!(file, root);
    assert_eq!(pointer, "/Id/name");
    // A Schema Object's members go with the target's keywords; the one beside `$ref` is
    // the one checked where both have it.
    let schema = "/paths/~1orders~1{id}/get/responses/200/content/application~1json/schema";
    assert_eq!(
        get(schema),
        Some(serde_json::json!({
            "type": "object", "description": 5,
            "properties": {"total": {"type": 12}}, "readOnly": true
        }))
    );
    for member in ["description", "readOnly"] {
        let at = format!("{schema}/{member}");
        assert_eq!(view.place(&at, false), (root, at.clone()));
    }
    assert_eq!(
        view.place(&format!("{schema}/properties/total/type"), false)
            .1,
        "/Order/properties/total/type"
    );
    // A member a Reference Object may not have keeps the reference.
    assert_eq!(
        get("/paths/~1orders~1{id}/get/responses/404"),
        Some(serde_json::json!({"$ref": "./siblings-target.yaml#/NotFound", "headers": {}}))
    );

    // The same document as OpenAPI 3.0: nothing beside a `$ref` applies, the references stay.
    let dir = tempfile::tempdir().expect("temporary directory");
    for name in ["siblings.yaml", "siblings-target.yaml"] {
        let text = std::fs::read_to_string(testdata("split").join(name)).expect("fixture");
        std::fs::write(
            dir.path().join(name),
            text.replace("openapi: 3.1.0", "openapi: 3.0.3"),
        )
        .expect("written");
    }
    let input = Input::Path(dir.path().join("siblings.yaml"));
    let mut ws = Workspace::load(&input, &Limits::default()).expect("root loads");
    assert!(
        ws.resolve_refs(&Limits::default(), &RefOptions::default())
            .is_empty()
    );
    let (view, warnings) = ws.inline_external(&Limits::default());
    assert!(view.is_none() && warnings.is_empty());
}

fn linked(rel: &str) -> Workspace {
    let (ws, _) = resolve(rel, false);
    ws
}

#[test]
fn only_references_into_other_files_are_inlined() {
    // Nothing to inline: no view, nothing copied.
    for rel in ["cycle.yaml", "recursive.yaml", "split/broken.yaml"] {
        let (view, warnings) = linked(rel).inline_external(&Limits::default());
        assert!(view.is_none(), "{rel}");
        assert!(warnings.is_empty(), "{rel}");
    }
    let ws = linked("multi/openapi.yaml");
    let (view, warnings) = ws.inline_external(&Limits::default());
    assert!(warnings.is_empty());
    let view = view.expect("multi-file references are inlined");
    let get = |p: &str| view.root.pointer(p).map(|l| l.node.to_json());
    // The root's internal references stay, and references from other files back into it.
    assert_eq!(
        get("/paths/~1pets/get/parameters/1"),
        Some(serde_json::json!({"$ref": "#/components/parameters/Offset"}))
    );
    let pet = "/paths/~1pets/get/responses/200/content/application~1json/schema/items";
    assert_eq!(
        get(&format!("{pet}/properties/owner")),
        Some(serde_json::json!({"$ref": "../openapi.yaml#/components/schemas/Owner"}))
    );
    // References into other files are inlined, also those within another file.
    assert_eq!(get("/paths/~1pets/get/parameters/0/name").unwrap(), "limit");
    assert_eq!(
        get(&format!("{pet}/properties/tags/items/type")).unwrap(),
        "string"
    );
    // limit, Pet, its Tag List, the 404's Tag List, Owner's Pets (and what it holds).
    assert!(view.regions() >= 4, "{}", view.regions());
    // A node of an inlined subtree is placed in its own file, its key where the reference is.
    let root = ws.root().file;
    let (file, pointer) = view.place("/paths/~1pets/get/parameters/0/name", false);
    assert_ne!(file, root);
    assert_eq!(pointer, "/limit/name");
    assert_eq!(
        view.place("/paths/~1pets/get/parameters/0", true),
        (root, "/paths/~1pets/get/parameters/0".to_owned())
    );
    assert_eq!(
        view.place("/info/title", false),
        (root, "/info/title".to_owned())
    );
}

#[test]
fn inlining_stays_within_the_limits() {
    // Too deep: the reference stays, with a warning at it.
    let ws = linked("split/root.yaml");
    let shallow = Limits {
        max_depth: 5,
        ..Limits::default()
    };
    let (view, warnings) = ws.inline_external(&shallow);
    assert!(view.is_none());
    assert_eq!(
        summary(&ws, &warnings),
        [
            "ref-inline-limit at split/root.yaml:7:11: the content `./paths.yaml#/orders` refers to is not checked against the OpenAPI schema and the `openapi` rules: in place it would nest deeper than 5 levels"
        ]
    );
    // Too many nodes: one target of 200 nodes referenced 50 times from a small file.
    let dir = tempfile::tempdir().expect("temporary directory");
    let items: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
    std::fs::write(
        dir.path().join("big.yaml"),
        format!(
            "Big:\n{}",
            items
                .lines()
                .map(|l| format!("  {l}\n"))
                .collect::<String>()
        ),
    )
    .expect("written");
    let refs: String = (0..50)
        .map(|i| format!("  p{i}: {{$ref: 'big.yaml#/Big'}}\n"))
        .collect();
    std::fs::write(
        dir.path().join("root.yaml"),
        format!("openapi: 3.0.3\nx:\n{refs}"),
    )
    .expect("written");
    let input = Input::Path(dir.path().join("root.yaml"));
    let mut ws = Workspace::load(&input, &Limits::default()).expect("root loads");
    assert!(
        ws.resolve_refs(&Limits::default(), &RefOptions::default())
            .is_empty()
    );
    let tight = Limits {
        alias_node_allowance: 0,
        ..Limits::default()
    };
    let (view, warnings) = ws.inline_external(&tight);
    let view = view.expect("the first references are inlined");
    assert!(
        view.regions() > 0 && view.regions() < 50,
        "{}",
        view.regions()
    );
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].code, "ref-inline-limit");
    // With the default allowance all fit.
    let (view, warnings) = ws.inline_external(&Limits::default());
    assert_eq!(view.map(|v| v.regions()), Some(50));
    assert!(warnings.is_empty());
}

/// OpenAPI 3.1 (JSON Schema 2020-12): `#name` names the schema with that `$anchor` in the
/// document, `file#name` one in another file, and a URI the schema with that `$id`; below an
/// `$id`, references resolve against it.
#[test]
fn anchors_and_ids_name_schemas_in_3_1() {
    let (ws, diagnostics) = resolve("anchors/openapi.yaml", false);
    assert_eq!(summary(&ws, &diagnostics), Vec::<String>::new());
    assert_eq!(ws.documents.len(), 2);
    let root = ws.root().file;
    let params = "/paths/~1pets/get/parameters";
    let target = |holder: &str| {
        let (file, found) = ws.deref(root, node(&ws, root, holder)).unwrap();
        place(&ws.sources, file, found.span)
    };
    let pet = "/components/schemas/Pet";
    let holders = [
        (format!("{params}/0/schema"), "anchors/openapi.yaml:20:12"),
        (format!("{params}/1/schema"), "anchors/schemas.yaml:2:3"),
        (format!("{params}/2/schema"), "anchors/openapi.yaml:32:12"),
        (
            format!("{pet}/properties/owner"),
            "anchors/openapi.yaml:32:12",
        ),
        (
            format!("{pet}/properties/name"),
            "anchors/openapi.yaml:30:15",
        ),
        (format!("{pet}/properties/id"), "anchors/openapi.yaml:31:13"),
        (
            format!("{pet}/properties/parent"),
            "anchors/openapi.yaml:22:7",
        ),
    ];
    for (holder, expected) in holders {
        assert_eq!(target(&holder), expected, "{holder}");
    }
    // Written outside Pet, the same texts name nothing, or something else.
    assert_eq!(
        ws.resolve(root, "#name").unwrap_err().message,
        "`#name` does not resolve: no schema in this document has `$anchor: name`"
    );
    let tag = ws.resolve(root, "#tag").unwrap_err();
    assert!(
        tag.help
            .ends_with("refer to it through its file, as `./schemas.yaml#tag`"),
        "{}",
        tag.help
    );
    assert_eq!(
        related(&ws, &tag.into_diagnostic(root, Default::default())),
        ["anchors/schemas.yaml:2:12: `$anchor: tag` is here"]
    );
    let (_, limit) = ws
        .resolve(root, "https://example.com/schemas/pet#name")
        .unwrap();
    assert_eq!(limit.get("type").and_then(Node::as_str), Some("string"));
}

/// Each diagnostic about identifiers with its related places: broken references through
/// plain names and `$id`s at the `$ref`, names declared twice at the second.
#[test]
fn broken_anchors_and_ids_are_reported_at_their_place() {
    let (ws, diagnostics) = resolve("anchors/broken.yaml", false);
    let found: Vec<String> = summary(&ws, &diagnostics)
        .into_iter()
        .zip(&diagnostics)
        .map(|(s, d)| format!("{s} {:?}", related(&ws, d)))
        .collect();
    assert_eq!(
        found,
        [
            "ref-unresolved at anchors/broken.yaml:7:18: `#limt` does not resolve: no schema in this document has `$anchor: limt` []",
            "ref-duplicate-anchor at anchors/broken.yaml:8:22: `$anchor: limit` is declared a second time in this document: `#limit` could name either schema [\"anchors/broken.yaml:6:22: first declared here\"]",
            "ref-duplicate-id at anchors/broken.yaml:10:17: `$id: https://example.com/pet` is declared a second time: a `$ref` to it could name either schema [\"anchors/broken.yaml:9:16: first declared here\"]",
            "ref-remote at anchors/broken.yaml:11:21: remote reference `https://example.com/nope` is not fetched, and no schema in the loaded documents has `$id: https://example.com/nope` []",
            "ref-remote at anchors/broken.yaml:15:19: `missing` does not resolve: below the schema with `$id: https://example.com/scoped` it names `https://example.com/missing`, and no schema in the loaded documents has that `$id` [\"anchors/broken.yaml:13:12: the `$id` the reference resolves against\"]",
            "ref-unresolved at anchors/broken.yaml:16:19: `#/components/schemas/Limit` does not resolve: no `components` in the schema with `$id: https://example.com/scoped` [\"anchors/broken.yaml:13:12: the `$id` the pointer starts at\"]",
            "ref-unresolved at anchors/broken.yaml:18:19: `#inner` does not resolve: no schema in this document has `$anchor: inner` [\"anchors/broken.yaml:17:26: `$anchor: inner` is here\"]",
            "ref-cycle at anchors/broken.yaml:19:27: reference cycle never reaches a value: `#a` → `#b` → `#a` [\"anchors/broken.yaml:20:27: part of the cycle\"]",
            "ref-unresolved at anchors/broken.yaml:22:21: `#old` does not resolve: no schema in this document has `$anchor: old` [\"anchors/broken.yaml:21:16: the draft-07 name\"]",
            "ref-dynamic at anchors/broken.yaml:23:67: `$dynamicRef: #node` is not followed: apigctl resolves `$ref` only, so this schema is checked and imported without the schema it names []",
        ]
    );
    let help: Vec<&str> = diagnostics
        .iter()
        .map(|d| d.help.as_deref().unwrap_or_default())
        .collect();
    assert!(
        help[0].starts_with("did you mean `#limit`? "),
        "{}",
        help[0]
    );
    assert!(
        help[3].starts_with("give the schema it names `$id: https://example.com/nope` in this document or a file it references, or: apigctl never downloads references"),
        "{}",
        help[3]
    );
    assert!(
        help[5].starts_with("below a schema with `$id`, a `#/...` pointer starts at that schema, not at the document"),
        "{}",
        help[5]
    );
    assert!(
        help[6].ends_with("refer to it as `https://example.com/scoped#inner`"),
        "{}",
        help[6]
    );
    assert!(
        help[8]
            .ends_with("OpenAPI 3.1 schemas are JSON Schema 2020-12, where that is `$anchor: old`"),
        "{}",
        help[8]
    );
    assert_eq!(diagnostics[9].severity, apigctl::diagnostic::Severity::Warn);
}

#[test]
fn anchors_and_ids_before_3_1_stay_errors_that_say_what_to_write() {
    let (ws, diagnostics) = resolve("anchors/openapi-3.0.yaml", false);
    let found: Vec<String> = summary(&ws, &diagnostics)
        .into_iter()
        .zip(&diagnostics)
        .map(|(s, d)| format!("{s} {:?}", related(&ws, d)))
        .collect();
    assert_eq!(
        found,
        [
            "ref-unresolved at anchors/openapi-3.0.yaml:7:23: `#limit`: the fragment `#limit` is not a JSON pointer [\"anchors/openapi-3.0.yaml:6:22: `$anchor: limit`, which OpenAPI 3.0.3 ignores\"]",
            "ref-unresolved at anchors/openapi-3.0.yaml:8:19: `#other`: the fragment `#other` is not a JSON pointer []",
            "ref-remote at anchors/openapi-3.0.yaml:10:21: remote reference `https://example.com/pet` is not fetched [\"anchors/openapi-3.0.yaml:9:16: `$id`, which OpenAPI 3.0.3 ignores\"]",
        ]
    );
    let help: Vec<&str> = diagnostics
        .iter()
        .map(|d| d.help.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(
        help,
        [
            "`$anchor` names a schema only in OpenAPI 3.1 (JSON Schema 2020-12), and this is OpenAPI 3.0.3: refer to the schema by its JSON pointer, `#/components/schemas/Limit`",
            "write the fragment as a JSON pointer starting with `/`, for example `#/components/schemas/Pet` (a plain name such as `#other` names a schema by its `$anchor` in OpenAPI 3.1 only, and this is OpenAPI 3.0.3)",
            "`$id` names a schema only in OpenAPI 3.1 (JSON Schema 2020-12), and this is OpenAPI 3.0.3: refer to the schema by its JSON pointer, `#/components/schemas/Pet`",
        ]
    );
}

/// Content that a reference into another file reaches by `$anchor` or `$id` is checked
/// where it is written, with its pointer in that file.
#[test]
fn content_reached_by_anchor_or_id_is_checked_where_it_is_written() {
    let gateway = [
        "apig-cors anchors/split.yaml:5:5 /paths/~1orders/get: operation has no `x-apigateway-cors`; the gateway does not answer CORS preflights",
        "apig-match-mode anchors/split.yaml:5:5 /paths/~1orders/get: operation has no `x-apigateway-match-mode`; the gateway uses NORMAL (exact match)",
        "apig-request-type anchors/split.yaml:5:5 /paths/~1orders/get: operation has no `x-apigateway-request-type`; import makes it a public API",
    ];
    // Nothing about references, and no component named by `$anchor` or `$id` is unused.
    let mut clean = lint_fixture("anchors/openapi.yaml");
    assert_eq!(
        clean.remove(0),
        "apig-oas-version anchors/openapi.yaml:1:10 /openapi: `openapi: 3.1.0`: API Gateway imports only `swagger: \"2.0\"` and `openapi: 3.0.x` documents"
    );
    assert_eq!(
        clean,
        gateway.map(|l| l
            .replace("split.yaml", "openapi.yaml")
            .replace("~1orders", "~1pets"))
    );
    assert_eq!(
        lint_fixture("anchors/split.yaml"),
        [
            "apig-oas-version anchors/split.yaml:1:10 /openapi: `openapi: 3.1.0`: API Gateway imports only `swagger: \"2.0\"` and `openapi: 3.0.x` documents",
            "apig-cors anchors/split.yaml:5:5 /paths/~1orders/get: operation has no `x-apigateway-cors`; the gateway does not answer CORS preflights",
            "apig-match-mode anchors/split.yaml:5:5 /paths/~1orders/get: operation has no `x-apigateway-match-mode`; the gateway uses NORMAL (exact match)",
            "apig-request-type anchors/split.yaml:5:5 /paths/~1orders/get: operation has no `x-apigateway-request-type`; import makes it a public API",
            // Reached by `split-target.yaml#order`, and by `$id`.
            "oas-schema anchors/split-target.yaml:5:19 /Order/properties/total/type: `type` must be one of `array`, `boolean`, `integer`, `null`, `number`, `object`, `string`, found `12`",
            "oas-schema anchors/split-target.yaml:10:19 /Item/properties/count/type: `type` must be one of `array`, `boolean`, `integer`, `null`, `number`, `object`, `string`, found `13`",
        ]
    );
}

/// A file reference whose URI an `$id` declares names that schema, even when the file
/// declaring it is loaded after the reference is seen: the file is not read.
#[test]
fn an_id_declared_in_a_file_loaded_later_wins_over_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("openapi.yaml"),
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Early: {$ref: 'pet.json'}\n    Other: {$ref: 'other.yaml#/Other'}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("other.yaml"),
        "Other: {type: object}\nPet: {$id: pet.json, type: string}\n",
    )
    .unwrap();
    let input = Input::Path(dir.path().join("openapi.yaml"));
    let mut ws = Workspace::load(&input, &Limits::default()).unwrap();
    let diagnostics = ws.resolve_refs(&Limits::default(), &RefOptions::default());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(ws.documents.len(), 2);
    let (file, pet) = ws.resolve(ws.root().file, "pet.json").unwrap();
    assert!(ws.sources.file(file).name.ends_with("other.yaml"));
    assert_eq!(pet.get("type").and_then(Node::as_str), Some("string"));
}
