//! The one diagnostic type every stage reports with: loader errors, schema violations,
//! import warnings and gateway lint rules alike.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::source::{FileId, Span};

/// How serious a finding is. Ordered: `Hint < Info < Warn < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A suggestion.
    Hint,
    /// Worth knowing; nothing is wrong.
    Info,
    /// Probably wrong, or silently dropped by the gateway.
    Warn,
    /// The gateway (or the OpenAPI schema) rejects this.
    Error,
}

impl Severity {
    /// The lower-case name used in configuration and output (`error`, `warn`, `info`, `hint`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a loaded file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// The file.
    pub file: FileId,
    /// The bytes.
    pub span: Span,
}

impl Location {
    /// A location from a file and span.
    pub fn new(file: FileId, span: Span) -> Location {
        Location { file, span }
    }
}

/// A secondary location with its own short message ("first defined here").
#[derive(Clone, Debug, PartialEq)]
pub struct Related {
    /// Where.
    pub location: Location,
    /// What is there.
    pub message: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Stable identifier: a rule id (`apig-api-name`) or a loader error kind
    /// (`yaml-syntax`, `duplicate-key`, `oas-schema`).
    pub code: String,
    /// Severity.
    pub severity: Severity,
    /// One sentence saying what is wrong.
    pub message: String,
    /// Where it is wrong; `None` only for findings about a whole input that has no text.
    pub primary: Option<Location>,
    /// JSON pointer of the offending node, when known (for ignores and baselines). For
    /// OpenAPI input this points into the OpenAPI document, also for findings of rules that
    /// ran on the imported definition.
    pub pointer: Option<String>,
    /// For findings made on the definition imported from an OpenAPI input: the pointer into
    /// that definition (`/apis/3/name`), which changes when operations are reordered.
    pub definition_pointer: Option<String>,
    /// Other places that explain the finding.
    pub related: Vec<Related>,
    /// How to fix it.
    pub help: Option<String>,
    /// The documentation that states the constraint ("API Reference 3.5.1, Table 3-167").
    pub source: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with a code, severity and message; add the rest with the builder methods.
    pub fn new(code: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.into(),
            severity,
            message: message.into(),
            primary: None,
            pointer: None,
            definition_pointer: None,
            related: Vec::new(),
            help: None,
            source: None,
        }
    }

    /// An error.
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic::new(code, Severity::Error, message)
    }

    /// A warning.
    pub fn warn(code: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic::new(code, Severity::Warn, message)
    }

    /// Sets the primary location.
    pub fn at(mut self, file: FileId, span: Span) -> Self {
        self.primary = Some(Location::new(file, span));
        self
    }

    /// Sets the JSON pointer of the offending node.
    pub fn pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    /// Adds a related location.
    pub fn related(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            location: Location::new(file, span),
            message: message.into(),
        });
        self
    }

    /// Sets the fix hint.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the documented source.
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The candidate closest to `name` by edit distance (case-insensitive), if it is close enough
/// to be a typo of it: the "did you mean" of unknown fields and unresolved pointers.
pub fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    candidates
        .filter(|c| *c != name)
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// Drops repeats, keeping the first: the same code and message at the same place, from two
/// checks that read the same construct, or from one construct read several times (an
/// operation in a path item that several paths share through `$ref`s is imported once per
/// path).
pub fn drop_repeats(diagnostics: &mut Vec<Diagnostic>) {
    let keep: Vec<bool> = {
        let mut seen = crate::source::hash::FastSet::default();
        diagnostics
            .iter()
            .map(|d| {
                seen.insert((
                    d.code.as_str(),
                    d.primary.map(|l| (l.file, l.span)),
                    d.message.as_str(),
                ))
            })
            .collect()
    };
    let mut keep = keep.into_iter();
    diagnostics.retain(|_| keep.next().unwrap_or(true));
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_only_near_misses() {
        let fields = ["description", "operationId", "responses"];
        assert_eq!(
            did_you_mean("descriptin", fields.into_iter()),
            Some("description")
        );
        assert_eq!(
            did_you_mean("OperationID", fields.into_iter()),
            Some("operationId")
        );
        assert_eq!(did_you_mean("servers", fields.into_iter()), None);
    }
}
