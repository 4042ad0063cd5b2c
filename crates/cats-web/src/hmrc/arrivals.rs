//! Arrivals of the HMRC profile: `POST`/`GET /customs/transits/movements/arrivals`, one arrival,
//! its messages (`GET`, `POST` IE044), one message and its body. An arrival is the movement seen
//! from its office of destination, or, for an MRN the trader has no movement for, an unmatched
//! arrival keeping the IE007 and its IE057 (code 90).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use cats_app::arrivals::unmatched::{self, UnmatchedArrival};
use cats_app::arrivals::{self, Notified};
use cats_app::store::{MovementFilter, MovementRecord, StoredMessage};
use cats_app::App;

use super::accept::{accept, Wants};
use super::departures::{body_answer, no_upload, pick_message, MessagesQuery};
use super::views::{self, link, movement_path, submitted};
use super::{
    box_id, hmrc_error, not_found, query_number, query_time, resolve, short, time, Params, BASE,
};
use crate::error::ApiError;
use crate::handlers::departure_messages::body_format;
use crate::handlers::departures::message_xml;
use crate::principal::Principal;

/// What an arrival id names.
enum Found {
    /// The movement, arrived.
    Movement(Box<MovementRecord>),
    /// An arrival notification for an unknown MRN.
    Unmatched(UnmatchedArrival),
}

impl Found {
    fn id(&self) -> String {
        match self {
            Found::Movement(r) => short(r.id),
            Found::Unmatched(a) => short(a.id),
        }
    }
}

async fn find(app: &App, who: &Principal, id: &str) -> Result<Found, ApiError> {
    let actor = who.actor();
    for uuid in resolve(app, id, "Arrival movement").await? {
        if let Ok(a) = unmatched::get(app, &actor, uuid).await {
            return Ok(Found::Unmatched(a));
        }
        if let Ok(r) = arrivals::arrival(app, &actor, uuid).await {
            return Ok(Found::Movement(Box::new(r)));
        }
    }
    Err(not_found(format!("Arrival movement with ID {id}")))
}

async fn messages_of(
    app: &App,
    who: &Principal,
    found: &Found,
) -> Result<Vec<StoredMessage>, ApiError> {
    let actor = who.actor();
    match found {
        Found::Movement(r) => Ok(arrivals::arrival_messages(app, &actor, r.id)
            .await
            .map_err(hmrc_error)?
            .1),
        Found::Unmatched(a) => unmatched::messages(app, &actor, a.id)
            .await
            .map_err(hmrc_error),
    }
}

/// An arrival as HMRC shows it.
fn arrival(
    id: &str,
    mrn: &str,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
    enrolled: &str,
    eori: &str,
) -> Value {
    let path = movement_path("arrivals", id);
    json!({
        "_links": { "self": link(&path), "messages": link(format!("{path}/messages")) },
        "id": id,
        "movementReferenceNumber": mrn,
        "created": time(created),
        "updated": time(updated),
        "enrollmentEORINumber": enrolled,
        "movementEORINumber": eori,
    })
}

fn view(found: &Found, enrolled: &str) -> Value {
    match found {
        Found::Movement(r) => arrival(
            &short(r.id),
            r.movement
                .mrn
                .as_ref()
                .map(|m| m.as_str())
                .unwrap_or_default(),
            r.movement.arrived_at.unwrap_or(r.updated_at),
            r.updated_at,
            enrolled,
            r.movement.holder.as_str(),
        ),
        Found::Unmatched(a) => arrival(
            &short(a.id),
            &a.mrn,
            a.created_at,
            a.updated_at,
            enrolled,
            a.party.as_str(),
        ),
    }
}

fn enrolled(who: &Principal) -> String {
    who.0
        .party
        .as_ref()
        .map_or_else(|| who.0.username.clone(), |p| p.to_string())
}

/// `POST …/arrivals`: an IE007 (CC007C). `202` with `arrivalId` and `messageId`: for a movement
/// of the trader, the arrival (accepted, or refused with its IE057 in the messages); for an MRN
/// it has none of, an arrival of its own with the IE057 (code 90).
pub async fn notify(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    accept(&headers, &[Wants::Json, Wants::JsonXml])?;
    no_upload(&body)?;
    let format = body_format(&headers)?;
    let (id, message_id) =
        match arrivals::notify_arrival(&app, &who.actor(), &body, format, Utc::now())
            .await
            .map_err(hmrc_error)?
        {
            Notified::Movement(r) => (short(r.record.id), short(r.message_id())),
            Notified::UnknownMrn {
                arrival: Some(a), ..
            } => {
                let messages = app
                    .store()
                    .unmatched_messages(a)
                    .await
                    .map_err(|e| hmrc_error(e.into()))?;
                let first = messages.first().map(|m| short(m.id)).unwrap_or_default();
                (short(a), first)
            }
            Notified::UnknownMrn { mrn, .. } => {
                return Err(not_found(format!("Movement with MRN {mrn}")));
            }
        };
    let answer = submitted(
        "arrivals",
        "arrivalId",
        &id,
        &message_id,
        true,
        box_id(&app, &who.0).await,
    );
    Ok((StatusCode::ACCEPTED, Json(answer)).into_response())
}

/// Query of the arrivals list.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    updated_since: Option<String>,
    received_until: Option<String>,
    movement_reference_number: Option<String>,
    page: Option<String>,
    count: Option<String>,
}

/// `GET …/arrivals`: the arrivals of the token's company (arrived movements and unmatched
/// arrivals), newest change first; `updatedSince`, `receivedUntil`, `movementReferenceNumber`,
/// `page`, `count`.
pub async fn list(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    Params(q): Params<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    accept(&headers, &[Wants::Json])?;
    let actor = who.actor();
    let updated_since = query_time("updatedSince", q.updated_since.as_deref())?;
    let received_until = query_time("receivedUntil", q.received_until.as_deref())?;
    let wanted_mrn = q
        .movement_reference_number
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    let filter = MovementFilter {
        mrn: wanted_mrn.and_then(|m| m.parse().ok()),
        updated_since,
        page: 1,
        count: 500,
        ..MovementFilter::default()
    };
    let unknown_mrn = wanted_mrn.is_some() && filter.mrn.is_none();
    let (records, _) = if unknown_mrn {
        (Vec::new(), 0)
    } else {
        arrivals::list_arrivals(&app, &actor, filter)
            .await
            .map_err(hmrc_error)?
    };
    let mut all: Vec<Found> = records
        .into_iter()
        .map(|r| Found::Movement(Box::new(r)))
        .collect();
    if let Some(party) = &who.0.party {
        let orphans = app
            .store()
            .unmatched_of(party)
            .await
            .map_err(|e| hmrc_error(e.into()))?;
        all.extend(
            orphans
                .into_iter()
                .filter(|a| wanted_mrn.is_none_or(|m| a.mrn == m))
                .filter(|a| updated_since.is_none_or(|s| a.updated_at >= s))
                .map(Found::Unmatched),
        );
    }
    let updated = |f: &Found| match f {
        Found::Movement(r) => r.updated_at,
        Found::Unmatched(a) => a.updated_at,
    };
    all.retain(|f| received_until.is_none_or(|u| updated(f) <= u));
    all.sort_by_key(|f| std::cmp::Reverse(updated(f)));
    let total = all.len();
    let count = query_number("count", q.count.as_deref())?
        .unwrap_or(25)
        .min(500) as usize;
    let page = query_number("page", q.page.as_deref())?.unwrap_or(1) as usize;
    let enrolled = enrolled(&who);
    let arrivals: Vec<Value> = all
        .iter()
        .skip((page - 1) * count)
        .take(count)
        .map(|f| view(f, &enrolled))
        .collect();
    Ok(Json(json!({
        "_links": { "self": link(format!("{BASE}/movements/arrivals")) },
        "totalCount": total,
        "arrivals": arrivals,
    })))
}

/// `GET …/arrivals/{arrivalId}`.
pub async fn show(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    accept(&headers, &[Wants::Json])?;
    let found = find(&app, &who, &id).await?;
    Ok(Json(view(&found, &enrolled(&who))))
}

/// `GET …/arrivals/{arrivalId}/messages`.
pub async fn messages(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    Params(q): Params<MessagesQuery>,
) -> Result<Json<Value>, ApiError> {
    accept(&headers, &[Wants::Json])?;
    let found = find(&app, &who, &id).await?;
    let (page, total) = q.pick(messages_of(&app, &who, &found).await?)?;
    let id = found.id();
    let path = movement_path("arrivals", &id);
    Ok(Json(json!({
        "_links": { "self": link(format!("{path}/messages")), "arrival": link(&path) },
        "totalCount": total,
        "messages": page.iter().map(|m| views::message("arrivals", "arrival", "arrivalId", &id, m, None)).collect::<Vec<_>>(),
    })))
}

/// `GET …/arrivals/{arrivalId}/messages/{messageId}`: with its `body` as XML.
pub async fn message(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    Path((id, message_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    accept(&headers, &[Wants::Json, Wants::JsonXml])?;
    let found = find(&app, &who, &id).await?;
    let m = pick_message(messages_of(&app, &who, &found).await?, &message_id, &id)?;
    let id = found.id();
    Ok(Json(views::message(
        "arrivals",
        "arrival",
        "arrivalId",
        &id,
        &m,
        message_xml(&m),
    )))
}

/// `GET …/arrivals/{arrivalId}/messages/{messageId}/body`.
pub async fn body(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    Path((id, message_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let wants = accept(&headers, &[Wants::Json, Wants::Xml])?;
    let found = find(&app, &who, &id).await?;
    body_answer(
        &pick_message(messages_of(&app, &who, &found).await?, &message_id, &id)?,
        wants,
    )
}

/// `POST …/arrivals/{arrivalId}/messages`: an IE044 (CC044C). `202` with `arrivalId` and
/// `messageId`; the outcome (IE025, IE019, IE057 …) follows in the messages.
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
    let found = find(&app, &who, &id).await?;
    let actor = who.actor();
    let now = Utc::now();
    let message_id = match &found {
        Found::Movement(r) => {
            let received = arrivals::unloading_remarks(&app, &actor, r.id, &body, format, now)
                .await
                .map_err(hmrc_error)?;
            short(received.message_id())
        }
        Found::Unmatched(a) => {
            let (in_id, _) = unmatched::message(&app, &actor, a.id, &body, format, now)
                .await
                .map_err(hmrc_error)?;
            short(in_id)
        }
    };
    let answer = submitted(
        "arrivals",
        "arrivalId",
        &found.id(),
        &message_id,
        false,
        None,
    );
    Ok((StatusCode::ACCEPTED, Json(answer)).into_response())
}
