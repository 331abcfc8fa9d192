//! Runs the pipeline once per benchmark document and prints how long each stage took: a quick
//! look before reaching for `cargo bench -p sdkforge-benches` (which repeats each stage and
//! gives medians).
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
        let mut times = Vec::new();
        let mut time = |stage: &'static str, started: Instant| times.push((stage, started.elapsed()));

        let t = Instant::now();
        let source = b::load(&doc.path);
        time("load", t);
        let mut value = source.value.clone();
        let t = Instant::now();
        b::overlays(&mut value);
        time("overlays (bench.yaml)", t);
        let t = Instant::now();
        let openapi = b::resolve(value);
        time("resolve", t);
        let names = b::names(&b::config(&doc, &out));
        let t = Instant::now();
        let api = b::ir(&openapi, &names);
        time("ir", t);
        let t = Instant::now();
        let files = b::emit(&api);
        time("emit (tokens)", t);
        let t = Instant::now();
        let texts = b::format(&api, files);
        time("format (one thread)", t);
        let t = Instant::now();
        let space = b::emit_and_format(&api);
        time("emit + format (as generate runs them)", t);
        let t = Instant::now();
        b::write(&space, &out);
        time("write", t);
        let t = Instant::now();
        assert!(b::compare(&space, &out));
        time("compare (check, up to date)", t);

        let lines: usize = texts.iter().map(|t| t.lines().count()).sum();
        println!("{} ({}, {:.1} MB; {} Rust lines generated)", doc.name, doc.path.display(), source.text.len() as f64 / 1e6, lines);
        for (stage, d) in times {
            println!("  {stage:<40} {:>9.1} ms", d.as_secs_f64() * 1e3);
        }
    }
}
