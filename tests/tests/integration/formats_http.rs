//! Typed formats over loopback, with the generated client of `tests/fixtures/specs/formats.yaml`
//! (`tests/clients/formats`, decimals switched on): what goes on the wire is the documented
//! form, what comes back is read leniently, and a value that does not read keeps the body.

use fixture_formats::chrono::{DateTime, NaiveDate, TimeZone, Utc};
use fixture_formats::errors::GetEventError;
use fixture_formats::rust_decimal::Decimal;
use fixture_formats::types::{Event, When};
use fixture_formats::uuid::Uuid;
use fixture_formats::{Client, Error};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).build().unwrap()
}

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

const ID: &str = "67e55044-10b1-426f-9247-bb680e5fe0c8";

/// A server's event, written the ways real servers write these formats.
fn event_json() -> serde_json::Value {
    json!({
        "id": ID.to_uppercase(),
        "at": "2024-01-02 03:04:05+01:00",
        "day": "2024-02-29",
        "payload": "-_8AQQ",
        "count": "9007199254740993",
        "big": 18446744073709551615u64,
        "small": 7,
        "ended": null,
        "history": ["2024-01-02t03:04:05.123456789123z", "2024-01-02T03:04:05"],
        "checksums": {"a": "aGk="},
        "when": 1704164645,
        "Odd": "string"
    })
}

#[tokio::test]
async fn parameters_are_sent_in_their_documented_form_and_values_read_leniently() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/events/{ID}")))
        .and(query_param("since", "2024-01-02T03:04:05Z"))
        .and(query_param("on", "2024-02-29"))
        .and(query_param("token", "+/8AQQ=="))
        .and(query_param("version", "42"))
        .and(header("x-request-id", ID))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(event_json())
                .insert_header("Last-Modified-At", "Wed, 21 Oct 2015 07:28:00 GMT")
                .insert_header("X-Checksum", "aGk"),
        )
        .mount(&server)
        .await;
    let id: Uuid = ID.parse().unwrap();
    let (event, headers) = client(&server)
        .get_event(id)
        .since(at(2024, 1, 2, 3, 4, 5))
        .on(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())
        .token(vec![0xfb, 0xff, 0x00, 0x41])
        .version(42)
        .x_request_id(id)
        .send_with_headers()
        .await
        .unwrap();
    assert_eq!(event.id, id);
    assert_eq!(event.at, at(2024, 1, 2, 2, 4, 5), "the offset is applied");
    assert_eq!(event.day, NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
    assert_eq!(event.payload, vec![0xfb, 0xff, 0x00, 0x41], "URL-safe base64 without padding");
    assert_eq!(event.count, 9_007_199_254_740_993, "beyond f64's exact integers");
    assert_eq!(event.big, Some(u64::MAX));
    assert_eq!(event.small, Some(7));
    assert_eq!(event.ended, None);
    let history = event.history.as_deref().unwrap();
    assert_eq!(history[0].timestamp_subsec_nanos(), 123_456_789);
    assert_eq!(history[1], at(2024, 1, 2, 3, 4, 5), "no offset: UTC");
    assert_eq!(event.checksums.as_ref().unwrap()["a"], b"hi".to_vec());
    assert_eq!(event.when, Some(When::Integer(1_704_164_645)));
    assert_eq!(event.odd.as_deref(), Some("string"), "an unregistered spelling (`Date-Time`) stays a string: mock servers fill it with any string");
    assert_eq!(headers.last_modified_at, Some(at(2015, 10, 21, 7, 28, 0)));
    assert_eq!(headers.x_checksum, Some(b"hi".to_vec()));
}

#[tokio::test]
async fn request_bodies_are_written_in_the_documented_form() {
    let server = MockServer::start().await;
    let expected = json!({
        "id": ID,
        "at": "2024-01-02T03:04:05.250Z",
        "day": "2024-02-29",
        "payload": "+/8AQQ==",
        "count": "-9007199254740993",
        "ended": "2024-01-03T00:00:00Z",
        "history": ["2024-01-02T03:04:05Z"],
        "checksums": {"a": "aGk="},
        "when": "2024-01-02T03:04:05Z"
    });
    Mock::given(method("PUT")).and(path(format!("/events/{ID}"))).and(body_json(&expected)).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let event = Event::new(
        ID.parse().unwrap(),
        at(2024, 1, 2, 3, 4, 5) + std::time::Duration::from_millis(250),
        NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
        vec![0xfb, 0xff, 0x00, 0x41],
        -9_007_199_254_740_993,
    )
    .ended(at(2024, 1, 3, 0, 0, 0))
    .history(vec![at(2024, 1, 2, 3, 4, 5)])
    .checksums([("a".to_string(), b"hi".to_vec())].into())
    .when(When::DateTime(at(2024, 1, 2, 3, 4, 5)));
    client(&server).put_event(ID.parse().unwrap(), event).send().await.unwrap();
}

#[tokio::test]
async fn a_value_that_does_not_read_fails_the_call_and_keeps_the_body() {
    let server = MockServer::start().await;
    let mut body = event_json();
    body["at"] = json!("next tuesday");
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(&body)).mount(&server).await;
    match client(&server).get_event(ID.parse().unwrap()).send().await.unwrap_err() {
        Error::Decode { response, source } => {
            assert!(source.to_string().contains("`next tuesday` is not a date-time"), "{source}");
            assert_eq!(serde_json::from_slice::<serde_json::Value>(response.body()).unwrap(), body, "the raw body, whole");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn error_bodies_and_whole_bodies_use_the_formats_too() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/events/{ID}")))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({"at": "2024-01-02T03:04:05+00:00", "message": "taken"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/stamps"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(["2024-01-02T03:04:05Z", "2024-01-02 03:04:05"])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/stamps"))
        .and(body_json(json!("aGk=")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!("-_8AQQ==")))
        .mount(&server)
        .await;
    let c = client(&server);
    match c.get_event(ID.parse().unwrap()).send().await.unwrap_err() {
        Error::Api(e) => match e.body {
            GetEventError::Conflict(conflict) => assert_eq!(conflict.at, at(2024, 1, 2, 3, 4, 5)),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    assert_eq!(c.list_stamps().send().await.unwrap(), vec![at(2024, 1, 2, 3, 4, 5); 2]);
    assert_eq!(c.sign(b"hi".to_vec()).send().await.unwrap(), vec![0xfb, 0xff, 0x00, 0x41]);
}

#[tokio::test]
async fn decimals_keep_every_digit_when_carried_as_strings() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ledger"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"exact": "12345678901234567890.10", "approx": 2.5, "extra": {"fee": "0.000000000000000001"}})))
        .mount(&server)
        .await;
    let ledger = client(&server).get_ledger().send().await.unwrap();
    assert_eq!(ledger.exact.to_string(), "12345678901234567890.10");
    assert_eq!(ledger.approx, Decimal::new(25, 1));
    assert_eq!(ledger.extra.unwrap()["fee"], "0.000000000000000001".parse::<Decimal>().unwrap());
}
