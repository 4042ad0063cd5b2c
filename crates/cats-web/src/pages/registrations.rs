//! Registrations in the registers (AEO, authorised trader, authorised insurer): a company applies
//! and attaches its documents; officers see every application, download the documents and
//! approve, reject, suspend, reinstate, revoke or renew; everyone concerned sees every step.
//! The same use cases as `/registrations/…` of the API.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use uuid::Uuid;

use cats_app::auth::{Role, User};
use cats_app::registers::{documents, registrations};
use cats_app::store::RegistrationFilter;
use cats_app::{Actor, App};
use cats_domain::registry::{Contact, Register, RegistrationStep};

use super::chrome::{csrf_refused, error_page, render, to_sign_in, Chrome, Visitor};
use super::forms::{read_upload, refusal};
use super::i18n::Tr;
use super::movements::app_error;

/// One registration in the list.
pub struct Row {
    href: String,
    register: String,
    party: String,
    name: String,
    status: String,
    validity: String,
}

/// The list page, with the application form for companies.
#[derive(Template)]
#[template(path = "registrations.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    /// Registers the visitor's company may apply to (empty for officers).
    registers: Vec<(&'static str, String)>,
    error: Option<String>,
}

/// The page of one registration.
#[derive(Template)]
#[template(path = "registration.html")]
struct ShowPage {
    chrome: Chrome,
    id: Uuid,
    heading: String,
    facts: Vec<(String, String)>,
    /// Documents: download link, file name, type, size in bytes, SHA-256.
    documents: Vec<(String, String, String, i64, String)>,
    history: Vec<(String, String, String)>,
    /// Steps an officer may take: action and label.
    steps: Vec<(&'static str, String)>,
    /// The applicant may attach documents.
    may_attach: bool,
    error: Option<String>,
}

fn register_name(t: &Tr, r: Register) -> String {
    t.get(&format!("register-{}", r.as_str()))
}

fn validity(t: &Tr, from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    match (from, to) {
        (Some(f), Some(to)) => format!("{} – {}", t.day(f), t.day(to)),
        _ => "—".into(),
    }
}

fn sees(visitor: &Visitor) -> Result<User, Box<Response>> {
    match visitor.user() {
        None => Err(Box::new(to_sign_in())),
        Some(u) if u.role != Role::Admin => Ok(u.clone()),
        Some(_) => Err(Box::new(error_page(
            visitor,
            StatusCode::FORBIDDEN,
            visitor.t.get("not-allowed"),
        ))),
    }
}

async fn list_page(
    app: &App,
    visitor: &Visitor,
    user: &User,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let t = &visitor.t;
    let list = match registrations::list(
        app,
        &Actor::User(user.clone()),
        RegistrationFilter::default(),
    )
    .await
    {
        Ok(l) => l,
        Err(e) => return app_error(visitor, e),
    };
    let day = Utc::now().date_naive();
    let rows = list
        .iter()
        .map(|r| Row {
            href: format!("/ui/registrations/{}", r.id),
            register: register_name(t, r.register),
            party: r.party.to_string(),
            name: r.name.clone(),
            status: t.get(&format!("registration-{}", r.shown_status(day))),
            validity: validity(t, r.valid_from, r.valid_to),
        })
        .collect();
    let registers = Register::ALL
        .into_iter()
        .filter(|r| match user.role {
            Role::Trader => r.party_kind() == "trader",
            Role::Insurer => r.party_kind() == "insurer",
            _ => false,
        })
        .map(|r| (r.as_str(), register_name(t, r)))
        .collect();
    let page = ListPage {
        chrome: visitor.chrome(t.get("registrations-title")),
        rows,
        registers,
        error,
    };
    render(visitor, status, &page)
}

/// `GET /ui/registrations`: the registrations the visitor may see; a company applies here.
pub async fn list(State(app): State<App>, visitor: Visitor) -> Response {
    let user = match sees(&visitor) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    list_page(&app, &visitor, &user, StatusCode::OK, None).await
}

/// The application form.
#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    csrf: String,
    register: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    contact_phone: String,
}

fn see_other(to: String) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
}

/// `POST /ui/registrations`: apply to a register for the visitor's company.
pub async fn apply(
    State(app): State<App>,
    visitor: Visitor,
    axum::Form(form): axum::Form<ApplyForm>,
) -> Response {
    let user = match sees(&visitor) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    if !visitor.csrf_ok(&form.csrf) {
        return csrf_refused(&visitor);
    }
    let Some(register) = Register::parse(&form.register) else {
        let why = visitor.t.get("action-unknown");
        return list_page(&app, &visitor, &user, StatusCode::BAD_REQUEST, Some(why)).await;
    };
    let application = registrations::Application {
        register,
        name: form.name.trim().to_string(),
        address: form.address.trim().to_string(),
        identification_number: user
            .party
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        country: form.country.trim().to_uppercase(),
        contact: Contact {
            name: form.contact_name.trim().to_string(),
            email: form.contact_email.trim().to_string(),
            phone: form.contact_phone.trim().to_string(),
        },
    };
    match registrations::apply(&app, &Actor::User(user.clone()), application, Utc::now()).await {
        Ok(r) => see_other(format!("/ui/registrations/{}", r.id)),
        Err(e) => match refusal(&visitor.t, &e) {
            Some((status, why)) => list_page(&app, &visitor, &user, status, Some(why)).await,
            None => app_error(&visitor, e),
        },
    }
}

fn steps(t: &Tr, user: &User, status: &str) -> Vec<(&'static str, String)> {
    let names: &[&'static str] = match (user.role, status) {
        (Role::Officer, "submitted") => &["approve", "reject"],
        (Role::Officer, "approved") => &["suspend", "revoke", "renew"],
        (Role::Officer, "expired") => &["renew"],
        (Role::Officer, "suspended") => &["reinstate", "revoke"],
        _ => &[],
    };
    names
        .iter()
        .map(|n| (*n, t.get(&format!("contract-step-{n}"))))
        .collect()
}

async fn show_page(
    app: &App,
    visitor: &Visitor,
    id: Uuid,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let user = match sees(visitor) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (r, docs, history) = match registrations::show(app, &Actor::User(user.clone()), id).await {
        Ok(found) => found,
        Err(e) => return app_error(visitor, e),
    };
    let t = &visitor.t;
    let zone: Tz = super::company::user_zone(app, &user).await;
    let shown = r.shown_status(Utc::now().date_naive());
    let facts = vec![
        (t.get("registration-register"), register_name(t, r.register)),
        (t.get("registration-party"), r.party.to_string()),
        (t.get("std-name"), r.name.clone()),
        (t.get("std-address"), r.address.clone()),
        (t.get("std-country"), r.country.to_string()),
        (
            t.get("std-contact"),
            format!(
                "{}, {}, {}",
                r.contact.name, r.contact.email, r.contact.phone
            ),
        ),
        (t.get("col-state"), t.get(&format!("registration-{shown}"))),
        (
            t.get("registration-validity"),
            validity(t, r.valid_from, r.valid_to),
        ),
        (
            t.get("contract-reason"),
            r.reason.clone().unwrap_or_else(|| "—".into()),
        ),
    ];
    let documents = docs
        .iter()
        .map(|d| {
            (
                format!("/ui/registrations/{id}/documents/{}", d.id),
                d.filename.clone(),
                d.content_type.clone(),
                d.size,
                d.sha256.clone(),
            )
        })
        .collect();
    let history = history
        .iter()
        .map(|h| (t.time(h.at, zone), h.actor.clone(), h.detail.clone()))
        .collect();
    let heading = format!("{} · {}", register_name(t, r.register), r.name);
    let page = ShowPage {
        chrome: visitor.chrome(heading.clone()),
        id,
        heading,
        facts,
        documents,
        history,
        steps: steps(t, &user, shown),
        may_attach: user.party.as_ref() == Some(&r.party) && r.status.is_live(),
        error,
    };
    render(visitor, status, &page)
}

/// `GET /ui/registrations/{id}`.
pub async fn show(State(app): State<App>, visitor: Visitor, Path(id): Path<Uuid>) -> Response {
    show_page(&app, &visitor, id, StatusCode::OK, None).await
}

/// An officer's step form.
#[derive(Debug, Deserialize)]
pub struct StepForm {
    csrf: String,
    action: String,
    #[serde(default)]
    valid_to: String,
    #[serde(default)]
    reason: String,
}

/// `POST /ui/registrations/{id}/actions`: approve (valid from today to `valid_to`), reject,
/// suspend, revoke (with `reason`), reinstate, renew (to `valid_to`).
pub async fn act(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<Uuid>,
    axum::Form(form): axum::Form<StepForm>,
) -> Response {
    let user = match sees(&visitor) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    if !visitor.csrf_ok(&form.csrf) {
        return csrf_refused(&visitor);
    }
    let t = &visitor.t;
    let reason = form.reason.trim().to_string();
    let valid_to = NaiveDate::parse_from_str(form.valid_to.trim(), "%Y-%m-%d").ok();
    let step = match (form.action.as_str(), valid_to) {
        ("approve", Some(valid_to)) => RegistrationStep::Approve {
            valid_from: Utc::now().date_naive(),
            valid_to,
        },
        ("renew", Some(valid_to)) => RegistrationStep::Renew { valid_to },
        ("approve" | "renew", None) => {
            let why = t.get("registration-valid-to-missing");
            return show_page(&app, &visitor, id, StatusCode::BAD_REQUEST, Some(why)).await;
        }
        ("reject", _) => RegistrationStep::Reject { reason },
        ("suspend", _) => RegistrationStep::Suspend { reason },
        ("revoke", _) => RegistrationStep::Revoke { reason },
        ("reinstate", _) => RegistrationStep::Reinstate,
        _ => {
            let why = t.get("action-unknown");
            return show_page(&app, &visitor, id, StatusCode::BAD_REQUEST, Some(why)).await;
        }
    };
    match registrations::decide(&app, &Actor::User(user), id, step, Utc::now()).await {
        Ok(_) => see_other(format!("/ui/registrations/{id}")),
        Err(e) => match refusal(t, &e) {
            Some((status, why)) => show_page(&app, &visitor, id, status, Some(why)).await,
            None => app_error(&visitor, e),
        },
    }
}

/// `POST /ui/registrations/{id}/documents` (multipart: `csrf`, then `document`): the applicant
/// attaches a document (PDF, PNG, JPEG, TIFF or plain text, at most 2 MiB).
pub async fn attach(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<Uuid>,
    parts: Multipart,
) -> Response {
    let user = match sees(&visitor) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let t = &visitor.t;
    let Ok(upload) = read_upload(parts, "document").await else {
        let why = t.get("registration-document-too-big");
        return show_page(&app, &visitor, id, StatusCode::PAYLOAD_TOO_LARGE, Some(why)).await;
    };
    if !visitor.csrf_ok(&upload.csrf) {
        return csrf_refused(&visitor);
    }
    let Some((name, kind, bytes)) = upload.file else {
        let why = t.get("registration-document-missing");
        return show_page(&app, &visitor, id, StatusCode::BAD_REQUEST, Some(why)).await;
    };
    let actor = Actor::User(user);
    match documents::attach(&app, &actor, id, &name, &kind, bytes, Utc::now()).await {
        Ok(_) => see_other(format!("/ui/registrations/{id}")),
        Err(e) => match refusal(t, &e) {
            Some((status, why)) => show_page(&app, &visitor, id, status, Some(why)).await,
            None => app_error(&visitor, e),
        },
    }
}

/// `GET /ui/registrations/{id}/documents/{documentId}`: a document's bytes, as the API gives them.
pub async fn download(
    State(app): State<App>,
    visitor: Visitor,
    Path((id, document)): Path<(Uuid, Uuid)>,
) -> Response {
    let user = match sees(&visitor) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    match documents::download(&app, &Actor::User(user), id, document).await {
        Ok(a) => crate::handlers::file_response(
            &a.meta.content_type,
            &a.meta.filename,
            &a.meta.sha256,
            a.data,
        ),
        Err(e) => app_error(&visitor, e),
    }
}
