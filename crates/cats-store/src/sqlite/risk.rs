//! Risk profiles: every change a new version row (issue 6).

use sqlx::Row;

use cats_app::store::{AuditEntry, ProfileVersion, StoreError};

use super::movements::insert_audit;
use super::{backend, SqliteStore};
use crate::{parse_ts, ts};

pub(super) fn version_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<ProfileVersion, StoreError> {
    let body: String = r.get("body");
    Ok(ProfileVersion {
        profile: serde_json::from_str(&body).map_err(|e| backend(e.to_string()))?,
        version: r.get("version"),
        retired: r.get("retired"),
        changed_by: r.get("changed_by"),
        changed_at: parse_ts(&r.get::<String, _>("changed_at"))?,
    })
}

/// Insert one version; `Conflict` when it exists.
pub(super) async fn insert_version(
    c: &mut sqlx::SqliteConnection,
    v: &ProfileVersion,
) -> Result<(), StoreError> {
    let body = serde_json::to_string(&v.profile).map_err(|e| backend(e.to_string()))?;
    let done = sqlx::query(
        "INSERT INTO risk_profiles (profile_id, version, body, retired, changed_by, changed_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(&v.profile.id)
    .bind(v.version)
    .bind(body)
    .bind(v.retired)
    .bind(&v.changed_by)
    .bind(ts(v.changed_at))
    .execute(c)
    .await
    .map_err(backend)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

impl SqliteStore {
    pub(super) async fn restricted_goods_impl(
        &self,
    ) -> Result<Vec<cats_domain::reference::RestrictedGoods>, StoreError> {
        sqlx::query("SELECT data FROM reference_facts WHERE kind = 'restricted' ORDER BY code")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
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
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query("DELETE FROM reference_facts WHERE kind = 'restricted'")
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        for r in list {
            sqlx::query(
                "INSERT INTO reference_facts (kind, code, data) VALUES ('restricted', ?, ?)",
            )
            .bind(&r.hs_prefix)
            .bind(serde_json::to_string(r).map_err(|e| backend(e.to_string()))?)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        insert_audit(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }

    pub(super) async fn risk_profiles_impl(&self) -> Result<Vec<ProfileVersion>, StoreError> {
        sqlx::query(
            "SELECT p.* FROM risk_profiles p
             WHERE p.version = (SELECT MAX(version) FROM risk_profiles q
                                WHERE q.profile_id = p.profile_id)
             ORDER BY p.profile_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(version_from_row)
        .collect()
    }

    pub(super) async fn risk_profile_versions_impl(
        &self,
        id: Option<&str>,
    ) -> Result<Vec<ProfileVersion>, StoreError> {
        let rows = match id {
            Some(id) => {
                sqlx::query("SELECT * FROM risk_profiles WHERE profile_id = ? ORDER BY version")
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await
            }
            None => {
                sqlx::query("SELECT * FROM risk_profiles ORDER BY profile_id, version")
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .map_err(backend)?;
        rows.iter().map(version_from_row).collect()
    }

    pub(super) async fn save_risk_profile_impl(
        &self,
        v: &ProfileVersion,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await.map_err(backend)?;
        insert_version(&mut tx, v).await?;
        insert_audit(&mut tx, audit).await?;
        tx.commit().await.map_err(backend)
    }
}
