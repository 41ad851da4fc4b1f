//! A strict JSON (RFC 8259) parser that builds the spanned tree directly.
//!
//! `serde_json` forgets positions, and routing JSON through the YAML parser costs several
//! times more; this parser is a plain recursive descent over bytes, as fast as a value parse
//! and with a byte span on every node and key.

use super::tree::{Entry, Key, Map, Node, Number, Span, Str, Value};
use super::{DuplicateKeys, ParseError, out_of_range};

/// Parses a whole JSON text. `max_depth` bounds nesting.
pub(crate) fn parse(text: &str, max_depth: usize) -> Result<Node, ParseError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        max_depth,
        entries: Vec::new(),
        items: Vec::new(),
    };
    p.skip_ws();
    let root = p.value()?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error_here(
            "unexpected content after the JSON value",
            "remove it, or wrap several values in an array",
        ));
    }
    Ok(root)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    max_depth: usize,
    /// Members of the objects being parsed, innermost last: each object's members are moved
    /// into a vector of exactly their number when it closes, so no vector grows by doubling
    /// (which cost reallocations and up to half of the tree's memory in spare capacity).
    entries: Vec<Entry>,
    /// The same for array items.
    items: Vec<Node>,
}

impl<'a> Parser<'a> {
    fn error_at(&self, pos: usize, message: impl Into<String>, help: &str) -> ParseError {
        // Point at one whole character, never inside a UTF-8 sequence.
        let end = self.text[pos.min(self.text.len())..]
            .chars()
            .next()
            .map_or(pos, |c| pos + c.len_utf8());
        ParseError::Syntax {
            message: message.into(),
            span: Span::new(pos, end),
            help: help.to_string(),
        }
    }

    fn error_here(&self, message: impl Into<String>, help: &str) -> ParseError {
        self.error_at(self.pos, message, help)
    }

    fn unexpected(&self, expected: &str) -> ParseError {
        match self.bytes.get(self.pos) {
            None => self.error_here(
                format!("unexpected end of input, expected {expected}"),
                "the document is cut short; check for a missing closing bracket or quote",
            ),
            Some(_) => {
                let c = self.text[self.pos..].chars().next().unwrap_or('?');
                self.error_here(
                    format!("unexpected {c:?}, expected {expected}"),
                    "fix the JSON syntax here",
                )
            }
        }
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn value(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        match self.bytes.get(self.pos) {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Node::new(Span::new(start, self.pos), Value::String(s)))
            }
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.unexpected("a JSON value")),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Node, ParseError> {
        let start = self.pos;
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(Node::new(Span::new(start, self.pos), value))
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(ParseError::TooDeep {
                span: Span::new(self.pos, self.pos + 1),
                max_depth: self.max_depth,
            });
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1;
        let base = self.entries.len();
        let mut dups = DuplicateKeys::default();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                if self.bytes.get(self.pos) != Some(&b'"') {
                    return Err(self.unexpected("a quoted object key"));
                }
                let key_start = self.pos;
                let name = self.string()?;
                let key = Key {
                    span: Span::new(key_start, self.pos),
                    name,
                };
                dups.check(&self.entries[base..], &key)?;
                self.skip_ws();
                if self.bytes.get(self.pos) != Some(&b':') {
                    return Err(self.unexpected("':' after the object key"));
                }
                self.pos += 1;
                self.skip_ws();
                let value = self.value()?;
                self.entries.push(Entry { key, value });
                self.skip_ws();
                match self.bytes.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.unexpected("',' or '}'")),
                }
            }
        }
        self.depth -= 1;
        let entries: Vec<Entry> = self.entries.drain(base..).collect();
        Ok(Node::new(
            Span::new(start, self.pos),
            Value::Map(Map { entries }),
        ))
    }

    fn array(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1;
        let base = self.items.len();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                let item = self.value()?;
                self.items.push(item);
                self.skip_ws();
                match self.bytes.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.unexpected("',' or ']'")),
                }
            }
        }
        self.depth -= 1;
        let items: Vec<Node> = self.items.drain(base..).collect();
        Ok(Node::new(Span::new(start, self.pos), Value::Seq(items)))
    }

    /// Parses a string starting at the opening quote; leaves `pos` after the closing quote.
    fn string(&mut self) -> Result<Str, ParseError> {
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        // Fast path: no escapes, so the value is a slice of the input.
        loop {
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    let s = &self.text[start..self.pos];
                    self.pos += 1;
                    return Ok(s.into());
                }
                Some(b'\\') => break,
                Some(&b) if b < 0x20 => {
                    return Err(self.error_here(
                        "control character in a JSON string",
                        "escape it (\\n, \\t, \\u0000)",
                    ));
                }
                Some(_) => self.pos += 1,
                None => {
                    return Err(self.error_at(open, "unterminated string", "add the closing '\"'"));
                }
            }
        }
        let mut out = String::with_capacity(self.pos - start + 16);
        out.push_str(&self.text[start..self.pos]);
        loop {
            let run_start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run_start..self.pos]);
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out.into());
                }
                Some(b'\\') => {
                    let esc_pos = self.pos;
                    self.pos += 1;
                    let c = match self.bytes.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let c = self.unicode_escape(esc_pos)?;
                            out.push(c);
                            continue;
                        }
                        _ => {
                            return Err(self.error_at(
                                esc_pos,
                                "invalid escape sequence",
                                "valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX",
                            ));
                        }
                    };
                    out.push(c);
                    self.pos += 1;
                }
                Some(_) => {
                    return Err(self.error_here(
                        "control character in a JSON string",
                        "escape it (\\n, \\t, \\u0000)",
                    ));
                }
                None => {
                    return Err(self.error_at(open, "unterminated string", "add the closing '\"'"));
                }
            }
        }
    }

    fn hex4(&mut self, esc_pos: usize) -> Result<u32, ParseError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        match digits.and_then(|d| u32::from_str_radix(d, 16).ok()) {
            Some(v) => {
                self.pos += 4;
                Ok(v)
            }
            None => Err(self.error_at(
                esc_pos,
                "invalid \\u escape",
                "\\u takes exactly four hexadecimal digits",
            )),
        }
    }

    fn unicode_escape(&mut self, esc_pos: usize) -> Result<char, ParseError> {
        let first = self.hex4(esc_pos)?;
        let code = if (0xD800..0xDC00).contains(&first) {
            // A high surrogate must be followed by an escaped low surrogate.
            if self.bytes[self.pos..].starts_with(b"\\u") {
                self.pos += 2;
                let second = self.hex4(esc_pos)?;
                if !(0xDC00..0xE000).contains(&second) {
                    return Err(self.error_at(
                        esc_pos,
                        "unpaired UTF-16 surrogate in \\u escape",
                        "write the character as a valid surrogate pair",
                    ));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            } else {
                return Err(self.error_at(
                    esc_pos,
                    "unpaired UTF-16 surrogate in \\u escape",
                    "write the character as a valid surrogate pair",
                ));
            }
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| {
            self.error_at(
                esc_pos,
                "\\u escape is not a Unicode scalar value",
                "write the character as a valid surrogate pair",
            )
        })
    }

    fn number(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        let b = self.bytes;
        if b.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match b.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while matches!(b.get(self.pos), Some(b'0'..=b'9')) {
                    self.pos += 1;
                }
            }
            _ => return Err(self.unexpected("a digit")),
        }
        let mut integral = true;
        if b.get(self.pos) == Some(&b'.') {
            integral = false;
            self.pos += 1;
            if !matches!(b.get(self.pos), Some(b'0'..=b'9')) {
                return Err(self.unexpected("a digit after the decimal point"));
            }
            while matches!(b.get(self.pos), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        if matches!(b.get(self.pos), Some(b'e' | b'E')) {
            integral = false;
            self.pos += 1;
            if matches!(b.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(b.get(self.pos), Some(b'0'..=b'9')) {
                return Err(self.unexpected("a digit in the exponent"));
            }
            while matches!(b.get(self.pos), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        let text = &self.text[start..self.pos];
        let span = Span::new(start, self.pos);
        let number = match integral.then(|| text.parse::<i64>()) {
            Some(Ok(i)) => Number::Int(i),
            // The grammar above only admits valid float syntax.
            _ => match text.parse::<f64>() {
                Ok(f) if f.is_finite() => Number::Float(f),
                _ => return Err(out_of_range(text, span)),
            },
        };
        Ok(Node::new(span, Value::Number(number)))
    }
}
