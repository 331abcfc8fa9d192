//! One JSON Schema 2020-12 schema (OpenAPI 3.1) → an OpenAPI 3.0 schema, in place.
//!
//! Each rule below is one 3.1 construct. A schema is rewritten first, then its subschemas (so
//! the subschemas a rule creates or moves are rewritten too). A rule that moves a node records
//! where it came from in the [`PointerMap`], and warnings are given at the original place.

use super::PointerMap;
use crate::diagnostics::{Diagnostic, Diagnostics, escape_pointer_segment, pointer_segments};
use serde_json::{Map, Value, json};

/// Shared state of one normalisation.
pub(super) struct Cx<'a> {
    /// Warnings and errors, at original pointers.
    pub diags: &'a mut Diagnostics,
    /// Where moved nodes came from.
    pub map: &'a mut PointerMap,
    /// `$defs` entries taken out of schemas, hoisted into `components.schemas` at the end.
    pub defs: Vec<Def>,
    /// JSON nodes copied so far (path items referenced from several paths), against
    /// [`super::COPY_BUDGET`].
    pub copied: usize,
}

/// A `$defs` entry waiting to be hoisted.
pub(super) struct Def {
    /// Its pointer in the original document.
    original: String,
    /// Its key under `$defs`.
    name: String,
    schema: Value,
}

impl Cx<'_> {
    fn orig(&self, at: &str) -> String {
        self.map.original(at)
    }

    /// Records that the node now at `to` was at `from` (both pointers into the document as it
    /// is now, `from` before the move).
    fn moved(&mut self, to: &str, from: &str) {
        let original = self.orig(from);
        self.map.moved(to, &original);
    }

    fn warn(&mut self, at: &str, message: impl Into<String>) {
        let pointer = self.orig(at);
        self.diags.push(Diagnostic::warning(message).pointer(pointer));
    }
}

/// Nesting beyond this is not rewritten (the loaders refuse far deeper documents).
const WALK_LIMIT: usize = 256;

/// Keywords that describe a schema without constraining its type: a schema holding only these
/// beside `anyOf: [X, {type: null}]` can take X's keywords in.
const ANNOTATIONS: &[&str] = &[
    "title", "description", "default", "example", "examples", "deprecated", "readOnly", "writeOnly", "nullable", "externalDocs",
    "discriminator", "xml", "$comment",
];

/// JSON Schema keywords that only identify or comment; they mean nothing to a 3.0 reader.
const META: &[&str] = &["$schema", "$id", "$anchor", "$comment", "$vocabulary"];

const STRING_KEYWORDS: &[&str] = &["pattern", "minLength", "maxLength", "contentEncoding", "contentMediaType", "contentSchema"];
const NUMBER_KEYWORDS: &[&str] = &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];
const ARRAY_KEYWORDS: &[&str] = &["items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains", "minContains", "maxContains", "unevaluatedItems"];
const OBJECT_KEYWORDS: &[&str] = &[
    "properties", "required", "additionalProperties", "patternProperties", "propertyNames", "minProperties", "maxProperties",
    "unevaluatedProperties", "dependentRequired", "dependentSchemas",
];

/// Rewrites the schema `v`, which stands at `at` in the document as it is now.
pub(super) fn schema(cx: &mut Cx<'_>, v: &mut Value, at: &str, depth: usize) {
    if depth > WALK_LIMIT {
        return;
    }
    if let Value::Bool(b) = v {
        // `true` accepts anything, `false` nothing; 3.0 schemas are objects.
        *v = if *b { json!({}) } else { json!({"not": {}}) };
        return;
    }
    let Value::Object(m) = v else { return };
    for k in META {
        m.remove(*k);
    }
    for _ in 0..16 {
        ref_siblings(cx, m, at);
        take_defs(cx, m, at);
        if !null_members(cx, m, at) {
            break;
        }
    }
    type_array(cx, m, at);
    constant(cx, m, at);
    null_type(m);
    examples(m);
    exclusive_bounds(m);
    content(m);
    prefix_items(cx, m, at);
    pattern_properties(cx, m, at);
    unsupported(cx, m, at);
    children(cx, m, at, depth);
}

fn children(cx: &mut Cx<'_>, m: &mut Map<String, Value>, at: &str, depth: usize) {
    if let Some(Value::Object(props)) = m.get_mut("properties") {
        for (name, s) in props.iter_mut() {
            schema(cx, s, &format!("{at}/properties/{}", escape_pointer_segment(name)), depth + 1);
        }
    }
    for key in ["items", "not"] {
        if let Some(s) = m.get_mut(key) {
            schema(cx, s, &format!("{at}/{key}"), depth + 1);
        }
    }
    if let Some(s @ Value::Object(_)) = m.get_mut("additionalProperties") {
        schema(cx, s, &format!("{at}/additionalProperties"), depth + 1);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(list)) = m.get_mut(key) {
            for (i, s) in list.iter_mut().enumerate() {
                schema(cx, s, &format!("{at}/{key}/{i}"), depth + 1);
            }
        }
    }
}

/// `$ref` beside other keywords (`description`, `nullable`, `default`): in 3.1 both apply; in
/// 3.0 the siblings are ignored. `{$ref: X, description: d}` → `{allOf: [{$ref: X}], description:
/// d}`, which the IR reads as X with the description kept on the field.
fn ref_siblings(cx: &mut Cx<'_>, m: &mut Map<String, Value>, at: &str) {
    if m.len() < 2 || !m.contains_key("$ref") {
        return;
    }
    if m.get("allOf").is_some_and(|a| !a.is_array()) {
        return; // invalid either way; the 3.0 reader reports it
    }
    let Some(reference) = m.remove("$ref") else { return };
    let Value::Array(all_of) = m.entry("allOf").or_insert_with(|| json!([])) else { return };
    let i = all_of.len();
    all_of.push(json!({ "$ref": reference }));
    cx.moved(&format!("{at}/allOf/{i}"), at);
}

/// `$defs`: taken out, to be hoisted into `components.schemas` once the walk is done.
fn take_defs(cx: &mut Cx<'_>, m: &mut Map<String, Value>, at: &str) {
    let Some(defs) = m.remove("$defs") else { return };
    let Value::Object(defs) = defs else { return };
    for (name, schema) in defs {
        let original = cx.orig(&format!("{at}/$defs/{}", escape_pointer_segment(&name)));
        cx.defs.push(Def { original, name, schema });
    }
}

/// `anyOf`/`oneOf` with a `{type: null}` member (3.1's way to say nullable): the member goes and
/// the schema becomes `nullable`. With one member left, that member is the schema: merged in
/// when it is written inline, or `allOf: [{$ref}]` for a reference. Returns whether it changed
/// anything.
fn null_members(cx: &mut Cx<'_>, m: &mut Map<String, Value>, at: &str) -> bool {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(list)) = m.get(key) else { continue };
        if !list.iter().any(is_null_schema) {
            continue;
        }
        let places: Vec<String> = (0..list.len()).map(|i| format!("{at}/{key}/{i}")).collect();
        let origins: Vec<String> = places.iter().map(|p| cx.orig(p)).collect();
        let Some(Value::Array(list)) = m.remove(key) else { continue };
        let kept: Vec<(String, Value)> = list.into_iter().zip(origins).filter(|(v, _)| !is_null_schema(v)).map(|(v, o)| (o, v)).collect();
        m.insert("nullable".into(), Value::Bool(true));
        match kept.len() {
            0 => {
                m.entry("type").or_insert_with(|| json!("null"));
            }
            1 => {
                let Some((origin, member)) = kept.into_iter().next() else { continue };
                collapse(cx, m, at, origin, member);
            }
            _ => {
                for (j, (origin, _)) in kept.iter().enumerate() {
                    cx.map.moved(&format!("{at}/{key}/{j}"), origin);
                }
                m.insert(key.into(), Value::Array(kept.into_iter().map(|(_, v)| v).collect()));
            }
        }
        return true;
    }
    false
}

/// The one member left of a nullable `anyOf`/`oneOf` becomes the schema.
fn collapse(cx: &mut Cx<'_>, m: &mut Map<String, Value>, at: &str, origin: String, member: Value) {
    let outer_only_annotates = m.keys().all(|k| ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"));
    match member {
        Value::Object(inner) if outer_only_annotates && !inner.contains_key("$ref") => {
            // The outer schema's annotations win: they describe this use of the type.
            for (k, v) in inner {
                if !m.contains_key(&k) {
                    let seg = escape_pointer_segment(&k);
                    cx.map.moved(&format!("{at}/{seg}"), &format!("{origin}/{seg}"));
                    m.insert(k, v);
                }
            }
        }
        member => {
            if m.get("allOf").is_some_and(|a| !a.is_array()) {
                m.remove("allOf");
            }
            let Value::Array(all_of) = m.entry("allOf").or_insert_with(|| json!([])) else { return };
            let i = all_of.len();
            all_of.push(member);
            cx.map.moved(&format!("{at}/allOf/{i}"), &origin);
        }
    }
}

/// `{type: null}` (or `type: [null]`, `const: null`, `enum: [null]`), with nothing but
/// annotations beside it.
fn is_null_schema(v: &Value) -> bool {
    let Some(m) = v.as_object() else { return false };
    let says_null = match (m.get("type"), m.get("const"), m.get("enum")) {
        (Some(Value::String(t)), _, _) => t == "null",
        (Some(Value::Array(ts)), _, _) => ts.iter().all(|t| t == "null"),
        (None, Some(Value::Null), _) => true,
        (None, None, Some(Value::Array(vs))) => vs.iter().all(Value::is_null),
        _ => false,
    };
    says_null && m.keys().all(|k| ["type", "const", "enum"].contains(&k.as_str()) || ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"))
}

/// `type: [T, "null"]` → `type: T, nullable: true`; several types → `oneOf` with one member per
/// type, each taking the keywords that apply to it (an untagged enum in Rust).
fn type_array(cx: &mut Cx<'_>, m: &mut Map<String, Value>, at: &str) {
    let Some(Value::Array(types)) = m.get("type") else { return };
    let mut names: Vec<String> = Vec::new();
    for t in types.iter().filter_map(Value::as_str) {
        if !names.iter().any(|n| n == t) {
            names.push(t.to_string());
        }
    }
    if let Some(i) = names.iter().position(|n| n == "null") {
        names.remove(i);
        m.insert("nullable".into(), Value::Bool(true));
    }
    match names.as_slice() {
        [] => {
            m.insert("type".into(), json!("null"));
        }
        [only] => {
            m.insert("type".into(), json!(only));
        }
        _ if m.contains_key("oneOf") || m.contains_key("anyOf") => {
            // The members say which types they are.
            m.remove("type");
        }
        _ => split_types(cx, m, at, &names),
    }
}

fn split_types(cx: &mut Cx<'_>, m: &mut Map<String, Value>, at: &str, names: &[String]) {
    let format = m.get("format").and_then(Value::as_str).map(str::to_string);
    let mut members = Vec::new();
    for (i, t) in names.iter().enumerate() {
        let member_at = format!("{at}/oneOf/{i}");
        cx.moved(&member_at, at);
        let mut member = Map::new();
        member.insert("type".into(), json!(t));
        let own: &[&str] = match t.as_str() {
            "string" => STRING_KEYWORDS,
            "integer" | "number" => NUMBER_KEYWORDS,
            "array" => ARRAY_KEYWORDS,
            "object" => OBJECT_KEYWORDS,
            _ => &[],
        };
        for k in own {
            if let Some(v) = m.get(*k) {
                cx.moved(&format!("{member_at}/{k}"), &format!("{at}/{k}"));
                member.insert((*k).to_string(), v.clone());
            }
        }
        if let Some(f) = &format {
            let numeric = matches!(f.as_str(), "int32" | "int64" | "float" | "double");
            if numeric == matches!(t.as_str(), "integer" | "number") && matches!(t.as_str(), "string" | "integer" | "number") {
                member.insert("format".into(), json!(f));
            }
        }
        if let Some(Value::Array(values)) = m.get("enum") {
            let fits: Vec<Value> = values.iter().filter(|v| is_of_type(v, t)).cloned().collect();
            if !fits.is_empty() {
                member.insert("enum".into(), Value::Array(fits));
            }
        }
        if let Some(c) = m.get("const").filter(|c| is_of_type(c, t)) {
            member.insert("const".into(), c.clone());
        }
        members.push(Value::Object(member));
    }
    for k in STRING_KEYWORDS.iter().chain(NUMBER_KEYWORDS).chain(ARRAY_KEYWORDS).chain(OBJECT_KEYWORDS).chain(&["type", "format", "enum", "const"]) {
        m.remove(*k);
    }
    m.insert("oneOf".into(), Value::Array(members));
}

fn is_of_type(v: &Value, t: &str) -> bool {
    match t {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        "null" => v.is_null(),
        _ => false,
    }
}

/// `const`: a string or integer becomes a one-value `enum` (a one-variant Rust enum), a boolean
/// stays a `boolean`; the value is kept in `x-sdkforge-const` so the IR can fix the field.
fn constant(cx: &mut Cx<'_>, m: &mut Map<String, Value>, at: &str) {
    let Some(c) = m.remove("const") else { return };
    let typ = m.get("type").and_then(Value::as_str).map(str::to_string);
    match &c {
        Value::Null => {
            m.remove("enum");
            m.insert("type".into(), json!("null"));
            return;
        }
        Value::String(_) if typ.as_deref().is_none_or(|t| t == "string") => {
            m.insert("type".into(), json!("string"));
            m.insert("enum".into(), json!([c]));
        }
        Value::Bool(_) if typ.as_deref().is_none_or(|t| t == "boolean") => {
            m.insert("type".into(), json!("boolean"));
        }
        Value::Number(n) if (n.is_i64() || n.is_u64()) && typ.as_deref().is_none_or(|t| t == "integer") => {
            m.insert("type".into(), json!("integer"));
            m.insert("enum".into(), json!([c]));
        }
        Value::Number(_) if typ.as_deref().is_none_or(|t| t == "number" || t == "integer") => {
            m.entry("type").or_insert_with(|| json!("number"));
        }
        _ => cx.warn(
            &format!("{at}/const"),
            format!("a `const` {} is not checked; the value is typed by the schema's `type`", kind_of(&c)),
        ),
    }
    m.insert("x-sdkforge-const".into(), c);
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::String(_) => "string of another type",
        Value::Number(_) => "number of another type",
        Value::Bool(_) => "boolean of another type",
        Value::Null => "null",
    }
}

/// `type: null` alone: only `null` is allowed. 3.0 has no null type; a nullable schema of any
/// type is the nearest (an `Option<serde_json::Value>` field that is always `None`).
fn null_type(m: &mut Map<String, Value>) {
    if m.get("type").and_then(Value::as_str) == Some("null") {
        m.remove("type");
        m.remove("enum");
        m.insert("nullable".into(), Value::Bool(true));
    }
}

/// `examples: [a, b]` (a schema's list of examples) → `example: a`.
fn examples(m: &mut Map<String, Value>) {
    let Some(list) = m.remove("examples") else { return };
    if let Value::Array(list) = list {
        if let (false, Some(first)) = (m.contains_key("example"), list.into_iter().next()) {
            m.insert("example".into(), first);
        }
    }
}

/// Numeric `exclusiveMinimum: 5` → `minimum: 5, exclusiveMinimum: true` (a stricter inclusive
/// `minimum` beside it wins); the same for the maximum.
fn exclusive_bounds(m: &mut Map<String, Value>) {
    for (exclusive, bound, lower) in [("exclusiveMinimum", "minimum", true), ("exclusiveMaximum", "maximum", false)] {
        let Some(Value::Number(n)) = m.get(exclusive).cloned() else { continue };
        let x = n.as_f64().unwrap_or(0.0);
        let inclusive_is_stricter = m.get(bound).and_then(Value::as_f64).is_some_and(|b| if lower { b > x } else { b < x });
        if inclusive_is_stricter {
            m.remove(exclusive);
        } else {
            m.insert(bound.into(), Value::Number(n));
            m.insert(exclusive.into(), Value::Bool(true));
        }
    }
}

/// `contentEncoding: base64` → `format: byte`; `contentMediaType` of binary data (no encoding)
/// → `format: binary`. Other encodings stay text.
fn content(m: &mut Map<String, Value>) {
    let encoding = m.remove("contentEncoding");
    let media = m.remove("contentMediaType");
    m.remove("contentSchema");
    if m.contains_key("format") || m.get("type").is_some_and(|t| t != "string") {
        return;
    }
    let format = match (encoding.as_ref().and_then(Value::as_str), media.as_ref().and_then(Value::as_str)) {
        (Some(e), _) if e.eq_ignore_ascii_case("base64") || e.eq_ignore_ascii_case("base64url") => "byte",
        (None, Some(media)) if !is_text_media(media) => "binary",
        _ => return,
    };
    m.insert("type".into(), json!("string"));
    m.insert("format".into(), json!(format));
}

/// Media types whose content is text (so a JSON string can hold it as it is).
fn is_text_media(media: &str) -> bool {
    let media = media.to_ascii_lowercase();
    media.starts_with("text/") || ["json", "xml", "yaml", "javascript", "x-www-form-urlencoded"].iter().any(|t| media.contains(t))
}

/// `prefixItems` (a tuple): with a fixed length, `items: {oneOf: [positions...],
/// x-sdkforge-tuple: true}` (in 3.0 terms: each item is one of these; the IR makes a tuple);
/// with a variable length, items typed as JSON values, with a warning.
fn prefix_items(cx: &mut Cx<'_>, m: &mut Map<String, Value>, at: &str) {
    let Some(prefix) = m.remove("prefixItems") else { return };
    let Value::Array(prefix) = prefix else { return };
    let n = prefix.len() as u64;
    let closed = matches!(m.get("items"), Some(Value::Bool(false))) || m.get("maxItems").and_then(Value::as_u64).is_some_and(|max| max <= n);
    let all_present = m.get("minItems").and_then(Value::as_u64).is_some_and(|min| min >= n);
    let items_at = format!("{at}/items");
    m.insert("type".into(), json!("array"));
    if n > 0 && closed && all_present {
        cx.moved(&items_at, &format!("{at}/prefixItems"));
        for i in 0..prefix.len() {
            cx.moved(&format!("{items_at}/oneOf/{i}"), &format!("{at}/prefixItems/{i}"));
        }
        m.insert("items".into(), json!({"oneOf": prefix, "x-sdkforge-tuple": true}));
    } else {
        cx.warn(
            &format!("{at}/prefixItems"),
            "`prefixItems` with a variable number of items has no Rust tuple type; items are typed as JSON values",
        );
        m.insert("items".into(), json!({}));
    }
}

/// `patternProperties`: the key patterns are not checked; the values' schemas type the map's
/// values (as `additionalProperties`, several as `anyOf`).
fn pattern_properties(cx: &mut Cx<'_>, m: &mut Map<String, Value>, at: &str) {
    let Some(Value::Object(patterns)) = m.remove("patternProperties") else { return };
    if patterns.is_empty() {
        return;
    }
    let mut values: Vec<(String, Value)> =
        patterns.into_iter().map(|(p, s)| (format!("{at}/patternProperties/{}", escape_pointer_segment(&p)), s)).collect();
    if let Some(extra @ Value::Object(_)) = m.remove("additionalProperties") {
        values.push((format!("{at}/additionalProperties"), extra));
    }
    let target = format!("{at}/additionalProperties");
    if values.len() == 1 {
        let Some((from, s)) = values.pop() else { return };
        cx.moved(&target, &from);
        m.insert("additionalProperties".into(), s);
    } else {
        cx.moved(&target, &format!("{at}/patternProperties"));
        for (i, (from, _)) in values.iter().enumerate() {
            cx.moved(&format!("{target}/anyOf/{i}"), from);
        }
        m.insert("additionalProperties".into(), json!({"anyOf": values.into_iter().map(|(_, s)| s).collect::<Vec<_>>()}));
    }
}

/// Keywords that change a schema's type and have no 3.0 form: dropped with a warning.
/// (Validation-only keywords, such as `propertyNames` or `contains`, are ignored by the 3.0
/// reader and change no Rust type, so they pass silently.)
fn unsupported(cx: &mut Cx<'_>, m: &mut Map<String, Value>, at: &str) {
    if m.contains_key("if") {
        cx.warn(&format!("{at}/if"), "`if`/`then`/`else` has no OpenAPI 3.0 form; the conditional schemas are ignored");
    }
    for k in ["if", "then", "else"] {
        m.remove(k);
    }
    for k in ["dependentSchemas", "$dynamicRef", "$recursiveRef"] {
        if m.remove(k).is_some() {
            cx.warn(&format!("{at}/{k}"), format!("`{k}` has no OpenAPI 3.0 form; it is ignored"));
        }
    }
    match m.remove("unevaluatedProperties") {
        Some(s @ Value::Object(_)) if !m.contains_key("additionalProperties") => {
            cx.moved(&format!("{at}/additionalProperties"), &format!("{at}/unevaluatedProperties"));
            m.insert("additionalProperties".into(), s);
        }
        Some(Value::Bool(false)) if !m.contains_key("additionalProperties") && !has_composition(m) => {
            m.insert("additionalProperties".into(), Value::Bool(false));
        }
        _ => {}
    }
}

fn has_composition(m: &Map<String, Value>) -> bool {
    ["allOf", "anyOf", "oneOf"].iter().any(|k| m.contains_key(*k))
}

/// Moves the `$defs` entries into `components.schemas` (under their own name, or
/// `Owner_Name` when that is taken), rewrites them, and rewrites every `$ref` to them.
pub(super) fn hoist_defs(cx: &mut Cx<'_>, doc: &mut Value, mut defs: Vec<Def>) {
    let mut renamed: Vec<(String, String)> = Vec::new();
    for _round in 0..8 {
        if defs.is_empty() {
            break;
        }
        for def in defs.drain(..) {
            let Some(schemas) = doc
                .as_object_mut()
                .map(|root| root.entry("components").or_insert_with(|| json!({})))
                .and_then(Value::as_object_mut)
                .map(|c| c.entry("schemas").or_insert_with(|| json!({})))
                .and_then(Value::as_object_mut)
            else {
                return;
            };
            let key = unique_key(schemas, &def);
            let new_at = format!("#/components/schemas/{}", escape_pointer_segment(&key));
            cx.map.moved(&new_at, &def.original);
            let slot = schemas.entry(key).or_insert(def.schema);
            schema(cx, slot, &new_at, 0);
            renamed.push((def.original.trim_start_matches('#').to_string(), new_at));
        }
        defs = std::mem::take(&mut cx.defs);
    }
    if !renamed.is_empty() {
        rewrite_refs(doc, &renamed, 0);
    }
}

fn unique_key(schemas: &Map<String, Value>, def: &Def) -> String {
    if !schemas.contains_key(&def.name) {
        return def.name.clone();
    }
    let segs = pointer_segments(&def.original);
    let owner = segs.iter().rev().skip(2).find(|s| !s.chars().all(|c| c.is_ascii_digit()) && !s.starts_with('$')).cloned().unwrap_or_default();
    let base = if owner.is_empty() { def.name.clone() } else { format!("{owner}_{}", def.name) };
    if !schemas.contains_key(&base) {
        return base;
    }
    (2..).map(|n| format!("{base}{n}")).find(|k| !schemas.contains_key(k)).unwrap_or(base)
}

/// Rewrites each `$ref` into a hoisted `$defs` entry (or below one) to its new place.
fn rewrite_refs(v: &mut Value, renamed: &[(String, String)], depth: usize) {
    if depth > WALK_LIMIT {
        return;
    }
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                let target = decode_fragment(r);
                for (from, to) in renamed {
                    if let Some(rest) = target.strip_prefix(from.as_str()).filter(|rest| rest.is_empty() || rest.starts_with('/')) {
                        *r = format!("{to}{rest}");
                        break;
                    }
                }
            }
            for (k, child) in map.iter_mut() {
                if k != "example" && k != "examples" {
                    rewrite_refs(child, renamed, depth + 1);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite_refs(i, renamed, depth + 1)),
        _ => {}
    }
}

/// The JSON pointer of a local reference (`#/a%24defs/b` → `/a$defs/b`); other references
/// never match a hoisted entry.
fn decode_fragment(r: &str) -> String {
    match r.strip_prefix('#') {
        Some(fragment) => percent_encoding::percent_decode_str(fragment).decode_utf8_lossy().into_owned(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Normalises one schema at `#/s`; returns it, the warnings and the pointer map.
    fn run(v: Value) -> (Value, Vec<String>, PointerMap) {
        let mut diags = Diagnostics::default();
        let mut map = PointerMap::default();
        let mut doc = json!({ "s": v });
        let mut cx = Cx { diags: &mut diags, map: &mut map, defs: Vec::new(), copied: 0 };
        schema(&mut cx, &mut doc["s"], "#/s", 0);
        let defs = std::mem::take(&mut cx.defs);
        hoist_defs(&mut cx, &mut doc, defs);
        let warnings = diags.iter().map(|d| format!("{} @ {}", d.message, d.pointer.as_deref().unwrap_or(""))).collect();
        let mut out = doc["s"].take();
        if let Some(c) = doc.get("components") {
            out = json!({ "s": out, "components": c });
        }
        (out, warnings, map)
    }

    #[test]
    fn type_arrays_with_null_are_nullable() {
        assert_eq!(run(json!({"type": ["string", "null"], "format": "date-time"})).0, json!({"type": "string", "format": "date-time", "nullable": true}));
        assert_eq!(run(json!({"type": ["array", "null"], "items": {"type": ["integer", "null"]}})).0,
            json!({"type": "array", "nullable": true, "items": {"type": "integer", "nullable": true}}));
        assert_eq!(run(json!({"type": ["null"]})).0, json!({"nullable": true}), "null alone: any value, always null");
        assert_eq!(run(json!({"type": "null", "description": "d"})).0, json!({"nullable": true, "description": "d"}));
    }

    #[test]
    fn mixed_type_arrays_become_one_of_with_their_own_keywords() {
        let (s, w, map) = run(json!({
            "type": ["string", "integer", "array", "null"], "description": "d", "format": "int64", "maxLength": 3, "minimum": 1,
            "items": {"type": "string"}, "enum": ["a", 1, [2]]
        }));
        assert_eq!(s, json!({
            "description": "d", "nullable": true,
            "oneOf": [
                {"type": "string", "maxLength": 3, "enum": ["a"]},
                {"type": "integer", "minimum": 1, "format": "int64", "enum": [1]},
                {"type": "array", "items": {"type": "string"}, "enum": [[2]]}
            ]
        }));
        assert!(w.is_empty());
        assert_eq!(map.original("#/s/oneOf/2/items"), "#/s/items");
        assert_eq!(map.original("#/s/oneOf/0"), "#/s");
        let (s, _, _) = run(json!({"type": ["string", "number"], "oneOf": [{"type": "string"}, {"type": "number"}]}));
        assert_eq!(s, json!({"oneOf": [{"type": "string"}, {"type": "number"}]}), "members that say their type keep it");
    }

    #[test]
    fn null_members_make_the_schema_nullable() {
        let (s, _, map) = run(json!({"anyOf": [{"type": "string", "maxLength": 5}, {"type": "null"}], "title": "T", "default": null}));
        assert_eq!(s, json!({"type": "string", "maxLength": 5, "title": "T", "default": null, "nullable": true}));
        assert_eq!(map.original("#/s/maxLength"), "#/s/anyOf/0/maxLength");
        let (s, _, map) = run(json!({"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/A"}], "description": "d"}));
        assert_eq!(s, json!({"allOf": [{"$ref": "#/components/schemas/A"}], "description": "d", "nullable": true}));
        assert_eq!(map.original("#/s/allOf/0/$ref"), "#/s/anyOf/1/$ref");
        let (s, _, map) = run(json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}, {"$ref": "#/components/schemas/B"}]}));
        assert_eq!(s, json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}], "nullable": true}));
        assert_eq!(map.original("#/s/oneOf/1"), "#/s/oneOf/2");
        // Nested Optional[Optional[...]], and a member inside the merged one rewritten too.
        let (s, _, _) = run(json!({"anyOf": [{"anyOf": [{"type": ["integer", "null"]}, {"type": "null"}]}, {"type": "null"}]}));
        assert_eq!(s, json!({"type": "integer", "nullable": true}));
    }

    #[test]
    fn ref_siblings_are_kept_beside_an_all_of() {
        let (s, _, map) = run(json!({"$ref": "#/components/schemas/A", "description": "Mine.", "default": "x", "examples": ["x"]}));
        assert_eq!(s, json!({"allOf": [{"$ref": "#/components/schemas/A"}], "description": "Mine.", "default": "x", "example": "x"}));
        assert_eq!(map.original("#/s/allOf/0/$ref"), "#/s/$ref");
        assert_eq!(run(json!({"$ref": "#/components/schemas/A"})).0, json!({"$ref": "#/components/schemas/A"}), "a bare $ref is untouched");
    }

    #[test]
    fn const_becomes_a_one_value_enum_or_a_fixed_boolean() {
        assert_eq!(run(json!({"const": "order.created", "title": "Type"})).0,
            json!({"type": "string", "enum": ["order.created"], "title": "Type", "x-sdkforge-const": "order.created"}));
        assert_eq!(run(json!({"type": "boolean", "const": true})).0, json!({"type": "boolean", "x-sdkforge-const": true}));
        assert_eq!(run(json!({"const": 3})).0, json!({"type": "integer", "enum": [3], "x-sdkforge-const": 3}));
        assert_eq!(run(json!({"const": 1.5})).0, json!({"type": "number", "x-sdkforge-const": 1.5}));
        assert_eq!(run(json!({"const": null})).0, json!({"nullable": true}));
        let (s, w, _) = run(json!({"type": "object", "const": {"a": 1}}));
        assert_eq!(s, json!({"type": "object", "x-sdkforge-const": {"a": 1}}));
        assert_eq!(w, ["a `const` object is not checked; the value is typed by the schema's `type` @ #/s/const"]);
    }

    #[test]
    fn examples_bounds_and_content() {
        assert_eq!(run(json!({"type": "integer", "examples": [1, 2]})).0, json!({"type": "integer", "example": 1}));
        assert_eq!(run(json!({"type": "integer", "example": 0, "examples": [1]})).0, json!({"type": "integer", "example": 0}));
        assert_eq!(run(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10, "maximum": 5})).0,
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 5}));
        assert_eq!(run(json!({"type": "string", "contentEncoding": "base64"})).0, json!({"type": "string", "format": "byte"}));
        assert_eq!(run(json!({"type": "string", "contentMediaType": "image/png"})).0, json!({"type": "string", "format": "binary"}));
        assert_eq!(run(json!({"type": "string", "contentMediaType": "application/json"})).0, json!({"type": "string"}));
    }

    #[test]
    fn prefix_items_make_tuples_when_the_length_is_fixed() {
        let (s, w, map) = run(json!({"type": "array", "prefixItems": [{"type": "string"}, {"$ref": "#/components/schemas/F"}], "minItems": 2, "maxItems": 2}));
        assert_eq!(s, json!({"type": "array", "minItems": 2, "maxItems": 2,
            "items": {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/F"}], "x-sdkforge-tuple": true}}));
        assert!(w.is_empty());
        assert_eq!(map.original("#/s/items/oneOf/1/$ref"), "#/s/prefixItems/1/$ref");
        let (s, w, _) = run(json!({"type": "array", "prefixItems": [{"type": "string"}]}));
        assert_eq!(s, json!({"type": "array", "items": {}}));
        assert_eq!(w, ["`prefixItems` with a variable number of items has no Rust tuple type; items are typed as JSON values @ #/s/prefixItems"]);
    }

    #[test]
    fn pattern_properties_type_the_map_values() {
        let (s, _, map) = run(json!({"type": "object", "patternProperties": {"^a": {"type": ["string", "null"]}}, "propertyNames": {"maxLength": 3}}));
        assert_eq!(s, json!({"type": "object", "additionalProperties": {"type": "string", "nullable": true}, "propertyNames": {"maxLength": 3}}));
        assert_eq!(map.original("#/s/additionalProperties"), "#/s/patternProperties/^a");
    }

    #[test]
    fn defs_are_hoisted_and_references_follow() {
        let (s, _, map) = run(json!({
            "type": "object",
            "properties": {"a": {"$ref": "#/s/$defs/Tag"}, "b": {"$ref": "#/s/$defs/Tag/properties/n"}},
            "$defs": {"Tag": {"type": "object", "properties": {"n": {"type": ["string", "null"]}}}}
        }));
        assert_eq!(s["s"]["properties"]["a"]["$ref"], "#/components/schemas/Tag");
        assert_eq!(s["s"]["properties"]["b"]["$ref"], "#/components/schemas/Tag/properties/n");
        assert_eq!(s["components"]["schemas"]["Tag"]["properties"]["n"], json!({"type": "string", "nullable": true}));
        assert_eq!(map.original("#/components/schemas/Tag/properties/n"), "#/s/$defs/Tag/properties/n");
    }

    #[test]
    fn conditionals_are_dropped_with_a_warning_and_booleans_become_objects() {
        let (s, w, _) = run(json!({"type": "object", "if": {}, "then": {}, "properties": {"a": true, "b": false}}));
        assert_eq!(s, json!({"type": "object", "properties": {"a": {}, "b": {"not": {}}}}));
        assert_eq!(w, ["`if`/`then`/`else` has no OpenAPI 3.0 form; the conditional schemas are ignored @ #/s/if"]);
    }
}
