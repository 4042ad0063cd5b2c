//! Control attachments of a copy (CA006C, CATS's own): a photo or document an officer attaches
//! at a peer's office to a control record of a copy travels to the node of departure with its
//! bytes, which attaches it to the same control record (the record of that office at that time),
//! so that the evidence of the control is where the movement is owned (mutual recognition).

use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use cats_domain::ids::{Mrn, OfficeRef};
use cats_domain::movement::ControlAttachment;

use super::applied::{commit, correlated, owned, Applying};
use super::receive::{nack, Applied, Inbound};
use super::route::out_message;
use super::{IceType, Topology};
use crate::app::App;
use crate::error::AppError;
use crate::store::{IceOut, MovementRecord, StoredControlAttachment};

/// Content of CA006C. JSON Schema: `docs/ice/schemas/control-attachment.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlAttachmentCopy {
    /// MRN (18 characters).
    pub mrn: Mrn,
    /// The movement's id (UUID).
    pub movement_id: Uuid,
    /// The office that recorded the control.
    pub office: OfficeRef,
    /// When the control result was recorded (UTC): with `office`, which record.
    pub control_at: DateTime<Utc>,
    /// Name, type, size (bytes), SHA-256, who and when.
    pub meta: ControlAttachment,
    /// The bytes, base64 (RFC 4648, standard alphabet).
    pub data: String,
}

/// The CA006C an attachment to control record `i` (0-based) of a copy sends to its node of
/// departure; none on a movement owned here.
pub fn forward(
    record: &MovementRecord,
    i: usize,
    meta: &ControlAttachment,
    bytes: &[u8],
) -> Result<Option<IceOut>, AppError> {
    let m = &record.movement;
    let (Some(home), Some(mrn), Some(control)) = (&m.home, &m.mrn, m.controls.get(i)) else {
        return Ok(None);
    };
    let content = ControlAttachmentCopy {
        mrn: mrn.clone(),
        movement_id: record.id,
        office: control.office.clone(),
        control_at: control.at,
        meta: meta.clone(),
        data: base64::engine::general_purpose::STANDARD.encode(bytes),
    };
    out_message(home, IceType::Ca006c, mrn, &content, Uuid::new_v4()).map(Some)
}

/// CA006C at the node of departure: attach the bytes to the same control record (office and
/// time), once; CD906C 12 for an office the sender does not host or bytes that are not what the
/// metadata says, 90 for no such movement or control record.
pub(crate) async fn receive_attachment(
    app: &App,
    topology: &Topology,
    msg: &Inbound,
    content: ControlAttachmentCopy,
) -> Result<Applied, AppError> {
    if let Err(r) = correlated(msg, &content.mrn) {
        return Ok(Err(r));
    }
    if !topology.peer_hosts(&msg.sender, &content.office) {
        let why = format!(
            "office {} is not hosted by node {}",
            content.office, msg.sender
        );
        return Ok(Err(("CD906C", nack(12, why))));
    }
    let data = match base64::engine::general_purpose::STANDARD.decode(&content.data) {
        Ok(d) => d,
        Err(e) => return Ok(Err(("CD917C", nack(12, format!("data: not base64: {e}"))))),
    };
    let sha = hex::encode(Sha256::digest(&data));
    if sha != content.meta.sha256 || data.len() as u64 != content.meta.size {
        let why = "the bytes are not those the metadata describes (size, SHA-256)";
        return Ok(Err(("CD906C", nack(12, why))));
    }
    let record = match owned(app, &topology.node, content.movement_id, &content.mrn).await? {
        Ok(r) => r,
        Err(r) => return Ok(Err(r)),
    };
    let found = record
        .movement
        .controls
        .iter()
        .position(|c| c.office == content.office && c.at == content.control_at);
    let Some(i) = found else {
        let why = format!(
            "no control record of {} at {} on MRN {}",
            content.office, content.control_at, content.mrn
        );
        return Ok(Err(("CD906C", nack(90, why))));
    };
    let mut next = MovementRecord {
        version: record.version + 1,
        updated_at: msg.received_at,
        ..record.clone()
    };
    let mut stored = vec![];
    if !next.movement.controls[i]
        .attachments
        .iter()
        .any(|a| a.id == content.meta.id)
    {
        next.movement.controls[i]
            .attachments
            .push(content.meta.clone());
        stored.push(StoredControlAttachment {
            movement_id: record.id,
            control: u32::try_from(i + 1).unwrap_or(u32::MAX),
            meta: content.meta.clone(),
            data,
        });
    }
    let detail = format!(
        "CA006C from node {}: control record {} at {}: attached {} ({}, {} bytes, SHA-256 {})",
        msg.sender,
        i + 1,
        content.office,
        content.meta.filename,
        content.meta.content_type,
        content.meta.size,
        content.meta.sha256
    );
    let applying = Applying {
        kind: IceType::Ca006c,
        record: next,
        expected_version: Some(record.version),
        detail,
        action: "control_attachment",
        at: msg.received_at,
        ledger: vec![],
        out: vec![],
        attachments: stored,
    };
    Ok(Ok(commit(app, &topology.node, msg, applying).await?))
}
