//! The customs officer's work queue: what waits for the offices of its country, in sections
//! (declarations to decide, controls pending, movements expected, arrived, overdue, discrepancies).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;

use cats_app::auth::Role;
use cats_app::store::{MovementFilter, MovementRecord};
use cats_app::{query, Actor, App};
use cats_domain::ids::CountryCode;
use cats_domain::movement::MovementState;

use super::chrome::{error_page, render, to_sign_in, Chrome, Visitor};
use super::movements::{app_error, row, Row};

/// Movements read for the queue at most (the 500 most recently changed).
const QUEUE_LIMIT: u32 = 500;

/// One section of the queue.
pub struct Section {
    id: &'static str,
    title: String,
    rows: Vec<Row>,
}

/// The queue page.
#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    chrome: Chrome,
    sections: Vec<Section>,
    empty: String,
    /// Applications and contracts waiting for a decision: link, what, who, since.
    approvals: Vec<(String, String, String, String)>,
}

/// Which section a movement belongs to for an officer acting at the offices `ours` accepts, if
/// any.
fn section_of(
    r: &MovementRecord,
    ours: &dyn Fn(&cats_domain::ids::OfficeRef) -> bool,
    now: chrono::DateTime<Utc>,
) -> Option<&'static str> {
    let m = &r.movement;
    let at_departure = ours(&m.office_of_departure);
    if !m.pending_controls.is_empty() && m.pending_controls.iter().any(|p| ours(&p.office))
        || (m.state == MovementState::UnderControl && at_departure)
    {
        return Some("controls");
    }
    match m.state {
        MovementState::Accepted | MovementState::GuaranteeNotValid if at_departure => {
            Some("decide")
        }
        MovementState::ReleasedForTransit if m.time_limit.is_some_and(|t| t < now) => {
            Some("overdue")
        }
        MovementState::ReleasedForTransit => {
            let expected = m
                .offices_of_exit
                .iter()
                .chain(&m.offices_of_transit)
                .chain(std::iter::once(&m.office_of_destination))
                .any(|o| ours(o) && !m.passages.iter().any(|p| &p.office == o));
            expected.then_some("expected")
        }
        MovementState::Arrived if m.arrival_office.as_ref().is_some_and(ours) => Some("arrived"),
        MovementState::Discrepancies => Some("discrepancies"),
        MovementState::UnderEnquiry if at_departure => Some("overdue"),
        _ => None,
    }
}

/// `GET /ui/queue`: the officer's work queue.
pub async fn queue(State(app): State<App>, visitor: Visitor) -> Response {
    let Some(user) = visitor.user().cloned() else {
        return to_sign_in();
    };
    let t = &visitor.t;
    let (Role::Officer, Some(country)) = (user.role, user.office_country) else {
        return error_page(&visitor, StatusCode::FORBIDDEN, t.get("not-allowed"));
    };
    let filter = MovementFilter {
        page: 1,
        count: QUEUE_LIMIT,
        ..Default::default()
    };
    let approvals = match approvals(&app, &user, country, t).await {
        Ok(a) => a,
        Err(e) => return app_error(&visitor, e),
    };
    let scope = user.clone();
    let (records, _) = match query::list_movements(&app, &Actor::User(user), filter).await {
        Ok(found) => found,
        Err(e) => return app_error(&visitor, e),
    };
    let catalog = app.catalog();
    let ours = |o: &cats_domain::ids::OfficeRef| scope.acts_at(o, &catalog);
    let now = Utc::now();
    let ids = [
        "decide",
        "controls",
        "expected",
        "arrived",
        "overdue",
        "discrepancies",
    ];
    let sections = ids
        .iter()
        .map(|id| Section {
            id,
            title: t.get(&format!("queue-{id}")),
            rows: records
                .iter()
                .filter(|r| section_of(r, &ours, now) == Some(id))
                .map(|r| row(r, &catalog, t))
                .collect(),
        })
        .collect();
    let page = QueuePage {
        chrome: visitor.chrome(t.get("queue-title")),
        sections,
        empty: t.get("queue-empty"),
        approvals,
    };
    render(&visitor, StatusCode::OK, &page)
}

/// The registrations of `country` and the insurance contracts waiting for an officer's decision.
async fn approvals(
    app: &App,
    user: &cats_app::auth::User,
    country: CountryCode,
    t: &super::i18n::Tr,
) -> Result<Vec<(String, String, String, String)>, cats_app::AppError> {
    use cats_app::registers::{contracts, registrations};
    use cats_app::store::{ContractFilter, RegistrationFilter};
    use cats_domain::ledger::GuaranteeStatus;
    use cats_domain::registry::RegistrationStatus;
    let actor = Actor::User(user.clone());
    let zone = super::company::user_zone(app, user).await;
    let regs = registrations::list(
        app,
        &actor,
        RegistrationFilter {
            status: Some(RegistrationStatus::Submitted),
            country: Some(country),
            ..Default::default()
        },
    )
    .await?;
    let submitted = contracts::list(
        app,
        &actor,
        ContractFilter {
            status: Some(GuaranteeStatus::Submitted),
            ..Default::default()
        },
    )
    .await?;
    let mut out: Vec<(String, String, String, String)> = regs
        .iter()
        .map(|r| {
            (
                format!("/ui/registrations/{}", r.id),
                t.get(&format!("register-{}", r.register.as_str())),
                format!("{} ({})", r.name, r.party),
                t.time(r.submitted_at, zone),
            )
        })
        .collect();
    out.extend(submitted.iter().map(|c| {
        (
            format!("/ui/contracts/{}", c.id),
            t.arg("contract-title", "policy", &c.policy_number),
            format!("{} → {}", c.insurer, c.holder),
            t.time(c.submitted_at, zone),
        )
    }));
    Ok(out)
}
