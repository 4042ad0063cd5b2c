//! A user's inbox (its company's notifications, read and unread), its preferences and its
//! contact details.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use cats_domain::ids::Eori;

use super::store::{Contact, InboxItem, InboxQuery};
use super::{Channel, EventType, Preference};
use crate::app::{Actor, App};
use crate::auth::User;
use crate::error::AppError;

/// The user and its company. Errors: [`AppError::Forbidden`] for a user of no company
/// (officers, the administrator) or no user.
pub fn reader(actor: &Actor) -> Result<(&User, &Eori), AppError> {
    let user = actor
        .user()
        .ok_or_else(|| AppError::Forbidden("notifications are for signed-in users".into()))?;
    let party = user.party.as_ref().ok_or_else(|| {
        AppError::Forbidden(
            "notifications are for the users of a company (traders, insurers)".into(),
        )
    })?;
    Ok((user, party))
}

/// The actor's notifications. Errors as [`reader`].
pub async fn list(
    app: &App,
    actor: &Actor,
    mut query: InboxQuery,
) -> Result<Vec<InboxItem>, AppError> {
    let (user, party) = reader(actor)?;
    query.limit = query.limit.clamp(1, 1000);
    Ok(app.store().inbox(party, &user.username, query).await?)
}

/// How many notifications the actor has not read. Errors as [`reader`].
pub async fn unread(app: &App, actor: &Actor) -> Result<i64, AppError> {
    let (user, party) = reader(actor)?;
    Ok(app.store().unread_count(party, &user.username).await?)
}

/// Mark notifications read (`ids`; empty: all). How many were newly marked. Errors as
/// [`reader`].
pub async fn mark_read(
    app: &App,
    actor: &Actor,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let (user, party) = reader(actor)?;
    let n = app
        .store()
        .mark_read(party, &user.username, ids, now)
        .await?;
    app.announce();
    Ok(n)
}

/// A user's choice for one event type, as the API and the page show it: each channel with the
/// default applied where nothing was chosen.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventChoice {
    /// The event type.
    pub event: EventType,
    /// By e-mail (default yes).
    pub email: bool,
    /// By SMS (default no).
    pub sms: bool,
}

/// The actor's choices for every event type. Errors as [`reader`].
pub async fn preferences(app: &App, actor: &Actor) -> Result<Vec<EventChoice>, AppError> {
    let (user, _) = reader(actor)?;
    let set = app.store().preferences(&user.username).await?;
    let chosen = |event: EventType, channel: Channel| {
        set.iter()
            .find(|p| p.event == event && p.channel == channel)
            .map_or(channel.on_by_default(), |p| p.enabled)
    };
    Ok(EventType::ALL
        .into_iter()
        .map(|event| EventChoice {
            event,
            email: chosen(event, Channel::Email),
            sms: chosen(event, Channel::Sms),
        })
        .collect())
}

/// Set the actor's choices; event types not given keep theirs. Errors as [`reader`].
pub async fn set_preferences(
    app: &App,
    actor: &Actor,
    choices: &[EventChoice],
) -> Result<Vec<EventChoice>, AppError> {
    let (user, _) = reader(actor)?;
    let mut set = app.store().preferences(&user.username).await?;
    for c in choices {
        set.retain(|p| p.event != c.event);
        set.push(Preference {
            event: c.event,
            channel: Channel::Email,
            enabled: c.email,
        });
        set.push(Preference {
            event: c.event,
            channel: Channel::Sms,
            enabled: c.sms,
        });
    }
    app.store().set_preferences(&user.username, &set).await?;
    preferences(app, actor).await
}

/// Check an e-mail address: `local@domain`, no spaces, a dot in the domain, at most 254
/// characters (RFC 5321).
pub fn check_email(s: &str) -> Result<(), String> {
    let ok = s.len() <= 254
        && !s.contains(char::is_whitespace)
        && s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && local.len() <= 64
                && domain.contains('.')
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    ok.then_some(())
        .ok_or_else(|| format!("email: {s:?} is not an e-mail address (local@domain)"))
}

/// Check a phone number: E.164 (ITU-T), `+` and 7 to 15 digits, the first not 0.
pub fn check_phone(s: &str) -> Result<(), String> {
    let digits = s.strip_prefix('+').unwrap_or_default();
    let ok = (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    ok.then_some(())
        .ok_or_else(|| format!("phone: {s:?} is not an E.164 number (+ and 7 to 15 digits)"))
}

/// The actor's contact details. Errors: 403 without a user.
pub async fn contact(app: &App, actor: &Actor) -> Result<Contact, AppError> {
    let user = actor
        .user()
        .ok_or_else(|| AppError::Forbidden("contact details are for signed-in users".into()))?;
    Ok(app.store().contact(&user.username).await?)
}

/// Set the actor's contact details (empty strings clear them). Errors: 403 without a user; 400
/// for an address or number refused ([`check_email`], [`check_phone`]).
pub async fn set_contact(app: &App, actor: &Actor, given: Contact) -> Result<Contact, AppError> {
    let user = actor
        .user()
        .ok_or_else(|| AppError::Forbidden("contact details are for signed-in users".into()))?;
    let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let c = Contact {
        email: clean(given.email),
        phone: clean(given.phone),
    };
    if let Some(e) = &c.email {
        check_email(e).map_err(AppError::Invalid)?;
    }
    if let Some(p) = &c.phone {
        check_phone(p).map_err(AppError::Invalid)?;
    }
    app.store().set_contact(&user.username, &c).await?;
    Ok(c)
}
