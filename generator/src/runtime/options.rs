//! Settings of one call that override the client's: timeout, retries, credentials, headers.

use super::auth::{Credentials, Secret};
use super::retry::Retry;
use std::fmt;
use std::time::Duration;

/// The timing of retries with exponential backoff. The statuses retried stay the operation's
/// (`x-speakeasy-retries`), or 429, 500, 502, 503 and 504 for an operation without a policy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backoff {
    /// The first wait.
    pub initial_interval: Duration,
    /// The longest wait.
    pub max_interval: Duration,
    /// No retry starts once this much time has passed since the first attempt.
    pub max_elapsed: Duration,
    /// How fast waits grow: `initial_interval * attempt^exponent`.
    pub exponent: f64,
    /// Whether failed connections and timeouts are retried.
    pub retry_connection_errors: bool,
}

impl Default for Backoff {
    /// Speakeasy's defaults: 500 ms, at most 60 s, for at most an hour, exponent 1.5.
    fn default() -> Self {
        Self {
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(60),
            max_elapsed: Duration::from_secs(3600),
            exponent: 1.5,
            retry_connection_errors: true,
        }
    }
}

/// Statuses retried by a per-call backoff on an operation without a retry policy.
const DEFAULT_RETRY_STATUSES: &[(u16, u16)] = &[(429, 429), (500, 500), (502, 504)];

impl Backoff {
    /// The policy of a call: this timing, the operation's statuses.
    pub(crate) fn policy(&self, operation: Option<Retry>) -> Retry {
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        Retry {
            initial_interval_ms: ms(self.initial_interval),
            max_interval_ms: ms(self.max_interval),
            max_elapsed_ms: ms(self.max_elapsed),
            exponent: self.exponent,
            statuses: operation.map_or(DEFAULT_RETRY_STATUSES, |r| r.statuses),
            connection_errors: self.retry_connection_errors,
        }
    }
}

/// Whether and how a call is retried.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Retries {
    Off,
    With(Backoff),
}

/// Settings for one call, overriding the client's; pass them to a request's `.options(..)`.
/// Credential setters named like the `ClientBuilder`'s are generated for the API's schemes.
///
/// Precedence of a timeout: these options, then the client's (`ClientBuilder::timeout`), then
/// the operation's `x-speakeasy-timeout`.
#[derive(Clone, Default)]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) retries: Option<Retries>,
    pub(crate) credentials: Credentials,
    pub(crate) headers: Vec<(String, String)>,
}

impl fmt::Debug for RequestOptions {
    /// Shows which credentials are set, never their values; header values are hidden too, as
    /// they may carry secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("credentials", &self.credentials)
            .field("headers", &self.headers.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>())
            .finish()
    }
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// The time the whole request may take, response body included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends the call once, whatever the operation's retry policy.
    pub fn no_retries(mut self) -> Self {
        self.retries = Some(Retries::Off);
        self
    }

    /// Retries the call with this timing.
    pub fn retries(mut self, backoff: Backoff) -> Self {
        self.retries = Some(Retries::With(backoff));
        self
    }

    /// Adds a header to the request (after the operation's own headers).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets a credential for one scheme (generated setters call this).
    pub(crate) fn credential(mut self, id: &'static str, secret: Secret) -> Self {
        self.credentials.set(id, secret);
        self
    }
}
