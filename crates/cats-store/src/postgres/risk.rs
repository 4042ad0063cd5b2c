//! Risk profiles: every change a new version row (issue 6).

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use cats_app::store::{AuditEntry, ProfileVersion, StoreError};

use super::history::insert_audit;
use super::{backend, micros, pg, PgStore};

const COLUMNS: &str = "profile_id, version, body::text AS body, retired, changed_by, changed_at";

pub(super) fn version_from_row(r: &PgRow) -> Result<ProfileVersion, StoreError> {
    let body: String = r.get("body");
    Ok(ProfileVersion {
        profile: serde_json::from_str(&body).map_err(|e| backend(e.to_string()))?,
        version: r.get("version"),
        retired: r.get("retired"),
        changed_by: r.get("changed_by"),
        changed_at: r.get("changed_at"),
    })
}

/// Insert one version; `Conflict` when it exists.
pub(super) async fn insert_version(
    conn: &mut PgConnection,
    v: &ProfileVersion,
) -> Result<(), StoreError> {
    let body = serde_json::to_string(&v.profile).map_err(|e| backend(e.to_string()))?;
    let done = sqlx::query(
        "INSERT INTO risk_profiles (profile_id, version, body, retired, changed_by, changed_at)
         VALUES ($1, $2, $3::jsonb, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(&v.profile.id)
    .bind(v.version)
    .bind(body)
    .bind(v.retired)
    .bind(&v.changed_by)
    .bind(micros(v.changed_at))
    .execute(conn)
    .await
    .map_err(pg)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

/// Every version, or those of one profile, by id and version.
pub(super) async fn versions(
    conn: &mut PgConnection,
    id: Option<&str>,
) -> Result<Vec<ProfileVersion>, StoreError> {
    let rows = match id {
        Some(id) => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM risk_profiles WHERE profile_id = $1 ORDER BY version"
            ))
            .bind(id)
            .fetch_all(conn)
            .await
        }
        None => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM risk_profiles ORDER BY profile_id COLLATE \"C\", version"
            ))
            .fetch_all(conn)
            .await
        }
    }
    .map_err(pg)?;
    rows.iter().map(version_from_row).collect()
}

impl PgStore {
    pub(super) async fn restricted_goods_impl(
        &self,
    ) -> Result<Vec<cats_domain::reference::RestrictedGoods>, StoreError> {
        sqlx::query("SELECT data FROM reference_facts WHERE kind = 'restricted' ORDER BY code")
            .fetch_all(&self.pool)
            .await
            .map_err(pg)?
            .iter()
            .map(|r| {
                let data: String = r.get("data");
                serde_json::from_str(&data).map_err(|e| backend(e.to_string()))
            })
            .collect()
    }

    pub(super) async fn set_restricted_goods_impl(
        &self,
        list: &[cats_domain::reference::RestrictedGoods],
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(pg)?;
        sqlx::query("DELETE FROM reference_facts WHERE kind = 'restricted'")
            .execute(&mut *tx)
            .await
            .map_err(pg)?;
        for r in list {
            sqlx::query(
                "INSERT INTO reference_facts (kind, code, data) VALUES ('restricted', $1, $2)",
            )
            .bind(&r.hs_prefix)
            .bind(serde_json::to_string(r).map_err(|e| backend(e.to_string()))?)
            .execute(&mut *tx)
            .await
            .map_err(pg)?;
        }
        insert_audit(&mut tx, audit).await?;
        tx.commit().await.map_err(pg)
    }

    pub(super) async fn risk_profiles_impl(&self) -> Result<Vec<ProfileVersion>, StoreError> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM risk_profiles p
             WHERE version = (SELECT MAX(version) FROM risk_profiles q
                              WHERE q.profile_id = p.profile_id)
             ORDER BY profile_id COLLATE \"C\""
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(pg)?
        .iter()
        .map(version_from_row)
        .collect()
    }

    pub(super) async fn risk_profile_versions_impl(
        &self,
        id: &str,
    ) -> Result<Vec<ProfileVersion>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(pg)?;
        versions(&mut conn, Some(id)).await
    }

    pub(super) async fn save_risk_profile_impl(
        &self,
        v: &ProfileVersion,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(pg)?;
        insert_version(&mut tx, v).await?;
        insert_audit(&mut tx, audit).await?;
        tx.commit().await.map_err(pg)
    }
}
