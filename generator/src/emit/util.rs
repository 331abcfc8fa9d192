//! Small helpers shared by the emitters: identifiers, doc attributes and type paths.

use crate::ir::TypeRef;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// An identifier from a name the naming module produced (`r#type` becomes a raw identifier).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Rustdoc attributes, one `#[doc]` per line so prettyplease prints `///` lines.
///
/// Text of several lines is deferred: one `#[doc]` holding a key stands for all of them, and
/// [`expand_docs`] puts the lines in its place once the item is printed. Docs are a sixth of a
/// large crate's lines, and parsing and printing one attribute per block instead of one per
/// line saves their share of `syn`'s and `prettyplease`'s work; the printed text is the same.
/// Keys live in a table of the thread that emits them, which is the thread that formats them
/// ([`super::format_part`]).
pub fn docs(text: Option<&str>) -> TokenStream {
    let Some(text) = text else { return TokenStream::new() };
    lines_docs(doc_lines(text))
}

/// Rustdoc attributes for text sdkforge writes itself, taken as it is: code blocks in it are
/// doctests (the examples).
pub fn trusted_docs(text: &str) -> TokenStream {
    lines_docs(text.lines().map(|l| format!(" {l}")).collect())
}

/// Rustdoc attributes of doc lines (each with its leading space), deferred when there are several.
fn lines_docs(lines: Vec<String>) -> TokenStream {
    // prettyplease prints a line as `///` and the text without trailing spaces unless it starts
    // with `/` or holds a line break; only lines printed that way are deferred.
    let plain = |l: &String| !l.starts_with('/') && !l.contains(['\n', DEFERRED_DOC]);
    if lines.len() > 1 && lines.iter().all(plain) {
        let key = DEFERRED.with(|d| {
            let mut d = d.borrow_mut();
            d.next += 1;
            let key = d.next;
            d.lines.insert(key, lines);
            key
        });
        let lit = proc_macro2::Literal::string(&format!("{DEFERRED_DOC}{key}"));
        return quote! { #[doc = #lit] };
    }
    let lines = lines.into_iter().map(|l| doc_literal(&l));
    quote! { #( #[doc = #lines] )* }
}

/// Starts the key of deferred doc lines (a private-use character; text that has one is never
/// deferred).
const DEFERRED_DOC: char = '\u{E000}';

/// Doc lines waiting for [`expand_docs`], by key.
#[derive(Default)]
struct Deferred {
    next: u64,
    lines: std::collections::HashMap<u64, Vec<String>>,
}

thread_local! {
    static DEFERRED: std::cell::RefCell<Deferred> = std::cell::RefCell::default();
}

/// Replaces each printed `///<key>` line of [`docs`] with its lines (`///` and each line, at the
/// same indentation), as if each had been its own attribute. Keys are used once.
pub fn expand_docs(printed: String) -> String {
    if !printed.contains(DEFERRED_DOC) {
        return printed;
    }
    DEFERRED.with(|d| {
        let mut d = d.borrow_mut();
        let mut out = String::with_capacity(printed.len() * 2);
        for line in printed.split_inclusive('\n') {
            let body = line.trim_start_matches(' ');
            let indent = &line[..line.len() - body.len()];
            let key = body.strip_prefix("///").and_then(|k| k.strip_prefix(DEFERRED_DOC)).and_then(|k| k.trim_end().parse::<u64>().ok());
            match key.and_then(|k| d.lines.remove(&k)) {
                Some(lines) => {
                    for l in lines {
                        out.push_str(indent);
                        out.push_str("///");
                        out.push_str(l.trim_end_matches(' '));
                        out.push('\n');
                    }
                }
                None => out.push_str(line),
            }
        }
        out
    })
}

/// The string literal of a doc line, raw (`r"..."`, `r#"..."#`) when it can be: `syn` reads a
/// raw literal's value as a slice where it unescapes a plain one character by character, and
/// does so twice per doc line (when parsing, and when prettyplease asks for the value to print
/// it as `///`), which made doc text the costliest part of formatting. The printed line is the
/// same either way.
pub fn doc_literal(text: &str) -> proc_macro2::Literal {
    // The shortest run of `#` that no `"` inside the text is followed by.
    let hashes = text.match_indices('"').map(|(i, _)| text[i + 1..].bytes().take_while(|b| *b == b'#').count() + 1).max().unwrap_or(0);
    let fences = "#".repeat(hashes);
    match format!("r{fences}\"{text}\"{fences}").parse::<proc_macro2::Literal>() {
        Ok(lit) if hashes < 256 && !text.contains('\r') => lit,
        _ => proc_macro2::Literal::string(text),
    }
}

/// Doc attributes from `text`, or from `fallback` when the document gives none or only
/// white space (an empty `description` would otherwise leave the item undocumented).
pub fn docs_or(text: Option<&str>, fallback: &str) -> TokenStream {
    docs(Some(text.filter(|t| !t.trim().is_empty()).unwrap_or(fallback)))
}

/// Inner (`//!`) rustdoc attributes.
pub fn inner_docs(text: &str) -> TokenStream {
    let lines = doc_lines(text).into_iter().map(|l| doc_literal(&l));
    quote! { #( #![doc = #lines] )* }
}

/// Inner rustdoc attributes for text sdkforge writes itself (examples that must stay doctests).
pub fn trusted_inner_docs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| doc_literal(&format!(" {l}")));
    quote! { #( #![doc = #lines] )* }
}

/// Makes Markdown from the document safe as rustdoc: fenced blocks without a language (or a
/// Rust one) become `text` so they never run as doctests, and indentation that would make an
/// indented code block (also a doctest) is reduced. Each line gets a leading space.
pub fn doc_lines(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for raw in text.trim_end().lines() {
        let line = raw.replace('\t', "    ");
        let trimmed = line.trim_start();
        let marker = if trimmed.starts_with("```") { Some("```") } else if trimmed.starts_with("~~~") { Some("~~~") } else { None };
        match (&fence, marker) {
            (None, Some(m)) => {
                fence = Some(m.to_string());
                let info = trimmed.trim_start_matches(m).trim();
                let is_rust = info.is_empty()
                    || info.split([',', ' ']).any(|w| {
                        matches!(w, "rust" | "ignore" | "should_panic" | "no_run" | "compile_fail" | "test_harness") || w.starts_with("edition")
                    });
                out.push(if is_rust { format!(" {m}text") } else { format!(" {m}{info}") });
            }
            (Some(open), Some(m)) if open == m => {
                fence = None;
                out.push(format!(" {m}"));
            }
            (Some(_), _) => out.push(format!(" {line}")),
            (None, None) => {
                let indent = line.len() - trimmed.len();
                out.push(format!(" {}{}", " ".repeat(indent.min(3)), trimmed));
            }
        }
    }
    if let Some(open) = fence {
        // An unclosed fence would swallow the rest of the item's docs.
        out.push(format!(" {open}"));
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out
}

/// A consuming setter of an optional field: `pub fn name(mut self, value: T) -> Self`
/// (`impl Into<String>` for strings).
pub fn option_setter(doc: &TokenStream, setter: &str, field: &str, ty: &TypeRef) -> TokenStream {
    let n = ident(setter);
    let f = ident(field);
    if *ty == TypeRef::String {
        quote! {
            #doc
            pub fn #n(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.#f = ::std::option::Option::Some(value.into());
                self
            }
        }
    } else {
        let t = type_tokens(ty);
        quote! {
            #doc
            pub fn #n(mut self, value: #t) -> Self {
                self.#f = ::std::option::Option::Some(value);
                self
            }
        }
    }
}

/// Combines a summary and a description into one doc text.
pub fn summary_and_description(summary: Option<&str>, description: Option<&str>) -> Option<String> {
    match (summary.map(str::trim).filter(|s| !s.is_empty()), description.map(str::trim).filter(|s| !s.is_empty())) {
        (Some(s), Some(d)) if s == d => Some(s.to_string()),
        (Some(s), Some(d)) => Some(format!("{s}\n\n{d}")),
        (Some(s), None) => Some(s.to_string()),
        (None, Some(d)) => Some(d.to_string()),
        (None, None) => None,
    }
}

/// The Rust type for a [`TypeRef`], with fully qualified paths so that a schema named `String`,
/// `Option` or `Vec` cannot shadow the standard types.
pub fn type_tokens(t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::String => quote!(::std::string::String),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::U32 => quote!(u32),
        TypeRef::U64 => quote!(u64),
        TypeRef::Bytes | TypeRef::Base64 => quote!(::std::vec::Vec<u8>),
        TypeRef::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        TypeRef::Date => quote!(::chrono::NaiveDate),
        TypeRef::Uuid => quote!(::uuid::Uuid),
        TypeRef::IntString(inner) => type_tokens(inner),
        TypeRef::Decimal { .. } => quote!(::rust_decimal::Decimal),
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::Named(n) => {
            let n = ident(n);
            quote!(crate::types::#n)
        }
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        TypeRef::Option(inner) => {
            let inner = type_tokens(inner);
            quote!(::std::option::Option<#inner>)
        }
        TypeRef::Box(inner) => {
            let inner = type_tokens(inner);
            quote!(::std::boxed::Box<#inner>)
        }
        TypeRef::Tuple(members) => {
            // The trailing comma keeps a one-member tuple a tuple.
            let members = members.iter().map(type_tokens);
            quote!((#(#members,)*))
        }
    }
}

/// Clippy's `type_complexity` score of a type written as tokens, counted as the lint counts
/// it: every path, tuple, slice or array scores ten times its nesting depth (1 at the top
/// level; each `<...>` or `(...)` nests one deeper). The lint fires above 250.
pub fn type_complexity(ty: &TokenStream) -> u64 {
    use proc_macro2::{Delimiter, TokenTree};
    fn walk(tokens: TokenStream, base: u64) -> u64 {
        let (mut score, mut depth, mut in_path, mut lifetime) = (0, base, false, false);
        for tt in tokens {
            match tt {
                TokenTree::Ident(_) if lifetime => lifetime = false,
                TokenTree::Ident(_) => {
                    if !in_path {
                        score += 10 * depth;
                        in_path = true;
                    }
                }
                TokenTree::Punct(p) => match p.as_char() {
                    ':' => {}
                    // A lifetime's name is not a type.
                    '\'' => lifetime = true,
                    '<' => {
                        depth += 1;
                        in_path = false;
                    }
                    '>' => {
                        depth = depth.saturating_sub(1).max(base);
                        in_path = false;
                    }
                    _ => in_path = false,
                },
                TokenTree::Group(g) if matches!(g.delimiter(), Delimiter::Parenthesis | Delimiter::Bracket) => {
                    score += 10 * depth + walk(g.stream(), depth + 1);
                    in_path = true;
                }
                TokenTree::Group(g) => score += walk(g.stream(), depth),
                TokenTree::Literal(_) => {}
            }
        }
        score
    }
    walk(ty.clone(), 1)
}

/// `#[allow(clippy::type_complexity)]` when a signature's type comes near the lint's limit
/// (200 of its 250): the nesting comes from the document (a map of arrays of maps...), and the
/// generated code passes clippy whatever the document says.
pub fn allow_complex(ty: &TokenStream) -> Option<TokenStream> {
    (type_complexity(ty) > 200).then(|| quote::quote!(#[allow(clippy::type_complexity)]))
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_literals_are_raw_and_keep_their_value() {
        for text in ["", " plain", " say \"hi\"", " a \"# b \"## c", " back\\slash {braces} \u{1F600}", " tab\there"] {
            let lit = doc_literal(text);
            let parsed: syn::LitStr = syn::parse2(quote!(#lit)).expect("a string literal");
            assert_eq!(parsed.value(), text);
            assert!(lit.to_string().starts_with('r'), "{lit}");
        }
        assert_eq!(doc_literal(" a \"# b").to_string(), "r##\" a \"# b\"##");
        assert_eq!(doc_literal(" bare\rCR").to_string(), "\" bare\\rCR\"", "CR cannot be in a raw literal");
    }

    #[test]
    fn raw_identifiers() {
        assert_eq!(ident("r#type").to_string(), "r#type");
        assert_eq!(ident("name").to_string(), "name");
    }

    #[test]
    fn types_are_fully_qualified() {
        let t = TypeRef::Map(Box::new(TypeRef::Vec(Box::new(TypeRef::Named("String".into())))));
        let expected = quote!(::std::collections::BTreeMap<::std::string::String, ::std::vec::Vec<crate::types::String>>);
        // Token spacing differs (`>>` vs `> >`); the tokens do not.
        assert_eq!(type_tokens(&t).to_string().replace(' ', ""), expected.to_string().replace(' ', ""));
    }

    #[test]
    fn docs_are_one_attribute_per_line() {
        let d = docs(Some("One line \"quoted\""));
        assert_eq!(d.to_string(), quote!(#[doc = r#" One line "quoted""#]).to_string());
        assert!(docs(None).is_empty());
    }

    /// Several lines print as if each were its own attribute, though one stands for them all.
    #[test]
    fn deferred_doc_lines_print_as_lines() {
        let text = "First line.\n\nSecond */ \"quoted\"";
        let d = docs(Some(text));
        assert_eq!(d.clone().into_iter().count(), 2, "one attribute: {d}");
        let item = quote!(pub mod m { #d pub struct S; });
        let printed = expand_docs(prettyplease::unparse(&syn::parse2(item).unwrap()));
        let lines = doc_lines(text).into_iter().map(|l| doc_literal(&l));
        let expected = quote!(pub mod m { #( #[doc = #lines] )* pub struct S; });
        assert_eq!(printed, prettyplease::unparse(&syn::parse2(expected).unwrap()));
        assert!(printed.contains("    /// Second */ \"quoted\"\n"), "{printed}");
        // Used once: a second expansion leaves the text as it is.
        assert_eq!(expand_docs(printed.clone()), printed);
        // Text with the marker itself is never deferred.
        assert_eq!(docs(Some("a\n\u{E000}1")).into_iter().count(), 4);
    }

    #[test]
    fn code_that_rustdoc_would_run_is_neutralised() {
        let lines = doc_lines("Example:\n```\nlet x = 1;\n```\n```json\n{}\n```\n\n    indented code\n```rust,no_run\nx\n");
        assert_eq!(
            lines,
            vec![
                " Example:", " ```text", " let x = 1;", " ```", " ```json", " {}", " ```", " ", "    indented code", " ```text", " x", " ```",
            ]
        );
    }

    #[test]
    fn type_complexity_counts_as_clippy_does() {
        // 10 + 20 + 30 + 40 + 40 + 20: under the limit.
        let t = quote::quote!(crate::Pending<crate::Response<::std::collections::BTreeMap<::std::string::String, i64>>, crate::errors::EchoError>);
        assert_eq!(type_complexity(&t), 160);
        assert!(allow_complex(&t).is_none());
        // The same inside `Result<_, Error<_>>` (what clippy refused): 10 + 20 + 30 + 40 + 50 + 50 + 30 + 40.
        let t = quote::quote!(crate::Pending<::std::result::Result<crate::Response<::std::collections::BTreeMap<::std::string::String, i64>>, crate::Error<crate::errors::EchoError>>>);
        assert_eq!(type_complexity(&t), 270);
        assert!(allow_complex(&t).is_some());
        // A tuple nests like a generic; a lifetime is not a type.
        assert_eq!(type_complexity(&quote::quote!(Option<(String, &'static str)>)), 10 + 20 + 30 + 30);
    }
}
