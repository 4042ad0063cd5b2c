//! What a message from a peer node does here. The transport (`cats-ice`) has verified who sent
//! it, its signature and its freshness; this decides, commits the change with the inbox entry in
//! one transaction, and gives the receipt to answer with (kept with the entry, so that a
//! duplicate is answered with the original receipt).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use cats_domain::ids::NodeId;

use super::applied::{copy_for, correlated, departed_from_sender, owned, Applying, NewCopy};
use super::messages::{AnticipatedRecord, Content, IceType, MovementUpdate, OfficeAction};
use super::{guarantee, request};
use super::{Host, Topology};
use crate::act::{act_once, FromPeer};
use crate::app::{Actor, App};
use crate::error::AppError;
use crate::history::audit;
use crate::store::{IceIn, MovementRecord, StoreError};

/// A message received from a peer, its envelope verified by the transport.
#[derive(Debug, Clone)]
pub struct Inbound {
    /// Message id (UUID) given by the sender.
    pub message_id: Uuid,
    /// The sending node (verified by its signature).
    pub sender: NodeId,
    /// Message type code (`CD050C` …).
    pub message_type: String,
    /// Correlation: the MRN.
    pub correlation: String,
    /// The sender's number for this message among those with the same correlation (1, 2, …).
    pub sequence: i64,
    /// The content.
    pub content: Value,
    /// The envelope exactly as received (its SHA-256 is the receipt's digest).
    pub body: String,
    /// When received (UTC).
    pub received_at: DateTime<Utc>,
}

/// The ICE network this node is in. Errors: [`AppError::Forbidden`] on a stand-alone node.
fn network_of(app: &App) -> Result<&Topology, AppError> {
    app.topology()
        .ok_or_else(|| AppError::Forbidden("this node is not part of an ICE network".into()))
}

/// How a received message was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Applied (or a NACK kept in the inbox); answer with this receipt (JSON).
    Answered(String),
    /// Seen before: answer with the original receipt (JSON).
    Duplicate(String),
    /// An earlier message of the same correlation has not arrived yet: nothing is kept; the
    /// sender delivers that one first and retries this one.
    NotYet {
        /// The sequence number expected next.
        expected: i64,
    },
}

/// A functional error (NCTS CD906C codes): 12 a value is wrong (an office the sender or this node
/// does not host, or one without the role), 14 a rule is broken, 90 unknown MRN, 92 out of
/// sequence, 93 invalid MRN. A step the state machine refuses keeps its own code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Nack {
    code: u16,
    reason: String,
}

pub(crate) fn nack(code: u16, reason: impl Into<String>) -> Nack {
    Nack {
        code,
        reason: reason.into(),
    }
}

/// The receipt (JSON): what was received, its digest, and the outcome. `refusal` is the NACK's
/// message type (`CD906C` functional error, `CD917C` content failing its schema) and errors.
pub(crate) fn receipt(node: &NodeId, msg: &Inbound, refusal: Option<(&str, &[Nack])>) -> String {
    let digest = hex::encode(Sha256::digest(msg.body.as_bytes()));
    let mut r = json!({
        "messageId": msg.message_id,
        "messageType": msg.message_type,
        "sender": msg.sender,
        "receiver": node,
        "digest": format!("sha256:{digest}"),
        "receivedAt": msg.received_at,
        "status": if refusal.is_some() { "refused" } else { "accepted" },
    });
    if let Some((kind, errors)) = refusal {
        r["refusal"] = json!({ "messageType": kind, "functionalErrors": errors });
    }
    r.to_string()
}

pub(crate) fn entry(msg: &Inbound, outcome: &str, receipt: String) -> IceIn {
    IceIn {
        message_id: msg.message_id,
        peer: msg.sender.clone(),
        message_type: msg.message_type.clone(),
        correlation: msg.correlation.clone(),
        sequence: msg.sequence,
        body: msg.body.clone(),
        received_at: msg.received_at,
        outcome: outcome.to_string(),
        receipt,
    }
}

/// Apply a message from a peer. Errors only when the store fails; every refusal is a receipt
/// (CD906C with its code, CD917C for content failing its schema), kept in the inbox.
pub async fn receive(app: &App, msg: Inbound) -> Result<Outcome, AppError> {
    let topology = network_of(app)?;
    crate::retry::on_conflict(|| receive_once(app, topology, &msg)).await
}

async fn receive_once(app: &App, topology: &Topology, msg: &Inbound) -> Result<Outcome, AppError> {
    let store = app.store();
    if let Some(seen) = store.ice_inbound(msg.message_id).await? {
        return Ok(Outcome::Duplicate(seen.receipt));
    }
    let last = store
        .ice_last_sequence(&msg.sender, &msg.correlation)
        .await?;
    if msg.sequence > last + 1 {
        return Ok(Outcome::NotYet { expected: last + 1 });
    }
    let refused = |kind: &str, errors: Vec<Nack>| {
        let outcome = format!(
            "{kind}{}",
            errors
                .first()
                .map(|e| format!(" {}", e.code))
                .unwrap_or_default()
        );
        entry(
            msg,
            &outcome,
            receipt(&topology.node, msg, Some((kind, &errors))),
        )
    };
    if msg.sequence <= last {
        let e = refused(
            "CD906C",
            vec![nack(
                92,
                format!(
                    "sequence {} already used; {} expected",
                    msg.sequence,
                    last + 1
                ),
            )],
        );
        return keep(app, e).await;
    }
    let Some(kind) = IceType::parse(&msg.message_type) else {
        let e = refused(
            "CD917C",
            vec![nack(
                12,
                format!("unknown message type {}", msg.message_type),
            )],
        );
        return keep(app, e).await;
    };
    fn parse<T: serde::de::DeserializeOwned>(kind: IceType, v: &Value) -> Result<T, Nack> {
        serde_json::from_value(v.clone()).map_err(|e| nack(12, format!("content of {kind}: {e}")))
    }
    let c = &msg.content;
    let applied = match (kind.content(), kind) {
        (Content::Record, _) => match parse(kind, c) {
            Ok(content) => record(app, topology, msg, kind, content).await?,
            Err(e) => Err(("CD917C", e)),
        },
        (Content::Update, _) => match parse(kind, c) {
            Ok(content) => update(app, msg, content).await?,
            Err(e) => Err(("CD917C", e)),
        },
        (Content::Action, _) => match parse(kind, c) {
            Ok(content) => action(app, topology, msg, content).await?,
            Err(e) => Err(("CD917C", e)),
        },
        (Content::GuaranteeUse, _) => match parse(kind, c) {
            Ok(content) => guarantee::use_request(app, topology, msg, content).await?,
            Err(e) => Err(("CD917C", e)),
        },
        (Content::GuaranteeAnswer, _) => match parse(kind, c) {
            Ok(content) => guarantee::use_answer(app, topology, msg, content).await?,
            Err(e) => Err(("CD917C", e)),
        },
        (Content::GuaranteeEnd, _) => match parse(kind, c) {
            Ok(content) => guarantee::use_end(app, topology, msg, kind, content).await?,
            Err(e) => Err(("CD917C", e)),
        },
        (Content::RecordRequest, _) => match parse(kind, c) {
            Ok(content) => {
                request::answer_record_request(app, topology, msg, kind, content).await?
            }
            Err(e) => Err(("CD917C", e)),
        },
        (Content::EnquiryRequest, _) => match parse(kind, c) {
            Ok(content) => request::answer_enquiry(app, topology, msg, content).await?,
            Err(e) => Err(("CD917C", e)),
        },
        (Content::EnquiryResponse, _) => match parse(kind, c) {
            Ok(content) => request::enquiry_answered(app, topology, msg, content).await?,
            Err(e) => Err(("CD917C", e)),
        },
        (Content::RecoveryRequest, _) => match parse(kind, c) {
            Ok(content) => super::recovery::receive_request(app, topology, msg, content).await?,
            Err(e) => Err(("CD917C", e)),
        },
        (Content::RecoveryResponse, _) => match parse(kind, c) {
            Ok(content) => super::recovery::receive_response(app, topology, msg, content).await?,
            Err(e) => Err(("CD917C", e)),
        },
        (Content::ControlAttachment, _) => match parse(kind, c) {
            Ok(content) => {
                super::attachments::receive_attachment(app, topology, msg, content).await?
            }
            Err(e) => Err(("CD917C", e)),
        },
        (Content::RiskAlert, _) => match parse(kind, c) {
            Ok(content) => super::risk_alerts::receive_alert(app, topology, msg, content).await?,
            Err(e) => Err(("CD917C", e)),
        },
        (Content::AeoRegister, _) => match parse(kind, c) {
            Ok(content) => super::registers::receive_aeo(app, topology, msg, content).await?,
            Err(e) => Err(("CD917C", e)),
        },
        (Content::Unavailability | Content::AvailableAgain, _) => {
            super::unavailability::receive_notice(app, topology, msg, kind).await?
        }
        (Content::GuaranteeCheck | Content::StatusRequest | Content::MovementQuery, _) => {
            super::query::answer(app, topology, msg, kind).await?
        }
    };
    match applied {
        Ok(receipt) => Ok(Outcome::Answered(receipt)),
        Err((kind, error)) => keep(app, refused(kind, vec![error])).await,
    }
}

/// Refuse a message whose envelope or content fails its published schema (CD917C), keeping it
/// in the inbox (a duplicate gets the original receipt). `problems` are `pointer: reason`.
pub async fn refuse_content(
    app: &App,
    msg: Inbound,
    problems: Vec<String>,
) -> Result<Outcome, AppError> {
    let topology = network_of(app)?;
    crate::retry::on_conflict(|| async {
        if let Some(seen) = app.store().ice_inbound(msg.message_id).await? {
            return Ok(Outcome::Duplicate(seen.receipt));
        }
        let last = app
            .store()
            .ice_last_sequence(&msg.sender, &msg.correlation)
            .await?;
        if msg.sequence > last + 1 {
            return Ok(Outcome::NotYet { expected: last + 1 });
        }
        let (kind, errors) = if msg.sequence <= last {
            let used = format!(
                "sequence {} already used; {} expected",
                msg.sequence,
                last + 1
            );
            ("CD906C", vec![nack(92, used)])
        } else {
            let errors: Vec<Nack> = problems.iter().map(|p| nack(12, p.clone())).collect();
            ("CD917C", errors)
        };
        let receipt = receipt(&topology.node, &msg, Some((kind, &errors)));
        let outcome = format!("{kind} {}", errors[0].code);
        keep(app, entry(&msg, &outcome, receipt)).await
    })
    .await
}

/// Keep a refused message in the inbox and answer with its receipt.
async fn keep(app: &App, entry: IceIn) -> Result<Outcome, AppError> {
    match app.store().ice_record_inbound(&entry, &[]).await {
        Ok(()) => Ok(Outcome::Answered(entry.receipt)),
        Err(StoreError::Conflict) => Err(AppError::Store(StoreError::Conflict)),
        Err(e) => Err(e.into()),
    }
}

pub(crate) type Applied = Result<String, (&'static str, Nack)>;

/// CD001C, CD050C, CD160C: keep a copy of the movement (or add the record to the copy kept).
async fn record(
    app: &App,
    topology: &Topology,
    msg: &Inbound,
    kind: IceType,
    content: AnticipatedRecord,
) -> Result<Applied, AppError> {
    if let Err(r) = correlated(msg, &content.mrn) {
        return Ok(Err(r));
    }
    if topology.host_of(&content.office) != Host::Here {
        return Ok(Err((
            "CD906C",
            nack(
                12,
                format!(
                    "office {} is not hosted by node {}",
                    content.office, topology.node
                ),
            ),
        )));
    }
    if let Err(r) = departed_from_sender(topology, msg, &content.movement) {
        return Ok(Err(r));
    }
    let now = msg.received_at;
    let detail = format!(
        "{} ({}) from node {} for office {}",
        kind.code(),
        kind.name(),
        msg.sender,
        content.office
    );
    let new = NewCopy {
        movement: &content.movement,
        declaration: &content.declaration,
        lodged_at: content.lodged_at,
    };
    let (mut record, expected_version) = match copy_for(app, msg, content.movement_id, new).await? {
        Ok(found) => found,
        Err(r) => return Ok(Err(r)),
    };
    // A copy kept since the use of a guarantee held here (CD203C, before release) takes the
    // movement as released.
    if expected_version.is_some() && record.movement.released_at.is_none() {
        record.movement = content.movement.clone();
        record.movement.home = Some(msg.sender.clone());
    }
    let receipt = commit_copy(
        app,
        msg,
        Applying {
            kind,
            record,
            expected_version,
            detail,
            action: "ice.receive",
            at: now,
            ledger: vec![],
            out: vec![],
            attachments: vec![],
        },
    )
    .await?;
    // Passages recorded here from the paper document while the record was missing (NCTS
    // fallback): applied now. A failure leaves them pending for the next record or update.
    if let Err(e) = super::fallback::reconcile(app, &content.mrn, now).await {
        let note = audit(
            &Actor::System(format!("ice:{}", msg.sender)),
            "ice.fallback",
            Some(content.movement_id),
            now,
            format!("passages from paper left pending: {e}"),
        );
        app.store().audit(&[note]).await?;
    }
    Ok(Ok(receipt))
}

/// CA003C: the copy takes the movement as it now stands at the node of departure.
async fn update(app: &App, msg: &Inbound, content: MovementUpdate) -> Result<Applied, AppError> {
    if let Err(r) = correlated(msg, &content.mrn) {
        return Ok(Err(r));
    }
    let copy = app
        .store()
        .movement(content.movement_id)
        .await?
        .filter(|r| r.movement.home.as_ref() == Some(&msg.sender));
    let Some(copy) = copy else {
        return Ok(Err((
            "CD906C",
            nack(
                90,
                format!("no copy of MRN {} from node {}", content.mrn, msg.sender),
            ),
        )));
    };
    let detail = format!(
        "CA003C from node {}: {} → {} (version {} there)",
        msg.sender, copy.movement.state, content.movement.state, content.version
    );
    // An update made before the node of departure had our latest action: keep ours (the next
    // update, sent once it has applied it, carries both).
    let sent = app
        .store()
        .ice_last_sent(&msg.sender, content.mrn.as_str())
        .await?;
    let mut movement = content.movement;
    movement.home = Some(msg.sender.clone());
    let detail = if content.acknowledged < sent {
        movement = copy.movement.clone();
        format!(
            "{detail}; kept for the record only: it reflects {} of our {sent} messages",
            content.acknowledged
        )
    } else {
        detail
    };
    let next = MovementRecord {
        version: copy.version + 1,
        movement,
        updated_at: content.at.max(copy.updated_at),
        ..copy.clone()
    };
    commit_copy(
        app,
        msg,
        Applying {
            kind: IceType::parse(&msg.message_type).unwrap_or(IceType::Ca003c),
            record: next,
            expected_version: Some(copy.version),
            detail,
            action: "ice.receive",
            at: msg.received_at,
            ledger: vec![],
            out: vec![],
            attachments: vec![],
        },
    )
    .await
    .map(Ok)
}

/// Commit what a message changes here ([`super::applied::commit`]); the receipt.
async fn commit_copy(app: &App, msg: &Inbound, a: Applying) -> Result<String, AppError> {
    let topology = network_of(app)?;
    Ok(super::applied::commit(app, &topology.node, msg, a).await?)
}

/// CD118C, CD168C, CD006C, CD018C, CD180C, CA001C, CA002C: apply an officer's action at a
/// peer's office to the movement this node owns.
async fn action(
    app: &App,
    topology: &Topology,
    msg: &Inbound,
    content: OfficeAction,
) -> Result<Applied, AppError> {
    if let Err(r) = correlated(msg, &content.mrn) {
        return Ok(Err(r));
    }
    if IceType::of_action(&content.action).map(IceType::code) != Some(msg.message_type.as_str()) {
        return Ok(Err((
            "CD917C",
            nack(
                12,
                format!(
                    "{} does not carry a {} action",
                    msg.message_type,
                    content.action.name()
                ),
            ),
        )));
    }
    let record = match owned(app, &topology.node, content.movement_id, &content.mrn).await? {
        Ok(r) => r,
        Err(r) => return Ok(Err(r)),
    };
    match content.action.office() {
        Some(office) if topology.peer_hosts(&msg.sender, office) => {}
        office => {
            return Ok(Err((
                "CD906C",
                nack(
                    12,
                    format!(
                        "office {} is not hosted by node {}",
                        office.map_or("-", |o| o.as_str()),
                        msg.sender
                    ),
                ),
            )))
        }
    }
    let receipt = receipt(&topology.node, msg, None);
    let actor = Actor::System(format!("ice:{}", msg.sender));
    let peer = FromPeer {
        inbound: entry(msg, "applied", receipt.clone()),
        officer: &content.officer,
        selection: content.selection.as_ref(),
        resumed: false,
    };
    match act_once(
        app,
        &actor,
        record,
        &content.action,
        &content.request,
        content.at,
        Some(peer),
    )
    .await
    {
        Ok(_) => Ok(Ok(receipt)),
        Err(AppError::Transition(e)) => Ok(Err((
            "CD906C",
            nack(u16::from(e.error_code()), e.to_string()),
        ))),
        Err(AppError::Rules { failures, .. }) => Ok(Err((
            "CD906C",
            nack(
                14,
                failures
                    .iter()
                    .map(|f| format!("{}: {}", f.rule_id, f.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        ))),
        Err(e) => Err(e),
    }
}
