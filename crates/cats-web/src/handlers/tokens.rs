//! API tokens (issue 15): `GET /tokens`, `POST /tokens`, `DELETE /tokens/{id}`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use cats_app::store::StoredToken;
use cats_app::{tokens, App};

use crate::error::ApiError;
use crate::handlers::registrations::body;
use crate::principal::Principal;
use crate::views;

/// A token as its owner and administrators see it: never the token itself, except once in the
/// answer to `POST /tokens`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenView {
    /// Public id: 16 hexadecimal digits (of the token's hash, nothing of the token).
    pub id: String,
    /// Owner.
    pub username: String,
    /// What it is for.
    pub label: String,
    /// `active`, `expired` or `revoked`.
    pub state: String,
    /// Issued (UTC).
    pub created_at: DateTime<Utc>,
    /// Stops working (UTC).
    pub expires_at: DateTime<Utc>,
    /// Last used (UTC, to the minute), if ever.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revoked (UTC), if it was.
    pub revoked_at: Option<DateTime<Utc>>,
    /// The token, in the answer to `POST /tokens` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl TokenView {
    /// The view of `t` at `now`.
    pub fn of(t: &StoredToken, now: DateTime<Utc>) -> Self {
        Self {
            id: t.id().to_string(),
            username: t.username.clone(),
            label: t.label.clone(),
            state: t.state(now).into(),
            created_at: t.created_at,
            expires_at: t.expiry(),
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
            token: None,
        }
    }
}

/// Tokens, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenList {
    /// How many.
    pub count: usize,
    /// Newest first.
    pub tokens: Vec<TokenView>,
}

/// `POST /tokens`: what the new token is for and how long it lasts.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What it is for (at most 100 characters).
    #[serde(default)]
    pub label: String,
    /// Days it is valid, 1 to 730 (default: the node's, 90 unless set).
    #[serde(default)]
    pub days: Option<i64>,
}

/// `GET /tokens?user=`.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    /// An administrator's choice of one user.
    pub user: Option<String>,
}

/// `GET /tokens`: the caller's tokens (an administrator's: everyone's, or `?user=`'s).
pub async fn list(
    State(app): State<App>,
    who: Principal,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let now = Utc::now();
    let list: Vec<TokenView> = tokens::list(&app, &who.0, q.user.as_deref())
        .await?
        .iter()
        .map(|t| TokenView::of(t, now))
        .collect();
    Ok(Json(views::json(&TokenList {
        count: list.len(),
        tokens: list,
    })))
}

/// `POST /tokens`: `201` with a new token for the caller, shown this once.
pub async fn issue(
    State(app): State<App>,
    who: Principal,
    Json(raw): Json<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b: NewToken = body(raw, "token")?;
    let now = Utc::now();
    let (token, record) =
        tokens::issue_for(&app, &who.actor(), &who.0.username, &b.label, b.days, now).await?;
    let mut view = TokenView::of(&record, now);
    view.token = Some(token);
    Ok((StatusCode::CREATED, Json(views::json(&view))))
}

/// `DELETE /tokens/{id}`: revoke one of the caller's tokens (an administrator: anyone's).
pub async fn revoke(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let now = Utc::now();
    let t = tokens::revoke(&app, &who.actor(), &id, now).await?;
    Ok(Json(views::json(&TokenView::of(&t, now))))
}
