//! OpenAPI Overlay documents: reading them and applying their actions to a document.
//!
//! Targets are RFC 9535 JSONPath expressions, evaluated with `serde_json_path` (a maintained,
//! RFC 9535-conformant implementation that can report the *location* of every match, which
//! `update` and `remove` need). Actions apply in order, each to the result of the previous one.
//! Merging follows Overlay 1.1 (which makes 1.0's wording precise): objects merge recursively,
//! arrays concatenate, primitives replace.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Source;
use serde_json::Value;
use serde_json_path::JsonPath;

/// Applies every action of `overlay` to `doc`. Errors stop the overlay; warnings (a target
/// that matches nothing) are pushed to `diags` and application goes on.
pub fn apply(doc: &mut Value, overlay: &Source, diags: &mut Diagnostics) -> Result<(), Diagnostics> {
    let file = &overlay.path;
    let err = |msg: String, pointer: String| {
        let at = overlay.locate(&pointer);
        Diagnostic::error(msg).in_file(file).at(at).pointer(pointer)
    };
    let root = overlay.value.as_object().ok_or_else(|| err("an overlay document must be a mapping".into(), "#".into()))?;
    match root.get("overlay") {
        Some(Value::String(v)) if v.starts_with("1.0.") || v.starts_with("1.1.") => {}
        Some(v) => return Err(err(format!("unsupported overlay version {v}; sdkforge reads Overlay 1.0.x and 1.1.x"), "#/overlay".into()).into()),
        None => return Err(err("not an overlay document: there is no `overlay` key".into(), "#".into()).into()),
    }
    let Some(actions) = root.get("actions").and_then(Value::as_array) else {
        return Err(err("an overlay needs an `actions` list".into(), "#".into()).into());
    };
    let mut errors = Diagnostics::default();
    for (i, action) in actions.iter().enumerate() {
        let at = format!("#/actions/{i}");
        match apply_action(doc, action, &at) {
            Err(e) => errors.push(err(format!("action {i}: {}", e.0), e.1.unwrap_or(at))),
            Ok(0) => {
                let target = action.get("target").and_then(Value::as_str).unwrap_or_default();
                let pointer = format!("{at}/target");
                diags.push(
                    Diagnostic::warning(format!("action {i}: target `{target}` matches nothing in the document"))
                        .in_file(file)
                        .at(overlay.locate(&pointer))
                        .pointer(pointer)
                        .help("the upstream document may have changed; update or delete this action"),
                );
            }
            Ok(_) => {}
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

type ActionError = (String, Option<String>);

/// Applies one action. Returns how many nodes the target matched.
fn apply_action(doc: &mut Value, action: &Value, at: &str) -> Result<usize, ActionError> {
    let Some(target) = action.get("target").and_then(Value::as_str) else {
        return Err(("`target` is required and must be a string".into(), None));
    };
    let path = JsonPath::parse(target)
        .map_err(|e| (format!("invalid JSONPath `{target}`: {e}"), Some(format!("{at}/target"))))?;
    let pointers: Vec<String> = path.query_located(doc).locations().map(|l| l.to_json_pointer()).collect();
    let remove = match action.get("remove") {
        None | Some(Value::Bool(false)) => false,
        Some(Value::Bool(true)) => true,
        Some(_) => return Err(("`remove` must be true or false".into(), Some(format!("{at}/remove")))),
    };
    if remove {
        // Reverse document order: later array items go first, so earlier indexes stay valid.
        for p in pointers.iter().rev() {
            remove_at(doc, p);
        }
    } else if let Some(update) = action.get("update") {
        for p in &pointers {
            if let Some(node) = doc.pointer_mut(p) {
                merge(node, update).map_err(|m| (format!("cannot update `{p}`: {m}"), Some(format!("{at}/update"))))?;
            }
        }
    } else {
        return Err(("an action needs `update` or `remove: true`".into(), None));
    }
    Ok(pointers.len())
}

fn remove_at(doc: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(i) = key.parse::<usize>() {
                if i < items.len() {
                    items.remove(i);
                }
            }
        }
        _ => {}
    }
}

/// Overlay merge: objects recursively, arrays concatenated (or a non-array appended), primitives
/// replaced. Other combinations are incompatible.
pub fn merge(target: &mut Value, update: &Value) -> Result<(), String> {
    match (target, update) {
        (Value::Object(t), Value::Object(u)) => {
            for (k, v) in u {
                match t.get_mut(k) {
                    Some(existing) => merge(existing, v).map_err(|m| format!("property `{k}`: {m}"))?,
                    None => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
            Ok(())
        }
        (Value::Array(t), Value::Array(u)) => {
            t.extend(u.iter().cloned());
            Ok(())
        }
        (Value::Array(t), u) => {
            t.push(u.clone());
            Ok(())
        }
        (t, u) if !t.is_object() && !t.is_array() && !u.is_object() && !u.is_array() => {
            *t = u.clone();
            Ok(())
        }
        (t, u) => Err(format!("cannot merge {} into {}", kind(u), kind(t))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
