//! Registers (issue 5): the writes of one [`RegistryChange`], in one transaction (rows are read
//! in `registry_read`).

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteConnection;

use cats_app::store::{
    GuaranteeOp, HistoryEvent, Notification, RateRecord, RegistryChange, StoreError,
    StoredAttachment, Versioned,
};
use cats_domain::registry::{Claim, Contract, Registration};

use super::{backend, SqliteStore};
use crate::ts;

/// `Ok` when exactly one row changed; `Conflict` otherwise (the versioned record moved on).
fn one(done: sqlx::sqlite::SqliteQueryResult) -> Result<(), StoreError> {
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

/// A unique violation (a second live registration) is a conflict; anything else a failure.
fn write_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
        _ => backend(e),
    }
}

pub(super) async fn write_registration(
    c: &mut SqliteConnection,
    v: &Versioned<Registration>,
) -> Result<(), StoreError> {
    let r = &v.record;
    let sql = match v.expected {
        None => {
            "INSERT INTO registrations (party, register, name, address, country, contact,
                   status, valid_from, valid_to, reason, decided_by, submitted_at, updated_at,
                   version, id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
        }
        Some(_) => {
            "UPDATE registrations SET party = ?1, register = ?2, name = ?3, address = ?4,
                   country = ?5, contact = ?6, status = ?7, valid_from = ?8, valid_to = ?9,
                   reason = ?10, decided_by = ?11, submitted_at = ?12, updated_at = ?13,
                   version = ?14
                 WHERE id = ?15 AND version = ?16"
        }
    };
    let mut q = sqlx::query(sql)
        .bind(&r.party)
        .bind(r.register.as_str())
        .bind(&r.name)
        .bind(&r.address)
        .bind(&r.country)
        .bind(serde_json::to_string(&r.contact).map_err(backend)?)
        .bind(r.status.as_str())
        .bind(r.valid_from.map(|d| d.to_string()))
        .bind(r.valid_to.map(|d| d.to_string()))
        .bind(&r.reason)
        .bind(&r.decided_by)
        .bind(ts(r.submitted_at))
        .bind(ts(r.updated_at))
        .bind(r.version)
        .bind(r.id.to_string());
    if let Some(expected) = v.expected {
        q = q.bind(expected);
    }
    one(q.execute(&mut *c).await.map_err(write_err)?)
}

pub(super) async fn insert_attachment(
    c: &mut SqliteConnection,
    a: &StoredAttachment,
) -> Result<(), StoreError> {
    let m = &a.meta;
    sqlx::query(
        "INSERT INTO attachments (id, registration_id, filename, content_type, size, sha256, data,
           uploaded_at, uploaded_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(m.id.to_string())
    .bind(m.registration_id.to_string())
    .bind(&m.filename)
    .bind(&m.content_type)
    .bind(m.size)
    .bind(&m.sha256)
    .bind(&a.data)
    .bind(ts(m.uploaded_at))
    .bind(&m.uploaded_by)
    .execute(c)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(super) async fn write_contract(
    c: &mut SqliteConnection,
    v: &Versioned<Contract>,
) -> Result<(), StoreError> {
    let k = &v.record;
    let sql = match v.expected {
        None => {
            "INSERT INTO contracts (grn, policy_number, insurer, holder, reference_minor,
                   currency, valid_from, valid_to, countries, indemnity, status, reason, office,
                   decided_by, submitted_at, updated_at, version, id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                   ?17, ?18)"
        }
        Some(_) => {
            "UPDATE contracts SET grn = ?1, policy_number = ?2, insurer = ?3, holder = ?4,
                   reference_minor = ?5, currency = ?6, valid_from = ?7, valid_to = ?8,
                   countries = ?9, indemnity = ?10, status = ?11, reason = ?12, office = ?13,
                   decided_by = ?14, submitted_at = ?15, updated_at = ?16, version = ?17
                 WHERE id = ?18 AND version = ?19"
        }
    };
    let mut q = sqlx::query(sql)
        .bind(&k.grn)
        .bind(&k.policy_number)
        .bind(&k.insurer)
        .bind(&k.holder)
        .bind(cats_domain::ledger::to_minor(k.reference_amount))
        .bind(&k.currency)
        .bind(k.valid_from.to_string())
        .bind(k.valid_to.to_string())
        .bind(k.countries.join(" "))
        .bind(&k.indemnity)
        .bind(k.status.as_str())
        .bind(&k.reason)
        .bind(&k.office)
        .bind(&k.decided_by)
        .bind(ts(k.submitted_at))
        .bind(ts(k.updated_at))
        .bind(k.version)
        .bind(k.id.to_string());
    if let Some(expected) = v.expected {
        q = q.bind(expected);
    }
    one(q.execute(&mut *c).await.map_err(write_err)?)
}

pub(super) async fn write_claim(
    c: &mut SqliteConnection,
    v: &Versioned<Claim>,
) -> Result<(), StoreError> {
    let k = &v.record;
    let sql = match v.expected {
        None => {
            "INSERT INTO claims (grn, movement_id, mrn, insurer, holder, amount_minor,
                   currency, status, raised_at, answer, answered_at, closed_at, version, id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
        }
        Some(_) => {
            "UPDATE claims SET grn = ?1, movement_id = ?2, mrn = ?3, insurer = ?4,
                   holder = ?5, amount_minor = ?6, currency = ?7, status = ?8, raised_at = ?9,
                   answer = ?10, answered_at = ?11, closed_at = ?12, version = ?13
                 WHERE id = ?14 AND version = ?15"
        }
    };
    let mut q = sqlx::query(sql)
        .bind(&k.grn)
        .bind(k.movement_id.to_string())
        .bind(&k.mrn)
        .bind(&k.insurer)
        .bind(&k.holder)
        .bind(k.amount_minor)
        .bind(&k.currency)
        .bind(k.status.as_str())
        .bind(ts(k.raised_at))
        .bind(&k.answer)
        .bind(k.answered_at.map(ts))
        .bind(k.closed_at.map(ts))
        .bind(k.version)
        .bind(k.id.to_string());
    if let Some(expected) = v.expected {
        q = q.bind(expected);
    }
    one(q.execute(&mut *c).await.map_err(backend)?)
}

pub(super) async fn write_rate(c: &mut SqliteConnection, r: &RateRecord) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO exchange_rates (currency_from, currency_to, valid_from, valid_to, rate,
           set_by, set_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (currency_from, currency_to, valid_from) DO UPDATE SET
           valid_to = excluded.valid_to, rate = excluded.rate, set_by = excluded.set_by,
           set_at = excluded.set_at",
    )
    .bind(&r.rate.from)
    .bind(&r.rate.to)
    .bind(r.rate.valid_from.to_string())
    .bind(r.rate.valid_to.to_string())
    .bind(r.rate.rate.to_string())
    .bind(&r.set_by)
    .bind(ts(r.set_at))
    .execute(c)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(super) async fn insert_event(
    c: &mut SqliteConnection,
    e: &HistoryEvent,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO history (subject, subject_id, at, actor, action, status, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&e.subject)
    .bind(e.subject_id.to_string())
    .bind(ts(e.at))
    .bind(&e.actor)
    .bind(&e.action)
    .bind(&e.status)
    .bind(&e.detail)
    .execute(c)
    .await
    .map_err(backend)?;
    Ok(())
}

pub(super) async fn insert_notification(
    c: &mut SqliteConnection,
    n: &Notification,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO notifications (id, party, at, subject, subject_id, text)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(n.id.to_string())
    .bind(&n.party)
    .bind(ts(n.at))
    .bind(&n.subject)
    .bind(n.subject_id.to_string())
    .bind(&n.text)
    .execute(c)
    .await
    .map_err(backend)?;
    Ok(())
}

async fn guarantee_op(c: &mut SqliteConnection, op: &GuaranteeOp) -> Result<(), StoreError> {
    match op {
        GuaranteeOp::Create(g) => {
            sqlx::query(
                "INSERT INTO guarantees (grn, holder, insurer, reference_minor, currency,
                   valid_from, valid_to, countries, status, access_code_hash, running_total_minor)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
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
            .execute(c)
            .await
            .map_err(write_err)?;
        }
        GuaranteeOp::Status { grn, status, at } => {
            let done = sqlx::query(
                "UPDATE guarantees SET status = ?2,
                   liability_end = CASE WHEN liability_end IS NULL AND running_total_minor = 0
                     AND ?2 IN ('revoked', 'expired') THEN ?3 ELSE liability_end END
                 WHERE grn = ?1",
            )
            .bind(grn)
            .bind(status.as_str())
            .bind(ts(*at))
            .execute(c)
            .await
            .map_err(backend)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!("guarantee {grn}")));
            }
        }
        GuaranteeOp::Cancel { grn, at } => {
            let done = sqlx::query(
                "UPDATE guarantees SET status = 'revoked',
                   liability_end = COALESCE(liability_end, ?)
                 WHERE grn = ? AND running_total_minor = 0",
            )
            .bind(ts(*at))
            .bind(grn)
            .execute(&mut *c)
            .await
            .map_err(backend)?;
            if done.rows_affected() == 0 {
                let open: Option<i64> =
                    sqlx::query_scalar("SELECT running_total_minor FROM guarantees WHERE grn = ?")
                        .bind(grn)
                        .fetch_optional(&mut *c)
                        .await
                        .map_err(backend)?;
                return Err(match open {
                    Some(open_minor) => StoreError::OpenLiabilities {
                        grn: grn.clone(),
                        open_minor,
                    },
                    None => StoreError::NotFound(format!("guarantee {grn}")),
                });
            }
        }
        GuaranteeOp::AccessCode { grn, hash, status } => {
            sqlx::query(
                "UPDATE guarantees SET access_code_hash = ?, status = COALESCE(?, status)
                 WHERE grn = ?",
            )
            .bind(hash)
            .bind(status.map(|s| s.as_str()))
            .bind(grn)
            .execute(c)
            .await
            .map_err(backend)?;
        }
        GuaranteeOp::CloseClaim {
            grn,
            amount_minor,
            at,
        } => {
            close_amount(c, grn, *amount_minor, *at).await?;
        }
    }
    Ok(())
}

/// Take `amount` out of a guarantee's running total (a credit, a paid or waived claim), and
/// record the liability end of an ended guarantee whose running total falls to 0.
pub(super) async fn close_amount(
    c: &mut SqliteConnection,
    grn: &str,
    amount: i64,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE guarantees SET running_total_minor = running_total_minor - ?1,
           liability_end = CASE WHEN liability_end IS NULL AND running_total_minor - ?1 = 0
             AND status IN ('revoked', 'expired') THEN ?2 ELSE liability_end END
         WHERE grn = ?3",
    )
    .bind(amount)
    .bind(ts(at))
    .bind(grn)
    .execute(c)
    .await
    .map_err(backend)?;
    Ok(())
}

impl SqliteStore {
    pub(super) async fn commit_registry_impl(&self, c: RegistryChange) -> Result<(), StoreError> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await.map_err(backend)?;
        if let Some(p) = &c.party {
            super::parties::upsert_party(&mut tx, p).await?;
        }
        if let Some(u) = &c.user {
            super::parties::upsert_user(&mut tx, u).await?;
        }
        if let Some(r) = &c.registration {
            write_registration(&mut tx, r).await?;
        }
        if let Some(a) = &c.attachment {
            insert_attachment(&mut tx, a).await?;
        }
        if let Some(k) = &c.contract {
            write_contract(&mut tx, k).await?;
        }
        // The claim before the guarantee: a stale claim is a conflict before any amount moves.
        if let Some(k) = &c.claim {
            write_claim(&mut tx, k).await?;
        }
        if let Some(op) = &c.guarantee {
            guarantee_op(&mut tx, op).await?;
        }
        if let Some(r) = &c.rate {
            write_rate(&mut tx, r).await?;
        }
        for e in &c.events {
            insert_event(&mut tx, e).await?;
        }
        for n in &c.notifications {
            insert_notification(&mut tx, n).await?;
        }
        for a in &c.audit {
            super::movements::insert_audit(&mut tx, a).await?;
        }
        tx.commit().await.map_err(backend)
    }
}
