//! The chain guarantee between ICE nodes (issue 12, `docs/ice/README.md` § chain guarantee): a
//! movement whose guarantee is registered on another national node (the node hosting the
//! country of its GRN, ISO 6346 positions 3–4) reserves, credits and claims there. The node of
//! departure asks for the use at release (CD203C) and releases once every such use is accepted
//! (CD205C); write-off credits it (CD209C), a recovery claims it, a release that fails or a
//! cancellation cancels it (CD204C). The running total stays on one node, so it is exact.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Action;
use crate::ids::{CurrencyCode, Grn, NodeId};

/// Where a use of a guarantee held by a peer node stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RemoteUseStatus {
    /// CD203C sent, no answer yet.
    Requested,
    /// CD205C: reserved at the guarantee's node.
    Accepted,
    /// CD205C: refused (reason kept).
    Refused,
    /// CD209C sent: credited back at write-off.
    Credited,
    /// CD209C sent: turned into a claim (recovery).
    Claimed,
    /// CD204C sent: the use was cancelled (release failed, movement cancelled).
    Cancelled,
}

/// One guarantee of the movement held by a peer node, and its use there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RemoteUse {
    /// GRN (17 characters, ISO 6346 check digit).
    pub grn: Grn,
    /// The node holding the guarantee.
    pub node: NodeId,
    /// Where the use stands.
    pub status: RemoteUseStatus,
    /// Amount reserved there, in minor units of `currency` (once accepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_minor: Option<i64>,
    /// ISO 4217 currency of the guarantee (once accepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<CurrencyCode>,
    /// Why it was refused, with the rule id (`CATS018: …`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A release decided by an officer that waits for the uses of guarantees held by peer nodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PendingRelease {
    /// The release as the officer decided it.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub action: Action,
    /// The officer (user name).
    pub officer: String,
    /// The request as the officer sent it.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub request: serde_json::Value,
    /// When the officer decided it (UTC); the release takes effect at this time.
    pub at: DateTime<Utc>,
}

impl RemoteUse {
    /// A use just requested (CD203C sent).
    pub fn requested(grn: Grn, node: NodeId) -> Self {
        Self {
            grn,
            node,
            status: RemoteUseStatus::Requested,
            amount_minor: None,
            currency: None,
            reason: None,
        }
    }

    /// Whether the guarantee's node holds an amount for the movement (accepted, not yet
    /// credited, claimed or cancelled).
    pub fn is_open(&self) -> bool {
        self.status == RemoteUseStatus::Accepted
    }
}
