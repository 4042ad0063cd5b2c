//! The delivery log of a company, and re-sending what was parked.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::store::{Attempt, Delivery, DeliveryFilter, DeliveryStatus};
use super::Channel;
use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::history::audit;
use crate::registers::{party_of, user_with};

/// The deliveries of the actor's company, newest first. Errors: 403 for anyone but a trader or
/// insurer user.
pub async fn log(
    app: &App,
    actor: &Actor,
    mut filter: DeliveryFilter,
) -> Result<Vec<Delivery>, AppError> {
    let user = user_with(actor, &[Role::Trader, Role::Insurer], "the delivery log")?;
    filter.limit = filter.limit.clamp(1, 1000);
    Ok(app.store().deliveries(party_of(user)?, filter).await?)
}

/// One delivery of the actor's company with its attempts. Errors: 403 as [`log`]; 404 for
/// another company's.
pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<(Delivery, Vec<Attempt>), AppError> {
    let user = user_with(actor, &[Role::Trader, Role::Insurer], "the delivery log")?;
    let party = party_of(user)?;
    let d = app
        .store()
        .delivery(id)
        .await?
        .filter(|d| &d.party == party)
        .ok_or_else(|| AppError::NotFound(format!("delivery {id}")))?;
    let attempts = app.store().delivery_attempts(id).await?;
    Ok((d, attempts))
}

/// Send a parked delivery again, now, with a fresh retry time; the delivery and its attempts as
/// the resend left them (read before the delivery worker is woken, so that the answer says
/// what the resend did, not how far the worker got). Errors: as [`get`]; 409 when it is not
/// parked, or its webhook was deleted.
pub async fn resend(
    app: &App,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(Delivery, Vec<Attempt>), AppError> {
    let (d, _) = get(app, actor, id).await?;
    if d.status != DeliveryStatus::Parked {
        return Err(AppError::Refused(format!(
            "delivery {id} is {}, not parked: only a parked delivery is re-sent",
            d.status.as_str()
        )));
    }
    if d.channel == Channel::Webhook {
        let alive = match d.target.parse::<Uuid>() {
            Ok(w) => app.store().webhook(w).await?.is_some(),
            Err(_) => false,
        };
        if !alive {
            return Err(AppError::Refused(format!(
                "delivery {id} was to webhook {}, which is deleted",
                d.target
            )));
        }
    }
    app.store().resend_delivery(id, now).await?;
    app.store()
        .audit(&[audit(
            actor,
            "notification.resend",
            None,
            now,
            format!(
                "delivery {id} of notification {} ({})",
                d.notification_id,
                d.channel.as_str()
            ),
        )])
        .await?;
    let resent = get(app, actor, id).await?;
    app.announce();
    Ok(resent)
}

/// How many deliveries of the whole node are pending, delivered and parked, for administrators'
/// monitoring (a growing `pending` count means a receiver or the SMTP server is down). Errors:
/// 403 for anyone but the administrator.
pub async fn counts(app: &App, actor: &Actor) -> Result<Vec<(DeliveryStatus, i64)>, AppError> {
    user_with(actor, &[Role::Admin], "the node's delivery figures")?;
    let found = app.store().delivery_counts().await?;
    Ok([
        DeliveryStatus::Pending,
        DeliveryStatus::Delivered,
        DeliveryStatus::Parked,
    ]
    .into_iter()
    .map(|s| {
        (
            s,
            found.iter().find(|(f, _)| *f == s).map_or(0, |(_, n)| *n),
        )
    })
    .collect())
}
