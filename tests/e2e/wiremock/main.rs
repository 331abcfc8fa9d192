//! WireMock's admin API driven by the client sdkforge generates from the document WireMock
//! serves (`/__admin/docs/swagger`), as a user would: only the generated public API (plus the
//! `reqwest` it re-exports, to call the stubs the admin calls create). Run it with
//! `cargo run -p xtask -- e2e wiremock`; the server runs with HTTP Basic auth on its admin API,
//! which its document does not declare.

use serde_json::json;
use std::process::ExitCode;
use wiremock_client as api;

use api::errors::{StubMappingsCreateNewStubMappingError, StubMappingsDeleteStubMappingError, StubMappingsGetStubMappingByIdError};
use api::types::{ContentPattern, RequestPattern, ResponseDefinition, ResponseDefinitionJsonBody, StubMapping};
use api::{Client, Error};

#[path = "../common.rs"]
mod common;
use common::status_of;

fn stub(method: &str, url: &str, status: i64) -> StubMapping {
    StubMapping::new().request(RequestPattern::new().method(method).url(url)).response(ResponseDefinition::new().status(status))
}

#[tokio::main]
async fn main() -> ExitCode {
    let (base, user, password) = common::settings();
    let mut s = common::Scenario::new();
    let build = |auth: Option<String>| {
        let b = Client::builder().base_url(&base).no_retries().hook(s.recorder.clone());
        match auth {
            Some(a) => b.header("authorization", a),
            None => b,
        }
        .build()
        .expect("the client builds")
    };
    let anonymous = build(None);
    let intruder = build(Some(common::basic("nobody", "wrong")));
    let c = build(Some(common::basic(&user, &password)));
    let plain = api::reqwest::Client::new();

    // --- auth the document does not declare: a client-wide header
    let r = anonymous.stub_mappings().get_all_stub_mappings().send().await;
    s.step("no credentials: 401, an undocumented status kept whole", matches!(&r, Err(Error::UnexpectedStatus(raw)) if raw.status() == 401), &r);
    let r = intruder.stub_mappings().get_all_stub_mappings().send().await;
    s.step("wrong credentials: 401", status_of(&r) == Some(401), &r);

    // --- system
    let r = c.system().get_health().send().await;
    s.step("health", matches!(&r, Ok(h) if h.version.as_deref() == Some("3.13.2")), &r);
    let r = c.system().get_version().send().await;
    s.step("version", matches!(&r, Ok(v) if v.version.as_deref() == Some("3.13.2")), &r);

    // --- stub mappings: create, list, get, find
    let mut hello = stub("GET", "/hello", 200);
    hello.name = Some("hello".into());
    hello.metadata = Some([("suite".to_string(), json!("e2e"))].into_iter().collect());
    if let Some(resp) = hello.response.as_mut() {
        resp.json_body = Some(ResponseDefinitionJsonBody::ValueMap([("msg".to_string(), json!("hi"))].into_iter().collect()));
        resp.headers = Some([("Content-Type".to_string(), "application/json".to_string())].into_iter().collect());
    }
    let r = c.stub_mappings().create_new_stub_mapping().body(hello).send_with_response().await;
    s.step("create a stub (documented 201)", matches!(&r, Ok(m) if m.status == 201 && m.body.id.is_some()), &r);
    let hello_id = r.ok().and_then(|m| m.body.id).unwrap_or_default();
    let orders_id = "8c5db8b0-2db4-4ad7-a99f-38c9b00da3f7";
    let mut orders = stub("POST", "/orders", 201);
    orders.id = Some(orders_id.into());
    orders.priority = Some(1);
    let r = c.stub_mappings().create_new_stub_mapping().body(orders).send().await;
    s.step("create a stub with our own id: the id is kept", matches!(&r, Ok(m) if m.id.as_deref() == Some(orders_id)), &r);
    let r = c.stub_mappings().get_all_stub_mappings().limit(10).offset(0).send().await;
    s.step(
        "list stubs (limit, offset)",
        matches!(&r, Ok(l) if l.mappings.as_ref().map(Vec::len) == Some(2) && l.meta.as_ref().map(|m| m.total) == Some(2)),
        &r,
    );
    let r = c.stub_mappings().get_stub_mapping_by_id(&hello_id).send().await;
    s.step("get a stub by id", matches!(&r, Ok(m) if m.name.as_deref() == Some("hello")), &r);
    let pattern: ContentPattern = serde_json::from_value(json!({"matchesJsonPath": {"expression": "$.suite", "equalTo": "e2e"}})).expect("a content pattern");
    let r = c.stub_mappings().find_stub_mappings_by_metadata(pattern).send().await;
    s.step("find stubs by metadata", matches!(&r, Ok(l) if l.mappings.as_ref().map(Vec::len) == Some(1)), &r);

    // --- the stubs answer over plain HTTP; the journal records it
    let r = plain.get(format!("{base}/hello")).send().await;
    let status = r.as_ref().ok().map(|r| r.status().as_u16());
    let body = match r {
        Ok(r) => r.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    s.outside("the stub answers", "GET /hello", status, status == Some(200) && body.contains("\"hi\""));
    let status = plain.post(format!("{base}/orders")).body("{\"qty\":2}").send().await.ok().map(|r| r.status().as_u16());
    s.outside("the second stub answers", "POST /orders", status, status == Some(201));
    let criteria = RequestPattern::new().method("GET").url("/hello");
    let r = c.requests().count_requests_by_criteria(criteria.clone()).send().await;
    s.step("count journal entries", matches!(&r, Ok(n) if n.count == Some(1)), &r);
    let r = c.requests().find_requests_by_criteria(criteria).send().await;
    s.step("find journal entries", r.is_ok(), &r);
    let r = c.requests().get_all_requests_in_journal().limit("5").send().await;
    s.step("list the journal", r.is_ok(), &r);
    let r = c.requests().find_unmatched_requests().send().await;
    s.step("unmatched requests", r.is_ok(), &r);
    let r = c.near_misses().retrieve_near_misses_for_unmatched_requests().send().await;
    s.step("near misses of unmatched requests", r.is_ok(), &r);

    // --- update, errors, delete
    let mut changed = stub("GET", "/hello", 202);
    if let Some(resp) = changed.response.as_mut() {
        resp.body = Some("changed".into());
    }
    let r = c.stub_mappings().update_stub_mapping(&hello_id).body(changed).send().await;
    s.step("update a stub", matches!(&r, Ok(m) if m.response.as_ref().and_then(|x| x.status) == Some(202)), &r);
    let status = plain.get(format!("{base}/hello")).send().await.ok().map(|r| r.status().as_u16());
    s.outside("the updated stub answers", "GET /hello", status, status == Some(202));
    let r = c.stub_mappings().get_stub_mapping_by_id("00000000-0000-0000-0000-000000000000").send().await;
    s.step(
        "get a missing stub: the documented 404, empty body",
        matches!(&r, Err(Error::Api(e)) if e.body == StubMappingsGetStubMappingByIdError::NotFound && e.response.body().is_empty()),
        &r,
    );
    let r = c.stub_mappings().get_stub_mapping_by_id("not-a-uuid").send().await;
    s.step(
        "get with a malformed id: an undocumented 400 with its body",
        matches!(&r, Err(Error::UnexpectedStatus(raw)) if raw.status() == 400 && raw.text().contains("not a valid UUID")),
        &r,
    );
    let r = c.stub_mappings().create_new_stub_mapping().body(stub("GET", "/x", 99_999_999_999)).send().await;
    s.step(
        "create a stub the server refuses: the documented 422, whose body breaks its schema (`source` is an object)",
        matches!(&r, Err(Error::Api(e)) if e.status() == 422
            && matches!(&e.body, StubMappingsCreateNewStubMappingError::Undecoded(why) if why.contains("expected a string"))
            && e.response.text().contains("/response/status")),
        &r,
    );
    let r = c.stub_mappings().delete_stub_mapping(&hello_id).send().await;
    s.step("delete a stub (200 documented without a body, answered `{}`)", r.is_ok(), &r);
    let r = c.stub_mappings().delete_stub_mapping(&hello_id).send().await;
    s.step("delete it again: the documented 404", matches!(&r, Err(Error::Api(e)) if e.body == StubMappingsDeleteStubMappingError::NotFound), &r);

    // --- scenarios (stateful stubs)
    let mut add = stub("POST", "/cart", 200);
    add.scenario_name = Some("cart".into());
    add.required_scenario_state = Some("Started".into());
    add.new_scenario_state = Some("Filled".into());
    let mut show = stub("GET", "/cart", 200);
    show.scenario_name = Some("cart".into());
    show.required_scenario_state = Some("Filled".into());
    if let Some(resp) = show.response.as_mut() {
        resp.body = Some("1 item".into());
    }
    let r1 = c.stub_mappings().create_new_stub_mapping().body(add).send().await;
    s.step("create a scenario stub", r1.is_ok(), &r1);
    let r2 = c.stub_mappings().create_new_stub_mapping().body(show).send().await;
    s.step("create its second state", r2.is_ok(), &r2);
    let status = plain.post(format!("{base}/cart")).body("x").send().await.ok().map(|r| r.status().as_u16());
    s.outside("move the scenario on", "POST /cart", status, status == Some(200));
    let r = c.scenarios().get_all_scenarios().send().await;
    s.step(
        "the scenario's state",
        matches!(&r, Ok(l) if l.scenarios.as_ref().and_then(|v| v.first()).and_then(|x| x.state.as_deref()) == Some("Filled")),
        &r,
    );
    let r = c.scenarios().reset_all_scenarios().send().await;
    s.step("reset scenarios", r.is_ok(), &r);
    let status = plain.get(format!("{base}/cart")).send().await.ok().map(|r| r.status().as_u16());
    s.outside("the reset scenario no longer matches", "GET /cart", status, status == Some(404));

    // --- files: an octet-stream upload documented as `format: byte` stores the raw bytes
    let r = c.files().update_file_by_id("hello.txt").body(b"file-content".to_vec()).send_with_response().await;
    s.step(
        "upload a file as raw bytes (answered with an undocumented JSON string, kept)",
        matches!(&r, Ok(x) if x.unread_body.as_deref() == Some(b"\"ZmlsZS1jb250ZW50\"".as_slice())),
        &r,
    );
    let r = c.files().get_all_file_names().send().await;
    s.step("list files", matches!(&r, Ok(v) if v.iter().any(|f| f == "hello.txt")), &r);
    let r = c.files().get_file_by_id("hello.txt").send_with_response().await;
    s.step(
        "read the file: no content schema documented, the bytes are kept",
        matches!(&r, Ok(x) if x.unread_body.as_deref() == Some(b"file-content".as_slice())),
        &r,
    );
    let r = c.files().delete_file_by_id("hello.txt").send().await;
    s.step("delete the file", r.is_ok(), &r);
    let r = c.files().get_file_by_id("hello.txt").send().await;
    s.step("the deleted file: the documented 404", status_of(&r) == Some(404), &r);

    // --- settings, journal and reset
    let settings = serde_json::from_value(json!({"fixedDelay": 0})).expect("settings");
    let r = c.system().update_global_settings(settings).send().await;
    s.step("update settings (empty 200)", r.is_ok(), &r);
    let r = c.requests().delete_all_requests_in_journal().send().await;
    s.step("empty the journal", r.is_ok(), &r);
    let r = c.system().reset_mappings_and_journal().send().await;
    s.step("reset everything (empty 200)", r.is_ok(), &r);
    let r = c.stub_mappings().get_all_stub_mappings().send().await;
    s.step("no stubs are left", matches!(&r, Ok(l) if l.mappings.as_ref().is_some_and(Vec::is_empty)), &r);
    s.finish()
}
