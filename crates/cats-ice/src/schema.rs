//! The JSON Schemas of the specification (`docs/ice/schemas/`), compiled once: every envelope
//! received is checked against them before anything else reads it, and the tests check every
//! message and receipt sent against them too.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::Value;

/// Schema texts by name (the file name in `docs/ice/schemas/` without `.json`), as published.
pub const SCHEMAS: [(&str, &str); 21] = [
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
        "guarantee-use",
        include_str!("../../../docs/ice/schemas/guarantee-use.json"),
    ),
    (
        "guarantee-use-response",
        include_str!("../../../docs/ice/schemas/guarantee-use-response.json"),
    ),
    (
        "guarantee-use-end",
        include_str!("../../../docs/ice/schemas/guarantee-use-end.json"),
    ),
    (
        "guarantee-check",
        include_str!("../../../docs/ice/schemas/guarantee-check.json"),
    ),
    (
        "status-request",
        include_str!("../../../docs/ice/schemas/status-request.json"),
    ),
    (
        "record-request",
        include_str!("../../../docs/ice/schemas/record-request.json"),
    ),
    (
        "enquiry-request",
        include_str!("../../../docs/ice/schemas/enquiry-request.json"),
    ),
    (
        "enquiry-response",
        include_str!("../../../docs/ice/schemas/enquiry-response.json"),
    ),
    (
        "movement-query",
        include_str!("../../../docs/ice/schemas/movement-query.json"),
    ),
    (
        "unavailability",
        include_str!("../../../docs/ice/schemas/unavailability.json"),
    ),
    (
        "available-again",
        include_str!("../../../docs/ice/schemas/available-again.json"),
    ),
    (
        "aeo-register-change",
        include_str!("../../../docs/ice/schemas/aeo-register-change.json"),
    ),
    (
        "risk-alert",
        include_str!("../../../docs/ice/schemas/risk-alert.json"),
    ),
    (
        "control-attachment",
        include_str!("../../../docs/ice/schemas/control-attachment.json"),
    ),
    (
        "recovery-request",
        include_str!("../../../docs/ice/schemas/recovery-request.json"),
    ),
    (
        "recovery-response",
        include_str!("../../../docs/ice/schemas/recovery-response.json"),
    ),
    (
        "receipt",
        include_str!("../../../docs/ice/schemas/receipt.json"),
    ),
];

fn compile(name: &str) -> jsonschema::Validator {
    let text = SCHEMAS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .expect("schema listed");
    let schema: Value = serde_json::from_str(text).expect("published schema is JSON");
    jsonschema::validator_for(&schema).expect("published schema compiles")
}

/// Every published schema, compiled, by name.
static COMPILED: LazyLock<HashMap<&'static str, jsonschema::Validator>> =
    LazyLock::new(|| SCHEMAS.iter().map(|(n, _)| (*n, compile(n))).collect());

fn validator(name: &str) -> &'static jsonschema::Validator {
    COMPILED.get(name).expect("schema listed")
}

fn errors(v: &jsonschema::Validator, instance: &Value, at: &str) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{at}{}: {e}", e.instance_path))
        .collect()
}

/// Every way `envelope` breaks the envelope schema or its content's schema (by message type),
/// as `pointer: reason`; empty when it is valid.
pub fn check_envelope(envelope: &Value) -> Vec<String> {
    let mut found = errors(validator("envelope"), envelope, "");
    if !found.is_empty() {
        return found;
    }
    let content = &envelope["content"];
    let kind = envelope["messageType"].as_str().unwrap_or_default();
    let content_kind = cats_app::ice::IceType::parse(kind).map_or(
        cats_app::ice::Content::Action,
        cats_app::ice::IceType::content,
    );
    let name = content_kind.schema_file().trim_end_matches(".json");
    found.extend(errors(validator(name), content, "/content"));
    found
}

/// Every way `receipt` breaks the receipt schema; empty when it is valid.
pub fn check_receipt(receipt: &Value) -> Vec<String> {
    errors(validator("receipt"), receipt, "")
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

    #[test]
    fn every_message_type_is_in_the_envelope_and_has_its_content_schema() {
        let envelope: Value = serde_json::from_str(SCHEMAS[0].1).unwrap();
        let listed = envelope["properties"]["messageType"]["enum"]
            .as_array()
            .unwrap();
        for kind in cats_app::ice::IceType::ALL {
            assert!(
                listed.iter().any(|t| t == kind.code()),
                "{kind} missing from envelope.json"
            );
            let file = kind.content().schema_file().trim_end_matches(".json");
            assert!(
                SCHEMAS.iter().any(|(n, _)| *n == file),
                "{kind}: {file}.json not published"
            );
        }
        assert_eq!(listed.len(), cats_app::ice::IceType::ALL.len());
    }
}
