//! Photos and documents of control records (`control_attachments`): written in the movement's
//! transaction, read one at a time, and all of them for `cats db copy`.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use cats_app::store::{StoreError, StoredControlAttachment};
use cats_domain::movement::ControlAttachment;

use super::{micros, pg, PgStore};

fn bad(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// Insert one attachment with its bytes.
pub(super) async fn insert_control_attachment(
    c: &mut PgConnection,
    a: &StoredControlAttachment,
) -> Result<(), StoreError> {
    let m = &a.meta;
    sqlx::query(
        "INSERT INTO control_attachments (id, movement_id, control_number, filename, content_type,
           size, sha256, data, uploaded_at, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(m.id)
    .bind(a.movement_id)
    .bind(i32::try_from(a.control).map_err(bad)?)
    .bind(&m.filename)
    .bind(&m.content_type)
    .bind(i64::try_from(m.size).map_err(bad)?)
    .bind(&m.sha256)
    .bind(&a.data)
    .bind(micros(m.uploaded_at))
    .bind(&m.uploaded_by)
    .execute(c)
    .await
    .map_err(pg)?;
    Ok(())
}

fn from_row(r: &PgRow) -> Result<StoredControlAttachment, StoreError> {
    let size: i64 = r.get("size");
    let control: i32 = r.get("control_number");
    Ok(StoredControlAttachment {
        movement_id: r.get("movement_id"),
        control: u32::try_from(control).map_err(bad)?,
        meta: ControlAttachment {
            id: r.get("id"),
            filename: r.get("filename"),
            content_type: r.get("content_type"),
            size: u64::try_from(size).map_err(bad)?,
            sha256: r.get("sha256"),
            uploaded_at: r.get("uploaded_at"),
            uploaded_by: r.get("uploaded_by"),
        },
        data: r.get("data"),
    })
}

impl PgStore {
    pub(super) async fn control_attachment_impl(
        &self,
        id: Uuid,
    ) -> Result<Option<StoredControlAttachment>, StoreError> {
        sqlx::query("SELECT * FROM control_attachments WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(pg)?
            .as_ref()
            .map(from_row)
            .transpose()
    }

    pub(super) async fn all_control_attachments(
        &self,
    ) -> Result<Vec<StoredControlAttachment>, StoreError> {
        sqlx::query("SELECT * FROM control_attachments ORDER BY uploaded_at, id")
            .fetch_all(&self.pool)
            .await
            .map_err(pg)?
            .iter()
            .map(from_row)
            .collect()
    }
}
