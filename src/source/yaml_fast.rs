//! A fast path for the YAML most OpenAPI documents are written in.
//!
//! Generated and hand-written OpenAPI YAML keeps to a small part of the language: block
//! mappings and sequences, plain and quoted scalars on one line, multi-line plain scalars,
//! literal and folded block scalars, and empty flow collections. This parser reads exactly
//! that, straight from the text into the spanned tree, about three times faster than the
//! general parser's event stream alone. At the first thing outside that part (an anchor or
//! alias, a tag, a merge key, a flow collection with content, a multi-line quoted scalar, a
//! tab, a syntax error …) it gives up and [`super::yaml`] parses the whole document instead,
//! so every error message and every rarely used feature stays the general parser's. The tree
//! it builds, spans included, is the one the general parser builds: the tests below check
//! that on every YAML document of the test data and, when present, the corpus.

use super::tree::{Entry, Key, Map, Node, Span, Str, Value};
use super::yaml::{beyond_float_range, key_name, resolve_plain};
use super::{DuplicateKeys, Limits};

/// Gives up: the general parser reads the document.
struct Unsupported;

type Parsed<T> = Result<T, Unsupported>;

#[cfg(test)]
thread_local! {
    /// Where the fast path last gave up (for the tests' account of what it leaves out).
    static GAVE_UP_AT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// How often entries read ahead were taken over (for the tests).
#[cfg(test)]
static TAKEN_OVER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[track_caller]
fn unsupported<T>() -> Parsed<T> {
    #[cfg(test)]
    GAVE_UP_AT.set(std::panic::Location::caller().line());
    Err(Unsupported)
}

/// Whether `text` has a tab or a carriage return (left to the general parser), or a character
/// YAML 1.2 does not allow in a document (C0 and C1 controls but line feed and U+0085, DEL,
/// U+FFFE, U+FFFF, and the byte order mark U+FEFF, which the loader drops only where the text
/// starts), for which the general parser gives its error.
fn outside_plain_text(text: &[u8]) -> bool {
    first_of(text, Scan::PlainText).is_some()
}

/// The offset of the first character YAML 1.2 does not allow anywhere in a stream (§5.1,
/// `c-printable`: C0 controls but tab, line feed and carriage return, DEL, C1 controls but
/// U+0085, U+FFFE and U+FFFF). The general parser lets some of them through inside scalars.
pub(crate) fn first_unprintable(text: &[u8]) -> Option<usize> {
    first_of(text, Scan::Unprintable)
}

/// What [`first_of`] looks for.
#[derive(Clone, Copy, PartialEq)]
enum Scan {
    /// What the fast path leaves to the general parser.
    PlainText,
    /// What no YAML stream may hold.
    Unprintable,
}

/// The first character `scan` looks for.
///
/// Every document loaded is scanned, so the common case is made cheap: a pass without
/// branches over 64-byte chunks finds the chunks holding a byte that may start such a
/// character, and only those are read byte by byte (4 MB of YAML: 0.4 ms, against 4.8 ms for
/// the byte-by-byte reading of all of it).
fn first_of(text: &[u8], scan: Scan) -> Option<usize> {
    const CHUNK: usize = 64;
    let may_start = |b: u8| {
        u8::from(b < 0x20 && b != b'\n') | u8::from(b == 0x7f) | u8::from(b == 0xc2 || b == 0xef)
    };
    text.chunks(CHUNK).enumerate().find_map(|(c, chunk)| {
        if chunk.iter().fold(0, |seen, &b| seen | may_start(b)) == 0 {
            return None;
        }
        // With the two bytes a character started at the chunk's end may take.
        let start = c * CHUNK;
        let end = text.len().min(start + CHUNK + 2);
        // Only a character that starts in this chunk: the next chunk reports its own.
        first_in(&text[start..end], scan)
            .filter(|&i| i < CHUNK)
            .map(|i| start + i)
    })
}

/// [`first_of`], read byte by byte.
fn first_in(text: &[u8], scan: Scan) -> Option<usize> {
    let plain = scan == Scan::PlainText;
    text.iter().enumerate().position(|(i, &b)| match b {
        b'\n' => false,
        b'\t' | b'\r' => plain,
        0..0x20 | 0x7f => true,
        // U+0080 to U+009F are C2 80 to C2 9F in UTF-8.
        0xc2 => text
            .get(i + 1)
            .is_some_and(|&c| (0x80..0xa0).contains(&c) && c != 0x85),
        // U+FFFE and U+FFFF are EF BF BE and EF BF BF; U+FEFF is EF BB BF.
        0xef => match (text.get(i + 1), text.get(i + 2)) {
            (Some(0xbf), Some(0xbe | 0xbf)) => true,
            (Some(0xbb), Some(0xbf)) => plain,
            _ => false,
        },
        _ => false,
    })
}

/// The tree of `text`, or `None` when the general parser has to read it.
pub(crate) fn parse(text: &str, limits: &Limits) -> Option<Node> {
    if outside_plain_text(text.as_bytes()) {
        #[cfg(test)]
        GAVE_UP_AT.set(0);
        return None;
    }
    let mut p = Parser::new(text, limits);
    let mut first = p.next_content(0)?;
    // A document start marker alone on its line.
    if first.indent == 0 && p.at(first.pos, b"---") {
        let after = p.end_of_line(first.pos + 3).ok()?;
        first = p.next_content(after)?;
    }
    if p.at(first.pos, b"---") || p.b[first.pos] == b'%' {
        return None;
    }
    let Some(mid) = (text.len() >= READ_AHEAD_FROM)
        .then(|| p.read_ahead_point())
        .flatten()
    else {
        return p.root(first);
    };
    // The second half of the document is read on another thread meanwhile (see `Ahead`).
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::channel();
        scope.spawn(move || {
            let mut ahead = Parser::new(text, limits);
            let read = ahead
                .mapping(mid)
                .ok()
                .and_then(|(node, next)| match node.value {
                    Value::Map(map) => Some((map.entries, next, ahead.deepest)),
                    _ => None,
                });
            let _ = sender.send(read);
        });
        p.ahead = Some((mid.pos, receiver));
        p.root(first)
    })
}

/// The most bytes from a key's start to its `:` the fast path reads. An implicit key is at
/// most 1024 characters (YAML 1.2 §7.4.2), which the general parser counts from the key's
/// start to its `:`; a byte count is never below the character count, so a key this long is
/// one either way.
const LONGEST_KEY: usize = 1000;

/// From this size on, the second half of a document is read ahead on another thread.
const READ_AHEAD_FROM: usize = 1 << 20;

/// How far past the middle to look for the line to read ahead from.
const READ_AHEAD_WINDOW: usize = 64 << 10;

/// The rest of a mapping, read ahead by another thread from a key line near the middle of
/// the document: its entries, the start of the line after them, and the deepest nesting the
/// reading reached (counting the mapping itself).
///
/// The main reading takes it over when it arrives at that line as the start of an entry of a
/// mapping at the line's indentation: from there on, a mapping reads the same whatever came
/// before, except for the two things checked when the entries are taken over (nesting depth
/// and duplicate keys). When the main reading never arrives there (the line was part of a
/// block scalar, say), the entries are not used.
type Ahead = (Vec<Entry>, usize, usize);

/// The first content of a line: where it is and how far it is indented.
#[derive(Clone, Copy, Debug)]
struct Line {
    /// Byte offset of the first character that is not a space.
    pos: usize,
    /// Its column (the leading spaces).
    indent: usize,
}

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    depth: usize,
    max_depth: usize,
    /// The deepest `depth` reached.
    deepest: usize,
    /// Where the entries read ahead start, and where they arrive.
    ahead: Option<(usize, std::sync::mpsc::Receiver<Option<Ahead>>)>,
    /// Entries of the mappings being read, innermost last; each mapping gets a vector of
    /// exactly its size when it ends (as in the JSON parser).
    entries: Vec<Entry>,
    /// The same for sequence items.
    items: Vec<Node>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, limits: &Limits) -> Parser<'a> {
        Parser {
            text,
            b: text.as_bytes(),
            depth: 0,
            max_depth: limits.max_depth,
            deepest: 0,
            ahead: None,
            entries: Vec::new(),
            items: Vec::new(),
        }
    }

    /// The root node from its first line; nothing may follow it.
    fn root(&mut self, first: Line) -> Option<Node> {
        // A block scalar as the whole document may hold lines at the left edge, where a
        // document marker ends it: the general parser's.
        if matches!(self.b[first.pos], b'|' | b'>') {
            return None;
        }
        let (node, after) = self.node(first, None).ok()?;
        match self.next_content(after) {
            None => Some(node),
            Some(_) => None,
        }
    }

    /// A line soon after the middle of the text that starts with a mapping key (an indented
    /// plain key), to read ahead from: the least indented one in a window, so that the
    /// mapping it continues (`paths`, `components/schemas`) runs on for long.
    fn read_ahead_point(&self) -> Option<Line> {
        let window = self.b.len() / 2..(self.b.len() / 2 + READ_AHEAD_WINDOW).min(self.b.len());
        let mut best: Option<Line> = None;
        let mut from = window.start;
        while from < window.end {
            let start = from + memchr::memchr(b'\n', &self.b[from..])? + 1;
            let mut pos = start;
            while self.b.get(pos) == Some(&b' ') {
                pos += 1;
            }
            let indent = pos - start;
            let first = *self.b.get(pos)?;
            if indent > 0
                && best.is_none_or(|b| indent < b.indent)
                && (first.is_ascii_alphanumeric() || first == b'/' || first == b'_')
                && matches!(self.key_end(pos), Ok(Some(_)))
            {
                best = Some(Line { pos, indent });
            }
            from = start;
        }
        best
    }

    /// The entries read ahead, when they start at `pos` in a mapping indented by `indent`.
    fn take_ahead(&mut self, pos: usize, indent: usize) -> Option<Ahead> {
        let (at, _) = self.ahead.as_ref()?;
        if *at != pos || pos - self.line_start(pos) != indent {
            return None;
        }
        let (_, receiver) = self.ahead.take()?;
        let ahead = receiver.recv().ok().flatten();
        #[cfg(test)]
        if ahead.is_some() {
            TAKEN_OVER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        ahead
    }

    fn at(&self, pos: usize, s: &[u8]) -> bool {
        self.b[pos..].starts_with(s)
    }

    /// End of the line holding `pos` (the offset of its `\n`, or the text length).
    fn line_end(&self, pos: usize) -> usize {
        memchr::memchr(b'\n', &self.b[pos..]).map_or(self.b.len(), |i| pos + i)
    }

    /// The next line at or after the line start `from` holding something other than spaces
    /// or a comment.
    fn next_content(&self, mut from: usize) -> Option<Line> {
        while from < self.b.len() {
            let mut pos = from;
            while self.b.get(pos) == Some(&b' ') {
                pos += 1;
            }
            match self.b.get(pos) {
                None => return None,
                Some(b'\n') => from = pos + 1,
                Some(b'#') => from = self.line_end(pos) + 1,
                Some(_) => {
                    return Some(Line {
                        pos,
                        indent: pos - from,
                    });
                }
            }
        }
        None
    }

    /// After a value on one line: only spaces and a comment may follow. Returns the start of
    /// the next line.
    fn end_of_line(&self, mut pos: usize) -> Parsed<usize> {
        let had_space = pos < self.b.len() && self.b[pos] == b' ';
        while self.b.get(pos) == Some(&b' ') {
            pos += 1;
        }
        match self.b.get(pos) {
            None => Ok(self.b.len()),
            Some(b'\n') => Ok(pos + 1),
            Some(b'#') if had_space => Ok(self.line_end(pos) + 1),
            Some(_) => unsupported(),
        }
    }

    fn enter(&mut self) -> Parsed<()> {
        self.depth += 1;
        self.deepest = self.deepest.max(self.depth);
        if self.depth >= self.max_depth {
            return unsupported();
        }
        Ok(())
    }

    /// A block node whose first line is `line`. `parent` is the indentation of the
    /// collection holding it (`None` at the root): continuation lines of a scalar must be
    /// indented further. Returns the node and the start of the line after it.
    fn node(&mut self, line: Line, parent: Option<usize>) -> Parsed<(Node, usize)> {
        if self.scalar_only(line.pos) {
            return self.scalar(line.pos, parent);
        }
        if self.is_item(line.pos) {
            return self.sequence(line);
        }
        if self.key_end(line.pos)?.is_some() {
            return self.mapping(line);
        }
        self.scalar(line.pos, parent)
    }

    /// Whether what starts at `pos` can only be a scalar (a block scalar or a flow
    /// collection), never a key.
    fn scalar_only(&self, pos: usize) -> bool {
        matches!(self.b[pos], b'|' | b'>' | b'{' | b'[')
    }

    /// Whether a block sequence item starts at `pos`.
    fn is_item(&self, pos: usize) -> bool {
        self.b[pos] == b'-' && matches!(self.b.get(pos + 1), None | Some(b' ' | b'\n'))
    }

    /// When `pos` starts a mapping key, the key's end and the offset just past its `:`.
    /// A key whose `:` is further than [`LONGEST_KEY`] bytes from its start is given up.
    fn key_end(&self, pos: usize) -> Parsed<Option<(usize, usize)>> {
        let found = self.key_end_at_any_length(pos)?;
        if found.is_some_and(|(_, colon)| colon - pos > LONGEST_KEY) {
            return unsupported();
        }
        Ok(found)
    }

    fn key_end_at_any_length(&self, pos: usize) -> Parsed<Option<(usize, usize)>> {
        match self.b[pos] {
            b'\'' | b'"' => {
                let end = self.quoted_end(pos)?;
                let mut colon = end;
                while self.b.get(colon) == Some(&b' ') {
                    colon += 1;
                }
                Ok(
                    (self.b.get(colon) == Some(&b':') && self.separated(colon + 1))
                        .then_some((end, colon + 1)),
                )
            }
            b'?' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' | b'{' | b'[' | b']'
            | b'}' | b',' | b'#' => unsupported(),
            // A document marker (`---`, `...`) at the start of a line is no key, whatever
            // follows it on the line.
            b'-' | b'.'
                if self.line_start(pos) == pos
                    && (self.at(pos, b"---") || self.at(pos, b"..."))
                    && self.separated(pos + 3) =>
            {
                unsupported()
            }
            _ => {
                let end = self.line_end(pos);
                let line = &self.b[pos..end];
                let mut i = 0;
                while i < line.len() {
                    match line[i] {
                        b':' if self.separated(pos + i + 1) => {
                            let key = &self.text[pos..pos + i];
                            let key = key.trim_end_matches(' ');
                            return Ok(Some((pos + key.len(), pos + i + 1)));
                        }
                        b'#' if i > 0 && line[i - 1] == b' ' => return Ok(None),
                        _ => i += 1,
                    }
                }
                Ok(None)
            }
        }
    }

    /// Whether `pos` is a separation after `:` (a space, a line end or the end of the text).
    fn separated(&self, pos: usize) -> bool {
        matches!(self.b.get(pos), None | Some(b' ' | b'\n'))
    }

    /// The end (past the closing quote) of a quoted scalar on one line.
    fn quoted_end(&self, pos: usize) -> Parsed<usize> {
        let quote = self.b[pos];
        let mut i = pos + 1;
        while let Some(&c) = self.b.get(i) {
            match c {
                b'\n' => return unsupported(),
                b'\\' if quote == b'"' => i += 2,
                b'\'' if quote == b'\'' && self.b.get(i + 1) == Some(&b'\'') => i += 2,
                c if c == quote => return Ok(i + 1),
                _ => i += 1,
            }
        }
        unsupported()
    }

    fn mapping(&mut self, first: Line) -> Parsed<(Node, usize)> {
        self.enter()?;
        let indent = first.indent;
        let base = self.entries.len();
        let mut dups = DuplicateKeys::default();
        let mut line = first;
        let next = loop {
            if let Some((entries, next, deepest)) = self.take_ahead(line.pos, indent) {
                // The rest of this mapping: one level of `deepest` is the mapping itself.
                if self.depth + deepest > self.max_depth {
                    return unsupported();
                }
                self.deepest = self.deepest.max(self.depth + deepest - 1);
                for entry in entries {
                    if dups.check(&self.entries[base..], &entry.key).is_err() {
                        return unsupported();
                    }
                    self.entries.push(entry);
                }
                break next;
            }
            let Some((key_end, after_colon)) = self.key_end(line.pos)? else {
                return unsupported();
            };
            let key_node = self.key_scalar(line.pos, key_end)?;
            let key = Key {
                span: key_node.span,
                name: key_name(&key_node, self.text).ok_or(Unsupported)?,
            };
            // A merge key (`<<`, or a quoted '<<', which is not one) is the general
            // parser's, which expands merges.
            if key.name == "<<" {
                return unsupported();
            }
            if dups.check(&self.entries[base..], &key).is_err() {
                return unsupported();
            }
            let (value, next) = self.value(after_colon, indent, true)?;
            self.entries.push(Entry { key, value });
            match self.next_content(next) {
                Some(l) if l.indent == indent => {
                    if self.is_item(l.pos) {
                        return unsupported();
                    }
                    line = l;
                }
                Some(l) if l.indent > indent => return unsupported(),
                _ => break next,
            }
        };
        self.depth -= 1;
        let entries: Vec<Entry> = self.entries.drain(base..).collect();
        let end = entries
            .last()
            .map_or(first.pos, |e| e.value.span.end.max(e.key.span.end) as usize);
        let node = Node::new(Span::new(first.pos, end), Value::Map(Map { entries }));
        Ok((node, next))
    }

    fn sequence(&mut self, first: Line) -> Parsed<(Node, usize)> {
        self.sequence_from(first, false)
    }

    /// A block sequence; `indentless` when it is a mapping's value at the mapping's own
    /// indentation, whose span the general parser starts at the first item's content.
    fn sequence_from(&mut self, first: Line, indentless: bool) -> Parsed<(Node, usize)> {
        self.enter()?;
        let indent = first.indent;
        let base = self.items.len();
        let mut line = first;
        let next = loop {
            let (item, next) = self.value(line.pos + 1, indent, false)?;
            self.items.push(item);
            match self.next_content(next) {
                Some(l) if l.indent == indent && self.is_item(l.pos) => line = l,
                // A key at the sequence's own indentation ends it (the sequence is the value
                // of a mapping at that indentation; the mapping checks the rest).
                Some(l) if l.indent > indent => return unsupported(),
                _ => break next,
            }
        };
        self.depth -= 1;
        let items: Vec<Node> = self.items.drain(base..).collect();
        let end = items.last().map_or(first.pos, |n| n.span.end as usize);
        let start = if indentless {
            self.first_token(first.pos + 1)
        } else {
            first.pos
        };
        let node = Node::new(Span::new(start, end), Value::Seq(items));
        Ok((node, next))
    }

    /// The value after a key's `:` or an item's `-` at `pos`, in a collection indented by
    /// `indent`. A mapping's value may be a sequence at the mapping's own indentation.
    fn value(&mut self, mut pos: usize, indent: usize, in_map: bool) -> Parsed<(Node, usize)> {
        while self.b.get(pos) == Some(&b' ') {
            pos += 1;
        }
        match self.b.get(pos) {
            None | Some(b'\n' | b'#') => {
                // The value starts on a later line.
                if self.b.get(pos) == Some(&b'#') && self.b[pos - 1] != b' ' {
                    return unsupported();
                }
                let after = self.line_end(pos) + 1;
                match self.next_content(after) {
                    Some(l) if l.indent > indent => self.node(l, Some(indent)),
                    Some(l) if in_map && l.indent == indent && self.is_item(l.pos) => {
                        self.sequence_from(l, true)
                    }
                    // An empty value: the general parser decides where its span lies.
                    _ => unsupported(),
                }
            }
            Some(_) => {
                if in_map {
                    return self.scalar(pos, Some(indent));
                }
                // An item: a compact mapping or sequence, or a scalar.
                let column = pos - self.line_start(pos);
                let line = Line {
                    pos,
                    indent: column,
                };
                if self.scalar_only(pos) {
                    return self.scalar(pos, Some(indent));
                }
                if self.is_item(pos) {
                    return self.sequence(line);
                }
                if self.key_end(pos)?.is_some() {
                    return self.mapping(line);
                }
                self.scalar(pos, Some(indent))
            }
        }
    }

    /// Where the general parser's scanner puts a sequence item's entry, after its `-` at
    /// `pos - 1`: past the spaces and a comment that follow it on its line, so at the item's
    /// content when that is on the same line and at the line break when it is not.
    fn first_token(&self, mut pos: usize) -> usize {
        while self.b.get(pos) == Some(&b' ') {
            pos += 1;
        }
        match self.b.get(pos) {
            Some(b'#') => self.line_end(pos),
            _ => pos,
        }
    }

    fn line_start(&self, pos: usize) -> usize {
        memchr::memrchr(b'\n', &self.b[..pos]).map_or(0, |i| i + 1)
    }

    /// A key's scalar, from `pos` to `end`.
    fn key_scalar(&self, pos: usize, end: usize) -> Parsed<Node> {
        let span = Span::new(pos, end);
        let value = match self.b[pos] {
            b'\'' => Value::String(single_quoted(&self.text[pos + 1..end - 1])),
            b'"' => Value::String(double_quoted(&self.text[pos + 1..end - 1])?),
            _ => resolve_plain(&self.text[pos..end]),
        };
        Ok(Node::new(span, value))
    }

    /// A scalar value starting at `pos` whose continuation lines must be indented more than
    /// `parent`.
    fn scalar(&mut self, pos: usize, parent: Option<usize>) -> Parsed<(Node, usize)> {
        match self.b[pos] {
            b'\'' | b'"' => {
                let end = self.quoted_end(pos)?;
                let next = self.end_of_line(end)?;
                let inner = &self.text[pos + 1..end - 1];
                let value = if self.b[pos] == b'\'' {
                    single_quoted(inner)
                } else {
                    double_quoted(inner)?
                };
                Ok((Node::new(Span::new(pos, end), Value::String(value)), next))
            }
            b'|' | b'>' => self.block_scalar(pos, parent),
            b'{' | b'[' => {
                let close = if self.b[pos] == b'{' { b'}' } else { b']' };
                if self.b.get(pos + 1) != Some(&close) {
                    return unsupported();
                }
                let next = self.end_of_line(pos + 2)?;
                let value = if close == b'}' {
                    Value::Map(Map::default())
                } else {
                    Value::Seq(Vec::new())
                };
                Ok((Node::new(Span::new(pos, pos + 2), value), next))
            }
            b'?' | b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b'}' | b']' | b',' | b'#' => {
                unsupported()
            }
            b'-' | b':' if self.separated(pos + 1) => unsupported(),
            _ => self.plain(pos, parent),
        }
    }

    /// A plain scalar, folded over its continuation lines.
    fn plain(&mut self, pos: usize, parent: Option<usize>) -> Parsed<(Node, usize)> {
        let first_end = self.plain_line_end(pos)?;
        let mut end = first_end;
        let mut folded: Option<String> = None;
        let mut next = self.end_of_line(first_end)?;
        // Whether the first line ended in a comment: a comment ends a plain scalar.
        let commented = self.b[first_end..next.min(self.b.len())].contains(&b'#');
        let mut empty_lines = 0;
        let mut from = next;
        while !commented && from < self.b.len() {
            let mut p = from;
            while self.b.get(p) == Some(&b' ') {
                p += 1;
            }
            let indent = p - from;
            match self.b.get(p) {
                None => break,
                Some(b'\n') => {
                    empty_lines += 1;
                    from = p + 1;
                    continue;
                }
                Some(_) if parent.is_some_and(|n| indent <= n) => break,
                Some(b'#') => return unsupported(),
                Some(_) => {}
            }
            if parent.is_none() && (self.at(p, b"---") || self.at(p, b"...")) {
                return unsupported();
            }
            let line_end = self.plain_line_end(p)?;
            let text = folded.get_or_insert_with(|| self.text[pos..end].to_owned());
            if empty_lines == 0 {
                text.push(' ');
            }
            for _ in 0..empty_lines {
                text.push('\n');
            }
            text.push_str(&self.text[p..line_end]);
            empty_lines = 0;
            end = line_end;
            let after = self.end_of_line(line_end)?;
            next = after;
            from = after;
            if self.b[line_end..after.min(self.b.len())].contains(&b'#') {
                break;
            }
        }
        let text = folded.as_deref().unwrap_or(&self.text[pos..end]);
        let value = resolve_plain(text);
        // The general parser reports it.
        if beyond_float_range(text, &value) {
            return unsupported();
        }
        Ok((Node::new(Span::new(pos, end), value), next))
    }

    /// The end (trailing spaces dropped) of one line of a plain scalar starting at `pos`;
    /// gives up where the line would hold a mapping key.
    fn plain_line_end(&self, pos: usize) -> Parsed<usize> {
        let end = self.line_end(pos);
        let line = &self.b[pos..end];
        let mut stop = line.len();
        for i in 0..line.len() {
            match line[i] {
                b':' if self.separated(pos + i + 1) => return unsupported(),
                b'#' if i > 0 && line[i - 1] == b' ' => {
                    stop = i;
                    break;
                }
                _ => {}
            }
        }
        Ok(pos + self.text[pos..pos + stop].trim_end_matches(' ').len())
    }

    /// A literal (`|`) or folded (`>`) block scalar whose header is at `pos`.
    fn block_scalar(&mut self, pos: usize, parent: Option<usize>) -> Parsed<(Node, usize)> {
        let folded = self.b[pos] == b'>';
        let mut i = pos + 1;
        let chomp = match self.b.get(i) {
            Some(b'-') => {
                i += 1;
                Chomp::Strip
            }
            Some(b'+') => {
                i += 1;
                Chomp::Keep
            }
            _ => Chomp::Clip,
        };
        if self.b.get(i).is_some_and(u8::is_ascii_digit) {
            return unsupported();
        }
        let start = self.end_of_line(i)?;
        let min = parent.map_or(0, |n| n + 1);
        // The content's indentation is that of its first non-empty line.
        let mut probe = start;
        let mut leading_empty_max = 0;
        let indent = loop {
            let mut p = probe;
            while self.b.get(p) == Some(&b' ') {
                p += 1;
            }
            match self.b.get(p) {
                None => return unsupported(),
                Some(b'\n') => {
                    leading_empty_max = leading_empty_max.max(p - probe);
                    probe = p + 1;
                }
                Some(_) => break p - probe,
            }
        };
        if indent < min || leading_empty_max > indent {
            return unsupported();
        }
        // Each content line, or `None` for an empty one.
        let mut content: Vec<Option<&str>> = Vec::new();
        let mut from = start;
        let mut last_content_end = start;
        while from < self.b.len() {
            let mut p = from;
            while p < from + indent && self.b.get(p) == Some(&b' ') {
                p += 1;
            }
            let end = self.line_end(p);
            // A last line without a line break is no empty line (YAML 1.2 `l-empty` ends in
            // one): only spaces there keep nothing.
            let empty_line = end < self.b.len();
            if p - from < indent {
                // Less indented: an empty line, or the end of the scalar.
                if self.b[p..end].iter().all(|&c| c == b' ') {
                    if empty_line {
                        content.push(None);
                    }
                    from = end + 1;
                    continue;
                }
                break;
            }
            let line = &self.text[p..end];
            if line.bytes().all(|c| c == b' ') && !line.is_empty() {
                // Spaces beyond the indentation only: the rules differ by style.
                return unsupported();
            }
            if line.is_empty() {
                if empty_line {
                    content.push(None);
                }
            } else {
                content.push(Some(line));
                last_content_end = end;
            }
            from = end + 1;
        }
        let from = from.min(self.b.len());
        // Trailing empty lines belong to the chomping, not the content.
        let mut trailing = 0;
        while content.last() == Some(&None) {
            content.pop();
            trailing += 1;
        }
        if content.is_empty() {
            return unsupported();
        }
        let mut out = String::new();
        let mut previous: Option<&str> = None;
        let mut empties = 0;
        for line in &content {
            let Some(line) = line else {
                empties += 1;
                continue;
            };
            match previous {
                None => {
                    for _ in 0..empties {
                        out.push('\n');
                    }
                }
                Some(prev) => {
                    let normal = |l: &str| !l.starts_with(' ');
                    if folded && normal(prev) && normal(line) {
                        if empties == 0 {
                            out.push(' ');
                        }
                    } else {
                        out.push('\n');
                    }
                    for _ in 0..empties {
                        out.push('\n');
                    }
                }
            }
            out.push_str(line);
            previous = Some(line);
            empties = 0;
        }
        // The text ended without a final line break: clipping has none to keep.
        let final_break = last_content_end < self.b.len();
        match chomp {
            Chomp::Strip => {}
            Chomp::Clip => {
                if final_break {
                    out.push('\n');
                }
            }
            Chomp::Keep => {
                if final_break {
                    out.push('\n');
                }
                for _ in 0..trailing {
                    out.push('\n');
                }
            }
        }
        // The span runs from the first content character to the last one (as in the general
        // parser, which see): not over the empty lines after it, nor trailing spaces.
        let first_content = start + indent_of_first_line(&self.b[start..], indent);
        let last_content = self.text[..last_content_end].trim_end_matches(' ').len();
        Ok((
            Node::new(
                Span::new(first_content, last_content),
                Value::String(out.into()),
            ),
            from,
        ))
    }
}

/// Offset, in `b`, of the first character of the first non-empty line (leading empty lines
/// skipped), which is indented by `indent`.
fn indent_of_first_line(b: &[u8], indent: usize) -> usize {
    let mut line = 0;
    loop {
        let mut p = line;
        while b.get(p) == Some(&b' ') {
            p += 1;
        }
        match b.get(p) {
            Some(b'\n') => line = p + 1,
            _ => return line + indent,
        }
    }
}

#[derive(Clone, Copy)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

fn single_quoted(inner: &str) -> Str {
    if inner.contains('\'') {
        inner.replace("''", "'").into()
    } else {
        inner.into()
    }
}

fn double_quoted(inner: &str) -> Parsed<Str> {
    if !inner.contains('\\') {
        return Ok(inner.into());
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let escaped = match chars.next().ok_or(Unsupported)? {
            '0' => '\0',
            'a' => '\u{7}',
            'b' => '\u{8}',
            't' => '\t',
            'n' => '\n',
            'v' => '\u{b}',
            'f' => '\u{c}',
            'r' => '\r',
            'e' => '\u{1b}',
            ' ' => ' ',
            '"' => '"',
            '/' => '/',
            '\\' => '\\',
            'N' => '\u{85}',
            '_' => '\u{a0}',
            'L' => '\u{2028}',
            'P' => '\u{2029}',
            'x' => hex(&mut chars, 2)?,
            'u' => hex(&mut chars, 4)?,
            'U' => hex(&mut chars, 8)?,
            _ => return unsupported(),
        };
        out.push(escaped);
    }
    Ok(out.into())
}

fn hex(chars: &mut std::str::Chars<'_>, digits: usize) -> Parsed<char> {
    let mut code = 0u32;
    for _ in 0..digits {
        code = code * 16
            + chars
                .next()
                .and_then(|c| c.to_digit(16))
                .ok_or(Unsupported)?;
    }
    char::from_u32(code).ok_or(Unsupported)
}

/// Parses `text` with both parsers: `true` when the fast path read it (and agrees), `false`
/// when it gave up, and a panic when it read it differently or read what the general parser
/// rejects. For tests and the fuzz target `yaml_parsers_agree`.
#[cfg(any(test, fuzzing))]
pub(crate) fn compare(name: &str, text: &str) -> bool {
    let limits = Limits::default();
    let Some(fast) = parse(text, &limits) else {
        return false;
    };
    let source = super::files::SourceFile::new(name, None, text.to_owned());
    let general = super::yaml::parse(&source, &limits).unwrap_or_else(|e| {
        panic!("{name}: the fast path read what the general parser rejects: {e:?}")
    });
    if let Some(diff) = difference(&fast, &general, "") {
        panic!("{name}: the fast path disagrees {diff}");
    }
    true
}

/// The first place two trees differ, for a readable failure.
#[cfg(any(test, fuzzing))]
fn difference(fast: &Node, general: &Node, at: &str) -> Option<String> {
    let here = || format!("at `{at}`: fast {fast:?}\n general {general:?}");
    if fast.span != general.span {
        return Some(format!(
            "span {:?} vs {:?} {}",
            fast.span,
            general.span,
            here()
        ));
    }
    match (&fast.value, &general.value) {
        (Value::Map(a), Value::Map(b)) => {
            if a.len() != b.len() {
                return Some(here());
            }
            a.entries.iter().zip(&b.entries).find_map(|(x, y)| {
                if x.key != y.key {
                    return Some(format!("key {:?} vs {:?} at `{at}`", x.key, y.key));
                }
                difference(&x.value, &y.value, &format!("{at}/{}", x.key.name))
            })
        }
        (Value::Seq(a), Value::Seq(b)) => {
            if a.len() != b.len() {
                return Some(here());
            }
            a.iter()
                .zip(b)
                .enumerate()
                .find_map(|(i, (x, y))| difference(x, y, &format!("{at}/{i}")))
        }
        (a, b) if a == b => None,
        _ => Some(here()),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;
    use crate::source::files::SourceFile;

    fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                yaml_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }

    #[test]
    fn agrees_with_the_general_parser_on_every_yaml_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["testdata", "rules", "../shared/corpus"] {
            yaml_files(&root.join(dir), &mut files);
        }
        let mut read = 0;
        let mut reasons: std::collections::BTreeMap<u32, (usize, String)> = Default::default();
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            GAVE_UP_AT.set(u32::MAX);
            if compare(&path.display().to_string(), &text) {
                read += 1;
            } else {
                let e = reasons.entry(GAVE_UP_AT.get()).or_default();
                e.0 += 1;
                e.1 = path.display().to_string();
            }
        }
        eprintln!("gave up (source line: files, last file): {reasons:?}");
        // A fast path that gave up on everything would pass the comparison above and prove
        // nothing. (Many rule fixtures use flow mappings, which it leaves to the general
        // parser.)
        assert!(
            read >= 100,
            "the fast path read only {read} of {} files",
            files.len()
        );
    }

    #[test]
    fn reads_the_common_forms_as_the_general_parser_does() {
        let cases = [
            "a: 1\nb: two\nc: true\nd: null\ne: 1.5\nf: ~\n",
            "paths:\n  /pets/{id}:\n    get:\n      operationId: getPet # trailing comment\n",
            "'200': ok\n\"x y\": \"a\\tb\\u00e9\\\"\"\nkey: 'it''s'\n404: missing\ntrue: yes\nnull: n\n",
            "list:\n  - a\n  - b: 1\n    c: 2\n  - - nested\n    - more\n  - {}\n  - []\nsame:\n- x\n- y\nend: 1\n",
            "text: first line\n  second line\n\n  after a blank\nnext: 2\n",
            "folded: >-\n  one\n  two\n\n  three\n    indented\n  four\nliteral: |\n  line 1\n    line 2\n\n  line 3\nkeep: |+\n  kept\n\n\nclip: >\n  clipped\nlast: 1\n",
            "# leading comment\n\nroot:\n  # comment line\n  child: value with # hash and url http://x/y#z\n",
            "desc: \"unicode é 😀\"\nplain: naïve café\n",
            "a:\n  b:\n    c:\n      - d: |\n          block in item\n        e: f\n",
            "- top\n- level\n- sequence\n",
            "scalar at the root\n",
            "a: -1\nb: -x\nc: x-y\nd: 'quoted' # comment\ne: 0x1F\nf: .inf\n",
            "folded: >\n  a\n\n\n  b\nstrip: |-\n  s\n\n",
            "same:\n- |\n  block first\n- x\nnext:\n- k: v\n  l: w\n- y\n",
            "a:\n  b: |\n    text\n  c: 1\nd: >-\n  x\n\n\ne: 2\n",
            "---\nafter: marker\nseq:\n# comment first\n- x\n",
        ];
        for (i, text) in cases.iter().enumerate() {
            assert!(
                compare(&format!("case {i}"), text),
                "case {i} fell back:\n{text}"
            );
        }
    }

    /// A block scalar that runs to the end of a file with no final line break has no line
    /// break to keep there: both parsers read it as YAML 1.2 (and libyaml) does, whatever the
    /// chomping.
    #[test]
    fn reads_block_scalars_that_end_the_file_as_the_general_parser_does() {
        for (text, value) in [
            ("x: |\n  a\n   b", "a\n b"),
            ("x: |\n  a", "a"),
            ("x: >\n  a\n  b", "a b"),
            ("x: |-\n  a", "a"),
            ("x: |+\n  a", "a"),
            ("x: >+\n  a\n  b", "a b"),
            ("x: |+\n  a  ", "a  "),
            ("x: |\n  a\n  ", "a\n"),
            ("x: >\n  a\n\n  b\n\n  ", "a\nb\n"),
            ("x: | # c+\n  a\n\n  ", "a\n"),
            ("x: |2-\n   a\n\n  ", " a"),
            // Keep chomping: a last line of spaces without a line break is no empty line,
            // and spaces beyond the indentation there are content (libyaml agrees).
            ("x: |+\n  a\n  ", "a\n"),
            ("x: |+\n  a\n\n  ", "a\n\n"),
            ("x: |+\n  a\n\n\n ", "a\n\n\n"),
            ("x: |+\n  a\n \n ", "a\n\n"),
            ("x: >+\n  a\n\n  ", "a\n\n"),
            ("x: |+\n  a\n    ", "a\n  "),
            ("x: |+\n  a\n   \n  ", "a\n \n"),
            ("x: >+\n  a\n\n   ", "a\n\n "),
            ("x: |+\n  a\r\n\r\n  ", "a\n\n"),
            ("x: |+\n\n  ", "\n"),
            ("x: |+\n  a\n\n# c", "a\n\n"),
            // Text that starts like a header is text.
            ("x: |\n  |+ x", "|+ x"),
            ("x: >\n\n  >-", "\n>-"),
            ("x: |+\n  >-\n  ", ">-\n"),
        ] {
            // Where the fast path reads it, the two agree.
            compare(text, text);
            let source = SourceFile::new("end", None, text.to_owned());
            let general = super::super::yaml::parse(&source, &Limits::default()).unwrap();
            assert_eq!(
                general.get("x").and_then(Node::as_str),
                Some(value),
                "{text:?}"
            );
        }
    }

    /// Texts on which the fuzz target `yaml_parsers_agree` (see `fuzz/`) found the two parsers
    /// apart, cut down: the fast path reads each as the general parser does, or gives it up.
    #[test]
    fn agrees_where_fuzzing_found_the_parsers_apart() {
        // A document marker where a key would be: the general parser reads (or rejects) it.
        for text in [
            "a:\n  - b: 1\n...    c: 2\n",
            "a: 1\n... b: 2\n",
            "a: 1\n--- b: 2\n",
            "a: 1\n---\n",
            ">\nin: q\n---\n  b: 1\n",
            "|\nx\n",
        ] {
            assert!(!compare(text, text), "the fast path gives {text:?} up");
        }
        // A key longer than YAML allows an implicit key to be.
        let long = format!("k{}: 1\n", "d".repeat(1100));
        assert!(!compare(&long, &long), "the fast path gives a long key up");
        let long = format!("k{}: 1\n", "d".repeat(900));
        assert!(
            compare(&long, &long),
            "the fast path reads a key of 901 bytes"
        );
        for text in [
            // Block scalar text that starts like a tag.
            "d: |\n  ! pet\n  in two lines\n",
            // Not document markers: more than three, or no separation after them.
            "a: 1\n....: 2\n",
            "a: 1\n---x: 2\n",
            // An indentless sequence whose first item starts on the next line.
            ":\n-\n b\n",
            "a:\n-\n  b: 1\n",
            "a:\n- # c\n  b\n",
            "a:\n-   # c\n\n  - b\n",
            // An indentless sequence whose first item is a flow collection.
            "a:\n- []\n",
            // A Unicode space is text, not white space, at the end of a scalar or a key.
            "hhh^\u{205f}",
            "a: b\u{205f}\n",
            "a\u{205f}: b\n",
            // Block scalar text that starts like a header, ending the file.
            "a:\n-\n >\n\n   >- $re",
            "a: |\n  |+ x",
            "a: >\n\n  >-",
        ] {
            assert!(compare(text, text), "the fast path reads {text:?}");
        }
    }

    /// A big document's second half is read ahead on another thread; the tree is the same,
    /// and a duplicate key across the halves still goes to the general parser.
    #[test]
    fn reads_big_documents_ahead_as_the_general_parser_does() {
        let mut text = String::from("---\nopenapi: 3.0.3\ncomponents:\n  schemas:\n");
        let mut i = 0;
        while text.len() < READ_AHEAD_FROM * 5 / 2 {
            text.push_str(&format!(
                "    s{i}:\n      description: >-\n        folded {i}\n        text\n\n      enum:\n      - a{i}\n      - b: {i}\n      plain: x\n        y\n",
            ));
            i += 1;
        }
        text.push_str("paths: {}\n");
        let parser = Parser::new(&text, &Limits::default());
        let mid = parser
            .read_ahead_point()
            .expect("a key line near the middle");
        assert!(mid.indent > 0 && mid.pos > text.len() / 2);
        assert!(compare("big", &text), "the big document fell back");
        let twice = text.replacen("paths: {}\n", "    s0: again\npaths: {}\n", 1);
        assert!(parse(&twice, &Limits::default()).is_none());
        assert!(
            TAKEN_OVER.load(Ordering::Relaxed) > 0,
            "nothing was read ahead"
        );
        // Nesting past the limit only in the part read ahead is still caught.
        let mut deep = String::from("root:\n  schemas:\n");
        let mut i = 0;
        while deep.len() < READ_AHEAD_FROM * 5 / 2 {
            let nested = if deep.len() > READ_AHEAD_FROM * 3 / 2 {
                "      deep:\n        more: 1\n"
            } else {
                "      flat: 1\n"
            };
            deep.push_str(&format!("    s{i}:\n{nested}"));
            i += 1;
        }
        let at = |max_depth| Limits {
            max_depth,
            ..Limits::default()
        };
        assert!(parse(&deep, &at(6)).is_some());
        assert!(parse(&deep, &at(5)).is_none());
    }

    #[test]
    fn leaves_the_rest_to_the_general_parser() {
        let cases = [
            "a: &x 1\nb: *x\n",
            // Aliases, wherever they stand (the general parser spans them).
            "a: *x\n",
            "a:\n  - 1\n  - *x\n",
            "- *x\n",
            "a:\n  b: *x\n",
            "*x : 1\n",
            "<<:\n  a: 1\nb: 2\n",
            "a:\n  '<<': 1\n",
            "a: !!str 1\n",
            "a: [1, 2]\n",
            "a: {b: 1}\n",
            "a: 'multi\n  line'\n",
            "a:\n\tb: 1\n",
            "a: 1\r\nb: 2\r\n",
            "a: 1\na: 2\n",
            "a:\nb: 1\n",
            "--- a: 1\n",
            "a: 1\n...\n",
            "a: 1\n---\nb: 2\n",
            "? complex\n: key\n",
            "a: b: c\n",
            "a: 1\n  b: 2\n",
            "a: |2\n    indented\n",
            "- a\n-\n",
            // Characters YAML does not allow, for the general parser to refuse.
            "a: b\u{0}c\n",
            "a: b\u{1b}c\n",
            "a: b\u{7f}c\n",
            "a: b\u{80}c\n",
            "a: b\u{9f}c\n",
            "a: b\u{fffe}c\n",
            "a: b\u{ffff}c\n",
            "a: b\u{feff}c\n",
            "a:\n  v\u{feff}ersion: 1\n",
        ];
        for text in cases {
            assert!(parse(text, &Limits::default()).is_none(), "read:\n{text}");
        }
        // Wherever they stand against the 64-byte chunks the scan reads.
        for at in 58..70 {
            for bad in ["\u{0}", "\u{80}", "\u{ffff}", "\u{feff}"] {
                let text = format!("a: {}{bad}c\n", "b".repeat(at));
                assert!(parse(&text, &Limits::default()).is_none(), "{at} {bad:?}");
            }
            let text = format!("a: {}\u{85}\u{a9}c\n", "b".repeat(at));
            assert!(parse(&text, &Limits::default()).is_some(), "{at}");
        }
        // Printable characters next to those are read here.
        for text in [
            "a: b\u{85}c\n",
            "a: \u{a9} \u{a0}\u{fffd}\n",
            "a: \u{4e2d}\n",
        ] {
            assert!(
                parse(text, &Limits::default()).is_some(),
                "gave up on:\n{text}"
            );
        }
        let loaded = crate::source::load_bytes(
            "nul.yaml".into(),
            None,
            b"openapi: 3.0.3\nx-a: ab\0cd\n".to_vec(),
            &mut crate::source::Sources::new(),
            &Limits::default(),
        );
        assert!(
            matches!(&loaded, Err(crate::source::LoadError::Invalid(d)) if d.code == "syntax"),
            "{loaded:?}"
        );
    }
}
