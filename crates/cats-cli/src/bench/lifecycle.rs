//! `cats bench lifecycle`: whole movements on a fresh node: lodging, release (the guarantee
//! reservation), exit, entry, exit, entry, arrival and goods release (write-off, the amount
//! credited back), by `--concurrency` workers that each carry one movement at a time from
//! lodging to write-off. Over HTTP by default; `--in-process` calls the use cases directly, to
//! separate the HTTP cost from the node's own. Checks that the guarantee ends at zero.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context};
use chrono::Utc;
use clap::Args;
use serde::Serialize;
use serde_json::json;

use cats_app::{act, lodge, Actor, App};
use cats_domain::ids::OfficeRef;
use cats_domain::movement::Action;
use cats_ncts::Format;

use super::fresh::{self, Fresh, OFFICERS, STEPS};
use super::report::{self, thousands, Latencies};

/// Arguments of `cats bench lifecycle`.
#[derive(Debug, Args)]
pub struct LifecycleArgs {
    /// Movements to carry from lodging to write-off.
    #[arg(long, default_value_t = 2_000)]
    movements: usize,
    /// Movements in flight at once (one worker each).
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Call the use cases directly instead of over HTTP.
    #[arg(long)]
    in_process: bool,
    #[command(flatten)]
    common: super::Common,
}

/// The result of `cats bench lifecycle`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Carried {
    database: String,
    via: &'static str,
    movements: usize,
    concurrency: usize,
    seconds: f64,
    movements_per_second: f64,
    steps_per_second: f64,
    /// Latency of one whole movement (eight requests in sequence).
    movement_latency: Latencies,
    peak_resident_mb: Option<f64>,
    bytes_per_movement: Option<f64>,
    /// Of those bytes, what each table and index grew by, per movement (SQLite), largest first.
    storage_by_table: Vec<(String, f64)>,
}

/// One way of doing the eight steps.
#[derive(Clone)]
enum Via {
    Http {
        client: reqwest::Client,
        base: String,
        trader: String,
        officers: Vec<String>,
    },
    InProcess {
        app: App,
        trader: Actor,
        officers: Vec<Actor>,
    },
}

/// The use-case action of a [`STEPS`] step named `name` at `office`.
pub(super) fn action(name: &str, office: OfficeRef) -> Action {
    match name {
        "release" => Action::Release {
            office,
            override_reason: None,
        },
        "exit" => Action::Exit { office },
        "entry" => Action::Entry { office },
        "arrival" => Action::Arrival { office },
        _ => Action::GoodsRelease { office },
    }
}

impl Via {
    async fn movement(&self, i: usize) -> anyhow::Result<()> {
        let body = fresh::declaration(i);
        match self {
            Via::Http {
                client,
                base,
                trader,
                officers,
            } => {
                let id = fresh::lodge_over_http(client, base, trader, body)
                    .await
                    .map_err(anyhow::Error::msg)?;
                for (who, step, office) in STEPS {
                    fresh::step_over_http(client, base, &officers[who], &id, step, office)
                        .await
                        .map_err(anyhow::Error::msg)?;
                }
            }
            Via::InProcess {
                app,
                trader,
                officers,
            } => {
                let lodged =
                    lodge::lodge(app, trader, body.as_bytes(), Format::Xml, Utc::now()).await?;
                if !lodged.failures.is_empty() {
                    bail!("lodging rejected: {:?}", lodged.failures);
                }
                let id = lodged.record.id;
                for (who, step, office) in STEPS {
                    let request = json!({ "office": office });
                    let todo = action(step, office.parse()?);
                    act::act(app, &officers[who], id, todo, &request, Utc::now()).await?;
                }
            }
        }
        Ok(())
    }
}

async fn user(app: &App, name: &str) -> anyhow::Result<Actor> {
    let user = app.store().user(name).await?.context("a demo user")?;
    Ok(Actor::User(user))
}

/// Run `cats bench lifecycle`.
pub async fn run(args: LifecycleArgs) -> anyhow::Result<()> {
    if args.movements == 0 {
        bail!("--movements must be at least 1");
    }
    let node = Fresh::start(args.common.database_url.as_deref()).await?;
    let before = node.stored().await;
    let via = if args.in_process {
        let mut officers = Vec::new();
        for name in OFFICERS {
            officers.push(user(&node.app, name).await?);
        }
        Via::InProcess {
            app: node.app.clone(),
            trader: user(&node.app, "silkway").await?,
            officers,
        }
    } else {
        Via::Http {
            client: fresh::client(args.concurrency)?,
            base: node.base.clone(),
            trader: node.trader.clone(),
            officers: node.officers.clone(),
        }
    };
    let next = Arc::new(AtomicUsize::new(0));
    let bar = report::bar(args.movements, "movements");
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.concurrency.max(1) {
        let (via, next, bar, total) = (via.clone(), next.clone(), bar.clone(), args.movements);
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    return Ok::<_, anyhow::Error>(latencies);
                }
                let t = Instant::now();
                via.movement(i).await?;
                latencies.push(t.elapsed());
                bar.inc(1);
            }
        }));
    }
    let mut latencies = Vec::new();
    for w in workers {
        latencies.extend(w.await??);
    }
    let seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let peak_resident_mb = report::peak_resident_mb();
    let total = node.running_total().await?;
    if total != 0 {
        bail!("the guarantee was not credited back: running total {total}");
    }
    let after = node.stored().await;
    let per_movement = |b: u64, a: u64| a.saturating_sub(b) as f64 / args.movements as f64;
    let (bytes_per_movement, storage_by_table) = match (before, after) {
        (Some((b, tables_before)), Some((a, tables_after))) => {
            let mut grown: Vec<(String, f64)> = tables_after
                .into_iter()
                .map(|(name, bytes)| {
                    let was = tables_before
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map_or(0, |(_, b)| *b);
                    (name, per_movement(was, bytes))
                })
                .filter(|(_, grew)| *grew > 0.0)
                .collect();
            grown.sort_by(|x, y| y.1.total_cmp(&x.1));
            (Some(per_movement(b, a)), grown)
        }
        _ => (None, Vec::new()),
    };
    let result = Carried {
        database: node.database.clone(),
        via: if args.in_process {
            "in-process"
        } else {
            "HTTP"
        },
        movements: args.movements,
        concurrency: args.concurrency,
        seconds,
        movements_per_second: args.movements as f64 / seconds,
        steps_per_second: (args.movements * (STEPS.len() + 1)) as f64 / seconds,
        movement_latency: Latencies::of(latencies),
        peak_resident_mb,
        bytes_per_movement,
        storage_by_table,
    };
    let mut rows = vec![
        ("database", result.database.clone()),
        (
            "movements",
            format!(
                "{} lodged and written off in {:.2} s, {} in flight, {}",
                thousands(args.movements as f64),
                seconds,
                args.concurrency,
                result.via
            ),
        ),
        (
            "throughput",
            format!(
                "{} movements/s ({} steps/s)",
                thousands(result.movements_per_second),
                thousands(result.steps_per_second)
            ),
        ),
        ("one movement", result.movement_latency.line()),
        ("guarantee", "credited back to zero".to_string()),
    ];
    if let Some(mb) = result.peak_resident_mb {
        rows.push(("peak memory", format!("{mb:.0} MB resident")));
    }
    if let Some(b) = result.bytes_per_movement {
        rows.push((
            "storage",
            format!(
                "{} bytes per written-off movement (compacted)",
                thousands(b)
            ),
        ));
        let largest: Vec<String> = result
            .storage_by_table
            .iter()
            .take(6)
            .map(|(name, bytes)| format!("{name} {}", thousands(*bytes)))
            .collect();
        rows.push(("largest", largest.join(", ")));
    }
    report::print(args.common.json, "whole movements", &rows, &result);
    Ok(())
}
