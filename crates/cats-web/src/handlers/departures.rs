//! Departures: lodging, lists, a movement, its messages, amendment and cancellation request.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use cats_app::store::{Direction, MovementFilter};
use cats_app::{act, amend, lodge, query, App};
use cats_domain::movement::{Action, MovementState};
use cats_ncts::{Format, MessageType};

use super::wants_xml;
use super::{id_filter, NoMatch};
use crate::error::ApiError;
use crate::principal::Principal;
use crate::views;

fn body_format(headers: &HeaderMap) -> Result<Format, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if ct.contains("xml") {
        Ok(Format::Xml)
    } else if ct.contains("json") {
        Ok(Format::Json)
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the declaration as Content-Type: application/xml or application/json",
        ))
    }
}

fn lodged_view(lodged: &lodge::Lodged) -> views::LodgedView {
    let path = views::movement_path(&lodged.record);
    views::LodgedView {
        id: lodged.record.id,
        lrn: lodged.record.movement.lrn.clone(),
        mrn: lodged.record.movement.mrn.clone(),
        state: lodged.record.movement.state,
        errors: lodged.failures.clone(),
        links: views::MovementLinks {
            this: views::Link::to(&path),
            messages: views::Link::to(format!("{path}/messages")),
        },
    }
}

/// `POST /movements/departures`: lodge a CC015C. `202` with the movement's id, state and links
/// (state `Rejected` with the failures when business rules fail); `400` with every structural
/// error for a body that is not a well-formed CC015C.
pub async fn lodge(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let format = body_format(&headers)?;
    let lodged = lodge::lodge(&app, &who.actor(), &body, format, Utc::now()).await?;
    Ok((StatusCode::ACCEPTED, Json(lodged_view(&lodged))).into_response())
}

/// `POST /movements/departures/{id}/amendment`: the whole amended CC015C.
pub async fn amend(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let format = body_format(&headers)?;
    let lodged = amend::amend(&app, &who.actor(), id, &body, format, Utc::now()).await?;
    Ok((StatusCode::ACCEPTED, Json(lodged_view(&lodged))).into_response())
}

/// Body of a cancellation request.
#[derive(utoipa::ToSchema, Debug, Deserialize)]
pub struct CancellationRequest {
    /// Why the holder asks to cancel.
    pub reason: String,
}

/// `POST /movements/departures/{id}/cancellation`: the holder asks to cancel (CC014C analogue).
pub async fn cancellation(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
    Json(req): Json<CancellationRequest>,
) -> Result<Json<Value>, ApiError> {
    let request = json!({ "reason": req.reason });
    let record = act::act(
        &app,
        &who.actor(),
        id,
        Action::RequestCancellation { reason: req.reason },
        &request,
        Utc::now(),
    )
    .await?;
    Ok(Json(views::movement(&record, Some(&who.0))))
}

/// Query of `GET /movements/departures` (HMRC names and short names both accepted).
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    lrn: Option<String>,
    local_reference_number: Option<String>,
    mrn: Option<String>,
    movement_reference_number: Option<String>,
    #[serde(rename = "movementEORI")]
    movement_eori: Option<String>,
    state: Option<String>,
    updated_since: Option<DateTime<Utc>>,
    page: Option<u32>,
    count: Option<u32>,
}

/// `GET /movements/departures`: the movements the user may see, newest change first.
pub async fn list(
    State(app): State<App>,
    who: Principal,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let state = match q.state.as_deref() {
        None => None,
        Some(s) => Some(MovementState::parse(s).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                format!(
                    "unknown state {s}; use one of {}",
                    MovementState::ALL.map(|s| s.as_str()).join(", ")
                ),
            )
        })?),
    };
    let page = q.page.unwrap_or(1).max(1);
    let count = q.count.unwrap_or(25).clamp(1, 500);
    let filter = (|| {
        Ok(MovementFilter {
            lrn: id_filter([q.lrn, q.local_reference_number])?,
            mrn: id_filter([q.mrn, q.movement_reference_number])?,
            state,
            holder: id_filter([q.movement_eori])?,
            updated_since: q.updated_since,
            page,
            count,
            ..MovementFilter::default()
        })
    })();
    let (records, total) = match filter {
        Ok(filter) => query::list_movements(&app, &who.actor(), filter).await?,
        Err(NoMatch) => (Vec::new(), 0),
    };
    Ok(Json(views::json(&views::MovementList {
        total_count: total,
        page,
        count,
        movements: records
            .iter()
            .map(|r| views::movement_view(r, Some(&who.0)))
            .collect(),
        links: views::SelfLink {
            this: views::Link::to(format!("/movements/departures?page={page}&count={count}")),
        },
    })))
}

/// `GET /movements/departures/{id}`.
pub async fn show(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let record = act::load_visible(&app, &who.actor(), id).await?;
    Ok(Json(views::movement(&record, Some(&who.0))))
}

/// `GET /movements/departures/{id}/messages`: the movement's history, oldest first.
pub async fn messages(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let (record, messages) = query::movement_messages(&app, &who.actor(), id).await?;
    let path = views::movement_path(&record);
    Ok(Json(views::json(&views::MessageList {
        messages: messages
            .iter()
            .map(|m| views::message_entry(&record, m))
            .collect(),
        links: views::MessageLinks {
            this: views::Link::to(format!("{path}/messages")),
            departure: views::Link::to(path),
        },
    })))
}

/// `GET /movements/departures/{id}/messages/{messageId}`: the message itself, XML or JSON by
/// `Accept` (converted between the two for NCTS messages; customs actions are JSON only).
pub async fn message(
    State(app): State<App>,
    who: Principal,
    Path((id, message_id)): Path<(Uuid, Uuid)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (_, messages) = query::movement_messages(&app, &who.actor(), id).await?;
    let msg = messages
        .into_iter()
        .find(|m| m.id == message_id)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                format!("message {message_id} not found"),
            )
        })?;
    let want_xml = wants_xml(&headers);
    let body = message_body(&msg, want_xml)?;
    let ct = if want_xml {
        "application/xml"
    } else {
        "application/json"
    };
    Ok(([(header::CONTENT_TYPE, ct)], body).into_response())
}

/// A stored message's bytes in XML or in the HMRC JSON shape: as kept, or converted between the
/// two for NCTS messages. Errors: `406` for a customs action (kept as JSON only) asked as XML,
/// or a body that cannot be converted.
pub(crate) fn message_body(
    msg: &cats_app::store::StoredMessage,
    want_xml: bool,
) -> Result<Vec<u8>, ApiError> {
    let stored_xml = msg.content_type.contains("xml");
    let not_acceptable = || {
        ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "NOT_ACCEPTABLE",
            format!("{} is kept as JSON only", msg.message_type),
        )
    };
    let body = match (stored_xml, want_xml) {
        (true, true) | (false, false) => msg.body.clone().into_bytes(),
        _ => {
            if msg.direction == Direction::Customs {
                return Err(not_acceptable());
            }
            let mt: MessageType = msg.message_type.parse().map_err(|_| not_acceptable())?;
            let value = if stored_xml {
                cats_ncts::read_xml(msg.body.as_bytes(), mt, &cats_ncts::Limits::default())
                    .map_err(|_| not_acceptable())?
            } else {
                serde_json::from_str(&msg.body).map_err(|_| not_acceptable())?
            };
            let format = if want_xml { Format::Xml } else { Format::Json };
            cats_ncts::write(mt, &value, format).map_err(|e| {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "CONVERSION",
                    e.to_string(),
                )
            })?
        }
    };
    Ok(body)
}

/// A stored message as NCTS XML: kept as received, or written from its JSON form. `None` for a
/// customs action (kept as JSON only) or a body that cannot be converted.
pub fn message_xml(msg: &cats_app::store::StoredMessage) -> Option<String> {
    if msg.content_type.contains("xml") {
        return Some(msg.body.clone());
    }
    if msg.direction == Direction::Customs {
        return None;
    }
    let mt: MessageType = msg.message_type.parse().ok()?;
    let value: serde_json::Value = serde_json::from_str(&msg.body).ok()?;
    let bytes = cats_ncts::write(mt, &value, Format::Xml).ok()?;
    String::from_utf8(bytes).ok()
}
