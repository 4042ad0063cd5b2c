//! What the handlers of peers' messages share: the checks every movement message gets (its
//! MRN is the envelope's correlation; the movement is this node's, or a copy of the sender's)
//! and the commit of what a message changes, with its history, audit and inbox entries in one
//! transaction.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use cats_domain::ids::{Grn, Mrn, NodeId};
use cats_domain::movement::Movement;

use super::receive::{entry, nack, receipt, Inbound, Nack};
use super::{Host, IceType, Topology};
use crate::app::{Actor, App};
use crate::error::AppError;
use crate::history::{audit, inbound};
use crate::store::{Change, IceOut, LedgerOp, MovementRecord, StoreError, StoredControlAttachment};

/// A refusal: the NACK's message type (`CD906C`, `CD917C`) and the error.
pub(crate) type Refusal = (&'static str, Nack);

/// CD906C 93 unless `mrn` is the envelope's correlation.
pub(crate) fn correlated(msg: &Inbound, mrn: &Mrn) -> Result<(), Refusal> {
    if mrn.as_str() == msg.correlation {
        Ok(())
    } else {
        Err((
            "CD906C",
            nack(93, "the MRN is not the envelope's correlation"),
        ))
    }
}

/// CD906C 12 unless the sender hosts the office of departure of `movement`.
pub(crate) fn departed_from_sender(
    topology: &Topology,
    msg: &Inbound,
    movement: &Movement,
) -> Result<(), Refusal> {
    if topology.peer_hosts(&msg.sender, &movement.office_of_departure) {
        return Ok(());
    }
    let why = format!(
        "the office of departure {} is not hosted by node {}",
        movement.office_of_departure, msg.sender
    );
    Err(("CD906C", nack(12, why)))
}

/// CD906C 12 unless this node holds guarantee `grn` (it hosts the country of the GRN).
pub(crate) fn held_here(topology: &Topology, grn: &Grn) -> Result<(), Refusal> {
    if topology.host_of_country(grn.country()) == Host::Here {
        return Ok(());
    }
    let why = format!("guarantee {grn} is not held by node {}", topology.node);
    Err(("CD906C", nack(12, why)))
}

/// The movement `id` with `mrn` that this node (`node`) departed, not a copy; CD906C 90
/// otherwise.
pub(crate) async fn owned(
    app: &App,
    node: &NodeId,
    id: Uuid,
    mrn: &Mrn,
) -> Result<Result<MovementRecord, Refusal>, AppError> {
    let found = app
        .store()
        .movement(id)
        .await?
        .filter(|r| r.movement.home.is_none() && r.movement.mrn.as_ref() == Some(mrn));
    Ok(found.ok_or_else(|| {
        (
            "CD906C",
            nack(
                90,
                format!("MRN {mrn} is not a movement departed from node {node}"),
            ),
        )
    }))
}

/// What a message carries to make a new copy: the movement, its declaration (CC015C content) and
/// when it was lodged.
pub(crate) struct NewCopy<'a> {
    pub movement: &'a Movement,
    pub declaration: &'a serde_json::Value,
    pub lodged_at: DateTime<Utc>,
}

/// The copy `id` of the sender's movement, as its next version with the version expected, or a
/// new copy of `new` kept for the sender (expected `None`); CD906C 12 when `id` is a movement
/// here that is not a copy of the sender's.
pub(crate) async fn copy_for(
    app: &App,
    msg: &Inbound,
    id: Uuid,
    new: NewCopy<'_>,
) -> Result<Result<(MovementRecord, Option<i64>), Refusal>, AppError> {
    let fresh = || {
        let mut movement = new.movement.clone();
        movement.home = Some(msg.sender.clone());
        MovementRecord {
            id,
            version: 1,
            movement,
            declaration: std::sync::Arc::new(new.declaration.clone()),
            created_at: new.lodged_at,
            updated_at: msg.received_at,
        }
    };
    Ok(match app.store().movement(id).await? {
        Some(copy) if copy.movement.home.as_ref() == Some(&msg.sender) => {
            let next = MovementRecord {
                version: copy.version + 1,
                updated_at: msg.received_at,
                ..copy.clone()
            };
            Ok((next, Some(copy.version)))
        }
        Some(_) => Err((
            "CD906C",
            nack(
                12,
                format!("movement {id} is not a copy of node {}'s", msg.sender),
            ),
        )),
        None => Ok((fresh(), None)),
    })
}

/// What a peer's message changes here.
pub(crate) struct Applying {
    /// The message's type (its history entry is named after it).
    pub kind: IceType,
    /// The movement as it is to be.
    pub record: MovementRecord,
    /// The version it had (`None`: a new copy).
    pub expected_version: Option<i64>,
    /// The audit entry's text.
    pub detail: String,
    /// The audit entry's action (`ice.receive`, `ice.guarantee_use` …).
    pub action: &'static str,
    /// When (UTC), for the audit entry.
    pub at: DateTime<Utc>,
    /// The guarantee's bookkeeping (the node holding it).
    pub ledger: Vec<LedgerOp>,
    /// Messages sent with it (an answer).
    pub out: Vec<IceOut>,
    /// Control attachments' bytes kept with it.
    pub attachments: Vec<StoredControlAttachment>,
}

/// Commit `a` with the message in the movement's history, the audit entry and the inbox entry
/// (`applied`), in one transaction; the receipt to answer with. The store's errors are returned
/// as they are (a reservation refused, a conflict).
pub(crate) async fn commit(
    app: &App,
    node: &NodeId,
    msg: &Inbound,
    a: Applying,
) -> Result<String, StoreError> {
    let receipt = receipt(node, msg, None);
    let actor = Actor::System(format!("ice:{}", msg.sender));
    let id = a.record.id;
    let history = inbound(
        a.kind.code(),
        "application/json",
        &msg.content.to_string(),
        msg.received_at,
    );
    app.commit(Change {
        record: a.record,
        expected_version: a.expected_version,
        messages: vec![history],
        ledger: a.ledger,
        audit: vec![audit(&actor, a.action, Some(id), a.at, a.detail)],
        attachments: a.attachments,
        ice_out: a.out,
        ice_in: Some(entry(msg, "applied", receipt.clone())),
        notifications: Vec::new(),
    })
    .await?;
    Ok(receipt)
}
