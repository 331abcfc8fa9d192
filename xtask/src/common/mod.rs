//! Code the runners share: compile-checking generated crates in a cargo workspace of their own,
//! and text helpers for reports.

pub mod compile;
pub mod text;
