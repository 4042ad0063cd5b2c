//! Web (placeholder).
