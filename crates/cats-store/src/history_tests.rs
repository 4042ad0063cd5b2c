//! Message bodies are compressed on the way in and given back byte for byte on the way out;
//! bodies stored before (as text before migration 0020, deflated without a dictionary before
//! 0023) are read as they were.

use uuid::Uuid;

use cats_app::store::{Direction, StoredMessage};

use super::{insert_message, messages};
use crate::sql::Sql;
use crate::SqlStore;

const CORRIDOR: &str = include_str!("../../cats-ncts/tests/fixtures/cc015c-corridor.xml");

#[tokio::test]
async fn a_stored_message_is_compressed_and_read_back_and_older_rows_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqlStore::open_sqlite(&dir.path().join("cats.db"))
        .await
        .unwrap();
    let movement = Uuid::new_v4();
    Sql::new(
        "INSERT INTO movements (id, version, lrn, holder, state, live, office_of_departure,
           office_of_destination, offices, created_at, updated_at, projection, declaration)
         VALUES ($1, 1, 'LRN-1', 'KZ840000123456', 'Accepted', TRUE, 'KZHOR001', 'GEPTI001',
           'KZHOR001 GEPTI001', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '{}', '{}')",
    )
    .bind(movement)
    .execute(&mut store.pool.db())
    .await
    .unwrap();
    let message = StoredMessage {
        id: Uuid::new_v4(),
        movement_id: movement,
        seq: 1,
        message_type: "CC015C".into(),
        direction: Direction::Inbound,
        content_type: "application/xml".into(),
        body: CORRIDOR.into(),
        received: chrono::Utc::now(),
    };
    insert_message(&mut store.pool.db(), &message)
        .await
        .unwrap();
    // A message as stored before migration 0020: its body as text.
    Sql::new(
        "INSERT INTO messages (id, movement_id, seq, message_type, direction, content_type,
           body, received)
         VALUES ($1, $2, 2, 'CC928C', 'outbound', 'application/json', '{\"old\":true}',
           '2026-01-01T00:00:00Z')",
    )
    .bind(Uuid::new_v4())
    .bind(movement)
    .execute(&mut store.pool.db())
    .await
    .unwrap();
    // A message as stored from migration 0020 to 0023: deflated without a dictionary.
    let mut plain = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut plain, b"<CC029C>older</CC029C>").unwrap();
    let plain = plain.finish().unwrap();
    Sql::new(
        "INSERT INTO messages (id, movement_id, seq, message_type, direction, content_type,
           body, received, body_compressed)
         VALUES ($1, $2, 3, 'CC029C', 'outbound', 'application/xml', '',
           '2026-01-01T00:00:00Z', $3)",
    )
    .bind(Uuid::new_v4())
    .bind(movement)
    .bind(plain.as_slice())
    .execute(&mut store.pool.db())
    .await
    .unwrap();
    let read = messages(&mut store.pool.db(), Some(movement))
        .await
        .unwrap();
    assert_eq!(read[0].body, CORRIDOR);
    assert_eq!(read[1].body, "{\"old\":true}");
    assert_eq!(read[2].body, "<CC029C>older</CC029C>");
    let row = Sql::new(
        "SELECT body, LENGTH(body_compressed) AS stored, body_codec FROM messages WHERE seq = 1",
    )
    .fetch_one(&mut store.pool.db())
    .await
    .unwrap();
    assert_eq!(row.text("body").unwrap(), "");
    assert!(row.int("stored").unwrap() * 6 < CORRIDOR.len() as i64);
    assert_eq!(
        row.opt_int("body_codec").unwrap(),
        Some(crate::codec::CURRENT)
    );
}
