//! The contract tests (`--with-tests`): `tests/contract.rs` in the generated crate, one
//! `#[tokio::test]` per operation that calls it with valid inputs built from the document
//! ([`inputs`]) against a mock server (Prism, see `mock.rs`) serving `tests/contract/openapi.json`,
//! the document after overlays, and checks the response decodes into the typed model.
//!
//! An operation whose inputs cannot be built gets its test all the same, `#[ignore]`d with the
//! reason, so the suite's output lists every operation left out and why.

pub mod inputs;
mod pattern;

use super::util::ident;
use crate::diagnostics::Diagnostic;
use crate::ir::{Api, BodyEncoding, Operation, Param, ParamLocation, SecurityKind, TypeKind, TypeRef};
use crate::write::OutputSpace;
use inputs::{Inputs, Unbuildable};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use std::collections::BTreeMap;

/// The mock server and outcome checks, embedded verbatim.
const MOCK: &str = include_str!("mock.rs");

/// Adds `tests/contract.rs`, `tests/contract/mock.rs` and `tests/contract/openapi.json`.
pub fn emit(api: &Api, doc: &Value, out: &mut OutputSpace) -> Result<(), Diagnostic> {
    let header = super::rust_header(api);
    let tokens = contract_file(api, doc);
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| {
        Diagnostic::error(format!("internal error: the generated `tests/contract.rs` does not parse: {e}"))
            .help("this is a bug in sdkforge; please report it with the input document")
    })?;
    out.insert("tests/contract.rs", format!("{header}{}", prettyplease::unparse(&file)));
    out.insert("tests/contract/mock.rs", format!("{header}{MOCK}"));
    let spec = crate::load::to_json_string_pretty(doc).map_err(|e| Diagnostic::error(format!("cannot write the document for the mock server: {e}")))?;
    out.insert("tests/contract/openapi.json", spec);
    Ok(())
}

/// One test per operation, in modules named after the groups (`ops::pos::logout`).
fn contract_file(api: &Api, doc: &Value) -> TokenStream {
    let lib = ident(&api.lib_name);
    let inputs = Inputs::new(doc);
    // Module path → tests, so each group's tests share one `mod` block.
    let mut modules: BTreeMap<Vec<String>, Vec<TokenStream>> = BTreeMap::new();
    let mut runnable = 0;
    for op in &api.operations {
        let path = op.groups.first().cloned().unwrap_or_default();
        let (test, runs) = operation_test(api, &inputs, op);
        runnable += usize::from(runs);
        modules.entry(path).or_default().push(test);
    }
    let ops = nest(&modules, &[]);
    // With every operation left out nothing calls the client.
    let unused = (runnable == 0).then(|| quote!(#[allow(dead_code)]));
    let credentials = api.security_schemes.iter().map(|s| {
        let setter = ident(&s.setter);
        match s.kind {
            SecurityKind::Basic => quote!(.#setter("contract-user", "contract-password")),
            _ => quote!(.#setter("contract-test-credential")),
        }
    });
    let docs = format!(
        " Contract tests of the {} client: every operation called against a mock server (Prism)\n serving `tests/contract/openapi.json`, the document after overlays, which refuses requests\n that do not match it. See `tests/contract/mock.rs` for how the server is found or started.",
        api.info.title.replace('\n', " ")
    );
    let docs = docs.lines().map(String::from);
    quote! {
        #(#![doc = #docs])*

        #[path = "contract/mock.rs"]
        mod mock;

        use #lib as api;

        /// A client of the mock server, with a dummy value for every credential.
        #unused
        fn client(server: &mock::MockServer) -> api::Client {
            api::Client::builder()
                .base_url(server.url.as_str())
                #(#credentials)*
                .no_retries()
                .build()
                .expect("the client builds")
        }

        mod ops {
            #ops
        }
    }
}

fn nest(modules: &BTreeMap<Vec<String>, Vec<TokenStream>>, prefix: &[String]) -> TokenStream {
    let here = modules.get(prefix).map(|t| quote!(#(#t)*)).unwrap_or_default();
    let mut children: Vec<&String> = modules.keys().filter(|k| k.len() > prefix.len() && k.starts_with(prefix)).map(|k| &k[prefix.len()]).collect();
    children.dedup();
    let children = children.into_iter().map(|m| {
        let mut path = prefix.to_vec();
        path.push(m.clone());
        let inner = nest(modules, &path);
        let m = ident(m);
        quote!(mod #m { #inner })
    });
    quote!(#here #(#children)*)
}

/// The test of one operation, `#[ignore]`d with the reason when no valid call can be built (then
/// `false`).
fn operation_test(api: &Api, inputs: &Inputs<'_>, op: &Operation) -> (TokenStream, bool) {
    let name = ident(&op.method_name);
    let id = &op.id;
    let doc = format!(" `{} {}` (operation `{}`).", op.method, op.path, op.id);
    let error_expected = op.responses.iter().all(|r| r.is_error);
    match call(api, inputs, op) {
        Ok(call) => (
            quote! {
                #[doc = #doc]
                #[tokio::test]
                async fn #name() {
                    let Some(server) = crate::mock::server() else { return };
                    let request = || #call;
                    let mut result = request().send().await;
                    if crate::mock::example_is_invalid(&result) {
                        // The document's own example breaks its schema: ask for one made from it.
                        result = request().options(crate::mock::generated_response()).send().await;
                    }
                    crate::mock::check(#id, #error_expected, result);
                }
            },
            true,
        ),
        Err(reason) => {
            let reason = format!("left out: {reason}");
            let test = quote! {
                #[doc = #doc]
                #[tokio::test]
                #[ignore = #reason]
                async fn #name() {}
            };
            (test, false)
        }
    }
}

/// `crate::client(&server).group().method(args…)`, with every required input.
fn call(api: &Api, inputs: &Inputs<'_>, op: &Operation) -> Result<TokenStream, Unbuildable> {
    if super::groups::event_stream(op).is_some() {
        return Err("a server-sent event stream (Prism does not stream events)".to_string());
    }
    let mut args = Vec::new();
    let mut fields = serde_json::Map::new();
    for p in op.params.iter().filter(|p| p.required) {
        if p.location == ParamLocation::Query && p.wire_name.contains(['[', ']']) {
            return Err(format!("Prism cannot match a query parameter named with brackets (`{}`), so it refuses every call", p.wire_name));
        }
        if p.location == ParamLocation::Cookie {
            return Err(format!("a required cookie (`{}`): the client has no cookie parameters", p.wire_name));
        }
        let v = param_value(inputs, op, p)?;
        fields.insert(p.wire_name.clone(), v.clone());
        args.push(arg(&p.ty, v));
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let v = inputs.body_value(&op.pointer, &body.media_type).map_err(|e| format!("request body: {e}"))?;
        let v = match body.encoding {
            BodyEncoding::Text if !v.is_string() => Value::String(v.to_string()),
            BodyEncoding::Bytes if !v.is_array() => serde_json::json!([104, 105]),
            _ => v,
        };
        fields.insert("body".to_string(), v.clone());
        args.push(arg(&body.ty, v));
    }
    if let Some(name) = &op.params_struct {
        // One struct argument: its fields are the required parameters and `body`, by wire name.
        let known = api.type_def(name).is_some_and(|t| matches!(t.kind, TypeKind::Struct { .. }));
        if !known {
            return Err(format!("the parameters struct `{name}` is not in the types"));
        }
        args = vec![arg(&TypeRef::Named(name.clone()), Value::Object(fields))];
    }
    let mut path = quote!(crate::client(&server));
    for m in op.groups.first().into_iter().flatten() {
        let m = ident(m);
        path = quote!(#path.#m());
    }
    let method = ident(&op.method_name);
    Ok(quote!(#path.#method(#(#args),*)))
}

fn param_value(inputs: &Inputs<'_>, op: &Operation, p: &Param) -> Result<Value, Unbuildable> {
    let location = match p.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    let param = inputs.parameter(&op.pointer, &p.wire_name, location)?;
    inputs.parameter_value(param).map_err(|e| format!("parameter `{}`: {e}", p.wire_name))
}

/// An argument: a string literal for `impl Into<String>` parameters, else the JSON decoded into
/// the argument's type.
fn arg(ty: &TypeRef, v: Value) -> TokenStream {
    if *ty == TypeRef::String {
        let s = match v {
            Value::String(s) => s,
            other => other.to_string(),
        };
        return quote!(#s);
    }
    // Types whose JSON form is not their own serde's (the crate's codecs are private to it).
    match ty {
        TypeRef::Base64 => return quote!(::std::vec::Vec::from(&b"sdkforge"[..])),
        TypeRef::IntString(inner) => {
            // The example's integer when it is one in the type's range, else 1.
            let n = super::examples::integer(inner, Some(&v));
            let lit = match **inner {
                TypeRef::I32 => proc_macro2::Literal::i32_suffixed(i32::try_from(n).unwrap_or(1)),
                TypeRef::U32 => proc_macro2::Literal::u32_suffixed(u32::try_from(n).unwrap_or(1)),
                TypeRef::U64 => proc_macro2::Literal::u64_suffixed(u64::try_from(n).unwrap_or(1)),
                _ => proc_macro2::Literal::i64_suffixed(i64::try_from(n).unwrap_or(1)),
            };
            return quote!(#lit);
        }
        _ => {}
    }
    let json = raw_string(&v.to_string());
    quote!(crate::mock::value(::serde_json::from_str(#json).expect("valid JSON")))
}

/// A raw string literal (`r#"{"a":1}"#`), so the JSON reads as it is sent.
fn raw_string(text: &str) -> TokenStream {
    let mut hashes = "#".to_string();
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}").parse().unwrap_or_else(|_| quote!(#text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_arguments_are_literals_and_others_decode_json() {
        assert_eq!(arg(&TypeRef::String, serde_json::json!(12)).to_string(), quote!("12").to_string());
        let t = arg(&TypeRef::I64, serde_json::json!(3)).to_string();
        assert!(t.contains("crate :: mock :: value") && t.contains("r#\"3\"#"), "{t}");
        assert_eq!(raw_string(r##"{"a":"#x"}"##).to_string(), r###"r##"{"a":"#x"}"##"###);
    }
}
