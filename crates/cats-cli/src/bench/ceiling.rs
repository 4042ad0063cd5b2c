//! `cats bench ceiling`: one-row write transactions per second on a fresh database of the same
//! kind, opened as the node opens it (SQLite: WAL, `synchronous=FULL`, the writer, each commit
//! alone rather than grouped; PostgreSQL: the server's `synchronous_commit`). A node that
//! committed each lodging alone could not pass it; group commit shares one among several.

use clap::Args;
use serde::Serialize;

use cats_store::{Ceiling, DbSettings, SqlStore};

use super::report::{self, thousands};

/// Bytes a lodging of the benchmark declaration adds to the database (the compacted size after
/// `cats bench lodge`, divided by the lodgings; `docs/performance.md`).
pub const LODGING_BYTES: usize = 12_000;

/// Arguments of `cats bench ceiling`.
#[derive(Debug, Args)]
pub struct CeilingArgs {
    /// Transactions to commit.
    #[arg(long, default_value_t = 5_000)]
    commits: usize,
    /// Bytes written by each (default: what a lodging writes).
    #[arg(long, default_value_t = LODGING_BYTES)]
    row_bytes: usize,
    /// Writers at once.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    #[command(flatten)]
    common: super::Common,
}

/// The result of `cats bench ceiling`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CeilingResult {
    /// What the database is.
    pub database: String,
    /// Transactions committed.
    pub commits: usize,
    /// Bytes per transaction.
    pub row_bytes: usize,
    /// Writers at once.
    pub concurrency: usize,
    /// Seconds taken.
    pub seconds: f64,
    /// Commits per second.
    pub commits_per_second: f64,
}

/// Measure the ceiling on a fresh database: `database_url` (PostgreSQL) or a new SQLite file.
pub async fn measure(
    database_url: Option<&str>,
    commits: usize,
    row_bytes: usize,
    concurrency: usize,
) -> anyhow::Result<CeilingResult> {
    let temp = tempfile::tempdir()?;
    let (store, database) = match database_url {
        Some(url) => (
            SqlStore::connect_postgres(url, &DbSettings::default()).await?,
            "PostgreSQL".to_string(),
        ),
        None => {
            let path = temp.path().join(cats_store::SQLITE_FILE);
            let store = SqlStore::open_sqlite(&path).await?;
            (store, format!("SQLite {}", path.display()))
        }
    };
    let bar = report::bar(commits, "commits");
    let ceiling: Ceiling = store
        .measure_commits(commits, row_bytes, concurrency, &|| bar.inc(1))
        .await?;
    bar.finish_and_clear();
    store.close().await;
    Ok(CeilingResult {
        database,
        commits,
        row_bytes,
        concurrency: ceiling.concurrency,
        seconds: ceiling.elapsed.as_secs_f64(),
        commits_per_second: ceiling.per_second(),
    })
}

/// Run `cats bench ceiling`.
pub async fn run(args: CeilingArgs) -> anyhow::Result<()> {
    let result = measure(
        args.common.database_url.as_deref(),
        args.commits,
        args.row_bytes,
        args.concurrency,
    )
    .await?;
    let rows = [
        ("database", result.database.clone()),
        (
            "commits",
            format!(
                "{} of {} bytes, {} writers, in {:.2} s",
                thousands(result.commits as f64),
                thousands(result.row_bytes as f64),
                result.concurrency,
                result.seconds
            ),
        ),
        (
            "ceiling",
            format!("{} commits/s", thousands(result.commits_per_second)),
        ),
    ];
    report::print(args.common.json, "storage ceiling", &rows, &result);
    Ok(())
}
