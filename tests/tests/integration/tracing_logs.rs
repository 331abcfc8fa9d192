//! Tracing of calls, in a test binary of its own: the subscriber is global, so no other test
//! can race it for callsite registration.

use commerce_engine_pos::Client;
use serde_json::json;
use std::sync::{Arc, Mutex};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const PREFIX: &str = "/api/v1/store_123/storefront";

fn at(p: &str) -> String {
    format!("{PREFIX}{p}")
}

fn client_builder(server: &MockServer) -> commerce_engine_pos::ClientBuilder {
    Client::builder().base_url(format!("{}{PREFIX}", server.uri())).api_key("sk_test")
}

fn logged_out() -> serde_json::Value {
    json!({"message": "Logged out", "success": true})
}

/// Each call is a `request` span with the operation, method, path template, attempt and status,
/// and never a credential.
#[tokio::test]
async fn calls_are_traced_without_secrets() {
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber of this test binary");
    let server = MockServer::start().await;
    Mock::given(path(at("/pos/auth/logout"))).respond_with(ResponseTemplate::new(200).set_body_json(logged_out())).mount(&server).await;
    let client = client_builder(&server).bearer_token("s3cret-token").build().unwrap();
    client.pos().logout().await.unwrap();
    let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("request{operation=\"logout-from-pos-device\" method=POST path=\"/pos/auth/logout\" attempt=1 status=200}"), "{log}");
    assert!(!log.contains("s3cret") && !log.contains("sk_test"), "{log}");
}
