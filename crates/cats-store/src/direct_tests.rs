//! The writer's direct connection stores and reads values exactly as sqlx does.

use chrono::{NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use crate::sql::{unique_violation, Db, Sql};
use crate::SqlStore;

#[tokio::test]
async fn values_written_directly_read_back_through_sqlx_and_directly() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("cats.db");
    let store = SqlStore::open_sqlite(&path).await.expect("open SQLite");
    Sql::new(
        "CREATE TABLE scratch (t TEXT, n INTEGER, f INTEGER, id TEXT, at TEXT, day TEXT, b BLOB,
           k TEXT UNIQUE)",
    )
    .execute(&mut store.pool.db())
    .await
    .expect("scratch table");
    let id = Uuid::new_v4();
    let at = Utc.with_ymd_and_hms(2026, 3, 1, 12, 30, 0).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
    let mut conn = super::open(&path).expect("direct connection");
    // $2 before $1 and $1 twice: placeholders are numbered, not positional.
    let insert = Sql::new(
        "INSERT INTO scratch (n, t, f, id, at, day, b, k) VALUES ($2, $1, $3, $4, $5, $6, $7, $1)",
    )
    .bind("Ҡазақстан ქართული")
    .bind(42i64)
    .bind(true)
    .bind(id)
    .bind(at)
    .bind(day)
    .bind(&[0u8, 1, 255][..]);
    assert_eq!(
        insert
            .execute(&mut Db::Direct(&mut conn))
            .await
            .expect("insert"),
        1
    );
    let again = insert
        .execute_raw(&mut Db::Direct(&mut conn))
        .await
        .expect_err("unique k");
    assert!(unique_violation(&again, Some(("scratch_k", "scratch.k"))));

    let select = Sql::new("SELECT * FROM scratch");
    let through_sqlx = select.fetch_one(&mut store.pool.db()).await.expect("sqlx");
    let direct = select
        .fetch_one(&mut Db::Direct(&mut conn))
        .await
        .expect("direct");
    for row in [&through_sqlx, &direct] {
        assert_eq!(row.text("t").unwrap(), "Ҡазақстан ქართული");
        assert_eq!(row.int("n").unwrap(), 42);
        assert!(row.flag("f").unwrap());
        assert_eq!(row.id("id").unwrap(), id);
        assert_eq!(row.time("at").unwrap(), at);
        assert_eq!(row.date("day").unwrap(), day);
        assert_eq!(row.bytes("b").unwrap(), vec![0u8, 1, 255]);
    }
    assert!(
        direct.opt_text("missing").is_err(),
        "an unknown column is an error"
    );
    drop(conn);
    store.close().await;
}
