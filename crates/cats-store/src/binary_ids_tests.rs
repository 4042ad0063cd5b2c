//! Migration 0026 stores UUIDs as their 16 bytes on SQLite (ADR 0023): it converts every column
//! that PostgreSQL declares `UUID`, and ids written as text before it read back as the same ids.

use std::collections::BTreeSet;
use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use uuid::Uuid;

use crate::history::{audit_log, messages};
use crate::sql::Sql;
use crate::SqlStore;

const MIGRATIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");

/// `(table, column)` of every column a PostgreSQL migration declares `UUID`.
fn postgres_uuid_columns() -> BTreeSet<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(Path::new(MIGRATIONS).join("postgres"))
        .expect("the PostgreSQL migrations")
        .map(|e| e.expect("a migration").path())
        .collect();
    files.sort();
    let is_uuid = |ty: &str| ty.trim_end_matches([',', ';']).eq_ignore_ascii_case("UUID");
    let mut columns = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a migration's text");
        let mut table = None;
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["CREATE", "TABLE", "IF", "NOT", "EXISTS", t, ..] | ["CREATE", "TABLE", t, ..] => {
                    table = Some(t.trim_end_matches('(').to_string());
                }
                ["ALTER", "TABLE", t, "ADD", "COLUMN", c, ty, ..] if is_uuid(ty) => {
                    columns.insert((t.to_string(), c.to_string()));
                }
                [c, ty, ..] if is_uuid(ty) && !c.starts_with("--") => {
                    let t = table.clone().expect("a UUID column inside CREATE TABLE");
                    columns.insert((t, c.to_string()));
                }
                _ => {}
            }
        }
    }
    columns
}

/// `(table, column)` of every `UPDATE table SET column = …` of SQLite migration 0026.
fn converted_columns() -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(Path::new(MIGRATIONS).join("sqlite/0026_binary_ids.sql"))
        .expect("migration 0026");
    text.lines()
        .filter_map(
            |line| match line.split_whitespace().collect::<Vec<_>>()[..] {
                ["UPDATE", t, "SET", c, "=", ..] => Some((t.to_string(), c.to_string())),
                _ => None,
            },
        )
        .collect()
}

#[test]
fn migration_0026_converts_every_column_postgresql_declares_uuid() {
    let postgres = postgres_uuid_columns();
    assert!(
        postgres.contains(&("movements".into(), "id".into())) && postgres.len() > 30,
        "the parser found the UUID columns: {postgres:?}"
    );
    assert_eq!(converted_columns(), postgres);
}

#[tokio::test]
async fn ids_stored_as_text_before_0026_read_back_as_the_same_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cats.db");
    let movement = Uuid::now_v7();
    let message = Uuid::now_v7();
    {
        let mut before = sqlx::migrate!("./migrations/sqlite");
        before.migrations = before
            .migrations
            .iter()
            .filter(|m| m.version < 26)
            .cloned()
            .collect::<Vec<_>>()
            .into();
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .connect_with(options)
            .await
            .unwrap();
        before.run(&pool).await.unwrap();
        let statements = [
            "INSERT INTO movements (id, version, lrn, holder, state, live, office_of_departure,
               office_of_destination, offices, created_at, updated_at, projection, declaration)
             VALUES ($1, 1, 'LRN-1', 'KZ840000123456', 'Accepted', TRUE, 'KZHOR001', 'GEPTI001',
               'KZHOR001 GEPTI001', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '{}', '{}')",
            "INSERT INTO movement_declarations (movement_id, version, codec, body)
             VALUES ($1, 1, NULL, x'00')",
            "INSERT INTO messages (id, movement_id, seq, message_type, direction, content_type,
               body, received)
             VALUES ($2, $1, 1, 'CC928C', 'outbound', 'application/json', '{\"old\":true}',
               '2026-01-01T00:00:00Z')",
            "INSERT INTO audit_log (at, actor, action, movement_id, detail)
             VALUES ('2026-01-01T00:00:00.000000Z', 'officer', 'release', $1, 'released')",
        ];
        for statement in statements {
            sqlx::query(statement)
                .bind(movement.to_string())
                .bind(message.to_string())
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
    }

    let store = SqlStore::open_sqlite(&path).await.unwrap();
    let read = messages(&mut store.pool.db(), Some(movement))
        .await
        .unwrap();
    assert_eq!(read.len(), 1, "the message is found by its movement's id");
    assert_eq!((read[0].id, read[0].movement_id), (message, movement));
    assert_eq!(read[0].body, "{\"old\":true}");
    let audit = audit_log(&mut store.pool.db(), Some(movement), None)
        .await
        .unwrap();
    assert_eq!(
        audit.len(),
        1,
        "the audit entry is found by its movement's id"
    );
    assert_eq!(audit[0].movement_id, Some(movement));
    for (table, column) in [
        ("movements", "id"),
        ("movement_declarations", "movement_id"),
        ("messages", "id"),
        ("messages", "movement_id"),
        ("audit_log", "movement_id"),
    ] {
        let row = Sql::new(format!(
            "SELECT typeof({column}) AS kind, length({column}) AS n FROM {table}"
        ))
        .fetch_one(&mut store.pool.db())
        .await
        .unwrap();
        assert_eq!(
            (row.text("kind").unwrap(), row.int("n").unwrap()),
            ("blob".to_string(), 16),
            "{table}.{column}"
        );
    }
}
