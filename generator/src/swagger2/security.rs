//! `securityDefinitions` → `components.securitySchemes`: `basic` is HTTP basic, `apiKey` is
//! unchanged, `oauth2`'s one `flow` becomes the matching entry of `flows`.

use super::{Cx, child};
use serde_json::{Map, Value, json};

/// The 2.0 oauth2 `flow`s and their 3.0 names, with the URLs each carries.
const FLOWS: &[(&str, &str, &[&str])] = &[
    ("implicit", "implicit", &["authorizationUrl"]),
    ("password", "password", &["tokenUrl"]),
    ("application", "clientCredentials", &["tokenUrl"]),
    ("accessCode", "authorizationCode", &["authorizationUrl", "tokenUrl"]),
];

/// Every security scheme (a scheme that cannot be converted is left out, with a warning; the
/// requirements that name it are then reported by the later stages).
pub(super) fn schemes(cx: &mut Cx<'_>, definitions: Value) -> Value {
    let Value::Object(definitions) = definitions else { return definitions };
    let mut out = Map::new();
    for (name, scheme) in definitions {
        let at = child("#/securityDefinitions", &name);
        if let Some(converted) = one(cx, scheme, &name, &at) {
            out.insert(name, converted);
        }
    }
    Value::Object(out)
}

fn one(cx: &mut Cx<'_>, scheme: Value, name: &str, at: &str) -> Option<Value> {
    let Value::Object(m) = scheme else {
        cx.warn(format!("security scheme `{name}` is not a mapping; ignored"), at, "a security scheme is a mapping with a `type`");
        return None;
    };
    let mut out = Map::new();
    match m.get("type").and_then(Value::as_str) {
        Some("basic") => {
            out.insert("type".into(), json!("http"));
            out.insert("scheme".into(), json!("basic"));
        }
        Some("apiKey") => {
            for key in ["type", "name", "in"] {
                if let Some(v) = m.get(key) {
                    out.insert(key.into(), v.clone());
                }
            }
        }
        Some("oauth2") => {
            let flow = m.get("flow").and_then(Value::as_str).unwrap_or("");
            let Some((_, three, urls)) = FLOWS.iter().find(|(two, _, _)| *two == flow) else {
                let help = "Swagger 2.0's flows are `implicit`, `password`, `application` and `accessCode`";
                cx.warn(format!("security scheme `{name}` has an unknown oauth2 `flow: {flow}`; ignored"), &format!("{at}/flow"), help);
                return None;
            };
            let mut f = Map::new();
            for url in *urls {
                if let Some(v) = m.get(*url) {
                    f.insert((*url).into(), v.clone());
                }
            }
            f.insert("scopes".into(), m.get("scopes").cloned().unwrap_or_else(|| json!({})));
            out.insert("type".into(), json!("oauth2"));
            let mut flows = Map::new();
            flows.insert((*three).into(), Value::Object(f));
            out.insert("flows".into(), Value::Object(flows));
            cx.moved(&format!("{}/flows/{three}", child("#/components/securitySchemes", name)), at);
        }
        other => {
            let shown = other.unwrap_or("(none)");
            cx.warn(format!("security scheme `{name}` has an unknown `type: {shown}`; ignored"), &format!("{at}/type"), "Swagger 2.0's types are `basic`, `apiKey` and `oauth2`");
            return None;
        }
    }
    for (k, v) in m {
        if k == "description" || k.starts_with("x-") {
            out.insert(k, v);
        }
    }
    Some(Value::Object(out))
}
