//! Use cases (placeholder).
