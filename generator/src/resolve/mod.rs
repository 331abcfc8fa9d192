//! From a loaded value to a typed OpenAPI 3.0 document, and `$ref` resolution inside it.

use crate::diagnostics::{Diagnostic, pointer_segments};
use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};
use serde_json::Value;

/// Checks the version and deserialises the document. `Err` carries the pointer of the problem.
pub fn parse_openapi(value: &Value) -> Result<OpenAPI, Diagnostic> {
    let Some(root) = value.as_object() else {
        return Err(Diagnostic::error("not an OpenAPI document: the top level is not a mapping").pointer("#"));
    };
    if let Some(v) = root.get("swagger") {
        let v = scalar_text(v);
        return Err(Diagnostic::error(format!("Swagger {v} documents are not supported; sdkforge reads OpenAPI 3.0"))
            .pointer("#/swagger")
            .help("convert it to OpenAPI 3.0 first, e.g. with `npx swagger2openapi in.json -o out.yaml`"));
    }
    let Some(version) = root.get("openapi") else {
        return Err(Diagnostic::error("not an OpenAPI document: there is no `openapi` key")
            .pointer("#")
            .help("an OpenAPI 3.0 document starts with `openapi: 3.0.3`"));
    };
    let version = scalar_text(version);
    if version.starts_with("3.1") {
        return Err(Diagnostic::error(format!("OpenAPI {version} is not supported yet; sdkforge reads OpenAPI 3.0.x"))
            .pointer("#/openapi"));
    }
    if !version.starts_with("3.0") {
        return Err(Diagnostic::error(format!("unsupported OpenAPI version `{version}`; sdkforge reads OpenAPI 3.0.x"))
            .pointer("#/openapi"));
    }
    serde_path_to_error::deserialize::<_, OpenAPI>(value).map_err(|e| {
        let pointer = path_to_pointer(e.path());
        Diagnostic::error(format!("invalid OpenAPI document: {}", e.inner())).pointer(pointer)
    })
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let segs = path.iter().filter_map(|s| match s {
        Segment::Seq { index } => Some(index.to_string()),
        Segment::Map { key } => Some(key.clone()),
        Segment::Enum { variant } => Some(variant.clone()),
        Segment::Unknown => None,
    });
    crate::diagnostics::pointer_from(segs)
}

/// Something a `$ref` can point at inside `components`.
pub trait Component: Sized {
    /// The `components` section (`schemas`, `responses`, ...).
    const SECTION: &'static str;
    /// The map of that section.
    fn section(doc: &OpenAPI) -> Option<&indexmap::IndexMap<String, ReferenceOr<Self>>>;
}

macro_rules! component {
    ($ty:ty, $section:literal, $field:ident) => {
        impl Component for $ty {
            const SECTION: &'static str = $section;
            fn section(doc: &OpenAPI) -> Option<&indexmap::IndexMap<String, ReferenceOr<Self>>> {
                doc.components.as_ref().map(|c| &c.$field)
            }
        }
    };
}
component!(Schema, "schemas", schemas);
component!(Response, "responses", responses);
component!(Parameter, "parameters", parameters);
component!(RequestBody, "requestBodies", request_bodies);

/// A resolved reference: the item, the component name when it came through a `$ref`, and the
/// pointer of the item itself.
#[derive(Debug)]
pub struct Resolved<'a, T> {
    /// The target.
    pub item: &'a T,
    /// `Some("Unauthorized")` when reached through `#/components/responses/Unauthorized`.
    pub name: Option<String>,
    /// Where the item is (the component's pointer after a `$ref`).
    pub pointer: String,
}

/// Follows `$ref`s (chains included) to the item. `pointer` is where `r` stands.
pub fn resolve<'a, T: Component>(doc: &'a OpenAPI, r: &'a ReferenceOr<T>, pointer: &str) -> Result<Resolved<'a, T>, Diagnostic> {
    let mut current = r;
    let mut name = None;
    let mut at = pointer.to_string();
    let mut seen: Vec<String> = Vec::new();
    loop {
        match current {
            ReferenceOr::Item(item) => return Ok(Resolved { item, name, pointer: at }),
            ReferenceOr::Reference { reference } => {
                if seen.contains(reference) {
                    return Err(Diagnostic::error(format!("`$ref` cycle: {} refers back to itself", reference))
                        .pointer(format!("{at}/$ref")));
                }
                seen.push(reference.clone());
                let comp_name = component_name(reference, T::SECTION).ok_or_else(|| {
                    bad_ref(reference, &at, T::SECTION)
                })?;
                let target = T::section(doc).and_then(|s| s.get(&comp_name)).ok_or_else(|| {
                    Diagnostic::error(format!("`$ref` target `{reference}` does not exist"))
                        .pointer(format!("{at}/$ref"))
                        .help(format!("define it under `components.{}`, or fix the reference", T::SECTION))
                })?;
                at = crate::diagnostics::pointer_from(["components", T::SECTION, comp_name.as_str()]);
                name = Some(comp_name);
                current = target;
            }
        }
    }
}

fn bad_ref(reference: &str, at: &str, section: &str) -> Diagnostic {
    let help = if reference.starts_with('#') {
        format!("here a reference must point into `#/components/{section}/`")
    } else {
        "references to other files or URLs are not supported yet".to_string()
    };
    Diagnostic::error(format!("unsupported `$ref` `{reference}`")).pointer(format!("{at}/$ref")).help(help)
}

/// `#/components/schemas/Pet` → `Pet` when the section matches.
pub fn component_name(reference: &str, section: &str) -> Option<String> {
    let segs = pointer_segments(reference.strip_prefix('#')?);
    match segs.as_slice() {
        [c, s, name] if c == "components" && s == section => Some(name.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn versions_are_checked_with_clear_messages() {
        let msg = |v: Value| parse_openapi(&v).unwrap_err().message;
        assert_eq!(msg(json!({"swagger": "2.0"})), "Swagger 2.0 documents are not supported; sdkforge reads OpenAPI 3.0");
        assert_eq!(msg(json!({"info": {}})), "not an OpenAPI document: there is no `openapi` key");
        assert_eq!(msg(json!({"openapi": "3.1.0"})), "OpenAPI 3.1.0 is not supported yet; sdkforge reads OpenAPI 3.0.x");
        assert_eq!(msg(json!([1])), "not an OpenAPI document: the top level is not a mapping");
    }

    #[test]
    fn deserialisation_errors_carry_a_pointer() {
        let err = parse_openapi(&json!({"openapi": "3.0.3", "info": {"title": "t", "version": 1}, "paths": {}})).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("#/info/version"));
    }

    #[test]
    fn refs_resolve_and_missing_targets_are_reported() {
        let doc: OpenAPI = serde_json::from_value(json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"type": "string"}}}
        })).unwrap();
        let r = ReferenceOr::<Schema>::ref_("#/components/schemas/A");
        let got = resolve(&doc, &r, "#/x").unwrap();
        assert_eq!(got.name.as_deref(), Some("B"));
        assert_eq!(got.pointer, "#/components/schemas/B");
        let r = ReferenceOr::<Schema>::ref_("#/components/schemas/Nope");
        let err = resolve(&doc, &r, "#/x").unwrap_err();
        assert_eq!(err.message, "`$ref` target `#/components/schemas/Nope` does not exist");
        assert_eq!(err.pointer.as_deref(), Some("#/x/$ref"));
    }
}
