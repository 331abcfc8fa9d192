//! `sdkforge.toml` and the explicit command-line equivalent.
//!
//! ```toml
//! spec = "spec/commerce-engine-pos.yaml"
//! overlays = ["spec/overlays/pos-sdk.yaml"]
//! out = "generated"
//! crate-name = "commerce-engine-pos"
//! # crate-version = "0.1.0"
//! # strict-overlays = true   # an overlay target that matches nothing is an error
//! # strict = true            # that, and the reading policy's warnings are errors (docs/reading.md)
//! # keep = ["examples"]       # hand-written files inside `out` that sdkforge keeps
//! # with-tests = true         # also emit the contract tests (`tests/contract.rs`, run against Prism)
//! # serde = "derive"          # the types derive serde's Deserialize instead of the compact
//! #                           # impls of `runtime::wire` ("compact", the default; docs/performance.md)
//! # dedupe-types = false      # keep identical schemas as distinct types (default: one type, the
//! #                           # others aliases of it: `pub type User104 = User;`)
//!
//! [types]                      # the Rust type of each format (these are the defaults)
//! date-time = "chrono"         # chrono::DateTime<Utc>; "string" keeps String
//! date = "chrono"              # chrono::NaiveDate; or "string"
//! uuid = "uuid"                # uuid::Uuid; or "string"
//! byte = "base64"              # Vec<u8>, base64 on the wire; or "string"
//! int64 = "integer"            # `type: string, format: int64` as i64 (a string on the wire); or "string"
//! decimal = "off"              # "rust_decimal": rust_decimal::Decimal for `format: decimal`
//! ```
//! Paths in the file are relative to the file's folder.

use crate::diagnostics::Diagnostic;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Everything one generation needs to know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The OpenAPI document.
    pub spec: PathBuf,
    /// Overlay documents, applied in order before anything else reads the document.
    pub overlays: Vec<PathBuf>,
    /// The folder of the generated crate; sdkforge owns everything in it.
    pub out: PathBuf,
    /// The Cargo package name of the generated crate (`commerce-engine-pos`).
    pub crate_name: String,
    /// The version written into the generated `Cargo.toml`.
    pub crate_version: String,
    /// Whether an overlay action whose target matches nothing is an error (else a warning).
    pub strict_overlays: bool,
    /// Whether the reading policy's warnings (a document that breaks the specification in a way
    /// with one safe reading, `docs/reading.md`) are errors. `--strict` sets it and
    /// `strict_overlays`.
    pub strict: bool,
    /// Hand-written files or folders inside `out` (`examples`, `tests/smoke.rs`), as
    /// `/`-separated relative paths: `generate` keeps them and `check` ignores them.
    pub keep: Vec<String>,
    /// Whether to emit the contract tests into the crate: `tests/contract.rs`, one test per
    /// operation against a mock server (Prism) serving `tests/contract/openapi.json`, the document
    /// after overlays.
    pub with_tests: bool,
    /// `generate --bump`: when the public API changed since the release recorded in
    /// `released-api.json`, release it: the next version, a changelog entry, a new record.
    pub bump: bool,
    /// Hand-written modules of the crate (`modules = ["extras"]`): `src/extras.rs` (or
    /// `src/extras/mod.rs`) is the maintainer's, declared `pub mod extras;` in the generated
    /// `lib.rs`, kept by `generate` and ignored by `check`.
    pub modules: Vec<String>,
    /// Which formats get their own Rust type (`[types]`).
    pub types: crate::ir::FormatPolicy,
    /// `serde = "derive"`: the types derive serde's `Serialize` and `Deserialize`, as they did
    /// before the compact impls of `runtime::wire`, which write and read the same JSON and
    /// compile faster. The derive also reads a struct from a sequence of its fields (formats
    /// without field names).
    pub derive_serde: bool,
    /// Whether identical type definitions become one type and aliases of it (`ir::dedupe`; on
    /// unless `dedupe-types = false`).
    pub dedupe_types: bool,
}

/// `serde`: how the types implement `Deserialize`.
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum SerdeImpls {
    Compact,
    Derive,
}

/// `[types]`: each format's Rust type, by the crate that provides it or `"string"` for the wire
/// type (see the module docs).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Types {
    date_time: Option<Chrono>,
    date: Option<Chrono>,
    uuid: Option<UuidCrate>,
    byte: Option<Base64>,
    int64: Option<IntString>,
    decimal: Option<Decimal>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Chrono {
    Chrono,
    String,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum UuidCrate {
    Uuid,
    String,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Base64 {
    Base64,
    String,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum IntString {
    Integer,
    String,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Decimal {
    RustDecimal,
    Off,
}

impl Types {
    fn policy(&self) -> crate::ir::FormatPolicy {
        let d = crate::ir::FormatPolicy::default();
        crate::ir::FormatPolicy {
            date_time: self.date_time.as_ref().map_or(d.date_time, |c| matches!(c, Chrono::Chrono)),
            date: self.date.as_ref().map_or(d.date, |c| matches!(c, Chrono::Chrono)),
            uuid: self.uuid.as_ref().map_or(d.uuid, |c| matches!(c, UuidCrate::Uuid)),
            byte: self.byte.as_ref().map_or(d.byte, |c| matches!(c, Base64::Base64)),
            int_string: self.int64.as_ref().map_or(d.int_string, |c| matches!(c, IntString::Integer)),
            decimal: self.decimal.as_ref().map_or(d.decimal, |c| matches!(c, Decimal::RustDecimal)),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    spec: PathBuf,
    #[serde(default)]
    overlays: Vec<PathBuf>,
    out: PathBuf,
    crate_name: Option<String>,
    crate_version: Option<String>,
    #[serde(default)]
    strict_overlays: bool,
    #[serde(default)]
    strict: bool,
    #[serde(default)]
    keep: Vec<String>,
    #[serde(default)]
    modules: Vec<String>,
    #[serde(default)]
    with_tests: bool,
    #[serde(default)]
    types: Types,
    serde: Option<SerdeImpls>,
    dedupe_types: Option<bool>,
}

/// A crate name for the document at `spec`, from its `info.title` (see [`crate_name_from_title`]).
pub fn crate_name_of(spec: &Path) -> Result<String, Diagnostic> {
    let source = crate::load::load_file(spec)?;
    let title = source.value.get("info").and_then(|i| i.get("title")).and_then(serde_json::Value::as_str).unwrap_or("");
    Ok(crate_name_from_title(title))
}

/// A safe Cargo package name from a document's title: lower-case ASCII words joined by `-`
/// (`Commerce Engine Storefront API - POS` → `commerce-engine-storefront-api-pos`). Anything else
/// is dropped, so a title never names a path (`../../x` → `x`); a name that would start with a
/// digit, is empty, or is one Cargo refuses (`test`, `std`, a keyword) gets `-client`
/// (`api-client` when nothing is left). At most 64 characters, cut at a word.
pub fn crate_name_from_title(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut name = String::new();
    for w in words {
        if name.len() + w.len() + 1 > 64 {
            break;
        }
        if !name.is_empty() {
            name.push('-');
        }
        name.push_str(&w);
    }
    if name.is_empty() {
        return "api-client".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("api-{name}");
    }
    let reserved = ["test", "std", "core", "alloc", "proc-macro", "proc_macro"];
    if reserved.contains(&name.as_str()) || crate::ir::naming::is_keyword(&name) {
        name.push_str("-client");
    }
    name
}

/// The default crate version when none is configured.
pub const DEFAULT_CRATE_VERSION: &str = "0.1.0";

impl Config {
    /// A configuration from explicit values.
    pub fn new(spec: impl Into<PathBuf>, out: impl Into<PathBuf>, crate_name: impl Into<String>) -> Self {
        Self {
            spec: spec.into(),
            overlays: Vec::new(),
            out: out.into(),
            crate_name: crate_name.into(),
            crate_version: DEFAULT_CRATE_VERSION.to_string(),
            strict_overlays: false,
            strict: false,
            keep: Vec::new(),
            with_tests: false,
            bump: false,
            modules: Vec::new(),
            types: crate::ir::FormatPolicy::default(),
            derive_serde: false,
            dedupe_types: true,
        }
    }

    /// Adds an overlay (applied after those already added).
    pub fn overlay(mut self, path: impl Into<PathBuf>) -> Self {
        self.overlays.push(path.into());
        self
    }

    /// Reads `sdkforge.toml`; relative paths in it are taken from its folder.
    pub fn from_file(path: &Path) -> Result<Self, Diagnostic> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            let help = "create sdkforge.toml, or pass --spec, --out and --crate-name";
            Diagnostic::error(format!("cannot read the configuration: {e}")).in_file(path).help(help)
        })?;
        let file: File = toml::from_str(&text).map_err(|e| {
            let at = e.span().map(|s| crate::load::line_col_of_offset(&text, s.start));
            Diagnostic::error(format!("invalid configuration: {}", e.message()))
                .in_file(path)
                .at(at)
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        let config = Self {
            spec: base.join(&file.spec),
            overlays: file.overlays.into_iter().map(|o| base.join(o)).collect(),
            out: base.join(file.out),
            crate_name: match file.crate_name {
                Some(n) => n,
                None => crate_name_of(&base.join(&file.spec)).map_err(|d| d.in_file(path))?,
            },
            crate_version: file.crate_version.unwrap_or_else(|| DEFAULT_CRATE_VERSION.to_string()),
            strict_overlays: file.strict_overlays || file.strict,
            strict: file.strict,
            keep: file.keep,
            with_tests: file.with_tests,
            bump: false,
            modules: file.modules,
            types: file.types.policy(),
            derive_serde: matches!(file.serde, Some(SerdeImpls::Derive)),
            dedupe_types: file.dedupe_types.unwrap_or(true),
        };
        config.check().map_err(|d| d.in_file(path))?;
        Ok(config)
    }

    /// What `generate` keeps and `check` ignores in `out`: `keep`, and the hand-written modules.
    pub fn kept(&self) -> Vec<String> {
        let mut all = self.keep.clone();
        for m in &self.modules {
            all.push(format!("src/{m}.rs"));
            all.push(format!("src/{m}"));
        }
        all
    }

    /// Checks the values that do not depend on the document.
    pub fn check(&self) -> Result<(), Diagnostic> {
        for m in &self.modules {
            let valid = m.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
                && m.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && !crate::ir::naming::is_keyword(m);
            if !valid {
                return Err(Diagnostic::error(format!("`modules`: `{m}` is not a module name"))
                    .help("a snake_case Rust identifier that is not a keyword, such as `extras`"));
            }
        }
        let name = &self.crate_name;
        let valid = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && name.starts_with(|c: char| c.is_ascii_alphabetic());
        if !valid {
            return Err(Diagnostic::error(format!("invalid crate name `{name}`"))
                .help("a crate name starts with a letter and has only ASCII letters, digits, `-` and `_`"));
        }
        for k in &self.keep {
            let parts: Vec<&str> = k.trim_end_matches('/').split('/').collect();
            if k.is_empty() || k.starts_with('/') || k.contains('\\') || parts.iter().any(|p| p.is_empty() || *p == "." || *p == "..") {
                return Err(Diagnostic::error(format!("invalid `keep` entry `{k}`"))
                    .help("name a file or folder inside the output folder, relative to it, such as `examples`"));
            }
            if ["Cargo.toml", "src", "README.md"].contains(&parts[0]) {
                return Err(Diagnostic::error(format!("`keep` entry `{k}` is generated by sdkforge"))
                    .help("keep hand-written files outside `Cargo.toml`, `README.md` and `src/`, e.g. in `examples/` or `tests/`"));
            }
        }
        let v = &self.crate_version;
        let parts: Vec<&str> = v.split(['-', '+']).next().unwrap_or("").split('.').collect();
        if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
            return Err(Diagnostic::error(format!("invalid crate version `{v}`"))
                .help("use a semantic version such as 0.1.0"));
        }
        Ok(())
    }

    /// The Rust library name (`commerce_engine_pos`).
    pub fn lib_name(&self) -> String {
        self.crate_name.replace('-', "_")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_entries_stay_inside_the_output_and_off_generated_files() {
        let with = |k: &str| {
            let mut c = Config::new("a", "b", "x");
            c.keep = vec![k.to_string()];
            c.check()
        };
        assert!(with("examples").is_ok() && with("tests/smoke.rs").is_ok() && with("examples/").is_ok());
        for bad in ["", "/etc", "../x", "a/../../b", "a//b", "a\\b", "./x"] {
            assert!(with(bad).unwrap_err().message.starts_with("invalid `keep` entry"), "{bad}");
        }
        for generated in ["src", "src/lib.rs", "Cargo.toml", "README.md"] {
            assert!(with(generated).unwrap_err().message.contains("is generated by sdkforge"), "{generated}");
        }
    }

    #[test]
    fn crate_names_from_titles_are_safe() {
        assert_eq!(crate_name_from_title("Commerce Engine Storefront API - POS"), "commerce-engine-storefront-api-pos");
        assert_eq!(crate_name_from_title("../../x"), "x");
        assert_eq!(crate_name_from_title("/etc/passwd"), "etc-passwd");
        assert_eq!(crate_name_from_title("C:\\Windows\\evil"), "c-windows-evil");
        assert_eq!(crate_name_from_title("3D Printing"), "api-3d-printing");
        assert_eq!(crate_name_from_title("Ünïcødé ✓"), "n-c-d");
        assert_eq!(crate_name_from_title("   "), "api-client");
        assert_eq!(crate_name_from_title("Test"), "test-client");
        assert_eq!(crate_name_from_title("fn"), "fn-client");
        assert!(crate_name_from_title(&"word ".repeat(40)).len() <= 64);
        for t in ["../../x", "3D", "", "Test", "a b c"] {
            assert!(Config::new("s", "o", crate_name_from_title(t)).check().is_ok(), "{t}");
        }
    }

    #[test]
    fn crate_names_are_checked() {
        assert!(Config::new("a", "b", "good-name_2").check().is_ok());
        for bad in ["", "2abc", "a b", "../x", "caf\u{e9}"] {
            let err = Config::new("a", "b", bad).check().unwrap_err();
            assert_eq!(err.message, format!("invalid crate name `{bad}`"));
        }
    }

    #[test]
    fn file_paths_are_relative_to_the_file_and_unknown_keys_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sdkforge.toml");
        std::fs::write(&path, "spec = 's.yaml'\nout = 'o'\ncrate-name = 'x'\noverlays = ['a.yaml']\n").unwrap();
        let c = Config::from_file(&path).unwrap();
        assert_eq!(c.spec, dir.path().join("s.yaml"));
        assert_eq!(c.overlays, vec![dir.path().join("a.yaml")]);
        assert_eq!(c.crate_version, "0.1.0");
        std::fs::write(&path, "spec = 's.yaml'\nout = 'o'\ncrate-name = 'x'\nbogus = 1\n").unwrap();
        let err = Config::from_file(&path).unwrap_err();
        assert!(err.message.starts_with("invalid configuration: unknown field `bogus`"), "{}", err.message);
        assert_eq!(err.location.map(|l| l.line), Some(4));
    }

    #[test]
    fn types_choose_each_format_and_default_to_typed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sdkforge.toml");
        let base = "spec = 's.yaml'\nout = 'o'\ncrate-name = 'x'\n";
        std::fs::write(&path, base).unwrap();
        assert_eq!(Config::from_file(&path).unwrap().types, crate::ir::FormatPolicy::default());
        std::fs::write(&path, format!("{base}[types]\ndate-time = 'string'\nuuid = 'string'\ndecimal = 'rust_decimal'\n")).unwrap();
        let t = Config::from_file(&path).unwrap().types;
        assert!(!t.date_time && !t.uuid && t.decimal && t.date && t.byte && t.int_string, "{t:?}");
        std::fs::write(&path, format!("{base}[types]\ndate-time = 'time'\n")).unwrap();
        let err = Config::from_file(&path).unwrap_err();
        assert!(err.message.contains("unknown variant `time`"), "{}", err.message);
        std::fs::write(&path, format!("{base}[types]\nemail = 'string'\n")).unwrap();
        assert!(Config::from_file(&path).unwrap_err().message.contains("unknown field `email`"));
    }
}
