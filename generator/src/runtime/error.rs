//! Errors of a call. Whatever the server said reaches the caller: an undocumented status or an
//! undecodable body keeps the status, the headers and the raw bytes.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::fmt;

/// A response as received: status, headers and the whole body.
///
/// The parts are boxed so that errors that carry a response stay small.
#[derive(Clone, Debug)]
pub struct RawResponse(Box<Parts>);

#[derive(Clone, Debug)]
struct Parts {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl RawResponse {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Vec<u8>) -> Self {
        Self(Box::new(Parts { status, headers, body }))
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.0.headers
    }

    /// The body, unparsed.
    pub fn body(&self) -> &[u8] {
        &self.0.body
    }

    /// The body, unparsed, without copying it.
    pub fn into_body(self) -> Vec<u8> {
        self.0.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.body).into_owned()
    }

    /// Decodes a JSON body; a body that does not match keeps the whole response in the error.
    ///
    /// Read generously, as real servers answer: an empty body is read as JSON `null` (so an
    /// optional or untyped body is `None`/`Null`, not an error), and a body that is not JSON
    /// under a content type that is not JSON either (`text/plain` for a documented JSON string)
    /// is read as that text. A bare JSON value (`"0.8.4"`, `3`, `true`) decodes as JSON.
    pub(crate) fn json<T: serde::de::DeserializeOwned, E>(self) -> Result<T, Error<E>> {
        match self.decode_json() {
            Ok(v) => Ok(v),
            Err(source) => Err(Error::Decode { response: self, source }),
        }
    }

    /// Decodes a JSON body without consuming the response (see [`RawResponse::json`]).
    fn decode_json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        let body = &self.0.body;
        if self.is_empty() {
            return serde_json::from_value(serde_json::Value::Null).map_err(|_| {
                <serde_json::Error as serde::de::Error>::custom("the body is empty where the document describes one")
            });
        }
        match serde_json::from_slice(body) {
            Ok(v) => Ok(v),
            Err(e) if !self.is_json() => match std::str::from_utf8(body) {
                Ok(text) => serde_json::from_value(serde_json::Value::String(text.to_string())).map_err(|_| e),
                Err(_) => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    /// Whether the body is declared JSON (`application/json`, `application/problem+json`, ...)
    /// or declared nothing.
    fn is_json(&self) -> bool {
        let Some(ct) = self.0.headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return true };
        ct.split(';').next().unwrap_or("").trim().is_empty() || is_json_media_type(ct)
    }

    /// The body as `T` when it is one (for a status the document does not describe, tried
    /// against each documented success in turn).
    pub(crate) fn fits<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        self.decode_json().ok()
    }

    /// The body as text when it is UTF-8.
    pub(crate) fn fits_text(&self) -> Option<String> {
        std::str::from_utf8(&self.0.body).ok().map(str::to_string)
    }

    /// A copy of a non-empty body, for a success documented without one.
    pub(crate) fn unread_body(&self) -> Option<Vec<u8>> {
        (!self.is_empty()).then(|| self.0.body.clone())
    }

    /// Whether the body is empty.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.body.iter().all(u8::is_ascii_whitespace)
    }

    /// A text body.
    pub(crate) fn into_text<E>(self) -> Result<String, Error<E>> {
        let Parts { status, headers, body } = *self.0;
        match String::from_utf8(body) {
            Ok(s) => Ok(s),
            Err(e) => {
                let response = RawResponse::new(status, headers, e.into_bytes());
                let source = <serde_json::Error as serde::de::Error>::custom("the body is not UTF-8 text");
                Err(Error::Decode { response, source })
            }
        }
    }

    /// A documented error status whose JSON body becomes the operation's error variant. A body
    /// that does not match its documented type (servers break their own error schemas often) is
    /// still this error, with the `undecoded` variant saying why; the raw body is in `response`.
    pub(crate) fn api_error<B: serde::de::DeserializeOwned, E>(self, wrap: impl FnOnce(B) -> E, undecoded: impl FnOnce(String) -> E) -> Error<E> {
        let body = match self.decode_json() {
            Ok(b) => wrap(b),
            Err(source) => undecoded(source.to_string()),
        };
        Error::Api(ApiError { body, response: self })
    }

    /// A documented error status without a body (or one that is not decoded).
    pub(crate) fn api_error_without_body<E>(self, variant: E) -> Error<E> {
        Error::Api(ApiError { body: variant, response: self })
    }

    /// A documented error status with a text body.
    pub(crate) fn api_error_text<E>(self, wrap: impl FnOnce(String) -> E) -> Error<E> {
        let body = wrap(self.text());
        Error::Api(ApiError { body, response: self })
    }

    /// A documented error status with a binary body.
    pub(crate) fn api_error_bytes<E>(self, wrap: impl FnOnce(Vec<u8>) -> E) -> Error<E> {
        let body = wrap(self.0.body.clone());
        Error::Api(ApiError { body, response: self })
    }

    /// A status the document does not describe.
    pub(crate) fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedStatus(self)
    }
}

/// A successful response: the decoded body with the status and headers it came with.
#[derive(Clone, Debug)]
pub struct Response<T> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
    /// The body as received when the document describes none for this success (so `body` is
    /// `()`) and the server sent one anyway (WireMock's file contents, for one): nothing is lost.
    /// `None` when the body was decoded into `body`, or was empty.
    pub unread_body: Option<Vec<u8>>,
}

/// Whether a `Content-Type` is JSON (`application/json`, `application/problem+json`, ...).
pub(crate) fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence.ends_with("/json")
}

/// A documented response header as a typed value: text for strings and string enums, parsed
/// for numbers and booleans, comma-separated for lists. `None` when absent or not parseable
/// (a header is never a reason to lose the response).
pub(crate) fn header_value<T: serde::de::DeserializeOwned>(headers: &HeaderMap, name: &str) -> Option<T> {
    let text = headers.get(name)?.to_str().ok()?.trim().to_string();
    if let Ok(v) = serde_json::from_value(serde_json::Value::String(text.clone())) {
        return Some(v);
    }
    if let Ok(v) = serde_json::from_str(&text) {
        return Some(v);
    }
    let items: Vec<serde_json::Value> = text
        .split(',')
        .map(|item| {
            let item = item.trim();
            serde_json::from_str(item).unwrap_or_else(|_| serde_json::Value::String(item.to_string()))
        })
        .collect();
    serde_json::from_value(serde_json::Value::Array(items)).ok()
}

/// What an operation's error type tells about itself, for `Display`.
pub trait ErrorBody {
    /// The server's message, when the documented body has one.
    fn message(&self) -> Option<&str>;

    /// Whether the body did not match its documented type (it is raw in the response).
    fn is_undecoded(&self) -> bool {
        false
    }
}

/// A documented error response: the decoded body and the whole response.
#[derive(Clone, Debug)]
pub struct ApiError<E> {
    /// The body, decoded into the operation's error type (one variant per documented status).
    pub body: E,
    /// Status, headers and raw body as received.
    pub response: RawResponse,
}

impl<E> ApiError<E> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }
}

/// The error of a call: `E` is the operation's documented error type.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with an error status the document describes.
    Api(ApiError<E>),
    /// The server answered with a status the document does not describe; nothing is lost.
    UnexpectedStatus(RawResponse),
    /// A success status whose body is not its documented type (or an event of a stream that
    /// does not decode): the server did perform the call; the response is kept whole. Undocumented
    /// 2xx statuses are decoded as the documented success when the body fits; an empty body
    /// fits an optional or untyped one.
    Decode {
        /// The response as received.
        response: RawResponse,
        /// Why decoding failed.
        source: serde_json::Error,
    },
    /// The request could not be sent, or the response not read (connection, TLS, timeout).
    Transport(reqwest::Error),
    /// The request could not be built from the inputs (for example a header value with a line
    /// break).
    InvalidRequest(String),
    /// No access token could be obtained for the call (an OAuth2 token endpoint refused the
    /// client credentials or could not be reached); says why, never the secret.
    Authentication(String),
}

impl<E> Error<E> {
    /// The HTTP status, when there was a response.
    pub fn status(&self) -> Option<StatusCode> {
        self.response().map(RawResponse::status)
    }

    /// The response as received, when there was one.
    pub fn response(&self) -> Option<&RawResponse> {
        match self {
            Error::Api(e) => Some(&e.response),
            Error::UnexpectedStatus(r) | Error::Decode { response: r, .. } => Some(r),
            Error::Transport(_) | Error::InvalidRequest(_) | Error::Authentication(_) => None,
        }
    }
}

impl<E> From<reqwest::Error> for Error<E> {
    fn from(e: reqwest::Error) -> Self {
        // The URL may carry a query-parameter API key: never show it.
        Error::Transport(e.without_url())
    }
}

fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// At most this many characters of an unexpected body are shown by `Display`.
const SNIPPET: usize = 200;

/// `: ` and the start of the body, on one line; nothing for an empty body.
fn snippet(f: &mut fmt::Formatter<'_>, r: &RawResponse) -> fmt::Result {
    let text = r.text();
    let text = text.trim();
    if text.is_empty() {
        return Ok(());
    }
    let shown: String = text.chars().take(SNIPPET).map(|c| if c.is_control() { ' ' } else { c }).collect();
    let more = if text.chars().count() > SNIPPET { "..." } else { "" };
    write!(f, ": {shown}{more}")
}

impl<E: ErrorBody> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => {
                write!(f, "{}", status_text(e.response.status()))?;
                match e.body.message() {
                    Some(m) => write!(f, ": {m}"),
                    None if e.body.is_undecoded() => snippet(f, &e.response),
                    None => Ok(()),
                }
            }
            Error::UnexpectedStatus(r) => {
                write!(f, "unexpected status {}", status_text(r.status()))?;
                snippet(f, r)
            }
            Error::Decode { response, source } => {
                write!(f, "cannot decode the {} response body: {source}", status_text(response.status()))
            }
            Error::Transport(e) => write!(f, "request failed: {e}"),
            Error::InvalidRequest(m) => write!(f, "invalid request: {m}"),
            Error::Authentication(m) => write!(f, "authentication failed: {m}"),
        }
    }
}

impl<E: ErrorBody + fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } => Some(source),
            Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}

/// The client could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError(pub(crate) String);

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot build the client: {}", self.0)
    }
}

impl std::error::Error for BuildError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Body(Option<String>);
    impl ErrorBody for Body {
        fn message(&self) -> Option<&str> {
            self.0.as_deref()
        }
    }

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse::new(StatusCode::from_u16(status).unwrap(), HeaderMap::new(), body.as_bytes().to_vec())
    }

    #[test]
    fn display_names_status_and_message() {
        let e: Error<Body> = raw(401, "{}").api_error_without_body(Body(Some("Not authorized".into())));
        assert_eq!(e.to_string(), "401 Unauthorized: Not authorized");
        let e: Error<Body> = raw(404, "").api_error_without_body(Body(None));
        assert_eq!(e.to_string(), "404 Not Found");
    }

    #[test]
    fn unexpected_keeps_everything_and_shows_a_snippet() {
        let e: Error<Body> = raw(418, "short\nand stout").unexpected();
        assert_eq!(e.to_string(), "unexpected status 418 I'm a teapot: short and stout");
        assert_eq!(e.response().unwrap().body(), b"short\nand stout");
        let long = "x".repeat(500);
        let e: Error<Body> = raw(599, &long).unexpected();
        assert!(e.to_string().ends_with(&format!("{}...", "x".repeat(200))));
    }

    #[test]
    fn header_values_are_typed_leniently() {
        let mut h = HeaderMap::new();
        h.insert("x-n", "42".parse().unwrap());
        h.insert("x-s", "42".parse().unwrap());
        h.insert("x-list", "1, 2,3".parse().unwrap());
        h.insert("x-bad", "many".parse().unwrap());
        assert_eq!(header_value::<i64>(&h, "x-n"), Some(42));
        assert_eq!(header_value::<String>(&h, "x-s"), Some("42".to_string()));
        assert_eq!(header_value::<Vec<i64>>(&h, "x-list"), Some(vec![1, 2, 3]));
        assert_eq!(header_value::<i64>(&h, "x-bad"), None);
        assert_eq!(header_value::<i64>(&h, "x-missing"), None);
    }

    #[test]
    fn undecodable_bodies_are_kept() {
        let e = raw(200, "not json").json::<u32, Body>().unwrap_err();
        assert!(e.to_string().starts_with("cannot decode the 200 OK response body: expected ident"), "{e}");
        assert_eq!(e.response().unwrap().text(), "not json");
    }
}
