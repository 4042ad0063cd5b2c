//! PostgreSQL: connecting (pool, timeouts and TLS from [`DbSettings`], migrations embedded from
//! `migrations/postgres`), databases for tests, and the bulk inserts that only PostgreSQL has
//! (`UNNEST` of arrays: a restore or a catalogue import of thousands of rows takes a few
//! statements, not one round trip per row). Everything else is shared with SQLite
//! (`crate::sql`).
//!
//! Every guarantee the store gives holds across processes, from the database alone, under the
//! default READ COMMITTED isolation: versioned updates of movements and register records, the
//! conditional reservation `UPDATE`, MRN and GRN serials by `INSERT … ON CONFLICT DO UPDATE …
//! RETURNING`, overdue movements claimed `FOR UPDATE SKIP LOCKED`; serialization failures and
//! deadlocks (SQLSTATE 40001, 40P01) become `Conflict`, so use cases retry. Ids are `UUID`,
//! timestamps `TIMESTAMPTZ` (UTC, microseconds), money `BIGINT` minor units, JSON and message
//! bodies `TEXT` kept byte for byte.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
use sqlx::{Connection, Executor, PgConnection};
use uuid::Uuid;

use cats_app::store::{AuditEntry, MovementRecord, StoreError, StoredMessage};

use crate::codec;
use crate::declarations;
use crate::settings::{DbSettings, TlsMode};
use crate::sql::{db_error, micros, Db, Pool};
use crate::SqlStore;

fn pg(e: sqlx::Error) -> StoreError {
    db_error("PostgreSQL", e)
}

fn ssl_mode(mode: TlsMode) -> PgSslMode {
    match mode {
        TlsMode::Disable => PgSslMode::Disable,
        TlsMode::Prefer => PgSslMode::Prefer,
        TlsMode::Require => PgSslMode::Require,
        TlsMode::VerifyCa => PgSslMode::VerifyCa,
        TlsMode::VerifyFull => PgSslMode::VerifyFull,
    }
}

/// Whether the URL's query string sets one of `names`.
fn url_sets(url: &str, names: &[&str]) -> bool {
    url.split_once('?').is_some_and(|(_, query)| {
        query
            .split('&')
            .any(|kv| names.contains(&kv.split('=').next().unwrap_or("")))
    })
}

/// `url` with its database name replaced by `name` (query string kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// A database name safe to put in SQL unquoted: `[a-z_][a-z0-9_]*`, at most 63 bytes.
fn checked_name(name: &str) -> Result<&str, StoreError> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(name)
    } else {
        Err(StoreError::corrupt(format!(
            "invalid database name {name:?}: use lower-case letters, digits and _"
        )))
    }
}

impl SqlStore {
    /// Connect to the PostgreSQL database at `url` with the pool, timeout and TLS settings of `settings`, and apply pending
    /// migrations (several instances may start at once: sqlx serialises migrations with an
    /// advisory lock). A `sslmode` (or `sslrootcert`) in the URL wins over `settings`; the
    /// connections are named `cats` in `pg_stat_activity` unless the URL sets `application_name`.
    ///
    /// Errors: the URL is invalid, the server cannot be reached, the database is not UTF8, or a
    /// migration fails.
    pub async fn connect_postgres(url: &str, settings: &DbSettings) -> Result<Self, StoreError> {
        let mut options = PgConnectOptions::from_str(url).map_err(|e| {
            StoreError::backend(format!("the database URL {}", crate::redact(url)), e)
        })?;
        if !url_sets(url, &["sslmode", "ssl-mode"]) {
            options = options.ssl_mode(ssl_mode(settings.tls_mode));
        }
        if let Some(cert) = &settings.tls_root_cert {
            if !url_sets(url, &["sslrootcert", "ssl-root-cert", "ssl-ca"]) {
                options = options.ssl_root_cert(cert);
            }
        }
        if !url_sets(url, &["application_name"]) {
            options = options.application_name("cats");
        }
        let statement_timeout_ms = settings.statement_timeout_ms;
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections.max(1))
            .min_connections(settings.min_connections.min(settings.max_connections))
            .acquire_timeout(settings.acquire_timeout())
            .idle_timeout((settings.idle_timeout_secs > 0).then(|| settings.idle_timeout()))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    // 0 disables the limit, as in PostgreSQL.
                    let sql = format!("SET statement_timeout = {statement_timeout_ms}");
                    conn.execute(sql.as_str()).await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| StoreError::backend(format!("connecting to {}", crate::redact(url)), e))?;
        // Message bodies in Cyrillic, Georgian … must be stored unchanged: a UTF8 database only.
        let encoding: String = sqlx::query_scalar("SELECT current_setting('server_encoding')")
            .fetch_one(&pool)
            .await
            .map_err(pg)?;
        if encoding != "UTF8" {
            return Err(StoreError::corrupt(format!(
                "the database's encoding is {encoding}; CATS needs UTF8 \
                 (CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0)"
            )));
        }
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(|e| StoreError::backend("migrating the PostgreSQL database", e))?;
        let store = Self::new(Pool::Postgres(pool));
        store.seal_audit_log().await?;
        Ok(store)
    }

    /// Create the database `name` (lower-case letters, digits and `_`) on the server of
    /// `admin_url` (a URL of an existing database, e.g. `postgres://postgres@host/postgres`), and
    /// return the URL of the new database. For tests: one fresh database per test.
    pub async fn create_database(admin_url: &str, name: &str) -> Result<String, StoreError> {
        let name = checked_name(name)?;
        let mut conn = PgConnection::connect(admin_url).await.map_err(pg)?;
        conn.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .map_err(pg)?;
        conn.close().await.map_err(pg)?;
        Ok(with_database(admin_url, name))
    }

    /// Drop the database `name` if it exists, closing its connections first.
    pub async fn drop_database(admin_url: &str, name: &str) -> Result<(), StoreError> {
        let name = checked_name(name)?;
        let mut conn = PgConnection::connect(admin_url).await.map_err(pg)?;
        conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await
            .map_err(pg)?;
        conn.close().await.map_err(pg)?;
        Ok(())
    }
}

/// The connection behind `db` (a PostgreSQL pool's or transaction's), as sqlx's executor.
macro_rules! on_pg {
    ($db:expr, $query:expr) => {
        match $db {
            Db::Pg(c) => $query.execute(&mut **c).await,
            Db::PgPool(p) => $query.execute(*p).await,
            _ => unreachable!("a PostgreSQL bulk insert on SQLite"),
        }
        .map_err(pg)
    };
}

/// Rows per batched insert, and about the most bytes of one batch.
const BATCH_ROWS: usize = 1_000;
const BATCH_BYTES: usize = 8 << 20;
/// An estimate of the bytes of one movement row (projection and declaration).
const MOVEMENT_BYTES: usize = 16 << 10;

/// `items` in consecutive slices of at most [`BATCH_ROWS`] rows and about [`BATCH_BYTES`] bytes.
fn batches<T>(items: &[T], bytes: impl Fn(&T) -> usize) -> Vec<&[T]> {
    let mut out = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, item) in items.iter().enumerate() {
        if i > start && (i - start >= BATCH_ROWS || size >= BATCH_BYTES) {
            out.push(&items[start..i]);
            (start, size) = (i, 0);
        }
        size += bytes(item);
    }
    if start < items.len() {
        out.push(&items[start..]);
    }
    out
}

/// Upsert offices `[reference, country, data]` and reference facts `[kind, code, data]` in
/// batches of 2,000 (each list holds one row per key).
pub(crate) async fn upsert_reference(
    db: &mut Db<'_>,
    offices: &[[String; 3]],
    facts: &[[String; 3]],
) -> Result<(), StoreError> {
    let statements = [
        (
            "INSERT INTO offices (reference, country, data)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[])
             ON CONFLICT (reference) DO UPDATE SET country = EXCLUDED.country, data = EXCLUDED.data",
            offices,
        ),
        (
            "INSERT INTO reference_facts (kind, code, data)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[])
             ON CONFLICT (kind, code) DO UPDATE SET data = EXCLUDED.data",
            facts,
        ),
    ];
    for (sql, rows) in statements {
        for chunk in rows.chunks(2_000) {
            let column = |i: usize| chunk.iter().map(|r| r[i].as_str()).collect::<Vec<_>>();
            let q = sqlx::query(sql)
                .bind(column(0))
                .bind(column(1))
                .bind(column(2));
            on_pg!(db, q)?;
        }
    }
    Ok(())
}

/// Insert movement rows in batches (restore).
pub(crate) async fn insert_movements(
    db: &mut Db<'_>,
    recs: &[MovementRecord],
) -> Result<(), StoreError> {
    let json = |e| StoreError::backend("writing a movement as JSON", e);
    for chunk in batches(recs, |_| MOVEMENT_BYTES) {
        let mut cols = MovementColumns::default();
        for rec in chunk {
            let m = &rec.movement;
            cols.id.push(rec.id);
            cols.version.push(rec.version);
            cols.lrn.push(m.lrn.as_str());
            cols.mrn.push(m.mrn.as_ref().map(|m| m.as_str()));
            cols.holder.push(m.holder.as_str());
            cols.state.push(m.state.as_str());
            cols.live.push(m.state.is_live() && m.home.is_none());
            cols.departure.push(m.office_of_departure.as_str());
            cols.destination.push(m.office_of_destination.as_str());
            cols.offices.push(crate::ledger::joined(
                &m.offices().into_iter().collect::<Vec<_>>(),
            ));
            cols.time_limit.push(m.time_limit.map(micros));
            cols.created_at.push(micros(rec.created_at));
            cols.updated_at.push(micros(rec.updated_at));
            cols.projection
                .push(codec::compress(&serde_json::to_string(m).map_err(json)?));
            cols.declaration.push(declarations::compressed(rec)?);
        }
        let q = sqlx::query(
            "INSERT INTO movements (id, version, lrn, mrn, holder, state, live, office_of_departure,
               office_of_destination, offices, time_limit, created_at, updated_at,
               projection_compressed, projection_codec, projection, declaration)
             SELECT *, $15, '', '' FROM UNNEST($1::uuid[], $2::int8[], $3::text[], $4::text[],
               $5::text[], $6::text[], $7::bool[], $8::text[], $9::text[], $10::text[],
               $11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::bytea[])",
        )
        .bind(cols.id.clone())
        .bind(cols.version.clone())
        .bind(cols.lrn)
        .bind(cols.mrn)
        .bind(cols.holder)
        .bind(cols.state)
        .bind(cols.live)
        .bind(cols.departure)
        .bind(cols.destination)
        .bind(cols.offices)
        .bind(cols.time_limit)
        .bind(cols.created_at)
        .bind(cols.updated_at)
        .bind(cols.projection)
        .bind(codec::CURRENT);
        on_pg!(db, q)?;
        let q = sqlx::query(
            "INSERT INTO movement_declarations (movement_id, version, body, codec)
             SELECT *, $4 FROM UNNEST($1::uuid[], $2::int8[], $3::bytea[])",
        )
        .bind(cols.id)
        .bind(cols.version)
        .bind(cols.declaration)
        .bind(codec::CURRENT);
        on_pg!(db, q)?;
    }
    Ok(())
}

#[derive(Default)]
struct MovementColumns<'a> {
    id: Vec<Uuid>,
    version: Vec<i64>,
    lrn: Vec<&'a str>,
    mrn: Vec<Option<&'a str>>,
    holder: Vec<&'a str>,
    state: Vec<&'a str>,
    live: Vec<bool>,
    departure: Vec<&'a str>,
    destination: Vec<&'a str>,
    offices: Vec<String>,
    time_limit: Vec<Option<DateTime<Utc>>>,
    created_at: Vec<DateTime<Utc>>,
    updated_at: Vec<DateTime<Utc>>,
    /// Compressed ([`codec::compress`]).
    projection: Vec<Vec<u8>>,
    /// Compressed ([`declarations::compressed`]), for `movement_declarations`.
    declaration: Vec<Vec<u8>>,
}

/// Insert messages in batches (restore).
pub(crate) async fn insert_messages(
    db: &mut Db<'_>,
    msgs: &[StoredMessage],
) -> Result<(), StoreError> {
    for chunk in batches(msgs, |m| m.body.len()) {
        let column = |f: fn(&StoredMessage) -> &str| chunk.iter().map(f).collect::<Vec<_>>();
        let stored: Vec<Vec<u8>> = chunk.iter().map(|m| codec::compress(&m.body)).collect();
        let q = sqlx::query(
            "INSERT INTO messages (id, movement_id, seq, message_type, direction, content_type,
               body, received, body_compressed, body_codec)
             SELECT id, movement_id, seq, message_type, direction, content_type, '', received,
               body_compressed, $9
             FROM UNNEST($1::uuid[], $2::uuid[], $3::int8[], $4::text[], $5::text[],
               $6::text[], $7::timestamptz[], $8::bytea[])
               AS u(id, movement_id, seq, message_type, direction, content_type, received,
                 body_compressed)",
        )
        .bind(chunk.iter().map(|m| m.id).collect::<Vec<_>>())
        .bind(chunk.iter().map(|m| m.movement_id).collect::<Vec<_>>())
        .bind(chunk.iter().map(|m| m.seq).collect::<Vec<_>>())
        .bind(column(|m| &m.message_type))
        .bind(column(|m| m.direction.as_str()))
        .bind(column(|m| &m.content_type))
        .bind(chunk.iter().map(|m| micros(m.received)).collect::<Vec<_>>())
        .bind(stored)
        .bind(codec::CURRENT);
        on_pg!(db, q)?;
    }
    Ok(())
}

/// Insert audit entries in batches, in their order (the `BIGSERIAL` ids follow it).
pub(crate) async fn insert_audit_entries(
    db: &mut Db<'_>,
    entries: &[AuditEntry],
) -> Result<(), StoreError> {
    for chunk in batches(entries, |a| a.detail.len()) {
        let column = |f: fn(&AuditEntry) -> &str| chunk.iter().map(f).collect::<Vec<_>>();
        let q = sqlx::query(
            "INSERT INTO audit_log (at, actor, action, movement_id, detail)
             SELECT at, actor, action, movement_id, detail
             FROM UNNEST($1::timestamptz[], $2::text[], $3::text[], $4::uuid[], $5::text[])
                  WITH ORDINALITY AS u(at, actor, action, movement_id, detail, n)
             ORDER BY n",
        )
        .bind(chunk.iter().map(|a| micros(a.at)).collect::<Vec<_>>())
        .bind(column(|a| &a.actor))
        .bind(column(|a| &a.action))
        .bind(chunk.iter().map(|a| a.movement_id).collect::<Vec<_>>())
        .bind(column(|a| &a.detail));
        on_pg!(db, q)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_split_by_rows_and_bytes() {
        let rows: Vec<usize> = vec![1; 2_500];
        let sizes: Vec<usize> = batches(&rows, |_| 1).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [1_000, 1_000, 500]);
        let big = vec![5 << 20; 3];
        let sizes: Vec<usize> = batches(&big, |b| *b).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [2, 1]);
        assert!(batches(&Vec::<usize>::new(), |_| 1).is_empty());
    }

    #[test]
    fn database_urls() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "cats_t1"),
            "postgres://postgres@127.0.0.1:5432/cats_t1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "x"),
            "postgres://h:5432/x"
        );
        assert!(url_sets(
            "postgres://h/db?a=1&sslmode=require",
            &["sslmode"]
        ));
        assert!(!url_sets("postgres://h/sslmode", &["sslmode"]));
        assert!(checked_name("cats_test_0a").is_ok());
        assert!(checked_name("x; DROP").is_err());
        assert!(checked_name("Upper").is_err());
    }

    /// Pool settings reach the connections: statement timeout, TLS mode, and the URL's
    /// `sslmode` winning over the settings. Needs `CATS_TEST_DATABASE_URL`.
    #[tokio::test]
    async fn connection_settings() {
        let Some(admin) = std::env::var("CATS_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            eprintln!("SKIPPED PostgreSQL: CATS_TEST_DATABASE_URL is not set");
            return;
        };
        let name = format!("cats_test_{}", uuid::Uuid::new_v4().simple());
        let url = SqlStore::create_database(&admin, &name).await.unwrap();
        let probe = |url: String, settings: DbSettings| async move {
            let store = SqlStore::connect_postgres(&url, &settings).await.unwrap();
            let Pool::Postgres(pool) = &store.pool else {
                unreachable!()
            };
            let row: (String, bool) = sqlx::query_as(
                "SELECT current_setting('statement_timeout'),
                        COALESCE((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)",
            )
            .fetch_one(pool)
            .await
            .unwrap();
            let slow = sqlx::query("SELECT pg_sleep(0.3)").execute(pool).await;
            store.close().await;
            (row, slow.is_ok())
        };
        let outcome = tokio::spawn(async move {
            let tight = DbSettings {
                statement_timeout_ms: 100,
                tls_mode: TlsMode::Disable,
                ..DbSettings::default()
            };
            assert_eq!(
                probe(url.clone(), tight).await,
                (("100ms".into(), false), false)
            );
            let unlimited = DbSettings {
                statement_timeout_ms: 0,
                tls_mode: TlsMode::Require,
                ..DbSettings::default()
            };
            // The server of the test suite offers TLS; `require` uses it.
            let server_tls: bool = {
                let mut c = PgConnection::connect(&url).await.unwrap();
                sqlx::query_scalar("SELECT current_setting('ssl') = 'on'")
                    .fetch_one(&mut c)
                    .await
                    .unwrap()
            };
            if server_tls {
                assert_eq!(
                    probe(url.clone(), unlimited.clone()).await,
                    (("0".into(), true), true)
                );
            }
            // A sslmode in the URL wins over the settings.
            let disabled = format!("{url}?sslmode=disable");
            assert_eq!(
                probe(disabled, unlimited).await,
                (("0".into(), false), true)
            );
        })
        .await;
        SqlStore::drop_database(&admin, &name).await.unwrap();
        if let Err(e) = outcome {
            std::panic::resume_unwind(e.into_panic());
        }
    }
}
