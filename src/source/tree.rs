//! The spanned document tree every later stage reads.
//!
//! YAML and JSON both load into this one tree, so import, lint and export never care which
//! syntax a user wrote. Every node and every mapping key carries the byte span it came from;
//! a JSON pointer resolves to a node by walking the tree, which is the span index.

use std::fmt;
use std::sync::{Arc, Mutex};

use super::hash::FastMap;

/// The string type of the tree: immutable, with strings of up to 23 bytes stored inline.
///
/// A large document holds hundreds of thousands of keys and short values (`type`, `string`,
/// `description`); storing them inline saves an allocation each, which was a fifth of the
/// loading time and a tenth of the tree's memory.
pub type Str = smol_str::SmolStr;

/// A half-open byte range `[start, end)` in one source file.
///
/// `u32` keeps nodes small; the loader refuses inputs over 4 GiB long before this matters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets.
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    /// The span as a `usize` range, for slicing the source text.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A number as written in the document.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// An integer that fits in `i64`.
    Int(i64),
    /// Any other number (fractions, exponents, integers beyond `i64`).
    Float(f64),
}

impl Number {
    /// The value as `f64`.
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }

    /// YAML's spelling of a number JSON has no form for (`.inf`, `-.inf`, `.nan`); `None` for
    /// a finite one.
    pub fn non_finite_yaml(self) -> Option<&'static str> {
        match self {
            Number::Float(f) if f.is_nan() => Some(".nan"),
            Number::Float(f) if f.is_infinite() => Some(if f > 0.0 { ".inf" } else { "-.inf" }),
            _ => None,
        }
    }

    /// The value as `i64` when it is integral and in range.
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(i),
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(f as i64),
            Number::Float(_) => None,
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x:?}"),
        }
    }
}

/// One node of the tree: its value and where it was written.
///
/// The default is `null` at offset 0 (a scratch node, as the schema check's name buffer).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Node {
    /// Bytes the value occupies (for a scalar, including quotes; for a collection, from its
    /// first to its last byte).
    pub span: Span,
    /// The value.
    pub value: Value,
}

/// The value of a node, in the JSON data model that OpenAPI is defined over.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    /// `null`, `~` or an empty YAML value.
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string (up to 23 bytes held inline: most keys and many values allocate nothing).
    String(Str),
    /// A sequence (JSON array).
    Seq(Vec<Node>),
    /// A mapping (JSON object), in source order.
    Map(Map),
}

/// A mapping key: always a string once loaded (YAML `200:` becomes `"200"`).
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    /// Where the key was written.
    pub span: Span,
    /// The key text.
    pub name: Str,
}

/// One `key: value` pair.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: Key,
    /// The value.
    pub value: Node,
}

/// A mapping in source order. Keys are unique: the loader rejects duplicates.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map {
    /// The entries, in the order they were written.
    pub entries: Vec<Entry>,
}

impl Map {
    /// The entry for `key`, if present.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| &*e.key.name == key)
    }

    /// The value for `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entries of `keys`, in their order, found in one pass over the mapping: reading an
    /// object field by field with [`Map::entry`] scans it once per field.
    pub fn entries_of<const N: usize>(&self, keys: [&str; N]) -> [Option<&Entry>; N] {
        self.entries_of_else(keys, |_| ())
    }

    /// [`Map::entries_of`], also handing each entry whose key is not among `keys` to `other`
    /// in the same pass (to look for keys out of place without scanning the mapping again).
    pub fn entries_of_else<'m, const N: usize>(
        &'m self,
        keys: [&str; N],
        mut other: impl FnMut(&'m Entry),
    ) -> [Option<&'m Entry>; N] {
        let mut found = [None; N];
        for entry in &self.entries {
            let name = &*entry.key.name;
            match keys.iter().position(|k| *k == name) {
                // The first of a repeated key, as `entry` finds it.
                Some(i) if found[i].is_none() => found[i] = Some(entry),
                Some(_) => {}
                None => other(entry),
            }
        }
        found
    }

    /// Iterates over `(key, value)` pairs in source order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.entries.iter().map(|e| (&*e.key.name, &e.value))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the mapping has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Value {
    /// The JSON type name, for messages ("expected a string, found a mapping").
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Seq(_) => "sequence",
            Value::Map(_) => "mapping",
        }
    }
}

impl Node {
    /// A node with a value and span.
    pub fn new(span: Span, value: Value) -> Node {
        Node { span, value }
    }

    /// The string value, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean value, if this is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The number, if this is a number.
    pub fn as_number(&self) -> Option<Number> {
        match self.value {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The integer value, if this is an integral number.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }

    /// The mapping, if this is a mapping.
    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The sequence items, if this is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// `self[key]` for a mapping; `None` for anything else or a missing key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map().and_then(|m| m.get(key))
    }

    /// Resolves a JSON pointer (RFC 6901) below this node.
    ///
    /// `""` is this node. Returns the node and, when the last step was a mapping key, that
    /// key's span, so a diagnostic can point at the key (`name:`) or the value as it prefers.
    pub fn pointer(&self, pointer: &str) -> Option<Located<'_>> {
        walk(self, pointer, Map::entry)
    }

    /// Converts to a `serde_json::Value` (for schema validation and typed deserialisation).
    ///
    /// Non-finite floats (YAML `.inf`, `.nan`) have no JSON form and become strings.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(Number::Int(i)) => serde_json::Value::from(*i),
            Value::Number(Number::Float(f)) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or_else(|| serde_json::Value::String(f.to_string())),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Seq(items) => {
                serde_json::Value::Array(items.iter().map(Node::to_json).collect())
            }
            Value::Map(map) => serde_json::Value::Object(
                map.entries
                    .iter()
                    .map(|e| (e.key.name.to_string(), e.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// A node found by [`Node::pointer`].
#[derive(Clone, Copy, Debug)]
pub struct Located<'a> {
    /// The span of the mapping key that led to the node, when the last step was a key.
    pub key_span: Option<Span>,
    /// The node.
    pub node: &'a Node,
}

impl Located<'_> {
    /// The span a diagnostic about this member should underline: the key when there is one
    /// (that is where a reader looks), otherwise the value.
    pub fn label_span(&self) -> Span {
        self.key_span.unwrap_or(self.node.span)
    }
}

fn parse_array_index(token: &str) -> Option<usize> {
    // RFC 6901: no leading zeros, decimal digits only.
    if token.is_empty() || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    if !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

/// Undoes RFC 6901 escaping (`~1` is `/`, `~0` is `~`).
pub fn unescape_pointer_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        std::borrow::Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        std::borrow::Cow::Borrowed(token)
    }
}

/// Escapes one reference token for a JSON pointer.
pub fn escape_pointer_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.bytes().any(|b| b == b'~' || b == b'/') {
        let mut out = String::with_capacity(token.len() + 4);
        push_escaped(&mut out, token);
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(token)
    }
}

/// Appends `token` escaped (RFC 6901: `~` as `~0`, `/` as `~1`).
///
/// Linters build a pointer for every node a selector reaches, and OpenAPI path keys all hold
/// `/`: this is one pass over the bytes, with no intermediate strings.
fn push_escaped(out: &mut String, token: &str) {
    let mut copied = 0;
    for (i, b) in token.bytes().enumerate() {
        let escaped = match b {
            b'~' => "~0",
            b'/' => "~1",
            _ => continue,
        };
        out.push_str(&token[copied..i]);
        out.push_str(escaped);
        copied = i + 1;
    }
    out.push_str(&token[copied..]);
}

/// A JSON pointer built one token at a time, sharing its parent's tokens.
///
/// Linters make a pointer for every node a selector reaches. As one string each, every
/// pointer below a long key (a path of tens of kilobytes) held its own copy of that key, so
/// memory grew with the number of nodes times the key's length. A pointer here is a link to
/// its parent and one token: making one costs the same whatever the prefix, and the text is
/// written out only when asked for (mostly for the few nodes a finding is about).
///
/// Equality and hashing are those of the text.
#[derive(Clone, Default)]
pub struct Pointer(Option<Arc<Link>>);

struct Link {
    parent: Pointer,
    token: Token,
    /// Length of the whole escaped text, so that most comparisons need no text.
    len: usize,
}

enum Token {
    /// An unescaped mapping key (written as `/` and the key escaped).
    Key(Str),
    /// An array index (written as `/` and the digits).
    Index(usize),
}

impl Pointer {
    /// The root pointer `""`.
    pub fn root() -> Pointer {
        Pointer(None)
    }

    /// This pointer extended by one (unescaped) token.
    pub fn push(&self, token: &str) -> Pointer {
        self.push_key(&Str::new(token))
    }

    /// [`Pointer::push`] of a key the tree holds: the pointer shares the key's text instead
    /// of copying it.
    pub fn push_key(&self, key: &Str) -> Pointer {
        let escapes = key.bytes().filter(|b| matches!(b, b'~' | b'/')).count();
        self.link(Token::Key(key.clone()), 1 + key.len() + escapes)
    }

    /// This pointer extended by an array index.
    pub fn index(&self, index: usize) -> Pointer {
        let digits = index.checked_ilog10().unwrap_or(0) as usize + 1;
        self.link(Token::Index(index), 1 + digits)
    }

    fn link(&self, token: Token, len: usize) -> Pointer {
        Pointer(Some(Arc::new(Link {
            parent: self.clone(),
            token,
            len: self.len() + len,
        })))
    }

    /// Length of the escaped text in bytes.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |link| link.len)
    }

    /// Whether this is the root pointer (the empty text).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the escaped text is `text`, without writing it out unless the lengths agree.
    pub fn is(&self, text: &str) -> bool {
        self.len() == text.len() && self.text() == text
    }

    /// The escaped pointer text.
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(self.len());
        self.write_to(&mut out);
        out
    }

    fn write_to(&self, out: &mut String) {
        // Root first; the chain is as deep as the tree, which the loader bounds.
        let mut links = Vec::new();
        let mut at = &self.0;
        while let Some(link) = at {
            links.push(link);
            at = &link.parent.0;
        }
        for link in links.iter().rev() {
            match &link.token {
                Token::Key(key) => {
                    out.push('/');
                    push_escaped(out, key);
                }
                Token::Index(i) => {
                    out.push('/');
                    out.push_str(itoa::Buffer::new().format(*i));
                }
            }
        }
    }
}

impl PartialEq for Pointer {
    fn eq(&self, other: &Pointer) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) if Arc::ptr_eq(a, b) => true,
            _ => self.len() == other.len() && self.text() == other.text(),
        }
    }
}

impl Eq for Pointer {}

impl std::hash::Hash for Pointer {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text().hash(state);
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl fmt::Debug for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pointer({:?})", self.text())
    }
}

/// Resolves `pointer` below `root`, finding each key of a mapping with `entry`.
fn walk<'n>(
    root: &'n Node,
    pointer: &str,
    entry: impl Fn(&'n Map, &str) -> Option<&'n Entry>,
) -> Option<Located<'n>> {
    if pointer.is_empty() {
        return Some(Located {
            key_span: None,
            node: root,
        });
    }
    let rest = pointer.strip_prefix('/')?;
    let mut node = root;
    let mut key_span = None;
    for token in rest.split('/') {
        let token = unescape_pointer_token(token);
        match &node.value {
            Value::Map(map) => {
                let found = entry(map, &token)?;
                key_span = Some(found.key.span);
                node = &found.value;
            }
            Value::Seq(items) => {
                let index: usize = parse_array_index(&token)?;
                node = items.get(index)?;
                key_span = None;
            }
            _ => return None,
        }
    }
    Some(Located { key_span, node })
}

/// Key lookups in big mappings, each mapping indexed the first time a lookup passes through
/// it. [`Map::entry`] scans, which is right for the few keys of most mappings, but a caller
/// that looks up many keys in one big mapping (a pointer per reference into a
/// `components/schemas` of 100,000 schemas, a location per finding among 40,000 `paths`)
/// would scan it once per lookup.
///
/// A mapping is known by the address of its entries, so an index is only valid while every
/// tree it has looked into is alive and unchanged: keep one no longer than the borrow of
/// those trees.
#[derive(Debug, Default)]
pub struct KeyIndex(Mutex<FastMap<(usize, usize), Arc<EntryIndex>>>);

/// The position of each key's first entry in a mapping.
type EntryIndex = FastMap<Str, usize>;

impl KeyIndex {
    /// Mappings with fewer entries are scanned.
    const FROM: usize = 32;

    /// The entry of `map` for `key`, the first if it is repeated (as [`Map::entry`]).
    pub fn entry<'m>(&self, map: &'m Map, key: &str) -> Option<&'m Entry> {
        if map.entries.len() < Self::FROM {
            return map.entry(key);
        }
        // Keyed by the entries' buffer, which stays where it is when its document moves.
        let at = (map.entries.as_ptr() as usize, map.entries.len());
        let index = {
            let mut cache = self
                .0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            cache
                .entry(at)
                .or_insert_with(|| {
                    let mut index = FastMap::default();
                    for (i, e) in map.entries.iter().enumerate() {
                        index.entry(e.key.name.clone()).or_insert(i);
                    }
                    Arc::new(index)
                })
                .clone()
        };
        match index.get(key).and_then(|&i| map.entries.get(i)) {
            Some(entry) if &*entry.key.name == key => Some(entry),
            // Not this mapping's index (held past its tree, against the rule above): scanned.
            Some(_) => map.entry(key),
            None => None,
        }
    }

    /// [`Node::pointer`], with the keys of big mappings looked up in this index.
    pub fn pointer<'n>(&self, root: &'n Node, pointer: &str) -> Option<Located<'n>> {
        walk(root, pointer, |map, key| self.entry(map, key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_of_finds_each_key_as_entry_does() {
        let (_, doc) = crate::source::load_text("t.yaml", "a: 1\nb: [2]\nc: x\n");
        let map = doc.root.as_map().unwrap();
        let keys = ["c", "missing", "a", "b", ""];
        let found = map.entries_of(keys);
        for (key, entry) in keys.iter().zip(found) {
            assert_eq!(
                entry.map(|e| e as *const Entry),
                map.entry(key).map(|e| e as *const Entry)
            );
        }
        assert!(found[0].is_some() && found[1].is_none());
        // A tree made in code may repeat a key (a loaded one may not): the first counts.
        let mut repeated = map.clone();
        repeated.entries.push(map.entries[0].clone());
        let [a] = repeated.entries_of(["a"]);
        assert!(std::ptr::eq(a.unwrap(), &repeated.entries[0]));
    }

    #[test]
    fn entries_of_else_hands_over_each_other_key_once_in_order() {
        let (_, doc) = crate::source::load_text("t.yaml", "x-b: 1\na: 2\nx-c: 3\n");
        let map = doc.root.as_map().unwrap();
        let mut others = Vec::new();
        let [a] = map.entries_of_else(["a"], |e| others.push(&*e.key.name));
        assert!(std::ptr::eq(a.unwrap(), &map.entries[1]));
        assert_eq!(others, ["x-b", "x-c"]);
        // A repeated key counts once, and its repeat is not an other key either.
        let mut repeated = map.clone();
        repeated.entries.push(map.entries[1].clone());
        let mut others = 0;
        let [a] = repeated.entries_of_else(["a"], |_| others += 1);
        assert!(std::ptr::eq(a.unwrap(), &repeated.entries[1]));
        assert_eq!(others, 2);
    }

    #[test]
    fn a_key_index_finds_what_a_scan_finds() {
        use std::fmt::Write as _;
        let mut text = String::from("paths:\n");
        for i in 0..100 {
            let _ = writeln!(text, "  /p{i}: {{get: {{operationId: op{i}}}}}");
        }
        text.push_str("  /a~b/{id}: {get: {operationId: escaped}}\nsmall: {k: v}\n");
        let (_, doc) = crate::source::load_text("t.yaml", &text);
        let keys = KeyIndex::default();
        for pointer in [
            "",
            "/paths",
            "/paths/~1p0/get",
            "/paths/~1p31/get/operationId",
            "/paths/~1p99",
            "/paths/~1a~0b~1{id}/get/operationId",
            "/paths/~1p100",
            "/paths/p1",
            "/small/k",
            "/small/missing",
        ] {
            let scanned = doc.root.pointer(pointer);
            let indexed = keys.pointer(&doc.root, pointer);
            assert_eq!(
                indexed.map(|l| (l.node as *const Node, l.key_span)),
                scanned.map(|l| (l.node as *const Node, l.key_span)),
                "{pointer}"
            );
        }
        // Looked up a second time, through the index made by the first.
        let found = keys.pointer(&doc.root, "/paths/~1p64/get/operationId");
        assert_eq!(found.and_then(|l| l.node.as_str()), Some("op64"));
        // A tree made in code may repeat a key (a loaded one may not): the first counts.
        let paths = doc.root.get("paths").and_then(Node::as_map).unwrap();
        let mut repeated = paths.clone();
        repeated.entries.push(paths.entries[5].clone());
        let first = keys.entry(&repeated, "/p5").unwrap();
        assert!(std::ptr::eq(first, &repeated.entries[5]));
    }

    #[test]
    fn pointers_escape_tokens_and_write_indexes() {
        let p = Pointer::root()
            .push("paths")
            .push("/a~b/{id}")
            .index(0)
            .index(1907);
        assert_eq!(p.text(), "/paths/~1a~0b~1{id}/0/1907");
        assert_eq!(p.len(), p.text().len());
        assert!(p.is("/paths/~1a~0b~1{id}/0/1907") && !p.is("/paths"));
        assert_eq!(escape_pointer_token("plain"), "plain");
        assert_eq!(escape_pointer_token("~/"), "~0~1");
        assert_eq!(unescape_pointer_token("~0~1"), "~/");
        for i in [0, 9, 10, 99, 100, usize::MAX] {
            let p = Pointer::root().index(i);
            assert_eq!(p.text(), format!("/{i}"));
            assert_eq!(p.len(), p.text().len());
        }
        // Equal by their text, not by being the same links.
        let built = || Pointer::root().push("paths").push("/a").push("get");
        assert_eq!(built(), built());
        assert_ne!(
            built(),
            Pointer::root().push("paths").push("/a").push("put")
        );
        assert_eq!(Pointer::root(), Pointer::default());
    }
}
