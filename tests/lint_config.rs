//! `.apigctl.yaml`, baselines, `--fail-on`, linting without paths, and the dedup of import
//! diagnostics against rule findings, through the built binary.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

mod sarif_schema;

const SPEC: &str = include_str!("../testdata/config/spec.yaml");
const DEDUP: &str = include_str!("../testdata/config/dedup.yaml");
const SAME_START: &str = include_str!("../testdata/config/dedup-same-start.yaml");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn apigctl(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_apigctl"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run apigctl");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Each finding of a `--format json` run, as `show` writes it.
fn each_finding(run: &Run, show: impl Fn(&serde_json::Value) -> String) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}\nstdout: {}\nstderr: {}", run.stdout, run.stderr));
    doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(show)
        .collect()
}

/// `code severity pointer` of each finding of a `--format json` run.
fn findings(run: &Run) -> Vec<String> {
    each_finding(run, |d| {
        format!(
            "{} {} {}",
            d["code"].as_str().unwrap_or("?"),
            d["severity"].as_str().unwrap_or("?"),
            d["pointer"].as_str().unwrap_or("-")
        )
    })
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

const ALL: [&str; 4] = [
    "apig-backend-required error /paths/~1orders/get",
    "apig-api-name error /paths/~1orders~1{id}/get/operationId",
    "apig-api-tags-count warn /paths/~1orders~1{id}/get/tags",
    "apig-pass-through-value error /paths/~1orders~1{id}/get/x-apigateway-pass-through",
];

#[test]
fn without_configuration_every_rule_runs() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    let run = apigctl(dir.path(), &["lint", "--format", "json", "spec.yaml"]);
    assert_eq!(findings(&run), ALL);
    assert_eq!(run.code, 1);
}

#[test]
fn definition_findings_point_into_the_openapi_source_and_keep_the_definition_pointer() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    let run = apigctl(dir.path(), &["lint", "--format", "json", "spec.yaml"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let name = doc["diagnostics"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["code"] == "apig-api-name"))
        .expect("apig-api-name finding");
    assert_eq!(name["pointer"], "/paths/~1orders~1{id}/get/operationId");
    assert_eq!(name["definition_pointer"], "/apis/1/name");
    assert_eq!(name["location"]["line"], 13);
}

#[test]
fn configuration_is_found_upwards_and_stops_at_a_repository_root() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    write(
        &dir.path().join(".apigctl.yaml"),
        "rules:\n  apig-api-name: off\n",
    );
    let deep = dir.path().join("a/b");
    std::fs::create_dir_all(&deep).expect("mkdir");
    let run = apigctl(&deep, &["lint", "--format", "json", "../../spec.yaml"]);
    assert_eq!(findings(&run), [ALL[0], ALL[2], ALL[3]]);
    // A `.git` between the working directory and the configuration ends the search.
    std::fs::create_dir_all(dir.path().join("a/.git")).expect("mkdir");
    let run = apigctl(&deep, &["lint", "--format", "json", "../../spec.yaml"]);
    assert_eq!(findings(&run), ALL);
}

#[test]
fn config_option_names_the_file_and_severities_change() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    write(
        &dir.path().join("conf/lint.yaml"),
        "rules:\n  apig-backend-required: warn\n  apig-api-name: info\n  apig-pass-through-value: hint\n  apig-api-tags-count: error\n",
    );
    let run = apigctl(
        dir.path(),
        &[
            "lint",
            "--format",
            "json",
            "--config",
            "conf/lint.yaml",
            "spec.yaml",
        ],
    );
    assert_eq!(
        findings(&run),
        [
            "apig-backend-required warn /paths/~1orders/get",
            "apig-api-name info /paths/~1orders~1{id}/get/operationId",
            "apig-api-tags-count error /paths/~1orders~1{id}/get/tags",
            "apig-pass-through-value hint /paths/~1orders~1{id}/get/x-apigateway-pass-through",
        ]
    );
}

#[test]
fn fail_on_sets_the_exit_threshold() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    // Only a warning and an info remain.
    write(
        &dir.path().join(".apigctl.yaml"),
        // Ignored rule findings take the import diagnostics they duplicate with them.
        "rules:\n  apig-api-name: info\nignore:\n  - {rule: apig-backend-required, pointer: ''}\n  - {rule: apig-pass-through-value, pointer: ''}\n",
    );
    let code = |extra: &[&str]| {
        let mut args = vec!["lint", "spec.yaml"];
        args.extend_from_slice(extra);
        apigctl(dir.path(), &args).code
    };
    assert_eq!(code(&[]), 0);
    assert_eq!(code(&["--fail-on", "error"]), 0);
    assert_eq!(code(&["--fail-on", "warn"]), 1);
    assert_eq!(code(&["--fail-on", "info"]), 1);
    write(
        &dir.path().join(".apigctl.yaml"),
        "rules:\n  apig-api-name: info\n  apig-api-tags-count: off\nignore:\n  - {rule: apig-backend-required, pointer: ''}\n  - {rule: apig-pass-through-value, pointer: ''}\n",
    );
    assert_eq!(code(&["--fail-on", "warn"]), 0);
    assert_eq!(code(&["--fail-on", "info"]), 1);
    assert_eq!(code(&["--fail-on", "hint"]), 2, "not a threshold");
}

#[test]
fn overrides_apply_to_the_files_their_globs_match() {
    let dir = tempdir();
    write(&dir.path().join("legacy/v1/spec.yaml"), SPEC);
    write(&dir.path().join("new/spec.yaml"), SPEC);
    write(
        &dir.path().join(".apigctl.yaml"),
        "overrides:\n  - files: ['legacy/**/*.yaml']\n    rules: {apig-api-name: off, apig-api-tags-count: off}\n",
    );
    let run = apigctl(
        dir.path(),
        &["lint", "--format", "json", "legacy/v1/spec.yaml"],
    );
    assert_eq!(findings(&run), [ALL[0], ALL[3]]);
    let run = apigctl(dir.path(), &["lint", "--format", "json", "new/spec.yaml"]);
    assert_eq!(findings(&run), ALL);
}

#[test]
fn ignores_drop_findings_by_rule_pointer_and_file() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    write(
        &dir.path().join(".apigctl.yaml"),
        concat!(
            "ignore:\n",
            // Below a pointer, one rule only.
            "  - {rule: apig-api-name, pointer: '/paths/~1orders~1{id}'}\n",
            // Every rule, but only in another file.
            "  - {pointer: /paths/~1orders/get, files: [other.yaml]}\n",
            // By the definition pointer, which definition findings carry too.
            "  - {rule: apig-api-tags-count, pointer: /apis/1}\n",
        ),
    );
    let run = apigctl(dir.path(), &["lint", "--format", "json", "spec.yaml"]);
    assert_eq!(findings(&run), [ALL[0], ALL[3]]);
}

#[test]
fn configuration_mistakes_are_located_diagnostics() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    write(
        &dir.path().join(".apigctl.yaml"),
        concat!(
            "extends: [apigctl:recomended, ./myrules/nope.yaml]\n",
            "rulez: {}\n",
            "rules:\n",
            "  apig-api-nme: error\n",
            "  apig-api-name: warning\n",
            "overrides:\n",
            "  - files: ['[abc', 'a/**b']\n",
            "    rules: {apig-api-name: 3}\n",
            "ignore:\n",
            "  - {rule: apig-api-name, pointer: paths}\n",
            "  - {rule: import-unsupported}\n",
            "  - {rule: apig-api-nam, pointer: ''}\n",
            // Not a rule, but a code: accepted.
            "  - {rule: oas-schema, pointer: /info}\n",
        ),
    );
    let run = apigctl(dir.path(), &["lint", "spec.yaml"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains("apigctl: error: invalid configuration .apigctl.yaml; nothing was linted")
    );
    insta::assert_snapshot!(run.stderr);
}

#[test]
fn extends_loads_user_rule_files_and_the_recommended_set() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    write(
        &dir.path().join("team/rules/oas-team-operation-id.yaml"),
        concat!(
            "id: oas-team-operation-id\nseverity: warn\ndescription: operationIds are camelCase\n",
            "source: team style guide\nmessage: \"operationId `{value}` is not camelCase\"\n",
            "given: openapi\nselect: $.paths.*.*.operationId\nthen:\n  - pattern: '^[a-z][A-Za-z0-9]*$'\n",
            "examples:\n  fail: |\n    x: 1\n  pass: |\n    x: 2\n",
        ),
    );
    write(
        &dir.path().join(".apigctl.yaml"),
        "extends: [apigctl:recommended, team/rules/oas-team-operation-id.yaml]\nrules: {oas-team-operation-id: error}\n",
    );
    let run = apigctl(dir.path(), &["lint", "--format", "json", "spec.yaml"]);
    let found = findings(&run);
    assert!(
        found.contains(
            &"oas-team-operation-id error /paths/~1orders~1{id}/get/operationId".to_owned()
        ),
        "{found:?}"
    );
    assert_eq!(found.len(), 5, "{found:?}");
}

#[test]
fn baseline_suppresses_known_findings_by_fingerprint_not_line() {
    let dir = tempdir();
    let spec = dir.path().join("spec.yaml");
    write(&spec, SPEC);
    let run = apigctl(
        dir.path(),
        &["lint", "--write-baseline", "baseline.json", "spec.yaml"],
    );
    assert_eq!(
        run.code, 1,
        "writing a baseline still reports: {}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("wrote 4 finding(s) to baseline baseline.json"),
        "{}",
        run.stderr
    );
    let written = std::fs::read_to_string(dir.path().join("baseline.json")).expect("baseline");
    let again = apigctl(
        dir.path(),
        &["lint", "--write-baseline", "baseline.json", "spec.yaml"],
    );
    assert_eq!(again.code, 1);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("baseline.json")).expect("baseline"),
        written,
        "deterministic"
    );
    let doc: serde_json::Value = serde_json::from_str(&written).expect("json");
    assert_eq!(doc["apigctl_baseline"], 1);
    let entries = doc["findings"].as_array().expect("findings");
    assert_eq!(entries.len(), 4);
    let keys: Vec<(String, String)> = entries
        .iter()
        .map(|e| (e["code"].to_string(), e["fingerprint"].to_string()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(
        entries
            .iter()
            .all(|e| e["count"] == 1 && e["file"] == "spec.yaml")
    );

    let run = apigctl(
        dir.path(),
        &["lint", "--baseline", "baseline.json", "spec.yaml"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("4 finding(s) suppressed by baseline baseline.json")
    );

    // Lines move and the operations swap places (so the definition's `/apis/N` change):
    // still the same findings.
    let (head, rest) = SPEC.split_at(SPEC.find("  /orders:").expect("first path"));
    let (first, second) = rest.split_at(rest.find("  /orders/{id}:").expect("second path"));
    write(&spec, &format!("{head}\n\n{second}{first}"));
    let run = apigctl(
        dir.path(),
        &["lint", "--baseline", "baseline.json", "spec.yaml"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);

    // A new finding fails the run, and only it is reported.
    let moved = std::fs::read_to_string(&spec).expect("spec");
    write(
        &spec,
        &moved.replace("operationId: listOrders", "operationId: list orders!"),
    );
    let run = apigctl(
        dir.path(),
        &[
            "lint",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
            "spec.yaml",
        ],
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&run),
        ["apig-api-name error /paths/~1orders/get/operationId"]
    );

    // The configuration may name the baseline.
    write(
        &dir.path().join(".apigctl.yaml"),
        "baseline: baseline.json\n",
    );
    let run = apigctl(dir.path(), &["lint", "--format", "json", "spec.yaml"]);
    assert_eq!(findings(&run).len(), 1);
}

#[test]
fn a_second_identical_finding_is_not_covered_by_a_count_of_one() {
    let dir = tempdir();
    // Two files with the same content: the same fingerprint but per file.
    write(&dir.path().join("a.yaml"), SPEC);
    let run = apigctl(
        dir.path(),
        &["lint", "--write-baseline", "b.json", "a.yaml"],
    );
    assert_eq!(run.code, 1);
    let text = std::fs::read_to_string(dir.path().join("b.json")).expect("baseline");
    // Raise nothing, lower one count to zero: that finding is new again.
    let mut doc: serde_json::Value = serde_json::from_str(&text).expect("json");
    let entry = doc["findings"]
        .as_array_mut()
        .and_then(|f| f.iter_mut().find(|e| e["code"] == "apig-api-name"))
        .expect("entry");
    entry["count"] = serde_json::json!(0);
    write(&dir.path().join("b.json"), &doc.to_string());
    let run = apigctl(
        dir.path(),
        &["lint", "--format", "json", "--baseline", "b.json", "a.yaml"],
    );
    assert_eq!(findings(&run), [ALL[1]]);
    let run = apigctl(
        dir.path(),
        &["lint", "--baseline", "missing.json", "a.yaml"],
    );
    assert_eq!(run.code, 2);
}

#[test]
fn lint_without_paths_checks_the_configured_files() {
    let dir = tempdir();
    let run = apigctl(dir.path(), &["lint"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no files to lint"), "{}", run.stderr);

    write(&dir.path().join("specs/a.yaml"), SPEC);
    write(&dir.path().join("specs/deeper/b.yaml"), SPEC);
    write(&dir.path().join("specs/notes.txt"), "not a spec");
    write(
        &dir.path().join(".apigctl.yaml"),
        "files: ['nothing/*.yaml']\n",
    );
    let run = apigctl(dir.path(), &["lint"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no file below"), "{}", run.stderr);

    write(
        &dir.path().join(".apigctl.yaml"),
        "files: ['specs/**/*.yaml']\nrules: {apig-api-tags-count: off}\n",
    );
    let sub = dir.path().join("specs");
    let run = apigctl(&sub, &["lint", "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let inputs: Vec<&str> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["input"].as_str())
        .collect();
    assert_eq!(doc["summary"]["files"], 2);
    // Named relative to the working directory, in path order.
    assert_eq!(
        inputs,
        [
            "a.yaml",
            "a.yaml",
            "a.yaml",
            "deeper/b.yaml",
            "deeper/b.yaml",
            "deeper/b.yaml"
        ]
    );
}

/// `**/*.yaml` names the documents, not the configuration file beside them or a hidden file:
/// as in the shell, a name starting with `.` is matched only by a pattern that starts so.
#[test]
fn configured_globs_leave_hidden_files_alone() {
    let dir = tempdir();
    write(&dir.path().join("api/a.yaml"), SPEC);
    write(&dir.path().join("api/.draft.yaml"), "x: 1\n");
    write(
        &dir.path().join(".apigctl.yaml"),
        "files: ['**/*.yaml']\nrules: {apig-api-tags-count: off}\n",
    );
    let linted = || {
        let run = apigctl(dir.path(), &["lint", "--format", "json"]);
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
        let mut inputs: Vec<String> = doc["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter_map(|d| d["input"].as_str().map(str::to_owned))
            .collect();
        inputs.dedup();
        (doc["summary"]["files"].as_u64(), inputs)
    };
    let (files, inputs) = linted();
    assert_eq!(files, Some(1));
    assert!(inputs.iter().all(|i| i == "api/a.yaml"), "{inputs:?}");
    // Named with its dot, it is linted.
    write(
        &dir.path().join(".apigctl.yaml"),
        "files: ['**/*.yaml', 'api/.draft.yaml']\n",
    );
    assert_eq!(linted().0, Some(2));
}

#[test]
fn import_diagnostics_that_a_rule_reports_are_dropped() {
    let dir = tempdir();
    write(&dir.path().join("dedup.yaml"), DEDUP);
    let run = apigctl(dir.path(), &["lint", "--format", "json", "dedup.yaml"]);
    let found = findings(&run);
    assert!(
        found.iter().all(|f| !f.starts_with("import-")),
        "{found:#?}"
    );
    for expected in [
        // Same start as import's "invalid type: string".
        "apig-throttle-limit-integer error /x-apigateway-ratelimits/p1/api-limit",
        "apig-throttle-unit error /x-apigateway-ratelimits/p1/unit",
        // Import reports these at the operation, the extension key or the backend mapping.
        "apig-backend-required error /paths/~1a/get",
        "apig-pass-through-value error /paths/~1a/get/x-apigateway-pass-through",
        "apig-backend-endpoints-required error /paths/~1b/get/x-apigateway-backend/type",
        // Import refuses the whole operation ("unknown variant `FIXED`").
        "apig-backend-param-origin error /paths/~1c/get/x-apigateway-backend/parameters/0/origin",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected} in {found:#?}"
        );
    }
}

/// `code severity line:col` of each finding of a `--format json` run.
fn placed(run: &Run) -> Vec<String> {
    each_finding(run, |d| {
        format!(
            "{} {} {}:{}",
            d["code"].as_str().unwrap_or("?"),
            d["severity"].as_str().unwrap_or("?"),
            d["location"]["line"],
            d["location"]["column"]
        )
    })
}

#[test]
fn a_rule_finding_at_the_same_place_hides_only_the_import_diagnostic_of_the_same_problem() {
    let dir = tempdir();
    write(&dir.path().join("same.yaml"), SAME_START);
    let run = apigctl(dir.path(), &["lint", "--format", "json", "same.yaml"]);
    let found = placed(&run);
    let count = |f: &str| found.iter().filter(|x| *x == f).count();
    // Two facts about the `get` beside the `$ref`: it lacks `x-apigateway-cors`, and the
    // referenced path item has a `get` too, which import ignores. Both are reported.
    assert_eq!(count("apig-cors warn 6:5"), 1, "{found:#?}");
    assert_eq!(count("import-dropped warn 6:5"), 1, "{found:#?}");
    // One fact each, reported by a rule and by import at the same place: once, as the rule.
    assert_eq!(count("apig-param-type warn 12:50"), 1, "{found:#?}");
    assert_eq!(
        count("oas-operation-id-unique error 16:20"),
        1,
        "{found:#?}"
    );
    for hidden in [
        "import-unsupported warn 12:50",
        "import-duplicate-name error 16:20",
    ] {
        assert_eq!(count(hidden), 0, "{hidden} in {found:#?}");
    }
    assert_eq!(run.code, 1);
}

#[test]
fn import_diagnostics_without_a_matching_rule_finding_stay() {
    let dir = tempdir();
    // The rule is off: import's own report of the missing backend must remain.
    write(&dir.path().join("dedup.yaml"), DEDUP);
    write(
        &dir.path().join(".apigctl.yaml"),
        "rules: {apig-backend-required: off}\n",
    );
    let run = apigctl(dir.path(), &["lint", "--format", "json", "dedup.yaml"]);
    let found = findings(&run);
    assert!(
        found.contains(&"import-missing-backend warn /paths/~1a/get".to_owned()),
        "{found:#?}"
    );
}

#[test]
fn the_recommended_set_leaves_info_rules_off_until_named() {
    let dir = tempdir();
    write(
        &dir.path().join("acl.yaml"),
        "swagger: \"2.0\"\ninfo: {title: orders, version: \"1\"}\nx-apigateway-access-controls:\n  office_only: {acl-type: PERMIT, entity-type: IP, value: \"192.168.0.10\"}\npaths: {}\n",
    );
    let unused = |config: &str| {
        write(&dir.path().join(".apigctl.yaml"), config);
        let run = apigctl(dir.path(), &["lint", "--format", "json", "acl.yaml"]);
        findings(&run)
            .iter()
            .any(|f| f.starts_with("apig-acl-unused info"))
    };
    assert!(unused(""), "an empty configuration runs every rule");
    assert!(unused("extends: apigctl:all\n"));
    assert!(!unused("extends: apigctl:recommended\n"));
    assert!(unused(
        "extends: apigctl:recommended\nrules: {apig-acl-unused: info}\n"
    ));
}

#[test]
fn unreadable_or_unparsable_configuration_is_a_usage_error() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    let run = apigctl(
        dir.path(),
        &["lint", "--config", "missing.yaml", "spec.yaml"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing.yaml"), "{}", run.stderr);
    write(
        &dir.path().join(".apigctl.yaml"),
        "rules:\n  a: 1\n  a: 2\n",
    );
    let run = apigctl(dir.path(), &["lint", "spec.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("error[duplicate-key]") && run.stderr.contains(".apigctl.yaml:3:3"),
        "{}",
        run.stderr
    );
}

/// A user rule file in the format of `rules/*.yaml`, valid as it is.
const TEAM_RULE: &str = concat!(
    "id: oas-team-operation-id\nseverity: warn\ndescription: operationIds are camelCase\n",
    "source: team style guide\nmessage: \"operationId `{value}` is not camelCase\"\n",
    "given: openapi\nselect: $.paths.*.*.operationId\nthen:\n  - pattern: '^[a-z][A-Za-z0-9]*$'\n",
    "examples:\n  fail: |\n    x: 1\n  pass: |\n    x: 2\n",
);

/// [`TEAM_RULE`] with another id (so in a file of that name).
fn team_rule(id: &str) -> String {
    TEAM_RULE.replace("oas-team-operation-id", id)
}

/// Writes rule files with one mistake each, and a configuration naming them (and a valid one
/// twice, under two directories).
fn broken_rule_files(dir: &Path) {
    let rules = dir.join("team/rules");
    // A bad regular expression (line 9).
    write(
        &rules.join("oas-team-regex.yaml"),
        &team_rule("oas-team-regex").replace("'^[a-z][A-Za-z0-9]*$'", "'([a-z]'"),
    );
    // A duplicate key, which the loader reports with the first one as a related place.
    write(
        &rules.join("oas-team-dup.yaml"),
        &team_rule("oas-team-dup").replace("severity: warn\n", "severity: warn\nseverity: error\n"),
    );
    // The id of a built-in rule.
    write(
        &rules.join("apig-api-name.yaml"),
        &team_rule("apig-api-name"),
    );
    // The same id in two files.
    write(&rules.join("oas-team-operation-id.yaml"), TEAM_RULE);
    write(&dir.join("other/oas-team-operation-id.yaml"), TEAM_RULE);
    // Not UTF-8 (Latin-1 `é` on line 3).
    let latin1 = team_rule("oas-team-latin1").replace("camelCase\n", "caf\u{e9}\n");
    let bytes: Vec<u8> = latin1
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
        .collect();
    std::fs::write(rules.join("oas-team-latin1.yaml"), bytes).expect("write");
    write(
        &dir.join(".apigctl.yaml"),
        concat!(
            "extends:\n",
            "  - apigctl:recommended\n",
            "  - team/rules/oas-team-regex.yaml\n",
            "  - team/rules/oas-team-dup.yaml\n",
            "  - team/rules/apig-api-name.yaml\n",
            "  - team/rules/oas-team-operation-id.yaml\n",
            "  - other/oas-team-operation-id.yaml\n",
            "  - team/rules/oas-team-latin1.yaml\n",
        ),
    );
}

#[test]
fn a_mistake_in_a_rule_file_is_reported_where_it_is_in_that_file() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    broken_rule_files(dir.path());
    let run = apigctl(dir.path(), &["lint", "spec.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    insta::assert_snapshot!(run.stderr);

    // The same places, as data: each at the mistake in the rule file, the `extends` entry a
    // related location (after the loader's own: the first of two duplicate keys).
    let run = apigctl(dir.path(), &["lint", "--format", "json", "spec.yaml"]);
    assert_eq!(run.code, 2);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let place = |l: &serde_json::Value| {
        format!(
            "{}:{}:{}",
            l["file"].as_str().unwrap_or("?"),
            l["line"],
            l["column"]
        )
    };
    let found: Vec<String> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let related: Vec<String> = d["related"]
                .as_array()
                .expect("related")
                .iter()
                .map(|r| format!("{} {}", place(r), r["message"].as_str().unwrap_or("?")))
                .collect();
            format!("{} <- {}", place(&d["location"]), related.join(", "))
        })
        .collect();
    assert_eq!(
        found,
        [
            "team/rules/oas-team-regex.yaml:9:14 <- .apigctl.yaml:3:5 named in `extends` here",
            "team/rules/oas-team-dup.yaml:3:1 <- team/rules/oas-team-dup.yaml:2:1 first defined here, .apigctl.yaml:4:5 named in `extends` here",
            "team/rules/apig-api-name.yaml:1:5 <- .apigctl.yaml:5:5 named in `extends` here",
            "other/oas-team-operation-id.yaml:1:5 <- team/rules/oas-team-operation-id.yaml:1:5 first defined here, .apigctl.yaml:7:5 named in `extends` here",
            "team/rules/oas-team-latin1.yaml:3:34 <- .apigctl.yaml:8:5 named in `extends` here",
        ]
    );
}

/// The configuration of [`a_broken_configuration_still_writes_a_document_in_every_format`]:
/// an unknown rule id in it, and a rule file with a bad regular expression.
fn broken_configuration(dir: &Path) {
    write(
        &dir.join("team/rules/oas-team-regex.yaml"),
        &team_rule("oas-team-regex").replace("'^[a-z][A-Za-z0-9]*$'", "'([a-z]'"),
    );
    write(
        &dir.join(".apigctl.yaml"),
        "extends: [team/rules/oas-team-regex.yaml]\nrules:\n  apig-api-nme: error\n",
    );
}

#[test]
fn a_broken_configuration_still_writes_a_document_in_every_format() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    broken_configuration(dir.path());
    let reason = "invalid configuration .apigctl.yaml; nothing was linted";
    let lint = |format: &str| {
        let run = apigctl(dir.path(), &["lint", "--format", format, "spec.yaml"]);
        assert_eq!(run.code, 2, "{format}: {}", run.stderr);
        // People read the mistakes on stderr whatever the format.
        assert!(
            run.stderr
                .contains("error[config-invalid]: unknown rule `apig-api-nme`")
                && run.stderr.ends_with(&format!("apigctl: error: {reason}\n")),
            "{format}: {}",
            run.stderr
        );
        run.stdout
    };
    assert_eq!(lint("human"), "");

    let json: serde_json::Value = serde_json::from_str(&lint("json")).expect("JSON");
    assert_eq!(json["version"], 1);
    assert_eq!(json["error"], reason);
    assert_eq!(
        json["summary"],
        serde_json::json!({"files": 0, "errors": 2, "warnings": 0, "notes": 0})
    );
    let at: Vec<String> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{} {} {}:{}",
                d["code"].as_str().unwrap_or("?"),
                d["input"].as_str().unwrap_or("?"),
                d["location"]["file"].as_str().unwrap_or("?"),
                d["location"]["line"]
            )
        })
        .collect();
    assert_eq!(
        at,
        [
            "config-invalid .apigctl.yaml .apigctl.yaml:3",
            "config-invalid .apigctl.yaml team/rules/oas-team-regex.yaml:9",
        ]
    );

    let sarif: serde_json::Value = serde_json::from_str(&lint("sarif")).expect("SARIF is JSON");
    let run = &sarif["runs"][0];
    assert_eq!(run["results"], serde_json::json!([]));
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(invocation["exitCode"], 2);
    assert_eq!(invocation["exitCodeDescription"], reason);
    let notifications = invocation["toolConfigurationNotifications"]
        .as_array()
        .expect("notifications");
    assert_eq!(notifications.len(), 2);
    let rule_file = &notifications[1];
    assert_eq!(rule_file["level"], "error");
    assert_eq!(rule_file["descriptor"]["id"], "config-invalid");
    let primary = &rule_file["locations"][0]["physicalLocation"];
    assert_eq!(
        primary["artifactLocation"]["uri"],
        "team/rules/oas-team-regex.yaml"
    );
    assert_eq!(primary["region"]["startLine"], 9);
    let entry = &rule_file["locations"][1];
    assert_eq!(
        entry["physicalLocation"]["artifactLocation"]["uri"],
        ".apigctl.yaml"
    );
    assert_eq!(entry["physicalLocation"]["region"]["startLine"], 1);
    assert_eq!(entry["message"]["text"], "named in `extends` here");

    let junit = lint("junit");
    let doc = roxmltree::Document::parse(&junit).expect("well-formed JUnit");
    let root = doc.root_element();
    assert_eq!(root.attribute("errors"), Some("2"));
    assert_eq!(root.attribute("failures"), Some("0"));
    let errors: Vec<&str> = root
        .descendants()
        .filter(|n| n.has_tag_name("error"))
        .filter_map(|n| n.attribute("message"))
        .collect();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0], "unknown rule `apig-api-nme`");

    let github = lint("github");
    let lines: Vec<&str> = github.lines().collect();
    assert_eq!(lines.len(), 2, "{github}");
    assert!(
        lines[0].starts_with("::error file=.apigctl.yaml,line=3,col=3,"),
        "{github}"
    );
    assert!(
        lines[1].starts_with("::error file=team/rules/oas-team-regex.yaml,line=9,col=14,"),
        "{github}"
    );
}

#[test]
fn an_unreadable_configuration_is_a_document_too() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    let lint = |format: &str| {
        let run = apigctl(
            dir.path(),
            &[
                "lint",
                "--format",
                format,
                "--config",
                "missing.yaml",
                "spec.yaml",
            ],
        );
        assert_eq!(run.code, 2);
        assert!(
            run.stderr.starts_with(
                "apigctl: error: cannot read the configuration missing.yaml: No such file"
            ) && run.stderr.ends_with("; nothing was linted\n"),
            "{}",
            run.stderr
        );
        run.stdout
    };
    assert_eq!(lint("human"), "");
    let sarif: serde_json::Value = serde_json::from_str(&lint("sarif")).expect("SARIF");
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolConfigurationNotifications"][0];
    assert_eq!(notification["descriptor"]["id"], "config-unreadable");
    assert_eq!(
        notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "missing.yaml"
    );
    let json: serde_json::Value = serde_json::from_str(&lint("json")).expect("JSON");
    assert_eq!(json["diagnostics"][0]["code"], "config-unreadable");
    assert_eq!(json["diagnostics"][0]["location"], serde_json::Value::Null);
    assert!(
        json["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("cannot read the configuration missing.yaml: "))
    );
}

/// The document of a run in a machine format, parsed: JSON and SARIF as JSON (SARIF checked
/// against the official schema), JUnit checked for well-formedness and returned as text in a
/// JSON string, GitHub annotations as a JSON array of lines.
fn document(run: &Run, format: &str) -> Value {
    let context = || format!("{format}\nstdout: {}\nstderr: {}", run.stdout, run.stderr);
    match format {
        "json" | "sarif" => {
            let doc: Value =
                serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", context()));
            if format == "sarif" {
                sarif_schema::assert_valid(&doc);
            }
            doc
        }
        "junit" => {
            roxmltree::Document::parse(&run.stdout)
                .unwrap_or_else(|e| panic!("{e}: {}", context()));
            Value::String(run.stdout.clone())
        }
        _ => run.stdout.lines().map(Value::from).collect(),
    }
}

/// `id uri:line` of each notification of a SARIF invocation's `kind` notifications.
fn notified(sarif: &Value, kind: &str) -> Vec<String> {
    sarif["runs"][0]["invocations"][0][kind]
        .as_array()
        .unwrap_or_else(|| panic!("{kind} in {sarif:#}"))
        .iter()
        .map(|n| {
            let at = &n["locations"][0]["physicalLocation"];
            format!(
                "{} {}:{}",
                n["descriptor"]["id"].as_str().unwrap_or("?"),
                at["artifactLocation"]["uri"].as_str().unwrap_or("-"),
                at["region"]["startLine"]
            )
        })
        .collect()
}

/// A run stopped before linting by what it was given, in every machine format: each writes
/// a document that says so (the one-line reason on stderr too), exit code 2.
fn assert_stopped(dir: &Path, args: &[&str], code: &str, at: &str, reason: &str) {
    let lint = |format: &str| {
        let mut all = vec!["lint", "--format", format];
        all.extend_from_slice(args);
        let run = apigctl(dir, &all);
        assert_eq!(run.code, 2, "{format}: {}", run.stderr);
        assert!(
            run.stderr.ends_with(&format!("apigctl: error: {reason}\n")),
            "{format}: {}",
            run.stderr
        );
        document(&run, format)
    };
    let mut all = vec!["lint"];
    all.extend_from_slice(args);
    let human = apigctl(dir, &all);
    assert_eq!((human.code, human.stdout.as_str()), (2, ""));

    let json = lint("json");
    assert_eq!(json["error"], reason);
    assert_eq!(json["summary"]["files"], 0);
    assert_eq!(
        json["diagnostics"].as_array().map(Vec::len),
        Some(1),
        "{json:#}"
    );
    assert_eq!(json["diagnostics"][0]["code"], code);

    let sarif = lint("sarif");
    let run = &sarif["runs"][0];
    assert_eq!(run["results"], json!([]));
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    assert_eq!(run["invocations"][0]["exitCode"], 2);
    assert_eq!(run["invocations"][0]["exitCodeDescription"], reason);
    assert_eq!(
        notified(&sarif, "toolConfigurationNotifications"),
        [format!("{code} {at}")]
    );

    let junit = lint("junit");
    let junit = junit.as_str().unwrap_or_default();
    assert!(
        junit.contains(&format!("<testcase classname=\"{code}\""))
            && junit.contains("errors=\"1\"")
            && junit.contains("<error "),
        "{junit}"
    );

    let github = lint("github");
    assert_eq!(github.as_array().map(Vec::len), Some(1), "{github}");
    assert!(
        github[0]
            .as_str()
            .is_some_and(|l| l.starts_with("::error ") && l.contains(&format!("title={code}::"))),
        "{github}"
    );
}

#[test]
fn an_unusable_baseline_stops_the_run_with_a_document() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    let missing = {
        let run = apigctl(
            dir.path(),
            &["lint", "--baseline", "missing.json", "spec.yaml"],
        );
        run.stderr
            .trim_end()
            .trim_start_matches("apigctl: error: ")
            .to_owned()
    };
    assert!(
        missing.starts_with("cannot read baseline missing.json: "),
        "{missing}"
    );
    assert_stopped(
        dir.path(),
        &["--baseline", "missing.json", "spec.yaml"],
        "baseline-unreadable",
        "missing.json:null",
        &missing,
    );

    // Not a baseline: at the place where the JSON stops making sense.
    write(
        &dir.path().join("broken.json"),
        "{\"apigctl_baseline\": 1,\n  \"findings\": [}\n",
    );
    let reason = "broken.json:2:16: not an apigctl baseline: expected value";
    assert_stopped(
        dir.path(),
        &["--baseline", "broken.json", "spec.yaml"],
        "baseline-invalid",
        "broken.json:2",
        reason,
    );
    let run = apigctl(
        dir.path(),
        &[
            "lint",
            "--format",
            "sarif",
            "--baseline",
            "broken.json",
            "spec.yaml",
        ],
    );
    let sarif = document(&run, "sarif");
    let region = &sarif["runs"][0]["invocations"][0]["toolConfigurationNotifications"][0]["locations"]
        [0]["physicalLocation"]["region"];
    assert_eq!(
        (&region["startLine"], &region["startColumn"]),
        (&json!(2), &json!(16))
    );

    // Columns are characters, in the message as in the location (serde_json counts bytes).
    write(
        &dir.path().join("wide.json"),
        "{\"apigctl_baseline\": 1, \"findings\": [{\"file\": \"日本日本.yaml\", \"code\": \"x\", \"bogus\": 1}]}\n",
    );
    assert_stopped(
        dir.path(),
        &["--baseline", "wide.json", "spec.yaml"],
        "baseline-invalid",
        "wide.json:1",
        "wide.json:1:79: not an apigctl baseline: unknown field `bogus`, expected one of `file`, `code`, `pointer`, `fingerprint`, `count`",
    );
    let run = apigctl(
        dir.path(),
        &[
            "lint",
            "--format",
            "json",
            "--baseline",
            "wide.json",
            "spec.yaml",
        ],
    );
    assert_eq!(
        document(&run, "json")["diagnostics"][0]["location"]["column"],
        79
    );

    // Another version: the whole file.
    write(
        &dir.path().join("v9.json"),
        "{\"apigctl_baseline\": 9, \"findings\": []}\n",
    );
    assert_stopped(
        dir.path(),
        &["--baseline", "v9.json", "spec.yaml"],
        "baseline-invalid",
        "v9.json:null",
        "v9.json: baseline version 9 is not supported (expected 1); write it again with --write-baseline",
    );

    // The configuration's `baseline:`, named from its directory; a baseline being written is
    // not read.
    write(
        &dir.path().join("conf/.apigctl.yaml"),
        "baseline: gone.json\n",
    );
    let run = apigctl(
        dir.path(),
        &[
            "lint",
            "--config",
            "conf/.apigctl.yaml",
            "--format",
            "json",
            "spec.yaml",
        ],
    );
    assert_eq!(run.code, 2);
    let json = document(&run, "json");
    assert_eq!(json["diagnostics"][0]["input"], "conf/gone.json");
    let run = apigctl(
        dir.path(),
        &[
            "lint",
            "--config",
            "conf/.apigctl.yaml",
            "--write-baseline",
            "conf/gone.json",
            "spec.yaml",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn no_files_to_lint_is_a_document_too() {
    let dir = tempdir();
    write(&dir.path().join("specs/notes.txt"), "not a spec");
    write(
        &dir.path().join(".apigctl.yaml"),
        "files: ['nothing/*.yaml']\n",
    );
    let reason = "no files to lint: no file below . matches `files:` (nothing/*.yaml)";
    assert_stopped(dir.path(), &[], "no-files", ".apigctl.yaml:null", reason);

    write(&dir.path().join(".apigctl.yaml"), "rules: {}\n");
    assert_stopped(
        dir.path(),
        &[],
        "no-files",
        ".apigctl.yaml:null",
        "no files to lint: the configuration .apigctl.yaml has no `files:` globs",
    );

    // Without a configuration there is no file to point at.
    std::fs::remove_file(dir.path().join(".apigctl.yaml")).expect("remove");
    std::fs::create_dir_all(dir.path().join(".git")).expect("mkdir");
    let reason = "no files to lint: name them (`apigctl lint FILE...`) or list them under `files:` in .apigctl.yaml";
    assert_stopped(dir.path(), &[], "no-files", "-:null", reason);
    let run = apigctl(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(
        document(&run, "json")["diagnostics"][0]["input"],
        Value::Null
    );
    let run = apigctl(dir.path(), &["lint", "--format", "github"]);
    assert_eq!(run.stdout, format!("::error title=no-files::{reason}\n"));
}

#[test]
fn an_unreadable_input_is_reported_in_the_document_beside_the_others() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    std::fs::create_dir_all(dir.path().join("folder.yaml")).expect("mkdir");
    let args = |format: &'static str| {
        [
            "lint",
            "--format",
            format,
            "spec.yaml",
            "missing.yaml",
            "folder.yaml",
        ]
    };
    let reason = "2 of 3 input(s) could not be read: missing.yaml, folder.yaml";

    let run = apigctl(dir.path(), &args("human"));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("apigctl: error: missing.yaml: ")
            && run
                .stderr
                .contains("apigctl: error: folder.yaml: is a directory"),
        "{}",
        run.stderr
    );
    // People read it on stderr; stdout has what was linted.
    assert!(!run.stdout.contains("missing.yaml"), "{}", run.stdout);
    assert!(run.stdout.ends_with("in 1 file\n"), "{}", run.stdout);
    // With nothing readable, stdout does not say "no problems".
    let run = apigctl(dir.path(), &["lint", "missing.yaml", "folder.yaml"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "no file linted\n");

    let run = apigctl(dir.path(), &args("json"));
    assert_eq!(run.code, 2);
    let json = document(&run, "json");
    assert_eq!(json["error"], reason);
    assert_eq!(json["summary"]["files"], 3);
    let unreadable: Vec<String> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "input-unreadable")
        .map(|d| format!("{} {}", d["input"].as_str().unwrap_or("?"), d["location"]))
        .collect();
    assert_eq!(unreadable, ["missing.yaml null", "folder.yaml null"]);
    assert_eq!(findings(&run).len(), ALL.len() + 2);

    let run = apigctl(dir.path(), &args("sarif"));
    assert_eq!(run.code, 2);
    let sarif = document(&run, "sarif");
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(invocation["exitCode"], 2);
    assert_eq!(invocation["exitCodeDescription"], reason);
    assert_eq!(
        notified(&sarif, "toolExecutionNotifications"),
        [
            "input-unreadable missing.yaml:null",
            "input-unreadable folder.yaml:null"
        ]
    );
    // The findings in the readable input are all there; the unreadable ones are no results.
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), ALL.len());
    assert!(results.iter().all(|r| r["ruleId"] != "input-unreadable"));

    let run = apigctl(dir.path(), &args("junit"));
    let junit = document(&run, "junit");
    let junit = junit.as_str().unwrap_or_default();
    let xml = roxmltree::Document::parse(junit).expect("JUnit");
    let errors: Vec<&str> = xml
        .descendants()
        .filter(|n| n.has_tag_name("error"))
        .filter_map(|n| n.ancestors().find(|a| a.has_tag_name("testsuite")))
        .filter_map(|s| s.attribute("name"))
        .collect();
    assert_eq!(errors, ["missing.yaml", "folder.yaml"]);
    assert_eq!(xml.root_element().attribute("errors"), Some("2"));

    let run = apigctl(dir.path(), &args("github"));
    assert!(
        run.stdout
            .contains("::error file=missing.yaml,title=input-unreadable::missing.yaml: "),
        "{}",
        run.stdout
    );
}

#[test]
fn an_input_that_cannot_be_loaded_is_noted_as_not_analysed() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    write(
        &dir.path().join("broken.yaml"),
        "openapi: 3.0.3\ninfo: {title: x\n",
    );
    let run = apigctl(
        dir.path(),
        &["lint", "--format", "sarif", "spec.yaml", "broken.yaml"],
    );
    // A finding, as before: exit code 1.
    assert_eq!(run.code, 1, "{}", run.stderr);
    let sarif = document(&run, "sarif");
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(invocation["exitCode"], 1);
    assert!(invocation.get("exitCodeDescription").is_none());
    let notes = notified(&sarif, "toolExecutionNotifications");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes, ["syntax broken.yaml:3"]);
    let note = &invocation["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "error");
    assert!(
        note["message"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("not linted: ")),
        "{note}"
    );
    // The syntax error stays a result.
    let code = note["descriptor"]["id"].clone();
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|r| r["ruleId"] == code), "{code}");

    // JSON and JUnit already say it: the loader's error, in the input.
    let run = apigctl(
        dir.path(),
        &["lint", "--format", "json", "spec.yaml", "broken.yaml"],
    );
    let json = document(&run, "json");
    assert!(json.get("error").is_none());
    assert!(
        json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .any(|d| d["code"] == code && d["input"] == "broken.yaml" && d["severity"] == "error")
    );
    let run = apigctl(
        dir.path(),
        &["lint", "--format", "junit", "spec.yaml", "broken.yaml"],
    );
    let junit = document(&run, "junit");
    assert!(
        junit.as_str().is_some_and(
            |x| x.contains("<testsuite name=\"broken.yaml\" tests=\"1\" failures=\"1\"")
        ),
        "{junit}"
    );
}

#[test]
fn a_successful_sarif_run_says_so() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    let run = apigctl(dir.path(), &["lint", "--format", "sarif", "spec.yaml"]);
    assert_eq!(run.code, 1);
    let sarif = document(&run, "sarif");
    assert_eq!(
        sarif["runs"][0]["invocations"],
        json!([{"executionSuccessful": true, "exitCode": 1}])
    );
    write(
        &dir.path().join("clean.yaml"),
        "openapi: 3.0.3\ninfo: {title: orders, version: '1'}\npaths: {}\n",
    );
    let run = apigctl(dir.path(), &["lint", "--format", "sarif", "clean.yaml"]);
    let sarif = document(&run, "sarif");
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["exitCode"],
        json!(run.code)
    );
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}

#[test]
fn a_baseline_that_cannot_be_written_is_in_the_document() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    // A directory stands where the file would go.
    std::fs::create_dir_all(dir.path().join("taken.json")).expect("mkdir");
    let lint = |format: &str| {
        let run = apigctl(
            dir.path(),
            &[
                "lint",
                "--format",
                format,
                "--write-baseline",
                "taken.json",
                "spec.yaml",
            ],
        );
        assert_eq!(run.code, 2, "{format}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("apigctl: error: cannot write taken.json: "),
            "{}",
            run.stderr
        );
        (document(&run, format), run)
    };
    let (json, run) = lint("json");
    let reason = run
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("apigctl: error: "))
        .expect("the reason")
        .to_owned();
    assert_eq!(json["error"], reason.as_str());
    // Everything found is reported, as a run that writes a baseline does.
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes.len(), ALL.len() + 1);
    assert_eq!(codes.last(), Some(&"baseline-unwritable"));
    assert_eq!(json["summary"]["files"], 1);

    let (sarif, _) = lint("sarif");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(ALL.len())
    );
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
    assert_eq!(
        notified(&sarif, "toolExecutionNotifications"),
        ["baseline-unwritable taken.json:null"]
    );

    let (junit, _) = lint("junit");
    assert!(
        junit.as_str().is_some_and(|x| x
            .contains("<testsuite name=\"taken.json\" tests=\"1\" failures=\"0\" errors=\"1\"")),
        "{junit}"
    );
    let (github, _) = lint("github");
    assert!(
        github
            .as_array()
            .and_then(|l| l.last())
            .and_then(Value::as_str)
            .is_some_and(|l| l.starts_with("::error file=taken.json,title=baseline-unwritable::")),
        "{github}"
    );
}

/// A configuration found two directories up is named as seen from the working directory, like
/// the rule files it names: one report, one style (`../../.apigctl.yaml` beside
/// `../../team/rules/oas-team-regex.yaml`, not an absolute path beside relative ones).
#[test]
fn a_configuration_found_above_is_named_from_the_working_directory_like_its_rule_files() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    broken_configuration(dir.path());
    let deep = dir.path().join("a/b");
    std::fs::create_dir_all(&deep).expect("mkdir");
    let absolute = dir.path().display().to_string();

    let run = apigctl(&deep, &["lint", "../../spec.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!run.stderr.contains(&absolute), "{}", run.stderr);
    assert!(
        run.stderr.ends_with(
            "apigctl: error: invalid configuration ../../.apigctl.yaml; nothing was linted\n"
        ),
        "{}",
        run.stderr
    );
    insta::assert_snapshot!(run.stderr);

    // The same names as data: the input, every location and related location.
    let run = apigctl(&deep, &["lint", "--format", "json", "../../spec.yaml"]);
    assert_eq!(run.code, 2);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(
        doc["error"],
        "invalid configuration ../../.apigctl.yaml; nothing was linted"
    );
    let mut names: Vec<&str> = Vec::new();
    for d in doc["diagnostics"].as_array().expect("diagnostics") {
        names.extend(d["input"].as_str());
        names.extend(d["location"]["file"].as_str());
        for r in d["related"].as_array().expect("related") {
            names.extend(r["file"].as_str());
        }
    }
    assert_eq!(
        names,
        [
            "../../.apigctl.yaml",
            "../../.apigctl.yaml",
            "../../.apigctl.yaml",
            "../../team/rules/oas-team-regex.yaml",
            "../../.apigctl.yaml",
        ]
    );

    // Fixed, the configuration up there applies: its user rule finds the operationId.
    write(
        &dir.path().join("team/rules/oas-team-regex.yaml"),
        &team_rule("oas-team-regex"),
    );
    write(
        &dir.path().join(".apigctl.yaml"),
        "extends: [team/rules/oas-team-regex.yaml]\n",
    );
    let run = apigctl(&deep, &["lint", "--format", "json", "../../spec.yaml"]);
    assert!(
        findings(&run)
            .contains(&"oas-team-regex warn /paths/~1orders~1{id}/get/operationId".to_owned()),
        "{}{}",
        run.stdout,
        run.stderr
    );
}

/// A file's name is shown as a document's value is: a line feed in it is written `\n`, so a
/// file named `x\n::warning ::injected\n.yaml` cannot start a line (a GitHub Actions workflow
/// command) in the snippet's `┌─` line, nor in a message on stderr.
#[cfg(unix)]
#[test]
fn a_file_name_cannot_start_a_line_of_its_own() {
    let dir = tempdir();
    let name = "x\n::warning title=pwned::injected\n.yaml";
    write(&dir.path().join(name), SPEC);
    let run = apigctl(dir.path(), &["lint", name]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("┌─ x\\n::warning title=pwned::injected\\n.yaml:"),
        "{}",
        run.stdout
    );
    let missing = "gone\n::error ::injected\n.yaml";
    let run = apigctl(dir.path(), &["lint", name, missing]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("gone\\n::error ::injected\\n.yaml"),
        "{}",
        run.stderr
    );
    for out in [&run.stdout, &run.stderr] {
        assert!(!out.lines().any(|l| l.starts_with("::")), "{out}");
    }
}

const SHARED_PATHS: &str = "orders:
  get:
    operationId: _bad
    x-apigateway-request-type: public
    x-apigateway-match-mode: NORMAL
    x-apigateway-cors: false
    x-apigateway-backend:
      type: MOCK
      mockEndpoints: {result-content: x}
    responses: {\"200\": {description: ok}}
";

const SHARED_ROOT: &str = "openapi: 3.0.3
info: {title: orders, version: \"1\"}
paths:
  /orders:
    $ref: ./paths.yaml#/orders
";

/// A file that two inputs reference is one place: each finding written there is reported,
/// counted and fingerprinted once for the run, with the first input that reached it.
#[test]
fn a_file_referenced_by_several_inputs_is_reported_once() {
    let dir = tempdir();
    write(&dir.path().join("paths.yaml"), SHARED_PATHS);
    write(&dir.path().join("root.yaml"), SHARED_ROOT);
    write(&dir.path().join("root2.yaml"), SHARED_ROOT);
    let args = ["lint", "--format", "json", "root.yaml", "./root2.yaml"];
    let run = apigctl(dir.path(), &args);
    let seen = each_finding(&run, |d| {
        format!(
            "{} {} {}",
            d["code"].as_str().unwrap_or("?"),
            d["input"].as_str().unwrap_or("?"),
            d["location"]["file"].as_str().unwrap_or("?"),
        )
    });
    assert_eq!(seen, ["apig-api-name root.yaml paths.yaml"]);
    let doc: Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(doc["summary"]["errors"], 1);
    assert_eq!(doc["summary"]["files"], 2);

    let run = apigctl(
        dir.path(),
        &["lint", "--format", "sarif", "root.yaml", "root2.yaml"],
    );
    let sarif: Value = serde_json::from_str(&run.stdout).expect("sarif");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 1, "{results:?}");
}

const DUPLICATE_KEY: &str = "openapi: 3.0.3
info:
  title: t
  version: \"1\"
  title: u
paths: {}
";

const UNRESOLVED: &str = "openapi: 3.0.3
info: {title: orders, version: \"1\"}
paths:
  /orders:
    get:
      operationId: list_orders
      x-apigateway-request-type: public
      x-apigateway-match-mode: NORMAL
      x-apigateway-cors: false
      x-apigateway-backend:
        type: MOCK
        mockEndpoints: {result-content: x}
      responses: {\"200\": {$ref: \"#/components/responses/Nope\"}}
";

/// A `$ref` problem has the pointer of its `$ref`, so an `ignore` entry can name it, and
/// `pointer: ""` (the whole file) drops what has no pointer at all, a loader error too.
#[test]
fn ignore_reaches_reference_and_loader_diagnostics() {
    let dir = tempdir();
    write(&dir.path().join("dup.yaml"), DUPLICATE_KEY);
    write(&dir.path().join("ref.yaml"), UNRESOLVED);
    let args = ["lint", "--format", "json", "dup.yaml", "ref.yaml"];
    let run = apigctl(dir.path(), &args);
    assert_eq!(
        findings(&run),
        [
            "duplicate-key error -",
            "ref-unresolved error /paths/~1orders/get/responses/200/$ref",
        ]
    );
    for (config, left) in [
        (
            "ignore:\n  - {rule: duplicate-key, pointer: \"\"}\n  - {pointer: /paths/~1orders/get/responses/200}\n",
            Vec::<&str>::new(),
        ),
        (
            "ignore:\n  - {pointer: /paths/~1orders/get/responses/300}\n",
            vec![
                "duplicate-key error -",
                "ref-unresolved error /paths/~1orders/get/responses/200/$ref",
            ],
        ),
        (
            "ignore:\n  - {pointer: \"\", files: [ref.yaml]}\n",
            vec!["duplicate-key error -"],
        ),
    ] {
        write(&dir.path().join(".apigctl.yaml"), config);
        let run = apigctl(dir.path(), &args);
        assert_eq!(findings(&run), left, "{config}");
    }
}

fn split_operation(id: &str) -> String {
    SHARED_PATHS.replace("_bad", id)
}

/// A finding in a file that the input references is judged by the settings of that file:
/// `files:` globs of `ignore` and `overrides` entries, and pointers, are matched where the
/// finding is written, not against the input that reached it.
#[test]
fn ignore_and_overrides_apply_in_the_file_a_finding_is_written_in() {
    let dir = tempdir();
    write(&dir.path().join("a.yaml"), &split_operation("_aaa"));
    write(&dir.path().join("b.yaml"), &split_operation("_bbb"));
    write(
        &dir.path().join("root.yaml"),
        "openapi: 3.0.3\ninfo: {title: orders, version: \"1\"}\npaths:\n  /a:\n    $ref: ./a.yaml#/orders\n  /b:\n    $ref: ./b.yaml#/orders\n",
    );
    let placed = |run: &Run| {
        each_finding(run, |d| {
            format!(
                "{} {} {} {}",
                d["code"].as_str().unwrap_or("?"),
                d["severity"].as_str().unwrap_or("?"),
                d["location"]["file"].as_str().unwrap_or("?"),
                d["pointer"].as_str().unwrap_or("-"),
            )
        })
    };
    let args = ["lint", "--format", "json", "root.yaml"];
    let a = "apig-api-name error a.yaml /orders/get/operationId";
    let b = "apig-api-name error b.yaml /orders/get/operationId";
    let b_warn = "apig-api-name warn b.yaml /orders/get/operationId";
    for (config, left) in [
        ("", vec![a, b]),
        (
            "ignore:\n  - {pointer: /orders/get/operationId, files: [root.yaml]}\n",
            vec![a, b],
        ),
        (
            "ignore:\n  - {pointer: /orders/get/operationId, files: [a.yaml]}\n",
            vec![b],
        ),
        (
            "overrides:\n  - {files: [b.yaml], rules: {apig-api-name: warn}}\n",
            vec![a, b_warn],
        ),
        (
            "overrides:\n  - {files: [root.yaml], rules: {apig-api-name: off}}\n",
            vec![a, b],
        ),
        (
            "rules: {apig-api-name: off}\noverrides:\n  - {files: [b.yaml], rules: {apig-api-name: warn}}\n",
            vec![b_warn],
        ),
    ] {
        write(&dir.path().join(".apigctl.yaml"), config);
        let run = apigctl(dir.path(), &args);
        assert_eq!(placed(&run), left, "{config}\n{}", run.stderr);
    }
}

/// A user rule is described in SARIF from its rule file, as a built-in one from the
/// catalogue: its description, not its first finding's message; and no rule gets a `helpUri`
/// (the rules are documented at no stable URL).
#[test]
fn sarif_describes_user_rules_from_their_rule_files() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    write(
        &dir.path().join("team/rules/oas-team-operation-id.yaml"),
        TEAM_RULE,
    );
    write(
        &dir.path().join(".apigctl.yaml"),
        "extends: [apigctl:recommended, team/rules/oas-team-operation-id.yaml]\n",
    );
    let run = apigctl(dir.path(), &["lint", "--format", "sarif", "spec.yaml"]);
    let sarif = document(&run, "sarif");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let team = rules
        .iter()
        .find(|r| r["id"] == "oas-team-operation-id")
        .expect("the user rule's descriptor");
    assert_eq!(
        team["shortDescription"]["text"],
        "operationIds are camelCase"
    );
    assert_eq!(team["defaultConfiguration"]["level"], "warning");
    assert_eq!(team["properties"]["source"], "team style guide");
    assert!(
        rules.iter().all(|r| r.get("helpUri").is_none()),
        "{rules:?}"
    );
}

/// A bad base path is reported at each path it is joined with, and each finding names where
/// the base is written: Swagger 2.0's `basePath`, or the server URL.
#[test]
fn a_request_path_finding_names_the_base_path_it_starts_with() {
    let dir = tempdir();
    let operation = "    get:\n      operationId: list_orders\n      x-apigateway-request-type: public\n      x-apigateway-match-mode: NORMAL\n      x-apigateway-cors: false\n      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}\n      responses: {\"200\": {description: ok}}\n";
    write(
        &dir.path().join("sw.yaml"),
        &format!(
            "swagger: \"2.0\"\ninfo: {{title: orders, version: \"1\"}}\nbasePath: /v1^bad\npaths:\n  /orders:\n{operation}"
        ),
    );
    write(
        &dir.path().join("srv.yaml"),
        &format!(
            "openapi: 3.0.3\ninfo: {{title: orders, version: \"1\"}}\nservers:\n  - url: https://example.com/v1^bad\npaths:\n  /orders:\n{operation}"
        ),
    );
    let run = apigctl(
        dir.path(),
        &["lint", "--format", "json", "sw.yaml", "srv.yaml"],
    );
    let seen = each_finding(&run, |d| {
        let related = &d["related"][0];
        format!(
            "{} {}:{} related {}:{}:{} {}",
            d["code"].as_str().unwrap_or("?"),
            d["location"]["file"].as_str().unwrap_or("?"),
            d["location"]["line"],
            related["file"].as_str().unwrap_or("?"),
            related["line"],
            related["column"],
            related["message"].as_str().unwrap_or("?"),
        )
    });
    assert_eq!(
        seen,
        [
            "apig-req-uri sw.yaml:5 related sw.yaml:3:11 the request path starts with this base path",
            "apig-req-uri srv.yaml:6 related srv.yaml:4:10 the request path starts with this base path",
        ]
    );
}

/// A finding in YAML content that aliases repeat is located where that content is written,
/// under its anchor, and has the pointer of that place too, so an `ignore` entry names it by
/// the anchor's pointer (not by the pointer of the first alias that reached it).
#[test]
fn a_finding_under_an_anchor_has_the_anchors_pointer() {
    let dir = tempdir();
    let operation = |id: &str| {
        format!(
            "    get:\n      operationId: {id}\n      x-apigateway-request-type: public\n      x-apigateway-match-mode: NORMAL\n      x-apigateway-cors: false\n      x-apigateway-backend: *be\n      responses: {{\"200\": {{description: ok}}}}\n"
        )
    };
    write(
        &dir.path().join("anchors.yaml"),
        &format!(
            "openapi: 3.0.3\ninfo: {{title: orders, version: \"1\"}}\nx-common: &be\n  type: HTTP\n  httpEndpoints:\n    address: example.com\n    scheme: https\n    method: GET\n    path: /orders\n    timeout: 99999999\npaths:\n  /orders:\n{}  /items:\n{}",
            operation("list_orders"),
            operation("list_items")
        ),
    );
    let args = ["lint", "--format", "json", "anchors.yaml"];
    let run = apigctl(dir.path(), &args);
    let seen = each_finding(&run, |d| {
        format!(
            "{} {} {}",
            d["code"].as_str().unwrap_or("?"),
            d["location"]["line"],
            d["pointer"].as_str().unwrap_or("-"),
        )
    });
    assert_eq!(
        seen,
        ["apig-backend-timeout 10 /x-common/httpEndpoints/timeout"]
    );
    write(
        &dir.path().join(".apigctl.yaml"),
        "ignore:\n  - pointer: /x-common\n",
    );
    let run = apigctl(dir.path(), &args);
    assert_eq!(findings(&run), Vec::<String>::new());
}

/// An output path that is one of the inputs (however it is written) is refused before anything
/// is read or written: the document being read stays as it is.
#[test]
fn outputs_never_replace_an_input() {
    let dir = tempdir();
    let spec = dir.path().join("spec.yaml");
    write(&spec, SPEC);
    for args in [
        &["import", "spec.yaml", "-o", "./spec.yaml"][..],
        &["export", "spec.yaml", "-o", "spec.yaml"],
        &["convert", "spec.yaml", "--oas", "2.0", "-o", "spec.yaml"],
        &["lint", "--write-baseline", "spec.yaml", "spec.yaml"],
    ] {
        let run = apigctl(dir.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("is an input of this command"),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(
            std::fs::read_to_string(&spec).expect("spec"),
            SPEC,
            "{args:?} changed the input"
        );
    }
}

/// A baseline is not written from a run that could not read or load every input: it would
/// drop what it accepted for them.
#[test]
fn a_baseline_is_not_replaced_by_a_run_that_missed_an_input() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    write(&dir.path().join("broken.yaml"), "a: [1\n");
    write(&dir.path().join("b.json"), "OLD");
    for missing in ["nosuch.yaml", "broken.yaml"] {
        let run = apigctl(
            dir.path(),
            &["lint", "--write-baseline", "b.json", "spec.yaml", missing],
        );
        assert_eq!(run.code, 2, "{missing}: {}", run.stderr);
        assert!(
            run.stderr.contains("baseline b.json not written"),
            "{missing}: {}",
            run.stderr
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("b.json")).expect("baseline"),
            "OLD"
        );
    }
}

/// Out-of-range request settings are usage errors, not a crash deep in the client.
#[test]
fn request_settings_out_of_range_are_usage_errors() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    for (flag, value) in [
        ("--parallelism", "18446744073709551615"),
        ("--parallelism", "0"),
        ("--timeout", "0"),
    ] {
        // `dump`'s usage errors exit 2 (`diff` and `sync` keep 2 for "changes pending").
        let run = apigctl(dir.path(), &["dump", flag, value]);
        assert_eq!(run.code, 2, "{flag} {value}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("invalid value '{value}' for '{flag} <")),
            "{flag} {value}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

/// `diff` and `sync` asked for JSON write a failure document on stdout for a command line
/// they refuse too (exit 1), as for every other failure; clap's message stays on stderr.
#[test]
fn a_refused_command_line_asked_for_json_gets_a_json_failure() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    for args in [
        &[
            "diff",
            "spec.yaml",
            "--env",
            "DEV",
            "--format",
            "json",
            "--parallelism",
            "0",
        ][..],
        &[
            "sync",
            "spec.yaml",
            "--env",
            "DEV",
            "--format=json",
            "--timeout",
            "0",
        ],
    ] {
        let run = apigctl(dir.path(), args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect(&run.stdout);
        let error = doc["error"].as_str().unwrap_or_default();
        assert!(error.starts_with("invalid value '0' for '--"), "{doc}");
        assert!(run.stderr.contains(error), "{}", run.stderr);
    }
    // Without `--format json` stdout stays empty.
    let run = apigctl(
        dir.path(),
        &["diff", "spec.yaml", "--env", "DEV", "--parallelism", "0"],
    );
    assert_eq!((run.code, run.stdout.as_str()), (1, ""));
}

/// An empty file says it is empty, and how a document starts.
#[test]
fn an_empty_file_is_called_empty() {
    let dir = tempdir();
    write(&dir.path().join("e.yaml"), "# nothing yet\n");
    let run = apigctl(dir.path(), &["lint", "e.yaml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("the file is empty") && run.stdout.contains("`apigctl: 1`"),
        "{}{}",
        run.stdout,
        run.stderr
    );
}

/// `.apigctl.yaml` given to a gateway command's `--config` (the connection file) is named
/// for what it is.
#[test]
fn a_lint_configuration_given_as_the_gateway_configuration_is_recognised() {
    let dir = tempdir();
    write(
        &dir.path().join("spec.yaml"),
        include_str!("../testdata/definitions/orders.yaml"),
    );
    write(
        &dir.path().join(".apigctl.yaml"),
        "rules:\n  apig-cors: off\n",
    );
    let run = apigctl(
        dir.path(),
        &[
            "diff",
            "spec.yaml",
            "--env",
            "DEV",
            "--config",
            ".apigctl.yaml",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let shown = format!("{}{}", run.stdout, run.stderr);
    assert!(
        shown.contains("this looks like a lint configuration"),
        "{shown}"
    );
}

/// A `--group-name` the gateway refuses is a usage error, said by the rule that states it.
#[test]
fn a_group_name_the_gateway_refuses_is_a_usage_error() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    let run = apigctl(dir.path(), &["import", "spec.yaml", "--group-name", "x"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("apigctl: error: --group-name: group name `x` has 1 characters")
            && run.stderr.contains("[apig-group-name]")
            && run.stdout.is_empty(),
        "{}",
        run.stderr
    );
}

/// `-o` naming a directory (`.` included) says it is one, exit 2.
#[test]
fn an_output_that_is_a_directory_is_named_so() {
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    for target in [".", "sub"] {
        std::fs::create_dir_all(dir.path().join("sub")).expect("sub");
        let run = apigctl(
            dir.path(),
            &[
                "import",
                "spec.yaml",
                "--group-name",
                "spec_api",
                "-o",
                target,
            ],
        );
        assert_eq!(run.code, 2, "{target}: {}", run.stderr);
        assert!(
            run.stderr.contains("it is a directory; name a file in it"),
            "{target}: {}",
            run.stderr
        );
    }
}

/// A node the OpenAPI schema refuses and import reads otherwise than written (an upper-case
/// `GET`, a `security` mapping) is one problem: lint shows one finding at it, the more severe
/// (the schema's error over import's warning for `GET`), and of two errors import's, which
/// says what it means for the API (the `security` mapping).
#[test]
fn a_node_the_schema_and_import_both_refuse_is_one_finding() {
    let dir = tempdir();
    write(
        &dir.path().join("spec.yaml"),
        concat!(
            "openapi: 3.0.3\n",
            "info: {title: dup, version: '1'}\n",
            "paths:\n",
            "  /a:\n",
            "    GET: {operationId: upper, responses: {default: {description: ok}}}\n",
            "    get:\n",
            "      operationId: lower\n",
            "      x-apigateway-request-type: public\n",
            "      x-apigateway-match-mode: NORMAL\n",
            "      x-apigateway-cors: false\n",
            "      security: {apig-auth-app: []}\n",
            "      x-apigateway-backend: {type: MOCK, mockEndpoints: {result-content: x}}\n",
            "      responses: {default: {description: ok}}\n",
            "components:\n",
            "  securitySchemes:\n",
            "    apig-auth-app: {type: apiKey, name: Authorization, in: header, x-apigateway-auth-type: AppSigv1}\n",
        ),
    );
    let run = apigctl(dir.path(), &["lint", "spec.yaml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!(format!("stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr));
}

/// `-o` and `--write-baseline` naming a read-only file refuse to replace it (exit 2, the file
/// left as it was, how to make it writable said), by its mode bits, so as root too; a writable
/// file they replace keeps its mode.
#[cfg(unix)]
#[test]
fn a_read_only_output_is_refused_and_a_replaced_one_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    write(&dir.path().join("spec.yaml"), SPEC);
    let out = dir.path().join("out.yaml");
    let import = [
        "import",
        "spec.yaml",
        "--group-name",
        "spec_api",
        "-o",
        "out.yaml",
    ];
    let baseline = ["lint", "spec.yaml", "--write-baseline", "out.yaml"];
    for args in [&import[..], &baseline] {
        write(&out, "kept");
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o444)).expect("chmod");
        let run = apigctl(dir.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(
                "apigctl: error: cannot write out.yaml: it is read-only; make it writable first (`chmod u+w out.yaml`), or write to another file\n"
            ),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(std::fs::read_to_string(&out).expect("out"), "kept");
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        let run = apigctl(dir.path(), args);
        assert!(run.code != 2, "{args:?}: {}", run.stderr);
        assert_ne!(std::fs::read_to_string(&out).expect("out"), "kept");
        let mode = std::fs::metadata(&out).expect("out").permissions().mode();
        assert_eq!(mode & 0o777, 0o640, "{args:?}");
    }
}

/// With several files, `APIGCTL_TIMINGS` shows each file's phases and rules under its name
/// (in the order given), then the run's own; one file has no heading.
#[test]
fn timings_are_per_file() {
    let dir = tempdir();
    write(&dir.path().join("a.yaml"), SPEC);
    write(&dir.path().join("b.yaml"), SPEC);
    let timed = |files: &[&str]| {
        let mut args = vec!["lint", "--fail-on", "error"];
        args.extend(files);
        let out = Command::new(env!("CARGO_BIN_EXE_apigctl"))
            .args(&args)
            .current_dir(dir.path())
            .env("APIGCTL_TIMINGS", "1")
            .output()
            .expect("runs");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let stderr = timed(&["a.yaml", "b.yaml"]);
    let timing: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("apigctl: timing: "))
        .collect();
    let heading = |name: &str| timing.iter().position(|l| *l == format!("{name}:"));
    let (Some(a), Some(b)) = (heading("a.yaml"), heading("b.yaml")) else {
        panic!("{stderr}");
    };
    assert!(a == 0 && a < b, "{stderr}");
    for (from, to) in [(a, b), (b, timing.len())] {
        let section = &timing[from + 1..to];
        let phase = |p: &str| {
            section
                .iter()
                .filter(|l| l.contains(&format!(" ms  {p} (done at")))
                .count()
        };
        assert_eq!(
            (phase("load"), phase("dedup, ignores, sort")),
            (1, 1),
            "{stderr}"
        );
    }
    // The run's own phases come after the files, once.
    let render = timing
        .iter()
        .position(|l| l.contains(" ms  render report"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(render > b, "{stderr}");
    assert!(!timed(&["a.yaml"]).contains("apigctl: timing: a.yaml:"));
}
