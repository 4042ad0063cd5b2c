//! Registers (issue 5): the writes of one [`RegistryChange`], in one transaction (rows are read
//! in `registry_read`).
//! The same statements as the SQLite store, with native types.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgQueryResult;
use sqlx::PgConnection;

use cats_app::store::{
    GuaranteeOp, HistoryEvent, Notification, RateRecord, RegistryChange, StoreError,
    StoredAttachment, Versioned,
};
use cats_domain::ledger::to_minor;
use cats_domain::registry::{Claim, Contract, Registration};

use super::{backend, micros, pg, PgStore};

/// `Ok` when exactly one row changed; `Conflict` otherwise (the versioned record moved on).
fn one(done: PgQueryResult) -> Result<(), StoreError> {
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

/// A unique violation (a second live registration) is a conflict; anything else as [`pg`].
fn write_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
        _ => pg(e),
    }
}

pub(super) async fn write_registration(
    c: &mut PgConnection,
    v: &Versioned<Registration>,
) -> Result<(), StoreError> {
    let r = &v.record;
    let sql = match v.expected {
        None => {
            "INSERT INTO registrations (party, register, name, address, country, contact,
                   status, valid_from, valid_to, reason, decided_by, submitted_at, updated_at,
                   version, id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        }
        Some(_) => {
            "UPDATE registrations SET party = $1, register = $2, name = $3, address = $4,
                   country = $5, contact = $6, status = $7, valid_from = $8, valid_to = $9,
                   reason = $10, decided_by = $11, submitted_at = $12, updated_at = $13,
                   version = $14
                 WHERE id = $15 AND version = $16"
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
        .bind(r.valid_from)
        .bind(r.valid_to)
        .bind(&r.reason)
        .bind(&r.decided_by)
        .bind(micros(r.submitted_at))
        .bind(micros(r.updated_at))
        .bind(r.version)
        .bind(r.id);
    if let Some(expected) = v.expected {
        q = q.bind(expected);
    }
    one(q.execute(&mut *c).await.map_err(write_err)?)
}

pub(super) async fn insert_attachment(
    c: &mut PgConnection,
    a: &StoredAttachment,
) -> Result<(), StoreError> {
    let m = &a.meta;
    sqlx::query(
        "INSERT INTO attachments (id, registration_id, filename, content_type, size, sha256, data,
           uploaded_at, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(m.id)
    .bind(m.registration_id)
    .bind(&m.filename)
    .bind(&m.content_type)
    .bind(m.size)
    .bind(&m.sha256)
    .bind(&a.data)
    .bind(micros(m.uploaded_at))
    .bind(&m.uploaded_by)
    .execute(c)
    .await
    .map_err(pg)?;
    Ok(())
}

pub(super) async fn write_contract(
    c: &mut PgConnection,
    v: &Versioned<Contract>,
) -> Result<(), StoreError> {
    let k = &v.record;
    let sql = match v.expected {
        None => {
            "INSERT INTO contracts (grn, policy_number, insurer, holder, reference_minor,
                   currency, valid_from, valid_to, countries, indemnity, status, reason, office,
                   decided_by, submitted_at, updated_at, version, id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                   $17, $18)"
        }
        Some(_) => {
            "UPDATE contracts SET grn = $1, policy_number = $2, insurer = $3, holder = $4,
                   reference_minor = $5, currency = $6, valid_from = $7, valid_to = $8,
                   countries = $9, indemnity = $10, status = $11, reason = $12, office = $13,
                   decided_by = $14, submitted_at = $15, updated_at = $16, version = $17
                 WHERE id = $18 AND version = $19"
        }
    };
    let mut q = sqlx::query(sql)
        .bind(&k.grn)
        .bind(&k.policy_number)
        .bind(&k.insurer)
        .bind(&k.holder)
        .bind(to_minor(k.reference_amount))
        .bind(&k.currency)
        .bind(k.valid_from)
        .bind(k.valid_to)
        .bind(k.countries.join(" "))
        .bind(&k.indemnity)
        .bind(k.status.as_str())
        .bind(&k.reason)
        .bind(&k.office)
        .bind(&k.decided_by)
        .bind(micros(k.submitted_at))
        .bind(micros(k.updated_at))
        .bind(k.version)
        .bind(k.id);
    if let Some(expected) = v.expected {
        q = q.bind(expected);
    }
    one(q.execute(&mut *c).await.map_err(write_err)?)
}

pub(super) async fn write_claim(
    c: &mut PgConnection,
    v: &Versioned<Claim>,
) -> Result<(), StoreError> {
    let k = &v.record;
    let sql = match v.expected {
        None => {
            "INSERT INTO claims (grn, movement_id, mrn, insurer, holder, amount_minor,
                   currency, status, raised_at, answer, answered_at, closed_at, version, id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        }
        Some(_) => {
            "UPDATE claims SET grn = $1, movement_id = $2, mrn = $3, insurer = $4,
                   holder = $5, amount_minor = $6, currency = $7, status = $8, raised_at = $9,
                   answer = $10, answered_at = $11, closed_at = $12, version = $13
                 WHERE id = $14 AND version = $15"
        }
    };
    let mut q = sqlx::query(sql)
        .bind(&k.grn)
        .bind(k.movement_id)
        .bind(&k.mrn)
        .bind(&k.insurer)
        .bind(&k.holder)
        .bind(k.amount_minor)
        .bind(&k.currency)
        .bind(k.status.as_str())
        .bind(micros(k.raised_at))
        .bind(&k.answer)
        .bind(k.answered_at.map(micros))
        .bind(k.closed_at.map(micros))
        .bind(k.version)
        .bind(k.id);
    if let Some(expected) = v.expected {
        q = q.bind(expected);
    }
    one(q.execute(&mut *c).await.map_err(pg)?)
}

pub(super) async fn write_rate(c: &mut PgConnection, r: &RateRecord) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO exchange_rates (currency_from, currency_to, valid_from, valid_to, rate,
           set_by, set_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (currency_from, currency_to, valid_from) DO UPDATE SET
           valid_to = EXCLUDED.valid_to, rate = EXCLUDED.rate, set_by = EXCLUDED.set_by,
           set_at = EXCLUDED.set_at",
    )
    .bind(&r.rate.from)
    .bind(&r.rate.to)
    .bind(r.rate.valid_from)
    .bind(r.rate.valid_to)
    .bind(r.rate.rate.to_string())
    .bind(&r.set_by)
    .bind(micros(r.set_at))
    .execute(c)
    .await
    .map_err(pg)?;
    Ok(())
}

pub(super) async fn insert_event(c: &mut PgConnection, e: &HistoryEvent) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO history (subject, subject_id, at, actor, action, status, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&e.subject)
    .bind(e.subject_id)
    .bind(micros(e.at))
    .bind(&e.actor)
    .bind(&e.action)
    .bind(&e.status)
    .bind(&e.detail)
    .execute(c)
    .await
    .map_err(pg)?;
    Ok(())
}

pub(super) async fn insert_notification(
    c: &mut PgConnection,
    n: &Notification,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO notifications (id, party, at, subject, subject_id, text)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(n.id)
    .bind(&n.party)
    .bind(micros(n.at))
    .bind(&n.subject)
    .bind(n.subject_id)
    .bind(&n.text)
    .execute(c)
    .await
    .map_err(pg)?;
    Ok(())
}

async fn guarantee_op(c: &mut PgConnection, op: &GuaranteeOp) -> Result<(), StoreError> {
    match op {
        GuaranteeOp::Create(g) => {
            sqlx::query(
                "INSERT INTO guarantees (grn, holder, insurer, reference_minor, currency,
                   valid_from, valid_to, countries, status, access_code_hash, running_total_minor)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0)",
            )
            .bind(&g.grn)
            .bind(&g.holder)
            .bind(&g.insurer)
            .bind(g.reference_minor())
            .bind(&g.currency)
            .bind(g.valid_from)
            .bind(g.valid_to)
            .bind(g.countries.join(" "))
            .bind(g.status.as_str())
            .bind(&g.access_code_hash)
            .execute(c)
            .await
            .map_err(write_err)?;
        }
        GuaranteeOp::Status { grn, status, at } => {
            let done = sqlx::query(
                "UPDATE guarantees SET status = $2,
                   liability_end = CASE WHEN liability_end IS NULL AND running_total_minor = 0
                     AND $2 IN ('revoked', 'expired') THEN $3 ELSE liability_end END
                 WHERE grn = $1",
            )
            .bind(grn)
            .bind(status.as_str())
            .bind(micros(*at))
            .execute(c)
            .await
            .map_err(pg)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!("guarantee {grn}")));
            }
        }
        GuaranteeOp::Cancel { grn, at } => {
            let done = sqlx::query(
                "UPDATE guarantees SET status = 'revoked',
                   liability_end = COALESCE(liability_end, $1)
                 WHERE grn = $2 AND running_total_minor = 0",
            )
            .bind(micros(*at))
            .bind(grn)
            .execute(&mut *c)
            .await
            .map_err(pg)?;
            if done.rows_affected() == 0 {
                let open: Option<i64> =
                    sqlx::query_scalar("SELECT running_total_minor FROM guarantees WHERE grn = $1")
                        .bind(grn)
                        .fetch_optional(&mut *c)
                        .await
                        .map_err(pg)?;
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
                "UPDATE guarantees SET access_code_hash = $1, status = COALESCE($2, status)
                 WHERE grn = $3",
            )
            .bind(hash)
            .bind(status.map(|s| s.as_str()))
            .bind(grn)
            .execute(c)
            .await
            .map_err(pg)?;
        }
        GuaranteeOp::CloseClaim {
            grn,
            amount_minor,
            at,
        } => close_amount(c, grn, *amount_minor, *at).await?,
    }
    Ok(())
}

/// Take `amount` out of a guarantee's running total (a credit, a paid or waived claim), and
/// record the liability end of an ended guarantee whose running total falls to 0.
pub(super) async fn close_amount(
    c: &mut PgConnection,
    grn: &str,
    amount: i64,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE guarantees SET running_total_minor = running_total_minor - $1,
           liability_end = CASE WHEN liability_end IS NULL AND running_total_minor - $1 = 0
             AND status IN ('revoked', 'expired') THEN $2 ELSE liability_end END
         WHERE grn = $3",
    )
    .bind(amount)
    .bind(micros(at))
    .bind(grn)
    .execute(c)
    .await
    .map_err(pg)?;
    Ok(())
}

impl PgStore {
    pub(super) async fn commit_registry_impl(&self, c: RegistryChange) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(pg)?;
        if let Some(p) = &c.party {
            super::parties::save_party(&mut tx, p).await?;
        }
        if let Some(u) = &c.user {
            super::parties::save_user(&mut tx, u).await?;
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
            super::history::insert_audit(&mut tx, a).await?;
        }
        tx.commit().await.map_err(pg)
    }
}
