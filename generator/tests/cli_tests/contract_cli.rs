//! `generate --with-tests`: the contract test target and the document Prism serves.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

use crate::sdkforge;

#[test]
fn with_tests_emits_the_contract_target_and_the_document_after_overlays() {
    let dir = tempfile::tempdir().unwrap();
    let spec = root().join("spec/commerce-engine-pos.yaml");
    let overlay = root().join("spec/overlays/pos-sdk.yaml");
    let (spec, overlay) = (spec.to_str().unwrap(), overlay.to_str().unwrap());
    let args = ["generate", "--spec", spec, "--overlay", overlay, "--crate-name", "pos", "--out"];

    let without = sdkforge(&[&args[..], &["plain"]].concat(), dir.path());
    assert!(without.status.success(), "{}", String::from_utf8_lossy(&without.stderr));
    assert!(!dir.path().join("plain/tests").exists(), "no tests without --with-tests");

    let with = sdkforge(&[&args[..], &["with", "--with-tests"]].concat(), dir.path());
    assert!(with.status.success(), "{}", String::from_utf8_lossy(&with.stderr));
    let out = dir.path().join("with");
    let contract = std::fs::read_to_string(out.join("tests/contract.rs")).unwrap();
    for op in ["login_with_email", "login_with_phone", "login_with_whatsapp", "verify_otp", "refresh_access_token", "pair_device", "logout"] {
        assert!(contract.contains(&format!("async fn {op}()")), "{op}");
    }
    assert!(contract.contains(".bearer_token(") && contract.contains(".api_key("), "every credential is set");
    assert!(!contract.contains("#[ignore"), "every POS operation is exercised");
    assert!(out.join("tests/contract/mock.rs").exists());

    // Prism serves the document after overlays, as `overlay apply` prints it.
    let applied = sdkforge(&["overlay", "apply", spec, "--overlay", overlay], dir.path());
    let applied: serde_json::Value = serde_yaml::from_slice(&applied.stdout).unwrap();
    let served: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("tests/contract/openapi.json")).unwrap()).unwrap();
    assert_eq!(served, applied);
    assert_eq!(served.pointer("/paths/~1pos~1auth~1logout/post/x-speakeasy-name-override").and_then(|v| v.as_str()), Some("logout"));

    // `check` knows the tests are generated, and names the flag in its fixing command.
    let check = sdkforge(&["check", "--spec", spec, "--overlay", overlay, "--crate-name", "pos", "--out", "plain", "--with-tests"], dir.path());
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stderr).contains("--with-tests"));
    let clean = sdkforge(&["check", "--spec", spec, "--overlay", overlay, "--crate-name", "pos", "--out", "with", "--with-tests"], dir.path());
    assert_eq!(clean.status.code(), Some(0), "{}", String::from_utf8_lossy(&clean.stderr));
}
