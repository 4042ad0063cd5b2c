//! Declaration drafts of the Single Transit Document form (issue 11).

use uuid::Uuid;

use cats_app::store::{Draft, StoreError};
use cats_domain::ids::Eori;

use crate::sql::{Arg, Db, Row, Sql};

fn draft_from_row(r: &Row) -> Result<Draft, StoreError> {
    Ok(Draft {
        id: r.id("id")?,
        holder: r.ident("holder", Eori::parse)?,
        lrn: r.text("lrn")?,
        fields: r.json("fields")?,
        saved_by: r.text("saved_by")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

/// Insert or replace a draft.
pub(crate) async fn save_draft(db: &mut Db<'_>, d: &Draft) -> Result<(), StoreError> {
    let fields = serde_json::to_string(&d.fields)
        .map_err(|e| StoreError::backend("a draft's fields as JSON", e))?;
    Sql::new(
        "INSERT INTO drafts (id, holder, lrn, fields, saved_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET lrn = EXCLUDED.lrn, fields = EXCLUDED.fields,
           saved_by = EXCLUDED.saved_by, updated_at = EXCLUDED.updated_at",
    )
    .bind(d.id)
    .bind(&d.holder)
    .bind(&d.lrn)
    .bind(Arg::Json(fields))
    .bind(&d.saved_by)
    .bind(d.created_at)
    .bind(d.updated_at)
    .execute(db)
    .await?;
    Ok(())
}

/// A company's drafts, last saved first.
pub(crate) async fn drafts(db: &mut Db<'_>, holder: &Eori) -> Result<Vec<Draft>, StoreError> {
    Sql::new("SELECT * FROM drafts WHERE holder = $1 ORDER BY updated_at DESC, id")
        .bind(holder)
        .fetch_all(db)
        .await?
        .iter()
        .map(draft_from_row)
        .collect()
}

/// Every draft (for dumps), oldest first.
pub(crate) async fn all_drafts(db: &mut Db<'_>) -> Result<Vec<Draft>, StoreError> {
    Sql::new("SELECT * FROM drafts ORDER BY created_at, id")
        .fetch_all(db)
        .await?
        .iter()
        .map(draft_from_row)
        .collect()
}

/// The draft with this id.
pub(crate) async fn draft(db: &mut Db<'_>, id: Uuid) -> Result<Option<Draft>, StoreError> {
    Sql::new("SELECT * FROM drafts WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(draft_from_row)
        .transpose()
}

/// Delete a draft; whether there was one.
pub(crate) async fn delete_draft(db: &mut Db<'_>, id: Uuid) -> Result<bool, StoreError> {
    let n = Sql::new("DELETE FROM drafts WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(n > 0)
}
