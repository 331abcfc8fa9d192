//! Compile-checking generated crates in one cargo invocation with one shared target dir (used by
//! `xtask corpus` for all its crates at once and by `xtask guru --compile` batch by batch).

use super::text::{one_line, shorten};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

/// How to run cargo.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--jobs N`; cargo's default when `None`.
    pub jobs: Option<u32>,
    /// `cargo clippy ... -- -D warnings` when true, `cargo check` when false.
    pub clippy: bool,
    /// A `Cargo.lock` to start from when the corpus workspace has none yet (so the generated
    /// crates use the dependency versions this workspace already uses).
    pub lock_seed: Option<PathBuf>,
    /// Kill cargo (and every compiler it started) after this long; the crates it had not
    /// finished are then reported as timed out.
    pub timeout: Option<Duration>,
    /// Pass `--timings` and read each crate's check time from cargo's timing report.
    pub timings: bool,
    /// Build without incremental compilation data (crates checked once gain nothing from it, and
    /// it takes disk space).
    pub no_incremental: bool,
    /// Do not copy cargo's progress lines to our stderr.
    pub quiet: bool,
    /// The prefix of progress lines (`corpus` when empty).
    pub label: &'static str,
}

impl Options {
    fn label(&self) -> &'static str {
        if self.label.is_empty() { "corpus" } else { self.label }
    }
}

/// One diagnostic rustc or clippy reported for a generated crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The error code (`E0308`) or lint name (`clippy::needless_return`, `unused_imports`).
    pub code: Option<String>,
    /// The message, on one line.
    pub text: String,
    /// `file:line` of the primary span, relative to the crate folder.
    pub place: Option<String>,
}

impl Message {
    /// Whether this is a lint (a warning, or a warning denied by `-D warnings`) rather than a
    /// hard compile error.
    pub fn is_lint(&self) -> bool {
        self.code.as_deref().is_some_and(|c| !is_error_code(c))
    }

    /// `[code] message at file:line`, on one line.
    pub fn one_line(&self) -> String {
        let mut s = String::new();
        if let Some(code) = &self.code {
            s.push_str(&format!("[{code}] "));
        }
        s.push_str(&self.text);
        if let Some(place) = &self.place {
            s.push_str(&format!(" at {place}"));
        }
        s
    }
}

/// `E` followed by four digits: a rustc error code, not a lint name.
fn is_error_code(code: &str) -> bool {
    code.len() == 5 && code.starts_with('E') && code[1..].chars().all(|c| c.is_ascii_digit())
}

/// What cargo said about one generated crate.
#[derive(Clone, Debug, Default)]
pub struct CrateCheck {
    /// Hard compile errors (without repeats).
    pub errors: Vec<Message>,
    /// Warnings and lints, including those `-D warnings` turned into errors.
    pub lints: Vec<Message>,
    /// How many compilation units of the crate finished (`compiler-artifact` messages).
    pub artifacts: usize,
    /// A failure with no diagnostic of the crate's own (bad manifest, dependency failed, build
    /// stopped).
    pub failure: Option<String>,
    /// Seconds the compiler spent on the crate's units (added up), with [`Options::timings`].
    pub seconds: Option<f64>,
    /// Whether cargo was killed at the time limit before it finished with this crate.
    pub timed_out: bool,
    seen: HashSet<String>,
}

impl CrateCheck {
    /// Whether the crate compiles (lints aside).
    pub fn compiled(&self) -> bool {
        self.failure.is_none() && self.errors.is_empty()
    }

    /// Whether it compiles without any warning or lint.
    pub fn clean(&self) -> bool {
        self.compiled() && self.lints.is_empty()
    }

    /// The first hard error, else the failure, else the first lint, on one line.
    pub fn first_problem(&self) -> Option<String> {
        self.errors
            .first()
            .map(Message::one_line)
            .or_else(|| self.failure.clone())
            .or_else(|| self.lints.first().map(Message::one_line))
    }

    fn add(&mut self, key: String, message: Message, lint: bool) {
        if !self.seen.insert(key) {
            return;
        }
        if lint {
            self.lints.push(message);
        } else {
            self.errors.push(message);
        }
    }
}

/// The result of the compile check.
#[derive(Debug, Default)]
pub struct CompileRun {
    /// Per generated crate (by slug).
    pub crates: BTreeMap<String, CrateCheck>,
    /// Wall time of the cargo invocations (loading the workspace included).
    pub elapsed: Duration,
    /// The command that was run.
    pub command: String,
    /// Whether cargo reported success.
    pub success: bool,
    /// Whether cargo was killed at [`Options::timeout`].
    pub timed_out: bool,
}

/// Writes `<work>/Cargo.toml` as a workspace of `members` (folders `crates/<slug>`), then runs
/// one `cargo clippy` (or `cargo check`) over all of them with `CARGO_TARGET_DIR=<work>/target`.
pub fn check_all(work: &Path, members: &[&str], options: &Options) -> Result<CompileRun, String> {
    let start = Instant::now();
    let mut run = CompileRun::default();
    let mut members: Vec<&str> = members.to_vec();
    for m in &members {
        run.crates.insert((*m).to_string(), CrateCheck::default());
    }
    if members.is_empty() {
        return Ok(run);
    }
    seed_lock(work, options)?;

    // A member whose manifest cargo cannot load, or whose dependencies cannot be resolved, would
    // stop the whole workspace: find such members first and leave them out.
    loop {
        write_workspace(work, &members)?;
        let output = cargo(work)
            .args(["metadata", "--format-version", "1", "--manifest-path"])
            .arg(work.join("Cargo.toml"))
            .stdout(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if output.status.success() {
            break;
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let summary = summarize_cargo_error(&stderr);
        match culprit(&stderr, &members) {
            Some(bad) => {
                eprintln!("{}: cargo cannot load `{bad}`, leaving it out: {summary}", options.label());
                if let Some(check) = run.crates.get_mut(bad) {
                    check.failure = Some(format!("cargo cannot load the crate: {summary}"));
                }
                members.retain(|m| *m != bad);
                if members.is_empty() {
                    run.elapsed = start.elapsed();
                    return Ok(run);
                }
            }
            None => {
                eprintln!("{}: cargo cannot load the workspace:\n{stderr}", options.label());
                for check in run.crates.values_mut() {
                    check.failure = Some(format!("cargo cannot load the corpus workspace: {summary}"));
                }
                run.elapsed = start.elapsed();
                return Ok(run);
            }
        }
    }

    let mut command = cargo(work);
    let (subcommand, trailing): (&str, &[&str]) = if options.clippy { ("clippy", &["--", "-D", "warnings"]) } else { ("check", &[]) };
    // The libraries only: a generated crate's test harness is its library again plus the
    // embedded runtime's unit tests, which sdkforge's own workspace checks (the POS and fixture
    // clients, `clippy --all-targets`). Checking both doubled time and memory: GitHub's client
    // with its webhooks feature takes 12 GB per compiler, and the two ran side by side.
    command
        .arg(subcommand)
        .args(["--workspace", "--lib", "--all-features", "--message-format=json", "--keep-going", "--manifest-path"])
        .arg(work.join("Cargo.toml"));
    if let Some(jobs) = options.jobs {
        command.args(["--jobs", &jobs.to_string()]);
    }
    if options.timings {
        command.arg("--timings");
    }
    if options.no_incremental {
        command.env("CARGO_INCREMENTAL", "0");
    }
    if options.timeout.is_some() {
        // A group of its own, so that a timeout kills the compilers with cargo.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        install_interrupt_handler();
    }
    command.args(trailing);
    run.command = format!(
        "CARGO_TARGET_DIR={} cargo {subcommand} --workspace --lib --all-features --message-format=json --keep-going{}{}{}",
        target_dir(work).display(),
        options.jobs.map(|j| format!(" --jobs {j}")).unwrap_or_default(),
        if trailing.is_empty() { "" } else { " " },
        trailing.join(" ")
    );
    eprintln!("{}: compile-checking {} crate(s): {}", options.label(), members.len(), run.command);

    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = child.stderr.take().ok_or("cargo's stderr is not captured")?;
    let quiet = options.quiet;
    let stderr_thread = std::thread::spawn(move || tee_stderr(stderr, quiet));
    let stdout = child.stdout.take().ok_or("cargo's stdout is not captured")?;
    let watchdog = options.timeout.map(|limit| Watchdog::start(child.id(), limit));
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("cannot read cargo's output: {e}"))?;
        if let Ok(value) = serde_json::from_str::<Value>(&line) {
            handle_json(&value, &mut run);
        }
    }
    let status = child.wait().map_err(|e| format!("cannot wait for cargo: {e}"))?;
    run.timed_out = watchdog.is_some_and(Watchdog::stop);
    let stderr_tail = stderr_thread.join().unwrap_or_default();
    run.success = run.success && status.success() && !run.timed_out;
    if run.timed_out {
        eprintln!("{}: cargo killed after {} s", options.label(), options.timeout.unwrap_or_default().as_secs());
        for m in &members {
            let Some(check) = run.crates.get_mut(*m) else { continue };
            // Errors already reported are real; a crate without any may simply not have been
            // reached, or been half-way.
            if check.errors.is_empty() && check.failure.is_none() {
                check.timed_out = true;
            }
        }
    } else if options.timings {
        read_timings(&work.join("target/cargo-timings"), &mut run);
    }
    if !status.success() && !run.timed_out {
        let last_error = stderr_tail.iter().rev().find(|l| l.starts_with("error")).cloned().unwrap_or_else(|| format!("cargo exited with {status}"));
        for m in &members {
            let Some(check) = run.crates.get_mut(*m) else { continue };
            if check.errors.is_empty() && check.lints.is_empty() && check.artifacts == 0 && check.failure.is_none() {
                check.failure = Some(format!("no diagnostic of its own, not compiled (cargo: {})", shorten(&last_error, 200)));
            }
        }
    }
    run.elapsed = start.elapsed();
    Ok(run)
}

/// A cargo command for the corpus workspace (the cargo that runs xtask, when known).
fn cargo(work: &Path) -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut command = Command::new(program);
    command.current_dir(work).env("CARGO_TARGET_DIR", target_dir(work));
    command
}

/// The corpus workspace's target folder: `<work>/target`, or `SDKFORGE_CLIENTS_TARGET`.
pub fn target_dir(work: &Path) -> std::path::PathBuf {
    crate::e2e::shared_clients_target().unwrap_or_else(|| work.join("target"))
}

/// The process group of the cargo run under a time limit, so that an interrupt of xtask ends it.
static RUNNING_GROUP: AtomicI32 = AtomicI32::new(0);

/// Kills cargo's process group when the time runs out; [`Watchdog::stop`] says whether it did.
struct Watchdog {
    done: std::sync::mpsc::Sender<()>,
    thread: std::thread::JoinHandle<bool>,
}

impl Watchdog {
    fn start(pid: u32, limit: Duration) -> Watchdog {
        let group = i32::try_from(pid).unwrap_or(0);
        RUNNING_GROUP.store(group, Ordering::SeqCst);
        let (done, wait) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            match wait.recv_timeout(limit) {
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) if group > 0 => {
                    // SAFETY: kill(2) with a negative pid signals that process group; it touches no memory.
                    unsafe { libc::kill(-group, libc::SIGKILL) };
                    true
                }
                _ => false,
            }
        });
        Watchdog { done, thread }
    }

    fn stop(self) -> bool {
        let _ = self.done.send(());
        let killed = self.thread.join().unwrap_or(false);
        RUNNING_GROUP.store(0, Ordering::SeqCst);
        killed
    }
}

/// On SIGINT or SIGTERM, kills the running cargo's process group (which a terminal's Ctrl-C no
/// longer reaches, since it is a group of its own), then exits.
fn install_interrupt_handler() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    extern "C" fn on_signal(signal: libc::c_int) {
        let group = RUNNING_GROUP.load(Ordering::SeqCst);
        // SAFETY: kill(2) and _exit(2) are async-signal-safe.
        unsafe {
            if group > 0 {
                libc::kill(-group, libc::SIGKILL);
            }
            libc::_exit(128 + signal);
        }
    }
    ONCE.call_once(|| {
        let handler = on_signal as extern "C" fn(libc::c_int);
        // SAFETY: the handler only calls async-signal-safe functions.
        unsafe {
            libc::signal(libc::SIGINT, handler as libc::sighandler_t);
            libc::signal(libc::SIGTERM, handler as libc::sighandler_t);
        }
    });
}

/// Adds up the durations of each package's units in cargo's `--timings` report (the
/// `UNIT_DATA` array of `cargo-timing.html`), then removes the reports.
fn read_timings(dir: &Path, run: &mut CompileRun) {
    if let Ok(html) = std::fs::read_to_string(dir.join("cargo-timing.html")) {
        // A unit that failed is listed with a duration of 0: it tells nothing.
        for (name, seconds) in unit_durations(&html).into_iter().filter(|(_, s)| *s > 0.0) {
            if let Some(check) = run.crates.get_mut(&name) {
                *check.seconds.get_or_insert(0.0) += seconds;
            }
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// (package name, seconds) of every unit in a cargo timing report; empty when it has no
/// readable `UNIT_DATA`.
pub fn unit_durations(html: &str) -> Vec<(String, f64)> {
    let Some(at) = html.find("UNIT_DATA = ") else { return Vec::new() };
    let rest = &html[at + "UNIT_DATA = ".len()..];
    let Some(Ok(Value::Array(units))) = serde_json::Deserializer::from_str(rest).into_iter::<Value>().next() else {
        return Vec::new();
    };
    units
        .iter()
        .filter_map(|u| Some((u["name"].as_str()?.to_string(), u["duration"].as_f64()?)))
        .collect()
}

fn seed_lock(work: &Path, options: &Options) -> Result<(), String> {
    let lock = work.join("Cargo.lock");
    let Some(seed) = &options.lock_seed else { return Ok(()) };
    if !lock.exists() && seed.exists() {
        std::fs::copy(seed, &lock).map_err(|e| format!("cannot copy `{}` to `{}`: {e}", seed.display(), lock.display()))?;
    }
    Ok(())
}

/// Makes `work` the root of a cargo workspace of its own (outside the sdkforge workspace) with
/// these members (paths relative to it); its `Cargo.lock` starts as a copy of `lock_seed` (the
/// versions the sdkforge workspace tests), and is kept across runs.
pub fn own_workspace(work: &Path, written_by: &str, members: &[String], lock_seed: &Path) -> Result<(), String> {
    let mut text = format!("# Written by `{written_by}`.\n[workspace]\nresolver = \"2\"\nmembers = [\n");
    for m in members {
        text.push_str(&format!("    \"{m}\",\n"));
    }
    text.push_str("]\n");
    let path = work.join("Cargo.toml");
    std::fs::write(&path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    let lock = work.join("Cargo.lock");
    if !lock.exists() && lock_seed.exists() {
        std::fs::copy(lock_seed, &lock).map_err(|e| format!("cannot copy `{}` to `{}`: {e}", lock_seed.display(), lock.display()))?;
    }
    Ok(())
}

/// The text of `<work>/Cargo.toml`.
pub fn workspace_manifest(members: &[&str]) -> String {
    let mut s = String::from(
        "# Written by `cargo run -p xtask -- corpus` (or `guru --compile`) on every run; the generated\n\
         # crates are not part of the sdkforge workspace, this file is their own workspace root.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\n",
    );
    for m in members {
        s.push_str(&format!("    \"crates/{m}\",\n"));
    }
    s.push_str("]\n");
    s
}

fn write_workspace(work: &Path, members: &[&str]) -> Result<(), String> {
    let path = work.join("Cargo.toml");
    std::fs::write(&path, workspace_manifest(members)).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}

/// The member a cargo error names (`.../crates/<slug>` followed by a separator), the one named
/// first when several are.
fn culprit<'a>(stderr: &str, members: &[&'a str]) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for m in members {
        let needle = format!("crates/{m}");
        for (at, _) in stderr.match_indices(&needle) {
            let next = stderr[at + needle.len()..].chars().next();
            if next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                continue;
            }
            if best.is_none_or(|(b, _)| at < b) {
                best = Some((at, m));
            }
            break;
        }
    }
    best.map(|(_, m)| m)
}

/// Cargo's error text on one line: the first `error:` line and the last cause.
fn summarize_cargo_error(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let first = lines.iter().find(|l| l.starts_with("error")).or(lines.first()).copied().unwrap_or("cargo failed");
    let last = lines.last().copied().unwrap_or("");
    let s = if last.is_empty() || last == first { first.to_string() } else { format!("{first} … {last}") };
    shorten(&s, 300)
}

/// Copies cargo's stderr to ours line by line, returning its last lines.
fn tee_stderr(stderr: impl std::io::Read, quiet: bool) -> Vec<String> {
    let mut tail = Vec::new();
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        if !quiet {
            eprintln!("{line}");
        }
        tail.push(line);
        if tail.len() > 400 {
            tail.drain(..200);
        }
    }
    tail
}

fn handle_json(value: &Value, run: &mut CompileRun) {
    match value["reason"].as_str() {
        Some("compiler-message") => {
            let Some(slug) = value["package_id"].as_str().and_then(package_name) else { return };
            let Some(check) = run.crates.get_mut(&slug) else { return };
            if let Some((key, message, lint)) = parse_message(&value["message"], &slug) {
                check.add(key, message, lint);
            }
        }
        Some("compiler-artifact") => {
            let slug = value["package_id"].as_str().and_then(package_name);
            if let Some(check) = slug.and_then(|s| run.crates.get_mut(&s)) {
                check.artifacts += 1;
            }
        }
        Some("build-finished") => run.success = value["success"].as_bool().unwrap_or(false),
        _ => {}
    }
}

/// The package name in a cargo package id, old (`name 0.1.0 (path+file:///...)`) or new
/// (`path+file:///.../name#0.1.0`, `path+file:///.../dir#name@0.1.0`, `registry+...#name@1.0.0`)
/// format.
pub fn package_name(id: &str) -> Option<String> {
    if let Some((name, rest)) = id.split_once(' ') {
        if rest.contains('(') {
            return Some(name.to_string());
        }
    }
    let (url, fragment) = id.rsplit_once('#').unwrap_or((id, ""));
    if let Some((name, _)) = fragment.split_once('@') {
        return Some(name.to_string());
    }
    url.trim_end_matches('/').rsplit('/').next().filter(|s| !s.is_empty()).map(str::to_string)
}

/// A rustc JSON diagnostic as (key for removing repeats, message, is it a lint); `None` for
/// notes and for the summaries (`aborting due to …`, `N warnings emitted`).
fn parse_message(message: &Value, slug: &str) -> Option<(String, Message, bool)> {
    let level = message["level"].as_str()?;
    let is_error = level.starts_with("error");
    if !is_error && level != "warning" {
        return None;
    }
    let text = one_line(message["message"].as_str().unwrap_or(""));
    let spans = message["spans"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    if spans.is_empty() && is_summary(&text) {
        return None;
    }
    let code = message["code"]["code"].as_str().map(str::to_string);
    let span = spans.iter().find(|s| s["is_primary"].as_bool() == Some(true)).or(spans.first());
    let place = span.and_then(|s| {
        let file = s["file_name"].as_str()?;
        let prefix = format!("crates/{slug}/");
        let file = file.rsplit_once(prefix.as_str()).map_or(file, |(_, rel)| rel);
        Some(format!("{file}:{}", s["line_start"].as_u64().unwrap_or(0)))
    });
    // A diagnostic repeated at the same place (a crate checked twice) is one problem. (`rendered` cannot serve as the key: its notes name per-unit files.)
    let column = span.and_then(|s| s["column_start"].as_u64()).unwrap_or(0);
    let key = format!("{level}|{code:?}|{}|{place:?}:{column}", message["message"].as_str().unwrap_or(""));
    let message = Message { code, text, place };
    let lint = !is_error || message.is_lint();
    Some((key, message, lint))
}

fn is_summary(text: &str) -> bool {
    text.starts_with("aborting due to")
        || text.ends_with("warnings emitted")
        || text.ends_with("warning emitted")
        || text.starts_with("For more information about")
        || text.starts_with("Some errors have detailed explanations")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_in_every_id_format() {
        assert_eq!(package_name("path+file:///w/target/corpus/crates/apisguru-x#0.1.0").as_deref(), Some("apisguru-x"));
        assert_eq!(package_name("path+file:///w/crates/dir#apisguru-x@0.1.0").as_deref(), Some("apisguru-x"));
        assert_eq!(package_name("apisguru-x 0.1.0 (path+file:///w/crates/apisguru-x)").as_deref(), Some("apisguru-x"));
        assert_eq!(package_name("registry+https://github.com/rust-lang/crates.io-index#serde@1.0.228").as_deref(), Some("serde"));
    }

    #[test]
    fn messages_are_errors_or_lints_and_summaries_are_dropped() {
        let error = serde_json::json!({
            "level": "error", "message": "mismatched types\nmore", "code": {"code": "E0308"},
            "spans": [{"file_name": "crates/a-b/src/types.rs", "line_start": 12, "is_primary": true}],
            "rendered": "error[E0308]: mismatched types ..."
        });
        let (key, m, lint) = parse_message(&error, "a-b").expect("an error");
        assert!(!lint);
        let mut in_test_unit = error.clone();
        in_test_unit["rendered"] = "error[E0308]: mismatched types ... (other long-type file)".into();
        assert_eq!(parse_message(&in_test_unit, "a-b").expect("an error").0, key);
        assert_eq!(m.one_line(), "[E0308] mismatched types at src/types.rs:12");

        let denied = serde_json::json!({
            "level": "error", "message": "unneeded `return` statement", "code": {"code": "clippy::needless_return"},
            "spans": [{"file_name": "crates/a-b/src/lib.rs", "line_start": 3, "is_primary": true}]
        });
        assert!(parse_message(&denied, "a-b").expect("a lint").2);

        let syntax = serde_json::json!({"level": "error", "message": "expected `;`", "code": null, "spans": [] });
        assert!(!parse_message(&syntax, "a-b").expect("an error").2);

        for text in ["aborting due to 3 previous errors", "2 warnings emitted"] {
            let summary = serde_json::json!({"level": "error", "message": text, "code": null, "spans": []});
            assert_eq!(parse_message(&summary, "a-b"), None);
        }
        let note = serde_json::json!({"level": "note", "message": "x", "spans": []});
        assert_eq!(parse_message(&note, "a-b"), None);
    }

    #[test]
    fn a_failing_member_is_found_in_cargo_errors() {
        let stderr = "error: failed to load manifest for workspace member `/w/crates/a-b`\n\
                      referenced by workspace at `/w/Cargo.toml`\n\nCaused by:\n  failed to parse manifest at `/w/crates/a-b/Cargo.toml`";
        assert_eq!(culprit(stderr, &["a", "a-b-c", "a-b"]), Some("a-b"));
        assert_eq!(culprit(stderr, &["x"]), None);
        assert_eq!(
            summarize_cargo_error(stderr),
            "error: failed to load manifest for workspace member `/w/crates/a-b` … failed to parse manifest at `/w/crates/a-b/Cargo.toml`"
        );
    }

    #[test]
    fn unit_durations_are_read_from_the_timing_report() {
        let html = "<script>\nconst UNIT_DATA = [\n  {\"i\": 0, \"name\": \"guru-a\", \"duration\": 1.5, \"sections\": []},\n  \
                    {\"i\": 1, \"name\": \"serde\", \"duration\": 0.25}\n];\nconst CONCURRENCY_DATA = [];\n</script>";
        assert_eq!(unit_durations(html), [("guru-a".to_string(), 1.5), ("serde".to_string(), 0.25)]);
        assert!(unit_durations("<html>no data</html>").is_empty());
    }

    #[test]
    fn the_workspace_manifest_is_its_own_root() {
        let text = workspace_manifest(&["a", "b-c"]);
        assert!(text.contains("[workspace]\nresolver = \"2\"\nmembers = [\n    \"crates/a\",\n    \"crates/b-c\",\n]\n"), "{text}");
    }

    #[test]
    fn crates_without_errors_compile_and_lints_make_them_unclean() {
        let mut check = CrateCheck::default();
        assert!(check.clean());
        let lint = Message { code: Some("unused_imports".into()), text: "unused import".into(), place: None };
        check.add("k".into(), lint.clone(), true);
        check.add("k".into(), lint, true);
        assert_eq!(check.lints.len(), 1);
        assert!(check.compiled() && !check.clean());
        check.failure = Some("x".into());
        assert!(!check.compiled());
    }
}
