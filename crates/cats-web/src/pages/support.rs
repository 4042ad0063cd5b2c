//! Support requests' pages (issue 18): the form behind every page's "Ask for support" link
//! (`/ui/support/new?page=…`, the page and its movement attached), the list (`/ui/support`: one's
//! own and one's company's; for the administrator every request, open first, with a status
//! filter) and one request's thread (`/ui/support/{id}`: answer, add, close).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use cats_app::auth::{Role, User};
use cats_app::store::support::{SupportRequest, SupportStatus};
use cats_app::support::{self, NewRequest};
use cats_app::{Actor, App, AppError};

use super::chrome::{csrf_refused, render, to_sign_in, Chrome, Visitor};
use super::company::user_zone;
use super::i18n::Tr;
use super::movements::app_error;
use super::notifications::{checked_form, field};
use super::webhooks::CsrfForm;

/// The movement a form or a request names: its page (when the reader may open it) and its
/// MRN or LRN.
pub struct MovementLink {
    href: Option<String>,
    label: String,
}

/// The form of a new request.
#[derive(Template)]
#[template(path = "support_new.html")]
struct NewPage {
    chrome: Chrome,
    page: Option<String>,
    movement: Option<MovementLink>,
    subject: String,
    text: String,
    /// Problems: the field's id and what is wrong, translated.
    errors: Vec<(String, String)>,
}

impl NewPage {
    fn error_of(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, e)| e.as_str())
    }
}

/// One request in the list.
pub struct Row {
    id: String,
    reference: String,
    subject: String,
    status: String,
    requester: String,
    movement: String,
    updated: String,
    unseen: bool,
}

/// The list.
#[derive(Template)]
#[template(path = "support_list.html")]
struct ListPage {
    chrome: Chrome,
    admin: bool,
    rows: Vec<Row>,
    /// The status filter: value, name, chosen.
    statuses: Vec<(String, String, bool)>,
}

/// One message of the thread.
pub struct MessageRow {
    author: String,
    support: bool,
    when: String,
    lines: Vec<String>,
}

/// One request with its thread.
#[derive(Template)]
#[template(path = "support.html")]
struct ShowPage {
    chrome: Chrome,
    id: String,
    reference: String,
    subject: String,
    status: String,
    requester: String,
    created: String,
    page: Option<String>,
    movement: Option<MovementLink>,
    messages: Vec<MessageRow>,
    admin: bool,
    closed: bool,
    notice: Option<String>,
    error: Option<String>,
    text: String,
    text_error: Option<String>,
}

/// `?page=` of the form.
#[derive(Debug, Deserialize)]
pub struct NewParams {
    page: Option<String>,
}

/// `?status=` of the list.
#[derive(Debug, Deserialize)]
pub struct ListParams {
    status: Option<String>,
}

/// `?sent=1` after sending.
#[derive(Debug, Deserialize)]
pub struct ShowParams {
    sent: Option<String>,
}

fn signed_in(visitor: &Visitor) -> Result<(User, Actor), Box<Response>> {
    visitor
        .user()
        .map(|u| (u.clone(), Actor::User(u.clone())))
        .ok_or_else(|| Box::new(to_sign_in()))
}

/// The movement's label: `MRN …`, or `LRN …` before one is allocated.
fn movement_label(t: &Tr, reference: &str) -> String {
    let key = if cats_domain::ids::Mrn::parse(reference).is_ok() {
        "col-mrn"
    } else {
        "col-lrn"
    };
    format!("{} {reference}", t.get(key))
}

/// `GET /ui/support/new?page=…`: the form, with the page and its movement shown as they will
/// be attached. An administrator answers requests: to the list.
pub async fn new_form(
    State(app): State<App>,
    visitor: Visitor,
    Query(q): Query<NewParams>,
) -> Response {
    let (user, actor) = match signed_in(&visitor) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    if user.role == Role::Admin {
        return Redirect::to("/ui/support").into_response();
    }
    let page = q
        .page
        .filter(|p| !p.is_empty() && support::page_problem(p).is_none());
    let form = NewPage {
        chrome: visitor.chrome(visitor.t.get("support-new-title")),
        movement: attached(&app, &visitor, &actor, page.as_deref()).await,
        page,
        subject: String::new(),
        text: String::new(),
        errors: Vec::new(),
    };
    render(&visitor, StatusCode::OK, &form)
}

/// The movement a page names, when the user may see it.
async fn attached(
    app: &App,
    visitor: &Visitor,
    actor: &Actor,
    page: Option<&str>,
) -> Option<MovementLink> {
    let id = page.and_then(support::movement_of_page)?;
    let record = cats_app::act::load_visible(app, actor, id).await.ok()?;
    let m = &record.movement;
    let reference = m
        .mrn
        .as_ref()
        .map_or_else(|| m.lrn.to_string(), |x| x.to_string());
    Some(MovementLink {
        href: Some(format!("/ui/movements/{id}")),
        label: movement_label(&visitor.t, &reference),
    })
}

/// `POST /ui/support`: the form's `csrf`, `subject`, `text` and `page`; to the request sent, or
/// the form again with every problem beside its field.
pub async fn create(State(app): State<App>, visitor: Visitor, body: String) -> Response {
    let (_, actor) = match signed_in(&visitor) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let fields = match checked_form(&visitor, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let new = NewRequest {
        subject: field(&fields, "subject").unwrap_or_default(),
        text: field(&fields, "text").unwrap_or_default(),
        page: field(&fields, "page").filter(|p| !p.is_empty()),
        movement_id: None,
    };
    match support::create(&app, &actor, new.clone(), Utc::now()).await {
        Ok(r) => Redirect::to(&format!("/ui/support/{}?sent=1", r.id)).into_response(),
        Err(AppError::Malformed { errors, .. }) => {
            let t = &visitor.t;
            let errors = errors
                .iter()
                .map(|e| {
                    let name = e.pointer.trim_start_matches('/');
                    let id = if name == "movementId" { "page" } else { name };
                    (id.to_string(), t.get(&format!("support-error-{id}")))
                })
                .collect();
            let page = new.page.filter(|p| support::page_problem(p).is_none());
            let form = NewPage {
                chrome: visitor.chrome(t.get("support-new-title")),
                movement: attached(&app, &visitor, &actor, page.as_deref()).await,
                page,
                subject: new.subject,
                text: new.text,
                errors,
            };
            render(&visitor, StatusCode::BAD_REQUEST, &form)
        }
        Err(e) => app_error(&visitor, e),
    }
}

fn status_name(t: &Tr, s: SupportStatus) -> String {
    t.get(&format!("support-status-{}", s.as_str()))
}

fn requester_of(t: &Tr, r: &SupportRequest) -> String {
    let role = t.get(&format!("role-{}", r.role.as_str()));
    match (&r.party, r.country) {
        (Some(p), _) => format!("{} ({role}, {} {p})", r.requester, t.get("company")),
        (None, Some(c)) => format!("{} ({role}, {c})", r.requester),
        (None, None) => format!("{} ({role})", r.requester),
    }
}

/// `GET /ui/support`: the requests the user sees; the administrator's with a status filter.
pub async fn list(
    State(app): State<App>,
    visitor: Visitor,
    Query(q): Query<ListParams>,
) -> Response {
    let (user, actor) = match signed_in(&visitor) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let t = &visitor.t;
    let status = q.status.as_deref().and_then(SupportStatus::parse);
    let all = match support::list(&app, &actor, status).await {
        Ok(l) => l,
        Err(e) => return app_error(&visitor, e),
    };
    let zone = user_zone(&app, &user).await;
    let rows = all
        .iter()
        .map(|r| Row {
            id: r.id.to_string(),
            reference: r.reference(),
            subject: r.subject.clone(),
            status: status_name(t, r.status),
            requester: requester_of(t, r),
            movement: r
                .movement_ref
                .as_deref()
                .map(|m| movement_label(t, m))
                .unwrap_or_default(),
            updated: t.time(r.updated_at, zone),
            unseen: r.requester == user.username && r.unseen_answer(),
        })
        .collect();
    let page = ListPage {
        chrome: visitor.chrome(t.get("support-list-title")),
        admin: user.role == Role::Admin,
        rows,
        statuses: SupportStatus::ALL
            .into_iter()
            .map(|s| (s.as_str().to_string(), status_name(t, s), Some(s) == status))
            .collect(),
    };
    render(&visitor, StatusCode::OK, &page)
}

/// What a request's page shows besides the request.
#[derive(Default)]
struct After {
    notice: Option<String>,
    error: Option<String>,
    text: String,
    text_error: Option<String>,
}

async fn show_page(
    app: &App,
    visitor: &Visitor,
    id: Uuid,
    status: StatusCode,
    after: After,
) -> Response {
    let (user, actor) = match signed_in(visitor) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let r = match support::open(app, &actor, id, Utc::now()).await {
        Ok(r) => r,
        Err(e) => return app_error(visitor, e),
    };
    // Opening it may have cleared the menu's count, computed before.
    let mut visitor = visitor.clone();
    if r.requester == user.username {
        match support::count_for(app, &user).await {
            Ok(n) => visitor.support_count = Some(n),
            Err(e) => return app_error(&visitor, e),
        }
    }
    let visitor = &visitor;
    let t = &visitor.t;
    let zone = user_zone(app, &user).await;
    let opens_movements = matches!(user.role, Role::Trader | Role::Officer);
    let page = ShowPage {
        chrome: visitor.chrome(format!("{} · {}", r.reference(), t.get("support-title"))),
        id: r.id.to_string(),
        reference: r.reference(),
        subject: r.subject.clone(),
        status: status_name(t, r.status),
        requester: requester_of(t, &r),
        created: t.time(r.created_at, zone),
        page: r.page.clone(),
        movement: r.movement_ref.as_deref().map(|m| MovementLink {
            href: r
                .movement_id
                .filter(|_| opens_movements)
                .map(|id| format!("/ui/movements/{id}")),
            label: movement_label(t, m),
        }),
        messages: r
            .messages
            .iter()
            .map(|m| MessageRow {
                author: m.author.clone(),
                support: m.from_support,
                when: t.time(m.at, zone),
                lines: m.text.lines().map(str::to_string).collect(),
            })
            .collect(),
        admin: user.role == Role::Admin,
        closed: r.status == SupportStatus::Closed,
        notice: after.notice,
        error: after.error,
        text: after.text,
        text_error: after.text_error,
    };
    render(visitor, status, &page)
}

/// `GET /ui/support/{id}`: the request and its thread (opened by its requester, its answers
/// count as seen).
pub async fn show(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<Uuid>,
    Query(q): Query<ShowParams>,
) -> Response {
    let after = After {
        notice: q
            .sent
            .is_some()
            .then(|| visitor.t.get("support-sent-notice")),
        ..After::default()
    };
    show_page(&app, &visitor, id, StatusCode::OK, after).await
}

/// `POST /ui/support/{id}/messages`: the form's `csrf` and `text`: an administrator's answer,
/// or the requester side's addition.
pub async fn reply(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<Uuid>,
    body: String,
) -> Response {
    let (_, actor) = match signed_in(&visitor) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let fields = match checked_form(&visitor, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let text = field(&fields, "text").unwrap_or_default();
    match support::reply(&app, &actor, id, &text, Utc::now()).await {
        Ok(_) => Redirect::to(&format!("/ui/support/{id}")).into_response(),
        Err(AppError::Malformed { .. }) => {
            let after = After {
                text_error: Some(visitor.t.get("support-error-text")),
                text,
                ..After::default()
            };
            show_page(&app, &visitor, id, StatusCode::BAD_REQUEST, after).await
        }
        Err(AppError::Refused(_)) => {
            let after = After {
                error: Some(visitor.t.get("support-error-closed")),
                ..After::default()
            };
            show_page(&app, &visitor, id, StatusCode::CONFLICT, after).await
        }
        Err(e) => app_error(&visitor, e),
    }
}

/// `POST /ui/support/{id}/close`.
pub async fn close(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<Uuid>,
    axum::Form(f): axum::Form<CsrfForm>,
) -> Response {
    let (_, actor) = match signed_in(&visitor) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    if !visitor.csrf_ok(&f.csrf) {
        return csrf_refused(&visitor);
    }
    match support::close(&app, &actor, id, Utc::now()).await {
        Ok(_) => Redirect::to(&format!("/ui/support/{id}")).into_response(),
        Err(AppError::Refused(_)) => {
            let after = After {
                error: Some(visitor.t.get("support-error-closed")),
                ..After::default()
            };
            show_page(&app, &visitor, id, StatusCode::CONFLICT, after).await
        }
        Err(e) => app_error(&visitor, e),
    }
}
