//! Notifications (issue 13): the inbox, live events, preferences, webhooks and the delivery log.
//!
//! * `GET /notifications` (?limit, ?unread, ?after): the user's company's notifications with
//!   the user's read marks; `POST /notifications/read` {ids?}: mark read (all when no ids)
//! * `GET /events`: the same, live, as Server-Sent Events (`text/event-stream`); bearer token or
//!   the pages' session; resumes after `Last-Event-ID`
//! * `GET`/`PUT /notifications/preferences`: e-mail and SMS per event type, and the contact
//!   details they go to
//! * `POST /webhooks` {url, events?} (`201`, with the secret shown once), `GET /webhooks`,
//!   `GET`/`DELETE /webhooks/{id}`
//! * `GET /notifications/deliveries` (?webhook, ?status, ?limit), `GET …/{id}` with its attempts,
//!   `POST …/{id}/resend` for a parked one

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use axum_extra::extract::cookie::CookieJar;
use chrono::{DateTime, Utc};
use futures_util::stream::Stream;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use cats_app::notify::inbox::{self, EventChoice};
use cats_app::notify::store::{
    Attempt, Contact, Delivery, DeliveryFilter, DeliveryStatus, InboxItem, InboxQuery,
};
use cats_app::notify::{deliveries, webhooks, EventType, Webhook};
use cats_app::{Actor, App};

use super::registrations::body;
use crate::error::ApiError;
use crate::pages::chrome::SESSION_COOKIE;
use crate::principal::Principal;
use crate::views;

/// Query of `GET /notifications`.
#[derive(Debug, Deserialize)]
pub struct InboxParams {
    limit: Option<u32>,
    unread: Option<bool>,
    after: Option<i64>,
}

/// A user's notifications.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InboxView {
    /// How many in this answer.
    pub count: usize,
    /// How many the user has not read, in all.
    pub unread: i64,
    /// Newest first (oldest first with `?after`).
    pub notifications: Vec<InboxItem>,
}

/// `GET /notifications`.
pub async fn list(
    State(app): State<App>,
    who: Principal,
    Query(q): Query<InboxParams>,
) -> Result<Json<Value>, ApiError> {
    let actor = who.actor();
    let items = inbox::list(
        &app,
        &actor,
        InboxQuery {
            after_seq: q.after,
            unread_only: q.unread.unwrap_or(false),
            limit: q.limit.unwrap_or(100),
        },
    )
    .await?;
    let unread = inbox::unread(&app, &actor).await?;
    Ok(Json(views::json(&InboxView {
        count: items.len(),
        unread,
        notifications: items,
    })))
}

/// Body of `POST /notifications/read`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReadBody {
    /// The notifications to mark read; absent or empty: all of them.
    #[serde(default)]
    pub ids: Vec<Uuid>,
}

/// What `POST /notifications/read` did.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReadView {
    /// How many were newly marked read.
    pub marked: u64,
    /// How many are still unread.
    pub unread: i64,
}

/// `POST /notifications/read`.
pub async fn mark_read(
    State(app): State<App>,
    who: Principal,
    Json(raw): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let b: ReadBody = body(raw, "read request")?;
    let actor = who.actor();
    let marked = inbox::mark_read(&app, &actor, &b.ids, Utc::now()).await?;
    let unread = inbox::unread(&app, &actor).await?;
    Ok(Json(views::json(&ReadView { marked, unread })))
}

/// A user's notification settings.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreferencesView {
    /// Per event type: by e-mail, by SMS.
    #[serde(default)]
    pub preferences: Vec<EventChoice>,
    /// Where they go.
    #[serde(default)]
    pub contact: Option<Contact>,
}

/// `GET /notifications/preferences`.
pub async fn preferences(State(app): State<App>, who: Principal) -> Result<Json<Value>, ApiError> {
    let actor = who.actor();
    Ok(Json(views::json(&PreferencesView {
        preferences: inbox::preferences(&app, &actor).await?,
        contact: Some(inbox::contact(&app, &actor).await?),
    })))
}

/// `PUT /notifications/preferences`: the event types given change, the others keep theirs; the
/// contact details change when given.
pub async fn set_preferences(
    State(app): State<App>,
    who: Principal,
    Json(raw): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let b: PreferencesView = body(raw, "preferences")?;
    let actor = who.actor();
    inbox::reader(&actor)?;
    let contact = match b.contact {
        Some(c) => inbox::set_contact(&app, &actor, c).await?,
        None => inbox::contact(&app, &actor).await?,
    };
    let preferences = inbox::set_preferences(&app, &actor, &b.preferences).await?;
    Ok(Json(views::json(&PreferencesView {
        preferences,
        contact: Some(contact),
    })))
}

/// A webhook endpoint as listed (without its secret).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookView {
    /// Id.
    pub id: Uuid,
    /// Where deliveries are posted.
    pub url: String,
    /// The event types it receives; empty: all.
    pub events: Vec<EventType>,
    /// The body of its deliveries: `cats`, or `hmrc` (HMRC's push notifications).
    pub format: cats_app::notify::WebhookFormat,
    /// Who registered it.
    pub created_by: String,
    /// When (UTC).
    pub created_at: DateTime<Utc>,
    /// The HMAC-SHA256 key of its `CATS-Signature`s: only in the answer to its registration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl WebhookView {
    fn of(w: Webhook, with_secret: bool) -> Self {
        Self {
            id: w.id,
            url: w.url,
            events: w.events,
            format: w.format,
            created_by: w.created_by,
            created_at: w.created_at,
            secret: with_secret.then_some(w.secret),
        }
    }
}

/// A company's webhook endpoints.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookList {
    /// How many.
    pub count: usize,
    /// Oldest first.
    pub webhooks: Vec<WebhookView>,
}

/// `POST /webhooks`: `201` with the endpoint and its secret.
pub async fn register(
    State(app): State<App>,
    who: Principal,
    Json(raw): Json<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b: webhooks::NewWebhook = body(raw, "webhook")?;
    let w = webhooks::register(&app, &who.actor(), b, Utc::now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(views::json(&WebhookView::of(w, true))),
    ))
}

/// `GET /webhooks`.
pub async fn list_webhooks(
    State(app): State<App>,
    who: Principal,
) -> Result<Json<Value>, ApiError> {
    let list: Vec<WebhookView> = webhooks::list(&app, &who.actor())
        .await?
        .into_iter()
        .map(|w| WebhookView::of(w, false))
        .collect();
    Ok(Json(views::json(&WebhookList {
        count: list.len(),
        webhooks: list,
    })))
}

/// `GET /webhooks/{id}`.
pub async fn show_webhook(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let w = webhooks::get(&app, &who.actor(), id).await?;
    Ok(Json(views::json(&WebhookView::of(w, false))))
}

/// `DELETE /webhooks/{id}`: the endpoint as it was.
pub async fn delete_webhook(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let actor = who.actor();
    let w = webhooks::get(&app, &actor, id).await?;
    webhooks::delete(&app, &actor, id, Utc::now()).await?;
    Ok(Json(views::json(&WebhookView::of(w, false))))
}

/// Query of `GET /notifications/deliveries`.
#[derive(Debug, Deserialize)]
pub struct DeliveryParams {
    webhook: Option<Uuid>,
    status: Option<String>,
    limit: Option<u32>,
}

/// A company's deliveries.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryList {
    /// How many.
    pub count: usize,
    /// Newest first.
    pub deliveries: Vec<Delivery>,
}

/// `GET /notifications/deliveries`.
pub async fn list_deliveries(
    State(app): State<App>,
    who: Principal,
    Query(q): Query<DeliveryParams>,
) -> Result<Json<Value>, ApiError> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(DeliveryStatus::parse(s).ok_or_else(|| {
            cats_app::AppError::Invalid(format!(
                "status: {s:?} is not one of pending, delivered, parked"
            ))
        })?),
    };
    let list = deliveries::log(
        &app,
        &who.actor(),
        DeliveryFilter {
            webhook: q.webhook,
            status,
            limit: q.limit.unwrap_or(100),
        },
    )
    .await?;
    Ok(Json(views::json(&DeliveryList {
        count: list.len(),
        deliveries: list,
    })))
}

/// A delivery with every attempt.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryView {
    /// The delivery.
    pub delivery: Delivery,
    /// Its attempts, oldest first.
    pub attempts: Vec<Attempt>,
}

/// `GET /notifications/deliveries/{id}`.
pub async fn show_delivery(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let (delivery, attempts) = deliveries::get(&app, &who.actor(), id).await?;
    Ok(Json(views::json(&DeliveryView { delivery, attempts })))
}

/// `POST /notifications/deliveries/{id}/resend`.
pub async fn resend(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
) -> Result<Json<Value>, ApiError> {
    let (delivery, attempts) = deliveries::resend(&app, &who.actor(), id, Utc::now()).await?;
    Ok(Json(views::json(&DeliveryView { delivery, attempts })))
}

/// Who listens to `GET /events`: a bearer token, or the pages' session cookie.
pub struct Listener(Actor);

impl FromRequestParts<App> for Listener {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        if parts
            .headers
            .contains_key(axum::http::header::AUTHORIZATION)
        {
            let p = Principal::from_request_parts(parts, app).await?;
            return Ok(Self(p.actor()));
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let session = match jar.get(SESSION_COOKIE) {
            Some(c) => cats_app::accounts::session(app, c.value(), Utc::now()).await?,
            None => None,
        };
        match session {
            Some((_, user)) => Ok(Self(Actor::User(user))),
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "UNAUTHORIZED",
                "send Authorization: Bearer TOKEN, or sign in to the pages",
            )),
        }
    }
}

/// How often `GET /events` looks for notifications written by other instances.
pub const EVENTS_POLL: Duration = Duration::from_secs(2);

/// `GET /events`: the user's notifications as they are written, as Server-Sent Events of type
/// `notification` (data: the inbox item as JSON with `title`, the event's name in the user's
/// language; id: its `seq`), each followed by an `unread` event with the count. Starts after `Last-Event-ID` if given, else with what comes next.
pub async fn events(
    State(app): State<App>,
    Listener(actor): Listener,
    headers: axum::http::HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    // Errors (403 for officers) before the stream starts.
    let unread = inbox::unread(&app, &actor).await?;
    let last = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    let start = match last {
        Some(seq) => seq,
        None => inbox::list(
            &app,
            &actor,
            InboxQuery {
                after_seq: None,
                unread_only: false,
                limit: 1,
            },
        )
        .await?
        .first()
        .map_or(0, |i| i.seq),
    };
    let language = match actor.user() {
        Some(u) => cats_app::accounts::language_of(&app, &u.username).await?,
        None => None,
    };
    let t = crate::pages::i18n::Tr::new(language.as_deref().unwrap_or("en"));
    let changed = app.notifications_changed();
    let state = (
        app,
        actor,
        start,
        changed,
        Some(unread),
        Vec::<Event>::new(),
    );
    let stream = futures_util::stream::unfold(
        state,
        move |(app, actor, mut after, mut changed, mut first, mut queue)| {
            let t = t.clone();
            async move {
                loop {
                    if let Some(e) = queue.pop() {
                        return Some((Ok(e), (app, actor, after, changed, first, queue)));
                    }
                    if let Some(n) = first.take() {
                        let e = Event::default().event("unread").data(n.to_string());
                        return Some((Ok(e), (app, actor, after, changed, first, queue)));
                    }
                    let q = InboxQuery {
                        after_seq: Some(after),
                        unread_only: false,
                        limit: 100,
                    };
                    let items = inbox::list(&app, &actor, q).await.unwrap_or_default();
                    if !items.is_empty() {
                        let unread = inbox::unread(&app, &actor).await.unwrap_or_default();
                        queue.push(Event::default().event("unread").data(unread.to_string()));
                        for item in items.into_iter().rev() {
                            after = after.max(item.seq);
                            let mut data = serde_json::to_value(&item).unwrap_or_default();
                            data["title"] =
                                Value::String(t.get(&item.notification.event.message_key()));
                            queue.push(
                                Event::default()
                                    .event("notification")
                                    .id(item.seq.to_string())
                                    .data(data.to_string()),
                            );
                        }
                        continue;
                    }
                    tokio::select! {
                        _ = changed.changed() => {}
                        _ = tokio::time::sleep(EVENTS_POLL) => {}
                    }
                }
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// The node's deliveries by status.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryCounts {
    /// Waiting for an attempt (a receiver, the SMTP server or the SMS gateway may be down).
    pub pending: i64,
    /// Delivered.
    pub delivered: i64,
    /// Given up on until re-sent by their company.
    pub parked: i64,
}

/// `GET /admin/notifications`: the node's deliveries by status (administrator).
pub async fn counts(State(app): State<App>, who: Principal) -> Result<Json<Value>, ApiError> {
    let c = deliveries::counts(&app, &who.actor()).await?;
    let of = |s: DeliveryStatus| c.iter().find(|(x, _)| *x == s).map_or(0, |(_, n)| *n);
    Ok(Json(views::json(&DeliveryCounts {
        pending: of(DeliveryStatus::Pending),
        delivered: of(DeliveryStatus::Delivered),
        parked: of(DeliveryStatus::Parked),
    })))
}
