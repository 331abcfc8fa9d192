//! Lossless numbers: integers beyond `i64`/`u64` and floats beyond `f64` keep their text.
//!
//! JSON and YAML put no bound on a number, but `serde_json::Value` holds only what fits an
//! `i64`, a `u64` or a finite `f64`: a YAML `minimum: -1e400` or `99999999999999999999` fails
//! to load ("JSON number out of range"), and a JSON integer beyond `u64` silently rounds. Real
//! documents have both (bounds copied from a database's column type, IDs in examples).
//!
//! Such a number is loaded as a string holding its text behind [`MARK`] (U+FDD0, a Unicode
//! noncharacter that no text exchanged between programs holds): the document stays a plain
//! `serde_json::Value`, everything that only carries it along (overlays, bundling, the 3.1 and
//! Swagger 2.0 conversions) keeps it whole, and the writers ([`unmark_text`]) print it bare
//! again. Before the typed read, [`fit`] gives each schema bound beyond the generated type the
//! nearest value the type holds (which constrains nothing more), and an enum whose values do not
//! fit its type becomes a schema of any JSON value, with a warning.
//!
//! The text is rewritten only when it may hold such a number ([`might_overflow`], a linear scan
//! for long digit runs and 3-digit exponents), so an ordinary document pays one scan and nothing
//! else.

use crate::diagnostics::{Diagnostic, Diagnostics, pointer_from};
use serde_json::{Map, Value};

/// The character in front of a number's text kept as a string.
pub const MARK: char = '\u{FDD0}';

/// The number text a marked string holds, or `None` for any other value.
pub fn marked(v: &Value) -> Option<&str> {
    v.as_str().and_then(|s| s.strip_prefix(MARK)).filter(|t| literal(t).is_some())
}

/// What kind of number a literal is, and whether it fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Literal {
    /// An integer or a float that the loader's value holds.
    Fits,
    /// An integer beyond `i64` and `u64`.
    BigInteger { negative: bool },
    /// A float beyond `f64`: too large (`tiny: false`) or too small, but not zero (`tiny: true`).
    BigFloat { negative: bool, tiny: bool },
}

/// Classifies number text in the syntax both JSON and YAML 1.2's core schema give numbers
/// (decimal integers and floats, with YAML's optional `+`; YAML's `0x`/`0o` integers). `None`
/// when the text is not a number.
fn literal(text: &str) -> Option<Literal> {
    let (negative, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if body.is_empty() {
        return None;
    }
    for (prefix, radix) in [("0x", 16), ("0o", 8)] {
        if let Some(digits) = body.strip_prefix(prefix) {
            if negative || digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
                return None;
            }
            return Some(if u64::from_str_radix(digits, radix).is_ok() { Literal::Fits } else { Literal::BigInteger { negative } });
        }
    }
    let b = body.as_bytes();
    let mut i = 0;
    let int_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    i += int_digits;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let frac_digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        i += frac_digits;
        if frac_digits == 0 && int_digits == 0 {
            return None;
        }
    } else if int_digits == 0 {
        return None;
    }
    let mut exponent = false;
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp_digits == 0 {
            return None;
        }
        i += exp_digits;
        exponent = true;
    }
    if i != b.len() {
        return None;
    }
    if !exponent && i == int_digits {
        let fits = text.parse::<i64>().is_ok() || body.parse::<u64>().is_ok() && !negative;
        return Some(if fits { Literal::Fits } else { Literal::BigInteger { negative } });
    }
    let x: f64 = body.parse().ok()?;
    let nonzero = body.bytes().take_while(|c| !matches!(c, b'e' | b'E')).any(|c| matches!(c, b'1'..=b'9'));
    Some(if x.is_infinite() {
        Literal::BigFloat { negative, tiny: false }
    } else if x == 0.0 && nonzero {
        Literal::BigFloat { negative, tiny: true }
    } else {
        Literal::Fits
    })
}

/// Whether `text` may hold a number beyond the loader's value: a run of 19 or more digits (the
/// shortest integer beyond `i64` has 19), an exponent of 3 or more digits, or a hexadecimal or
/// octal run of 17 or more. Strings and keys count too: this only decides whether to look.
pub fn might_overflow(text: &str) -> bool {
    let b = text.as_bytes();
    let mut run = 0usize;
    for (i, c) in b.iter().enumerate() {
        if c.is_ascii_digit() {
            run += 1;
            if run >= 19 {
                return true;
            }
            continue;
        }
        run = 0;
        match c {
            b'e' | b'E' if i > 0 && b[i - 1].is_ascii_digit() => {
                let rest = &b[i + 1..];
                let rest = rest.strip_prefix(b"-").or_else(|| rest.strip_prefix(b"+")).unwrap_or(rest);
                if rest.iter().take_while(|d| d.is_ascii_digit()).count() >= 3 {
                    return true;
                }
            }
            b'x' | b'o' if i > 0 && b[i - 1] == b'0' && b[i + 1..].iter().take_while(|d| d.is_ascii_hexdigit()).count() >= 17 => {
                return true;
            }
            _ => {}
        }
    }
    false
}

/// The quoted, marked form of number text, valid as a JSON string and a YAML double-quoted one.
fn quoted(text: &str) -> String {
    format!("\"\\uFDD0{text}\"")
}

/// Replaces byte ranges of `text` with the marked form of what they hold.
fn rewrite(text: &str, spans: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len() + spans.len() * 10);
    let mut at = 0;
    for &(start, end) in spans {
        out.push_str(&text[at..start]);
        out.push_str(&quoted(&text[start..end]));
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// JSON text with each number beyond the loader's value turned into a marked string, or `None`
/// when there is none (or the text is not JSON: the parser then reports it).
pub fn mark_json(text: &str) -> Option<String> {
    if !might_overflow(text) {
        return None;
    }
    let b = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < b.len() && matches!(b[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                if matches!(literal(&text[start..i]), Some(Literal::BigInteger { .. } | Literal::BigFloat { .. })) {
                    spans.push((start, i));
                }
            }
            _ => i += 1,
        }
    }
    (!spans.is_empty()).then(|| rewrite(text, &spans))
}

/// YAML text with each plain (unquoted, untagged) scalar value that is a number beyond the
/// loader's value turned into a marked double-quoted string, or `None` when there is none (or
/// the text does not parse: the loader's parser then reports it). Mapping keys stay as written.
pub fn mark_yaml(text: &str) -> Option<String> {
    use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
    use yaml_rust2::scanner::{Marker, TScalarStyle};
    if !might_overflow(text) {
        return None;
    }
    /// Per open collection: whether it is a mapping, and whether its next scalar is a key.
    struct Scan {
        stack: Vec<(bool, bool)>,
        found: Vec<(usize, String)>,
    }
    impl Scan {
        /// Moves on past one node in the innermost collection; whether that node was a key.
        fn node(&mut self) -> bool {
            match self.stack.last_mut() {
                Some((true, key)) => {
                    let was = *key;
                    *key = !*key;
                    was
                }
                _ => false,
            }
        }
    }
    impl MarkedEventReceiver for Scan {
        fn on_event(&mut self, ev: Event, mark: Marker) {
            match ev {
                Event::Scalar(value, style, _, tag) => {
                    let key = self.node();
                    if !key && style == TScalarStyle::Plain && tag.is_none() && matches!(literal(&value), Some(Literal::BigInteger { .. } | Literal::BigFloat { .. })) {
                        self.found.push((mark.index(), value));
                    }
                }
                Event::Alias(_) => {
                    self.node();
                }
                Event::SequenceStart(..) => {
                    self.node();
                    self.stack.push((false, false));
                }
                Event::MappingStart(..) => {
                    self.node();
                    self.stack.push((true, true));
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    self.stack.pop();
                }
                Event::DocumentStart => self.stack.clear(),
                _ => {}
            }
        }
    }
    let mut scan = Scan { stack: Vec::new(), found: Vec::new() };
    Parser::new_from_str(text).load(&mut scan, false).ok()?;
    if scan.found.is_empty() {
        return None;
    }
    // Character indices to byte offsets, in one pass (the scalars come in text order).
    let mut spans = Vec::with_capacity(scan.found.len());
    let mut chars = text.char_indices().enumerate();
    for (index, value) in &scan.found {
        let start = chars.by_ref().find(|(n, _)| n == index).map(|(_, (byte, _))| byte)?;
        let end = start + value.len();
        // A plain number is written as it reads; anything else is left alone.
        if text.get(start..end) != Some(value.as_str()) {
            continue;
        }
        spans.push((start, end));
    }
    (!spans.is_empty()).then(|| rewrite(text, &spans))
}

/// Parses YAML text into a value, keeping numbers beyond the value's range ([`mark_yaml`]).
///
/// The YAML parser gives a number's value, not its text, so the text is only rewritten when the
/// first parse doubts: a number beyond `u64` fails it, and a float that overflowed, underflowed
/// or may be a rounded large integer is noticed by [`Doubting`]. An ordinary document is parsed
/// once.
pub fn parse_yaml(text: &str) -> Result<Value, serde_yaml::Error> {
    if !might_overflow(text) {
        return serde_yaml::from_str(text);
    }
    let doubt = std::cell::Cell::new(false);
    let first = serde::de::DeserializeSeed::deserialize(Doubting(&doubt), serde_yaml::Deserializer::from_str(text));
    if first.is_ok() && !doubt.get() {
        return first;
    }
    match mark_yaml(text) {
        Some(marked_text) => serde_yaml::from_str(&marked_text),
        None => first,
    }
}

/// Builds a [`Value`] as `serde_json` does, noting numbers that may not be what the text says.
struct Doubting<'a>(&'a std::cell::Cell<bool>);

impl<'de> serde::de::DeserializeSeed<'de> for Doubting<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Doubting<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map(Value::from).unwrap_or_else(|_| {
            self.0.set(true);
            Value::Null
        }))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map(Value::from).unwrap_or_else(|_| {
            self.0.set(true);
            Value::Null
        }))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // Infinite or zero: maybe beyond `f64` (`1e400`, `1e-400`); integral and large: maybe
        // an integer beyond `u128` the parser read as a float.
        if !v.is_finite() || v == 0.0 || (v.abs() >= 9.2e18 && v.fract() == 0.0) {
            self.0.set(true);
        }
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element_seed(Doubting(self.0))? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(k) = map.next_key::<String>()? {
            let v = map.next_value_seed(Doubting(self.0))?;
            out.insert(k, v);
        }
        Ok(Value::Object(out))
    }
}

/// Text written from a value (JSON or YAML) with each marked string printed as the bare number
/// it holds.
pub fn unmark_text(text: String) -> String {
    if !text.contains(MARK) && !text.contains("\\uFDD0") {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    loop {
        // The next mark, raw or escaped, with the quote before it if any.
        let raw = rest.find(MARK).map(|i| (i, MARK.len_utf8()));
        let escaped = rest.find("\\uFDD0").map(|i| (i, 6));
        let Some((i, len)) = [raw, escaped].into_iter().flatten().min() else { break };
        let after = &rest[i + len..];
        let lit_len = after.find(|c: char| !matches!(c, '-' | '+' | '.' | 'e' | 'E' | 'x' | 'o' | '0'..='9' | 'a'..='f' | 'A'..='F')).unwrap_or(after.len());
        let lit = &after[..lit_len];
        let quote = rest[..i].chars().next_back().filter(|c| matches!(c, '"' | '\''));
        let closes = quote.is_none_or(|q| after[lit_len..].starts_with(q));
        if literal(lit).is_some() && closes {
            let q = quote.map_or(0, char::len_utf8);
            out.push_str(&rest[..i - q]);
            out.push_str(lit);
            rest = &after[lit_len + q..];
        } else {
            out.push_str(&rest[..i + len]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// A value as compact JSON text, marked numbers bare (for documentation).
pub fn display(v: &Value) -> String {
    unmark_text(v.to_string())
}

/// Schema keywords whose value is a bound on numbers.
const BOUNDS: &[&str] = &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"];

/// Schema keywords whose value is a count.
const COUNTS: &[&str] = &["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "minContains", "maxContains"];

/// Keys whose values are data, not schemas: numbers there stay as they are.
fn is_data(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "const" | "enum") || key.starts_with("x-")
}

/// Makes the document readable by the typed model: each bound or count beyond what its type
/// holds becomes the nearest value it does hold (a bound beyond every value of the type
/// constrains nothing), a `multipleOf` beyond `f64` is dropped, and an integer or number enum
/// with values beyond its type becomes a schema of any JSON value (warned: the generated code
/// cannot hold those values in an integer). Data (defaults, examples, extensions) keeps its
/// marked numbers, which the documentation prints bare.
pub fn fit(doc: &mut Value) -> Diagnostics {
    let mut out = Diagnostics::default();
    // Only marked numbers are fitted, and most documents have none: a walk that allocates
    // nothing says so before the walk that builds a pointer per node.
    if !any_marked(doc, 0) {
        return out;
    }
    let mut at = Vec::new();
    fit_walk(doc, &mut at, &mut out, 0);
    out
}

/// Whether any string in `v` starts with [`MARK`] (within the depth [`fit_walk`] reads: the
/// values of the deepest object it visits are one level further).
fn any_marked(v: &Value, depth: usize) -> bool {
    if depth > crate::resolve::WALK_LIMIT + 1 {
        return false;
    }
    match v {
        Value::String(s) => s.starts_with(MARK),
        Value::Array(items) => items.iter().any(|item| any_marked(item, depth + 1)),
        Value::Object(m) => m.values().any(|child| any_marked(child, depth + 1)),
        _ => false,
    }
}

fn fit_walk(v: &mut Value, at: &mut Vec<String>, out: &mut Diagnostics, depth: usize) {
    if depth > crate::resolve::WALK_LIMIT {
        return;
    }
    match v {
        Value::Object(m) => {
            fit_schema(m, at, out);
            for (k, child) in m.iter_mut() {
                if is_data(k) {
                    continue;
                }
                at.push(k.clone());
                fit_walk(child, at, out, depth + 1);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                at.push(i.to_string());
                fit_walk(item, at, out, depth + 1);
                at.pop();
            }
        }
        _ => {}
    }
}

/// The fitting value for one object's marked keywords.
fn fit_schema(m: &mut Map<String, Value>, at: &[String], out: &mut Diagnostics) {
    let integer = match m.get("type") {
        Some(Value::String(t)) => t == "integer",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer") && !ts.iter().any(|t| t == "number"),
        _ => false,
    };
    let unsigned = m.get("format").and_then(Value::as_str).is_some_and(|f| f.starts_with("uint") || f == "u64");
    for key in BOUNDS.iter().chain(COUNTS).chain(["multipleOf"].iter()) {
        let Some(kind) = m.get(*key).and_then(marked).and_then(literal) else { continue };
        let fitted: Option<Value> = if COUNTS.contains(key) {
            match kind {
                Literal::BigInteger { negative: false } | Literal::BigFloat { negative: false, tiny: false } => Some(Value::from(u64::MAX)),
                _ => Some(Value::from(0)),
            }
        } else if *key == "multipleOf" {
            None
        } else {
            Some(match kind {
                Literal::BigFloat { tiny: true, .. } => Value::from(0),
                Literal::BigInteger { negative } | Literal::BigFloat { negative, .. } if integer => match (negative, unsigned) {
                    (true, true) => Value::from(0),
                    (true, false) => Value::from(i64::MIN),
                    (false, true) => Value::from(u64::MAX),
                    (false, false) => Value::from(i64::MAX),
                },
                Literal::BigInteger { negative } | Literal::BigFloat { negative, .. } => Value::from(if negative { f64::MIN } else { f64::MAX }),
                Literal::Fits => continue,
            })
        };
        match (fitted, *key) {
            (None, _) => {
                m.remove(*key);
            }
            // A 3.1 numeric exclusive bound the normalisation could not compare.
            (Some(n), "exclusiveMinimum" | "exclusiveMaximum") => {
                let bound = if *key == "exclusiveMinimum" { "minimum" } else { "maximum" };
                m.insert(bound.into(), n);
                m.insert((*key).into(), Value::Bool(true));
            }
            (Some(n), _) => {
                m.insert((*key).into(), n);
            }
        }
    }
    let numeric = integer || m.get("type").is_some_and(|t| t == "number" || t.as_array().is_some_and(|ts| ts.iter().any(|t| t == "number")));
    let too_big = m.get("enum").and_then(Value::as_array).and_then(|vs| vs.iter().find_map(marked)).map(str::to_string);
    if let (true, Some(value)) = (numeric, too_big) {
        let kind = if integer { "integer" } else { "number" };
        out.push(
            Diagnostic::warning(format!(
                "enum value {value} is beyond what a generated {} holds; the schema is read as any JSON value",
                if integer { "`i64` or `u64`" } else { "`f64`" }
            ))
            .pointer(pointer_from(at.iter().map(String::as_str).chain(["enum"])))
            .help(format!("to keep a typed {kind}, remove the value with an overlay; or give the values as strings (`type: string`)")),
        );
        for k in ["type", "format", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"] {
            m.remove(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn literals() {
        assert_eq!(literal("9223372036854775807"), Some(Literal::Fits));
        assert_eq!(literal("18446744073709551615"), Some(Literal::Fits));
        assert_eq!(literal("-9223372036854775808"), Some(Literal::Fits));
        assert_eq!(literal("18446744073709551616"), Some(Literal::BigInteger { negative: false }));
        assert_eq!(literal("-9223372036854775809"), Some(Literal::BigInteger { negative: true }));
        assert_eq!(literal("+1e400"), Some(Literal::BigFloat { negative: false, tiny: false }));
        assert_eq!(literal("-1.5E+309"), Some(Literal::BigFloat { negative: true, tiny: false }));
        assert_eq!(literal("1e-400"), Some(Literal::BigFloat { negative: false, tiny: true }));
        assert_eq!(literal("0e-400"), Some(Literal::Fits));
        assert_eq!(literal("1.5e300"), Some(Literal::Fits));
        assert_eq!(literal(".5"), Some(Literal::Fits));
        assert_eq!(literal("0x1FFFFFFFFFFFFFFFF"), Some(Literal::BigInteger { negative: false }));
        for not in ["", "-", "e5", "1e", "1.2.3", "12a", "0x", ".", "1_000", "inf", ".inf"] {
            assert_eq!(literal(not), None, "{not}");
        }
    }

    #[test]
    fn the_scan_finds_long_digit_runs_and_exponents() {
        assert!(!might_overflow("a: 123456789012345678\nb: 1e30\nc: 0x1234"));
        assert!(might_overflow("a: 1234567890123456789"));
        assert!(might_overflow("a: 1E-300"));
        assert!(might_overflow("a: 0xFFFFFFFFFFFFFFFFF"));
    }

    #[test]
    fn json_numbers_beyond_are_marked_outside_strings_only() {
        let text = r#"{"a": 123456789012345678901, "b": "123456789012345678901", "c\"": [-1e400, 1.0, 12], "d": 1e-999}"#;
        let marked_text = mark_json(text).unwrap();
        let v: Value = serde_json::from_str(&marked_text).unwrap();
        assert_eq!(marked(&v["a"]), Some("123456789012345678901"));
        assert_eq!(v["b"], "123456789012345678901");
        assert_eq!(marked(&v["c\""][0]), Some("-1e400"));
        assert_eq!(v["c\""][1], 1.0);
        assert_eq!(marked(&v["d"]), Some("1e-999"));
        assert_eq!(mark_json(r#"{"a": "123456789012345678901234"}"#), None);
    }

    #[test]
    fn yaml_plain_values_beyond_are_marked_keys_and_quoted_ones_not() {
        let text = "a: 123456789012345678901\n'b': '123456789012345678901'\n123456789012345678901: x\nc: [1, -1e400, {d: 99999999999999999999}]\ne: !!str 99999999999999999999\nf: |\n  99999999999999999999\nü: 99999999999999999999 # comment\n";
        let marked_text = mark_yaml(text).unwrap();
        let v: Value = serde_yaml::from_str(&marked_text).unwrap();
        assert_eq!(marked(&v["a"]), Some("123456789012345678901"));
        assert_eq!(v["b"], "123456789012345678901");
        assert_eq!(v["123456789012345678901"], "x");
        assert_eq!(marked(&v["c"][1]), Some("-1e400"));
        assert_eq!(marked(&v["c"][2]["d"]), Some("99999999999999999999"));
        assert_eq!(v["e"], "99999999999999999999");
        assert_eq!(v["f"], "99999999999999999999\n");
        assert_eq!(marked(&v["ü"]), Some("99999999999999999999"));
    }

    #[test]
    fn writers_print_marked_numbers_bare() {
        let v = json!({"a": format!("{MARK}123456789012345678901"), "b": [format!("{MARK}-1e400")], "c": "\u{FDD0}x"});
        let json_text = unmark_text(serde_json::to_string_pretty(&v).unwrap());
        assert!(json_text.contains("\"a\": 123456789012345678901"), "{json_text}");
        assert!(json_text.contains("-1e400\n"), "{json_text}");
        assert!(json_text.contains("\"\u{FDD0}x\""), "not a number: kept as it is");
        let yaml_text = unmark_text(crate::load::to_yaml_string(&v).unwrap());
        assert!(yaml_text.contains("a: 123456789012345678901\n"), "{yaml_text}");
        assert!(yaml_text.contains("- -1e400\n"), "{yaml_text}");
        // And they read back as the same marked values.
        assert_eq!(crate::load::parse_text(&yaml_text, crate::load::Format::Yaml).unwrap(), v);
        assert_eq!(crate::load::parse_text(&json_text, crate::load::Format::Json).unwrap(), v);
    }

    #[test]
    fn bounds_fit_their_type_and_big_enums_become_any() {
        let m = |s: &str| Value::String(format!("{MARK}{s}"));
        let mut doc = json!({"components": {"schemas": {
            "I": {"type": "integer", "minimum": m("-99999999999999999999"), "maximum": m("99999999999999999999"), "default": m("99999999999999999999")},
            "U": {"type": "integer", "format": "uint64", "maximum": m("1e400"), "minimum": m("-1e400")},
            "N": {"type": "number", "maximum": m("1e400"), "exclusiveMinimum": m("-1e400"), "multipleOf": m("1e-400"), "maxLength": m("1e400")},
            "E": {"type": "integer", "enum": [1, m("99999999999999999999")], "example": m("99999999999999999999")},
        }}});
        let warnings = fit(&mut doc);
        let s = &doc["components"]["schemas"];
        assert_eq!(s["I"], json!({"type": "integer", "minimum": i64::MIN, "maximum": i64::MAX, "default": m("99999999999999999999")}));
        assert_eq!(s["U"], json!({"type": "integer", "format": "uint64", "maximum": u64::MAX, "minimum": 0}));
        assert_eq!(s["N"], json!({"type": "number", "maximum": f64::MAX, "minimum": f64::MIN, "exclusiveMinimum": true, "maxLength": u64::MAX}));
        assert_eq!(s["E"], json!({"example": m("99999999999999999999")}));
        let w: Vec<_> = warnings.iter().map(|d| (d.message.as_str(), d.pointer.as_deref())).collect();
        assert_eq!(
            w,
            [("enum value 99999999999999999999 is beyond what a generated `i64` or `u64` holds; the schema is read as any JSON value", Some("#/components/schemas/E/enum"))]
        );
    }
}
