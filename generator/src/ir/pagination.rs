//! `x-speakeasy-pagination` (`offsetLimit`, `cursor`, `url`), with the validation Speakeasy's
//! generator applies. A block that cannot work is a warning naming what is wrong, and the
//! operation keeps its plain `send` without page iteration.

use super::jsonpath::{self, PathStep};
use super::{BodyEncoding, Operation, ParamLocation, TypeDef, TypeKind, TypeRef};
use crate::diagnostics::{Diagnostic, Diagnostics};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How an operation's pages follow each other.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pagination {
    /// `offsetLimit`, `cursor` or `url`.
    pub kind: PaginationKind,
    /// The page number input (`type: page`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<PageInput>,
    /// The offset input (`type: offset`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<PageInput>,
    /// The page size input (`type: limit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<PageInput>,
    /// The cursor input (`type: cursor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<PageInput>,
    /// `outputs.results`: the items of a page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<PathStep>>,
    /// `outputs.numPages`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_pages: Option<Vec<PathStep>>,
    /// `outputs.nextCursor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<Vec<PathStep>>,
    /// `outputs.nextUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_url: Option<Vec<PathStep>>,
    /// The type of one item, when `results` names an array in the success type (else items
    /// are JSON values).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<TypeRef>,
}

/// `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaginationKind {
    /// Page numbers or offsets.
    OffsetLimit,
    /// A cursor from each response.
    Cursor,
    /// The next page's URL from each response.
    Url,
}

/// Where an input goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageInput {
    /// The parameter's or body property's wire name.
    pub name: String,
    /// Where it is sent.
    pub place: InputPlace,
}

/// Where an input is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputPlace {
    /// A query parameter.
    Query,
    /// A header.
    Header,
    /// A top-level property of the JSON body.
    Body,
}

/// Reads an operation's block; `None` (with a warning when malformed) when there is none or it
/// cannot work. The item type is filled in later, when the types are known.
pub fn lower(ext: &indexmap::IndexMap<String, Value>, op: &Operation, types_of_body: &[TypeDef], diags: &mut Diagnostics) -> Option<Pagination> {
    let v = ext.get("x-speakeasy-pagination")?;
    let at = format!("{}/x-speakeasy-pagination", op.pointer);
    match parse(v, op, types_of_body) {
        Ok(p) => Some(p),
        Err((msg, sub)) => {
            diags.push(
                Diagnostic::warning(format!("`x-speakeasy-pagination`: {msg}; `{}` is generated without page iteration", op.method_name))
                    .pointer(format!("{at}{sub}")),
            );
            None
        }
    }
}

type Problem = (String, String);

fn parse(v: &Value, op: &Operation, types: &[TypeDef]) -> Result<Pagination, Problem> {
    let bad = |m: String, sub: &str| (m, sub.to_string());
    let obj = v.as_object().ok_or_else(|| bad("must be an object with `type`, `inputs` and `outputs`".into(), ""))?;
    let kind = match obj.get("type").and_then(Value::as_str) {
        Some("offsetLimit") => PaginationKind::OffsetLimit,
        Some("cursor") => PaginationKind::Cursor,
        Some("url") => PaginationKind::Url,
        Some(other) => return Err(bad(format!("unknown type `{other}` (offsetLimit, cursor or url)"), "/type")),
        None => return Err(bad("`type` is required (offsetLimit, cursor or url)".into(), "")),
    };
    let mut p = Pagination {
        kind,
        page: None,
        offset: None,
        limit: None,
        cursor: None,
        results: None,
        num_pages: None,
        next_cursor: None,
        next_url: None,
        item: None,
    };
    let inputs = match obj.get("inputs") {
        None => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(_) => return Err(bad("`inputs` must be a list".into(), "/inputs")),
    };
    for (i, input) in inputs.iter().enumerate() {
        let sub = format!("/inputs/{i}");
        let name = input.get("name").and_then(Value::as_str).ok_or_else(|| bad("an input needs a `name`".into(), &sub))?;
        let place = match input.get("in").and_then(Value::as_str) {
            Some("parameters") => match op.params.iter().find(|p| p.wire_name == name).map(|p| p.location) {
                Some(ParamLocation::Query) => InputPlace::Query,
                Some(ParamLocation::Header) => InputPlace::Header,
                Some(other) => return Err(bad(format!("input `{name}` is a {other:?} parameter; only query and header parameters can change per page").to_lowercase(), &sub)),
                None => return Err(bad(format!("input `{name}` is not a parameter of the operation"), &sub)),
            },
            Some("requestBody") => {
                if !body_has(op, types, name) {
                    return Err(bad(format!("input `{name}` is not a top-level property of the operation's JSON body"), &sub));
                }
                InputPlace::Body
            }
            _ => return Err(bad(format!("input `{name}` needs `in: parameters` or `in: requestBody`"), &sub)),
        };
        let slot = match input.get("type").and_then(Value::as_str) {
            Some("page") => &mut p.page,
            Some("offset") => &mut p.offset,
            Some("limit") => &mut p.limit,
            Some("cursor") => &mut p.cursor,
            _ => return Err(bad(format!("input `{name}` needs a `type`: page, offset, limit or cursor"), &sub)),
        };
        *slot = Some(PageInput { name: name.to_string(), place });
    }
    let outputs = match obj.get("outputs") {
        None => serde_json::Map::new(),
        Some(Value::Object(o)) => o.clone(),
        Some(_) => return Err(bad("`outputs` must be an object".into(), "/outputs")),
    };
    for (key, value) in &outputs {
        let sub = format!("/outputs/{key}");
        let text = value.as_str().ok_or_else(|| bad(format!("output `{key}` must be a JSONPath string"), &sub))?;
        let steps = jsonpath::compile(text).map_err(|e| bad(e, &sub))?;
        match key.as_str() {
            "results" => p.results = Some(steps),
            "numPages" => p.num_pages = Some(steps),
            "nextCursor" => p.next_cursor = Some(steps),
            "nextUrl" => p.next_url = Some(steps),
            other => return Err(bad(format!("unknown output `{other}` (results, numPages, nextCursor or nextUrl)"), &sub)),
        }
    }
    match kind {
        PaginationKind::OffsetLimit => {
            if p.page.is_none() && p.offset.is_none() {
                return Err(bad("offsetLimit needs a `page` or `offset` input".into(), "/inputs"));
            }
            if p.offset.is_some() && p.results.is_none() {
                return Err(bad("an `offset` input needs `outputs.results` (the offset grows by the number of results)".into(), "/outputs"));
            }
            if p.page.is_some() && p.results.is_none() && p.num_pages.is_none() {
                return Err(bad("a `page` input needs `outputs.results` or `outputs.numPages` to know where to stop".into(), "/outputs"));
            }
        }
        PaginationKind::Cursor => {
            if p.cursor.is_none() {
                return Err(bad("cursor pagination needs a `cursor` input".into(), "/inputs"));
            }
            if p.next_cursor.is_none() {
                return Err(bad("cursor pagination needs `outputs.nextCursor`".into(), "/outputs"));
            }
        }
        PaginationKind::Url => {
            if p.next_url.is_none() {
                return Err(bad("url pagination needs `outputs.nextUrl`".into(), "/outputs"));
            }
        }
    }
    if !matches!(op.success, super::Success::Single { ty: Some(_) }) {
        return Err(bad("the operation needs one success response with a JSON body to read pages from".into(), ""));
    }
    Ok(p)
}

fn body_has(op: &Operation, types: &[TypeDef], name: &str) -> bool {
    let Some(body) = op.body.as_ref().filter(|b| b.encoding == BodyEncoding::Json) else { return false };
    match struct_fields(&body.ty, types) {
        Some(fields) => fields.iter().any(|f| f.wire_name == name),
        None => false,
    }
}

fn struct_fields<'t>(ty: &TypeRef, types: &'t [TypeDef]) -> Option<&'t [super::Field]> {
    match resolve(ty, types)? {
        TypeRef::Named(n) => match &types.iter().find(|d| &d.name == n)?.kind {
            TypeKind::Struct { fields, .. } => Some(fields),
            _ => None,
        },
        _ => None,
    }
}

/// Follows aliases, boxes and options to the type underneath.
fn resolve<'a>(mut ty: &'a TypeRef, types: &'a [TypeDef]) -> Option<&'a TypeRef> {
    for _ in 0..64 {
        ty = match ty {
            TypeRef::Box(inner) | TypeRef::Option(inner) => inner,
            TypeRef::Named(n) => match &types.iter().find(|d| &d.name == n)?.kind {
                TypeKind::Alias { target } => target,
                _ => return Some(ty),
            },
            other => return Some(other),
        };
    }
    None
}

/// The item type: the element type of the array `results` names inside the success type.
pub fn item_type(p: &Pagination, op: &Operation, types: &[TypeDef]) -> Option<TypeRef> {
    let super::Success::Single { ty: Some(mut ty) } = op.success.clone() else { return None };
    // Without `results`, a body that is itself an array holds the items.
    for step in p.results.as_deref().unwrap_or(&[]) {
        ty = match step {
            PathStep::Key(k) => struct_fields(&ty, types)?.iter().find(|f| &f.wire_name == k)?.ty.clone(),
            PathStep::Index(_) => match resolve(&ty, types)? {
                TypeRef::Vec(inner) => (**inner).clone(),
                _ => return None,
            },
        };
    }
    match resolve(&ty, types)? {
        TypeRef::Vec(inner) => Some((**inner).clone()),
        _ => None,
    }
}
