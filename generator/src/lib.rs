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
//! [`load`] (YAML/JSON, with a lazily computed source map) → [`overlay`] → [`swagger2`] (Swagger 2.0
//! converted into OpenAPI 3.0) → [`normalise31`]
//! (OpenAPI 3.1 rewritten into the 3.0 shape) → [`resolve`] (typed document, `$ref`s) → [`ir`] (lowering and checks) → [`emit`] (tokens, formatted with
//! prettyplease) → [`write`] (atomic replace, or a diff for `check`). Every problem is a
//! [`Diagnostic`] with the file, line:column and JSON pointer.

// A `Diagnostic` is a plain struct of owned fields that callers read directly; it travels only on
// the error path, once per problem, so its size costs nothing worth boxing it for.
#![allow(clippy::result_large_err)]

pub mod config;
pub mod diagnostics;
pub mod emit;
pub mod init;
pub mod ir;
pub mod load;
pub mod normalise31;
pub mod overlay;
pub mod release;
pub mod resolve;
pub mod semver;
pub mod swagger2;
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
    /// The version, and the changes since the last release (`released-api.json`).
    pub release: release::Release,
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

    /// Loads the document, applies the overlays, in order, and converts a Swagger 2.0 document
    /// into OpenAPI 3.0 ([`swagger2`]; overlays are written against the document as it is). The
    /// document's value is moved out of the returned [`Source`] (which keeps `Null`) into the
    /// second element, so that a large document is not held twice.
    pub fn load(&self) -> Result<(Source, Value, Diagnostics), Diagnostics> {
        self.load_tracked().map(|(spec, doc, warnings, _, _)| (spec, doc, warnings))
    }

    /// [`Self::load`], with where the overlays' updates landed and where the conversion from
    /// Swagger 2.0 moved the document's nodes.
    #[allow(clippy::type_complexity)]
    fn load_tracked(&self) -> Result<(Source, Value, Diagnostics, overlay::Provenance, swagger2::Converted), Diagnostics> {
        self.config.check().map_err(Diagnostics::from)?;
        let mut spec = load::load_file(&self.config.spec)?;
        let mut doc = std::mem::take(&mut spec.value);
        let strictness = if self.config.strict_overlays { overlay::Strictness::Strict } else { overlay::Strictness::Lenient };
        let (mut warnings, provenance) = apply_overlays_tracked(&mut doc, &self.config.overlays, Some(&self.config.spec), strictness)?;
        if spec.bom {
            warnings.push(load::bom_warning(&spec.path));
        }
        let converted = convert_swagger(&mut doc, &spec, &provenance, &mut warnings)?;
        Ok((spec, doc, warnings, provenance, converted))
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
    /// general path: the value, overlays, [`swagger2`], [`normalise31`], then
    /// [`resolve::document`], which also reports problems. (The fast path refuses Swagger
    /// documents: they have no `openapi` key.)
    ///
    /// Diagnostics of the stages after the conversion point into the converted document; each is
    /// pointed back in turn: through [`normalise31`]'s moves, into the file an imported node came
    /// from, else through the conversion's moves, then at the overlay that wrote the node.
    fn ir_and_document(&self) -> Result<(Api, Option<Value>, Diagnostics), Diagnostics> {
        let (mut api, doc, mut warnings) = self.read()?;
        if self.config.dedupe_types {
            ir::dedupe::dedupe(&mut api.types);
        }
        // `--strict`: what the reading policy resolved is refused instead.
        if self.config.strict && warnings.iter().any(|d| d.rule.is_some()) {
            warnings.deny_reading_rules();
            return Err(warnings);
        }
        Ok((api, doc, warnings))
    }

    /// [`Self::ir_and_document`] before `--strict` applies.
    fn read(&self) -> Result<(Api, Option<Value>, Diagnostics), Diagnostics> {
        let (spec, mut doc, mut warnings, provenance, converted) = if self.config.overlays.is_empty() && !self.config.with_tests {
            self.config.check().map_err(Diagnostics::from)?;
            let path = &self.config.spec;
            let (text, format, bom) = load::read_text(path)?;
            let warnings: Diagnostics = bom.then(|| load::bom_warning(path)).into_iter().collect();
            let text = if format == load::Format::Json {
                match resolve::from_json_text(&text) {
                    Some(openapi) => {
                        let spec = Source { path: path.clone(), text, format, value: Value::Null, bom };
                        let lowered = {
                            let trail = Trail { spec: &spec, imports: &Default::default(), provenance: &Default::default(), converted: &Default::default() };
                            self.lower(Ok(openapi), warnings.clone(), &Default::default(), &Default::default(), None, &trail)
                        };
                        // A document the fast path cannot lower may still be read generously
                        // by the general path (a `$ref` to a component of another kind, say),
                        // which reports what is wrong otherwise. Only failures pay for both.
                        if lowered.is_ok() {
                            return lowered;
                        }
                        spec.text
                    }
                    None => text,
                }
            } else {
                text
            };
            let mut spec = load::parse_source(path, text, format)?;
            spec.bom = bom;
            let mut doc = std::mem::take(&mut spec.value);
            let provenance = overlay::Provenance::default();
            let mut warnings = warnings;
            let converted = convert_swagger(&mut doc, &spec, &provenance, &mut warnings)?;
            (spec, doc, warnings, provenance, converted)
        } else {
            self.load_tracked()?
        };
        // Other files the document refers to are brought in before anything reads it (the
        // contract tests' copy included).
        // A Swagger document's files are Swagger too.
        let dialect = converted.rewritten.then_some(&swagger2::Files as &dyn load::external::Dialect);
        let (imports, mut errors) = load::external::bundle_with(&mut doc, &spec.path, dialect);
        let converted = converted.pointers;
        let trail = Trail { spec: &spec, imports: &imports, provenance: &provenance, converted: &converted };
        trail.original_places(&mut errors, None);
        if errors.has_errors() {
            errors.extend(warnings);
            trail.finish(&mut errors);
            return Err(errors);
        }
        // The conversion's warnings about those files (located already).
        warnings.extend(errors);
        let overlaid = self.config.with_tests.then(|| doc.clone());
        let mut normalised = normalise31::normalise(&mut doc);
        // Its diagnostics already point into the document before it.
        trail.original_places(&mut normalised.diagnostics, None);
        warnings.extend(normalised.diagnostics);
        let mut dropped = resolve::drop_callbacks(&mut doc);
        trail.original_places(&mut dropped, Some(&normalised.pointers));
        warnings.extend(dropped);
        // Numbers the loader kept as text, fitted to what the typed model holds.
        let mut fitted = load::numbers::fit(&mut doc);
        trail.original_places(&mut fitted, Some(&normalised.pointers));
        warnings.extend(fitted);
        let (openapi, moves) = if warnings.has_errors() {
            (Err(Diagnostics::default()), Default::default())
        } else {
            let (openapi, moves, mut kinds) = resolve::document_with_moves(doc);
            trail.original_places(&mut kinds, Some(&normalised.pointers));
            warnings.extend(kinds);
            (openapi.map_err(Diagnostics::from), moves)
        };
        self.lower(openapi, warnings, &normalised.pointers, &moves, overlaid, &trail)
    }

    /// Lowers the typed document into the IR; diagnostics (and the IR's pointers) are pointed
    /// back at the original document's places and located in its text. `warnings` already are.
    fn lower(
        &self,
        openapi: Result<openapiv3::OpenAPI, Diagnostics>,
        mut warnings: Diagnostics,
        pointers: &normalise31::PointerMap,
        moves: &normalise31::PointerMap,
        overlaid: Option<Value>,
        trail: &Trail<'_>,
    ) -> Result<(Api, Option<Value>, Diagnostics), Diagnostics> {
        // Nodes the resolve stage moved into components were elsewhere in the document.
        let unmove = |diags: &mut Diagnostics| {
            if !moves.is_empty() {
                for d in diags.iter_mut() {
                    if let Some(p) = &d.pointer {
                        d.pointer = Some(moves.original(p));
                    }
                }
            }
        };
        let result = openapi.and_then(|mut openapi| {
            // Example objects are data for readers; lowering reads only those of parameters and
            // request bodies (for the examples in the docs). A large document has many (a fifth
            // of GitHub's components), and lowering is where memory peaks.
            let wanted = ir::input_example_names(&openapi);
            if let Some(components) = &mut openapi.components {
                components.examples.retain(|name, _| wanted.contains(name));
            }
            let names = ir::crate_names(&self.config);
            ir::lower(&openapi, &names)
        });
        match result {
            Ok((mut api, mut w)) => {
                unmove(&mut w);
                trail.original_places(&mut w, Some(pointers));
                if !pointers.is_empty() || !trail.converted.is_empty() || !moves.is_empty() {
                    api.map_pointers(|p| trail.converted.original(&pointers.original(&moves.original(p))));
                }
                warnings.extend(w);
                trail.finish(&mut warnings);
                Ok((api, overlaid, warnings))
            }
            Err(mut errors) => {
                unmove(&mut errors);
                trail.original_places(&mut errors, Some(pointers));
                errors.extend(warnings);
                trail.finish(&mut errors);
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
        let (mut api, doc, warnings) = self.ir_and_document()?;
        between();
        self.custom_modules(&mut api)?;
        api.derive_serde = self.config.derive_serde;
        let release = release::prepare(&mut api, &self.config.out, self.config.bump, &release::today())?;
        let mut files = emit::emit(&api).map_err(Diagnostics::from)?;
        if let Some(doc) = &doc {
            emit::contract::emit(&api, doc, &mut files).map_err(Diagnostics::from)?;
        }
        release.add_to(&mut files);
        Ok(Generated { api, files, warnings, release })
    }

    /// The hand-written modules (`modules`): each exists in `out`, and no generated module has
    /// its name.
    fn custom_modules(&self, api: &mut Api) -> Result<(), Diagnostics> {
        let mut problems = Diagnostics::default();
        let generated: Vec<&str> = ["client", "errors", "types", "runtime"].into_iter().chain(api.root.groups.iter().map(|g| g.module.as_str())).collect();
        for m in &self.config.modules {
            if generated.contains(&m.as_str()) {
                problems.push(
                    Diagnostic::error(format!("`modules`: `{m}` is the name of a generated module"))
                        .help("name the hand-written module otherwise, such as `extras`"),
                );
                continue;
            }
            let src = self.config.out.join("src");
            if !src.join(format!("{m}.rs")).is_file() && !src.join(m).join("mod.rs").is_file() {
                problems.push(
                    Diagnostic::error(format!("`modules`: the hand-written module `{m}` is missing: neither {} nor {} exists", src.join(format!("{m}.rs")).display(), src.join(m).join("mod.rs").display()))
                        .help("create it (sdkforge never writes it), or remove it from `modules`"),
                );
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }
        api.custom_modules = self.config.modules.clone();
        Ok(())
    }

    /// Generates and replaces the output folder (only when everything succeeded).
    pub fn write(&self) -> Result<Generated, Diagnostics> {
        let generated = self.generate()?;
        generated.files.write_keeping(&self.config.out, &self.config.kept()).map_err(Diagnostics::from)?;
        Ok(generated)
    }

    /// Generates in memory and compares with the output folder: `Ok(None)` when up to date,
    /// `Ok(Some(diff))` when not.
    pub fn check(&self) -> Result<(Option<String>, Diagnostics), Diagnostics> {
        let generated = self.generate()?;
        let diff = generated.files.diff_keeping(&self.config.out, &self.config.kept()).map_err(Diagnostics::from)?;
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

/// Converts a Swagger 2.0 document ([`swagger2::convert`]); its warnings join `warnings` (they
/// point into the document as loaded), and the result keeps only whether it was converted and
/// where the nodes moved. An error (a version other than 2.0) is located and
/// returned with the warnings so far.
fn convert_swagger(doc: &mut Value, spec: &Source, provenance: &overlay::Provenance, warnings: &mut Diagnostics) -> Result<swagger2::Converted, Diagnostics> {
    let mut converted = swagger2::convert(doc);
    warnings.extend(std::mem::take(&mut converted.diagnostics));
    if warnings.has_errors() {
        let mut errors = std::mem::take(warnings);
        relocate(&mut errors, provenance, spec);
        locate(&mut errors, spec);
        return Err(errors);
    }
    Ok(converted)
}

/// Where the stages before lowering moved the document's nodes, to point every diagnostic back
/// at the user's files.
struct Trail<'a> {
    spec: &'a Source,
    /// Nodes brought in from other files.
    imports: &'a load::external::Imports,
    /// Nodes the overlays wrote.
    provenance: &'a overlay::Provenance,
    /// Nodes the conversion from Swagger 2.0 moved (empty for an OpenAPI document).
    converted: &'a normalise31::PointerMap,
}

impl Trail<'_> {
    /// Points diagnostics of the stages after the conversion (whose pointers are into the
    /// document [`normalise31`] made when `normalised` is given, else into the one before it)
    /// at the document as loaded, or at the file an imported node came from.
    fn original_places(&self, diags: &mut Diagnostics, normalised: Option<&normalise31::PointerMap>) {
        for d in diags.iter_mut().filter(|d| d.file.is_none()) {
            if let (Some(map), Some(p)) = (normalised, &d.pointer) {
                d.pointer = Some(map.original(p));
            }
            // An imported node's place is in the document the bundling saw: the converted one.
            if self.imports.relocate(d) {
                continue;
            }
            if let Some(p) = &d.pointer {
                d.pointer = Some(self.converted.original(p));
            }
        }
    }

    /// Points diagnostics at the overlays that wrote their nodes and locates the rest in the
    /// document's text.
    fn finish(&self, diags: &mut Diagnostics) {
        relocate(diags, self.provenance, self.spec);
        locate(diags, self.spec);
    }
}

/// Points diagnostics at nodes an overlay wrote at that overlay: a node the document's own file
/// does not have, or a value the overlay replaced.
fn relocate(diags: &mut Diagnostics, provenance: &overlay::Provenance, spec: &Source) {
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
