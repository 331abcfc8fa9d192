//! The resumable record of `xtask guru --compile`: one JSON object per line per document, appended
//! as each document is done, so an interrupted run continues where it stopped. The last line of
//! a document wins.
//!
//! A document is done (not generated again) when its record was made from the same input (the
//! same sdkforge binary and the same document bytes) by the same checker (clippy or check, and
//! the same toolchain). When sdkforge changed, the document is generated again, and its crate is
//! still not checked again when the generated files are the same as the recorded ones.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// How one document ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Generated and checked without a single warning or lint.
    Clean,
    /// Generated and compiled; warnings or lints.
    Warnings,
    /// Generated; does not compile (or cargo could not load it).
    Failed,
    /// Generated; the crate was over the size limit and was not checked.
    TooLarge,
    /// Generated; cargo was killed at the batch time limit before it was done with this crate.
    CheckTimeout,
    /// The generator refused the document with a diagnostic.
    Refused,
    /// The generator panicked or crashed.
    Panic,
    /// The generator ran out of time.
    GenTimeout,
}

impl Status {
    /// Whether the crate was checked (a result that the same generated files would give again).
    pub fn is_check_result(self) -> bool {
        matches!(self, Status::Clean | Status::Warnings | Status::Failed)
    }

    /// Whether only the generation is recorded (nothing to check).
    pub fn is_generation_failure(self) -> bool {
        matches!(self, Status::Refused | Status::Panic | Status::GenTimeout)
    }
}

/// What is recorded for one document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The document's path relative to the collection's `api` folder.
    pub document: String,
    /// Hash of the sdkforge binary and the document's bytes.
    pub input: String,
    /// How the crate was checked (`clippy -D warnings` or `check`, with the toolchain).
    pub checker: String,
    pub status: Status,
    /// The name of its crate (`guru-` and the document's path).
    #[serde(default)]
    pub crate_name: Option<String>,
    /// Hash of the generated crate's files, when one was generated.
    #[serde(default)]
    pub crate_hash: Option<String>,
    /// Size of the generated crate's files in bytes.
    #[serde(default)]
    pub crate_bytes: Option<u64>,
    /// Seconds `sdkforge generate` took.
    pub gen_seconds: f64,
    /// Seconds the compiler spent on the crate (cargo's timings), when checked.
    #[serde(default)]
    pub check_seconds: Option<f64>,
    /// Hard compile errors.
    #[serde(default)]
    pub errors: usize,
    /// Warnings and lints.
    #[serde(default)]
    pub warnings: usize,
    /// The first hard error (or the generator's diagnostic, panic, or cargo's failure), one line.
    #[serde(default)]
    pub first_error: Option<String>,
    /// The first warning or lint, one line.
    #[serde(default)]
    pub first_warning: Option<String>,
}

/// The records read from the file, and the file to append to.
pub struct Records {
    path: PathBuf,
    by_document: HashMap<String, Record>,
}

impl Records {
    /// Reads `path` (missing means empty; unreadable lines, such as one cut by an interruption,
    /// are skipped). With `fresh`, the file is removed first.
    pub fn open(path: &Path, fresh: bool) -> Result<Records, String> {
        if fresh && path.exists() {
            std::fs::remove_file(path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
        let mut by_document = HashMap::new();
        if let Ok(file) = std::fs::File::open(path) {
            for line in BufReader::new(file).lines().map_while(Result::ok) {
                if let Ok(record) = serde_json::from_str::<Record>(&line) {
                    by_document.insert(record.document.clone(), record);
                }
            }
        }
        Ok(Records { path: path.to_path_buf(), by_document })
    }

    pub fn len(&self) -> usize {
        self.by_document.len()
    }

    pub fn get(&self, document: &str) -> Option<&Record> {
        self.by_document.get(document)
    }

    /// Appends `record` to the file (flushed at once) and makes it the document's record.
    pub fn append(&mut self, record: Record) -> Result<(), String> {
        let mut line = serde_json::to_string(&record).map_err(|e| e.to_string())?;
        line.push('\n');
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| format!("cannot open {}: {e}", self.path.display()))?;
        file.write_all(line.as_bytes()).map_err(|e| format!("cannot write {}: {e}", self.path.display()))?;
        self.by_document.insert(record.document.clone(), record);
        Ok(())
    }

    /// The record that makes generating `document` again unnecessary, if any: made from the same
    /// input by the same checker, and not a size skip that a larger limit (`max_bytes`) would
    /// now check.
    pub fn done(&self, document: &str, input: &str, checker: &str, max_bytes: u64) -> Option<&Record> {
        let r = self.by_document.get(document)?;
        if r.input != input {
            return None;
        }
        if r.status.is_generation_failure() {
            return Some(r);
        }
        if r.checker != checker {
            return None;
        }
        if r.status == Status::TooLarge && r.crate_bytes.is_some_and(|b| b <= max_bytes) {
            return None;
        }
        Some(r)
    }

    /// The check result recorded for the same generated files (same crate hash) by the same
    /// checker, if any: the crate need not be checked again.
    pub fn checked(&self, document: &str, crate_hash: &str, checker: &str) -> Option<&Record> {
        let r = self.by_document.get(document)?;
        (r.status.is_check_result() && r.checker == checker && r.crate_hash.as_deref() == Some(crate_hash)).then_some(r)
    }
}

/// 64-bit FNV-1a, as 16 hex digits once finished.
#[derive(Clone, Copy)]
pub struct Hasher(u64);

impl Default for Hasher {
    fn default() -> Self {
        Hasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher {
    pub fn update(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// A length-prefixed part, so that `("ab", "c")` and `("a", "bc")` differ.
    pub fn part(&mut self, bytes: &[u8]) {
        self.update(&(bytes.len() as u64).to_le_bytes());
        self.update(bytes);
    }

    pub fn finish(self) -> String {
        format!("{:016x}", self.0)
    }
}

/// Hash and total size of the files under `dir` (relative paths and contents, in sorted order).
pub fn hash_tree(dir: &Path) -> Result<(String, u64), String> {
    let mut files = Vec::new();
    list_files(dir, dir, &mut files)?;
    files.sort();
    let mut hasher = Hasher::default();
    let mut bytes = 0;
    for rel in files {
        let data = std::fs::read(dir.join(&rel)).map_err(|e| format!("cannot read {}: {e}", dir.join(&rel).display()))?;
        bytes += data.len() as u64;
        hasher.part(rel.as_bytes());
        hasher.part(&data);
    }
    Ok((hasher.finish(), bytes))
}

fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), String> {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            list_files(root, &path, out)?;
        } else {
            out.push(path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(document: &str, status: Status) -> Record {
        Record {
            document: document.into(),
            input: "in1".into(),
            checker: "clippy".into(),
            status,
            crate_name: Some("guru-x".into()),
            crate_hash: Some("c1".into()),
            crate_bytes: Some(1000),
            gen_seconds: 0.5,
            check_seconds: Some(2.0),
            errors: 0,
            warnings: 0,
            first_error: None,
            first_warning: None,
        }
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("guru-record-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn records_are_written_read_back_and_the_last_one_wins() {
        let dir = temp("roundtrip");
        let path = dir.join("results.jsonl");
        let mut records = Records::open(&path, false).unwrap();
        assert_eq!(records.len(), 0);
        records.append(record("a.json", Status::Failed)).unwrap();
        let mut failed = record("b.json", Status::Failed);
        failed.errors = 3;
        failed.first_error = Some("[E0412] cannot find type `X` in this scope at src/types.rs:3".into());
        records.append(failed.clone()).unwrap();
        records.append(record("a.json", Status::Clean)).unwrap();
        // A line cut short by an interruption is skipped.
        std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b"{\"document\": \"c.js").unwrap();

        let again = Records::open(&path, false).unwrap();
        assert_eq!(again.len(), 2);
        assert_eq!(again.get("a.json").unwrap().status, Status::Clean);
        assert_eq!(again.get("b.json"), Some(&failed));
        assert!(again.get("c.json").is_none());

        assert_eq!(Records::open(&path, true).unwrap().len(), 0, "--fresh starts over");
        assert!(!path.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn done_documents_are_skipped_and_changed_ones_are_not() {
        let dir = temp("done");
        let mut records = Records::open(&dir.join("r.jsonl"), false).unwrap();
        records.append(record("clean.json", Status::Clean)).unwrap();
        records.append(record("refused.json", Status::Refused)).unwrap();
        records.append(record("big.json", Status::TooLarge)).unwrap();
        let records = Records::open(&dir.join("r.jsonl"), false).unwrap();

        assert!(records.done("clean.json", "in1", "clippy", 10).is_some());
        assert!(records.done("clean.json", "in2", "clippy", 10).is_none(), "another sdkforge or document");
        assert!(records.done("clean.json", "in1", "check", 10).is_none(), "another checker");
        assert!(records.done("new.json", "in1", "clippy", 10).is_none());
        // The generator's refusal does not depend on the checker.
        assert!(records.done("refused.json", "in1", "check", 10).is_some());
        // A crate skipped as too large is checked once the limit admits it.
        assert!(records.done("big.json", "in1", "clippy", 999).is_some());
        assert!(records.done("big.json", "in1", "clippy", 1000).is_none());

        // Regenerated with a new sdkforge, the same files need no second check.
        assert!(records.checked("clean.json", "c1", "clippy").is_some());
        assert!(records.checked("clean.json", "c2", "clippy").is_none());
        assert!(records.checked("big.json", "c1", "clippy").is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn tree_hashes_see_names_and_contents() {
        let dir = temp("tree");
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(dir.join("Cargo.toml"), "[package]").unwrap();
        std::fs::write(dir.join("src/lib.rs"), "pub fn a() {}").unwrap();
        let (h1, bytes) = hash_tree(&dir).unwrap();
        assert_eq!(bytes, 9 + 13);
        assert_eq!(hash_tree(&dir).unwrap().0, h1);
        std::fs::write(dir.join("src/lib.rs"), "pub fn b() {}").unwrap();
        assert_ne!(hash_tree(&dir).unwrap().0, h1);
        let _ = std::fs::remove_dir_all(&dir);
        let mut a = Hasher::default();
        a.part(b"ab");
        a.part(b"c");
        let mut b = Hasher::default();
        b.part(b"a");
        b.part(b"bc");
        assert_ne!(a.finish(), b.finish());
    }
}
