//! `x-speakeasy-globals`: parameters set once on the client and filled in for every operation
//! that has a parameter of the same name and place (and type). `x-speakeasy-globals-hidden`
//! on a global keeps it out of the operations' setters.

use super::naming::{self, Namespace};
use super::types::{SchemaRef, TypeSpace};
use super::{Operation, ParamLocation, TypeRef};
use crate::diagnostics::{Diagnostic, Diagnostics};
use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr};
use serde::{Deserialize, Serialize};

/// A global parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Global {
    /// The parameter's name on the wire.
    pub wire_name: String,
    /// Where it is sent.
    pub location: ParamLocation,
    /// The `ClientBuilder` method that sets it.
    pub setter: String,
    /// Its type.
    pub ty: TypeRef,
    /// `description`.
    pub doc: Option<String>,
    /// `x-speakeasy-globals-hidden`: operations get no setter for it.
    pub hidden: bool,
}

impl Global {
    /// The key the runtime stores its value under.
    pub fn key(&self) -> String {
        let place = match self.location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        };
        format!("{place}:{}", self.wire_name)
    }
}

/// Reads the document's globals. `reserved` are the `ClientBuilder` methods already taken.
pub(crate) fn lower<'a>(doc: &'a OpenAPI, types: &mut TypeSpace<'a>, reserved: &[&str], diags: &mut Diagnostics) -> Vec<Global> {
    let Some(v) = doc.extensions.get("x-speakeasy-globals") else { return Vec::new() };
    let at = "#/x-speakeasy-globals";
    let Some(items) = v.get("parameters").and_then(|p| p.as_array()) else {
        diags.push(Diagnostic::warning("`x-speakeasy-globals` needs a `parameters` list; no globals are generated").pointer(at));
        return Vec::new();
    };
    let mut setters = Namespace::with_reserved(reserved);
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_at = format!("{at}/parameters/{i}");
        let skip = |why: String, diags: &mut Diagnostics| diags.push(Diagnostic::warning(format!("global parameter skipped: {why}")).pointer(item_at.clone()));
        // A `$ref` is resolved in the document (so its schema can be a component); an inline
        // parameter is read from the extension (and must have a primitive schema).
        let from_doc: Option<(&'a Parameter, String)> = match item.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => {
                // Through a chain of component references, as an operation's `$ref` is.
                let found = crate::resolve::component_name(r, "parameters").and_then(|name| {
                    let entry = doc.components.as_ref()?.parameters.get(&name)?;
                    let at = format!("#/components/parameters/{}", crate::diagnostics::escape_pointer_segment(&name));
                    crate::resolve::resolve(doc, entry, &at).ok().map(|found| (found.item, found.pointer))
                });
                if found.is_none() {
                    skip(format!("`{r}` does not name a parameter under `#/components/parameters`"), diags);
                    continue;
                }
                found
            }
            None => None,
        };
        let owned: Option<Parameter> = match &from_doc {
            Some(_) => None,
            None => match serde_json::from_value::<Parameter>(item.clone()) {
                Ok(p) => Some(p),
                Err(e) => {
                    skip(format!("not a parameter object: {e}"), diags);
                    continue;
                }
            },
        };
        let (param, pointer): (&Parameter, String) = match (&from_doc, &owned) {
            (Some((p, at)), _) => (*p, at.clone()),
            (None, Some(p)) => (p, item_at.clone()),
            (None, None) => continue,
        };
        let data = param.parameter_data_ref();
        let location = match param {
            Parameter::Query { .. } => ParamLocation::Query,
            Parameter::Header { .. } => ParamLocation::Header,
            Parameter::Path { .. } => ParamLocation::Path,
            Parameter::Cookie { .. } => {
                skip(format!("`{}` is a cookie; globals are query, path or header parameters", data.name), diags);
                continue;
            }
        };
        let hint = format!("Global{}", naming::pascal(&data.name, "Param", "P"));
        let ty = match (from_doc, &data.format) {
            (Some((p, at)), _) => match &p.parameter_data_ref().format {
                ParameterSchemaOrContent::Schema(s) => types.lower(SchemaRef::from(s), &format!("{at}/schema"), &hint),
                ParameterSchemaOrContent::Content(_) => TypeRef::Json,
            },
            (None, ParameterSchemaOrContent::Schema(ReferenceOr::Item(s))) => primitive(s),
            _ => TypeRef::Json,
        };
        if !matches!(ty, TypeRef::String | TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 | TypeRef::Named(_)) {
            skip(format!("`{}` is not a primitive or an enum", data.name), diags);
            continue;
        }
        let over = super::speakeasy::name_override(&data.extensions, &pointer).unwrap_or(None);
        let setter = setters.claim(&naming::snake(over.as_deref().unwrap_or(&data.name), "global"));
        let hidden = data.extensions.get("x-speakeasy-globals-hidden").and_then(|v| v.as_bool()).unwrap_or(false);
        out.push(Global { wire_name: data.name.clone(), location, setter, ty, doc: data.description.clone(), hidden });
    }
    out
}

/// The type of an inline primitive schema.
fn primitive(s: &openapiv3::Schema) -> TypeRef {
    use openapiv3::{SchemaKind, Type};
    match &s.schema_kind {
        SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
        SchemaKind::Type(Type::Integer(_)) => TypeRef::I64,
        SchemaKind::Type(Type::Number(_)) => TypeRef::F64,
        SchemaKind::Type(Type::String(_)) => TypeRef::String,
        _ => TypeRef::Json,
    }
}

/// Marks the operations' parameters the globals fill: they become optional (the client's value
/// is used when a call sets none), and hidden globals lose their setters.
pub fn apply(globals: &[Global], operations: &mut [Operation], diags: &mut Diagnostics) {
    for op in operations {
        for p in &mut op.params {
            let same_name = |g: &&Global| {
                if p.location == ParamLocation::Header { g.wire_name.eq_ignore_ascii_case(&p.wire_name) } else { g.wire_name == p.wire_name }
            };
            let Some(g) = globals.iter().filter(|g| g.location == p.location).find(same_name) else { continue };
            if g.ty != p.ty {
                diags.push(
                    Diagnostic::warning(format!("parameter `{}` is not filled from the global of that name: their types differ", p.wire_name))
                        .pointer(op.pointer.clone()),
                );
                continue;
            }
            p.global = Some(g.key());
            p.hidden = g.hidden;
            p.required = false;
        }
        op.params.sort_by_key(|x| !x.required);
    }
}
