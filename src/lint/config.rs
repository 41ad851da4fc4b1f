//! `.apigctl.yaml`: which rules run at which severity, per-file overrides, ignored findings,
//! the files `apigctl lint` checks without arguments, and the baseline.
//!
//! The file is read with the spanned loader, so every mistake in it is a diagnostic at its
//! `file:line:col` (unknown keys and rule ids with a did-you-mean, bad severities and globs).
//!
//! Discovery: from the working directory upwards, the first `.apigctl.yaml`. The search stops
//! at the filesystem root and also after the first directory that holds `.git` (the top of a
//! repository), so a configuration above a checkout never applies to it by accident.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Diagnostic, Location, Related, Severity, did_you_mean};
use crate::report::FileReport;
use crate::source::{FileId, Input, Limits, LoadError, Node, Sources, Value, load_named};

use super::engine::RuleSettings;
use super::rule::Rule;

/// The configuration file's name.
pub const FILE_NAME: &str = ".apigctl.yaml";

/// Built-in rule sets an `extends` entry may name.
const BUILTIN_SETS: [&str; 2] = ["apigctl:recommended", "apigctl:all"];

/// A loaded configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// The directory of the configuration file: globs and paths are relative to it.
    pub dir: PathBuf,
    /// Rules from user rule files named in `extends`, in the order given.
    pub user_rules: Vec<Rule>,
    /// Settings for every file: the built-in set's choices, then `rules`.
    pub base: HashMap<String, Option<Severity>>,
    /// `overrides`, applied in order to the files their globs match.
    pub overrides: Vec<Override>,
    /// `ignore` entries.
    pub ignore: Vec<IgnoreEntry>,
    /// `files`: what `apigctl lint` without paths checks.
    pub files: Vec<Glob>,
    /// `baseline`, resolved against [`Config::dir`].
    pub baseline: Option<PathBuf>,
}

/// One `overrides` entry.
#[derive(Clone, Debug)]
pub struct Override {
    /// The files it applies to.
    pub files: Vec<Glob>,
    /// Severities (`None` = off) by rule id.
    pub rules: HashMap<String, Option<Severity>>,
}

/// One `ignore` entry: findings of `rule` (every code when `None`) at or below `pointer`, in
/// the files matching `files` (every file when empty).
#[derive(Clone, Debug)]
pub struct IgnoreEntry {
    /// The rule id or diagnostic code.
    pub rule: Option<String>,
    /// The JSON pointer.
    pub pointer: String,
    /// The files.
    pub files: Vec<Glob>,
}

impl IgnoreEntry {
    /// Whether this entry drops a finding of `code` at `pointer` (or at `definition_pointer`,
    /// the pointer into the imported definition that rules on OpenAPI input also carry).
    /// `pointer: ""` is the whole file: it also drops findings that have no pointer (a
    /// syntax error, a duplicate key), which no narrower pointer can name.
    pub fn covers(&self, code: &str, pointers: &[Option<&str>]) -> bool {
        self.rule.as_deref().is_none_or(|r| r == code)
            && (self.pointer.is_empty()
                || pointers.iter().flatten().any(|p| {
                    p.strip_prefix(self.pointer.as_str())
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
                }))
    }
}

/// The effective settings for one file.
#[derive(Clone, Debug, Default)]
pub struct FileSettings {
    /// Severities for the engine.
    pub rules: RuleSettings,
    /// Findings to drop (applied to every diagnostic, rule or not).
    pub ignore: Vec<IgnoreEntry>,
}

impl Config {
    /// The settings for `file` (a path as given; made relative to the configuration's
    /// directory for glob matching). Inputs outside that directory, and standard input, get
    /// only the settings that apply to every file.
    pub fn settings_for(&self, file: Option<&Path>) -> FileSettings {
        let relative = file.and_then(|f| relative_to(&self.dir, f));
        let matches = |globs: &[Glob]| {
            relative
                .as_deref()
                .is_some_and(|r| globs.iter().any(|g| g.matches(r)))
        };
        let mut severity = self.base.clone();
        for o in &self.overrides {
            if matches(&o.files) {
                severity.extend(o.rules.iter().map(|(k, v)| (k.clone(), *v)));
            }
        }
        FileSettings {
            rules: RuleSettings {
                severity,
                ignore: Vec::new(),
            },
            ignore: self
                .ignore
                .iter()
                .filter(|i| i.files.is_empty() || matches(&i.files))
                .cloned()
                .collect(),
        }
    }

    /// The files below [`Config::dir`] that the `files` globs match, sorted. Directories whose
    /// name starts with `.` (`.git`) are not searched.
    pub fn matched_files(&self) -> std::io::Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        let mut stack = vec![PathBuf::new()];
        while let Some(rel) = stack.pop() {
            for entry in std::fs::read_dir(self.dir.join(&rel))? {
                let entry = entry?;
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let path = rel.join(name.as_ref());
                let kind = entry.file_type()?;
                if kind.is_dir() {
                    if !name.starts_with('.') {
                        stack.push(path);
                    }
                } else if let Some(text) = slash_path(&path)
                    && self.files.iter().any(|g| g.matches(&text))
                {
                    out.push(from_working_dir(&self.dir.join(path)));
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

/// `path` as the user would write it from the working directory (`api/v1.yaml`, `../v1.yaml`),
/// so a file gets one name in reports and baselines whether a glob of the configuration or
/// the command line named it, and the configuration and the rule files it names are named
/// alike. A path that shares no directory but the root with the working directory stays
/// absolute.
pub fn from_working_dir(path: &Path) -> PathBuf {
    match std::env::current_dir() {
        Ok(cwd) => seen_from(&cwd, path),
        Err(_) => path.to_path_buf(),
    }
}

/// [`from_working_dir`] with the working directory `cwd`.
fn seen_from(cwd: &Path, path: &Path) -> PathBuf {
    use std::path::Component;
    // Lexically: `a/./b/../c` is `a/c` (the file was found by walking these directories).
    let plain = |p: &Path| -> PathBuf {
        let mut out: Vec<Component<'_>> = Vec::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                    out.pop();
                }
                c => out.push(c),
            }
        }
        out.into_iter().collect()
    };
    if path.is_relative() && !path.components().any(|c| c == Component::ParentDir) {
        return plain(path);
    }
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let (cwd, absolute) = (plain(cwd), plain(&absolute));
    let common = cwd
        .components()
        .zip(absolute.components())
        .take_while(|(a, b)| a == b)
        .count();
    // Only the root in common (`/tmp/…` from `/work/…`): the absolute path reads better.
    if common <= 1 {
        return absolute;
    }
    let mut out = PathBuf::new();
    for _ in common..cwd.components().count() {
        out.push("..");
    }
    out.extend(absolute.components().skip(common));
    out
}

/// The directory of a file (`.` for a bare file name).
pub(crate) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `path` relative to `dir` with `/` separators, when it lies below it. Both are made
/// absolute (and canonical when they exist) first.
pub(crate) fn relative_to(dir: &Path, path: &Path) -> Option<String> {
    let absolute = |p: &Path| {
        p.canonicalize()
            .or_else(|_| std::path::absolute(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let rest = absolute(path)
        .strip_prefix(absolute(dir))
        .ok()?
        .to_path_buf();
    slash_path(&rest)
}

fn slash_path(path: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = path
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    Some(parts?.join("/"))
}

/// Finds `.apigctl.yaml` from `start` upwards (see the module documentation for where the
/// search stops).
pub fn discover(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if d.join(".git").exists() {
            return None;
        }
        dir = d.parent();
    }
    None
}

/// The configuration that applies in the working directory ([`discover`] from there), named
/// as seen from it ([`from_working_dir`]: `../../.apigctl.yaml` two directories up), which is
/// also a path to it: the search went up through real parent directories.
pub fn discover_from_working_dir() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    discover(&cwd).map(|found| seen_from(&cwd, &found))
}

/// A configuration that could not be used: diagnostics in its file (render them with
/// [`crate::report`]), or an I/O message.
#[derive(Debug)]
pub enum ConfigError {
    /// Mistakes in the file, each at its location.
    Invalid(Box<FileReport>),
    /// The file (or a rule file it names) could not be read.
    Io(String),
}

/// Loads a configuration file. `builtin` is the built-in rule catalogue (for rule ids).
///
/// Its diagnostics name it as seen from the working directory ([`display_name`]), like the
/// rule files it names, whichever way `path` is written.
pub fn load_config(path: &Path, builtin: &[Rule]) -> Result<Config, ConfigError> {
    let mut sources = Sources::new();
    let name = display_name(path);
    let doc = match load_named(
        &Input::Path(path.to_path_buf()),
        name.clone(),
        &mut sources,
        &Limits::default(),
    ) {
        Ok(doc) => doc,
        Err(LoadError::Invalid(d)) => {
            return Err(ConfigError::Invalid(Box::new(FileReport {
                name,
                sources,
                diagnostics: vec![*d],
            })));
        }
        Err(e) => return Err(ConfigError::Io(e.to_string())),
    };
    let dir = parent_dir(path);
    let mut parser = Parser {
        file: doc.file,
        sources,
        diagnostics: Vec::new(),
        dir: dir.clone(),
        builtin,
        user_rules: Vec::new(),
    };
    let config = parser.config(&doc.root, dir);
    if parser.diagnostics.is_empty() {
        return config.map_err(ConfigError::Io);
    }
    let mut report = FileReport {
        name,
        sources: parser.sources,
        diagnostics: parser.diagnostics,
    };
    report.sort();
    Err(ConfigError::Invalid(Box::new(report)))
}

/// The name of the configuration file `path` in output: as seen from the working directory
/// ([`from_working_dir`]).
pub fn display_name(path: &Path) -> String {
    from_working_dir(path).display().to_string()
}

/// "did you mean" help for a near miss among `candidates`, else `otherwise()`.
fn suggest<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
    otherwise: impl FnOnce() -> String,
) -> String {
    match did_you_mean(name, candidates) {
        Some(s) => format!("did you mean `{s}`?"),
        None => otherwise(),
    }
}

struct Parser<'a> {
    /// The configuration file.
    file: FileId,
    /// The configuration file, and the user rule files `extends` names (mistakes in them are
    /// shown where they are).
    sources: Sources,
    diagnostics: Vec<Diagnostic>,
    dir: PathBuf,
    builtin: &'a [Rule],
    /// User rules, each with where its id is written (in `sources`).
    user_rules: Vec<(Rule, Location)>,
}

/// The top-level keys of `.apigctl.yaml`.
pub(crate) const TOP_KEYS: [&str; 6] = [
    "extends",
    "rules",
    "overrides",
    "ignore",
    "files",
    "baseline",
];
const OVERRIDE_KEYS: [&str; 2] = ["files", "rules"];
const IGNORE_KEYS: [&str; 3] = ["rule", "pointer", "files"];
const SEVERITIES: [&str; 5] = ["error", "warn", "info", "hint", "off"];

impl Parser<'_> {
    fn error(&mut self, node_span: crate::source::Span, message: String, help: String) {
        self.diagnostics.push(
            Diagnostic::error("config-invalid", message)
                .at(self.file, node_span)
                .help(help),
        );
    }

    /// The entries of a mapping, reporting keys not in `allowed`.
    fn map<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        allowed: &[&str],
    ) -> Vec<(&'n str, &'n Node)> {
        let Value::Map(map) = &node.value else {
            self.error(
                node.span,
                format!("{what} must be a mapping, not a {}", node.value.kind()),
                format!("write {what} as `key: value` lines"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for e in &map.entries {
            if allowed.contains(&&*e.key.name) {
                out.push((&*e.key.name, &e.value));
            } else {
                let help = suggest(&e.key.name, allowed.iter().copied(), || {
                    format!("the keys of {what} are: {}", allowed.join(", "))
                });
                self.error(
                    e.key.span,
                    format!("unknown key `{}` in {what}", e.key.name),
                    help,
                );
            }
        }
        out
    }

    fn seq<'n>(&mut self, node: &'n Node, what: &str) -> &'n [Node] {
        match &node.value {
            Value::Seq(items) => items,
            _ => {
                self.error(
                    node.span,
                    format!("`{what}` must be a list, not a {}", node.value.kind()),
                    format!("write `{what}: [...]` or one `- item` per line"),
                );
                &[]
            }
        }
    }

    fn string<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n str> {
        let s = node.as_str();
        if s.is_none() {
            self.error(
                node.span,
                format!("`{what}` must be a string, not a {}", node.value.kind()),
                "quote the value".to_owned(),
            );
        }
        s
    }

    fn globs(&mut self, node: &Node, what: &str) -> Vec<Glob> {
        let mut out = Vec::new();
        for item in self.seq(node, what) {
            if let Some(text) = self.string(item, what) {
                match Glob::new(text) {
                    Ok(g) => out.push(g),
                    Err(why) => self.error(
                        item.span,
                        format!("bad glob `{text}`: {why}"),
                        "globs are paths relative to the configuration file with `*`, `?`, `[abc]` and `**` (a whole path segment)".to_owned(),
                    ),
                }
            }
        }
        out
    }

    fn known_ids(&self) -> impl Iterator<Item = &str> {
        self.builtin
            .iter()
            .chain(self.user_rules.iter().map(|(r, _)| r))
            .map(|r| r.id.as_str())
    }

    /// Reports an unknown rule id at `span`; `true` when it is known.
    fn check_id(&mut self, id: &str, span: crate::source::Span) -> bool {
        if self.known_ids().any(|k| k == id) {
            return true;
        }
        let help = suggest(id, self.known_ids(), || {
            "`apigctl rules` lists every rule id".to_owned()
        });
        self.error(span, format!("unknown rule `{id}`"), help);
        false
    }

    fn severities(&mut self, node: &Node) -> HashMap<String, Option<Severity>> {
        let mut out = HashMap::new();
        let Value::Map(map) = &node.value else {
            self.error(
                node.span,
                format!("`rules` must be a mapping, not a {}", node.value.kind()),
                "write `rules:` with one `rule-id: error|warn|info|hint|off` per line".to_owned(),
            );
            return out;
        };
        for e in &map.entries {
            let known = self.check_id(&e.key.name, e.key.span);
            let severity = match e.value.as_str() {
                Some("error") => Some(Some(Severity::Error)),
                Some("warn") => Some(Some(Severity::Warn)),
                Some("info") => Some(Some(Severity::Info)),
                Some("hint") => Some(Some(Severity::Hint)),
                Some("off") => Some(None),
                other => {
                    let shown = other.map_or_else(
                        || format!("(a {})", e.value.value.kind()),
                        |s| format!("`{s}`"),
                    );
                    let help = suggest(other.unwrap_or_default(), SEVERITIES.into_iter(), || {
                        format!("use one of: {}", SEVERITIES.join(", "))
                    });
                    self.error(
                        e.value.span,
                        format!("bad severity {shown} for `{}`", e.key.name),
                        help,
                    );
                    None
                }
            };
            if let (true, Some(s)) = (known, severity) {
                out.insert(e.key.name.to_string(), s);
            }
        }
        out
    }

    /// `extends`: the built-in set and user rule files. Returns the built-in set's severity
    /// adjustments.
    fn extends(&mut self, node: &Node) -> Result<HashMap<String, Option<Severity>>, String> {
        let mut base = HashMap::new();
        let items: Vec<&Node> = match &node.value {
            Value::String(_) => vec![node],
            _ => self.seq(node, "extends").iter().collect(),
        };
        for item in items {
            let Some(text) = self.string(item, "extends") else {
                continue;
            };
            if let Some(set) = text.strip_prefix("apigctl:") {
                match set {
                    "all" => base.clear(),
                    // The recommended set: every rule that reports a problem (error or warn);
                    // info and hint rules are suggestions a team turns on deliberately.
                    "recommended" => {
                        base = self
                            .builtin
                            .iter()
                            .filter(|r| r.severity < Severity::Warn)
                            .map(|r| (r.id.clone(), None))
                            .collect();
                    }
                    _ => {
                        let help = suggest(text, BUILTIN_SETS.into_iter(), || {
                            format!("the built-in sets are {}", BUILTIN_SETS.join(", "))
                        });
                        self.error(item.span, format!("unknown rule set `{text}`"), help);
                    }
                }
                continue;
            }
            let path = self.dir.join(text);
            // Said at the entry, with the configuration's other mistakes.
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) => {
                    self.error(
                        item.span,
                        format!("cannot read rule file `{text}`: {e}"),
                        "the path is relative to the configuration's directory; fix it or remove the entry".to_owned(),
                    );
                    continue;
                }
            };
            self.rule_file(item, text, &path, bytes);
        }
        Ok(base)
    }

    /// Loads the user rule file `path` that the `extends` entry `item` (written `text`)
    /// names. A mistake in it is reported where it is in the rule file, with the entry as a
    /// related location.
    fn rule_file(&mut self, item: &Node, text: &str, path: &Path, bytes: Vec<u8>) {
        let at_entry = Location::new(self.file, item.span);
        let entry = move |message: &str| Related {
            location: at_entry,
            message: message.to_owned(),
        };
        // Named as inputs are, from the working directory (`team/rules/x.yaml`).
        let name = from_working_dir(path).display().to_string();
        let (rule, id) = match super::rule::parse_rule_in(&mut self.sources, &name, bytes) {
            Ok(loaded) => loaded,
            Err(e) => {
                let mut d =
                    Diagnostic::error(
                        "config-invalid",
                        format!("rule file `{text}` is invalid: {}", e.message),
                    )
                    .help(e.help.unwrap_or_else(|| {
                        "rules/README.md describes the rule file format".to_owned()
                    }));
                match e.place.map(|p| p.location) {
                    Some(l) => {
                        d = d.at(l.file, l.span);
                        d.related = e.related;
                        d.related.push(entry("named in `extends` here"));
                    }
                    // Nothing to point at in the file: the entry is the place.
                    None => d = d.at(at_entry.file, at_entry.span),
                }
                self.diagnostics.push(d);
                return;
            }
        };
        let other = self.user_rules.iter().find(|(r, _)| r.id == rule.id);
        if other.is_none() && !self.builtin.iter().any(|r| r.id == rule.id) {
            self.user_rules.push((rule, id));
            return;
        }
        let mut d = Diagnostic::error(
            "config-invalid",
            match other {
                Some((r, _)) => format!(
                    "rule file `{text}` defines `{}`, which `{}` defines too",
                    rule.id, r.file
                ),
                None => format!(
                    "rule file `{text}` defines `{}`, which is a built-in rule",
                    rule.id
                ),
            },
        )
        .at(id.file, id.span)
        .help("give the rule another id, and its file the name `<id>.yaml`");
        if let Some((_, first)) = other {
            d = d.related(first.file, first.span, "first defined here");
        }
        d.related.push(entry("named in `extends` here"));
        self.diagnostics.push(d);
    }

    fn config(&mut self, root: &Node, dir: PathBuf) -> Result<Config, String> {
        // An empty file is the default configuration.
        let entries = match root.value {
            Value::Null => Vec::new(),
            _ => self.map(root, "the configuration", &TOP_KEYS),
        };
        let find = |k: &str| entries.iter().find(|(name, _)| *name == k).map(|(_, n)| *n);
        // `extends` first: the rule ids it brings are valid in `rules` and `overrides`.
        let mut base = match find("extends") {
            Some(n) => self.extends(n)?,
            None => HashMap::new(),
        };
        if let Some(n) = find("rules") {
            base.extend(self.severities(n));
        }
        let mut overrides = Vec::new();
        if let Some(n) = find("overrides") {
            for item in self.seq(n, "overrides") {
                let fields = self.map(item, "an `overrides` entry", &OVERRIDE_KEYS);
                let mut o = Override {
                    files: Vec::new(),
                    rules: HashMap::new(),
                };
                let mut has_files = false;
                for (key, value) in fields {
                    match key {
                        "files" => {
                            has_files = true;
                            o.files = self.globs(value, "files");
                        }
                        _ => o.rules = self.severities(value),
                    }
                }
                if !has_files {
                    self.error(
                        item.span,
                        "`overrides` entry has no `files`".to_owned(),
                        "add `files: [glob, ...]` naming the files it applies to".to_owned(),
                    );
                }
                overrides.push(o);
            }
        }
        let mut ignore = Vec::new();
        if let Some(n) = find("ignore") {
            for item in self.seq(n, "ignore") {
                let fields = self.map(item, "an `ignore` entry", &IGNORE_KEYS);
                let mut entry = IgnoreEntry {
                    rule: None,
                    pointer: String::new(),
                    files: Vec::new(),
                };
                let mut has_pointer = false;
                for (key, value) in fields {
                    match key {
                        "rule" => {
                            if let Some(id) = self.string(value, "rule") {
                                // Loader, schema and import codes (`oas-schema`,
                                // `import-unsupported`, ...) may be ignored too and have no
                                // list to check against: only a near miss of a rule id is
                                // taken for a typo.
                                let known = self.known_ids().any(|k| k == id);
                                let typo = !known && did_you_mean(id, self.known_ids()).is_some();
                                if !typo || self.check_id(id, value.span) {
                                    entry.rule = Some(id.to_owned());
                                }
                            }
                        }
                        "pointer" => {
                            has_pointer = true;
                            if let Some(p) = self.string(value, "pointer") {
                                if p.is_empty() || p.starts_with('/') {
                                    entry.pointer = p.to_owned();
                                } else {
                                    self.error(
                                        value.span,
                                        format!("`{p}` is not a JSON pointer"),
                                        format!("a JSON pointer starts with `/`: `/{p}`"),
                                    );
                                }
                            }
                        }
                        _ => entry.files = self.globs(value, "files"),
                    }
                }
                if !has_pointer {
                    self.error(
                        item.span,
                        "`ignore` entry has no `pointer`".to_owned(),
                        "add `pointer: /json/pointer` (`\"\"` for the whole file)".to_owned(),
                    );
                }
                ignore.push(entry);
            }
        }
        let files = match find("files") {
            Some(n) => self.globs(n, "files"),
            None => Vec::new(),
        };
        let baseline = find("baseline")
            .and_then(|n| self.string(n, "baseline"))
            .map(|p| dir.join(p));
        Ok(Config {
            dir,
            user_rules: std::mem::take(&mut self.user_rules)
                .into_iter()
                .map(|(rule, _)| rule)
                .collect(),
            base,
            overrides,
            ignore,
            files,
            baseline,
        })
    }
}

/// A path glob: `/`-separated segments; `**` alone in a segment matches any number of
/// segments, `*` any characters but `/`, `?` one character, `[abc]` / `[a-z]` / `[!abc]` one
/// of (or none of) a set. Written by hand: these four forms are all configuration needs, and
/// a dependency would add more syntax than it saves code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    text: String,
    segments: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    AnyDirs,
    Pattern(Vec<Token>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    Any,
    One,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl Glob {
    /// Parses a glob; `Err` says what is wrong.
    pub fn new(text: &str) -> Result<Glob, String> {
        if text.is_empty() {
            return Err("it is empty".to_owned());
        }
        if text.starts_with('/') {
            return Err("it is absolute; globs are relative to the configuration file".to_owned());
        }
        let mut segments = Vec::new();
        for part in text.split('/') {
            if part == "**" {
                segments.push(Segment::AnyDirs);
                continue;
            }
            if part.contains("**") {
                return Err("`**` must be a whole path segment (`a/**/b`)".to_owned());
            }
            if part.is_empty() {
                return Err("it has an empty path segment (`//`)".to_owned());
            }
            let mut tokens = Vec::new();
            let mut chars = part.chars().peekable();
            while let Some(c) = chars.next() {
                tokens.push(match c {
                    '*' => Token::Any,
                    '?' => Token::One,
                    '[' => {
                        let negated = chars.next_if_eq(&'!').is_some();
                        let mut ranges = Vec::new();
                        let mut closed = false;
                        while let Some(c) = chars.next() {
                            if c == ']' && !ranges.is_empty() {
                                closed = true;
                                break;
                            }
                            if chars.next_if_eq(&'-').is_some() {
                                match chars.next() {
                                    Some(']') | None => {
                                        return Err("a range in `[...]` has no end".to_owned());
                                    }
                                    Some(end) => ranges.push((c, end)),
                                }
                            } else {
                                ranges.push((c, c));
                            }
                        }
                        if !closed {
                            return Err("`[` is not closed by `]`".to_owned());
                        }
                        Token::Class { negated, ranges }
                    }
                    c => Token::Char(c),
                });
            }
            segments.push(Segment::Pattern(tokens));
        }
        Ok(Glob {
            text: text.to_owned(),
            segments,
        })
    }

    /// The glob as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether a `/`-separated relative path matches.
    pub fn matches(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.split('/').collect();
        match_segments(&self.segments, &parts)
    }
}

/// As the shell matches (without `dotglob`): a name that starts with `.` is matched only by a
/// pattern that starts with `.` itself, and `**` passes no such directory, so `**/*.yaml`
/// does not pick up `.apigctl.yaml` or `.github/workflows/ci.yaml`.
fn match_segments(segments: &[Segment], parts: &[&str]) -> bool {
    match segments.split_first() {
        None => parts.is_empty(),
        Some((Segment::AnyDirs, rest)) => (0..=parts.len())
            .take_while(|&skip| skip == 0 || !parts[skip - 1].starts_with('.'))
            .any(|skip| match_segments(rest, &parts[skip..])),
        Some((Segment::Pattern(tokens), rest)) => match parts.split_first() {
            Some((first, others)) => {
                let hidden =
                    first.starts_with('.') && !matches!(tokens.first(), Some(Token::Char('.')));
                let chars: Vec<char> = first.chars().collect();
                !hidden && match_tokens(tokens, &chars) && match_segments(rest, others)
            }
            None => false,
        },
    }
}

fn match_tokens(tokens: &[Token], s: &[char]) -> bool {
    match tokens.split_first() {
        None => s.is_empty(),
        Some((Token::Any, rest)) => (0..=s.len()).any(|skip| match_tokens(rest, &s[skip..])),
        Some((t, rest)) => match s.split_first() {
            None => false,
            Some((c, others)) => {
                let ok = match t {
                    Token::Char(x) => x == c,
                    Token::One => true,
                    Token::Class { negated, ranges } => {
                        ranges.iter().any(|(a, b)| (a..=b).contains(&c)) != *negated
                    }
                    Token::Any => unreachable!("handled above"),
                };
                ok && match_tokens(rest, others)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::Glob;
    use super::seen_from;
    use std::path::{Path, PathBuf};

    /// A file a glob of the configuration finds is named as from the working directory, the
    /// way the command line would name it.
    #[test]
    fn matched_files_are_named_from_the_working_directory() {
        let cwd = Path::new("/home/u/cfg");
        for (path, seen) in [
            ("./api/v1.yaml", "api/v1.yaml"),
            ("api/v1.yaml", "api/v1.yaml"),
            ("/home/u/cfg/api/v1.yaml", "api/v1.yaml"),
            ("/home/u/cfg/./api/../api/v1.yaml", "api/v1.yaml"),
            ("../cfg2/v1.yaml", "../cfg2/v1.yaml"),
            ("/home/u/v1.yaml", "../v1.yaml"),
            ("/tmp/x/v1.yaml", "/tmp/x/v1.yaml"),
        ] {
            assert_eq!(
                seen_from(cwd, Path::new(path)),
                PathBuf::from(seen),
                "{path}"
            );
        }
        let deeper = Path::new("/home/u/cfg/api/x");
        assert_eq!(
            seen_from(deeper, Path::new("/home/u/cfg/api/v1.yaml")),
            PathBuf::from("../v1.yaml")
        );
    }

    #[test]
    fn globs_match_segments() {
        let cases: &[(&str, &str, bool)] = &[
            ("*.yaml", "a.yaml", true),
            ("*.yaml", "d/a.yaml", false),
            ("**/*.yaml", "a.yaml", true),
            ("**/*.yaml", "d/e/a.yaml", true),
            ("api/**", "api/x/y.json", true),
            ("api/**", "other/y.json", false),
            ("v?/[a-c]*.json", "v1/b.json", true),
            ("v?/[!a-c]*.json", "v1/b.json", false),
            ("v?/[!a-c]*.json", "v1/z.json", true),
            // Names starting with `.` only for a pattern that starts with `.`, as in the shell.
            ("*.yaml", ".apigctl.yaml", false),
            ("**/*.yaml", "api/.hidden.yaml", false),
            ("?apigctl.yaml", ".apigctl.yaml", false),
            ("[.]apigctl.yaml", ".apigctl.yaml", false),
            (".*.yaml", ".apigctl.yaml", true),
            ("api/.hidden.yaml", "api/.hidden.yaml", true),
            ("**/ci.yaml", ".github/workflows/ci.yaml", false),
            ("**/*.yaml", "api/.v1/a.yaml", false),
            (".github/**/*.yaml", ".github/workflows/ci.yaml", true),
        ];
        for (glob, path, expected) in cases {
            let g = Glob::new(glob).unwrap_or_else(|e| panic!("{glob}: {e}"));
            assert_eq!(g.matches(path), *expected, "{glob} ~ {path}");
        }
    }

    #[test]
    fn bad_globs_say_why() {
        for bad in ["", "/abs/*.yaml", "a/**b", "a//b", "[abc", "[a-]"] {
            assert!(Glob::new(bad).is_err(), "{bad}");
        }
    }
}
