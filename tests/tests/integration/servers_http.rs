//! Where real servers break their own documents (seen on Prefect and WireMock), each rule of the
//! runtime against a server on loopback, with the generated client of
//! `tests/fixtures/specs/servers.yaml` (`tests/clients/servers`, relative server `/api`).

use fixture_servers::errors::CreateFlowError;
use fixture_servers::types::{Flow, FlowCreate, Job, SubmitJobSuccess};
use fixture_servers::{Client, Error, RequestOptions};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The client as a user builds it: the mock server's origin, the document's `/api` added.
fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).build().unwrap()
}

fn json_body(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

fn flow_json() -> serde_json::Value {
    json!({"id": "f1", "name": "etl", "tags": ["x"]})
}

/// Prefect answers 201 where only 200 is documented: a success, decoded with the documented type.
#[tokio::test]
async fn an_undocumented_2xx_is_a_success_decoded_as_the_documented_one() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/api/flows/")).respond_with(json_body(201, flow_json())).mount(&server).await;
    let r = client(&server).create_flow(FlowCreate::new("etl")).send_with_response().await.unwrap();
    assert_eq!(r.status, 201);
    assert_eq!(r.body, Flow::new("f1", "etl").tags(vec!["x".into()]));
}

/// A 2xx whose body is not the documented type keeps the status and the body whole.
#[tokio::test]
async fn an_undocumented_2xx_that_does_not_fit_keeps_the_response_whole() {
    let server = MockServer::start().await;
    Mock::given(path("/api/flows/")).respond_with(json_body(202, json!({"queued": true}))).mount(&server).await;
    match client(&server).create_flow(FlowCreate::new("etl")).send().await.unwrap_err() {
        Error::Decode { response, .. } => {
            assert_eq!(response.status(), 202);
            assert_eq!(response.text(), r#"{"queued":true}"#);
        }
        other => panic!("{other:?}"),
    }
}

/// Several documented successes: an undocumented 2xx takes the first whose body fits.
#[tokio::test]
async fn an_undocumented_2xx_picks_the_documented_success_that_fits() {
    let server = MockServer::start().await;
    let c = client(&server);
    Mock::given(path("/api/jobs")).respond_with(json_body(201, json!({"job_id": "j1"}))).up_to_n_times(1).mount(&server).await;
    Mock::given(path("/api/jobs")).respond_with(json_body(203, flow_json())).up_to_n_times(1).mount(&server).await;
    Mock::given(path("/api/jobs")).respond_with(ResponseTemplate::new(205)).up_to_n_times(1).mount(&server).await;
    assert_eq!(c.submit_job().send().await.unwrap(), SubmitJobSuccess::Accepted(Job::new("j1")));
    assert!(matches!(c.submit_job().send().await.unwrap(), SubmitJobSuccess::Ok(f) if f.id == "f1"));
    assert_eq!(c.submit_job().send().await.unwrap(), SubmitJobSuccess::NoContent);
}

/// A success documented without a body (204) answered 200 with `{}` (WireMock's DELETE) is a success.
#[tokio::test]
async fn a_bodiless_success_answered_with_another_2xx_and_a_body_is_a_success() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH")).and(path("/api/flows/f1")).respond_with(json_body(200, json!({}))).mount(&server).await;
    client(&server).update_flow("f1", FlowCreate::new("etl")).send().await.unwrap();
}

/// Prefect's undocumented 404 and 409 keep status, headers and body.
#[tokio::test]
async fn an_undocumented_error_status_keeps_status_headers_and_body() {
    let server = MockServer::start().await;
    Mock::given(path("/api/flows/nope"))
        .respond_with(json_body(404, json!({"detail": "Flow not found"})).insert_header("x-request-id", "r-1"))
        .mount(&server)
        .await;
    let e = client(&server).read_flow("nope").send().await.unwrap_err();
    assert_eq!(e.to_string(), r#"unexpected status 404 Not Found: {"detail":"Flow not found"}"#);
    match e {
        Error::UnexpectedStatus(r) => {
            assert_eq!(r.status(), 404);
            assert_eq!(r.headers()["x-request-id"], "r-1");
            assert_eq!(r.text(), r#"{"detail":"Flow not found"}"#);
        }
        other => panic!("{other:?}"),
    }
}

/// Prefect's 422 bodies break the documented `HTTPValidationError` (`detail` a string, not a
/// list): still the documented error, with its status and the raw body, not a decode failure.
#[tokio::test]
async fn an_error_body_that_breaks_its_schema_is_still_the_documented_error() {
    let server = MockServer::start().await;
    let broken = json!({"detail": "Slots requested is greater than the limit"});
    Mock::given(path("/api/flows/")).respond_with(json_body(422, broken)).up_to_n_times(1).mount(&server).await;
    let good = json!({"detail": [{"loc": ["body", "name"], "msg": "Field required", "type": "missing"}]});
    Mock::given(path("/api/flows/")).respond_with(json_body(422, good)).mount(&server).await;
    let c = client(&server);
    let e = c.create_flow(FlowCreate::new("x")).send().await.unwrap_err();
    assert_eq!(e.to_string(), r#"422 Unprocessable Entity: {"detail":"Slots requested is greater than the limit"}"#);
    match e {
        Error::Api(e) => {
            assert_eq!(e.status(), 422);
            assert!(matches!(&e.body, CreateFlowError::Undecoded(why) if why.contains("invalid type: string")), "{:?}", e.body);
            assert_eq!(e.response.text(), r#"{"detail":"Slots requested is greater than the limit"}"#);
        }
        other => panic!("{other:?}"),
    }
    match c.create_flow(FlowCreate::new("x")).send().await.unwrap_err() {
        Error::Api(e) => match e.body {
            CreateFlowError::UnprocessableEntity(v) => assert_eq!(v.detail.unwrap()[0].msg, "Field required"),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

/// `application/json` bodies that are bare JSON values decode as JSON (`"0.8.4"` is `0.8.4`,
/// not a string with quotes); `text/plain` stays text, quotes and all.
#[tokio::test]
async fn bare_json_values_decode_as_json_and_text_stays_text() {
    let server = MockServer::start().await;
    let raw = |status: u16, ct: &str, body: &str| ResponseTemplate::new(status).insert_header("content-type", ct).set_body_string(body);
    Mock::given(path("/api/version")).respond_with(raw(200, "application/json", "\"0.8.4\"")).mount(&server).await;
    Mock::given(path("/api/health")).respond_with(raw(200, "application/json", "true")).mount(&server).await;
    Mock::given(path("/api/flows/count")).respond_with(raw(200, "application/json", "3")).mount(&server).await;
    Mock::given(path("/api/motd")).respond_with(raw(200, "text/plain", "\"quoted\"")).mount(&server).await;
    let c = client(&server);
    assert_eq!(c.version().send().await.unwrap(), "0.8.4");
    assert!(c.health().send().await.unwrap());
    assert_eq!(c.count_flows().send().await.unwrap(), 3);
    assert_eq!(c.motd().send().await.unwrap(), "\"quoted\"");
}

/// A documented JSON string served as `text/plain` without quotes is read as that text.
#[tokio::test]
async fn a_json_string_served_as_plain_text_is_read_as_text() {
    let server = MockServer::start().await;
    Mock::given(path("/api/version")).respond_with(ResponseTemplate::new(200).insert_header("content-type", "text/plain").set_body_string("0.8.4")).mount(&server).await;
    Mock::given(path("/api/flows/count")).respond_with(ResponseTemplate::new(200).insert_header("content-type", "text/plain").set_body_string("many")).mount(&server).await;
    let c = client(&server);
    assert_eq!(c.version().send().await.unwrap(), "0.8.4");
    assert!(matches!(c.count_flows().send().await.unwrap_err(), Error::Decode { response, .. } if response.text() == "many"));
}

/// An empty body (204, or an empty 200) where an optional body is documented is `None`; where a
/// required one is documented, the success keeps its status and says the body is missing.
#[tokio::test]
async fn empty_bodies_where_a_body_is_documented() {
    let server = MockServer::start().await;
    Mock::given(path("/api/notes/a")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    Mock::given(path("/api/notes/b")).respond_with(ResponseTemplate::new(200).insert_header("content-type", "application/json")).mount(&server).await;
    let c = client(&server);
    assert_eq!(c.read_note("a").send().await.unwrap(), None);
    assert_eq!(c.read_note("b").send().await.unwrap(), None);
    match c.delete_note("a").send().await.unwrap_err() {
        Error::Decode { response, source } => {
            assert_eq!(response.status(), 204);
            assert!(source.to_string().contains("the body is empty"), "{source}");
        }
        other => panic!("{other:?}"),
    }
}

/// Prefect answers 307 (or 308) to a changed trailing slash: followed with the method and body kept.
#[tokio::test]
async fn redirects_307_and_308_keep_the_method_and_the_body() {
    for status in [307u16, 308] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/flows/"))
            .respond_with(ResponseTemplate::new(status).insert_header("location", "/api/flows"))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/api/flows"))
            .and(body_json(json!({"name": "etl"})))
            .respond_with(json_body(200, flow_json()))
            .expect(1)
            .mount(&server)
            .await;
        let f = client(&server).create_flow(FlowCreate::new("etl")).send().await.unwrap();
        assert_eq!(f.id, "f1", "after a {status}");
    }
}

/// The document's server is `/api`: resolved against a base URL that is only an origin; a base
/// URL with a path is taken as given; no base URL at all is a clear build error.
#[tokio::test]
async fn a_relative_server_url_is_resolved_against_the_base_url() {
    let server = MockServer::start().await;
    Mock::given(path("/api/version")).respond_with(json_body(200, json!("1"))).mount(&server).await;
    Mock::given(path("/proxy/v/version")).respond_with(json_body(200, json!("2"))).mount(&server).await;
    let c = client(&server);
    assert_eq!(c.base_url(), format!("{}/api", server.uri()));
    assert_eq!(c.version().send().await.unwrap(), "1");
    let with_slash = Client::builder().base_url(format!("{}/", server.uri())).build().unwrap();
    assert_eq!(with_slash.version().send().await.unwrap(), "1");
    let proxied = Client::builder().base_url(format!("{}/proxy/v", server.uri())).build().unwrap();
    assert_eq!(proxied.version().send().await.unwrap(), "2");
    let e = Client::builder().build().unwrap_err();
    assert!(e.to_string().contains("the server URL `/api` is relative"), "{e}");
}

/// Auth the document does not declare (Prefect's and WireMock's HTTP Basic): a header on every
/// request, which a call's own header replaces.
#[tokio::test]
async fn client_headers_go_with_every_request_unless_the_call_sets_them() {
    let server = MockServer::start().await;
    Mock::given(path("/api/version")).and(header("authorization", "Basic YWxpY2U6czNjcmV0")).respond_with(json_body(200, json!("client"))).mount(&server).await;
    Mock::given(path("/api/version")).and(header("authorization", "Basic other")).respond_with(json_body(200, json!("call"))).mount(&server).await;
    let c = Client::builder().base_url(server.uri()).header("authorization", "Basic YWxpY2U6czNjcmV0").build().unwrap();
    assert_eq!(c.version().send().await.unwrap(), "client");
    let own = RequestOptions::new().header("authorization", "Basic other");
    assert_eq!(c.version().options(own).send().await.unwrap(), "call");
    let bad = Client::builder().base_url(server.uri()).header("x-bad", "line\nbreak").build().unwrap_err();
    assert!(bad.to_string().contains("x-bad"), "{bad}");
}

/// Hand-written code kept across regenerations (`modules`): an extension trait on a generated type.
#[tokio::test]
async fn a_hand_written_module_extends_generated_types() {
    use fixture_servers::extras::FlowExt;
    let server = MockServer::start().await;
    Mock::given(path("/api/flows/f1")).respond_with(json_body(200, flow_json())).mount(&server).await;
    let flow = client(&server).read_flow("f1").send().await.unwrap();
    assert_eq!(flow.label(), "etl (f1)");
    assert!(flow.has_tag("x") && !flow.has_tag("y"));
}
