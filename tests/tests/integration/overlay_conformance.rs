//! OpenAPI Overlay 1.0/1.1 conformance, from the specification's own material in
//! `../shared/specs/overlay/` (read in place): every compliant set gives its expected output,
//! every `pass` document is accepted, every `fail` document is rejected with a message that says
//! what is wrong.

use sdkforge::load::load_file;
use sdkforge::overlay::{Strictness, parse};
use sdkforge_tests::{files_in, shared};
use std::collections::BTreeMap;

#[test]
fn every_compliant_set_gives_the_expected_document() {
    let Some(root) = shared("specs/overlay/compliant-sets") else { return };
    let mut sets = 0;
    for dir in std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
        let spec = dir.join("openapi.yaml");
        let mut doc = load_file(&spec).unwrap().value;
        let warnings = sdkforge::apply_overlays(&mut doc, &[dir.join("overlay.yaml")], Some(&spec), Strictness::Strict)
            .unwrap_or_else(|d| panic!("{}: {d}", dir.display()));
        let expected = load_file(&dir.join("output.yaml")).unwrap().value;
        assert_eq!(doc, expected, "{}", dir.display());
        // Order matters to maintainers reading diffs: keys keep the input's order.
        let keys = |v: &serde_json::Value| v.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>());
        assert_eq!(keys(&doc), keys(&expected), "{}: top-level key order", dir.display());
        if dir.ends_with("remove-server") {
            // Its `extends` names openapi-with-servers.yaml: a warning, not a failure.
            assert_eq!(warnings.len(), 1, "{warnings}");
            assert!(warnings.to_string().contains("the overlay extends `openapi-with-servers.yaml` but is applied to"), "{warnings}");
        } else {
            assert!(warnings.is_empty(), "{}: {warnings}", dir.display());
        }
        sets += 1;
    }
    assert_eq!(sets, 8, "all compliant sets ran");
}

#[test]
fn every_pass_document_is_accepted() {
    let Some(root) = shared("specs/overlay/tests") else { return };
    let mut count = 0;
    for version in ["v1.0", "v1.1"] {
        for file in files_in(&root.join(version).join("pass"), "yaml") {
            let source = load_file(&file).unwrap_or_else(|d| panic!("{d}"));
            parse(source).unwrap_or_else(|d| panic!("{} must be accepted:\n{d}", file.display()));
            count += 1;
        }
    }
    assert_eq!(count, 25);
}

/// The first error for each `fail` document (the same for both versions unless listed twice).
fn expected_failures() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        ("action-copy-invalid-type", "action 0: `copy` must be a JSONPath string, not a number"),
        ("action-remove-invalid-type", "action 0: `remove` must be true or false, not a string"),
        ("action-target-invalid-type", "action 0: `target` must be a string, not a number"),
        ("actions-invalid-description", "action 0: `description` must be a string, not a number"),
        ("actions-invalid-target", "action 0: `target` must be a JSONPath expression starting with `$`, not `info.description`"),
        ("actions-invalid-type", "`actions` must be an array, not an object"),
        ("actions-item-invalid-type", "action 0 must be an object, not a number"),
        ("actions-minimal", "`actions` must have at least one action"),
        ("actions-missing-target", "action 0: `target` is required"),
        ("actions-missing", "`actions` is required: a list of at least one action"),
        ("actions-not-unique", "action 1 is the same as action 0: actions must be unique"),
        ("extends-invalid-type", "`extends` must be a string (the URI of the document the overlay applies to), not an object"),
        ("info-description-invalid-type", "`info.description` must be a string, not a number"),
        ("info-invalid-type", "`info` must be an object, not a string"),
        ("info-missing-title", "`info.title` is required"),
        ("info-missing-version", "`info.version` is required"),
        ("info-title-invalid-type", "`info.title` must be a string, not a number"),
        ("info-version-invalid-type", "`info.version` must be a string, not a boolean"),
        ("invalid-overlay-version", "`overlay` must be a string such as 1.0.0, not a number"),
        ("not-an-object", "an overlay document must be an object (a mapping), not an array"),
        ("root-invalid-property", "`invalidProperty` is not allowed at the top level: only `overlay`, `info`, `extends`, `actions` and `x-` extensions"),
    ])
}

#[test]
fn every_fail_document_is_rejected_saying_what_is_wrong() {
    let Some(root) = shared("specs/overlay/tests") else { return };
    let expected = expected_failures();
    let mut count = 0;
    for version in ["v1.0", "v1.1"] {
        for file in files_in(&root.join(version).join("fail"), "yaml") {
            let stem = file.file_stem().unwrap().to_str().unwrap();
            let source = load_file(&file).unwrap_or_else(|d| panic!("{d}"));
            let errors = parse(source).err().unwrap_or_else(|| panic!("{} must be rejected", file.display()));
            let first = errors.sorted()[0].clone();
            assert_eq!(first.file.as_deref(), Some(file.as_path()));
            let message = match stem {
                "overlay-invalid-pattern" => format!(
                    "`overlay` is `{}`, which is not a supported version: expected 1.0.x or 1.1.x (such as 1.0.0)",
                    if version == "v1.0" { "1.0" } else { "1.1" }
                ),
                other => expected.get(other).unwrap_or_else(|| panic!("no expected message for {other}")).to_string(),
            };
            assert_eq!(first.message, message, "{}", file.display());
            assert!(first.pointer.is_some() && first.location.is_some(), "{}: located: {first}", file.display());
            count += 1;
        }
    }
    assert_eq!(count, 42);
}

#[test]
fn one_zero_documents_may_not_use_one_one_features() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("o.yaml");
    std::fs::write(&path, "overlay: 1.0.0\ninfo: {title: t, version: '1', description: d}\nactions:\n  - target: $.a\n    copy: $.b\n").unwrap();
    let errors = parse(load_file(&path).unwrap()).unwrap_err();
    let messages: Vec<&str> = errors.sorted().iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages, [
        "`info.description` is not allowed in Overlay 1.0 (it was added in 1.1)",
        "action 0: `copy` is not allowed in Overlay 1.0 (it was added in 1.1)",
    ]);
}
