//! SQLite: opening the file (WAL mode, `synchronous=FULL`: no acknowledged commit is lost on a
//! power loss, migrations embedded from `migrations/sqlite`) and the
//! online backup. Everything else is shared with PostgreSQL (`crate::sql`).

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use cats_app::store::StoreError;

use crate::direct::Readers;
use crate::group_commit::Writer;
use crate::sql::{Pool, Sql};
use crate::SqlStore;

impl SqlStore {
    /// Open (creating if missing) the SQLite database file `path` and apply pending migrations.
    ///
    /// Errors: the file cannot be created or opened, or a migration fails.
    pub async fn open_sqlite(path: &Path) -> Result<Self, StoreError> {
        let opening =
            |e: sqlx::Error| StoreError::backend(format!("opening {}", path.display()), e);
        let url = format!("sqlite://{}", path.display());
        let options = SqliteConnectOptions::from_str(&url)
            .map_err(opening)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(opening)?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .map_err(|e| StoreError::backend("migrating the SQLite database", e))?;
        let readers = Arc::new(Readers::new(path));
        let store = Self::new(Pool::Sqlite(pool, Writer::new(path)?, readers));
        store.seal_audit_log().await?;
        Ok(store)
    }

    /// A consistent copy of a SQLite database, taken while the node runs, written to `target` (a
    /// new file). Uses SQLite's `VACUUM INTO`, which reads one snapshot of the database.
    ///
    /// Errors: `target` exists, the store is not SQLite, or the copy fails.
    pub async fn backup_to(&self, target: &Path) -> Result<(), StoreError> {
        if target.exists() {
            return Err(StoreError::corrupt(format!(
                "{} exists; a backup never overwrites a file",
                target.display()
            )));
        }
        if !matches!(self.pool, Pool::Sqlite(..)) {
            return Err(StoreError::corrupt(
                "cats db backup copies a SQLite node; back up PostgreSQL with pg_dump",
            ));
        }
        Sql::new("VACUUM INTO $1")
            .bind(target.to_string_lossy().into_owned())
            .execute(&mut self.pool.long())
            .await?;
        Ok(())
    }
}
