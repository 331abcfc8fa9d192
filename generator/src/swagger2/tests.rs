//! One test per construct: a small 2.0 document in, the exact 3.0 value out.

use super::*;
use serde_json::json;

/// A 2.0 document with `info` and the given root fields.
fn doc(fields: Value) -> Value {
    let mut d = json!({ "swagger": "2.0", "info": { "title": "t", "version": "1" } });
    d.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
    d
}

fn convert_doc(fields: Value) -> (Value, Converted) {
    let mut d = doc(fields);
    let out = convert(&mut d);
    assert!(out.rewritten);
    (d, out)
}

/// The converted document (no diagnostics expected).
fn converted(fields: Value) -> Value {
    let (d, out) = convert_doc(fields);
    assert!(out.diagnostics.is_empty(), "{}", out.diagnostics);
    d
}

/// The diagnostics' messages and pointers.
fn warnings(out: &Converted) -> Vec<(String, String)> {
    out.diagnostics.iter().map(|d| (d.message.clone(), d.pointer.clone().unwrap_or_default())).collect()
}

/// The one operation `GET /a` of a document whose only path is `/a`.
fn get_a(op: Value) -> Value {
    json!({ "paths": { "/a": { "get": op } } })
}

fn op_of(d: &Value) -> &Value {
    &d["paths"]["/a"]["get"]
}

#[test]
fn other_documents_are_untouched_and_other_versions_are_errors() {
    let mut d = json!({ "openapi": "3.0.3", "paths": {} });
    let out = convert(&mut d);
    assert!(!out.rewritten && out.diagnostics.is_empty());
    assert_eq!(d, json!({ "openapi": "3.0.3", "paths": {} }));

    let mut d = json!({ "swagger": "1.2" });
    let out = convert(&mut d);
    assert!(!out.rewritten);
    assert_eq!(
        warnings(&out),
        [("unsupported Swagger version `1.2`; sdkforge reads Swagger 2.0, OpenAPI 3.0 and OpenAPI 3.1".to_string(), "#/swagger".to_string())]
    );
    assert!(out.diagnostics.has_errors());
    let mut d = json!({ "swagger": 2.0 });
    assert!(convert(&mut d).diagnostics.has_errors(), "a number is not the string 2.0");
}

#[test]
fn the_root_is_rewritten_and_its_fields_kept() {
    let d = converted(json!({
        "externalDocs": { "url": "https://e.x" },
        "tags": [{ "name": "pets" }],
        "security": [{ "key": [] }],
        "x-speakeasy-retries": { "strategy": "backoff" },
        "consumes": ["application/json"],
    }));
    assert_eq!(
        d,
        json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "externalDocs": { "url": "https://e.x" },
            "tags": [{ "name": "pets" }],
            "security": [{ "key": [] }],
            "paths": {},
            "x-speakeasy-retries": { "strategy": "backoff" },
        })
    );
}

#[test]
fn servers_come_from_host_base_path_and_schemes() {
    let servers = |fields: Value| converted(fields).get("servers").cloned();
    assert_eq!(
        servers(json!({ "host": "api.x.io", "basePath": "/v2", "schemes": ["http", "https"] })),
        Some(json!([{ "url": "https://api.x.io/v2" }, { "url": "http://api.x.io/v2" }]))
    );
    assert_eq!(servers(json!({ "host": "api.x.io", "basePath": "/", "schemes": ["http"] })), Some(json!([{ "url": "http://api.x.io" }])));
    // No scheme: https (2.0's "the scheme the document came from" is not known here).
    assert_eq!(servers(json!({ "host": "api.x.io" })), Some(json!([{ "url": "https://api.x.io" }])));
    // No host: relative to wherever the document is served from.
    assert_eq!(servers(json!({ "basePath": "/api/" })), Some(json!([{ "url": "/api" }])));
    assert_eq!(servers(json!({ "basePath": "/" })), None);
    assert_eq!(servers(json!({})), None);

    let (d, out) = convert_doc(json!({ "host": "h", "schemes": ["wss", "https"] }));
    assert_eq!(d["servers"], json!([{ "url": "https://h" }]));
    assert_eq!(warnings(&out), [("scheme `wss` is not HTTP; no server is made for it".to_string(), "#/schemes".to_string())]);
    assert_eq!(out.pointers.original("#/servers/0/url"), "#/host/0/url");
}

#[test]
fn an_operation_with_its_own_schemes_gets_its_own_servers() {
    let d = converted(json!({ "host": "h", "basePath": "/v1", "schemes": ["https"], "paths": { "/a": { "get": { "schemes": ["http"], "responses": {} } } } }));
    assert_eq!(op_of(&d), &json!({ "responses": {}, "servers": [{ "url": "http://h/v1" }] }));
    let d = converted(json!({ "host": "h", "schemes": ["https"], "paths": { "/a": { "get": { "schemes": ["https"], "responses": {} } } } }));
    assert_eq!(op_of(&d), &json!({ "responses": {} }));
}

#[test]
fn operation_fields_and_extensions_pass_through() {
    let op = json!({
        "operationId": "listPets", "tags": ["pets"], "summary": "s", "description": "d", "deprecated": true,
        "security": [{ "oauth": ["read"] }], "externalDocs": { "url": "https://e.x" },
        "x-speakeasy-group": "pets", "x-speakeasy-pagination": { "type": "offsetLimit" },
        "responses": { "204": { "description": "none" } },
    });
    let d = converted(get_a(op.clone()));
    assert_eq!(op_of(&d), &op);
}

#[test]
fn a_body_parameter_is_the_request_body_in_each_media_type_consumed() {
    let body = json!({ "in": "body", "name": "pet", "description": "The pet", "required": true, "schema": { "$ref": "#/definitions/Pet" }, "x-kind": 1 });
    // The operation's `consumes` wins over the root's.
    let d = converted(json!({
        "consumes": ["application/xml"],
        "paths": { "/a": { "get": { "consumes": ["application/json", "text/plain"], "parameters": [body], "responses": {} } } },
    }));
    assert_eq!(
        op_of(&d),
        &json!({
            "requestBody": {
                "description": "The pet",
                "content": {
                    "application/json": { "schema": { "$ref": "#/components/schemas/Pet" } },
                    "text/plain": { "schema": { "$ref": "#/components/schemas/Pet" } },
                },
                "required": true,
                "x-kind": 1,
            },
            "responses": {},
        })
    );
    // The root's, else JSON.
    let d = converted(json!({ "consumes": ["application/xml"], "paths": { "/a": { "get": { "parameters": [{ "in": "body", "name": "b", "schema": { "type": "string" } }] } } } }));
    assert_eq!(op_of(&d)["requestBody"], json!({ "content": { "application/xml": { "schema": { "type": "string" } } } }));
    let d = converted(get_a(json!({ "parameters": [{ "in": "body", "name": "b", "schema": { "type": "string" } }] })));
    assert_eq!(op_of(&d)["requestBody"], json!({ "content": { "application/json": { "schema": { "type": "string" } } } }));
}

#[test]
fn the_request_body_points_back_at_the_body_parameter() {
    let (_, out) = convert_doc(get_a(json!({ "parameters": [
        { "in": "query", "name": "q", "type": "string" },
        { "in": "body", "name": "b", "schema": { "type": "object" } },
        { "in": "header", "name": "h", "type": "string" },
    ] })));
    let p = &out.pointers;
    assert_eq!(p.original("#/paths/~1a/get/requestBody"), "#/paths/~1a/get/parameters/1");
    assert_eq!(p.original("#/paths/~1a/get/requestBody/content/application~1json/schema/properties/x"), "#/paths/~1a/get/parameters/1/schema/properties/x");
    assert_eq!(p.original("#/paths/~1a/get/requestBody/content/application~1json"), "#/paths/~1a/get/parameters/1");
    // Parameters after the body move up one place; there is no `schema` level in 2.0.
    assert_eq!(p.original("#/paths/~1a/get/parameters/0/schema"), "#/paths/~1a/get/parameters/0");
    assert_eq!(p.original("#/paths/~1a/get/parameters/1/schema/enum"), "#/paths/~1a/get/parameters/2/enum");
    assert_eq!(p.original("#/paths/~1a/get/parameters/1/name"), "#/paths/~1a/get/parameters/2/name");
}

#[test]
fn form_parameters_are_an_object_sent_url_encoded_or_as_multipart() {
    let fields = json!([
        { "in": "formData", "name": "name", "type": "string", "description": "Its name", "required": true },
        { "in": "formData", "name": "tags", "type": "array", "items": { "type": "string" }, "collectionFormat": "multi" },
    ]);
    let d = converted(get_a(json!({ "parameters": fields })));
    let schema = json!({
        "type": "object",
        "properties": {
            "name": { "type": "string", "description": "Its name" },
            "tags": { "type": "array", "items": { "type": "string" } },
        },
        "required": ["name"],
    });
    assert_eq!(
        op_of(&d)["requestBody"],
        json!({
            "content": { "application/x-www-form-urlencoded": { "schema": schema, "encoding": { "tags": { "style": "form", "explode": true } } } },
            "required": true,
        })
    );
    // `consumes` says multipart.
    let d = converted(get_a(json!({ "consumes": ["multipart/form-data"], "parameters": [{ "in": "formData", "name": "n", "type": "integer" }] })));
    assert_eq!(
        op_of(&d)["requestBody"],
        json!({ "content": { "multipart/form-data": { "schema": { "type": "object", "properties": { "n": { "type": "integer" } } } } } })
    );
    // A file: multipart, whatever `consumes` says, and a binary string.
    let d = converted(get_a(json!({
        "consumes": ["application/x-www-form-urlencoded"],
        "parameters": [{ "in": "formData", "name": "file", "type": "file", "required": true }],
    })));
    assert_eq!(
        op_of(&d)["requestBody"],
        json!({
            "content": { "multipart/form-data": { "schema": {
                "type": "object", "properties": { "file": { "type": "string", "format": "binary" } }, "required": ["file"],
            } } },
            "required": true,
        })
    );
}

#[test]
fn form_fields_point_back_at_their_parameters() {
    let (_, out) = convert_doc(get_a(json!({ "parameters": [
        { "in": "query", "name": "q", "type": "string" },
        { "in": "formData", "name": "a", "type": "string" },
        { "in": "formData", "name": "b", "type": "array", "items": { "type": "integer" } },
    ] })));
    let p = &out.pointers;
    let schema = "#/paths/~1a/get/requestBody/content/application~1x-www-form-urlencoded/schema";
    assert_eq!(p.original("#/paths/~1a/get/requestBody"), "#/paths/~1a/get/parameters");
    assert_eq!(p.original(schema), "#/paths/~1a/get/parameters");
    assert_eq!(p.original(&format!("{schema}/properties/a")), "#/paths/~1a/get/parameters/1");
    assert_eq!(p.original(&format!("{schema}/properties/b/items/type")), "#/paths/~1a/get/parameters/2/items/type");
}

#[test]
fn a_body_and_a_form_together_keep_the_body() {
    let (d, out) = convert_doc(get_a(json!({ "parameters": [
        { "in": "formData", "name": "a", "type": "string" },
        { "in": "body", "name": "b", "schema": { "type": "string" } },
    ] })));
    assert_eq!(op_of(&d)["requestBody"], json!({ "content": { "application/json": { "schema": { "type": "string" } } } }));
    assert_eq!(
        warnings(&out),
        [(
            "an operation cannot have both `in: body` and `in: formData` parameters; the form fields are ignored".to_string(),
            "#/paths/~1a/get/parameters/0".to_string()
        )]
    );
}

#[test]
fn parameter_fields_move_into_the_schema() {
    let d = converted(get_a(json!({ "parameters": [{
        "in": "query", "name": "limit", "description": "How many", "required": false, "allowEmptyValue": true,
        "type": "integer", "format": "int32", "default": 20, "minimum": 1, "maximum": 100, "exclusiveMaximum": true,
        "multipleOf": 1, "x-example": 10, "x-speakeasy-name-override": "max", "x-nullable": true,
    }, {
        "in": "header", "name": "X-Id", "type": "string", "pattern": "^[a-z]+$", "minLength": 1, "maxLength": 9, "enum": ["a", "b"],
    }] })));
    assert_eq!(
        op_of(&d)["parameters"],
        json!([{
            "in": "query", "name": "limit", "description": "How many", "required": false, "allowEmptyValue": true,
            "example": 10, "x-speakeasy-name-override": "max",
            "schema": { "type": "integer", "format": "int32", "default": 20, "maximum": 100, "exclusiveMaximum": true, "minimum": 1, "multipleOf": 1, "nullable": true },
        }, {
            "in": "header", "name": "X-Id",
            "schema": { "type": "string", "maxLength": 9, "minLength": 1, "pattern": "^[a-z]+$", "enum": ["a", "b"] },
        }])
    );
}

#[test]
fn every_collection_format_has_its_style() {
    let array = |location: &str, format: Option<&str>| {
        let mut p = json!({ "in": location, "name": "p", "required": true, "type": "array", "items": { "type": "string" } });
        if let Some(f) = format {
            p["collectionFormat"] = json!(f);
        }
        let (d, out) = convert_doc(get_a(json!({ "parameters": [p] })));
        let p = &op_of(&d)["parameters"][0];
        (p["style"].as_str().unwrap().to_string(), p["explode"].as_bool().unwrap(), warnings(&out).into_iter().map(|(m, _)| m).collect::<Vec<_>>())
    };
    let none: Vec<String> = Vec::new();
    assert_eq!(array("query", None), ("form".into(), false, none.clone()));
    assert_eq!(array("query", Some("csv")), ("form".into(), false, none.clone()));
    assert_eq!(array("query", Some("ssv")), ("spaceDelimited".into(), false, none.clone()));
    assert_eq!(array("query", Some("pipes")), ("pipeDelimited".into(), false, none.clone()));
    assert_eq!(array("query", Some("multi")), ("form".into(), true, none.clone()));
    assert_eq!(
        array("query", Some("tsv")),
        ("form".into(), false, vec!["`collectionFormat: tsv` has no OpenAPI 3.0 equivalent; it is sent comma-separated".to_string()])
    );
    assert_eq!(array("path", None), ("simple".into(), false, none.clone()));
    assert_eq!(array("header", Some("csv")), ("simple".into(), false, none.clone()));
    assert_eq!(
        array("path", Some("pipes")),
        ("simple".into(), false, vec!["`collectionFormat: pipes` has no OpenAPI 3.0 equivalent in a path parameter; it is sent comma-separated".to_string()])
    );
    let (_, out) = convert_doc(get_a(json!({ "parameters": [{ "in": "query", "name": "p", "type": "array", "items": { "type": "string" }, "collectionFormat": "tsv" }] })));
    assert_eq!(out.diagnostics.iter().next().unwrap().pointer.as_deref(), Some("#/paths/~1a/get/parameters/0/collectionFormat"));
    // A nested format is lost.
    let (d, out) = convert_doc(get_a(json!({ "parameters": [{
        "in": "query", "name": "grid", "type": "array", "collectionFormat": "pipes",
        "items": { "type": "array", "collectionFormat": "csv", "items": { "type": "integer" } },
    }] })));
    assert_eq!(op_of(&d)["parameters"][0]["schema"], json!({ "type": "array", "items": { "type": "array", "items": { "type": "integer" } } }));
    assert_eq!(
        warnings(&out),
        [("a `collectionFormat` of nested items has no OpenAPI 3.0 equivalent; ignored".to_string(), "#/paths/~1a/get/parameters/0/items/collectionFormat".to_string())]
    );
}

#[test]
fn unknown_parameter_locations_are_warnings() {
    let (d, out) = convert_doc(get_a(json!({ "parameters": [{ "in": "nowhere", "name": "p", "type": "string" }] })));
    assert_eq!(op_of(&d), &json!({}));
    assert_eq!(
        warnings(&out),
        [("parameter `in: nowhere` is not supported; the parameter is ignored".to_string(), "#/paths/~1a/get/parameters/0/in".to_string())]
    );
}

#[test]
fn path_item_parameters_stay_shared_and_its_body_goes_to_each_operation() {
    let d = converted(json!({ "paths": { "/a/{id}": {
        "parameters": [
            { "in": "path", "name": "id", "required": true, "type": "string" },
            { "in": "body", "name": "b", "schema": { "type": "string" } },
        ],
        "put": { "responses": {} },
        "post": { "parameters": [{ "in": "body", "name": "other", "schema": { "type": "integer" } }], "responses": {} },
        "x-note": 1,
    } } }));
    assert_eq!(
        d["paths"]["/a/{id}"],
        json!({
            "put": { "requestBody": { "content": { "application/json": { "schema": { "type": "string" } } } }, "responses": {} },
            "post": { "requestBody": { "content": { "application/json": { "schema": { "type": "integer" } } } }, "responses": {} },
            "x-note": 1,
            "parameters": [{ "in": "path", "name": "id", "required": true, "schema": { "type": "string" } }],
        })
    );
    // Shared form fields join the operation's own, which win by name.
    let d = converted(json!({ "paths": { "/a": {
        "parameters": [{ "in": "formData", "name": "f", "type": "string" }, { "in": "formData", "name": "g", "type": "string" }],
        "get": { "parameters": [{ "in": "formData", "name": "f", "type": "integer" }] },
    } } }));
    assert_eq!(
        op_of(&d)["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]["properties"],
        json!({ "f": { "type": "integer" }, "g": { "type": "string" } })
    );
}

#[test]
fn root_parameters_are_components_or_inlined_where_they_are_a_body() {
    let d = converted(json!({
        "parameters": {
            "limit": { "in": "query", "name": "limit", "type": "integer" },
            "pet": { "in": "body", "name": "pet", "required": true, "schema": { "$ref": "#/definitions/Pet" } },
            "upload": { "in": "formData", "name": "upload", "type": "file" },
        },
        "paths": {
            "/a": { "get": { "parameters": [{ "$ref": "#/parameters/limit" }, { "$ref": "#/parameters/pet" }] } },
            "/b": { "parameters": [{ "$ref": "#/parameters/upload" }], "post": {} },
        },
    }));
    assert_eq!(d["components"], json!({ "parameters": { "limit": { "in": "query", "name": "limit", "schema": { "type": "integer" } } } }));
    assert_eq!(
        op_of(&d),
        &json!({
            "parameters": [{ "$ref": "#/components/parameters/limit" }],
            "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Pet" } } }, "required": true },
        })
    );
    assert_eq!(
        d["paths"]["/b"]["post"],
        json!({ "requestBody": { "content": { "multipart/form-data": { "schema": { "type": "object", "properties": { "upload": { "type": "string", "format": "binary" } } } } } } })
    );
}

#[test]
fn shared_nodes_point_back_at_the_root_sections() {
    let (_, out) = convert_doc(json!({
        "parameters": { "limit": { "in": "query", "name": "limit", "type": "integer" }, "pet": { "in": "body", "name": "pet", "schema": { "type": "object" } } },
        "responses": { "NotFound": { "description": "gone", "schema": { "type": "string" }, "headers": { "X-R": { "type": "integer" } } } },
        "definitions": { "Pet": { "type": "object" } },
        "paths": { "/a": { "get": { "parameters": [{ "$ref": "#/parameters/pet" }] } } },
    }));
    let p = &out.pointers;
    assert_eq!(p.original("#/components/schemas/Pet/properties/id"), "#/definitions/Pet/properties/id");
    assert_eq!(p.original("#/components/parameters/limit/schema/format"), "#/parameters/limit/format");
    assert_eq!(p.original("#/components/parameters/limit/name"), "#/parameters/limit/name");
    assert_eq!(p.original("#/components/responses/NotFound/description"), "#/responses/NotFound/description");
    assert_eq!(p.original("#/components/responses/NotFound/content/application~1json/schema/type"), "#/responses/NotFound/schema/type");
    assert_eq!(p.original("#/components/responses/NotFound/headers/X-R/schema"), "#/responses/NotFound/headers/X-R");
    // An inlined body points at the shared parameter it came from.
    assert_eq!(p.original("#/paths/~1a/get/requestBody/content/application~1json/schema"), "#/parameters/pet/schema");
}

#[test]
fn references_are_rewritten_to_the_components() {
    assert_eq!(refs::rewrite("#/definitions/Pet"), "#/components/schemas/Pet");
    assert_eq!(refs::rewrite("#/definitions/Pet/properties/tag"), "#/components/schemas/Pet/properties/tag");
    assert_eq!(refs::rewrite("#/parameters/limit"), "#/components/parameters/limit");
    assert_eq!(refs::rewrite("#/responses/NotFound"), "#/components/responses/NotFound");
    assert_eq!(refs::rewrite("common.yaml#/definitions/Error"), "common.yaml#/components/schemas/Error");
    assert_eq!(refs::rewrite("pet.yaml"), "pet.yaml");
    assert_eq!(refs::rewrite("defs.yaml#/Pet"), "defs.yaml#/Pet");
    assert_eq!(refs::rewrite("#/paths/~1a"), "#/paths/~1a");
    // In extensions too (`x-speakeasy-globals` names parameters), but not in examples.
    let d = converted(json!({ "x-speakeasy-globals": { "parameters": [{ "$ref": "#/parameters/p" }] }, "definitions": {
        "A": { "type": "object", "example": { "$ref": "#/definitions/A" }, "properties": { "b": { "$ref": "#/definitions/B" } } },
    } }));
    assert_eq!(d["x-speakeasy-globals"], json!({ "parameters": [{ "$ref": "#/components/parameters/p" }] }));
    assert_eq!(d["components"]["schemas"]["A"]["example"], json!({ "$ref": "#/definitions/A" }));
    assert_eq!(d["components"]["schemas"]["A"]["properties"]["b"], json!({ "$ref": "#/components/schemas/B" }));
}

#[test]
fn schemas_are_converted() {
    let d = converted(json!({ "definitions": {
        "Pet": {
            "type": "object", "discriminator": "petType", "required": ["petType"], "readOnly": false,
            "properties": {
                "petType": { "type": "string" },
                "name": { "type": "string", "x-nullable": true, "example": "Rex" },
                "owner": { "$ref": "#/definitions/Owner", "x-nullable": true },
                "photo": { "type": "file" },
                "id": { "type": "integer", "readOnly": true, "x-nullable": false },
                "tags": { "type": "array", "items": { "$ref": "#/definitions/Tag" } },
                "extra": { "type": "object", "additionalProperties": { "type": "string", "x-nullable": true } },
            },
        },
        "Cat": { "allOf": [{ "$ref": "#/definitions/Pet" }, { "type": "object", "properties": { "lives": { "type": "integer" } } }] },
    } }));
    assert_eq!(
        d["components"]["schemas"],
        json!({
            "Pet": {
                "type": "object", "discriminator": { "propertyName": "petType" }, "required": ["petType"], "readOnly": false,
                "properties": {
                    "petType": { "type": "string" },
                    "name": { "type": "string", "example": "Rex", "nullable": true },
                    "owner": { "allOf": [{ "$ref": "#/components/schemas/Owner" }], "nullable": true },
                    "photo": { "type": "string", "format": "binary" },
                    "id": { "type": "integer", "readOnly": true },
                    "tags": { "type": "array", "items": { "$ref": "#/components/schemas/Tag" } },
                    "extra": { "type": "object", "additionalProperties": { "type": "string", "nullable": true } },
                },
            },
            "Cat": { "allOf": [{ "$ref": "#/components/schemas/Pet" }, { "type": "object", "properties": { "lives": { "type": "integer" } } }] },
        })
    );
}

#[test]
fn responses_get_content_per_media_type_produced() {
    let d = converted(json!({
        "produces": ["application/xml"],
        "paths": { "/a": { "get": {
            "produces": ["application/json", "text/csv"],
            "responses": {
                "200": {
                    "description": "ok", "schema": { "$ref": "#/definitions/Pet" },
                    "headers": { "X-Rate": { "type": "integer", "description": "left" }, "X-Tags": { "type": "array", "items": { "type": "string" } } },
                    "examples": { "application/json": { "name": "Rex" } },
                    "x-speakeasy-name": "ok",
                },
                "204": { "description": "none" },
                "404": { "$ref": "#/responses/NotFound" },
                "default": { "description": "a file", "schema": { "type": "file" } },
            },
        } } },
    }));
    assert_eq!(
        op_of(&d)["responses"],
        json!({
            "200": {
                "description": "ok",
                "headers": { "X-Rate": { "description": "left", "schema": { "type": "integer" } }, "X-Tags": { "schema": { "type": "array", "items": { "type": "string" } } } },
                "content": {
                    "application/json": { "schema": { "$ref": "#/components/schemas/Pet" }, "example": { "name": "Rex" } },
                    "text/csv": { "schema": { "$ref": "#/components/schemas/Pet" } },
                },
                "x-speakeasy-name": "ok",
            },
            "204": { "description": "none" },
            "404": { "$ref": "#/components/responses/NotFound" },
            "default": {
                "description": "a file",
                "content": {
                    "application/json": { "schema": { "type": "string", "format": "binary" } },
                    "text/csv": { "schema": { "type": "string", "format": "binary" } },
                },
            },
        })
    );
    // Nothing produced anywhere: JSON; an example of another media type gets its own entry.
    let d = converted(get_a(json!({ "responses": { "200": { "description": "ok", "schema": { "type": "string" }, "examples": { "text/plain": "hi" } } } })));
    assert_eq!(
        op_of(&d)["responses"]["200"]["content"],
        json!({ "application/json": { "schema": { "type": "string" } }, "text/plain": { "schema": { "type": "string" }, "example": "hi" } })
    );
    let (_, out) = convert_doc(get_a(json!({ "responses": { "200": { "description": "ok", "schema": { "type": "string" }, "examples": { "application/json": "x" } } } })));
    assert_eq!(out.pointers.original("#/paths/~1a/get/responses/200/content/application~1json/schema/type"), "#/paths/~1a/get/responses/200/schema/type");
    assert_eq!(out.pointers.original("#/paths/~1a/get/responses/200/content/application~1json/example"), "#/paths/~1a/get/responses/200/examples/application~1json");
}

#[test]
fn security_definitions_are_security_schemes() {
    let d = converted(json!({ "securityDefinitions": {
        "basic": { "type": "basic", "description": "user and password" },
        "key": { "type": "apiKey", "name": "X-Key", "in": "header", "x-speakeasy-example": "k" },
        "implicit": { "type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a/auth", "scopes": { "read": "Read" } },
        "password": { "type": "oauth2", "flow": "password", "tokenUrl": "https://a/token", "scopes": {} },
        "application": { "type": "oauth2", "flow": "application", "tokenUrl": "https://a/token" },
        "accessCode": { "type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a/auth", "tokenUrl": "https://a/token", "scopes": { "w": "Write" } },
    } }));
    assert_eq!(
        d["components"]["securitySchemes"],
        json!({
            "basic": { "type": "http", "scheme": "basic", "description": "user and password" },
            "key": { "type": "apiKey", "name": "X-Key", "in": "header", "x-speakeasy-example": "k" },
            "implicit": { "type": "oauth2", "flows": { "implicit": { "authorizationUrl": "https://a/auth", "scopes": { "read": "Read" } } } },
            "password": { "type": "oauth2", "flows": { "password": { "tokenUrl": "https://a/token", "scopes": {} } } },
            "application": { "type": "oauth2", "flows": { "clientCredentials": { "tokenUrl": "https://a/token", "scopes": {} } } },
            "accessCode": { "type": "oauth2", "flows": { "authorizationCode": {
                "authorizationUrl": "https://a/auth", "tokenUrl": "https://a/token", "scopes": { "w": "Write" },
            } } },
        })
    );
    let (d, out) = convert_doc(json!({ "securityDefinitions": { "odd": { "type": "oauth2", "flow": "device" } } }));
    assert_eq!(d["components"]["securitySchemes"], json!({}));
    assert_eq!(
        warnings(&out),
        [("security scheme `odd` has an unknown oauth2 `flow: device`; ignored".to_string(), "#/securityDefinitions/odd/flow".to_string())]
    );
    let (_, out) = convert_doc(json!({ "securityDefinitions": { "o": { "type": "oauth2", "flow": "implicit", "authorizationUrl": "u", "scopes": {} } } }));
    assert_eq!(out.pointers.original("#/components/securitySchemes/o/flows/implicit/authorizationUrl"), "#/securityDefinitions/o/authorizationUrl");
}

#[test]
fn a_shared_parameter_warns_once() {
    let (_, out) = convert_doc(json!({
        "parameters": { "f": { "in": "formData", "name": "f", "type": "array", "items": { "type": "string" }, "collectionFormat": "tsv" } },
        "paths": { "/a": { "get": { "parameters": [{ "$ref": "#/parameters/f" }] }, "post": { "parameters": [{ "$ref": "#/parameters/f" }] } } },
    }));
    assert_eq!(
        warnings(&out),
        [("`collectionFormat: tsv` has no OpenAPI 3.0 equivalent; it is sent comma-separated".to_string(), "#/parameters/f/collectionFormat".to_string())]
    );
}

#[test]
fn the_converted_fixture_shapes_read_as_openapi_30() {
    let (d, _) = convert_doc(json!({
        "host": "h", "schemes": ["https"],
        "securityDefinitions": { "b": { "type": "basic" } },
        "definitions": { "Pet": { "type": "object", "properties": { "n": { "type": "string", "x-nullable": true } } } },
        "paths": { "/a/{id}": { "post": {
            "parameters": [
                { "in": "path", "name": "id", "required": true, "type": "string" },
                { "in": "query", "name": "q", "type": "array", "items": { "type": "string" }, "collectionFormat": "pipes" },
                { "in": "formData", "name": "f", "type": "file" },
            ],
            "responses": { "200": { "description": "ok", "schema": { "$ref": "#/definitions/Pet" } } },
        } } },
    }));
    crate::resolve::parse_openapi(&d).unwrap();
}

#[test]
fn files_a_swagger_document_refers_to_are_converted_as_they_are_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    // A part of a Swagger document: its sections, no `swagger` key.
    write("common.yaml", "definitions:\n  Error:\n    type: object\n    properties:\n      code: {type: integer, x-nullable: true}\n      owner: {$ref: 'pet.yaml'}\n");
    // A bare schema.
    write("pet.yaml", "type: object\nproperties:\n  photo: {type: file}\n  kind: {$ref: '#/definitions/Kind'}\n");
    let mut d = doc(json!({ "paths": { "/a": { "get": { "responses": {
        "default": { "description": "e", "schema": { "$ref": "common.yaml#/definitions/Error" } },
    } } } } }));
    let converted = convert(&mut d);
    let (imports, diags) = crate::load::external::bundle_with(&mut d, &dir.path().join("api.yaml"), Some(&Files));
    // `pet.yaml`'s `#/definitions/Kind` does not exist there: an error located in that file.
    let messages: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("has nothing at `#/components/schemas/Kind`"), "{messages:?}");
    let schemas = &d["components"]["schemas"];
    assert_eq!(schemas["Error"]["properties"]["code"], json!({ "type": "integer", "nullable": true }));
    assert_eq!(schemas["pet"]["properties"]["photo"], json!({ "type": "string", "format": "binary" }));
    assert_eq!(
        d["paths"]["/a"]["get"]["responses"]["default"]["content"]["application/json"]["schema"],
        json!({ "$ref": "#/components/schemas/Error" })
    );
    // A problem inside the imported schema is reported in `common.yaml`, at its 2.0 place.
    let mut problem = crate::Diagnostic::error("x").pointer("#/components/schemas/Error/properties/code");
    assert!(!converted.pointers.is_empty());
    assert!(imports.relocate(&mut problem));
    assert_eq!(problem.pointer.as_deref(), Some("#/definitions/Error/properties/code"));
    assert!(problem.file.as_ref().unwrap().ends_with("common.yaml"));
    assert_eq!(problem.location.map(|l| l.line), Some(5));
}

#[test]
fn a_schema_file_keeps_its_own_definitions_reachable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pet.json"), r##"{"type": "object", "properties": {"kind": {"$ref": "#/definitions/Kind"}}, "definitions": {"Kind": {"type": "string", "x-nullable": true}}}"##).unwrap();
    let mut d = doc(json!({ "definitions": { "Pet": { "$ref": "pet.json" } } }));
    convert(&mut d);
    let (_, diags) = crate::load::external::bundle_with(&mut d, &dir.path().join("api.yaml"), Some(&Files));
    assert!(diags.is_empty(), "{diags}");
    let schemas = &d["components"]["schemas"];
    assert_eq!(schemas["Pet"]["properties"]["kind"], json!({ "$ref": "#/components/schemas/Kind" }));
    assert_eq!(schemas["Kind"], json!({ "type": "string", "nullable": true }));
}
