//! Swagger 2.0 documents through the `sdkforge` command: they are converted in-process and
//! generate, and a problem found after the conversion names the place in the 2.0 file
//! (file:line:column and the 2.0 pointer), not the converted document's.

use std::process::Output;

use crate::sdkforge;

fn generate(name: &str, text: &str) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    let o = sdkforge(&["generate", "--spec", name, "--out", "out", "--crate-name", "x"], dir.path());
    (o, dir)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_swagger_2_document_generates() {
    let (o, dir) = generate(
        "a.yaml",
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\nhost: api.example.test\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200': {description: ok, schema: {type: string}}\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("generated ") && !stderr(&o).contains("warning"), "conversion is silent: {}", stderr(&o));
    let client = std::fs::read_to_string(dir.path().join("out/src/client.rs")).unwrap();
    assert!(client.contains("\"https://api.example.test\""), "{client}");
}

#[test]
fn a_problem_after_the_conversion_is_located_in_the_2_0_file() {
    // The body refers to a definition that does not exist.
    let text = "\
swagger: '2.0'
info: {title: t, version: '1'}
paths:
  /pets/{id}:
    put:
      operationId: putPet
      parameters:
        - name: pet
          in: body
          schema:
            $ref: '#/definitions/Pet'
        - {name: id, in: path, required: true, type: string}
      responses:
        '204': {description: done}
definitions: {}
";
    let (o, dir) = generate("a.yaml", text);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("a.yaml:11:13: `$ref` target `#/components/schemas/Pet` does not exist\n  at: #/paths/~1pets~1{id}/put/parameters/0/schema/$ref\n"), "{err}");
    assert!(!dir.path().join("out").exists(), "nothing is written");
    // The same document in JSON is read by the general path too (the fast path refuses 2.0).
    let json = serde_json::to_string_pretty(&serde_yaml_value(text)).unwrap();
    let (o, _dir) = generate("a.json", &json);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("  at: #/paths/~1pets~1{id}/put/parameters/0/schema/$ref\n"), "{}", stderr(&o));
}

#[test]
fn a_path_parameter_missing_from_its_template_is_located_in_the_2_0_file() {
    // The body is not a parameter in 3.0, so `petId` moves from the second place to the first;
    // the error names the second, and the line it is on.
    let text = "\
swagger: '2.0'
info: {title: t, version: '1'}
paths:
  /pets/{id}:
    put:
      operationId: putPet
      parameters:
        - {name: pet, in: body, schema: {type: object}}
        - {name: petId, in: path, required: true, type: string}
      responses:
        '204': {description: done}
";
    // A reading-policy warning (docs/reading.md), located in the 2.0 file all the same.
    let (o, _dir) = generate("a.yaml", text);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: a.yaml:9:12: path parameter `petId` is declared but `/pets/{id}` has no `{petId}`; it is not sent [unused-path-parameter]\n  at: #/paths/~1pets~1{id}/put/parameters/1\n"),
        "{err}"
    );
}

/// A YAML text as a JSON value (the test writes the same document as JSON).
fn serde_yaml_value(text: &str) -> serde_json::Value {
    serde_yaml::from_str(text).unwrap()
}

#[test]
fn overlays_are_written_against_the_2_0_document_and_their_problems_located_in_them() {
    let dir = tempfile::tempdir().unwrap();
    let spec = "\
swagger: '2.0'
info: {title: t, version: '1'}
paths:
  /pets:
    post:
      operationId: addPet
      responses:
        '204': {description: done}
definitions:
  Pet: {type: object}
";
    // The overlay adds a body parameter (2.0's place for it) whose schema names a missing definition.
    let overlay = "\
overlay: 1.0.0
info: {title: fix, version: '1'}
actions:
  - target: $.paths['/pets'].post
    update:
      parameters:
        - name: pet
          in: body
          schema: {$ref: '#/definitions/Nope'}
";
    std::fs::write(dir.path().join("a.yaml"), spec).unwrap();
    std::fs::write(dir.path().join("fix.yaml"), overlay).unwrap();
    let o = sdkforge(&["generate", "--spec", "a.yaml", "--overlay", "fix.yaml", "--out", "out", "--crate-name", "x"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("fix.yaml:"), "{err}");
    assert!(err.contains("`$ref` target `#/components/schemas/Nope` does not exist\n"), "{err}");
    // With the reference fixed, the body the overlay added is the operation's request body.
    std::fs::write(dir.path().join("fix.yaml"), overlay.replace("Nope", "Pet")).unwrap();
    let o = sdkforge(&["generate", "--spec", "a.yaml", "--overlay", "fix.yaml", "--out", "out", "--crate-name", "x"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let client = std::fs::read_to_string(dir.path().join("out/src/lib.rs")).unwrap() + &std::fs::read_to_string(dir.path().join("out/src/client.rs")).unwrap();
    assert!(client.contains("pub fn body(mut self, value: crate::types::Pet) -> Self"), "{client}");
}
