//! The fast path from JSON text to the typed document, for the common case: a JSON document
//! with no overlays and nothing to hoist.
//!
//! It skips the intermediate [`serde_json::Value`] (the typed document borrows its strings from
//! the text while serde buffers the model's untagged enums), and deserialises the component
//! schemas, most of the work in a large document, in two halves on two threads. It gives exactly
//! the typed document the general path gives, or `None`, and then the general path runs and
//! reports whatever is wrong.

use super::is_deep_schema_ref;
use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, ReferenceOr, Schema};
use serde_json::value::RawValue;

/// Below this many component schemas, a second thread costs more than it saves.
const PARALLEL_SCHEMAS: usize = 64;

/// The fast path of [`crate::load`] and [`super::document`] for a JSON document without
/// overlays: the typed document straight from the text. `None` unless that gives exactly what
/// the general path would: the text must deserialise, declare OpenAPI 3.0, and have no `$ref`
/// that [`super::hoist_deep_schema_refs`] would rewrite (looked for in the text, over examples
/// too, so it may send a document to the general path that did not need it, never the reverse).
/// Problems are never reported here; the general path finds and locates them.
pub fn from_json_text(text: &str) -> Option<OpenAPI> {
    // Callbacks are dropped with a warning on the general path.
    // Numbers beyond `i64`, `u64` and `f64` are kept as text on the general path
    // (`load::numbers`); read here they would round or fail.
    if may_have_deep_refs(text) || memchr::memmem::find(text.as_bytes(), b"\"callbacks\"").is_some() || crate::load::numbers::might_overflow(text) {
        return None;
    }
    let doc = match split(text) {
        Some(parts) => parts.deserialise()?,
        None => whole::<OpenAPI>(text)?,
    };
    doc.openapi.starts_with("3.0").then_some(doc)
}

/// Deserialises all of `text` as a `T`.
fn whole<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(value)
}

/// A document cut into the component schemas and the rest, each as JSON text.
struct Parts<'a> {
    /// The document without `components` (kept in order, and as written).
    rest: String,
    /// `components` without `schemas`.
    components: String,
    /// Each component schema: its name and its text.
    schemas: Vec<(String, &'a RawValue)>,
}

/// Cuts a document whose `components.schemas` is large enough to share between two threads.
///
/// The members of an object are read as raw text and written back as an object, which serde
/// reads as it would have read them in place: a repeated key keeps its first position and its
/// last value, as when the document is read into a value on the general path. The text is read
/// once: the document's members, `components`' and the schemas' in one pass.
fn split(text: &str) -> Option<Parts<'_>> {
    let Members { members: top, nested } = whole_borrowed::<Members<'_, Members<'_, Members<'_, Raw>>>>(text)?;
    let Members { members: components, nested: schemas } = nested?;
    let Members { members: schemas, .. } = schemas?;
    if schemas.len() < PARALLEL_SCHEMAS {
        return None;
    }
    Some(Parts { rest: object(top.iter()), components: object(components.iter()), schemas: schemas.into_iter().collect() })
}

/// A JSON object read as raw members, except the one member (`components` in the document,
/// `schemas` in `components`) that is read further as `N`.
struct Members<'a, N> {
    /// The other members, in order.
    members: IndexMap<String, &'a RawValue>,
    /// The member read further, if there is one.
    nested: Option<N>,
}

/// The end of the nesting: an object of raw members.
struct Raw;

/// Which member of an object is read further, by the type it is read as.
trait Nested<'a>: Sized {
    /// The key of that member in the enclosing object.
    const KEY: &'static str;
    /// Reads it.
    fn read<A: serde::de::MapAccess<'a>>(map: &mut A) -> Result<Self, A::Error>;
}

impl<'a> Nested<'a> for Members<'a, Members<'a, Raw>> {
    const KEY: &'static str = "components";
    fn read<A: serde::de::MapAccess<'a>>(map: &mut A) -> Result<Self, A::Error> {
        map.next_value()
    }
}

impl<'a> Nested<'a> for Members<'a, Raw> {
    const KEY: &'static str = "schemas";
    fn read<A: serde::de::MapAccess<'a>>(map: &mut A) -> Result<Self, A::Error> {
        map.next_value()
    }
}

impl<'a> Nested<'a> for Raw {
    const KEY: &'static str = "";
    fn read<A: serde::de::MapAccess<'a>>(map: &mut A) -> Result<Self, A::Error> {
        map.next_value::<serde::de::IgnoredAny>().map(|_| Raw)
    }
}

impl<'de, N: Nested<'de>> serde::Deserialize<'de> for Members<'de, N> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<N>(std::marker::PhantomData<N>);
        impl<'de, N: Nested<'de>> serde::de::Visitor<'de> for Visit<N> {
            type Value = Members<'de, N>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Members { members: IndexMap::new(), nested: None };
                while let Some(key) = map.next_key::<String>()? {
                    if !N::KEY.is_empty() && key == N::KEY {
                        out.nested = Some(N::read(&mut map)?);
                    } else {
                        out.members.insert(key, map.next_value()?);
                    }
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(Visit(std::marker::PhantomData))
    }
}

/// Like [`whole`], for values that borrow from the text.
fn whole_borrowed<'a, T: serde::Deserialize<'a>>(text: &'a str) -> Option<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(value)
}

/// A JSON object of these members.
fn object<'a>(members: impl Iterator<Item = (&'a String, &'a &'a RawValue)>) -> String {
    let mut out = String::from("{");
    for (key, value) in members {
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(key).unwrap_or_default());
        out.push(':');
        out.push_str(value.get());
    }
    out.push('}');
    out
}

impl Parts<'_> {
    /// Deserialises the parts, the first schemas on a second thread (unless
    /// [`crate::emit::threads`] is 1), as many of them as make about half of the text; the rest
    /// of the document and the other schemas on this one.
    fn deserialise(self) -> Option<OpenAPI> {
        let total = self.rest.len() + self.components.len() + self.schemas.iter().map(|(_, s)| s.get().len()).sum::<usize>();
        let mut taken = 0;
        let cut = self.schemas.iter().position(|(_, s)| {
            taken += s.get().len();
            taken >= total / 2
        });
        let (first, second) = self.schemas.split_at(cut.unwrap_or(self.schemas.len()));
        let schemas_of = |part: &[(String, &RawValue)]| -> Option<Vec<ReferenceOr<Schema>>> {
            part.iter().map(|(_, s)| whole::<ReferenceOr<Schema>>(s.get())).collect()
        };
        let here = || -> Option<(OpenAPI, Components, Vec<ReferenceOr<Schema>>)> {
            Some((whole(&self.rest)?, whole(&self.components)?, schemas_of(second)?))
        };
        let (firsts, (mut doc, mut components, seconds)) = std::thread::scope(|scope| {
            let thread = if crate::emit::threads() > 1 {
                std::thread::Builder::new().stack_size(crate::emit::STACK_SIZE).spawn_scoped(scope, || schemas_of(first))
            } else {
                Err(std::io::Error::other("one thread asked for"))
            };
            let mine = here();
            let theirs = match thread {
                Ok(t) => t.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(_) => schemas_of(first),
            };
            Some((theirs?, mine?))
        })?;
        components.schemas = self.schemas.iter().map(|(k, _)| k.clone()).zip(firsts.into_iter().chain(seconds)).collect();
        doc.components = Some(components);
        Some(doc)
    }
}

/// Whether JSON text may hold a `$ref` to the middle of a schema: a `"$ref"` key whose value is
/// such a reference, or any key that starts with `$` written with escapes (which a plain search
/// cannot read).
fn may_have_deep_refs(text: &str) -> bool {
    if memchr::memmem::find(text.as_bytes(), b"\\u0024").is_some() {
        return true;
    }
    let finder = memchr::memmem::Finder::new(b"\"$");
    let mut rest = text;
    while let Some(at) = finder.find(rest.as_bytes()) {
        rest = &rest[at + 1..];
        let Some(end) = rest.find('"') else { return true };
        let key = &rest[..end];
        rest = &rest[end + 1..];
        if key.contains('\\') {
            return true;
        }
        if key != "$ref" {
            continue;
        }
        let value = rest.trim_start().strip_prefix(':').map(str::trim_start);
        let Some(value) = value.and_then(|v| v.strip_prefix('"')) else { continue };
        let mut de = serde_json::Deserializer::from_str(&rest[rest.len() - value.len() - 1..]);
        let Ok(target) = <String as serde::Deserialize>::deserialize(&mut de) else { return true };
        if is_deep_schema_ref(&target) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(extra: &str) -> String {
        format!(r##"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}}{extra}}}"##)
    }

    #[test]
    fn the_fast_path_takes_only_what_the_general_path_would_give_the_same() {
        let plain = doc(r##", "components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"type": "string"}}}"##);
        let fast = from_json_text(&plain).expect("fast path");
        assert_eq!(fast, super::super::document(serde_json::from_str(&plain).unwrap()).unwrap());
        let deep = doc(r##", "components": {"schemas": {"A": {"$ref": "#/components/schemas/B/properties/c"}}}"##);
        assert_eq!(from_json_text(&deep), None, "deep references are hoisted by the general path");
        let external = doc(r##", "components": {"schemas": {"A": {"$ref": "./a.json#/A"}}}"##);
        assert_eq!(from_json_text(&external), None, "other files are brought in by the general path");
        let path_item = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {}, "/b": {"$ref": "#/paths/~1a"}}}"##;
        assert_eq!(from_json_text(path_item), None, "path item references are copied by the general path");
        let callbacks = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"post": {"callbacks": {}, "responses": {}}}}}"##;
        assert_eq!(from_json_text(callbacks), None, "callbacks are dropped with a warning by the general path");
        let escaped = doc(r##", "components": {"schemas": {"A": {"\u0024ref": "#/components/schemas/B/properties/c"}}}"##);
        assert_eq!(from_json_text(&escaped), None);
        let escaped_value = doc(r##", "components": {"schemas": {"A": {"$ref": "#/components/schemas/B\/properties/c"}}}"##);
        assert_eq!(from_json_text(&escaped_value), None);
        assert_eq!(from_json_text(&doc("").replace("3.0.3", "3.1.0")), None, "other versions are reported by the general path");
        assert_eq!(from_json_text(&format!("{} x", doc(""))), None, "trailing text");
        assert_eq!(from_json_text(r#"{"swagger": "2.0"}"#), None);
    }

    #[test]
    fn many_schemas_are_read_on_two_threads_into_the_same_document() {
        let schemas: Vec<String> = (0..200)
            .map(|i| format!(r##""S{i}": {{"type": "object", "description": "s\"{i}", "properties": {{"next": {{"$ref": "#/components/schemas/S{}"}}}}}}"##, (i + 1) % 200))
            .collect();
        // A repeated schema keeps its first position and its last value, as on the general path.
        let text = doc(&format!(
            r#", "x-top": [1, {{"a": null}}], "components": {{"x-c": true, "responses": {{"R": {{"description": "r"}}}}, "schemas": {{{}, "S3": {{"type": "string"}}}}}}, "tags": [{{"name": "t"}}]"#,
            schemas.join(", ")
        ));
        assert!(split(&text).is_some());
        let fast = from_json_text(&text).expect("fast path");
        assert_eq!(fast, super::super::document(serde_json::from_str(&text).unwrap()).unwrap());
        let schemas = &fast.components.as_ref().unwrap().schemas;
        assert_eq!(schemas.len(), 200);
        assert_eq!(schemas.get_index_of("S3"), Some(3));
        assert!(matches!(&schemas["S3"], ReferenceOr::Item(s) if matches!(s.schema_kind, openapiv3::SchemaKind::Type(openapiv3::Type::String(_)))));
        let invalid = text.replace(r#""type": "string""#, r#""type": 7"#);
        assert_eq!(from_json_text(&invalid), None, "a problem anywhere sends the document to the general path");
    }
}
