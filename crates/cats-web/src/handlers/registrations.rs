//! Registers of operators: applications, documents, customs decisions, parties.
//!
//! * `POST /registrations` {register, name, address, identificationNumber, country, contact}
//! * `GET /registrations` (?register, status, party, country), `GET /registrations/{id}`
//! * `POST /registrations/{id}/actions/{action}`: approve {validFrom, validTo}, reject {reason},
//!   suspend {reason}, reinstate {}, revoke {reason}, renew {validTo}
//! * `POST /registrations/{id}/documents?filename=…` (raw body, its Content-Type),
//!   `GET /registrations/{id}/documents/{documentId}`
//! * `GET /parties/{id}`: a party with its registrations (AEO status and validity)

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use cats_app::registers::documents;
use cats_app::registers::registrations::{self, Application};
use cats_app::store::RegistrationFilter;
use cats_app::App;
use cats_domain::registry::{Register, RegistrationStatus, RegistrationStep};

use super::{content_type, file_response, upload_size, UploadQuery};
use super::{id_filter, NoMatch};
use crate::error::ApiError;
use crate::principal::Principal;
use crate::register_views as v;
use crate::views;

pub(crate) fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
}

/// Read a JSON body into `T`, naming the field at fault.
pub(crate) fn body<T: serde::de::DeserializeOwned>(
    value: Value,
    what: &str,
) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|e| bad(format!("invalid {what}: {e}")))
}

/// `POST /registrations`: apply for the user's company. `201` with the registration.
pub async fn apply(
    State(app): State<App>,
    who: Principal,
    Json(raw): Json<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let a: Application = body(raw, "application")?;
    let r = registrations::apply(&app, &who.actor(), a, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(views::json(&v::registration(&r)))))
}

/// Filters of `GET /registrations`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    register: Option<String>,
    status: Option<String>,
    party: Option<String>,
    country: Option<String>,
}

/// `GET /registrations`: officers every registration (filters register, status, party,
/// country), a company its own.
pub async fn list(
    State(app): State<App>,
    who: Principal,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let register = q
        .register
        .map(|r| Register::parse(&r).ok_or_else(|| bad(format!("unknown register {r}"))))
        .transpose()?;
    let status = q
        .status
        .map(|s| RegistrationStatus::parse(&s).ok_or_else(|| bad(format!("unknown status {s}"))))
        .transpose()?;
    let filter = (|| {
        Ok(RegistrationFilter {
            party: id_filter([q.party])?,
            register,
            status,
            country: id_filter([q.country])?,
        })
    })();
    let list = match filter {
        Ok(filter) => registrations::list(&app, &who.actor(), filter).await?,
        Err(NoMatch) => Vec::new(),
    };
    Ok(Json(views::json(&v::RegistrationList {
        count: list.len(),
        registrations: list.iter().map(v::registration).collect(),
    })))
}

/// `GET /registrations/{id}`: the registration, its documents and its history.
pub async fn show(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let (r, docs, history) = registrations::show(&app, &who.actor(), id).await?;
    let mut out = v::registration(&r);
    out.documents = Some(docs.iter().map(v::document).collect());
    out.history = Some(history);
    Ok(Json(views::json(&out)))
}

/// Body of a customs step on a registration.
#[derive(utoipa::ToSchema, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StepBody {
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    reason: Option<String>,
}

/// `POST /registrations/{id}/actions/{action}`: approve, reject, suspend, reinstate, revoke,
/// renew (officers of the registration's country).
pub async fn act(
    State(app): State<App>,
    who: Principal,
    Path((id, action)): Path<(Uuid, String)>,
    Json(raw): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let b: StepBody = body(raw, &format!("body for {action}"))?;
    let reason = || {
        b.reason
            .clone()
            .ok_or_else(|| bad(format!("{action} needs \"reason\"")))
    };
    let valid_to = || {
        b.valid_to
            .ok_or_else(|| bad(format!("{action} needs \"validTo\" (YYYY-MM-DD)")))
    };
    let step = match action.as_str() {
        "approve" => RegistrationStep::Approve {
            valid_from: b.valid_from.unwrap_or_else(|| Utc::now().date_naive()),
            valid_to: valid_to()?,
        },
        "reject" => RegistrationStep::Reject { reason: reason()? },
        "suspend" => RegistrationStep::Suspend { reason: reason()? },
        "reinstate" => RegistrationStep::Reinstate,
        "revoke" => RegistrationStep::Revoke { reason: reason()? },
        "renew" => RegistrationStep::Renew { valid_to: valid_to()? },
        other => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                format!("no registration action {other}; use approve, reject, suspend, reinstate, revoke or renew"),
            ))
        }
    };
    let r = registrations::decide(&app, &who.actor(), id, step, Utc::now()).await?;
    Ok(Json(views::json(&v::registration(&r))))
}

/// `POST /registrations/{id}/documents?filename=…`: attach the body (its Content-Type: PDF,
/// PNG, JPEG, TIFF or plain text; at most 2 MiB). `201` with id, size and SHA-256.
pub async fn upload(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
    Query(q): Query<UploadQuery>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    upload_size(bytes.len())?;
    let filename = q.filename.unwrap_or_else(|| "document".into());
    let a = documents::attach(
        &app,
        &who.actor(),
        id,
        &filename,
        content_type(&headers),
        bytes.to_vec(),
        Utc::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(views::json(&v::document(&a)))))
}

/// `GET /registrations/{id}/documents/{documentId}`: the document's bytes, with its
/// Content-Type, a `Content-Disposition: attachment` and its SHA-256 in `X-Content-SHA256`.
pub async fn download(
    State(app): State<App>,
    who: Principal,
    Path((id, document)): Path<(Uuid, Uuid)>,
) -> Result<Response, ApiError> {
    let a = documents::download(&app, &who.actor(), id, document).await?;
    let m = &a.meta;
    Ok(file_response(
        &m.content_type,
        &m.filename,
        &m.sha256,
        a.data,
    ))
}

/// `GET /parties/{id}`: a party and its registrations, for officers of every country and the
/// party's own users.
pub async fn party(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (p, regs) = registrations::party(&app, &who.actor(), &id).await?;
    Ok(Json(views::json(&v::party(&p, &regs))))
}
