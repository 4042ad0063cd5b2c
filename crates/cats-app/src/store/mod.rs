//! The store trait: what use cases need from persistence. Implementations live in `cats-store`
//! (SQLite, the embedded default). Every change to a movement is one [`Change`], committed in one
//! transaction: the new projection, the messages in and out, the ledger operations and the audit
//! entries, or none of them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use cats_domain::coverage::ExchangeRate;
use cats_domain::ids::{CountryCode, CurrencyCode, Eori, Grn, Lrn, Mrn, NodeId, OfficeRef};
use cats_domain::ledger::{Guarantee, ReservationStatus, Unusable};
use cats_domain::movement::{ControlAttachment, Movement, MovementState};
use cats_domain::reference::Catalog;
use cats_domain::registry::{Claim, Contract, Registration};

use crate::auth::User;

mod accounts;
mod ice;
mod registry;
mod risk;
mod snapshot;
pub mod support;

pub use accounts::{Account, Draft, Session};
pub use ice::{IceIn, IceOut, OutboxEntry, OutboxStatus, PeerQueue, Settlement};
pub use registry::{
    claim_raised_text, Attachment, ClaimFilter, ContractFilter, GrnSerial, GuaranteeOp,
    HistoryEvent, Notification, RateRecord, RegistrationFilter, RegistryChange, ReserveBasis,
    StoredAttachment, Versioned,
};
pub use risk::ProfileVersion;
pub use snapshot::{MrnSerial, Snapshot, StoredToken};

/// Errors of a store. `Conflict`, `DuplicateLrn` and `Insufficient` are expected outcomes the use
/// cases handle; `Backend` is a failure of the database itself.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The movement changed since it was loaded (optimistic concurrency); load again and retry.
    #[error("the movement was changed by someone else; try again")]
    Conflict,
    /// The holder already has a live movement with this LRN.
    #[error("LRN {lrn} is already used by a live declaration of holder {holder}")]
    DuplicateLrn {
        /// Holder identification number.
        holder: Eori,
        /// The LRN.
        lrn: Lrn,
    },
    /// A reservation would overdraw the guarantee.
    #[error("guarantee {grn}: {requested_minor} requested, only {available_minor} available (minor units)")]
    Insufficient {
        /// Guarantee reference number (17 characters, ISO 6346 check digit).
        grn: Grn,
        /// Amount asked for, minor units.
        requested_minor: i64,
        /// Amount available, minor units.
        available_minor: i64,
    },
    /// A reservation names a guarantee that may not be used on the day (not active, or outside
    /// its policy period: rule CATS018), or for an amount it cannot express (CATS021).
    #[error("guarantee {grn} cannot be used: {why}")]
    NotUsable {
        /// Guarantee reference number (17 characters, ISO 6346 check digit).
        grn: Grn,
        /// Why (`suspended`, `expired on 2026-12-31` …), with its rule.
        why: Unusable,
    },
    /// A contract cannot be cancelled while liabilities are open on its guarantee.
    #[error("guarantee {grn} has open liabilities of {open_minor} (minor units): reservations or claims")]
    OpenLiabilities {
        /// Guarantee reference number (17 characters, ISO 6346 check digit).
        grn: Grn,
        /// Running total, minor units.
        open_minor: i64,
    },
    /// Something was not found that must exist (e.g. a guarantee named in a ledger operation).
    #[error("not found: {0}")]
    NotFound(String),
    /// A restore target already holds data.
    #[error("the target store is not empty: {0}")]
    NotEmpty(String),
    /// The database failed, or a stored row could not be read back. `context` says what was
    /// being done (the statement's first line, the column read); `source` is the driver's or
    /// the decoder's error, kept for the log (`std::error::Error::source`).
    #[error("database error: {context}")]
    Backend {
        /// What was being done.
        context: String,
        /// The underlying error, when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },
}

impl StoreError {
    /// A failure of the database (or of decoding what it returned) while doing `context`.
    pub fn backend(
        context: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::Backend {
            context: context.into(),
            source: Some(Box::new(source)),
        }
    }

    /// A stored value the domain refuses (an unknown status, an identifier that does not
    /// parse): the row was written by something other than this node, or the data is damaged.
    pub fn corrupt(what: impl Into<String>) -> Self {
        Self::Backend {
            context: what.into(),
            source: None,
        }
    }
}

/// A registered party (company): trader or insurer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// Identification number (EORI/TIN), e.g. `KZ840000123456`.
    pub identification_number: Eori,
    /// Company name.
    pub name: String,
    /// `trader` or `insurer`.
    pub kind: String,
    /// Registration status, as its registrations stood at their last step: `AEO`, `authorised
    /// trader`, `authorised insurer` (joined by `, ` when several), empty when none is active.
    /// Shown only: the rules read the registrations themselves ([`crate::standing`]).
    pub status: String,
    /// ISO 3166 country of registration.
    pub country: CountryCode,
    /// Whether a registration was active at its last step (shown only, like `status`).
    pub active: bool,
}

/// A movement as stored: its projection, its current declaration and bookkeeping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovementRecord {
    /// Internal id (UUID), used in API paths.
    pub id: Uuid,
    /// Optimistic-concurrency version; 1 on insert, +1 per change.
    pub version: i64,
    /// The projection.
    pub movement: Movement,
    /// The current CC015C declaration (HMRC JSON shape, content of `n1:CC015C`).
    pub declaration: std::sync::Arc<serde_json::Value>,
    /// When lodged (UTC).
    pub created_at: DateTime<Utc>,
    /// When last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

/// Direction of a message in a movement's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From the trader to customs.
    Inbound,
    /// From customs to the trader.
    Outbound,
    /// A customs officer's action at an office (control, release, exit …), kept as JSON.
    Customs,
}

impl Direction {
    /// As stored (`"inbound"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inbound => "inbound",
            Self::Outbound => "outbound",
            Self::Customs => "customs",
        }
    }

    /// Parse a stored direction.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Inbound, Self::Outbound, Self::Customs]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// A message of a movement's history, kept unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredMessage {
    /// Message id (UUID).
    pub id: Uuid,
    /// Movement it belongs to.
    pub movement_id: Uuid,
    /// Position in the history, 1..n.
    pub seq: i64,
    /// NCTS type (`CC015C`, `CC028C` …) or a customs action name (`release`, `exit` …).
    pub message_type: String,
    /// Inbound, outbound or customs action.
    pub direction: Direction,
    /// `application/xml` or `application/json`: the format of `body` as received or produced.
    pub content_type: String,
    /// The message exactly as received (inbound) or produced (outbound).
    pub body: String,
    /// When received or produced (UTC).
    pub received: DateTime<Utc>,
}

/// One entry of the audit log: who did what, when, to which movement.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Username, or `system` for the node's own work (time-limit checks).
    pub actor: String,
    /// What was done, e.g. `lodge`, `release`, `token.issue`.
    pub action: String,
    /// Movement concerned, if any.
    pub movement_id: Option<Uuid>,
    /// Outcome and details, for a reader.
    pub detail: String,
}

/// A guarantee ledger operation, applied in the movement's transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LedgerOp {
    /// Reserve `amount_minor` on `grn` for the movement; fails with
    /// [`StoreError::Insufficient`] if the available amount would go below zero, and with
    /// [`StoreError::NotUsable`] if the guarantee is not active or the movement's day is outside
    /// its policy period.
    Reserve {
        /// Guarantee reference number (17 characters, ISO 6346 check digit).
        grn: Grn,
        /// Amount, minor units of the guarantee's currency.
        amount_minor: i64,
        /// How the amount was computed (kept with the reservation).
        basis: ReserveBasis,
    },
    /// Credit back every open reservation of the movement (write-off); records the liability
    /// end of an ended guarantee whose running total falls to 0.
    Credit,
    /// Turn every open reservation of the movement into a claim (recovery): in the same
    /// transaction one claim row per reservation (status `raised`), its history entry, and a
    /// notification to the insurer and to the holder.
    Claim,
}

/// A reservation on a guarantee, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reservation {
    /// Guarantee reference number (17 characters, ISO 6346 check digit).
    pub grn: Grn,
    /// Movement.
    pub movement_id: Uuid,
    /// MRN of the movement (18 characters), once allocated.
    pub mrn: Option<Mrn>,
    /// Amount, minor units.
    pub amount_minor: i64,
    /// Reserved, credited or claimed.
    pub status: ReservationStatus,
    /// When reserved (the NCTS "lock date").
    pub reserved_at: DateTime<Utc>,
    /// When credited or claimed (the NCTS "release date").
    pub closed_at: Option<DateTime<Utc>>,
    /// How the amount was computed: declared amount, exchange rate, AEO share.
    #[serde(default)]
    pub basis: ReserveBasis,
}

/// Everything one use case changes, committed atomically.
#[derive(Debug, Clone)]
pub struct Change {
    /// The new projection (its `version` is the new version).
    pub record: MovementRecord,
    /// `None` to insert a new movement; `Some(v)` to update one currently at version `v`.
    pub expected_version: Option<i64>,
    /// Messages to append to the history.
    pub messages: Vec<NewMessage>,
    /// Ledger operations, in order.
    pub ledger: Vec<LedgerOp>,
    /// Audit entries.
    pub audit: Vec<AuditEntry>,
    /// Photos and documents attached to control records of the movement (their metadata is in
    /// the projection's `controls[n].attachments`).
    pub attachments: Vec<StoredControlAttachment>,
    /// Messages to peer nodes (ICE outbox), delivered after the commit.
    pub ice_out: Vec<IceOut>,
    /// The ICE message this change applies (inbox), kept with its receipt; a second change for
    /// the same message id fails with [`StoreError::Conflict`].
    pub ice_in: Option<IceIn>,
    /// Notifications to parties, each fanned out into its deliveries in the same transaction
    /// ([`crate::notify::fan_out`]). Filled by [`crate::App::commit`] from the change's
    /// messages; use cases leave it empty.
    pub notifications: Vec<Notification>,
}

/// A photo or document of a control record, with its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredControlAttachment {
    /// Movement it belongs to.
    pub movement_id: Uuid,
    /// The control record, 1-based position in the movement's `controls`.
    pub control: u32,
    /// Name, type, size, SHA-256, who and when.
    pub meta: ControlAttachment,
    /// The bytes.
    pub data: Vec<u8>,
}

/// A message to append (the store assigns `seq`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    /// Message id.
    pub id: Uuid,
    /// NCTS type or customs action name.
    pub message_type: String,
    /// Direction.
    pub direction: Direction,
    /// `application/xml` or `application/json`.
    pub content_type: String,
    /// Body, unchanged.
    pub body: String,
    /// When (UTC).
    pub received: DateTime<Utc>,
}

/// Filters and paging for movement lists (HMRC CTC Traders API style).
///
/// A list's total counts matches up to [`MovementFilter::COUNT_LIMIT`]; a total of one more means
/// "more than that" (an officer's list on a national node can match millions, and counting them
/// all would cost each page a scan of the table).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MovementFilter {
    /// Only this holder's movements.
    pub holder: Option<Eori>,
    /// Only movements touching an office of this country (officers).
    pub office_country: Option<CountryCode>,
    /// Exact LRN.
    pub lrn: Option<Lrn>,
    /// Exact MRN.
    pub mrn: Option<Mrn>,
    /// Exact state.
    pub state: Option<MovementState>,
    /// Changed at or after.
    pub updated_since: Option<DateTime<Utc>>,
    /// 1-based page.
    pub page: u32,
    /// Page size (1..=500).
    pub count: u32,
}

impl MovementFilter {
    /// The most matches a list counts exactly (see the type's documentation).
    pub const COUNT_LIMIT: u64 = 10_000;
}

/// The store.
#[async_trait]
pub trait Store:
    crate::notify::store::NotifyStore
    + crate::arrivals::unmatched::UnmatchedStore
    + crate::secrets::SecretStore
    + crate::audit::AuditChainStore
    + crate::health::HealthStore
    + crate::reports::store::ReportStore
    + support::SupportStore
    + Send
    + Sync
{
    /// Replace the reference catalogue stored (offices, countries, currencies, HS, restricted list,
    /// locations are upserted; nothing is deleted).
    async fn save_catalog(&self, catalog: &Catalog) -> Result<(), StoreError>;
    /// Load the reference catalogue.
    async fn load_catalog(&self) -> Result<Catalog, StoreError>;

    /// Insert or update a party.
    async fn save_party(&self, party: &Party) -> Result<(), StoreError>;
    /// The party with this identification number.
    async fn party(&self, identification_number: &Eori) -> Result<Option<Party>, StoreError>;
    /// Every party, by identification number.
    async fn parties(&self) -> Result<Vec<Party>, StoreError>;
    /// Insert or update a user.
    async fn save_user(&self, user: &User) -> Result<(), StoreError>;
    /// The user with this name.
    async fn user(&self, username: &str) -> Result<Option<User>, StoreError>;
    /// Keep a new API token (its hash, owner, label, expiry).
    async fn add_token(&self, token: &StoredToken) -> Result<(), StoreError>;
    /// The token with this hash, whatever its state.
    async fn token(&self, token_hash: &str) -> Result<Option<StoredToken>, StoreError>;
    /// The tokens of `username` (all users' with `None`), newest first.
    async fn tokens(&self, username: Option<&str>) -> Result<Vec<StoredToken>, StoreError>;
    /// Revoke the token with this hash `at`, unless already revoked; whether it was revoked now.
    async fn revoke_token(&self, token_hash: &str, at: DateTime<Utc>) -> Result<bool, StoreError>;
    /// Record that the token with this hash was used `at`.
    async fn touch_token(&self, token_hash: &str, at: DateTime<Utc>) -> Result<(), StoreError>;

    // ---- sign-in accounts and sessions (issue 11) ----

    /// Every user with its sign-in account (if any), by user name.
    async fn users(&self) -> Result<Vec<(User, Option<Account>)>, StoreError>;
    /// The sign-in account of `username`, if it has one.
    async fn account(&self, username: &str) -> Result<Option<Account>, StoreError>;
    /// Insert or replace an account (password, failures, lock, disabled, language).
    async fn save_account(&self, account: &Account) -> Result<(), StoreError>;
    /// Count a failed sign-in of `username` atomically; at `max_failures` in a row the account is
    /// locked until `lock_until`. Returns the account after it, `None` without an account.
    async fn sign_in_failed(
        &self,
        username: &str,
        max_failures: u32,
        lock_until: DateTime<Utc>,
    ) -> Result<Option<Account>, StoreError>;
    /// Keep a new session.
    async fn create_session(&self, session: &Session) -> Result<(), StoreError>;
    /// The session with this token hash and its user, if it exists and has not expired at `now`.
    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Session, User)>, StoreError>;
    /// End one session.
    async fn end_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// End every session of `username` (sign-out everywhere, disabling, password reset).
    async fn end_sessions_of(&self, username: &str) -> Result<u64, StoreError>;

    // ---- declaration drafts of the Single Transit Document form (issue 11) ----

    /// Insert or replace a draft.
    async fn save_draft(&self, draft: &Draft) -> Result<(), StoreError>;
    /// The company's drafts, last saved first.
    async fn drafts(&self, holder: &Eori) -> Result<Vec<Draft>, StoreError>;
    /// The draft with this id.
    async fn draft(&self, id: Uuid) -> Result<Option<Draft>, StoreError>;
    /// Delete a draft (lodged and accepted, or thrown away); `false` when there was none.
    async fn delete_draft(&self, id: Uuid) -> Result<bool, StoreError>;

    /// Insert or update a guarantee (its running total is kept by the ledger, not overwritten on update).
    async fn save_guarantee(&self, guarantee: &Guarantee) -> Result<(), StoreError>;
    /// The guarantee with this GRN, with its current running total.
    async fn guarantee(&self, grn: &Grn) -> Result<Option<Guarantee>, StoreError>;
    /// Reservations on a guarantee, oldest first.
    async fn reservations(&self, grn: &Grn) -> Result<Vec<Reservation>, StoreError>;

    /// Next serial for MRN allocation at an office in a year (1, 2, 3 …; never reused).
    async fn next_mrn_serial(&self, office: &OfficeRef, year: i32) -> Result<u64, StoreError>;
    /// Whether the holder has a live movement with this LRN.
    async fn lrn_in_use(&self, holder: &Eori, lrn: &Lrn) -> Result<bool, StoreError>;
    /// A movement by id.
    async fn movement(&self, id: Uuid) -> Result<Option<MovementRecord>, StoreError>;
    /// A movement by MRN.
    async fn movement_by_mrn(&self, mrn: &Mrn) -> Result<Option<MovementRecord>, StoreError>;
    /// Movements matching the filter, most recently updated first, and the total count. A list
    /// is read for its projections: each record's `declaration` is an empty object (a work
    /// queue of 500 would otherwise read and parse 500 declarations, 34 KB of memory each);
    /// read one movement ([`Store::movement`]) for its declaration.
    async fn movements(
        &self,
        filter: &MovementFilter,
    ) -> Result<(Vec<MovementRecord>, u64), StoreError>;
    /// Movements released for transit whose time limit for arrival is before `now`.
    async fn overdue(&self, now: DateTime<Utc>) -> Result<Vec<Uuid>, StoreError>;
    /// Claim up to `limit` overdue movements (released for transit, time limit before `now`) for
    /// `claimant` until `now + lease`: no other claimant gets them while the lease runs, so that
    /// with several instances on one database no time-limit job runs twice.
    async fn claim_overdue(
        &self,
        now: DateTime<Utc>,
        claimant: &str,
        lease: chrono::Duration,
        limit: u32,
    ) -> Result<Vec<Uuid>, StoreError>;
    /// A photo or document of a control record, with its bytes.
    async fn control_attachment(
        &self,
        id: Uuid,
    ) -> Result<Option<StoredControlAttachment>, StoreError>;
    /// A movement's messages in order.
    async fn messages(&self, movement_id: Uuid) -> Result<Vec<StoredMessage>, StoreError>;
    /// Commit a change atomically.
    async fn commit(&self, change: Change) -> Result<(), StoreError>;
    /// Append audit entries outside a movement change (tokens, imports).
    async fn audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError>;
    // ---- ICE: the outbox to peer nodes and the inbox from them (issue 12) ----

    /// The inbox entry of a message already received, if any.
    async fn ice_inbound(&self, message_id: Uuid) -> Result<Option<IceIn>, StoreError>;
    /// Keep a received message that changes no movement here (answered with a NACK, a question
    /// answered in its receipt, an answer sent as `out`), with `out` in the outbox, in one
    /// transaction. Errors: [`StoreError::Conflict`] when the message id is already in the inbox.
    async fn ice_record_inbound(&self, inbound: &IceIn, out: &[IceOut]) -> Result<(), StoreError>;
    /// The highest sequence number received from `peer` for `correlation` (0 when none).
    async fn ice_last_sequence(&self, peer: &NodeId, correlation: &str) -> Result<i64, StoreError>;
    /// Claim up to `limit` outbox messages due at `now` for `claimant` until `now + lease`: only
    /// the first pending message of each peer and correlation (the rest wait for it), and none
    /// that another instance holds (`FOR UPDATE SKIP LOCKED` on PostgreSQL).
    async fn ice_claim_due(
        &self,
        now: DateTime<Utc>,
        claimant: &str,
        lease: chrono::Duration,
        limit: u32,
    ) -> Result<Vec<OutboxEntry>, StoreError>;
    /// Record how a delivery attempt ended (and release the claim).
    async fn ice_settle(&self, message_id: Uuid, settlement: &Settlement)
        -> Result<(), StoreError>;
    /// Outbox messages, newest first, optionally to one peer and in one status.
    async fn ice_outbox(
        &self,
        peer: Option<&NodeId>,
        status: Option<OutboxStatus>,
        limit: u32,
    ) -> Result<Vec<OutboxEntry>, StoreError>;
    /// Inbox messages, newest first.
    async fn ice_inbox(&self, limit: u32) -> Result<Vec<IceIn>, StoreError>;
    /// How many outbox messages are waiting for delivery (to any peer).
    async fn ice_pending(&self) -> Result<i64, StoreError>;
    /// Put `out` in the outbox with `audit`, in one transaction (messages about no movement:
    /// an announced unavailability).
    async fn ice_enqueue(&self, out: &[IceOut], audit: &[AuditEntry]) -> Result<(), StoreError>;
    /// The announcements of unavailability received (CD070C, CD071C) and applied, oldest first.
    async fn ice_notices(&self) -> Result<Vec<IceIn>, StoreError>;
    /// Make every message waiting for `peer` due at `at` (the peer is back); how many.
    async fn ice_reschedule(&self, peer: &NodeId, at: DateTime<Utc>) -> Result<u64, StoreError>;
    /// The highest sequence number written to `peer` for `correlation` (0 when none).
    async fn ice_last_sent(&self, peer: &NodeId, correlation: &str) -> Result<i64, StoreError>;
    /// Insert or update (status, outcome) a passage recorded from paper, with `out` (the request
    /// for the missing record) in the outbox, in one transaction.
    async fn ice_save_fallback(
        &self,
        fallback: &crate::ice::fallback::Fallback,
        out: &[IceOut],
    ) -> Result<(), StoreError>;
    /// Passages recorded from paper, oldest first for one MRN, else newest first; only the
    /// pending ones when `pending_only`.
    async fn ice_fallbacks(
        &self,
        mrn: Option<&Mrn>,
        pending_only: bool,
    ) -> Result<Vec<crate::ice::fallback::Fallback>, StoreError>;
    /// Delivery figures per peer (every peer with a message either way).
    async fn ice_queues(&self, now: DateTime<Utc>) -> Result<Vec<PeerQueue>, StoreError>;

    /// Everything the store keeps (for `cats db copy`).
    async fn dump(&self) -> Result<Snapshot, StoreError>;
    /// Load a snapshot into this store, which must hold no movements, parties or users yet.
    /// Errors: [`StoreError::NotEmpty`] otherwise.
    async fn restore(&self, snapshot: &Snapshot) -> Result<(), StoreError>;
    /// The audit log, newest first, optionally for one movement.
    async fn audit_log(
        &self,
        movement_id: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError>;

    // ---- registers (issue 5) ----

    /// Commit a register change atomically. Errors: [`StoreError::Conflict`] when a versioned
    /// record changed, or a second live registration of a party in one register is inserted;
    /// [`StoreError::OpenLiabilities`] for a [`GuaranteeOp::Cancel`] with open liabilities.
    async fn commit_registry(&self, change: RegistryChange) -> Result<(), StoreError>;
    /// A registration by id.
    async fn registration(&self, id: Uuid) -> Result<Option<Registration>, StoreError>;
    /// Registrations matching the filter, oldest first.
    async fn registrations(
        &self,
        filter: &RegistrationFilter,
    ) -> Result<Vec<Registration>, StoreError>;
    /// The documents of a registration, oldest first (without bytes).
    async fn attachments(&self, registration_id: Uuid) -> Result<Vec<Attachment>, StoreError>;
    /// One document with its bytes.
    async fn attachment(&self, id: Uuid) -> Result<Option<StoredAttachment>, StoreError>;
    /// A contract by id.
    async fn contract(&self, id: Uuid) -> Result<Option<Contract>, StoreError>;
    /// The contract of a GRN.
    async fn contract_by_grn(&self, grn: &Grn) -> Result<Option<Contract>, StoreError>;
    /// Contracts matching the filter, oldest first.
    async fn contracts(&self, filter: &ContractFilter) -> Result<Vec<Contract>, StoreError>;
    /// Contracts approved, active or suspended whose policy period ended before `day`.
    async fn ended_contracts(&self, day: chrono::NaiveDate) -> Result<Vec<Uuid>, StoreError>;
    /// Next GRN serial for a country in a year (1, 2, 3 …; never reused).
    async fn next_grn_serial(&self, country: CountryCode, year: i32) -> Result<u64, StoreError>;
    /// A claim by id.
    async fn claim(&self, id: Uuid) -> Result<Option<Claim>, StoreError>;
    /// Claims matching the filter, oldest first.
    async fn claims(&self, filter: &ClaimFilter) -> Result<Vec<Claim>, StoreError>;
    /// The history of a registration, contract or claim, oldest first.
    async fn history(&self, subject_id: Uuid) -> Result<Vec<HistoryEvent>, StoreError>;
    /// The reference exchange rate `from` → `to` that applies on `day` (the one with the latest
    /// first day among those whose period holds the day).
    async fn exchange_rate(
        &self,
        from: CurrencyCode,
        to: CurrencyCode,
        day: chrono::NaiveDate,
    ) -> Result<Option<ExchangeRate>, StoreError>;
    /// Every reference exchange rate, by from, to, first day.
    async fn exchange_rates(&self) -> Result<Vec<RateRecord>, StoreError>;
    /// Replace the CATS restricted goods list with `list` and write `audit`, in one transaction.
    async fn set_restricted_goods(
        &self,
        list: &[cats_domain::reference::RestrictedGoods],
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
    /// The CATS restricted goods list as stored, by HS prefix.
    async fn restricted_goods(
        &self,
    ) -> Result<Vec<cats_domain::reference::RestrictedGoods>, StoreError>;
    /// The current (highest) version of every risk profile, retired ones included, by id.
    async fn risk_profiles(&self) -> Result<Vec<ProfileVersion>, StoreError>;
    /// Every version of one risk profile, oldest first (empty when unknown).
    async fn risk_profile_versions(&self, id: &str) -> Result<Vec<ProfileVersion>, StoreError>;
    /// Add a version of a risk profile and its audit entry in one transaction.
    /// [`StoreError::Conflict`] when that version of the profile exists already.
    async fn save_risk_profile(
        &self,
        version: &ProfileVersion,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
}
