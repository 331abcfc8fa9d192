//! Behaviour of the fixture clients (`tests/clients/`), compiled from `tests/fixtures/specs/`:
//! unions decode by discriminator or by shape, and the kitchen-sink client encodes parameters,
//! credentials and bodies and decodes every kind of documented response.

use fixture_kitchen_sink::errors::{PetsListError, PetsPhotosGetPetsPetIdError};
use fixture_kitchen_sink::types::{Kind, Pet as KsPet, PetStatus, PetsCreateSuccess, Problem};
use fixture_unions::types::{Cat, Dog, GetValueResponse, Pet, Shape};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[test]
fn discriminated_unions_decode_by_tag_and_keep_it() {
    let dog: Pet = serde_json::from_value(json!({"petType": "doggo", "bark": true})).unwrap();
    assert_eq!(dog, Pet::Dog(Box::new(Dog::new("doggo", true))));
    let cat: Pet = serde_json::from_value(json!({"petType": "cat", "lives": 9, "whiskers": 24})).unwrap();
    let mut expected = Cat::new("cat").lives(9);
    expected.additional_properties.insert("whiskers".into(), 24);
    assert_eq!(cat, Pet::Cat(expected), "keys beside the properties land in the flattened map");
    assert_eq!(
        serde_json::to_value(&cat).unwrap(),
        json!({"petType": "cat", "lives": 9, "whiskers": 24}),
        "serialised as the variant, tag and extra keys included"
    );
    let lizard: Pet = serde_json::from_value(json!({"petType": "Lizard"})).unwrap();
    assert!(matches!(lizard, Pet::Lizard(_)), "without a mapping entry the component name is the tag");
    let err = serde_json::from_value::<Pet>(json!({"petType": "fish"})).unwrap_err();
    assert_eq!(err.to_string(), "unknown `petType` value `fish`");
    let err = serde_json::from_value::<Pet>(json!({"bark": true})).unwrap_err();
    assert_eq!(err.to_string(), "missing field `petType`");
    let nested: Pet = serde_json::from_value(json!({"petType": "dog", "bark": false, "friend": {"petType": "cat"}})).unwrap();
    let Pet::Dog(d) = nested else { panic!() };
    assert_eq!(d.friend.as_deref(), Some(&Pet::Cat(Cat::new("cat"))));
}

#[test]
fn untagged_unions_decode_by_shape() {
    assert_eq!(serde_json::from_value::<Shape>(json!("circle")).unwrap(), Shape::String("circle".into()));
    let group: Shape = serde_json::from_value(json!({"children": ["a", {"inner": "b"}]})).unwrap();
    let Shape::Group(g) = group else { panic!("expected a group") };
    assert_eq!(g.children.as_ref().map(Vec::len), Some(2));
    assert_eq!(serde_json::from_value::<GetValueResponse>(json!(5)).unwrap(), GetValueResponse::Integer(5));
    assert_eq!(serde_json::from_value::<GetValueResponse>(json!(["a"])).unwrap(), GetValueResponse::StringList(vec!["a".into()]));
    assert!(matches!(serde_json::from_value::<GetValueResponse>(json!({"code": 1})).unwrap(), GetValueResponse::Variant4(v) if v.code == Some(1)));
}

#[tokio::test]
async fn a_union_body_round_trips_over_http() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/pets")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"petType": "cat", "lives": 3}))).mount(&server).await;
    let client = fixture_unions::Client::builder().base_url(server.uri()).build().unwrap();
    let sent = Pet::Dog(Box::new(Dog::new("dog", true)));
    let got = client.create_pet(sent).await.unwrap();
    assert_eq!(got, Pet::Cat(Cat::new("cat").lives(3)));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&requests[0].body).unwrap(), json!({"petType": "dog", "bark": true}));
}

async fn kitchen_sink(body: ResponseTemplate) -> (MockServer, fixture_kitchen_sink::Client) {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any()).respond_with(body).mount(&server).await;
    let client = fixture_kitchen_sink::Client::builder().base_url(format!("{}/v1", server.uri())).basic_auth("user", "pass").build().unwrap();
    (server, client)
}

async fn only_request(server: &MockServer) -> Request {
    let mut r = server.received_requests().await.unwrap();
    assert_eq!(r.len(), 1);
    r.remove(0)
}

#[tokio::test]
async fn query_cookie_and_basic_auth_are_sent_and_a_list_decoded() {
    let pets = json!([{"id": "1", "name": "Rex", "kind": "2legs", "type": "t", "self": "s", "status": "lost", "tags": {"a": "b"}}]);
    let (server, client) = kitchen_sink(ResponseTemplate::new(200).set_body_json(pets)).await;
    let list = client.pets().list(Kind::Dog).limit(10).session("s 1").await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].kind, Kind::V2legs);
    assert_eq!(list[0].r#type.as_deref(), Some("t"));
    assert_eq!(list[0].self_.as_deref(), Some("s"));
    assert_eq!(list[0].status, Some(PetStatus::Unknown("lost".into())), "an open enum keeps unknown values");
    let r = only_request(&server).await;
    assert_eq!(r.method.as_str(), "GET");
    assert_eq!(r.url.path(), "/v1/pets");
    assert_eq!(r.url.query(), Some("kind=dog&limit=10"));
    assert_eq!(r.headers["cookie"], "session=s 1");
    assert_eq!(r.headers["authorization"], "Basic dXNlcjpwYXNz");
    assert!(r.headers.get("x-trace").is_none(), "an ignored parameter is not sent");
}

#[tokio::test]
async fn a_status_range_and_default_are_typed_errors() {
    let (_s, client) = kitchen_sink(ResponseTemplate::new(422).set_body_json(json!({"message": "bad kind"}))).await;
    let err = client.pets().list(Kind::Cat).await.unwrap_err();
    assert_eq!(err.to_string(), "422 Unprocessable Entity: bad kind");
    let fixture_kitchen_sink::Error::Api(e) = err else { panic!() };
    assert_eq!(e.body, PetsListError::ClientError(Problem::new("bad kind")));

    let (_s, client) = kitchen_sink(ResponseTemplate::new(500).set_body_string("boom")).await;
    let err = client.pets().list(Kind::Cat).await.unwrap_err();
    assert_eq!(err.to_string(), "500 Internal Server Error: boom");
    let fixture_kitchen_sink::Error::Api(e) = err else { panic!() };
    assert_eq!(e.body, PetsListError::Default("boom".into()));
}

#[tokio::test]
async fn several_successes_are_an_enum_and_security_none_sends_no_credentials() {
    let id = "67e55044-10b1-426f-9247-bb680e5fe0c8";
    let (server, client) = kitchen_sink(ResponseTemplate::new(201).set_body_json(json!({"id": id}))).await;
    let pet = KsPet::new("Rex", Kind::Empty).nickname("R");
    match client.pets().create(pet).await.unwrap() {
        PetsCreateSuccess::Created(c) => assert_eq!(c.id.map(|u| u.to_string()).as_deref(), Some(id), "`format: uuid` is a Uuid"),
        other => panic!("{other:?}"),
    }
    let r = only_request(&server).await;
    assert!(r.headers.get("authorization").is_none(), "`security: []` sends no credentials");
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body, json!({"name": "Rex", "kind": "", "nickname": "R"}));

    let (_s, client) = kitchen_sink(ResponseTemplate::new(204)).await;
    assert_eq!(client.pets().create(KsPet::new("a", Kind::Dog)).await.unwrap(), PetsCreateSuccess::NoContent);
}

#[tokio::test]
async fn path_parameters_are_encoded_and_text_decoded() {
    let (server, client) = kitchen_sink(ResponseTemplate::new(200).set_body_string("photo-1\nphoto-2")).await;
    let text = client.pets().photos().get_pets_pet_id("../a b/c").await.unwrap();
    assert_eq!(text, "photo-1\nphoto-2");
    assert_eq!(only_request(&server).await.url.path(), "/v1/pets/..%2Fa%20b%2Fc");
    let (_s, client) = kitchen_sink(ResponseTemplate::new(404)).await;
    let err = client.pets().photos().get_pets_pet_id("x").await.unwrap_err();
    let fixture_kitchen_sink::Error::Api(e) = err else { panic!() };
    assert_eq!(e.body, PetsPhotosGetPetsPetIdError::NotFound);
}

#[tokio::test]
async fn root_operations_and_servers() {
    let (_s, client) = kitchen_sink(ResponseTemplate::new(204)).await;
    client.health_check().await.unwrap();
    use fixture_kitchen_sink::{Region, Server};
    // A server variable with an `enum` is a Rust enum: only the document's values can be given.
    assert_eq!(Server::Regional { region: Region::Us }.url(), "https://us.example.com/v1");
    assert_eq!(Region::default(), Region::Eu, "the document's default");
    assert_eq!(Server::default(), Server::Regional { region: Region::Eu });
    assert_eq!(Server::Server2.url(), "https://sandbox.example.com/v1");
    assert_eq!(fixture_kitchen_sink::Client::builder().build().unwrap().base_url(), "https://eu.example.com/v1");
}

async fn params_server(body: ResponseTemplate) -> (MockServer, fixture_params::Client) {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any()).respond_with(body).mount(&server).await;
    let client = fixture_params::Client::builder().base_url(server.uri()).build().unwrap();
    (server, client)
}

#[tokio::test]
async fn every_parameter_style_is_encoded_as_openapi_specifies() {
    use fixture_params::types::{Color, SearchSort};
    let (server, client) = params_server(ResponseTemplate::new(204)).await;
    let color = Color::new().r(1).g(2);
    client
        .search(vec![1, 2], vec!["a".into(), "b c".into()], color.clone())
        .tags(vec!["x".into(), "y".into()])
        .csv(vec!["x".into(), "y".into()])
        .spaced(vec!["x".into(), "y".into()])
        .piped(vec!["x".into(), "y".into()])
        .filter(color.clone())
        .flat(color)
        .sort(SearchSort::Desc)
        .x_ids(vec![7, 8])
        .prefs(vec!["p".into(), "q".into()])
        .await
        .unwrap();
    let r = only_request(&server).await;
    // path: simple array, label exploded array, matrix object (not exploded)
    assert_eq!(r.url.path(), "/search/1,2/.a.b%20c/;matrix=R,1,G,2");
    assert_eq!(
        r.url.query(),
        Some("tags=x&tags=y&csv=x%2Cy&spaced=x+y&piped=x%7Cy&filter%5BR%5D=1&filter%5BG%5D=2&R=1&G=2&sort=desc")
    );
    assert_eq!(r.headers["x-ids"], "7,8");
    assert_eq!(r.headers["cookie"], "prefs=p,q");
}

#[tokio::test]
async fn unset_optional_parameters_are_not_sent() {
    let (server, client) = params_server(ResponseTemplate::new(204)).await;
    client.search(vec![1], vec!["a".into()], fixture_params::types::Color::default()).await.unwrap();
    let r = only_request(&server).await;
    assert_eq!(r.url.path(), "/search/1/.a/;matrix=");
    assert_eq!(r.url.query(), None);
    assert!(r.headers.get("x-ids").is_none() && r.headers.get("cookie").is_none());
}

#[tokio::test]
async fn form_binary_and_text_bodies() {
    let (server, client) = params_server(ResponseTemplate::new(204)).await;
    let form = fixture_params::types::PostFormBody::new("a&b").tags(vec!["t1".into(), "t2".into()]);
    client.post_form(form).await.unwrap();
    let r = only_request(&server).await;
    assert_eq!(r.headers["content-type"], "application/x-www-form-urlencoded");
    assert_eq!(r.body, b"name=a%26b&tags=t1&tags=t2");

    let bytes = vec![0u8, 159, 146, 150, 255];
    let (server, client) = params_server(ResponseTemplate::new(200).set_body_bytes(vec![1u8, 2, 3])).await;
    assert_eq!(client.upload(bytes.clone()).await.unwrap(), vec![1, 2, 3]);
    let r = only_request(&server).await;
    assert_eq!(r.headers["content-type"], "application/octet-stream");
    assert_eq!(r.body, bytes);

    let (server, client) = params_server(ResponseTemplate::new(204)).await;
    client.post_note().body("h\u{e9}llo".into()).await.unwrap();
    let r = only_request(&server).await;
    assert_eq!(r.headers["content-type"], "text/plain");
    assert_eq!(r.body, "h\u{e9}llo".as_bytes());
    let (server, client) = params_server(ResponseTemplate::new(204)).await;
    client.post_note().await.unwrap();
    assert!(only_request(&server).await.body.is_empty(), "an optional body left unset is not sent");
}

#[tokio::test]
async fn multipart_bodies_send_fields_and_files() {
    use fixture_params::types::{Color, UploadPhotoBody};
    let (server, client) = params_server(ResponseTemplate::new(204)).await;
    let body = UploadPhotoBody::new("Sunset", vec![0xff, 0xd8, 0x00])
        .thumbnails(vec![vec![1], vec![2]])
        .labels(vec!["sky".into(), "sea".into()])
        .meta(Color::new().r(255));
    client.upload_photo(body).await.unwrap();
    let r = only_request(&server).await;
    let content_type = r.headers["content-type"].to_str().unwrap().to_string();
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect("multipart content type");
    let mut expected = Vec::new();
    let part = |out: &mut Vec<u8>, head: &str, data: &[u8]| {
        out.extend_from_slice(format!("--{boundary}\r\n{head}\r\n\r\n").as_bytes());
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
    };
    part(&mut expected, "Content-Disposition: form-data; name=\"title\"", b"Sunset");
    part(&mut expected, "Content-Disposition: form-data; name=\"photo\"; filename=\"photo\"\r\nContent-Type: application/octet-stream", &[0xff, 0xd8, 0x00]);
    part(&mut expected, "Content-Disposition: form-data; name=\"thumbnails\"; filename=\"thumbnails\"\r\nContent-Type: application/octet-stream", &[1]);
    part(&mut expected, "Content-Disposition: form-data; name=\"thumbnails\"; filename=\"thumbnails\"\r\nContent-Type: application/octet-stream", &[2]);
    part(&mut expected, "Content-Disposition: form-data; name=\"labels\"", b"sky");
    part(&mut expected, "Content-Disposition: form-data; name=\"labels\"", b"sea");
    part(&mut expected, "Content-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json", br#"{"R":255}"#);
    expected.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    assert_eq!(String::from_utf8_lossy(&r.body), String::from_utf8_lossy(&expected));
    assert_eq!(r.body, expected);
}

#[tokio::test]
async fn an_operation_in_two_groups_is_callable_from_both_and_default_only_decodes_any_status() {
    let (server, client) = kitchen_sink(ResponseTemplate::new(204)).await;
    client.pets().multi_tagged().await.unwrap();
    client.store().multi_tagged().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    let (_s, client) = kitchen_sink(ResponseTemplate::new(500).set_body_json(json!({"a": 1}))).await;
    let map = client.echo().await.expect("`default` is the only response: any status is it");
    assert_eq!(map.get("a"), Some(&1));
    let (_s, client) = kitchen_sink(ResponseTemplate::new(418)).await;
    client.ping().await.expect("a body-less `default` accepts any status");
    let pet = KsPet::new("Rex", Kind::Dog).with_add("x");
    assert_eq!(pet.add.as_deref(), Some("x"), "a field named like an operator trait method gets a `with_` setter");
}

#[tokio::test]
async fn all_of_merges_std_names_stay_usable_and_any_json_is_kept() {
    use fixture_models::types::{ApiFailure, OptionModel as OptionEnum, ResultModel};
    let json_in = json!({
        "id": 9007199254740993i64, "created": "2026-11-26T10:00:00Z", "value": {"nested": [1, "two", null]},
        "score": 0.25, "blob": "aGk=", "maybe": [null, "a"], "option": "none", "legacyName": "x"
    });
    let server = MockServer::start().await;
    Mock::given(method("PUT")).and(path("/results")).respond_with(ResponseTemplate::new(200).set_body_json(json_in.clone())).mount(&server).await;
    let client = fixture_models::Client::builder().base_url(server.uri()).build().unwrap();
    let sent = ResultModel::new(1, json!("anything"));
    let got = client.put_result(sent).await.unwrap();
    assert_eq!(got.id, 9_007_199_254_740_993, "int64 keeps its precision");
    assert_eq!(got.value, json!({"nested": [1, "two", null]}));
    assert_eq!(got.maybe, Some(vec![None, Some("a".to_string())]));
    assert_eq!(got.option, Some(OptionEnum::None));
    assert_eq!(got.modern_name.as_deref(), Some("x"), "a property override renames the field, not the wire name");
    let annotated: Option<OptionEnum> = ResultModel::new(1, json!(null)).annotated;
    assert_eq!(annotated, None, "an allOf that only annotates a reference is that reference's type");
    assert_eq!(serde_json::to_value(&got).unwrap(), json_in, "everything round-trips");
    let request = only_request(&server).await;
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&request.body).unwrap(), json!({"id": 1, "value": "anything"}));
    let failure: ApiFailure = serde_json::from_value(json!({"kind": {"text": "t"}, "vec": [{"box": true}]})).unwrap();
    assert_eq!(failure.vec.unwrap()[0].r#box, Some(true));
}

#[tokio::test]
async fn max_method_params_turns_many_arguments_into_one_struct() {
    use fixture_models::types::{PatchResultParams, ResultModel};
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any()).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = fixture_models::Client::builder().base_url(server.uri()).build().unwrap();
    // Root limit 2, three arguments: one struct.
    let params = PatchResultParams::new("g/1", 7, ResultModel::new(1, json!(null)));
    client.patch_result(params).dry_run(true).await.unwrap();
    // The operation's own limit (3) wins over the root's: separate arguments.
    client.delete_result("g", 8, ResultModel::new(2, json!(1))).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].method.as_str(), "PATCH");
    assert_eq!(requests[0].url.path(), "/results/g%2F1/7");
    assert_eq!(requests[0].url.query(), Some("dryRun=true"));
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&requests[0].body).unwrap(), json!({"id": 1, "value": null}));
    assert_eq!(requests[1].url.path(), "/results/g/8");
}

#[test]
fn integer_enums_and_write_only_fields() {
    use fixture_models::types::{Account, Priority, ResultModelLevel};
    assert_eq!(serde_json::from_value::<Priority>(json!(-1)).unwrap(), Priority::Minus1);
    assert_eq!(serde_json::to_value(Priority::V2).unwrap(), json!(2));
    assert_eq!(serde_json::from_value::<Priority>(json!(5)).unwrap_err().to_string(), "unknown `Priority` value 5");
    assert_eq!(serde_json::from_value::<ResultModelLevel>(json!(7)).unwrap(), ResultModelLevel::Unknown(7), "an open integer enum keeps unknown values");
    assert_eq!(ResultModelLevel::Unknown(7).value(), 7);
    let account: Account = serde_json::from_value(json!({"name": "a"})).expect("a response leaves the write-only password out");
    assert_eq!(account.password, None);
}

#[tokio::test]
async fn documented_response_headers_are_typed() {
    use fixture_models::types::{PatchResultParams, ResultModel};
    let server = MockServer::start().await;
    let answer = ResponseTemplate::new(200)
        .set_body_json(json!({"id": 1, "value": null}))
        .insert_header("x-rate-limit", "99")
        .insert_header("x-request-id", "req-7")
        .insert_header("x-tags", "a, b");
    Mock::given(method("PUT")).respond_with(answer).mount(&server).await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(204).insert_header("x-rate-limit", "not a number")).mount(&server).await;
    let client = fixture_models::Client::builder().base_url(server.uri()).build().unwrap();
    let (body, headers) = client.put_result(ResultModel::new(1, json!(null))).send_with_headers().await.unwrap();
    assert_eq!(body.id, 1);
    assert_eq!(
        (headers.x_rate_limit, headers.x_request_id.as_deref(), headers.x_tags.as_deref()),
        (Some(99), Some("req-7"), Some(&["a".to_string(), "b".to_string()][..]))
    );
    let params = PatchResultParams::new("g", 1, ResultModel::new(1, json!(null)));
    let ((), headers) = client.patch_result(params).send_with_headers().await.unwrap();
    assert_eq!(headers.x_rate_limit, None, "a header that does not parse is None, and the call still succeeds");
}

#[tokio::test]
async fn header_and_cookie_values_with_line_breaks_are_refused_before_sending() {
    let (server, client) = kitchen_sink(ResponseTemplate::new(200).set_body_json(json!([]))).await;
    let err = client.pets().list(Kind::Dog).session("s\r\nX-Injected: 1").await.unwrap_err();
    assert_eq!(err.to_string(), "invalid request: the value of header `cookie` has characters a header cannot carry (such as a line break)");
    assert!(matches!(err, fixture_kitchen_sink::Error::InvalidRequest(_)));
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing was sent");
}

mod retries {
    use super::*;
    use fixture_kitchen_sink::types::FlakyBody;

    async fn flaky_server(first: ResponseTemplate, times: u64) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("POST")).and(path("/v1/flaky")).respond_with(first).up_to_n_times(times).mount(&server).await;
        Mock::given(method("POST")).and(path("/v1/flaky")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
        server
    }

    fn client(server: &MockServer) -> fixture_kitchen_sink::ClientBuilder {
        fixture_kitchen_sink::Client::builder().base_url(format!("{}/v1", server.uri()))
    }

    #[tokio::test]
    async fn retried_statuses_are_retried_with_the_same_body() {
        let server = flaky_server(ResponseTemplate::new(503), 2).await;
        client(&server).build().unwrap().flaky(FlakyBody::new().n(7)).await.expect("third attempt succeeds");
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 3);
        assert!(requests.iter().all(|r| r.body == br#"{"n":7}"#), "the body is re-sent intact");
    }

    #[tokio::test]
    async fn retry_after_is_honoured() {
        let server = flaky_server(ResponseTemplate::new(429).insert_header("retry-after", "1"), 1).await;
        let started = std::time::Instant::now();
        client(&server).build().unwrap().flaky(FlakyBody::default()).await.unwrap();
        assert!(started.elapsed() >= std::time::Duration::from_secs(1), "waited {:?}", started.elapsed());
        assert_eq!(server.received_requests().await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn out_of_time_the_last_response_is_returned_and_other_statuses_are_not_retried() {
        let server = flaky_server(ResponseTemplate::new(502).set_body_string("still down"), 1_000).await;
        let started = std::time::Instant::now();
        let err = client(&server).build().unwrap().flaky(FlakyBody::default()).await.unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(err.to_string(), "unexpected status 502 Bad Gateway: still down");
        let attempts = server.received_requests().await.unwrap().len();
        assert!(attempts > 5, "retried until maxElapsedTime: {attempts} attempts");

        let server = flaky_server(ResponseTemplate::new(404), 1).await;
        assert!(client(&server).build().unwrap().flaky(FlakyBody::default()).await.is_err());
        assert_eq!(server.received_requests().await.unwrap().len(), 1, "404 is not in statusCodes");
    }

    #[tokio::test]
    async fn the_error_message_field_is_the_one_marked_for_it() {
        let server = flaky_server(ResponseTemplate::new(400).set_body_json(json!({"detail": "n is too big", "message": "other"})), 1).await;
        let err = client(&server).build().unwrap().flaky(FlakyBody::default()).await.unwrap_err();
        assert_eq!(err.to_string(), "400 Bad Request: n is too big");
    }

    #[tokio::test]
    async fn no_retries_switches_them_off() {
        let server = flaky_server(ResponseTemplate::new(503), 1).await;
        assert!(client(&server).no_retries().build().unwrap().flaky(FlakyBody::default()).await.is_err());
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
    }

    /// Per call: `no_retries`, and a backoff of one's own (the operation's statuses still apply).
    #[tokio::test]
    async fn retries_are_overridden_per_call() {
        use fixture_kitchen_sink::{Backoff, RequestOptions};
        let server = flaky_server(ResponseTemplate::new(503), 1).await;
        let c = client(&server).build().unwrap();
        assert!(c.flaky(FlakyBody::default()).options(RequestOptions::new().no_retries()).await.is_err());
        assert_eq!(server.received_requests().await.unwrap().len(), 1, "sent once");

        let server = flaky_server(ResponseTemplate::new(503), 1_000).await;
        let budget = Backoff { initial_interval: std::time::Duration::from_millis(1), max_interval: std::time::Duration::from_millis(5), max_elapsed: std::time::Duration::from_millis(300), ..Backoff::default() };
        let started = std::time::Instant::now();
        assert!(client(&server).build().unwrap().flaky(FlakyBody::default()).options(RequestOptions::new().retries(budget)).await.is_err());
        assert!(started.elapsed() < std::time::Duration::from_millis(1_500), "the call's budget applied: {:?}", started.elapsed());
        assert!(server.received_requests().await.unwrap().len() > 3, "retried on the operation's statuses");
    }
}

/// A schema that is a list (or map) of itself is a transparent newtype: the same JSON both ways.
#[test]
fn self_containing_lists_and_maps_round_trip() {
    use fixture_models::types::{Forest, Nested, Tree};
    let json = serde_json::json!({"tree": [[], [[]]], "nested": {"a": {"b": {}}}});
    let forest: Forest = serde_json::from_value(json.clone()).unwrap();
    let tree = forest.tree.as_ref().unwrap();
    assert_eq!(tree.0.len(), 2);
    assert_eq!(tree.0[1], Tree(vec![Tree(vec![])]));
    let nested = forest.nested.as_ref().unwrap();
    assert_eq!(nested.0["a"].0["b"], Nested(Default::default()));
    assert_eq!(serde_json::to_value(&forest).unwrap(), json);
}

/// Schemas named `Result` and `Option` do not shadow the prelude: after a glob import of the
/// types, `Result` and `Option` are still the standard ones (`ResultModel`, `OptionModel` are the
/// document's).
mod glob_import_keeps_the_prelude {
    #[allow(unused_imports)]
    use fixture_models::types::*;

    #[test]
    fn std_result_and_option_are_still_in_scope() {
        let r: Result<u8, ()> = Ok(1);
        let o: Option<u8> = Some(2);
        assert_eq!((r, o), (Ok(1), Some(2)));
        let _document_type = ResultModel::new(1, serde_json::json!(null));
    }
}
