//! OpenAPI 3.1 → 3.0: a rewrite of the loaded document, before `openapiv3` (a 3.0 model) reads it.
//!
//! OpenAPI 3.1 made schemas full JSON Schema 2020-12 and added a few document fields. Everything
//! after this stage reads OpenAPI 3.0, so [`normalise`] rewrites a 3.1 document into the 3.0 shape
//! that says the same thing (`type: [string, "null"]` → `type: string, nullable: true`, numeric
//! `exclusiveMinimum` → `minimum` + `exclusiveMinimum: true`, ...). What 3.0 cannot say but the
//! generated code can use is kept in `x-sdkforge-*` extensions that the IR reads:
//!
//! | extension | where | read by |
//! |---|---|---|
//! | `x-sdkforge-const` | a schema with `const` (also turned into a one-value `enum`) | the IR: a field that `new()` sets itself; a one-value type named from its place |
//! | `x-sdkforge-tuple` | the `items` made from `prefixItems` (its `oneOf` lists the positions) | the IR: a Rust tuple |
//! | `x-sdkforge-summary` | `info` (`info.summary`) | the IR: the crate docs |
//! | `x-sdkforge-identifier` | `info.license` (`license.identifier`) | nothing yet (kept, not lost) |
//! | `x-sdkforge-webhooks` | the root (`webhooks`, path items normalised) | the IR: `Api::webhooks` |
//!
//! What neither can express is dropped with a warning that points at the construct in the
//! user's file (`if`/`then`/`else`, ...). The document's places move in a few
//! rewrites (`$defs` hoisted into `components.schemas`, `components.pathItems` copied into
//! `paths`, `$ref` with siblings wrapped in `allOf`); each move is recorded in a [`PointerMap`] so
//! the diagnostics of later stages still name the place in the user's file. See
//! `docs/openapi-3.1.md` for the design and the rules construct by construct.

mod schema;

use crate::diagnostics::{Diagnostic, Diagnostics, escape_pointer_segment, pointer_segments};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The dialect a 3.1 document's schemas use when it says nothing else.
pub const DEFAULT_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

/// How many JSON nodes copying referenced path items may add in all: a few large documents
/// worth. Without a bound, many references to one large path item would make a small file
/// expand without limit (like a YAML alias bomb).
const COPY_BUDGET: usize = 2_000_000;

/// The root extension that holds a 3.1 document's `webhooks` after normalisation (the IR reads
/// it, and 3.0's `x-webhooks`, in `crate::ir::webhooks`).
pub const WEBHOOKS: &str = "x-sdkforge-webhooks";

/// The OpenAPI version written into a normalised document.
const NORMALISED_VERSION: &str = "3.0.3";

/// What [`normalise`] found and did.
#[derive(Clone, Debug, Default)]
pub struct Normalised {
    /// Whether the document was a 3.1 document (and so was rewritten).
    pub rewritten: bool,
    /// Warnings for what 3.0 cannot express and was dropped, and errors (a `$ref` to a missing
    /// path item), each at the place in the original document.
    pub diagnostics: Diagnostics,
    /// Where moved nodes came from.
    pub pointers: PointerMap,
}

/// Maps pointers into the normalised document back to the original document.
///
/// Each entry says "the node at this normalised pointer was at that original pointer"; a
/// pointer below an entry keeps its remaining segments (`#/components/schemas/Tag/properties/x`
/// under `#/components/schemas/Tag` ← `#/components/schemas/Item/$defs/Tag` is
/// `#/components/schemas/Item/$defs/Tag/properties/x`). Pointers under no entry did not move.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PointerMap(BTreeMap<String, String>);

impl PointerMap {
    /// Records that the node now at `normalised` was at `original`.
    pub fn moved(&mut self, normalised: &str, original: &str) {
        if normalised == original {
            self.0.remove(normalised);
        } else {
            self.0.insert(normalised.to_string(), original.to_string());
        }
    }

    /// The original pointer of a normalised one (the longest recorded prefix wins).
    pub fn original(&self, pointer: &str) -> String {
        let mut cut = pointer.len();
        loop {
            let prefix = &pointer[..cut];
            if let Some(orig) = self.0.get(prefix) {
                return format!("{orig}{}", &pointer[cut..]);
            }
            match prefix.rfind('/') {
                Some(i) => cut = i,
                None => return pointer.to_string(),
            }
        }
    }

    /// Whether nothing moved.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Whether `version` (the `openapi` field) is a 3.1 version.
pub fn is_openapi_31(version: &str) -> bool {
    version == "3.1" || version.starts_with("3.1.")
}

/// Rewrites an OpenAPI 3.1 document into the OpenAPI 3.0 shape, in place. Documents of any other
/// version are left untouched (the version check that follows reports them).
pub fn normalise(doc: &mut Value) -> Normalised {
    let mut out = Normalised::default();
    let Some(root) = doc.as_object_mut() else { return out };
    if !root.get("openapi").and_then(Value::as_str).is_some_and(is_openapi_31) {
        return out;
    }
    out.rewritten = true;
    let mut cx = schema::Cx { diags: &mut out.diagnostics, map: &mut out.pointers, defs: Vec::new(), copied: 0 };
    root.insert("openapi".into(), Value::String(NORMALISED_VERSION.into()));
    document_fields(&mut cx, root);
    let path_items = root
        .get_mut("components")
        .and_then(Value::as_object_mut)
        .and_then(|c| c.remove("pathItems"))
        .and_then(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default();
    if !root.contains_key("paths") {
        // 3.1 makes `paths` optional (a document may hold only webhooks or components).
        root.insert("paths".into(), Value::Object(Map::new()));
    }
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for (key, item) in paths.iter_mut() {
            let at = format!("#/paths/{}", escape_pointer_segment(key));
            inline_path_item(&mut cx, item, &at, &path_items);
            path_item(&mut cx, item, &at);
        }
    }
    if let Some(Value::Object(webhooks)) = root.get_mut(WEBHOOKS) {
        for (name, item) in webhooks.iter_mut() {
            let at = format!("#/{WEBHOOKS}/{}", escape_pointer_segment(name));
            inline_path_item(&mut cx, item, &at, &path_items);
            path_item(&mut cx, item, &at);
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        components_fields(&mut cx, components);
    }
    mutual_tls(&mut cx, root);
    let defs = std::mem::take(&mut cx.defs);
    schema::hoist_defs(&mut cx, doc, defs);
    out
}

/// `jsonSchemaDialect`, `webhooks`, `info.summary`, `license.identifier`.
fn document_fields(cx: &mut schema::Cx<'_>, root: &mut Map<String, Value>) {
    if let Some(dialect) = root.remove("jsonSchemaDialect") {
        if dialect.as_str() != Some(DEFAULT_DIALECT) {
            let shown = dialect.as_str().map_or_else(|| dialect.to_string(), str::to_string);
            cx.diags.push(
                Diagnostic::warning(format!("`jsonSchemaDialect` `{shown}` is not supported; schemas are read as OpenAPI 3.1's own dialect"))
                    .pointer("#/jsonSchemaDialect")
                    .help(format!("sdkforge reads the default dialect, `{DEFAULT_DIALECT}`")),
            );
        }
    }
    // `webhooks` (a map of names to path items) moves to a root extension, which the 3.0 model
    // keeps; its path items are normalised in `normalise` like those of `paths`.
    if let Some(webhooks) = root.remove("webhooks") {
        root.insert(WEBHOOKS.into(), webhooks);
        cx.map.moved(&format!("#/{WEBHOOKS}"), "#/webhooks");
    }
    if let Some(Value::Object(info)) = root.get_mut("info") {
        if let Some(summary) = info.remove("summary") {
            info.insert("x-sdkforge-summary".into(), summary);
        }
        if let Some(Value::Object(license)) = info.get_mut("license") {
            if let Some(id) = license.remove("identifier") {
                license.insert("x-sdkforge-identifier".into(), id);
            }
            // 3.1 requires `name` too; keep a document that forgot it readable.
            if !license.contains_key("name") {
                let name = license.get("x-sdkforge-identifier").and_then(Value::as_str).unwrap_or("unknown").to_string();
                license.insert("name".into(), Value::String(name));
            }
        }
    }
}

/// Replaces a path item that is a `$ref` into `components.pathItems` with a copy of its target
/// (siblings of the `$ref`, such as `summary`, win over the target's).
fn inline_path_item(cx: &mut schema::Cx<'_>, item: &mut Value, at: &str, path_items: &Map<String, Value>) {
    let mut target_pointer = None;
    let mut seen = Vec::new();
    while let Some(reference) = item.get("$ref").and_then(Value::as_str).map(str::to_string) {
        let segs = pointer_segments(&reference);
        let name = match (reference.starts_with("#/"), segs.as_slice()) {
            (true, [c, p, name]) if c == "components" && p == "pathItems" => name.clone(),
            _ => break, // other references are reported by the stages that follow
        };
        if seen.contains(&name) || seen.len() > 16 {
            cx.diags.push(Diagnostic::error(format!("`$ref` cycle: {reference} refers back to itself")).pointer(format!("{at}/$ref")));
            return;
        }
        seen.push(name.clone());
        let Some(target) = path_items.get(&name) else {
            cx.diags.push(
                Diagnostic::error(format!("`$ref` target `{reference}` does not exist"))
                    .pointer(target_pointer.as_ref().map_or_else(|| format!("{at}/$ref"), |p: &String| format!("{p}/$ref")))
                    .help("define it under `components.pathItems`, or fix the reference"),
            );
            return;
        };
        cx.copied += node_count(target, COPY_BUDGET);
        if cx.copied > COPY_BUDGET {
            cx.diags.push(
                Diagnostic::error(format!("path item references expand the document beyond {COPY_BUDGET} JSON nodes"))
                    .pointer(format!("{at}/$ref"))
                    .help("write the operations under `paths` directly"),
            );
            return;
        }
        let mut copy = target.clone();
        if let (Value::Object(copy), Value::Object(siblings)) = (&mut copy, &*item) {
            for (k, v) in siblings.iter().filter(|(k, _)| k.as_str() != "$ref") {
                copy.insert(k.clone(), v.clone());
            }
        }
        *item = copy;
        target_pointer = Some(format!("#/components/pathItems/{}", escape_pointer_segment(&name)));
    }
    if let Some(original) = target_pointer {
        cx.map.moved(at, &original);
    }
}

/// The nodes in `v`, counting no further than `limit`.
pub(crate) fn node_count(v: &Value, limit: usize) -> usize {
    let mut count = 0;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        count += 1;
        if count > limit {
            break;
        }
        match v {
            Value::Object(m) => stack.extend(m.values()),
            Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    count
}

/// `mutualTLS` security schemes (new in 3.1): the client certificate belongs to the HTTP client,
/// not to the generated code. The schemes are dropped with a warning, and so are their entries
/// in security requirements (a requirement left empty needs nothing the generated code sends).
fn mutual_tls(cx: &mut schema::Cx<'_>, root: &mut Map<String, Value>) {
    let Some(Value::Object(schemes)) = root.get_mut("components").and_then(|c| c.get_mut("securitySchemes")) else { return };
    let names: Vec<String> =
        schemes.iter().filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("mutualTLS")).map(|(k, _)| k.clone()).collect();
    if names.is_empty() {
        return;
    }
    for name in &names {
        schemes.remove(name);
        cx.diags.push(
            Diagnostic::warning(format!("security scheme `{name}` is `mutualTLS`: the client certificate is not part of the generated code"))
                .pointer(format!("#/components/securitySchemes/{}", escape_pointer_segment(name)))
                .help("give `ClientBuilder::http_client` a `reqwest::Client` built with the client's identity"),
        );
    }
    let strip = |security: Option<&mut Value>| {
        for requirement in security.and_then(Value::as_array_mut).into_iter().flatten() {
            if let Some(requirement) = requirement.as_object_mut() {
                requirement.retain(|k, _| !names.contains(k));
            }
        }
    };
    strip(root.get_mut("security"));
    for item in root.get_mut("paths").and_then(Value::as_object_mut).into_iter().flat_map(|p| p.values_mut()) {
        for method in METHODS {
            strip(item.get_mut(*method).and_then(|op| op.get_mut("security")));
        }
    }
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn path_item(cx: &mut schema::Cx<'_>, item: &mut Value, at: &str) {
    let Some(item) = item.as_object_mut() else { return };
    if item.contains_key("$ref") {
        return;
    }
    each_in_list(cx, item, "parameters", at, parameter);
    for method in METHODS {
        if let Some(op) = item.get_mut(*method) {
            operation(cx, op, &format!("{at}/{method}"));
        }
    }
}

fn operation(cx: &mut schema::Cx<'_>, op: &mut Value, at: &str) {
    let Some(op) = op.as_object_mut() else { return };
    each_in_list(cx, op, "parameters", at, parameter);
    if let Some(body) = op.get_mut("requestBody") {
        with_content(cx, body, &format!("{at}/requestBody"));
    }
    each_in_map(cx, op, "responses", at, response);
    each_in_map(cx, op, "callbacks", at, callback);
}

/// A callback: a map of expressions to path items (or a reference to one in `components`).
fn callback(cx: &mut schema::Cx<'_>, cb: &mut Value, at: &str) {
    let Some(cb) = cb.as_object_mut() else { return };
    if cb.contains_key("$ref") {
        return;
    }
    for (expr, item) in cb.iter_mut() {
        path_item(cx, item, &format!("{at}/{}", escape_pointer_segment(expr)));
    }
}

/// A parameter or a header: a `schema` or a `content` map.
fn parameter(cx: &mut schema::Cx<'_>, p: &mut Value, at: &str) {
    let Some(p) = p.as_object_mut() else { return };
    if p.contains_key("$ref") {
        return;
    }
    if let Some(s) = p.get_mut("schema") {
        schema::schema(cx, s, &format!("{at}/schema"), 0);
    }
    each_in_map(cx, p, "content", at, media_type);
}

fn response(cx: &mut schema::Cx<'_>, r: &mut Value, at: &str) {
    let Some(map) = r.as_object_mut() else { return };
    if map.contains_key("$ref") {
        return;
    }
    each_in_map(cx, map, "headers", at, parameter);
    each_in_map(cx, map, "content", at, media_type);
}

/// A request body (or anything else with only `content` to look into).
fn with_content(cx: &mut schema::Cx<'_>, v: &mut Value, at: &str) {
    let Some(map) = v.as_object_mut() else { return };
    if map.contains_key("$ref") {
        return;
    }
    each_in_map(cx, map, "content", at, media_type);
}

fn media_type(cx: &mut schema::Cx<'_>, m: &mut Value, at: &str) {
    let Some(m) = m.as_object_mut() else { return };
    if let Some(s) = m.get_mut("schema") {
        schema::schema(cx, s, &format!("{at}/schema"), 0);
    }
    if let Some(Value::Object(encodings)) = m.get_mut("encoding") {
        for (name, enc) in encodings.iter_mut() {
            if let Some(enc) = enc.as_object_mut() {
                let enc_at = format!("{at}/encoding/{}", escape_pointer_segment(name));
                each_in_map(cx, enc, "headers", &enc_at, parameter);
            }
        }
    }
}

fn components_fields(cx: &mut schema::Cx<'_>, c: &mut Map<String, Value>) {
    let at = "#/components";
    each_in_map(cx, c, "schemas", at, |cx, s, at| schema::schema(cx, s, at, 0));
    each_in_map(cx, c, "responses", at, response);
    each_in_map(cx, c, "parameters", at, parameter);
    each_in_map(cx, c, "requestBodies", at, with_content);
    each_in_map(cx, c, "headers", at, parameter);
    each_in_map(cx, c, "callbacks", at, callback);
}

type Visit = fn(&mut schema::Cx<'_>, &mut Value, &str);

fn each_in_map(cx: &mut schema::Cx<'_>, owner: &mut Map<String, Value>, key: &str, at: &str, visit: impl Fn(&mut schema::Cx<'_>, &mut Value, &str)) {
    if let Some(Value::Object(map)) = owner.get_mut(key) {
        for (name, v) in map.iter_mut() {
            visit(cx, v, &format!("{at}/{key}/{}", escape_pointer_segment(name)));
        }
    }
}

fn each_in_list(cx: &mut schema::Cx<'_>, owner: &mut Map<String, Value>, key: &str, at: &str, visit: Visit) {
    if let Some(Value::Array(items)) = owner.get_mut(key) {
        for (i, v) in items.iter_mut().enumerate() {
            visit(cx, v, &format!("{at}/{key}/{i}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn other_versions_are_untouched() {
        let mut doc = json!({"openapi": "3.0.3", "webhooks": {"a": {}}, "info": {"summary": "s"}});
        let before = doc.clone();
        let n = normalise(&mut doc);
        assert!(!n.rewritten);
        assert_eq!(doc, before);
        assert!(is_openapi_31("3.1.1") && is_openapi_31("3.1") && !is_openapi_31("3.10.0") && !is_openapi_31("3.0.3"));
    }

    #[test]
    fn document_fields_become_3_0() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
            "info": {"title": "t", "version": "1", "summary": "Short.", "license": {"name": "MIT", "identifier": "MIT"}},
            "webhooks": {"a": {}, "b": {}, "c": {}, "d": {}}
        });
        let n = normalise(&mut doc);
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(doc["paths"], json!({}), "3.1 makes paths optional; 3.0 needs it");
        assert_eq!(doc["info"]["x-sdkforge-summary"], "Short.");
        assert_eq!(doc["info"]["license"], json!({"name": "MIT", "x-sdkforge-identifier": "MIT"}));
        assert!(doc.get("webhooks").is_none() && doc.get("jsonSchemaDialect").is_none());
        assert_eq!(doc[WEBHOOKS], json!({"a": {}, "b": {}, "c": {}, "d": {}}), "webhooks are kept for the IR");
        assert_eq!(n.pointers.original("#/x-sdkforge-webhooks/a/post"), "#/webhooks/a/post");
        let msgs: Vec<String> = n.diagnostics.iter().map(|d| format!("{} @ {}", d.message, d.pointer.as_deref().unwrap_or(""))).collect();
        assert_eq!(
            msgs,
            [
                "`jsonSchemaDialect` `https://json-schema.org/draft/2020-12/schema` is not supported; schemas are read as OpenAPI 3.1's own dialect @ #/jsonSchemaDialect",
            ]
        );
        let mut doc = json!({"openapi": "3.1.0", "jsonSchemaDialect": DEFAULT_DIALECT, "info": {}, "paths": {}});
        assert!(normalise(&mut doc).diagnostics.is_empty(), "the default dialect is fine");
    }

    #[test]
    fn path_item_references_are_copied_and_pointers_lead_back() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "paths": {
                "/a": {"$ref": "#/components/pathItems/A", "summary": "Mine"},
                "/b": {"$ref": "#/components/pathItems/Missing"}
            },
            "components": {"pathItems": {"A": {"summary": "Theirs", "get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": ["string", "null"]}}}}}}}}}
        });
        let n = normalise(&mut doc);
        assert!(doc["components"].get("pathItems").is_none());
        assert_eq!(doc["paths"]["/a"]["summary"], "Mine");
        let schema = &doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(schema, &json!({"type": "string", "nullable": true}), "the copy is normalised too");
        assert_eq!(n.pointers.original("#/paths/~1a/get/responses"), "#/components/pathItems/A/get/responses");
        assert_eq!(n.pointers.original("#/paths/~1b"), "#/paths/~1b");
        let errors: Vec<String> = n.diagnostics.iter().map(|d| format!("{} @ {}", d.message, d.pointer.as_deref().unwrap_or(""))).collect();
        assert_eq!(errors, ["`$ref` target `#/components/pathItems/Missing` does not exist @ #/paths/~1b/$ref"]);
    }

    #[test]
    fn webhooks_are_normalised_like_paths() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "webhooks": {
                "order.created": {"post": {"requestBody": {"content": {"application/json": {"schema": {
                    "type": "object", "properties": {"type": {"const": "order.created"}, "note": {"type": ["string", "null"]}}
                }}}}}},
                "order.paid": {"$ref": "#/components/pathItems/Paid"}
            },
            "components": {"pathItems": {"Paid": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": ["integer", "null"]}}}}}}}}
        });
        let n = normalise(&mut doc);
        assert!(n.diagnostics.is_empty(), "{:?}", n.diagnostics);
        let created = &doc[WEBHOOKS]["order.created"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"];
        assert_eq!(created["type"], json!({"type": "string", "enum": ["order.created"], "x-sdkforge-const": "order.created"}));
        assert_eq!(created["note"], json!({"type": "string", "nullable": true}));
        let paid = &doc[WEBHOOKS]["order.paid"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(paid, &json!({"type": "integer", "nullable": true}), "a referenced path item is copied and normalised");
        assert_eq!(n.pointers.original("#/x-sdkforge-webhooks/order.paid/post"), "#/components/pathItems/Paid/post");
        assert_eq!(n.pointers.original("#/x-sdkforge-webhooks/order.created/post"), "#/webhooks/order.created/post");
    }

    #[test]
    fn many_references_to_a_large_path_item_are_refused_not_expanded() {
        let big: Vec<Value> = (0..100_000).map(|i| json!(i)).collect();
        let paths: Map<String, Value> = (0..50).map(|i| (format!("/p{i}"), json!({"$ref": "#/components/pathItems/Big"}))).collect();
        let mut doc = json!({"openapi": "3.1.0", "paths": paths, "components": {"pathItems": {"Big": {"x-big": big}}}});
        let n = normalise(&mut doc);
        let errors: Vec<&str> = n.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(errors.iter().all(|e| *e == "path item references expand the document beyond 2000000 JSON nodes"), "{errors:?}");
        assert!(!errors.is_empty() && errors.len() < 50, "the first references are copied, the rest refused: {}", errors.len());
    }

    #[test]
    fn mutual_tls_schemes_are_dropped_with_their_requirements() {
        let mut doc = json!({
            "openapi": "3.1.0", "security": [{"mtls": [], "key": []}],
            "paths": {"/a": {"get": {"security": [{"mtls": []}]}}},
            "components": {"securitySchemes": {"mtls": {"type": "mutualTLS"}, "key": {"type": "apiKey", "in": "header", "name": "k"}}}
        });
        let n = normalise(&mut doc);
        assert_eq!(doc["security"], json!([{"key": []}]));
        assert_eq!(doc["paths"]["/a"]["get"]["security"], json!([{}]), "nothing left to send for that alternative");
        assert_eq!(doc["components"]["securitySchemes"].as_object().map(|m| m.len()), Some(1));
        let d: Vec<String> = n.diagnostics.iter().map(|d| format!("{} @ {}", d.message, d.pointer.as_deref().unwrap_or(""))).collect();
        assert_eq!(d, ["security scheme `mtls` is `mutualTLS`: the client certificate is not part of the generated code @ #/components/securitySchemes/mtls"]);
    }

    #[test]
    fn pointer_map_uses_the_longest_prefix_on_segment_boundaries() {
        let mut m = PointerMap::default();
        m.moved("#/a/b", "#/x");
        m.moved("#/a/b/c", "#/y");
        assert_eq!(m.original("#/a/b/d"), "#/x/d");
        assert_eq!(m.original("#/a/b/c/e"), "#/y/e");
        assert_eq!(m.original("#/a/bc"), "#/a/bc", "not a segment prefix");
        assert_eq!(m.original("#/q"), "#/q");
    }
}
