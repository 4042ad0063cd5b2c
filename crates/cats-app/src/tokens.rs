//! API tokens: issued per user, kept hashed, shown once.

use chrono::{DateTime, Utc};

use crate::app::{Actor, App};
use crate::auth::{hash_token, new_token, User};
use crate::error::AppError;
use crate::history::audit;

/// Issue a new API token for `username` and return it (the only time it is shown).
/// Errors: [`AppError::NotFound`] for an unknown user.
pub async fn issue(
    app: &App,
    actor: &Actor,
    username: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    app.store()
        .user(username)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("user {username}")))?;
    let token = new_token();
    app.store()
        .add_token(username, &hash_token(&token), now)
        .await?;
    app.store()
        .audit(&[audit(
            actor,
            "token.issue",
            None,
            now,
            format!("token issued for {username}"),
        )])
        .await?;
    Ok(token)
}

/// The user owning `token`, if any.
pub async fn authenticate(app: &App, token: &str) -> Result<Option<User>, AppError> {
    Ok(app.store().user_by_token(&hash_token(token)).await?)
}
