//! `xtask e2e`: generated clients against real servers that serve their own documents.
//!
//! For each server (`../shared/realservers/<name>/`): start it by its start script (which
//! installs it when needed) with HTTP Basic auth on, fetch the document the server serves, generate
//! the client into `target/e2e/<name>/client`, build the scenario program of `tests/e2e/<name>/`
//! against it (`target/e2e` is a cargo workspace of its own, so dependencies build once), run it,
//! and stop the server by its PID whatever happened. The scenario prints one Markdown row per
//! HTTP call with its status and outcome; the report goes to stdout and `target/e2e/report.md`.

use crate::corpus::workspace_root;
use clap::Args;
use sdkforge::{Config, Generator};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// Options of `xtask e2e`.
#[derive(Args, Debug)]
pub struct E2eArgs {
    /// Servers to run (default: all of them: prefect, wiremock).
    pub servers: Vec<String>,
    /// Folder with the servers' start scripts. Default: `../shared/realservers` beside the
    /// workspace, or `$SDKFORGE_REALSERVERS`.
    #[arg(long, value_name = "DIR")]
    pub realservers: Option<PathBuf>,
}

/// What the harness knows about a server; the rest is in its folder and its scenario.
struct ServerDef {
    name: &'static str,
    /// The variable its start script reads `user:pass` from.
    auth_env: &'static str,
    /// Where it serves its document.
    document: &'static str,
    /// The first port tried.
    port: u16,
}

const SERVERS: &[ServerDef] = &[
    ServerDef { name: "prefect", auth_env: "PREFECT_AUTH", document: "/api/openapi.json", port: 14270 },
    ServerDef { name: "wiremock", auth_env: "WIREMOCK_ADMIN_AUTH", document: "/__admin/docs/swagger", port: 18070 },
];

/// The credentials the servers are started with (loopback only).
const USER: &str = "sdkforge";
const PASSWORD: &str = "e2e-secret";

/// One server's result.
struct Outcome {
    name: &'static str,
    /// The scenario's report (Markdown), or why there is none.
    report: String,
    passed: bool,
    timings: Vec<(&'static str, Duration)>,
}

/// Runs `xtask e2e`; `Err` is a usage problem (exit code 2).
pub fn run(args: &E2eArgs) -> Result<ExitCode, String> {
    let root = workspace_root();
    let realservers = args
        .realservers
        .clone()
        .or_else(|| std::env::var_os("SDKFORGE_REALSERVERS").map(PathBuf::from))
        .unwrap_or_else(|| root.join("../shared/realservers"));
    let chosen: Vec<&ServerDef> = if args.servers.is_empty() {
        SERVERS.iter().collect()
    } else {
        args.servers
            .iter()
            .map(|n| SERVERS.iter().find(|s| s.name == n).ok_or_else(|| format!("unknown server `{n}` (known: prefect, wiremock)")))
            .collect::<Result<_, _>>()?
    };
    let work = root.join("target/e2e");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create `{}`: {e}", work.display()))?;
    let ci = std::env::var_os("CI").is_some();
    let started = Instant::now();
    let mut outcomes = Vec::new();
    for def in chosen {
        outcomes.push(run_server(def, &realservers, &root, &work, ci));
    }
    let mut report = String::from("# End-to-end runs against real servers\n\n| server | result | start | document + generate | build | scenario | stop |\n|---|---|---|---|---|---|---|\n");
    for o in &outcomes {
        let t = |k: &str| o.timings.iter().find(|(n, _)| *n == k).map_or("-".to_string(), |(_, d)| format!("{:.1} s", d.as_secs_f64()));
        report.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            o.name,
            if o.passed { "passed" } else { "FAILED" },
            t("start"),
            t("generate"),
            t("build"),
            t("scenario"),
            t("stop")
        ));
    }
    report.push_str(&format!("\nTotal: {:.1} s.\n", started.elapsed().as_secs_f64()));
    for o in &outcomes {
        report.push_str(&format!("\n## {}\n\n{}\n", o.name, o.report.trim_end()));
    }
    let _ = std::fs::write(work.join("report.md"), &report);
    print!("{report}");
    Ok(if outcomes.iter().all(|o| o.passed) { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// A started server, stopped by its PID when dropped (on every path out of [`run_server`]).
struct Running {
    pid: i32,
    name: &'static str,
}

impl Drop for Running {
    fn drop(&mut self) {
        stop(self.pid, self.name);
    }
}

fn stop(pid: i32, name: &str) {
    // SAFETY: plain system calls on a PID this process started (through the start script).
    unsafe {
        if libc::kill(pid, libc::SIGTERM) != 0 {
            return;
        }
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if libc::kill(pid, 0) != 0 {
                eprintln!("e2e: {name} (pid {pid}) stopped");
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        eprintln!("e2e: {name} (pid {pid}) did not stop on SIGTERM; killing it");
        libc::kill(pid, libc::SIGKILL);
    }
}

fn run_server(def: &'static ServerDef, realservers: &Path, root: &Path, work: &Path, ci: bool) -> Outcome {
    let mut out = Outcome { name: def.name, report: String::new(), passed: false, timings: Vec::new() };
    let folder = realservers.join(def.name);
    let script = folder.join("start.sh");
    if !script.is_file() {
        out.report = format!("not run: `{}` is missing", script.display());
        // Outside CI a machine without the servers skips them; under CI that is a failure.
        out.passed = !ci;
        return out;
    }
    let port = free_port(def.port);
    let auth = format!("{USER}:{PASSWORD}");
    eprintln!("e2e: starting {} on 127.0.0.1:{port} ({})", def.name, script.display());
    let t = Instant::now();
    let started = Command::new("bash")
        .arg(&script)
        .arg(port.to_string())
        .env(def.auth_env, &auth)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output();
    let pid = match started {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().lines().last().and_then(|l| l.trim().parse::<i32>().ok()),
        Ok(o) => {
            out.report = format!("not run: the server did not start (`{}` exited with {})", script.display(), o.status);
            out.passed = !ci;
            return out;
        }
        Err(e) => {
            out.report = format!("not run: cannot run bash: {e}");
            out.passed = !ci;
            return out;
        }
    };
    let Some(pid) = pid else {
        out.report = "not run: the start script printed no PID".to_string();
        return out;
    };
    let running = Running { pid, name: def.name };
    out.timings.push(("start", t.elapsed()));
    let origin = format!("http://127.0.0.1:{port}");

    // The document the server serves, not a saved copy.
    let t = Instant::now();
    let dir = work.join(def.name);
    let _ = std::fs::create_dir_all(&dir);
    let document = dir.join("openapi.json");
    let fetched = Command::new("curl")
        .args(["-fsS", "--max-time", "60", "-u", &auth, "-o"])
        .arg(&document)
        .arg(format!("{origin}{}", def.document))
        .status();
    if !matches!(fetched, Ok(s) if s.success()) {
        out.report = format!("failed: cannot fetch the served document {origin}{}", def.document);
        return out;
    }
    let crate_name = format!("{}-client", def.name);
    // A fresh client every run: nothing (a release record, a stale file) carries over.
    let _ = std::fs::remove_dir_all(dir.join("client"));
    let config = Config::new(&document, dir.join("client"), &crate_name);
    let warnings = match Generator::new(config).write() {
        Ok(generated) => generated.warnings.len(),
        Err(d) => {
            out.report = format!("failed: generation refused the served document:\n\n```text\n{d}\n```");
            return out;
        }
    };
    out.timings.push(("generate", t.elapsed()));

    // The scenario crate: the program in tests/e2e/<name>/, the generated client as a dependency.
    let t = Instant::now();
    if let Err(e) = write_workspace(root, work) {
        out.report = format!("failed: {e}");
        return out;
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let scenario = format!("{}-scenario", def.name);
    let built = Command::new(&cargo)
        .current_dir(work)
        .env("CARGO_TARGET_DIR", clients_target())
        // The generated client (and the scenario) compile without a warning.
        .env("RUSTFLAGS", "-D warnings")
        .args(["build", "--quiet", "-p", &scenario])
        .status();
    if !matches!(built, Ok(s) if s.success()) {
        out.report = format!("failed: the scenario did not build against the generated client (`cargo build -p {scenario}` in {})", work.display());
        return out;
    }
    out.timings.push(("build", t.elapsed()));

    let t = Instant::now();
    let ran = Command::new(clients_target().join("debug").join(&scenario))
        .env("E2E_BASE_URL", &origin)
        .env("E2E_USER", USER)
        .env("E2E_PASSWORD", PASSWORD)
        .stderr(Stdio::inherit())
        .output();
    out.timings.push(("scenario", t.elapsed()));
    let t = Instant::now();
    drop(running);
    out.timings.push(("stop", t.elapsed()));
    match ran {
        Ok(o) => {
            out.report = format!(
                "Document: {origin}{} as served ({} bytes), generated with {warnings} warning(s).\n\n{}",
                def.document,
                std::fs::metadata(&document).map(|m| m.len()).unwrap_or(0),
                String::from_utf8_lossy(&o.stdout)
            );
            out.passed = o.status.success();
        }
        Err(e) => out.report = format!("failed: cannot run the scenario: {e}"),
    }
    out
}

/// The target folder of the generated crates built by `xtask e2e` and `xtask semver-pairs`
/// (one, so their dependencies build once).
/// (`SDKFORGE_CLIENTS_TARGET` overrides it: CI points every step that builds generated crates,
/// the corpus included, at one folder, so their dependencies are built once.)
pub fn clients_target() -> PathBuf {
    shared_clients_target().unwrap_or_else(|| workspace_root().join("target/generated-clients"))
}

/// `SDKFORGE_CLIENTS_TARGET`, when set: one target folder for every generated crate xtask builds.
pub fn shared_clients_target() -> Option<PathBuf> {
    std::env::var_os("SDKFORGE_CLIENTS_TARGET").filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// `target/e2e/Cargo.toml`: every server's client and scenario, one lock file, one target.
fn write_workspace(root: &Path, work: &Path) -> Result<(), String> {
    let mut members = Vec::new();
    for def in SERVERS {
        let client = work.join(def.name).join("client");
        if !client.join("Cargo.toml").exists() {
            continue;
        }
        let scenario_dir = work.join(def.name).join("scenario");
        std::fs::create_dir_all(&scenario_dir).map_err(|e| e.to_string())?;
        let main = root.join("tests/e2e").join(def.name).join("main.rs");
        let manifest = format!(
            "# Written by `cargo run -p xtask -- e2e`: the scenario in {main}.\n[package]\nname = \"{name}-scenario\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[[bin]]\nname = \"{name}-scenario\"\npath = {main:?}\n\n[dependencies]\n{name}-client = {{ path = \"../client\" }}\nserde_json = \"1\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n",
            main = main.display().to_string(),
            name = def.name
        );
        std::fs::write(scenario_dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
        members.push(format!("{}/client", def.name));
        members.push(format!("{}/scenario", def.name));
    }
    crate::common::compile::own_workspace(work, "cargo run -p xtask -- e2e", &members, &root.join("Cargo.lock"))
}

/// The first port from `from` that nothing listens on.
fn free_port(from: u16) -> u16 {
    (from..from.saturating_add(100)).find(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).is_ok()).unwrap_or(from)
}
