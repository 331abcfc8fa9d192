//! Prefect's REST API driven by the client sdkforge generates from the document Prefect serves
//! (`/api/openapi.json`: OpenAPI 3.1, relative server `/api`), as a user would: only the
//! generated public API. Run it with `cargo run -p xtask -- e2e prefect`; the server runs with
//! HTTP Basic auth on, which its document does not declare.

use prefect_client as api;
use serde_json::json;
use std::process::ExitCode;

use api::types::*;
use api::{Client, Error, ErrorBody};

#[path = "../common.rs"]
mod common;
use common::status_of;

#[tokio::main]
async fn main() -> ExitCode {
    let (base, user, password) = common::settings();
    let mut s = common::Scenario::new();
    let build = |auth: Option<String>| {
        // The origin only: the document's relative server `/api` is added to it.
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

    // --- root: bare JSON values; auth the document does not declare
    let r = anonymous.root().health_check_health_get().send().await;
    s.step("health without credentials: the bare JSON `true`", matches!(r, Ok(true)), &r);
    let r = anonymous.root().server_version_version_get().send().await;
    s.step("version without credentials: an undocumented 401 kept whole", matches!(&r, Err(Error::UnexpectedStatus(raw)) if raw.status() == 401 && raw.text().contains("Unauthorized")), &r);
    let r = intruder.root().server_version_version_get().send().await;
    s.step("version with wrong credentials: 401", status_of(&r) == Some(401), &r);
    let r = c.root().server_version_version_get().send().await;
    s.step("version: the bare JSON string `\"0.8.4\"` is `0.8.4`, no quotes", matches!(&r, Ok(v) if v == "0.8.4"), &r);
    if c.base_url() != format!("{base}/api") {
        s.step("the relative server `/api` resolved against the origin", false, &c.base_url());
    }

    // --- variables: create, conflicts, validation, read, count, filter and page, update, delete
    let mut value = std::collections::BTreeMap::new();
    value.insert("a".to_string(), json!(1));
    value.insert("b".to_string(), json!([1, 2]));
    let create = VariableCreate::new("e2e_var").value(Value::ValueMap(value.clone())).tags(vec!["t1".into()]);
    let r = c.variables().create_variable_variables_post(create).send_with_response().await;
    s.step("create a variable (documented 201)", matches!(&r, Ok(v) if v.status == 201 && v.body.name == "e2e_var"), &r);
    let id = r.map(|v| v.body.id).unwrap_or_default();
    let again = VariableCreate::new("e2e_var").value(Value::Integer(1));
    let r = c.variables().create_variable_variables_post(again).send().await;
    s.step(
        "create it again: an undocumented 409 with its body",
        matches!(&r, Err(Error::UnexpectedStatus(raw)) if raw.status() == 409 && raw.text().contains("already exists")),
        &r,
    );
    let bad = VariableCreate::new("Bad Name!").value(Value::Integer(1));
    let r = c.variables().create_variable_variables_post(bad).send().await;
    s.step(
        "an invalid name: the documented 422, its body (`exception_detail`, not `detail`) kept raw",
        matches!(&r, Err(Error::Api(e)) if e.status() == 422 && e.response.text().contains("exception_detail")),
        &r,
    );
    let r = c.variables().read_variable_by_name_variables_name_name_get("e2e_var").send().await;
    s.step("read by name", matches!(&r, Ok(v) if v.value == Some(Value2::ValueMap(value.clone()))), &r);
    let r = c.variables().read_variable_variables_id_get(id).send().await;
    s.step("read by id", matches!(&r, Ok(v) if v.id == id), &r);
    // Typed formats from a real server: the id is a Uuid, `created` a date-time read from
    // Prefect's own spelling of it, within minutes of this machine's clock.
    let now = api::chrono::DateTime::<api::chrono::Utc>::from(std::time::SystemTime::now());
    s.step(
        "the variable's `created` is a date-time of the last minutes",
        matches!(&r, Ok(v) if v.created.is_some_and(|t| (now - t).num_minutes().abs() < 10)),
        &r,
    );
    let r = c.variables().read_variable_by_name_variables_name_name_get("nope").send().await;
    s.step("read a missing one: an undocumented 404", matches!(&r, Err(Error::UnexpectedStatus(raw)) if raw.status() == 404 && raw.text().contains("not found")), &r);
    let second = VariableCreate::new("e2e_var_2").value(Value::String("two".into()));
    let r = c.variables().create_variable_variables_post(second).send().await;
    s.step("create a second variable", r.is_ok(), &r);
    let id2 = r.map(|v| v.id).unwrap_or_default();
    let r = c.variables().count_variables_variables_count_post().send().await;
    s.step("count: the bare JSON number", matches!(r, Ok(2)), &r);
    let mut names = Vec::new();
    for offset in 0..3 {
        let filter = VariableFilter::new().name(VariableFilterName::new().like("e2e_var"));
        let page = BodyReadVariablesVariablesFilterPost::new().variables(filter).sort(VariableSort::NameAsc).limit(1).offset(offset);
        let r = c.variables().read_variables_variables_filter_post().body(page).send().await;
        let ok = match &r {
            Ok(items) if offset < 2 => items.len() == 1,
            Ok(items) => items.is_empty(),
            Err(_) => false,
        };
        s.step(&format!("filter, a page of one at offset {offset}"), ok, &r);
        names.extend(r.ok().into_iter().flatten().map(|v| v.name));
    }
    s.step("the pages hold both variables in name order", names == ["e2e_var", "e2e_var_2"], &names);
    let update = VariableUpdate::new().value(Value3::String("new value".into()));
    let r = c.variables().update_variable_by_name_variables_name_name_patch("e2e_var", update).send_with_response().await;
    s.step("update by name (204)", matches!(&r, Ok(x) if x.status == 204), &r);
    let update = VariableUpdate::new().value(Value3::Integer(42)).tags(vec!["t2".into()]);
    let r = c.variables().update_variable_variables_id_patch(id, update).send().await;
    s.step("update by id (204)", r.is_ok(), &r);
    let r = c.variables().read_variable_variables_id_get(id).send().await;
    s.step("the update is there", matches!(&r, Ok(v) if v.value == Some(Value2::Integer(42)) && v.tags.as_deref() == Some(&["t2".to_string()][..])), &r);
    let r = c.variables().delete_variable_by_name_variables_name_name_delete("e2e_var").send().await;
    s.step("delete by name (204)", r.is_ok(), &r);
    let r = c.variables().delete_variable_by_name_variables_name_name_delete("e2e_var").send().await;
    s.step("delete it again: an undocumented 404", status_of(&r) == Some(404), &r);
    let r = c.variables().delete_variable_variables_id_delete(id2).send().await;
    s.step("delete the second by id", r.is_ok(), &r);

    // --- flows and flow runs: undocumented 201s, a state machine
    let r = c.flows().create_flow_flows_post(FlowCreate::new("e2e-flow").tags(vec!["x".into()])).send_with_response().await;
    s.step("create a flow: 201 where only 200 is documented, decoded as the documented flow", matches!(&r, Ok(f) if f.status == 201 && f.body.name == "e2e-flow"), &r);
    let flow_id = r.map(|f| f.body.id).unwrap_or_default();
    let r = c.flows().create_flow_flows_post(FlowCreate::new("e2e-flow")).send_with_response().await;
    s.step("create it again: the documented 200 with the same flow", matches!(&r, Ok(f) if f.status == 200 && f.body.id == flow_id), &r);
    let r = c.flows().read_flow_flows_id_get(flow_id).send().await;
    s.step("read the flow", matches!(&r, Ok(f) if f.tags.as_deref() == Some(&["x".to_string()][..])), &r);
    let r = c.flows().read_flow_by_name_flows_name_name_get("e2e-flow").send().await;
    s.step("read it by name", matches!(&r, Ok(f) if f.id == flow_id), &r);
    let r = c.flows().update_flow_flows_id_patch(flow_id, FlowUpdate::new().tags(vec!["x".into(), "y".into()])).send().await;
    s.step("update the flow (204)", r.is_ok(), &r);
    let filter = FlowFilter::new().name(FlowFilterName::new().any(vec!["e2e-flow".into()]));
    let body = BodyReadFlowsFlowsFilterPost::new().flows(filter.clone()).limit(5);
    let r = c.flows().read_flows_flows_filter_post().body(body).send().await;
    s.step("filter flows", matches!(&r, Ok(v) if v.len() == 1 && v[0].tags.as_ref().map(Vec::len) == Some(2)), &r);

    let mut params = std::collections::BTreeMap::new();
    params.insert("n".to_string(), json!(3));
    let run = FlowRunCreate::new(flow_id).name("run-1").parameters(params).state(StateCreate::new(StateType::Scheduled));
    let r = c.flow_runs().create_flow_run_flow_runs_post(run).send_with_response().await;
    s.step("create a flow run: an undocumented 201", matches!(&r, Ok(x) if x.status == 201 && x.body.flow_id == flow_id), &r);
    let run_id = r.map(|x| x.body.id).unwrap_or_default();
    for (to, message) in [(StateType::Running, None), (StateType::Completed, Some("done"))] {
        let state = match message {
            Some(m) => StateCreate::new(to.clone()).message(m),
            None => StateCreate::new(to.clone()),
        };
        let r = c.flow_runs().set_flow_run_state_flow_runs_id_set_state_post(run_id, BodySetFlowRunStateFlowRunsIdSetStatePost::new(state)).send_with_response().await;
        s.step(&format!("move the run to {to:?}: an undocumented 201"), matches!(&r, Ok(x) if x.status == 201 && x.body.status == SetStateStatus::Accept), &r);
    }
    let r = c.flow_runs().read_flow_run_flow_runs_id_get(run_id).send().await;
    s.step("read the run", matches!(&r, Ok(x) if x.name.as_deref() == Some("run-1")), &r);
    let count = BodyCountFlowRunsFlowRunsCountPost::new().flows(FlowFilter::new().id(serde_json::from_value::<FlowFilterId>(json!({"any_": [flow_id]})).expect("an id filter")));
    let r = c.flow_runs().count_flow_runs_flow_runs_count_post().body(count).send().await;
    s.step("count the flow's runs", matches!(r, Ok(1)), &r);
    let r = c.flow_runs().update_flow_run_flow_runs_id_patch(run_id, FlowRunUpdate::new().name("run-renamed")).send().await;
    s.step("rename the run (204)", r.is_ok(), &r);
    let r = c.flow_runs().delete_flow_run_flow_runs_id_delete(run_id).send().await;
    s.step("delete the run (204)", r.is_ok(), &r);
    let r = c.flow_runs().read_flow_run_flow_runs_id_get(run_id).send().await;
    s.step("the deleted run: an undocumented 404", status_of(&r) == Some(404), &r);

    // --- global concurrency limits: business-rule 422s with a string `detail`
    let r = c.concurrency_limits_v2().create_concurrency_limit_v2_v2_concurrency_limits_post(ConcurrencyLimitV2Create::new("e2e-limit", 2)).send_with_response().await;
    s.step("create a concurrency limit (documented 201)", matches!(&r, Ok(x) if x.status == 201), &r);
    let r = c.concurrency_limits_v2().create_concurrency_limit_v2_v2_concurrency_limits_post(ConcurrencyLimitV2Create::new("e2e-limit", 2)).send().await;
    s.step("create it again: an undocumented 409", status_of(&r) == Some(409), &r);
    let r = c.concurrency_limits_v2().read_concurrency_limit_v2_v2_concurrency_limits_id_or_name_get(IdOrName::String("e2e-limit".into())).send().await;
    s.step("read it by name", matches!(&r, Ok(x) if x.limit == 2 && x.active_slots == 0), &r);
    let take = |slots| BodyBulkIncrementActiveSlotsV2ConcurrencyLimitsIncrementPost::new(slots, vec!["e2e-limit".into()]).mode(Mode::Concurrency);
    let r = c.concurrency_limits_v2().bulk_increment_active_slots_v2_concurrency_limits_increment_post(take(1)).send().await;
    s.step("take a slot", matches!(&r, Ok(v) if v.len() == 1), &r);
    let r = c.concurrency_limits_v2().bulk_increment_active_slots_v2_concurrency_limits_increment_post(take(5)).send().await;
    s.step(
        "take too many: the documented 422 whose `detail` is a string, not the documented list: still that error, raw body kept",
        matches!(&r, Err(Error::Api(e)) if e.status() == 422 && e.body.is_undecoded() && e.response.text().contains("greater than the limit")),
        &r,
    );
    let give = BodyBulkDecrementActiveSlotsV2ConcurrencyLimitsDecrementPost::new(1, vec!["e2e-limit".into()]);
    let r = c.concurrency_limits_v2().bulk_decrement_active_slots_v2_concurrency_limits_decrement_post(give).send().await;
    s.step("give the slot back", r.is_ok(), &r);
    let r = c.concurrency_limits_v2().update_concurrency_limit_v2_v2_concurrency_limits_id_or_name_patch(IdOrName3::String("e2e-limit".into()), ConcurrencyLimitV2Update::new().limit(3)).send().await;
    s.step("raise the limit (204)", r.is_ok(), &r);
    let r = c.concurrency_limits_v2().delete_concurrency_limit_v2_v2_concurrency_limits_id_or_name_delete(IdOrName2::String("e2e-limit".into())).send().await;
    s.step("delete the limit (204)", r.is_ok(), &r);
    let r = c.concurrency_limits_v2().read_concurrency_limit_v2_v2_concurrency_limits_id_or_name_get(IdOrName::String("e2e-limit".into())).send().await;
    s.step("the deleted limit: an undocumented 404", status_of(&r) == Some(404), &r);

    let r = c.flows().delete_flow_flows_id_delete(flow_id).send().await;
    s.step("delete the flow (204)", r.is_ok(), &r);
    let r = c.flows().read_flow_flows_id_get(flow_id).send().await;
    s.step("the deleted flow: an undocumented 404", status_of(&r) == Some(404), &r);
    s.finish()
}
