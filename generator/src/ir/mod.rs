//! The intermediate representation: what the generated crate will contain, as plain data.
//!
//! Lowering ([`lower`]) turns a resolved OpenAPI document into an [`Api`]; the emitters turn an
//! [`Api`] into Rust tokens. The IR holds no tokens, is fully serialisable (`sdkforge inspect`
//! prints it, the tests snapshot it) and is ordered deterministically: operations in document
//! order, types sorted by name, every map a `BTreeMap`. Every Rust name in it is already a valid,
//! collision-free identifier, and every wire name is kept beside it.

pub mod dedupe;
pub mod globals;
pub mod jsonpath;
pub mod naming;
mod operations;
pub mod pagination;
pub mod session;
pub mod speakeasy;
mod types;
pub mod webhooks;

use serde::{Deserialize, Serialize};

pub use operations::{CrateNames, input_example_names, lower};
pub use webhooks::{Webhook, WebhookTag};

/// The crate names lowering needs, from the configuration and the spec's file name.
pub fn crate_names(config: &crate::Config) -> CrateNames {
    CrateNames {
        crate_name: config.crate_name.clone(),
        lib_name: config.lib_name(),
        crate_version: config.crate_version.clone(),
        source_name: config.spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        formats: config.types,
    }
}

/// Everything the generated crate will contain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Api {
    /// Cargo package name (`commerce-engine-pos`).
    pub crate_name: String,
    /// Rust library name (`commerce_engine_pos`).
    pub lib_name: String,
    /// Version of the generated package.
    pub crate_version: String,
    /// File name of the OpenAPI document, for headers (never a full path: output must not
    /// depend on where the checkout is).
    pub source_name: String,
    /// `info` of the document.
    pub info: Info,
    /// `servers`, in document order.
    pub servers: Vec<Server>,
    /// Security schemes used by at least one operation, sorted by wire name.
    pub security_schemes: Vec<SecurityScheme>,
    /// The tree of namespaces; the root holds operations without a group or tag.
    pub root: Group,
    /// Every generated operation, in document order.
    pub operations: Vec<Operation>,
    /// Every named type, sorted by name.
    pub types: Vec<TypeDef>,
    /// Parameters set once on the client (`x-speakeasy-globals`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub globals: Vec<globals::Global>,
    /// Tokens the API issues itself (`x-sdkforge-session`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<session::Session>,
    /// Hand-written modules of the crate (`modules` in sdkforge.toml), declared in `lib.rs`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_modules: Vec<String>,
    /// The crates the typed formats need (`chrono` for dates, ...), sorted: the generated crate
    /// depends on these only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub format_crates: Vec<FormatCrate>,
    /// The requests the API sends to its users' servers (3.1 `webhooks`, 3.0 `x-webhooks`), in
    /// document order: the generated `webhooks` module's events.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub webhooks: Vec<Webhook>,
    /// Whether the types derive serde's `Serialize` and `Deserialize` (`serde = "derive"` in sdkforge.toml)
    /// rather than the compact impls of `runtime::wire` (the default, quicker to compile).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub derive_serde: bool,
}

/// A crate a typed format brings into the generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormatCrate {
    /// `chrono`: `date-time` and `date`.
    Chrono,
    /// `uuid`.
    Uuid,
    /// `base64`: `byte`.
    Base64,
    /// `rust_decimal`: `decimal` (opt-in).
    RustDecimal,
}

/// Which formats get their own Rust type (`[types]` in sdkforge.toml); a format switched off is
/// the wire type (`String`, `f64`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormatPolicy {
    /// `date-time` → `chrono::DateTime<Utc>`.
    pub date_time: bool,
    /// `date` → `chrono::NaiveDate`.
    pub date: bool,
    /// `uuid` → `uuid::Uuid`.
    pub uuid: bool,
    /// `byte` → base64 `Vec<u8>`.
    pub byte: bool,
    /// `type: string` with an integer format → the integer, carried as a string.
    pub int_string: bool,
    /// `decimal` → `rust_decimal::Decimal` (off unless asked for).
    pub decimal: bool,
}

impl Default for FormatPolicy {
    fn default() -> Self {
        Self { date_time: true, date: true, uuid: true, byte: true, int_string: true, decimal: false }
    }
}

impl Api {
    /// The definition of a named type, through aliases of other named types (an alias is its
    /// target exactly: see [`dedupe`]).
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        let mut def = self.types.iter().find(|d| d.name == name)?;
        // At most once per type: a chain of aliases cannot be longer.
        for _ in 0..self.types.len() {
            match &def.kind {
                TypeKind::Alias { target: TypeRef::Named(next) } => def = self.types.iter().find(|d| &d.name == next)?,
                _ => return Some(def),
            }
        }
        Some(def)
    }

    /// Rewrites every JSON pointer in the IR (types' and operations' places), e.g. back to the
    /// original document after [`crate::normalise31`] moved nodes.
    pub fn map_pointers(&mut self, map: impl Fn(&str) -> String) {
        for t in &mut self.types {
            t.pointer = map(&t.pointer);
        }
        for op in &mut self.operations {
            op.pointer = map(&op.pointer);
        }
        for w in &mut self.webhooks {
            w.pointer = map(&w.pointer);
        }
    }

    /// The name of the generated module of webhook events, when the document has webhooks:
    /// `webhooks`, or `webhook_events` when a group of operations (commonly the API's own
    /// management of webhook endpoints) has the module `webhooks`.
    pub fn webhooks_module(&self) -> Option<&'static str> {
        if self.webhooks.is_empty() {
            return None;
        }
        let taken = |m: &str| self.root.groups.iter().any(|g| naming::unraw(&g.module) == m) || self.custom_modules.iter().any(|c| c == m);
        Some(if taken("webhooks") { "webhook_events" } else { "webhooks" })
    }
}

/// `info` of the document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Info {
    /// API title.
    pub title: String,
    /// API version (`info.version`), not the crate version.
    pub version: String,
    /// API description (Markdown).
    pub description: Option<String>,
    /// A one-line summary of the API (OpenAPI 3.1 `info.summary`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// One entry of `servers`, as a variant of the generated `Server` enum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Server {
    /// Variant name (`Staging`), from `x-speakeasy-server-id`, the description, or the position.
    pub variant: String,
    /// URL template (`https://x/{store_id}`).
    pub url: String,
    /// `description`.
    pub description: Option<String>,
    /// Template variables, in document order.
    pub variables: Vec<ServerVariable>,
}

/// A server URL template variable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerVariable {
    /// Name in the template.
    pub wire_name: String,
    /// Field name in the `Server` variant.
    pub rust_name: String,
    /// `default`.
    pub default: String,
    /// `enum`, the allowed values (empty when any value is allowed).
    pub allowed: Vec<String>,
    /// `description`.
    pub description: Option<String>,
    /// With an `enum`: the Rust enum of its values (in `client`, exported at the crate root), and
    /// the variant of the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<ServerChoices>,
}

/// The values a server variable may take, as a Rust enum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerChoices {
    /// The enum's name (`Region`).
    pub name: String,
    /// One variant per value, in document order (the default first when the document left it out).
    pub variants: Vec<Variant>,
    /// The variant of `default`.
    pub default_variant: String,
}

/// A security scheme that some operation requires.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecurityScheme {
    /// Key under `components.securitySchemes`.
    pub wire_name: String,
    /// Name of the constant describing it in the generated client (`X_API_KEY`).
    pub const_name: String,
    /// Name of the `ClientBuilder` method that sets its credential (`api_key`).
    pub setter: String,
    /// For OAuth2 with a client credentials flow: the method that sets the client id and
    /// secret (`client_credentials`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_credentials_setter: Option<String>,
    /// How the credential is sent.
    pub kind: SecurityKind,
    /// `description`.
    pub description: Option<String>,
}

/// How a credential is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SecurityKind {
    /// `Authorization: Bearer <token>` (HTTP bearer, and for now OAuth2 and OpenID Connect).
    Bearer,
    /// `Authorization: Basic base64(user:password)`.
    Basic,
    /// OAuth2 with a client credentials flow: a bearer token, given or fetched from the token
    /// URL with a client id and secret.
    #[serde(rename = "oauth2")]
    OAuth2 {
        /// `flows.clientCredentials.tokenUrl`.
        token_url: String,
        /// Scopes the operations require of this scheme, sorted.
        scopes: Vec<String>,
    },
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// Where it goes.
        location: ApiKeyLocation,
        /// The header, parameter or cookie name.
        name: String,
    },
}

/// Where an API key goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// A namespace of methods (`client.pos()`), from `x-speakeasy-group` or tags.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The group segment as written (`pos`, `benefit-grants`); empty for the root.
    pub wire_name: String,
    /// Accessor method and module name (`pos`).
    pub module: String,
    /// Handle type name (`Pos`).
    pub handle: String,
    /// Module path from the crate root (`["customers", "members"]`).
    pub path: Vec<String>,
    /// Docs, from the tag of the same name when there is one.
    pub doc: Option<String>,
    /// Operations in this group, by operation id, in document order.
    pub operations: Vec<String>,
    /// Nested groups, sorted by module name.
    pub groups: Vec<Group>,
}

/// One operation: one method on a group handle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// `operationId`, or a name made from the method and path when there is none.
    pub id: String,
    /// Where it is (`#/paths/~1pos~1auth~1logout/post`).
    pub pointer: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template (`/pos/{id}`).
    pub path: String,
    /// Method name (`logout`).
    pub method_name: String,
    /// Prefix of the names of types made for this operation (`PosLogout`).
    pub type_prefix: String,
    /// Request builder type name, in the module of the first group (`LogoutRequest`).
    pub builder: String,
    /// Module paths of the groups the method is on; the first holds the builder.
    pub groups: Vec<Vec<String>>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// `externalDocs`.
    pub external_docs: Option<ExternalDocs>,
    /// Parameters, required first, each group in document order.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// Documented responses, in document order.
    pub responses: Vec<Response>,
    /// What a successful call returns.
    pub success: Success,
    /// Name of the error enum in `errors` (`PosLogoutError`).
    pub error_enum: String,
    /// The variant of the error enum for a documented error status whose body does not match
    /// its documented type (`Undecoded`); present when some documented error has a JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undecoded_variant: Option<String>,
    /// With `x-speakeasy-max-method-params` exceeded: the struct in `types` that carries the
    /// required parameters and the body as the method's single argument.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params_struct: Option<String>,
    /// The retry policy (`x-speakeasy-retries` of the operation, else of the document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<speakeasy::Retries>,
    /// Headers documented on the success responses, as the fields of the `…Headers` struct in
    /// `types` named here (`None` when no success response documents a header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers_struct: Option<String>,
    /// Alternatives of security requirements: each inner list names schemes (by constant name)
    /// that are all sent together; an empty inner list means "no credentials needed".
    pub security: Vec<Vec<String>>,
    /// What a success does to the session (`x-sdkforge-session`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<session::SessionRole>,
    /// Request timeout in milliseconds (`x-speakeasy-timeout` of the operation, else of the
    /// document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// How its pages follow each other (`x-speakeasy-pagination`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<pagination::Pagination>,
    /// JSON or an event stream by a body field (`stream: true`): a second method for the stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_overload: Option<StreamOverload>,
}

/// An operation that answers JSON or `text/event-stream` depending on a boolean field of its
/// request body (Speakeasy's SSE overload; `x-speakeasy-stream-request-field` names the field,
/// `stream` by default): `send()` sets the field false and returns the JSON, the stream method
/// sets it true and returns the typed events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StreamOverload {
    /// The builder's method that returns the events (`stream`, or `send_stream` when a
    /// parameter's setter is called `stream`).
    pub method: String,
    /// The events' type (the `text/event-stream` schema's).
    pub event: TypeRef,
    /// How the stream ends.
    pub info: EventStreamInfo,
    /// The body field's Rust name.
    pub field: String,
    /// The body field's name on the wire.
    pub wire_field: String,
    /// Whether the field is an `Option<bool>`.
    pub optional: bool,
}

/// The `text/event-stream` content a success response also has, beside the JSON one it is
/// decoded as.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventAlternative {
    /// The events' type.
    pub ty: TypeRef,
    /// How the stream ends.
    pub info: EventStreamInfo,
    /// The request body field that chooses between them (`x-speakeasy-stream-request-field`,
    /// else `stream`).
    pub field: String,
}

/// A link to documentation elsewhere.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExternalDocs {
    /// `url`.
    pub url: String,
    /// `description`.
    pub description: Option<String>,
}

/// A parameter of an operation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// Name on the wire.
    pub wire_name: String,
    /// Argument or setter name.
    pub rust_name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Whether the caller must give it (then it is a method argument).
    pub required: bool,
    /// Its type.
    pub ty: TypeRef,
    /// `description`.
    pub doc: Option<String>,
    /// `style`, with the location's default when absent.
    pub style: ParamStyle,
    /// `explode`, with the style's default (true for `form`) when absent.
    pub explode: bool,
    /// The key of the global (`x-speakeasy-globals`) whose client value fills it when a call
    /// sets none (`header:HTTP-Referer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global: Option<String>,
    /// Filled from a hidden global only: no setter.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    /// The document's example value (for the examples in the docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<serde_json::Value>,
}

/// How a parameter value is serialised (OpenAPI `style`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamStyle {
    /// `a,b` (path and header default).
    Simple,
    /// `.a.b` (path).
    Label,
    /// `;name=a` (path).
    Matrix,
    /// `name=a&name=b` (query and cookie default).
    Form,
    /// `name=a%20b` (query).
    SpaceDelimited,
    /// `name=a|b` (query).
    PipeDelimited,
    /// `name[key]=value` (query).
    DeepObject,
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

/// A request body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// Media type (`application/json`).
    pub media_type: String,
    /// How it is encoded.
    pub encoding: BodyEncoding,
    /// Its type.
    pub ty: TypeRef,
    /// Whether it must be sent.
    pub required: bool,
    /// `description`.
    pub doc: Option<String>,
    /// The document's example value (for the examples in the docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<serde_json::Value>,
}

/// How a body is encoded or decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyEncoding {
    /// JSON (`application/json`, `*/*+json`).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`: one part per property, files for `format: binary`.
    Multipart,
    /// Text (`text/*`).
    Text,
    /// Raw bytes (anything else).
    Bytes,
}

/// A documented response status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The status it is documented for.
    pub status: Status,
    /// Whether it is returned as `Err` (4XX, 5XX, and `default`).
    pub is_error: bool,
    /// Variant name in the error or success enum (`Unauthorized`).
    pub variant: String,
    /// `description`.
    pub description: String,
    /// The body, when the response has content.
    pub body: Option<ResponseBody>,
    /// Name of the `components.responses` entry it comes from, when shared.
    pub shared: Option<String>,
    /// For errors: the body field shown by `Display` (`message`).
    pub message_field: Option<MessageField>,
    /// For a `text/event-stream` success: events, typed by the body's type, read as they arrive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_stream: Option<EventStreamInfo>,
    /// For a JSON success that may also be an event stream (by a request field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_alternative: Option<EventAlternative>,
}

/// How a `text/event-stream` response's events end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventStreamInfo {
    /// `x-speakeasy-sse-sentinel`: an event whose data is this ends the stream.
    pub sentinel: Option<String>,
}

/// A response body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResponseBody {
    /// Media type.
    pub media_type: String,
    /// How it is decoded.
    pub encoding: BodyEncoding,
    /// Its type.
    pub ty: TypeRef,
}

/// The field of an error body that holds the server's message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageField {
    /// Field name in the Rust struct.
    pub rust_name: String,
    /// Whether the field is an `Option<String>`.
    pub optional: bool,
}

/// A response status as documented.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// One code (`200`).
    Code(u16),
    /// A range (`4XX` is `Range(4)`).
    Range(u16),
    /// `default`: any status not listed otherwise.
    Default,
}

/// What a successful call returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Success {
    /// One success response: its body type, or `()` without a body.
    Single {
        /// The type returned.
        ty: Option<TypeRef>,
    },
    /// Several success responses: an enum in `types`, one variant per response.
    Several {
        /// The enum's name.
        name: String,
    },
}

/// A type as used in a field, parameter or body.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeRef {
    /// `String` (also for formats kept as text: email, uri, and those `[types]` switches off).
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `u32` (`format: uint32`).
    U32,
    /// `u64` (`format: uint64`).
    U64,
    /// Raw bytes (`format: binary`).
    Bytes,
    /// `chrono::DateTime<chrono::Utc>` (`format: date-time`): read leniently, written as RFC 3339.
    DateTime,
    /// `chrono::NaiveDate` (`format: date`).
    Date,
    /// `uuid::Uuid` (`format: uuid`).
    Uuid,
    /// Bytes carried as base64 text (`format: byte`): `Vec<u8>`.
    Base64,
    /// An integer carried as a JSON string (`type: string, format: int64`); the integer type
    /// inside.
    IntString(Box<TypeRef>),
    /// `rust_decimal::Decimal` (`format: decimal`, opt-in); `text` when the document carries it
    /// as a JSON string, else it is a JSON number.
    Decimal {
        /// Whether the wire form is a string.
        text: bool,
    },
    /// Any JSON value (`{}` or a construct that has no better type).
    Json,
    /// A type in `types`.
    Named(String),
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>`, for nullable values inside arrays and maps.
    Option(Box<TypeRef>),
    /// `Box<T>`, to break recursion.
    Box(Box<TypeRef>),
    /// `(A, B)`: an array with one item of each type, in order (OpenAPI 3.1 `prefixItems`).
    Tuple(Vec<TypeRef>),
}

impl TypeRef {
    /// Calls `visit` on each type name inside, in order: through `Vec`, maps, `Option`, `Box`
    /// and every member of a tuple. (The one walk of a type's names: gating, deduplication and
    /// the rest must agree on what a type refers to.)
    pub fn for_each_name<'a>(&'a self, visit: &mut impl FnMut(&'a str)) {
        match self {
            TypeRef::Named(n) => visit(n),
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) | TypeRef::Box(inner) => inner.for_each_name(visit),
            TypeRef::Tuple(members) => members.iter().for_each(|t| t.for_each_name(visit)),
            TypeRef::IntString(_) | TypeRef::String | TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 | TypeRef::U32
            | TypeRef::U64 | TypeRef::Bytes | TypeRef::DateTime | TypeRef::Date | TypeRef::Uuid | TypeRef::Base64 | TypeRef::Decimal { .. }
            | TypeRef::Json => {}
        }
    }

    /// [`TypeRef::for_each_name`], with each name mutable.
    pub fn for_each_name_mut(&mut self, visit: &mut impl FnMut(&mut String)) {
        match self {
            TypeRef::Named(n) => visit(n),
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) | TypeRef::Box(inner) => inner.for_each_name_mut(visit),
            TypeRef::Tuple(members) => members.iter_mut().for_each(|t| t.for_each_name_mut(visit)),
            TypeRef::IntString(_) | TypeRef::String | TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 | TypeRef::U32
            | TypeRef::U64 | TypeRef::Bytes | TypeRef::DateTime | TypeRef::Date | TypeRef::Uuid | TypeRef::Base64 | TypeRef::Decimal { .. }
            | TypeRef::Json => {}
        }
    }
}

/// A named type in the generated `types` module.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TypeDef {
    /// Rust name.
    pub name: String,
    /// Where its schema is.
    pub pointer: String,
    /// Docs.
    pub doc: Option<String>,
    /// What kind of type.
    pub kind: TypeKind,
}

/// The shape of a named type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeKind {
    /// A struct with named fields.
    Struct {
        /// Fields in document order.
        fields: Vec<Field>,
        /// `additionalProperties` beside `properties`: the type of the other keys, kept in a
        /// flattened map so no key the server sends is lost.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        additional: Option<TypeRef>,
    },
    /// A string enum.
    Enum {
        /// Variants in document order.
        variants: Vec<Variant>,
        /// Whether unknown values decode into an `Unknown(String)` variant.
        open: bool,
    },
    /// An integer enum.
    IntEnum {
        /// `(name, value)` in document order.
        variants: Vec<IntVariant>,
        /// Whether unknown values decode into an `Unknown(i64)` variant.
        open: bool,
    },
    /// A newtype-free alias (`pub type X = Y;`).
    Alias {
        /// The aliased type.
        target: TypeRef,
    },
    /// A transparent newtype (`pub struct X(pub Vec<X>);`): an alias that contains itself, which
    /// Rust cannot spell as an alias.
    Newtype {
        /// The wrapped type.
        target: TypeRef,
    },
    /// `oneOf`/`anyOf`: one variant per member. With a discriminator, decoding picks the variant
    /// by the tag property's value (the tag stays in the variant's data); without one, the first
    /// variant that decodes wins (`#[serde(untagged)]`).
    Union {
        /// Variants in document order.
        variants: Vec<UnionVariant>,
        /// The discriminator's property name on the wire.
        discriminator: Option<String>,
    },
    /// Documented response headers, read from a response's header map.
    Headers {
        /// One optional field per header (wire names lower-cased).
        fields: Vec<Field>,
    },
    /// An enum of the several success responses of an operation.
    Responses {
        /// One variant per success response.
        variants: Vec<ResponseVariant>,
    },
}

/// A struct field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Property name on the wire.
    pub wire_name: String,
    /// Field name.
    pub rust_name: String,
    /// Type without the `Option` that `required`/`nullable` add.
    pub ty: TypeRef,
    /// In the schema's `required` list.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// `readOnly: true`.
    pub read_only: bool,
    /// `x-speakeasy-error-message: true`: the field an error's `Display` shows.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub error_message: bool,
    /// `writeOnly: true`: never in responses, so never required when decoding.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub write_only: bool,
    /// `default`, as JSON.
    pub default: Option<serde_json::Value>,
    /// `description`.
    pub doc: Option<String>,
    /// `const` (OpenAPI 3.1): the only value the field can hold, so `new()` sets it instead of
    /// taking it as an argument.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<Fixed>,
}

/// The one value of a `const` field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fixed {
    /// A boolean.
    Bool(bool),
    /// The only variant of the field's enum type (its Rust name).
    Variant(String),
}

impl TypeKind {
    /// Calls `visit` on each type a definition of this kind holds, in a fixed order: fields
    /// (then the additional properties' type), an alias's or newtype's target, union and
    /// response variants. Enums hold none.
    pub fn for_each_type<'a>(&'a self, visit: &mut impl FnMut(&'a TypeRef)) {
        match self {
            TypeKind::Struct { fields, additional } => fields.iter().map(|f| &f.ty).chain(additional).for_each(visit),
            TypeKind::Headers { fields } => fields.iter().for_each(|f| visit(&f.ty)),
            TypeKind::Alias { target } | TypeKind::Newtype { target } => visit(target),
            TypeKind::Union { variants, .. } => variants.iter().for_each(|v| visit(&v.ty)),
            TypeKind::Responses { variants } => variants.iter().filter_map(|v| v.ty.as_ref()).for_each(visit),
            TypeKind::Enum { .. } | TypeKind::IntEnum { .. } => {}
        }
    }

    /// [`TypeKind::for_each_type`], with each type mutable.
    pub fn for_each_type_mut(&mut self, visit: &mut impl FnMut(&mut TypeRef)) {
        match self {
            TypeKind::Struct { fields, additional } => fields.iter_mut().map(|f| &mut f.ty).chain(additional).for_each(visit),
            TypeKind::Headers { fields } => fields.iter_mut().for_each(|f| visit(&mut f.ty)),
            TypeKind::Alias { target } | TypeKind::Newtype { target } => visit(target),
            TypeKind::Union { variants, .. } => variants.iter_mut().for_each(|v| visit(&mut v.ty)),
            TypeKind::Responses { variants } => variants.iter_mut().filter_map(|v| v.ty.as_mut()).for_each(visit),
            TypeKind::Enum { .. } | TypeKind::IntEnum { .. } => {}
        }
    }

    /// Calls `visit` on each type name the kind refers to, in the order of
    /// [`TypeKind::for_each_type`] and [`TypeRef::for_each_name`].
    pub fn for_each_name<'a>(&'a self, visit: &mut impl FnMut(&'a str)) {
        self.for_each_type(&mut |t| t.for_each_name(visit));
    }
}

impl Field {
    /// Whether the Rust field is an `Option`. A required `writeOnly` field is optional too:
    /// responses leave it out, and decoding them must not fail.
    pub fn is_optional(&self) -> bool {
        !self.required || self.nullable || self.write_only
    }
}

/// A string enum variant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    /// Variant name.
    pub rust_name: String,
    /// The value on the wire.
    pub wire_value: String,
}

/// An integer enum variant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntVariant {
    /// Variant name.
    pub rust_name: String,
    /// The value on the wire.
    pub value: i64,
}

/// A variant of a `oneOf`/`anyOf` union.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnionVariant {
    /// Variant name.
    pub name: String,
    /// The member's type.
    pub ty: TypeRef,
    /// Discriminator values that select this variant (from `mapping`, else the component name).
    pub tags: Vec<String>,
}

/// A variant of a several-successes enum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResponseVariant {
    /// Variant name.
    pub name: String,
    /// The status.
    pub status: Status,
    /// The body type, if any.
    pub ty: Option<TypeRef>,
    /// Docs.
    pub doc: Option<String>,
}
