//! `cats replay FILE`: the parallel-test replay of recorded movements (issue 2, item 12).

mod engine;
mod file;
mod kpi;
pub(crate) mod nodes;

pub use engine::{replay, Outcome};
pub use file::parse;
pub use kpi::{compute, Kpi};
pub use nodes::{groups, network, IceFigures, Nodes};

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use serde_json::json;

use crate::node;

/// Arguments of `cats replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// JSON Lines file of recorded movements.
    file: PathBuf,
    /// Data directory of the node to replay into; by default a fresh temporary node with the demo data.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Database URL of the node to replay into (postgres://… or sqlite://PATH); it should be empty.
    #[arg(long, env = "CATS_DATABASE_URL")]
    database_url: Option<String>,
    /// Print one JSON document instead of text.
    #[arg(long)]
    json: bool,
    /// Seed of CATS's random risk selection (logged in every selection), so that a replay can be
    /// reproduced; default: the policy's. A serving node draws with its own secret key instead.
    #[arg(long)]
    seed: Option<u64>,
    /// Replay across one ICE node per listed country (`KZ,AZ,GE,TM,UZ`; `KZ+TM` puts two on one
    /// node), each with its own database and port on 127.0.0.1, every cross-border step over
    /// ICE. With --database-url, that server gets one fresh database per node (dropped after).
    #[arg(long)]
    nodes: Option<String>,
}

/// The policy as a replay uses it: the random draw keyed by the policy's seed, so that the same
/// seed gives the same selections on any number of nodes. A serving node draws with its own
/// secret key instead (issue 15).
pub fn seeded(mut risk: cats_domain::risk::RiskPolicy) -> cats_domain::risk::RiskPolicy {
    risk.key = Some(cats_domain::risk::DrawKey::from_seed(risk.seed));
    risk
}

/// Run a replay and print the report. Exits non-zero when a movement did not end as expected.
pub async fn run(args: ReplayArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let lines = parse(&text)?;
    let temp;
    let data_dir = match &args.data_dir {
        Some(d) => d.clone(),
        None => {
            temp = tempfile::tempdir()?;
            temp.path().to_path_buf()
        }
    };
    let mut risk = node::risk_policy(&data_dir)?;
    if let Some(seed) = args.seed {
        risk.seed = seed;
    }
    let risk = seeded(risk);
    let nodes = match &args.nodes {
        Some(spec) => network(spec, &risk, args.database_url.as_deref()).await?,
        None => {
            let location =
                crate::config::Location::resolve(&data_dir, args.database_url.as_deref(), None)?;
            Nodes::one(node::open_at(&location, risk).await?.app)
        }
    };
    let steps: u64 = lines.iter().map(|l| 1 + l.events.len() as u64).sum();
    let bar = indicatif::ProgressBar::new(steps);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} steps {msg}")
            .expect("template"),
    );
    let outcomes = replay(&nodes, &lines, || bar.inc(1)).await?;
    bar.finish_and_clear();
    let kpi = compute(nodes.apps(), &outcomes).await?;
    let names: Vec<String> = match &args.nodes {
        Some(spec) => groups(spec)?
            .into_iter()
            .map(|(n, _)| n.to_string())
            .collect(),
        None => vec![],
    };
    let ice = nodes.ice(&names).await?;
    nodes.close().await?;
    if args.json {
        let movements: Vec<_> = outcomes
            .iter()
            .zip(&kpi.selected)
            .map(|(o, selected)| json!({ "lrn": o.lrn, "mrn": o.mrn, "state": o.state, "expected": o.expected, "ok": o.ok(), "notes": o.notes, "selected": selected }))
            .collect();
        let mut report = json!({ "movements": movements, "kpi": kpi });
        if let Some(ice) = &ice {
            report["ice"] = serde_json::to_value(ice)?;
        }
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_text(&outcomes, &kpi);
        if let Some(f) = &ice {
            println!(
                "\nICE across {}: {} messages sent, {} delivered, {} refused, {} retries, {} duplicates refused, largest lag {} ms",
                f.nodes.join(", "),
                f.sent,
                f.delivered,
                f.refused,
                f.retried,
                f.duplicates_refused,
                f.max_lag_ms
            );
        }
    }
    if kpi.as_expected != kpi.movements {
        std::process::exit(1);
    }
    Ok(())
}

fn print_text(outcomes: &[Outcome], kpi: &Kpi) {
    println!(
        "{:<24} {:<20} {:<20} {:<20} ok",
        "LRN", "MRN", "final", "expected"
    );
    for o in outcomes {
        println!(
            "{:<24} {:<20} {:<20} {:<20} {}",
            o.lrn,
            o.mrn.as_ref().map_or("-", |m| m.as_str()),
            o.state,
            o.expected.as_deref().unwrap_or("-"),
            if o.ok() { "ok" } else { "NOT OK" }
        );
        if !o.ok() {
            for n in &o.notes {
                println!("    {n}");
            }
        }
    }
    println!();
    println!(
        "movements: {}, ended as expected: {}",
        kpi.movements, kpi.as_expected
    );
    println!(
        "transit procedure adherence rate: {:.1}% ({} of {} released arrived within the time limit)",
        kpi.adherence_rate * 100.0,
        kpi.arrived_in_time,
        kpi.released
    );
    println!(
        "controls recorded: {}; CATS's risk selection would have selected {} of them; CATS selections in all: {}",
        kpi.controls_recorded, kpi.controls_cats_would_select, kpi.cats_selections
    );
    let c = &kpi.confusion;
    println!("CATS selection vs recorded controls (movement × office):");
    println!("                    controlled   not controlled");
    println!(
        "  selected          {:>10}   {:>14}",
        c.selected_controlled, c.selected_not_controlled
    );
    println!(
        "  not selected      {:>10}   {:>14}",
        c.not_selected_controlled, c.not_selected_not_controlled
    );
    let e = &kpi.control_efficiency;
    println!(
        "risk assessment and control efficiency: {:.2} (findings caught {:.1}% at a control rate of {:.1}% over {} assessments; hit rate of recorded controls {:.1}%, of those CATS selected {:.1}%; precision {:.1}%, recall {:.1}%)",
        e.control_efficiency,
        e.findings_caught * 100.0,
        e.control_rate * 100.0,
        e.assessments,
        e.hit_rate * 100.0,
        e.selected_hit_rate * 100.0,
        e.precision * 100.0,
        e.recall * 100.0
    );
    if !kpi.profile_hit_rates.is_empty() {
        println!("profile hit rates (findings / controls where it fired):");
        for p in &kpi.profile_hit_rates {
            println!(
                "  {:<10} fired {:>4}  controls {:>3}  findings {:>3}  hit rate {:.1}%",
                p.profile,
                p.fired,
                p.controls,
                p.findings,
                p.hit_rate * 100.0
            );
        }
    }
    println!("mean transit time per route (release to arrival):");
    for r in &kpi.transit_times {
        println!(
            "  {:<22} {:>4} movements  {:>7.1} h ({:.1} days)",
            r.route,
            r.movements,
            r.mean_hours,
            r.mean_hours / 24.0
        );
    }
    println!("guarantee exposure at the end:");
    for e in &kpi.guarantee_exposure {
        println!(
            "  {}  {} of {} {}",
            e.grn, e.exposure, e.reference_amount, e.currency
        );
    }
}
