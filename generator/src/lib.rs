//! # sdkforge
//!
//! sdkforge turns an OpenAPI 3.0 or 3.1 document, plus optional OpenAPI Overlays, into a typed Rust
//! client crate (reqwest + serde), faithful to Speakeasy's `x-speakeasy-*` extensions.
//!
//! ```no_run
//! use sdkforge::{Config, Generator};
//!
//! let config = Config::new("spec/commerce-engine-pos.yaml", "generated", "commerce-engine-pos")
//!     .overlay("spec/overlays/pos-sdk.yaml");
//! let generator = Generator::new(config);
//! match generator.write() {
//!     Ok(done) => eprintln!("wrote {} files", done.files.files().len()),
//!     Err(problems) => eprintln!("{problems}"),
//! }
//! ```
//!
//! The pipeline, one module per stage, plain data in between:
//! [`load`] (YAML/JSON, with a lazily computed source map) → [`overlay`] → [`normalise31`]
//! (OpenAPI 3.1 rewritten into the 3.0 shape) → [`resolve`] (typed document, `$ref`s) → [`ir`] (lowering and checks) → [`emit`] (tokens, formatted with
//! prettyplease) → [`write`] (atomic replace, or a diff for `check`). Every problem is a
//! [`Diagnostic`] with the file, line:column and JSON pointer.

// A `Diagnostic` is a plain struct of owned fields that callers read directly; it travels only on
// the error path, once per problem, so its size costs nothing worth boxing it for.
#![allow(clippy::result_large_err)]

pub mod config;
pub mod diagnostics;
pub mod emit;
pub mod ir;
pub mod load;
pub mod normalise31;
pub mod overlay;
pub mod resolve;
pub mod write;

pub use config::Config;
pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use write::OutputSpace;

use ir::Api;
use load::Source;
use serde_json::Value;

/// The result of a successful generation.
#[derive(Debug)]
pub struct Generated {
    /// The intermediate representation.
    pub api: Api,
    /// The files of the crate.
    pub files: OutputSpace,
    /// Warnings (nothing failed).
    pub warnings: Diagnostics,
}

/// Runs the pipeline for one configuration.
#[derive(Clone, Debug)]
pub struct Generator {
    config: Config,
}

impl Generator {
    /// A generator for this configuration.
    pub fn new(config: Config) -> Self {
        Self { config }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Loads the document and applies the overlays, in order.
    pub fn load(&self) -> Result<(Source, Value, Diagnostics), Diagnostics> {
        self.config.check().map_err(Diagnostics::from)?;
        let spec = load::load_file(&self.config.spec)?;
        let mut doc = spec.value.clone();
        let strictness = if self.config.strict_overlays { overlay::Strictness::Strict } else { overlay::Strictness::Lenient };
        let warnings = apply_overlays(&mut doc, &self.config.overlays, Some(&self.config.spec), strictness)?;
        Ok((spec, doc, warnings))
    }

    /// Loads, applies overlays, resolves and lowers into the IR.
    pub fn ir(&self) -> Result<(Api, Diagnostics), Diagnostics> {
        self.ir_and_document().map(|(api, _, warnings)| (api, warnings))
    }

    /// [`Self::ir`], and with `with_tests` the document after overlays (what the contract tests'
    /// mock server serves; only then is it copied).
    fn ir_and_document(&self) -> Result<(Api, Option<Value>, Diagnostics), Diagnostics> {
        let (spec, mut doc, mut warnings) = self.load()?;
        let overlaid = self.config.with_tests.then(|| doc.clone());
        let normalised = normalise31::normalise(&mut doc);
        // Its diagnostics already point into the original document.
        warnings.extend(normalised.diagnostics);
        let result = if warnings.has_errors() {
            Err(Diagnostics::default())
        } else {
            resolve::hoist_deep_schema_refs(&mut doc);
            resolve::parse_openapi(&doc).map_err(Diagnostics::from).and_then(|openapi| {
                let names = ir::operations_names(&self.config, &spec);
                ir::lower(&openapi, &names)
            })
        };
        let pointers = &normalised.pointers;
        match result {
            Ok((mut api, mut w)) => {
                original_pointers(&mut w, pointers);
                if !pointers.is_empty() {
                    api.map_pointers(|p| pointers.original(p));
                }
                warnings.extend(w);
                locate(&mut warnings, &spec);
                Ok((api, overlaid, warnings))
            }
            Err(mut errors) => {
                original_pointers(&mut errors, pointers);
                errors.extend(warnings);
                locate(&mut errors, &spec);
                Err(errors)
            }
        }
    }

    /// Generates the files in memory.
    pub fn generate(&self) -> Result<Generated, Diagnostics> {
        let (api, doc, warnings) = self.ir_and_document()?;
        let mut files = emit::emit(&api).map_err(Diagnostics::from)?;
        if let Some(doc) = &doc {
            emit::contract::emit(&api, doc, &mut files).map_err(Diagnostics::from)?;
        }
        Ok(Generated { api, files, warnings })
    }

    /// Generates and replaces the output folder (only when everything succeeded).
    pub fn write(&self) -> Result<Generated, Diagnostics> {
        let generated = self.generate()?;
        generated.files.write_keeping(&self.config.out, &self.config.keep).map_err(Diagnostics::from)?;
        Ok(generated)
    }

    /// Generates in memory and compares with the output folder: `Ok(None)` when up to date,
    /// `Ok(Some(diff))` when not.
    pub fn check(&self) -> Result<(Option<String>, Diagnostics), Diagnostics> {
        let generated = self.generate()?;
        let diff = generated.files.diff_keeping(&self.config.out, &self.config.keep).map_err(Diagnostics::from)?;
        Ok((diff, generated.warnings))
    }
}

/// Validates each overlay and applies it to `doc`, in order. All overlays are validated even when
/// one fails, so every problem is reported in one run.
pub fn apply_overlays(doc: &mut Value, paths: &[std::path::PathBuf], spec: Option<&std::path::Path>, strictness: overlay::Strictness) -> Result<Diagnostics, Diagnostics> {
    let mut warnings = Diagnostics::default();
    let mut errors = Diagnostics::default();
    for path in paths {
        let parsed = load::load_file(path).map_err(Diagnostics::from).and_then(overlay::parse);
        match parsed {
            Ok(o) if !errors.has_errors() => {
                if let Err(e) = overlay::apply(doc, &o, spec, strictness, &mut warnings) {
                    errors.extend(e);
                }
            }
            Ok(_) => {}
            Err(e) => errors.extend(e),
        }
    }
    if errors.has_errors() {
        errors.extend(warnings);
        return Err(errors);
    }
    Ok(warnings)
}

/// Points diagnostics of the stages after [`normalise31`] at the original document's places.
fn original_pointers(diags: &mut Diagnostics, map: &normalise31::PointerMap) {
    if map.is_empty() {
        return;
    }
    for d in diags.iter_mut() {
        if let Some(p) = &d.pointer {
            d.pointer = Some(map.original(p));
        }
    }
}

/// Gives diagnostics that only have a pointer the spec's file name and line:column. A pointer
/// that is not in the file (a node a rewrite made, such as a `oneOf` member split from a `type`
/// list) is shown at its nearest ancestor that is.
fn locate(diags: &mut Diagnostics, spec: &Source) {
    let pointers: Vec<String> = diags
        .iter()
        .filter(|d| d.file.is_none())
        .filter_map(|d| d.pointer.as_deref())
        .flat_map(|p| ancestors(p).map(str::to_string).collect::<Vec<_>>())
        .collect();
    if pointers.is_empty() {
        return;
    }
    let refs: Vec<&str> = pointers.iter().map(String::as_str).collect();
    let found = load::source_map::locate(&spec.text, &refs);
    for d in diags.iter_mut().filter(|d| d.file.is_none()) {
        d.file = Some(spec.path.clone());
        if d.location.is_none() {
            d.location = d.pointer.as_deref().and_then(|p| ancestors(p).find_map(|a| found.get(a).copied()));
        }
    }
}

/// `#/a/b`, `#/a`: the pointer and each of its ancestors, nearest first (the root only for `#`
/// itself: line 1 says nothing).
fn ancestors(pointer: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(pointer), |p| p.rfind('/').map(|i| &p[..i]).filter(|a| *a != "#"))
}
