//! Notifications' store (issue 13): the fan-out of a notification into its deliveries in the
//! transaction that writes it, the inbox's read marks, preferences, contact details, webhook
//! endpoints, and the delivery outbox that workers claim (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL, so that several instances share it without sending anything twice).

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use cats_app::notify::store::{
    Attempt, Contact, Delivery, DeliveryFilter, DeliveryStatus, DueDelivery, InboxItem, InboxQuery,
    NotifyStore, Settle,
};
use cats_app::notify::{Channel, EventType, Preference, Recipient, Webhook};
use cats_app::store::{Notification, StoreError};
use cats_domain::ids::Eori;

use crate::registry_read::notification_from_row;
use crate::sql::{Backend, Db, Row, Sql};
use crate::store::SqlStore;

/// Write the deliveries of notification `n` (one per subscribed webhook of its party, and per
/// user and channel its preferences want), in the caller's transaction.
pub(crate) async fn fan_out(db: &mut Db<'_>, n: &Notification) -> Result<(), StoreError> {
    let hooks = webhooks(db, &n.party).await?;
    let rows = Sql::new(
        "SELECT u.username, c.email, c.phone, a.language FROM users u
           LEFT JOIN contacts c ON c.username = u.username
           LEFT JOIN accounts a ON a.username = u.username
         WHERE u.party = $1 AND (c.email IS NOT NULL OR c.phone IS NOT NULL)
         ORDER BY u.username",
    )
    .bind(&n.party)
    .fetch_all(db)
    .await?;
    let mut recipients = Vec::with_capacity(rows.len());
    for r in &rows {
        let username = r.text("username")?;
        recipients.push(Recipient {
            preferences: preferences(db, &username, Some(n.event)).await?,
            username,
            email: r.opt_text("email")?,
            phone: r.opt_text("phone")?,
            language: r.opt_text("language")?,
        });
    }
    for d in cats_app::notify::fan_out(n, &hooks, &recipients) {
        Sql::new(
            "INSERT INTO notification_deliveries (id, notification_id, party, channel, target,
               address, language, status, attempts, next_attempt_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $8)",
        )
        .bind(d.id)
        .bind(d.notification_id)
        .bind(&d.party)
        .bind(d.channel.as_str())
        .bind(&d.target)
        .bind(&d.address)
        .bind(&d.language)
        .bind(d.due)
        .execute(db)
        .await?;
    }
    Ok(())
}

pub(crate) fn webhook_from_row(r: &Row) -> Result<Webhook, StoreError> {
    Ok(Webhook {
        id: r.id("id")?,
        party: r.ident("party", Eori::parse)?,
        url: r.text("url")?,
        events: r
            .text("events")?
            .split_whitespace()
            .map(|s| {
                EventType::parse(s)
                    .ok_or_else(|| StoreError::corrupt(format!("webhook event type {s:?}")))
            })
            .collect::<Result<_, _>>()?,
        format: r.parsed("format", |f| {
            cats_app::notify::WebhookFormat::parse(f).ok_or("not a webhook format")
        })?,
        secret: r.text("secret")?,
        created_by: r.text("created_by")?,
        created_at: r.time("created_at")?,
    })
}

async fn webhooks(db: &mut Db<'_>, party: &Eori) -> Result<Vec<Webhook>, StoreError> {
    Sql::new(
        "SELECT * FROM webhooks WHERE party = $1 AND deleted_at IS NULL ORDER BY created_at, id",
    )
    .bind(party)
    .fetch_all(db)
    .await?
    .iter()
    .map(webhook_from_row)
    .collect()
}

async fn webhook(db: &mut Db<'_>, id: Uuid) -> Result<Option<Webhook>, StoreError> {
    Sql::new("SELECT * FROM webhooks WHERE id = $1 AND deleted_at IS NULL")
        .bind(id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(webhook_from_row)
        .transpose()
}

async fn preferences(
    db: &mut Db<'_>,
    username: &str,
    event: Option<EventType>,
) -> Result<Vec<Preference>, StoreError> {
    let mut sql = Sql::new("SELECT * FROM notification_preferences WHERE username = $1");
    sql = sql.bind(username.to_string());
    if let Some(e) = event {
        sql = Sql::new(
            "SELECT * FROM notification_preferences WHERE username = $1 AND event_type = $2",
        )
        .bind(username.to_string())
        .bind(e.as_str());
    }
    let rows = sql.fetch_all(db).await?;
    rows.iter()
        .filter_map(|r| {
            let event = r
                .text("event_type")
                .ok()
                .and_then(|s| EventType::parse(&s))?;
            let channel = r.text("channel").ok().and_then(|s| Channel::parse(&s))?;
            Some(r.flag("enabled").map(|enabled| Preference {
                event,
                channel,
                enabled,
            }))
        })
        .collect()
}

pub(crate) fn delivery_from_row(r: &Row) -> Result<Delivery, StoreError> {
    Ok(Delivery {
        id: r.id("id")?,
        notification_id: r.id("notification_id")?,
        event: r.parsed("event_type", |s| {
            EventType::parse(s).ok_or("not an event type")
        })?,
        party: r.ident("party", Eori::parse)?,
        channel: r.parsed("channel", |s| Channel::parse(s).ok_or("not a channel"))?,
        target: r.text("target")?,
        address: r.text("address")?,
        language: r.text("language")?,
        status: r.parsed("status", |s| {
            DeliveryStatus::parse(s).ok_or("not a delivery status")
        })?,
        attempts: u32::try_from(r.int("attempts")?).unwrap_or(u32::MAX),
        next_attempt_at: r.time("next_attempt_at")?,
        first_attempt_at: r.opt_time("first_attempt_at")?,
        created_at: r.time("created_at")?,
        delivered_at: r.opt_time("delivered_at")?,
        last_outcome: r.text("last_outcome")?,
    })
}

/// Keep a webhook endpoint (deleted at `deleted`, for a restore).
pub(crate) async fn insert_webhook(
    db: &mut Db<'_>,
    w: &Webhook,
    deleted: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let events: Vec<&str> = w.events.iter().map(|e| e.as_str()).collect();
    Sql::new(
        "INSERT INTO webhooks (id, party, url, events, secret, created_by, created_at, deleted_at,
           format)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(w.id)
    .bind(&w.party)
    .bind(w.url.clone())
    .bind(events.join(" "))
    .bind(w.secret.clone())
    .bind(w.created_by.clone())
    .bind(w.created_at)
    .bind(deleted)
    .bind(w.format.as_str())
    .execute(db)
    .await?;
    Ok(())
}

/// Keep one attempt of a delivery.
pub(crate) async fn insert_attempt(db: &mut Db<'_>, a: &Attempt) -> Result<(), StoreError> {
    Sql::new(
        "INSERT INTO delivery_attempts (delivery_id, at, ok, status_code, detail, millis)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(a.delivery_id)
    .bind(a.at)
    .bind(a.ok)
    .bind(a.status_code.map(i64::from))
    .bind(a.detail.clone())
    .bind(a.millis)
    .execute(db)
    .await?;
    Ok(())
}

/// Deliveries with their notification's type.
pub(crate) const DELIVERIES: &str = "SELECT d.*, n.event_type FROM notification_deliveries d
    JOIN notifications n ON n.id = d.notification_id";

pub(crate) fn attempt_from_row(r: &Row) -> Result<Attempt, StoreError> {
    Ok(Attempt {
        delivery_id: r.id("delivery_id")?,
        at: r.time("at")?,
        ok: r.flag("ok")?,
        status_code: r
            .opt_int("status_code")?
            .and_then(|c| u16::try_from(c).ok()),
        detail: r.text("detail")?,
        millis: r.int("millis")?,
    })
}

impl SqlStore {
    /// [`NotifyStore::claim_deliveries`] on the calling task.
    async fn claim_deliveries_here(
        &self,
        now: DateTime<Utc>,
        claimant: &str,
        lease: Duration,
        limit: u32,
        channels: &[Channel],
    ) -> Result<Vec<DueDelivery>, StoreError> {
        if channels.is_empty() {
            return Ok(Vec::new());
        }
        // The channels as SQL literals (their names are fixed words, never input).
        let channels = channels
            .iter()
            .map(|c| format!("'{}'", c.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        // A read first: an idle node does not take the write lock every second.
        let due = Sql::new(format!(
            "SELECT id FROM notification_deliveries
             WHERE status = 'pending' AND next_attempt_at <= $1 AND channel IN ({channels})
               AND (claimed_until IS NULL OR claimed_until < $1)
             LIMIT 1"
        ))
        .bind(now)
        .fetch_optional(&mut self.pool.db())
        .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        let mut tx = self.pool.begin().await?;
        let lock = match tx.db().backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let ids: Vec<Uuid> = Sql::new(format!(
            "UPDATE notification_deliveries SET claimed_by = $1, claimed_until = $2
             WHERE id IN (
               SELECT d.id FROM notification_deliveries d
               WHERE d.status = 'pending' AND d.next_attempt_at <= $3
                 AND d.channel IN ({channels})
                 AND (d.claimed_until IS NULL OR d.claimed_until < $3)
               ORDER BY d.next_attempt_at, d.created_at LIMIT $4
               {lock})
             RETURNING id"
        ))
        .bind(claimant.to_string())
        .bind(now + lease)
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&mut tx.db())
        .await?
        .iter()
        .map(|r| r.id("id"))
        .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row = Sql::new(format!("{DELIVERIES} WHERE d.id = $1"))
                .bind(id)
                .fetch_one(&mut tx.db())
                .await?;
            let delivery = delivery_from_row(&row)?;
            let notification = Sql::new("SELECT * FROM notifications WHERE id = $1")
                .bind(delivery.notification_id)
                .fetch_one(&mut tx.db())
                .await?;
            let hook = match (delivery.channel, delivery.target.parse::<Uuid>()) {
                (Channel::Webhook, Ok(w)) => webhook(&mut tx.db(), w).await?,
                _ => None,
            };
            out.push(DueDelivery {
                delivery,
                notification: notification_from_row(&notification)?,
                webhook: hook,
            });
        }
        tx.commit().await?;
        out.sort_by_key(|d| (d.delivery.next_attempt_at, d.delivery.created_at));
        Ok(out)
    }

    /// [`NotifyStore::settle_delivery`] on the calling task.
    async fn settle_delivery_here(&self, a: &Attempt, next: Settle) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_attempt(&mut tx.db(), a).await?;
        let (status, next_at, delivered) = match next {
            Settle::Delivered => ("delivered", a.at, Some(a.at)),
            Settle::Retry(at) => ("pending", at, None),
            Settle::Park => ("parked", a.at, None),
        };
        Sql::new(
            "UPDATE notification_deliveries SET status = $2, attempts = attempts + 1,
               next_attempt_at = $3, delivered_at = $4, last_outcome = $5,
               first_attempt_at = COALESCE(first_attempt_at, $6),
               claimed_by = NULL, claimed_until = NULL
             WHERE id = $1",
        )
        .bind(a.delivery_id)
        .bind(status)
        .bind(next_at)
        .bind(delivered)
        .bind(a.detail.clone())
        .bind(a.at)
        .execute(&mut tx.db())
        .await?;
        tx.commit().await
    }
}

#[async_trait]
impl NotifyStore for SqlStore {
    async fn inbox(
        &self,
        party: &Eori,
        username: &str,
        q: InboxQuery,
    ) -> Result<Vec<InboxItem>, StoreError> {
        let mut sql = Sql::new(
            "SELECT n.*, r.at AS read_at FROM notifications n
               LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.username = $1
             WHERE n.party = $2",
        )
        .bind(username.to_string())
        .bind(party);
        if q.unread_only {
            sql.push(" AND r.at IS NULL");
        }
        match q.after_seq {
            Some(after) => {
                sql.and(" AND n.seq > ", after);
                sql.push(" ORDER BY n.seq");
            }
            None => {
                sql.push(" ORDER BY n.seq DESC");
            }
        }
        sql.and(" LIMIT ", i64::from(q.limit.max(1)));
        sql.fetch_all(&mut self.pool.db())
            .await?
            .iter()
            .map(|r| {
                Ok(InboxItem {
                    seq: r.int("seq")?,
                    read: r.opt_time("read_at")?.is_some(),
                    notification: notification_from_row(r)?,
                })
            })
            .collect()
    }

    async fn unread_count(&self, party: &Eori, username: &str) -> Result<i64, StoreError> {
        Sql::new(
            "SELECT COUNT(*) AS n FROM notifications n
             WHERE n.party = $1 AND NOT EXISTS (SELECT 1 FROM notification_reads r
               WHERE r.notification_id = n.id AND r.username = $2)",
        )
        .bind(party)
        .bind(username.to_string())
        .fetch_one(&mut self.pool.db())
        .await?
        .int("n")
    }

    async fn mark_read(
        &self,
        party: &Eori,
        username: &str,
        ids: &[Uuid],
        at: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut done = 0;
        let base = "INSERT INTO notification_reads (notification_id, username, at)
             SELECT n.id, $1, $2 FROM notifications n
             WHERE n.party = $3 AND NOT EXISTS (SELECT 1 FROM notification_reads r
               WHERE r.notification_id = n.id AND r.username = $1)";
        if ids.is_empty() {
            done += Sql::new(base)
                .bind(username.to_string())
                .bind(at)
                .bind(party)
                .execute(&mut tx.db())
                .await?;
        }
        for id in ids {
            done += Sql::new(format!("{base} AND n.id = $4"))
                .bind(username.to_string())
                .bind(at)
                .bind(party)
                .bind(*id)
                .execute(&mut tx.db())
                .await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    async fn preferences(&self, username: &str) -> Result<Vec<Preference>, StoreError> {
        preferences(&mut self.pool.db(), username, None).await
    }

    async fn set_preferences(&self, username: &str, list: &[Preference]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        Sql::new("DELETE FROM notification_preferences WHERE username = $1")
            .bind(username.to_string())
            .execute(&mut tx.db())
            .await?;
        for p in list {
            Sql::new(
                "INSERT INTO notification_preferences (username, event_type, channel, enabled)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(username.to_string())
            .bind(p.event.as_str())
            .bind(p.channel.as_str())
            .bind(p.enabled)
            .execute(&mut tx.db())
            .await?;
        }
        tx.commit().await
    }

    async fn contact(&self, username: &str) -> Result<Contact, StoreError> {
        let row = Sql::new("SELECT * FROM contacts WHERE username = $1")
            .bind(username.to_string())
            .fetch_optional(&mut self.pool.db())
            .await?;
        Ok(match row {
            Some(r) => Contact {
                email: r.opt_text("email")?,
                phone: r.opt_text("phone")?,
            },
            None => Contact::default(),
        })
    }

    async fn set_contact(&self, username: &str, c: &Contact) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        Sql::new(
            "INSERT INTO contacts (username, email, phone) VALUES ($1, $2, $3)
             ON CONFLICT (username) DO UPDATE SET email = EXCLUDED.email, phone = EXCLUDED.phone",
        )
        .bind(username.to_string())
        .bind(c.email.clone())
        .bind(c.phone.clone())
        .execute(&mut tx.db())
        .await?;
        tx.commit().await
    }

    async fn save_webhook(&self, w: &Webhook) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        insert_webhook(&mut tx.db(), w, None).await?;
        tx.commit().await
    }

    async fn webhooks(&self, party: &Eori) -> Result<Vec<Webhook>, StoreError> {
        webhooks(&mut self.pool.db(), party).await
    }

    async fn webhook(&self, id: Uuid) -> Result<Option<Webhook>, StoreError> {
        webhook(&mut self.pool.db(), id).await
    }

    async fn delete_webhook(&self, id: Uuid, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let n =
            Sql::new("UPDATE webhooks SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL")
                .bind(id)
                .bind(at)
                .execute(&mut tx.db())
                .await?;
        Sql::new(
            "UPDATE notification_deliveries SET status = 'parked',
               last_outcome = 'the webhook endpoint was deleted'
             WHERE channel = 'webhook' AND target = $1 AND status = 'pending'",
        )
        .bind(id.to_string())
        .execute(&mut tx.db())
        .await?;
        tx.commit().await?;
        Ok(n > 0)
    }

    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        claimant: &str,
        lease: Duration,
        limit: u32,
        channels: &[Channel],
    ) -> Result<Vec<DueDelivery>, StoreError> {
        let (claimant, channels) = (claimant.to_string(), channels.to_vec());
        self.pool
            .write(|pool| async move {
                SqlStore::new(pool)
                    .claim_deliveries_here(now, &claimant, lease, limit, &channels)
                    .await
            })
            .await
    }

    async fn settle_delivery(&self, a: &Attempt, next: Settle) -> Result<(), StoreError> {
        let a = a.clone();
        self.pool
            .write(|pool| async move { SqlStore::new(pool).settle_delivery_here(&a, next).await })
            .await
    }

    async fn deliveries(
        &self,
        party: &Eori,
        f: DeliveryFilter,
    ) -> Result<Vec<Delivery>, StoreError> {
        let mut sql = Sql::new(format!("{DELIVERIES} WHERE d.party = $1")).bind(party);
        if let Some(w) = f.webhook {
            sql.and(" AND d.channel = 'webhook' AND d.target = ", w.to_string());
        }
        if let Some(s) = f.status {
            sql.and(" AND d.status = ", s.as_str());
        }
        sql.push(" ORDER BY d.created_at DESC, d.id");
        sql.and(" LIMIT ", i64::from(f.limit.max(1)));
        sql.fetch_all(&mut self.pool.db())
            .await?
            .iter()
            .map(delivery_from_row)
            .collect()
    }

    async fn delivery(&self, id: Uuid) -> Result<Option<Delivery>, StoreError> {
        Sql::new(format!("{DELIVERIES} WHERE d.id = $1"))
            .bind(id)
            .fetch_optional(&mut self.pool.db())
            .await?
            .as_ref()
            .map(delivery_from_row)
            .transpose()
    }

    async fn delivery_attempts(&self, id: Uuid) -> Result<Vec<Attempt>, StoreError> {
        Sql::new("SELECT * FROM delivery_attempts WHERE delivery_id = $1 ORDER BY seq")
            .bind(id)
            .fetch_all(&mut self.pool.db())
            .await?
            .iter()
            .map(attempt_from_row)
            .collect()
    }

    async fn resend_delivery(&self, id: Uuid, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let n = Sql::new(
            "UPDATE notification_deliveries SET status = 'pending', next_attempt_at = $2,
               first_attempt_at = NULL, claimed_by = NULL, claimed_until = NULL
             WHERE id = $1 AND status = 'parked'",
        )
        .bind(id)
        .bind(now)
        .execute(&mut tx.db())
        .await?;
        tx.commit().await?;
        Ok(n > 0)
    }

    async fn delivery_counts(&self) -> Result<Vec<(DeliveryStatus, i64)>, StoreError> {
        Sql::new(
            "SELECT status, COUNT(*) AS n FROM notification_deliveries GROUP BY status ORDER BY status",
        )
        .fetch_all(&mut self.pool.db())
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.parsed("status", |s| DeliveryStatus::parse(s).ok_or("not a delivery status"))?,
                r.int("n")?,
            ))
        })
        .collect()
    }
}
