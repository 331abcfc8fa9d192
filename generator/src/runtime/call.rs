//! One call as the generated code describes it: method, path, parameters, body and the security
//! requirements. Values are encoded here, so every operation encodes them the same way.

use super::auth::Scheme;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986 unreserved characters is encoded in a path segment, so a value such
/// as `../admin` or `a/b?c` stays inside its segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A value that can be sent as a path, query, header or cookie parameter.
pub(crate) trait ToParam {
    /// The value as text; a list gives one string per item, an absent value none.
    fn to_param(&self) -> Vec<String>;
}

macro_rules! to_param_display {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn to_param(&self) -> Vec<String> {
                vec![self.to_string()]
            }
        }
    )*};
}
to_param_display!(String, str, bool, i32, i64, u32, u64, f32, f64);

impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> Vec<String> {
        (**self).to_param()
    }
}

impl<T: ToParam> ToParam for Option<T> {
    fn to_param(&self) -> Vec<String> {
        self.as_ref().map(ToParam::to_param).unwrap_or_default()
    }
}

impl<T: ToParam> ToParam for Vec<T> {
    fn to_param(&self) -> Vec<String> {
        self.iter().flat_map(ToParam::to_param).collect()
    }
}

impl ToParam for serde_json::Value {
    fn to_param(&self) -> Vec<String> {
        match self {
            serde_json::Value::Null => Vec::new(),
            serde_json::Value::String(s) => vec![s.clone()],
            serde_json::Value::Array(items) => items.iter().flat_map(ToParam::to_param).collect(),
            other => vec![other.to_string()],
        }
    }
}

/// A request body, already encoded.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Json(Vec<u8>),
    Form(String),
    Text(String),
    Bytes(Vec<u8>),
}

/// A call under construction.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) method: reqwest::Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) cookies: Vec<(String, String)>,
    pub(crate) body: Option<(Body, &'static str)>,
    pub(crate) security: &'static [&'static [Scheme]],
    /// An input that could not be encoded; reported when the call is sent.
    pub(crate) invalid: Option<String>,
}

impl Call {
    /// A call of `method` on a path template (`/pets/{id}`).
    pub(crate) fn new(method: reqwest::Method, template: &str) -> Self {
        Self {
            method,
            path: template.to_string(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            security: &[],
            invalid: None,
        }
    }

    /// Fills `{name}` in the path with the encoded value (lists comma-separated: style simple).
    pub(crate) fn path(mut self, name: &str, value: &impl ToParam) -> Self {
        let encoded: Vec<String> = value.to_param().iter().map(|v| encode_segment(v)).collect();
        self.path = self.path.replace(&format!("{{{name}}}"), &encoded.join(","));
        self
    }

    /// Adds a query parameter (lists repeat the name: style form, explode).
    pub(crate) fn query(mut self, name: &str, value: &impl ToParam) -> Self {
        for v in value.to_param() {
            self.query.push((name.to_string(), v));
        }
        self
    }

    /// Adds a header (lists comma-separated: style simple). Absent values add nothing.
    pub(crate) fn header(mut self, name: &str, value: &impl ToParam) -> Self {
        let values = value.to_param();
        if !values.is_empty() {
            self.headers.push((name.to_string(), values.join(",")));
        }
        self
    }

    /// Adds a cookie.
    pub(crate) fn cookie(mut self, name: &str, value: &impl ToParam) -> Self {
        let values = value.to_param();
        if !values.is_empty() {
            self.cookies.push((name.to_string(), values.join(",")));
        }
        self
    }

    /// Sets a JSON body.
    pub(crate) fn json(mut self, body: &impl serde::Serialize) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some((Body::Json(bytes), "application/json")),
            Err(e) => self.invalid = Some(format!("the body cannot be encoded as JSON: {e}")),
        }
        self
    }

    /// Sets a form body from a JSON-shaped value: each top-level field becomes a pair.
    pub(crate) fn form(mut self, body: &impl serde::Serialize) -> Self {
        match serde_json::to_value(body) {
            Ok(serde_json::Value::Object(map)) => {
                let mut ser: Vec<(String, String)> = Vec::new();
                for (k, v) in &map {
                    for text in v.to_param() {
                        ser.push((k.clone(), text));
                    }
                }
                let encoded = ser
                    .iter()
                    .map(|(k, v)| format!("{}={}", encode_form(k), encode_form(v)))
                    .collect::<Vec<_>>()
                    .join("&");
                self.body = Some((Body::Form(encoded), "application/x-www-form-urlencoded"));
            }
            Ok(_) => self.invalid = Some("a form body must be an object".to_string()),
            Err(e) => self.invalid = Some(format!("the body cannot be encoded: {e}")),
        }
        self
    }

    /// Sets a text body.
    pub(crate) fn text(mut self, body: String, content_type: &'static str) -> Self {
        self.body = Some((Body::Text(body), content_type));
        self
    }

    /// Sets a raw body.
    pub(crate) fn bytes(mut self, body: Vec<u8>, content_type: &'static str) -> Self {
        self.body = Some((Body::Bytes(body), content_type));
        self
    }

    /// The alternatives of security requirements of the operation.
    pub(crate) fn security(mut self, alternatives: &'static [&'static [Scheme]]) -> Self {
        self.security = alternatives;
        self
    }
}


/// `application/x-www-form-urlencoded` encoding of one key or value.
fn encode_form(s: &str) -> String {
    const FORM: &AsciiSet = &NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_').remove(b' ');
    utf8_percent_encode(s, FORM).to_string().replace(' ', "+")
}

/// Encodes one path segment. `.` and `..` are encoded too: left alone they would be resolved as
/// relative segments and change the path.
pub(crate) fn encode_segment(value: &str) -> String {
    if value == "." || value == ".." {
        return value.replace('.', "%2E");
    }
    utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

/// Fills `{name}` placeholders of a URL template with encoded values (server variables).
pub(crate) fn expand_template(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in vars {
        out = out.replace(&format!("{{{name}}}"), &encode_segment(value));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_values_stay_in_their_segment() {
        let c = Call::new(reqwest::Method::GET, "/items/{id}/x").path("id", &"../admin?x=1#y");
        assert_eq!(c.path, "/items/..%2Fadmin%3Fx%3D1%23y/x");
        assert_eq!(encode_segment(".."), "%2E%2E");
        assert_eq!(encode_segment("caf\u{e9} au lait"), "caf%C3%A9%20au%20lait");
    }

    #[test]
    fn server_templates_are_filled_and_encoded() {
        assert_eq!(expand_template("https://x/{a}/y/{b}", &[("a", "s 1"), ("b", "z")]), "https://x/s%201/y/z");
    }

    #[test]
    fn optional_and_list_params() {
        let none: Option<bool> = None;
        let c = Call::new(reqwest::Method::GET, "/")
            .header("x-debug-mode", &none)
            .header("x-list", &vec![1i64, 2])
            .query("tag", &vec!["a".to_string(), "b c".to_string()])
            .query("flag", &Some(true));
        assert_eq!(c.headers, vec![("x-list".to_string(), "1,2".to_string())]);
        assert_eq!(c.query, vec![("tag".into(), "a".into()), ("tag".into(), "b c".into()), ("flag".into(), "true".into())]);
    }

    #[test]
    fn form_bodies_are_url_encoded() {
        let c = Call::new(reqwest::Method::POST, "/").form(&serde_json::json!({"a b": "c&d", "n": 1, "skip": null}));
        match c.body {
            Some((Body::Form(s), ct)) => {
                assert_eq!(s, "a+b=c%26d&n=1");
                assert_eq!(ct, "application/x-www-form-urlencoded");
            }
            other => panic!("{other:?}"),
        }
    }
}
