//! Movements: the projection rows, their changes (one [`Change`] per transaction), MRN and GRN
//! serials, and the claims of overdue movements.
//!
//! A movement is updated `WHERE id = $ AND version = $` (no row → [`StoreError::Conflict`]). The
//! insert, or that update, locks the movement's row until commit, so the writers of one movement
//! are serialised from there on and the `seq` of its new messages (max + 1) is theirs alone.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use cats_app::store::{Change, MovementFilter, MovementRecord, StoreError, StoredMessage};
use cats_domain::ids::{Eori, Lrn};
use cats_domain::movement::{Movement, MovementState};

use crate::codec;
use crate::declarations::{self, DeclarationCache};
use crate::history::{insert_audit, insert_compressed};
use crate::sql::{unique_violation, Arg, Backend, Db, Row, Sql};
use crate::{controls, ledger};

/// The partial unique index on live movements' `(holder, lrn)`, and the column SQLite names
/// when it is violated.
const LIVE_LRN: (&str, &str) = ("movements_live_lrn", "lrn");

/// A movement read with [`declarations::COLUMNS`] from [`declarations::MOVEMENTS_JOINED`]; its
/// declaration from `cache` when given and it has it.
pub(crate) fn record_from_row(
    r: &Row,
    cache: Option<&DeclarationCache>,
) -> Result<MovementRecord, StoreError> {
    let id = r.id("id")?;
    Ok(MovementRecord {
        id,
        version: r.int("version")?,
        movement: projection_of(r)?,
        declaration: declarations::of_row(r, id, cache)?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

/// A row's projection: `projection_compressed` read as its `projection_codec` says, or the
/// `projection` text of a movement not changed since migration 0023.
///
/// Errors: the stored projection does not decompress or is not a movement's JSON.
pub(crate) fn projection_of(r: &Row) -> Result<Movement, StoreError> {
    let Some(stored) = r.opt_bytes("projection_compressed")? else {
        return r.json("projection");
    };
    let text = codec::decompress(&stored, r.opt_int("projection_codec")?)?;
    serde_json::from_str(&text)
        .map_err(|e| StoreError::corrupt(format!("a stored projection does not read: {e}")))
}

/// The columns derived from a record: its projection compressed ([`codec::compress`]) and the
/// space-separated offices.
pub(crate) struct Derived {
    projection: Vec<u8>,
    offices: String,
}

/// The columns derived from a record (its compressed projection and offices).
///
/// Errors: the record does not serialise as JSON.
pub(crate) fn derive(rec: &MovementRecord) -> Result<Derived, StoreError> {
    let m = &rec.movement;
    let json = |e| StoreError::backend("writing a movement as JSON", e);
    Ok(Derived {
        projection: codec::compress(&serde_json::to_string(m).map_err(json)?),
        offices: crate::ledger::joined(&m.offices().into_iter().collect::<Vec<_>>()),
    })
}

/// Insert a new movement row with its declaration (a restore, `cats bench fill`); the driver's
/// error is returned as is (a duplicate live LRN).
pub(crate) async fn insert_movement(
    db: &mut Db<'_>,
    rec: &MovementRecord,
) -> Result<Result<u64, sqlx::Error>, StoreError> {
    let inserted = insert_derived(db, rec, derive(rec)?).await?;
    if inserted.is_ok() {
        declarations::save(db, rec.id, rec.version, &declarations::compressed(rec)?).await?;
    }
    Ok(inserted)
}

/// [`insert_movement`] with the derived columns computed beforehand.
async fn insert_derived(
    db: &mut Db<'_>,
    rec: &MovementRecord,
    d: Derived,
) -> Result<Result<u64, sqlx::Error>, StoreError> {
    let m = &rec.movement;
    Ok(Sql::new(
        "INSERT INTO movements (id, version, lrn, mrn, holder, state, live,
           office_of_departure, office_of_destination, offices, time_limit, created_at,
           updated_at, projection, projection_compressed, projection_codec, declaration)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, '', $14, $15, '')",
    )
    .bind(rec.id)
    .bind(rec.version)
    .bind(&m.lrn)
    .bind(&m.mrn)
    .bind(&m.holder)
    .bind(m.state.as_str())
    .bind(m.state.is_live() && m.home.is_none())
    .bind(&m.office_of_departure)
    .bind(&m.office_of_destination)
    .bind(d.offices)
    .bind(m.time_limit.filter(|_| m.home.is_none()))
    .bind(rec.created_at)
    .bind(rec.updated_at)
    .bind(d.projection.as_slice())
    .bind(codec::CURRENT)
    .execute_raw(db)
    .await)
}

/// Update a movement currently at version `expected`; no row affected means it changed. Its
/// `declaration` column is emptied: a movement stored before migration 0023 has its declaration
/// written to `movement_declarations` by the same change (it was not in the cache).
async fn update_movement(
    db: &mut Db<'_>,
    rec: &MovementRecord,
    expected: i64,
    d: Derived,
) -> Result<Result<u64, sqlx::Error>, StoreError> {
    let m = &rec.movement;
    Ok(Sql::new(
        "UPDATE movements SET version = $1, lrn = $2, mrn = $3, state = $4, live = $5,
           office_of_destination = $6, offices = $7, time_limit = $8, updated_at = $9,
           projection = '', projection_compressed = $10, projection_codec = $11,
           declaration = ''
         WHERE id = $12 AND version = $13",
    )
    .bind(rec.version)
    .bind(&m.lrn)
    .bind(&m.mrn)
    .bind(m.state.as_str())
    .bind(m.state.is_live() && m.home.is_none())
    .bind(&m.office_of_destination)
    .bind(d.offices)
    .bind(m.time_limit.filter(|_| m.home.is_none()))
    .bind(rec.updated_at)
    .bind(d.projection.as_slice())
    .bind(codec::CURRENT)
    .bind(rec.id)
    .bind(expected)
    .execute_raw(db)
    .await)
}

/// A [`Change`] with what its rows need computed beforehand: the movement's JSON columns, its
/// compressed declaration when it changed, and each new message's compressed body. Prepared outside
/// the SQLite writer's turn, so that the turn only runs statements.
pub(crate) struct Prepared {
    change: Change,
    derived: Derived,
    declaration: Option<Vec<u8>>,
    bodies: Vec<Vec<u8>>,
}

impl Prepared {
    /// The movement and the declaration it stores once committed, when the change writes one:
    /// what to tell the [`DeclarationCache`] after the commit.
    pub(crate) fn declaration_written(&self) -> Option<(Uuid, i64, Arc<Value>)> {
        let rec = &self.change.record;
        self.declaration
            .as_ref()
            .map(|_| (rec.id, rec.version, rec.declaration.clone()))
    }
}

/// Prepare a change for [`commit`]; `cache` tells whether its declaration changed.
///
/// Errors: the movement does not serialise as JSON.
pub(crate) fn prepare(change: Change, cache: &DeclarationCache) -> Result<Prepared, StoreError> {
    let derived = derive(&change.record)?;
    let new_movement = change.expected_version.is_none();
    let declaration = declarations::to_write(&change.record, new_movement, cache)?;
    let bodies = change
        .messages
        .iter()
        .map(|m| codec::compress(&m.body))
        .collect();
    Ok(Prepared {
        change,
        derived,
        declaration,
        bodies,
    })
}

/// Commit one change: the projection (inserted, or updated at its expected version), the new
/// messages, the ledger operations, the control attachments and the audit entries. Run in one
/// transaction by the caller.
pub(crate) async fn commit(db: &mut Db<'_>, prepared: Prepared) -> Result<(), StoreError> {
    let Prepared {
        change,
        derived,
        declaration,
        bodies,
    } = prepared;
    let rec = &change.record;
    let m = &rec.movement;
    let result = match change.expected_version {
        None => insert_derived(db, rec, derived).await?,
        Some(expected) => update_movement(db, rec, expected, derived).await?,
    };
    match result {
        Err(e) if unique_violation(&e, Some(LIVE_LRN)) => {
            return Err(StoreError::DuplicateLrn {
                holder: m.holder.clone(),
                lrn: m.lrn.clone(),
            })
        }
        Err(e) => return Err(crate::sql::db_error("INSERT/UPDATE movements", e)),
        Ok(0) => return Err(StoreError::Conflict),
        Ok(_) => {}
    }
    if let Some(stored) = &declaration {
        declarations::save(db, rec.id, rec.version, stored).await?;
    }
    if !change.messages.is_empty() {
        let mut seq =
            Sql::new("SELECT COALESCE(MAX(seq), 0) AS last FROM messages WHERE movement_id = $1")
                .bind(rec.id)
                .fetch_one(db)
                .await?
                .int("last")?;
        for (msg, body) in change.messages.iter().zip(&bodies) {
            seq += 1;
            let stored = StoredMessage {
                id: msg.id,
                movement_id: rec.id,
                seq,
                message_type: msg.message_type.clone(),
                direction: msg.direction,
                content_type: msg.content_type.clone(),
                body: String::new(),
                received: msg.received,
            };
            insert_compressed(db, &stored, body).await?;
        }
    }
    let actor = change.audit.first().map_or("system", |a| a.actor.as_str());
    for op in &change.ledger {
        ledger::apply(db, op, rec.id, m.mrn.as_ref(), rec.updated_at, actor).await?;
    }
    for a in &change.attachments {
        controls::insert_attachment(db, a).await?;
    }
    for a in &change.audit {
        insert_audit(db, a).await?;
    }
    crate::ice::enqueue(db, &change.ice_out).await?;
    for n in &change.notifications {
        crate::registry::insert_notification(db, n).await?;
    }
    if let Some(inbound) = &change.ice_in {
        crate::ice::insert_inbound(db, inbound).await?;
    }
    Ok(())
}

/// Which serial: MRNs per office and year, GRNs per country and year.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Serial {
    /// `mrn_serials (office, year)`.
    Mrn,
    /// `grn_serials (country, year)`.
    Grn,
}

/// The next serial (1, 2, 3 …; never reused) of `key` in `year`.
pub(crate) async fn next_serial(
    db: &mut Db<'_>,
    serial: Serial,
    key: &str,
    year: i32,
) -> Result<u64, StoreError> {
    let sql = match serial {
        Serial::Mrn => {
            "INSERT INTO mrn_serials (office, year, last) VALUES ($1, $2, 1)
             ON CONFLICT (office, year) DO UPDATE SET last = mrn_serials.last + 1
             RETURNING last"
        }
        Serial::Grn => {
            "INSERT INTO grn_serials (country, year, last) VALUES ($1, $2, 1)
             ON CONFLICT (country, year) DO UPDATE SET last = grn_serials.last + 1
             RETURNING last"
        }
    };
    let last = Sql::new(sql)
        .bind(key)
        .bind(year)
        .fetch_one(db)
        .await?
        .int("last")?;
    u64::try_from(last).map_err(|e| StoreError::backend("a serial", e))
}

/// The statement of [`lrn_in_use`] (it must match the partial index `movements_live_lrn`).
pub(crate) const LRN_IN_USE: &str =
    "SELECT 1 AS one FROM movements WHERE holder = $1 AND lrn = $2 AND live = TRUE";

/// Whether the holder has a live movement with this LRN.
pub(crate) async fn lrn_in_use(
    db: &mut Db<'_>,
    holder: &Eori,
    lrn: &Lrn,
) -> Result<bool, StoreError> {
    Ok(Sql::new(LRN_IN_USE)
        .bind(holder)
        .bind(lrn)
        .fetch_optional(db)
        .await?
        .is_some())
}

/// The movement whose `column` (`id` or `mrn`) is `key`, its declaration through `cache`.
pub(crate) async fn movement(
    db: &mut Db<'_>,
    column: &'static str,
    key: Arg<'_>,
    cache: &DeclarationCache,
) -> Result<Option<MovementRecord>, StoreError> {
    Sql::new(format!(
        "{} WHERE m.{column} = $1",
        declarations::select_joined()
    ))
    .bind(key)
    .fetch_optional(db)
    .await?
    .as_ref()
    .map(|r| record_from_row(r, Some(cache)))
    .transpose()
}

/// Movements matching the filter, most recently updated first, and how many match in all (at
/// most [`MovementFilter::COUNT_LIMIT`] + 1, which means "more than the limit"), without their
/// declarations (see [`Store::movements`](cats_app::store::Store::movements)).
pub(crate) async fn movements(
    db: &mut Db<'_>,
    f: &MovementFilter,
) -> Result<(Vec<MovementRecord>, u64), StoreError> {
    let (count, page) = list_statements(f);
    let total = count.fetch_one(db).await?.int("n")?;
    let records = page
        .fetch_all(db)
        .await?
        .iter()
        .map(record_without_declaration)
        .collect::<Result<_, _>>()?;
    Ok((records, u64::try_from(total).unwrap_or_default()))
}

/// The two statements of a movement list: the count (stopping one past
/// [`MovementFilter::COUNT_LIMIT`], so that a list of millions costs what one of ten thousand
/// does) and the page.
pub(crate) fn list_statements(f: &MovementFilter) -> (Sql<'_>, Sql<'_>) {
    let mut count = Sql::new("SELECT COUNT(*) AS n FROM (SELECT 1 FROM movements");
    conditions(&mut count, f);
    let limit = i64::try_from(MovementFilter::COUNT_LIMIT + 1).unwrap_or(i64::MAX);
    count.and(" LIMIT ", limit).push(") AS matching");
    let size = i64::from(f.count.clamp(1, 500));
    let offset = (i64::from(f.page.max(1)) - 1) * size;
    let mut q = Sql::new(WITHOUT_DECLARATION);
    conditions(&mut q, f);
    q.and(" ORDER BY updated_at DESC, id DESC LIMIT ", size)
        .and(" OFFSET ", offset);
    (count, q)
}

/// Up to `limit` movements matching the filter's conditions (its page and count are not used),
/// most recently updated first, after `after` (the last one of the previous batch): read by
/// key, not by offset, and without counting, for reports (issue 17). Without `declarations`
/// each record's declaration is an empty object and its column is not read.
pub(crate) async fn report_batch(
    db: &mut Db<'_>,
    f: &MovementFilter,
    after: Option<(DateTime<Utc>, Uuid)>,
    declarations: bool,
    limit: i64,
) -> Result<Vec<MovementRecord>, StoreError> {
    let mut q = Sql::new(if declarations {
        declarations::select_joined()
    } else {
        WITHOUT_DECLARATION.to_owned()
    });
    conditions(&mut q, f);
    if let Some((at, id)) = after {
        q.and(" AND (updated_at < ", at)
            .and(" OR (updated_at = ", at)
            .and(" AND id < ", id)
            .push("))");
    }
    q.and(" ORDER BY updated_at DESC, id DESC LIMIT ", limit);
    q.fetch_all(db)
        .await?
        .iter()
        .map(|r| {
            if declarations {
                record_from_row(r, None)
            } else {
                record_without_declaration(r)
            }
        })
        .collect()
}

/// The columns of a movement without its declaration, for lists and reports.
const WITHOUT_DECLARATION: &str = "SELECT id, version, projection, projection_compressed,
   projection_codec, created_at, updated_at FROM movements";

/// A movement read with [`WITHOUT_DECLARATION`]: its declaration is an empty object.
fn record_without_declaration(r: &Row) -> Result<MovementRecord, StoreError> {
    Ok(MovementRecord {
        id: r.id("id")?,
        version: r.int("version")?,
        movement: projection_of(r)?,
        declaration: Arc::new(Value::Object(Default::default())),
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

/// The conditions of a movement list (its `WHERE`).
fn conditions<'q>(q: &mut Sql<'q>, f: &'q MovementFilter) {
    q.push(" WHERE TRUE");
    if let Some(h) = &f.holder {
        q.and(" AND holder = ", h);
    }
    if let Some(c) = &f.office_country {
        // Office references start with their country, upper case: LIKE matches alike on both.
        q.and(" AND (' ' || offices) LIKE ", format!("% {c}%"));
    }
    if let Some(l) = &f.lrn {
        q.and(" AND lrn = ", l);
    }
    if let Some(m) = &f.mrn {
        q.and(" AND mrn = ", m);
    }
    if let Some(s) = f.state {
        q.and(" AND state = ", s.as_str());
    }
    if let Some(u) = f.updated_since {
        q.and(" AND updated_at >= ", u);
    }
}

fn ids(rows: Vec<Row>) -> Result<Vec<Uuid>, StoreError> {
    rows.iter().map(|r| r.id("id")).collect()
}

/// Movements released for transit whose time limit for arrival is before `now`.
pub(crate) async fn overdue(db: &mut Db<'_>, now: DateTime<Utc>) -> Result<Vec<Uuid>, StoreError> {
    ids(Sql::new(
        "SELECT id FROM movements
         WHERE state = $1 AND time_limit IS NOT NULL AND time_limit < $2
         ORDER BY time_limit",
    )
    .bind(MovementState::ReleasedForTransit.as_str())
    .bind(now)
    .fetch_all(db)
    .await?)
}

/// Claim up to `limit` overdue movements for `claimant` until `now + lease`. On PostgreSQL the
/// candidates are locked `FOR UPDATE SKIP LOCKED`: a claimant skips the rows another is
/// claiming, and a row claimed meanwhile is re-checked on its new version, so no two claimants
/// get the same row. SQLite has one writer at a time (the caller's write transaction is its turn).
pub(crate) async fn claim_overdue(
    db: &mut Db<'_>,
    now: DateTime<Utc>,
    claimant: &str,
    lease: chrono::Duration,
    limit: u32,
) -> Result<Vec<Uuid>, StoreError> {
    let lock = match db.backend() {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    ids(Sql::new(format!(
        "UPDATE movements SET claimed_by = $1, claimed_until = $2
         WHERE id IN (SELECT id FROM movements
                      WHERE state = $3 AND time_limit IS NOT NULL AND time_limit < $4
                        AND (claimed_until IS NULL OR claimed_until < $4)
                      ORDER BY time_limit LIMIT $5
                      {lock})
         RETURNING id"
    ))
    .bind(claimant)
    .bind(now + lease)
    .bind(MovementState::ReleasedForTransit.as_str())
    .bind(now)
    .bind(i64::from(limit))
    .fetch_all(db)
    .await?)
}
