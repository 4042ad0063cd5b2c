//! NCTS P5 messages from the holder to a departure movement (HMRC CTC Traders API style).
//!
//! `POST /movements/departures/{id}/messages` ([`post`]). Request: `Content-Type:
//! application/xml` (root `ncts:CCnnnC` in the namespace `http://ncts.dgtaxud.ec`) or
//! `application/json` (the single root key `n1:CCnnnC`), body one of:
//!
//! * `CC013C` declaration amendment → `CC004C` (and `CC055C` if the guarantee cannot cover the
//!   new amount), or `CC056C` listing every failure;
//! * `CC014C` invalidation request → recorded for the officer's decision (`CC009C` later), or
//!   `CC056C`;
//! * `CC170C` presentation notification of a pre-lodged declaration → the goods are presented,
//!   control and release may follow; or `CC056C`.
//!
//! Answers (JSON): `202` with [`received_view`] (`errors` lists the functional errors of the
//! `CC056C` when the message was rejected, empty when accepted); `409` with the same body plus
//! `code: "CONFLICT"`, `message` and `errorCode: 92` when the movement's state does not allow
//! the message (kept with its `CC056C` in the history); `400` `SCHEMA_VALIDATION` with every
//! structural error (`errors`: `pointer`, `reason`) or `BAD_REQUEST` naming the accepted types
//! for another message type (e.g. a CC015C or CC007C); `403` for a user who sees the movement but
//! is not its holder (an officer); `404` unknown movement, or another trader's; `413` above 4 MiB;
//! `415` another content type.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use uuid::Uuid;

use cats_app::messages_in::{self, Received};
use cats_app::App;
use cats_ncts::Format;

use crate::error::ApiError;
use crate::principal::Principal;
use crate::views;

/// The format of the body from `Content-Type`; `415` unless XML or JSON.
pub(crate) fn body_format(headers: &HeaderMap) -> Result<Format, ApiError> {
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
            "send the message as Content-Type: application/xml or application/json",
        ))
    }
}

/// The answer to a message in, for the resource at `path` (`/movements/departures/{id}` or
/// `/movements/arrivals/{id}`) named `rel` in the links: `id` (movement), `messageId` and
/// `messageType` of the message in, `mrn`, `state`, `errors` (functional errors of the
/// rejection, if any), `messages` (every message stored: `id`, `messageType`, link), `_links`
/// (`self`: the message in; `rel`: the resource; `messages`; `departure`).
pub(crate) fn received_view(r: &Received, path: &str, rel: &str) -> views::ReceivedView {
    let messages = r
        .messages
        .iter()
        .map(|(id, t)| views::StoredEntry {
            id: *id,
            message_type: t.clone(),
            links: views::SelfLink {
                this: views::Link::to(format!("{path}/messages/{id}")),
            },
        })
        .collect();
    let links = [
        (
            "self".to_string(),
            format!("{path}/messages/{}", r.message_id()),
        ),
        (rel.to_string(), path.to_string()),
        ("messages".to_string(), format!("{path}/messages")),
        (
            "departure".to_string(),
            format!("/movements/departures/{}", r.record.id),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k, views::Link::to(v)))
    .collect();
    views::ReceivedView {
        id: r.record.id,
        message_id: r.message_id(),
        message_type: r.message_type.clone(),
        mrn: r.record.movement.mrn.clone(),
        state: r.record.movement.state,
        errors: r.failures.clone(),
        messages,
        links,
        code: None,
        message: None,
        error_code: None,
    }
}

/// `202` with [`received_view`], or `409` with it and the refusal when out of sequence.
pub(crate) fn received_answer(r: &Received, path: &str, rel: &str) -> Response {
    let mut body = received_view(r, path, rel);
    match &r.refused {
        None => (StatusCode::ACCEPTED, Json(body)).into_response(),
        Some(e) => {
            body.code = Some("CONFLICT".into());
            body.message = Some(e.to_string());
            body.error_code = Some(e.error_code());
            (StatusCode::CONFLICT, Json(body)).into_response()
        }
    }
}

/// `POST /movements/departures/{id}/messages`: a CC013C, CC014C or CC170C from the holder (see
/// the module documentation for bodies and answers).
pub async fn post(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let format = body_format(&headers)?;
    let received =
        messages_in::departure_message(&app, &who.actor(), id, &body, format, Utc::now()).await?;
    let path = format!("/movements/departures/{id}");
    Ok(received_answer(&received, &path, "departure"))
}
