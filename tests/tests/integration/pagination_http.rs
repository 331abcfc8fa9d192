//! `x-speakeasy-pagination` in a generated client (`tests/clients/pagination`) against a real
//! HTTP server on loopback: three pages of each type, and each way a stream ends. Also
//! `x-speakeasy-timeout` and its precedence.

use fixture_pagination::types::*;
use fixture_pagination::{Client, Error, RequestOptions, StreamExt, TryStreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).build().unwrap()
}

fn order(id: &str) -> Value {
    json!({"id": id, "amount": 1})
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

fn query(r: &Request) -> String {
    r.url.query().unwrap_or("").to_string()
}

fn page_of_orders(ids: &[&str], max_page: u32) -> ResponseTemplate {
    let items: Vec<Value> = ids.iter().map(|i| order(i)).collect();
    ResponseTemplate::new(200).set_body_json(json!({"items": items, "pagination": {"total_count": 9, "max_page": max_page}}))
}

/// Page numbers: pages 1, 2, 3 of 3, then the stream ends without asking for page 4.
#[tokio::test]
async fn page_numbers_stop_at_the_last_page() {
    let server = MockServer::start().await;
    Mock::given(path("/orders")).and(query_param_is_missing("page")).respond_with(page_of_orders(&["a", "b"], 3)).mount(&server).await;
    Mock::given(path("/orders")).and(query_param("page", "2")).respond_with(page_of_orders(&["c", "d"], 3)).mount(&server).await;
    Mock::given(path("/orders")).and(query_param("page", "3")).respond_with(page_of_orders(&["e"], 3)).mount(&server).await;
    let ids: Vec<String> = client(&server).list_orders().status("paid").items().map_ok(|o: Order| o.id).try_collect().await.unwrap();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let sent: Vec<String> = requests(&server).await.iter().map(query).collect();
    assert_eq!(sent, ["status=paid", "status=paid&page=2", "status=paid&page=3"], "other inputs are kept on every page");
    // Pages, with their status and headers.
    let pages: Vec<_> = client(&server).list_orders().pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[2].body.items.len(), 1);
    assert!(pages.iter().all(|p| p.status == 200));
}

/// A page shorter than the limit sent is the last, before any page count says so.
#[tokio::test]
async fn a_short_page_ends_when_a_limit_was_sent() {
    let server = MockServer::start().await;
    Mock::given(path("/orders")).and(query_param("page", "5")).respond_with(page_of_orders(&["a", "b"], 99)).mount(&server).await;
    Mock::given(path("/orders")).and(query_param("page", "6")).respond_with(page_of_orders(&["c"], 99)).mount(&server).await;
    let ids: Vec<Order> = client(&server).list_orders().page(5).limit(2).items().try_collect().await.unwrap();
    assert_eq!(ids.len(), 3);
    assert_eq!(requests(&server).await.len(), 2, "the user's starting page is honoured and page 7 is never asked for");
}

/// An empty page ends the stream.
#[tokio::test]
async fn an_empty_page_ends() {
    let server = MockServer::start().await;
    Mock::given(path("/orders")).and(query_param_is_missing("page")).respond_with(page_of_orders(&["a"], 10)).mount(&server).await;
    Mock::given(path("/orders")).and(query_param("page", "2")).respond_with(page_of_orders(&[], 10)).mount(&server).await;
    let pages: Vec<_> = client(&server).list_orders().pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 2, "the empty page is yielded, and is the last");
}

/// Offsets in the JSON body grow by the number of items received; the rest of the body stays.
#[tokio::test]
async fn body_offsets_advance_by_the_items_received() {
    let server = MockServer::start().await;
    let page = |ids: &[&str]| ResponseTemplate::new(200).set_body_json(json!({"data": ids.iter().map(|i| order(i)).collect::<Vec<_>>()}));
    Mock::given(method("POST")).and(path("/orders/search")).and(wiremock::matchers::body_json(json!({"query": "x", "limit": 2})))
        .respond_with(page(&["a", "b"])).mount(&server).await;
    Mock::given(method("POST")).and(path("/orders/search")).and(wiremock::matchers::body_json(json!({"query": "x", "limit": 2, "offset": 2})))
        .respond_with(page(&["c", "d"])).mount(&server).await;
    Mock::given(method("POST")).and(path("/orders/search")).and(wiremock::matchers::body_json(json!({"query": "x", "limit": 2, "offset": 4})))
        .respond_with(page(&["e"])).mount(&server).await;
    let body = SearchOrdersBody::new("x").limit(2);
    let ids: Vec<String> = client(&server).search_orders(body).items().map_ok(|o| o.id).try_collect().await.unwrap();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    assert_eq!(requests(&server).await.len(), 3);
}

/// Cursors: the last item's id of a bare array; a page without items has no cursor and ends.
#[tokio::test]
async fn cursors_follow_the_last_item() {
    let server = MockServer::start().await;
    let events = |ids: &[&str]| ResponseTemplate::new(200).set_body_json(ids.iter().map(|i| json!({"id": i, "kind": "k"})).collect::<Vec<_>>());
    Mock::given(path("/events")).and(query_param_is_missing("startingAfter")).respond_with(events(&["e1", "e2"])).mount(&server).await;
    Mock::given(path("/events")).and(query_param("startingAfter", "e2")).respond_with(events(&["e3"])).mount(&server).await;
    Mock::given(path("/events")).and(query_param("startingAfter", "e3")).respond_with(events(&[])).mount(&server).await;
    let ids: Vec<String> = client(&server).list_events().items().map_ok(|e: Event| e.id).try_collect().await.unwrap();
    assert_eq!(ids, ["e1", "e2", "e3"]);
    assert_eq!(requests(&server).await.len(), 3);
}

/// URLs: each page names the next, relative or absolute; a page without one is the last.
#[tokio::test]
async fn next_urls_are_followed() {
    let server = MockServer::start().await;
    Mock::given(path("/logs")).and(query_param_is_missing("after"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"lines": ["l1"], "links": {"next": "/logs?after=1"}}))).mount(&server).await;
    let absolute = format!("{}/logs?after=2", server.uri());
    Mock::given(path("/logs")).and(query_param("after", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"lines": ["l2"], "links": {"next": absolute}}))).mount(&server).await;
    Mock::given(path("/logs")).and(query_param("after", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"lines": ["l3"], "links": {"next": null}}))).mount(&server).await;
    let lines: Vec<String> = client(&server).list_logs().items().try_collect().await.unwrap();
    assert_eq!(lines, ["l1", "l2", "l3"]);
}

/// An error page is yielded and ends the stream; the items before it were delivered.
#[tokio::test]
async fn an_error_ends_the_stream_after_it_is_yielded() {
    let server = MockServer::start().await;
    Mock::given(path("/orders")).and(query_param_is_missing("page")).respond_with(page_of_orders(&["a"], 3)).mount(&server).await;
    Mock::given(path("/orders")).and(query_param("page", "2")).respond_with(ResponseTemplate::new(500).set_body_string("boom")).mount(&server).await;
    let all: Vec<Result<Order, _>> = client(&server).list_orders().items().collect().await;
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].as_ref().unwrap().id, "a");
    match &all[1] {
        Err(Error::UnexpectedStatus(raw)) => assert_eq!((raw.status().as_u16(), raw.text().as_str()), (500, "boom")),
        other => panic!("{other:?}"),
    }
    assert_eq!(requests(&server).await.len(), 2);
}

/// An operation whose block cannot work keeps a plain `send` (the generator warned).
#[tokio::test]
async fn a_broken_block_leaves_a_plain_operation() {
    let server = MockServer::start().await;
    Mock::given(path("/broken")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": ["x"]}))).mount(&server).await;
    let out = client(&server).list_broken().send().await.unwrap();
    assert_eq!(out.items, Some(vec!["x".to_string()]));
}

/// `x-speakeasy-timeout: 150` on listLogs; the client's timeout beats it; a call's beats both.
#[tokio::test]
async fn operation_timeouts_apply_unless_the_client_or_call_sets_one() {
    let server = MockServer::start().await;
    let slow = ResponseTemplate::new(200).set_body_json(json!({"lines": []})).set_delay(Duration::from_millis(600));
    Mock::given(path("/logs")).respond_with(slow).mount(&server).await;
    let started = std::time::Instant::now();
    let err = client(&server).list_logs().send().await.unwrap_err();
    assert!(matches!(&err, Error::Transport(e) if e.is_timeout()), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(500), "the operation's 150 ms applied");
    let patient = Client::builder().base_url(server.uri()).timeout(Duration::from_secs(5)).build().unwrap();
    patient.list_logs().send().await.expect("the client's timeout replaces the operation's");
    client(&server).list_logs().options(RequestOptions::new().timeout(Duration::from_secs(5))).send().await.expect("so does the call's");
}
