//! Message bodies are deflated on the way in and given back byte for byte on the way out; bodies
//! stored before (migration 0020) are read as they were.

use uuid::Uuid;

use cats_app::store::{Direction, StoredMessage};

use super::{deflate, inflate, insert_message, messages};
use crate::sql::Sql;
use crate::SqlStore;

const CORRIDOR: &str = include_str!("../../cats-ncts/tests/fixtures/cc015c-corridor.xml");

#[test]
fn bodies_come_back_byte_for_byte_and_smaller() {
    let bodies = [
        String::new(),
        "x".into(),
        "Грузы: ковры ручной работы\r\nტვირთი — ხალიჩები\u{0}\t".into(),
        CORRIDOR.to_string(),
        CORRIDOR.repeat(40),
    ];
    for body in &bodies {
        assert_eq!(&inflate(&deflate(body)).unwrap(), body);
    }
    let stored = deflate(CORRIDOR).len();
    assert!(
        stored * 3 < CORRIDOR.len(),
        "the corridor declaration ({} bytes) deflates to {stored}",
        CORRIDOR.len()
    );
    assert!(inflate(b"not deflate at all").is_err());
}

#[tokio::test]
async fn a_stored_message_is_deflated_and_read_back_and_older_rows_still_read() {
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
    let read = messages(&mut store.pool.db(), Some(movement))
        .await
        .unwrap();
    assert_eq!(read[0].body, CORRIDOR);
    assert_eq!(read[1].body, "{\"old\":true}");
    let row = Sql::new("SELECT body, LENGTH(body_deflate) AS stored FROM messages WHERE seq = 1")
        .fetch_one(&mut store.pool.db())
        .await
        .unwrap();
    assert_eq!(row.text("body").unwrap(), "");
    assert!(row.int("stored").unwrap() * 3 < CORRIDOR.len() as i64);
}
