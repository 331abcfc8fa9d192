//! The baseline of the whole-process benchmark: the least any generator must do with a document,
//! read the file and parse it into a `serde_json::Value`. `sdkforge generate` is measured
//! against this program, in the same run, on the same file.
//!
//! ```sh
//! baseline FILE   # prints the number of top-level keys (so the parse cannot be skipped)
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: baseline FILE");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("baseline: cannot read {}: {e}", path.to_string_lossy());
            return ExitCode::from(2);
        }
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(value) => {
            println!("{} top-level keys", value.as_object().map_or(0, |o| o.len()));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("baseline: invalid JSON: {e}");
            ExitCode::from(2)
        }
    }
}
