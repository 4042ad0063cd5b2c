//! Dump and restore: a store filled with a bit of everything is copied into an empty store of
//! the same or the other backend and compared, and a non-empty store refuses a restore.

use super::*;

use cats_app::store::Snapshot;

/// Populate a store of one backend, dump it, restore into an empty store of the other (or the
/// same), and compare the dumps.
async fn copy_and_compare(from: Arc<dyn Store>, to: Arc<dyn Store>) {
    populate(&from).await;
    let dump = from.dump().await.unwrap();
    assert_eq!(dump.movements.len(), 3);
    assert_eq!(dump.messages.len(), 6);
    assert_eq!(dump.reservations.len(), 6);
    assert_eq!(dump.audit.len(), 9);
    assert_eq!(dump.risk_profiles.len(), 2);
    assert_eq!(
        dump.claims.len(),
        2,
        "the claimed movement's two reservations"
    );
    assert_eq!(dump.registrations.len(), 1);
    assert_eq!(dump.attachments[0].data.len(), 3000);
    assert_eq!(dump.control_attachments[0].data.len(), 5000);
    assert_eq!(dump.contracts.len(), 1);
    assert_eq!(dump.history.len(), 3);
    assert_eq!(dump.notifications.len(), 6);
    assert_eq!(dump.exchange_rates.len(), 1);
    assert_eq!(dump.grn_serials.len(), 1);
    to.restore(&dump).await.unwrap();
    let copy = to.dump().await.unwrap();
    assert_eq!(copy, dump);
    // The copy works as a node: the running totals and serials carry on.
    assert_eq!(
        to.next_mrn_serial(&"KZHOR001".parse().unwrap(), 2025)
            .await
            .unwrap(),
        4
    );
    let g = to.guarantee(&GRN.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(g.running_total_minor, 10_000 + 30_000);
    // Restoring again is refused.
    assert!(matches!(
        to.restore(&dump).await,
        Err(StoreError::NotEmpty(_))
    ));
    assert!(matches!(
        from.restore(&Snapshot::default()).await,
        Err(StoreError::NotEmpty(_))
    ));
}

store_test!(dump_restore_same_backend, dump_restore_same_backend_body);
async fn dump_restore_same_backend_body(store: Arc<dyn Store>) {
    // Into an empty SQLite store (always available).
    let dir = tempfile::tempdir().unwrap();
    copy_and_compare(store, sqlite(&dir).await).await;
}

store_test!(restore_into_non_empty, restore_into_non_empty_body);
async fn restore_into_non_empty_body(store: Arc<dyn Store>) {
    store.restore(&Snapshot::default()).await.unwrap();
    store.save_party(&party("KZ840000123456")).await.unwrap();
    let snapshot = Snapshot {
        parties: vec![party("GE000000000001")],
        ..Snapshot::default()
    };
    match store.restore(&snapshot).await {
        Err(StoreError::NotEmpty(what)) => assert!(what.contains("1 parties"), "{what}"),
        other => panic!("expected NotEmpty, got {other:?}"),
    }
    assert_eq!(
        store
            .party(&"GE000000000001".parse().unwrap())
            .await
            .unwrap(),
        None
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn copy_sqlite_to_postgres() {
    let Some(db) = PgDb::create().await else {
        eprintln!("{SKIPPED}");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (sqlite(&dir).await, db.open().await);
    let outcome = tokio::spawn(copy_and_compare(from, to)).await;
    db.drop_db().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn copy_postgres_to_sqlite() {
    let Some(db) = PgDb::create().await else {
        eprintln!("{SKIPPED}");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (db.open().await, sqlite(&dir).await);
    let outcome = tokio::spawn(copy_and_compare(from, to)).await;
    db.drop_db().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
