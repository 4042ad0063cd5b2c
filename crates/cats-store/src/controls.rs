//! Photos and documents of control records (`control_attachments`): written in the movement's
//! transaction, read one at a time, and all of them for `cats db copy`.

use uuid::Uuid;

use cats_app::store::{StoreError, StoredControlAttachment};
use cats_domain::movement::ControlAttachment;

use crate::sql::{Db, Row, Sql};

/// Insert one attachment with its bytes.
pub(crate) async fn insert_attachment(
    db: &mut Db<'_>,
    a: &StoredControlAttachment,
) -> Result<(), StoreError> {
    let m = &a.meta;
    let number = |e| StoreError::backend("a control attachment's number or size", e);
    Sql::new(
        "INSERT INTO control_attachments (id, movement_id, control_number, filename, content_type,
           size, sha256, data, uploaded_at, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(m.id)
    .bind(a.movement_id)
    .bind(i32::try_from(a.control).map_err(number)?)
    .bind(&m.filename)
    .bind(&m.content_type)
    .bind(i64::try_from(m.size).map_err(number)?)
    .bind(&m.sha256)
    .bind(&a.data)
    .bind(m.uploaded_at)
    .bind(&m.uploaded_by)
    .execute(db)
    .await?;
    Ok(())
}

fn from_row(r: &Row) -> Result<StoredControlAttachment, StoreError> {
    let number = |e| StoreError::backend("a stored control attachment's number or size", e);
    Ok(StoredControlAttachment {
        movement_id: r.id("movement_id")?,
        control: u32::try_from(r.int4("control_number")?).map_err(number)?,
        meta: ControlAttachment {
            id: r.id("id")?,
            filename: r.text("filename")?,
            content_type: r.text("content_type")?,
            size: u64::try_from(r.int("size")?).map_err(number)?,
            sha256: r.text("sha256")?,
            uploaded_at: r.time("uploaded_at")?,
            uploaded_by: r.text("uploaded_by")?,
        },
        data: r.bytes("data")?,
    })
}

/// One attachment with its bytes.
pub(crate) async fn attachment(
    db: &mut Db<'_>,
    id: Uuid,
) -> Result<Option<StoredControlAttachment>, StoreError> {
    Sql::new("SELECT * FROM control_attachments WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Every attachment, oldest first (for dumps).
pub(crate) async fn all(db: &mut Db<'_>) -> Result<Vec<StoredControlAttachment>, StoreError> {
    Sql::new("SELECT * FROM control_attachments ORDER BY uploaded_at, id")
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect()
}
