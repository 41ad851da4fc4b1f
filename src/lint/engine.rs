//! Running rules over a tree and turning findings into diagnostics at source locations.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::functions::{Call, Finding, Selections};
use super::rule::{Check, CheckKind, Condition, ConditionTest, Given, Rule};
use super::selector::{DescentIndex, PathItemRefs, Target};
use crate::convert::import::Provenance;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::inline::Inlined;
use crate::source::refs::Workspace;
use crate::source::{
    Entry, FileId, Key, KeyIndex, Located, Node, Pointer, Span, Value, unescape_pointer_token,
};
use crate::timings;

/// Per-rule adjustments (from configuration): severity overrides, rules turned off, and
/// findings ignored by pointer. The default runs every rule at its own severity.
#[derive(Clone, Debug, Default)]
pub struct RuleSettings {
    /// Rule id to severity; `None` turns the rule off.
    pub severity: HashMap<String, Option<Severity>>,
    /// Findings to drop.
    pub ignore: Vec<Ignore>,
}

/// Drops findings of one rule (or of every rule) at or below a JSON pointer.
#[derive(Clone, Debug)]
pub struct Ignore {
    /// The rule id; `None` for every rule.
    pub rule: Option<String>,
    /// The pointer (in the tree the rule runs on); findings at it or below it are dropped.
    pub pointer: String,
}

impl Ignore {
    fn covers(&self, rule: &str, pointer: &str) -> bool {
        self.rule.as_deref().is_none_or(|r| r == rule)
            && pointer
                .strip_prefix(self.pointer.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }
}

/// Maps a pointer of the tree a rule ran on to a place in a source file.
pub enum Locator<'a> {
    /// The tree is a loaded file: pointers resolve in it directly.
    Tree {
        /// The file.
        file: FileId,
        /// Its root.
        root: &'a Node,
    },
    /// The tree is an imported definition: pointers go through import provenance.
    Provenance {
        /// Where each definition value came from.
        provenance: &'a Provenance,
        /// The workspace the definition was imported from.
        ws: &'a Workspace,
        /// Where to point when nothing up the pointer's path has a recorded source.
        fallback: (FileId, Span),
    },
    /// The tree is a root document with its references into other files inlined: each node
    /// keeps its span, in the file the view says it was written in.
    Inlined {
        /// The view.
        view: &'a Inlined,
    },
}

impl Locator<'_> {
    /// The text of `file`, where this locator knows it (an imported definition's sources).
    fn source_text(&self, file: FileId) -> Option<&str> {
        match self {
            Locator::Provenance { ws, .. } => Some(&ws.sources.file(file).text),
            Locator::Tree { .. } | Locator::Inlined { .. } => None,
        }
    }

    /// The source of `pointer` (of its key when `at_key` and the key is known), or of its
    /// nearest ancestor that has one; `keys` looks up keys in the trees of this locator.
    pub fn locate(&self, keys: &KeyIndex, pointer: &str, at_key: bool) -> (FileId, Span) {
        match self {
            Locator::Tree { file, root } => {
                let mut p = pointer;
                loop {
                    if let Some(found) = keys.pointer(root, p) {
                        let span = if at_key && p == pointer {
                            found.label_span()
                        } else {
                            found.node.span
                        };
                        return (*file, span);
                    }
                    p = p.rsplit_once('/').map_or("", |(head, _)| head);
                }
            }
            Locator::Provenance {
                provenance,
                ws,
                fallback,
            } => provenance.nearest(ws, pointer).unwrap_or(*fallback),
            Locator::Inlined { view } => {
                let mut p = pointer;
                loop {
                    if let Some(found) = keys.pointer(&view.root, p) {
                        let (file, span, _) = inlined_place(view, p, found, at_key && p == pointer);
                        return (file, span);
                    }
                    p = p.rsplit_once('/').map_or("", |(head, _)| head);
                }
            }
        }
    }

    /// The pointer of a finding at `pointer` of the tree, in the file it is in: itself but
    /// in an [`Inlined`] view, whose inlined subtrees sit elsewhere in their own files.
    pub fn file_pointer<'p>(
        &self,
        keys: &KeyIndex,
        pointer: &'p str,
        at_key: bool,
    ) -> Cow<'p, str> {
        match self {
            Locator::Inlined { view } => {
                let keyed = at_key
                    && keys
                        .pointer(&view.root, pointer)
                        .is_some_and(|l| l.key_span.is_some());
                Cow::Owned(view.place(pointer, keyed).1)
            }
            _ => Cow::Borrowed(pointer),
        }
    }
}

/// The file, span and file pointer of the node `found` at `pointer` of an inlined view (of
/// its key when `at_key` and it has one: the key was written where the member is, also when
/// the value was inlined from another file).
fn inlined_place(
    view: &Inlined,
    pointer: &str,
    found: Located<'_>,
    at_key: bool,
) -> (FileId, Span, String) {
    match found.key_span {
        Some(key) if at_key => {
            let (file, pointer) = view.place(pointer, true);
            (file, key, pointer)
        }
        _ => {
            let (file, pointer) = view.place(pointer, false);
            (file, found.node.span, pointer)
        }
    }
}

/// The rules to run, each at its effective severity.
pub struct Engine<'r> {
    rules: Vec<(&'r Rule, Severity)>,
    ignore: Vec<Ignore>,
}

impl<'r> Engine<'r> {
    /// An engine over `rules` adjusted by `settings`.
    pub fn new(rules: impl IntoIterator<Item = &'r Rule>, settings: &RuleSettings) -> Engine<'r> {
        let rules = rules
            .into_iter()
            .filter_map(|r| match settings.severity.get(&r.id) {
                Some(Some(s)) => Some((r, *s)),
                Some(None) => None,
                None => Some((r, r.severity)),
            })
            .collect();
        Engine {
            rules,
            ignore: settings.ignore.clone(),
        }
    }

    /// Whether any rule runs on `given`.
    pub fn wants(&self, given: Given) -> bool {
        self.rules.iter().any(|(r, _)| r.given == given)
    }

    /// Runs every rule for `given` over `root`, locating findings with `locator`.
    pub fn run(&self, given: Given, root: &Node, locator: &Locator<'_>) -> Vec<Diagnostic> {
        self.run_following(given, root, locator, &PathItemRefs::default())
    }

    /// [`Engine::run`], with selectors that follow the `$ref`s of `paths` entries that
    /// `refs` resolves: the rules on an OpenAPI document's operations see those of the path
    /// items `paths` names by reference, where they are written.
    pub fn run_following<'n>(
        &self,
        given: Given,
        root: &'n Node,
        locator: &Locator<'_>,
        refs: &PathItemRefs<'n>,
    ) -> Vec<Diagnostic> {
        let rules: Vec<&(&Rule, Severity)> = self
            .rules
            .iter()
            .filter(|(r, _)| r.given == given)
            .collect();
        // Every `$..key` rule would walk the whole document; one walk serves them all.
        let descents: HashSet<&str> = rules
            .iter()
            .flat_map(|(r, _)| r.select.root_descents())
            .collect();
        let index = timings::time("descent index", || DescentIndex::build(root, &descents));
        // Each finding is located by a pointer: among thousands of `paths`, a scan per finding
        // made locating quadratic (7 s for the findings on 40,000 operations).
        let keys = KeyIndex::default();
        // Rules are independent: they run in parallel (on a big document they share the
        // cores with the schema check), and their findings are joined in rule order.
        let per_rule: Vec<Vec<Diagnostic>> = rules
            .par_iter()
            .map(|(rule, severity)| {
                let start = timings::enabled().then(std::time::Instant::now);
                let findings = evaluate_with(rule, root, Some(&index), refs);
                if let Some(start) = start {
                    timings::record(|| format!("rule {}", rule.id), start.elapsed());
                }
                findings
                    .into_iter()
                    .filter(|(check, f)| !repeats_itself(check, f, locator, &keys))
                    .filter(|(_, f)| {
                        if self.ignore.is_empty() {
                            return true;
                        }
                        let pointer = locator
                            .file_pointer(&keys, &f.pointer.text(), f.at_key)
                            .into_owned();
                        !self.ignore.iter().any(|i| i.covers(&rule.id, &pointer))
                    })
                    .map(|(check, f)| diagnostic(rule, *severity, check, &f, root, locator, &keys))
                    .collect()
            })
            .collect();
        per_rule.into_iter().flatten().collect()
    }
}

/// Whether a `unique` finding names as its first occurrence the very text it is at: a
/// value written once and reached twice (a file's path item that two `paths` entries
/// reference is inlined at both) is no repeat of itself.
fn repeats_itself(
    check: &Check,
    finding: &Finding,
    locator: &Locator<'_>,
    keys: &KeyIndex,
) -> bool {
    if !matches!(check.kind, CheckKind::Unique { .. }) {
        return false;
    }
    let Some((first, _)) = finding.related.first() else {
        return false;
    };
    let (here, first) = (finding.pointer.text(), first.text());
    locator.locate(keys, &here, false) == locator.locate(keys, &first, false)
        && locator.file_pointer(keys, &here, false) == locator.file_pointer(keys, &first, false)
}

/// Every finding of one rule on a tree, with the check that made it.
pub fn evaluate<'r>(rule: &'r Rule, root: &Node) -> Vec<(&'r Check, Finding)> {
    evaluate_with(rule, root, None, &PathItemRefs::default())
}

fn evaluate_with<'r, 'a>(
    rule: &'r Rule,
    root: &'a Node,
    index: Option<&DescentIndex<'a>>,
    refs: &PathItemRefs<'a>,
) -> Vec<(&'r Check, Finding)> {
    let targets: Vec<Target<'_>> = rule
        .select
        .select_following(root, index, refs)
        .into_iter()
        .filter(|t| rule.filter.iter().all(|c| condition_holds(c, t)))
        .collect();
    let mut out = Vec::new();
    // Values that failed a `type` check: a later check of the rule on the same value would
    // only restate it (a timeout of `-1e20` is not an integer; that it is out of range too
    // adds nothing).
    let mut mistyped: HashSet<Pointer> = HashSet::new();
    for check in &rule.then {
        let subjects: Vec<Target<'_>> = match &check.field {
            None => targets.clone(),
            Some(field) => targets.iter().filter_map(|t| t.field(field)).collect(),
        };
        let subjects: Vec<Target<'_>> = if mistyped.is_empty() {
            subjects
        } else {
            subjects
                .into_iter()
                .filter(|t| !mistyped.contains(&t.pointer))
                .collect()
        };
        if let CheckKind::Unique {
            fields,
            ignore_case,
        } = &check.kind
        {
            out.extend(
                unique(&subjects, fields, *ignore_case)
                    .into_iter()
                    .map(|f| (check, f)),
            );
            continue;
        }
        let selections = Selections::default();
        for subject in &subjects {
            let findings = check_one(&check.kind, root, subject, &selections);
            if matches!(check.kind, CheckKind::Type(_)) && !findings.is_empty() {
                mistyped.insert(subject.pointer.clone());
            }
            out.extend(findings.into_iter().map(|f| (check, f)));
        }
    }
    out
}

fn condition_holds(condition: &Condition, target: &Target<'_>) -> bool {
    let field = target.field(&condition.field);
    let fold = condition.ignore_case;
    match &condition.test {
        ConditionTest::Equals(s) => field.is_some_and(|f| s.matches(f.node, fold)),
        ConditionTest::NotEquals(s) => field.is_none_or(|f| !s.matches(f.node, fold)),
        ConditionTest::In(list) => {
            field.is_some_and(|f| list.iter().any(|s| s.matches(f.node, fold)))
        }
        ConditionTest::Present(p) => field.is_some() == *p,
    }
}

fn finding_here(t: &Target<'_>) -> Finding {
    Finding {
        at_key: t.is_key,
        ..Finding::at(t.pointer.clone())
    }
}

fn check_one<'a>(
    kind: &CheckKind,
    root: &'a Node,
    t: &Target<'a>,
    selections: &Selections<'a>,
) -> Vec<Finding> {
    let text = t.text();
    let single = |ok: bool, f: &dyn Fn(Finding) -> Finding| {
        if ok {
            Vec::new()
        } else {
            vec![f(finding_here(t))]
        }
    };
    match kind {
        CheckKind::Pattern(re) => match text {
            Some(s) => single(re.is_match(s), &|f| f.arg("pattern", re.as_str())),
            None => Vec::new(),
        },
        CheckKind::Length { min, max } => match text {
            Some(s) => {
                let n = s.chars().count();
                let ok = min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m);
                single(ok, &|f| {
                    f.arg("min", opt(*min))
                        .arg("max", opt(*max))
                        .arg("length", n.to_string())
                })
            }
            None => Vec::new(),
        },
        CheckKind::Enum {
            values,
            ignore_case,
        } => {
            let key_node;
            let node = if t.is_key {
                match t.key {
                    Some(Key { span, name }) => {
                        key_node = Node::new(*span, Value::String(name.clone()));
                        &key_node
                    }
                    None => return Vec::new(),
                }
            } else {
                t.node
            };
            if matches!(node.value, Value::Map(_) | Value::Seq(_)) {
                return Vec::new();
            }
            let ok = values.iter().any(|v| v.matches(node, *ignore_case));
            single(ok, &|f| {
                f.arg(
                    "allowed",
                    values
                        .iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            })
        }
        CheckKind::Range { min, max } => match t.node.as_number().filter(|_| !t.is_key) {
            Some(n) => {
                let x = n.as_f64();
                let ok = min.is_none_or(|m| x >= m) && max.is_none_or(|m| x <= m);
                single(ok, &|f| f.arg("min", opt(*min)).arg("max", opt(*max)))
            }
            None => Vec::new(),
        },
        CheckKind::Type(types) if !t.is_key => {
            let ok = types.iter().any(|ty| ty.matches(t.node));
            single(ok, &|f| {
                f.arg(
                    "expected",
                    types
                        .iter()
                        .map(|ty| ty.as_str())
                        .collect::<Vec<_>>()
                        .join(" or "),
                )
                .arg("actual", t.node.value.kind())
            })
        }
        CheckKind::Required(fields) if !t.is_key => match t.node.as_map() {
            Some(map) => fields
                .iter()
                .filter(|f| map.get(f).is_none())
                .map(|f| {
                    let mut finding = finding_here(t).arg("field", f.as_str());
                    finding.at_key = true;
                    finding
                })
                .collect(),
            None => Vec::new(),
        },
        CheckKind::Forbidden(fields) if !t.is_key => fields
            .iter()
            .filter_map(|f| t.child(f))
            .map(|child| {
                let name = child.key.map(|k| k.name.to_string()).unwrap_or_default();
                let mut finding = finding_here(&child).arg("field", name);
                finding.at_key = true;
                finding
            })
            .collect(),
        CheckKind::ForbiddenPrefix(prefixes) => match text {
            Some(s) => prefixes
                .iter()
                .filter(|p| {
                    s.get(..p.len())
                        .is_some_and(|head| head.eq_ignore_ascii_case(p))
                })
                .take(1)
                .map(|p| finding_here(t).arg("prefix", p.as_str()))
                .collect(),
            None => Vec::new(),
        },
        CheckKind::NotPattern(re) => match text {
            Some(s) => single(!re.is_match(s), &|f| f.arg("pattern", re.as_str())),
            None => Vec::new(),
        },
        CheckKind::MaxItems(max) if !t.is_key => match items(t.node) {
            Some(count) => single(count <= *max, &|f| {
                f.arg("max", max.to_string())
                    .arg("count", count.to_string())
            }),
            None => Vec::new(),
        },
        CheckKind::MinItems(min) if !t.is_key => match items(t.node) {
            Some(count) => single(count >= *min, &|f| {
                f.arg("min", min.to_string())
                    .arg("count", count.to_string())
            }),
            None => Vec::new(),
        },
        CheckKind::Function { def, args } => (def.run)(&Call {
            root,
            target: t,
            args,
            selections,
        }),
        CheckKind::Type(_)
        | CheckKind::Required(_)
        | CheckKind::Forbidden(_)
        | CheckKind::MaxItems(_)
        | CheckKind::MinItems(_)
        | CheckKind::Unique { .. } => Vec::new(),
    }
}

/// The number of items of a sequence or members of a mapping.
fn items(node: &Node) -> Option<usize> {
    match &node.value {
        Value::Seq(items) => Some(items.len()),
        Value::Map(map) => Some(map.len()),
        _ => None,
    }
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

/// The comparison form of a scalar for `unique`.
fn canonical(node: &Node, ignore_case: bool) -> String {
    match &node.value {
        Value::String(s) if ignore_case => format!("s:{}", s.to_ascii_lowercase()),
        Value::String(s) => format!("s:{s}"),
        _ => node.to_json().to_string(),
    }
}

fn unique(targets: &[Target<'_>], fields: &[String], ignore_case: bool) -> Vec<Finding> {
    let mut seen: HashMap<Vec<String>, Pointer> = HashMap::new();
    let mut out = Vec::new();
    for t in targets {
        let (key, at) = if fields.is_empty() {
            let value = match (t.is_key, t.key) {
                (true, Some(k)) => canonical(
                    &Node::new(k.span, Value::String(k.name.clone())),
                    ignore_case,
                ),
                _ => canonical(t.node, ignore_case),
            };
            (vec![value], t.clone())
        } else {
            let parts: Option<Vec<Target<'_>>> = fields.iter().map(|f| t.field(f)).collect();
            let Some(parts) = parts else { continue };
            (
                parts
                    .iter()
                    .map(|p| canonical(p.node, ignore_case))
                    .collect(),
                parts[0].clone(),
            )
        };
        match seen.get(&key) {
            Some(first) => {
                let field = if fields.is_empty() {
                    t.key.map(|k| k.name.to_string()).unwrap_or_default()
                } else {
                    fields.join(", ")
                };
                out.push(
                    finding_here(&at)
                        .arg("field", field)
                        .related(first.clone(), "first defined here"),
                );
            }
            None => {
                seen.insert(key, at.pointer.clone());
            }
        }
    }
    out
}

/// Shows a value in a message: strings as written (shortened), others by kind.
fn show(node: &Node) -> String {
    match &node.value {
        Value::String(s) => shorten(s),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_owned(),
        other => format!("a {}", other.kind()),
    }
}

fn shorten(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}…")
    }
}

/// Fills `{name}` placeholders; unknown names stay as written.
pub fn render(template: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close))
                if !name.is_empty()
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
            {
                match lookup(name) {
                    Some(v) => out.push_str(&v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `source` of a rule's findings: its documented source, with the constraint number of
/// the extension reference when it has one.
pub fn documented_source(rule: &Rule) -> String {
    match rule.constraint {
        Some(n) => format!("{}; x-apigateway-extensions reference §4 #{n}", rule.source),
        None => rule.source.clone(),
    }
}

fn diagnostic(
    rule: &Rule,
    severity: Severity,
    check: &Check,
    finding: &Finding,
    root: &Node,
    locator: &Locator<'_>,
    keys: &KeyIndex,
) -> Diagnostic {
    let pointer = &*finding.pointer.text();
    let located = keys.pointer(root, pointer);
    let key = pointer
        .rsplit_once('/')
        .map(|(_, last)| unescape_pointer_token(last).into_owned())
        .unwrap_or_default();
    let value = match located {
        Some(_) if finding.at_key => key.clone(),
        Some(l) => show(l.node),
        None => String::new(),
    };
    let (file, span, pointer) = match (locator, &located) {
        // Found above already: no second walk down the tree.
        (Locator::Tree { file, .. }, Some(l)) if finding.at_key => {
            (*file, l.label_span(), Cow::Borrowed(pointer))
        }
        (Locator::Tree { file, .. }, Some(l)) => (*file, l.node.span, Cow::Borrowed(pointer)),
        (Locator::Inlined { view }, Some(l)) => {
            let (file, span, pointer) = inlined_place(view, pointer, *l, finding.at_key);
            (file, span, Cow::Owned(pointer))
        }
        _ => {
            let (file, span) = locator.locate(keys, pointer, finding.at_key);
            (
                file,
                span,
                locator.file_pointer(keys, pointer, finding.at_key),
            )
        }
    };
    // A member the definition lacks but the source writes (a policy's `type`).
    let (file, span) = match (finding.member, locator) {
        (Some(member), Locator::Provenance { provenance, ws, .. }) => provenance
            .get(ws, &format!("{pointer}/{member}"))
            .unwrap_or((file, span)),
        _ => (file, span),
    };
    let span = match (
        &finding.within,
        located.as_ref().and_then(|l| l.node.as_str()),
    ) {
        (Some(within), Some(text)) if !finding.at_key => {
            narrowed(locator.source_text(file), span, text, within).unwrap_or(span)
        }
        _ => span,
    };
    let template = check.message.as_deref().unwrap_or(&rule.message);
    let message = render(template, |name| match name {
        "value" => Some(value.clone()),
        "key" => Some(key.clone()),
        "path" => Some(pointer.clone().into_owned()),
        other => finding
            .args
            .iter()
            .find(|(k, _)| *k == other)
            .map(|(_, v)| v.clone()),
    });
    let mut d = Diagnostic::new(rule.id.clone(), severity, message)
        .at(file, span)
        .pointer(pointer.into_owned())
        .source(documented_source(rule));
    if let Some(help) = &rule.help {
        d = d.help(help.clone());
    }
    for (p, message) in &finding.related {
        let (file, span) = locator.locate(keys, &p.text(), false);
        d = d.related(file, span, message.clone());
    }
    d
}

/// The part `within` (bytes of the string `value`) of `span`, where `value` is written there
/// as is: plainly or quoted without escapes, so its bytes are the source's. `None` when the
/// source is unknown or written otherwise (escapes, a block scalar, a value import made).
fn narrowed(
    source: Option<&str>,
    span: Span,
    value: &str,
    within: &std::ops::Range<usize>,
) -> Option<Span> {
    let written = source?.get(span.start as usize..span.end as usize)?;
    let quote = written.len().checked_sub(value.len())?;
    let opening = written.chars().next();
    let skip = match quote {
        0 if written == value => 0,
        // Any escape or folded line makes the inside differ from the value.
        2 if matches!(opening, Some('\'' | '"'))
            && written.get(1..written.len() - 1) == Some(value) =>
        {
            1
        }
        _ => return None,
    };
    if within.start > within.end || within.end > value.len() {
        return None;
    }
    let start = span.start as usize + skip + within.start;
    let end = span.start as usize + skip + within.end;
    Some(Span::new(start, end))
}

/// The JSON pointer of the innermost node of `root` whose key or value contains `span`
/// (`None` when `root` does not contain it, or the span is empty: the fallback location of
/// a finding whose source import did not record).
///
/// Findings on an imported definition are located through provenance at a span of the
/// OpenAPI source; this turns that span back into a pointer into the document the user
/// wrote, which (unlike `/apis/3`) does not change when operations are reordered.
pub fn pointer_at(root: &Node, span: Span) -> Option<Pointer> {
    let contains = |outer: Span| outer.start <= span.start && span.end <= outer.end;
    if span.start == span.end || !contains(root.span) {
        return None;
    }
    let mut pointer = Pointer::root();
    let mut node = root;
    loop {
        match &node.value {
            Value::Map(map) => {
                let holds = |e: &Entry| contains(e.key.span) || contains(e.value.span);
                let end = |e: &Entry| e.key.span.end.max(e.value.span.end);
                let Some((_, entry)) = first_holding(&map.entries, holds, |e| end(e) <= span.start)
                else {
                    return Some(pointer);
                };
                pointer = pointer.push_key(&entry.key.name);
                if contains(entry.key.span) {
                    return Some(pointer);
                }
                node = &entry.value;
            }
            Value::Seq(items) => {
                let before = |n: &Node| n.span.end <= span.start;
                let Some((i, item)) = first_holding(items, |n| contains(n.span), before) else {
                    return Some(pointer);
                };
                pointer = pointer.index(i);
                node = item;
            }
            _ => return Some(pointer),
        }
    }
}

/// The first of `items` that `holds`, with its index. A loaded tree's items are in document
/// order, so the one that holds a span is found by bisection, past those that end `before`
/// it (a scan per finding made locating thousands of findings among thousands of paths
/// quadratic); a tree whose items are not in that order (aliases, trees built in code) is
/// scanned.
fn first_holding<T>(
    items: &[T],
    holds: impl Fn(&T) -> bool,
    before: impl Fn(&T) -> bool,
) -> Option<(usize, &T)> {
    let i = items.partition_point(before);
    match items.get(i) {
        Some(item) if holds(item) => Some((i, item)),
        _ => items.iter().enumerate().find(|(_, item)| holds(item)),
    }
}

/// A tree (without source spans) from JSON, for rules over an imported definition.
pub fn json_tree(value: &serde_json::Value) -> Node {
    use crate::source::{Entry, Map, Number};
    let value = match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Number(match n.as_i64() {
            Some(i) => Number::Int(i),
            None => Number::Float(n.as_f64().unwrap_or(f64::NAN)),
        }),
        serde_json::Value::String(s) => Value::String(s.as_str().into()),
        serde_json::Value::Array(items) => Value::Seq(items.iter().map(json_tree).collect()),
        serde_json::Value::Object(map) => Value::Map(Map {
            entries: map
                .iter()
                .map(|(k, v)| Entry {
                    key: Key {
                        span: Span::default(),
                        name: k.as_str().into(),
                    },
                    value: json_tree(v),
                })
                .collect(),
        }),
    };
    Node::new(Span::default(), value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::functions::testing::tree;
    use crate::lint::rule::parse_rule;

    fn rule(select: &str, extra: &str, check: &str) -> Rule {
        let text = format!(
            "id: apig-t\nseverity: warn\ndescription: d\nsource: s\nmessage: 'm {{value}}'\ngiven: definition\nselect: \"{select}\"\n{extra}then:\n  - {check}\nexamples: {{fail: x, pass: y}}\n"
        );
        parse_rule("apig-t.yaml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    /// Each finding as `pointer [args]`.
    fn findings(rule: &Rule, doc: &str) -> Vec<String> {
        let root = tree(doc);
        evaluate(rule, &root)
            .into_iter()
            .map(|(_, f)| {
                let args: Vec<String> = f.args.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!(
                    "{}{} [{}]",
                    f.pointer,
                    if f.at_key { "~" } else { "" },
                    args.join(",")
                )
            })
            .collect()
    }

    const DOC: &str = "apis:\n  - {name: ab, type: 1, tags: [a, b, c], req_params: [{name: X-Apig-Foo, location: HEADER}]}\n  - {name: good_name, type: '1', auth_type: AUTHORIZER}\n  - {name: AB, type: 3.5}\n";

    /// `(selector, check, expected findings)`: each check kind on the same document.
    const CASES: &[(&str, &str, &[&str])] = &[
        (
            "$.apis[*].name",
            "pattern: '^[a-z_]+$'",
            &["/apis/2/name [pattern=^[a-z_]+$]"],
        ),
        (
            "$.apis[*].name",
            "not_pattern: '(?i)^ab$'",
            &[
                "/apis/0/name [pattern=(?i)^ab$]",
                "/apis/2/name [pattern=(?i)^ab$]",
            ],
        ),
        (
            "$.apis[*].name",
            "length: {min: 3}",
            &[
                "/apis/0/name [min=3,max=-,length=2]",
                "/apis/2/name [min=3,max=-,length=2]",
            ],
        ),
        (
            "$.apis[*].type",
            "enum: [1, 2]",
            &["/apis/1/type [allowed=1, 2]", "/apis/2/type [allowed=1, 2]"],
        ),
        (
            "$.apis[*].name",
            "enum: {values: [ab], ignore_case: true}",
            &["/apis/1/name [allowed=ab]"],
        ),
        (
            "$.apis[*].type",
            "range: {min: 1, max: 2}",
            &["/apis/2/type [min=1,max=2]"],
        ),
        (
            "$.apis[*].type",
            "type: integer",
            &[
                "/apis/1/type [expected=integer,actual=string]",
                "/apis/2/type [expected=integer,actual=number]",
            ],
        ),
        (
            "$.apis[*]",
            "required: [auth_type]",
            &["/apis/0~ [field=auth_type]", "/apis/2~ [field=auth_type]"],
        ),
        (
            "$.apis[*]",
            "forbidden: [tags, nothing]",
            &["/apis/0/tags~ [field=tags]"],
        ),
        (
            "$.apis[*]",
            "unique: {fields: [name], ignore_case: true}",
            &["/apis/2/name [field=name]"],
        ),
        ("$.apis[*].name", "unique: {}", &[]),
        (
            "$.apis[*].req_params[*].name",
            "forbidden_prefix: [x-sdk-, x-apig-]",
            &["/apis/0/req_params/0/name [prefix=x-apig-]"],
        ),
        (
            "$.apis[*].tags",
            "max_items: 2",
            &["/apis/0/tags [max=2,count=3]"],
        ),
        // Keys are no sequences: `max_items` reports nothing on them.
        ("$.apis[*].*~", "max_items: 2", &[]),
        (
            "$.apis[*].tags",
            "min_items: 4",
            &["/apis/0/tags [min=4,count=3]"],
        ),
    ];

    #[test]
    fn every_check_kind() {
        for (select, check, expected) in CASES {
            assert_eq!(
                findings(&rule(select, "", check), DOC),
                *expected,
                "{check} on {select}"
            );
        }
    }

    /// A value that fails `type` is not checked again by the rule's later checks; other values,
    /// and the same rule's checks on other members, still are.
    #[test]
    fn a_failed_type_check_stops_the_later_checks_on_that_value() {
        let checks =
            "type: integer\n  - range: {min: 2, max: 2}\n  - {field: name, length: {min: 3}}";
        assert_eq!(
            findings(&rule("$.apis[*].type", "", checks), DOC),
            [
                "/apis/1/type [expected=integer,actual=string]",
                "/apis/2/type [expected=integer,actual=number]",
                "/apis/0/type [min=2,max=2]",
            ]
        );
        let on_a_field = "{field: type, type: integer}\n  - {field: type, range: {min: 2, max: 2}}\n  - {field: name, length: {min: 3}}";
        assert_eq!(
            findings(&rule("$.apis[*]", "", on_a_field), DOC),
            [
                "/apis/1/type [expected=integer,actual=string]",
                "/apis/2/type [expected=integer,actual=number]",
                "/apis/0/type [min=2,max=2]",
                "/apis/0/name [min=3,max=-,length=2]",
                "/apis/2/name [min=3,max=-,length=2]",
            ]
        );
    }

    #[test]
    fn where_and_field_narrow_the_checked_nodes() {
        let r = rule(
            "$.apis[*]",
            "where:\n  - {field: auth_type, equals: AUTHORIZER}\n",
            "required: [authorizer_name]",
        );
        assert_eq!(findings(&r, DOC), ["/apis/1~ [field=authorizer_name]"]);
        let r = rule(
            "$.apis[*]",
            "where:\n  - {field: type, in: [1]}\n  - {field: tags, present: true}\n",
            "{field: name, length: {min: 3}}",
        );
        assert_eq!(findings(&r, DOC), ["/apis/0/name [min=3,max=-,length=2]"]);
        let r = rule(
            "$.apis[*]",
            "where:\n  - {field: auth_type, not_equals: AUTHORIZER}\n",
            "{field: name, pattern: x}",
        );
        assert_eq!(findings(&r, DOC).len(), 2);
    }

    #[test]
    fn pointer_at_finds_the_innermost_node_of_a_span() {
        let text = "a:\n  b: [x, {c: yy}]\n  d: 1\n";
        let root = tree(text);
        let at = |needle: &str| {
            let start = text.find(needle).expect("needle");
            pointer_at(&root, Span::new(start, start + needle.len())).map(|p| p.text())
        };
        assert_eq!(at("yy").as_deref(), Some("/a/b/1/c"));
        assert_eq!(
            at("c").as_deref(),
            Some("/a/b/1/c"),
            "a key names its member"
        );
        assert_eq!(at("x").as_deref(), Some("/a/b/0"));
        assert_eq!(
            at("d: 1").as_deref(),
            Some("/a"),
            "key and value: their mapping"
        );
        assert_eq!(pointer_at(&root, Span::new(0, 0)), None);
        assert_eq!(pointer_at(&root, Span::new(500, 501)), None);
    }

    /// A part of a string value is pointed at only where the source holds the value's bytes.
    #[test]
    fn a_part_of_a_string_is_located_where_it_is_written_as_is() {
        let at = |source: &str, value: &str| {
            let span = Span::new(4, 4 + source.len());
            let text = format!("k:  {source}\n");
            narrowed(Some(&text), span, value, &(3..7)).map(|s| (s.start, s.end))
        };
        assert_eq!(at("/a/#ab#", "/a/#ab#"), Some((7, 11)));
        assert_eq!(at("'/a/#ab#'", "/a/#ab#"), Some((8, 12)));
        assert_eq!(at("\"/a/#ab#\"", "/a/#ab#"), Some((8, 12)));
        // An escape, a value import made, or a range outside the value: the whole string.
        assert_eq!(at("\"/\\x41/#ab#\"", "/A/#ab#"), None);
        assert_eq!(at("/b/#ab#", "/a/#ab#"), None);
        assert_eq!(at("/a/#ab#", "/a/"), None);
        assert_eq!(narrowed(None, Span::new(0, 3), "abc", &(0..1)), None);
    }

    #[test]
    fn pointer_at_finds_every_member_of_big_mappings_and_sequences() {
        use std::fmt::Write as _;
        let mut text = String::from("m:\n");
        for i in 0..50 {
            let _ = writeln!(text, "  k{i}: [v{i}a, v{i}b]");
        }
        let root = tree(&text);
        let at = |needle: &str| {
            let start = text.find(needle).expect("needle");
            pointer_at(&root, Span::new(start, start + needle.len())).map(|p| p.text())
        };
        for i in [0, 1, 24, 49] {
            assert_eq!(at(&format!("v{i}b")), Some(format!("/m/k{i}/1")));
            assert_eq!(at(&format!("k{i}:")), Some("/m".to_owned()));
            assert_eq!(
                at(&format!("k{i}: ")[..format!("k{i}").len()]),
                Some(format!("/m/k{i}"))
            );
        }
        // Entries out of document order (a tree built in code) are scanned.
        let mut reversed = root.clone();
        if let Value::Map(top) = &mut reversed.value
            && let Value::Map(m) = &mut top.entries[0].value.value
        {
            m.entries.reverse();
        }
        let start = text.find("v7a").expect("needle");
        let span = Span::new(start, start + 3);
        assert_eq!(
            pointer_at(&reversed, span).map(|p| p.text()),
            Some("/m/k7/0".to_owned())
        );
    }

    #[test]
    fn messages_fill_placeholders_and_keep_unknown_braces() {
        let lookup = |n: &str| (n == "value").then(|| "V".to_owned());
        assert_eq!(render("a {value} {x} {{ } {", lookup), "a V {x} {{ } {");
    }

    #[test]
    fn settings_turn_rules_off_change_severity_and_ignore_pointers() {
        let rules = vec![rule("$.apis[*].name", "", "length: {min: 3}")];
        let root = tree(DOC);
        let locator = Locator::Tree {
            file: FileId(0),
            root: &root,
        };
        let run = |settings: &RuleSettings| {
            Engine::new(&rules, settings).run(Given::Definition, &root, &locator)
        };
        assert_eq!(run(&RuleSettings::default()).len(), 2);
        let mut off = RuleSettings::default();
        off.severity.insert("apig-t".into(), None);
        assert!(run(&off).is_empty());
        let mut error = RuleSettings::default();
        error
            .severity
            .insert("apig-t".into(), Some(Severity::Error));
        assert!(run(&error).iter().all(Diagnostic::is_error));
        let ignore = RuleSettings {
            ignore: vec![Ignore {
                rule: Some("apig-t".into()),
                pointer: "/apis/0".into(),
            }],
            ..RuleSettings::default()
        };
        let left = run(&ignore);
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].pointer.as_deref(), Some("/apis/2/name"));
        assert_eq!(left[0].message, "m AB");
    }
}
