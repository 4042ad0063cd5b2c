//! Two `cats serve` processes on one PostgreSQL database behave as one node (issue 3).
//! Needs `CATS_TEST_DATABASE_URL`; skips with a message without it (CI always sets it).

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use reqwest::StatusCode;
use serde_json::{json, Value};

use cats_domain::risk::RiskPolicy;

use crate::common::{caspian, corridor, TestDb};

pub(crate) struct Instance {
    child: Child,
    pub(crate) base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn serve(db: &TestDb, _url: &str, sub: &str) -> Instance {
    serve_with(db, sub, &[]).await
}

/// A `cats serve` process on `db` with these environment variables, listening on a free port,
/// once it answers `/health`. On PostgreSQL each process has its own data directory `sub`; on
/// SQLite the process uses the test's data directory (its database file).
pub(crate) async fn serve_with(db: &TestDb, sub: &str, env: &[(&str, String)]) -> Instance {
    let port = free_port();
    let dir = match db.url() {
        Some(_) => db.dir.path().join(sub),
        None => db.dir.path().to_path_buf(),
    };
    // The shipped policy without random selection: the draw is keyed by each node's secret, so
    // these tests must not depend on which movements it selects.
    let policy_file = dir.join("risk-policy.json");
    if !policy_file.exists() {
        let mut policy = cats_cli::node::risk_policy(&dir).unwrap();
        policy.default_rate = 0.0;
        policy.office_rates.clear();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&policy_file, serde_json::to_string(&policy).unwrap()).unwrap();
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cats"));
    cmd.args(["serve", "--data-dir", dir.to_str().unwrap()])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("CATS_LOG", "warn")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(url) = db.url() {
        cmd.args(["--database-url", &url]);
    }
    let instance = Instance {
        child: cmd.spawn().expect("start cats serve"),
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if client
            .get(format!("{}/health", instance.base))
            .send()
            .await
            .is_ok()
        {
            return instance;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("cats serve did not start on {}", instance.base);
}

async fn call(client: &reqwest::Client, req: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let _ = client;
    let res = req.send().await.expect("request");
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_database_behave_as_one_node() {
    let db = TestDb::new().await;
    let Some(url) = db.url() else {
        eprintln!("SKIPPED two instances: CATS_TEST_DATABASE_URL is not set (PostgreSQL needed; CI sets it)");
        return;
    };
    let a = serve(&db, &url, "a").await;
    let b = serve(&db, &url, "b").await;
    let node = db.open(RiskPolicy::default()).await;
    let mut tokens = std::collections::HashMap::new();
    for user in ["silkway", "caspian", "officer.kz", "officer.ge"] {
        let t = cats_app::tokens::issue(
            &node.app,
            &cats_app::Actor::System("test".into()),
            user,
            Utc::now(),
        )
        .await
        .unwrap();
        tokens.insert(user, t);
    }
    let client = reqwest::Client::new();
    let bases = [a.base.clone(), b.base.clone()];

    // Concurrent lodgements through both instances: every MRN distinct.
    let mut tasks = Vec::new();
    for i in 0..30 {
        let (client, base, token) = (
            client.clone(),
            bases[i % 2].clone(),
            tokens["silkway"].clone(),
        );
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(format!("{base}/movements/departures"))
                .bearer_auth(token)
                .header("Content-Type", "application/xml")
                .body(corridor(&format!("TWO-{i}")))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::ACCEPTED);
            res.json::<Value>().await.unwrap()
        }));
    }
    let mut mrns = HashSet::new();
    for t in tasks {
        let body = t.await.unwrap();
        assert_eq!(body["state"], "Accepted", "{body}");
        assert!(
            mrns.insert(body["mrn"].as_str().unwrap().to_string()),
            "duplicate MRN {body}"
        );
    }

    // Releases racing on Caspian's 100,000.00 USD guarantee through both instances.
    let mut ids = Vec::new();
    for i in 0..20 {
        let (_, body) = call(
            &client,
            client
                .post(format!("{}/movements/departures", bases[i % 2]))
                .bearer_auth(&tokens["caspian"])
                .header("Content-Type", "application/xml")
                .body(caspian(&format!("TWO-C{i}"), "10000.00")),
        )
        .await;
        assert_eq!(body["state"], "Accepted", "{body}");
        ids.push(body["id"].as_str().unwrap().to_string());
    }
    let mut tasks = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let (client, base, token, id) = (
            client.clone(),
            bases[i % 2].clone(),
            tokens["officer.kz"].clone(),
            id.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(format!("{base}/movements/departures/{id}/customs/release"))
                .bearer_auth(token)
                .json(&json!({"office": "KZHOR001"}))
                .send()
                .await
                .unwrap();
            let status = res.status();
            let body: Value = res.json().await.unwrap();
            assert_eq!(status, StatusCode::OK, "{body}");
            (id, body["state"].as_str().unwrap().to_string())
        }));
    }
    let mut released = Vec::new();
    for t in tasks {
        let (id, state) = t.await.unwrap();
        if state == "ReleasedForTransit" {
            released.push(id);
        } else {
            assert_eq!(state, "GuaranteeNotValid");
        }
    }
    assert_eq!(released.len(), 10, "exactly what the guarantee covers");
    let g = node
        .app
        .store()
        .guarantee(&"25KZ0000SRI000020".parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(g.running_total_minor, 10_000_000, "never overdrawn");

    // Write-offs through both instances (arrival on one, goods release on the other), half of them.
    let mut tasks = Vec::new();
    for (i, id) in released.iter().take(5).enumerate() {
        let (client, token, id) = (client.clone(), tokens["officer.ge"].clone(), id.clone());
        let (first, second) = (bases[i % 2].clone(), bases[(i + 1) % 2].clone());
        tasks.push(tokio::spawn(async move {
            for (base, action) in [(first, "arrival"), (second, "goods-release")] {
                let res = client
                    .post(format!("{base}/movements/departures/{id}/customs/{action}"))
                    .bearer_auth(&token)
                    .json(&json!({"office": "GEPTI001"}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK, "{action}");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let g = node
        .app
        .store()
        .guarantee(&"25KZ0000SRI000020".parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        g.running_total_minor, 5_000_000,
        "five credited back, once each"
    );

    // Every written-off movement's history is complete, in order.
    for id in released.iter().take(5) {
        let uuid = uuid::Uuid::parse_str(id).unwrap();
        let messages = node.app.store().messages(uuid).await.unwrap();
        let types: Vec<&str> = messages.iter().map(|m| m.message_type.as_str()).collect();
        assert_eq!(
            types,
            [
                "CC015C",
                "CC928C",
                "CC028C",
                "release",
                "CC029C",
                "arrival",
                "goods_release",
                "CC025C",
                "CC045C"
            ]
        );
        let seqs: Vec<i64> = messages.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, (1..=9).collect::<Vec<i64>>());
    }

    // The time-limit job on two instances at once: each overdue movement moved exactly once.
    let other = db.open(RiskPolicy::default()).await;
    let later = Utc::now() + chrono::Duration::days(40);
    let (x, y) = tokio::join!(
        cats_app::act::check_time_limits(&node.app, later),
        cats_app::act::check_time_limits(&other.app, later)
    );
    let (x, y) = (x.unwrap(), y.unwrap());
    let xs: HashSet<_> = x.iter().collect();
    let ys: HashSet<_> = y.iter().collect();
    assert!(xs.is_disjoint(&ys), "a job ran twice");
    assert_eq!(
        xs.len() + ys.len(),
        5,
        "the five movements still in transit"
    );
    for id in released.iter().skip(5) {
        let uuid = uuid::Uuid::parse_str(id).unwrap();
        let audit = node.app.store().audit_log(Some(uuid), 100).await.unwrap();
        let runs = audit
            .iter()
            .filter(|e| e.action == "time_limit_expired")
            .count();
        assert_eq!(runs, 1, "{audit:?}");
    }
    drop((a, b));
}
