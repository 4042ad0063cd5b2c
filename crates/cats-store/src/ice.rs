//! The ICE outbox and inbox (issue 12): `ice_outbox` rows are written in the transaction of the
//! movement change that causes them and claimed by delivery workers; `ice_inbox` rows are kept
//! for good, one per message id, with the receipt that answered it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use cats_app::ice::fallback::Fallback;
use cats_app::store::{
    IceIn, IceOut, OutboxEntry, OutboxStatus, PeerQueue, Settlement, StoreError,
};
use cats_domain::ids::{Mrn, NodeId, OfficeRef};

use crate::sql::{db_error, unique_violation, Backend, Db, Row, Sql};

/// Append messages to the outbox, numbering each after the last to the same peer and
/// correlation. A race on the number fails with [`StoreError::Conflict`] (the change is decided
/// again).
pub(crate) async fn enqueue(db: &mut Db<'_>, messages: &[IceOut]) -> Result<(), StoreError> {
    for m in messages {
        let sequence = last_sequence(db, Side::Outbox, &m.peer, &m.correlation).await? + 1;
        let inserted = Sql::new(
            "INSERT INTO ice_outbox (message_id, peer, message_type, correlation, sequence,
               trace_id, payload, created_at, status, attempts, next_attempt_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $8)",
        )
        .bind(m.message_id)
        .bind(&m.peer)
        .bind(&m.message_type)
        .bind(&m.correlation)
        .bind(sequence)
        .bind(m.trace_id)
        .bind(&m.payload)
        .bind(m.created_at)
        .execute_raw(db)
        .await;
        match inserted {
            Err(e) if unique_violation(&e, None) => return Err(StoreError::Conflict),
            Err(e) => return Err(db_error("INSERT INTO ice_outbox", e)),
            Ok(_) => {}
        }
    }
    Ok(())
}

/// Insert an outbox message with its delivery state as it is (restoring a snapshot; claims are
/// not kept).
pub(crate) async fn restore_outbox(db: &mut Db<'_>, e: &OutboxEntry) -> Result<(), StoreError> {
    let m = &e.message;
    Sql::new(
        "INSERT INTO ice_outbox (message_id, peer, message_type, correlation, sequence, trace_id,
           payload, created_at, status, attempts, next_attempt_at, last_error, settled_at, receipt)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(m.message_id)
    .bind(&m.peer)
    .bind(&m.message_type)
    .bind(&m.correlation)
    .bind(e.sequence)
    .bind(m.trace_id)
    .bind(&m.payload)
    .bind(m.created_at)
    .bind(e.status.as_str())
    .bind(e.attempts)
    .bind(e.next_attempt_at)
    .bind(&e.last_error)
    .bind(e.settled_at)
    .bind(&e.receipt)
    .execute(db)
    .await?;
    Ok(())
}

/// Keep a received message in the inbox. Errors: [`StoreError::Conflict`] when its id is there
/// already (a duplicate delivered concurrently).
pub(crate) async fn insert_inbound(db: &mut Db<'_>, m: &IceIn) -> Result<(), StoreError> {
    let inserted = Sql::new(
        "INSERT INTO ice_inbox (message_id, peer, message_type, correlation, sequence, body,
           received_at, outcome, receipt)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(m.message_id)
    .bind(&m.peer)
    .bind(&m.message_type)
    .bind(&m.correlation)
    .bind(m.sequence)
    .bind(&m.body)
    .bind(m.received_at)
    .bind(&m.outcome)
    .bind(&m.receipt)
    .execute_raw(db)
    .await;
    match inserted {
        Err(e) if unique_violation(&e, None) => Err(StoreError::Conflict),
        Err(e) => Err(db_error("INSERT INTO ice_inbox", e)),
        Ok(_) => Ok(()),
    }
}

fn inbound_from_row(r: &Row) -> Result<IceIn, StoreError> {
    Ok(IceIn {
        message_id: r.id("message_id")?,
        peer: r.ident("peer", NodeId::parse)?,
        message_type: r.text("message_type")?,
        correlation: r.text("correlation")?,
        sequence: r.int("sequence")?,
        body: r.text("body")?,
        received_at: r.time("received_at")?,
        outcome: r.text("outcome")?,
        receipt: r.text("receipt")?,
    })
}

/// The inbox entry of a message id.
pub(crate) async fn inbound(db: &mut Db<'_>, id: Uuid) -> Result<Option<IceIn>, StoreError> {
    Sql::new("SELECT * FROM ice_inbox WHERE message_id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(inbound_from_row)
        .transpose()
}

/// Inbox entries, newest first (`limit` 0: all, oldest first, for dumps).
pub(crate) async fn inbox(db: &mut Db<'_>, limit: u32) -> Result<Vec<IceIn>, StoreError> {
    let sql = if limit == 0 {
        Sql::new("SELECT * FROM ice_inbox ORDER BY received_at, message_id")
    } else {
        Sql::new("SELECT * FROM ice_inbox ORDER BY received_at DESC, message_id LIMIT $1")
            .bind(i64::from(limit))
    };
    sql.fetch_all(db)
        .await?
        .iter()
        .map(inbound_from_row)
        .collect()
}

/// Which side of the exchange a sequence is counted on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Side {
    /// Received from the peer (`ice_inbox`).
    Inbox,
    /// Written to the peer (`ice_outbox`).
    Outbox,
}

/// The highest sequence received from (inbox) or written to (outbox) `peer` for `correlation`;
/// 0 when none.
pub(crate) async fn last_sequence(
    db: &mut Db<'_>,
    side: Side,
    peer: &NodeId,
    correlation: &str,
) -> Result<i64, StoreError> {
    let table = match side {
        Side::Inbox => "ice_inbox",
        Side::Outbox => "ice_outbox",
    };
    Sql::new(format!(
        "SELECT COALESCE(MAX(sequence), 0) AS last FROM {table}
         WHERE peer = $1 AND correlation = $2"
    ))
    .bind(peer)
    .bind(correlation)
    .fetch_one(db)
    .await?
    .int("last")
}

fn outbox_from_row(r: &Row) -> Result<OutboxEntry, StoreError> {
    let status = r.text("status")?;
    Ok(OutboxEntry {
        message: IceOut {
            message_id: r.id("message_id")?,
            peer: r.ident("peer", NodeId::parse)?,
            message_type: r.text("message_type")?,
            correlation: r.text("correlation")?,
            trace_id: r.id("trace_id")?,
            payload: r.text("payload")?,
            created_at: r.time("created_at")?,
        },
        sequence: r.int("sequence")?,
        status: OutboxStatus::parse(&status)
            .ok_or_else(|| StoreError::corrupt(format!("ice_outbox.status {status:?}")))?,
        attempts: r.int("attempts")?,
        next_attempt_at: r.time("next_attempt_at")?,
        last_error: r.opt_text("last_error")?,
        settled_at: r.opt_time("settled_at")?,
        receipt: r.opt_text("receipt")?,
    })
}

/// Claim the due outbox messages: pending, due, not held by another claimant, and the first
/// pending one of their peer and correlation.
pub(crate) async fn claim_due(
    db: &mut Db<'_>,
    now: DateTime<Utc>,
    claimant: &str,
    lease: chrono::Duration,
    limit: u32,
) -> Result<Vec<OutboxEntry>, StoreError> {
    let lock = match db.backend() {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let mut rows = Sql::new(format!(
        "UPDATE ice_outbox SET claimed_by = $1, claimed_until = $2
         WHERE message_id IN (
           SELECT o.message_id FROM ice_outbox o
           WHERE o.status = 'pending' AND o.next_attempt_at <= $3
             AND (o.claimed_until IS NULL OR o.claimed_until < $3)
             AND NOT EXISTS (SELECT 1 FROM ice_outbox e
                             WHERE e.peer = o.peer AND e.correlation = o.correlation
                               AND e.status = 'pending' AND e.sequence < o.sequence)
           ORDER BY o.created_at, o.sequence LIMIT $4
           {lock})
         RETURNING *"
    ))
    .bind(claimant)
    .bind(now + lease)
    .bind(now)
    .bind(i64::from(limit))
    .fetch_all(db)
    .await?
    .iter()
    .map(outbox_from_row)
    .collect::<Result<Vec<_>, _>>()?;
    rows.sort_by(|a, b| {
        (a.message.created_at, a.sequence).cmp(&(b.message.created_at, b.sequence))
    });
    Ok(rows)
}

/// Record the end of a delivery attempt.
pub(crate) async fn settle(
    db: &mut Db<'_>,
    id: Uuid,
    settlement: &Settlement,
) -> Result<(), StoreError> {
    let sql = match settlement {
        Settlement::Delivered { receipt, at } | Settlement::Refused { receipt, at } => {
            let status = if matches!(settlement, Settlement::Delivered { .. }) {
                OutboxStatus::Delivered
            } else {
                OutboxStatus::Refused
            };
            Sql::new(
                "UPDATE ice_outbox SET status = $2, attempts = attempts + 1, settled_at = $3,
                   receipt = $4, claimed_by = NULL, claimed_until = NULL
                 WHERE message_id = $1",
            )
            .bind(id)
            .bind(status.as_str())
            .bind(*at)
            .bind(receipt.as_str())
        }
        Settlement::Retry { next, error } => Sql::new(
            "UPDATE ice_outbox SET attempts = attempts + 1, next_attempt_at = $2,
               last_error = $3, claimed_by = NULL, claimed_until = NULL
             WHERE message_id = $1",
        )
        .bind(id)
        .bind(*next)
        .bind(error.as_str()),
    };
    sql.execute(db).await?;
    Ok(())
}

/// Outbox messages, newest first (`limit` 0: all, oldest first, for dumps).
pub(crate) async fn outbox(
    db: &mut Db<'_>,
    peer: Option<&NodeId>,
    status: Option<OutboxStatus>,
    limit: u32,
) -> Result<Vec<OutboxEntry>, StoreError> {
    let mut sql = Sql::new("SELECT * FROM ice_outbox WHERE TRUE");
    if let Some(p) = peer {
        sql.and(" AND peer = ", p);
    }
    if let Some(s) = status {
        sql.and(" AND status = ", s.as_str());
    }
    if limit == 0 {
        sql.push(" ORDER BY created_at, sequence, message_id");
    } else {
        sql.push(" ORDER BY created_at DESC, sequence DESC, message_id");
        sql.and(" LIMIT ", i64::from(limit));
    }
    sql.fetch_all(db)
        .await?
        .iter()
        .map(outbox_from_row)
        .collect()
}

/// How many outbox messages are pending.
pub(crate) async fn pending(db: &mut Db<'_>) -> Result<i64, StoreError> {
    Sql::new("SELECT COUNT(*) AS n FROM ice_outbox WHERE status = 'pending'")
        .fetch_one(db)
        .await?
        .int("n")
}

/// Delivery figures per peer.
pub(crate) async fn queues(db: &mut Db<'_>) -> Result<Vec<PeerQueue>, StoreError> {
    let out = outbox(db, None, None, 0).await?;
    let inbox = Sql::new("SELECT peer, COUNT(*) AS n FROM ice_inbox GROUP BY peer")
        .fetch_all(db)
        .await?;
    let mut peers: std::collections::BTreeMap<NodeId, PeerQueue> = Default::default();
    let blank = |peer: &NodeId| PeerQueue {
        peer: peer.clone(),
        pending: 0,
        delivered: 0,
        refused: 0,
        retried: 0,
        oldest_pending: None,
        max_lag_ms: None,
        received: 0,
        last_error: None,
    };
    for e in &out {
        let q = peers
            .entry(e.message.peer.clone())
            .or_insert_with(|| blank(&e.message.peer));
        q.retried += (e.attempts - 1).max(0);
        match e.status {
            OutboxStatus::Pending => {
                q.pending += 1;
                if q.oldest_pending.is_none_or(|t| e.message.created_at < t) {
                    q.oldest_pending = Some(e.message.created_at);
                }
                if e.last_error.is_some() {
                    q.last_error.clone_from(&e.last_error);
                }
            }
            OutboxStatus::Delivered => q.delivered += 1,
            OutboxStatus::Refused => q.refused += 1,
        }
        if let Some(at) = e.settled_at {
            let lag = (at - e.message.created_at).num_milliseconds();
            q.max_lag_ms = Some(q.max_lag_ms.map_or(lag, |m| m.max(lag)));
        }
    }
    for r in &inbox {
        let peer = r.ident("peer", NodeId::parse)?;
        peers
            .entry(peer.clone())
            .or_insert_with(|| blank(&peer))
            .received = r.int("n")?;
    }
    Ok(peers.into_values().collect())
}

/// Insert or update a passage recorded from paper.
pub(crate) async fn save_fallback(db: &mut Db<'_>, f: &Fallback) -> Result<(), StoreError> {
    let passage = serde_json::to_value(f.passage)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    Sql::new(
        "INSERT INTO ice_fallback (id, mrn, passage, office, officer, at, remarks, status,
           outcome, settled_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, outcome = EXCLUDED.outcome,
           settled_at = EXCLUDED.settled_at",
    )
    .bind(f.id)
    .bind(&f.mrn)
    .bind(passage)
    .bind(&f.office)
    .bind(&f.officer)
    .bind(f.at)
    .bind(&f.remarks)
    .bind(&f.status)
    .bind(&f.outcome)
    .bind(f.settled_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Passages recorded from paper.
pub(crate) async fn fallbacks(
    db: &mut Db<'_>,
    mrn: Option<&Mrn>,
    pending_only: bool,
) -> Result<Vec<Fallback>, StoreError> {
    let mut sql = Sql::new("SELECT * FROM ice_fallback WHERE TRUE");
    if let Some(m) = mrn {
        sql.and(" AND mrn = ", m);
    }
    if pending_only {
        sql.push(" AND status = 'pending'");
    }
    sql.push(if mrn.is_some() {
        " ORDER BY at, id"
    } else {
        " ORDER BY at DESC, id"
    });
    sql.fetch_all(db)
        .await?
        .iter()
        .map(|r| {
            let passage = r.text("passage")?;
            Ok(Fallback {
                id: r.id("id")?,
                mrn: r.ident("mrn", Mrn::parse)?,
                passage: serde_json::from_value(serde_json::Value::String(passage.clone()))
                    .map_err(|_| {
                        StoreError::corrupt(format!("ice_fallback.passage {passage:?}"))
                    })?,
                office: r.ident("office", OfficeRef::parse)?,
                officer: r.text("officer")?,
                at: r.time("at")?,
                remarks: r.opt_text("remarks")?,
                status: r.text("status")?,
                outcome: r.opt_text("outcome")?,
                settled_at: r.opt_time("settled_at")?,
            })
        })
        .collect()
}

/// The announcements of unavailability received and applied (CD070C, CD071C), oldest first.
pub(crate) async fn notices(db: &mut Db<'_>) -> Result<Vec<IceIn>, StoreError> {
    Sql::new(
        "SELECT * FROM ice_inbox WHERE message_type IN ('CD070C', 'CD071C') AND outcome = 'applied'
         ORDER BY received_at, message_id",
    )
    .fetch_all(db)
    .await?
    .iter()
    .map(inbound_from_row)
    .collect()
}

/// Make every pending message for `peer` due at `at`; how many.
pub(crate) async fn reschedule(
    db: &mut Db<'_>,
    peer: &NodeId,
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Sql::new(
        "UPDATE ice_outbox SET next_attempt_at = $2
         WHERE peer = $1 AND status = 'pending' AND next_attempt_at > $2",
    )
    .bind(peer)
    .bind(at)
    .execute(db)
    .await
}
