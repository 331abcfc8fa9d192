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
    if may_have_deep_refs(text) {
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
/// last value, as when the document is read into a value on the general path.
fn split(text: &str) -> Option<Parts<'_>> {
    let top: IndexMap<String, &RawValue> = whole_borrowed(text)?;
    let components: IndexMap<String, &RawValue> = whole_borrowed(top.get("components")?.get())?;
    let schemas: IndexMap<String, &RawValue> = whole_borrowed(components.get("schemas")?.get())?;
    if schemas.len() < PARALLEL_SCHEMAS {
        return None;
    }
    Some(Parts {
        rest: object(top.iter().filter(|(k, _)| *k != "components")),
        components: object(components.iter().filter(|(k, _)| *k != "schemas")),
        schemas: schemas.into_iter().collect(),
    })
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
    /// Deserialises the parts, the first schemas on a second thread, as many of them as make
    /// about half of the text; the rest of the document and the other schemas on this one.
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
            let thread = std::thread::Builder::new().stack_size(crate::emit::STACK_SIZE).spawn_scoped(scope, || schemas_of(first));
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
