//! Nothing lost, nothing doubled (issue 13): `cats serve` processes deliver notifications from
//! the durable outbox while the SMTP server and the webhook receiver are stopped mid-run and
//! started again; every notification still reaches each of them exactly once. On SQLite one
//! process; on PostgreSQL (`CATS_TEST_DATABASE_URL`) two processes share the work.

use std::collections::HashSet;
use std::time::Duration;

use chrono::Utc;
use reqwest::StatusCode;
use serde_json::{json, Value};

use cats_domain::risk::RiskPolicy;

use crate::common::{corridor, TestDb};
use crate::instances::{serve_with, Instance};
use crate::notify_kit::{smtp_available, wait_until, Receiver, Smtp};

/// `cats serve` on `db` (its own data directory `sub` on PostgreSQL), e-mail to `smtp`, fast
/// retries, no random selection.
async fn serve(db: &TestDb, sub: &str, smtp: &str) -> Instance {
    let dir = match db.url() {
        Some(_) => db.dir.path().join(sub),
        None => db.dir.path().to_path_buf(),
    };
    std::fs::create_dir_all(&dir).unwrap();
    let quiet = RiskPolicy {
        default_rate: 0.0,
        ..RiskPolicy::default()
    };
    std::fs::write(
        dir.join(cats_cli::node::RISK_POLICY_FILE),
        serde_json::to_string(&quiet).unwrap(),
    )
    .unwrap();
    let env = [
        ("CATS_SMTP_URL", smtp.to_string()),
        ("CATS_NOTIFY_FIRST_RETRY_SECONDS", "1".to_string()),
        ("CATS_NOTIFY_MAX_INTERVAL_SECONDS", "1".to_string()),
    ];
    serve_with(db, sub, &env).await
}

async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = client.request(method, url).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request");
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn smtp_and_webhook_outages_lose_nothing_and_double_nothing() {
    if !smtp_available() {
        eprintln!("SKIPPED outage test: python3 -m aiosmtpd is not available (pip install aiosmtpd; CI installs it)");
        return;
    }
    let db = TestDb::new().await;
    let node = db.open(RiskPolicy::default()).await;
    let mut tokens = std::collections::HashMap::new();
    for user in ["silkway", "officer.kz", "admin"] {
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
    let mut smtp = Smtp::start(db.dir.path()).await;
    let mut hook = Receiver::webhook().await;
    let mut served = vec![serve(&db, "a", &smtp.url()).await];
    if db.url().is_some() {
        served.push(serve(&db, "b", &smtp.url()).await);
    }
    let bases: Vec<String> = served.iter().map(|s| s.base.clone()).collect();
    let client = reqwest::Client::new();
    let (status, created) = call(
        &client,
        reqwest::Method::POST,
        format!("{}/webhooks", bases[0]),
        &tokens["silkway"],
        Some(json!({"url": hook.url()})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    hook.got.lock().unwrap().secret = Some(created["secret"].as_str().unwrap().to_string());

    let lodge = |i: usize| {
        let (client, base, token) = (
            client.clone(),
            bases[i % bases.len()].clone(),
            tokens["silkway"].clone(),
        );
        async move {
            let res = client
                .post(format!("{base}/movements/departures"))
                .bearer_auth(token)
                .header("Content-Type", "application/xml")
                .body(corridor(&format!("OUT-{i}")))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::ACCEPTED);
            res.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let release = |i: usize, id: String| {
        let (client, base, token) = (
            client.clone(),
            bases[i % bases.len()].clone(),
            tokens["officer.kz"].clone(),
        );
        async move {
            let (status, body) = call(
                &client,
                reqwest::Method::POST,
                format!("{base}/movements/departures/{id}/customs/release"),
                &token,
                Some(json!({"office": "KZHOR001"})),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    };

    // Before the outage.
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(lodge(i).await);
    }
    // Both receivers down; the node goes on.
    hook.stop().await;
    smtp.kill();
    for (i, id) in ids.iter().enumerate() {
        release(i, id.clone()).await;
    }
    for i in 4..8 {
        ids.push(lodge(i).await);
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    // Back up; more work meanwhile.
    hook.start().await;
    smtp.restart().await;
    for (i, id) in ids.iter().enumerate().skip(4) {
        release(i, id.clone()).await;
    }

    // Every notification of Silk Way, once on each channel.
    let (_, notes) = call(
        &client,
        reqwest::Method::GET,
        format!("{}/notifications?limit=1000", bases[0]),
        &tokens["silkway"],
        None,
    )
    .await;
    let all: HashSet<String> = notes["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(all.len(), 16, "8 MRNs allocated and 8 releases: {notes}");
    wait_until(60, "every webhook delivery", || {
        hook.counts().len() >= all.len()
    })
    .await;
    wait_until(60, "every e-mail", || {
        smtp.messages().len() >= all.len() + 8
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let counts = hook.counts();
    let got: HashSet<String> = counts.keys().cloned().collect();
    assert_eq!(
        got, all,
        "the webhook got other events than the notifications"
    );
    assert!(
        counts.values().all(|n| *n == 1),
        "an event twice: {counts:?}"
    );
    assert!(hook.refused().is_empty(), "{:?}", hook.refused());
    // Silk Way's user gets every notification; Steppe's (the insurer) the 8 releases.
    let (mails, insurer): (Vec<_>, Vec<_>) = smtp
        .messages()
        .into_iter()
        .partition(|m| m.1.contains("silkway@"));
    assert_eq!(insurer.len(), 8, "the insurer's e-mails: the releases");
    assert_eq!(
        mails.len(),
        all.len(),
        "e-mails lost or doubled: {:?}",
        mails.iter().map(|m| (&m.0, &m.1)).collect::<Vec<_>>()
    );
    let mail_events: HashSet<String> = mails
        .iter()
        .map(|m| {
            m.0.trim_matches(['<', '>'])
                .split('.')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(mail_events, all, "every notification by e-mail, once");

    // The log shows the outage: retried deliveries, all delivered in the end.
    // Receivers have their requests before the node has committed each outcome: poll.
    let mut log = serde_json::Value::Null;
    for _ in 0..100 {
        (_, log) = call(
            &client,
            reqwest::Method::GET,
            format!("{}/notifications/deliveries?limit=1000", bases[0]),
            &tokens["silkway"],
            None,
        )
        .await;
        let all = log["deliveries"].as_array().unwrap();
        if all.iter().all(|d| d["status"] == "delivered") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let deliveries = log["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 2 * all.len(), "{log}");
    assert!(
        deliveries.iter().all(|d| d["status"] == "delivered"),
        "{log}"
    );
    assert!(
        deliveries.iter().any(|d| d["attempts"].as_u64() > Some(1)),
        "no delivery was retried: the outage did not happen"
    );
    // The administrators' figures: nothing waiting, nothing parked.
    let (status, counts) = call(
        &client,
        reqwest::Method::GET,
        format!("{}/admin/notifications", bases[0]),
        &tokens["admin"],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{counts}");
    assert_eq!(
        (
            counts["pending"].as_i64(),
            counts["parked"].as_i64(),
            counts["delivered"].as_i64()
        ),
        (Some(0), Some(0), Some(2 * 16 + 8)),
        "{counts}"
    );
    let (status, _) = call(
        &client,
        reqwest::Method::GET,
        format!("{}/admin/notifications", bases[0]),
        &tokens["silkway"],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
