//! Declarative macros that keep the REST bodies and their definition twins in step.
//!
//! Every gateway object exists in two forms: the REST body the gateway sends and receives
//! (ids, timestamps, lenient about fields newer than the API Reference) and the definition form
//! users keep in git (names instead of ids, strict about unknown fields so typos surface).
//! Writing each struct twice would let the two drift apart; `twin!` declares both from one
//! field list instead. Plain structs (no `#[serde(flatten)]`) keep serde field names exact,
//! `deny_unknown_fields` effective and `serde_path_to_error` pointers precise.

/// Declares a REST body struct and its definition twin from one field list.
///
/// Field forms, each ending in a comma:
/// - `name: Type,` is in both structs;
/// - `name: RestType => DefType,` is in both, with a different type in each (nested twins);
/// - `rest name: Type,` is only in the REST struct (ids, response-only fields);
/// - `def name: Type,` is only in the definition struct (`*_name` references, nested lists).
///
/// Attributes (doc comments, `#[serde(...)]`) written before a field apply to every struct the
/// field is in. The REST struct ignores unknown fields, so a gateway answer carrying fields newer
/// than the API Reference still parses; the definition struct denies them.
macro_rules! twin {
    (
        $(#[$rest_meta:meta])*
        pub struct $rest:ident;
        $(#[$def_meta:meta])*
        pub struct $def:ident;
        { $($fields:tt)* }
    ) => {
        $crate::model::macros::twin!(@munch
            [$(#[$rest_meta])* $rest]
            [$(#[$def_meta])* $def]
            []
            []
            $($fields)*
        );
    };

    // All fields consumed: emit both structs.
    (@munch
        [$(#[$rest_meta:meta])* $rest:ident]
        [$(#[$def_meta:meta])* $def:ident]
        [$($rest_fields:tt)*]
        [$($def_fields:tt)*]
    ) => {
        $(#[$rest_meta])*
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        pub struct $rest {
            $($rest_fields)*
        }

        $(#[$def_meta])*
        #[derive(
            Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema,
        )]
        #[serde(deny_unknown_fields)]
        pub struct $def {
            $($def_fields)*
        }
    };

    // REST-only field.
    (@munch $rest_head:tt $def_head:tt [$($rest_fields:tt)*] [$($def_fields:tt)*]
        $(#[$meta:meta])* rest $name:ident : $ty:ty, $($tail:tt)*
    ) => {
        $crate::model::macros::twin!(@munch $rest_head $def_head
            [$($rest_fields)* $(#[$meta])* pub $name: $ty,]
            [$($def_fields)*]
            $($tail)*
        );
    };

    // Definition-only field.
    (@munch $rest_head:tt $def_head:tt [$($rest_fields:tt)*] [$($def_fields:tt)*]
        $(#[$meta:meta])* def $name:ident : $ty:ty, $($tail:tt)*
    ) => {
        $crate::model::macros::twin!(@munch $rest_head $def_head
            [$($rest_fields)*]
            [$($def_fields)* $(#[$meta])* pub $name: $ty,]
            $($tail)*
        );
    };

    // Field in both, with a different type in each.
    (@munch $rest_head:tt $def_head:tt [$($rest_fields:tt)*] [$($def_fields:tt)*]
        $(#[$meta:meta])* $name:ident : $rest_ty:ty => $def_ty:ty, $($tail:tt)*
    ) => {
        $crate::model::macros::twin!(@munch $rest_head $def_head
            [$($rest_fields)* $(#[$meta])* pub $name: $rest_ty,]
            [$($def_fields)* $(#[$meta])* pub $name: $def_ty,]
            $($tail)*
        );
    };

    // Field in both, same type.
    (@munch $rest_head:tt $def_head:tt [$($rest_fields:tt)*] [$($def_fields:tt)*]
        $(#[$meta:meta])* $name:ident : $ty:ty, $($tail:tt)*
    ) => {
        $crate::model::macros::twin!(@munch $rest_head $def_head
            [$($rest_fields)* $(#[$meta])* pub $name: $ty,]
            [$($def_fields)* $(#[$meta])* pub $name: $ty,]
            $($tail)*
        );
    };
}

/// Declares an enumeration the API Reference spells as strings.
///
/// Generates the enum, `as_str`, `ALL`, `Display`, serde impls and a JSON Schema
/// (`{"type": "string", "enum": [...]}`). An unknown string is rejected with serde's own
/// "unknown variant `x`, expected `A` or `B`" message, so the allowed values are named.
macro_rules! str_enum {
    (
        $(#[doc = $doc:literal])*
        pub enum $name:ident {
            $(
                $(#[doc = $vdoc:literal])*
                $variant:ident = $value:literal,
            )+
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(
                $(#[doc = $vdoc])*
                $variant,
            )+
        }

        impl $name {
            /// Every value, in the order the API Reference lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            const NAMES: &'static [&'static str] = &[$($value),+];

            /// The spelling the API Reference uses.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $value,)+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;

                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        $crate::model::macros::write_choices(f, $name::NAMES)
                    }

                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> Result<$name, E> {
                        match value {
                            $($value => Ok($name::$variant),)+
                            _ => Err(E::unknown_variant(value, $name::NAMES)),
                        }
                    }
                }

                deserializer.deserialize_str(Visitor)
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn schema_id() -> ::std::borrow::Cow<'static, str> {
                concat!(module_path!(), "::", stringify!($name)).into()
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({
                    "description": $crate::model::macros::doc_text(&[$($doc),*]),
                    "type": "string",
                    "enum": $name::NAMES,
                })
            }
        }
    };
}

/// Declares an enumeration the API Reference spells as integers (`type: 1|2`).
///
/// Like [`str_enum!`], but (de)serialises the integers and rejects an unknown one with
/// "invalid value: integer `3`, expected `1` or `2`".
macro_rules! int_enum {
    (
        $(#[doc = $doc:literal])*
        pub enum $name:ident {
            $(
                $(#[doc = $vdoc:literal])*
                $variant:ident = $value:literal,
            )+
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(
                $(#[doc = $vdoc])*
                $variant,
            )+
        }

        impl $name {
            /// Every value, in the order the API Reference lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            const VALUES: &'static [u8] = &[$($value),+];

            /// The integer the API Reference uses.
            pub const fn value(self) -> u8 {
                match self {
                    $($name::$variant => $value,)+
                }
            }

            fn from_u64(value: u64) -> Option<$name> {
                match value {
                    $($value => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_u8(self.value())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;

                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        $crate::model::macros::write_choices(f, $name::VALUES)
                    }

                    fn visit_u64<E: ::serde::de::Error>(self, value: u64) -> Result<$name, E> {
                        $name::from_u64(value).ok_or_else(|| {
                            E::invalid_value(::serde::de::Unexpected::Unsigned(value), &self)
                        })
                    }

                    fn visit_i64<E: ::serde::de::Error>(self, value: i64) -> Result<$name, E> {
                        u64::try_from(value)
                            .ok()
                            .and_then($name::from_u64)
                            .ok_or_else(|| {
                                E::invalid_value(::serde::de::Unexpected::Signed(value), &self)
                            })
                    }
                }

                deserializer.deserialize_u64(Visitor)
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn schema_id() -> ::std::borrow::Cow<'static, str> {
                concat!(module_path!(), "::", stringify!($name)).into()
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({
                    "description": $crate::model::macros::doc_text(&[$($doc),*]),
                    "type": "integer",
                    "enum": $name::VALUES,
                })
            }
        }
    };
}

pub(crate) use {int_enum, str_enum, twin};

/// Writes the allowed values the way serde's "unknown variant" message does: `` `a` ``,
/// `` `a` or `b` ``, or `` one of `a`, `b`, `c` ``.
pub(crate) fn write_choices<T: std::fmt::Display>(
    f: &mut std::fmt::Formatter<'_>,
    choices: &[T],
) -> std::fmt::Result {
    match choices {
        [] => f.write_str("no value"),
        [only] => write!(f, "`{only}`"),
        [first, second] => write!(f, "`{first}` or `{second}`"),
        _ => {
            f.write_str("one of ")?;
            for (i, choice) in choices.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "`{choice}`")?;
            }
            Ok(())
        }
    }
}

/// Joins doc-comment lines into a schema description the way rustdoc would read them.
pub(crate) fn doc_text(lines: &[&str]) -> String {
    let text: Vec<&str> = lines.iter().map(|line| line.trim()).collect();
    text.join("\n").trim().to_string()
}
