//! `xtask bench`: the whole-process benchmark. Builds the release binaries, then runs, in
//! alternation and on the same file, the baseline (read the file and parse it into a
//! `serde_json::Value`), `sdkforge generate` and `sdkforge check` (on the tree `generate` just
//! wrote), and prints for each the median wall time, the median CPU time, the peak resident
//! memory and the ratio to the baseline's median.
//!
//! Rounds alternate the programs (in an order that rotates each round) so that whatever else the
//! machine does affects them alike; medians discard the outliers. Peak memory is the child's
//! `ru_maxrss` as `wait4` reports it.

use crate::corpus::workspace_root;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// Options of `xtask bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Documents to generate from. Default: GitHub's and Stripe's from `../shared/specs`.
    pub documents: Vec<PathBuf>,
    /// Rounds (each runs every program once).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
    /// Do not build; use the binaries already in `target/release`.
    #[arg(long)]
    pub no_build: bool,
    /// Another `sdkforge` binary (say, a build of an older commit) to run in the same rounds, for
    /// before/after figures measured together.
    #[arg(long, value_name = "BINARY")]
    pub compare: Option<PathBuf>,
}

/// The documents benchmarked by default, relative to `../shared/specs`.
const DEFAULT_DOCUMENTS: &[&str] = &["github/api.github.com.json", "apisguru/stripe.com.json"];

/// What one run of a program cost.
#[derive(Clone, Copy, Debug)]
struct Sample {
    wall: Duration,
    cpu: Duration,
    max_rss_bytes: u64,
}

/// A program run in every round.
struct Program {
    label: String,
    command: Vec<std::ffi::OsString>,
    samples: Vec<Sample>,
}

/// Runs `xtask bench`; `Err` is a usage or environment problem (exit code 2).
pub fn run(args: &BenchArgs) -> Result<ExitCode, String> {
    let root = workspace_root();
    if !args.no_build {
        eprintln!("bench: building the release binaries");
        let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .current_dir(&root)
            .args(["build", "--release", "-q", "-p", "sdkforge", "--bin", "sdkforge", "-p", "sdkforge-benches", "--bin", "baseline"])
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err("building the release binaries failed".into());
        }
    }
    let release = target_dir(&root).join("release");
    let sdkforge = release.join("sdkforge");
    let baseline = release.join("baseline");
    for bin in [&sdkforge, &baseline] {
        if !bin.is_file() {
            return Err(format!("`{}` does not exist (build it, or drop --no-build)", bin.display()));
        }
    }
    let documents: Vec<PathBuf> = if args.documents.is_empty() {
        DEFAULT_DOCUMENTS.iter().map(|d| root.join("../shared/specs").join(d)).filter(|p| {
            let present = p.is_file();
            if !present {
                eprintln!("bench: `{}` not found; skipping it", p.display());
            }
            present
        }).collect()
    } else {
        args.documents.clone()
    };
    let work = target_dir(&root).join("bench");
    let mut all_met = true;
    for doc in &documents {
        all_met &= bench_document(doc, &work, &sdkforge, &baseline, args)?;
    }
    println!();
    println!("{}", if all_met { "every target met" } else { "some targets NOT met" });
    Ok(ExitCode::SUCCESS)
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"))
}

/// Benchmarks one document; returns whether its targets were met.
fn bench_document(doc: &Path, work: &Path, sdkforge: &Path, baseline: &Path, args: &BenchArgs) -> Result<bool, String> {
    let size = std::fs::metadata(doc).map_err(|e| format!("cannot read `{}`: {e}", doc.display()))?.len();
    let stem = doc.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "doc".into());
    let generate = |bin: &Path, out: &Path, command: &str| -> Vec<std::ffi::OsString> {
        vec![bin.into(), command.into(), "--spec".into(), doc.into(), "--out".into(), out.into(), "--crate-name".into(), "bench-client".into()]
    };
    let out = work.join(&stem);
    let mut programs = vec![
        Program { label: "baseline (read + serde_json::Value)".into(), command: vec![baseline.into(), doc.into()], samples: Vec::new() },
        Program { label: "sdkforge generate".into(), command: generate(sdkforge, &out, "generate"), samples: Vec::new() },
        Program { label: "sdkforge check (up to date)".into(), command: generate(sdkforge, &out, "check"), samples: Vec::new() },
    ];
    if let Some(other) = &args.compare {
        let out = work.join(format!("{stem}-compare"));
        let name = other.display();
        programs.push(Program { label: format!("{name} generate"), command: generate(other, &out, "generate"), samples: Vec::new() });
        programs.push(Program { label: format!("{name} check"), command: generate(other, &out, "check"), samples: Vec::new() });
    }
    // One unmeasured round: the output trees exist (so `check` compares against an up-to-date
    // tree) and the file is in the page cache.
    for p in &programs {
        measure(&p.command, work)?;
    }
    for round in 0..args.runs as usize {
        for k in 0..programs.len() {
            let i = (round + k) % programs.len();
            let sample = measure(&programs[i].command, work)?;
            programs[i].samples.push(sample);
        }
    }

    println!();
    println!("## {} ({:.1} MB), {} runs each, medians", doc.display(), size as f64 / 1e6, args.runs);
    println!();
    println!("| program | wall | CPU (user+sys) | peak RSS | wall / baseline |");
    println!("|---|---:|---:|---:|---:|");
    let base = median(programs[0].samples.iter().map(|s| s.wall));
    let mut met = true;
    for (i, p) in programs.iter().enumerate() {
        let wall = median(p.samples.iter().map(|s| s.wall));
        let cpu = median(p.samples.iter().map(|s| s.cpu));
        let rss = p.samples.iter().map(|s| s.max_rss_bytes).max().unwrap_or(0);
        let ratio = wall.as_secs_f64() / base.as_secs_f64();
        println!("| {} | {:.0} ms | {:.0} ms | {:.0} MB | {:.2}× |", p.label, ms(wall), ms(cpu), rss as f64 / 1e6, ratio);
        if (1..=2).contains(&i) {
            met &= ratio <= 5.0 && rss <= 10 * size;
        }
    }
    let gen_wall = median(programs[1].samples.iter().map(|s| s.wall));
    let check_wall = median(programs[2].samples.iter().map(|s| s.wall));
    let peak = programs[1..3].iter().flat_map(|p| &p.samples).map(|s| s.max_rss_bytes).max().unwrap_or(0);
    println!();
    println!(
        "targets: generate ≤ 5× baseline: {:.2}× {}; check ≤ generate: {:.0} ms vs {:.0} ms {}; peak RSS ≤ 10× input ({:.0} MB): {:.0} MB {}",
        gen_wall.as_secs_f64() / base.as_secs_f64(),
        mark(gen_wall.as_secs_f64() <= 5.0 * base.as_secs_f64()),
        ms(check_wall),
        ms(gen_wall),
        // Medians of a noisy machine: within 5% counts as "no more".
        mark(check_wall.as_secs_f64() <= gen_wall.as_secs_f64() * 1.05),
        (10 * size) as f64 / 1e6,
        peak as f64 / 1e6,
        mark(peak <= 10 * size),
    );
    Ok(met)
}

fn mark(ok: bool) -> &'static str {
    if ok { "(met)" } else { "(NOT met)" }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(values: impl Iterator<Item = Duration>) -> Duration {
    let mut v: Vec<Duration> = values.collect();
    v.sort_unstable();
    match v.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2,
    }
}

/// Runs a command to completion; its output goes to files in `work` (`check` exits 1 on drift,
/// which is an error here: the tree was just generated).
fn measure(command: &[std::ffi::OsString], work: &Path) -> Result<Sample, String> {
    std::fs::create_dir_all(work).map_err(|e| format!("cannot create `{}`: {e}", work.display()))?;
    let stdout = std::fs::File::create(work.join("last.stdout")).map_err(|e| e.to_string())?;
    let stderr = std::fs::File::create(work.join("last.stderr")).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let child = Command::new(&command[0])
        .args(&command[1..])
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("cannot run `{}`: {e}", command[0].to_string_lossy()))?;
    let (status, usage) = wait4(child.id())?;
    let wall = started.elapsed();
    if status != 0 {
        let err = std::fs::read_to_string(work.join("last.stderr")).unwrap_or_default();
        let shown: Vec<String> = command.iter().map(|a| a.to_string_lossy().into_owned()).collect();
        return Err(format!("`{}` failed (status {status}):\n{err}", shown.join(" ")));
    }
    let tv = |t: libc::timeval| Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
    Ok(Sample {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        // Linux reports ru_maxrss in kilobytes.
        max_rss_bytes: usage.ru_maxrss as u64 * 1024,
    })
}

/// Waits for the child and returns its exit code (or 128 + signal) and resource usage.
fn wait4(pid: u32) -> Result<(i32, libc::rusage), String> {
    let mut status = 0;
    // SAFETY: `rusage` is plain data that wait4 fills in; the pid is our own child's.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pointers to live locals; see above.
        let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
        if r == pid as libc::pid_t {
            break;
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4 failed: {err}"));
        }
    }
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { 128 + libc::WTERMSIG(status) };
    Ok((code, usage))
}
