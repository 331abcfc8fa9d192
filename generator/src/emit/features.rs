//! Per-group Cargo features of the generated crate: one feature per top-level group, all on by
//! default, so that a user who needs one group compiles only what it uses.
//!
//! A top-level group's module is compiled when its feature is on, and also when the feature of
//! a group one of whose methods returns a request builder defined in that module is on (an
//! operation in several groups has its builder in its first group's module). Operations without
//! a group (methods on `Client` itself) are always compiled. An operation's error enum, and each
//! type it uses (directly or through other types), carry the union of the gates of the modules
//! that refer to it; a type that an always-compiled operation or a global parameter (a
//! `ClientBuilder` setter) uses, or that no operation uses, is always compiled. Everything is computed from the IR, in a fixed order, so the gates are
//! deterministic.

use crate::ir::{Api, Operation, Success, TypeDef, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// Feature names that would clash with Cargo's `default` or with a dependency of the crate.
const RESERVED: &[&str] = &[
    "default", "percent-encoding", "percent_encoding", "reqwest", "serde", "serde_json", "tokio", "std", "futures-util", "futures_util", "tracing",
    "chrono", "uuid", "base64", "rust_decimal", "rust-decimal", "hmac", "sha2",
];

/// When something is compiled: always, or when any of these features (indices into
/// [`Features::names`]) is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Always compiled.
    Always,
    /// Compiled when one of these features is on.
    Any(BTreeSet<usize>),
}

impl Gate {
    fn join(&mut self, other: &Gate) {
        match (&mut *self, other) {
            (Gate::Always, _) => {}
            (_, Gate::Always) => *self = Gate::Always,
            (Gate::Any(a), Gate::Any(b)) => a.extend(b.iter().copied()),
        }
    }
}

/// The features of a crate and what each item is gated on.
#[derive(Debug, Default)]
pub struct Features {
    /// Feature names, in the order of the top-level groups.
    pub names: Vec<String>,
    /// Module name of each top-level group → its index in `names`.
    modules: BTreeMap<String, usize>,
    /// Gate of each top-level module, by index.
    module_gates: Vec<Gate>,
    /// Gate of each operation's items (error enum), by operation id.
    operations: BTreeMap<String, Gate>,
    /// Gate of each type, by name.
    types: BTreeMap<String, Gate>,
    /// The index in `names` of the opt-in feature of the webhook events (its module's name), when
    /// the document has webhooks. It is not a default feature: a document's webhook payloads
    /// can be as large as its API (GitHub's double its crate).
    pub webhooks: Option<usize>,
}

impl Features {
    /// Works out the features of `api`'s crate and every gate.
    pub fn new(api: &Api) -> Self {
        let mut f = Self::modules(api);
        if !f.names.is_empty() {
            f.gate_types(api);
        }
        f
    }

    /// The features and the gates of the top-level modules only (what `Client` and
    /// `Cargo.toml` need).
    pub fn modules(api: &Api) -> Self {
        let mut f = Features::default();
        for g in &api.root.groups {
            let base = crate::ir::naming::unraw(&g.module).to_string();
            let mut name = if RESERVED.contains(&base.as_str()) { format!("{base}-group") } else { base };
            while f.names.contains(&name) {
                name.push('_');
            }
            f.modules.insert(g.module.clone(), f.names.len());
            f.names.push(name);
        }
        // A module is compiled by its own feature and by those of groups using its builders.
        let mut module_gates: Vec<BTreeSet<usize>> = (0..f.names.len()).map(|i| BTreeSet::from([i])).collect();
        if let Some(m) = api.webhooks_module() {
            let mut name = m.to_string();
            while f.names.contains(&name) {
                name.push('_');
            }
            f.webhooks = Some(f.names.len());
            f.names.push(name);
        }
        for op in &api.operations {
            if let Some(home) = op.groups.first().and_then(|p| f.top(p)) {
                for user in op.groups.iter().filter_map(|p| f.top(p)) {
                    module_gates[home].insert(user);
                }
            }
        }
        f.module_gates = module_gates.into_iter().map(Gate::Any).collect();
        f
    }

    /// The index of the top-level module of a group path (`None` for the root).
    fn top(&self, path: &[String]) -> Option<usize> {
        path.first().and_then(|m| self.modules.get(m).copied())
    }

    /// Gates each operation's items and each type by the operations that use it.
    fn gate_types(&mut self, api: &Api) {
        let index: BTreeMap<&str, usize> = api.types.iter().enumerate().map(|(i, d)| (d.name.as_str(), i)).collect();
        let lookup = |names: Vec<String>| -> Vec<usize> { names.iter().filter_map(|n| index.get(n.as_str()).copied()).collect() };
        let refs: Vec<Vec<usize>> = api.types.iter().map(|d| lookup(type_refs(d))).collect();
        let mut gates: Vec<Option<Gate>> = vec![None; api.types.len()];
        // `seen[t] == k + 1` once operation `k` has reached type `t`.
        let mut seen = vec![0usize; api.types.len()];
        let mut stack = Vec::new();
        // The client's global parameters are set on `ClientBuilder`, which is always compiled.
        let mut globals = Vec::new();
        api.globals.iter().for_each(|g| named(&g.ty, &mut globals));
        stack.extend(lookup(globals));
        while let Some(t) = stack.pop() {
            if gates[t].is_none() {
                gates[t] = Some(Gate::Always);
                stack.extend(refs[t].iter().copied());
            }
        }
        // Webhook payloads, with the events module's feature (`seen` marks them with the index
        // after the last operation's).
        if let Some(w) = self.webhooks {
            let mark = api.operations.len() + 1;
            let gate = Gate::Any(BTreeSet::from([w]));
            let mut payloads = Vec::new();
            api.webhooks.iter().for_each(|h| named(&h.payload, &mut payloads));
            stack.extend(lookup(payloads));
            while let Some(t) = stack.pop() {
                if seen[t] == mark {
                    continue;
                }
                seen[t] = mark;
                stack.extend(refs[t].iter().copied());
                gates[t].get_or_insert_with(|| Gate::Any(BTreeSet::new())).join(&gate);
            }
        }
        for (k, op) in api.operations.iter().enumerate() {
            let mut gate = Gate::Any(BTreeSet::new());
            if op.groups.is_empty() || op.groups.iter().any(|p| self.top(p).is_none()) {
                gate = Gate::Always;
            }
            for m in op.groups.iter().filter_map(|p| self.top(p)) {
                gate.join(&self.module_gates[m]);
            }
            stack.extend(lookup(operation_types(op)));
            while let Some(t) = stack.pop() {
                if seen[t] == k + 1 {
                    continue;
                }
                seen[t] = k + 1;
                stack.extend(refs[t].iter().copied());
                gates[t].get_or_insert_with(|| Gate::Any(BTreeSet::new())).join(&gate);
            }
            self.operations.insert(op.id.clone(), gate);
        }
        // A type no operation, webhook or global reaches is always compiled, and so must be
        // every type it refers to (since `ir::dedupe`, one of those can be an alias of a type
        // that a group uses). An alias reached by nothing is the exception, below.
        let named_alias = |t: usize| matches!(api.types[t].kind, TypeKind::Alias { target: TypeRef::Named(_) });
        stack.extend((0..api.types.len()).filter(|&t| gates[t].is_none() && !named_alias(t)));
        while let Some(t) = stack.pop() {
            if !matches!(gates[t], Some(Gate::Always)) {
                gates[t] = Some(Gate::Always);
                stack.extend(refs[t].iter().copied());
            }
        }
        // An alias nothing refers to (a copy `ir::dedupe` merged, whose users became aliases
        // too) is compiled with its target: it names that type, and is no use without it.
        for t in 0..api.types.len() {
            let mut at = t;
            for _ in 0..api.types.len() {
                match (&gates[at], &api.types[at].kind, refs[at].as_slice()) {
                    (None, TypeKind::Alias { target: TypeRef::Named(_) }, [to]) => at = *to,
                    _ => break,
                }
            }
            if gates[t].is_none() && at != t {
                gates[t] = gates[at].clone();
            }
        }
        self.types = api.types.iter().zip(gates).filter_map(|(d, g)| g.map(|g| (d.name.clone(), g))).collect();
    }

    /// The attribute gating a top-level group's module (and its accessor on `Client`).
    pub fn module_cfg(&self, module: &str) -> TokenStream {
        match self.modules.get(module) {
            Some(&i) => self.cfg(&self.module_gates[i]),
            None => TokenStream::new(),
        }
    }

    /// The feature of the group an operation's builder is defined in (its first group's
    /// top-level module); `None` for an operation on `Client` itself.
    pub fn home_feature(&self, op: &Operation) -> Option<&str> {
        op.groups.first().and_then(|p| self.top(p)).map(|i| self.names[i].as_str())
    }

    /// The name of the webhook events' opt-in feature, when the document has webhooks.
    pub fn webhooks_feature(&self) -> Option<&str> {
        self.webhooks.map(|i| self.names[i].as_str())
    }

    /// The attribute gating the webhook events module (and the runtime's signature checks).
    pub fn webhooks_cfg(&self) -> TokenStream {
        match self.webhooks {
            Some(i) => self.cfg(&Gate::Any(BTreeSet::from([i]))),
            None => TokenStream::new(),
        }
    }

    /// The attribute gating an operation's error enum.
    pub fn operation_cfg(&self, op: &Operation) -> TokenStream {
        self.operations.get(&op.id).map(|g| self.cfg(g)).unwrap_or_default()
    }

    /// The attribute gating a type; none for a type no operation uses (it is always compiled).
    pub fn type_cfg(&self, name: &str) -> TokenStream {
        self.types.get(name).map(|g| self.cfg(g)).unwrap_or_default()
    }

    fn cfg(&self, gate: &Gate) -> TokenStream {
        match gate {
            Gate::Always => TokenStream::new(),
            Gate::Any(set) if set.is_empty() => TokenStream::new(),
            Gate::Any(set) => {
                let names = set.iter().map(|&i| &self.names[i]);
                if set.len() == 1 {
                    quote!(#[cfg(feature = #(#names)*)])
                } else {
                    quote!(#[cfg(any(#(feature = #names),*))])
                }
            }
        }
    }

    /// Code compiled only with some groups left out can leave crate-private helpers unused
    /// (a security scheme no remaining operation needs, say); that is expected, not a warning.
    /// With every feature on, dead code is still reported.
    pub fn lib_attrs(&self) -> TokenStream {
        if self.names.is_empty() {
            return TokenStream::new();
        }
        let names = &self.names;
        quote!(#![cfg_attr(not(all(#(feature = #names),*)), allow(dead_code))])
    }

    /// The `[features]` section of `Cargo.toml` (empty without groups).
    pub fn cargo_section(&self) -> String {
        if self.names.is_empty() {
            return String::new();
        }
        let defaults: Vec<String> = self.names.iter().enumerate().filter(|(i, _)| Some(*i) != self.webhooks).map(|(_, n)| format!("{n:?}")).collect();
        let mut s = String::from("\n[features]\n# One feature per group of operations; a group alone compiles only what it uses.\n");
        s.push_str(&format!("default = [{}]\n", defaults.join(", ")));
        for (i, n) in self.names.iter().enumerate() {
            if Some(i) == self.webhooks {
                s.push_str(&format!("# The webhook events and their signature checks; opt-in (payload types can be as large as the API).\n{n} = [\"dep:hmac\", \"dep:sha2\"]\n"));
            } else {
                s.push_str(&format!("{n} = []\n"));
            }
        }
        s
    }
}

/// The names of the types an operation's code refers to.
fn operation_types(op: &Operation) -> Vec<String> {
    let mut out = Vec::new();
    for p in &op.params {
        named(&p.ty, &mut out);
    }
    if let Some(b) = &op.body {
        named(&b.ty, &mut out);
    }
    for r in &op.responses {
        if let Some(b) = &r.body {
            named(&b.ty, &mut out);
        }
        out.extend(r.shared.iter().cloned());
    }
    match &op.success {
        Success::Single { ty: Some(t) } => named(t, &mut out),
        Success::Single { ty: None } => {}
        Success::Several { name } => out.push(name.clone()),
    }
    if let Some(item) = op.pagination.as_ref().and_then(|p| p.item.as_ref()) {
        named(item, &mut out);
    }
    out.extend(op.params_struct.iter().cloned());
    out.extend(op.headers_struct.iter().cloned());
    out
}

/// The names of the types a type definition refers to.
fn type_refs(def: &TypeDef) -> Vec<String> {
    let mut out = Vec::new();
    def.kind.for_each_name(&mut |n| out.push(n.to_string()));
    out
}

fn named(t: &TypeRef, out: &mut Vec<String>) {
    t.for_each_name(&mut |n| out.push(n.to_string()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(yaml: &str) -> Api {
        let mut value: serde_json::Value = serde_yaml::from_str(yaml).expect("test YAML");
        crate::normalise31::normalise(&mut value);
        let openapi = crate::resolve::parse_openapi(&value).expect("test document");
        let names = crate::ir::CrateNames { crate_name: "t".into(), lib_name: "t".into(), crate_version: "0.1.0".into(), source_name: "t.yaml".into(), formats: Default::default() };
        crate::ir::lower(&openapi, &names).expect("lowers").0
    }

    const DOC: &str = r##"
openapi: 3.0.3
info: { title: t, version: "1" }
x-speakeasy-globals:
  parameters:
    - $ref: "#/components/parameters/Region"
paths:
  /a:
    get:
      operationId: getA
      tags: [alpha]
      parameters: [{ $ref: "#/components/parameters/Region" }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/A" } } } }
  /b:
    get:
      operationId: getB
      tags: [beta]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Shared" } } } }
  /c:
    get:
      operationId: getC
      tags: [alpha]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Shared" } } } }
components:
  parameters:
    Region: { name: region, in: query, schema: { type: string, enum: [eu, us] } }
  schemas:
    A: { type: object, properties: { inner: { $ref: "#/components/schemas/Inner" } } }
    Inner: { type: object, properties: { x: { type: string } } }
    Shared: { type: object, properties: { y: { type: string } } }
    Unused: { type: object, properties: { z: { type: string } } }
"##;

    #[test]
    fn types_are_gated_on_the_groups_that_use_them() {
        let api = api(DOC);
        let f = Features::new(&api);
        assert_eq!(f.names, ["alpha", "beta"]);
        let cfg = |name: &str| f.type_cfg(name).to_string().replace(' ', "");
        assert_eq!(cfg("A"), r##"#[cfg(feature="alpha")]"##);
        assert_eq!(cfg("Inner"), r##"#[cfg(feature="alpha")]"##, "reached through A");
        assert_eq!(cfg("Shared"), r##"#[cfg(any(feature="alpha",feature="beta"))]"##);
        assert_eq!(cfg("Unused"), "", "a type no operation uses is always compiled");
        let homes: Vec<_> = api.operations.iter().map(|o| (o.id.as_str(), f.home_feature(o))).collect();
        assert_eq!(homes, [("getA", Some("alpha")), ("getB", Some("beta")), ("getC", Some("alpha"))]);
    }

    #[test]
    fn a_type_inside_a_tuple_is_gated_on_the_groups_that_reach_it() {
        // `Pair` (beta's) holds `Inner` (alpha's) only as a member of a tuple (`prefixItems`),
        // and beta's second operation returns a tuple of `Leaf` directly: with beta alone on,
        // both must still be compiled.
        let doc = r##"
openapi: 3.1.0
info: { title: t, version: "1" }
paths:
  /a:
    get:
      operationId: getA
      tags: [alpha]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Inner" } } } }
  /b:
    get:
      operationId: getB
      tags: [beta]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Pair" } } } }
  /c:
    get:
      operationId: getC
      tags: [beta]
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { type: array, prefixItems: [{ $ref: "#/components/schemas/Leaf" }, { type: integer }], items: false, minItems: 2 } } }
  /d:
    get:
      operationId: getD
      tags: [alpha]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Leaf" } } } }
components:
  schemas:
    Inner: { type: object, properties: { x: { type: string } } }
    Leaf: { type: object, properties: { y: { type: string } } }
    Pair:
      type: object
      properties:
        pair: { type: array, prefixItems: [{ $ref: "#/components/schemas/Inner" }, { type: string }], items: false, minItems: 2 }
"##;
        let api = api(doc);
        let f = Features::new(&api);
        assert_eq!(f.names, ["alpha", "beta"]);
        let cfg = |name: &str| f.type_cfg(name).to_string().replace(' ', "");
        assert_eq!(cfg("Pair"), r##"#[cfg(feature="beta")]"##);
        assert_eq!(cfg("Inner"), r##"#[cfg(any(feature="alpha",feature="beta"))]"##, "reached through Pair's tuple");
        assert_eq!(cfg("Leaf"), r##"#[cfg(any(feature="alpha",feature="beta"))]"##, "in getC's tuple");
    }

    #[test]
    fn a_global_parameters_type_is_always_compiled() {
        // `ClientBuilder::region(...)` takes the enum whatever the features, so gating it on
        // `alpha` (its only operation) would break a build with `alpha` off.
        let api = api(DOC);
        let global = api.globals.first().expect("the global");
        let TypeRef::Named(name) = &global.ty else { panic!("an enum type, not {:?}", global.ty) };
        assert_eq!(Features::new(&api).type_cfg(name).to_string(), "");
    }

    #[test]
    fn what_an_unreached_type_refers_to_is_always_compiled_and_an_unreached_alias_follows_its_target() {
        // `Unused` is no operation's, yet one of its fields names `Inner` (alpha's) through
        // `Copy`, an alias `ir::dedupe` made: both must then be compiled whatever the features.
        // `Orphan` is an alias nothing refers to: it goes with its target.
        let mut api = api(DOC);
        let def = |name: &str, kind: TypeKind| TypeDef { name: name.into(), pointer: "#/x".into(), doc: None, kind };
        let alias = |to: &str| TypeKind::Alias { target: TypeRef::Named(to.into()) };
        let TypeKind::Struct { fields, .. } = &api.types.iter().find(|t| t.name == "A").expect("A").kind else { panic!("a struct") };
        let mut field = fields[0].clone();
        field.ty = TypeRef::Named("Copy".into());
        api.types.push(def("Unused", TypeKind::Struct { fields: vec![field], additional: None }));
        api.types.push(def("Copy", alias("Inner")));
        api.types.push(def("Orphan", alias("Shared")));
        let f = Features::new(&api);
        let cfg = |name: &str| f.type_cfg(name).to_string().replace(' ', "");
        assert_eq!(cfg("Unused"), "");
        assert_eq!(cfg("Copy"), "", "an always-compiled type refers to it");
        assert_eq!(cfg("Inner"), "", "and through it, to what it aliases");
        assert_eq!(cfg("Orphan"), r##"#[cfg(any(feature="alpha",feature="beta"))]"##, "compiled with its target, `Shared`");
    }
}
