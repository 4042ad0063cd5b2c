//! The dialect layer: one SQL text per statement for SQLite and PostgreSQL.
//!
//! Statements are written once with PostgreSQL's numbered placeholders (`$1`, `$2`, … a number may
//! repeat), which sqlx's SQLite driver takes too, and with SQL both dialects read the same way
//! (`TRUE`, `ON CONFLICT … DO UPDATE`, `RETURNING`, `COALESCE`). What differs is how values are
//! stored, and that is this module's job:
//!
//! | value | SQLite column | PostgreSQL column |
//! |---|---|---|
//! | [`Uuid`] | its 16 bytes, a `BLOB` in a `TEXT` column (migration 0026; hyphenated text before) | `UUID` |
//! | [`DateTime<Utc>`] | `TEXT`, RFC 3339 with microseconds and `Z` (text order is time order) | `TIMESTAMPTZ`, truncated to microseconds |
//! | [`NaiveDate`] | `TEXT` `YYYY-MM-DD` | `DATE` |
//! | `bool` | `INTEGER` 0/1 | `BOOLEAN` |
//! | JSON | `TEXT` | `JSONB` (risk profiles) |
//!
//! A statement is a [`Sql`]: text plus [`Arg`]s, run on a [`Db`] (a pool, or the connection of a
//! [`Tx`]); rows come back as [`Row`]s whose getters decode each backend's representation into
//! the same Rust value. Where the dialects really differ (`FOR UPDATE SKIP LOCKED`, bulk inserts
//! with `UNNEST`, isolation levels), the caller matches on [`Db::backend`].

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, SecondsFormat, Timelike, Utc};
use sqlx::postgres::{PgArguments, PgConnection, PgPool, Postgres};
use sqlx::query::Query;
use sqlx::sqlite::{Sqlite, SqliteArguments, SqliteConnection, SqlitePool};
use uuid::Uuid;

use cats_app::store::StoreError;

use crate::direct::Readers;
use crate::group_commit::{WriteTx, Writer};
pub(crate) use crate::sql_row::Row;
use cats_domain::ids::{CountryCode, CurrencyCode, Eori, Grn, Lrn, Mrn, NodeId, OfficeRef};

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    /// SQLite (one file, one writer at a time).
    Sqlite,
    /// PostgreSQL (several processes).
    Postgres,
}

/// A connection pool of either backend. SQLite writes go through a [`Writer`], which lets one
/// writer in at a time (so that a write transaction never has to upgrade a read lock, which
/// SQLite refuses with `SQLITE_BUSY`) and commits concurrent writers together
/// (`crate::group_commit`); PostgreSQL needs neither. SQLite reads run on direct connections
/// ([`Readers`]), except long ones ([`Pool::long`]).
#[derive(Clone)]
pub(crate) enum Pool {
    /// SQLite, with its writer and its readers.
    Sqlite(SqlitePool, Writer, Arc<Readers>),
    /// PostgreSQL.
    Postgres(PgPool),
}

impl Pool {
    /// The pool as something to run statements on (reads, and writes that need no lock). On
    /// SQLite a statement runs on the calling thread, so it should be one that an index answers
    /// (a lookup, a page of a list); use [`Pool::long`] for one that reads a large part of a
    /// table.
    pub(crate) fn db(&self) -> Db<'_> {
        match self {
            Self::Sqlite(p, _, readers) => Db::Reader(readers, p),
            Self::Postgres(p) => Db::PgPool(p),
        }
    }

    /// The pool for statements that may run for long (reports over months, backups): on SQLite
    /// they run on sqlx's worker threads, never holding a thread of the runtime.
    pub(crate) fn long(&self) -> Db<'_> {
        match self {
            Self::Sqlite(p, _, _) => Db::SqlitePool(p),
            Self::Postgres(p) => Db::PgPool(p),
        }
    }

    /// Begin a write transaction. On SQLite it joins the writers' current batch and its
    /// [`Tx::commit`] returns once a commit holding it is durable (group commit).
    pub(crate) async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Self::Sqlite(_, writer, _) => Tx::SqliteWrite(writer.begin(false).await?),
            Self::Postgres(p) => Tx::Postgres(p.begin().await.map_err(|e| db_error("begin", e))?),
        })
    }

    /// Run `job`, a whole write transaction (it begins with [`Pool::begin`] on the pool it is
    /// given and ends with [`Tx::commit`]): on SQLite on the writer's own thread
    /// (`crate::writer_thread`), on PostgreSQL here.
    ///
    /// Errors: the job's own, or the job panicked.
    pub(crate) async fn write<T, F, Fut>(&self, job: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(Pool) -> Fut,
        Fut: std::future::Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        match self {
            Self::Sqlite(_, writer, _) => writer.run(job(self.clone())).await,
            Self::Postgres(_) => job(self.clone()).await,
        }
    }

    /// Begin a write transaction that commits by itself, one disk sync of its own on SQLite
    /// (what `cats bench ceiling` measures).
    pub(crate) async fn begin_alone(&self) -> Result<Tx, StoreError> {
        match self {
            Self::Sqlite(_, writer, _) => Ok(Tx::SqliteWrite(writer.begin(true).await?)),
            Self::Postgres(_) => self.begin().await,
        }
    }

    /// Begin a read transaction: one consistent snapshot for several statements (SQLite's WAL
    /// read transaction; PostgreSQL REPEATABLE READ, READ ONLY). Takes no writer lock.
    pub(crate) async fn begin_read(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Self::Sqlite(p, _, _) => {
                Tx::SqliteRead(p.begin().await.map_err(|e| db_error("begin", e))?)
            }
            Self::Postgres(p) => {
                let mut tx = p.begin().await.map_err(|e| db_error("begin", e))?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| db_error("begin", e))?;
                Tx::Postgres(tx)
            }
        })
    }

    #[cfg(test)]
    /// How many commits the SQLite writer has made (each batch counts once); `None` on
    /// PostgreSQL.
    pub(crate) fn sqlite_commits(&self) -> Option<usize> {
        match self {
            Self::Sqlite(_, writer, _) => Some(writer.commits()),
            Self::Postgres(_) => None,
        }
    }

    /// Close every connection (SQLite checkpoints its WAL).
    pub(crate) async fn close(&self) {
        match self {
            Self::Sqlite(p, writer, readers) => {
                writer.close().await;
                readers.close();
                p.close().await;
            }
            Self::Postgres(p) => p.close().await,
        }
    }
}

/// A transaction of either backend. Dropped without [`Tx::commit`], it rolls back.
pub(crate) enum Tx {
    /// A SQLite write transaction (a writer's turn in a batch).
    SqliteWrite(WriteTx),
    /// A SQLite read transaction.
    SqliteRead(sqlx::Transaction<'static, Sqlite>),
    /// PostgreSQL.
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    /// The transaction's connection, to run statements on.
    pub(crate) fn db(&mut self) -> Db<'_> {
        match self {
            Self::SqliteWrite(tx) => Db::Direct(tx.conn()),
            Self::SqliteRead(tx) => Db::Sqlite(tx),
            Self::Postgres(tx) => Db::Pg(tx),
        }
    }

    /// Commit (on SQLite, a write transaction returns once its batch's commit is durable).
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Self::SqliteWrite(tx) => tx.commit().await,
            Self::SqliteRead(tx) => tx.commit().await.map_err(|e| db_error("commit", e)),
            Self::Postgres(tx) => tx.commit().await.map_err(|e| db_error("commit", e)),
        }
    }
}

/// Where a statement runs: a pool, or one connection (of a transaction).
pub(crate) enum Db<'a> {
    /// Any connection of a SQLite pool.
    SqlitePool(&'a SqlitePool),
    /// One SQLite connection.
    Sqlite(&'a mut SqliteConnection),
    /// Any connection of a PostgreSQL pool.
    PgPool(&'a PgPool),
    /// One PostgreSQL connection.
    Pg(&'a mut PgConnection),
    /// The SQLite writer's own connection (`crate::direct`).
    Direct(&'a mut rusqlite::Connection),
    /// Any of the SQLite readers' direct connections, on the calling thread, for statements
    /// that only read; the pool, for those that write.
    Reader(&'a Readers, &'a SqlitePool),
}

impl Db<'_> {
    /// Which backend.
    pub(crate) fn backend(&self) -> Backend {
        match self {
            Self::SqlitePool(_) | Self::Sqlite(_) | Self::Direct(_) | Self::Reader(..) => {
                Backend::Sqlite
            }
            Self::PgPool(_) | Self::Pg(_) => Backend::Postgres,
        }
    }
}

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
pub(crate) enum Arg<'q> {
    /// `TEXT` (or NULL).
    Text(Option<Cow<'q, str>>),
    /// 64-bit integer (or NULL).
    Int(Option<i64>),
    /// 32-bit integer (`INTEGER` on PostgreSQL: years, control record numbers).
    Int4(i32),
    /// Flag.
    Bool(bool),
    /// UUID (or NULL).
    Id(Option<Uuid>),
    /// Timestamp (or NULL).
    Time(Option<DateTime<Utc>>),
    /// Calendar day (or NULL).
    Date(Option<NaiveDate>),
    /// Bytes (`BLOB`, `BYTEA`).
    Bytes(Cow<'q, [u8]>),
    /// A JSON document (`TEXT` on SQLite, `JSONB` on PostgreSQL).
    Json(String),
}

macro_rules! arg_from {
    ($($t:ty => |$v:ident| $e:expr;)*) => {
        $(impl<'q> From<$t> for Arg<'q> {
            fn from($v: $t) -> Self {
                $e
            }
        })*
    };
}

arg_from! {
    &'q str => |v| Arg::Text(Some(Cow::Borrowed(v)));
    &'q String => |v| Arg::Text(Some(Cow::Borrowed(v.as_str())));
    String => |v| Arg::Text(Some(Cow::Owned(v)));
    Option<&'q str> => |v| Arg::Text(v.map(Cow::Borrowed));
    Option<String> => |v| Arg::Text(v.map(Cow::Owned));
    &'q Option<String> => |v| Arg::Text(v.as_deref().map(Cow::Borrowed));
    i64 => |v| Arg::Int(Some(v));
    Option<i64> => |v| Arg::Int(v);
    i32 => |v| Arg::Int4(v);
    bool => |v| Arg::Bool(v);
    Uuid => |v| Arg::Id(Some(v));
    Option<Uuid> => |v| Arg::Id(v);
    DateTime<Utc> => |v| Arg::Time(Some(v));
    Option<DateTime<Utc>> => |v| Arg::Time(v);
    NaiveDate => |v| Arg::Date(Some(v));
    Option<NaiveDate> => |v| Arg::Date(v);
    &'q [u8] => |v| Arg::Bytes(Cow::Borrowed(v));
    &'q Vec<u8> => |v| Arg::Bytes(Cow::Borrowed(v.as_slice()));
}

/// Identifiers are stored as their text (`TEXT` columns on both backends).
macro_rules! arg_from_identifier {
    ($($t:ty),*) => {
        $(
            impl<'q> From<&'q $t> for Arg<'q> {
                fn from(v: &'q $t) -> Self {
                    Arg::Text(Some(Cow::Borrowed(v.as_str())))
                }
            }

            impl<'q> From<&'q Option<$t>> for Arg<'q> {
                fn from(v: &'q Option<$t>) -> Self {
                    Arg::Text(v.as_ref().map(|x| Cow::Borrowed(x.as_str())))
                }
            }

            impl<'q> From<Option<&'q $t>> for Arg<'q> {
                fn from(v: Option<&'q $t>) -> Self {
                    Arg::Text(v.map(|x| Cow::Borrowed(x.as_str())))
                }
            }
        )*
    };
}

arg_from_identifier!(
    Eori,
    Grn,
    Lrn,
    Mrn,
    NodeId,
    OfficeRef,
    CountryCode,
    CurrencyCode
);

impl<'q> From<CountryCode> for Arg<'q> {
    fn from(v: CountryCode) -> Self {
        Arg::Text(Some(Cow::Borrowed(v.as_str())))
    }
}

impl<'q> From<CurrencyCode> for Arg<'q> {
    fn from(v: CurrencyCode) -> Self {
        Arg::Text(Some(Cow::Borrowed(v.as_str())))
    }
}

/// A UTC timestamp as SQLite stores it: RFC 3339 with microseconds and `Z`, so that text order is
/// time order.
pub(crate) fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// `at` truncated to whole microseconds, the precision of `TIMESTAMPTZ` (and of SQLite's text):
/// truncation, not rounding, on both backends, also before 2000.
pub(crate) fn micros(at: DateTime<Utc>) -> DateTime<Utc> {
    at.with_nanosecond(at.nanosecond() / 1_000 * 1_000)
        .unwrap_or(at)
}

/// Parse a timestamp stored by SQLite.
pub(crate) fn parse_ts(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| StoreError::backend(format!("stored timestamp {s:?}"), e))
}

/// A statement: its text and the values of its placeholders, in order.
#[derive(Debug, Clone)]
pub(crate) struct Sql<'q> {
    text: Cow<'q, str>,
    args: Vec<Arg<'q>>,
}

impl<'q> Sql<'q> {
    /// The same statement asked for its query plan (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on
    /// PostgreSQL), with the same values.
    #[cfg(test)]
    pub(crate) fn explained(self, backend: Backend) -> Self {
        let verb = match backend {
            Backend::Sqlite => "EXPLAIN QUERY PLAN",
            Backend::Postgres => "EXPLAIN",
        };
        Self {
            text: format!("{verb} {}", self.text).into(),
            args: self.args,
        }
    }

    /// The statement's text.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The values of its placeholders, in order.
    pub(crate) fn args(&self) -> &[Arg<'q>] {
        &self.args
    }

    /// A statement with placeholders `$1`, `$2` … for the values [`Sql::bind`] adds in order.
    pub(crate) fn new(text: impl Into<Cow<'q, str>>) -> Self {
        Self {
            text: text.into(),
            args: Vec::new(),
        }
    }

    /// Add the value of the next placeholder.
    pub(crate) fn bind(mut self, value: impl Into<Arg<'q>>) -> Self {
        self.args.push(value.into());
        self
    }

    /// Append `prefix` and a new placeholder for `value` (for conditions built at run time):
    /// `.and(" AND holder = ", h)` appends ` AND holder = $n`.
    pub(crate) fn and(&mut self, prefix: &str, value: impl Into<Arg<'q>>) -> &mut Self {
        self.args.push(value.into());
        let text = self.text.to_mut();
        text.push_str(prefix);
        text.push('$');
        text.push_str(&self.args.len().to_string());
        self
    }

    /// Append plain SQL text.
    pub(crate) fn push(&mut self, sql: &str) -> &mut Self {
        self.text.to_mut().push_str(sql);
        self
    }

    fn sqlite(&self) -> Query<'_, Sqlite, SqliteArguments<'_>> {
        let mut q = sqlx::query(&self.text);
        for a in &self.args {
            q = match a {
                Arg::Text(v) => q.bind(v.as_deref()),
                Arg::Int(v) => q.bind(*v),
                Arg::Int4(v) => q.bind(*v),
                Arg::Bool(v) => q.bind(*v),
                Arg::Id(v) => q.bind(*v),
                Arg::Time(v) => q.bind(v.map(ts)),
                Arg::Date(v) => q.bind(*v),
                Arg::Bytes(v) => q.bind(v.as_ref()),
                Arg::Json(v) => q.bind(v.as_str()),
            };
        }
        q
    }

    fn postgres(&self) -> Result<Query<'_, Postgres, PgArguments>, StoreError> {
        let mut q = sqlx::query(&self.text);
        for a in &self.args {
            q = match a {
                Arg::Text(v) => q.bind(v.as_deref()),
                Arg::Int(v) => q.bind(*v),
                Arg::Int4(v) => q.bind(*v),
                Arg::Bool(v) => q.bind(*v),
                Arg::Id(v) => q.bind(*v),
                Arg::Time(v) => q.bind(v.map(micros)),
                Arg::Date(v) => q.bind(*v),
                Arg::Bytes(v) => q.bind(v.as_ref()),
                Arg::Json(v) => {
                    let doc: serde_json::Value = serde_json::from_str(v)
                        .map_err(|e| StoreError::backend("a JSON document to store", e))?;
                    q.bind(sqlx::types::Json(doc))
                }
            };
        }
        Ok(q)
    }

    /// Run it; the number of rows changed. The driver's error is returned as is, for callers
    /// that tell constraint violations apart ([`unique_violation`]).
    pub(crate) async fn execute_raw(&self, db: &mut Db<'_>) -> Result<u64, sqlx::Error> {
        Ok(match db {
            Db::SqlitePool(p) | Db::Reader(_, p) => {
                self.sqlite().execute(*p).await?.rows_affected()
            }
            Db::Sqlite(c) => self.sqlite().execute(&mut **c).await?.rows_affected(),
            Db::PgPool(p) => self.pg_query()?.execute(*p).await?.rows_affected(),
            Db::Pg(c) => self.pg_query()?.execute(&mut **c).await?.rows_affected(),
            Db::Direct(c) => crate::direct::execute(c, self)?,
        })
    }

    fn pg_query(&self) -> Result<Query<'_, Postgres, PgArguments>, sqlx::Error> {
        self.postgres()
            .map_err(|e| sqlx::Error::Encode(Box::new(e)))
    }

    /// Run it; the number of rows changed.
    pub(crate) async fn execute(&self, db: &mut Db<'_>) -> Result<u64, StoreError> {
        self.execute_raw(db)
            .await
            .map_err(|e| db_error(&self.text, e))
    }

    /// Every row it returns.
    pub(crate) async fn fetch_all(&self, db: &mut Db<'_>) -> Result<Vec<Row>, StoreError> {
        let rows = match db {
            Db::SqlitePool(p) => self.sqlite().fetch_all(*p).await.map(Row::sqlite),
            Db::Sqlite(c) => self.sqlite().fetch_all(&mut **c).await.map(Row::sqlite),
            Db::PgPool(p) => match self.pg_query() {
                Ok(q) => q.fetch_all(*p).await.map(Row::postgres),
                Err(e) => Err(e),
            },
            Db::Pg(c) => match self.pg_query() {
                Ok(q) => q.fetch_all(&mut **c).await.map(Row::postgres),
                Err(e) => Err(e),
            },
            Db::Direct(c) => crate::direct::fetch(c, self, usize::MAX)
                .map(|rows| rows.into_iter().map(Row::Direct).collect()),
            Db::Reader(r, p) => {
                match r.run(|c| crate::direct::fetch_read_only(c, self, usize::MAX)) {
                    Ok(Some(rows)) => Ok(rows.into_iter().map(Row::Direct).collect()),
                    Ok(None) => self.sqlite().fetch_all(*p).await.map(Row::sqlite),
                    Err(e) => Err(e),
                }
            }
        };
        rows.map_err(|e| db_error(&self.text, e))
    }

    /// The first row it returns, if any.
    pub(crate) async fn fetch_optional(&self, db: &mut Db<'_>) -> Result<Option<Row>, StoreError> {
        let row = match db {
            Db::SqlitePool(p) => self
                .sqlite()
                .fetch_optional(*p)
                .await
                .map(|r| r.map(Row::Sqlite)),
            Db::Sqlite(c) => self
                .sqlite()
                .fetch_optional(&mut **c)
                .await
                .map(|r| r.map(Row::Sqlite)),
            Db::PgPool(p) => match self.pg_query() {
                Ok(q) => q.fetch_optional(*p).await.map(|r| r.map(Row::Postgres)),
                Err(e) => Err(e),
            },
            Db::Pg(c) => match self.pg_query() {
                Ok(q) => q
                    .fetch_optional(&mut **c)
                    .await
                    .map(|r| r.map(Row::Postgres)),
                Err(e) => Err(e),
            },
            Db::Direct(c) => crate::direct::fetch(c, self, 1)
                .map(|rows| rows.into_iter().next().map(Row::Direct)),
            Db::Reader(r, p) => match r.run(|c| crate::direct::fetch_read_only(c, self, 1)) {
                Ok(Some(rows)) => Ok(rows.into_iter().next().map(Row::Direct)),
                Ok(None) => self
                    .sqlite()
                    .fetch_optional(*p)
                    .await
                    .map(|r| r.map(Row::Sqlite)),
                Err(e) => Err(e),
            },
        };
        row.map_err(|e| db_error(&self.text, e))
    }

    /// The one row it returns. Errors: no row.
    pub(crate) async fn fetch_one(&self, db: &mut Db<'_>) -> Result<Row, StoreError> {
        self.fetch_optional(db).await?.ok_or_else(|| {
            StoreError::backend(
                format!("no row from {}", first_line(&self.text)),
                sqlx::Error::RowNotFound,
            )
        })
    }
}

fn first_line(sql: &str) -> &str {
    sql.trim().lines().next().unwrap_or_default()
}

/// A database error as a store error: serialization failures and deadlocks on PostgreSQL
/// (SQLSTATE 40001, 40P01) are [`StoreError::Conflict`] (the use case loads again and retries);
/// anything else is [`StoreError::Backend`], with the statement's first line as context.
pub(crate) fn db_error(sql: &str, e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        if matches!(db.code().as_deref(), Some("40001") | Some("40P01")) {
            return StoreError::Conflict;
        }
    }
    StoreError::backend(first_line(sql).to_string(), e)
}

/// Whether `e` violates a unique constraint: the one named `constraint` on PostgreSQL, or one
/// whose SQLite message names `column` (SQLite names the columns, not the index); any unique
/// constraint when both are `None`.
pub(crate) fn unique_violation(e: &sqlx::Error, constraint: Option<(&str, &str)>) -> bool {
    let sqlx::Error::Database(db) = e else {
        return false;
    };
    if !db.is_unique_violation() {
        return false;
    }
    match constraint {
        None => true,
        Some((pg_name, sqlite_column)) => {
            db.constraint() == Some(pg_name) || db.message().contains(sqlite_column)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micros_truncate() {
        let at = DateTime::parse_from_rfc3339("1999-12-31T23:59:59.123456789Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(micros(at).nanosecond(), 123_456_000);
        assert_eq!(ts(at), "1999-12-31T23:59:59.123456Z");
        assert_eq!(parse_ts(&ts(at)).unwrap(), micros(at));
    }

    #[test]
    fn conditions_number_their_placeholders() {
        let mut q = Sql::new("SELECT * FROM t WHERE TRUE").bind(1i64);
        q.and(" AND a = ", "x")
            .and(" AND b >= ", 2i64)
            .push(" ORDER BY a");
        assert_eq!(
            q.text,
            "SELECT * FROM t WHERE TRUE AND a = $2 AND b >= $3 ORDER BY a"
        );
        assert_eq!(q.args.len(), 3);
    }
}
