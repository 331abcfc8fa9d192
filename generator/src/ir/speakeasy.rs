//! `x-speakeasy-*` extensions parsed into typed settings, with Speakeasy's documented semantics
//! (see `shared/facts/speakeasy-extensions.md`). Malformed values are diagnostics with the
//! pointer of the extension, never silently ignored.

use crate::diagnostics::Diagnostic;
use indexmap::IndexMap;
use regex::Regex;
use serde_json::Value;

type Extensions = IndexMap<String, Value>;

/// The generator target name Speakeasy's comma-separated `x-speakeasy-ignore` lists may name.
const TARGET: &str = "rust";

/// `x-speakeasy-ignore`: `true`/`false`, or a comma-separated list of targets (`"go,rust"`).
pub fn ignored(ext: &Extensions, pointer: &str) -> Result<bool, Diagnostic> {
    match ext.get("x-speakeasy-ignore") {
        None | Some(Value::Bool(false)) | Some(Value::Null) => Ok(false),
        Some(Value::Bool(true)) => Ok(true),
        Some(Value::String(s)) => match s.trim() {
            "true" => Ok(true),
            "false" | "" => Ok(false),
            list => Ok(list.split(',').any(|t| t.trim().eq_ignore_ascii_case(TARGET))),
        },
        Some(other) => Err(Diagnostic::error(format!("`x-speakeasy-ignore` must be true, false or a list of targets, not {other}"))
            .pointer(format!("{pointer}/x-speakeasy-ignore"))),
    }
}

/// `x-speakeasy-name-override` on an operation, schema, parameter or property: a non-empty string.
pub fn name_override(ext: &Extensions, pointer: &str) -> Result<Option<String>, Diagnostic> {
    match ext.get("x-speakeasy-name-override") {
        None => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        Some(other) => Err(Diagnostic::error(format!("`x-speakeasy-name-override` must be a non-empty string, not {other}"))
            .pointer(format!("{pointer}/x-speakeasy-name-override"))),
    }
}

/// `x-speakeasy-group`: a string or a list of strings; dots separate nesting levels.
/// Returns the group paths (each a list of segments); empty when there is none.
pub fn groups(ext: &Extensions, pointer: &str) -> Result<Vec<Vec<String>>, Diagnostic> {
    let at = format!("{pointer}/x-speakeasy-group");
    let bad = |what: &str| Diagnostic::error(format!("`x-speakeasy-group` {what}")).pointer(at.clone());
    let split = |s: &str| -> Result<Vec<String>, Diagnostic> {
        let segs: Vec<String> = s.split('.').map(|p| p.trim().to_string()).collect();
        if segs.iter().any(String::is_empty) {
            return Err(bad(&format!("`{s}` has an empty segment")));
        }
        Ok(segs)
    };
    match ext.get("x-speakeasy-group") {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![split(s)?]),
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .map(|i| i.as_str().ok_or_else(|| bad("list items must be strings")).and_then(split))
            .collect(),
        Some(_) => Err(bad("must be a string or a non-empty list of strings")),
    }
}

/// One entry of the root-level `x-speakeasy-name-override` list.
#[derive(Debug)]
pub struct MethodRename {
    /// Matched against operationIds (unanchored, like Go's `regexp.MatchString`).
    pub operation_id: Regex,
    /// The method name given to matching operations.
    pub method_name: String,
}

/// The root-level `x-speakeasy-name-override` list. Entries renaming parameters
/// (`parameterName`) are not method renames and are skipped here.
pub fn root_method_renames(ext: &Extensions) -> Result<Vec<MethodRename>, Diagnostic> {
    let Some(v) = ext.get("x-speakeasy-name-override") else { return Ok(Vec::new()) };
    let at = "#/x-speakeasy-name-override";
    let Some(items) = v.as_array() else {
        return Err(Diagnostic::error("the root `x-speakeasy-name-override` must be a list").pointer(at));
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let here = format!("{at}/{i}");
        let id = item.get("operationId").and_then(Value::as_str);
        let name = item.get("methodNameOverride").and_then(Value::as_str);
        match (id, name) {
            (Some(id), Some(name)) if !name.trim().is_empty() => {
                let operation_id = Regex::new(id).map_err(|e| {
                    Diagnostic::error(format!("invalid regular expression `{id}`: {e}")).pointer(format!("{here}/operationId"))
                })?;
                out.push(MethodRename { operation_id, method_name: name.trim().to_string() });
            }
            _ if item.get("parameterName").is_some() => {}
            _ => {
                return Err(Diagnostic::error("each entry needs `operationId` (a regex) and `methodNameOverride`").pointer(here));
            }
        }
    }
    Ok(out)
}

/// `x-speakeasy-include: true` on a component schema: generate it even when no operation uses it.
pub fn included(ext: &Extensions) -> bool {
    ext.get("x-speakeasy-include").and_then(Value::as_bool) == Some(true)
}

/// `x-speakeasy-max-method-params`: a non-negative integer.
pub fn max_method_params(ext: &Extensions, pointer: &str) -> Result<Option<usize>, Diagnostic> {
    match ext.get("x-speakeasy-max-method-params") {
        None => Ok(None),
        Some(v) => v.as_u64().map(|n| Some(n as usize)).ok_or_else(|| {
            Diagnostic::error(format!("`x-speakeasy-max-method-params` must be a whole number of 0 or more, not {v}"))
                .pointer(format!("{pointer}/x-speakeasy-max-method-params"))
        }),
    }
}

/// `x-speakeasy-type-override: any`.
pub fn type_override_any(ext: &Extensions) -> bool {
    ext.get("x-speakeasy-type-override").and_then(Value::as_str) == Some("any")
}

/// `x-speakeasy-unknown-values: allow` (an open enum).
pub fn unknown_values_allowed(ext: &Extensions) -> bool {
    ext.get("x-speakeasy-unknown-values").and_then(Value::as_str) == Some("allow")
}

/// `x-speakeasy-server-id` on a server.
pub fn server_id(ext: &Extensions) -> Option<&str> {
    ext.get("x-speakeasy-server-id").and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ext(v: Value) -> Extensions {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn ignore_values() {
        assert!(!ignored(&ext(json!({})), "#").unwrap());
        assert!(ignored(&ext(json!({"x-speakeasy-ignore": true})), "#").unwrap());
        assert!(!ignored(&ext(json!({"x-speakeasy-ignore": false})), "#").unwrap());
        assert!(ignored(&ext(json!({"x-speakeasy-ignore": "go, rust"})), "#").unwrap());
        assert!(!ignored(&ext(json!({"x-speakeasy-ignore": "go,python"})), "#").unwrap());
        let err = ignored(&ext(json!({"x-speakeasy-ignore": [1]})), "#/a").unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("#/a/x-speakeasy-ignore"));
    }

    #[test]
    fn groups_nest_on_dots_and_lists_place_in_each() {
        assert_eq!(groups(&ext(json!({"x-speakeasy-group": "a.b"})), "#").unwrap(), vec![vec!["a", "b"]]);
        assert_eq!(groups(&ext(json!({"x-speakeasy-group": ["a", "c"]})), "#").unwrap(), vec![vec!["a"], vec!["c"]]);
        assert_eq!(groups(&ext(json!({"x-speakeasy-group": "a..b"})), "#").unwrap_err().message, "`x-speakeasy-group` `a..b` has an empty segment");
    }

    #[test]
    fn name_overrides() {
        assert_eq!(name_override(&ext(json!({"x-speakeasy-name-override": "logout"})), "#").unwrap().as_deref(), Some("logout"));
        assert!(name_override(&ext(json!({"x-speakeasy-name-override": ""})), "#").is_err());
        let renames = root_method_renames(&ext(json!({"x-speakeasy-name-override": [
            {"operationId": "^list.*", "methodNameOverride": "list"},
            {"parameterName": "a", "parameterNameOverride": "b"}
        ]})))
        .unwrap();
        assert_eq!(renames.len(), 1);
        assert!(renames[0].operation_id.is_match("listThings"));
        let err = root_method_renames(&ext(json!({"x-speakeasy-name-override": [{"operationId": "(", "methodNameOverride": "x"}]}))).unwrap_err();
        assert!(err.message.starts_with("invalid regular expression `(`"), "{}", err.message);
    }
}
