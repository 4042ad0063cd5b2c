//! API tokens (issue 15): issued per user, shown once and kept hashed (SHA-256), each with an
//! expiry (default [`DEFAULT_DAYS`] days), its last use recorded (to the minute), revocable by
//! its owner or an administrator. Issuing and revoking are audited.

use chrono::{DateTime, Duration, Utc};

use crate::app::{Actor, App};
use crate::auth::{hash_token, new_token, User};
use crate::error::AppError;
use crate::history::audit;
use crate::store::StoredToken;

/// Days a token is valid when nothing else is said (`CATS_TOKEN_DAYS` on the node).
pub const DEFAULT_DAYS: i64 = 90;

/// The longest validity a token may be issued with, in days (two years).
pub const MAX_DAYS: i64 = 730;

/// A token's use is recorded at most once per this many seconds.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// Issue a new API token for `username`, valid `days` days from `now` (1 to [`MAX_DAYS`];
/// `None`: the node's default), and return it with its record (the only time the token itself
/// is shown). Errors: [`AppError::NotFound`] for an unknown user, [`AppError::Invalid`] for a
/// validity outside 1 to [`MAX_DAYS`] days or a label over 100 characters.
pub async fn issue_for(
    app: &App,
    actor: &Actor,
    username: &str,
    label: &str,
    days: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(String, StoredToken), AppError> {
    app.store()
        .user(username)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("user {username}")))?;
    let days = days.unwrap_or(app.token_days());
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(AppError::Invalid(format!(
            "days: {days} is not 1 to {MAX_DAYS}"
        )));
    }
    let label = label.trim();
    if label.chars().count() > 100 {
        return Err(AppError::Invalid(
            "label: at most 100 characters".to_string(),
        ));
    }
    let token = new_token();
    let record = StoredToken::new(
        &hash_token(&token),
        username,
        label,
        now,
        now + Duration::days(days),
    );
    app.store().add_token(&record).await?;
    app.store()
        .audit(&[audit(
            actor,
            "token.issue",
            None,
            now,
            format!(
                "token {} issued for {username}, valid until {}",
                record.id(),
                record.expiry().format("%Y-%m-%d")
            ),
        )])
        .await?;
    Ok((token, record))
}

/// Issue a new API token for `username` with the node's default validity and return it.
/// Errors: as [`issue_for`].
pub async fn issue(
    app: &App,
    actor: &Actor,
    username: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    Ok(issue_for(app, actor, username, "", None, now).await?.0)
}

/// What a presented token turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Presented {
    /// Valid: its user.
    Valid(User),
    /// Known but past its expiry (UTC).
    Expired(DateTime<Utc>),
    /// Known but revoked (UTC).
    Revoked(DateTime<Utc>),
    /// Not a token of this node (or its user is gone).
    Unknown,
}

/// Check `token` at `now`; a valid one's use is recorded (at most once a minute).
pub async fn check(app: &App, token: &str, now: DateTime<Utc>) -> Result<Presented, AppError> {
    let hash = hash_token(token);
    let Some(t) = app.store().token(&hash).await? else {
        return Ok(Presented::Unknown);
    };
    if let Some(at) = t.revoked_at {
        return Ok(Presented::Revoked(at));
    }
    if now >= t.expiry() {
        return Ok(Presented::Expired(t.expiry()));
    }
    let Some(user) = app.store().user(&t.username).await? else {
        return Ok(Presented::Unknown);
    };
    if t.last_used_at
        .is_none_or(|at| now - at >= Duration::seconds(TOUCH_EVERY_SECONDS))
    {
        app.store().touch_token(&hash, now).await?;
    }
    Ok(Presented::Valid(user))
}

/// The user owning `token`, if it is valid now.
pub async fn authenticate(app: &App, token: &str) -> Result<Option<User>, AppError> {
    Ok(match check(app, token, Utc::now()).await? {
        Presented::Valid(user) => Some(user),
        _ => None,
    })
}

/// The tokens `viewer` may see, newest first: its own; an administrator's view is every user's,
/// or `username`'s when given.
pub async fn list(
    app: &App,
    viewer: &User,
    username: Option<&str>,
) -> Result<Vec<StoredToken>, AppError> {
    let admin = viewer.role == crate::auth::Role::Admin;
    let of = match (admin, username) {
        (true, u) => u,
        (false, _) => Some(viewer.username.as_str()),
    };
    Ok(app.store().tokens(of).await?)
}

/// Revoke the token with public id `id` (16 hexadecimal digits, [`StoredToken::id`]) at `now`:
/// its owner or an administrator. Returns it as it now is. Errors: [`AppError::NotFound`] for
/// an unknown id or another user's token (to a non-administrator), [`AppError::Refused`] for a
/// token already revoked.
pub async fn revoke(
    app: &App,
    actor: &Actor,
    id: &str,
    now: DateTime<Utc>,
) -> Result<StoredToken, AppError> {
    let viewer = match actor {
        Actor::User(u) => Some(u),
        _ => None,
    };
    let all = match viewer {
        Some(u) => list(app, u, None).await?,
        None => app.store().tokens(None).await?,
    };
    let id = id.trim().to_ascii_lowercase();
    let found = all
        .into_iter()
        .find(|t| id.len() == 16 && t.id() == id)
        .ok_or_else(|| AppError::NotFound(format!("token {id}")))?;
    if found.revoked_at.is_some() {
        return Err(AppError::Refused(format!("token {id} is already revoked")));
    }
    app.store().revoke_token(&found.token_hash, now).await?;
    app.store()
        .audit(&[audit(
            actor,
            "token.revoke",
            None,
            now,
            format!("token {id} of {} revoked", found.username),
        )])
        .await?;
    Ok(StoredToken {
        revoked_at: Some(now),
        ..found
    })
}
