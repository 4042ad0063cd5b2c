//! The chain guarantee over ICE: a guarantee is held by the node hosting the country of its GRN
//! (ISO 6346 positions 3–4), which alone keeps its running total. The node of departure asks it
//! for the use at release (CD203C) and releases once every use is accepted (CD205C); it credits
//! at write-off and claims at recovery (CD209C), and cancels a use when the release fails or the
//! movement is cancelled (CD204C). See [`cats_domain::movement::RemoteUse`] and
//! `docs/ice/README.md` § the chain guarantee.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use cats_domain::declaration::Cc015c;
use cats_domain::ids::{Grn, NodeId};
use cats_domain::movement::{
    Action, Effect, Movement, MovementState, PendingRelease, RemoteUse, RemoteUseStatus,
};

use super::applied::{commit, correlated, owned, Applying};
use super::messages::{GuaranteeUseEnd, GuaranteeUseRequest, GuaranteeUseResponse, UseEnd};
use super::receive::{nack, Applied, Inbound};

mod held;
use super::route::out_message;
use super::{Host, IceType, Topology};
use crate::act::{act_once, FromPeer};
use crate::app::{Actor, App};
use crate::error::AppError;
use crate::history::{audit, customs};
use crate::standing::aeo_benefits_apply;
use crate::store::{Change, IceOut, MovementRecord, StoreError};
pub(crate) use held::{use_end, use_request};

/// The peer node holding guarantee `grn`; `None` when it is held here (a hosted country, or
/// one no node of the network hosts).
pub fn holder_of<'t>(topology: &'t Topology, grn: &Grn) -> Option<&'t NodeId> {
    match topology.host_of_country(grn.country()) {
        Host::Peer(p) => Some(p),
        _ => None,
    }
}

/// Whether this node keeps the running total of `grn` (always, on a stand-alone node).
pub fn held_here(app: &App, grn: &Grn) -> bool {
    app.topology().is_none_or(|t| holder_of(t, grn).is_none())
}

/// The access code declared for `grn` in the CC015C content `declaration`.
fn access_code(declaration: &Value, grn: &Grn) -> Option<String> {
    let d = serde_json::from_value::<Cc015c>(declaration.clone()).ok()?;
    d.guarantee
        .iter()
        .flat_map(|g| g.guarantee_reference.iter())
        .find(|r| r.grn.as_ref().and_then(|g| g.valid()) == Some(grn))
        .and_then(|r| r.access_code.clone())
}

/// A release at the node of departure of a movement with guarantees held by peers: instead of
/// releasing, keep the release pending, ask each peer for the use (CD203C) and answer with the
/// movement as it now stands (state unchanged, `releasePending` set). `None` when every
/// guarantee is held here (release at once).
pub(crate) async fn request_uses(
    app: &App,
    actor: &Actor,
    record: &MovementRecord,
    action: &Action,
    request: &Value,
    now: DateTime<Utc>,
) -> Result<Option<MovementRecord>, AppError> {
    let Some(topology) = app.topology() else {
        return Ok(None);
    };
    let m = &record.movement;
    let (None, Some(mrn), Action::Release { office, .. }) = (&m.home, m.mrn.clone(), action) else {
        return Ok(None);
    };
    let remote: Vec<_> = m
        .guarantees
        .iter()
        .filter_map(|g| holder_of(topology, &g.grn).map(|node| (g, node)))
        .collect();
    if remote.is_empty() {
        return Ok(None);
    }
    if m.release_pending.is_some() {
        return Err(AppError::Refused(format!(
            "the release of {mrn} already waits for the use of its guarantee at {}",
            nodes_of(m)
        )));
    }
    let day = app.catalog().local_day(office, now);
    let aeo = aeo_benefits_apply(app, &m.holder, day).await?;
    let share = app.risk_policy().aeo.share_for(aeo);
    let trace_id = Uuid::new_v4();
    let mut out = Vec::new();
    let mut uses = Vec::new();
    for (used, node) in remote {
        let content = GuaranteeUseRequest {
            mrn: mrn.clone(),
            movement_id: record.id,
            grn: used.grn.clone(),
            access_code: access_code(&record.declaration, &used.grn).unwrap_or_default(),
            amount: used.amount.amount(),
            currency: used.amount.currency(),
            aeo_share: share,
            day,
            movement: m.clone(),
            declaration: record.declaration.as_ref().clone(),
            lodged_at: record.created_at,
        };
        out.push(out_message(
            node,
            IceType::Cd203c,
            &mrn,
            &content,
            trace_id,
        )?);
        uses.push(RemoteUse::requested(used.grn.clone(), node.clone()));
    }
    let mut movement = m.clone();
    movement.remote_guarantees = uses;
    movement.release_pending = Some(PendingRelease {
        action: action.clone(),
        officer: actor.name().to_string(),
        request: request.clone(),
        at: now,
    });
    let detail = format!(
        "release at {office}: waits for the use of its guarantee at {} (CD203C)",
        nodes_of(&movement)
    );
    let mut body = if request.is_object() {
        request.clone()
    } else {
        json!({})
    };
    body["action"] = json!("release_requested");
    body["officer"] = json!(actor.name());
    body["guaranteeUse"] = json!(movement.remote_guarantees);
    let new = MovementRecord {
        version: record.version + 1,
        movement,
        updated_at: now,
        ..record.clone()
    };
    app.commit(Change {
        record: new.clone(),
        expected_version: Some(record.version),
        messages: vec![customs("release_requested", &body, now)],
        ledger: vec![],
        audit: vec![audit(actor, "release", Some(record.id), now, detail)],
        attachments: vec![],
        ice_out: out,
        ice_in: None,
        notifications: Vec::new(),
    })
    .await?;
    Ok(Some(new))
}

/// `KZ, GE`: the nodes holding guarantees of `m`.
fn nodes_of(m: &Movement) -> String {
    let mut nodes: Vec<&str> = m
        .remote_guarantees
        .iter()
        .map(|u| u.node.as_str())
        .collect();
    nodes.dedup();
    nodes.join(", ")
}

/// What a decided step at the node of departure sends to the nodes holding its guarantees, with
/// `after` marked: CD209C credit at write-off, CD209C claim at recovery, CD204C when the
/// movement ends without release (release failed, cancelled) while a use is open or requested.
pub(crate) fn ends(
    after: &mut Movement,
    effects: &[Effect],
    record_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<IceOut>, AppError> {
    let (None, Some(mrn)) = (&after.home, after.mrn.clone()) else {
        return Ok(vec![]);
    };
    let end = if effects.contains(&Effect::Credit) {
        UseEnd::Credited
    } else if effects.contains(&Effect::Claim) {
        UseEnd::Claimed
    } else if matches!(
        after.state,
        MovementState::NotReleased | MovementState::Invalidated | MovementState::GuaranteeNotValid
    ) {
        UseEnd::Cancelled
    } else {
        return Ok(vec![]);
    };
    if end == UseEnd::Cancelled {
        after.release_pending = None;
    }
    let trace_id = Uuid::new_v4();
    let mut out = Vec::new();
    for u in &mut after.remote_guarantees {
        let open =
            u.is_open() || (end == UseEnd::Cancelled && u.status == RemoteUseStatus::Requested);
        if !open {
            continue;
        }
        let (kind, status) = match end {
            UseEnd::Cancelled => (IceType::Cd204c, RemoteUseStatus::Cancelled),
            UseEnd::Credited => (IceType::Cd209c, RemoteUseStatus::Credited),
            UseEnd::Claimed => (IceType::Cd209c, RemoteUseStatus::Claimed),
        };
        let content = GuaranteeUseEnd {
            mrn: mrn.clone(),
            movement_id: record_id,
            grn: u.grn.clone(),
            end,
            at: now,
        };
        out.push(out_message(&u.node, kind, &mrn, &content, trace_id)?);
        u.status = status;
    }
    Ok(out)
}

/// CD205C at the node of departure: note the answer; once every use is accepted, the pending
/// release takes effect (as the officer decided it, at the time decided); a refusal makes the
/// release fail (CC055C) and cancels the uses accepted.
pub(crate) async fn use_answer(
    app: &App,
    topology: &Topology,
    msg: &Inbound,
    content: GuaranteeUseResponse,
) -> Result<Applied, AppError> {
    if let Err(r) = correlated(msg, &content.mrn) {
        return Ok(Err(r));
    }
    let mut record = match owned(app, &topology.node, content.movement_id, &content.mrn).await? {
        Ok(r) => r,
        Err(r) => return Ok(Err(r)),
    };
    let entry = record
        .movement
        .remote_guarantees
        .iter_mut()
        .find(|u| u.grn == content.grn && u.node == msg.sender);
    let Some(entry) = entry.filter(|u| u.status == RemoteUseStatus::Requested) else {
        return Ok(Err((
            "CD906C",
            nack(
                92,
                format!(
                    "no use of {} at node {} waits for an answer",
                    content.grn, msg.sender
                ),
            ),
        )));
    };
    if content.accepted {
        entry.status = RemoteUseStatus::Accepted;
        entry.amount_minor = content.amount_minor;
        entry.currency = content.currency;
    } else {
        entry.status = RemoteUseStatus::Refused;
        entry.reason = content.reason.clone();
    }
    let receipt = super::receive::receipt(&topology.node, msg, None);
    let actor = Actor::System(format!("ice:{}", msg.sender));
    let uses = &record.movement.remote_guarantees;
    let refused = uses
        .iter()
        .find(|u| u.status == RemoteUseStatus::Refused)
        .cloned();
    let waiting = uses.iter().any(|u| u.status == RemoteUseStatus::Requested);
    let Some(pending) = record.movement.release_pending.clone() else {
        return Ok(Err((
            "CD906C",
            nack(92, "no release waits for this answer"),
        )));
    };
    if refused.is_none() && waiting {
        let detail = format!(
            "CD205C from node {}: use of {} accepted; the release waits for {}",
            msg.sender,
            content.grn,
            nodes_of(&record.movement)
        );
        let applying = Applying {
            kind: IceType::Cd205c,
            record: MovementRecord {
                version: record.version + 1,
                updated_at: msg.received_at,
                ..record.clone()
            },
            expected_version: Some(record.version),
            detail,
            action: "ice.guarantee_use",
            at: msg.received_at,
            ledger: vec![],
            out: vec![],
            attachments: vec![],
        };
        commit(app, &topology.node, msg, applying).await?;
        return Ok(Ok(receipt));
    }
    record.movement.release_pending = None;
    let office = record.movement.office_of_departure.clone();
    let peer = |receipt: &String| FromPeer {
        inbound: super::receive::entry(msg, "applied", receipt.clone()),
        officer: &pending.officer,
        selection: None,
        resumed: true,
    };
    let step = match &refused {
        Some(u) => Action::ReservationFailed {
            office: office.clone(),
            reason: format!(
                "guarantee {} at node {}: {}",
                u.grn,
                u.node,
                u.reason.as_deref().unwrap_or("refused")
            ),
        },
        None => pending.action.clone(),
    };
    let done = act_once(
        app,
        &actor,
        record.clone(),
        &step,
        &pending.request,
        pending.at,
        Some(peer(&receipt)),
    )
    .await;
    match done {
        Ok(_) => Ok(Ok(receipt)),
        // A guarantee held here could not reserve: the release fails, the remote uses are
        // cancelled.
        Err(AppError::Store(
            e @ (StoreError::Insufficient { .. } | StoreError::NotUsable { .. }),
        )) => {
            let failed = Action::ReservationFailed {
                office,
                reason: crate::act::reservation_refusal(e),
            };
            act_once(
                app,
                &actor,
                record,
                &failed,
                &pending.request,
                pending.at,
                Some(peer(&receipt)),
            )
            .await?;
            Ok(Ok(receipt))
        }
        Err(AppError::Transition(e)) => Ok(Err((
            "CD906C",
            nack(u16::from(e.error_code()), e.to_string()),
        ))),
        Err(e) => Err(e),
    }
}
