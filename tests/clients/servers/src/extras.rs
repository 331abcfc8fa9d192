//! Hand-written code in a generated crate: declared by `modules = ["extras"]`, so `lib.rs`
//! has `pub mod extras;`, regeneration keeps this file and `sdkforge check` ignores it.
//! Extension traits add behaviour to generated types without editing them.

use crate::types::Flow;

/// What this application needs of a flow, beyond the document.
pub trait FlowExt {
    /// `name (id)`, for logs.
    fn label(&self) -> String;
    /// Whether the flow carries a tag.
    fn has_tag(&self, tag: &str) -> bool;
}

impl FlowExt for Flow {
    fn label(&self) -> String {
        format!("{} ({})", self.name, self.id)
    }

    fn has_tag(&self, tag: &str) -> bool {
        self.tags.as_ref().is_some_and(|t| t.iter().any(|x| x == tag))
    }
}
