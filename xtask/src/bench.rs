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
    /// The CI guard: measure only the generate/parse ratio of the document named in FILE
    /// (default `benches/guard.json`) and fail (exit 1) when it exceeds the figure committed
    /// there by more than its tolerance.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "benches/guard.json")]
    pub guard: Option<PathBuf>,
}

/// `benches/guard.json`: the committed figure the CI guard compares against. Change `ratio` only
/// with a `why` (and a note on the issue) explaining the change.
#[derive(serde::Deserialize)]
struct Guard {
    /// The document, relative to `../shared/specs`.
    document: String,
    /// The build profile measured: `debug` (CI: the binaries its tests built, so the guard costs
    /// no release build) or `release`.
    profile: String,
    /// Rounds; each runs the baseline and `generate` once.
    runs: u32,
    /// The baseline reads and parses the document this many times in one process (its CPU time
    /// is divided by it), so that it runs long enough to measure steadily.
    baseline_repeat: u32,
    /// The median over rounds of `generate`'s CPU time over the baseline's, as committed.
    ratio: f64,
    /// How much worse than `ratio` still passes (0.3: 30%).
    tolerance: f64,
    /// Why the figure is what it is (where and when it was measured).
    #[allow(dead_code)]
    why: String,
}

/// The documents benchmarked by default, relative to `../shared/specs`.
const DEFAULT_DOCUMENTS: &[&str] = &["github/api.github.com.json", "apisguru/stripe.com.json"];

/// What one run of a program cost.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub wall: Duration,
    /// User plus system time, the child's waited-for children included.
    pub cpu: Duration,
    pub max_rss_bytes: u64,
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
    // The guard names the profile its figure was measured in; everything else is release.
    let guard = match &args.guard {
        Some(file) => {
            let path = root.join(file);
            let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            Some((path.clone(), serde_json::from_str::<Guard>(&text).map_err(|e| format!("`{}`: {e}", path.display()))?))
        }
        None => None,
    };
    let profile = guard.as_ref().map_or("release", |(_, g)| g.profile.as_str());
    if !matches!(profile, "release" | "debug") {
        return Err(format!("the guard's profile must be `release` or `debug`, not `{profile}`"));
    }
    if !args.no_build {
        eprintln!("bench: building the {profile} binaries");
        let mut build = vec!["build", "-q", "-p", "sdkforge", "--bin", "sdkforge", "-p", "sdkforge-benches", "--bin", "baseline"];
        if profile == "release" {
            build.insert(1, "--release");
        }
        let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .current_dir(&root)
            .args(&build)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("building the {profile} binaries failed"));
        }
    }
    let bins = target_dir(&root).join(profile);
    let sdkforge = bins.join("sdkforge");
    let baseline = bins.join("baseline");
    for bin in [&sdkforge, &baseline] {
        if !bin.is_file() {
            return Err(format!("`{}` does not exist (build it, or drop --no-build)", bin.display()));
        }
    }
    if let Some((file, g)) = guard {
        return run_guard(&root, &file, &g, &sdkforge, &baseline);
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

/// The CI guard ([`BenchArgs::guard`]). Each round runs the baseline and `generate` back to back
/// and takes the ratio of their CPU times; the guard reads the median of those ratios. CPU time
/// rather than wall time, and ratios of neighbours rather than of whole-run medians, because CI
/// machines are shared: a busy neighbour stretches wall time, and slows both programs of a round
/// alike.
fn run_guard(root: &Path, file: &Path, g: &Guard, sdkforge: &Path, baseline: &Path) -> Result<ExitCode, String> {
    if g.runs == 0 || g.baseline_repeat == 0 || g.ratio <= 0.0 || g.tolerance < 0.0 {
        return Err(format!("`{}`: runs, baseline_repeat, ratio and tolerance must be positive", file.display()));
    }
    let doc = root.join("../shared/specs").join(&g.document);
    if !doc.is_file() {
        return Err(format!("the guard's document `{}` does not exist", doc.display()));
    }
    let work = target_dir(root).join("bench-guard");
    let out = work.join("out");
    let parse: Vec<std::ffi::OsString> = vec![baseline.into(), doc.as_os_str().into(), g.baseline_repeat.to_string().into()];
    let generate: Vec<std::ffi::OsString> =
        vec![sdkforge.into(), "generate".into(), "--spec".into(), doc.as_os_str().into(), "--out".into(), out.into_os_string(), "--crate-name".into(), "guard-client".into()];
    // One unmeasured round: the file is in the page cache, the output folder exists.
    measure(&parse, &work)?;
    measure(&generate, &work)?;
    let mut ratios = Vec::new();
    for round in 0..g.runs {
        // Alternate which goes first, so neither always runs on a warmer machine.
        let (p, gen_) = if round % 2 == 0 {
            let p = measure(&parse, &work)?;
            (p, measure(&generate, &work)?)
        } else {
            let gen_ = measure(&generate, &work)?;
            (measure(&parse, &work)?, gen_)
        };
        let parse_once = p.cpu.as_secs_f64() / f64::from(g.baseline_repeat);
        ratios.push(gen_.cpu.as_secs_f64() / parse_once.max(1e-6));
    }
    ratios.sort_by(f64::total_cmp);
    let measured = ratios[ratios.len() / 2];
    let limit = g.ratio * (1.0 + g.tolerance);
    let shown: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();
    println!("bench guard: {} — generate / parse, CPU time, {} rounds: {}", g.document, g.runs, shown.join(" "));
    println!(
        "bench guard: median {measured:.2}× against the committed {:.2}× (limit {limit:.2}×, +{:.0}%): {}",
        g.ratio,
        g.tolerance * 100.0,
        if measured <= limit { "ok" } else { "REGRESSED" }
    );
    if measured > limit {
        println!("generation got slower relative to parsing the document; profile it (docs/performance.md), or, if the cost is intended, update `{}` with a `why`", file.display());
        return Ok(ExitCode::FAILURE);
    }
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
    // The trees start empty: one left by an older build would carry that build's API manifest,
    // and `check` would then report a semver change instead of timing an up-to-date tree.
    for dir in [out.clone(), work.join(format!("{stem}-compare"))] {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| format!("cannot remove `{}`: {e}", dir.display()))?;
        }
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
    for p in &programs {
        let wall = median(p.samples.iter().map(|s| s.wall));
        let cpu = median(p.samples.iter().map(|s| s.cpu));
        let rss = p.samples.iter().map(|s| s.max_rss_bytes).max().unwrap_or(0);
        let ratio = wall.as_secs_f64() / base.as_secs_f64();
        println!("| {} | {:.0} ms | {:.0} ms | {:.0} MB | {:.2}× |", p.label, ms(wall), ms(cpu), rss as f64 / 1e6, ratio);
    }
    let gen_wall = median(programs[1].samples.iter().map(|s| s.wall));
    let check_wall = median(programs[2].samples.iter().map(|s| s.wall));
    let peak = programs[1..3].iter().flat_map(|p| &p.samples).map(|s| s.max_rss_bytes).max().unwrap_or(0);
    let base = base.as_secs_f64();
    let t = Targets::of(&stem);
    let mut met = true;
    let mut shown = Vec::new();
    if let Some(x) = t.generate {
        let r = gen_wall.as_secs_f64() / base;
        met &= r <= x;
        shown.push(format!("generate ≤ {x}× baseline: {r:.2}× {}", mark(r <= x)));
    }
    if let Some(x) = t.check {
        let r = check_wall.as_secs_f64() / base;
        met &= r <= x;
        shown.push(format!("check ≤ {x}× baseline: {r:.2}× {}", mark(r <= x)));
    }
    if let Some(mib) = t.rss_mib {
        let ok = peak <= mib * 1024 * 1024;
        met &= ok;
        shown.push(format!("peak RSS ≤ {mib} MiB: {:.0} MiB {}", peak as f64 / 1048576.0, mark(ok)));
    }
    println!();
    if shown.is_empty() {
        println!("targets: none for this document");
    } else {
        println!("targets: {}", shown.join("; "));
    }
    Ok(met)
}

/// The targets of issue 19 for the documents that have them (wall-time ratios of medians).
struct Targets {
    generate: Option<f64>,
    check: Option<f64>,
    rss_mib: Option<u64>,
}

impl Targets {
    fn of(stem: &str) -> Self {
        match stem {
            "api.github.com" => Targets { generate: Some(4.0), check: Some(3.0), rss_mib: Some(130) },
            "stripe.com" => Targets { generate: Some(8.0), check: None, rss_mib: None },
            _ => Targets { generate: None, check: None, rss_mib: None },
        }
    }
}

fn mark(ok: bool) -> &'static str {
    if ok { "(met)" } else { "(NOT met)" }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub fn median(values: impl Iterator<Item = Duration>) -> Duration {
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
    let mut c = Command::new(&command[0]);
    c.args(&command[1..]);
    measure_command(c, work)
}

/// Runs `command` to completion and measures it; its output goes to `work/last.stdout` and
/// `last.stderr`, shown when it fails.
pub fn measure_command(mut command: Command, work: &Path) -> Result<Sample, String> {
    std::fs::create_dir_all(work).map_err(|e| format!("cannot create `{}`: {e}", work.display()))?;
    let stdout = std::fs::File::create(work.join("last.stdout")).map_err(|e| e.to_string())?;
    let stderr = std::fs::File::create(work.join("last.stderr")).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let child = command
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("cannot run `{}`: {e}", command.get_program().to_string_lossy()))?;
    let (status, usage) = wait4(child.id())?;
    let wall = started.elapsed();
    if status != 0 {
        let err = std::fs::read_to_string(work.join("last.stderr")).unwrap_or_default();
        let mut shown: Vec<String> = vec![command.get_program().to_string_lossy().into_owned()];
        shown.extend(command.get_args().map(|a| a.to_string_lossy().into_owned()));
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
