//! Small text helpers shared by the runners: one-line summaries, shortening, and the
//! normalisation of an error message into a class.

/// The first non-empty line of `text`, trimmed.
pub fn one_line(text: &str) -> String {
    text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("").to_string()
}

/// `text` cut to at most `max` characters, with `…` when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// The class of an error message: the message with its specifics replaced, so that the same kind
/// of problem in different documents (or different places of one) groups together.
///
/// - text quoted in backticks, double quotes or single quotes becomes `` `…` ``, `"…"`, `'…'`;
/// - a word that looks like a path (contains `/` or `\` and a letter, or ends in a source-file
///   extension) becomes `<path>`, its `:line:column` suffix included;
/// - a run of digits that does not continue a word (`2`, `1.5`, not `u64` or `E0308`) becomes `N`;
/// - runs of white space become one space.
pub fn error_class(message: &str) -> String {
    let mut words = Vec::new();
    for word in unquote(&one_line(message)).split_whitespace() {
        words.push(if is_path(word) { path_placeholder(word) } else { numbers(word) });
    }
    words.join(" ")
}

/// [`error_class`] with every occurrence of `name` (the crate's own name, say) replaced by
/// `<crate>` first.
pub fn error_class_without(message: &str, names: &[&str]) -> String {
    let mut text = message.to_string();
    for name in names.iter().filter(|n| !n.is_empty()) {
        text = text.replace(name, "<crate>");
    }
    error_class(&text)
}

/// Replaces quoted text by `…`. A single quote only opens a quotation at the start of a word
/// (so `doesn't` and lifetimes inside backticks are left alone) and closes one at its end.
fn unquote(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts_word = i == 0 || chars[i - 1].is_whitespace() || matches!(chars[i - 1], '(' | '[' | '{' | ',' | ':' | '=');
        let close = match c {
            '`' | '"' => chars[i + 1..].iter().position(|&q| q == c).map(|p| i + 1 + p),
            '\'' if starts_word => (i + 1..chars.len()).find(|&j| {
                chars[j] == '\'' && j > i + 1 && chars.get(j + 1).is_none_or(|n| !n.is_alphanumeric() && *n != '_')
            }),
            _ => None,
        };
        match (c, close) {
            ('`' | '"' | '\'', Some(end)) => {
                out.push(c);
                out.push('…');
                out.push(c);
                i = end + 1;
            }
            ('`' | '"', None) => {
                // An unclosed quotation: the rest is quoted.
                out.push(c);
                out.push('…');
                i = chars.len();
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

const SOURCE_EXTENSIONS: [&str; 6] = [".rs", ".toml", ".json", ".yaml", ".yml", ".lock"];

fn is_path(word: &str) -> bool {
    let core = word.trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | ',' | ';' | '.' | ':'));
    let core = core.split(':').next().unwrap_or(core);
    let has_letter = core.chars().any(char::is_alphabetic);
    (has_letter && (core.contains('/') || core.contains('\\'))) || SOURCE_EXTENSIONS.iter().any(|e| core.len() > e.len() && core.ends_with(e))
}

/// `<path>` with the punctuation around the word kept (`(src/a.rs:3)` → `(<path>)`).
fn path_placeholder(word: &str) -> String {
    let lead: String = word.chars().take_while(|c| matches!(c, '(' | '[')).collect();
    let trail: String = word.chars().rev().take_while(|c| matches!(c, ')' | ']' | ',' | ';' | ':' | '.')).collect::<Vec<_>>().into_iter().rev().collect();
    format!("{lead}<path>{trail}")
}

fn numbers(word: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        let continues_word = previous.is_some_and(|p| p.is_alphanumeric() || p == '_');
        if c.is_ascii_digit() && !continues_word {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push('N');
            previous = Some('N');
        } else {
            out.push(c);
            previous = Some(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_and_shorten() {
        assert_eq!(one_line("\n  first \nsecond"), "first");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
    }

    #[test]
    fn quoted_names_are_one_class() {
        let a = error_class("cannot find type `Foo` in module `types`");
        assert_eq!(a, "cannot find type `…` in module `…`");
        assert_eq!(error_class("cannot find type `Bar` in module `types`"), a);
        assert_eq!(error_class("expected 2 arguments, found \"x\""), "expected N arguments, found \"…\"");
        assert_eq!(error_class("unclosed `quote"), "unclosed `…");
        assert_eq!(error_class("invalid value 'abc' for 'x'"), "invalid value '…' for '…'");
        // An apostrophe is not a quotation.
        assert_eq!(error_class("this doesn't work"), "this doesn't work");
    }

    #[test]
    fn numbers_are_replaced_unless_they_continue_a_word() {
        assert_eq!(error_class("this function has too many arguments (8/7)"), "this function has too many arguments (N/N)");
        assert_eq!(error_class("expected u64, found i32 at offset 1234"), "expected u64, found i32 at offset N");
        assert_eq!(error_class("version 1.0.228 of E0308"), "version N.N.N of E0308");
    }

    #[test]
    fn paths_are_replaced_with_their_location() {
        assert_eq!(error_class("no diagnostic (cargo: error: could not compile at /w/crates/x/src/lib.rs:3:4)"), "no diagnostic (cargo: error: could not compile at <path>)");
        assert_eq!(error_class("failed in src/types.rs:12, stopping"), "failed in <path>, stopping");
        assert_eq!(error_class("see Cargo.toml"), "see <path>");
        assert_eq!(
            error_class("failed to parse manifest at /tmp/a/Cargo.toml"),
            error_class("failed to parse manifest at /other/place/Cargo.toml")
        );
    }

    #[test]
    fn only_the_first_line_and_one_space() {
        assert_eq!(error_class("  mismatched   types\n expected `u8`"), "mismatched types");
    }

    #[test]
    fn the_crate_name_is_replaced() {
        assert_eq!(
            error_class_without("package guru-foo-com cannot be built", &["guru-foo-com"]),
            "package <crate> cannot be built"
        );
    }
}
