//! Documents split over several files: relative `$ref`s are loaded (with problems reported in
//! the file they are in), URLs are refused, and nothing is written when anything fails.

use std::path::{Path, PathBuf};
use std::process::Output;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

use crate::sdkforge;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes `files` into a fresh folder, runs `generate --spec a.yaml` there, and returns the
/// exit code and stderr, having checked that a failure wrote nothing.
fn generate(files: &[(&str, &str)]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let o = sdkforge(&["generate", "--spec", "a.yaml", "--out", "out", "--crate-name", "x"], dir.path());
    if o.status.code() != Some(0) {
        assert!(!dir.path().join("out").exists(), "nothing may be written: {}", stderr(&o));
    }
    (o.status.code(), stderr(&o))
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n";

#[test]
fn a_document_split_over_files_generates_one_crate() {
    let dir = tempfile::tempdir().unwrap();
    let spec = root().join("tests/fixtures/specs/external.yaml");
    let o = sdkforge(&["generate", "--spec", spec.to_str().unwrap(), "--out", "out", "--crate-name", "x"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let types = std::fs::read_to_string(dir.path().join("out/src/types.rs")).unwrap();
    // `Pet` from schemas/pet.yaml, its `Tag` (a reference local to that file), and `Owner`
    // (the document's component that refers to schemas/owner.yaml, shared with pet.yaml's own
    // reference to it, which refers back to `Pet`).
    for needle in [
        "pub struct Pet {",
        "pub tags: ::std::option::Option<::std::vec::Vec<crate::types::Tag>>",
        "pub owner: ::std::option::Option<crate::types::Owner>",
        "pub pets: ::std::option::Option<::std::vec::Vec<crate::types::Pet>>",
        "pub struct Problem {",
    ] {
        assert!(types.contains(needle), "{needle} missing from:\n{types}");
    }
    assert_eq!(types.matches("pub struct Pet").count(), 1, "one type however many references");
    assert!(!types.contains("Owner2") && !types.contains("Pet2"), "{types}");
    // The shared response of common.yaml is one error type for both operations.
    let errors = std::fs::read_to_string(dir.path().join("out/src/errors.rs")).unwrap();
    assert_eq!(errors.matches("Unauthorized(crate::types::Problem)").count(), 2, "{errors}");
}

#[test]
fn urls_missing_files_and_missing_targets_are_reported_together() {
    let text = format!(
        "{HEAD}        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: https://example.com/pet.yaml#/Pet\n        '404':\n          $ref: ./missing.yaml#/responses/NotFound\n        '500':\n          $ref: ./common.yaml#/responses/Nope\n"
    );
    let (code, err) = generate(&[("a.yaml", &text), ("common.yaml", "responses:\n  Fine: {description: fine}\n")]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "error: a.yaml:13:17: `$ref` `https://example.com/pet.yaml#/Pet` is a URL; sdkforge never fetches anything over the network\n  \
         at: #/paths/~1a/get/responses/200/content/application~1json/schema/$ref\n  \
         help: download the file next to the document and refer to it by a relative path, e.g. `./pet.yaml#/Pet`\n\
         error: a.yaml:15:11: `$ref` `./missing.yaml#/responses/NotFound` cannot be read: cannot read the file: file not found\n  \
         at: #/paths/~1a/get/responses/404/$ref\n  \
         help: the file is looked for at `missing.yaml`\n\
         error: a.yaml:17:11: `$ref` `./common.yaml#/responses/Nope`: `common.yaml` has nothing at `#/responses/Nope`\n  \
         at: #/paths/~1a/get/responses/500/$ref\n  \
         help: fix the part after `#`: it is a JSON pointer into that file\n\
         3 errors\n"
    );
}

#[test]
fn a_problem_inside_another_file_is_reported_in_that_file() {
    let text = format!(
        "{HEAD}        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: ./schemas/pet.yaml#/Pet\n"
    );
    let pet = "Pet:\n  type: object\n  properties:\n    tag:\n      $ref: '#/Tag'\n    owner:\n      $ref: '#/Owner'\nTag:\n  type: string\n";
    let (code, err) = generate(&[("a.yaml", &text), ("schemas/pet.yaml", pet)]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "error: schemas/pet.yaml:7:7: `$ref` `schemas/pet.yaml#/Owner`: `schemas/pet.yaml` has nothing at `#/Owner`\n  \
         at: #/Pet/properties/owner/$ref\n  \
         help: fix the part after `#`: it is a JSON pointer into that file\n\
         1 error\n"
    );
    // A problem the later stages find (an unsupported reference in the imported schema) is
    // reported in that file too, by its pointer there.
    let pet = "Pet:\n  type: object\n  properties:\n    tag:\n      $ref: '#/Tag'\nTag:\n  type: object\n  properties:\n    n:\n      $ref: '#/components/responses/X'\n";
    let (code, err) = generate(&[("a.yaml", &text), ("schemas/pet.yaml", pet)]);
    assert_eq!(code, Some(2));
    assert!(err.starts_with("error: schemas/pet.yaml:10:7: "), "{err}");
    assert!(err.contains("\n  at: #/Tag/properties/n/$ref\n"), "{err}");
}

#[test]
fn files_that_copy_each_other_forever_are_a_cycle_not_a_hang() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /loop:\n    $ref: ./loop.yaml\n";
    let started = std::time::Instant::now();
    let (code, err) = generate(&[("a.yaml", text), ("loop.yaml", "$ref: ./loop.yaml\n")]);
    assert_eq!(code, Some(2));
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(
        err,
        "error: loop.yaml:1:1: `$ref` `loop.yaml#` is part of a cycle of files that copy each other\n  \
         at: #/$ref\n  \
         help: make one of the references point at a schema or a component, which are shared instead of copied\n\
         1 error\n"
    );
}

/// A reference to a device or a folder is refused before anything is read from it (`/dev/zero`
/// would never end), and so is a document that is one.
#[cfg(unix)]
#[test]
fn devices_and_folders_are_not_read() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    $ref: /dev/zero\n  /b:\n    $ref: ./sub\n";
    let (code, err) = generate(&[("a.yaml", text), ("sub/x.yaml", "{}\n")]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "error: a.yaml:5:5: `$ref` `/dev/zero` does not name a file\n  at: #/paths/~1a/$ref\n  help: `/dev/zero` is a folder or a device\n\
         error: a.yaml:7:5: `$ref` `./sub` does not name a file\n  at: #/paths/~1b/$ref\n  help: `sub` is a folder or a device\n\
         2 errors\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let o = sdkforge(&["generate", "--spec", "/dev/zero", "--out", "out", "--crate-name", "x"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "error: /dev/zero: the file is larger than 256 MiB\n1 error\n");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_component_map_given_as_a_file_is_that_files_components_and_problems_are_located_there() {
    let api = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Pet'}\n        '401': {$ref: '#/components/responses/No'}\ncomponents:\n  schemas: {$ref: './c/schemas.yaml'}\n  responses:\n    $ref: ./c/responses.yaml\n";
    let schemas = "Pet: {type: object, properties: {owner: {$ref: '#/Owner'}, self: {$ref: 'a.yaml#/components/schemas/Pet'}}}\nOwner: {type: object, properties: {id: {type: integer}}}\n";
    let responses = "No: {description: no, content: {application/json: {schema: {$ref: './schemas.yaml#/Owner'}}}}\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("c")).unwrap();
    // `a.yaml#/...` inside `c/` is `c/a.yaml`: put the document's own name one level up.
    let schemas = schemas.replace("'a.yaml#", "'../a.yaml#");
    for (name, text) in [("a.yaml", api), ("c/schemas.yaml", schemas.as_str()), ("c/responses.yaml", responses)] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let o = sdkforge(&["generate", "--spec", "a.yaml", "--out", "out", "--crate-name", "x"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let types = std::fs::read_to_string(dir.path().join("out/src/types.rs")).unwrap();
    let structs: Vec<&str> = types.lines().filter_map(|l| l.strip_prefix("pub struct ")).collect();
    // One `Pet` (its reference through the document's own file name is the same schema, not a
    // copy) and one `Owner` (shared by the schemas file and the responses file).
    assert_eq!(structs, ["Owner {", "Pet {"], "{types}");
    assert!(types.contains("pub owner: ::std::option::Option<crate::types::Owner>,"), "{types}");
    assert!(types.contains("pub self_: ::std::option::Option<::std::boxed::Box<crate::types::Pet>>,") || types.contains("Box<crate::types::Pet>"), "{types}");
    let errors = std::fs::read_to_string(dir.path().join("out/src/errors.rs")).unwrap();
    assert!(errors.contains("No(crate::types::Owner)"), "{errors}");

    // A problem inside the map's file is reported there.
    std::fs::write(dir.path().join("c/schemas.yaml"), "Pet: {type: object}\nOwner: {type: object, properties: {id: {$ref: '#/Nope'}}}\n").unwrap();
    std::fs::remove_dir_all(dir.path().join("out")).unwrap();
    let o = sdkforge(&["generate", "--spec", "a.yaml", "--out", "out", "--crate-name", "x"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with("error: c/schemas.yaml:2:41: `$ref` `c/schemas.yaml#/Nope`"), "{err}");
    assert!(err.contains("at: #/Owner/properties/id/$ref"), "{err}");
    assert!(!dir.path().join("out").exists());
}
