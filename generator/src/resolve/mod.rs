//! From a loaded value (OpenAPI 3.0, or 3.1 after [`crate::normalise31`]) to a typed OpenAPI 3.0
//! document, and `$ref` resolution inside it.

use crate::diagnostics::{Diagnostic, pointer_segments};
use crate::normalise31::PointerMap;
use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};
use serde_json::Value;

mod fast;
pub use fast::from_json_text;

/// The resolve stage: references into the middle of schemas hoisted into components
/// ([`hoist_deep_schema_refs`]), then the typed document (as [`parse_openapi`] makes it).
///
/// The value is written out as JSON text, dropped, and the typed document read from the text:
/// deserialising a value moves or copies every string into serde's buffers for the untagged
/// enums of the model (once per level of nesting), where reading text borrows them, which takes
/// half the time; and the value and the typed document, each several times the size of the text,
/// are never held at once.
pub fn document(doc: Value) -> Result<OpenAPI, Diagnostic> {
    document_with_moves(doc).0
}

/// [`document`], and where [`hoist_deep_schema_refs`] moved nodes from: each component it made,
/// by the place in the document given that the node had (to point diagnostics and the IR's
/// pointers back there).
pub fn document_with_moves(mut doc: Value) -> (Result<OpenAPI, Diagnostic>, PointerMap, crate::Diagnostics) {
    // One walk for the references serves both stages unless the first changed some.
    let mut refs = RefSet::new();
    collect_refs(&doc, &mut refs, false, None, None, 0);
    let mut warnings = reconcile_kinds(&mut doc, &refs);
    let moves = hoist_from(&mut doc, warnings.is_empty().then_some(refs));
    let (typed, mut repaired) = typed_document_repaired(doc);
    for d in repaired.iter_mut() {
        if let Some(p) = &d.pointer {
            d.pointer = Some(moves.original(p));
        }
    }
    warnings.extend(repaired);
    (typed, moves, warnings)
}

/// The typed document, read from the value's JSON text; when the typed model refuses it, annotations and JSON Schema
/// keywords that 3.0 does not read are repaired ([`repair_schemas`]) and it is read again.
/// Only a document that fails pays for the second reading.
fn typed_document_repaired(doc: Value) -> (Result<OpenAPI, Diagnostic>, crate::Diagnostics) {
    if let Err(e) = check_version(&doc) {
        return (Err(e), Default::default());
    }
    let text = match serde_json::to_string(&doc) {
        Ok(t) => t,
        Err(e) => return (Err(Diagnostic::error(format!("internal error: cannot write the document as JSON: {e}"))), Default::default()),
    };
    drop(doc);
    let first = typed_text(&text);
    let Err(error) = first else { return (first, Default::default()) };
    let Ok(mut value) = serde_json::from_str::<Value>(&text) else { return (Err(error), Default::default()) };
    drop(text);
    let mut repairs = crate::Diagnostics::default();
    repair_schemas(&mut value, &mut Vec::new(), false, &mut repairs, 0);
    if repairs.is_empty() {
        return (Err(error), repairs);
    }
    match serde_json::to_string(&value) {
        Ok(text) => (typed_text(&text), repairs),
        Err(_) => (Err(error), repairs),
    }
}

/// Schema annotations the typed model needs as text.
const TEXT_KEYWORDS: &[&str] = &["title", "description", "pattern", "format"];

/// In schemas (below a `schema` or `schemas` key): an annotation of the wrong type (`pattern: 0`,
/// `description: 12`) becomes its text, and JSON Schema's nested `definitions` or `$defs` (which
/// OpenAPI 3.0 does not have; references into them were moved out already) are dropped, each
/// with a warning (rule `schema-keyword-type`).
fn repair_schemas(v: &mut Value, at: &mut Vec<String>, in_schema: bool, out: &mut crate::Diagnostics, depth: usize) {
    if depth > WALK_LIMIT {
        return;
    }
    match v {
        Value::Object(map) => {
            // A key of `properties` (or another map of names) is a name, not a keyword.
            let names = matches!(at.last().map(String::as_str), Some("properties" | "schemas" | "patternProperties" | "definitions" | "$defs"));
            if in_schema && !names {
                for k in TEXT_KEYWORDS {
                    if let Some(value @ (Value::Number(_) | Value::Bool(_))) = map.get_mut(*k) {
                        let text = crate::load::numbers::display(value);
                        out.push(
                            Diagnostic::reading("schema-keyword-type", format!("`{k}` is `{text}`, not a string; it is read as the string \"{text}\""))
                                .pointer(crate::diagnostics::pointer_from(at.iter().map(String::as_str).chain([*k])))
                                .help(format!("quote the value: `{k}: \"{text}\"`")),
                        );
                        *value = Value::String(text);
                    }
                }
                for k in ["definitions", "$defs"] {
                    if map.get(k).is_some_and(Value::is_object) && at.last().map(String::as_str) != Some("components") {
                        map.remove(k);
                        out.push(
                            Diagnostic::reading("schema-keyword-type", format!("`{k}` inside a schema is JSON Schema's, not OpenAPI 3.0's; it is ignored"))
                                .pointer(crate::diagnostics::pointer_from(at.iter().map(String::as_str).chain([k])))
                                .help("move the schemas into `components.schemas` and refer to them there"),
                        );
                    }
                }
            }
            for (k, child) in map.iter_mut() {
                if k == "example" || k == "examples" || k.starts_with("x-") {
                    continue;
                }
                at.push(k.clone());
                repair_schemas(child, at, in_schema || k == "schema" || k == "schemas", out, depth + 1);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                at.push(i.to_string());
                repair_schemas(item, at, in_schema, out, depth + 1);
                at.pop();
            }
        }
        _ => {}
    }
}

/// The kind of object kept in a `components` section, for messages.
fn kind_name(section: &str) -> &'static str {
    match section {
        "schemas" => "schema",
        "responses" => "response",
        "parameters" => "parameter",
        "headers" => "header",
        "requestBodies" => "request body",
        _ => "component",
    }
}

/// The section of a reference to a component itself (`#/components/parameters/Limit` →
/// `parameters`), for the kinds a reference can stand for.
fn component_kind(r: &str) -> Option<&'static str> {
    let segs = pointer_segments(&decode_fragment(r.strip_prefix('#')?));
    if segs.len() != 3 || segs[0] != "components" {
        return None;
    }
    ["schemas", "responses", "parameters", "headers", "requestBodies"].into_iter().find(|s| *s == segs[1])
}

/// The kind of a reference's target: a component's section, or for a target inside an
/// operation or a component (`#/paths/~1a/get/parameters/0`) the section it would be hoisted
/// into.
fn target_kind(r: &str) -> Option<&'static str> {
    component_kind(r).or_else(|| hoisted_section(r))
}

/// References to a component of another kind than their place expects, where one reading is
/// safe (rule `reference-kind-mismatch`, docs/reading.md): a schema that refers to a parameter
/// or header is that one's schema, to a response or request body its (JSON) body's schema, or
/// any JSON value when it has none; a response, request body or header that refers to a schema
/// has that schema as its JSON body (or value). Others stay for resolve to report.
/// `refs` are the document's references ([`collect_refs`]).
fn reconcile_kinds(doc: &mut Value, refs: &RefSet) -> crate::Diagnostics {
    let mut out = crate::Diagnostics::default();
    if !refs.iter().any(|(r, site)| matches!((target_kind(r), site), (Some(k), Some(s)) if k != *s)) {
        return out;
    }
    let mut sites = Vec::new();
    find_mismatches(doc, &mut Vec::new(), false, &mut sites, 0);
    for (at, r, site, kind) in sites {
        let Some(target) = doc.pointer(&decode_fragment(r.strip_prefix('#').unwrap_or(&r))) else { continue };
        let body_schema = |t: &Value| -> Option<String> {
            let content = t.get("content")?.as_object()?;
            let json = content.keys().find(|k| {
                let base = k.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
                base == "application/json" || base.ends_with("+json")
            });
            let key = json.or_else(|| content.keys().next())?;
            content[key].get("schema")?;
            Some(format!("{r}/content/{}/schema", crate::diagnostics::escape_pointer_segment(key)))
        };
        let (replacement, reading) = match (site, kind) {
            ("schemas", "parameters" | "headers") if target.get("schema").is_some() => (serde_json::json!({"$ref": format!("{r}/schema")}), "its schema".to_string()),
            ("schemas", "parameters" | "headers" | "responses" | "requestBodies") => match body_schema(target) {
                Some(schema) => (serde_json::json!({"$ref": schema}), "the schema of its body".to_string()),
                None => (serde_json::json!({}), "any JSON value (it has no schema)".to_string()),
            },
            ("responses", "schemas") => {
                let description = target.get("description").cloned().unwrap_or_else(|| Value::String(String::new()));
                (serde_json::json!({"description": description, "content": {"application/json": {"schema": {"$ref": r}}}}), "a response with that schema as its JSON body".to_string())
            }
            ("requestBodies", "schemas") => (serde_json::json!({"content": {"application/json": {"schema": {"$ref": r}}}}), "a request body with that schema as its JSON body".to_string()),
            ("headers", "schemas") => (serde_json::json!({"schema": {"$ref": r}}), "a header with that schema".to_string()),
            _ => continue,
        };
        let pointer = crate::diagnostics::pointer_from(at.iter().map(String::as_str));
        out.push(
            Diagnostic::reading(
                "reference-kind-mismatch",
                format!("`$ref` `{r}` is a {} where a {} is expected; it is read as {reading}", kind_name(kind), kind_name(site)),
            )
            .pointer(format!("{pointer}/$ref"))
            .help(format!("point the reference at a {} (an overlay can)", kind_name(site))),
        );
        if let Some(slot) = doc.pointer_mut(&pointer[1..]) {
            *slot = replacement;
        }
    }
    out
}

/// The places (segments) of references to a component of another kind than the place's, with
/// the reference, the place's section and the target's.
fn find_mismatches(v: &Value, at: &mut Vec<String>, in_schema: bool, out: &mut Vec<(Vec<String>, String, &'static str, &'static str)>, depth: usize) {
    if depth > WALK_LIMIT {
        return;
    }
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                let n = at.len();
                let parent = n.checked_sub(2).map(|i| at[i].as_str());
                let key = at.last().map(String::as_str);
                if let (Some(site), Some(kind)) = (site_section(in_schema, parent, key), target_kind(r)) {
                    if site != kind {
                        out.push((at.clone(), r.clone(), site, kind));
                    }
                }
                return;
            }
            for (k, child) in map {
                if k != "example" && k != "examples" {
                    at.push(k.clone());
                    find_mismatches(child, at, in_schema || k == "schema" || k == "schemas", out, depth + 1);
                    at.pop();
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push(i.to_string());
                find_mismatches(item, at, in_schema, out, depth + 1);
                at.pop();
            }
        }
        _ => {}
    }
}

/// The section of the kind of object a place expects: `schemas` below a `schema` or `schemas`
/// key, else by the last two keys (`parent`, `key`).
fn site_section(in_schema: bool, parent: Option<&str>, key: Option<&str>) -> Option<&'static str> {
    if in_schema {
        return Some("schemas");
    }
    match (parent, key) {
        (Some("requestBodies"), _) => Some("requestBodies"),
        (Some("responses"), _) => Some("responses"),
        (Some("parameters"), _) => Some("parameters"),
        (Some("headers"), _) => Some("headers"),
        (_, Some("requestBody")) => Some("requestBodies"),
        _ => None,
    }
}


/// Removes operations' `callbacks` (and `components.callbacks`), with a warning for each
/// operation that had some: they describe requests the server sends, which a client does not
/// make, and the typed model cannot read one given as a `$ref`.
pub fn drop_callbacks(doc: &mut Value) -> crate::Diagnostics {
    let mut out = crate::Diagnostics::default();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, op) in item.iter_mut() {
                let Some(callbacks) = op.as_object_mut().and_then(|op| op.remove("callbacks")) else { continue };
                let names: Vec<String> = callbacks.as_object().map(|m| m.keys().map(|k| format!("`{k}`")).collect()).unwrap_or_default();
                if names.is_empty() {
                    continue;
                }
                out.push(
                    Diagnostic::warning(format!(
                        "callback{} {} not generated: a callback is a request the server sends, not one a client makes",
                        if names.len() == 1 { "" } else { "s" },
                        names.join(", ")
                    ))
                    .pointer(crate::diagnostics::pointer_from(["paths", path.as_str(), method.as_str(), "callbacks"])),
                );
            }
        }
    }
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        components.remove("callbacks");
    }
    out
}

/// Checks the version and deserialises the document. `Err` carries the pointer of the problem.
pub fn parse_openapi(value: &Value) -> Result<OpenAPI, Diagnostic> {
    check_version(value)?;
    // Read plainly first; only a document that fails is read again, tracking the path to the
    // problem (that tracking doubles the cost of reading).
    <OpenAPI as serde::Deserialize>::deserialize(value).or_else(|_| typed(value))
}

/// The typed document from JSON text, read as [`parse_openapi`] reads a value.
fn typed_text(text: &str) -> Result<OpenAPI, Diagnostic> {
    serde_json::from_str::<OpenAPI>(text).or_else(|_| typed(&mut serde_json::Deserializer::from_str(text)))
}

fn typed<'de, D: serde::Deserializer<'de, Error = serde_json::Error>>(doc: D) -> Result<OpenAPI, Diagnostic> {
    serde_path_to_error::deserialize::<_, OpenAPI>(doc).map_err(|e| {
        let pointer = path_to_pointer(e.path());
        // Read from text, the message ends with a position in that text, which is not the
        // document's (the general path reads text it wrote itself); the pointer says where.
        let inner = e.inner();
        let message = inner.to_string();
        let suffix = format!(" at line {} column {}", inner.line(), inner.column());
        let message = message.strip_suffix(&suffix).filter(|_| inner.line() > 0).unwrap_or(&message);
        Diagnostic::error(format!("invalid OpenAPI document: {message}")).pointer(pointer)
    })
}

fn check_version(value: &Value) -> Result<(), Diagnostic> {
    let Some(root) = value.as_object() else {
        return Err(Diagnostic::error("not an OpenAPI document: the top level is not a mapping").pointer("#"));
    };
    if let Some(v) = root.get("swagger") {
        // The pipeline converts Swagger 2.0 documents first; a library caller may have skipped that.
        let v = scalar_text(v);
        if v != "2.0" {
            return Err(Diagnostic::error(format!("unsupported Swagger version `{v}`; sdkforge reads Swagger 2.0, OpenAPI 3.0 and OpenAPI 3.1"))
                .pointer("#/swagger")
                .help("a Swagger document starts with `swagger: \"2.0\"` (a string)"));
        }
        return Err(Diagnostic::error("Swagger 2.0 must be converted first; this reader takes OpenAPI 3.0.x")
            .pointer("#/swagger")
            .help("call `sdkforge::swagger2::convert` on the document before parsing it"));
    }
    let Some(version) = root.get("openapi") else {
        return Err(Diagnostic::error("not an OpenAPI document: there is no `openapi` key")
            .pointer("#")
            .help("an OpenAPI 3.0 document starts with `openapi: 3.0.3`"));
    };
    let version = scalar_text(version);
    if crate::normalise31::is_openapi_31(&version) {
        // The pipeline rewrites 3.1 documents first; a library caller may have skipped that.
        return Err(Diagnostic::error(format!("OpenAPI {version} must be normalised first; this reader takes OpenAPI 3.0.x"))
            .pointer("#/openapi")
            .help("call `sdkforge::normalise31::normalise` on the document before parsing it"));
    }
    if !version.starts_with("3.0") {
        return Err(Diagnostic::error(format!("unsupported OpenAPI version `{version}`; sdkforge reads OpenAPI 3.0.x and 3.1.x"))
            .pointer("#/openapi")
            .help("an OpenAPI document starts with `openapi: 3.1.0` or `openapi: 3.0.3`"));
    }
    Ok(())
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

/// Structural pointer segments that say nothing about what a schema is.
const STRUCTURAL: &[&str] = &[
    "properties", "items", "allOf", "oneOf", "anyOf", "additionalProperties", "content", "schema", "paths", "components", "schemas", "responses",
    "parameters", "headers", "requestBodies",
];

/// References to places a `$ref` cannot point at in OpenAPI 3.0's model: into the middle of a
/// schema (`#/components/schemas/A/properties/b`), to a schema inside a parameter, response or
/// operation (`#/paths/~1a/get/responses/200/content/application~1json/schema`), or to a
/// response, parameter, request body or header of an operation
/// (`#/paths/~1a/get/responses/401`) or inside another component, or anywhere outside
/// `components` and `paths` (`#/definitions/Pet`, of the kind its reference's place expects).
/// Each such target is moved
/// into its own component of the right section (named from where it was), the original place
/// becomes a reference to it, and every reference is rewritten, so one type serves all of them.
/// The deepest targets move first, so that a target inside another one moves with a reference
/// in its place.
pub fn hoist_deep_schema_refs(doc: &mut Value) -> PointerMap {
    hoist_from(doc, None)
}

/// The references of a document ([`collect_refs`]): each with the section of its place's kind.
type RefSet = std::collections::BTreeSet<(String, Option<&'static str>)>;

/// [`hoist_deep_schema_refs`], with the document's references already collected when `first`
/// is given (copying path items adds none: a copy holds the references of its original).
fn hoist_from(doc: &mut Value, mut first: Option<RefSet>) -> PointerMap {
    let mut moves = PointerMap::default();
    inline_path_item_refs(doc);
    for _round in 0..8 {
        let refs = first.take().unwrap_or_else(|| {
            let mut refs = RefSet::new();
            collect_refs(doc, &mut refs, false, None, None, 0);
            refs
        });
        // A target moves when some reference to it stands where its kind may (a schema where a
        // schema is expected, anything else elsewhere); a target outside `components` and
        // `paths` (`#/definitions/Pet`) takes the kind of the place its reference stands in.
        // One move per target: the first reference (in the set's order) decides.
        let mut chosen: std::collections::BTreeMap<&String, &'static str> = std::collections::BTreeMap::new();
        for (r, site) in &refs {
            let section = match hoisted_section(r) {
                Some(s) if (s == "schemas") == (*site == Some("schemas")) => Some(s),
                Some(_) => None,
                None if is_elsewhere(r) => *site,
                None => None,
            };
            if let Some(section) = section {
                chosen.entry(r).or_insert(section);
            }
        }
        let mut deep: Vec<(String, &'static str, String)> = chosen.into_iter().map(|(r, section)| (decode_fragment(r), section, r.clone())).collect();
        if deep.is_empty() {
            return moves;
        }
        deep.sort_by_key(|(pointer, _, r)| (std::cmp::Reverse(pointer_segments(pointer).len()), r.clone()));
        let mut renamed = std::collections::BTreeMap::new();
        for (pointer, section, r) in deep {
            let Some(target) = doc.pointer(&pointer).cloned() else { continue };
            let key = unique_key(doc, section, &hoisted_name(&pointer));
            let new_ref = format!("#/components/{section}/{}", crate::diagnostics::escape_pointer_segment(&key));
            if !insert_component(doc, section, &key, target) {
                return moves;
            }
            if let Some(slot) = doc.pointer_mut(&pointer) {
                *slot = serde_json::json!({ "$ref": new_ref });
            }
            // A target inside a node moved in an earlier round was somewhere else before that.
            let was = moves.original(&format!("#{pointer}"));
            moves.moved(&new_ref, &was);
            renamed.insert(r, new_ref);
        }
        rewrite_refs(doc, &renamed, false, 0);
    }
    moves
}

/// Puts `value` at `components.<section>.<name>`, making the maps on the way; `false` when the
/// document or its `components` is not an object.
pub(crate) fn insert_component(doc: &mut Value, section: &str, name: &str, value: Value) -> bool {
    let Some(components) = doc
        .as_object_mut()
        .map(|root| root.entry("components").or_insert_with(|| Value::Object(Default::default())))
        .and_then(Value::as_object_mut)
        .map(|c| c.entry(section).or_insert_with(|| Value::Object(Default::default())))
        .and_then(Value::as_object_mut)
    else {
        return false;
    };
    components.insert(name.to_string(), value);
    true
}

/// Nesting beyond this is not walked (the loaders refuse far less deep documents).
pub(crate) const WALK_LIMIT: usize = 512;

/// Every `$ref` (examples aside), with the `components` section of the kind of object that
/// stands where it does: `schemas` below a `schema` or `schemas` key, else as
/// [`component_section`] says from the last two keys (`parent`, `key`), `None` elsewhere.
fn collect_refs(
    v: &Value,
    out: &mut RefSet,
    in_schema: bool,
    parent: Option<&str>,
    key: Option<&str>,
    depth: usize,
) {
    if depth > WALK_LIMIT {
        return;
    }
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.insert((r.clone(), site_section(in_schema, parent, key)));
            }
            for (k, child) in map {
                // Examples are data, not schemas.
                if k != "example" && k != "examples" {
                    collect_refs(child, out, in_schema || k == "schema" || k == "schemas", key, Some(k), depth + 1);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_refs(i, out, in_schema, key, Some("#"), depth + 1)),
        _ => {}
    }
}

/// Rewrites the references `renamed` names, each only where a reference to its section may
/// stand (a schema where a schema is expected, anything else elsewhere): a reference from a
/// schema to a response stays as written, for resolve to report.
fn rewrite_refs(v: &mut Value, renamed: &std::collections::BTreeMap<String, String>, in_schema: bool, depth: usize) {
    if depth > WALK_LIMIT {
        return;
    }
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                if let Some(new) = renamed.get(r.as_str()) {
                    if new.starts_with("#/components/schemas/") == in_schema {
                        *r = new.clone();
                    }
                }
            }
            for (k, child) in map.iter_mut() {
                if k != "example" && k != "examples" {
                    rewrite_refs(child, renamed, in_schema || k == "schema" || k == "schemas", depth + 1);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite_refs(i, renamed, in_schema, depth + 1)),
        _ => {}
    }
}

/// Whether the document needs the general path for `r`: [`hoist_deep_schema_refs`] moves or
/// copies its target, or it refers to another file ([`crate::load::external`]).
fn is_deep_schema_ref(r: &str) -> bool {
    !r.starts_with('#') || hoisted_section(r).is_some() || path_item_ref(r).is_some() || is_elsewhere(r)
}

/// A local reference to a place outside `components` and `paths` (`#/definitions/Pet`, left
/// over from Swagger 2.0, or `#/x-schemas/Pet`): its target is moved into the section of the
/// kind its reference's place expects.
fn is_elsewhere(r: &str) -> bool {
    let Some(fragment) = r.strip_prefix('#') else { return false };
    let segs = pointer_segments(&decode_fragment(fragment));
    segs.len() >= 2 && !matches!(segs[0].as_str(), "components" | "paths")
}

/// `#/paths/~1a` → `/paths/~1a`: a reference to another path item.
fn path_item_ref(r: &str) -> Option<String> {
    let pointer = decode_fragment(r.strip_prefix('#')?);
    let segs = pointer_segments(&pointer);
    (segs.len() == 2 && segs[0] == "paths").then_some(pointer)
}

/// A path item that is a `$ref` to another path item (`/support/ip-address: {$ref:
/// '#/paths/~1ip-address'}`) becomes a copy of it (the `$ref`'s siblings, such as `summary`,
/// win). OpenAPI 3.0 has no component for path items, so each place gets its own operations.
fn inline_path_item_refs(doc: &mut Value) {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else { return };
    let mut copies = Vec::new();
    for (key, item) in paths {
        let mut target = item;
        for _ in 0..16 {
            let Some(pointer) = target.get("$ref").and_then(Value::as_str).and_then(path_item_ref) else { break };
            let Some(next) = doc.pointer(&pointer) else { break };
            target = next;
        }
        if std::ptr::eq(target, item) || target.get("$ref").is_some() {
            continue; // not a reference to a path item, or a chain that ends nowhere: reported later
        }
        let mut copy = target.clone();
        if let (Value::Object(copy), Value::Object(siblings)) = (&mut copy, item) {
            for (k, v) in siblings.iter().filter(|(k, _)| k.as_str() != "$ref") {
                copy.insert(k.clone(), v.clone());
            }
        }
        copies.push((key.clone(), copy));
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (key, copy) in copies {
            paths.insert(key, copy);
        }
    }
}

/// The `components` section the target of a local reference is moved into, or `None` when it
/// stays (a component itself, or not a place to hoist from).
fn hoisted_section(r: &str) -> Option<&'static str> {
    if !r.starts_with('#') {
        return None;
    }
    let segs = pointer_segments(&decode_fragment(r));
    let deep = match segs.first().map(String::as_str) {
        Some("components") => segs.len() > 3,
        Some("paths") => true,
        _ => false,
    };
    if !deep {
        return None;
    }
    // A schema: inside a component schema, or below a `schema` keyword. (`x` in
    // `properties/x` is a schema too, whatever its name.)
    let in_schema = segs.get(1).is_some_and(|s| s == "schemas") || segs.iter().any(|s| s == "schema");
    if in_schema {
        return Some("schemas");
    }
    component_section(&segs)
}

/// The `components` section of the kind of object at these (unescaped) pointer segments, by
/// where it stands: `.../responses/401` a response, `.../parameters/0` a parameter,
/// `.../headers/X` a header, `.../requestBody` a request body.
pub(crate) fn component_section(segs: &[String]) -> Option<&'static str> {
    let parent = segs.len().checked_sub(2).map(|i| segs[i].as_str());
    match (parent, segs.last().map(String::as_str)) {
        (Some("responses"), _) => Some("responses"),
        (Some("parameters"), _) => Some("parameters"),
        (Some("headers"), _) => Some("headers"),
        (_, Some("requestBody")) => Some("requestBodies"),
        _ => None,
    }
}

/// The JSON pointer of a local reference (`#/a%20b/c` → `/a b/c`).
pub(crate) fn decode_fragment(r: &str) -> String {
    let fragment = r.strip_prefix('#').unwrap_or(r);
    percent_encoding::percent_decode_str(fragment).decode_utf8_lossy().into_owned()
}

fn hoisted_name(pointer: &str) -> String {
    let all = pointer_segments(pointer);
    let status = all.len() >= 2 && all[all.len() - 2] == "responses";
    // Outside `components` and `paths`, the first key is the collection's (`definitions`).
    let elsewhere = !matches!(all.first().map(String::as_str), Some("components" | "paths"));
    let mut segs: Vec<String> = Vec::new();
    for (i, s) in all.iter().enumerate() {
        if STRUCTURAL.contains(&s.as_str()) || (elsewhere && i == 0) {
            continue;
        }
        if i == 1 && all[0] == "paths" {
            // The path template's words (`/v2/1-clicks/{id}` → `v2_1-clicks_id`).
            let words: Vec<&str> = s.split(['/', '{', '}']).filter(|w| !w.is_empty()).collect();
            if !words.is_empty() {
                segs.push(words.join("_"));
            }
            continue;
        }
        let digits = s.chars().all(|c| c.is_ascii_digit());
        // A status code names a response; an array index names nothing.
        if (digits && !(status && i == all.len() - 1)) || s.contains('/') {
            continue;
        }
        segs.push(s.clone());
    }
    let tail = &segs[segs.len().saturating_sub(3)..];
    if tail.is_empty() { "Schema".to_string() } else { tail.join("_") }
}

/// `base`, or `base2`, `base3`, ...: the first name free in `components.<section>`.
pub(crate) fn unique_key(doc: &Value, section: &str, base: &str) -> String {
    let taken = |k: &str| doc.pointer(&format!("/components/{section}/{}", crate::diagnostics::escape_pointer_segment(k))).is_some();
    if !taken(base) {
        return base.to_string();
    }
    (2..).map(|n| format!("{base}{n}")).find(|k| !taken(k)).unwrap_or_default()
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
component!(openapiv3::Header, "headers", headers);

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
        format!("here a reference must point at an object of the kind kept in `components.{section}` (anywhere in the document); this one points at something else")
    } else {
        "a reference to another file must be brought in first (`sdkforge::load::external::bundle`)".to_string()
    };
    Diagnostic::error(format!("unsupported `$ref` `{reference}`")).pointer(format!("{at}/$ref")).help(help)
}

/// `#/components/schemas/Pet` → `Pet` when the section matches. The fragment is
/// percent-decoded first, as a URI fragment is (`#/components/schemas/My%20Pet` → `My Pet`).
pub fn component_name(reference: &str, section: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    let decoded;
    let pointer = if fragment.contains('%') {
        decoded = decode_fragment(fragment);
        decoded.as_str()
    } else {
        fragment
    };
    let segs = pointer_segments(pointer);
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
        assert_eq!(msg(json!({"swagger": "2.0"})), "Swagger 2.0 must be converted first; this reader takes OpenAPI 3.0.x");
        assert_eq!(msg(json!({"swagger": "1.2"})), "unsupported Swagger version `1.2`; sdkforge reads Swagger 2.0, OpenAPI 3.0 and OpenAPI 3.1");
        assert_eq!(msg(json!({"info": {}})), "not an OpenAPI document: there is no `openapi` key");
        assert_eq!(msg(json!({"openapi": "3.1.0"})), "OpenAPI 3.1.0 must be normalised first; this reader takes OpenAPI 3.0.x");
        assert_eq!(msg(json!({"openapi": "4.0.0"})), "unsupported OpenAPI version `4.0.0`; sdkforge reads OpenAPI 3.0.x and 3.1.x");
        assert_eq!(msg(json!([1])), "not an OpenAPI document: the top level is not a mapping");
    }

    #[test]
    fn deserialisation_errors_carry_a_pointer() {
        let err = parse_openapi(&json!({"openapi": "3.0.3", "info": {"title": "t", "version": 1}, "paths": {}})).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("#/info/version"));
    }

    #[test]
    fn deep_schema_refs_are_hoisted_into_shared_components() {
        let mut doc = json!({
            "components": {"schemas": {
                "Event": {"type": "object", "properties": {"attributes": {"type": "object", "properties": {"a": {"type": "string"}}}}},
                "Create": {"type": "object", "properties": {"data": {"$ref": "#/components/schemas/Event/properties/attributes"}}}
            }},
            "paths": {"/x": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Event/properties/attributes"},
                "example": {"$ref": "#/not/a/schema/really"}
            }}}}}}}
        });
        hoist_deep_schema_refs(&mut doc);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Event_attributes"]["properties"]["a"]["type"], "string");
        assert_eq!(schemas["Event"]["properties"]["attributes"]["$ref"], "#/components/schemas/Event_attributes");
        assert_eq!(schemas["Create"]["properties"]["data"]["$ref"], "#/components/schemas/Event_attributes");
        let media = &doc["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(media["schema"]["$ref"], "#/components/schemas/Event_attributes");
        assert_eq!(media["example"]["$ref"], "#/not/a/schema/really", "examples are data");
    }

    #[test]
    fn targets_outside_components_and_paths_take_the_kind_of_their_place_and_remember_it() {
        let mut doc = json!({
            "paths": {"/a": {"get": {
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/definitions/Pet"}}}},
                    "404": {"$ref": "#/x-responses/Gone"}
                }
            }}},
            "definitions": {
                "Pet": {"type": "object", "properties": {"owner": {"$ref": "#/definitions/Owner"}}},
                "Owner": {"type": "object", "properties": {"inner": {"type": "object", "properties": {"n": {"type": "string"}}}}}
            },
            "x-responses": {"Gone": {"description": "gone"}},
            "x-data": {"$ref": "#/definitions/Owner/properties/inner"}
        });
        let moves = hoist_deep_schema_refs(&mut doc);
        let c = &doc["components"];
        assert_eq!(c["schemas"]["Pet"]["properties"]["owner"]["$ref"], "#/components/schemas/Owner");
        assert_eq!(c["schemas"]["Owner"]["type"], "object");
        assert_eq!(c["responses"]["Gone"]["description"], "gone");
        let op = &doc["paths"]["/a"]["get"]["responses"];
        assert_eq!(op["200"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Pet");
        assert_eq!(op["404"]["$ref"], "#/components/responses/Gone");
        // A reference from a place of no known kind moves nothing.
        assert_eq!(doc["x-data"]["$ref"], "#/definitions/Owner/properties/inner");
        assert!(c["schemas"].get("inner").is_none());
        // Each component made remembers where its node was, inside it too.
        assert_eq!(moves.original("#/components/schemas/Pet"), "#/definitions/Pet");
        assert_eq!(moves.original("#/components/schemas/Owner/properties/inner"), "#/definitions/Owner/properties/inner");
        assert_eq!(moves.original("#/components/responses/Gone"), "#/x-responses/Gone");
        assert_eq!(moves.original("#/paths/~1a"), "#/paths/~1a");
    }

    #[test]
    fn component_names_are_percent_decoded() {
        assert_eq!(component_name("#/components/schemas/My%20Pet", "schemas").as_deref(), Some("My Pet"));
        assert_eq!(component_name("#/components/schemas/a~1b", "schemas").as_deref(), Some("a/b"));
        assert_eq!(component_name("#/components/responses/X", "schemas"), None);
    }

    #[test]
    fn refs_to_an_operations_response_parameter_or_inner_schema_are_hoisted() {
        let mut doc = json!({
            "paths": {
                "/v2/jobs/{id}": {"get": {
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": {"401": {"description": "no"}}
                }},
                "/other": {"get": {
                    "parameters": [{"$ref": "#/paths/~1v2~1jobs~1%7Bid%7D/get/parameters/0"}],
                    "responses": {"401": {"$ref": "#/paths/~1v2~1jobs~1{id}/get/responses/401"}}
                }}
            },
            "components": {
                "parameters": {"Company": {"name": "c", "in": "query", "schema": {"type": "object", "properties": {"a": {"type": "string"}}}}},
                "schemas": {
                    "Outer": {"properties": {"inner": {"allOf": [{"type": "object", "properties": {"x": {"type": "string"}}}]}}},
                    "UsesInner": {"properties": {
                        "whole": {"$ref": "#/components/schemas/Outer/properties/inner"},
                        "part": {"$ref": "#/components/schemas/Outer/properties/inner/allOf/0"},
                        "company": {"$ref": "#/components/parameters/Company/schema"}
                    }}
                }
            }
        });
        hoist_deep_schema_refs(&mut doc);
        let c = &doc["components"];
        assert_eq!(c["responses"]["v2_jobs_id_get_401"]["description"], "no");
        assert_eq!(doc["paths"]["/other"]["get"]["responses"]["401"]["$ref"], "#/components/responses/v2_jobs_id_get_401");
        assert_eq!(doc["paths"]["/v2/jobs/{id}"]["get"]["responses"]["401"]["$ref"], "#/components/responses/v2_jobs_id_get_401");
        assert_eq!(c["parameters"]["v2_jobs_id_get"]["name"], "id");
        assert_eq!(doc["paths"]["/other"]["get"]["parameters"][0]["$ref"], "#/components/parameters/v2_jobs_id_get");
        // The inner target moved first, so the outer one carries a reference to it.
        let props = &c["schemas"]["UsesInner"]["properties"];
        assert_eq!(props["part"]["$ref"], "#/components/schemas/Outer_inner");
        assert_eq!(props["whole"]["$ref"], "#/components/schemas/Outer_inner2");
        assert_eq!(c["schemas"]["Outer_inner2"]["allOf"][0]["$ref"], "#/components/schemas/Outer_inner");
        assert_eq!(c["schemas"]["Outer_inner"]["properties"]["x"]["type"], "string");
        assert_eq!(props["company"]["$ref"], "#/components/schemas/Company");
        assert_eq!(c["parameters"]["Company"]["schema"]["$ref"], "#/components/schemas/Company");
    }

    #[test]
    fn a_path_item_that_refers_to_another_is_a_copy_of_it() {
        let mut doc = json!({"paths": {
            "/ip-address": {"get": {"responses": {"200": {"description": "ok"}}}},
            "/support/ip-address": {"$ref": "#/paths/~1ip-address", "summary": "Support"},
            "/chain": {"$ref": "#/paths/~1support~1ip-address"},
            "/nowhere": {"$ref": "#/paths/~1missing"}
        }});
        hoist_deep_schema_refs(&mut doc);
        let paths = &doc["paths"];
        assert_eq!(paths["/support/ip-address"]["get"], paths["/ip-address"]["get"]);
        assert_eq!(paths["/support/ip-address"]["summary"], "Support");
        assert_eq!(paths["/chain"]["get"], paths["/ip-address"]["get"]);
        assert_eq!(paths["/nowhere"]["$ref"], "#/paths/~1missing", "left for the later stages to report");
    }

    #[test]
    fn a_schema_that_refers_to_a_parameter_is_left_for_resolve_to_report() {
        let mut doc = json!({"paths": {
            "/a": {"get": {"parameters": [{"name": "f", "in": "query", "schema": {"type": "string"}}]}},
            "/b": {"get": {"parameters": [{"name": "g", "in": "query", "schema": {"items": {"$ref": "#/paths/~1a/get/parameters/0"}}}]}}
        }});
        let before = doc.clone();
        hoist_deep_schema_refs(&mut doc);
        assert_eq!(doc, before);
    }

    #[test]
    fn callbacks_are_dropped_with_a_warning_per_operation() {
        let mut doc = json!({
            "paths": {"/subscribe": {"post": {"callbacks": {"onEvent": {"$ref": "#/components/callbacks/onEvent"}}}, "parameters": []}},
            "components": {"callbacks": {"onEvent": {"{$request.body#/url}": {"post": {"responses": {"200": {"description": "ok"}}}}}}}
        });
        let warnings = drop_callbacks(&mut doc);
        assert_eq!(doc, json!({"paths": {"/subscribe": {"post": {}, "parameters": []}}, "components": {}}));
        let w: Vec<_> = warnings.iter().map(|d| (d.message.as_str(), d.pointer.as_deref())).collect();
        assert_eq!(
            w,
            [(
                "callback `onEvent` not generated: a callback is a request the server sends, not one a client makes",
                Some("#/paths/~1subscribe/post/callbacks")
            )]
        );
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
