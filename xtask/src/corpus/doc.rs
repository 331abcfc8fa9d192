//! `xtask corpus --doc`: the doctests of every generated crate (each method's example and the
//! README's), one `cargo test --doc` per crate in the corpus workspace, so that an example that
//! no longer matches its API fails the run.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The doctests of one crate.
#[derive(Debug, Default)]
pub struct DocResult {
    /// Doctests that passed (compiled, since they are `no_run`).
    pub passed: usize,
    /// Names of the doctests that failed.
    pub failed: Vec<String>,
    /// Why the run failed without a test result (the crate or its doctests did not build).
    pub error: Option<String>,
    /// Wall time of the crate's `cargo test --doc`.
    pub elapsed: Duration,
}

impl DocResult {
    /// One line: passed, or what failed, and how long it took.
    pub fn summary(&self) -> String {
        let verdict = match (&self.error, self.failed.len()) {
            (Some(e), _) => format!("ERROR {e}"),
            (None, 0) => format!("ok, {} passed", self.passed),
            (None, n) => format!("FAILED {n} of {} ({})", n + self.passed, self.failed.join(", ")),
        };
        format!("{verdict}, {:.0} s", self.elapsed.as_secs_f64())
    }

    /// Whether every doctest passed.
    pub fn ok(&self) -> bool {
        self.failed.is_empty() && self.error.is_none()
    }
}

/// Runs the doctests of each member of the corpus workspace in `work`.
pub fn run_all(work: &Path, members: &[&str], jobs: Option<u32>) -> BTreeMap<String, DocResult> {
    let mut out = BTreeMap::new();
    for (i, m) in members.iter().enumerate() {
        eprintln!("corpus: doctests {}/{}: {m}", i + 1, members.len());
        let result = run_one(work, m, jobs);
        // As it goes: an interrupted run (GitHub's doctests take long) keeps what it learned.
        eprintln!("corpus: doctests {}/{}: {m}: {}", i + 1, members.len(), result.summary());
        out.insert((*m).to_string(), result);
    }
    out
}

fn run_one(work: &Path, member: &str, jobs: Option<u32>) -> DocResult {
    let start = Instant::now();
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.arg("test").arg("--doc").arg("--all-features").arg("-p").arg(member).arg("--manifest-path").arg(work.join("Cargo.toml"));
    if let Some(j) = jobs {
        cmd.arg("--jobs").arg(j.to_string());
    }
    cmd.env("CARGO_TARGET_DIR", crate::common::compile::target_dir(work)).env("CARGO_TERM_COLOR", "never");
    let mut result = match cmd.output() {
        Ok(o) => parse(&String::from_utf8_lossy(&o.stdout), &String::from_utf8_lossy(&o.stderr), o.status.success()),
        Err(e) => DocResult { error: Some(format!("cannot run cargo: {e}")), ..DocResult::default() },
    };
    result.elapsed = start.elapsed();
    result
}

/// Reads what `cargo test --doc` printed.
fn parse(stdout: &str, stderr: &str, success: bool) -> DocResult {
    let mut r = DocResult::default();
    let mut saw_result = false;
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("test result: ") {
            saw_result = true;
            r.passed += count(rest, " passed");
        } else if let Some(name) = line.strip_prefix("---- ").and_then(|l| l.strip_suffix(" stdout ----")) {
            r.failed.push(name.to_string());
        }
    }
    if !success && r.failed.is_empty() {
        let first_error = stderr.lines().chain(stdout.lines()).find(|l| l.starts_with("error")).unwrap_or("cargo test --doc failed");
        r.error = Some(if saw_result { format!("failed after its tests: {first_error}") } else { first_error.to_string() });
    }
    r
}

/// The number before `what` in a `test result:` line (`ok. 9 passed; 0 failed; ...`).
fn count(line: &str, what: &str) -> usize {
    line.split(';').find_map(|part| part.trim().trim_start_matches("ok. ").trim_start_matches("FAILED. ").strip_suffix(what.trim())?.trim().parse().ok()).unwrap_or(0)
}

/// The Markdown section of the doctests: a row per crate, totals.
pub fn markdown(results: &BTreeMap<String, DocResult>) -> String {
    let mut s = String::from("\n## Doctests (`cargo test --doc`, every example is `no_run`: compiled, not run)\n\n| crate | passed | failed | time | first failure |\n|---|---:|---:|---:|---|\n");
    for (name, r) in results {
        let first = r.failed.first().cloned().or_else(|| r.error.clone()).unwrap_or_default();
        let _ = writeln!(s, "| {name} | {} | {} | {:.1} s | {} |", r.passed, r.failed.len() + usize::from(r.error.is_some()), r.elapsed.as_secs_f64(), first.replace('|', "\\|"));
    }
    let passed: usize = results.values().map(|r| r.passed).sum();
    let failing = results.values().filter(|r| !r.ok()).count();
    let seconds: f64 = results.values().map(|r| r.elapsed.as_secs_f64()).sum();
    let _ = writeln!(s, "\n- doctests passed: {passed}; crates with a failing doctest: {failing} of {}; time: {seconds:.0} s", results.len());
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_and_failures_are_read() {
        let out = "running 3 tests\ntest a ... ok\n\nfailures:\n\n---- src/pets.rs - pets::Pets::list (line 12) stdout ----\nerror[E0061]\n\ntest result: FAILED. 2 passed; 1 failed; 0 ignored\n";
        let r = parse(out, "", false);
        assert_eq!((r.passed, r.failed.len(), r.error.is_none()), (2, 1, true));
        assert_eq!(r.failed[0], "src/pets.rs - pets::Pets::list (line 12)");
        let r = parse("test result: ok. 7 passed; 0 failed; 0 ignored\n", "", true);
        assert!(r.ok() && r.passed == 7);
        let r = parse("", "error: could not compile `x`\n", false);
        assert_eq!(r.error.as_deref(), Some("error: could not compile `x`"));
    }

    #[test]
    fn the_line_printed_as_it_goes_says_the_verdict() {
        let r = parse("test result: ok. 7 passed; 0 failed; 0 ignored\n", "", true);
        assert_eq!(r.summary(), "ok, 7 passed, 0 s");
        let out = "---- src/a.rs - a (line 3) stdout ----\ntest result: FAILED. 2 passed; 1 failed; 0 ignored\n";
        assert_eq!(parse(out, "", false).summary(), "FAILED 1 of 3 (src/a.rs - a (line 3)), 0 s");
        assert!(parse("", "error: could not compile `x`\n", false).summary().starts_with("ERROR error: could not compile"));
    }
}
