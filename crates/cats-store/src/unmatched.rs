//! Unmatched arrivals (issue 14): arrival notifications for an MRN unknown to the trader, kept
//! with their messages; and the lookup of the HMRC profile's short ids (the first 16
//! hexadecimal digits of a movement's or an unmatched arrival's UUID).

use async_trait::async_trait;
use uuid::Uuid;

use cats_app::arrivals::unmatched::{UnmatchedArrival, UnmatchedStore};
use cats_app::store::{NewMessage, StoreError, StoredMessage};
use cats_domain::ids::Eori;

use crate::sql::{Db, Row, Sql};
use crate::store::SqlStore;

fn arrival_from_row(r: &Row) -> Result<UnmatchedArrival, StoreError> {
    Ok(UnmatchedArrival {
        id: r.id("id")?,
        party: r.ident("party", Eori::parse)?,
        mrn: r.text("mrn")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

/// The smallest and the largest UUID whose simple form starts with `prefix` (16 hexadecimal
/// digits): the bounds of an indexed range scan on both backends.
fn bounds(prefix: &str) -> Option<(Uuid, Uuid)> {
    if prefix.len() != 16 || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let low = Uuid::parse_str(&format!("{prefix}0000000000000000")).ok()?;
    let high = Uuid::parse_str(&format!("{prefix}ffffffffffffffff")).ok()?;
    Some((low, high))
}

#[async_trait]
impl UnmatchedStore for SqlStore {
    async fn save_unmatched(
        &self,
        a: &UnmatchedArrival,
        messages: &[NewMessage],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        Sql::new(
            "INSERT INTO unmatched_arrivals (id, party, mrn, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET updated_at = EXCLUDED.updated_at",
        )
        .bind(a.id)
        .bind(&a.party)
        .bind(a.mrn.clone())
        .bind(a.created_at)
        .bind(a.updated_at)
        .execute(&mut tx.db())
        .await?;
        let last = Sql::new(
            "SELECT COALESCE(MAX(seq), 0) AS n FROM unmatched_arrival_messages WHERE arrival_id = $1",
        )
        .bind(a.id)
        .fetch_one(&mut tx.db())
        .await?
        .int("n")?;
        for (i, m) in messages.iter().enumerate() {
            let stored = StoredMessage {
                id: m.id,
                movement_id: a.id,
                seq: last + 1 + i as i64,
                message_type: m.message_type.clone(),
                direction: m.direction,
                content_type: m.content_type.clone(),
                body: m.body.clone(),
                received: m.received,
            };
            insert_message(&mut tx.db(), &stored).await?;
        }
        tx.commit().await
    }

    async fn unmatched(&self, id: Uuid) -> Result<Option<UnmatchedArrival>, StoreError> {
        Sql::new("SELECT * FROM unmatched_arrivals WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut self.pool.db())
            .await?
            .as_ref()
            .map(arrival_from_row)
            .transpose()
    }

    async fn unmatched_of(&self, party: &Eori) -> Result<Vec<UnmatchedArrival>, StoreError> {
        Sql::new("SELECT * FROM unmatched_arrivals WHERE party = $1 ORDER BY updated_at DESC, id")
            .bind(party)
            .fetch_all(&mut self.pool.db())
            .await?
            .iter()
            .map(arrival_from_row)
            .collect()
    }

    async fn unmatched_messages(&self, id: Uuid) -> Result<Vec<StoredMessage>, StoreError> {
        Sql::new(format!("{MESSAGES} WHERE arrival_id = $1 ORDER BY seq"))
            .bind(id)
            .fetch_all(&mut self.pool.db())
            .await?
            .iter()
            .map(crate::history::message_from_row)
            .collect()
    }

    async fn ids_with_prefix(&self, prefix: &str) -> Result<Vec<Uuid>, StoreError> {
        let Some((low, high)) = bounds(prefix) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for table in ["movements", "unmatched_arrivals"] {
            let rows = Sql::new(format!(
                "SELECT id FROM {table} WHERE id >= $1 AND id <= $2 ORDER BY id"
            ))
            .bind(low)
            .bind(high)
            .fetch_all(&mut self.pool.db())
            .await?;
            for r in &rows {
                out.push(r.id("id")?);
            }
        }
        Ok(out)
    }
}

/// Keep one message of an unmatched arrival (`movement_id` is the arrival's id).
async fn insert_message(db: &mut Db<'_>, m: &StoredMessage) -> Result<(), StoreError> {
    Sql::new(
        "INSERT INTO unmatched_arrival_messages (id, arrival_id, seq, message_type, direction,
           content_type, body, received)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(m.id)
    .bind(m.movement_id)
    .bind(m.seq)
    .bind(m.message_type.clone())
    .bind(m.direction.as_str())
    .bind(m.content_type.clone())
    .bind(m.body.clone())
    .bind(m.received)
    .execute(db)
    .await?;
    Ok(())
}

/// The messages of unmatched arrivals, in the shape of `messages` rows (their bodies are kept
/// as text: `body_compressed` is always NULL here).
const MESSAGES: &str = "SELECT id, arrival_id AS movement_id, seq, message_type, direction,
    content_type, body, received, NULL AS body_compressed FROM unmatched_arrival_messages";

/// Every unmatched arrival with its messages, oldest first (a snapshot).
pub(crate) async fn dump(
    db: &mut Db<'_>,
) -> Result<Vec<(UnmatchedArrival, Vec<StoredMessage>)>, StoreError> {
    let arrivals = Sql::new("SELECT * FROM unmatched_arrivals ORDER BY created_at, id")
        .fetch_all(db)
        .await?
        .iter()
        .map(arrival_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::with_capacity(arrivals.len());
    for a in arrivals {
        let messages = Sql::new(format!("{MESSAGES} WHERE arrival_id = $1 ORDER BY seq"))
            .bind(a.id)
            .fetch_all(db)
            .await?
            .iter()
            .map(crate::history::message_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        out.push((a, messages));
    }
    Ok(out)
}

/// Load what [`dump`] gave into an empty store.
pub(crate) async fn restore(
    db: &mut Db<'_>,
    all: &[(UnmatchedArrival, Vec<StoredMessage>)],
) -> Result<(), StoreError> {
    for (a, messages) in all {
        Sql::new(
            "INSERT INTO unmatched_arrivals (id, party, mrn, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(a.id)
        .bind(&a.party)
        .bind(a.mrn.clone())
        .bind(a.created_at)
        .bind(a.updated_at)
        .execute(db)
        .await?;
        for m in messages {
            insert_message(db, m).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_prefix_bounds_every_uuid_that_starts_with_it() {
        let (low, high) = super::bounds("62fb8f33d233578e").unwrap();
        assert_eq!(low.to_string(), "62fb8f33-d233-578e-0000-000000000000");
        assert_eq!(high.to_string(), "62fb8f33-d233-578e-ffff-ffffffffffff");
        assert!(super::bounds("62fb8f33").is_none());
        assert!(super::bounds("62fb8f33d233578g").is_none());
    }
}
