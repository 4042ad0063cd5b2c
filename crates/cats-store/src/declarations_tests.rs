//! A declaration is written when it changes and only then, every instance reads the one stored
//! last, and a movement stored before migration 0023 moves its declaration (and compresses its
//! projection) on its next change.

use std::sync::Arc;

use chrono::{SubsecRound as _, Utc};
use uuid::Uuid;

use cats_app::store::{Change, MovementRecord, Store as _};
use cats_domain::movement::MovementState;

use crate::sql::Sql;
use crate::SqlStore;

const CORRIDOR: &[u8] = include_bytes!("../../cats-ncts/tests/fixtures/cc015c-corridor.json");

fn new_movement() -> MovementRecord {
    let (declaration, value) =
        cats_ncts::parse_cc015c(CORRIDOR, cats_ncts::Format::Json).expect("fixture parses");
    let movement = cats_domain::rules::facts(&declaration)
        .unwrap()
        .movement(MovementState::Accepted, None);
    let now = Utc::now().trunc_subsecs(6);
    MovementRecord {
        id: Uuid::new_v4(),
        version: 1,
        movement,
        declaration: Arc::new(value),
        created_at: now,
        updated_at: now,
    }
}

fn change(record: &MovementRecord, expected_version: Option<i64>) -> Change {
    Change {
        record: record.clone(),
        expected_version,
        messages: vec![],
        ledger: vec![],
        audit: vec![],
        attachments: vec![],
        ice_out: vec![],
        ice_in: None,
        notifications: vec![],
    }
}

/// `record` at its next version, in `state`, with the same declaration (the same `Arc`).
fn step(record: &MovementRecord, state: MovementState) -> MovementRecord {
    let mut next = record.clone();
    next.version += 1;
    next.movement.state = state;
    next
}

/// `record` at its next version with its declaration amended (a new `Arc`).
fn amended(record: &MovementRecord, lrn: &str) -> MovementRecord {
    let mut next = record.clone();
    next.version += 1;
    let mut value = (*record.declaration).clone();
    value["TransitOperation"]["LRN"] = lrn.into();
    next.declaration = Arc::new(value);
    next
}

/// The stored declaration's version, and the movement row's `declaration` and `projection`
/// texts.
async fn stored(store: &SqlStore, id: Uuid) -> (Option<i64>, String, String) {
    let row = Sql::new(
        "SELECT d.version, m.declaration, m.projection FROM movements m
         LEFT JOIN movement_declarations d ON d.movement_id = m.id WHERE m.id = $1",
    )
    .bind(id)
    .fetch_one(&mut store.pool.db())
    .await
    .unwrap();
    (
        row.opt_int("version").unwrap(),
        row.text("declaration").unwrap(),
        row.text("projection").unwrap(),
    )
}

#[tokio::test]
async fn a_declaration_is_written_when_it_changes_and_only_then() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqlStore::open_sqlite(&dir.path().join("cats.db"))
        .await
        .unwrap();
    let lodged = new_movement();
    store.commit(change(&lodged, None)).await.unwrap();
    assert_eq!(
        stored(&store, lodged.id).await,
        (Some(1), String::new(), String::new())
    );

    // Steps that keep the declaration leave its row alone.
    let read = store.movement(lodged.id).await.unwrap().unwrap();
    assert_eq!(read, lodged);
    let released = step(&read, MovementState::ReleasedForTransit);
    store.commit(change(&released, Some(1))).await.unwrap();
    let read = store.movement(lodged.id).await.unwrap().unwrap();
    assert_eq!(read, released);
    assert_eq!(stored(&store, lodged.id).await.0, Some(1));

    // An amendment writes it, at the movement's new version.
    let amendment = amended(&read, "AMENDED-1");
    store.commit(change(&amendment, Some(2))).await.unwrap();
    assert_eq!(stored(&store, lodged.id).await.0, Some(3));
    let read = store.movement(lodged.id).await.unwrap().unwrap();
    assert_eq!(read.declaration["TransitOperation"]["LRN"], "AMENDED-1");
    assert_eq!(read, amendment);

    // A declaration equal in content but not the one read is written again: when in doubt,
    // write.
    let mut copy = step(&read, MovementState::Arrived);
    copy.declaration = Arc::new((*read.declaration).clone());
    store.commit(change(&copy, Some(3))).await.unwrap();
    assert_eq!(stored(&store, lodged.id).await.0, Some(4));
    assert_eq!(store.movement(lodged.id).await.unwrap().unwrap(), copy);
}

#[tokio::test]
async fn every_instance_reads_the_declaration_stored_last() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cats.db");
    let a = SqlStore::open_sqlite(&path).await.unwrap();
    let b = SqlStore::open_sqlite(&path).await.unwrap();
    let lodged = new_movement();
    a.commit(change(&lodged, None)).await.unwrap();
    assert_eq!(a.movement(lodged.id).await.unwrap().unwrap(), lodged);

    // B amends; A, which has the lodged declaration in its cache, reads the amended one.
    let at_b = b.movement(lodged.id).await.unwrap().unwrap();
    let amendment = amended(&at_b, "AMENDED-B");
    b.commit(change(&amendment, Some(1))).await.unwrap();
    let at_a = a.movement(lodged.id).await.unwrap().unwrap();
    assert_eq!(at_a.declaration["TransitOperation"]["LRN"], "AMENDED-B");
    assert_eq!(at_a, amendment);

    // A's step keeps B's declaration, and B still reads it.
    a.commit(change(
        &step(&at_a, MovementState::ReleasedForTransit),
        Some(2),
    ))
    .await
    .unwrap();
    assert_eq!(stored(&a, lodged.id).await.0, Some(2));
    let at_b = b.movement(lodged.id).await.unwrap().unwrap();
    assert_eq!(at_b.declaration["TransitOperation"]["LRN"], "AMENDED-B");
    assert_eq!(at_b.version, 3);
}

#[tokio::test]
async fn a_movement_stored_before_0023_moves_its_declaration_on_its_next_change() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqlStore::open_sqlite(&dir.path().join("cats.db"))
        .await
        .unwrap();
    let old = new_movement();
    let (projection, declaration) = (
        serde_json::to_string(&old.movement).unwrap(),
        serde_json::to_string(old.declaration.as_ref()).unwrap(),
    );
    Sql::new(
        "INSERT INTO movements (id, version, lrn, holder, state, live, office_of_departure,
           office_of_destination, offices, created_at, updated_at, projection, declaration)
         VALUES ($1, 1, $2, $3, 'Accepted', TRUE, 'KZHOR001', 'GEPTI001', 'KZHOR001 GEPTI001',
           $4, $4, $5, $6)",
    )
    .bind(old.id)
    .bind(&old.movement.lrn)
    .bind(&old.movement.holder)
    .bind(old.created_at)
    .bind(projection.as_str())
    .bind(declaration.as_str())
    .execute(&mut store.pool.db())
    .await
    .unwrap();
    let read = store.movement(old.id).await.unwrap().unwrap();
    assert_eq!(read, old);

    let released = step(&read, MovementState::ReleasedForTransit);
    store.commit(change(&released, Some(1))).await.unwrap();
    assert_eq!(
        stored(&store, old.id).await,
        (Some(2), String::new(), String::new())
    );
    assert_eq!(store.movement(old.id).await.unwrap().unwrap(), released);
}
