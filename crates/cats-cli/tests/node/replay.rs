//! `cats replay`: the shipped corridor data, and a small file written against the demo data.

use std::path::Path;

use cats_domain::risk::RiskPolicy;

async fn replay_text(text: &str) -> (Vec<cats_cli::replay::Outcome>, cats_cli::replay::Kpi) {
    let db = crate::common::TestDb::new().await;
    let node = db
        .open(cats_cli::replay::seeded(RiskPolicy::default()))
        .await;
    let lines = cats_cli::replay::parse(text).unwrap();
    let outcomes = cats_cli::replay::replay(
        &cats_cli::replay::Nodes::one(node.app.clone()),
        &lines,
        || {},
    )
    .await
    .unwrap();
    let kpi = cats_cli::replay::compute(std::slice::from_ref(&node.app), &outcomes)
        .await
        .unwrap();
    (outcomes, kpi)
}

fn line(lrn: &str, events: serde_json::Value, until: &str, expect: &str) -> String {
    let xml = crate::common::corridor(lrn);
    serde_json::json!({ "declaration": xml, "events": events, "until": until, "expect": { "state": expect } }).to_string()
}

#[tokio::test]
async fn a_hand_written_file_ends_as_expected() {
    use serde_json::json;
    // The fixture is prepared 2025-03-10T09:30:00 (lodging time); limitDate 2025-03-24.
    let lines = [
        line("R-OK", json!([
            {"at": "2025-03-10T12:00:00Z", "office": "KZHOR001", "action": "release"},
            {"at": "2025-03-11T08:00:00Z", "office": "KZAAU001", "action": "exit"},
            {"at": "2025-03-12T08:00:00Z", "office": "AZALA001", "action": "entry"},
            {"at": "2025-03-12T09:00:00Z", "office": "AZALA001", "action": "control", "result": "A1", "type": "scanning"},
            {"at": "2025-03-13T08:00:00Z", "office": "AZQAZ001", "action": "exit"},
            {"at": "2025-03-13T10:00:00Z", "office": "GERBR001", "action": "entry"},
            {"at": "2025-03-13T14:00:00Z", "office": "GERBR001", "action": "incident", "text": "seal 2 replaced after inspection"},
            {"at": "2025-03-14T08:00:00Z", "office": "GEPTI001", "action": "arrival"},
            {"at": "2025-03-14T10:00:00Z", "office": "GEPTI001", "action": "goods_release"}
        ]), "2025-03-20T00:00:00Z", "WrittenOff"),
        line("R-B1", json!([{"at": "2025-03-10T11:00:00Z", "office": "KZHOR001", "action": "control", "result": "B1"}]), "2025-03-20T00:00:00Z", "NotReleased"),
        line("R-CANCEL", json!([{"at": "2025-03-10T11:00:00Z", "office": "KZHOR001", "action": "cancel"}]), "2025-03-20T00:00:00Z", "Invalidated"),
        line("R-LATE", json!([
            {"at": "2025-03-10T12:00:00Z", "office": "KZHOR001", "action": "release"},
            {"at": "2025-03-11T08:00:00Z", "office": "KZAAU001", "action": "exit"}
        ]), "2025-05-01T00:00:00Z", "UnderEnquiry"),
        line("R-EARLY", json!([{"at": "2025-03-10T12:00:00Z", "office": "KZHOR001", "action": "release"}]), "2025-03-15T00:00:00Z", "ReleasedForTransit"),
        line("R-DISC", json!([
            {"at": "2025-03-10T12:00:00Z", "office": "KZHOR001", "action": "release"},
            {"at": "2025-03-14T08:00:00Z", "office": "GEPTI001", "action": "arrival"},
            {"at": "2025-03-14T09:00:00Z", "office": "GEPTI001", "action": "control", "result": "B1", "type": "physical"},
            {"at": "2025-03-14T10:00:00Z", "office": "GEPTI001", "action": "goods_release"}
        ]), "2025-03-20T00:00:00Z", "Discrepancies"),
        line("R-SEQ", json!([{"at": "2025-03-10T12:00:00Z", "office": "GEPTI001", "action": "arrival"}]), "2025-03-20T00:00:00Z", "Accepted"),
        serde_json::json!({ "declaration": crate::common::corridor("R-REJ").replace("GEPTI001", "GERBR001"), "events": [], "expect": {"state": "Rejected"} }).to_string(),
        serde_json::json!({ "declaration": "<not-a-declaration/>", "events": [], "expect": {"state": "Rejected"} }).to_string(),
        // Prepared after its first event: lodged just before it.
        line("R-PREP", json!([{"at": "2025-03-01T12:00:00Z", "office": "KZHOR001", "action": "release"}]), "2025-03-02T00:00:00Z", "ReleasedForTransit"),
    ]
    .join("\n");
    let (outcomes, kpi) = replay_text(&lines).await;
    for o in &outcomes {
        assert!(
            o.ok(),
            "{} ended {} expected {:?}: {:?}",
            o.lrn,
            o.state,
            o.expected,
            o.notes
        );
    }
    assert_eq!(kpi.as_expected, 10);
    assert_eq!(kpi.released, 5);
    assert_eq!(kpi.arrived_in_time, 2);
    assert_eq!(kpi.controls_recorded, 3);
    assert!(outcomes
        .iter()
        .find(|o| o.lrn == "R-SEQ")
        .unwrap()
        .notes
        .iter()
        .any(|n| n.contains("refused")));
}

#[tokio::test]
async fn the_shipped_corridor_data_ends_as_expected() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/replay/middle-corridor.jsonl");
    let text =
        std::fs::read_to_string(&path).expect("data/replay/middle-corridor.jsonl is shipped");
    let (outcomes, kpi) = replay_text(&text).await;
    assert!(outcomes.len() >= 300, "{} movements", outcomes.len());
    let wrong: Vec<_> = outcomes
        .iter()
        .filter(|o| !o.ok())
        .map(|o| {
            format!(
                "{} {} expected {:?}: {:?}",
                o.lrn, o.state, o.expected, o.notes
            )
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(kpi.as_expected, outcomes.len());
    for state in [
        "WrittenOff",
        "Rejected",
        "NotReleased",
        "Invalidated",
        "UnderEnquiry",
        "Discrepancies",
        "GuaranteeNotValid",
    ] {
        assert!(
            outcomes.iter().any(|o| o.state == state),
            "no movement ends {state}"
        );
    }
    // Issue 6: the confusion matrix covers every recorded control, and the figures hang together.
    let c = &kpi.confusion;
    assert!(c.selected_controlled + c.not_selected_controlled <= kpi.controls_recorded);
    assert!(c.selected_controlled + c.not_selected_controlled > 0);
    assert!(c.selected_controlled + c.selected_not_controlled > 0);
    let e = &kpi.control_efficiency;
    assert!(e.assessments > outcomes.len());
    assert!((0.0..=1.0).contains(&e.control_rate) && e.control_rate > 0.0);
    assert!(e.hit_rate > 0.0, "the corridor data records B1 results");
    assert_eq!(kpi.selected.len(), outcomes.len());
}

/// The first 60 movements of the corridor data across five ICE nodes (one per country, their
/// endpoints on 127.0.0.1) end as on one node: same states, notes, selections and KPIs.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn across_five_nodes_over_ice_as_on_one_node() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/replay/middle-corridor.jsonl");
    let text: String = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .take(60)
        .map(|l| format!("{l}\n"))
        .collect();
    let (one, one_kpi) = replay_text(&text).await;
    let lines = cats_cli::replay::parse(&text).unwrap();
    let admin = std::env::var("CATS_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let nodes =
        cats_cli::replay::network("KZ,AZ,GE,TM,UZ", &RiskPolicy::default(), admin.as_deref())
            .await
            .unwrap();
    let outcomes = cats_cli::replay::replay(&nodes, &lines, || {})
        .await
        .unwrap();
    let kpi = cats_cli::replay::compute(nodes.apps(), &outcomes)
        .await
        .unwrap();
    let names: Vec<String> = ["KZ", "AZ", "GE", "TM", "UZ"].map(String::from).to_vec();
    let ice = nodes.ice(&names).await.unwrap().expect("a network");
    // The KPI dashboard of each node (issue 17): communication efficiency counts the CD
    // messages each sent to its peers, every one of them acknowledged.
    let period = cats_domain::reports::Period::new(
        "2025-01-01".parse().unwrap(),
        chrono::Utc::now().date_naive(),
    )
    .unwrap();
    let mut sent = 0;
    for app in nodes.apps() {
        let k = cats_app::reports::kpi::kpi(
            app,
            &cats_app::Actor::System("test".into()),
            period,
            None,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        assert_eq!(k.communication.unacknowledged, 0, "{:?}", k.communication);
        if k.communication.ice_messages > 0 {
            assert!(k.communication_efficiency.is_some());
        }
        sent += k.communication.ice_messages;
    }
    assert_eq!(sent as u64, ice.sent as u64, "{ice:?}");
    nodes.close().await.unwrap();
    let view = |o: &[cats_cli::replay::Outcome]| {
        o.iter()
            .map(|o| (o.lrn.clone(), o.state.clone(), o.notes.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(view(&outcomes), view(&one));
    assert_eq!(
        serde_json::to_value(&kpi).unwrap(),
        serde_json::to_value(&one_kpi).unwrap()
    );
    assert_eq!(kpi.selected, one_kpi.selected);
    assert!(ice.sent > 100, "{ice:?}");
    assert_eq!((ice.delivered, ice.refused), (ice.sent, 0), "{ice:?}");
}
