//! Support requests (issue 18): `support_requests`, their threads (`support_messages`) and the
//! serial of their references (`support_serials`). A step is one transaction with its
//! notifications (fanned out into their deliveries) and audit entries.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use cats_app::auth::Role;
use cats_app::store::support::{
    SupportChange, SupportFilter, SupportMessage, SupportRequest, SupportStatus, SupportStore,
};
use cats_app::store::StoreError;
use cats_domain::ids::{CountryCode, Eori};

use crate::sql::{Db, Row, Sql};
use crate::store::SqlStore;

fn request_from_row(r: &Row) -> Result<SupportRequest, StoreError> {
    Ok(SupportRequest {
        id: r.id("id")?,
        serial: r.int("serial")?,
        version: r.int("version")?,
        requester: r.text("requester")?,
        role: r.parsed("role", |s| Role::parse(s).ok_or("not a role"))?,
        party: r.opt_ident("party", Eori::parse)?,
        country: r.opt_ident("country", CountryCode::parse)?,
        page: r.opt_text("page")?,
        movement_id: r.opt_id("movement_id")?,
        movement_ref: r.opt_text("movement_ref")?,
        subject: r.text("subject")?,
        status: r.parsed("status", |s| {
            SupportStatus::parse(s).ok_or("not a support request status")
        })?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
        answered_at: r.opt_time("answered_at")?,
        seen_at: r.opt_time("seen_at")?,
        messages: Vec::new(),
    })
}

fn message_from_row(r: &Row) -> Result<(Uuid, SupportMessage), StoreError> {
    Ok((
        r.id("request_id")?,
        SupportMessage {
            id: r.id("id")?,
            author: r.text("author")?,
            from_support: r.flag("from_support")?,
            text: r.text("text")?,
            at: r.time("at")?,
        },
    ))
}

async fn insert_request(db: &mut Db<'_>, r: &SupportRequest) -> Result<(), StoreError> {
    Sql::new(
        "INSERT INTO support_requests (id, serial, version, requester, role, party, country,
           page, movement_id, movement_ref, subject, status, created_at, updated_at,
           answered_at, seen_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(r.id)
    .bind(r.serial)
    .bind(r.version)
    .bind(&r.requester)
    .bind(r.role.as_str())
    .bind(&r.party)
    .bind(&r.country)
    .bind(&r.page)
    .bind(r.movement_id)
    .bind(&r.movement_ref)
    .bind(&r.subject)
    .bind(r.status.as_str())
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.answered_at)
    .bind(r.seen_at)
    .execute(db)
    .await?;
    Ok(())
}

/// The request's step, at the version it was loaded at; a later opening by the requester
/// (`seen_at`) is kept. Errors: [`StoreError::Conflict`] when it is no longer at `expected`.
async fn update_request(
    db: &mut Db<'_>,
    r: &SupportRequest,
    expected: i64,
) -> Result<(), StoreError> {
    let n = Sql::new(
        "UPDATE support_requests SET version = $3, status = $4, updated_at = $5,
           answered_at = $6,
           seen_at = CASE WHEN $7 IS NOT NULL AND (seen_at IS NULL OR seen_at < $7)
                          THEN $7 ELSE seen_at END
         WHERE id = $1 AND version = $2",
    )
    .bind(r.id)
    .bind(expected)
    .bind(r.version)
    .bind(r.status.as_str())
    .bind(r.updated_at)
    .bind(r.answered_at)
    .bind(r.seen_at)
    .execute(db)
    .await?;
    if n == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

async fn insert_message(
    db: &mut Db<'_>,
    request: Uuid,
    m: &SupportMessage,
) -> Result<(), StoreError> {
    Sql::new(
        "INSERT INTO support_messages (id, request_id, author, from_support, text, at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(m.id)
    .bind(request)
    .bind(&m.author)
    .bind(m.from_support)
    .bind(&m.text)
    .bind(m.at)
    .execute(db)
    .await?;
    Ok(())
}

async fn commit(db: &mut Db<'_>, c: &SupportChange) -> Result<(), StoreError> {
    match c.expected_version {
        None => {
            let exists = Sql::new("SELECT 1 AS one FROM support_requests WHERE id = $1")
                .bind(c.request.id)
                .fetch_optional(db)
                .await?;
            if exists.is_some() {
                return Err(StoreError::Conflict);
            }
            insert_request(db, &c.request).await?
        }
        Some(v) => update_request(db, &c.request, v).await?,
    }
    for m in &c.messages {
        insert_message(db, c.request.id, m).await?;
    }
    for n in &c.notifications {
        crate::registry::insert_notification(db, n).await?;
    }
    for a in &c.audit {
        crate::history::insert_audit(db, a).await?;
    }
    Ok(())
}

async fn thread(db: &mut Db<'_>, id: Uuid) -> Result<Vec<SupportMessage>, StoreError> {
    Sql::new("SELECT * FROM support_messages WHERE request_id = $1 ORDER BY at, id")
        .bind(id)
        .fetch_all(db)
        .await?
        .iter()
        .map(|r| message_from_row(r).map(|(_, m)| m))
        .collect()
}

#[async_trait]
impl SupportStore for SqlStore {
    async fn next_support_serial(&self) -> Result<i64, StoreError> {
        self.pool
            .write(|pool| async move {
                let mut tx = pool.begin().await?;
                let last = Sql::new(
                    "INSERT INTO support_serials (name, last) VALUES ('support', 1)
                     ON CONFLICT (name) DO UPDATE SET last = support_serials.last + 1
                     RETURNING last",
                )
                .fetch_one(&mut tx.db())
                .await?
                .int("last")?;
                tx.commit().await?;
                Ok(last)
            })
            .await
    }

    async fn commit_support(&self, change: SupportChange) -> Result<(), StoreError> {
        self.pool
            .write(|pool| async move {
                let mut tx = pool.begin().await?;
                commit(&mut tx.db(), &change).await?;
                tx.commit().await
            })
            .await
    }

    async fn support_request(&self, id: Uuid) -> Result<Option<SupportRequest>, StoreError> {
        let mut tx = self.pool.begin_read().await?;
        let found = Sql::new("SELECT * FROM support_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut tx.db())
            .await?;
        let Some(row) = found else {
            return Ok(None);
        };
        let mut r = request_from_row(&row)?;
        r.messages = thread(&mut tx.db(), id).await?;
        tx.commit().await?;
        Ok(Some(r))
    }

    async fn support_requests(
        &self,
        filter: &SupportFilter,
    ) -> Result<Vec<SupportRequest>, StoreError> {
        let mut q = Sql::new("SELECT * FROM support_requests WHERE TRUE");
        if let Some(u) = &filter.requester {
            q.and(" AND requester = ", u.as_str());
        }
        if let Some(p) = &filter.party {
            q.and(" AND party = ", p);
        }
        if let Some(s) = filter.status {
            q.and(" AND status = ", s.as_str());
        }
        q.push(if filter.open_first {
            " ORDER BY CASE status WHEN 'open' THEN 0 WHEN 'answered' THEN 1 ELSE 2 END,
               updated_at DESC, id"
        } else {
            " ORDER BY updated_at DESC, id"
        });
        q.and(" LIMIT ", i64::from(filter.limit.max(1)));
        q.fetch_all(&mut self.pool.db())
            .await?
            .iter()
            .map(request_from_row)
            .collect()
    }

    async fn support_seen(&self, id: Uuid, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.pool
            .write(move |pool| async move {
                let mut tx = pool.begin().await?;
                Sql::new(
                    "UPDATE support_requests SET seen_at = $2
                     WHERE id = $1 AND (seen_at IS NULL OR seen_at < $2)",
                )
                .bind(id)
                .bind(at)
                .execute(&mut tx.db())
                .await?;
                tx.commit().await
            })
            .await
    }

    async fn support_unseen(&self, username: &str) -> Result<i64, StoreError> {
        Sql::new(
            "SELECT COUNT(*) AS n FROM support_requests
             WHERE requester = $1 AND answered_at IS NOT NULL
               AND (seen_at IS NULL OR seen_at < answered_at)",
        )
        .bind(username)
        .fetch_one(&mut self.pool.db())
        .await?
        .int("n")
    }

    async fn support_waiting(&self) -> Result<i64, StoreError> {
        Sql::new("SELECT COUNT(*) AS n FROM support_requests WHERE status = 'open'")
            .fetch_one(&mut self.pool.db())
            .await?
            .int("n")
    }
}

/// Every request with its thread, by serial (for dumps).
pub(crate) async fn dump(db: &mut Db<'_>) -> Result<Vec<SupportRequest>, StoreError> {
    let mut all: Vec<SupportRequest> = Sql::new("SELECT * FROM support_requests ORDER BY serial")
        .fetch_all(db)
        .await?
        .iter()
        .map(request_from_row)
        .collect::<Result<_, _>>()?;
    let index: std::collections::HashMap<Uuid, usize> =
        all.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    for row in Sql::new("SELECT * FROM support_messages ORDER BY at, id")
        .fetch_all(db)
        .await?
    {
        let (request, m) = message_from_row(&row)?;
        let i = index.get(&request).ok_or_else(|| {
            StoreError::corrupt(format!("support message {} of no request", m.id))
        })?;
        all[*i].messages.push(m);
    }
    Ok(all)
}

/// Put requests with their threads into an empty store; the serial goes on from the highest.
pub(crate) async fn restore(db: &mut Db<'_>, all: &[SupportRequest]) -> Result<(), StoreError> {
    for r in all {
        insert_request(db, r).await?;
        for m in &r.messages {
            insert_message(db, r.id, m).await?;
        }
    }
    if let Some(last) = all.iter().map(|r| r.serial).max() {
        Sql::new("INSERT INTO support_serials (name, last) VALUES ('support', $1)")
            .bind(last)
            .execute(db)
            .await?;
    }
    Ok(())
}
