//! The typed views of registrations, documents, parties, contracts, claims, history,
//! notifications, exchange rates and risk profiles (camelCase; amounts as decimals in their ISO
//! 4217 currency; dates `YYYY-MM-DD`, timestamps RFC 3339 UTC). Each derives its schema for the
//! OpenAPI document.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use cats_app::store::{Attachment, HistoryEvent, Party, ProfileVersion, RateRecord};
use cats_domain::ids::{CountryCode, CurrencyCode, Eori};
use cats_domain::registry::{Contact, Register, Registration, RegistrationStatus};
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
