//! Rule files (`rules/<id>.yaml`): their format, read with the spanned loader so that every
//! mistake in a rule file is reported at its `file:line:col`. The format is documented in
//! `rules/README.md`.

use std::collections::HashSet;

use regex::Regex;

use super::functions::{self, ArgKind, FunctionDef};
use super::selector::Selector;
use crate::diagnostic::{Location, Related, Severity, did_you_mean};
use crate::source::{
    FileId, Limits, LineCol, LoadError, Map, Node, Sources, Span, Value, load_bytes,
};

/// A rule file that could not be read, with where the problem is. Shown as
/// `file:line:col: message` (`file: message` without a place).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct RuleError {
    /// The rule file, as named to the loader.
    pub file: String,
    /// Where in the rule file the problem is; `None` for a problem of the file as a whole.
    pub place: Option<ErrorPlace>,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when the loader says more than the message.
    pub help: Option<String>,
    /// Other places that explain it (the first of two duplicate keys), in the same
    /// [`Sources`] as the place.
    pub related: Vec<Related>,
}

/// Where in a rule file a [`RuleError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorPlace {
    /// The bytes, in the [`Sources`] the file was loaded into by [`parse_rule_in`] or
    /// [`load_rules_in`](super::load_rules_in), from which a caller can show them.
    /// [`parse_rule`] and [`load_rules`](super::load_rules) keep no [`Sources`]: there only
    /// `line` and `col` tell where.
    pub location: Location,
    /// The 1-based line where it starts.
    pub line: u32,
    /// The 1-based column where it starts, in characters.
    pub col: u32,
}

impl RuleError {
    /// An error at `location` of a file loaded into `sources`.
    pub fn at(sources: &Sources, location: Location, message: impl Into<String>) -> RuleError {
        let file = sources.file(location.file);
        let LineCol { line, col } = file.line_col(location.span.start as usize);
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        RuleError {
            file: file.name.clone(),
            place: Some(ErrorPlace {
                location,
                line: narrow(line),
                col: narrow(col),
            }),
            message: message.into(),
            help: None,
            related: Vec::new(),
        }
    }

    /// An error about the file `file` as a whole.
    pub fn whole_file(file: impl Into<String>, message: impl Into<String>) -> RuleError {
        RuleError {
            file: file.into(),
            place: None,
            message: message.into(),
            help: None,
            related: Vec::new(),
        }
    }

    /// Where in the rule file the problem is, if it is at one place.
    pub fn location(&self) -> Option<Location> {
        self.place.map(|p| p.location)
    }

    /// `file:line:col: message`.
    fn describe(&self) -> String {
        match self.place {
            Some(p) => format!("{}:{}:{}: {}", self.file, p.line, p.col, self.message),
            None => format!("{}: {}", self.file, self.message),
        }
    }
}

/// Which tree a rule runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Given {
    /// The gateway definition: imported from an OpenAPI document (findings are mapped back
    /// through import provenance) or read from a definition file.
    Definition,
    /// The OpenAPI document as written (not run on definition files).
    OpenApi,
}

impl Given {
    /// The name used in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            Given::Definition => "definition",
            Given::OpenApi => "openapi",
        }
    }
}

/// One `where` condition on a selected node.
#[derive(Clone, Debug)]
pub struct Condition {
    /// Dotted path of the field below the selected node.
    pub field: String,
    /// The test.
    pub test: ConditionTest,
    /// Strings compare ASCII case-insensitively (`ignore_case: true`): for values import reads
    /// without case, so that the condition holds for every spelling import accepts.
    pub ignore_case: bool,
}

/// What a [`Condition`] requires of its field.
#[derive(Clone, Debug)]
pub enum ConditionTest {
    /// The field equals this scalar.
    Equals(Scalar),
    /// The field is absent or differs from this scalar.
    NotEquals(Scalar),
    /// The field equals one of these scalars.
    In(Vec<Scalar>),
    /// The field is present (`true`) or absent (`false`).
    Present(bool),
}

/// A scalar from a rule file (compared with document scalars).
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// A string.
    String(String),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// `null`.
    Null,
}

impl Scalar {
    fn from_node(node: &Node) -> Option<Scalar> {
        Some(match &node.value {
            Value::String(s) => Scalar::String(s.to_string()),
            Value::Number(n) => Scalar::Number(n.as_f64()),
            Value::Bool(b) => Scalar::Bool(*b),
            Value::Null => Scalar::Null,
            _ => return None,
        })
    }

    /// Whether a document node (or key text) equals this scalar.
    pub fn matches(&self, node: &Node, ignore_case: bool) -> bool {
        match (self, &node.value) {
            (Scalar::String(a), Value::String(b)) => {
                if ignore_case {
                    a.eq_ignore_ascii_case(b)
                } else {
                    **a == **b
                }
            }
            (Scalar::Number(a), Value::Number(b)) => *a == b.as_f64(),
            (Scalar::Bool(a), Value::Bool(b)) => a == b,
            (Scalar::Null, Value::Null) => true,
            _ => false,
        }
    }
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::String(s) => f.write_str(s),
            Scalar::Number(n) => write!(f, "{n}"),
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Null => f.write_str("null"),
        }
    }
}

/// JSON types for the `type` check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonType {
    /// `string`.
    String,
    /// `number` (any number).
    Number,
    /// `integer` (a number without fraction).
    Integer,
    /// `boolean`.
    Boolean,
    /// `array` (a sequence).
    Array,
    /// `object` (a mapping).
    Object,
    /// `null`.
    Null,
}

const JSON_TYPES: [(&str, JsonType); 7] = [
    ("string", JsonType::String),
    ("number", JsonType::Number),
    ("integer", JsonType::Integer),
    ("boolean", JsonType::Boolean),
    ("array", JsonType::Array),
    ("object", JsonType::Object),
    ("null", JsonType::Null),
];

impl JsonType {
    /// The name used in rule files.
    pub fn as_str(self) -> &'static str {
        JSON_TYPES
            .iter()
            .find(|(_, t)| *t == self)
            .map_or("?", |(n, _)| n)
    }

    /// Whether `node` has this type.
    pub fn matches(self, node: &Node) -> bool {
        match (self, &node.value) {
            (JsonType::String, Value::String(_))
            | (JsonType::Number, Value::Number(_))
            | (JsonType::Boolean, Value::Bool(_))
            | (JsonType::Array, Value::Seq(_))
            | (JsonType::Object, Value::Map(_))
            | (JsonType::Null, Value::Null) => true,
            (JsonType::Integer, Value::Number(n)) => n.as_i64().is_some(),
            _ => false,
        }
    }
}

/// A check on each selected node.
#[derive(Clone, Debug)]
pub enum CheckKind {
    /// A string matches the regular expression (unanchored unless the pattern anchors).
    Pattern(Regex),
    /// A string does not match the regular expression (for what Rust regexes cannot negate).
    NotPattern(Regex),
    /// A string's length in characters is within bounds.
    Length {
        /// Fewest characters.
        min: Option<usize>,
        /// Most characters.
        max: Option<usize>,
    },
    /// A scalar is one of these.
    Enum {
        /// Allowed values.
        values: Vec<Scalar>,
        /// Compare strings ignoring ASCII case.
        ignore_case: bool,
    },
    /// A number is within bounds (inclusive).
    Range {
        /// Smallest allowed.
        min: Option<f64>,
        /// Largest allowed.
        max: Option<f64>,
    },
    /// The node has one of these JSON types.
    Type(Vec<JsonType>),
    /// A mapping has these fields.
    Required(Vec<String>),
    /// A mapping does not have these fields.
    Forbidden(Vec<String>),
    /// Across all selected nodes, the value (or the combination of `fields`) is not repeated.
    Unique {
        /// Fields making up the compared value; empty means the node itself.
        fields: Vec<String>,
        /// Compare strings ignoring ASCII case.
        ignore_case: bool,
    },
    /// A string does not start with any of these (ASCII case-insensitive).
    ForbiddenPrefix(Vec<String>),
    /// A sequence (or mapping) has at most this many items.
    MaxItems(usize),
    /// A sequence (or mapping) has at least this many items.
    MinItems(usize),
    /// A built-in function.
    Function {
        /// The function.
        def: &'static FunctionDef,
        /// Its arguments (an empty mapping when not given).
        args: Node,
    },
}

impl CheckKind {
    /// The key naming this check in rule files.
    pub fn name(&self) -> &'static str {
        match self {
            CheckKind::Pattern(_) => "pattern",
            CheckKind::NotPattern(_) => "not_pattern",
            CheckKind::Length { .. } => "length",
            CheckKind::Enum { .. } => "enum",
            CheckKind::Range { .. } => "range",
            CheckKind::Type(_) => "type",
            CheckKind::Required(_) => "required",
            CheckKind::Forbidden(_) => "forbidden",
            CheckKind::Unique { .. } => "unique",
            CheckKind::ForbiddenPrefix(_) => "forbidden_prefix",
            CheckKind::MaxItems(_) => "max_items",
            CheckKind::MinItems(_) => "min_items",
            CheckKind::Function { .. } => "function",
        }
    }

    /// Placeholders this check fills in (besides `{value}`, `{key}`, `{path}`).
    pub fn placeholders(&self) -> &'static [&'static str] {
        match self {
            CheckKind::Pattern(_) | CheckKind::NotPattern(_) => &["pattern"],
            CheckKind::Length { .. } => &["min", "max", "length"],
            CheckKind::Enum { .. } => &["allowed"],
            CheckKind::Range { .. } => &["min", "max"],
            CheckKind::Type(_) => &["expected", "actual"],
            CheckKind::Required(_) | CheckKind::Forbidden(_) => &["field"],
            CheckKind::Unique { .. } => &["field"],
            CheckKind::ForbiddenPrefix(_) => &["prefix"],
            CheckKind::MaxItems(_) => &["max", "count"],
            CheckKind::MinItems(_) => &["min", "count"],
            CheckKind::Function { def, .. } => def.placeholders,
        }
    }
}

/// Placeholders every check fills in.
pub const COMMON_PLACEHOLDERS: [&str; 3] = ["value", "key", "path"];

const CHECK_KEYS: [&str; 13] = [
    "pattern",
    "not_pattern",
    "length",
    "enum",
    "range",
    "type",
    "required",
    "forbidden",
    "unique",
    "forbidden_prefix",
    "max_items",
    "min_items",
    "function",
];

/// One entry of `then`.
#[derive(Clone, Debug)]
pub struct Check {
    /// What is checked.
    pub kind: CheckKind,
    /// Dotted path below the selected node to check instead of the node itself.
    pub field: Option<String>,
    /// Message template overriding the rule's.
    pub message: Option<String>,
}

/// The failing and passing example documents of a rule.
#[derive(Clone, Debug, Default)]
pub struct Examples {
    /// A document on which the rule reports at least one finding.
    pub fail: String,
    /// A document on which it reports none.
    pub pass: String,
}

/// A loaded rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Identifier (`apig-api-name`); also the file name.
    pub id: String,
    /// Default severity.
    pub severity: Severity,
    /// One line saying what the rule checks.
    pub description: String,
    /// The documentation the rule enforces.
    pub source: String,
    /// The constraint number in the extension reference §4, if any.
    pub constraint: Option<u32>,
    /// Message template.
    pub message: String,
    /// How to fix a finding.
    pub help: Option<String>,
    /// Which tree the rule runs on.
    pub given: Given,
    /// The selector as written.
    pub select_text: String,
    /// The parsed selector.
    pub select: Selector,
    /// Conditions a selected node must meet to be checked.
    pub filter: Vec<Condition>,
    /// The checks.
    pub then: Vec<Check>,
    /// Examples for `rules explain` and the tests.
    pub examples: Examples,
    /// The file the rule was read from.
    pub file: String,
}

/// Reads the fields of one mapping, remembering which were used so unknown ones are errors.
struct Fields<'a> {
    cx: &'a Cx<'a>,
    node: &'a Node,
    map: &'a Map,
    used: HashSet<&'static str>,
}

struct Cx<'a> {
    sources: &'a Sources,
    file: FileId,
}

impl Cx<'_> {
    fn error(&self, span: Span, message: impl Into<String>) -> RuleError {
        RuleError::at(self.sources, Location::new(self.file, span), message)
    }
}

impl<'a> Fields<'a> {
    fn new(cx: &'a Cx<'a>, node: &'a Node, what: &str) -> Result<Fields<'a>, RuleError> {
        let map = node.as_map().ok_or_else(|| {
            cx.error(
                node.span,
                format!("{what} must be a mapping, found a {}", node.value.kind()),
            )
        })?;
        Ok(Fields {
            cx,
            node,
            map,
            used: HashSet::new(),
        })
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Node> {
        self.used.insert(key);
        self.map.get(key)
    }

    fn required(&mut self, key: &'static str) -> Result<&'a Node, RuleError> {
        self.get(key)
            .ok_or_else(|| self.cx.error(self.node.span, format!("missing `{key}`")))
    }

    fn string(&mut self, key: &'static str) -> Result<Option<&'a str>, RuleError> {
        match self.get(key) {
            None => Ok(None),
            Some(n) => n
                .as_str()
                .map(Some)
                .ok_or_else(|| self.cx.error(n.span, format!("`{key}` must be a string"))),
        }
    }

    fn required_string(&mut self, key: &'static str) -> Result<&'a str, RuleError> {
        self.required(key)?;
        self.string(key).map(|s| s.unwrap_or_default())
    }

    /// Errors on any key not read, suggesting the nearest known one.
    fn finish(self, known: &[&'static str]) -> Result<(), RuleError> {
        for entry in &self.map.entries {
            if !self.used.contains(&*entry.key.name) {
                let hint = did_you_mean(&entry.key.name, known.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("; expected one of {}", known.join(", ")));
                return Err(self.cx.error(
                    entry.key.span,
                    format!("unknown key `{}`{hint}", entry.key.name),
                ));
            }
        }
        Ok(())
    }
}

const RULE_KEYS: [&str; 13] = [
    "id",
    "severity",
    "description",
    "source",
    "constraint",
    "message",
    "help",
    "given",
    "select",
    "where",
    "then",
    "examples",
    "$schema",
];

/// Parses one rule file. `file_name` is shown in errors and must be `<id>.yaml`.
pub fn parse_rule(file_name: &str, text: &str) -> Result<Rule, RuleError> {
    parse_rule_in(&mut Sources::new(), file_name, text.as_bytes().to_vec()).map(|(rule, _)| rule)
}

/// Parses one rule file, adding it to `sources`, so that the location of an error (and
/// where the rule's id is written, returned beside the rule) can be shown from there.
/// `file_name` is shown in errors and must end in `<id>.yaml`.
pub fn parse_rule_in(
    sources: &mut Sources,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<(Rule, Location), RuleError> {
    let doc = match load_bytes(
        file_name.to_owned(),
        None,
        bytes,
        sources,
        &Limits::default(),
    ) {
        Ok(doc) => doc,
        Err(LoadError::Invalid(d)) => {
            let mut error = match d.primary {
                Some(l) => RuleError::at(sources, l, d.message),
                None => RuleError::whole_file(file_name, d.message),
            };
            error.help = d.help;
            error.related = d.related;
            return Err(error);
        }
        Err(e) => return Err(RuleError::whole_file(file_name, e.to_string())),
    };
    let sources = &*sources;
    let cx = Cx {
        sources,
        file: doc.file,
    };
    let mut f = Fields::new(&cx, &doc.root, "a rule file")?;
    f.get("$schema");
    let id_node = f.required("id")?;
    let id = f.required_string("id")?.to_owned();
    if !valid_id(&id) {
        return Err(cx.error(
            id_node.span,
            format!("rule id `{id}` must be kebab-case and start with `apig-` or `oas-`"),
        ));
    }
    if file_name.rsplit('/').next() != Some(&format!("{id}.yaml")) {
        return Err(cx.error(
            id_node.span,
            format!("rule `{id}` must be in a file named `{id}.yaml`"),
        ));
    }
    let severity_node = f.required("severity")?;
    let severity = match severity_node.as_str() {
        Some("error") => Severity::Error,
        Some("warn") => Severity::Warn,
        Some("info") => Severity::Info,
        Some("hint") => Severity::Hint,
        _ => {
            return Err(cx.error(
                severity_node.span,
                "`severity` must be one of error, warn, info, hint",
            ));
        }
    };
    let description = f.required_string("description")?.to_owned();
    if description.contains('\n') {
        return Err(cx.error(
            f.map.get("description").map_or(doc.root.span, |n| n.span),
            "`description` is one line",
        ));
    }
    let source = f.required_string("source")?.to_owned();
    let constraint = match f.get("constraint") {
        None => None,
        Some(n) => Some(
            n.as_i64()
                .filter(|c| (1..=1000).contains(c))
                .map(|c| c as u32)
                .ok_or_else(|| cx.error(n.span, "`constraint` is the number of a §4 constraint"))?,
        ),
    };
    let message_node = f.required("message")?;
    let message = f.required_string("message")?.to_owned();
    let help = f.string("help")?.map(str::to_owned);
    let given_node = f.required("given")?;
    let given = match given_node.as_str() {
        Some("definition") => Given::Definition,
        Some("openapi") => Given::OpenApi,
        _ => {
            return Err(cx.error(given_node.span, "`given` must be `definition` or `openapi`"));
        }
    };
    let select_node = f.required("select")?;
    let select_text = f.required_string("select")?.to_owned();
    let select = parse_selector(&cx, select_node, &select_text)?;
    let filter = match f.get("where") {
        None => Vec::new(),
        Some(n) => parse_where(&cx, n)?,
    };
    let then_node = f.required("then")?;
    let items = then_node
        .as_seq()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| cx.error(then_node.span, "`then` must be a non-empty list of checks"))?;
    let mut then = Vec::with_capacity(items.len());
    for item in items {
        let check = parse_check(&cx, item)?;
        let template = check.message.as_deref().unwrap_or(&message);
        let at = match &check.message {
            Some(_) => item.get("message").map_or(item.span, |n| n.span),
            None => message_node.span,
        };
        check_placeholders(&cx, at, template, &check.kind)?;
        then.push(check);
    }
    let examples_node = f.required("examples")?;
    let mut ex = Fields::new(&cx, examples_node, "`examples`")?;
    let examples = Examples {
        fail: ex.required_string("fail")?.to_owned(),
        pass: ex.required_string("pass")?.to_owned(),
    };
    ex.finish(&["fail", "pass"])?;
    f.finish(&RULE_KEYS)?;
    let rule = Rule {
        id,
        severity,
        description,
        source,
        constraint,
        message,
        help,
        given,
        select_text,
        select,
        filter,
        then,
        examples,
        file: file_name.to_owned(),
    };
    Ok((rule, Location::new(doc.file, id_node.span)))
}

fn valid_id(id: &str) -> bool {
    let rest = id.strip_prefix("apig-").or_else(|| id.strip_prefix("oas-"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && r.split('-').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
    })
}

fn parse_selector(cx: &Cx<'_>, node: &Node, text: &str) -> Result<Selector, RuleError> {
    Selector::parse(text).map_err(|(offset, message)| {
        // Point into the selector text when it is written plainly on one line.
        let span = if node.span.end as usize - node.span.start as usize >= text.len() {
            let quote = usize::from(node.span.end as usize - node.span.start as usize > text.len());
            let at = node.span.start as usize + quote + offset;
            Span::new(at, at + 1)
        } else {
            node.span
        };
        cx.error(
            span,
            format!("bad selector: {message} (see rules/README.md)"),
        )
    })
}

fn parse_where(cx: &Cx<'_>, node: &Node) -> Result<Vec<Condition>, RuleError> {
    let items = node
        .as_seq()
        .ok_or_else(|| cx.error(node.span, "`where` must be a list of conditions"))?;
    let mut out = Vec::new();
    for item in items {
        let mut f = Fields::new(cx, item, "a condition")?;
        let field = f.required_string("field")?.to_owned();
        let scalar =
            |n: &Node| Scalar::from_node(n).ok_or_else(|| cx.error(n.span, "expected a scalar"));
        let test = if let Some(n) = f.get("equals") {
            ConditionTest::Equals(scalar(n)?)
        } else if let Some(n) = f.get("not_equals") {
            ConditionTest::NotEquals(scalar(n)?)
        } else if let Some(n) = f.get("in") {
            let list = n
                .as_seq()
                .ok_or_else(|| cx.error(n.span, "`in` must be a list"))?;
            ConditionTest::In(list.iter().map(scalar).collect::<Result<_, _>>()?)
        } else if let Some(n) = f.get("present") {
            ConditionTest::Present(
                n.as_bool()
                    .ok_or_else(|| cx.error(n.span, "`present` must be true or false"))?,
            )
        } else {
            return Err(cx.error(
                item.span,
                "a condition needs one of `equals`, `not_equals`, `in`, `present`",
            ));
        };
        let ignore_case = match f.get("ignore_case") {
            Some(n) => n
                .as_bool()
                .ok_or_else(|| cx.error(n.span, "`ignore_case` must be true or false"))?,
            None => false,
        };
        f.finish(&[
            "field",
            "equals",
            "not_equals",
            "in",
            "present",
            "ignore_case",
        ])?;
        out.push(Condition {
            field,
            test,
            ignore_case,
        });
    }
    Ok(out)
}

fn string_list(cx: &Cx<'_>, node: &Node, what: &str) -> Result<Vec<String>, RuleError> {
    let items = node
        .as_seq()
        .ok_or_else(|| cx.error(node.span, format!("`{what}` must be a list of strings")))?;
    items
        .iter()
        .map(|n| {
            n.as_str()
                .map(str::to_owned)
                .ok_or_else(|| cx.error(n.span, format!("`{what}` must be a list of strings")))
        })
        .collect()
}

fn bounds<T>(
    cx: &Cx<'_>,
    node: &Node,
    what: &str,
    read: impl Fn(&Node) -> Option<T>,
) -> Result<(Option<T>, Option<T>), RuleError> {
    let mut f = Fields::new(cx, node, &format!("`{what}`"))?;
    let mut get = |key: &'static str| -> Result<Option<T>, RuleError> {
        match f.get(key) {
            None => Ok(None),
            Some(n) => read(n).map(Some).ok_or_else(|| {
                cx.error(
                    n.span,
                    format!("`{what}.{key}` must be a non-negative number"),
                )
            }),
        }
    };
    let min = get("min")?;
    let max = get("max")?;
    if min.is_none() && max.is_none() {
        return Err(cx.error(node.span, format!("`{what}` needs `min`, `max` or both")));
    }
    f.finish(&["min", "max"])?;
    Ok((min, max))
}

fn parse_check(cx: &Cx<'_>, node: &Node) -> Result<Check, RuleError> {
    let mut f = Fields::new(cx, node, "a check")?;
    let field = f.string("field")?.map(str::to_owned);
    let message = f.string("message")?.map(str::to_owned);
    let present: Vec<&'static str> = CHECK_KEYS
        .iter()
        .copied()
        .filter(|k| f.map.get(k).is_some())
        .collect();
    let name = match present.as_slice() {
        [one] => *one,
        [] => {
            return Err(cx.error(
                node.span,
                format!("a check needs one of {}", CHECK_KEYS.join(", ")),
            ));
        }
        _ => {
            return Err(cx.error(
                node.span,
                format!(
                    "one check per list item; found {} (write each as its own `- ` item)",
                    present.join(", ")
                ),
            ));
        }
    };
    let value = f.required(name)?;
    let kind = match name {
        "pattern" | "not_pattern" => {
            let text = value
                .as_str()
                .ok_or_else(|| cx.error(value.span, format!("`{name}` must be a string")))?;
            let re = Regex::new(text).map_err(|e| cx.error(value.span, regex_error(&e)))?;
            if name == "pattern" {
                CheckKind::Pattern(re)
            } else {
                CheckKind::NotPattern(re)
            }
        }
        "length" => {
            let (min, max) = bounds(cx, value, "length", |n| {
                n.as_i64().and_then(|i| usize::try_from(i).ok())
            })?;
            CheckKind::Length { min, max }
        }
        "range" => {
            let (min, max) = bounds(cx, value, "range", |n| n.as_number().map(|x| x.as_f64()))?;
            CheckKind::Range { min, max }
        }
        "enum" => {
            let (list, ignore_case) = match &value.value {
                Value::Seq(_) => (value, false),
                _ => {
                    let mut e = Fields::new(cx, value, "`enum`")?;
                    let list = e.required("values")?;
                    let ignore_case = e
                        .get("ignore_case")
                        .and_then(Node::as_bool)
                        .unwrap_or(false);
                    e.finish(&["values", "ignore_case"])?;
                    (list, ignore_case)
                }
            };
            let values = list
                .as_seq()
                .ok_or_else(|| cx.error(list.span, "`enum` values must be a list"))?
                .iter()
                .map(|n| {
                    Scalar::from_node(n).ok_or_else(|| cx.error(n.span, "enum values are scalars"))
                })
                .collect::<Result<_, _>>()?;
            CheckKind::Enum {
                values,
                ignore_case,
            }
        }
        "type" => {
            let names: Vec<(String, Span)> = match &value.value {
                Value::String(s) => vec![(s.to_string(), value.span)],
                Value::Seq(items) => items
                    .iter()
                    .map(|n| (n.as_str().unwrap_or_default().to_owned(), n.span))
                    .collect(),
                _ => return Err(cx.error(value.span, "`type` is a type name or a list of them")),
            };
            let mut types = Vec::new();
            for (name, span) in names {
                let t = JSON_TYPES
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, t)| *t)
                    .ok_or_else(|| {
                        cx.error(
                            span,
                            format!(
                                "unknown type `{name}`; use string, number, integer, boolean, array, object or null"
                            ),
                        )
                    })?;
                types.push(t);
            }
            CheckKind::Type(types)
        }
        "required" => CheckKind::Required(string_list(cx, value, "required")?),
        "forbidden" => CheckKind::Forbidden(string_list(cx, value, "forbidden")?),
        "forbidden_prefix" => {
            CheckKind::ForbiddenPrefix(string_list(cx, value, "forbidden_prefix")?)
        }
        "unique" => {
            let mut u = Fields::new(cx, value, "`unique`")?;
            let fields = match u.get("fields") {
                None => Vec::new(),
                Some(n) => string_list(cx, n, "unique.fields")?,
            };
            let ignore_case = match u.get("ignore_case") {
                None => false,
                Some(n) => n
                    .as_bool()
                    .ok_or_else(|| cx.error(n.span, "`ignore_case` must be true or false"))?,
            };
            u.finish(&["fields", "ignore_case"])?;
            CheckKind::Unique {
                fields,
                ignore_case,
            }
        }
        "max_items" | "min_items" => {
            let n = value
                .as_i64()
                .and_then(|i| usize::try_from(i).ok())
                .ok_or_else(|| {
                    cx.error(
                        value.span,
                        format!("`{name}` must be a non-negative integer"),
                    )
                })?;
            if name == "max_items" {
                CheckKind::MaxItems(n)
            } else {
                CheckKind::MinItems(n)
            }
        }
        "function" => {
            let fname = value
                .as_str()
                .ok_or_else(|| cx.error(value.span, "`function` must be a function name"))?;
            let def = functions::find(fname).ok_or_else(|| {
                let hint = did_you_mean(fname, functions::FUNCTIONS.iter().map(|f| f.name))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                cx.error(
                    value.span,
                    format!("unknown function `{fname}`{hint} (the functions are listed in rules/README.md)"),
                )
            })?;
            let args = match f.get("args") {
                Some(a) => a.clone(),
                None => Node::new(value.span, Value::Map(Map::default())),
            };
            check_args(cx, def, &args)?;
            CheckKind::Function { def, args }
        }
        _ => unreachable!("names come from CHECK_KEYS"),
    };
    let mut known: Vec<&'static str> = vec!["field", "message", name];
    if name == "function" {
        known.push("args");
    }
    f.finish(&known)?;
    Ok(Check {
        kind,
        field,
        message,
    })
}

fn check_args(cx: &Cx<'_>, def: &FunctionDef, args: &Node) -> Result<(), RuleError> {
    let mut f = Fields::new(cx, args, "`args`")?;
    for arg in def.args {
        let Some(value) = f.get(arg.name) else {
            if arg.required {
                return Err(cx.error(
                    args.span,
                    format!(
                        "function `{}` needs argument `{}` ({})",
                        def.name, arg.name, arg.description
                    ),
                ));
            }
            continue;
        };
        let ok = match arg.kind {
            ArgKind::String => value.as_str().is_some(),
            ArgKind::StringList => value
                .as_seq()
                .is_some_and(|s| s.iter().all(|n| n.as_str().is_some())),
            ArgKind::Selector => match value.as_str() {
                Some(text) => {
                    parse_selector(cx, value, text)?;
                    true
                }
                None => false,
            },
            ArgKind::OneOf(choices) => value.as_str().is_some_and(|v| choices.contains(&v)),
            ArgKind::Count => value.as_i64().is_some_and(|n| n >= 0),
        };
        if !ok {
            let expected = match arg.kind {
                ArgKind::String => "a string".to_owned(),
                ArgKind::StringList => "a list of strings".to_owned(),
                ArgKind::Selector => "a selector string".to_owned(),
                ArgKind::OneOf(choices) => format!("one of {}", choices.join(", ")),
                ArgKind::Count => "a non-negative integer".to_owned(),
            };
            return Err(cx.error(
                value.span,
                format!(
                    "argument `{}` of `{}` must be {expected}",
                    arg.name, def.name
                ),
            ));
        }
    }
    let names: Vec<&'static str> = def.args.iter().map(|a| a.name).collect();
    f.finish(&names)
}

/// The `{name}` placeholders of a message template.
pub fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template.split('{').skip(1).filter_map(|part| {
        let end = part.find('}')?;
        let name = &part[..end];
        (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
            .then_some(name)
    })
}

fn check_placeholders(
    cx: &Cx<'_>,
    span: Span,
    template: &str,
    kind: &CheckKind,
) -> Result<(), RuleError> {
    for name in placeholders(template) {
        if !COMMON_PLACEHOLDERS.contains(&name) && !kind.placeholders().contains(&name) {
            let mut known: Vec<&str> = COMMON_PLACEHOLDERS.to_vec();
            known.extend(kind.placeholders());
            return Err(cx.error(
                span,
                format!(
                    "placeholder `{{{name}}}` is not filled by a `{}` check (it fills {}); give the check its own `message`",
                    kind.name(),
                    known.iter().map(|k| format!("{{{k}}}")).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// A regular expression's error on one line: the regex crate writes the pattern, a caret
/// under the mistake and the reason on lines of their own, which a report shows as one line.
fn regex_error(e: &regex::Error) -> String {
    let text = e.to_string();
    let lines: Vec<&str> = text.lines().collect();
    let reason = lines.iter().rev().find_map(|l| l.strip_prefix("error: "));
    // The caret line is spaces, indented as the pattern line above it, then the carets.
    let column = lines.windows(2).find_map(|pair| {
        let caret = pair[1].find('^')?;
        let indent = pair[0].len() - pair[0].trim_start().len();
        (pair[1].trim().chars().all(|c| c == '^') && caret >= indent).then(|| caret - indent + 1)
    });
    match (reason, column) {
        (Some(reason), Some(column)) => {
            format!("bad regular expression: {reason} (at character {column} of the pattern)")
        }
        (Some(reason), None) => format!("bad regular expression: {reason}"),
        _ => format!("bad regular expression: {}", lines.join(" ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "id: apig-x\nseverity: error\ndescription: d\nsource: s\nmessage: 'bad {value}'\ngiven: definition\nselect: $.apis[*].name\nthen:\n  - pattern: '^a'\nexamples:\n  fail: 'x'\n  pass: 'y'\n";

    fn error(text: &str) -> String {
        parse_rule("rules/apig-x.yaml", text)
            .map(|_| "loaded".to_owned())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn a_good_rule_loads() {
        let rule = parse_rule("rules/apig-x.yaml", GOOD).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rule.id, "apig-x");
        assert_eq!(rule.then.len(), 1);
    }

    /// The error's location is a span of the rule file in the caller's [`Sources`], so a
    /// caller can show it (the configuration shows a user rule file's mistake there).
    #[test]
    fn errors_locate_the_mistake_in_the_callers_sources() {
        let mut sources = Sources::new();
        sources.add(crate::source::SourceFile::new(
            "other.yaml",
            None,
            "x\n".into(),
        ));
        let text = GOOD.replace("pattern: '^a'", "pattern: '('");
        let e = parse_rule_in(&mut sources, "team/apig-x.yaml", text.into_bytes())
            .map(|_| ())
            .expect_err("a bad pattern");
        let at = e.location().expect("located");
        let file = sources.file(at.file);
        assert_eq!(file.name, "team/apig-x.yaml");
        assert_eq!(&file.text[at.span.range()], "'('");
        assert_eq!(e.place.map(|p| (p.line, p.col)), Some((9, 14)));
        assert_eq!(e.file, "team/apig-x.yaml");

        // A loader error keeps the loader's related places and help; a byte-order mark the
        // loader drops does not shift them.
        let twice = format!(
            "\u{feff}{}",
            GOOD.replace("severity: error\n", "severity: error\nseverity: warn\n")
        );
        let e = parse_rule_in(&mut sources, "apig-x.yaml", twice.into_bytes())
            .map(|_| ())
            .expect_err("a duplicate key");
        let (at, first) = (e.location().expect("located"), &e.related[0].location);
        let text = &sources.file(at.file).text;
        assert_eq!(&text[at.span.range()], "severity");
        assert_eq!(e.place.map(|p| (p.line, p.col)), Some((3, 1)));
        assert_eq!(
            sources
                .file(first.file)
                .line_col(first.span.start as usize)
                .line,
            2
        );
        assert!(e.help.is_some());

        // A good rule comes with where its id is written.
        let (rule, id) = parse_rule_in(&mut sources, "apig-x.yaml", GOOD.as_bytes().to_vec())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&sources.file(id.file).text[id.span.range()], rule.id);
    }

    #[test]
    fn a_repeated_id_is_reported_at_the_second_with_the_first_related() {
        let e = super::super::load_rules([("a/apig-x.yaml", GOOD), ("b/apig-x.yaml", GOOD)])
            .map(|_| ())
            .expect_err("a repeated id");
        assert_eq!(
            e.to_string(),
            "b/apig-x.yaml:1:5: rule id `apig-x` is also defined in a/apig-x.yaml"
        );
        assert_eq!(e.related.len(), 1);
        assert_eq!(e.related[0].message, "first defined here");
    }

    #[test]
    fn mistakes_point_into_the_rule_file() {
        assert_eq!(
            error(&GOOD.replace("severity: error", "severty: error")),
            "rules/apig-x.yaml:1:1: missing `severity`"
        );
        assert_eq!(
            error(&format!("{GOOD}sevrity: x\n")),
            "rules/apig-x.yaml:13:1: unknown key `sevrity`; did you mean `severity`?"
        );
        assert_eq!(
            error(&GOOD.replace("pattern: '^a'", "function: refers_to")),
            "rules/apig-x.yaml:9:15: unknown function `refers_to`; did you mean `refers-to`? (the functions are listed in rules/README.md)"
        );
        assert_eq!(
            error(&GOOD.replace("$.apis[*].name", "$.apis[x]")),
            "rules/apig-x.yaml:7:16: bad selector: inside `[]` write `*`, an index, or quoted keys (`['a','b']`) (see rules/README.md)"
        );
        assert_eq!(
            error(&GOOD.replace("pattern: '^a'", "pattern: '('"))
                .split(": bad")
                .next(),
            Some("rules/apig-x.yaml:9:14")
        );
        assert!(
            error(&GOOD.replace("{value}", "{min}"))
                .contains("placeholder `{min}` is not filled by a `pattern` check")
        );
        assert!(
            error(&GOOD.replace("id: apig-x", "id: apig-y"))
                .contains("must be in a file named `apig-y.yaml`")
        );
        assert!(error(&GOOD.replace("id: apig-x", "id: Apig_X")).contains("kebab-case"));
        assert!(
            error(
                &GOOD
                    .replace("function", "x")
                    .replace("pattern: '^a'", "function: ordered")
            )
            .contains("needs argument `fields`")
        );
        assert!(
            error(
                &GOOD
                    .replace("function", "x")
                    .replace("pattern: '^a'", "{function: uri-path, args: {side: front}}")
            )
            .contains("argument `side` of `uri-path` must be one of request, backend")
        );
        assert!(
            error(&GOOD.replace("  - pattern: '^a'", "  - {pattern: a, length: {max: 3}}"))
                .contains("one check per list item")
        );
    }
}
