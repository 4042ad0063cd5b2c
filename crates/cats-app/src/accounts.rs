//! Signing in to the web pages: passwords (argon2id), failures and locks, server-side sessions,
//! languages, and what administrators do to accounts (issue 11).
//!
//! A session is a random 256-bit value in an HttpOnly cookie; the store keeps only its SHA-256,
//! with the CSRF token of its forms and when it ends. Ending a session, signing out, disabling a
//! user or resetting its password deletes the rows, so every instance on the database sees it at
//! once. Every sign-in, failure, lock and account change is in the audit log.

use chrono::{DateTime, Duration, Utc};

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};

use crate::app::{Actor, App};
use crate::auth::{hash_token, new_token, Role, User};
use crate::error::AppError;
use crate::history::audit;
use crate::store::{Account, Session};

/// Languages of the pages (ISO 639-1): English, Russian, Azerbaijani, Georgian, Kazakh.
pub const LANGUAGES: [&str; 5] = ["en", "ru", "az", "ka", "kk"];

/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// How signing in is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInPolicy {
    /// Failed sign-ins in a row that lock an account (default 5).
    pub max_failures: u32,
    /// How long a lock lasts (default 15 minutes).
    pub lock: Duration,
    /// How long a session lasts after signing in (default 12 hours).
    pub session: Duration,
}

impl Default for SignInPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            lock: Duration::minutes(15),
            session: Duration::hours(12),
        }
    }
}

/// Why a sign-in was refused. Unknown users, users without a password and wrong passwords are
/// one case, so that the answer does not tell which user names exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInRefused {
    /// The user name or the password is wrong.
    Wrong,
    /// Too many failures in a row: locked until then (UTC).
    Locked {
        /// End of the lock.
        until: DateTime<Utc>,
    },
    /// An administrator disabled the user.
    Disabled,
}

/// A successful sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The session cookie's value (shown once, kept only hashed).
    pub cookie: String,
    /// The session.
    pub session: Session,
    /// Who signed in.
    pub user: User,
}

/// The argon2id hash (PHC string) of `password`, with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Invalid(format!("the password cannot be hashed: {e}")))
}

/// Whether `password` matches the PHC string `hash` (false for a malformed hash).
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A new password's rules: at least [`MIN_PASSWORD_CHARS`] characters, not the user name.
/// Errors: [`AppError::Invalid`] saying which.
pub fn check_new_password(username: &str, password: &str) -> Result<(), AppError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::Invalid(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if password.eq_ignore_ascii_case(username) {
        return Err(AppError::Invalid(
            "the password must not be the user name".into(),
        ));
    }
    Ok(())
}

/// A random password for a new or reset account: 20 characters from an alphabet without look-alikes.
pub fn new_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

fn system(who: &str) -> Actor {
    Actor::System(who.into())
}

/// Sign `username` in with `password` at `now` under `policy`.
///
/// Returns the new session, or why not ([`SignInRefused`]); every attempt is audited, and the
/// lock too. A correct password during a lock is refused like the others (the lock runs out by
/// itself or an administrator resets the password).
pub async fn sign_in(
    app: &App,
    username: &str,
    password: &str,
    policy: &SignInPolicy,
    now: DateTime<Utc>,
) -> Result<Result<SignedIn, SignInRefused>, AppError> {
    let store = app.store();
    let user = store.user(username).await?;
    let account = store.account(username).await?;
    let (Some(user), Some(account)) = (user, account) else {
        // the same work as a real check, so that timing does not tell which names exist
        let _ = verify_password(dummy_hash(), password);
        note(
            app,
            username,
            now,
            "sign-in.failed",
            "unknown user or no password",
        )
        .await?;
        return Ok(Err(SignInRefused::Wrong));
    };
    if account.disabled {
        note(app, username, now, "sign-in.failed", "user disabled").await?;
        return Ok(Err(SignInRefused::Disabled));
    }
    if let Some(until) = account.locked_until.filter(|_| account.is_locked(now)) {
        note(
            app,
            username,
            now,
            "sign-in.failed",
            &format!("locked until {until}"),
        )
        .await?;
        return Ok(Err(SignInRefused::Locked { until }));
    }
    let ok = account
        .password_hash
        .as_deref()
        .is_some_and(|h| verify_password(h, password));
    if !ok {
        let after = store
            .sign_in_failed(username, policy.max_failures, now + policy.lock)
            .await?
            .unwrap_or(account);
        let detail = format!("wrong password ({} in a row)", after.failed_sign_ins);
        note(app, username, now, "sign-in.failed", &detail).await?;
        if let Some(until) = after.locked_until.filter(|_| after.is_locked(now)) {
            let detail = format!(
                "locked until {until} after {} failed sign-ins in a row",
                after.failed_sign_ins
            );
            note(app, username, now, "account.locked", &detail).await?;
            return Ok(Err(SignInRefused::Locked { until }));
        }
        return Ok(Err(SignInRefused::Wrong));
    }
    if account.failed_sign_ins > 0 || account.locked_until.is_some() {
        store
            .save_account(&Account {
                failed_sign_ins: 0,
                locked_until: None,
                ..account
            })
            .await?;
    }
    let cookie = new_token();
    let session = Session {
        token_hash: hash_token(&cookie),
        username: user.username.clone(),
        csrf: new_token(),
        created_at: now,
        expires_at: now + policy.session,
    };
    store.create_session(&session).await?;
    note(app, username, now, "sign-in", "signed in to the web pages").await?;
    Ok(Ok(SignedIn {
        cookie,
        session,
        user,
    }))
}

/// An argon2id hash of a random password nobody knows, to spend the same time on unknown users.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&new_password()).unwrap_or_default())
}

async fn note(
    app: &App,
    username: &str,
    now: DateTime<Utc>,
    action: &str,
    detail: &str,
) -> Result<(), AppError> {
    let actor = system(&format!("web:{username}"));
    app.store()
        .audit(&[audit(&actor, action, None, now, detail.to_string())])
        .await?;
    Ok(())
}

/// The session whose cookie is `cookie` and its user, if it is live at `now`.
pub async fn session(
    app: &App,
    cookie: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Session, User)>, AppError> {
    Ok(app.store().session(&hash_token(cookie), now).await?)
}

/// End the session whose cookie is `cookie` (signing out), audited.
pub async fn sign_out(app: &App, cookie: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    let hash = hash_token(cookie);
    if let Some((_, user)) = app.store().session(&hash, now).await? {
        app.store().end_session(&hash).await?;
        note(app, &user.username, now, "sign-out", "signed out").await?;
    }
    Ok(())
}

/// The user changes its own password: the current one must match; every other session ends.
/// Errors: [`AppError::Forbidden`] for a wrong current password, [`AppError::Invalid`] for a new
/// password that breaks [`check_new_password`].
pub async fn change_password(
    app: &App,
    user: &User,
    current: &str,
    new: &str,
    keep_session: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let account = app
        .store()
        .account(&user.username)
        .await?
        .ok_or_else(|| AppError::Forbidden("the current password is wrong".into()))?;
    if !account
        .password_hash
        .as_deref()
        .is_some_and(|h| verify_password(h, current))
    {
        note(
            app,
            &user.username,
            now,
            "password.change.refused",
            "wrong current password",
        )
        .await?;
        return Err(AppError::Forbidden("the current password is wrong".into()));
    }
    check_new_password(&user.username, new)?;
    app.store()
        .save_account(&Account {
            password_hash: Some(hash_password(new)?),
            failed_sign_ins: 0,
            locked_until: None,
            ..account
        })
        .await?;
    // other sessions end; this one goes on
    let store = app.store();
    let keep = store.session(&hash_token(keep_session), now).await?;
    store.end_sessions_of(&user.username).await?;
    if let Some((session, _)) = keep {
        store.create_session(&session).await?;
    }
    note(
        app,
        &user.username,
        now,
        "password.change",
        "password changed",
    )
    .await?;
    Ok(())
}

fn must_be_admin(actor: &Actor) -> Result<(), AppError> {
    match actor {
        Actor::System(_) => Ok(()),
        Actor::User(u) if u.role == Role::Admin => Ok(()),
        Actor::User(_) => Err(AppError::Forbidden(
            "only an administrator manages accounts".into(),
        )),
    }
}

async fn account_of(app: &App, username: &str) -> Result<Account, AppError> {
    if app.store().user(username).await?.is_none() {
        return Err(AppError::NotFound(format!("user {username}")));
    }
    Ok(app
        .store()
        .account(username)
        .await?
        .unwrap_or_else(|| Account::new(username, None)))
}

/// An administrator sets `username`'s password (a new account or a reset): the lock is lifted
/// and every session of the user ends. Errors: not an administrator, unknown user, a password
/// breaking [`check_new_password`].
pub async fn set_password(
    app: &App,
    actor: &Actor,
    username: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    must_be_admin(actor)?;
    check_new_password(username, password)?;
    let account = account_of(app, username).await?;
    app.store()
        .save_account(&Account {
            password_hash: Some(hash_password(password)?),
            failed_sign_ins: 0,
            locked_until: None,
            ..account
        })
        .await?;
    app.store().end_sessions_of(username).await?;
    app.store()
        .audit(&[audit(
            actor,
            "password.reset",
            None,
            now,
            format!("password of {username} set by an administrator; its sessions ended"),
        )])
        .await?;
    Ok(())
}

/// An administrator disables (or enables again) `username`; disabling ends its sessions at once.
pub async fn set_disabled(
    app: &App,
    actor: &Actor,
    username: &str,
    disabled: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    must_be_admin(actor)?;
    let account = account_of(app, username).await?;
    app.store()
        .save_account(&Account {
            disabled,
            ..account
        })
        .await?;
    let ended = if disabled {
        app.store().end_sessions_of(username).await?
    } else {
        0
    };
    let what = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    app.store()
        .audit(&[audit(
            actor,
            what,
            None,
            now,
            format!("{username} {what}d; {ended} session(s) ended"),
        )])
        .await?;
    Ok(())
}

/// The user's chosen language for the pages. Errors: [`AppError::Invalid`] for a language not in
/// [`LANGUAGES`].
pub async fn set_language(app: &App, user: &User, language: &str) -> Result<(), AppError> {
    if !LANGUAGES.contains(&language) {
        return Err(AppError::Invalid(format!(
            "language {language} is not one of {}",
            LANGUAGES.join(", ")
        )));
    }
    let account = account_of(app, &user.username).await?;
    app.store()
        .save_account(&Account {
            language: Some(language.to_string()),
            ..account
        })
        .await?;
    Ok(())
}

/// The language the user chose, if any.
pub async fn language_of(app: &App, username: &str) -> Result<Option<String>, AppError> {
    Ok(app
        .store()
        .account(username)
        .await?
        .and_then(|a| a.language))
}

/// Every user with its sign-in account, for the administrator. Errors: [`AppError::Forbidden`]
/// for anyone else.
pub async fn users(app: &App, actor: &Actor) -> Result<Vec<(User, Option<Account>)>, AppError> {
    must_be_admin(actor)?;
    Ok(app.store().users().await?)
}

/// An administrator gives `username` a new random password (returned once, to hand over), lifts
/// its lock and ends its sessions ([`set_password`]).
pub async fn reset_password(
    app: &App,
    actor: &Actor,
    username: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let password = new_password();
    set_password(app, actor, username, &password, now).await?;
    Ok(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_argon2id_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse batterY"));
        assert!(!verify_password("not a hash", "x"));
        assert!(!verify_password(dummy_hash(), "anything"));
    }

    #[test]
    fn new_passwords_are_long_enough_and_not_the_name() {
        assert!(check_new_password("silkway", "short").is_err());
        assert!(check_new_password("silkway.admin", "SILKWAY.ADMIN").is_err());
        assert!(check_new_password("silkway", "long enough pass").is_ok());
        let p = new_password();
        assert_eq!(p.chars().count(), 20);
        assert!(check_new_password("silkway", &p).is_ok());
    }
}
