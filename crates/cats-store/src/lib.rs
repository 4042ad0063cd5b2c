//! The store of [`cats_app::store::Store`]: one implementation, [`SqlStore`], over two databases.
//!
//! * SQLite: the embedded default, a single file in the data directory (WAL mode), created and
//!   migrated on first open ([`SqlStore::open_sqlite`]).
//! * PostgreSQL: production, several application instances on one database
//!   ([`SqlStore::connect_postgres`]).
//!
//! Every statement is written once (module `sql`, the dialect layer, says how values are stored
//! on each backend); the modules `sqlite` and `postgres` hold only what really differs: opening,
//! migrations (each backend its own, with native types), SQLite's online backup, PostgreSQL's
//! `FOR UPDATE SKIP LOCKED` and bulk inserts. [`open`] picks the backend from a [`Database`]:
//! a `postgres://` URL, or a SQLite file.

#![warn(missing_docs)]

mod accounts;
mod bench;
#[cfg(test)]
#[path = "binary_ids_tests.rs"]
mod binary_ids_tests;
mod codec;
mod controls;
mod declarations;
mod direct;
mod drafts;
mod group_commit;
mod history;
mod ice;
mod ledger;
mod movements;
mod notification_row;
mod notify;
mod notify_snapshot;
mod parties;
#[cfg(test)]
#[path = "plans_tests.rs"]
mod plans_tests;
mod postgres;
mod reference;
mod registry;
mod registry_read;
mod reports;
mod risk;
mod security;
mod settings;
mod snapshot;
mod sql;
mod sql_row;
mod sqlite;
mod store;
mod support;
mod unmatched;
mod writer_thread;

pub use bench::{Ceiling, Sampled};
pub use settings::{DbSettings, TlsMode};
pub use store::SqlStore;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cats_app::store::{Store, StoreError};

/// File name of the SQLite database in a data directory.
pub const SQLITE_FILE: &str = "cats.db";

/// Which database a node uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file (the embedded default: `DATA_DIR/cats.db`).
    Sqlite(PathBuf),
    /// A PostgreSQL URL, `postgres://user@host:5432/db`.
    Postgres(String),
}

impl Database {
    /// The database named by `url`, or the SQLite file in `data_dir` when no URL is given.
    /// `postgres://…` and `postgresql://…` are PostgreSQL; `sqlite://PATH` (or `sqlite:PATH`) is a
    /// SQLite file. Errors: any other scheme.
    pub fn from_url(url: Option<&str>, data_dir: &Path) -> Result<Self, StoreError> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(Self::Sqlite(data_dir.join(SQLITE_FILE))),
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                Ok(Self::Postgres(u.to_string()))
            }
            Some(u) => match u
                .strip_prefix("sqlite://")
                .or_else(|| u.strip_prefix("sqlite:"))
            {
                Some(path) => Ok(Self::Sqlite(PathBuf::from(path))),
                None => Err(StoreError::corrupt(format!(
                    "unsupported database URL {u:?}: use postgres://… or sqlite://PATH"
                ))),
            },
        }
    }

    /// A description without the password, for logs.
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite(p) => format!("SQLite {}", p.display()),
            Self::Postgres(url) => format!("PostgreSQL {}", redact(url)),
        }
    }
}

/// `url` with any password replaced by `***`.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Open (creating and migrating as needed) the store of `database`.
pub async fn open(
    database: &Database,
    settings: &DbSettings,
) -> Result<Arc<dyn Store>, StoreError> {
    Ok(match database {
        Database::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError::backend(format!("creating {}", dir.display()), e))?;
            }
            Arc::new(SqlStore::open_sqlite(path).await?)
        }
        Database::Postgres(url) => Arc::new(SqlStore::connect_postgres(url, settings).await?),
    })
}
