//! Sign-in accounts and web sessions (issue 11).

use chrono::{DateTime, Utc};

use cats_app::auth::User;
use cats_app::store::{Account, Session, StoreError};

use crate::parties::user_from_row;
use crate::sql::{Db, Row, Sql};

fn account_from_row(r: &Row) -> Result<Account, StoreError> {
    Ok(Account {
        username: r.text("username")?,
        password_hash: r.opt_text("password_hash")?,
        failed_sign_ins: u32::try_from(r.int4("failed_sign_ins")?)
            .map_err(|_| StoreError::corrupt("accounts.failed_sign_ins is negative"))?,
        locked_until: r.opt_time("locked_until")?,
        disabled: r.flag("disabled")?,
        language: r.opt_text("language")?,
    })
}

/// The account of `username`.
pub(crate) async fn account(
    db: &mut Db<'_>,
    username: &str,
) -> Result<Option<Account>, StoreError> {
    Sql::new("SELECT * FROM accounts WHERE username = $1")
        .bind(username)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(account_from_row)
        .transpose()
}

/// Insert or replace an account.
pub(crate) async fn save_account(db: &mut Db<'_>, a: &Account) -> Result<(), StoreError> {
    Sql::new(
        "INSERT INTO accounts (username, password_hash, failed_sign_ins, locked_until, disabled,
           language)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash,
           failed_sign_ins = EXCLUDED.failed_sign_ins, locked_until = EXCLUDED.locked_until,
           disabled = EXCLUDED.disabled, language = EXCLUDED.language",
    )
    .bind(&a.username)
    .bind(a.password_hash.as_deref())
    .bind(i32::try_from(a.failed_sign_ins).unwrap_or(i32::MAX))
    .bind(a.locked_until)
    .bind(a.disabled)
    .bind(a.language.as_deref())
    .execute(db)
    .await?;
    Ok(())
}

/// One more failure in a row; the lock at `max` failures.
pub(crate) async fn sign_in_failed(
    db: &mut Db<'_>,
    username: &str,
    max: u32,
    lock_until: DateTime<Utc>,
) -> Result<Option<Account>, StoreError> {
    Sql::new(
        "UPDATE accounts SET failed_sign_ins = failed_sign_ins + 1,
           locked_until = CASE WHEN failed_sign_ins + 1 >= $2 THEN $3 ELSE locked_until END
         WHERE username = $1
         RETURNING *",
    )
    .bind(username)
    .bind(i32::try_from(max).unwrap_or(i32::MAX))
    .bind(lock_until)
    .fetch_optional(db)
    .await?
    .as_ref()
    .map(account_from_row)
    .transpose()
}

/// Keep a session.
pub(crate) async fn create_session(db: &mut Db<'_>, s: &Session) -> Result<(), StoreError> {
    Sql::new(
        "INSERT INTO sessions (token_hash, username, csrf, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&s.token_hash)
    .bind(&s.username)
    .bind(&s.csrf)
    .bind(s.created_at)
    .bind(s.expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// A live session and its user.
pub(crate) async fn session(
    db: &mut Db<'_>,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Session, User)>, StoreError> {
    let Some(r) = Sql::new(
        "SELECT s.token_hash, s.csrf, s.created_at, s.expires_at, u.*
         FROM sessions s JOIN users u ON u.username = s.username
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await?
    else {
        return Ok(None);
    };
    let user = user_from_row(&r)?;
    let session = Session {
        token_hash: r.text("token_hash")?,
        username: user.username.clone(),
        csrf: r.text("csrf")?,
        created_at: r.time("created_at")?,
        expires_at: r.time("expires_at")?,
    };
    Ok(Some((session, user)))
}

/// End one session.
pub(crate) async fn end_session(db: &mut Db<'_>, token_hash: &str) -> Result<(), StoreError> {
    Sql::new("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// End every session of a user.
pub(crate) async fn end_sessions_of(db: &mut Db<'_>, username: &str) -> Result<u64, StoreError> {
    Sql::new("DELETE FROM sessions WHERE username = $1")
        .bind(username)
        .execute(db)
        .await
}

/// Every account, by username (for dumps; sessions are not kept across a copy).
pub(crate) async fn accounts(db: &mut Db<'_>) -> Result<Vec<Account>, StoreError> {
    Sql::new("SELECT * FROM accounts ORDER BY username")
        .fetch_all(db)
        .await?
        .iter()
        .map(account_from_row)
        .collect()
}

/// Every user with its account, by user name.
pub(crate) async fn users(db: &mut Db<'_>) -> Result<Vec<(User, Option<Account>)>, StoreError> {
    let users: Vec<User> = Sql::new("SELECT * FROM users ORDER BY username")
        .fetch_all(db)
        .await?
        .iter()
        .map(user_from_row)
        .collect::<Result<_, _>>()?;
    let mut accounts: std::collections::HashMap<String, Account> = accounts(db)
        .await?
        .into_iter()
        .map(|a| (a.username.clone(), a))
        .collect();
    Ok(users
        .into_iter()
        .map(|u| {
            let a = accounts.remove(&u.username);
            (u, a)
        })
        .collect())
}
