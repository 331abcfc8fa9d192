//! Responses: a 2.0 response's `schema` and `examples` become `content` (one entry per media
//! type the operation produces), its headers get a `schema`.

use super::{Cx, DEFAULT_MEDIA_TYPE, child, parameters, refs, schema};
use serde_json::{Map, Value, json};

/// An operation's `responses` (at `at`, the same place in both documents).
pub(super) fn operation_responses(cx: &mut Cx<'_>, responses: Value, at: &str, produces: &[String]) -> Value {
    let Value::Object(responses) = responses else { return responses };
    let mut out = Map::new();
    for (code, r) in responses {
        let converted = if code.starts_with("x-") { r } else { response(cx, r, &child(at, &code), &child(at, &code), produces) };
        out.insert(code, converted);
    }
    Value::Object(out)
}

/// The root `responses`: `components.responses`.
pub(super) fn components(cx: &mut Cx<'_>, responses: Value, produces: &[String]) -> Value {
    let Value::Object(responses) = responses else { return responses };
    let mut out = Map::new();
    for (name, r) in responses {
        let converted = response(cx, r, &child("#/components/responses", &name), &child("#/responses", &name), produces);
        out.insert(name, converted);
    }
    Value::Object(out)
}

/// One response, to be at `to`, standing at `at` in the 2.0 document.
fn response(cx: &mut Cx<'_>, r: Value, to: &str, at: &str, produces: &[String]) -> Value {
    let Value::Object(mut m) = r else { return r };
    if let Some(Value::String(reference)) = m.get("$ref") {
        let rewritten = refs::rewrite(reference);
        m.insert("$ref".into(), Value::String(rewritten));
        return Value::Object(m);
    }
    let mut out = Map::new();
    // Required in both versions; the typed reader needs it.
    out.insert("description".into(), m.remove("description").unwrap_or_else(|| json!("")));
    let media_types: Vec<String> = if produces.is_empty() { vec![DEFAULT_MEDIA_TYPE.to_string()] } else { produces.to_vec() };
    let schema = m.remove("schema").map(|s| schema::convert(s, 0));
    let examples = match m.remove("examples") {
        Some(Value::Object(e)) => e,
        _ => Map::new(),
    };
    if let Some(Value::Object(headers)) = m.remove("headers") {
        let mut converted = Map::new();
        for (name, h) in headers {
            let here = child(&format!("{at}/headers"), &name);
            converted.insert(name.clone(), header(cx, h, &here));
            cx.moved(&format!("{}/schema", child(&format!("{to}/headers"), &name)), &here);
        }
        out.insert("headers".into(), Value::Object(converted));
    }
    let mut content = Map::new();
    if let Some(schema) = &schema {
        for mt in &media_types {
            cx.moved(&format!("{}/schema", child(&format!("{to}/content"), mt)), &format!("{at}/schema"));
            content.insert(mt.clone(), json!({ "schema": schema.clone() }));
        }
    }
    for (mt, example) in examples {
        let entry = content.entry(mt.clone()).or_insert_with(|| match &schema {
            Some(s) => json!({ "schema": s.clone() }),
            None => json!({}),
        });
        if let Value::Object(entry) = entry {
            entry.insert("example".into(), example);
        }
        let here = child(&format!("{to}/content"), &mt);
        cx.moved(&format!("{here}/example"), &child(&format!("{at}/examples"), &mt));
        if schema.is_some() {
            cx.moved(&format!("{here}/schema"), &format!("{at}/schema"));
        }
    }
    if !content.is_empty() {
        out.insert("content".into(), Value::Object(content));
    }
    for (k, mut v) in m {
        if k.starts_with("x-") {
            refs::rewrite_all(&mut v, 0);
            out.insert(k, v);
        }
    }
    Value::Object(out)
}

/// A response header (standing at `at`): its type fields move into `schema`.
fn header(cx: &mut Cx<'_>, h: Value, at: &str) -> Value {
    let Value::Object(m) = h else { return h };
    let mut out = Map::new();
    if let Some(d) = m.get("description") {
        out.insert("description".into(), d.clone());
    }
    if let Some(format) = m.get("collectionFormat").and_then(Value::as_str).filter(|f| *f != "csv") {
        let help = "OpenAPI 3.0 writes arrays in a header comma-separated (`style: simple`)";
        cx.warn(format!("`collectionFormat: {format}` has no OpenAPI 3.0 equivalent in a header; it is read comma-separated"), &format!("{at}/collectionFormat"), help);
    }
    out.insert("schema".into(), parameters::field_schema(cx, &m, at));
    for (k, v) in m {
        if k.starts_with("x-") && k != "x-nullable" {
            out.insert(k, v);
        }
    }
    Value::Object(out)
}
