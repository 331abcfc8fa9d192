//! Typed formats in the emitted code: which values need a codec of `runtime::formats` between
//! their Rust type and their JSON form, and the codec's path.
//!
//! A codec is needed where the Rust type's own serde would not give the documented JSON:
//! base64 bytes (`Vec<u8>` would be an array), integers carried as strings, decimals, and dates
//! (read leniently). A `Uuid` needs none. Containers (`Option`, `Vec`, maps, `Box`, tuples) need
//! one when a member does, and so does an alias of such a type (`pub type Stamp =
//! DateTime<Utc>`), looked through here since an alias is not a serde type of its own.

use crate::ir::{Api, FormatCrate, TypeDef, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// The aliases whose target needs a codec, for one crate.
#[derive(Debug, Default)]
pub struct Codecs {
    aliases: BTreeMap<String, TypeRef>,
    /// Whether the types derive serde's `Deserialize` (`serde = "derive"`), reading their
    /// fields through `with` modules, rather than the compact impls of `runtime::wire`.
    pub derive_serde: bool,
}

impl Codecs {
    /// Finds the aliases of `api` that need a codec (through other aliases too).
    pub fn new(api: &Api) -> Self {
        Self { derive_serde: api.derive_serde, ..Self::from_types(&api.types) }
    }

    /// As [`Codecs::new`], from the type definitions alone.
    pub fn from_types(types: &[TypeDef]) -> Self {
        let targets: Vec<(&str, &TypeRef)> = types
            .iter()
            .filter_map(|d| match &d.kind {
                TypeKind::Alias { target } => Some((d.name.as_str(), target)),
                _ => None,
            })
            .collect();
        let mut codecs = Self::default();
        // An alias may lead to another: repeat until nothing changes (at most once per alias).
        loop {
            let before = codecs.aliases.len();
            for (name, target) in &targets {
                if !codecs.aliases.contains_key(*name) && codecs.needs(target) {
                    codecs.aliases.insert((*name).to_string(), (*target).clone());
                }
            }
            if codecs.aliases.len() == before {
                return codecs;
            }
        }
    }

    /// Whether a value of this type needs a codec.
    pub fn needs(&self, t: &TypeRef) -> bool {
        match t {
            TypeRef::DateTime | TypeRef::Date | TypeRef::Base64 | TypeRef::IntString(_) | TypeRef::Decimal { .. } => true,
            TypeRef::Option(i) | TypeRef::Vec(i) | TypeRef::Map(i) | TypeRef::Box(i) => self.needs(i),
            TypeRef::Tuple(ts) => ts.len() <= MAX_TUPLE && ts.iter().any(|t| self.needs(t)),
            TypeRef::Named(n) => self.aliases.contains_key(n),
            _ => false,
        }
    }

    /// The codec of a type that [`needs`](Self::needs) one (`Opt<Rfc3339>`); `Same` otherwise.
    pub fn codec(&self, t: &TypeRef) -> TokenStream {
        let m = quote!(crate::runtime::formats);
        if !self.needs(t) {
            return quote!(#m::Same);
        }
        match t {
            TypeRef::DateTime => quote!(#m::Rfc3339),
            TypeRef::Date => quote!(#m::FullDate),
            TypeRef::Base64 => quote!(#m::B64),
            TypeRef::IntString(_) => quote!(#m::IntText),
            TypeRef::Decimal { text: true } => quote!(#m::DecimalText),
            TypeRef::Decimal { text: false } => quote!(#m::DecimalNumber),
            TypeRef::Option(i) => {
                let c = self.codec(i);
                quote!(#m::Opt<#c>)
            }
            TypeRef::Vec(i) => {
                let c = self.codec(i);
                quote!(#m::Seq<#c>)
            }
            TypeRef::Map(i) => {
                let c = self.codec(i);
                quote!(#m::Map<#c>)
            }
            TypeRef::Box(i) => {
                let c = self.codec(i);
                quote!(#m::Boxed<#c>)
            }
            TypeRef::Tuple(ts) => {
                let name = quote::format_ident!("Tuple{}", ts.len());
                let cs = ts.iter().map(|t| self.codec(t));
                quote!(#m::#name<#(#cs),*>)
            }
            TypeRef::Named(n) => match self.aliases.get(n) {
                Some(target) => self.codec(target),
                None => quote!(#m::Same),
            },
            _ => quote!(#m::Same),
        }
    }

    /// `#[serde(with = "...")]` for a field or variant of this type, or nothing.
    pub fn with_attr(&self, t: &TypeRef) -> TokenStream {
        match self.with_path(t) {
            Some(path) => quote!(#[serde(with = #path)]),
            None => quote!(),
        }
    }

    /// The `with` module of a type that needs a codec: `crate::runtime::formats::As::<C>`.
    pub fn with_path(&self, t: &TypeRef) -> Option<String> {
        self.needs(t).then(|| format!("crate::runtime::formats::As::<{}>", compact(&self.codec(t))))
    }

    /// A reference to a value to serialize (`&self.body`) as its wire form.
    pub fn ser(&self, t: &TypeRef, value: TokenStream) -> TokenStream {
        if !self.needs(t) {
            return value;
        }
        let c = self.codec(t);
        quote!(&crate::runtime::formats::Ser::<#c, _>::new(#value))
    }
}

/// Tuples up to this many members have a codec (`runtime::formats::Tuple6`); a longer one keeps
/// its members' own serde.
const MAX_TUPLE: usize = 6;

/// A path as it reads in a string attribute: tokens without the spaces `to_string` puts in.
fn compact(tokens: &TokenStream) -> String {
    tokens.to_string().replace(' ', "")
}

/// The crate each typed format needs, as the generated `Cargo.toml` declares it.
pub fn dependency(c: FormatCrate) -> &'static str {
    match c {
        FormatCrate::Chrono => "chrono = { version = \"0.4.38\", default-features = false, features = [\"std\", \"serde\"] }",
        FormatCrate::Uuid => "uuid = { version = \"1.4\", default-features = false, features = [\"std\", \"serde\"] }",
        FormatCrate::Base64 => "base64 = \"0.22\"",
        FormatCrate::RustDecimal => "rust_decimal = { version = \"1.30\", default-features = false, features = [\"std\", \"serde\"] }",
    }
}

/// The crate's name in Rust code.
pub fn crate_ident(c: FormatCrate) -> &'static str {
    match c {
        FormatCrate::Chrono => "chrono",
        FormatCrate::Uuid => "uuid",
        FormatCrate::Base64 => "base64",
        FormatCrate::RustDecimal => "rust_decimal",
    }
}

/// The codecs of the runtime (`src/runtime/formats.rs`): the generic ones, and those of the
/// format crates the crate uses.
pub fn runtime_source(crates: &[FormatCrate]) -> String {
    let mut s = include_str!("../runtime/formats.rs").to_string();
    for c in crates {
        s.push_str(match c {
            FormatCrate::Chrono => include_str!("../runtime/formats_chrono.rs"),
            FormatCrate::Base64 => include_str!("../runtime/formats_base64.rs"),
            FormatCrate::RustDecimal => include_str!("../runtime/formats_decimal.rs"),
            FormatCrate::Uuid => "",
        });
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(name: &str, target: TypeRef) -> TypeDef {
        TypeDef { name: name.into(), pointer: "#/x".into(), doc: None, kind: TypeKind::Alias { target } }
    }

    #[test]
    fn containers_and_aliases_of_formats_need_codecs() {
        let types = vec![
            alias("Stamp", TypeRef::DateTime),
            alias("Stamps", TypeRef::Vec(Box::new(TypeRef::Named("Stamp".into())))),
            alias("Id", TypeRef::Uuid),
            alias("Name", TypeRef::String),
        ];
        let c = Codecs::from_types(&types);
        let opt = |t: TypeRef| TypeRef::Option(Box::new(t));
        assert!(c.needs(&opt(TypeRef::Named("Stamps".into()))));
        assert!(!c.needs(&TypeRef::Named("Id".into())), "uuid's own serde is the wire form");
        assert!(!c.needs(&opt(TypeRef::Named("Name".into()))));
        assert_eq!(compact(&c.codec(&opt(TypeRef::Named("Stamps".into())))), "crate::runtime::formats::Opt<crate::runtime::formats::Seq<crate::runtime::formats::Rfc3339>>");
        let pair = TypeRef::Tuple(vec![TypeRef::String, TypeRef::Base64]);
        assert_eq!(
            c.with_attr(&pair).to_string(),
            quote!(#[serde(with = "crate::runtime::formats::As::<crate::runtime::formats::Tuple2<crate::runtime::formats::Same,crate::runtime::formats::B64>>")]).to_string()
        );
        assert!(c.with_attr(&TypeRef::Tuple(vec![TypeRef::Base64; 7])).is_empty());
        assert!(c.with_attr(&TypeRef::Uuid).is_empty());
    }
}
