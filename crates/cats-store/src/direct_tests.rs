//! The direct connections (the writer's and the readers') store and read values exactly as sqlx
//! does; the readers see every commit and leave writes to the pool.

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
    let through_sqlx = select
        .fetch_one(&mut store.pool.long())
        .await
        .expect("sqlx");
    let direct = select
        .fetch_one(&mut Db::Direct(&mut conn))
        .await
        .expect("direct");
    let reader = select
        .fetch_one(&mut store.pool.db())
        .await
        .expect("reader");
    assert!(
        matches!(reader, crate::sql::Row::Direct(_)),
        "read directly"
    );
    for row in [&through_sqlx, &direct, &reader] {
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

#[tokio::test]
async fn readers_see_each_commit_and_leave_writes_to_the_pool() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = SqlStore::open_sqlite(&dir.path().join("cats.db"))
        .await
        .expect("open SQLite");
    Sql::new("CREATE TABLE scratch (k TEXT PRIMARY KEY, n INTEGER NOT NULL)")
        .execute(&mut store.pool.db())
        .await
        .expect("scratch table");
    let count = Sql::new("SELECT COUNT(*) AS n FROM scratch");
    for i in 0..3i64 {
        // Each commit of the writer is seen by the next read on the reused reader connection:
        // a kept connection holds no snapshot between statements.
        store
            .pool
            .write(move |pool| async move {
                let mut tx = pool.begin().await?;
                Sql::new("INSERT INTO scratch (k, n) VALUES ($1, $2)")
                    .bind(format!("k{i}"))
                    .bind(i)
                    .execute(&mut tx.db())
                    .await?;
                tx.commit().await
            })
            .await
            .expect("write");
        let read = count.fetch_one(&mut store.pool.db()).await.expect("count");
        assert!(matches!(read, crate::sql::Row::Direct(_)));
        assert_eq!(read.int("n").unwrap(), i + 1);
    }
    // A statement that writes and returns rows is not run on a reader: it runs on the pool and
    // its change is there for the next read.
    let updated = Sql::new("UPDATE scratch SET n = n + 10 WHERE k = $1 RETURNING n")
        .bind("k2")
        .fetch_one(&mut store.pool.db())
        .await
        .expect("update through the pool");
    assert!(
        matches!(updated, crate::sql::Row::Sqlite(_)),
        "not on a reader"
    );
    assert_eq!(updated.int("n").unwrap(), 12);
    let read = Sql::new("SELECT n FROM scratch WHERE k = 'k2'")
        .fetch_one(&mut store.pool.db())
        .await
        .expect("read back");
    assert_eq!(read.int("n").unwrap(), 12);
    // A read that fails leaves nothing behind: the next read works.
    assert!(Sql::new("SELECT nothing FROM scratch")
        .fetch_all(&mut store.pool.db())
        .await
        .is_err());
    assert_eq!(
        count
            .fetch_one(&mut store.pool.db())
            .await
            .unwrap()
            .int("n")
            .unwrap(),
        3
    );
    store.close().await;
}

/// The writer keeps its savepoint journal in memory (group commit's savepoints would otherwise
/// spill it to a temporary file); readers keep SQLite's default, so a large sort of theirs may
/// still go to disk.
#[tokio::test]
async fn the_writer_journals_savepoints_in_memory_and_readers_keep_the_default() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("cats.db");
    let _store = SqlStore::open_sqlite(&path).await.expect("open SQLite");
    let temp_store = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row("PRAGMA temp_store", [], |r| r.get(0))
            .expect("temp_store")
    };
    // 2 = MEMORY, 0 = the compile-time default (a file).
    assert_eq!(temp_store(&super::open_writer(&path).expect("writer")), 2);
    assert_eq!(temp_store(&super::open(&path).expect("reader")), 0);
}
