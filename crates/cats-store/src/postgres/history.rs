//! A movement's messages and the audit log.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use cats_app::store::{AuditEntry, Direction, NewMessage, StoreError, StoredMessage};

use super::{backend, micros, pg, PgStore};

pub(super) fn message_from_row(r: &PgRow) -> Result<StoredMessage, StoreError> {
    let dir: String = r.get("direction");
    Ok(StoredMessage {
        id: r.get("id"),
        movement_id: r.get("movement_id"),
        seq: r.get("seq"),
        message_type: r.get("message_type"),
        direction: Direction::parse(&dir)
            .ok_or_else(|| backend(format!("unknown direction {dir}")))?,
        content_type: r.get("content_type"),
        body: r.get("body"),
        received: r.get("received"),
    })
}

/// A message row to insert, borrowed from a new message.
pub(super) struct MessageRow<'a> {
    pub id: Uuid,
    pub movement_id: Uuid,
    pub seq: i64,
    pub message_type: &'a str,
    pub direction: Direction,
    pub content_type: &'a str,
    pub body: &'a str,
    pub received: DateTime<Utc>,
}

impl<'a> MessageRow<'a> {
    /// A new message of `movement_id` at position `seq`.
    pub fn new(m: &'a NewMessage, movement_id: Uuid, seq: i64) -> Self {
        Self {
            id: m.id,
            movement_id,
            seq,
            message_type: &m.message_type,
            direction: m.direction,
            content_type: &m.content_type,
            body: &m.body,
            received: m.received,
        }
    }
}

/// Insert one message with its `seq`; the body is kept byte for byte.
pub(super) async fn insert_message(
    conn: &mut PgConnection,
    m: MessageRow<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO messages (id, movement_id, seq, message_type, direction, content_type, body,
           received)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(m.id)
    .bind(m.movement_id)
    .bind(m.seq)
    .bind(m.message_type)
    .bind(m.direction.as_str())
    .bind(m.content_type)
    .bind(m.body)
    .bind(micros(m.received))
    .execute(conn)
    .await
    .map_err(pg)?;
    Ok(())
}

pub(super) fn audit_from_row(r: &PgRow) -> AuditEntry {
    AuditEntry {
        at: r.get("at"),
        actor: r.get("actor"),
        action: r.get("action"),
        movement_id: r.get("movement_id"),
        detail: r.get("detail"),
    }
}

/// Append one audit entry.
pub(super) async fn insert_audit(
    conn: &mut PgConnection,
    a: &AuditEntry,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, movement_id, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(micros(a.at))
    .bind(&a.actor)
    .bind(&a.action)
    .bind(a.movement_id)
    .bind(&a.detail)
    .execute(conn)
    .await
    .map_err(pg)?;
    Ok(())
}

impl PgStore {
    pub(super) async fn messages_impl(
        &self,
        movement_id: Uuid,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        sqlx::query("SELECT * FROM messages WHERE movement_id = $1 ORDER BY seq")
            .bind(movement_id)
            .fetch_all(&self.pool)
            .await
            .map_err(pg)?
            .iter()
            .map(message_from_row)
            .collect()
    }

    pub(super) async fn audit_impl(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(pg)?;
        for a in entries {
            insert_audit(&mut tx, a).await?;
        }
        tx.commit().await.map_err(pg)
    }

    /// Newest first: by insertion order (the `BIGSERIAL` id), not by `at`.
    pub(super) async fn audit_log_impl(
        &self,
        movement_id: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = match movement_id {
            Some(id) => {
                sqlx::query(
                    "SELECT * FROM audit_log WHERE movement_id = $1 ORDER BY id DESC LIMIT $2",
                )
                .bind(id)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
            }
            None => {
                sqlx::query("SELECT * FROM audit_log ORDER BY id DESC LIMIT $1")
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .map_err(pg)?;
        Ok(rows.iter().map(audit_from_row).collect())
    }
}
