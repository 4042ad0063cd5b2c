//! Guarantees and the ledger: reservations are made with a conditional update, so the available
//! amount can never go below zero whatever the concurrency; each reservation is closed
//! (credited or claimed) exactly once because only `reserved` rows are closed.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Row, Sqlite, Transaction};
use uuid::Uuid;

use cats_app::store::{
    claim_raised_text, HistoryEvent, LedgerOp, Notification, Reservation, ReserveBasis, StoreError,
};
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
            liability_end: r
                .get::<Option<String>, _>("liability_end")
                .as_deref()
                .map(parse_ts)
                .transpose()?,
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
                    basis: basis_from_row(r)?,
                })
            })
            .collect()
    }
}

pub(super) fn basis_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<ReserveBasis, StoreError> {
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
    c: &mut sqlx::SqliteConnection,
    r: &Reservation,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO reservations (grn, movement_id, mrn, amount_minor, status, reserved_at,
           closed_at, declared_minor, declared_currency, rate, aeo_share)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&r.grn)
    .bind(r.movement_id.to_string())
    .bind(&r.mrn)
    .bind(r.amount_minor)
    .bind(r.status.as_str())
    .bind(ts(r.reserved_at))
    .bind(r.closed_at.map(ts))
    .bind(r.basis.declared_minor)
    .bind(&r.basis.declared_currency)
    .bind(r.basis.rate.map(|d| d.to_string()))
    .bind(r.basis.aeo_share.map(|d| d.to_string()))
    .execute(c)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Why a reservation on `grn` on `day` was refused: not usable (CATS018), not found, or not
/// enough available.
async fn refusal(
    c: &mut sqlx::SqliteConnection,
    grn: &str,
    requested_minor: i64,
    day: NaiveDate,
) -> StoreError {
    let row = match sqlx::query("SELECT * FROM guarantees WHERE grn = ?")
        .bind(grn)
        .fetch_optional(&mut *c)
        .await
    {
        Ok(row) => row,
        Err(e) => return backend(e),
    };
    let Some(r) = row else {
        return StoreError::NotFound(format!("guarantee {grn}"));
    };
    let status: String = r.get("status");
    let (from, to) = (
        date(r.get("valid_from")).unwrap_or(day),
        date(r.get("valid_to")).unwrap_or(day),
    );
    crate::refusal(grn, &status, from, to, day).unwrap_or_else(|| StoreError::Insufficient {
        grn: grn.to_string(),
        requested_minor,
        available_minor: r.get::<i64, _>("reference_minor")
            - r.get::<i64, _>("running_total_minor"),
    })
}

/// Apply one ledger operation inside the movement's transaction; `actor` is who acts (for the
/// history of claims raised).
pub(super) async fn apply(
    tx: &mut Transaction<'_, Sqlite>,
    op: &LedgerOp,
    movement_id: Uuid,
    mrn: Option<&str>,
    at: DateTime<Utc>,
    actor: &str,
) -> Result<(), StoreError> {
    let id = movement_id.to_string();
    match op {
        LedgerOp::Reserve {
            grn,
            amount_minor,
            basis,
        } => {
            let day = at.date_naive().to_string();
            let done = sqlx::query(
                "UPDATE guarantees SET running_total_minor = running_total_minor + ?1
                 WHERE grn = ?2 AND running_total_minor + ?1 <= reference_minor
                   AND status = 'active' AND valid_from <= ?3 AND valid_to >= ?3",
            )
            .bind(amount_minor)
            .bind(grn)
            .bind(&day)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
            if done.rows_affected() == 0 {
                return Err(refusal(tx, grn, *amount_minor, at.date_naive()).await);
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
            insert_reservation(tx, &r).await?;
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
            for r in open {
                let grn: String = r.get(0);
                let amount: i64 = r.get(1);
                if frees_amount {
                    super::registry::close_amount(tx, &grn, amount, at).await?;
                } else {
                    raise_claim(tx, &grn, movement_id, mrn, amount, at, actor).await?;
                }
            }
        }
    }
    Ok(())
}

/// The claim of a reservation turned into a claim at recovery: the claim row, its history entry
/// and a notification to the insurer and to the holder, in the recovery's transaction.
async fn raise_claim(
    c: &mut sqlx::SqliteConnection,
    grn: &str,
    movement_id: Uuid,
    mrn: Option<&str>,
    amount: i64,
    at: DateTime<Utc>,
    actor: &str,
) -> Result<(), StoreError> {
    let g = sqlx::query("SELECT insurer, holder, currency FROM guarantees WHERE grn = ?")
        .bind(grn)
        .fetch_one(&mut *c)
        .await
        .map_err(backend)?;
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
    let versioned = cats_app::store::Versioned {
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
