//! Movements, their changes, MRN serials and the claims of overdue movements.

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgQueryResult, PgRow};
use sqlx::{PgConnection, Postgres, QueryBuilder, Row};
use uuid::Uuid;

use cats_app::store::{Change, MovementFilter, MovementRecord, StoreError};
use cats_domain::movement::MovementState;

use super::history::{insert_audit, insert_message, MessageRow};
use super::{backend, ledger, micros, pg, PgStore};

/// The partial unique index on live movements' `(holder, lrn)`.
const LIVE_LRN_INDEX: &str = "movements_live_lrn";

pub(super) fn record_from_row(r: &PgRow) -> Result<MovementRecord, StoreError> {
    Ok(MovementRecord {
        id: r.get("id"),
        version: r.get("version"),
        movement: serde_json::from_str(r.get("projection")).map_err(backend)?,
        declaration: serde_json::from_str(r.get("declaration")).map_err(backend)?,
        created_at: r.get("created_at"),
        updated_at: r.get("updated_at"),
    })
}

fn is_live_lrn_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            db.is_unique_violation() && db.constraint() == Some(LIVE_LRN_INDEX)
        }
        _ => false,
    }
}

/// The columns derived from a record: JSON texts and the space-separated offices.
struct Derived {
    projection: String,
    declaration: String,
    offices: String,
}

fn derive(rec: &MovementRecord) -> Result<Derived, StoreError> {
    let m = &rec.movement;
    Ok(Derived {
        projection: serde_json::to_string(m).map_err(backend)?,
        declaration: serde_json::to_string(&rec.declaration).map_err(backend)?,
        offices: m.offices().into_iter().collect::<Vec<_>>().join(" "),
    })
}

/// Insert a new movement row.
async fn insert_movement(
    conn: &mut PgConnection,
    rec: &MovementRecord,
) -> Result<Result<PgQueryResult, sqlx::Error>, StoreError> {
    let m = &rec.movement;
    let d = derive(rec)?;
    Ok(sqlx::query(
        "INSERT INTO movements (id, version, lrn, mrn, holder, state, live,
           office_of_departure, office_of_destination, offices, time_limit, created_at,
           updated_at, projection, declaration)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(rec.id)
    .bind(rec.version)
    .bind(&m.lrn)
    .bind(&m.mrn)
    .bind(&m.holder)
    .bind(m.state.as_str())
    .bind(m.state.is_live())
    .bind(&m.office_of_departure)
    .bind(&m.office_of_destination)
    .bind(d.offices)
    .bind(m.time_limit.map(micros))
    .bind(micros(rec.created_at))
    .bind(micros(rec.updated_at))
    .bind(d.projection)
    .bind(d.declaration)
    .execute(conn)
    .await)
}

/// Update a movement currently at version `expected`; no row affected means it changed.
async fn update_movement(
    conn: &mut PgConnection,
    rec: &MovementRecord,
    expected: i64,
) -> Result<Result<PgQueryResult, sqlx::Error>, StoreError> {
    let m = &rec.movement;
    let d = derive(rec)?;
    Ok(sqlx::query(
        "UPDATE movements SET version = $1, lrn = $2, mrn = $3, state = $4, live = $5,
           office_of_destination = $6, offices = $7, time_limit = $8, updated_at = $9,
           projection = $10, declaration = $11
         WHERE id = $12 AND version = $13",
    )
    .bind(rec.version)
    .bind(&m.lrn)
    .bind(&m.mrn)
    .bind(m.state.as_str())
    .bind(m.state.is_live())
    .bind(&m.office_of_destination)
    .bind(d.offices)
    .bind(m.time_limit.map(micros))
    .bind(micros(rec.updated_at))
    .bind(d.projection)
    .bind(d.declaration)
    .bind(rec.id)
    .bind(expected)
    .execute(conn)
    .await)
}

impl PgStore {
    pub(super) async fn next_mrn_serial_impl(
        &self,
        office: &str,
        year: i32,
    ) -> Result<u64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO mrn_serials (office, year, last) VALUES ($1, $2, 1)
             ON CONFLICT (office, year) DO UPDATE SET last = mrn_serials.last + 1
             RETURNING last",
        )
        .bind(office)
        .bind(year)
        .fetch_one(&self.pool)
        .await
        .map_err(pg)?;
        Ok(row.get::<i64, _>(0) as u64)
    }

    pub(super) async fn lrn_in_use_impl(
        &self,
        holder: &str,
        lrn: &str,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT 1 FROM movements WHERE holder = $1 AND lrn = $2 AND live")
            .bind(holder)
            .bind(lrn)
            .fetch_optional(&self.pool)
            .await
            .map_err(pg)?;
        Ok(row.is_some())
    }

    pub(super) async fn movement_impl(
        &self,
        id: Uuid,
    ) -> Result<Option<MovementRecord>, StoreError> {
        sqlx::query("SELECT * FROM movements WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(pg)?
            .as_ref()
            .map(record_from_row)
            .transpose()
    }

    pub(super) async fn movement_by_mrn_impl(
        &self,
        mrn: &str,
    ) -> Result<Option<MovementRecord>, StoreError> {
        sqlx::query("SELECT * FROM movements WHERE mrn = $1")
            .bind(mrn)
            .fetch_optional(&self.pool)
            .await
            .map_err(pg)?
            .as_ref()
            .map(record_from_row)
            .transpose()
    }

    pub(super) async fn movements_impl(
        &self,
        f: &MovementFilter,
    ) -> Result<(Vec<MovementRecord>, u64), StoreError> {
        fn conditions<'a>(q: &mut QueryBuilder<'a, Postgres>, f: &'a MovementFilter) {
            q.push(" WHERE TRUE");
            if let Some(h) = &f.holder {
                q.push(" AND holder = ").push_bind(h);
            }
            if let Some(c) = &f.office_country {
                // ILIKE: SQLite's LIKE ignores ASCII case too.
                q.push(" AND (' ' || offices) ILIKE ")
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
                q.push(" AND updated_at >= ").push_bind(micros(u));
            }
        }
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM movements");
        conditions(&mut count, f);
        let total: i64 = count
            .build()
            .fetch_one(&self.pool)
            .await
            .map_err(pg)?
            .get(0);
        let size = i64::from(f.count.clamp(1, 500));
        let offset = (i64::from(f.page.max(1)) - 1) * size;
        let mut q = QueryBuilder::new("SELECT * FROM movements");
        conditions(&mut q, f);
        q.push(" ORDER BY updated_at DESC, id LIMIT ")
            .push_bind(size)
            .push(" OFFSET ")
            .push_bind(offset);
        let rows = q.build().fetch_all(&self.pool).await.map_err(pg)?;
        let records = rows.iter().map(record_from_row).collect::<Result<_, _>>()?;
        Ok((records, total as u64))
    }

    pub(super) async fn overdue_impl(&self, now: DateTime<Utc>) -> Result<Vec<Uuid>, StoreError> {
        let rows = sqlx::query(
            "SELECT id FROM movements
             WHERE state = $1 AND time_limit IS NOT NULL AND time_limit < $2
             ORDER BY time_limit",
        )
        .bind(MovementState::ReleasedForTransit.as_str())
        .bind(micros(now))
        .fetch_all(&self.pool)
        .await
        .map_err(pg)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    /// `FOR UPDATE SKIP LOCKED`: a claimant skips the rows another claimant is claiming, and a row
    /// claimed meanwhile is re-checked on its new version, so no two claimants get the same row.
    pub(super) async fn claim_overdue_impl(
        &self,
        now: DateTime<Utc>,
        claimant: &str,
        lease: chrono::Duration,
        limit: u32,
    ) -> Result<Vec<Uuid>, StoreError> {
        let rows = sqlx::query(
            "UPDATE movements SET claimed_by = $1, claimed_until = $2
             WHERE id IN (SELECT id FROM movements
                          WHERE state = $3 AND time_limit IS NOT NULL AND time_limit < $4
                            AND (claimed_until IS NULL OR claimed_until < $4)
                          ORDER BY time_limit LIMIT $5
                          FOR UPDATE SKIP LOCKED)
             RETURNING id",
        )
        .bind(claimant)
        .bind(micros(now + lease))
        .bind(MovementState::ReleasedForTransit.as_str())
        .bind(micros(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(pg)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    pub(super) async fn commit_impl(&self, change: Change) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(pg)?;
        let rec = &change.record;
        let m = &rec.movement;
        // The insert, or the versioned update, locks the movement's row until commit: writers of
        // one movement are serialised from here on, so max(seq) + 1 below is theirs alone.
        let result = match change.expected_version {
            None => insert_movement(&mut tx, rec).await?,
            Some(expected) => update_movement(&mut tx, rec, expected).await?,
        };
        match result {
            Err(e) if is_live_lrn_violation(&e) => {
                return Err(StoreError::DuplicateLrn {
                    holder: m.holder.clone(),
                    lrn: m.lrn.clone(),
                })
            }
            Err(e) => return Err(pg(e)),
            Ok(done) if done.rows_affected() == 0 => return Err(StoreError::Conflict),
            Ok(_) => {}
        }
        if !change.messages.is_empty() {
            let mut seq: i64 = sqlx::query(
                "SELECT COALESCE(MAX(seq), 0)::BIGINT FROM messages WHERE movement_id = $1",
            )
            .bind(rec.id)
            .fetch_one(&mut *tx)
            .await
            .map_err(pg)?
            .get(0);
            for msg in &change.messages {
                seq += 1;
                insert_message(&mut tx, MessageRow::new(msg, rec.id, seq)).await?;
            }
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
        tx.commit().await.map_err(pg)
    }
}
