//! Group commit on a real SQLite file: writers share commits, each is answered only after the
//! commit holding its work, and a writer that fails or leaves takes nobody else's work with it.

use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt as _;

use super::Writer;
use crate::sql::{Pool, Sql};
use crate::SqlStore;

/// A store on a new SQLite file with a scratch table, whose batches never commit for their age
/// (so that what these tests arrange, not the clock, decides who commits).
async fn scratch() -> (tempfile::TempDir, Arc<SqlStore>) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let opened = SqlStore::open_sqlite(&dir.path().join("cats.db"))
        .await
        .expect("open SQLite");
    let Pool::Sqlite(pool, _, readers) = &opened.pool else {
        unreachable!("a SQLite store")
    };
    let writer =
        Writer::with_max_age(&dir.path().join("cats.db"), Duration::from_secs(3600)).unwrap();
    let store = SqlStore::new(Pool::Sqlite(pool.clone(), writer, readers.clone()));
    Sql::new("CREATE TABLE scratch (id INTEGER PRIMARY KEY)")
        .execute(&mut store.pool.db())
        .await
        .expect("scratch table");
    (dir, Arc::new(store))
}

async fn insert(pool: &Pool, id: i64) -> crate::sql::Tx {
    let mut tx = pool.begin().await.expect("begin");
    Sql::new("INSERT INTO scratch (id) VALUES ($1)")
        .bind(id)
        .execute(&mut tx.db())
        .await
        .expect("insert");
    tx
}

/// The rows another connection (a new store on the same file) sees: what is durable.
async fn stored(dir: &tempfile::TempDir) -> Vec<i64> {
    let other = SqlStore::open_sqlite(&dir.path().join("cats.db"))
        .await
        .expect("reopen");
    let rows = Sql::new("SELECT id FROM scratch ORDER BY id")
        .fetch_all(&mut other.pool.db())
        .await
        .expect("select");
    other.close().await;
    rows.iter().map(|r| r.int("id").expect("id")).collect()
}

#[tokio::test]
async fn concurrent_writers_share_commits_and_each_is_stored_when_answered() {
    let (dir, store) = scratch().await;
    let before = store.pool.sqlite_commits().expect("SQLite");
    let writers: Vec<_> = (0..64)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                // As the node writes: whole transactions on the writer's thread.
                store
                    .pool
                    .write(|pool| async move { insert(&pool, i).await.commit().await })
                    .await
                    .expect("commit");
                // Answered: the row is visible to any other connection.
                let seen = Sql::new("SELECT COUNT(*) AS n FROM scratch WHERE id = $1")
                    .bind(i)
                    .fetch_one(&mut store.pool.db())
                    .await
                    .expect("count")
                    .int("n")
                    .expect("n");
                assert_eq!(seen, 1, "writer {i} was answered before its commit");
            })
        })
        .collect();
    for w in writers {
        w.await.expect("writer");
    }
    let commits = store.pool.sqlite_commits().expect("SQLite") - before;
    assert!(
        (1..64).contains(&commits),
        "64 concurrent writers made {commits} commits; they should share them"
    );
    assert_eq!(stored(&dir).await, (0..64).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_writer_dropped_half_way_is_rolled_back_alone() {
    let (dir, store) = scratch().await;
    let writers: Vec<_> = (0..32)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let tx = insert(&store.pool, i).await;
                if i % 2 == 0 {
                    tx.commit().await.expect("commit");
                } else {
                    drop(tx);
                }
            })
        })
        .collect();
    for w in writers {
        w.await.expect("writer");
    }
    // The last writer may have been dropped: its flush commits what the others left.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        stored(&dir).await,
        (0..32).filter(|i| i % 2 == 0).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_batch_left_to_a_writer_that_gives_up_is_still_committed() {
    let (dir, store) = scratch().await;
    let first = insert(&store.pool, 1).await;
    // A second writer starts waiting for its turn, then gives up before it gets it.
    let mut second = Box::pin(store.pool.begin());
    assert!((&mut second).now_or_never().is_none(), "the turn is taken");
    let committing = tokio::spawn(first.commit());
    // The first writer sees somebody waiting and leaves the batch open for them.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !committing.is_finished(),
        "the first writer waits for the batch's commit"
    );
    drop(second);
    tokio::time::timeout(Duration::from_secs(10), committing)
        .await
        .expect("the batch is committed without another request")
        .expect("task")
        .expect("commit");
    assert_eq!(stored(&dir).await, vec![1]);
}

#[tokio::test]
async fn the_last_writer_of_a_batch_failing_leaves_the_others_committed() {
    let (dir, store) = scratch().await;
    let first = insert(&store.pool, 1).await;
    let pool = store.pool.clone();
    let second = tokio::spawn(async move {
        let tx = insert(&pool, 2).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(tx);
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    tokio::time::timeout(Duration::from_secs(10), first.commit())
        .await
        .expect("answered")
        .expect("commit");
    second.await.expect("second writer");
    assert_eq!(stored(&dir).await, vec![1]);
}

#[tokio::test]
async fn a_job_that_writes_nothing_still_lets_the_batch_left_for_it_commit() {
    let (dir, store) = scratch().await;
    // The first job holds the writer's thread until the second is handed to it, so it sees the
    // second coming and leaves its batch open; the second ends without taking the turn.
    let Pool::Sqlite(_, writer, _) = &store.pool else {
        unreachable!("a SQLite store")
    };
    let queued = writer.queued.clone();
    let writes = store.pool.write(|pool| async move {
        let tx = insert(&pool, 1).await;
        while queued.load(std::sync::atomic::Ordering::SeqCst) == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
        tx.commit().await
    });
    let nothing = store.pool.write(|_| async move { Ok(()) });
    let both = async { futures_util::future::join(writes, nothing).await };
    let (written, nothing) = tokio::time::timeout(Duration::from_secs(10), both)
        .await
        .expect("the first job is answered without a later write");
    written.expect("first job");
    nothing.expect("second job");
    assert_eq!(stored(&dir).await, vec![1]);
}
