//! A company's webhooks page (`/ui/webhooks`, issue 13): its endpoints, the form that registers
//! one (the secret is shown once, on the answer), deletion, and the delivery log of every
//! channel (webhook, e-mail, SMS) with each attempt, where a parked delivery is re-sent.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use cats_app::notify::store::{DeliveryFilter, DeliveryStatus};
use cats_app::notify::webhooks::{self, NewWebhook};
use cats_app::notify::{deliveries, EventType};
use cats_app::{Actor, App, AppError};

use super::chrome::{csrf_refused, render, Chrome, Visitor};
use super::company::user_zone;
use super::movements::app_error;
use super::notifications::{checked_form, company_user, event_name, field};

/// One endpoint.
pub struct HookRow {
    id: String,
    url: String,
    events: String,
    created: String,
    /// Whether its deliveries have HMRC's push notification body.
    hmrc: bool,
}

/// One attempt of a delivery.
pub struct AttemptRow {
    when: String,
    outcome: String,
    ok: bool,
    millis: i64,
}

/// One delivery.
pub struct DeliveryRow {
    id: String,
    when: String,
    channel: String,
    address: String,
    event: String,
    status: String,
    parked: bool,
    attempts: Vec<AttemptRow>,
    last_outcome: String,
}

/// The page.
#[derive(Template)]
#[template(path = "webhooks.html")]
struct WebhooksPage {
    chrome: Chrome,
    hooks: Vec<HookRow>,
    events: Vec<(String, String)>,
    deliveries: Vec<DeliveryRow>,
    secret: Option<(String, String)>,
    notice: Option<String>,
    error: Option<String>,
    url: String,
}

/// What the page shows after an action.
#[derive(Default)]
struct After {
    secret: Option<(String, String)>,
    notice: Option<String>,
    error: Option<String>,
    url: String,
}

/// `GET /ui/webhooks`.
pub async fn show(State(app): State<App>, visitor: Visitor) -> Response {
    let actor = match company_user(&visitor) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    page(&app, &visitor, &actor, StatusCode::OK, After::default()).await
}

async fn page(
    app: &App,
    visitor: &Visitor,
    actor: &Actor,
    status: StatusCode,
    after: After,
) -> Response {
    let t = &visitor.t;
    let zone = match actor.user() {
        Some(u) => user_zone(app, u).await,
        None => chrono_tz::Tz::UTC,
    };
    let hooks = match webhooks::list(app, actor).await {
        Ok(h) => h,
        Err(e) => return app_error(visitor, e),
    };
    let filter = DeliveryFilter {
        webhook: None,
        status: None,
        limit: 50,
    };
    let log = match deliveries::log(app, actor, filter).await {
        Ok(l) => l,
        Err(e) => return app_error(visitor, e),
    };
    let mut rows = Vec::with_capacity(log.len());
    for d in log {
        let attempts = match app.store().delivery_attempts(d.id).await {
            Ok(a) => a,
            Err(e) => return app_error(visitor, e.into()),
        };
        rows.push(DeliveryRow {
            id: d.id.to_string(),
            when: t.time(d.created_at, zone),
            channel: t.get(&format!("channel-{}", d.channel.as_str())),
            address: d.address,
            event: event_name(visitor, d.event),
            status: t.get(&format!("delivery-{}", d.status.as_str())),
            parked: d.status == DeliveryStatus::Parked,
            attempts: attempts
                .into_iter()
                .map(|a| AttemptRow {
                    when: t.time(a.at, zone),
                    outcome: a.detail,
                    ok: a.ok,
                    millis: a.millis,
                })
                .collect(),
            last_outcome: d.last_outcome,
        });
    }
    let view = WebhooksPage {
        chrome: visitor.chrome(t.get("webhooks-title")),
        hooks: hooks
            .into_iter()
            .map(|h| HookRow {
                id: h.id.to_string(),
                url: h.url,
                events: if h.events.is_empty() {
                    t.get("webhooks-all-events")
                } else {
                    h.events
                        .iter()
                        .map(|e| event_name(visitor, *e))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                created: format!("{} · {}", t.time(h.created_at, zone), h.created_by),
                hmrc: h.format == cats_app::notify::WebhookFormat::Hmrc,
            })
            .collect(),
        events: EventType::ALL
            .into_iter()
            .map(|e| (e.as_str().to_string(), event_name(visitor, e)))
            .collect(),
        deliveries: rows,
        secret: after.secret,
        notice: after.notice,
        error: after.error,
        url: after.url,
    };
    render(visitor, status, &view)
}

/// `POST /ui/webhooks`: the form's `csrf`, `url`, and an `event` field per event type chosen
/// (none: every type).
pub async fn register(State(app): State<App>, visitor: Visitor, body: String) -> Response {
    let actor = match company_user(&visitor) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let fields = match checked_form(&visitor, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let field = |k: &str| field(&fields, k);
    let url = field("url").unwrap_or_default();
    let events: Vec<String> = fields
        .iter()
        .filter(|(n, _)| n == "event")
        .map(|(_, v)| v.clone())
        .collect();
    let format = fields
        .iter()
        .any(|(n, v)| n == "format" && v == "hmrc")
        .then(|| "hmrc".to_string());
    let asked = NewWebhook {
        url: url.clone(),
        events: Some(events),
        format,
    };
    match webhooks::register(&app, &actor, asked, Utc::now()).await {
        Ok(h) => {
            let after = After {
                secret: Some((h.url.clone(), h.secret)),
                notice: Some(visitor.t.get("webhooks-registered")),
                ..After::default()
            };
            page(&app, &visitor, &actor, StatusCode::CREATED, after).await
        }
        Err(AppError::Invalid(why) | AppError::Refused(why)) => {
            let after = After {
                error: Some(why),
                url,
                ..After::default()
            };
            page(&app, &visitor, &actor, StatusCode::BAD_REQUEST, after).await
        }
        Err(e) => app_error(&visitor, e),
    }
}

/// A form with only its CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    pub(super) csrf: String,
}

/// `POST /ui/webhooks/{id}/delete`.
pub async fn delete(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<Uuid>,
    axum::Form(f): axum::Form<CsrfForm>,
) -> Response {
    let actor = match company_user(&visitor) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    if !visitor.csrf_ok(&f.csrf) {
        return csrf_refused(&visitor);
    }
    match webhooks::delete(&app, &actor, id, Utc::now()).await {
        Ok(()) => {
            let after = After {
                notice: Some(visitor.t.get("webhooks-deleted")),
                ..After::default()
            };
            page(&app, &visitor, &actor, StatusCode::OK, after).await
        }
        Err(e) => app_error(&visitor, e),
    }
}

/// `POST /ui/webhooks/deliveries/{id}/resend`: send a parked delivery again.
pub async fn resend(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<Uuid>,
    axum::Form(f): axum::Form<CsrfForm>,
) -> Response {
    let actor = match company_user(&visitor) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    if !visitor.csrf_ok(&f.csrf) {
        return csrf_refused(&visitor);
    }
    match deliveries::resend(&app, &actor, id, Utc::now()).await {
        Ok(_) => {
            let after = After {
                notice: Some(visitor.t.get("webhooks-resent")),
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
