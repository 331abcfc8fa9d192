//! OpenAPI Overlay 1.0 and 1.1: validating overlay documents and applying their actions.
//!
//! [`parse`] checks an overlay against its version's schema and reports every problem at once
//! (file, line:column, pointer and action index). [`apply`] runs the actions in order, each on the
//! result of the previous one. Targets are RFC 9535 JSONPath expressions evaluated with
//! `serde_json_path`, a maintained RFC 9535 implementation that reports the *location* of each
//! match (which `update` and `remove` need). Merging follows the specification: objects merge
//! recursively, arrays concatenate (a non-array update is appended), primitives replace.

mod validate;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Source;
use serde_json::Value;
use serde_json_path::JsonPath;
use std::path::{Path, PathBuf};

pub use validate::parse;

/// The Overlay specification version a document declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// `1.0.x`.
    V1_0,
    /// `1.1.x` (adds `copy` and `info.description`).
    V1_1,
}

/// A validated overlay document.
#[derive(Debug)]
pub struct Overlay {
    /// The file it came from.
    pub path: PathBuf,
    /// Its source, for locating problems.
    pub source: Source,
    /// The declared version.
    pub version: Version,
    /// `info.title`.
    pub title: String,
    /// `extends`, the document it was written for.
    pub extends: Option<String>,
    /// The actions, in order.
    pub actions: Vec<Action>,
}

/// One action.
#[derive(Debug)]
pub struct Action {
    /// Position in `actions`.
    pub index: usize,
    /// The target expression as written.
    pub target: String,
    /// The parsed target.
    pub path: JsonPath,
    /// What it does.
    pub kind: ActionKind,
}

/// What an action does. `remove: true` wins over `copy`, which wins over `update`, as the
/// specification says.
#[derive(Debug)]
pub enum ActionKind {
    /// Delete the selected nodes.
    Remove,
    /// Merge this value into each selected node.
    Update(Value),
    /// Merge the single node selected by this expression into each selected node (1.1).
    Copy(String, JsonPath),
    /// Nothing (only a target): allowed, reported as a warning.
    Nothing,
}

impl Overlay {
    /// The warning for an action with only a target, which the specification allows.
    pub fn does_nothing(&self, action: &Action) -> Option<Diagnostic> {
        let at = format!("#/actions/{}", action.index);
        matches!(action.kind, ActionKind::Nothing).then(|| {
            Diagnostic::warning(format!("action {} does nothing: it has no `update`, `remove` or `copy`", action.index))
                .in_file(&self.path)
                .at(self.source.locate(&at))
                .pointer(at)
        })
    }

    fn error(&self, message: String, pointer: String) -> Diagnostic {
        Diagnostic::error(message).in_file(&self.path).at(self.source.locate(&pointer)).pointer(pointer)
    }
}

/// How unmatched targets are treated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strictness {
    /// A target matching nothing is a warning.
    #[default]
    Lenient,
    /// A target matching nothing is an error.
    Strict,
}

/// Where an `update` put its value: the node it was merged into (a JSON pointer into the
/// document) and the `update`'s pointer in the overlay (`#/actions/3/update`). Values appended
/// to an array are recorded at the index each landed at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// Where in the document (`/paths/~1a/get`, as `serde_json` pointers are written).
    pub target: String,
    /// Where in the overlay (`#/actions/3/update`, `#/actions/3/update/1`).
    pub update: String,
}

/// The overlays applied to a document and where their updates landed, so that a problem in a
/// node an overlay wrote is reported in that overlay.
#[derive(Debug, Default)]
pub struct Provenance {
    overlays: Vec<Overlay>,
    /// Each update's landing, with the index of its overlay, in the order applied.
    origins: Vec<(usize, Origin)>,
}

impl Provenance {
    /// Keeps `overlay` and the landings of its updates.
    pub fn add(&mut self, overlay: Overlay, origins: Vec<Origin>) {
        let i = self.overlays.len();
        self.overlays.push(overlay);
        self.origins.extend(origins.into_iter().map(|o| (i, o)));
    }

    /// Whether no update landed anywhere.
    pub fn is_empty(&self) -> bool {
        self.origins.is_empty()
    }

    /// Where in an overlay the node at `pointer` (`#/paths/...`) was written, by the last update
    /// that wrote it: the overlay, the pointer in it, and whether the overlay's node there is a
    /// scalar (a value it replaced, as opposed to an object it merged into one the document may
    /// already have had).
    pub fn writer(&self, pointer: &str) -> Option<(&Overlay, String, bool)> {
        let inner = pointer.strip_prefix('#')?;
        self.origins.iter().rev().find_map(|(i, o)| {
            let rest = inner.strip_prefix(o.target.as_str()).filter(|r| r.is_empty() || r.starts_with('/'))?;
            let overlay = &self.overlays[*i];
            let there = format!("{}{rest}", o.update);
            let node = overlay.source.value.pointer(there.strip_prefix('#')?)?;
            Some((overlay, there, !node.is_object() && !node.is_array()))
        })
    }
}

/// Applies every action of `overlay` to `doc`, in order. Errors stop application of this
/// overlay; warnings (targets matching nothing, `extends` naming another document) go to
/// `warnings` unless `strictness` makes them errors.
pub fn apply(doc: &mut Value, overlay: &Overlay, spec: Option<&Path>, strictness: Strictness, warnings: &mut Diagnostics) -> Result<(), Diagnostics> {
    apply_tracked(doc, overlay, spec, strictness, warnings, &mut Vec::new())
}

/// [`apply`], recording in `origins` where each `update` put its value (in the order applied).
pub fn apply_tracked(
    doc: &mut Value,
    overlay: &Overlay,
    spec: Option<&Path>,
    strictness: Strictness,
    warnings: &mut Diagnostics,
    origins: &mut Vec<Origin>,
) -> Result<(), Diagnostics> {
    let mut errors = Diagnostics::default();
    if let (Some(extends), Some(spec)) = (&overlay.extends, spec) {
        if let Some(d) = check_extends(overlay, extends, spec) {
            warnings.push(d);
        }
    }
    for action in &overlay.actions {
        let at = format!("#/actions/{}", action.index);
        let i = action.index;
        if let Some(d) = overlay.does_nothing(action) {
            warnings.push(d);
            continue;
        }
        let pointers: Vec<String> = action.path.query_located(doc).locations().map(|l| l.to_json_pointer()).collect();
        if pointers.is_empty() {
            let pointer = format!("{at}/target");
            let d = Diagnostic::warning(format!("action {i}: target `{}` matches nothing in the document", action.target))
                .in_file(&overlay.path)
                .at(overlay.source.locate(&pointer))
                .pointer(pointer)
                .help("the upstream document may have changed; update or delete this action");
            match strictness {
                Strictness::Lenient => warnings.push(d),
                Strictness::Strict => errors.push(Diagnostic { severity: crate::diagnostics::Severity::Error, ..d }),
            }
            continue;
        }
        let result = match &action.kind {
            ActionKind::Remove => remove_all(doc, &pointers),
            ActionKind::Update(update) => {
                record(doc, &pointers, update, &format!("{at}/update"), origins);
                merge_all(doc, &pointers, update)
            }
            ActionKind::Copy(expr, path) => {
                let found: Vec<Value> = path.query(doc).all().into_iter().cloned().collect();
                match found.as_slice() {
                    [one] => merge_all(doc, &pointers, one),
                    _ => Err(format!("`copy` expression `{expr}` selects {} nodes; it must select exactly one", found.len())),
                }
            }
            ActionKind::Nothing => Ok(()),
        };
        if let Err(message) = result {
            errors.push(overlay.error(format!("action {i}: {message}"), at));
            // Later actions would run on a document this one failed to change: stop here.
            break;
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// Compares `extends` (a path relative to the overlay, or a URL) with the document it is
/// applied to. URLs cannot be fetched; their last segment is compared with the file name.
fn check_extends(overlay: &Overlay, extends: &str, spec: &Path) -> Option<Diagnostic> {
    let is_url = crate::load::is_url(extends);
    let spec_name = spec.file_name()?.to_string_lossy().into_owned();
    let same = if is_url {
        extends.split(['?', '#']).next().unwrap_or("").rsplit('/').next() == Some(spec_name.as_str())
    } else {
        let base = overlay.path.parent().unwrap_or(Path::new(""));
        let named = base.join(extends.trim_start_matches("file://"));
        match (named.canonicalize(), spec.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => named.file_name().map(|n| n.to_string_lossy().into_owned()) == Some(spec_name.clone()),
        }
    };
    (!same).then(|| {
        Diagnostic::warning(format!("the overlay extends `{extends}` but is applied to `{}`", spec.display()))
            .in_file(&overlay.path)
            .at(overlay.source.locate("#/extends"))
            .pointer("#/extends")
            .help("check that this overlay was written for this document")
    })
}

fn remove_all(doc: &mut Value, pointers: &[String]) -> Result<(), String> {
    // Reverse document order: later array items go first, so earlier indexes stay valid.
    for p in pointers.iter().rev() {
        let Some((parent, last)) = p.rsplit_once('/') else {
            return Err("cannot remove the document root".to_string());
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
    Ok(())
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

fn shape(v: &Value) -> u8 {
    match v {
        Value::Object(_) => 0,
        Value::Array(_) => 1,
        _ => 2,
    }
}

/// Records where an update is about to land (before it is merged: an array's length then is
/// where appended values start).
fn record(doc: &Value, pointers: &[String], update: &Value, at: &str, origins: &mut Vec<Origin>) {
    for p in pointers {
        match (doc.pointer(p), update) {
            (Some(Value::Array(items)), Value::Array(values)) => {
                origins.extend((0..values.len()).map(|k| Origin { target: format!("{p}/{}", items.len() + k), update: format!("{at}/{k}") }));
            }
            (Some(Value::Array(items)), _) => origins.push(Origin { target: format!("{p}/{}", items.len()), update: at.to_string() }),
            _ => origins.push(Origin { target: p.clone(), update: at.to_string() }),
        }
    }
}

fn merge_all(doc: &mut Value, pointers: &[String], update: &Value) -> Result<(), String> {
    let shapes: Vec<u8> = pointers.iter().filter_map(|p| doc.pointer(p)).map(shape).collect();
    if shapes.windows(2).any(|w| w[0] != w[1]) {
        return Err("the target selects a mix of objects, arrays and primitives; an update needs them all of one kind".to_string());
    }
    for p in pointers {
        if let Some(node) = doc.pointer_mut(p) {
            merge_top(node, update).map_err(|m| format!("cannot update `{}`: {m}", if p.is_empty() { "$" } else { p }))?;
        }
    }
    Ok(())
}

/// The selected node itself: an array takes an array update concatenated and any other update
/// appended; an object is merged with an object update; a primitive is replaced by a primitive.
/// Overlay 1.1 spells these rules out; 1.0 defines the object and array cases and tools apply
/// the primitive case to 1.0 documents too, so both versions behave the same.
fn merge_top(target: &mut Value, update: &Value) -> Result<(), String> {
    match (target, update) {
        (Value::Array(t), Value::Array(u)) => {
            t.extend(u.iter().cloned());
            Ok(())
        }
        (Value::Array(t), u) => {
            t.push(u.clone());
            Ok(())
        }
        (Value::Object(_), u) if !u.is_object() => Err(format!("the target is an object, so the update must be an object, not {}", kind(u))),
        (t, u) => merge(t, u),
    }
}

/// Overlay merge of a property value: objects recursively, arrays concatenated, primitives
/// replaced; other combinations are incompatible.
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
        (t, u) if !t.is_object() && !t.is_array() && !u.is_object() && !u.is_array() => {
            *t = u.clone();
            Ok(())
        }
        (t, u) => Err(format!("cannot merge {} into {}", kind(u), kind(t))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_follows_the_specification() {
        let mut t = json!({"a": 1, "b": {"c": [1]}, "keep": true});
        merge(&mut t, &json!({"a": 2, "b": {"c": [2], "d": "x"}, "new": null})).unwrap();
        assert_eq!(t, json!({"a": 2, "b": {"c": [1, 2], "d": "x"}, "keep": true, "new": null}));
        assert_eq!(merge(&mut json!({"a": {}}), &json!({"a": "s"})).unwrap_err(), "property `a`: cannot merge a string into an object");
    }

    #[test]
    fn arrays_take_appended_entries_and_primitives_are_replaced() {
        let mut t = json!([1]);
        merge_top(&mut t, &json!({"x": 1})).unwrap();
        merge_top(&mut t, &json!([2, 3])).unwrap();
        assert_eq!(t, json!([1, {"x": 1}, 2, 3]));
        let mut s = json!("old");
        merge_top(&mut s, &json!("new")).unwrap();
        assert_eq!(s, json!("new"));
        assert_eq!(merge_top(&mut json!({}), &json!("new")).unwrap_err(), "the target is an object, so the update must be an object, not a string");
        assert_eq!(merge_top(&mut json!("old"), &json!({})).unwrap_err(), "cannot merge an object into a string");
    }
}
