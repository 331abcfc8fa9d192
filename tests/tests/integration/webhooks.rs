//! The webhook events of the committed fixture clients, through their public API only:
//! `tests/clients/webhooks` (OpenAPI 3.1 `webhooks`, a `type` discriminator, Standard Webhooks
//! signatures) and `tests/clients/webhooks30` (3.0 `x-webhooks`, no discriminator, GitHub-style
//! signatures). Expected signatures were computed with Python's `hmac`, `hashlib` and `base64`.

use fixture_webhooks::reqwest::header::{HeaderMap, HeaderValue};
use fixture_webhooks::webhooks::{Verifier, VerifyError, WebhookEvent};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const ORDER_CREATED: &[u8] =
    br#"{"type":"order.created","timestamp":"2024-05-01T10:00:00Z","data":{"id":"ord_1","total":4200,"placed_at":"2024-05-01 09:59:58+02:00","note":null}}"#;

/// Standard Webhooks: the secret of the specification's example; the signature of
/// `msg_1.1714557600.{ORDER_CREATED}`.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SIGNATURE: &str = "v1,eJv5ulbNl4igKDJ+4rHBcnGmH+YwJIcqjBORLDktlD8=";
const SENT_AT: u64 = 1_714_557_600;

fn standard_headers(signature: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("webhook-id", HeaderValue::from_static("msg_1"));
    h.insert("webhook-timestamp", HeaderValue::from_static("1714557600"));
    h.insert("webhook-signature", HeaderValue::from_str(signature).unwrap());
    h
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

#[test]
fn a_known_type_decodes_into_its_payload_with_typed_dates() {
    let event = WebhookEvent::parse(ORDER_CREATED).unwrap();
    assert_eq!(event.name(), Some("order.created"));
    let WebhookEvent::OrderCreated(created) = &event else { panic!("{event:?}") };
    assert_eq!(created.data.id, "ord_1");
    assert_eq!(created.data.total, 4200);
    assert_eq!(created.timestamp.timestamp(), SENT_AT as i64);
    assert_eq!(created.data.placed_at.to_rfc3339(), "2024-05-01T07:59:58+00:00", "read leniently, as UTC");
    // Serialising gives the payload alone, in its documented form.
    let written = serde_json::to_value(&event).unwrap();
    assert_eq!(written["type"], "order.created");
    assert_eq!(written["data"]["placed_at"], "2024-05-01T07:59:58Z");
}

#[test]
fn each_discriminator_value_selects_its_webhook() {
    let bodies: [(&str, &str); 3] = [
        ("order.paid", r#"{"type":"order.paid","timestamp":"2024-05-01T10:00:00Z","data":{"order_id":"ord_1","amount":4200,"receipt_url":null}}"#),
        ("customer.deleted", r#"{"type":"customer.deleted","timestamp":"2024-05-01T10:00:00Z","data":{"customer_id":"cus_1"}}"#),
        ("order.refunded", r#"{"type":"order.refunded","timestamp":"2024-05-01T10:00:00Z","data":{"order_id":"ord_1","reason":"damaged"}}"#),
    ];
    for (name, body) in bodies {
        let event = WebhookEvent::parse(body.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(event.name(), Some(name));
    }
    let WebhookEvent::OrderRefunded(refund) = WebhookEvent::parse(bodies[2].1.as_bytes()).unwrap() else { panic!() };
    assert_eq!(refund.data.reason.as_deref(), Some("damaged"));
}

#[test]
fn an_unknown_type_is_unknown_with_the_whole_body_never_an_error() {
    let body = br#"{"type":"order.shipped","data":{"carrier":"post"}}"#;
    let event = WebhookEvent::parse(body).unwrap();
    assert_eq!(event, WebhookEvent::Unknown(serde_json::json!({"type": "order.shipped", "data": {"carrier": "post"}})));
    assert_eq!(event.name(), None);
    for other in [&br#"{"data":{}}"#[..], br#"{"type":42}"#, b"[1, 2]", b"null"] {
        assert!(matches!(WebhookEvent::parse(other), Ok(WebhookEvent::Unknown(_))), "{}", String::from_utf8_lossy(other));
    }
}

#[test]
fn a_known_type_whose_payload_does_not_fit_is_an_error() {
    let missing_amount = br#"{"type":"order.paid","timestamp":"2024-05-01T10:00:00Z","data":{"order_id":"ord_1"}}"#;
    let e = WebhookEvent::parse(missing_amount).unwrap_err();
    assert!(e.to_string().contains("missing field `amount`"), "{e}");
    let bad_date = br#"{"type":"customer.deleted","timestamp":"yesterday","data":{"customer_id":"c"}}"#;
    assert!(WebhookEvent::parse(bad_date).unwrap_err().to_string().contains("`yesterday` is not a date-time"));
    assert!(WebhookEvent::parse(b"{not json").is_err());
}

#[test]
fn parse_named_decodes_by_the_webhooks_name() {
    let event = WebhookEvent::parse_named("order.created", ORDER_CREATED).unwrap();
    assert!(matches!(event, WebhookEvent::OrderCreated(_)));
    // The name decides, not the body's `type`.
    assert!(WebhookEvent::parse_named("order.refunded", ORDER_CREATED).is_err(), "`data.order_id` is missing");
    assert!(matches!(WebhookEvent::parse_named("order.archived", ORDER_CREATED), Ok(WebhookEvent::Unknown(_))));
}

#[test]
fn standard_webhooks_signatures_through_the_public_api() {
    let verifier = Verifier::standard_webhooks(SECRET).unwrap();
    assert_eq!(verifier.verify_at(&standard_headers(SIGNATURE), ORDER_CREATED, at(SENT_AT + 30)), Ok(()));
    let tampered = String::from_utf8_lossy(ORDER_CREATED).replace("4200", "1");
    assert_eq!(verifier.verify_at(&standard_headers(SIGNATURE), tampered.as_bytes(), at(SENT_AT)), Err(VerifyError::NoMatchingSignature));
    let err = verifier.verify_at(&standard_headers(SIGNATURE), ORDER_CREATED, at(SENT_AT + 3600)).unwrap_err();
    assert_eq!(err, VerifyError::TimestampOutOfTolerance { timestamp: SENT_AT as i64, now: SENT_AT as i64 + 3600 });
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    assert!(boxed.to_string().contains("beyond the tolerance"));
    let mut missing = standard_headers(SIGNATURE);
    missing.remove("webhook-signature");
    assert_eq!(verifier.verify_at(&missing, ORDER_CREATED, at(SENT_AT)), Err(VerifyError::MissingHeader("webhook-signature".into())));
    // The same with the header values, and the secret without `whsec_`.
    let plain = fixture_webhooks::webhooks::verify_standard_webhooks(
        SECRET.trim_start_matches("whsec_"),
        "msg_1",
        "1714557600",
        SIGNATURE,
        ORDER_CREATED,
        at(SENT_AT),
        fixture_webhooks::webhooks::DEFAULT_TOLERANCE,
    );
    assert_eq!(plain, Ok(()));
}

mod untagged {
    //! `x-webhooks` without a discriminator: payloads tried in order, names from a header.
    use fixture_webhooks30::reqwest::header::{HeaderMap, HeaderValue};
    use fixture_webhooks30::webhooks::{Verifier, WebhookEvent};

    const PING: &[u8] = br#"{"zen":"Design for failure.","hook_id":12345678}"#;
    /// `sha256=` + hex HMAC-SHA256 of `PING` with the secret `gh-secret`.
    const PING_SIGNATURE: &str = "sha256=619783f9bc60eb4c58c529effa7e1324cbd46964da5bf96522e660e3daf64c9f";
    const PUSH: &[u8] = br#"{"ref":"refs/heads/main","commits":[{"id":"abc","message":"Fix","timestamp":"2024-05-01T10:00:00+02:00"}],"repository":{"id":1,"full_name":"o/r"}}"#;

    #[test]
    fn each_payload_is_tried_in_order() {
        let WebhookEvent::Push(push) = WebhookEvent::parse(PUSH).unwrap() else { panic!("a push") };
        assert_eq!(push.commits[0].timestamp.map(|t| t.to_rfc3339()).as_deref(), Some("2024-05-01T08:00:00+00:00"));
        let ping = WebhookEvent::parse(PING).unwrap();
        assert_eq!(ping.name(), Some("ping"), "not a push: `ref` is missing");
        assert!(matches!(WebhookEvent::parse(br#"{"action":"opened"}"#), Ok(WebhookEvent::Unknown(_))), "fits neither");
        assert!(WebhookEvent::parse(b"").is_err());
    }

    #[test]
    fn the_event_header_names_the_payload() {
        let mut headers = HeaderMap::new();
        headers.insert("x-github-event", HeaderValue::from_static("ping"));
        headers.insert("x-hub-signature-256", HeaderValue::from_static(PING_SIGNATURE));
        Verifier::hmac_sha256("X-Hub-Signature-256", "gh-secret").unwrap().verify(&headers, PING).unwrap();
        let name = headers["x-github-event"].to_str().unwrap();
        let WebhookEvent::Ping(ping) = WebhookEvent::parse_named(name, PING).unwrap() else { panic!() };
        assert_eq!(ping.hook_id, 12_345_678);
        assert!(WebhookEvent::parse_named("push", PING).is_err());
        assert!(Verifier::hmac_sha256("X-Hub-Signature-256", "another").unwrap().verify(&headers, PING).is_err());
    }
}
