//! When the goods and the record are not at the same node. A route change or a diversion brings
//! goods to an office that did not get the anticipated record: its node asks the node of
//! departure for it (CD114C transit, CD164C exit, CD002C destination) and gets it (CD115C,
//! CD165C, CD003C); it keeps a copy like any other and gets every update from then on. An
//! enquiry (the time limit passed, no arrival known at departure) asks the node of the office of
//! destination what it knows (CD142C) and records its answer (CD143C).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use cats_domain::ids::{Mrn, OfficeRef};
use cats_domain::movement::MovementState;

use super::applied::{commit, correlated, owned, Applying};
use super::fallback::PaperPassage;
use super::messages::{AnticipatedRecord, EnquiryRequest, EnquiryResponse, RecordRequest};
use super::receive::{entry, nack, receipt, Applied, Inbound};
use super::route::out_message;
use super::{Host, IceType, Topology};
use crate::app::{Actor, App};
use crate::error::AppError;
use crate::history::audit;
use crate::store::{IceOut, MovementRecord};

/// The request for the record of `mrn` that a passage at `office` recorded from paper sends to
/// the node of departure (the country of the MRN): CD114C entry, CD164C exit, CD002C arrival.
/// `None` when that node is this one or unknown.
pub fn record_request(
    topology: &Topology,
    mrn: &Mrn,
    passage: PaperPassage,
    office: &OfficeRef,
    now: DateTime<Utc>,
) -> Result<Option<IceOut>, AppError> {
    let Host::Peer(home) = topology.host_of_country(mrn.country()) else {
        return Ok(None);
    };
    let kind = match passage {
        PaperPassage::Entry => IceType::Cd114c,
        PaperPassage::Exit => IceType::Cd164c,
        PaperPassage::Arrival => IceType::Cd002c,
    };
    let content = RecordRequest {
        mrn: mrn.clone(),
        office: office.clone(),
        at: now,
    };
    out_message(home, kind, mrn, &content, Uuid::new_v4()).map(Some)
}

/// CD002C, CD114C, CD164C at the node of departure: send the record to the node that asked
/// (CD003C, CD115C, CD165C) and count its office among the movement's, so that its node gets
/// every update from now on.
pub(crate) async fn answer_record_request(
    app: &App,
    topology: &Topology,
    msg: &Inbound,
    kind: IceType,
    content: RecordRequest,
) -> Result<Applied, AppError> {
    if let Err(r) = correlated(msg, &content.mrn) {
        return Ok(Err(r));
    }
    if !topology.peer_hosts(&msg.sender, &content.office) {
        return Ok(Err((
            "CD906C",
            nack(
                12,
                format!(
                    "office {} is not hosted by node {}",
                    content.office, msg.sender
                ),
            ),
        )));
    }
    let owned = app
        .store()
        .movement_by_mrn(&content.mrn)
        .await?
        .filter(|r| r.movement.home.is_none());
    let Some(record) = owned else {
        return Ok(Err((
            "CD906C",
            nack(
                90,
                format!(
                    "MRN {} is not a movement departed from node {}",
                    content.mrn, topology.node
                ),
            ),
        )));
    };
    if record.movement.released_at.is_none() || !record.movement.state.is_en_route() {
        return Ok(Err((
            "CD906C",
            nack(
                92,
                format!(
                    "MRN {} is {}, not on its way: no record to send",
                    content.mrn, record.movement.state
                ),
            ),
        )));
    }
    let answer = match kind {
        IceType::Cd114c => IceType::Cd115c,
        IceType::Cd164c => IceType::Cd165c,
        _ => IceType::Cd003c,
    };
    let mut movement = record.movement.clone();
    if !movement.records_requested.contains(&content.office) {
        movement.records_requested.push(content.office.clone());
    }
    let next = MovementRecord {
        version: record.version + 1,
        movement,
        updated_at: msg.received_at,
        ..record.clone()
    };
    let mrn = content.mrn.clone();
    let sent = AnticipatedRecord {
        mrn: mrn.clone(),
        movement_id: record.id,
        office: content.office.clone(),
        movement: next.movement.clone(),
        declaration: record.declaration.as_ref().clone(),
        lodged_at: record.created_at,
    };
    let out = out_message(&msg.sender, answer, &mrn, &sent, Uuid::new_v4())?;
    let detail = format!(
        "{kind} ({}) from node {} for office {}, off the declared route: record sent ({answer})",
        kind.name(),
        msg.sender,
        content.office
    );
    let applying = Applying {
        kind,
        record: next,
        expected_version: Some(record.version),
        detail,
        action: "ice.receive",
        at: msg.received_at,
        ledger: vec![],
        out: vec![out],
        attachments: vec![],
    };
    Ok(Ok(commit(app, &topology.node, msg, applying).await?))
}

/// The enquiry (CD142C) that a movement gone under enquiry at this node sends to the node of its
/// declared office of destination, when that is a peer.
pub fn enquiry_request(
    topology: &Topology,
    record: &MovementRecord,
    now: DateTime<Utc>,
) -> Result<Option<IceOut>, AppError> {
    let m = &record.movement;
    let (None, MovementState::UnderEnquiry, Some(mrn)) = (&m.home, m.state, m.mrn.clone()) else {
        return Ok(None);
    };
    let Host::Peer(peer) = topology.host_of(&m.office_of_destination) else {
        return Ok(None);
    };
    let content = EnquiryRequest {
        mrn: mrn.clone(),
        movement_id: record.id,
        office: m.office_of_destination.clone(),
        time_limit: m.time_limit,
        at: now,
    };
    out_message(peer, IceType::Cd142c, &mrn, &content, Uuid::new_v4()).map(Some)
}

/// CD142C at the node of the office of destination: answer with what it knows (CD143C): the
/// arrival on its copy, an arrival recorded from paper, or nothing.
pub(crate) async fn answer_enquiry(
    app: &App,
    topology: &Topology,
    msg: &Inbound,
    content: EnquiryRequest,
) -> Result<Applied, AppError> {
    if let Err(r) = correlated(msg, &content.mrn) {
        return Ok(Err(r));
    }
    let copy = app
        .store()
        .movement_by_mrn(&content.mrn)
        .await?
        .filter(|r| r.movement.home.as_ref() == Some(&msg.sender));
    let paper = app
        .store()
        .ice_fallbacks(Some(&content.mrn), false)
        .await?
        .into_iter()
        .find(|f| f.passage == PaperPassage::Arrival);
    let mut answer = EnquiryResponse {
        mrn: content.mrn.clone(),
        movement_id: content.movement_id,
        arrived: false,
        office: None,
        arrived_at: None,
        source: "nothing".into(),
        remarks: format!(
            "no arrival of MRN {} known at node {}",
            content.mrn, topology.node
        ),
    };
    if let Some(m) = copy.as_ref().map(|c| &c.movement) {
        answer.source = "copy".into();
        answer.remarks = format!("the record is here; the movement is {} here", m.state);
        if let (Some(office), Some(at)) = (&m.arrival_office, m.arrived_at) {
            answer.arrived = true;
            answer.office = Some(office.clone());
            answer.arrived_at = Some(at);
        }
    }
    if let (false, Some(f)) = (answer.arrived, paper) {
        answer.arrived = true;
        answer.office = Some(f.office.clone());
        answer.arrived_at = Some(f.at);
        answer.source = "paper".into();
        answer.remarks = format!(
            "arrival recorded from the transit accompanying document by {} ({}){}",
            f.officer,
            f.status,
            f.remarks.map(|r| format!(": {r}")).unwrap_or_default()
        );
    }
    let out = out_message(
        &msg.sender,
        IceType::Cd143c,
        &content.mrn,
        &answer,
        Uuid::new_v4(),
    )?;
    let receipt = receipt(&topology.node, msg, None);
    app.store()
        .ice_record_inbound(&entry(msg, "answered", receipt.clone()), &[out])
        .await?;
    let note = audit(
        &Actor::System(format!("ice:{}", msg.sender)),
        "ice.enquiry",
        copy.map(|c| c.id),
        msg.received_at,
        format!(
            "CD142C from node {} for MRN {}: answered (CD143C): {}",
            msg.sender, content.mrn, answer.remarks
        ),
    );
    app.store().audit(&[note]).await?;
    Ok(Ok(receipt))
}

/// CD143C at the node of departure: keep the answer in the movement's history for the officer
/// who decides on recovery.
pub(crate) async fn enquiry_answered(
    app: &App,
    topology: &Topology,
    msg: &Inbound,
    content: EnquiryResponse,
) -> Result<Applied, AppError> {
    let record = match owned(app, &topology.node, content.movement_id, &content.mrn).await? {
        Ok(r) => r,
        Err(r) => return Ok(Err(r)),
    };
    let detail = format!(
        "CD143C from node {}: {}{}",
        msg.sender,
        if content.arrived {
            "the goods arrived"
        } else {
            "no arrival known"
        },
        format_args!("; {}", content.remarks)
    );
    let applying = Applying {
        kind: IceType::Cd143c,
        record: MovementRecord {
            version: record.version + 1,
            updated_at: msg.received_at.max(record.updated_at),
            ..record.clone()
        },
        expected_version: Some(record.version),
        detail,
        action: "ice.enquiry",
        at: msg.received_at,
        ledger: vec![],
        out: vec![],
        attachments: vec![],
    };
    Ok(Ok(commit(app, &topology.node, msg, applying).await?))
}
