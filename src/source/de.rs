//! A spanned tree read through serde as its JSON form, without a `serde_json::Value` copy.
//!
//! [`NodeDe`] hands a visitor what `serde_json::Value`'s deserializer would for the node's JSON
//! form (`Node::to_json`), so a type it reads is the value serde_json would give. Where it is
//! unsure (enums, non-finite numbers, members a visitor leaves unread) it fails, and the caller
//! reads the JSON form through `serde_json` instead, which decides and says why.

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{Node, Number, Value};

type Error = serde_json::Error;

pub(crate) fn unsure<T>() -> Result<T, Error> {
    Err(de::Error::custom("read through serde_json"))
}

pub(crate) fn number<'de, V: Visitor<'de>>(n: Number, visitor: V) -> Result<V::Value, Error> {
    // serde_json hands non-negative integers over as u64.
    match n {
        Number::Int(i) => match u64::try_from(i) {
            Ok(u) => visitor.visit_u64(u),
            Err(_) => visitor.visit_i64(i),
        },
        Number::Float(f) if f.is_finite() => visitor.visit_f64(f),
        Number::Float(_) => unsure(),
    }
}

/// Visits a sequence and, like serde_json, refuses one the visitor did not read to the end.
pub(crate) fn seq<'de, T, V>(items: &'de [T], visitor: V) -> Result<V::Value, Error>
where
    T: Readable<'de>,
    V: Visitor<'de>,
{
    let mut access = Items(items.iter());
    let value = visitor.visit_seq(&mut access)?;
    if access.0.len() == 0 {
        Ok(value)
    } else {
        unsure()
    }
}

/// Visits a mapping and, like serde_json, refuses one the visitor did not read to the end.
pub(crate) fn map<'de, T, I, V>(members: I, visitor: V) -> Result<V::Value, Error>
where
    T: Readable<'de> + 'de,
    I: ExactSizeIterator<Item = (&'de str, &'de T)>,
    V: Visitor<'de>,
{
    let mut access = Members {
        members,
        value: None,
    };
    let value = visitor.visit_map(&mut access)?;
    if access.members.len() == 0 {
        Ok(value)
    } else {
        unsure()
    }
}

/// What can be read as its JSON form.
pub(crate) trait Readable<'de> {
    type Reader: Deserializer<'de, Error = Error>;

    fn reader(&'de self) -> Self::Reader;
}

impl<'de> Readable<'de> for Node {
    type Reader = NodeDe<'de>;

    fn reader(&'de self) -> NodeDe<'de> {
        NodeDe(self)
    }
}

struct Items<'de, T>(std::slice::Iter<'de, T>);

impl<'de, T: Readable<'de>> SeqAccess<'de> for Items<'de, T> {
    type Error = Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Error> {
        self.0
            .next()
            .map(|item| seed.deserialize(item.reader()))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Members<'de, T, I> {
    members: I,
    value: Option<&'de T>,
}

impl<'de, T, I> MapAccess<'de> for Members<'de, T, I>
where
    T: Readable<'de> + 'de,
    I: ExactSizeIterator<Item = (&'de str, &'de T)>,
{
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.members.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(value.reader()),
            None => unsure(),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
    }
}

/// The methods both deserializers share: newtype structs are looked through, enums are left to
/// serde_json, everything else is read by `deserialize_any`.
macro_rules! shared_methods {
    () => {
        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            visitor: V,
        ) -> Result<V::Value, Error> {
            visitor.visit_newtype_struct(self)
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _: &'static str,
            _: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Error> {
            $crate::source::de::unsure()
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
        }
    };
}
pub(crate) use shared_methods;

/// A source node read as its JSON form.
pub struct NodeDe<'v>(pub &'v Node);

impl<'de> Deserializer<'de> for NodeDe<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => number(*n, visitor),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Seq(items) => seq(items, visitor),
            Value::Map(m) => map(m.entries.iter().map(|e| (&*e.key.name, &e.value)), visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    shared_methods!();
}
