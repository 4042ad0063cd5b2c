//! Recovery between countries (CD150C, CD151C): during the enquiry or the recovery, an officer
//! of the office of departure's country asks the customs of another country of the network to
//! recover the debt there (CD150C, with the movement); an officer of that country answers
//! (CD151C, accepted or refused with a reason). Both stand in the movement's
//! `recoveryRequests` at both nodes and in their histories.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use cats_domain::ids::{CountryCode, Mrn};
use cats_domain::movement::{Movement, MovementState, RecoveryRequest, RecoveryRequestStatus};

use super::applied::{
    commit, copy_for, correlated, departed_from_sender, owned, Applying, NewCopy,
};
use super::receive::{nack, Applied, Inbound};
use super::route::out_message;
use super::{Host, IceType, Topology};
use crate::act::load_visible;
use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::history::{audit, customs};
use crate::store::{Change, MovementRecord};

/// Content of CD150C. JSON Schema: `docs/ice/schemas/recovery-request.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryRequestMessage {
    /// MRN (18 characters).
    pub mrn: Mrn,
    /// The movement's id at the node of departure (UUID).
    pub movement_id: Uuid,
    /// The country asked to recover.
    pub country: CountryCode,
    /// Why.
    pub reason: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// The movement as it stands (the receiver keeps a copy).
    pub movement: Movement,
    /// The declaration (CC015C content).
    pub declaration: Value,
    /// When it was lodged (UTC).
    pub lodged_at: DateTime<Utc>,
}

/// Content of CD151C. JSON Schema: `docs/ice/schemas/recovery-response.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryResponse {
    /// MRN (18 characters).
    pub mrn: Mrn,
    /// The movement's id at the node of departure (UUID).
    pub movement_id: Uuid,
    /// The country that answers.
    pub country: CountryCode,
    /// Whether it recovers the debt.
    pub accepted: bool,
    /// Why (required when refused).
    pub reason: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
}

fn officer_of(actor: &Actor, country: CountryCode, what: &str) -> Result<(), AppError> {
    match actor.user() {
        Some(u) if u.role != Role::Officer || u.office_country != Some(country) => Err(
            AppError::Forbidden(format!("{what} is for customs officers of {country}")),
        ),
        _ => Ok(()),
    }
}

/// Ask `country` to recover the debt of movement `id` (CD150C). Who: an officer of the office of
/// departure's country. Errors: 403 (who, or no ICE network), 404, 409 (not under enquiry or
/// recovery, a copy, or asked already), 400 (no reason, or a country no peer hosts).
pub async fn request(
    app: &App,
    actor: &Actor,
    id: Uuid,
    country: CountryCode,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<MovementRecord, AppError> {
    let topology = app
        .topology()
        .ok_or_else(|| AppError::Forbidden("this node is not part of an ICE network".into()))?;
    let record = load_visible(app, actor, id).await?;
    let m = &record.movement;
    officer_of(
        actor,
        m.office_of_departure.country(),
        "asking for recovery",
    )?;
    if reason.trim().is_empty() {
        return Err(AppError::Invalid("say why (reason)".into()));
    }
    let Host::Peer(node) = topology.host_of_country(country) else {
        return Err(AppError::Invalid(format!(
            "no peer node hosts {country}: recovery is asked of another country of the network"
        )));
    };
    let (None, Some(mrn)) = (&m.home, m.mrn.clone()) else {
        return Err(AppError::Refused(
            "recovery is asked by the node of departure".into(),
        ));
    };
    if !matches!(
        m.state,
        MovementState::UnderEnquiry | MovementState::UnderRecovery
    ) {
        return Err(AppError::Refused(format!(
            "recovery is asked during the enquiry or the recovery; the movement is {}",
            m.state
        )));
    }
    if m.recovery_requests.iter().any(|r| r.country == country) {
        return Err(AppError::Refused(format!("{country} was asked already")));
    }
    let mut movement = m.clone();
    movement.recovery_requests.push(RecoveryRequest {
        country,
        node: node.clone(),
        reason: reason.trim().to_string(),
        at: now,
        status: RecoveryRequestStatus::Requested,
        answer: None,
        answered_at: None,
    });
    let content = RecoveryRequestMessage {
        mrn: mrn.clone(),
        movement_id: id,
        country,
        reason: reason.trim().to_string(),
        at: now,
        movement: movement.clone(),
        declaration: record.declaration.as_ref().clone(),
        lodged_at: record.created_at,
    };
    let out = out_message(node, IceType::Cd150c, &mrn, &content, Uuid::new_v4())?;
    let body = json!({"action": "recovery_request", "officer": actor.name(), "country": country, "reason": reason});
    commit_own(
        app,
        actor,
        record,
        movement,
        out,
        body,
        format!("CD150C to node {node}: {country} asked to recover: {reason}"),
        now,
    )
    .await
}

/// Answer the request for recovery of movement `id` addressed to this node's country (CD151C).
/// Who: an officer of that country. Errors: 403, 404, 409 (no request waits), 400 (a refusal
/// without a reason).
pub async fn answer(
    app: &App,
    actor: &Actor,
    id: Uuid,
    accept: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<MovementRecord, AppError> {
    let record = load_visible(app, actor, id).await?;
    let Some(home) = record.movement.home.clone() else {
        return Err(AppError::Refused(
            "the node of departure does not answer its own request".into(),
        ));
    };
    let mut movement = record.movement.clone();
    let waiting = movement
        .recovery_requests
        .iter_mut()
        .find(|r| r.status == RecoveryRequestStatus::Requested);
    let Some(entry) = waiting else {
        return Err(AppError::Refused("no request for recovery waits".into()));
    };
    officer_of(actor, entry.country, "answering a request for recovery")?;
    if !accept && reason.trim().is_empty() {
        return Err(AppError::Invalid("a refusal says why (reason)".into()));
    }
    entry.status = if accept {
        RecoveryRequestStatus::Accepted
    } else {
        RecoveryRequestStatus::Refused
    };
    entry.answer = Some(reason.trim().to_string());
    entry.answered_at = Some(now);
    let country = entry.country;
    let mrn = movement
        .mrn
        .clone()
        .ok_or_else(|| AppError::NotFound("MRN".into()))?;
    let content = RecoveryResponse {
        mrn: mrn.clone(),
        movement_id: id,
        country,
        accepted: accept,
        reason: reason.trim().to_string(),
        at: now,
    };
    let out = out_message(&home, IceType::Cd151c, &mrn, &content, Uuid::new_v4())?;
    let verdict = if accept { "accepted" } else { "refused" };
    let body = json!({"action": "recovery_answer", "officer": actor.name(), "country": country, "accepted": accept, "reason": reason});
    commit_own(
        app,
        actor,
        record,
        movement,
        out,
        body,
        format!("CD151C to node {home}: recovery {verdict} by {country}: {reason}"),
        now,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn commit_own(
    app: &App,
    actor: &Actor,
    record: MovementRecord,
    movement: Movement,
    out: crate::store::IceOut,
    body: Value,
    detail: String,
    now: DateTime<Utc>,
) -> Result<MovementRecord, AppError> {
    let action = body["action"].as_str().unwrap_or("recovery").to_string();
    let next = MovementRecord {
        version: record.version + 1,
        movement,
        updated_at: now,
        ..record.clone()
    };
    app.commit(Change {
        record: next.clone(),
        expected_version: Some(record.version),
        messages: vec![customs(&action, &body, now)],
        ledger: vec![],
        audit: vec![audit(actor, &action, Some(record.id), now, detail)],
        attachments: vec![],
        ice_out: vec![out],
        ice_in: None,
        notifications: Vec::new(),
    })
    .await?;
    Ok(next)
}

/// CD150C at the node of the country asked: keep the request on a copy of the movement.
pub(crate) async fn receive_request(
    app: &App,
    topology: &Topology,
    msg: &Inbound,
    content: RecoveryRequestMessage,
) -> Result<Applied, AppError> {
    if let Err(r) = correlated(msg, &content.mrn)
        .and_then(|_| departed_from_sender(topology, msg, &content.movement))
    {
        return Ok(Err(r));
    }
    if topology.host_of_country(content.country) != Host::Here {
        let why = format!(
            "{} is not hosted by node {}",
            content.country, topology.node
        );
        return Ok(Err(("CD906C", nack(12, why))));
    }
    let mut movement = content.movement.clone();
    movement.home = Some(msg.sender.clone());
    if !movement
        .recovery_requests
        .iter()
        .any(|r| r.country == content.country)
    {
        movement.recovery_requests.push(RecoveryRequest {
            country: content.country,
            node: topology.node.clone(),
            reason: content.reason.clone(),
            at: content.at,
            status: RecoveryRequestStatus::Requested,
            answer: None,
            answered_at: None,
        });
    }
    let new = NewCopy {
        movement: &movement,
        declaration: &content.declaration,
        lodged_at: content.lodged_at,
    };
    let (mut record, expected_version) = match copy_for(app, msg, content.movement_id, new).await? {
        Ok(found) => found,
        Err(r) => return Ok(Err(r)),
    };
    record.movement = movement;
    let detail = format!(
        "CD150C from node {}: {} asked to recover MRN {}: {}",
        msg.sender, content.country, content.mrn, content.reason
    );
    let applying = Applying {
        kind: IceType::Cd150c,
        record,
        expected_version,
        detail,
        action: "ice.recovery",
        at: msg.received_at,
        ledger: vec![],
        out: vec![],
        attachments: vec![],
    };
    Ok(Ok(commit(app, &topology.node, msg, applying).await?))
}

/// CD151C at the node of departure: the answer stands in the movement's request.
pub(crate) async fn receive_response(
    app: &App,
    topology: &Topology,
    msg: &Inbound,
    content: RecoveryResponse,
) -> Result<Applied, AppError> {
    if let Err(r) = correlated(msg, &content.mrn) {
        return Ok(Err(r));
    }
    let record = match owned(app, &topology.node, content.movement_id, &content.mrn).await? {
        Ok(r) => r,
        Err(r) => return Ok(Err(r)),
    };
    let mut next = MovementRecord {
        version: record.version + 1,
        updated_at: msg.received_at,
        ..record.clone()
    };
    let entry = next.movement.recovery_requests.iter_mut().find(|r| {
        r.country == content.country
            && r.node == msg.sender
            && r.status == RecoveryRequestStatus::Requested
    });
    let Some(entry) = entry else {
        let why = format!("no request for recovery by {} waits", content.country);
        return Ok(Err(("CD906C", nack(92, why))));
    };
    entry.status = if content.accepted {
        RecoveryRequestStatus::Accepted
    } else {
        RecoveryRequestStatus::Refused
    };
    entry.answer = Some(content.reason.clone());
    entry.answered_at = Some(content.at);
    let detail = format!(
        "CD151C from node {}: recovery {} by {}: {}",
        msg.sender,
        if content.accepted {
            "accepted"
        } else {
            "refused"
        },
        content.country,
        content.reason
    );
    let applying = Applying {
        kind: IceType::Cd151c,
        record: next,
        expected_version: Some(record.version),
        detail,
        action: "ice.recovery",
        at: msg.received_at,
        ledger: vec![],
        out: vec![],
        attachments: vec![],
    };
    Ok(Ok(commit(app, &topology.node, msg, applying).await?))
}
