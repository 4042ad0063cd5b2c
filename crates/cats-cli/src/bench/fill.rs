//! `cats bench fill`: a database of many movements, then what people wait for on it: the lists
//! and work queues traders and officers open, and the node's start-up.
//!
//! Eight template movements are lodged over HTTP on a fresh node and carried through zero to
//! seven customs steps (accepted … written off). `--movements` copies of them are then stored
//! straight into the movements table, in transactions of `--batch`, each with its own id, LRN,
//! MRN, holder (one of `--holders`, Silk Way among them) and dates spread over the past year:
//! movements older than a week (the time limit for transit) are written off, the newer ones are
//! at every stage. Only the
//! movement rows are copied, which is what lists and queues read; message bodies, ledger and
//! audit entries are not (a whole movement's history is about 20 KB: `cats bench lifecycle`
//! measures that).

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::{DateTime, Datelike, Utc};
use clap::Args;
use serde::Serialize;
use uuid::Uuid;

use cats_app::store::{MovementFilter, MovementRecord};
use cats_domain::ids::{CountryCode, Eori, Lrn, Mrn, ProcedureLetter};
use cats_domain::risk::RiskPolicy;
use cats_store::{Database, SqlStore};

use super::fresh::{self, Fresh, STEPS};
use super::lists::{file_bytes, measure, warm, Query, Samples};
use super::report::{self, thousands};
use crate::node;

/// Arguments of `cats bench fill`.
#[derive(Debug, Args)]
pub struct FillArgs {
    /// Movements to store.
    #[arg(long, default_value_t = 1_000_000)]
    movements: usize,
    /// Traders (holders of the transit procedure) the movements are spread over.
    #[arg(long, default_value_t = 1_000)]
    holders: usize,
    /// Movements per insert transaction.
    #[arg(long, default_value_t = 5_000)]
    batch: usize,
    /// Runs of each query (its percentiles are over these).
    #[arg(long, default_value_t = 200)]
    queries: usize,
    /// Runs of each report and of the KPI dashboard (issue 17; each reads every movement of its
    /// scope changed in its period).
    #[arg(long, default_value_t = 3)]
    report_runs: usize,
    /// Fill this new data directory and keep it (SQLite), for `cats bench lists --data-dir DIR
    /// [--cold]` to measure again; without it the database is deleted at the end.
    #[arg(long, conflicts_with = "database_url")]
    keep: Option<std::path::PathBuf>,
    #[command(flatten)]
    common: super::Common,
}

/// The result of `cats bench fill`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Filled {
    database: String,
    movements: usize,
    holders: usize,
    fill_seconds: f64,
    fill_per_second: f64,
    stored_bytes: Option<u64>,
    bytes_per_movement: Option<f64>,
    queries: Vec<Query>,
    /// Silk Way's movements as its list counts them (its copies and the templates; at most
    /// one past the list's count limit).
    silkway_movements: u64,
    /// Opening the node on the filled database: what `cats serve` does before it listens.
    startup_ms: f64,
}

/// The movements that the templates are copied from: lodged, then `k` customs steps for
/// template `k` (0 = accepted … 7 = written off).
async fn templates(node: &Fresh) -> anyhow::Result<Vec<MovementRecord>> {
    let client = fresh::client(4)?;
    let mut out = Vec::new();
    for k in 0..=STEPS.len() {
        let body = fresh::declaration(900_000 + k);
        let id = fresh::lodge_over_http(&client, &node.base, &node.trader, body)
            .await
            .map_err(|e| anyhow::anyhow!("lodging a template: {e}"))?;
        for (officer, step, office) in STEPS.iter().take(k) {
            fresh::step_over_http(
                &client,
                &node.base,
                &node.officers[*officer],
                &id,
                step,
                office,
            )
            .await
            .map_err(|e| anyhow::anyhow!("template {k}: {e}"))?;
        }
        let record = node
            .app
            .store()
            .movement(id.parse()?)
            .await?
            .context("a template just lodged")?;
        out.push(record);
    }
    Ok(out)
}

/// Holder `h` of `holders`: Silk Way for 0, else a Kazakh trader's made-up EORI.
fn holder(h: usize, silkway: &Eori) -> anyhow::Result<Eori> {
    if h == 0 {
        return Ok(silkway.clone());
    }
    Ok(format!("KZ{:012}", 900_000_000_000 + h).parse()?)
}

/// Copy number `i` of `n`: a template chosen by the copy's age, with its own identifiers.
fn copy(
    i: usize,
    n: usize,
    templates: &[MovementRecord],
    holders: &[Eori],
    now: DateTime<Utc>,
) -> anyhow::Result<MovementRecord> {
    // Oldest first, one year back; the last week holds the live movements.
    let age = Duration::from_secs_f64(365.0 * 86_400.0 * (n - i) as f64 / n as f64);
    let at = now - chrono::Duration::from_std(age)?;
    let recent = age < Duration::from_secs(7 * 86_400);
    let template = if recent {
        &templates[i % templates.len()]
    } else {
        templates.last().context("templates")?
    };
    let mut r = template.clone();
    r.id = Uuid::new_v4();
    r.created_at = at;
    r.updated_at = at;
    let m = &mut r.movement;
    m.holder = holders[i % holders.len()].clone();
    m.lrn = format!("FILL-{i:010}").parse::<Lrn>()?;
    if m.mrn.is_some() {
        let country: CountryCode = "KZ".parse()?;
        let body = format!("F{i:011}");
        m.mrn = Some(Mrn::allocate(
            at.year(),
            &country,
            &body,
            ProcedureLetter::J,
        )?);
    }
    // The same time limit after lodging as the template's.
    m.time_limit = template
        .movement
        .time_limit
        .map(|limit| at + (limit - template.created_at));
    Ok(r)
}

/// The reports and the KPI dashboard as their users ask for them (issue 17), each run `runs`
/// times on the filled database: an officer of Kazakhstan (its country), Silk Way's trader (its
/// own movements) and the node (the administrator's view).
async fn reports(app: &cats_app::App, runs: usize) -> anyhow::Result<Vec<Query>> {
    use cats_app::reports::catalogue::{run, Query as Asked, ReportName};
    use cats_app::reports::kpi::kpi;
    use cats_app::Actor;
    use cats_domain::reports::Period;
    let user = |name: &'static str| async move {
        app.store()
            .user(name)
            .await?
            .map(Actor::User)
            .with_context(|| format!("the demo user {name}"))
    };
    let (officer, trader, node) = (
        user("officer.kz").await?,
        user("silkway").await?,
        Actor::System("bench".into()),
    );
    let today = Utc::now().date_naive();
    let asked = |days: u64| Asked {
        period: Period::last_days(today, days),
        country: None,
        by: None,
        per: None,
    };
    let report = |who: &Actor, name: ReportName, days: u64| {
        let (who, q) = (who.clone(), asked(days));
        async move {
            run(app, &who, name, &q, Utc::now()).await?;
            Ok(())
        }
    };
    Ok(vec![
        measure(
            "KPI dashboard, officer (its country), 30 days",
            runs,
            |_| {
                let who = officer.clone();
                async move {
                    kpi(app, &who, Period::last_days(today, 30), None, Utc::now()).await?;
                    Ok(())
                }
            },
        )
        .await?,
        measure(
            "report by state, officer (its country), 30 days",
            runs,
            |_| report(&officer, ReportName::ByState, 30),
        )
        .await?,
        measure("report volumes (route, month), node, 30 days", runs, |_| {
            report(&node, ReportName::Volumes, 30)
        })
        .await?,
        measure(
            "report transit times, trader (its own), 365 days",
            runs,
            |_| report(&trader, ReportName::TransitTimes, 365),
        )
        .await?,
        measure("report overdue, officer (its country), now", runs, |_| {
            report(&officer, ReportName::Overdue, 30)
        })
        .await?,
    ])
}

/// Open the filled database as the node would.
async fn open_store(node: &Fresh) -> anyhow::Result<SqlStore> {
    Ok(match &node.location.database {
        Database::Sqlite(path) => SqlStore::open_sqlite(path).await?,
        Database::Postgres(url) => SqlStore::connect_postgres(url, &node.location.settings).await?,
    })
}

/// Run `cats bench fill`.
pub async fn run(args: FillArgs) -> anyhow::Result<()> {
    if args.movements == 0 || args.holders == 0 || args.batch == 0 || args.queries == 0 {
        bail!("--movements, --holders, --batch and --queries must be at least 1");
    }
    if let Some(dir) = &args.keep {
        if dir.join(cats_store::SQLITE_FILE).exists() {
            bail!(
                "{} holds a database already; measure it with `cats bench lists --data-dir {}`, or name a new directory",
                dir.display(),
                dir.display()
            );
        }
    }
    let node = match &args.keep {
        Some(dir) => Fresh::start_in(dir).await?,
        None => Fresh::start(args.common.database_url.as_deref()).await?,
    };
    let templates = templates(&node).await?;
    let silkway = templates[0].movement.holder.clone();
    let holders = (0..args.holders)
        .map(|h| holder(h, &silkway))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let store = open_store(&node).await?;
    let now = Utc::now();
    let bar = report::bar(args.movements, "movements");
    let started = Instant::now();
    let (mut mrns, mut lrns) = (Vec::new(), Vec::new());
    let sample_every = (args.movements / 1_000).max(1);
    let mut i = 0;
    while i < args.movements {
        let end = (i + args.batch).min(args.movements);
        let records = (i..end)
            .map(|j| copy(j, args.movements, &templates, &holders, now))
            .collect::<anyhow::Result<Vec<_>>>()?;
        for (j, r) in (i..end).zip(&records) {
            if j % sample_every == 0 {
                mrns.extend(r.movement.mrn.clone());
                lrns.push(r.movement.lrn.clone());
            }
        }
        store.insert_movements(&records).await?;
        bar.inc((end - i) as u64);
        i = end;
    }
    bar.finish_and_clear();
    // PostgreSQL: the statistics autovacuum would gather after such a load.
    store.analyze().await?;
    let fill_seconds = started.elapsed().as_secs_f64();
    store.close().await;
    let samples = Samples {
        holders: holders.clone(),
        mrns,
        lrns,
    };
    let mut queries = warm(node.app.store(), &samples, args.queries).await?;
    if args.report_runs > 0 {
        queries.extend(reports(&node.app, args.report_runs).await?);
    }
    let (_, silkway_movements) = node
        .app
        .store()
        .movements(&MovementFilter {
            holder: Some(silkway.clone()),
            page: 1,
            count: 1,
            ..Default::default()
        })
        .await?;
    let stored_bytes = match &node.location.database {
        Database::Sqlite(path) => Some(file_bytes(path)),
        Database::Postgres(_) => None,
    };
    // Start-up: the node opened again on the filled database, as `cats serve` opens it.
    let risk = RiskPolicy::default();
    let opening = Instant::now();
    let reopened = node::open_at(&node.location, risk).await?;
    let startup_ms = opening.elapsed().as_secs_f64() * 1000.0;
    drop(reopened);
    let result = Filled {
        database: node.database.clone(),
        movements: args.movements,
        holders: args.holders,
        fill_seconds,
        fill_per_second: args.movements as f64 / fill_seconds.max(f64::EPSILON),
        stored_bytes,
        bytes_per_movement: stored_bytes.map(|b| b as f64 / args.movements as f64),
        queries,
        silkway_movements,
        startup_ms,
    };
    let mut rows = vec![
        ("database", result.database.clone()),
        (
            "movements stored",
            format!(
                "{} over {} holders, in {:.1} s ({}/s)",
                thousands(args.movements as f64),
                thousands(args.holders as f64),
                result.fill_seconds,
                thousands(result.fill_per_second)
            ),
        ),
        (
            "database size",
            result.stored_bytes.map_or("-".into(), |b| {
                format!(
                    "{:.1} MB ({} bytes per movement)",
                    b as f64 / 1e6,
                    thousands(b as f64 / args.movements as f64)
                )
            }),
        ),
        (
            "start-up (opening the node)",
            format!("{:.0} ms", startup_ms),
        ),
    ];
    for q in &result.queries {
        rows.push((q.name, q.latency.line()));
    }
    if let Some(dir) = &args.keep {
        rows.push((
            "kept",
            format!(
                "{} (measure again: cats bench lists --data-dir {} [--cold])",
                dir.display(),
                dir.display()
            ),
        ));
    }
    report::print(args.common.json, "cats bench fill", &rows, &result);
    Ok(())
}
