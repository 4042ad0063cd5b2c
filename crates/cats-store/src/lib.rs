//! Store implementations of [`cats_app::store::Store`].
//!
//! * [`SqliteStore`]: the embedded default, a single file in the data directory (WAL mode),
//!   created and migrated on first open.

mod sqlite;

pub use sqlite::SqliteStore;

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
