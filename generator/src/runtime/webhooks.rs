//! Webhooks: what the generated `WebhookEvent` decodes with, and the signature checks that
//! vendors use, so that a server accepts only the requests the API really sent.
//!
//! Three schemes, each an HMAC-SHA256 compared in constant time:
//!
//! - **Standard Webhooks** (standardwebhooks.com; Svix, Polar, OpenAI, ...): headers
//!   `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature` (space-separated
//!   `v1,<base64>` entries, any one of which may match), over `{id}.{timestamp}.{body}`, with a
//!   base64 secret (`whsec_` prefix optional).
//! - **HMAC-SHA256 of the body** (GitHub's `X-Hub-Signature-256: sha256=<hex>`, and many
//!   others): the signature in hex or base64, `sha256=` prefix optional; the secret's bytes as
//!   given.
//! - **Timestamped HMAC-SHA256** (Stripe's `Stripe-Signature: t=<unix>,v1=<hex>`): over
//!   `{t}.{body}`, any `v1` entry may match; the secret's bytes as given (`whsec_...` included).
//!
//! A timestamp further from now than the tolerance ([`DEFAULT_TOLERANCE`], either way) is
//! refused, so a captured request cannot be replayed later. Always verify the body exactly as
//! received, before decoding it.
//!
//! This file is hand-written, not generated: sdkforge embeds it into every client whose API
//! document has webhooks.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::header::HeaderMap;
use sha2::Sha256;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

type HmacSha256 = Hmac<Sha256>;

/// How far a signed timestamp may be from now, either way: 5 minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Why a webhook request's signature was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// A header the scheme needs is absent.
    MissingHeader(String),
    /// A header is there but not in the scheme's form.
    MalformedHeader {
        /// The header's name.
        header: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The secret cannot be used (empty, or a Standard Webhooks secret that is not base64).
    BadSecret(&'static str),
    /// The signed timestamp is further from now than the tolerance (an old request replayed,
    /// or a clock far off).
    TimestampOutOfTolerance {
        /// The request's timestamp (unix seconds).
        timestamp: i64,
        /// Now (unix seconds).
        now: i64,
    },
    /// No signature matches the body: it was changed, or signed with another secret.
    NoMatchingSignature,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(h) => write!(f, "webhook signature: the `{h}` header is missing"),
            Self::MalformedHeader { header, reason } => write!(f, "webhook signature: the `{header}` header is malformed: {reason}"),
            Self::BadSecret(why) => write!(f, "webhook signature: the secret cannot be used: {why}"),
            Self::TimestampOutOfTolerance { timestamp, now } => {
                write!(f, "webhook signature: timestamp {timestamp} is {}s from now ({now}), beyond the tolerance", (now - timestamp).abs())
            }
            Self::NoMatchingSignature => f.write_str("webhook signature: no signature matches the body"),
        }
    }
}

impl std::error::Error for VerifyError {}

/// The scheme a [`Verifier`] checks.
#[derive(Clone, Debug)]
enum Scheme {
    Standard,
    Hmac { header: String },
    Timestamped { header: String },
}

/// Checks webhook requests' signatures with one scheme and secret (see the module docs for an
/// example). Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct Verifier {
    scheme: Scheme,
    key: Vec<u8>,
    tolerance: Duration,
}

impl fmt::Debug for Verifier {
    // Never the secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier").field("scheme", &self.scheme).field("tolerance", &self.tolerance).finish_non_exhaustive()
    }
}

impl Verifier {
    /// Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), with the
    /// endpoint's secret as the vendor shows it: base64, `whsec_` prefix optional.
    pub fn standard_webhooks(secret: &str) -> Result<Self, VerifyError> {
        Ok(Self { scheme: Scheme::Standard, key: standard_key(secret)?, tolerance: DEFAULT_TOLERANCE })
    }

    /// An HMAC-SHA256 of the body in the header `header` (such as GitHub's
    /// `X-Hub-Signature-256`), hex or base64, `sha256=` prefix optional.
    pub fn hmac_sha256(header: &str, secret: impl AsRef<[u8]>) -> Result<Self, VerifyError> {
        Ok(Self { scheme: Scheme::Hmac { header: header.to_ascii_lowercase() }, key: raw_key(secret.as_ref())?, tolerance: DEFAULT_TOLERANCE })
    }

    /// A timestamped HMAC-SHA256 in the header `header` (such as Stripe's `Stripe-Signature`):
    /// `t=<unix seconds>,v1=<hex>` over `{t}.{body}`.
    pub fn timestamped_hmac_sha256(header: &str, secret: impl AsRef<[u8]>) -> Result<Self, VerifyError> {
        Ok(Self { scheme: Scheme::Timestamped { header: header.to_ascii_lowercase() }, key: raw_key(secret.as_ref())?, tolerance: DEFAULT_TOLERANCE })
    }

    /// How far a signed timestamp may be from now, either way ([`DEFAULT_TOLERANCE`] unless
    /// set). The plain HMAC scheme signs no timestamp.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Checks a request's signature against its headers and its body, exactly as received.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), VerifyError> {
        self.verify_at(headers, body, SystemTime::now())
    }

    /// [`Self::verify`] as if it were `now` (for tests, or requests verified later).
    pub fn verify_at(&self, headers: &HeaderMap, body: &[u8], now: SystemTime) -> Result<(), VerifyError> {
        match &self.scheme {
            Scheme::Standard => {
                let id = header(headers, "webhook-id")?;
                let timestamp = header(headers, "webhook-timestamp")?;
                let signatures = header(headers, "webhook-signature")?;
                standard(&self.key, id, timestamp, signatures, body, now, self.tolerance)
            }
            Scheme::Hmac { header: name } => plain(&self.key, name, header(headers, name)?, body),
            Scheme::Timestamped { header: name } => timestamped(&self.key, name, header(headers, name)?, body, now, self.tolerance),
        }
    }
}

/// Standard Webhooks from the three header values: `webhook-id`, `webhook-timestamp` and
/// `webhook-signature`, with the base64 secret (`whsec_` prefix optional).
pub fn verify_standard_webhooks(secret: &str, id: &str, timestamp: &str, signatures: &str, body: &[u8], now: SystemTime, tolerance: Duration) -> Result<(), VerifyError> {
    standard(&standard_key(secret)?, id, timestamp, signatures, body, now, tolerance)
}

/// An HMAC-SHA256 of the body: `signature` in hex or base64, `sha256=` prefix optional.
pub fn verify_hmac_sha256(secret: &[u8], signature: &str, body: &[u8]) -> Result<(), VerifyError> {
    plain(&raw_key(secret)?, "signature", signature, body)
}

/// A timestamped HMAC-SHA256 from its header's value (`t=<unix seconds>,v1=<hex>`).
pub fn verify_timestamped_hmac_sha256(secret: &[u8], signature: &str, body: &[u8], now: SystemTime, tolerance: Duration) -> Result<(), VerifyError> {
    timestamped(&raw_key(secret)?, "signature", signature, body, now, tolerance)
}

fn standard_key(secret: &str) -> Result<Vec<u8>, VerifyError> {
    let encoded = secret.trim();
    let encoded = encoded.strip_prefix("whsec_").unwrap_or(encoded);
    let key = base64::engine::general_purpose::STANDARD.decode(encoded).map_err(|_| VerifyError::BadSecret("it is not base64 (after an optional `whsec_`)"))?;
    raw_key(&key)
}

fn raw_key(secret: &[u8]) -> Result<Vec<u8>, VerifyError> {
    if secret.is_empty() {
        return Err(VerifyError::BadSecret("it is empty"));
    }
    Ok(secret.to_vec())
}

/// A header's value as text.
fn header<'h>(headers: &'h HeaderMap, name: &str) -> Result<&'h str, VerifyError> {
    let value = headers.get(name).ok_or_else(|| VerifyError::MissingHeader(name.to_string()))?;
    value.to_str().map(str::trim).map_err(|_| VerifyError::MalformedHeader { header: name.to_string(), reason: "not visible ASCII" })
}

/// The MAC of the parts, one after the other.
fn mac(key: &[u8], parts: &[&[u8]]) -> HmacSha256 {
    // HMAC takes a key of any length.
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
    for p in parts {
        mac.update(p);
    }
    mac
}

/// Whether one of the signatures is the MAC's (each compared in constant time).
fn any_matches<'s>(mac: &HmacSha256, signatures: impl IntoIterator<Item = &'s str>) -> Result<(), VerifyError> {
    for s in signatures {
        if decodings(s).iter().any(|bytes| mac.clone().verify_slice(bytes).is_ok()) {
            return Ok(());
        }
    }
    Err(VerifyError::NoMatchingSignature)
}

/// What a signature's text may encode: hex, base64 or base64url.
fn decodings(signature: &str) -> Vec<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
    let s = signature.trim();
    let mut out: Vec<Vec<u8>> = hex(s).into_iter().collect();
    out.extend([STANDARD.decode(s), URL_SAFE.decode(s), URL_SAFE_NO_PAD.decode(s)].into_iter().filter_map(Result::ok));
    out
}

/// Hex text as bytes (either case).
fn hex(s: &str) -> Option<Vec<u8>> {
    let nibble = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    };
    let pairs = s.as_bytes().chunks_exact(2);
    if s.is_empty() || !pairs.remainder().is_empty() {
        return None;
    }
    pairs.map(|pair| Some((nibble(pair[0])? << 4) | nibble(pair[1])?)).collect()
}

/// Unix seconds of a timestamp header, checked against now and the tolerance.
fn check_timestamp(name: &str, text: &str, now: SystemTime, tolerance: Duration) -> Result<(), VerifyError> {
    let timestamp: i64 = text.trim().parse().map_err(|_| VerifyError::MalformedHeader { header: name.to_string(), reason: "the timestamp is not an integer of seconds" })?;
    let now = match now.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    };
    let tolerance = i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX);
    if now.saturating_sub(timestamp).checked_abs().is_none_or(|d| d > tolerance) {
        return Err(VerifyError::TimestampOutOfTolerance { timestamp, now });
    }
    Ok(())
}

fn standard(key: &[u8], id: &str, timestamp: &str, signatures: &str, body: &[u8], now: SystemTime, tolerance: Duration) -> Result<(), VerifyError> {
    check_timestamp("webhook-timestamp", timestamp, now, tolerance)?;
    let entries: Vec<&str> = signatures.split_whitespace().collect();
    if entries.is_empty() || entries.iter().any(|e| !e.contains(',')) {
        return Err(VerifyError::MalformedHeader { header: "webhook-signature".into(), reason: "expected space-separated `v1,<base64>` entries" });
    }
    let mac = mac(key, &[id.as_bytes(), b".", timestamp.as_bytes(), b".", body]);
    // Other versions (`v1a`: asymmetric signatures) are not ours to check.
    any_matches(&mac, entries.iter().filter_map(|e| e.strip_prefix("v1,")))
}

fn plain(key: &[u8], name: &str, signature: &str, body: &[u8]) -> Result<(), VerifyError> {
    let s = signature.trim();
    let s = s.get(..7).filter(|p| p.eq_ignore_ascii_case("sha256=")).map_or(s, |_| &s[7..]);
    if s.is_empty() {
        return Err(VerifyError::MalformedHeader { header: name.to_string(), reason: "the signature is empty" });
    }
    any_matches(&mac(key, &[body]), [s])
}

fn timestamped(key: &[u8], name: &str, value: &str, body: &[u8], now: SystemTime, tolerance: Duration) -> Result<(), VerifyError> {
    let pairs: Vec<(&str, &str)> = value.split(',').filter_map(|p| p.trim().split_once('=')).collect();
    let Some(t) = pairs.iter().find(|(k, _)| *k == "t").map(|(_, v)| *v) else {
        return Err(VerifyError::MalformedHeader { header: name.to_string(), reason: "no `t=<unix seconds>`" });
    };
    let signatures: Vec<&str> = pairs.iter().filter(|(k, _)| *k == "v1").map(|(_, v)| *v).collect();
    if signatures.is_empty() {
        return Err(VerifyError::MalformedHeader { header: name.to_string(), reason: "no `v1=<signature>`" });
    }
    check_timestamp(name, t, now, tolerance)?;
    any_matches(&mac(key, &[t.as_bytes(), b".", body]), signatures)
}

/// A webhook body as JSON, and the text value of its `property` (the discriminator); `None`
/// when the body is not an object, lacks the property or has another kind of value there.
pub(crate) fn read_tagged(body: &[u8], property: &str) -> Result<(serde_json::Value, Option<String>), serde_json::Error> {
    let value: serde_json::Value = serde_json::from_slice(body)?;
    let tag = value.get(property).and_then(serde_json::Value::as_str).map(str::to_string);
    Ok((value, tag))
}

/// The value as a `T`, when it is one.
pub(crate) fn try_decode<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> Option<T> {
    T::deserialize(value).ok()
}

#[cfg(test)]
mod webhook_tests {
    //! Expected signatures computed independently with Python's `hmac`, `hashlib` and `base64`.
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    /// The Standard Webhooks key: bytes 1..=32, base64.
    const STD_SECRET: &str = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    const STD_ID: &str = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
    const STD_TS: &str = "1700000000";
    const STD_BODY: &[u8] = br#"{"type":"order.created","data":{"id":"ord_1"}}"#;
    /// base64(HMAC-SHA256(key, "{id}.{ts}.{body}")).
    const STD_SIG: &str = "RMZJJ4t2kceBLSlEAgFhGGILSCJOD/emZM6CUdEytvw=";

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).expect("a header value"));
        }
        h
    }

    fn std_headers(signature: &str) -> HeaderMap {
        headers(&[("webhook-id", STD_ID), ("webhook-timestamp", STD_TS), ("webhook-signature", signature)])
    }

    #[test]
    fn standard_webhooks_valid_with_and_without_whsec() {
        let sig = format!("v1,{STD_SIG}");
        for secret in [STD_SECRET.to_string(), format!("whsec_{STD_SECRET}")] {
            let v = Verifier::standard_webhooks(&secret).unwrap();
            assert_eq!(v.verify_at(&std_headers(&sig), STD_BODY, at(1_700_000_000)), Ok(()));
        }
        assert_eq!(verify_standard_webhooks(STD_SECRET, STD_ID, STD_TS, &sig, STD_BODY, at(1_700_000_100), DEFAULT_TOLERANCE), Ok(()));
    }

    #[test]
    fn standard_webhooks_published_example() {
        // The example of the Standard Webhooks specification, recomputed with Python.
        let r = verify_standard_webhooks(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "1614265330",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            br#"{"test": 2432232314}"#,
            at(1_614_265_330),
            DEFAULT_TOLERANCE,
        );
        assert_eq!(r, Ok(()));
    }

    #[test]
    fn standard_webhooks_refuses_tampering_and_other_secrets() {
        let v = Verifier::standard_webhooks(STD_SECRET).unwrap();
        let sig = format!("v1,{STD_SIG}");
        let now = at(1_700_000_000);
        assert_eq!(v.verify_at(&std_headers(&sig), br#"{"type":"order.created","data":{"id":"ord_2"}}"#, now), Err(VerifyError::NoMatchingSignature));
        let other = Verifier::standard_webhooks("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap();
        assert_eq!(other.verify_at(&std_headers(&sig), STD_BODY, now), Err(VerifyError::NoMatchingSignature));
        // The id is signed too.
        let h = headers(&[("webhook-id", "msg_other"), ("webhook-timestamp", STD_TS), ("webhook-signature", &sig)]);
        assert_eq!(v.verify_at(&h, STD_BODY, now), Err(VerifyError::NoMatchingSignature));
    }

    #[test]
    fn standard_webhooks_any_of_several_signatures() {
        let v = Verifier::standard_webhooks(STD_SECRET).unwrap();
        let several = format!("v1,Zm9vYmFy v1a,c29tZXRoaW5nZWxzZQ== v1,{STD_SIG}");
        assert_eq!(v.verify_at(&std_headers(&several), STD_BODY, at(1_700_000_000)), Ok(()));
        let none = "v1,Zm9vYmFy v1,RMZJJ4t2kceBLSlEAgFhGGILSCJOD/emZM6CUdEytvx=";
        assert_eq!(v.verify_at(&std_headers(none), STD_BODY, at(1_700_000_000)), Err(VerifyError::NoMatchingSignature));
        // Only `v1` entries count.
        let v1a = format!("v1a,{STD_SIG}");
        assert_eq!(v.verify_at(&std_headers(&v1a), STD_BODY, at(1_700_000_000)), Err(VerifyError::NoMatchingSignature));
    }

    #[test]
    fn standard_webhooks_timestamps_outside_the_tolerance() {
        let v = Verifier::standard_webhooks(STD_SECRET).unwrap();
        let h = std_headers(&format!("v1,{STD_SIG}"));
        assert_eq!(v.verify_at(&h, STD_BODY, at(1_700_000_300)), Ok(()), "exactly 5 minutes late");
        assert_eq!(v.verify_at(&h, STD_BODY, at(1_699_999_700)), Ok(()), "exactly 5 minutes early");
        assert_eq!(v.verify_at(&h, STD_BODY, at(1_700_000_301)), Err(VerifyError::TimestampOutOfTolerance { timestamp: 1_700_000_000, now: 1_700_000_301 }));
        assert_eq!(v.verify_at(&h, STD_BODY, at(1_699_999_699)), Err(VerifyError::TimestampOutOfTolerance { timestamp: 1_700_000_000, now: 1_699_999_699 }));
        let lenient = v.clone().tolerance(Duration::from_secs(3600));
        assert_eq!(lenient.verify_at(&h, STD_BODY, at(1_700_003_000)), Ok(()));
        assert!(v.verify(&h, STD_BODY).is_err(), "2023 is long past");
    }

    #[test]
    fn standard_webhooks_missing_and_malformed_headers() {
        let v = Verifier::standard_webhooks(STD_SECRET).unwrap();
        let now = at(1_700_000_000);
        let sig = format!("v1,{STD_SIG}");
        let h = headers(&[("webhook-timestamp", STD_TS), ("webhook-signature", &sig)]);
        assert_eq!(v.verify_at(&h, STD_BODY, now), Err(VerifyError::MissingHeader("webhook-id".into())));
        let h = headers(&[("webhook-id", STD_ID), ("webhook-signature", &sig)]);
        assert_eq!(v.verify_at(&h, STD_BODY, now), Err(VerifyError::MissingHeader("webhook-timestamp".into())));
        let h = headers(&[("webhook-id", STD_ID), ("webhook-timestamp", "yesterday"), ("webhook-signature", &sig)]);
        assert!(matches!(v.verify_at(&h, STD_BODY, now), Err(VerifyError::MalformedHeader { header, .. }) if header == "webhook-timestamp"));
        for bad in ["", STD_SIG] {
            let h = std_headers(bad);
            assert!(matches!(v.verify_at(&h, STD_BODY, now), Err(VerifyError::MalformedHeader { header, .. }) if header == "webhook-signature"), "{bad:?}");
        }
        assert_eq!(Verifier::standard_webhooks("whsec_not base64!").unwrap_err(), VerifyError::BadSecret("it is not base64 (after an optional `whsec_`)"));
        assert_eq!(Verifier::standard_webhooks("whsec_").unwrap_err(), VerifyError::BadSecret("it is empty"));
    }

    /// GitHub's documented example: secret and body, and the signature Python computes.
    const GH_SECRET: &str = "It's a Secret to Everybody";
    const GH_BODY: &[u8] = b"Hello, World!";
    const GH_HEX: &str = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    const GH_B64: &str = "dXEH6g6yUJ/CESIczphLijdXC211hsIsRvQ3nIsEPhc=";

    #[test]
    fn hmac_of_the_body_hex_base64_and_prefix() {
        let v = Verifier::hmac_sha256("X-Hub-Signature-256", GH_SECRET).unwrap();
        for sig in [format!("sha256={GH_HEX}"), GH_HEX.to_string(), GH_HEX.to_ascii_uppercase(), GH_B64.to_string(), format!("sha256={GH_B64}")] {
            assert_eq!(v.verify(&headers(&[("x-hub-signature-256", &sig)]), GH_BODY), Ok(()), "{sig}");
            assert_eq!(verify_hmac_sha256(GH_SECRET.as_bytes(), &sig, GH_BODY), Ok(()), "{sig}");
        }
        assert_eq!(v.verify(&headers(&[("x-hub-signature-256", &format!("sha256={GH_HEX}"))]), b"Hello, World?"), Err(VerifyError::NoMatchingSignature));
        let wrong = Verifier::hmac_sha256("X-Hub-Signature-256", "another secret").unwrap();
        assert_eq!(wrong.verify(&headers(&[("x-hub-signature-256", GH_HEX)]), GH_BODY), Err(VerifyError::NoMatchingSignature));
        assert_eq!(v.verify(&HeaderMap::new(), GH_BODY), Err(VerifyError::MissingHeader("x-hub-signature-256".into())));
        assert!(matches!(v.verify(&headers(&[("x-hub-signature-256", "sha256=")]), GH_BODY), Err(VerifyError::MalformedHeader { .. })));
        assert_eq!(verify_hmac_sha256(GH_SECRET.as_bytes(), "not a signature", GH_BODY), Err(VerifyError::NoMatchingSignature));
        assert_eq!(Verifier::hmac_sha256("x", "").unwrap_err(), VerifyError::BadSecret("it is empty"));
    }

    /// Stripe-style: the secret's bytes as given, over "{t}.{body}", hex.
    const ST_SECRET: &str = "whsec_test_secret";
    const ST_BODY: &[u8] = br#"{"id":"evt_1","type":"order.paid"}"#;
    const ST_HEX: &str = "90148fcc92b21649659fb8136fe66bea02dcca76fa1a37304c5c161f7eead4f9";

    #[test]
    fn timestamped_hmac() {
        let v = Verifier::timestamped_hmac_sha256("Stripe-Signature", ST_SECRET).unwrap();
        let now = at(1_700_000_010);
        let good = format!("t=1700000000,v1={ST_HEX}");
        assert_eq!(v.verify_at(&headers(&[("stripe-signature", &good)]), ST_BODY, now), Ok(()));
        let several = format!("t=1700000000,v1=00ff,v0=abcdef,v1={ST_HEX}");
        assert_eq!(v.verify_at(&headers(&[("stripe-signature", &several)]), ST_BODY, now), Ok(()));
        assert_eq!(v.verify_at(&headers(&[("stripe-signature", &good)]), br#"{"id":"evt_2","type":"order.paid"}"#, now), Err(VerifyError::NoMatchingSignature));
        // The timestamp is signed: another one does not match.
        let moved = format!("t=1700000001,v1={ST_HEX}");
        assert_eq!(v.verify_at(&headers(&[("stripe-signature", &moved)]), ST_BODY, now), Err(VerifyError::NoMatchingSignature));
        assert_eq!(
            v.verify_at(&headers(&[("stripe-signature", &good)]), ST_BODY, at(1_700_000_000 + 301)),
            Err(VerifyError::TimestampOutOfTolerance { timestamp: 1_700_000_000, now: 1_700_000_301 })
        );
        assert_eq!(
            v.verify_at(&headers(&[("stripe-signature", &good)]), ST_BODY, at(1_699_999_000)),
            Err(VerifyError::TimestampOutOfTolerance { timestamp: 1_700_000_000, now: 1_699_999_000 })
        );
        for bad in [format!("v1={ST_HEX}"), "t=1700000000".to_string(), format!("t=soon,v1={ST_HEX}")] {
            assert!(matches!(v.verify_at(&headers(&[("stripe-signature", &bad)]), ST_BODY, now), Err(VerifyError::MalformedHeader { .. })), "{bad}");
        }
        assert_eq!(verify_timestamped_hmac_sha256(ST_SECRET.as_bytes(), &good, ST_BODY, now, DEFAULT_TOLERANCE), Ok(()));
        let wrong = Verifier::timestamped_hmac_sha256("Stripe-Signature", "whsec_other").unwrap();
        assert_eq!(wrong.verify_at(&headers(&[("stripe-signature", &good)]), ST_BODY, now), Err(VerifyError::NoMatchingSignature));
    }

    #[test]
    fn errors_read_well_and_the_secret_is_never_shown() {
        assert_eq!(VerifyError::MissingHeader("webhook-id".into()).to_string(), "webhook signature: the `webhook-id` header is missing");
        assert_eq!(
            VerifyError::TimestampOutOfTolerance { timestamp: 100, now: 500 }.to_string(),
            "webhook signature: timestamp 100 is 400s from now (500), beyond the tolerance"
        );
        assert_eq!(
            VerifyError::MalformedHeader { header: "webhook-timestamp".into(), reason: "the timestamp is not an integer of seconds" }.to_string(),
            "webhook signature: the `webhook-timestamp` header is malformed: the timestamp is not an integer of seconds"
        );
        assert_eq!(VerifyError::BadSecret("it is empty").to_string(), "webhook signature: the secret cannot be used: it is empty");
        assert_eq!(VerifyError::NoMatchingSignature.to_string(), "webhook signature: no signature matches the body");
        let v = Verifier::hmac_sha256("x-sig", "hunter2").unwrap();
        assert!(!format!("{v:?}").contains("hunter2"));
    }

    #[test]
    fn tags_are_read_from_objects_only() {
        let (value, tag) = read_tagged(br#"{"type":"a.b","n":1}"#, "type").unwrap();
        assert_eq!((value["n"].as_i64(), tag.as_deref()), (Some(1), Some("a.b")));
        assert_eq!(read_tagged(br#"{"type":3}"#, "type").unwrap().1, None);
        assert_eq!(read_tagged(b"[1]", "type").unwrap().1, None);
        assert!(read_tagged(b"{", "type").is_err());
        assert_eq!(try_decode::<u8>(&serde_json::json!(3)), Some(3));
        assert_eq!(try_decode::<u8>(&serde_json::json!("x")), None);
    }
}
