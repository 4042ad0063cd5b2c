//! The typed views of insurance contracts (comprehensive guarantees) with their usage per MRN,
//! and of the claims raised on them (camelCase; amounts as decimal strings in their ISO 4217
//! currency). Each derives its schema for the OpenAPI document.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use cats_app::registers::contracts::ContractView;
use cats_app::store::{HistoryEvent, Reservation};
use cats_domain::ids::{CountryCode, CurrencyCode, Eori, Grn, Mrn, OfficeRef};
use cats_domain::ledger::{from_minor, GuaranteeStatus, ReservationStatus};
use cats_domain::registry::{Claim, ClaimStatus, Contract};

use crate::views::{Link, SelfLink};

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
