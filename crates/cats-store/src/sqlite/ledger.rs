//! Guarantees and the ledger: reservations are made with a conditional update, so the available
//! amount can never go below zero whatever the concurrency; each reservation is closed
//! (credited or claimed) exactly once because only `reserved` rows are closed.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Row, Sqlite, Transaction};
use uuid::Uuid;

use cats_app::store::{LedgerOp, Reservation, StoreError};
use cats_domain::ledger::{from_minor, Guarantee, GuaranteeStatus, ReservationStatus};

use super::{backend, SqliteStore};
use crate::{parse_ts, ts};

fn date(s: &str) -> Result<NaiveDate, StoreError> {
    s.parse().map_err(backend)
}

impl SqliteStore {
    pub(super) async fn save_guarantee_impl(&self, g: &Guarantee) -> Result<(), StoreError> {
        let _w = self.write.lock().await;
        sqlx::query(
            "INSERT INTO guarantees (grn, holder, insurer, reference_minor, currency, valid_from,
               valid_to, countries, status, access_code_hash, running_total_minor)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
             ON CONFLICT(grn) DO UPDATE SET holder = excluded.holder, insurer = excluded.insurer,
               reference_minor = excluded.reference_minor, currency = excluded.currency,
               valid_from = excluded.valid_from, valid_to = excluded.valid_to,
               countries = excluded.countries, status = excluded.status,
               access_code_hash = excluded.access_code_hash",
        )
        .bind(&g.grn)
        .bind(&g.holder)
        .bind(&g.insurer)
        .bind(g.reference_minor())
        .bind(&g.currency)
        .bind(g.valid_from.to_string())
        .bind(g.valid_to.to_string())
        .bind(g.countries.join(" "))
        .bind(g.status.as_str())
        .bind(&g.access_code_hash)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    pub(super) async fn guarantee_impl(&self, grn: &str) -> Result<Option<Guarantee>, StoreError> {
        let Some(r) = sqlx::query("SELECT * FROM guarantees WHERE grn = ?")
            .bind(grn)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let status: String = r.get("status");
        let countries: String = r.get("countries");
        Ok(Some(Guarantee {
            grn: r.get("grn"),
            holder: r.get("holder"),
            insurer: r.get("insurer"),
            reference_amount: from_minor(r.get("reference_minor")),
            currency: r.get("currency"),
            valid_from: date(r.get("valid_from"))?,
            valid_to: date(r.get("valid_to"))?,
            countries: countries.split_whitespace().map(str::to_string).collect(),
            status: GuaranteeStatus::parse(&status)
                .ok_or_else(|| backend(format!("unknown guarantee status {status}")))?,
            access_code_hash: r.get("access_code_hash"),
            running_total_minor: r.get("running_total_minor"),
        }))
    }

    pub(super) async fn reservations_impl(
        &self,
        grn: &str,
    ) -> Result<Vec<Reservation>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM reservations WHERE grn = ? ORDER BY reserved_at, movement_id",
        )
        .bind(grn)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|r| {
                let status: String = r.get("status");
                let closed: Option<String> = r.get("closed_at");
                Ok(Reservation {
                    grn: r.get("grn"),
                    movement_id: Uuid::parse_str(r.get("movement_id")).map_err(backend)?,
                    mrn: r.get("mrn"),
                    amount_minor: r.get("amount_minor"),
                    status: match status.as_str() {
                        "reserved" => ReservationStatus::Reserved,
                        "credited" => ReservationStatus::Credited,
                        "claimed" => ReservationStatus::Claimed,
                        other => {
                            return Err(backend(format!("unknown reservation status {other}")))
                        }
                    },
                    reserved_at: parse_ts(r.get("reserved_at"))?,
                    closed_at: closed.as_deref().map(parse_ts).transpose()?,
                })
            })
            .collect()
    }
}

/// Apply one ledger operation inside the movement's transaction.
pub(super) async fn apply(
    tx: &mut Transaction<'_, Sqlite>,
    op: &LedgerOp,
    movement_id: Uuid,
    mrn: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let id = movement_id.to_string();
    match op {
        LedgerOp::Reserve { grn, amount_minor } => {
            let done = sqlx::query(
                "UPDATE guarantees SET running_total_minor = running_total_minor + ?1
                 WHERE grn = ?2 AND running_total_minor + ?1 <= reference_minor",
            )
            .bind(amount_minor)
            .bind(grn)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
            if done.rows_affected() == 0 {
                let row = sqlx::query(
                    "SELECT reference_minor - running_total_minor FROM guarantees WHERE grn = ?",
                )
                .bind(grn)
                .fetch_optional(&mut **tx)
                .await
                .map_err(backend)?;
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
                 VALUES (?, ?, ?, ?, 'reserved', ?)",
            )
            .bind(grn)
            .bind(&id)
            .bind(mrn)
            .bind(amount_minor)
            .bind(ts(at))
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
        }
        LedgerOp::Credit | LedgerOp::Claim => {
            // A credit frees the amount; a claim keeps it locked as a liability until the insurer pays.
            let (status, frees_amount) = match op {
                LedgerOp::Credit => ("credited", true),
                _ => ("claimed", false),
            };
            let open = sqlx::query(
                "UPDATE reservations SET status = ?, closed_at = ?
                 WHERE movement_id = ? AND status = 'reserved' RETURNING grn, amount_minor",
            )
            .bind(status)
            .bind(ts(at))
            .bind(&id)
            .fetch_all(&mut **tx)
            .await
            .map_err(backend)?;
            if frees_amount {
                for r in open {
                    let grn: String = r.get(0);
                    let amount: i64 = r.get(1);
                    sqlx::query("UPDATE guarantees SET running_total_minor = running_total_minor - ? WHERE grn = ?")
                        .bind(amount)
                        .bind(grn)
                        .execute(&mut **tx)
                        .await
                        .map_err(backend)?;
                }
            }
        }
    }
    Ok(())
}
