//! Keeping a message that could not be taken at all in the movement's history, with its NACK:
//! CC917C (XML NACK) for a message that is not well-formed against its XSD, CC906C (functional
//! NACK) for a message type the endpoint does not take. The request is still refused (HTTP 400).

use chrono::{DateTime, Utc};

use cats_domain::rules::RuleFailure;
use cats_ncts::Format;

use crate::app::{Actor, App};
use crate::error::AppError;
use crate::history::{audit, inbound, outbound};
use crate::store::{Change, MovementRecord};

/// The NCTS type named by the body's root, if any (`CC013C`), else `unknown`.
fn root_type(text: &str) -> String {
    let start = text
        .find("CC")
        .or_else(|| text.find("n1:CC").map(|i| i + 3));
    start
        .and_then(|i| text.get(i..i + 6))
        .filter(|t| t.len() == 6 && t[2..5].bytes().all(|b| b.is_ascii_digit()) && t.ends_with('C'))
        .map(str::to_string)
        .unwrap_or_else(|| "unknown".into())
}

/// Store the refused body (unchanged, lossy only if it is not UTF-8) and its NACK.
pub(super) async fn keep(
    app: &App,
    actor: &Actor,
    record: MovementRecord,
    body: &[u8],
    format: Format,
    error: &AppError,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (nack, failures): (&str, Vec<RuleFailure>) = match error {
        AppError::Malformed { errors, .. } => (
            "CC917C",
            errors
                .iter()
                .map(|e| RuleFailure {
                    rule_id: "XSD".into(),
                    error_code: 12,
                    pointer: e.pointer.clone(),
                    reason: e.reason.clone(),
                })
                .collect(),
        ),
        AppError::Invalid(reason) => (
            "CC906C",
            vec![RuleFailure {
                rule_id: "TYPE".into(),
                error_code: 14,
                pointer: "/".into(),
                reason: reason.clone(),
            }],
        ),
        _ => return Ok(()),
    };
    let raw = String::from_utf8_lossy(body).into_owned();
    let content_type = if format == Format::Xml {
        "application/xml"
    } else {
        "application/json"
    };
    let id = record.id;
    // The first attempt uses the record given; a retry loads it again.
    let given = std::sync::Mutex::new(Some(record));
    let raw = &raw;
    let given = &given;
    let failures = &failures;
    crate::retry::on_conflict(|| async move {
        let first = given.lock().expect("not poisoned").take();
        let record = match first {
            Some(r) => r,
            None => crate::act::load_visible(app, actor, id).await?,
        };
        let m = &record.movement;
        let messages = vec![
            inbound(&root_type(raw), content_type, raw, now),
            outbound(
                m,
                &record.declaration,
                now,
                record.created_at,
                nack,
                failures,
                None,
                None,
            ),
        ];
        let change = Change {
            record: MovementRecord {
                version: record.version + 1,
                updated_at: now,
                ..record.clone()
            },
            expected_version: Some(record.version),
            messages,
            ledger: vec![],
            audit: vec![audit(
                actor,
                "message.refused",
                Some(record.id),
                now,
                format!("{nack}: {} error(s)", failures.len()),
            )],
            attachments: vec![],
            ice_out: vec![],
            ice_in: None,
            notifications: Vec::new(),
        };
        app.commit(change).await?;
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn root_type_from_xml_and_json() {
        assert_eq!(super::root_type("<ncts:CC013C xmlns:ncts=\"x\">"), "CC013C");
        assert_eq!(super::root_type("{\"n1:CC014C\": {}}"), "CC014C");
        assert_eq!(super::root_type("nonsense"), "unknown");
    }
}
