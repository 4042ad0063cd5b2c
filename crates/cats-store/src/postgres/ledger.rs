//! Guarantees and the ledger. A reservation is one conditional `UPDATE`: under READ COMMITTED a
//! concurrent writer of the same guarantee makes it wait, and PostgreSQL then re-checks the
//! condition on the row as that writer left it, so the available amount never goes below zero
//! across any number of processes (the CHECK constraint is the last guard). Each reservation is
//! closed (credited or claimed) exactly once because only `reserved` rows are closed.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use cats_app::store::{LedgerOp, Reservation, StoreError};
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
               valid_to, countries, status, access_code_hash, running_total_minor)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
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
        q = q.bind(total);
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

/// Apply one ledger operation inside the movement's transaction.
pub(super) async fn apply(
    conn: &mut PgConnection,
    op: &LedgerOp,
    movement_id: Uuid,
    mrn: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    match op {
        LedgerOp::Reserve { grn, amount_minor } => {
            let done = sqlx::query(
                "UPDATE guarantees SET running_total_minor = running_total_minor + $1
                 WHERE grn = $2 AND running_total_minor + $1 <= reference_minor",
            )
            .bind(amount_minor)
            .bind(grn)
            .execute(&mut *conn)
            .await
            .map_err(pg)?;
            if done.rows_affected() == 0 {
                let row = sqlx::query(
                    "SELECT reference_minor - running_total_minor FROM guarantees WHERE grn = $1",
                )
                .bind(grn)
                .fetch_optional(&mut *conn)
                .await
                .map_err(pg)?;
                return match row {
                    None => Err(StoreError::NotFound(format!("guarantee {grn}"))),
                    Some(r) => Err(StoreError::Insufficient {
                        grn: grn.clone(),
                        requested_minor: *amount_minor,
                        available_minor: r.get(0),
                    }),
                };
            }
            sqlx::query(
                "INSERT INTO reservations (grn, movement_id, mrn, amount_minor, status, reserved_at)
                 VALUES ($1, $2, $3, $4, 'reserved', $5)",
            )
            .bind(grn)
            .bind(movement_id)
            .bind(mrn)
            .bind(amount_minor)
            .bind(micros(at))
            .execute(&mut *conn)
            .await
            .map_err(pg)?;
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
            if frees_amount {
                let mut freed: Vec<(String, i64)> =
                    closed.iter().map(|r| (r.get(0), r.get(1))).collect();
                // Guarantees in one order in every transaction: no deadlock between two credits.
                freed.sort();
                for (grn, amount) in freed {
                    sqlx::query(
                        "UPDATE guarantees SET running_total_minor = running_total_minor - $1
                         WHERE grn = $2",
                    )
                    .bind(amount)
                    .bind(grn)
                    .execute(&mut *conn)
                    .await
                    .map_err(pg)?;
                }
            }
        }
    }
    Ok(())
}
