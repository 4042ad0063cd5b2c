//! Support requests over the API (issue 18):
//!
//! * `POST /support` `{subject, text, page?, movementId?}`: send one (`201`)
//! * `GET /support?status=`: one's own and one's company's; an administrator's: every request,
//!   open first
//! * `GET /support/{id}`: one with its thread (its requester opening it sees its answers)
//! * `POST /support/{id}/messages` `{text}`: the requester's side adds to it; an administrator
//!   answers
//! * `POST /support/{id}/close`: close it
//!
//! Bad fields answer `400` `SCHEMA_VALIDATION` with every problem (`pointer`, `reason`); a request
//! the caller may not see `404`; a step on a closed request `409`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use cats_app::auth::Role;
use cats_app::store::support::{SupportMessage, SupportRequest, SupportStatus};
use cats_app::support::{self, NewRequest};
use cats_app::App;

use crate::error::ApiError;
use crate::principal::Principal;
use crate::views;

/// Who sent a request.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequesterView {
    /// Username.
    pub username: String,
    /// Role when it sent the request.
    pub role: Role,
    /// Its company's identification number (EORI/TIN), for traders and insurers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// The country of an officer's offices (ISO 3166-1 alpha-2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// One message of a request's thread.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SupportMessageView {
    /// Id (UUID).
    pub id: Uuid,
    /// Username of its author.
    pub author: String,
    /// Whether it comes from support (an administrator).
    pub from_support: bool,
    /// The text.
    pub text: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
}

/// A support request.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SupportView {
    /// Id (UUID).
    pub id: Uuid,
    /// The human reference (`SR-000042`).
    pub reference: String,
    /// Subject.
    pub subject: String,
    /// `open` (waiting for support), `answered` (waiting for the requester) or `closed`.
    pub status: SupportStatus,
    /// Who sent it.
    pub requester: RequesterView,
    /// The path of the page it was sent from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// The movement it concerns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub movement_id: Option<Uuid>,
    /// That movement's MRN (its LRN before one was allocated) when the request was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub movement: Option<String>,
    /// When sent (UTC).
    pub created_at: DateTime<Utc>,
    /// When last changed (UTC).
    pub updated_at: DateTime<Utc>,
    /// When support last answered or closed it (UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<DateTime<Utc>>,
    /// Whether support answered it after its requester last opened it.
    pub unseen_answer: bool,
    /// Its page (`/ui/support/{id}`).
    pub link: String,
    /// The thread, oldest first: the request's text, then the answers and additions (not in
    /// lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<SupportMessageView>>,
}

impl SupportView {
    /// The view of `r`, with its thread when `thread`.
    pub fn of(r: &SupportRequest, thread: bool) -> Self {
        Self {
            id: r.id,
            reference: r.reference(),
            subject: r.subject.clone(),
            status: r.status,
            requester: RequesterView {
                username: r.requester.clone(),
                role: r.role,
                company: r.party.as_ref().map(|p| p.to_string()),
                country: r.country.map(|c| c.to_string()),
            },
            page: r.page.clone(),
            movement_id: r.movement_id,
            movement: r.movement_ref.clone(),
            created_at: r.created_at,
            updated_at: r.updated_at,
            answered_at: r.answered_at,
            unseen_answer: r.unseen_answer(),
            link: format!("/ui/support/{}", r.id),
            messages: thread.then(|| r.messages.iter().map(message).collect()),
        }
    }
}

fn message(m: &SupportMessage) -> SupportMessageView {
    SupportMessageView {
        id: m.id,
        author: m.author.clone(),
        from_support: m.from_support,
        text: m.text.clone(),
        at: m.at,
    }
}

/// Support requests.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupportList {
    /// How many.
    pub count: usize,
    /// Administrators: open first; others: most recently changed first.
    pub requests: Vec<SupportView>,
}

/// `POST /support`: a new support request (no other fields).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewSupportRequest {
    /// Subject, 1 to 200 characters, one line.
    pub subject: String,
    /// What you ask, 1 to 5,000 characters.
    pub text: String,
    /// The path of the page it concerns on this node (`/ui/movements/…`), at most 500
    /// characters.
    pub page: Option<String>,
    /// The movement it concerns (UUID): one you may see. Without it, a movement's page names
    /// it.
    pub movement_id: Option<String>,
}

/// `POST /support/{id}/messages`: an answer (administrators) or an addition (no other
/// fields).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupportReply {
    /// The text, 1 to 5,000 characters.
    pub text: String,
}

/// `GET /support?status=`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `open`, `answered` or `closed`.
    pub status: Option<String>,
}

/// `400` with every problem of a body, as [`cats_app::AppError::Malformed`] answers.
fn refused(errors: Vec<(String, String)>) -> ApiError {
    ApiError(
        StatusCode::BAD_REQUEST,
        json!({
            "code": "SCHEMA_VALIDATION",
            "message": "the body is not a well-formed support request",
            "errors": errors.into_iter().map(|(p, r)| json!({"pointer": p, "reason": r})).collect::<Vec<_>>(),
        }),
    )
}

/// The body as an object of strings, every field named in `allowed` (`required` ones present):
/// each problem with its pointer.
fn fields(raw: Value, allowed: &[&str], required: &[&str]) -> Result<Map<String, Value>, ApiError> {
    let Value::Object(map) = raw else {
        return Err(refused(vec![(
            "".into(),
            "the body is a JSON object".into(),
        )]));
    };
    let mut errors = Vec::new();
    for (k, v) in &map {
        if !allowed.contains(&k.as_str()) {
            errors.push((
                format!("/{k}"),
                format!("unknown field; the fields are {}", allowed.join(", ")),
            ));
        } else if !(v.is_string() || v.is_null()) {
            errors.push((format!("/{k}"), "a string".into()));
        }
    }
    for k in required {
        if map.get(*k).and_then(Value::as_str).is_none() {
            errors.push((format!("/{k}"), "required: a string".into()));
        }
    }
    if errors.is_empty() {
        Ok(map)
    } else {
        Err(refused(errors))
    }
}

fn text_of(map: &Map<String, Value>, k: &str) -> Option<String> {
    map.get(k).and_then(Value::as_str).map(str::to_string)
}

/// `POST /support`: `201` with the request.
pub async fn create(
    State(app): State<App>,
    who: Principal,
    Json(raw): Json<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let map = fields(raw, &["subject", "text", "page", "movementId"], &[])?;
    let movement_id = match text_of(&map, "movementId").filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<Uuid>().map_err(|_| {
            refused(vec![(
                "/movementId".into(),
                format!("{s:?} is not a movement id (a UUID)"),
            )])
        })?),
    };
    let new = NewRequest {
        subject: text_of(&map, "subject").unwrap_or_default(),
        text: text_of(&map, "text").unwrap_or_default(),
        page: text_of(&map, "page"),
        movement_id,
    };
    let r = support::create(&app, &who.actor(), new, Utc::now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(views::json(&SupportView::of(&r, true))),
    ))
}

/// `GET /support`: the requests the caller sees.
pub async fn list(
    State(app): State<App>,
    who: Principal,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(SupportStatus::parse(s).ok_or_else(|| {
            ApiError(
                StatusCode::BAD_REQUEST,
                json!({"code": "BAD_REQUEST", "message": format!("status={s}: open, answered or closed"),
                       "errors": [{"pointer": "/status", "reason": "open, answered or closed"}]}),
            )
        })?),
    };
    let list: Vec<SupportView> = support::list(&app, &who.actor(), status)
        .await?
        .iter()
        .map(|r| SupportView::of(r, false))
        .collect();
    Ok(Json(views::json(&SupportList {
        count: list.len(),
        requests: list,
    })))
}

/// `GET /support/{id}`: one request with its thread.
pub async fn show(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let r = support::open(&app, &who.actor(), id, Utc::now()).await?;
    Ok(Json(views::json(&SupportView::of(&r, true))))
}

/// `POST /support/{id}/messages`: an administrator's answer, or the requester side's addition.
pub async fn reply(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
    Json(raw): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    // A request the caller may not see is not found, whatever the body.
    support::get(&app, &who.actor(), id).await?;
    let map = fields(raw, &["text"], &["text"])?;
    let text = text_of(&map, "text").unwrap_or_default();
    let r = support::reply(&app, &who.actor(), id, &text, Utc::now()).await?;
    Ok(Json(views::json(&SupportView::of(&r, true))))
}

/// `POST /support/{id}/close`: close the request.
pub async fn close(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let r = support::close(&app, &who.actor(), id, Utc::now()).await?;
    Ok(Json(views::json(&SupportView::of(&r, true))))
}
