//! The reading policy (`docs/reading.md`) as users meet it: a document that breaks the
//! specification in a way with one safe reading generates, with a located warning naming the
//! rule; `--strict` refuses it (exit 2, nothing written). Each case is a small document written
//! for its rule.

use std::process::Output;

use crate::sdkforge;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

/// Generates `text` (as `a.yaml`, or `name`), asserting success, and returns stderr and the IR
/// (`inspect --format json`).
fn generous(name: &str, text: &[u8]) -> (String, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    let args = ["--spec", name, "--out", "out", "--crate-name", "x"];
    let o = sdkforge(&[&["generate"], &args[..]].concat(), dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.path().join("out/src/lib.rs").exists());
    let ir = sdkforge(&[&["inspect", "--format", "json"], &args[..]].concat(), dir.path());
    assert!(ir.status.success(), "{}", stderr(&ir));
    // `--strict` refuses the same document and writes nothing.
    std::fs::remove_dir_all(dir.path().join("out")).unwrap();
    let strict = sdkforge(&[&["generate", "--strict"], &args[..]].concat(), dir.path());
    assert_eq!(strict.status.code(), Some(2), "--strict refuses it: {}", stderr(&strict));
    assert!(!dir.path().join("out").exists(), "nothing is written under --strict");
    assert!(stderr(&strict).contains("error: "), "{}", stderr(&strict));
    (stderr(&o), serde_json::from_slice(&ir.stdout).unwrap())
}

fn operation<'a>(ir: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    ir["operations"].as_array().unwrap().iter().find(|o| o["id"] == id).unwrap_or_else(|| panic!("no operation {id}"))
}

fn method_names(ir: &serde_json::Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = ir["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["id"].as_str().unwrap().to_string(), o["method_name"].as_str().unwrap().to_string()))
        .collect();
    v.sort();
    v
}

#[test]
fn a_byte_order_mark_is_ignored_with_a_warning() {
    let json = format!("\u{feff}{}", r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"operationId": "a", "responses": {"204": {"description": "ok"}}}}}}"#);
    let (err, ir) = generous("a.json", json.as_bytes());
    assert_eq!(err, "warning: a.json:1:1: the file starts with a byte-order mark (U+FEFF); it is ignored [byte-order-mark]\n  help: save the file as UTF-8 without a byte-order mark\ngenerated 21 files in out\n");
    assert_eq!(operation(&ir, "a")["method_name"], "a");
    // YAML too.
    let yaml = format!("\u{feff}{HEAD}paths: {{}}\n");
    let (err, _) = generous("a.yaml", yaml.as_bytes());
    assert!(err.contains("[byte-order-mark]"), "{err}");
}

#[test]
fn an_undefined_security_scheme_is_left_out_of_its_requirement() {
    let text = format!(
        "{HEAD}security: [{{nope: []}}]\npaths:\n  /a:\n    get:\n      operationId: a\n      security: [{{key: [], ghost: []}}, {{ghost: []}}]\n      responses: {{'204': {{description: ok}}}}\n  /b:\n    get:\n      operationId: b\n      responses: {{'204': {{description: ok}}}}\n  /c:\n    get:\n      operationId: c\n      responses: {{'204': {{description: ok}}}}\ncomponents:\n  securitySchemes:\n    key: {{type: apiKey, in: header, name: X-Key}}\n"
    );
    let (err, ir) = generous("a.yaml", text.as_bytes());
    assert_eq!(
        err,
        "warning: a.yaml:3:13: security scheme `nope` is not defined; the requirement is read without it [undefined-security-scheme]\n  at: #/security/0/nope\n  help: define it under `components.securitySchemes`, or remove it from the requirement\n\
         warning: a.yaml:8:28: security scheme `ghost` is not defined; the requirement is read without it [undefined-security-scheme]\n  at: #/paths/~1a/get/security/0/ghost\n  help: define it under `components.securitySchemes`, or remove it from the requirement\n\
         warning: a.yaml:8:41: security scheme `ghost` is not defined; the requirement is read without it [undefined-security-scheme]\n  at: #/paths/~1a/get/security/1/ghost\n  help: define it under `components.securitySchemes`, or remove it from the requirement\n\
         generated 21 files in out\n",
        "the document-wide requirement is reported once, not for each of b and c"
    );
    assert_eq!(operation(&ir, "a")["security"], serde_json::json!([["KEY"]]));
    assert_eq!(operation(&ir, "b")["security"], serde_json::json!([]));
}

#[test]
fn path_parameters_and_their_template_are_reconciled() {
    let text = format!(
        "{HEAD}paths:\n  /a/{{Id}}/{{other}}:\n    get:\n      operationId: a\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: integer}}}}\n        - {{name: gone, in: path, required: true, schema: {{type: string}}}}\n        - {{name: q, in: query, schema: {{type: string}}}}\n        - {{name: q, in: query, schema: {{type: integer}}}}\n      responses: {{'204': {{description: ok}}}}\n  /b/{{id}}/{{Id}}:\n    get:\n      operationId: b\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n        - {{name: Id, in: path, required: true, schema: {{type: string}}}}\n      responses: {{'204': {{description: ok}}}}\n"
    );
    let (err, ir) = generous("a.yaml", text.as_bytes());
    for expected in [
        "warning: a.yaml:5:5: path parameter `other` is used in `/a/{Id}/{other}` but not declared; it is read as a required string [undeclared-path-parameter]\n  at: #/paths/~1a~1{Id}~1{other}/get\n",
        "warning: a.yaml:8:12: path parameter `id` is spelled `{Id}` in `/a/{Id}/{other}`; it fills that `{Id}` [path-parameter-case]\n  at: #/paths/~1a~1{Id}~1{other}/get/parameters/0\n",
        "warning: a.yaml:9:12: path parameter `gone` is declared but `/a/{Id}/{other}` has no `{gone}`; it is not sent [unused-path-parameter]\n  at: #/paths/~1a~1{Id}~1{other}/get/parameters/1\n",
        "warning: a.yaml:11:12: parameter `q` in query is declared twice; the first declaration (#/paths/~1a~1{Id}~1{other}/get/parameters/2) is used [duplicate-parameter]\n  at: #/paths/~1a~1{Id}~1{other}/get/parameters/3\n",
    ] {
        assert!(err.contains(expected), "missing\n{expected}\nin\n{err}");
    }
    assert_eq!(err.matches("warning: ").count(), 4, "`{{id}}` and `{{Id}}` side by side are two parameters, not a problem: {err}");
    let params = |id: &str| -> Vec<(String, String, String)> {
        operation(&ir, id)["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["wire_name"].as_str().unwrap().into(), p["rust_name"].as_str().unwrap().into(), p["location"].as_str().unwrap().into()))
            .collect()
    };
    let t = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(params("a"), vec![t("Id", "id", "path"), t("other", "other", "path"), t("q", "q", "query")]);
    assert_eq!(params("b"), vec![t("id", "id", "path"), t("Id", "id_2", "path")]);
}

#[test]
fn a_duplicated_operation_id_is_kept_by_the_first_and_the_later_name_yields() {
    let op = |id: &str| format!("    get:\n      operationId: {id}\n      responses: {{'204': {{description: ok}}}}\n");
    let text = format!("{HEAD}paths:\n  /things:\n{}  /things/{{id}}:\n    parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]\n{}  /other:\n{}", op("listThings"), op("listThings"), op("other"));
    let (err, ir) = generous("a.yaml", text.as_bytes());
    assert_eq!(
        err,
        "warning: a.yaml:11:7: operationId `listThings` is already used by #/paths/~1things/get; this operation is known as `get /things/{id}` and its method name yields [duplicate-operation-id]\n  at: #/paths/~1things~1{id}/get/operationId\n  help: operationIds must be unique; change one of them (an overlay can)\ngenerated 21 files in out\n"
    );
    assert_eq!(
        method_names(&ir),
        vec![("get /things/{id}".into(), "get_things_by_id".into()), ("listThings".into(), "list_things".into()), ("other".into(), "other".into())]
    );
}

/// Generates without warnings and returns the IR's (id, method name) pairs.
fn names_of(paths: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), format!("{HEAD}paths:\n{paths}")).unwrap();
    let o = sdkforge(&["inspect", "--format", "json", "--deny-warnings", "--spec", "a.yaml", "--out", "out", "--crate-name", "x"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    method_names(&serde_json::from_slice(&o.stdout).unwrap())
}

fn get(path: &str, id: Option<&str>) -> String {
    let id = id.map(|i| format!("      operationId: {i}\n")).unwrap_or_default();
    let params: String = sdkforge_params(path);
    format!("  '{path}':\n    get:\n{id}{params}      responses: {{'204': {{description: ok}}}}\n")
}

fn sdkforge_params(path: &str) -> String {
    let names: Vec<&str> = path.split('{').skip(1).filter_map(|s| s.split('}').next()).collect();
    if names.is_empty() {
        return String::new();
    }
    let list: Vec<String> = names.iter().map(|n| format!("{{name: {n}, in: path, required: true, schema: {{type: string}}}}")).collect();
    format!("      parameters: [{}]\n", list.join(", "))
}

#[test]
fn derived_names_never_block_generation() {
    let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
    // Derived names that collide with each other: the path without punctuation keeps its name.
    let names = names_of(&[get("/users", None), get("/users/~", None), get("/users/", None), get("/a/trackingId", None), get("/a/{trackingId}", None)].concat());
    assert_eq!(
        names,
        pairs(&[
            ("get /a/trackingId", "get_a_tracking_id"),
            ("get /a/{trackingId}", "get_a_by_tracking_id"),
            ("get /users", "get_users"),
            ("get /users/", "get_users_trailing_slash"),
            ("get /users/~", "get_users_tilde"),
        ])
    );
    // A derived name that an explicit operationId takes yields, even a plain one (hashed).
    let names = names_of(&[get("/users", None), get("/people", Some("getUsers"))].concat());
    assert_eq!(names[1], ("getUsers".to_string(), "get_users".to_string()));
    assert_eq!(names[0].0, "get /users");
    let hashed = names[0].1.strip_prefix("get_users_").unwrap_or_else(|| panic!("{names:?}"));
    assert!(hashed.len() == 6 && hashed.chars().all(|c| c.is_ascii_hexdigit()), "{names:?}");
    assert_eq!(names_of(&[get("/people", Some("getUsers")), get("/users", None)].concat()), names, "the same name in any order");
    // Two plain paths that differ only in case both take the hashed form, distinct.
    let names = names_of(&[get("/Users", None), get("/users", None)].concat());
    assert_ne!(names[0].1, names[1].1);
    assert!(names.iter().all(|(_, n)| n.starts_with("get_users_")), "{names:?}");
}

#[test]
fn derived_names_are_stable_under_unrelated_edits() {
    let base = [get("/users", None), get("/users/~", None), get("/orders/{id}", None), get("/orders/id", None)];
    let before = names_of(&base.concat());
    // Operations added elsewhere (before, between and after), including ones that collide among
    // themselves, rename nothing that was there.
    let edited = [
        get("/aaa", None),
        base[0].clone(),
        get("/zzz/", None),
        get("/zzz", None),
        base[1].clone(),
        base[2].clone(),
        get("/orders/{id}/items", None),
        base[3].clone(),
        get("/more", Some("more")),
    ]
    .concat();
    let after = names_of(&edited);
    for pair in &before {
        assert!(after.contains(pair), "{pair:?} was renamed: {after:?}");
    }
    // Reordering the document renames nothing either.
    let reversed: String = base.iter().rev().cloned().collect();
    assert_eq!(names_of(&reversed), before);
}

#[test]
fn explicit_names_that_collide_stay_an_error_with_the_overlay_fix() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{HEAD}paths:\n{}{}", get("/a", Some("getThing")), get("/b", Some("get_thing")));
    std::fs::write(dir.path().join("a.yaml"), text).unwrap();
    let o = sdkforge(&["generate", "--spec", "a.yaml", "--out", "out", "--crate-name", "x"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("method name `client.get_thing()` collides: operations `getThing` (#/paths/~1a/get) and `get_thing` (#/paths/~1b/get) both resolve to it"), "{err}");
    assert!(err.contains("x-speakeasy-name-override: <newName>"), "{err}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn all_of_members_declaring_one_property_make_one_field() {
    let text = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Car'}}\ncomponents:\n  schemas:\n    Vehicle:\n      type: object\n      properties:\n        class: {{type: string}}\n        wheels: {{type: number}}\n        odd: {{type: string}}\n    Car:\n      allOf:\n        - $ref: '#/components/schemas/Vehicle'\n        - type: object\n          required: [class]\n          properties:\n            class: {{type: string, enum: [sedan, coupe]}}\n            wheels: {{type: integer}}\n            odd: {{type: integer}}\n"
    );
    let (err, ir) = generous("a.yaml", text.as_bytes());
    assert_eq!(
        err,
        "warning: a.yaml:21:5: `allOf` members declare property `odd` as `integer` and `string`, which no value can be at once; it is read as any JSON value [contradictory-all-of]\n  at: #/components/schemas/Car\n  help: make the members agree on the property's type\ngenerated 21 files in out\n"
    );
    let car = ir["types"].as_array().unwrap().iter().find(|t| t["name"] == "Car").unwrap();
    let fields = car["kind"]["fields"].as_array().unwrap_or_else(|| panic!("{car}"));
    let wire: Vec<&str> = fields.iter().map(|f| f["wire_name"].as_str().unwrap()).collect();
    assert_eq!(wire, ["class", "wheels", "odd"], "one field per wire name");
    assert_eq!(fields[0]["required"], true);
    assert_eq!(fields[0]["ty"], serde_json::json!({"named": "CarClass"}), "the enum wins over the string");
    assert_eq!(fields[1]["ty"], "i64", "integer narrows number");
    assert_eq!(fields[2]["ty"], "json");
}

/// Numbers beyond `i64`/`u64`/`f64`: the schemas they bound generate, data keeps its text.
fn big_numbers_document(json: bool) -> String {
    if json {
        r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Big"}}}}}}}},
"components": {"schemas": {"Big": {"type": "object", "required": ["n"], "properties": {
  "n": {"type": "integer", "minimum": -99999999999999999999, "maximum": 99999999999999999999, "default": 123456789012345678901234567890},
  "u": {"type": "integer", "format": "uint64", "maximum": 1e400},
  "x": {"type": "number", "minimum": -1e400, "maximum": 1.5e308, "default": 1e999},
  "e": {"type": "integer", "enum": [1, 99999999999999999999]}}}}}}
"##
        .to_string()
    } else {
        format!("{HEAD}paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Big'}}\ncomponents:\n  schemas:\n    Big:\n      type: object\n      required: [n]\n      properties:\n        n: {{type: integer, minimum: -99999999999999999999, maximum: 99999999999999999999, default: 123456789012345678901234567890}}\n        u: {{type: integer, format: uint64, maximum: 1e400}}\n        x: {{type: number, minimum: -1e400, maximum: 1.5e308, default: 1e999}}\n        e: {{type: integer, enum: [1, 99999999999999999999]}}\n")
    }
}

#[test]
fn numbers_beyond_i64_u64_and_f64_load_and_their_schemas_still_generate() {
    for (name, json) in [("a.json", true), ("a.yaml", false)] {
        let text = big_numbers_document(json);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), &text).unwrap();
        let args = ["--spec", name, "--out", "out", "--crate-name", "x"];
        let o = sdkforge(&[&["generate"], &args[..]].concat(), dir.path());
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{name}: {err}");
        // The bounds constrain nothing the types can hold: read silently. The enum cannot be
        // held by an integer: one located warning.
        assert_eq!(err.matches("warning: ").count(), 1, "{name}: {err}");
        let line = if json { 6 } else { 22 };
        assert!(err.contains(&format!("warning: {name}:{line}:")), "{name}: {err}");
        assert!(err.contains("enum value 99999999999999999999 is beyond what a generated `i64` or `u64` holds"), "{name}: {err}");
        assert!(err.contains("at: #/components/schemas/Big/properties/e/enum"), "{name}: {err}");
        // The IR keeps the data's numbers bare and whole (valid JSON, if beyond what many
        // parsers hold).
        let ir = sdkforge(&[&["inspect", "--format", "json"], &args[..]].concat(), dir.path());
        assert!(ir.status.success(), "{}", stderr(&ir));
        let ir = String::from_utf8(ir.stdout).unwrap();
        assert!(ir.contains("\"default\": 123456789012345678901234567890,") && ir.contains("\"default\": 1e999,"), "{name}: {ir}");
        assert!(!ir.contains('\u{fdd0}'), "{name}: no internal mark reaches the IR");
        let types = std::fs::read_to_string(dir.path().join("out/src/types.rs")).unwrap();
        for field in ["pub n: i64,", "pub x: ::std::option::Option<f64>,", "pub e: ::std::option::Option<::serde_json::Value>,"] {
            assert!(types.contains(field), "{name}: `{field}` in\n{types}");
        }
        // `uint64` is an integer field (its Rust type is the typed formats' business).
        assert!(types.contains("pub u: ::std::option::Option<i64>,") || types.contains("pub u: ::std::option::Option<u64>,"), "{name}: {types}");
        // The defaults keep every digit in the generated documentation.
        assert!(types.contains("Default: `123456789012345678901234567890`") && types.contains("Default: `1e999`"), "{name}: the defaults' text is kept\n{types}");
        assert!(!types.contains('\u{fdd0}'), "{name}: no internal mark reaches the output");

        // An overlay run prints them bare, digit for digit.
        std::fs::write(dir.path().join("o.yaml"), "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n  - target: $.info\n    update: {description: d}\n").unwrap();
        let applied = sdkforge(&["overlay", "apply", name, "--overlay", "o.yaml"], dir.path());
        assert!(applied.status.success(), "{}", stderr(&applied));
        let out = String::from_utf8(applied.stdout).unwrap();
        for number in ["-99999999999999999999", "123456789012345678901234567890", "1e400", "-1e400", "1e999"] {
            assert!(out.contains(number), "{name}: {number} kept in\n{out}");
        }
        assert!(!out.contains('\u{fdd0}') && !out.contains("\"99999999999999999999\"") && !out.contains("'99999999999999999999'"), "{name}: printed as numbers\n{out}");
    }
}

#[test]
fn a_reference_to_a_component_of_another_kind_is_read_as_what_its_place_expects() {
    let text = format!(
        "{HEAD}paths:\n  /a/{{id}}:\n    get:\n      operationId: a\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n        - name: ids\n          in: query\n          schema: {{type: array, items: {{$ref: '#/paths/~1a~1%7Bid%7D/get/parameters/0'}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/responses/Done'}}\n        '404': {{$ref: '#/components/schemas/Missing'}}\n  /b:\n    get:\n      operationId: b\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/responses/Nothing'}}\ncomponents:\n  responses:\n    Done:\n      description: done\n      content:\n        application/json:\n          schema: {{type: object, properties: {{n: {{type: integer}}}}}}\n    Nothing: {{description: nothing}}\n  schemas:\n    Missing:\n      type: object\n      description: not there\n      properties:\n        why: {{type: string}}\n"
    );
    let (err, ir) = generous("a.yaml", text.as_bytes());
    for expected in [
        "warning: a.yaml:11:41: `$ref` `#/paths/~1a~1%7Bid%7D/get/parameters/0` is a parameter where a schema is expected; it is read as its schema [reference-kind-mismatch]\n  at: #/paths/~1a~1{id}/get/parameters/1/schema/items/$ref\n",
        "warning: a.yaml:17:24: `$ref` `#/components/responses/Done` is a response where a schema is expected; it is read as the schema of its body [reference-kind-mismatch]\n",
        "warning: a.yaml:18:17: `$ref` `#/components/schemas/Missing` is a schema where a response is expected; it is read as a response with that schema as its JSON body [reference-kind-mismatch]\n  at: #/paths/~1a~1{id}/get/responses/404/$ref\n",
        "`$ref` `#/components/responses/Nothing` is a response where a schema is expected; it is read as any JSON value (it has no schema) [reference-kind-mismatch]",
    ] {
        assert!(err.contains(expected), "missing\n{expected}\nin\n{err}");
    }
    assert_eq!(err.matches("warning: ").count(), 4, "{err}");
    let a = operation(&ir, "a");
    let ids = a["params"].as_array().unwrap().iter().find(|p| p["wire_name"] == "ids").unwrap();
    // The parameter's schema, moved into a component of its own: an alias of `String`.
    let name = ids["ty"]["vec"]["named"].as_str().unwrap_or_else(|| panic!("{ids}"));
    let alias = ir["types"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap();
    assert_eq!((&alias["kind"]["kind"], &alias["kind"]["target"]), (&serde_json::json!("alias"), &serde_json::json!("string")), "{alias}");
    let ok = a["responses"].as_array().unwrap().iter().find(|r| r["status"]["code"] == 200).unwrap();
    assert!(ok["body"]["ty"]["named"].is_string(), "the response's body schema is a type: {ok}");
    let missing = a["responses"].as_array().unwrap().iter().find(|r| r["status"]["code"] == 404).unwrap();
    assert_eq!((missing["is_error"].clone(), missing["body"]["ty"].clone()), (serde_json::json!(true), serde_json::json!({"named": "Missing"})), "{missing}");
    let b = operation(&ir, "b");
    assert_eq!(b["responses"][0]["body"]["ty"], "json", "no schema: any JSON value");
    // JSON documents (the fast path) are read the same way.
    let json = serde_json::to_string(&serde_yaml::from_str::<serde_json::Value>(&text).unwrap()).unwrap();
    let (err, _) = generous("a.json", json.as_bytes());
    assert_eq!(err.matches("[reference-kind-mismatch]").count(), 4, "{err}");
}

#[test]
fn schema_annotations_of_the_wrong_type_are_read_as_text_and_nested_definitions_ignored() {
    let text = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Thumb'}}\ncomponents:\n  schemas:\n    Thumb:\n      type: object\n      definitions:\n        unused: {{type: string}}\n      properties:\n        timecode: {{type: string, pattern: 0, description: 12}}\n        definitions: {{type: string}}\n"
    );
    let (err, ir) = generous("a.yaml", text.as_bytes());
    assert_eq!(err.matches("warning: ").count(), 3, "{err}");
    for expected in [
        "warning: a.yaml:20:34: `pattern` is `0`, not a string; it is read as the string \"0\" [schema-keyword-type]\n  at: #/components/schemas/Thumb/properties/timecode/pattern\n",
        "`description` is `12`, not a string; it is read as the string \"12\" [schema-keyword-type]\n  at: #/components/schemas/Thumb/properties/timecode/description\n",
        "`definitions` inside a schema is JSON Schema's, not OpenAPI 3.0's; it is ignored [schema-keyword-type]\n  at: #/components/schemas/Thumb/definitions\n",
    ] {
        assert!(err.contains(expected), "missing\n{expected}\nin\n{err}");
    }
    let thumb = ir["types"].as_array().unwrap().iter().find(|t| t["name"] == "Thumb").unwrap();
    let fields: Vec<&str> = thumb["kind"]["fields"].as_array().unwrap().iter().map(|f| f["wire_name"].as_str().unwrap()).collect();
    assert_eq!(fields, ["timecode", "definitions"], "a property named `definitions` is a property");
    assert_eq!(thumb["kind"]["fields"][0]["doc"], "12");
}
