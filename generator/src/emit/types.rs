//! `src/types.rs`: structs, enums and aliases for the document's schemas.

use super::formats::Codecs;
use super::util::{docs, docs_or, ident, type_tokens};
use crate::ir::{Field, Fixed, IntVariant, TypeDef, TypeKind, TypeRef, UnionVariant, Variant};
use proc_macro2::TokenStream;
use quote::quote;

/// Constructors take at most this many arguments (clippy's `too_many_arguments` limit).
pub(crate) const MAX_NEW_ARGS: usize = 7;

/// The `types` module's docs; [`type_def`] of each type follows them.
pub fn types_header() -> TokenStream {
    quote! {
        #![doc = " Types for the schemas of the API: request and response bodies and their parts."]
    }
}

/// One type definition.
pub fn type_def(def: &TypeDef, codecs: &Codecs) -> TokenStream {
    let fallback = format!("`{}` (from `{}`).", def.name, def.pointer);
    let doc = docs_or(def.doc.as_deref(), &fallback);
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct { fields, additional } => struct_def(&doc, &name, fields, additional.as_ref(), codecs),
        TypeKind::Enum { variants, open } => enum_def(&doc, &name, variants, *open, codecs),
        TypeKind::IntEnum { variants, open } => int_enum_def(&doc, &name, variants, *open),
        TypeKind::Headers { fields } => {
            let defs = fields.iter().map(|f| {
                let n = ident(&f.rust_name);
                let t = type_tokens(&f.ty);
                let d = docs_or(f.doc.as_deref(), &format!("The `{}` header.", f.wire_name));
                quote!(#d pub #n: ::std::option::Option<#t>)
            });
            let reads = fields.iter().map(|f| {
                let n = ident(&f.rust_name);
                let wire = &f.wire_name;
                if codecs.needs(&f.ty) {
                    let c = codecs.codec(&f.ty);
                    quote!(#n: crate::runtime::header_value::<crate::runtime::formats::De<#c, _>>(headers, #wire).map(crate::runtime::formats::De::into_inner))
                } else {
                    quote!(#n: crate::runtime::header_value(headers, #wire))
                }
            });
            quote! {
                #doc
                #[derive(Clone, Debug, PartialEq, Default)]
                #[non_exhaustive]
                pub struct #name { #(#defs,)* }
                impl #name {
                    #[doc = " Reads the documented headers; one that is absent or does not parse is `None`."]
                    pub fn from_headers(headers: &::reqwest::header::HeaderMap) -> Self {
                        Self { #(#reads,)* }
                    }
                }
            }
        }
        TypeKind::Alias { target } => {
            let t = type_tokens(target);
            quote! { #doc pub type #name = #t; }
        }
        TypeKind::Newtype { target } => {
            let t = type_tokens(target);
            let with = codecs.with_attr(target);
            quote! {
                #doc
                #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(#with pub #t);
            }
        }
        TypeKind::Union { variants, discriminator } => union_def(&doc, &name, variants, discriminator.as_deref(), codecs),
        TypeKind::Responses { variants } => {
            let vs = variants.iter().map(|v| {
                let vname = ident(&v.name);
                let d = docs_or(v.doc.as_deref(), "A documented response.");
                match &v.ty {
                    Some(t) => {
                        let t = type_tokens(t);
                        quote! { #d #vname(#t) }
                    }
                    None => quote! { #d #vname },
                }
            });
            quote! {
                #doc
                #[derive(Clone, Debug, PartialEq)]
                #[non_exhaustive]
                pub enum #name { #(#vs,)* }
            }
        }
    }
}

fn union_def(doc: &TokenStream, name: &proc_macro2::Ident, variants: &[UnionVariant], discriminator: Option<&str>, codecs: &Codecs) -> TokenStream {
    let defs = variants.iter().map(|v| {
        let vname = ident(&v.name);
        let t = type_tokens(&v.ty);
        let with = codecs.with_attr(&v.ty);
        let vdoc = if v.tags.is_empty() {
            format!(" A `{}`.", v.name)
        } else {
            format!(" Selected by {}.", v.tags.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", "))
        };
        quote! { #[doc = #vdoc] #with #vname(#t) }
    });
    let Some(tag) = discriminator else {
        return quote! {
            #doc
            #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum #name { #(#defs,)* }
        };
    };
    // Decoded by the tag's value; the tag stays in the data the variant decodes (a
    // `#[serde(tag)]` enum would remove it, breaking variants whose struct has the tag field).
    let arms = variants.iter().map(|v| {
        let vname = ident(&v.name);
        let tags = &v.tags;
        quote! {
            ::std::option::Option::Some(#(#tags)|*) => ::serde_json::from_value(value).map(Self::#vname).map_err(::serde::de::Error::custom)
        }
    });
    let unknown = format!("unknown `{tag}` value `{{other}}`");
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name { #(#defs,)* }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#tag).and_then(::serde_json::Value::as_str).map(::std::string::ToString::to_string);
                match tag.as_deref() {
                    #(#arms,)*
                    ::std::option::Option::Some(other) => ::std::result::Result::Err(::serde::de::Error::custom(::std::format!(#unknown))),
                    ::std::option::Option::None => ::std::result::Result::Err(::serde::de::Error::missing_field(#tag)),
                }
            }
        }
    }
}

fn field_type(f: &Field) -> TokenStream {
    let t = type_tokens(&f.ty);
    if f.is_optional() { quote!(::std::option::Option<#t>) } else { t }
}

fn field_doc(f: &Field) -> TokenStream {
    let mut text = f.doc.clone().filter(|d| !d.trim().is_empty()).unwrap_or_else(|| format!("`{}`.", f.wire_name));
    if let Some(d) = &f.default {
        text.push_str(&format!("\n\nDefault: `{}`.", crate::load::numbers::display(d)));
    }
    if f.read_only {
        text.push_str("\n\nRead-only: set by the server.");
    }
    if f.write_only {
        text.push_str("\n\nWrite-only: sent to the server, never returned.");
    }
    if f.fixed.is_some() && !f.is_optional() {
        text.push_str("\n\nThe only value allowed (`const`); `new()` sets it.");
    }
    docs(Some(&text))
}

fn struct_def(doc: &TokenStream, name: &proc_macro2::Ident, fields: &[Field], additional: Option<&TypeRef>, codecs: &Codecs) -> TokenStream {
    let all_optional = fields.iter().all(Field::is_optional);
    let default = all_optional.then(|| quote!(, Default));
    let defs = fields.iter().map(|f| {
        let fname = ident(&f.rust_name);
        let ty = field_type(f);
        let fdoc = field_doc(f);
        if !codecs.derive_serde {
            // `runtime::wire::object!` writes and reads the field.
            return quote! { #fdoc pub #fname: #ty };
        }
        let rename = if crate::ir::naming::unraw(&f.rust_name) != f.wire_name {
            let wire = &f.wire_name;
            quote!(#[serde(rename = #wire)])
        } else {
            quote!()
        };
        let with = codecs.with_path(&slot_type(f));
        let mut args = Vec::new();
        // An absent `Option` is `None`: serde knows that by itself, except through `with`.
        if !f.required || f.nullable || (f.is_optional() && with.is_some()) {
            args.push(quote!(default));
        }
        if !f.required {
            args.push(quote!(skip_serializing_if = "::std::option::Option::is_none"));
        }
        args.extend(with.map(|w| quote!(with = #w)));
        let serde = (!args.is_empty()).then(|| quote!(#[serde(#(#args),*)]));
        quote! { #fdoc #rename #serde pub #fname: #ty }
    });
    let ctor = constructor(name, fields, additional.is_some());
    let extra = additional.map(|t| {
        let serde = codecs.derive_serde.then(|| {
            let with = codecs.with_path(&TypeRef::Map(Box::new(t.clone()))).map(|w| quote!(#[serde(with = #w)]));
            quote!(#[serde(flatten)] #with)
        });
        let t = type_tokens(t);
        // A name no property can take: fields are snake_case from the document, and this one
        // is only reached through serde's flatten (or `object!`'s `..`).
        quote! {
            #[doc = " Properties not listed in the schema (`additionalProperties`)."]
            #serde
            pub additional_properties: ::std::collections::BTreeMap<::std::string::String, #t>
        }
    });
    let (derive_serde, serde_impls) =
        if codecs.derive_serde { (quote!(, ::serde::Serialize, ::serde::Deserialize), quote!()) } else { (quote!(), struct_serde(name, fields, additional, codecs)) };
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq #default #derive_serde)]
        #[non_exhaustive]
        pub struct #name { #(#defs,)* #extra }
        #serde_impls
        #ctor
    }
}

/// A field's Rust type as `TypeRef`: `Option` around the schema's type when it is optional.
fn slot_type(f: &Field) -> TypeRef {
    if f.is_optional() { TypeRef::Option(Box::new(f.ty.clone())) } else { f.ty.clone() }
}

/// A struct's `Serialize` and `Deserialize`: `runtime::wire::object!`, a `serialize` writing one
/// field after another and one `visit_map` over string keys, with the shared work in
/// `runtime::wire` (where serde's derive would expand a field-identifier enum with its own
/// visitor, a `visit_seq` no JSON API needs, and a `?` per field into every type). Same
/// behaviour as the derive: optional fields written only when set, unknown keys skipped (or kept
/// in `additional_properties`), duplicate keys and missing required fields are errors, optional
/// fields default to `None`.
fn struct_serde(name: &proc_macro2::Ident, fields: &[Field], additional: Option<&TypeRef>, codecs: &Codecs) -> TokenStream {
    let codec = |t: &TypeRef| {
        codecs.needs(t).then(|| {
            let c = codecs.codec(t);
            quote!(as #c)
        })
    };
    let fields = fields.iter().map(|f| {
        let n = ident(&f.rust_name);
        let wire = &f.wire_name;
        let kind = match (f.is_optional(), f.required) {
            (false, _) => quote!(required),
            (true, true) => quote!(nullable),
            (true, false) => quote!(optional),
        };
        let c = codec(&slot_type(f));
        let t = field_type(f);
        quote!(#kind(#n: #t = #wire #c))
    });
    let extra = additional.map(|t| {
        let c = codec(t);
        quote!(.. #c)
    });
    quote! {
        crate::runtime::wire::object! { #name { #(#fields),* } #extra }
    }
}

/// `new(required...)` plus one setter per optional field (so callers never spell optional
/// fields), when there are few enough required ones for a readable argument list.
fn constructor(name: &proc_macro2::Ident, fields: &[Field], additional: bool) -> TokenStream {
    // A `const` field has one value: `new()` sets it rather than asking for it.
    let required: Vec<&Field> = fields.iter().filter(|f| !f.is_optional() && f.fixed.is_none()).collect();
    let optional: Vec<&Field> = fields.iter().filter(|f| f.is_optional()).collect();
    if required.len() > MAX_NEW_ARGS {
        return quote!();
    }
    let args = required.iter().map(|f| {
        let n = ident(&f.rust_name);
        if f.ty == TypeRef::String {
            quote!(#n: impl ::std::convert::Into<::std::string::String>)
        } else {
            let t = type_tokens(&f.ty);
            quote!(#n: #t)
        }
    });
    let extra_init = additional.then(|| quote!(additional_properties: ::std::collections::BTreeMap::new(),));
    let inits = fields.iter().map(|f| {
        let n = ident(&f.rust_name);
        if f.is_optional() {
            quote!(#n: ::std::option::Option::None)
        } else if let Some(fixed) = &f.fixed {
            let value = match fixed {
                Fixed::Bool(b) => quote!(#b),
                Fixed::Variant(v) => {
                    let (t, v) = (type_tokens(&f.ty), ident(v));
                    quote!(#t::#v)
                }
            };
            quote!(#n: #value)
        } else if f.ty == TypeRef::String {
            quote!(#n: #n.into())
        } else {
            quote!(#n)
        }
    });
    let setters = optional.iter().map(|f| {
        let doc = format!(" Sets `{}`.", f.wire_name);
        super::util::option_setter(&quote!(#[doc = #doc]), &setter_name(&f.rust_name), &f.rust_name, &f.ty)
    });
    let has_fixed = fields.iter().any(|f| !f.is_optional() && f.fixed.is_some());
    let new_doc = match (required.is_empty(), has_fixed) {
        (true, false) => " A value with every optional field unset.",
        (true, true) => " A value with its one-value (`const`) fields set and every optional field unset.",
        (false, _) => " A value with the required fields set and every optional field unset.",
    };
    // No arguments, yet no derived `Default` (a `const` field's type has no default of its
    // own): `new()` is the default value.
    let default_impl = (required.is_empty() && has_fixed).then(|| {
        quote! {
            impl ::std::default::Default for #name {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    let must_use = quote!(#[must_use]);
    quote! {
        impl #name {
            #[doc = #new_doc]
            #must_use
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits,)* #extra_init }
            }
            #(#must_use #setters)*
        }
        #default_impl
    }
}

fn int_enum_def(doc: &TokenStream, name: &proc_macro2::Ident, variants: &[IntVariant], open: bool) -> TokenStream {
    let defs = variants.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let vdoc = format!(" `{}`", v.value);
        quote! { #[doc = #vdoc] #vname }
    });
    let to_value = variants.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let value = v.value;
        quote! { Self::#vname => #value }
    });
    let from_value = variants.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let value = v.value;
        quote! { #value => ::std::result::Result::Ok(Self::#vname) }
    });
    let (copy, unknown_def, unknown_to, unknown_from) = if open {
        let mut ns = crate::ir::naming::Namespace::default();
        for v in variants {
            ns.claim(&v.rust_name);
        }
        let unknown = ident(&ns.claim("Unknown"));
        (
            quote!(Copy,),
            quote! { #[doc = " A value this version of the client does not know."] #unknown(i64), },
            quote! { Self::#unknown(value) => *value, },
            quote! { other => ::std::result::Result::Ok(Self::#unknown(other)) },
        )
    } else {
        let message = format!("unknown `{name}` value {{other}}");
        (
            quote!(Copy,),
            quote!(),
            quote!(),
            quote! { other => ::std::result::Result::Err(::serde::de::Error::custom(::std::format!(#message))) },
        )
    };
    quote! {
        #doc
        #[derive(Clone, #copy Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#defs,)*
            #unknown_def
        }
        impl #name {
            #[doc = " The value as sent on the wire."]
            pub fn value(&self) -> i64 {
                match self {
                    #(#to_value,)*
                    #unknown_to
                }
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.value(), f)
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                match <i64 as ::serde::Deserialize>::deserialize(deserializer)? {
                    #(#from_value,)*
                    #unknown_from
                }
            }
        }
    }
}

/// Methods whose name and shape (`fn x(self, value) -> Self`) clippy reserves for a standard
/// trait; a setter of a field with such a name is called `with_<name>` instead.
const TRAIT_METHOD_NAMES: &[&str] = &[
    "add", "as_mut", "as_ref", "bitand", "bitor", "bitxor", "borrow", "borrow_mut", "clone", "cmp", "default", "deref",
    "deref_mut", "div", "drop", "eq", "from_iter", "from_str", "hash", "index", "index_mut", "into_iter", "mul", "neg",
    "next", "not", "rem", "shl", "shr", "sub",
];

/// The setter of an optional field: the field's name, unless a standard trait claims it, or it
/// is `new` (the constructor).
pub fn setter_name(field: &str) -> String {
    if TRAIT_METHOD_NAMES.contains(&field) || field == "new" { format!("with_{field}") } else { field.to_string() }
}

/// A string enum. Its serde is written out rather than derived: written as `as_str()`, read by
/// matching the string (`runtime::wire::string_enum`), which is what the derive does for unit
/// variants, without the variant-identifier enum and visitors it expands to.
fn enum_def(doc: &TokenStream, name: &proc_macro2::Ident, variants: &[Variant], open: bool, codecs: &Codecs) -> TokenStream {
    let derived = codecs.derive_serde;
    let defs = variants.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let wire = &v.wire_value;
        let vdoc = format!(" `{wire}`");
        let rename = derived.then(|| quote!(#[serde(rename = #wire)]));
        quote! { #[doc = #vdoc] #rename #vname }
    });
    let arms = variants.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let wire = &v.wire_value;
        quote! { Self::#vname => #wire }
    });
    let reads = variants.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let wire = &v.wire_value;
        quote! { #wire => #vname }
    });
    let (derive_copy, unknown_def, unknown_arm, unknown_read) = if open {
        let mut ns = crate::ir::naming::Namespace::default();
        for v in variants {
            ns.claim(&v.rust_name);
        }
        let unknown = ident(&ns.claim("Unknown"));
        (
            quote!(),
            {
                let untagged = derived.then(|| quote!(#[serde(untagged)]));
                quote! {
                    #[doc = " A value this version of the client does not know."]
                    #untagged
                    #unknown(::std::string::String),
                }
            },
            quote! { Self::#unknown(value) => value.as_str(), },
            quote! { .. #unknown },
        )
    } else {
        (quote!(Copy,), quote!(), quote!(), quote!())
    };
    let (derive_serde, serde) = if derived {
        (quote!(, ::serde::Serialize, ::serde::Deserialize), quote!())
    } else {
        (quote!(), quote!(crate::runtime::wire::string_enum! { #name { #(#reads),* } #unknown_read }))
    };
    quote! {
        #doc
        #[derive(Clone, #derive_copy Debug, PartialEq, Eq, Hash, PartialOrd, Ord #derive_serde)]
        #[non_exhaustive]
        pub enum #name {
            #(#defs,)*
            #unknown_def
        }
        impl #name {
            #[doc = " The value as sent on the wire."]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#arms,)*
                    #unknown_arm
                }
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        #serde
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, required: bool, nullable: bool) -> Field {
        Field {
            wire_name: name.into(),
            rust_name: crate::ir::naming::snake(name, "f"),
            ty: TypeRef::String,
            required,
            nullable,
            read_only: false,
            write_only: false,
            error_message: false,
            default: None,
            doc: None,
            fixed: None,
        }
    }

    fn derived() -> Codecs {
        let mut codecs = Codecs::default();
        codecs.derive_serde = true;
        codecs
    }

    fn thing() -> TypeDef {
        TypeDef {
            name: "T".into(),
            pointer: "#/x".into(),
            doc: Some("A thing.".into()),
            kind: TypeKind::Struct { fields: vec![field("type", true, false), field("lastName", true, true), field("note", false, false)], additional: None },
        }
    }

    #[test]
    fn optional_fields_are_skipped_when_absent_and_nullable_ones_kept() {
        let code = type_def(&thing(), &derived()).to_string();
        assert!(code.contains(&quote!(#[doc = r" `type`."] pub r#type: ::std::string::String).to_string()), "serde strips `r#` itself: {code}");
        assert!(code.contains(&quote!(#[serde(rename = "lastName")] #[serde(default)] pub last_name: ::std::option::Option<::std::string::String>).to_string()), "{code}");
        assert!(code.contains(&quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")] pub note).to_string()), "{code}");
        assert!(code.contains(&quote!(pub fn new(r#type: impl ::std::convert::Into<::std::string::String>) -> Self).to_string()), "{code}");
    }

    #[test]
    fn compact_structs_write_and_read_through_the_runtime_macro() {
        let code = type_def(&thing(), &Codecs::default()).to_string();
        assert!(code.contains(&quote!(#[derive(Clone, Debug, PartialEq)]).to_string()), "{code}");
        // Writing and reading are the macro's: no serde attribute is left on the fields.
        assert!(code.contains(&quote!(#[doc = r" `lastName`."] pub last_name).to_string()), "{code}");
        assert!(!code.contains("serde"), "{code}");
        let de = quote! {
            crate::runtime::wire::object! {
                T {
                    required(r#type: ::std::string::String = "type"),
                    nullable(last_name: ::std::option::Option<::std::string::String> = "lastName"),
                    optional(note: ::std::option::Option<::std::string::String> = "note")
                }
            }
        };
        assert!(code.contains(&de.to_string()), "{code}");
    }

    #[test]
    fn codecs_write_and_read_through_the_macro() {
        let mut def = thing();
        let TypeKind::Struct { fields, additional } = &mut def.kind else { unreachable!() };
        fields[1].ty = TypeRef::DateTime;
        *additional = Some(TypeRef::Base64);
        let code = type_def(&def, &Codecs::default()).to_string();
        assert!(!code.contains("serialize_with"), "{code}");
        assert!(code.contains(&quote!(= "lastName" as crate::runtime::formats::Opt<crate::runtime::formats::Rfc3339>).to_string()), "{code}");
        assert!(code.contains(&quote!(.. as crate::runtime::formats::B64).to_string()), "{code}");
        let code = type_def(&def, &derived()).to_string();
        let with = "crate::runtime::formats::As::<crate::runtime::formats::Opt<crate::runtime::formats::Rfc3339>>";
        assert!(code.contains(&quote!(#[serde(default, with = #with)]).to_string()), "{code}");
        assert!(!code.contains("object !"), "{code}");
    }

    #[test]
    fn open_enums_get_an_unknown_variant_that_does_not_clash() {
        let def = TypeDef {
            name: "E".into(),
            pointer: "#/x".into(),
            doc: None,
            kind: TypeKind::Enum { variants: vec![Variant { rust_name: "Unknown".into(), wire_value: "unknown".into() }], open: true },
        };
        let code = type_def(&def, &derived()).to_string();
        assert!(code.contains(&quote!(#[serde(untagged)] Unknown2(::std::string::String)).to_string()), "{code}");
        assert!(!code.contains("Copy"));
        let code = type_def(&def, &Codecs::default()).to_string();
        assert!(code.contains(&quote!(crate::runtime::wire::string_enum! { E { "unknown" => Unknown } .. Unknown2 }).to_string()), "{code}");
        assert!(!code.contains("serde (untagged)"), "{code}");
    }
}
