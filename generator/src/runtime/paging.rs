//! Page iteration, as `x-speakeasy-pagination` describes it: each page's call is the previous
//! one with its page, offset or cursor input moved on (or the URL the response names), until a
//! page says it is the last: no items, fewer items than the limit, the last page number, no
//! next cursor or URL.

use super::call::{Body, Call};
use super::core::Core;
use super::error::{Error, RawResponse, Response};
use super::session::{Step, select};
use futures_util::stream::{self, Stream, StreamExt};
use serde_json::Value;
use std::sync::Arc;

/// `offsetLimit`, `cursor` or `url`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PageKind {
    OffsetLimit,
    Cursor,
    Url,
}

/// Where a page input is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InputPlace {
    Query,
    Header,
    Body,
}

/// A page input: a query parameter, header or top-level JSON body property.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Input {
    pub(crate) name: &'static str,
    pub(crate) place: InputPlace,
}

/// How an operation's pages follow each other.
#[derive(Debug)]
pub(crate) struct Pager {
    pub(crate) kind: PageKind,
    pub(crate) page: Option<Input>,
    pub(crate) offset: Option<Input>,
    pub(crate) limit: Option<Input>,
    pub(crate) cursor: Option<Input>,
    /// Where a page's items are; the whole body when absent.
    pub(crate) results: Option<&'static [Step]>,
    pub(crate) num_pages: Option<&'static [Step]>,
    pub(crate) next_cursor: Option<&'static [Step]>,
    pub(crate) next_url: Option<&'static [Step]>,
}

/// An input's current value in a call: text for parameters, JSON for body properties.
fn get(call: &Call, input: Input) -> Option<Value> {
    let text = |pairs: &[(String, String)]| pairs.iter().rev().find(|(k, _)| k == input.name).map(|(_, v)| v.clone());
    let from_text = |t: String| t.parse::<i64>().map(Value::from).unwrap_or(Value::String(t));
    match input.place {
        InputPlace::Query => text(&call.query).map(from_text),
        InputPlace::Header => text(&call.headers).map(from_text),
        InputPlace::Body => match &call.body {
            Some((Body::Json(bytes), _)) => serde_json::from_slice::<Value>(bytes).ok()?.get(input.name).cloned(),
            _ => None,
        },
    }
}

/// The call with an input set to `value`.
fn set(mut call: Call, input: Input, value: Value) -> Call {
    let text = match &value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let replace = |pairs: &mut Vec<(String, String)>| {
        pairs.retain(|(k, _)| k != input.name);
        pairs.push((input.name.to_string(), text.clone()));
    };
    match input.place {
        InputPlace::Query => replace(&mut call.query),
        InputPlace::Header => replace(&mut call.headers),
        InputPlace::Body => {
            let mut body = match &call.body {
                Some((Body::Json(bytes), _)) => serde_json::from_slice::<Value>(bytes).unwrap_or_else(|_| Value::Object(Default::default())),
                _ => Value::Object(Default::default()),
            };
            if let Value::Object(map) = &mut body {
                map.insert(input.name.to_string(), value);
            }
            call = call.json(&body);
        }
    }
    call
}

fn as_count(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl Pager {
    /// The items of a page (the whole body without a `results` path).
    fn items<'v>(&self, body: &'v Value) -> Option<&'v Vec<Value>> {
        select(body, self.results.unwrap_or(&[])).and_then(Value::as_array)
    }

    /// The call for the page after the one `call` fetched and `body` answered, or `None` when
    /// that page was the last.
    pub(crate) fn next(&self, call: &Call, body: &Value) -> Option<Call> {
        match self.kind {
            PageKind::OffsetLimit => {
                let count = match self.results {
                    Some(_) => Some(self.items(body)?.len()),
                    None => None,
                };
                if count == Some(0) {
                    return None;
                }
                if let (Some(n), Some(limit)) = (count, self.limit.and_then(|l| get(call, l)).as_ref().and_then(as_count))
                    && (n as i64) < limit
                {
                    return None;
                }
                if let Some(page) = self.page {
                    let current = get(call, page).as_ref().and_then(as_count).unwrap_or(1);
                    if let Some(path) = self.num_pages {
                        let last = select(body, path).and_then(as_count)?;
                        if current >= last {
                            return None;
                        }
                    }
                    Some(set(call.clone(), page, Value::from(current + 1)))
                } else {
                    let offset = self.offset?;
                    let current = get(call, offset).as_ref().and_then(as_count).unwrap_or(0);
                    Some(set(call.clone(), offset, Value::from(current + count? as i64)))
                }
            }
            PageKind::Cursor => {
                let input = self.cursor?;
                let next = select(body, self.next_cursor?)?;
                let empty = match next {
                    Value::Null => true,
                    Value::String(s) => s.is_empty(),
                    Value::Array(_) | Value::Object(_) => true,
                    _ => false,
                };
                // A page without items, or a cursor that does not move, is the last page.
                if empty || self.results.is_some() && self.items(body).is_none_or(Vec::is_empty) {
                    return None;
                }
                let as_text = |v: &Value| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if get(call, input).is_some_and(|current| as_text(&current) == as_text(next)) {
                    return None;
                }
                Some(set(call.clone(), input, next.clone()))
            }
            PageKind::Url => {
                let next = select(body, self.next_url?)?.as_str().filter(|s| !s.is_empty())?;
                if call.url.as_deref() == Some(next) {
                    return None;
                }
                let mut call = call.clone();
                call.url = Some(next.to_string());
                Some(call)
            }
        }
    }
}

/// One page fetched: the decoded page, the call for the next one, and the raw response.
async fn fetch<T, E>(
    core: &Core,
    call: Call,
    pager: &Pager,
    decode: fn(RawResponse) -> Result<Response<T>, Error<E>>,
) -> Result<(Response<T>, Option<Call>, RawResponse), Error<E>> {
    let raw = core.send::<E>(call.clone()).await?;
    let next = if raw.status().is_success() {
        serde_json::from_slice::<Value>(raw.body()).ok().and_then(|body| pager.next(&call, &body))
    } else {
        None
    };
    let kept = raw.clone();
    let page = decode(raw)?;
    Ok((page, next, kept))
}

/// Every page, starting with `call`'s. An error ends the stream after it is yielded.
pub(crate) fn pages<T, E>(
    core: Arc<Core>,
    call: Call,
    pager: &'static Pager,
    decode: fn(RawResponse) -> Result<Response<T>, Error<E>>,
) -> impl Stream<Item = Result<Response<T>, Error<E>>> + Send + 'static
where
    T: Send + 'static,
    E: Send + 'static,
{
    stream::unfold(Some(call), move |state| {
        let core = core.clone();
        async move {
            let call = state?;
            match fetch(&core, call, pager, decode).await {
                Ok((page, next, _)) => Some((Ok(page), next)),
                Err(e) => Some((Err(e), None)),
            }
        }
    })
}

/// Every item of every page, starting with `call`'s page. An error ends the stream after it is
/// yielded; an item that does not decode is an `Error::Decode` with its page's response.
pub(crate) fn items<I, T, E>(
    core: Arc<Core>,
    call: Call,
    pager: &'static Pager,
    decode: fn(RawResponse) -> Result<Response<T>, Error<E>>,
) -> impl Stream<Item = Result<I, Error<E>>> + Send + 'static
where
    I: serde::de::DeserializeOwned + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    stream::unfold(Some(call), move |state| {
        let core = core.clone();
        async move {
            let call = state?;
            let (_, next, raw) = match fetch(&core, call, pager, decode).await {
                Ok(fetched) => fetched,
                Err(e) => return Some((vec![Err(e)], None)),
            };
            let body: Value = serde_json::from_slice(raw.body()).unwrap_or(Value::Null);
            let items = pager.items(&body).cloned().unwrap_or_default();
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match serde_json::from_value::<I>(item) {
                    Ok(i) => out.push(Ok(i)),
                    Err(source) => {
                        out.push(Err(Error::Decode { response: raw, source }));
                        return Some((out, None));
                    }
                }
            }
            Some((out, next))
        }
    })
    .flat_map(stream::iter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PAGE: Input = Input { name: "page", place: InputPlace::Query };
    const LIMIT: Input = Input { name: "limit", place: InputPlace::Query };
    const OFFSET: Input = Input { name: "offset", place: InputPlace::Body };
    const CURSOR: Input = Input { name: "cursor", place: InputPlace::Header };

    fn pager(kind: PageKind) -> Pager {
        Pager { kind, page: None, offset: None, limit: None, cursor: None, results: None, num_pages: None, next_cursor: None, next_url: None }
    }

    fn call() -> Call {
        Call::new(reqwest::Method::GET, "/items")
    }

    #[test]
    fn pages_count_up_until_the_last_page_number() {
        let p = Pager { page: Some(PAGE), results: Some(&[Step::Key("items")]), num_pages: Some(&[Step::Key("max")]), ..pager(PageKind::OffsetLimit) };
        let first = call();
        let second = p.next(&first, &json!({"items": [1], "max": 3})).expect("page 2");
        assert_eq!(second.query, [("page".to_string(), "2".to_string())]);
        let third = p.next(&second, &json!({"items": [1], "max": 3})).expect("page 3");
        assert_eq!(third.query, [("page".to_string(), "3".to_string())]);
        assert!(p.next(&third, &json!({"items": [1], "max": 3})).is_none(), "3 of 3 is the last");
        assert!(p.next(&first, &json!({"items": [], "max": 3})).is_none(), "an empty page is the last");
        assert!(p.next(&first, &json!({"items": [1]})).is_none(), "no page count: the path does not match, so stop");
    }

    #[test]
    fn a_short_page_is_the_last_when_a_limit_is_sent() {
        let p = Pager { page: Some(PAGE), limit: Some(LIMIT), results: Some(&[]), ..pager(PageKind::OffsetLimit) };
        let c = call().query("limit", &2, super::super::call::Style::Form, true);
        assert!(p.next(&c, &json!([1, 2])).is_some());
        assert!(p.next(&c, &json!([1])).is_none());
        assert!(p.next(&call(), &json!([1])).is_some(), "without a limit only an empty page ends");
    }

    #[test]
    fn offsets_grow_by_the_items_received_in_the_body() {
        let p = Pager { offset: Some(OFFSET), results: Some(&[Step::Key("data")]), ..pager(PageKind::OffsetLimit) };
        let c = call().json(&json!({"q": "x"}));
        let next = p.next(&c, &json!({"data": [1, 2, 3]})).unwrap();
        assert_eq!(get(&next, OFFSET), Some(json!(3)));
        assert_eq!(get(&next, Input { name: "q", place: InputPlace::Body }), Some(json!("x")), "the rest of the body stays");
        let after = p.next(&next, &json!({"data": [1]})).unwrap();
        assert_eq!(get(&after, OFFSET), Some(json!(4)));
    }

    #[test]
    fn cursors_come_from_the_response_and_stop_when_missing_or_stuck() {
        let p = Pager { cursor: Some(CURSOR), next_cursor: Some(&[Step::Index(-1), Step::Key("id")]), ..pager(PageKind::Cursor) };
        let next = p.next(&call(), &json!([{"id": "a"}, {"id": "b"}])).unwrap();
        assert_eq!(next.headers, [("cursor".to_string(), "b".to_string())]);
        assert!(p.next(&next, &json!([{"id": "b"}])).is_none(), "a cursor that does not move ends");
        assert!(p.next(&call(), &json!([])).is_none(), "no last element, no cursor");
        let p = Pager { cursor: Some(CURSOR), next_cursor: Some(&[Step::Key("next")]), ..pager(PageKind::Cursor) };
        for end in [json!({"next": null}), json!({"next": ""}), json!({})] {
            assert!(p.next(&call(), &end).is_none(), "{end}");
        }
        assert_eq!(p.next(&call(), &json!({"next": 42})).unwrap().headers, [("cursor".to_string(), "42".to_string())]);
    }

    #[test]
    fn urls_come_from_the_response() {
        let p = Pager { next_url: Some(&[Step::Key("next")]), ..pager(PageKind::Url) };
        let next = p.next(&call(), &json!({"next": "https://x/items?page=2"})).unwrap();
        assert_eq!(next.url.as_deref(), Some("https://x/items?page=2"));
        assert!(p.next(&next, &json!({"next": "https://x/items?page=2"})).is_none());
        assert!(p.next(&call(), &json!({"next": null})).is_none());
    }
}
