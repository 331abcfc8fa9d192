//! sdkforge library (work in progress)
pub mod config;
pub mod diagnostics;
pub mod ir;
pub mod load;
pub mod overlay;
pub mod resolve;
