//! # sdkforge
//!
//! sdkforge turns an OpenAPI 3.0 document, plus optional OpenAPI Overlays, into a typed Rust
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
//! [`load`] (YAML/JSON, with a lazily computed source map) → [`overlay`] → [`resolve`]
//! (typed document, `$ref`s) → [`ir`] (lowering and checks) → [`emit`] (tokens, formatted with
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

    /// Loads the document and applies the overlays, in order. The document's value is moved
    /// out of the returned [`Source`] (which keeps `Null`) into the second element, so that a
    /// large document is not held twice.
    pub fn load(&self) -> Result<(Source, Value, Diagnostics), Diagnostics> {
        self.config.check().map_err(Diagnostics::from)?;
        let mut spec = load::load_file(&self.config.spec)?;
        let mut doc = std::mem::take(&mut spec.value);
        let strictness = if self.config.strict_overlays { overlay::Strictness::Strict } else { overlay::Strictness::Lenient };
        let warnings = apply_overlays(&mut doc, &self.config.overlays, Some(&self.config.spec), strictness)?;
        Ok((spec, doc, warnings))
    }

    /// Loads, applies overlays and resolves into the typed document. A JSON document without
    /// overlays is read straight into the typed document when [`resolve::from_json_text`] can
    /// ([`Source::value`] stays `Null` then); any other, or one it refuses, takes the general
    /// path ([`Generator::load`] then [`resolve::document`]), which also reports problems.
    pub fn typed(&self) -> Result<(Source, Result<openapiv3::OpenAPI, Diagnostic>, Diagnostics), Diagnostics> {
        if !self.config.overlays.is_empty() {
            let (spec, doc, warnings) = self.load()?;
            return Ok((spec, resolve::document(doc), warnings));
        }
        self.config.check().map_err(Diagnostics::from)?;
        let path = &self.config.spec;
        let (text, format) = load::read_text(path)?;
        if format == load::Format::Json {
            if let Some(openapi) = resolve::from_json_text(&text) {
                let spec = Source { path: path.clone(), text, format, value: Value::Null };
                return Ok((spec, Ok(openapi), Diagnostics::default()));
            }
        }
        let mut spec = load::parse_source(path, text, format)?;
        let doc = std::mem::take(&mut spec.value);
        Ok((spec, resolve::document(doc), Diagnostics::default()))
    }

    /// Loads, applies overlays, resolves and lowers into the IR.
    pub fn ir(&self) -> Result<(Api, Diagnostics), Diagnostics> {
        let (spec, openapi, mut warnings) = self.typed()?;
        let result = openapi.map_err(Diagnostics::from).and_then(|mut openapi| {
            // Example objects are data for readers, never read by lowering; a large document
            // has many (a fifth of GitHub's components), and lowering is where memory peaks.
            if let Some(components) = &mut openapi.components {
                components.examples = Default::default();
            }
            let names = ir::crate_names(&self.config);
            ir::lower(&openapi, &names)
        });
        match result {
            Ok((api, w)) => {
                warnings.extend(w);
                locate(&mut warnings, &spec);
                Ok((api, warnings))
            }
            Err(mut errors) => {
                errors.extend(warnings);
                locate(&mut errors, &spec);
                Err(errors)
            }
        }
    }

    /// Generates the files in memory.
    pub fn generate(&self) -> Result<Generated, Diagnostics> {
        let (api, warnings) = self.ir()?;
        let files = emit::emit(&api).map_err(Diagnostics::from)?;
        Ok(Generated { api, files, warnings })
    }

    /// Generates and replaces the output folder (only when everything succeeded).
    pub fn write(&self) -> Result<Generated, Diagnostics> {
        let generated = self.generate()?;
        generated.files.write_to(&self.config.out).map_err(Diagnostics::from)?;
        Ok(generated)
    }

    /// Generates in memory and compares with the output folder: `Ok(None)` when up to date,
    /// `Ok(Some(diff))` when not.
    pub fn check(&self) -> Result<(Option<String>, Diagnostics), Diagnostics> {
        let generated = self.generate()?;
        let diff = generated.files.diff_against(&self.config.out).map_err(Diagnostics::from)?;
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

/// Gives diagnostics that only have a pointer the spec's file name and line:column.
fn locate(diags: &mut Diagnostics, spec: &Source) {
    let pointers: Vec<String> =
        diags.iter().filter(|d| d.file.is_none()).filter_map(|d| d.pointer.clone()).collect();
    if pointers.is_empty() {
        return;
    }
    let refs: Vec<&str> = pointers.iter().map(String::as_str).collect();
    let found = load::source_map::locate(&spec.text, &refs);
    for d in diags.iter_mut().filter(|d| d.file.is_none()) {
        d.file = Some(spec.path.clone());
        if d.location.is_none() {
            d.location = d.pointer.as_ref().and_then(|p| found.get(p).copied());
        }
    }
}
