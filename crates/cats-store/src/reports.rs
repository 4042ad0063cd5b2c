//! What reports read besides movements (issue 17): the node's runs (`node_runs`), a period of
//! the audit log, the ICE outbox and the webhook deliveries, every guarantee, and the saved
//! custom reports (`saved_reports`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use cats_app::reports::store::{ReportStore, SavedReport, Sharing};
use cats_app::store::{AuditEntry, MovementFilter, MovementRecord, StoreError};
use cats_domain::ids::{CountryCode, Eori, NodeId, OfficeRef};
use cats_domain::ledger::Guarantee;
use cats_domain::reports::kpi::{Channel, Sent};
use cats_domain::reports::uptime::Run;

use crate::sql::{Arg, Db, Row, Sql};
use crate::store::SqlStore;

fn saved_from_row(r: &Row) -> Result<SavedReport, StoreError> {
    Ok(SavedReport {
        id: r.id("id")?,
        name: r.text("name")?,
        owner: r.text("owner")?,
        party: r.opt_ident("party", Eori::parse)?,
        country: r.opt_ident("country", CountryCode::parse)?,
        offices: r
            .text("offices")?
            .split_whitespace()
            .map(OfficeRef::parse)
            .collect::<Result<_, _>>()
            .map_err(|e| StoreError::corrupt(format!("saved report offices: {e}")))?,
        shared: r.parsed("shared", |s| Sharing::parse(s).ok_or("not a sharing"))?,
        definition: r.json("definition")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

#[async_trait]
impl ReportStore for SqlStore {
    async fn report_batch(
        &self,
        filter: &MovementFilter,
        after: Option<(DateTime<Utc>, Uuid)>,
        declarations: bool,
        limit: i64,
    ) -> Result<Vec<MovementRecord>, StoreError> {
        crate::movements::report_batch(&mut self.pool.long(), filter, after, declarations, limit)
            .await
    }

    async fn run_started(
        &self,
        run: Uuid,
        at: DateTime<Utc>,
        version: &str,
    ) -> Result<(), StoreError> {
        let version = version.to_string();
        self.pool
            .write(move |pool| async move {
                let mut tx = pool.begin().await?;
                Sql::new(
                    "INSERT INTO node_runs (id, started_at, last_seen_at, version)
                     VALUES ($1, $2, $2, $3)",
                )
                .bind(run)
                .bind(at)
                .bind(version)
                .execute(&mut tx.db())
                .await?;
                tx.commit().await
            })
            .await
    }

    async fn run_heartbeat(&self, run: Uuid, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.touch_run(run, at, false).await
    }

    async fn run_stopped(&self, run: Uuid, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.touch_run(run, at, true).await
    }

    async fn runs(&self, since: DateTime<Utc>) -> Result<Vec<Run>, StoreError> {
        // The runs up at or after `since`, and the last one before them: the node's first start
        // decides where downtime starts counting.
        let mut rows = Sql::new(
            "SELECT started_at, last_seen_at, stopped_at FROM node_runs
             WHERE last_seen_at >= $1 ORDER BY started_at",
        )
        .bind(since)
        .fetch_all(&mut self.pool.db())
        .await?;
        rows.extend(
            Sql::new(
                "SELECT started_at, last_seen_at, stopped_at FROM node_runs
                 WHERE last_seen_at < $1 ORDER BY last_seen_at DESC LIMIT 1",
            )
            .bind(since)
            .fetch_all(&mut self.pool.db())
            .await?,
        );
        rows.iter().map(run_from_row).collect()
    }

    async fn audit_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        Sql::new("SELECT * FROM audit_log WHERE at >= $1 AND at < $2 ORDER BY id")
            .bind(from)
            .bind(to)
            .fetch_all(&mut self.pool.long())
            .await?
            .iter()
            .map(crate::history::audit_from_row)
            .collect()
    }

    async fn ice_sent(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Sent>, StoreError> {
        Sql::new(
            "SELECT peer, message_type, created_at, status, settled_at FROM ice_outbox
             WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&mut self.pool.long())
        .await?
        .iter()
        .map(|r| {
            Ok(Sent {
                channel: Channel::Ice,
                peer: Some(r.ident("peer", NodeId::parse)?),
                message_type: r.text("message_type")?,
                created_at: r.time("created_at")?,
                acknowledged_at: match r.text("status")?.as_str() {
                    "delivered" => r.opt_time("settled_at")?,
                    _ => None,
                },
            })
        })
        .collect()
    }

    async fn push_sent(
        &self,
        party: Option<&Eori>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Sent>, StoreError> {
        Sql::new(
            "SELECT created_at, status, delivered_at FROM notification_deliveries
             WHERE channel = 'webhook' AND created_at >= $1 AND created_at < $2
               AND ($3 IS NULL OR party = $3)
             ORDER BY created_at",
        )
        .bind(from)
        .bind(to)
        .bind(Arg::Text(party.map(|p| p.as_str().into())))
        .fetch_all(&mut self.pool.long())
        .await?
        .iter()
        .map(|r| {
            Ok(Sent {
                channel: Channel::Push,
                peer: None,
                message_type: "webhook".into(),
                created_at: r.time("created_at")?,
                acknowledged_at: match r.text("status")?.as_str() {
                    "delivered" => r.opt_time("delivered_at")?,
                    _ => None,
                },
            })
        })
        .collect()
    }

    async fn all_guarantees(&self) -> Result<Vec<Guarantee>, StoreError> {
        crate::ledger::guarantees(&mut self.pool.db()).await
    }

    async fn save_report(&self, report: &SavedReport) -> Result<(), StoreError> {
        let definition = definition_json(report)?;
        let r = report.clone();
        self.pool
            .write(move |pool| async move {
                let mut tx = pool.begin().await?;
                insert_saved(&mut tx.db(), &r, definition).await?;
                tx.commit().await
            })
            .await
    }

    async fn saved_reports(&self) -> Result<Vec<SavedReport>, StoreError> {
        dump_saved(&mut self.pool.db()).await
    }

    async fn delete_report(&self, id: Uuid) -> Result<bool, StoreError> {
        self.pool
            .write(move |pool| async move {
                let mut tx = pool.begin().await?;
                let n = Sql::new("DELETE FROM saved_reports WHERE id = $1")
                    .bind(id)
                    .execute(&mut tx.db())
                    .await?;
                tx.commit().await?;
                Ok(n > 0)
            })
            .await
    }
}

impl SqlStore {
    /// A run seen up at `at`, and stopped cleanly then when `stopped`.
    async fn touch_run(
        &self,
        run: Uuid,
        at: DateTime<Utc>,
        stopped: bool,
    ) -> Result<(), StoreError> {
        self.pool
            .write(move |pool| async move {
                let mut tx = pool.begin().await?;
                Sql::new(if stopped {
                    "UPDATE node_runs SET last_seen_at = $1, stopped_at = $1 WHERE id = $2"
                } else {
                    "UPDATE node_runs SET last_seen_at = $1 WHERE id = $2"
                })
                .bind(at)
                .bind(run)
                .execute(&mut tx.db())
                .await?;
                tx.commit().await
            })
            .await
    }
}

fn definition_json(r: &SavedReport) -> Result<String, StoreError> {
    serde_json::to_string(&r.definition)
        .map_err(|e| StoreError::backend("a report definition as JSON", e))
}

async fn insert_saved(
    db: &mut Db<'_>,
    r: &SavedReport,
    definition: String,
) -> Result<(), StoreError> {
    Sql::new(
        "INSERT INTO saved_reports
           (id, name, owner, party, country, offices, shared, definition, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $10, $6, $7, $8, $9)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name,
           shared = EXCLUDED.shared, definition = EXCLUDED.definition,
           updated_at = EXCLUDED.updated_at",
    )
    .bind(r.id)
    .bind(&r.name)
    .bind(&r.owner)
    .bind(&r.party)
    .bind(&r.country)
    .bind(r.shared.as_str())
    .bind(Arg::Json(definition))
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(
        r.offices
            .iter()
            .map(|o| o.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Every saved report, newest first.
pub(crate) async fn dump_saved(db: &mut Db<'_>) -> Result<Vec<SavedReport>, StoreError> {
    Sql::new("SELECT * FROM saved_reports ORDER BY updated_at DESC, id")
        .fetch_all(db)
        .await?
        .iter()
        .map(saved_from_row)
        .collect()
}

/// Every run of the node, oldest first.
pub(crate) async fn dump_runs(db: &mut Db<'_>) -> Result<Vec<Run>, StoreError> {
    Sql::new("SELECT started_at, last_seen_at, stopped_at FROM node_runs ORDER BY started_at")
        .fetch_all(db)
        .await?
        .iter()
        .map(run_from_row)
        .collect()
}

fn run_from_row(r: &Row) -> Result<Run, StoreError> {
    Ok(Run {
        started_at: r.time("started_at")?,
        last_seen_at: r.time("last_seen_at")?,
        stopped_at: r.opt_time("stopped_at")?,
    })
}

/// Put saved reports and runs into an empty store (runs under new ids, version `copied`).
pub(crate) async fn restore(
    db: &mut Db<'_>,
    saved: &[SavedReport],
    runs: &[Run],
) -> Result<(), StoreError> {
    for r in saved {
        insert_saved(db, r, definition_json(r)?).await?;
    }
    for run in runs {
        Sql::new(
            "INSERT INTO node_runs (id, started_at, last_seen_at, stopped_at, version)
             VALUES ($1, $2, $3, $4, 'copied')",
        )
        .bind(Uuid::new_v4())
        .bind(run.started_at)
        .bind(run.last_seen_at)
        .bind(run.stopped_at)
        .execute(db)
        .await?;
    }
    Ok(())
}
