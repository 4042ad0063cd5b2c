//! `cats bench ice`: whole movements across two nodes exchanging over ICE on 127.0.0.1.
//!
//! The first node hosts Kazakhstan (the office of departure), the second Azerbaijan, Georgia,
//! Turkmenistan and Uzbekistan (transit, exit and destination), as `cats replay --nodes
//! KZ,AZ+GE+TM+UZ` starts them: each with its own database, signing key, ICE endpoint and
//! delivery worker. Each of `--concurrency` workers lodges a movement at the first node and
//! applies its seven customs steps, each at the node hosting the office. A step at the other
//! node waits until the ICE message it needs has arrived (the anticipated records at release,
//! the exit and arrival notifications back): that wait is the propagation latency reported. At
//! the end every movement must be written off at the node of departure and the guarantee back at
//! zero.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::Utc;
use clap::Args;
use serde::Serialize;
use serde_json::json;
use tokio::sync::Mutex;
use uuid::Uuid;

use cats_app::{act, lodge, Actor, App, AppError};
use cats_domain::movement::MovementState;
use cats_domain::risk::RiskPolicy;
use cats_ncts::Format;

use super::fresh::{self, STEPS};
use super::lifecycle::action;
use super::report::{self, thousands, Latencies};
use crate::replay::nodes::{network, IceFigures, Nodes};

/// The two nodes: Kazakhstan, and the rest of the corridor.
const NODES: &str = "KZ,AZ+GE+TM+UZ";

/// How long a step at the other node waits for the ICE message it needs.
const PATIENCE: Duration = Duration::from_secs(30);

/// Arguments of `cats bench ice`.
#[derive(Debug, Args)]
pub struct IceArgs {
    /// Movements to carry from lodging to write-off across the two nodes.
    #[arg(long, default_value_t = 500)]
    movements: usize,
    /// Movements in flight at once (one worker each).
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// A PostgreSQL URL of an existing database: each node gets a new database on that server
    /// (dropped at the end); default SQLite files in temporary directories.
    #[arg(long)]
    database_url: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// The result of `cats bench ice`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Exchanged {
    nodes: Vec<String>,
    database: &'static str,
    movements: usize,
    concurrency: usize,
    seconds: f64,
    movements_per_second: f64,
    /// ICE messages delivered per second of the run (both directions).
    messages_per_second: f64,
    /// From one node's step to the other node holding what it sent, as its next step saw it.
    propagation: Latencies,
    /// One whole movement, lodging to the last step.
    movement_latency: Latencies,
    ice: IceFigures,
    peak_resident_mb: Option<f64>,
}

/// Apply `step` at `app`, waiting while the movement or the state it needs has not arrived
/// there yet over ICE; returns how long it waited.
async fn step_when_arrived(
    app: &App,
    actor: &Actor,
    id: Uuid,
    step: &str,
    office: &str,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    loop {
        let request = json!({ "office": office });
        let todo = action(step, office.parse()?);
        match act::act(app, actor, id, todo, &request, Utc::now()).await {
            Ok(_) => return Ok(started.elapsed()),
            Err(AppError::NotFound(_) | AppError::Transition(_) | AppError::Invalid(_))
                if started.elapsed() < PATIENCE =>
            {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            Err(e) => bail!("{step} at {office}: {e}"),
        }
    }
}

/// One movement across the nodes: its whole latency and the waits of its cross-node steps.
async fn movement(
    nodes: &Nodes,
    actor: &Actor,
    i: usize,
) -> anyhow::Result<(Duration, Vec<Duration>)> {
    let started = Instant::now();
    let home = nodes.app_for("KZHOR001");
    let body = fresh::declaration(i);
    let lodged = lodge::lodge(home, actor, body.as_bytes(), Format::Xml, Utc::now()).await?;
    if !lodged.failures.is_empty() {
        bail!("lodging rejected: {:?}", lodged.failures);
    }
    let id = lodged.record.id;
    let mut waits = Vec::new();
    let mut previous = home;
    for (_, step, office) in STEPS {
        let app = nodes.app_for(office);
        let waited = step_when_arrived(app, actor, id, step, office).await?;
        if !std::ptr::eq(app, previous) {
            waits.push(waited);
        }
        previous = app;
    }
    Ok((started.elapsed(), waits))
}

/// Run `cats bench ice`.
pub async fn run(args: IceArgs) -> anyhow::Result<()> {
    if args.movements == 0 {
        bail!("--movements must be at least 1");
    }
    let risk = RiskPolicy {
        default_rate: 0.0,
        ..RiskPolicy::default()
    };
    let nodes = Arc::new(network(NODES, &risk, args.database_url.as_deref()).await?);
    let actor = Actor::System("bench".into());
    let next = Arc::new(AtomicUsize::new(0));
    let results = Arc::new(Mutex::new(Vec::with_capacity(args.movements)));
    let bar = report::bar(args.movements, "movements over ICE");
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.concurrency.max(1) {
        let (nodes, actor, next) = (nodes.clone(), actor.clone(), next.clone());
        let (results, bar, count) = (results.clone(), bar.clone(), args.movements);
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return Ok::<(), anyhow::Error>(());
                }
                let outcome = movement(&nodes, &actor, i).await?;
                results.lock().await.push(outcome);
                bar.inc(1);
            }
        }));
    }
    for w in workers {
        w.await??;
    }
    nodes.settle().await?;
    let seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    // Every movement written off at the node of departure, its guarantee released.
    let home = nodes.app_for("KZHOR001");
    let written_off = home
        .store()
        .movements(&cats_app::store::MovementFilter {
            state: Some(MovementState::WrittenOff),
            page: 1,
            count: 1,
            ..Default::default()
        })
        .await?
        .1;
    if written_off < args.movements as u64 {
        bail!(
            "{written_off} of {} movements written off at the node of departure",
            args.movements
        );
    }
    let g = home
        .store()
        .guarantee(&fresh::GRN.parse()?)
        .await?
        .context("the demo guarantee")?;
    if g.running_total_minor != 0 {
        bail!(
            "the guarantee ends at {} minor units, not 0",
            g.running_total_minor
        );
    }
    let names: Vec<String> = NODES.split(',').map(str::to_string).collect();
    let ice = nodes.ice(&names).await?.context("two nodes")?;
    let outcomes = std::mem::take(&mut *results.lock().await);
    let movement_latency = Latencies::of(outcomes.iter().map(|(d, _)| *d).collect());
    let propagation = Latencies::of(outcomes.iter().flat_map(|(_, w)| w.clone()).collect());
    let result = Exchanged {
        nodes: names,
        database: if args.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        movements: args.movements,
        concurrency: args.concurrency.max(1),
        seconds,
        movements_per_second: args.movements as f64 / seconds.max(f64::EPSILON),
        messages_per_second: ice.delivered as f64 / seconds.max(f64::EPSILON),
        propagation,
        movement_latency,
        ice,
        peak_resident_mb: report::peak_resident_mb(),
    };
    let rows = [
        (
            "nodes",
            format!("{} ({})", result.nodes.join(" | "), result.database),
        ),
        (
            "movements",
            format!(
                "{} in {:.2} s, {} at once: {}/s, every one written off",
                thousands(result.movements as f64),
                result.seconds,
                result.concurrency,
                thousands(result.movements_per_second)
            ),
        ),
        (
            "ICE messages",
            format!(
                "{} sent, {} delivered, {} refused, {} retried: {}/s",
                result.ice.sent,
                result.ice.delivered,
                result.ice.refused,
                result.ice.retried,
                thousands(result.messages_per_second)
            ),
        ),
        ("propagation", result.propagation.line()),
        ("longest delivery", format!("{} ms", result.ice.max_lag_ms)),
        ("movement latency", result.movement_latency.line()),
        (
            "peak memory",
            result
                .peak_resident_mb
                .map_or("-".into(), |m| format!("{m:.0} MB resident (both nodes)")),
        ),
    ];
    report::print(args.json, "cats bench ice", &rows, &result);
    match Arc::try_unwrap(nodes) {
        Ok(nodes) => nodes.close().await,
        Err(_) => Ok(()),
    }
}
