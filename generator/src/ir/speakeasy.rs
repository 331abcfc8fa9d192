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

/// A retry policy from `x-speakeasy-retries`, with Speakeasy's defaults for absent fields.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Retries {
    /// `backoff.initialInterval` (ms, default 500).
    pub initial_interval_ms: u64,
    /// `backoff.maxInterval` (ms, default 60000).
    pub max_interval_ms: u64,
    /// `backoff.maxElapsedTime` (ms, default 3600000).
    pub max_elapsed_ms: u64,
    /// `backoff.exponent` (default 1.5).
    pub exponent: f64,
    /// `statusCodes` as inclusive ranges (`5XX` is 500..=599).
    pub statuses: Vec<(u16, u16)>,
    /// `retryConnectionErrors` (default true).
    pub connection_errors: bool,
}

/// `x-speakeasy-retries`. `Ok(None)` when absent or switched off (`strategy: none`,
/// `disabled: true`).
pub fn retries(ext: &Extensions, pointer: &str) -> Result<Option<Retries>, Diagnostic> {
    let Some(v) = ext.get("x-speakeasy-retries") else { return Ok(None) };
    let at = format!("{pointer}/x-speakeasy-retries");
    let bad = |what: String, sub: &str| Diagnostic::error(format!("`x-speakeasy-retries`: {what}")).pointer(format!("{at}{sub}"));
    let Some(obj) = v.as_object() else { return Err(bad("must be an object".into(), "")) };
    if obj.get("disabled").and_then(Value::as_bool) == Some(true) {
        return Ok(None);
    }
    match obj.get("strategy").and_then(Value::as_str) {
        Some("backoff") => {}
        Some("none") => return Ok(None),
        Some(other) => return Err(bad(format!("unsupported strategy `{other}`; use `backoff`"), "/strategy")),
        None => return Err(bad("`strategy` is required (`backoff`)".into(), "")),
    }
    let backoff = obj.get("backoff").cloned().unwrap_or_default();
    let ms = |key: &str, default: u64| -> Result<u64, Diagnostic> {
        match backoff.get(key) {
            None => Ok(default),
            Some(n) => n.as_u64().ok_or_else(|| bad(format!("`backoff.{key}` must be a whole number of milliseconds"), &format!("/backoff/{key}"))),
        }
    };
    let exponent = match backoff.get("exponent") {
        None => 1.5,
        Some(n) => n.as_f64().filter(|e| *e >= 0.0).ok_or_else(|| bad("`backoff.exponent` must be a number".into(), "/backoff/exponent"))?,
    };
    let Some(codes) = obj.get("statusCodes").and_then(Value::as_array) else {
        return Err(bad("`statusCodes` is required (a list such as [5XX, 429])".into(), ""));
    };
    let mut statuses = Vec::new();
    for (i, c) in codes.iter().enumerate() {
        let text = match c {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        let upper = text.to_ascii_uppercase();
        let range = if let Some(d) = upper.strip_suffix("XX").and_then(|d| d.parse::<u16>().ok()).filter(|d| (1..=5).contains(d)) {
            (d * 100, d * 100 + 99)
        } else if let Ok(code) = upper.parse::<u16>() {
            (code, code)
        } else {
            return Err(bad(format!("status code `{text}` is neither a code nor a range like 5XX"), &format!("/statusCodes/{i}")));
        };
        statuses.push(range);
    }
    Ok(Some(Retries {
        initial_interval_ms: ms("initialInterval", 500)?,
        max_interval_ms: ms("maxInterval", 60_000)?,
        max_elapsed_ms: ms("maxElapsedTime", 3_600_000)?,
        exponent,
        statuses,
        connection_errors: obj.get("retryConnectionErrors").and_then(Value::as_bool).unwrap_or(true),
    }))
}

/// `x-speakeasy-timeout`: a request timeout in whole milliseconds, greater than zero.
pub fn timeout(ext: &Extensions, pointer: &str) -> Result<Option<u64>, Diagnostic> {
    match ext.get("x-speakeasy-timeout") {
        None => Ok(None),
        Some(v) => match v.as_u64().filter(|ms| *ms > 0) {
            Some(ms) => Ok(Some(ms)),
            None => Err(Diagnostic::error(format!("`x-speakeasy-timeout` must be a whole number of milliseconds above 0, not {v}"))
                .pointer(format!("{pointer}/x-speakeasy-timeout"))),
        },
    }
}

/// A status in `x-speakeasy-errors.statusCodes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorStatus {
    /// One code (`404`).
    Code(u16),
    /// A class (`4XX` is 4).
    Range(u16),
    /// The `default` response.
    Default,
}

/// `x-speakeasy-errors` at one level (paths object, path item or operation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorStatuses {
    /// `statusCodes`.
    pub statuses: Vec<ErrorStatus>,
    /// `override`: replace the inherited set instead of adding to it.
    pub replace: bool,
}

/// `x-speakeasy-errors`: `{statusCodes: [...], override: bool}`.
pub fn errors(ext: &Extensions, pointer: &str) -> Result<Option<ErrorStatuses>, Diagnostic> {
    let Some(v) = ext.get("x-speakeasy-errors") else { return Ok(None) };
    let at = format!("{pointer}/x-speakeasy-errors");
    let bad = |what: String, sub: &str| Diagnostic::error(format!("`x-speakeasy-errors`: {what}")).pointer(format!("{at}{sub}"));
    let Some(obj) = v.as_object() else { return Err(bad("must be an object with `statusCodes`".into(), "")) };
    let Some(codes) = obj.get("statusCodes").and_then(Value::as_array) else {
        return Err(bad("`statusCodes` is required (a list such as [\"4XX\", \"503\", \"default\"])".into(), ""));
    };
    let replace = match obj.get("override") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(bad("`override` must be true or false".into(), "/override")),
    };
    let mut statuses = Vec::new();
    for (i, c) in codes.iter().enumerate() {
        let text = match c {
            Value::String(s) => s.trim().to_ascii_uppercase(),
            Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        let status = if text == "DEFAULT" {
            ErrorStatus::Default
        } else if let Some(d) = text.strip_suffix("XX").and_then(|d| d.parse::<u16>().ok()).filter(|d| (1..=5).contains(d)) {
            ErrorStatus::Range(d)
        } else if let Some(code) = text.parse::<u16>().ok().filter(|c| (100..=599).contains(c)) {
            ErrorStatus::Code(code)
        } else {
            return Err(bad(format!("`{c}` is not a status code, a class like 4XX, or `default`"), &format!("/statusCodes/{i}")));
        };
        statuses.push(status);
    }
    Ok(Some(ErrorStatuses { statuses, replace }))
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
    fn retries_with_defaults_ranges_and_switches() {
        let r = retries(&ext(json!({"x-speakeasy-retries": {"strategy": "backoff", "statusCodes": ["5XX", 429, "408"], "backoff": {"initialInterval": 10}}})), "#").unwrap().unwrap();
        assert_eq!(r.statuses, vec![(500, 599), (429, 429), (408, 408)]);
        assert_eq!((r.initial_interval_ms, r.max_interval_ms, r.max_elapsed_ms, r.exponent, r.connection_errors), (10, 60_000, 3_600_000, 1.5, true));
        assert_eq!(retries(&ext(json!({"x-speakeasy-retries": {"strategy": "none"}})), "#").unwrap(), None);
        let err = retries(&ext(json!({"x-speakeasy-retries": {"strategy": "backoff", "statusCodes": ["5xx", "oops"]}})), "#/a").unwrap_err();
        assert_eq!(err.message, "`x-speakeasy-retries`: status code `oops` is neither a code nor a range like 5XX");
        assert_eq!(err.pointer.as_deref(), Some("#/a/x-speakeasy-retries/statusCodes/1"));
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
