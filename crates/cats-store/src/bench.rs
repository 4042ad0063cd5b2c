//! What `cats bench` asks of the store. The storage ceiling of `cats bench ceiling`: how many
//! one-row write transactions per second this database commits on this machine, through the
//! node's own pool, writer (SQLite) and durability settings, each commit alone; `cats bench
//! lodge` reports its throughput as a share of it. Bulk movements for `cats bench fill`, and
//! planner statistics after them; the bytes each table takes, for `cats bench lifecycle`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cats_app::store::{MovementRecord, StoreError};
use cats_domain::ids::{Eori, Lrn, Mrn};

use crate::sql::Sql;
use crate::SqlStore;

/// What [`SqlStore::measure_commits`] measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ceiling {
    /// Transactions committed (each one `INSERT` of one row).
    pub commits: usize,
    /// Bytes in each row's payload.
    pub row_bytes: usize,
    /// Writers at once.
    pub concurrency: usize,
    /// Wall-clock time of all commits.
    pub elapsed: Duration,
}

impl Ceiling {
    /// Commits per second.
    pub fn per_second(&self) -> f64 {
        self.commits as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }
}

/// One movement of [`SqlStore::sample_movements`].
#[derive(Debug, Clone, PartialEq)]
pub struct Sampled {
    /// The holder of the transit procedure (EORI).
    pub holder: Eori,
    /// Its MRN, once released for transit.
    pub mrn: Option<Mrn>,
    /// Its LRN.
    pub lrn: Lrn,
}

impl SqlStore {
    /// Bytes each table and index takes on a SQLite database (its pages, from SQLite's `dbstat`
    /// table), largest first; `None` on PostgreSQL.
    ///
    /// Errors: the statement fails.
    pub async fn bytes_by_table(&self) -> Result<Option<Vec<(String, u64)>>, StoreError> {
        if let crate::sql::Pool::Postgres(_) = self.pool {
            return Ok(None);
        }
        let rows = Sql::new(
            "SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC",
        )
        .fetch_all(&mut self.pool.db())
        .await?;
        rows.iter()
            .map(|r| Ok((r.text("name")?, u64::try_from(r.int("bytes")?).unwrap_or(0))))
            .collect::<Result<Vec<_>, StoreError>>()
            .map(Some)
    }

    /// Gather PostgreSQL's planner statistics now (`ANALYZE`), as autovacuum would some time
    /// after a bulk load; without them a list by LRN on a million fresh rows walks the whole
    /// newest-first index (measured: 360 ms instead of 0.04 ms). Nothing on SQLite, which plans
    /// without statistics (`plans_tests.rs` checks its plans).
    ///
    /// Errors: the statement fails.
    pub async fn analyze(&self) -> Result<(), StoreError> {
        if let crate::sql::Pool::Postgres(_) = self.pool {
            Sql::new("ANALYZE").execute(&mut self.pool.db()).await?;
        }
        Ok(())
    }

    /// Insert `records` as new movements, in one transaction that commits alone: the movement
    /// rows only (no messages, ledger operations or audit entries), which is what lists and
    /// work queues read. For `cats bench fill`, which makes databases of millions of movements;
    /// a use case commits a [`cats_app::store::Change`] instead.
    ///
    /// Errors: a record's LRN is live for its holder already, its id or MRN exists, or a
    /// statement fails (then none of `records` is stored).
    pub async fn insert_movements(&self, records: &[MovementRecord]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_alone().await?;
        for record in records {
            crate::movements::insert_movement(&mut tx.db(), record)
                .await?
                .map_err(|e| crate::sql::db_error("INSERT INTO movements", e))?;
        }
        tx.commit().await
    }

    /// Up to `n` movements spread evenly over a SQLite database's movements table (one every
    /// `max(rowid) / n` rows, so a filled database's oldest and newest alike): their holders,
    /// MRNs (`None` before release) and LRNs, for `cats bench lists` to ask about what a kept
    /// database holds. Reads `n` rows by rowid, however many are stored.
    ///
    /// Errors: [`StoreError::Backend`] on PostgreSQL (a kept bench database is a SQLite file),
    /// a statement failing, or a stored identifier that does not parse.
    pub async fn sample_movements(&self, n: usize) -> Result<Vec<Sampled>, StoreError> {
        if let crate::sql::Pool::Postgres(_) = self.pool {
            return Err(StoreError::Backend {
                context: "sampling movements: only a SQLite database is sampled by rowid".into(),
                source: None,
            });
        }
        let last = Sql::new("SELECT COALESCE(MAX(rowid), 0) AS last FROM movements")
            .fetch_one(&mut self.pool.db())
            .await?
            .int("last")?;
        let step = (last / i64::try_from(n.max(1)).unwrap_or(i64::MAX)).max(1);
        let rows = Sql::new(
            "WITH RECURSIVE k(r) AS (SELECT 1 UNION ALL SELECT r + $1 FROM k WHERE r + $1 <= $2)
             SELECT m.holder, m.mrn, m.lrn FROM k JOIN movements m ON m.rowid = k.r",
        )
        .bind(step)
        .bind(last)
        .fetch_all(&mut self.pool.db())
        .await?;
        let parsed = |col: &str, v: String| StoreError::corrupt(format!("stored {col} {v:?}"));
        rows.iter()
            .map(|r| {
                let holder = r.text("holder")?;
                let lrn = r.text("lrn")?;
                Ok(Sampled {
                    holder: holder.parse().map_err(|_| parsed("holder", holder))?,
                    mrn: match r.opt_text("mrn")? {
                        Some(m) => Some(m.parse().map_err(|_| parsed("mrn", m))?),
                        None => None,
                    },
                    lrn: lrn.parse().map_err(|_| parsed("lrn", lrn))?,
                })
            })
            .collect()
    }

    /// Commit `commits` write transactions of one `row_bytes`-byte row each from `concurrency`
    /// writers at once, into the scratch table `bench_ceiling` (created, then dropped), calling
    /// `progress` after each commit.
    ///
    /// Each transaction commits alone, with the node's connection setup (on SQLite: the writer,
    /// `BEGIN IMMEDIATE`, `synchronous=FULL` in WAL mode, one disk sync per commit, where a use
    /// case's commits are grouped; on PostgreSQL: `synchronous_commit` as the server has it).
    /// Errors: any statement failing.
    pub async fn measure_commits(
        &self,
        commits: usize,
        row_bytes: usize,
        concurrency: usize,
        progress: &(dyn Fn() + Sync),
    ) -> Result<Ceiling, StoreError> {
        let create = match self.pool {
            crate::sql::Pool::Sqlite(..) => {
                "CREATE TABLE IF NOT EXISTS bench_ceiling (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)"
            }
            crate::sql::Pool::Postgres(_) => {
                "CREATE TABLE IF NOT EXISTS bench_ceiling (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)"
            }
        };
        Sql::new(create).execute(&mut self.pool.db()).await?;
        Sql::new("DELETE FROM bench_ceiling")
            .execute(&mut self.pool.db())
            .await?;
        let payload = "x".repeat(row_bytes);
        let next = AtomicUsize::new(0);
        let started = Instant::now();
        let writer = || async {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= commits {
                    return Ok::<(), StoreError>(());
                }
                let mut tx = self.pool.begin_alone().await?;
                Sql::new("INSERT INTO bench_ceiling (id, payload) VALUES ($1, $2)")
                    .bind(i as i64)
                    .bind(payload.as_str())
                    .execute(&mut tx.db())
                    .await?;
                tx.commit().await?;
                progress();
            }
        };
        let writers: Vec<_> = (0..concurrency.max(1)).map(|_| writer()).collect();
        let results = futures_util::future::join_all(writers).await;
        let elapsed = started.elapsed();
        Sql::new("DROP TABLE bench_ceiling")
            .execute(&mut self.pool.db())
            .await?;
        results.into_iter().collect::<Result<Vec<()>, _>>()?;
        Ok(Ceiling {
            commits,
            row_bytes,
            concurrency: concurrency.max(1),
            elapsed,
        })
    }
}
