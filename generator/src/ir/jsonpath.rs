//! The JSONPath expressions extensions use to point into a response body (`$.content.access_token`,
//! `$.data[-1].id`), compiled at generation time into a list of steps the generated runtime walks.
//! Only singular paths are accepted (a path that names one value): the runtime needs one value,
//! and anything wider is a diagnostic rather than a silent guess.

use serde::{Deserialize, Serialize};

/// One step of a singular path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathStep {
    /// `.name` or `['name']`: a member of an object.
    Key(String),
    /// `[n]`: an element of an array; negative counts from the end (`[-1]` is the last).
    Index(i64),
}

/// Compiles `$`, `$.a.b`, `$['a-b']`, `$.a[0]`, `$[-1].id` into steps. The error says what is
/// not supported.
pub fn compile(path: &str) -> Result<Vec<PathStep>, String> {
    let text = path.trim();
    let Some(mut rest) = text.strip_prefix('$') else {
        return Err(format!("`{path}` is not a JSONPath: it must start with `$`"));
    };
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if rest.starts_with("..") {
            return Err(format!("`{path}`: descendant search (`..`) can match many values; name one value"));
        } else if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let name = &after[..end];
            if name.is_empty() || name == "*" || !name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '$') {
                return Err(format!("`{path}`: `.{name}` is not a member name (use `['{name}']` for other characters)"));
            }
            steps.push(PathStep::Key(name.to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = closing_bracket(after).ok_or_else(|| format!("`{path}`: `[` is not closed"))?;
            let inner = after[..end].trim();
            if let Some(name) = quoted(inner) {
                steps.push(PathStep::Key(name));
            } else if let Ok(i) = inner.parse::<i64>() {
                steps.push(PathStep::Index(i));
            } else {
                return Err(format!("`{path}`: `[{inner}]` is not supported; use a member name or an index such as `[0]` or `[-1]`"));
            }
            rest = &after[end + 1..];
        } else {
            return Err(format!("`{path}`: unexpected `{rest}`"));
        }
    }
    Ok(steps)
}

/// The position of the `]` that closes a bracket, skipping quoted text.
fn closing_bracket(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == ']' => return Some(i),
            None => {}
        }
    }
    None
}

/// `'name'` or `"name"` with `\` escapes, unquoted.
fn quoted(s: &str) -> Option<String> {
    let q = s.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let body = s.strip_prefix(q)?.strip_suffix(q)?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.push(chars.next()?);
        } else if c == q {
            return None;
        } else {
            out.push(c);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> PathStep {
        PathStep::Key(s.into())
    }

    #[test]
    fn singular_paths_compile() {
        assert_eq!(compile("$"), Ok(vec![]));
        assert_eq!(compile("$.content.access_token"), Ok(vec![key("content"), key("access_token")]));
        assert_eq!(compile("$[-1].id"), Ok(vec![PathStep::Index(-1), key("id")]));
        assert_eq!(compile("$.data[0]"), Ok(vec![key("data"), PathStep::Index(0)]));
        assert_eq!(compile("$['a.b'][\"c]\"]"), Ok(vec![key("a.b"), key("c]")]));
        assert_eq!(compile(" $.pagination.max_page "), Ok(vec![key("pagination"), key("max_page")]));
    }

    #[test]
    fn wide_or_malformed_paths_are_refused_with_a_reason() {
        for (bad, says) in [
            ("content.token", "must start with `$`"),
            ("$..id", "descendant"),
            ("$.items[*]", "not supported"),
            ("$.items[?(@.a)]", "not supported"),
            ("$.a[0", "not closed"),
            ("$.", "not a member name"),
            ("$.*", "not a member name"),
            ("$x", "unexpected"),
        ] {
            let e = compile(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
