//! `xtask contract`: generates each document's crate with its contract tests (`--with-tests`),
//! runs them against Prism (`cargo test --test contract`, with `CI` set so nothing is skipped)
//! and reports per document the operations exercised, failed and left out, with why.

use crate::corpus::{collect, workspace_root};
use clap::Args;
use sdkforge::{Config, Generator};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Options of `xtask contract`.
#[derive(Args, Debug)]
pub struct ContractArgs {
    /// OpenAPI documents.
    #[arg(required = true)]
    pub specs: Vec<PathBuf>,
    /// Working folder: crates go to `<WORK>/crates/<slug>`. Default: `target/contract` under the
    /// workspace root. They build in the workspace's own `target`, reusing its dependencies.
    #[arg(long, value_name = "DIR")]
    pub work: Option<PathBuf>,
    /// Exit 0 after printing the report even when a test failed.
    #[arg(long)]
    pub allow_failures: bool,
}

/// One document's outcome.
#[derive(Default)]
struct Outcome {
    passed: Vec<String>,
    failed: Vec<(String, String)>,
    ignored: Vec<(String, String)>,
    problem: Option<String>,
}

/// Runs `xtask contract`; `Err` is a usage or environment problem (exit code 2).
pub fn run(args: &ContractArgs) -> Result<ExitCode, String> {
    let root = workspace_root();
    let work = std::path::absolute(args.work.clone().unwrap_or_else(|| root.join("target").join("contract"))).map_err(|e| e.to_string())?;
    let crates = work.join("crates");
    std::fs::create_dir_all(&crates).map_err(|e| format!("cannot create `{}`: {e}", crates.display()))?;
    let mut docs = Vec::new();
    for spec in &args.specs {
        let display = spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        docs.push((spec.clone(), display.clone(), collect::slug(&display)));
    }
    // Every crate in one workspace, so dependencies compile once.
    let members: Vec<String> = docs.iter().map(|(_, _, slug)| format!("crates/{slug}")).collect();
    crate::common::compile::own_workspace(&work, "cargo run -p xtask -- contract", &members, &root.join("Cargo.lock"))?;
    let mut report = String::from("| document | operations | passed | failed | left out |\n|---|---|---|---|---|\n");
    let mut details = String::new();
    let mut ok = true;
    // Generated first, all of them: the workspace lists every crate.
    let generated: Vec<Result<(), String>> = docs.iter().map(|(spec, _, slug)| generate(spec, slug, &crates)).collect();
    for ((_, display, slug), generated) in docs.iter().zip(generated) {
        let outcome = match generated {
            Ok(()) => test(slug, &work, &crate::e2e::shared_clients_target().unwrap_or_else(|| root.join("target"))),
            Err(problem) => Outcome { problem: Some(problem), ..Outcome::default() },
        };
        let total = outcome.passed.len() + outcome.failed.len() + outcome.ignored.len();
        ok &= outcome.problem.is_none() && outcome.failed.is_empty();
        report.push_str(&format!("| {display} | {total} | {} | {} | {} |\n", outcome.passed.len(), outcome.failed.len(), outcome.ignored.len()));
        details.push_str(&format!("\n## {display}\n\n"));
        if let Some(p) = &outcome.problem {
            details.push_str(&format!("- not run: {p}\n"));
        }
        for (name, why) in &outcome.failed {
            details.push_str(&format!("- FAILED `{name}`: {why}\n"));
        }
        for (name, why) in &outcome.ignored {
            details.push_str(&format!("- left out `{name}`: {why}\n"));
        }
    }
    print!("{report}{details}");
    Ok(if ok || args.allow_failures { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn generate(spec: &Path, slug: &str, crates: &Path) -> Result<(), String> {
    let mut config = Config::new(spec, crates.join(slug), slug);
    config.with_tests = true;
    eprintln!("contract: generating {} into {}", spec.display(), config.out.display());
    // Deep schemas need a larger stack than the main thread's.
    std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || Generator::new(config).write().map(|_| ()).map_err(|d| d.to_string()))
        .map_err(|e| e.to_string())
        .and_then(|h| h.join().map_err(|_| "the generator panicked".to_string())?)
        .map_err(|e| format!("generation failed: {}", e.lines().next().unwrap_or("")))
}

fn test(slug: &str, work: &Path, target: &Path) -> Outcome {
    eprintln!("contract: cargo test -p {slug} --test contract");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(work)
        .env("CARGO_TARGET_DIR", target)
        .env("CI", "1")
        .args(["test", "-p", slug, "--test", "contract", "--", "--test-threads", "4"])
        .output();
    let output = match output {
        Ok(o) => o,
        Err(e) => return Outcome { problem: Some(format!("cannot run cargo: {e}")), ..Outcome::default() },
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut outcome = parse(&stdout);
    if outcome.passed.is_empty() && outcome.failed.is_empty() && outcome.ignored.is_empty() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().find(|l| l.starts_with("error")).unwrap_or("no test ran").to_string();
        outcome.problem = Some(first);
    }
    outcome
}

/// Reads libtest's output: `test ops::a::b ... ok`, `... FAILED`, `... ignored, left out: why`,
/// and each failure's first panic line.
fn parse(stdout: &str) -> Outcome {
    let mut o = Outcome::default();
    let mut failures: Vec<String> = Vec::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test ") else { continue };
        let Some((name, result)) = rest.split_once(" ... ") else { continue };
        if result == "ok" {
            o.passed.push(name.to_string());
        } else if result.starts_with("FAILED") {
            failures.push(name.to_string());
        } else if let Some(why) = result.strip_prefix("ignored, ") {
            o.ignored.push((name.to_string(), why.trim_start_matches("left out: ").to_string()));
        }
    }
    for name in failures {
        let marker = format!("---- {name} stdout ----");
        let why = stdout
            .split_once(&marker)
            .map(|(_, after)| after.lines().filter(|l| !l.trim().is_empty() && !l.starts_with("thread ")).take(3).collect::<Vec<_>>().join(" / "))
            .unwrap_or_default();
        o.failed.push((name, why));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn libtest_output_is_read() {
        let out = "test ops::a ... ok\ntest ops::b ... FAILED\ntest ops::c ... ignored, left out: a cookie\n\nfailures:\n\n---- ops::b stdout ----\n\nthread 'ops::b' panicked at x.rs:1:1:\n`b` failed: 400\nstatus: 400\n";
        let o = parse(out);
        assert_eq!(o.passed, ["ops::a"]);
        assert_eq!(o.failed, [("ops::b".to_string(), "`b` failed: 400 / status: 400".to_string())]);
        assert_eq!(o.ignored, [("ops::c".to_string(), "a cookie".to_string())]);
    }
}
