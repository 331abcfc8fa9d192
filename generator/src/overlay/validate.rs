//! Validation of an overlay document against its version's schema (the JSON Schemas published
//! with the Overlay specification), reporting every problem at once.

use super::{Action, ActionKind, Overlay, Version};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Source;
use serde_json::{Map, Value};
use serde_json_path::JsonPath;

fn kind(v: &Value) -> &'static str {
    super::kind(v)
}

struct Checker<'a> {
    source: &'a Source,
    errors: Diagnostics,
}

impl Checker<'_> {
    fn error(&mut self, message: String, pointer: &str) {
        let d = Diagnostic::error(message).in_file(&self.source.path).at(self.source.locate(pointer)).pointer(pointer.to_string());
        self.errors.push(d);
    }

    /// A string field: `None` when absent, `Some(None)` when present but not a string.
    fn string<'v>(&mut self, obj: &'v Map<String, Value>, key: &str, label: &str, pointer: &str, required: bool) -> Option<&'v str> {
        match obj.get(key) {
            None if required => {
                self.error(format!("{label} is required"), pointer);
                None
            }
            None => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.error(format!("{label} must be a string, not {}", kind(other)), &format!("{pointer}/{key}"));
                None
            }
        }
    }

    fn unknown_keys(&mut self, obj: &Map<String, Value>, allowed: &[&str], pointer: &str, what: &str, prefix: &str) {
        for key in obj.keys() {
            if !allowed.contains(&key.as_str()) && !key.starts_with("x-") {
                let list = allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
                self.error(
                    format!("{prefix}`{key}` is not allowed {what}: only {list} and `x-` extensions"),
                    &format!("{pointer}/{}", crate::diagnostics::escape_pointer_segment(key)),
                );
            }
        }
    }

    fn json_path(&mut self, expr: &str, label: &str, pointer: &str) -> Option<JsonPath> {
        if !expr.starts_with('$') {
            self.error(format!("{label} must be a JSONPath expression starting with `$`, not `{expr}`"), pointer);
            return None;
        }
        match JsonPath::parse(&normalise_jsonpath(expr)) {
            Ok(p) => Some(p),
            Err(e) => {
                self.error(format!("{label} is not a valid JSONPath expression (RFC 9535): `{expr}`: {e}"), pointer);
                None
            }
        }
    }
}

/// Rewrites shorthand member names that contain `-` (`$.a.x-foo`, `@.x-oai-traits`) into bracket
/// notation (`$.a['x-foo']`). RFC 9535 shorthand names cannot contain `-`, but the Overlay
/// specification's own examples and real overlays use them for `x-` extensions, and every
/// Overlay tool accepts them. Quoted strings are left untouched.
pub fn normalise_jsonpath(expr: &str) -> String {
    let chars: Vec<char> = expr.chars().collect();
    let mut out = String::with_capacity(expr.len() + 8);
    let mut i = 0;
    let mut quote: Option<char> = None;
    let is_name_first = |c: char| c.is_alphabetic() || c == '_' || !c.is_ascii();
    let is_name_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-' || !c.is_ascii();
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            out.push(c);
            if c == '\\' && i + 1 < chars.len() {
                out.push(chars[i + 1]);
                i += 2;
                continue;
            }
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if c == '\'' || c == '"' {
            quote = Some(c);
            out.push(c);
            i += 1;
            continue;
        }
        if c == '.' && i + 1 < chars.len() && is_name_first(chars[i + 1]) {
            let start = i + 1;
            let mut end = start;
            while end < chars.len() && is_name_char(chars[end]) {
                end += 1;
            }
            let name: String = chars[start..end].iter().collect();
            if name.contains('-') {
                // `..x-a` keeps its descendant dot: `..['x-a']`.
                if out.ends_with('.') {
                    out.push('.');
                }
                out.push_str(&format!("['{name}']"));
            } else {
                out.push('.');
                out.push_str(&name);
            }
            i = end;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Validates an overlay document and returns it ready to apply.
pub fn parse(source: Source) -> Result<Overlay, Diagnostics> {
    let mut c = Checker { source: &source, errors: Diagnostics::default() };
    let Some(root) = source.value.as_object() else {
        c.error(format!("an overlay document must be an object (a mapping), not {}", kind(&source.value)), "#");
        return Err(c.errors);
    };
    let version = match root.get("overlay") {
        None => {
            c.error("`overlay` is required: the Overlay specification version, such as 1.0.0".into(), "#");
            Version::V1_1
        }
        Some(Value::String(v)) => match parse_version(v) {
            Some(version) => version,
            None => {
                c.error(format!("`overlay` is `{v}`, which is not a supported version: expected 1.0.x or 1.1.x (such as 1.0.0)"), "#/overlay");
                Version::V1_1
            }
        },
        Some(other) => {
            c.error(format!("`overlay` must be a string such as 1.0.0, not {}", kind(other)), "#/overlay");
            Version::V1_1
        }
    };
    c.unknown_keys(root, &["overlay", "info", "extends", "actions"], "#", "at the top level", "");
    let title = match root.get("info") {
        None => {
            c.error("`info` is required".into(), "#");
            String::new()
        }
        Some(Value::Object(info)) => {
            let title = c.string(info, "title", "`info.title`", "#/info", true).unwrap_or_default().to_string();
            c.string(info, "version", "`info.version`", "#/info", true);
            let mut allowed = vec!["title", "version"];
            if version == Version::V1_1 {
                allowed.push("description");
                c.string(info, "description", "`info.description`", "#/info", false);
            } else if info.contains_key("description") {
                c.error("`info.description` is not allowed in Overlay 1.0 (it was added in 1.1)".into(), "#/info/description");
            }
            let unknown: Map<String, Value> = info.iter().filter(|(k, _)| k.as_str() != "description").map(|(k, v)| (k.clone(), v.clone())).collect();
            c.unknown_keys(&unknown, &allowed, "#/info", "in `info`", "");
            title
        }
        Some(other) => {
            c.error(format!("`info` must be an object, not {}", kind(other)), "#/info");
            String::new()
        }
    };
    let extends = match root.get("extends") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            c.error(format!("`extends` must be a string (the URI of the document the overlay applies to), not {}", kind(other)), "#/extends");
            None
        }
    };
    let mut actions = Vec::new();
    match root.get("actions") {
        None => c.error("`actions` is required: a list of at least one action".into(), "#"),
        Some(Value::Array(items)) if items.is_empty() => c.error("`actions` must have at least one action".into(), "#/actions"),
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                if let Some(first) = items[..i].iter().position(|earlier| earlier == item) {
                    c.error(format!("action {i} is the same as action {first}: actions must be unique"), &format!("#/actions/{i}"));
                }
                if let Some(a) = parse_action(&mut c, i, item, version) {
                    actions.push(a);
                }
            }
        }
        Some(other) => c.error(format!("`actions` must be an array, not {}", kind(other)), "#/actions"),
    }
    if c.errors.has_errors() {
        return Err(c.errors);
    }
    Ok(Overlay { path: source.path.clone(), source, version, title, extends, actions })
}

fn parse_version(v: &str) -> Option<Version> {
    let (minor, patch) = match v.strip_prefix("1.0.") {
        Some(p) => (Version::V1_0, p),
        None => (Version::V1_1, v.strip_prefix("1.1.")?),
    };
    (!patch.is_empty() && patch.chars().all(|c| c.is_ascii_digit())).then_some(minor)
}

fn parse_action(c: &mut Checker<'_>, i: usize, item: &Value, version: Version) -> Option<Action> {
    let at = format!("#/actions/{i}");
    let Some(obj) = item.as_object() else {
        c.error(format!("action {i} must be an object, not {}", kind(item)), &at);
        return None;
    };
    let label = |field: &str| format!("action {i}: `{field}`");
    let mut allowed = vec!["target", "description", "update", "remove"];
    if version == Version::V1_1 {
        allowed.push("copy");
    } else if obj.contains_key("copy") {
        c.error(format!("action {i}: `copy` is not allowed in Overlay 1.0 (it was added in 1.1)"), &format!("{at}/copy"));
    }
    let unknown: Map<String, Value> = obj.iter().filter(|(k, _)| k.as_str() != "copy").map(|(k, v)| (k.clone(), v.clone())).collect();
    c.unknown_keys(&unknown, &allowed, &at, "in an action", &format!("action {i}: "));
    c.string(obj, "description", &label("description"), &at, false);
    let target = c.string(obj, "target", &label("target"), &at, true);
    let path = target.and_then(|t| c.json_path(t, &label("target"), &format!("{at}/target")));
    let remove = match obj.get("remove") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            c.error(format!("action {i}: `remove` must be true or false, not {}", kind(other)), &format!("{at}/remove"));
            false
        }
    };
    let copy = if version == Version::V1_1 {
        match obj.get("copy") {
            None => None,
            Some(Value::String(expr)) => c.json_path(expr, &label("copy"), &format!("{at}/copy")).map(|p| (expr.clone(), p)),
            Some(other) => {
                c.error(format!("action {i}: `copy` must be a JSONPath string, not {}", kind(other)), &format!("{at}/copy"));
                None
            }
        }
    } else {
        None
    };
    let kind = if remove {
        ActionKind::Remove
    } else if let Some((expr, p)) = copy {
        ActionKind::Copy(expr, p)
    } else if let Some(update) = obj.get("update") {
        ActionKind::Update(update.clone())
    } else {
        ActionKind::Nothing
    };
    Some(Action { index: i, target: target?.to_string(), path: path?, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<Overlay, Vec<String>> {
        let value = crate::load::parse_text(text, crate::load::Format::Yaml).unwrap();
        let source = Source { path: "o.yaml".into(), text: text.into(), format: crate::load::Format::Yaml, value, bom: false };
        parse(source).map_err(|d| d.sorted().iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn every_problem_is_reported_at_once_with_locations() {
        let errors = check("overlay: 1.0.0\ninfo:\n  title: 1\nbogus: x\nactions:\n  - target: info\n    copy: $.a\n  - remove: maybe\n").unwrap_err();
        assert_eq!(
            errors,
            vec![
                "error: o.yaml:2:1: `info.version` is required\n  at: #/info",
                "error: o.yaml:3:3: `info.title` must be a string, not a number\n  at: #/info/title",
                "error: o.yaml:4:1: `bogus` is not allowed at the top level: only `overlay`, `info`, `extends`, `actions` and `x-` extensions\n  at: #/bogus",
                "error: o.yaml:6:5: action 0: `target` must be a JSONPath expression starting with `$`, not `info`\n  at: #/actions/0/target",
                "error: o.yaml:7:5: action 0: `copy` is not allowed in Overlay 1.0 (it was added in 1.1)\n  at: #/actions/0/copy",
                "error: o.yaml:8:5: action 1: `target` is required\n  at: #/actions/1",
                "error: o.yaml:8:5: action 1: `remove` must be true or false, not a string\n  at: #/actions/1/remove",
            ]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>()
        );
    }

    #[test]
    fn hyphenated_shorthand_names_become_brackets() {
        assert_eq!(normalise_jsonpath("$.paths.*.get[?@.x-oai-traits.paged]"), "$.paths.*.get[?@['x-oai-traits'].paged]");
        assert_eq!(normalise_jsonpath("$..x-a.b[-1]"), "$..['x-a'].b[-1]");
        assert_eq!(normalise_jsonpath("$.a[?@.b == 'x.y-z']"), "$.a[?@.b == 'x.y-z']");
        assert_eq!(normalise_jsonpath("$.info"), "$.info");
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version("1.0.0"), Some(Version::V1_0));
        assert_eq!(parse_version("1.1.12"), Some(Version::V1_1));
        for bad in ["1.1", "1.2.0", "1.0.x", "2", "1.0.0-rc"] {
            assert_eq!(parse_version(bad), None, "{bad}");
        }
    }
}
