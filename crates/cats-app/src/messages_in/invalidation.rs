//! CC014C invalidation request: the holder asks to cancel the declaration before release. CATS
//! records the request ([`Action::RequestCancellation`]); the officer at the office of departure
//! decides (CC009C). The CC014C is kept unchanged in the history.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use cats_domain::movement::Action;

use super::{apply, holder_only, party_failures, reference_failures, Incoming, Received};
use crate::act::load_visible;
use crate::amend::{commit_rejection, rejection, sequence_failure};
use crate::app::{Actor, App};
use crate::error::AppError;
use crate::history::{audit, inbound};
use crate::store::{Change, MovementRecord};

/// CL560 businessRejectionType of a rejected invalidation request.
const REJECTION_TYPE: &str = "014";

/// Take a CC014C for movement `id`. Checked: the sequence (before release only: 92), the
/// references (C0467, 93, 12), the office of departure and holder named, and that the request
/// is the holder's (initiatedByCustoms 0). The justification is the reason recorded.
pub(super) async fn request(
    app: &App,
    actor: &Actor,
    id: Uuid,
    incoming: &Incoming,
    now: DateTime<Utc>,
) -> Result<Received, AppError> {
    let correlation = incoming.identification();
    let reason = incoming
        .text("/Invalidation/justification")
        .filter(|j| !j.trim().is_empty())
        .unwrap_or("invalidation requested by the holder (CC014C) without justification")
        .to_string();
    let action = Action::RequestCancellation {
        reason: reason.clone(),
    };
    let reason = &reason;
    let action = &action;
    crate::retry::on_conflict(|| async move {
        let record = load_visible(app, actor, id).await?;
        holder_only(actor, &record.movement, "ask to invalidate the declaration")?;
        let msg_in = inbound("CC014C", incoming.content_type(), &incoming.raw, now);
        let policy = crate::risk_profiles::policy_now(app).await?;
        let applied = match apply(
            app,
            &policy,
            &record,
            &record.declaration,
            std::slice::from_ref(action),
            now,
            Some(correlation),
            None,
            false,
        ) {
            Ok(applied) => applied,
            Err(e) => {
                let failures = vec![sequence_failure("CC014C", &e)];
                let reply = rejection(&record, &failures, correlation, REJECTION_TYPE, now);
                let name = action.name();
                match commit_rejection(app, actor, &record, msg_in, reply, name, &e, now).await {
                    Err(e) => return Err(e),
                    Ok((record, messages)) => {
                        return Ok(Received::new(record, "CC014C", messages, failures, Some(e)));
                    }
                }
            }
        };
        let mut failures = reference_failures(incoming, &record.movement);
        failures.extend(party_failures(incoming, &record.movement));
        if incoming.text("/Invalidation/initiatedByCustoms") == Some("1") {
            failures.push(super::failure(
                14,
                "/CC014C/Invalidation/initiatedByCustoms".into(),
                "a holder's invalidation request is not initiated by customs (0)".into(),
            ));
        }
        if !failures.is_empty() {
            let reply = rejection(&record, &failures, correlation, REJECTION_TYPE, now);
            let why = format!("{} functional error(s)", failures.len());
            match commit_rejection(app, actor, &record, msg_in, reply, action.name(), &why, now)
                .await
            {
                Err(e) => return Err(e),
                Ok((record, messages)) => {
                    return Ok(Received::new(record, "CC014C", messages, failures, None))
                }
            }
        }
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
        let detail = format!("{} (CC014C): {reason}", applied.detail);
        let change = Change {
            record: new.clone(),
            expected_version: Some(record.version),
            messages,
            ledger: applied.ledger,
            audit: vec![audit(actor, action.name(), Some(id), now, detail)],
            attachments: vec![],
            ice_out: vec![],
            ice_in: None,
            notifications: Vec::new(),
        };
        app.commit(change).await?;
        Ok(Received::new(new, "CC014C", stored, Vec::new(), None))
    })
    .await
}
