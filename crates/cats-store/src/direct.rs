//! SQLite connections driven directly (rusqlite on the same SQLite library as sqlx): the
//! writer's, and the readers' ([`Readers`]).
//!
//! sqlx runs each SQLite statement on a worker thread of the connection and sends the answer
//! back; a write transaction of a dozen statements is a dozen hand-offs between threads, and
//! under load each hand-off waits for a free core (measured with `perf`: about a quarter of the
//! node's cycles went to waking threads). The writer's statements run here instead, on the
//! writer's own thread (`crate::writer_thread`), one call each, with their prepared statements
//! cached. The same [`Sql`] texts and [`Arg`]s as on sqlx: values are stored exactly as sqlx
//! stores them (see `crate::sql`), so either side reads what the other wrote.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::types::{FromSql, Value, ValueRef};
use rusqlite::Connection;

use cats_app::store::StoreError;

use crate::sql::{ts, Arg, Sql};

/// How many prepared statements the writer keeps (every write statement of the node fits).
const STATEMENT_CACHE: usize = 256;

/// Open the writer's connection to the SQLite file at `path`, set up as sqlx sets up the pool's
/// (WAL, `synchronous=FULL`, foreign keys, a 30-second busy timeout).
///
/// Errors: the file cannot be opened or a setting is refused.
pub(crate) fn open(path: &Path) -> Result<Connection, sqlx::Error> {
    let conn = Connection::open(path).map_err(to_sqlx)?;
    conn.busy_timeout(Duration::from_secs(30))
        .map_err(to_sqlx)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
    )
    .map_err(to_sqlx)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

/// Open the writer's connection ([`open`]), with its savepoint journal in memory
/// (`temp_store = MEMORY`).
///
/// Group commit (`crate::group_commit`) runs each writer's work under a savepoint of one open
/// transaction, and SQLite copies every page a savepoint changes, the first time, into a
/// sub-journal. By default that sub-journal spills to a temporary file beyond 64 KiB, which one
/// lodging exceeds: `perf` of `cats bench lodge` found 8 % of the node's CPU in `pwrite` calls to
/// it (issue 16). In memory it holds at most the pages of the writer's open savepoint (it is
/// emptied at each release) and costs a copy, not a system call. The writer runs no sort or
/// temporary table that could grow with the database; readers keep the default.
///
/// Errors: as [`open`].
pub(crate) fn open_writer(path: &Path) -> Result<Connection, sqlx::Error> {
    let conn = open(path)?;
    conn.execute_batch("PRAGMA temp_store = MEMORY;")
        .map_err(to_sqlx)?;
    Ok(conn)
}

/// Run statements without arguments (the writer's `BEGIN`, `SAVEPOINT`, `COMMIT` …).
pub(crate) fn run(conn: &Connection, sql: &str) -> Result<(), sqlx::Error> {
    conn.execute_batch(sql).map_err(to_sqlx)
}

/// The reading connections of a SQLite file, used by the task that reads, on its own thread.
///
/// sqlx runs each statement on a worker thread of its connection and hands the rows back over a
/// channel, and a pooled connection is pinged on its way back to the pool: three or four thread
/// hand-offs for a lookup that SQLite answers from its page cache in microseconds. Measured with
/// `perf` on `cats bench lifecycle --in-process`, sqlx's reading threads and channels took about
/// a third of the node's CPU samples. A reader runs the statement where it is asked, with the
/// connection's prepared statements cached; its result is the same as on sqlx (same texts, same
/// values, same settings as the writer's connection, [`open`]). Statements that can run for
/// long (reports over months, backups) stay on sqlx's worker threads (`crate::sql::Pool::long`)
/// so that they never hold a thread of the runtime, and so do statements that write outside the
/// writer (a session, a failed sign-in), which may wait for SQLite's write lock.
///
/// Idle connections are kept for reuse; one is opened when every kept one is in use, so there
/// are never more than there are threads reading at once.
pub(crate) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    /// Readers of the SQLite file at `path` (no connection is opened before the first read).
    pub(crate) fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Run `f` on an idle connection (opened if none is idle), then keep the connection.
    ///
    /// Errors: the connection cannot be opened, or `f`'s own.
    pub(crate) fn run<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, sqlx::Error>,
    ) -> Result<T, sqlx::Error> {
        let kept = self.lock().pop();
        let conn = match kept {
            Some(conn) => conn,
            None => open(&self.path)?,
        };
        let out = f(&conn);
        // A connection left inside a transaction (a statement failed half-way through a
        // `BEGIN` of its own) is not kept: its next reader would read an old snapshot.
        if conn.is_autocommit() {
            self.lock().push(conn);
        }
        out
    }

    /// Close every idle connection (before the pool checkpoints the log at closing).
    pub(crate) fn close(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        // A panic while the lock was held left only a list of connections, which stays valid.
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A row read on a direct connection: its column names (shared by the rows of one statement)
/// and values.
pub(crate) struct DirectRow {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl DirectRow {
    /// The value of `col`, decoded as `T` (as sqlx decodes the same SQLite value).
    pub(crate) fn get<T: FromSql>(&self, col: &str) -> Result<T, StoreError> {
        let value = self.value(col)?;
        T::column_result(ValueRef::from(value))
            .map_err(|e| StoreError::backend(format!("reading column {col}"), e))
    }

    /// The text of `col`, borrowed.
    pub(crate) fn str(&self, col: &str) -> Result<&str, StoreError> {
        match self.value(col)? {
            Value::Text(s) => Ok(s),
            other => Err(StoreError::corrupt(format!(
                "column {col} is {:?}, not text",
                other.data_type()
            ))),
        }
    }

    /// The bytes of `col`, borrowed, or `None` for NULL.
    ///
    /// Errors: a value that is neither a `BLOB` nor NULL.
    pub(crate) fn opt_blob(&self, col: &str) -> Result<Option<&[u8]>, StoreError> {
        match self.value(col)? {
            Value::Blob(b) => Ok(Some(b)),
            Value::Null => Ok(None),
            other => Err(StoreError::corrupt(format!(
                "column {col} is {:?}, not bytes",
                other.data_type()
            ))),
        }
    }

    fn value(&self, col: &str) -> Result<&Value, StoreError> {
        self.columns
            .iter()
            .position(|c| c == col)
            .map(|i| &self.values[i])
            .ok_or_else(|| StoreError::corrupt(format!("no column {col} in the row")))
    }
}

/// The value bound for an [`Arg`], as sqlx's SQLite driver binds it.
fn value(arg: &Arg<'_>) -> Value {
    let text = |s: Option<String>| s.map_or(Value::Null, Value::Text);
    match arg {
        Arg::Text(v) => text(v.as_deref().map(str::to_string)),
        Arg::Int(v) => v.map_or(Value::Null, Value::Integer),
        Arg::Int4(v) => Value::Integer(i64::from(*v)),
        Arg::Bool(v) => Value::Integer(i64::from(*v)),
        Arg::Id(v) => v.map_or(Value::Null, |u| Value::Blob(u.as_bytes().to_vec())),
        Arg::Time(v) => text(v.map(ts)),
        Arg::Date(v) => text(v.map(|d| d.format("%F").to_string())),
        Arg::Bytes(v) => Value::Blob(Cow::as_ref(v).to_vec()),
        Arg::Json(v) => Value::Text(v.clone()),
    }
}

/// Prepare `sql` (cached) and bind its values: `$n` takes the n-th value, as many times as it
/// appears.
fn bound<'c>(
    conn: &'c Connection,
    sql: &Sql<'_>,
) -> Result<rusqlite::CachedStatement<'c>, sqlx::Error> {
    let mut stmt = conn.prepare_cached(sql.text()).map_err(to_sqlx)?;
    for i in 1..=stmt.parameter_count() {
        let n = stmt
            .parameter_name(i)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(i);
        let arg = sql.args().get(n - 1).ok_or_else(|| {
            sqlx::Error::Protocol(format!("no value for placeholder ${n} of {}", sql.text()))
        })?;
        stmt.raw_bind_parameter(i, value(arg)).map_err(to_sqlx)?;
    }
    Ok(stmt)
}

/// Run `sql`; the number of rows changed.
pub(crate) fn execute(conn: &Connection, sql: &Sql<'_>) -> Result<u64, sqlx::Error> {
    let mut stmt = bound(conn, sql)?;
    let mut rows = stmt.raw_query();
    while rows.next().map_err(to_sqlx)?.is_some() {}
    Ok(conn.changes())
}

/// Every row `sql` returns (at most `limit`).
pub(crate) fn fetch(
    conn: &Connection,
    sql: &Sql<'_>,
    limit: usize,
) -> Result<Vec<DirectRow>, sqlx::Error> {
    rows(bound(conn, sql)?, limit)
}

/// Every row `sql` returns (at most `limit`), or `None` without running it when it writes (an
/// `UPDATE … RETURNING`): a reader does not wait for SQLite's write lock on the caller's thread.
pub(crate) fn fetch_read_only(
    conn: &Connection,
    sql: &Sql<'_>,
    limit: usize,
) -> Result<Option<Vec<DirectRow>>, sqlx::Error> {
    let stmt = bound(conn, sql)?;
    if !stmt.readonly() {
        return Ok(None);
    }
    rows(stmt, limit).map(Some)
}

fn rows(
    mut stmt: rusqlite::CachedStatement<'_>,
    limit: usize,
) -> Result<Vec<DirectRow>, sqlx::Error> {
    let columns: Arc<[String]> = stmt.column_names().into_iter().map(String::from).collect();
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(to_sqlx)? {
        if out.len() == limit {
            continue;
        }
        let values = (0..columns.len())
            .map(|i| row.get::<_, Value>(i))
            .collect::<Result<_, _>>()
            .map_err(to_sqlx)?;
        out.push(DirectRow {
            columns: Arc::clone(&columns),
            values,
        });
    }
    Ok(out)
}

/// A rusqlite error as sqlx reports a database error, so that `crate::sql::db_error` and
/// `crate::sql::unique_violation` read both drivers' errors the same way.
pub(crate) fn to_sqlx(e: rusqlite::Error) -> sqlx::Error {
    match e {
        rusqlite::Error::SqliteFailure(code, message) => {
            sqlx::Error::Database(Box::new(DirectError {
                extended: code.extended_code,
                message: message.unwrap_or_else(|| code.to_string()),
            }))
        }
        other => sqlx::Error::Protocol(other.to_string()),
    }
}

/// A SQLite error from the writer's connection: its extended result code and message.
#[derive(Debug)]
pub(crate) struct DirectError {
    extended: i32,
    message: String,
}

impl std::fmt::Display for DirectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "(code: {}) {}", self.extended, self.message)
    }
}

impl std::error::Error for DirectError {}

impl sqlx::error::DatabaseError for DirectError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(self.extended.to_string().into())
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        use rusqlite::ffi;
        use sqlx::error::ErrorKind;
        match self.extended {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                ErrorKind::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}

#[cfg(test)]
#[path = "direct_tests.rs"]
mod tests;
