//! The corpus runner: collect documents, generate a crate for each, compile-check them all in one
//! cargo invocation, report.

pub mod collect;
pub mod doc;
pub mod generate;
pub mod report;

use crate::common::compile;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options of `xtask corpus`.
#[derive(Args, Debug)]
pub struct CorpusArgs {
    /// Documents or folders (searched recursively for *.json, *.yaml, *.yml).
    /// Default: `../shared/specs` relative to the workspace root.
    pub paths: Vec<PathBuf>,
    /// Working folder: generated crates go to `<WORK>/crates/<slug>`, the shared target dir is
    /// `<WORK>/target`. Default: `target/corpus` under the workspace root.
    #[arg(long, value_name = "DIR")]
    pub work: Option<PathBuf>,
    /// Only take documents whose path contains this text.
    #[arg(long, value_name = "SUBSTR")]
    pub filter: Option<String>,
    /// Number of parallel jobs for cargo (`cargo --jobs N`).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// Use `cargo check` instead of `cargo clippy -- -D warnings`.
    #[arg(long)]
    pub no_clippy: bool,
    /// Only generate; do not compile-check.
    #[arg(long)]
    pub no_compile: bool,
    /// Exit 0 after printing the report even when something failed.
    #[arg(long)]
    pub allow_failures: bool,
    /// Also run each crate's doctests (`cargo test --doc`: the methods' examples and the
    /// README's), after the compile check; a crate that did not compile is left out.
    #[arg(long, conflicts_with = "no_compile")]
    pub doc: bool,
}

/// The root of this workspace (the parent of the xtask crate).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Runs `xtask corpus`; `Err` is a usage or environment problem (exit code 2).
pub fn run(args: &CorpusArgs) -> Result<ExitCode, String> {
    let root = workspace_root();
    let paths = if args.paths.is_empty() { vec![root.join("../shared/specs")] } else { args.paths.clone() };

    let mut present = Vec::new();
    for path in paths {
        if path.exists() {
            present.push(path);
        } else {
            eprintln!("corpus: `{}` does not exist; skipping it (the shared specs folder is not checked out here)", path.display());
        }
    }
    if present.is_empty() {
        eprintln!("corpus: nothing to do: none of the given paths exists");
        return Ok(ExitCode::SUCCESS);
    }

    let found = collect::collect(&present, args.filter.as_deref())?;
    if !found.not_openapi.is_empty() {
        eprintln!(
            "corpus: skipping {} file(s) that are not OpenAPI documents (no top-level `openapi` or `swagger` key), e.g. {}",
            found.not_openapi.len(),
            found.not_openapi.iter().take(3).map(String::as_str).collect::<Vec<_>>().join(", ")
        );
    }
    if found.documents.is_empty() {
        eprintln!("corpus: no OpenAPI documents found{}", match &args.filter {
            Some(f) => format!(" matching `{f}`"),
            None => String::new(),
        });
        return Ok(ExitCode::SUCCESS);
    }

    let work = match &args.work {
        Some(w) => absolute(w)?,
        None => root.join("target").join("corpus"),
    };
    let crates_dir = work.join("crates");
    std::fs::create_dir_all(&crates_dir).map_err(|e| format!("cannot create `{}`: {e}", crates_dir.display()))?;

    eprintln!("corpus: generating {} document(s) into {}", found.documents.len(), crates_dir.display());
    let generated = generate::generate_all(&found.documents, &crates_dir);

    let compiled = if args.no_compile {
        None
    } else {
        let members: Vec<&str> = found
            .documents
            .iter()
            .zip(&generated.results)
            .filter(|(_, g)| g.is_ok())
            .map(|(d, _)| d.slug.as_str())
            .collect();
        let options = compile::Options { jobs: args.jobs, clippy: !args.no_clippy, lock_seed: Some(root.join("Cargo.lock")), ..Default::default() };
        Some(compile::check_all(&work, &members, &options)?)
    };

    let report = report::Report {
        documents: &found.documents,
        generated: &generated,
        compiled: compiled.as_ref(),
        skipped_not_openapi: found.not_openapi.len(),
    };
    let details = work.join("details.md");
    match std::fs::write(&details, report.details()) {
        Ok(()) => eprintln!("corpus: every problem of every document is listed in {}", details.display()),
        Err(e) => eprintln!("corpus: cannot write `{}`: {e}", details.display()),
    }
    print!("{}", report.markdown());
    let mut ok = report.success();
    if let (true, Some(compiled)) = (args.doc, &compiled) {
        let members: Vec<&str> = compiled.crates.iter().filter(|(_, c)| c.errors.is_empty() && c.failure.is_none()).map(|(m, _)| m.as_str()).collect();
        let results = doc::run_all(&work, &members, args.jobs);
        print!("{}", doc::markdown(&results));
        ok &= results.values().all(doc::DocResult::ok);
    }
    Ok(if ok || args.allow_failures { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `path` made absolute against the current folder (it need not exist).
fn absolute(path: &Path) -> Result<PathBuf, String> {
    std::path::absolute(path).map_err(|e| format!("cannot make `{}` absolute: {e}", path.display()))
}
