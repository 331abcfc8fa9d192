//! Server-sent events and `x-speakeasy-errors` in a generated client (`tests/clients/runtime`)
//! against a real HTTP server on loopback.

use fixture_runtime::errors::{LookupError, OtherError, StreamTicksError};
use fixture_runtime::types::*;
use fixture_runtime::{Client, Error, StreamExt, TryStreamExt};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).build().unwrap()
}

fn event_stream(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).insert_header("content-type", "text/event-stream").set_body_string(body)
}

/// Typed events in order; comments and keep-alives skipped; the sentinel ends the stream and
/// is not yielded, and nothing after it is read as an event.
#[tokio::test]
async fn events_are_typed_and_the_sentinel_ends_the_stream() {
    let server = MockServer::start().await;
    let body = ": keep-alive\n\nevent: tick\nid: 1\ndata: {\"n\": 1}\n\r\ndata: {\"n\":\ndata: 2}\n\ndata: [DONE]\n\ndata: {\"n\": 3}\n\n";
    Mock::given(path("/ticks")).respond_with(event_stream(body)).mount(&server).await;
    let stream = client(&server).stream_ticks().send().await.unwrap();
    assert_eq!(stream.status(), 200);
    let events: Vec<StreamTicksResponse> = stream.try_collect().await.unwrap();
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!((events[0].event.as_deref(), events[0].id.as_deref(), events[0].data.n), (Some("tick"), Some("1"), 1));
    assert_eq!((events[1].event.as_deref(), events[1].data.n), (None, 2), "multi-line data is joined");
}

/// Without a sentinel, the stream ends when the server closes it; text data stays text.
#[tokio::test]
async fn plain_data_events_end_with_the_connection() {
    let server = MockServer::start().await;
    Mock::given(path("/lines")).respond_with(event_stream("data: first line\n\ndata: 42\n\ndata: cut off")).mount(&server).await;
    let lines: Vec<String> = client(&server).stream_lines().send().await.unwrap().try_collect().await.unwrap();
    assert_eq!(lines, ["first line", "42"], "an event without its blank line is not dispatched");
}

/// An event that does not decode ends the stream with `Error::Decode` carrying its data.
#[tokio::test]
async fn an_undecodable_event_is_an_error_with_its_data() {
    let server = MockServer::start().await;
    Mock::given(path("/ticks")).respond_with(event_stream("data: {\"n\": 1}\n\ndata: {\"n\": \"x\"}\n\ndata: {\"n\": 3}\n\n")).mount(&server).await;
    let all: Vec<_> = client(&server).stream_ticks().send().await.unwrap().collect().await;
    assert_eq!(all.len(), 2);
    match &all[1] {
        Err(Error::Decode { response, .. }) => assert_eq!(response.text(), "{\"n\": \"x\"}"),
        other => panic!("{other:?}"),
    }
}

/// A documented error status of a streaming operation is a typed error, not a stream.
#[tokio::test]
async fn a_refused_stream_is_a_typed_error() {
    let server = MockServer::start().await;
    Mock::given(path("/ticks")).respond_with(ResponseTemplate::new(429).set_body_json(serde_json::json!({"message": "slow down"}))).mount(&server).await;
    match client(&server).stream_ticks().send().await.unwrap_err() {
        Error::Api(e) => match e.body {
            StreamTicksError::TooManyRequests(p) => assert_eq!(p.message, "slow down"),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

/// `x-speakeasy-errors` with `override` on the path item: 404 is an answer; the operation's list
/// adds `default`, so 500 is an error.
#[tokio::test]
async fn x_speakeasy_errors_decide_what_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(path("/lookup/a")).respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"found": false}))).mount(&server).await;
    Mock::given(path("/lookup/b")).respond_with(ResponseTemplate::new(500).set_body_json(serde_json::json!({"message": "down"}))).mount(&server).await;
    Mock::given(path("/other")).respond_with(ResponseTemplate::new(418).set_body_json(serde_json::json!({"message": "teapot"}))).mount(&server).await;
    let c = client(&server);
    assert_eq!(c.lookup("a").send().await.unwrap(), LookupSuccess::NotFound(LookupNotFound::new(false)));
    match c.lookup("b").send().await.unwrap_err() {
        Error::Api(e) => {
            assert_eq!(e.status(), 500);
            assert!(matches!(e.body, LookupError::Default(ref p) if p.message == "down"));
        }
        other => panic!("{other:?}"),
    }
    // The paths-level list adds `default` to 4XX and 5XX: an undocumented 418 is the default error.
    assert!(matches!(c.other().send().await.unwrap_err(), Error::Api(e) if matches!(e.body, OtherError::Default(_))));
}

/// Events are delivered as they arrive: the first is read while the server still holds the
/// connection open, and the server sends the rest only after the client has it.
#[tokio::test]
async fn events_arrive_before_the_response_ends() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (got_first, first_seen) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request).await.unwrap();
        socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\ndata: {\"n\": 1}\n\n").await.unwrap();
        socket.flush().await.unwrap();
        first_seen.await.expect("the client saw the first event");
        socket.write_all(b"data: {\"n\": 2}\n\ndata: [DONE]\n\n").await.unwrap();
    });
    let c = Client::builder().base_url(format!("http://{addr}")).build().unwrap();
    let mut stream = c.stream_ticks().send().await.unwrap();
    let first = tokio::time::timeout(std::time::Duration::from_secs(5), stream.next()).await.expect("not buffered until the end");
    assert_eq!(first.unwrap().unwrap().data.n, 1);
    got_first.send(()).unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap().data.n, 2);
    assert!(stream.next().await.is_none());
    server.await.unwrap();
}

mod oauth2 {
    use super::*;
    use fixture_runtime::RequestOptions;
    use wiremock::matchers::{body_string, header, method};

    fn token_endpoint(token: &str, expires_in: u64) -> Mock {
        // base64("app-id:s3cret") = YXBwLWlkOnMzY3JldA==
        Mock::given(method("POST"))
            .and(path("/oauth/token"))
            .and(header("authorization", "Basic YXBwLWlkOnMzY3JldA=="))
            .and(header("content-type", "application/x-www-form-urlencoded"))
            .and(body_string("grant_type=client_credentials&scope=reports%3Aread"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"access_token": token, "token_type": "bearer", "expires_in": expires_in})))
    }

    fn reports(token: &str) -> Mock {
        Mock::given(path("/reports")).and(header("authorization", format!("Bearer {token}").as_str())).respond_with(ResponseTemplate::new(200).set_body_json(["r1"]))
    }

    /// The token is fetched once (relative token URL, basic client auth, the scopes operations
    /// require), cached, and shared by concurrent calls.
    #[tokio::test]
    async fn client_credentials_are_exchanged_once_and_cached() {
        let server = MockServer::start().await;
        token_endpoint("tok-1", 3600).expect(1).mount(&server).await;
        reports("tok-1").expect(6).mount(&server).await;
        let c = Client::builder().base_url(server.uri()).client_credentials("app-id", "s3cret").build().unwrap();
        let calls: Vec<_> = (0..5).map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.list_reports().send().await })
        }).collect();
        for call in calls {
            assert_eq!(call.await.unwrap().unwrap(), ["r1"]);
        }
        c.list_reports().send().await.unwrap();
        assert!(!format!("{c:?}").contains("s3cret"));
    }

    /// A token about to expire is fetched again.
    #[tokio::test]
    async fn an_expiring_token_is_renewed() {
        let server = MockServer::start().await;
        token_endpoint("short", 5).expect(2).mount(&server).await;
        reports("short").expect(2).mount(&server).await;
        let c = Client::builder().base_url(server.uri()).client_credentials("app-id", "s3cret").build().unwrap();
        c.list_reports().send().await.unwrap();
        c.list_reports().send().await.unwrap();
    }

    /// A refused exchange is `Error::Authentication` with the server's reason, never the secret;
    /// a token given directly (per call) needs no exchange.
    #[tokio::test]
    async fn refused_credentials_and_given_tokens() {
        let server = MockServer::start().await;
        Mock::given(path("/oauth/token")).respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({"error": "invalid_client"}))).mount(&server).await;
        reports("given").expect(1).mount(&server).await;
        let c = Client::builder().base_url(server.uri()).client_credentials("app-id", "s3cret").build().unwrap();
        let err = c.list_reports().send().await.unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::Authentication(_)), "{err:?}");
        assert!(text.contains("invalid_client") && text.contains("401") && !text.contains("s3cret"), "{text}");
        c.list_reports().options(RequestOptions::new().bearer_token("given")).send().await.expect("a given token is used as is");
    }
}

/// `x-speakeasy-globals`: set once on the client, sent by every operation that takes them; a
/// call's own value wins; a hidden global has no per-call setter; a path global with no value
/// is refused before sending.
#[tokio::test]
async fn globals_fill_the_operations_parameters() {
    use wiremock::matchers::header;
    let server = MockServer::start().await;
    Mock::given(path("/tenants/t%201/apps")).and(header("x-app-name", "demo")).respond_with(ResponseTemplate::new(200).set_body_json(["a"])).expect(1).mount(&server).await;
    Mock::given(path("/tenants/t%201/apps")).and(header("x-app-name", "override")).respond_with(ResponseTemplate::new(200).set_body_json(["b"])).expect(1).mount(&server).await;
    let c = Client::builder().base_url(server.uri()).x_app_name("demo").tenant("t 1").build().unwrap();
    assert_eq!(c.list_apps().send().await.unwrap(), ["a"]);
    assert_eq!(c.list_apps().x_app_name("override").send().await.unwrap(), ["b"]);
    let bare = Client::builder().base_url(server.uri()).build().unwrap();
    match bare.list_apps().send().await.unwrap_err() {
        Error::InvalidRequest(m) => assert_eq!(m, "path parameter `tenant` has no value"),
        other => panic!("{other:?}"),
    }
}

/// JSON or events by a body field (Speakeasy's SSE overload): `send()` asks for JSON with
/// `stream: false`, `stream()` for events with `stream: true`, each with its `Accept`.
#[tokio::test]
async fn one_operation_answers_json_or_events_by_a_body_field() {
    use wiremock::matchers::{body_json, header, method};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .and(header("accept", "application/json"))
        .and(body_json(serde_json::json!({"prompt": "hi", "stream": false})))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"text": "hello"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .and(header("accept", "text/event-stream"))
        .and(body_json(serde_json::json!({"prompt": "hi", "stream": true})))
        .respond_with(event_stream("data: {\"delta\": \"hel\"}\n\ndata: {\"delta\": \"lo\"}\n\ndata: [DONE]\n\n"))
        .mount(&server)
        .await;
    let c = client(&server);
    // The caller's own `stream` value does not decide: the method does.
    let asked = ChatRequest::new("hi").stream(true);
    assert_eq!(c.chat(asked.clone()).send().await.unwrap(), Completion::new("hello"));
    let chunks: Vec<Chunk> = c.chat(ChatRequest::new("hi")).stream().await.unwrap().try_collect().await.unwrap();
    assert_eq!(chunks, vec![Chunk::new("hel"), Chunk::new("lo")]);
}

/// A server that ignores `stream: true` and answers JSON: not an empty stream, an error that
/// keeps the JSON; a documented error status is the typed error.
#[tokio::test]
async fn a_stream_answered_otherwise_keeps_the_answer() {
    use fixture_runtime::errors::ChatError;
    let server = MockServer::start().await;
    Mock::given(path("/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"text": "hello"})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/chat/completions"))
        .respond_with(ResponseTemplate::new(429).set_body_json(serde_json::json!({"message": "slow down"})))
        .mount(&server)
        .await;
    let c = client(&server);
    match c.chat(ChatRequest::new("hi")).stream().await.unwrap_err() {
        Error::Decode { response, source } => {
            assert!(source.to_string().contains("not the event stream asked for"), "{source}");
            assert_eq!(response.text(), r#"{"text":"hello"}"#);
        }
        other => panic!("{other:?}"),
    }
    match c.chat(ChatRequest::new("hi")).stream().await.unwrap_err() {
        Error::Api(e) => assert_eq!(e.body, ChatError::TooManyRequests(Problem::new("slow down"))),
        other => panic!("{other:?}"),
    }
}
