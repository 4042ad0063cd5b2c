//! A fresh node for a benchmark: the demo data in a new SQLite file (or an empty PostgreSQL
//! database), no random selection (every movement runs straight through), tokens for Silk Way and
//! three officers, and the API served on 127.0.0.1 on a free port.

use anyhow::Context;
use chrono::Utc;

use cats_app::{tokens, Actor, App};
use cats_domain::risk::RiskPolicy;

use crate::config::Location;
use crate::node;

/// The declaration lodged: KZHOR001 → GEPTI001 on Silk Way's guarantee `25KZ0000SRI000010`.
const DECLARATION: &str = include_str!("../../../cats-ncts/tests/fixtures/cc015c-corridor.xml");

/// The GRN every benchmark movement uses (1,000,000.00 USD).
pub const GRN: &str = "25KZ0000SRI000010";

/// The customs steps after lodging, in order: (officer index, action, office).
pub const STEPS: [(usize, &str, &str); 7] = [
    (0, "release", "KZHOR001"),
    (0, "exit", "KZAAU001"),
    (1, "entry", "AZALA001"),
    (1, "exit", "AZQAZ001"),
    (2, "entry", "GERBR001"),
    (2, "arrival", "GEPTI001"),
    (2, "goods-release", "GEPTI001"),
];

/// The users of the steps' officer indexes.
pub const OFFICERS: [&str; 3] = ["officer.kz", "officer.az", "officer.ge"];

/// Declaration number `i`: LRN `BENCH-{i}`, 1,000.00 USD to be covered (about 7.9 KB of XML).
pub fn declaration(i: usize) -> String {
    DECLARATION
        .replace(
            "<LRN>KZHOR-2025-000123</LRN>",
            &format!("<LRN>BENCH-{i:08}</LRN>"),
        )
        .replace(
            "<amountToBeCovered>25000.00</amountToBeCovered>",
            "<amountToBeCovered>1000.00</amountToBeCovered>",
        )
}

/// A node opened for a benchmark, serving HTTP; its temporary directory lives as long as it.
pub struct Fresh {
    /// The application (for in-process use and final checks).
    pub app: App,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Silk Way's bearer token.
    pub trader: String,
    /// The officers' bearer tokens, in [`OFFICERS`] order.
    pub officers: Vec<String>,
    /// What the database is, for the report.
    pub database: String,
    /// The location (data directory and database).
    pub location: Location,
    temp: tempfile::TempDir,
}

impl Fresh {
    /// Open a fresh node on `database_url` (an EMPTY PostgreSQL database) or a new SQLite file,
    /// and serve it on 127.0.0.1.
    pub async fn start(database_url: Option<&str>) -> anyhow::Result<Self> {
        let temp = tempfile::tempdir()?;
        let location = Location::resolve(temp.path(), database_url, None)?;
        Self::open(location, temp).await
    }

    /// Open a fresh node whose SQLite database is made in `data_dir` (created if missing) and
    /// left there afterwards (`cats bench fill --keep`); scratch copies still go to a
    /// temporary directory.
    pub async fn start_in(data_dir: &std::path::Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating {}", data_dir.display()))?;
        Self::open(Location::sqlite(data_dir), tempfile::tempdir()?).await
    }

    async fn open(location: Location, temp: tempfile::TempDir) -> anyhow::Result<Self> {
        let risk = RiskPolicy {
            default_rate: 0.0,
            ..RiskPolicy::default()
        };
        let node = node::open_at(&location, risk).await?;
        let system = Actor::System("bench".into());
        let now = Utc::now();
        let trader = tokens::issue(&node.app, &system, "silkway", now).await?;
        let mut officers = Vec::new();
        for user in OFFICERS {
            officers.push(tokens::issue(&node.app, &system, user, now).await?);
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let app = node.app.clone();
        tokio::spawn(async move { cats_web::serve(app, listener).await });
        Ok(Fresh {
            app: node.app,
            base,
            trader,
            officers,
            database: location.database.describe(),
            location,
            temp,
        })
    }

    /// The guarantee's running total in minor units (0 when every movement was written off).
    pub async fn running_total(&self) -> anyhow::Result<i64> {
        let g = self
            .app
            .store()
            .guarantee(&GRN.parse()?)
            .await?
            .context("the demo guarantee")?;
        Ok(g.running_total_minor)
    }

    /// Bytes the database takes, compacted (SQLite: a `VACUUM INTO` copy); `None` when it
    /// cannot tell (PostgreSQL).
    pub async fn stored_bytes(&self) -> Option<u64> {
        self.stored().await.map(|(total, _)| total)
    }

    /// Bytes the database takes, compacted, and by table and index (SQLite: a `VACUUM INTO`
    /// copy and its `dbstat`); `None` on PostgreSQL.
    pub async fn stored(&self) -> Option<(u64, Vec<(String, u64)>)> {
        match &self.location.database {
            cats_store::Database::Sqlite(path) => {
                let copy = self.temp.path().join("compact.db");
                let _ = std::fs::remove_file(&copy);
                let store = cats_store::SqlStore::open_sqlite(path).await.ok()?;
                store.backup_to(&copy).await.ok()?;
                store.close().await;
                let total = std::fs::metadata(&copy).ok()?.len();
                let compact = cats_store::SqlStore::open_sqlite(&copy).await.ok()?;
                let tables = compact.bytes_by_table().await.ok().flatten();
                compact.close().await;
                Some((total, tables.unwrap_or_default()))
            }
            cats_store::Database::Postgres(_) => None,
        }
    }
}

/// A client for `concurrency` connections to the node.
pub fn client(concurrency: usize) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?)
}

/// Lodge `body` (CC015C XML) over HTTP with `token`: the new movement's id, or why it was not
/// accepted (status and the start of the answer).
pub async fn lodge_over_http(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    body: String,
) -> Result<String, String> {
    let res = client
        .post(format!("{base}/movements/departures"))
        .bearer_auth(token)
        .header("Content-Type", "application/xml")
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = res.status();
    let v: serde_json::Value = res.json().await.map_err(|e| e.to_string())?;
    match v["id"].as_str() {
        Some(id) if status.as_u16() == 202 && v["state"] == "Accepted" => Ok(id.to_string()),
        _ => Err(format!(
            "{status}: {}",
            v.to_string().chars().take(300).collect::<String>()
        )),
    }
}

/// One customs step of [`STEPS`] over HTTP (`POST …/customs/{step}` naming the office).
pub async fn step_over_http(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    id: &str,
    step: &str,
    office: &str,
) -> Result<(), String> {
    let res = client
        .post(format!("{base}/movements/departures/{id}/customs/{step}"))
        .bearer_auth(token)
        .json(&serde_json::json!({ "office": office }))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if res.status().as_u16() != 200 {
        return Err(format!("{step}: {}", res.text().await.unwrap_or_default()));
    }
    Ok(())
}
