//! The mock server of the contract tests, and how their outcomes are judged.
//!
//! The tests call the client against Prism (`@stoplight/prism-cli`) serving
//! `tests/contract/openapi.json`, the document after overlays, with `--errors`: a request that
//! does not match the document is refused (422, or the operation's documented 400/422) with the
//! reasons in the `sl-violations` header, and the test fails showing them.
//!
//! `MOCK_SERVER_URL` names a running mock server; otherwise the first test starts Prism on a free
//! loopback port (found in `node_modules/.bin` above the crate, else on `PATH`), the tests running
//! at the same time share it, and the last one to finish stops it (also when it panics). Without
//! Prism the tests are skipped with a message, unless `CI` is set: then they fail.
//
// This file is embedded verbatim into generated crates; it is not a module of the generator.
// A suite whose operations all take string arguments, or are all left out, uses only part of it.
#![allow(dead_code)]

use std::fmt::Debug;
use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Once, PoisonError, Weak};
use std::time::{Duration, Instant};

/// The document Prism serves.
const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/contract/openapi.json");

/// How long Prism may take to load the document and listen.
const STARTUP: Duration = Duration::from_secs(120);

/// A mock server for the tests; a Prism started here is stopped when the last test drops it.
#[derive(Debug)]
pub struct MockServer {
    /// Its base URL (Prism serves the document's paths at the root, whatever `servers` say).
    pub url: String,
    prism: Option<Child>,
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(child) = &mut self.prism {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

static SHARED: Mutex<Weak<MockServer>> = Mutex::new(Weak::new());

/// The mock server for one test, or `None` when the tests are skipped (Prism not installed and
/// `CI` not set).
pub fn server() -> Option<Arc<MockServer>> {
    if let Some(url) = std::env::var("MOCK_SERVER_URL").ok().filter(|u| !u.trim().is_empty()) {
        return Some(Arc::new(MockServer { url: url.trim_end_matches('/').to_string(), prism: None }));
    }
    // Held while Prism starts, so that tests starting together share one.
    let mut shared = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(server) = shared.upgrade() {
        return Some(server);
    }
    let Some(prism) = find_prism() else {
        skip("Prism (`prism`, npm package @stoplight/prism-cli) was found neither in node_modules/.bin above this crate nor on PATH");
        return None;
    };
    let server = Arc::new(start(&prism)?);
    *shared = Arc::downgrade(&server);
    Some(server)
}

/// Skips (with a message printed once, past the test harness's capture) or, under CI, fails.
fn skip(why: &str) {
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{why}; CI is set, so the contract tests fail instead of skipping. Install it with `npm ci` at the project root, or set MOCK_SERVER_URL");
    }
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "contract tests SKIPPED: {why}. Install it with `npm ci` at the project root (Node.js needed), or set MOCK_SERVER_URL."
        );
    });
}

/// The project's own Prism (`node_modules/.bin/prism` in this crate's folder or one above it),
/// else the first on `PATH`.
fn find_prism() -> Option<PathBuf> {
    let names: &[&str] = if cfg!(windows) { &["prism.cmd", "prism.exe"] } else { &["prism"] };
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().map(|d| d.join("node_modules").join(".bin"));
    let path = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect::<Vec<_>>()).unwrap_or_default();
    local.chain(path).flat_map(|dir| names.iter().map(move |n| dir.join(n))).find(|p| p.is_file())
}

/// A port nobody listens on now.
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).and_then(|l| l.local_addr()).map(|a| a.port()).expect("no free loopback port")
}

/// Starts Prism and waits until it listens; `None` when it cannot run (skipped as missing).
fn start(prism: &Path) -> Option<MockServer> {
    let mut last_failure = String::new();
    // A port taken between choosing and binding it makes Prism exit: try another.
    for _ in 0..3 {
        let port = free_port();
        let log_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("prism-{}-{port}.log", env!("CARGO_PKG_NAME")));
        let log = std::fs::File::create(&log_path).expect("cannot create the Prism log file");
        let spawned = Command::new(prism)
            .args(["mock", SPEC, "--host", "127.0.0.1", "--port", &port.to_string(), "--errors"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("cannot share the Prism log file"))
            .stderr(log)
            .spawn();
        let child = match spawned {
            Ok(child) => child,
            Err(e) => {
                skip(&format!("Prism at {} cannot run ({e}; is Node.js installed?)", prism.display()));
                return None;
            }
        };
        let mut server = MockServer { url: format!("http://127.0.0.1:{port}"), prism: Some(child) };
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let started = Instant::now();
        loop {
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Some(server);
            }
            let exited = server.prism.as_mut().and_then(|c| c.try_wait().ok().flatten());
            if let Some(status) = exited {
                let output = std::fs::read_to_string(&log_path).unwrap_or_default();
                last_failure = format!("Prism exited ({status}) before listening on port {port}:\n{output}");
                break;
            }
            if started.elapsed() > STARTUP {
                let output = std::fs::read_to_string(&log_path).unwrap_or_default();
                panic!("Prism did not listen on port {port} within {STARTUP:?}; its output ({}):\n{output}", log_path.display());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    panic!("{last_failure}");
}

/// Decodes a request input built from the document's examples, defaults and schemas.
#[track_caller]
pub fn value<T: serde::de::DeserializeOwned>(json: serde_json::Value) -> T {
    match serde_json::from_value(json.clone()) {
        Ok(v) => v,
        Err(e) => panic!("the input built from the document does not decode into {}: {e}\n{json:#}", std::any::type_name::<T>()),
    }
}

/// Whether Prism refused to send its response because the document's example for it does not
/// match the document's own schema (500, every violation in the response). Worth one more call
/// with [`generated_response`]: that tests the client, not the document's examples.
pub fn example_is_invalid<T, E>(result: &Result<T, crate::api::Error<E>>) -> bool {
    let Err(crate::api::Error::UnexpectedStatus(r) | crate::api::Error::Api(crate::api::ApiError { response: r, .. })) = result else {
        return false;
    };
    let violations = r.headers().get("sl-violations").and_then(|v| serde_json::from_slice::<serde_json::Value>(v.as_bytes()).ok());
    let in_response = |v: &serde_json::Value| v.pointer("/location/0").and_then(serde_json::Value::as_str) == Some("response");
    r.status().as_u16() == 500 && violations.as_ref().and_then(serde_json::Value::as_array).is_some_and(|v| !v.is_empty() && v.iter().all(in_response))
}

/// Options asking Prism for a response generated from the schema (`Prefer: dynamic=true`).
pub fn generated_response() -> crate::api::RequestOptions {
    crate::api::RequestOptions::new().header("Prefer", "dynamic=true")
}

/// Passes when the call succeeded with a body that decoded into its typed model or, when the
/// operation documents no success (`error_expected`), with one of its typed errors. Fails
/// otherwise, showing the status, Prism's validation reasons (`sl-violations`) and the body.
#[track_caller]
pub fn check<T: Debug, E: crate::api::ErrorBody>(operation: &str, error_expected: bool, result: Result<T, crate::api::Error<E>>) {
    let e = match result {
        Ok(_) if !error_expected => return,
        Ok(v) => panic!("`{operation}` documents no success, yet it returned Ok: {v:?}"),
        Err(crate::api::Error::Api(_)) if error_expected => return,
        Err(e) => e,
    };
    let mut report = format!("`{operation}` failed against the mock server: {e}");
    if let Some(response) = e.response() {
        report.push_str(&format!("\nstatus: {}", response.status()));
        if let Some(v) = response.headers().get("sl-violations") {
            report.push_str(&format!("\nPrism's validation errors (sl-violations): {}", String::from_utf8_lossy(v.as_bytes())));
        }
        report.push_str(&format!("\nbody: {}", String::from_utf8_lossy(response.body())));
    }
    panic!("{report}");
}
