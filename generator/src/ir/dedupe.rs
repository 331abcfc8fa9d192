//! Identical type definitions become one type and aliases of it.
//!
//! Documents repeat the same shape under many names: every inline `{read, write}` enum of
//! GitHub's permissions, the same `user` object inlined into hundreds of webhook payloads, one
//! `Link` header struct per paginated operation. GitHub's document lowers to 7,785 type
//! definitions of which 5,292 repeat another one exactly. Each copy would be a struct with its
//! impls to emit, format and compile; instead the copies become `pub type Copy = Original;`. Every
//! name stays (code that spells `types::User104` still compiles) and values move between the
//! copies without conversion.
//!
//! Two definitions are identical when their kinds are equal, field and variant docs included,
//! once the names they refer to are replaced by their group's: found by refining from "every
//! name its own group" until nothing merges, so only definitions that are provably the same
//! merge (two self-referential copies stay apart). A type's own doc stays its own; its alias
//! says which type it is.

use super::{TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeMap, HashMap};

/// Makes every definition that repeats another one an alias of the group's chosen original
/// (see [`original`]); returns how many became aliases.
pub fn dedupe(types: &mut [TypeDef]) -> usize {
    let mut group: HashMap<String, String> = types.iter().map(|t| (t.name.clone(), t.name.clone())).collect();
    loop {
        let mut by_shape: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, t) in types.iter().enumerate() {
            // An alias is its target already; a newtype contains itself (never the same as
            // another), and a tuple struct's constructor cannot be spelled through an alias.
            if matches!(t.kind, TypeKind::Alias { .. } | TypeKind::Newtype { .. }) {
                continue;
            }
            let mut kind = t.kind.clone();
            rename_refs(&mut kind, &|n| group.get(n).cloned());
            // The kinds are plain data: their JSON is a faithful key.
            let key = serde_json::to_string(&kind).unwrap_or_else(|_| format!("\u{0}{}", t.name));
            by_shape.entry(key).or_default().push(i);
        }
        let mut next = group.clone();
        for members in by_shape.values() {
            let chosen = original(types, members);
            for &i in members {
                next.insert(types[i].name.clone(), chosen.clone());
            }
        }
        if next == group {
            break;
        }
        group = next;
    }
    let mut aliased = 0;
    for t in types.iter_mut() {
        let Some(target) = group.get(&t.name).filter(|g| **g != t.name).cloned() else { continue };
        if matches!(t.kind, TypeKind::Alias { .. } | TypeKind::Newtype { .. }) {
            continue;
        }
        let note = format!("The same type as [`{target}`]: their schemas are identical.");
        t.doc = Some(match t.doc.take() {
            Some(d) if !d.trim().is_empty() => format!("{d}\n\n{note}"),
            _ => format!("`{}` (from `{}`). {note}", t.name, t.pointer),
        });
        t.kind = TypeKind::Alias { target: TypeRef::Named(target) };
        aliased += 1;
    }
    aliased
}

/// The member of a group of identical definitions the others alias: a named component schema
/// (`#/components/schemas/User`) before an inline one, then the shortest name, then the first
/// in alphabetical order. It depends on the group alone, so it is the same on every run.
fn original(types: &[TypeDef], members: &[usize]) -> String {
    let rank = |i: &usize| {
        let t = &types[*i];
        let component = t.pointer.strip_prefix("#/components/schemas/").is_some_and(|rest| !rest.contains('/'));
        (!component, t.name.len(), t.name.as_str())
    };
    members.iter().min_by_key(|i| rank(i)).map(|&i| types[i].name.clone()).unwrap_or_default()
}

/// Replaces every name a kind refers to by `rename`'s answer, where it has one.
fn rename_refs(kind: &mut TypeKind, rename: &impl Fn(&str) -> Option<String>) {
    match kind {
        TypeKind::Struct { fields, additional } => {
            fields.iter_mut().for_each(|f| rename_ref(&mut f.ty, rename));
            if let Some(t) = additional {
                rename_ref(t, rename);
            }
        }
        TypeKind::Headers { fields } => fields.iter_mut().for_each(|f| rename_ref(&mut f.ty, rename)),
        TypeKind::Alias { target } | TypeKind::Newtype { target } => rename_ref(target, rename),
        TypeKind::Union { variants, .. } => variants.iter_mut().for_each(|v| rename_ref(&mut v.ty, rename)),
        TypeKind::Responses { variants } => variants.iter_mut().filter_map(|v| v.ty.as_mut()).for_each(|t| rename_ref(t, rename)),
        TypeKind::Enum { .. } | TypeKind::IntEnum { .. } => {}
    }
}

fn rename_ref(t: &mut TypeRef, rename: &impl Fn(&str) -> Option<String>) {
    match t {
        TypeRef::Named(n) => {
            if let Some(to) = rename(n) {
                *n = to;
            }
        }
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) | TypeRef::Box(inner) => rename_ref(inner, rename),
        TypeRef::Tuple(ts) => ts.iter_mut().for_each(|t| rename_ref(t, rename)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Field, Variant};

    fn def(name: &str, pointer: &str, kind: TypeKind) -> TypeDef {
        TypeDef { name: name.into(), pointer: pointer.into(), doc: None, kind }
    }

    fn field(name: &str, ty: TypeRef) -> Field {
        Field {
            wire_name: name.into(),
            rust_name: name.into(),
            ty,
            required: true,
            nullable: false,
            read_only: false,
            write_only: false,
            error_message: false,
            default: None,
            doc: None,
            fixed: None,
        }
    }

    fn object(fields: Vec<Field>) -> TypeKind {
        TypeKind::Struct { fields, additional: None }
    }

    fn state() -> TypeKind {
        TypeKind::Enum { variants: vec![Variant { rust_name: "Open".into(), wire_value: "open".into() }], open: false }
    }

    fn target(types: &[TypeDef], name: &str) -> Option<String> {
        match &types.iter().find(|t| t.name == name)?.kind {
            TypeKind::Alias { target: TypeRef::Named(n) } => Some(n.clone()),
            _ => None,
        }
    }

    #[test]
    fn copies_become_aliases_of_one_even_through_the_types_they_refer_to() {
        let mut types = vec![
            def("IssueState", "#/paths/~1a/get/x", state()),
            def("PullState", "#/paths/~1b/get/x", state()),
            def("Issue", "#/paths/~1a/get/y", object(vec![field("state", TypeRef::Named("IssueState".into()))])),
            def("Pull", "#/paths/~1b/get/y", object(vec![field("state", TypeRef::Vec(Box::new(TypeRef::Named("PullState".into()))))])),
            def("Pull2", "#/paths/~1c/get/y", object(vec![field("state", TypeRef::Vec(Box::new(TypeRef::Named("IssueState".into()))))])),
        ];
        assert_eq!(dedupe(&mut types), 2);
        // The shorter name is kept; `Pull` and `Pull2` are one only once their states are.
        assert_eq!(target(&types, "IssueState").as_deref(), Some("PullState"));
        assert_eq!(target(&types, "Pull2").as_deref(), Some("Pull"));
        assert_eq!(target(&types, "Issue"), None, "a `state` and a list of them differ");
        let pull2 = types.iter().find(|t| t.name == "Pull2").unwrap();
        assert_eq!(pull2.doc.as_deref(), Some("`Pull2` (from `#/paths/~1c/get/y`). The same type as [`Pull`]: their schemas are identical."));
    }

    #[test]
    fn a_component_is_kept_before_a_shorter_inline_copy_and_docs_tell_copies_apart() {
        let mut types = vec![
            def("Owner", "#/components/schemas/Owner", object(vec![field("login", TypeRef::String)])),
            def("A", "#/paths/~1a/get/y", object(vec![field("login", TypeRef::String)])),
            def("B", "#/paths/~1b/get/y", object(vec![Field { doc: Some("Another meaning.".into()), ..field("login", TypeRef::String) }])),
        ];
        types[1].doc = Some("An inline owner.".into());
        assert_eq!(dedupe(&mut types), 1);
        assert_eq!(target(&types, "A").as_deref(), Some("Owner"));
        assert_eq!(types[1].doc.as_deref(), Some("An inline owner.\n\nThe same type as [`Owner`]: their schemas are identical."));
        assert_eq!(target(&types, "B"), None, "a field documented otherwise keeps its own type");
    }

    #[test]
    fn self_referential_copies_and_aliases_stay_as_they_are() {
        let tree = |name: &str| object(vec![field("children", TypeRef::Vec(Box::new(TypeRef::Named(name.into()))))]);
        let mut types = vec![
            def("Tree", "#/components/schemas/Tree", tree("Tree")),
            def("Forest", "#/components/schemas/Forest", tree("Forest")),
            def("Name", "#/components/schemas/Name", TypeKind::Alias { target: TypeRef::String }),
            def("Label", "#/components/schemas/Label", TypeKind::Alias { target: TypeRef::String }),
        ];
        let before = types.clone();
        assert_eq!(dedupe(&mut types), 0);
        assert_eq!(types, before);
    }
}
