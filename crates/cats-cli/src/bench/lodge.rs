//! `cats bench lodge`: lodgings of the benchmark declaration over HTTP on a fresh node, either as
//! fast as `--concurrency` clients can (closed loop) or at a fixed `--rate` (open loop: each
//! lodging is sent at its planned moment and its latency counts from that moment, so a stalled
//! node is not hidden). Then the storage ceiling on a fresh database of the same kind, for the
//! ratio.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Args;
use serde::Serialize;
use tokio::sync::Mutex;

use super::ceiling::{self, LODGING_BYTES};
use super::fresh::{self, Fresh};
use super::report::{self, thousands, Latencies};

/// Arguments of `cats bench lodge`.
#[derive(Debug, Args)]
pub struct LodgeArgs {
    /// Lodgings to make.
    #[arg(long, default_value_t = 5_000)]
    count: usize,
    /// Lodgings per second to send at (open loop); default as fast as the clients can.
    #[arg(long)]
    rate: Option<f64>,
    /// Concurrent clients (closed loop), or the most lodgings in flight at once (open loop).
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Commits for the storage ceiling measured after the lodgings (0: not measured).
    #[arg(long, default_value_t = 3_000)]
    ceiling_commits: usize,
    #[command(flatten)]
    common: super::Common,
}

/// The result of `cats bench lodge`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Lodged {
    database: String,
    lodgings: usize,
    errors: usize,
    first_error: Option<String>,
    concurrency: usize,
    target_rate: Option<f64>,
    seconds: f64,
    per_second: f64,
    latency: Latencies,
    ceiling_commits_per_second: Option<f64>,
    ratio_to_ceiling: Option<f64>,
    peak_resident_mb: Option<f64>,
    bytes_per_lodging: Option<f64>,
}

/// Outcome of one lodging: its latency, or what went wrong.
type Outcome = Result<Duration, String>;

/// Lodge `bodies` and return every outcome and the wall-clock seconds.
async fn drive(
    node: &Fresh,
    bodies: Vec<String>,
    rate: Option<f64>,
    concurrency: usize,
) -> anyhow::Result<(Vec<Outcome>, f64)> {
    let client = fresh::client(concurrency)?;
    let count = bodies.len();
    let bodies = Arc::new(Mutex::new(bodies.into_iter().enumerate()));
    let outcomes = Arc::new(Mutex::new(Vec::with_capacity(count)));
    let bar = report::bar(count, "lodgings");
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (client, base, token) = (client.clone(), node.base.clone(), node.trader.clone());
        let (bodies, outcomes, bar) = (bodies.clone(), outcomes.clone(), bar.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let Some((i, body)) = bodies.lock().await.next() else {
                    return;
                };
                // Open loop: wait for the planned moment; the latency counts from it.
                let planned = match rate {
                    Some(r) => {
                        let at = started + Duration::from_secs_f64(i as f64 / r);
                        tokio::time::sleep_until(at.into()).await;
                        at
                    }
                    None => Instant::now(),
                };
                let outcome = fresh::lodge_over_http(&client, &base, &token, body)
                    .await
                    .map(|_| planned.elapsed());
                outcomes.lock().await.push(outcome);
                bar.inc(1);
            }
        }));
    }
    for w in workers {
        w.await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let outcomes = std::mem::take(&mut *outcomes.lock().await);
    Ok((outcomes, seconds))
}

/// Run `cats bench lodge`.
pub async fn run(args: LodgeArgs) -> anyhow::Result<()> {
    if args.count == 0 {
        bail!("--count must be at least 1");
    }
    if args.rate.is_some_and(|r| r.is_nan() || r <= 0.0) {
        bail!("--rate must be a positive number of lodgings per second");
    }
    let node = Fresh::start(args.common.database_url.as_deref()).await?;
    let before = node.stored_bytes().await;
    let bodies: Vec<String> = (0..args.count).map(fresh::declaration).collect();
    let (outcomes, seconds) = drive(&node, bodies, args.rate, args.concurrency).await?;
    let peak_resident_mb = report::peak_resident_mb();
    let mut latencies = Vec::new();
    let mut errors = Vec::new();
    for o in outcomes {
        match o {
            Ok(d) => latencies.push(d),
            Err(e) => errors.push(e),
        }
    }
    let lodged = latencies.len();
    let after = node.stored_bytes().await;
    let bytes_per_lodging = match (before, after) {
        (Some(b), Some(a)) if lodged > 0 => Some(a.saturating_sub(b) as f64 / lodged as f64),
        _ => None,
    };
    let ceiling = if args.ceiling_commits > 0 {
        let row = bytes_per_lodging.map_or(LODGING_BYTES, |b| b.round() as usize);
        Some(
            ceiling::measure(
                args.common.database_url.as_deref(),
                args.ceiling_commits,
                row,
                args.concurrency,
            )
            .await?
            .commits_per_second,
        )
    } else {
        None
    };
    let per_second = lodged as f64 / seconds;
    let result = Lodged {
        database: node.database.clone(),
        lodgings: lodged,
        errors: errors.len(),
        first_error: errors.first().cloned(),
        concurrency: args.concurrency,
        target_rate: args.rate,
        seconds,
        per_second,
        latency: Latencies::of(latencies),
        ceiling_commits_per_second: ceiling,
        ratio_to_ceiling: ceiling.map(|c| per_second / c),
        peak_resident_mb,
        bytes_per_lodging,
    };
    let mut rows = vec![
        ("database", result.database.clone()),
        (
            "lodgings",
            format!(
                "{} in {:.2} s, {} errors, {}",
                thousands(lodged as f64),
                seconds,
                result.errors,
                match args.rate {
                    Some(r) => format!("sent at {} /s", thousands(r)),
                    None => format!("{} clients as fast as they can", args.concurrency),
                }
            ),
        ),
        (
            "throughput",
            format!("{} lodgings/s", thousands(per_second)),
        ),
        ("latency", result.latency.line()),
    ];
    if let (Some(c), Some(r)) = (result.ceiling_commits_per_second, result.ratio_to_ceiling) {
        rows.push((
            "storage ceiling",
            format!(
                "{} commits/s; lodging at {:.0} % of it",
                thousands(c),
                r * 100.0
            ),
        ));
    }
    if let Some(mb) = result.peak_resident_mb {
        rows.push((
            "peak memory",
            format!("{mb:.0} MB resident (node and load generator)"),
        ));
    }
    if let Some(b) = result.bytes_per_lodging {
        rows.push((
            "storage",
            format!("{} bytes per lodging (compacted)", thousands(b)),
        ));
    }
    report::print(args.common.json, "lodging over HTTP", &rows, &result);
    if let Some(e) = &result.first_error {
        eprintln!("first error: {e}");
    }
    Ok(())
}
