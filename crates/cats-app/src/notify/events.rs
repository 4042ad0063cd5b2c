//! Which notifications a movement's change makes, and for whom.
//!
//! The events come from what the change writes into the movement's history: the NCTS messages
//! the office sends the holder (CC028C, CC029C, CC045C …), the officers' actions at the offices
//! (`exit`, `entry`, `arrival`), and, at the node of departure, the ICE messages of the other
//! countries' offices (CD118C, CD168C, CD006C, CD018C, CD180C). The holder of the transit
//! procedure hears of every event; the insurer of each guarantee used hears of those that
//! concern the guarantee ([`EventType::concerns_insurer`]). A copy of another node's movement
//! notifies nobody: the node of departure, where the holder is registered, does.

use uuid::Uuid;

use cats_domain::ids::Eori;

use super::EventType;
use crate::app::App;
use crate::store::{Change, Direction, Notification, StoreError};

/// The event a history entry of a movement means, if any: by its direction and type.
pub fn event_of(direction: Direction, message_type: &str) -> Option<EventType> {
    use EventType as E;
    Some(match (direction, message_type) {
        (Direction::Outbound, "CC028C") => E::MrnAllocated,
        (Direction::Outbound, "CC056C") => E::Rejected,
        (Direction::Outbound, "CC060C") => E::ControlDecision,
        (Direction::Outbound, "CC029C") => E::Released,
        (Direction::Outbound, "CC051C") => E::NotReleased,
        (Direction::Outbound, "CC055C") => E::GuaranteeNotValid,
        (Direction::Outbound, "CC004C") => E::AmendmentAccepted,
        (Direction::Outbound, "CC009C") => E::Invalidated,
        (Direction::Outbound, "CC182C") => E::Incident,
        (Direction::Outbound, "CC057C") => E::ArrivalRejected,
        (Direction::Outbound, "CC043C") => E::UnloadingPermission,
        (Direction::Outbound, "CC025C") => E::GoodsReleased,
        (Direction::Outbound, "CC019C") => E::Discrepancies,
        (Direction::Outbound, "CC045C") => E::WrittenOff,
        (Direction::Outbound, "CC140C") => E::Enquiry,
        (Direction::Outbound, "CC035C") => E::Recovery,
        (Direction::Customs, "exit") => E::Exit,
        (Direction::Customs, "entry") => E::Entry,
        (Direction::Customs, "arrival") => E::Arrival,
        (Direction::Inbound, "CD168C") => E::Exit,
        (Direction::Inbound, "CD118C") => E::Entry,
        (Direction::Inbound, "CD006C") => E::Arrival,
        (Direction::Inbound, "CD018C") => E::GoodsReleased,
        (Direction::Inbound, "CD180C") => E::Incident,
        _ => return None,
    })
}

/// The events of a change, once each, in the order of its messages, each with the id of the
/// NCTS message to the holder it came from (none for an officer's action or an ICE message).
/// None for a copy of another node's movement.
pub fn movement_events(change: &Change) -> Vec<(EventType, Option<Uuid>)> {
    if change.record.movement.home.is_some() {
        return Vec::new();
    }
    let mut out: Vec<(EventType, Option<Uuid>)> = Vec::new();
    for m in &change.messages {
        if let Some(e) = event_of(m.direction, &m.message_type) {
            if !out.iter().any(|(seen, _)| *seen == e) {
                let message = (m.direction == Direction::Outbound).then_some(m.id);
                out.push((e, message));
            }
        }
    }
    out
}

/// The page of a record (`movement`, `registration`, `contract`), or the API resource of a
/// claim (it has no page of its own). The store keeps a notification's link only where it is
/// not this (ADR 0022).
pub fn link(subject: &str, id: Uuid) -> String {
    match subject {
        "claim" => format!("/claims/{id}"),
        _ => format!("/ui/{subject}s/{id}"),
    }
}

/// What the notification of `event` on a movement says, in English (pages and e-mails word it
/// in the reader's language from the type). `reference` is the movement's MRN, or its LRN
/// before it has one. The store keeps a notification's text only where it is not this (ADR
/// 0022).
pub fn movement_text(event: EventType, reference: &str) -> String {
    let what = match event {
        EventType::MrnAllocated => "declaration accepted, MRN allocated",
        EventType::Rejected => "declaration or request rejected",
        EventType::ControlDecision => "the office of departure will control the goods",
        EventType::Released => "released for transit",
        EventType::NotReleased => "not released for transit",
        EventType::GuaranteeNotValid => "the guarantee does not cover the movement",
        EventType::AmendmentAccepted => "amendment accepted",
        EventType::Invalidated => "declaration invalidated",
        EventType::Exit => "the goods passed the office of exit",
        EventType::Entry => "the goods passed an office of transit or entry",
        EventType::Incident => "an incident en route was registered",
        EventType::Arrival => "the goods arrived at the office of destination",
        EventType::ArrivalRejected => "the arrival notification was rejected",
        EventType::UnloadingPermission => "unloading permitted",
        EventType::GoodsReleased => "the goods were released at destination",
        EventType::Discrepancies => "discrepancies found at destination",
        EventType::WrittenOff => "written off; the guarantee's amount is credited back",
        EventType::Enquiry => "time limit passed without arrival: enquiry opened",
        EventType::Recovery => "recovery of the debt opened",
        other => other.as_str(),
    };
    format!("{reference}: {what}")
}

/// The notifications of a change of a movement, for its holder and for the insurers of its
/// guarantees held here ([`EventType::concerns_insurer`]); once per party and event.
pub async fn for_change(app: &App, change: &Change) -> Result<Vec<Notification>, StoreError> {
    let events = movement_events(change);
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let m = &change.record.movement;
    let mut insurers: Vec<Eori> = Vec::new();
    if events.iter().any(|(e, _)| e.concerns_insurer()) {
        for g in &m.guarantees {
            if let Some(found) = app.store().guarantee(&g.grn).await? {
                if found.insurer != m.holder && !insurers.contains(&found.insurer) {
                    insurers.push(found.insurer);
                }
            }
        }
    }
    let reference = m
        .mrn
        .as_ref()
        .map_or_else(|| m.lrn.to_string(), |mrn| mrn.to_string());
    let at = change.record.updated_at;
    let mut out = Vec::new();
    for (event, message_id) in events {
        let parties =
            std::iter::once(&m.holder).chain(insurers.iter().filter(|_| event.concerns_insurer()));
        for party in parties {
            out.push(Notification {
                id: crate::new_row_id(),
                party: party.clone(),
                at,
                event,
                subject: "movement".into(),
                subject_id: change.record.id,
                reference: reference.clone(),
                link: link("movement", change.record.id),
                message_id,
                text: movement_text(event, &reference),
                status: m.state.as_str().to_string(),
            });
        }
    }
    Ok(out)
}
