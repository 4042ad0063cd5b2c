//! What the store keeps for people who sign in: accounts (password, lock, language) and sessions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A user's sign-in account. One per user who may sign in to the web pages; API tokens do not
/// need one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The user (`users.username`).
    pub username: String,
    /// The password as an argon2id PHC string (`$argon2id$v=19$…`); `None`: no password set.
    pub password_hash: Option<String>,
    /// Failed sign-ins in a row since the last success.
    pub failed_sign_ins: u32,
    /// Locked until then (UTC) after too many failures in a row.
    pub locked_until: Option<DateTime<Utc>>,
    /// A disabled user cannot sign in, and its sessions end.
    pub disabled: bool,
    /// The language the user chose for the pages (`en`, `ru`, `az`, `ka`, `kk`), if any.
    pub language: Option<String>,
}

impl Account {
    /// A new account for `username` with this password hash.
    pub fn new(username: &str, password_hash: Option<String>) -> Self {
        Self {
            username: username.to_string(),
            password_hash,
            failed_sign_ins: 0,
            locked_until: None,
            disabled: false,
            language: None,
        }
    }

    /// Whether the account is locked at `now`.
    pub fn is_locked(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }
}

/// A server-side session of the web pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Hex SHA-256 of the session cookie's value (the value itself is never stored).
    pub token_hash: String,
    /// Who is signed in.
    pub username: String,
    /// The CSRF token every form of this session carries.
    pub csrf: String,
    /// When it began (UTC).
    pub created_at: DateTime<Utc>,
    /// When it ends (UTC) unless ended before.
    pub expires_at: DateTime<Utc>,
}

/// A declaration the trader is still filling in on the Single Transit Document form: kept per
/// company (holder of the transit procedure) until it is lodged and accepted, or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// Its id.
    pub id: uuid::Uuid,
    /// The company whose draft it is (the holder of the transit procedure).
    pub holder: cats_domain::ids::Eori,
    /// The LRN typed so far (free text until lodged), for the list of drafts.
    pub lrn: String,
    /// The form's fields: each CC015C element's pointer (`/CC015C/TransitOperation/LRN`,
    /// `/CC015C/Consignment/HouseConsignment[1]/grossMass`) and its text as typed.
    pub fields: std::collections::BTreeMap<String, String>,
    /// Who saved it last.
    pub saved_by: String,
    /// When it was first saved (UTC).
    pub created_at: DateTime<Utc>,
    /// When it was saved last (UTC).
    pub updated_at: DateTime<Utc>,
}
