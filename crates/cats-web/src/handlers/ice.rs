//! ICE for people at this node (issue 12):
//!
//! * `GET /admin/ice` (administrator): the network, delivery figures per peer, the latest
//!   messages out and in
//! * `POST /ice/fallback` {mrn, passage, office, remarks?} (officer): a passage recorded from the
//!   paper transit accompanying document while the movement's record has not arrived (NCTS
//!   fallback); `202` pending, applied when the record arrives
//! * `GET /ice/fallback` (officer, administrator): those passages and what became of them
//! * `POST /admin/ice/unavailability` {from, to, reason} and `POST /admin/ice/available`
//!   (administrator): announce a maintenance window to the peers (CD070C) and its end (CD071C)
//! * `POST /admin/ice/peers/{node}/retry` (administrator): the messages waiting for a peer due
//!   now
//! * `POST /movements/departures/{id}/recovery-requests` {country, reason} and
//!   `POST /movements/departures/{id}/recovery-answer` {accept, reason} (officers): recovery
//!   between countries (CD150C, CD151C)
//! * `GET /ice/movements/{mrn}` (officer): the movement as its node of departure has it (CD027C,
//!   answered with CD038C)

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use serde::Serialize;
use serde_json::Value;

use cats_app::ice::fallback::{self, Fallback};
use cats_app::ice::status::IceStatus;
use cats_app::App;

use super::registrations::body;
use crate::error::ApiError;
use crate::principal::Principal;

/// `GET /admin/ice`: the ICE status of this node (administrators; `403` otherwise).
pub async fn status(State(app): State<App>, who: Principal) -> Result<Json<IceStatus>, ApiError> {
    Ok(Json(
        cats_app::ice::status::status(&app, &who.actor(), Utc::now()).await?,
    ))
}

/// `POST /ice/fallback`: record a passage from the paper document. `202` with it, pending.
pub async fn record_fallback(
    State(app): State<App>,
    who: Principal,
    Json(raw): Json<Value>,
) -> Result<(StatusCode, Json<Fallback>), ApiError> {
    let request: fallback::FallbackRequest = body(raw, "passage from paper")?;
    let f = fallback::record(&app, &who.actor(), request, Utc::now()).await?;
    Ok((StatusCode::ACCEPTED, Json(f)))
}

/// The answer of `GET /ice/fallback`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FallbackList {
    /// How many.
    pub count: usize,
    /// Newest first.
    pub passages: Vec<Fallback>,
}

/// `GET /ice/fallback`: passages recorded from paper, newest first.
pub async fn fallbacks(
    State(app): State<App>,
    who: Principal,
) -> Result<Json<FallbackList>, ApiError> {
    let passages = fallback::list(&app, &who.actor()).await?;
    Ok(Json(FallbackList {
        count: passages.len(),
        passages,
    }))
}

/// `GET /ice/movements/{mrn}`: ask the node of departure for the movement (CD027C → CD038C).
/// `400` when `mrn` is not an MRN.
pub async fn movement_at_departure(
    State(app): State<App>,
    who: Principal,
    axum::extract::Path(mrn): axum::extract::Path<String>,
) -> Result<Json<cats_app::ice::query::MovementAnswer>, ApiError> {
    let mrn = cats_domain::ids::Mrn::parse(&mrn)
        .map_err(|e| ApiError::from(cats_app::AppError::Invalid(format!("MRN {mrn:?}: {e}"))))?;
    Ok(Json(
        cats_app::ice::query::query_movement(&app, &who.actor(), &mrn).await?,
    ))
}

/// The answer to an announcement: the peers told.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Told {
    /// The peer nodes the notice was sent to.
    #[schema(value_type = Vec<String>)]
    pub peers: Vec<cats_domain::ids::NodeId>,
}

/// `POST /admin/ice/unavailability`: CD070C to every peer. `202` with the peers told.
pub async fn announce_unavailability(
    State(app): State<App>,
    who: Principal,
    Json(raw): Json<Value>,
) -> Result<(StatusCode, Json<Told>), ApiError> {
    let window: cats_app::ice::unavailability::Unavailability = body(raw, "announcement")?;
    let peers =
        cats_app::ice::unavailability::announce(&app, &who.actor(), window, Utc::now()).await?;
    Ok((StatusCode::ACCEPTED, Json(Told { peers })))
}

/// `POST /admin/ice/available`: CD071C to every peer. `202` with the peers told.
pub async fn announce_available(
    State(app): State<App>,
    who: Principal,
) -> Result<(StatusCode, Json<Told>), ApiError> {
    let peers = cats_app::ice::unavailability::back(&app, &who.actor(), Utc::now()).await?;
    Ok((StatusCode::ACCEPTED, Json(Told { peers })))
}

/// The answer to a retry: how many messages are due now.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Rescheduled {
    /// Messages for that peer made due now.
    pub rescheduled: u64,
}

/// `POST /admin/ice/peers/{node}/retry`: every message waiting for `node` due now.
pub async fn retry_now(
    State(app): State<App>,
    who: Principal,
    axum::extract::Path(node): axum::extract::Path<String>,
) -> Result<Json<Rescheduled>, ApiError> {
    let node = cats_domain::ids::NodeId::parse(&node)
        .map_err(|e| ApiError::from(cats_app::AppError::Invalid(format!("node {node:?}: {e}"))))?;
    let rescheduled =
        cats_app::ice::unavailability::retry_now(&app, &who.actor(), &node, Utc::now()).await?;
    Ok(Json(Rescheduled { rescheduled }))
}

/// The body of `POST /movements/departures/{id}/recovery-requests`.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryRequestBody {
    /// The country asked (ISO 3166-1 alpha-2).
    #[schema(value_type = String)]
    pub country: cats_domain::ids::CountryCode,
    /// Why: where and what happened.
    pub reason: String,
}

/// The body of `POST /movements/departures/{id}/recovery-answer`.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryAnswerBody {
    /// Whether this country recovers the debt.
    pub accept: bool,
    /// Why (required for a refusal).
    #[serde(default)]
    pub reason: String,
}

/// `POST /movements/departures/{id}/recovery-requests` (CD150C).
pub async fn request_recovery(
    State(app): State<App>,
    who: Principal,
    axum::extract::Path(id): axum::extract::Path<uuid::Uuid>,
    Json(raw): Json<Value>,
) -> Result<Json<crate::views::MovementView>, ApiError> {
    let b: RecoveryRequestBody = body(raw, "request for recovery")?;
    let actor = who.actor();
    let r = cats_app::ice::recovery::request(&app, &actor, id, b.country, &b.reason, Utc::now())
        .await?;
    Ok(Json(crate::views::movement_view(&r, actor.user())))
}

/// `POST /movements/departures/{id}/recovery-answer` (CD151C).
pub async fn answer_recovery(
    State(app): State<App>,
    who: Principal,
    axum::extract::Path(id): axum::extract::Path<uuid::Uuid>,
    Json(raw): Json<Value>,
) -> Result<Json<crate::views::MovementView>, ApiError> {
    let b: RecoveryAnswerBody = body(raw, "answer to a request for recovery")?;
    let actor = who.actor();
    let r =
        cats_app::ice::recovery::answer(&app, &actor, id, b.accept, &b.reason, Utc::now()).await?;
    Ok(Json(crate::views::movement_view(&r, actor.user())))
}
