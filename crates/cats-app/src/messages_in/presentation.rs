//! CC170C presentation notification for a pre-lodged declaration.
//!
//! A declaration with additionalDeclarationType `D` is accepted with an MRN but waits until the
//! holder notifies that the goods are presented at the office of departure (see
//! `cats_domain::movement` and `docs/lifecycle.md`). The CC170C completes the declaration with
//! what may not be known at pre-lodging: the limit date, the transport equipment and seals, the
//! location of the goods, the transport means at departure and at the border, the place of
//! loading, the container indicator and the modes of transport (each given group replaces the
//! declared one; a house consignment's departure transport means by sequenceNumber). The
//! completed declaration goes through the business rules again; CATS runs its risk selection at
//! the office of departure; control and release may then follow. Nothing is sent back when it is
//! accepted (NCTS answers with the control decision or the release); a CC056C (type 170) rejects
//! it, and nothing changes.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use cats_domain::movement::Action;
use cats_ncts::MessageType;

use super::{apply, failure, holder_only, party_failures, Incoming, Received};
use crate::act::load_visible;
use crate::amend::{check_rules, commit_rejection, rejection, sequence_failure};
use crate::app::{Actor, App};
use crate::error::{AppError, BodyError};
use crate::history::{audit, inbound};
use crate::store::{Change, MovementRecord};

/// CL560 businessRejectionType of a rejected presentation notification.
const REJECTION_TYPE: &str = "170";

/// Consignment elements a CC170C gives for the declaration.
const CONSIGNMENT: [&str; 8] = [
    "containerIndicator",
    "inlandModeOfTransport",
    "modeOfTransportAtTheBorder",
    "TransportEquipment",
    "LocationOfGoods",
    "DepartureTransportMeans",
    "ActiveBorderTransportMeans",
    "PlaceOfLoading",
];

/// The declaration in force completed with the CC170C's data.
fn complete(in_force: &Value, body: &Value) -> Value {
    let mut d = in_force.clone();
    let Some(decl) = d.as_object_mut() else {
        return d;
    };
    if let Some(limit) = body.pointer("/TransitOperation/limitDate") {
        if let Some(Value::Object(op)) = decl.get_mut("TransitOperation") {
            op.insert("limitDate".into(), limit.clone());
        }
    }
    let Some(given) = body.get("Consignment") else {
        return d;
    };
    let consignment = decl
        .entry("Consignment")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(consignment) = consignment.as_object_mut() else {
        return d;
    };
    for key in CONSIGNMENT {
        if let Some(v) = given.get(key) {
            consignment.insert(key.into(), v.clone());
        }
    }
    let houses = given.get("HouseConsignment").and_then(Value::as_array);
    for h in houses.into_iter().flatten() {
        let Some(means) = h.get("DepartureTransportMeans") else {
            continue;
        };
        let declared = consignment
            .get_mut("HouseConsignment")
            .and_then(Value::as_array_mut)
            .and_then(|a| {
                a.iter_mut()
                    .find(|x| x.get("sequenceNumber") == h.get("sequenceNumber"))
            })
            .and_then(Value::as_object_mut);
        if let Some(declared) = declared {
            declared.insert("DepartureTransportMeans".into(), means.clone());
        }
    }
    d
}

/// Take a CC170C for movement `id`.
pub(super) async fn notify(
    app: &App,
    actor: &Actor,
    id: Uuid,
    incoming: &Incoming,
    now: DateTime<Utc>,
) -> Result<Received, AppError> {
    let correlation = incoming.identification();
    let done = |record, messages, failures, refused| {
        Ok(Received::new(record, "CC170C", messages, failures, refused))
    };
    crate::retry::on_conflict(|| async move {
        let record = load_visible(app, actor, id).await?;
        let m = &record.movement;
        holder_only(actor, m, "notify the presentation of the goods")?;
        let msg_in = inbound("CC170C", incoming.content_type(), &incoming.raw, now);
        let action = Action::PresentationNotification {
            office: m.office_of_departure.clone(),
        };
        let completed = complete(&record.declaration, incoming.body());
        let actions = std::slice::from_ref(&action);
        let aeo = crate::standing::aeo_benefits_apply(app, &m.holder, now.date_naive()).await?;
        app.refresh_restricted_goods().await?;
        let policy = crate::risk_profiles::policy_now(app).await?;
        let applied = match apply(
            app,
            &policy,
            &record,
            &completed,
            actions,
            now,
            Some(correlation),
            None,
            aeo,
        ) {
            Ok(applied) => applied,
            Err(e) => {
                let failures = vec![sequence_failure("CC170C", &e)];
                let reply = rejection(&record, &failures, correlation, REJECTION_TYPE, now);
                match commit_rejection(app, actor, &record, msg_in, reply, action.name(), &e, now)
                    .await
                {
                    Err(e) => return Err(e),
                    Ok((record, messages)) => return done(record, messages, failures, Some(e)),
                }
            }
        };
        let declaration = typed(&completed)?;
        let mut failures = Vec::new();
        if let Some(lrn) = incoming
            .text("/TransitOperation/LRN")
            .filter(|l| m.lrn != *l)
        {
            let reason = format!("LRN {lrn} is not this movement's ({})", m.lrn);
            failures.push(failure(12, "/CC170C/TransitOperation/LRN".into(), reason));
        }
        failures.extend(party_failures(incoming, m));
        failures.extend(check_rules(app, &declaration, now).await?.0);
        if !failures.is_empty() {
            let reply = rejection(&record, &failures, correlation, REJECTION_TYPE, now);
            let ids: Vec<&str> = failures.iter().map(|f| f.rule_id.as_str()).collect();
            let why = ids.join(", ");
            match commit_rejection(app, actor, &record, msg_in, reply, action.name(), &why, now)
                .await
            {
                Err(e) => return Err(e),
                Ok((record, messages)) => return done(record, messages, failures, None),
            }
        }
        let mut movement = applied.movement;
        movement.limit_date = crate::lodge::typed_facts(&declaration, "CC170C")?.limit_date;
        let risk = movement
            .risk
            .last()
            .map(|s| {
                if s.selected {
                    format!("selected: {}", s.reasons.join("; "))
                } else {
                    "not selected".to_string()
                }
            })
            .unwrap_or_default();
        let new = MovementRecord {
            version: record.version + 1,
            movement,
            declaration: std::sync::Arc::new(completed),
            updated_at: now,
            ..record.clone()
        };
        let stored = vec![(msg_in.id, msg_in.message_type.clone())];
        let detail = format!(
            "{}; goods presented (CC170C); risk at {}: {risk}",
            applied.detail, m.office_of_departure
        );
        let change = Change {
            record: new.clone(),
            expected_version: Some(record.version),
            messages: vec![msg_in],
            ledger: applied.ledger,
            audit: vec![audit(actor, action.name(), Some(id), now, detail)],
            attachments: vec![],
            ice_out: vec![],
            ice_in: None,
            notifications: Vec::new(),
        };
        app.commit(change).await?;
        done(new, stored, Vec::new(), None)
    })
    .await
}

/// The completed declaration, checked against the CC015C structure. Errors: its structural
/// errors, pointing into the CC170C.
fn typed(completed: &Value) -> Result<cats_domain::declaration::Cc015c, AppError> {
    let doc = serde_json::json!({ "n1:CC015C": completed });
    let to_170 = |errors: Vec<cats_ncts::FieldError>| AppError::Malformed {
        message_type: "CC170C".into(),
        errors: errors
            .into_iter()
            .map(|e| BodyError {
                pointer: e.pointer.replacen("/CC015C", "/CC170C", 1),
                reason: format!("{} (in the declaration as completed)", e.reason),
            })
            .collect(),
    };
    let errors = cats_ncts::validate(MessageType::CC015C, &doc);
    if !errors.is_empty() {
        return Err(to_170(errors));
    }
    cats_ncts::cc015c_from_value(&doc).map_err(to_170)
}
