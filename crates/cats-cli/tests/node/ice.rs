//! ICE between national nodes (issue 12): three `cats serve` processes (KZ, AZ, GE) carry a
//! movement from Aktau to Tbilisi; the records and notifications travel over ICE, signed; a node
//! killed midway loses nothing; the corridor demo. Hostile messages and mutual TLS are in
//! `ice_security.rs`, what happens at destination (paper fallback, the trader's messages) in
//! `ice_destination.rs`; the helpers here serve all three.

use reqwest::StatusCode;
use serde_json::Value;

use crate::ice_kit::{aktau_tbilisi, IceNetwork};

pub(crate) const CORRIDOR: &[(&str, &[&str])] =
    &[("KZ", &["KZ"]), ("AZ", &["AZ"]), ("GE", &["GE"])];

pub(crate) fn offices(m: &Value) -> Vec<String> {
    m["passages"]
        .as_array()
        .map(|p| {
            p.iter()
                .map(|x| x["office"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Lodge at Aktau and release: the movement id.
pub(crate) async fn released(net: &IceNetwork, lrn: &str) -> String {
    let (status, body) = net.lodge("KZ", "silkway", &aktau_tbilisi(lrn)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["state"], "Accepted", "{body}");
    let id = body["id"].as_str().unwrap().to_string();
    let (status, body) = net
        .customs("KZ", "officer.kz", &id, "release", "KZAAU001")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "ReleasedForTransit", "{body}");
    id
}

/// Every step after release from step `from` (0: entry at Alat), each at the node hosting its
/// office, each seen back at Aktau.
pub(crate) async fn carry_to_tbilisi(net: &IceNetwork, id: &str, from: usize) {
    for (node, officer, action, office, passages) in [
        ("AZ", "officer.az", "entry", "AZALA001", 1),
        ("AZ", "officer.az", "exit", "AZQAZ001", 2),
        ("GE", "officer.ge", "entry", "GERBR001", 3),
    ]
    .into_iter()
    .skip(from)
    {
        let (status, body) = net.customs(node, officer, id, action, office).await;
        assert_eq!(status, StatusCode::OK, "{action} at {office}: {body}");
        let m = net
            .wait_movement(
                "KZ",
                "officer.kz",
                id,
                20,
                &format!("{action} at {office}"),
                |m| offices(m).len() == passages,
            )
            .await;
        assert_eq!(offices(&m).last().map(String::as_str), Some(office), "{m}");
    }
    let (status, body) = net
        .customs("GE", "officer.ge", id, "arrival", "GETBS001")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    net.wait_movement("KZ", "officer.kz", id, 20, "arrival at Tbilisi", |m| {
        m["state"] == "Arrived"
    })
    .await;
    let (status, body) = net
        .customs("GE", "officer.ge", id, "goods-release", "GETBS001")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    net.wait_movement("KZ", "officer.kz", id, 20, "write-off at Aktau", |m| {
        m["state"] == "WrittenOff"
    })
    .await;
}

pub(crate) async fn assert_written_off_and_credited(net: &IceNetwork, id: &str) {
    let (_, m) = net
        .get("KZ", "officer.kz", &format!("/movements/departures/{id}"))
        .await;
    assert_eq!(m["state"], "WrittenOff", "{m}");
    assert_eq!(
        offices(&m),
        ["AZALA001", "AZQAZ001", "GERBR001"],
        "each passage applied once: {m}"
    );
    assert!(
        m.get("home").is_none(),
        "the node of departure owns it: {m}"
    );
    let (_, g) = net
        .get("KZ", "silkway", "/guarantees/25KZ0000SRI000010")
        .await;
    assert_eq!(g["exposure"], "0.00", "credited at write-off: {g}");
    // The copies know where the movement belongs; no guarantee moved there.
    for node in ["AZ", "GE"] {
        let officer = if node == "AZ" {
            "officer.az"
        } else {
            "officer.ge"
        };
        // Each copy follows the node of departure (CA003C): every passage, the write-off.
        let copy = net
            .wait_movement(node, officer, id, 20, "the copy written off", |m| {
                m["state"] == "WrittenOff" && offices(m).len() == 3
            })
            .await;
        assert_eq!(copy["home"], "KZ", "{copy}");
        let (_, g) = net
            .get(node, "silkway", "/guarantees/25KZ0000SRI000010")
            .await;
        assert_eq!(g["exposure"], "0.00", "no reservation on a copy: {g}");
    }
    // Every outbox delivered (a message retried after a peer's restart may still be waiting
    // for its next attempt, at most 2 s away), nothing refused.
    for node in ["KZ", "AZ", "GE"] {
        for peer in ["KZ", "AZ", "GE"].into_iter().filter(|p| *p != node) {
            wait_queue(
                net,
                node,
                peer,
                &format!("{node}'s outbox to {peer} delivered"),
                |q| q["pending"] == 0 && q["refused"] == 0,
            )
            .await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_movement_from_aktau_to_tbilisi_over_three_nodes() {
    let net = IceNetwork::start(CORRIDOR).await;
    let id = released(&net, "ICE-AKT-TBS-1").await;
    // The anticipated records reach the peers: ATR at Alat (and the exit record at Qazax) in
    // Azerbaijan, ATR at Red Bridge and AAR at Tbilisi in Georgia.
    let az = net
        .wait_movement("AZ", "officer.az", &id, 20, "ATR at Alat", |m| {
            m["state"] == "ReleasedForTransit"
        })
        .await;
    assert_eq!(az["home"], "KZ", "{az}");
    net.wait_movement("GE", "officer.ge", &id, 20, "AAR at Tbilisi", |m| {
        m["state"] == "ReleasedForTransit"
    })
    .await;
    let mut types = Vec::new();
    for _ in 0..100 {
        let (_, list) = net
            .get(
                "AZ",
                "officer.az",
                &format!("/movements/departures/{id}/messages"),
            )
            .await;
        types = list["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m["messageType"].as_str().map(str::to_string))
            .collect::<Vec<_>>();
        if types.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(types, ["CD050C", "CD160C"], "ATR then the exit record");
    // Officers at Aktau cannot act for an office hosted in Azerbaijan.
    let (status, _) = net
        .customs("KZ", "officer.kz", &id, "entry", "AZALA001")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    carry_to_tbilisi(&net, &id, 0).await;
    assert_written_off_and_credited(&net, &id).await;
    let kz = net.status("KZ");
    let sent: i64 = kz["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["delivered"].as_i64().unwrap())
        .sum();
    let received: i64 = kz["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["received"].as_i64().unwrap())
        .sum();
    assert_eq!(
        (sent, received),
        (14, 5),
        "AAR, 2 ATR, exit record, 2 × 5 updates out; 5 notifications in: {kz}"
    );
    // Administrators see the same over the API; nobody else does.
    let (status, admin) = net.get("KZ", "admin", "/admin/ice").await;
    assert_eq!(status, StatusCode::OK, "{admin}");
    assert_eq!(admin["node"], "KZ");
    assert_eq!(admin["hosted"], serde_json::json!(["KZ"]));
    assert_eq!(admin["outbox"].as_array().unwrap().len(), 14, "{admin}");
    assert_eq!(admin["inbox"].as_array().unwrap().len(), 5, "{admin}");
    assert!(admin["inbox"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["outcome"] == "applied"));
    let (status, _) = net.get("KZ", "officer.kz", "/admin/ice").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Wait until node `name`'s outbox to `peer` satisfies `ok`.
async fn wait_queue(
    net: &IceNetwork,
    name: &str,
    peer: &str,
    what: &str,
    ok: impl Fn(&Value) -> bool,
) {
    let mut last = Value::Null;
    for _ in 0..100 {
        last = net.status(name);
        // No row: nothing ever went either way between them.
        let q = last["queues"]
            .as_array()
            .and_then(|qs| qs.iter().find(|q| q["peer"] == peer))
            .cloned()
            .unwrap_or_else(|| serde_json::json!({"pending": 0, "refused": 0, "retried": 0}));
        if ok(&q) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{what}: {last}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_killed_midway_loses_nothing_and_applies_nothing_twice() {
    let mut net = IceNetwork::start(CORRIDOR).await;
    // Azerbaijan's node is down at release: its ATR and exit record wait at Aktau, retried.
    net.kill("AZ");
    let id = released(&net, "ICE-KILL-1").await;
    net.wait_movement("GE", "officer.ge", &id, 20, "AAR at Tbilisi", |m| {
        m["state"] == "ReleasedForTransit"
    })
    .await;
    wait_queue(
        &net,
        "KZ",
        "AZ",
        "records for AZ retried while it is down",
        |q| q["pending"] == 2 && q["retried"].as_i64().unwrap_or(0) >= 1,
    )
    .await;
    net.restart("AZ").await;
    net.wait_movement(
        "AZ",
        "officer.az",
        &id,
        20,
        "ATR at Alat after restart",
        |m| m["state"] == "ReleasedForTransit",
    )
    .await;
    // Entry at Alat, then the node is killed at once (its CD118C may still be in its outbox),
    // and started again: the notification reaches Aktau once.
    let (status, body) = net
        .customs("AZ", "officer.az", &id, "entry", "AZALA001")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    net.kill("AZ");
    net.restart("AZ").await;
    // A claim the killed process held lapses after cats_ice::deliver::CLAIM_LEASE (20 s).
    net.wait_movement(
        "KZ",
        "officer.kz",
        &id,
        45,
        "entry at Alat after the crash",
        |m| offices(m).len() == 1,
    )
    .await;
    carry_to_tbilisi(&net, &id, 1).await;
    assert_written_off_and_credited(&net, &id).await;
    let kz = net.status("KZ");
    let az = kz["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["peer"] == "AZ")
        .unwrap()
        .clone();
    assert_eq!(az["delivered"], 7, "ATR, exit record, 5 updates: {kz}");
    assert_eq!(az["received"], 2, "entry and exit, each once: {kz}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_corridor_demo_starts_three_peered_nodes() {
    let dir = tempfile::tempdir().unwrap();
    let port = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    };
    let nodes = cats_cli::demo::prepare(dir.path(), [port(), port(), port()]).unwrap();
    struct Stop(Vec<std::process::Child>);
    impl Drop for Stop {
        fn drop(&mut self) {
            for c in &mut self.0 {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
    }
    let _children = Stop(
        cats_cli::demo::start(std::path::Path::new(env!("CARGO_BIN_EXE_cats")), &nodes)
            .await
            .unwrap(),
    );
    let client = reqwest::Client::new();
    for n in &nodes {
        let toml = std::fs::read_to_string(n.dir.join("cats.toml")).unwrap();
        assert_eq!(toml.matches("[[ice.peers]]").count(), 2, "{toml}");
        let page = client.get(format!("{}/", n.url())).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{} web interface", n.node);
        assert!(n.dir.join("demo-passwords.txt").exists());
    }
    assert!(cats_cli::demo::describe(&nodes).contains(&nodes[2].url()));
    // The corridor data replays across the running nodes (Kazakhstan's node hosts Turkmenistan
    // and Uzbekistan too): the first 30 movements end as recorded.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/replay/middle-corridor.jsonl");
    let text: String = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .take(30)
        .map(|l| format!("{l}\n"))
        .collect();
    let (outcomes, kpi, ice) = cats_cli::demo::replay(&nodes, &text).await.unwrap();
    let wrong: Vec<_> = outcomes.iter().filter(|o| !o.ok()).collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert_eq!(kpi.as_expected, 30);
    let ice = ice.unwrap();
    assert!(ice.sent > 0 && ice.delivered == ice.sent, "{ice:?}");
    // Started again on the same directory, the keys are kept.
    let key = std::fs::read(nodes[0].dir.join("ice/node.key")).unwrap();
    cats_cli::demo::prepare(dir.path(), [port(), port(), port()]).unwrap();
    assert_eq!(
        std::fs::read(nodes[0].dir.join("ice/node.key")).unwrap(),
        key
    );
}
