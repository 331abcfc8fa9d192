//! Webhooks → [`Webhook`]s: the requests the API sends to its users' servers, each with its
//! payload type and, when the payloads allow it, the value of the property that tells them apart.
//!
//! They are read from the root extension that OpenAPI 3.1's `webhooks` become in
//! [`crate::normalise31`] (`x-sdkforge-webhooks`), else from OpenAPI 3.0's `x-webhooks` (the same
//! shape: names → path items). Each webhook's operation (`post`, else its first) carries the
//! payload as its request body; the payload's schema is lowered through the same
//! [`TypeSpace`] as the operations' bodies, so payload types are ordinary `types`.
//!
//! **Discriminator.** Once every type is lowered, [`discriminate`] looks for a property that
//! every payload (a struct, directly or through aliases) has with a single value (a one-value
//! `enum`, which is also what a 3.1 `const` becomes), a different value per webhook: `type`,
//! `event`, `event_type`, `eventType`, `kind` first, then the first payload's other properties in
//! order. When there is one, the generated `WebhookEvent::parse` decodes by its value; when
//! there is none, it tries each payload in document order.

use super::naming::{self, Namespace};
use super::operations::{media_type_ref, pick_media};
use super::types::TypeSpace;
use super::{BodyEncoding, TypeDef, TypeKind, TypeRef, speakeasy};
use crate::diagnostics::{Diagnostic, Diagnostics, escape_pointer_segment};
use crate::resolve::resolve;
use openapiv3::{OpenAPI, PathItem};
use serde::{Deserialize, Serialize};

/// The root extensions webhooks are read from, in order of preference: a 3.1 document's
/// (normalised) `webhooks`, then OpenAPI 3.0's `x-webhooks`.
pub const EXTENSIONS: &[&str] = &[crate::normalise31::WEBHOOKS, "x-webhooks"];

/// Property names preferred as the discriminator, in order (others follow in field order).
const PREFERRED_TAGS: &[&str] = &["type", "event", "event_type", "eventType", "kind"];

/// Variant names the generated `WebhookEvent` keeps for itself.
const RESERVED_VARIANTS: &[&str] = &["Unknown"];

/// A webhook: one variant of the generated `WebhookEvent`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Webhook {
    /// The webhook's name, as the document's key (`order.created`); `parse_named` takes it.
    pub name: String,
    /// Where its operation is (`#/webhooks/order.created/post`).
    pub pointer: String,
    /// The variant name (`OrderCreated`).
    pub variant: String,
    /// The operation's `summary`.
    pub summary: Option<String>,
    /// The operation's `description`.
    pub description: Option<String>,
    /// The payload's type (the request body's); any JSON value when it has no JSON body.
    pub payload: TypeRef,
    /// The property and value that select this webhook, when every webhook has one (always the
    /// same property).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discriminator: Option<WebhookTag>,
}

/// The value of a payload property that selects one webhook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookTag {
    /// The property's name on the wire (`type`).
    pub property: String,
    /// Its value for this webhook (`order.created`).
    pub value: String,
}

/// A webhook's path item read from the extension, before lowering.
pub(crate) struct Parsed {
    name: String,
    /// Where the path item is.
    pointer: String,
    item: PathItem,
}

/// Reads the webhooks' path items from the document's root extension. A path item the 3.0
/// model cannot read, or one given as a `$ref`, is left out with a warning.
pub(crate) fn parse(doc: &OpenAPI, diags: &mut Diagnostics) -> Vec<Parsed> {
    let Some((key, value)) = EXTENSIONS.iter().find_map(|k| doc.extensions.get(*k).map(|v| (*k, v))) else { return Vec::new() };
    let at = format!("#/{key}");
    let Some(map) = value.as_object() else {
        diags.push(Diagnostic::warning("webhooks are not a map of names to path items; none is generated").pointer(at));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, item) in map {
        let pointer = format!("{at}/{}", escape_pointer_segment(name));
        if item.get("$ref").is_some() {
            diags.push(
                Diagnostic::warning(format!("webhook `{name}` is a `$ref`; only path items written in place (or 3.1 `components.pathItems`) are read"))
                    .pointer(format!("{pointer}/$ref")),
            );
            continue;
        }
        // Read plainly first, then again tracking the path when that fails.
        match <PathItem as serde::Deserialize>::deserialize(item).or_else(|_| serde_path_to_error::deserialize::<_, PathItem>(item)) {
            Ok(item) => out.push(Parsed { name: name.clone(), pointer, item }),
            Err(e) => {
                let inner = crate::diagnostics::pointer_from(e.path().iter().map(|s| s.to_string()));
                diags.push(
                    Diagnostic::warning(format!("webhook `{name}` is not a valid path item ({}); it is not generated", e.inner()))
                        .pointer(format!("{pointer}{}", inner.trim_start_matches('#'))),
                );
            }
        }
    }
    out
}

/// Lowers each webhook's payload into `types`; discriminators are found afterwards by
/// [`discriminate`].
pub(crate) fn lower<'a>(doc: &'a OpenAPI, parsed: &'a [Parsed], types: &mut TypeSpace<'a>, diags: &mut Diagnostics) -> Vec<Webhook> {
    let mut variants = Namespace::with_reserved(RESERVED_VARIANTS);
    let mut out = Vec::new();
    for p in parsed {
        // A webhook is a POST in practice; another method stands in when there is none.
        let Some((method, op)) = p.item.post.as_ref().map(|op| ("post", op)).or_else(|| p.item.iter().next()) else {
            diags.push(Diagnostic::warning(format!("webhook `{}` has no operation; it is not generated", p.name)).pointer(p.pointer.clone()));
            continue;
        };
        let pointer = format!("{}/{method}", p.pointer);
        match speakeasy::ignored(&op.extensions, &pointer) {
            Ok(true) => continue,
            Ok(false) => {}
            Err(d) => {
                diags.push(d);
                continue;
            }
        }
        let variant = variants.claim(&naming::pascal(&p.name, "Webhook", "W"));
        let payload = payload(doc, op, &pointer, &variant, types, diags);
        out.push(Webhook {
            name: p.name.clone(),
            pointer,
            variant,
            summary: op.summary.clone(),
            description: op.description.clone(),
            payload,
            discriminator: None,
        });
    }
    out
}

/// The type of a webhook operation's JSON request body.
fn payload<'a>(doc: &'a OpenAPI, op: &'a openapiv3::Operation, pointer: &str, variant: &str, types: &mut TypeSpace<'a>, diags: &mut Diagnostics) -> TypeRef {
    let Some(r) = &op.request_body else { return TypeRef::Json };
    let at = format!("{pointer}/requestBody");
    let Ok(resolved) = resolve(doc, r, &at).map_err(|d| diags.push(d)) else { return TypeRef::Json };
    let Some((media_type, media, encoding)) = pick_media(&resolved.item.content) else { return TypeRef::Json };
    if encoding != BodyEncoding::Json {
        diags.push(
            Diagnostic::warning(format!("webhook payload `{media_type}` is not JSON; it is read as a JSON value"))
                .pointer(format!("{}/content/{}", resolved.pointer, escape_pointer_segment(media_type))),
        );
        return TypeRef::Json;
    }
    let schema_at = format!("{}/content/{}/schema", resolved.pointer, escape_pointer_segment(media_type));
    let hint = match &resolved.name {
        Some(n) => naming::pascal(n, "Body", "B"),
        None => format!("{variant}Payload"),
    };
    media_type_ref(types, encoding, media, &schema_at, &hint)
}

/// Finds the discriminator of the webhooks (see the module docs) and records each webhook's
/// value; leaves them all without one when there is none.
pub(crate) fn discriminate(webhooks: &mut [Webhook], defs: &[TypeDef]) {
    let fields: Option<Vec<&[super::Field]>> = webhooks.iter().map(|w| struct_fields(defs, &w.payload)).collect();
    let Some(fields) = fields else { return };
    let Some(first) = fields.first() else { return };
    let mut candidates: Vec<&str> = first.iter().map(|f| f.wire_name.as_str()).collect();
    candidates.sort_by_key(|c| PREFERRED_TAGS.iter().position(|p| p == c).unwrap_or(PREFERRED_TAGS.len()));
    for property in candidates {
        let values: Option<Vec<String>> =
            fields.iter().map(|fs| fs.iter().find(|f| f.wire_name == property).and_then(|f| single_value(defs, &f.ty))).collect();
        let Some(values) = values else { continue };
        let distinct: std::collections::BTreeSet<&String> = values.iter().collect();
        if distinct.len() != values.len() {
            continue;
        }
        for (w, value) in webhooks.iter_mut().zip(values) {
            w.discriminator = Some(WebhookTag { property: property.to_string(), value });
        }
        return;
    }
}

/// The type definition a type names, through aliases.
fn definition<'d>(defs: &'d [TypeDef], ty: &TypeRef) -> Option<&'d TypeDef> {
    let mut ty = ty;
    for _ in 0..16 {
        let TypeRef::Named(name) = ty else { return None };
        let def = defs.iter().find(|d| &d.name == name)?;
        match &def.kind {
            TypeKind::Alias { target } => ty = target,
            _ => return Some(def),
        }
    }
    None
}

/// The fields of a payload that is a struct.
fn struct_fields<'d>(defs: &'d [TypeDef], ty: &TypeRef) -> Option<&'d [super::Field]> {
    match &definition(defs, ty)?.kind {
        TypeKind::Struct { fields, .. } => Some(fields),
        _ => None,
    }
}

/// The one value a property of this type can hold: a string enum of one value.
fn single_value(defs: &[TypeDef], ty: &TypeRef) -> Option<String> {
    match &definition(defs, ty)?.kind {
        TypeKind::Enum { variants, .. } => match variants.as_slice() {
            [only] => Some(only.wire_value.clone()),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, CrateNames, TypeRef};

    fn lower(doc: serde_json::Value) -> (Api, Vec<String>) {
        let doc: openapiv3::OpenAPI = serde_json::from_value(doc).expect("a 3.0 document");
        let names = CrateNames { crate_name: "x".into(), lib_name: "x".into(), crate_version: "0.1.0".into(), source_name: "x.yaml".into(), formats: Default::default() };
        let (api, diags) = crate::ir::lower(&doc, &names).unwrap_or_else(|d| panic!("{d}"));
        (api, diags.iter().map(|d| format!("{} @ {}", d.message, d.pointer.as_deref().unwrap_or(""))).collect())
    }

    fn post(schema: serde_json::Value) -> serde_json::Value {
        serde_json::json!({"post": {"summary": "S", "requestBody": {"content": {"application/json": {"schema": schema}}}, "responses": {"200": {"description": "ok"}}}})
    }

    fn event(tag: &str, value: &str) -> serde_json::Value {
        serde_json::json!({"type": "object", "required": [tag, "data"], "properties": {
            "id": {"type": "string"}, tag: {"type": "string", "enum": [value]}, "data": {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}}
        }})
    }

    #[test]
    fn x_webhooks_payloads_are_types_and_a_single_value_property_discriminates() {
        let (api, warnings) = lower(serde_json::json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "x-webhooks": {
                "order.created": post(serde_json::json!({"$ref": "#/components/schemas/OrderCreated"})),
                "order-paid": post(serde_json::json!({"type": "object", "properties": {
                    "event": {"type": "string", "enum": ["order.paid"]}, "type": {"type": "string", "enum": ["same"]}
                }})),
            },
            "components": {"schemas": {"OrderCreated": {
                "type": "object", "properties": {"type": {"type": "string", "enum": ["same"]}, "event": {"type": "string", "enum": ["order.created"]}}
            }}}
        }));
        assert!(warnings.is_empty(), "{warnings:?}");
        type Summary<'a> = (&'a str, &'a str, &'a TypeRef, Option<(&'a str, &'a str)>);
        let summary: Vec<Summary<'_>> = api
            .webhooks
            .iter()
            .map(|w| (w.name.as_str(), w.variant.as_str(), &w.payload, w.discriminator.as_ref().map(|t| (t.property.as_str(), t.value.as_str()))))
            .collect();
        // `type` is preferred, but both payloads give it the same value: `event` tells them apart.
        assert_eq!(
            summary,
            [
                ("order.created", "OrderCreated", &TypeRef::Named("OrderCreated".into()), Some(("event", "order.created"))),
                ("order-paid", "OrderPaid", &TypeRef::Named("OrderPaidPayload".into()), Some(("event", "order.paid"))),
            ]
        );
        assert_eq!(api.webhooks[0].pointer, "#/x-webhooks/order.created/post");
        assert!(api.types.iter().any(|t| t.name == "OrderCreated"), "a component only a webhook uses is generated");
    }

    #[test]
    fn type_is_preferred_and_payloads_without_a_common_single_value_are_untagged() {
        let doc = |second: serde_json::Value| {
            serde_json::json!({
                "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
                "x-webhooks": {"a": post(event("type", "a")), "b": post(second), "unknown": post(event("type", "u"))}
            })
        };
        let (api, _) = lower(doc(event("type", "b")));
        let tags: Vec<_> = api.webhooks.iter().map(|w| w.discriminator.clone().map(|t| format!("{}={}", t.property, t.value))).collect();
        assert_eq!(tags, [Some("type=a".to_string()), Some("type=b".into()), Some("type=u".into())]);
        assert_eq!(api.webhooks[2].variant, "Unknown2", "`Unknown` is the enum's own variant");
        // Two webhooks with the same value, a payload that is not a struct, or one without the
        // property: no discriminator.
        for second in [event("type", "a"), serde_json::json!({"type": "string"}), event("kind", "b")] {
            let (api, _) = lower(doc(second.clone()));
            assert!(api.webhooks.iter().all(|w| w.discriminator.is_none()), "{second}");
        }
    }

    #[test]
    fn webhooks_without_a_json_body_or_an_operation_are_reported() {
        let (api, warnings) = lower(serde_json::json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "x-webhooks": {
                "ping": {"post": {"responses": {"200": {"description": "ok"}}}},
                "text": {"post": {"requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}}, "responses": {"200": {"description": "ok"}}}},
                "empty": {},
                "ignored": {"post": {"x-speakeasy-ignore": true, "responses": {"200": {"description": "ok"}}}},
                "bad": {"post": {"responses": 3}},
                "elsewhere": {"$ref": "#/x-hooks/elsewhere"}
            }
        }));
        let names: Vec<(&str, &TypeRef)> = api.webhooks.iter().map(|w| (w.name.as_str(), &w.payload)).collect();
        assert_eq!(names, [("ping", &TypeRef::Json), ("text", &TypeRef::Json)]);
        assert_eq!(
            warnings,
            [
                "webhook `bad` is not a valid path item (invalid type: integer `3`, expected struct Responses); it is not generated @ #/x-webhooks/bad/post/responses",
                "webhook `elsewhere` is a `$ref`; only path items written in place (or 3.1 `components.pathItems`) are read @ #/x-webhooks/elsewhere/$ref",
                "webhook payload `text/plain` is not JSON; it is read as a JSON value @ #/x-webhooks/text/post/requestBody/content/text~1plain",
                "webhook `empty` has no operation; it is not generated @ #/x-webhooks/empty",
            ]
        );
    }

    #[test]
    fn the_module_yields_to_a_group_named_webhooks() {
        let doc = |tag: &str| {
            serde_json::json!({
                "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                "paths": {"/hooks": {"get": {"operationId": "listEndpoints", "tags": [tag], "responses": {"200": {"description": "ok"}}}}},
                "x-webhooks": {"a": post(event("type", "a"))}
            })
        };
        assert_eq!(lower(doc("endpoints")).0.webhooks_module(), Some("webhooks"));
        let (api, _) = lower(doc("Webhooks"));
        assert_eq!(api.root.groups[0].module, "webhooks");
        assert_eq!(api.webhooks_module(), Some("webhook_events"), "the group keeps `client.webhooks()`");
        let files = crate::emit::emit(&api).expect("emits");
        assert!(files.files()["src/webhook_events.rs"].contains("pub enum WebhookEvent"));
        assert!(files.files()["src/webhooks.rs"].contains("list_endpoints"), "the group's module");
        // Payload types come with the opt-in feature of the events, named after their module.
        let features = crate::emit::features::Features::new(&api);
        let TypeRef::Named(payload) = &api.webhooks[0].payload else { panic!() };
        assert_eq!(features.type_cfg(payload).to_string(), quote::quote!(#[cfg(feature = "webhook_events")]).to_string());
        let cargo = &files.files()["Cargo.toml"];
        assert!(cargo.contains("default = [\"webhooks\"]") && cargo.contains("webhook_events = [\"dep:hmac\", \"dep:sha2\"]"), "{cargo}");
    }

    #[test]
    fn documents_without_webhooks_have_none() {
        let (api, _) = lower(serde_json::json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}));
        assert!(api.webhooks.is_empty() && api.webhooks_module().is_none());
        let (api, warnings) = lower(serde_json::json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "x-webhooks": [1]}));
        assert!(api.webhooks.is_empty());
        assert_eq!(warnings, ["webhooks are not a map of names to path items; none is generated @ #/x-webhooks"]);
    }
}
