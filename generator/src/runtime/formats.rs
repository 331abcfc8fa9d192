//! How typed formats travel on the wire.
//!
//! A field whose Rust type differs from its JSON form (a `format: byte` string held as bytes, an
//! integer the document carries as a string, a date-time read leniently) names a *codec* in its
//! serde attribute: `#[serde(with = "As::<Opt<B64>>")]`. A codec says how one type is written
//! and read; [`Opt`], [`Seq`], [`Map`] and [`Boxed`] apply one inside the container, and [`Same`]
//! is the type's own serde. Reading is generous (a number where a string is documented, base64 of
//! either alphabet, dates without an offset); writing is always the documented form.
//!
//! A value that does not read fails the whole body's decoding, and the call's `Error::Decode`
//! keeps the raw body: nothing is lost.

use serde::de::{DeserializeOwned, Deserializer};
use serde::ser::{SerializeMap, SerializeSeq, SerializeTuple, Serializer};
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

/// How a `T` is written and read.
pub(crate) trait Codec<T> {
    /// Writes `value` in its wire form.
    fn encode<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error>;
    /// Reads a value from its wire form.
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>;
}

/// The serde `with` module of a codec: `#[serde(with = "As::<C>")]`.
pub(crate) struct As<C>(PhantomData<C>);

impl<C> As<C> {
    pub(crate) fn serialize<T, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
    where
        C: Codec<T>,
    {
        C::encode(value, serializer)
    }

    pub(crate) fn deserialize<'de, T, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>
    where
        C: Codec<T>,
    {
        C::decode(deserializer)
    }
}

/// A borrowed value written with codec `C` (a request body, a parameter).
pub(crate) struct Ser<'a, C, T>(&'a T, PhantomData<C>);

impl<'a, C, T> Ser<'a, C, T> {
    pub(crate) fn new(value: &'a T) -> Self {
        Self(value, PhantomData)
    }
}

impl<C: Codec<T>, T> Serialize for Ser<'_, C, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        C::encode(self.0, serializer)
    }
}

/// A value read with codec `C` (a response body, a header).
pub(crate) struct De<C, T>(T, PhantomData<C>);

impl<C, T> De<C, T> {
    pub(crate) fn into_inner(self) -> T {
        self.0
    }
}

impl<'de, C: Codec<T>, T> Deserialize<'de> for De<C, T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        C::decode(deserializer).map(|v| Self(v, PhantomData))
    }
}

/// The type's own serde.
pub(crate) struct Same;

impl<T: Serialize + DeserializeOwned> Codec<T> for Same {
    fn encode<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }
}

/// `Option<T>`, `T` by `C`.
pub(crate) struct Opt<C>(PhantomData<C>);

impl<T, C: Codec<T>> Codec<Option<T>> for Opt<C> {
    fn encode<S: Serializer>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serializer.serialize_some(&Ser::<C, T>::new(v)),
            None => serializer.serialize_none(),
        }
    }
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
        Ok(Option::<De<C, T>>::deserialize(deserializer)?.map(De::into_inner))
    }
}

/// `Vec<T>`, each item by `C`.
pub(crate) struct Seq<C>(PhantomData<C>);

impl<T, C: Codec<T>> Codec<Vec<T>> for Seq<C> {
    fn encode<S: Serializer>(value: &Vec<T>, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(value.len()))?;
        for v in value {
            seq.serialize_element(&Ser::<C, T>::new(v))?;
        }
        seq.end()
    }
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
        Ok(Vec::<De<C, T>>::deserialize(deserializer)?.into_iter().map(De::into_inner).collect())
    }
}

/// `BTreeMap<String, T>`, each value by `C`.
pub(crate) struct Map<C>(PhantomData<C>);

impl<T, C: Codec<T>> Codec<std::collections::BTreeMap<String, T>> for Map<C> {
    fn encode<S: Serializer>(value: &std::collections::BTreeMap<String, T>, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(value.len()))?;
        for (k, v) in value {
            map.serialize_entry(k, &Ser::<C, T>::new(v))?;
        }
        map.end()
    }
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<std::collections::BTreeMap<String, T>, D::Error> {
        let map = std::collections::BTreeMap::<String, De<C, T>>::deserialize(deserializer)?;
        Ok(map.into_iter().map(|(k, v)| (k, v.into_inner())).collect())
    }
}

/// `Box<T>`, `T` by `C`.
pub(crate) struct Boxed<C>(PhantomData<C>);

impl<T, C: Codec<T>> Codec<Box<T>> for Boxed<C> {
    fn encode<S: Serializer>(value: &Box<T>, serializer: S) -> Result<S::Ok, S::Error> {
        C::encode(value, serializer)
    }
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Box<T>, D::Error> {
        C::decode(deserializer).map(Box::new)
    }
}

/// Tuples (`prefixItems`), each member by its own codec.
macro_rules! tuple_codec {
    ($name:ident: $($c:ident $t:ident $i:tt),+) => {
        #[doc = " A tuple, each member by its own codec."]
        pub(crate) struct $name<$($c),+>(PhantomData<($($c,)+)>);

        impl<$($t, $c: Codec<$t>),+> Codec<($($t,)+)> for $name<$($c),+> {
            fn encode<S: Serializer>(value: &($($t,)+), serializer: S) -> Result<S::Ok, S::Error> {
                let mut tuple = serializer.serialize_tuple([$($i),+].len())?;
                $(tuple.serialize_element(&Ser::<$c, $t>::new(&value.$i))?;)+
                tuple.end()
            }
            fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<($($t,)+), D::Error> {
                let members = <($(De<$c, $t>,)+)>::deserialize(deserializer)?;
                Ok(($(members.$i.into_inner(),)+))
            }
        }
    };
}
tuple_codec!(Tuple1: C0 T0 0);
tuple_codec!(Tuple2: C0 T0 0, C1 T1 1);
tuple_codec!(Tuple3: C0 T0 0, C1 T1 1, C2 T2 2);
tuple_codec!(Tuple4: C0 T0 0, C1 T1 1, C2 T2 2, C3 T3 3);
tuple_codec!(Tuple5: C0 T0 0, C1 T1 1, C2 T2 2, C3 T3 3, C4 T4 4);
tuple_codec!(Tuple6: C0 T0 0, C1 T1 1, C2 T2 2, C3 T3 3, C4 T4 4, C5 T5 5);

/// An integer the document carries as a JSON string (`type: string, format: int64`): written as
/// a string, read from a string or, generously, from a number.
pub(crate) struct IntText;

impl<T> Codec<T> for IntText
where
    T: std::str::FromStr + std::fmt::Display + TryFrom<i64> + TryFrom<u64>,
{
    fn encode<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        struct Visit<T>(PhantomData<T>);
        impl<T: std::str::FromStr + TryFrom<i64> + TryFrom<u64>> serde::de::Visitor<'_> for Visit<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an integer, as a string or a number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
                let t = v.trim();
                t.strip_prefix('+').unwrap_or(t).parse().map_err(|_| E::custom(format_args!("`{v}` is not an integer in range")))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<T, E> {
                T::try_from(v).map_err(|_| E::custom(format_args!("{v} is out of range")))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<T, E> {
                T::try_from(v).map_err(|_| E::custom(format_args!("{v} is out of range")))
            }
        }
        deserializer.deserialize_any(Visit(PhantomData))
    }
}

#[cfg(test)]
mod codec_tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Ids {
        #[serde(with = "As::<IntText>")]
        id: i64,
        #[serde(default, skip_serializing_if = "Option::is_none", with = "As::<Opt<IntText>>")]
        big: Option<u64>,
        #[serde(default, with = "As::<Seq<IntText>>")]
        list: Vec<i32>,
        #[serde(default, with = "As::<Map<Boxed<IntText>>>")]
        map: std::collections::BTreeMap<String, Box<i64>>,
        #[serde(default, with = "As::<Opt<Tuple2<IntText, Same>>>")]
        pair: Option<(i64, String)>,
    }

    #[test]
    fn integers_as_strings_are_written_as_strings_and_read_from_either() {
        let v: Ids = serde_json::from_str(r#"{"id":"-9007199254740993","big":18446744073709551615,"list":["1", 2],"map":{"a":" 7 "},"pair":["3","x"]}"#).unwrap();
        assert_eq!(v.id, -9007199254740993);
        assert_eq!(v.big, Some(u64::MAX));
        assert_eq!(v.list, vec![1, 2]);
        assert_eq!(*v.map["a"], 7);
        assert_eq!(v.pair, Some((3, "x".to_string())));
        let back = serde_json::to_string(&v).unwrap();
        assert_eq!(back, r#"{"id":"-9007199254740993","big":"18446744073709551615","list":["1","2"],"map":{"a":"7"},"pair":["3","x"]}"#);
        let missing: Ids = serde_json::from_str(r#"{"id":"1"}"#).unwrap();
        assert_eq!((missing.big, missing.list.len(), missing.pair), (None, 0, None));
    }

    #[test]
    fn integers_out_of_range_or_not_integers_fail() {
        for bad in [r#"{"id":"12x"}"#, r#"{"id":"1.5"}"#, r#"{"id":true}"#, r#"{"id":"99999999999999999999"}"#] {
            assert!(serde_json::from_str::<Ids>(bad).is_err(), "{bad}");
        }
        let e = serde_json::from_str::<Ids>(r#"{"id":"1","list":[3000000000]}"#).unwrap_err();
        assert!(e.to_string().contains("out of range"), "{e}");
    }
}
