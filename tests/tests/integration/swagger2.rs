//! Swagger 2.0 documents: the client generated from `tests/fixtures/specs/swagger2.yaml` (through
//! the in-process conversion) sends what 2.0 says, and problems found after the conversion are
//! reported at their places in the 2.0 file.

use fixture_swagger2::types::{BooksListBooksGenresItem, BooksUploadCoverBody, LoansLendBody};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn client(server: &MockServer) -> fixture_swagger2::Client {
    fixture_swagger2::Client::builder().base_url(server.uri()).api_key("k").build().unwrap()
}

#[tokio::test]
async fn each_collection_format_is_sent_as_2_0_says() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/books")).respond_with(ResponseTemplate::new(200).set_body_json(json!([]))).mount(&server).await;
    let books = client(&server)
        .await
        .books()
        .list_books()
        .page(2)
        .authors(vec!["Le Guin".into(), "Herbert".into()])
        .keywords(vec!["sea".into(), "wind".into()])
        .genres(vec![BooksListBooksGenresItem::Fiction, BooksListBooksGenresItem::Poetry])
        .shelf(vec![1, 2])
        .codes(vec!["x".into(), "y".into()])
        .x_branches(vec!["north".into(), "south".into()])
        .await
        .unwrap();
    assert!(books.is_empty());
    let requests = server.received_requests().await.unwrap();
    let query = requests[0].url.query().unwrap_or_default().to_string();
    // csv: commas; ssv: spaces; pipes: pipes; multi: repeated; tsv: as csv (with a warning).
    assert_eq!(query, "page=2&authors=Le+Guin%2CHerbert&keywords=sea+wind&genres=fiction%7Cpoetry&shelf=1&shelf=2&codes=x%2Cy");
    assert_eq!(requests[0].headers.get("X-Branches").unwrap(), "north,south");
    assert_eq!(requests[0].headers.get("X-Library-Key").unwrap(), "k");
}

#[tokio::test]
async fn form_parameters_are_sent_url_encoded_and_files_as_multipart() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/loans")).respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 7, "due": "2030-01-31", "returned": null})))
        .mount(&server)
        .await;
    Mock::given(method("PUT")).and(path("/books/B-1/cover")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = client(&server).await;
    let loan = client.loans().lend(LoansLendBody::new("B-1", 42).notes("mind the cover")).await.unwrap();
    assert_eq!((loan.id, loan.due.to_string().as_str(), loan.returned), (7, "2030-01-31", None), "`x-nullable` reads `null`");
    client.books().upload_cover("B-1", BooksUploadCoverBody::new(b"PNG".to_vec()).caption("front")).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].headers.get("content-type").unwrap(), "application/x-www-form-urlencoded");
    assert_eq!(String::from_utf8_lossy(&requests[0].body), "bookId=B-1&memberId=42&notes=mind+the+cover");
    let content_type = requests[1].headers.get("content-type").unwrap().to_str().unwrap().to_string();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    let body = String::from_utf8_lossy(&requests[1].body);
    assert!(body.contains("name=\"image\"") && body.contains("PNG") && body.contains("name=\"caption\""), "{body}");
}

/// Generates from a 2.0 document written to a scratch folder; the errors as `file:line:col
/// message at pointer` lines.
fn errors_of(text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("api.yaml");
    std::fs::write(&spec, text).unwrap();
    let config = sdkforge::Config::new(&spec, dir.path().join("out"), "x");
    let errors = sdkforge::Generator::new(config).generate().expect_err("the document has errors");
    errors
        .iter()
        .map(|d| {
            let file = d.file.as_ref().map(|f| f.file_name().unwrap().to_string_lossy().into_owned()).unwrap_or_default();
            let at = d.location.map(|l| format!("{}:{}", l.line, l.column)).unwrap_or_default();
            format!("{file}:{at} {} at {}", d.message, d.pointer.as_deref().unwrap_or(""))
        })
        .collect()
}

#[test]
fn problems_after_the_conversion_are_located_in_the_2_0_file() {
    let text = "\
swagger: '2.0'
info: {title: t, version: '1'}
paths:
  /pets:
    post:
      operationId: addPet
      parameters:
        - {name: limit, in: query, type: integer}
        - name: pet
          in: body
          schema: {$ref: '#/definitions/Missing'}
      responses:
        '200': {description: ok}
definitions:
  Pet:
    type: object
    properties:
      owner: {$ref: '#/definitions/Nobody'}
";
    let errors = errors_of(text);
    assert_eq!(errors, ["api.yaml:11:20 `$ref` target `#/components/schemas/Missing` does not exist at #/paths/~1pets/post/parameters/1/schema/$ref"]);
    // With the body fixed, the definition's own reference is next.
    // (Lowering finds it once per use of `Pet`; the terminal rendering shows it once.)
    let mut errors = errors_of(&text.replace("Missing", "Pet"));
    errors.dedup();
    assert_eq!(errors, ["api.yaml:18:15 `$ref` target `#/components/schemas/Nobody` does not exist at #/definitions/Pet/properties/owner/$ref"]);
}
