//! The document tree read in place as a JSON Schema instance.
//!
//! The validator can read any representation that answers its accessor traits. Reading the
//! spanned tree directly spares the schema check a `serde_json` copy of the whole document,
//! which on a 13 MB specification cost more time and memory than the validation itself.
//! Only an error's reported instance is still converted, on the cold path.

use std::borrow::Cow;

use jsonschema::JsonType;
use jsonschema::json::{Array, Json, JsonNumber, Node as JsonNode, NodeIdentity, Object, cmp};

use crate::source::{Entry, Map, Node, Number, Str, Value};

/// The spanned tree as a [`Json`] representation: nodes are `&Node`.
pub struct TreeJson;

impl Json for TreeJson {
    type Node<'a> = &'a Node;
    type PreparedKey = Str;
    type StringBuffer = Node;

    // A lookup scans the entries (mappings keep source order), so one pass over the members
    // is never dearer than the lookups it replaces.
    const KEYS_PER_LOOKUP: usize = 64;
    // A tree: `$ref`s are not linked in, so no node contains itself.
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> Str {
        key.into()
    }

    fn with_string_node<T>(buffer: &mut Node, string: &str, f: impl FnOnce(&Node) -> T) -> T {
        buffer.value = Value::String(string.into());
        f(buffer)
    }
}

/// A number of the tree, read by the validator.
#[derive(Clone, Copy, Debug)]
pub struct TreeNumber(Number);

impl JsonNumber for TreeNumber {
    fn as_u64(&self) -> Option<u64> {
        match self.0 {
            Number::Int(i) => u64::try_from(i).ok(),
            Number::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match self.0 {
            Number::Int(i) => Some(i),
            Number::Float(_) => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        Some(self.0.as_f64())
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.0.to_string())
    }

    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(match self.0 {
            Number::Int(i) => serde_json::Number::from(i),
            // Non-finite floats are read as strings (see `as_number`), so this holds a finite one.
            Number::Float(f) => {
                serde_json::Number::from_f64(f).unwrap_or_else(|| serde_json::Number::from(0))
            }
        })
    }

    fn is_written_as_integer(&self) -> bool {
        // The loader keeps integers written without fraction or exponent as `Int`.
        matches!(self.0, Number::Int(_))
    }
}

/// A non-finite float (YAML `.inf`, `.nan`) has no JSON form: like [`Node::to_json`], the
/// validator sees it as a string.
fn non_finite(node: &Node) -> Option<f64> {
    match node.value {
        Value::Number(Number::Float(f)) if !f.is_finite() => Some(f),
        _ => None,
    }
}

impl<'a> JsonNode<'a, TreeJson> for &'a Node {
    type Object = &'a Map;
    type Array = &'a [Node];
    type Number = TreeNumber;

    fn as_object(&self) -> Option<&'a Map> {
        Node::as_map(self)
    }

    fn as_array(&self) -> Option<&'a [Node]> {
        Node::as_seq(self)
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match &self.value {
            Value::String(s) => Some(Cow::Borrowed(s)),
            _ => non_finite(self).map(|f| Cow::Owned(f.to_string())),
        }
    }

    fn as_number(&self) -> Option<TreeNumber> {
        match self.value {
            Value::Number(n) if non_finite(self).is_none() => Some(TreeNumber(n)),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        Node::as_bool(self)
    }

    fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    fn json_type(&self) -> JsonType {
        match &self.value {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Number(_) if non_finite(self).is_some() => JsonType::String,
            Value::Number(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
            Value::Seq(_) => JsonType::Array,
            Value::Map(_) => JsonType::Object,
        }
    }

    fn equals_value(&self, expected: &serde_json::Value) -> bool {
        // `enum` and `const` compare mostly scalars: those compare without a conversion.
        match (&self.value, expected) {
            (Value::String(s), serde_json::Value::String(e)) => s.as_str() == e.as_str(),
            (Value::Bool(b), serde_json::Value::Bool(e)) => b == e,
            (Value::Null, serde_json::Value::Null) => true,
            (Value::Number(_), serde_json::Value::Number(e)) => match self.as_number() {
                Some(n) => cmp::equal_numbers(&n, e),
                None => cmp::equal(&self.to_json(), expected),
            },
            (Value::Seq(_) | Value::Map(_), _) => cmp::equal(&self.to_json(), expected),
            _ => false,
        }
    }

    fn to_value(&self) -> Cow<'a, serde_json::Value> {
        Cow::Owned(self.to_json())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(std::ptr::from_ref::<Node>(*self) as usize))
    }
}

/// The members of a mapping, in source order.
pub struct Members<'a>(std::slice::Iter<'a, Entry>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a Node);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|e| (&*e.key.name, &e.value))
    }
}

impl<'a> Object<'a, TreeJson> for &'a Map {
    type Node = &'a Node;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        self.entries.len()
    }

    fn get(&self, key: &Str) -> Option<&'a Node> {
        Map::get(self, key)
    }

    fn members(&self) -> Members<'a> {
        Members(self.entries.iter())
    }
}

impl<'a> Array<'a, TreeJson> for &'a [Node] {
    type Node = &'a Node;
    type ElementsIter = std::slice::Iter<'a, Node>;

    fn len(&self) -> usize {
        <[Node]>::len(self)
    }

    fn elements(&self) -> std::slice::Iter<'a, Node> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::functions::testing::tree;

    /// The validator reaches the same verdicts on the tree as on its JSON copy.
    #[test]
    fn verdicts_match_the_json_copy() {
        let schema = serde_json::json!({
            "type": "object",
            "required": ["a", "n"],
            "properties": {
                "a": {"enum": ["x", "y"]},
                "n": {"type": "integer", "minimum": 2},
                "f": {"type": "number", "const": 1.5},
                "s": {"type": "array", "uniqueItems": true, "items": {"type": "string", "maxLength": 3}},
                "i": {"type": "string"},
                "o": {"const": {"k": [1, true, null]}},
            },
            "additionalProperties": false,
            "propertyNames": {"pattern": "^[a-z]$"},
        });
        let ours = jsonschema::options_for::<TreeJson>()
            .build(&schema)
            .unwrap_or_else(|e| panic!("{e}"));
        let theirs = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{e}"));
        for doc in [
            "{a: x, n: 3}",
            "{a: z, n: 3}",
            "{a: x, n: 1}",
            "{a: x, n: 2.5}",
            "{a: x}",
            "{a: x, n: 3, f: 1.5}",
            "{a: x, n: 3, f: 2}",
            "{a: x, n: 3, s: [ab, ab]}",
            "{a: x, n: 3, s: [abcd]}",
            "{a: x, n: 3, i: .inf}",
            "{a: x, n: 3, o: {k: [1, true, null]}}",
            "{a: x, n: 3, o: {k: [1.0, true, null]}}",
            "{a: x, n: 3, o: {k: [2, true, null]}}",
            "{a: x, n: 3, zz: 1}",
            "[1]",
        ] {
            let node = tree(doc);
            let json = node.to_json();
            let mine: Vec<String> = ours.iter_errors(&node).map(|e| e.to_string()).collect();
            let reference: Vec<String> = theirs.iter_errors(&json).map(|e| e.to_string()).collect();
            assert_eq!(mine, reference, "{doc}");
            assert_eq!(ours.is_valid(&node), theirs.is_valid(&json), "{doc}");
        }
    }
}
