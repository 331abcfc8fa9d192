//! Hooks: application code that sees (and may change) each request before it is sent and sees
//! each response before it is interpreted, like Speakeasy's SDK hooks. Every attempt of a
//! retried call passes through them.

/// What a hook is told about the call.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct HookContext {
    /// The operation's `operationId`.
    pub operation_id: &'static str,
    /// The path template (`/pos/auth/logout`), never the filled-in path.
    pub path_template: &'static str,
    /// 1 for the first attempt, 2 for the first retry, and so on.
    pub attempt: u32,
}

/// Code run around each request. Both methods have empty defaults.
pub trait Hooks: Send + Sync + 'static {
    /// Called before each attempt is sent; may add headers, sign the request, or record it.
    fn before_request(&self, context: &HookContext, request: &mut reqwest::Request) {
        let _ = (context, request);
    }

    /// Called with each response read whole, before its status is interpreted (streamed
    /// responses are not read, so they are not passed here).
    fn after_response(&self, context: &HookContext, response: &super::error::RawResponse) {
        let _ = (context, response);
    }
}

/// A shared hook: the application can keep a handle to it (to read what it recorded).
impl<T: Hooks + ?Sized> Hooks for std::sync::Arc<T> {
    fn before_request(&self, context: &HookContext, request: &mut reqwest::Request) {
        (**self).before_request(context, request);
    }

    fn after_response(&self, context: &HookContext, response: &super::error::RawResponse) {
        (**self).after_response(context, response);
    }
}
