//! `src/errors.rs`: one enum per operation of its documented error responses.

use super::util::{docs, ident, type_tokens};
use crate::ir::{BodyEncoding, Operation, Status};
use proc_macro2::TokenStream;
use quote::quote;

/// The `errors` module's docs; [`error_enum`] of each operation follows them.
pub fn errors_header() -> TokenStream {
    quote! {
        #![doc = " The documented error responses of each operation."]
        #![doc = ""]
        #![doc = " A call returns [`Error::Api`](crate::Error::Api) with one of these enums when the server answers"]
        #![doc = " with a documented error status; shared responses (such as `Unauthorized`) have one body type"]
        #![doc = " in [`types`](crate::types) used by every operation that refers to them."]
    }
}

/// `401`, `4XX`, `default`.
pub fn status_label(s: Status) -> String {
    match s {
        Status::Code(c) => c.to_string(),
        Status::Range(r) => format!("{r}XX"),
        Status::Default => "default".to_string(),
    }
}

/// An operation's error enum and its `ErrorBody` implementation.
pub fn error_enum(op: &Operation) -> TokenStream {
    let name = ident(&op.error_enum);
    let doc = format!(" The documented error responses of `{}` (`{} {}`).", op.id, op.method, op.path);
    let errors: Vec<_> = op.responses.iter().filter(|r| r.is_error).collect();
    let variants = errors.iter().map(|r| {
        let v = ident(&r.variant);
        let text = format!("{}: {}", status_label(r.status), r.description);
        let d = docs(Some(&text));
        match &r.body {
            Some(b) => {
                let t = match b.encoding {
                    BodyEncoding::Json | BodyEncoding::Form => type_tokens(&b.ty),
                    BodyEncoding::Text => quote!(::std::string::String),
                    BodyEncoding::Bytes | BodyEncoding::Multipart => quote!(::std::vec::Vec<u8>),
                };
                quote! { #d #v(#t) }
            }
            None => quote! { #d #v },
        }
    });
    let undecoded = op.undecoded_variant.as_ref().map(|u| {
        let v = ident(u);
        quote! {
            #[doc = " A documented error status whose body does not match its documented type: the status"]
            #[doc = " is in [`ApiError::status`](crate::ApiError::status), the body raw in"]
            #[doc = " [`ApiError::response`](crate::ApiError::response); this says why it did not decode."]
            #v(::std::string::String)
        }
    });
    let variants = variants.chain(undecoded);
    let arms: Vec<TokenStream> = errors
        .iter()
        .map(|r| {
            let v = ident(&r.variant);
            match (&r.body, &r.message_field) {
                (Some(_), Some(m)) => {
                    let f = ident(&m.rust_name);
                    if m.optional {
                        quote! { Self::#v(body) => body.#f.as_deref() }
                    } else {
                        quote! { Self::#v(body) => ::std::option::Option::Some(body.#f.as_str()) }
                    }
                }
                (Some(b), None) if b.encoding == BodyEncoding::Text => quote! { Self::#v(body) => ::std::option::Option::Some(body.as_str()) },
                (Some(_), None) => quote! { Self::#v(_) => ::std::option::Option::None },
                (None, _) => quote! { Self::#v => ::std::option::Option::None },
            }
        })
        .chain(op.undecoded_variant.as_ref().map(|u| {
            let v = ident(u);
            quote! { Self::#v(_) => ::std::option::Option::None }
        }))
        .collect();
    let undecoded_fn = op.undecoded_variant.as_ref().map(|u| {
        let v = ident(u);
        quote! {
            fn is_undecoded(&self) -> bool { ::std::matches!(self, Self::#v(_)) }
        }
    });
    let body = if arms.is_empty() { quote!(match *self {}) } else { quote!(match self { #(#arms,)* }) };
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name { #(#variants,)* }
        impl crate::runtime::ErrorBody for #name {
            fn message(&self) -> ::std::option::Option<&str> { #body }
            #undecoded_fn
        }
    }
}
