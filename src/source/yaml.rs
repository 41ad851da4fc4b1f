//! YAML 1.2 to the spanned tree, on top of `saphyr-parser`'s event stream.
//!
//! Building the tree here (rather than through a YAML value library) is what lets the loader
//! keep a span on every key, reject duplicate keys with both locations, bound nesting, and
//! refuse alias bombs before expanding them.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use super::files::SourceFile;
use super::tree::{Entry, Key, Map, Node, Number, Span, Str, Value};
use super::{DuplicateKeys, Limits, ParseError, out_of_range};

/// saphyr-parser's own bound on flow-collection nesting.
const PARSER_DEPTH_LIMIT: usize = 256;

enum Frame {
    Seq {
        start: usize,
        flow: bool,
        anchor: Anchored,
        items: Vec<Node>,
        count: usize,
    },
    Map {
        start: usize,
        flow: bool,
        anchor: Anchored,
        /// The entries written in this mapping, without the merge key.
        entries: Vec<Entry>,
        pending_key: Option<Key>,
        /// Whether `pending_key` is the merge key `<<`.
        pending_merge: bool,
        /// The merge key, once read: a second one is a duplicate key.
        merge_key: Option<Span>,
        /// The entries the merge key brings in, in precedence order, with the position in
        /// `entries` where it was written.
        merged: Option<(usize, Vec<Entry>)>,
        /// The end of the last entry written (the merge key's included).
        written_end: Option<usize>,
        dups: DuplicateKeys,
        count: usize,
    },
}

/// A node's anchor: the parser's id for it (0 for none) and where the node's properties
/// (anchor and tag) start.
#[derive(Clone, Copy)]
struct Anchored {
    id: usize,
    at: usize,
}

/// A completed anchored node, kept for the aliases to it.
struct Anchor {
    node: Node,
    /// The nodes it holds (itself included), what an alias to it adds to the document.
    count: usize,
    /// How many levels of collections it nests (0 for a scalar), once an alias asked.
    height: Option<usize>,
}

struct Builder<'s> {
    source: &'s SourceFile,
    ascii: bool,
    stack: Vec<Frame>,
    /// Completed anchored nodes; none are kept when the text has no alias (no `*`).
    anchors: HashMap<usize, Anchor>,
    keep_anchors: bool,
    /// Nodes the aliases so far added to the document, bounded by `alias_limit` (so a
    /// "billion laughs" document is refused before it is expanded).
    alias_nodes: usize,
    /// Nodes of the copies kept in `anchors`, bounded by `alias_limit` too: anchors nested
    /// in anchored nodes each keep a copy of what they hold.
    anchor_nodes: usize,
    alias_limit: usize,
    /// [`Limits::alias_node_allowance`], for the message when `alias_limit` is passed.
    alias_allowance: usize,
    max_depth: usize,
    root: Option<Node>,
    documents: usize,
}

/// saphyr-parser's message for a tab after a `:` value indicator before a plain scalar.
const TAB_AFTER_COLON: &str = "':' must be followed by a valid YAML whitespace";

/// Parses a single-document YAML stream.
pub(crate) fn parse(source: &SourceFile, limits: &Limits) -> Result<Node, ParseError> {
    let text = source.text.as_str();
    if let Some(at) = super::yaml_fast::first_unprintable(text.as_bytes()) {
        return Err(unprintable(text, at));
    }
    let mut outcome = Outcome::default();
    let first = parse_events(source, text, limits, &[], &mut outcome);
    if first.is_ok() || !outcome.tab_after_colon {
        return first;
    }
    // YAML 1.2 separates a value from its `:` by spaces or tabs (`s-separate-in-line`), but
    // saphyr-parser refuses a tab there before a plain scalar starting with a letter or `-`.
    // Such a tab is never content, so the text is scanned again with the tabs after every
    // `:` read as spaces: the same length, so every position stays. A tab that turns out to be
    // inside a quoted or block scalar (the only places a space would change a value) is put
    // back and the text scanned once more; the scalars are the same, so no others change.
    let mut patched = tabs_after_colons(text.as_bytes());
    for _ in 0..2 {
        let mut outcome = Outcome::default();
        let scan = tabs_as_spaces(text, &patched);
        let result = parse_events(source, &scan, limits, &patched, &mut outcome);
        if outcome.inside_scalars.is_empty() {
            return result;
        }
        patched.retain(|p| outcome.inside_scalars.binary_search(p).is_err());
    }
    first
}

/// What one scan of a YAML text met, beyond its result.
#[derive(Default)]
struct Outcome {
    /// It stopped at a tab after a `:` (see [`TAB_AFTER_COLON`]).
    tab_after_colon: bool,
    /// The read-as-space tabs that are inside a scalar, in order.
    inside_scalars: Vec<usize>,
}

/// The tabs in the blanks after each `:` that are followed, on the same line, by something
/// other than blanks, in order.
fn tabs_after_colons(text: &[u8]) -> Vec<usize> {
    let mut tabs = Vec::new();
    for colon in memchr::memchr_iter(b':', text) {
        let blanks = text[colon + 1..]
            .iter()
            .take_while(|&&c| c == b' ' || c == b'\t')
            .count();
        let after = colon + 1 + blanks;
        if after < text.len() && !matches!(text[after], b'\n' | b'\r') {
            tabs.extend((colon + 1..after).filter(|&i| text[i] == b'\t'));
        }
    }
    tabs
}

/// `text` with the tabs at `positions` replaced by spaces.
fn tabs_as_spaces(text: &str, positions: &[usize]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for &p in positions {
        bytes[p] = b' ';
    }
    // A tab and a space are both one ASCII byte: the text stays UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_owned())
}

/// One scan of `scan` (the source's text, or it with the tabs at `patched` read as spaces)
/// into the tree, with spans into the source's own text.
fn parse_events(
    source: &SourceFile,
    scan: &str,
    limits: &Limits,
    patched: &[usize],
    outcome: &mut Outcome,
) -> Result<Node, ParseError> {
    let text = source.text.as_str();
    let mut b = Builder {
        source,
        ascii: text.is_ascii(),
        stack: Vec::new(),
        anchors: HashMap::new(),
        // An alias starts with `*`: without one, no anchored node is ever asked for.
        keep_anchors: memchr::memchr(b'*', text.as_bytes()).is_some(),
        alias_nodes: 0,
        anchor_nodes: 0,
        alias_limit: limits.alias_node_allowance.saturating_add(text.len()),
        alias_allowance: limits.alias_node_allowance,
        max_depth: limits.max_depth,
        root: None,
        documents: 0,
    };
    let mut parser = Parser::new_from_str(scan);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| {
            outcome.tab_after_colon = e.info() == TAB_AFTER_COLON;
            b.scan_error(&e)
        })?;
        let start = b.offset(span.start);
        let end = b.offset(span.end);
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                b.documents += 1;
                if b.documents > 1 {
                    return Err(ParseError::Syntax {
                        message: "more than one YAML document in the file".into(),
                        span: Span::new(start, end.max(start + 1).min(text.len())),
                        help: "an OpenAPI document is a single YAML document; remove the `---` separator or split the file".into(),
                    });
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let anchor = Anchored {
                    id: anchor,
                    at: start,
                };
                // A block scalar without properties starts at its text, which may itself
                // start with `!` or `&`; with them, it starts at them, and then at its header
                // once they are skipped.
                let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                let properties = anchor.id != 0 || tag.is_some();
                let start = if block && !properties {
                    start
                } else {
                    skip_properties(text, start, end)
                };
                let span = Span::new(start, scalar_end(text, style, start, end));
                let first_patched = patched.partition_point(|&p| p < start);
                outcome.inside_scalars.extend(
                    patched[first_patched..]
                        .iter()
                        .take_while(|&&p| p < span.end as usize),
                );
                let mut value = value;
                // Without properties, the scanner starts a block scalar at its first content
                // line, or at its header when it has none.
                let at_header = properties || !value.contains(|c| c != '\n');
                if block
                    && let Some(len) =
                        clipped_at_end_of_file(text, (start, at_header), span, &value)
                {
                    value.to_mut().truncate(len);
                }
                // Only a plain `<<` is the merge key (YAML 1.1's `!!merge`, which js-yaml and
                // so Spectral and Redocly apply too); a quoted '<<' is an ordinary key.
                let merge = style == ScalarStyle::Plain
                    && value == "<<"
                    && matches!(
                        tag.as_deref(),
                        None | Some("tag:yaml.org,2002:merge" | "!!merge")
                    );
                let resolved =
                    resolve_scalar(&value, style, tag.as_deref()).map_err(|message| {
                        ParseError::Syntax {
                            message,
                            span,
                            help: "remove the tag or write a value of the tagged type".into(),
                        }
                    })?;
                // A key keeps its text: only a value is a number.
                if tag.is_none() && !b.expects_key() && beyond_float_range(&value, &resolved) {
                    return Err(out_of_range(&value, span));
                }
                let value = resolved;
                b.complete(Node::new(span, value), 1, anchor, merge)?;
            }
            Event::Alias(id) => {
                let span = sigil_span(text, start, end);
                let depth = b.stack.len();
                let Some(anchor) = b.anchors.get_mut(&id) else {
                    return Err(ParseError::Syntax {
                        message: "alias refers to an anchor that is not complete here (a recursive alias)".into(),
                        span,
                        help: "an alias may only refer to a node that is fully defined before it".into(),
                    });
                };
                let count = anchor.count;
                b.alias_nodes = b.alias_nodes.saturating_add(count);
                if b.alias_nodes > b.alias_limit {
                    return Err(ParseError::AliasBomb {
                        span,
                        limit: b.alias_limit,
                        allowance: b.alias_allowance,
                    });
                }
                // A copy nests as deep as its anchored node, from where the alias stands. A
                // node nests no more levels than it holds nodes, so only an anchored node of
                // more nodes than levels are left is measured (once).
                if depth.saturating_add(count) > b.max_depth {
                    let height = *anchor.height.get_or_insert_with(|| height(&anchor.node));
                    if depth + height > b.max_depth {
                        return Err(ParseError::AliasTooDeep {
                            span,
                            max_depth: b.max_depth,
                        });
                    }
                }
                // The copy keeps the spans of what it copies, but is itself where the alias
                // is written: its parent's span ends there when it is the last item.
                let mut node = anchor.node.clone();
                node.span = span;
                b.complete(node, count, Anchored { id: 0, at: 0 }, false)?;
            }
            Event::SequenceStart(anchor, _) => {
                let anchor = Anchored {
                    id: anchor,
                    at: start,
                };
                let start = skip_properties(text, start, text.len());
                b.push(
                    Frame::Seq {
                        start,
                        flow: flow_start(text, start, end, b'['),
                        anchor,
                        items: Vec::new(),
                        count: 1,
                    },
                    start,
                )?;
            }
            Event::MappingStart(anchor, _) => {
                let anchor = Anchored {
                    id: anchor,
                    at: start,
                };
                let start = skip_properties(text, start, text.len());
                b.push(
                    Frame::Map {
                        start,
                        flow: flow_start(text, start, end, b'{'),
                        anchor,
                        entries: Vec::new(),
                        pending_key: None,
                        pending_merge: false,
                        merge_key: None,
                        merged: None,
                        written_end: None,
                        dups: DuplicateKeys::default(),
                        count: 1,
                    },
                    start,
                )?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                // A flow collection ends at its closing bracket; the event's own end may run on
                // over trailing blanks and comments.
                let end = (start + 1).min(text.len());
                let frame = b.stack.pop().ok_or_else(|| ParseError::Syntax {
                    message: "unbalanced collection end".into(),
                    span: Span::new(start, end),
                    help: "check the indentation and brackets".into(),
                })?;
                let (node, count, anchor) = match frame {
                    Frame::Seq {
                        start: s,
                        flow,
                        anchor,
                        items,
                        count,
                    } => {
                        let last = items.last().map(|n| n.span.end as usize);
                        let stop = collection_end(s, flow, last, end);
                        (
                            Node::new(Span::new(s, stop), Value::Seq(items)),
                            count,
                            anchor,
                        )
                    }
                    Frame::Map {
                        start: s,
                        flow,
                        anchor,
                        entries,
                        merged,
                        written_end,
                        count,
                        ..
                    } => {
                        let stop = collection_end(s, flow, written_end, end);
                        let entries = match merged {
                            Some((at, merged)) => merge_entries(entries, at, merged),
                            None => entries,
                        };
                        (
                            Node::new(Span::new(s, stop), Value::Map(Map { entries })),
                            count,
                            anchor,
                        )
                    }
                };
                b.complete(node, count, anchor, false)?;
            }
        }
    }
    Ok(b.root.unwrap_or(Node::new(Span::default(), Value::Null)))
}

/// An anchor (`&name`) or alias (`*name`) whose sigil is at `start`; `fallback` ends it when
/// `start` is no sigil.
fn sigil_span(text: &str, start: usize, fallback: usize) -> Span {
    let bytes = text.as_bytes();
    if !matches!(bytes.get(start), Some(b'&' | b'*')) {
        return Span::new(start, fallback.max(start));
    }
    let name = bytes[start + 1..]
        .iter()
        .position(|b| {
            matches!(
                b,
                b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
            )
        })
        .map_or(bytes.len(), |n| start + 1 + n);
    Span::new(start, name)
}

/// Whether the `:` at `colon` follows a key of more than 1024 characters on its line (after
/// the indentation and any `- ` of sequence items), which YAML does not read as a key.
fn long_key_before(text: &str, colon: usize) -> bool {
    let Some(before) = text.get(..colon) else {
        return false;
    };
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let mut key = line.trim_start_matches(' ');
    while let Some(rest) = key.strip_prefix('-').filter(|r| r.starts_with(' ')) {
        key = rest.trim_start_matches(' ');
    }
    key.chars().count() > 1024
}

/// Whether a collection whose start event spans `start..end` (its properties skipped) is a
/// flow collection, opened by `bracket`. A block collection's event is empty, and an
/// indentless sequence's starts at its first item, which may itself be `[` or `{`.
fn flow_start(text: &str, start: usize, end: usize, bracket: u8) -> bool {
    end > start && text.as_bytes().get(start) == Some(&bracket)
}

/// How many levels of collections `node` nests (0 for a scalar).
fn height(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(height).max().unwrap_or(0),
        Value::Map(map) => {
            1 + map
                .entries
                .iter()
                .map(|e| height(&e.value))
                .max()
                .unwrap_or(0)
        }
        _ => 0,
    }
}

/// Skips a node's anchor (`&a`) and tag (`!t`), which the parser includes in the node's span.
fn skip_properties(text: &str, mut pos: usize, limit: usize) -> usize {
    let bytes = text.as_bytes();
    while pos < limit && matches!(bytes.get(pos), Some(b'&' | b'!')) {
        while pos < limit && !matches!(bytes.get(pos), Some(b' ' | b'\t' | b'\n' | b'\r') | None) {
            pos += 1;
        }
        while pos < limit && matches!(bytes.get(pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            pos += 1;
        }
    }
    pos
}

/// The length the value of a block scalar (starting at `start`, which is its header when
/// `at_header` and its first content character otherwise, its content ending at `span.end`)
/// should have when the parser read it wrongly: when it runs to the end of a file
/// with no final line break. With clip chomping (no `+` or `-` in the header) the value ends in
/// the line break of its last content line, and in none when that line ends the file (YAML 1.2
/// §8.1.1.2); the parser adds one for the file's last line either way, which keep chomping
/// (`+`) does not keep either.
fn clipped_at_end_of_file(
    text: &str,
    (start, at_header): (usize, bool),
    span: Span,
    value: &str,
) -> Option<usize> {
    let after = &text[(span.end as usize).min(text.len())..];
    if text.ends_with(['\n', '\r']) || !after.trim_matches([' ', '\t', '\n', '\r']).is_empty() {
        return None;
    }
    // Content may itself start with `|` or `>`: only `at_header` tells the two apart.
    let (before, from) = (text.get(..start)?, text.get(start..)?);
    // The header's line, and where the lines after it start.
    let (line, content_from) = if at_header {
        let line = from.lines().next().unwrap_or_default();
        (line, start + line.len())
    } else {
        let before = before.trim_end();
        (before.lines().next_back().unwrap_or_default(), before.len())
    };
    let line = line.split(" #").next().unwrap_or_default();
    let header = line.rfind(['|', '>']).map_or("", |i| &line[i..]);
    let last_line_ends_file = !after.contains('\n');
    let len = if header.contains('-') {
        return None;
    } else if header.contains('+') {
        // Keep: all but the line break the file's last line does not have. The parser adds
        // one where that line is content, or only spaces but as many as the content's
        // indentation; a line of fewer spaces it leaves out, as it should. An indentation
        // given in the header is not worked out here: its value stays as read.
        let last = text.rsplit(['\n', '\r']).next().unwrap_or_default();
        let spaces = last.len() - last.trim_start_matches(' ').len();
        let spurious = if !last.trim_matches([' ', '\t']).is_empty() {
            last_line_ends_file
        } else if header.contains(|c: char| c.is_ascii_digit()) {
            false
        } else {
            // The indentation of the first line with content after the header.
            let indent = text.get(content_from..)?.lines().skip(1).find_map(|l| {
                let rest = l.trim_start_matches(' ');
                (!rest.is_empty()).then(|| l.len() - rest.len())
            });
            indent.is_some_and(|n| spaces >= n)
        };
        value.len() - usize::from(spurious && value.ends_with('\n'))
    } else {
        let content = value.trim_end_matches('\n').len();
        content + usize::from(!last_line_ends_file && content < value.len())
    };
    Some(len).filter(|&len| len < value.len())
}

/// The end of a scalar as written. The parser's end marker can run past a closing quote over
/// trailing blanks and a comment, so quoted scalars are re-scanned to their closing quote.
///
/// A block scalar's marker runs over the empty lines after it and the indentation of the line
/// that ends it (the next key): its span ends at its last content character instead, so a
/// diagnostic underlines the text and not the next key. That holds for keep chomping (`|+`)
/// too, whose value also holds the empty lines after it: an underline over blank lines shows
/// nothing. Spaces at the ends of lines, though content, are not underlined either.
fn scalar_end(text: &str, style: ScalarStyle, start: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    match style {
        ScalarStyle::SingleQuoted => {
            let mut i = start + 1;
            while i < bytes.len() {
                if bytes[i] == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i += 1;
            }
            end
        }
        ScalarStyle::DoubleQuoted => {
            let mut i = start + 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => return i + 1,
                    _ => i += 1,
                }
            }
            end
        }
        // YAML's white space is spaces and tabs, not every Unicode space (`\u{205f}` is text).
        ScalarStyle::Plain => {
            start
                + text[start..end.max(start)]
                    .trim_end_matches([' ', '\t', '\r', '\n'])
                    .len()
        }
        ScalarStyle::Literal | ScalarStyle::Folded => {
            // Every line in the marker's range that is not blank is content: the first less
            // indented one (a key, a comment) ends the scalar and is outside the range.
            start
                + text[start..end.max(start)]
                    .trim_end_matches([' ', '\t', '\r', '\n'])
                    .len()
        }
    }
}

fn collection_end(
    start: usize,
    flow: bool,
    last_child_end: Option<usize>,
    end_event_end: usize,
) -> usize {
    if flow {
        end_event_end.max(start)
    } else {
        last_child_end.unwrap_or(end_event_end).max(start)
    }
}

/// The name of the alias at the start of `rest` (`*name`), as YAML ends one: at white space
/// or a flow indicator.
/// What to do about a character YAML does not allow in a stream.
const UNPRINTABLE_HELP: &str = "YAML allows no control characters other than tab, line feed and carriage return in a document: remove it, or write it as an escape in a double-quoted string (`\\x1b`)";

/// The error for the character at `at`, which YAML 1.2 does not allow anywhere in a stream
/// (§5.1): the parser accepts some of them inside scalars, the gateway's parser does not.
fn unprintable(text: &str, at: usize) -> ParseError {
    let c = text
        .get(at..)
        .and_then(|rest| rest.chars().next())
        .unwrap_or_default();
    ParseError::Syntax {
        message: format!(
            "YAML syntax error: character U+{:04X} is not allowed in a YAML document",
            u32::from(c)
        ),
        span: Span::new(at, at + c.len_utf8()),
        help: UNPRINTABLE_HELP.to_owned(),
    }
}

fn alias_name(rest: &str) -> &str {
    let Some(name) = rest.strip_prefix('*') else {
        return "";
    };
    let end = name
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
        .unwrap_or(name.len());
    &name[..end]
}

impl Builder<'_> {
    fn offset(&self, marker: saphyr_parser::Marker) -> usize {
        if self.ascii {
            marker.index().min(self.source.text.len())
        } else {
            self.source
                .offset_of(marker.line().saturating_sub(1), marker.col())
        }
    }

    fn scan_error(&self, e: &ScanError) -> ParseError {
        let at = self.offset(*e.marker());
        let text = &self.source.text;
        let end = text[at.min(text.len())..]
            .chars()
            .next()
            .map_or(at, |c| at + c.len_utf8());
        if e.info().contains("recursion limit") {
            return ParseError::TooDeep {
                span: Span::new(at, end),
                max_depth: self.max_depth.min(PARSER_DEPTH_LIMIT),
            };
        }
        let mut message = format!("YAML syntax error: {}", e.info());
        let mut span = Span::new(at, end);
        let help = if e.info().contains("mapping values are not allowed")
            && long_key_before(text, at)
        {
            "a key of more than 1024 characters is not read as a key (YAML 1.2 §7.4.2): shorten it, or write it as an explicit key, `? ` and the key on one line, then `: ` and the value".to_owned()
        } else if e.info().contains("unknown anchor") {
            // The parser does not say which: the alias at the marker names it.
            let name = alias_name(&text[at.min(text.len())..]);
            if !name.is_empty() {
                message =
                    format!("YAML syntax error: alias `*{name}` names no anchor defined before it");
                span = Span::new(at, at + 1 + name.len());
            }
            format!("define the anchor (`&{name}`) on a node before this alias, or fix the name")
        } else if e.info().contains("unprintable") || e.info().contains("control character") {
            UNPRINTABLE_HELP.to_owned()
        } else {
            "check indentation, quoting and `key: value` spacing around here".to_owned()
        };
        ParseError::Syntax {
            message,
            span,
            help,
        }
    }

    /// Whether the next node completed is a mapping key.
    fn expects_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::Map {
                pending_key: None,
                ..
            })
        )
    }

    fn push(&mut self, frame: Frame, at: usize) -> Result<(), ParseError> {
        if self.stack.len() >= self.max_depth {
            return Err(ParseError::TooDeep {
                span: Span::new(at, at + 1),
                max_depth: self.max_depth,
            });
        }
        self.stack.push(frame);
        Ok(())
    }

    /// Places a finished node of `count` nodes into its parent (or as the root). `merge`
    /// whether it is a plain `<<`, the merge key when it stands as a mapping key.
    fn complete(
        &mut self,
        node: Node,
        count: usize,
        anchor: Anchored,
        merge: bool,
    ) -> Result<(), ParseError> {
        let written = node.span;
        if anchor.id > 0 && self.keep_anchors {
            self.anchor_nodes = self.anchor_nodes.saturating_add(count);
            if self.anchor_nodes > self.alias_limit {
                let text = self.source.text.as_str();
                let at = text[anchor.at..written.start as usize]
                    .find('&')
                    .map_or(written.start as usize, |i| anchor.at + i);
                return Err(ParseError::AnchorCopies {
                    span: sigil_span(text, at, written.end as usize),
                    limit: self.alias_limit,
                    allowance: self.alias_allowance,
                });
            }
            let kept = Anchor {
                node: node.clone(),
                count,
                height: None,
            };
            self.anchors.insert(anchor.id, kept);
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
            }
            Some(Frame::Seq {
                items, count: c, ..
            }) => {
                *c += count;
                items.push(node);
            }
            Some(Frame::Map {
                entries,
                pending_key,
                pending_merge,
                merge_key,
                merged,
                written_end,
                dups,
                count: c,
                ..
            }) => {
                // Merged entries count like the alias that brought them: `count` is the
                // whole merged value's, so the alias budget covers them.
                *c += count;
                match pending_key.take() {
                    None => {
                        let Some(name) = key_name(&node, &self.source.text) else {
                            return Err(ParseError::Syntax {
                                message: "mapping key is a collection".into(),
                                span: node.span,
                                help: "OpenAPI documents only use string keys".into(),
                            });
                        };
                        let key = Key {
                            span: node.span,
                            name,
                        };
                        if merge {
                            if let Some(first) = *merge_key {
                                return Err(ParseError::DuplicateKey {
                                    key: "<<".into(),
                                    first,
                                    second: key.span,
                                });
                            }
                            *merge_key = Some(key.span);
                        } else {
                            // Explicit keys only: one that overrides a merged key is no
                            // duplicate.
                            dups.check(entries, &key)?;
                        }
                        *pending_merge = merge;
                        *pending_key = Some(key);
                    }
                    Some(key) => {
                        let end = written.end.max(key.span.end) as usize;
                        *written_end = Some(written_end.map_or(end, |e| e.max(end)));
                        if std::mem::take(pending_merge) {
                            *merged = Some((entries.len(), merge_sources(&key, node)?));
                        } else {
                            entries.push(Entry { key, value: node });
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// The entries a merge key's value brings in, in precedence order: a mapping's entries, or
/// those of each mapping of a sequence, earlier mappings first (YAML 1.1 merge,
/// <https://yaml.org/type/merge.html>). Each keeps the span it was written at (the anchored
/// mapping's, for an alias), which is where a diagnostic about it belongs.
fn merge_sources(key: &Key, value: Node) -> Result<Vec<Entry>, ParseError> {
    let not_mapping = |found: String| {
        ParseError::Syntax {
        message: format!(
            "the merge key `<<` needs a mapping or a sequence of mappings, found {found}"
        ),
        span: key.span,
        help: "write `<<: *anchor` or `<<: [*first, *second]` with anchors on mappings, or quote the key ('<<') to use it as an ordinary key".into(),
    }
    };
    match value.value {
        Value::Map(map) => Ok(map.entries),
        Value::Seq(items) => {
            let mut entries = Vec::new();
            for (i, item) in items.into_iter().enumerate() {
                match item.value {
                    Value::Map(map) => entries.extend(map.entries),
                    other => {
                        return Err(not_mapping(format!(
                            "{} as item {} of the sequence",
                            a_kind(&other),
                            i + 1
                        )));
                    }
                }
            }
            Ok(entries)
        }
        other => Err(not_mapping(a_kind(&other))),
    }
}

/// "a string", "null": a value's kind for a message.
fn a_kind(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        other => format!("a {}", other.kind()),
    }
}

/// A mapping's entries with the merged ones placed where the merge key was written: those
/// whose key the mapping writes itself, or an earlier merged mapping brought, are dropped.
fn merge_entries(entries: Vec<Entry>, at: usize, merged: Vec<Entry>) -> Vec<Entry> {
    let mut seen: std::collections::HashSet<Str> =
        entries.iter().map(|e| e.key.name.clone()).collect();
    let merged: Vec<Entry> = merged
        .into_iter()
        .filter(|e| seen.insert(e.key.name.clone()))
        .collect();
    let mut out = Vec::with_capacity(entries.len() + merged.len());
    let mut entries = entries.into_iter();
    out.extend(entries.by_ref().take(at));
    out.extend(merged);
    out.extend(entries);
    out
}

/// The name of a mapping key read as `node` (the key `200` is named as written); `None` for a
/// collection.
pub(super) fn key_name(node: &Node, text: &str) -> Option<Str> {
    Some(match &node.value {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string().into(),
        Value::Number(_) => text[node.span.range()].trim().into(),
        Value::Seq(_) | Value::Map(_) => return None,
    })
}

/// A plain (unquoted, untagged) scalar under the YAML 1.2 core schema.
pub(super) fn resolve_plain(text: &str) -> Value {
    resolve_scalar(text, ScalarStyle::Plain, None).unwrap_or_else(|_| Value::String(text.into()))
}

/// Applies the YAML 1.2 core schema to a scalar.
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Result<Value, String> {
    match tag {
        Some("tag:yaml.org,2002:str" | "!!str") => return Ok(Value::String(text.into())),
        Some("tag:yaml.org,2002:null" | "!!null") => return Ok(Value::Null),
        Some("tag:yaml.org,2002:bool" | "!!bool") => {
            return core_bool(text)
                .map(Value::Bool)
                .ok_or_else(|| format!("`{text}` is not a boolean"));
        }
        Some("tag:yaml.org,2002:int" | "!!int") => {
            return match core_number(text) {
                Some(Number::Int(i)) => Ok(Value::Number(Number::Int(i))),
                _ => Err(format!("`{text}` is not an integer")),
            };
        }
        Some("tag:yaml.org,2002:float" | "!!float") => {
            return core_number(text)
                .map(|n| Value::Number(Number::Float(n.as_f64())))
                .ok_or_else(|| format!("`{text}` is not a number"));
        }
        // The non-specific tag `!` forces a string; unknown tags keep the plain resolution.
        Some("!") => return Ok(Value::String(text.into())),
        _ => {}
    }
    if style != ScalarStyle::Plain {
        return Ok(Value::String(text.into()));
    }
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return Ok(Value::Null);
    }
    if let Some(b) = core_bool(text) {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = core_number(text) {
        return Ok(Value::Number(n));
    }
    Ok(Value::String(text.into()))
}

/// Whether the scalar `text`, resolved to `value`, is a number written in digits too large
/// for a 64-bit float (not `.inf`, which means infinity).
pub(super) fn beyond_float_range(text: &str, value: &Value) -> bool {
    matches!(value, Value::Number(Number::Float(f)) if !f.is_finite())
        && text.bytes().any(|b| b.is_ascii_digit())
}

fn core_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn core_number(text: &str) -> Option<Number> {
    let bytes = text.as_bytes();
    let first = *bytes.first()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return (!hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| i64::from_str_radix(hex, 16).ok().map(Number::Int))
            .flatten();
    }
    if let Some(oct) = text.strip_prefix("0o") {
        return (!oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b)))
            .then(|| i64::from_str_radix(oct, 8).ok().map(Number::Int))
            .flatten();
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    match unsigned {
        ".inf" | ".Inf" | ".INF" => {
            let inf = if text.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
            return Some(Number::Float(inf));
        }
        ".nan" | ".NaN" | ".NAN" if unsigned.len() == text.len() => {
            return Some(Number::Float(f64::NAN));
        }
        _ => {}
    }
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return Some(match text.parse::<i64>() {
            Ok(i) => Number::Int(i),
            Err(_) => Number::Float(text.parse::<f64>().ok()?),
        });
    }
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (int_part, frac_part) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], Some(&mantissa[i + 1..])),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac_part {
        Some(frac) => digits(int_part) && digits(frac) && !(int_part.is_empty() && frac.is_empty()),
        None => !int_part.is_empty() && digits(int_part),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    if mantissa_ok && exponent_ok {
        text.parse::<f64>().ok().map(Number::Float)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str, limits: &Limits) -> Result<Node, ParseError> {
        parse(&SourceFile::new("t.yaml", None, text.to_owned()), limits)
    }

    /// The text the node at `pointer` spans.
    fn spanned<'t>(text: &'t str, root: &Node, pointer: &str) -> &'t str {
        let found = root
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{pointer} in\n{text}"));
        &text[found.node.span.range()]
    }

    #[test]
    fn tabs_after_a_colon_separate_as_spaces_do() {
        let text = "a:\t1\nb:\t\tfoo\nc: {d:\tx, e:\t-1}\nf: \"g:\th\"\ni: |\n  j:\tk\nl: m #n:\to\nü:\tp\n";
        let root = load(text, &Limits::default()).expect("YAML 1.2 allows tabs there");
        let value = |pointer: &str| root.pointer(pointer).map(|f| f.node.value.clone());
        assert_eq!(value("/a"), Some(Value::Number(Number::Int(1))));
        assert_eq!(value("/b"), Some(Value::String("foo".into())));
        assert_eq!(value("/c/d"), Some(Value::String("x".into())));
        assert_eq!(value("/c/e"), Some(Value::Number(Number::Int(-1))));
        // Inside quoted and block scalars a tab is content, kept as written.
        assert_eq!(value("/f"), Some(Value::String("g:\th".into())));
        assert_eq!(value("/i"), Some(Value::String("j:\tk\n".into())));
        assert_eq!(value("/l"), Some(Value::String("m".into())));
        assert_eq!(value("/ü"), Some(Value::String("p".into())));
        assert_eq!(spanned(text, &root, "/b"), "foo");
        assert_eq!(spanned(text, &root, "/ü"), "p");
        // Errors elsewhere are still reported where they are.
        let bad = "a:\tfoo\nb: [1\n";
        assert!(load(bad, &Limits::default()).is_err());
    }

    /// The text `/a` spans in each of `cases` (text, that text).
    fn spans_of_a(cases: &[(&str, &str)]) {
        for (text, want) in cases {
            let root = load(text, &Limits::default()).expect("loads");
            assert_eq!(spanned(text, &root, "/a"), *want, "{text:?}");
        }
    }

    /// A character YAML 1.2 allows nowhere in a stream (§5.1) is an error at that character,
    /// inside a scalar or a comment too, whichever parser reads the document; tab, carriage
    /// return, U+0085 and a byte order mark inside a quoted scalar are allowed.
    #[test]
    fn unprintable_characters_are_errors_where_they_are() {
        for (text, at) in [
            ("a: \"x\u{1b}y\"\n", "\u{1b}"),
            ("a: x\u{7}y\n", "\u{7}"),
            ("a: 'x\u{9f}'\n", "\u{9f}"),
            ("a: 1 # \u{7f}\n", "\u{7f}"),
            ("a: |\n  x\u{ffff}\n", "\u{ffff}"),
            ("a: 'x\ty'\r\nc: \"x\u{0}\"\n", "\u{0}"),
        ] {
            let source = SourceFile::new("t.yaml", None, text.to_owned());
            match crate::source::parse(&source, &Limits::default()) {
                Err(ParseError::Syntax {
                    message,
                    span,
                    help,
                }) => {
                    assert_eq!(&text[span.range()], at, "{text:?}");
                    assert!(
                        message.contains("is not allowed in a YAML document"),
                        "{message}"
                    );
                    assert!(help.contains("double-quoted"), "{help}");
                }
                other => panic!("{text:?}: {other:?}"),
            }
        }
        for text in [
            "a: 'x\ty'\r\n",
            "a: x\u{85}y\n",
            "a: \"x\u{feff}y\"\n",
            "a: \"\\x1b\"\n",
        ] {
            let source = SourceFile::new("t.yaml", None, text.to_owned());
            assert!(
                crate::source::parse(&source, &Limits::default()).is_ok(),
                "{text:?}"
            );
        }
    }

    /// A block scalar is spanned from its first content character, also when that content
    /// starts like a tag or an anchor (`! pet`, `&x`): those are text, not properties. With
    /// properties of its own, it is spanned from its header.
    #[test]
    fn block_scalars_whose_text_starts_like_a_property_keep_it() {
        spans_of_a(&[
            ("a: |\n  ! pet\n  b\n", "! pet\n  b"),
            ("a: >\n  &x y\n", "&x y"),
            ("a: !!str |\n  ! z\n", "|\n  ! z"),
            ("a: &k |-\n  !t w\nb: *k\n", "|-\n  !t w"),
            ("a: !!str x\n", "x"),
            ("a: &k !!str x\n", "x"),
        ]);
    }

    /// An indentless sequence (a mapping's value at the mapping's indentation) whose first
    /// item is a flow collection is a block sequence: it ends at its last item.
    #[test]
    fn indentless_sequences_of_flow_collections_end_at_their_last_item() {
        spans_of_a(&[
            ("a:\n- [x]\nb: 1\n", "[x]"),
            ("a:\n- {x: 1}\n- [y]\n\nb: 1\n", "{x: 1}\n- [y]"),
            ("a:\n- []\n", "[]"),
        ]);
    }

    /// A key too long to be an implicit key is a syntax error that says so and how to write
    /// it; a shorter one is a key.
    #[test]
    fn keys_longer_than_yaml_allows_are_explained() {
        for prefix in ["", "a:\n  - ", "- - "] {
            let text = format!("{prefix}k{}: 1\n", "é".repeat(1030));
            match load(&text, &Limits::default()) {
                Err(ParseError::Syntax { help, span, .. }) => {
                    assert!(help.contains("more than 1024 characters"), "{help}");
                    assert_eq!(&text[span.range()], ":", "{prefix:?}");
                }
                other => panic!("{prefix:?}: {other:?}"),
            }
        }
        let text = format!("k{}: 1\n", "é".repeat(1000));
        assert!(load(&text, &Limits::default()).is_ok());
    }

    /// A collection ends at its last item as written, also when that is an alias, whose
    /// node is spanned where the alias is written (what it copies keeps the anchor's spans).
    #[test]
    fn aliases_are_spanned_where_they_are_written() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            (
                "a: &a x\nb:\n  - 1\n  - *a\nc: 2\n",
                &[("/b", "- 1\n  - *a"), ("/b/1", "*a"), ("/a", "x")],
            ),
            (
                "a: &a [1, 2]\nb:\n  - *a\nc: 2\n",
                &[("/b", "- *a"), ("/b/0", "*a"), ("/b/0/1", "2")],
            ),
            (
                "a: &a {k: v}\nb:\n  - - 0\n    - *a\n",
                &[("/b", "- - 0\n    - *a"), ("/b/0", "- 0\n    - *a")],
            ),
            (
                "a: &a x\nb: [1, *a]  # comment\n",
                &[("/b", "[1, *a]"), ("/b/1", "*a")],
            ),
            (
                "a: &a x\nb: [1, *a ]\nc: [*a]\n",
                &[("/b", "[1, *a ]"), ("/b/1", "*a"), ("/c/0", "*a")],
            ),
            (
                "a: &a {k: v}\nb:\n  c: 1\n  d: *a\ne: 2\n",
                &[("/b", "c: 1\n  d: *a"), ("/b/d", "*a"), ("/b/d/k", "v")],
            ),
            (
                "a: &a x\nb: {c: *a}\n",
                &[("/b", "{c: *a}"), ("/b/c", "*a")],
            ),
            ("- &a x\n- *a\n", &[("", "- &a x\n- *a"), ("/1", "*a")]),
            ("a: &a x\nb: *a\n", &[("", "a: &a x\nb: *a"), ("/b", "*a")]),
            // Offsets from lines and columns, past characters of more than one byte.
            (
                "é: &a [ü]\nb:\n  - ü\n  - *a\n",
                &[("/b", "- ü\n  - *a"), ("/b/1", "*a"), ("/b/1/0", "ü")],
            ),
        ];
        for (text, spans) in cases {
            let root = load(text, &Limits::default()).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            for (pointer, want) in *spans {
                assert_eq!(spanned(text, &root, pointer), *want, "{pointer} in\n{text}");
            }
        }
        // An alias as a key is spanned where it is written too.
        let text = "k: &k name\nm: {*k : 1}\n";
        let root = load(text, &Limits::default()).expect("loads");
        let key = root.pointer("/m/name").expect("aliased key").key_span;
        assert_eq!(key.map(|s| &text[s.range()]), Some("*k"));
    }

    fn limits(max_depth: usize) -> Limits {
        Limits {
            max_depth,
            ..Limits::default()
        }
    }

    /// `levels` nested flow sequences around `inner`.
    fn nested(levels: usize, inner: &str) -> String {
        format!("{}{inner}{}", "[".repeat(levels), "]".repeat(levels))
    }

    /// An alias nests its copy where it stands: the copy counts against the depth limit as if
    /// it were written out there, and the error is at the alias.
    #[test]
    fn aliases_nest_no_deeper_than_the_limit() {
        // The root mapping, `b`'s two levels, then the three of `a`'s copy: 6 levels.
        let text = "a: &a [[[1]]]\nb: [[*a]]\n";
        assert!(load(text, &limits(6)).is_ok());
        match load(text, &limits(5)) {
            Err(ParseError::AliasTooDeep { span, max_depth: 5 }) => {
                assert_eq!(span.start as usize, text.rfind("*a").unwrap_or(0));
                assert_eq!(&text[span.range()], "*a");
            }
            other => panic!("{other:?}"),
        }
        // The same through a merge key and in block style.
        let text = "a: &a\n  k: [[1]]\nb:\n  - c:\n      <<: *a\n";
        assert!(load(text, &limits(7)).is_ok());
        assert!(matches!(
            load(text, &limits(6)),
            Err(ParseError::AliasTooDeep { max_depth: 6, .. })
        ));
        // With the default limit: aliases of aliases, each a hundred levels deeper, of few
        // nodes (far within the node budget).
        let text = format!(
            "a: &a {}\nb: &b {}\nc: {}\n",
            nested(100, "x"),
            nested(100, "*a"),
            nested(100, "*b")
        );
        let depth = Limits::default().max_depth;
        assert_eq!(depth, 256);
        match load(&text, &Limits::default()) {
            Err(ParseError::AliasTooDeep { span, max_depth }) => {
                assert_eq!(max_depth, depth);
                assert_eq!(&text[span.range()], "*b");
                assert!(span.start as usize > text.find("c:").unwrap_or(0));
            }
            other => panic!("{other:?}"),
        }
        // Two levels fit: 1 + 100 + 100 + 1 for the `x`'s sequence.
        let fits = format!("a: &a {}\nb: {}\n", nested(100, "x"), nested(100, "*a"));
        let root = load(&fits, &Limits::default()).expect("201 levels load");
        let mut pointer = "/b".to_owned();
        pointer.push_str(&"/0".repeat(200));
        assert_eq!(
            root.pointer(&pointer).and_then(|l| l.node.as_str()),
            Some("x")
        );
        // The located diagnostic says what the limit is.
        let mut sources = crate::source::Sources::new();
        let Err(crate::source::LoadError::Invalid(d)) = crate::source::load_bytes(
            "deep.yaml".into(),
            None,
            text.into_bytes(),
            &mut sources,
            &Limits::default(),
        ) else {
            panic!("loads")
        };
        assert_eq!(d.code, "nesting-too-deep");
        assert!(d.message.contains("256 levels"), "{}", d.message);
        assert!(d.message.contains("alias"), "{}", d.message);
        let p = d.primary.expect("located");
        let lc = sources.file(p.file).line_col(p.span.start as usize);
        assert_eq!((lc.line, lc.col), (3, 104));
    }

    /// A "billion laughs" document: 10 aliases of 10 aliases of … 30 levels down would be
    /// 10^30 nodes. It is refused at the first alias past the budget, having copied no more
    /// than the budget.
    #[test]
    fn a_billion_laughs_is_refused_at_the_first_alias_past_the_budget() {
        let mut text = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..30 {
            let prev = format!("*l{}", i - 1);
            let items = [prev.as_str(); 10].join(", ");
            text.push_str(&format!("l{i}: &l{i} [{items}]\n"));
        }
        let start = std::time::Instant::now();
        let result = load(&text, &Limits::default());
        assert!(
            start.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
        let Err(ParseError::AliasBomb {
            span,
            limit,
            allowance,
        }) = result
        else {
            panic!("{result:?}")
        };
        assert_eq!(allowance, 100_000);
        assert_eq!(limit, 100_000 + text.len());
        // l3 holds 11,111 nodes: with the 12,330 that aliases added before `l4`, its ninth
        // alias of l3 passes 100,000 nodes plus the text's size.
        let lc = SourceFile::new("t", None, text.clone()).line_col(span.start as usize);
        assert_eq!(&text[span.range()], "*l3");
        assert_eq!((lc.line, lc.col), (5, 10 + 8 * 5));
    }

    /// Anchors nested in anchored nodes each keep a copy of what they hold for their aliases:
    /// those copies are bounded like what aliases add.
    #[test]
    fn copies_kept_for_aliases_are_bounded() {
        let list = vec!["1"; 5_000].join(",");
        let anchors: String = (0..100).map(|i| format!("&a{i} [")).collect();
        let text = format!("x: {anchors}{list}{}\ny: *a99\n", "]".repeat(100));
        // 100 copies of 5,000 nodes or more each, from text of some 10 kB.
        match load(&text, &Limits::default()) {
            Err(ParseError::AnchorCopies { span, limit, .. }) => {
                assert_eq!(limit, 100_000 + text.len());
                assert!(text[span.range()].starts_with("&a"), "{span:?}");
            }
            other => panic!("{other:?}"),
        }
        // In block style, with the anchor on the line before its mapping.
        let list = ["1"; 100].join(",");
        let text = format!("x: &a\n  k: &b\n    j: &c [{list}]\ny: *c\n");
        let tight = Limits {
            alias_node_allowance: 0,
            ..Limits::default()
        };
        match load(&text, &tight) {
            Err(ParseError::AnchorCopies { span, .. }) => {
                assert_eq!(&text[span.range()], "&a");
            }
            other => panic!("{other:?}"),
        }
        // Without an alias in the text nothing is kept, and the document loads.
        let text = text.replace("*a99", "z");
        assert!(load(&text, &Limits::default()).is_ok());
        // A few nested anchors, as documents use them, are within the budget.
        let text = "base: &base {a: &a {b: &b [1, 2]}}\nx: *base\ny: *a\nz: *b\n";
        let root = load(text, &Limits::default()).expect("loads");
        assert_eq!(
            root.pointer("/x/a/b/1").and_then(|l| l.node.as_i64()),
            Some(2)
        );
    }
}
