//! Shared helpers for the integration tests: where the workspace and the fixtures are.

use std::path::{Path, PathBuf};

/// The workspace root (the folder holding `sdkforge.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is inside the workspace").to_path_buf()
}

/// A file under `tests/fixtures/`.
pub fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(relative)
}

/// The configuration of the committed `generated/` crate.
pub fn committed_config() -> sdkforge::Config {
    sdkforge::Config::from_file(&workspace_root().join("sdkforge.toml")).expect("sdkforge.toml is valid")
}

/// A configuration for a fixture spec, its crate named after the file.
pub fn fixture_config(spec: &Path, out: &Path) -> sdkforge::Config {
    let stem = spec.file_stem().and_then(|s| s.to_str()).expect("fixture file name");
    sdkforge::Config::new(spec, out, stem)
}

/// `../shared/<relative>` beside the repository, read in place. `None` (the caller skips, saying
/// so) when it is absent on a developer machine; under CI (`CI` set) its absence fails the test,
/// so CI never skips silently.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let p = workspace_root().join("..").join("shared").join(relative);
    if p.exists() {
        return Some(p);
    }
    if std::env::var_os("CI").is_some() {
        panic!("{} is missing: CI runs with shared/ beside the repository", p.display());
    }
    eprintln!("skipped: {} is not here", p.display());
    None
}

/// The files in a folder with this extension, sorted.
pub fn files_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}
