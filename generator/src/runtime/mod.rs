//! The runtime of this client: request building, authentication, sending and decoding.
//!
//! This module is hand-written, not generated: sdkforge embeds the same source into every client
//! it generates, and the generated operation methods are thin descriptions of each call that this
//! module executes. Each API uses a subset of it, hence the `dead_code` and `unused_imports`
//! allowances.
#![allow(dead_code, unused_imports, unused_macros)]

mod auth;
mod call;
mod core;
pub(crate) mod wire;
mod error;
pub(crate) mod formats;
mod hooks;
mod oauth;
mod options;
mod paging;
mod retry;
mod session;
mod sse;

pub(crate) use self::auth::{KeyLocation, Scheme, Secret};
pub(crate) use self::call::{Call, Multipart, Style, expand_template};
pub(crate) use self::core::{Core, CoreBuilder, Opened, body_of, call, or_global};
pub use self::core::Pending;
pub(crate) use self::retry::Retry;
pub use self::hooks::{HookContext, Hooks};
pub use self::options::{Backoff, RequestOptions};
pub use self::sse::EventStream;
pub(crate) use self::sse::{EventFormat, expect_event_stream};
pub use self::session::{MemoryTokenStore, SessionTokens, TokenStore};
pub(crate) use self::paging::{Input, InputPlace, PageKind, Pager, items, pages};
pub(crate) use self::session::{RefreshSpec, SessionRole, SessionSpec, Step};
pub use self::error::{ApiError, BuildError, Error, ErrorBody, RawResponse, Response};
pub(crate) use self::error::header_value;
