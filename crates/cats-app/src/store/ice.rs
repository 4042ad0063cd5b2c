//! What the store keeps for ICE: the outbox of messages to peer nodes (written in the
//! transaction of the change that causes them) and the inbox of messages received (kept for good,
//! keyed by message id, so that a message is applied once however often it is delivered).
//! `docs/ice/README.md` describes the exchange.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use cats_domain::ids::NodeId;

/// A message to a peer node, as a change writes it into the outbox. The store numbers it
/// (`sequence`, 1, 2, … per peer and correlation) so that the peer applies a movement's messages
/// in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceOut {
    /// Message id (UUID), the same on every delivery attempt.
    pub message_id: Uuid,
    /// The peer node it goes to.
    pub peer: NodeId,
    /// Message type, e.g. `CD050C` (`docs/ice/messages.md`).
    pub message_type: String,
    /// What it is about: the movement's MRN (18 characters).
    pub correlation: String,
    /// Trace id shared by every message one change causes.
    pub trace_id: Uuid,
    /// The message content (JSON text), signed and sent inside the envelope.
    pub payload: String,
    /// When written (UTC).
    pub created_at: DateTime<Utc>,
}

/// Where an outbox message stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    /// Waiting for (another) delivery attempt.
    Pending,
    /// The peer acknowledged it with a signed receipt.
    Delivered,
    /// The peer refused it with a functional NACK (CD906C) or a schema error (CD917C): not
    /// retried; shown to administrators.
    Refused,
}

impl OutboxStatus {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Refused => "refused",
        }
    }

    /// Parse a stored status.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Refused]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// An outbox message with its delivery state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// The message.
    pub message: IceOut,
    /// Its number among the messages to the same peer with the same correlation (1, 2, …).
    pub sequence: i64,
    /// Pending, delivered or refused.
    pub status: OutboxStatus,
    /// Delivery attempts made so far.
    pub attempts: i64,
    /// When the next attempt is due (pending messages).
    pub next_attempt_at: DateTime<Utc>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// When the peer's receipt came (delivered or refused).
    pub settled_at: Option<DateTime<Utc>>,
    /// The peer's signed receipt (JSON), once it came.
    pub receipt: Option<String>,
}

/// How a delivery attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    /// Receipt verified: delivered (also for a duplicate, answered with the original receipt).
    Delivered {
        /// The receipt (JSON).
        receipt: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// The peer refused it (NACK receipt): not retried.
    Refused {
        /// The receipt (JSON), with the functional error.
        receipt: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// The attempt failed (peer down, bad receipt, out of order at the peer): try again at `next`.
    Retry {
        /// When to try again.
        next: DateTime<Utc>,
        /// Why this attempt failed.
        error: String,
    },
}

/// A message received from a peer, as kept in the inbox with the receipt that answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceIn {
    /// Message id (UUID) given by the sender.
    pub message_id: Uuid,
    /// The sending node.
    pub peer: NodeId,
    /// Message type (`CD050C` …).
    pub message_type: String,
    /// Correlation (MRN).
    pub correlation: String,
    /// The sender's sequence number for this correlation.
    pub sequence: i64,
    /// The envelope exactly as received (JSON text).
    pub body: String,
    /// When received (UTC).
    pub received_at: DateTime<Utc>,
    /// `applied`, or the NACK's message type and code (`CD906C 90`, `CD917C 12`).
    pub outcome: String,
    /// The signed receipt sent back (JSON), returned again for a duplicate.
    pub receipt: String,
}

/// Delivery figures for one peer node (administrators' view).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PeerQueue {
    /// The peer node.
    pub peer: NodeId,
    /// Messages waiting for delivery.
    pub pending: i64,
    /// Messages delivered.
    pub delivered: i64,
    /// Messages the peer refused (NACK).
    pub refused: i64,
    /// Delivery attempts beyond the first, over all messages.
    pub retried: i64,
    /// When the oldest pending message was written (UTC), if any.
    pub oldest_pending: Option<DateTime<Utc>>,
    /// Largest time from writing to delivery over delivered messages, milliseconds.
    pub max_lag_ms: Option<i64>,
    /// Messages received from this peer (inbox).
    pub received: i64,
    /// Why the last failed attempt to this peer failed, if any is pending.
    pub last_error: Option<String>,
}
