//! Diagnostics: every problem the generator reports, with where it is.
//!
//! A [`Diagnostic`] names the file, the line and column where the loader can tell them, and the
//! JSON pointer into the document (`#/paths/~1pos~1auth~1logout/post`). Every stage returns its
//! problems as diagnostics instead of failing on the first one, so a maintainer sees them all in
//! one run.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Generation cannot go on: nothing is written and the process exits with code 2.
    Error,
    /// Something was skipped or replaced; the output is still produced.
    Warning,
}

/// A line and column, both starting at 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LineCol {
    /// Line number, from 1.
    pub line: usize,
    /// Column number in characters, from 1.
    pub column: usize,
}

/// One problem found in the input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The file the problem is in, when it is in a file.
    pub file: Option<PathBuf>,
    /// Line and column in `file`, where the parser knows them.
    pub location: Option<LineCol>,
    /// JSON pointer into the document (`#/paths/...`), when the problem is at a node.
    pub pointer: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
    /// For a warning of the reading policy (`docs/reading.md`): the rule's name. The document
    /// breaks the specification in a way with one safe reading, which was applied; `--strict`
    /// makes it an error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
}

impl Diagnostic {
    /// An error with a message and nothing else yet.
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            file: None,
            location: None,
            pointer: None,
            help: None,
            rule: None,
        }
    }

    /// A warning with a message and nothing else yet.
    pub fn warning(message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(message) }
    }

    /// Sets the file.
    pub fn in_file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    /// Sets the line and column.
    pub fn at(mut self, location: Option<LineCol>) -> Self {
        self.location = location;
        self
    }

    /// Sets the JSON pointer (`#/...`).
    pub fn pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    /// Sets the advice on what to do.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// A warning of the reading policy: the document breaks the specification, and `rule`
    /// (named in `docs/reading.md`) says how it was read.
    pub fn reading(rule: &'static str, message: impl Into<String>) -> Self {
        Self { rule: Some(rule), ..Self::warning(message) }
    }

    /// Whether this is an error (as opposed to a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sort key: errors first, then by file, location and pointer, so output is stable.
    fn sort_key(&self) -> impl Ord + '_ {
        (self.severity, &self.file, self.location, &self.pointer, &self.message)
    }
}

impl fmt::Display for Diagnostic {
    /// Plain rendering: `error: file:line:col: message` then indented `at`/`help` lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{severity}: ")?;
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some(loc) = self.location {
                write!(f, ":{}:{}", loc.line, loc.column)?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(rule) = self.rule {
            write!(f, " [{rule}]")?;
        }
        if let Some(pointer) = &self.pointer {
            write!(f, "\n  at: {pointer}")?;
        }
        if let Some(help) = &self.help {
            for (i, line) in help.lines().enumerate() {
                let lead = if i == 0 { "help: " } else { "      " };
                write!(f, "\n  {lead}{line}")?;
            }
        }
        Ok(())
    }
}

/// Every diagnostic of one run, errors and warnings together.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Adds all of another set.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// How many errors there are.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// All of them, sorted (errors first, then by place) and without repeats.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut all: Vec<&Diagnostic> = self.0.iter().collect();
        all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        all.dedup();
        all
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Mutable access, for stages that add locations.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Diagnostic> {
        self.0.iter_mut()
    }

    /// Turns every warning into an error (`--deny-warnings`).
    pub fn deny_warnings(&mut self) {
        for d in &mut self.0 {
            d.severity = Severity::Error;
        }
    }

    /// Turns the reading policy's warnings into errors (`--strict`).
    pub fn deny_reading_rules(&mut self) {
        for d in self.0.iter_mut().filter(|d| d.rule.is_some()) {
            d.severity = Severity::Error;
        }
    }

    /// One JSON object per line (`--message-format json`), sorted like the plain rendering.
    pub fn to_json_lines(&self) -> String {
        self.sorted().iter().filter_map(|d| serde_json::to_string(d).ok()).map(|l| l + "\n").collect()
    }

    /// Iterates in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Self(vec![d])
    }
}

/// How many diagnostics the human renderings show (errors first): a document with thousands of
/// problems would bury the first ones. `--message-format json` prints them all.
pub const SHOWN: usize = 100;

/// The line after the shown diagnostics when some are not shown.
fn not_shown(count: usize) -> Option<String> {
    let hidden = count.saturating_sub(SHOWN);
    (hidden > 0).then(|| format!("... and {hidden} more not shown (`--message-format json` prints every one)"))
}

impl fmt::Display for Diagnostics {
    /// Renders the diagnostics, sorted, at most [`SHOWN`] of them, then a count line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sorted = self.sorted();
        for d in sorted.iter().take(SHOWN) {
            writeln!(f, "{d}")?;
        }
        if let Some(line) = not_shown(sorted.len()) {
            writeln!(f, "{line}")?;
        }
        let errors = sorted.iter().filter(|d| d.is_error()).count();
        let warnings = sorted.len() - errors;
        if errors > 0 {
            write!(f, "{errors} error{}", if errors == 1 { "" } else { "s" })?;
            if warnings > 0 {
                write!(f, " and {warnings} warning{}", if warnings == 1 { "" } else { "s" })?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// Renders diagnostics with the source line they point at (for terminals), using
/// `annotate-snippets`. Files are read once each; a diagnostic without a readable location is
/// rendered without a snippet. `styled` adds colours.
pub fn render_with_snippets(diags: &Diagnostics, styled: bool) -> String {
    use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
    let mut texts: std::collections::BTreeMap<PathBuf, Option<String>> = std::collections::BTreeMap::new();
    let renderer = if styled { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    let sorted = diags.sorted();
    for d in sorted.iter().take(SHOWN) {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let text = d.file.as_ref().and_then(|f| texts.entry(f.clone()).or_insert_with(|| std::fs::read_to_string(f).ok()).clone());
        let message = match d.rule {
            Some(rule) => format!("{} [{rule}]", d.message),
            None => d.message.clone(),
        };
        let title = level.primary_title(message.as_str());
        let line_text: String;
        let path: String;
        let group = match (&text, d.location, &d.file) {
            (Some(text), Some(loc), Some(file)) if text.lines().nth(loc.line.saturating_sub(1)).is_some() => {
                line_text = text.lines().nth(loc.line.saturating_sub(1)).unwrap_or_default().to_string();
                path = file.display().to_string();
                let start = line_text.char_indices().nth(loc.column.saturating_sub(1)).map_or(line_text.len(), |(i, _)| i);
                let rest = &line_text[start..];
                let len = rest.find(|c: char| c.is_whitespace() || c == ':' || c == ',').unwrap_or(rest.len()).max(1);
                let end = (start + len).min(line_text.len()).max(start);
                let label = d.pointer.as_deref().unwrap_or("");
                title.element(
                    Snippet::source(line_text.as_str())
                        .line_start(loc.line)
                        .path(path.as_str())
                        .annotation(AnnotationKind::Primary.span(start..end).label(label)),
                )
            }
            (_, _, Some(file)) => {
                path = file.display().to_string();
                title.element(annotate_snippets::Origin::path(path.as_str()))
            }
            _ => Group::with_title(title),
        };
        let mut report = vec![group];
        if let Some(help) = &d.help {
            report.push(Group::with_title(Level::HELP.secondary_title(help.as_str())));
        }
        out.push_str(&renderer.render(&report));
        out.push('\n');
    }
    if let Some(line) = not_shown(sorted.len()) {
        out.push_str(&line);
        out.push('\n');
    }
    let errors = sorted.iter().filter(|d| d.is_error()).count();
    let warnings = sorted.len() - errors;
    if errors > 0 {
        out.push_str(&format!("{errors} error{}", if errors == 1 { "" } else { "s" }));
        if warnings > 0 {
            out.push_str(&format!(" and {warnings} warning{}", if warnings == 1 { "" } else { "s" }));
        }
        out.push('\n');
    }
    out
}

/// `#/a/b`, `#/a`: the pointer and each of its ancestors, nearest first (the root only for `#`
/// itself: line 1 says nothing).
pub fn pointer_ancestors(pointer: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(pointer), |p| p.rfind('/').map(|i| &p[..i]).filter(|a| *a != "#"))
}

/// Escapes one JSON pointer segment (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Builds a `#/a/b` pointer from raw (unescaped) segments.
pub fn pointer_from<I, S>(segments: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::from("#");
    for s in segments {
        out.push('/');
        out.push_str(&escape_pointer_segment(s.as_ref()));
    }
    out
}

/// Splits a `#/a/b` (or `/a/b`) pointer into raw segments.
pub fn pointer_segments(pointer: &str) -> Vec<String> {
    let p = pointer.strip_prefix('#').unwrap_or(pointer);
    if p.is_empty() {
        return Vec::new();
    }
    p.trim_start_matches('/')
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_round_trip() {
        let p = pointer_from(["paths", "/pos/auth/logout", "post"]);
        assert_eq!(p, "#/paths/~1pos~1auth~1logout/post");
        assert_eq!(pointer_segments(&p), ["paths", "/pos/auth/logout", "post"]);
        assert_eq!(pointer_segments("#/a~0b"), ["a~b"]);
        assert!(pointer_segments("#").is_empty());
    }

    #[test]
    fn renders_file_location_pointer_and_help() {
        let d = Diagnostic::error("something is wrong")
            .in_file("spec/x.yaml")
            .at(Some(LineCol { line: 3, column: 5 }))
            .pointer("#/paths")
            .help("fix it\nlike this");
        assert_eq!(
            d.to_string(),
            "error: spec/x.yaml:3:5: something is wrong\n  at: #/paths\n  help: fix it\n        like this"
        );
    }

    #[test]
    fn snippets_show_the_line_and_the_pointer() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yaml");
        std::fs::write(&file, "openapi: 3.0.3\npaths:\n  /a:\n    get: {}\n").unwrap();
        let mut ds = Diagnostics::default();
        ds.push(Diagnostic::error("something is wrong").in_file(&file).at(Some(LineCol { line: 4, column: 5 })).pointer("#/paths/~1a/get").help("fix it"));
        let shown = render_with_snippets(&ds, false);
        assert!(shown.starts_with("error: something is wrong\n"), "{shown}");
        assert!(shown.contains(&format!("{}:4:5", file.display())), "{shown}");
        assert!(shown.contains("4 |     get: {}"), "{shown}");
        assert!(shown.contains("^^^ #/paths/~1a/get"), "{shown}");
        assert!(shown.contains("help: fix it"), "{shown}");
        assert!(shown.ends_with("1 error\n"), "{shown}");
    }

    #[test]
    fn json_lines_and_denied_warnings() {
        let mut ds = Diagnostics::default();
        ds.push(Diagnostic::warning("w").in_file("a.yaml").at(Some(LineCol { line: 2, column: 3 })).pointer("#/x"));
        assert_eq!(
            ds.to_json_lines(),
            "{\"severity\":\"warning\",\"message\":\"w\",\"file\":\"a.yaml\",\"location\":{\"line\":2,\"column\":3},\"pointer\":\"#/x\",\"help\":null}\n"
        );
        assert!(!ds.has_errors());
        ds.deny_warnings();
        assert!(ds.has_errors());
    }

    #[test]
    fn at_most_shown_are_rendered_and_all_are_counted() {
        let mut ds = Diagnostics::default();
        for i in 0..SHOWN + 5 {
            ds.push(Diagnostic::warning(format!("w{i:03}")));
        }
        ds.push(Diagnostic::error("e"));
        for text in [ds.to_string(), render_with_snippets(&ds, false)] {
            assert!(text.starts_with("error: e"), "errors first: {text}");
            assert!(text.contains("w098") && !text.contains("w099"), "the first {SHOWN} only");
            assert!(text.ends_with("... and 6 more not shown (`--message-format json` prints every one)\n1 error and 105 warnings\n"), "{text}");
        }
        assert_eq!(ds.to_json_lines().lines().count(), SHOWN + 6, "JSON has every one");
    }

    #[test]
    fn sorted_puts_errors_first_and_counts() {
        let mut ds = Diagnostics::default();
        ds.push(Diagnostic::warning("w"));
        ds.push(Diagnostic::error("e"));
        let s = ds.to_string();
        assert_eq!(s, "error: e\nwarning: w\n1 error and 1 warning\n");
    }
}
