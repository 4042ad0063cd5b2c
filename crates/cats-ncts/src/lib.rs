//! NCTS P5 message codec (placeholder).
