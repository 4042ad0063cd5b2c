//! The arrival side: CC007C arrival notification, CC043C unloading permission, CC044C unloading
//! remarks, CC057C rejection from the office of destination.
//!
//! An arrival is not a record of its own: it is the departure movement seen from the office of
//! destination, with the same id. `POST /movements/arrivals` finds the movement by the MRN of the
//! CC007C and applies [`Action::Arrival`] at the office of destination (actual) it names; the
//! arrival then exists (`GET /movements/arrivals/{id}`) and its messages are the movement's from
//! the arrival on, with the arrival notifications that were rejected before.
//!
//! Who: the holder's trader user (CATS's trader at destination is the holder of the transit
//! procedure). An MRN the holder has no movement for is unknown (CC057C, code 90): the CC007C and
//! its CC057C are kept as an [`unmatched::UnmatchedArrival`] the trader reads (HMRC's profile
//! shows it as an arrival); a movement
//! not en route gets a CC057C with code 92, kept with the CC007C in its history (HTTP 409).
//! With `simplifiedProcedure` 1 (authorised consignee) customs gives the unloading permission
//! (CC043C) at once, and the trader answers with its unloading remarks ([`unloading_remarks`]).

mod unloading;
pub mod unmatched;

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use cats_domain::ids::{Declared, Eori, Mrn, OfficeRef};
use cats_domain::movement::{Action, Movement, MovementState, TransitionError};
use cats_domain::rules::RuleFailure;
use cats_ncts::{Format, MessageType};

use crate::act::load_visible;
use crate::amend::{commit_rejection, sequence_failure};
use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::history::{audit, inbound, outbound, Extra};
use crate::messages_in::{apply, failure, read_message, Incoming, Received};
use crate::query::{list_movements, movement_messages};
use crate::store::{Change, MovementFilter, MovementRecord, NewMessage, StoredMessage};

pub use unloading::unloading_remarks;

/// States of a movement whose arrival was notified.
pub const ARRIVED_STATES: [MovementState; 4] = [
    MovementState::Arrived,
    MovementState::GoodsReleased,
    MovementState::Discrepancies,
    MovementState::WrittenOff,
];

/// What an arrival notification did.
#[derive(Debug, Clone)]
pub enum Notified {
    /// The movement with this MRN took it: arrived, or refused with a CC057C in its history.
    Movement(Box<Received>),
    /// No movement with this MRN is known to the trader: the CC057C (code 90) answering it.
    UnknownMrn {
        /// The MRN named (as given: it may not even be well formed).
        mrn: Declared<Mrn>,
        /// The CC057C (`{"n1:CC057C": {...}}`).
        rejection: Value,
        /// The unmatched arrival that keeps the CC007C and its CC057C, when the trader acts
        /// for a company.
        arrival: Option<Uuid>,
    },
}

/// A CC057C answering a message of the trader at destination, built on `movement`.
pub(crate) fn destination_rejection(
    movement: &Movement,
    record: Option<&MovementRecord>,
    office: Option<&OfficeRef>,
    failures: &[RuleFailure],
    correlation: &str,
    now: DateTime<Utc>,
) -> NewMessage {
    let empty = Value::Null;
    let (declaration, lodged) = match record {
        Some(r) => (r.declaration.as_ref(), r.created_at),
        None => (&empty, now),
    };
    let extra = Extra {
        office,
        ..Extra::default()
    };
    outbound(
        movement,
        declaration,
        now,
        lodged,
        "CC057C",
        failures,
        Some(correlation),
        Some(&extra),
    )
}

/// Take a CC007C arrival notification (XML or JSON; see the module documentation).
///
/// Errors: not a well-formed CC007C (400, every error), not a trader (403).
pub async fn notify_arrival(
    app: &App,
    actor: &Actor,
    body: &[u8],
    format: Format,
    now: DateTime<Utc>,
) -> Result<Notified, AppError> {
    if let Some(u) = actor.user() {
        if u.role != Role::Trader {
            return Err(AppError::Forbidden(
                "an arrival is notified by the trader at destination".into(),
            ));
        }
    }
    let incoming = read_message(body, format, &[MessageType::CC007C])?;
    let mrn = incoming
        .text("/TransitOperation/MRN")
        .unwrap_or_default()
        .to_string();
    let office = incoming
        .text("/CustomsOfficeOfDestinationActual/referenceNumber")
        .unwrap_or_default()
        .to_string();
    let simplified = incoming.text("/TransitOperation/simplifiedProcedure") == Some("1");
    let correlation = incoming.identification();
    let party = actor.user().and_then(|u| u.party.clone());
    let found = match Mrn::parse(&mrn) {
        Ok(m) => app.store().movement_by_mrn(&m).await?,
        Err(_) => None,
    };
    let id = match found {
        Some(r) if party.as_ref().is_none_or(|p| *p == r.movement.holder) => r.id,
        _ => return unknown_mrn(app, actor, &incoming, &mrn, &office, party, now).await,
    };
    // An office reference that is not even well formed names no office: refused like an unknown
    // office (functional error 12), answered on the movement.
    let named = match Declared::<OfficeRef>::parse(&office) {
        Declared::Valid(office) => Ok(office),
        office => Err(TransitionError::UnknownOffice { office }),
    };
    let named = &named;
    let incoming = &incoming;
    crate::retry::on_conflict(|| async move {
        let record = load_visible(app, actor, id).await?;
        let msg_in = inbound("CC007C", incoming.content_type(), &incoming.raw, now);
        let decl = &record.declaration;
        let aeo =
            crate::standing::aeo_benefits_apply(app, &record.movement.holder, now.date_naive())
                .await?;
        app.refresh_restricted_goods().await?;
        let policy = crate::risk_profiles::policy_now(app).await?;
        if let Ok(office) = named {
            // In an ICE network the arrival is notified at the node hosting the office.
            crate::act::refuse_peer_office(
                app,
                &Action::Arrival {
                    office: office.clone(),
                },
            )?;
        }
        let applied = named.clone().and_then(|office| {
            let action = Action::Arrival { office };
            apply(
                app,
                &policy,
                &record,
                decl,
                std::slice::from_ref(&action),
                now,
                Some(correlation),
                None,
                aeo,
            )
        });
        let mut applied = match applied {
            Ok(applied) => applied,
            Err(e) => {
                let mut f = sequence_failure("CC007C", &e);
                if e.error_code() != 92 {
                    f.pointer = "/CC007C/CustomsOfficeOfDestinationActual/referenceNumber".into();
                }
                let failures = vec![f];
                let m = &record.movement;
                let reply = destination_rejection(
                    m,
                    Some(&record),
                    named.as_ref().ok(),
                    &failures,
                    correlation,
                    now,
                );
                match commit_rejection(app, actor, &record, msg_in, reply, "arrival", &e, now).await
                {
                    Err(e) => return Err(e),
                    Ok((record, messages)) => {
                        let r = Received::new(record, "CC007C", messages, failures, Some(e));
                        return Ok(Notified::Movement(Box::new(r)));
                    }
                }
            }
        };
        let mut detail = format!("{} (CC007C)", applied.detail);
        if simplified {
            // Simplified procedure (authorised consignee): unloading permitted at once.
            let extra = Extra {
                office: named.as_ref().ok(),
                ..Extra::default()
            };
            applied.messages.push(outbound(
                &applied.movement,
                decl,
                now,
                record.created_at,
                "CC043C",
                &[],
                Some(correlation),
                Some(&extra),
            ));
            detail.push_str("; simplified procedure: unloading permitted (CC043C)");
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
        let ice_out = match (app.topology(), named) {
            (Some(topology), Ok(office)) => {
                crate::ice::route::after_trader_message(
                    app,
                    topology,
                    &new,
                    &[Action::Arrival {
                        office: office.clone(),
                    }],
                    actor.name(),
                    &serde_json::json!({ "office": office, "message": "CC007C" }),
                    now,
                )
                .await?
            }
            _ => vec![],
        };
        let copy = new.movement.home.is_some();
        let change = Change {
            record: new.clone(),
            expected_version: Some(record.version),
            messages,
            // A copy's guarantee is the node of departure's business.
            ledger: if copy { vec![] } else { applied.ledger },
            audit: vec![audit(actor, "arrival", Some(id), now, detail)],
            attachments: vec![],
            ice_out,
            ice_in: None,
            notifications: Vec::new(),
        };
        app.commit(change).await?;
        let r = Received::new(new, "CC007C", stored, Vec::new(), None);
        Ok(Notified::Movement(Box::new(r)))
    })
    .await
}

/// The CC057C for an MRN no movement of the trader has; written to the audit log.
async fn unknown_mrn(
    app: &App,
    actor: &Actor,
    incoming: &Incoming,
    mrn: &str,
    office: &str,
    party: Option<Eori>,
    now: DateTime<Utc>,
) -> Result<Notified, AppError> {
    let trader = party
        .map(|p| p.to_string())
        .or_else(|| {
            incoming
                .text("/TraderAtDestination/identificationNumber")
                .map(str::to_string)
        })
        .unwrap_or_default();
    let failures = vec![failure(
        90,
        "/CC007C/TransitOperation/MRN".into(),
        format!("no movement with MRN {mrn} is known to the trader"),
    )];
    let (reply_id, rejection) = crate::messages::unknown_mrn_rejection(
        mrn,
        office,
        &trader,
        &failures,
        incoming.identification(),
        now,
    );
    let detail = format!(
        "CC007C {} for unknown MRN {mrn} at {office} refused with CC057C {reply_id} (code 90)",
        incoming.identification(),
    );
    app.store()
        .audit(&[audit(actor, "arrival", None, now, detail)])
        .await?;
    let arrival = match actor.user().and_then(|u| u.party.clone()) {
        Some(party) => {
            let received = inbound("CC007C", incoming.content_type(), &incoming.raw, now);
            Some(unmatched::keep(app, party, mrn, received, &rejection, now).await?)
        }
        None => None,
    };
    Ok(Notified::UnknownMrn {
        mrn: Declared::parse(mrn),
        rejection,
        arrival,
    })
}

/// The arrival `id`: the movement, once its arrival was notified. Errors: not found, not
/// visible, or not arrived (404).
pub async fn arrival(app: &App, actor: &Actor, id: Uuid) -> Result<MovementRecord, AppError> {
    let record = load_visible(app, actor, id).await?;
    if record.movement.arrived_at.is_none() {
        return Err(AppError::NotFound(format!("arrival {id}")));
    }
    Ok(record)
}

/// Where the arrival starts in the history: the accepted arrival notification (a CC007C not
/// answered by a CC057C) or an officer's arrival action.
fn arrival_start(messages: &[StoredMessage]) -> Option<usize> {
    messages.iter().enumerate().position(|(i, m)| {
        m.message_type == "arrival"
            || (m.message_type == "CC007C"
                && messages
                    .get(i + 1)
                    .is_none_or(|n| n.message_type != "CC057C"))
    })
}

/// The arrival's messages, oldest first: the rejected arrival notifications with their CC057C,
/// then everything from the arrival on.
pub async fn arrival_messages(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<(MovementRecord, Vec<StoredMessage>), AppError> {
    arrival(app, actor, id).await?;
    let (record, messages) = movement_messages(app, actor, id).await?;
    let start = arrival_start(&messages).unwrap_or(messages.len());
    let picked = messages
        .iter()
        .enumerate()
        .filter(|(i, m)| {
            *i >= start
                || m.message_type == "CC007C"
                || (m.message_type == "CC057C"
                    && *i > 0
                    && messages[*i - 1].message_type == "CC007C")
        })
        .map(|(_, m)| m.clone())
        .collect();
    Ok((record, picked))
}

/// Arrivals the actor may see (movements in an arrived state), filtered and paged like
/// departures, most recently changed first; with the total count. A `state` filter outside the
/// arrived states gives nothing.
pub async fn list_arrivals(
    app: &App,
    actor: &Actor,
    filter: MovementFilter,
) -> Result<(Vec<MovementRecord>, u64), AppError> {
    let states: Vec<MovementState> = match filter.state {
        Some(s) if ARRIVED_STATES.contains(&s) => vec![s],
        Some(_) => return Ok((vec![], 0)),
        None => ARRIVED_STATES.to_vec(),
    };
    let count = filter.count.clamp(1, 500) as usize;
    let page = filter.page.max(1) as usize;
    let wanted = page * count;
    let mut all = Vec::new();
    let mut total = 0;
    for state in states {
        let mut n = 1;
        loop {
            let f = MovementFilter {
                state: Some(state),
                page: n,
                count: 500,
                ..filter.clone()
            };
            let (records, t) = list_movements(app, actor, f).await?;
            if n == 1 {
                total += t;
            }
            let done = records.len() < 500 || (n as usize) * 500 >= wanted;
            all.extend(records);
            if done {
                break;
            }
            n += 1;
        }
    }
    all.sort_by(|a, b| {
        b.updated_at
            .cmp(&a.updated_at)
            .then_with(|| a.id.to_string().cmp(&b.id.to_string()))
    });
    let records = all
        .into_iter()
        .skip((page - 1) * count)
        .take(count)
        .collect();
    Ok((records, total))
}
