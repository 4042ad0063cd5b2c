//! Photos and documents of control records (`control_attachments`): written in the movement's
//! transaction, read one at a time, and all of them for `cats db copy`.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use uuid::Uuid;

use cats_app::store::{StoreError, StoredControlAttachment};
use cats_domain::movement::ControlAttachment;

use super::{backend, SqliteStore};
use crate::{parse_ts, ts};

/// Insert one attachment with its bytes.
pub(super) async fn insert_control_attachment(
    c: &mut SqliteConnection,
    a: &StoredControlAttachment,
) -> Result<(), StoreError> {
    let m = &a.meta;
    sqlx::query(
        "INSERT INTO control_attachments (id, movement_id, control_number, filename, content_type,
           size, sha256, data, uploaded_at, uploaded_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(m.id.to_string())
    .bind(a.movement_id.to_string())
    .bind(i64::from(a.control))
    .bind(&m.filename)
    .bind(&m.content_type)
    .bind(m.size as i64)
    .bind(&m.sha256)
    .bind(&a.data)
    .bind(ts(m.uploaded_at))
    .bind(&m.uploaded_by)
    .execute(c)
    .await
    .map_err(backend)?;
    Ok(())
}

fn from_row(r: &SqliteRow) -> Result<StoredControlAttachment, StoreError> {
    let id = |s: String| Uuid::parse_str(&s).map_err(backend);
    let size: i64 = r.get("size");
    let control: i64 = r.get("control_number");
    Ok(StoredControlAttachment {
        movement_id: id(r.get("movement_id"))?,
        control: u32::try_from(control).map_err(backend)?,
        meta: ControlAttachment {
            id: id(r.get("id"))?,
            filename: r.get("filename"),
            content_type: r.get("content_type"),
            size: u64::try_from(size).map_err(backend)?,
            sha256: r.get("sha256"),
            uploaded_at: parse_ts(r.get("uploaded_at"))?,
            uploaded_by: r.get("uploaded_by"),
        },
        data: r.get("data"),
    })
}

impl SqliteStore {
    pub(super) async fn control_attachment_impl(
        &self,
        id: Uuid,
    ) -> Result<Option<StoredControlAttachment>, StoreError> {
        sqlx::query("SELECT * FROM control_attachments WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
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
            .map_err(backend)?
            .iter()
            .map(from_row)
            .collect()
    }
}
