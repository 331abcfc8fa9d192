//! Schemas → named types ([`TypeDef`]) and type references ([`TypeRef`]).
//!
//! Component schemas keep their component name (or `x-speakeasy-name-override`); inline schemas
//! that need a type are named from where they stand (`PosLoginWithEmailBody`,
//! `PosUserChannel`), so names stay stable when unrelated parts of the document change. Each
//! schema is lowered once, keyed by its JSON pointer, so a shared component or a shared response
//! body is one type however often it is referenced.

use super::naming::{self, Namespace};
use super::speakeasy;
use super::{Field, Fixed, FormatCrate, FormatPolicy, IntVariant, TypeDef, TypeKind, TypeRef, UnionVariant, Variant};
use crate::diagnostics::{Diagnostic, Diagnostics, pointer_from};
use crate::resolve::component_name;
use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A schema or a reference to one, whichever box it came in.
#[derive(Clone, Copy)]
pub(crate) enum SchemaRef<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

/// One view over openapiv3's typed schemas and its catch-all `AnySchema`.
#[derive(Default)]
struct View<'a> {
    typ: Option<&'a str>,
    format: Option<String>,
    enum_values: Vec<Value>,
    properties: Vec<(&'a str, SchemaRef<'a>)>,
    required: &'a [String],
    additional: Option<&'a AdditionalProperties>,
    items: Option<SchemaRef<'a>>,
    all_of: &'a [ReferenceOr<Schema>],
    one_of: &'a [ReferenceOr<Schema>],
    any_of: &'a [ReferenceOr<Schema>],
    not: bool,
}

fn format_text<T: serde::Serialize>(f: &openapiv3::VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match f {
        openapiv3::VariantOrUnknownOrEmpty::Item(i) => serde_json::to_value(i).ok().and_then(|v| v.as_str().map(str::to_string)),
        openapiv3::VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        openapiv3::VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn props(p: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>) -> Vec<(&str, SchemaRef<'_>)> {
    p.iter().map(|(k, v)| (k.as_str(), SchemaRef::from(v))).collect()
}

fn view(schema: &Schema) -> View<'_> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => View {
            typ: Some("string"),
            format: format_text(&s.format),
            enum_values: s.enumeration.iter().map(|v| v.clone().map_or(Value::Null, Value::String)).collect(),
            ..View::default()
        },
        SchemaKind::Type(Type::Integer(i)) => View {
            typ: Some("integer"),
            format: format_text(&i.format),
            enum_values: i.enumeration.iter().map(|v| v.map_or(Value::Null, Value::from)).collect(),
            ..View::default()
        },
        SchemaKind::Type(Type::Number(n)) => View { typ: Some("number"), format: format_text(&n.format), ..View::default() },
        SchemaKind::Type(Type::Boolean(_)) => View { typ: Some("boolean"), ..View::default() },
        SchemaKind::Type(Type::Array(a)) => View { typ: Some("array"), items: a.items.as_ref().map(SchemaRef::from), ..View::default() },
        SchemaKind::Type(Type::Object(o)) => View {
            typ: Some("object"),
            properties: props(&o.properties),
            required: &o.required,
            additional: o.additional_properties.as_ref(),
            ..View::default()
        },
        SchemaKind::OneOf { one_of } => View { one_of, ..View::default() },
        SchemaKind::AllOf { all_of } => View { all_of, ..View::default() },
        SchemaKind::AnyOf { any_of } => View { any_of, ..View::default() },
        SchemaKind::Not { .. } => View { not: true, ..View::default() },
        SchemaKind::Any(a) => View {
            typ: a.typ.as_deref(),
            format: a.format.clone(),
            enum_values: a.enumeration.clone(),
            properties: props(&a.properties),
            required: &a.required,
            additional: a.additional_properties.as_ref(),
            items: a.items.as_ref().map(SchemaRef::from),
            all_of: &a.all_of,
            one_of: &a.one_of,
            any_of: &a.any_of,
            not: a.not.is_some(),
        },
    }
}

/// Extensions the OpenAPI 3.1 normalisation ([`crate::normalise31`]) leaves for lowering.
const CONST: &str = "x-sdkforge-const";
const TUPLE: &str = "x-sdkforge-tuple";

/// How deep inline schemas may nest before lowering gives up with a diagnostic (stack safety).
const MAX_DEPTH: usize = 64;

/// The types of one document, built up as operations are lowered.
pub(crate) struct TypeSpace<'a> {
    doc: &'a OpenAPI,
    names: Namespace,
    /// Schema pointer → the type it lowered to (components and named inline schemas).
    done: BTreeMap<String, TypeRef>,
    defs: BTreeMap<String, TypeDef>,
    /// Component key → Rust name, reserved up front so components keep their names.
    component_names: BTreeMap<String, String>,
    ignored_components: BTreeSet<String>,
    depth: usize,
    /// Which formats get their own type, and the crates those used so far need.
    formats: FormatPolicy,
    format_crates: BTreeSet<FormatCrate>,
    /// Format spellings that only resemble a typed format (`dateTime`): the first place each
    /// appears and how often, reported once per spelling by `finish`.
    odd_formats: BTreeMap<String, (String, usize)>,
    pub diags: Diagnostics,
}

impl<'a> TypeSpace<'a> {
    /// Reserves the names of all component schemas, in document order.
    pub fn new(doc: &'a OpenAPI, formats: FormatPolicy) -> Self {
        let mut space = Self {
            doc,
            names: Namespace::default(),
            done: BTreeMap::new(),
            defs: BTreeMap::new(),
            component_names: BTreeMap::new(),
            ignored_components: BTreeSet::new(),
            depth: 0,
            formats,
            format_crates: BTreeSet::new(),
            odd_formats: BTreeMap::new(),
            diags: Diagnostics::default(),
        };
        let schemas = doc.components.iter().flat_map(|c| c.schemas.iter());
        for (key, schema) in schemas {
            let pointer = pointer_from(["components", "schemas", key.as_str()]);
            let ext = match schema {
                ReferenceOr::Item(s) => Some(&s.schema_data.extensions),
                ReferenceOr::Reference { .. } => None,
            };
            if let Some(ext) = ext {
                match speakeasy::ignored(ext, &pointer) {
                    Ok(true) => {
                        space.ignored_components.insert(key.clone());
                        continue;
                    }
                    Ok(false) => {}
                    Err(d) => space.diags.push(d),
                }
            }
            let wanted = ext
                .and_then(|e| speakeasy::name_override(e, &pointer).map_err(|d| space.diags.push(d)).ok().flatten())
                .unwrap_or_else(|| key.clone());
            let name = space.names.claim(&naming::unshadowed(naming::pascal(&wanted, "Schema", "T")));
            space.component_names.insert(key.clone(), name);
        }
        space
    }

    /// The crates the typed formats lowered so far need, sorted.
    pub fn format_crates(&self) -> Vec<FormatCrate> {
        self.format_crates.iter().copied().collect()
    }

    /// The type of a string schema with format `format` (`None`: no format, or one without a
    /// type of its own), recording the crate it needs.
    ///
    /// Only the registered spellings get a type (`date-time`, not `dateTime`): validators and
    /// mock servers treat any other spelling as an unknown format that every string satisfies,
    /// so a server checked against them may send anything there, and a typed field would fail
    /// the call. Such a spelling stays `String`, with one warning per spelling (`finish`).
    fn string_format(&mut self, format: Option<&str>, pointer: &str) -> TypeRef {
        let Some(format) = format else { return TypeRef::String };
        let p = self.formats;
        let (t, needs) = match format {
            "binary" => (TypeRef::Bytes, None),
            "date-time" if p.date_time => (TypeRef::DateTime, Some(FormatCrate::Chrono)),
            "date" if p.date => (TypeRef::Date, Some(FormatCrate::Chrono)),
            "uuid" if p.uuid => (TypeRef::Uuid, Some(FormatCrate::Uuid)),
            "byte" | "base64" if p.byte => (TypeRef::Base64, Some(FormatCrate::Base64)),
            "int64" | "int32" | "uint64" | "uint32" if p.int_string => (TypeRef::IntString(Box::new(integer_format(Some(format)))), None),
            "decimal" | "decimal128" if p.decimal => (TypeRef::Decimal { text: true }, Some(FormatCrate::RustDecimal)),
            _ => {
                if standard_spelling(format).is_some() {
                    let seen = self.odd_formats.entry(format.to_string()).or_insert_with(|| (format!("{pointer}/format"), 0));
                    seen.1 += 1;
                }
                (TypeRef::String, None)
            }
        };
        self.format_crates.extend(needs);
        t
    }

    /// The type of a number schema with format `format`.
    fn number_format(&mut self, format: Option<&str>) -> TypeRef {
        match format.map(str::to_ascii_lowercase).as_deref() {
            Some("float") => TypeRef::F32,
            Some("decimal" | "decimal128") if self.formats.decimal => {
                self.format_crates.insert(FormatCrate::RustDecimal);
                TypeRef::Decimal { text: false }
            }
            _ => TypeRef::F64,
        }
    }

    /// Claims a type name (for types made outside this module, like success enums).
    pub fn claim(&mut self, name: &str) -> String {
        self.names.claim(name)
    }

    /// Adds a finished type definition.
    pub fn add(&mut self, def: TypeDef) {
        self.defs.insert(def.name.clone(), def);
    }

    /// Whether a `$ref` points at a component schema marked `x-speakeasy-ignore`.
    pub fn is_ignored_ref(&self, s: SchemaRef<'_>) -> bool {
        match s {
            SchemaRef::Ref(r) => component_name(r, "schemas").is_some_and(|k| self.ignored_components.contains(&k)),
            SchemaRef::Item(_) => false,
        }
    }

    /// Follows a reference to its schema (and the schema's pointer).
    pub fn deref(&mut self, s: SchemaRef<'a>, pointer: &str) -> Option<(&'a Schema, String)> {
        let mut current = s;
        let mut at = pointer.to_string();
        for _ in 0..MAX_DEPTH {
            match current {
                SchemaRef::Item(schema) => return Some((schema, at)),
                SchemaRef::Ref(r) => {
                    let Some(key) = component_name(r, "schemas") else {
                        self.diags.push(unsupported_ref(r, &at));
                        return None;
                    };
                    let Some(target) = self.doc.components.as_ref().and_then(|c| c.schemas.get(&key)) else {
                        self.diags.push(
                            Diagnostic::error(format!("`$ref` target `{r}` does not exist"))
                                .pointer(format!("{at}/$ref"))
                                .help("define it under `components.schemas`, or fix the reference"),
                        );
                        return None;
                    };
                    at = pointer_from(["components", "schemas", key.as_str()]);
                    current = target.into();
                }
            }
        }
        self.diags.push(Diagnostic::error("`$ref` chain too long or cyclic").pointer(pointer.to_string()));
        None
    }

    /// Lowers a schema standing at `pointer`; `hint` names an inline type if one is needed.
    pub fn lower(&mut self, s: SchemaRef<'a>, pointer: &str, hint: &str) -> TypeRef {
        match s {
            SchemaRef::Ref(r) => self.lower_ref(r, pointer),
            SchemaRef::Item(schema) => self.lower_schema(schema, pointer, hint),
        }
    }

    /// Lowers the component schema `key` (for `x-speakeasy-include`).
    pub fn component(&mut self, key: &str) -> TypeRef {
        let reference = pointer_from(["components", "schemas", key]);
        self.lower_ref(&reference, "#/components/schemas")
    }

    fn lower_ref(&mut self, r: &str, pointer: &str) -> TypeRef {
        let Some(key) = component_name(r, "schemas") else {
            self.diags.push(unsupported_ref(r, pointer));
            return TypeRef::Json;
        };
        let target_pointer = pointer_from(["components", "schemas", key.as_str()]);
        if let Some(t) = self.done.get(&target_pointer) {
            return t.clone();
        }
        let Some(target) = self.doc.components.as_ref().and_then(|c| c.schemas.get(&key)) else {
            self.diags.push(
                Diagnostic::error(format!("`$ref` target `{r}` does not exist"))
                    .pointer(format!("{pointer}/$ref"))
                    .help("define it under `components.schemas`, or fix the reference"),
            );
            return TypeRef::Json;
        };
        if self.ignored_components.contains(&key) {
            self.diags.push(
                Diagnostic::warning(format!("`{r}` is marked `x-speakeasy-ignore`; using a JSON value here"))
                    .pointer(format!("{pointer}/$ref")),
            );
            return TypeRef::Json;
        }
        let name = self.component_names.get(&key).cloned().unwrap_or_else(|| naming::pascal(&key, "Schema", "T"));
        match target {
            ReferenceOr::Reference { reference } => {
                // A component that is only a reference to another: an alias.
                self.done.insert(target_pointer.clone(), TypeRef::Named(name.clone()));
                let to = self.lower_ref(reference, &target_pointer);
                if to == TypeRef::Named(name.clone()) {
                    self.diags.push(Diagnostic::error(format!("schema `{key}` is an alias of itself")).pointer(target_pointer.clone()));
                    return TypeRef::Json;
                }
                self.add(TypeDef { name: name.clone(), pointer: target_pointer, doc: None, kind: TypeKind::Alias { target: to } });
                TypeRef::Named(name)
            }
            ReferenceOr::Item(schema) => {
                // Registered before lowering the body, so recursive references find it.
                self.done.insert(target_pointer.clone(), TypeRef::Named(name.clone()));
                let t = self.lower_named(schema, &target_pointer, &name);
                if t != TypeRef::Named(name.clone()) {
                    // Not a struct or enum: keep the component's name as an alias.
                    let doc = schema.schema_data.description.clone();
                    self.add(TypeDef { name: name.clone(), pointer: target_pointer, doc, kind: TypeKind::Alias { target: t } });
                }
                TypeRef::Named(name)
            }
        }
    }

    /// Lowers a schema into a type with exactly this (already claimed) name when it needs one.
    pub fn lower_named(&mut self, schema: &'a Schema, pointer: &str, name: &str) -> TypeRef {
        self.lower_inner(schema, pointer, Some(name), name)
    }

    fn lower_schema(&mut self, schema: &'a Schema, pointer: &str, hint: &str) -> TypeRef {
        if let Some(t) = self.done.get(pointer) {
            return t.clone();
        }
        let t = self.lower_inner(schema, pointer, None, hint);
        if matches!(t, TypeRef::Named(_)) {
            self.done.insert(pointer.to_string(), t.clone());
        }
        t
    }

    fn lower_inner(&mut self, schema: &'a Schema, pointer: &str, fixed: Option<&str>, hint: &str) -> TypeRef {
        if self.depth >= MAX_DEPTH {
            self.diags.push(
                Diagnostic::warning(format!("schemas nest more than {MAX_DEPTH} levels deep; using a JSON value"))
                    .pointer(pointer.to_string()),
            );
            return TypeRef::Json;
        }
        self.depth += 1;
        let t = self.lower_view(schema, pointer, fixed, hint);
        self.depth -= 1;
        t
    }

    fn name_for(&mut self, schema: &Schema, pointer: &str, fixed: Option<&str>, hint: &str) -> String {
        if let Some(n) = fixed {
            return n.to_string();
        }
        let over = speakeasy::name_override(&schema.schema_data.extensions, pointer).map_err(|d| self.diags.push(d)).ok().flatten();
        // A `const`'s title is at best its property's name (`Type`, once per tagged struct);
        // the place (`OrderCreatedType`) names it uniquely.
        let is_const = schema.schema_data.extensions.contains_key(CONST);
        let title = schema.schema_data.title.clone().filter(|t| t.len() <= 64 && !is_const);
        let wanted = over.or(title).unwrap_or_else(|| hint.to_string());
        self.names.claim(&naming::unshadowed(naming::pascal(&wanted, "Type", "T")))
    }

    fn lower_view(&mut self, schema: &'a Schema, pointer: &str, fixed: Option<&str>, hint: &str) -> TypeRef {
        let v = view(schema);
        if speakeasy::type_override_any(&schema.schema_data.extensions) {
            return TypeRef::Json;
        }
        if v.not {
            self.diags.push(Diagnostic::warning("`not` has no Rust type; using a JSON value").pointer(pointer.to_string()));
            return TypeRef::Json;
        }
        if !v.one_of.is_empty() || !v.any_of.is_empty() {
            let (members, key) = if v.one_of.is_empty() { (v.any_of, "anyOf") } else { (v.one_of, "oneOf") };
            if !v.properties.is_empty() || !v.all_of.is_empty() {
                self.diags.push(
                    Diagnostic::warning(format!("`{key}` beside `properties` or `allOf` is not supported yet; using a JSON value"))
                        .pointer(pointer.to_string()),
                );
                return TypeRef::Json;
            }
            return self.lower_union(schema, members, key, pointer, fixed, hint);
        }
        if !v.all_of.is_empty() {
            return self.lower_all_of(schema, &v, pointer, fixed, hint);
        }
        match v.typ {
            Some("string") if !v.enum_values.is_empty() => self.lower_enum(schema, &v, pointer, fixed, hint),
            Some("string") => self.string_format(v.format.as_deref(), pointer),
            Some("integer") if v.enum_values.iter().filter(|x| x.is_i64()).count() > 0 => self.lower_int_enum(schema, &v, pointer, fixed, hint),
            Some("integer") => integer_format(v.format.as_deref()),
            Some("number") => self.number_format(v.format.as_deref()),
            Some("boolean") => TypeRef::Bool,
            Some("array") => {
                if let Some(t) = self.lower_tuple(v.items, pointer, hint) {
                    return t;
                }
                let item = match v.items {
                    Some(items) => {
                        let t = self.lower(items, &format!("{pointer}/items"), &format!("{hint}Item"));
                        self.nullable_in_container(items, &format!("{pointer}/items"), t)
                    }
                    None => TypeRef::Json,
                };
                TypeRef::Vec(Box::new(item))
            }
            Some("object") | None if !v.properties.is_empty() => {
                self.lower_struct(schema, &v.properties, v.required, v.additional, pointer, fixed, hint)
            }
            Some("object") => self.lower_map(v.additional, pointer, hint),
            None if v.additional.is_some() => self.lower_map(v.additional, pointer, hint),
            None => TypeRef::Json,
            Some(other) => {
                self.diags.push(
                    Diagnostic::warning(format!("unknown schema type `{other}`; using a JSON value")).pointer(format!("{pointer}/type")),
                );
                TypeRef::Json
            }
        }
    }

    /// `prefixItems` of a fixed length, which the OpenAPI 3.1 normalisation leaves as `items:
    /// {oneOf: [positions...], x-sdkforge-tuple: true}`: a tuple.
    fn lower_tuple(&mut self, items: Option<SchemaRef<'a>>, pointer: &str, hint: &str) -> Option<TypeRef> {
        let Some(SchemaRef::Item(items)) = items else { return None };
        if items.schema_data.extensions.get(TUPLE) != Some(&Value::Bool(true)) {
            return None;
        }
        let SchemaKind::OneOf { one_of } = &items.schema_kind else { return None };
        let mut members = Vec::new();
        for (i, member) in one_of.iter().enumerate() {
            let at = format!("{pointer}/items/oneOf/{i}");
            let t = self.lower(member.into(), &at, &format!("{hint}Item{}", i + 1));
            members.push(self.nullable_in_container(member.into(), &at, t));
        }
        Some(TypeRef::Tuple(members))
    }

    /// The value of a required `const` field, when its type can hold that one value only.
    fn fixed_value(&self, ty: &TypeRef, value: &Value) -> Option<Fixed> {
        match ty {
            TypeRef::Bool => value.as_bool().map(Fixed::Bool),
            TypeRef::Named(n) => match &self.defs.get(n)?.kind {
                TypeKind::Enum { variants, open: false } => match variants.as_slice() {
                    [only] if value.as_str() == Some(only.wire_value.as_str()) => Some(Fixed::Variant(only.rust_name.clone())),
                    _ => None,
                },
                TypeKind::IntEnum { variants, open: false } => match variants.as_slice() {
                    [only] if value.as_i64() == Some(only.value) => Some(Fixed::Variant(only.rust_name.clone())),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// `Option<T>` for nullable array items and map values.
    fn nullable_in_container(&mut self, s: SchemaRef<'a>, pointer: &str, t: TypeRef) -> TypeRef {
        if t != TypeRef::Json && self.deref(s, pointer).is_some_and(|(schema, _)| schema.schema_data.nullable) {
            TypeRef::Option(Box::new(t))
        } else {
            t
        }
    }

    fn lower_map(&mut self, additional: Option<&'a AdditionalProperties>, pointer: &str, hint: &str) -> TypeRef {
        let value = match additional {
            None | Some(AdditionalProperties::Any(_)) => TypeRef::Json,
            Some(AdditionalProperties::Schema(s)) => {
                let s = SchemaRef::from(s.as_ref());
                let at = format!("{pointer}/additionalProperties");
                let t = self.lower(s, &at, &format!("{hint}Value"));
                self.nullable_in_container(s, &at, t)
            }
        };
        TypeRef::Map(Box::new(value))
    }

    fn lower_enum(&mut self, schema: &Schema, v: &View<'_>, pointer: &str, fixed: Option<&str>, hint: &str) -> TypeRef {
        let values: Vec<&str> = v.enum_values.iter().filter_map(Value::as_str).collect();
        if values.is_empty() {
            return TypeRef::String;
        }
        let name = self.name_for(schema, pointer, fixed, hint);
        let mut ns = Namespace::default();
        let mut variants = Vec::new();
        let mut seen = BTreeSet::new();
        for value in values {
            if !seen.insert(value) {
                continue;
            }
            variants.push(Variant { rust_name: ns.claim(&naming::pascal(value, "Empty", "V")), wire_value: value.to_string() });
        }
        let open = speakeasy::unknown_values_allowed(&schema.schema_data.extensions);
        self.add(TypeDef {
            name: name.clone(),
            pointer: pointer.to_string(),
            doc: schema.schema_data.description.clone(),
            kind: TypeKind::Enum { variants, open },
        });
        TypeRef::Named(name)
    }

    fn lower_int_enum(&mut self, schema: &Schema, v: &View<'_>, pointer: &str, fixed: Option<&str>, hint: &str) -> TypeRef {
        let name = self.name_for(schema, pointer, fixed, hint);
        let mut ns = Namespace::default();
        let mut seen = BTreeSet::new();
        let mut variants = Vec::new();
        for value in v.enum_values.iter().filter_map(Value::as_i64) {
            if !seen.insert(value) {
                continue;
            }
            let base = if value < 0 { format!("Minus{}", value.unsigned_abs()) } else { format!("V{value}") };
            variants.push(IntVariant { rust_name: ns.claim(&base), value });
        }
        let open = speakeasy::unknown_values_allowed(&schema.schema_data.extensions);
        self.add(TypeDef {
            name: name.clone(),
            pointer: pointer.to_string(),
            doc: schema.schema_data.description.clone(),
            kind: TypeKind::IntEnum { variants, open },
        });
        TypeRef::Named(name)
    }

    #[allow(clippy::too_many_arguments)]
    fn lower_struct(
        &mut self,
        schema: &Schema,
        properties: &[(&'a str, SchemaRef<'a>)],
        required: &[String],
        additional: Option<&'a AdditionalProperties>,
        pointer: &str,
        fixed: Option<&str>,
        hint: &str,
    ) -> TypeRef {
        let name = self.name_for(schema, pointer, fixed, hint);
        // Registered first so a self-reference through an inline schema resolves.
        self.done.insert(pointer.to_string(), TypeRef::Named(name.clone()));
        let additional = match additional {
            None | Some(AdditionalProperties::Any(false)) => None,
            Some(a) => match self.lower_map(Some(a), pointer, &name) {
                TypeRef::Map(value) => Some(*value),
                _ => None,
            },
        };
        let reserved: &[&str] = if additional.is_some() { &["additional_properties"] } else { &[] };
        let fields = self.fields(properties, required, pointer, &name, reserved);
        self.add(TypeDef {
            name: name.clone(),
            pointer: pointer.to_string(),
            doc: schema.schema_data.description.clone(),
            kind: TypeKind::Struct { fields, additional },
        });
        TypeRef::Named(name)
    }

    fn fields(&mut self, properties: &[(&'a str, SchemaRef<'a>)], required: &[String], pointer: &str, owner: &str, reserved: &[&str]) -> Vec<Field> {
        let mut ns = Namespace::with_reserved(reserved);
        let mut fields = Vec::new();
        for (wire, prop) in properties {
            let at = format!("{pointer}/properties/{}", crate::diagnostics::escape_pointer_segment(wire));
            if self.is_ignored_ref(*prop) {
                continue;
            }
            let (data, rename) = match prop {
                SchemaRef::Item(s) => {
                    match speakeasy::ignored(&s.schema_data.extensions, &at) {
                        Ok(true) => continue,
                        Ok(false) => {}
                        Err(d) => self.diags.push(d),
                    }
                    let over = speakeasy::name_override(&s.schema_data.extensions, &at).map_err(|d| self.diags.push(d)).ok().flatten();
                    (Some(&s.schema_data), over)
                }
                SchemaRef::Ref(_) => (self.deref(*prop, &at).map(|(s, _)| &s.schema_data), None),
            };
            let rust_name = ns.claim(&naming::snake(rename.as_deref().unwrap_or(wire), "field"));
            let hint = format!("{owner}{}", naming::pascal(wire, "Field", "F"));
            let ty = self.lower(*prop, &at, &hint);
            let inline_doc = match prop {
                SchemaRef::Item(s) => s.schema_data.description.clone(),
                SchemaRef::Ref(_) => None,
            };
            let fixed = data.and_then(|d| d.extensions.get(CONST)).and_then(|c| self.fixed_value(&ty, c));
            fields.push(Field {
                wire_name: wire.to_string(),
                rust_name,
                ty,
                required: required.iter().any(|r| r == wire),
                nullable: data.is_some_and(|d| d.nullable),
                read_only: data.is_some_and(|d| d.read_only),
                write_only: data.is_some_and(|d| d.write_only),
                error_message: data.is_some_and(|d| d.extensions.get("x-speakeasy-error-message").and_then(serde_json::Value::as_bool) == Some(true)),
                default: data.and_then(|d| d.default.clone()),
                doc: inline_doc,
                fixed,
            });
        }
        fields
    }

    /// `oneOf`/`anyOf`. A single member is that member; several become a union.
    fn lower_union(&mut self, schema: &'a Schema, members: &'a [ReferenceOr<Schema>], key: &str, pointer: &str, fixed: Option<&str>, hint: &str) -> TypeRef {
        if let [only] = members {
            return self.lower(only.into(), &format!("{pointer}/{key}/0"), hint);
        }
        let name = self.name_for(schema, pointer, fixed, hint);
        self.done.insert(pointer.to_string(), TypeRef::Named(name.clone()));
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut ns = Namespace::default();
        let mut variants = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let at = format!("{pointer}/{key}/{i}");
            let member_ref = SchemaRef::from(member);
            let ty = self.lower(member_ref, &at, &format!("{name}Variant{}", i + 1));
            // An inline member named `<Union>Variant2` is just `Variant2` inside the union.
            let base = match &ty {
                TypeRef::Named(n) => n.strip_prefix(name.as_str()).filter(|rest| rest.starts_with("Variant")).unwrap_or(n).to_string(),
                t => variant_name_for(t),
            };
            let mut tags = Vec::new();
            if let Some(d) = discriminator {
                if let SchemaRef::Ref(r) = member_ref {
                    let by_mapping: Vec<String> = d
                        .mapping
                        .iter()
                        .filter(|(k, target)| !k.starts_with("x-") && (target.as_str() == r || component_name(r, "schemas").as_deref() == Some(target.as_str())))
                        .map(|(k, _)| k.clone())
                        .collect();
                    tags = if by_mapping.is_empty() { component_name(r, "schemas").into_iter().collect() } else { by_mapping };
                }
            }
            variants.push(UnionVariant { name: ns.claim(&naming::pascal(&base, "Variant", "V")), ty, tags });
        }
        let discriminator = match discriminator {
            Some(d) if variants.iter().all(|v| !v.tags.is_empty()) => Some(d.property_name.clone()),
            Some(_) => {
                self.diags.push(
                    Diagnostic::warning("a discriminator needs every member to be a `$ref`; decoding tries each member in turn instead")
                        .pointer(format!("{pointer}/discriminator")),
                );
                None
            }
            None => None,
        };
        self.add(TypeDef {
            name: name.clone(),
            pointer: pointer.to_string(),
            doc: schema.schema_data.description.clone(),
            kind: TypeKind::Union { variants, discriminator },
        });
        TypeRef::Named(name)
    }

    /// `allOf`: one member (often `allOf: [$ref]` to add `nullable` or a description) is that
    /// member; several object members are merged into one struct.
    fn lower_all_of(&mut self, schema: &'a Schema, v: &View<'a>, pointer: &str, fixed: Option<&str>, hint: &str) -> TypeRef {
        // Members that only annotate (`{description: ...}`, `{nullable: true}`) add no type.
        let typed: Vec<usize> = (0..v.all_of.len())
            .filter(|&i| match SchemaRef::from(&v.all_of[i]) {
                SchemaRef::Ref(_) => true,
                SchemaRef::Item(s) => !is_annotation_only(s),
            })
            .collect();
        if typed.len() == 1 && v.properties.is_empty() {
            let i = typed[0];
            let member = SchemaRef::from(&v.all_of[i]);
            return match (member, fixed) {
                (SchemaRef::Item(s), Some(name)) => self.lower_named(s, &format!("{pointer}/allOf/{i}"), name),
                _ => self.lower(member, &format!("{pointer}/allOf/{i}"), hint),
            };
        }
        // Every declaration of each property, in member order, the schema's own last.
        let mut declared: Vec<(&'a str, Vec<SchemaRef<'a>>)> = Vec::new();
        let mut required: Vec<String> = Vec::new();
        let mut declare = |k: &'a str, p: SchemaRef<'a>| match declared.iter_mut().find(|(name, _)| *name == k) {
            Some((_, all)) => all.push(p),
            None => declared.push((k, vec![p])),
        };
        for (i, member) in v.all_of.iter().enumerate() {
            if !typed.contains(&i) {
                continue;
            }
            let at = format!("{pointer}/allOf/{i}");
            let Some((s, _)) = self.deref(member.into(), &at) else { return TypeRef::Json };
            let mv = view(s);
            if !mv.all_of.is_empty() || !mv.one_of.is_empty() || !mv.any_of.is_empty() || (mv.typ.is_some() && mv.typ != Some("object")) {
                self.diags.push(
                    Diagnostic::warning("`allOf` member is not a plain object; using a JSON value for the whole schema").pointer(at),
                );
                return TypeRef::Json;
            }
            for (k, p) in mv.properties {
                declare(k, p);
            }
            required.extend(mv.required.iter().cloned());
        }
        for (k, p) in &v.properties {
            declare(k, *p);
        }
        required.extend(v.required.iter().cloned());
        let properties: Vec<(&'a str, SchemaRef<'a>)> = declared.into_iter().map(|(k, all)| (k, self.intersect(k, all, pointer))).collect();
        self.lower_struct(schema, &properties, &required, v.additional, pointer, fixed, hint)
    }

    /// The one schema of a property that several `allOf` members declare: the narrowest (an
    /// `enum` over none, fewer values over more, a `format` over none, a type over none, more
    /// properties, then the last declared). Declarations whose types cannot both hold (`string`
    /// and `integer`) make the property a JSON value, with a warning. `integer` narrows `number`.
    fn intersect(&mut self, name: &str, all: Vec<SchemaRef<'a>>, pointer: &str) -> SchemaRef<'a> {
        if all.len() == 1 {
            return all[0];
        }
        let at = format!("{pointer}/properties/{}", crate::diagnostics::escape_pointer_segment(name));
        let mut best: Option<(SchemaRef<'a>, Narrowness)> = None;
        let mut types: BTreeSet<&'a str> = BTreeSet::new();
        for (i, p) in all.iter().enumerate() {
            let Some((s, _)) = self.deref(*p, &at) else { continue };
            let mv = view(s);
            if let Some(t) = mv.typ {
                types.insert(t);
            }
            let has_enum = !mv.enum_values.is_empty();
            let rank = (has_enum, std::cmp::Reverse(if has_enum { mv.enum_values.len() } else { 0 }), mv.format.is_some(), mv.typ.is_some(), mv.properties.len(), i);
            if best.as_ref().is_none_or(|(_, r)| rank > *r) {
                best = Some((*p, rank));
            }
        }
        if types.len() > 1 && !(types.len() == 2 && types.contains("integer") && types.contains("number")) {
            let list = types.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(" and ");
            self.diags.push(
                Diagnostic::reading("contradictory-all-of", format!("`allOf` members declare property `{name}` as {list}, which no value can be at once; it is read as any JSON value"))
                    .pointer(pointer.to_string())
                    .help("make the members agree on the property's type"),
            );
            return SchemaRef::Item(&ANY_SCHEMA);
        }
        best.map_or(all[all.len() - 1], |(p, _)| p)
    }

    /// All type definitions, sorted by name, with recursive fields boxed.
    pub fn finish(mut self) -> (Vec<TypeDef>, Diagnostics) {
        for (spelling, (pointer, count)) in std::mem::take(&mut self.odd_formats) {
            let standard = standard_spelling(&spelling).unwrap_or_default();
            let places = if count == 1 { String::new() } else { format!(" (here and in {} more places)", count - 1) };
            self.diags.push(
                Diagnostic::warning(format!("format `{spelling}` is not the registered `{standard}`; its values stay `String`{places}"))
                    .pointer(pointer)
                    .help(format!("if the values really are `{standard}`, an overlay can set `format: {standard}`")),
            );
        }
        break_alias_cycles(&mut self.defs, &mut self.diags);
        box_recursive_fields(&mut self.defs);
        (self.defs.into_values().collect(), self.diags)
    }
}

/// How narrow a declaration of an `allOf` property is (greater is narrower): an enum, fewer enum
/// values, a format, a type, the number of properties, then the place (later wins).
type Narrowness = (bool, std::cmp::Reverse<usize>, bool, bool, usize, usize);

/// The schema that allows any value (`{}`).
static ANY_SCHEMA: std::sync::LazyLock<Schema> =
    std::sync::LazyLock::new(|| Schema { schema_data: Default::default(), schema_kind: SchemaKind::Any(Default::default()) });

/// A schema that says nothing about the type: no `type`, properties, items, composition or enum.
fn is_annotation_only(s: &Schema) -> bool {
    let v = view(s);
    v.typ.is_none()
        && v.properties.is_empty()
        && v.items.is_none()
        && v.additional.is_none()
        && v.enum_values.is_empty()
        && v.all_of.is_empty()
        && v.one_of.is_empty()
        && v.any_of.is_empty()
        && !v.not
}

/// The registered format a spelling resembles when it is not that spelling itself (`dateTime`,
/// `Date-Time`, `UUID` → `date-time`, `date-time`, `uuid`): case and `-`/`_` ignored.
fn standard_spelling(format: &str) -> Option<&'static str> {
    let key: String = format.chars().filter(|c| *c != '-' && *c != '_').collect::<String>().to_ascii_lowercase();
    let standard = match key.as_str() {
        "datetime" => "date-time",
        "date" => "date",
        "uuid" => "uuid",
        "byte" => "byte",
        "base64" => "base64",
        "binary" => "binary",
        "int32" => "int32",
        "int64" => "int64",
        "uint32" => "uint32",
        "uint64" => "uint64",
        "decimal" => "decimal",
        "decimal128" => "decimal128",
        _ => return None,
    };
    (standard != format).then_some(standard)
}

/// The integer type of an integer format (`int32` → `i32`; none, or one unknown → `i64`).
fn integer_format(format: Option<&str>) -> TypeRef {
    match format.map(str::to_ascii_lowercase).as_deref() {
        Some("int32" | "int16" | "int8" | "uint16" | "uint8") => TypeRef::I32,
        Some("uint32") => TypeRef::U32,
        Some("uint64") => TypeRef::U64,
        _ => TypeRef::I64,
    }
}

/// A variant name for an unnamed member type.
fn variant_name_for(t: &TypeRef) -> String {
    match t {
        TypeRef::String => "String".into(),
        TypeRef::Bool => "Boolean".into(),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 | TypeRef::IntString(_) => "Integer".into(),
        TypeRef::F32 | TypeRef::F64 | TypeRef::Decimal { .. } => "Number".into(),
        TypeRef::Bytes | TypeRef::Base64 => "Bytes".into(),
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Date => "Date".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::Json => "Value".into(),
        TypeRef::Named(n) => n.clone(),
        TypeRef::Vec(inner) => format!("{}List", variant_name_for(inner)),
        TypeRef::Map(inner) => format!("{}Map", variant_name_for(inner)),
        TypeRef::Option(inner) | TypeRef::Box(inner) => variant_name_for(inner),
        TypeRef::Tuple(_) => "Tuple".into(),
    }
}

fn unsupported_ref(r: &str, pointer: &str) -> Diagnostic {
    let help = if r.starts_with('#') {
        "a schema reference must point at a schema (in `components.schemas`, or anywhere a schema stands); this one points at something else"
    } else {
        "references to other files or URLs are not supported yet"
    };
    Diagnostic::error(format!("unsupported `$ref` `{r}`")).pointer(format!("{pointer}/$ref")).help(help)
}

/// The named types inside `t`, each with whether a `Vec`, map or tuple stands between (which
/// gives a recursive type a finite size).
fn named_inside<'t>(t: &'t TypeRef, contained: bool, out: &mut Vec<(&'t str, bool)>) {
    match t {
        TypeRef::Named(n) => out.push((n, contained)),
        TypeRef::Option(inner) | TypeRef::Box(inner) => named_inside(inner, contained, out),
        TypeRef::Vec(inner) | TypeRef::Map(inner) => named_inside(inner, true, out),
        TypeRef::Tuple(items) => items.iter().for_each(|i| named_inside(i, true, out)),
        _ => {}
    }
}

/// Aliases that lead back to themselves (`A = Vec<A>`, or `A = B`, `B = A`), which Rust refuses
/// as a cycle. Where a `Vec`, map or tuple stands in the cycle, its aliases become transparent
/// newtypes (`struct A(Vec<A>)`, the same JSON); a cycle of aliases alone describes no value,
/// and is an error naming each schema in it.
fn break_alias_cycles(defs: &mut BTreeMap<String, TypeDef>, diags: &mut Diagnostics) {
    let index: BTreeMap<&str, usize> = defs.keys().enumerate().map(|(i, name)| (name.as_str(), i)).collect();
    let mut edges: Vec<Vec<usize>> = Vec::new();
    let mut contained: BTreeMap<(usize, usize), bool> = BTreeMap::new();
    for (a, def) in defs.values().enumerate() {
        let mut inside = Vec::new();
        if let TypeKind::Alias { target } = &def.kind {
            named_inside(target, false, &mut inside);
        }
        let mut to = Vec::new();
        for (n, c) in inside {
            let Some(&b) = index.get(n) else { continue };
            if matches!(defs.get(n).map(|d| &d.kind), Some(TypeKind::Alias { .. })) {
                to.push(b);
                *contained.entry((a, b)).or_default() |= c;
            }
        }
        edges.push(to);
    }
    let component = strongly_connected(&edges);
    let names: Vec<String> = defs.keys().cloned().collect();
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (a, c) in component.iter().enumerate() {
        members.entry(*c).or_default().push(a);
    }
    for nodes in members.values() {
        let cyclic = nodes.len() > 1 || edges[nodes[0]].contains(&nodes[0]);
        if !cyclic {
            continue;
        }
        let inner = |a: usize, b: usize| component[a] == component[b];
        let through_container = nodes.iter().any(|&a| edges[a].iter().any(|&b| inner(a, b) && contained[&(a, b)]));
        if through_container {
            for &a in nodes {
                if let Some(def) = defs.get_mut(&names[a]) {
                    if let TypeKind::Alias { target } = &def.kind {
                        def.kind = TypeKind::Newtype { target: target.clone() };
                    }
                }
            }
            continue;
        }
        let cycle: Vec<&str> = nodes.iter().map(|&a| names[a].as_str()).collect();
        let first = &defs[&names[nodes[0]]];
        diags.push(
            Diagnostic::error(format!("`$ref` cycle: {} only refer to each other, so they describe no value", cycle.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")))
                .pointer(first.pointer.clone())
                .help("give one of them a `type` (or `properties`), or refer to a schema that has one"),
        );
        for &a in nodes {
            if let Some(def) = defs.get_mut(&names[a]) {
                def.kind = TypeKind::Alias { target: TypeRef::Json };
            }
        }
    }
}

/// The named type a field holds directly (not behind a `Vec` or map, which already allocate).
fn direct_named(t: &TypeRef) -> Option<&str> {
    match t {
        TypeRef::Named(n) => Some(n),
        TypeRef::Option(inner) => direct_named(inner),
        _ => None,
    }
}

/// Boxes each struct field whose type contains its own struct without indirection, which
/// would otherwise be an infinitely sized type.
fn box_recursive_fields(defs: &mut BTreeMap<String, TypeDef>) {
    // A field must be boxed when its type leads back to the type holding it: the two are in one
    // strongly connected component of the graph of direct (unboxed) fields.
    let index: BTreeMap<&str, usize> = defs.keys().enumerate().map(|(i, name)| (name.as_str(), i)).collect();
    let edges: Vec<Vec<usize>> = defs
        .values()
        .map(|def| {
            let direct: Vec<&str> = match &def.kind {
                TypeKind::Struct { fields, .. } => fields.iter().filter_map(|f| direct_named(&f.ty)).collect(),
                TypeKind::Alias { target } => direct_named(target).into_iter().collect(),
                TypeKind::Union { variants, .. } => variants.iter().filter_map(|v| direct_named(&v.ty)).collect(),
                _ => Vec::new(),
            };
            direct.into_iter().filter_map(|n| index.get(n).copied()).collect()
        })
        .collect();
    let component = strongly_connected(&edges);
    let mut to_box = Vec::new();
    for (a, (name, def)) in defs.iter().enumerate() {
        let types: Vec<&TypeRef> = match &def.kind {
            TypeKind::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
            TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
            _ => Vec::new(),
        };
        for (i, t) in types.into_iter().enumerate() {
            if direct_named(t).and_then(|target| index.get(target)).is_some_and(|&b| component[b] == component[a]) {
                to_box.push((name.clone(), i));
            }
        }
    }
    for (name, i) in to_box {
        let slot = match defs.get_mut(&name).map(|d| &mut d.kind) {
            Some(TypeKind::Struct { fields, .. }) => &mut fields[i].ty,
            Some(TypeKind::Union { variants, .. }) => &mut variants[i].ty,
            _ => continue,
        };
        let ty = std::mem::replace(slot, TypeRef::Json);
        *slot = TypeRef::Box(Box::new(ty));
    }
}

/// The strongly connected component of each node (Tarjan's algorithm, without recursion: a
/// schema graph can be thousands of types deep).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    struct Walk {
        order: Vec<usize>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        /// The nodes being visited, each with the index of its next edge.
        calls: Vec<(usize, usize)>,
        next_order: usize,
    }
    impl Walk {
        fn visit(&mut self, v: usize) {
            self.order[v] = self.next_order;
            self.low[v] = self.next_order;
            self.next_order += 1;
            self.stack.push(v);
            self.on_stack[v] = true;
            self.calls.push((v, 0));
        }
    }
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut walk = Walk { order: vec![UNSEEN; n], low: vec![0; n], on_stack: vec![false; n], stack: Vec::new(), calls: Vec::new(), next_order: 0 };
    let mut component = vec![UNSEEN; n];
    let mut next_component = 0;
    for root in 0..n {
        if walk.order[root] != UNSEEN {
            continue;
        }
        walk.visit(root);
        while let Some(&(v, next_edge)) = walk.calls.last() {
            if let Some(&w) = edges[v].get(next_edge) {
                if let Some(call) = walk.calls.last_mut() {
                    call.1 += 1;
                }
                if walk.order[w] == UNSEEN {
                    walk.visit(w);
                } else if walk.on_stack[w] {
                    walk.low[v] = walk.low[v].min(walk.order[w]);
                }
                continue;
            }
            walk.calls.pop();
            if let Some(&(u, _)) = walk.calls.last() {
                walk.low[u] = walk.low[u].min(walk.low[v]);
            }
            if walk.low[v] == walk.order[v] {
                while let Some(w) = walk.stack.pop() {
                    walk.on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::{SchemaRef, TypeRef, TypeSpace, strongly_connected};
    use crate::ir::FormatPolicy;

    #[test]
    fn only_registered_format_spellings_are_typed_and_the_others_are_reported_once_each() {
        let doc: openapiv3::OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {
                "A": {"type": "string", "format": "dateTime"},
                "B": {"type": "string", "format": "dateTime"},
                "C": {"type": "string", "format": "date-time"},
                "D": {"type": "string", "format": "UUID"},
                "E": {"type": "string", "format": "email"}
            }}
        }))
        .unwrap();
        let schemas = &doc.components.as_ref().unwrap().schemas;
        let mut space = TypeSpace::new(&doc, FormatPolicy::default());
        // Lowered in place (not through a `$ref`, which names an alias), so the types show.
        let types: Vec<TypeRef> =
            schemas.iter().map(|(k, s)| space.lower(SchemaRef::from(s), &format!("#/components/schemas/{k}"), k)).collect();
        assert_eq!(types, [TypeRef::String, TypeRef::String, TypeRef::DateTime, TypeRef::String, TypeRef::String]);
        let (_, diags) = space.finish();
        let found: Vec<(String, Option<String>)> = diags.iter().map(|d| (d.message.clone(), d.pointer.clone())).collect();
        assert_eq!(
            found,
            [
                (
                    "format `UUID` is not the registered `uuid`; its values stay `String`".to_string(),
                    Some("#/components/schemas/D/format".to_string())
                ),
                (
                    "format `dateTime` is not the registered `date-time`; its values stay `String` (here and in 1 more places)"
                        .to_string(),
                    Some("#/components/schemas/A/format".to_string())
                ),
            ]
        );
    }

    #[test]
    fn components_are_the_cycles_of_the_graph() {
        // 0 -> 1 -> 2 -> 0 is one cycle, 3 refers to itself, 4 -> 0 and 5 stand alone.
        let c = strongly_connected(&[vec![1], vec![2], vec![0, 3], vec![3], vec![0], vec![]]);
        assert!(c[0] == c[1] && c[1] == c[2]);
        let others = [c[3], c[4], c[5]];
        assert!(!others.contains(&c[0]) && c[3] != c[4] && c[4] != c[5] && c[3] != c[5]);
        // A chain deeper than any stack would allow recursing through.
        let n = 200_000;
        let chain: Vec<Vec<usize>> = (0..n).map(|i| vec![(i + 1) % n]).collect();
        assert!(strongly_connected(&chain).iter().all(|&k| k == 0));
    }
}
