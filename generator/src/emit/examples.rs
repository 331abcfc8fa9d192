//! The example in each method's docs: a call with every required argument, built from the
//! document's examples where it has them and from the types otherwise, as Rust a user would
//! write (`types::Pet::new("Rex", types::Kind::Cat).nickname("R")`). The examples are `no_run`
//! doctests, so `cargo test --doc` proves that each one matches the API it documents.

use crate::ir::{Api, Field, Operation, TypeDef, TypeKind, TypeRef};
use serde_json::Value;
use std::collections::BTreeMap;

/// Nesting of constructors an example spells out; deeper values are read from JSON.
const MAX_DEPTH: usize = 4;
/// Optional fields an example sets (those the document's example has), per struct.
const MAX_SETTERS: usize = 3;
/// Items an example list shows.
const MAX_ITEMS: usize = 2;
/// Lines longer than this are broken before each call of the chain.
const MAX_LINE: usize = 96;

/// Builds the examples of one crate's methods.
pub struct Examples<'a> {
    api: &'a Api,
    types: BTreeMap<&'a str, &'a TypeDef>,
}

/// Whether a value stands where a conversion is taken (`impl Into<String>`) or an exact type is.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Into,
    Exact,
}

impl<'a> Examples<'a> {
    /// The examples of `api`'s methods.
    pub fn new(api: &'a Api) -> Self {
        Self { api, types: api.types.iter().map(|d| (d.name.as_str(), d)).collect() }
    }

    /// The `# Example` section of an operation's method: a `no_run` doctest.
    pub fn section(&self, op: &Operation) -> String {
        let lib = &self.api.lib_name;
        let call = self.call(op);
        let allow = if op.deprecated { "# #![allow(deprecated)]\n" } else { "" };
        format!(
            "# Example\n\n```no_run\n{allow}# use {lib}::types;\n# async fn example(client: {lib}::Client) -> Result<(), Box<dyn std::error::Error>> {{\nlet response = {call}.await?;\n# let _ = response;\n# Ok(())\n# }}\n```"
        )
    }

    /// `client.group().method(args).setter(value)`, broken into lines when long.
    fn call(&self, op: &Operation) -> String {
        let mut parts = vec!["client".to_string()];
        for m in op.groups.first().into_iter().flatten() {
            parts.push(format!(".{}()", m));
        }
        let required_body = op.body.as_ref().filter(|b| b.required);
        let args: Vec<String> = match &op.params_struct {
            Some(name) => {
                // One struct of the required parameters (and the body), by wire name.
                let mut fields = serde_json::Map::new();
                for p in op.params.iter().filter(|p| p.required) {
                    if let Some(e) = &p.example {
                        fields.insert(p.wire_name.clone(), e.clone());
                    }
                }
                if let Some(e) = required_body.and_then(|b| b.example.clone()) {
                    fields.insert("body".into(), e);
                }
                vec![self.value(&TypeRef::Named(name.clone()), Some(&Value::Object(fields)), "params", Place::Exact, 0)]
            }
            None => {
                let mut args: Vec<String> =
                    op.params.iter().filter(|p| p.required).map(|p| self.value(&p.ty, p.example.as_ref(), &p.wire_name, Place::Into, 0)).collect();
                if let Some(b) = required_body {
                    args.push(self.value(&b.ty, b.example.as_ref(), "body", Place::Exact, 0));
                }
                args
            }
        };
        parts.push(format!(".{}({})", &op.method_name, args.join(", ")));
        // Optional parameters the document gives an example of.
        for p in op.params.iter().filter(|p| !p.required && !p.hidden && p.example.is_some()).take(MAX_SETTERS) {
            let setter = super::types::setter_name(&p.rust_name);
            parts.push(format!(".{}({})", &setter, self.value(&p.ty, p.example.as_ref(), &p.wire_name, Place::Into, 0)));
        }
        if let Some(b) = op.body.as_ref().filter(|b| !b.required && b.example.is_some()) {
            parts.push(format!(".body({})", self.value(&b.ty, b.example.as_ref(), "body", Place::Exact, 0)));
        }
        let line = parts.concat();
        if line.len() + "let response = .await?;".len() <= MAX_LINE {
            return line;
        }
        let mut out = parts[0].clone();
        for p in &parts[1..] {
            out.push_str("\n    ");
            out.push_str(p);
        }
        out.push_str("\n    ");
        out
    }

    /// A Rust expression of type `ty`: from `example` where it fits, else a plain value.
    fn value(&self, ty: &TypeRef, example: Option<&Value>, hint: &str, place: Place, depth: usize) -> String {
        match ty {
            TypeRef::String => {
                let text = match example {
                    Some(Value::String(s)) => s.clone(),
                    Some(v) if !v.is_null() && !v.is_object() && !v.is_array() => v.to_string(),
                    _ => hint.to_string(),
                };
                let lit = format!("{text:?}");
                if place == Place::Into { lit } else { format!("{lit}.to_string()") }
            }
            TypeRef::Bool => example.and_then(Value::as_bool).unwrap_or(true).to_string(),
            TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => integer(ty, example).to_string(),
            TypeRef::IntString(inner) => integer(inner, example).to_string(),
            TypeRef::F32 | TypeRef::F64 => {
                let f = example.and_then(|v| v.as_f64().or_else(|| v.as_str().and_then(|s| s.parse().ok()))).filter(|f| f.is_finite()).unwrap_or(1.5);
                let f = if *ty == TypeRef::F32 && f.abs() > f64::from(f32::MAX) { 1.5 } else { f };
                format!("{f:?}")
            }
            TypeRef::Decimal { .. } => {
                let text = example.map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).filter(|t| t.parse::<f64>().is_ok()).unwrap_or_else(|| "9.99".into());
                format!("{text:?}.parse()?")
            }
            TypeRef::DateTime => parsed(example, looks_like_date_time, "2024-01-31T12:00:00Z"),
            TypeRef::Date => parsed(example, |s| s.len() == 10 && looks_like_date_time(&format!("{s}T00:00:00Z")), "2024-01-31"),
            TypeRef::Uuid => parsed(example, looks_like_uuid, "3fa85f64-5717-4562-b3fc-2c963f66afa6"),
            TypeRef::Bytes | TypeRef::Base64 => "b\"...\".to_vec()".to_string(),
            TypeRef::Json => format!("serde_json::json!({})", example.map_or_else(|| "{}".to_string(), Value::to_string)),
            TypeRef::Named(n) => self.named(n, example, hint, depth),
            TypeRef::Vec(inner) => {
                let items: Vec<String> = match example {
                    Some(Value::Array(a)) => a.iter().take(MAX_ITEMS).map(|v| self.value(inner, Some(v), hint, Place::Exact, depth + 1)).collect(),
                    _ => vec![self.value(inner, None, hint, Place::Exact, depth + 1)],
                };
                format!("vec![{}]", items.join(", "))
            }
            TypeRef::Map(inner) => {
                let (key, v) = match example {
                    Some(Value::Object(m)) if !m.is_empty() => m.iter().next().map(|(k, v)| (k.clone(), Some(v))).unwrap_or_default(),
                    _ => ("key".to_string(), None),
                };
                format!("[({key:?}.to_string(), {})].into()", self.value(inner, v, &key, Place::Exact, depth + 1))
            }
            TypeRef::Option(inner) => match example {
                Some(Value::Null) => "None".to_string(),
                _ => format!("Some({})", self.value(inner, example, hint, Place::Exact, depth)),
            },
            TypeRef::Box(inner) => format!("Box::new({})", self.value(inner, example, hint, Place::Exact, depth)),
            TypeRef::Tuple(members) => {
                let items: Vec<String> = members
                    .iter()
                    .enumerate()
                    .map(|(i, t)| self.value(t, example.and_then(|e| e.get(i)), hint, Place::Exact, depth + 1))
                    .collect();
                if items.len() == 1 { format!("({},)", items[0]) } else { format!("({})", items.join(", ")) }
            }
        }
    }

    /// A value of a type in `types`.
    fn named(&self, name: &str, example: Option<&Value>, hint: &str, depth: usize) -> String {
        let Some(mut def) = self.types.get(name) else { return from_json(example) };
        // An alias of another named type (`pub type User104 = User;`, see `ir::dedupe`) is
        // spelled by its own name and built as its target.
        for _ in 0..self.types.len() {
            match &def.kind {
                TypeKind::Alias { target: TypeRef::Named(n) } => match self.types.get(n.as_str()) {
                    Some(next) => def = next,
                    None => break,
                },
                _ => break,
            }
        }
        let path = format!("types::{}", name);
        match &def.kind {
            TypeKind::Struct { fields, .. } => {
                if depth >= MAX_DEPTH {
                    return from_json(example);
                }
                self.constructor(&path, fields, example, depth).unwrap_or_else(|| from_json(example))
            }
            TypeKind::Enum { variants, .. } => {
                let wanted = example.and_then(Value::as_str);
                match variants.iter().find(|v| Some(v.wire_value.as_str()) == wanted).or(variants.first()) {
                    Some(v) => format!("{path}::{}", &v.rust_name),
                    None => from_json(example),
                }
            }
            TypeKind::IntEnum { variants, .. } => {
                let wanted = example.and_then(Value::as_i64);
                match variants.iter().find(|v| Some(v.value) == wanted).or(variants.first()) {
                    Some(v) => format!("{path}::{}", &v.rust_name),
                    None => from_json(example),
                }
            }
            // An alias is its target's exact type: no `impl Into<String>` where it stands.
            TypeKind::Alias { target } => self.value(target, example, hint, Place::Exact, depth),
            TypeKind::Newtype { target } => format!("{path}({})", self.value(target, example, hint, Place::Exact, depth + 1)),
            TypeKind::Union { variants, discriminator } => {
                // The member the example's tag selects, else the first.
                let tag = discriminator.as_deref().and_then(|d| example?.get(d)?.as_str());
                let v = variants.iter().find(|v| tag.is_some_and(|t| v.tags.iter().any(|x| x == t))).or(variants.first());
                match v {
                    Some(v) if depth < MAX_DEPTH => format!("{path}::{}({})", &v.name, self.value(&v.ty, example, hint, Place::Exact, depth + 1)),
                    _ => from_json(example),
                }
            }
            TypeKind::Headers { .. } | TypeKind::Responses { .. } => from_json(example),
        }
    }

    /// `Type::new(required...)` and setters for the optional fields the example has; `None`
    /// when the type has no `new` (too many required fields).
    fn constructor(&self, path: &str, fields: &[Field], example: Option<&Value>, depth: usize) -> Option<String> {
        let required: Vec<&Field> = fields.iter().filter(|f| !f.is_optional() && f.fixed.is_none()).collect();
        if required.len() > super::types::MAX_NEW_ARGS {
            return None;
        }
        let field_example = |f: &Field| example.and_then(|e| e.get(&f.wire_name));
        let args: Vec<String> = required.iter().map(|f| self.value(&f.ty, field_example(f), &f.wire_name, Place::Into, depth + 1)).collect();
        let mut s = format!("{path}::new({})", args.join(", "));
        let optional = fields.iter().filter(|f| f.is_optional() && field_example(f).is_some_and(|v| !v.is_null()));
        for f in optional.take(MAX_SETTERS) {
            let setter = super::types::setter_name(&f.rust_name);
            s.push_str(&format!(".{}({})", &setter, self.value(&f.ty, field_example(f), &f.wire_name, Place::Into, depth + 1)));
        }
        Some(s)
    }
}

/// A value read from the example's JSON (a type with no simpler spelling).
fn from_json(example: Option<&Value>) -> String {
    format!("serde_json::from_value(serde_json::json!({}))?", example.map_or_else(|| "{}".to_string(), Value::to_string))
}

/// An integer literal of this integer type: the example's when it is one in range, else 1.
pub(crate) fn integer(ty: &TypeRef, example: Option<&Value>) -> i128 {
    let n = example.and_then(|v| match v {
        Value::Number(n) => n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    let (lo, hi) = match ty {
        TypeRef::I32 => (i128::from(i32::MIN), i128::from(i32::MAX)),
        TypeRef::U32 => (0, i128::from(u32::MAX)),
        TypeRef::U64 => (0, i128::from(u64::MAX)),
        _ => (i128::from(i64::MIN), i128::from(i64::MAX)),
    };
    n.filter(|n| (lo..=hi).contains(n)).unwrap_or(1)
}

/// `"text".parse()?`, with the example's text when it passes `ok`.
fn parsed(example: Option<&Value>, ok: impl Fn(&str) -> bool, fallback: &str) -> String {
    let text = example.and_then(Value::as_str).filter(|s| ok(s)).unwrap_or(fallback);
    format!("{text:?}.parse()?")
}

/// Whether the text reads as an RFC 3339 date-time (shape only: digits and separators).
fn looks_like_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    b.len() >= 20 && digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10) && b[10] == b'T' && digits(11..13) && b[13] == b':'
        && (s.ends_with('Z') || s[19..].contains(['+', '-']))
}

/// Whether the text is a hyphenated UUID.
fn looks_like_uuid(s: &str) -> bool {
    s.len() == 36 && s.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_of_formats() {
        assert!(looks_like_date_time("2024-01-31T12:00:00Z") && looks_like_date_time("2024-01-31T12:00:00.5+01:00"));
        assert!(!looks_like_date_time("string") && !looks_like_date_time("2024-01-31"));
        assert!(looks_like_uuid("3fa85f64-5717-4562-b3fc-2c963f66afa6") && !looks_like_uuid("3fa85f64"));
        assert_eq!(integer(&TypeRef::I32, Some(&serde_json::json!(5_000_000_000i64))), 1, "out of range");
        assert_eq!(integer(&TypeRef::IntString(Box::new(TypeRef::I64)), Some(&serde_json::json!("42"))), 42);
        assert_eq!(parsed(Some(&serde_json::json!("nope")), looks_like_uuid, "x"), "\"x\".parse()?");
    }
}
