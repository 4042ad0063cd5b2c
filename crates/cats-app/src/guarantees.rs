//! Guarantee balance and usage: `GET /guarantees/{grn}/balance` and the CC034C query, answered
//! with the CC037C content (NCTS P5 IE037: usage per MRN, exposure, balance).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Value};

use cats_domain::ids::{CurrencyCode, Grn, Mrn};
use cats_domain::ledger::{from_minor, ReservationStatus};
use cats_ncts::Cc034c;

use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::history::audit;

/// One use of a guarantee (a reservation), as CC037C `Usage` gives it (and CD201C, ICE).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    /// MRN of the movement (18 characters), once allocated.
    pub mrn: Option<Mrn>,
    /// Amount covered, in the guarantee's currency (2 decimals).
    pub amount: Decimal,
    /// When the amount was reserved (lock date).
    pub lock_date: DateTime<Utc>,
    /// When it was credited back or claimed (release date), if it was.
    pub release_date: Option<DateTime<Utc>>,
    /// `reserved`, `credited` or `claimed`.
    pub status: ReservationStatus,
}

/// A guarantee's balance (CC037C content).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Balance {
    /// Guarantee reference number (17 characters, ISO 6346 check digit).
    pub grn: Grn,
    /// Reference amount (insured amount).
    pub reference_amount: Decimal,
    /// ISO 4217 currency of every amount here.
    pub currency: CurrencyCode,
    /// Exposure: open reservations and claims.
    pub exposure: Decimal,
    /// Balance: reference amount − exposure.
    pub balance: Decimal,
    /// Exposure as a percentage of the reference amount, rounded to a whole number.
    pub percentage_used: Decimal,
    /// Usage per MRN, oldest first.
    pub usage: Vec<Usage>,
}

/// The balance of guarantee `grn` for an actor who gives its access code.
///
/// Who may ask: the holder, the insurer, customs officers. Errors: unknown GRN or an actor who may
/// not see it → [`AppError::NotFound`] (nothing is revealed); wrong access code →
/// [`AppError::Forbidden`]. Every answer and every refusal is in the audit log.
pub async fn balance(
    app: &App,
    actor: &Actor,
    grn: &Grn,
    access_code: &str,
    now: DateTime<Utc>,
) -> Result<Balance, AppError> {
    let not_found = || not_a_guarantee(grn);
    // A guarantee held by a peer node (ICE): its register and running total are there.
    let held_by = app
        .topology()
        .and_then(|t| crate::ice::guarantee::holder_of(t, grn).cloned());
    let (g, usage) = match held_by {
        Some(peer) => {
            let check = crate::ice::query::GuaranteeCheck {
                grn: grn.clone(),
                access_code: access_code.to_string(),
                holder: None,
                day: now.date_naive(),
            };
            let answer = crate::ice::query::ask_guarantee(app, &peer, &check).await?;
            let usage = answer.usage.clone();
            let (g, _) =
                crate::ice::query::guarantee_of(&peer, &check, answer)?.ok_or_else(not_found)?;
            (g, Some(usage))
        }
        None => (
            app.store().guarantee(grn).await?.ok_or_else(not_found)?,
            None,
        ),
    };
    if let Some(user) = actor.user() {
        let allowed = match user.role {
            Role::Officer => true,
            Role::Trader => user.is_of(&g.holder),
            Role::Insurer => user.is_of(&g.insurer),
            Role::Admin => false,
        };
        if !allowed {
            return Err(not_found());
        }
    }
    if !g.access_code_matches(access_code) {
        let entry = audit(
            actor,
            "guarantee.balance",
            None,
            now,
            format!("{grn}: refused, wrong access code"),
        );
        app.store().audit(&[entry]).await?;
        return Err(AppError::Forbidden(format!(
            "the access code does not match guarantee {grn}"
        )));
    }
    let usage = match usage {
        Some(u) => u,
        None => self::usage(app, grn).await?,
    };
    let exposure = from_minor(g.running_total_minor);
    let reference = g.reference_amount.amount();
    let percentage_used = if reference.is_zero() {
        Decimal::ZERO
    } else {
        (exposure * Decimal::ONE_HUNDRED / reference).round()
    };
    let entry = audit(
        actor,
        "guarantee.balance",
        None,
        now,
        format!("{grn}: balance given"),
    );
    app.store().audit(&[entry]).await?;
    Ok(Balance {
        grn: g.grn.clone(),
        reference_amount: reference,
        currency: g.currency(),
        exposure,
        balance: from_minor(g.available_minor()),
        percentage_used,
        usage,
    })
}

/// The uses of guarantee `grn` held here, oldest first.
pub async fn usage(app: &App, grn: &Grn) -> Result<Vec<Usage>, AppError> {
    Ok(app
        .store()
        .reservations(grn)
        .await?
        .into_iter()
        .map(|r| Usage {
            mrn: r.mrn,
            amount: from_minor(r.amount_minor),
            lock_date: r.reserved_at,
            release_date: r.closed_at,
            status: r.status,
        })
        .collect())
}

/// The refusal for a GRN that names no guarantee the actor may see (well formed or not: nothing
/// is revealed).
pub fn not_a_guarantee(grn: &(impl std::fmt::Display + ?Sized)) -> AppError {
    AppError::NotFound(format!("guarantee {grn}"))
}

/// Answer a CC034C with a CC037C (`{"n1:CC037C": {...}}`), one `GuaranteeReference` per GRN
/// asked, in the IE037 structure of Appendix Q2. A GRN the actor may not see, or with a wrong
/// access code, makes the whole query fail with the same errors as [`balance`].
pub async fn query(
    app: &App,
    actor: &Actor,
    q: &Cc034c,
    now: DateTime<Utc>,
) -> Result<Value, AppError> {
    let mut references = Vec::new();
    for (i, r) in q.guarantee_reference.iter().enumerate() {
        let grn = r.grn.valid().ok_or_else(|| not_a_guarantee(&r.grn))?;
        let b = balance(app, actor, grn, &r.access_code.access_code, now).await?;
        let usage: Vec<Value> = b
            .usage
            .iter()
            .filter(|u| u.status != ReservationStatus::Credited)
            .enumerate()
            .map(|(j, u)| {
                json!({
                    "sequenceNumber": j + 1,
                    "MRN": u.mrn,
                    "coveredAmount": u.amount,
                    "currency": b.currency,
                    "lockDate": u.lock_date.format("%Y-%m-%d").to_string(),
                })
            })
            .collect();
        references.push(json!({
            "sequenceNumber": i + 1,
            "GRN": b.grn,
            "guaranteeType": "1",
            "GuaranteeQuery": { "queryIdentifier": r.query.query_identifier },
            "Usage": usage,
            "Exposure": { "exposure": b.exposure, "exposureCounter": usage.len(), "balance": b.balance, "currency": b.currency },
            "ComprehensiveGuarantee": { "referenceAmount": b.reference_amount, "percentageOfReferenceAmount": b.percentage_used, "guaranteeAmount": b.reference_amount, "currency": b.currency },
        }));
    }
    Ok(json!({ "n1:CC037C": {
        "@PhaseID": "NCTS5.0",
        "messageSender": "NTA.CATS",
        "messageRecipient": q.message_sender,
        "preparationDateAndTime": now.format("%Y-%m-%dT%H:%M:%S").to_string(),
        "messageIdentification": uuid::Uuid::new_v4().simple().to_string()[..20].to_string(),
        "messageType": "CC037C",
        "correlationIdentifier": q.message_identification,
        "Requester": { "identificationNumber": q.requester.identification_number, "role": q.requester.role },
        "GuaranteeReference": references,
    }}))
}
