//! A company's pages: its insurance contracts (insurers, holders; officers see all). Its
//! notifications are in [`super::notifications`].

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono_tz::Tz;

use cats_app::auth::{Role, User};
use cats_app::registers::contracts;
use cats_app::store::ContractFilter;
use cats_app::{Actor, App};

use super::chrome::{error_page, render, to_sign_in, Chrome, Visitor};
use super::movements::app_error;

/// The user's own time zone, where no office is concerned: that of the first office of its
/// country (the officer's country, or its company's), else UTC.
pub async fn user_zone(app: &App, user: &User) -> Tz {
    let country = match (&user.party, user.office_country) {
        (_, Some(c)) => Some(c),
        (Some(p), None) => app.store().party(p).await.ok().flatten().map(|p| p.country),
        (None, None) => None,
    };
    let catalog = app.catalog();
    country
        .and_then(|c| catalog.offices.values().find(|o| o.country == c))
        .map_or(Tz::UTC, |o| o.zone())
}

/// One contract in the list.
pub struct ContractRow {
    href: String,
    policy: String,
    grn: String,
    holder: String,
    insurer: String,
    amount: String,
    period: String,
    status: String,
}

/// The contracts page.
#[derive(Template)]
#[template(path = "contracts.html")]
struct ContractsPage {
    chrome: Chrome,
    /// An insurer submits new contracts.
    insurer: bool,
    rows: Vec<ContractRow>,
}

/// `GET /ui/contracts`: the insurance contracts the user may see, with their GRN and status.
pub async fn contracts(State(app): State<App>, visitor: Visitor) -> Response {
    let Some(user) = visitor.user().cloned() else {
        return to_sign_in();
    };
    let t = &visitor.t;
    if user.role == Role::Admin {
        return error_page(&visitor, StatusCode::FORBIDDEN, t.get("not-allowed"));
    }
    let insurer = user.role == Role::Insurer;
    let list = match contracts::list(&app, &Actor::User(user), ContractFilter::default()).await {
        Ok(l) => l,
        Err(e) => return app_error(&visitor, e),
    };
    let rows = list
        .iter()
        .map(|c| ContractRow {
            href: format!("/ui/contracts/{}", c.id),
            policy: c.policy_number.clone(),
            grn: c
                .grn
                .as_ref()
                .map(|g| g.to_string())
                .unwrap_or_else(|| "—".into()),
            holder: c.holder.to_string(),
            insurer: c.insurer.to_string(),
            amount: t.money(&c.reference_amount),
            period: format!("{} – {}", t.day(c.valid_from), t.day(c.valid_to)),
            status: t.get(&format!("guarantee-{}", c.status.as_str())),
        })
        .collect();
    let page = ContractsPage {
        insurer,
        chrome: visitor.chrome(t.get("contracts-title")),
        rows,
    };
    render(&visitor, StatusCode::OK, &page)
}
