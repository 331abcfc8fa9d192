//! References to other files (`$ref: ./schemas/pet.yaml#/Pet`): each file is loaded once, and
//! what the document refers to is brought into it, so the later stages see one document with
//! local references only. References to URLs are refused: generation never uses the network.
//!
//! Where a target lands depends on where the reference stands:
//!
//! - where a schema is expected (below a `schema` or `schemas` key): a component schema, named
//!   after the last segment of the fragment (or the file name), shared by every reference to
//!   the same target, so recursive schemas across files terminate;
//! - as a response, parameter, header or request body of an operation: a component of that
//!   kind, shared the same way (a shared `Unauthorized` response stays one type);
//! - anywhere else (a path item, a component itself, a whole component map such as
//!   `components.schemas: {$ref: ./schemas.yaml}`, an example): a copy in place; the entries of
//!   a copied component map are components that the file's own references share.
//!
//! A reference to the document's own file (`openapi.yaml#/components/schemas/Pet`) is read as
//! the local reference it means.
//!
//! Every imported node remembers its file and its place there, so a problem inside it is
//! reported at that file's line and column ([`Imports::relocate`]).
//!
//! A document converted from another format (Swagger 2.0) refers to files of that format: with a
//! [`Dialect`], each file is converted as it is loaded, and each node that lands as a schema
//! too; places in a converted file are mapped back to the file as written.

use crate::diagnostics::{Diagnostic, Diagnostics, escape_pointer_segment, pointer_ancestors, pointer_segments};
use crate::load::{Source, is_url, load_file};
use crate::normalise31::{PointerMap, node_count as nodes};
use crate::resolve::{WALK_LIMIT, component_section, decode_fragment, insert_component, unique_key as unique};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Imports beyond this many rounds are a cycle of copies (a path item whose file refers back to
/// it, say).
const MAX_ROUNDS: usize = 64;

/// JSON nodes all copies together may add (against a small file copied into itself
/// exponentially).
const COPY_BUDGET: usize = 2_000_000;

/// The files a document refers to, and where their nodes landed in it.
#[derive(Debug, Default)]
pub struct Imports {
    /// Each file loaded, once.
    files: Vec<Source>,
    /// For each file, where its nodes were before a [`Dialect`] converted it (empty without one).
    moved: Vec<PointerMap>,
    /// Index of each file in `files`, by its path as opened.
    by_path: BTreeMap<PathBuf, usize>,
    /// Pointer in the document → (file index, pointer in that file) of each imported node.
    places: BTreeMap<String, (usize, String)>,
}

impl Imports {
    /// Whether the document referred to no other file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Gives a diagnostic whose pointer is inside an imported node that node's file, its pointer
    /// there, and its line and column. Returns whether it did.
    pub fn relocate(&self, d: &mut Diagnostic) -> bool {
        let Some(pointer) = d.pointer.as_deref() else { return false };
        // The longest imported prefix of the pointer (a node imported inside another one wins).
        let mut prefix = pointer;
        loop {
            if let Some((file, there)) = self.places.get(prefix) {
                let rest = &pointer[prefix.len()..];
                let inside = self.moved[*file].original(&format!("{there}{rest}"));
                let source = &self.files[*file];
                d.file = Some(source.path.clone());
                d.location = pointer_ancestors(&inside).find_map(|p| source.locate(p));
                d.pointer = Some(inside);
                return true;
            }
            match prefix.rfind('/') {
                Some(i) if i > 1 => prefix = &prefix[..i],
                _ => return false,
            }
        }
    }
}

/// How the files of a document converted from another format are read.
pub trait Dialect {
    /// Converts a file's whole value, as loaded; returns where its nodes were before and what
    /// the conversion had to say (pointers into the file as written).
    fn file(&self, value: &mut Value) -> (PointerMap, Diagnostics);
    /// Converts a node (already converted or not) that lands where a schema is expected.
    fn schema(&self, value: Value) -> Value;
}

/// A reference found in the document.
struct Site {
    /// Where the object holding `$ref` is (JSON pointer, unescaped segments).
    at: Vec<String>,
    /// The reference as written, made absolute when it came from an imported file.
    reference: String,
    /// Whether a schema is expected there.
    in_schema: bool,
}

/// Brings every file `doc` refers to into it. `spec` is the document's own path (relative
/// references are read from its folder). All problems are reported together, in the
/// diagnostics returned beside the files (which [`Imports::relocate`] needs to point at them).
pub fn bundle(doc: &mut Value, spec: &Path) -> (Imports, Diagnostics) {
    bundle_with(doc, spec, None)
}

/// [`bundle`], converting each file and each node that lands as a schema with `dialect`. The
/// conversion's diagnostics are returned with the others, located in their files.
pub fn bundle_with(doc: &mut Value, spec: &Path, dialect: Option<&dyn Dialect>) -> (Imports, Diagnostics) {
    let mut imports = Imports::default();
    let mut errors = Diagnostics::default();
    // Components made from a file's node, by (file, pointer there): shared by every reference.
    let mut made: BTreeMap<(usize, String), String> = BTreeMap::new();
    let base = spec.parent().map(Path::to_path_buf).unwrap_or_default();
    let own = std::fs::canonicalize(spec).ok();
    let mut copied = 0usize;
    for round in 0.. {
        let mut sites = Vec::new();
        collect(doc, &mut Vec::new(), false, &mut sites, 0);
        if sites.is_empty() || errors.has_errors() {
            break;
        }
        if round == MAX_ROUNDS {
            let s = &sites[0];
            errors.push(
                Diagnostic::error(format!("`$ref` `{}` is part of a cycle of files that copy each other", s.reference))
                    .pointer(pointer_of(&s.at, "$ref"))
                    .help("make one of the references point at a schema or a component, which are shared instead of copied"),
            );
            break;
        }
        // Components (and component maps) that are references to a file's node first: they
        // give it their name.
        sites.sort_by_key(|s| !is_component_slot(&s.at));
        for site in sites {
            let pointer = pointer_of(&site.at, "$ref");
            let (file_part, fragment) = match site.reference.split_once('#') {
                Some((f, frag)) => (f, frag),
                None => (site.reference.as_str(), ""),
            };
            if is_url(file_part) {
                errors.push(
                    Diagnostic::error(format!("`$ref` `{}` is a URL; sdkforge never fetches anything over the network", site.reference))
                        .pointer(pointer)
                        .help("download the file next to the document and refer to it by a relative path, e.g. `./pet.yaml#/Pet`"),
                );
                continue;
            }
            let decoded = percent_encoding::percent_decode_str(file_part).decode_utf8_lossy().into_owned();
            let path = if Path::new(&decoded).is_absolute() { PathBuf::from(&decoded) } else { lexical(&base.join(&decoded)) };
            // One load per file, however it is spelled (`./a/../pet.yaml`, `pet.yaml`).
            let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            // A reference to the document's own file (`openapi.yaml#/components/schemas/Pet`)
            // is a local one: the same node, not a copy of it (a converted document's own
            // places have moved, so its references stay file references).
            if dialect.is_none() && own.as_ref().is_some_and(|own| *own == key) {
                if let Some(Value::Object(m)) = doc.pointer_mut(&slot_of(&site.at)) {
                    m.insert("$ref".into(), Value::String(format!("#{fragment}")));
                }
                continue;
            }
            // Only files: a device (`/dev/zero`) or a pipe could be read forever.
            if std::fs::metadata(&path).is_ok_and(|m| !m.is_file()) {
                errors.push(
                    Diagnostic::error(format!("`$ref` `{}` does not name a file", site.reference))
                        .pointer(pointer)
                        .help(format!("`{}` is a folder or a device", path.display())),
                );
                continue;
            }
            let file = match imports.by_path.get(&key) {
                Some(i) => *i,
                None => match load_file(&path) {
                    Ok(mut source) => {
                        let moved = match dialect {
                            Some(d) => {
                                let (moved, found) = d.file(&mut source.value);
                                for mut f in found.iter().cloned() {
                                    f.location = f.pointer.as_deref().and_then(|p| pointer_ancestors(p).find_map(|a| source.locate(a)));
                                    f.file = Some(source.path.clone());
                                    errors.push(f);
                                }
                                moved
                            }
                            None => PointerMap::default(),
                        };
                        imports.files.push(source);
                        imports.moved.push(moved);
                        imports.by_path.insert(key, imports.files.len() - 1);
                        imports.files.len() - 1
                    }
                    Err(e) => {
                        errors.push(
                            Diagnostic::error(format!("`$ref` `{}` cannot be read: {}", site.reference, e.message))
                                .pointer(pointer)
                                .help(format!("the file is looked for at `{}`", path.display())),
                        );
                        continue;
                    }
                },
            };
            let inner = decode_fragment(fragment);
            let there = if inner.is_empty() { "#".to_string() } else { format!("#{inner}") };
            let Some(target) = imports.files[file].value.pointer(&inner) else {
                errors.push(
                    Diagnostic::error(format!("`$ref` `{}`: `{}` has nothing at `{there}`", site.reference, imports.files[file].path.display()))
                        .pointer(pointer)
                        .help("fix the part after `#`: it is a JSON pointer into that file"),
                );
                continue;
            };
            let mut value = target.clone();
            // The file's folder as the reference names it: relative to the document's folder (a
            // leading `..` included), or absolute.
            let from = Path::new(&decoded).parent().map(Path::to_path_buf).unwrap_or_default();
            absolutise(&mut value, &from, &decoded, 0);
            let section = landing(&site);
            let schema = section == Some("schemas") || (site.at.len() == 3 && site.at[0] == "components" && site.at[1] == "schemas");
            if let (Some(d), true) = (dialect, schema) {
                value = d.schema(value);
            }
            let replacement = match section {
                Some(section) => {
                    let key = (file, there.clone());
                    let name = match made.get(&key) {
                        Some(name) => name.clone(),
                        None => {
                            copied += nodes(&value, COPY_BUDGET);
                            let name = unique(doc, section, &component_name(&inner, &path));
                            let local = format!("#/components/{section}/{}", escape_pointer_segment(&name));
                            insert_component(doc, section, &name, value);
                            imports.places.insert(local.clone(), (file, there.clone()));
                            made.insert(key, local.clone());
                            local
                        }
                    };
                    serde_json::json!({ "$ref": name })
                }
                None => {
                    copied += nodes(&value, COPY_BUDGET);
                    let here = pointer_of(&site.at, "");
                    // A component that is a reference to a file's node is that node: other
                    // references to it share the component.
                    if site.at.len() == 3 && site.at[0] == "components" {
                        made.entry((file, there.clone())).or_insert_with(|| here.clone());
                    }
                    // A component map given as a file (`components: {schemas: {$ref:
                    // ./schemas.yaml}}`): each entry is a component, which the file's own
                    // references to it (`#/Pet`) share.
                    if site.at.len() == 2 && site.at[0] == "components" {
                        if let Value::Object(entries) = &value {
                            for k in entries.keys() {
                                let inside = format!("{}/{}", there.trim_end_matches('/'), escape_pointer_segment(k));
                                made.entry((file, inside)).or_insert_with(|| format!("{here}/{}", escape_pointer_segment(k)));
                            }
                        }
                    }
                    imports.places.insert(here, (file, there.clone()));
                    value
                }
            };
            if copied > COPY_BUDGET {
                errors.push(
                    Diagnostic::error(format!("external references expand the document beyond {COPY_BUDGET} JSON nodes"))
                        .pointer(pointer)
                        .help("refer to schemas or components, which are shared, rather than copying large nodes"),
                );
                break;
            }
            if let Some(slot) = doc.pointer_mut(&slot_of(&site.at)) {
                // A path item keeps the siblings of its `$ref` (`summary`, `description`).
                let siblings: Map<String, Value> = match slot {
                    Value::Object(m) if section.is_none() => m.iter().filter(|(k, _)| k.as_str() != "$ref").map(|(k, v)| (k.clone(), v.clone())).collect(),
                    _ => Map::new(),
                };
                *slot = replacement;
                if let Value::Object(m) = slot {
                    m.extend(siblings);
                }
            }
        }
    }
    (imports, errors)
}

/// The JSON pointer (for `Value::pointer_mut`, no `#`) of the object at `at`.
fn slot_of(at: &[String]) -> String {
    at.iter().map(|s| format!("/{}", escape_pointer_segment(s))).collect()
}

/// A pointer string from unescaped segments, with `last` appended when not empty.
fn pointer_of(at: &[String], last: &str) -> String {
    let mut segs: Vec<&str> = at.iter().map(String::as_str).collect();
    if !last.is_empty() {
        segs.push(last);
    }
    crate::diagnostics::pointer_from(segs)
}

/// Collects every reference to another file, with where it stands. The path down is kept as
/// borrowed keys and indices, made into text only for a reference found: documents without
/// external references (most) then walk without allocating.
fn collect<'a>(v: &'a Value, at: &mut Vec<Segment<'a>>, in_schema: bool, out: &mut Vec<Site>, depth: usize) {
    if depth > WALK_LIMIT {
        return;
    }
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                if !r.starts_with('#') {
                    out.push(Site { at: at.iter().map(Segment::text).collect(), reference: r.clone(), in_schema });
                    return;
                }
            }
            for (k, child) in map {
                // Examples are data: a `$ref` in one is text.
                if k == "example" || k == "examples" {
                    continue;
                }
                at.push(Segment::Key(k));
                collect(child, at, in_schema || k == "schema" || k == "schemas", out, depth + 1);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push(Segment::Index(i));
                collect(item, at, in_schema, out, depth + 1);
                at.pop();
            }
        }
        _ => {}
    }
}

/// One step of the path [`collect`] walks down.
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

impl Segment<'_> {
    fn text(&self) -> String {
        match self {
            Segment::Key(k) => (*k).to_string(),
            Segment::Index(i) => i.to_string(),
        }
    }
}

/// The `components` section a reference's target lands in, or `None` for a copy in place.
fn landing(site: &Site) -> Option<&'static str> {
    let at = &site.at;
    // A component itself (`components.responses.Unauthorized: {$ref: ...}`) keeps its name,
    // and a component map given as a file (`components.schemas: {$ref: ./schemas.yaml}`) is
    // that file's mapping, copied in place.
    if is_component_slot(at) {
        return None;
    }
    if site.in_schema {
        return Some("schemas");
    }
    // A `parameters` list outside `paths` (`x-speakeasy-globals`) is not an operation's.
    component_section(at).filter(|s| *s != "parameters" || at.first().is_some_and(|p| p == "paths"))
}

/// `components.<section>` or `components.<section>.<name>`: a place whose `$ref` brings in
/// components by name.
fn is_component_slot(at: &[String]) -> bool {
    (at.len() == 2 || at.len() == 3) && at[0] == "components"
}

/// Rewrites the references inside a node taken from the file `name` (as its reference wrote
/// it), in the folder `dir` (relative to the document's), so they still mean the same once it
/// is in the document: `#/x` becomes `<file>#/x`, `other.yaml#/y` the path of `other.yaml`
/// beside it, both relative to the document's folder. URLs stay, to be refused where they stand.
fn absolutise(v: &mut Value, dir: &Path, name: &str, depth: usize) {
    if depth > WALK_LIMIT {
        return;
    }
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                let (file_part, fragment) = r.split_once('#').unwrap_or((r.as_str(), ""));
                if !is_url(file_part) {
                    let file = if file_part.is_empty() {
                        lexical(&dir.join(Path::new(name).file_name().unwrap_or_default()))
                    } else {
                        let decoded = percent_encoding::percent_decode_str(file_part).decode_utf8_lossy().into_owned();
                        if Path::new(&decoded).is_absolute() { PathBuf::from(decoded) } else { lexical(&dir.join(decoded)) }
                    };
                    *r = format!("{}#{fragment}", file.display());
                }
            }
            for (k, child) in map.iter_mut() {
                // Examples are data: a `$ref` in one is text.
                if k != "example" && k != "examples" {
                    absolutise(child, dir, name, depth + 1);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| absolutise(i, dir, name, depth + 1)),
        _ => {}
    }
}

/// `a/./b/../c` → `a/c`, without touching the file system (a leading `..` stays).
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.iter().collect()
}

/// A component name for an imported node: the last segment of its pointer (`Pet` for
/// `#/definitions/Pet`), else the file's name without its extension.
fn component_name(fragment: &str, path: &Path) -> String {
    let last = pointer_segments(fragment).into_iter().rev().find(|s| !s.is_empty() && !s.chars().all(|c| c.is_ascii_digit()));
    last.unwrap_or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "External".into()))
}
