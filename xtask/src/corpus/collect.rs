//! Finding the documents of a corpus and naming their crates.

use serde::de::IgnoredAny;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One OpenAPI document of the corpus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// Where it is.
    pub path: PathBuf,
    /// The path shown in the report: relative to the folder it was found under
    /// (`apisguru/stripe.com.json`), or as given for a file argument.
    pub display: String,
    /// The crate name and folder name of its generated crate (`apisguru-stripe-com`).
    pub slug: String,
}

/// What [`collect`] found.
#[derive(Debug, Default)]
pub struct Found {
    /// The OpenAPI documents, sorted by their displayed path, each with a unique slug.
    pub documents: Vec<Document>,
    /// Files with a matching extension that are not OpenAPI documents (displayed paths).
    pub not_openapi: Vec<String>,
}

const EXTENSIONS: [&str; 3] = ["json", "yaml", "yml"];

/// Every `*.json`, `*.yaml`, `*.yml` file under `paths` (files or folders, recursively) whose
/// path contains `filter`, split into OpenAPI documents and other files.
pub fn collect(paths: &[PathBuf], filter: Option<&str>) -> Result<Found, String> {
    // displayed path → full path; a BTreeMap sorts and drops a file given twice.
    let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    for root in paths {
        let mut found = Vec::new();
        if root.is_dir() {
            walk(root, &mut found)?;
        } else {
            found.push(root.clone());
        }
        for path in found {
            let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if !seen.insert(canonical) {
                continue;
            }
            let display = if root.is_dir() {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
            } else {
                path.display().to_string()
            };
            if filter.is_some_and(|f| !display.contains(f) && !path.to_string_lossy().contains(f)) {
                continue;
            }
            let mut key = display.clone();
            let mut n = 2;
            while files.contains_key(&key) {
                key = format!("{display} ({n})");
                n += 1;
            }
            files.insert(key, path);
        }
    }

    let mut out = Found::default();
    let mut slugs = BTreeSet::new();
    for (display, path) in files {
        if !looks_like_openapi(&path) {
            out.not_openapi.push(display);
            continue;
        }
        let base = slug(&display);
        let mut unique = base.clone();
        let mut n = 2;
        while !slugs.insert(unique.clone()) {
            unique = format!("{base}-{n}");
            n += 1;
        }
        out.documents.push(Document { path, display, slug: unique });
    }
    Ok(out)
}

/// Adds every file with a corpus extension under `dir` to `out`.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        if kind.is_dir() {
            walk(&path, out)?;
        } else if path.is_file() && has_corpus_extension(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn has_corpus_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Whether the file has a top-level `openapi` or `swagger` key. A file that cannot be read or
/// parsed counts as a document, so that the generator reports what is wrong with it.
pub fn looks_like_openapi(path: &Path) -> bool {
    match std::fs::read_to_string(path) {
        Ok(text) => text_looks_like_openapi(&text),
        Err(_) => true,
    }
}

/// [`looks_like_openapi`] on the text of a file.
pub fn text_looks_like_openapi(text: &str) -> bool {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('{') {
        // JSON (also JSON written in a `.yaml` file): read only the top-level keys.
        return match serde_json::from_str::<BTreeMap<String, IgnoredAny>>(text) {
            Ok(keys) => keys.contains_key("openapi") || keys.contains_key("swagger"),
            Err(_) => true,
        };
    }
    text.lines().any(|line| {
        ["openapi", "swagger"].iter().any(|key| {
            [format!("{key}:"), format!("\"{key}\":"), format!("'{key}':")].iter().any(|p| line.starts_with(p.as_str()))
        })
    })
}

/// Words Cargo refuses, or that would shadow a standard crate, as a crate name.
const RESERVED: [&str; 8] = ["std", "core", "alloc", "proc_macro", "proc-macro", "test", "self", "crate"];

/// A Cargo package name from a displayed path: lowercase ASCII letters, digits and `-`, starting
/// with a letter, without the file extension (`apisguru/stripe.com.json` → `apisguru-stripe-com`).
pub fn slug(display: &str) -> String {
    let stem = match display.rsplit_once('.') {
        Some((stem, ext)) if EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(ext)) => stem,
        _ => display,
    };
    let mut out = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) || RESERVED.contains(&out.as_str()) {
        out = if out.is_empty() { "spec".to_string() } else { format!("spec-{out}") };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_cargo_names() {
        assert_eq!(slug("apisguru/stripe.com.json"), "apisguru-stripe-com");
        assert_eq!(slug("apisguru/azure.com/sql-serverOperations.json"), "apisguru-azure-com-sql-serveroperations");
        assert_eq!(slug("speakeasy/clerk-bapi-2026-05-12.yml"), "speakeasy-clerk-bapi-2026-05-12");
        assert_eq!(slug("1forge.com.json"), "spec-1forge-com");
        assert_eq!(slug("__weird__ name!.yaml"), "weird-name");
        assert_eq!(slug("test.yaml"), "spec-test");
        assert_eq!(slug("é.json"), "spec");
    }

    #[test]
    fn openapi_documents_are_told_from_other_files() {
        assert!(text_looks_like_openapi("openapi: 3.0.3\ninfo: {}\n"));
        assert!(text_looks_like_openapi("# comment\nswagger: '2.0'\n"));
        assert!(text_looks_like_openapi("{\"info\": {}, \"openapi\": \"3.0.0\"}"));
        assert!(!text_looks_like_openapi("overlay: 1.0.0\nactions: []\n"));
        assert!(!text_looks_like_openapi("{\"$schema\": \"x\", \"properties\": {\"openapi\": {}}}"));
        assert!(!text_looks_like_openapi("info:\n  openapi: 3.0.0\n"));
        // Unparsable JSON goes to the generator, which says what is wrong.
        assert!(text_looks_like_openapi("{ nope"));
    }

    #[test]
    fn collects_recursively_sorted_filtered_and_with_unique_slugs() {
        let dir = std::env::temp_dir().join(format!("xtask-collect-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let write = |rel: &str, text: &str| {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().expect("has a parent")).expect("create folder");
            std::fs::write(p, text).expect("write file");
        };
        write("b/x.yaml", "openapi: 3.0.0\n");
        write("b/x.json", "{\"openapi\": \"3.0.0\"}");
        write("a.yml", "openapi: 3.0.0\n");
        write("b/overlay.yaml", "overlay: 1.0.0\n");
        write("notes.md", "openapi: 3.0.0\n");
        let found = collect(std::slice::from_ref(&dir), None).expect("collects");
        let got: Vec<(&str, &str)> = found.documents.iter().map(|d| (d.display.as_str(), d.slug.as_str())).collect();
        assert_eq!(got, [("a.yml", "a"), ("b/x.json", "b-x"), ("b/x.yaml", "b-x-2")]);
        assert_eq!(found.not_openapi, ["b/overlay.yaml"]);
        let filtered = collect(std::slice::from_ref(&dir), Some("b/x.y")).expect("collects");
        assert_eq!(filtered.documents.len(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
