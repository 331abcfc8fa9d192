//! The `sdkforge` command as users and CI run it: exit codes, messages on stderr, results on
//! stdout, and nothing written when anything fails.

use std::path::{Path, PathBuf};
use std::process::Output;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

use crate::sdkforge;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A scratch copy of the POS inputs (spec, overlay, config) to edit freely.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("spec/overlays")).unwrap();
    for f in ["spec/commerce-engine-pos.yaml", "spec/overlays/pos-sdk.yaml", "sdkforge.toml"] {
        std::fs::copy(root().join(f), dir.path().join(f)).unwrap();
    }
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn generate_then_check_is_clean_and_edits_or_strays_are_drift() {
    let dir = scratch();
    let generated = sdkforge(&["generate"], dir.path());
    assert!(generated.status.success(), "{}", stderr(&generated));
    assert!(dir.path().join("generated/src/pos.rs").exists());
    let check = sdkforge(&["check"], dir.path());
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert_eq!(stderr(&check), "generated is up to date\n");

    // A description edited upstream: exit 1, a diff on stdout, the fix on stderr.
    let spec = dir.path().join("spec/commerce-engine-pos.yaml");
    let text = std::fs::read_to_string(&spec).unwrap().replace("summary: Logout", "summary: Log out of the device");
    std::fs::write(&spec, text).unwrap();
    let check = sdkforge(&["check"], dir.path());
    assert_eq!(check.status.code(), Some(1));
    let diff = stdout(&check);
    assert!(diff.contains("--- a/src/pos.rs\n+++ b/src/pos.rs\n"), "{diff}");
    assert!(diff.contains("-    /// Logout\n+    /// Log out of the device\n"), "{diff}");
    assert_eq!(stderr(&check), "error: the generated code in generated is out of date\n  help: run `sdkforge generate` and commit the result\n");

    // Regenerate, then a stray file in generated/src is drift too.
    assert!(sdkforge(&["generate"], dir.path()).status.success());
    write(&dir.path().join("generated/src"), "stray.rs", "// not ours\n");
    let check = sdkforge(&["check"], dir.path());
    assert_eq!(check.status.code(), Some(1));
    assert!(stdout(&check).contains("--- a/src/stray.rs\n+++ /dev/null\n@@ -1 +0,0 @@\n-// not ours\n"), "{}", stdout(&check));
}

#[test]
fn check_with_explicit_arguments_names_the_full_command() {
    let dir = scratch();
    let args = ["--spec", "spec/commerce-engine-pos.yaml", "--overlay", "spec/overlays/pos-sdk.yaml", "--out", "out", "--crate-name", "pos"];
    let check = sdkforge(&[&["check"][..], &args].concat(), dir.path());
    assert_eq!(check.status.code(), Some(1), "nothing generated yet");
    assert!(stderr(&check).ends_with(
        "help: run `sdkforge generate --spec spec/commerce-engine-pos.yaml --overlay spec/overlays/pos-sdk.yaml --out out --crate-name pos` and commit the result\n"
    ));
    assert!(sdkforge(&[&["generate"][..], &args].concat(), dir.path()).status.success());
    assert_eq!(sdkforge(&[&["check"][..], &args].concat(), dir.path()).status.code(), Some(0));
}

#[test]
fn raw_upstream_document_has_no_logout_method() {
    let dir = tempfile::tempdir().unwrap();
    let spec = root().join("spec/commerce-engine-pos.yaml");
    let out = dir.path().join("out");
    let o = sdkforge(&["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--crate-name", "raw"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let pos = std::fs::read_to_string(out.join("src/pos.rs")).unwrap();
    assert!(!pos.contains("pub fn logout("), "the ignored operation must not be generated");
    assert!(pos.contains("pub fn verify_otp("));
    assert_eq!(pos.matches("pub fn verify_otp(").count(), 1);
}

#[test]
fn unignored_logout_with_its_override_collides_with_verify_otp() {
    let dir = tempfile::tempdir().unwrap();
    let spec = root().join("spec/commerce-engine-pos.yaml");
    let overlay = root().join("tests/fixtures/overlays/unignore-logout-only.yaml");
    let out = dir.path().join("out");
    let o = sdkforge(
        &["generate", "--spec", spec.to_str().unwrap(), "--overlay", overlay.to_str().unwrap(), "--out", out.to_str().unwrap(), "--crate-name", "x"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(": method name `client.pos().verify_otp()` collides: operations `verify-pos-login-otp` (#/paths/~1pos~1auth~1verify-otp/post) and `logout-from-pos-device` (#/paths/~1pos~1auth~1logout/post) both resolve to it"),
        "{err}"
    );
    assert!(err.contains("commerce-engine-pos.yaml:"), "names the file: {err}");
    assert!(err.contains("x-speakeasy-name-override: <newName>"), "suggests the overlay fix: {err}");
    assert!(err.ends_with("1 error\n"), "{err}");
    assert!(!out.exists(), "nothing is written");
}

/// Runs `generate` on a bad spec and returns stderr, asserting exit 2 and no output folder.
fn rejected(spec_name: &str, spec_text: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(spec_name), spec_text).unwrap();
    let o = sdkforge(&["generate", "--spec", spec_name, "--out", "out", "--crate-name", "x"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!dir.path().join("out").exists(), "nothing may be written");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(leftovers, vec![spec_name.to_string()], "no temporary folders left behind");
    stderr(&o)
}

#[test]
fn bad_inputs_are_clear_errors_with_exit_2_and_nothing_written() {
    assert_eq!(rejected("a.yaml", b"openapi: 3.0.3\ninfo: [unclosed\n"),
        "error: a.yaml:3:1: invalid YAML: did not find expected ',' or ']', while parsing a flow sequence at line 2 column 7\n1 error\n");
    assert_eq!(rejected("a.json", b"{\"openapi\": \"3.0.3\",\n  \"info\": }"),
        "error: a.json:2:11: invalid JSON: expected value\n1 error\n");
    // Swagger 2.0 is converted (generator/tests/swagger2_cli.rs); another Swagger version is not.
    assert_eq!(rejected("a.yaml", b"swagger: '1.2'\ninfo: {title: t, version: '1'}\n"),
        "error: a.yaml:1:1: unsupported Swagger version `1.2`; sdkforge reads Swagger 2.0, OpenAPI 3.0 and OpenAPI 3.1\n  at: #/swagger\n  help: a Swagger document starts with `swagger: \"2.0\"` (a string)\n1 error\n");
    assert_eq!(rejected("a.yaml", b"info: {title: t, version: '1'}\npaths: {}\n"),
        "error: a.yaml:1:1: not an OpenAPI document: there is no `openapi` key\n  at: #\n  help: an OpenAPI 3.0 document starts with `openapi: 3.0.3`\n1 error\n");
    assert_eq!(rejected("a.yaml", b"openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n"),
        "error: a.yaml:1:1: unsupported OpenAPI version `3.2.0`; sdkforge reads OpenAPI 3.0.x and 3.1.x\n  at: #/openapi\n  help: an OpenAPI document starts with `openapi: 3.1.0` or `openapi: 3.0.3`\n1 error\n");
    assert_eq!(rejected("a.yaml", b""), "error: a.yaml: invalid YAML: the file is empty\n1 error\n");
    assert_eq!(rejected("a.yaml", b"openapi: 3.0.3\n\xff\xfe\n"),
        "error: a.yaml:2:1: the file is not valid UTF-8 text\n  help: OpenAPI documents must be UTF-8 encoded YAML or JSON\n1 error\n");
    assert_eq!(rejected("a.yaml", b"openapi: 3.0.3\ninfo:\n  title: t\n  version: 1\npaths: {}\n"),
        "error: a.yaml:4:3: invalid OpenAPI document: invalid type: integer `1`, expected a string\n  at: #/info/version\n1 error\n");
}

#[test]
fn a_missing_spec_or_config_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let o = sdkforge(&["generate", "--spec", "nope.yaml", "--out", "out", "--crate-name", "x"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "error: nope.yaml: cannot read the file: file not found\n1 error\n");
    let o = sdkforge(&["check"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("error: sdkforge.toml: cannot read the configuration:"), "{}", stderr(&o));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = sdkforge(&["generate", "--spec", "a.yaml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
    assert_eq!(sdkforge(&["frobnicate"], dir.path()).status.code(), Some(2));
}

#[test]
fn a_broken_ref_names_file_line_and_pointer() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          $ref: '#/components/responses/Missing'\n";
    assert_eq!(
        rejected("a.yaml", text.as_bytes()),
        "error: a.yaml:9:11: `$ref` target `#/components/responses/Missing` does not exist\n  at: #/paths/~1a/get/responses/200/$ref\n  help: define it under `components.responses`, or fix the reference\n1 error\n"
    );
}

#[test]
fn inspect_prints_the_ir_as_yaml_or_json() {
    let o = sdkforge(&["inspect", "--format", "json"], &root());
    assert!(o.status.success(), "{}", stderr(&o));
    let ir: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    let names: Vec<&str> = ir["operations"].as_array().unwrap().iter().map(|op| op["method_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["login_with_email", "login_with_phone", "login_with_whatsapp", "verify_otp", "refresh_access_token", "pair_device", "logout"]);
    let o = sdkforge(&["inspect"], &root());
    assert!(stdout(&o).starts_with("crate_name: commerce-engine-pos\n"), "{}", stdout(&o));
}

#[test]
fn message_format_json_prints_one_object_per_problem() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '204': {$ref: '#/components/responses/Gone'}\n").unwrap();
    let o = sdkforge(&["generate", "--message-format", "json", "--spec", "a.yaml", "--out", "out", "--crate-name", "x"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let lines: Vec<serde_json::Value> = stderr(&o).lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["severity"], "error");
    assert_eq!(lines[0]["message"], "`$ref` target `#/components/responses/Gone` does not exist");
    assert_eq!(lines[0]["file"], "a.yaml");
    assert_eq!(lines[0]["location"], serde_json::json!({"line": 8, "column": 17}));
    assert_eq!(lines[0]["pointer"], "#/paths/~1a/get/responses/204/$ref");
    assert!(lines[0].get("rule").is_none(), "only the reading policy's warnings have a rule");
}

#[test]
fn deny_warnings_turns_warnings_into_errors_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    N:\n      x-speakeasy-include: true\n      not: {type: string}\n").unwrap();
    let args = ["generate", "--spec", "a.yaml", "--out", "out", "--crate-name", "x"];
    let o = sdkforge(&args, dir.path());
    assert!(o.status.success());
    assert!(stderr(&o).starts_with("warning: a.yaml:6:5: `not` has no Rust type; using a JSON value\n"), "{}", stderr(&o));
    std::fs::remove_dir_all(dir.path().join("out")).unwrap();
    let o = sdkforge(&[&args[..], &["--deny-warnings"]].concat(), dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "error: a.yaml:6:5: `not` has no Rust type; using a JSON value\n  at: #/components/schemas/N\n1 error\n");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn hostile_names_cannot_escape_the_output_folder_or_inject_code() {
    let dir = tempfile::tempdir().unwrap();
    let spec = r#"openapi: 3.0.3
info: {title: "t */ \" ``` evil", version: '1', description: "```\nstd::process::exit(1);\n```\n*/ #![forbid(x)]"}
paths:
  /a:
    get:
      operationId: "../../../etc/passwd"
      tags: ["../../outside", "src/lib"]
      summary: "*/ fn injected() {} /*"
      responses:
        '200':
          description: "\" ) ; } fn x() {"
          content:
            application/json:
              schema:
                type: object
                properties:
                  "../../x": {type: string}
                  "a\"b": {type: string}
"#;
    std::fs::write(dir.path().join("s.yaml"), spec).unwrap();
    std::fs::create_dir(dir.path().join("work")).unwrap();
    let o = sdkforge(&["generate", "--spec", "../s.yaml", "--out", "out", "--crate-name", "hostile"], &dir.path().join("work"));
    assert!(o.status.success(), "{}", stderr(&o));
    let mut files: Vec<String> = Vec::new();
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() { stack.push(p) } else { files.push(p.strip_prefix(dir.path()).unwrap().display().to_string()) }
        }
    }
    files.sort();
    assert!(files.iter().all(|f| f == "s.yaml" || f.starts_with("work/out/")), "{files:?}");
    assert!(files.contains(&"work/out/src/outside.rs".to_string()) && files.contains(&"work/out/src/src_lib.rs".to_string()), "{files:?}");
    let lib = std::fs::read_to_string(dir.path().join("work/out/src/lib.rs")).unwrap();
    assert!(lib.contains("//! ```text\n//! std::process::exit(1);"), "spec code blocks never become doctests: {lib}");
    assert!(lib.contains("//! */ #![forbid(x)]"), "doc text stays doc text: {lib}");
    assert!(!lib.lines().any(|l| l.trim_start().starts_with("#![forbid(x)]")), "{lib}");
    let group = std::fs::read_to_string(dir.path().join("work/out/src/outside.rs")).unwrap();
    assert!(group.contains("/// */ fn injected() {} /*"), "{group}");
    assert!(!group.contains("\nfn injected"), "{group}");
}

#[test]
fn a_wrong_session_declaration_is_reported_in_full_and_nothing_is_written() {
    let text = "openapi: 3.0.3
info: {title: t, version: '1'}
x-sdkforge-session:
  scheme: basic
  access-token: $..token
  issued-by: [login, nope]
  refresh: {operation: login}
  colour: blue
paths:
  /login:
    post:
      operationId: login
      security: [{basic: []}]
      responses:
        '204': {description: ok}
components:
  securitySchemes:
    basic: {type: http, scheme: basic}
";
    let err = rejected("a.yaml", text.as_bytes());
    for expected in [
        "error: a.yaml:8:3: `x-sdkforge-session`: unknown key `colour`\n  at: #/x-sdkforge-session/colour\n",
        "error: a.yaml:4:3: `x-sdkforge-session`: `scheme: basic` is HTTP basic auth; a session token needs a bearer or API key scheme\n",
        "error: a.yaml:5:3: `x-sdkforge-session`: `$..token`: descendant search (`..`) can match many values; name one value\n",
        "error: a.yaml:6:22: `x-sdkforge-session`: no generated operation has operationId `nope`\n  at: #/x-sdkforge-session/issued-by/1\n  help: check the spelling, and that the operation is not `x-speakeasy-ignore`d\n",
        "error: a.yaml:7:3: `x-sdkforge-session`: `refresh.field` is required: the JSON body property the refresh token is sent in\n",
    ] {
        assert!(err.contains(expected), "missing:\n{expected}\nin:\n{err}");
    }
    assert!(err.ends_with("5 errors\n"), "{err}");
}

/// Hostile or self-contradicting documents: each is refused within seconds, with the place
/// where it is known, and nothing is written.
#[test]
fn hostile_and_cyclic_documents_are_refused_quickly() {
    let started = std::time::Instant::now();
    // An alias bomb: ten levels of nine aliases (a billion strings once expanded).
    let mut bomb = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\nx-bomb:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!("  l{i}: &l{i} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]\n"));
    }
    bomb.push_str("paths: {}\n");
    assert_eq!(
        rejected("a.yaml", bomb.as_bytes()),
        "error: a.yaml: invalid YAML: its aliases (`*name`) expand to too many nodes (repetition limit exceeded)\n1 error\n"
    );
    // Nesting a hundred thousand levels deep, in JSON and in YAML's block style.
    let deep_json = format!("{{\"openapi\": \"3.0.3\", \"x\": {}1{}}}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    assert_eq!(rejected("a.json", deep_json.as_bytes()), "error: a.json:1:657: invalid JSON: recursion limit exceeded\n1 error\n");
    let deep_yaml: String = std::iter::once("openapi: 3.0.3\nx:\n".to_string()).chain((1..5000).map(|i| format!("{}a:\n", "  ".repeat(i)))).collect();
    assert!(rejected("a.yaml", deep_yaml.as_bytes()).ends_with(": invalid YAML: recursion limit exceeded\n1 error\n"));
    let head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n";
    // A response that refers to itself, and schemas that are only aliases of each other.
    let op = "  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n";
    let response = format!("{head}{op}          $ref: '#/components/responses/R'\ncomponents:\n  responses:\n    R: {{$ref: '#/components/responses/R'}}\n");
    assert_eq!(
        rejected("a.yaml", response.as_bytes()),
        "error: a.yaml:12:9: `$ref` cycle: #/components/responses/R refers back to itself\n  at: #/components/responses/R/$ref\n1 error\n"
    );
    let aliases = format!(
        "{head}{op}          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/A'}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n"
    );
    assert_eq!(
        rejected("a.yaml", aliases.as_bytes()),
        "error: a.yaml:15:5: `$ref` cycle: `A`, `B` only refer to each other, so they describe no value\n  at: #/components/schemas/A\n  help: give one of them a `type` (or `properties`), or refer to a schema that has one\n1 error\n"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "took {:?}", started.elapsed());
}

/// Shapes of generated code that clippy refuses (found compiling the APIs.guru collection), each
/// generated from a small document: the lint's pattern must not appear.
#[test]
fn generated_code_avoids_the_patterns_clippy_refuses() {
    let dir = scratch();
    let params: String = (1..=8).map(|i| format!("        - {{name: p{i}, in: query, required: true, schema: {{type: string}}}}\n")).collect();
    let spec = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /blob:\n    get:\n      operationId: getBlob\n      responses:\n        '200':\n          description: the bytes\n          content:\n            application/octet-stream:\n              schema: {{type: string, format: binary}}\n        '307':\n          description: elsewhere\n  /many:\n    get:\n      operationId: many\n      parameters:\n{params}      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  '2': {{type: string}}\n"
    );
    write(dir.path(), "a.yaml", &spec);
    let o = sdkforge(&["generate", "--spec", "a.yaml", "--out", "out", "--crate-name", "x"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let client = std::fs::read_to_string(dir.path().join("out/src/client.rs")).unwrap();
    let flat: String = client.split_whitespace().collect();
    // unnecessary_map_on_constructor: bytes cannot fail to decode, so no `Ok(..).map(..)`.
    assert!(flat.contains("Result::Ok(crate::types::GetBlobSuccess::Ok(response.into_body())"), "{client}");
    assert!(!flat.contains("Ok(response.into_body()).map("), "{client}");
    // too_many_arguments: a method of 9 arguments (self included) says why it has them.
    let many = client.find("pub fn many(").expect("the method");
    assert!(client[..many].trim_end().ends_with("#[allow(clippy::too_many_arguments)]"), "{}", &client[many.saturating_sub(300)..many]);
    assert_eq!(client.matches("too_many_arguments").count(), 1, "only where it is needed");
    // just_underscores_and_digits: a property named `2` is not `_2`.
    let types = std::fs::read_to_string(dir.path().join("out/src/types.rs")).unwrap();
    assert!(types.contains("pub field_2: ") && !types.contains("pub _2: "), "{types}");
}
