//! A whole node's data, for `cats db copy` between backends.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use cats_domain::ids::OfficeRef;
use cats_domain::ledger::Guarantee;
use cats_domain::reference::Catalog;

use cats_domain::registry::{Claim, Contract, Registration};

use super::{
    AuditEntry, GrnSerial, HistoryEvent, MovementRecord, Notification, Party, ProfileVersion,
    RateRecord, Reservation, StoredAttachment, StoredControlAttachment, StoredMessage,
};
use crate::auth::User;

/// An API token as stored (only its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredToken {
    /// Hex SHA-256 of the token.
    pub token_hash: String,
    /// Owner.
    pub username: String,
    /// When issued (UTC).
    pub created_at: DateTime<Utc>,
    /// What it is for, as its owner named it (`ERP of Silk Way`); may be empty.
    #[serde(default)]
    pub label: String,
    /// When it stops working (UTC); `None` for a token of a version before expiry, which
    /// expires [`crate::tokens::DEFAULT_DAYS`] days after `created_at`.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used (UTC, to the minute); `None`: never.
    #[serde(default)]
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked (UTC); `None`: not revoked.
    #[serde(default)]
    pub revoked_at: Option<DateTime<Utc>>,
}

impl StoredToken {
    /// A new token of `username` issued `at`, valid until `expires_at`.
    pub fn new(
        token_hash: &str,
        username: &str,
        label: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Self {
        Self {
            token_hash: token_hash.to_string(),
            username: username.to_string(),
            created_at: at,
            label: label.to_string(),
            expires_at: Some(expires_at),
            last_used_at: None,
            revoked_at: None,
        }
    }

    /// Its public id: the first 16 hexadecimal digits of its hash (nothing of the token).
    pub fn id(&self) -> &str {
        &self.token_hash[..self.token_hash.len().min(16)]
    }

    /// Its state at `now`: `revoked`, `expired` or `active`.
    pub fn state(&self, now: DateTime<Utc>) -> &'static str {
        if self.revoked_at.is_some() {
            "revoked"
        } else if now >= self.expiry() {
            "expired"
        } else {
            "active"
        }
    }

    /// When it stops (or stopped) working.
    pub fn expiry(&self) -> DateTime<Utc> {
        self.expires_at
            .unwrap_or(self.created_at + chrono::Duration::days(crate::tokens::DEFAULT_DAYS))
    }
}

/// The last MRN serial used at an office in a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MrnSerial {
    /// Office of departure (customs office reference number, an8).
    pub office: OfficeRef,
    /// Calendar year.
    pub year: i32,
    /// Last serial allocated.
    pub last: i64,
}

/// Everything a node keeps. Restoring it into an empty store gives the same node.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// Reference data.
    pub catalog: Catalog,
    /// Registered parties.
    pub parties: Vec<Party>,
    /// Users.
    pub users: Vec<User>,
    /// API token hashes.
    pub tokens: Vec<StoredToken>,
    /// Sign-in accounts (password hashes, locks, languages); sessions are not copied.
    pub accounts: Vec<super::Account>,
    /// Declaration drafts of the Single Transit Document form.
    pub drafts: Vec<super::Draft>,
    /// Guarantees, with their running totals.
    pub guarantees: Vec<Guarantee>,
    /// Reservations on guarantees.
    pub reservations: Vec<Reservation>,
    /// Movements.
    pub movements: Vec<MovementRecord>,
    /// Every movement's messages.
    pub messages: Vec<StoredMessage>,
    /// MRN serials.
    pub mrn_serials: Vec<MrnSerial>,
    /// The audit log, oldest first.
    pub audit: Vec<AuditEntry>,
    /// Registrations, by id.
    pub registrations: Vec<Registration>,
    /// Their documents with the bytes, by id.
    pub attachments: Vec<StoredAttachment>,
    /// Photos and documents of control records, with the bytes, oldest first.
    pub control_attachments: Vec<StoredControlAttachment>,
    /// Insurance contracts, by id.
    pub contracts: Vec<Contract>,
    /// Claims, by id.
    pub claims: Vec<Claim>,
    /// History of registrations, contracts and claims, oldest first.
    pub history: Vec<HistoryEvent>,
    /// Notifications, oldest first.
    pub notifications: Vec<Notification>,
    /// Reference exchange rates, by from, to, first day.
    pub exchange_rates: Vec<RateRecord>,
    /// GRN serials.
    pub grn_serials: Vec<GrnSerial>,
    /// Every version of every risk profile, by id and version.
    pub risk_profiles: Vec<ProfileVersion>,
    /// ICE outbox: messages to peer nodes with their delivery state, oldest first.
    pub ice_outbox: Vec<super::OutboxEntry>,
    /// ICE inbox: messages received from peer nodes with their receipts, oldest first.
    pub ice_inbox: Vec<super::IceIn>,
    /// Passages recorded from paper while a record was missing, newest first.
    pub ice_fallbacks: Vec<crate::ice::fallback::Fallback>,
    /// Contact details, preferences, read marks, webhook endpoints and deliveries.
    pub notify: crate::notify::store::NotifySnapshot,
    /// Arrival notifications for unknown MRNs, each with its messages, oldest first.
    pub unmatched: Vec<(
        crate::arrivals::unmatched::UnmatchedArrival,
        Vec<super::StoredMessage>,
    )>,
    /// The node's own secrets (the risk draw key), so that a copy draws as the original did.
    pub node_secrets: Vec<crate::secrets::NodeSecret>,
    /// Custom report definitions users saved.
    pub saved_reports: Vec<crate::reports::store::SavedReport>,
    /// The node's runs (starts, heartbeats, clean stops), for its downtime figures.
    pub node_runs: Vec<cats_domain::reports::uptime::Run>,
    /// Support requests with their threads, by serial.
    pub support: Vec<super::support::SupportRequest>,
}
