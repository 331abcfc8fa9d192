//! References beyond `#/components/<kind>/<name>`, end to end: the client generated from
//! `tests/fixtures/specs/references.yaml` (component maps in other files, a request body and a
//! header referenced from another operation, `#/definitions/...`, a vendor collection of
//! responses, a percent-encoded name, the document's own file name) sends and decodes what the
//! references mean.

use fixture_references::errors::{CopyPetError, CreatePetError, GetLegacyError};
use fixture_references::types::{Gone, Legacy, Owner, Pet, PetTag, Problem};
use fixture_references::{Client, Error};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).build().unwrap()
}

#[tokio::test]
async fn a_request_body_and_a_header_referenced_from_another_operation_are_the_same_as_there() {
    let server = MockServer::start().await;
    let pet = Pet::new("Rex").tag(PetTag::Dog).owner(Owner::new().id(7));
    let wire = json!({"name": "Rex", "tag": "dog", "owner": {"id": 7}});
    for at in ["/pets", "/pets/copies"] {
        Mock::given(method("POST"))
            .and(path(at))
            .and(body_json(&wire))
            .respond_with(ResponseTemplate::new(201).insert_header("X-Request-Id", at).set_body_json(&wire))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    // The two operations take and return the one `Pet` type (from the schemas file), and each
    // reads its `X-Request-Id` header (the copy's by reference to the original's).
    let (created, headers) = client.create_pet(pet.clone()).send_with_headers().await.unwrap();
    assert_eq!((created, headers.x_request_id.as_deref()), (pet.clone(), Some("/pets")));
    let (copied, headers) = client.copy_pet(pet.clone()).send_with_headers().await.unwrap();
    assert_eq!((copied, headers.x_request_id.as_deref()), (pet, Some("/pets/copies")));
}

#[tokio::test]
async fn a_response_from_a_component_file_is_the_typed_error_of_every_operation_that_refers_to_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/pets")).respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "who?"}))).mount(&server).await;
    Mock::given(method("GET")).and(path("/legacy/L-1")).respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "no"}))).mount(&server).await;
    let client = client(&server);
    match client.create_pet(Pet::new("Rex")).send().await {
        Err(Error::Api(e)) => assert_eq!(e.body, CreatePetError::Unauthorized(Problem::new().message("who?"))),
        other => panic!("{other:?}"),
    }
    match client.get_legacy("L-1").send().await {
        Err(Error::Api(e)) => assert_eq!(e.body, GetLegacyError::Unauthorized(Problem::new().message("no"))),
        other => panic!("{other:?}"),
    }
    // `copyPet` documents no error: its 401 is kept whole, not decoded.
    Mock::given(method("POST")).and(path("/pets/copies")).respond_with(ResponseTemplate::new(401).set_body_string("nope")).mount(&server).await;
    match client.copy_pet(Pet::new("Rex")).send().await {
        Err(Error::<CopyPetError>::UnexpectedStatus(raw)) => assert_eq!((raw.status().as_u16(), raw.body()), (401, &b"nope"[..])),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn definitions_and_vendor_collections_are_read_as_components_of_their_place() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/legacy/L-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "L-1", "tag": "cat"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/legacy/L%2F2"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"since": "2020"})))
        .mount(&server)
        .await;
    let client = client(&server);
    // `#/definitions/Legacy`, whose `tag` is `#/components/schemas/Pet%20Tag`: the enum.
    assert_eq!(client.get_legacy("L-1").send().await.unwrap(), Legacy::new("L-1").tag(PetTag::Cat));
    // The path parameter through a chain of parameter components; the 404 from `#/x-responses`.
    match client.get_legacy("L/2").send().await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status(), 404);
            assert_eq!(e.body, GetLegacyError::Gone(Gone::new().since("2020")));
        }
        other => panic!("{other:?}"),
    }
}
