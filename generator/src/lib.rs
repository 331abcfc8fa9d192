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

    /// Loads the document and applies the overlays, in order. The document's value is moved
    /// out of the returned [`Source`] (which keeps `Null`) into the second element, so that a
    /// large document is not held twice.
    pub fn load(&self) -> Result<(Source, Value, Diagnostics), Diagnostics> {
        self.load_tracked().map(|(spec, doc, warnings, _)| (spec, doc, warnings))
    }

    /// [`Self::load`], with where the overlays' updates landed.
    fn load_tracked(&self) -> Result<(Source, Value, Diagnostics, overlay::Provenance), Diagnostics> {
        self.config.check().map_err(Diagnostics::from)?;
        let mut spec = load::load_file(&self.config.spec)?;
        let mut doc = std::mem::take(&mut spec.value);
        let strictness = if self.config.strict_overlays { overlay::Strictness::Strict } else { overlay::Strictness::Lenient };
        let (mut warnings, provenance) = apply_overlays_tracked(&mut doc, &self.config.overlays, Some(&self.config.spec), strictness)?;
        if spec.bom {
            warnings.push(load::bom_warning(&spec.path));
        }
        Ok((spec, doc, warnings, provenance))
    }

    /// Loads, applies overlays, resolves and lowers into the IR.
    pub fn ir(&self) -> Result<(Api, Diagnostics), Diagnostics> {
        self.ir_and_document().map(|(api, _, warnings)| (api, warnings))
    }

    /// [`Self::ir`], and with `with_tests` the document after overlays (what the contract tests'
    /// mock server serves; only then is it copied).
    ///
    /// A JSON document without overlays or contract tests is read straight into the typed
    /// document when [`resolve::from_json_text`] can (an OpenAPI 3.0 document with nothing to
    /// hoist; [`Source::value`] stays `Null` then). Any other, or one it refuses, takes the
    /// general path: the value, overlays, [`normalise31`], then [`resolve::document`], which also
    /// reports problems.
    fn ir_and_document(&self) -> Result<(Api, Option<Value>, Diagnostics), Diagnostics> {
        let (api, doc, mut warnings) = self.read()?;
        // `--strict`: what the reading policy resolved is refused instead.
        if self.config.strict && warnings.iter().any(|d| d.rule.is_some()) {
            warnings.deny_reading_rules();
            return Err(warnings);
        }
        Ok((api, doc, warnings))
    }

    /// [`Self::ir_and_document`] before `--strict` applies.
    fn read(&self) -> Result<(Api, Option<Value>, Diagnostics), Diagnostics> {
        let (spec, mut doc, mut warnings, provenance) = if self.config.overlays.is_empty() && !self.config.with_tests {
            self.config.check().map_err(Diagnostics::from)?;
            let path = &self.config.spec;
            let (text, format, bom) = load::read_text(path)?;
            let warnings: Diagnostics = bom.then(|| load::bom_warning(path)).into_iter().collect();
            if format == load::Format::Json {
                if let Some(openapi) = resolve::from_json_text(&text) {
                    let spec = Source { path: path.clone(), text, format, value: Value::Null, bom };
                    return self.lower(&spec, Ok(openapi), warnings, &Default::default(), None, (&Default::default(), &Default::default()));
                }
            }
            let mut spec = load::parse_source(path, text, format)?;
            spec.bom = bom;
            let doc = std::mem::take(&mut spec.value);
            (spec, doc, warnings, overlay::Provenance::default())
        } else {
            self.load_tracked()?
        };
        // Other files the document refers to are brought in before anything reads it (the
        // contract tests' copy included).
        let (imports, mut errors) = load::external::bundle(&mut doc, &spec.path);
        if errors.has_errors() {
            errors.extend(warnings);
            relocate(&mut errors, &imports, &provenance, &spec);
            locate(&mut errors, &spec);
            return Err(errors);
        }
        let overlaid = self.config.with_tests.then(|| doc.clone());
        let normalised = normalise31::normalise(&mut doc);
        // Its diagnostics already point into the original document.
        warnings.extend(normalised.diagnostics);
        let mut dropped = resolve::drop_callbacks(&mut doc);
        original_pointers(&mut dropped, &normalised.pointers);
        warnings.extend(dropped);
        let openapi = if warnings.has_errors() { Err(Diagnostics::default()) } else { resolve::document(doc).map_err(Diagnostics::from) };
        self.lower(&spec, openapi, warnings, &normalised.pointers, overlaid, (&imports, &provenance))
    }

    /// Lowers the typed document into the IR; diagnostics are pointed back at the original
    /// document's places and located in its text.
    fn lower(
        &self,
        spec: &Source,
        openapi: Result<openapiv3::OpenAPI, Diagnostics>,
        mut warnings: Diagnostics,
        pointers: &normalise31::PointerMap,
        overlaid: Option<Value>,
        (imports, provenance): (&load::external::Imports, &overlay::Provenance),
    ) -> Result<(Api, Option<Value>, Diagnostics), Diagnostics> {
        let result = openapi.and_then(|mut openapi| {
            // Example objects are data for readers, never read by lowering; a large document
            // has many (a fifth of GitHub's components), and lowering is where memory peaks.
            if let Some(components) = &mut openapi.components {
                components.examples = Default::default();
            }
            let names = ir::crate_names(&self.config);
            ir::lower(&openapi, &names)
        });
        match result {
            Ok((mut api, mut w)) => {
                original_pointers(&mut w, pointers);
                if !pointers.is_empty() {
                    api.map_pointers(|p| pointers.original(p));
                }
                warnings.extend(w);
                relocate(&mut warnings, imports, provenance, spec);
                locate(&mut warnings, spec);
                Ok((api, overlaid, warnings))
            }
            Err(mut errors) => {
                original_pointers(&mut errors, pointers);
                errors.extend(warnings);
                relocate(&mut errors, imports, provenance, spec);
                locate(&mut errors, spec);
                Err(errors)
            }
        }
    }

    /// Generates the files in memory.
    pub fn generate(&self) -> Result<Generated, Diagnostics> {
        self.generate_then(|| {})
    }

    /// [`Self::generate`], calling `between` after lowering and before emitting: the typed
    /// document has just been dropped then (the binary hands its memory back to the system).
    pub fn generate_then(&self, between: impl FnOnce()) -> Result<Generated, Diagnostics> {
        let (api, doc, warnings) = self.ir_and_document()?;
        between();
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
    apply_overlays_tracked(doc, paths, spec, strictness).map(|(warnings, _)| warnings)
}

/// [`apply_overlays`], keeping the overlays and where their updates landed.
pub fn apply_overlays_tracked(
    doc: &mut Value,
    paths: &[std::path::PathBuf],
    spec: Option<&std::path::Path>,
    strictness: overlay::Strictness,
) -> Result<(Diagnostics, overlay::Provenance), Diagnostics> {
    let mut warnings = Diagnostics::default();
    let mut errors = Diagnostics::default();
    let mut provenance = overlay::Provenance::default();
    for path in paths {
        let parsed = load::load_file(path).map_err(Diagnostics::from).and_then(overlay::parse);
        match parsed {
            Ok(o) if !errors.has_errors() => {
                let mut origins = Vec::new();
                if let Err(e) = overlay::apply_tracked(doc, &o, spec, strictness, &mut warnings, &mut origins) {
                    errors.extend(e);
                }
                provenance.add(o, origins);
            }
            Ok(_) => {}
            Err(e) => errors.extend(e),
        }
    }
    if errors.has_errors() {
        errors.extend(warnings);
        return Err(errors);
    }
    Ok((warnings, provenance))
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

/// Points diagnostics inside nodes brought in from other files at those files, and those at
/// nodes an overlay wrote at that overlay: a node the document's own file does not have, or a
/// value the overlay replaced.
fn relocate(diags: &mut Diagnostics, imports: &load::external::Imports, provenance: &overlay::Provenance, spec: &Source) {
    if !imports.is_empty() {
        for d in diags.iter_mut().filter(|d| d.file.is_none()) {
            imports.relocate(d);
        }
    }
    if provenance.is_empty() {
        return;
    }
    let written: Vec<String> = diags
        .iter()
        .filter(|d| d.file.is_none())
        .filter_map(|d| d.pointer.clone())
        .filter(|p| provenance.writer(p).is_some())
        .collect();
    if written.is_empty() {
        return;
    }
    let refs: Vec<&str> = written.iter().map(String::as_str).collect();
    let in_spec = load::source_map::locate(&spec.text, &refs);
    for d in diags.iter_mut().filter(|d| d.file.is_none()) {
        let Some(pointer) = d.pointer.clone() else { continue };
        let Some((overlay, there, replaced)) = provenance.writer(&pointer) else { continue };
        if replaced || !in_spec.contains_key(&pointer) {
            d.file = Some(overlay.path.clone());
            d.location = overlay.source.locate(&there);
            d.pointer = Some(there);
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
        .flat_map(|p| diagnostics::pointer_ancestors(p).map(str::to_string).collect::<Vec<_>>())
        .collect();
    if pointers.is_empty() {
        return;
    }
    let refs: Vec<&str> = pointers.iter().map(String::as_str).collect();
    let found = load::source_map::locate(&spec.text, &refs);
    for d in diags.iter_mut().filter(|d| d.file.is_none()) {
        d.file = Some(spec.path.clone());
        if d.location.is_none() {
            d.location = d.pointer.as_deref().and_then(|p| diagnostics::pointer_ancestors(p).find_map(|a| found.get(a).copied()));
        }
    }
}
