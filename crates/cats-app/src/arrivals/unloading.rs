//! CC044C unloading remarks of the authorised consignee, after the unloading permission
//! (CC043C).
//!
//! Unloading completed and conform (and the seals, when stated, intact): the goods are released
//! and the movement written off ([`Action::GoodsRelease`]: CC025C, CC045C). With discrepancies
//! (not conform, or seals not intact) they are recorded as a not-satisfactory (B1) control
//! result at the office of destination, so that the goods release ends in `Discrepancies`
//! (CC025C, CC019C with the remarks) for an officer to resolve. Unloading not completed: the
//! remarks are kept and the final ones awaited. Checked: the sequence (arrived, unloading
//! permitted: 92), the MRN (93) and the office of destination (12); a rejection is a CC057C.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use cats_domain::movement::{
    Action, ControlReport, ControlResultCode, ControlType, Finding, FindingKind, MovementState,
    TransitionError,
};
use cats_ncts::{Format, MessageType};

use super::destination_rejection;
use crate::amend::{commit_rejection, sequence_failure};
use crate::app::{Actor, App};
use crate::error::AppError;
use crate::history::{audit, inbound};
use crate::messages_in::{apply, failure, holder_only, read_message, Received};
use crate::store::{Change, Direction, MovementRecord};

/// Take a CC044C for arrival `id` (see the module documentation).
///
/// Errors: not a well-formed CC044C (400), no such arrival (404), not the holder (403).
pub async fn unloading_remarks(
    app: &App,
    actor: &Actor,
    id: Uuid,
    body: &[u8],
    format: Format,
    now: DateTime<Utc>,
) -> Result<Received, AppError> {
    let incoming = read_message(body, format, &[MessageType::CC044C])?;
    let correlation = incoming.identification();
    let done = |record, messages, failures, refused| {
        Ok(Received::new(record, "CC044C", messages, failures, refused))
    };
    let flag = |p: &str| incoming.text(&format!("/UnloadingRemark/{p}"));
    let completed = flag("unloadingCompletion") == Some("1");
    let conform = flag("conform") == Some("1");
    let seals_intact = flag("stateOfSeals") != Some("0");
    let remark = flag("unloadingRemark");
    let incoming = &incoming;
    crate::retry::on_conflict(|| async move {
        let record = super::arrival(app, actor, id).await?;
        let m = &record.movement;
        holder_only(actor, m, "send unloading remarks")?;
        let office = m
            .arrival_office
            .clone()
            .unwrap_or_else(|| m.office_of_destination.clone());
        let msg_in = inbound("CC044C", incoming.content_type(), &incoming.raw, now);
        let reject = |failures: &[_]| {
            destination_rejection(m, Some(&record), Some(&office), failures, correlation, now)
        };
        let permitted = app
            .store()
            .messages(id)
            .await?
            .iter()
            .any(|x| x.message_type == "CC043C" && x.direction == Direction::Outbound);
        if m.state != MovementState::Arrived || !permitted {
            let e = TransitionError::OutOfSequence {
                action: "unloading_remarks",
                state: m.state,
            };
            let mut f = sequence_failure("CC044C", &e);
            if m.state == MovementState::Arrived {
                f.reason = "no unloading permission (CC043C) was given: the arrival was not notified under the simplified procedure".into();
            }
            let failures = vec![f];
            let reply = reject(&failures);
            match commit_rejection(
                app,
                actor,
                &record,
                msg_in,
                reply,
                "unloading_remarks",
                &e,
                now,
            )
            .await
            {
                Err(e) => return Err(e),
                Ok((record, messages)) => return done(record, messages, failures, Some(e)),
            }
        }
        let mut failures = Vec::new();
        if let Some(mrn) = incoming
            .text("/TransitOperation/MRN")
            .filter(|x| m.mrn.as_ref().is_none_or(|mrn| mrn != x))
        {
            let reason = format!(
                "MRN {mrn} is not this arrival's ({})",
                m.mrn.as_ref().map_or("-", |m| m.as_str())
            );
            failures.push(failure(93, "/CC044C/TransitOperation/MRN".into(), reason));
        }
        let named = incoming.text("/CustomsOfficeOfDestinationActual/referenceNumber");
        if let Some(named) = named.filter(|x| office != *x) {
            let reason =
                format!("office {named} is not the office where the goods arrived ({office})");
            let pointer = "/CC044C/CustomsOfficeOfDestinationActual/referenceNumber";
            failures.push(failure(12, pointer.into(), reason));
        }
        if !failures.is_empty() {
            let reply = reject(&failures);
            let why = format!("{} functional error(s)", failures.len());
            match commit_rejection(
                app,
                actor,
                &record,
                msg_in,
                reply,
                "unloading_remarks",
                &why,
                now,
            )
            .await
            {
                Err(e) => return Err(e),
                Ok((record, messages)) => return done(record, messages, failures, None),
            }
        }
        let release = Action::GoodsRelease {
            office: office.clone(),
        };
        let actions = match (completed, conform && seals_intact) {
            (false, _) => vec![],
            (true, true) => vec![release],
            (true, false) => vec![
                Action::ControlResult {
                    office: office.clone(),
                    result: ControlResultCode::B1,
                    control_type: ControlType::Physical,
                    report: unloading_findings(conform, seals_intact, remark),
                },
                release,
            ],
        };
        let text = format!(
            "unloading remarks (CC044C) of the authorised consignee at {office}: {}{}{}",
            if conform { "conform" } else { "not conform" },
            if seals_intact {
                ""
            } else {
                ", seals not intact"
            },
            remark.map(|r| format!("; {r}")).unwrap_or_default()
        );
        let decl = &record.declaration;
        let policy = crate::risk_profiles::policy_now(app).await?;
        let applied = match apply(
            app,
            &policy,
            &record,
            decl,
            &actions,
            now,
            Some(correlation),
            Some(&text),
            false,
        ) {
            Ok(applied) => applied,
            Err(e) => {
                let failures = vec![sequence_failure("CC044C", &e)];
                let reply = reject(&failures);
                match commit_rejection(
                    app,
                    actor,
                    &record,
                    msg_in,
                    reply,
                    "unloading_remarks",
                    &e,
                    now,
                )
                .await
                {
                    Err(e) => return Err(e),
                    Ok((record, messages)) => return done(record, messages, failures, Some(e)),
                }
            }
        };
        let detail = if completed {
            format!("{text}; {}", applied.detail)
        } else {
            format!("{text}; unloading not completed: the final remarks are awaited")
        };
        let new = MovementRecord {
            version: record.version + 1,
            movement: applied.movement,
            updated_at: now,
            ..record.clone()
        };
        let mut messages = vec![msg_in];
        messages.extend(applied.messages);
        let stored = messages
            .iter()
            .map(|m| (m.id, m.message_type.clone()))
            .collect();
        let ice_out = match app.topology() {
            Some(topology) => crate::ice::route::after_trader_message(
                app,
                topology,
                &new,
                &actions,
                actor.name(),
                &serde_json::json!({ "message": "CC044C", "remarks": text }),
                now,
            )
            .await?,
            None => vec![],
        };
        let copy = new.movement.home.is_some();
        let change = Change {
            record: new.clone(),
            expected_version: Some(record.version),
            messages,
            // A copy's guarantee is the node of departure's business.
            ledger: if copy { vec![] } else { applied.ledger },
            audit: vec![audit(actor, "unloading_remarks", Some(id), now, detail)],
            attachments: vec![],
            ice_out,
            ice_in: None,
            notifications: Vec::new(),
        };
        app.commit(change).await?;
        done(new, stored, Vec::new(), None)
    })
    .await
}

/// The findings of unloading remarks that are not conform or state broken seals (CC044C
/// `conform` 0, `stateOfSeals` 0): the B1 they become records why (rule CATS024).
fn unloading_findings(conform: bool, seals_intact: bool, remark: Option<&str>) -> ControlReport {
    let said = remark.map(|r| format!(": {r}")).unwrap_or_default();
    let mut findings = Vec::new();
    if !conform {
        findings.push(Finding {
            kind: FindingKind::GoodsNotAsDeclared,
            goods_item: None,
            description: format!(
                "unloading remarks of the authorised consignee: not conform{said}"
            ),
            declared: None,
            found: None,
        });
    }
    if !seals_intact {
        findings.push(Finding {
            kind: FindingKind::Seals,
            goods_item: None,
            description:
                "unloading remarks of the authorised consignee: seals not intact (stateOfSeals 0)"
                    .into(),
            declared: None,
            found: None,
        });
    }
    ControlReport {
        findings,
        seals: None,
        remarks: remark.map(str::to_string),
    }
}
