//! The committed crates must be exactly what the generator makes: `generated/` from `spec/`,
//! and each fixture client in `tests/clients/<name>/` from `tests/fixtures/specs/<name>.yaml`.
//! Set `SDKFORGE_BLESS=1` to regenerate the fixture clients instead of failing.

use sdkforge::Generator;
use sdkforge_tests::{committed_config, fixture, workspace_root};

#[test]
fn committed_client_is_up_to_date() {
    let (diff, _warnings) = Generator::new(committed_config()).check().unwrap_or_else(|d| panic!("generation failed:\n{d}"));
    if let Some(diff) = diff {
        panic!("generated/ is out of date with spec/:\n{diff}\nRun `cargo run -p sdkforge -- generate` at the workspace root and commit the result.");
    }
}

/// Fixture specs that have a committed, compiled client (used by the behaviour tests).
pub const FIXTURE_CLIENTS: &[&str] = &["external", "formats", "kitchen-sink", "models", "openapi31", "pagination", "params", "reading", "references", "runtime", "serde", "serde-derive", "servers", "swagger2", "unions", "webhooks", "webhooks30"];

#[test]
fn fixture_clients_are_up_to_date() {
    let bless = std::env::var_os("SDKFORGE_BLESS").is_some();
    let mut stale = Vec::new();
    for name in FIXTURE_CLIENTS {
        // `serde-derive` is `serde.yaml` again, its types deriving `Deserialize`.
        let spec = fixture(&format!("specs/{}.yaml", name.strip_suffix("-derive").unwrap_or(name)));
        let out = workspace_root().join("tests/clients").join(name);
        let mut config = sdkforge::Config::new(&spec, &out, format!("fixture-{name}"));
        if *name == "servers" {
            // Hand-written code that regeneration keeps: tests/clients/servers/src/extras.rs.
            config.modules = vec!["extras".to_string()];
        }
        if *name == "serde-derive" {
            config.derive_serde = true;
        }
        if *name == "formats" {
            // Decimals are opt-in (`[types] decimal = "rust_decimal"`); this client has them.
            config.types.decimal = true;
        }
        let generator = Generator::new(config);
        if bless {
            generator.write().unwrap_or_else(|d| panic!("{name}: {d}"));
        } else if let (Some(diff), _) = generator.check().unwrap_or_else(|d| panic!("{name}: {d}")) {
            stale.push(format!("{name}:\n{diff}"));
        }
    }
    assert!(stale.is_empty(), "fixture clients are stale; run `SDKFORGE_BLESS=1 cargo test -p sdkforge-tests --test integration drift`:\n{}", stale.join("\n"));
}
