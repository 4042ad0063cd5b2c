//! Dump and restore of the whole store (`cats db copy`). The dump reads one consistent snapshot
//! (a REPEATABLE READ, READ ONLY transaction), so it may be taken while the node runs; the
//! restore is one transaction. Both list rows in the order the SQLite store does, so that a dump
//! of either backend compares equal.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use cats_app::store::{
    AuditEntry, GrnSerial, MovementRecord, MrnSerial, Snapshot, StoreError, StoredAttachment,
    StoredMessage, StoredToken, Versioned,
};

use super::history::{audit_from_row, message_from_row};
use super::ledger::{
    guarantee_from_row, insert_reservation, reservation_from_row, write_guarantee,
};
use super::movements::record_from_row;
use super::parties::{add_token, party_from_row, save_party, save_user, user_from_row};
use super::reference::{load_catalog, save_catalog};
use super::registry as reg;
use super::registry_read as rows;
use super::{backend, micros, pg, PgStore};

impl PgStore {
    pub(super) async fn dump_impl(&self) -> Result<Snapshot, StoreError> {
        let mut tx = self.pool.begin().await.map_err(pg)?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(pg)?;
        let mut s = Snapshot {
            catalog: load_catalog(&mut tx).await?,
            ..Snapshot::default()
        };
        macro_rules! rows {
            ($sql:expr) => {
                sqlx::query($sql).fetch_all(&mut *tx).await.map_err(pg)?
            };
        }
        s.parties = rows!("SELECT * FROM parties ORDER BY identification_number")
            .iter()
            .map(party_from_row)
            .collect();
        s.users = rows!("SELECT * FROM users ORDER BY username")
            .iter()
            .map(user_from_row)
            .collect::<Result<_, _>>()?;
        s.tokens = rows!(
            "SELECT token_hash, username, created_at FROM api_tokens ORDER BY created_at, token_hash"
        )
        .iter()
        .map(|r| StoredToken {
            token_hash: r.get(0),
            username: r.get(1),
            created_at: r.get(2),
        })
        .collect();
        s.guarantees = rows!("SELECT * FROM guarantees ORDER BY grn")
            .iter()
            .map(guarantee_from_row)
            .collect::<Result<_, _>>()?;
        s.reservations = rows!("SELECT * FROM reservations ORDER BY grn, reserved_at, movement_id")
            .iter()
            .map(reservation_from_row)
            .collect::<Result<_, _>>()?;
        s.movements = rows!("SELECT * FROM movements ORDER BY created_at, id")
            .iter()
            .map(record_from_row)
            .collect::<Result<_, _>>()?;
        s.messages = rows!(
            "SELECT m.* FROM messages m JOIN movements v ON v.id = m.movement_id
             ORDER BY v.created_at, v.id, m.seq"
        )
        .iter()
        .map(message_from_row)
        .collect::<Result<_, _>>()?;
        s.mrn_serials = rows!("SELECT office, year, last FROM mrn_serials ORDER BY office, year")
            .iter()
            .map(|r| MrnSerial {
                office: r.get(0),
                year: r.get(1),
                last: r.get(2),
            })
            .collect();
        s.audit = rows!("SELECT * FROM audit_log ORDER BY id")
            .iter()
            .map(audit_from_row)
            .collect();
        s.registrations = rows!("SELECT * FROM registrations ORDER BY submitted_at, id")
            .iter()
            .map(rows::registration_from_row)
            .collect::<Result<_, _>>()?;
        s.attachments = rows!("SELECT * FROM attachments ORDER BY uploaded_at, id")
            .iter()
            .map(|r| StoredAttachment {
                meta: rows::attachment_from_row(r),
                data: r.get("data"),
            })
            .collect();
        s.control_attachments = self.all_control_attachments().await?;
        s.contracts = rows!("SELECT * FROM contracts ORDER BY submitted_at, id")
            .iter()
            .map(rows::contract_from_row)
            .collect::<Result<_, _>>()?;
        s.claims = rows!("SELECT * FROM claims ORDER BY raised_at, id")
            .iter()
            .map(rows::claim_from_row)
            .collect::<Result<_, _>>()?;
        s.history = rows!("SELECT * FROM history ORDER BY id")
            .iter()
            .map(rows::event_from_row)
            .collect();
        s.notifications = rows!("SELECT * FROM notifications ORDER BY seq")
            .iter()
            .map(rows::notification_from_row)
            .collect();
        s.exchange_rates =
            rows!("SELECT * FROM exchange_rates ORDER BY currency_from, currency_to, valid_from")
                .iter()
                .map(rows::rate_from_row)
                .collect::<Result<_, _>>()?;
        s.grn_serials = rows!("SELECT country, year, last FROM grn_serials ORDER BY country, year")
            .iter()
            .map(|r| GrnSerial {
                country: r.get(0),
                year: r.get(1),
                last: r.get(2),
            })
            .collect();
        s.risk_profiles = super::risk::versions(&mut tx, None).await?;
        tx.commit().await.map_err(pg)?;
        Ok(s)
    }

    pub(super) async fn restore_impl(&self, s: &Snapshot) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(pg)?;
        let r = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM movements), (SELECT COUNT(*) FROM parties),
                    (SELECT COUNT(*) FROM users)",
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(pg)?;
        let counts: (i64, i64, i64) = (r.get(0), r.get(1), r.get(2));
        if counts != (0, 0, 0) {
            return Err(StoreError::NotEmpty(format!(
                "{} movements, {} parties, {} users",
                counts.0, counts.1, counts.2
            )));
        }
        save_catalog(&mut tx, &s.catalog).await?;
        for p in &s.parties {
            save_party(&mut tx, p).await?;
        }
        for u in &s.users {
            save_user(&mut tx, u).await?;
        }
        for t in &s.tokens {
            add_token(&mut tx, &t.username, &t.token_hash, t.created_at).await?;
        }
        for g in &s.guarantees {
            write_guarantee(&mut tx, g, Some(g.running_total_minor)).await?;
        }
        for chunk in batches(&s.movements, |_| MOVEMENT_BYTES) {
            insert_movements(&mut tx, chunk).await?;
        }
        for chunk in batches(&s.messages, |m| m.body.len()) {
            insert_messages(&mut tx, chunk).await?;
        }
        for r in &s.reservations {
            insert_reservation(&mut tx, r).await?;
        }
        for m in &s.mrn_serials {
            sqlx::query("INSERT INTO mrn_serials (office, year, last) VALUES ($1, $2, $3)")
                .bind(&m.office)
                .bind(m.year)
                .bind(m.last)
                .execute(&mut *tx)
                .await
                .map_err(pg)?;
        }
        for chunk in batches(&s.audit, |a| a.detail.len()) {
            insert_audit_entries(&mut tx, chunk).await?;
        }
        for x in &s.registrations {
            let v = Versioned {
                record: x.clone(),
                expected: None,
            };
            reg::write_registration(&mut tx, &v).await?;
        }
        for a in &s.attachments {
            reg::insert_attachment(&mut tx, a).await?;
        }
        for a in &s.control_attachments {
            super::controls::insert_control_attachment(&mut tx, a).await?;
        }
        for x in &s.contracts {
            let v = Versioned {
                record: x.clone(),
                expected: None,
            };
            reg::write_contract(&mut tx, &v).await?;
        }
        for x in &s.claims {
            let v = Versioned {
                record: x.clone(),
                expected: None,
            };
            reg::write_claim(&mut tx, &v).await?;
        }
        for e in &s.history {
            reg::insert_event(&mut tx, e).await?;
        }
        for n in &s.notifications {
            reg::insert_notification(&mut tx, n).await?;
        }
        for x in &s.exchange_rates {
            reg::write_rate(&mut tx, x).await?;
        }
        for g in &s.grn_serials {
            sqlx::query("INSERT INTO grn_serials (country, year, last) VALUES ($1, $2, $3)")
                .bind(&g.country)
                .bind(g.year)
                .bind(g.last)
                .execute(&mut *tx)
                .await
                .map_err(pg)?;
        }
        for v in &s.risk_profiles {
            super::risk::insert_version(&mut tx, v).await?;
        }
        tx.commit().await.map_err(pg)
    }
}

/// Rows per batched insert (one `UNNEST` of arrays per statement), and about the most bytes of
/// one batch: a restore of a large node takes a few statements, not one round trip per row.
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

async fn insert_movements(
    conn: &mut PgConnection,
    recs: &[MovementRecord],
) -> Result<(), StoreError> {
    let mut cols = MovementColumns::default();
    for rec in recs {
        let m = &rec.movement;
        cols.id.push(rec.id);
        cols.version.push(rec.version);
        cols.lrn.push(m.lrn.as_str());
        cols.mrn.push(m.mrn.as_deref());
        cols.holder.push(m.holder.as_str());
        cols.state.push(m.state.as_str());
        cols.live.push(m.state.is_live());
        cols.departure.push(m.office_of_departure.as_str());
        cols.destination.push(m.office_of_destination.as_str());
        cols.offices
            .push(m.offices().into_iter().collect::<Vec<_>>().join(" "));
        cols.time_limit.push(m.time_limit.map(micros));
        cols.created_at.push(micros(rec.created_at));
        cols.updated_at.push(micros(rec.updated_at));
        cols.projection
            .push(serde_json::to_string(m).map_err(backend)?);
        cols.declaration
            .push(serde_json::to_string(&rec.declaration).map_err(backend)?);
    }
    sqlx::query(
        "INSERT INTO movements (id, version, lrn, mrn, holder, state, live, office_of_departure,
           office_of_destination, offices, time_limit, created_at, updated_at, projection,
           declaration)
         SELECT * FROM UNNEST($1::uuid[], $2::int8[], $3::text[], $4::text[], $5::text[],
           $6::text[], $7::bool[], $8::text[], $9::text[], $10::text[], $11::timestamptz[],
           $12::timestamptz[], $13::timestamptz[], $14::text[], $15::text[])",
    )
    .bind(cols.id)
    .bind(cols.version)
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
    .bind(cols.declaration)
    .execute(conn)
    .await
    .map_err(pg)?;
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
    projection: Vec<String>,
    declaration: Vec<String>,
}

async fn insert_messages(
    conn: &mut PgConnection,
    msgs: &[StoredMessage],
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO messages (id, movement_id, seq, message_type, direction, content_type, body,
           received)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::int8[], $4::text[], $5::text[],
           $6::text[], $7::text[], $8::timestamptz[])",
    )
    .bind(msgs.iter().map(|m| m.id).collect::<Vec<_>>())
    .bind(msgs.iter().map(|m| m.movement_id).collect::<Vec<_>>())
    .bind(msgs.iter().map(|m| m.seq).collect::<Vec<_>>())
    .bind(
        msgs.iter()
            .map(|m| m.message_type.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        msgs.iter()
            .map(|m| m.direction.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        msgs.iter()
            .map(|m| m.content_type.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(msgs.iter().map(|m| m.body.as_str()).collect::<Vec<_>>())
    .bind(msgs.iter().map(|m| micros(m.received)).collect::<Vec<_>>())
    .execute(conn)
    .await
    .map_err(pg)?;
    Ok(())
}

/// Audit entries in their order (the `BIGSERIAL` ids follow it).
async fn insert_audit_entries(
    conn: &mut PgConnection,
    entries: &[AuditEntry],
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, movement_id, detail)
         SELECT at, actor, action, movement_id, detail
         FROM UNNEST($1::timestamptz[], $2::text[], $3::text[], $4::uuid[], $5::text[])
              WITH ORDINALITY AS u(at, actor, action, movement_id, detail, n)
         ORDER BY n",
    )
    .bind(entries.iter().map(|a| micros(a.at)).collect::<Vec<_>>())
    .bind(entries.iter().map(|a| a.actor.as_str()).collect::<Vec<_>>())
    .bind(
        entries
            .iter()
            .map(|a| a.action.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(entries.iter().map(|a| a.movement_id).collect::<Vec<_>>())
    .bind(
        entries
            .iter()
            .map(|a| a.detail.as_str())
            .collect::<Vec<_>>(),
    )
    .execute(conn)
    .await
    .map_err(pg)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn batches_split_by_rows_and_bytes() {
        let rows: Vec<usize> = vec![1; 2_500];
        let sizes: Vec<usize> = super::batches(&rows, |_| 1)
            .iter()
            .map(|b| b.len())
            .collect();
        assert_eq!(sizes, [1_000, 1_000, 500]);
        let big = vec![5 << 20; 3];
        let sizes: Vec<usize> = super::batches(&big, |b| *b)
            .iter()
            .map(|b| b.len())
            .collect();
        assert_eq!(sizes, [2, 1]);
        assert!(super::batches(&Vec::<usize>::new(), |_| 1).is_empty());
    }
}
