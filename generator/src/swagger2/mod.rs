//! Swagger 2.0 → OpenAPI 3.0.3: a rewrite of the loaded document (after the overlays, before
//! external references are brought in), so everything after it reads OpenAPI 3.0.
//!
//! | Swagger 2.0 | OpenAPI 3.0 |
//! |---|---|
//! | `host` + `basePath` + `schemes` | `servers`, one per scheme (`https` first); no `host`: the `basePath` alone |
//! | `consumes` / `produces` (operation over root, else `application/json`) | the media types of request bodies and responses |
//! | a parameter `in: body` | `requestBody` |
//! | parameters `in: formData` | a `requestBody` of `application/x-www-form-urlencoded` or `multipart/form-data` (any `type: file`) whose schema is an object of the fields |
//! | `type`, `format`, `items`, `enum`, bounds of a parameter or header | its `schema` |
//! | `collectionFormat` | `style` / `explode` ([`parameters`]) |
//! | `definitions`, `parameters`, `responses`, `securityDefinitions` | `components.schemas`, `.parameters`, `.responses`, `.securitySchemes` |
//! | a response's `schema`, `examples` | `content.<media type>.schema`, `.example` |
//! | `x-nullable`, `type: file`, `discriminator: name` | `nullable`, `type: string, format: binary`, `discriminator.propertyName` |
//!
//! Body and form parameters shared through `#/parameters/X` are inlined into each operation that
//! uses them (their media types are the operation's). What 3.0 cannot say (`collectionFormat:
//! tsv`, a nested `collectionFormat`, `ws` schemes) is a warning at the place in the 2.0 file;
//! conversion is otherwise silent. Every node that moved is recorded in a [`PointerMap`], so the
//! diagnostics of the later stages name the place in the 2.0 file.

mod parameters;
mod refs;
mod responses;
mod schema;
mod security;
#[cfg(test)]
mod tests;

use crate::diagnostics::{Diagnostic, Diagnostics, escape_pointer_segment};
use crate::normalise31::PointerMap;
use serde_json::{Map, Value, json};

/// The OpenAPI version written into a converted document.
const CONVERTED_VERSION: &str = "3.0.3";

/// The media type of bodies and responses when neither the operation nor the root says one.
const DEFAULT_MEDIA_TYPE: &str = "application/json";

/// The operations of a path item (`trace` is not 2.0's, but 3.0 has it and documents use it).
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// What [`convert`] found and did.
#[derive(Clone, Debug, Default)]
pub struct Converted {
    /// Whether the document was a Swagger 2.0 document (and so was rewritten).
    pub rewritten: bool,
    /// Warnings for what OpenAPI 3.0 cannot say, and errors (a `swagger` version other than
    /// 2.0), each at its place in the Swagger document.
    pub diagnostics: Diagnostics,
    /// Where each node of the converted document was in the Swagger document.
    pub pointers: PointerMap,
}

/// Whether the document declares Swagger (any version): it has a `swagger` key at the root.
pub fn is_swagger(doc: &Value) -> bool {
    doc.get("swagger").is_some()
}

/// Rewrites a Swagger 2.0 document into an OpenAPI 3.0.3 one, in place. A document without a
/// `swagger` key is left untouched; one with a version other than `2.0` is an error at
/// `#/swagger` (and left untouched).
pub fn convert(doc: &mut Value) -> Converted {
    let mut out = Converted::default();
    let Some(version) = doc.get("swagger") else { return out };
    if version.as_str() != Some("2.0") {
        let shown = version.as_str().map_or_else(|| version.to_string(), str::to_string);
        out.diagnostics.push(
            Diagnostic::error(format!("unsupported Swagger version `{shown}`; sdkforge reads Swagger 2.0, OpenAPI 3.0 and OpenAPI 3.1"))
                .pointer("#/swagger")
                .help("a Swagger document starts with `swagger: \"2.0\"` (a string)"),
        );
        return out;
    }
    let Value::Object(root) = std::mem::take(doc) else { unreachable!("a value with a key is an object") };
    out.rewritten = true;
    let mut cx = Cx::new(&root, &mut out.diagnostics, &mut out.pointers);
    *doc = Value::Object(document(&mut cx, root));
    // A shared parameter is converted once per operation that uses it: one warning for it.
    let mut unique = Diagnostics::default();
    for d in std::mem::take(&mut out.diagnostics).iter() {
        if !unique.iter().any(|u| u == d) {
            unique.push(d.clone());
        }
    }
    out.diagnostics = unique;
    out
}

/// What the conversion of one document carries along.
struct Cx<'a> {
    diags: &'a mut Diagnostics,
    map: &'a mut PointerMap,
    /// The root `consumes` (empty when absent).
    consumes: Vec<String>,
    /// The root `produces` (empty when absent).
    produces: Vec<String>,
    /// The root `schemes`, `host` and `basePath`, for operations that name their own schemes.
    schemes: Vec<String>,
    host: Option<String>,
    base_path: Option<String>,
    /// The root `parameters`, as written (body and form ones are inlined where they are used).
    parameters: Map<String, Value>,
}

impl<'a> Cx<'a> {
    fn new(root: &Map<String, Value>, diags: &'a mut Diagnostics, map: &'a mut PointerMap) -> Self {
        Cx {
            diags,
            map,
            consumes: strings(root.get("consumes")),
            produces: strings(root.get("produces")),
            schemes: strings(root.get("schemes")),
            host: root.get("host").and_then(Value::as_str).map(str::to_string),
            base_path: root.get("basePath").and_then(Value::as_str).map(str::to_string),
            parameters: root.get("parameters").and_then(Value::as_object).cloned().unwrap_or_default(),
        }
    }

    /// Records that the node now at `converted` was at `original`.
    fn moved(&mut self, converted: &str, original: &str) {
        self.map.moved(converted, original);
    }

    fn warn(&mut self, message: impl Into<String>, at: &str, help: impl Into<String>) {
        self.diags.push(Diagnostic::warning(message).pointer(at).help(help));
    }
}

/// The strings of a list (`consumes`, `schemes`); anything else is none.
fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect()).unwrap_or_default()
}

/// `at` + `/` + one escaped segment.
fn child(at: &str, segment: &str) -> String {
    format!("{at}/{}", escape_pointer_segment(segment))
}

/// The root object.
fn document(cx: &mut Cx<'_>, mut root: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("openapi".into(), Value::String(CONVERTED_VERSION.into()));
    if let Some(info) = root.remove("info") {
        out.insert("info".into(), info);
    }
    if let Some(docs) = root.remove("externalDocs") {
        out.insert("externalDocs".into(), docs);
    }
    let schemes = cx.schemes.clone();
    let servers = servers(cx, &schemes, "#/schemes");
    if !servers.is_empty() {
        let from = ["host", "basePath", "schemes"].into_iter().find(|k| root.contains_key(*k)).unwrap_or("host");
        cx.moved("#/servers", &format!("#/{from}"));
        out.insert("servers".into(), Value::Array(servers));
    }
    for key in ["tags", "security"] {
        if let Some(v) = root.remove(key) {
            out.insert(key.into(), v);
        }
    }
    let paths = match root.remove("paths") {
        Some(Value::Object(paths)) => Value::Object(paths_object(cx, paths)),
        // Not a mapping: left for the typed reader to report where it stands.
        Some(other) => other,
        None => Value::Object(Map::new()),
    };
    out.insert("paths".into(), paths);
    let components = components(cx, &mut root);
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    for (key, mut value) in root {
        if key.starts_with("x-") {
            refs::rewrite_all(&mut value, 0);
            out.insert(key, value);
        }
    }
    out
}

/// `servers` from `host`, `basePath` and `schemes` (the root's, or an operation's `schemes` at
/// `at`): one per HTTP scheme, `https` first; without `host`, the base path alone (a URL
/// relative to the document's); nothing at all: none (the client's base URL is `/`). A `host`
/// without `schemes` is served over `https` (2.0 says "the scheme the document was fetched
/// with", which a generator does not know).
fn servers(cx: &mut Cx<'_>, schemes: &[String], at: &str) -> Vec<Value> {
    let base = cx.base_path.as_deref().unwrap_or("").trim_end_matches('/').to_string();
    let Some(host) = cx.host.clone() else {
        return if base.is_empty() { Vec::new() } else { vec![json!({ "url": base })] };
    };
    let mut http: Vec<&str> = Vec::new();
    for s in schemes {
        match s.to_ascii_lowercase().as_str() {
            "https" => http.insert(0, "https"),
            "http" => http.push("http"),
            other => {
                let help = "a client of this API makes HTTP requests; a WebSocket endpoint is not generated";
                cx.warn(format!("scheme `{other}` is not HTTP; no server is made for it"), at, help);
            }
        }
    }
    if schemes.is_empty() {
        http.push("https");
    }
    http.dedup();
    http.into_iter().map(|s| json!({ "url": format!("{s}://{}{base}", host.trim_end_matches('/')) })).collect()
}

/// The `paths` object: each path item converted; `x-*` keys kept.
fn paths_object(cx: &mut Cx<'_>, paths: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, item) in paths {
        let at = child("#/paths", &key);
        let item = match item {
            Value::Object(item) if !key.starts_with("x-") => Value::Object(path_item(cx, item, &at)),
            other => other,
        };
        out.insert(key, item);
    }
    out
}

/// One path item: its shared parameters (the non-body ones stay on the item; body and form ones
/// are given to each of its operations), its operations, `$ref` and extensions.
fn path_item(cx: &mut Cx<'_>, mut item: Map<String, Value>, at: &str) -> Map<String, Value> {
    let shared = parameters::list(cx, item.remove("parameters"), &format!("{at}/parameters"));
    let mut out = Map::new();
    for (key, value) in item {
        let converted = match (key.as_str(), value) {
            ("$ref", Value::String(r)) => Value::String(refs::rewrite(&r)),
            (method, Value::Object(op)) if METHODS.contains(&method) => Value::Object(operation(cx, op, &child(at, method), &shared)),
            (k, mut v) if k.starts_with("x-") => {
                refs::rewrite_all(&mut v, 0);
                v
            }
            ("summary" | "description", v) => v,
            (other, v) => {
                let _ = v;
                cx.warn(format!("`{other}` is not a field of a Swagger 2.0 path item; ignored"), &child(at, other), "a path item holds operations (`get`, `post`, ...), `parameters` and `$ref`");
                continue;
            }
        };
        out.insert(key, converted);
    }
    let kept = parameters::kept_at(cx, &shared, &format!("{at}/parameters"));
    if !kept.is_empty() {
        out.insert("parameters".into(), Value::Array(kept));
    }
    out
}

/// One operation.
fn operation(cx: &mut Cx<'_>, mut op: Map<String, Value>, at: &str, shared: &[parameters::Param]) -> Map<String, Value> {
    let consumes = op.remove("consumes").map(|v| strings(Some(&v))).unwrap_or_else(|| cx.consumes.clone());
    let produces = op.remove("produces").map(|v| strings(Some(&v))).unwrap_or_else(|| cx.produces.clone());
    let own = parameters::list(cx, op.remove("parameters"), &format!("{at}/parameters"));
    let schemes = op.remove("schemes").map(|v| strings(Some(&v)));
    let responses = op.remove("responses");
    let mut out = Map::new();
    for (key, mut value) in op {
        match key.as_str() {
            "tags" | "summary" | "description" | "externalDocs" | "operationId" | "deprecated" | "security" => {}
            k if k.starts_with("x-") => refs::rewrite_all(&mut value, 0),
            other => {
                cx.warn(format!("`{other}` is not a field of a Swagger 2.0 operation; ignored"), &child(at, other), "see the Operation Object of the Swagger 2.0 specification");
                continue;
            }
        }
        out.insert(key, value);
    }
    let (params, body) = parameters::operation(cx, &own, shared, &consumes, at);
    if !params.is_empty() {
        out.insert("parameters".into(), Value::Array(params));
    }
    if let Some(body) = body {
        out.insert("requestBody".into(), body);
    }
    if let Some(responses) = responses {
        out.insert("responses".into(), responses::operation_responses(cx, responses, &format!("{at}/responses"), &produces));
    }
    if let Some(schemes) = schemes.filter(|s| *s != cx.schemes) {
        let servers = servers(cx, &schemes, &format!("{at}/schemes"));
        if !servers.is_empty() {
            cx.moved(&format!("{at}/servers"), &format!("{at}/schemes"));
            out.insert("servers".into(), Value::Array(servers));
        }
    }
    out
}

/// `components` from `definitions`, `parameters` (those not in a body), `responses` and
/// `securityDefinitions`.
fn components(cx: &mut Cx<'_>, root: &mut Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(definitions) = root.remove("definitions") {
        let schemas = match definitions {
            Value::Object(defs) => Value::Object(defs.into_iter().map(|(k, v)| (k, schema::convert(v, 0))).collect()),
            other => other,
        };
        cx.moved("#/components/schemas", "#/definitions");
        out.insert("schemas".into(), schemas);
    }
    if let Some(responses) = root.remove("responses") {
        let produces = cx.produces.clone();
        let converted = responses::components(cx, responses, &produces);
        cx.moved("#/components/responses", "#/responses");
        out.insert("responses".into(), converted);
    }
    if root.remove("parameters").is_some() {
        let converted = parameters::components(cx);
        if !converted.is_empty() {
            cx.moved("#/components/parameters", "#/parameters");
            out.insert("parameters".into(), Value::Object(converted));
        }
    }
    if let Some(definitions) = root.remove("securityDefinitions") {
        let converted = security::schemes(cx, definitions);
        cx.moved("#/components/securitySchemes", "#/securityDefinitions");
        out.insert("securitySchemes".into(), converted);
    }
    out
}

/// The files a converted Swagger 2.0 document refers to, read as Swagger 2.0 too
/// ([`crate::load::external::bundle_with`]): a file with Swagger's sections (`definitions`,
/// `parameters`, `responses`, `paths`) is converted as a document, so a reference rewritten to
/// `other.yaml#/components/schemas/X` finds its target; a node of any other file (a bare schema,
/// a map of schemas) is converted where it lands as a schema. A bare parameter, response or path
/// item in a file of its own is read as OpenAPI 3.0.
#[derive(Clone, Copy, Debug, Default)]
pub struct Files;

/// The root keys that make a file a Swagger document (or a part of one) rather than a schema.
const SECTIONS: &[&str] = &["swagger", "definitions", "parameters", "responses", "paths", "securityDefinitions"];

impl crate::load::external::Dialect for Files {
    fn file(&self, value: &mut Value) -> (PointerMap, Diagnostics) {
        let Some(root) = value.as_object_mut() else { return Default::default() };
        let schema_like = ["type", "properties", "$ref", "allOf", "items"].iter().any(|k| root.contains_key(*k));
        if root.contains_key("openapi") {
            return Default::default();
        }
        if schema_like || !SECTIONS.iter().any(|k| root.contains_key(*k)) {
            // A schema file may keep its own `definitions` (JSON Schema's habit), which the
            // rewritten references now look for in `components.schemas`.
            let mut moved = PointerMap::default();
            if let Some(Value::Object(defs)) = root.get("definitions") {
                let schemas: Map<String, Value> = defs.iter().map(|(k, v)| (k.clone(), schema::convert(v.clone(), 0))).collect();
                root.insert("components".into(), json!({ "schemas": schemas }));
                moved.moved("#/components/schemas", "#/definitions");
            }
            return (moved, Diagnostics::default());
        }
        root.entry("swagger").or_insert_with(|| Value::String("2.0".into()));
        let converted = convert(value);
        (converted.pointers, converted.diagnostics)
    }

    fn schema(&self, value: Value) -> Value {
        schema::convert(value, 0)
    }
}
