//! The JSON Schemas of the specification (`docs/ice/schemas/`), compiled once: every envelope
//! received is checked against them before anything else reads it, and the tests check every
//! message and receipt sent against them too.

use std::sync::LazyLock;

use serde_json::Value;

/// Schema texts by name, as published.
pub const SCHEMAS: [(&str, &str); 5] = [
    (
        "envelope",
        include_str!("../../../docs/ice/schemas/envelope.json"),
    ),
    (
        "anticipated-record",
        include_str!("../../../docs/ice/schemas/anticipated-record.json"),
    ),
    (
        "office-action",
        include_str!("../../../docs/ice/schemas/office-action.json"),
    ),
    (
        "movement-update",
        include_str!("../../../docs/ice/schemas/movement-update.json"),
    ),
    (
        "receipt",
        include_str!("../../../docs/ice/schemas/receipt.json"),
    ),
];

struct Compiled {
    envelope: jsonschema::Validator,
    record: jsonschema::Validator,
    action: jsonschema::Validator,
    update: jsonschema::Validator,
    receipt: jsonschema::Validator,
}

fn compile(name: &str) -> jsonschema::Validator {
    let text = SCHEMAS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .expect("schema listed");
    let schema: Value = serde_json::from_str(text).expect("published schema is JSON");
    jsonschema::validator_for(&schema).expect("published schema compiles")
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| Compiled {
    envelope: compile("envelope"),
    record: compile("anticipated-record"),
    action: compile("office-action"),
    update: compile("movement-update"),
    receipt: compile("receipt"),
});

fn errors(v: &jsonschema::Validator, instance: &Value, at: &str) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{at}{}: {e}", e.instance_path))
        .collect()
}

/// Every way `envelope` breaks the envelope schema or its content's schema (by message type),
/// as `pointer: reason`; empty when it is valid.
pub fn check_envelope(envelope: &Value) -> Vec<String> {
    let c = &*COMPILED;
    let mut found = errors(&c.envelope, envelope, "");
    if !found.is_empty() {
        return found;
    }
    let content = &envelope["content"];
    let kind = envelope["messageType"].as_str().unwrap_or_default();
    let schema = match cats_app::ice::IceType::parse(kind) {
        Some(t) if t.is_record() => &c.record,
        Some(cats_app::ice::IceType::Ca003c) => &c.update,
        _ => &c.action,
    };
    found.extend(errors(schema, content, "/content"));
    found
}

/// Every way `receipt` breaks the receipt schema; empty when it is valid.
pub fn check_receipt(receipt: &Value) -> Vec<String> {
    errors(&COMPILED.receipt, receipt, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_published_schema_compiles() {
        for (name, _) in SCHEMAS {
            let _ = compile(name);
        }
        assert!(check_receipt(&serde_json::json!({})).len() > 1);
        assert!(!check_envelope(&serde_json::json!({"version": "2.0"})).is_empty());
    }
}
