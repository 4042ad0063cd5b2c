//! CC013C declaration amendment: the amended declaration as a CC013C (TransitOperation with the
//! MRN or the LRN and amendmentTypeFlag; the guarantee type may be left out), turned into the
//! CC015C it amends the declaration to, and run through the amendment use case
//! ([`crate::amend::amend_with`]) → CC004C, or CC056C with every failure.
//!
//! Checked besides the business rules of a declaration: C0467 and the references
//! ([`super::reference_failures`]), and R0520: amendment type 1 (guarantee amendment) only while
//! the guarantee is not valid, and then only the Guarantee group may change; amendment type 0 may
//! change anything but the holder, the representative, the office of departure, the declaration
//! type, the additional declaration type, the security indicator and the HS subheadings.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use cats_domain::declaration::Cc015c;
use cats_domain::movement::MovementState;
use cats_domain::rules::RuleFailure;
use cats_ncts::MessageType;

use super::{reference_failures, Incoming, Received};
use crate::amend::{amend_with, AmendmentMessage, OutOfSequence, Prepared};
use crate::app::{Actor, App};
use crate::error::{AppError, BodyError};
use crate::store::MovementRecord;

/// The message header: not part of what an amendment compares.
const HEADER: [&str; 7] = [
    "@PhaseID",
    "messageSender",
    "messageRecipient",
    "preparationDateAndTime",
    "messageIdentification",
    "messageType",
    "correlationIdentifier",
];

/// Take a CC013C for movement `id`.
pub(super) async fn amend(
    app: &App,
    actor: &Actor,
    id: Uuid,
    incoming: &Incoming,
    now: DateTime<Utc>,
) -> Result<Received, AppError> {
    let message = AmendmentMessage {
        message_type: "CC013C",
        content_type: incoming.content_type(),
        raw: &incoming.raw,
        correlation: incoming.identification(),
    };
    let prepare = |record: &MovementRecord| {
        let (declaration, content) = to_declaration(
            incoming.body(),
            &record.declaration,
            record.movement.lrn.as_str(),
        )?;
        let mut failures = reference_failures(incoming, &record.movement);
        failures.extend(r0520(incoming, &content, record));
        Ok(Prepared {
            declaration,
            content,
            failures,
        })
    };
    let amended = amend_with(
        app,
        actor,
        id,
        &message,
        &prepare,
        OutOfSequence::Reject,
        now,
    )
    .await?;
    Ok(Received {
        record: amended.record,
        message_type: "CC013C".into(),
        messages: amended.messages,
        failures: amended.failures,
        refused: amended.refused,
    })
}

/// The CC015C a CC013C amends the declaration to: the same groups, messageType CC015C, the
/// TransitOperation with the movement's LRN and without MRN and amendmentTypeFlag, and the
/// guarantee type of each Guarantee taken from the declaration in force (same sequenceNumber)
/// when the CC013C leaves it out. Errors: the structural errors of the result as a CC015C,
/// pointing into the CC013C.
pub(super) fn to_declaration(
    body: &Value,
    in_force: &Value,
    lrn: &str,
) -> Result<(Cc015c, Value), AppError> {
    let mut b = body.as_object().cloned().unwrap_or_default();
    b.insert("messageType".into(), json!("CC015C"));
    if let Some(Value::Object(op)) = b.get("TransitOperation") {
        let mut new = Map::new();
        new.insert("LRN".into(), json!(lrn));
        for (k, v) in op {
            if !matches!(k.as_str(), "LRN" | "MRN" | "amendmentTypeFlag") {
                new.insert(k.clone(), v.clone());
            }
        }
        b.insert("TransitOperation".into(), Value::Object(new));
    }
    if let Some(Value::Array(guarantees)) = b.get_mut("Guarantee") {
        for g in guarantees.iter_mut() {
            let Value::Object(g) = g else { continue };
            if g.contains_key("guaranteeType") {
                continue;
            }
            let declared = in_force
                .get("Guarantee")
                .and_then(Value::as_array)
                .and_then(|a| {
                    a.iter()
                        .find(|x| x.get("sequenceNumber") == g.get("sequenceNumber"))
                })
                .and_then(|x| x.get("guaranteeType"))
                .cloned();
            if let Some(t) = declared {
                let mut new = Map::new();
                for (k, v) in g.iter() {
                    new.insert(k.clone(), v.clone());
                    if k == "sequenceNumber" {
                        new.insert("guaranteeType".into(), t.clone());
                    }
                }
                *g = new;
            }
        }
    }
    let doc = json!({ "n1:CC015C": b });
    let to_13 = |errors: Vec<cats_ncts::FieldError>| AppError::Malformed {
        message_type: "CC013C".into(),
        errors: errors
            .into_iter()
            .map(|e| BodyError {
                pointer: e.pointer.replacen("/CC015C", "/CC013C", 1),
                reason: format!("{} (in the amended declaration)", e.reason),
            })
            .collect(),
    };
    let errors = cats_ncts::validate(MessageType::CC015C, &doc);
    if !errors.is_empty() {
        return Err(to_13(errors));
    }
    let declaration = cats_ncts::cc015c_from_value(&doc).map_err(to_13)?;
    Ok((declaration, doc["n1:CC015C"].clone()))
}

/// Equal as data: numbers by value (`18450.5` = `18450.500`), texts trimmed, an absent element
/// as `null`.
fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a.unwrap_or(&Value::Null), b.unwrap_or(&Value::Null)) {
        (Value::Number(x), Value::Number(y)) => {
            match (
                Decimal::from_str(&x.to_string()),
                Decimal::from_str(&y.to_string()),
            ) {
                (Ok(x), Ok(y)) => x == y,
                _ => x == y,
            }
        }
        (Value::String(x), Value::String(y)) => x.trim() == y.trim(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(Some(x), Some(y)))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.keys().chain(y.keys()).all(|k| same(x.get(k), y.get(k)))
        }
        (x, y) => x == y,
    }
}

/// R0520 on the amended declaration `content` against the declaration in force.
fn r0520(incoming: &Incoming, content: &Value, record: &MovementRecord) -> Vec<RuleFailure> {
    let in_force = &record.declaration;
    let state = record.movement.state;
    let fail = |pointer: String, reason: String| RuleFailure {
        rule_id: "R0520".into(),
        error_code: 14,
        pointer: format!("/CC013C{pointer}"),
        reason,
    };
    let mut out = Vec::new();
    if incoming.text("/TransitOperation/amendmentTypeFlag") == Some("1") {
        if state != MovementState::GuaranteeNotValid {
            out.push(fail(
                "/TransitOperation/amendmentTypeFlag".into(),
                format!("amendment type 1 (guarantee amendment) is for a movement whose guarantee is not valid; this one is {state}"),
            ));
            return out;
        }
        let mut keys: Vec<&String> = content
            .as_object()
            .into_iter()
            .flat_map(|o| o.keys())
            .collect();
        keys.extend(in_force.as_object().into_iter().flat_map(|o| o.keys()));
        let mut seen = Vec::new();
        for key in keys {
            if HEADER.contains(&key.as_str()) || key == "Guarantee" || seen.contains(&key) {
                continue;
            }
            seen.push(key);
            if !same(content.get(key), in_force.get(key)) {
                out.push(fail(
                    format!("/{key}"),
                    format!("with amendment type 1 only the Guarantee may change, not {key}"),
                ));
            }
        }
        return out;
    }
    for group in [
        "HolderOfTheTransitProcedure",
        "Representative",
        "CustomsOfficeOfDeparture",
    ] {
        if !same(content.get(group), in_force.get(group)) {
            out.push(fail(
                format!("/{group}"),
                format!("{group} cannot be amended"),
            ));
        }
    }
    for item in ["declarationType", "additionalDeclarationType", "security"] {
        let pointer = format!("/TransitOperation/{item}");
        if !same(content.pointer(&pointer), in_force.pointer(&pointer)) {
            out.push(fail(pointer, format!("{item} cannot be amended")));
        }
    }
    let houses = |d: &Value| -> Vec<Value> {
        d.pointer("/Consignment/HouseConsignment")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let (new, old) = (houses(content), houses(in_force));
    for (i, (h, o)) in new.iter().zip(&old).enumerate() {
        let items = |h: &Value| h.get("ConsignmentItem").and_then(Value::as_array).cloned();
        for (j, (x, y)) in items(h)
            .unwrap_or_default()
            .iter()
            .zip(items(o).unwrap_or_default().iter())
            .enumerate()
        {
            let p = "/Commodity/CommodityCode/harmonizedSystemSubHeadingCode";
            if let (Some(a), Some(b)) = (x.pointer(p), y.pointer(p)) {
                if !same(Some(a), Some(b)) {
                    out.push(fail(
                        format!(
                            "/Consignment/HouseConsignment[{}]/ConsignmentItem[{}]{p}",
                            i + 1,
                            j + 1
                        ),
                        format!("the HS subheading ({b}) cannot be amended"),
                    ));
                }
            }
        }
    }
    out
}
