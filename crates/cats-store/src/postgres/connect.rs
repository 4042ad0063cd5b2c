//! Connecting: pool, timeouts and TLS from [`DbSettings`], migrations; databases for tests.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
use sqlx::{Connection, Executor, PgConnection};

use cats_app::store::StoreError;

use super::{backend, pg, PgStore};
use crate::settings::{DbSettings, TlsMode};

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
        Err(backend(format!(
            "invalid database name {name:?}: use lower-case letters, digits and _"
        )))
    }
}

impl PgStore {
    /// Connect to `url` with the pool, timeout and TLS settings of `settings`, and apply pending
    /// migrations (several instances may start at once: sqlx serialises migrations with an
    /// advisory lock). A `sslmode` (or `sslrootcert`) in the URL wins over `settings`; the
    /// connections are named `cats` in `pg_stat_activity` unless the URL sets `application_name`.
    ///
    /// Errors: the URL is invalid, the server cannot be reached, the database is not UTF8, or a
    /// migration fails.
    pub async fn connect(url: &str, settings: &DbSettings) -> Result<Self, StoreError> {
        let mut options = PgConnectOptions::from_str(url).map_err(backend)?;
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
            .map_err(|e| backend(format!("connecting to {}: {e}", crate::redact(url))))?;
        // Message bodies in Cyrillic, Georgian … must be stored unchanged: a UTF8 database only.
        let encoding: String = sqlx::query_scalar("SELECT current_setting('server_encoding')")
            .fetch_one(&pool)
            .await
            .map_err(pg)?;
        if encoding != "UTF8" {
            return Err(backend(format!(
                "the database's encoding is {encoding}; CATS needs UTF8 \
                 (CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0)"
            )));
        }
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(backend)?;
        Ok(Self { pool })
    }

    /// Create the database `name` (lower-case letters, digits and `_`) on the server of
    /// `admin_url` (a URL of an existing database, e.g. `postgres://postgres@host/postgres`), and
    /// return the URL of the new database. For tests: one fresh database per test.
    pub async fn create_database(admin_url: &str, name: &str) -> Result<String, StoreError> {
        let name = checked_name(name)?;
        let mut conn = PgConnection::connect(admin_url).await.map_err(backend)?;
        conn.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .map_err(backend)?;
        conn.close().await.map_err(backend)?;
        Ok(with_database(admin_url, name))
    }

    /// Drop the database `name` if it exists, closing its connections first.
    pub async fn drop_database(admin_url: &str, name: &str) -> Result<(), StoreError> {
        let name = checked_name(name)?;
        let mut conn = PgConnection::connect(admin_url).await.map_err(backend)?;
        conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await
            .map_err(backend)?;
        conn.close().await.map_err(backend)?;
        Ok(())
    }

    /// Close the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let url = PgStore::create_database(&admin, &name).await.unwrap();
        let probe = |url: String, settings: DbSettings| async move {
            let store = PgStore::connect(&url, &settings).await.unwrap();
            let row: (String, bool) = sqlx::query_as(
                "SELECT current_setting('statement_timeout'),
                        COALESCE((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)",
            )
            .fetch_one(&store.pool)
            .await
            .unwrap();
            let slow = sqlx::query("SELECT pg_sleep(0.3)")
                .execute(&store.pool)
                .await;
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
        PgStore::drop_database(&admin, &name).await.unwrap();
        if let Err(e) = outcome {
            std::panic::resume_unwind(e.into_panic());
        }
    }
}
