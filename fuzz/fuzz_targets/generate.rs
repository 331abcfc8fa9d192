//! Any bytes as an OpenAPI document (YAML, or JSON when it starts with `{`), through the whole
//! pipeline in memory: load, 3.1 normalisation, resolve, IR, emit and format. The generator may
//! refuse the input with diagnostics; it must never panic, hang or overflow its stack.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temporary folder"))
}

fuzz_target!(|data: &[u8]| {
    let name = if data.first() == Some(&b'{') { "spec.json" } else { "spec.yaml" };
    let spec = dir().path().join(name);
    std::fs::write(&spec, data).expect("write the input");
    let config = sdkforge::config::Config::new(&spec, dir().path().join("out"), "fuzzed");
    // Generated in memory only: nothing is written.
    let _ = sdkforge::Generator::new(config).generate();
});
