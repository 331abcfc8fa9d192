//! Runs the pipeline once per benchmark document, the way `sdkforge check` does (same order,
//! same ownership: each stage consumes or drops what the next does not need), and prints how
//! long each stage took, the peak resident memory during it (Linux: `VmHWM`, reset before
//! each stage), and the heap it had live at its peak and at its end (counted by a wrapper around
//! mimalloc, the `sdkforge` binary's allocator, so independent of how the allocator holds on to
//! freed memory). A quick look before `cargo bench -p sdkforge-benches`, which repeats each
//! stage and gives medians; then, on one thread, the emit and format stages apart.
//!
//! ```sh
//! cargo run --release -p sdkforge-benches --bin stages [-- FILE...]
//! ```

use sdkforge_benches as b;
use mimalloc::MiMalloc;
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The allocator of the `sdkforge` binary, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `MiMalloc` unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as the caller promised for `layout`.
        let p = unsafe { MiMalloc.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as the caller promised.
        unsafe { MiMalloc.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as the caller promised.
        let p = unsafe { MiMalloc.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            let live = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size - layout.size();
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

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
            rows.push((name, started.elapsed(), peak_rss_mb(), PEAK.load(Ordering::Relaxed), LIVE.load(Ordering::Relaxed)));
        };

        // As `Generator::typed` does: the fast path when the document allows it.
        let t = start();
        let text = b::read(&doc.path);
        stage("read", t);
        let t = start();
        let fast = b::resolve_fast(&text);
        let openapi = match fast {
            Some(openapi) => {
                stage("resolve (fast path: text to typed document)", t);
                openapi
            }
            None => {
                let t = start();
                let mut source = b::load(&doc.path);
                stage("load (general path: text to value)", t);
                let value = std::mem::take(&mut source.value);
                let t = start();
                let openapi = b::resolve(value);
                stage("resolve (general path: value to typed document)", t);
                openapi
            }
        };
        let names = b::names(&b::config(&doc, &out));
        let t = start();
        let api = b::ir(&openapi, &names);
        stage("ir", t);
        drop(openapi);
        let t = start();
        let space = b::emit_and_format(&api);
        stage("emit + format (as generate runs them)", t);
        let t = start();
        b::write(&space, &out);
        stage("write", t);
        let t = start();
        assert!(b::compare(&space, &out));
        stage("compare (check, up to date)", t);
        drop(space);
        let t = start();
        let files = b::emit(&api);
        stage("emit alone, one thread (all tokens kept)", t);
        let t = start();
        let texts = b::format(&api, files);
        stage("format alone, one thread", t);
        // The general path, which overlays need, for comparison.
        let t = start();
        let mut source = b::load(&doc.path);
        stage("general path: load (text to value)", t);
        let mut value = std::mem::take(&mut source.value);
        let t = start();
        b::overlays(&mut value);
        stage("general path: overlays (bench.yaml)", t);
        let t = start();
        drop(b::resolve(value));
        stage("general path: resolve (value to typed document)", t);

        let lines: usize = texts.iter().map(|t| t.lines().count()).sum();
        println!("{} ({}, {:.1} MB; {} Rust lines generated)", doc.name, doc.path.display(), text.len() as f64 / 1e6, lines);
        println!("  {:<44} {:>9} {:>9} {:>10} {:>10}", "stage", "time", "peak RSS", "peak heap", "heap after");
        for (name, d, rss, peak, live) in rows {
            let rss = rss.map_or("-".to_string(), |r| format!("{r:.0} MB"));
            println!("  {name:<44} {:>6.1} ms {rss:>9} {:>7.0} MB {:>7.0} MB", d.as_secs_f64() * 1e3, mb(peak), mb(live));
        }
    }
}

/// Starts timing a stage: the peaks start again from what is live now.
fn start() -> Instant {
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
    reset_peak_rss();
    Instant::now()
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
