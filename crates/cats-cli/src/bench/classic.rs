//! The bare `cats bench` (issue 3): N lodgings over HTTP, then each movement's seven customs steps
//! in order (release … goods release with write-off), movements in parallel; checks that the
//! guarantee is credited back to zero.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;
use serde_json::json;
use tokio::sync::Semaphore;

use super::fresh::{self, Fresh, STEPS};
use super::report::Latencies;

/// Arguments of the bare `cats bench`.
#[derive(Debug, Args)]
pub struct ClassicArgs {
    /// Movements to lodge and carry to write-off (at most 900: 1,000.00 USD each on a 1,000,000.00 USD guarantee).
    #[arg(long, default_value_t = 400)]
    movements: usize,
    /// Concurrent HTTP clients.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Database URL of an EMPTY database (postgres://…); default a SQLite file in a temporary directory.
    #[arg(long)]
    database_url: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// Throughput and latency of one phase.
#[derive(Debug, Clone, serde::Serialize)]
struct Phase {
    name: String,
    requests: usize,
    seconds: f64,
    per_second: f64,
    #[serde(flatten)]
    latencies: Latencies,
}

fn phase(name: &str, started: Instant, latencies: Vec<Duration>) -> Phase {
    let seconds = started.elapsed().as_secs_f64();
    Phase {
        name: name.into(),
        requests: latencies.len(),
        seconds,
        per_second: latencies.len() as f64 / seconds,
        latencies: Latencies::of(latencies),
    }
}

/// Run the benchmark and print the phases.
pub async fn run(args: ClassicArgs) -> anyhow::Result<()> {
    if args.movements == 0 || args.movements > 900 {
        bail!("--movements must be 1 to 900");
    }
    let node = Fresh::start(args.database_url.as_deref()).await?;
    let client = fresh::client(args.concurrency)?;
    let limit = Arc::new(Semaphore::new(args.concurrency));

    // Phase 1: lodging.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..args.movements {
        let body = fresh::declaration(i);
        let (client, base, token, limit) = (
            client.clone(),
            node.base.clone(),
            node.trader.clone(),
            limit.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire().await.expect("semaphore");
            let t = Instant::now();
            let id = fresh::lodge_over_http(&client, &base, &token, body)
                .await
                .map_err(|e| anyhow::anyhow!("lodging failed: {e}"))?;
            Ok::<_, anyhow::Error>((t.elapsed(), id))
        }));
    }
    let mut latencies = Vec::new();
    let mut ids = Vec::new();
    for t in tasks {
        let (d, id) = t.await.context("task")??;
        latencies.push(d);
        ids.push(id);
    }
    let lodging = phase("lodging (CC015C, XML)", started, latencies);

    // Phase 2: the rest of the lifecycle, each movement's steps in order, movements in parallel.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for id in ids {
        let (client, base, officers, limit) = (
            client.clone(),
            node.base.clone(),
            node.officers.clone(),
            limit.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for (who, action, office) in STEPS {
                let _permit = limit.acquire().await.expect("semaphore");
                let t = Instant::now();
                fresh::step_over_http(&client, &base, &officers[who], &id, action, office)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                out.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(out)
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.context("task")??);
    }
    let lifecycle = phase("lifecycle steps (release … write-off)", started, latencies);
    let movements_per_second = args.movements as f64 / (lodging.seconds + lifecycle.seconds);
    let total = node.running_total().await?;
    if total != 0 {
        bail!("guarantee not credited back: running total {total}");
    }
    let report = json!({
        "database": node.database,
        "movements": args.movements,
        "concurrency": args.concurrency,
        "phases": [lodging, lifecycle],
        "movementsPerSecondEndToEnd": movements_per_second,
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "{} — {} movements, {} concurrent clients",
            node.database, args.movements, args.concurrency
        );
        for p in [&lodging, &lifecycle] {
            println!(
                "  {:<40} {:>6} requests in {:>6.2} s = {:>7.1}/s   {}",
                p.name,
                p.requests,
                p.seconds,
                p.per_second,
                p.latencies.line()
            );
        }
        println!("  whole movements (lodge to write-off): {movements_per_second:.1}/s");
    }
    Ok(())
}
