//! Guarantees and the ledger. A reservation is one conditional `UPDATE`: under READ COMMITTED a
//! concurrent writer of the same guarantee makes it wait, and PostgreSQL then re-checks the
//! condition on the row as that writer left it, so the available amount never goes below zero
//! across any number of processes (the CHECK constraint is the last guard). Each reservation is
//! closed (credited or claimed) exactly once because only `reserved` rows are closed.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use cats_app::store::{
    claim_raised_text, HistoryEvent, LedgerOp, Notification, Reservation, ReserveBasis, StoreError,
    Versioned,
};
use cats_domain::ledger::{from_minor, Guarantee, GuaranteeStatus, ReservationStatus};

use super::{backend, micros, pg, PgStore};

pub(super) fn guarantee_from_row(r: &PgRow) -> Result<Guarantee, StoreError> {
    let status: String = r.get("status");
    let countries: String = r.get("countries");
    Ok(Guarantee {
        grn: r.get("grn"),
        holder: r.get("holder"),
        insurer: r.get("insurer"),
        reference_amount: from_minor(r.get("reference_minor")),
        currency: r.get("currency"),
        valid_from: r.get("valid_from"),
        valid_to: r.get("valid_to"),
        countries: countries.split_whitespace().map(str::to_string).collect(),
        status: GuaranteeStatus::parse(&status)
            .ok_or_else(|| backend(format!("unknown guarantee status {status}")))?,
        access_code_hash: r.get("access_code_hash"),
        running_total_minor: r.get("running_total_minor"),
        liability_end: r.get("liability_end"),
    })
}

pub(super) fn reservation_from_row(r: &PgRow) -> Result<Reservation, StoreError> {
    let status: String = r.get("status");
    Ok(Reservation {
        grn: r.get("grn"),
        movement_id: r.get("movement_id"),
        mrn: r.get("mrn"),
        amount_minor: r.get("amount_minor"),
        status: match status.as_str() {
            "reserved" => ReservationStatus::Reserved,
            "credited" => ReservationStatus::Credited,
            "claimed" => ReservationStatus::Claimed,
            other => return Err(backend(format!("unknown reservation status {other}"))),
        },
        reserved_at: r.get("reserved_at"),
        closed_at: r.get("closed_at"),
        basis: basis_from_row(r)?,
    })
}

fn basis_from_row(r: &PgRow) -> Result<ReserveBasis, StoreError> {
    let decimal = |col: &str| -> Result<_, StoreError> {
        r.get::<Option<String>, _>(col)
            .map(|s| s.parse().map_err(backend))
            .transpose()
    };
    Ok(ReserveBasis {
        declared_minor: r.get("declared_minor"),
        declared_currency: r.get("declared_currency"),
        rate: decimal("rate")?,
        aeo_share: decimal("aeo_share")?,
    })
}

/// Insert a reservation row with its basis.
pub(super) async fn insert_reservation(
    c: &mut PgConnection,
    r: &Reservation,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO reservations (grn, movement_id, mrn, amount_minor, status, reserved_at,
           closed_at, declared_minor, declared_currency, rate, aeo_share)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&r.grn)
    .bind(r.movement_id)
    .bind(&r.mrn)
    .bind(r.amount_minor)
    .bind(r.status.as_str())
    .bind(micros(r.reserved_at))
    .bind(r.closed_at.map(micros))
    .bind(r.basis.declared_minor)
    .bind(&r.basis.declared_currency)
    .bind(r.basis.rate.map(|d| d.to_string()))
    .bind(r.basis.aeo_share.map(|d| d.to_string()))
    .execute(c)
    .await
    .map_err(pg)?;
    Ok(())
}

/// Why a reservation on `grn` on `day` was refused: not usable (CATS018), not found, or not
/// enough available.
async fn refusal(
    c: &mut PgConnection,
    grn: &str,
    requested_minor: i64,
    day: chrono::NaiveDate,
) -> StoreError {
    let row = match sqlx::query("SELECT * FROM guarantees WHERE grn = $1")
        .bind(grn)
        .fetch_optional(&mut *c)
        .await
    {
        Ok(row) => row,
        Err(e) => return pg(e),
    };
    let Some(r) = row else {
        return StoreError::NotFound(format!("guarantee {grn}"));
    };
    let status: String = r.get("status");
    crate::refusal(grn, &status, r.get("valid_from"), r.get("valid_to"), day).unwrap_or_else(|| {
        StoreError::Insufficient {
            grn: grn.to_string(),
            requested_minor,
            available_minor: r.get::<i64, _>("reference_minor")
                - r.get::<i64, _>("running_total_minor"),
        }
    })
}

/// Insert a guarantee with its running total (restore), or upsert one keeping the stored running
/// total (`running_total = None`, [`cats_app::store::Store::save_guarantee`]).
pub(super) async fn write_guarantee(
    conn: &mut PgConnection,
    g: &Guarantee,
    running_total: Option<i64>,
) -> Result<(), StoreError> {
    let sql = match running_total {
        Some(_) => {
            "INSERT INTO guarantees (grn, holder, insurer, reference_minor, currency, valid_from,
               valid_to, countries, status, access_code_hash, running_total_minor, liability_end)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        }
        None => {
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
    let mut q = sqlx::query(sql)
        .bind(&g.grn)
        .bind(&g.holder)
        .bind(&g.insurer)
        .bind(g.reference_minor())
        .bind(&g.currency)
        .bind(g.valid_from)
        .bind(g.valid_to)
        .bind(g.countries.join(" "))
        .bind(g.status.as_str())
        .bind(&g.access_code_hash);
    if let Some(total) = running_total {
        q = q.bind(total).bind(g.liability_end.map(micros));
    }
    q.execute(conn).await.map_err(pg)?;
    Ok(())
}

impl PgStore {
    pub(super) async fn save_guarantee_impl(&self, g: &Guarantee) -> Result<(), StoreError> {
        let mut c = self.pool.acquire().await.map_err(pg)?;
        write_guarantee(&mut c, g, None).await
    }

    pub(super) async fn guarantee_impl(&self, grn: &str) -> Result<Option<Guarantee>, StoreError> {
        sqlx::query("SELECT * FROM guarantees WHERE grn = $1")
            .bind(grn)
            .fetch_optional(&self.pool)
            .await
            .map_err(pg)?
            .as_ref()
            .map(guarantee_from_row)
            .transpose()
    }

    pub(super) async fn reservations_impl(
        &self,
        grn: &str,
    ) -> Result<Vec<Reservation>, StoreError> {
        sqlx::query("SELECT * FROM reservations WHERE grn = $1 ORDER BY reserved_at, movement_id")
            .bind(grn)
            .fetch_all(&self.pool)
            .await
            .map_err(pg)?
            .iter()
            .map(reservation_from_row)
            .collect()
    }
}

/// Apply one ledger operation inside the movement's transaction; `actor` is who acts (for the
/// history of claims raised).
pub(super) async fn apply(
    conn: &mut PgConnection,
    op: &LedgerOp,
    movement_id: Uuid,
    mrn: Option<&str>,
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
            let done = sqlx::query(
                "UPDATE guarantees SET running_total_minor = running_total_minor + $1
                 WHERE grn = $2 AND running_total_minor + $1 <= reference_minor
                   AND status = 'active' AND valid_from <= $3 AND valid_to >= $3",
            )
            .bind(amount_minor)
            .bind(grn)
            .bind(day)
            .execute(&mut *conn)
            .await
            .map_err(pg)?;
            if done.rows_affected() == 0 {
                return Err(refusal(conn, grn, *amount_minor, day).await);
            }
            let r = Reservation {
                grn: grn.clone(),
                movement_id,
                mrn: mrn.map(str::to_string),
                amount_minor: *amount_minor,
                status: ReservationStatus::Reserved,
                reserved_at: at,
                closed_at: None,
                basis: basis.clone(),
            };
            insert_reservation(conn, &r).await?;
        }
        LedgerOp::Credit | LedgerOp::Claim => {
            // A credit frees the amount; a claim keeps it locked as a liability until the insurer pays.
            let (status, frees_amount) = match op {
                LedgerOp::Credit => ("credited", true),
                _ => ("claimed", false),
            };
            let closed = sqlx::query(
                "UPDATE reservations SET status = $1, closed_at = $2
                 WHERE movement_id = $3 AND status = 'reserved' RETURNING grn, amount_minor",
            )
            .bind(status)
            .bind(micros(at))
            .bind(movement_id)
            .fetch_all(&mut *conn)
            .await
            .map_err(pg)?;
            let mut closed: Vec<(String, i64)> =
                closed.iter().map(|r| (r.get(0), r.get(1))).collect();
            // Guarantees in one order in every transaction: no deadlock between two credits.
            closed.sort();
            for (grn, amount) in closed {
                if frees_amount {
                    super::registry::close_amount(conn, &grn, amount, at).await?;
                } else {
                    raise_claim(conn, &grn, movement_id, mrn, amount, at, actor).await?;
                }
            }
        }
    }
    Ok(())
}

/// The claim of a reservation turned into a claim at recovery: the claim row, its history entry
/// and a notification to the insurer and to the holder, in the recovery's transaction.
async fn raise_claim(
    c: &mut PgConnection,
    grn: &str,
    movement_id: Uuid,
    mrn: Option<&str>,
    amount: i64,
    at: DateTime<Utc>,
    actor: &str,
) -> Result<(), StoreError> {
    let g = sqlx::query("SELECT insurer, holder, currency FROM guarantees WHERE grn = $1")
        .bind(grn)
        .fetch_one(&mut *c)
        .await
        .map_err(pg)?;
    let claim = cats_domain::registry::Claim {
        id: Uuid::new_v4(),
        version: 1,
        grn: grn.to_string(),
        movement_id,
        mrn: mrn.map(str::to_string),
        insurer: g.get(0),
        holder: g.get(1),
        amount_minor: amount,
        currency: g.get(2),
        status: cats_domain::registry::ClaimStatus::Raised,
        raised_at: at,
        answer: None,
        answered_at: None,
        closed_at: None,
    };
    let versioned = Versioned {
        record: claim.clone(),
        expected: None,
    };
    super::registry::write_claim(c, &versioned).await?;
    let text = claim_raised_text(grn, mrn, amount, &claim.currency);
    super::registry::insert_event(
        c,
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
        super::registry::insert_notification(
            c,
            &Notification {
                id: Uuid::new_v4(),
                party: party.clone(),
                at,
                subject: "claim".into(),
                subject_id: claim.id,
                text: text.clone(),
            },
        )
        .await?;
    }
    Ok(())
}
