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
    // Each kind once as text with the names it refers to blanked out (its shape), and those
    // names in order: a round's key is the shape and the names' current groups.
    let mut shapes: HashMap<String, usize> = HashMap::new();
    let mut keyed: Vec<(usize, usize, Vec<String>)> = Vec::new();
    for (i, t) in types.iter().enumerate() {
        // An alias is its target already; a newtype contains itself (never the same as
        // another), and a tuple struct's constructor cannot be spelled through an alias.
        if matches!(t.kind, TypeKind::Alias { .. } | TypeKind::Newtype { .. }) {
            continue;
        }
        let mut kind = t.kind.clone();
        let mut refs = Vec::new();
        kind.for_each_type_mut(&mut |t| t.for_each_name_mut(&mut |n| refs.push(std::mem::take(n))));
        // The kinds are plain data: their JSON is a faithful key.
        let text = serde_json::to_string(&kind).unwrap_or_else(|_| format!("\u{0}{}", t.name));
        let next = shapes.len();
        keyed.push((i, *shapes.entry(text).or_insert(next), refs));
    }
    let mut group: HashMap<&str, usize> = types.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    let mut members: BTreeMap<(usize, Vec<usize>), Vec<usize>> = BTreeMap::new();
    loop {
        members.clear();
        for (i, shape, refs) in &keyed {
            // A name no definition has (it would not compile anyway) keeps its own group.
            let groups = refs.iter().map(|r| group.get(r.as_str()).copied().unwrap_or(usize::MAX)).collect();
            members.entry((*shape, groups)).or_default().push(*i);
        }
        let mut next = group.clone();
        for same in members.values() {
            let chosen = original(types, same);
            for &i in same {
                next.insert(types[i].name.as_str(), chosen);
            }
        }
        if next == group {
            break;
        }
        group = next;
    }
    let mut original_of: HashMap<String, String> = HashMap::new();
    for same in members.values() {
        let chosen = &types[original(types, same)].name;
        for &i in same {
            original_of.insert(types[i].name.clone(), chosen.clone());
        }
    }
    let mut aliased = 0;
    for t in types.iter_mut() {
        let Some(target) = original_of.get(&t.name).filter(|g| **g != t.name).cloned() else { continue };
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
fn original(types: &[TypeDef], members: &[usize]) -> usize {
    let rank = |i: &usize| {
        let t = &types[*i];
        let component = t.pointer.strip_prefix("#/components/schemas/").is_some_and(|rest| !rest.contains('/'));
        (!component, t.name.len(), t.name.as_str())
    };
    members.iter().copied().min_by_key(|i| rank(i)).unwrap_or_default()
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
