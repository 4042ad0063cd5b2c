//! The CATS restricted goods list (kept with the reference facts) and risk profiles: every
//! change of a profile a new version row (issue 6). A profile's body is JSON (`TEXT` on SQLite,
//! `JSONB` on PostgreSQL).

use cats_app::store::{ProfileVersion, StoreError};
use cats_domain::reference::RestrictedGoods;

use crate::sql::{Arg, Db, Row, Sql};

fn version_from_row(r: &Row) -> Result<ProfileVersion, StoreError> {
    Ok(ProfileVersion {
        profile: r.json("body")?,
        version: r.int("version")?,
        retired: r.flag("retired")?,
        changed_by: r.text("changed_by")?,
        changed_at: r.time("changed_at")?,
    })
}

/// Insert one version; [`StoreError::Conflict`] when that version of the profile exists.
pub(crate) async fn insert_version(db: &mut Db<'_>, v: &ProfileVersion) -> Result<(), StoreError> {
    let body = serde_json::to_string(&v.profile)
        .map_err(|e| StoreError::backend("writing a risk profile as JSON", e))?;
    let done = Sql::new(
        "INSERT INTO risk_profiles (profile_id, version, body, retired, changed_by, changed_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(&v.profile.id)
    .bind(v.version)
    .bind(Arg::Json(body))
    .bind(v.retired)
    .bind(&v.changed_by)
    .bind(v.changed_at)
    .execute(db)
    .await?;
    if done == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

/// Every version of one profile, or of every profile, by id and version.
pub(crate) async fn versions(
    db: &mut Db<'_>,
    id: Option<&str>,
) -> Result<Vec<ProfileVersion>, StoreError> {
    let sql = match id {
        Some(id) => {
            Sql::new("SELECT * FROM risk_profiles WHERE profile_id = $1 ORDER BY version").bind(id)
        }
        None => Sql::new("SELECT * FROM risk_profiles ORDER BY profile_id, version"),
    };
    sql.fetch_all(db)
        .await?
        .iter()
        .map(version_from_row)
        .collect()
}

/// The current (highest) version of every profile, retired ones included, by id.
pub(crate) async fn current_profiles(db: &mut Db<'_>) -> Result<Vec<ProfileVersion>, StoreError> {
    Sql::new(
        "SELECT p.* FROM risk_profiles p
         WHERE p.version = (SELECT MAX(version) FROM risk_profiles q
                            WHERE q.profile_id = p.profile_id)
         ORDER BY p.profile_id",
    )
    .fetch_all(db)
    .await?
    .iter()
    .map(version_from_row)
    .collect()
}

/// The restricted goods list as stored, by HS prefix.
pub(crate) async fn restricted_goods(db: &mut Db<'_>) -> Result<Vec<RestrictedGoods>, StoreError> {
    Sql::new("SELECT data FROM reference_facts WHERE kind = 'restricted' ORDER BY code")
        .fetch_all(db)
        .await?
        .iter()
        .map(|r| r.json("data"))
        .collect()
}

/// Replace the restricted goods list (in the caller's transaction).
pub(crate) async fn set_restricted_goods(
    db: &mut Db<'_>,
    list: &[RestrictedGoods],
) -> Result<(), StoreError> {
    Sql::new("DELETE FROM reference_facts WHERE kind = 'restricted'")
        .execute(db)
        .await?;
    for r in list {
        let data = serde_json::to_string(r)
            .map_err(|e| StoreError::backend("writing restricted goods as JSON", e))?;
        Sql::new("INSERT INTO reference_facts (kind, code, data) VALUES ('restricted', $1, $2)")
            .bind(&r.hs_prefix)
            .bind(data)
            .execute(db)
            .await?;
    }
    Ok(())
}
