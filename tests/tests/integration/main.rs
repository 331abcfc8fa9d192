//! The integration tests, one binary (each linked binary costs CI seconds): HTTP behaviour of the
//! fixture clients, drift, determinism, reading and overlays. `cargo test -p sdkforge-tests --test
//! integration drift` runs one module. The insta snapshots are their own binary (`snapshots`).

mod descriptions;
mod determinism;
mod drift;
mod fixture_behaviour;
mod formats_http;
mod openapi31;
mod overlay_conformance;
mod pagination_http;
mod pos_http;
mod pos_session;
mod reading;
mod references;
mod runtime_http;
mod serde_parity;
mod servers_http;
mod swagger2;
mod tracing_logs;
mod webhooks;
