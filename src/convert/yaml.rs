//! A small deterministic YAML emitter for JSON values: block style, two-space indentation,
//! keys in the value's own order, strings quoted JSON-style whenever they are not plain-safe.

use serde::{Serialize, Serializer, ser};

use crate::model::{ApiDef, Definition};
use crate::source::{Map, Node, Number, Value};

/// Writes a definition as YAML, keys in the definition's declared order.
///
/// The definition is serialised straight to YAML by `Emitter`, a serde serializer that lays
/// out exactly what [`to_yaml`] would for the definition's JSON form read back into a tree
/// (the tests compare the two), without building that text or tree: for a large import the
/// detour cost more than the import itself (BENCHMARKS.md, "Import").
///
/// # Errors
///
/// A message if a value has no JSON form (it never does: the definition is plain data).
pub fn definition_to_yaml(definition: &Definition) -> Result<String, String> {
    let mut out = Vec::with_capacity(estimated_len(definition));
    write_definition_yaml(definition, &mut out).map_err(|e| e.to_string())?;
    // Only `str`s were written.
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// About 1.1-1.3 KB an API in the corpus and the benchmark: room enough that a buffer is not
/// copied to a bigger one halfway (pages never written cost nothing).
const BYTES_PER_API: usize = 1536;

/// Below this many APIs, starting threads costs more than it saves.
const PARALLEL_FROM: usize = 512;

/// APIs rendered into one buffer at a time.
const BATCH: usize = 256;

fn estimated_len(definition: &Definition) -> usize {
    4096 + definition.apis.len() * BYTES_PER_API
}

/// Writes [`definition_to_yaml`]'s text to `out`.
///
/// A big definition's APIs (most of its text) are rendered in parallel batches, each into a
/// buffer that is written as soon as the batches before it are, and then rendered into again.
/// Holding the whole text first touched as much fresh memory as the text is long (11 MB for a
/// 10,000-API import), and the first touch of a page costs more than rendering into it.
///
/// # Errors
///
/// The writer's error; a value without a JSON form (never, for the model's plain data) as an
/// error of kind `Other`.
pub fn write_definition_yaml<W: std::io::Write + Send>(
    definition: &Definition,
    out: &mut W,
) -> std::io::Result<()> {
    let apis = &definition.apis;
    if apis.len() < PARALLEL_FROM {
        let text = emit(definition, None).map_err(std::io::Error::other)?;
        return out.write_all(text.as_bytes());
    }
    let ahead = Ahead {
        field: "apis",
        at: std::cell::Cell::new(None),
    };
    let root = emit(definition, Some(&ahead)).map_err(std::io::Error::other)?;
    // The root's text around the field written ahead: before it, the APIs, after it.
    let (before, after) = root.split_at(ahead.at.get().unwrap_or(root.len()));
    out.write_all(before.as_bytes())?;
    let batches: Vec<&[ApiDef]> = apis.chunks(BATCH).collect();
    let in_order = InOrder::new(out);
    let next = std::sync::atomic::AtomicUsize::new(0);
    // Each worker takes the next batch not yet taken, so the batches finish about in order
    // and few wait for their turn to be written.
    let work = || {
        loop {
            let b = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(batch) = batches.get(b) else {
                return;
            };
            let mut buf = in_order.spare();
            if let Err(e) = render_batch(batch, b == 0, &mut buf) {
                in_order.fail(std::io::Error::other(e));
                return;
            }
            if !in_order.put(b, buf) {
                return;
            }
        }
    };
    rayon::scope(|s| {
        for _ in 1..rayon::current_num_threads() {
            s.spawn(|_| work());
        }
        work();
    });
    in_order.finish()?;
    out.write_all(after.as_bytes())
}

/// Renders `batch` as members of the root's `apis` sequence into `out`; only the first batch
/// starts the sequence.
fn render_batch(batch: &[ApiDef], first: bool, out: &mut String) -> Result<(), EmitError> {
    let mut items = Emitter {
        out,
        at: At::Value { level: 0 },
        ahead: None,
    }
    .seq();
    items.first = first;
    for api in batch {
        items.element(api)?;
    }
    Ok(())
}

/// Buffers rendered out of order, written in order, and then reused.
struct InOrder<'w, W> {
    state: std::sync::Mutex<InOrderState<'w, W>>,
}

struct InOrderState<'w, W> {
    out: &'w mut W,
    /// The index of the next buffer to write.
    next: usize,
    /// Rendered buffers waiting for those before them, by index.
    ready: Vec<(usize, String)>,
    /// Written buffers, to render into again.
    spare: Vec<String>,
    /// The first failure; nothing more is written after it.
    failed: Option<std::io::Error>,
}

impl<'w, W: std::io::Write> InOrder<'w, W> {
    fn new(out: &'w mut W) -> Self {
        InOrder {
            state: std::sync::Mutex::new(InOrderState {
                out,
                next: 0,
                ready: Vec::new(),
                spare: Vec::new(),
                failed: None,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, InOrderState<'w, W>> {
        // A worker that panicked while holding the lock left nothing half-done that matters:
        // the panic reaches the caller through the scope.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An empty buffer: a written one, or a new one.
    fn spare(&self) -> String {
        let reused = self.lock().spare.pop();
        let mut buf = reused.unwrap_or_else(|| String::with_capacity(BATCH * BYTES_PER_API));
        buf.clear();
        buf
    }

    /// Records a failure; nothing more is written.
    fn fail(&self, error: std::io::Error) {
        let mut state = self.lock();
        if state.failed.is_none() {
            state.failed = Some(error);
        }
    }

    /// Hands in buffer `index`, writing it and every waiting one after it whose turn has come.
    /// Whether to go on (nothing has failed).
    fn put(&self, index: usize, buf: String) -> bool {
        let mut state = self.lock();
        if state.failed.is_some() {
            return false;
        }
        state.ready.push((index, buf));
        loop {
            let next = state.next;
            let Some(at) = state.ready.iter().position(|(i, _)| *i == next) else {
                return true;
            };
            let (_, buf) = state.ready.swap_remove(at);
            if let Err(e) = state.out.write_all(buf.as_bytes()) {
                state.failed = Some(e);
                return false;
            }
            state.spare.push(buf);
            state.next += 1;
        }
    }

    /// The first failure, if any.
    fn finish(self) -> std::io::Result<()> {
        let state = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        match state.failed {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// A root field whose value is written separately: the emitter leaves it out and notes where
/// in the root's text it goes.
struct Ahead {
    field: &'static str,
    at: std::cell::Cell<Option<usize>>,
}

/// Any serialisable value as [`to_yaml`] writes its JSON form; `ahead` a root field written
/// separately.
fn emit<T: Serialize + ?Sized>(value: &T, ahead: Option<&Ahead>) -> Result<String, EmitError> {
    let mut out = String::with_capacity(4096);
    value.serialize(Emitter {
        out: &mut out,
        at: At::Root,
        ahead,
    })?;
    Ok(out)
}

/// Writes a tree as a YAML document (block style, ending with a newline).
///
/// Empty mappings and sequences are written in flow style (`{}`, `[]`). Strings that YAML 1.2
/// would read as something else, or that contain characters unsafe in plain scalars, are
/// written as JSON strings, which are valid YAML double-quoted scalars.
pub fn to_yaml(node: &Node) -> String {
    let mut out = String::new();
    match &node.value {
        Value::Map(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Seq(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        _ => {
            out.push_str(&scalar_text(node));
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, level: usize) {
    const SPACES: &str = "                                                                ";
    let mut width = 2 * level;
    while width > SPACES.len() {
        out.push_str(SPACES);
        width -= SPACES.len();
    }
    out.push_str(&SPACES[..width]);
}

fn write_map(out: &mut String, map: &Map, level: usize) {
    let mut first = true;
    for (key, value) in map.iter() {
        // The first key of a mapping inside a sequence item follows the `- ` on its line.
        if !(first && level > 0 && out.ends_with("- ")) {
            indent(out, level);
        }
        first = false;
        push_key(out, key, level);
        out.push(':');
        write_child(out, value, level);
    }
}

/// The most characters an implicit key may have, from its start to its `:` (YAML 1.2 §7.4.2;
/// PyYAML and apigctl's reader count the written text, quotes and escapes included).
const LONGEST_IMPLICIT_KEY: usize = 1024;

/// Appends a mapping key whose members are indented `level` steps, the `:` to follow. A key
/// whose written text is longer than an implicit key may be is written as an explicit key,
/// `? key` on its own line with the `:` on the next, which YAML reads at any length.
fn push_key(out: &mut String, key: &str, level: usize) {
    let start = out.len();
    push_string(out, key);
    let written = &out[start..];
    // Bytes are never fewer than characters: most keys are decided without counting.
    if written.len() > LONGEST_IMPLICIT_KEY && written.chars().count() > LONGEST_IMPLICIT_KEY {
        let written = out.split_off(start);
        out.push_str("? ");
        out.push_str(&written);
        out.push('\n');
        indent(out, level);
    }
}

fn write_seq(out: &mut String, items: &[Node], level: usize) {
    let mut first = true;
    for item in items {
        if !(first && level > 0 && out.ends_with("- ")) {
            indent(out, level);
        }
        first = false;
        out.push_str("- ");
        match &item.value {
            Value::Map(map) if !map.is_empty() => write_map(out, map, level + 1),
            Value::Seq(inner) if !inner.is_empty() => write_seq(out, inner, level + 1),
            _ => {
                out.push_str(&scalar_text(item));
                out.push('\n');
            }
        }
    }
}

/// Writes what follows `key:`.
fn write_child(out: &mut String, value: &Node, level: usize) {
    match &value.value {
        Value::Map(map) if !map.is_empty() => {
            out.push('\n');
            write_map(out, map, level + 1);
        }
        Value::Seq(items) if !items.is_empty() => {
            out.push('\n');
            write_seq(out, items, level);
        }
        _ => {
            out.push(' ');
            out.push_str(&scalar_text(value));
            out.push('\n');
        }
    }
}

fn scalar_text(value: &Node) -> String {
    match &value.value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(Number::Int(n)) => n.to_string(),
        // YAML's own forms for what JSON has none (serde_json writes `null`).
        Value::Number(n @ Number::Float(f)) => match n.non_finite_yaml() {
            Some(text) => text.to_owned(),
            None => serde_json::Value::from(*f).to_string(),
        },
        Value::String(s) => string_text(s),
        Value::Seq(_) => "[]".to_owned(),
        Value::Map(_) => "{}".to_owned(),
    }
}

/// A string as a plain scalar when that reads back as the same string, else JSON-quoted.
fn string_text(s: &str) -> String {
    let mut out = String::new();
    push_string(&mut out, s);
    out
}

/// Appends [`string_text`] of `s`.
fn push_string(out: &mut String, s: &str) {
    if plain_safe(s) {
        out.push_str(s);
    } else {
        push_json_string(out, s);
    }
}

/// Appends `s` as a JSON string literal that is also a valid YAML double-quoted scalar:
/// escaped as `serde_json` escapes (`"`, `\\` and the C0 controls), and besides, as `\uXXXX`,
/// the characters a YAML reader refuses or changes when written raw: those outside YAML 1.2's
/// printable set (U+007F, the C1 controls, U+FFFE, U+FFFF; PyYAML stops at "unacceptable
/// character"), the byte order mark (not allowed inside a document), and the line breaks of
/// YAML 1.1 readers (U+0085, U+2028, U+2029, which they fold into a space in a quoted scalar).
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..0x20 | 0x7f => "",
            // Lead bytes of the other characters to escape (UTF-8: U+0080–U+009F start with
            // C2, U+2028/U+2029 with E2, U+FEFF/U+FFFE/U+FFFF with EF); ASCII and the
            // continuation bytes of other characters are written as they are.
            0xc2 | 0xe2 | 0xef => match s[i..].chars().next() {
                Some(c) if must_escape(c) => {
                    out.push_str(&s[start..i]);
                    push_unicode_escape(out, c);
                    start = i + c.len_utf8();
                    continue;
                }
                _ => continue,
            },
            _ => continue,
        };
        // Escapes are ASCII and split nothing: `start` and `i` are on character boundaries.
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            push_unicode_escape(out, char::from(b));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Whether a character other than ASCII must be escaped in a quoted scalar (and so cannot be
/// in a plain one): see [`push_json_string`].
fn must_escape(c: char) -> bool {
    matches!(
        c,
        '\u{80}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
    )
}

/// Appends `\uXXXX` for a character of the Basic Multilingual Plane (the C0 controls, DEL and
/// all [`must_escape`]s are).
fn push_unicode_escape(out: &mut String, c: char) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let code = u32::from(c);
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        out.push(char::from(HEX[((code >> shift) & 0xf) as usize]));
    }
}

/// Bytes that are safe anywhere in a plain scalar but first: letters, digits and `_-./()+=$;`.
/// A string made only of them needs no further scan (see [`plain_safe`]).
const PLAIN_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'_' | b'-' | b'.' | b'/' | b'(' | b')' | b'+' | b'=' | b'$' | b';'
            );
        b += 1;
    }
    table
};

/// Bytes that are safe in a plain scalar anywhere but first: printable ASCII except `:` and
/// `#`. Those two start an indicator only next to a space (`: `, ` #`), so a string without
/// them needs no look at neighbours; a space is checked at the ends only.
const PLAIN_INNER: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c >= 0x20 && c < 0x7f && c != b':' && c != b'#';
        b += 1;
    }
    table
};

fn plain_safe(s: &str) -> bool {
    let bytes = s.as_bytes();
    // The common case (names, enum values, paths, hosts, sentences): a first byte that starts
    // no indicator, then bytes that cannot form an indicator sequence, and no space at the end;
    // only the other types are left to check.
    if let (Some(&first), Some(&last)) = (bytes.first(), bytes.last())
        && PLAIN_BYTE[usize::from(first)]
        && !matches!(first, b'-' | b'=')
        && last != b' '
        && bytes[1..].iter().all(|&b| PLAIN_INNER[usize::from(b)])
    {
        return !looks_like_other_type(s);
    }
    plain_safe_scan(s)
}

/// [`plain_safe`] by the full scan, without the shortcut for the common case.
fn plain_safe_scan(s: &str) -> bool {
    let bytes = s.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if matches!(first, b' ' | b'\t') || matches!(last, b' ' | b'\t') {
        return false;
    }
    // YAML indicators; all ASCII, so a first byte is enough.
    if matches!(
        first,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    ) {
        return false;
    }
    if s.ends_with(':') || s.starts_with("<<") || s.starts_with("= ") || s == "=" {
        return false;
    }
    // One pass over the bytes for `: `, ` #` and control characters: the emitter asks this of
    // every string it writes, and substring searches cost far more than the strings here.
    let mut ascii = true;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            0..0x20 | 0x7f => return false,
            b':' if bytes.get(i + 1) == Some(&b' ') => return false,
            b'#' if i > 0 && bytes[i - 1] == b' ' => return false,
            _ => ascii &= b.is_ascii(),
        }
    }
    if !ascii && s.chars().any(|c| c.is_control() || must_escape(c)) {
        return false;
    }
    !looks_like_other_type(s)
}

/// Whether a plain scalar would resolve to null, a boolean or a number (YAML 1.2 core schema,
/// plus the YAML 1.1 booleans other readers still apply).
fn looks_like_other_type(s: &str) -> bool {
    // Every word and number starts with one of these; most strings are decided here.
    if !s.as_bytes().first().is_some_and(|b| {
        matches!(
            b.to_ascii_lowercase(),
            b'n' | b't' | b'f' | b'y' | b'o' | b'~' | b'.' | b'-' | b'+' | b'0'..=b'9'
        )
    }) {
        return false;
    }
    // Compared without a lower-case copy: the emitter asks this of every string it writes.
    const WORDS: [&str; 14] = [
        "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", "-.inf", "+.inf",
        ".nan",
    ];
    if s.len() <= 5 && WORDS.iter().any(|w| w.eq_ignore_ascii_case(s)) {
        return true;
    }
    if is_yaml11_timestamp(s) {
        return true;
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if body.starts_with("0x") || body.starts_with("0o") || body.starts_with("0b") {
        return true;
    }
    // Anything made of digits, dots, exponents and underscores might be read as a number.
    !body.is_empty()
        && body
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.')
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-' | '_' | ':'))
}

/// Whether a plain scalar matches YAML 1.1's timestamp (<https://yaml.org/type/timestamp.html>),
/// which PyYAML and js-yaml read as a date or a date-time, not a string: `2001-12-14`,
/// `2001-12-14t21:59:43.10-05:00`, `2001-12-14 21:59:43.10 -5`, `2024-01-01T00:00:00Z`.
/// Whitespace is allowed before any time zone, as those readers (and the specification's own
/// examples) allow it, so everything they take for a timestamp is quoted.
pub(crate) fn is_yaml11_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    // Up to `max` (at least `min`) ASCII digits from `i`.
    let digits = |i: &mut usize, min: usize, max: usize| -> bool {
        let start = *i;
        while *i < b.len() && *i - start < max && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start >= min
    };
    let byte = |i: &mut usize, want: u8| -> bool {
        if b.get(*i) == Some(&want) {
            *i += 1;
            true
        } else {
            false
        }
    };
    if !(digits(&mut i, 4, 4) && byte(&mut i, b'-')) {
        return false;
    }
    // The date alone needs two-digit month and day.
    let date_start = i;
    if digits(&mut i, 2, 2) && byte(&mut i, b'-') && digits(&mut i, 2, 2) && i == b.len() {
        return true;
    }
    i = date_start;
    if !(digits(&mut i, 1, 2) && byte(&mut i, b'-') && digits(&mut i, 1, 2)) {
        return false;
    }
    // `T`, `t` or whitespace between the date and the time.
    if !(byte(&mut i, b'T') || byte(&mut i, b't')) {
        let start = i;
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if !(digits(&mut i, 1, 2)
        && byte(&mut i, b':')
        && digits(&mut i, 2, 2)
        && byte(&mut i, b':')
        && digits(&mut i, 2, 2))
    {
        return false;
    }
    if byte(&mut i, b'.') {
        digits(&mut i, 0, usize::MAX);
    }
    if i == b.len() {
        return true;
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    if byte(&mut i, b'Z') {
        return i == b.len();
    }
    if !(byte(&mut i, b'+') || byte(&mut i, b'-')) || !digits(&mut i, 1, 2) {
        return false;
    }
    if byte(&mut i, b':') && !digits(&mut i, 2, 2) {
        return false;
    }
    i == b.len()
}

/// Where the value being serialised goes, which decides how it starts and how an empty
/// collection is written.
#[derive(Clone, Copy)]
enum At {
    /// The whole document.
    Root,
    /// After `key:` of a mapping whose keys are indented `level` steps.
    Value { level: usize },
    /// After `- ` of a sequence whose dashes are indented `level` steps.
    Item { level: usize },
}

impl At {
    /// Writes a scalar (or an empty collection's flow form) in this place.
    fn scalar(self, out: &mut String, text: &str) {
        if let At::Value { .. } = self {
            out.push(' ');
        }
        out.push_str(text);
        out.push('\n');
    }

    /// Indentation of the keys of a mapping written here.
    fn map_level(self) -> usize {
        match self {
            At::Root => 0,
            At::Value { level } | At::Item { level } => level + 1,
        }
    }

    /// Indentation of the dashes of a sequence written here (a sequence under a key is not
    /// indented further than the key).
    fn seq_level(self) -> usize {
        match self {
            At::Root => 0,
            At::Value { level } => level,
            At::Item { level } => level + 1,
        }
    }

    /// Starts a collection member at `level`: the first member of a collection under a key
    /// begins a new line, the first of one in a sequence item follows its `- `.
    fn begin_member(self, out: &mut String, level: usize, first: bool) {
        match (self, first) {
            (At::Item { .. }, true) => {}
            (At::Value { .. }, true) => {
                out.push('\n');
                indent(out, level);
            }
            _ => indent(out, level),
        }
    }
}

/// The serializer's error: a value with no JSON form (a map key that is not a string).
#[derive(Debug)]
struct EmitError(String);

impl std::fmt::Display for EmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EmitError {}

impl ser::Error for EmitError {
    fn custom<T: std::fmt::Display>(msg: T) -> EmitError {
        EmitError(msg.to_string())
    }
}

/// A serde serializer writing the YAML [`to_yaml`] writes for the value's JSON form.
struct Emitter<'o> {
    out: &'o mut String,
    at: At,
    /// A root field written already (only for the root).
    ahead: Option<&'o Ahead>,
}

/// A number as the loader reads serde_json's text of it and [`scalar_text`] writes it back:
/// integers beyond `i64` and every float go through `f64`.
fn push_number(out: &mut String, json: &str) {
    if json == "null" {
        // serde_json writes non-finite floats as null.
        out.push_str("null");
        return;
    }
    if !json.contains(['.', 'e', 'E'])
        && let Ok(i) = json.parse::<i64>()
    {
        out.push_str(itoa::Buffer::new().format(i));
        return;
    }
    let f = json.parse::<f64>().unwrap_or(f64::NAN);
    out.push_str(&serde_json::Value::from(f).to_string());
}

impl<'o> Emitter<'o> {
    /// An integer in `i64`: written as it is, without the round trip of [`Emitter::number`].
    fn int(self, v: i64) -> Result<(), EmitError> {
        if let At::Value { .. } = self.at {
            self.out.push(' ');
        }
        // `itoa` writes the digits `Display` writes, without the formatting machinery, which
        // costs more than the rest of writing a number.
        self.out.push_str(itoa::Buffer::new().format(v));
        self.out.push('\n');
        Ok(())
    }

    fn number<T: Serialize>(self, n: T) -> Result<(), EmitError> {
        let json = serde_json::to_string(&n).map_err(|e| EmitError(e.to_string()))?;
        let mut text = String::new();
        push_number(&mut text, &json);
        self.at.scalar(self.out, &text);
        Ok(())
    }

    fn map(self) -> Compound<'o> {
        Compound {
            level: self.at.map_level(),
            out: self.out,
            at: self.at,
            first: true,
            empty: "{}",
            ahead: self.ahead,
        }
    }

    fn seq(self) -> Compound<'o> {
        Compound {
            level: self.at.seq_level(),
            out: self.out,
            at: self.at,
            first: true,
            empty: "[]",
            ahead: None,
        }
    }

    /// `variant:` as the only key of a mapping (serde_json's externally tagged form), leaving
    /// the place of its value.
    fn variant(self, variant: &str) -> (&'o mut String, At) {
        let level = self.at.map_level();
        self.at.begin_member(self.out, level, true);
        push_string(self.out, variant);
        self.out.push(':');
        (self.out, At::Value { level })
    }
}

/// Integer methods of [`Emitter`] for types that fit in `i64`.
macro_rules! small_ints {
    ($($method:ident: $ty:ty),+) => {$(
        fn $method(self, v: $ty) -> Result<(), EmitError> {
            self.int(i64::from(v))
        }
    )+};
}

/// Number methods of [`Emitter`] that take the JSON round trip.
macro_rules! other_numbers {
    ($($method:ident: $ty:ty),+) => {$(
        fn $method(self, v: $ty) -> Result<(), EmitError> {
            self.number(v)
        }
    )+};
}

impl<'o> Serializer for Emitter<'o> {
    type Ok = ();
    type Error = EmitError;
    type SerializeSeq = Compound<'o>;
    type SerializeTuple = Compound<'o>;
    type SerializeTupleStruct = Compound<'o>;
    type SerializeTupleVariant = Compound<'o>;
    type SerializeMap = Compound<'o>;
    type SerializeStruct = Compound<'o>;
    type SerializeStructVariant = Compound<'o>;

    fn serialize_bool(self, v: bool) -> Result<(), EmitError> {
        self.at.scalar(self.out, if v { "true" } else { "false" });
        Ok(())
    }

    small_ints!(
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32
    );
    other_numbers!(
        serialize_i128: i128,
        serialize_u128: u128,
        serialize_f32: f32,
        serialize_f64: f64
    );

    fn serialize_i64(self, v: i64) -> Result<(), EmitError> {
        self.int(v)
    }

    fn serialize_u64(self, v: u64) -> Result<(), EmitError> {
        match i64::try_from(v) {
            Ok(i) => self.int(i),
            Err(_) => self.number(v),
        }
    }

    fn serialize_char(self, v: char) -> Result<(), EmitError> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<(), EmitError> {
        if let At::Value { .. } = self.at {
            self.out.push(' ');
        }
        push_string(self.out, v);
        self.out.push('\n');
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), EmitError> {
        let mut seq = self.seq();
        for b in v {
            ser::SerializeSeq::serialize_element(&mut seq, b)?;
        }
        ser::SerializeSeq::end(seq)
    }

    fn serialize_none(self) -> Result<(), EmitError> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), EmitError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), EmitError> {
        self.at.scalar(self.out, "null");
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), EmitError> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), EmitError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), EmitError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), EmitError> {
        let (out, at) = self.variant(variant);
        value.serialize(Emitter {
            out,
            at,
            ahead: None,
        })
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'o>, EmitError> {
        Ok(self.seq())
    }

    fn serialize_tuple(self, _: usize) -> Result<Compound<'o>, EmitError> {
        Ok(self.seq())
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'o>, EmitError> {
        Ok(self.seq())
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'o>, EmitError> {
        let (out, at) = self.variant(variant);
        Ok(Emitter {
            out,
            at,
            ahead: None,
        }
        .seq())
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'o>, EmitError> {
        Ok(self.map())
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'o>, EmitError> {
        Ok(self.map())
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'o>, EmitError> {
        let (out, at) = self.variant(variant);
        Ok(Emitter {
            out,
            at,
            ahead: None,
        }
        .map())
    }
}

/// A mapping or sequence being written; written as `{}` or `[]` if it ends with no member.
struct Compound<'o> {
    out: &'o mut String,
    at: At,
    /// Indentation of the members.
    level: usize,
    first: bool,
    empty: &'static str,
    /// A field of this (root) mapping written separately.
    ahead: Option<&'o Ahead>,
}

impl Compound<'_> {
    fn key(&mut self, key: &str) {
        self.at.begin_member(self.out, self.level, self.first);
        self.first = false;
        push_key(self.out, key, self.level);
        self.out.push(':');
    }

    /// A struct field's name: written as it is, since every field name of the model is a
    /// plain-safe identifier (a test checks them all). Checking each one as it is written was
    /// a fifth of the emitter's time.
    fn field_key(&mut self, key: &'static str) {
        debug_assert!(plain_safe(key), "{key}");
        self.at.begin_member(self.out, self.level, self.first);
        self.first = false;
        self.out.push_str(key);
        self.out.push(':');
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EmitError> {
        value.serialize(Emitter {
            out: self.out,
            at: At::Value { level: self.level },
            ahead: None,
        })
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EmitError> {
        self.at.begin_member(self.out, self.level, self.first);
        self.first = false;
        self.out.push_str("- ");
        value.serialize(Emitter {
            out: self.out,
            at: At::Item { level: self.level },
            ahead: None,
        })
    }

    fn finish(self) -> Result<(), EmitError> {
        if self.first {
            self.at.scalar(self.out, self.empty);
        }
        Ok(())
    }
}

/// The serde compound traits of [`Compound`]: members of sequences are elements, members of
/// structs are fields.
macro_rules! compound {
    (elements: $($trait:ident :: $method:ident),+) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = EmitError;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EmitError> {
                self.element(value)
            }

            fn end(self) -> Result<(), EmitError> {
                self.finish()
            }
        }
    )+};
    (fields: $($trait:ident),+) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = EmitError;

            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), EmitError> {
                self.field_key(key);
                match self.ahead {
                    Some(ahead) if ahead.field == key => {
                        ahead.at.set(Some(self.out.len()));
                        Ok(())
                    }
                    _ => self.value(value),
                }
            }

            fn end(self) -> Result<(), EmitError> {
                self.finish()
            }
        }
    )+};
}

compound!(elements: SerializeSeq::serialize_element, SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field, SerializeTupleVariant::serialize_field);
compound!(fields: SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = EmitError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), EmitError> {
        let key = key.serialize(KeyText)?;
        self.key(&key);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EmitError> {
        self.value(value)
    }

    fn end(self) -> Result<(), EmitError> {
        self.finish()
    }
}

/// A map key as the string serde_json makes of it (strings as they are, numbers and booleans
/// as their text); anything else has no JSON form.
struct KeyText;

impl KeyText {
    fn text(v: impl ToString) -> Result<String, EmitError> {
        Ok(v.to_string())
    }

    fn not_a_key<T>() -> Result<T, EmitError> {
        Err(EmitError("a map key must be a string".into()))
    }
}

/// Key serializer methods that write the value's text.
macro_rules! key_text {
    ($($method:ident: $ty:ty),+) => {$(
        fn $method(self, v: $ty) -> Result<String, EmitError> {
            KeyText::text(v)
        }
    )+};
}

impl Serializer for KeyText {
    type Ok = String;
    type Error = EmitError;
    type SerializeSeq = ser::Impossible<String, EmitError>;
    type SerializeTuple = ser::Impossible<String, EmitError>;
    type SerializeTupleStruct = ser::Impossible<String, EmitError>;
    type SerializeTupleVariant = ser::Impossible<String, EmitError>;
    type SerializeMap = ser::Impossible<String, EmitError>;
    type SerializeStruct = ser::Impossible<String, EmitError>;
    type SerializeStructVariant = ser::Impossible<String, EmitError>;

    key_text!(
        serialize_bool: bool,
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_i128: i128,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64,
        serialize_u128: u128,
        serialize_char: char
    );

    fn serialize_f32(self, _: f32) -> Result<String, EmitError> {
        KeyText::not_a_key()
    }

    fn serialize_f64(self, _: f64) -> Result<String, EmitError> {
        KeyText::not_a_key()
    }

    fn serialize_str(self, v: &str) -> Result<String, EmitError> {
        KeyText::text(v)
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<String, EmitError> {
        KeyText::not_a_key()
    }

    fn serialize_none(self) -> Result<String, EmitError> {
        KeyText::not_a_key()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String, EmitError> {
        KeyText::not_a_key()
    }

    fn serialize_unit(self) -> Result<String, EmitError> {
        KeyText::not_a_key()
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<String, EmitError> {
        KeyText::not_a_key()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, EmitError> {
        KeyText::text(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, EmitError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, EmitError> {
        KeyText::not_a_key()
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, EmitError> {
        KeyText::not_a_key()
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, EmitError> {
        KeyText::not_a_key()
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, EmitError> {
        KeyText::not_a_key()
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, EmitError> {
        KeyText::not_a_key()
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, EmitError> {
        KeyText::not_a_key()
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, EmitError> {
        KeyText::not_a_key()
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, EmitError> {
        KeyText::not_a_key()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// YAML's `.inf`, `-.inf` and `.nan` are written as they were read, not as `null`.
    #[test]
    fn infinities_and_nan_are_written_in_their_yaml_forms() {
        let text = "a: .inf\nb: -.Inf\nc: .NaN\nd: 1.5\n";
        let (_, doc) = crate::source::load_text("f.yaml", text);
        assert_eq!(to_yaml(&doc.root), "a: .inf\nb: -.inf\nc: .nan\nd: 1.5\n");
    }

    #[test]
    fn quotes_what_is_not_plain() {
        for (s, quoted) in [
            ("", true),
            ("abc", false),
            ("1", true),
            ("1.0.0", true),
            ("true", true),
            ("No", true),
            ("a: b", true),
            ("a #b", true),
            ("-1", true),
            ("{x}", true),
            ("/v1/{id}", false),
            (" a", true),
            ("a\nb", true),
            ("application/json", false),
        ] {
            assert_eq!(!plain_safe(s), quoted, "{s:?}");
        }
    }

    /// Whatever YAML 1.1 (PyYAML, js-yaml) reads as a timestamp is quoted; near misses stay plain.
    #[test]
    fn yaml_1_1_timestamps_are_quoted() {
        let timestamps = [
            "2001-12-14",
            "2024-01-01T00:00:00Z",
            "1985-04-12T23:20:50.52Z",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "2001-12-15 2:59:43.10",
            "2002-1-2T3:04:05",
            "2002-12-14T21:59:43.",
            "2002-12-14T21:59:43 Z",
            "2002-12-14T21:59:43+08",
            "2002-12-14\t21:59:43",
        ];
        for s in timestamps {
            assert!(is_yaml11_timestamp(s), "{s:?}");
            assert!(!plain_safe(s), "{s:?}");
        }
        for s in [
            "2001-12-14x",
            "2001-1-14",
            "2024-01-01T00:00",
            "2024-01-01T00:00:00Zz",
            "2024-01-01T00:00:00+",
            "2024-01-01T00:00:00+08:0",
            "2024-01-01Tx",
            "date 2024-01-01",
        ] {
            assert!(!is_yaml11_timestamp(s), "{s:?}");
        }
        assert!(plain_safe("2024-01-01Tx"));
        assert!(plain_safe("date 2024-01-01"));
    }

    /// A key longer than an implicit key may be (1024 characters as written, quotes and
    /// escapes included) is written as an explicit key, under every kind of value, in both
    /// writers, and reads back as the same tree.
    #[test]
    fn keys_too_long_to_be_implicit_are_written_as_explicit_keys() {
        let long = "k".repeat(1025);
        let quoted_long = format!("{}\n", "q".repeat(1020)); // 1020 + `\n` + quotes = 1024
        let escaped_long = format!("{}\n", "q".repeat(1021)); // written 1025
        let value = serde_json::json!({
            "short": 1,
            long.clone(): {"a": 1, "b": [1, {"c": 2}]},
            quoted_long.clone(): [1, 2],
            "list": [{escaped_long.clone(): "x", "z": {}}],
            "k".repeat(1024): "edge",
        });
        let (_, source) = crate::source::load_text("v.json", &value.to_string());
        let text = to_yaml(&source.root);
        assert_eq!(emit(&source.root.to_json(), None).unwrap(), text);
        assert!(text.contains(&format!("? {long}\n:\n  a: 1\n")), "{text}");
        let implicit = format!("\"{}\\n\":", "q".repeat(1020));
        assert!(text.lines().any(|l| l == implicit), "{text}");
        assert!(
            text.contains(&format!("- ? \"{}", "q".repeat(1021))),
            "{text}"
        );
        let edge = format!("{}: edge", "k".repeat(1024));
        assert!(text.lines().any(|l| l == edge), "{text}");
        let (_, doc) = crate::source::load_text("f.yaml", &text);
        assert_eq!(doc.root.to_json(), value);
    }

    #[test]
    fn quoted_strings_are_escaped_as_serde_json_escapes() {
        let mut every_byte: String = (0u8..0x7f).map(char::from).collect();
        every_byte.push_str("é日本\u{a0}\u{d7ff}\u{e000}\u{fffd}\u{10000}\u{10ffff}");
        for s in [
            "",
            "plain",
            "\"",
            "\\",
            "a\"b\\c",
            "x\u{0}y\u{1f}z",
            every_byte.as_str(),
        ] {
            let mut out = String::new();
            push_json_string(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    /// What YAML 1.2 does not count printable (U+007F, C1 controls, U+FFFE, U+FFFF), the
    /// byte order mark and YAML 1.1's line breaks are escaped; the text stays a JSON string.
    #[test]
    fn characters_yaml_readers_refuse_or_fold_are_escaped() {
        for (s, written) in [
            ("\u{7f}", "\"\\u007f\""),
            ("a\u{80}b", "\"a\\u0080b\""),
            ("\u{85}", "\"\\u0085\""),
            ("\u{9f}é", "\"\\u009fé\""),
            ("\u{2028}\u{2029}", "\"\\u2028\\u2029\""),
            ("x\u{feff}", "\"x\\ufeff\""),
            ("\u{fffe}", "\"\\ufffe\""),
            ("日\u{ffff}本", "\"日\\uffff本\""),
        ] {
            assert!(!plain_safe(s), "{s:?}");
            assert_eq!(string_text(s), written, "{s:?}");
            assert_eq!(
                serde_json::from_str::<String>(written).ok().as_deref(),
                Some(s)
            );
        }
    }

    #[test]
    fn strings_reload_as_written() {
        let tricky = [
            "",
            " ",
            "a",
            "a b",
            "a: b",
            "a:b",
            "a #b",
            "a#b",
            "#a",
            "-",
            "- a",
            "-a",
            "?",
            "? a",
            ":",
            "a:",
            "[a]",
            "{a}",
            "*a",
            "&a",
            "!a",
            "|",
            ">",
            "'a'",
            "\"a\"",
            "%a",
            "@a",
            "`a",
            "null",
            "Null",
            "~",
            "true",
            "False",
            "yes",
            "NO",
            "on",
            "1",
            "-1",
            "+1",
            "1.5",
            ".5",
            "1e3",
            "0x1F",
            "0o7",
            "0b1",
            "1_000",
            ".inf",
            "-.Inf",
            ".NaN",
            "12:30",
            "a\nb",
            "a\tb",
            "\u{1}",
            "trailing ",
            " leading",
            "tab\t",
            "é",
            "日本",
            "a\\b",
            "<<",
            "=",
            "#context.x#",
            "$context.requestId",
            "^W-[0-9]+$",
            "/v1/{id}",
            "a,b",
            "a, b",
            "=a",
            "a=",
            "$",
            "+",
            "+a",
            ".",
            "..",
            "(",
            "a;b",
            "y",
            "Y",
            "n",
            "o",
            "Off",
            "nul",
            "nulls",
            "t1",
            "1a",
            "1-2",
            "-_-",
            "a-",
        ];
        let tricky = tricky.iter().copied().chain([
            "a b",
            "a b ",
            "a {b}",
            "/v1/{id}/items",
            "a #b",
            "a#b",
            "a: b",
            "a:b",
            "a:",
            "{}",
            "a [b], c",
            "x'y\"z",
            "a\\b",
            "a ~",
            "a`b@c%d|e>f?g&h*i!j",
            "Operation 13 of the generated document",
            "= a",
            "=a",
            "<<a",
            "a<<",
            "a\tb",
            "1 2",
            "0 1",
            ". a",
            "a\u{7f}",
            "\u{80}",
            "a\u{fffe}",
            "\u{ffff}",
            "a\u{feff}b",
            "a\u{2028}",
        ]);
        for s in tricky {
            assert_eq!(plain_safe(s), plain_safe_scan(s), "{s:?}");
            let text = format!("k: {}\n", string_text(s));
            let (_, doc) = crate::source::load_text("t", &text);
            assert_eq!(
                doc.root.get("k").and_then(Node::as_str),
                Some(s),
                "{text:?}"
            );
        }
    }

    #[test]
    fn nested_layout() {
        let text = r#"{"a": 1, "b": [{"c": "x", "d": [1, 2]}, "y"], "e": {}, "f": {"g": null}}"#;
        let (_, doc) = crate::source::load_text("t", text);
        assert_eq!(
            to_yaml(&doc.root),
            "a: 1\nb:\n- c: x\n  d:\n  - 1\n  - 2\n- \"y\"\ne: {}\nf:\n  g: null\n"
        );
    }

    /// The old route: JSON text, read back into a tree, written by `to_yaml`.
    fn via_tree<T: Serialize>(value: &T) -> String {
        let text = serde_json::to_string(value).unwrap();
        let (_, doc) = crate::source::load_text("t", &text);
        to_yaml(&doc.root)
    }

    #[test]
    fn emitter_writes_what_the_tree_route_writes() {
        let values = [
            serde_json::json!({}),
            serde_json::json!([]),
            serde_json::json!("scalar"),
            serde_json::json!(null),
            serde_json::json!(18446744073709551615u64),
            serde_json::json!([0, -1, 42, i64::MIN, i64::MAX, 9223372036854775807u64]),
            serde_json::json!([[1, [2, []], {}], [{"a": {}}, {"b": [[]]}], "x"]),
            serde_json::json!({
                "a": 1, "b": [{"c": "x", "d": [1, 2]}, "y"], "e": {}, "f": {"g": null},
                "h": [[{"i": [], "j": {"k": [{}]}}]], "l": -5, "m": 1.5, "n": 1e300,
                "o": 3.0, "p": 9223372036854775808u64, "q": "a: b", "yes": "1.0",
                "r": [true, false, "true", "", " ", "-", "- a", "日本", "a\nb"],
                "with space": {"1": 2}, "-x": "#y"
            }),
        ];
        for value in &values {
            assert_eq!(emit(value, None).unwrap(), via_tree(value), "{value}");
        }
        let ints = [i64::MIN, -10, -1, 0, 7, 10, 1_000_000, i64::MAX];
        let expected: String = ints.iter().map(|i| format!("- {i}\n")).collect();
        assert_eq!(emit(&ints, None).unwrap(), expected);
    }

    #[test]
    fn emitter_writes_definitions_as_the_tree_route() {
        let text = include_str!("../../tests/snapshots/import__mapping_2_0.snap");
        let yaml = text.splitn(3, "---\n").nth(2).unwrap();
        let (_, doc) = crate::source::load_text("d.yaml", yaml);
        let definition = Definition::from_json(doc.root.to_json()).unwrap();
        let written = definition_to_yaml(&definition).unwrap();
        assert_eq!(written, via_tree(&definition));
        assert_eq!(written, yaml);
    }

    /// The shortcut of [`plain_safe`] agrees with the full scan on every string of up to three
    /// characters from an alphabet of the bytes that matter (indicators, space, tab, digits,
    /// letters, non-ASCII).
    #[test]
    fn the_plain_shortcut_agrees_with_the_full_scan() {
        let alphabet = [
            "a", "n", "1", "0", ".", "-", "=", "<", ":", "#", " ", "\t", "{", "}", "[", ",", "'",
            "\"", "~", "é", "\u{85}", "_", "/", "x",
        ];
        let mut checked = 0;
        for a in alphabet {
            for b in std::iter::once("").chain(alphabet) {
                for c in std::iter::once("").chain(alphabet) {
                    let s = format!("{a}{b}{c}");
                    assert_eq!(plain_safe(&s), plain_safe_scan(&s), "{s:?}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 24 * 25 * 25);
    }

    /// [`Compound::field_key`] writes field names unchecked: every property name in the
    /// definition's JSON Schema (every field of every model type) must need no quoting.
    #[test]
    fn every_model_field_name_is_plain_safe() {
        fn names<'j>(schema: &'j serde_json::Value, out: &mut Vec<&'j str>) {
            match schema {
                serde_json::Value::Object(map) => {
                    if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                        out.extend(props.keys().map(String::as_str));
                    }
                    map.values().for_each(|v| names(v, out));
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| names(v, out)),
                _ => {}
            }
        }
        let schema = Definition::json_schema();
        let mut all = Vec::new();
        names(&schema, &mut all);
        assert!(all.len() > 100, "{}", all.len());
        for name in ["req_uri", "backend_api", "policy_https", "type", "apis"] {
            assert!(all.contains(&name), "{name}");
        }
        for name in all {
            assert!(plain_safe(name), "{name}");
        }
    }

    /// The definition of the 2.0 mapping snapshot.
    fn mapping_definition() -> Definition {
        let text = include_str!("../../tests/snapshots/import__mapping_2_0.snap");
        let yaml = text.splitn(3, "---\n").nth(2).unwrap();
        let (_, doc) = crate::source::load_text("d.yaml", yaml);
        Definition::from_json(doc.root.to_json()).unwrap()
    }

    #[test]
    fn many_apis_are_written_in_batches_as_in_one_pass() {
        let mut definition = mapping_definition();
        let apis = definition.apis.clone();
        assert!(!apis.is_empty());
        for i in 0..1000 {
            let mut api = apis[i % apis.len()].clone();
            api.name = format!("{}_{i}", api.name);
            definition.apis.push(api);
        }
        let written = definition_to_yaml(&definition).unwrap();
        assert_eq!(written, emit(&definition, None).unwrap());
        assert!(written.contains("apis:\n- name: "), "{}", &written[..200]);

        // Written as made: the root's text before the APIs, a write per batch of 256 in
        // order, and the rest, if any (nothing follows `apis` here).
        let mut writes = Writes::default();
        write_definition_yaml(&definition, &mut writes).unwrap();
        let batches = definition.apis.len().div_ceil(BATCH);
        assert_eq!(writes.0.len(), 1 + batches);
        assert!(writes.0[0].ends_with("apis:"), "{}", writes.0[0]);
        assert!(
            writes.0[1].starts_with("\n- name: "),
            "{}",
            &writes.0[1][..40]
        );
        for (b, text) in writes.0[1..].iter().enumerate() {
            let first = &definition.apis[b * BATCH].name;
            let text = text.trim_start_matches('\n');
            assert!(text.starts_with(&format!("- name: {first}\n")), "batch {b}");
        }
        assert_eq!(writes.0.concat(), written);
    }

    /// Each `write` call's text, in order.
    #[derive(Default)]
    struct Writes(Vec<String>);

    impl std::io::Write for Writes {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.push(String::from_utf8(buf.to_vec()).unwrap());
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Fails from the `n`-th write on, counting the writes tried.
    struct FailingAt {
        n: usize,
        tried: usize,
    }

    impl std::io::Write for FailingAt {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.tried += 1;
            if self.tried >= self.n {
                return Err(std::io::Error::other("disk full"));
            }
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_stops_the_writing_and_is_the_error() {
        let mut definition = mapping_definition();
        let api = definition.apis[0].clone();
        definition.apis = (0..BATCH * 8)
            .map(|i| ApiDef {
                name: format!("api_{i}"),
                ..api.clone()
            })
            .collect();
        // The root's text, then batches: the third batch's write fails.
        let mut out = FailingAt { n: 4, tried: 0 };
        let error = write_definition_yaml(&definition, &mut out).unwrap_err();
        assert_eq!(error.to_string(), "disk full");
        assert_eq!(out.tried, 4, "nothing is written after a failure");
        // A small definition is written at once.
        definition.apis.truncate(3);
        let mut out = FailingAt { n: 1, tried: 0 };
        assert!(write_definition_yaml(&definition, &mut out).is_err());
        assert_eq!(out.tried, 1);
    }
}
