//! Shared pieces of sdkforge's benchmarks: the documents they run on and each pipeline stage as
//! one call of the library's public API, so `benches/stages.rs` (criterion) and the `stages`
//! binary time exactly the same code.
//!
//! The documents are GitHub's REST description and Stripe's, from the shared corpus
//! (`../shared/specs` beside the workspace, or the folder in `SDKFORGE_SPECS`). A document that
//! is not there is skipped with a message, so the benchmarks still build and run elsewhere.

use sdkforge::emit::RustFile;
use sdkforge::ir::{Api, CrateNames};
use sdkforge::load::Source;
use sdkforge::overlay::Strictness;
use sdkforge::{Config, OutputSpace};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A benchmark document.
#[derive(Clone, Debug)]
pub struct Document {
    /// Short name used in benchmark ids (`github`).
    pub name: &'static str,
    /// Where it is.
    pub path: PathBuf,
}

/// The documents under the corpus folder the benchmarks run on, relative to it.
pub const DOCUMENTS: &[(&str, &str)] = &[("github", "github/api.github.com.json"), ("stripe", "apisguru/stripe.com.json")];

/// The workspace root (the parent of this crate's folder).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The corpus folder: `SDKFORGE_SPECS`, else `../shared/specs` beside the workspace.
pub fn specs_dir() -> PathBuf {
    std::env::var_os("SDKFORGE_SPECS").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("../shared/specs"))
}

/// The benchmark documents that exist here (a message on stderr for each one that does not).
pub fn documents() -> Vec<Document> {
    let dir = specs_dir();
    DOCUMENTS
        .iter()
        .filter_map(|(name, rel)| {
            let path = dir.join(rel);
            if path.is_file() {
                Some(Document { name, path })
            } else {
                eprintln!("benchmarks: `{}` not found; skipping {name}", path.display());
                None
            }
        })
        .collect()
}

/// The overlay the overlay stage applies (it touches every operation but changes no output).
pub fn bench_overlay() -> PathBuf {
    workspace_root().join("benches/overlays/bench.yaml")
}

/// The configuration `sdkforge generate --spec <doc> --out <out> --crate-name bench` would use.
pub fn config(doc: &Document, out: &Path) -> Config {
    Config::new(&doc.path, out, "bench")
}

/// Stage 1, load (general path): read the file and parse it into a value (`Source` keeps the
/// text for locating problems).
pub fn load(path: &Path) -> Source {
    sdkforge::load::load_file(path).unwrap_or_else(|d| panic!("{d}"))
}

/// Stage 1, load (fast path): read the file as text.
pub fn read(path: &Path) -> String {
    sdkforge::load::read_text(path).unwrap_or_else(|d| panic!("{d}")).0
}

/// Stage 3, resolve (fast path, JSON without overlays): the typed document straight from the
/// text; `None` when the document needs the general path.
pub fn resolve_fast(text: &str) -> Option<openapiv3::OpenAPI> {
    sdkforge::resolve::from_json_text(text)
}

/// Stage 2, overlays: validate the benchmark overlay and apply it to `doc`.
pub fn overlays(doc: &mut Value) {
    sdkforge::apply_overlays(doc, &[bench_overlay()], None, Strictness::Lenient).unwrap_or_else(|d| panic!("{d}"));
}

/// Stage 3, resolve (general path): hoist deep references, then deserialise the typed OpenAPI
/// document.
pub fn resolve(doc: Value) -> openapiv3::OpenAPI {
    sdkforge::resolve::document(doc).unwrap_or_else(|d| panic!("{d}"))
}

/// Stage 4, IR: lower the typed document (warnings are returned, not located).
pub fn ir(openapi: &openapiv3::OpenAPI, names: &CrateNames) -> Api {
    sdkforge::ir::lower(openapi, names).unwrap_or_else(|d| panic!("{d}")).0
}

/// The names lowering needs, as the CLI derives them.
pub fn names(config: &Config) -> CrateNames {
    sdkforge::ir::crate_names(config)
}

/// Stage 5, emit: every Rust module as tokens.
pub fn emit(api: &Api) -> Vec<RustFile> {
    sdkforge::emit::rust_files(api)
}

/// Stage 6, format: parse and print each module on this thread, one after the other.
pub fn format(api: &Api, files: Vec<RustFile>) -> Vec<String> {
    let header = sdkforge::emit::rust_header(api);
    files.into_iter().map(|f| sdkforge::emit::format_rust(&header, f).unwrap_or_else(|d| panic!("{d}"))).collect()
}

/// Stages 5 and 6 as the generator runs them (on every core it uses).
pub fn emit_and_format(api: &Api) -> OutputSpace {
    sdkforge::emit::emit(api).unwrap_or_else(|d| panic!("{d}"))
}

/// Stage 7, write: replace `out` with the files.
pub fn write(files: &OutputSpace, out: &Path) {
    files.write_to(out).unwrap_or_else(|d| panic!("{d}"));
}

/// `check`'s last stage: compare with `out` (`true` when identical).
pub fn compare(files: &OutputSpace, out: &Path) -> bool {
    files.diff_against(out).unwrap_or_else(|d| panic!("{d}")).is_none()
}

/// Everything each stage needs, computed once (for benchmarking one stage in isolation).
pub struct Inputs {
    /// The document's text.
    pub text: String,
    /// The loaded document.
    pub source: Source,
    /// The typed document.
    pub openapi: openapiv3::OpenAPI,
    /// Crate names.
    pub names: CrateNames,
    /// The IR.
    pub api: Api,
    /// The generated files.
    pub files: OutputSpace,
}

impl Inputs {
    /// Runs the pipeline once on `doc`.
    pub fn new(doc: &Document, out: &Path) -> Self {
        let text = read(&doc.path);
        let source = load(&doc.path);
        let openapi = resolve_fast(&text).unwrap_or_else(|| resolve(source.value.clone()));
        let names = names(&config(doc, out));
        let api = ir(&openapi, &names);
        let files = emit_and_format(&api);
        Self { text, source, openapi, names, api, files }
    }
}

