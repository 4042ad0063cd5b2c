//! The typed views of registrations, documents, parties, contracts, claims, history,
//! notifications, exchange rates and risk profiles (camelCase; amounts as decimals in their ISO
//! 4217 currency; dates `YYYY-MM-DD`, timestamps RFC 3339 UTC). Each derives its schema for the
//! OpenAPI document.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use cats_app::registers::contracts::ContractView;
use cats_app::store::{
    Attachment, HistoryEvent, Notification, Party, ProfileVersion, RateRecord, Reservation,
};
use cats_domain::ids::{CountryCode, CurrencyCode, Eori, Grn, Mrn, OfficeRef};
use cats_domain::ledger::{from_minor, GuaranteeStatus, ReservationStatus};
use cats_domain::registry::{
    Claim, ClaimStatus, Contact, Contract, Register, Registration, RegistrationStatus,
};
use cats_domain::risk::RiskProfile;

use crate::views::{DownloadLinks, Link, SelfLink};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// `_links` of a registration.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegistrationLinks {
    /// The registration.
    #[serde(rename = "self")]
    pub this: Link,
    /// Its documents.
    pub documents: Link,
    /// The company.
    pub party: Link,
}

/// A registration in a register (AEO, authorised trader, authorised insurer).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationView {
    /// Id.
    pub id: Uuid,
    /// Version (optimistic concurrency).
    pub version: i64,
    /// The company.
    pub party: Eori,
    /// The register.
    pub register: Register,
    /// The register in words.
    pub register_label: String,
    /// Company name.
    pub name: String,
    /// Postal address.
    pub address: String,
    /// Country of establishment.
    pub country: CountryCode,
    /// Contact person.
    pub contact: Contact,
    /// Status as stored.
    pub status: RegistrationStatus,
    /// Status as shown: `expired` past the validity.
    pub shown_status: String,
    /// Whether it is in force today.
    pub active: bool,
    /// First day of validity.
    pub valid_from: Option<NaiveDate>,
    /// Last day of validity.
    pub valid_to: Option<NaiveDate>,
    /// Why it was rejected, suspended or revoked.
    pub reason: Option<String>,
    /// The officer who decided last.
    pub decided_by: Option<String>,
    /// When applied (UTC).
    pub submitted_at: DateTime<Utc>,
    /// When last changed (UTC).
    pub updated_at: DateTime<Utc>,
    /// Its documents (`GET /registrations/{id}` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<DocumentView>>,
    /// Every step (`GET /registrations/{id}` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEvent>>,
    /// Links.
    #[serde(rename = "_links")]
    pub links: RegistrationLinks,
}

/// A registration: `status` as stored, `shownStatus` (`expired` past the validity), `active`.
pub fn registration(r: &Registration) -> RegistrationView {
    let day = today();
    RegistrationView {
        id: r.id,
        version: r.version,
        party: r.party.clone(),
        register: r.register,
        register_label: r.register.label().to_string(),
        name: r.name.clone(),
        address: r.address.clone(),
        country: r.country,
        contact: r.contact.clone(),
        status: r.status,
        shown_status: r.shown_status(day).to_string(),
        active: r.active_on(day),
        valid_from: r.valid_from,
        valid_to: r.valid_to,
        reason: r.reason.clone(),
        decided_by: r.decided_by.clone(),
        submitted_at: r.submitted_at,
        updated_at: r.updated_at,
        documents: None,
        history: None,
        links: RegistrationLinks {
            this: Link::to(format!("/registrations/{}", r.id)),
            documents: Link::to(format!("/registrations/{}/documents", r.id)),
            party: Link::to(format!("/parties/{}", r.party)),
        },
    }
}

/// A registration's document with its download link.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentView {
    /// What identifies it.
    #[serde(flatten)]
    pub document: Attachment,
    /// `download`.
    #[serde(rename = "_links")]
    pub links: DownloadLinks,
}

/// A document's metadata with its download link.
pub fn document(a: &Attachment) -> DocumentView {
    DocumentView {
        document: a.clone(),
        links: DownloadLinks {
            download: Link::to(format!(
                "/registrations/{}/documents/{}",
                a.registration_id, a.id
            )),
        },
    }
}

/// A party with its registrations (AEO status and validity).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartyView {
    /// EORI/TIN.
    pub identification_number: Eori,
    /// Name.
    pub name: String,
    /// `trader` or `insurer`.
    pub kind: String,
    /// Status in the party register.
    pub status: String,
    /// Country.
    pub country: CountryCode,
    /// Whether it may act.
    pub active: bool,
    /// Whether it holds an AEO registration in force today.
    pub aeo: bool,
    /// Its registrations.
    pub registrations: Vec<RegistrationView>,
}

/// A party with its registrations.
pub fn party(p: &Party, registrations: &[Registration]) -> PartyView {
    let day = today();
    PartyView {
        identification_number: p.identification_number.clone(),
        name: p.name.clone(),
        kind: p.kind.clone(),
        status: p.status.clone(),
        country: p.country,
        active: p.active,
        aeo: registrations
            .iter()
            .any(|r| r.register == Register::Aeo && r.active_on(day)),
        registrations: registrations.iter().map(registration).collect(),
    }
}

/// A list of registrations.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegistrationList {
    /// How many.
    pub count: usize,
    /// The registrations.
    pub registrations: Vec<RegistrationView>,
}

/// An insurance contract (comprehensive guarantee).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContractSummary {
    /// Id.
    pub id: Uuid,
    /// Version (optimistic concurrency).
    pub version: i64,
    /// GRN, once approved.
    pub grn: Option<Grn>,
    /// The insurer's policy number.
    pub policy_number: String,
    /// The insurer.
    pub insurer: Eori,
    /// The holder covered.
    pub holder: Eori,
    /// Reference amount.
    pub reference_amount: Decimal,
    /// Its ISO 4217 currency.
    pub currency: CurrencyCode,
    /// First day of the policy period.
    pub valid_from: NaiveDate,
    /// Last day of the policy period.
    pub valid_to: NaiveDate,
    /// Countries where it is valid.
    pub countries: Vec<CountryCode>,
    /// Indemnity or payment process.
    pub indemnity: String,
    /// Status.
    pub status: GuaranteeStatus,
    /// Why rejected, suspended, revoked or cancelled.
    pub reason: Option<String>,
    /// The guarantee office that approved it.
    pub office: Option<OfficeRef>,
    /// The officer who decided last.
    pub decided_by: Option<String>,
    /// When submitted (UTC).
    pub submitted_at: DateTime<Utc>,
    /// When last changed (UTC).
    pub updated_at: DateTime<Utc>,
    /// Links.
    #[serde(rename = "_links")]
    pub links: SelfLink,
}

/// A contract (without usage).
pub fn contract(c: &Contract) -> ContractSummary {
    ContractSummary {
        id: c.id,
        version: c.version,
        grn: c.grn.clone(),
        policy_number: c.policy_number.clone(),
        insurer: c.insurer.clone(),
        holder: c.holder.clone(),
        reference_amount: c.reference_amount.amount(),
        currency: c.reference_amount.currency(),
        valid_from: c.valid_from,
        valid_to: c.valid_to,
        countries: c.countries.clone(),
        indemnity: c.indemnity.clone(),
        status: c.status,
        reason: c.reason.clone(),
        office: c.office.clone(),
        decided_by: c.decided_by.clone(),
        submitted_at: c.submitted_at,
        updated_at: c.updated_at,
        links: SelfLink {
            this: Link::to(format!("/contracts/{}", c.id)),
        },
    }
}

/// One use of the guarantee by a movement.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageView {
    /// The movement's MRN.
    pub mrn: Option<Mrn>,
    /// The movement's id.
    pub movement_id: Uuid,
    /// Amount reserved, in the guarantee's currency.
    pub amount: Decimal,
    /// Reserved, credited or claimed.
    pub status: ReservationStatus,
    /// When reserved (UTC).
    pub lock_date: DateTime<Utc>,
    /// When released (UTC).
    pub release_date: Option<DateTime<Utc>>,
    /// The amount declared, before conversion.
    pub declared_amount: Option<Decimal>,
    /// Its currency.
    pub declared_currency: Option<CurrencyCode>,
    /// The exchange rate applied.
    pub rate: Option<Decimal>,
    /// The share reserved for an AEO holder.
    pub aeo_share: Option<Decimal>,
}

fn usage(r: &Reservation) -> UsageView {
    UsageView {
        mrn: r.mrn.clone(),
        movement_id: r.movement_id,
        amount: from_minor(r.amount_minor),
        status: r.status,
        lock_date: r.reserved_at,
        release_date: r.closed_at,
        declared_amount: r.basis.declared_minor.map(from_minor),
        declared_currency: r.basis.declared_currency,
        rate: r.basis.rate,
        aeo_share: r.basis.aeo_share,
    }
}

/// What the guarantee is exposed to.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Exposure {
    /// Open reservations.
    pub reservations: Decimal,
    /// Open claims.
    pub open_claims: Decimal,
    /// Both: the running total.
    pub total: Decimal,
}

/// A contract with its guarantee's figures, usage per MRN, claims and history.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContractDetail {
    /// The contract.
    #[serde(flatten)]
    pub contract: ContractSummary,
    /// Running total (open reservations and claims), once approved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running_total: Option<Decimal>,
    /// Available amount, once approved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available: Option<Decimal>,
    /// The running total's parts, once approved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exposure: Option<Exposure>,
    /// Whether the running total is above zero, once approved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_liabilities: Option<bool>,
    /// When the last liability ends (UTC), once approved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub liability_end: Option<Option<DateTime<Utc>>>,
    /// Whether the holder set the access code, once approved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_code_set: Option<bool>,
    /// Usage per MRN.
    pub usage: Vec<UsageView>,
    /// Claims.
    pub claims: Vec<ClaimView>,
    /// Every step.
    pub history: Vec<HistoryEvent>,
}

/// A contract with its guarantee's figures: running total (open reservations and claims),
/// available amount, exposure, open liabilities, liability end, usage per MRN, claims, history.
pub fn contract_full(v: &ContractView) -> ContractDetail {
    let mut out = ContractDetail {
        contract: contract(&v.contract),
        running_total: None,
        available: None,
        exposure: None,
        open_liabilities: None,
        liability_end: None,
        access_code_set: None,
        usage: v.usage.iter().map(usage).collect(),
        claims: v.claims.iter().map(claim).collect(),
        history: v.history.clone(),
    };
    if let Some(g) = &v.guarantee {
        let reserved: i64 = v
            .usage
            .iter()
            .filter(|r| r.status == ReservationStatus::Reserved)
            .map(|r| r.amount_minor)
            .sum();
        let claimed: i64 = v
            .claims
            .iter()
            .filter(|c| c.status.is_open())
            .map(|c| c.amount.to_minor_units())
            .sum();
        out.running_total = Some(from_minor(g.running_total_minor));
        out.available = Some(from_minor(g.available_minor()));
        out.exposure = Some(Exposure {
            reservations: from_minor(reserved),
            open_claims: from_minor(claimed),
            total: from_minor(g.running_total_minor),
        });
        out.open_liabilities = Some(g.running_total_minor > 0);
        out.liability_end = Some(g.liability_end);
        out.access_code_set = Some(!g.access_code_hash.is_empty());
    }
    out
}

/// A list of contracts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContractList {
    /// How many.
    pub count: usize,
    /// The contracts.
    pub contracts: Vec<ContractSummary>,
}

/// What setting an access code answered.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessCodeAnswer {
    /// The contract.
    pub id: Uuid,
    /// Its status (`active` once the first code is set).
    pub status: GuaranteeStatus,
    /// Always `true`: a code is set (it is never shown).
    pub access_code_set: bool,
}

/// `_links` of a claim.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimLinks {
    /// The claim.
    #[serde(rename = "self")]
    pub this: Link,
    /// The movement.
    pub movement: Link,
}

/// A claim on a guarantee, raised at recovery.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClaimView {
    /// Id.
    pub id: Uuid,
    /// Version (optimistic concurrency).
    pub version: i64,
    /// GRN.
    pub grn: Grn,
    /// The movement.
    pub movement_id: Uuid,
    /// Its MRN.
    pub mrn: Option<Mrn>,
    /// The insurer.
    pub insurer: Eori,
    /// The holder.
    pub holder: Eori,
    /// Amount claimed.
    pub amount: Decimal,
    /// Its ISO 4217 currency.
    pub currency: CurrencyCode,
    /// Raised, contested, paid or waived.
    pub status: ClaimStatus,
    /// Whether it still counts in the running total.
    pub open: bool,
    /// When raised (UTC).
    pub raised_at: DateTime<Utc>,
    /// The insurer's or officer's answer.
    pub answer: Option<String>,
    /// When answered (UTC).
    pub answered_at: Option<DateTime<Utc>>,
    /// When closed (UTC).
    pub closed_at: Option<DateTime<Utc>>,
    /// Every step (`GET /claims/{id}` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEvent>>,
    /// Links.
    #[serde(rename = "_links")]
    pub links: ClaimLinks,
}

/// A claim.
pub fn claim(c: &Claim) -> ClaimView {
    ClaimView {
        id: c.id,
        version: c.version,
        grn: c.grn.clone(),
        movement_id: c.movement_id,
        mrn: c.mrn.clone(),
        insurer: c.insurer.clone(),
        holder: c.holder.clone(),
        amount: c.amount.amount(),
        currency: c.amount.currency(),
        status: c.status,
        open: c.status.is_open(),
        raised_at: c.raised_at,
        answer: c.answer.clone(),
        answered_at: c.answered_at,
        closed_at: c.closed_at,
        history: None,
        links: ClaimLinks {
            this: Link::to(format!("/claims/{}", c.id)),
            movement: Link::to(format!("/movements/departures/{}", c.movement_id)),
        },
    }
}

/// A list of claims.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimList {
    /// How many.
    pub count: usize,
    /// The claims.
    pub claims: Vec<ClaimView>,
}

/// A company's notifications.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationList {
    /// How many.
    pub count: usize,
    /// Newest first.
    pub notifications: Vec<Notification>,
}

/// An exchange rate.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RateView {
    /// From (ISO 4217).
    pub from: CurrencyCode,
    /// To (ISO 4217).
    pub to: CurrencyCode,
    /// First day it applies.
    pub valid_from: NaiveDate,
    /// Last day it applies.
    pub valid_to: NaiveDate,
    /// Units of `to` per unit of `from`.
    pub rate: Decimal,
    /// Who set it.
    pub set_by: String,
    /// When (UTC).
    pub set_at: DateTime<Utc>,
}

/// An exchange rate.
pub fn rate(r: &RateRecord) -> RateView {
    RateView {
        from: r.rate.from,
        to: r.rate.to,
        valid_from: r.rate.valid_from,
        valid_to: r.rate.valid_to,
        rate: r.rate.rate,
        set_by: r.set_by.clone(),
        set_at: r.set_at,
    }
}

/// The exchange rates.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RateList {
    /// How many.
    pub count: usize,
    /// The rates.
    pub rates: Vec<RateView>,
}

/// A risk profile's version.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    /// Profile id.
    pub id: String,
    /// Version from 1.
    pub version: i64,
    /// Whether this version retires it.
    pub retired: bool,
    /// Who made it.
    pub changed_by: String,
    /// When (UTC).
    pub changed_at: DateTime<Utc>,
    /// The criteria and action.
    pub profile: RiskProfile,
    /// Links.
    #[serde(rename = "_links")]
    pub links: SelfLink,
}

/// A profile version as shown.
pub fn profile(v: &ProfileVersion) -> ProfileView {
    ProfileView {
        id: v.profile.id.clone(),
        version: v.version,
        retired: v.retired,
        changed_by: v.changed_by.clone(),
        changed_at: v.changed_at,
        profile: v.profile.clone(),
        links: SelfLink {
            this: Link::to(format!("/risk/profiles/{}", v.profile.id)),
        },
    }
}

/// A risk profile's current version with every version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileHistory {
    /// The current version.
    #[serde(flatten)]
    pub current: ProfileView,
    /// Every version, oldest first.
    pub versions: Vec<ProfileView>,
}

/// The risk profiles.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileList {
    /// How many.
    pub count: usize,
    /// The current version of each.
    pub profiles: Vec<ProfileView>,
}

/// A new user and its first API token (shown this once).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewUserAnswer {
    /// The user.
    pub user: cats_app::auth::User,
    /// Its first API token.
    pub token: String,
}

/// The restricted goods list as set.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RestrictedSet {
    /// How many entries.
    pub count: usize,
    /// The entries.
    pub entries: Vec<cats_domain::reference::RestrictedGoods>,
}
