//! Each stage of the pipeline timed on its own, on GitHub's and Stripe's documents, so a
//! regression points at its stage:
//!
//! ```sh
//! cargo bench -p sdkforge-benches                   # every stage, both documents
//! cargo bench -p sdkforge-benches -- github/format  # one
//! ```
//!
//! Every stage gets its input prepared outside the timed part (`iter_batched`), and its output is
//! dropped outside it too, so one stage's number does not include its neighbours'. `read` and
//! `resolve-fast` are the path a JSON document without overlays takes (text straight to the
//! typed document); `load`, `overlays` and `resolve` the general one (text, value, overlays,
//! typed document). `emit` and `format` run on one thread; `emit+format` is both as `generate`
//! runs them, on every core.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

// As in the `sdkforge` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use sdkforge_benches as b;
use std::time::Duration;

fn stages(c: &mut Criterion) {
    let scratch = tempfile::tempdir().expect("a temporary folder");
    for doc in b::documents() {
        let out = scratch.path().join(doc.name);
        let inputs = b::Inputs::new(&doc, &out);
        b::write(&inputs.files, &out);
        let mut g = c.benchmark_group(doc.name);
        g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(8));

        g.bench_function("read", |bench| bench.iter_with_large_drop(|| b::read(&doc.path)));
        g.bench_function("resolve-fast", |bench| bench.iter_with_large_drop(|| b::resolve_fast(&inputs.text)));
        g.bench_function("load", |bench| bench.iter_with_large_drop(|| b::load(&doc.path)));
        g.bench_function("overlays", |bench| {
            bench.iter_batched_ref(|| inputs.source.value.clone(), b::overlays, BatchSize::PerIteration)
        });
        g.bench_function("resolve", |bench| {
            bench.iter_batched(|| inputs.source.value.clone(), b::resolve, BatchSize::PerIteration)
        });
        g.bench_function("ir", |bench| bench.iter_with_large_drop(|| b::ir(&inputs.openapi, &inputs.names)));
        g.bench_function("emit", |bench| bench.iter_with_large_drop(|| b::emit(&inputs.api)));
        g.bench_function("format", |bench| {
            bench.iter_batched(|| b::emit(&inputs.api), |files| b::format(&inputs.api, files), BatchSize::PerIteration)
        });
        g.bench_function("emit+format", |bench| bench.iter_with_large_drop(|| b::emit_and_format(&inputs.api)));
        g.bench_function("write", |bench| bench.iter(|| b::write(&inputs.files, &out)));
        g.bench_function("compare", |bench| bench.iter(|| assert!(b::compare(&inputs.files, &out))));
        g.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
