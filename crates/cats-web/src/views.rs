//! JSON views of movements and messages (HAL-style `_links`).

use cats_app::auth::{Role, User};
use cats_app::store::{MovementRecord, StoredMessage};
use serde_json::{json, Value};

/// Path of a movement.
pub fn movement_path(record: &MovementRecord) -> String {
    format!("/movements/departures/{}", record.id)
}

/// A movement as the API shows it. Risk selections are shown to customs officers only.
pub fn movement(record: &MovementRecord, viewer: Option<&User>) -> Value {
    let m = &record.movement;
    let path = movement_path(record);
    let mut v = json!({
        "id": record.id,
        "lrn": m.lrn,
        "mrn": m.mrn,
        "state": m.state,
        "holder": m.holder,
        "officeOfDeparture": m.office_of_departure,
        "officeOfDestination": m.office_of_destination,
        "officesOfTransit": m.offices_of_transit,
        "officesOfExit": m.offices_of_exit,
        "itinerary": m.itinerary,
        "guarantees": m.guarantees,
        "releasedAt": m.released_at,
        "timeLimit": m.time_limit,
        "arrivalOffice": m.arrival_office,
        "arrivedAt": m.arrived_at,
        "passages": m.passages,
        "controls": m.controls,
        "controlPending": m.control_pending,
        "incidents": m.incidents.iter().map(|(office, text)| json!({"office": office, "text": text})).collect::<Vec<_>>(),
        "cancellationRequested": m.cancellation_requested,
        "created": record.created_at,
        "updated": record.updated_at,
        "version": record.version,
        "_links": {
            "self": { "href": path },
            "messages": { "href": format!("{path}/messages") },
        },
    });
    if viewer.is_none_or(|u| u.role == Role::Officer) {
        v["risk"] = json!(m.risk);
    }
    v
}

/// A message's entry in a list.
pub fn message_entry(record: &MovementRecord, msg: &StoredMessage) -> Value {
    json!({
        "id": msg.id,
        "messageType": msg.message_type,
        "direction": msg.direction,
        "received": msg.received,
        "_links": {
            "self": { "href": format!("{}/messages/{}", movement_path(record), msg.id) },
            "departure": { "href": movement_path(record) },
        },
    })
}
