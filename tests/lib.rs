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
