//! Writing and reading the generated types: the shared half of their `Serialize` and
//! `Deserialize` impls.
//!
//! Each struct of `types.rs` calls [`object!`], which expands to a `serialize` writing one field
//! after another and a `visit_map` matching keys as strings; each string enum calls
//! [`string_enum!`]. The rest (the key type, the field writers and readers, the duplicate and
//! missing field errors, the enum visitor) lives here once, instead of in the thousands of
//! impls `#[derive(Serialize, Deserialize)]` would expand to. The behaviour is serde's derive for
//! a JSON document:
//!
//! - writing: fields in their declared order under their wire names, an optional field only
//!   when it is set (a required one that may be `null` always), then the `additional_properties` (a struct with those is written as a map,
//!   as the derive does for `#[serde(flatten)]`; any other as a struct, with its exact length);
//! - reading: a key the type does not list is skipped, or kept in `additional_properties` when
//!   the schema allows other properties;
//! - a key given twice is an error (`duplicate field`), as is a required one left out
//!   (`missing field`);
//! - an optional field (an `Option`) left out is `None`;
//! - an enum value the client does not know is an error naming the known ones, or, in an open
//!   enum, its `Unknown` variant.
//!
//! Two differences, both forms serde's derive also reads and no JSON API sends: a struct is read
//! from an object only, never from an array of its fields in order, and an enum's value from a
//! string only, never from serde's externally tagged form (`{"active": null}`). The test
//! `serde_parity` reads and writes the same values with both and holds the rest to the derive's
//! answers.
//!
//! The code the macros expand to is shaped for the compiler: every field costs a few plain
//! function calls and no `?` of its own. A `?` per field (as the derive has) is an early return
//! that drops every other field's slot; taking them out halved the time `cargo check` spends on
//! these impls (3,000 fields in 300 structs: 5.4 s to 2.7 s). Writing is shaped the same way:
//! each field's writer is one call into an [`Out`], which keeps the first error and skips the
//! writes after it, instead of an `if let Err(e) = ... { return Err(e) }` per field.

use serde::de::{Deserialize, Deserializer, Error, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeStruct};
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

/// A string enum's `Serialize` (a known value as the derive writes a unit variant, which JSON
/// writes as its wire value) and `Deserialize` (matching the string), from
/// its values: `"wire value" => Variant`, then `.. Unknown` for an open enum, whose `Unknown`
/// variant keeps any other string.
macro_rules! string_enum {
    ($name:ident { $($wire:literal => $variant:ident),* $(,)? } $(.. $unknown:ident)?) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                // The variants' indexes, counted by the compiler: a known value is written as
                // the derive writes a unit variant (its wire value in JSON), the one the open
                // enum kept as a plain string. Private, so clippy's naming lint (which spares
                // the public enum itself) would look at it.
                #[allow(clippy::enum_variant_names)]
                enum __Index { $($variant),* }
                match self {
                    $(Self::$variant => serializer.serialize_unit_variant(::std::stringify!($name), __Index::$variant as u32, $wire),)*
                    $(Self::$unknown(value) => serializer.serialize_str(value),)?
                }
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                $crate::runtime::wire::read_string(
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
pub(crate) fn read<'de, R: Read<'de, T>, A: MapAccess<'de>, T>(map: &mut A, slot: &mut Option<T>, name: &'static str) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(R::value(map)?);
    Ok(())
}

/// Keeps the value of a key the type does not list in its `additional_properties`, read with
/// `R`; the last value of a key given twice wins.
pub(crate) fn extra<'de, R: Read<'de, T>, A: MapAccess<'de>, T>(map: &mut A, extra: &mut std::collections::BTreeMap<String, T>, key: Key<'de>) -> Result<(), A::Error> {
    let value = R::value(map)?;
    extra.insert(key.into_string(), value);
    Ok(())
}

/// How a field's value is written: `()` by its type's own `Serialize`, `(C,)` by codec `C`.
pub(crate) trait Write<T> {
    /// Writes a field of a struct.
    fn field<S: SerializeStruct>(state: &mut S, name: &'static str, value: &T) -> Result<(), S::Error>;
    /// Writes an entry of a map (a struct with `additional_properties`).
    fn entry<M: SerializeMap>(map: &mut M, key: &str, value: &T) -> Result<(), M::Error>;
}

impl<T: Serialize> Write<T> for () {
    fn field<S: SerializeStruct>(state: &mut S, name: &'static str, value: &T) -> Result<(), S::Error> {
        state.serialize_field(name, value)
    }
    fn entry<M: SerializeMap>(map: &mut M, key: &str, value: &T) -> Result<(), M::Error> {
        map.serialize_entry(key, value)
    }
}

impl<T, C: super::formats::Codec<T>> Write<T> for (C,) {
    fn field<S: SerializeStruct>(state: &mut S, name: &'static str, value: &T) -> Result<(), S::Error> {
        state.serialize_field(name, &super::formats::Ser::<C, T>::new(value))
    }
    fn entry<M: SerializeMap>(map: &mut M, key: &str, value: &T) -> Result<(), M::Error> {
        map.serialize_entry(key, &super::formats::Ser::<C, T>::new(value))
    }
}

/// The state of a struct or map being written, and the first error: each field's writer is a
/// plain call that does nothing once a write has failed, so the generated `serialize` has no
/// early return per field.
pub(crate) struct Out<S, E> {
    state: S,
    error: Option<E>,
}

impl<S, E> Out<S, E> {
    /// Starts writing into `state`.
    pub(crate) fn new(state: S) -> Self {
        Out { state, error: None }
    }

    /// Runs `write` on the state unless a write has failed already.
    fn then(&mut self, write: impl FnOnce(&mut S) -> Result<(), E>) {
        if self.error.is_none()
            && let Err(e) = write(&mut self.state)
        {
            self.error = Some(e);
        }
    }
}

impl<S: SerializeStruct> Out<S, S::Error> {
    /// Ends the struct, or returns the first error.
    pub(crate) fn end_struct(self) -> Result<S::Ok, S::Error> {
        match self.error {
            Some(e) => Err(e),
            None => self.state.end(),
        }
    }
}

impl<M: SerializeMap> Out<M, M::Error> {
    /// Ends the map, or returns the first error.
    pub(crate) fn end_map(self) -> Result<M::Ok, M::Error> {
        match self.error {
            Some(e) => Err(e),
            None => self.state.end(),
        }
    }
}

/// A required field: always written, and missing when absent.
pub(crate) mod required {
    use super::{Out, SerializeMap, SerializeStruct, Write};

    /// Writes the field.
    pub(crate) fn field<W: Write<T>, S: SerializeStruct, T>(out: &mut Out<S, S::Error>, name: &'static str, value: &T) {
        out.then(|state| W::field(state, name, value));
    }

    /// Writes the field as a map entry.
    pub(crate) fn entry<W: Write<T>, M: SerializeMap, T>(out: &mut Out<M, M::Error>, name: &'static str, value: &T) {
        out.then(|map| W::entry(map, name, value));
    }

    /// How many entries the field writes.
    pub(crate) fn len<T>(_: &T) -> usize {
        1
    }

    /// Whether the field is missing once the whole object has been read.
    pub(crate) fn missing<T>(slot: &Option<T>) -> bool {
        slot.is_none()
    }
}

/// An optional field (an `Option`): written when set, `None` when absent or `null`.
pub(crate) mod optional {
    use super::{Out, SerializeMap, SerializeStruct, Write};

    /// Writes the field when it is set.
    pub(crate) fn field<W: Write<Option<T>>, S: SerializeStruct, T>(out: &mut Out<S, S::Error>, name: &'static str, value: &Option<T>) {
        if value.is_some() {
            out.then(|state| W::field(state, name, value));
        }
    }

    /// Writes the field as a map entry when it is set.
    pub(crate) fn entry<W: Write<Option<T>>, M: SerializeMap, T>(out: &mut Out<M, M::Error>, name: &'static str, value: &Option<T>) {
        if value.is_some() {
            out.then(|map| W::entry(map, name, value));
        }
    }

    /// How many entries the field writes.
    pub(crate) fn len<T>(value: &Option<T>) -> usize {
        usize::from(value.is_some())
    }

    /// Whether the field is missing once the whole object has been read: never.
    pub(crate) fn missing<T>(_: &Option<T>) -> bool {
        false
    }

    /// The field's value: `None` when absent or `null`.
    pub(crate) fn value<T>(slot: Option<Option<T>>) -> Option<T> {
        slot.flatten()
    }
}

/// A field that is required but may be `null` (an `Option`), or required and write-only (never
/// returned): always written, `null` when unset; `None` when absent or `null`.
pub(crate) mod nullable {
    /// Written as a required field is: always, `null` when unset.
    pub(crate) use super::required::{entry, field, len};
    /// Read as an optional field is: never missing, `None` when absent or `null`.
    pub(crate) use super::optional::{missing, value};
}

/// Writes the `additional_properties` of a struct, each value with `W`.
pub(crate) fn extra_entries<W: Write<T>, M: SerializeMap, T>(out: &mut Out<M, M::Error>, extra: &std::collections::BTreeMap<String, T>) {
    for (key, value) in extra {
        out.then(|map| W::entry(map, key, value));
    }
}

/// The wire name of the first field whose flag says it is missing.
pub(crate) fn first_missing(fields: &[(bool, &'static str)]) -> Option<&'static str> {
    fields.iter().find(|(missing, _)| *missing).map(|(_, name)| *name)
}

/// A struct that [`object!`] reads: its name, its fields' wire names, and the reading of its
/// map. Every struct shares the one [`Visitor`] of [`read_object`], instead of declaring its
/// own.
pub(crate) trait Object: Sized {
    /// The Rust name (serde's derive names it so in errors: `expected struct Name`).
    const NAME: &'static str;
    /// The wire names of the fields, in order.
    const FIELDS: &'static [&'static str];
    /// Reads the struct from a map.
    fn visit_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// The `Deserialize` of every [`Object`]: a struct (a map), as serde's derive reads it.
pub(crate) fn read_object<'de, D: Deserializer<'de>, T: Object>(deserializer: D) -> Result<T, D::Error> {
    struct Fields<T>(std::marker::PhantomData<T>);
    impl<'de, T: Object> Visitor<'de> for Fields<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "struct {}", T::NAME)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::visit_map(map)
        }
    }
    deserializer.deserialize_struct(T::NAME, T::FIELDS, Fields(std::marker::PhantomData))
}

/// A struct's `Serialize` and `Deserialize`, from its fields, each `required(rust_name: Type =
/// "wire name")`, `optional(...)` or `nullable(...)` (the type an `Option`: see the modules of
/// those names), with `as Codec` when a typed format's codec writes and reads it; then `..` (or `.. as Codec`) when the struct keeps other properties
/// in `additional_properties`.
///
/// `Deserialize` is [`read_object`] with the struct's [`Object`] impl: one `visit_map` matching
/// keys as strings. The locals holding the fields'
/// values take the fields' names, which cannot clash with the macro's own (`map`, `key`,
/// `state`: hygiene); the macro's type names (`__D`, `__A`, `__S`), which hygiene
/// does not cover, cannot be a generated type's (those are `UpperCamelCase`). The locals are
/// given their types: left to inference, the compiler would carry every field's pending
/// `Deserialize` obligation through the whole function. Errors leave the loop through one `?`,
/// and the fields are checked for presence once, by [`first_missing`], then moved out of a
/// single `match`.
macro_rules! object {
    ($name:ident { $($kind:ident($field:ident: $ty:ty = $wire:literal $(as $codec:ty)?)),* $(,)? } .. $(as $extra:ty)?) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                let mut out = $crate::runtime::wire::Out::new(::serde::Serializer::serialize_map(serializer, ::std::option::Option::None)?);
                $($crate::runtime::wire::$kind::entry::<($($codec,)?), _, _>(&mut out, $wire, &self.$field);)*
                $crate::runtime::wire::extra_entries::<($($extra,)?), _, _>(&mut out, &self.additional_properties);
                out.end_map()
            }
        }
        $crate::runtime::wire::object! { @read $name { $($kind($field: $ty = $wire $(as $codec)?)),* } map key {
            let mut additional_properties = ::std::collections::BTreeMap::new();
        } {
            $crate::runtime::wire::extra::<($($extra,)?), _, _>(&mut map, &mut additional_properties, key)
        } { additional_properties } }
    };
    ($name:ident { $($kind:ident($field:ident: $ty:ty = $wire:literal $(as $codec:ty)?)),* $(,)? }) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                let len = 0 $(+ $crate::runtime::wire::$kind::len(&self.$field))*;
                let mut out = $crate::runtime::wire::Out::new(::serde::Serializer::serialize_struct(serializer, ::std::stringify!($name), len)?);
                $($crate::runtime::wire::$kind::field::<($($codec,)?), _, _>(&mut out, $wire, &self.$field);)*
                out.end_struct()
            }
        }
        $crate::runtime::wire::object! { @read $name { $($kind($field: $ty = $wire $(as $codec)?)),* } map key {} {
            $crate::runtime::wire::skip(&mut map)
        } {} }
    };
    (@present required $field:ident) => { ::std::option::Option::Some($field) };
    (@present $kind:ident $field:ident) => { $field };
    (@value required $field:ident) => { $field };
    (@value $kind:ident $field:ident) => { $crate::runtime::wire::$kind::value($field) };
    (@read $name:ident { $($kind:ident($field:ident: $ty:ty = $wire:literal $(as $codec:ty)?)),* } $map:ident $key:ident { $($before:tt)* } { $($other:tt)* } { $($init:tt)* }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                $crate::runtime::wire::read_object(deserializer)
            }
        }
        impl $crate::runtime::wire::Object for $name {
            const NAME: &'static str = ::std::stringify!($name);
            const FIELDS: &'static [&'static str] = &[$($wire),*];
            fn visit_map<'de, __A: ::serde::de::MapAccess<'de>>(mut $map: __A) -> ::std::result::Result<$name, __A::Error> {
                $(let mut $field: ::std::option::Option<$ty> = ::std::option::Option::None;)*
                $($before)*
                while let ::std::option::Option::Some($key) = $map.next_key::<$crate::runtime::wire::Key<'de>>()? {
                    match $key.as_str() {
                        $($wire => $crate::runtime::wire::read::<($($codec,)?), _, _>(&mut $map, &mut $field, $wire),)*
                        _ => $($other)*,
                    }?;
                }
                let missing = $crate::runtime::wire::first_missing(&[$(($crate::runtime::wire::$kind::missing(&$field), $wire)),*]);
                match ($($field,)*) {
                    ($($crate::runtime::wire::object!(@present $kind $field),)*) => {
                        ::std::result::Result::Ok($name { $($field: $crate::runtime::wire::object!(@value $kind $field),)* $($init)* })
                    }
                    #[allow(unreachable_patterns)]
                    _ => ::std::result::Result::Err(<__A::Error as ::serde::de::Error>::missing_field(missing.unwrap_or_default())),
                }
            }
        }
    };
}
pub(crate) use object;
