//! The baseline of the whole-process benchmark: the least any generator must do with a document,
//! read the file and parse it into a `serde_json::Value`. `sdkforge generate` is measured
//! against this program, in the same run, on the same file.
//!
//! ```sh
//! baseline FILE [N]   # prints the number of top-level keys (so the parse cannot be skipped)
//! ```
//!
//! With `N`, it reads and parses the file `N` times over (the CI guard divides by `N`: a short
//! process's time is noisy, so it measures a longer one).

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: baseline FILE [N]");
        return ExitCode::from(2);
    };
    let repeat = match std::env::args().nth(2).map(|n| n.parse::<u32>()) {
        None => 1,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("baseline: N must be a positive integer");
            return ExitCode::from(2);
        }
    };
    for _ in 1..repeat {
        if let Err(code) = parse(&path) {
            return code;
        }
    }
    match parse(&path) {
        Ok(keys) => {
            println!("{keys} top-level keys");
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

/// Reads and parses the file; the number of its top-level keys.
fn parse(path: &std::ffi::OsStr) -> Result<usize, ExitCode> {
    let bytes = std::fs::read(path).map_err(|e| {
        eprintln!("baseline: cannot read {}: {e}", path.to_string_lossy());
        ExitCode::from(2)
    })?;
    let value = serde_json::from_slice::<serde_json::Value>(&bytes).map_err(|e| {
        eprintln!("baseline: invalid JSON: {e}");
        ExitCode::from(2)
    })?;
    Ok(value.as_object().map_or(0, |o| o.len()))
}
