//! `src/client.rs`: `Client`, `ClientBuilder`, `Server` and the security scheme constants.

use super::util::{docs, ident};
use crate::ir::jsonpath::PathStep;
use crate::ir::{Api, ApiKeyLocation, SecurityKind, SecurityScheme, Server};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The whole `client` module.
pub fn client_file(api: &Api, codecs: &super::formats::Codecs) -> TokenStream {
    let schemes = api.security_schemes.iter().map(scheme_const);
    let server = server_enum(&api.servers);
    let setters: Vec<TokenStream> =
        api.security_schemes.iter().flat_map(|s| [Some(scheme_setter(s, true)), client_credentials_setter(s, true)]).flatten().collect();
    let option_setters: Vec<TokenStream> =
        api.security_schemes.iter().flat_map(|s| [Some(scheme_setter(s, false)), client_credentials_setter(s, false)]).flatten().collect();
    let option_impl = (!option_setters.is_empty()).then(|| {
        quote! {
            /// Credentials for one call, overriding the client's (see [`RequestOptions`](crate::RequestOptions)).
            impl crate::RequestOptions {
                #(#option_setters)*
            }
        }
    });
    let global_setters = api.globals.iter().map(|g| {
        let setter = ident(&g.setter);
        let key = g.key();
        let place = match g.location {
            crate::ir::ParamLocation::Query => "query parameter",
            crate::ir::ParamLocation::Header => "header",
            _ => "path parameter",
        };
        let mut text = format!("Sends the `{}` {place} on every call that takes it (a call's own value wins).", g.wire_name);
        if let Some(d) = &g.doc {
            text.push_str("\n\n");
            text.push_str(d);
        }
        let doc = docs(Some(&text));
        let (arg, value) = if g.ty == crate::ir::TypeRef::String {
            (quote!(value: impl ::std::convert::Into<::std::string::String>), quote!(::serde_json::Value::String(value.into())))
        } else {
            let t = super::util::type_tokens(&g.ty);
            (quote!(value: #t), quote!(::serde_json::to_value(value).unwrap_or(::serde_json::Value::Null)))
        };
        quote! {
            #doc
            pub fn #setter(mut self, #arg) -> Self {
                self.core.global(#key, #value);
                self
            }
        }
    });
    let session = session(api);
    let (session_const, session_setup, session_builder, session_client) =
        session.map_or((None, None, None, None), |(a, b, c, d)| (Some(a), Some(b), Some(c), Some(d)));
    let default_url = if api.servers.is_empty() {
        quote!(self.server.map(|s| s.url()))
    } else {
        quote!(::std::option::Option::Some(self.server.unwrap_or_default().url()))
    };
    let user_agent = format!("{}/{}", api.crate_name, api.crate_version);
    let (methods, builders) = super::groups::group_items(api, &api.root, codecs);
    let title = &api.info.title;
    let client_doc = format!(" A client of the {title}.\n\n Cheap to clone: clones share one connection pool and configuration.");
    let client_doc = docs(Some(client_doc.trim_start()));
    quote! {
        #![doc = " The client, its builder, and the API's servers."]
        use crate::runtime::{BuildError, Core, CoreBuilder};
        #[allow(unused_imports)]
        use crate::runtime::{KeyLocation, Scheme};
        use ::std::sync::Arc;

        #(#schemes)*

        #session_const

        #server

        #option_impl

        #client_doc
        #[derive(Clone)]
        pub struct Client {
            core: Arc<Core>,
        }

        impl ::std::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.core, f)
            }
        }

        impl Client {
            #[doc = " A builder to configure the server, credentials and HTTP settings."]
            pub fn builder() -> ClientBuilder {
                let mut core = CoreBuilder::default();
                core.user_agent(#user_agent.to_string());
                #session_setup
                ClientBuilder { core, server: ::std::option::Option::None }
            }

            #[doc = " The base URL requests are sent to."]
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }

            // Unused by a document without operations.
            #[allow(dead_code)]
            pub(crate) fn core(&self) -> &Core {
                &self.core
            }

            #[allow(dead_code)]
            pub(crate) fn core_arc(&self) -> Arc<Core> {
                self.core.clone()
            }

            #[allow(dead_code)]
            fn client(&self) -> Client {
                self.clone()
            }

            #session_client

            #methods
        }

        #[doc = " Configures a [`Client`]. Credentials are optional; each call sends the ones its"]
        #[doc = " operation requires."]
        #[derive(Clone, Debug)]
        #[must_use]
        pub struct ClientBuilder {
            core: CoreBuilder,
            server: ::std::option::Option<Server>,
        }

        impl ClientBuilder {
            #[doc = " The server to send requests to (the first server of the document when unset)."]
            pub fn server(mut self, server: Server) -> Self {
                self.server = ::std::option::Option::Some(server);
                self
            }

            #[doc = " A base URL that replaces the server's, for tests and proxies"]
            #[doc = " (`http://127.0.0.1:8080/api/v1/store_123/storefront`). When the document's server URL"]
            #[doc = " is relative (`/api`), a base URL that is only an origin (`http://127.0.0.1:8080`) gets"]
            #[doc = " the server's path (`http://127.0.0.1:8080/api`); one with a path is used as given."]
            pub fn base_url(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.core.base_url(url.into());
                self
            }

            #(#setters)*

            #(#global_setters)*

            #[doc = " Uses this `reqwest` client (for proxies, custom TLS or connection settings)."]
            pub fn http_client(mut self, client: ::reqwest::Client) -> Self {
                self.core.http_client(client);
                self
            }

            #[doc = " Runs this hook around every request (after those added before): it may change each"]
            #[doc = " request before it is sent and sees each response before it is interpreted."]
            pub fn hook(mut self, hook: impl crate::Hooks) -> Self {
                self.core.hook(::std::sync::Arc::new(hook));
                self
            }

            #[doc = " Sends this header with every request, unless a call sets it itself: for what the"]
            #[doc = " document does not declare (an `Authorization` the server wants, a tenant, tracing)."]
            #[doc = " An invalid name or value fails [`build`](Self::build)."]
            pub fn header(mut self, name: impl ::std::convert::Into<::std::string::String>, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.core.header(name.into(), value.into());
                self
            }

            #[doc = " Never retry, whatever `x-speakeasy-retries` says."]
            pub fn no_retries(mut self) -> Self {
                self.core.no_retries();
                self
            }

            #[doc = " A timeout for each whole request (a call's `RequestOptions::timeout` overrides it;"]
            #[doc = " it overrides the operations' `x-speakeasy-timeout`)."]
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.core.timeout(timeout);
                self
            }

            #session_builder

            #[doc = " Builds the client. Fails when the base URL is not a valid http(s) URL."]
            pub fn build(self) -> ::std::result::Result<Client, BuildError> {
                let default_url = #default_url;
                let core = self.core.build(default_url)?;
                ::std::result::Result::Ok(Client { core: Arc::new(core) })
            }
        }

        #builders
    }
}

fn scheme_const(s: &SecurityScheme) -> TokenStream {
    let name = format_ident!("{}", s.const_name);
    let id = &s.wire_name;
    let value = match &s.kind {
        SecurityKind::Bearer => quote!(Scheme::Bearer { id: #id }),
        SecurityKind::Basic => quote!(Scheme::Basic { id: #id }),
        SecurityKind::OAuth2 { token_url, scopes } => quote!(Scheme::OAuth2 { id: #id, token_url: #token_url, scopes: &[#(#scopes),*] }),
        SecurityKind::ApiKey { location, name } => {
            let loc = match location {
                ApiKeyLocation::Header => quote!(KeyLocation::Header),
                ApiKeyLocation::Query => quote!(KeyLocation::Query),
                ApiKeyLocation::Cookie => quote!(KeyLocation::Cookie),
            };
            quote!(Scheme::ApiKey { id: #id, location: #loc, name: #name })
        }
    };
    let doc = format!(" The `{id}` security scheme.");
    quote! {
        #[doc = #doc]
        pub(crate) const #name: Scheme = #value;
    }
}

/// The session's constant, its registration on the builder, the builder's setters and the
/// client's accessors, when the API has sessions.
fn session(api: &Api) -> Option<(TokenStream, TokenStream, TokenStream, TokenStream)> {
    let session = api.session.as_ref()?;
    let steps = |path: &[PathStep]| {
        let steps = path.iter().map(|s| match s {
            PathStep::Key(k) => quote!(crate::runtime::Step::Key(#k)),
            PathStep::Index(i) => quote!(crate::runtime::Step::Index(#i)),
        });
        quote!(&[#(#steps),*])
    };
    let scheme = &session.scheme_id;
    let access = steps(&session.access_token);
    let refresh_token = match &session.refresh_token {
        Some(p) => {
            let p = steps(p);
            quote!(::std::option::Option::Some(#p))
        }
        None => quote!(::std::option::Option::None),
    };
    let refresh = match &session.refresh {
        Some(r) => {
            let (method, path, field) = (&r.method, &r.path, &r.field);
            let security = super::groups::security_tokens(&r.security);
            quote!(::std::option::Option::Some(crate::runtime::RefreshSpec { method: #method, path: #path, security: #security, field: #field }))
        }
        None => quote!(::std::option::Option::None),
    };
    let constant = quote! {
        #[doc = " How this API's sessions work (`x-sdkforge-session`)."]
        pub(crate) static SESSION: crate::runtime::SessionSpec = crate::runtime::SessionSpec {
            scheme: #scheme,
            access_token: #access,
            refresh_token: #refresh_token,
            refresh: #refresh,
        };
    };
    let setup = quote!(core.session(&SESSION););
    let scheme_doc = format!(" tokens sent as the `{scheme}` scheme.");
    let builder = quote! {
        #[doc = " Keeps the session's tokens in this store (memory by default), so an application can"]
        #[doc = " persist them and stay logged in across restarts."]
        pub fn token_store(mut self, store: impl crate::TokenStore) -> Self {
            self.core.token_store(::std::sync::Arc::new(store));
            self
        }

        #[doc = " Starts with these session tokens (for example ones saved by an earlier run)."]
        pub fn session_tokens(mut self, tokens: crate::SessionTokens) -> Self {
            self.core.session_tokens(tokens);
            self
        }
    };
    let client = quote! {
        #[doc = " The tokens of the current session, if one is open: calls that need it are signed with"]
        #[doc = #scheme_doc]
        pub fn session_tokens(&self) -> ::std::option::Option<crate::SessionTokens> {
            self.core.session().and_then(|s| s.tokens())
        }

        #[doc = " Replaces the session's tokens (`None` ends the session on this client without a call)."]
        pub fn set_session_tokens(&self, tokens: ::std::option::Option<crate::SessionTokens>) {
            if let ::std::option::Option::Some(s) = self.core.session() {
                s.set_tokens(tokens);
            }
        }
    };
    Some((constant, setup, builder, client))
}

/// The client credentials setter of an OAuth2 scheme with that flow.
fn client_credentials_setter(s: &SecurityScheme, on_builder: bool) -> Option<TokenStream> {
    let setter = ident(s.client_credentials_setter.as_deref()?);
    let SecurityKind::OAuth2 { token_url, .. } = &s.kind else { return None };
    let id = &s.wire_name;
    let doc = docs(Some(&format!(
        "The client id and secret for the `{id}` OAuth2 scheme: the client exchanges them at `{token_url}` for an access token (client credentials flow), caches it, and fetches a new one before it expires."
    )));
    let args = quote!(client_id: impl ::std::convert::Into<::std::string::String>, client_secret: impl ::std::convert::Into<::std::string::String>);
    let secret = quote!(crate::runtime::Secret::ClientCredentials { client_id: client_id.into(), client_secret: client_secret.into() });
    Some(if on_builder {
        quote! {
            #doc
            pub fn #setter(mut self, #args) -> Self {
                self.core.credential(#id, #secret);
                self
            }
        }
    } else {
        quote! {
            #doc
            pub fn #setter(self, #args) -> Self {
                self.credential(#id, #secret)
            }
        }
    })
}

/// The credential setter of a scheme, on the `ClientBuilder` or on `RequestOptions`.
fn scheme_setter(s: &SecurityScheme, on_builder: bool) -> TokenStream {
    let setter = ident(&s.setter);
    let id = &s.wire_name;
    let what = match &s.kind {
        SecurityKind::Bearer => format!("The bearer token for the `{id}` scheme (sent as `Authorization: Bearer <token>`)."),
        SecurityKind::Basic => format!("The user name and password for the `{id}` scheme (HTTP basic auth)."),
        SecurityKind::OAuth2 { .. } => format!("An access token for the `{id}` OAuth2 scheme (sent as `Authorization: Bearer <token>`), instead of client credentials."),
        SecurityKind::ApiKey { location, name } => {
            let place = match location {
                ApiKeyLocation::Header => "header",
                ApiKeyLocation::Query => "query parameter",
                ApiKeyLocation::Cookie => "cookie",
            };
            format!("The API key for the `{id}` scheme (sent in the `{name}` {place}).")
        }
    };
    let mut text = what;
    if let Some(d) = &s.description {
        text.push_str("\n\n");
        text.push_str(d);
    }
    let doc = docs(Some(&text));
    let (args, secret) = match &s.kind {
        SecurityKind::Basic => (
            quote!(user: impl ::std::convert::Into<::std::string::String>, password: impl ::std::convert::Into<::std::string::String>),
            quote!(crate::runtime::Secret::Basic { user: user.into(), password: password.into() }),
        ),
        _ => (quote!(value: impl ::std::convert::Into<::std::string::String>), quote!(crate::runtime::Secret::Token(value.into()))),
    };
    if on_builder {
        quote! {
            #doc
            pub fn #setter(mut self, #args) -> Self {
                self.core.credential(#id, #secret);
                self
            }
        }
    } else {
        quote! {
            #doc
            pub fn #setter(self, #args) -> Self {
                self.credential(#id, #secret)
            }
        }
    }
}

fn server_enum(servers: &[Server]) -> TokenStream {
    let variants = servers.iter().map(|s| {
        let v = ident(&s.variant);
        let mut text = s.description.clone().unwrap_or_else(|| s.variant.clone());
        text.push_str(&format!("\n\n`{}`", s.url));
        let doc = docs(Some(&text));
        if s.variables.is_empty() {
            quote!(#doc #v)
        } else {
            let fields = s.variables.iter().map(|var| {
                let f = ident(&var.rust_name);
                let mut t = var.description.clone().unwrap_or_else(|| format!("The `{}` variable.", var.wire_name));
                t.push_str(&format!("\n\nDefault: `{}`.", var.default));
                if !var.allowed.is_empty() {
                    t.push_str(&format!(" One of: {}.", var.allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")));
                }
                let d = docs(Some(&t));
                match &var.choices {
                    Some(c) => {
                        let e = ident(&c.name);
                        quote!(#d #f: #e)
                    }
                    None => quote!(#d #f: ::std::string::String),
                }
            });
            quote!(#doc #v { #(#fields,)* })
        }
    });
    let url_arms = servers.iter().map(|s| {
        let v = ident(&s.variant);
        let url = &s.url;
        if s.variables.is_empty() {
            quote!(Self::#v => #url.to_string())
        } else {
            let names: Vec<_> = s.variables.iter().map(|var| ident(&var.rust_name)).collect();
            let wires = s.variables.iter().map(|var| &var.wire_name);
            // A string for free variables, the value's text for enum ones: `as_str()` for both.
            quote!(Self::#v { #(#names),* } => crate::runtime::expand_template(#url, &[#((#wires, #names.as_str())),*]))
        }
    });
    let default = servers.first().map(|s| {
        let v = ident(&s.variant);
        let body = if s.variables.is_empty() {
            quote!(Self::#v)
        } else {
            let inits = s.variables.iter().map(|var| {
                let f = ident(&var.rust_name);
                match &var.choices {
                    Some(c) => {
                        let (e, v) = (ident(&c.name), ident(&c.default_variant));
                        quote!(#f: #e::#v)
                    }
                    None => {
                        let d = &var.default;
                        quote!(#f: #d.to_string())
                    }
                }
            });
            quote!(Self::#v { #(#inits,)* })
        };
        quote! {
            impl ::std::default::Default for Server {
                #[doc = " The first server of the document, with its variables' defaults."]
                fn default() -> Self {
                    #body
                }
            }
        }
    });
    if servers.is_empty() {
        return quote! {
            #[doc = " The document lists no servers: set one with [`ClientBuilder::base_url`]."]
            #[derive(Clone, Debug, PartialEq, Eq)]
            pub enum Server {}
            impl Server {
                #[doc = " The base URL of this server."]
                pub fn url(&self) -> ::std::string::String {
                    match *self {}
                }
            }
        };
    }
    let mut seen = std::collections::BTreeSet::new();
    let choice_enums = servers.iter().flat_map(|s| &s.variables).filter_map(|var| var.choices.as_ref().map(|c| (var, c))).filter(|(_, c)| seen.insert(c.name.clone())).map(|(var, c)| {
        let e = ident(&c.name);
        let doc = format!(" The values of the server variable `{}`.", var.wire_name);
        let variants = c.variants.iter().map(|v| {
            let n = ident(&v.rust_name);
            let d = format!(" `{}`", v.wire_value);
            quote!(#[doc = #d] #n)
        });
        let arms = c.variants.iter().map(|v| {
            let n = ident(&v.rust_name);
            let w = &v.wire_value;
            quote!(Self::#n => #w)
        });
        let default = ident(&c.default_variant);
        quote! {
            #[doc = #doc]
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum #e { #(#variants,)* }
            impl #e {
                #[doc = " The value as it goes into the URL."]
                pub fn as_str(&self) -> &'static str {
                    match self { #(#arms,)* }
                }
            }
            impl ::std::default::Default for #e {
                #[doc = " The document's default."]
                fn default() -> Self {
                    Self::#default
                }
            }
        }
    });
    quote! {
        #(#choice_enums)*
        #[doc = " The servers of the API."]
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Server {
            #(#variants,)*
        }
        impl Server {
            #[doc = " The base URL of this server, with its variables filled in (percent-encoded)."]
            pub fn url(&self) -> ::std::string::String {
                match self {
                    #(#url_arms,)*
                }
            }
        }
        #default
    }
}
