//! Behaviour of the OpenAPI 3.1 fixture client (`tests/clients/openapi31`, from
//! `tests/fixtures/specs/openapi31.yaml`): what each 3.1 construct became in Rust, decoded and
//! encoded as the document says.

use fixture_openapi31::types::{
    Address, Customer, Deleted, FixedAmount, FixedAmountKind, Line, ListOrdersResponse, Order, OrderCreate, OrderDiscount, OrderQuantity, Percent,
    PutAvatarBody, Status, TaxIdFormat,
};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn order_json() -> serde_json::Value {
    json!({
        "id": "ord_1", "status": "paid", "amount": 5, "customer": {"id": "c1", "email": null}, "deleted": false,
        "note": null, "lines": [{"sku": "a", "count": 2}], "metadata": null, "quantity": "unlimited", "archived": null,
        "discount": {"kind": "fixed", "amount": 3}, "tax_id": ["DE123456789", "eu_vat"],
        "shipping": {"line1": "Main St 1", "country": null}, "labels": {"gift": "yes"}, "attachment": "aGk="
    })
}

#[test]
fn type_lists_and_null_members_are_options_and_defs_are_types() {
    let order: Order = serde_json::from_value(order_json()).unwrap();
    assert_eq!(order.customer, Some(Customer::new("c1")), "`anyOf: [$ref, null]` is an Option of the referenced type");
    assert_eq!(order.note, None, "`type: [string, null]`");
    assert_eq!(order.metadata, None, "`type: [object, null]`");
    assert_eq!(order.lines, Some(vec![Line::new("a", 2)]), "`type: [array, null]` of a `$defs` type");
    assert_eq!(order.shipping, Some(Address::new("Main St 1")), "a `$ref` into `$defs`");
    assert_eq!(order.archived, None, "`type: null` alone");
    assert_eq!(order.attachment.as_deref(), Some(&b"hi"[..]), "base64 content (`contentEncoding`) is bytes, as `format: byte`");
    assert_eq!(order.labels.unwrap()["gift"], "yes", "patternProperties type the values");
    let with_customer_null: Order = serde_json::from_value(json!({"id": "o", "status": "open", "amount": 1, "customer": null, "deleted": false})).unwrap();
    assert_eq!(with_customer_null, Order::new("o", Status::Open, 1));
    let missing = serde_json::from_value::<Order>(json!({"id": "o", "status": "open", "amount": 1, "deleted": false}));
    assert!(missing.is_ok(), "a required nullable field may also be missing when decoding");
}

#[test]
fn mixed_type_lists_are_untagged_enums_and_prefix_items_tuples() {
    assert_eq!(serde_json::from_value::<OrderQuantity>(json!(3)).unwrap(), OrderQuantity::Integer(3));
    assert_eq!(serde_json::from_value::<OrderQuantity>(json!("unlimited")).unwrap(), OrderQuantity::String("unlimited".into()));
    let order: Order = serde_json::from_value(order_json()).unwrap();
    assert_eq!(order.tax_id, Some(("DE123456789".to_string(), TaxIdFormat::EuVat)));
    assert!(serde_json::from_value::<Order>(json!({"id": "o", "status": "open", "amount": 1, "deleted": false, "tax_id": ["x"]})).is_err(), "a tuple needs every item");
    let back = serde_json::to_value(Order::new("o", Status::Open, 1).tax_id(("DE1".into(), TaxIdFormat::UsEin))).unwrap();
    assert_eq!(back["tax_id"], json!(["DE1", "us_ein"]));
}

#[test]
fn const_fields_are_set_by_new_and_tag_discriminated_unions() {
    assert_eq!(serde_json::to_value(OrderCreate::new(5)).unwrap(), json!({"amount": 5, "source": "api", "priority": 1}));
    let order = serde_json::to_value(Order::new("o", Status::Open, 1)).unwrap();
    assert_eq!(order["deleted"], json!(false), "a const boolean is sent without the caller saying it");
    assert_eq!(serde_json::to_value(Percent::new(10.0)).unwrap(), json!({"kind": "percent", "percent": 10.0}));
    let fixed: OrderDiscount = serde_json::from_value(json!({"kind": "fixed", "amount": 3})).unwrap();
    assert_eq!(fixed, OrderDiscount::FixedAmount(FixedAmount::new(3)));
    assert_eq!(FixedAmount::new(3).kind, FixedAmountKind::Fixed);
    let wrong = serde_json::from_value::<FixedAmount>(json!({"kind": "percent", "amount": 3})).unwrap_err();
    assert!(wrong.to_string().contains("unknown variant `percent`, expected `fixed`"), "{wrong}");
    let order: Order = serde_json::from_value(json!({"id": "o", "status": "open", "amount": 1, "deleted": false, "discount": null})).unwrap();
    assert_eq!(order.discount, None, "a nullable discriminated union");
}

#[tokio::test]
async fn operations_from_a_path_item_reference_and_a_binary_part() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/orders")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": [], "next": null}))).mount(&server).await;
    Mock::given(method("POST")).and(path("/orders")).respond_with(ResponseTemplate::new(201).set_body_json(order_json())).mount(&server).await;
    Mock::given(method("PUT")).and(path("/customers/c1/avatar")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    Mock::given(method("DELETE")).and(path("/orders/o1")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"deleted": true}))).mount(&server).await;
    let client = fixture_openapi31::Client::builder().base_url(server.uri()).build().unwrap();
    assert_eq!(client.list_orders().await.unwrap(), ListOrdersResponse::new(vec![]));
    let created = client.create_order(OrderCreate::new(5)).await.unwrap();
    assert_eq!(created.id, "ord_1");
    client.put_avatar("c1", PutAvatarBody::new(vec![0x89, b'P', b'N', b'G'])).await.unwrap();
    assert_eq!(client.delete_order("o1").await.unwrap(), Deleted::new());
    assert_eq!(Deleted::default(), Deleted::new(), "a struct of const fields only is its own default");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&requests[1].body).unwrap(), json!({"amount": 5, "source": "api", "priority": 1}));
    let multipart = String::from_utf8_lossy(&requests[2].body);
    assert!(multipart.contains("name=\"image\"; filename=\"image\"\r\nContent-Type: application/octet-stream"), "`contentMediaType: image/png` is a file part: {multipart}");
}
