//! Every `description` in the POS document reaches the generated code: editing any one of them
//! makes `sdkforge check` report drift. Each is changed in turn in a scratch copy of the spec.

use sdkforge::{Config, Generator};
use sdkforge_tests::{committed_config, workspace_root};
use serde_json::Value;

/// Pointers of every string `description` in the document.
fn description_pointers(v: &Value, at: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                if k == "description" && child.is_string() {
                    out.push(here);
                } else {
                    description_pointers(child, &here, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                description_pointers(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn editing_any_description_is_drift() {
    let spec_path = workspace_root().join("spec/commerce-engine-pos.yaml");
    let doc: Value = parse_yaml(&std::fs::read_to_string(&spec_path).unwrap());
    let mut pointers = Vec::new();
    description_pointers(&doc, "", &mut pointers);
    assert!(pointers.len() > 40, "the POS document has many descriptions, found {}", pointers.len());
    let dir = tempfile::tempdir().unwrap();
    let committed = committed_config();
    let mut silent = Vec::new();
    for pointer in &pointers {
        let mut edited = doc.clone();
        let Some(Value::String(text)) = edited.pointer_mut(pointer) else { unreachable!() };
        text.push_str(" (edited)");
        let scratch = dir.path().join("commerce-engine-pos.json");
        std::fs::write(&scratch, serde_json::to_string(&edited).unwrap()).unwrap();
        let config = Config { spec: scratch, ..committed.clone() };
        let (diff, _) = Generator::new(config).check().unwrap_or_else(|d| panic!("{pointer}: {d}"));
        // The header names the spec file; a JSON copy of the same document differs only there
        // when the edit is lost, so look for the edit itself.
        if !diff.as_deref().unwrap_or("").contains("(edited)") {
            silent.push(pointer.clone());
        }
    }
    assert!(silent.is_empty(), "edits to these descriptions do not reach the generated code: {silent:#?}");
}

/// The spec is YAML; the tests crate reads it through the generator's own loader.
fn parse_yaml(text: &str) -> Value {
    sdkforge::load::parse_text(text, sdkforge::load::Format::Yaml).expect("the committed spec parses")
}
