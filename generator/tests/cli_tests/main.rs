//! The command-line tests, one binary (each linked binary costs CI seconds): the `sdkforge`
//! executable run on fixtures. `cargo test -p sdkforge --test cli_tests overlay_cli` runs one module.

mod cli;
mod contract_cli;
mod external_refs_cli;
mod maintainer_cli;
mod openapi31_cli;
mod overlay_cli;
mod reading_cli;
mod swagger2_cli;

use std::path::Path;
use std::process::{Command, Output};

/// Runs the `sdkforge` executable in `cwd`, colours off, and waits for it.
fn sdkforge(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sdkforge")).args(args).current_dir(cwd).env("NO_COLOR", "1").output().expect("runs")
}
