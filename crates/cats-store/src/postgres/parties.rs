//! Parties, users and API tokens.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use cats_app::auth::{Role, User};
use cats_app::store::{Party, StoreError};

use super::{backend, micros, pg, PgStore};

pub(super) fn user_from_row(row: &PgRow) -> Result<User, StoreError> {
    let role: String = row.get("role");
    Ok(User {
        username: row.get("username"),
        role: Role::parse(&role).ok_or_else(|| backend(format!("unknown role {role}")))?,
        party: row.get("party"),
        office_country: row.get("office_country"),
        risk_analyst: row.get("risk_analyst"),
    })
}

pub(super) fn party_from_row(r: &PgRow) -> Party {
    Party {
        identification_number: r.get("identification_number"),
        name: r.get("name"),
        kind: r.get("kind"),
        status: r.get("status"),
        country: r.get("country"),
        active: r.get("active"),
    }
}

/// Insert or update a party.
pub(super) async fn save_party(conn: &mut PgConnection, p: &Party) -> Result<(), StoreError> {
    sqlx::query(
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
    .bind(&p.country)
    .bind(p.active)
    .execute(conn)
    .await
    .map_err(pg)?;
    Ok(())
}

/// Insert or update a user.
pub(super) async fn save_user(conn: &mut PgConnection, u: &User) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO users (username, role, party, office_country, risk_analyst)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (username) DO UPDATE SET role = EXCLUDED.role, party = EXCLUDED.party,
           office_country = EXCLUDED.office_country, risk_analyst = EXCLUDED.risk_analyst",
    )
    .bind(&u.username)
    .bind(u.role.as_str())
    .bind(&u.party)
    .bind(&u.office_country)
    .bind(u.risk_analyst)
    .execute(conn)
    .await
    .map_err(pg)?;
    Ok(())
}

/// Keep a token hash.
pub(super) async fn add_token(
    conn: &mut PgConnection,
    username: &str,
    hash: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO api_tokens (token_hash, username, created_at) VALUES ($1, $2, $3)")
        .bind(hash)
        .bind(username)
        .bind(micros(at))
        .execute(conn)
        .await
        .map_err(pg)?;
    Ok(())
}

impl PgStore {
    pub(super) async fn party_impl(&self, id: &str) -> Result<Option<Party>, StoreError> {
        let row = sqlx::query("SELECT * FROM parties WHERE identification_number = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(pg)?;
        Ok(row.as_ref().map(party_from_row))
    }

    pub(super) async fn user_impl(&self, username: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query("SELECT * FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await
            .map_err(pg)?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub(super) async fn user_by_token_impl(&self, hash: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(
            "SELECT u.* FROM api_tokens t JOIN users u ON u.username = t.username
             WHERE t.token_hash = $1",
        )
        .bind(hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(pg)?;
        row.as_ref().map(user_from_row).transpose()
    }
}
