//! Where the replay applies each step: one node, or one node per country group exchanging over
//! ICE (`cats replay --nodes KZ,AZ,GE,TM,UZ`; `KZ+TM` puts two countries on one node). Each
//! network node has its own database (SQLite in a temporary directory, or a fresh PostgreSQL
//! database on the server of `--database-url`), its own key and its ICE endpoint on a free port
//! of 127.0.0.1, with the delivery worker running; every cross-border step travels over ICE.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use serde::Serialize;

use cats_app::App;
use cats_domain::ids::{CountryCode, NodeId};
use cats_domain::risk::RiskPolicy;
use cats_ice::network::Peer;
use cats_ice::server::ServerStats;
use cats_ice::Network;
use cats_store::{Database, DbSettings, SqlStore};

use crate::config::Location;

/// The node(s) a replay runs on.
pub struct Nodes {
    apps: Vec<App>,
    hosts: BTreeMap<CountryCode, usize>,
    stats: Vec<Arc<ServerStats>>,
    stop: Option<tokio::sync::watch::Sender<bool>>,
    databases: Vec<(String, String)>,
    _dirs: Vec<tempfile::TempDir>,
}

/// The `ice` object of the replay report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IceFigures {
    /// Nodes, as given (`KZ`, `KZ+TM` …).
    pub nodes: Vec<String>,
    /// Messages written to outboxes.
    pub sent: i64,
    /// Messages delivered (receipt `accepted`).
    pub delivered: i64,
    /// Messages refused by their receiver (CD906C, CD917C).
    pub refused: i64,
    /// Delivery attempts beyond the first.
    pub retried: i64,
    /// Deliveries answered as duplicates with the original receipt.
    pub duplicates_refused: u64,
    /// Largest time from writing a message to its receipt, milliseconds.
    pub max_lag_ms: i64,
}

impl Nodes {
    /// One node: every step applies to `app`.
    pub fn one(app: App) -> Self {
        Self {
            apps: vec![app],
            hosts: BTreeMap::new(),
            stats: vec![],
            stop: None,
            databases: vec![],
            _dirs: vec![],
        }
    }

    /// Nodes already running elsewhere (their own `cats serve` delivers), opened here on their
    /// databases: `apps[i]` hosts the countries `hosts` maps to `i`.
    pub fn over(apps: Vec<App>, hosts: BTreeMap<CountryCode, usize>) -> Self {
        Self {
            apps,
            hosts,
            stats: vec![],
            stop: None,
            databases: vec![],
            _dirs: vec![],
        }
    }

    /// The node hosting `office` (by its first two letters); the first node when none does.
    pub fn app_for(&self, office: &str) -> &App {
        let i = office
            .get(..2)
            .and_then(|c| CountryCode::parse(c).ok())
            .and_then(|c| self.hosts.get(&c).copied())
            .unwrap_or(0);
        &self.apps[i]
    }

    /// Every node.
    pub fn apps(&self) -> &[App] {
        &self.apps
    }

    /// Wait until no message is waiting for delivery on any node (goods take hours, messages
    /// milliseconds: the next step sees everything sent before it). Errors after 60 s.
    pub async fn settle(&self) -> anyhow::Result<()> {
        if self.apps.len() < 2 {
            return Ok(());
        }
        // Two passes in a row with nothing pending: a message delivered during a pass may have
        // made its answer (CD205C to a CD203C) at a node the pass had already looked at.
        let mut quiet = 0;
        for _ in 0..30_000 {
            let mut pending = 0;
            for app in &self.apps {
                pending += app.store().ice_pending().await?;
            }
            quiet = if pending == 0 { quiet + 1 } else { 0 };
            if quiet == 2 {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        anyhow::bail!("ICE messages still pending after 60 s")
    }

    /// The ICE figures of a network (`None` for one node), once nothing is waiting for
    /// delivery ([`Self::settle`]): a node's background work (the overdue enquiry, a retry) may
    /// have sent a message after the replay's last step settled.
    pub async fn ice(&self, names: &[String]) -> anyhow::Result<Option<IceFigures>> {
        if self.apps.len() < 2 {
            return Ok(None);
        }
        self.settle().await?;
        let mut f = IceFigures {
            nodes: names.to_vec(),
            ..IceFigures::default()
        };
        for app in &self.apps {
            for q in app.store().ice_queues(chrono::Utc::now()).await? {
                f.sent += q.pending + q.delivered + q.refused;
                f.delivered += q.delivered;
                f.refused += q.refused;
                f.retried += q.retried;
                f.max_lag_ms = f.max_lag_ms.max(q.max_lag_ms.unwrap_or(0));
            }
        }
        f.duplicates_refused = self
            .stats
            .iter()
            .map(|s| s.duplicates.load(Ordering::Relaxed))
            .sum();
        Ok(Some(f))
    }

    /// Stop the workers and drop the PostgreSQL databases made for the network.
    pub async fn close(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        self.apps.clear();
        for (admin, name) in std::mem::take(&mut self.databases) {
            SqlStore::drop_database(&admin, &name).await?;
        }
        Ok(())
    }
}

/// Parse `KZ,AZ,GE+TM`: one group of countries per node.
pub fn groups(spec: &str) -> anyhow::Result<Vec<(NodeId, Vec<CountryCode>)>> {
    let mut seen = std::collections::BTreeSet::new();
    spec.split(',')
        .map(|g| {
            let g = g.trim();
            let id = NodeId::parse(g).with_context(|| format!("--nodes: node {g:?}"))?;
            let countries = g
                .split('+')
                .map(|c| {
                    let c =
                        CountryCode::parse(c).with_context(|| format!("--nodes: country {c:?}"))?;
                    anyhow::ensure!(seen.insert(c), "--nodes: country {c} is in two groups");
                    Ok(c)
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            Ok((id, countries))
        })
        .collect()
}

/// Start a network of nodes for `spec` with `risk`; `pg_admin` (a PostgreSQL URL of an existing
/// database) puts each node's database on that server, else SQLite in temporary directories.
pub async fn network(
    spec: &str,
    risk: &RiskPolicy,
    pg_admin: Option<&str>,
) -> anyhow::Result<Nodes> {
    let groups = groups(spec)?;
    anyhow::ensure!(groups.len() >= 2, "--nodes needs at least two nodes");
    // Every node of a replay draws with the seed's key, as one node would.
    let risk = &super::seeded(risk.clone());
    let mut dirs = Vec::new();
    let mut databases = Vec::new();
    let mut apps = Vec::new();
    let mut keys = Vec::new();
    let mut listeners = Vec::new();
    for (i, (id, _)) in groups.iter().enumerate() {
        let dir = tempfile::tempdir()?;
        let mut location = Location::sqlite(dir.path());
        if let Some(admin) = pg_admin {
            let name = format!("cats_replay_{}_{i}", std::process::id());
            SqlStore::drop_database(admin, &name).await?;
            let url = SqlStore::create_database(admin, &name)
                .await
                .with_context(|| format!("creating database {name}"))?;
            databases.push((admin.to_string(), name));
            location.database = Database::Postgres(url);
            location.settings = DbSettings::default();
        }
        let node = crate::node::open_at(&location, risk.clone()).await?;
        let files = cats_ice::keys::generate(&dir.path().join("ice"), id.as_str())?;
        keys.push((cats_ice::keys::load(&files.key)?, files.key));
        apps.push(node.app);
        listeners.push(tokio::net::TcpListener::bind("127.0.0.1:0").await?);
        dirs.push(dir);
    }
    let urls: Vec<String> = listeners
        .iter()
        .map(|l| l.local_addr().map(|a| format!("http://{a}")))
        .collect::<Result<_, _>>()?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut hosts = BTreeMap::new();
    let mut stats = Vec::new();
    let mut served = Vec::new();
    for (i, ((id, countries), listener)) in groups.iter().zip(listeners).enumerate() {
        let mut peers = BTreeMap::new();
        let mut by_country = BTreeMap::new();
        for (j, (peer, peer_countries)) in groups.iter().enumerate() {
            if i == j {
                continue;
            }
            for c in peer_countries {
                by_country.insert(*c, peer.clone());
            }
            peers.insert(
                peer.clone(),
                Peer {
                    node: peer.clone(),
                    url: urls[j].clone(),
                    key: keys[j].0.verifying_key(),
                    countries: peer_countries.iter().copied().collect(),
                    certificate: None,
                    certificate_der: None,
                },
            );
        }
        for c in countries {
            hosts.insert(*c, i);
        }
        let network = Arc::new(Network {
            topology: cats_app::ice::Topology {
                node: id.clone(),
                hosted: countries.iter().copied().collect(),
                peers: by_country,
            },
            key: keys[i].0.clone(),
            peers,
            freshness: chrono::Duration::minutes(5),
            retry_first: chrono::Duration::milliseconds(20),
            retry_max: chrono::Duration::milliseconds(500),
            poll: Duration::from_millis(2),
            listen: None,
            key_path: keys[i].1.clone(),
            certificate: None,
        });
        let app = cats_ice::ask::attach(apps[i].clone(), &network, cats_ice::deliver::client());
        let stat = Arc::new(ServerStats::default());
        let router =
            cats_ice::server::router_with_stats(app.clone(), network.clone(), stat.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        tokio::spawn(cats_ice::deliver::run(
            app.clone(),
            network,
            cats_ice::deliver::client(),
            stopped.clone(),
        ));
        stats.push(stat);
        served.push(app);
    }
    Ok(Nodes {
        apps: served,
        hosts,
        stats,
        stop: Some(stop),
        databases,
        _dirs: dirs,
    })
}
