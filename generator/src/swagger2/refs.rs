//! `$ref`s into the places a 2.0 document keeps its shared nodes, rewritten to where OpenAPI 3.0
//! keeps them.

use serde_json::Value;

/// How deep [`rewrite_all`] walks (a document nests nothing this deep; a hostile one stops here).
const WALK_LIMIT: usize = crate::resolve::WALK_LIMIT;

/// The 2.0 sections and where 3.0 keeps them (as fragments of a reference).
const SECTIONS: &[(&str, &str)] = &[("/definitions/", "/components/schemas/"), ("/parameters/", "/components/parameters/"), ("/responses/", "/components/responses/")];

/// `#/definitions/Pet` → `#/components/schemas/Pet`, `#/parameters/X` and `#/responses/X`
/// likewise. A reference to another file keeps its file part and has its fragment rewritten the
/// same way (that file is converted too when it is loaded). Anything else is kept as written.
pub(super) fn rewrite(reference: &str) -> String {
    let Some((file, fragment)) = reference.split_once('#') else { return reference.to_string() };
    for (from, to) in SECTIONS {
        if let Some(rest) = fragment.strip_prefix(from) {
            return format!("{file}#{to}{rest}");
        }
    }
    reference.to_string()
}

/// Rewrites every `$ref` inside `v` (an extension's value: `x-speakeasy-globals` refers to
/// parameters), except in examples, which are data.
pub(super) fn rewrite_all(v: &mut Value, depth: usize) {
    if depth > WALK_LIMIT {
        return;
    }
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                *r = rewrite(r);
            }
            for (k, child) in map.iter_mut() {
                if k != "example" && k != "examples" && k != "$ref" {
                    rewrite_all(child, depth + 1);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite_all(i, depth + 1)),
        _ => {}
    }
}
