//! Departures of the HMRC profile: `POST`/`GET /customs/transits/movements/departures`, one
//! departure, its messages (`GET`, `POST` IE013, IE014, IE170), one message and its body.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use cats_app::store::{MovementFilter, MovementRecord, StoredMessage};
use cats_app::{act, lodge, messages_in, query, App};

use super::accept::{accept, Wants};
use super::views::{self, link, movement_path, shown, submitted};
use super::{
    box_id, hmrc_error, not_found, query_number, query_time, resolve, short, time, Params, BASE,
};
use crate::error::ApiError;
use crate::handlers::departure_messages::body_format;
use crate::handlers::departures::{message_body, message_xml};
use crate::handlers::id_filter;
use crate::principal::Principal;

/// `400` for the empty body that starts HMRC's large-message upload, which CATS does not offer.
pub(super) fn no_upload(body: &Bytes) -> Result<(), ApiError> {
    if body.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "CATS does not offer the large-message upload (over 5 MB, through HMRC's upload service): send the message itself in the body, as application/xml or application/json",
        ));
    }
    Ok(())
}

/// A departure as HMRC shows it.
fn departure(r: &MovementRecord, enrolled: &str) -> Value {
    let id = short(r.id);
    let path = movement_path("departures", &id);
    let m = &r.movement;
    let mut v = json!({
        "_links": { "self": link(&path), "messages": link(format!("{path}/messages")) },
        "id": id,
        "localReferenceNumber": m.lrn,
        "created": time(r.created_at),
        "updated": time(r.updated_at),
        "enrollmentEORINumber": enrolled,
        "movementEORINumber": m.holder,
    });
    if let Some(mrn) = &m.mrn {
        v["movementReferenceNumber"] = json!(mrn);
    }
    v
}

/// The EORI the token acts for (its company; an officer's user name otherwise).
fn enrolled(who: &Principal) -> String {
    who.0
        .party
        .as_ref()
        .map_or_else(|| who.0.username.clone(), |p| p.to_string())
}

/// The departure `id` (short form) the actor sees.
async fn find(app: &App, who: &Principal, id: &str) -> Result<MovementRecord, ApiError> {
    for uuid in resolve(app, id, "Departure movement").await? {
        if let Ok(r) = act::load_visible(app, &who.actor(), uuid).await {
            return Ok(r);
        }
    }
    Err(not_found(format!("Departure movement with ID {id}")))
}

/// The id of the first message of type `message_type` in `messages`.
fn first_of(messages: &[StoredMessage], message_type: &str) -> Option<Uuid> {
    messages
        .iter()
        .find(|m| m.message_type == message_type)
        .map(|m| m.id)
}

/// `POST …/departures`: an IE015 (CC015C). `202` with `departureId` and `messageId` whether the
/// declaration is accepted or rejected (its IE028 or IE056 follows in the messages); `400`
/// `SCHEMA_VALIDATION` when it is not a well-formed CC015C.
pub async fn lodge(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    accept(&headers, &[Wants::Json, Wants::JsonXml])?;
    no_upload(&body)?;
    let format = body_format(&headers)?;
    let lodged = lodge::lodge(&app, &who.actor(), &body, format, Utc::now())
        .await
        .map_err(hmrc_error)?;
    let messages = app
        .store()
        .messages(lodged.record.id)
        .await
        .map_err(|e| hmrc_error(e.into()))?;
    let message_id = first_of(&messages, "CC015C").map(short).unwrap_or_default();
    let id = short(lodged.record.id);
    let answer = submitted(
        "departures",
        "departureId",
        &id,
        &message_id,
        true,
        box_id(&app, &who.0).await,
    );
    Ok((StatusCode::ACCEPTED, Json(answer)).into_response())
}

/// Query of the departures list.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    updated_since: Option<String>,
    received_until: Option<String>,
    #[serde(rename = "movementEORI")]
    movement_eori: Option<String>,
    movement_reference_number: Option<String>,
    local_reference_number: Option<String>,
    page: Option<String>,
    count: Option<String>,
}

/// `GET …/departures`: the departures of the token's company, newest change first;
/// `updatedSince`, `receivedUntil`, `movementEORI`, `movementReferenceNumber`,
/// `localReferenceNumber`, `page` (from 1), `count` (1 to 500, default 25).
pub async fn list(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    Params(q): Params<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    accept(&headers, &[Wants::Json])?;
    let page = query_number("page", q.page.as_deref())?.unwrap_or(1);
    let count = query_number("count", q.count.as_deref())?
        .unwrap_or(25)
        .min(500);
    let updated_since = query_time("updatedSince", q.updated_since.as_deref())?;
    let received_until = query_time("receivedUntil", q.received_until.as_deref())?;
    let given = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    let filter = (|| {
        Ok(MovementFilter {
            lrn: id_filter([given(q.local_reference_number)])?,
            mrn: id_filter([given(q.movement_reference_number)])?,
            holder: id_filter([given(q.movement_eori)])?,
            updated_since,
            page,
            count,
            ..MovementFilter::default()
        })
    })();
    let (records, total) = match filter {
        Ok(f) => query::list_movements(&app, &who.actor(), f)
            .await
            .map_err(hmrc_error)?,
        Err(crate::handlers::NoMatch) => (Vec::new(), 0),
    };
    let enrolled = enrolled(&who);
    let departures: Vec<Value> = records
        .iter()
        .filter(|r| received_until.is_none_or(|until| r.updated_at <= until))
        .map(|r| departure(r, &enrolled))
        .collect();
    Ok(Json(json!({
        "_links": { "self": link(format!("{BASE}/movements/departures")) },
        "totalCount": total,
        "departures": departures,
    })))
}

/// `GET …/departures/{departureId}`.
pub async fn show(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    accept(&headers, &[Wants::Json])?;
    let r = find(&app, &who, &id).await?;
    Ok(Json(departure(&r, &enrolled(&who))))
}

/// Query of a movement's messages.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct MessagesQuery {
    received_since: Option<String>,
    received_until: Option<String>,
    page: Option<String>,
    count: Option<String>,
}

impl MessagesQuery {
    /// The messages HMRC shows, filtered by time and paged; with how many matched. Errors:
    /// `400` for a parameter that does not parse.
    pub(super) fn pick(
        &self,
        all: Vec<StoredMessage>,
    ) -> Result<(Vec<StoredMessage>, usize), ApiError> {
        let since = query_time("receivedSince", self.received_since.as_deref())?;
        let until = query_time("receivedUntil", self.received_until.as_deref())?;
        let matched: Vec<StoredMessage> = all
            .into_iter()
            .filter(shown)
            .filter(|m| since.is_none_or(|s| m.received >= s))
            .filter(|m| until.is_none_or(|u| m.received <= u))
            .collect();
        let total = matched.len();
        let count = query_number("count", self.count.as_deref())?
            .unwrap_or(500)
            .min(500) as usize;
        let page = query_number("page", self.page.as_deref())?.unwrap_or(1) as usize;
        Ok((
            matched
                .into_iter()
                .skip((page - 1) * count)
                .take(count)
                .collect(),
            total,
        ))
    }
}

/// `GET …/departures/{departureId}/messages`.
pub async fn messages(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    Params(q): Params<MessagesQuery>,
) -> Result<Json<Value>, ApiError> {
    accept(&headers, &[Wants::Json])?;
    let r = find(&app, &who, &id).await?;
    let (_, all) = query::movement_messages(&app, &who.actor(), r.id)
        .await
        .map_err(hmrc_error)?;
    let (page, total) = q.pick(all)?;
    let id = short(r.id);
    let path = movement_path("departures", &id);
    Ok(Json(json!({
        "_links": { "self": link(format!("{path}/messages")), "departure": link(&path) },
        "totalCount": total,
        "messages": page.iter().map(|m| views::message("departures", "departure", "departureId", &id, m, None)).collect::<Vec<_>>(),
    })))
}

/// The message `message` (short id) among `messages`.
pub(super) fn pick_message(
    messages: Vec<StoredMessage>,
    message: &str,
    of: &str,
) -> Result<StoredMessage, ApiError> {
    messages
        .into_iter()
        .filter(shown)
        .find(|m| short(m.id) == message.to_ascii_lowercase())
        .ok_or_else(|| not_found(format!("Message with ID {message} for movement {of}")))
}

/// `GET …/departures/{departureId}/messages/{messageId}`: with its `body` as XML.
pub async fn message_one(
    app: &App,
    who: &Principal,
    headers: &HeaderMap,
    id: &str,
    message_id: &str,
) -> Result<Value, ApiError> {
    accept(headers, &[Wants::Json, Wants::JsonXml])?;
    let r = find(app, who, id).await?;
    let (_, all) = query::movement_messages(app, &who.actor(), r.id)
        .await
        .map_err(hmrc_error)?;
    let m = pick_message(all, message_id, id)?;
    let id = short(r.id);
    Ok(views::message(
        "departures",
        "departure",
        "departureId",
        &id,
        &m,
        message_xml(&m),
    ))
}

/// `GET …/departures/{departureId}/messages/{messageId}`.
pub async fn message(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    Path((id, message_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        message_one(&app, &who, &headers, &id, &message_id).await?,
    ))
}

/// A message's body alone: XML (`+xml`) or its HMRC JSON form (`+json`).
pub(super) fn body_answer(m: &StoredMessage, wants: Wants) -> Result<Response, ApiError> {
    let xml = wants == Wants::Xml;
    let bytes = message_body(m, xml)?;
    let ct = if xml {
        "application/xml"
    } else {
        "application/json"
    };
    Ok(([(header::CONTENT_TYPE, ct)], bytes).into_response())
}

/// `GET …/departures/{departureId}/messages/{messageId}/body`.
pub async fn body(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    Path((id, message_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let wants = accept(&headers, &[Wants::Json, Wants::Xml])?;
    let r = find(&app, &who, &id).await?;
    let (_, all) = query::movement_messages(&app, &who.actor(), r.id)
        .await
        .map_err(hmrc_error)?;
    body_answer(&pick_message(all, &message_id, &id)?, wants)
}

/// `POST …/departures/{departureId}/messages`: an IE013, IE014 or IE170. `202` with
/// `departureId` and `messageId`, accepted or refused (the IE004, IE056 … follows in the
/// messages); `400` when not well formed.
pub async fn post_message(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    accept(&headers, &[Wants::Json, Wants::JsonXml])?;
    no_upload(&body)?;
    let format = body_format(&headers)?;
    let r = find(&app, &who, &id).await?;
    let received =
        messages_in::departure_message(&app, &who.actor(), r.id, &body, format, Utc::now())
            .await
            .map_err(hmrc_error)?;
    let id = short(r.id);
    let answer = submitted(
        "departures",
        "departureId",
        &id,
        &short(received.message_id()),
        false,
        None,
    );
    Ok((StatusCode::ACCEPTED, Json(answer)).into_response())
}
