//! The objects the importer builds ([`Val`]), read into the model types by serde without a
//! `serde_json::Value` in between.
//!
//! Values copied from the source stay borrowed nodes until the model type takes them. The
//! deserializers here hand a visitor what `serde_json::Value`'s would for the value's JSON form
//! (the `Node::to_json` of a node), so an object they accept becomes the same model value. Where
//! they are unsure (enums, non-finite numbers, members a visitor leaves unread) they fail, and
//! [`Cx::finish`](super::Cx) reads the object again through `serde_json`, which also says why
//! a rejected object is rejected: the diagnostics stay those of `serde_json`.

use serde::de::{Deserializer, Visitor};
use serde_json::Value as Json;

use super::refusals::Seg;

pub(super) use crate::source::de::NodeDe;
use crate::source::de::{Readable, map, number, seq, shared_methods};
use crate::source::{Node, Number};

type Error = serde_json::Error;

/// A value of the definition under construction.
#[derive(Clone, Debug)]
pub(super) enum Val<'a> {
    /// A source value copied as it is.
    Node(&'a Node),
    /// A string the importer made.
    Str(String),
    /// A string borrowed from the source or the importer's constants.
    Name(&'a str),
    /// An integer the importer made.
    Int(i64),
    /// An object, members in insertion order; a key set twice is refused by the model's
    /// deserializer and read again through JSON, where the later value wins.
    Obj(Vec<(&'a str, Val<'a>)>),
    /// An array.
    Arr(Vec<Val<'a>>),
    /// A JSON value (document-level objects that are built as JSON).
    Json(Json),
}

impl<'a> From<&'a str> for Val<'a> {
    fn from(s: &'a str) -> Val<'a> {
        Val::Name(s)
    }
}

impl From<String> for Val<'_> {
    fn from(s: String) -> Self {
        Val::Str(s)
    }
}

impl From<i64> for Val<'_> {
    fn from(i: i64) -> Self {
        Val::Int(i)
    }
}

impl From<i32> for Val<'_> {
    fn from(i: i32) -> Self {
        Val::Int(i64::from(i))
    }
}

impl<'a> Val<'a> {
    /// The source node the value at `path` was copied from, if it was (rather than made by
    /// the importer).
    pub(super) fn node_at(&self, path: &[Seg]) -> Option<&'a Node> {
        let mut segments = path.iter();
        let mut at = self;
        let mut node = loop {
            if let Val::Node(n) = at {
                break *n;
            }
            at = match (at, segments.next()?) {
                // A key set twice reads as its later value (see `Val::Obj`).
                (Val::Obj(fields), Seg::Key(key)) => {
                    &fields.iter().rev().find(|(k, _)| k == key)?.1
                }
                (Val::Arr(items), Seg::Index(index)) => items.get(*index)?,
                _ => return None,
            };
        };
        for segment in segments {
            node = match segment {
                Seg::Key(key) => node.get(key)?,
                Seg::Index(index) => node.as_seq()?.get(*index)?,
            };
        }
        Some(node)
    }

    /// The JSON form, as the importer built it before: what diagnostics are computed from.
    pub(super) fn to_json(&self) -> Json {
        match self {
            Val::Node(n) => n.to_json(),
            Val::Str(s) => Json::String(s.clone()),
            Val::Name(s) => Json::String((*s).to_owned()),
            Val::Int(i) => Json::from(*i),
            Val::Obj(fields) => Json::Object(
                fields
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.to_json()))
                    .collect(),
            ),
            Val::Arr(items) => Json::Array(items.iter().map(Val::to_json).collect()),
            Val::Json(j) => j.clone(),
        }
    }
}

impl<'de, 'a: 'de> Readable<'de> for Val<'a> {
    type Reader = ValDe<'de, 'a>;

    fn reader(&'de self) -> ValDe<'de, 'a> {
        ValDe(self)
    }
}

/// A built value read as its JSON form.
pub(super) struct ValDe<'v, 'a>(pub &'v Val<'a>);

impl<'de, 'a: 'de> Deserializer<'de> for ValDe<'de, 'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Val::Node(n) => NodeDe(n).deserialize_any(visitor),
            Val::Str(s) => visitor.visit_borrowed_str(s),
            Val::Name(s) => visitor.visit_borrowed_str(s),
            Val::Int(i) => number(Number::Int(*i), visitor),
            Val::Obj(fields) => map(fields.iter().map(|(k, v)| (*k, v)), visitor),
            Val::Arr(items) => seq(items, visitor),
            Val::Json(j) => j.deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Val::Node(n) => NodeDe(n).deserialize_option(visitor),
            Val::Json(j) => j.deserialize_option(visitor),
            _ => visitor.visit_some(self),
        }
    }

    shared_methods!();
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;

    use super::*;
    use crate::model::{ApiDef, BackendParamDef, ReqParamDef, ThrottleDef};
    use crate::source::Value;

    fn node(text: &str) -> Node {
        crate::source::load_text("t.yaml", text).1.root
    }

    /// Reads `text` both ways; whatever the fast reading accepts, serde_json reads the same.
    /// Returns whether the fast reading accepted it.
    fn agrees<T: DeserializeOwned + PartialEq + std::fmt::Debug>(text: &str) -> bool {
        let node = node(text);
        let slow = T::deserialize(&node.to_json()).ok();
        let built = Val::Obj(match &node.value {
            Value::Map(m) => m.iter().map(|(k, v)| (k, Val::Node(v))).collect(),
            _ => Vec::new(),
        });
        let fast_node = T::deserialize(NodeDe(&node)).ok();
        let fast_val = T::deserialize(ValDe(&built)).ok();
        assert_eq!(fast_node, fast_val, "{text}");
        match fast_node {
            Some(fast) => {
                assert_eq!(Some(fast), slow, "{text}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn accepts_what_serde_json_accepts_and_reads_it_the_same() {
        // The usual objects take the fast reading.
        assert!(agrees::<ReqParamDef>(
            "{name: limit, type: NUMBER, location: QUERY, required: 2, min_num: -3, max_num: 100, remark: null}"
        ));
        assert!(agrees::<BackendParamDef>(
            "{origin: REQUEST, name: X-Id, location: HEADER, value: id, remark: 'é'}"
        ));
        assert!(agrees::<ApiDef>(
            "{name: a, type: 1, req_protocol: HTTPS, req_method: GET, req_uri: /a, auth_type: NONE, \
             tags: [x, y], cors: false, match_mode: SWA, backend_type: MOCK, mock_info: {}, \
             auth_opt: {app_code_auth_type: HEADER}}"
        ));
        assert!(agrees::<ThrottleDef>(
            "{name: t, api_call_limits: 10, time_interval: 1, time_unit: MINUTE, type: 1, \
             special: [{object_type: APP, call_limits: 5, object_name: p}]}"
        ));
        // What the model rejects, the fast reading rejects too (serde_json then says why).
        for text in [
            "{name: limit, type: NUMBER, location: QUERY, min_num: 1.5}",
            "{name: limit, type: NUMBER, location: QUERY, min_num: '1'}",
            "{name: limit, type: TEXT, location: QUERY}",
            "{name: 5, type: NUMBER, location: QUERY}",
            "{name: limit, type: NUMBER, location: QUERY, unknown: 1}",
            "{type: NUMBER, location: QUERY}",
            "{name: limit, type: NUMBER, location: QUERY, required: 3}",
            "{name: limit, type: NUMBER, location: QUERY, max_num: 9223372036854775808}",
            "{name: limit, type: NUMBER, location: QUERY, required: -1}",
            "{name: limit, type: NUMBER, location: QUERY, remark: [a]}",
            "{name: limit, type: NUMBER, location: QUERY, max_num: .inf}",
        ] {
            assert!(!agrees::<ReqParamDef>(text), "{text}");
        }
        assert!(!agrees::<ApiDef>(
            "{name: a, type: 1, req_protocol: HTTPS, req_method: GET, req_uri: /a, auth_type: NONE, \
             tags: x, backend_type: MOCK}"
        ));
    }
}
