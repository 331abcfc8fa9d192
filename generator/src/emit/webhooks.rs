//! `src/webhooks.rs` (only for documents with webhooks): the `WebhookEvent` enum of the
//! payloads the API sends, decoded by discriminator, by name or by trying each payload, and the
//! signature checks of `runtime/webhooks.rs` re-exported.

use super::formats::Codecs;
use super::util::{ident, summary_and_description, type_tokens};
use crate::ir::{Api, TypeRef, Webhook};
use proc_macro2::TokenStream;
use quote::quote;

/// The hand-written part, embedded as `src/runtime/webhooks.rs` when there are webhooks.
pub const RUNTIME: &str = include_str!("../runtime/webhooks.rs");

/// The crates the webhook code needs, as the generated `Cargo.toml` declares them.
pub const DEPENDENCIES: &[&str] =
    &["base64 = \"0.22\"", "hmac = { version = \"0.13\", optional = true }", "sha2 = { version = \"0.11\", default-features = false, optional = true }"];

/// The module's tokens.
pub fn webhooks_file(api: &Api, codecs: &Codecs) -> TokenStream {
    let hooks = &api.webhooks;
    let tag = hooks.first().and_then(|w| w.discriminator.as_ref()).map(|t| t.property.as_str());
    let intro = module_docs(api, tag);
    let intro = super::util::trusted_inner_docs(&intro);
    let variants = hooks.iter().map(|w| {
        let v = ident(&w.variant);
        let t = type_tokens(&w.payload);
        let fallback = format!("The `{}` webhook.", w.name);
        let mut text = summary_and_description(w.summary.as_deref(), w.description.as_deref()).unwrap_or(fallback);
        text.push_str(&format!("\n\nWebhook `{}`", w.name));
        if let Some(t) = &w.discriminator {
            text.push_str(&format!(" (`{}`: `{}`)", t.property, t.value));
        }
        text.push('.');
        let d = super::util::docs(Some(&text));
        let with = codecs.with_attr(&w.payload);
        quote!(#d #with #v(#t))
    });
    let parse = match tag {
        Some(property) => {
            let arms = hooks.iter().map(|w| {
                let value = w.discriminator.as_ref().map(|t| t.value.as_str()).unwrap_or_default();
                let decode = decode(w, codecs, quote!(::serde_json::from_value), quote!(value));
                quote!(Some(#value) => #decode,)
            });
            let doc = format!(
                "Decodes a webhook body by its `{property}` property: a known value decodes into its payload (an\nerror when the payload does not fit it), any other value (or none) is [`WebhookEvent::Unknown`]\nwith the whole body. Only a body that is not JSON is an error otherwise."
            );
            let doc = super::util::docs(Some(&doc));
            quote! {
                #doc
                pub fn parse(body: &[u8]) -> ::std::result::Result<Self, ::serde_json::Error> {
                    let (value, tag) = crate::runtime::webhooks::read_tagged(body, #property)?;
                    match tag.as_deref() {
                        #(#arms)*
                        _ => ::std::result::Result::Ok(Self::Unknown(value)),
                    }
                }
            }
        }
        None => {
            let tries = hooks.iter().map(|w| {
                let v = ident(&w.variant);
                let t = type_tokens(&w.payload);
                let attempt = if codecs.needs(&w.payload) {
                    let c = codecs.codec(&w.payload);
                    quote!(crate::runtime::webhooks::try_decode::<crate::runtime::formats::De<#c, #t>>(&value).map(crate::runtime::formats::De::into_inner))
                } else {
                    quote!(crate::runtime::webhooks::try_decode::<#t>(&value))
                };
                quote! {
                    if let ::std::option::Option::Some(payload) = #attempt {
                        return ::std::result::Result::Ok(Self::#v(payload));
                    }
                }
            });
            let doc = "Decodes a webhook body into the first payload, in document order, that it fits (the payloads\nhave no common property that tells them apart; prefer [`WebhookEvent::parse_named`] when the\nrequest names its event); one that fits none is [`WebhookEvent::Unknown`]. Only a body that\nis not JSON is an error.";
            let doc = super::util::docs(Some(doc));
            quote! {
                #doc
                pub fn parse(body: &[u8]) -> ::std::result::Result<Self, ::serde_json::Error> {
                    let value: ::serde_json::Value = ::serde_json::from_slice(body)?;
                    #(#tries)*
                    ::std::result::Result::Ok(Self::Unknown(value))
                }
            }
        }
    };
    let named_arms = hooks.iter().map(|w| {
        let name = &w.name;
        let decode = decode(w, codecs, quote!(::serde_json::from_slice), quote!(body));
        quote!(#name => #decode,)
    });
    let name_arms = hooks.iter().map(|w| {
        let v = ident(&w.variant);
        let name = &w.name;
        quote!(Self::#v(_) => ::std::option::Option::Some(#name),)
    });
    quote! {
        #intro

        pub use crate::runtime::webhooks::{
            DEFAULT_TOLERANCE, Verifier, VerifyError, verify_hmac_sha256, verify_standard_webhooks, verify_timestamped_hmac_sha256,
        };

        #[doc = " A webhook request's payload, one variant per webhook of the API."]
        #[doc = ""]
        #[doc = " `Serialize` writes the payload alone (the JSON the API sent, in its documented form)."]
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum WebhookEvent {
            #(#variants,)*
            #[doc = " An event this crate does not know: the whole JSON body."]
            Unknown(::serde_json::Value),
        }

        impl WebhookEvent {
            #parse

            #[doc = " Decodes a webhook body as the webhook named `name` (its key in the API document, as"]
            #[doc = " vendors that name the event in a header send it: GitHub's `X-GitHub-Event`, say): an error"]
            #[doc = " when the body does not fit that payload; an unknown name gives [`WebhookEvent::Unknown`]."]
            pub fn parse_named(name: &str, body: &[u8]) -> ::std::result::Result<Self, ::serde_json::Error> {
                match name {
                    #(#named_arms)*
                    _ => ::serde_json::from_slice(body).map(Self::Unknown),
                }
            }

            #[doc = " The webhook's name in the API document; `None` for [`WebhookEvent::Unknown`]."]
            pub fn name(&self) -> ::std::option::Option<&'static str> {
                match self {
                    #(#name_arms)*
                    Self::Unknown(_) => ::std::option::Option::None,
                }
            }
        }
    }
}

/// `decoder(input)` into the webhook's variant, through its codec when the payload needs one.
fn decode(w: &Webhook, codecs: &Codecs, decoder: TokenStream, input: TokenStream) -> TokenStream {
    let v = ident(&w.variant);
    if codecs.needs(&w.payload) {
        let c = codecs.codec(&w.payload);
        let t = type_tokens(&w.payload);
        quote!(#decoder::<crate::runtime::formats::De<#c, #t>>(#input).map(|p| Self::#v(p.into_inner())))
    } else {
        quote!(#decoder(#input).map(Self::#v))
    }
}

/// The module's docs: what it holds and an example using the crate's first webhook.
fn module_docs(api: &Api, tag: Option<&str>) -> String {
    let count = if api.webhooks.len() == 1 { "1 webhook".to_string() } else { format!("{} webhooks", api.webhooks.len()) };
    let mut s = format!(
        "Webhooks: the requests the API sends to your server ({count}), decoded into [`WebhookEvent`], and\nthe signature checks vendors use ([`Verifier`]).\n\n"
    );
    match tag {
        Some(p) => s.push_str(&format!("[`WebhookEvent::parse`] picks the payload by the body's `{p}` property; an unknown value is\n[`WebhookEvent::Unknown`], never an error, so a new event type breaks nothing.\n")),
        None => s.push_str("The payloads have no property that tells them apart: [`WebhookEvent::parse`] tries each in\norder, and [`WebhookEvent::parse_named`] decodes the one a request names.\n"),
    }
    let first = &api.webhooks[0];
    let m = api.webhooks_module().unwrap_or("webhooks");
    let matched = match &first.payload {
        TypeRef::Json => "payload",
        _ => "event",
    };
    s.push_str(&format!(
        "\nCheck the signature first, on the body exactly as received:\n\n```no_run\nuse {lib}::{m}::{{Verifier, WebhookEvent}};\n\n# fn handle(headers: &{lib}::reqwest::header::HeaderMap, body: &[u8]) -> Result<(), Box<dyn std::error::Error>> {{\nVerifier::standard_webhooks(\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\")?.verify(headers, body)?;\nmatch WebhookEvent::parse(body)? {{\n    WebhookEvent::{v}({matched}) => println!(\"{name}: {{{matched}:?}}\"),\n    other => println!(\"not handled: {{:?}}\", other.name()),\n}}\n# Ok(())\n# }}\n```\n\n[`Verifier`] knows Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`),\nan HMAC-SHA256 of the body in a header of your choice (GitHub's `X-Hub-Signature-256`), and the\ntimestamped `t=...,v1=...` form (Stripe's); the free functions take the header values instead.\n",
        lib = api.lib_name,
        v = first.variant,
        name = first.name.replace('"', "\\\""),
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::WebhookTag;

    fn hook(name: &str, variant: &str, payload: TypeRef, tag: Option<&str>) -> Webhook {
        Webhook {
            name: name.into(),
            pointer: "#/webhooks/x/post".into(),
            variant: variant.into(),
            summary: None,
            description: None,
            payload,
            discriminator: tag.map(|v| WebhookTag { property: "type".into(), value: v.into() }),
        }
    }

    fn compact(t: TokenStream) -> String {
        t.to_string().replace(' ', "")
    }

    #[test]
    fn decoding_goes_through_the_payloads_codec() {
        let codecs = Codecs::default();
        let plain = decode(&hook("a", "A", TypeRef::Named("A".into()), None), &codecs, quote!(::serde_json::from_slice), quote!(body));
        assert_eq!(compact(plain), "::serde_json::from_slice(body).map(Self::A)");
        let dated = decode(&hook("b", "B", TypeRef::DateTime, None), &codecs, quote!(::serde_json::from_value), quote!(value));
        assert_eq!(
            compact(dated),
            "::serde_json::from_value::<crate::runtime::formats::De<crate::runtime::formats::Rfc3339,::chrono::DateTime<::chrono::Utc>>>(value).map(|p|Self::B(p.into_inner()))"
        );
    }
}
