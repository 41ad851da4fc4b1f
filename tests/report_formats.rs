//! The CI output formats: SARIF (validated against the official SARIF 2.1.0 schema), JUnit
//! (parsed as XML) and GitHub workflow commands (escaping), plus snapshots of each.

use apigctl::commands::lint::{LintOptions, lint_file};
use apigctl::diagnostic::{Diagnostic, Severity};
use apigctl::report::{
    FileReport, Format, RunStatus, Unanalysed, github_escape_data, github_escape_property, render,
    render_failure, render_run, xml_escape,
};
use apigctl::source::{Input, SourceFile, Sources, Span};
use serde_json::Value;

mod sarif_schema;

const ORDERS: &str = "openapi: 3.0.0
info:
  title: \"订单 🚀 & <服务>\"
  version: '1'
paths:
  /orders/{id}:
    get:
      operationId: getOrder
      summary: Größe
";

const COMMON: &str = "operations:
  getOrder: shared
";

/// Byte span of the first `needle` in `text`.
fn span_of(text: &str, needle: &str) -> Span {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} in fixture"));
    Span::new(start, start + needle.len())
}

/// Three inputs: one with findings of every severity (non-ASCII spans, a related location
/// in a second loaded file, characters every format must escape), one clean, and one whose
/// only finding has no location.
fn fixture(prefix: &str) -> Vec<FileReport> {
    let orders_text = format!("{prefix}{ORDERS}");
    let mut sources = Sources::new();
    let orders = sources.add(SourceFile::new(
        "specs/orders.yaml",
        None,
        orders_text.clone(),
    ));
    let common = sources.add(SourceFile::new(
        "specs\\common.yaml",
        None,
        COMMON.to_string(),
    ));
    let diagnostics = vec![
        Diagnostic::error(
            "apig-api-name",
            "API name `订单 🚀 & <服务>` has characters the gateway rejects: 100% of them, e.g. `🚀`, `&`",
        )
        .at(orders, span_of(&orders_text, "\"订单 🚀 & <服务>\""))
        .pointer("/info/title")
        .help("use letters, digits and underscores,\nstarting with a letter")
        .source("API Reference 3.5.1, Table 3-167"),
        Diagnostic::warn(
            "oas-duplicate-operation-id",
            "operationId `getOrder` is also used in specs\\common.yaml",
        )
        .at(orders, span_of(&orders_text, "getOrder"))
        .pointer("/paths/~1orders~1{id}/get/operationId")
        .related(common, span_of(COMMON, "getOrder"), "also used here"),
        Diagnostic::new(
            "apig-summary-ascii",
            Severity::Info,
            "summary `Größe` contains non-ASCII text",
        )
        .at(orders, span_of(&orders_text, "Größe"))
        .pointer("/paths/~1orders~1{id}/get/summary"),
        Diagnostic::new(
            "apig-summary-ascii",
            Severity::Hint,
            "control character \u{1} in a message",
        )
        .at(orders, span_of(&orders_text, "summary")),
    ];
    let mut empty = Sources::new();
    empty.add(SourceFile::new(
        "clean.yaml",
        None,
        "openapi: 3.1.0\n".into(),
    ));
    let mut unreadable = Sources::new();
    unreadable.add(SourceFile::new(
        "dir with space/ünï.json",
        None,
        String::new(),
    ));
    vec![
        FileReport {
            name: "specs/orders.yaml".into(),
            sources,
            diagnostics,
        },
        FileReport {
            name: "clean.yaml".into(),
            sources: empty,
            diagnostics: Vec::new(),
        },
        FileReport {
            name: "dir with space/ünï.json".into(),
            sources: unreadable,
            diagnostics: vec![Diagnostic::error("json-syntax", "the file is empty")],
        },
    ]
}

fn sarif_validator() -> Option<jsonschema::Validator> {
    sarif_schema::validator()
}

fn sarif_errors(validator: &jsonschema::Validator, sarif: &Value) -> Vec<String> {
    sarif_schema::errors(validator, sarif)
}

fn parse_sarif(reports: &[FileReport]) -> Value {
    serde_json::from_str(&render(Format::Sarif, reports, false)).expect("SARIF is JSON")
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!(render(Format::Sarif, &fixture(""), false));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!(render(Format::Junit, &fixture(""), false));
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!(render(Format::Github, &fixture(""), false));
}

#[test]
fn every_format_is_byte_identical_across_runs() {
    for format in [Format::Sarif, Format::Junit, Format::Github] {
        assert_eq!(
            render(format, &fixture(""), false),
            render(format, &fixture(""), false),
            "{format:?}"
        );
    }
}

#[test]
fn formats_parse_from_their_names() {
    for (name, format) in [
        ("sarif", Format::Sarif),
        ("junit", Format::Junit),
        ("github", Format::Github),
    ] {
        assert_eq!(name.parse::<Format>(), Ok(format));
    }
    assert!("xml".parse::<Format>().is_err());
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let Some(validator) = sarif_validator() else {
        return;
    };
    let sarif = parse_sarif(&fixture(""));
    assert_eq!(sarif_errors(&validator, &sarif), Vec::<String>::new());

    // The check can fail: a level SARIF does not know is rejected.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("warn");
    assert_eq!(sarif_errors(&validator, &broken).len(), 1);
    // Formats are asserted too: a file name used as a URI unencoded is not a URI reference.
    let mut unencoded = sarif.clone();
    unencoded["runs"][0]["results"][4]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        Value::from("dir with space/x.json");
    assert_eq!(sarif_errors(&validator, &unencoded).len(), 1);
}

#[test]
fn sarif_from_real_lint_runs_validates() {
    let Some(validator) = sarif_validator() else {
        return;
    };
    let reports: Vec<FileReport> = [
        "testdata/schema/invalid-3.0.yaml",
        "testdata/invalid/duplicate-key.yaml",
        "testdata/schema/valid-3.0-uspto.json",
    ]
    .iter()
    .map(|p| lint_file(&Input::from_arg(p), &LintOptions::default()).expect("readable"))
    .collect();
    let sarif = parse_sarif(&reports);
    assert_eq!(sarif_errors(&validator, &sarif), Vec::<String>::new());
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let total: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
    assert!(total > 0);
    assert_eq!(results.len(), total);

    let junit = render(Format::Junit, &reports, false);
    let doc = roxmltree::Document::parse(&junit).expect("well-formed JUnit");
    let suites = doc.root_element().children().filter(|n| n.is_element());
    assert_eq!(suites.count(), 3);
}

#[test]
fn sarif_rules_levels_and_regions() {
    let sarif = parse_sarif(&fixture(""));
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["tool"]["driver"]["name"], "apigctl");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));

    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "apig-api-name",
            "apig-summary-ascii",
            "json-syntax",
            "oas-duplicate-operation-id"
        ]
    );
    let help = rules[0]["help"]["text"].as_str().expect("help");
    assert!(
        help.contains("Source: API Reference 3.5.1, Table 3-167"),
        "{help}"
    );

    let results = run["results"].as_array().expect("results");
    for r in results {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
    let levels: Vec<&str> = results.iter().filter_map(|r| r["level"].as_str()).collect();
    assert_eq!(levels, ["error", "warning", "note", "note", "error"]);

    // `  title: "订单 🚀 & <服务>"`: the value starts at column 10 and its 13 characters
    // end before column 23, counted in code points (the rocket is 2 UTF-16 units).
    let region = &results[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 3);
    assert_eq!(region["startColumn"], 10);
    assert_eq!(region["endLine"], 3);
    assert_eq!(region["endColumn"], 23);

    let related = &results[1]["relatedLocations"][0];
    // A backslash separates directories on Windows only; elsewhere it is in the name.
    let common = if cfg!(windows) {
        "specs/common.yaml"
    } else {
        "specs%5Ccommon.yaml"
    };
    assert_eq!(
        related["physicalLocation"]["artifactLocation"]["uri"],
        common
    );
    assert_eq!(
        related["physicalLocation"]["artifactLocation"]["uriBaseId"],
        "%SRCROOT%"
    );
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 2);
    assert_eq!(related["message"]["text"], "also used here");

    let uri = &results[4]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "dir%20with%20space/%C3%BCn%C3%AF.json");
}

#[test]
fn sarif_fingerprints_survive_moved_lines_and_tell_findings_apart() {
    let fingerprints = |reports: &[FileReport]| -> Vec<(String, u64)> {
        parse_sarif(reports)["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"]["apigctl/v2"]
                        .as_str()
                        .expect("fingerprint")
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap_or(0),
                )
            })
            .collect()
    };
    let before = fingerprints(&fixture(""));
    let after = fingerprints(&fixture("# a comment\n\n"));
    for ((fb, lb), (fa, la)) in before.iter().zip(&after) {
        assert_eq!(fb, fa);
        if *lb > 0 {
            assert_eq!(lb + 2, *la);
        }
    }
    let mut unique: Vec<&String> = before.iter().map(|(f, _)| f).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), before.len());
}

#[test]
fn junit_is_well_formed_and_counts_findings() {
    let xml = render(Format::Junit, &fixture(""), false);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed JUnit");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("6"));
    assert_eq!(root.attribute("failures"), Some("3"));

    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    let names: Vec<_> = suites.iter().filter_map(|s| s.attribute("name")).collect();
    assert_eq!(
        names,
        ["specs/orders.yaml", "clean.yaml", "dir with space/ünï.json"]
    );
    for suite in &suites {
        let cases = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .count();
        assert_eq!(suite.attribute("tests"), Some(cases.to_string().as_str()));
        let failures = suite
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count();
        assert_eq!(
            suite.attribute("failures"),
            Some(failures.to_string().as_str())
        );
    }

    let first = suites[0]
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .expect("a test case");
    assert_eq!(first.attribute("classname"), Some("apig-api-name"));
    assert_eq!(first.attribute("name"), Some("/info/title"));
    let failure = first
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("failure");
    // Special characters survive the round trip through the XML parser.
    assert_eq!(
        failure.attribute("message"),
        Some(
            "API name `订单 🚀 & <服务>` has characters the gateway rejects: 100% of them, e.g. `🚀`, `&`"
        )
    );
    let body = failure.text().expect("failure body");
    assert!(body.starts_with("specs/orders.yaml:3:10: error[apig-api-name]"));
    assert!(body.contains("help: use letters, digits and underscores,\nstarting with a letter"));
    assert!(body.contains("source: API Reference 3.5.1, Table 3-167"));

    // Infos and hints pass, with the finding in system-out.
    let out: Vec<_> = suites[0]
        .descendants()
        .filter(|n| n.has_tag_name("system-out"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(out.len(), 2);
    assert!(out[1].contains("control character \u{FFFD} in a message"));
}

#[test]
fn xml_escape_round_trips_through_a_parser() {
    assert_eq!(
        xml_escape("a&b<c>d\"e'f"),
        "a&amp;b&lt;c&gt;d&quot;e&apos;f"
    );
    assert_eq!(xml_escape("tab\tlf\ncr\r"), "tab&#9;lf&#10;cr&#13;");
    // XML 1.0 forbids these even as character references.
    assert_eq!(
        xml_escape("\u{0}\u{8}\u{B}\u{C}\u{1F}\u{FFFE}\u{FFFF}ok"),
        "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}ok"
    );
    assert_eq!(xml_escape("中文 ✓"), "中文 ✓");

    let nasty = "& < > \" ' \t\n\r \u{1} ]]> 中";
    let xml = format!("<r a=\"{}\">{}</r>", xml_escape(nasty), xml_escape(nasty));
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    let expected = "& < > \" ' \t\n\r \u{FFFD} ]]> 中";
    assert_eq!(doc.root_element().attribute("a"), Some(expected));
    assert_eq!(doc.root_element().text(), Some(expected));
}

#[test]
fn github_escaping_follows_the_workflow_command_rules() {
    assert_eq!(github_escape_data("100% done"), "100%25 done");
    assert_eq!(github_escape_data("a\r\nb\nc"), "a%0D%0Ab%0Ac");
    assert_eq!(github_escape_data("a:b,c"), "a:b,c");
    assert_eq!(github_escape_property("a:b,c"), "a%3Ab%2Cc");
    assert_eq!(github_escape_property("50%\n"), "50%25%0A");
    // `%` goes first, so an escape sequence in the input is not decoded by the runner.
    assert_eq!(github_escape_data("%0A"), "%250A");
    assert_eq!(github_escape_property("订单,🚀"), "订单%2C🚀");
}

#[test]
fn github_commands_one_per_finding() {
    let out = render(Format::Github, &fixture(""), false);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(lines[0].starts_with(
        "::error file=specs/orders.yaml,line=3,col=10,endLine=3,endColumn=23,title=apig-api-name::"
    ));
    assert!(lines[1].starts_with("::warning file=specs/orders.yaml,line=8,"));
    assert!(lines[1].contains("%0Aspecs\\common.yaml:2:3: note: also used here"));
    assert!(lines[2].starts_with("::notice "));
    assert!(lines[3].starts_with("::notice "));
    assert_eq!(
        lines[4],
        "::error file=dir with space/ünï.json,title=json-syntax::the file is empty"
    );
}

/// Messages quote values from the document; a control character or a bidirectional override
/// among them is shown as its escape, so it cannot clear the terminal, recolour it or make a
/// line read backwards (human and GitHub output; JSON, SARIF and JUnit escape on their own).
#[test]
fn values_in_messages_cannot_drive_the_terminal() {
    let text = "operationId: x\n";
    let mut sources = Sources::new();
    let file = sources.add(SourceFile::new("a.yaml", None, text.into()));
    let reports = vec![FileReport {
        name: "a.yaml".into(),
        sources,
        diagnostics: vec![
            Diagnostic::error(
                "apig-api-name",
                "API name `x\u{1b}[2J\u{1b}[31mHIDDEN\u{202e}cba\rFAKE: fine` is not valid",
            )
            .at(file, span_of(text, "x"))
            .help("rename `x\u{1b}[0m`"),
        ],
    }];
    for format in [Format::Human, Format::Github] {
        let out = render(format, &reports, false);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{202e}') && !out.contains('\r'),
            "{format:?}: {out}"
        );
        assert!(
            out.contains("x\\u{1b}[2J\\u{1b}[31mHIDDEN\\u{202e}cba"),
            "{format:?}: {out}"
        );
    }
    let human = render(Format::Human, &reports, false);
    assert!(human.contains("help: rename `x\\u{1b}[0m`"), "{human}");
}

/// The snippet quotes the document's own line: its control characters are shown as pictures
/// (`␛`), in colour too, and a line feed in a quoted value cannot start a line of the report
/// (a line starting `::error` is a GitHub Actions command wherever it is printed).
#[test]
fn the_documents_own_lines_cannot_drive_the_terminal() {
    let text = "title: a\u{1b}]0;pwned\u{7}\u{1b}[2Jb\u{85}\u{202e}z\u{7f}\n";
    let mut sources = Sources::new();
    let file = sources.add(SourceFile::new("a.yaml", None, text.into()));
    let reports = vec![FileReport {
        name: "a.yaml".into(),
        sources,
        diagnostics: vec![
            Diagnostic::error(
                "apig-group-name",
                "group name `x\n::error file=e.yaml::pwned`",
            )
            .at(file, span_of(text, "a"))
            .related(file, span_of(text, "z"), "see `\n::warning::here`"),
        ],
    }];
    for color in [false, true] {
        let out = render(Format::Human, &reports, color);
        let without_colour: String = out
            .split("\u{1b}[")
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    // A colour sequence is digits and `;` up to its `m`.
                    part.split_once('m').map_or(part, |(_, rest)| rest)
                }
            })
            .collect();
        assert!(
            !without_colour.contains(['\u{1b}', '\u{7}', '\u{85}', '\u{202e}', '\u{7f}']),
            "colour {color}: {out:?}"
        );
        assert!(
            without_colour
                .contains("title: a\u{241b}]0;pwned\u{2407}\u{241b}[2Jb\u{fffd}\u{fffd}z\u{2421}"),
            "colour {color}: {out:?}"
        );
        assert!(
            !out.lines().any(|l| l.starts_with("::")),
            "colour {color}: {out}"
        );
        assert!(
            out.contains("group name `x\\n::error file=e.yaml::pwned`"),
            "{out}"
        );
        assert!(out.contains("see `\\n::warning::here`"), "{out}");
    }
}

/// Why the configuration stopped a run: a mistake in it, and one in a rule file it names (at
/// its place there, with the `extends` entry related).
fn failure_fixture() -> FileReport {
    let config_text = "extends: [team/oas-x.yaml]\nrules: {apig-api-nme: error}\n";
    let rule_text = "id: oas-x\nselect: $.a[\n";
    let mut sources = Sources::new();
    let config = sources.add(SourceFile::new(
        ".apigctl.yaml",
        None,
        config_text.to_owned(),
    ));
    let rule = sources.add(SourceFile::new(
        "team/oas-x.yaml",
        None,
        rule_text.to_owned(),
    ));
    FileReport {
        name: ".apigctl.yaml".into(),
        sources,
        diagnostics: vec![
            Diagnostic::error("config-invalid", "unknown rule `apig-api-nme`")
                .at(config, span_of(config_text, "apig-api-nme"))
                .help("did you mean `apig-api-name`?"),
            Diagnostic::error(
                "config-invalid",
                "rule file `team/oas-x.yaml` is invalid: bad selector: `[` is not closed",
            )
            .at(rule, span_of(rule_text, "["))
            .help("rules/README.md describes the rule file format")
            .related(
                config,
                span_of(config_text, "team/oas-x.yaml"),
                "named in `extends` here",
            ),
        ],
    }
}

const REASON: &str = "invalid configuration .apigctl.yaml; nothing was linted";

fn failure(format: Format) -> String {
    render_failure(format, &failure_fixture(), REASON, 2)
}

#[test]
fn failure_snapshots() {
    // The human format leaves stdout empty: the diagnostics are on stderr.
    assert_eq!(failure(Format::Human), "");
    insta::assert_snapshot!("failure_json", failure(Format::Json));
    insta::assert_snapshot!("failure_sarif", failure(Format::Sarif));
    insta::assert_snapshot!("failure_junit", failure(Format::Junit));
    insta::assert_snapshot!("failure_github", failure(Format::Github));
}

#[test]
fn sarif_of_a_failed_run_validates_and_says_it_failed() {
    let sarif: Value = serde_json::from_str(&failure(Format::Sarif)).expect("SARIF is JSON");
    if let Some(validator) = sarif_validator() {
        assert_eq!(sarif_errors(&validator, &sarif), Vec::<String>::new());
    }
    let run = &sarif["runs"][0];
    // Present and empty, as SARIF allows for a run that failed before its analysis (and as
    // GitHub's upload action needs).
    assert_eq!(run["results"], serde_json::json!([]));
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(invocation["exitCode"], 2);
    assert_eq!(invocation["exitCodeDescription"], REASON);
    let descriptors = run["tool"]["driver"]["notifications"]
        .as_array()
        .expect("notification descriptors");
    let notifications = invocation["toolConfigurationNotifications"]
        .as_array()
        .expect("notifications");
    assert_eq!(notifications.len(), 2);
    for n in notifications {
        let index = n["descriptor"]["index"].as_u64().expect("index") as usize;
        assert_eq!(descriptors[index]["id"], n["descriptor"]["id"]);
        assert_eq!(n["level"], "error");
    }
    let located = &notifications[1];
    assert!(
        located["message"]["text"]
            .as_str()
            .is_some_and(|t| t.ends_with("\nhelp: rules/README.md describes the rule file format"))
    );
    let at = &located["locations"][0]["physicalLocation"];
    assert_eq!(at["artifactLocation"]["uri"], "team/oas-x.yaml");
    assert_eq!(at["region"]["startLine"], 2);
    assert_eq!(at["region"]["startColumn"], 12);
    let entry = &located["locations"][1];
    assert_eq!(
        entry["physicalLocation"]["artifactLocation"]["uri"],
        ".apigctl.yaml"
    );
    assert_eq!(entry["message"]["text"], "named in `extends` here");
}

/// The real thing: what `load_config` reports of a configuration naming a broken rule file,
/// rendered as SARIF, is valid SARIF.
#[test]
fn sarif_of_a_real_configuration_failure_validates() {
    let Some(validator) = sarif_validator() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let rule = "id: oas-x\nseverity: warn\ndescription: d\nsource: s\nmessage: m\ngiven: openapi\nselect: $.a[\nthen: [{pattern: a}]\nexamples: {fail: x, pass: y}\n";
    std::fs::write(dir.path().join("oas-x.yaml"), rule).expect("write");
    let config = dir.path().join(".apigctl.yaml");
    std::fs::write(
        &config,
        "extends: [apigctl:recomended, oas-x.yaml, missing.yaml]\n",
    )
    .expect("write");
    let builtin = apigctl::lint::builtin_rules().expect("built-in rules");
    let Err(apigctl::lint::config::ConfigError::Invalid(report)) =
        apigctl::lint::config::load_config(&config, builtin)
    else {
        panic!("the configuration is invalid");
    };
    assert_eq!(report.diagnostics.len(), 3);
    for format in [Format::Sarif, Format::Json] {
        let text = render_failure(format, &report, REASON, 2);
        let doc: Value = serde_json::from_str(&text).expect("JSON");
        if format == Format::Sarif {
            assert_eq!(sarif_errors(&validator, &doc), Vec::<String>::new());
        }
    }
    let junit = render_failure(Format::Junit, &report, REASON, 2);
    roxmltree::Document::parse(&junit).expect("well-formed JUnit");
}

#[test]
fn junit_of_a_failed_run_has_an_error_per_mistake() {
    let xml = failure(Format::Junit);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed JUnit");
    let root = doc.root_element();
    assert_eq!(root.attribute("tests"), Some("2"));
    assert_eq!(root.attribute("errors"), Some("2"));
    assert_eq!(root.attribute("failures"), Some("0"));
    let suite = root
        .children()
        .find(|n| n.has_tag_name("testsuite"))
        .expect("a suite");
    assert_eq!(suite.attribute("name"), Some(".apigctl.yaml"));
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[1].attribute("file"), Some("team/oas-x.yaml"));
    assert_eq!(cases[1].attribute("name"), Some("team/oas-x.yaml:2:12"));
    let error = cases[1]
        .children()
        .find(|n| n.has_tag_name("error"))
        .expect("an <error>");
    let body = error.text().expect("body");
    assert!(body.starts_with("team/oas-x.yaml:2:12: error[config-invalid]"));
    assert!(body.contains(".apigctl.yaml:1:11: note: named in `extends` here"));
    assert!(!xml.contains("<failure"));
    let err = suite
        .children()
        .find(|n| n.has_tag_name("system-err"))
        .and_then(|n| n.text());
    assert_eq!(err, Some(REASON));
}

/// A run that went on past what it could not do: one input linted with a finding, one that
/// could not be loaded (its syntax error a finding, and the input not analysed), one that
/// could not be read (its report holds only the diagnostic that says so), and a baseline
/// that could not be written.
fn run_fixture() -> (Vec<FileReport>, RunStatus) {
    let text = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n";
    let mut sources = Sources::new();
    let file = sources.add(SourceFile::new("a.yaml", None, text.to_owned()));
    let linted = FileReport {
        name: "a.yaml".into(),
        sources,
        diagnostics: vec![
            Diagnostic::warn("apig-group-title", "title `t` is short")
                .at(file, span_of(text, "t,"))
                .pointer("/info/title"),
        ],
    };
    let broken_text = "{\"openapi\": \"3.0.0\",\n  \"info\": }\n";
    let mut sources = Sources::new();
    let file = sources.add(SourceFile::new("b.json", None, broken_text.to_owned()));
    let syntax = Diagnostic::error("json-syntax", "expected a value")
        .at(file, span_of(broken_text, "}"))
        .help("check the JSON syntax");
    let broken = FileReport {
        name: "b.json".into(),
        sources,
        diagnostics: vec![syntax.clone()],
    };
    let unreadable_reason = Diagnostic::error(
        "input-unreadable",
        "missing.yaml: No such file or directory (os error 2)",
    );
    let unreadable = FileReport {
        name: "missing.yaml".into(),
        sources: Sources::new(),
        diagnostics: vec![unreadable_reason.clone()],
    };
    let status = RunStatus {
        exit_code: Some(2),
        error: Some(RUN_ERROR.into()),
        unanalysed: vec![
            Unanalysed {
                report: 1,
                reason: syntax,
                unreadable: false,
            },
            Unanalysed {
                report: 2,
                reason: unreadable_reason,
                unreadable: true,
            },
        ],
        failures: vec![FileReport {
            name: "out/baseline.json".into(),
            sources: Sources::new(),
            diagnostics: vec![Diagnostic::error(
                "baseline-unwritable",
                "cannot write out/baseline.json: No such file or directory (os error 2)",
            )],
        }],
        working_dir: None,
        user_rules: Vec::new(),
    };
    (vec![linted, broken, unreadable], status)
}

const RUN_ERROR: &str = "1 of 3 input(s) could not be read: missing.yaml; cannot write out/baseline.json: No such file or directory (os error 2)";

fn run_document(format: Format) -> String {
    let (reports, status) = run_fixture();
    render_run(format, &reports, &status, false)
}

#[test]
fn run_failure_snapshots() {
    insta::assert_snapshot!("run_failures_json", run_document(Format::Json));
    insta::assert_snapshot!("run_failures_sarif", run_document(Format::Sarif));
    insta::assert_snapshot!("run_failures_junit", run_document(Format::Junit));
    insta::assert_snapshot!("run_failures_github", run_document(Format::Github));
    // People read what failed on stderr; stdout has the findings as always.
    let (reports, status) = run_fixture();
    assert_eq!(
        render_run(Format::Human, &reports, &status, false),
        render(Format::Human, &reports, false)
    );
}

#[test]
fn sarif_of_a_successful_run_has_a_successful_invocation() {
    let sarif = parse_sarif(&fixture(""));
    sarif_schema::assert_valid(&sarif);
    assert_eq!(
        sarif["runs"][0]["invocations"],
        serde_json::json!([{ "executionSuccessful": true }])
    );
    // With the exit code when the command gives it; findings are no failure.
    let status = RunStatus {
        exit_code: Some(1),
        ..RunStatus::default()
    };
    let sarif: Value =
        serde_json::from_str(&render_run(Format::Sarif, &fixture(""), &status, false))
            .expect("SARIF is JSON");
    sarif_schema::assert_valid(&sarif);
    assert_eq!(
        sarif["runs"][0]["invocations"],
        serde_json::json!([{ "executionSuccessful": true, "exitCode": 1 }])
    );
    assert!(
        sarif["runs"][0]["tool"]["driver"]
            .get("notifications")
            .is_none()
    );
}

#[test]
fn sarif_notes_each_input_not_analysed_and_each_failure() {
    let sarif: Value = serde_json::from_str(&run_document(Format::Sarif)).expect("SARIF is JSON");
    sarif_schema::assert_valid(&sarif);
    let run = &sarif["runs"][0];
    // The unreadable input has no result; the syntax error stays one.
    let results: Vec<&str> = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .collect();
    assert_eq!(results, ["apig-group-title", "json-syntax"]);
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(rules, ["apig-group-title", "json-syntax"]);

    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(invocation["exitCode"], 2);
    assert_eq!(invocation["exitCodeDescription"], RUN_ERROR);
    let notifications = invocation["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    let descriptors = run["tool"]["driver"]["notifications"]
        .as_array()
        .expect("descriptors");
    let seen: Vec<String> = notifications
        .iter()
        .map(|n| {
            let index = n["descriptor"]["index"].as_u64().expect("index") as usize;
            assert_eq!(descriptors[index]["id"], n["descriptor"]["id"]);
            assert_eq!(n["level"], "error");
            let at = &n["locations"][0]["physicalLocation"];
            format!(
                "{} {}:{}",
                n["descriptor"]["id"].as_str().unwrap_or("?"),
                at["artifactLocation"]["uri"].as_str().unwrap_or("?"),
                at["region"]["startLine"]
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            "json-syntax b.json:2",
            "input-unreadable missing.yaml:null",
            "baseline-unwritable out/baseline.json:null",
        ]
    );
    assert_eq!(
        notifications[0]["message"]["text"],
        "not linted: expected a value\nhelp: check the JSON syntax"
    );
}

#[test]
fn json_and_junit_say_what_was_not_analysed() {
    let json: Value = serde_json::from_str(&run_document(Format::Json)).expect("JSON");
    assert_eq!(json["error"], RUN_ERROR);
    // Three inputs; the baseline's failure counts as an error but is no file.
    assert_eq!(
        json["summary"],
        serde_json::json!({"files": 3, "errors": 3, "warnings": 1, "notes": 0})
    );
    let codes: Vec<String> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| format!("{} {}", d["code"].as_str().unwrap_or("?"), d["input"]))
        .collect();
    assert_eq!(
        codes,
        [
            "apig-group-title \"a.yaml\"",
            "json-syntax \"b.json\"",
            "input-unreadable \"missing.yaml\"",
            "baseline-unwritable \"out/baseline.json\"",
        ]
    );
    // A clean run has no `error`.
    let clean: Value =
        serde_json::from_str(&render(Format::Json, &fixture(""), false)).expect("JSON");
    assert!(clean.get("error").is_none());

    let xml = run_document(Format::Junit);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed JUnit");
    let root = doc.root_element();
    assert_eq!(root.attribute("tests"), Some("4"));
    assert_eq!(root.attribute("failures"), Some("2"));
    assert_eq!(root.attribute("errors"), Some("2"));
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    let summary: Vec<String> = suites
        .iter()
        .map(|s| {
            let outcomes: Vec<&str> = s
                .descendants()
                .filter(|n| n.has_tag_name("failure") || n.has_tag_name("error"))
                .map(|n| n.tag_name().name())
                .collect();
            format!(
                "{} {} {}",
                s.attribute("name").unwrap_or("?"),
                s.attribute("errors").unwrap_or("?"),
                outcomes.join(",")
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "a.yaml 0 failure",
            "b.json 0 failure",
            "missing.yaml 1 error",
            "out/baseline.json 1 error",
        ]
    );
}

/// Nothing to lint and no configuration: the failure is about no file.
#[test]
fn a_failure_about_no_file_points_nowhere() {
    let failure = FileReport {
        name: String::new(),
        sources: Sources::new(),
        diagnostics: vec![Diagnostic::error("no-files", "no files to lint")],
    };
    let reason = "no files to lint";
    let sarif: Value = serde_json::from_str(&render_failure(Format::Sarif, &failure, reason, 2))
        .expect("SARIF is JSON");
    sarif_schema::assert_valid(&sarif);
    let notification = &sarif["runs"][0]["invocations"][0]["toolConfigurationNotifications"][0];
    assert_eq!(notification["descriptor"]["id"], "no-files");
    assert!(notification.get("locations").is_none(), "{notification}");

    let json: Value =
        serde_json::from_str(&render_failure(Format::Json, &failure, reason, 2)).expect("JSON");
    assert_eq!(json["diagnostics"][0]["input"], Value::Null);
    assert_eq!(
        render_failure(Format::Github, &failure, reason, 2),
        "::error title=no-files::no files to lint\n"
    );
    let xml = render_failure(Format::Junit, &failure, reason, 2);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed JUnit");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .expect("a suite");
    assert_eq!(suite.attribute("name"), Some("apigctl"));
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .expect("a case");
    assert_eq!(case.attribute("file"), None);
    assert_eq!(case.attribute("name"), Some("apigctl"));
    let body = case
        .children()
        .find(|n| n.has_tag_name("error"))
        .and_then(|n| n.text());
    assert_eq!(body, Some("error[no-files]: no files to lint"));
}

/// Two findings of one rule at one pointer keep their identities whatever their order, and
/// whichever is fixed: the SARIF fingerprint hashes the message too, and the JUnit test case
/// name adds it when the pointer is shared. Findings alike in everything are numbered.
#[test]
fn findings_of_one_rule_at_one_pointer_have_identities_of_their_own() {
    let text = "operationId: _b\n";
    let report = |messages: &[&str]| {
        let mut sources = Sources::new();
        let file = sources.add(SourceFile::new("s.yaml", None, text.into()));
        vec![FileReport {
            name: "s.yaml".into(),
            sources,
            diagnostics: messages
                .iter()
                .map(|m| {
                    Diagnostic::error("apig-api-name", *m)
                        .at(file, span_of(text, "_b"))
                        .pointer("/operationId")
                })
                .collect(),
        }]
    };
    let fingerprints = |reports: &[FileReport]| -> Vec<String> {
        parse_sarif(reports)["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r["message"]["text"].as_str().unwrap_or("?"),
                    r["partialFingerprints"]["apigctl/v2"]
                        .as_str()
                        .unwrap_or("?")
                )
            })
            .collect()
    };
    let both = fingerprints(&report(&["too short", "bad start"]));
    let mut reversed = fingerprints(&report(&["bad start", "too short"]));
    reversed.reverse();
    assert_eq!(both, reversed);
    let only = fingerprints(&report(&["bad start"]));
    assert_eq!(only[0], both[1]);
    assert!(both.iter().all(|f| f.ends_with(":1")), "{both:?}");
    let same = fingerprints(&report(&["bad start", "bad start"]));
    assert!(same[1].ends_with(":2"), "{same:?}");

    let names = |reports: &[FileReport]| -> Vec<String> {
        let xml = render(Format::Junit, reports, false);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed JUnit");
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .map(|n| n.attribute("name").unwrap_or("?").to_string())
            .collect()
    };
    assert_eq!(
        names(&report(&["too short", "bad start", "bad start"])),
        [
            "/operationId (too short)",
            "/operationId (bad start)",
            "/operationId (bad start) #2"
        ]
    );
    assert_eq!(names(&report(&["bad start"])), ["/operationId"]);
}

/// SARIF artifact URIs: an absolute path is a `file:///` URI, a relative one a normalised
/// reference to `%SRCROOT%` (`./a.yaml` is `a.yaml`, with the same fingerprint), which the run
/// gives as the working directory when it knows it; a backslash is a separator on Windows
/// only, in SARIF and GitHub output alike.
#[test]
fn sarif_uris_are_file_uris_or_normalised_references_to_the_working_directory() {
    let text = "operationId: _b\n";
    let report = |name: &str| {
        let mut sources = Sources::new();
        let file = sources.add(SourceFile::new(name, None, text.into()));
        FileReport {
            name: name.into(),
            sources,
            diagnostics: vec![
                Diagnostic::error("apig-api-name", "bad")
                    .at(file, span_of(text, "_b"))
                    .pointer("/operationId"),
            ],
        }
    };
    let located = |name: &str, status: &RunStatus| -> (Value, Value, Value) {
        let sarif: Value =
            serde_json::from_str(&render_run(Format::Sarif, &[report(name)], status, false))
                .expect("SARIF is JSON");
        sarif_schema::assert_valid(&sarif);
        let run = &sarif["runs"][0];
        let result = &run["results"][0];
        (
            result["locations"][0]["physicalLocation"]["artifactLocation"].clone(),
            result["partialFingerprints"]["apigctl/v2"].clone(),
            run["originalUriBaseIds"].clone(),
        )
    };
    let none = RunStatus::default();
    let (at, fingerprint, bases) = located("./specs/../bad.yaml", &none);
    assert_eq!(
        at,
        serde_json::json!({"uri": "bad.yaml", "uriBaseId": "%SRCROOT%"})
    );
    assert_eq!(bases, Value::Null);
    let (plain, same, _) = located("bad.yaml", &none);
    assert_eq!((plain, same), (at, fingerprint));

    #[cfg(unix)]
    {
        let (at, _, _) = located("/tmp/odd dir/x#1.yaml", &none);
        assert_eq!(
            at,
            serde_json::json!({"uri": "file:///tmp/odd%20dir/x%231.yaml"})
        );
        let (at, _, _) = located("back\\slash.yaml", &none);
        assert_eq!(at["uri"], "back%5Cslash.yaml");
        let github = render(Format::Github, &[report("back\\slash.yaml")], false);
        assert!(github.contains("file=back\\slash.yaml,"), "{github}");
        let status = RunStatus {
            working_dir: Some("/work/my repo".into()),
            ..RunStatus::default()
        };
        let (_, _, bases) = located("bad.yaml", &status);
        assert_eq!(
            bases,
            serde_json::json!({"%SRCROOT%": {"uri": "file:///work/my%20repo/"}})
        );
    }
}

/// Every format names severities as JSON and the configuration do (`error`, `warn`, `info`,
/// `hint`): the human format's headers too (codespan's own words are `warning`, `note` and
/// `help`), in colour and in the short form of a long line alike.
#[test]
fn severities_have_one_name_in_every_format() {
    for text in [
        "operationId: x\n".to_string(),
        format!("{{\"a\": \"{}\"}}\n", "y".repeat(500)),
    ] {
        let mut sources = Sources::new();
        let file = sources.add(SourceFile::new("a.yaml", None, text.clone()));
        let needle = if text.starts_with('{') { "\"a\"" } else { "x" };
        let span = span_of(&text, needle);
        let reports = vec![FileReport {
            name: "a.yaml".into(),
            sources,
            diagnostics: [
                Severity::Error,
                Severity::Warn,
                Severity::Info,
                Severity::Hint,
            ]
            .into_iter()
            .map(|s| Diagnostic::new(format!("r-{}", s.as_str()), s, "m").at(file, span))
            .collect(),
        }];
        for color in [false, true] {
            let human = render(Format::Human, &reports, color);
            for label in [
                "error[r-error]",
                "warn[r-warn]",
                "info[r-info]",
                "hint[r-hint]",
            ] {
                assert!(human.contains(label), "{label}: {human}");
            }
            for theirs in ["warning[", "note[", "help["] {
                assert!(!human.contains(theirs), "{theirs}: {human}");
            }
        }
        let junit = render(Format::Junit, &reports, false);
        for label in [
            "error[r-error]",
            "warn[r-warn]",
            "info[r-info]",
            "hint[r-hint]",
        ] {
            assert!(junit.contains(label), "{label}: {junit}");
        }
    }
}
