//! OAuth2 client credentials (RFC 6749 §4.4): the client id and secret are exchanged at the
//! token URL for an access token, which is cached and fetched again shortly before it expires.
//! One fetch at a time: calls that need a token while one is being fetched wait for it.

use super::error::Error;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Fetch a new token this long before the old one expires.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

#[derive(Clone)]
struct Cached {
    token: String,
    expires: Option<Instant>,
}

/// Access tokens by token URL and client id.
#[derive(Default)]
pub(crate) struct TokenCache(tokio::sync::Mutex<HashMap<(String, String), Cached>>);

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenCache(<redacted>)")
    }
}

/// Percent-encoding for `application/x-www-form-urlencoded` values and basic-auth parts.
fn form(s: &str) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    const SET: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    utf8_percent_encode(s, SET).to_string()
}

impl TokenCache {
    /// A valid access token for these client credentials, fetched when there is none or it is
    /// about to expire.
    pub(crate) async fn token<E>(
        &self,
        http: &reqwest::Client,
        token_url: &str,
        scopes: &[&str],
        client_id: &str,
        client_secret: &str,
    ) -> Result<String, Error<E>> {
        let key = (token_url.to_string(), client_id.to_string());
        let mut cache = self.0.lock().await;
        if let Some(c) = cache.get(&key)
            && c.expires.is_none_or(|at| Instant::now() + EXPIRY_MARGIN < at)
        {
            return Ok(c.token.clone());
        }
        let mut body = String::from("grant_type=client_credentials");
        if !scopes.is_empty() {
            body.push_str(&format!("&scope={}", form(&scopes.join(" "))));
        }
        // Client authentication with HTTP basic, as RFC 6749 §2.3.1 asks servers to support.
        let basic = super::auth::base64(format!("{}:{}", form(client_id), form(client_secret)).as_bytes());
        let mut auth = reqwest::header::HeaderValue::from_str(&format!("Basic {basic}"))
            .map_err(|_| Error::Authentication("the client id or secret cannot be sent in a header".into()))?;
        auth.set_sensitive(true);
        let response = http
            .post(token_url)
            .header(reqwest::header::AUTHORIZATION, auth)
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| Error::Authentication(format!("cannot reach the token URL {token_url}: {}", e.without_url())))?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| Error::Authentication(format!("cannot read the token response: {}", e.without_url())))?;
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        if !status.is_success() {
            let reason = json.get("error").and_then(|v| v.as_str()).unwrap_or("no reason given");
            return Err(Error::Authentication(format!("the token URL {token_url} refused the client credentials ({status}: {reason})")));
        }
        let Some(token) = json.get("access_token").and_then(|v| v.as_str()) else {
            return Err(Error::Authentication(format!("the token URL {token_url} answered without an `access_token`")));
        };
        let expires = json.get("expires_in").and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok())).map(|s| Instant::now() + Duration::from_secs(s));
        cache.insert(key, Cached { token: token.to_string(), expires });
        Ok(token.to_string())
    }
}
