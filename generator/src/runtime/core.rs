//! The shared state of a client and the one place requests are sent from.

use super::auth::{Credentials, KeyLocation, Scheme, Secret, base64};
use super::call::{Body, Call};
use super::error::{BuildError, Error, RawResponse};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::time::Duration;

/// Configuration collected by the generated `ClientBuilder`.
#[derive(Clone, Default)]
pub(crate) struct CoreBuilder {
    base_url: Option<String>,
    credentials: Credentials,
    http: Option<reqwest::Client>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    no_retries: bool,
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

    /// Builds the core; `default_url` is used when no base URL was set.
    pub(crate) fn build(self, default_url: Option<String>) -> Result<Core, BuildError> {
        let url = self
            .base_url
            .or(default_url)
            .ok_or_else(|| BuildError("no server: call `.server(..)` or `.base_url(..)`".to_string()))?;
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
        Ok(Core {
            http,
            base_url: url.trim_end_matches('/').to_string(),
            credentials: self.credentials,
            timeout: self.timeout,
            retries: !self.no_retries,
        })
    }
}

/// The shared state of a client.
pub(crate) struct Core {
    http: reqwest::Client,
    base_url: String,
    credentials: Credentials,
    timeout: Option<Duration>,
    retries: bool,
}

impl fmt::Debug for Core {
    /// Shows the base URL and which credentials are set, never their values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Reads a whole response.
async fn read(response: reqwest::Response) -> Result<RawResponse, reqwest::Error> {
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

impl Core {
    /// The base URL every path is appended to.
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends a call, retrying as its policy says, and reads the whole response. Statuses are
    /// not interpreted here.
    pub(crate) async fn send<E>(&self, mut call: Call) -> Result<RawResponse, Error<E>> {
        if let Some(reason) = call.invalid.take() {
            return Err(Error::InvalidRequest(reason));
        }
        let policy = call.retry.filter(|_| self.retries);
        let started = std::time::Instant::now();
        let mut attempt = 0u32;
        loop {
            let result = self.build(&call)?.send().await;
            let Some(policy) = policy else { return Ok(read(result?).await?) };
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
                _ => return Ok(read(result?).await?),
            };
            if elapsed + wait > budget {
                // Out of time: the last answer is returned as it is (a connection error is raised).
                return Ok(read(result?).await?);
            }
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// One attempt's request. Built anew for every attempt, from owned parts, so a retried
    /// request carries the same body.
    fn build<E>(&self, call: &Call) -> Result<reqwest::RequestBuilder, Error<E>> {
        let mut query = call.query.clone();
        let mut cookies = call.cookies.clone();
        let mut headers = HeaderMap::new();
        for (name, value) in &call.headers {
            let (n, v) = header_pair(name, value)?;
            headers.append(n, v);
        }
        if let Some(schemes) = self.credentials.choose(call.security) {
            for scheme in schemes {
                let Some(secret) = self.credentials.get(scheme.id()) else { continue };
                match (scheme, secret) {
                    (Scheme::Bearer { .. }, Secret::Token(t)) => {
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
        let mut url = reqwest::Url::parse(&format!("{}{}", self.base_url, call.path))
            .map_err(|e| Error::InvalidRequest(format!("cannot form the URL: {e}")))?;
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
        if let Some(timeout) = self.timeout {
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
