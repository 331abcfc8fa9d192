//! `xtask semver-pairs`: the suite of document pairs behind `sdkforge diff`'s classification.
//!
//! Each pair is a base document and a changed one (old, new) with the kind of change expected
//! (`breaking`, `additive`, `docs`). For each, the classifier runs on the two IRs, both crates are
//! generated, and a *probe* (a small program written against the old API that uses every item
//! the change could touch) is compiled against the old crate (it must compile: the probe is
//! valid) and against the new one: it must still compile when the change is not breaking, and
//! must fail when it is. The compiler, not the classifier, is the oracle.

use crate::corpus::workspace_root;
use clap::Args;
use sdkforge::semver::Kind;
use sdkforge::{Config, Generator};
use std::path::Path;
use std::process::{Command, ExitCode};

/// Options of `xtask semver-pairs`.
#[derive(Args, Debug)]
pub struct PairsArgs {
    /// Only pairs whose name contains this.
    #[arg(long)]
    pub filter: Option<String>,
    /// Also run `cargo semver-checks` on each pair (it must be installed:
    /// `cargo install cargo-semver-checks --locked`) and show where it agrees.
    #[arg(long)]
    pub semver_checks: bool,
}

/// The base document every pair changes.
const BASE: &str = r#"openapi: 3.0.3
info: {title: Pairs, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: The pet.
          content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
        '400':
          description: Bad request.
          content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}
  /pets:
    post:
      operationId: createPet
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/NewPet'}}}
      responses:
        '201':
          description: Created.
          content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
  /animals:
    get:
      operationId: listAnimals
      responses:
        '200':
          description: An animal.
          content: {application/json: {schema: {$ref: '#/components/schemas/Animal'}}}
components:
  schemas:
    Pet:
      description: A pet.
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
        kind: {$ref: '#/components/schemas/Kind'}
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string}
    Kind: {type: string, enum: [dog, cat]}
    Problem:
      type: object
      properties:
        message: {type: string}
    Robot:
      type: object
      required: [serial]
      properties:
        serial: {type: string}
    Animal:
      oneOf:
        - {$ref: '#/components/schemas/Pet'}
        - {$ref: '#/components/schemas/Robot'}
"#;

/// A probe against the base API: every item a pair changes is used the way a caller would.
const PROBE: &str = r#"#![allow(warnings, clippy::all)]
use api::types::*;
use api::{Client, Error};

async fn probe(c: &Client) {
    if let Ok(p) = c.get_pet("x").send().await {
        let id: String = p.id;
        let name: String = p.name;
        let kind: Option<Kind> = p.kind;
        match kind {
            Some(Kind::Dog) | Some(Kind::Cat) => {}
            _ => {}
        }
    }
    let made: Pet = Pet::new("id", "name").kind(Kind::Dog);
    let created: Option<Pet> = c.create_pet(NewPet::new("n")).send().await.ok();
    match c.list_animals().send().await {
        Ok(Animal::Pet(p)) => {}
        Ok(Animal::Robot(r)) => {
            let s: String = r.serial;
        }
        Ok(_) => {}
        Err(_) => {}
    }
    match c.get_pet("x").send().await {
        Err(Error::Api(e)) => match e.body {
            api::errors::GetPetError::BadRequest(p) => {
                let m: Option<String> = p.message;
            }
            _ => {}
        },
        _ => {}
    }
    let client = Client::builder().base_url("http://127.0.0.1:1").build();
}

fn main() {}
"#;

/// One pair: the new document is the base with `replace` applied (each `(from, to)` must occur);
/// `old_replace` changes the old side the same way (for changes that remove what the base lacks).
struct Pair {
    name: &'static str,
    expected: Kind,
    new_replace: &'static [(&'static str, &'static str)],
    old_replace: &'static [(&'static str, &'static str)],
    /// Lines the probe adds for items only the old side has.
    probe_extra: &'static str,
    /// Changes to the probe for items the old side lacks.
    probe_replace: &'static [(&'static str, &'static str)],
}

const DELETE_OP: &str = "  /animals:\n";
const DELETE_OP_WITH: &str = "  /pets/{id}/photo:\n    delete:\n      operationId: deletePhoto\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '204': {description: Deleted.}\n  /animals:\n";

const PAIRS: &[Pair] = &[
    Pair { name: "operation-added", expected: Kind::Additive, new_replace: &[(DELETE_OP, DELETE_OP_WITH)], old_replace: &[], probe_extra: "", probe_replace: &[] },
    Pair {
        name: "operation-removed",
        expected: Kind::Breaking,
        new_replace: &[],
        old_replace: &[(DELETE_OP, DELETE_OP_WITH)],
        probe_extra: "async fn extra(c: &Client) { let _ = c.delete_photo(\"x\").send().await; }",
        probe_replace: &[],
    },
    Pair {
        name: "operation-renamed-by-override",
        expected: Kind::Breaking,
        new_replace: &[("      operationId: getPet\n", "      operationId: getPet\n      x-speakeasy-name-override: fetchPet\n")],
        old_replace: &[],
        probe_extra: "",
        probe_replace: &[],
    },
    Pair {
        name: "operation-ignored",
        expected: Kind::Breaking,
        new_replace: &[("      operationId: createPet\n", "      operationId: createPet\n      x-speakeasy-ignore: true\n")],
        old_replace: &[],
        probe_extra: "",
        probe_replace: &[],
    },
    Pair {
        name: "operation-unignored",
        expected: Kind::Additive,
        new_replace: &[],
        old_replace: &[("      operationId: createPet\n", "      operationId: createPet\n      x-speakeasy-ignore: true\n")],
        probe_extra: "",
        probe_replace: &[("    let created: Option<Pet> = c.create_pet(NewPet::new(\"n\")).send().await.ok();\n", "")],
    },
    Pair {
        name: "parameter-added-optional",
        expected: Kind::Additive,
        new_replace: &[(
            "        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '200':\n          description: The pet.",
            "        - {name: id, in: path, required: true, schema: {type: string}}\n        - {name: verbose, in: query, schema: {type: boolean}}\n      responses:\n        '200':\n          description: The pet.",
        )],
        old_replace: &[],
        probe_extra: "",
        probe_replace: &[],
    },
    Pair {
        name: "parameter-added-required",
        expected: Kind::Breaking,
        new_replace: &[(
            "        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '200':\n          description: The pet.",
            "        - {name: id, in: path, required: true, schema: {type: string}}\n        - {name: owner, in: query, required: true, schema: {type: string}}\n      responses:\n        '200':\n          description: The pet.",
        )],
        old_replace: &[],
        probe_extra: "",
        probe_replace: &[],
    },
    Pair {
        name: "parameter-type-changed",
        expected: Kind::Breaking,
        new_replace: &[(
            "        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '200':\n          description: The pet.",
            "        - {name: id, in: path, required: true, schema: {type: integer}}\n      responses:\n        '200':\n          description: The pet.",
        )],
        old_replace: &[],
        probe_extra: "",
        probe_replace: &[],
    },
    Pair {
        name: "request-field-added-optional",
        expected: Kind::Additive,
        new_replace: &[("      required: [name]\n      properties:\n        name: {type: string}\n", "      required: [name]\n      properties:\n        name: {type: string}\n        tag: {type: string}\n")],
        old_replace: &[],
        probe_extra: "",
        probe_replace: &[],
    },
    Pair {
        name: "request-field-added-required",
        expected: Kind::Breaking,
        new_replace: &[("      required: [name]\n      properties:\n        name: {type: string}\n", "      required: [name, tag]\n      properties:\n        name: {type: string}\n        tag: {type: string}\n")],
        old_replace: &[],
        probe_extra: "",
        probe_replace: &[],
    },
    Pair {
        name: "response-field-added",
        expected: Kind::Additive,
        new_replace: &[("        kind: {$ref: '#/components/schemas/Kind'}\n", "        kind: {$ref: '#/components/schemas/Kind'}\n        age: {type: integer}\n")],
        old_replace: &[],
        probe_extra: "",
        probe_replace: &[],
    },
    Pair {
        name: "response-field-added-required",
        expected: Kind::Breaking,
        new_replace: &[
            ("        kind: {$ref: '#/components/schemas/Kind'}\n", "        kind: {$ref: '#/components/schemas/Kind'}\n        age: {type: integer}\n"),
            ("      required: [id, name]\n", "      required: [id, name, age]\n"),
        ],
        old_replace: &[],
        probe_extra: "",
        probe_replace: &[],
    },
    Pair {
        name: "success-status-added",
        expected: Kind::Breaking,
        new_replace: &[(
            "        '400':\n          description: Bad request.\n",
            "        '202':\n          description: Accepted.\n          content: {application/json: {schema: {$ref: '#/components/schemas/Robot'}}}\n        '400':\n          description: Bad request.\n",
        )],
        old_replace: &[],
        probe_extra: "",
        probe_replace: &[],
    },
    Pair {
        name: "response-field-removed",
        expected: Kind::Breaking,
        new_replace: &[("        kind: {$ref: '#/components/schemas/Kind'}\n", "")],
        old_replace: &[],
        probe_extra: "",
        probe_replace: &[],
    },
    Pair { name: "response-field-made-optional", expected: Kind::Breaking, new_replace: &[("      required: [id, name]\n", "      required: [id]\n")], old_replace: &[], probe_extra: "", probe_replace: &[] },
    Pair { name: "response-field-made-required", expected: Kind::Breaking, new_replace: &[("      required: [id, name]\n", "      required: [id, name, kind]\n")], old_replace: &[], probe_extra: "", probe_replace: &[] },
    Pair { name: "enum-value-added", expected: Kind::Additive, new_replace: &[("enum: [dog, cat]", "enum: [dog, cat, bird]")], old_replace: &[], probe_extra: "", probe_replace: &[] },
    Pair { name: "enum-value-removed", expected: Kind::Breaking, new_replace: &[("enum: [dog, cat]", "enum: [dog]")], old_replace: &[], probe_extra: "", probe_replace: &[] },
    Pair {
        name: "union-member-added",
        expected: Kind::Additive,
        new_replace: &[
            ("        - {$ref: '#/components/schemas/Robot'}\n", "        - {$ref: '#/components/schemas/Robot'}\n        - {$ref: '#/components/schemas/Alien'}\n"),
            ("    Robot:\n", "    Alien:\n      type: object\n      required: [planet]\n      properties:\n        planet: {type: string}\n    Robot:\n"),
        ],
        old_replace: &[],
        probe_extra: "",
        probe_replace: &[],
    },
    Pair {
        name: "status-code-added",
        expected: Kind::Additive,
        new_replace: &[("        '400':\n          description: Bad request.\n", "        '404':\n          description: Not found.\n        '400':\n          description: Bad request.\n")],
        old_replace: &[],
        probe_extra: "",
        probe_replace: &[],
    },
    Pair { name: "description-changed", expected: Kind::Docs, new_replace: &[("      description: A pet.\n", "      description: A pet, with a name.\n")], old_replace: &[], probe_extra: "", probe_replace: &[] },
    Pair {
        name: "security-added",
        expected: Kind::Additive,
        new_replace: &[
            ("      operationId: createPet\n", "      operationId: createPet\n      security: [{key: []}]\n"),
            ("components:\n  schemas:\n", "components:\n  securitySchemes:\n    key: {type: apiKey, in: header, name: x-api-key}\n  schemas:\n"),
        ],
        old_replace: &[],
        probe_extra: "",
        probe_replace: &[],
    },
    Pair {
        name: "security-removed",
        expected: Kind::Breaking,
        new_replace: &[],
        old_replace: &[
            ("      operationId: createPet\n", "      operationId: createPet\n      security: [{key: []}]\n"),
            ("components:\n  schemas:\n", "components:\n  securitySchemes:\n    key: {type: apiKey, in: header, name: x-api-key}\n  schemas:\n"),
        ],
        probe_extra: "fn extra() { let _ = api::Client::builder().api_key(\"k\"); }",
        probe_replace: &[],
    },
];

fn apply(base: &str, replace: &[(&str, &str)], name: &str) -> Result<String, String> {
    let mut s = base.to_string();
    for (from, to) in replace {
        if !s.contains(from) {
            return Err(format!("pair `{name}`: the text to replace is not in the document: {from:?}"));
        }
        s = s.replacen(from, to, 1);
    }
    Ok(s)
}

/// Runs the suite; `Err` is a usage or environment problem (exit code 2).
pub fn run(args: &PairsArgs) -> Result<ExitCode, String> {
    let root = workspace_root();
    let work = root.join("target/semver-pairs");
    let _ = std::fs::remove_dir_all(work.join("pairs"));
    std::fs::create_dir_all(work.join("pairs")).map_err(|e| e.to_string())?;
    let pairs: Vec<&Pair> = PAIRS.iter().filter(|p| args.filter.as_deref().is_none_or(|f| p.name.contains(f))).collect();
    let mut members = Vec::new();
    let mut classified = Vec::new();
    for p in &pairs {
        let dir = work.join("pairs").join(p.name);
        let old = apply(BASE, p.old_replace, p.name)?;
        let new = apply(BASE, p.new_replace, p.name)?;
        let mut apis = Vec::new();
        for (side, text) in [("old", &old), ("new", &new)] {
            let spec = dir.join(format!("{side}.yaml"));
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            std::fs::write(&spec, text).map_err(|e| e.to_string())?;
            let crate_name = format!("pair-{}-{side}", p.name);
            let generator = Generator::new(Config::new(&spec, dir.join(side), &crate_name));
            let generated = generator.write().map_err(|d| format!("pair `{}` ({side}): {d}", p.name))?;
            apis.push(generated.api);
            let probe = dir.join(format!("probe-{side}"));
            std::fs::create_dir_all(probe.join("src")).map_err(|e| e.to_string())?;
            let manifest = format!(
                "[package]\nname = \"probe-{}-{side}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\napi = {{ package = \"{crate_name}\", path = \"../{side}\" }}\n",
                p.name
            );
            std::fs::write(probe.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
            let source = apply(PROBE, p.probe_replace, p.name)?;
            std::fs::write(probe.join("src/main.rs"), format!("{source}\n{}\n", p.probe_extra)).map_err(|e| e.to_string())?;
            members.push(format!("pairs/{}/{side}", p.name));
            members.push(format!("pairs/{}/probe-{side}", p.name));
        }
        let report = sdkforge::semver::diff(&apis[0], &apis[1], "0.1.0");
        classified.push(report);
    }
    crate::common::compile::own_workspace(&work, "cargo run -p xtask -- semver-pairs", &members, &root.join("Cargo.lock"))?;
    eprintln!("semver-pairs: cargo check of {} probes (each against the old and the new crate)", pairs.len() * 2);
    let failed = check_all(&work)?;
    let csc: Vec<Option<bool>> = if args.semver_checks { semver_checks(&work, &pairs)? } else { vec![None; pairs.len()] };
    let mut ok = true;
    println!("| pair | expected | classified | bump (0.1.0 →) | probe vs old | probe vs new | cargo-semver-checks | verdict |\n|---|---|---|---|---|---|---|---|");
    for ((p, report), csc) in pairs.iter().zip(&classified).zip(&csc) {
        let worst = report.changes.iter().map(|c| c.kind).max();
        let got = worst.map_or("none", kind_name);
        let old_ok = !failed.contains(&format!("probe-{}-old", p.name));
        let new_ok = !failed.contains(&format!("probe-{}-new", p.name));
        let oracle_breaking = !new_ok;
        let good = old_ok && worst == Some(p.expected) && oracle_breaking == (p.expected == Kind::Breaking);
        ok &= good;
        let yes = |b: bool| if b { "compiles" } else { "fails" };
        let csc = match csc {
            None => "-",
            Some(true) => "breaking",
            Some(false) => "no break found",
        };
        println!(
            "| {} | {} | {got} | {} | {} | {} | {csc} | {} |",
            p.name,
            kind_name(p.expected),
            report.next_version,
            yes(old_ok),
            yes(new_ok),
            if good { "ok" } else { "**WRONG**" }
        );
        if !good {
            for c in &report.changes {
                println!("|  | | {} `{}`: {} | | | | | |", kind_name(c.kind), c.item, c.message.replace('|', "\\|"));
            }
        }
    }
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `cargo semver-checks` on each pair: the old crate as the baseline of the new one (both renamed
/// to one package name, in workspaces of their own). `Some(true)` when it reports a break.
fn semver_checks(work: &Path, pairs: &[&Pair]) -> Result<Vec<Option<bool>>, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let installed = Command::new(&cargo).args(["semver-checks", "--version"]).output().is_ok_and(|o| o.status.success());
    if !installed {
        return Err("cargo-semver-checks is not installed: `cargo install cargo-semver-checks --locked`".to_string());
    }
    let csc = work.join("csc");
    let _ = std::fs::remove_dir_all(&csc);
    for side in ["old", "new"] {
        let mut members = Vec::new();
        for p in pairs {
            let from = work.join("pairs").join(p.name).join(side);
            let to = csc.join(side).join(p.name);
            copy_dir(&from, &to)?;
            let manifest = std::fs::read_to_string(to.join("Cargo.toml")).map_err(|e| e.to_string())?;
            std::fs::write(to.join("Cargo.toml"), manifest.replace(&format!("pair-{}-{side}", p.name), &format!("pair-{}", p.name))).map_err(|e| e.to_string())?;
            members.push(p.name.to_string());
        }
        crate::common::compile::own_workspace(&csc.join(side), "cargo run -p xtask -- semver-pairs --semver-checks", &members, &work.join("Cargo.lock"))?;
    }
    let mut out = Vec::new();
    for p in pairs {
        eprintln!("semver-pairs: cargo semver-checks {}", p.name);
        let o = Command::new(&cargo)
            .current_dir(csc.join("new"))
            .env("CARGO_TARGET_DIR", work.join("csc-target"))
            .args(["semver-checks", "check-release", "-p", &format!("pair-{}", p.name), "--baseline-root"])
            .arg(csc.join("old"))
            .output()
            .map_err(|e| e.to_string())?;
        let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        out.push(if o.status.success() {
            Some(false)
        } else if text.contains("FAIL") || text.contains("semver requires") {
            Some(true)
        } else {
            eprintln!("cargo semver-checks did not run on {}:\n{text}", p.name);
            None
        });
    }
    Ok(out)
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Breaking => "breaking",
        Kind::Additive => "additive",
        Kind::Docs => "docs",
    }
}

/// `cargo check` of the whole workspace, carrying on after failures; the packages that failed.
fn check_all(work: &Path) -> Result<Vec<String>, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(work)
        // Shared with `xtask e2e`: the dependencies of generated crates build once. Warnings are
        // denied, so a generated crate of the suite that warns fails the suite.
        .env("CARGO_TARGET_DIR", crate::e2e::clients_target())
        .env("RUSTFLAGS", "-D warnings")
        .args(["check", "--workspace", "--keep-going", "--quiet"])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let failed: Vec<String> = stderr
        .lines()
        .filter_map(|l| l.split_once("could not compile `").and_then(|(_, rest)| rest.split_once('`')).map(|(name, _)| name.to_string()))
        .collect();
    if failed.iter().any(|f| !f.starts_with("probe-")) {
        return Err(format!("a generated crate of the suite does not compile:\n{stderr}"));
    }
    Ok(failed)
}
