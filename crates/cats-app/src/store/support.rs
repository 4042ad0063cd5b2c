//! What the store keeps for support requests (issue 18): each request with its requester, the
//! page and the movement it concerns, its status, and its thread of messages. A use case commits
//! one [`SupportChange`] in one transaction, with its notifications and audit entries.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use cats_domain::ids::{CountryCode, Eori};

use super::{AuditEntry, Notification, StoreError};
use crate::auth::Role;

/// Where a support request stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SupportStatus {
    /// Waiting for an answer from support (new, or the requester added to it).
    Open,
    /// An administrator answered; waiting for the requester.
    Answered,
    /// Closed by the requester or by an administrator: nothing more is added.
    Closed,
}

impl SupportStatus {
    /// Every status, in the order lists show them (open first).
    pub const ALL: [SupportStatus; 3] = [Self::Open, Self::Answered, Self::Closed];

    /// As stored and in the API (`open`, `answered`, `closed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Answered => "answered",
            Self::Closed => "closed",
        }
    }

    /// Parse [`SupportStatus::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// One message of a request's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportMessage {
    /// Id (UUID).
    pub id: Uuid,
    /// Username of its author.
    pub author: String,
    /// Whether it comes from support (an administrator) rather than from the requester's side.
    pub from_support: bool,
    /// The text (1 to 5,000 characters).
    pub text: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
}

/// A support request sent from a page of the node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportRequest {
    /// Id (UUID), used in paths.
    pub id: Uuid,
    /// Serial number, 1, 2, 3 … on the node (never reused): the human reference `SR-000042`.
    pub serial: i64,
    /// Optimistic-concurrency version: 1 on insert, +1 per step.
    pub version: i64,
    /// Username of the user who sent it.
    pub requester: String,
    /// The requester's role when it sent it.
    pub role: Role,
    /// The requester's company (traders and insurers): its users all see the request.
    pub party: Option<Eori>,
    /// The country of the offices an officer acts at.
    pub country: Option<CountryCode>,
    /// The path of the page it was sent from (`/ui/movements/…`), if any.
    pub page: Option<String>,
    /// The movement it concerns, one the requester may see.
    pub movement_id: Option<Uuid>,
    /// That movement's MRN (its LRN before one was allocated) when the request was sent.
    pub movement_ref: Option<String>,
    /// Subject (1 to 200 characters).
    pub subject: String,
    /// Open, answered or closed.
    pub status: SupportStatus,
    /// When sent (UTC).
    pub created_at: DateTime<Utc>,
    /// When last changed (UTC).
    pub updated_at: DateTime<Utc>,
    /// When support last answered or closed it (UTC).
    pub answered_at: Option<DateTime<Utc>>,
    /// When the requester last opened it (UTC): an answer after this is one it has not seen.
    pub seen_at: Option<DateTime<Utc>>,
    /// The thread, oldest first: the request's text, then every answer and addition. Empty in
    /// lists ([`SupportStore::support_requests`]).
    pub messages: Vec<SupportMessage>,
}

impl SupportRequest {
    /// The human reference: `SR-` and the serial on six digits (`SR-000042`).
    pub fn reference(&self) -> String {
        reference(self.serial)
    }

    /// Whether support answered (or closed) it after the requester last opened it.
    pub fn unseen_answer(&self) -> bool {
        match (self.answered_at, self.seen_at) {
            (Some(answered), Some(seen)) => answered > seen,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }
}

/// The human reference of serial `n` (`SR-000042`).
pub fn reference(n: i64) -> String {
    format!("SR-{n:06}")
}

/// Which requests a list holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupportFilter {
    /// Only those sent by this user.
    pub requester: Option<String>,
    /// Only those of this company.
    pub party: Option<Eori>,
    /// Only those in this status.
    pub status: Option<SupportStatus>,
    /// Open ones first, then answered, then closed (each most recently changed first);
    /// otherwise most recently changed first.
    pub open_first: bool,
    /// At most this many.
    pub limit: u32,
}

/// Everything one step on a support request changes, committed atomically (or nothing).
#[derive(Debug, Clone, PartialEq)]
pub struct SupportChange {
    /// The request as it becomes (its `version` is the new one; its `messages` are not
    /// written: the new ones are in `messages`).
    pub request: SupportRequest,
    /// `None` to insert the request; `Some(v)` to update the one now at version `v`
    /// ([`StoreError::Conflict`] when it is not).
    pub expected_version: Option<i64>,
    /// Messages to append to the thread.
    pub messages: Vec<SupportMessage>,
    /// Notifications to the requester's company, fanned out into their deliveries.
    pub notifications: Vec<Notification>,
    /// Audit entries.
    pub audit: Vec<AuditEntry>,
}

/// The store's side of support requests.
#[async_trait]
pub trait SupportStore {
    /// The next serial of a support request (1, 2, 3 …; never reused).
    async fn next_support_serial(&self) -> Result<i64, StoreError>;
    /// Commit a step atomically: the request, its new messages, its notifications (with their
    /// deliveries) and audit entries. Errors: [`StoreError::Conflict`] when the request is not
    /// at the expected version (or already exists, for an insert).
    async fn commit_support(&self, change: SupportChange) -> Result<(), StoreError>;
    /// One request with its thread.
    async fn support_request(&self, id: Uuid) -> Result<Option<SupportRequest>, StoreError>;
    /// Requests matching the filter, without their threads.
    async fn support_requests(
        &self,
        filter: &SupportFilter,
    ) -> Result<Vec<SupportRequest>, StoreError>;
    /// Record that the requester opened request `id` at `at`.
    async fn support_seen(&self, id: Uuid, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// How many requests sent by `username` have an answer it has not opened yet.
    async fn support_unseen(&self, username: &str) -> Result<i64, StoreError>;
    /// How many requests wait for an answer from support (status `open`).
    async fn support_waiting(&self) -> Result<i64, StoreError>;
}
