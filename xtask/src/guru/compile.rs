//! `xtask guru --compile`: generate every selected document, then compile-check the crates in
//! batches (a temporary cargo workspace of `--batch` crates each, one target dir for all, so the
//! dependencies build once), recording each document's result as soon as it is known.
//!
//! Layout under the cache folder: `compile-results.jsonl` (the record, see [`super::record`]),
//! `compile-report.md`, and `check/` (the workspace: `Cargo.toml`, `Cargo.lock`, `target/` and
//! `crates/<name>`). A crate that checked clean or with warnings is removed after its batch; one
//! that failed stays in `check/crates/` to be looked at, until it is generated again.

use super::record::{Hasher, Record, Records, Status, hash_tree};
use super::report::{self, Summary};
use super::{GuruArgs, Job, Outcome, build_sdkforge, documents, generate_many};
use crate::common::compile::{self, CrateCheck, Options};
use crate::common::text::shorten;
use crate::corpus::{collect::slug, workspace_root};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

/// A generated crate waiting for its batch.
struct Pending {
    document: String,
    input: String,
    name: String,
    gen_seconds: f64,
    crate_hash: String,
    crate_bytes: u64,
}

/// What this run did (the record holds what every run did).
#[derive(Debug, Default)]
pub struct RunStats {
    /// Documents whose record from an earlier run stood.
    pub reused: usize,
    /// Documents generated in this run.
    pub generated_now: usize,
    /// Crates generated again whose files matched a recorded check.
    pub same_files: usize,
    /// One entry per batch: (crates, wall seconds, timed out).
    pub batches: Vec<(usize, f64, bool)>,
}

pub fn run(args: &GuruArgs) -> Result<ExitCode, String> {
    let started = Instant::now();
    let (api_dir, all, selected) = documents(args)?;
    let sdkforge = build_sdkforge()?;
    let binary = std::fs::read(&sdkforge).map_err(|e| format!("cannot read {}: {e}", sdkforge.display()))?;
    let mut hasher = Hasher::default();
    hasher.update(&binary);
    let binary_hash = hasher.finish();
    let clippy = !args.no_clippy;
    let checker = checker(clippy);
    let names = crate_names(&all, &api_dir);

    let work = std::path::absolute(args.cache.join("check")).map_err(|e| e.to_string())?;
    let crates_dir = work.join("crates");
    if args.fresh {
        let _ = std::fs::remove_dir_all(&crates_dir);
    }
    std::fs::create_dir_all(&crates_dir).map_err(|e| format!("cannot create {}: {e}", crates_dir.display()))?;
    let record_path = args.cache.join("compile-results.jsonl");
    let mut records = Records::open(&record_path, args.fresh)?;
    let max_bytes = args.max_crate_mb.saturating_mul(1 << 20);

    let mut stats = RunStats::default();
    let mut todo = Vec::new();
    for doc in &selected {
        let document = relative(doc, &api_dir);
        let name = names.get(doc).cloned().unwrap_or_else(|| format!("guru-{}", slug(&document)));
        let input = input_hash(&binary_hash, doc, &name)?;
        if records.done(&document, &input, &checker, max_bytes).is_some() {
            stats.reused += 1;
        } else {
            todo.push((doc.clone(), document, name, input));
        }
    }
    eprintln!(
        "guru: {} documents selected, {} already done by the record {} ({} documents in it), {} to generate and check ({checker}; batches of {}, {} s each at most; crates over {} MB skipped)",
        selected.len(),
        stats.reused,
        record_path.display(),
        records.len(),
        todo.len(),
        args.batch,
        args.batch_timeout,
        args.max_crate_mb
    );

    let options = Options {
        jobs: None,
        clippy,
        lock_seed: Some(workspace_root().join("Cargo.lock")),
        timeout: Some(Duration::from_secs(args.batch_timeout)),
        timings: true,
        no_incremental: true,
        quiet: true,
        label: "guru",
    };
    let batch = usize::try_from(args.batch).unwrap_or(usize::MAX);
    let mut queue: Vec<Pending> = Vec::new();
    let mut handled = 0;
    for chunk in todo.chunks(batch) {
        let jobs: Vec<Job> = chunk
            .iter()
            .map(|(doc, _, name, _)| Job { document: doc.clone(), out: crates_dir.join(name), crate_name: name.clone() })
            .collect();
        let runs = generate_many(&sdkforge, &jobs, args, &api_dir, started, false);
        for ((_, document, name, input), (job, run)) in chunk.iter().zip(jobs.iter().zip(runs)) {
            stats.generated_now += 1;
            let gen_seconds = run.elapsed.as_secs_f64();
            let mut record = Record {
                document: document.clone(),
                input: input.clone(),
                checker: checker.clone(),
                status: Status::Refused,
                crate_name: Some(name.clone()),
                crate_hash: None,
                crate_bytes: None,
                gen_seconds,
                check_seconds: None,
                errors: 0,
                warnings: 0,
                first_error: None,
                first_warning: None,
            };
            match run.outcome {
                Outcome::Generated => {
                    let (crate_hash, crate_bytes) = hash_tree(&job.out)?;
                    if let Some(done) = records.checked(document, &crate_hash, &checker) {
                        record = Record { input: input.clone(), gen_seconds, ..done.clone() };
                        stats.same_files += 1;
                        remove(&job.out);
                    } else if crate_bytes > max_bytes {
                        record.status = Status::TooLarge;
                        record.crate_hash = Some(crate_hash);
                        record.crate_bytes = Some(crate_bytes);
                        remove(&job.out);
                    } else {
                        queue.push(Pending { document: document.clone(), input: input.clone(), name: name.clone(), gen_seconds, crate_hash, crate_bytes });
                        continue;
                    }
                }
                Outcome::Diagnostic(line) => record.first_error = Some(line),
                Outcome::Panic(why) => {
                    record.status = Status::Panic;
                    record.first_error = Some(why);
                }
                Outcome::Timeout => {
                    record.status = Status::GenTimeout;
                    record.first_error = Some(format!("sdkforge generate took more than {} s", args.timeout));
                }
            }
            if record.status.is_generation_failure() {
                remove(&job.out);
            }
            records.append(record)?;
        }
        while queue.len() >= batch {
            let crates: Vec<Pending> = queue.drain(..batch).collect();
            check_batch(&work, crates, &options, &mut records, &mut stats)?;
        }
        handled += chunk.len();
        eprintln!("guru: {handled}/{} generated, {:.0} s", todo.len(), started.elapsed().as_secs_f64());
    }
    if !queue.is_empty() {
        check_batch(&work, std::mem::take(&mut queue), &options, &mut records, &mut stats)?;
    }

    let rows: Vec<&Record> = selected.iter().filter_map(|d| records.get(&relative(d, &api_dir))).collect();
    let summary = Summary {
        selected: selected.len(),
        checker: &checker,
        stats: &stats,
        wall: started.elapsed(),
        max_crate_mb: args.max_crate_mb,
        batch_timeout: args.batch_timeout,
        record: &record_path,
    };
    let text = report::markdown(&rows, &summary);
    println!("{text}");
    let path = args.cache.join("compile-report.md");
    std::fs::write(&path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("guru: report written to {}; every document's result is in {}", path.display(), record_path.display());
    let failed = report::failing(&rows, clippy);
    Ok(if failed == 0 || args.allow_failures { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Checks one batch, records each crate, removes the crates that compiled and the batch's
/// artifacts from the shared target dir (only the dependencies are worth keeping).
fn check_batch(work: &Path, crates: Vec<Pending>, options: &Options, records: &mut Records, stats: &mut RunStats) -> Result<(), String> {
    let members: Vec<&str> = crates.iter().map(|c| c.name.as_str()).collect();
    let started = Instant::now();
    let run = compile::check_all(work, &members, options)?;
    let seconds = started.elapsed().as_secs_f64();
    stats.batches.push((crates.len(), seconds, run.timed_out));
    let mut counts: HashMap<Status, usize> = HashMap::new();
    for c in &crates {
        let mut missing = CrateCheck::default();
        missing.failure = Some("not in cargo's results".into());
        let check = run.crates.get(&c.name).unwrap_or(&missing);
        let record = checked_record(c, check, &records_checker(options), options.timeout.unwrap_or_default());
        *counts.entry(record.status).or_default() += 1;
        if matches!(record.status, Status::Clean | Status::Warnings | Status::CheckTimeout) {
            remove(&work.join("crates").join(&c.name));
        }
        records.append(record)?;
    }
    remove_crate_artifacts(&work.join("target"));
    let n = |s| counts.get(&s).copied().unwrap_or(0);
    eprintln!(
        "guru: batch {}: {} crates in {seconds:.0} s: {} clean, {} with warnings, {} failed{}",
        stats.batches.len(),
        crates.len(),
        n(Status::Clean),
        n(Status::Warnings),
        n(Status::Failed),
        if run.timed_out { format!(", {} cut off by the time limit", n(Status::CheckTimeout)) } else { String::new() }
    );
    Ok(())
}

/// The checker string is the same for every batch of a run; the options only know clippy.
fn records_checker(options: &Options) -> String {
    checker(options.clippy)
}

/// The record of a checked crate.
fn checked_record(c: &Pending, check: &CrateCheck, checker: &str, limit: Duration) -> Record {
    let (status, first_error) = if check.timed_out {
        (Status::CheckTimeout, Some(format!("cargo killed at the batch time limit ({} s) before it was done with this crate", limit.as_secs())))
    } else if !check.compiled() {
        (Status::Failed, check.errors.first().map(|m| m.one_line()).or_else(|| check.failure.clone()))
    } else if check.artifacts == 0 && check.lints.is_empty() {
        (Status::Failed, Some("cargo reported nothing for this crate".to_string()))
    } else if check.lints.is_empty() {
        (Status::Clean, None)
    } else {
        (Status::Warnings, None)
    };
    Record {
        document: c.document.clone(),
        input: c.input.clone(),
        checker: checker.to_string(),
        status,
        crate_name: Some(c.name.clone()),
        crate_hash: Some(c.crate_hash.clone()),
        crate_bytes: Some(c.crate_bytes),
        gen_seconds: c.gen_seconds,
        check_seconds: check.seconds,
        errors: check.errors.len(),
        warnings: check.lints.len(),
        first_error: first_error.map(|e| shorten(&e, 500)),
        first_warning: check.lints.first().map(|m| shorten(&m.one_line(), 500)),
    }
}

/// `clippy -D warnings` or `check`, and the toolchain: a record made by another is not reused.
fn checker(clippy: bool) -> String {
    static TOOLCHAIN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let toolchain = TOOLCHAIN.get_or_init(|| {
        Command::new("rustc")
            .arg("-V")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "rustc (unknown version)".into())
    });
    format!("{}, {toolchain}", if clippy { "cargo clippy --lib -- -D warnings" } else { "cargo check --lib" })
}

/// The hash of what a generation depends on: the sdkforge binary, the document, the crate name.
fn input_hash(binary_hash: &str, doc: &Path, name: &str) -> Result<String, String> {
    let bytes = std::fs::read(doc).map_err(|e| format!("cannot read {}: {e}", doc.display()))?;
    let mut h = Hasher::default();
    h.part(binary_hash.as_bytes());
    h.part(&bytes);
    h.part(name.as_bytes());
    Ok(h.finish())
}

fn relative(doc: &Path, api_dir: &Path) -> String {
    doc.strip_prefix(api_dir).unwrap_or(doc).to_string_lossy().into_owned()
}

/// A unique crate name for every document of the whole collection (so the name of a document
/// does not depend on `--filter`): `guru-` and the slug of its path, numbered when two collide.
/// The `guru-` prefix keeps them apart from any dependency's name in the shared target dir.
fn crate_names(all: &[PathBuf], api_dir: &Path) -> HashMap<PathBuf, String> {
    let mut taken = BTreeSet::new();
    let mut names = HashMap::new();
    for doc in all {
        let base = format!("guru-{}", slug(&relative(doc, api_dir)).trim_start_matches("spec-"));
        let mut name = base.clone();
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        names.insert(doc.clone(), name);
    }
    names
}

fn remove(dir: &Path) {
    if dir.exists() {
        if let Err(e) = std::fs::remove_dir_all(dir) {
            eprintln!("guru: cannot remove {}: {e}", dir.display());
        }
    }
}

/// Removes what the checked crates left in the shared target dir (their metadata, fingerprints,
/// dependency files); the dependencies' artifacts stay for the next batch.
fn remove_crate_artifacts(target: &Path) {
    for sub in ["deps", ".fingerprint", "incremental", "build", "examples"] {
        let Ok(entries) = std::fs::read_dir(target.join("debug").join(sub)) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("guru-") || name.starts_with("guru_") || name.starts_with("libguru_") {
                let path = entry.path();
                let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::compile::Message;

    #[test]
    fn crate_names_are_unique_prefixed_and_stable() {
        let api = Path::new("/api");
        let all: Vec<PathBuf> = ["/api/a.b/x.json", "/api/a-b/x.json", "/api/1forge.com/openapi.yaml"].iter().map(PathBuf::from).collect();
        let names = crate_names(&all, api);
        assert_eq!(names[&all[0]], "guru-a-b-x");
        assert_eq!(names[&all[1]], "guru-a-b-x-2");
        assert_eq!(names[&all[2]], "guru-1forge-com-openapi");
    }

    #[test]
    fn a_checked_crate_becomes_a_record() {
        let pending = Pending { document: "d.json".into(), input: "i".into(), name: "guru-d".into(), gen_seconds: 1.0, crate_hash: "h".into(), crate_bytes: 10 };
        let limit = Duration::from_secs(60);
        let mut check = CrateCheck::default();
        check.artifacts = 2;
        check.seconds = Some(3.5);
        let clean = checked_record(&pending, &check, "clippy", limit);
        assert_eq!((clean.status, clean.check_seconds, clean.first_error), (Status::Clean, Some(3.5), None));
        check.lints.push(Message { code: Some("unused_imports".into()), text: "unused import: `X`".into(), place: Some("src/lib.rs:1".into()) });
        let warned = checked_record(&pending, &check, "clippy", limit);
        assert_eq!((warned.status, warned.warnings), (Status::Warnings, 1));
        assert_eq!(warned.first_warning.as_deref(), Some("[unused_imports] unused import: `X` at src/lib.rs:1"));
        check.errors.push(Message { code: Some("E0412".into()), text: "cannot find type `Y` in this scope".into(), place: Some("src/types.rs:9".into()) });
        let failed = checked_record(&pending, &check, "clippy", limit);
        assert_eq!((failed.status, failed.errors), (Status::Failed, 1));
        assert_eq!(failed.first_error.as_deref(), Some("[E0412] cannot find type `Y` in this scope at src/types.rs:9"));
        let mut cut = CrateCheck::default();
        cut.timed_out = true;
        assert_eq!(checked_record(&pending, &cut, "clippy", limit).status, Status::CheckTimeout);
    }
}
