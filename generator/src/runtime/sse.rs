//! Server-sent events (`text/event-stream` responses): a stream of typed events, read as they
//! arrive, ending when the server closes the stream or sends the sentinel
//! (`x-speakeasy-sse-sentinel`), which is never yielded.

use super::error::{Error, RawResponse};
use futures_util::stream::{self, Stream, StreamExt};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A success answered to a request for events: the events, unless the server answered
/// something else (JSON, when it ignored the request's `stream: true`); that is read whole and
/// kept in the error, so nothing is lost.
pub(crate) async fn expect_event_stream<E>(response: reqwest::Response) -> Result<reqwest::Response, Error<E>> {
    let content_type = response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    // Read generously: only a JSON answer is known not to be events.
    if !super::error::is_json_media_type(&content_type) {
        return Ok(response);
    }
    let raw = super::core::read(response).await.map_err(Error::from)?;
    let why = format!("the response is `{content_type}`, not the event stream asked for");
    Err(Error::Decode { response: raw, source: <serde_json::Error as serde::de::Error>::custom(why) })
}

/// One event as sent: `event`, `data` (lines joined with `\n`), `id` and `retry`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RawEvent {
    pub(crate) event: Option<String>,
    pub(crate) data: String,
    pub(crate) id: Option<String>,
    pub(crate) retry: Option<u64>,
}

/// Splits a byte stream into events, as the HTML standard's event-stream parser does: lines end
/// with CRLF, LF or CR; a blank line dispatches the event; `:` lines are comments; an event
/// without data is not dispatched.
#[derive(Debug, Default)]
pub(crate) struct Parser {
    buffer: Vec<u8>,
    current: RawEvent,
    has_data: bool,
    /// A CR ended the last line; a LF right after it belongs to the same line end.
    after_cr: bool,
}

impl Parser {
    /// Feeds bytes; returns the events they complete.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Vec<RawEvent> {
        let mut events = Vec::new();
        for &b in bytes {
            if self.after_cr {
                self.after_cr = false;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\n' | b'\r' => {
                    self.after_cr = b == b'\r';
                    let line = std::mem::take(&mut self.buffer);
                    if let Some(e) = self.line(&String::from_utf8_lossy(&line)) {
                        events.push(e);
                    }
                }
                _ => self.buffer.push(b),
            }
        }
        events
    }

    fn line(&mut self, line: &str) -> Option<RawEvent> {
        if line.is_empty() {
            let event = std::mem::take(&mut self.current);
            let had = std::mem::replace(&mut self.has_data, false);
            return had.then_some(event);
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "event" => self.current.event = Some(value.to_string()),
            "data" => {
                if self.has_data {
                    self.current.data.push('\n');
                }
                self.current.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.current.id = Some(value.to_string()),
            "retry" => self.current.retry = value.parse().ok(),
            _ => {}
        }
        None
    }
}

/// How events become values of the event type.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EventFormat {
    /// `data` of this value ends the stream and is not yielded.
    pub(crate) sentinel: Option<&'static str>,
    /// The event type describes the whole event (`{event, data, id, retry}`), not only its data.
    pub(crate) envelope: bool,
}

/// Decodes one event: its data as JSON when it is JSON, else as a string.
fn decode<T: serde::de::DeserializeOwned>(e: &RawEvent, format: EventFormat) -> Result<T, serde_json::Error> {
    let data_json: Option<Value> = serde_json::from_str(&e.data).ok();
    let attempt = |data: Value| -> Result<T, serde_json::Error> {
        if format.envelope {
            let mut map = serde_json::Map::new();
            if let Some(v) = &e.event {
                map.insert("event".into(), Value::String(v.clone()));
            }
            map.insert("data".into(), data);
            if let Some(v) = &e.id {
                map.insert("id".into(), Value::String(v.clone()));
            }
            if let Some(v) = e.retry {
                map.insert("retry".into(), Value::from(v));
            }
            serde_json::from_value(Value::Object(map))
        } else {
            serde_json::from_value(data)
        }
    };
    match data_json {
        Some(json) => attempt(json).or_else(|first| attempt(Value::String(e.data.clone())).map_err(|_| first)),
        None => attempt(Value::String(e.data.clone())),
    }
}

/// A stream of typed events from a `text/event-stream` response. Items are `Err` when the
/// connection fails or an event does not decode (with the event's data as the body); either
/// ends the stream.
pub struct EventStream<T, E> {
    inner: Pin<Box<dyn Stream<Item = Result<T, Error<E>>> + Send>>,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T, E> std::fmt::Debug for EventStream<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").field("status", &self.status).finish_non_exhaustive()
    }
}

impl<T, E> EventStream<T, E>
where
    T: serde::de::DeserializeOwned + Send + 'static,
    E: Send + 'static,
{
    /// Events read from a response as they arrive.
    pub(crate) fn live(response: reqwest::Response, format: EventFormat) -> Self {
        let (status, headers) = (response.status(), response.headers().clone());
        let bytes = response.bytes_stream().map(|chunk| chunk.map(|b| b.to_vec()).map_err(Error::Transport));
        Self::from_chunks(bytes, status, headers, format)
    }

    /// Events of a body that was read whole.
    pub(crate) fn from_raw(response: RawResponse, format: EventFormat) -> Self {
        let (status, headers) = (response.status(), response.headers().clone());
        let body = response.into_body();
        Self::from_chunks(stream::iter([Ok(body)]), status, headers, format)
    }

    fn from_chunks(
        chunks: impl Stream<Item = Result<Vec<u8>, Error<E>>> + Send + 'static,
        status: StatusCode,
        headers: HeaderMap,
        format: EventFormat,
    ) -> Self {
        let state = (Box::pin(chunks), Parser::default(), std::collections::VecDeque::<RawEvent>::new(), false);
        let meta = (status, headers.clone());
        let inner = stream::unfold(state, move |(mut chunks, mut parser, mut ready, mut done)| {
            let meta = meta.clone();
            async move {
                loop {
                    if let Some(event) = ready.pop_front() {
                        if format.sentinel == Some(event.data.as_str()) {
                            return None;
                        }
                        let item = decode::<T>(&event, format).map_err(|source| Error::Decode {
                            response: RawResponse::new(meta.0, meta.1.clone(), event.data.clone().into_bytes()),
                            source,
                        });
                        if item.is_err() {
                            ready.clear();
                            done = true;
                        }
                        return Some((item, (chunks, parser, ready, done)));
                    }
                    if done {
                        return None;
                    }
                    match chunks.next().await {
                        Some(Ok(bytes)) => ready.extend(parser.feed(&bytes)),
                        Some(Err(e)) => return Some((Err(e), (chunks, parser, ready, true))),
                        // An event cut off before its blank line is not dispatched (as browsers do).
                        None => done = true,
                    }
                }
            }
        });
        Self { inner: Box::pin(inner), status, headers }
    }
}

impl<T, E> EventStream<T, E> {
    /// The response's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl<T, E> Stream for EventStream<T, E> {
    type Item = Result<T, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(chunks: &[&[u8]]) -> Vec<RawEvent> {
        let mut p = Parser::default();
        chunks.iter().flat_map(|c| p.feed(c)).collect()
    }

    fn data(events: &[RawEvent]) -> Vec<&str> {
        events.iter().map(|e| e.data.as_str()).collect()
    }

    #[test]
    fn events_split_on_blank_lines_whatever_the_line_ends() {
        let lf = parse(&[b"data: a\n\ndata: b\n\n"]);
        let crlf = parse(&[b"data: a\r\n\r\ndata: b\r\n\r\n"]);
        let cr = parse(&[b"data: a\r\rdata: b\r\r"]);
        assert_eq!(data(&lf), ["a", "b"]);
        assert_eq!(lf, crlf);
        assert_eq!(lf, cr);
    }

    #[test]
    fn fields_comments_multiline_data_and_chunk_boundaries() {
        let events = parse(&[b": keep-alive\n\nevent: up", b"date\nid: 7\nretry: 300\ndata: {\"a\":\ndata:1}\nunknown: x\n", b"\n", b"data\n\n"]);
        assert_eq!(events.len(), 2, "{events:?}");
        assert_eq!(events[0], RawEvent { event: Some("update".into()), data: "{\"a\":\n1}".into(), id: Some("7".into()), retry: Some(300) });
        assert_eq!(events[1].data, "", "a bare `data` line is an empty data field");
        assert!(parse(&[b"event: x\n\n"]).is_empty(), "no data, no event");
        assert!(parse(&[b"data: split\r", b"\ndata: more\n\n"])[0].data == "split\nmore", "CRLF split across chunks");
    }

    #[test]
    fn data_decodes_as_json_or_as_a_string() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Envelope {
            event: Option<String>,
            data: Value,
        }
        let plain = EventFormat { sentinel: None, envelope: false };
        let wrapped = EventFormat { sentinel: None, envelope: true };
        let e = RawEvent { event: Some("tick".into()), data: "{\"n\":1}".into(), ..Default::default() };
        assert_eq!(decode::<Value>(&e, plain).unwrap(), serde_json::json!({"n": 1}));
        assert_eq!(decode::<Envelope>(&e, wrapped).unwrap(), Envelope { event: Some("tick".into()), data: serde_json::json!({"n": 1}) });
        let text = RawEvent { data: "hello".into(), ..Default::default() };
        assert_eq!(decode::<String>(&text, plain).unwrap(), "hello");
        let number_as_text = RawEvent { data: "42".into(), ..Default::default() };
        assert_eq!(decode::<String>(&number_as_text, plain).unwrap(), "42", "JSON that does not fit falls back to text");
        assert!(decode::<u8>(&text, plain).is_err());
    }
}
