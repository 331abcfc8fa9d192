//! Every naming decision: case conversion, keywords, invalid characters, collisions.
//!
//! Names from the document (operationIds, property names, enum values, tags) become Rust
//! identifiers here and nowhere else. The wire name is always kept beside the Rust name in the IR,
//! so serde can rename back. Every function returns a valid Rust identifier made only of ASCII
//! letters, digits and `_` (raw identifiers `r#type` for keywords).

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Keywords that can be written as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "static",
    "struct", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers: they get a trailing underscore.
const NON_RAW_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "_"];

/// The names of the standard prelude (editions 2021 and 2024): a generated type named so would
/// silently replace the standard one in code that does `use <crate>::types::*`.
const PRELUDE: &[&str] = &[
    "AsMut", "AsRef", "Box", "Clone", "Copy", "Default", "DoubleEndedIterator", "Drop", "Eq", "Err", "ExactSizeIterator", "Extend", "Fn",
    "FnMut", "FnOnce", "From", "FromIterator", "Future", "Into", "IntoFuture", "IntoIterator", "Iterator", "None", "Ok", "Option", "Ord",
    "PartialEq", "PartialOrd", "Result", "Send", "Sized", "Some", "String", "Sync", "ToOwned", "ToString", "TryFrom", "TryInto", "Unpin",
    "Vec",
];

/// A type name that does not shadow the prelude: `Result` becomes `ResultModel` (so
/// `use <crate>::types::*` never replaces `std::result::Result`); other names are kept.
pub fn unshadowed(name: String) -> String {
    if PRELUDE.contains(&name.as_str()) { format!("{name}Model") } else { name }
}

/// Whether a name is a Rust keyword (raw-able or not).
pub fn is_keyword(s: &str) -> bool {
    RAW_KEYWORDS.contains(&s) || NON_RAW_KEYWORDS.contains(&s)
}

/// Splits arbitrary text into ASCII words: anything that is not an ASCII letter or digit
/// separates words. Case boundaries are left to `heck`.
fn ascii_words(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push(' ');
        }
    }
    out
}

/// `snake_case` identifier for functions, fields, modules and variables.
///
/// `fallback` is used when nothing identifier-like is left (an empty or all-symbol name).
pub fn snake(name: &str, fallback: &str) -> String {
    let mut s = ascii_words(name).to_snake_case();
    if s.is_empty() {
        s = fallback.to_snake_case();
    }
    if s.chars().all(|c| c.is_ascii_digit() || c == '_') {
        // Digits alone (`"2"`, `"1_0"`) name nothing: `value_2`, after the fallback (clippy's
        // `just_underscores_and_digits` refuses `_2`).
        s = format!("{}_{s}", fallback.to_snake_case());
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    escape_keyword(s)
}

/// `UpperCamelCase` identifier for types and enum variants; `prefix` goes before a leading digit
/// (`V` gives `V200` for an enum value `200`).
pub fn pascal(name: &str, fallback: &str, prefix: &str) -> String {
    let mut s = ascii_words(name).to_upper_camel_case();
    if s.is_empty() {
        s = fallback.to_upper_camel_case();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, prefix);
    }
    escape_keyword(s)
}

/// `SCREAMING_SNAKE_CASE` for constants.
pub fn screaming(name: &str, fallback: &str) -> String {
    let mut s = ascii_words(name).to_shouty_snake_case();
    if s.is_empty() {
        s = fallback.to_shouty_snake_case();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    s
}

/// Makes a keyword usable: `type` → `r#type`, `self` → `self_`.
pub fn escape_keyword(s: String) -> String {
    if NON_RAW_KEYWORDS.contains(&s.as_str()) {
        format!("{s}_")
    } else if RAW_KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// The name without a raw-identifier prefix, for building derived names (`r#type` → `type`).
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// The key two names collide under: case and separators ignored (`fooBar`, `foo_bar`, `FOOBAR`).
pub fn collision_key(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// A set of names in one namespace; later claims of a taken name get a number.
#[derive(Default, Debug, Clone)]
pub struct Namespace {
    taken: BTreeSet<String>,
    /// For a name claimed with a number, the number to try first next time: every smaller one
    /// was taken then, and a taken name stays taken. (Without it, the thousandth `Metadata`
    /// would try the 999 before it.)
    next_number: std::collections::BTreeMap<String, usize>,
}

impl Namespace {
    /// A namespace with some names already reserved.
    pub fn with_reserved(names: &[&str]) -> Self {
        let mut ns = Self::default();
        for n in names {
            ns.taken.insert(collision_key(n));
        }
        ns
    }

    /// Whether `name` (compared case- and separator-insensitively) is free.
    pub fn is_free(&self, name: &str) -> bool {
        !self.taken.contains(&collision_key(unraw(name)))
    }

    /// Claims `name`, or `name2`, `name3`, ... if it is taken. Deterministic for a given order
    /// of claims.
    pub fn claim(&mut self, name: &str) -> String {
        if self.is_free(name) {
            self.taken.insert(collision_key(unraw(name)));
            return name.to_string();
        }
        let base = unraw(name);
        let sep = if base.contains('_') || base.chars().next().is_some_and(|c| c.is_ascii_lowercase()) { "_" } else { "" };
        let first = self.next_number.get(base).copied().unwrap_or(2);
        for n in first.. {
            let candidate = format!("{base}{sep}{n}");
            if self.is_free(&candidate) {
                self.taken.insert(collision_key(&candidate));
                self.next_number.insert(base.to_string(), n + 1);
                return candidate;
            }
        }
        unreachable!("an unbounded counter always finds a free name")
    }
}

/// Whether `s` is a valid Rust identifier as this module produces them.
pub fn is_valid_ident(s: &str) -> bool {
    let body = unraw(s);
    !body.is_empty()
        && body.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !body.starts_with(|c: char| c.is_ascii_digit())
        && body != "_"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prelude_names_are_not_shadowed() {
        for name in ["Result", "Option", "Vec", "String", "Box", "Default", "Some", "Iterator", "Future"] {
            assert_eq!(unshadowed(name.to_string()), format!("{name}Model"));
        }
        assert_eq!(unshadowed("Results".to_string()), "Results");
        assert_eq!(unshadowed("Error".to_string()), "Error", "not in the prelude; the crate root's `Error` is imported by name");
    }

    #[test]
    fn every_keyword_is_escaped() {
        for kw in RAW_KEYWORDS {
            assert_eq!(snake(kw, "x"), format!("r#{kw}"));
        }
        assert_eq!(snake("self", "x"), "self_");
        assert_eq!(snake("super", "x"), "super_");
        assert_eq!(snake("crate", "x"), "crate_");
        assert_eq!(pascal("self", "X", "V"), "Self_");
        assert_eq!(snake("_", "value"), "value");
    }

    #[test]
    fn cases_and_symbols() {
        assert_eq!(snake("logout-from-pos-device", "x"), "logout_from_pos_device");
        assert_eq!(snake("loginWithEmail", "x"), "login_with_email");
        assert_eq!(snake("X-Api-Key", "x"), "x_api_key");
        assert_eq!(pascal("pos-terminal", "X", "V"), "PosTerminal");
        assert_eq!(pascal("customers:members:create", "X", "V"), "CustomersMembersCreate");
        assert_eq!(screaming("X-Api-Key", "X"), "X_API_KEY");
    }

    #[test]
    fn digits_empty_and_non_ascii() {
        assert_eq!(snake("2fa", "x"), "_2fa");
        assert_eq!(snake("2", "value"), "value_2");
        assert_eq!(snake("1.0", "field"), "field_1_0");
        assert_eq!(pascal("200", "X", "V"), "V200");
        assert_eq!(pascal("", "Empty", "V"), "Empty");
        assert_eq!(snake("\u{1F600}", "value"), "value");
        assert_eq!(snake("caf\u{e9} latte", "x"), "caf_latte");
        for s in ["", "2", "é", "self", "type", "a-b", "__"] {
            assert!(is_valid_ident(&snake(s, "x")), "{s}");
            assert!(is_valid_ident(&pascal(s, "X", "V")), "{s}");
        }
    }

    #[test]
    fn namespace_numbers_collisions_case_insensitively() {
        let mut ns = Namespace::with_reserved(&["Client"]);
        assert_eq!(ns.claim("Client"), "Client2");
        assert_eq!(ns.claim("FooBar"), "FooBar");
        assert_eq!(ns.claim("Foo_Bar"), "Foo_Bar_2");
        assert_eq!(ns.claim("foo_bar"), "foo_bar_3");
        assert_eq!(ns.claim("r#type"), "r#type");
        assert_eq!(ns.claim("r#type"), "type_2");
    }
}
