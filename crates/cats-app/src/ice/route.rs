//! What a change sends to peer nodes: anticipated records at release, and officers' actions on a
//! copy back to the node of departure. The messages go into the change's outbox
//! ([`crate::store::Change::ice_out`]), committed with it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use cats_domain::movement::{Action, MovementState};
use cats_domain::risk::Selection;

use super::messages::{AnticipatedRecord, IceType, MovementUpdate, OfficeAction};
use super::{Host, Topology};
use crate::app::App;
use crate::error::AppError;
use crate::store::{IceOut, MovementRecord, StoreError};
use cats_domain::ids::{Mrn, NodeId};

pub(crate) fn out_message(
    peer: &NodeId,
    kind: IceType,
    mrn: &Mrn,
    payload: &impl serde::Serialize,
    trace_id: Uuid,
) -> Result<IceOut, AppError> {
    let mut out = out_message_about(peer, kind, mrn.as_str(), payload)?;
    out.trace_id = trace_id;
    Ok(out)
}

/// A message to `peer` with its own `correlation` (an MRN, or `N-` and a UUID for a notice).
pub(crate) fn out_message_about(
    peer: &NodeId,
    kind: IceType,
    correlation: &str,
    payload: &impl serde::Serialize,
) -> Result<IceOut, AppError> {
    Ok(IceOut {
        message_id: Uuid::new_v4(),
        peer: peer.clone(),
        message_type: kind.code().into(),
        correlation: correlation.to_string(),
        trace_id: Uuid::new_v4(),
        payload: serde_json::to_string(payload)
            .map_err(|e| StoreError::corrupt(format!("ICE {kind} content: {e}")))?,
        // When the message is written, by the clock (the content carries when the step
        // happened, which a replay sets in the past): delivery lag is measured from it.
        created_at: Utc::now(),
    })
}

/// The anticipated records a release sends: CD001C to the peer hosting the office of
/// destination, CD050C to each peer hosting an office of transit, CD160C to each peer hosting
/// an office of exit (one per office). Nothing when `record` (after the release) is not
/// released for transit, is a copy, or every office is hosted here.
pub fn anticipated_records(
    topology: &Topology,
    record: &MovementRecord,
) -> Result<Vec<IceOut>, AppError> {
    let m = &record.movement;
    if m.state != MovementState::ReleasedForTransit || m.home.is_some() {
        return Ok(vec![]);
    }
    let Some(mrn) = m.mrn.clone() else {
        return Ok(vec![]);
    };
    let trace_id = Uuid::new_v4();
    let offices = std::iter::once((IceType::Cd001c, &m.office_of_destination))
        .chain(m.offices_of_transit.iter().map(|o| (IceType::Cd050c, o)))
        .chain(m.offices_of_exit.iter().map(|o| (IceType::Cd160c, o)));
    let mut sent = Vec::new();
    for (kind, office) in offices {
        if let Host::Peer(peer) = topology.host_of(office) {
            let content = AnticipatedRecord {
                mrn: mrn.clone(),
                movement_id: record.id,
                office: office.clone(),
                movement: m.clone(),
                declaration: record.declaration.as_ref().clone(),
                lodged_at: record.created_at,
            };
            sent.push(out_message(peer, kind, &mrn, &content, trace_id)?);
        }
    }
    Ok(sent)
}

/// The peers holding a copy of `record`, each once: once released, those hosting its office of
/// destination, of transit or of exit; and those holding one of its guarantees (chain
/// guarantee, from the use request on).
fn holders<'t>(topology: &'t Topology, record: &'t MovementRecord) -> Vec<&'t NodeId> {
    let m = &record.movement;
    let route = std::iter::once(&m.office_of_destination)
        .chain(&m.offices_of_transit)
        .chain(&m.offices_of_exit)
        .chain(&m.records_requested)
        .filter(|_| m.released_at.is_some())
        .filter_map(|o| match topology.host_of(o) {
            Host::Peer(p) => Some(p),
            _ => None,
        });
    let mut peers: Vec<&NodeId> = route
        .chain(m.remote_guarantees.iter().map(|u| &u.node))
        .collect();
    peers.sort();
    peers.dedup();
    peers
}

/// CA003C to every peer holding a copy but those in `except` (sent the records by the same
/// change), after a change of a movement owned by this node. Each says how many of that peer's
/// messages about the movement it reflects (`acknowledged`): the one `applying` (peer, sequence)
/// in this change included, so that a copy can tell an update made before its own last action
/// arrived. `cause` is the step that made the change, when there is one (it names the update:
/// see [`update_kind`]).
pub async fn updates(
    app: &App,
    topology: &Topology,
    record: &MovementRecord,
    now: DateTime<Utc>,
    applying: Option<(&NodeId, i64)>,
    except: &[NodeId],
    cause: Option<&Action>,
) -> Result<Vec<IceOut>, AppError> {
    let m = &record.movement;
    let (None, Some(mrn)) = (&m.home, m.mrn.clone()) else {
        return Ok(vec![]);
    };
    let trace_id = Uuid::new_v4();
    let mut out = Vec::new();
    for peer in holders(topology, record)
        .into_iter()
        .filter(|p| !except.contains(p))
    {
        let acknowledged = match applying {
            Some((p, sequence)) if p == peer => sequence,
            _ => app.store().ice_last_sequence(peer, mrn.as_str()).await?,
        };
        let content = MovementUpdate {
            mrn: mrn.clone(),
            movement_id: record.id,
            version: record.version,
            at: now,
            acknowledged,
            movement: m.clone(),
        };
        out.push(out_message(
            peer,
            update_kind(topology, m, peer, cause),
            &mrn,
            &content,
            trace_id,
        )?);
    }
    Ok(out)
}

/// What an update to `peer` is: CD010C when the movement is invalidated; CD024C to the node of
/// the declared office of destination when the goods arrived at an office of another node (a
/// diversion); CD181C when it forwards an incident; CD152C when it notifies the recovery;
/// CA003C otherwise.
fn update_kind(
    topology: &Topology,
    m: &cats_domain::movement::Movement,
    peer: &NodeId,
    cause: Option<&Action>,
) -> IceType {
    let diverted = m.state == MovementState::Arrived
        && m.arrival_office
            .as_ref()
            .is_some_and(|o| o != &m.office_of_destination && !topology.peer_hosts(peer, o))
        && topology.peer_hosts(peer, &m.office_of_destination);
    match cause {
        _ if m.state == MovementState::Invalidated => IceType::Cd010c,
        _ if diverted => IceType::Cd024c,
        Some(Action::Incident { .. }) => IceType::Cd181c,
        Some(Action::OpenRecovery { .. }) => IceType::Cd152c,
        _ => IceType::Ca003c,
    }
}

/// The message carrying an officer's `action` on a copy (`record`, after it) back to the node
/// of departure; `None` when `record` is not a copy or the action is not one a copy sends.
pub fn forward(
    record: &MovementRecord,
    action: &Action,
    officer: &str,
    selection: Option<&Selection>,
    request: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Option<IceOut>, AppError> {
    let (Some(home), Some(kind), Some(mrn)) = (
        record.movement.home.as_ref(),
        IceType::of_action(action),
        record.movement.mrn.clone(),
    ) else {
        return Ok(None);
    };
    let content = OfficeAction {
        mrn: mrn.clone(),
        movement_id: record.id,
        at: now,
        officer: officer.to_string(),
        action: action.clone(),
        selection: selection.cloned(),
        request: request.clone(),
    };
    out_message(home, kind, &mrn, &content, Uuid::new_v4()).map(Some)
}

/// CATS's risk selection that `action` ran at its office (exit, entry, arrival): the movement's
/// last, when it is at that office.
pub fn selection_of<'r>(record: &'r MovementRecord, action: &Action) -> Option<&'r Selection> {
    match action {
        Action::Exit { office } | Action::Entry { office } | Action::Arrival { office } => {
            record.movement.risk.last().filter(|s| &s.office == office)
        }
        _ => None,
    }
}

/// What a trader's message that moved a movement (CC007C arrival, CC044C unloading remarks)
/// sends: from a copy, each action to the node of departure; at the node of departure, the
/// update to the copies.
pub async fn after_trader_message(
    app: &App,
    topology: &Topology,
    record: &MovementRecord,
    actions: &[Action],
    sender: &str,
    request: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Vec<IceOut>, AppError> {
    if record.movement.home.is_none() {
        return updates(app, topology, record, now, None, &[], None).await;
    }
    let mut out = Vec::new();
    for a in actions {
        out.extend(forward(
            record,
            a,
            sender,
            selection_of(record, a),
            request,
            now,
        )?);
    }
    Ok(out)
}
