//! What maintainers run: `sdkforge diff`, `generate --bump`, hand-written modules and `sdkforge init`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sdkforge(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sdkforge")).args(args).current_dir(cwd).env("NO_COLOR", "1").env("SOURCE_DATE_EPOCH", "1796256000").output().expect("runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const OLD: &str = r#"openapi: 3.0.3
info: {title: Pets, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      summary: Get a pet.
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: The pet.
          content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
"#;

fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, contents).unwrap();
    p
}

#[test]
fn diff_classifies_each_change_and_prints_the_stable_json_contract() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "old.yaml", OLD);
    let new = OLD.replace("      required: [id, name]\n", "      required: [id]\n").replace("        name: {type: string}\n", "        name: {type: string}\n        age: {type: integer}\n").replace("summary: Get a pet.", "summary: Fetch a pet.");
    write(dir.path(), "new.yaml", &new);
    let args = ["diff", "--from", "old.yaml", "--to", "new.yaml", "--current-version", "1.4.2"];
    let o = sdkforge(&args, dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        "breaking  types::Pet::name: changed from `String` to `Option<String>`\n\
         breaking  types::Pet::new(): changed from `fn(id: String, name: String)` to `fn(id: String)`\n\
         additive  types::Pet::age: added (`Option<i64>`)\n\
         docs      client.get_pet(): documentation changed\n\
         \n2 breaking, 1 additive, 1 docs: a major release, 1.4.2 -> 2.0.0\n"
    );
    let o = sdkforge(&[&args[..], &["--format", "json", "--fail-on", "breaking"]].concat(), dir.path());
    assert_eq!(o.status.code(), Some(1), "--fail-on breaking with a breaking change");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["bump"], "major");
    assert_eq!(json["next_version"], "2.0.0");
    assert_eq!(json["changes"][0], serde_json::json!({"kind": "breaking", "item": "types::Pet::name", "message": "changed from `String` to `Option<String>`"}));
    assert_eq!(json.as_object().unwrap().keys().collect::<Vec<_>>(), ["bump", "next_version", "changes"]);
    // Nothing changed: no release.
    let o = sdkforge(&["diff", "--from", "old.yaml", "--to", "old.yaml", "--current-version", "0.3.0"], dir.path());
    assert_eq!(text(&o.stdout), "no change to the public API: no release needed (0.3.0)\n");
}

#[test]
fn diff_from_a_git_revision_compares_the_configured_spec_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let git = |args: &[&str]| {
        let o = Command::new("git").args(args).current_dir(d).output().unwrap();
        assert!(o.status.success(), "git {args:?}: {}", text(&o.stderr));
    };
    git(&["init", "-q"]);
    git(&["config", "user.email", "t@example.com"]);
    git(&["config", "user.name", "t"]);
    std::fs::create_dir_all(d.join("spec")).unwrap();
    write(d, "spec/api.yaml", OLD);
    write(d, "spec/fix.yaml", "overlay: 1.0.0\ninfo: {title: fix, version: '1'}\nactions:\n  - target: $.info\n    update: {description: Fixed.}\n");
    write(d, "sdkforge.toml", "spec = \"spec/api.yaml\"\noverlays = [\"spec/fix.yaml\"]\nout = \"client\"\ncrate-name = \"pets\"\n");
    git(&["add", "."]);
    git(&["commit", "-qm", "first"]);
    // The overlay renames the operation in the working tree.
    write(d, "spec/fix.yaml", "overlay: 1.0.0\ninfo: {title: fix, version: '1'}\nactions:\n  - target: $.paths['/pets/{id}'].get\n    update: {x-speakeasy-name-override: fetchPet}\n");
    let o = sdkforge(&["diff", "--from-rev", "HEAD"], d);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(
        out,
        "breaking  client.get_pet(): removed (was `fn(id: String) -> Result<types::Pet, Error<errors::GetPetError>>`)\n\
         breaking  errors::GetPetError: removed (was `enum`)\n\
         additive  client.fetch_pet(): added (`fn(id: String) -> Result<types::Pet, Error<errors::FetchPetError>>`)\n\
         additive  errors::FetchPetError: added (`enum`)\n\
         \n2 breaking, 2 additive, 0 docs: a minor release, 0.1.0 -> 0.2.0\n"
    );
    let o = sdkforge(&["diff", "--from-rev", "no-such-rev"], d);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no-such-rev"), "{}", text(&o.stderr));
}

#[test]
fn bump_releases_the_changes_and_check_holds_until_then() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "api.yaml", OLD);
    let generate = ["generate", "--spec", "api.yaml", "--out", "client", "--crate-name", "pets"];
    let check = ["check", "--spec", "api.yaml", "--out", "client", "--crate-name", "pets"];
    assert!(sdkforge(&generate, d).status.success());
    let record: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(d.join("client/released-api.json")).unwrap()).unwrap();
    assert_eq!((record["format"].as_u64(), record["version"].as_str()), (Some(1), Some("0.1.0")));
    assert!(!d.join("client/CHANGELOG.md").exists(), "the first release has no entry to write");

    // The document gains an optional field: regenerate, and check says it is not released.
    write(d, "api.yaml", &OLD.replace("        name: {type: string}\n", "        name: {type: string}\n        age: {type: integer}\n"));
    let o = sdkforge(&generate, d);
    assert!(text(&o.stderr).contains("note: the public API changed since the release 0.1.0"), "{}", text(&o.stderr));
    let o = sdkforge(&check, d);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("changed since the release 0.1.0 it is versioned as; it needs 0.1.1"), "{}", text(&o.stderr));

    // Released: version, changelog, record; check is clean again.
    let o = sdkforge(&[&generate[..], &["--bump"]].concat(), d);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(std::fs::read_to_string(d.join("client/Cargo.toml")).unwrap().contains("\nversion = \"0.1.1\"\n"));
    let log = std::fs::read_to_string(d.join("client/CHANGELOG.md")).unwrap();
    assert!(log.starts_with("# Changelog\n"), "{log}");
    assert!(log.ends_with("## [0.1.1] - 2026-12-03\n\nGenerated from `api.yaml` (API version 1).\n\n### Added\n\n- `types::Pet::age`\n\n"), "{log}");
    assert_eq!(sdkforge(&check, d).status.code(), Some(0));

    // A second release goes above the first entry.
    write(d, "api.yaml", &OLD.replace("      required: [id, name]\n", "      required: [id]\n"));
    assert!(sdkforge(&[&generate[..], &["--bump"]].concat(), d).status.success());
    let log = std::fs::read_to_string(d.join("client/CHANGELOG.md")).unwrap();
    let (first, second) = (log.find("## [0.2.0]").unwrap(), log.find("## [0.1.1]").unwrap());
    assert!(first < second, "{log}");
    assert!(log.contains("This release breaks code written against 0.1.1.\n"), "{log}");
    assert!(log.contains("### Removed (breaking)\n\n- `types::Pet::age`\n"), "{log}");

    // A damaged record is a clear error, and nothing is written.
    write(d, "client/released-api.json", "{not json");
    let o = sdkforge(&generate, d);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("released-api.json: not a release record sdkforge can read"), "{}", text(&o.stderr));
}

#[test]
fn hand_written_modules_are_declared_kept_and_checked_for() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "api.yaml", OLD);
    let args = ["generate", "--spec", "api.yaml", "--out", "client", "--crate-name", "pets", "--module", "extras"];
    let o = sdkforge(&args, d);
    assert_eq!(o.status.code(), Some(2), "the module must exist");
    assert!(text(&o.stderr).contains("the hand-written module `extras` is missing"), "{}", text(&o.stderr));
    assert!(!d.join("client").exists(), "nothing written");
    std::fs::create_dir_all(d.join("client/src")).unwrap();
    write(d, "client/src/extras.rs", "//! Mine.\n");
    assert!(sdkforge(&args, d).status.success());
    assert!(std::fs::read_to_string(d.join("client/src/lib.rs")).unwrap().contains("pub mod extras;"));
    assert_eq!(std::fs::read_to_string(d.join("client/src/extras.rs")).unwrap(), "//! Mine.\n", "kept");
    write(d, "client/src/extras.rs", "//! Mine, edited.\n");
    let check = ["check", "--spec", "api.yaml", "--out", "client", "--crate-name", "pets", "--module", "extras"];
    assert_eq!(sdkforge(&check, d).status.code(), Some(0), "check ignores it");
    for (name, message) in [("types", "is the name of a generated module"), ("Extras", "is not a module name"), ("fn", "is not a module name")] {
        let o = sdkforge(&["generate", "--spec", "api.yaml", "--out", "client", "--crate-name", "pets", "--module", name], d);
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert!(text(&o.stderr).contains(message), "{name}: {}", text(&o.stderr));
    }
}

#[test]
fn init_writes_a_working_start_and_the_crate_name_comes_safely_from_the_title() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "api.yaml", &OLD.replace("title: Pets", "title: '../../Pet Store API'"));
    let o = sdkforge(&["init", "api.yaml"], d);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let toml = std::fs::read_to_string(d.join("sdkforge.toml")).unwrap();
    assert!(toml.contains("crate-name = \"pet-store-api\"\n"), "{toml}");
    assert!(d.join("overlays/pet-store-api.yaml").is_file() && d.join(".github/workflows/sdk.yml").is_file());
    let o = sdkforge(&["overlay", "validate", "overlays/pet-store-api.yaml"], d);
    assert!(o.status.success() && !text(&o.stderr).contains("warning"), "{}", text(&o.stderr));
    let o = sdkforge(&["generate"], d);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(std::fs::read_to_string(d.join("generated/Cargo.toml")).unwrap().contains("name = \"pet-store-api\""));
    assert_eq!(sdkforge(&["check"], d).status.code(), Some(0));
    // Existing files are not replaced without --force.
    let o = sdkforge(&["init", "api.yaml"], d);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("not replacing what exists: sdkforge.toml"), "{}", text(&o.stderr));
    // --crate-name is optional for generate too; the title cannot name a path.
    let o = sdkforge(&["generate", "--spec", "api.yaml", "--out", "other"], d);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(std::fs::read_to_string(d.join("other/Cargo.toml")).unwrap().contains("name = \"pet-store-api\""));
    assert!(!d.parent().unwrap().join("Pet Store API").exists());
}
