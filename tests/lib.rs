//! Shared helpers for the integration tests (paths to the workspace and fixtures).
