//! `sdkforge init`: the files a new client starts with.

use std::path::Path;

/// `(path, contents)` of `sdkforge.toml`, the starter overlay and the CI workflow, relative to the
/// current folder.
pub fn files(spec: &Path, out: &Path, crate_name: &str) -> Vec<(String, String)> {
    let spec = spec.to_string_lossy().replace('\\', "/");
    let out = out.to_string_lossy().replace('\\', "/");
    let overlay = format!("overlays/{crate_name}.yaml");
    let toml = format!(
        "# sdkforge: `sdkforge generate` regenerates the crate, `sdkforge check` fails when it is stale.\n\
         spec = {spec:?}\n\
         # Fixes to the upstream document, applied in order.\n\
         overlays = [{overlay:?}]\n\
         out = {out:?}\n\
         crate-name = {crate_name:?}\n\
         # The first release's version; later ones come from `sdkforge generate --bump`.\n\
         # crate-version = \"0.1.0\"\n\
         # Reading-policy warnings and unmatched overlay targets as errors.\n\
         # strict = true\n\
         # Hand-written files in the crate that generate keeps and check ignores.\n\
         # keep = [\"examples\"]\n\
         # Hand-written modules ({out}/src/extras.rs), declared in the generated lib.rs.\n\
         # modules = [\"extras\"]\n\
         # The Rust type of each string format (these are the defaults; \"string\" keeps a String).\n\
         # [types]\n\
         # date-time = \"chrono\"\n\
         # date = \"chrono\"\n\
         # uuid = \"uuid\"\n\
         # byte = \"base64\"\n\
         # int64 = \"integer\"\n\
         # decimal = \"off\"            # \"rust_decimal\" for format: decimal\n"
    );
    let overlay_text = format!(
        "# Fixes to the upstream document for the Rust SDK, applied at every generation (OpenAPI Overlay 1.0).\n\
         # Each action changes the document without editing it, for example:\n\
         #   - target: \"$.paths['/pets'].get\"\n\
         #     update:\n\
         #       x-speakeasy-name-override: list\n\
         overlay: 1.0.0\n\
         info:\n  title: SDK fixes for {crate_name}\n  version: 0.0.1\n\
         actions:\n  \
         - target: $.info\n    \
           description: Marks the document as read through this overlay (harmless; replace it with real fixes).\n    \
           update:\n      \
             x-sdkforge-overlay: {crate_name}\n"
    );
    let workflow = format!(
        "# Keeps the generated client `{crate_name}` current (written by `sdkforge init`).\n\
         name: sdk\n\
         on:\n  push:\n  pull_request:\n\
         jobs:\n  \
           sdk:\n    \
             runs-on: ubuntu-latest\n    \
             steps:\n      \
               - uses: actions/checkout@v4\n        \
                 with:\n          \
                   fetch-depth: 0\n      \
               - uses: dtolnay/rust-toolchain@stable\n      \
               - name: Install sdkforge\n        \
                 run: cargo install --locked sdkforge   # or: cargo install --locked --git <the sdkforge repository> sdkforge\n      \
               - name: The committed crate is generated from the document, and its version covers its changes\n        \
                 run: sdkforge check\n      \
               - name: What this pull request does to the crate's users\n        \
                 if: github.event_name == 'pull_request'\n        \
                 run: sdkforge diff --from-rev origin/${{{{ github.base_ref }}}}\n      \
               - name: The crate builds, warnings denied\n        \
                 run: cargo clippy --manifest-path {out}/Cargo.toml --all-targets -- -D warnings\n"
    );
    vec![("sdkforge.toml".to_string(), toml), (overlay, overlay_text), (".github/workflows/sdk.yml".to_string(), workflow)]
}
