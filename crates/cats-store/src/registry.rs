//! Registers (issue 5): the writes of one [`RegistryChange`], in one transaction (rows are read
//! in `registry_read`).

use chrono::{DateTime, Utc};

use cats_app::store::{
    GuaranteeOp, HistoryEvent, Notification, RateRecord, RegistryChange, StoreError,
    StoredAttachment, Versioned,
};
use cats_domain::ids::Grn;
use cats_domain::registry::{Claim, Contract, Registration};

use crate::history::insert_audit;
use crate::ledger::joined;
use crate::parties::{save_party, save_user};
use crate::sql::{db_error, unique_violation, Db, Sql};

/// Run a versioned insert or update: `Ok` when exactly one row changed; `Conflict` when none did
/// (the record moved on) or, with `unique_is_conflict`, when a unique constraint refused it (a
/// second live registration of a party in one register).
async fn versioned(
    db: &mut Db<'_>,
    q: Sql<'_>,
    unique_is_conflict: bool,
) -> Result<(), StoreError> {
    match q.execute_raw(db).await {
        Ok(1) => Ok(()),
        Ok(_) => Err(StoreError::Conflict),
        Err(e) if unique_is_conflict && unique_violation(&e, None) => Err(StoreError::Conflict),
        Err(e) => Err(db_error("versioned write", e)),
    }
}

/// Insert (`expected` none) or update at the expected version a registration.
pub(crate) async fn write_registration(
    db: &mut Db<'_>,
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
    let contact = serde_json::to_string(&r.contact)
        .map_err(|e| StoreError::backend("writing a contact as JSON", e))?;
    let mut q = Sql::new(sql)
        .bind(&r.party)
        .bind(r.register.as_str())
        .bind(&r.name)
        .bind(&r.address)
        .bind(r.country)
        .bind(contact)
        .bind(r.status.as_str())
        .bind(r.valid_from)
        .bind(r.valid_to)
        .bind(&r.reason)
        .bind(&r.decided_by)
        .bind(r.submitted_at)
        .bind(r.updated_at)
        .bind(r.version)
        .bind(r.id);
    if let Some(expected) = v.expected {
        q = q.bind(expected);
    }
    versioned(db, q, true).await
}

/// Insert a registration's document with its bytes.
pub(crate) async fn insert_attachment(
    db: &mut Db<'_>,
    a: &StoredAttachment,
) -> Result<(), StoreError> {
    let m = &a.meta;
    Sql::new(
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
    .bind(m.uploaded_at)
    .bind(&m.uploaded_by)
    .execute(db)
    .await?;
    Ok(())
}

/// Insert (`expected` none) or update at the expected version a contract.
pub(crate) async fn write_contract(
    db: &mut Db<'_>,
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
    let mut q = Sql::new(sql)
        .bind(&k.grn)
        .bind(&k.policy_number)
        .bind(&k.insurer)
        .bind(&k.holder)
        .bind(k.reference_amount.to_minor_units())
        .bind(k.reference_amount.currency())
        .bind(k.valid_from)
        .bind(k.valid_to)
        .bind(joined(&k.countries))
        .bind(&k.indemnity)
        .bind(k.status.as_str())
        .bind(&k.reason)
        .bind(&k.office)
        .bind(&k.decided_by)
        .bind(k.submitted_at)
        .bind(k.updated_at)
        .bind(k.version)
        .bind(k.id);
    if let Some(expected) = v.expected {
        q = q.bind(expected);
    }
    versioned(db, q, true).await
}

/// Insert (`expected` none) or update at the expected version a claim.
pub(crate) async fn write_claim(db: &mut Db<'_>, v: &Versioned<Claim>) -> Result<(), StoreError> {
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
    let mut q = Sql::new(sql)
        .bind(&k.grn)
        .bind(k.movement_id)
        .bind(&k.mrn)
        .bind(&k.insurer)
        .bind(&k.holder)
        .bind(k.amount.to_minor_units())
        .bind(k.amount.currency())
        .bind(k.status.as_str())
        .bind(k.raised_at)
        .bind(&k.answer)
        .bind(k.answered_at)
        .bind(k.closed_at)
        .bind(k.version)
        .bind(k.id);
    if let Some(expected) = v.expected {
        q = q.bind(expected);
    }
    versioned(db, q, false).await
}

/// Insert or replace a reference exchange rate (one per currency pair and first day).
pub(crate) async fn write_rate(db: &mut Db<'_>, r: &RateRecord) -> Result<(), StoreError> {
    Sql::new(
        "INSERT INTO exchange_rates (currency_from, currency_to, valid_from, valid_to, rate,
           set_by, set_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (currency_from, currency_to, valid_from) DO UPDATE SET
           valid_to = EXCLUDED.valid_to, rate = EXCLUDED.rate, set_by = EXCLUDED.set_by,
           set_at = EXCLUDED.set_at",
    )
    .bind(r.rate.from)
    .bind(r.rate.to)
    .bind(r.rate.valid_from)
    .bind(r.rate.valid_to)
    .bind(r.rate.rate.to_string())
    .bind(&r.set_by)
    .bind(r.set_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Append an event to the history of a registration, contract or claim.
pub(crate) async fn insert_event(db: &mut Db<'_>, e: &HistoryEvent) -> Result<(), StoreError> {
    Sql::new(
        "INSERT INTO history (subject, subject_id, at, actor, action, status, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&e.subject)
    .bind(e.subject_id)
    .bind(e.at)
    .bind(&e.actor)
    .bind(&e.action)
    .bind(&e.status)
    .bind(&e.detail)
    .execute(db)
    .await?;
    Ok(())
}

/// Append a notification for a party, with its deliveries ([`crate::notify::fan_out`]), in the
/// caller's transaction.
pub(crate) async fn insert_notification(
    db: &mut Db<'_>,
    n: &Notification,
) -> Result<(), StoreError> {
    insert_notification_row(db, n).await?;
    crate::notify::fan_out(db, n).await
}

/// The notification row alone (restore, which brings its deliveries as they were).
pub(crate) async fn insert_notification_row(
    db: &mut Db<'_>,
    n: &Notification,
) -> Result<(), StoreError> {
    let (text, link, derived) = crate::notification_row::stored(n);
    Sql::new(
        "INSERT INTO notifications (id, party, at, subject, subject_id, text, status, event_type,
           reference, link, message_id, derived)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(n.id)
    .bind(&n.party)
    .bind(n.at)
    .bind(&n.subject)
    .bind(n.subject_id)
    .bind(text)
    .bind(&n.status)
    .bind(n.event.as_str())
    .bind(&n.reference)
    .bind(link)
    .bind(n.message_id)
    .bind(derived)
    .execute(db)
    .await?;
    Ok(())
}

async fn guarantee_op(db: &mut Db<'_>, op: &GuaranteeOp) -> Result<(), StoreError> {
    match op {
        GuaranteeOp::Create(g) => {
            let q = crate::ledger::guarantee_insert(
                "INSERT INTO guarantees (grn, holder, insurer, reference_minor, currency,
                   valid_from, valid_to, countries, status, access_code_hash, running_total_minor)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0)",
                g,
            );
            versioned(db, q, true).await?;
        }
        GuaranteeOp::Status { grn, status, at } => {
            let done = Sql::new(
                "UPDATE guarantees SET status = $2,
                   liability_end = CASE WHEN liability_end IS NULL AND running_total_minor = 0
                     AND $2 IN ('revoked', 'expired') THEN $3 ELSE liability_end END
                 WHERE grn = $1",
            )
            .bind(grn)
            .bind(status.as_str())
            .bind(*at)
            .execute(db)
            .await?;
            if done == 0 {
                return Err(StoreError::NotFound(format!("guarantee {grn}")));
            }
        }
        GuaranteeOp::Cancel { grn, at } => {
            let done = Sql::new(
                "UPDATE guarantees SET status = 'revoked',
                   liability_end = COALESCE(liability_end, $1)
                 WHERE grn = $2 AND running_total_minor = 0",
            )
            .bind(*at)
            .bind(grn)
            .execute(db)
            .await?;
            if done == 0 {
                let open = Sql::new("SELECT running_total_minor FROM guarantees WHERE grn = $1")
                    .bind(grn)
                    .fetch_optional(db)
                    .await?;
                return Err(match open {
                    Some(row) => StoreError::OpenLiabilities {
                        grn: grn.clone(),
                        open_minor: row.int("running_total_minor")?,
                    },
                    None => StoreError::NotFound(format!("guarantee {grn}")),
                });
            }
        }
        GuaranteeOp::AccessCode { grn, hash, status } => {
            Sql::new(
                "UPDATE guarantees SET access_code_hash = $1, status = COALESCE($2, status)
                 WHERE grn = $3",
            )
            .bind(hash)
            .bind(status.map(|s| s.as_str()))
            .bind(grn)
            .execute(db)
            .await?;
        }
        GuaranteeOp::CloseClaim {
            grn,
            amount_minor,
            at,
        } => close_amount(db, grn, *amount_minor, *at).await?,
    }
    Ok(())
}

/// Take `amount` out of a guarantee's running total (a credit, a paid or waived claim), and
/// record the liability end of an ended guarantee whose running total falls to 0.
pub(crate) async fn close_amount(
    db: &mut Db<'_>,
    grn: &Grn,
    amount: i64,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    Sql::new(
        "UPDATE guarantees SET running_total_minor = running_total_minor - $1,
           liability_end = CASE WHEN liability_end IS NULL AND running_total_minor - $1 = 0
             AND status IN ('revoked', 'expired') THEN $2 ELSE liability_end END
         WHERE grn = $3",
    )
    .bind(amount)
    .bind(at)
    .bind(grn)
    .execute(db)
    .await?;
    Ok(())
}

/// Apply a register change (in the caller's transaction): party, user, registration, document,
/// contract, claim (before the guarantee: a stale claim is a conflict before any amount moves),
/// guarantee operation, rate, history, notifications, audit.
pub(crate) async fn commit(db: &mut Db<'_>, c: &RegistryChange) -> Result<(), StoreError> {
    if let Some(p) = &c.party {
        save_party(db, p).await?;
    }
    if let Some(u) = &c.user {
        save_user(db, u).await?;
    }
    if let Some(r) = &c.registration {
        write_registration(db, r).await?;
    }
    if let Some(a) = &c.attachment {
        insert_attachment(db, a).await?;
    }
    if let Some(k) = &c.contract {
        write_contract(db, k).await?;
    }
    if let Some(k) = &c.claim {
        write_claim(db, k).await?;
    }
    if let Some(op) = &c.guarantee {
        guarantee_op(db, op).await?;
    }
    if let Some(r) = &c.rate {
        write_rate(db, r).await?;
    }
    for e in &c.events {
        insert_event(db, e).await?;
    }
    for n in &c.notifications {
        insert_notification(db, n).await?;
    }
    for a in &c.audit {
        insert_audit(db, a).await?;
    }
    crate::ice::enqueue(db, &c.ice_out).await?;
    if let Some(m) = &c.ice_in {
        crate::ice::insert_inbound(db, m).await?;
    }
    Ok(())
}
