//! The types' compact serde impls (`runtime::wire`, the default) read and write as serde's derive
//! does. `tests/clients/serde` and `tests/clients/serde-derive` are generated from the same
//! document (`tests/fixtures/specs/serde.yaml`), the second with `serde = "derive"`; each input
//! below is read by both, three ways (from text, from a `serde_json::Value`, and through serde's
//! buffered `Content`, as an untagged union reads its variants), and must give the same value or
//! the same error. Values are compared as they are written: the JSON text, and the calls a
//! serializer receives ([`trace`]: struct or map, its name and length hint, the fields in
//! order), which formats other than JSON depend on.

use fixture_serde::types as compact;
use fixture_serde_derive::types as derived;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Reads a value through serde's buffered `Content`, as an untagged enum reads its variants.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Buffered<T> {
    One(T),
}

/// What one reader made of an input: the value written back as JSON, or the error's message.
fn read<T: DeserializeOwned + Serialize>(how: &str, input: &str) -> Result<Value, String> {
    let value: Result<T, String> = match how {
        "text" => serde_json::from_str(input).map_err(|e| e.to_string()),
        "value" => serde_json::from_str::<Value>(input).map_err(|e| e.to_string()).and_then(|v| serde_json::from_value(v).map_err(|e| e.to_string())),
        "buffered" => serde_json::from_str::<Buffered<T>>(input).map(|Buffered::One(t)| t).map_err(|e| e.to_string()),
        _ => unreachable!("{how}"),
    };
    value.map(|v| {
        let text = serde_json::to_string(&v).expect("a decoded value writes back");
        Value::String(format!("{text}\n{}", trace(&v).expect("a decoded value traces")))
    })
}

/// The calls a serializer receives for `value`, as text: `struct Name(3) { a: "x", b: 1 }`,
/// `map(None) { "k": 1 }`, `Some(..)`, sequences, scalars by their `Debug`.
fn trace<T: Serialize + ?Sized>(value: &T) -> Result<String, TraceError> {
    value.serialize(Tracer)
}

#[derive(Debug)]
struct TraceError(String);

impl std::fmt::Display for TraceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TraceError {}

impl serde::ser::Error for TraceError {
    fn custom<M: std::fmt::Display>(msg: M) -> Self {
        Self(msg.to_string())
    }
}

struct Tracer;

/// A struct, map or sequence being traced: its opening and its parts so far.
struct Compound(String, Vec<String>);

impl Compound {
    fn close(self) -> Result<String, TraceError> {
        Ok(format!("{} {{ {} }}", self.0, self.1.join(", ")))
    }
}

macro_rules! scalars {
    ($($method:ident($ty:ty)),*) => {
        $(fn $method(self, v: $ty) -> Result<String, TraceError> { Ok(format!("{v:?}")) })*
    };
}

impl serde::Serializer for Tracer {
    type Ok = String;
    type Error = TraceError;
    type SerializeSeq = Compound;
    type SerializeTuple = Compound;
    type SerializeTupleStruct = Compound;
    type SerializeTupleVariant = Compound;
    type SerializeMap = Compound;
    type SerializeStruct = Compound;
    type SerializeStructVariant = Compound;

    scalars!(serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32), serialize_i64(i64), serialize_i128(i128),
        serialize_u8(u8), serialize_u16(u16), serialize_u32(u32), serialize_u64(u64), serialize_u128(u128), serialize_f32(f32),
        serialize_f64(f64), serialize_char(char), serialize_bytes(&[u8]));

    /// A string starting with `FAIL` is refused, so that tests can see which error a writer
    /// that fails partway returns.
    fn serialize_str(self, v: &str) -> Result<String, TraceError> {
        if v.starts_with("FAIL") { Err(TraceError(format!("refused {v:?}"))) } else { Ok(format!("{v:?}")) }
    }

    fn serialize_none(self) -> Result<String, TraceError> {
        Ok("None".into())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, TraceError> {
        Ok(format!("Some({})", trace(value)?))
    }
    fn serialize_unit(self) -> Result<String, TraceError> {
        Ok("()".into())
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<String, TraceError> {
        Ok(name.into())
    }
    fn serialize_unit_variant(self, name: &'static str, _: u32, variant: &'static str) -> Result<String, TraceError> {
        Ok(format!("{name}::{variant}"))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result<String, TraceError> {
        Ok(format!("{name}({})", trace(value)?))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, name: &'static str, _: u32, variant: &'static str, value: &T) -> Result<String, TraceError> {
        Ok(format!("{name}::{variant}({})", trace(value)?))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound, TraceError> {
        Ok(Compound(format!("seq({len:?})"), Vec::new()))
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound, TraceError> {
        Ok(Compound(format!("tuple({len})"), Vec::new()))
    }
    fn serialize_tuple_struct(self, name: &'static str, len: usize) -> Result<Compound, TraceError> {
        Ok(Compound(format!("tuple struct {name}({len})"), Vec::new()))
    }
    fn serialize_tuple_variant(self, name: &'static str, _: u32, variant: &'static str, len: usize) -> Result<Compound, TraceError> {
        Ok(Compound(format!("tuple variant {name}::{variant}({len})"), Vec::new()))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound, TraceError> {
        Ok(Compound(format!("map({len:?})"), Vec::new()))
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Compound, TraceError> {
        Ok(Compound(format!("struct {name}({len})"), Vec::new()))
    }
    fn serialize_struct_variant(self, name: &'static str, _: u32, variant: &'static str, len: usize) -> Result<Compound, TraceError> {
        Ok(Compound(format!("struct variant {name}::{variant}({len})"), Vec::new()))
    }
}

/// One part of a sequence, tuple or tuple struct.
macro_rules! elements {
    ($($trait:ident :: $method:ident),*) => {
        $(impl serde::ser::$trait for Compound {
            type Ok = String;
            type Error = TraceError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TraceError> {
                self.1.push(trace(value)?);
                Ok(())
            }
            fn end(self) -> Result<String, TraceError> {
                self.close()
            }
        })*
    };
}

elements!(SerializeSeq::serialize_element, SerializeTuple::serialize_element, SerializeTupleStruct::serialize_field, SerializeTupleVariant::serialize_field);

/// One named field of a struct or struct variant. The derive also reports the fields it skips
/// (`skip_field`); the default does nothing, as JSON and the other formats do, so skips are not
/// compared.
macro_rules! fields {
    ($($trait:ident),*) => {
        $(impl serde::ser::$trait for Compound {
            type Ok = String;
            type Error = TraceError;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), TraceError> {
                self.1.push(format!("{key}: {}", trace(value)?));
                Ok(())
            }
            fn end(self) -> Result<String, TraceError> {
                self.close()
            }
        })*
    };
}

fields!(SerializeStruct, SerializeStructVariant);

impl serde::ser::SerializeMap for Compound {
    type Ok = String;
    type Error = TraceError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), TraceError> {
        self.1.push(format!("{}: ", trace(key)?));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TraceError> {
        let last = self.1.last_mut().ok_or_else(|| TraceError("a value before its key".into()))?;
        last.push_str(&trace(value)?);
        Ok(())
    }
    fn end(self) -> Result<String, TraceError> {
        self.close()
    }
}

#[test]
fn a_write_that_fails_partway_returns_the_first_error_as_the_derive_does() {
    // A struct: `name` fails first, then the child's name would.
    let child = compact::Child::new("FAIL-1").children(vec![compact::Child::new("FAIL-2")]);
    let derived_child = derived::Child::new("FAIL-1").children(vec![derived::Child::new("FAIL-2")]);
    assert_eq!(trace(&child).unwrap_err().0, r#"refused "FAIL-1""#);
    assert_eq!(trace(&derived_child).unwrap_err().0, r#"refused "FAIL-1""#);
    // A map (a struct with `additionalProperties`): a known field, then an extra key.
    let mut counters = compact::Counters::new(1).additional_properties_2("FAIL-1");
    counters.additional_properties.insert("FAIL-2".into(), 2);
    let mut derived_counters = derived::Counters::new(1).additional_properties_2("FAIL-1");
    derived_counters.additional_properties.insert("FAIL-2".into(), 2);
    assert_eq!(trace(&counters).unwrap_err().0, r#"refused "FAIL-1""#);
    assert_eq!(trace(&derived_counters).unwrap_err().0, r#"refused "FAIL-1""#);
    // Only the extra key fails: the error still comes out.
    counters.additional_properties_2 = None;
    assert_eq!(trace(&counters).unwrap_err().0, r#"refused "FAIL-2""#);
}

#[test]
fn the_tracer_sees_what_json_hides() {
    // A struct's length hint and its fields' order, which `serde_json` ignores or normalises.
    let child = compact::Child::new("c");
    assert_eq!(trace(&child).unwrap(), r#"struct Child(1) { name: "c" }"#);
    let child = compact::Child::new("c").children(vec![compact::Child::new("g")]);
    assert_eq!(trace(&child).unwrap(), r#"struct Child(2) { name: "c", children: Some(seq(Some(1)) { struct Child(1) { name: "g" } }) }"#);
}

/// Asserts that `C` (compact) and `D` (derived) agree on every input, read every way: the same
/// value, or both an error; the same message for the errors a user acts on (a missing or
/// duplicate field, an unknown enum value). Where the derive's message for a value of the wrong
/// type differs (`expected value` for an enum, a generic one through `Content`), the compact
/// one is checked to say what was expected instead. Returns how many inputs each accepted, so a
/// caller can check the inputs exercise both outcomes.
fn agree<C, D>(ty: &str, inputs: &[&str]) -> (usize, usize)
where
    C: DeserializeOwned + Serialize,
    D: DeserializeOwned + Serialize,
{
    let (mut ok, mut err) = (0, 0);
    let mut disagreements = Vec::new();
    for input in inputs {
        for how in ["text", "value", "buffered"] {
            let (c, d) = (read::<C>(how, input), read::<D>(how, input));
            let same = match (&c, &d) {
                (Ok(c), Ok(d)) => c == d,
                (Err(c), Err(d)) => {
                    let acted_on = ["missing field", "duplicate field", "unknown variant"];
                    c == d || (!acted_on.iter().any(|m| d.contains(m)) && (c.contains("expected") || c.contains("did not match")))
                }
                _ => false,
            };
            if !same {
                disagreements.push(format!("{ty}, read from {how}, on {input}:\n  compact: {c:?}\n  derived: {d:?}"));
            }
            if how == "text" {
                if c.is_ok() { ok += 1 } else { err += 1 }
            }
        }
    }
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
    (ok, err)
}

const RECORD_FULL: &str = r#"{"id": "r1", "createdAt": "2024-05-01T10:00:00Z", "updated_at": "2024-05-02T10:00:00+02:00", "day": "2024-05-01",
  "type": "t", "tags": ["a", "b"], "nullableNote": null, "count": 5, "ratio": 1.5, "payload": "aGVsbG8=", "big": "9007199254740993",
  "stamps": ["2024-05-01T10:00:00Z", "2024-05-01 11:00:00"], "map": 3, "key": true, "deserializer": "d", "f0": "x", "secret": "s",
  "status": "in-review", "level": "high", "child": {"name": "c", "children": [{"name": "g", "children": []}]}, "kind": "record",
  "anything": {"x": [1, null, {"y": "z"}]}}"#;

#[test]
fn records_read_alike() {
    let min = |extra: &str| format!(r#"{{"id": "r1", "createdAt": "2024-05-01T10:00:00Z", "type": "t", "tags": [], "nullableNote": "n", "map": 1, "key": false, "secret": "s"{extra}}}"#);
    let inputs = [
        RECORD_FULL.to_string(),
        min(""),
        // Left out: a required field, a required field read through a codec, a nullable
        // required field, a write-only required field (never returned).
        r#"{"createdAt": "2024-05-01T10:00:00Z", "type": "t", "tags": [], "nullableNote": "n", "map": 1, "key": false}"#.to_string(),
        r#"{"id": "r1", "type": "t", "tags": [], "nullableNote": "n", "map": 1, "key": false}"#.to_string(),
        r#"{"id": "r1", "createdAt": "2024-05-01T10:00:00Z", "type": "t", "tags": [], "map": 1, "key": false}"#.to_string(),
        // Given twice: a known field (an error), an unknown one (skipped).
        min(r#", "id": "again""#),
        min(r#", "createdAt": "2024-05-01T10:00:00Z""#),
        min(r#", "other": 1, "other": 2"#),
        // Unknown keys of every shape are skipped.
        min(r#", "zzz": {"deep": [1, {"x": null}]}, "n": 1e300, "s": "\u00e9""#),
        // `null` where a required field is not nullable; where an optional one is.
        r#"{"id": null, "createdAt": "2024-05-01T10:00:00Z", "type": "t", "tags": [], "nullableNote": "n", "map": 1, "key": false}"#.to_string(),
        min(r#", "updated_at": null, "count": null, "status": null, "nullableNote": null"#),
        // Wrong types, inside and outside codecs.
        min(r#", "tags": "a""#).replacen(r#""tags": [], "#, "", 1),
        min(r#", "count": "5""#),
        min(r#", "payload": "not base64!""#),
        min(r#", "big": 12"#),
        min(r#", "big": "twelve""#),
        min(r#", "updated_at": "2024-05-02""#),
        min(r#", "updated_at": 5"#),
        min(r#", "stamps": ["2024-05-01T10:00:00Z", "then"]"#),
        // Enums: known values, an empty one, unknown ones, a value named like the catch-all.
        min(r#", "status": "paused", "level": "low""#),
        min(r#", "status": """#),
        min(r#", "status": "gone""#),
        min(r#", "status": 3"#),
        min(r#", "level": "medium""#),
        min(r#", "level": "unknown""#),
        min(r#", "level": "High""#),
        min(r#", "kind": "record""#),
        min(r#", "kind": "other""#),
        // Keys written with escapes (not borrowed from the input).
        r#"{"i\u0064": "r1", "createdAt": "2024-05-01T10:00:00Z", "typ\u0065": "t", "tags": [], "nullableNote": "n", "map": 1, "key": false}"#.to_string(),
        // Nested types, and errors inside them.
        min(r#", "child": {"name": "c"}"#),
        min(r#", "child": {"children": []}"#),
        min(r#", "child": {"name": "c", "children": [{"name": 1}]}"#),
        // Not an object at all.
        r#""r1""#.to_string(),
        "null".to_string(),
        "12".to_string(),
    ];
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let (ok, err) = agree::<compact::Record, derived::Record>("Record", &inputs);
    assert!(ok >= 10 && err >= 15, "the inputs exercise both outcomes: {ok} read, {err} refused");
}

#[test]
fn enums_read_and_write_alike() {
    let statuses = [r#""active""#, r#""in-review""#, r#""""#, r#""Active""#, "1", "null", "[]", r#"{}"#];
    agree::<compact::Status, derived::Status>("Status", &statuses);
    let levels = [r#""low""#, r#""unknown""#, r#""medium""#, r#""""#];
    agree::<compact::Level, derived::Level>("Level", &levels);
    // Written as unit variants with the derive's indexes (what formats other than JSON keep).
    let failures = [r#""disk-error""#, r#""network-error""#, r#""HTTP-error""#, r#""http-error""#];
    let (ok, err) = agree::<compact::Failure, derived::Failure>("Failure", &failures);
    assert_eq!((ok, err), (3, 1));
    assert_eq!(trace(&compact::Failure::NetworkError).unwrap(), "Failure::network-error");
    assert_eq!(trace(&compact::Failure::NetworkError).unwrap(), trace(&derived::Failure::NetworkError).unwrap());
    // Written as their wire values, the catch-all as the value it kept.
    assert_eq!(serde_json::to_string(&compact::Status::InReview).unwrap(), serde_json::to_string(&derived::Status::InReview).unwrap());
    let kept: compact::Level = serde_json::from_str(r#""medium""#).unwrap();
    assert_eq!(kept.as_str(), "medium");
    assert_eq!(serde_json::to_string(&kept).unwrap(), r#""medium""#);
}

#[test]
fn enum_errors_name_the_known_values() {
    // Both say which values exist; the derive says so too.
    let e = serde_json::from_str::<compact::Status>(r#""gone""#).unwrap_err().to_string();
    assert_eq!(e, serde_json::from_str::<derived::Status>(r#""gone""#).unwrap_err().to_string());
    assert!(e.contains("unknown variant `gone`, expected one of `active`, `paused`, `in-review`, ``"), "{e}");
}

#[test]
fn other_properties_are_kept_alike() {
    let counters = [
        r#"{"total": 1, "a": 2, "b": 3}"#,
        r#"{"total": 1}"#,
        // The property named like the map, and the map's own entries.
        r#"{"total": 1, "additional_properties": "named", "x": 4}"#,
        r#"{"total": 1, "x": "not an integer"}"#,
        r#"{"a": 1}"#,
        r#"{"total": 1, "x": 1, "x": 2}"#,
        r#"{"total": 1, "total": 2}"#,
        r#"{"total": 1, "x": null}"#,
    ];
    let (ok, err) = agree::<compact::Counters, derived::Counters>("Counters", &counters);
    assert!(ok >= 3 && err >= 3, "{ok} read, {err} refused");
    let schedules = [r#"{"name": "n", "a": "2024-01-01T00:00:00Z", "b": "2024-01-01 10:00"}"#, r#"{"b": "not a date"}"#, "{}", r#"{"name": null}"#];
    agree::<compact::Schedule, derived::Schedule>("Schedule", &schedules);
    let bags = [r#"{"a": 1, "b": [true]}"#, "{}", "[]", r#""x""#];
    agree::<compact::Bag, derived::Bag>("Bag", &bags);
    // Read back, the entries are where the derive puts them.
    let c: compact::Counters = serde_json::from_str(counters[2]).unwrap();
    assert_eq!(c.additional_properties_2.as_deref(), Some("named"));
    assert_eq!(c.additional_properties.get("x"), Some(&4));
}

#[test]
fn unions_choose_alike() {
    let shapes = [r#"{"radius": 1.5}"#, r#"{"side": 2}"#, r#"{"radius": 1, "label": "l"}"#, r#"{"side": 2, "radius": 1}"#, r#"{"x": 1}"#, r#"{"radius": "big"}"#, "[]"];
    let (ok, err) = agree::<compact::Shape, derived::Shape>("Shape", &shapes);
    assert!(ok >= 4 && err >= 2, "{ok} read, {err} refused");
    let animals = [r#"{"pet": "Cat", "lives": 9}"#, r#"{"pet": "Dog", "good": true}"#, r#"{"pet": "Cat"}"#, r#"{"pet": "Bird"}"#, "{}"];
    let (ok, err) = agree::<compact::Animal, derived::Animal>("Animal", &animals);
    assert!(ok >= 2 && err >= 2, "{ok} read, {err} refused");
}

#[test]
fn structs_are_read_from_objects_only() {
    // The one difference: serde's derive also reads a struct from an array of its fields in
    // order, which no JSON API sends; the compact impl refuses it, naming what it expected.
    let e = serde_json::from_str::<compact::Child>(r#"["c", []]"#).unwrap_err().to_string();
    assert!(e.contains("invalid type: sequence, expected struct Child"), "{e}");
    assert!(serde_json::from_str::<derived::Child>(r#"["c", []]"#).is_ok());
    // And the derive reads an enum's value from serde's externally tagged form too (`{"active":
    // null}`); the compact impl reads the string only.
    assert!(serde_json::from_str::<compact::Status>(r#"{"active": null}"#).is_err());
    assert!(serde_json::from_str::<derived::Status>(r#"{"active": null}"#).is_ok());
}

#[test]
fn types_named_like_the_impls_own_items_read_alike() {
    // `D`, `A`, `S`, `Fields`, `Visitor`, `Key`: the names of generic parameters and items a
    // hand-written impl might use; the generated crate compiling is half the test.
    let inputs = [
        r#"{"a": "x", "s": "new", "fields": {"key": {"map": "m"}}, "visitor": {"value": "v"}}"#,
        r#"{"a": "x", "visitor": {}}"#,
        r#"{"a": "z"}"#,
        r#"{"s": "x"}"#,
    ];
    let (ok, err) = agree::<compact::D, derived::D>("D", &inputs);
    assert_eq!((ok, err), (1, 3));
}
