//! Any bytes as an Overlay document applied to a small valid OpenAPI document, then the result
//! generated. The input is split at the first NUL byte: before it, the overlay; after it, extra
//! text appended to the base document's description. Must never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const BASE: &str = "openapi: 3.0.3
info: {title: Fuzz, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      tags: [pets]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      required: [id]
      properties:
        id: {type: string}
        tags: {type: array, items: {type: string}}
";

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temporary folder"))
}

fuzz_target!(|data: &[u8]| {
    let (overlay, extra) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let spec = dir().path().join("spec.yaml");
    let mut base = BASE.to_string();
    if let Ok(text) = std::str::from_utf8(extra) {
        base.push_str(&format!("x-fuzz: {}\n", serde_json::Value::String(text.to_string())));
    }
    std::fs::write(&spec, base).expect("write the base document");
    let overlay_path = dir().path().join("overlay.yaml");
    std::fs::write(&overlay_path, overlay).expect("write the overlay");
    let config = sdkforge::config::Config::new(&spec, dir().path().join("out"), "fuzzed").overlay(&overlay_path);
    let _ = sdkforge::Generator::new(config).generate();
});
