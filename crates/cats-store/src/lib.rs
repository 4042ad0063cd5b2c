//! Store implementations of [`cats_app::store::Store`].
//!
//! * [`SqliteStore`]: the embedded default, a single file in the data directory (WAL mode),
//!   created and migrated on first open.
//! * [`PgStore`]: PostgreSQL for production, several application instances on one database.
//!
//! [`open`] picks one from a [`Database`]: a `postgres://` URL, or a SQLite file.

mod postgres;
mod settings;
mod sqlite;

pub use postgres::PgStore;
pub use settings::{DbSettings, TlsMode};
pub use sqlite::SqliteStore;

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
                None => Err(StoreError::Backend(format!(
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
                    .map_err(|e| StoreError::Backend(format!("creating {}: {e}", dir.display())))?;
            }
            Arc::new(SqliteStore::open(path).await?)
        }
        Database::Postgres(url) => Arc::new(PgStore::connect(url, settings).await?),
    })
}

use chrono::{DateTime, SecondsFormat, Utc};

/// A UTC timestamp as stored: RFC 3339 with microseconds and `Z`, so that text order is time order.
pub(crate) fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Parse a stored timestamp.
pub(crate) fn parse_ts(s: &str) -> Result<DateTime<Utc>, cats_app::store::StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| cats_app::store::StoreError::Backend(format!("bad timestamp {s:?}: {e}")))
}

/// Why a reservation on a guarantee in `status`, valid `from` to `to`, is refused on `day`
/// (rule CATS018), or `None` when the guarantee may be used (then it was the amount).
pub(crate) fn refusal(
    grn: &str,
    status: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    day: chrono::NaiveDate,
) -> Option<StoreError> {
    let reason = if status != "active" {
        status.to_string()
    } else if day > to {
        format!("expired on {to}")
    } else if day < from {
        format!("not valid before {from}")
    } else {
        return None;
    };
    Some(StoreError::NotUsable {
        grn: grn.to_string(),
        reason,
    })
}
