//! Test kit: a node on a temporary SQLite file, served on 127.0.0.1:0, with tokens for the demo users.

use std::collections::HashMap;

use cats_app::{tokens, Actor, App};
use cats_cli::config::Location;
use cats_domain::risk::RiskPolicy;
use cats_store::{Database, PgStore};
use chrono::Utc;
use reqwest::StatusCode;
use serde_json::Value;

/// The corridor declaration (KZHOR001 → GEPTI001, holder Silk Way, 25,000.00 USD on 25KZ0000SRI000010).
pub const CORRIDOR_XML: &str =
    include_str!("../../../cats-ncts/tests/fixtures/cc015c-corridor.xml");
/// The same declaration in the HMRC JSON shape.
pub const CORRIDOR_JSON: &str =
    include_str!("../../../cats-ncts/tests/fixtures/cc015c-corridor.json");

pub struct TestNode {
    pub base: String,
    pub app: App,
    pub tokens: HashMap<String, String>,
    pub client: reqwest::Client,
    pub location: Location,
    _db: TestDb,
}

/// Where a test's node keeps its data: a temporary directory, and either the SQLite file in it or,
/// when `CATS_TEST_DATABASE_URL` is set (an admin URL such as
/// `postgres://postgres@127.0.0.1:5432/postgres`), a fresh PostgreSQL database dropped afterwards.
pub struct TestDb {
    pub dir: tempfile::TempDir,
    pub location: Location,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        match std::env::var("CATS_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            None => TestDb {
                location: Location::sqlite(dir.path()),
                dir,
                pg: None,
            },
            Some(admin) => {
                let name = format!("cats_test_{}", uuid::Uuid::new_v4().simple());
                PgStore::create_database(&admin, &name)
                    .await
                    .expect("create test database");
                let mut location = Location::sqlite(dir.path());
                location.database = Database::Postgres(database_url(&admin, &name));
                TestDb {
                    location,
                    dir,
                    pg: Some((admin, name)),
                }
            }
        }
    }

    /// The database URL to give the `cats` binary (`--database-url`), if not SQLite.
    pub fn url(&self) -> Option<String> {
        match &self.location.database {
            Database::Postgres(url) => Some(url.clone()),
            Database::Sqlite(_) => None,
        }
    }

    pub async fn open(&self, risk: RiskPolicy) -> cats_cli::node::Node {
        cats_cli::node::open_at(&self.location, risk)
            .await
            .expect("open node")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg.take() {
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async { PgStore::drop_database(&admin, &name).await })
            })
            .join();
        }
    }
}

/// The URL of database `name` on the server of `admin`.
pub fn database_url(admin: &str, name: &str) -> String {
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin, String::new()),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let server = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{server}/{name}{query}")
}

/// Start a node with the demo data and no random risk selection.
pub async fn start() -> TestNode {
    let db = TestDb::new().await;
    let risk = RiskPolicy {
        default_rate: 0.0,
        ..RiskPolicy::default()
    };
    let node = db.open(risk).await;
    let demo = cats_reference::demo_data().expect("demo data");
    let mut tokens = HashMap::new();
    for u in &demo.users {
        let t = tokens::issue(
            &node.app,
            &Actor::System("test".into()),
            &u.username,
            Utc::now(),
        )
        .await
        .expect("token");
        tokens.insert(u.username.clone(), t);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let app = node.app.clone();
    tokio::spawn(async move { cats_web::serve(app, listener).await.expect("serve") });
    TestNode {
        base,
        app: node.app,
        tokens,
        client: reqwest::Client::new(),
        location: db.location.clone(),
        _db: db,
    }
}

/// The corridor declaration with another LRN.
pub fn corridor(lrn: &str) -> String {
    CORRIDOR_XML.replace("<LRN>KZHOR-2025-000123</LRN>", &format!("<LRN>{lrn}</LRN>"))
}

/// The corridor declaration lodged by Caspian Forwarding on its 100,000.00 USD guarantee.
pub fn caspian(lrn: &str, amount: &str) -> String {
    corridor(lrn)
        .replace("KZ840000123456", "AZ1402345678")
        .replace("25KZ0000SRI000010", "25KZ0000SRI000020")
        .replace(
            "<accessCode>1111</accessCode>",
            "<accessCode>2222</accessCode>",
        )
        .replace(
            "<amountToBeCovered>25000.00</amountToBeCovered>",
            &format!("<amountToBeCovered>{amount}</amountToBeCovered>"),
        )
}

impl TestNode {
    pub fn token(&self, user: &str) -> &str {
        &self.tokens[user]
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let res = req.send().await.expect("request");
        let status = res.status();
        let text = res.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, user: &str, path: &str) -> (StatusCode, Value) {
        self.send(
            self.client
                .get(format!("{}{path}", self.base))
                .bearer_auth(self.token(user)),
        )
        .await
    }

    pub async fn lodge_xml(&self, user: &str, xml: &str) -> (StatusCode, Value) {
        self.send(
            self.client
                .post(format!("{}/movements/departures", self.base))
                .bearer_auth(self.token(user))
                .header("Content-Type", "application/xml")
                .body(xml.to_string()),
        )
        .await
    }

    /// Lodge and return the movement id; panics unless accepted.
    pub async fn lodge_ok(&self, user: &str, xml: &str) -> String {
        let (status, body) = self.lodge_xml(user, xml).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        assert_eq!(body["state"], "Accepted", "{body}");
        body["id"].as_str().expect("id").to_string()
    }

    pub async fn customs(
        &self,
        officer: &str,
        id: &str,
        action: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        self.send(
            self.client
                .post(format!(
                    "{}/movements/departures/{id}/customs/{action}",
                    self.base
                ))
                .bearer_auth(self.token(officer))
                .json(&body),
        )
        .await
    }

    pub async fn customs_ok(&self, officer: &str, id: &str, action: &str, office: &str) -> Value {
        let (status, body) = self
            .customs(officer, id, action, serde_json::json!({ "office": office }))
            .await;
        assert_eq!(status, StatusCode::OK, "{action} at {office}: {body}");
        body
    }

    pub async fn message_types(&self, user: &str, id: &str) -> Vec<String> {
        let (_, body) = self
            .get(user, &format!("/movements/departures/{id}/messages"))
            .await;
        body["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .map(|m| m["messageType"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}
