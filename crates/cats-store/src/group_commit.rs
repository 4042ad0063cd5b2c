//! Group commit on SQLite: concurrent write transactions share one durable commit.
//!
//! With `synchronous=FULL` every SQLite commit waits for the disk (an `fsync` of the write-ahead
//! log), and SQLite lets one writer in at a time; a node that commits each use case alone is
//! bounded by the disk's sync rate, not by its work. Here the writers still take turns, but a
//! writer that finishes while others wait does not commit: its work is kept under a released
//! savepoint inside one outer transaction (`BEGIN IMMEDIATE`) that the next writer continues. The
//! last writer of a batch (nobody waiting, [`MAX_WRITERS`] joined, or the batch older than
//! [`MAX_AGE`]) commits it once for all of them.
//!
//! Every writer is answered only after the commit that holds its work: `commit` returns `Ok` once
//! that commit is durable, or the commit's error (and then none of the batch is stored). A writer
//! that fails or is dropped half-way is rolled back to its savepoint, alone; the others keep their
//! work. Whoever leaves the writer with an open batch and nobody to continue it (a writer dropped
//! without committing, a waiting writer cancelled) starts a task that commits it, so an
//! acknowledged write never waits for a later request.
//!
//! This is the technique of PostgreSQL's `commit_delay` and of the group commit of database
//! write-ahead logs in general; it changes no statement a use case runs.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use tokio::sync::{oneshot, Mutex, OwnedMutexGuard};

use cats_app::store::StoreError;

use crate::sql::db_error;
use crate::writer_thread::WriterThread;

/// A batch commits once this many writers have joined it.
pub(crate) const MAX_WRITERS: usize = 64;
/// A batch commits once it is this old, however many writers wait.
pub(crate) const MAX_AGE: Duration = Duration::from_millis(10);

/// The statements of the savepoint around each writer's work inside a batch.
const SAVEPOINT: &str = "SAVEPOINT cats_writer";
const RELEASE: &str = "RELEASE cats_writer";
const ROLLBACK_TO: &str = "ROLLBACK TO cats_writer";

/// Run one statement of the writer's own (no arguments).
async fn run(conn: &mut Connection, sql: &'static str) -> Result<(), sqlx::Error> {
    crate::direct::run(conn, sql)
}

/// The SQLite writer: its turn-taking lock, the open batch, and how many writers wait for it.
/// Cloning shares them.
#[derive(Clone)]
pub(crate) struct Writer {
    path: Arc<PathBuf>,
    batch: Arc<Mutex<Batch>>,
    waiting: Arc<AtomicUsize>,
    commits: Arc<AtomicUsize>,
    max_age: Duration,
    thread: Arc<WriterThread>,
    /// Jobs handed to the writer's thread that have not started yet: they will want the turn,
    /// so a batch is left open for them as for the writers waiting for it.
    queued: Arc<AtomicUsize>,
}

/// The outer transaction writers share, while one is open.
#[derive(Default)]
pub(crate) struct Batch {
    /// The writer's own connection (`crate::direct`), kept between batches so that its page
    /// cache stays warm (only the writer writes, so nothing invalidates it).
    conn: Option<Connection>,
    /// When the outer transaction on `conn` began; `None` while none is open.
    began: Option<Instant>,
    /// Writers whose work is in the batch, waiting for its commit.
    joined: Vec<oneshot::Sender<Result<(), String>>>,
    /// A writer's savepoint is open (between its `begin` and its `commit`, or left by a writer
    /// that was dropped: then the next holder rolls it back).
    savepoint: bool,
}

impl Batch {
    /// Whether the outer transaction is open.
    fn is_open(&self) -> bool {
        self.began.is_some()
    }
}

impl Writer {
    /// The writer of the SQLite file at `path`, with its thread.
    ///
    /// Errors: the writer's thread cannot start.
    pub(crate) fn new(path: &Path) -> Result<Self, StoreError> {
        Self::with_max_age(path, MAX_AGE)
    }

    /// The writer of the SQLite file at `path`, committing batches once they are `max_age` old.
    ///
    /// Errors: the writer's thread cannot start.
    pub(crate) fn with_max_age(path: &Path, max_age: Duration) -> Result<Self, StoreError> {
        Ok(Self {
            path: Arc::new(path.to_path_buf()),
            batch: Arc::new(Mutex::new(Batch::default())),
            waiting: Arc::new(AtomicUsize::new(0)),
            commits: Arc::new(AtomicUsize::new(0)),
            max_age,
            thread: Arc::new(WriterThread::start()?),
            queued: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// Run a whole write transaction on the writer's thread ([`WriterThread::run`]).
    ///
    /// Errors: the job's own, or the job panicked.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        job: impl std::future::Future<Output = Result<T, StoreError>> + Send + 'static,
    ) -> Result<T, StoreError> {
        // Counted until it starts: the thread runs one job at a time until it waits, and a
        // statement on the writer's connection never waits, so the writer before would
        // otherwise see nobody coming and commit alone.
        self.queued.fetch_add(1, Ordering::SeqCst);
        let writer = self.clone();
        self.thread
            .run(async move {
                writer.queued.fetch_sub(1, Ordering::SeqCst);
                let outcome = job.await;
                // A job that ends without taking the turn (nothing to write, or an error before
                // its transaction began) may leave a batch kept open for it: commit it unless
                // someone else is coming.
                writer.spawn_flush();
                outcome
            })
            .await
    }

    #[cfg(test)]
    /// How many SQLite commits the writer has made (batches and lone transactions).
    pub(crate) fn commits(&self) -> usize {
        self.commits.load(Ordering::Relaxed)
    }

    /// Wait for the writer's turn. Counted as waiting meanwhile, so that the writer before
    /// leaves its batch open for us; if we are cancelled while waiting, whoever left the batch
    /// to us is covered by a flush.
    async fn turn(&self) -> OwnedMutexGuard<Batch> {
        struct Waiting<'a>(&'a Writer, bool);
        impl Drop for Waiting<'_> {
            fn drop(&mut self) {
                self.0.waiting.fetch_sub(1, Ordering::SeqCst);
                if !self.1 {
                    self.0.spawn_flush();
                }
            }
        }
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let mut waiting = Waiting(self, false);
        let guard = self.batch.clone().lock_owned().await;
        waiting.1 = true;
        guard
    }

    /// Begin a write transaction: join the open batch, or open one. With `alone`, the
    /// transaction commits by itself when it commits (the open batch is committed first).
    ///
    /// Errors: the outer transaction cannot begin (another process holds the database past the
    /// busy timeout), or an earlier writer's rollback fails (then the batch is abandoned and its
    /// writers told).
    pub(crate) async fn begin(&self, alone: bool) -> Result<WriteTx, StoreError> {
        let guard = self.turn().await;
        let mut tx = WriteTx {
            guard: Some(guard),
            writer: self.clone(),
            alone,
        };
        let batch = tx.batch();
        if alone && batch.is_open() {
            tx.finish().await;
        } else {
            tx.settle().await?;
        }
        if !tx.batch().is_open() {
            if tx.batch().conn.is_none() {
                let conn =
                    crate::direct::open_writer(&self.path).map_err(|e| db_error("begin", e))?;
                tx.batch().conn = Some(conn);
            }
            // IMMEDIATE: the database's write lock from the start (waiting up to the busy
            // timeout for another process), so that a transaction that reads before it writes
            // (the audit chain's last hash) is never refused half-way.
            run(tx.conn(), "BEGIN IMMEDIATE")
                .await
                .map_err(|e| db_error("begin", e))?;
            tx.batch().began = Some(Instant::now());
        }
        run(tx.conn(), SAVEPOINT)
            .await
            .map_err(|e| db_error("begin", e))?;
        tx.batch().savepoint = true;
        Ok(tx)
    }

    /// Commit the open batch and give the writer's connection back to the pool (before the
    /// pool closes, which waits for every connection).
    pub(crate) async fn close(&self) {
        let mut tx = WriteTx {
            guard: Some(self.turn().await),
            writer: self.clone(),
            alone: true,
        };
        tx.finish().await;
        tx.batch().conn = None;
    }

    /// Commit an open batch nobody is left to continue, from a task of its own (called where
    /// a writer leaves without being able to wait, in `Drop`, and after each job of the
    /// writer's thread).
    fn spawn_flush(&self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let writer = self.clone();
        runtime.spawn(async move {
            let guard = writer.batch.clone().lock_owned().await;
            let mut tx = WriteTx {
                guard: Some(guard),
                writer: writer.clone(),
                alone: false,
            };
            let coming =
                writer.waiting.load(Ordering::SeqCst) + writer.queued.load(Ordering::SeqCst);
            if tx.batch().is_open() && coming == 0 {
                tx.finish().await;
            } else {
                // Someone waits: they continue the batch. Only roll back what a dropped writer
                // left, so that they find a clean batch.
                let _ = tx.settle().await;
            }
            tx.guard = None;
        });
    }
}

/// One writer's turn: its transaction (a savepoint in the open batch). Dropped without
/// [`WriteTx::commit`], its work is rolled back.
pub(crate) struct WriteTx {
    guard: Option<OwnedMutexGuard<Batch>>,
    writer: Writer,
    alone: bool,
}

impl WriteTx {
    fn batch(&mut self) -> &mut Batch {
        self.guard.as_mut().expect("the writer's turn is held")
    }

    /// The transaction's connection.
    pub(crate) fn conn(&mut self) -> &mut Connection {
        self.batch().conn.as_mut().expect("the writer's connection")
    }

    /// Roll back what a dropped writer left in the batch. If that fails, the whole batch is
    /// abandoned (its writers are told) and the error returned.
    async fn settle(&mut self) -> Result<(), StoreError> {
        let batch = self.batch();
        if !batch.savepoint {
            return Ok(());
        }
        batch.savepoint = false;
        let open = batch.is_open();
        let Some(conn) = batch.conn.as_mut().filter(|_| open) else {
            return Ok(());
        };
        let undone = match run(conn, ROLLBACK_TO).await {
            Ok(()) => run(conn, RELEASE).await,
            Err(e) => Err(e),
        };
        if let Err(e) = undone {
            let error = db_error("rollback", e);
            self.abandon(&error.to_string()).await;
            return Err(error);
        }
        Ok(())
    }

    /// Commit the open batch, if any, and tell its writers the outcome.
    async fn finish(&mut self) {
        // A failed rollback abandons the batch and tells its writers.
        if self.settle().await.is_err() {
            return;
        }
        if !self.batch().is_open() {
            return;
        }
        match run(self.conn(), "COMMIT").await {
            Ok(_) => {
                self.writer.commits.fetch_add(1, Ordering::Relaxed);
                let batch = self.batch();
                batch.began = None;
                for writer in batch.joined.drain(..) {
                    let _ = writer.send(Ok(()));
                }
            }
            Err(e) => {
                let error = db_error("commit", e).to_string();
                self.abandon(&error).await;
            }
        }
    }

    /// Roll the whole batch back and tell its writers why; the connection is closed, not
    /// returned to the pool, in case SQLite left it in a state we do not know.
    async fn abandon(&mut self, why: &str) {
        let batch = self.batch();
        batch.savepoint = false;
        batch.began = None;
        if let Some(mut conn) = batch.conn.take() {
            let _ = run(&mut conn, "ROLLBACK").await;
            drop(conn);
        }
        for writer in self.batch().joined.drain(..) {
            let _ = writer.send(Err(why.to_string()));
        }
    }

    /// Commit: the writer's work joins the batch, and this returns once a commit holding it is
    /// durable.
    ///
    /// Errors: the savepoint cannot be released (the work is rolled back), or the batch's
    /// commit fails (none of the batch is stored).
    pub(crate) async fn commit(mut self) -> Result<(), StoreError> {
        run(self.conn(), RELEASE)
            .await
            .map_err(|e| db_error("commit", e))?;
        let (told, outcome) = oneshot::channel();
        let waiting =
            self.writer.waiting.load(Ordering::SeqCst) + self.writer.queued.load(Ordering::SeqCst);
        let alone = self.alone;
        let batch = self.batch();
        batch.savepoint = false;
        batch.joined.push(told);
        let last = alone
            || waiting == 0
            || batch.joined.len() >= MAX_WRITERS
            || batch
                .began
                .is_some_and(|t| t.elapsed() >= self.writer.max_age);
        if last {
            self.finish().await;
        }
        // Leave our turn: the next writer continues the batch (and commits it, or passes it on).
        self.guard = None;
        match outcome.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(why)) => Err(StoreError::backend("commit", std::io::Error::other(why))),
            Err(_) => Err(StoreError::backend(
                "commit",
                std::io::Error::other("the batch holding this write was abandoned"),
            )),
        }
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        // Still holding the turn: not committed (an error, or the request was cancelled). The
        // open savepoint is rolled back by whoever comes next; if nobody waits, by a flush.
        if let Some(guard) = self.guard.take() {
            let open = guard.is_open();
            drop(guard);
            if open {
                self.writer.spawn_flush();
            }
        }
    }
}

#[cfg(test)]
#[path = "group_commit_tests.rs"]
mod tests;
