//! Risk profiles (issue 6), for officers with the risk-analyst permission.
//!
//! * `GET /risk/profiles`: the current version of every profile
//! * `POST /risk/profiles` {profile}: add one (version 1)
//! * `GET /risk/profiles/{id}`: every version, oldest first
//! * `POST /risk/profiles/{id}/versions` {"expectedVersion"?, "profile"}: change it
//! * `POST /risk/profiles/{id}/retirement` {"expectedVersion"?}: retire it

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use serde::Deserialize;
use serde_json::Value;

use cats_app::risk_profiles;
use cats_app::store::ProfileVersion;
use cats_app::App;

use super::registrations::body;
use crate::error::ApiError;
use crate::principal::Principal;
use crate::register_views as v;
use crate::views;

fn view(v: &ProfileVersion) -> Value {
    views::json(&v::profile(v))
}

/// `GET /risk/profiles`.
pub async fn list(State(app): State<App>, who: Principal) -> Result<Json<Value>, ApiError> {
    let list = risk_profiles::list(&app, &who.actor()).await?;
    Ok(Json(views::json(&v::ProfileList {
        count: list.len(),
        profiles: list.iter().map(v::profile).collect(),
    })))
}

/// `POST /risk/profiles`: `201` with version 1.
pub async fn create(
    State(app): State<App>,
    who: Principal,
    Json(raw): Json<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let p = risk_profiles::parse(raw)?;
    let v = risk_profiles::create(&app, &who.actor(), p, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(view(&v))))
}

/// `GET /risk/profiles/{id}`: the current version and every version.
pub async fn show(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let versions = risk_profiles::versions(&app, &who.actor(), &id).await?;
    Ok(Json(views::json(&v::ProfileHistory {
        current: v::profile(versions.last().expect("not empty")),
        versions: versions.iter().map(v::profile).collect(),
    })))
}

/// Body of `POST /risk/profiles/{id}/versions`.
#[derive(utoipa::ToSchema, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewVersion {
    #[serde(default)]
    expected_version: Option<i64>,
    profile: Value,
}

/// `POST /risk/profiles/{id}/versions`: `201` with the new version.
pub async fn update(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<String>,
    Json(raw): Json<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b: NewVersion = body(raw, "risk profile version")?;
    let v = risk_profiles::update(
        &app,
        &who.actor(),
        &id,
        risk_profiles::parse(b.profile)?,
        b.expected_version,
        Utc::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(view(&v))))
}

/// Body of `POST /risk/profiles/{id}/retirement`.
#[derive(utoipa::ToSchema, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Retirement {
    #[serde(default)]
    expected_version: Option<i64>,
}

/// `POST /risk/profiles/{id}/retirement`: `201` with the retiring version.
pub async fn retire(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<String>,
    raw: Option<Json<Value>>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b: Retirement = match raw {
        Some(Json(v)) => body(v, "retirement")?,
        None => Retirement::default(),
    };
    let v = risk_profiles::retire(&app, &who.actor(), &id, b.expected_version, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(view(&v))))
}

/// Query of `GET /risk/feedback`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackQuery {
    updated_since: Option<chrono::DateTime<Utc>>,
}

/// `GET /risk/feedback`: confusion matrix, control efficiency, profile hit rates, office
/// control rates over the movements the analyst sees.
pub async fn feedback(
    State(app): State<App>,
    who: Principal,
    axum::extract::Query(q): axum::extract::Query<FeedbackQuery>,
) -> Result<Json<Value>, ApiError> {
    let f = risk_profiles::feedback(&app, &who.actor(), q.updated_since).await?;
    Ok(Json(views::json(&f)))
}

/// `POST /risk/profiles/{id}/share`: a risk alert (CA005C) to every ICE peer. `202` with them.
pub async fn share(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<crate::handlers::ice::Told>), ApiError> {
    let peers = cats_app::ice::risk_alerts::share(&app, &who.actor(), &id, Utc::now()).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(crate::handlers::ice::Told { peers }),
    ))
}
