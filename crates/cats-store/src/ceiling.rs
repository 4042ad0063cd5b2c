//! The storage ceiling of `cats bench ceiling`: how many one-row write transactions per second
//! this database commits on this machine, through the node's own pool, writer lock (SQLite) and
//! durability settings. A node cannot commit lodgings faster than this; `cats bench lodge`
//! reports its throughput as a share of it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cats_app::store::StoreError;

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

impl SqlStore {
    /// Commit `commits` write transactions of one `row_bytes`-byte row each from `concurrency`
    /// writers at once, into the scratch table `bench_ceiling` (created, then dropped), calling
    /// `progress` after each commit.
    ///
    /// Each transaction is begun, written and committed exactly as a use case's (on SQLite:
    /// the writer lock, `BEGIN IMMEDIATE`, `synchronous=FULL` in WAL mode; on PostgreSQL:
    /// `synchronous_commit` as the server has it). Errors: any statement failing.
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
                let mut tx = self.pool.begin().await?;
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
