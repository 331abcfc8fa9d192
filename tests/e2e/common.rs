//! What the scenario programs share: a hook that records every HTTP call the generated client
//! makes, and a step log that prints one Markdown row per call with its status and outcome.
//!
//! Each scenario says `use <its client> as api;` at its root; this module uses only that crate's
//! public API (`Hooks`, `HookContext`, `RawResponse`, `Error`). Not every scenario uses every helper.
#![allow(dead_code)]

use crate::api::{HookContext, Hooks, RawResponse};
use std::fmt::Debug;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

/// One HTTP exchange as the client's hook saw it.
struct Call {
    operation: String,
    request: String,
    status: Option<u16>,
}

/// Records every request and the status of its response.
#[derive(Default)]
pub struct Recorder(Mutex<Vec<Call>>);

impl Hooks for Recorder {
    fn before_request(&self, context: &HookContext, request: &mut crate::api::reqwest::Request) {
        let url = request.url();
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let call = Call { operation: context.operation_id.to_string(), request: format!("{} {path}", request.method()), status: None };
        self.0.lock().unwrap().push(call);
    }

    fn after_response(&self, _: &HookContext, response: &RawResponse) {
        if let Some(last) = self.0.lock().unwrap().last_mut() {
            last.status = Some(response.status().as_u16());
        }
    }
}

/// The steps of a scenario, each with the calls it made.
pub struct Scenario {
    pub recorder: Arc<Recorder>,
    seen: usize,
    rows: Vec<String>,
    failures: Vec<String>,
}

impl Scenario {
    pub fn new() -> Self {
        Self { recorder: Arc::new(Recorder::default()), seen: 0, rows: Vec::new(), failures: Vec::new() }
    }

    /// A step: `ok` says whether the client did what it should; `detail` (the result) is shown
    /// when it did not.
    pub fn step(&mut self, what: &str, ok: bool, detail: &impl Debug) {
        let outcome = if ok { format!("{what}: ok") } else { format!("{what}: **FAILED**: {}", cut(&format!("{detail:?}"))) };
        if !ok {
            self.failures.push(format!("{what}: {}", cut(&format!("{detail:?}"))));
        }
        let calls = self.recorder.0.lock().unwrap();
        let new = &calls[self.seen..];
        if new.is_empty() {
            self.rows.push(format!("| {} | - | - | - | {outcome} |", self.rows.len() + 1));
        }
        for c in new {
            let status = c.status.map_or("no response".to_string(), |s| s.to_string());
            self.rows.push(format!("| {} | `{}` | `{}` | {status} | {outcome} |", self.rows.len() + 1, c.operation, c.request.replace('|', "\\|")));
        }
        self.seen = calls.len();
    }

    /// A call made outside the generated API (a stub WireMock serves), shown as such.
    pub fn outside(&mut self, what: &str, request: &str, status: Option<u16>, ok: bool) {
        let outcome = if ok { format!("{what}: ok") } else { format!("{what}: **FAILED**") };
        if !ok {
            self.failures.push(format!("{what}: status {status:?}"));
        }
        let status = status.map_or("no response".to_string(), |s| s.to_string());
        self.rows.push(format!("| {} | (plain HTTP) | `{request}` | {status} | {outcome} |", self.rows.len() + 1));
    }

    /// Prints the table and the failures; exit 1 when a step failed.
    pub fn finish(self) -> ExitCode {
        println!("| # | operation | request | status | step: outcome |\n|---|---|---|---|---|");
        for r in &self.rows {
            println!("{r}");
        }
        println!();
        if self.failures.is_empty() {
            println!("All {} calls behaved as expected.", self.rows.len());
            ExitCode::SUCCESS
        } else {
            println!("{} step(s) failed:", self.failures.len());
            for f in &self.failures {
                println!("- {f}");
            }
            ExitCode::from(1)
        }
    }
}

fn cut(s: &str) -> String {
    let s = s.replace('\n', " ").replace('|', "\\|");
    if s.chars().count() > 220 { format!("{}...", s.chars().take(220).collect::<String>()) } else { s }
}

/// `Basic <base64(user:password)>`.
pub fn basic(user: &str, password: &str) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{password}").into_bytes();
    let mut out = String::from("Basic ");
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The settings the harness passes: base URL, user, password.
pub fn settings() -> (String, String, String) {
    let get = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set: run this through `cargo run -p xtask -- e2e`"));
    (get("E2E_BASE_URL"), get("E2E_USER"), get("E2E_PASSWORD"))
}

/// The status of a failed call, when there was a response.
pub fn status_of<T, E>(r: &Result<T, crate::api::Error<E>>) -> Option<u16> {
    r.as_ref().err().and_then(|e| e.status()).map(|s| s.as_u16())
}
