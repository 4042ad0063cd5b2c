//! The node itself (issue 15): `GET /health/ready` and `GET /metrics`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use cats_app::App;

use crate::error::ApiError;

/// One readiness check.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckView {
    /// `database`, `migrations`, `ice`, `notifications`.
    pub name: String,
    /// Within bounds.
    pub ok: bool,
    /// What was found.
    pub detail: String,
}

/// `GET /health/ready`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReadinessView {
    /// `ready` or `not ready`.
    pub status: String,
    /// When checked (UTC).
    pub checked_at: DateTime<Utc>,
    /// Each check.
    pub checks: Vec<CheckView>,
}

/// `GET /health/ready`: `200` when every check is ok, else `503` with the same body.
pub async fn ready(State(app): State<App>) -> Response {
    let r = cats_app::health::readiness(&app, Utc::now()).await;
    let status = if r.status == "ready" {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let view = ReadinessView {
        status: r.status,
        checked_at: r.checked_at,
        checks: r
            .checks
            .into_iter()
            .map(|c| CheckView {
                name: c.name,
                ok: c.ok,
                detail: c.detail,
            })
            .collect(),
    };
    (status, Json(view)).into_response()
}

/// `GET /metrics`: for an administrator's token, or any caller on the node's own machine (a
/// Prometheus beside it).
pub async fn metrics(State(app): State<App>, request: Request) -> Result<Response, ApiError> {
    let local = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_none_or(|c| c.0.ip().is_loopback());
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let admin = match token {
        Some(t) => cats_app::tokens::authenticate(&app, &t)
            .await?
            .is_some_and(|u| u.role == cats_app::auth::Role::Admin),
        None => false,
    };
    if !local && !admin {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "metrics are for administrators, or for callers on the node's own machine",
        ));
    }
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::server::metrics::render(&app).await,
    )
        .into_response())
}
