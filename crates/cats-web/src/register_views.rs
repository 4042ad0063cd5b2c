//! JSON views of registrations, documents, parties, contracts, claims, history, notifications
//! and exchange rates (camelCase; amounts as decimal strings in their ISO 4217 currency; dates
//! `YYYY-MM-DD`, timestamps RFC 3339 UTC).

use chrono::{NaiveDate, Utc};
use serde_json::{json, Value};

use cats_app::registers::contracts::ContractView;
use cats_app::store::{Attachment, HistoryEvent, Notification, Party, RateRecord, Reservation};
use cats_domain::ledger::from_minor;
use cats_domain::registry::{Claim, Contract, Registration};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// A registration: `status` as stored, `shownStatus` (`expired` past the validity), `active`.
pub fn registration(r: &Registration) -> Value {
    let day = today();
    json!({
        "id": r.id,
        "version": r.version,
        "party": r.party,
        "register": r.register,
        "registerLabel": r.register.label(),
        "name": r.name,
        "address": r.address,
        "country": r.country,
        "contact": r.contact,
        "status": r.status,
        "shownStatus": r.shown_status(day),
        "active": r.active_on(day),
        "validFrom": r.valid_from,
        "validTo": r.valid_to,
        "reason": r.reason,
        "decidedBy": r.decided_by,
        "submittedAt": r.submitted_at,
        "updatedAt": r.updated_at,
        "_links": {
            "self": { "href": format!("/registrations/{}", r.id) },
            "documents": { "href": format!("/registrations/{}/documents", r.id) },
            "party": { "href": format!("/parties/{}", r.party) },
        },
    })
}

/// A document's metadata with its download link.
pub fn document(a: &Attachment) -> Value {
    let mut v = json!(a);
    v["_links"] = json!({ "download": { "href": format!("/registrations/{}/documents/{}", a.registration_id, a.id) } });
    v
}

/// History steps.
pub fn history(h: &[HistoryEvent]) -> Value {
    json!(h)
}

/// A party with its registrations (AEO status and validity).
pub fn party(p: &Party, registrations: &[Registration]) -> Value {
    let day = today();
    json!({
        "identificationNumber": p.identification_number,
        "name": p.name,
        "kind": p.kind,
        "status": p.status,
        "country": p.country,
        "active": p.active,
        "aeo": registrations.iter().any(|r| r.register == cats_domain::registry::Register::Aeo && r.active_on(day)),
        "registrations": registrations.iter().map(registration).collect::<Vec<_>>(),
    })
}

/// A contract (without usage).
pub fn contract(c: &Contract) -> Value {
    json!({
        "id": c.id,
        "version": c.version,
        "grn": c.grn,
        "policyNumber": c.policy_number,
        "insurer": c.insurer,
        "holder": c.holder,
        "referenceAmount": c.reference_amount.amount(),
        "currency": c.reference_amount.currency(),
        "validFrom": c.valid_from,
        "validTo": c.valid_to,
        "countries": c.countries,
        "indemnity": c.indemnity,
        "status": c.status,
        "reason": c.reason,
        "office": c.office,
        "decidedBy": c.decided_by,
        "submittedAt": c.submitted_at,
        "updatedAt": c.updated_at,
        "_links": { "self": { "href": format!("/contracts/{}", c.id) } },
    })
}

fn usage(r: &Reservation) -> Value {
    json!({
        "mrn": r.mrn,
        "movementId": r.movement_id,
        "amount": from_minor(r.amount_minor),
        "status": r.status,
        "lockDate": r.reserved_at,
        "releaseDate": r.closed_at,
        "declaredAmount": r.basis.declared_minor.map(from_minor),
        "declaredCurrency": r.basis.declared_currency,
        "rate": r.basis.rate,
        "aeoShare": r.basis.aeo_share,
    })
}

/// A contract with its guarantee's figures: running total (open reservations and claims),
/// available amount, exposure, open liabilities, liability end, usage per MRN, claims, history.
pub fn contract_full(v: &ContractView) -> Value {
    let mut out = contract(&v.contract);
    if let Some(g) = &v.guarantee {
        let reserved: i64 = v
            .usage
            .iter()
            .filter(|r| r.status == cats_domain::ledger::ReservationStatus::Reserved)
            .map(|r| r.amount_minor)
            .sum();
        let claimed: i64 = v
            .claims
            .iter()
            .filter(|c| c.status.is_open())
            .map(|c| c.amount.to_minor_units())
            .sum();
        out["runningTotal"] = json!(from_minor(g.running_total_minor));
        out["available"] = json!(from_minor(g.available_minor()));
        out["exposure"] = json!({
            "reservations": from_minor(reserved),
            "openClaims": from_minor(claimed),
            "total": from_minor(g.running_total_minor),
        });
        out["openLiabilities"] = json!(g.running_total_minor > 0);
        out["liabilityEnd"] = json!(g.liability_end);
        out["accessCodeSet"] = json!(!g.access_code_hash.is_empty());
    }
    out["usage"] = json!(v.usage.iter().map(usage).collect::<Vec<_>>());
    out["claims"] = json!(v.claims.iter().map(claim).collect::<Vec<_>>());
    out["history"] = history(&v.history);
    out
}

/// A claim.
pub fn claim(c: &Claim) -> Value {
    json!({
        "id": c.id,
        "version": c.version,
        "grn": c.grn,
        "movementId": c.movement_id,
        "mrn": c.mrn,
        "insurer": c.insurer,
        "holder": c.holder,
        "amount": c.amount.amount(),
        "currency": c.amount.currency(),
        "status": c.status,
        "open": c.status.is_open(),
        "raisedAt": c.raised_at,
        "answer": c.answer,
        "answeredAt": c.answered_at,
        "closedAt": c.closed_at,
        "_links": {
            "self": { "href": format!("/claims/{}", c.id) },
            "movement": { "href": format!("/movements/departures/{}", c.movement_id) },
        },
    })
}

/// A notification.
pub fn notification(n: &Notification) -> Value {
    json!(n)
}

/// An exchange rate.
pub fn rate(r: &RateRecord) -> Value {
    json!({
        "from": r.rate.from,
        "to": r.rate.to,
        "validFrom": r.rate.valid_from,
        "validTo": r.rate.valid_to,
        "rate": r.rate.rate,
        "setBy": r.set_by,
        "setAt": r.set_at,
    })
}
