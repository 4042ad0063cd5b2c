//! Outgoing NCTS P5 messages (customs → holder), built as the HMRC JSON shape
//! (`{"n1:CC029C": {...}}`) from the movement and its declaration. `cats-ncts` turns them into XML.

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use cats_domain::movement::{ControlType, Movement};
use cats_domain::rules::RuleFailure;

/// Everything a message may need besides the movement.
#[derive(Debug, Clone)]
pub struct OutContext<'a> {
    /// The movement after the action.
    pub movement: &'a Movement,
    /// The current CC015C content (HMRC JSON shape, without the root key).
    pub declaration: &'a Value,
    /// When the message is produced.
    pub now: DateTime<Utc>,
    /// When the declaration was lodged.
    pub lodged_at: DateTime<Utc>,
    /// The office acting, when an office acts.
    pub office: Option<&'a str>,
    /// Business-rule failures (CC056C, CC055C).
    pub failures: &'a [RuleFailure],
    /// Control proposed (CC060C).
    pub control_type: Option<ControlType>,
    /// Free text (incident, reason).
    pub text: Option<&'a str>,
    /// Message identification of the message this one answers (`correlationIdentifier`).
    pub correlation: Option<&'a str>,
}

fn dt(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn date(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

fn holder(ctx: &OutContext) -> Value {
    let mut h = Map::new();
    h.insert(
        "identificationNumber".into(),
        Value::String(ctx.movement.holder.clone()),
    );
    if let Some(name) = ctx
        .declaration
        .pointer("/HolderOfTheTransitProcedure/name")
        .cloned()
    {
        h.insert("name".into(), name);
    }
    Value::Object(h)
}

fn office_ref(code: &str) -> Value {
    json!({ "referenceNumber": code })
}

/// Build the message `message_type` for `ctx`. Returns the message identification and the whole
/// message (`{"n1:CCnnnC": {...}}`).
pub fn build(message_type: &str, ctx: &OutContext) -> (String, Value) {
    let m = ctx.movement;
    let mrn = m.mrn.clone().unwrap_or_default();
    let id = Uuid::new_v4().simple().to_string()[..20].to_string();
    let mut body = Map::new();
    let departure_country = m.office_of_departure.get(..2).unwrap_or("XX");
    body.insert(
        "messageSender".into(),
        Value::String(format!("NTA.{departure_country}")),
    );
    body.insert("messageRecipient".into(), Value::String(m.holder.clone()));
    body.insert("preparationDateAndTime".into(), Value::String(dt(ctx.now)));
    body.insert("messageIdentification".into(), Value::String(id.clone()));
    body.insert("messageType".into(), Value::String(message_type.into()));
    if let Some(c) = ctx.correlation {
        body.insert("correlationIdentifier".into(), Value::String(c.into()));
    }
    let departure = office_ref(&m.office_of_departure);
    let rest = match message_type {
        "CC928C" => json!({
            "TransitOperation": { "LRN": m.lrn },
            "CustomsOfficeOfDeparture": departure,
            "HolderOfTheTransitProcedure": holder(ctx),
        }),
        "CC028C" => json!({
            "TransitOperation": { "LRN": m.lrn, "MRN": mrn, "declarationAcceptanceDate": date(ctx.lodged_at) },
            "CustomsOfficeOfDeparture": departure,
            "HolderOfTheTransitProcedure": holder(ctx),
        }),
        "CC056C" => {
            let errors: Vec<Value> = ctx
                .failures
                .iter()
                .map(|f| {
                    json!({
                        "errorPointer": f.pointer,
                        "errorCode": f.error_code.to_string(),
                        "errorReason": f.rule_id,
                        "originalAttributeValue": f.reason.chars().take(512).collect::<String>(),
                    })
                })
                .collect();
            let mut op = Map::new();
            op.insert("LRN".into(), Value::String(m.lrn.clone()));
            if m.mrn.is_some() {
                op.insert("MRN".into(), Value::String(mrn.clone()));
            }
            op.insert(
                "businessRejectionType".into(),
                Value::String(if m.mrn.is_some() { "013" } else { "015" }.into()),
            );
            op.insert("rejectionDateAndTime".into(), Value::String(dt(ctx.now)));
            op.insert("rejectionCode".into(), Value::String("12".into()));
            op.insert(
                "rejectionReason".into(),
                Value::String(format!("{} business rule(s) failed", ctx.failures.len())),
            );
            json!({
                "TransitOperation": op,
                "CustomsOfficeOfDeparture": departure,
                "HolderOfTheTransitProcedure": holder(ctx),
                "FunctionalError": errors,
            })
        }
        "CC055C" => {
            let refs: Vec<Value> = m
                .guarantees
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    let reasons: Vec<Value> = ctx
                        .failures
                        .iter()
                        .filter(|f| f.reason.contains(&g.grn))
                        .enumerate()
                        .map(|(j, f)| json!({"sequenceNumber": j + 1, "code": "G02", "text": f.reason}))
                        .collect();
                    let reasons = if reasons.is_empty() {
                        vec![json!({"sequenceNumber": 1, "code": "G02", "text": ctx.text.unwrap_or("amount to be covered exceeds the amount available")})]
                    } else {
                        reasons
                    };
                    json!({"sequenceNumber": i + 1, "GRN": g.grn, "InvalidGuaranteeReason": reasons})
                })
                .collect();
            json!({
                "TransitOperation": { "MRN": mrn, "declarationAcceptanceDate": date(ctx.lodged_at) },
                "CustomsOfficeOfDeparture": departure,
                "HolderOfTheTransitProcedure": holder(ctx),
                "GuaranteeReference": refs,
            })
        }
        "CC060C" => json!({
            "TransitOperation": { "LRN": m.lrn, "MRN": mrn, "controlNotificationDateAndTime": dt(ctx.now), "notificationType": "1" },
            "CustomsOfficeOfDeparture": departure,
            "HolderOfTheTransitProcedure": holder(ctx),
            "TypeOfControls": [{ "sequenceNumber": 1, "type": control_code(ctx.control_type), "text": ctx.control_type.unwrap_or_default().as_str() }],
        }),
        "CC051C" => json!({
            "TransitOperation": { "MRN": mrn, "declarationSubmissionDateAndTime": dt(ctx.lodged_at), "noReleaseMotivationCode": "B1", "noReleaseMotivationText": ctx.text.unwrap_or("control result not satisfactory (B1)") },
            "CustomsOfficeOfDeparture": departure,
            "HolderOfTheTransitProcedure": holder(ctx),
        }),
        "CC029C" => release_for_transit(ctx, &mrn),
        "CC009C" => json!({
            "TransitOperation": { "LRN": m.lrn, "MRN": mrn },
            "Invalidation": { "decisionDateAndTime": dt(ctx.now), "decision": if m.state == cats_domain::movement::MovementState::Invalidated { "1" } else { "0" }, "initiatedByCustoms": "0", "justification": ctx.text.unwrap_or("cancellation decided at the office of departure") },
            "CustomsOfficeOfDeparture": departure,
            "HolderOfTheTransitProcedure": holder(ctx),
        }),
        "CC182C" => json!({
            "TransitOperation": { "MRN": mrn, "incidentNotificationDateAndTime": dt(ctx.now) },
            "CustomsOfficeOfDeparture": departure,
            "CustomsOfficeOfIncidentRegistration": office_ref(ctx.office.unwrap_or(&m.office_of_departure)),
            "Consignment": { "Incident": [{ "sequenceNumber": 1, "code": "1", "text": ctx.text.unwrap_or("incident") }] },
        }),
        "CC025C" => json!({
            "TransitOperation": { "MRN": mrn, "releaseDate": date(ctx.now), "releaseIndicator": if m.destination_discrepancy() { "3" } else { "1" } },
            "CustomsOfficeOfDestinationActual": office_ref(ctx.office.unwrap_or(&m.office_of_destination)),
            "TraderAtDestination": { "identificationNumber": m.holder },
        }),
        "CC019C" => json!({
            "TransitOperation": { "MRN": mrn, "discrepanciesNotificationDate": date(ctx.now), "discrepanciesNotificationText": "not satisfactory control result (B1) at destination" },
            "CustomsOfficeOfDeparture": departure,
            "HolderOfTheTransitProcedure": holder(ctx),
        }),
        "CC045C" => json!({
            "TransitOperation": { "MRN": mrn, "writeOffDate": date(ctx.now) },
            "CustomsOfficeOfDeparture": departure,
            "HolderOfTheTransitProcedure": holder(ctx),
        }),
        "CC004C" => json!({
            "TransitOperation": { "LRN": m.lrn, "MRN": mrn, "amendmentSubmissionDateAndTime": dt(ctx.now), "amendmentAcceptanceDateAndTime": dt(ctx.now) },
            "CustomsOfficeOfDeparture": departure,
            "HolderOfTheTransitProcedure": holder(ctx),
        }),
        "CC035C" => {
            let total: rust_decimal::Decimal = m.guarantees.iter().map(|g| g.amount).sum();
            let currency = m.guarantees.first().map(|g| g.currency.clone()).unwrap_or_default();
            json!({
                "TransitOperation": { "MRN": mrn, "declarationAcceptanceDate": date(ctx.lodged_at) },
                "RecoveryNotification": { "recoveryNotificationDate": date(ctx.now), "recoveryNotificationText": "no arrival by the time limit; enquiry without result", "amountClaimed": total, "currency": currency },
                "CustomsOfficeOfDeparture": departure,
                "CustomsOfficeOfRecoveryAtDeparture": office_ref(ctx.office.unwrap_or(&m.office_of_departure)),
                "HolderOfTheTransitProcedure": holder(ctx),
            })
        }
        _ => json!({
            "TransitOperation": { "MRN": mrn },
            "CustomsOfficeOfDeparture": departure,
            "HolderOfTheTransitProcedure": holder(ctx),
        }),
    };
    if let Value::Object(rest) = rest {
        body.extend(rest);
    }
    body.insert("@PhaseID".into(), Value::String("NCTS5.0".into()));
    let mut root = Map::new();
    root.insert(format!("n1:{message_type}"), Value::Object(body));
    (id, Value::Object(root))
}

/// NCTS control type code (CL?: 10 documentary, 20 physical, 30 scanning, 40 seals).
fn control_code(t: Option<ControlType>) -> &'static str {
    match t.unwrap_or_default() {
        ControlType::Documentary => "10",
        ControlType::Physical => "20",
        ControlType::Scanning => "30",
        ControlType::Seals => "40",
    }
}

/// CC029C: the declaration as released, with MRN, dates, control result and time limit.
fn release_for_transit(ctx: &OutContext, mrn: &str) -> Value {
    let m = ctx.movement;
    let d = ctx.declaration;
    let mut op = match d.get("TransitOperation") {
        Some(Value::Object(o)) => o.clone(),
        _ => Map::new(),
    };
    let mut ordered = Map::new();
    ordered.insert("LRN".into(), Value::String(m.lrn.clone()));
    ordered.insert("MRN".into(), Value::String(mrn.into()));
    for (k, v) in op.iter_mut() {
        if k != "LRN" && k != "MRN" && k != "presentationOfTheGoodsDateAndTime" && k != "limitDate" {
            ordered.insert(k.clone(), v.clone());
        }
    }
    ordered.insert(
        "declarationAcceptanceDate".into(),
        Value::String(date(ctx.lodged_at)),
    );
    ordered.insert("releaseDate".into(), Value::String(date(ctx.now)));
    if let Some(limit) = m.time_limit {
        ordered.insert("limitDate".into(), Value::String(date(limit)));
    }
    let mut out = Map::new();
    out.insert("TransitOperation".into(), Value::Object(ordered));
    for key in [
        "Authorisation",
        "CustomsOfficeOfDeparture",
        "CustomsOfficeOfDestinationDeclared",
        "CustomsOfficeOfTransitDeclared",
        "CustomsOfficeOfExitForTransitDeclared",
        "HolderOfTheTransitProcedure",
        "Representative",
    ] {
        if let Some(v) = d.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    if let Some(c) = m.controls.iter().rev().find(|c| c.office == m.office_of_departure) {
        out.insert(
            "ControlResult".into(),
            json!({ "code": c.result.as_str(), "date": date(c.at), "controlledBy": c.office }),
        );
    }
    for key in ["Guarantee", "Consignment"] {
        if let Some(v) = d.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    Value::Object(out)
}
