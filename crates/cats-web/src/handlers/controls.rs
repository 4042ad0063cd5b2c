//! Control records of a movement and their photos and documents.
//!
//! * `GET /movements/departures/{id}/controls`: every control record, numbered from 1
//! * `POST /movements/departures/{id}/controls/{number}/attachments?filename=…` (raw body, its
//!   Content-Type): attach a photo or document
//! * `GET /movements/departures/{id}/controls/{number}/attachments/{attachmentId}`: its bytes
//!
//! Control results themselves are recorded with `POST …/customs/control-result`
//! ([`super::customs`]).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use chrono::Utc;
use serde_json::Value;
use uuid::Uuid;

use cats_app::{act, controls, App};

use super::{content_type, file_response, upload_size, UploadQuery};
use crate::error::ApiError;
use crate::principal::Principal;
use crate::views;

/// `GET /movements/departures/{id}/controls`: the control records, numbered from 1 (officers see
/// who recorded them and their attachments; the holder sees result, findings and seals).
pub async fn list(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let record = act::load_visible(&app, &who.actor(), id).await?;
    Ok(Json(views::json(&views::ControlList {
        controls: views::control_views(&record, Some(&who.0), |_| true),
    })))
}

/// `POST /movements/departures/{id}/controls/{number}/attachments?filename=…`: attach the body
/// (PDF, PNG, JPEG, TIFF or plain text, at most 2 MiB) to control record `number`. `201` with
/// id, filename, contentType, size, sha256 and the download link.
pub async fn upload(
    State(app): State<App>,
    who: Principal,
    Path((id, number)): Path<(Uuid, u32)>,
    Query(q): Query<UploadQuery>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    upload_size(bytes.len())?;
    let filename = q.filename.unwrap_or_else(|| "attachment".into());
    let meta = controls::attach(
        &app,
        &who.actor(),
        id,
        number,
        &filename,
        content_type(&headers),
        bytes.to_vec(),
        Utc::now(),
    )
    .await?;
    let path = format!("/movements/departures/{id}/controls/{number}");
    Ok((
        StatusCode::CREATED,
        Json(views::control_attachment(&path, &meta)),
    ))
}

/// `GET /movements/departures/{id}/controls/{number}/attachments/{attachmentId}`: the bytes,
/// with their Content-Type, `Content-Disposition: attachment` and `X-Content-SHA256`.
pub async fn download(
    State(app): State<App>,
    who: Principal,
    Path((id, number, attachment)): Path<(Uuid, u32, Uuid)>,
) -> Result<Response, ApiError> {
    let a = controls::download(&app, &who.actor(), id, number, attachment).await?;
    let m = &a.meta;
    Ok(file_response(
        &m.content_type,
        &m.filename,
        &m.sha256,
        a.data,
    ))
}
