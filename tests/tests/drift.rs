//! The committed `generated/` crate must be exactly what the generator makes from `spec/`.

use sdkforge::Generator;
use sdkforge_tests::committed_config;

#[test]
fn committed_client_is_up_to_date() {
    let (diff, _warnings) = Generator::new(committed_config()).check().unwrap_or_else(|d| panic!("generation failed:\n{d}"));
    if let Some(diff) = diff {
        panic!("generated/ is out of date with spec/:\n{diff}\nRun `cargo run -p sdkforge -- generate` at the workspace root and commit the result.");
    }
}
