//! Movements, their messages, MRN serials and the audit log.

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row, Sqlite};
use uuid::Uuid;

use cats_app::store::{
    AuditEntry, Change, Direction, MovementFilter, MovementRecord, StoreError, StoredMessage,
};
use cats_domain::movement::MovementState;

use super::{backend, ledger, SqliteStore};
use crate::{parse_ts, ts};

fn record_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<MovementRecord, StoreError> {
    Ok(MovementRecord {
        id: Uuid::parse_str(r.get("id")).map_err(backend)?,
        version: r.get("version"),
        movement: serde_json::from_str(r.get("projection")).map_err(backend)?,
        declaration: serde_json::from_str(r.get("declaration")).map_err(backend)?,
        created_at: parse_ts(r.get("created_at"))?,
        updated_at: parse_ts(r.get("updated_at"))?,
    })
}

fn is_unique_violation(e: &sqlx::Error, index_hint: &str) -> bool {
    match e {
        sqlx::Error::Database(db) => db.is_unique_violation() && db.message().contains(index_hint),
        _ => false,
    }
}

impl SqliteStore {
    pub(super) async fn next_mrn_serial_impl(
        &self,
        office: &str,
        year: i32,
    ) -> Result<u64, StoreError> {
        let _w = self.write.lock().await;
        let row = sqlx::query(
            "INSERT INTO mrn_serials (office, year, last) VALUES (?, ?, 1)
             ON CONFLICT(office, year) DO UPDATE SET last = last + 1 RETURNING last",
        )
        .bind(office)
        .bind(year)
        .fetch_one(&self.pool)
        .await
        .map_err(backend)?;
        Ok(row.get::<i64, _>(0) as u64)
    }

    pub(super) async fn lrn_in_use_impl(
        &self,
        holder: &str,
        lrn: &str,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT 1 FROM movements WHERE holder = ? AND lrn = ? AND live = 1")
            .bind(holder)
            .bind(lrn)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        Ok(row.is_some())
    }

    pub(super) async fn movement_impl(
        &self,
        id: Uuid,
    ) -> Result<Option<MovementRecord>, StoreError> {
        sqlx::query("SELECT * FROM movements WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
            .as_ref()
            .map(record_from_row)
            .transpose()
    }

    pub(super) async fn movement_by_mrn_impl(
        &self,
        mrn: &str,
    ) -> Result<Option<MovementRecord>, StoreError> {
        sqlx::query("SELECT * FROM movements WHERE mrn = ?")
            .bind(mrn)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
            .as_ref()
            .map(record_from_row)
            .transpose()
    }

    pub(super) async fn movements_impl(
        &self,
        f: &MovementFilter,
    ) -> Result<(Vec<MovementRecord>, u64), StoreError> {
        fn conditions<'a>(q: &mut QueryBuilder<'a, Sqlite>, f: &'a MovementFilter) {
            q.push(" WHERE 1 = 1");
            if let Some(h) = &f.holder {
                q.push(" AND holder = ").push_bind(h);
            }
            if let Some(c) = &f.office_country {
                q.push(" AND (' ' || offices) LIKE ")
                    .push_bind(format!("% {c}%"));
            }
            if let Some(l) = &f.lrn {
                q.push(" AND lrn = ").push_bind(l);
            }
            if let Some(m) = &f.mrn {
                q.push(" AND mrn = ").push_bind(m);
            }
            if let Some(s) = f.state {
                q.push(" AND state = ").push_bind(s.as_str());
            }
            if let Some(u) = f.updated_since {
                q.push(" AND updated_at >= ").push_bind(ts(u));
            }
        }
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM movements");
        conditions(&mut count, f);
        let total: i64 = count
            .build()
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?
            .get(0);
        let size = f.count.clamp(1, 500) as i64;
        let offset = (f.page.max(1) as i64 - 1) * size;
        let mut q = QueryBuilder::new("SELECT * FROM movements");
        conditions(&mut q, f);
        q.push(" ORDER BY updated_at DESC, id LIMIT ")
            .push_bind(size)
            .push(" OFFSET ")
            .push_bind(offset);
        let rows = q.build().fetch_all(&self.pool).await.map_err(backend)?;
        let records = rows.iter().map(record_from_row).collect::<Result<_, _>>()?;
        Ok((records, total as u64))
    }

    pub(super) async fn overdue_impl(&self, now: DateTime<Utc>) -> Result<Vec<Uuid>, StoreError> {
        let rows = sqlx::query(
            "SELECT id FROM movements WHERE state = ? AND time_limit IS NOT NULL AND time_limit < ? ORDER BY time_limit",
        )
        .bind(MovementState::ReleasedForTransit.as_str())
        .bind(ts(now))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|r| Uuid::parse_str(r.get(0)).map_err(backend))
            .collect()
    }

    pub(super) async fn claim_overdue_impl(
        &self,
        now: DateTime<Utc>,
        claimant: &str,
        lease: chrono::Duration,
        limit: u32,
    ) -> Result<Vec<Uuid>, StoreError> {
        let _w = self.write.lock().await;
        let rows = sqlx::query(
            "UPDATE movements SET claimed_by = ?1, claimed_until = ?2
             WHERE id IN (SELECT id FROM movements
                          WHERE state = ?3 AND time_limit IS NOT NULL AND time_limit < ?4
                            AND (claimed_until IS NULL OR claimed_until < ?4)
                          ORDER BY time_limit LIMIT ?5)
             RETURNING id",
        )
        .bind(claimant)
        .bind(ts(now + lease))
        .bind(MovementState::ReleasedForTransit.as_str())
        .bind(ts(now))
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|r| Uuid::parse_str(r.get(0)).map_err(backend))
            .collect()
    }

    pub(super) async fn messages_impl(
        &self,
        movement_id: Uuid,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let rows = sqlx::query("SELECT * FROM messages WHERE movement_id = ? ORDER BY seq")
            .bind(movement_id.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|r| {
                let dir: String = r.get("direction");
                Ok(StoredMessage {
                    id: Uuid::parse_str(r.get("id")).map_err(backend)?,
                    movement_id,
                    seq: r.get("seq"),
                    message_type: r.get("message_type"),
                    direction: Direction::parse(&dir)
                        .ok_or_else(|| backend(format!("unknown direction {dir}")))?,
                    content_type: r.get("content_type"),
                    body: r.get("body"),
                    received: parse_ts(r.get("received"))?,
                })
            })
            .collect()
    }

    pub(super) async fn commit_impl(&self, change: Change) -> Result<(), StoreError> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let rec = &change.record;
        let m = &rec.movement;
        let id = rec.id.to_string();
        let projection = serde_json::to_string(m).map_err(backend)?;
        let declaration = serde_json::to_string(&rec.declaration).map_err(backend)?;
        let offices = m.offices().into_iter().collect::<Vec<_>>().join(" ");
        let time_limit = m.time_limit.map(ts);
        let result = match change.expected_version {
            None => insert_movement(&mut tx, rec).await,
            Some(expected) => {
                sqlx::query(
                    "UPDATE movements SET version = ?, lrn = ?, mrn = ?, state = ?, live = ?,
                   office_of_destination = ?, offices = ?, time_limit = ?, updated_at = ?,
                   projection = ?, declaration = ?
                 WHERE id = ? AND version = ?",
                )
                .bind(rec.version)
                .bind(&m.lrn)
                .bind(&m.mrn)
                .bind(m.state.as_str())
                .bind(m.state.is_live())
                .bind(&m.office_of_destination)
                .bind(&offices)
                .bind(&time_limit)
                .bind(ts(rec.updated_at))
                .bind(&projection)
                .bind(&declaration)
                .bind(&id)
                .bind(expected)
                .execute(&mut *tx)
                .await
            }
        };
        match result {
            Err(e) if is_unique_violation(&e, "lrn") => {
                return Err(StoreError::DuplicateLrn {
                    holder: m.holder.clone(),
                    lrn: m.lrn.clone(),
                })
            }
            Err(e) => return Err(backend(e)),
            Ok(done) if done.rows_affected() == 0 => return Err(StoreError::Conflict),
            Ok(_) => {}
        }
        let mut seq: i64 =
            sqlx::query("SELECT COALESCE(MAX(seq), 0) FROM messages WHERE movement_id = ?")
                .bind(&id)
                .fetch_one(&mut *tx)
                .await
                .map_err(backend)?
                .get(0);
        for msg in &change.messages {
            seq += 1;
            sqlx::query(
                "INSERT INTO messages (id, movement_id, seq, message_type, direction, content_type, body, received)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(msg.id.to_string())
            .bind(&id)
            .bind(seq)
            .bind(&msg.message_type)
            .bind(msg.direction.as_str())
            .bind(&msg.content_type)
            .bind(&msg.body)
            .bind(ts(msg.received))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        for op in &change.ledger {
            let actor = change.audit.first().map_or("system", |a| a.actor.as_str());
            ledger::apply(&mut tx, op, rec.id, m.mrn.as_deref(), rec.updated_at, actor).await?;
        }
        for a in &change.attachments {
            super::controls::insert_control_attachment(&mut tx, a).await?;
        }
        for a in &change.audit {
            insert_audit(&mut tx, a).await?;
        }
        tx.commit().await.map_err(backend)
    }

    pub(super) async fn audit_impl(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await.map_err(backend)?;
        for a in entries {
            insert_audit(&mut tx, a).await?;
        }
        tx.commit().await.map_err(backend)
    }

    pub(super) async fn audit_log_impl(
        &self,
        movement_id: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = match movement_id {
            Some(id) => {
                sqlx::query(
                    "SELECT * FROM audit_log WHERE movement_id = ? ORDER BY id DESC LIMIT ?",
                )
                .bind(id.to_string())
                .bind(limit as i64)
                .fetch_all(&self.pool)
                .await
            }
            None => {
                sqlx::query("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?")
                    .bind(limit as i64)
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .map_err(backend)?;
        rows.iter()
            .map(|r| {
                let movement: Option<String> = r.get("movement_id");
                Ok(AuditEntry {
                    at: parse_ts(r.get("at"))?,
                    actor: r.get("actor"),
                    action: r.get("action"),
                    movement_id: movement
                        .as_deref()
                        .map(Uuid::parse_str)
                        .transpose()
                        .map_err(backend)?,
                    detail: r.get("detail"),
                })
            })
            .collect()
    }
}

pub(super) async fn insert_audit(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    a: &AuditEntry,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, movement_id, detail) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(ts(a.at))
    .bind(&a.actor)
    .bind(&a.action)
    .bind(a.movement_id.map(|u| u.to_string()))
    .bind(&a.detail)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Insert a new movement row.
pub(super) async fn insert_movement(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    rec: &MovementRecord,
) -> Result<sqlx::sqlite::SqliteQueryResult, sqlx::Error> {
    let m = &rec.movement;
    let projection = serde_json::to_string(m).unwrap_or_default();
    let declaration = serde_json::to_string(&rec.declaration).unwrap_or_default();
    let offices = m.offices().into_iter().collect::<Vec<_>>().join(" ");
    sqlx::query(
        "INSERT INTO movements (id, version, lrn, mrn, holder, state, live,
           office_of_departure, office_of_destination, offices, time_limit, created_at,
           updated_at, projection, declaration)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(rec.id.to_string())
    .bind(rec.version)
    .bind(&m.lrn)
    .bind(&m.mrn)
    .bind(&m.holder)
    .bind(m.state.as_str())
    .bind(m.state.is_live())
    .bind(&m.office_of_departure)
    .bind(&m.office_of_destination)
    .bind(offices)
    .bind(m.time_limit.map(ts))
    .bind(ts(rec.created_at))
    .bind(ts(rec.updated_at))
    .bind(projection)
    .bind(declaration)
    .execute(&mut **tx)
    .await
}
