//! Rows written before identifiers were typed (issue 10) still load, and load unchanged: a
//! SQLite database left by the node of commit 7fc2c49 (`fixtures/legacy-sqlite-0005.sql`) is
//! opened (which applies the later migrations), read whole through the store, its projections
//! written back byte for byte, and copied to PostgreSQL when one is configured.

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Row};

use super::*;

/// The old database, written as the old node left it (migrations 1 to 5 applied).
async fn legacy_database(path: &std::path::Path) {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .connect()
        .await
        .unwrap();
    let sql = include_str!("../fixtures/legacy-sqlite-0005.sql");
    sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
}

#[tokio::test]
async fn rows_written_before_typed_identifiers_load_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cats.db");
    legacy_database(&path).await;
    let stored: Vec<(String, String)> = {
        let mut conn = SqliteConnectOptions::new()
            .filename(&path)
            .connect()
            .await
            .unwrap();
        sqlx::query("SELECT id, projection FROM movements ORDER BY created_at, id")
            .fetch_all(&mut conn)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    };
    let store: Arc<dyn Store> = Arc::new(SqlStore::open_sqlite(&path).await.unwrap());

    // Every row, through its mapping.
    let dump = store.dump().await.unwrap();
    assert_eq!(dump.movements.len(), 15);
    assert_eq!(dump.messages.len(), 30);
    assert_eq!(dump.guarantees.len(), 3);
    assert_eq!(dump.reservations.len(), 7);
    assert_eq!(dump.contracts.len(), 3);
    assert_eq!(dump.claims.len(), 1);
    assert_eq!(dump.registrations.len(), 5);
    assert_eq!(dump.control_attachments.len(), 1);
    assert_eq!(dump.exchange_rates.len(), 1);
    assert_eq!(dump.risk_profiles.len(), 4);
    assert_eq!(dump.parties.len(), 5);
    assert_eq!(dump.users.len(), 11);
    assert_eq!(dump.catalog.offices.len(), 11);

    // The JSON of every projection is what was stored, byte for byte.
    assert_eq!(stored.len(), dump.movements.len());
    for ((id, text), record) in stored.iter().zip(&dump.movements) {
        assert_eq!(record.id.to_string(), *id);
        assert_eq!(
            serde_json::to_string(&record.movement).unwrap(),
            *text,
            "{id}"
        );
    }

    // Every state the replay ends in, a rejected declaration among them, and each movement found
    // again by its typed MRN.
    let states: std::collections::BTreeSet<&str> = dump
        .movements
        .iter()
        .map(|r| r.movement.state.as_str())
        .collect();
    for s in [
        "Rejected",
        "WrittenOff",
        "UnderRecovery",
        "Discrepancies",
        "NotReleased",
    ] {
        assert!(states.contains(s), "{s}");
    }
    for r in dump.movements.iter().filter(|r| r.movement.mrn.is_some()) {
        let mrn = r.movement.mrn.as_ref().unwrap();
        assert_eq!(store.movement_by_mrn(mrn).await.unwrap().unwrap().id, r.id);
    }
    for g in &dump.guarantees {
        let contract = store.contract_by_grn(&g.grn).await.unwrap().unwrap();
        assert_eq!(contract.reference_amount, g.reference_amount);
        assert_eq!(
            store.reservations(&g.grn).await.unwrap().len(),
            dump.reservations.iter().filter(|r| r.grn == g.grn).count()
        );
    }
    let claim = &dump.claims[0];
    assert_eq!(claim.amount.currency(), claim_currency(&dump, &claim.grn));

    // And the old node moves to PostgreSQL unchanged.
    let Some(db) = PgDb::create().await else {
        eprintln!("{SKIPPED}");
        return;
    };
    let outcome = tokio::spawn(async move {
        let pg = db_open(&db).await;
        pg.restore(&dump).await.unwrap();
        assert_eq!(pg.dump().await.unwrap(), dump);
        db
    })
    .await;
    match outcome {
        Ok(db) => db.drop_db().await,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

fn claim_currency(
    dump: &cats_app::store::Snapshot,
    grn: &cats_domain::ids::Grn,
) -> cats_domain::ids::CurrencyCode {
    dump.guarantees
        .iter()
        .find(|g| g.grn == *grn)
        .expect("the claim's guarantee")
        .currency()
}

async fn db_open(db: &PgDb) -> Arc<dyn Store> {
    db.open().await
}
