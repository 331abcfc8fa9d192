//! `x-sdkforge-session`: APIs that issue their own tokens (a login returns an access token and a
//! refresh token; later calls are signed with the access token; a refresh call renews it; a
//! logout ends it). Declared once at the document root, usually by the maintainer's overlay:
//!
//! ```yaml
//! x-sdkforge-session:
//!   scheme: Authorization                  # the security scheme the access token fills
//!   access-token: $.content.access_token   # where a token-issuing response carries them
//!   refresh-token: $.content.refresh_token
//!   issued-by: [verify-pos-login-otp]      # operations whose success starts a session
//!   refresh:                               # how to renew the access token (also issues tokens)
//!     operation: refresh-pos-access-token
//!     field: refresh_token                 # the JSON body property the refresh token goes in
//!   ended-by: [logout-from-pos-device]     # operations whose success ends the session
//! ```

use super::jsonpath::{self, PathStep};
use super::{BodyEncoding, Operation, SecurityKind, SecurityScheme, TypeDef, TypeKind, TypeRef};
use crate::diagnostics::{Diagnostic, Diagnostics};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The extension's name.
pub const EXTENSION: &str = "x-sdkforge-session";
const AT: &str = "#/x-sdkforge-session";

/// How the API's sessions work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The constant of the security scheme the access token fills (`AUTHORIZATION`).
    pub scheme: String,
    /// The scheme's name in the document (`Authorization`).
    pub scheme_id: String,
    /// Where a token-issuing response carries the access token.
    pub access_token: Vec<PathStep>,
    /// Where it carries the refresh token.
    pub refresh_token: Option<Vec<PathStep>>,
    /// How the access token is renewed.
    pub refresh: Option<Refresh>,
}

/// The call that renews a session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Refresh {
    /// Its operationId.
    pub operation: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path (no parameters).
    pub path: String,
    /// Its security alternatives (constant names), as on the operation.
    pub security: Vec<Vec<String>>,
    /// The JSON body property that carries the refresh token.
    pub field: String,
}

/// What an operation does to the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionRole {
    /// A success carries new tokens, which replace the stored ones.
    Issues,
    /// A success ends the session that signed the request.
    Ends,
}

fn err(msg: impl Into<String>, sub: &str) -> Diagnostic {
    Diagnostic::error(format!("`{EXTENSION}`: {}", msg.into())).pointer(format!("{AT}{sub}"))
}

/// Reads the extension, checks it against the lowered operations and schemes, and marks the
/// operations' roles. `None` when the document has none.
pub fn lower(
    ext: &indexmap::IndexMap<String, Value>,
    operations: &mut [Operation],
    schemes: &[SecurityScheme],
    types: &[TypeDef],
    diags: &mut Diagnostics,
) -> Option<Session> {
    let v = ext.get(EXTENSION)?;
    let before = diags.error_count();
    let Some(obj) = v.as_object() else {
        diags.push(err("must be an object", ""));
        return None;
    };
    for key in obj.keys() {
        if !["scheme", "access-token", "refresh-token", "issued-by", "refresh", "ended-by"].contains(&key.as_str()) {
            diags.push(
                err(format!("unknown key `{key}`"), &format!("/{}", crate::diagnostics::escape_pointer_segment(key)))
                    .help("the keys are scheme, access-token, refresh-token, issued-by, refresh and ended-by"),
            );
        }
    }
    let scheme = match obj.get("scheme").and_then(Value::as_str) {
        None => {
            diags.push(err("`scheme` is required: the security scheme the access token is sent as", ""));
            None
        }
        Some(name) => match schemes.iter().find(|s| s.wire_name == name) {
            None => {
                diags.push(
                    err(format!("`scheme: {name}` is not a security scheme any generated operation uses"), "/scheme")
                        .help("name a scheme under `components.securitySchemes` that the signed operations require"),
                );
                None
            }
            Some(s) if matches!(s.kind, SecurityKind::Basic) => {
                diags.push(err(format!("`scheme: {name}` is HTTP basic auth; a session token needs a bearer or API key scheme"), "/scheme"));
                None
            }
            Some(s) => Some(s),
        },
    };
    let path_of = |key: &str, diags: &mut Diagnostics| -> Option<Vec<PathStep>> {
        let text = obj.get(key)?;
        match text.as_str().map(jsonpath::compile) {
            Some(Ok(steps)) => Some(steps),
            Some(Err(e)) => {
                diags.push(err(e, &format!("/{key}")));
                None
            }
            None => {
                diags.push(err(format!("`{key}` must be a JSONPath string such as `$.content.{}`", key.replace('-', "_")), &format!("/{key}")));
                None
            }
        }
    };
    let access_token = path_of("access-token", diags);
    if !obj.contains_key("access-token") {
        diags.push(err("`access-token` is required: where a token-issuing response carries the access token", ""));
    }
    let refresh_token = path_of("refresh-token", diags);

    let mut find = |id: &Value, sub: String, role: SessionRole, diags: &mut Diagnostics| -> Option<usize> {
        let Some(id) = id.as_str() else {
            diags.push(err("operations are named by operationId (a string)", &sub));
            return None;
        };
        let Some(i) = operations.iter().position(|o| o.id == id) else {
            diags.push(
                err(format!("no generated operation has operationId `{id}`"), &sub)
                    .help("check the spelling, and that the operation is not `x-speakeasy-ignore`d"),
            );
            return None;
        };
        match operations[i].session {
            Some(existing) if existing != role => {
                diags.push(err(format!("operation `{id}` cannot both issue and end the session"), &sub));
            }
            _ => operations[i].session = Some(role),
        }
        Some(i)
    };
    let mut list = |key: &str, role: SessionRole, diags: &mut Diagnostics| match obj.get(key) {
        None => {}
        Some(Value::Array(items)) => {
            for (n, id) in items.iter().enumerate() {
                find(id, format!("/{key}/{n}"), role, diags);
            }
        }
        Some(one @ Value::String(_)) => {
            find(one, format!("/{key}"), role, diags);
        }
        Some(_) => diags.push(err(format!("`{key}` must be a list of operationIds"), &format!("/{key}"))),
    };
    list("issued-by", SessionRole::Issues, diags);
    list("ended-by", SessionRole::Ends, diags);

    let refresh = match obj.get("refresh") {
        None => None,
        Some(Value::Object(r)) => {
            let field = r.get("field").and_then(Value::as_str);
            let op = r.get("operation").map(|id| find(id, "/refresh/operation".into(), SessionRole::Issues, diags));
            match (op.flatten(), field) {
                (_, None) => {
                    diags.push(err("`refresh.field` is required: the JSON body property the refresh token is sent in", "/refresh"));
                    None
                }
                (None, _) if r.get("operation").is_none() => {
                    diags.push(err("`refresh.operation` is required: the operationId of the refresh call", "/refresh"));
                    None
                }
                (None, _) => None,
                (Some(i), Some(field)) => refresh_call(&operations[i], field, types, diags),
            }
        }
        Some(_) => {
            diags.push(err("`refresh` must be an object with `operation` and `field`", "/refresh"));
            None
        }
    };
    if refresh.is_some() && refresh_token.is_none() {
        diags.push(err("`refresh` needs `refresh-token`: where responses carry the refresh token", ""));
    }
    if !operations.iter().any(|o| o.session == Some(SessionRole::Issues)) {
        diags.push(err("no operation issues tokens: list them under `issued-by`", ""));
    }
    if diags.error_count() > before {
        return None;
    }
    let scheme = scheme?;
    Some(Session {
        scheme: scheme.const_name.clone(),
        scheme_id: scheme.wire_name.clone(),
        access_token: access_token?,
        refresh_token,
        refresh,
    })
}

/// The refresh operation as a call the runtime can make on its own: no parameters it would have
/// to invent, and a JSON object body with the refresh token's property.
fn refresh_call(op: &Operation, field: &str, types: &[TypeDef], diags: &mut Diagnostics) -> Option<Refresh> {
    let sub = "/refresh/operation";
    if let Some(p) = op.params.iter().find(|p| p.required) {
        diags.push(err(format!("the refresh operation `{}` has a required parameter `{}` the client cannot fill", op.id, p.wire_name), sub));
        return None;
    }
    let body = op.body.as_ref().filter(|b| b.encoding == BodyEncoding::Json);
    let fields = body.and_then(|b| match &b.ty {
        TypeRef::Named(n) => types.iter().find(|d| &d.name == n).and_then(|d| match &d.kind {
            TypeKind::Struct { fields, .. } => Some(fields),
            _ => None,
        }),
        _ => None,
    });
    let Some(fields) = fields else {
        diags.push(err(format!("the refresh operation `{}` must take a JSON object body", op.id), sub));
        return None;
    };
    if !fields.iter().any(|f| f.wire_name == field) {
        diags.push(err(format!("the refresh operation's body has no property `{field}`"), "/refresh/field"));
        return None;
    }
    if let Some(other) = fields.iter().find(|f| f.wire_name != field && f.required) {
        diags.push(err(format!("the refresh operation's body requires `{}`, which the client cannot fill", other.wire_name), "/refresh/field"));
        return None;
    }
    Some(Refresh {
        operation: op.id.clone(),
        method: op.method.clone(),
        path: op.path.clone(),
        security: op.security.clone(),
        field: field.to_string(),
    })
}
