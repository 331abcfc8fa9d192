//! Valid request inputs for the contract tests, built from the document after overlays: a
//! scalar's `example`, `default`, `enum` or `const`, else a value made from its schema (type,
//! format, bounds). Objects get their required properties (never `readOnly` ones), arrays one
//! item, `allOf` the merge of its members, `oneOf`/`anyOf` the first member (with its
//! discriminator value). Values are JSON that decodes into the generated Rust types: binary
//! strings become byte arrays.

use serde_json::{Map, Value, json};

/// How deep schemas are followed before giving up on a (recursive) required chain.
const MAX_DEPTH: usize = 12;

/// Why no valid input could be built.
pub type Unbuildable = String;

/// Builds inputs from one document.
pub struct Inputs<'a> {
    doc: &'a Value,
}

impl<'a> Inputs<'a> {
    /// Inputs from `doc`, the document after overlays.
    pub fn new(doc: &'a Value) -> Self {
        Self { doc }
    }

    /// The value at a JSON pointer (`#/paths/~1pos/post`).
    pub fn at(&self, pointer: &str) -> Option<&'a Value> {
        self.doc.pointer(pointer.strip_prefix('#').unwrap_or(pointer))
    }

    /// Follows `$ref`s (local ones only).
    pub fn deref(&self, mut v: &'a Value) -> Result<&'a Value, Unbuildable> {
        for _ in 0..32 {
            match v.get("$ref").and_then(Value::as_str) {
                Some(r) if r.starts_with('#') => v = self.at(r).ok_or_else(|| format!("`$ref` `{r}` points at nothing"))?,
                Some(r) => return Err(format!("external `$ref` `{r}`")),
                None => return Ok(v),
            }
        }
        Err("a `$ref` cycle".to_string())
    }

    /// The parameter of the operation at `op_pointer` with this name and location (`in`),
    /// declared on the operation or its path item.
    pub fn parameter(&self, op_pointer: &str, name: &str, location: &str) -> Result<&'a Value, Unbuildable> {
        let op = self.at(op_pointer).ok_or("the operation is not in the document")?;
        let item_pointer = op_pointer.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
        let item = self.at(item_pointer).map(|i| self.deref(i)).transpose()?;
        for list in [op.get("parameters"), item.and_then(|i| i.get("parameters"))].into_iter().flatten() {
            for p in list.as_array().into_iter().flatten() {
                let p = self.deref(p)?;
                if p.get("name").and_then(Value::as_str) == Some(name) && p.get("in").and_then(Value::as_str) == Some(location) {
                    return Ok(p);
                }
            }
        }
        Err(format!("parameter `{name}` in {location} not found"))
    }

    /// A valid value of a parameter object.
    pub fn parameter_value(&self, param: &'a Value) -> Result<Value, Unbuildable> {
        if let Some(v) = param.get("example").filter(|v| is_scalar(v)) {
            return Ok(v.clone());
        }
        if let Some(v) = first_example(param.get("examples")).filter(is_scalar) {
            return Ok(v);
        }
        match param.get("schema") {
            Some(s) => self.value(s, 0),
            None => Ok(json!("string")),
        }
    }

    /// A valid request body of the operation at `op_pointer`, for this media type.
    pub fn body_value(&self, op_pointer: &str, media_type: &str) -> Result<Value, Unbuildable> {
        let op = self.at(op_pointer).ok_or("the operation is not in the document")?;
        let body = self.deref(op.get("requestBody").ok_or("no request body")?)?;
        let media = body.get("content").and_then(|c| c.get(media_type)).ok_or_else(|| format!("no `{media_type}` request body"))?;
        match media.get("schema") {
            Some(s) => self.value(s, 0),
            None => Ok(json!({})),
        }
    }

    /// A valid value of a schema.
    pub fn value(&self, schema: &'a Value, depth: usize) -> Result<Value, Unbuildable> {
        if depth > MAX_DEPTH {
            return Err("a required property chain deeper than 12 schemas (recursive?)".to_string());
        }
        let s = self.deref(schema)?;
        if let Some(v) = s.get("const") {
            return Ok(v.clone());
        }
        let allowed = s.get("enum").and_then(Value::as_array).filter(|e| !e.is_empty());
        let example = s.get("example").cloned().or_else(|| s.get("examples").and_then(Value::as_array).and_then(|e| e.first().cloned()));
        for candidate in [example, s.get("default").cloned()].into_iter().flatten() {
            if is_scalar(&candidate) && !candidate.is_null() && allowed.is_none_or(|a| a.contains(&candidate)) && fits(s, &candidate) {
                return Ok(candidate);
            }
        }
        if let Some(first) = allowed.and_then(|a| a.iter().find(|v| !v.is_null())) {
            return Ok(first.clone());
        }
        if let Some(members) = s.get("allOf").and_then(Value::as_array) {
            return self.all_of(s, members, depth);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(members) = s.get(key).and_then(Value::as_array) {
                let member = members
                    .iter()
                    .find(|m| self.deref(m).is_ok_and(|m| m.get("type").and_then(Value::as_str) != Some("null")))
                    .ok_or_else(|| format!("`{key}` without a usable member"))?;
                let mut v = self.value(member, depth + 1)?;
                self.set_discriminator(s, member, &mut v);
                return Ok(v);
            }
        }
        match schema_type(s) {
            Some("object") => self.object(s, depth),
            Some("array") => {
                let items = s.get("items").map(|i| self.value(i, depth + 1)).transpose()?.unwrap_or(json!("string"));
                let n = s.get("minItems").and_then(Value::as_u64).unwrap_or(1).max(1);
                Ok(Value::Array(vec![items; n.min(16) as usize]))
            }
            Some("integer") => Ok(json!(integer(s))),
            Some("number") => Ok(number(s)),
            Some("boolean") => Ok(json!(true)),
            Some("string") | None => Ok(string(s)),
            Some(other) => Err(format!("schema type `{other}`")),
        }
    }

    fn object(&self, s: &'a Value, depth: usize) -> Result<Value, Unbuildable> {
        let mut out = Map::new();
        let props = s.get("properties").and_then(Value::as_object);
        for name in s.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            let Some(prop) = props.and_then(|p| p.get(name)) else {
                out.insert(name.to_string(), json!("string"));
                continue;
            };
            if self.deref(prop)?.get("readOnly").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let v = self.value(prop, depth + 1).map_err(|e| format!("property `{name}`: {e}"))?;
            out.insert(name.to_string(), v);
        }
        Ok(Value::Object(out))
    }

    fn all_of(&self, s: &'a Value, members: &'a [Value], depth: usize) -> Result<Value, Unbuildable> {
        // Object members (and `properties`/`required` beside `allOf`) make one object schema.
        let mut merged = Map::new();
        let (mut properties, mut required) = (Map::new(), Vec::new());
        self.flatten(s, &mut properties, &mut required, 0)?;
        if properties.is_empty() && required.is_empty() {
            // Scalar members: the first one's value.
            return match members.first() {
                Some(m) => self.value(m, depth + 1),
                None => Ok(json!({})),
            };
        }
        for name in required.iter().filter_map(Value::as_str) {
            let Some(prop) = properties.get(name) else {
                merged.insert(name.to_string(), json!("string"));
                continue;
            };
            if self.deref(prop)?.get("readOnly").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let v = self.value(prop, depth + 1).map_err(|e| format!("property `{name}`: {e}"))?;
            merged.insert(name.to_string(), v);
        }
        Ok(Value::Object(merged))
    }

    /// The properties and required names of a schema and, through `allOf`, of its members.
    fn flatten(&self, s: &'a Value, properties: &mut Map<String, Value>, required: &mut Vec<Value>, depth: usize) -> Result<(), Unbuildable> {
        if depth > MAX_DEPTH {
            return Err("`allOf` nested too deep".to_string());
        }
        let s = self.deref(s)?;
        for (k, v) in s.get("properties").and_then(Value::as_object).into_iter().flatten() {
            properties.entry(k.clone()).or_insert_with(|| v.clone());
        }
        for r in s.get("required").and_then(Value::as_array).into_iter().flatten() {
            if !required.contains(r) {
                required.push(r.clone());
            }
        }
        for m in s.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            self.flatten(m, properties, required, depth + 1)?;
        }
        Ok(())
    }

    /// Sets the discriminator property of a union's chosen member to the value that selects it.
    fn set_discriminator(&self, union: &Value, member: &Value, v: &mut Value) {
        let Some(d) = union.get("discriminator") else { return };
        let (Some(prop), Some(obj)) = (d.get("propertyName").and_then(Value::as_str), v.as_object_mut()) else { return };
        let Some(target) = member.get("$ref").and_then(Value::as_str) else { return };
        let mapped = d.get("mapping").and_then(Value::as_object).and_then(|m| {
            m.iter().find(|(_, to)| to.as_str() == Some(target) || to.as_str().is_some_and(|t| target.ends_with(&format!("/{t}")))).map(|(k, _)| k.clone())
        });
        let tag = mapped.unwrap_or_else(|| target.rsplit('/').next().unwrap_or(target).to_string());
        // An enum or const on the property already holds the right value.
        let fixed = self.deref(member).ok().and_then(|m| m.pointer(&format!("/properties/{}", prop.replace('~', "~0").replace('/', "~1")))).and_then(|p| self.deref(p).ok()).is_some_and(|p| p.get("enum").is_some() || p.get("const").is_some());
        if !fixed {
            obj.insert(prop.to_string(), Value::String(tag));
        }
    }
}

fn first_example(examples: Option<&Value>) -> Option<Value> {
    examples?.as_object()?.values().find_map(|e| e.get("value").cloned())
}

fn is_scalar(v: &Value) -> bool {
    !v.is_object() && !v.is_array()
}

fn schema_type(s: &Value) -> Option<&str> {
    match s.get("type") {
        Some(Value::String(t)) => Some(t.as_str()),
        // OpenAPI 3.1 type lists: the first that is not `null`.
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ if s.get("properties").is_some() || s.get("additionalProperties").is_some() => Some("object"),
        _ if s.get("items").is_some() => Some("array"),
        _ => None,
    }
}

/// Whether an example or default has the schema's type and bounds (documents get them wrong).
fn fits(s: &Value, v: &Value) -> bool {
    let in_bounds = |n: f64| {
        s.get("minimum").and_then(Value::as_f64).is_none_or(|m| n >= m) && s.get("maximum").and_then(Value::as_f64).is_none_or(|m| n <= m)
    };
    match (schema_type(s), v) {
        (Some("integer"), Value::Number(n)) => n.is_i64() && in_bounds(n.as_f64().unwrap_or(0.0)),
        (Some("number"), Value::Number(n)) => in_bounds(n.as_f64().unwrap_or(0.0)),
        (Some("boolean"), Value::Bool(_)) => true,
        (Some("string") | None, Value::String(t)) => {
            let len = t.chars().count() as u64;
            s.get("format").and_then(Value::as_str) != Some("binary")
                && s.get("minLength").and_then(Value::as_u64).is_none_or(|m| len >= m)
                && s.get("maxLength").and_then(Value::as_u64).is_none_or(|m| len <= m)
        }
        _ => false,
    }
}

fn integer(s: &Value) -> i64 {
    let min = s.get("minimum").and_then(Value::as_f64).map(|m| {
        let exclusive = s.get("exclusiveMinimum").and_then(Value::as_bool) == Some(true);
        if exclusive { m.floor() as i64 + 1 } else { m.ceil() as i64 }
    });
    let min = min.or_else(|| s.get("exclusiveMinimum").and_then(Value::as_f64).map(|m| m.floor() as i64 + 1));
    let max = s.get("maximum").and_then(Value::as_f64).map(|m| m.floor() as i64);
    let step = s.get("multipleOf").and_then(Value::as_i64).filter(|m| *m > 0).unwrap_or(1);
    let mut v = min.unwrap_or(1);
    if v % step != 0 {
        v += step - v.rem_euclid(step);
    }
    match max {
        Some(m) if v > m => m,
        _ => v,
    }
}

fn number(s: &Value) -> Value {
    if s.get("multipleOf").is_some() || s.get("minimum").is_some() || s.get("maximum").is_some() {
        return json!(integer(s));
    }
    json!(1.5)
}

fn string(s: &Value) -> Value {
    if let Some(v) = s.get("pattern").and_then(Value::as_str).and_then(super::pattern::sample) {
        let len = v.chars().count() as u64;
        let fits = s.get("minLength").and_then(Value::as_u64).is_none_or(|m| len >= m)
            && s.get("maxLength").and_then(Value::as_u64).is_none_or(|m| len <= m);
        if fits {
            return Value::String(v);
        }
    }
    let format = s.get("format").and_then(Value::as_str).unwrap_or("");
    let base = match format {
        "binary" => return json!([104, 105]),
        "date-time" => "2024-01-02T03:04:05Z",
        "date" => "2024-01-02",
        "time" => "03:04:05",
        "email" | "idn-email" => "user@example.com",
        "uuid" => "123e4567-e89b-12d3-a456-426614174000",
        "uri" | "url" | "iri" | "uri-reference" => "https://example.com/x",
        "hostname" | "idn-hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "c3RyaW5n",
        "duration" => "P1D",
        _ => "string",
    };
    let mut v = base.to_string();
    if let Some(min) = s.get("minLength").and_then(Value::as_u64) {
        while (v.chars().count() as u64) < min {
            v.push('x');
        }
    }
    if let Some(max) = s.get("maxLength").and_then(Value::as_u64) {
        v = v.chars().take(max as usize).collect();
    }
    Value::String(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(doc: Value, schema: &str) -> Value {
        let inputs = Inputs::new(&doc);
        inputs.value(inputs.at(schema).unwrap(), 0).unwrap()
    }

    #[test]
    fn objects_get_their_required_writable_properties_from_examples_and_formats() {
        let doc = json!({"components": {"schemas": {
            "Login": {"type": "object", "required": ["email", "id", "code", "kind", "n"], "properties": {
                "email": {"type": "string", "format": "email"},
                "id": {"type": "string", "readOnly": true},
                "code": {"type": "string", "example": "123456", "minLength": 6},
                "kind": {"$ref": "#/components/schemas/Kind"},
                "n": {"type": "integer", "minimum": 3, "example": 99, "maximum": 10},
                "optional": {"type": "string"}
            }},
            "Kind": {"type": "string", "enum": ["login", "pair"]}
        }}});
        assert_eq!(build(doc, "#/components/schemas/Login"), json!({"email": "user@example.com", "code": "123456", "kind": "login", "n": 3}));
    }

    #[test]
    fn unions_take_the_first_member_with_its_discriminator_and_all_of_merges() {
        let doc = json!({"components": {"schemas": {
            "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}], "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}},
            "Cat": {"allOf": [{"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}}, {"type": "object", "required": ["lives"], "properties": {"lives": {"type": "integer"}}}]}
        }}});
        assert_eq!(build(doc, "#/components/schemas/Pet"), json!({"kind": "cat", "lives": 1}));
    }

    #[test]
    fn strings_respect_length_and_binary_becomes_bytes() {
        assert_eq!(string(&json!({"minLength": 8})), json!("stringxx"));
        assert_eq!(string(&json!({"maxLength": 3})), json!("str"));
        assert_eq!(string(&json!({"pattern": "^[0-9]{10}$"})), json!("0000000000"));
        assert_eq!(string(&json!({"format": "binary"})), json!([104, 105]));
        assert_eq!(integer(&json!({"minimum": 0, "exclusiveMinimum": true})), 1);
        assert_eq!(integer(&json!({"minimum": 5, "multipleOf": 4})), 8);
        assert_eq!(integer(&json!({"maximum": 0})), 0);
    }

    #[test]
    fn parameters_come_from_the_operation_or_its_path_item() {
        let doc = json!({"paths": {"/a/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}, "example": 7}],
            "get": {"parameters": [{"$ref": "#/components/parameters/Q"}]}
        }}, "components": {"parameters": {"Q": {"name": "q", "in": "query", "schema": {"type": "string", "enum": ["x"]}}}}});
        let inputs = Inputs::new(&doc);
        let op = "#/paths/~1a~1{id}/get";
        assert_eq!(inputs.parameter_value(inputs.parameter(op, "id", "path").unwrap()).unwrap(), json!(7));
        assert_eq!(inputs.parameter_value(inputs.parameter(op, "q", "query").unwrap()).unwrap(), json!("x"));
        assert!(inputs.parameter(op, "nope", "query").unwrap_err().contains("not found"));
    }
}
