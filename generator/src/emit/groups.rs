//! Group modules: a handle type per group with one method per operation, and a request builder
//! per operation that describes the call to the runtime.

use super::formats::Codecs;
use super::util::{docs, docs_or, ident, summary_and_description, type_tokens};
use crate::ir::jsonpath::PathStep;
use crate::ir::pagination::{InputPlace, PageInput, Pagination, PaginationKind};
use crate::ir::session::SessionRole;
use crate::ir::{Api, BodyEncoding, EventStreamInfo, Group, Operation, Param, ParamLocation, ParamStyle, Response, Status, Success, TypeDef, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The handle type's path from the crate root (`crate::pos::Pos`); the root group is `Client`.
pub fn handle_path(g: &Group) -> TokenStream {
    if g.path.is_empty() {
        return quote!(crate::Client);
    }
    let segs = g.path.iter().map(|s| ident(s));
    let handle = ident(&g.handle);
    quote!(crate #(::#segs)* ::#handle)
}

fn module_path(path: &[String]) -> TokenStream {
    let segs = path.iter().map(|s| ident(s));
    quote!(crate #(::#segs)*)
}

/// The Rust type of a successful call.
pub fn ok_type(op: &Operation) -> TokenStream {
    if let Some((_, ty)) = event_stream(op) {
        let t = type_tokens(ty);
        let err = ident(&op.error_enum);
        return quote!(crate::EventStream<#t, crate::errors::#err>);
    }
    match &op.success {
        Success::Single { ty: Some(t) } => type_tokens(t),
        Success::Single { ty: None } => quote!(()),
        Success::Several { name } => {
            let n = ident(name);
            quote!(crate::types::#n)
        }
    }
}

/// The event stream an operation's one success response is, with the event type.
pub(crate) fn event_stream(op: &Operation) -> Option<(&EventStreamInfo, &TypeRef)> {
    let Success::Single { ty: Some(ty) } = &op.success else { return None };
    let mut successes = op.responses.iter().filter(|r| !r.is_error);
    let only = successes.next()?;
    if successes.next().is_some() {
        return None;
    }
    only.event_stream.as_ref().map(|e| (e, ty))
}

/// How the runtime turns events into values: the sentinel, and whether the event type is an
/// envelope (a struct with a `data` field) or the data itself.
fn event_format(api: &Api, op: &Operation) -> TokenStream {
    let Some((info, ty)) = event_stream(op) else { return quote!() };
    format_of(api, info, ty)
}

/// The [`event_format`] of events of type `ty` that end as `info` says.
fn format_of(api: &Api, info: &EventStreamInfo, ty: &TypeRef) -> TokenStream {
    let sentinel = match &info.sentinel {
        Some(s) => quote!(::std::option::Option::Some(#s)),
        None => quote!(::std::option::Option::None),
    };
    let envelope = match ty {
        TypeRef::Named(n) => api.type_def(n).is_some_and(|d| matches!(&d.kind, TypeKind::Struct { fields, .. } if fields.iter().any(|f| f.wire_name == "data"))),
        _ => false,
    };
    quote!(crate::runtime::EventFormat { sentinel: #sentinel, envelope: #envelope })
}

/// Whether a parameter is a method argument (required) rather than a builder setter.
fn is_arg(p: &Param) -> bool {
    p.required
}

fn param_arg_type(p: &Param) -> TokenStream {
    if p.ty == TypeRef::String { quote!(impl ::std::convert::Into<::std::string::String>) } else { type_tokens(&p.ty) }
}

fn body_arg(op: &Operation) -> Option<TokenStream> {
    op.body.as_ref().filter(|b| b.required).map(|b| type_tokens(&b.ty))
}

/// Items of a group: accessors for nested groups, methods, and the builders of the operations
/// whose first group this is. For the root group the methods go in `impl Client`.
pub fn group_items(api: &Api, g: &Group, codecs: &Codecs) -> (TokenStream, TokenStream) {
    // A top-level group's accessor on `Client` exists when its module does (its Cargo feature).
    let features = g.path.is_empty().then(|| super::features::Features::modules(api));
    let accessors = g.groups.iter().map(|child| {
        let m = ident(&child.module);
        let path = handle_path(child);
        let doc = docs_or(child.doc.as_deref(), &format!("Operations of the `{}` group.", child.wire_name));
        let cfg = features.as_ref().map(|f| f.module_cfg(&child.module));
        quote! {
            #doc
            #cfg
            pub fn #m(&self) -> #path {
                #path::new(self.client())
            }
        }
    });
    let ops: Vec<&Operation> = g.operations.iter().filter_map(|id| api.operations.iter().find(|o| &o.id == id)).collect();
    let examples = super::examples::Examples::new(api);
    let methods = ops.iter().map(|op| method(op, &examples));
    let builders = ops.iter().filter(|op| op.groups.first() == Some(&g.path)).map(|op| builder(api, op, codecs));
    (quote! { #(#accessors)* #(#methods)* }, quote! { #(#builders)* })
}

fn method(op: &Operation, examples: &super::examples::Examples<'_>) -> TokenStream {
    let name = ident(&op.method_name);
    let builder_path = {
        let m = module_path(op.groups.first().map(Vec::as_slice).unwrap_or(&[]));
        let b = ident(&op.builder);
        if op.groups.first().is_some_and(|p| p.is_empty()) { quote!(crate::client::#b) } else { quote!(#m::#b) }
    };
    let mut doc = summary_and_description(op.summary.as_deref(), op.description.as_deref()).map(|d| d + "\n\n").unwrap_or_default();
    doc.push_str(&format!("`{} {}` (operation `{}`).", op.method, op.path, op.id));
    if let Some(body) = op.body.as_ref().and_then(|b| b.doc.as_deref()) {
        doc.push_str(&format!("\n\nRequest body: {}", body.trim()));
    }
    let successes: Vec<String> = op
        .responses
        .iter()
        .filter(|r| !r.is_error && !r.description.trim().is_empty())
        .map(|r| format!("- {}: {}", super::errors::status_label(r.status), r.description.trim()))
        .collect();
    if !successes.is_empty() {
        doc.push_str(&format!("\n\nReturns:\n{}", successes.join("\n")));
    }
    if let Some(ext) = &op.external_docs {
        match ext.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => doc.push_str(&format!("\n\nSee also: [{}](<{}>).", d.replace(['[', ']'], ""), ext.url)),
            None => doc.push_str(&format!("\n\nSee also <{}>.", ext.url)),
        }
    }
    let doc = docs(Some(&doc));
    let example = super::util::trusted_docs(&format!("\n{}", examples.section(op)));
    let doc = quote!(#doc #example);
    let deprecated = if op.deprecated { quote!(#[deprecated]) } else { quote!() };
    let args: Vec<TokenStream> = op.params.iter().filter(|p| is_arg(p)).map(|p| {
        let n = ident(&p.rust_name);
        let t = param_arg_type(p);
        quote!(#n: #t)
    }).collect();
    let arg_inits: Vec<TokenStream> = op.params.iter().map(|p| {
        let n = ident(&p.rust_name);
        if !is_arg(p) {
            quote!(#n: ::std::option::Option::None)
        } else if p.ty == TypeRef::String {
            quote!(#n: #n.into())
        } else {
            quote!(#n)
        }
    }).collect();
    let (body_param, body_init) = match (body_arg(op), &op.body) {
        (Some(t), _) => (quote!(body: #t), quote!(body,)),
        (None, Some(_)) => (quote!(), quote!(body: ::std::option::Option::None,)),
        (None, None) => (quote!(), quote!()),
    };
    if let Some(params_struct) = &op.params_struct {
        // One struct argument (`x-speakeasy-max-method-params`): unpack it into the builder.
        let t = ident(params_struct);
        let inits = op.params.iter().map(|p| {
            let n = ident(&p.rust_name);
            if is_arg(p) { quote!(#n: params.#n) } else { quote!(#n: ::std::option::Option::None) }
        });
        let body_init = match &op.body {
            Some(b) if b.required => quote!(body: params.body,),
            Some(_) => quote!(body: ::std::option::Option::None,),
            None => quote!(),
        };
        return quote! {
            #doc
            #deprecated
            pub fn #name(&self, params: crate::types::#t) -> #builder_path {
                #builder_path {
                    client: self.client(),
                    #(#inits,)*
                    #body_init
                    options: ::std::default::Default::default(),
                }
            }
        };
    }
    let sep = if !args.is_empty() && !body_param.is_empty() { quote!(,) } else { quote!() };
    // The method takes each required parameter of the operation, as many as the document
    // declares (`x-speakeasy-max-method-params` gathers them into one struct instead).
    let arity = 1 + args.len() + usize::from(!body_param.is_empty());
    let allow = (arity > MAX_CLIPPY_ARGUMENTS).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #doc
        #deprecated
        #allow
        pub fn #name(&self, #(#args),* #sep #body_param) -> #builder_path {
            #builder_path {
                client: self.client(),
                #(#arg_inits,)*
                #body_init
                options: ::std::default::Default::default(),
            }
        }
    }
}

/// Clippy's `too_many_arguments` limit (`self` included).
const MAX_CLIPPY_ARGUMENTS: usize = 7;

fn builder(api: &Api, op: &Operation, codecs: &Codecs) -> TokenStream {
    let name = ident(&op.builder);
    let doc = format!(" A `{} {}` call; send it with `.await` or [`send`](Self::send).", op.method, op.path);
    let fields = op.params.iter().map(|p| {
        let n = ident(&p.rust_name);
        let t = type_tokens(&p.ty);
        if is_arg(p) { quote!(pub(crate) #n: #t) } else { quote!(pub(crate) #n: ::std::option::Option<#t>) }
    });
    let body_field = match &op.body {
        Some(b) if b.required => {
            let t = type_tokens(&b.ty);
            quote!(pub(crate) body: #t,)
        }
        Some(b) => {
            let t = type_tokens(&b.ty);
            quote!(pub(crate) body: ::std::option::Option<#t>,)
        }
        None => quote!(),
    };
    let setters = op.params.iter().filter(|p| !is_arg(p) && !p.hidden).map(|p| {
        let d = docs_or(p.doc.as_deref(), &format!("Sets the `{}` parameter.", p.wire_name));
        super::util::option_setter(&d, &super::types::setter_name(&p.rust_name), &p.rust_name, &p.ty)
    });
    let body_setter = match &op.body {
        Some(b) if !b.required => {
            let t = type_tokens(&b.ty);
            let d = docs_or(b.doc.as_deref(), "Sets the request body.");
            quote! {
                #d
                pub fn body(mut self, value: #t) -> Self {
                    self.body = ::std::option::Option::Some(value);
                    self
                }
            }
        }
        _ => quote!(),
    };
    let ok = ok_type(op);
    let err = ident(&op.error_enum);
    let (into_call, decode) = send_body(api, op, codecs);
    let (send_self, choose_json, stream_method) = match &op.stream_overload {
        Some(ov) => {
            let set = |value: bool| {
                let f = ident(&ov.field);
                let v = if ov.optional { quote!(::std::option::Option::Some(#value)) } else { quote!(#value) };
                match &op.body {
                    Some(b) if b.required => quote! { self.body.#f = #v; },
                    _ => quote! { if let ::std::option::Option::Some(body) = self.body.as_mut() { body.#f = #v; } },
                }
            };
            let (json, events) = (set(false), set(true));
            let m = ident(&ov.method);
            let ev = type_tokens(&ov.event);
            let format = format_of(api, &ov.info, &ov.event);
            let doc = format!(
                " Sends the request with `{}` set to true and returns the events as they arrive; [`send`](Self::send) sets it false and returns the JSON answer. A success that is not an event stream is `Error::Decode`, with the body kept.",
                ov.wire_field
            );
            let method = quote! {
                #[doc = #doc]
                pub async fn #m(mut self) -> ::std::result::Result<crate::EventStream<#ev, crate::errors::#err>, crate::Error<crate::errors::#err>> {
                    #events
                    let client = self.client.clone();
                    let call = self.into_call().header("Accept", &"text/event-stream", false);
                    match client.core().open(call).await? {
                        crate::runtime::Opened::Streaming(response) => {
                            let response = crate::runtime::expect_event_stream(response).await?;
                            ::std::result::Result::Ok(crate::runtime::EventStream::live(response, #format))
                        }
                        crate::runtime::Opened::Read(response) => {
                            Self::decode(response.clone())?;
                            ::std::result::Result::Err(response.unexpected())
                        }
                    }
                }
            };
            (quote!(mut self), Some(quote! { #json let call = self.into_call().header("Accept", &"application/json", false); }), method)
        }
        None => (quote!(self), None, quote!()),
    };
    let paging = op.pagination.as_ref().map(|p| paging(op, p));
    let headers_struct = op.headers_struct.as_ref().map(|h| ident(h));
    // A stream's `send` is an `async fn` (its own future, boxed by `into_future`); any other's
    // is already the runtime's boxed future.
    let (sends, into_future) = if event_stream(op).is_some() {
        // A stream's future differs from the plain call's: these stay `async fn`s (few
        // operations stream).
        let format = event_format(api, op);
        let with_headers = headers_struct.map(|h| {
            quote! {
                #[doc = " Like [`send`](Self::send), and reads the response headers the document describes."]
                pub async fn send_with_headers(self) -> ::std::result::Result<(#ok, crate::types::#h), crate::Error<crate::errors::#err>> {
                    self.send_with_response().await.map(|response| {
                        let headers = crate::types::#h::from_headers(&response.headers);
                        (response.body, headers)
                    })
                }
            }
        });
        let sends = quote! {
            #[doc = " Sends the request and decodes the documented response."]
            pub async fn send(self) -> ::std::result::Result<#ok, crate::Error<crate::errors::#err>> {
                self.send_with_response().await.map(|response| response.body)
            }
            #with_headers
            #[doc = " Like [`send`](Self::send), and keeps the status and headers of the response."]
            pub async fn send_with_response(self) -> ::std::result::Result<crate::Response<#ok>, crate::Error<crate::errors::#err>> {
                let client = self.client.clone();
                match client.core().open(self.into_call()).await? {
                    crate::runtime::Opened::Streaming(response) => {
                        let (status, headers) = (response.status(), response.headers().clone());
                        let body = crate::runtime::EventStream::live(response, #format);
                        ::std::result::Result::Ok(crate::Response { status, headers, body, unread_body: ::std::option::Option::None })
                    }
                    crate::runtime::Opened::Read(response) => Self::decode(response),
                }
            }
        };
        (sends, quote!(::std::boxed::Box::pin(self.send())))
    } else {
        // Plain functions returning the runtime's one generic future (`runtime::call`, boxed):
        // an `async fn` per method would make the compiler check, and prove `Send`, three
        // futures per operation.
        let prepare = match &choose_json {
            Some(choose_json) => quote! { let core = self.client.core_arc(); #choose_json },
            None => quote! { let (core, call) = (self.client.core_arc(), self.into_call()); },
        };
        let future = |output: TokenStream| quote!(crate::Pending<#output, crate::errors::#err>);
        let (plain, whole) = (future(quote!(#ok)), future(quote!(crate::Response<#ok>)));
        let with_headers = headers_struct.map(|h| {
            let with = future(quote!((#ok, crate::types::#h)));
            let allow = super::util::allow_complex(&with);
            quote! {
                #[doc = " Like [`send`](Self::send), and reads the response headers the document describes."]
                #allow
                pub fn send_with_headers(#send_self) -> #with {
                    #prepare
                    crate::runtime::call(core, call, Self::decode, |response| {
                        let headers = crate::types::#h::from_headers(&response.headers);
                        (response.body, headers)
                    })
                }
            }
        });
        let (allow_plain, allow_whole) = (super::util::allow_complex(&plain), super::util::allow_complex(&whole));
        let sends = quote! {
            #[doc = " Sends the request and decodes the documented response."]
            #allow_plain
            pub fn send(#send_self) -> #plain {
                #prepare
                crate::runtime::call(core, call, Self::decode, crate::runtime::body_of)
            }
            #with_headers
            #[doc = " Like [`send`](Self::send), and keeps the status and headers of the response."]
            #allow_whole
            pub fn send_with_response(#send_self) -> #whole {
                #prepare
                crate::runtime::call(core, call, Self::decode, ::std::convert::identity)
            }
        };
        (sends, quote!(self.send()))
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[must_use = "a request does nothing until it is sent with `.await` or `.send()`"]
        pub struct #name {
            // Crate-visible: an operation listed in several groups is built from each group's
            // module, and the builder lives in the first one.
            pub(crate) client: crate::Client,
            #(#fields,)*
            #body_field
            pub(crate) options: crate::RequestOptions,
        }
        impl #name {
            #(#setters)*
            #body_setter
            #[doc = " Overrides the client's timeout, retries, credentials or headers for this call."]
            pub fn options(mut self, options: crate::RequestOptions) -> Self {
                self.options = options;
                self
            }
            #sends
            #stream_method
            #paging
            #into_call
            #decode
        }
        impl ::std::future::IntoFuture for #name {
            type Output = ::std::result::Result<#ok, crate::Error<crate::errors::#err>>;
            type IntoFuture = crate::Pending<#ok, crate::errors::#err>;
            fn into_future(self) -> Self::IntoFuture {
                #into_future
            }
        }
    }
}

/// The `into_call` and `decode` functions of a request builder.
fn send_body(api: &Api, op: &Operation, codecs: &Codecs) -> (TokenStream, TokenStream) {
    let ok = ok_type(op);
    let err = ident(&op.error_enum);
    let method = format_ident!("{}", op.method);
    let path = &op.path;
    let params = op.params.iter().map(|p| {
        let n = ident(&p.rust_name);
        let wire = &p.wire_name;
        let explode = p.explode;
        let style = match p.style {
            ParamStyle::Simple => quote!(Simple),
            ParamStyle::Label => quote!(Label),
            ParamStyle::Matrix => quote!(Matrix),
            ParamStyle::Form => quote!(Form),
            ParamStyle::SpaceDelimited => quote!(SpaceDelimited),
            ParamStyle::PipeDelimited => quote!(PipeDelimited),
            ParamStyle::DeepObject => quote!(DeepObject),
        };
        let value = match &p.global {
            // The call's value, else the client's (`x-speakeasy-globals`).
            Some(key) => quote!(&crate::runtime::or_global(&self.#n, self.client.core().global(#key))),
            None if p.required => codecs.ser(&p.ty, quote!(&self.#n)),
            None => codecs.ser(&TypeRef::Option(Box::new(p.ty.clone())), quote!(&self.#n)),
        };
        match p.location {
            ParamLocation::Path => quote!(.path(#wire, #value, crate::runtime::Style::#style, #explode)),
            ParamLocation::Query => quote!(.query(#wire, #value, crate::runtime::Style::#style, #explode)),
            ParamLocation::Header => quote!(.header(#wire, #value, #explode)),
            ParamLocation::Cookie => quote!(.cookie(#wire, #value, #explode)),
        }
    });
    let body = op.body.as_ref().map(|b| {
        let mt = &b.media_type;
        let value = if b.required { quote!(&self.body) } else { quote!(body) };
        let set = match b.encoding {
            BodyEncoding::Json => {
                let value = codecs.ser(&b.ty, value.clone());
                quote!(call.json(#value))
            }
            BodyEncoding::Form => {
                let value = codecs.ser(&b.ty, value.clone());
                quote!(call.form(#value))
            }
            BodyEncoding::Text => quote!(call.text(::std::string::ToString::to_string(#value), #mt)),
            BodyEncoding::Bytes => quote!(call.bytes(::std::clone::Clone::clone(#value), #mt)),
            BodyEncoding::Multipart => multipart(api, &b.ty, value, codecs),
        };
        if b.required {
            quote! { let call = #set; }
        } else {
            quote! { let call = match &self.body { ::std::option::Option::Some(body) => #set, ::std::option::Option::None => call }; }
        }
    });
    let security = security_tokens(&op.security);
    let op_id = &op.id;
    let mut responses: Vec<&Response> = op.responses.iter().collect();
    responses.sort_by_key(|r| r.status);
    let format = event_format(api, op);
    let mut arms: Vec<TokenStream> = responses.iter().filter(|r| r.status != Status::Default).map(|r| response_arm(op, r, &format, codecs)).collect();
    if let Some(arm) = undocumented_success(op, &format, codecs) {
        arms.push(arm);
    }
    arms.extend(responses.iter().filter(|r| r.status == Status::Default).map(|r| response_arm(op, r, &format, codecs)));
    if !op.responses.iter().any(|r| r.status == Status::Default) {
        arms.push(quote!(_ => ::std::result::Result::Err(response.unexpected())));
    }
    // Only `default` documented: no status to tell apart, so no `match` at all; without a body
    // the response is not looked at either.
    let dispatch = match (responses.as_slice(), op.responses.iter().any(|r| !r.is_error)) {
        ([only], true) if only.status == Status::Default => response_expr(op, only, &format, codecs),
        _ => quote! {
            match response.status().as_u16() {
                #(#arms,)*
            }
        },
    };
    let retry = op.retries.as_ref().map(|r| {
        let (i, m, e, x, c) = (r.initial_interval_ms, r.max_interval_ms, r.max_elapsed_ms, r.exponent, r.connection_errors);
        let ranges = r.statuses.iter().map(|(lo, hi)| quote!((#lo, #hi)));
        quote! {
            const RETRY: crate::runtime::Retry = crate::runtime::Retry {
                initial_interval_ms: #i,
                max_interval_ms: #m,
                max_elapsed_ms: #e,
                exponent: #x,
                statuses: &[#(#ranges),*],
                connection_errors: #c,
            };
            let call = call.retry(RETRY);
        }
    });
    let timeout = op.timeout_ms.map(|ms| quote!(let call = call.timeout_ms(#ms);));
    let session = op.session.map(|role| {
        let role = match role {
            SessionRole::Issues => quote!(Issues),
            SessionRole::Ends => quote!(Ends),
        };
        quote!(let call = call.session(crate::runtime::SessionRole::#role);)
    });
    let into_call = quote! {
        #[doc = " The call as the runtime sends it."]
        fn into_call(self) -> crate::runtime::Call {
            let call = crate::runtime::Call::new(::reqwest::Method::#method, #path)
                .operation(#op_id)
                #(#params)*
                .security(#security);
            #retry
            #timeout
            #session
            #body
            call.options(self.options)
        }
    };
    // Successes documented without a body: one sent anyway is kept, not dropped.
    let unread = if matches!(op.success, Success::Single { ty: None }) {
        quote!(let unread_body = response.unread_body();)
    } else {
        quote!(let unread_body = ::std::option::Option::None;)
    };
    let decode = quote! {
        #[doc = " The documented meaning of a response."]
        fn decode(response: crate::runtime::RawResponse) -> ::std::result::Result<crate::Response<#ok>, crate::Error<crate::errors::#err>> {
            let (status, headers) = (response.status(), response.headers().clone());
            #unread
            let body: ::std::result::Result<#ok, crate::Error<crate::errors::#err>> = #dispatch;
            body.map(|body| crate::Response { status, headers, body, unread_body })
        }
    };
    (into_call, decode)
}

/// `pages()` and `items()` of an operation with `x-speakeasy-pagination`.
fn paging(op: &Operation, p: &Pagination) -> TokenStream {
    let ok = ok_type(op);
    let err = ident(&op.error_enum);
    let steps = |path: &Option<Vec<PathStep>>| match path {
        Some(path) => {
            let steps = path.iter().map(|s| match s {
                PathStep::Key(k) => quote!(crate::runtime::Step::Key(#k)),
                PathStep::Index(i) => quote!(crate::runtime::Step::Index(#i)),
            });
            quote!(::std::option::Option::Some(&[#(#steps),*]))
        }
        None => quote!(::std::option::Option::None),
    };
    let input = |i: &Option<PageInput>| match i {
        Some(PageInput { name, place }) => {
            let place = match place {
                InputPlace::Query => quote!(Query),
                InputPlace::Header => quote!(Header),
                InputPlace::Body => quote!(Body),
            };
            quote!(::std::option::Option::Some(crate::runtime::Input { name: #name, place: crate::runtime::InputPlace::#place }))
        }
        None => quote!(::std::option::Option::None),
    };
    let kind = match p.kind {
        PaginationKind::OffsetLimit => quote!(OffsetLimit),
        PaginationKind::Cursor => quote!(Cursor),
        PaginationKind::Url => quote!(Url),
    };
    let (page, offset, limit, cursor) = (input(&p.page), input(&p.offset), input(&p.limit), input(&p.cursor));
    let (results, num_pages, next_cursor, next_url) = (steps(&p.results), steps(&p.num_pages), steps(&p.next_cursor), steps(&p.next_url));
    let item = p.item.as_ref().map_or(quote!(::serde_json::Value), type_tokens);
    let ends = match p.kind {
        PaginationKind::OffsetLimit => "a page without items, a page shorter than the limit sent, or the last page number",
        PaginationKind::Cursor => "a response without a next cursor (or with the same one)",
        PaginationKind::Url => "a response without a next URL",
    };
    let pages_doc = format!(" Every page, starting with this request's, until {ends}. An error ends the stream after it is yielded.");
    let items_doc = " Every item of every page, in order (see [`pages`](Self::pages) for where it stops).";
    quote! {
        fn pager() -> &'static crate::runtime::Pager {
            static PAGER: crate::runtime::Pager = crate::runtime::Pager {
                kind: crate::runtime::PageKind::#kind,
                page: #page,
                offset: #offset,
                limit: #limit,
                cursor: #cursor,
                results: #results,
                num_pages: #num_pages,
                next_cursor: #next_cursor,
                next_url: #next_url,
            };
            &PAGER
        }
        #[doc = #pages_doc]
        pub fn pages(self) -> impl crate::Stream<Item = ::std::result::Result<crate::Response<#ok>, crate::Error<crate::errors::#err>>> + Send + 'static {
            let core = self.client.core_arc();
            crate::runtime::pages(core, self.into_call(), Self::pager(), Self::decode)
        }
        #[doc = #items_doc]
        pub fn items(self) -> impl crate::Stream<Item = ::std::result::Result<#item, crate::Error<crate::errors::#err>>> + Send + 'static {
            let core = self.client.core_arc();
            crate::runtime::items(core, self.into_call(), Self::pager(), Self::decode)
        }
    }
}

/// Security alternatives as a static slice of the client's scheme constants.
pub(crate) fn security_tokens(security: &[Vec<String>]) -> TokenStream {
    let alts = security.iter().map(|alt| {
        let schemes = alt.iter().map(|c| format_ident!("{}", c));
        quote!(&[#(crate::client::#schemes),*])
    });
    quote!(&[#(#alts),*])
}

/// A multipart body: for a struct, one part per field (files for binary fields); otherwise
/// every property of the serialised value as a text field.
fn multipart(api: &Api, ty: &TypeRef, value: TokenStream, codecs: &Codecs) -> TokenStream {
    let def = match ty {
        TypeRef::Named(n) => api.type_def(n),
        _ => None,
    };
    let Some(TypeDef { kind: TypeKind::Struct { fields, .. }, .. }) = def else {
        return quote!(call.multipart(crate::runtime::Multipart::fields_of(#value)));
    };
    let parts = fields.iter().map(|f| {
        let n = ident(&f.rust_name);
        let wire = &f.wire_name;
        let is_file = matches!(&f.ty, TypeRef::Bytes);
        let is_files = matches!(&f.ty, TypeRef::Vec(inner) if **inner == TypeRef::Bytes);
        match (is_file, is_files, f.is_optional()) {
            (true, _, false) => quote!(parts.file(#wire, &fields.#n);),
            (true, _, true) => quote!(if let ::std::option::Option::Some(file) = &fields.#n { parts.file(#wire, file); }),
            (_, true, false) => quote!(for file in &fields.#n { parts.file(#wire, file); }),
            (_, true, true) => quote!(for file in fields.#n.iter().flatten() { parts.file(#wire, file); }),
            _ => {
                let ty = if f.is_optional() { TypeRef::Option(Box::new(f.ty.clone())) } else { f.ty.clone() };
                let value = codecs.ser(&ty, quote!(&fields.#n));
                quote!(parts.field(#wire, #value);)
            }
        }
    });
    quote!({
        let fields = #value;
        let mut parts = crate::runtime::Multipart::default();
        #(#parts)*
        call.multipart(parts)
    })
}

fn status_pattern(s: Status) -> TokenStream {
    match s {
        Status::Code(c) => {
            let c = proc_macro2::Literal::u16_unsuffixed(c);
            quote!(#c)
        }
        Status::Range(r) => {
            let lo = proc_macro2::Literal::u16_unsuffixed(r * 100);
            let hi = proc_macro2::Literal::u16_unsuffixed(r * 100 + 99);
            quote!(#lo..=#hi)
        }
        Status::Default => quote!(_),
    }
}

fn response_arm(op: &Operation, r: &Response, format: &TokenStream, codecs: &Codecs) -> TokenStream {
    let pat = status_pattern(r.status);
    let expr = response_expr(op, r, format, codecs);
    quote!(#pat => #expr)
}

/// The arm for a 2xx status the document does not describe: a success, decoded as the
/// documented success when the body fits (Prefect answers 201 where 200 is documented). With
/// several documented successes each is tried (JSON types, then text, then an empty body for a
/// success without one, then bytes); when none fits, the first one's decoding error keeps the
/// response whole. No arm when a `2XX` range or a successful `default` already covers them.
fn undocumented_success(op: &Operation, format: &TokenStream, codecs: &Codecs) -> Option<TokenStream> {
    let mut successes: Vec<&Response> = op.responses.iter().filter(|r| !r.is_error).collect();
    successes.sort_by_key(|r| r.status);
    let codes = undocumented_2xx(op);
    if successes.iter().any(|r| matches!(r.status, Status::Range(2) | Status::Default)) || codes.is_empty() {
        return None;
    }
    let Some(first) = successes.first() else {
        return Some(quote!(#(#codes)|* => ::std::result::Result::Ok(())));
    };
    let expr = match &op.success {
        Success::Single { .. } => response_expr(op, first, format, codecs),
        Success::Several { name } => {
            let n = ident(name);
            // The successes with a body of these encodings, with that body.
            let with_body = |enc: &'static [BodyEncoding]| {
                successes.iter().filter_map(move |r| r.body.as_ref().filter(|b| enc.contains(&b.encoding)).map(|b| (*r, b)))
            };
            let json = with_body(&[BodyEncoding::Json, BodyEncoding::Form]).map(|(r, b)| {
                let v = ident(&r.variant);
                let t = type_tokens(&b.ty);
                let fits = if codecs.needs(&b.ty) {
                    let c = codecs.codec(&b.ty);
                    quote!(response.fits::<crate::runtime::formats::De<#c, #t>>().map(crate::runtime::formats::De::into_inner))
                } else {
                    quote!(response.fits::<#t>())
                };
                quote! { if let ::std::option::Option::Some(v) = #fits { break 'fits ::std::result::Result::Ok(crate::types::#n::#v(v)); } }
            });
            let text = with_body(&[BodyEncoding::Text]).next().map(|(r, _)| {
                let v = ident(&r.variant);
                quote! { if let ::std::option::Option::Some(v) = response.fits_text() { break 'fits ::std::result::Result::Ok(crate::types::#n::#v(v)); } }
            });
            let empty = successes.iter().find(|r| r.body.is_none()).map(|r| {
                let v = ident(&r.variant);
                quote! { if response.is_empty() { break 'fits ::std::result::Result::Ok(crate::types::#n::#v); } }
            });
            let last = match with_body(&[BodyEncoding::Bytes, BodyEncoding::Multipart]).next() {
                Some((r, _)) => {
                    let v = ident(&r.variant);
                    quote!(::std::result::Result::Ok(crate::types::#n::#v(response.into_body())))
                }
                None => match successes.iter().find(|r| r.body.is_some()) {
                    Some(r) => response_expr(op, r, format, codecs),
                    None => {
                        let v = ident(&first.variant);
                        quote!(::std::result::Result::Ok(crate::types::#n::#v))
                    }
                },
            };
            quote! {
                'fits: {
                    #(#json)*
                    #text
                    #empty
                    #last
                }
            }
        }
    };
    Some(quote!(#(#codes)|* => #expr))
}

/// The 2xx codes no arm takes, as disjoint patterns (`201..=203 | 205..=299`), so no arm overlaps
/// another (clippy's `match_overlapping_arm`).
fn undocumented_2xx(op: &Operation) -> Vec<TokenStream> {
    let taken: std::collections::BTreeSet<u16> = op.responses.iter().filter_map(|r| match r.status {
        Status::Code(c) if (200..=299).contains(&c) => Some(c),
        _ => None,
    }).collect();
    let mut out = Vec::new();
    let mut start = 200u16;
    for end in taken.iter().copied().chain(std::iter::once(300)) {
        if end > start {
            let (lo, hi) = (proc_macro2::Literal::u16_unsuffixed(start), proc_macro2::Literal::u16_unsuffixed(end - 1));
            out.push(if end - 1 == start { quote!(#lo) } else { quote!(#lo..=#hi) });
        }
        start = end + 1;
    }
    out
}

/// What a documented response becomes: `Ok(decoded)` or `Err(typed error)`.
fn response_expr(op: &Operation, r: &Response, format: &TokenStream, codecs: &Codecs) -> TokenStream {
    let v = ident(&r.variant);
    if r.is_error {
        let e = ident(&op.error_enum);
        let path = quote!(crate::errors::#e::#v);
        let expr = match r.body.as_ref().map(|b| b.encoding) {
            Some(BodyEncoding::Json | BodyEncoding::Form) => {
                let u = ident(op.undecoded_variant.as_deref().unwrap_or("Undecoded"));
                match r.body.as_ref().filter(|b| codecs.needs(&b.ty)) {
                    Some(b) => {
                        let c = codecs.codec(&b.ty);
                        quote!(response.api_error(|body: crate::runtime::formats::De<#c, _>| #path(body.into_inner()), crate::errors::#e::#u))
                    }
                    None => quote!(response.api_error(#path, crate::errors::#e::#u)),
                }
            }
            Some(BodyEncoding::Text) => quote!(response.api_error_text(#path)),
            Some(BodyEncoding::Bytes | BodyEncoding::Multipart) => quote!(response.api_error_bytes(#path)),
            None => quote!(response.api_error_without_body(#path)),
        };
        return quote!(::std::result::Result::Err(#expr));
    }
    let decoded = match r.body.as_ref().map(|b| b.encoding) {
        _ if r.event_stream.is_some() && event_stream(op).is_some() => {
            quote!(::std::result::Result::Ok(crate::runtime::EventStream::from_raw(response, #format)))
        }
        Some(BodyEncoding::Json | BodyEncoding::Form) => match r.body.as_ref().filter(|b| codecs.needs(&b.ty)) {
            Some(b) => {
                let c = codecs.codec(&b.ty);
                quote!(response.json().map(crate::runtime::formats::De::<#c, _>::into_inner))
            }
            None => quote!(response.json()),
        },
        Some(BodyEncoding::Text) => quote!(response.into_text()),
        Some(BodyEncoding::Bytes | BodyEncoding::Multipart) => quote!(::std::result::Result::Ok(response.into_body())),
        None => quote!(::std::result::Result::Ok(())),
    };
    match &op.success {
        Success::Several { name } => {
            let n = ident(name);
            match r.body.as_ref().map(|b| b.encoding) {
                // Bytes cannot fail to decode: the variant wraps them directly (clippy's
                // `unnecessary_map_on_constructor` refuses `Ok(..).map(..)`).
                Some(BodyEncoding::Bytes | BodyEncoding::Multipart) if r.event_stream.is_none() || event_stream(op).is_none() => {
                    quote!(::std::result::Result::Ok(crate::types::#n::#v(response.into_body())))
                }
                Some(_) => quote!(#decoded.map(crate::types::#n::#v)),
                None => quote!(::std::result::Result::Ok(crate::types::#n::#v)),
            }
        }
        Success::Single { .. } => decoded,
    }
}

/// A group's module file (`src/pos.rs`).
pub fn group_file(api: &Api, g: &Group, codecs: &Codecs) -> TokenStream {
    let handle = ident(&g.handle);
    let module_doc = g.doc.clone().filter(|d| !d.trim().is_empty()).unwrap_or_else(|| format!("Operations of the `{}` group.", g.wire_name));
    let inner = super::util::inner_docs(&module_doc);
    let handle_doc = format!(" The `{}` group of operations; get it from its parent with `.{}()`.", g.wire_name, g.module);
    let submods = g.groups.iter().map(|c| {
        let m = ident(&c.module);
        let d = docs_or(c.doc.as_deref(), &format!("Operations of the `{}` group.", c.wire_name));
        quote!(#d pub mod #m;)
    });
    let (methods, builders) = group_items(api, g, codecs);
    quote! {
        #inner
        #(#submods)*
        #[doc = #handle_doc]
        #[derive(Clone, Debug)]
        pub struct #handle {
            client: crate::Client,
        }
        impl #handle {
            pub(crate) fn new(client: crate::Client) -> Self {
                Self { client }
            }
            fn client(&self) -> crate::Client {
                self.client.clone()
            }
            #methods
        }
        #builders
    }
}
