//! Movements' declarations: each movement's current CC015C (HMRC JSON shape) in a row of its own
//! (`movement_declarations`, migration 0023), its JSON text compressed ([`crate::codec`]),
//! written when the declaration changes (lodging, amendment, presentation, a record from a peer),
//! not on every customs step (issue 16: a step used to rewrite and re-read about 6 KB of JSON).
//!
//! A row's `version` is the movement's version when the declaration was written; together with
//! the movement id it names one declaration for good, so a [`DeclarationCache`] entry found under
//! it is that declaration on every instance sharing the database.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use hashlink::LruCache;
use serde_json::Value;
use uuid::Uuid;

use cats_app::store::{MovementRecord, StoreError};

use crate::codec;
use crate::sql::{Db, Row, Sql};

/// The movement columns with the declaration's, for `SELECT … FROM` [`MOVEMENTS_JOINED`].
pub(crate) const COLUMNS: &str =
    "m.*, d.version AS declaration_version, d.body AS declaration_compressed,
     d.codec AS declaration_codec";

/// Movements (`m`) with their declarations (`d`; none for a movement stored before migration
/// 0023, whose declaration is still its `declaration` column).
pub(crate) const MOVEMENTS_JOINED: &str =
    "movements m LEFT JOIN movement_declarations d ON d.movement_id = m.id";

/// `SELECT` [`COLUMNS`] `FROM` [`MOVEMENTS_JOINED`]: movements with their declarations, for
/// [`of_row`]; the caller adds its `WHERE` (movement columns as `m.…`) and `ORDER BY`.
pub(crate) fn select_joined() -> String {
    format!("SELECT {COLUMNS} FROM {MOVEMENTS_JOINED}")
}

/// The declarations this process last read or wrote, by movement: up to
/// [`DeclarationCache::CAPACITY`] movements, least recently used first out.
///
/// Used twice per customs step: a read finds the parsed declaration under the row's
/// `(movement id, declaration version)` instead of decompressing and parsing it, and a commit whose
/// record still holds the very `Arc` read (`Arc::ptr_eq`) knows that the declaration did not
/// change and writes nothing for it. A changed declaration is always a new `Arc` (the cache holds
/// a strong reference, so `Arc::make_mut` copies), and a movement not in the cache is written:
/// when in doubt, the declaration is written.
pub(crate) struct DeclarationCache {
    entries: Mutex<LruCache<Uuid, Cached>>,
}

struct Cached {
    version: i64,
    declaration: Arc<Value>,
}

impl DeclarationCache {
    /// Movements kept: enough for the steps in flight under load (`cats bench` carries 32
    /// movements at once). A parsed corridor declaration (6.6 KB of JSON) takes 34 KB of memory,
    /// so about 9 MB in all.
    pub(crate) const CAPACITY: usize = 256;

    pub(crate) fn new() -> Self {
        let capacity = NonZeroUsize::new(Self::CAPACITY).map_or(1, NonZeroUsize::get);
        Self {
            entries: Mutex::new(LruCache::new(capacity)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<Uuid, Cached>> {
        // A panic while holding the lock leaves only a cache: keep using it.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The declaration of `movement` stored at `version`, if this process has it parsed.
    fn get(&self, movement: Uuid, version: i64) -> Option<Arc<Value>> {
        let mut entries = self.lock();
        match entries.get(&movement) {
            Some(c) if c.version == version => Some(c.declaration.clone()),
            _ => None,
        }
    }

    /// Remember that `movement`'s stored declaration, at `version`, is `declaration`.
    pub(crate) fn remember(&self, movement: Uuid, version: i64, declaration: &Arc<Value>) {
        self.lock().insert(
            movement,
            Cached {
                version,
                declaration: declaration.clone(),
            },
        );
    }

    /// Whether `declaration` is the very one stored for `movement` (read or written here).
    fn unchanged(&self, movement: Uuid, declaration: &Arc<Value>) -> bool {
        let mut entries = self.lock();
        entries
            .get(&movement)
            .is_some_and(|c| Arc::ptr_eq(&c.declaration, declaration))
    }
}

/// A row's declaration (the row selected with [`COLUMNS`] from [`MOVEMENTS_JOINED`]): from the
/// cache when given and it has it, else decompressed and parsed (and then remembered).
///
/// Errors: the stored declaration does not decompress or is not JSON (a damaged database).
pub(crate) fn of_row(
    r: &Row,
    movement: Uuid,
    cache: Option<&DeclarationCache>,
) -> Result<Arc<Value>, StoreError> {
    let (Some(version), Some(stored)) = (
        r.opt_int("declaration_version")?,
        r.opt_bytes("declaration_compressed")?,
    ) else {
        // Stored before migration 0023: the JSON text in the movement's own row.
        return Ok(Arc::new(r.json("declaration")?));
    };
    if let Some(found) = cache.and_then(|c| c.get(movement, version)) {
        return Ok(found);
    }
    let declaration: Arc<Value> = Arc::new(
        serde_json::from_str(&codec::decompress(
            &stored,
            r.opt_int("declaration_codec")?,
        )?)
        .map_err(|e| StoreError::corrupt(format!("a stored declaration is not JSON: {e}")))?,
    );
    if let Some(cache) = cache {
        cache.remember(movement, version, &declaration);
    }
    Ok(declaration)
}

/// The declaration of a record about to be committed, compressed, or `None` when the record holds
/// the declaration already stored (see [`DeclarationCache`]). A new movement's is always written.
///
/// Errors: the declaration does not serialise as JSON.
pub(crate) fn to_write(
    rec: &MovementRecord,
    new_movement: bool,
    cache: &DeclarationCache,
) -> Result<Option<Vec<u8>>, StoreError> {
    if !new_movement && cache.unchanged(rec.id, &rec.declaration) {
        return Ok(None);
    }
    compressed(rec).map(Some)
}

/// The record's declaration as stored: its JSON text compressed ([`codec::compress`]).
///
/// Errors: the declaration does not serialise as JSON.
pub(crate) fn compressed(rec: &MovementRecord) -> Result<Vec<u8>, StoreError> {
    let json = serde_json::to_string(rec.declaration.as_ref())
        .map_err(|e| StoreError::backend("writing a declaration as JSON", e))?;
    Ok(codec::compress(&json))
}

/// Store `stored` (compressed with the [`codec::CURRENT`] codec) as the declaration of
/// movement `movement` at its version `version`, replacing the one before.
pub(crate) async fn save(
    db: &mut Db<'_>,
    movement: Uuid,
    version: i64,
    stored: &[u8],
) -> Result<(), StoreError> {
    Sql::new(
        "INSERT INTO movement_declarations (movement_id, version, codec, body)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (movement_id) DO UPDATE
         SET version = excluded.version, codec = excluded.codec, body = excluded.body",
    )
    .bind(movement)
    .bind(version)
    .bind(codec::CURRENT)
    .bind(stored)
    .execute(db)
    .await?;
    Ok(())
}

#[cfg(test)]
#[path = "declarations_tests.rs"]
mod tests;
