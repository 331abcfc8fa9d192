//! One call as the generated code describes it: method, path, parameters, body and the security
//! requirements. Values are encoded here, so every operation encodes them the same way.

use super::auth::Scheme;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986 unreserved characters is encoded in a path segment, so a value such
/// as `../admin` or `a/b?c` stays inside its segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// How a parameter value is written (OpenAPI `style`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// `a,b` (path and header default).
    Simple,
    /// `.a.b` or `.a,b` in a path.
    Label,
    /// `;name=a;name=b` or `;name=a,b` in a path.
    Matrix,
    /// `name=a&name=b` or `name=a,b` (query and cookie default).
    Form,
    /// `name=a%20b`.
    SpaceDelimited,
    /// `name=a|b`.
    PipeDelimited,
    /// `name[key]=value`.
    DeepObject,
}

/// A primitive as text; arrays and objects nested inside a parameter become JSON text.
fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `(name, value)` pairs for a query or cookie parameter (values not yet percent-encoded).
pub(crate) fn pairs(name: &str, value: &serde_json::Value, style: Style, explode: bool) -> Vec<(String, String)> {
    use serde_json::Value;
    let one = |v: String| vec![(name.to_string(), v)];
    match value {
        Value::Null => Vec::new(),
        Value::Array(items) => {
            let texts: Vec<String> = items.iter().filter(|v| !v.is_null()).map(scalar).collect();
            match (style, explode) {
                (Style::Form | Style::SpaceDelimited | Style::PipeDelimited, true) => texts.into_iter().map(|t| (name.to_string(), t)).collect(),
                (Style::SpaceDelimited, false) => one(texts.join(" ")),
                (Style::PipeDelimited, false) => one(texts.join("|")),
                _ => one(texts.join(",")),
            }
        }
        Value::Object(map) => {
            let entries = map.iter().filter(|(_, v)| !v.is_null());
            match (style, explode) {
                (Style::DeepObject, _) => entries.map(|(k, v)| (format!("{name}[{k}]"), scalar(v))).collect(),
                (_, true) => entries.map(|(k, v)| (k.clone(), scalar(v))).collect(),
                (_, false) => one(entries.flat_map(|(k, v)| [k.clone(), scalar(v)]).collect::<Vec<_>>().join(",")),
            }
        }
        other => one(scalar(other)),
    }
}

/// The text of a path or header parameter (not yet percent-encoded: each piece is encoded by
/// `encode` so separators stay literal).
pub(crate) fn joined(name: &str, value: &serde_json::Value, style: Style, explode: bool, encode: fn(&str) -> String) -> Option<String> {
    use serde_json::Value;
    let pieces: Vec<(Option<String>, String)> = match value {
        Value::Null => return None,
        Value::Array(items) => items.iter().filter(|v| !v.is_null()).map(|v| (None, encode(&scalar(v)))).collect(),
        Value::Object(map) => map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (Some(encode(k)), encode(&scalar(v)))).collect(),
        other => vec![(None, encode(&scalar(other)))],
    };
    let is_object = value.is_object();
    let list = |sep: &str, kv: &str| -> String {
        pieces
            .iter()
            .map(|(k, v)| match k {
                Some(k) => format!("{k}{kv}{v}"),
                None => v.clone(),
            })
            .collect::<Vec<_>>()
            .join(sep)
    };
    let flat = |sep: &str| pieces.iter().flat_map(|(k, v)| k.iter().cloned().chain([v.clone()])).collect::<Vec<_>>().join(sep);
    let name = encode(name);
    Some(match (style, explode, is_object) {
        (Style::Label, true, true) => format!(".{}", list(".", "=")),
        (Style::Label, true, false) => format!(".{}", list(".", "")),
        (Style::Label, false, _) => format!(".{}", flat(",")),
        (Style::Matrix, true, true) => format!(";{}", list(";", "=")),
        (Style::Matrix, true, false) => pieces.iter().map(|(_, v)| format!(";{name}={v}")).collect(),
        (Style::Matrix, false, _) => format!(";{name}={}", flat(",")),
        (_, true, true) => list(",", "="),
        _ => flat(","),
    })
}

/// The parts of a `multipart/form-data` body, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Multipart {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<&'static str>,
    data: Vec<u8>,
}

impl Multipart {
    /// A form field: text for strings and numbers, one part per item for lists, JSON for
    /// objects; absent values add nothing.
    pub(crate) fn field(&mut self, name: &str, value: &impl serde::Serialize) {
        let Ok(value) = serde_json::to_value(value) else { return };
        let items = match value {
            serde_json::Value::Array(items) => items,
            other => vec![other],
        };
        for item in items {
            let (data, content_type) = match item {
                serde_json::Value::Null => continue,
                serde_json::Value::String(s) => (s.into_bytes(), None),
                v @ (serde_json::Value::Object(_) | serde_json::Value::Array(_)) => (v.to_string().into_bytes(), Some("application/json")),
                v => (v.to_string().into_bytes(), None),
            };
            self.parts.push(Part { name: name.to_string(), filename: None, content_type, data });
        }
    }

    /// Every top-level property of an object as a field (for bodies without a struct type).
    pub(crate) fn fields_of(value: &impl serde::Serialize) -> Self {
        let mut parts = Self::default();
        if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(value) {
            for (k, v) in &map {
                parts.field(k, v);
            }
        }
        parts
    }

    /// A file part (`format: binary`), named after the field.
    pub(crate) fn file(&mut self, name: &str, bytes: &[u8]) {
        self.parts.push(Part {
            name: name.to_string(),
            filename: Some(name.to_string()),
            content_type: Some("application/octet-stream"),
            data: bytes.to_vec(),
        });
    }

    /// A boundary that does not occur in any part.
    fn boundary(&self) -> String {
        use std::hash::{BuildHasher, Hasher};
        let mut attempt = 0u64;
        loop {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(attempt);
            let candidate = format!("sdkforge-{:016x}", h.finish());
            if !self.parts.iter().any(|p| p.data.windows(candidate.len()).any(|w| w == candidate.as_bytes())) {
                return candidate;
            }
            attempt += 1;
        }
    }

    fn encode(&self, boundary: &str) -> Vec<u8> {
        let quote = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"").replace(['\r', '\n'], " ");
        let mut out = Vec::new();
        for p in &self.parts {
            out.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"", quote(&p.name)).as_bytes());
            if let Some(f) = &p.filename {
                out.extend_from_slice(format!("; filename=\"{}\"", quote(f)).as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            if let Some(ct) = p.content_type {
                out.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&p.data);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        out
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
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) method: reqwest::Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) cookies: Vec<(String, String)>,
    pub(crate) body: Option<(Body, String)>,
    pub(crate) security: &'static [&'static [Scheme]],
    /// How the call is retried, from `x-speakeasy-retries`.
    pub(crate) retry: Option<super::retry::Retry>,
    /// The operation's timeout, from `x-speakeasy-timeout`.
    pub(crate) timeout: Option<std::time::Duration>,
    /// What a success does to the session.
    pub(crate) session: Option<super::session::SessionRole>,
    /// The caller's overrides.
    pub(crate) options: super::options::RequestOptions,
    /// A whole URL that replaces the base URL, path and query (a next page's URL).
    pub(crate) url: Option<String>,
    /// The operation's `operationId`, for hooks and traces.
    pub(crate) operation_id: &'static str,
    /// The path template, for hooks and traces (never the filled-in path).
    pub(crate) template: &'static str,
    /// An input that could not be encoded; reported when the call is sent.
    pub(crate) invalid: Option<String>,
}

impl Call {
    /// A call of `method` on a path template (`/pets/{id}`).
    pub(crate) fn new(method: reqwest::Method, template: &'static str) -> Self {
        Self {
            operation_id: "",
            template,
            method,
            path: template.to_string(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            security: &[],
            retry: None,
            timeout: None,
            session: None,
            options: super::options::RequestOptions::default(),
            url: None,
            invalid: None,
        }
    }

    /// Fills `{name}` in the path with the encoded value.
    pub(crate) fn path(mut self, name: &str, value: &impl serde::Serialize, style: Style, explode: bool) -> Self {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Null) => self.invalid = Some(format!("path parameter `{name}` has no value")),
            Ok(v) => {
                let text = joined(name, &v, style, explode, encode_segment).unwrap_or_default();
                self.path = self.path.replace(&format!("{{{name}}}"), &text);
            }
            Err(e) => self.invalid = Some(format!("path parameter `{name}` cannot be encoded: {e}")),
        }
        self
    }

    /// Adds a query parameter. Absent (`None`) values add nothing.
    pub(crate) fn query(mut self, name: &str, value: &impl serde::Serialize, style: Style, explode: bool) -> Self {
        match serde_json::to_value(value) {
            Ok(v) => self.query.extend(pairs(name, &v, style, explode)),
            Err(e) => self.invalid = Some(format!("query parameter `{name}` cannot be encoded: {e}")),
        }
        self
    }

    /// Adds a header (style simple). Absent values add nothing.
    pub(crate) fn header(mut self, name: &str, value: &impl serde::Serialize, explode: bool) -> Self {
        match serde_json::to_value(value) {
            Ok(v) => {
                if let Some(text) = joined(name, &v, Style::Simple, explode, str::to_string) {
                    self.headers.push((name.to_string(), text));
                }
            }
            Err(e) => self.invalid = Some(format!("header `{name}` cannot be encoded: {e}")),
        }
        self
    }

    /// Adds a cookie (style form). Absent values add nothing.
    pub(crate) fn cookie(mut self, name: &str, value: &impl serde::Serialize, explode: bool) -> Self {
        match serde_json::to_value(value) {
            Ok(v) => self.cookies.extend(pairs(name, &v, Style::Form, explode)),
            Err(e) => self.invalid = Some(format!("cookie `{name}` cannot be encoded: {e}")),
        }
        self
    }

    /// Sets a JSON body.
    pub(crate) fn json(mut self, body: &impl serde::Serialize) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some((Body::Json(bytes), "application/json".to_string())),
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
                    ser.extend(pairs(k, v, Style::Form, true));
                }
                let encoded = ser
                    .iter()
                    .map(|(k, v)| format!("{}={}", encode_form(k), encode_form(v)))
                    .collect::<Vec<_>>()
                    .join("&");
                self.body = Some((Body::Form(encoded), "application/x-www-form-urlencoded".to_string()));
            }
            Ok(_) => self.invalid = Some("a form body must be an object".to_string()),
            Err(e) => self.invalid = Some(format!("the body cannot be encoded: {e}")),
        }
        self
    }

    /// Sets a text body.
    pub(crate) fn text(mut self, body: String, content_type: &str) -> Self {
        self.body = Some((Body::Text(body), content_type.to_string()));
        self
    }

    /// Sets a raw body.
    pub(crate) fn bytes(mut self, body: Vec<u8>, content_type: &str) -> Self {
        self.body = Some((Body::Bytes(body), content_type.to_string()));
        self
    }

    /// Sets a `multipart/form-data` body.
    pub(crate) fn multipart(mut self, parts: Multipart) -> Self {
        let boundary = parts.boundary();
        let content_type = format!("multipart/form-data; boundary={boundary}");
        self.body = Some((Body::Bytes(parts.encode(&boundary)), content_type));
        self
    }

    /// Retries the call as the operation's `x-speakeasy-retries` says.
    pub(crate) fn retry(mut self, policy: super::retry::Retry) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The operation's timeout in milliseconds (`x-speakeasy-timeout`).
    pub(crate) fn timeout_ms(mut self, ms: u64) -> Self {
        self.timeout = Some(std::time::Duration::from_millis(ms));
        self
    }

    /// What a success does to the session.
    pub(crate) fn session(mut self, role: super::session::SessionRole) -> Self {
        self.session = Some(role);
        self
    }

    /// The operation's `operationId`.
    pub(crate) fn operation(mut self, id: &'static str) -> Self {
        self.operation_id = id;
        self
    }

    /// The caller's overrides.
    pub(crate) fn options(mut self, options: super::options::RequestOptions) -> Self {
        self.options = options;
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
        let c = Call::new(reqwest::Method::GET, "/items/{id}/x").path("id", &"../admin?x=1#y", Style::Simple, false);
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
            .header("x-debug-mode", &none, false)
            .header("x-list", &vec![1i64, 2], false)
            .query("tag", &vec!["a".to_string(), "b c".to_string()], Style::Form, true)
            .query("flag", &Some(true), Style::Form, true);
        assert_eq!(c.headers, vec![("x-list".to_string(), "1,2".to_string())]);
        assert_eq!(c.query, vec![("tag".into(), "a".into()), ("tag".into(), "b c".into()), ("flag".into(), "true".into())]);
    }

    /// The examples of the OpenAPI 3.0 style table: `color` as a string, array and object.
    #[test]
    fn styles_follow_the_openapi_table() {
        use serde_json::json;
        let blue = json!("blue");
        let array = json!(["blue", "black", "brown"]);
        let object = json!({"R": 100, "G": 200, "B": 150});
        let path = |v: &serde_json::Value, style, explode| joined("color", v, style, explode, encode_segment).unwrap();
        assert_eq!(path(&blue, Style::Simple, false), "blue");
        assert_eq!(path(&array, Style::Simple, false), "blue,black,brown");
        assert_eq!(path(&object, Style::Simple, false), "R,100,G,200,B,150");
        assert_eq!(path(&object, Style::Simple, true), "R=100,G=200,B=150");
        assert_eq!(path(&blue, Style::Label, false), ".blue");
        assert_eq!(path(&array, Style::Label, true), ".blue.black.brown");
        assert_eq!(path(&object, Style::Label, false), ".R,100,G,200,B,150");
        assert_eq!(path(&object, Style::Label, true), ".R=100.G=200.B=150");
        assert_eq!(path(&blue, Style::Matrix, false), ";color=blue");
        assert_eq!(path(&array, Style::Matrix, false), ";color=blue,black,brown");
        assert_eq!(path(&array, Style::Matrix, true), ";color=blue;color=black;color=brown");
        assert_eq!(path(&object, Style::Matrix, true), ";R=100;G=200;B=150");
        let query = |v: &serde_json::Value, style, explode| {
            pairs("color", v, style, explode).into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
        };
        assert_eq!(query(&array, Style::Form, true), "color=blue&color=black&color=brown");
        assert_eq!(query(&array, Style::Form, false), "color=blue,black,brown");
        assert_eq!(query(&object, Style::Form, true), "R=100&G=200&B=150");
        assert_eq!(query(&object, Style::Form, false), "color=R,100,G,200,B,150");
        assert_eq!(query(&array, Style::SpaceDelimited, false), "color=blue black brown");
        assert_eq!(query(&array, Style::PipeDelimited, false), "color=blue|black|brown");
        assert_eq!(query(&object, Style::DeepObject, true), "color[R]=100&color[G]=200&color[B]=150");
        assert_eq!(query(&json!(null), Style::Form, true), "");
    }

    #[test]
    fn multipart_bodies_have_text_json_and_file_parts() {
        let mut m = Multipart::default();
        m.field("name", &"Rex");
        m.field("tags", &vec!["a", "b"]);
        m.field("meta", &serde_json::json!({"k": 1}));
        m.field("absent", &Option::<String>::None);
        m.file("photo", &[0xff, 0x00]);
        let body = m.encode("B");
        let expected = b"--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nRex\r\n\
            --B\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\na\r\n\
            --B\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nb\r\n\
            --B\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"k\":1}\r\n\
            --B\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"photo\"\r\nContent-Type: application/octet-stream\r\n\r\n\xff\x00\r\n\
            --B--\r\n";
        assert_eq!(body, expected.to_vec());
        assert!(m.boundary().starts_with("sdkforge-"));
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
