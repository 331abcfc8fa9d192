//! Runs the pipeline once per benchmark document, the way `sdkforge check` does (same order,
//! same ownership: each stage consumes or drops what the next does not need), and prints how
//! long each stage took and the peak resident memory during it (Linux: `VmHWM`, reset before
//! each stage). A quick look before `cargo bench -p sdkforge-benches`, which repeats each stage
//! and gives medians; then, on one thread, the emit and format stages apart.
//!
//! ```sh
//! cargo run --release -p sdkforge-benches --bin stages [-- FILE...]
//! ```

use sdkforge_benches as b;
use std::time::Instant;

fn main() {
    let docs: Vec<b::Document> = {
        let args: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
        if args.is_empty() { b::documents() } else { args.into_iter().map(|path| b::Document { name: "arg", path }).collect() }
    };
    let scratch = tempfile::tempdir().expect("a temporary folder");
    for doc in docs {
        let out = scratch.path().join(doc.name);
        let mut rows = Vec::new();
        let mut stage = |name: &'static str, started: Instant| {
            rows.push((name, started.elapsed(), peak_rss_mb()));
            reset_peak_rss();
        };
        reset_peak_rss();

        let t = Instant::now();
        let mut source = b::load(&doc.path);
        stage("load", t);
        let mut value = std::mem::take(&mut source.value);
        let t = Instant::now();
        b::overlays(&mut value);
        stage("overlays (benches/overlays/bench.yaml)", t);
        let t = Instant::now();
        let openapi = b::resolve(value);
        stage("resolve", t);
        let names = b::names(&b::config(&doc, &out));
        let t = Instant::now();
        let api = b::ir(&openapi, &names);
        stage("ir", t);
        drop(openapi);
        let t = Instant::now();
        let space = b::emit_and_format(&api);
        stage("emit + format (as generate runs them)", t);
        let t = Instant::now();
        b::write(&space, &out);
        stage("write", t);
        let t = Instant::now();
        assert!(b::compare(&space, &out));
        stage("compare (check, up to date)", t);
        drop(space);
        let t = Instant::now();
        let files = b::emit(&api);
        stage("emit alone, one thread (all tokens kept)", t);
        let t = Instant::now();
        let texts = b::format(&api, files);
        stage("format alone, one thread", t);

        let lines: usize = texts.iter().map(|t| t.lines().count()).sum();
        println!("{} ({}, {:.1} MB; {} Rust lines generated)", doc.name, doc.path.display(), source.text.len() as f64 / 1e6, lines);
        println!("  {:<44} {:>9} {:>14}", "stage", "time", "peak RSS");
        for (name, d, rss) in rows {
            let rss = rss.map_or("-".to_string(), |r| format!("{r:.0} MB"));
            println!("  {name:<44} {:>6.1} ms {rss:>14}", d.as_secs_f64() * 1e3);
        }
    }
}

/// The process's peak resident memory since the last reset, in MB (Linux only).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0 / 1e6)
}

/// Resets the peak to the current resident memory (Linux: `echo 5 > /proc/self/clear_refs`).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
