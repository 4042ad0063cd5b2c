//! `cats demo corridor`: three ICE nodes on 127.0.0.1 — Kazakhstan (which also hosts Turkmenistan
//! and Uzbekistan, so that the whole corridor data has a home), Azerbaijan and Georgia — each with
//! its own database, key and web interface, configured as each other's peers, for trying the
//! exchange by hand (lodge at a Kazakh office, release, then record the passages at the
//! Azerbaijani and Georgian offices on their own nodes), or with `--replay FILE` after replaying
//! recorded movements across them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::Context;

/// The nodes of the corridor demo.
pub const CORRIDOR: [&str; 3] = ["KZ", "AZ", "GE"];

/// The countries each node of [`CORRIDOR`] hosts.
pub const HOSTED: [&[&str]; 3] = [&["KZ", "TM", "UZ"], &["AZ"], &["GE"]];

/// One node of the demo.
#[derive(Debug, Clone)]
pub struct DemoNode {
    /// Node id (its country).
    pub node: String,
    /// Its data directory.
    pub dir: PathBuf,
    /// Its port on 127.0.0.1.
    pub port: u16,
}

impl DemoNode {
    /// Its base URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Prepare the nodes under `dir` (a key and a `cats.toml` each; an existing key is kept so that
/// the demo can be started again on its data), on `ports` (KZ, AZ, GE).
pub fn prepare(dir: &Path, ports: [u16; 3]) -> anyhow::Result<Vec<DemoNode>> {
    let nodes: Vec<DemoNode> = CORRIDOR
        .iter()
        .enumerate()
        .map(|(i, n)| DemoNode {
            node: n.to_string(),
            dir: dir.join(n),
            port: ports[i],
        })
        .collect();
    let mut public = Vec::new();
    for n in &nodes {
        let ice = n.dir.join("ice");
        if !ice.join(cats_ice::keys::KEY_FILE).exists() {
            cats_ice::keys::generate(&ice, &n.node)?;
        }
        let key = std::fs::read_to_string(ice.join(cats_ice::keys::PUBLIC_KEY_FILE))
            .with_context(|| format!("reading {}", ice.display()))?;
        public.push(key.trim().to_string());
    }
    for (i, n) in nodes.iter().enumerate() {
        let mut toml = format!(
            "# Made by `cats demo corridor`.\n[ice]\nnode = \"{}\"\ncountries = {:?}\nkey = \"ice/node.key\"\ncertificate = \"ice/node.crt\"\npoll_ms = 20\n",
            n.node, HOSTED[i]
        );
        for (j, p) in nodes.iter().enumerate() {
            if i != j {
                toml.push_str(&format!(
                    "\n[[ice.peers]]\nnode = \"{}\"\ncountries = {:?}\nurl = \"{}\"\npublic_key = \"{}\"\n",
                    p.node,
                    HOSTED[j],
                    p.url(),
                    public[j]
                ));
            }
        }
        std::fs::write(n.dir.join(crate::config::CONFIG_FILE), toml)
            .with_context(|| format!("writing {}", n.dir.display()))?;
    }
    Ok(nodes)
}

/// Start `EXE serve` (the `cats` executable) for each node, wait until each answers `/health`,
/// and return the processes. Errors: a node that does not start within 60 s (its log is in its
/// data directory, `serve.log`).
pub async fn start(exe: &Path, nodes: &[DemoNode]) -> anyhow::Result<Vec<Child>> {
    let mut children = Vec::new();
    for n in nodes {
        let log = std::fs::File::create(n.dir.join("serve.log"))
            .with_context(|| format!("creating the log in {}", n.dir.display()))?;
        children.push(
            Command::new(exe)
                .args(["serve", "--data-dir"])
                .arg(&n.dir)
                .args(["--listen", &format!("127.0.0.1:{}", n.port)])
                .env_remove("CATS_DATABASE_URL")
                .env_remove("CATS_CONFIG")
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .context("starting cats serve")?,
        );
    }
    let client = reqwest::Client::new();
    for n in nodes {
        let mut up = false;
        for _ in 0..600 {
            if client
                .get(format!("{}/health", n.url()))
                .send()
                .await
                .is_ok()
            {
                up = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if !up {
            for c in &mut children {
                let _ = c.kill();
            }
            anyhow::bail!(
                "node {} did not start on {}; see {}",
                n.node,
                n.url(),
                n.dir.join("serve.log").display()
            );
        }
    }
    Ok(children)
}

/// What to tell the person who started the demo.
pub fn describe(nodes: &[DemoNode]) -> String {
    let mut out = String::from("ICE corridor demo: three national nodes on 127.0.0.1\n\n");
    out.push_str(&format!(
        "{:<6} {:<24} {}\n",
        "node", "web and API", "data (passwords in demo-passwords.txt)"
    ));
    for n in nodes {
        out.push_str(&format!(
            "{:<6} {:<24} {}\n",
            n.node,
            n.url(),
            n.dir.display()
        ));
    }
    out.push_str(
        "\nTry: lodge a Single Transit Document as silkway on KZ from Aktau (KZAAU001) to Tbilisi \
         (GETBS001) via Alat (AZALA001) and Red Bridge (GERBR001); release it as officer.kz; then \
         record the entry at Alat as officer.az on AZ, and the arrival and goods release at \
         Tbilisi as officer.ge on GE: the movement is written off on KZ. `cats ice status \
         --data-dir DIR` shows each node's queues.\nCtrl-C stops the three nodes.\n",
    );
    out
}

/// Replay the JSON Lines `text` across the running demo `nodes` (opened here on their databases;
/// their own processes deliver the ICE messages): the outcomes, the KPIs and the ICE figures.
pub async fn replay(
    nodes: &[DemoNode],
    text: &str,
) -> anyhow::Result<(
    Vec<crate::replay::Outcome>,
    crate::replay::Kpi,
    Option<crate::replay::IceFigures>,
)> {
    let lines = crate::replay::parse(text)?;
    let mut apps = Vec::new();
    let mut hosts = std::collections::BTreeMap::new();
    for (i, n) in nodes.iter().enumerate() {
        let location = crate::config::Location::resolve(&n.dir, None, None)?;
        let network = location
            .network()?
            .context("the demo node has no [ice] table")?;
        for c in &network.topology.hosted {
            hosts.insert(*c, i);
        }
        let risk = crate::node::risk_policy(&n.dir)?;
        let client = network.http_client()?;
        let app = cats_ice::ask::attach(
            crate::node::open_at(&location, risk).await?.app,
            &std::sync::Arc::new(network),
            client,
        );
        apps.push(app);
    }
    let over = crate::replay::Nodes::over(apps, hosts);
    let outcomes = crate::replay::replay(&over, &lines, || {}).await?;
    over.settle().await?;
    let kpi = crate::replay::compute(over.apps(), &outcomes).await?;
    let names: Vec<String> = nodes.iter().map(|n| n.node.clone()).collect();
    let ice = over.ice(&names).await?;
    Ok((outcomes, kpi, ice))
}
