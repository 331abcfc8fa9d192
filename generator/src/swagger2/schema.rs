//! Schema objects: 2.0's are nearly 3.0's; the differences are `x-nullable`, `type: file`, the
//! `discriminator` (a property name in 2.0) and where `$ref`s point.

use super::refs;
use serde_json::{Map, Value, json};

/// How deep schemas are walked (a document nests nothing this deep; a hostile one stops here).
const WALK_LIMIT: usize = crate::resolve::WALK_LIMIT;

/// Keys whose value is one schema.
const ONE: &[&str] = &["additionalProperties", "not", "items"];
/// Keys whose value is a list of schemas.
const LIST: &[&str] = &["allOf", "anyOf", "oneOf"];

/// A Swagger 2.0 schema as an OpenAPI 3.0 schema:
/// - `x-nullable: true` → `nullable: true` (a `$ref` beside it becomes `allOf: [$ref]`, since
///   3.0 ignores the siblings of a `$ref`); `x-nullable: false` is dropped;
/// - `type: file` → `type: string, format: binary`;
/// - `discriminator: petType` → `discriminator: {propertyName: petType}`;
/// - `$ref`s rewritten ([`refs::rewrite`]).
///
/// Everything else (`readOnly`, `example`, `allOf`, `additionalProperties`, `xml`, `x-*`) is
/// kept as written; examples and defaults are data and are not walked.
pub(super) fn convert(v: Value, depth: usize) -> Value {
    let Value::Object(mut map) = v else { return v };
    if depth > WALK_LIMIT {
        return Value::Object(map);
    }
    if let Some(Value::String(r)) = map.get_mut("$ref") {
        *r = refs::rewrite(r);
    }
    let nullable = match map.remove("x-nullable") {
        Some(Value::Bool(b)) => b,
        Some(other) => {
            // Not a boolean: kept as the extension it then is.
            map.insert("x-nullable".into(), other);
            false
        }
        None => false,
    };
    if map.get("type").and_then(Value::as_str) == Some("file") {
        map.insert("type".into(), json!("string"));
        map.insert("format".into(), json!("binary"));
    }
    if let Some(Value::String(name)) = map.get("discriminator") {
        let name = name.clone();
        map.insert("discriminator".into(), json!({ "propertyName": name }));
    }
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        for (_, p) in props.iter_mut() {
            *p = convert(std::mem::take(p), depth + 1);
        }
    }
    for key in ONE {
        match map.get_mut(*key) {
            Some(v @ Value::Object(_)) => *v = convert(std::mem::take(v), depth + 1),
            // `items` as a list (not 2.0, but seen): each one.
            Some(Value::Array(items)) => items.iter_mut().for_each(|i| *i = convert(std::mem::take(i), depth + 1)),
            _ => {}
        }
    }
    for key in LIST {
        if let Some(Value::Array(items)) = map.get_mut(*key) {
            items.iter_mut().for_each(|i| *i = convert(std::mem::take(i), depth + 1));
        }
    }
    for (key, value) in map.iter_mut() {
        if key.starts_with("x-") {
            refs::rewrite_all(value, depth + 1);
        }
    }
    if nullable {
        if map.contains_key("$ref") {
            let reference = map.remove("$ref").unwrap_or(Value::Null);
            let mut wrapped = Map::new();
            wrapped.insert("allOf".into(), json!([{ "$ref": reference }]));
            wrapped.extend(map);
            map = wrapped;
        }
        map.insert("nullable".into(), Value::Bool(true));
    }
    Value::Object(map)
}
