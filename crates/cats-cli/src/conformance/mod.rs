//! `cats conformance`: the ICE conformance kit (`docs/ice/`). It plays a peer node against any
//! node that claims to implement the specification and prints a pass/fail table of scenarios,
//! each with the answer or NACK it expects.
//!
//! * `--target URL --identity DIR`: the kit signs with `DIR/node.key` as node `--node` (default
//!   `CK`); the target must list that node as a peer hosting the country of `--from` (default
//!   `GETBS001`, Georgia) with the kit's `node.pub`. `--target-node` and `--target-key` name the
//!   target (the key checks its receipts' signatures). Scenarios of a receiver.
//! * `--self`: starts a fresh node on 127.0.0.1 (SQLite in a temporary directory, hosting
//!   Kazakhstan) that trusts the kit as the node of Azerbaijan and Georgia, and runs every
//!   scenario, those of the node of departure too.

mod holder;
mod kit;
mod owner;
mod scenarios;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use serde::Serialize;

use cats_domain::ids::{NodeId, OfficeRef};
use cats_domain::risk::RiskPolicy;

pub use kit::{Answer, Kit, Signing};

/// One scenario's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    /// What it checks.
    pub name: String,
    /// Whether the target answered as the specification says.
    pub passed: bool,
    /// What was wrong, or `ok`.
    pub detail: String,
}

/// Every scenario's outcome, with the counts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// In order.
    pub scenarios: Vec<Scenario>,
    /// How many passed.
    pub passed: usize,
    /// How many failed.
    pub failed: usize,
}

impl Report {
    /// Record a scenario.
    pub fn add(&mut self, name: &str, outcome: Result<(), String>) {
        let passed = outcome.is_ok();
        if passed {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        self.scenarios.push(Scenario {
            name: name.to_string(),
            passed,
            detail: outcome.err().unwrap_or_else(|| "ok".into()),
        });
    }

    /// The table.
    pub fn table(&self) -> String {
        let mut out = String::new();
        for s in &self.scenarios {
            out.push_str(&format!(
                "{}  {}{}\n",
                if s.passed { "PASS" } else { "FAIL" },
                s.name,
                if s.passed {
                    String::new()
                } else {
                    format!("\n      {}", s.detail)
                }
            ));
        }
        out.push_str(&format!(
            "\n{} scenarios: {} passed, {} failed\n",
            self.scenarios.len(),
            self.passed,
            self.failed
        ));
        out
    }
}

/// Arguments of `cats conformance`.
#[derive(Debug, Args)]
pub struct ConformanceArgs {
    /// Base URL of the node under test (its ICE endpoint is `{URL}/ice/v1/messages`).
    #[arg(long, required_unless_present = "self_test")]
    target: Option<String>,
    /// Directory with the kit's key (`node.key`, as `cats ice keygen` makes it).
    #[arg(long, required_unless_present = "self_test")]
    identity: Option<PathBuf>,
    /// The node id the target knows the kit by.
    #[arg(long, default_value = "CK")]
    node: String,
    /// The target's node id.
    #[arg(long, default_value = "KZ")]
    target_node: String,
    /// The target's public key (base64, its node.pub), to check its receipts' signatures.
    #[arg(long)]
    target_key: Option<String>,
    /// An office of a country the kit's node hosts (departure of the sample movements).
    #[arg(long, default_value = "GETBS001")]
    from: String,
    /// An office the target hosts (destination of the sample movements).
    #[arg(long, default_value = "KZAAU001")]
    to: String,
    /// Another office the target hosts (a departure the kit may not claim).
    #[arg(long, default_value = "KZHOR001")]
    theirs: String,
    /// Start a fresh local node that trusts the kit and run the whole suite against it.
    #[arg(long = "self")]
    self_test: bool,
    /// Print `{"scenarios": [{"name", "passed", "detail"}], "passed": N, "failed": N}`.
    #[arg(long)]
    json: bool,
}

/// Run the kit as the arguments say; the report.
pub async fn run(args: &ConformanceArgs) -> anyhow::Result<Report> {
    let from: OfficeRef = args.from.parse().context("--from")?;
    let to: OfficeRef = args.to.parse().context("--to")?;
    let theirs: OfficeRef = args.theirs.parse().context("--theirs")?;
    let me = NodeId::parse(&args.node).context("--node")?;
    let mut report = Report::default();
    if args.self_test {
        let dir = tempfile::tempdir()?;
        let files = cats_ice::keys::generate(&dir.path().join("kit"), me.as_str())?;
        let key = cats_ice::keys::load(&files.key)?;
        let target = start_target(dir.path(), &me, &key).await?;
        let kit = Kit::new(
            &target.url,
            target.node.clone(),
            Some(target.key),
            me.clone(),
            key,
        );
        scenarios::receiving(&kit, &from, &to, &theirs, &mut report).await?;
        owner::departure(&target.app, &kit, &target.inbox, &mut report).await?;
        let alat: OfficeRef = "AZALA001".parse()?;
        holder::guarantee_holder(&target.app, &kit, &target.inbox, &alat, &mut report).await?;
        let _ = target.stop.send(true);
    } else {
        let identity = args.identity.as_ref().context("--identity")?;
        let key = cats_ice::keys::load(&identity.join(cats_ice::keys::KEY_FILE))?;
        let target_key = args
            .target_key
            .as_deref()
            .map(cats_ice::keys::parse_public_key)
            .transpose()?;
        let kit = Kit::new(
            args.target.as_deref().context("--target")?,
            NodeId::parse(&args.target_node).context("--target-node")?,
            target_key,
            me,
            key,
        );
        scenarios::receiving(&kit, &from, &to, &theirs, &mut report).await?;
    }
    Ok(report)
}

/// `cats conformance`: print the report; exit 1 when a scenario failed.
pub async fn main(args: ConformanceArgs) -> anyhow::Result<()> {
    let report = run(&args).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.table());
    }
    if report.failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}

struct Target {
    app: cats_app::App,
    url: String,
    node: NodeId,
    key: ed25519_dalek::VerifyingKey,
    inbox: owner::Inbox,
    stop: tokio::sync::watch::Sender<bool>,
}

/// A fresh node hosting Kazakhstan, trusting the kit (`me`, `kit_key`) as the node of Azerbaijan
/// and Georgia, with its ICE endpoint and delivery worker running; and the kit's own endpoint.
async fn start_target(
    dir: &std::path::Path,
    me: &NodeId,
    kit_key: &ed25519_dalek::SigningKey,
) -> anyhow::Result<Target> {
    let location = crate::config::Location::sqlite(&dir.join("node"));
    let risk = RiskPolicy {
        default_rate: 0.0,
        ..RiskPolicy::default()
    };
    let node = crate::node::open_at(&location, risk).await?;
    let files = cats_ice::keys::generate(&dir.join("node/ice"), "KZ")?;
    let key = cats_ice::keys::load(&files.key)?;
    let node_id = NodeId::parse("KZ")?;
    let target_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let kit_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let kit_url = format!("http://{}", kit_listener.local_addr()?);
    let countries: std::collections::BTreeSet<_> = ["AZ", "GE"]
        .iter()
        .map(|c| c.parse())
        .collect::<Result<_, _>>()?;
    let peer = cats_ice::network::Peer {
        node: me.clone(),
        url: kit_url,
        key: kit_key.verifying_key(),
        countries: countries.clone(),
        certificate: None,
        certificate_der: None,
    };
    let network = Arc::new(cats_ice::Network {
        topology: cats_app::ice::Topology {
            node: node_id.clone(),
            hosted: std::iter::once("KZ".parse()?).collect(),
            peers: countries.iter().map(|c| (*c, me.clone())).collect(),
        },
        key: key.clone(),
        peers: std::iter::once((me.clone(), peer)).collect(),
        freshness: chrono::Duration::minutes(5),
        retry_first: chrono::Duration::milliseconds(100),
        retry_max: chrono::Duration::seconds(1),
        poll: std::time::Duration::from_millis(10),
        listen: None,
        key_path: files.key.clone(),
        certificate: None,
    });
    let app = cats_ice::ask::attach(node.app, &network, cats_ice::deliver::client());
    let router = cats_ice::server::router(app.clone(), network.clone());
    let url = format!("http://{}", target_listener.local_addr()?);
    tokio::spawn(async move { axum::serve(target_listener, router).await });
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(cats_ice::deliver::run(
        app.clone(),
        network,
        cats_ice::deliver::client(),
        stopped,
    ));
    let inbox = owner::Inbox::new(me.clone(), kit_key.clone(), key.verifying_key());
    let kit_router = inbox.clone().router();
    tokio::spawn(async move { axum::serve(kit_listener, kit_router).await });
    Ok(Target {
        app,
        url,
        node: node_id,
        key: key.verifying_key(),
        inbox,
        stop,
    })
}
