//! Stores (placeholder).
