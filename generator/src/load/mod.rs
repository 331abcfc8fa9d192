//! Loading: reading YAML or JSON files into a [`serde_json::Value`], with the source kept for
//! locating problems later.
//!
//! Parsing goes through `serde_json` for JSON and `serde_yaml` for YAML. `serde_yaml` is no longer
//! maintained upstream, so it is used only in [`parse_text`]: swapping it for another YAML reader
//! touches this module alone. Line and column numbers for a JSON pointer are computed lazily by
//! [`source_map::locate`] when a diagnostic needs them, so the common case (a valid document) pays
//! nothing for them.

pub mod external;
pub mod numbers;
pub mod source_map;

use crate::diagnostics::{Diagnostic, LineCol};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The text format of an input file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JSON text.
    Json,
    /// YAML text (JSON is valid YAML too, but JSON files are read as JSON).
    Yaml,
}

/// One input file: its path, text and parsed value.
#[derive(Clone, Debug)]
pub struct Source {
    /// The path as given by the user (relative paths stay relative, so messages stay short).
    pub path: PathBuf,
    /// The whole text.
    pub text: String,
    /// How it was parsed.
    pub format: Format,
    /// The parsed document.
    pub value: Value,
    /// Whether the file started with a byte-order mark (removed from `text`).
    pub bom: bool,
}

impl Source {
    /// Line and column of the node at `pointer` (`#/a/b`), if it is in this file.
    pub fn locate(&self, pointer: &str) -> Option<LineCol> {
        source_map::locate(&self.text, &[pointer]).remove(pointer)
    }
}

/// Whether a reference (or `extends`) names a URL (`https://...`, `//host/...`, `file:...`)
/// rather than a path. A single letter before `:` is a Windows drive, not a scheme.
pub fn is_url(reference: &str) -> bool {
    if reference.starts_with("//") {
        return true;
    }
    match reference.split_once(':') {
        Some((scheme, _)) => {
            scheme.len() > 1
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Reads and parses a file.
pub fn load_file(path: &Path) -> Result<Source, Diagnostic> {
    let (text, format, bom) = read_text(path)?;
    let mut source = parse_source(path, text, format)?;
    source.bom = bom;
    Ok(source)
}

/// The reading policy's warning for a file that starts with a byte-order mark (`docs/reading.md`,
/// rule `byte-order-mark`): JSON forbids one (RFC 8259 §8.1) and YAML streams may only start with
/// one; it is removed before parsing, so it changes nothing.
pub fn bom_warning(path: &Path) -> Diagnostic {
    Diagnostic::reading("byte-order-mark", "the file starts with a byte-order mark (U+FEFF); it is ignored")
        .in_file(path)
        .at(Some(LineCol { line: 1, column: 1 }))
        .help("save the file as UTF-8 without a byte-order mark")
}

/// The largest document read (the largest public ones are tens of megabytes): a guard against
/// a path to an endless device such as `/dev/zero`.
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// Reads a file as text and tells its format and whether it started with a byte-order mark,
/// which is removed (the first half of [`load_file`]).
pub fn read_text(path: &Path) -> Result<(String, Format, bool), Diagnostic> {
    use std::io::Read;
    let cannot = |e: std::io::Error| {
        let what = match e.kind() {
            std::io::ErrorKind::NotFound => "file not found".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ if path.is_dir() => "is a folder, not a file".to_string(),
            _ => e.to_string(),
        };
        Diagnostic::error(format!("cannot read the file: {what}")).in_file(path)
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    // Sized up front when the length is known (a regular file): growing by doubling would hold
    // two copies of a large document at once.
    let known = file.metadata().ok().filter(|m| m.is_file()).map_or(0, |m| m.len().min(MAX_FILE_BYTES + 1));
    let mut bytes = Vec::with_capacity(usize::try_from(known).unwrap_or(0) + 1);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Diagnostic::error(format!("the file is larger than {} MiB", MAX_FILE_BYTES >> 20)).in_file(path));
    }
    let bom = bytes.starts_with("\u{feff}".as_bytes());
    if bom {
        bytes.drain(..3);
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let at = line_col_of_offset(&String::from_utf8_lossy(good), good.len());
        Diagnostic::error("the file is not valid UTF-8 text")
            .in_file(path)
            .at(Some(at))
            .help("OpenAPI documents must be UTF-8 encoded YAML or JSON")
    })?;
    let format = detect_format(path, &text);
    Ok((text, format, bom))
}

/// Parses text read by [`read_text`] into a [`Source`] (the second half of [`load_file`]).
pub fn parse_source(path: &Path, text: String, format: Format) -> Result<Source, Diagnostic> {
    let value = parse_text(&text, format).map_err(|(msg, at)| {
        Diagnostic::error(format!("invalid {}: {msg}", format_name(format)))
            .in_file(path)
            .at(at)
    })?;
    Ok(Source { path: path.to_path_buf(), text, format, value, bom: false })
}

/// Picks the format from the extension, or from the first character when the extension says
/// nothing.
pub fn detect_format(path: &Path, text: &str) -> Format {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("json") => Format::Json,
        Some("yaml" | "yml") => Format::Yaml,
        _ if text.trim_start().starts_with('{') => Format::Json,
        _ => Format::Yaml,
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Json => "JSON",
        Format::Yaml => "YAML",
    }
}

/// Parses text into a value; on failure, the parser's message and location.
pub fn parse_text(text: &str, format: Format) -> Result<Value, (String, Option<LineCol>)> {
    if text.trim().is_empty() {
        return Err(("the file is empty".to_string(), None));
    }
    match format {
        Format::Json => match numbers::mark_json(text) {
            Some(marked) => serde_json::from_str(&marked),
            None => serde_json::from_str(text),
        }
        .map_err(|e| {
            let at = (e.line() > 0).then_some(LineCol { line: e.line(), column: e.column().max(1) });
            (strip_location_suffix(&e.to_string()), at)
        }),
        Format::Yaml => {
            if let Some(at) = deep_flow_nesting(text) {
                return Err((format!("brackets nest more than {MAX_FLOW_DEPTH} levels deep"), Some(at)));
            }
            numbers::parse_yaml(text).map_err(|e| {
                let at = e.location().map(|l| LineCol { line: l.line(), column: l.column() });
                let message = strip_location_suffix(&e.to_string());
                // The parser gives no place for this one: say what it means.
                let message = if message == "repetition limit exceeded" {
                    "its aliases (`*name`) expand to too many nodes (repetition limit exceeded)".to_string()
                } else {
                    message
                };
                (message, at)
            })
        }
    }
}

/// Flow nesting (`[`, `{`) allowed before parsing. The YAML parser takes time quadratic in the
/// nesting depth before its own depth limit (128) trips, so a hostile `[[[[...` of 100,000
/// levels would take tens of seconds; this linear scan refuses it first. Brackets inside strings
/// are counted too, which can only over-count: no real document comes near the bound.
const MAX_FLOW_DEPTH: usize = 1000;

/// Where flow nesting first exceeds [`MAX_FLOW_DEPTH`], if it does.
fn deep_flow_nesting(text: &str) -> Option<LineCol> {
    let mut depth = 0usize;
    for (offset, b) in text.bytes().enumerate() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(line_col_of_offset(text, offset));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Parser messages carry "at line 3 column 5" (at the end, or before ", while parsing ... at
/// line 2 column 1"); the diagnostic prints that first location itself, so it is cut. A later
/// one says where the enclosing construct started, which is worth keeping.
fn strip_location_suffix(msg: &str) -> String {
    let Some(start) = msg.find(" at line ") else { return msg.to_string() };
    let rest = &msg[start + " at line ".len()..];
    let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let line_len = digits(rest);
    let Some(after_line) = rest[line_len..].strip_prefix(" column ") else { return msg.to_string() };
    let end = start + " at line ".len() + line_len + " column ".len() + digits(after_line);
    format!("{}{}", &msg[..start], &msg[end..])
}

/// Serialises a value as YAML (for `inspect` and `overlay apply`). Kept here so the YAML library
/// is used in this module only.
pub fn to_yaml_string<T: serde::Serialize>(value: &T) -> Result<String, String> {
    // Through a JSON value: serde_yaml cannot write nested enums (`Vec(Named(..))`) directly.
    let json = serde_json::to_value(value).map_err(|e| e.to_string())?;
    serde_yaml::to_string(&json).map(numbers::unmark_text).map_err(|e| e.to_string())
}

/// Serialises a value as pretty JSON with a final newline, numbers kept as text by the loader
/// printed bare ([`numbers`]).
pub fn to_json_string_pretty<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string_pretty(value).map(|s| numbers::unmark_text(s + "\n")).map_err(|e| e.to_string())
}

/// The 1-based line and column of a byte offset in `text`.
pub fn line_col_of_offset(text: &str, offset: usize) -> LineCol {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    LineCol { line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_yaml_errors_have_locations() {
        let (msg, at) = parse_text("{\n  \"a\": ,\n}", Format::Json).unwrap_err();
        assert_eq!(msg, "expected value");
        assert_eq!(at, Some(LineCol { line: 2, column: 8 }));
        let (msg, at) = parse_text("a: [1, 2\nb: 3\n", Format::Yaml).unwrap_err();
        assert_eq!(msg, "did not find expected ',' or ']', while parsing a flow sequence at line 1 column 4");
        assert_eq!(at.map(|l| l.line), Some(2));
    }

    #[test]
    fn hostile_yaml_nesting_is_refused_quickly() {
        let text = format!("openapi: 3.0.3\nx: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let started = std::time::Instant::now();
        let (msg, at) = parse_text(&text, Format::Yaml).unwrap_err();
        assert_eq!(msg, "brackets nest more than 1000 levels deep");
        assert_eq!(at, Some(LineCol { line: 2, column: 1004 }));
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "took {:?}", started.elapsed());
        let (msg, _) = parse_text(&format!("x: {}{}", "[".repeat(200), "]".repeat(200)), Format::Yaml).unwrap_err();
        assert_eq!(msg, "recursion limit exceeded", "the parser's own limit applies below the pre-check's");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 9].join(", ")));
        }
        assert_eq!(parse_text(&text, Format::Yaml).unwrap_err().0, "its aliases (`*name`) expand to too many nodes (repetition limit exceeded)");
    }

    #[test]
    fn empty_text_is_an_error() {
        assert_eq!(parse_text("  \n", Format::Yaml).unwrap_err().0, "the file is empty");
    }

    #[test]
    fn format_from_extension_or_content() {
        assert_eq!(detect_format(Path::new("a.JSON"), ""), Format::Json);
        assert_eq!(detect_format(Path::new("a.yml"), "{}"), Format::Yaml);
        assert_eq!(detect_format(Path::new("a"), " {\"a\":1}"), Format::Json);
        assert_eq!(detect_format(Path::new("a"), "a: 1"), Format::Yaml);
    }

    #[test]
    fn offsets_to_line_col() {
        assert_eq!(line_col_of_offset("ab\ncd", 4), LineCol { line: 2, column: 2 });
        assert_eq!(line_col_of_offset("", 0), LineCol { line: 1, column: 1 });
    }
}
