//! insta snapshots of the IR and of the generated code, for the POS spec and each fixture in
//! `tests/fixtures/specs/`. Review changes with `cargo insta review`; never accept blindly.

use sdkforge::{Config, Generator};
use sdkforge_tests::{committed_config, fixture_config};


fn snapshot_all(name: &str, config: Config) {
    let generated = Generator::new(config).generate().unwrap_or_else(|d| panic!("{name}: generation failed:\n{d}"));
    let ir = sdkforge::load::to_yaml_string(&generated.api).unwrap();
    insta::assert_snapshot!(format!("{name}__ir"), ir);
    // Paths relative to the workspace, so the snapshot is the same in every checkout.
    let root = format!("{}/", sdkforge_tests::workspace_root().display());
    insta::assert_snapshot!(format!("{name}__warnings"), generated.warnings.to_string().replace(&root, ""));
    for (path, contents) in generated.files.files() {
        // The runtime is copied verbatim and tested as code; snapshotting it would only repeat it.
        if path.starts_with("src/runtime/") {
            continue;
        }
        insta::assert_snapshot!(format!("{name}__{}", path.replace('/', "__")), contents);
    }
}

#[test]
fn pos_spec_with_overlay() {
    snapshot_all("pos", committed_config());
}

#[test]
fn fixture_specs() {
    insta::glob!("../fixtures/specs", "*.yaml", |path| {
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        snapshot_all(&stem, fixture_config(path, std::path::Path::new("unused")));
    });
}
