//! The SQLite writer's own thread: write transactions run there, not among the requests.
//!
//! A SQLite write transaction holds the writer's turn (`crate::group_commit`) from its first
//! statement to its commit, and every statement is a round trip to sqlx's worker thread of the
//! connection. On the node's shared runtime each answer waits until a worker thread is free of
//! other requests (parsing a declaration, answering HTTP), so under load the turn is held mostly
//! by waiting: measured with `perf`, the SQLite writer's connection thread was busy about a
//! fifth of the time while lodgings queued for the turn. Here a write transaction runs as a task
//! of a single-threaded runtime on a thread that does nothing else, so it continues as soon as
//! each statement's answer arrives. PostgreSQL writes run where they are called (its server
//! takes concurrent writers).

use std::future::Future;

use tokio::runtime::Handle;
use tokio::sync::oneshot;

use cats_app::store::StoreError;

/// The writer's thread and its runtime. Dropped (with the last clone of the writer), the thread
/// ends once its tasks are done; every task it runs holds a clone of the writer, so none is cut
/// short.
pub(crate) struct WriterThread {
    handle: Handle,
    _stop: oneshot::Sender<()>,
}

impl WriterThread {
    /// Start the thread (named `cats-sqlite-writer`).
    ///
    /// Errors: the runtime or the thread cannot be created (out of memory or threads).
    pub(crate) fn start() -> Result<Self, StoreError> {
        let failed =
            |e: std::io::Error| StoreError::backend("starting the SQLite writer thread", e);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(failed)?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("cats-sqlite-writer".into())
            .spawn(move || {
                runtime.block_on(async {
                    let _ = stopped.await;
                });
            })
            .map_err(failed)?;
        Ok(Self {
            handle,
            _stop: stop,
        })
    }

    /// Run `job` (a whole write transaction, from its begin to its commit) on the thread and
    /// return its outcome. The job runs to its end even if the caller stops waiting, so a
    /// transaction is never cut off between two statements.
    ///
    /// Errors: the job's own, or the job panicked.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        job: impl Future<Output = Result<T, StoreError>> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.handle
            .spawn(job)
            .await
            .map_err(|e| StoreError::backend("a write on the SQLite writer thread", e))?
    }
}
