//! Recovery between countries (ICE CD150C, CD151C): during the enquiry or the recovery, the
//! office of departure may ask the customs of another country on the route to recover the debt
//! there (the offence or irregularity took place in its territory), and that country answers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{CountryCode, NodeId};

/// Where a request for recovery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecoveryRequestStatus {
    /// CD150C sent, no answer yet.
    Requested,
    /// CD151C: that country recovers.
    Accepted,
    /// CD151C: it does not (reason kept).
    Refused,
}

/// A request that another country recover the debt of this movement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecoveryRequest {
    /// The country asked (ISO 3166-1 alpha-2).
    pub country: CountryCode,
    /// The node hosting it.
    pub node: NodeId,
    /// Why the office of departure asks (where and what happened).
    pub reason: String,
    /// When asked (UTC).
    pub at: DateTime<Utc>,
    /// Where it stands.
    pub status: RecoveryRequestStatus,
    /// The answer's reason, when answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// When answered (UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<DateTime<Utc>>,
}
