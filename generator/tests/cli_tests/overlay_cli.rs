//! `sdkforge overlay apply|validate` and overlay behaviour during generation.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn sdkforge(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sdkforge")).args(args).current_dir(cwd).output().expect("runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const SPEC: &str = "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: OK\n";

fn scratch(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn apply_prints_the_fixed_pos_document_as_yaml() {
    let o = sdkforge(&["overlay", "apply", "spec/commerce-engine-pos.yaml", "--overlay", "spec/overlays/pos-sdk.yaml"], &root());
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    let doc: serde_json::Value = sdkforge::load::parse_text(&out, sdkforge::load::Format::Yaml).unwrap();
    let logout = &doc["paths"]["/pos/auth/logout"]["post"];
    assert_eq!(logout["x-speakeasy-ignore"], false);
    assert_eq!(logout["x-speakeasy-name-override"], "logout");
    assert_eq!(logout["x-speakeasy-group"], "pos", "untouched keys stay");
    assert!(out.starts_with("openapi: 3.0.3\ninfo:\n"), "key order kept: {}", &out[..40]);
}

#[test]
fn json_in_gives_json_out_in_key_order_and_out_writes_a_file() {
    let dir = scratch(&[
        ("s.json", r#"{"openapi": "3.0.3", "zeta": 1, "info": {"version": "1", "title": "T"}, "paths": {}}"#),
        ("o.yaml", "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    update: {description: added}\n"),
    ]);
    let o = sdkforge(&["overlay", "apply", "s.json", "--overlay", "o.yaml", "--out", "r.json"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let text = std::fs::read_to_string(dir.path().join("r.json")).unwrap();
    assert_eq!(
        text,
        "{\n  \"openapi\": \"3.0.3\",\n  \"zeta\": 1,\n  \"info\": {\n    \"version\": \"1\",\n    \"title\": \"T\",\n    \"description\": \"added\"\n  },\n  \"paths\": {}\n}\n"
    );
}

#[test]
fn an_invalid_jsonpath_names_the_overlay_and_the_action() {
    let dir = scratch(&[("s.yaml", SPEC), ("o.yaml", "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    update: {}\n  - target: $.paths[?@.x ==]\n    remove: true\n")]);
    for args in [&["overlay", "apply", "s.yaml", "--overlay", "o.yaml"][..], &["generate", "--spec", "s.yaml", "--overlay", "o.yaml", "--out", "out", "--crate-name", "t"][..]] {
        let o = sdkforge(args, dir.path());
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert!(err.starts_with("error: o.yaml:6:5: action 1: `target` is not a valid JSONPath expression (RFC 9535): `$.paths[?@.x ==]`: "), "{err}");
        assert!(err.contains("  at: #/actions/1/target\n"), "{err}");
        assert!(o.stdout.is_empty());
        assert!(!dir.path().join("out").exists());
    }
}

#[test]
fn unmatched_targets_warn_and_strict_makes_them_errors() {
    let overlay = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths['/gone'].get\n    update: {summary: x}\n";
    let dir = scratch(&[("s.yaml", SPEC), ("o.yaml", overlay)]);
    let warning = "warning: o.yaml:4:5: action 0: target `$.paths['/gone'].get` matches nothing in the document\n  at: #/actions/0/target\n  help: the upstream document may have changed; update or delete this action\n";
    let o = sdkforge(&["overlay", "apply", "s.yaml", "--overlay", "o.yaml"], dir.path());
    assert!(o.status.success());
    assert_eq!(stderr(&o), warning);
    let o = sdkforge(&["overlay", "apply", "s.yaml", "--overlay", "o.yaml", "--strict"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), format!("{}1 error\n", warning.replacen("warning:", "error:", 1)));
    // The same through generation, and through sdkforge.toml.
    let gen_args = ["generate", "--spec", "s.yaml", "--overlay", "o.yaml", "--out", "out", "--crate-name", "t"];
    let o = sdkforge(&gen_args, dir.path());
    assert!(o.status.success());
    assert!(stderr(&o).starts_with(warning), "{}", stderr(&o));
    let o = sdkforge(&[&gen_args[..], &["--strict"]].concat(), dir.path());
    assert_eq!(o.status.code(), Some(2));
    std::fs::write(dir.path().join("sdkforge.toml"), "spec = 's.yaml'\noverlays = ['o.yaml']\nout = 'out2'\ncrate-name = 't'\nstrict-overlays = true\n").unwrap();
    let o = sdkforge(&["generate"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!dir.path().join("out2").exists());
}

#[test]
fn actions_apply_in_order_copy_merges_and_remove_wins_over_update() {
    let overlay = r#"overlay: 1.1.0
info: {title: t, version: '1'}
actions:
  - target: $.paths
    update: {'/b': {}}
  - target: $.paths['/b']
    copy: $.paths['/a']
  - target: $.paths['/b'].get
    update: {operationId: getB}
  - target: $.info.version
    update: ignored
    remove: true
  - target: $.info.title
    update: New title
"#;
    let dir = scratch(&[("s.yaml", SPEC), ("o.yaml", overlay)]);
    let o = sdkforge(&["overlay", "apply", "s.yaml", "--overlay", "o.yaml"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = sdkforge::load::parse_text(&String::from_utf8(o.stdout).unwrap(), sdkforge::load::Format::Yaml).unwrap();
    assert_eq!(doc["paths"]["/b"]["get"]["operationId"], "getB");
    assert_eq!(doc["paths"]["/a"]["get"]["operationId"], "getA", "the copy is a copy");
    assert_eq!(doc["info"], serde_json::json!({"title": "New title"}));
}

#[test]
fn a_copy_must_select_one_node_and_incompatible_updates_fail() {
    let overlay = "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    copy: $.nothing\n";
    let dir = scratch(&[("s.yaml", SPEC), ("o.yaml", overlay)]);
    let o = sdkforge(&["overlay", "apply", "s.yaml", "--overlay", "o.yaml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("error: o.yaml:4:5: action 0: `copy` expression `$.nothing` selects 0 nodes; it must select exactly one\n"), "{}", stderr(&o));
    std::fs::write(dir.path().join("o.yaml"), "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    update: [1]\n").unwrap();
    let o = sdkforge(&["overlay", "apply", "s.yaml", "--overlay", "o.yaml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("action 0: cannot update `/info`: the target is an object, so the update must be an object, not an array"), "{}", stderr(&o));
}

#[test]
fn validate_checks_every_file_and_reports_all_problems() {
    let dir = scratch(&[
        ("good.yaml", "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $\n"),
        ("bad.yaml", "overlay: '1.1'\ninfo: {title: t}\nactions: []\n"),
    ]);
    let o = sdkforge(&["overlay", "validate", "good.yaml"], dir.path());
    assert!(o.status.success());
    assert_eq!(
        stderr(&o),
        "good.yaml: a valid Overlay 1.1 document with 1 action\nwarning: good.yaml:4:5: action 0 does nothing: it has no `update`, `remove` or `copy`\n  at: #/actions/0\n"
    );
    let o = sdkforge(&["overlay", "validate", "good.yaml", "bad.yaml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("error: bad.yaml:1:1: `overlay` is `1.1`, which is not a supported version"), "{err}");
    assert!(err.contains("error: bad.yaml:2:1: `info.version` is required"), "{err}");
    assert!(err.contains("error: bad.yaml:3:1: `actions` must have at least one action"), "{err}");
    assert!(err.ends_with("3 errors and 1 warning\n"), "{err}");
}

/// A problem in a node an overlay wrote is reported in the overlay, at the line of the value
/// it wrote; one in the document's own nodes stays in the document, even under an overlay that
/// merged into them.
#[test]
fn problems_an_overlay_introduced_are_located_in_the_overlay() {
    let overlay = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths['/a'].get\n    update:\n      description: Gets A.\n      responses:\n        '404':\n          $ref: '#/components/responses/Missing'\n  - target: $.paths['/a'].get.parameters\n    update:\n      name: id\n      in: path\n      required: true\n      schema: {type: string}\n";
    let spec = SPEC.replace("      operationId: getA\n", "      operationId: getA\n      parameters: []\n");
    let dir = scratch(&[("s.yaml", &spec), ("o.yaml", overlay)]);
    let o = Command::new(env!("CARGO_BIN_EXE_sdkforge"))
        .args(["generate", "--spec", "s.yaml", "--overlay", "o.yaml", "--out", "out", "--crate-name", "t"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!dir.path().join("out").exists());
    let err = stderr(&o);
    assert!(
        err.contains("error: o.yaml:9:11: `$ref` target `#/components/responses/Missing` does not exist\n  at: #/actions/0/update/responses/404/$ref\n"),
        "{err}"
    );
    // The parameter the second action appended to the document's empty list.
    // (A reading-policy warning now, docs/reading.md, located in the overlay all the same.)
    assert!(err.contains("warning: o.yaml:11:5: path parameter `id` is declared but `/a` has no `{id}`; it is not sent [unused-path-parameter]\n  at: #/actions/1/update\n"), "{err}");

    // Without the overlay's additions, a problem in the document's own node stays there.
    let overlay = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths['/a'].get\n    update:\n      description: Gets A.\n";
    let spec = SPEC.replace("          description: OK\n", "          $ref: '#/components/responses/Gone'\n");
    let dir = scratch(&[("s.yaml", &spec), ("o.yaml", overlay)]);
    let o = Command::new(env!("CARGO_BIN_EXE_sdkforge"))
        .args(["generate", "--spec", "s.yaml", "--overlay", "o.yaml", "--out", "out", "--crate-name", "t"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("error: s.yaml:11:11: `$ref` target `#/components/responses/Gone` does not exist\n  at: #/paths/~1a/get/responses/200/$ref\n"), "{err}");
}
