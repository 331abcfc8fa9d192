//! The POS session (`x-sdkforge-session`, added by `spec/overlays/pos-sdk.yaml`) against a real
//! HTTP server on loopback: verify-otp stores the tokens, Authorization calls are signed with the
//! access token, an expired token is refreshed once (also under concurrent calls) and the call
//! re-sent once, and a successful logout forgets the tokens that signed it. Also per-call
//! options: timeouts, credentials, headers.

use commerce_engine_pos::errors::PosLogoutError;
use commerce_engine_pos::types::*;
use commerce_engine_pos::{Client, Error, RequestOptions, SessionTokens, TokenStore};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const PREFIX: &str = "/api/v1/store_123/storefront";

fn client_builder(server: &MockServer) -> commerce_engine_pos::ClientBuilder {
    Client::builder().base_url(format!("{}{PREFIX}", server.uri())).api_key("sk_test")
}

fn at(p: &str) -> String {
    format!("{PREFIX}{p}")
}

fn tokens_answer(access: &str, refresh: &str) -> Value {
    json!({"message": "ok", "success": true, "content": {"access_token": access, "refresh_token": refresh}})
}

fn verify_answer(access: &str, refresh: &str) -> Value {
    let user = json!({
        "id": "u1", "first_name": "Asha", "last_name": null, "phone": "9876543210",
        "email": "asha@example.com", "channel": {"id": "c1", "name": "POS"}, "device": null,
        "location": {"id": "l1", "name": "Main"}, "roles": []
    });
    json!({"message": "ok", "success": true, "content": {"user": user, "access_token": access, "refresh_token": refresh}})
}

fn logged_out() -> Value {
    json!({"message": "Logged out", "success": true})
}

fn unauthorized() -> Value {
    json!({"message": "Token expired", "success": false, "code": "unauthorized"})
}

/// An unsigned JWT expiring `secs` from now (negative: in the past).
fn jwt(secs: i64, subject: &str) -> String {
    let exp = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64 + secs;
    let enc = |s: String| {
        // base64url without padding, by hand: the test must not trust the code under test.
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let bytes = s.into_bytes();
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    };
    format!("{}.{}.sig", enc(r#"{"alg":"none"}"#.into()), enc(format!(r#"{{"sub":"{subject}","exp":{exp}}}"#)))
}

fn auth(r: &Request) -> Option<String> {
    r.headers.get("authorization").map(|v| v.to_str().unwrap().to_string())
}

async fn requests_to(server: &MockServer, p: &str) -> Vec<Request> {
    let all = server.received_requests().await.expect("recording is on");
    all.into_iter().filter(|r| r.url.path() == at(p)).collect()
}

/// The issue's flow: login → verify → signed call → 401 (expired) → one refresh → the call
/// re-sent succeeds → logout forgets the tokens → the next call goes out unsigned.
#[tokio::test]
async fn login_verify_sign_refresh_once_logout_then_unsigned() {
    let server = MockServer::start().await;
    let otp = json!({"message": "OTP sent", "success": true, "content": {"otp_token": "otp-tok", "otp_action": "login"}});
    Mock::given(method("POST")).and(path(at("/pos/auth/login/email"))).respond_with(ResponseTemplate::new(200).set_body_json(otp)).mount(&server).await;
    Mock::given(method("POST"))
        .and(path(at("/pos/auth/verify-otp")))
        .respond_with(ResponseTemplate::new(200).set_body_json(verify_answer("acc-1", "ref-1")))
        .mount(&server)
        .await;
    // Opaque tokens: the client cannot know they expired until the server says so.
    Mock::given(path(at("/pos/auth/logout")))
        .and(header("authorization", "Bearer acc-1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(unauthorized()))
        .mount(&server)
        .await;
    Mock::given(path(at("/pos/auth/refresh-token")))
        .and(body_json(json!({"refresh_token": "ref-1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(tokens_answer("acc-2", "ref-2")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(at("/pos/auth/logout")))
        .and(header("authorization", "Bearer acc-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(logged_out()))
        .mount(&server)
        .await;
    Mock::given(path(at("/pos/auth/logout"))).respond_with(ResponseTemplate::new(401).set_body_json(unauthorized())).mount(&server).await;

    let client = client_builder(&server).build().unwrap();
    assert_eq!(client.session_tokens(), None);
    let login = client.pos().login_with_email(PosLoginWithEmailBody::new("loc_1", "staff@example.com")).await.unwrap();
    let verify = PosVerifyOtpBody::new("123456", login.content.otp_token, PosVerifyOtpBodyOtpAction::Login);
    client.pos().verify_otp(verify).await.unwrap();
    assert_eq!(client.session_tokens(), Some(SessionTokens::new("acc-1", Some("ref-1".into()))));

    let out = client.pos().logout().await.expect("refreshed and re-sent");
    assert_eq!(out.message, "Logged out");
    assert_eq!(client.session_tokens(), None, "a successful logout forgets its tokens");

    let again = client.pos().logout().await.unwrap_err();
    assert!(matches!(&again, Error::Api(e) if matches!(e.body, PosLogoutError::Unauthorized(_))), "{again:?}");

    let logouts = requests_to(&server, "/pos/auth/logout").await;
    let signed: Vec<Option<String>> = logouts.iter().map(auth).collect();
    assert_eq!(signed, [Some("Bearer acc-1".to_string()), Some("Bearer acc-2".to_string()), None]);
    assert_eq!(requests_to(&server, "/pos/auth/refresh-token").await.len(), 1);
    // Login and verify were signed with the API key, never with a session token.
    for p in ["/pos/auth/login/email", "/pos/auth/verify-otp", "/pos/auth/refresh-token"] {
        let r = &requests_to(&server, p).await[0];
        assert_eq!(auth(r), None, "{p}");
        assert_eq!(r.headers.get("x-api-key").unwrap(), "sk_test", "{p}");
    }
}

/// A JWT about to expire is renewed before it is used: one signed request, with the new token.
#[tokio::test]
async fn a_jwt_about_to_expire_is_renewed_before_the_call() {
    let server = MockServer::start().await;
    let (old, new) = (jwt(5, "old"), jwt(3600, "new"));
    Mock::given(path(at("/pos/auth/refresh-token")))
        .and(body_json(json!({"refresh_token": "ref-1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(tokens_answer(&new, "ref-2")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(at("/pos/auth/logout")))
        .and(header("authorization", format!("Bearer {new}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(logged_out()))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_builder(&server).session_tokens(SessionTokens::new(old, Some("ref-1".into()))).build().unwrap();
    client.pos().logout().await.expect("signed with the renewed token");
    assert_eq!(requests_to(&server, "/pos/auth/logout").await.len(), 1, "no request with the old token");
}

/// Many calls that find the same expired token wait for one refresh, then each is re-sent once.
#[tokio::test]
async fn concurrent_calls_share_one_refresh() {
    let server = MockServer::start().await;
    Mock::given(path(at("/pos/auth/logout")))
        .and(header("authorization", "Bearer stale"))
        .respond_with(ResponseTemplate::new(401).set_body_json(unauthorized()))
        .mount(&server)
        .await;
    Mock::given(path(at("/pos/auth/refresh-token")))
        .respond_with(ResponseTemplate::new(200).set_body_json(tokens_answer("fresh", "ref-2")).set_delay(Duration::from_millis(200)))
        .mount(&server)
        .await;
    // Not a success, so no call ends the session the others still use.
    Mock::given(path(at("/pos/auth/logout")))
        .and(header("authorization", "Bearer fresh"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = client_builder(&server).session_tokens(SessionTokens::new("stale", Some("ref-1".into()))).build().unwrap();
    let calls = (0..8).map(|_| {
        let c = client.clone();
        tokio::spawn(async move { c.pos().logout().await })
    });
    for call in calls.collect::<Vec<_>>() {
        let err = call.await.unwrap().unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err:?}");
    }
    assert_eq!(requests_to(&server, "/pos/auth/refresh-token").await.len(), 1, "one refresh for eight calls");
    let logouts = requests_to(&server, "/pos/auth/logout").await;
    assert_eq!(logouts.iter().filter(|r| auth(r).as_deref() == Some("Bearer fresh")).count(), 8, "each call re-sent once");
    assert!(logouts.len() <= 16);
    assert_eq!(client.session_tokens(), Some(SessionTokens::new("fresh", Some("ref-2".into()))));
}

/// A refused refresh token ends the session; the caller gets the original 401, typed.
#[tokio::test]
async fn a_refused_refresh_returns_the_401_and_forgets_the_tokens() {
    let server = MockServer::start().await;
    Mock::given(path(at("/pos/auth/logout"))).respond_with(ResponseTemplate::new(401).set_body_json(unauthorized())).expect(1).mount(&server).await;
    let bad = json!({"message": "invalid refresh token", "success": false, "code": "bad_request"});
    Mock::given(path(at("/pos/auth/refresh-token"))).respond_with(ResponseTemplate::new(400).set_body_json(bad)).expect(1).mount(&server).await;
    let client = client_builder(&server).session_tokens(SessionTokens::new("acc", Some("ref".into()))).build().unwrap();
    let err = client.pos().logout().await.unwrap_err();
    match &err {
        Error::Api(e) => match &e.body {
            PosLogoutError::Unauthorized(body) => assert_eq!(body.message, "Token expired"),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    assert_eq!(client.session_tokens(), None);
}

/// A 401 for a token that is still valid is not an expiry: no refresh, the 401 is returned.
#[tokio::test]
async fn a_401_for_a_valid_token_is_not_refreshed() {
    let server = MockServer::start().await;
    Mock::given(path(at("/pos/auth/logout"))).respond_with(ResponseTemplate::new(401).set_body_json(unauthorized())).expect(1).mount(&server).await;
    Mock::given(path(at("/pos/auth/refresh-token"))).respond_with(ResponseTemplate::new(200).set_body_json(tokens_answer("x", "y"))).expect(0).mount(&server).await;
    let live = jwt(3600, "live");
    let client = client_builder(&server).session_tokens(SessionTokens::new(live.clone(), Some("ref".into()))).build().unwrap();
    assert!(client.pos().logout().await.is_err());
    assert_eq!(client.session_tokens().map(|t| t.access_token), Some(live), "the session is kept");
}

/// Logout forgets only the tokens that signed it: a session started while it was in flight stays.
#[tokio::test]
async fn logout_keeps_a_session_that_started_while_it_was_in_flight() {
    let server = MockServer::start().await;
    Mock::given(path(at("/pos/auth/logout")))
        .respond_with(ResponseTemplate::new(200).set_body_json(logged_out()).set_delay(Duration::from_millis(300)))
        .mount(&server)
        .await;
    let client = client_builder(&server).session_tokens(SessionTokens::new("first", None)).build().unwrap();
    let pending = tokio::spawn({
        let c = client.clone();
        async move { c.pos().logout().await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let second = SessionTokens::new("second", Some("r2".into()));
    client.set_session_tokens(Some(second.clone()));
    pending.await.unwrap().expect("200");
    assert_eq!(auth(&requests_to(&server, "/pos/auth/logout").await[0]).as_deref(), Some("Bearer first"));
    assert_eq!(client.session_tokens(), Some(second));
}

/// A store the application owns sees every change, and seeds a new client.
#[derive(Default)]
struct Recorder(Mutex<Vec<Option<String>>>, Mutex<Option<SessionTokens>>);

impl TokenStore for Recorder {
    fn load(&self) -> Option<SessionTokens> {
        self.1.lock().unwrap().clone()
    }
    fn save(&self, tokens: Option<SessionTokens>) {
        self.0.lock().unwrap().push(tokens.as_ref().map(|t| t.access_token.clone()));
        *self.1.lock().unwrap() = tokens;
    }
}

#[tokio::test]
async fn a_custom_token_store_persists_the_session() {
    let server = MockServer::start().await;
    Mock::given(path(at("/pos/auth/verify-otp"))).respond_with(ResponseTemplate::new(200).set_body_json(verify_answer("acc-1", "ref-1"))).mount(&server).await;
    Mock::given(path(at("/pos/auth/logout"))).respond_with(ResponseTemplate::new(200).set_body_json(logged_out())).mount(&server).await;
    let store = Arc::new(Recorder::default());
    let client = client_builder(&server).token_store(store.clone()).build().unwrap();
    client.pos().verify_otp(PosVerifyOtpBody::new("1", "t", PosVerifyOtpBodyOtpAction::Login)).await.unwrap();
    // A second client on the same store (a restarted application) is already logged in.
    let restarted = client_builder(&server).token_store(store.clone()).build().unwrap();
    restarted.pos().logout().await.unwrap();
    assert_eq!(auth(&requests_to(&server, "/pos/auth/logout").await[0]).as_deref(), Some("Bearer acc-1"));
    assert_eq!(*store.0.lock().unwrap(), [Some("acc-1".to_string()), None]);
    assert_eq!(client.session_tokens(), None, "both clients share the store");
    let shown = format!("{client:?}");
    assert!(!shown.contains("acc-1") && !shown.contains("sk_test"), "{shown}");
}

/// A failed verify stores nothing.
#[tokio::test]
async fn an_unsuccessful_verify_starts_no_session() {
    let server = MockServer::start().await;
    let bad = json!({"message": "wrong OTP", "success": false, "code": "bad_request"});
    Mock::given(path(at("/pos/auth/verify-otp"))).respond_with(ResponseTemplate::new(400).set_body_json(bad)).mount(&server).await;
    let client = client_builder(&server).build().unwrap();
    assert!(client.pos().verify_otp(PosVerifyOtpBody::new("1", "t", PosVerifyOtpBodyOtpAction::Login)).await.is_err());
    assert_eq!(client.session_tokens(), None);
}

/// Per-call credentials beat the session's and the client's; per-call headers are added.
#[tokio::test]
async fn per_call_credentials_and_headers() {
    let server = MockServer::start().await;
    Mock::given(path(at("/pos/auth/logout"))).respond_with(ResponseTemplate::new(200).set_body_json(logged_out())).mount(&server).await;
    let client = client_builder(&server).bearer_token("static").session_tokens(SessionTokens::new("session", None)).build().unwrap();
    let options = RequestOptions::new().bearer_token("per-call").header("x-trace", "t1");
    client.pos().logout().options(options).await.unwrap();
    let r = &requests_to(&server, "/pos/auth/logout").await[0];
    assert_eq!(auth(r).as_deref(), Some("Bearer per-call"));
    assert_eq!(r.headers.get("x-trace").unwrap(), "t1");
    assert_eq!(client.session_tokens().map(|t| t.access_token).as_deref(), Some("session"), "not the session's call to end");
    // Without an override, the session's token beats the client's static one.
    client.pos().logout().await.unwrap();
    let r = &requests_to(&server, "/pos/auth/logout").await[1];
    assert_eq!(auth(r).as_deref(), Some("Bearer session"));
}

/// A per-call timeout beats the client's; either ends a slow call with a transport timeout.
#[tokio::test]
async fn timeouts_per_call_and_per_client() {
    let server = MockServer::start().await;
    Mock::given(path(at("/pos/auth/logout")))
        .respond_with(ResponseTemplate::new(200).set_body_json(logged_out()).set_delay(Duration::from_millis(400)))
        .mount(&server)
        .await;
    let patient = client_builder(&server).bearer_token("t").build().unwrap();
    let started = std::time::Instant::now();
    let err = patient.pos().logout().options(RequestOptions::new().timeout(Duration::from_millis(50))).await.unwrap_err();
    assert!(matches!(&err, Error::Transport(e) if e.is_timeout()), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(350));
    let hasty = client_builder(&server).bearer_token("t").timeout(Duration::from_millis(50)).build().unwrap();
    assert!(matches!(hasty.pos().logout().await, Err(Error::Transport(e)) if e.is_timeout()));
    // The per-call value wins over the client's, both ways.
    hasty.pos().logout().options(RequestOptions::new().timeout(Duration::from_secs(5))).await.expect("the call may wait");
}

/// Hooks see every attempt (and may change it) and every response; no secret in their context.
#[derive(Default)]
struct Recording(Mutex<Vec<String>>);

impl commerce_engine_pos::Hooks for Recording {
    fn before_request(&self, ctx: &commerce_engine_pos::HookContext, request: &mut commerce_engine_pos::reqwest::Request) {
        self.0.lock().unwrap().push(format!("before {} {} #{}", ctx.operation_id, ctx.path_template, ctx.attempt));
        request.headers_mut().insert("x-signed-by", "hook".parse().unwrap());
    }
    fn after_response(&self, ctx: &commerce_engine_pos::HookContext, response: &commerce_engine_pos::RawResponse) {
        self.0.lock().unwrap().push(format!("after {} {}", ctx.operation_id, response.status().as_u16()));
    }
}

#[tokio::test]
async fn hooks_see_and_change_each_request() {
    let server = MockServer::start().await;
    Mock::given(path(at("/pos/auth/logout")))
        .and(header("x-signed-by", "hook"))
        .respond_with(ResponseTemplate::new(200).set_body_json(logged_out()))
        .expect(1)
        .mount(&server)
        .await;
    let rec = Arc::new(Recording::default());
    let client = client_builder(&server).bearer_token("t").hook(rec.clone()).build().unwrap();
    client.pos().logout().await.expect("the hook's header was sent");
    assert_eq!(*rec.0.lock().unwrap(), ["before logout-from-pos-device /pos/auth/logout #1", "after logout-from-pos-device 200"]);
}


/// A bearer token set on the builder for the scheme the session manages is session state: it
/// signs, and a successful logout forgets it (as the seed SDK clears the tokens it holds).
#[tokio::test]
async fn a_bearer_token_given_to_the_builder_is_forgotten_by_logout() {
    let server = MockServer::start().await;
    Mock::given(path(at("/pos/auth/logout"))).respond_with(ResponseTemplate::new(200).set_body_json(logged_out())).mount(&server).await;
    let client = client_builder(&server).bearer_token("given").build().unwrap();
    assert_eq!(client.session_tokens(), Some(SessionTokens::new("given", None)));
    client.pos().logout().await.unwrap();
    assert_eq!(client.session_tokens(), None, "logout forgot the given token");
    client.pos().logout().await.unwrap();
    let signed: Vec<Option<String>> = requests_to(&server, "/pos/auth/logout").await.iter().map(auth).collect();
    assert_eq!(signed, [Some("Bearer given".to_string()), None]);
}
