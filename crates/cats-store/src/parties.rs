//! Parties, users and API tokens.

use chrono::{DateTime, Utc};

use cats_app::auth::{Role, User};
use cats_app::store::{Party, StoreError, StoredToken};
use cats_domain::ids::{CountryCode, Eori, OfficeRef};

use crate::sql::{Db, Row, Sql};

pub(crate) fn user_from_row(r: &Row) -> Result<User, StoreError> {
    Ok(User {
        username: r.text("username")?,
        role: r.parsed("role", |s| Role::parse(s).ok_or("not a role"))?,
        party: r.opt_ident("party", Eori::parse)?,
        office_country: r.opt_ident("office_country", CountryCode::parse)?,
        risk_analyst: r.flag("risk_analyst")?,
        offices: r.ident_list("offices", OfficeRef::parse)?,
    })
}

fn party_from_row(r: &Row) -> Result<Party, StoreError> {
    Ok(Party {
        identification_number: r.ident("identification_number", Eori::parse)?,
        name: r.text("name")?,
        kind: r.text("kind")?,
        status: r.text("status")?,
        country: r.ident("country", CountryCode::parse)?,
        active: r.flag("active")?,
    })
}

/// Insert or update a party.
pub(crate) async fn save_party(db: &mut Db<'_>, p: &Party) -> Result<(), StoreError> {
    Sql::new(
        "INSERT INTO parties (identification_number, name, kind, status, country, active)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (identification_number) DO UPDATE SET name = EXCLUDED.name,
           kind = EXCLUDED.kind, status = EXCLUDED.status, country = EXCLUDED.country,
           active = EXCLUDED.active",
    )
    .bind(&p.identification_number)
    .bind(&p.name)
    .bind(&p.kind)
    .bind(&p.status)
    .bind(p.country)
    .bind(p.active)
    .execute(db)
    .await?;
    Ok(())
}

/// Insert or update a user.
pub(crate) async fn save_user(db: &mut Db<'_>, u: &User) -> Result<(), StoreError> {
    Sql::new(
        "INSERT INTO users (username, role, party, office_country, risk_analyst, offices)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (username) DO UPDATE SET role = EXCLUDED.role, party = EXCLUDED.party,
           office_country = EXCLUDED.office_country, risk_analyst = EXCLUDED.risk_analyst,
           offices = EXCLUDED.offices",
    )
    .bind(&u.username)
    .bind(u.role.as_str())
    .bind(&u.party)
    .bind(u.office_country.as_ref())
    .bind(u.risk_analyst)
    .bind(
        u.offices
            .iter()
            .map(|o| o.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Keep a token hash.
pub(crate) async fn add_token(db: &mut Db<'_>, t: &StoredToken) -> Result<(), StoreError> {
    Sql::new(
        "INSERT INTO api_tokens
           (token_hash, username, created_at, label, expires_at, last_used_at, revoked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(t.token_hash.as_str())
    .bind(t.username.as_str())
    .bind(t.created_at)
    .bind(t.label.as_str())
    .bind(t.expires_at)
    .bind(t.last_used_at)
    .bind(t.revoked_at)
    .execute(db)
    .await?;
    Ok(())
}

pub(crate) fn token_from_row(r: &Row) -> Result<StoredToken, StoreError> {
    Ok(StoredToken {
        token_hash: r.text("token_hash")?,
        username: r.text("username")?,
        created_at: r.time("created_at")?,
        label: r.text("label")?,
        expires_at: r.opt_time("expires_at")?,
        last_used_at: r.opt_time("last_used_at")?,
        revoked_at: r.opt_time("revoked_at")?,
    })
}

/// The token with this hash.
pub(crate) async fn token(db: &mut Db<'_>, hash: &str) -> Result<Option<StoredToken>, StoreError> {
    Sql::new("SELECT * FROM api_tokens WHERE token_hash = $1")
        .bind(hash)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(token_from_row)
        .transpose()
}

/// The tokens of `username` (everyone's with `None`), newest first.
pub(crate) async fn tokens(
    db: &mut Db<'_>,
    username: Option<&str>,
) -> Result<Vec<StoredToken>, StoreError> {
    let sql = match username {
        Some(u) => Sql::new(
            "SELECT * FROM api_tokens WHERE username = $1 ORDER BY created_at DESC, token_hash",
        )
        .bind(u),
        None => Sql::new("SELECT * FROM api_tokens ORDER BY created_at DESC, token_hash"),
    };
    sql.fetch_all(db)
        .await?
        .iter()
        .map(token_from_row)
        .collect()
}

/// Revoke the token with this hash unless already revoked; whether it was revoked now.
pub(crate) async fn revoke_token(
    db: &mut Db<'_>,
    hash: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = Sql::new(
        "UPDATE api_tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(hash)
    .execute(db)
    .await?;
    Ok(n > 0)
}

/// Record the token's last use.
pub(crate) async fn touch_token(
    db: &mut Db<'_>,
    hash: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    Sql::new("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
        .bind(at)
        .bind(hash)
        .execute(db)
        .await?;
    Ok(())
}

/// The party with this identification number.
pub(crate) async fn party(db: &mut Db<'_>, id: &Eori) -> Result<Option<Party>, StoreError> {
    Sql::new("SELECT * FROM parties WHERE identification_number = $1")
        .bind(id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(party_from_row)
        .transpose()
}

/// The user with this name.
pub(crate) async fn user(db: &mut Db<'_>, username: &str) -> Result<Option<User>, StoreError> {
    Sql::new("SELECT * FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(user_from_row)
        .transpose()
}

/// Every party, by identification number.
pub(crate) async fn parties(db: &mut Db<'_>) -> Result<Vec<Party>, StoreError> {
    Sql::new("SELECT * FROM parties ORDER BY identification_number")
        .fetch_all(db)
        .await?
        .iter()
        .map(party_from_row)
        .collect()
}

/// Every party, user and token, in key order (for dumps).
pub(crate) async fn everyone(
    db: &mut Db<'_>,
) -> Result<(Vec<Party>, Vec<User>, Vec<StoredToken>), StoreError> {
    let parties = parties(db).await?;
    let users = Sql::new("SELECT * FROM users ORDER BY username")
        .fetch_all(db)
        .await?
        .iter()
        .map(user_from_row)
        .collect::<Result<_, _>>()?;
    let tokens = Sql::new("SELECT * FROM api_tokens ORDER BY created_at, token_hash")
        .fetch_all(db)
        .await?
        .iter()
        .map(token_from_row)
        .collect::<Result<_, StoreError>>()?;
    Ok((parties, users, tokens))
}
