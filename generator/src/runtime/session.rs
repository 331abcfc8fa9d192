//! Sessions: APIs that issue their own tokens. A token-issuing call (a login) stores an access
//! token and a refresh token; calls that need the session's scheme are signed with the access
//! token; an access token about to expire, or one the server rejects with 401 once it has
//! expired, is renewed by the refresh call (one refresh at a time, however many calls wait for
//! it); a successful logout forgets the tokens that signed it. Where tokens live is a
//! [`TokenStore`], so an application can persist them.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The tokens of a session. `Debug` never shows them.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionTokens {
    /// The token calls are signed with.
    pub access_token: String,
    /// The token that renews the access token, when the API issued one.
    pub refresh_token: Option<String>,
}

impl SessionTokens {
    /// Tokens from their values.
    pub fn new(access_token: impl Into<String>, refresh_token: Option<String>) -> Self {
        Self { access_token: access_token.into(), refresh_token }
    }

    /// When the access token expires, if it is a JWT with an `exp` claim. Opaque tokens have no
    /// expiry the client can know.
    pub fn expires_at(&self) -> Option<SystemTime> {
        jwt_expiry(&self.access_token)
    }
}

impl fmt::Debug for SessionTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionTokens")
            .field("access_token", &"<redacted>")
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "<redacted>"))
            .field("expires_at", &self.expires_at())
            .finish()
    }
}

/// Where a client keeps its session's tokens. The default keeps them in memory; implement this
/// to persist them (a keychain, a file, a database) so a restarted application stays logged in.
/// Both methods are called on the request path, so they should be quick.
pub trait TokenStore: Send + Sync + 'static {
    /// The stored tokens, if any.
    fn load(&self) -> Option<SessionTokens>;
    /// Replaces the stored tokens (`None` forgets them).
    fn save(&self, tokens: Option<SessionTokens>);
}

/// A shared store: several clients (or the application) can hold the same one.
impl<T: TokenStore + ?Sized> TokenStore for Arc<T> {
    fn load(&self) -> Option<SessionTokens> {
        (**self).load()
    }

    fn save(&self, tokens: Option<SessionTokens>) {
        (**self).save(tokens)
    }
}

/// Keeps tokens in memory (the default store).
#[derive(Default)]
pub struct MemoryTokenStore(Mutex<Option<SessionTokens>>);

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl fmt::Debug for MemoryTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let has = self.0.lock().map(|t| t.is_some()).unwrap_or(false);
        f.debug_struct("MemoryTokenStore").field("has_tokens", &has).finish()
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> Option<SessionTokens> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn save(&self, tokens: Option<SessionTokens>) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = tokens;
    }
}

/// One step into a JSON document (a compiled JSONPath).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Key(&'static str),
    Index(i64),
}

/// The value a compiled path names, if present.
pub(crate) fn select<'v>(value: &'v serde_json::Value, path: &[Step]) -> Option<&'v serde_json::Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get(*k),
        Step::Index(i) => {
            let items = v.as_array()?;
            let at = if *i < 0 { items.len().checked_sub(i.unsigned_abs() as usize)? } else { *i as usize };
            items.get(at)
        }
    })
}

/// The call that renews a session, as the document describes it.
#[derive(Debug)]
pub(crate) struct RefreshSpec {
    pub(crate) method: &'static str,
    pub(crate) path: &'static str,
    pub(crate) security: &'static [&'static [super::auth::Scheme]],
    /// The JSON body property the refresh token goes in.
    pub(crate) field: &'static str,
}

/// How this API's sessions work (from `x-sdkforge-session`).
#[derive(Debug)]
pub(crate) struct SessionSpec {
    /// The security scheme the access token is sent as.
    pub(crate) scheme: &'static str,
    pub(crate) access_token: &'static [Step],
    pub(crate) refresh_token: Option<&'static [Step]>,
    pub(crate) refresh: Option<RefreshSpec>,
}

/// What a call does to the session when it succeeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SessionRole {
    /// Its response carries new tokens.
    Issues,
    /// It ends the session that signed it.
    Ends,
}

/// How long before its expiry an access token is renewed.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

/// A client's session: the spec, the store, and the lock that keeps refreshes one at a time.
pub(crate) struct Session {
    pub(crate) spec: &'static SessionSpec,
    store: Arc<dyn TokenStore>,
    /// Held while tokens are renewed or changed, so concurrent calls that find the same expired
    /// token wait for one refresh instead of each making their own.
    changing: tokio::sync::Mutex<()>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session").field("scheme", &self.spec.scheme).field("tokens", &self.store.load()).finish()
    }
}

impl Session {
    pub(crate) fn new(spec: &'static SessionSpec, store: Arc<dyn TokenStore>) -> Self {
        Self { spec, store, changing: tokio::sync::Mutex::new(()) }
    }

    pub(crate) fn tokens(&self) -> Option<SessionTokens> {
        self.store.load()
    }

    pub(crate) fn set_tokens(&self, tokens: Option<SessionTokens>) {
        self.store.save(tokens);
    }

    /// Whether a call with these security alternatives can be signed by the session.
    pub(crate) fn signs(&self, security: &[&[super::auth::Scheme]]) -> bool {
        security.iter().any(|alt| alt.iter().any(|s| s.id() == self.spec.scheme))
    }

    /// Whether the tokens can be renewed at all.
    pub(crate) fn can_refresh(&self, tokens: &SessionTokens) -> bool {
        self.spec.refresh.is_some() && tokens.refresh_token.is_some()
    }

    /// Whether an access token should be renewed before it is used.
    pub(crate) fn expiring(tokens: &SessionTokens, now: SystemTime) -> bool {
        tokens.expires_at().is_some_and(|at| at <= now + EXPIRY_MARGIN)
    }

    /// Whether a 401 for a request signed with these tokens may be cured by a refresh: the
    /// token has expired, or its expiry cannot be known. A token that is still valid was
    /// refused for another reason, which a new token would not change.
    pub(crate) fn refresh_may_help(tokens: &SessionTokens, now: SystemTime) -> bool {
        tokens.expires_at().is_none_or(|at| at <= now + EXPIRY_MARGIN)
    }

    /// Stores the tokens a token-issuing response carries. Returns whether it had them.
    pub(crate) async fn issue(&self, body: &[u8]) -> bool {
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else { return false };
        let Some(access) = select(&value, self.spec.access_token).and_then(|v| v.as_str()) else { return false };
        let refresh = self.spec.refresh_token.and_then(|p| select(&value, p)).and_then(|v| v.as_str()).map(str::to_string);
        let _changing = self.changing.lock().await;
        // A response without a new refresh token keeps the one the session has.
        let refresh = refresh.or_else(|| self.store.load().and_then(|t| t.refresh_token));
        self.store.save(Some(SessionTokens::new(access, refresh)));
        true
    }

    /// Forgets the session whose access token signed an ended call, unless the tokens have
    /// changed since (a newer session is not the one that ended).
    pub(crate) async fn end(&self, signed_with: &str) {
        let _changing = self.changing.lock().await;
        if self.store.load().is_some_and(|t| t.access_token == signed_with) {
            self.store.save(None);
        }
    }

    /// Starts renewing the tokens that held `stale` as access token, unless another call has
    /// already renewed them: returns the guard and the refresh token to send, or `None` when
    /// there is nothing to do (already renewed, or no refresh token).
    pub(crate) async fn begin_refresh(&self, stale: &str) -> Option<(tokio::sync::MutexGuard<'_, ()>, String)> {
        let guard = self.changing.lock().await;
        let current = self.store.load()?;
        if current.access_token != stale {
            return None;
        }
        let refresh = current.refresh_token?;
        Some((guard, refresh))
    }

    /// Stores the tokens of a successful refresh response, while the refresh guard is held.
    pub(crate) fn finish_refresh(&self, body: &[u8], sent_refresh: String) -> bool {
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else { return false };
        let Some(access) = select(&value, self.spec.access_token).and_then(|v| v.as_str()) else { return false };
        let refresh = self.spec.refresh_token.and_then(|p| select(&value, p)).and_then(|v| v.as_str()).map(str::to_string);
        self.store.save(Some(SessionTokens::new(access, Some(refresh.unwrap_or(sent_refresh)))));
        true
    }

    /// Forgets tokens whose refresh was refused, while the refresh guard is held: they cannot
    /// be used again.
    pub(crate) fn refused(&self, stale: &str) {
        if self.store.load().is_some_and(|t| t.access_token == stale) {
            self.store.save(None);
        }
    }
}

/// The `exp` claim of a JWT, if the token is one.
fn jwt_expiry(token: &str) -> Option<SystemTime> {
    let mut parts = token.split('.');
    let (_header, payload, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let claims: serde_json::Value = serde_json::from_slice(&base64url_decode(payload)?).ok()?;
    let exp = claims.get("exp")?.as_f64()?;
    if !exp.is_finite() || exp < 0.0 {
        return None;
    }
    UNIX_EPOCH.checked_add(Duration::from_secs_f64(exp.min(1e11)))
}

/// Base64url without padding (padding tolerated), as JWTs use.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A JWT (unsigned: the client never verifies signatures) expiring at `exp`.
    pub(crate) fn jwt(exp: u64, subject: &str) -> String {
        let enc = |s: &str| super::super::auth::base64(s.as_bytes()).trim_end_matches('=').replace('+', "-").replace('/', "_");
        format!("{}.{}.sig", enc(r#"{"alg":"none"}"#), enc(&format!(r#"{{"sub":"{subject}","exp":{exp}}}"#)))
    }

    fn now() -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
    }

    #[test]
    fn jwt_expiry_is_read_and_opaque_tokens_have_none() {
        let t = SessionTokens::new(jwt(2_000_000_000, "a"), None);
        assert_eq!(t.expires_at(), Some(UNIX_EPOCH + Duration::from_secs(2_000_000_000)));
        for opaque in ["opaque", "a.b", "a.!!!.c", "a.b.c.d", ""] {
            assert_eq!(SessionTokens::new(opaque, None).expires_at(), None, "{opaque}");
        }
    }

    #[test]
    fn expiring_and_refreshable_follow_the_clock() {
        let at = SystemTime::now();
        let live = SessionTokens::new(jwt(now() + 3600, "a"), None);
        let soon = SessionTokens::new(jwt(now() + 5, "a"), None);
        let dead = SessionTokens::new(jwt(now() - 60, "a"), None);
        let opaque = SessionTokens::new("opaque", None);
        assert!(!Session::expiring(&live, at) && Session::expiring(&soon, at) && Session::expiring(&dead, at));
        assert!(!Session::expiring(&opaque, at), "an opaque token is never renewed ahead of time");
        assert!(!Session::refresh_may_help(&live, at), "a valid token refused is not cured by a new one");
        assert!(Session::refresh_may_help(&dead, at) && Session::refresh_may_help(&opaque, at));
    }

    #[test]
    fn debug_hides_tokens() {
        let t = SessionTokens::new("acc3ss", Some("r3fresh".into()));
        let store = MemoryTokenStore::new();
        store.save(Some(t.clone()));
        let shown = format!("{t:?} {store:?}");
        assert!(!shown.contains("acc3ss") && !shown.contains("r3fresh"), "{shown}");
    }

    #[test]
    fn paths_select_members_and_indices_from_either_end() {
        let v = serde_json::json!({"content": {"token": "t"}, "data": [{"id": 1}, {"id": 2}]});
        assert_eq!(select(&v, &[Step::Key("content"), Step::Key("token")]), Some(&serde_json::json!("t")));
        assert_eq!(select(&v, &[Step::Key("data"), Step::Index(-1), Step::Key("id")]), Some(&serde_json::json!(2)));
        assert_eq!(select(&v, &[Step::Key("data"), Step::Index(0), Step::Key("id")]), Some(&serde_json::json!(1)));
        assert_eq!(select(&v, &[Step::Key("data"), Step::Index(-3)]), None);
        assert_eq!(select(&v, &[Step::Key("data"), Step::Index(2)]), None);
        assert_eq!(select(&v, &[Step::Key("missing")]), None);
        assert_eq!(select(&v, &[]), Some(&v));
    }

    #[test]
    fn base64url_round_trips() {
        assert_eq!(base64url_decode("eyJhIjoxfQ"), Some(br#"{"a":1}"#.to_vec()));
        assert_eq!(base64url_decode("_-8"), Some(vec![0xff, 0xef]));
        assert_eq!(base64url_decode("a b"), None);
    }
}
