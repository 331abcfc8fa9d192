//! `xtask compile-time`: how long a generated crate takes to compile, which is what its users
//! pay on every clean build of their application.
//!
//! It generates the document's crate into `target/compile-time/` (its own workspace, the lock
//! file seeded from sdkforge's; the target folder the other generated clients share), builds
//! the dependencies once, and then, in rounds, removes the
//! crate's own artifacts (`cargo clean -p`) and times, with the dependencies warm:
//!
//! - `cargo check --lib` of the whole crate (every group: its default features);
//! - `cargo check --lib` of the largest group alone (`--no-default-features --features G`, the
//!   group whose module is largest; `--group` names others);
//! - `cargo build --lib` (debug) of the whole crate.
//!
//! Each timing is one cargo process: wall time around it, CPU time (user + sys, the compiler's
//! included) from `wait4`. It prints medians and each variant's share of the whole crate's check.
//! `CARGO_INCREMENTAL=0`, as on CI and for a dependency of another crate.

use crate::bench::{Sample, measure_command, median};
use crate::corpus::workspace_root;
use clap::Args;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

/// Options of `xtask compile-time`.
#[derive(Args, Debug)]
pub struct CompileTimeArgs {
    /// The document. Default: GitHub's REST description from `../shared/specs`.
    pub document: Option<PathBuf>,
    /// Rounds (each times every variant once).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
    /// Groups to time alone (default: the one with the largest module).
    #[arg(long = "group", value_name = "FEATURE")]
    pub groups: Vec<String>,
    /// Skip the debug `cargo build` (it takes as long as the checks together).
    #[arg(long)]
    pub no_build: bool,
    /// Instead of timing rounds, run one `cargo check` of the whole crate under rustc's
    /// self-profiler and print where its time goes, by kind of generated code.
    #[arg(long, conflicts_with_all = ["runs", "groups", "no_build"])]
    pub profile: bool,
}

/// One thing timed in every round.
struct Variant {
    label: String,
    args: Vec<String>,
    samples: Vec<Sample>,
}

/// Runs `xtask compile-time`; `Err` is a usage or environment problem (exit code 2).
pub fn run(args: &CompileTimeArgs) -> Result<ExitCode, String> {
    let root = workspace_root();
    let doc = args.document.clone().unwrap_or_else(|| root.join("../shared/specs/github/api.github.com.json"));
    if !doc.is_file() {
        return Err(format!("`{}` does not exist", doc.display()));
    }
    let work = std::path::absolute(root.join("target/compile-time")).map_err(|e| e.to_string())?;
    let name = "compile-time-client";
    let out = work.join("client");
    eprintln!("compile-time: generating `{}`", doc.display());
    let config = sdkforge::Config::new(&doc, &out, name);
    let generator = sdkforge::Generator::new(config);
    generator.write().map_err(|d| format!("generation failed:\n{d}"))?;
    let (api, _) = generator.ir().map_err(|d| format!("generation failed:\n{d}"))?;
    crate::common::compile::own_workspace(&work, "cargo run -p xtask -- compile-time", &["client".to_string()], &root.join("Cargo.lock"))?;

    if args.profile {
        return profile(&work, name);
    }
    let groups = if args.groups.is_empty() { largest_group(&out)?.into_iter().collect() } else { args.groups.clone() };
    let check = |extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = ["check", "-q", "-p", name, "--lib"].map(String::from).to_vec();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let mut variants = vec![Variant { label: "cargo check --lib (every group)".into(), args: check(&[]), samples: Vec::new() }];
    // The part every group pays for: the runtime, the client, the crate-wide passes and the
    // always-compiled types.
    variants.push(Variant { label: "cargo check --lib, no group (the fixed part)".into(), args: check(&["--no-default-features"]), samples: Vec::new() });
    for g in &groups {
        variants.push(Variant {
            label: format!("cargo check --lib, group `{g}` alone"),
            args: check(&["--no-default-features", "--features", g]),
            samples: Vec::new(),
        });
    }
    if !args.no_build {
        variants.push(Variant {
            label: "cargo build --lib (debug, every group)".into(),
            args: ["build", "-q", "-p", name, "--lib"].map(String::from).to_vec(),
            samples: Vec::new(),
        });
    }

    // Warm: the dependencies of every variant, built once and not timed.
    for v in &variants {
        eprintln!("compile-time: warming `cargo {}`", v.args.join(" "));
        cargo_measure(&work, &v.args)?;
    }
    for round in 0..args.runs {
        for v in &mut variants {
            eprintln!("compile-time: round {}/{}: cargo {}", round + 1, args.runs, v.args.join(" "));
            cargo_measure(&work, &["clean".into(), "-q".into(), "-p".into(), name.into()])?;
            v.samples.push(cargo_measure(&work, &v.args)?);
        }
    }

    let lines = std::fs::read_dir(out.join("src"))
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| std::fs::read_to_string(e.path()).map(|t| t.lines().count()).unwrap_or(0))
        .sum::<usize>();
    println!();
    println!("## {} ({lines} lines in src/*.rs), {} rounds, medians", doc.display(), args.runs);
    println!();
    println!("| variant | wall | CPU (user+sys) | share of the whole check (wall) |");
    println!("|---|---:|---:|---:|");
    let whole = median(variants[0].samples.iter().map(|s| s.wall));
    for v in &variants {
        let wall = median(v.samples.iter().map(|s| s.wall));
        let cpu = median(v.samples.iter().map(|s| s.cpu));
        println!("| {} | {:.1} s | {:.1} s | {:.0}% |", v.label, wall.as_secs_f64(), cpu.as_secs_f64(), 100.0 * wall.as_secs_f64() / whole.as_secs_f64());
    }
    let group_share = variants[2..2 + groups.len()]
        .iter()
        .map(|v| median(v.samples.iter().map(|s| s.wall)).as_secs_f64() / whole.as_secs_f64())
        .fold(0.0, f64::max);
    // What a group alone would cost if its time were the fixed part plus its operations' share
    // of the rest: a floor for the share no trimming of the generated code can go below.
    let fixed = median(variants[1].samples.iter().map(|s| s.wall)).as_secs_f64();
    let features = sdkforge::emit::features::Features::modules(&api);
    println!();
    for g in &groups {
        let (own, all) = operation_share(&api, &features, g);
        let ops = own as f64 / all.max(1) as f64;
        let floor = (fixed + ops * (whole.as_secs_f64() - fixed)) / whole.as_secs_f64();
        println!(
            "group `{g}`: {own} of {all} operations ({:.1}%); with the fixed part ({fixed:.1} s), a floor of {:.0}% of the whole check",
            100.0 * ops,
            100.0 * floor
        );
    }
    println!();
    println!(
        "targets (GitHub's document): whole check ≤ 45 s: {:.1} s {}; largest group ≤ 10% of it: {:.0}% {}",
        whole.as_secs_f64(),
        mark(whole <= Duration::from_secs(45)),
        group_share * 100.0,
        mark(group_share <= 0.10)
    );
    Ok(ExitCode::SUCCESS)
}

/// `--profile`: one self-profiled check of the whole crate, summarised.
fn profile(work: &Path, name: &str) -> Result<ExitCode, String> {
    let dir = work.join("profile");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    eprintln!("compile-time: warming the dependencies");
    cargo_measure(work, &["check".into(), "-q".into(), "-p".into(), name.into(), "--lib".into()])?;
    cargo_measure(work, &["clean".into(), "-q".into(), "-p".into(), name.into()])?;
    eprintln!("compile-time: `cargo check` of `{name}` under -Z self-profile (slower than a plain check)");
    let flag = format!("-Zself-profile={}", dir.display());
    let args: Vec<String> = ["rustc", "-q", "--lib", "-p", name, "--profile", "check", "--", &flag, "-Zself-profile-events=default,args"].map(String::from).to_vec();
    // The profiler is unstable: RUSTC_BOOTSTRAP for this one cargo process only.
    let mut command = cargo_command(work, &args);
    command.env("RUSTC_BOOTSTRAP", "1");
    let sample = measure_command(command, &work.join("logs"))?;
    let file = std::fs::read_dir(&dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "mm_profdata"))
        .ok_or_else(|| format!("rustc wrote no profile into `{}`", dir.display()))?;
    let crate_ident = name.replace('-', "_");
    let summary = crate::compile_profile::read(&file.with_extension(""), &crate_ident);
    // The profile is gigabytes for a large crate: it goes once read.
    let _ = std::fs::remove_dir_all(&dir);
    println!("\n## Where `cargo check` of `{name}` spends its time ({:.1} s wall under the profiler)\n", sample.wall.as_secs_f64());
    println!("{}", crate::compile_profile::report(&summary?));
    Ok(ExitCode::SUCCESS)
}

fn mark(ok: bool) -> &'static str {
    if ok { "(met)" } else { "(NOT met)" }
}

/// Runs cargo in the work folder (no incremental caches) and measures it.
fn cargo_measure(work: &Path, args: &[String]) -> Result<Sample, String> {
    measure_command(cargo_command(work, args), &work.join("logs"))
}

/// `cargo ARGS` in the work folder, with the shared clients' target and no incremental caches.
fn cargo_command(work: &Path, args: &[String]) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command: Vec<OsString> = vec![cargo];
    command.extend(args.iter().map(OsString::from));
    let mut c = Command::new(&command[0]);
    // The generated clients' shared target (`target/generated-clients`): its dependencies are
    // usually built already.
    c.args(&command[1..]).current_dir(work).env("CARGO_TARGET_DIR", crate::e2e::clients_target()).env("CARGO_INCREMENTAL", "0");
    c
}

/// The group feature whose module (`src/<group>.rs`) is largest, if the crate has groups.
/// How many of the document's operations have their builder in `feature`'s module, and how
/// many operations there are.
fn operation_share(api: &sdkforge::ir::Api, features: &sdkforge::emit::features::Features, feature: &str) -> (usize, usize) {
    let own = api.operations.iter().filter(|o| features.home_feature(o) == Some(feature)).count();
    (own, api.operations.len())
}

fn largest_group(crate_dir: &Path) -> Result<Option<String>, String> {
    let path = crate_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let manifest: toml::Table = text.parse().map_err(|e| format!("`{}`: {e}", path.display()))?;
    let features = manifest.get("features").and_then(toml::Value::as_table);
    let size = |f: &str| std::fs::metadata(crate_dir.join("src").join(format!("{f}.rs"))).map_or(0, |m| m.len());
    let best = features
        .into_iter()
        .flat_map(|t| t.keys())
        .filter(|f| *f != "default")
        .map(|f| (size(f), f.clone()))
        .filter(|(size, _)| *size > 0)
        // Largest first; of equal sizes, the first name.
        .min_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok(best.map(|(_, f)| f))
}

#[cfg(test)]
mod tests {
    use super::largest_group;

    #[test]
    fn the_largest_group_is_the_feature_with_the_largest_module() {
        let dir = std::env::temp_dir().join(format!("xtask-compile-time-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"x\"\n\n[features]\ndefault = [\"pets\", \"store\"]\npets = []\nstore = []\n\n[dependencies]\nserde = \"1\"\n",
        )
        .unwrap();
        std::fs::write(dir.join("src/pets.rs"), "x".repeat(10)).unwrap();
        std::fs::write(dir.join("src/store.rs"), "x".repeat(20)).unwrap();
        // `default` is never a group, even when a file of that name were there.
        std::fs::write(dir.join("src/default.rs"), "x".repeat(99)).unwrap();
        assert_eq!(largest_group(&dir).unwrap().as_deref(), Some("store"));
        std::fs::remove_file(dir.join("src/store.rs")).unwrap();
        assert_eq!(largest_group(&dir).unwrap().as_deref(), Some("pets"));
        std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        assert_eq!(largest_group(&dir).unwrap(), None, "no features: no groups");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
