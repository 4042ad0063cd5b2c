//! Test kit for ICE: a network of real `cats serve` processes on 127.0.0.1, each with its own
//! database (SQLite in its directory, or a fresh PostgreSQL database with
//! `CATS_TEST_DATABASE_URL`), its own key made by `cats ice keygen`, and a `cats.toml` naming the
//! others as peers.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use reqwest::StatusCode;
use serde_json::Value;

use cats_domain::risk::RiskPolicy;

use crate::common::TestDb;

/// One node of the network.
pub struct IceNode {
    pub name: String,
    pub db: TestDb,
    pub port: u16,
    /// The ICE listener's port (mutual TLS), when the network uses one.
    pub ice_port: Option<u16>,
    pub child: Option<Child>,
    pub tokens: HashMap<String, String>,
}

impl IceNode {
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn dir(&self) -> PathBuf {
        self.db.dir.path().to_path_buf()
    }

    fn spawn(&mut self) {
        let mut args = vec![
            "serve".to_string(),
            "--data-dir".into(),
            self.dir().display().to_string(),
            "--listen".into(),
            format!("127.0.0.1:{}", self.port),
        ];
        if let Some(url) = self.db.url() {
            args.extend(["--database-url".into(), url]);
        }
        let log = std::fs::File::create(self.dir().join("serve.log")).expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_cats"))
            .args(&args)
            .env("CATS_LOG", "info,sqlx=warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start cats serve");
        self.child = Some(child);
    }

    /// Stop the process at once (SIGKILL): no draining, no clean-up.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for IceNode {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A network of nodes, one per `(node id, countries)`.
pub struct IceNetwork {
    pub nodes: Vec<IceNode>,
    pub client: reqwest::Client,
}

impl IceNetwork {
    /// Make keys and configurations, start every node, wait for each, and issue tokens to the
    /// demo users. ICE on the web port, plain HTTP (signatures only).
    pub async fn start(layout: &[(&str, &[&str])]) -> IceNetwork {
        Self::start_with(layout, false).await
    }

    /// The same, with `tls`: each node serves ICE on its own port over mutual TLS, trusting the
    /// certificates `cats ice keygen` made for its peers.
    pub async fn start_with(layout: &[(&str, &[&str])], tls: bool) -> IceNetwork {
        let mut nodes = Vec::new();
        let mut public = HashMap::new();
        for (name, _) in layout {
            let db = TestDb::new().await;
            let out = Command::new(env!("CARGO_BIN_EXE_cats"))
                .args(["ice", "keygen", "--node", name, "--dir"])
                .arg(db.dir.path().join("ice"))
                .output()
                .expect("cats ice keygen");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let key = std::fs::read_to_string(db.dir.path().join("ice/node.pub")).unwrap();
            public.insert(name.to_string(), key.trim().to_string());
            let policy = RiskPolicy {
                default_rate: 0.0,
                ..RiskPolicy::default()
            };
            std::fs::write(
                db.dir.path().join("risk-policy.json"),
                serde_json::to_string(&policy).unwrap(),
            )
            .unwrap();
            nodes.push(IceNode {
                name: name.to_string(),
                db,
                port: free_port(),
                ice_port: tls.then(free_port),
                child: None,
                tokens: HashMap::new(),
            });
        }
        for (i, (name, countries)) in layout.iter().enumerate() {
            let mut toml = format!(
                "[ice]\nnode = \"{name}\"\ncountries = {countries:?}\nkey = \"ice/node.key\"\ncertificate = \"ice/node.crt\"\nretry_first_secs = 1\nretry_max_secs = 2\npoll_ms = 50\n"
            );
            if let Some(port) = nodes[i].ice_port {
                toml.push_str(&format!("listen = \"127.0.0.1:{port}\"\n"));
            }
            for (j, (peer, peer_countries)) in layout.iter().enumerate() {
                if i != j {
                    let url = match nodes[j].ice_port {
                        Some(port) => format!("https://127.0.0.1:{port}"),
                        None => nodes[j].base(),
                    };
                    toml.push_str(&format!(
                        "\n[[ice.peers]]\nnode = \"{peer}\"\ncountries = {peer_countries:?}\nurl = \"{url}\"\npublic_key = \"{}\"\n",
                        public[*peer]
                    ));
                    if tls {
                        toml.push_str(&format!(
                            "certificate = {:?}\n",
                            nodes[j].dir().join("ice/node.crt").display().to_string()
                        ));
                    }
                }
            }
            std::fs::write(nodes[i].dir().join("cats.toml"), toml).unwrap();
        }
        let mut network = IceNetwork {
            nodes,
            client: reqwest::Client::new(),
        };
        for i in 0..network.nodes.len() {
            network.nodes[i].spawn();
        }
        for i in 0..network.nodes.len() {
            network.wait_up(i).await;
            let node = network.nodes[i].db.open(RiskPolicy::default()).await;
            for user in [
                "silkway",
                "caspian",
                "admin",
                "officer.kz",
                "officer.az",
                "officer.ge",
                "officer.tm",
                "officer.uz",
            ] {
                let t = cats_app::tokens::issue(
                    &node.app,
                    &cats_app::Actor::System("test".into()),
                    user,
                    Utc::now(),
                )
                .await
                .unwrap();
                network.nodes[i].tokens.insert(user.into(), t);
            }
        }
        network
    }

    fn index(&self, name: &str) -> usize {
        self.nodes
            .iter()
            .position(|n| n.name == name)
            .unwrap_or_else(|| panic!("no node {name}"))
    }

    pub fn node(&self, name: &str) -> &IceNode {
        &self.nodes[self.index(name)]
    }

    async fn wait_up(&self, i: usize) {
        let base = self.nodes[i].base();
        for _ in 0..300 {
            if self
                .client
                .get(format!("{base}/health"))
                .send()
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("cats serve did not start on {base}");
    }

    /// SIGKILL a node.
    pub fn kill(&mut self, name: &str) {
        let i = self.index(name);
        self.nodes[i].kill();
    }

    /// Start a killed node again on the same port and database.
    pub async fn restart(&mut self, name: &str) {
        let i = self.index(name);
        self.nodes[i].spawn();
        self.wait_up(i).await;
    }

    pub async fn call(&self, req: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let res = req.send().await.expect("request");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// GET `path` at node `name` as `user`.
    pub async fn get(&self, name: &str, user: &str, path: &str) -> (StatusCode, Value) {
        let n = self.node(name);
        self.call(
            self.client
                .get(format!("{}{path}", n.base()))
                .bearer_auth(&n.tokens[user]),
        )
        .await
    }

    /// Lodge an XML declaration at node `name` as `user`.
    pub async fn lodge(&self, name: &str, user: &str, xml: &str) -> (StatusCode, Value) {
        let n = self.node(name);
        self.call(
            self.client
                .post(format!("{}/movements/departures", n.base()))
                .bearer_auth(&n.tokens[user])
                .header("Content-Type", "application/xml")
                .body(xml.to_string()),
        )
        .await
    }

    /// An officer's action at node `name`.
    pub async fn customs(
        &self,
        name: &str,
        officer: &str,
        id: &str,
        action: &str,
        office: &str,
    ) -> (StatusCode, Value) {
        let n = self.node(name);
        self.call(
            self.client
                .post(format!(
                    "{}/movements/departures/{id}/customs/{action}",
                    n.base()
                ))
                .bearer_auth(&n.tokens[officer])
                .json(&serde_json::json!({ "office": office })),
        )
        .await
    }

    /// Wait (up to `secs`) until the movement `id` at node `name`, seen by `user`, satisfies
    /// `ok`; panics with the last answer otherwise.
    pub async fn wait_movement(
        &self,
        name: &str,
        user: &str,
        id: &str,
        secs: u64,
        what: &str,
        ok: impl Fn(&Value) -> bool,
    ) -> Value {
        let mut last = Value::Null;
        for _ in 0..secs * 10 {
            let (status, body) = self
                .get(name, user, &format!("/movements/departures/{id}"))
                .await;
            if status == StatusCode::OK && ok(&body) {
                return body;
            }
            last = body;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{what}: not seen at node {name} within {secs} s; last answer {last}");
    }

    /// `cats ice status --json` of node `name`.
    pub fn status(&self, name: &str) -> Value {
        let n = self.node(name);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cats"));
        cmd.args(["ice", "status", "--json", "--data-dir"])
            .arg(n.dir());
        if let Some(url) = n.db.url() {
            cmd.args(["--database-url", &url]);
        }
        let out = cmd.output().expect("cats ice status");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("status JSON")
    }
}

/// `xml` without its first block from `from` to the end of `to` (an office removed from a
/// declaration).
pub fn cut(xml: &str, from: &str, to: &str) -> String {
    let start = xml.find(from).expect("block");
    let end = start + xml[start..].find(to).expect("block end") + to.len();
    format!("{}{}", &xml[..start], &xml[end..])
}

/// The corridor declaration routed Aktau (KZAAU001) → Tbilisi (GETBS001): offices of transit
/// Alat (AZALA001) and Red Bridge (GERBR001), office of exit Qazax (AZQAZ001).
pub fn aktau_tbilisi(lrn: &str) -> String {
    let xml = crate::common::corridor(lrn)
        .replace(
            "<referenceNumber>KZHOR001</referenceNumber>",
            "<referenceNumber>KZAAU001</referenceNumber>",
        )
        .replace(
            "<referenceNumber>GEPTI001</referenceNumber>",
            "<referenceNumber>GETBS001</referenceNumber>",
        )
        .replace(
            "<customsOfficeAtBorderReferenceNumber>KZAAU001</customsOfficeAtBorderReferenceNumber>",
            "<customsOfficeAtBorderReferenceNumber>AZALA001</customsOfficeAtBorderReferenceNumber>",
        );
    // The first office of exit was Aktau itself: leave Qazax alone, numbered 1.
    let start = xml
        .find("<CustomsOfficeOfExitForTransitDeclared>")
        .expect("exit offices");
    let end = xml[start..]
        .find("</CustomsOfficeOfExitForTransitDeclared>")
        .map(|i| start + i + "</CustomsOfficeOfExitForTransitDeclared>".len())
        .unwrap();
    let mut xml = format!("{}{}", &xml[..start], &xml[end..]);
    xml = xml.replacen(
        "<sequenceNumber>2</sequenceNumber>\n    <referenceNumber>AZQAZ001</referenceNumber>",
        "<sequenceNumber>1</sequenceNumber>\n    <referenceNumber>AZQAZ001</referenceNumber>",
        1,
    );
    xml
}
