//! The lists and queues people wait for on a filled database, as `cats bench fill` times them
//! after filling and `cats bench lists` times them again on a database that `cats bench fill
//! --keep DIR` kept:
//!
//! * warm (the default): the file in the operating system's page cache, as on a busy node;
//! * `--cold`: before each run the database file and its write-ahead log are dropped from the
//!   page cache (`posix_fadvise(POSIX_FADV_DONTNEED)` after a sync) and the store is opened
//!   afresh (an empty SQLite page cache), so each run reads from disk what it needs: the first
//!   question after a restart, or after other work pushed the file out of memory.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use chrono::{DateTime, Utc};
use clap::Args;
use serde::Serialize;

use cats_app::store::{MovementFilter, Store};
use cats_domain::ids::{CountryCode, Eori, Lrn, Mrn};
use cats_domain::movement::MovementState;
use cats_domain::risk::RiskPolicy;
use cats_store::{Database, SqlStore};

use super::report::{self, Latencies};
use crate::config::Location;
use crate::node;

/// Arguments of `cats bench lists`.
#[derive(Debug, Args)]
pub struct ListsArgs {
    /// The data directory `cats bench fill --keep DIR` kept (its SQLite database).
    #[arg(long)]
    data_dir: PathBuf,
    /// Drop the database from the page cache and open the store afresh before each run.
    #[arg(long)]
    cold: bool,
    /// Runs of each query (default 200 warm, 20 cold).
    #[arg(long)]
    queries: Option<usize>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// One query's latencies.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Query {
    pub name: &'static str,
    pub runs: usize,
    pub latency: Latencies,
}

/// What the queries ask about: holders of the transit procedure, MRNs and LRNs of stored
/// movements (each run picks one by its number).
pub(super) struct Samples {
    pub holders: Vec<Eori>,
    pub mrns: Vec<Mrn>,
    pub lrns: Vec<Lrn>,
}

/// The queries, in the order they are timed and printed.
const NAMES: [&str; 9] = [
    "trader's list, newest 50",
    "trader's list, page 10",
    "trader's list, released for transit",
    "officer's list, newest 50",
    "officer's work queue (500 newest)",
    "officer's list, arrived",
    "overdue movements (the enquiry worker)",
    "search by MRN",
    "search by LRN",
];

/// Query `q` of [`NAMES`], run `i`: a list (its filter) or the overdue movements at a time.
enum Ask {
    List(MovementFilter),
    Overdue(DateTime<Utc>),
}

fn ask(q: usize, s: &Samples, i: usize, now: DateTime<Utc>) -> anyhow::Result<Ask> {
    let pick = |n: usize| (i * 7919) % n.max(1);
    let kz: CountryCode = "KZ".parse()?;
    let trader = |page: u32, state: Option<MovementState>| MovementFilter {
        holder: s.holders.get(pick(s.holders.len())).cloned(),
        state,
        page,
        count: 50,
        ..Default::default()
    };
    let officer = |count: u32, state: Option<MovementState>| MovementFilter {
        office_country: Some(kz),
        state,
        page: 1,
        count,
        ..Default::default()
    };
    Ok(match q {
        0 => Ask::List(trader(1, None)),
        1 => Ask::List(trader(10, None)),
        2 => Ask::List(trader(1, Some(MovementState::ReleasedForTransit))),
        3 => Ask::List(officer(50, None)),
        4 => Ask::List(officer(500, None)),
        5 => Ask::List(officer(50, Some(MovementState::Arrived))),
        6 => Ask::Overdue(now),
        7 => Ask::List(MovementFilter {
            mrn: Some(s.mrns.get(pick(s.mrns.len())).cloned().context("no MRN")?),
            ..Default::default()
        }),
        _ => Ask::List(MovementFilter {
            lrn: Some(s.lrns.get(pick(s.lrns.len())).cloned().context("no LRN")?),
            ..Default::default()
        }),
    })
}

async fn answer(store: &dyn Store, ask: &Ask) -> anyhow::Result<()> {
    match ask {
        Ask::List(f) => {
            store.movements(f).await?;
        }
        Ask::Overdue(now) => {
            store.overdue(*now).await?;
        }
    }
    Ok(())
}

/// Run `query` `runs` times and summarise.
pub(super) async fn measure<F, Fut>(
    name: &'static str,
    runs: usize,
    mut query: F,
) -> anyhow::Result<Query>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let mut samples = Vec::with_capacity(runs);
    for i in 0..runs {
        let started = Instant::now();
        query(i).await?;
        samples.push(started.elapsed());
    }
    Ok(Query {
        name,
        runs,
        latency: Latencies::of(samples),
    })
}

/// The lists and queues, each run `runs` times on `store` as it is (warm).
pub(super) async fn warm(
    store: &dyn Store,
    samples: &Samples,
    runs: usize,
) -> anyhow::Result<Vec<Query>> {
    let now = Utc::now();
    let mut out = Vec::new();
    for (q, name) in NAMES.into_iter().enumerate() {
        out.push(
            measure(name, runs, |i| async move {
                answer(store, &ask(q, samples, i, now)?).await
            })
            .await?,
        );
    }
    Ok(out)
}

/// The lists and queues, each run `runs` times on the SQLite database `path`, each run from
/// disk: the file out of the page cache, the store opened afresh (not timed).
async fn cold(path: &Path, samples: &Samples, runs: usize) -> anyhow::Result<Vec<Query>> {
    let now = Utc::now();
    let mut out = Vec::new();
    for (q, name) in NAMES.into_iter().enumerate() {
        let mut latencies = Vec::with_capacity(runs);
        for i in 0..runs {
            let asked = ask(q, samples, i, now)?;
            evict(path)?;
            let store = SqlStore::open_sqlite(path).await?;
            let started = Instant::now();
            answer(&store, &asked).await?;
            latencies.push(started.elapsed());
            store.close().await;
        }
        out.push(Query {
            name,
            runs,
            latency: Latencies::of(latencies),
        });
    }
    Ok(out)
}

/// Drop the SQLite database `path` and its write-ahead log from the operating system's page
/// cache: written to disk first (`fsync`), then `posix_fadvise(POSIX_FADV_DONTNEED)`, which
/// Linux honours for clean pages.
#[cfg(target_os = "linux")]
fn evict(path: &Path) -> anyhow::Result<()> {
    for file in [path.to_path_buf(), path.with_extension("db-wal")] {
        let Ok(f) = std::fs::File::open(&file) else {
            continue;
        };
        f.sync_all()
            .with_context(|| format!("syncing {}", file.display()))?;
        rustix::fs::fadvise(&f, 0, None, rustix::fs::Advice::DontNeed)
            .with_context(|| format!("dropping {} from the page cache", file.display()))?;
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn evict(_path: &Path) -> anyhow::Result<()> {
    bail!("--cold drops the database from the page cache with posix_fadvise, on Linux only")
}

/// Bytes a SQLite database takes on disk: the file and its write-ahead log.
pub(super) fn file_bytes(path: &Path) -> u64 {
    let len = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    len(path) + len(&path.with_extension("db-wal"))
}

/// The result of `cats bench lists`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    database: String,
    /// The database file and its write-ahead log, bytes.
    stored_bytes: u64,
    cold: bool,
    /// Opening the node on the kept database: what `cats serve` does before it listens.
    startup_ms: f64,
    queries: Vec<Query>,
}

/// Run `cats bench lists`.
pub async fn run(args: ListsArgs) -> anyhow::Result<()> {
    let location = Location::sqlite(&args.data_dir);
    let Database::Sqlite(path) = &location.database else {
        bail!("cats bench lists reads a SQLite data directory");
    };
    if !path.exists() {
        bail!(
            "{} holds no database; make one with `cats bench fill --keep {}`",
            args.data_dir.display(),
            args.data_dir.display()
        );
    }
    let runs = args.queries.unwrap_or(if args.cold { 20 } else { 200 });
    if runs == 0 {
        bail!("--queries must be at least 1");
    }
    let store = SqlStore::open_sqlite(path).await?;
    let sampled = store.sample_movements(1_000).await?;
    store.close().await;
    if sampled.is_empty() {
        bail!("{} holds no movements", path.display());
    }
    let samples = Samples {
        holders: sampled.iter().map(|s| s.holder.clone()).collect(),
        mrns: sampled.iter().filter_map(|s| s.mrn.clone()).collect(),
        lrns: sampled.iter().map(|s| s.lrn.clone()).collect(),
    };
    if args.cold {
        evict(path)?;
    }
    let opening = Instant::now();
    let opened = node::open_at(&location, RiskPolicy::default()).await?;
    let startup_ms = opening.elapsed().as_secs_f64() * 1000.0;
    let queries = if args.cold {
        drop(opened);
        cold(path, &samples, runs).await?
    } else {
        warm(opened.app.store(), &samples, runs).await?
    };
    let result = Listed {
        database: location.database.describe(),
        stored_bytes: file_bytes(path),
        cold: args.cold,
        startup_ms,
        queries,
    };
    let mut rows = vec![
        ("database", result.database.clone()),
        (
            "database size",
            format!(
                "{:.1} MB, {}",
                result.stored_bytes as f64 / 1e6,
                if args.cold {
                    "each run from disk"
                } else {
                    "warm"
                }
            ),
        ),
        ("start-up (opening the node)", format!("{startup_ms:.0} ms")),
    ];
    for q in &result.queries {
        rows.push((q.name, q.latency.line()));
    }
    report::print(args.json, "cats bench lists", &rows, &result);
    Ok(())
}
