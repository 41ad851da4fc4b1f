//! The `select` language of rule files: a small subset of JSONPath.
//!
//! ```text
//! selector := '$' step*
//! step     := '.' name            child of a mapping
//!           | '.*' | '[*]'        every value of a mapping / every item of a sequence
//!           | '..' name           recursive descent: `name` in this node or any descendant
//!           | "..['" key "']"     the same with a quoted key
//!           | '[' digits ']'      one sequence item
//!           | "['" key "']"       child with any characters (`['application/json']`)
//!           | "['a','b']"         union: each of these children that exists
//!           | '~'                 (last step only) the mapping key instead of its value
//! name     := one or more characters other than `.`, `[`, `]`, `~`, `'`, `"`, space
//! ```
//!
//! Several selectors joined by `|` (`$.a[*] | $.b.*`) select what each of them selects, in the
//! order written: the same object can sit at different places (Swagger 2.0 `parameters` vs
//! OpenAPI 3 `components.parameters`), and a descent over the whole document would be slower
//! and less precise.
//!
//! `$ref`s are not followed: a selector sees the document as written. The one exception is
//! a path item that an entry of the root's `paths` names by `$ref` (an OpenAPI 3.1
//! `components/pathItems` entry, or any path item in the document): given the
//! [`PathItemRefs`], a step from `$.paths` to its entries selects that path item too, at its
//! own pointer, after the entry that names it, and once however many entries name it. Import
//! reads such a path item's operations as the path's, so the rules on operations must see
//! them; where they are written is where their findings belong.

use std::collections::{HashMap, HashSet};

use crate::source::{Key, Node, Pointer, Str, Value};

/// One step of a selector.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// `.name` / `['name']` / `['a','b']`: these children of a mapping.
    Keys(Vec<String>),
    /// `.*`: every value of a mapping or item of a sequence.
    Wildcard,
    /// `[*]`: every item of a sequence. A mapping written where a list belongs (a policy list
    /// written as `name: policy` entries) is not a list of items: the rule that wants a list
    /// says so once, and the rules on its items do not take the mapping's values for items.
    Items,
    /// `[n]`: one sequence item.
    Index(usize),
    /// `..name`: `name` in this node or any descendant.
    Descend(String),
    /// `~`: the key of the selected mapping entry.
    KeyOf,
}

/// A parsed selector: one or more alternatives (`a | b`), each a list of steps.
#[derive(Clone, Debug, PartialEq)]
pub struct Selector {
    alternatives: Vec<Vec<Step>>,
}

/// The path items that entries of the root's `paths` name by `$ref`: for each entry's key,
/// the pointer of the path item at the end of its chain of references, in the tree `'n` the
/// selector runs on, and the path item itself (found once, not by every rule: among
/// thousands of `components/pathItems`, a lookup per rule and entry took 17 s for 20,000).
/// Built by the caller, which knows how references resolve.
#[derive(Debug, Default)]
pub struct PathItemRefs<'n> {
    by_key: HashMap<String, (Pointer, &'n Node)>,
}

impl<'n> PathItemRefs<'n> {
    /// Records that the `paths` entry `key` names `path_item`, at `target`.
    pub fn insert(&mut self, key: &str, target: Pointer, path_item: &'n Node) {
        self.by_key.insert(key.to_owned(), (target, path_item));
    }

    /// Whether no entry names a path item by `$ref`.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

/// Following the `$ref`s of `paths` entries while a selector steps through the tree.
impl<'a> PathItemRefs<'a> {
    /// Whether `t` is the root's `paths`, whose entries may name path items.
    fn at_paths(&self, t: &Target<'_>) -> bool {
        !self.is_empty() && t.pointer.is("/paths")
    }

    /// Puts after each entry of `paths` among `out[start..]` the path item it names, unless
    /// that one is selected already (named by an earlier entry, or itself an entry).
    fn path_items(&self, out: &mut Vec<Target<'a>>, start: usize) {
        let entries = out.split_off(start);
        let mut seen: HashSet<Pointer> = entries.iter().map(|t| t.pointer.clone()).collect();
        for entry in entries {
            let named = entry
                .key
                .and_then(|k| self.by_key.get(&*k.name))
                .filter(|(p, _)| !seen.contains(p))
                .map(|(p, node)| (p.clone(), *node));
            out.push(entry);
            if let Some((pointer, node)) = named {
                seen.insert(pointer.clone());
                // No key: the path item's key (`components/pathItems/Orders`) is no path, so
                // `~` does not select it.
                out.push(Target {
                    node,
                    pointer,
                    key: None,
                    is_key: false,
                });
            }
        }
    }

    /// The path items entries of `paths` name outside `paths` (a descent from `paths`
    /// reaches those inside it anyway), each once, in the order of the entries.
    fn outside_paths(&self, paths: &Target<'a>) -> Vec<Target<'a>> {
        let mut seen = HashSet::new();
        let Some(map) = paths.node.as_map() else {
            return Vec::new();
        };
        map.entries
            .iter()
            .filter_map(|e| self.by_key.get(&*e.key.name))
            .filter(|(p, _)| !p.text().starts_with("/paths/") && seen.insert(p.clone()))
            .map(|(p, node)| Target {
                node,
                pointer: p.clone(),
                key: None,
                is_key: false,
            })
            .collect()
    }
}

/// A node a selector (or a check's `field`) chose.
#[derive(Clone, Debug)]
pub struct Target<'a> {
    /// The node (for a `~` target: the value whose key was selected).
    pub node: &'a Node,
    /// JSON pointer of the node in the tree the rule runs on.
    pub pointer: Pointer,
    /// The mapping key that led to the node, when the last step was a key.
    pub key: Option<&'a Key>,
    /// Whether the target is the key itself (`~`).
    pub is_key: bool,
}

impl<'a> Target<'a> {
    /// The root of a tree.
    pub fn root(node: &'a Node) -> Target<'a> {
        Target {
            node,
            pointer: Pointer::root(),
            key: None,
            is_key: false,
        }
    }

    /// The string checks look at: the key name for `~` targets, else the string value.
    pub fn text(&self) -> Option<&'a str> {
        if self.is_key {
            self.key.map(|k| &*k.name)
        } else {
            self.node.as_str()
        }
    }

    /// The child `name` of a mapping target.
    pub fn child(&self, name: &str) -> Option<Target<'a>> {
        let entry = self.node.as_map()?.entry(name)?;
        Some(Target {
            node: &entry.value,
            pointer: self.pointer.push_key(&entry.key.name),
            key: Some(&entry.key),
            is_key: false,
        })
    }

    /// A descendant by a dotted path of mapping keys (`backend_api.req_uri`).
    pub fn field(&self, path: &str) -> Option<Target<'a>> {
        // Not a clone of `self` to start from: its pointer may be long (a path key).
        let mut parts = path.split('.');
        let mut current = self.child(parts.next()?)?;
        for part in parts {
            current = current.child(part)?;
        }
        Some(current)
    }
}

impl Selector {
    /// Parses a selector; the error names the byte offset of the problem.
    pub fn parse(text: &str) -> Result<Selector, (usize, String)> {
        let mut alternatives = Vec::new();
        for (start, part) in split_alternatives(text) {
            let lead = part.len() - part.trim_start().len();
            let steps = parse_steps(part.trim()).map_err(|(at, m)| (start + lead + at, m))?;
            alternatives.push(steps);
        }
        Ok(Selector { alternatives })
    }

    /// Every node the selector reaches from `root`: each alternative's in document order, the
    /// alternatives in the order written.
    pub fn select<'a>(&self, root: &'a Node) -> Vec<Target<'a>> {
        self.select_with(root, None)
    }

    /// The keys of leading `$..key` steps: rules starting that way share one walk of the
    /// document through a [`DescentIndex`].
    pub fn root_descents(&self) -> impl Iterator<Item = &str> {
        self.alternatives
            .iter()
            .filter_map(|steps| match steps.first() {
                Some(Step::Descend(key)) => Some(key.as_str()),
                _ => None,
            })
    }

    /// [`Selector::select`], taking a leading `$..key` from `index` when it holds the key.
    pub fn select_with<'a>(
        &self,
        root: &'a Node,
        index: Option<&DescentIndex<'a>>,
    ) -> Vec<Target<'a>> {
        self.select_following(root, index, &PathItemRefs::default())
    }

    /// [`Selector::select_with`], following the `$ref`s of `paths` entries that `refs`
    /// resolves (see the module documentation).
    pub fn select_following<'a>(
        &self,
        root: &'a Node,
        index: Option<&DescentIndex<'a>>,
        refs: &PathItemRefs<'a>,
    ) -> Vec<Target<'a>> {
        let mut all = Vec::new();
        for steps in &self.alternatives {
            let mut steps = steps.as_slice();
            let indexed = match (steps.first(), index) {
                (Some(Step::Descend(key)), Some(index)) => index.by_key.get(key.as_str()),
                _ => None,
            };
            let mut current = match indexed {
                Some(found) => {
                    steps = &steps[1..];
                    found.clone()
                }
                None => vec![Target::root(root)],
            };
            for step in steps {
                let mut next = Vec::new();
                for t in &current {
                    apply(step, t, &mut next, refs);
                }
                current = next;
            }
            all.extend(current);
        }
        all
    }
}

/// Splits a selector text at each `|` outside quotes, with the byte offset of each part.
fn split_alternatives(text: &str) -> Vec<(usize, &str)> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '|') => {
                parts.push((start, &text[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push((start, &text[start..]));
    parts
}

/// Parses one alternative: `$` and its steps.
fn parse_steps(text: &str) -> Result<Vec<Step>, (usize, String)> {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'$') {
        return Err((0, "a selector starts with `$`".into()));
    }
    let mut steps = Vec::new();
    let mut i = 1;
    while i < bytes.len() {
        if steps.last() == Some(&Step::KeyOf) {
            return Err((i, "`~` must be the last step".into()));
        }
        match bytes[i] {
            b'.' if bytes.get(i + 1) == Some(&b'.') => {
                i += 2;
                let (key, next) = if bytes.get(i) == Some(&b'[') {
                    let (keys, next) = bracket(text, i)?;
                    match keys {
                        Bracket::Keys(mut k) if k.len() == 1 => (k.remove(0), next),
                        _ => return Err((i, "`..` takes one name or one quoted key".into())),
                    }
                } else {
                    name(text, i)?
                };
                steps.push(Step::Descend(key));
                i = next;
            }
            b'.' if bytes.get(i + 1) == Some(&b'*') => {
                steps.push(Step::Wildcard);
                i += 2;
            }
            b'.' => {
                let (key, next) = name(text, i + 1)?;
                steps.push(Step::Keys(vec![key]));
                i = next;
            }
            b'[' => {
                let (b, next) = bracket(text, i)?;
                steps.push(match b {
                    Bracket::Wildcard => Step::Items,
                    Bracket::Index(n) => Step::Index(n),
                    Bracket::Keys(k) => Step::Keys(k),
                });
                i = next;
            }
            b'~' => {
                if !matches!(
                    steps.last(),
                    Some(Step::Keys(_) | Step::Wildcard | Step::Descend(_))
                ) {
                    return Err((
                        i,
                        "`~` must follow a step that selects mapping entries".into(),
                    ));
                }
                steps.push(Step::KeyOf);
                i += 1;
            }
            _ => {
                return Err((
                    i,
                    format!(
                        "unexpected `{}`; a step starts with `.`, `[` or `~`",
                        &text[i..].chars().next().unwrap_or(' ')
                    ),
                ));
            }
        }
    }
    Ok(steps)
}

fn apply<'a>(step: &Step, t: &Target<'a>, out: &mut Vec<Target<'a>>, follow: &PathItemRefs<'a>) {
    match step {
        Step::Keys(keys) => {
            let start = out.len();
            out.extend(keys.iter().filter_map(|k| t.child(k)));
            if follow.at_paths(t) {
                follow.path_items(out, start);
            }
        }
        Step::Wildcard => {
            let start = out.len();
            children(t, out);
            if follow.at_paths(t) {
                follow.path_items(out, start);
            }
        }
        Step::Items => {
            if t.node.as_seq().is_some() {
                children(t, out);
            }
        }
        Step::Index(n) => {
            if let Some(item) = t.node.as_seq().and_then(|s| s.get(*n)) {
                out.push(Target {
                    node: item,
                    pointer: t.pointer.index(*n),
                    key: None,
                    is_key: false,
                });
            }
        }
        Step::Descend(key) => {
            descend(key, t, out);
            if follow.at_paths(t) {
                for item in follow.outside_paths(t) {
                    descend(key, &item, out);
                }
            }
        }
        Step::KeyOf => {
            if t.key.is_some() {
                out.push(Target {
                    is_key: true,
                    ..t.clone()
                });
            }
        }
    }
}

fn children<'a>(t: &Target<'a>, out: &mut Vec<Target<'a>>) {
    match &t.node.value {
        Value::Map(map) => out.extend(map.entries.iter().map(|e| Target {
            node: &e.value,
            pointer: t.pointer.push_key(&e.key.name),
            key: Some(&e.key),
            is_key: false,
        })),
        Value::Seq(items) => out.extend(items.iter().enumerate().map(|(i, item)| Target {
            node: item,
            pointer: t.pointer.index(i),
            key: None,
            is_key: false,
        })),
        _ => {}
    }
}

fn descend<'a>(key: &str, t: &Target<'a>, out: &mut Vec<Target<'a>>) {
    if let Some(found) = t.child(key) {
        out.push(found);
    }
    let mut kids = Vec::new();
    children(t, &mut kids);
    for kid in &kids {
        descend(key, kid, out);
    }
}

fn name(text: &str, start: usize) -> Result<(String, usize), (usize, String)> {
    let end = text[start..]
        .find(['.', '[', ']', '~', '\'', '"', ' '])
        .map_or(text.len(), |n| start + n);
    if end == start {
        return Err((start, "expected a key name".into()));
    }
    Ok((text[start..end].to_owned(), end))
}

enum Bracket {
    Wildcard,
    Index(usize),
    Keys(Vec<String>),
}

/// Parses `[...]` starting at the `[`; returns what it holds and the offset after `]`.
fn bracket(text: &str, start: usize) -> Result<(Bracket, usize), (usize, String)> {
    let close = text[start..]
        .find(']')
        .map(|n| start + n)
        .ok_or((start, "unclosed `[`".to_string()))?;
    let inner = text[start + 1..close].trim();
    let next = close + 1;
    if inner == "*" {
        return Ok((Bracket::Wildcard, next));
    }
    if !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()) {
        let n = inner
            .parse()
            .map_err(|_| (start + 1, "index too large".to_string()))?;
        return Ok((Bracket::Index(n), next));
    }
    let mut keys = Vec::new();
    for part in inner.split(',') {
        let part = part.trim();
        let quoted = part.len() >= 2
            && ((part.starts_with('\'') && part.ends_with('\''))
                || (part.starts_with('"') && part.ends_with('"')));
        if !quoted {
            return Err((
                start + 1,
                "inside `[]` write `*`, an index, or quoted keys (`['a','b']`)".into(),
            ));
        }
        keys.push(part[1..part.len() - 1].to_owned());
    }
    Ok((Bracket::Keys(keys), next))
}

/// The results of `$..key` for several keys, found in one walk of a document.
#[derive(Debug, Default)]
pub struct DescentIndex<'a> {
    by_key: HashMap<String, Vec<Target<'a>>>,
}

impl<'a> DescentIndex<'a> {
    /// Walks `root` once, collecting every member named one of `keys`, in the order
    /// `$..key` selects them.
    pub fn build(root: &'a Node, keys: &HashSet<&str>) -> DescentIndex<'a> {
        let mut index = DescentIndex {
            by_key: keys.iter().map(|k| (k.to_string(), Vec::new())).collect(),
        };
        if !keys.is_empty() {
            // A handful of keys: comparing them beats hashing every member name.
            let keys: Vec<&str> = keys.iter().copied().collect();
            index.walk(root, &keys, &mut Path::default());
        }
        index
    }

    fn walk(&mut self, node: &'a Node, keys: &[&str], path: &mut Path<'a>) {
        match &node.value {
            Value::Map(map) => {
                for entry in &map.entries {
                    if keys.contains(&&*entry.key.name)
                        && let Some(found) = self.by_key.get_mut(&*entry.key.name)
                    {
                        found.push(Target {
                            node: &entry.value,
                            pointer: path.pointer().push_key(&entry.key.name),
                            key: Some(&entry.key),
                            is_key: false,
                        });
                    }
                }
                for entry in &map.entries {
                    path.push(Token::Key(&entry.key.name));
                    self.walk(&entry.value, keys, path);
                    path.pop();
                }
            }
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Token::Index(i));
                    self.walk(item, keys, path);
                    path.pop();
                }
            }
            _ => {}
        }
    }
}

/// Where a walk is: its tokens, and the pointers of those prefixes that were asked for.
/// Targets found below one node share that node's pointer rather than each building it
/// again (a long key would otherwise be copied once per target below it).
#[derive(Default)]
struct Path<'a> {
    tokens: Vec<Token<'a>>,
    /// `built[i]` is the pointer of `tokens[..=i]`.
    built: Vec<Pointer>,
}

impl<'a> Path<'a> {
    fn push(&mut self, token: Token<'a>) {
        self.tokens.push(token);
    }

    fn pop(&mut self) {
        self.tokens.pop();
        self.built.truncate(self.tokens.len());
    }

    /// The pointer of the whole path.
    fn pointer(&mut self) -> Pointer {
        while self.built.len() < self.tokens.len() {
            let parent = self.built.last().cloned().unwrap_or_default();
            self.built.push(match self.tokens[self.built.len()] {
                Token::Key(k) => parent.push_key(k),
                Token::Index(i) => parent.index(i),
            });
        }
        self.built.last().cloned().unwrap_or_default()
    }
}

/// One step from a node to a child, kept while walking so that a pointer is only built for
/// the nodes `..` actually selects (a recursive descent visits every node of the document).
enum Token<'a> {
    Key(&'a Str),
    Index(usize),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::functions::testing::tree;

    fn pointers(selector: &str, text: &str) -> Vec<String> {
        let root = tree(text);
        let s = Selector::parse(selector).unwrap_or_else(|e| panic!("{selector}: {e:?}"));
        s.select(&root)
            .iter()
            .map(|t| format!("{}{}", t.pointer, if t.is_key { "~" } else { "" }))
            .collect()
    }

    const DOC: &str = "apis:\n  - name: a\n    req_params: [{name: p}]\n  - name: b\npaths:\n  /x:\n    get: {x-k: 1}\n    post: {x-k: 2, deeper: {x-k: 3}}\n";

    #[test]
    fn children_wildcards_and_indexes() {
        assert_eq!(
            pointers("$.apis[*].name", DOC),
            ["/apis/0/name", "/apis/1/name"]
        );
        assert_eq!(
            pointers("$.apis.*.name", DOC),
            ["/apis/0/name", "/apis/1/name"]
        );
        assert_eq!(pointers("$.apis[1].name", DOC), ["/apis/1/name"]);
        assert_eq!(pointers("$", DOC), [""]);
        assert_eq!(pointers("$.nothing[*]", DOC), Vec::<String>::new());
        // `[*]` takes the items of a list only; `.*` the values of a mapping too.
        assert_eq!(pointers("$.paths[*]", DOC), Vec::<String>::new());
        assert_eq!(pointers("$.paths.*", DOC), ["/paths/~1x"]);
        assert!(Selector::parse("$.apis[*]~").is_err());
    }

    #[test]
    fn quoted_keys_unions_and_key_targets() {
        assert_eq!(pointers("$.paths['/x'].get", DOC), ["/paths/~1x/get"]);
        assert_eq!(
            pointers("$.paths.*['post','get','put']", DOC),
            ["/paths/~1x/post", "/paths/~1x/get"]
        );
        assert_eq!(
            pointers("$.paths.*.*~", DOC),
            ["/paths/~1x/get~", "/paths/~1x/post~"]
        );
    }

    #[test]
    fn recursive_descent_finds_nested_matches_in_order() {
        assert_eq!(
            pointers("$..x-k", DOC),
            [
                "/paths/~1x/get/x-k",
                "/paths/~1x/post/x-k",
                "/paths/~1x/post/deeper/x-k"
            ]
        );
        assert_eq!(pointers("$.paths..['x-k']", DOC).len(), 3);
    }

    #[test]
    fn bad_selectors_say_where() {
        assert_eq!(Selector::parse("apis").map_err(|e| e.0), Err(0));
        assert!(Selector::parse("$.a[").is_err());
        assert!(Selector::parse("$.a[b]").is_err());
        assert!(Selector::parse("$.").is_err());
        assert_eq!(Selector::parse("$.a~.b").map_err(|e| e.0), Err(4));
        assert!(Selector::parse("$~").is_err());
        assert_eq!(Selector::parse("$.a | b").map_err(|e| e.0), Err(6));
        assert_eq!(Selector::parse("$.a | $.b[").map_err(|e| e.0), Err(9));
        assert!(Selector::parse("$.a |").is_err());
    }

    #[test]
    fn alternatives_select_in_the_order_written() {
        assert_eq!(
            pointers("$.paths.*.post.x-k | $.apis[*].name | $.nothing", DOC),
            ["/paths/~1x/post/x-k", "/apis/0/name", "/apis/1/name"]
        );
        assert_eq!(pointers("$.paths['a|b'] | $.apis[1]", DOC), ["/apis/1"]);
    }

    /// `/a` and `/b` name one path item of `components`, `/c` names `/a`'s entry.
    const REFS: &str = "paths:\n  /a: {$ref: '#/components/pathItems/P'}\n  /b: {$ref: '#/components/pathItems/P'}\n  /c: {$ref: '#/paths/~1a'}\n  /d:\n    get: {x-k: 1}\ncomponents:\n  pathItems:\n    P:\n      get: {x-k: 2}\n";

    fn following(selector: &str) -> Vec<String> {
        let root = tree(REFS);
        let mut refs = PathItemRefs::default();
        let p = Pointer::root()
            .push("components")
            .push("pathItems")
            .push("P");
        let at = |p: &Pointer| root.pointer(&p.text()).expect("path item").node;
        refs.insert("/a", p.clone(), at(&p));
        refs.insert("/b", p.clone(), at(&p));
        let a = Pointer::root().push("paths").push("/a");
        refs.insert("/c", a.clone(), at(&a));
        let s = Selector::parse(selector).unwrap_or_else(|e| panic!("{selector}: {e:?}"));
        s.select_following(&root, None, &refs)
            .iter()
            .map(|t| format!("{}{}", t.pointer, if t.is_key { "~" } else { "" }))
            .collect()
    }

    #[test]
    fn a_step_into_paths_follows_the_path_items_its_entries_name() {
        // After the entry that names it, once; `/c` names an entry selected anyway.
        assert_eq!(
            following("$.paths.*"),
            [
                "/paths/~1a",
                "/components/pathItems/P",
                "/paths/~1b",
                "/paths/~1c",
                "/paths/~1d"
            ]
        );
        assert_eq!(
            following("$.paths.*.get.x-k"),
            ["/components/pathItems/P/get/x-k", "/paths/~1d/get/x-k"]
        );
        assert_eq!(
            following("$.paths['/b'].get"),
            ["/components/pathItems/P/get"]
        );
        // A path item's own key is no path.
        assert_eq!(
            following("$.paths.*~"),
            ["/paths/~1a~", "/paths/~1b~", "/paths/~1c~", "/paths/~1d~"]
        );
        // A descent from `paths` reaches the path items outside it; one from the root
        // walks the whole document already.
        assert_eq!(
            following("$.paths..x-k"),
            ["/paths/~1d/get/x-k", "/components/pathItems/P/get/x-k"]
        );
        assert_eq!(
            following("$..x-k"),
            ["/paths/~1d/get/x-k", "/components/pathItems/P/get/x-k"]
        );
        // Without the references, the document as written.
        assert_eq!(pointers("$.paths.*.get.x-k", REFS), ["/paths/~1d/get/x-k"]);
    }

    #[test]
    fn the_descent_index_selects_what_the_walk_selects() {
        let root = tree(DOC);
        let keys: HashSet<&str> = ["x-k", "name"].into_iter().collect();
        let index = DescentIndex::build(&root, &keys);
        for selector in ["$..x-k", "$..name", "$..x-k~", "$..nothing"] {
            let s = Selector::parse(selector).unwrap_or_else(|e| panic!("{e:?}"));
            let show = |ts: Vec<Target<'_>>| -> Vec<String> {
                ts.iter()
                    .map(|t| format!("{}{}", t.pointer, t.is_key))
                    .collect()
            };
            assert_eq!(
                show(s.select_with(&root, Some(&index))),
                show(s.select(&root)),
                "{selector}"
            );
        }
    }
}
