//! The reading policy (docs/reading.md), end to end: the client generated from
//! `tests/fixtures/specs/reading.yaml` — a document that breaks the specification in ways with
//! one safe reading — sends and decodes what each rule's resolution says.

use fixture_reading::types::{Contradiction, Limits, Sub, SubClass};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn client(server: &MockServer) -> fixture_reading::Client {
    fixture_reading::Client::builder().base_url(server.uri()).api_key("k").build().unwrap()
}

#[test]
fn a_property_declared_by_two_all_of_members_is_one_field_the_narrower_schema() {
    // `class` is a plain string in `Base` and an enum in `Sub`: one field, the enum, required.
    let sub = Sub::new("s-1", SubClass::Large).size(3);
    let text = serde_json::to_string(&sub).unwrap();
    assert_eq!(text.matches("\"class\"").count(), 1, "the key is written once: {text}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), json!({"id": "s-1", "class": "large", "size": 3}));
    // A value outside the enum is refused, as the narrower member says.
    assert!(serde_json::from_value::<Sub>(json!({"id": "s-1", "class": "medium"})).is_err());
    // Required because one member requires it.
    assert!(serde_json::from_value::<Sub>(json!({"id": "s-1"})).is_err());
}

#[test]
fn contradictory_members_give_any_json_value() {
    for value in [json!("text"), json!(7)] {
        let decoded: Contradiction = serde_json::from_value(json!({"value": value})).unwrap();
        assert_eq!(decoded.value, Some(value));
    }
}

#[test]
fn bounds_beyond_i64_and_f64_still_type_their_fields_and_a_big_enum_is_any_value() {
    let limits: Limits = serde_json::from_value(json!({"count": i64::MAX, "ratio": 0.5, "code": 1})).unwrap();
    assert_eq!((limits.count, limits.ratio, limits.code), (i64::MAX, Some(0.5), Some(json!(1))));
    // `code`'s enum holds 99999999999999999999, beyond u64: the field takes any JSON value.
    let limits: Limits = serde_json::from_str(r#"{"count": 1, "code": 99999999999999999999}"#).unwrap();
    assert!(limits.code.unwrap().is_number());
}

#[tokio::test]
async fn derived_names_that_collide_are_spelled_apart_and_each_reaches_its_own_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/users")).respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": "u", "class": "small"}]))).mount(&server).await;
    for template in ["/users/~", "/tracking/trackingId", "/tracking/T-9"] {
        Mock::given(method("GET")).and(path(template)).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    }
    let client = client(&server).await;
    let users = client.get_users().await.unwrap();
    assert_eq!(users, [Sub::new("u", SubClass::Small)]);
    client.get_users_tilde().await.unwrap();
    client.get_tracking_tracking_id().await.unwrap();
    client.get_tracking_by_tracking_id("T-9").await.unwrap();
    let paths: Vec<String> = server.received_requests().await.unwrap().iter().map(|r| r.url.path().to_string()).collect();
    assert_eq!(paths, ["/users", "/users/~", "/tracking/trackingId", "/tracking/T-9"]);
}

#[tokio::test]
async fn path_parameters_differing_only_by_case_are_two_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/parts/p-1/pieces/42")).respond_with(ResponseTemplate::new(204)).expect(1).mount(&server).await;
    client(&server).await.get_piece("p-1", 42).await.unwrap();
}

#[tokio::test]
async fn an_unused_path_parameter_is_not_sent_a_duplicate_keeps_the_first_and_an_undefined_scheme_is_left_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/things/t-1"))
        .and(header("X-Key", "k"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [1, 2]})))
        .expect(1)
        .mount(&server)
        .await;
    // `q` is the first declaration's type: a string (the second says integer).
    let thing = client(&server).await.get_thing("t-1").q("word").await.unwrap();
    assert_eq!(thing.value, Some(json!([1, 2])));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), Some("q=word"));
}

#[tokio::test]
async fn an_undeclared_path_parameter_is_a_required_string_and_the_duplicate_operation_id_yields() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/orders/o%2F1")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"count": 2}))).expect(1).mount(&server).await;
    let limits = client(&server).await.get_orders_by_order_id("o/1").await.unwrap();
    assert_eq!(limits, Limits::new(2));
}
