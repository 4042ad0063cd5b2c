//! JSON views of movements and messages (HAL-style `_links`).

use cats_app::auth::{Role, User};
use cats_app::store::{MovementRecord, StoredMessage};
use cats_domain::movement::{ControlAttachment, ControlRecord};
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
        "controls": controls(record, viewer, |_| true),
        "controlPending": m.control_pending,
        "pendingControls": m.pending_controls,
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
        v["releaseOverride"] = json!(m.release_override);
    }
    v
}

/// The control records of a movement that `keep` keeps, numbered from 1 in the order they were
/// recorded: `number`, `office`, `stage`, `result`, `controlType`, `at`, `findings`, `seals`,
/// `remarks`; for customs officers also `officer` and `attachments` (with download links).
pub fn controls(
    record: &MovementRecord,
    viewer: Option<&User>,
    keep: impl Fn(&ControlRecord) -> bool,
) -> Vec<Value> {
    let officer = viewer.is_none_or(|u| u.role == Role::Officer);
    let path = movement_path(record);
    record
        .movement
        .controls
        .iter()
        .enumerate()
        .filter(|(_, c)| keep(c))
        .map(|(i, c)| {
            let number = i + 1;
            let mut v = json!({
                "number": number,
                "office": c.office,
                "stage": c.stage,
                "result": c.result,
                "controlType": c.control_type,
                "at": c.at,
                "findings": c.report.findings,
                "seals": c.report.seals,
                "remarks": c.report.remarks,
            });
            if officer {
                let base = format!("{path}/controls/{number}");
                v["officer"] = json!(c.officer);
                v["attachments"] = json!(c
                    .attachments
                    .iter()
                    .map(|a| control_attachment(&base, a))
                    .collect::<Vec<_>>());
            }
            v
        })
        .collect()
}

/// A control record's attachment: its metadata and `_links.download` under `control_path`
/// (`/movements/departures/{id}/controls/{number}`).
pub fn control_attachment(control_path: &str, a: &ControlAttachment) -> Value {
    let mut v = json!(a);
    v["_links"] = json!({ "download": { "href": format!("{control_path}/attachments/{}", a.id) } });
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
