//! Notifications' part of a snapshot (`cats db copy`, restores): contact details, preferences,
//! read marks, webhook endpoints (deleted ones too, for the log), deliveries and their attempts.

use cats_app::notify::store::{Contact, NotifySnapshot};
use cats_app::notify::{Channel, EventType, Preference};
use cats_app::store::StoreError;

use crate::notify::{
    attempt_from_row, delivery_from_row, insert_attempt, insert_webhook, webhook_from_row,
    DELIVERIES,
};
use crate::sql::{Db, Sql};

/// Everything of notifications but the notifications, for a snapshot.
pub(crate) async fn dump(db: &mut Db<'_>) -> Result<NotifySnapshot, StoreError> {
    let mut s = NotifySnapshot::default();
    for r in Sql::new("SELECT * FROM contacts ORDER BY username")
        .fetch_all(db)
        .await?
    {
        s.contacts.push((
            r.text("username")?,
            Contact {
                email: r.opt_text("email")?,
                phone: r.opt_text("phone")?,
            },
        ));
    }
    for r in
        Sql::new("SELECT * FROM notification_preferences ORDER BY username, event_type, channel")
            .fetch_all(db)
            .await?
    {
        s.preferences.push((
            r.text("username")?,
            Preference {
                event: r.parsed("event_type", |v| {
                    EventType::parse(v).ok_or("not an event type")
                })?,
                channel: r.parsed("channel", |v| Channel::parse(v).ok_or("not a channel"))?,
                enabled: r.flag("enabled")?,
            },
        ));
    }
    for r in Sql::new("SELECT * FROM notification_reads ORDER BY username, notification_id")
        .fetch_all(db)
        .await?
    {
        s.reads
            .push((r.id("notification_id")?, r.text("username")?, r.time("at")?));
    }
    for r in Sql::new("SELECT * FROM webhooks ORDER BY created_at, id")
        .fetch_all(db)
        .await?
    {
        s.webhooks
            .push((webhook_from_row(&r)?, r.opt_time("deleted_at")?));
    }
    s.deliveries = Sql::new(format!("{DELIVERIES} ORDER BY d.created_at, d.id"))
        .fetch_all(db)
        .await?
        .iter()
        .map(delivery_from_row)
        .collect::<Result<_, _>>()?;
    s.attempts = Sql::new("SELECT * FROM delivery_attempts ORDER BY seq")
        .fetch_all(db)
        .await?
        .iter()
        .map(attempt_from_row)
        .collect::<Result<_, _>>()?;
    Ok(s)
}

/// Load what [`dump`] gave into an empty store (after its users and notifications).
pub(crate) async fn restore(db: &mut Db<'_>, s: &NotifySnapshot) -> Result<(), StoreError> {
    for (username, c) in &s.contacts {
        Sql::new("INSERT INTO contacts (username, email, phone) VALUES ($1, $2, $3)")
            .bind(username.clone())
            .bind(c.email.clone())
            .bind(c.phone.clone())
            .execute(db)
            .await?;
    }
    for (username, p) in &s.preferences {
        Sql::new(
            "INSERT INTO notification_preferences (username, event_type, channel, enabled)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(username.clone())
        .bind(p.event.as_str())
        .bind(p.channel.as_str())
        .bind(p.enabled)
        .execute(db)
        .await?;
    }
    for (id, username, at) in &s.reads {
        Sql::new(
            "INSERT INTO notification_reads (notification_id, username, at) VALUES ($1, $2, $3)",
        )
        .bind(*id)
        .bind(username.clone())
        .bind(*at)
        .execute(db)
        .await?;
    }
    for (w, deleted) in &s.webhooks {
        insert_webhook(db, w, *deleted).await?;
    }
    for d in &s.deliveries {
        Sql::new(
            "INSERT INTO notification_deliveries (id, notification_id, party, channel, target,
               address, language, status, attempts, next_attempt_at, first_attempt_at, created_at,
               delivered_at, last_outcome)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(d.id)
        .bind(d.notification_id)
        .bind(&d.party)
        .bind(d.channel.as_str())
        .bind(d.target.clone())
        .bind(d.address.clone())
        .bind(d.language.clone())
        .bind(d.status.as_str())
        .bind(i64::from(d.attempts))
        .bind(d.next_attempt_at)
        .bind(d.first_attempt_at)
        .bind(d.created_at)
        .bind(d.delivered_at)
        .bind(d.last_outcome.clone())
        .execute(db)
        .await?;
    }
    for a in &s.attempts {
        insert_attempt(db, a).await?;
    }
    Ok(())
}
