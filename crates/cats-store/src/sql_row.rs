//! Rows of either backend (`crate::sql`): one getter per stored type that decodes each
//! backend's representation of it (see the table in `crate::sql`) into the same Rust value.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::Row as _;
use uuid::Uuid;

use cats_app::store::StoreError;
use cats_domain::ids::IdError;

use crate::sql::parse_ts;

/// A row of either backend, with getters that decode each backend's representation.
pub(crate) enum Row {
    /// From SQLite.
    Sqlite(SqliteRow),
    /// From PostgreSQL.
    Postgres(PgRow),
    /// From the SQLite writer's own connection.
    Direct(crate::direct::DirectRow),
}

fn decode_error(col: &str, e: sqlx::Error) -> StoreError {
    StoreError::backend(format!("reading column {col}"), e)
}

macro_rules! same_type {
    ($row:expr, $col:expr, $t:ty) => {
        match $row {
            Row::Sqlite(r) => r.try_get::<$t, _>($col).map_err(|e| decode_error($col, e)),
            Row::Postgres(r) => r.try_get::<$t, _>($col).map_err(|e| decode_error($col, e)),
            Row::Direct(r) => r.get::<$t>($col),
        }
    };
}

impl Row {
    /// sqlx's SQLite rows as rows.
    pub(crate) fn sqlite(rows: Vec<SqliteRow>) -> Vec<Row> {
        rows.into_iter().map(Row::Sqlite).collect()
    }

    /// sqlx's PostgreSQL rows as rows.
    pub(crate) fn postgres(rows: Vec<PgRow>) -> Vec<Row> {
        rows.into_iter().map(Row::Postgres).collect()
    }

    /// A `TEXT` column.
    pub(crate) fn text(&self, col: &str) -> Result<String, StoreError> {
        same_type!(self, col, String)
    }

    /// A nullable `TEXT` column.
    pub(crate) fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
        same_type!(self, col, Option<String>)
    }

    /// A 64-bit integer column.
    pub(crate) fn int(&self, col: &str) -> Result<i64, StoreError> {
        same_type!(self, col, i64)
    }

    /// A nullable 64-bit integer column.
    pub(crate) fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError> {
        same_type!(self, col, Option<i64>)
    }

    /// A 32-bit integer column (`INTEGER` on PostgreSQL).
    pub(crate) fn int4(&self, col: &str) -> Result<i32, StoreError> {
        same_type!(self, col, i32)
    }

    /// A flag.
    pub(crate) fn flag(&self, col: &str) -> Result<bool, StoreError> {
        same_type!(self, col, bool)
    }

    /// Bytes.
    pub(crate) fn bytes(&self, col: &str) -> Result<Vec<u8>, StoreError> {
        same_type!(self, col, Vec<u8>)
    }

    /// Nullable bytes.
    pub(crate) fn opt_bytes(&self, col: &str) -> Result<Option<Vec<u8>>, StoreError> {
        same_type!(self, col, Option<Vec<u8>>)
    }

    /// A calendar day.
    pub(crate) fn date(&self, col: &str) -> Result<NaiveDate, StoreError> {
        same_type!(self, col, NaiveDate)
    }

    /// A nullable calendar day.
    pub(crate) fn opt_date(&self, col: &str) -> Result<Option<NaiveDate>, StoreError> {
        same_type!(self, col, Option<NaiveDate>)
    }

    /// A UUID.
    pub(crate) fn id(&self, col: &str) -> Result<Uuid, StoreError> {
        self.opt_id(col)?
            .ok_or_else(|| StoreError::corrupt(format!("column {col} is NULL")))
    }

    /// A nullable UUID: on SQLite its 16 bytes (migration 0026), on PostgreSQL a `UUID`.
    ///
    /// Errors: a SQLite value of any other shape (text written before migration 0026 that it
    /// could not convert) is reported with its column, never read as some other id.
    pub(crate) fn opt_id(&self, col: &str) -> Result<Option<Uuid>, StoreError> {
        let id = |b: &[u8]| {
            Uuid::from_slice(b).map_err(|_| {
                StoreError::corrupt(format!(
                    "stored id in {col} is {} bytes, not the 16 of a UUID",
                    b.len()
                ))
            })
        };
        match self {
            Row::Sqlite(r) => r
                .try_get::<Option<&[u8]>, _>(col)
                .map_err(|e| decode_error(col, e))?
                .map(id)
                .transpose(),
            Row::Direct(r) => r.opt_blob(col)?.map(id).transpose(),
            Row::Postgres(r) => r.try_get(col).map_err(|e| decode_error(col, e)),
        }
    }

    /// A timestamp.
    pub(crate) fn time(&self, col: &str) -> Result<DateTime<Utc>, StoreError> {
        self.opt_time(col)?
            .ok_or_else(|| StoreError::corrupt(format!("column {col} is NULL")))
    }

    /// A nullable timestamp.
    pub(crate) fn opt_time(&self, col: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        match self {
            Row::Sqlite(_) | Row::Direct(_) => {
                self.opt_text(col)?.as_deref().map(parse_ts).transpose()
            }
            Row::Postgres(r) => r.try_get(col).map_err(|e| decode_error(col, e)),
        }
    }

    /// A JSON document (`TEXT` on SQLite, `TEXT` or `JSONB` on PostgreSQL), parsed as `T`.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(&self, col: &str) -> Result<T, StoreError> {
        let parsed = match self {
            Row::Sqlite(r) => serde_json::from_str(
                r.try_get::<&str, _>(col)
                    .map_err(|e| decode_error(col, e))?,
            ),
            Row::Direct(r) => serde_json::from_str(r.str(col)?),
            Row::Postgres(r) => match r.try_get::<&str, _>(col) {
                Ok(text) => serde_json::from_str(text),
                Err(_) => {
                    let sqlx::types::Json(doc) = r
                        .try_get::<sqlx::types::Json<serde_json::Value>, _>(col)
                        .map_err(|e| decode_error(col, e))?;
                    serde_json::from_value(doc)
                }
            },
        };
        parsed.map_err(|e| StoreError::backend(format!("stored JSON in {col}"), e))
    }

    /// An identifier column (`Eori::parse`, `Grn::parse` …): a value the domain refuses is a
    /// corrupt row.
    pub(crate) fn ident<T>(
        &self,
        col: &str,
        parse: fn(&str) -> Result<T, IdError>,
    ) -> Result<T, StoreError> {
        self.parsed(col, parse)
    }

    /// A nullable identifier column.
    pub(crate) fn opt_ident<T>(
        &self,
        col: &str,
        parse: fn(&str) -> Result<T, IdError>,
    ) -> Result<Option<T>, StoreError> {
        self.opt_text(col)?
            .map(|text| {
                parse(&text).map_err(|e| StoreError::corrupt(format!("stored {col} {text:?}: {e}")))
            })
            .transpose()
    }

    /// A space-separated list of identifiers (`countries`).
    pub(crate) fn ident_list<T>(
        &self,
        col: &str,
        parse: fn(&str) -> Result<T, IdError>,
    ) -> Result<Vec<T>, StoreError> {
        self.text(col)?
            .split_whitespace()
            .map(|x| {
                parse(x).map_err(|e| StoreError::corrupt(format!("stored {col} entry {x:?}: {e}")))
            })
            .collect()
    }

    /// A text column parsed with `parse` (a status, a role, an identifier): a value the domain
    /// refuses is a corrupt row.
    pub(crate) fn parsed<T, E: std::fmt::Display>(
        &self,
        col: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, StoreError> {
        let text = self.text(col)?;
        parse(&text).map_err(|e| StoreError::corrupt(format!("stored {col} {text:?}: {e}")))
    }
}
