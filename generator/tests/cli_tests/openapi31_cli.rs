//! OpenAPI 3.1 documents through the `sdkforge` command: they generate, and every warning or
//! error names the place in the user's file (file:line:column and JSON pointer), even where the
//! normalisation into the 3.0 shape moved the node.

use std::process::Output;

use crate::sdkforge;

fn generate(text: &str) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), text).unwrap();
    let o = sdkforge(&["generate", "--spec", "a.yaml", "--out", "out", "--crate-name", "x"], dir.path());
    (o, dir)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const DOC: &str = "\
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /a:
    $ref: '#/components/pathItems/A'
webhooks:
  ping:
    post:
      requestBody:
        content:
          text/plain: {schema: {type: string}}
      responses:
        '200': {description: ok}
components:
  pathItems:
    A:
      get:
        operationId: a
        responses:
          '200':
            description: ok
            content:
              application/json:
                schema: {$ref: '#/components/schemas/W'}
  schemas:
    W:
      type: object
      properties:
        v: {$ref: '#/components/schemas/W/$defs/V'}
        t: {type: array, prefixItems: [{type: string}]}
      $defs:
        V:
          type: [object, 'null']
          properties:
            odd: {not: {type: string}}
";

#[test]
fn warnings_of_a_3_1_document_point_into_the_users_file() {
    let (o, dir) = generate(DOC);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.path().join("out/src/types.rs").exists());
    let err = stderr(&o);
    let (warnings, done) = err.trim_end().rsplit_once('\n').unwrap_or_default();
    assert!(done.starts_with("generated ") && done.ends_with(" files in out"), "{err}");
    assert_eq!(
        format!("{warnings}\n"),
        "\
warning: a.yaml:11:11: webhook payload `text/plain` is not JSON; it is read as a JSON value
  at: #/webhooks/ping/post/requestBody/content/text~1plain
warning: a.yaml:30:26: `prefixItems` with a variable number of items has no Rust tuple type; items are typed as JSON values
  at: #/components/schemas/W/properties/t/prefixItems
warning: a.yaml:35:13: `not` has no Rust type; using a JSON value
  at: #/components/schemas/W/$defs/V/properties/odd
"
    );
}

#[test]
fn errors_inside_moved_nodes_keep_their_place_and_exit_2() {
    // A path item copied from `components.pathItems`: the problem is shown where it is written.
    let text = DOC.replace("        operationId: a\n", "        operationId: a\n        parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n");
    // (A reading-policy warning, docs/reading.md: the parameter is not sent.)
    let (o, _dir) = generate(&text);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: a.yaml:19:23: path parameter `id` is declared but `/a` has no `{id}`; it is not sent [unused-path-parameter]\n  at: #/components/pathItems/A/get/parameters/0\n"),
        "{err}"
    );
    // A reference to a path item that does not exist.
    let (o, _dir) = generate(&DOC.replace("pathItems/A'", "pathItems/B'"));
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).lines().take(3).map(|l| format!("{l}\n")).collect::<String>(),
        "error: a.yaml:5:5: `$ref` target `#/components/pathItems/B` does not exist\n  at: #/paths/~1a/$ref\n  help: define it under `components.pathItems`, or fix the reference\n"
    );
    assert!(stderr(&o).ends_with("1 error and 1 warning\n"), "the warnings of the same run are shown too");
}

#[test]
fn deny_warnings_applies_to_what_3_1_drops() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), DOC).unwrap();
    let o = sdkforge(&["generate", "--deny-warnings", "--message-format", "json", "--spec", "a.yaml", "--out", "out", "--crate-name", "x"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let first = stderr(&o).lines().next().unwrap_or_default().to_string();
    let first: serde_json::Value = serde_json::from_str(&first).unwrap();
    // The webhooks moved to `x-sdkforge-webhooks`; the warning still names their place.
    assert_eq!(first["pointer"], "#/webhooks/ping/post/requestBody/content/text~1plain");
    assert_eq!(first["location"], serde_json::json!({"line": 11, "column": 11}));
    assert!(!dir.path().join("out").exists());
}
