//! Reading the generated types: the shared half of their `Deserialize` impls.
//!
//! Each struct of `types.rs` reads itself with one small `visit_map` that matches keys as
//! strings and calls [`field`]; each string enum reads a string and matches it. The rest (the
//! key type, the duplicate and missing field errors, the enum visitor) lives here once, instead
//! of in the thousands of impls `#[derive(Deserialize)]` would expand to. The behaviour is
//! serde's derive for a JSON document:
//!
//! - a key the type does not list is skipped, or kept in `additional_properties` when the
//!   schema allows other properties;
//! - a key given twice is an error (`duplicate field`), as is a required one left out
//!   (`missing field`);
//! - an optional field (an `Option`) left out is `None`;
//! - an enum value the client does not know is an error naming the known ones, or, in an open
//!   enum, its `Unknown` variant.
//!
//! Two differences, both forms serde's derive also reads and no JSON API sends: a struct is read
//! from an object only, never from an array of its fields in order, and an enum's value from a
//! string only, never from serde's externally tagged form (`{"active": null}`). The test
//! `serde_parity` reads the same inputs with both and holds the rest to the derive's answers.

use serde::de::{Deserialize, Deserializer, Error, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// An object's key, borrowed from the input when it can be.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key's text.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The key, owned (a property kept in `additional_properties`).
    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl<'de> Visitor<'de> for Text {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
            fn visit_borrowed_bytes<E: Error>(self, v: &'de [u8]) -> Result<Key<'de>, E> {
                std::str::from_utf8(v).map(|s| Key(Cow::Borrowed(s))).map_err(|_| E::invalid_value(serde::de::Unexpected::Bytes(v), &self))
            }
            fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Key<'de>, E> {
                String::from_utf8(v.to_vec()).map(|s| Key(Cow::Owned(s))).map_err(|_| E::invalid_value(serde::de::Unexpected::Bytes(v), &self))
            }
        }
        deserializer.deserialize_identifier(Text)
    }
}

/// The value of a required field, or the `missing field` error.
pub(crate) fn required<T, E: Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// Skips the value of a key the type does not list.
pub(crate) fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<serde::de::IgnoredAny>().map(|_| ())
}

/// Reads a string enum: `parse` maps a wire value to its variant, and `None` (a value it does
/// not know) is an error naming the `known` ones. An open enum's `parse` maps every other
/// string to its `Unknown` variant.
pub(crate) fn read_string<'de, D: Deserializer<'de>, T>(deserializer: D, parse: fn(&str) -> Option<T>, known: &'static [&'static str]) -> Result<T, D::Error> {
    struct Text<T> {
        parse: fn(&str) -> Option<T>,
        known: &'static [&'static str],
    }
    impl<T> Visitor<'_> for Text<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("one of the enum's values, a string")
        }
        fn visit_str<E: Error>(self, v: &str) -> Result<T, E> {
            (self.parse)(v).ok_or_else(|| E::unknown_variant(v, self.known))
        }
        fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<T, E> {
            match std::str::from_utf8(v) {
                Ok(s) => self.visit_str(s),
                Err(_) => Err(E::invalid_value(serde::de::Unexpected::Bytes(v), &self)),
            }
        }
    }
    deserializer.deserialize_str(Text { parse, known })
}

/// A string enum's `Serialize` (its `as_str()`) and `Deserialize` (matching the string), from
/// its values: `"wire value" => Variant`, then `.. Unknown` for an open enum, whose `Unknown`
/// variant keeps any other string.
macro_rules! string_enum {
    ($name:ident { $($wire:literal => $variant:ident),* $(,)? } $(.. $unknown:ident)?) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                $crate::runtime::de::read_string(
                    deserializer,
                    |value| ::std::option::Option::Some(match value {
                        $($wire => Self::$variant,)*
                        $(other => Self::$unknown(::std::borrow::ToOwned::to_owned(other)),)?
                        #[allow(unreachable_patterns)]
                        _ => return ::std::option::Option::None,
                    }),
                    &[$($wire),*],
                )
            }
        }
    };
}
pub(crate) use string_enum;

/// How a field's value is read: `()` by its type's own `Deserialize`, `(C,)` by codec `C` (a
/// typed format: `runtime::formats`).
pub(crate) trait Read<'de, T> {
    /// Reads the value of the current key.
    fn value<A: MapAccess<'de>>(map: &mut A) -> Result<T, A::Error>;
}

impl<'de, T: Deserialize<'de>> Read<'de, T> for () {
    fn value<A: MapAccess<'de>>(map: &mut A) -> Result<T, A::Error> {
        map.next_value()
    }
}

impl<'de, T, C: super::formats::Codec<T>> Read<'de, T> for (C,) {
    fn value<A: MapAccess<'de>>(map: &mut A) -> Result<T, A::Error> {
        map.next_value::<super::formats::De<C, T>>().map(super::formats::De::into_inner)
    }
}

/// Reads the value of field `name` into its slot with `R`; a second value for it is an error.
pub(crate) fn field<'de, R: Read<'de, T>, A: MapAccess<'de>, T>(map: &mut A, slot: &mut Option<T>, name: &'static str) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(R::value(map)?);
    Ok(())
}

/// The value of an optional field: `None` when absent or `null`.
pub(crate) fn optional<T, E>(slot: Option<Option<T>>, _name: &'static str) -> Result<Option<T>, E> {
    Ok(slot.flatten())
}

/// Keeps the value of a key the type does not list in its `additional_properties`, read with
/// `R`; the last value of a key given twice wins.
pub(crate) fn extra<'de, R: Read<'de, T>, A: MapAccess<'de>, T>(map: &mut A, extra: &mut std::collections::BTreeMap<String, T>, key: Key<'de>) -> Result<(), A::Error> {
    let value = R::value(map)?;
    extra.insert(key.into_string(), value);
    Ok(())
}

/// A struct's `Deserialize`, from its fields, each `required(rust_name: Type = "wire name")` or
/// `optional(...)` (the type an `Option`), with `as Codec` when a typed format's codec reads it;
/// then `..` (or `.. as Codec`) when the struct keeps other properties in
/// `additional_properties`.
///
/// It expands to one `visit_map` matching keys as strings. The locals holding the fields' values
/// take the fields' names, which cannot clash with the macro's own (`map`, `key`: hygiene); the
/// macro's type names (`__D`, `__A`, `__Visitor`), which hygiene does not cover, cannot be a
/// generated type's (those are `UpperCamelCase`). The locals are given
/// their types: left to inference, the compiler would carry every field's pending
/// `Deserialize` obligation through the whole function.
macro_rules! object {
    ($name:ident { $($kind:ident($field:ident: $ty:ty = $wire:literal $(as $codec:ty)?)),* $(,)? } .. $(as $extra:ty)?) => {
        $crate::runtime::de::object! { @impl $name { $($kind($field: $ty = $wire $(as $codec)?)),* } map key {
            let mut additional_properties = ::std::collections::BTreeMap::new();
        } {
            $crate::runtime::de::extra::<($($extra,)?), _, _>(&mut map, &mut additional_properties, key)?
        } { additional_properties } }
    };
    ($name:ident { $($kind:ident($field:ident: $ty:ty = $wire:literal $(as $codec:ty)?)),* $(,)? }) => {
        $crate::runtime::de::object! { @impl $name { $($kind($field: $ty = $wire $(as $codec)?)),* } map key {} {
            $crate::runtime::de::skip(&mut map)?
        } {} }
    };
    (@impl $name:ident { $($kind:ident($field:ident: $ty:ty = $wire:literal $(as $codec:ty)?)),* } $map:ident $key:ident { $($before:tt)* } { $($other:tt)* } { $($init:tt)* }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(::std::concat!("struct ", ::std::stringify!($name)))
                    }
                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, mut $map: __A) -> ::std::result::Result<$name, __A::Error> {
                        $(let mut $field: ::std::option::Option<$ty> = ::std::option::Option::None;)*
                        $($before)*
                        while let ::std::option::Option::Some($key) = $map.next_key::<$crate::runtime::de::Key<'de>>()? {
                            match $key.as_str() {
                                $($wire => $crate::runtime::de::field::<($($codec,)?), _, _>(&mut $map, &mut $field, $wire)?,)*
                                _ => $($other)*,
                            }
                        }
                        ::std::result::Result::Ok($name { $($field: $crate::runtime::de::$kind($field, $wire)?,)* $($init)* })
                    }
                }
                deserializer.deserialize_struct(::std::stringify!($name), &[$($wire),*], __Visitor)
            }
        }
    };
}
pub(crate) use object;
