//! The document → [`Api`]: operations, groups, servers and security, plus the checks that need
//! names (Speakeasy's duplicate-method rule).

use super::naming::{self, Namespace, collision_key};
use super::speakeasy::ErrorStatus;
use super::speakeasy;
use super::types::{SchemaRef, TypeSpace};
use super::*;
use crate::diagnostics::{Diagnostic, Diagnostics, escape_pointer_segment, pointer_from};
use crate::resolve::resolve;
use openapiv3::{OpenAPI, ParameterSchemaOrContent, ReferenceOr, StatusCode};
use std::collections::BTreeMap;

/// Names of the generated crate that lowering does not get from the document.
#[derive(Clone, Debug)]
pub struct CrateNames {
    /// Cargo package name.
    pub crate_name: String,
    /// Rust library name.
    pub lib_name: String,
    /// Package version.
    pub crate_version: String,
    /// File name of the document.
    pub source_name: String,
    /// Which formats get their own Rust type.
    pub formats: super::FormatPolicy,
}

/// Module names a group may not take at the crate root (the generated crate's own modules).
const RESERVED_MODULES: &[&str] = &["client", "types", "errors", "runtime", "prelude", "std", "core", "alloc"];

/// Methods of every `ClientBuilder`, which credential and global setters may not be named.
const BUILDER_SETTERS: &[&str] = &["server", "base_url", "build", "http_client", "timeout", "user_agent", "no_retries", "token_store", "session_tokens", "hook"];

/// Methods of every request builder, which parameters may not be named.
const BUILDER_METHODS: &[&str] = &["send", "into_future", "client", "body", "options", "send_with_response", "send_with_headers", "into_call", "decode"];

/// An operation that survived `x-speakeasy-ignore`, before its details are lowered.
struct Pending<'a> {
    op: &'a openapiv3::Operation,
    item: &'a openapiv3::PathItem,
    pointer: String,
    method: &'static str,
    path: &'a str,
    id: String,
    method_name: String,
    /// Whether the method name is the document's (an operationId, a name override or a root
    /// rename) rather than one sdkforge derived, which yields in a collision.
    explicit: bool,
    groups: Vec<Vec<String>>,
}

/// Lowers a document into the IR. Warnings come back with the IR; any error fails the whole.
pub fn lower(doc: &OpenAPI, names: &CrateNames) -> Result<(Api, Diagnostics), Diagnostics> {
    let mut diags = Diagnostics::default();
    let renames = speakeasy::root_method_renames(&doc.extensions).unwrap_or_else(|d| {
        diags.push(d);
        Vec::new()
    });
    let mut pending = collect_operations(doc, &renames, &mut diags);
    settle_duplicate_ids(&mut pending, &mut diags);
    settle_derived_names(&mut pending);
    check_duplicates(&pending, &mut diags);
    let root = build_groups(doc, &pending, &mut diags);

    // Read before the type space, which borrows them as long as it borrows the document.
    let webhook_items = super::webhooks::parse(doc, &mut diags);
    let mut types = TypeSpace::new(doc, names.formats);
    let mut error_names = Namespace::default();
    let mut schemes_used = BTreeMap::new();
    let mut operations = Vec::new();
    for p in &pending {
        let op = lower_operation(doc, p, &root, &mut types, &mut error_names, &mut schemes_used, &mut diags);
        operations.push(op);
    }
    // Component schemas no operation uses are generated only when asked (Speakeasy's rule).
    for (key, schema) in doc.components.iter().flat_map(|c| c.schemas.iter()) {
        if let ReferenceOr::Item(s) = schema {
            if speakeasy::included(&s.schema_data.extensions) {
                types.component(key);
            }
        }
    }
    let mut webhooks = super::webhooks::lower(doc, &webhook_items, &mut types, &mut diags);
    let security_schemes = lower_security_schemes(doc, &schemes_used, &mut diags);
    let mut builder_methods: Vec<&str> = BUILDER_SETTERS.to_vec();
    builder_methods.extend(security_schemes.iter().map(|s| s.setter.as_str()));
    builder_methods.extend(security_schemes.iter().filter_map(|s| s.client_credentials_setter.as_deref()));
    let globals = super::globals::lower(doc, &mut types, &builder_methods, &mut diags);
    super::globals::apply(&globals, &mut operations, &mut diags);
    let format_crates = types.format_crates();
    let (mut type_defs, type_diags) = types.finish();
    diags.extend(type_diags);
    set_message_fields(&mut operations, &type_defs);
    set_stream_overloads(&mut operations, &type_defs);
    super::webhooks::discriminate(&mut webhooks, &type_defs);
    for (p, op) in pending.iter().zip(operations.iter_mut()) {
        let mut pagination = super::pagination::lower(&p.op.extensions, op, &type_defs, &mut diags);
        if let Some(pg) = &mut pagination {
            let item = super::pagination::item_type(pg, op, &type_defs);
            pg.item = item;
        }
        op.pagination = pagination;
    }
    let session = super::session::lower(&doc.extensions, &mut operations, &security_schemes, &type_defs, &mut diags);
    type_defs.sort_by(|a, b| a.name.cmp(&b.name));

    let servers = lower_servers(doc, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    let api = Api {
        crate_name: names.crate_name.clone(),
        lib_name: names.lib_name.clone(),
        crate_version: names.crate_version.clone(),
        source_name: names.source_name.clone(),
        info: Info {
            title: doc.info.title.clone(),
            version: doc.info.version.clone(),
            description: doc.info.description.clone(),
            summary: doc.info.extensions.get("x-sdkforge-summary").and_then(serde_json::Value::as_str).map(str::to_string),
        },
        servers,
        security_schemes,
        root,
        operations,
        types: type_defs,
        globals,
        session,
        custom_modules: Vec::new(),
        derive_serde: false,
        format_crates,
        webhooks,
    };
    Ok((api, diags))
}

fn collect_operations<'a>(doc: &'a OpenAPI, renames: &[speakeasy::MethodRename], diags: &mut Diagnostics) -> Vec<Pending<'a>> {
    let mut out = Vec::new();
    for (path, item) in &doc.paths.paths {
        let item_pointer = pointer_from(["paths", path.as_str()]);
        let item = match item {
            ReferenceOr::Item(i) => i,
            ReferenceOr::Reference { reference } => {
                diags.push(
                    Diagnostic::error(format!("path item references (`$ref: {reference}`) are not supported yet"))
                        .pointer(format!("{item_pointer}/$ref")),
                );
                continue;
            }
        };
        for (method, op) in item.iter() {
            let pointer = format!("{item_pointer}/{method}");
            match speakeasy::ignored(&op.extensions, &pointer) {
                Ok(true) => continue,
                Ok(false) => {}
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            }
            let id = op.operation_id.clone().unwrap_or_else(|| format!("{method} {path}"));
            let over = speakeasy::name_override(&op.extensions, &pointer).unwrap_or_else(|d| {
                diags.push(d);
                None
            });
            let explicit = over.is_some() || op.operation_id.is_some();
            let base = over
                .or_else(|| {
                    let oid = op.operation_id.as_deref()?;
                    renames.iter().rev().find(|r| r.operation_id.is_match(oid)).map(|r| r.method_name.clone())
                })
                .unwrap_or_else(|| id.clone());
            let mut groups = speakeasy::groups(&op.extensions, &pointer).unwrap_or_else(|d| {
                diags.push(d);
                Vec::new()
            });
            if groups.is_empty() {
                // Dotted tags nest like groups; segments without a letter or digit (`..`,
                // `/`) name nothing and are dropped.
                groups = op
                    .tags
                    .iter()
                    .map(|t| t.split('.').filter(|s| s.chars().any(|c| c.is_ascii_alphanumeric())).map(|s| s.trim().to_string()).collect::<Vec<_>>())
                    .filter(|g| !g.is_empty())
                    .collect();
            }
            // Two tags of one operation that name the same module (`TimeEntries` and `Time
            // entries`) put it there once.
            let mut seen = std::collections::BTreeSet::new();
            groups.retain(|g| seen.insert(group_key(g)));
            if groups.is_empty() {
                groups.push(Vec::new());
            }
            out.push(Pending {
                op,
                item,
                pointer,
                method: method_upper(method),
                path,
                id,
                method_name: naming::snake(&base, "call"),
                explicit,
                groups,
            });
        }
    }
    out
}

fn method_upper(m: &str) -> &'static str {
    match m {
        "get" => "GET",
        "put" => "PUT",
        "post" => "POST",
        "delete" => "DELETE",
        "options" => "OPTIONS",
        "head" => "HEAD",
        "patch" => "PATCH",
        _ => "TRACE",
    }
}

fn group_key(path: &[String]) -> Vec<String> {
    path.iter().map(|s| collision_key(s)).collect()
}

/// An operationId used by an earlier operation (`docs/reading.md`, rule
/// `duplicate-operation-id`): the first in document order keeps it; each later one is known by
/// its method and path, and its name (still the operationId's, unless it has a name override)
/// becomes a derived one, which yields in a collision.
fn settle_duplicate_ids(pending: &mut [Pending<'_>], diags: &mut Diagnostics) {
    let mut first: BTreeMap<String, String> = BTreeMap::new();
    for p in pending.iter_mut() {
        let Some(id) = p.op.operation_id.as_deref() else { continue };
        match first.get(id) {
            None => {
                first.insert(id.to_string(), p.pointer.clone());
            }
            Some(at) => {
                diags.push(
                    Diagnostic::reading(
                        "duplicate-operation-id",
                        format!("operationId `{id}` is already used by {at}; this operation is known as `{} {}` and its method name yields", p.method.to_ascii_lowercase(), p.path),
                    )
                    .pointer(format!("{}/operationId", p.pointer))
                    .help("operationIds must be unique; change one of them (an overlay can)"),
                );
                p.id = format!("{} {}", p.method.to_ascii_lowercase(), p.path);
                p.explicit = p.op.extensions.contains_key("x-speakeasy-name-override");
            }
        }
    }
}

/// Method names sdkforge derived (no operationId) never block generation (`docs/reading.md`,
/// "Derived names"). Each has three forms, each a function of the operation alone, so that an
/// edit elsewhere in the document never renames it:
/// 1. the plain form, `get /users/{id}` → `get_users_id` (what it is when nothing collides);
/// 2. the spelled form, in which the path's punctuation is named: `get_users_by_id`,
///    `get_users_trailing_slash`, `get_users_tilde`, `get_users_dot_json`;
/// 3. the spelled form and six hexadecimal digits of a hash of the method and path.
///
/// A derived name that an explicit name, a group accessor or another derived name also takes
/// moves to its spelled form; one whose spelled form is its plain form (a path with no
/// punctuation) keeps it when it is the only such claimant and no explicit name or accessor
/// holds it, and takes the hashed form otherwise. A spelled form that is still taken takes the
/// hashed one.
fn settle_derived_names(pending: &mut [Pending<'_>]) {
    use std::collections::{BTreeMap as Map, BTreeSet as Set};
    // Names that never yield, per group: explicit method names and group accessors.
    let mut fixed: Set<(Vec<String>, String)> = Set::new();
    for p in pending.iter().filter(|p| p.explicit) {
        for g in &p.groups {
            fixed.insert((group_key(g), collision_key(&p.method_name)));
        }
    }
    for p in pending.iter() {
        for g in &p.groups {
            for depth in 0..g.len() {
                fixed.insert((group_key(&g[..depth]), collision_key(&naming::snake(&g[depth], "group"))));
            }
        }
    }
    let derived: Vec<usize> = (0..pending.len()).filter(|&i| !pending[i].explicit).collect();
    if derived.is_empty() {
        return;
    }
    // Each derived operation's spelled form, and whether it is its plain form, once.
    let spelled: Map<usize, String> = derived.iter().map(|&i| (i, spelled_name(&pending[i]))).collect();
    let is_plain = |i: usize| collision_key(&spelled[&i]) == collision_key(&pending[i].method_name);
    let keys = |p: &Pending<'_>, name: &str| p.groups.iter().map(|g| (group_key(g), collision_key(name))).collect::<Vec<_>>();
    let mut claims: Map<(Vec<String>, String), Vec<usize>> = Map::new();
    for &i in &derived {
        for k in keys(&pending[i], &pending[i].method_name) {
            claims.entry(k).or_default().push(i);
        }
    }
    // Round 1: contested plain names.
    let mut form: Map<usize, u8> = Map::new();
    for &i in &derived {
        let p = &pending[i];
        let contested = keys(p, &p.method_name).iter().any(|k| fixed.contains(k) || claims.get(k).is_some_and(|c| c.len() > 1));
        if !contested {
            continue;
        }
        let plain = is_plain(i);
        let keeps = plain && keys(p, &p.method_name).iter().all(|k| !fixed.contains(k) && claims.get(k).is_none_or(|c| c.iter().filter(|&&j| is_plain(j)).count() == 1));
        if !keeps {
            form.insert(i, if plain { 3 } else { 2 });
        }
    }
    // Round 2: spelled forms still taken by a name that stays, or by each other.
    let mut taken: Map<(Vec<String>, String), usize> = Map::new();
    for &i in &derived {
        if !form.contains_key(&i) {
            for k in keys(&pending[i], &pending[i].method_name) {
                *taken.entry(k).or_default() += 1;
            }
        }
    }
    let spelled_claims: Vec<(usize, Vec<NameKey>)> =
        form.iter().filter(|(_, f)| **f == 2).map(|(&i, _)| (i, keys(&pending[i], &spelled[&i]))).collect();
    for (_, ks) in &spelled_claims {
        for k in ks {
            *taken.entry(k.clone()).or_default() += 1;
        }
    }
    for (i, ks) in &spelled_claims {
        if ks.iter().any(|k| fixed.contains(k) || taken.get(k).copied().unwrap_or(0) > 1) {
            form.insert(*i, 3);
        }
    }
    for (i, f) in form {
        let p = &mut pending[i];
        let spelled = spelled[&i].clone();
        p.method_name = if f == 2 { spelled } else { format!("{}_{:06x}", naming::unraw(&spelled), stable_hash(&format!("{} {}", p.method, p.path)) & 0xff_ffff) };
    }
}

/// A method name in one group: the group's and the name's collision keys.
type NameKey = (Vec<String>, String);

/// The spelled form of a derived method name: the method, then the path's segments with its
/// punctuation named (`{id}` → `by_id`, a trailing `/` → `trailing_slash`, `.` → `dot`).
fn spelled_name(p: &Pending<'_>) -> String {
    // A duplicate operationId's name is spelled from its method and path too.
    let mut words = vec![p.method.to_ascii_lowercase()];
    let segments: Vec<&str> = if p.path == "/" { Vec::new() } else { p.path.split('/').skip(1).collect() };
    for (i, seg) in segments.iter().enumerate() {
        if seg.is_empty() {
            words.push(if i + 1 == segments.len() { "trailing_slash".to_string() } else { "slash".to_string() });
            continue;
        }
        let mut word = String::new();
        let mut rest = *seg;
        while !rest.is_empty() {
            if let Some(inner) = rest.strip_prefix('{') {
                if let Some(end) = inner.find('}') {
                    word.push_str(&format!(" by {} ", &inner[..end]));
                    rest = &inner[end + 1..];
                    continue;
                }
            }
            let c = rest.chars().next().unwrap_or(' ');
            rest = &rest[c.len_utf8()..];
            match c {
                c if c.is_ascii_alphanumeric() => word.push(c),
                '-' | '_' | ' ' => word.push(' '),
                c => {
                    let name = match c {
                        '~' => "tilde".to_string(),
                        '.' => "dot".to_string(),
                        ':' => "colon".to_string(),
                        '$' => "dollar".to_string(),
                        '@' => "at".to_string(),
                        '*' => "star".to_string(),
                        '+' => "plus".to_string(),
                        '!' => "bang".to_string(),
                        '=' => "eq".to_string(),
                        ',' => "comma".to_string(),
                        ';' => "semicolon".to_string(),
                        '&' => "and".to_string(),
                        '(' | ')' => "paren".to_string(),
                        '\'' => "quote".to_string(),
                        '{' | '}' => "brace".to_string(),
                        c => format!("u{:x}", c as u32),
                    };
                    word.push_str(&format!(" {name} "));
                }
            }
        }
        words.push(word);
    }
    if segments.is_empty() {
        words.push("root".to_string());
    }
    naming::snake(&words.join(" "), "call")
}

/// FNV-1a: the same on every machine and run (std's hasher is seeded per process).
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Speakeasy never renames methods to resolve a clash: two operations with the same method
/// name in the same namespace (compared ignoring case and separators) are an error.
fn check_duplicates(pending: &[Pending<'_>], diags: &mut Diagnostics) {
    let mut by_method: BTreeMap<(Vec<String>, String), &Pending<'_>> = BTreeMap::new();
    for p in pending {
        for g in &p.groups {
            let key = (group_key(g), collision_key(&p.method_name));
            if let Some(first) = by_method.get(&key) {
                let place = if g.is_empty() { "client".to_string() } else { format!("client.{}", g.iter().map(|s| naming::snake(s, "group")).collect::<Vec<_>>().join("().")) + "()" };
                diags.push(
                    Diagnostic::error(format!(
                        "method name `{place}.{}()` collides: operations `{}` ({}) and `{}` ({}) both resolve to it",
                        p.method_name, first.id, first.pointer, p.id, p.pointer
                    ))
                    .pointer(p.pointer.clone())
                    .help(format!(
                        "give one of them another `x-speakeasy-name-override` (or `x-speakeasy-group`) with an overlay, e.g.\n\
                         actions:\n  - target: \"$.paths['{}'].{}\"\n    update:\n      x-speakeasy-name-override: <newName>",
                        p.path,
                        p.method.to_ascii_lowercase()
                    )),
                );
            } else {
                by_method.insert(key, p);
            }
        }
    }
}

fn build_groups(doc: &OpenAPI, pending: &[Pending<'_>], diags: &mut Diagnostics) -> Group {
    let mut root = Group::default();
    for p in pending {
        for path in &p.groups {
            let mut node = &mut root;
            let mut module_path = Vec::new();
            for seg in path {
                let key = collision_key(seg);
                let idx = match node.groups.iter().position(|g| collision_key(&g.wire_name) == key) {
                    Some(i) => i,
                    None => {
                        let reserved: &[&str] = if module_path.is_empty() { RESERVED_MODULES } else { &[] };
                        let mut module = naming::snake(seg, "group");
                        if reserved.contains(&module.as_str()) {
                            module.push_str("_api");
                        }
                        let mut path = module_path.clone();
                        path.push(module.clone());
                        let doc_text = doc.tags.iter().find(|t| collision_key(&t.name) == key).and_then(|t| t.description.clone());
                        node.groups.push(Group {
                            wire_name: seg.clone(),
                            handle: naming::pascal(seg, "Group", "G"),
                            module,
                            path,
                            doc: doc_text,
                            operations: Vec::new(),
                            groups: Vec::new(),
                        });
                        node.groups.len() - 1
                    }
                };
                node = &mut node.groups[idx];
                module_path = node.path.clone();
            }
            node.operations.push(p.id.clone());
        }
    }
    sort_groups(&mut root);
    check_group_accessors(&root, pending, diags);
    root
}

fn sort_groups(g: &mut Group) {
    g.groups.sort_by(|a, b| a.module.cmp(&b.module));
    for child in &mut g.groups {
        sort_groups(child);
    }
}

/// A method and a nested group accessor of the same name cannot share a handle.
fn check_group_accessors(g: &Group, pending: &[Pending<'_>], diags: &mut Diagnostics) {
    for child in &g.groups {
        for id in &g.operations {
            if let Some(p) = pending.iter().find(|p| &p.id == id) {
                if collision_key(&p.method_name) == collision_key(&child.module) {
                    diags.push(
                        Diagnostic::error(format!("method `{}` collides with the group accessor `{}()`", p.method_name, child.module))
                            .pointer(p.pointer.clone())
                            .help("rename the method with `x-speakeasy-name-override`"),
                    );
                }
            }
        }
        check_group_accessors(child, pending, diags);
    }
}

fn find_group<'g>(root: &'g Group, path: &[String]) -> Option<&'g Group> {
    let mut node = root;
    for seg in path {
        node = node.groups.iter().find(|g| collision_key(&g.wire_name) == collision_key(seg))?;
    }
    Some(node)
}

fn lower_operation<'a>(
    doc: &'a OpenAPI,
    p: &Pending<'a>,
    root: &Group,
    types: &mut TypeSpace<'a>,
    error_names: &mut Namespace,
    schemes_used: &mut BTreeMap<String, String>,
    diags: &mut Diagnostics,
) -> Operation {
    let module_paths: Vec<Vec<String>> =
        p.groups.iter().map(|g| find_group(root, g).map(|n| n.path.clone()).unwrap_or_default()).collect();
    let first_group = p.groups.first().cloned().unwrap_or_default();
    let prefix_words: String = first_group.iter().map(|s| naming::pascal(s, "", "G")).collect();
    let type_prefix = format!("{prefix_words}{}", naming::pascal(&p.method_name, "Call", "Op"));
    let builder = format!("{}Request", naming::pascal(&p.method_name, "Call", "Op"));
    let error_enum = error_names.claim(&format!("{type_prefix}Error"));

    let params = lower_params(doc, p, &type_prefix, types, diags);
    let body = lower_body(doc, p, &type_prefix, types, diags);
    let (responses, success, undecoded_variant) = lower_responses(doc, p, &type_prefix, types, diags);
    let security = lower_security(doc, p, schemes_used, diags);
    let params_struct = params_struct(doc, p, &type_prefix, &params, body.as_ref(), types, diags);
    let headers_struct = headers_struct(doc, p, &type_prefix, types, diags);
    // The operation's block replaces the document's (Speakeasy does not merge them).
    let retries = match speakeasy::retries(&p.op.extensions, &p.pointer) {
        Ok(Some(r)) => Some(r),
        Ok(None) if p.op.extensions.contains_key("x-speakeasy-retries") => None,
        Ok(None) => speakeasy::retries(&doc.extensions, "#").map_err(|d| diags.push(d)).ok().flatten(),
        Err(d) => {
            diags.push(d);
            None
        }
    };
    let timeout_ms = match speakeasy::timeout(&p.op.extensions, &p.pointer) {
        Ok(Some(t)) => Some(t),
        Ok(None) => speakeasy::timeout(&doc.extensions, "#").map_err(|d| diags.push(d)).ok().flatten(),
        Err(d) => {
            diags.push(d);
            None
        }
    };
    Operation {
        id: p.id.clone(),
        pointer: p.pointer.clone(),
        method: p.method.to_string(),
        path: p.path.to_string(),
        method_name: p.method_name.clone(),
        type_prefix,
        builder,
        groups: module_paths,
        summary: p.op.summary.clone(),
        description: p.op.description.clone(),
        deprecated: p.op.deprecated,
        external_docs: p.op.external_docs.as_ref().map(|d| ExternalDocs { url: d.url.clone(), description: d.description.clone() }),
        params,
        body,
        responses,
        success,
        error_enum,
        undecoded_variant,
        params_struct,
        retries,
        headers_struct,
        security,
        session: None,
        timeout_ms,
        pagination: None,
        stream_overload: None,
    }
}

/// Finds the operations that answer JSON or an event stream by a boolean body field (see
/// [`StreamOverload`]): one success with both contents, and a JSON struct body with that field.
fn set_stream_overloads(operations: &mut [Operation], types: &[TypeDef]) {
    for op in operations {
        let mut successes = op.responses.iter().filter(|r| !r.is_error);
        let (Some(only), None) = (successes.next(), successes.next()) else { continue };
        let Some(alt) = only.event_alternative.clone() else { continue };
        let Some(body) = op.body.as_ref().filter(|b| b.encoding == BodyEncoding::Json) else { continue };
        let TypeRef::Named(name) = &body.ty else { continue };
        let Some(TypeDef { kind: TypeKind::Struct { fields, .. }, .. }) = types.iter().find(|d| &d.name == name) else { continue };
        let Some(field) = fields.iter().find(|f| f.wire_name == alt.field && f.ty == TypeRef::Bool && f.fixed.is_none()) else { continue };
        let taken = op.params.iter().any(|p| p.rust_name == "stream");
        op.stream_overload = Some(StreamOverload {
            method: if taken { "send_stream".into() } else { "stream".into() },
            event: alt.ty,
            info: alt.info,
            field: field.rust_name.clone(),
            wire_field: field.wire_name.clone(),
            optional: field.is_optional(),
        });
    }
}

/// The headers documented on the success responses of an operation, as one struct in `types`
/// whose fields are all optional (a server may leave any header out). Shared
/// `components.headers` give their schema's type everywhere they are used.
fn headers_struct<'a>(doc: &'a OpenAPI, p: &Pending<'a>, prefix: &str, types: &mut TypeSpace<'a>, diags: &mut Diagnostics) -> Option<String> {
    let mut ns = Namespace::default();
    let mut fields: Vec<Field> = Vec::new();
    for (code, r) in &p.op.responses.responses {
        let success = matches!(code, StatusCode::Code(c) if *c < 400) || matches!(code, StatusCode::Range(r) if *r < 4);
        if !success {
            continue;
        }
        let at = format!("{}/responses/{code}", p.pointer);
        let Ok(response) = resolve(doc, r, &at) else { continue };
        for (name, h) in &response.item.headers {
            if name.eq_ignore_ascii_case("content-type") || fields.iter().any(|f| f.wire_name.eq_ignore_ascii_case(name)) {
                continue;
            }
            let h_at = format!("{}/headers/{}", response.pointer, escape_pointer_segment(name));
            let header = match resolve(doc, h, &h_at) {
                Ok(x) => x,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            let ty = match &header.item.format {
                ParameterSchemaOrContent::Schema(s) => {
                    let hint = match &header.name {
                        Some(n) => naming::pascal(n, "Header", "H"),
                        None => format!("{prefix}{}", naming::pascal(name, "Header", "H")),
                    };
                    types.lower(SchemaRef::from(s), &format!("{}/schema", header.pointer), &hint)
                }
                ParameterSchemaOrContent::Content(_) => TypeRef::String,
            };
            fields.push(Field {
                wire_name: name.to_ascii_lowercase(),
                rust_name: ns.claim(&naming::snake(name, "header")),
                ty,
                required: false,
                nullable: false,
                read_only: false,
                write_only: false,
                error_message: false,
                default: None,
                doc: header.item.description.clone(),
                fixed: None,
            });
        }
    }
    if fields.is_empty() {
        return None;
    }
    let name = types.claim(&format!("{prefix}Headers"));
    types.add(TypeDef {
        name: name.clone(),
        pointer: format!("{}/responses", p.pointer),
        doc: Some(format!("The headers documented on the successful responses of `{}`.", p.id)),
        kind: TypeKind::Headers { fields },
    });
    Some(name)
}

/// `x-speakeasy-max-method-params` (operation, else root): when the method would take more
/// arguments than that (the body counts as one), it takes one struct of them instead.
fn params_struct(
    doc: &OpenAPI,
    p: &Pending<'_>,
    prefix: &str,
    params: &[Param],
    body: Option<&Body>,
    types: &mut TypeSpace<'_>,
    diags: &mut Diagnostics,
) -> Option<String> {
    let limit = match speakeasy::max_method_params(&p.op.extensions, &p.pointer) {
        Ok(Some(n)) => n,
        Ok(None) => speakeasy::max_method_params(&doc.extensions, "#").map_err(|d| diags.push(d)).ok().flatten()?,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let required: Vec<&Param> = params.iter().filter(|x| x.required).collect();
    let body = body.filter(|b| b.required);
    let count = required.len() + usize::from(body.is_some());
    if count == 0 || count <= limit {
        return None;
    }
    let field = |wire: &str, rust: &str, ty: &TypeRef, doc: Option<String>| Field {
        wire_name: wire.to_string(),
        rust_name: rust.to_string(),
        ty: ty.clone(),
        required: true,
        nullable: false,
        read_only: false,
        write_only: false,
        error_message: false,
        default: None,
        doc,
        fixed: None,
    };
    let mut fields: Vec<Field> = required.iter().map(|x| field(&x.wire_name, &x.rust_name, &x.ty, x.doc.clone())).collect();
    if let Some(b) = body {
        fields.push(field("body", "body", &b.ty, Some(b.doc.clone().unwrap_or_else(|| "The request body.".to_string()))));
    }
    let name = types.claim(&format!("{prefix}Params"));
    types.add(TypeDef {
        name: name.clone(),
        pointer: p.pointer.clone(),
        doc: Some(format!("The arguments of `{}` (`x-speakeasy-max-method-params` is {limit}).", p.id)),
        kind: TypeKind::Struct { fields, additional: None },
    });
    Some(name)
}

fn lower_params<'a>(doc: &'a OpenAPI, p: &Pending<'a>, prefix: &str, types: &mut TypeSpace<'a>, diags: &mut Diagnostics) -> Vec<Param> {
    // Path-item parameters apply unless the operation redefines the same name and location.
    let item_pointer = p.pointer.rsplit_once('/').map_or("", |(a, _)| a).to_string();
    let mut all = Vec::new();
    for (i, r) in p.op.parameters.iter().enumerate() {
        all.push((r, format!("{}/parameters/{i}", p.pointer)));
    }
    for (i, r) in p.item.parameters.iter().enumerate() {
        all.push((r, format!("{item_pointer}/parameters/{i}")));
    }
    let mut seen = Vec::new();
    let mut ns = Namespace::with_reserved(BUILDER_METHODS);
    if p.op.extensions.contains_key("x-speakeasy-pagination") {
        for name in ["pages", "items", "into_call", "decode", "pager"] {
            ns.claim(name);
        }
    }
    let mut out: Vec<Param> = Vec::new();
    // Where each parameter of `out` is declared (the `$ref` for a shared one).
    let mut declared: Vec<String> = Vec::new();
    for (r, at) in all {
        let resolved = match resolve(doc, r, &at) {
            Ok(x) => x,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let param = resolved.item;
        let data = param.parameter_data_ref();
        let (location, style) = match param {
            openapiv3::Parameter::Path { style, .. } => (
                ParamLocation::Path,
                match style {
                    openapiv3::PathStyle::Simple => ParamStyle::Simple,
                    openapiv3::PathStyle::Label => ParamStyle::Label,
                    openapiv3::PathStyle::Matrix => ParamStyle::Matrix,
                },
            ),
            openapiv3::Parameter::Query { style, .. } => (
                ParamLocation::Query,
                match style {
                    openapiv3::QueryStyle::Form => ParamStyle::Form,
                    openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
                },
            ),
            openapiv3::Parameter::Header { .. } => (ParamLocation::Header, ParamStyle::Simple),
            openapiv3::Parameter::Cookie { .. } => (ParamLocation::Cookie, ParamStyle::Form),
        };
        let explode = data.explode.unwrap_or(style == ParamStyle::Form);
        // A parameter is its name and location; names are case-sensitive except headers'.
        let key = (if location == ParamLocation::Header { data.name.to_ascii_lowercase() } else { data.name.clone() }, location);
        let own_list = at.rsplit_once("/parameters/").map(|(list, _)| list.to_string()).unwrap_or_default();
        if let Some((_, first_at, first_list)) = seen.iter().find(|(k, _, _)| *k == key) {
            // The operation's own definition replaces the path item's; twice in one list is a
            // mistake, and the first one is kept.
            if *first_list == own_list {
                diags.push(
                    Diagnostic::reading("duplicate-parameter", format!("parameter `{}` in {} is declared twice; the first declaration ({first_at}) is used", data.name, location_name(location)))
                        .pointer(at.clone())
                        .help("remove one of the two declarations"),
                );
            }
            continue;
        }
        seen.push((key, at.clone(), own_list));
        match speakeasy::ignored(&data.extensions, &resolved.pointer) {
            Ok(true) => continue,
            Ok(false) => {}
            Err(d) => diags.push(d),
        }
        let over = speakeasy::name_override(&data.extensions, &resolved.pointer).unwrap_or_else(|d| {
            diags.push(d);
            None
        });
        let rust_name = ns.claim(&naming::snake(over.as_deref().unwrap_or(&data.name), "param"));
        let ty = match &data.format {
            ParameterSchemaOrContent::Schema(s) => {
                let hint = format!("{prefix}{}", naming::pascal(&data.name, "Param", "P"));
                types.lower(SchemaRef::from(s), &format!("{}/schema", resolved.pointer), &hint)
            }
            ParameterSchemaOrContent::Content(_) => {
                diags.push(
                    Diagnostic::warning("parameters with `content` are sent as JSON text").pointer(format!("{}/content", resolved.pointer)),
                );
                TypeRef::Json
            }
        };
        declared.push(at.clone());
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(s) => Some(s),
            ParameterSchemaOrContent::Content(_) => None,
        };
        let example = example_of(doc, data.example.as_ref(), &data.examples, schema);
        out.push(Param {
            example,
            wire_name: data.name.clone(),
            rust_name,
            location,
            required: data.required || location == ParamLocation::Path,
            ty,
            doc: data.description.clone(),
            style,
            explode,
            global: None,
            hidden: false,
        });
    }
    check_path_template(p, &mut out, &mut declared, &mut ns, diags);
    out.sort_by_key(|x| !x.required);
    out
}

fn location_name(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// Matches the declared path parameters with the template's `{name}`s (`docs/reading.md`): a
/// template name declared only in another case is that parameter; one not declared at all is a
/// required string; a declared one the template does not use is not sent.
fn check_path_template(p: &Pending<'_>, out: &mut Vec<Param>, declared: &mut Vec<String>, ns: &mut Namespace, diags: &mut Diagnostics) {
    let template = path_template_names(p.path);
    let is_path = |x: &Param| x.location == ParamLocation::Path;
    for name in &template {
        if out.iter().any(|x| is_path(x) && x.wire_name == *name) {
            continue;
        }
        // Declared under another case, and not used as spelled by another `{...}`.
        let candidates: Vec<usize> = (0..out.len())
            .filter(|&i| is_path(&out[i]) && out[i].wire_name.eq_ignore_ascii_case(name) && !template.contains(&out[i].wire_name))
            .collect();
        if let [i] = candidates[..] {
            diags.push(
                Diagnostic::reading(
                    "path-parameter-case",
                    format!("path parameter `{}` is spelled `{{{name}}}` in `{}`; it fills that `{{{name}}}`", out[i].wire_name, p.path),
                )
                .pointer(declared[i].clone())
                .help(format!("spell the parameter's `name` as in the template: `{name}`")),
            );
            out[i].wire_name = name.clone();
            continue;
        }
        diags.push(
            Diagnostic::reading("undeclared-path-parameter", format!("path parameter `{name}` is used in `{}` but not declared; it is read as a required string", p.path))
                .pointer(p.pointer.clone())
                .help(format!("add `- {{name: {name}, in: path, required: true, schema: {{type: string}}}}` to `parameters`")),
        );
        out.push(Param {
            wire_name: name.clone(),
            rust_name: ns.claim(&naming::snake(name, "param")),
            location: ParamLocation::Path,
            required: true,
            ty: TypeRef::String,
            doc: None,
            style: ParamStyle::Simple,
            explode: false,
            global: None,
            hidden: false,
            example: None,
        });
        declared.push(p.pointer.clone());
    }
    let mut i = 0;
    while i < out.len() {
        if is_path(&out[i]) && !template.contains(&out[i].wire_name) {
            diags.push(
                Diagnostic::reading(
                    "unused-path-parameter",
                    format!("path parameter `{}` is declared but `{}` has no `{{{}}}`; it is not sent", out[i].wire_name, p.path, out[i].wire_name),
                )
                .pointer(declared[i].clone())
                .help("remove the parameter, or add it to the path template"),
            );
            out.remove(i);
            declared.remove(i);
        } else {
            i += 1;
        }
    }
}

/// `{name}` segments of a path template.
pub fn path_template_names(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        out.push(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    out
}

/// Picks the media type to generate for, and how it is encoded.
pub(super) fn pick_media(content: &indexmap::IndexMap<String, openapiv3::MediaType>) -> Option<(&str, &openapiv3::MediaType, BodyEncoding)> {
    let encoding = |mt: &str| {
        let base = mt.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if base == "application/json" || base.ends_with("+json") {
            BodyEncoding::Json
        } else if base == "application/x-www-form-urlencoded" {
            BodyEncoding::Form
        } else if base == "multipart/form-data" {
            BodyEncoding::Multipart
        } else if base.starts_with("text/") {
            BodyEncoding::Text
        } else {
            BodyEncoding::Bytes
        }
    };
    let rank = |e: BodyEncoding| match e {
        BodyEncoding::Json => 0,
        BodyEncoding::Form => 1,
        BodyEncoding::Multipart => 2,
        BodyEncoding::Text => 3,
        BodyEncoding::Bytes => 4,
    };
    content.iter().map(|(k, v)| (k.as_str(), v, encoding(k))).min_by_key(|(_, _, e)| rank(*e))
}

/// The type of a body: the schema's for structured encodings, text or bytes otherwise.
pub(super) fn media_type_ref<'a>(types: &mut TypeSpace<'a>, encoding: BodyEncoding, media: &'a openapiv3::MediaType, schema_at: &str, hint: &str) -> TypeRef {
    match (encoding, &media.schema) {
        (BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart, Some(s)) => types.lower(SchemaRef::from(s), schema_at, hint),
        (BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart, None) => TypeRef::Json,
        (BodyEncoding::Text, _) => TypeRef::String,
        (BodyEncoding::Bytes, _) => TypeRef::Bytes,
    }
}

fn lower_body<'a>(doc: &'a OpenAPI, p: &Pending<'a>, prefix: &str, types: &mut TypeSpace<'a>, diags: &mut Diagnostics) -> Option<Body> {
    let r = p.op.request_body.as_ref()?;
    let at = format!("{}/requestBody", p.pointer);
    let resolved = resolve(doc, r, &at).map_err(|d| diags.push(d)).ok()?;
    let body = resolved.item;
    let (media_type, media, encoding) = pick_media(&body.content)?;
    let schema_at = format!("{}/content/{}/schema", resolved.pointer, escape_pointer_segment(media_type));
    let hint = match &resolved.name {
        Some(n) => naming::pascal(n, "Body", "B"),
        None => format!("{prefix}Body"),
    };
    let ty = media_type_ref(types, encoding, media, &schema_at, &hint);
    let example = example_of(doc, media.example.as_ref(), &media.examples, media.schema.as_ref());
    Some(Body { media_type: media_type.to_string(), encoding, ty, required: body.required, doc: body.description.clone(), example })
}

/// The names of the `components.examples` that parameters and request bodies refer to: the only
/// Example objects lowering reads (see [`example_of`]).
pub fn input_example_names(doc: &OpenAPI) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let mut add = |examples: &indexmap::IndexMap<String, ReferenceOr<openapiv3::Example>>| {
        out.extend(examples.values().filter_map(|e| match e {
            ReferenceOr::Reference { reference } => crate::resolve::component_name(reference, "examples"),
            ReferenceOr::Item(_) => None,
        }));
    };
    let mut params: Vec<&openapiv3::Parameter> = Vec::new();
    let mut bodies: Vec<&openapiv3::RequestBody> = Vec::new();
    if let Some(c) = &doc.components {
        params.extend(c.parameters.values().filter_map(ReferenceOr::as_item));
        bodies.extend(c.request_bodies.values().filter_map(ReferenceOr::as_item));
    }
    for item in doc.paths.paths.values().filter_map(ReferenceOr::as_item) {
        params.extend(item.parameters.iter().filter_map(ReferenceOr::as_item));
        for (_, op) in item.iter() {
            params.extend(op.parameters.iter().filter_map(ReferenceOr::as_item));
            bodies.extend(op.request_body.as_ref().and_then(ReferenceOr::as_item));
        }
    }
    for p in params {
        add(&p.parameter_data_ref().examples);
    }
    for b in bodies {
        for media in b.content.values() {
            add(&media.examples);
        }
    }
    out
}

/// The document's example of a value, for the examples in the generated docs: its own
/// `example`, else the first of its `examples` (a `$ref` to `components.examples` followed), else
/// its schema's `example` (a `$ref` to `components.schemas` followed once).
fn example_of(
    doc: &OpenAPI,
    example: Option<&serde_json::Value>,
    examples: &indexmap::IndexMap<String, ReferenceOr<openapiv3::Example>>,
    schema: Option<&ReferenceOr<openapiv3::Schema>>,
) -> Option<serde_json::Value> {
    if let Some(v) = example {
        return Some(v.clone());
    }
    let components = doc.components.as_ref();
    for e in examples.values() {
        let found = match e {
            ReferenceOr::Item(e) => e.value.clone(),
            ReferenceOr::Reference { reference } => crate::resolve::component_name(reference, "examples")
                .and_then(|n| components?.examples.get(&n))
                .and_then(|e| e.as_item())
                .and_then(|e| e.value.clone()),
        };
        if found.is_some() {
            return found;
        }
    }
    let schema = match schema? {
        ReferenceOr::Item(s) => s,
        ReferenceOr::Reference { reference } => {
            let n = crate::resolve::component_name(reference, "schemas")?;
            components?.schemas.get(&n)?.as_item()?
        }
    };
    schema.schema_data.example.clone()
}

/// Whether a media type is `text/event-stream` (parameters aside).
fn is_event_stream(media_type: &str) -> bool {
    media_type.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("text/event-stream")
}

/// How the events of a `text/event-stream` media type end (`x-speakeasy-sse-sentinel`).
fn event_stream_info(media: &openapiv3::MediaType) -> EventStreamInfo {
    EventStreamInfo { sentinel: media.extensions.get("x-speakeasy-sse-sentinel").and_then(|v| v.as_str()).map(str::to_string) }
}

fn reason_variant(code: u16) -> String {
    let reason = match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        206 => "PartialContent",
        300 => "MultipleChoices",
        301 => "MovedPermanently",
        302 => "Found",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "LengthRequired",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        415 => "UnsupportedMediaType",
        416 => "RangeNotSatisfiable",
        422 => "UnprocessableEntity",
        423 => "Locked",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return format!("Status{code}"),
    };
    reason.to_string()
}

/// The statuses `x-speakeasy-errors` makes errors for an operation: the paths object's, the
/// path item's and the operation's lists, each added to the set it inherits (4XX and 5XX at
/// the top) or replacing it with `override: true`. `None` when no level has the extension.
fn error_statuses(doc: &OpenAPI, p: &Pending<'_>, diags: &mut Diagnostics) -> Option<Vec<ErrorStatus>> {
    let item_ext = match doc.paths.paths.get(p.path) {
        Some(ReferenceOr::Item(item)) => Some(&item.extensions),
        _ => None,
    };
    let item_at = pointer_from(["paths", p.path]);
    let levels = [(Some(&doc.paths.extensions), "#/paths".to_string()), (item_ext, item_at), (Some(&p.op.extensions), p.pointer.clone())];
    let mut set: Option<Vec<ErrorStatus>> = None;
    for (ext, at) in levels {
        let Some(ext) = ext else { continue };
        match speakeasy::errors(ext, &at) {
            Ok(Some(level)) => {
                let mut inherited = set.take().unwrap_or_else(|| vec![ErrorStatus::Range(4), ErrorStatus::Range(5)]);
                if level.replace {
                    inherited.clear();
                }
                for s in level.statuses {
                    if !inherited.contains(&s) {
                        inherited.push(s);
                    }
                }
                set = Some(inherited);
            }
            Ok(None) => {}
            Err(d) => diags.push(d),
        }
    }
    set
}

fn lower_responses<'a>(
    doc: &'a OpenAPI,
    p: &Pending<'a>,
    prefix: &str,
    types: &mut TypeSpace<'a>,
    diags: &mut Diagnostics,
) -> (Vec<Response>, Success, Option<String>) {
    let mut entries: Vec<(Status, String, &'a ReferenceOr<openapiv3::Response>)> = Vec::new();
    for (code, r) in &p.op.responses.responses {
        let (status, key) = match code {
            StatusCode::Code(c) => (Status::Code(*c), c.to_string()),
            StatusCode::Range(r) => (Status::Range(*r), format!("{r}XX")),
        };
        entries.push((status, key, r));
    }
    if let Some(d) = &p.op.responses.default {
        entries.push((Status::Default, "default".to_string(), d));
    }
    let only_default = entries.len() == 1 && entries[0].0 == Status::Default;
    let listed = error_statuses(doc, p, diags);
    let is_error = |s: Status| match (&listed, s) {
        (None, Status::Code(c)) => c >= 400,
        (None, Status::Range(r)) => r >= 4,
        (None, Status::Default) => !only_default,
        (Some(set), Status::Code(c)) => set.iter().any(|e| *e == ErrorStatus::Code(c) || *e == ErrorStatus::Range(c / 100)),
        (Some(set), Status::Range(r)) => set.contains(&ErrorStatus::Range(r)),
        (Some(set), Status::Default) => set.contains(&ErrorStatus::Default),
    };
    let success_count = entries.iter().filter(|(s, ..)| !is_error(*s)).count();
    let mut variants_ok = Namespace::default();
    let mut variants_err = Namespace::default();
    let mut out = Vec::new();
    for (status, key, r) in entries {
        let at = format!("{}/responses/{key}", p.pointer);
        let resolved = match resolve(doc, r, &at) {
            Ok(x) => x,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let error = is_error(status);
        let base_variant = match (&resolved.name, status) {
            (Some(n), _) if error => naming::pascal(n, "Error", "E"),
            (_, Status::Code(c)) => reason_variant(c),
            (_, Status::Range(1)) => "Informational".into(),
            (_, Status::Range(2)) => "Success".into(),
            (_, Status::Range(3)) => "Redirection".into(),
            (_, Status::Range(4)) => "ClientError".into(),
            (_, Status::Range(_)) => "ServerError".into(),
            (_, Status::Default) => "Default".into(),
        };
        let variant = if error { variants_err.claim(&base_variant) } else { variants_ok.claim(&base_variant) };
        let body = pick_media(&resolved.item.content).map(|(mt, media, encoding)| {
            // A multipart response is rare and has no field-by-field decoding: raw bytes.
            let encoding = if encoding == BodyEncoding::Multipart { BodyEncoding::Bytes } else { encoding };
            let schema_at = format!("{}/content/{}/schema", resolved.pointer, escape_pointer_segment(mt));
            let hint = match &resolved.name {
                Some(n) => naming::pascal(n, "Response", "R"),
                None if !error && success_count == 1 => format!("{prefix}Response"),
                None => format!("{prefix}{variant}"),
            };
            let sse = !error && is_event_stream(mt);
            let ty = match (&media.schema, sse) {
                // Each event's type, decoded from the event (data as JSON when it is JSON).
                (Some(schema), true) => types.lower(SchemaRef::from(schema), &schema_at, &hint),
                (None, true) => TypeRef::Json,
                // A nullable body (`nullable: true`, 3.1's `anyOf: [X, {type: null}]`) is
                // `Option<X>`: servers do answer `null` (and nothing) there.
                // Only an inline schema is looked at (a `$ref` is left to its own reading).
                (Some(ReferenceOr::Item(schema)), false) if matches!(encoding, BodyEncoding::Json) && schema.schema_data.nullable => {
                    match media_type_ref(types, encoding, media, &schema_at, &hint) {
                        TypeRef::Json => TypeRef::Json,
                        t => TypeRef::Option(Box::new(t)),
                    }
                }
                _ => media_type_ref(types, encoding, media, &schema_at, &hint),
            };
            let event_stream = sse.then(|| event_stream_info(media));
            (ResponseBody { media_type: mt.to_string(), encoding, ty }, event_stream)
        });
        let (body, event_stream) = match body {
            Some((b, e)) => (Some(b), e),
            None => (None, None),
        };
        // A JSON success that is an event stream when the request asks for one.
        let event_alternative = match (&body, error) {
            (Some(b), false) if b.encoding == BodyEncoding::Json => resolved.item.content.iter().find_map(|(mt, media)| {
                if !is_event_stream(mt) {
                    return None;
                }
                let schema_at = format!("{}/content/{}/schema", resolved.pointer, escape_pointer_segment(mt));
                let ty = match &media.schema {
                    Some(schema) => types.lower(SchemaRef::from(schema), &schema_at, &format!("{prefix}Event")),
                    None => TypeRef::Json,
                };
                let field = p.op.extensions.get("x-speakeasy-stream-request-field").and_then(|v| v.as_str()).unwrap_or("stream").to_string();
                Some(EventAlternative { ty, info: event_stream_info(media), field })
            }),
            _ => None,
        };
        out.push(Response {
            status,
            is_error: error,
            variant,
            description: resolved.item.description.clone(),
            body,
            shared: resolved.name.clone(),
            message_field: None,
            event_stream,
            event_alternative,
        });
    }
    let successes: Vec<&Response> = out.iter().filter(|r| !r.is_error).collect();
    let first_ty = successes.first().and_then(|r| r.body.as_ref().map(|b| b.ty.clone()));
    let success = if successes.iter().all(|r| r.body.as_ref().map(|b| &b.ty) == first_ty.as_ref()) {
        Success::Single { ty: first_ty }
    } else {
        let name = types.claim(&format!("{prefix}Success"));
        let variants = successes
            .iter()
            .map(|r| ResponseVariant {
                name: r.variant.clone(),
                status: r.status,
                ty: r.body.as_ref().map(|b| b.ty.clone()),
                doc: Some(r.description.clone()).filter(|d| !d.is_empty()),
            })
            .collect();
        types.add(TypeDef {
            name: name.clone(),
            pointer: format!("{}/responses", p.pointer),
            doc: Some(format!("The successful responses of `{}`.", p.id)),
            kind: TypeKind::Responses { variants },
        });
        Success::Several { name }
    };
    // A documented error body that does not decode is still that error: the variant that says so.
    let decoded_errors = out.iter().any(|r| r.is_error && r.body.as_ref().is_some_and(|b| matches!(b.encoding, BodyEncoding::Json | BodyEncoding::Form)));
    let undecoded = decoded_errors.then(|| variants_err.claim("Undecoded"));
    (out, success, undecoded)
}

fn lower_security(doc: &OpenAPI, p: &Pending<'_>, used: &mut BTreeMap<String, String>, diags: &mut Diagnostics) -> Vec<Vec<String>> {
    let (reqs, at) = match (&p.op.security, &doc.security) {
        (Some(s), _) => (s.as_slice(), format!("{}/security", p.pointer)),
        (None, Some(s)) => (s.as_slice(), "#/security".to_string()),
        (None, None) => return Vec::new(),
    };
    let schemes = doc.components.as_ref().map(|c| &c.security_schemes);
    let const_names = scheme_const_names(doc);
    let mut out = Vec::new();
    let only_document = p.op.security.is_none();
    for (i, req) in reqs.iter().enumerate() {
        let mut alt = Vec::new();
        let mut undefined = false;
        for name in req.keys() {
            if schemes.is_none_or(|s| !s.contains_key(name)) {
                undefined = true;
                // The document-wide requirement is reported once, not per operation.
                if !(only_document && reported_document_scheme(diags, name)) {
                    diags.push(
                        Diagnostic::reading("undefined-security-scheme", format!("security scheme `{name}` is not defined; the requirement is read without it"))
                            .pointer(format!("{at}/{i}/{}", escape_pointer_segment(name)))
                            .help("define it under `components.securitySchemes`, or remove it from the requirement"),
                    );
                }
                continue;
            }
            let c = const_names.get(name).cloned().unwrap_or_else(|| naming::screaming(name, "SCHEME"));
            used.insert(name.clone(), c.clone());
            alt.push(c);
        }
        // A requirement that named only undefined schemes asks for nothing that can be sent: it
        // is dropped (an empty `{}` the document wrote itself still means "no credentials").
        if undefined && alt.is_empty() {
            continue;
        }
        out.push(alt);
    }
    out
}

/// Whether the warning for an undefined scheme of the document-wide `security` was given.
fn reported_document_scheme(diags: &Diagnostics, name: &str) -> bool {
    let pointer_start = "#/security/";
    let tail = format!("/{}", escape_pointer_segment(name));
    diags.iter().any(|d| d.rule == Some("undefined-security-scheme") && d.pointer.as_deref().is_some_and(|p| p.starts_with(pointer_start) && p.ends_with(&tail)))
}

/// Constant names for every defined scheme, in document order, so two schemes whose names differ
/// only in case or separators (`X-Api-Key`, `x_api_key`) still get distinct constants.
fn scheme_const_names(doc: &OpenAPI) -> BTreeMap<String, String> {
    let mut ns = Namespace::default();
    doc.components
        .iter()
        .flat_map(|c| c.security_schemes.keys())
        .map(|k| (k.clone(), ns.claim(&naming::screaming(k, "SCHEME"))))
        .collect()
}

fn lower_security_schemes(doc: &OpenAPI, used: &BTreeMap<String, String>, diags: &mut Diagnostics) -> Vec<SecurityScheme> {
    let Some(components) = &doc.components else { return Vec::new() };
    let mut lowered = Vec::new();
    for (wire, const_name) in used {
        let at = pointer_from(["components", "securitySchemes", wire.as_str()]);
        let Some(r) = components.security_schemes.get(wire) else { continue };
        let scheme = match r {
            ReferenceOr::Item(s) => s,
            ReferenceOr::Reference { .. } => {
                diags.push(Diagnostic::error("security scheme references are not supported yet").pointer(at));
                continue;
            }
        };
        use openapiv3::SecurityScheme as S;
        let (kind, description) = match scheme {
            S::HTTP { scheme, description, .. } if scheme.eq_ignore_ascii_case("basic") => (SecurityKind::Basic, description),
            S::HTTP { scheme, description, .. } => {
                if !scheme.eq_ignore_ascii_case("bearer") {
                    diags.push(
                        Diagnostic::warning(format!("HTTP auth scheme `{scheme}` is sent as `Authorization: {scheme} <token>`"))
                            .pointer(format!("{at}/scheme")),
                    );
                }
                (SecurityKind::Bearer, description)
            }
            S::APIKey { location, name, description, .. } => {
                let location = match location {
                    openapiv3::APIKeyLocation::Header => ApiKeyLocation::Header,
                    openapiv3::APIKeyLocation::Query => ApiKeyLocation::Query,
                    openapiv3::APIKeyLocation::Cookie => ApiKeyLocation::Cookie,
                };
                (SecurityKind::ApiKey { location, name: name.clone() }, description)
            }
            S::OAuth2 { flows: openapiv3::OAuth2Flows { client_credentials: Some(cc), .. }, description, .. } => {
                (SecurityKind::OAuth2 { token_url: cc.token_url.clone(), scopes: required_scopes(doc, wire) }, description)
            }
            S::OAuth2 { description, .. } | S::OpenIDConnect { description, .. } => (SecurityKind::Bearer, description),
        };
        lowered.push((wire.clone(), const_name.clone(), kind, description.clone()));
    }
    // Setter names: the plain name when a kind is used by one scheme only, else per scheme.
    let count = |pred: &dyn Fn(&SecurityKind) -> bool| lowered.iter().filter(|(_, _, k, _)| pred(k)).count();
    let bearers = count(&|k| matches!(k, SecurityKind::Bearer | SecurityKind::OAuth2 { .. }));
    let oauths = count(&|k| matches!(k, SecurityKind::OAuth2 { .. }));
    let keys = count(&|k| matches!(k, SecurityKind::ApiKey { .. }));
    let basics = count(&|k| matches!(k, SecurityKind::Basic));
    let mut setters = Namespace::with_reserved(BUILDER_SETTERS);
    lowered
        .into_iter()
        .map(|(wire_name, const_name, kind, description)| {
            let plain = naming::snake(&wire_name, "scheme");
            let client_credentials_setter = match &kind {
                SecurityKind::OAuth2 { .. } if oauths == 1 => Some(setters.claim("client_credentials")),
                SecurityKind::OAuth2 { .. } => Some(setters.claim(&format!("{}_client_credentials", naming::unraw(&plain)))),
                _ => None,
            };
            let setter = match &kind {
                SecurityKind::Bearer | SecurityKind::OAuth2 { .. } if bearers == 1 => "bearer_token".to_string(),
                SecurityKind::Bearer | SecurityKind::OAuth2 { .. } => format!("{}_token", naming::unraw(&plain)),
                SecurityKind::ApiKey { .. } if keys == 1 => "api_key".to_string(),
                SecurityKind::ApiKey { .. } => plain,
                SecurityKind::Basic if basics == 1 => "basic_auth".to_string(),
                SecurityKind::Basic => format!("{}_basic_auth", naming::unraw(&plain)),
            };
            SecurityScheme { setter: setters.claim(&setter), client_credentials_setter, wire_name, const_name, kind, description }
        })
        .collect()
}

/// The scopes operations (and the document's default) require of a scheme, sorted and unique.
fn required_scopes(doc: &OpenAPI, scheme: &str) -> Vec<String> {
    let reqs = doc.security.iter().flatten().chain(doc.operations().flat_map(|(_, _, op)| op.security.iter().flatten()));
    let scopes: std::collections::BTreeSet<String> = reqs.filter_map(|r| r.get(scheme)).flatten().cloned().collect();
    scopes.into_iter().collect()
}

fn lower_servers(doc: &OpenAPI, diags: &mut Diagnostics) -> Vec<Server> {
    let mut ns = Namespace::with_reserved(&["Custom"]);
    // Names beside `Server` in `client` and at the crate root.
    let mut enum_names = Namespace::with_reserved(&["Server", "Client", "ClientBuilder", "BuildError", "Error", "Response", "RawResponse", "ApiError"]);
    // (variable, values) → enum name: servers that share a variable share its enum.
    let mut shared: BTreeMap<(String, Vec<String>), String> = BTreeMap::new();
    doc.servers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let from_description = s.description.as_deref().filter(|d| d.len() <= 32 && d.split_whitespace().count() <= 3);
            let wanted = speakeasy::server_id(&s.extensions).or(from_description).map(str::to_string).unwrap_or_else(|| format!("Server{}", i + 1));
            let variant = ns.claim(&naming::pascal(&wanted, &format!("Server{}", i + 1), "S"));
            let mut fields = Namespace::default();
            let variables = s
                .variables
                .iter()
                .flatten()
                .map(|(name, v)| {
                    let choices = (!v.enumeration.is_empty()).then(|| {
                        let mut values = v.enumeration.clone();
                        if !values.contains(&v.default) {
                            // Read generously: a default outside the enum is one more value.
                            diags.push(
                                Diagnostic::reading("server-variable-default", format!("the default `{}` of server variable `{name}` is not one of its `enum` values; it is read as one more value", v.default))
                                    .pointer(pointer_from(["servers", &i.to_string(), "variables", name.as_str(), "default"]))
                                    .help("add the default to `enum`, or pick one of its values"),
                            );
                            values.insert(0, v.default.clone());
                        }
                        let name_of = shared.entry((name.clone(), values.clone())).or_insert_with(|| {
                            let base = naming::pascal(name, "Variable", "V");
                            if enum_names.is_free(&base) { enum_names.claim(&base) } else { enum_names.claim(&format!("{variant}{base}")) }
                        });
                        let mut vns = Namespace::default();
                        let variants: Vec<Variant> = values.iter().map(|value| Variant { rust_name: vns.claim(&naming::pascal(value, "Empty", "V")), wire_value: value.clone() }).collect();
                        let default_variant = variants.iter().find(|x| x.wire_value == v.default).map(|x| x.rust_name.clone()).unwrap_or_default();
                        ServerChoices { name: name_of.clone(), variants, default_variant }
                    });
                    ServerVariable {
                        wire_name: name.clone(),
                        rust_name: fields.claim(&naming::snake(name, "var")),
                        default: v.default.clone(),
                        allowed: v.enumeration.clone(),
                        description: v.description.clone(),
                        choices,
                    }
                })
                .collect();
            Server { variant, url: s.url.clone(), description: s.description.clone(), variables }
        })
        .collect()
}

/// For each error response whose body is a struct with a message string (the field marked
/// `x-speakeasy-error-message`, else `message`), remember the field
/// so the error's `Display` can show the server's message.
fn set_message_fields(operations: &mut [Operation], defs: &[TypeDef]) {
    // Indexed once: large documents have thousands of error responses and types.
    let by_name: BTreeMap<&str, &TypeDef> = defs.iter().map(|d| (d.name.as_str(), d)).collect();
    for op in operations {
        for r in op.responses.iter_mut().filter(|r| r.is_error) {
            let Some(TypeRef::Named(name)) = r.body.as_ref().map(|b| &b.ty) else { continue };
            let Some(TypeDef { kind: TypeKind::Struct { fields, .. }, .. }) = by_name.get(name.as_str()).copied() else { continue };
            // `x-speakeasy-error-message` picks the field; else a `message` string.
            let field = fields
                .iter()
                .find(|f| f.error_message && f.ty == TypeRef::String)
                .or_else(|| fields.iter().find(|f| f.wire_name == "message" && f.ty == TypeRef::String));
            r.message_field = field.map(|f| MessageField { rust_name: f.rust_name.clone(), optional: f.is_optional() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_template_names_are_found() {
        assert_eq!(path_template_names("/a/{id}/b/{other_id}"), ["id", "other_id"]);
        assert!(path_template_names("/a/{unclosed").is_empty());
    }

    fn lower_json(doc: serde_json::Value) -> Api {
        let doc: OpenAPI = serde_json::from_value(doc).unwrap();
        let names = CrateNames { crate_name: "x".into(), lib_name: "x".into(), crate_version: "0.1.0".into(), source_name: "x.yaml".into(), formats: Default::default() };
        lower(&doc, &names).unwrap_or_else(|d| panic!("{d}")).0
    }

    #[test]
    fn server_variables_with_an_enum_become_shared_enums() {
        let api = lower_json(serde_json::json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "servers": [
                {"url": "https://{region}.a.example", "variables": {"region": {"default": "eu", "enum": ["eu", "us"]}}},
                {"url": "https://{region}.b.example", "variables": {"region": {"default": "eu", "enum": ["eu", "us"]}, "tier": {"default": "free"}}},
                {"url": "https://{region}.c.example", "variables": {"region": {"default": "ap", "enum": ["eu", "us"]}}}
            ]
        }));
        let choices = |s: usize, v: usize| api.servers[s].variables[v].choices.clone();
        let first = choices(0, 0).unwrap();
        assert_eq!((first.name.as_str(), first.default_variant.as_str()), ("Region", "Eu"));
        assert_eq!(choices(1, 0), Some(first), "the same variable and values share one enum");
        let free = api.servers[1].variables.iter().find(|v| v.wire_name == "tier").unwrap();
        assert_eq!(free.choices, None, "no enum: a string");
        // A default outside the enum is read as one more value (first), under another name.
        let third = choices(2, 0).unwrap();
        assert_eq!(third.name, "Server3Region");
        assert_eq!(third.variants.iter().map(|v| v.wire_value.as_str()).collect::<Vec<_>>(), ["ap", "eu", "us"]);
        assert_eq!(third.default_variant, "Ap");
    }

    #[test]
    fn schemes_differing_only_in_case_get_distinct_constants_and_setters() {
        let api = lower_json(serde_json::json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "security": [{"X-Api-Key": []}, {"x_api_key": []}],
            "paths": {"/a": {"get": {"operationId": "a", "parameters": [{"name": "body", "in": "query", "schema": {"type": "string"}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "string"}}}},
                "responses": {"200": {"description": "ok"}}}}},
            "components": {"securitySchemes": {
                "X-Api-Key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
                "x_api_key": {"type": "apiKey", "in": "query", "name": "key"}}}
        }));
        let consts: Vec<_> = api.security_schemes.iter().map(|s| (s.const_name.as_str(), s.setter.as_str())).collect();
        assert_eq!(consts, [("X_API_KEY", "x_api_key"), ("X_API_KEY_2", "x_api_key_2")]);
        assert_eq!(api.operations[0].security, vec![vec!["X_API_KEY".to_string()], vec!["X_API_KEY_2".to_string()]]);
        assert_eq!(api.operations[0].params[0].rust_name, "body_2", "`body` is the builder's own field");
    }

    #[test]
    fn tags_naming_the_same_module_put_an_operation_there_once() {
        let api = lower_json(serde_json::json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"post": {"operationId": "ApproveTimeEntries", "tags": ["TimeEntries", "Time entries"],
                "responses": {"204": {"description": "ok"}}}}}
        }));
        assert_eq!(api.operations[0].groups, [["time_entries".to_string()]]);
        assert_eq!(api.root.groups.len(), 1);
        assert_eq!(api.root.groups[0].operations.len(), 1);
    }

    #[test]
    fn reasons_become_variants() {
        assert_eq!(reason_variant(404), "NotFound");
        assert_eq!(reason_variant(499), "Status499");
    }
}
