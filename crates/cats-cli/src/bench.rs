//! `cats bench`: a load generator over HTTP against a fresh node on 127.0.0.1 (SQLite or
//! PostgreSQL). Measures the throughput of lodging and of the full lifecycle (release, exit,
//! entry, exit, entry, arrival, goods release and write-off) with concurrent clients.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;
use serde_json::{json, Value};
use tokio::sync::Semaphore;

use cats_app::{tokens, Actor};
use cats_domain::risk::RiskPolicy;

use crate::config::Location;
use crate::node;

/// The declaration used: KZHOR001 → GEPTI001 on Silk Way's guarantee, 1,000.00 USD each.
const DECLARATION: &str = include_str!("../../cats-ncts/tests/fixtures/cc015c-corridor.xml");

/// Arguments of `cats bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
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
pub struct Phase {
    /// What was measured.
    pub name: String,
    /// HTTP requests made.
    pub requests: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Requests per second.
    pub per_second: f64,
    /// Median latency, milliseconds.
    pub p50_ms: f64,
    /// 95th percentile latency, milliseconds.
    pub p95_ms: f64,
    /// 99th percentile latency, milliseconds.
    pub p99_ms: f64,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn phase(name: &str, started: Instant, mut latencies: Vec<Duration>) -> Phase {
    latencies.sort();
    let seconds = started.elapsed().as_secs_f64();
    Phase {
        name: name.into(),
        requests: latencies.len(),
        seconds,
        per_second: latencies.len() as f64 / seconds,
        p50_ms: percentile(&latencies, 0.50),
        p95_ms: percentile(&latencies, 0.95),
        p99_ms: percentile(&latencies, 0.99),
    }
}

/// Run the benchmark and print the phases.
pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    if args.movements == 0 || args.movements > 900 {
        bail!("--movements must be 1 to 900");
    }
    let temp = tempfile::tempdir()?;
    let data_dir: PathBuf = temp.path().to_path_buf();
    let location = Location::resolve(&data_dir, args.database_url.as_deref(), None)?;
    let risk = RiskPolicy {
        default_rate: 0.0,
        ..RiskPolicy::default()
    };
    let node = node::open_at(&location, risk).await?;
    let trader = tokens::issue(
        &node.app,
        &Actor::System("bench".into()),
        "silkway",
        chrono::Utc::now(),
    )
    .await?;
    let officers: Vec<String> = {
        let mut v = Vec::new();
        for u in ["officer.kz", "officer.az", "officer.ge"] {
            v.push(
                tokens::issue(
                    &node.app,
                    &Actor::System("bench".into()),
                    u,
                    chrono::Utc::now(),
                )
                .await?,
            );
        }
        v
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = node.app.clone();
    tokio::spawn(async move { cats_web::serve(app, listener).await });
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let limit = Arc::new(Semaphore::new(args.concurrency));

    // Phase 1: lodging.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..args.movements {
        let body = DECLARATION
            .replace(
                "<LRN>KZHOR-2025-000123</LRN>",
                &format!("<LRN>BENCH-{i:05}</LRN>"),
            )
            .replace(
                "<amountToBeCovered>25000.00</amountToBeCovered>",
                "<amountToBeCovered>1000.00</amountToBeCovered>",
            );
        let (client, base, token, limit) =
            (client.clone(), base.clone(), trader.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire().await.expect("semaphore");
            let t = Instant::now();
            let res = client
                .post(format!("{base}/movements/departures"))
                .bearer_auth(token)
                .header("Content-Type", "application/xml")
                .body(body)
                .send()
                .await?;
            let status = res.status();
            let v: Value = res.json().await?;
            if status.as_u16() != 202 || v["state"] != "Accepted" {
                bail!("lodging failed: {status} {v}");
            }
            Ok::<_, anyhow::Error>((
                t.elapsed(),
                v["id"].as_str().unwrap_or_default().to_string(),
            ))
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
    let steps: [(usize, &str, &str); 7] = [
        (0, "release", "KZHOR001"),
        (0, "exit", "KZAAU001"),
        (1, "entry", "AZALA001"),
        (1, "exit", "AZQAZ001"),
        (2, "entry", "GERBR001"),
        (2, "arrival", "GEPTI001"),
        (2, "goods-release", "GEPTI001"),
    ];
    let started = Instant::now();
    let mut tasks = Vec::new();
    for id in ids {
        let (client, base, officers, limit) = (
            client.clone(),
            base.clone(),
            officers.clone(),
            limit.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for (who, action, office) in steps {
                let _permit = limit.acquire().await.expect("semaphore");
                let t = Instant::now();
                let res = client
                    .post(format!("{base}/movements/departures/{id}/customs/{action}"))
                    .bearer_auth(&officers[who])
                    .json(&json!({ "office": office }))
                    .send()
                    .await?;
                if res.status().as_u16() != 200 {
                    bail!("{action} failed: {}", res.text().await.unwrap_or_default());
                }
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
    let g = node
        .app
        .store()
        .guarantee(&"25KZ0000SRI000010".parse()?)
        .await?
        .context("demo guarantee")?;
    if g.running_total_minor != 0 {
        bail!(
            "guarantee not credited back: running total {}",
            g.running_total_minor
        );
    }
    let report = json!({
        "database": location.database.describe(),
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
            location.database.describe(),
            args.movements,
            args.concurrency
        );
        for p in [&lodging, &lifecycle] {
            println!(
                "  {:<40} {:>6} requests in {:>6.2} s = {:>7.1}/s   p50 {:>6.1} ms  p95 {:>6.1} ms  p99 {:>6.1} ms",
                p.name, p.requests, p.seconds, p.per_second, p.p50_ms, p.p95_ms, p.p99_ms
            );
        }
        println!("  whole movements (lodge to write-off): {movements_per_second:.1}/s");
    }
    Ok(())
}
