//! Announced unavailability (CD070C, CD071C): an administrator tells the peers that this node
//! will be down for maintenance from one time to another (CD070C), or that it is back (CD071C).
//! A peer does not try to deliver to a node inside its announced window (the messages wait,
//! due at the window's end); when the node says it is back, they are due at once. Each notice
//! has its own correlation (`N-` and a UUID).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use cats_domain::ids::NodeId;

use super::receive::{entry, nack, receipt, Applied, Inbound};
use super::route::out_message_about;
use super::{IceType, Topology};
use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::history::audit;

/// The longest window an announcement may cover.
pub const LONGEST: Duration = Duration::days(7);

/// Content of CD070C. JSON Schema: `docs/ice/schemas/unavailability.json`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Unavailability {
    /// From (UTC).
    pub from: DateTime<Utc>,
    /// Until (UTC), after `from`, at most 7 days later.
    pub to: DateTime<Utc>,
    /// Why (maintenance, upgrade …), for the peers' administrators.
    pub reason: String,
}

/// Content of CD071C: the node is available again (the announced window ends now).
/// JSON Schema: `docs/ice/schemas/available-again.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AvailableAgain {
    /// Since when (UTC).
    pub at: DateTime<Utc>,
}

/// A peer's announced window, as this node keeps it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Announced {
    /// The peer.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub peer: NodeId,
    /// Its window and reason.
    pub window: Unavailability,
}

fn admin_only(actor: &Actor) -> Result<(), AppError> {
    match actor.user() {
        Some(u) if u.role != Role::Admin => Err(AppError::Forbidden(
            "unavailability is announced by administrators".into(),
        )),
        _ => Ok(()),
    }
}

/// Announce to every peer that this node is unavailable in `window` (CD070C); the peers told.
///
/// Errors: not an administrator (403), stand-alone node (403), `to` not after `from` or not in
/// the future, or a window longer than 7 days, or no reason (400).
pub async fn announce(
    app: &App,
    actor: &Actor,
    window: Unavailability,
    now: DateTime<Utc>,
) -> Result<Vec<NodeId>, AppError> {
    admin_only(actor)?;
    let topology = app
        .topology()
        .ok_or_else(|| AppError::Forbidden("this node is not part of an ICE network".into()))?;
    if window.to <= window.from || window.to <= now {
        return Err(AppError::Invalid(
            "the window must end after it starts, and in the future".into(),
        ));
    }
    if window.to - window.from > LONGEST {
        return Err(AppError::Invalid(
            "an announced window is at most 7 days long".into(),
        ));
    }
    if window.reason.trim().is_empty() {
        return Err(AppError::Invalid("say why (reason)".into()));
    }
    let told = topology.peer_nodes();
    let mut out = Vec::new();
    for peer in &told {
        out.push(out_message_about(
            peer,
            IceType::Cd070c,
            &notice(),
            &window,
        )?);
    }
    let detail = format!(
        "CD070C to {}: unavailable from {} to {} ({})",
        names(&told),
        window.from,
        window.to,
        window.reason
    );
    app.store()
        .ice_enqueue(
            &out,
            &[audit(actor, "ice.unavailability", None, now, detail)],
        )
        .await?;
    Ok(told)
}

/// Tell every peer that this node is available again (CD071C); the peers told.
pub async fn back(app: &App, actor: &Actor, now: DateTime<Utc>) -> Result<Vec<NodeId>, AppError> {
    admin_only(actor)?;
    let topology = app
        .topology()
        .ok_or_else(|| AppError::Forbidden("this node is not part of an ICE network".into()))?;
    let told = topology.peer_nodes();
    let mut out = Vec::new();
    for peer in &told {
        out.push(out_message_about(
            peer,
            IceType::Cd071c,
            &notice(),
            &AvailableAgain { at: now },
        )?);
    }
    let detail = format!("CD071C to {}: available again", names(&told));
    app.store()
        .ice_enqueue(
            &out,
            &[audit(actor, "ice.unavailability", None, now, detail)],
        )
        .await?;
    Ok(told)
}

fn notice() -> String {
    format!("N-{}", Uuid::new_v4())
}

fn names(nodes: &[NodeId]) -> String {
    nodes
        .iter()
        .map(NodeId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// CD070C, CD071C from a peer: keep it (the windows are read from the inbox); after CD071C the
/// messages waiting for that peer are due at once.
pub(crate) async fn receive_notice(
    app: &App,
    topology: &Topology,
    msg: &Inbound,
    kind: IceType,
) -> Result<Applied, AppError> {
    let detail = if kind == IceType::Cd070c {
        match serde_json::from_value::<Unavailability>(msg.content.clone()) {
            Ok(w) if w.to > w.from && w.to - w.from <= LONGEST => format!(
                "CD070C from node {}: unavailable from {} to {} ({})",
                msg.sender, w.from, w.to, w.reason
            ),
            Ok(_) => {
                return Ok(Err((
                    "CD906C",
                    nack(
                        12,
                        "the window must end after it starts and last at most 7 days",
                    ),
                )))
            }
            Err(e) => return Ok(Err(("CD917C", nack(12, format!("content of {kind}: {e}"))))),
        }
    } else {
        if let Err(e) = serde_json::from_value::<AvailableAgain>(msg.content.clone()) {
            return Ok(Err(("CD917C", nack(12, format!("content of {kind}: {e}")))));
        }
        format!("CD071C from node {}: available again", msg.sender)
    };
    let receipt = receipt(&topology.node, msg, None);
    app.store()
        .ice_record_inbound(&entry(msg, "applied", receipt.clone()), &[])
        .await?;
    if kind == IceType::Cd071c {
        app.store()
            .ice_reschedule(&msg.sender, msg.received_at)
            .await?;
    }
    let note = audit(
        &Actor::System(format!("ice:{}", msg.sender)),
        "ice.unavailability",
        None,
        msg.received_at,
        detail,
    );
    app.store().audit(&[note]).await?;
    Ok(Ok(receipt))
}

/// The peers' announced windows that have not ended at `now` (nor been ended by CD071C), by
/// peer: the last announcement of each.
pub async fn announced(
    app: &App,
    now: DateTime<Utc>,
) -> Result<BTreeMap<NodeId, Unavailability>, AppError> {
    let mut windows = BTreeMap::new();
    for n in app.store().ice_notices().await? {
        let content: serde_json::Value = serde_json::from_str(&n.body)
            .ok()
            .and_then(|e: serde_json::Value| e.get("content").cloned())
            .unwrap_or_default();
        match serde_json::from_value::<Unavailability>(content) {
            Ok(w) if n.message_type == IceType::Cd070c.code() => {
                windows.insert(n.peer.clone(), w);
            }
            _ => {
                windows.remove(&n.peer);
            }
        }
    }
    windows.retain(|_, w| w.to > now);
    Ok(windows)
}

/// Make every message waiting for `peer` due now (after a peer's problem is fixed, rather than
/// waiting for the next attempt of the backoff); how many. Audited.
///
/// Errors: not an administrator (403), stand-alone node (403), `peer` not a peer (404).
pub async fn retry_now(
    app: &App,
    actor: &Actor,
    peer: &NodeId,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    admin_only(actor)?;
    let topology = app
        .topology()
        .ok_or_else(|| AppError::Forbidden("this node is not part of an ICE network".into()))?;
    if !topology.peer_nodes().contains(peer) {
        return Err(AppError::NotFound(format!("peer node {peer}")));
    }
    let n = app.store().ice_reschedule(peer, now).await?;
    let detail = format!("{n} message(s) for node {peer} due now");
    app.store()
        .audit(&[audit(actor, "ice.retry", None, now, detail)])
        .await?;
    Ok(n)
}
