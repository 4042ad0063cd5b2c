//! A company user's notification pages (issue 13): the inbox (`/ui/notifications`, read and
//! unread, kept live by `cats-live.js` from `GET /events`) and the settings
//! (`/ui/notifications/settings`: e-mail address, phone number, and per event type whether it
//! comes by e-mail and by SMS).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use cats_app::notify::inbox::{self, EventChoice};
use cats_app::notify::store::{Contact, InboxQuery};
use cats_app::notify::EventType;
use cats_app::{Actor, App, AppError};

use super::chrome::{csrf_refused, error_page, render, to_sign_in, Chrome, Visitor};
use super::company::user_zone;
use super::movements::app_error;

/// One notification in the inbox.
pub struct NoticeRow {
    id: String,
    when: String,
    what: String,
    reference: String,
    /// The English text, for the registers' notifications (reasons, amounts, dates); a
    /// movement's event says all in its name and reference.
    text: Option<String>,
    href: Option<String>,
    read: bool,
}

/// The inbox.
#[derive(Template)]
#[template(path = "notifications.html")]
struct InboxPage {
    chrome: Chrome,
    rows: Vec<NoticeRow>,
    unread_only: bool,
    notice: Option<String>,
}

/// Query of the inbox: `?unread=1` for the unread ones only.
#[derive(Debug, Deserialize)]
pub struct InboxParams {
    unread: Option<String>,
}

/// The actor of a company user, or the page to answer with instead.
pub(super) fn company_user(visitor: &Visitor) -> Result<Actor, Box<Response>> {
    match visitor.user() {
        None => Err(Box::new(to_sign_in())),
        Some(u) if u.party.is_none() => Err(Box::new(error_page(
            visitor,
            StatusCode::FORBIDDEN,
            visitor.t.get("not-allowed"),
        ))),
        Some(u) => Ok(Actor::User(u.clone())),
    }
}

/// The fields of a posted form, repeated names kept (checkboxes), once its CSRF token is
/// checked; the page to answer with otherwise.
pub(super) fn checked_form(
    visitor: &Visitor,
    body: &str,
) -> Result<Vec<(String, String)>, Box<Response>> {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    match field(&fields, "csrf") {
        Some(token) if visitor.csrf_ok(&token) => Ok(fields),
        _ => Err(Box::new(csrf_refused(visitor))),
    }
}

/// The first value of field `name`.
pub(super) fn field(fields: &[(String, String)], name: &str) -> Option<String> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

/// What an event type is called, in the visitor's language.
pub(super) fn event_name(visitor: &Visitor, e: EventType) -> String {
    visitor.t.get(&e.message_key())
}

/// `GET /ui/notifications`: the company's notifications, newest first (the last 200), the
/// unread ones marked.
pub async fn inbox(
    State(app): State<App>,
    visitor: Visitor,
    Query(q): Query<InboxParams>,
) -> Response {
    let actor = match company_user(&visitor) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let unread_only = q.unread.is_some_and(|v| v == "1" || v == "true");
    page(&app, &visitor, &actor, unread_only, None).await
}

async fn page(
    app: &App,
    visitor: &Visitor,
    actor: &Actor,
    unread_only: bool,
    notice: Option<String>,
) -> Response {
    let query = InboxQuery {
        after_seq: None,
        unread_only,
        limit: 200,
    };
    let items = match inbox::list(app, actor, query).await {
        Ok(l) => l,
        Err(e) => return app_error(visitor, e),
    };
    let zone = match actor.user() {
        Some(u) => user_zone(app, u).await,
        None => chrono_tz::Tz::UTC,
    };
    let t = &visitor.t;
    let rows = items
        .into_iter()
        .map(|i| {
            let n = i.notification;
            let status = t.try_get(&format!("notice-{}-{}", n.subject, n.status));
            NoticeRow {
                id: n.id.to_string(),
                when: t.time(n.at, zone),
                // A register's step as before: the record's kind and its new status
                // ("Registration: approved"); otherwise the event's name.
                what: match status {
                    Some(s) if !n.subject.eq("movement") => {
                        format!("{}: {s}", t.get(&format!("notification-{}", n.subject)))
                    }
                    _ => event_name(visitor, n.event),
                },
                text: (n.subject != "movement").then_some(n.text),
                reference: n.reference,
                href: (!n.link.is_empty() && n.link.starts_with("/ui/")).then_some(n.link),
                read: i.read,
            }
        })
        .collect();
    let page = InboxPage {
        chrome: visitor.chrome(t.get("notifications-title")),
        rows,
        unread_only,
        notice,
    };
    render(visitor, StatusCode::OK, &page)
}

/// The form that marks notifications read: one `id`, or none for all.
#[derive(Debug, Deserialize)]
pub struct ReadForm {
    csrf: String,
    #[serde(default)]
    id: Option<Uuid>,
}

/// `POST /ui/notifications/read`: mark one notification (`id`) or all read, back to the inbox.
pub async fn mark_read(
    State(app): State<App>,
    visitor: Visitor,
    axum::Form(f): axum::Form<ReadForm>,
) -> Response {
    let actor = match company_user(&visitor) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    if !visitor.csrf_ok(&f.csrf) {
        return csrf_refused(&visitor);
    }
    let ids: Vec<Uuid> = f.id.into_iter().collect();
    match inbox::mark_read(&app, &actor, &ids, Utc::now()).await {
        Ok(_) => Redirect::to("/ui/notifications").into_response(),
        Err(e) => app_error(&visitor, e),
    }
}

/// One event type in the settings.
pub struct ChoiceRow {
    key: String,
    name: String,
    email: bool,
    sms: bool,
}

/// The settings page.
#[derive(Template)]
#[template(path = "notification_settings.html")]
struct SettingsPage {
    chrome: Chrome,
    email: String,
    phone: String,
    rows: Vec<ChoiceRow>,
    notice: Option<String>,
    error: Option<String>,
}

/// `GET /ui/notifications/settings`.
pub async fn settings(State(app): State<App>, visitor: Visitor) -> Response {
    let actor = match company_user(&visitor) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    settings_page(&app, &visitor, &actor, StatusCode::OK, None, None).await
}

async fn settings_page(
    app: &App,
    visitor: &Visitor,
    actor: &Actor,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let (choices, contact) = match (
        inbox::preferences(app, actor).await,
        inbox::contact(app, actor).await,
    ) {
        (Ok(p), Ok(c)) => (p, c),
        (Err(e), _) | (_, Err(e)) => return app_error(visitor, e),
    };
    let page = SettingsPage {
        chrome: visitor.chrome(visitor.t.get("notification-settings-title")),
        email: contact.email.unwrap_or_default(),
        phone: contact.phone.unwrap_or_default(),
        rows: choices
            .into_iter()
            .map(|c| ChoiceRow {
                key: c.event.as_str().to_string(),
                name: event_name(visitor, c.event),
                email: c.email,
                sms: c.sms,
            })
            .collect(),
        notice,
        error,
    };
    render(visitor, status, &page)
}

/// `POST /ui/notifications/settings`: the form's fields `csrf`, `email`, `phone`, and a checkbox
/// `email:TYPE` / `sms:TYPE` for each event type chosen (unchecked ones are off).
pub async fn save_settings(State(app): State<App>, visitor: Visitor, body: String) -> Response {
    let actor = match company_user(&visitor) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let fields = match checked_form(&visitor, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let field = |k: &str| field(&fields, k);
    let contact = Contact {
        email: field("email"),
        phone: field("phone"),
    };
    if let Err(e) = inbox::set_contact(&app, &actor, contact).await {
        return match e {
            AppError::Invalid(why) => {
                settings_page(
                    &app,
                    &visitor,
                    &actor,
                    StatusCode::BAD_REQUEST,
                    None,
                    Some(why),
                )
                .await
            }
            e => app_error(&visitor, e),
        };
    }
    let on = |channel: &str, e: EventType| {
        fields
            .iter()
            .any(|(n, _)| *n == format!("{channel}:{}", e.as_str()))
    };
    let choices: Vec<EventChoice> = EventType::ALL
        .into_iter()
        .map(|e| EventChoice {
            event: e,
            email: on("email", e),
            sms: on("sms", e),
        })
        .collect();
    match inbox::set_preferences(&app, &actor, &choices).await {
        Ok(_) => {
            let notice = visitor.t.get("notification-settings-saved");
            settings_page(&app, &visitor, &actor, StatusCode::OK, Some(notice), None).await
        }
        Err(e) => app_error(&visitor, e),
    }
}
