//! What administrators see of ICE: the network as this node knows it, delivery figures per peer,
//! and the latest messages out and in (`GET /admin/ice`, `cats ice status`).

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use cats_domain::ids::{CountryCode, NodeId};

use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::store::{OutboxStatus, PeerQueue};

/// The ICE status of this node.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IceStatus {
    /// This node's id; absent on a stand-alone node (every office hosted here).
    pub node: Option<NodeId>,
    /// Countries whose offices this node hosts (empty: stand-alone, all of them).
    pub hosted: Vec<CountryCode>,
    /// The node hosting each other country.
    pub peers: Vec<PeerCountry>,
    /// Delivery figures per peer.
    pub queues: Vec<PeerQueue>,
    /// The latest messages out (at most 50), newest first.
    pub outbox: Vec<OutboxLine>,
    /// The latest messages in (at most 50), newest first.
    pub inbox: Vec<InboxLine>,
    /// Peers' announced windows of unavailability not yet ended (CD070C), by peer.
    pub announced: Vec<super::unavailability::Announced>,
}

/// A country and the peer node hosting it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct PeerCountry {
    /// ISO 3166-1 alpha-2.
    pub country: CountryCode,
    /// The node.
    pub node: NodeId,
}

/// A message out, without its content.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxLine {
    /// Message id.
    pub message_id: Uuid,
    /// Peer node.
    pub peer: NodeId,
    /// `CD050C` …
    pub message_type: String,
    /// MRN.
    pub correlation: String,
    /// Number among the messages to this peer for this MRN.
    pub sequence: i64,
    /// Pending, delivered or refused.
    pub status: OutboxStatus,
    /// Attempts so far.
    pub attempts: i64,
    /// Written at (UTC).
    pub created_at: DateTime<Utc>,
    /// Next attempt (pending).
    pub next_attempt_at: DateTime<Utc>,
    /// Delivered or refused at.
    pub settled_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

/// A message in, without its content.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxLine {
    /// Message id.
    pub message_id: Uuid,
    /// Sending node.
    pub peer: NodeId,
    /// `CD118C` …
    pub message_type: String,
    /// MRN.
    pub correlation: String,
    /// The sender's number for this MRN.
    pub sequence: i64,
    /// Received at (UTC).
    pub received_at: DateTime<Utc>,
    /// `applied`, or the refusal (`CD906C 90`, `CD917C 12`).
    pub outcome: String,
}

/// The status, for administrators. Errors: [`AppError::Forbidden`] for anyone else.
pub async fn status(app: &App, actor: &Actor, now: DateTime<Utc>) -> Result<IceStatus, AppError> {
    if actor.user().is_some_and(|u| u.role != Role::Admin) {
        return Err(AppError::Forbidden(
            "the ICE status is for administrators".into(),
        ));
    }
    let store = app.store();
    let outbox = store
        .ice_outbox(None, None, 50)
        .await?
        .into_iter()
        .map(|e| OutboxLine {
            message_id: e.message.message_id,
            peer: e.message.peer,
            message_type: e.message.message_type,
            correlation: e.message.correlation,
            sequence: e.sequence,
            status: e.status,
            attempts: e.attempts,
            created_at: e.message.created_at,
            next_attempt_at: e.next_attempt_at,
            settled_at: e.settled_at,
            last_error: e.last_error,
        })
        .collect();
    let inbox = store
        .ice_inbox(50)
        .await?
        .into_iter()
        .map(|m| InboxLine {
            message_id: m.message_id,
            peer: m.peer,
            message_type: m.message_type,
            correlation: m.correlation,
            sequence: m.sequence,
            received_at: m.received_at,
            outcome: m.outcome,
        })
        .collect();
    let topology = app.topology();
    Ok(IceStatus {
        node: topology.map(|t| t.node.clone()),
        hosted: topology
            .map(|t| t.hosted.iter().copied().collect())
            .unwrap_or_default(),
        peers: topology
            .map(|t| {
                t.peers
                    .iter()
                    .map(|(c, n)| PeerCountry {
                        country: *c,
                        node: n.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        queues: store.ice_queues(now).await?,
        outbox,
        inbox,
        announced: super::unavailability::announced(app, now)
            .await?
            .into_iter()
            .map(|(peer, window)| super::unavailability::Announced { peer, window })
            .collect(),
    })
}
