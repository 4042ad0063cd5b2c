//! Reference data (placeholder).
