//! Parameters: the non-body ones become OpenAPI 3.0 parameters with a `schema`; `in: body` and
//! `in: formData` ones become the operation's `requestBody`.
//!
//! `collectionFormat` becomes `style` and `explode`:
//!
//! | `collectionFormat` | query | path, header |
//! |---|---|---|
//! | `csv` (the default) | `form`, `explode: false` | `simple` |
//! | `ssv` | `spaceDelimited` | warning, `simple` |
//! | `pipes` | `pipeDelimited` | warning, `simple` |
//! | `multi` | `form`, `explode: true` | warning, `simple` |
//! | `tsv` | warning, `form`, `explode: false` (as `csv`: 3.0 has no tab-delimited style) | warning, `simple` |
//!
//! An array's `style` is always written: 2.0's default (`csv`) is not 3.0's (`form`, exploded).

use super::{Cx, DEFAULT_MEDIA_TYPE, child, refs, schema};
use crate::diagnostics::{escape_pointer_segment, pointer_segments};
use serde_json::{Map, Value, json};

/// The fields of a non-body parameter (or of an `items`, or a header) that are its schema's.
const SCHEMA_KEYS: &[&str] = &[
    "type", "format", "items", "default", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems",
    "minItems", "uniqueItems", "enum", "multipleOf", "x-nullable",
];

const URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

/// One entry of a 2.0 `parameters` list.
#[derive(Clone, Debug)]
pub(super) struct Param {
    /// The entry as written (a `$ref` included).
    entry: Value,
    /// The parameter itself: the entry, or the root parameter its local `$ref` names. `None`
    /// for a reference that cannot be followed here (another file, a missing name).
    resolved: Option<Map<String, Value>>,
    /// Where the entry stands in the 2.0 document.
    at: String,
    /// Where the parameter itself is (`#/parameters/X` for a reference).
    place: String,
}

impl Param {
    fn field(&self, key: &str) -> Option<&str> {
        self.resolved.as_ref().and_then(|m| m.get(key)).and_then(Value::as_str)
    }

    fn location(&self) -> Option<&str> {
        self.field("in")
    }

    fn is_body(&self) -> bool {
        self.location() == Some("body")
    }

    fn is_form(&self) -> bool {
        self.location() == Some("formData")
    }

    /// The same parameter, as 2.0 decides overriding: the same name and location.
    fn same(&self, other: &Param) -> bool {
        self.resolved.is_some() && self.field("name") == other.field("name") && self.location() == other.location()
    }
}

/// The entries of a `parameters` list standing at `at`.
pub(super) fn list(cx: &mut Cx<'_>, v: Option<Value>, at: &str) -> Vec<Param> {
    let Some(v) = v else { return Vec::new() };
    let Value::Array(items) = v else {
        cx.warn("`parameters` is not a list; ignored", at, "write the parameters as a list of parameter objects");
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, entry) in items.into_iter().enumerate() {
        let here = format!("{at}/{i}");
        let (resolved, place) = match entry.get("$ref").and_then(Value::as_str) {
            Some(r) => match local_parameter(r) {
                Some(name) => match cx.parameters.get(&name) {
                    Some(Value::Object(m)) => (Some(m.clone()), format!("#/parameters/{}", escape_pointer_segment(&name))),
                    _ => (None, here.clone()),
                },
                None => (None, here.clone()),
            },
            None => (entry.as_object().cloned(), here.clone()),
        };
        out.push(Param { entry, resolved, at: here, place });
    }
    out
}

/// `X` of `#/parameters/X`.
fn local_parameter(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
    match pointer_segments(&decoded).as_slice() {
        [section, name] if section == "parameters" => Some(name.clone()),
        _ => None,
    }
}

/// The path item's shared parameters that stay on it (the non-body ones), converted.
pub(super) fn kept_at(cx: &mut Cx<'_>, shared: &[Param], at: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for p in shared.iter().filter(|p| !p.is_body() && !p.is_form()) {
        if let Some(v) = non_body(cx, p, &format!("{at}/{}", out.len())) {
            out.push(v);
        }
    }
    out
}

/// An operation's parameters (its own non-body ones; the path item keeps the shared ones) and
/// request body (from its own body or form parameters, else the path item's).
pub(super) fn operation(cx: &mut Cx<'_>, own: &[Param], shared: &[Param], consumes: &[String], at: &str) -> (Vec<Value>, Option<Value>) {
    let mut params = Vec::new();
    for p in own.iter().filter(|p| !p.is_body() && !p.is_form()) {
        if let Some(v) = non_body(cx, p, &format!("{at}/parameters/{}", params.len())) {
            params.push(v);
        }
    }
    let bodies: Vec<&Param> = {
        let own: Vec<&Param> = own.iter().filter(|p| p.is_body()).collect();
        if own.is_empty() { shared.iter().filter(|p| p.is_body()).collect() } else { own }
    };
    let mut fields: Vec<&Param> = own.iter().filter(|p| p.is_form()).collect();
    fields.extend(shared.iter().filter(|s| s.is_form() && !own.iter().any(|o| o.same(s))));
    let body_at = format!("{at}/requestBody");
    let body = match (bodies.as_slice(), fields.as_slice()) {
        ([], []) => None,
        ([first, rest @ ..], fields) => {
            if let Some(extra) = rest.first() {
                cx.warn("an operation has at most one `in: body` parameter; only the first is used", &extra.at, "merge the bodies into one schema");
            }
            if let Some(field) = fields.first() {
                cx.warn("an operation cannot have both `in: body` and `in: formData` parameters; the form fields are ignored", &field.at, "keep one of them");
            }
            Some(body(cx, first, consumes, &body_at))
        }
        ([], fields) => Some(form(cx, fields, consumes, &body_at)),
    };
    (params, body)
}

/// The root parameters that are not in a body: `components.parameters`.
pub(super) fn components(cx: &mut Cx<'_>) -> Map<String, Value> {
    let mut out = Map::new();
    let parameters = cx.parameters.clone();
    for (name, p) in parameters {
        let at = format!("#/parameters/{}", escape_pointer_segment(&name));
        let Value::Object(m) = p else {
            cx.warn(format!("parameter `{name}` is not a mapping; ignored"), &at, "a parameter is a mapping with `name` and `in`");
            continue;
        };
        if matches!(m.get("in").and_then(Value::as_str), Some("body" | "formData")) {
            // Inlined into each operation that refers to it.
            continue;
        }
        if let Some(v) = parameter(cx, &m, &at) {
            cx.moved(&format!("#/components/parameters/{}/schema", escape_pointer_segment(&name)), &at);
            out.insert(name, v);
        }
    }
    out
}

/// A non-body entry of a list, converted, to be at `to` in the converted document.
fn non_body(cx: &mut Cx<'_>, p: &Param, to: &str) -> Option<Value> {
    let converted = match p.entry.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let mut entry = p.entry.as_object().cloned().unwrap_or_default();
            entry.insert("$ref".into(), Value::String(refs::rewrite(r)));
            Value::Object(entry)
        }
        None => {
            let m = p.resolved.as_ref()?;
            let v = parameter(cx, m, &p.at)?;
            cx.moved(&format!("{to}/schema"), &p.at);
            v
        }
    };
    cx.moved(to, &p.at);
    Some(converted)
}

/// A query, path or header parameter (standing at `at` in the 2.0 document) as a 3.0 parameter.
fn parameter(cx: &mut Cx<'_>, m: &Map<String, Value>, at: &str) -> Option<Value> {
    let location = m.get("in").and_then(Value::as_str).unwrap_or("");
    if !matches!(location, "query" | "path" | "header" | "cookie") {
        let help = "a Swagger 2.0 parameter is `in` one of `query`, `path`, `header`, `body` or `formData`";
        cx.warn(format!("parameter `in: {location}` is not supported; the parameter is ignored"), &format!("{at}/in"), help);
        return None;
    }
    let mut out = Map::new();
    for (key, value) in m {
        match key.as_str() {
            "name" | "in" | "description" | "required" | "allowEmptyValue" => {
                out.insert(key.clone(), value.clone());
            }
            "x-example" => {
                out.insert("example".into(), value.clone());
            }
            k if k.starts_with("x-") && k != "x-nullable" => {
                let mut v = value.clone();
                refs::rewrite_all(&mut v, 0);
                out.insert(key.clone(), v);
            }
            _ => {}
        }
    }
    if is_array(m) {
        let (style, explode) = style(cx, m.get("collectionFormat").and_then(Value::as_str), location, at);
        out.insert("style".into(), json!(style));
        out.insert("explode".into(), json!(explode));
    }
    out.insert("schema".into(), field_schema(cx, m, at));
    Some(Value::Object(out))
}

fn is_array(m: &Map<String, Value>) -> bool {
    m.get("type").and_then(Value::as_str) == Some("array")
}

/// `style` and `explode` for a `collectionFormat` in a `location`.
fn style(cx: &mut Cx<'_>, format: Option<&str>, location: &str, at: &str) -> (&'static str, bool) {
    let format = format.unwrap_or("csv");
    let here = format!("{at}/collectionFormat");
    if location != "query" {
        if format != "csv" {
            let help = "OpenAPI 3.0 writes arrays in a path or header comma-separated (`style: simple`)";
            cx.warn(format!("`collectionFormat: {format}` has no OpenAPI 3.0 equivalent in a {location} parameter; it is sent comma-separated"), &here, help);
        }
        return ("simple", false);
    }
    match format {
        "csv" => ("form", false),
        "ssv" => ("spaceDelimited", false),
        "pipes" => ("pipeDelimited", false),
        "multi" => ("form", true),
        "tsv" => {
            let help = "OpenAPI 3.0 has no tab-delimited style; the server may need `csv`, `ssv` or `pipes` instead";
            cx.warn("`collectionFormat: tsv` has no OpenAPI 3.0 equivalent; it is sent comma-separated", &here, help);
            ("form", false)
        }
        other => {
            cx.warn(format!("unknown `collectionFormat: {other}`; it is sent comma-separated"), &here, "Swagger 2.0 knows `csv`, `ssv`, `tsv`, `pipes` and `multi`");
            ("form", false)
        }
    }
}

/// The schema of a non-body parameter, a form field or a header: its schema fields, with
/// `items` (which has the same fields) converted likewise.
pub(super) fn field_schema(cx: &mut Cx<'_>, m: &Map<String, Value>, at: &str) -> Value {
    let mut out = Map::new();
    for key in SCHEMA_KEYS {
        if let Some(v) = m.get(*key) {
            let v = match (*key, v) {
                ("items", Value::Object(items)) => items_schema(cx, items, &format!("{at}/items")),
                _ => v.clone(),
            };
            out.insert((*key).into(), v);
        }
    }
    schema::convert(Value::Object(out), 0)
}

/// An `items` object (of a parameter or header); a nested `collectionFormat` has no 3.0 form.
fn items_schema(cx: &mut Cx<'_>, m: &Map<String, Value>, at: &str) -> Value {
    if m.get("collectionFormat").is_some() && is_array(m) {
        let help = "OpenAPI 3.0 serialises only the outer array of a parameter";
        cx.warn("a `collectionFormat` of nested items has no OpenAPI 3.0 equivalent; ignored", &format!("{at}/collectionFormat"), help);
    }
    let mut v = field_schema(cx, m, at);
    // A `$ref` is not an items field in 2.0, but is seen; it means a schema.
    if let (Some(r), Value::Object(out)) = (m.get("$ref").and_then(Value::as_str), &mut v) {
        out.insert("$ref".into(), Value::String(refs::rewrite(r)));
    }
    v
}

/// The media types of a request body: the `consumes` that are not forms (all of them when all
/// are), else `application/json`.
fn body_media_types(consumes: &[String]) -> Vec<String> {
    let plain: Vec<String> = consumes.iter().filter(|m| !is_form_type(m)).cloned().collect();
    match (plain.is_empty(), consumes.is_empty()) {
        (false, _) => plain,
        (true, false) => consumes.to_vec(),
        (true, true) => vec![DEFAULT_MEDIA_TYPE.to_string()],
    }
}

fn is_form_type(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case(URLENCODED) || essence.eq_ignore_ascii_case(MULTIPART)
}

/// An `in: body` parameter as a request body at `to`.
fn body(cx: &mut Cx<'_>, p: &Param, consumes: &[String], to: &str) -> Value {
    let m = p.resolved.clone().unwrap_or_default();
    let mut out = Map::new();
    if let Some(d) = m.get("description") {
        out.insert("description".into(), d.clone());
    }
    let schema = match m.get("schema") {
        Some(s) => schema::convert(s.clone(), 0),
        None => {
            cx.warn("an `in: body` parameter without a `schema`; the body is any JSON value", &p.place, "add the `schema` of the body");
            json!({})
        }
    };
    let mut content = Map::new();
    for mt in body_media_types(consumes) {
        let here = child(&child(to, "content"), &mt);
        cx.moved(&here, &p.place);
        cx.moved(&format!("{here}/schema"), &format!("{}/schema", p.place));
        content.insert(mt, json!({ "schema": schema.clone() }));
    }
    out.insert("content".into(), Value::Object(content));
    if m.get("required") == Some(&Value::Bool(true)) {
        out.insert("required".into(), Value::Bool(true));
    }
    for (k, v) in &m {
        if k.starts_with("x-") {
            let mut v = v.clone();
            refs::rewrite_all(&mut v, 0);
            out.insert(k.clone(), v);
        }
    }
    cx.moved(to, &p.place);
    Value::Object(out)
}

/// `in: formData` parameters as a request body at `to`: an object of the fields, sent as
/// `multipart/form-data` when one is a file or `consumes` says so, else URL-encoded.
fn form(cx: &mut Cx<'_>, fields: &[&Param], consumes: &[String], to: &str) -> Value {
    let file = fields.iter().any(|f| f.field("type") == Some("file"));
    let mut types: Vec<&str> = Vec::new();
    for mt in consumes {
        if mt.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case(MULTIPART) && !types.contains(&MULTIPART) {
            types.push(MULTIPART);
        } else if is_form_type(mt) && !file && !types.contains(&URLENCODED) {
            types.push(URLENCODED);
        }
    }
    if types.is_empty() {
        types.push(if file { MULTIPART } else { URLENCODED });
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut encoding = Map::new();
    let mut places = Vec::new();
    for f in fields {
        let m = f.resolved.clone().unwrap_or_default();
        let Some(name) = m.get("name").and_then(Value::as_str).map(str::to_string) else {
            cx.warn("a form parameter without a `name`; ignored", &f.place, "name the field");
            continue;
        };
        let mut s = field_schema(cx, &m, &f.place);
        if let (Some(d), Value::Object(s)) = (m.get("description"), &mut s) {
            s.insert("description".into(), d.clone());
        }
        if is_array(&m) {
            let (style, explode) = style(cx, m.get("collectionFormat").and_then(Value::as_str), "query", &f.place);
            encoding.insert(name.clone(), json!({ "style": style, "explode": explode }));
        }
        if m.get("required") == Some(&Value::Bool(true)) {
            required.push(Value::String(name.clone()));
        }
        places.push((name.clone(), f.place.clone()));
        properties.insert(name, s);
    }
    let any_required = !required.is_empty();
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    if any_required {
        schema.insert("required".into(), Value::Array(required));
    }
    // The body as a whole is the list its first field is in (2.0 has no node for it).
    let list = fields.first().map(|f| f.at.rsplit_once('/').map_or(f.at.as_str(), |(list, _)| list).to_string());
    let mut content = Map::new();
    for mt in types {
        let at = child(&child(to, "content"), mt);
        if let Some(list) = &list {
            cx.moved(&at, list);
            cx.moved(&format!("{at}/schema"), list);
        }
        for (name, place) in &places {
            cx.moved(&child(&format!("{at}/schema/properties"), name), place);
        }
        let mut media = Map::new();
        media.insert("schema".into(), Value::Object(schema.clone()));
        // Only URL-encoded bodies read `style` (3.0: "ignored if the media type is not
        // application/x-www-form-urlencoded").
        if mt == URLENCODED && !encoding.is_empty() {
            media.insert("encoding".into(), Value::Object(encoding.clone()));
        }
        content.insert(mt.to_string(), Value::Object(media));
    }
    let mut out = Map::new();
    out.insert("content".into(), Value::Object(content));
    if any_required {
        out.insert("required".into(), Value::Bool(true));
    }
    if let Some(list) = &list {
        cx.moved(to, list);
    }
    Value::Object(out)
}
