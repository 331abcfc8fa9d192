//! The shared state of a client and the one place requests are sent from.

use super::auth::{Credentials, KeyLocation, Scheme, Secret, base64};
use super::call::{Body, Call};
use super::error::{BuildError, Error, RawResponse, Response};
use super::options::Retries;
use super::session::{Session, SessionRole, SessionSpec, SessionTokens, TokenStore};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tracing::Instrument;

/// Configuration collected by the generated `ClientBuilder`.
#[derive(Clone, Default)]
pub(crate) struct CoreBuilder {
    base_url: Option<String>,
    credentials: Credentials,
    http: Option<reqwest::Client>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    no_retries: bool,
    session: Option<&'static SessionSpec>,
    token_store: Option<Arc<dyn TokenStore>>,
    tokens: Option<SessionTokens>,
    hooks: Vec<Arc<dyn super::hooks::Hooks>>,
    globals: std::collections::BTreeMap<&'static str, serde_json::Value>,
    headers: Vec<(String, String)>,
}

impl fmt::Debug for CoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl CoreBuilder {
    pub(crate) fn base_url(&mut self, url: String) {
        self.base_url = Some(url);
    }

    pub(crate) fn credential(&mut self, id: &'static str, secret: Secret) {
        self.credentials.set(id, secret);
    }

    pub(crate) fn http_client(&mut self, client: reqwest::Client) {
        self.http = Some(client);
    }

    pub(crate) fn timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    pub(crate) fn user_agent(&mut self, agent: String) {
        self.user_agent = Some(agent);
    }

    pub(crate) fn no_retries(&mut self) {
        self.no_retries = true;
    }

    /// The API's sessions (generated from `x-sdkforge-session`).
    pub(crate) fn session(&mut self, spec: &'static SessionSpec) {
        self.session = Some(spec);
    }

    pub(crate) fn token_store(&mut self, store: Arc<dyn TokenStore>) {
        self.token_store = Some(store);
    }

    pub(crate) fn session_tokens(&mut self, tokens: SessionTokens) {
        self.tokens = Some(tokens);
    }

    /// A global parameter's value (`x-speakeasy-globals`), by `place:name`.
    pub(crate) fn global(&mut self, key: &'static str, value: serde_json::Value) {
        self.globals.insert(key, value);
    }

    pub(crate) fn hook(&mut self, hook: Arc<dyn super::hooks::Hooks>) {
        self.hooks.push(hook);
    }

    /// A header sent with every request (unless the call sets it).
    pub(crate) fn header(&mut self, name: String, value: String) {
        self.headers.push((name, value));
    }

    /// Builds the core. `server_url` is the chosen server's URL: used when no base URL was set,
    /// and resolved against the base URL when it is relative (see [`resolve_base`]).
    pub(crate) fn build(self, server_url: Option<String>) -> Result<Core, BuildError> {
        let url = match (self.base_url, server_url) {
            (Some(base), Some(server)) => resolve_base(&base, &server),
            (Some(base), None) => base,
            (None, Some(server)) if is_relative(&server) => {
                return Err(BuildError(format!(
                    "the server URL `{server}` is relative: give the API's origin with `.base_url(\"https://host\")` (the server's path is added to it)"
                )));
            }
            (None, Some(server)) => server,
            (None, None) => return Err(BuildError("no server: call `.server(..)` or `.base_url(..)`".to_string())),
        };
        let parsed = reqwest::Url::parse(&url).map_err(|e| BuildError(format!("invalid base URL `{url}`: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(BuildError(format!("invalid base URL `{url}`: the scheme must be http or https")));
        }
        let http = match self.http {
            Some(c) => c,
            None => {
                let mut b = reqwest::Client::builder();
                if let Some(agent) = &self.user_agent {
                    b = b.user_agent(agent.clone());
                }
                b.build().map_err(|e| BuildError(format!("cannot create the HTTP client: {e}")))?
            }
        };
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let (n, v) = header_pair::<()>(name, value).map_err(|e| match e {
                Error::InvalidRequest(m) => BuildError(m),
                _ => BuildError(format!("invalid header `{name}`")),
            })?;
            headers.append(n, v);
        }
        let mut credentials = self.credentials;
        let session = self.session.map(|spec| {
            let store = self.token_store.unwrap_or_else(|| Arc::new(super::session::MemoryTokenStore::new()));
            // A token set on the builder for the scheme the session manages is session state: it
            // signs like an issued token, and a successful logout forgets it.
            let given = match credentials.take(spec.scheme) {
                Some(Secret::Token(t)) => Some(SessionTokens::new(t, None)),
                Some(other) => {
                    credentials.set(spec.scheme, other);
                    None
                }
                None => None,
            };
            if let Some(tokens) = self.tokens.or(given) {
                store.save(Some(tokens));
            }
            Session::new(spec, store)
        });
        Ok(Core {
            http,
            base_url: url.trim_end_matches('/').to_string(),
            credentials,
            timeout: self.timeout,
            retries: !self.no_retries,
            session,
            oauth: super::oauth::TokenCache::default(),
            hooks: self.hooks,
            globals: self.globals,
            headers,
        })
    }
}

/// Whether a URL is a relative reference (`/api`, `v1`), not an absolute URL.
fn is_relative(url: &str) -> bool {
    reqwest::Url::parse(url).is_err() && reqwest::Url::parse("http://h/").and_then(|b| b.join(url)).is_ok()
}

/// The base URL of the client: the one given, except that a relative server URL of the document
/// (`/api`, resolved against where the document is served, per OpenAPI) is resolved against a
/// base URL that is only an origin (`http://127.0.0.1:4200` becomes `http://127.0.0.1:4200/api`).
/// A base URL with a path of its own is taken whole, as given.
fn resolve_base(base: &str, server: &str) -> String {
    if !is_relative(server) {
        return base.to_string();
    }
    match reqwest::Url::parse(base) {
        Ok(b) if matches!(b.path(), "" | "/") && b.query().is_none() => match b.join(server) {
            Ok(joined) => joined.to_string(),
            Err(_) => base.to_string(),
        },
        _ => base.to_string(),
    }
}

/// The shared state of a client.
pub(crate) struct Core {
    http: reqwest::Client,
    base_url: String,
    credentials: Credentials,
    timeout: Option<Duration>,
    retries: bool,
    session: Option<Session>,
    oauth: super::oauth::TokenCache,
    hooks: Vec<Arc<dyn super::hooks::Hooks>>,
    globals: std::collections::BTreeMap<&'static str, serde_json::Value>,
    /// Headers of every request, unless the call sets them.
    headers: HeaderMap,
}

impl fmt::Debug for Core {
    /// Shows the base URL and which credentials are set, never their values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

/// A parameter's value: the call's when set, else the client's global, else none.
pub(crate) fn or_global<T: serde::Serialize>(own: &Option<T>, global: Option<&serde_json::Value>) -> serde_json::Value {
    match own {
        Some(v) => serde_json::to_value(v).unwrap_or(serde_json::Value::Null),
        None => global.cloned().unwrap_or(serde_json::Value::Null),
    }
}

/// A response to a streaming call.
pub(crate) enum Opened {
    /// A success, its body not read yet.
    Streaming(reqwest::Response),
    /// Anything else, read whole.
    Read(RawResponse),
}

/// Reads a whole response.
pub(crate) async fn read(response: reqwest::Response) -> Result<RawResponse, reqwest::Error> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await?.to_vec();
    Ok(RawResponse::new(status, headers, body))
}

fn header_pair<E>(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), Error<E>> {
    let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| Error::InvalidRequest(format!("`{name}` is not a valid header name")))?;
    let v = HeaderValue::from_str(value).map_err(|_| {
        Error::InvalidRequest(format!("the value of header `{name}` has characters a header cannot carry (such as a line break)"))
    })?;
    Ok((n, v))
}

/// A request in flight, resolving to the operation's `T` or its [`Error`] with the documented
/// error responses `E`: what an operation's `send` returns and `.await` drives (through
/// `IntoFuture`). Boxed, `Send` and `'static`: it can be spawned, stored or selected on.
pub type Pending<T, E> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, Error<E>>> + Send + 'static>>;

/// The future of one operation's call: sends `call`, decodes the response with the operation's
/// `decode`, and `finish` picks what the caller gets (the body, the whole response, ...).
///
/// Every operation's `send`, `send_with_response` and `into_future` return this future rather
/// than futures of their own: the compiler then checks one future (and proves it `Send`) for
/// the whole crate instead of three per operation (those were 18% of GitHub's client's `cargo
/// check`), and, as it is boxed here, no operation declares an opaque `impl Future` type of
/// its own either (`into_future` boxed `send`'s anyway).
pub(crate) fn call<T, E, R>(
    core: Arc<Core>,
    call: Call,
    decode: fn(RawResponse) -> Result<Response<T>, Error<E>>,
    finish: fn(Response<T>) -> R,
) -> Pending<R, E>
where
    T: Send + 'static,
    E: Send + 'static,
    R: Send + 'static,
{
    Box::pin(async move {
        let response = core.send(call).await?;
        decode(response).map(finish)
    })
}

/// The body of a decoded response, for [`call`]'s `finish`.
pub(crate) fn body_of<T>(response: Response<T>) -> T {
    response.body
}

impl Core {
    /// The base URL every path is appended to.
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A global parameter's value, by `place:name`.
    pub(crate) fn global(&self, key: &str) -> Option<&serde_json::Value> {
        self.globals.get(key)
    }

    /// The session, when the API has one.
    pub(crate) fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// Sends a call and reads the whole response; statuses are not interpreted here, except
    /// by the session: a call the session signs is renewed ahead of expiry, a 401 for an
    /// expired token is renewed once and the call sent once more, tokens in the response of a
    /// token-issuing call are stored, and a successful logout forgets the tokens that signed it.
    pub(crate) async fn send<E>(&self, mut call: Call) -> Result<RawResponse, Error<E>> {
        if let Some(reason) = call.invalid.take() {
            return Err(Error::InvalidRequest(reason));
        }
        let session = self.session.as_ref();
        let signing = session.filter(|s| s.signs(call.security) && !call.options.credentials.has(s.spec.scheme));
        let mut tokens = signing.and_then(Session::tokens);
        if let (Some(s), Some(t)) = (signing, &tokens)
            && Session::expiring(t, SystemTime::now())
            && s.can_refresh(t)
        {
            self.refresh(s, &t.access_token).await;
            tokens = s.tokens();
        }
        let access = |t: &Option<SessionTokens>| t.as_ref().map(|t| t.access_token.clone());
        let mut response = self.exchange(&call, access(&tokens).as_deref()).await?;
        if response.status() == reqwest::StatusCode::UNAUTHORIZED
            && let (Some(s), Some(t)) = (signing, &tokens)
            && s.can_refresh(t)
            && Session::refresh_may_help(t, SystemTime::now())
            && self.refresh(s, &t.access_token).await
        {
            tokens = s.tokens();
            response = self.exchange(&call, access(&tokens).as_deref()).await?;
        }
        if response.status().is_success() {
            match (call.session, session) {
                (Some(SessionRole::Issues), Some(s)) => {
                    s.issue(response.body()).await;
                }
                (Some(SessionRole::Ends), Some(s)) => {
                    if let Some(t) = &tokens {
                        s.end(&t.access_token).await;
                    }
                }
                _ => {}
            }
        }
        Ok(response)
    }

    /// Sends a call whose success is a stream (server-sent events): a success is returned
    /// unread, anything else read whole. Signed like any call; not retried, as a stream may
    /// already have been consumed in part.
    pub(crate) async fn open<E>(&self, mut call: Call) -> Result<Opened, Error<E>> {
        if let Some(reason) = call.invalid.take() {
            return Err(Error::InvalidRequest(reason));
        }
        let session = self.session.as_ref().filter(|s| s.signs(call.security) && !call.options.credentials.has(s.spec.scheme));
        let token = session.and_then(Session::tokens).map(|t| t.access_token);
        let credentials = self.credentials(&call, token.as_deref()).await?;
        let span = tracing::debug_span!("request", operation = call.operation_id, method = %call.method, path = call.template, attempt = 1u32, status = tracing::field::Empty);
        let response = self.attempt(&call, &credentials, 1).instrument(span.clone()).await??;
        span.record("status", response.status().as_u16());
        if response.status().is_success() {
            Ok(Opened::Streaming(response))
        } else {
            Ok(Opened::Read(read(response).await?))
        }
    }

    /// Renews the session whose access token is `stale`; one refresh at a time, and none when
    /// another call has already renewed it. Returns whether the session now has other tokens.
    async fn refresh(&self, session: &Session, stale: &str) -> bool {
        let Some((_guard, refresh_token)) = session.begin_refresh(stale).await else {
            return session.tokens().is_some_and(|t| t.access_token != stale);
        };
        let Some(spec) = &session.spec.refresh else { return false };
        let Ok(method) = reqwest::Method::from_bytes(spec.method.as_bytes()) else { return false };
        let mut body = serde_json::Map::new();
        body.insert(spec.field.to_string(), serde_json::Value::String(refresh_token.clone()));
        let call = Call::new(method, spec.path).security(spec.security).json(&body);
        match self.exchange::<()>(&call, None).await {
            Ok(r) if r.status().is_success() => session.finish_refresh(r.body(), refresh_token),
            Ok(r) if r.status().is_client_error() => {
                // The refresh token was refused: the session cannot continue.
                session.refused(stale);
                false
            }
            _ => false,
        }
    }

    /// The credentials of a call: the client's, the session's token over them, the call's over
    /// both; client credentials of the chosen OAuth2 scheme exchanged for an access token.
    async fn credentials<E>(&self, call: &Call, session_token: Option<&str>) -> Result<super::auth::Credentials, Error<E>> {
        let mut c = self.credentials.clone();
        if let (Some(s), Some(t)) = (&self.session, session_token) {
            c.set(s.spec.scheme, Secret::Token(t.to_string()));
        }
        c.extend(&call.options.credentials);
        let chosen: Vec<Scheme> = c.choose(call.security).map(<[Scheme]>::to_vec).unwrap_or_default();
        for scheme in chosen {
            let Scheme::OAuth2 { id, token_url, scopes } = scheme else { continue };
            let Some(Secret::ClientCredentials { client_id, client_secret }) = c.get(id).cloned() else { continue };
            // A relative token URL is taken from the API's base URL.
            let url = reqwest::Url::parse(&format!("{}/", self.base_url))
                .and_then(|base| base.join(token_url))
                .map_err(|e| Error::Authentication(format!("invalid token URL `{token_url}`: {e}")))?;
            let token = self.oauth.token(&self.http, url.as_str(), scopes, &client_id, &client_secret).await?;
            c.replace(id, Secret::Token(token));
        }
        Ok(c)
    }

    /// Sends a call, retrying as its policy says, and reads the whole response.
    async fn exchange<E>(&self, call: &Call, session_token: Option<&str>) -> Result<RawResponse, Error<E>> {
        let credentials = self.credentials(call, session_token).await?;
        let policy = match call.options.retries {
            Some(Retries::Off) => None,
            Some(Retries::With(backoff)) => Some(backoff.policy(call.retry)),
            None => call.retry.filter(|_| self.retries),
        };
        let started = std::time::Instant::now();
        let mut attempt = 0u32;
        loop {
            let span = tracing::debug_span!("request", operation = call.operation_id, method = %call.method, path = call.template, attempt = attempt + 1, status = tracing::field::Empty);
            let result = self.attempt(call, &credentials, attempt + 1).instrument(span.clone()).await?;
            if let Ok(r) = &result {
                span.record("status", r.status().as_u16());
            }
            let read = |result: Result<reqwest::Response, reqwest::Error>| async {
                let raw = read(result?).instrument(span.clone()).await?;
                self.after(call, attempt + 1, &raw);
                Ok::<RawResponse, Error<E>>(raw)
            };
            let Some(policy) = policy else { return read(result).await };
            let elapsed = started.elapsed();
            let budget = Duration::from_millis(policy.max_elapsed_ms);
            let wait = match &result {
                Err(e) if policy.connection_errors && (e.is_connect() || e.is_timeout()) => policy.backoff(attempt),
                Ok(response) if policy.retries_status(response.status().as_u16()) => response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| super::retry::retry_after(v, std::time::SystemTime::now()))
                    .filter(|w| elapsed + *w <= budget)
                    .unwrap_or_else(|| policy.backoff(attempt)),
                _ => return read(result).await,
            };
            if elapsed + wait > budget {
                // Out of time: the last answer is returned as it is (a connection error is raised).
                return read(result).await;
            }
            match &result {
                Ok(r) => tracing::info!(parent: &span, status = r.status().as_u16(), wait_ms = wait.as_millis() as u64, "retrying"),
                Err(_) => tracing::info!(parent: &span, wait_ms = wait.as_millis() as u64, "retrying after a connection error"),
            }
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// Builds and sends one attempt, through the hooks.
    /// The outer error is a request that could not be built; the inner one, a failed exchange.
    async fn attempt<E>(&self, call: &Call, credentials: &super::auth::Credentials, attempt: u32) -> Result<Result<reqwest::Response, reqwest::Error>, Error<E>> {
        let builder = self.build(call, credentials)?;
        if self.hooks.is_empty() {
            return Ok(builder.send().await);
        }
        let mut request = builder.build()?;
        let context = super::hooks::HookContext { operation_id: call.operation_id, path_template: call.template, attempt };
        for hook in &self.hooks {
            hook.before_request(&context, &mut request);
        }
        Ok(self.http.execute(request).await)
    }

    /// Shows a response read whole to the hooks.
    fn after(&self, call: &Call, attempt: u32, response: &RawResponse) {
        if self.hooks.is_empty() {
            return;
        }
        let context = super::hooks::HookContext { operation_id: call.operation_id, path_template: call.template, attempt };
        for hook in &self.hooks {
            hook.after_response(&context, response);
        }
    }

    /// One attempt's request. Built anew for every attempt, from owned parts, so a retried
    /// request carries the same body.
    fn build<E>(&self, call: &Call, credentials: &super::auth::Credentials) -> Result<reqwest::RequestBuilder, Error<E>> {
        let mut query = call.query.clone();
        let mut cookies = call.cookies.clone();
        let mut headers = HeaderMap::new();
        for (name, value) in call.headers.iter().chain(&call.options.headers) {
            let (n, v) = header_pair(name, value)?;
            headers.append(n, v);
        }
        for (n, v) in &self.headers {
            if !headers.contains_key(n) {
                headers.append(n.clone(), v.clone());
            }
        }
        // A next-page URL the server gave replaces base URL, path and query; credentials are
        // only sent when it stays on the API's origin.
        let (mut url, same_origin) = match &call.url {
            Some(next) => {
                let base = reqwest::Url::parse(&format!("{}/", self.base_url))
                    .map_err(|e| Error::InvalidRequest(format!("cannot form the URL: {e}")))?;
                let url = base.join(next).map_err(|e| Error::InvalidRequest(format!("invalid next-page URL `{next}`: {e}")))?;
                let same = url.origin() == base.origin();
                query.clear();
                (url, same)
            }
            None => {
                let url = reqwest::Url::parse(&format!("{}{}", self.base_url, call.path))
                    .map_err(|e| Error::InvalidRequest(format!("cannot form the URL: {e}")))?;
                (url, true)
            }
        };
        let chosen = if same_origin { credentials.choose(call.security) } else { None };
        if let Some(schemes) = chosen {
            for scheme in schemes {
                let Some(secret) = credentials.get(scheme.id()) else { continue };
                match (scheme, secret) {
                    (Scheme::Bearer { .. } | Scheme::OAuth2 { .. }, Secret::Token(t)) => {
                        let (n, mut v) = header_pair("authorization", &format!("Bearer {t}"))?;
                        v.set_sensitive(true);
                        headers.insert(n, v);
                    }
                    (Scheme::Basic { .. }, Secret::Basic { user, password }) => {
                        let encoded = base64(format!("{user}:{password}").as_bytes());
                        let (n, mut v) = header_pair("authorization", &format!("Basic {encoded}"))?;
                        v.set_sensitive(true);
                        headers.insert(n, v);
                    }
                    (Scheme::ApiKey { location, name, .. }, Secret::Token(t)) => match location {
                        KeyLocation::Header => {
                            let (n, mut v) = header_pair(name, t)?;
                            v.set_sensitive(true);
                            headers.insert(n, v);
                        }
                        KeyLocation::Query => query.push(((*name).to_string(), t.clone())),
                        KeyLocation::Cookie => cookies.push(((*name).to_string(), t.clone())),
                    },
                    _ => {}
                }
            }
        }

        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query.iter());
        }
        if !cookies.is_empty() {
            let joined = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
            let (n, mut v) = header_pair("cookie", &joined)?;
            v.set_sensitive(true);
            headers.insert(n, v);
        }
        let mut request = self.http.request(call.method.clone(), url).headers(headers);
        if let Some(timeout) = call.options.timeout.or(self.timeout).or(call.timeout) {
            request = request.timeout(timeout);
        }
        if let Some((body, content_type)) = &call.body {
            let (n, v) = header_pair("content-type", content_type)?;
            request = request.header(n, v);
            request = match body {
                Body::Json(b) | Body::Bytes(b) => request.body(b.clone()),
                Body::Form(s) | Body::Text(s) => request.body(s.clone()),
            };
        }
        Ok(request)
    }
}
