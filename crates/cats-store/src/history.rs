//! A movement's messages (its history, kept byte for byte) and the audit log.

use uuid::Uuid;

use cats_app::store::{AuditEntry, Direction, StoreError, StoredMessage};

use crate::codec;
use crate::sql::{Db, Row, Sql};

/// A row's body: `body_compressed` read as its `body_codec` says, or `body` for messages stored
/// before bodies were compressed (migration 0020).
fn body_of(r: &Row) -> Result<String, StoreError> {
    match r.opt_bytes("body_compressed")? {
        Some(stored) => codec::decompress(&stored, r.opt_int("body_codec")?),
        None => r.text("body"),
    }
}

pub(crate) fn message_from_row(r: &Row) -> Result<StoredMessage, StoreError> {
    Ok(StoredMessage {
        id: r.id("id")?,
        movement_id: r.id("movement_id")?,
        seq: r.int("seq")?,
        message_type: r.text("message_type")?,
        direction: r.parsed("direction", |d| {
            Direction::parse(d).ok_or("not inbound, outbound or customs")
        })?,
        content_type: r.text("content_type")?,
        body: body_of(r)?,
        received: r.time("received")?,
    })
}

/// Insert one message with its `seq`; the body is kept byte for byte, compressed.
pub(crate) async fn insert_message(db: &mut Db<'_>, m: &StoredMessage) -> Result<(), StoreError> {
    insert_compressed(db, m, &codec::compress(&m.body)).await
}

/// [`insert_message`] with the body compressed beforehand ([`codec::compress`]); `m.body` is
/// not read.
pub(crate) async fn insert_compressed(
    db: &mut Db<'_>,
    m: &StoredMessage,
    stored: &[u8],
) -> Result<(), StoreError> {
    Sql::new(
        "INSERT INTO messages (id, movement_id, seq, message_type, direction, content_type, body,
           received, body_compressed, body_codec)
         VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9)",
    )
    .bind(m.id)
    .bind(m.movement_id)
    .bind(m.seq)
    .bind(&m.message_type)
    .bind(m.direction.as_str())
    .bind(&m.content_type)
    .bind(m.received)
    .bind(stored)
    .bind(codec::CURRENT)
    .execute(db)
    .await?;
    Ok(())
}

/// A movement's messages in order, or every message (by movement, in lodging order).
pub(crate) async fn messages(
    db: &mut Db<'_>,
    movement_id: Option<Uuid>,
) -> Result<Vec<StoredMessage>, StoreError> {
    let sql = match movement_id {
        Some(id) => Sql::new("SELECT * FROM messages WHERE movement_id = $1 ORDER BY seq").bind(id),
        None => Sql::new(
            "SELECT m.* FROM messages m JOIN movements v ON v.id = m.movement_id
             ORDER BY v.created_at, v.id, m.seq",
        ),
    };
    sql.fetch_all(db)
        .await?
        .iter()
        .map(message_from_row)
        .collect()
}

pub(crate) fn audit_from_row(r: &Row) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        at: r.time("at")?,
        actor: r.text("actor")?,
        action: r.text("action")?,
        movement_id: r.opt_id("movement_id")?,
        detail: r.text("detail")?,
    })
}

/// Append one audit entry, sealed into the hash chain ([`crate::security::append_audit`]).
pub(crate) async fn insert_audit(db: &mut Db<'_>, a: &AuditEntry) -> Result<(), StoreError> {
    crate::security::append_audit(db, a).await
}

/// The audit log newest first (by insertion order, not by `at`), optionally of one movement and
/// at most `limit` entries; with neither, the whole log oldest first (for dumps).
pub(crate) async fn audit_log(
    db: &mut Db<'_>,
    movement_id: Option<Uuid>,
    limit: Option<u32>,
) -> Result<Vec<AuditEntry>, StoreError> {
    let sql = match (movement_id, limit) {
        (Some(id), limit) => {
            Sql::new("SELECT * FROM audit_log WHERE movement_id = $1 ORDER BY id DESC LIMIT $2")
                .bind(id)
                .bind(i64::from(limit.unwrap_or(u32::MAX)))
        }
        (None, Some(limit)) => {
            Sql::new("SELECT * FROM audit_log ORDER BY id DESC LIMIT $1").bind(i64::from(limit))
        }
        (None, None) => Sql::new("SELECT * FROM audit_log ORDER BY id"),
    };
    sql.fetch_all(db)
        .await?
        .iter()
        .map(audit_from_row)
        .collect()
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
