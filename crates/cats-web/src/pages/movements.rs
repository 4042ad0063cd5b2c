//! Movements for traders and officers: the list with filters and paging, a movement with its
//! history (every message and customs action, with office and local time), and one message as
//! NCTS XML. The same use cases and scoping as the API (`cats_app::query`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use cats_app::auth::Role;
use cats_app::store::{Direction, MovementFilter, MovementRecord, StoredMessage};
use cats_app::{query, App, AppError};
use cats_domain::ids::OfficeRef;
use cats_domain::movement::MovementState;
use cats_domain::reference::Catalog;

use super::chrome::{error_page, render, to_sign_in, Chrome, Visitor};
use super::i18n::Tr;

/// Movements on one page of the list.
pub const PAGE_SIZE: u32 = 25;

/// A state as the pages name it.
pub fn state_name(t: &Tr, state: MovementState) -> String {
    t.get(&format!("state-{}", state.as_str()))
}

/// An office as the pages show it: reference number and name in the visitor's language.
pub fn office_label(catalog: &Catalog, t: &Tr, office: &OfficeRef) -> String {
    match catalog.office(office) {
        Some(o) => {
            let name = o
                .names
                .get(t.lang())
                .or_else(|| o.names.get("en"))
                .map(String::as_str)
                .unwrap_or_else(|| o.name());
            format!("{office} {name}")
        }
        None => office.to_string(),
    }
}

/// Filters of the list, as the form sends them (empty fields are no filter).
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    lrn: String,
    #[serde(default)]
    mrn: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    page: Option<u32>,
}

/// One row of the list.
pub struct Row {
    pub(super) href: String,
    pub(super) lrn: String,
    pub(super) mrn: String,
    pub(super) state: String,
    pub(super) departure: String,
    pub(super) destination: String,
    pub(super) updated: String,
}

/// A movement as a row of a list.
pub fn row(r: &MovementRecord, catalog: &Catalog, t: &Tr) -> Row {
    let m = &r.movement;
    Row {
        href: format!("/ui/movements/{}", r.id),
        lrn: m.lrn.to_string(),
        mrn: m.mrn.as_ref().map(|x| x.to_string()).unwrap_or_default(),
        state: state_name(t, m.state),
        departure: office_label(catalog, t, &m.office_of_departure),
        destination: office_label(catalog, t, &m.office_of_destination),
        updated: t.time(r.updated_at, catalog.zone_of(&m.office_of_departure)),
    }
}

/// The list page.
#[derive(Template)]
#[template(path = "movements.html")]
struct ListPage {
    chrome: Chrome,
    states: Vec<(String, String, bool)>,
    lrn: String,
    mrn: String,
    since: String,
    rows: Vec<Row>,
    count_text: String,
    page_text: String,
    previous: Option<String>,
    next: Option<String>,
    error: Option<String>,
}

fn page_link(q: &ListQuery, page: u32) -> String {
    let mut parts = vec![format!("page={page}")];
    for (k, v) in [
        ("state", &q.state),
        ("lrn", &q.lrn),
        ("mrn", &q.mrn),
        ("since", &q.since),
    ] {
        if !v.is_empty() {
            let value: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
            parts.push(format!("{k}={value}"));
        }
    }
    format!("/ui/movements?{}", parts.join("&"))
}

/// Whether the role has movements to see (traders and officers).
fn sees_movements(visitor: &Visitor) -> bool {
    visitor
        .user()
        .is_some_and(|u| matches!(u.role, Role::Trader | Role::Officer))
}

/// `GET /ui/movements`: the movements the user may see, newest change first, filtered by state,
/// LRN, MRN and "changed since" (a day), 25 a page.
pub async fn list(
    State(app): State<App>,
    visitor: Visitor,
    Query(q): Query<ListQuery>,
) -> Response {
    let Some(user) = visitor.user().cloned() else {
        return to_sign_in();
    };
    if !sees_movements(&visitor) {
        return error_page(
            &visitor,
            StatusCode::FORBIDDEN,
            visitor.t.get("not-allowed"),
        );
    }
    let t = &visitor.t;
    let page = q.page.unwrap_or(1).max(1);
    let mut filter = MovementFilter {
        page,
        count: PAGE_SIZE,
        ..Default::default()
    };
    // a filter value that is not well formed matches nothing, as in the API
    let mut nothing = false;
    if !q.state.is_empty() {
        match MovementState::parse(&q.state) {
            Some(s) => filter.state = Some(s),
            None => nothing = true,
        }
    }
    if !q.lrn.trim().is_empty() {
        match q.lrn.trim().parse() {
            Ok(l) => filter.lrn = Some(l),
            Err(_) => nothing = true,
        }
    }
    if !q.mrn.trim().is_empty() {
        match q.mrn.trim().parse() {
            Ok(m) => filter.mrn = Some(m),
            Err(_) => nothing = true,
        }
    }
    let mut error = None;
    if !q.since.is_empty() {
        match NaiveDate::parse_from_str(&q.since, "%Y-%m-%d") {
            Ok(d) => filter.updated_since = d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()),
            Err(_) => {
                error = Some(t.get("movements-bad-date"));
                nothing = true;
            }
        }
    }
    let (records, total) = if nothing {
        (Vec::new(), 0)
    } else {
        match query::list_movements(&app, &cats_app::Actor::User(user), filter).await {
            Ok(found) => found,
            Err(e) => return app_error(&visitor, e),
        }
    };
    let catalog = app.catalog();
    let rows = records.iter().map(|r| row(r, &catalog, t)).collect();
    // Past the count limit the list says "more than" and pages on without a last page.
    let more = total > MovementFilter::COUNT_LIMIT;
    let pages = if more {
        u64::MAX
    } else {
        total.div_ceil(u64::from(PAGE_SIZE)).max(1)
    };
    let page_u64 = u64::from(page);
    let full_page = records.len() == PAGE_SIZE as usize;
    let list = ListPage {
        chrome: visitor.chrome(t.get("movements-title")),
        states: MovementState::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str().to_string(),
                    state_name(t, *s),
                    q.state == s.as_str(),
                )
            })
            .collect(),
        lrn: q.lrn.clone(),
        mrn: q.mrn.clone(),
        since: q.since.clone(),
        rows,
        count_text: if more {
            t.arg(
                "movements-count-more",
                "count",
                t.count(MovementFilter::COUNT_LIMIT),
            )
        } else {
            t.arg("movements-count", "count", total)
        },
        page_text: if more {
            t.arg("movements-page-only", "page", page_u64)
        } else {
            t.arg2("movements-page", ("page", page_u64), ("pages", pages))
        },
        previous: (page > 1).then(|| page_link(&q, page - 1)),
        next: (page_u64 < pages && (!more || full_page)).then(|| page_link(&q, page + 1)),
        error,
    };
    render(&visitor, StatusCode::OK, &list)
}

/// An error of a use case as a page.
pub fn app_error(visitor: &Visitor, e: AppError) -> Response {
    let t = &visitor.t;
    match e {
        AppError::NotFound(_) => {
            error_page(visitor, StatusCode::NOT_FOUND, t.get("error-not-found"))
        }
        AppError::Forbidden(_) => error_page(visitor, StatusCode::FORBIDDEN, t.get("not-allowed")),
        other => {
            tracing::error!(error = %other, "page failed");
            error_page(
                visitor,
                StatusCode::INTERNAL_SERVER_ERROR,
                t.get("error-title"),
            )
        }
    }
}

/// One entry of a movement's history.
pub struct Entry {
    seq: i64,
    when: String,
    office: String,
    what: String,
    direction: String,
    href: Option<String>,
}

/// A labelled value of the summary.
pub struct Fact {
    label: String,
    value: String,
}

/// The movement page.
#[derive(Template)]
#[template(path = "movement.html")]
struct MovementPage {
    chrome: Chrome,
    heading: String,
    facts: Vec<Fact>,
    entries: Vec<Entry>,
    /// For officers: the customs actions that name only the office, and the offices of the
    /// officer's country on the route (empty for traders).
    actions: Vec<(&'static str, String)>,
    offices: Vec<(String, String)>,
    action_path: String,
    error: Option<String>,
    control_types: Vec<(&'static str, String)>,
    results: Vec<(&'static str, String)>,
    /// For the holder's traders: amend (before a control is decided) and ask to cancel (before
    /// release).
    may_amend: bool,
    may_cancel: bool,
    id: Uuid,
    /// For officers: CATS's risk selection at each office and why.
    risk: Vec<super::risk::RiskRow>,
    /// For officers: releasing needs the reason for not doing the control CATS selected.
    override_needed: bool,
    /// The control records.
    controls: Vec<super::controls::ControlRow>,
    /// Finding kinds for the control record form.
    finding_kinds: Vec<(&'static str, String)>,
    /// For officers of the office of departure's country: the holder asked to cancel.
    cancellation_pending: bool,
    /// The declaration as lodged (last amended), group by group.
    declaration: Vec<super::std_read::Block>,
    /// Once released for transit: where to print the TAD.
    tad: Option<String>,
}

/// The customs actions the movement page offers (those whose request names only the office).
pub const PAGE_ACTIONS: [&str; 7] = [
    "release",
    "exit",
    "entry",
    "arrival",
    "goods-release",
    "resolve-discrepancies",
    "recovery",
];

/// The office a message or action is about: the one named in a customs action's body, the office
/// of destination (actual, else declared) for arrival messages, else the office of departure.
fn office_of(record: &MovementRecord, msg: &StoredMessage) -> OfficeRef {
    let m = &record.movement;
    if msg.direction == Direction::Customs {
        if let Some(office) = serde_json::from_str::<serde_json::Value>(&msg.body)
            .ok()
            .and_then(|v| {
                v.get("office")
                    .and_then(|o| o.as_str())
                    .and_then(|o| o.parse().ok())
            })
        {
            return office;
        }
    }
    let at_destination = ["CC007C", "CC043C", "CC044C", "CC025C", "CC057C", "CC019C"];
    if at_destination.contains(&msg.message_type.as_str()) {
        return m
            .arrival_office
            .clone()
            .unwrap_or_else(|| m.office_of_destination.clone());
    }
    m.office_of_departure.clone()
}

fn local(t: &Tr, catalog: &Catalog, office: &OfficeRef, at: DateTime<Utc>) -> String {
    t.time(at, catalog.zone_of(office))
}

/// `GET /ui/movements/{id}`: the movement, its summary and its history.
pub async fn show(State(app): State<App>, visitor: Visitor, Path(id): Path<Uuid>) -> Response {
    movement_page(&app, &visitor, id, StatusCode::OK, None).await
}

/// The movement page with `status`, and an error to show above the actions.
pub async fn movement_page(
    app: &App,
    visitor: &Visitor,
    id: Uuid,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let Some(user) = visitor.user().cloned() else {
        return to_sign_in();
    };
    if !sees_movements(visitor) {
        return error_page(visitor, StatusCode::FORBIDDEN, visitor.t.get("not-allowed"));
    }
    let officer_country = (user.role == Role::Officer)
        .then_some(user.office_country)
        .flatten();
    let trader = user.role == Role::Trader;
    let (record, messages) =
        match query::movement_messages(app, &cats_app::Actor::User(user.clone()), id).await {
            Ok(found) => found,
            Err(e) => return app_error(visitor, e),
        };
    let t = &visitor.t;
    let catalog = app.catalog();
    let m = &record.movement;
    let label = |o: &OfficeRef| office_label(&catalog, t, o);
    let join = |list: &[OfficeRef]| list.iter().map(label).collect::<Vec<_>>().join("; ");
    let fact = |key: &str, value: String| Fact {
        label: t.get(key),
        value,
    };
    let mut facts = vec![
        fact("col-lrn", m.lrn.to_string()),
        fact(
            "col-mrn",
            m.mrn
                .as_ref()
                .map(|x| x.to_string())
                .unwrap_or_else(|| "—".into()),
        ),
        fact("col-state", state_name(t, m.state)),
        fact("movement-holder", m.holder.to_string()),
        fact("col-departure", label(&m.office_of_departure)),
        fact("movement-transit", join(&m.offices_of_transit)),
        fact("movement-exit", join(&m.offices_of_exit)),
        fact("col-destination", label(&m.office_of_destination)),
        fact(
            "movement-guarantee",
            m.guarantees
                .iter()
                .map(|g| format!("{} · {}", g.grn, t.money(&g.amount)))
                .collect::<Vec<_>>()
                .join("; "),
        ),
    ];
    if let Some(at) = m.released_at {
        facts.push(fact(
            "movement-released",
            local(t, &catalog, &m.office_of_departure, at),
        ));
    }
    if let (Some(reason), Some(_)) = (&m.release_override, officer_country) {
        facts.push(fact("movement-override", reason.clone()));
    }
    // ICE: a copy of a peer's movement; guarantees held by peer nodes; a release waiting.
    for (key, value) in super::movement_ice::facts(t, m) {
        facts.push(fact(key, value));
    }
    if let Some(limit) = m.time_limit {
        facts.push(fact(
            "movement-time-limit",
            local(t, &catalog, &m.office_of_departure, limit),
        ));
    }
    let entries = messages
        .iter()
        .map(|msg| {
            let office = office_of(&record, msg);
            Entry {
                seq: msg.seq,
                when: local(t, &catalog, &office, msg.received),
                office: label(&office),
                what: history_name(t, msg),
                direction: t.get(match msg.direction {
                    Direction::Inbound => "direction-inbound",
                    Direction::Outbound => "direction-outbound",
                    Direction::Customs => "direction-customs",
                }),
                href: (msg.direction != Direction::Customs)
                    .then(|| format!("/ui/movements/{}/messages/{}", record.id, msg.id)),
            }
        })
        .collect();
    let heading = t.arg(
        "movement-title",
        "id",
        m.mrn
            .as_ref()
            .map(|x| x.to_string())
            .unwrap_or_else(|| m.lrn.to_string()),
    );
    let mut offices: Vec<(String, String)> = Vec::new();
    if let Some(country) = officer_country {
        let route = std::iter::once(&m.office_of_departure)
            .chain(&m.offices_of_exit)
            .chain(&m.offices_of_transit)
            .chain(std::iter::once(&m.office_of_destination));
        for o in route.filter(|o| o.country() == country && user.acts_at(o, &catalog)) {
            if !offices.iter().any(|(code, _)| code == o.as_str()) {
                offices.push((o.to_string(), label(o)));
            }
        }
    }
    let actions = if offices.is_empty() {
        Vec::new()
    } else {
        PAGE_ACTIONS
            .iter()
            .map(|a| (*a, t.get(&format!("action-{a}"))))
            .collect()
    };
    let page = MovementPage {
        chrome: visitor.chrome(heading.clone()),
        heading,
        facts,
        entries,
        actions,
        offices,
        action_path: format!("/ui/movements/{id}/customs"),
        error,
        control_types: ["documentary", "physical", "scanning", "seals"]
            .into_iter()
            .map(|c| (c, t.get(&format!("control-{c}"))))
            .collect(),
        results: ["A1", "A2", "A3", "B1"]
            .into_iter()
            .map(|r| (r, t.get(&format!("result-{r}"))))
            .collect(),
        may_amend: trader && super::holder::may_amend(m.state),
        may_cancel: trader && m.state.is_before_release(),
        id,
        risk: if officer_country.is_some() {
            super::risk::risk_rows(t, &catalog, m)
        } else {
            Vec::new()
        },
        override_needed: officer_country.is_some()
            && m.state == MovementState::Accepted
            && m.selected_at_departure(),
        controls: super::controls::control_rows(t, &catalog, &record, &user),
        finding_kinds: super::controls::finding_kinds(t),
        cancellation_pending: m.cancellation_requested
            && officer_country == Some(m.office_of_departure.country()),
        declaration: super::std_read::blocks(
            t,
            &catalog,
            &super::std_form::fields_of(&record.declaration),
        ),
        tad: m.released_at.map(|_| format!("/ui/movements/{id}/tad")),
    };
    render(visitor, status, &page)
}

/// What an entry of the history is: an NCTS message's type (`CC029C`), or a customs action in
/// the language's words with its name (`release`).
fn history_name(t: &Tr, msg: &StoredMessage) -> String {
    const ACTIONS: [&str; 16] = [
        "release_requested",
        "control_decision",
        "control_result",
        "release",
        "reservation_failed",
        "exit",
        "entry",
        "incident",
        "arrival",
        "goods_release",
        "resolve_discrepancies",
        "cancellation_request",
        "cancellation_decision",
        "time_limit_expired",
        "recovery",
        "presentation_notification",
    ];
    let name = msg.message_type.as_str();
    if msg.direction == Direction::Customs && ACTIONS.contains(&name) {
        format!(
            "{} ({name})",
            t.get(&format!("history-{}", name.replace('_', "-")))
        )
    } else if let Some(kind) = cats_app::ice::IceType::parse(name) {
        // An ICE message: its code and its name in the specification (`docs/ice/`).
        format!("{name} · {}", kind.name())
    } else {
        name.to_string()
    }
}

/// The message page.
#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    chrome: Chrome,
    heading: String,
    back: String,
    xml: String,
}

/// `GET /ui/movements/{id}/messages/{messageId}`: one message as NCTS XML.
pub async fn message(
    State(app): State<App>,
    visitor: Visitor,
    Path((id, message_id)): Path<(Uuid, Uuid)>,
) -> Response {
    let Some(user) = visitor.user().cloned() else {
        return to_sign_in();
    };
    if !sees_movements(&visitor) {
        return error_page(
            &visitor,
            StatusCode::FORBIDDEN,
            visitor.t.get("not-allowed"),
        );
    }
    let (_, messages) = match query::movement_messages(&app, &cats_app::Actor::User(user), id).await
    {
        Ok(found) => found,
        Err(e) => return app_error(&visitor, e),
    };
    let t = &visitor.t;
    let Some(msg) = messages.iter().find(|m| m.id == message_id) else {
        return error_page(&visitor, StatusCode::NOT_FOUND, t.get("error-not-found"));
    };
    let xml = crate::handlers::departures::message_xml(msg).unwrap_or_else(|| msg.body.clone());
    let heading = t.arg("message-title", "type", &msg.message_type);
    let page = MessagePage {
        chrome: visitor.chrome(heading.clone()),
        heading,
        back: format!("/ui/movements/{id}"),
        xml,
    };
    render(&visitor, StatusCode::OK, &page)
}
