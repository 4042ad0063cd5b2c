//! What the store keeps for notifications: the inbox's read marks, preferences and contact
//! details, webhook endpoints, and the deliveries with every attempt.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use cats_domain::ids::Eori;

use super::{Channel, EventType, Preference, Webhook};
use crate::store::{Notification, StoreError};

/// One notification as a user sees it in its inbox.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxItem {
    /// Position among all the node's notifications (increasing): the `id` of its Server-Sent
    /// Event, from which `Last-Event-ID` resumes.
    pub seq: i64,
    /// Whether this user marked it read.
    pub read: bool,
    /// The notification.
    #[serde(flatten)]
    pub notification: Notification,
}

/// Which of a user's notifications to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InboxQuery {
    /// Only those after this position (newest last); `None`: the newest first.
    pub after_seq: Option<i64>,
    /// Only the unread ones.
    pub unread_only: bool,
    /// At most this many (1..=1000).
    pub limit: u32,
}

/// Where a delivery stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// Accepted by the receiver (HTTP 2xx, SMTP 250).
    Delivered,
    /// Given up after the retry policy's time, or its endpoint deleted; re-sendable.
    Parked,
}

impl DeliveryStatus {
    /// As stored (`pending`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Parked => "parked",
        }
    }

    /// Parse a stored status.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Parked]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// A delivery of a notification on one channel, as the delivery log shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Id (UUID).
    pub id: Uuid,
    /// The notification it carries (its `CATS-Event-Id`).
    pub notification_id: Uuid,
    /// The notification's type.
    #[serde(rename = "type")]
    pub event: EventType,
    /// The party notified.
    pub party: Eori,
    /// Channel.
    pub channel: Channel,
    /// The webhook's id, or the user's name.
    pub target: String,
    /// The URL, e-mail address or phone number.
    pub address: String,
    /// Language of the text.
    pub language: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: u32,
    /// When it is next due (pending).
    pub next_attempt_at: DateTime<Utc>,
    /// When the first attempt since it was written or re-sent was made.
    pub first_attempt_at: Option<DateTime<Utc>>,
    /// When it was written (UTC).
    pub created_at: DateTime<Utc>,
    /// When delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// What the last attempt got (`HTTP 503`, `connection refused` …).
    pub last_outcome: String,
}

/// One attempt of a delivery.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// The delivery.
    pub delivery_id: Uuid,
    /// When it was made (UTC).
    pub at: DateTime<Utc>,
    /// Whether the receiver accepted it.
    pub ok: bool,
    /// The HTTP status (webhooks, SMS gateway) or SMTP reply code, when one came.
    pub status_code: Option<u16>,
    /// What happened, for a reader (`HTTP 200`, `connection refused`, `SMTP 451 …`).
    pub detail: String,
    /// How long it took, milliseconds.
    pub millis: i64,
}

/// What to do with a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    /// Accepted: done.
    Delivered,
    /// Try again at this time.
    Retry(DateTime<Utc>),
    /// Give up until re-sent.
    Park,
}

/// A delivery due now, with what the sender needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    /// The delivery.
    pub delivery: Delivery,
    /// Its notification.
    pub notification: Notification,
    /// The webhook (webhook deliveries), with its secret; `None` if it was deleted.
    pub webhook: Option<Webhook>,
}

/// Which deliveries of a party to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeliveryFilter {
    /// Only those to this webhook.
    pub webhook: Option<Uuid>,
    /// Only those in this status.
    pub status: Option<DeliveryStatus>,
    /// At most this many, newest first (1..=1000).
    pub limit: u32,
}

/// A user's e-mail address and phone number, for notifications.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// E-mail address (RFC 5321 `local@domain`), if any.
    pub email: Option<String>,
    /// Phone number in E.164 form (`+77011234567`), if any.
    pub phone: Option<String>,
}

/// What a node keeps for notifications besides the notifications themselves, for
/// `cats db copy` and restores ([`crate::store::Snapshot::notify`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotifySnapshot {
    /// Contact details by user name.
    pub contacts: Vec<(String, Contact)>,
    /// Preferences by user name.
    pub preferences: Vec<(String, Preference)>,
    /// Read marks: notification, user name, when.
    pub reads: Vec<(Uuid, String, DateTime<Utc>)>,
    /// Webhook endpoints, with when each was deleted.
    pub webhooks: Vec<(Webhook, Option<DateTime<Utc>>)>,
    /// Deliveries (unclaimed).
    pub deliveries: Vec<Delivery>,
    /// Their attempts, oldest first.
    pub attempts: Vec<Attempt>,
}

/// The store's side of notifications. Part of [`crate::store::Store`].
#[async_trait]
pub trait NotifyStore: Send + Sync {
    /// A user's notifications (those of its party), with its read marks.
    async fn inbox(
        &self,
        party: &Eori,
        username: &str,
        query: InboxQuery,
    ) -> Result<Vec<InboxItem>, StoreError>;
    /// How many of its party's notifications a user has not marked read.
    async fn unread_count(&self, party: &Eori, username: &str) -> Result<i64, StoreError>;
    /// Mark notifications of the party read for a user: those in `ids`, or all when `ids` is
    /// empty. How many were newly marked.
    async fn mark_read(
        &self,
        party: &Eori,
        username: &str,
        ids: &[Uuid],
        at: DateTime<Utc>,
    ) -> Result<u64, StoreError>;
    /// A user's preferences (only those set).
    async fn preferences(&self, username: &str) -> Result<Vec<Preference>, StoreError>;
    /// Replace a user's preferences.
    async fn set_preferences(
        &self,
        username: &str,
        preferences: &[Preference],
    ) -> Result<(), StoreError>;
    /// A user's contact details.
    async fn contact(&self, username: &str) -> Result<Contact, StoreError>;
    /// Set a user's contact details.
    async fn set_contact(&self, username: &str, contact: &Contact) -> Result<(), StoreError>;
    /// Keep a new webhook endpoint.
    async fn save_webhook(&self, webhook: &Webhook) -> Result<(), StoreError>;
    /// A party's webhook endpoints (not deleted), oldest first.
    async fn webhooks(&self, party: &Eori) -> Result<Vec<Webhook>, StoreError>;
    /// A webhook endpoint, unless deleted.
    async fn webhook(&self, id: Uuid) -> Result<Option<Webhook>, StoreError>;
    /// Delete a webhook endpoint: its pending deliveries are parked. Whether it existed.
    async fn delete_webhook(&self, id: Uuid, at: DateTime<Utc>) -> Result<bool, StoreError>;
    /// Claim up to `limit` deliveries on `channels` due at `now` for `lease` (other workers
    /// skip them until it ends), oldest first. Deliveries on other channels wait (a node
    /// without an SMTP server leaves e-mails pending until one is configured).
    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        claimant: &str,
        lease: Duration,
        limit: u32,
        channels: &[Channel],
    ) -> Result<Vec<DueDelivery>, StoreError>;
    /// Record an attempt of a delivery and what follows.
    async fn settle_delivery(&self, attempt: &Attempt, next: Settle) -> Result<(), StoreError>;
    /// A party's deliveries, newest first.
    async fn deliveries(
        &self,
        party: &Eori,
        filter: DeliveryFilter,
    ) -> Result<Vec<Delivery>, StoreError>;
    /// One delivery.
    async fn delivery(&self, id: Uuid) -> Result<Option<Delivery>, StoreError>;
    /// A delivery's attempts, oldest first.
    async fn delivery_attempts(&self, id: Uuid) -> Result<Vec<Attempt>, StoreError>;
    /// Make a parked delivery pending again, due at `now`, its retry time counted afresh.
    /// Whether it was parked.
    async fn resend_delivery(&self, id: Uuid, now: DateTime<Utc>) -> Result<bool, StoreError>;
    /// Deliveries waiting, by status, for the node's health (`pending`, `parked`).
    async fn delivery_counts(&self) -> Result<Vec<(DeliveryStatus, i64)>, StoreError>;
}
