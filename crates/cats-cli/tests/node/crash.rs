//! Crash safety (issue 15): `cats serve` killed with SIGKILL at random moments under lodging and
//! release load, 20 times, on SQLite (or PostgreSQL with `CATS_TEST_DATABASE_URL`). Afterwards
//! every acknowledged request is there with its effects and nothing is half-applied: each
//! acknowledged lodging is a movement; each acknowledged release is a released movement with its
//! reservation; every open reservation belongs to a released movement; the guarantee's running
//! total is the sum of its open reservations; the audit chain holds.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use cats_domain::ids::Grn;
use cats_domain::ledger::ReservationStatus;

use crate::common::{caspian, TestDb};
use crate::instances::serve_with;

const ROUNDS: usize = 20;
const WORKERS: usize = 6;

/// What the node acknowledged: lodgings (movement id → LRN) and releases (movement ids).
#[derive(Default)]
struct Acked {
    lodged: BTreeMap<String, String>,
    released: BTreeSet<String>,
}

fn token(dir: &std::path::Path, user: &str) -> String {
    let text = std::fs::read_to_string(dir.join("demo-tokens.txt")).expect("demo tokens");
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{user} ")).map(str::to_string))
        .expect("token")
}

/// A pseudo-random number of milliseconds in `range` (no seed to keep: the clock's nanoseconds).
fn jitter(range: std::ops::Range<u64>) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    range.start + nanos % (range.end - range.start)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_at_random_moments_under_load_nothing_acknowledged_is_lost() {
    let db = TestDb::new().await;
    let dir = match db.url() {
        Some(_) => db.dir.path().join("node"),
        None => db.dir.path().to_path_buf(),
    };
    let env = [("CATS_RATE_TOKEN_PER_MINUTE", "1000000".to_string())];
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Acked::default()));
    let mut requests = 0usize;
    for round in 0..ROUNDS {
        let node = serve_with(&db, "node", &env).await;
        let trader = token(&dir, "caspian");
        let officer = token(&dir, "officer.kz");
        let client = reqwest::Client::new();
        let mut tasks = Vec::new();
        for w in 0..WORKERS {
            let (client, base, trader, officer, acked) = (
                client.clone(),
                node.base.clone(),
                trader.clone(),
                officer.clone(),
                acked.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let mut sent = 0usize;
                for i in 0.. {
                    let lrn = format!("CRASH-{round}-{w}-{i}");
                    sent += 1;
                    let Ok(res) = client
                        .post(format!("{base}/movements/departures"))
                        .bearer_auth(&trader)
                        .header("Content-Type", "application/xml")
                        .body(caspian(&lrn, "50.00"))
                        .send()
                        .await
                    else {
                        return sent;
                    };
                    if res.status() != StatusCode::ACCEPTED {
                        return sent;
                    }
                    let Ok(body) = res.json::<serde_json::Value>().await else {
                        return sent;
                    };
                    let id = body["id"].as_str().unwrap().to_string();
                    acked.lock().unwrap().lodged.insert(id.clone(), lrn);
                    sent += 1;
                    let Ok(res) = client
                        .post(format!("{base}/movements/departures/{id}/customs/release"))
                        .bearer_auth(&officer)
                        .json(&json!({"office": "KZHOR001"}))
                        .send()
                        .await
                    else {
                        return sent;
                    };
                    if res.status() == StatusCode::OK {
                        let Ok(body) = res.json::<serde_json::Value>().await else {
                            return sent;
                        };
                        if body["state"] == "ReleasedForTransit" {
                            acked.lock().unwrap().released.insert(id);
                        }
                    }
                }
                sent
            }));
        }
        tokio::time::sleep(Duration::from_millis(jitter(150..700))).await;
        drop(node); // SIGKILL, and wait for the process to be gone
        for t in tasks {
            requests += t.await.unwrap();
        }
    }
    // Reopen the store as the next start would, and check.
    let store = cats_store::open(&db.location.database, &db.location.settings)
        .await
        .unwrap();
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    for (id, lrn) in &acked.lodged {
        let m = store
            .movement(id.parse().unwrap())
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("acknowledged lodging {lrn} ({id}) lost"));
        assert_eq!(m.movement.lrn.as_str(), lrn);
    }
    let grn = Grn::parse("25KZ0000SRI000020").unwrap();
    let reservations = store.reservations(&grn).await.unwrap();
    let open: BTreeMap<String, i64> = reservations
        .iter()
        .filter(|r| r.status == ReservationStatus::Reserved)
        .map(|r| (r.movement_id.to_string(), r.amount_minor))
        .collect();
    for id in &acked.released {
        let m = store.movement(id.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!(
            m.movement.state.to_string(),
            "ReleasedForTransit",
            "acknowledged release {id}"
        );
        assert!(
            open.contains_key(id),
            "release {id} without its reservation"
        );
    }
    for id in open.keys() {
        let m = store.movement(id.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!(
            m.movement.state.to_string(),
            "ReleasedForTransit",
            "reservation of {id} without its release"
        );
    }
    let g = store.guarantee(&grn).await.unwrap().unwrap();
    assert_eq!(g.running_total_minor, open.values().sum::<i64>());
    let chain = cats_app::audit::verify(store.as_ref(), |_| {})
        .await
        .unwrap();
    assert_eq!(chain.first_break, None, "audit chain after {ROUNDS} kills");
    assert!(store.audit_count().await.unwrap() > 0);
    println!(
        "crash safety: {ROUNDS} kills survived; {requests} requests sent; {} lodgings and {} releases acknowledged, all found with their effects; {} open reservations = running total {}; audit chain of {} entries holds",
        acked.lodged.len(),
        acked.released.len(),
        open.len(),
        g.running_total_minor,
        chain.entries
    );
    assert!(acked.lodged.len() >= ROUNDS, "the load reached the node");
}
