//! What the store keeps for the registers (issue 5): registrations and their documents, insurance
//! contracts, claims, reference exchange rates, the history of every step and the notifications
//! to parties. Each use case commits one [`RegistryChange`] in one transaction.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use cats_domain::coverage::ExchangeRate;
use cats_domain::ids::{CountryCode, CurrencyCode, Eori, Grn, Money, Mrn};
use cats_domain::ledger::{Guarantee, GuaranteeStatus};
use cats_domain::registry::{
    Claim, ClaimStatus, Contract, Register, Registration, RegistrationStatus,
};

use super::{AuditEntry, Party};
use crate::auth::User;

/// A document attached to a registration, without its bytes.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// Id (UUID).
    pub id: Uuid,
    /// Registration it belongs to.
    pub registration_id: Uuid,
    /// File name as given (sanitised: letters, digits, `.`, `-`, `_`; at most 100 characters).
    pub filename: String,
    /// MIME type, one of [`crate::registrations::DOCUMENT_TYPES`].
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// When uploaded (UTC).
    pub uploaded_at: DateTime<Utc>,
    /// Username of who uploaded it.
    pub uploaded_by: String,
}

/// An attachment with its bytes (as stored: `BLOB` on SQLite, `BYTEA` on PostgreSQL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAttachment {
    /// What it is.
    pub meta: Attachment,
    /// The bytes, unchanged.
    pub data: Vec<u8>,
}

/// One step in the history of a registration, contract or claim.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEvent {
    /// `registration`, `contract` or `claim`.
    pub subject: String,
    /// Id of the record.
    pub subject_id: Uuid,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Username, or `system`.
    pub actor: String,
    /// The step: `apply`, `document`, `approve`, `submit`, `access_code`, `raise`, `pay` …
    pub action: String,
    /// The record's status after the step.
    pub status: String,
    /// Details for a reader (reason, validity, GRN …).
    pub detail: String,
}

/// A notification to a party (its trader or insurer users read it with `GET /notifications`,
/// in the inbox page, live on `GET /events`, and on the channels they chose).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// Id (UUID): stable, the `CATS-Event-Id` of every delivery of it.
    pub id: Uuid,
    /// Identification number of the party notified.
    pub party: Eori,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// What happened (`movement.released`, `contract.status` …).
    #[serde(rename = "type")]
    pub event: crate::notify::EventType,
    /// `movement`, `registration`, `contract` or `claim`.
    pub subject: String,
    /// Id of the record concerned.
    pub subject_id: Uuid,
    /// The record as people name it: the movement's MRN (its LRN before one is allocated), the
    /// contract's GRN or policy number.
    #[serde(default)]
    pub reference: String,
    /// The record's page (`/ui/movements/{id}`).
    #[serde(default)]
    pub link: String,
    /// The NCTS message to the holder the event came from (a movement's CC028C, CC029C …), if
    /// any: what HMRC-shaped push notifications point at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<Uuid>,
    /// What happened, in words (English).
    pub text: String,
    /// The record's status after it (`submitted`, `approved`, `paid`, `access_code` …), for
    /// the pages to word it in the reader's language; empty for notifications kept before.
    #[serde(default)]
    pub status: String,
}

/// A reference exchange rate as stored: who set it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateRecord {
    /// The rate.
    pub rate: ExchangeRate,
    /// Username of the administrator.
    pub set_by: String,
    /// When (UTC).
    pub set_at: DateTime<Utc>,
}

/// The last GRN serial allocated for a country in a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrnSerial {
    /// ISO 3166 country of the guarantee office.
    pub country: CountryCode,
    /// Calendar year.
    pub year: i32,
    /// Last serial allocated.
    pub last: i64,
}

/// A record to insert (`expected: None`) or to update from version `expected` (the store refuses
/// with [`super::StoreError::Conflict`] when the stored version differs).
#[derive(Debug, Clone, PartialEq)]
pub struct Versioned<T> {
    /// The record as it becomes (its `version` is the new one).
    pub record: T,
    /// `None` to insert; `Some(v)` to update the record now at version `v`.
    pub expected: Option<i64>,
}

/// What a step does to the guarantee (ledger row) of a contract.
#[derive(Debug, Clone, PartialEq)]
pub enum GuaranteeOp {
    /// Insert the guarantee of an approved contract (running total 0).
    Create(Guarantee),
    /// Set the status (mirror of the contract's). When the status ends the guarantee (revoked,
    /// expired) and nothing is open, the liability end is recorded as `at`.
    Status {
        /// Guarantee reference number (17 characters, ISO 6346 check digit).
        grn: Grn,
        /// New status.
        status: GuaranteeStatus,
        /// When (UTC).
        at: DateTime<Utc>,
    },
    /// Revoke only if no liability is open (running total 0), recording the liability end;
    /// otherwise [`super::StoreError::OpenLiabilities`].
    Cancel {
        /// Guarantee reference number (17 characters, ISO 6346 check digit).
        grn: Grn,
        /// When (UTC).
        at: DateTime<Utc>,
    },
    /// Set the access code hash ([`cats_domain::ledger::hash_access_code`]) and, when given,
    /// the status.
    AccessCode {
        /// Guarantee reference number (17 characters, ISO 6346 check digit).
        grn: Grn,
        /// New hash.
        hash: String,
        /// New status (`active` when the first code puts the contract in force).
        status: Option<GuaranteeStatus>,
    },
    /// A claim was paid or waived: `amount_minor` leaves the running total; the liability end
    /// is recorded when nothing stays open on an ended guarantee.
    CloseClaim {
        /// Guarantee reference number (17 characters, ISO 6346 check digit).
        grn: Grn,
        /// Amount, minor units.
        amount_minor: i64,
        /// When (UTC).
        at: DateTime<Utc>,
    },
}

/// Everything one register use case changes, committed atomically (or nothing).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegistryChange {
    /// Party to insert or update.
    pub party: Option<Party>,
    /// User to insert or update.
    pub user: Option<User>,
    /// Registration to insert or update.
    pub registration: Option<Versioned<Registration>>,
    /// Document to attach.
    pub attachment: Option<StoredAttachment>,
    /// Contract to insert or update.
    pub contract: Option<Versioned<Contract>>,
    /// What happens to the contract's guarantee.
    pub guarantee: Option<GuaranteeOp>,
    /// Claim to update.
    pub claim: Option<Versioned<Claim>>,
    /// Exchange rate to insert or replace (key: from, to, first day).
    pub rate: Option<RateRecord>,
    /// History steps.
    pub events: Vec<HistoryEvent>,
    /// Notifications.
    pub notifications: Vec<Notification>,
    /// Audit entries.
    pub audit: Vec<AuditEntry>,
    /// ICE messages to send (an AEO register change, CA004C), in the outbox with the change.
    pub ice_out: Vec<super::IceOut>,
    /// The ICE message this change applies (a peer's AEO register change), kept in the inbox.
    pub ice_in: Option<super::IceIn>,
}

/// Filters of registration lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistrationFilter {
    /// Only this party's.
    pub party: Option<Eori>,
    /// Only this register.
    pub register: Option<Register>,
    /// Only this stored status.
    pub status: Option<RegistrationStatus>,
    /// Only applicants of this country.
    pub country: Option<CountryCode>,
}

/// Filters of contract lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContractFilter {
    /// Only this insurer's.
    pub insurer: Option<Eori>,
    /// Only those covering this holder.
    pub holder: Option<Eori>,
    /// Only this status.
    pub status: Option<GuaranteeStatus>,
}

/// Filters of claim lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimFilter {
    /// Only claims on this insurer's guarantees.
    pub insurer: Option<Eori>,
    /// Only claims about this holder's movements.
    pub holder: Option<Eori>,
    /// Only claims on this GRN.
    pub grn: Option<Grn>,
    /// Only this status.
    pub status: Option<ClaimStatus>,
}

/// How a reservation was computed (issue 5): the amount to be covered as declared, the
/// reference exchange rate and the AEO share used. All `None` for reservations made before, or
/// when the amount was reserved as declared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReserveBasis {
    /// Declared amount in hundredths of `declared_currency`.
    pub declared_minor: Option<i64>,
    /// ISO 4217 currency of the declared amount.
    pub declared_currency: Option<CurrencyCode>,
    /// Rate used: units of the guarantee's currency per unit of the declared one.
    pub rate: Option<Decimal>,
    /// Share reserved under the AEO benefit.
    pub aeo_share: Option<Decimal>,
}

/// The text of the notification sent to the insurer and the holder when a claim is raised (the
/// stores write it in the recovery's transaction).
pub fn claim_raised_text(grn: &Grn, mrn: Option<&Mrn>, amount: &Money) -> String {
    format!(
        "claim raised on guarantee {grn}: movement {} went to recovery; {} {} claimed",
        mrn.map_or("-", Mrn::as_str),
        amount.amount(),
        amount.currency()
    )
}
