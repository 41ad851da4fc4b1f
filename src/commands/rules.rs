//! `apigctl rules` (list the built-in rules) and `apigctl rules explain ID`.

use std::fmt::Write as _;

use crate::diagnostic::did_you_mean;
use crate::lint::{self, Rule};
use crate::report::FileReport;

use super::lint::{LintOptions, lint_text};
use super::{EXIT_OK, EXIT_USAGE, Outcome};

/// Output format of `apigctl rules`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ListFormat {
    /// One rule per line: id, severity, source.
    #[default]
    Human,
    /// `{"version": 1, "rules": [{id, severity, description, source, constraint, given, select}]}`;
    /// one rule's explanation: `{"version": 1, "rule": {the same, message, help, examples}}`.
    Json,
}

/// What `rules --format json` says of a rule; `rules explain --format json` says more.
fn rule_json(r: &Rule) -> serde_json::Map<String, serde_json::Value> {
    let serde_json::Value::Object(map) = serde_json::json!({
        "id": r.id,
        "severity": r.severity.as_str(),
        "description": r.description,
        "source": r.source,
        "constraint": r.constraint,
        "given": r.given.as_str(),
        "select": r.select_text,
    }) else {
        return serde_json::Map::new();
    };
    map
}

/// `doc` as the commands print JSON: pretty, with a final line feed.
fn json_text(doc: &serde_json::Value) -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(doc).unwrap_or_default()
    )
}

fn builtin() -> Result<&'static [Rule], Outcome> {
    lint::builtin_rules().map_err(|e| Outcome {
        stderr: format!("apigctl: error: built-in rule file {e}\n"),
        exit_code: EXIT_USAGE,
        ..Outcome::default()
    })
}

/// Lists every built-in rule.
pub fn list(format: ListFormat) -> Outcome {
    let rules = match builtin() {
        Ok(r) => r,
        Err(o) => return o,
    };
    let stdout = match format {
        ListFormat::Human => {
            let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            let mut out = String::new();
            for r in rules {
                let _ = writeln!(
                    out,
                    "{:width$}  {:5}  {}",
                    r.id,
                    r.severity.as_str(),
                    r.source
                );
            }
            let _ = writeln!(
                out,
                "{} rules; `apigctl rules explain ID` for details",
                rules.len()
            );
            out
        }
        ListFormat::Json => {
            let list: Vec<serde_json::Map<_, _>> = rules.iter().map(rule_json).collect();
            json_text(&serde_json::json!({ "version": 1, "rules": list }))
        }
    };
    Outcome {
        stdout,
        ..Outcome::default()
    }
}

/// Explains one rule: description, source, message, and what it reports on its examples.
/// With [`ListFormat::Json`], `{"version": 1, "rule": {...}}`: the fields of the rule in
/// `rules --format json`, then `message`, `help` and `examples` (`fail` and `pass`, each its
/// `text` and the `findings` the rule reports on it, `line`, `column`, `message`); an
/// unknown id is `{"version": 1, "error": ...}` there too (exit 2).
pub fn explain(id: &str, format: ListFormat) -> Outcome {
    let rules = match builtin() {
        Ok(r) => r,
        Err(o) => return o,
    };
    let Some(rule) = rules.iter().find(|r| r.id == id) else {
        let hint = did_you_mean(id, rules.iter().map(|r| r.id.as_str()))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_else(|| "; `apigctl rules` lists them".to_owned());
        let error = format!("no rule `{}`{hint}", crate::report::one_line(id));
        return Outcome {
            stdout: match format {
                ListFormat::Human => String::new(),
                ListFormat::Json => json_text(&serde_json::json!({"version": 1, "error": error})),
            },
            stderr: format!("apigctl: error: {error}\n"),
            exit_code: EXIT_USAGE,
        };
    };
    if format == ListFormat::Json {
        let mut doc = rule_json(rule);
        doc.insert("message".into(), serde_json::json!(rule.message));
        doc.insert("help".into(), serde_json::json!(rule.help));
        let example = |text: &str| {
            let findings: Vec<serde_json::Value> = example_report(text).map_or_else(
                |e| vec![serde_json::json!({"line": 0, "column": 0, "message": format!("example does not load: {e}")})],
                |report| {
                    findings_of(&report, &rule.id)
                        .into_iter()
                        .map(|(line, column, message)| {
                            serde_json::json!({"line": line, "column": column, "message": message})
                        })
                        .collect()
                },
            );
            serde_json::json!({"text": text, "findings": findings})
        };
        doc.insert(
            "examples".into(),
            serde_json::json!({
                "fail": example(&rule.examples.fail),
                "pass": example(&rule.examples.pass),
            }),
        );
        return Outcome {
            stdout: json_text(&serde_json::json!({"version": 1, "rule": doc})),
            ..Outcome::default()
        };
    }
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", rule.id, rule.severity);
    let _ = writeln!(out, "  {}", rule.description);
    let _ = writeln!(out);
    let _ = writeln!(out, "source:     {}", rule.source);
    if let Some(n) = rule.constraint {
        let _ = writeln!(out, "constraint: x-apigateway-extensions reference §4 #{n}");
    }
    let _ = writeln!(
        out,
        "checks:     the {} at {}",
        match rule.given {
            lint::Given::Definition =>
                "gateway definition (imported from OpenAPI, or a definition file)",
            lint::Given::OpenApi => "OpenAPI document as written",
        },
        rule.select_text
    );
    let _ = writeln!(out, "message:    {}", rule.message);
    if let Some(help) = &rule.help {
        let _ = writeln!(out, "help:       {help}");
    }
    for (title, text) in [
        ("Failing example", &rule.examples.fail),
        ("Passing example", &rule.examples.pass),
    ] {
        let _ = writeln!(out, "\n{title}:\n");
        for line in text.lines() {
            let _ = writeln!(out, "    {line}");
        }
        let _ = writeln!(out, "\n{}", example_findings(rule, text));
    }
    Outcome {
        stdout: out,
        exit_code: EXIT_OK,
        ..Outcome::default()
    }
}

/// What the rule reports on an example, as `line:col: message` lines.
fn example_findings(rule: &Rule, text: &str) -> String {
    let report = match example_report(text) {
        Ok(r) => r,
        Err(e) => return format!("  (example does not load: {e})"),
    };
    let lines = findings_of(&report, &rule.id);
    if lines.is_empty() {
        format!("  {} reports nothing here.", rule.id)
    } else {
        lines
            .iter()
            .map(|(line, col, message)| format!("  {line}:{col}: {message}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// An example linted as `example.yaml`.
fn example_report(text: &str) -> Result<FileReport, String> {
    lint_text("example.yaml", text, &LintOptions::default())
}

/// The `(line, column, message)` of each finding of `code` in a report (1-based).
pub fn findings_of(report: &FileReport, code: &str) -> Vec<(usize, usize, String)> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| match d.primary {
            Some(l) => {
                let lc = report.sources.file(l.file).line_col(l.span.start as usize);
                (lc.line, lc.col, d.message.clone())
            }
            None => (0, 0, d.message.clone()),
        })
        .collect()
}
