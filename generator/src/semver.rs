//! What a regeneration does to the users of a generated crate: the public API of two IRs
//! compared item by item (`sdkforge diff`), each change classified as `breaking`, `additive` or
//! `docs`, and the version bump it needs. The policy is `docs/semver.md`.
//!
//! The generated API is flattened into a [`Surface`]: one entry per public item a user can name
//! (`client.pos().logout()`, `types::PosUser::email`, `errors::PosLogoutError::Unauthorized`),
//! with its signature (what a use of it compiles against) and its docs. Generated structs and
//! enums are `#[non_exhaustive]` and built with `new(required...)` plus setters, so the rule is
//! uniform: an item that disappears or whose signature changes breaks users, an item that
//! appears does not, and a change of docs alone is documentation.

use crate::ir::{Api, Group, Operation, Success, TypeDef, TypeKind, TypeRef};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// A public item: what code using it compiles against, and its documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// The signature (`fn(id: String) -> Result<PosUser, Error<errors::GetUserError>>`, a field's
    /// type, a variant's payload).
    pub signature: String,
    /// A hash of its docs (empty when it has none), for `docs` changes.
    pub doc: String,
}

/// Every public item of a generated crate, by path.
pub type Surface = BTreeMap<String, Item>;

/// How a change affects users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Only documentation changed.
    Docs,
    /// New API; existing code keeps compiling and behaving.
    Additive,
    /// Existing code may stop compiling (or send something else).
    Breaking,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Docs => "docs",
            Kind::Additive => "additive",
            Kind::Breaking => "breaking",
        }
    }
}

/// One change to one public item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// How it affects users.
    pub kind: Kind,
    /// The item (`types::PosUser::email`).
    pub item: String,
    /// What changed, in words.
    pub message: String,
}

/// The version bump a set of changes needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    /// Nothing public changed.
    None,
    /// `x.y.Z`.
    Patch,
    /// `x.Y.0`.
    Minor,
    /// `X.0.0`.
    Major,
}

impl Bump {
    /// The name used in reports and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// The comparison of two generated APIs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The bump the changes need from the current version.
    pub bump: Bump,
    /// The current version the bump applies to.
    #[serde(skip)]
    pub current_version: String,
    /// The version to release next (the current one when nothing changed).
    pub next_version: String,
    /// Every change, breaking first, then by item.
    pub changes: Vec<Change>,
}

impl Report {
    /// Whether some change is breaking.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.kind == Kind::Breaking)
    }

    /// The stable JSON form: `{"bump", "next_version", "changes": [{"kind", "item", "message"}]}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes.is_empty() {
            return writeln!(f, "no change to the public API: no release needed ({})", self.current_version);
        }
        for c in &self.changes {
            writeln!(f, "{:<9} {}: {}", c.kind.as_str(), c.item, c.message)?;
        }
        let count = |k| self.changes.iter().filter(|c| c.kind == k).count();
        writeln!(
            f,
            "\n{} breaking, {} additive, {} docs: a {} release, {} -> {}",
            count(Kind::Breaking),
            count(Kind::Additive),
            count(Kind::Docs),
            self.bump.as_str(),
            self.current_version,
            self.next_version
        )
    }
}

/// Compares two generated APIs; `current_version` is the version the old one was released as.
pub fn diff(old: &Api, new: &Api, current_version: &str) -> Report {
    compare(&surface(old), &surface(new), current_version)
}

/// Compares two surfaces.
pub fn compare(old: &Surface, new: &Surface, current_version: &str) -> Report {
    let mut changes = Vec::new();
    for (path, before) in old {
        match new.get(path) {
            None => changes.push(Change { kind: Kind::Breaking, item: path.clone(), message: format!("removed (was `{}`)", before.signature) }),
            Some(after) if after.signature != before.signature => changes.push(Change {
                kind: Kind::Breaking,
                item: path.clone(),
                message: format!("changed from `{}` to `{}`", before.signature, after.signature),
            }),
            Some(after) if after.doc != before.doc => changes.push(Change { kind: Kind::Docs, item: path.clone(), message: "documentation changed".to_string() }),
            Some(_) => {}
        }
    }
    for (path, after) in new {
        if !old.contains_key(path) {
            changes.push(Change { kind: Kind::Additive, item: path.clone(), message: format!("added (`{}`)", after.signature) });
        }
    }
    changes.sort_by(|a, b| b.kind.cmp(&a.kind).then_with(|| a.item.cmp(&b.item)));
    let worst = changes.iter().map(|c| c.kind).max();
    let version = parse_version(current_version);
    let pre_1 = version.0 == 0;
    let bump = match worst {
        None => Bump::None,
        Some(Kind::Breaking) if pre_1 => Bump::Minor,
        Some(Kind::Breaking) => Bump::Major,
        Some(Kind::Additive) if !pre_1 => Bump::Minor,
        Some(Kind::Additive | Kind::Docs) => Bump::Patch,
    };
    Report { bump, current_version: current_version.to_string(), next_version: next_version(current_version, bump), changes }
}

/// `major.minor.patch` of a version (a missing or unreadable part is 0; pre-release and build
/// suffixes are dropped).
fn parse_version(v: &str) -> (u64, u64, u64) {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let mut parts = core.split('.').map(|p| p.trim().parse::<u64>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// The version after `bump` (Cargo's reading of semver: below 1.0 the minor is the major).
pub fn next_version(current: &str, bump: Bump) -> String {
    let (major, minor, patch) = parse_version(current);
    let (major, minor, patch) = match bump {
        Bump::None => return current.to_string(),
        Bump::Patch => (major, minor, patch + 1),
        Bump::Minor => (major, minor + 1, 0),
        Bump::Major => (major + 1, 0, 0),
    };
    format!("{major}.{minor}.{patch}")
}

/// The public items of a generated crate.
pub fn surface(api: &Api) -> Surface {
    let mut s = Surface::new();
    let mut add = |path: String, signature: String, doc: Option<&str>| {
        let doc = doc.unwrap_or("").trim();
        s.insert(path, Item { signature, doc: if doc.is_empty() { String::new() } else { doc_hash(doc) } });
    };
    // Groups: `client.a().b()`.
    fn groups<'g>(g: &'g Group, out: &mut Vec<&'g Group>) {
        for c in &g.groups {
            out.push(c);
            groups(c, out);
        }
    }
    let mut all = Vec::new();
    groups(&api.root, &mut all);
    for g in all {
        add(format!("client.{}", accessor(&g.path)), format!("-> {}", g.handle), g.doc.as_deref());
    }
    for op in &api.operations {
        let doc = [op.summary.as_deref(), op.description.as_deref()].into_iter().flatten().collect::<Vec<_>>().join("\n\n");
        let signature = method_signature(op);
        for path in &op.groups {
            let method = if path.is_empty() { format!("client.{}()", op.method_name) } else { format!("client.{}.{}()", accessor(path), op.method_name) };
            add(method.clone(), signature.clone(), Some(&doc));
            for p in op.params.iter().filter(|p| !p.required && !p.hidden) {
                add(format!("{method}.{}()", p.rust_name), format!("({})", render(&p.ty)), p.doc.as_deref());
            }
            if let Some(b) = op.body.as_ref().filter(|b| !b.required) {
                add(format!("{method}.body()"), format!("({})", render(&b.ty)), b.doc.as_deref());
            }
            if let Some(ov) = &op.stream_overload {
                add(format!("{method}.{}()", ov.method), format!("-> EventStream<{}>", render(&ov.event)), None);
            }
        }
        // The error enum.
        let e = format!("errors::{}", op.error_enum);
        add(e.clone(), "enum".to_string(), None);
        for r in op.responses.iter().filter(|r| r.is_error) {
            let payload = r.body.as_ref().map(|b| format!("({})", body_type(b.encoding, &b.ty))).unwrap_or_default();
            add(format!("{e}::{}", r.variant), payload, Some(&r.description));
        }
        if let Some(u) = &op.undecoded_variant {
            add(format!("{e}::{u}"), "(String)".to_string(), None);
        }
    }
    for t in &api.types {
        match (&t.kind, api.type_def(&t.name)) {
            // An alias of another named type (`pub type User104 = User;`, `ir::dedupe`) offers
            // what its target offers, under its own name: its fields, variants and `new()`.
            (TypeKind::Alias { target: TypeRef::Named(to) }, Some(def)) if def.name != t.name => {
                let (base, from) = (format!("types::{}", t.name), format!("types::{}", def.name));
                let mut as_alias = |path: String, sig: String, doc: Option<&str>| match path.strip_prefix(&from) {
                    Some("") => add(base.clone(), format!("{sig} (= types::{to})"), t.doc.as_deref()),
                    Some(rest) => add(format!("{base}{rest}"), sig, doc),
                    None => add(path, sig, doc),
                };
                type_items(def, &mut as_alias);
            }
            _ => type_items(t, &mut add),
        }
    }
    // What code spells is the signature; where requests go (a server's URL, a key's header) is
    // behaviour, reported with the docs.
    for srv in &api.servers {
        let fields = srv.variables.iter().map(|v| format!("{}: {}", v.rust_name, v.choices.as_ref().map_or("String", |c| c.name.as_str()))).collect::<Vec<_>>().join(", ");
        let sig = if fields.is_empty() { "unit variant".to_string() } else { format!("{{ {fields} }}") };
        let doc = format!("{}\n{}", srv.url, srv.description.as_deref().unwrap_or(""));
        add(format!("Server::{}", srv.variant), sig, Some(&doc));
    }
    let mut choices = std::collections::BTreeSet::new();
    for c in api.servers.iter().flat_map(|s| &s.variables).filter_map(|v| v.choices.as_ref()) {
        if choices.insert(c.name.clone()) {
            add(c.name.clone(), "enum (server variable)".to_string(), None);
            for v in &c.variants {
                add(format!("{}::{}", c.name, v.rust_name), format!("= {:?}", v.wire_value), None);
            }
        }
    }
    for scheme in &api.security_schemes {
        let args = match scheme.kind {
            crate::ir::SecurityKind::Basic => "(user, password)",
            crate::ir::SecurityKind::ApiKey { .. } => "(key)",
            crate::ir::SecurityKind::Bearer | crate::ir::SecurityKind::OAuth2 { .. } => "(token)",
        };
        let doc = format!("{:?}\n{}", scheme.kind, scheme.description.as_deref().unwrap_or(""));
        add(format!("ClientBuilder::{}()", scheme.setter), args.to_string(), Some(&doc));
        if let Some(cc) = &scheme.client_credentials_setter {
            add(format!("ClientBuilder::{cc}()"), "(client_id, client_secret)".to_string(), None);
        }
    }
    if api.session.is_some() {
        // `x-sdkforge-session`: the client keeps the tokens the API issues.
        add("ClientBuilder::token_store()".to_string(), "(impl TokenStore)".to_string(), None);
        add("ClientBuilder::session_tokens()".to_string(), "(SessionTokens)".to_string(), None);
        add("Client::session_tokens()".to_string(), "fn() -> Option<SessionTokens>".to_string(), None);
        add("Client::set_session_tokens()".to_string(), "fn(Option<SessionTokens>)".to_string(), None);
    }
    for g in &api.globals {
        add(format!("ClientBuilder::{}()", g.setter), format!("({})", render(&g.ty)), g.doc.as_deref());
    }
    if let Some(m) = api.webhooks_module() {
        // The webhook's name and discriminator value are what decoding matches: part of the
        // signature, so that a renamed event is a breaking change.
        add(format!("{m}::WebhookEvent"), "enum".to_string(), None);
        for w in &api.webhooks {
            let tag = w.discriminator.as_ref().map(|t| format!(" when {} = {:?}", t.property, t.value)).unwrap_or_default();
            let doc = [w.summary.as_deref(), w.description.as_deref()].into_iter().flatten().collect::<Vec<_>>().join("\n\n");
            add(format!("{m}::WebhookEvent::{}", w.variant), format!("({}) named {:?}{tag}", render(&w.payload), w.name), Some(&doc));
        }
    }
    s
}

/// 64-bit FNV-1a of a text, in hex: stable on every platform and run.
pub fn doc_hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// `a().b()` for the module path `["a", "b"]`.
fn accessor(path: &[String]) -> String {
    path.iter().map(|p| format!("{p}()")).collect::<Vec<_>>().join(".")
}

/// `fn(id: String, body: types::X) -> Result<T, Error<errors::E>>`.
fn method_signature(op: &Operation) -> String {
    let mut args: Vec<String> = match &op.params_struct {
        Some(s) => vec![format!("params: types::{s}")],
        None => op.params.iter().filter(|p| p.required).map(|p| format!("{}: {}", p.rust_name, render(&p.ty))).collect(),
    };
    if op.params_struct.is_none() {
        if let Some(b) = op.body.as_ref().filter(|b| b.required) {
            args.push(format!("body: {}", render(&b.ty)));
        }
    }
    let ok = match &op.success {
        Success::Single { ty: Some(t) } => render(t),
        Success::Single { ty: None } => "()".to_string(),
        Success::Several { name } => format!("types::{name}"),
    };
    format!("fn({}) -> Result<{ok}, Error<errors::{}>>", args.join(", "), op.error_enum)
}

fn body_type(encoding: crate::ir::BodyEncoding, ty: &TypeRef) -> String {
    use crate::ir::BodyEncoding;
    match encoding {
        BodyEncoding::Json | BodyEncoding::Form => render(ty),
        BodyEncoding::Text => "String".to_string(),
        BodyEncoding::Bytes | BodyEncoding::Multipart => "Vec<u8>".to_string(),
    }
}

fn type_items(t: &TypeDef, add: &mut impl FnMut(String, String, Option<&str>)) {
    let base = format!("types::{}", t.name);
    let doc = t.doc.as_deref();
    match &t.kind {
        TypeKind::Struct { fields, additional } => {
            add(base.clone(), "struct".to_string(), doc);
            let required: Vec<String> =
                fields.iter().filter(|f| !f.is_optional() && f.fixed.is_none()).map(|f| format!("{}: {}", f.rust_name, render(&f.ty))).collect();
            add(format!("{base}::new()"), format!("fn({})", required.join(", ")), None);
            for f in fields {
                let ty = if f.is_optional() { format!("Option<{}>", render(&f.ty)) } else { render(&f.ty) };
                add(format!("{base}::{}", f.rust_name), ty, f.doc.as_deref());
            }
            if let Some(a) = additional {
                add(format!("{base}::additional_properties"), format!("BTreeMap<String, {}>", render(a)), None);
            }
        }
        TypeKind::Headers { fields } => {
            add(base.clone(), "struct (headers)".to_string(), doc);
            for f in fields {
                add(format!("{base}::{}", f.rust_name), format!("Option<{}>", render(&f.ty)), f.doc.as_deref());
            }
        }
        TypeKind::Enum { variants, open } => {
            add(base.clone(), if *open { "enum (open)" } else { "enum" }.to_string(), doc);
            for v in variants {
                add(format!("{base}::{}", v.rust_name), format!("= {:?}", v.wire_value), None);
            }
        }
        TypeKind::IntEnum { variants, open } => {
            add(base.clone(), if *open { "int enum (open)" } else { "int enum" }.to_string(), doc);
            for v in variants {
                add(format!("{base}::{}", v.rust_name), format!("= {}", v.value), None);
            }
        }
        TypeKind::Alias { target } => add(base, format!("= {}", render(target)), doc),
        TypeKind::Newtype { target } => add(base, format!("({})", render(target)), doc),
        TypeKind::Union { variants, discriminator } => {
            let kind = match discriminator {
                Some(d) => format!("union by `{d}`"),
                None => "union".to_string(),
            };
            add(base.clone(), kind, doc);
            for v in variants {
                let tags = if v.tags.is_empty() { String::new() } else { format!(" for {}", v.tags.join(", ")) };
                add(format!("{base}::{}", v.name), format!("({}){tags}", render(&v.ty)), None);
            }
        }
        TypeKind::Responses { variants } => {
            add(base.clone(), "enum (responses)".to_string(), doc);
            for v in variants {
                let payload = v.ty.as_ref().map(|t| format!("({})", render(t))).unwrap_or_default();
                add(format!("{base}::{}", v.name), payload, v.doc.as_deref());
            }
        }
    }
}

/// A type as a user writes it.
fn render(t: &TypeRef) -> String {
    match t {
        TypeRef::String => "String".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F32 => "f32".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::U32 => "u32".into(),
        TypeRef::U64 => "u64".into(),
        TypeRef::Bytes | TypeRef::Base64 => "Vec<u8>".into(),
        TypeRef::DateTime => "chrono::DateTime<Utc>".into(),
        TypeRef::Date => "chrono::NaiveDate".into(),
        TypeRef::Uuid => "uuid::Uuid".into(),
        TypeRef::IntString(t) => render(t),
        TypeRef::Decimal { .. } => "rust_decimal::Decimal".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::Named(n) => format!("types::{n}"),
        TypeRef::Vec(t) => format!("Vec<{}>", render(t)),
        TypeRef::Map(t) => format!("BTreeMap<String, {}>", render(t)),
        TypeRef::Option(t) => format!("Option<{}>", render(t)),
        TypeRef::Box(t) => format!("Box<{}>", render(t)),
        TypeRef::Tuple(ts) => format!("({})", ts.iter().map(render).collect::<Vec<_>>().join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(sig: &str, doc: &str) -> Item {
        Item { signature: sig.into(), doc: doc.into() }
    }

    #[test]
    fn changes_are_classified_and_the_bump_follows_cargo_semver() {
        let old: Surface = [("a".to_string(), item("fn()", "x")), ("b".to_string(), item("i64", "")), ("c".to_string(), item("String", "old"))].into();
        let new: Surface = [("a".to_string(), item("fn()", "x")), ("b".to_string(), item("String", "")), ("c".to_string(), item("String", "new")), ("d".to_string(), item("bool", ""))].into();
        let r = compare(&old, &new, "0.3.1");
        let kinds: Vec<(Kind, &str)> = r.changes.iter().map(|c| (c.kind, c.item.as_str())).collect();
        assert_eq!(kinds, [(Kind::Breaking, "b"), (Kind::Additive, "d"), (Kind::Docs, "c")]);
        assert_eq!((r.bump, r.next_version.as_str()), (Bump::Minor, "0.4.0"));
        assert_eq!(compare(&old, &new, "1.2.3").next_version, "2.0.0");
        let additive: Surface = old.clone().into_iter().chain([("z".to_string(), item("bool", ""))]).collect();
        assert_eq!(compare(&old, &additive, "0.3.1").next_version, "0.3.2");
        assert_eq!(compare(&old, &additive, "1.2.3").next_version, "1.3.0");
        let r = compare(&old, &old, "1.2.3");
        assert_eq!((r.bump, r.next_version.as_str(), r.changes.len()), (Bump::None, "1.2.3", 0));
    }

    #[test]
    fn versions_are_read_leniently() {
        assert_eq!(next_version("1.2.3-beta.1+b", Bump::Patch), "1.2.4");
        assert_eq!(next_version("2", Bump::Minor), "2.1.0");
    }
}

/// The version in a generated crate's `Cargo.toml` (`[package] version`), when there is one.
pub fn crate_version(out: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(out.join("Cargo.toml")).ok()?;
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(v) = line.strip_prefix("version").map(str::trim_start).and_then(|r| r.strip_prefix('=')) {
                return Some(v.trim().trim_matches('"').to_string());
            }
        }
    }
    None
}

/// The document and overlays as they were at a git revision.
pub mod git {
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};

    /// A temporary copy of some files at a revision; removed when dropped.
    pub struct Snapshot {
        root: PathBuf,
        toplevel: PathBuf,
    }

    impl Snapshot {
        /// Where a file of the working tree is in the snapshot.
        pub fn path_of(&self, file: &Path) -> PathBuf {
            let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
            let abs = abs.canonicalize().unwrap_or(abs);
            match abs.strip_prefix(&self.toplevel) {
                Ok(rel) => self.root.join(rel),
                Err(_) => abs,
            }
        }
    }

    impl Drop for Snapshot {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }

    fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
        let out = Command::new("git").current_dir(dir).args(args).stderr(Stdio::piped()).output().map_err(|e| format!("cannot run git: {e}"))?;
        if !out.status.success() {
            return Err(format!("`git {}` failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()));
        }
        Ok(out.stdout)
    }

    /// Extracts the spec's folder (for references to other files) and the overlays at `rev`.
    pub fn checkout(rev: &str, spec: &Path, overlays: &[PathBuf]) -> Result<Snapshot, String> {
        let abs = |p: &Path| -> Result<PathBuf, String> {
            let a = std::path::absolute(p).map_err(|e| format!("{}: {e}", p.display()))?;
            Ok(a.canonicalize().unwrap_or(a))
        };
        let spec = abs(spec)?;
        let dir = spec.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        let toplevel = PathBuf::from(String::from_utf8_lossy(&git(&dir, &["rev-parse", "--show-toplevel"])?).trim().to_string());
        let toplevel = toplevel.canonicalize().unwrap_or(toplevel);
        let rel = |p: &Path| -> Result<String, String> {
            p.strip_prefix(&toplevel)
                .map(|r| r.to_string_lossy().replace('\\', "/"))
                .map_err(|_| format!("{} is not in the git repository at {}", p.display(), toplevel.display()))
        };
        let mut paths = vec![rel(&dir)?];
        for o in overlays {
            paths.push(rel(&abs(o)?)?);
        }
        let paths: Vec<String> = paths.into_iter().map(|p| if p.is_empty() { ".".to_string() } else { p }).collect();
        let root = std::env::temp_dir().join(format!("sdkforge-diff-{}-{}", std::process::id(), rev.replace(['/', '~', '^', ':'], "_")));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
        let snapshot = Snapshot { root: root.clone(), toplevel: toplevel.clone() };
        let mut args = vec!["archive", "--format=tar", rev, "--"];
        args.extend(paths.iter().map(String::as_str));
        let tar = git(&toplevel, &args)?;
        let mut child = Command::new("tar")
            .arg("-x")
            .arg("-C")
            .arg(&root)
            .stdin(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run tar: {e}"))?;
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write;
            stdin.write_all(&tar).map_err(|e| format!("cannot extract the revision: {e}"))?;
        }
        let status = child.wait().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("cannot extract {rev}: tar failed"));
        }
        Ok(snapshot)
    }
}
