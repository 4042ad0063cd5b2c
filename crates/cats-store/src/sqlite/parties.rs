//! Parties, users and API tokens.

use chrono::{DateTime, Utc};
use sqlx::Row;

use cats_app::auth::{Role, User};
use cats_app::store::{Party, StoreError};

use super::{backend, SqliteStore};
use crate::ts;

fn user_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<User, StoreError> {
    let role: String = row.get("role");
    Ok(User {
        username: row.get("username"),
        role: Role::parse(&role).ok_or_else(|| backend(format!("unknown role {role}")))?,
        party: row.get("party"),
        office_country: row.get("office_country"),
        risk_analyst: row.get("risk_analyst"),
    })
}

/// Insert or update a party.
pub(super) async fn upsert_party(
    c: &mut sqlx::SqliteConnection,
    p: &Party,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO parties (identification_number, name, kind, status, country, active)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT(identification_number) DO UPDATE SET name = excluded.name,
               kind = excluded.kind, status = excluded.status, country = excluded.country,
               active = excluded.active",
    )
    .bind(&p.identification_number)
    .bind(&p.name)
    .bind(&p.kind)
    .bind(&p.status)
    .bind(&p.country)
    .bind(p.active)
    .execute(c)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Insert or update a user.
pub(super) async fn upsert_user(
    c: &mut sqlx::SqliteConnection,
    u: &User,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO users (username, role, party, office_country, risk_analyst)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(username) DO UPDATE SET role = excluded.role, party = excluded.party,
           office_country = excluded.office_country, risk_analyst = excluded.risk_analyst",
    )
    .bind(&u.username)
    .bind(u.role.as_str())
    .bind(&u.party)
    .bind(&u.office_country)
    .bind(u.risk_analyst)
    .execute(c)
    .await
    .map_err(backend)?;
    Ok(())
}

impl SqliteStore {
    pub(super) async fn save_party_impl(&self, p: &Party) -> Result<(), StoreError> {
        let _w = self.write.lock().await;
        let mut c = self.pool.acquire().await.map_err(backend)?;
        upsert_party(&mut c, p).await
    }

    pub(super) async fn party_impl(&self, id: &str) -> Result<Option<Party>, StoreError> {
        let row = sqlx::query("SELECT * FROM parties WHERE identification_number = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        Ok(row.map(|r| Party {
            identification_number: r.get("identification_number"),
            name: r.get("name"),
            kind: r.get("kind"),
            status: r.get("status"),
            country: r.get("country"),
            active: r.get("active"),
        }))
    }

    pub(super) async fn save_user_impl(&self, u: &User) -> Result<(), StoreError> {
        let _w = self.write.lock().await;
        let mut c = self.pool.acquire().await.map_err(backend)?;
        upsert_user(&mut c, u).await
    }

    pub(super) async fn user_impl(&self, username: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query("SELECT * FROM users WHERE username = ?")
            .bind(username)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub(super) async fn add_token_impl(
        &self,
        username: &str,
        hash: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _w = self.write.lock().await;
        sqlx::query("INSERT INTO api_tokens (token_hash, username, created_at) VALUES (?, ?, ?)")
            .bind(hash)
            .bind(username)
            .bind(ts(at))
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    pub(super) async fn user_by_token_impl(&self, hash: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(
            "SELECT u.* FROM api_tokens t JOIN users u ON u.username = t.username WHERE t.token_hash = ?",
        )
        .bind(hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        row.as_ref().map(user_from_row).transpose()
    }
}
