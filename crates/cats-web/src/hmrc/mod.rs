//! The HMRC CTC Traders API compatibility profile (issue 14): `/customs/transits/movements/…`
//! answering as HMRC's published OpenAPI documents 2.0 and 2.1 (`../shared/hmrc/`) say, so that
//! traders' software written for HMRC works with a CATS node by changing its base URL and token.
//!
//! * Paths, methods, status codes and bodies as HMRC's: `departureId` / `arrivalId` and
//!   `messageId` of 16 hexadecimal digits ([`short`]: the first 16 of the CATS UUID), `_links`
//!   under `/customs/transits`, messages with `type` `IE015`, `IE028` …, `status`, `received`,
//!   `body`; trailing slashes accepted.
//! * Version negotiation by `Accept` ([`accept`]): `application/vnd.hmrc.2.0+json` or `2.1`,
//!   `+json-xml` for a single message, `+xml` for a message body; `406 NOT_ACCEPTABLE` otherwise.
//! * HMRC's semantics: a well-formed message is accepted with `202` and its business outcome
//!   comes as a message: a rejected declaration gets its IE056, an arrival for an unknown MRN its
//!   IE057 with code 90 in an arrival of its own. The native API (`/movements/…`) keeps its more
//!   immediate answers; both read and write the same movements.
//! * Errors `{"code", "message"}`: `SCHEMA_VALIDATION` with `validationErrors`, `BAD_REQUEST`,
//!   `NOT_FOUND`, `NOT_ACCEPTABLE`, `UNSUPPORTED_MEDIA_TYPE`, `FORBIDDEN`, `UNAUTHORIZED`,
//!   `REQUEST_ENTITY_TOO_LARGE` (a body over 4 MiB).
//!
//! HMRC's CTC Guarantee Balance API v2.0 is here too: `POST /customs/guarantees/{grn}/balance`
//! ([`guarantees`]).
//!
//! Authentication is CATS's bearer token, not HMRC's OAuth; the large-message upload (over
//! 5 MB, through HMRC's upload service) is not offered: its empty-body POST is refused with a
//! clear `400`.

pub mod accept;
mod arrivals;
mod departures;
mod guarantees;
mod views;

use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;
use uuid::Uuid;

use cats_app::{App, AppError};

use crate::error::ApiError;

/// Where the profile lives.
pub const BASE: &str = "/customs/transits";

/// The profile's routes, each with and without a trailing slash.
pub fn router() -> Router<App> {
    let routes: [(&str, axum::routing::MethodRouter<App>); 8] = [
        (
            "/movements/departures",
            get(departures::list).post(departures::lodge),
        ),
        ("/movements/departures/{id}", get(departures::show)),
        (
            "/movements/departures/{id}/messages",
            get(departures::messages).post(departures::post_message),
        ),
        (
            "/movements/departures/{id}/messages/{message}",
            get(departures::message),
        ),
        (
            "/movements/departures/{id}/messages/{message}/body",
            get(departures::body),
        ),
        (
            "/movements/arrivals",
            get(arrivals::list).post(arrivals::notify),
        ),
        ("/movements/arrivals/{id}", get(arrivals::show)),
        (
            "/movements/arrivals/{id}/messages",
            get(arrivals::messages).post(arrivals::post_message),
        ),
    ];
    let mut router = Router::new();
    for (path, handler) in routes {
        router = router
            .route(&format!("{BASE}{path}"), handler.clone())
            .route(&format!("{BASE}{path}/"), handler);
    }
    for (path, handler) in [
        (
            "/movements/arrivals/{id}/messages/{message}",
            get(arrivals::message),
        ),
        (
            "/movements/arrivals/{id}/messages/{message}/body",
            get(arrivals::body),
        ),
    ] {
        router = router
            .route(&format!("{BASE}{path}"), handler.clone())
            .route(&format!("{BASE}{path}/"), handler);
    }
    router
        .route(
            "/customs/guarantees/{grn}/balance",
            axum::routing::post(guarantees::balance),
        )
        .layer(axum::middleware::map_response(|r| async move {
            crate::error::rejection_as_json(r, "REQUEST_ENTITY_TOO_LARGE").await
        }))
}

/// The profile's id of a CATS UUID: its first 16 hexadecimal digits (HMRC's ids have 16).
pub fn short(id: Uuid) -> String {
    id.simple().to_string()[..16].to_string()
}

/// A time as the profile writes it: RFC 3339, UTC, milliseconds (`2026-12-06T10:30:00.000Z`).
pub fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// HMRC's message type of an NCTS one: `CC015C` → `IE015`; `None` for anything that is not an
/// NCTS message (officers' actions, ICE messages).
pub fn ie(message_type: &str) -> Option<String> {
    let digits = message_type.strip_prefix("CC")?.strip_suffix('C')?;
    (digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit())).then(|| format!("IE{digits}"))
}

/// A time given in a query (`updatedSince`, `receivedUntil` …): RFC 3339 (`2021-06-21T09:00:00Z`),
/// or as HMRC's documents write it (`2021-06-21 09:00:00+00:00`), also with the `+` of the
/// offset turned into a space by form decoding. Empty: none. Errors: `400 BAD_REQUEST` naming
/// the parameter.
pub(crate) fn query_time(
    name: &str,
    value: Option<&str>,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let mut candidates = vec![v.to_string(), v.replacen(' ', "T", 1)];
    if let Some((head, tail)) = v.rsplit_once(' ') {
        let offset = format!("{head}+{tail}");
        candidates.push(offset.replacen(' ', "T", 1));
    }
    candidates
        .iter()
        .find_map(|c| DateTime::parse_from_rfc3339(c).ok())
        .map(|t| Some(t.with_timezone(&Utc)))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                format!("{name}: {v:?} is not a date and time (2021-06-21T09:00:00Z)"),
            )
        })
}

/// A whole number given in a query (`page`, `count`), at least 1 (smaller ones count as 1, as
/// HMRC's documents ask for a positive number without saying what else happens). Empty: none.
/// Errors: `400` for what is not a whole number.
pub(crate) fn query_number(name: &str, value: Option<&str>) -> Result<Option<u32>, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => {
            let digits = v.strip_prefix('-').unwrap_or(v);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST",
                    format!("{name}: {v:?} is not a whole number"),
                ));
            }
            let n = if v.starts_with('-') {
                1
            } else {
                v.parse::<u32>().unwrap_or(u32::MAX)
            };
            Ok(Some(n.max(1)))
        }
    }
}

/// The query of a request, each parameter's first value (`?page=1&page=2` is page 1), read into
/// `T` (fields `Option<String>`, named as HMRC names them). Errors: `400 BAD_REQUEST`.
pub(crate) struct Params<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S>
    for Params<T>
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let mut first = serde_json::Map::new();
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            first
                .entry(k.into_owned())
                .or_insert(serde_json::Value::String(v.into_owned()));
        }
        serde_json::from_value(serde_json::Value::Object(first))
            .map(Params)
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", e.to_string()))
    }
}

/// `404 NOT_FOUND` for `what`.
pub(crate) fn not_found(what: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        format!("{what} was not found"),
    )
}

/// A use case's refusal in HMRC's shapes: structural errors as `SCHEMA_VALIDATION` with
/// `validationErrors` (`schemaPath`, `message`); a message addressed to a national transit
/// authority this node does not serve as `BAD_REQUEST`; the others as the native API answers.
pub(crate) fn hmrc_error(e: AppError) -> ApiError {
    match e {
        AppError::Malformed {
            message_type,
            errors,
        } => ApiError(
            StatusCode::BAD_REQUEST,
            json!({
                "code": "SCHEMA_VALIDATION",
                "message": format!("Request failed schema validation: the body is not a well-formed {message_type}"),
                "validationErrors": errors
                    .iter()
                    .map(|e| json!({ "schemaPath": e.pointer, "message": e.reason }))
                    .collect::<Vec<_>>(),
            }),
        ),
        AppError::NotServed { .. } | AppError::Invalid(_) => {
            ApiError::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", e.to_string())
        }
        AppError::NotFound(what) => not_found(what),
        other => ApiError::from(other),
    }
}

/// The ids whose short form is `id`, or `404` naming `what` (`Departure movement`).
pub(crate) async fn resolve(app: &App, id: &str, what: &str) -> Result<Vec<Uuid>, ApiError> {
    let found = app
        .store()
        .ids_with_prefix(&id.to_ascii_lowercase())
        .await
        .map_err(|e| hmrc_error(e.into()))?;
    if found.is_empty() {
        return Err(not_found(format!("{what} with ID {id}")));
    }
    Ok(found)
}

/// The webhook of the actor's company that receives its notifications (HMRC's `boxId`): the
/// first in HMRC's format, else the first; none without one.
pub(crate) async fn box_id(app: &App, user: &cats_app::auth::User) -> Option<String> {
    let party = user.party.as_ref()?;
    let hooks = app.store().webhooks(party).await.ok()?;
    hooks
        .iter()
        .find(|w| w.format == cats_app::notify::WebhookFormat::Hmrc)
        .or(hooks.first())
        .map(|w| w.id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_types_are_hmrcs() {
        let id = Uuid::parse_str("62fb8f33-d233-578e-9a1b-2c3d4e5f6a7b").unwrap();
        assert_eq!(short(id), "62fb8f33d233578e");
        assert_eq!(ie("CC015C").as_deref(), Some("IE015"));
        assert_eq!(ie("CC928C").as_deref(), Some("IE928"));
        assert_eq!(ie("release"), None);
        assert_eq!(ie("CD118C"), None);
        let at = DateTime::parse_from_rfc3339("2026-12-06T10:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(time(at), "2026-12-06T10:30:00.000Z");
        for given in [
            "2026-12-06T10:30:00Z",
            "2026-12-06 10:30:00+00:00",
            "2026-12-06 10:30:00 00:00",
            "2026-12-06T10:30:00 00:00",
        ] {
            assert_eq!(
                query_time("updatedSince", Some(given)).unwrap(),
                Some(at),
                "{given}"
            );
        }
        assert_eq!(query_time("updatedSince", Some("")).unwrap(), None);
        assert!(query_time("updatedSince", Some("yesterday")).is_err());
        assert_eq!(query_number("page", Some("")).unwrap(), None);
        assert_eq!(query_number("page", Some("0")).unwrap(), Some(1));
        assert_eq!(query_number("page", Some("-5")).unwrap(), Some(1));
        assert_eq!(
            query_number("count", Some("99999999999999999999")).unwrap(),
            Some(u32::MAX)
        );
        assert!(query_number("page", Some("two")).is_err());
    }
}
