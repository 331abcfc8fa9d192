//! Generating one crate per document with the sdkforge library, panics caught.

use super::collect::Document;
use crate::common::text::{one_line, shorten};
use sdkforge::{Config, Diagnostics, Generator};
use std::panic::{AssertUnwindSafe, PanicHookInfo};
use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How the generation of one document ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The crate was written.
    Generated {
        /// How many files it has.
        files: usize,
    },
    /// The generator reported errors (nothing written).
    Rejected {
        /// The first error, on one line.
        first_error: String,
        /// How many errors there were.
        errors: usize,
    },
    /// The generator panicked.
    Panicked {
        /// The panic message and where it happened, on one line.
        message: String,
    },
}

/// The generation of one document.
#[derive(Clone, Debug)]
pub struct GenResult {
    /// How it ended.
    pub outcome: Outcome,
    /// How many warnings the generator reported.
    pub warnings: usize,
    /// Wall time of the generation (writing the crate included).
    pub elapsed: Duration,
}

impl GenResult {
    /// Whether a crate was written.
    pub fn is_ok(&self) -> bool {
        matches!(self.outcome, Outcome::Generated { .. })
    }
}

/// The generation of every document.
#[derive(Debug)]
pub struct GenerateRun {
    /// One result per document, in the order of the documents.
    pub results: Vec<GenResult>,
    /// Wall time of all of them.
    pub elapsed: Duration,
}

/// The message and place of the last panic, recorded by the hook installed in [`generate_all`].
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Deeply nested or recursive schemas need more stack than a default thread has.
const STACK_SIZE: usize = 512 * 1024 * 1024;

/// Generates a crate for every document into `crates_dir/<slug>`, one after the other, on a
/// thread with a large stack. Progress goes to stderr.
pub fn generate_all(documents: &[Document], crates_dir: &Path) -> GenerateRun {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(record_panic));
    let start = Instant::now();
    let work = || documents.iter().enumerate().map(|(i, d)| generate_one(d, crates_dir, i + 1, documents.len())).collect::<Vec<_>>();
    let results = std::thread::scope(|scope| {
        match std::thread::Builder::new().name("generate".into()).stack_size(STACK_SIZE).spawn_scoped(scope, work) {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                // Only reachable if the runner itself (not the generator) panicked.
                let message = take_panic().unwrap_or_else(|| "the corpus runner panicked".to_string());
                documents.iter().map(|_| panicked(message.clone(), Duration::ZERO)).collect()
            }),
            Err(e) => {
                eprintln!("corpus: cannot start a generation thread ({e}); generating on the main thread");
                work()
            }
        }
    });
    std::panic::set_hook(previous_hook);
    GenerateRun { results, elapsed: start.elapsed() }
}

fn generate_one(doc: &Document, crates_dir: &Path, index: usize, total: usize) -> GenResult {
    let out = crates_dir.join(&doc.slug);
    let config = Config::new(&doc.path, &out, &doc.slug);
    eprint!("corpus: [{index}/{total}] {} ... ", doc.display);
    take_panic();
    let start = Instant::now();
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| Generator::new(config).write()));
    let elapsed = start.elapsed();
    let outcome = match result {
        Ok(Ok(generated)) => {
            let files = generated.files.files().len();
            let warnings = generated.warnings.len();
            eprintln!("ok, {files} files, {warnings} warnings, {:.2} s", elapsed.as_secs_f64());
            return GenResult { outcome: Outcome::Generated { files }, warnings, elapsed };
        }
        Ok(Err(diags)) => rejected(&diags, elapsed),
        Err(payload) => {
            let message = take_panic().unwrap_or_else(|| payload_text(payload.as_ref()));
            panicked(message, elapsed)
        }
    };
    match &outcome.outcome {
        Outcome::Rejected { first_error, errors } => {
            eprintln!("{errors} error(s) ({:.2} s): {first_error}", elapsed.as_secs_f64());
        }
        Outcome::Panicked { message } => eprintln!("PANIC ({:.2} s): {message}", elapsed.as_secs_f64()),
        Outcome::Generated { .. } => {}
    }
    remove_stale_output(&out);
    outcome
}

fn rejected(diags: &Diagnostics, elapsed: Duration) -> GenResult {
    let sorted = diags.sorted();
    let errors = sorted.iter().filter(|d| d.is_error()).count();
    let warnings = sorted.len() - errors;
    let first_error = match sorted.iter().find(|d| d.is_error()) {
        Some(d) => {
            let mut s = one_line(&d.message);
            if let Some(pointer) = &d.pointer {
                s.push_str(&format!(" (at {})", shorten(pointer, 100)));
            }
            s
        }
        None => "the generator failed without an error message".to_string(),
    };
    GenResult { outcome: Outcome::Rejected { first_error, errors }, warnings, elapsed }
}

fn panicked(message: String, elapsed: Duration) -> GenResult {
    GenResult { outcome: Outcome::Panicked { message }, warnings: 0, elapsed }
}

/// Removes a crate a previous run generated for this document, so that nothing stale is left.
fn remove_stale_output(out: &Path) {
    let ours = std::fs::read_to_string(out.join("Cargo.toml")).is_ok_and(|t| t.contains(sdkforge::write::MARKER));
    if !ours {
        return;
    }
    if let Err(e) = std::fs::remove_dir_all(out) {
        eprintln!("corpus: cannot remove the stale crate `{}`: {e}", out.display());
    }
}

/// The panic hook used while generating: records the message instead of printing it.
fn record_panic(info: &PanicHookInfo<'_>) {
    let mut message = one_line(&payload_text(info.payload()));
    if let Some(location) = info.location() {
        message.push_str(&format!(" (at {}:{})", location.file(), location.line()));
    }
    *LAST_PANIC.lock().unwrap_or_else(PoisonError::into_inner) = Some(message);
}

fn take_panic() -> Option<String> {
    LAST_PANIC.lock().unwrap_or_else(PoisonError::into_inner).take()
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-text payload".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_document_is_rejected_not_panicked() {
        let dir = std::env::temp_dir().join(format!("xtask-generate-{}", std::process::id()));
        let doc = Document { path: dir.join("missing.yaml"), display: "missing.yaml".into(), slug: "missing".into() };
        let run = generate_all(std::slice::from_ref(&doc), &dir);
        assert_eq!(run.results.len(), 1);
        assert!(matches!(run.results[0].outcome, Outcome::Rejected { .. }), "{:?}", run.results[0].outcome);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
