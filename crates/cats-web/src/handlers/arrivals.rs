//! Arrivals (HMRC CTC Traders API style). An arrival is the departure movement seen from the
//! office of destination: same `id`, shown once its arrival was notified (states `Arrived`,
//! `GoodsReleased`, `Discrepancies`, `WrittenOff`).
//!
//! * `POST /movements/arrivals` ([`notify`]): a CC007C arrival notification, `application/xml`
//!   or `application/json`, from the holder's trader user. `202` with the arrival's `id`, `mrn`,
//!   `state` (`Arrived`), the messages stored (the CC007C, and the CC043C unloading permission
//!   when `simplifiedProcedure` is 1) and `_links` (`self` the CC007C, `arrival`
//!   `/movements/arrivals/{id}`, `messages` `/movements/arrivals/{id}/messages`, `departure`);
//!   `404` `UNKNOWN_MRN` with `errorCode: 90` and the CC057C (`rejection`) when the trader has no
//!   movement with that MRN; `409` with `errorCode: 92` when the movement is not en route (`12`
//!   for an office that is not an office of destination), the CC007C and its CC057C kept in the
//!   history; `400` every structural error, or another message type; `403` not a trader.
//! * `GET /movements/arrivals` ([`list`]): query `movementReferenceNumber` (or `mrn`), `state`,
//!   `updatedSince`, `page` (from 1), `count` (1..500, default 25); `200` `{totalCount, page,
//!   count, arrivals: [arrival], _links}`.
//! * `GET /movements/arrivals/{id}` ([`show`]): `200` the arrival (see [`arrival_view`]); `404`.
//! * `GET /movements/arrivals/{id}/messages` ([`messages`]): `200` `{messages: [{id,
//!   messageType, direction, received, _links}], _links}`: the rejected arrival notifications and
//!   everything from the arrival on.
//! * `GET /movements/arrivals/{id}/messages/{messageId}` ([`message`]): one of them, XML or JSON
//!   by `Accept`, like a departure's message.
//! * `POST /movements/arrivals/{id}/messages` ([`post_message`]): a CC044C unloading remarks
//!   (after a CC043C). `202` like a departure message (state `WrittenOff` when conform,
//!   `Discrepancies` with CC025C and CC019C otherwise, `Arrived` when unloading is not completed;
//!   `errors` and a CC057C when the MRN or the office is not the arrival's); `409` with
//!   `errorCode: 92` and a CC057C kept when no unloading was permitted or the goods were already
//!   released; `400`, `403`, `404` as above.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use cats_app::arrivals::{self, Notified};
use cats_app::auth::User;
use cats_app::store::{MovementFilter, MovementRecord};
use cats_app::App;
use cats_domain::movement::{MovementState, Stage};

use super::departure_messages::{body_format, received_answer};
use super::{id_filter, NoMatch};
use crate::error::ApiError;
use crate::principal::Principal;
use crate::views;

fn arrival_path(id: Uuid) -> String {
    format!("/movements/arrivals/{id}")
}

/// An arrival as the API shows it: `id`, `mrn`, `lrn`, `state`, `holder`,
/// `officeOfDestinationDeclared`, `officeOfDestinationActual`, `arrived`, `controls` (at
/// destination), `created`, `updated`, `_links` (`self`, `messages`, `departure`).
pub fn arrival_view(r: &MovementRecord, viewer: Option<&User>) -> views::ArrivalView {
    let m = &r.movement;
    let path = arrival_path(r.id);
    views::ArrivalView {
        id: r.id,
        mrn: m.mrn.clone(),
        lrn: m.lrn.clone(),
        state: m.state,
        holder: m.holder.clone(),
        office_of_destination_declared: m.office_of_destination.clone(),
        office_of_destination_actual: m.arrival_office.clone(),
        arrived: m.arrived_at,
        controls: views::control_views(r, viewer, |c| c.stage == Stage::Destination),
        created: r.created_at,
        updated: r.updated_at,
        links: views::ArrivalLinks {
            this: views::Link::to(&path),
            messages: views::Link::to(format!("{path}/messages")),
            departure: views::Link::to(format!("/movements/departures/{}", r.id)),
        },
    }
}

/// `POST /movements/arrivals`: a CC007C arrival notification (see the module documentation).
pub async fn notify(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let format = body_format(&headers)?;
    match arrivals::notify_arrival(&app, &who.actor(), &body, format, Utc::now()).await? {
        Notified::Movement(r) => Ok(received_answer(&r, &arrival_path(r.record.id), "arrival")),
        Notified::UnknownMrn { mrn, rejection, .. } => Ok((
            StatusCode::NOT_FOUND,
            Json(json!({
                "code": "UNKNOWN_MRN",
                "message": format!("no movement with MRN {mrn} is known to you: arrival rejected (CC057C, code 90)"),
                "errorCode": 90,
                "mrn": mrn,
                "rejection": rejection,
            })),
        )
            .into_response()),
    }
}

/// Query of `GET /movements/arrivals`.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ArrivalQuery {
    mrn: Option<String>,
    movement_reference_number: Option<String>,
    state: Option<String>,
    updated_since: Option<DateTime<Utc>>,
    page: Option<u32>,
    count: Option<u32>,
}

/// `GET /movements/arrivals`: the arrivals the user may see, newest change first.
pub async fn list(
    State(app): State<App>,
    who: Principal,
    Query(q): Query<ArrivalQuery>,
) -> Result<Json<Value>, ApiError> {
    let state = match q.state.as_deref() {
        None => None,
        Some(s) => Some(MovementState::parse(s).ok_or_else(|| {
            let names = arrivals::ARRIVED_STATES.map(|s| s.as_str()).join(", ");
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                format!("unknown state {s}; an arrival is {names}"),
            )
        })?),
    };
    let page = q.page.unwrap_or(1).max(1);
    let count = q.count.unwrap_or(25).clamp(1, 500);
    let filter = id_filter([q.mrn, q.movement_reference_number]).map(|mrn| MovementFilter {
        mrn,
        state,
        updated_since: q.updated_since,
        page,
        count,
        ..MovementFilter::default()
    });
    let (records, total) = match filter {
        Ok(filter) => arrivals::list_arrivals(&app, &who.actor(), filter).await?,
        Err(NoMatch) => (Vec::new(), 0),
    };
    Ok(Json(views::json(&views::ArrivalList {
        total_count: total,
        page,
        count,
        arrivals: records
            .iter()
            .map(|r| arrival_view(r, Some(&who.0)))
            .collect(),
        links: views::SelfLink {
            this: views::Link::to(format!("/movements/arrivals?page={page}&count={count}")),
        },
    })))
}

/// `GET /movements/arrivals/{id}`: the arrival; `404` when there is none (yet).
pub async fn show(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let record = arrivals::arrival(&app, &who.actor(), id).await?;
    Ok(Json(views::json(&arrival_view(&record, Some(&who.0)))))
}

/// `GET /movements/arrivals/{id}/messages`: the arrival's messages, oldest first.
pub async fn messages(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let (_, messages) = arrivals::arrival_messages(&app, &who.actor(), id).await?;
    let path = arrival_path(id);
    let list = messages
        .iter()
        .map(|m| views::ArrivalMessageEntry {
            id: m.id,
            message_type: m.message_type.clone(),
            direction: m.direction,
            received: m.received,
            links: views::ArrivalMessageLinks {
                this: views::Link::to(format!("{path}/messages/{}", m.id)),
                arrival: views::Link::to(&path),
            },
        })
        .collect();
    Ok(Json(views::json(&views::ArrivalMessageList {
        messages: list,
        links: views::ArrivalMessageLinks {
            this: views::Link::to(format!("{path}/messages")),
            arrival: views::Link::to(&path),
        },
    })))
}

/// `GET /movements/arrivals/{id}/messages/{messageId}`: one message of the arrival, XML or JSON
/// by `Accept` (as `GET /movements/departures/{id}/messages/{messageId}`); `404` when it is not
/// one of the arrival's.
pub async fn message(
    State(app): State<App>,
    who: Principal,
    Path((id, message_id)): Path<(Uuid, Uuid)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (_, messages) = arrivals::arrival_messages(&app, &who.actor(), id).await?;
    if !messages.iter().any(|m| m.id == message_id) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("message {message_id} not found in arrival {id}"),
        ));
    }
    super::departures::message(State(app), who, Path((id, message_id)), headers).await
}

/// `POST /movements/arrivals/{id}/messages`: a CC044C unloading remarks (see the module
/// documentation).
pub async fn post_message(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let format = body_format(&headers)?;
    let r = arrivals::unloading_remarks(&app, &who.actor(), id, &body, format, Utc::now()).await?;
    Ok(received_answer(&r, &arrival_path(id), "arrival"))
}
