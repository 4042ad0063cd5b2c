//! Control records after the fact: photos and documents attached to a recorded control (issue 6,
//! item 3), and reading them back. The control result itself is recorded by [`crate::act::act`]
//! (`Action::ControlResult` with its report).
//!
//! Attachments are evidence: kept with their SHA-256, never changed or deleted, each upload in
//! the movement's history (a customs entry `control_attachment`) and in the audit log, in the
//! same transaction as the bytes. Customs officers only: the holder sees the control record
//! (result, findings, seals) but not the officers' photos.

use chrono::{DateTime, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use cats_domain::movement::ControlAttachment;

use crate::act::load_visible;
use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::history::{audit, customs};
use crate::registers::documents::{checked_upload, safe_filename};
use crate::store::{Change, MovementRecord, StoredControlAttachment};

/// Most attachments on one control record.
pub const MAX_ATTACHMENTS_PER_CONTROL: usize = 20;

fn officer_only(actor: &Actor, what: &str) -> Result<(), AppError> {
    match actor.user() {
        Some(u) if u.role != Role::Officer => Err(AppError::Forbidden(format!(
            "{what} is for customs officers"
        ))),
        _ => Ok(()),
    }
}

/// The control record number `control` (1-based position in the movement's controls).
fn control_index(record: &MovementRecord, control: u32) -> Result<usize, AppError> {
    let n = record.movement.controls.len();
    match usize::try_from(control) {
        Ok(i) if (1..=n).contains(&i) => Ok(i - 1),
        _ => Err(AppError::NotFound(format!(
            "control record {control} of movement {} (it has {n})",
            record.id
        ))),
    }
}

/// Attach a photo or document to control record `control` of movement `movement_id`.
///
/// Who: a customs officer of the country of the office that recorded the control. What: a
/// PDF, PNG, JPEG, TIFF or plain-text file of 1 byte to 2 MiB whose bytes match its type, at
/// most [`MAX_ATTACHMENTS_PER_CONTROL`] per record.
///
/// Errors: 404 when the movement is unknown or not visible, or has no such control record; 403
/// for anyone but such an officer; 400 ([`AppError::Invalid`]) for the file; 409
/// ([`AppError::Refused`]) when the record has its maximum of attachments. Nothing is kept then.
#[allow(clippy::too_many_arguments)]
pub async fn attach(
    app: &App,
    actor: &Actor,
    movement_id: Uuid,
    control: u32,
    filename: &str,
    content_type: &str,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<ControlAttachment, AppError> {
    officer_only(actor, "attaching to a control record")?;
    let content_type = checked_upload(content_type, &bytes)?;
    let content_type = &content_type;
    let bytes = &bytes;
    crate::retry::on_conflict(|| async move {
        let record = load_visible(app, actor, movement_id).await?;
        let i = control_index(&record, control)?;
        let office = record.movement.controls[i].office.clone();
        if let Some(user) = actor.user() {
            if !user.acts_at(&office, &app.catalog()) {
                return Err(AppError::Forbidden(format!(
                    "control record {control} was recorded at {office}; only officers of its country attach to it"
                )));
            }
        }
        if record.movement.controls[i].attachments.len() >= MAX_ATTACHMENTS_PER_CONTROL {
            return Err(AppError::Refused(format!(
                "control record {control} has {MAX_ATTACHMENTS_PER_CONTROL} attachments already"
            )));
        }
        let meta = ControlAttachment {
            id: Uuid::new_v4(),
            filename: safe_filename(filename),
            content_type: content_type.clone(),
            size: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(bytes)),
            uploaded_at: now,
            uploaded_by: actor.name().to_string(),
        };
        let mut movement = record.movement.clone();
        movement.controls[i].attachments.push(meta.clone());
        let detail = format!(
            "control record {control} at {office}: attached {} ({}, {} bytes, SHA-256 {})",
            meta.filename, meta.content_type, meta.size, meta.sha256
        );
        let entry = json!({
            "action": "control_attachment",
            "officer": actor.name(),
            "control": control,
            "office": office,
            "attachment": meta,
        });
        // On a copy, the attachment travels to the node of departure with its bytes (CA006C).
        let ice_out = crate::ice::attachments::forward(&record, i, &meta, bytes)?
            .into_iter()
            .collect();
        let change = Change {
            record: MovementRecord {
                version: record.version + 1,
                movement,
                updated_at: now,
                ..record.clone()
            },
            expected_version: Some(record.version),
            messages: vec![customs("control_attachment", &entry, now)],
            ledger: vec![],
            audit: vec![audit(
                actor,
                "control_attachment",
                Some(movement_id),
                now,
                detail,
            )],
            attachments: vec![StoredControlAttachment {
                movement_id,
                control,
                meta: meta.clone(),
                data: bytes.clone(),
            }],
            ice_out,
            ice_in: None,
            notifications: Vec::new(),
        };
        app.commit(change).await?;
        Ok(meta)
    })
    .await
}

/// A photo or document of control record `control`, with its bytes, for a customs officer who
/// sees the movement. Errors: 403 for anyone else; 404 when the movement, the record or the
/// attachment is unknown or not visible.
pub async fn download(
    app: &App,
    actor: &Actor,
    movement_id: Uuid,
    control: u32,
    id: Uuid,
) -> Result<StoredControlAttachment, AppError> {
    officer_only(actor, "a control record's attachment")?;
    let record = load_visible(app, actor, movement_id).await?;
    control_index(&record, control)?;
    app.store()
        .control_attachment(id)
        .await?
        .filter(|a| a.movement_id == movement_id && a.control == control)
        .ok_or_else(|| AppError::NotFound(format!("attachment {id} of control record {control}")))
}
