//! The API tokens page (`/ui/tokens`, issue 15): a user's tokens (an administrator's: every
//! user's) with their state, expiry and last use; a new token (shown once, on the answer); and
//! revocation.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;

use cats_app::store::StoredToken;
use cats_app::{tokens, Actor, App, AppError};

use super::chrome::{csrf_refused, render, to_sign_in, Chrome, Visitor};
use super::company::user_zone;
use super::movements::app_error;
use super::notifications::{checked_form, field};
use super::webhooks::CsrfForm;

/// One token.
pub struct TokenRow {
    id: String,
    username: String,
    label: String,
    state: String,
    active: bool,
    created: String,
    expires: String,
    last_used: String,
}

/// The page.
#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    chrome: Chrome,
    rows: Vec<TokenRow>,
    admin: bool,
    issued: Option<String>,
    notice: Option<String>,
    error: Option<String>,
    default_days: i64,
}

#[derive(Default)]
struct After {
    issued: Option<String>,
    notice: Option<String>,
    error: Option<String>,
}

fn signed_in(visitor: &Visitor) -> Result<Actor, Box<Response>> {
    visitor
        .user()
        .map(|u| Actor::User(u.clone()))
        .ok_or_else(|| Box::new(to_sign_in()))
}

/// `GET /ui/tokens`.
pub async fn show(State(app): State<App>, visitor: Visitor) -> Response {
    match signed_in(&visitor) {
        Ok(actor) => page(&app, &visitor, &actor, StatusCode::OK, After::default()).await,
        Err(r) => *r,
    }
}

async fn page(
    app: &App,
    visitor: &Visitor,
    actor: &Actor,
    status: StatusCode,
    after: After,
) -> Response {
    let Some(user) = actor.user() else {
        return to_sign_in();
    };
    let t = &visitor.t;
    let zone = user_zone(app, user).await;
    let list: Vec<StoredToken> = match tokens::list(app, user, None).await {
        Ok(l) => l,
        Err(e) => return app_error(visitor, e),
    };
    let now = Utc::now();
    let rows = list
        .iter()
        .map(|k| {
            let state = k.state(now);
            TokenRow {
                id: k.id().to_string(),
                username: k.username.clone(),
                label: k.label.clone(),
                state: t.get(&format!("tokens-state-{state}")),
                active: state == "active",
                created: t.time(k.created_at, zone),
                expires: t.time(k.revoked_at.unwrap_or(k.expiry()), zone),
                last_used: k
                    .last_used_at
                    .map_or_else(|| t.get("tokens-never"), |at| t.time(at, zone)),
            }
        })
        .collect();
    let view = TokensPage {
        chrome: visitor.chrome(t.get("tokens-title")),
        rows,
        admin: user.role == cats_app::auth::Role::Admin,
        issued: after.issued,
        notice: after.notice,
        error: after.error,
        default_days: app.token_days(),
    };
    render(visitor, status, &view)
}

/// `POST /ui/tokens`: the form's `csrf`, `label` and `days`; the new token is shown once.
pub async fn issue(State(app): State<App>, visitor: Visitor, body: String) -> Response {
    let actor = match signed_in(&visitor) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let fields = match checked_form(&visitor, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let label = field(&fields, "label").unwrap_or_default();
    let days = match field(&fields, "days").filter(|d| !d.trim().is_empty()) {
        None => None,
        Some(d) => match d.trim().parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => Some(0),
        },
    };
    let username = actor.name().to_string();
    match tokens::issue_for(&app, &actor, &username, &label, days, Utc::now()).await {
        Ok((token, _)) => {
            let after = After {
                issued: Some(token),
                notice: Some(visitor.t.get("tokens-issued")),
                ..After::default()
            };
            page(&app, &visitor, &actor, StatusCode::CREATED, after).await
        }
        Err(AppError::Invalid(why)) => {
            let after = After {
                error: Some(why),
                ..After::default()
            };
            page(&app, &visitor, &actor, StatusCode::BAD_REQUEST, after).await
        }
        Err(e) => app_error(&visitor, e),
    }
}

/// `POST /ui/tokens/{id}/revoke`.
pub async fn revoke(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<CsrfForm>,
) -> Response {
    let actor = match signed_in(&visitor) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    if !visitor.csrf_ok(&f.csrf) {
        return csrf_refused(&visitor);
    }
    match tokens::revoke(&app, &actor, &id, Utc::now()).await {
        Ok(_) => {
            let after = After {
                notice: Some(visitor.t.get("tokens-revoked")),
                ..After::default()
            };
            page(&app, &visitor, &actor, StatusCode::OK, after).await
        }
        Err(AppError::Refused(why)) => {
            let after = After {
                error: Some(why),
                ..After::default()
            };
            page(&app, &visitor, &actor, StatusCode::CONFLICT, after).await
        }
        Err(e) => app_error(&visitor, e),
    }
}
