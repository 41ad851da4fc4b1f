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
    /// `{"version": 1, "rules": [{id, severity, description, source, constraint, given, select}]}`.
    Json,
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
            let list: Vec<serde_json::Value> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "severity": r.severity.as_str(),
                        "description": r.description,
                        "source": r.source,
                        "constraint": r.constraint,
                        "given": r.given.as_str(),
                        "select": r.select_text,
                    })
                })
                .collect();
            let doc = serde_json::json!({ "version": 1, "rules": list });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            )
        }
    };
    Outcome {
        stdout,
        ..Outcome::default()
    }
}

/// Explains one rule: description, source, message, and what it reports on its examples.
pub fn explain(id: &str) -> Outcome {
    let rules = match builtin() {
        Ok(r) => r,
        Err(o) => return o,
    };
    let Some(rule) = rules.iter().find(|r| r.id == id) else {
        let hint = did_you_mean(id, rules.iter().map(|r| r.id.as_str()))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_else(|| "; `apigctl rules` lists them".to_owned());
        return Outcome {
            stderr: format!("apigctl: error: no rule `{id}`{hint}\n"),
            exit_code: EXIT_USAGE,
            ..Outcome::default()
        };
    };
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
    let report = match lint_text("example.yaml", text, &LintOptions::default()) {
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
