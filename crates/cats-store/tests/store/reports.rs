//! What reports read (issue 17): the node's runs from start to clean stop, saved reports kept,
//! replaced and deleted, a period of the audit log, and both copied by a dump.

use super::*;

use cats_app::reports::store::{SavedReport, Sharing};
use cats_domain::reports::cube::{Definition, Dimension, Filters, Measure};

store_test!(runs_saved_reports_and_audit_periods, runs_body);
async fn runs_body(store: Arc<dyn Store>) {
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    store
        .run_started(a, t("2026-03-01T06:00:00Z"), "0.1.0")
        .await
        .unwrap();
    store
        .run_heartbeat(a, t("2026-03-01T08:00:00Z"))
        .await
        .unwrap();
    store
        .run_started(b, t("2026-03-01T08:10:00Z"), "0.1.0")
        .await
        .unwrap();
    store
        .run_stopped(b, t("2026-03-01T12:00:00Z"))
        .await
        .unwrap();
    let runs = store.runs(t("2026-03-01T09:00:00Z")).await.unwrap();
    // b is up after 09:00; a, the last one before, comes too.
    assert_eq!(runs.len(), 2);
    assert!(runs
        .iter()
        .any(|r| r.started_at == t("2026-03-01T06:00:00Z")
            && r.last_seen_at == t("2026-03-01T08:00:00Z")
            && r.stopped_at.is_none()));
    assert!(runs
        .iter()
        .any(|r| r.stopped_at == Some(t("2026-03-01T12:00:00Z"))));

    let mut report = SavedReport {
        id: Uuid::new_v4(),
        name: "Транзит по маршрутам".into(),
        owner: "officer.kz".into(),
        party: None,
        country: Some("KZ".parse().unwrap()),
        offices: vec!["KZHOR001".parse().unwrap(), "KZAAU001".parse().unwrap()],
        shared: Sharing::Country,
        definition: Definition {
            dimensions: vec![Dimension::Route, Dimension::Month],
            measures: vec![Measure::TransitP90Hours],
            filters: Filters {
                hs_chapter: Some("84".into()),
                ..Filters::default()
            },
        },
        created_at: t("2026-03-01T10:00:00Z"),
        updated_at: t("2026-03-01T10:00:00Z"),
    };
    store.save_report(&report).await.unwrap();
    report.name = "renamed".into();
    report.shared = Sharing::Private;
    report.updated_at = t("2026-03-02T10:00:00Z");
    store.save_report(&report).await.unwrap();
    assert_eq!(store.saved_reports().await.unwrap(), vec![report.clone()]);

    for (at, action) in [
        ("2026-03-01T10:00:00Z", "lodge"),
        ("2026-03-02T10:00:00Z", "release"),
    ] {
        store
            .audit(&[AuditEntry {
                at: t(at),
                actor: "officer.kz".into(),
                action: action.into(),
                movement_id: None,
                detail: String::new(),
            }])
            .await
            .unwrap();
    }
    let day = store
        .audit_between(t("2026-03-02T00:00:00Z"), t("2026-03-03T00:00:00Z"))
        .await
        .unwrap();
    assert_eq!(day.len(), 1);
    assert_eq!(day[0].action, "release");

    let dump = store.dump().await.unwrap();
    assert_eq!(dump.saved_reports, vec![report.clone()]);
    assert_eq!(dump.node_runs.len(), 2);

    assert!(store.delete_report(report.id).await.unwrap());
    assert!(!store.delete_report(report.id).await.unwrap());
    assert!(store.saved_reports().await.unwrap().is_empty());
}

store_test!(report_batches_read_every_movement_once, batches_body);
async fn batches_body(store: Arc<dyn Store>) {
    use cats_app::store::MovementFilter;
    // Eleven movements, several changed at the same instant: batches of three cross those ties.
    let mut ids = std::collections::BTreeSet::new();
    for i in 0..11 {
        let at = t(&format!("2026-03-0{}T10:00:00Z", 1 + i / 3));
        let r = record(
            &format!("B-{i}"),
            Some(&format!("b{i}")),
            MovementState::Accepted,
            at,
        );
        ids.insert(r.id);
        store.commit(change(&r, None)).await.unwrap();
    }
    let filter = MovementFilter {
        updated_since: Some(t("2026-03-02T00:00:00Z")),
        ..MovementFilter::default()
    };
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let batch = store.report_batch(&filter, after, false, 3).await.unwrap();
        after = batch.last().map(|r| (r.updated_at, r.id));
        for r in &batch {
            assert_eq!(*r.declaration, serde_json::json!({}));
            assert!(r.updated_at >= t("2026-03-02T00:00:00Z"));
        }
        let n = batch.len();
        seen.extend(batch.into_iter().map(|r| r.id));
        if n < 3 {
            break;
        }
    }
    // Changed on 2 March or later: the last eight, each once.
    assert_eq!(seen.len(), 8, "{seen:?}");
    let unique: std::collections::BTreeSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), 8);
    assert!(seen.iter().all(|id| ids.contains(id)));
    let with = store.report_batch(&filter, None, true, 1).await.unwrap();
    assert_ne!(*with[0].declaration, serde_json::json!({}));
}
