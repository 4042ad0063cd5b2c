//! Webhook endpoints of a party (`POST /webhooks`, `GET /webhooks`, `DELETE /webhooks/{id}`).

use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::{EventType, Webhook, WebhookFormat};
use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::history::audit;
use crate::registers::{party_of, user_with};

/// Most endpoints a party may register.
pub const MAX_ENDPOINTS: usize = 20;

/// An endpoint to register (`POST /webhooks`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewWebhook {
    /// Where to post: `https://…`; `http://` only to a loopback address (`127.0.0.1`, `::1`,
    /// `localhost`). At most 2,000 characters.
    pub url: String,
    /// The event types it receives (`movement.released` …); absent or empty: every type.
    #[serde(default)]
    pub events: Option<Vec<String>>,
    /// `cats` (default) or `hmrc`: HMRC's push notification body, for software written for
    /// HMRC's CTC Traders API (only notifications that come with an NCTS message).
    #[serde(default)]
    pub format: Option<String>,
}

/// Check a webhook URL: absolute, `https`, or `http` to a loopback host; no user or password in
/// it; at most 2,000 characters. Errors say what is wrong.
pub fn check_url(url: &str) -> Result<(), String> {
    if url.len() > 2000 {
        return Err(format!("url: {} characters, at most 2000", url.len()));
    }
    let rest = match url.split_once("://") {
        Some(("https", rest)) => (true, rest),
        Some(("http", rest)) => (false, rest),
        _ => {
            return Err(
                "url: must start with https:// (http:// only for a loopback address)".into(),
            )
        }
    };
    let (secure, rest) = rest;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err("url: must not carry a user name or password".into());
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err("url: has no host".into());
    }
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !secure && !loopback {
        return Err(format!(
            "url: http:// is accepted only for a loopback address, not {host}; use https://"
        ));
    }
    Ok(())
}

/// The event types of a registration, each checked. Errors name the position and list the
/// types.
pub fn parse_events(given: &[String]) -> Result<Vec<EventType>, String> {
    let mut out = Vec::new();
    for (i, s) in given.iter().enumerate() {
        let e = EventType::parse(s).ok_or_else(|| {
            format!(
                "events[{i}]: {s:?} is not an event type; one of {}",
                EventType::ALL.map(|e| e.as_str()).join(", ")
            )
        })?;
        if !out.contains(&e) {
            out.push(e);
        }
    }
    Ok(out)
}

/// Register an endpoint for the actor's company. The answer carries its secret, which is never
/// shown again.
///
/// Errors: 403 for anyone but a trader or insurer user; 400 for a URL or event type refused
/// ([`check_url`], [`parse_events`]); 409 beyond [`MAX_ENDPOINTS`].
pub async fn register(
    app: &App,
    actor: &Actor,
    body: NewWebhook,
    now: DateTime<Utc>,
) -> Result<Webhook, AppError> {
    let user = user_with(
        actor,
        &[Role::Trader, Role::Insurer],
        "registering a webhook",
    )?;
    let party = party_of(user)?.clone();
    check_url(body.url.trim()).map_err(AppError::Invalid)?;
    let events =
        parse_events(body.events.as_deref().unwrap_or_default()).map_err(AppError::Invalid)?;
    let format = match body.format.as_deref().map(str::trim) {
        None | Some("") => WebhookFormat::Cats,
        Some(f) => WebhookFormat::parse(f)
            .ok_or_else(|| AppError::Invalid(format!("format: {f:?} is not cats or hmrc")))?,
    };
    if app.store().webhooks(&party).await?.len() >= MAX_ENDPOINTS {
        return Err(AppError::Refused(format!(
            "company {party} has {MAX_ENDPOINTS} webhook endpoints, the most allowed; delete one first"
        )));
    }
    let hook = Webhook {
        id: Uuid::new_v4(),
        party,
        url: body.url.trim().to_string(),
        events,
        format,
        secret: format!("whsec_{}", hex::encode(rand::random::<[u8; 32]>())),
        created_by: user.username.clone(),
        created_at: now,
    };
    app.store().save_webhook(&hook).await?;
    app.store()
        .audit(&[audit(
            actor,
            "webhook.register",
            None,
            now,
            format!("webhook {} of {} to {}", hook.id, hook.party, hook.url),
        )])
        .await?;
    Ok(hook)
}

/// The endpoints of the actor's company. Errors: 403 for anyone but a trader or insurer user.
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<Webhook>, AppError> {
    let user = user_with(actor, &[Role::Trader, Role::Insurer], "webhooks")?;
    Ok(app.store().webhooks(party_of(user)?).await?)
}

/// The endpoint `id` of the actor's company. Errors: 403 as [`list`]; 404 for another
/// company's or a deleted one.
pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<Webhook, AppError> {
    let user = user_with(actor, &[Role::Trader, Role::Insurer], "webhooks")?;
    let party = party_of(user)?;
    app.store()
        .webhook(id)
        .await?
        .filter(|w| &w.party == party)
        .ok_or_else(|| AppError::NotFound(format!("webhook {id}")))
}

/// Delete an endpoint of the actor's company; its pending deliveries are parked. Errors as
/// [`get`].
pub async fn delete(
    app: &App,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let hook = get(app, actor, id).await?;
    app.store().delete_webhook(id, now).await?;
    app.store()
        .audit(&[audit(
            actor,
            "webhook.delete",
            None,
            now,
            format!("webhook {} of {} to {}", hook.id, hook.party, hook.url),
        )])
        .await?;
    Ok(())
}
