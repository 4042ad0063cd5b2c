//! Guarantees and the ledger (DOMAIN.md section 7).
//!
//! A reservation is one conditional `UPDATE … WHERE running_total + amount <= reference`: on
//! PostgreSQL (READ COMMITTED) a concurrent writer of the same guarantee makes it wait, and the
//! condition is then re-checked on the row as that writer left it; SQLite has one writer at a
//! time. So the available amount never goes below zero, across any number of processes (the
//! CHECK constraint is the last guard). Each reservation is closed (credited or claimed) exactly
//! once, because only `reserved` rows are closed.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use cats_app::notify::{usage_crossed, EventType};
use cats_app::store::{
    claim_raised_text, HistoryEvent, LedgerOp, Notification, Reservation, ReserveBasis, StoreError,
    Versioned,
};
use cats_domain::ids::{CountryCode, CurrencyCode, Eori, Grn, Money, Mrn};
use cats_domain::ledger::{Guarantee, GuaranteeStatus, ReservationStatus};

use crate::registry::{close_amount, insert_event, insert_notification, write_claim};
use crate::sql::{Db, Row, Sql};

/// Minor units in column `col` as an amount in `currency`.
pub(crate) fn money(r: &Row, col: &str, currency: CurrencyCode) -> Result<Money, StoreError> {
    let minor = r.int(col)?;
    Money::from_minor_units(minor, currency)
        .map_err(|e| StoreError::corrupt(format!("stored {col} {minor}: {e}")))
}

/// Identifiers as stored in one column, separated by spaces (`countries`).
pub(crate) fn joined<T: AsRef<str>>(list: &[T]) -> String {
    list.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(" ")
}

pub(crate) fn guarantee_from_row(r: &Row) -> Result<Guarantee, StoreError> {
    Ok(Guarantee {
        grn: r.ident("grn", Grn::parse)?,
        holder: r.ident("holder", Eori::parse)?,
        insurer: r.ident("insurer", Eori::parse)?,
        reference_amount: money(
            r,
            "reference_minor",
            r.ident("currency", CurrencyCode::parse)?,
        )?,
        valid_from: r.date("valid_from")?,
        valid_to: r.date("valid_to")?,
        countries: r.ident_list("countries", CountryCode::parse)?,
        status: r.parsed("status", |s| {
            GuaranteeStatus::parse(s).ok_or("not a guarantee status")
        })?,
        access_code_hash: r.text("access_code_hash")?,
        running_total_minor: r.int("running_total_minor")?,
        liability_end: r.opt_time("liability_end")?,
    })
}

fn reservation_from_row(r: &Row) -> Result<Reservation, StoreError> {
    let decimal = |col: &str| -> Result<_, StoreError> {
        r.opt_text(col)?
            .map(|s| {
                s.parse()
                    .map_err(|e| StoreError::backend(format!("stored {col} {s:?}"), e))
            })
            .transpose()
    };
    Ok(Reservation {
        grn: r.ident("grn", Grn::parse)?,
        movement_id: r.id("movement_id")?,
        mrn: r.opt_ident("mrn", Mrn::parse)?,
        amount_minor: r.int("amount_minor")?,
        status: r.parsed("status", |s| match s {
            "reserved" => Ok(ReservationStatus::Reserved),
            "credited" => Ok(ReservationStatus::Credited),
            "claimed" => Ok(ReservationStatus::Claimed),
            _ => Err("not a reservation status"),
        })?,
        reserved_at: r.time("reserved_at")?,
        closed_at: r.opt_time("closed_at")?,
        basis: ReserveBasis {
            declared_minor: r.opt_int("declared_minor")?,
            declared_currency: r.opt_ident("declared_currency", CurrencyCode::parse)?,
            rate: decimal("rate")?,
            aeo_share: decimal("aeo_share")?,
        },
    })
}

/// Insert a reservation row with its basis.
pub(crate) async fn insert_reservation(db: &mut Db<'_>, r: &Reservation) -> Result<(), StoreError> {
    Sql::new(
        "INSERT INTO reservations (grn, movement_id, mrn, amount_minor, status, reserved_at,
           closed_at, declared_minor, declared_currency, rate, aeo_share)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&r.grn)
    .bind(r.movement_id)
    .bind(&r.mrn)
    .bind(r.amount_minor)
    .bind(r.status.as_str())
    .bind(r.reserved_at)
    .bind(r.closed_at)
    .bind(r.basis.declared_minor)
    .bind(&r.basis.declared_currency)
    .bind(r.basis.rate.map(|d| d.to_string()))
    .bind(r.basis.aeo_share.map(|d| d.to_string()))
    .execute(db)
    .await?;
    Ok(())
}

/// Insert a guarantee with its running total and liability end (restore), or upsert one keeping
/// the stored running total (`restore` false, [`cats_app::store::Store::save_guarantee`]).
pub(crate) async fn write_guarantee(
    db: &mut Db<'_>,
    g: &Guarantee,
    restore: bool,
) -> Result<(), StoreError> {
    let sql = match restore {
        true => {
            "INSERT INTO guarantees (grn, holder, insurer, reference_minor, currency, valid_from,
               valid_to, countries, status, access_code_hash, running_total_minor, liability_end)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        }
        false => {
            "INSERT INTO guarantees (grn, holder, insurer, reference_minor, currency, valid_from,
               valid_to, countries, status, access_code_hash, running_total_minor)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0)
             ON CONFLICT (grn) DO UPDATE SET holder = EXCLUDED.holder, insurer = EXCLUDED.insurer,
               reference_minor = EXCLUDED.reference_minor, currency = EXCLUDED.currency,
               valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,
               countries = EXCLUDED.countries, status = EXCLUDED.status,
               access_code_hash = EXCLUDED.access_code_hash"
        }
    };
    let mut q = guarantee_insert(sql, g);
    if restore {
        q = q.bind(g.running_total_minor).bind(g.liability_end);
    }
    q.execute(db).await?;
    Ok(())
}

/// `sql` (an INSERT INTO guarantees whose `$1`…`$10` are grn, holder, insurer, reference_minor,
/// currency, valid_from, valid_to, countries, status, access_code_hash) bound to `g`.
pub(crate) fn guarantee_insert<'a>(sql: &'static str, g: &'a Guarantee) -> Sql<'a> {
    Sql::new(sql)
        .bind(&g.grn)
        .bind(&g.holder)
        .bind(&g.insurer)
        .bind(g.reference_minor())
        .bind(g.currency())
        .bind(g.valid_from)
        .bind(g.valid_to)
        .bind(joined(&g.countries))
        .bind(g.status.as_str())
        .bind(&g.access_code_hash)
}

/// The guarantee with this GRN, with its current running total.
pub(crate) async fn guarantee(db: &mut Db<'_>, grn: &Grn) -> Result<Option<Guarantee>, StoreError> {
    Sql::new("SELECT * FROM guarantees WHERE grn = $1")
        .bind(grn)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(guarantee_from_row)
        .transpose()
}

/// Every guarantee, by GRN (for dumps).
pub(crate) async fn guarantees(db: &mut Db<'_>) -> Result<Vec<Guarantee>, StoreError> {
    Sql::new("SELECT * FROM guarantees ORDER BY grn")
        .fetch_all(db)
        .await?
        .iter()
        .map(guarantee_from_row)
        .collect()
}

/// The reservations on a guarantee, oldest first; or every reservation, by GRN (for dumps).
pub(crate) async fn reservations(
    db: &mut Db<'_>,
    grn: Option<&Grn>,
) -> Result<Vec<Reservation>, StoreError> {
    let sql = match grn {
        Some(grn) => {
            Sql::new("SELECT * FROM reservations WHERE grn = $1 ORDER BY reserved_at, movement_id")
                .bind(grn)
        }
        None => Sql::new("SELECT * FROM reservations ORDER BY grn, reserved_at, movement_id"),
    };
    sql.fetch_all(db)
        .await?
        .iter()
        .map(reservation_from_row)
        .collect()
}

/// Why a reservation of `requested_minor` on `grn` on `day` was refused: not usable (CATS018),
/// not found, or not enough available.
async fn refusal(db: &mut Db<'_>, grn: &Grn, requested_minor: i64, day: NaiveDate) -> StoreError {
    let g = match guarantee(db, grn).await {
        Ok(Some(g)) => g,
        Ok(None) => return StoreError::NotFound(format!("guarantee {grn}")),
        Err(e) => return e,
    };
    match g.unusable_on(day) {
        Some(why) => StoreError::NotUsable {
            grn: grn.clone(),
            why,
        },
        None => StoreError::Insufficient {
            grn: grn.clone(),
            requested_minor,
            available_minor: g.available_minor(),
        },
    }
}

/// Apply one ledger operation inside the movement's transaction; `actor` is who acts (for the
/// history of claims raised).
pub(crate) async fn apply(
    db: &mut Db<'_>,
    op: &LedgerOp,
    movement_id: Uuid,
    mrn: Option<&Mrn>,
    at: DateTime<Utc>,
    actor: &str,
) -> Result<(), StoreError> {
    match op {
        LedgerOp::Reserve {
            grn,
            amount_minor,
            basis,
        } => {
            let day = at.date_naive();
            let done = Sql::new(
                "UPDATE guarantees SET running_total_minor = running_total_minor + $1
                 WHERE grn = $2 AND running_total_minor + $1 <= reference_minor
                   AND status = 'active' AND valid_from <= $3 AND valid_to >= $3
                 RETURNING running_total_minor, reference_minor, holder, insurer",
            )
            .bind(*amount_minor)
            .bind(grn)
            .bind(day)
            .fetch_optional(db)
            .await?;
            let Some(done) = done else {
                return Err(refusal(db, grn, *amount_minor, day).await);
            };
            let after = done.int("running_total_minor")?;
            let reference = done.int("reference_minor")?;
            if let Some(event) = usage_crossed(after - amount_minor, after, reference) {
                let parties = [
                    done.ident("insurer", Eori::parse)?,
                    done.ident("holder", Eori::parse)?,
                ];
                usage_notice(db, grn, event, after, reference, &parties, at).await?;
            }
            let r = Reservation {
                grn: grn.clone(),
                movement_id,
                mrn: mrn.cloned(),
                amount_minor: *amount_minor,
                status: ReservationStatus::Reserved,
                reserved_at: at,
                closed_at: None,
                basis: basis.clone(),
            };
            insert_reservation(db, &r).await?;
        }
        LedgerOp::Credit | LedgerOp::Claim => {
            // A credit frees the amount; a claim keeps it locked as a liability until the insurer pays.
            let (status, frees_amount) = match op {
                LedgerOp::Credit => ("credited", true),
                _ => ("claimed", false),
            };
            let rows = Sql::new(
                "UPDATE reservations SET status = $1, closed_at = $2
                 WHERE movement_id = $3 AND status = 'reserved' RETURNING grn, amount_minor",
            )
            .bind(status)
            .bind(at)
            .bind(movement_id)
            .fetch_all(db)
            .await?;
            let mut closed = rows
                .iter()
                .map(|r| Ok((r.ident("grn", Grn::parse)?, r.int("amount_minor")?)))
                .collect::<Result<Vec<(Grn, i64)>, StoreError>>()?;
            // Guarantees in one order in every transaction: no deadlock between two credits.
            closed.sort();
            for (grn, amount) in closed {
                if frees_amount {
                    close_amount(db, &grn, amount, at).await?;
                } else {
                    raise_claim(db, &grn, movement_id, mrn, amount, at, actor).await?;
                }
            }
        }
    }
    Ok(())
}

/// The notification to the insurer and the holder that a guarantee's running total crossed
/// 80 % or reached 100 % of its reference amount, about the contract of the guarantee.
async fn usage_notice(
    db: &mut Db<'_>,
    grn: &Grn,
    event: EventType,
    after: i64,
    reference: i64,
    parties: &[Eori; 2],
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let contract = Sql::new("SELECT id FROM contracts WHERE grn = $1")
        .bind(grn)
        .fetch_optional(db)
        .await?
        .map(|r| r.id("id"))
        .transpose()?;
    let pct = i128::from(after) * 100 / i128::from(reference.max(1));
    let text = format!(
        "guarantee {grn}: running total {after} of reference amount {reference} (minor units), {pct} %"
    );
    for party in parties.iter().collect::<std::collections::BTreeSet<_>>() {
        insert_notification(
            db,
            &Notification {
                id: Uuid::new_v4(),
                party: party.clone(),
                at,
                event,
                subject: "contract".into(),
                subject_id: contract.unwrap_or(Uuid::nil()),
                reference: grn.to_string(),
                link: contract.map_or_else(String::new, |id| {
                    cats_app::notify::events::link("contract", id)
                }),
                message_id: None,
                text: text.clone(),
                status: format!("usage_{pct}"),
            },
        )
        .await?;
    }
    Ok(())
}

/// The claim of a reservation turned into a claim at recovery: the claim row, its history entry
/// and a notification to the insurer and to the holder, in the recovery's transaction.
async fn raise_claim(
    db: &mut Db<'_>,
    grn: &Grn,
    movement_id: Uuid,
    mrn: Option<&Mrn>,
    amount: i64,
    at: DateTime<Utc>,
    actor: &str,
) -> Result<(), StoreError> {
    let g = guarantee(db, grn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("guarantee {grn}")))?;
    let claim = cats_domain::registry::Claim {
        id: Uuid::new_v4(),
        version: 1,
        grn: grn.clone(),
        movement_id,
        mrn: mrn.cloned(),
        insurer: g.insurer.clone(),
        holder: g.holder.clone(),
        amount: Money::from_minor_units(amount, g.currency())
            .map_err(|e| StoreError::backend("a claim's amount", e))?,
        status: cats_domain::registry::ClaimStatus::Raised,
        raised_at: at,
        answer: None,
        answered_at: None,
        closed_at: None,
    };
    write_claim(
        db,
        &Versioned {
            record: claim.clone(),
            expected: None,
        },
    )
    .await?;
    let text = claim_raised_text(grn, mrn, &claim.amount);
    insert_event(
        db,
        &HistoryEvent {
            subject: "claim".into(),
            subject_id: claim.id,
            at,
            actor: actor.to_string(),
            action: "raise".into(),
            status: "raised".into(),
            detail: text.clone(),
        },
    )
    .await?;
    for party in [&claim.insurer, &claim.holder] {
        insert_notification(
            db,
            &Notification {
                id: Uuid::new_v4(),
                party: party.clone(),
                at,
                event: EventType::ClaimStatus,
                subject: "claim".into(),
                subject_id: claim.id,
                reference: grn.to_string(),
                link: cats_app::notify::events::link("claim", claim.id),
                message_id: None,
                text: text.clone(),
                status: "raised".into(),
            },
        )
        .await?;
    }
    Ok(())
}
