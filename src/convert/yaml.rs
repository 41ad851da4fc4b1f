//! A small deterministic YAML emitter for JSON values: block style, two-space indentation,
//! keys in the value's own order, strings quoted JSON-style whenever they are not plain-safe.

use crate::model::Definition;
use crate::source::{Limits, Map, Node, Number, Sources, Value};

/// Writes a definition as YAML, keys in the definition's declared order.
///
/// The definition is serialised to JSON text (serde keeps struct field order there, unlike in
/// `serde_json::Value`), read back into an order-keeping tree, and emitted from that.
///
/// # Errors
///
/// A message if the serialised text cannot be read back (it always can: the definition format
/// nests far less deeply than the loader's limit).
pub fn definition_to_yaml(definition: &Definition) -> Result<String, String> {
    let text = serde_json::to_string(definition).map_err(|e| e.to_string())?;
    let mut sources = Sources::new();
    let doc = crate::source::load_bytes(
        "definition".to_owned(),
        None,
        text.into_bytes(),
        &mut sources,
        &Limits::default(),
    )
    .map_err(|e| e.to_string())?;
    Ok(to_yaml(&doc.root))
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
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn write_map(out: &mut String, map: &Map, level: usize) {
    let mut first = true;
    for (key, value) in map.iter() {
        // The first key of a mapping inside a sequence item follows the `- ` on its line.
        if !(first && level > 0 && out.ends_with("- ")) {
            indent(out, level);
        }
        first = false;
        out.push_str(&string_text(key));
        out.push(':');
        write_child(out, value, level);
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
        Value::Number(Number::Float(f)) => serde_json::Value::from(*f).to_string(),
        Value::String(s) => string_text(s),
        Value::Seq(_) => "[]".to_owned(),
        Value::Map(_) => "{}".to_owned(),
    }
}

/// A string as a plain scalar when that reads back as the same string, else JSON-quoted.
fn string_text(s: &str) -> String {
    if plain_safe(s) {
        s.to_owned()
    } else {
        // A JSON string literal is a valid YAML double-quoted scalar.
        serde_json::Value::String(s.to_owned()).to_string()
    }
}

fn plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.starts_with(' ') || s.ends_with(' ') || s.starts_with('\t') || s.ends_with('\t') {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if s.starts_with("<<") || s.starts_with("= ") || s == "=" {
        return false;
    }
    if s.chars()
        .any(|c| c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}'))
    {
        return false;
    }
    !looks_like_other_type(s)
}

/// Whether a plain scalar would resolve to null, a boolean or a number (YAML 1.2 core schema,
/// plus the YAML 1.1 booleans other readers still apply).
fn looks_like_other_type(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "null" | "~" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) {
        return true;
    }
    if matches!(lower.as_str(), ".inf" | "-.inf" | "+.inf" | ".nan") {
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

#[cfg(test)]
mod tests {
    use super::*;

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
        ];
        for s in tricky {
            let text = format!("k: {}\n", string_text(s));
            let mut sources = Sources::new();
            let doc = crate::source::load_bytes(
                "t".into(),
                None,
                text.clone().into_bytes(),
                &mut sources,
                &Limits::default(),
            )
            .unwrap_or_else(|_| panic!("{text:?} loads"));
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
        let mut sources = Sources::new();
        let doc = crate::source::load_bytes(
            "t".into(),
            None,
            text.into(),
            &mut sources,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            to_yaml(&doc.root),
            "a: 1\nb:\n- c: x\n  d:\n  - 1\n  - 2\n- \"y\"\ne: {}\nf:\n  g: null\n"
        );
    }
}
