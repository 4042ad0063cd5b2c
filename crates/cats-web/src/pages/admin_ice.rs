//! The administrator's ICE page (`/ui/admin/ice`, issue 12): this node and the countries it
//! hosts, each peer with its delivery figures (waiting, delivered, refused, retried, received,
//! longest delivery, last error) and its announced unavailability, the latest messages sent and
//! received, and the forms that announce this node's own maintenance window to the peers
//! (CD070C) and its end (CD071C).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;

use cats_app::auth::Role;
use cats_app::ice::status::{status, IceStatus};
use cats_app::ice::unavailability::{self, Unavailability};
use cats_app::ice::IceType;
use cats_app::{Actor, App, AppError};

use super::chrome::{csrf_refused, error_page, render, to_sign_in, Chrome, Visitor};
use super::movements::app_error;

/// One peer in the table.
pub struct PeerRow {
    node: String,
    countries: String,
    pending: i64,
    delivered: i64,
    refused: i64,
    retried: i64,
    received: i64,
    lag: String,
    last_error: String,
    announced: String,
}

/// One message in a list.
pub struct MessageRow {
    kind: String,
    correlation: String,
    peer: String,
    status: String,
    attempts: String,
    at: String,
}

/// The page.
#[derive(Template)]
#[template(path = "admin_ice.html")]
struct IcePage {
    chrome: Chrome,
    node: Option<String>,
    peers: Vec<PeerRow>,
    /// The latest messages sent, then received, each with its title.
    lists: Vec<(String, Vec<MessageRow>)>,
    notice: Option<String>,
    error: Option<String>,
}

fn admin(visitor: &Visitor) -> Result<Actor, Box<Response>> {
    match visitor.user() {
        None => Err(Box::new(to_sign_in())),
        Some(u) if u.role == Role::Admin => Ok(Actor::User(u.clone())),
        Some(_) => Err(Box::new(error_page(
            visitor,
            StatusCode::FORBIDDEN,
            visitor.t.get("not-allowed"),
        ))),
    }
}

fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// `CD050C Anticipated transit record (ATR)`.
fn named(code: &str) -> String {
    IceType::parse(code).map_or(code.to_string(), |t| format!("{code} {}", t.name()))
}

fn rows(s: &IceStatus, t: &super::i18n::Tr) -> (Vec<PeerRow>, Vec<MessageRow>, Vec<MessageRow>) {
    let mut nodes: Vec<&cats_domain::ids::NodeId> = s.peers.iter().map(|p| &p.node).collect();
    nodes.sort();
    nodes.dedup();
    let peers = nodes
        .into_iter()
        .map(|node| {
            let q = s.queues.iter().find(|q| &q.peer == node);
            let countries: Vec<String> = s
                .peers
                .iter()
                .filter(|p| &p.node == node)
                .map(|p| p.country.to_string())
                .collect();
            let announced = s.announced.iter().find(|a| &a.peer == node).map_or_else(
                || t.get("ice-none"),
                |a| {
                    t.args(
                        "ice-window",
                        &[
                            ("from", utc(a.window.from)),
                            ("to", utc(a.window.to)),
                            ("reason", a.window.reason.clone()),
                        ],
                    )
                },
            );
            PeerRow {
                node: node.to_string(),
                countries: countries.join(", "),
                pending: q.map_or(0, |q| q.pending),
                delivered: q.map_or(0, |q| q.delivered),
                refused: q.map_or(0, |q| q.refused),
                retried: q.map_or(0, |q| q.retried),
                received: q.map_or(0, |q| q.received),
                lag: q
                    .and_then(|q| q.max_lag_ms)
                    .map_or_else(|| "–".into(), |ms| ms.to_string()),
                last_error: q.and_then(|q| q.last_error.clone()).unwrap_or_default(),
                announced,
            }
        })
        .collect();
    let sent = s
        .outbox
        .iter()
        .map(|m| MessageRow {
            kind: named(&m.message_type),
            correlation: m.correlation.clone(),
            peer: m.peer.to_string(),
            status: format!("{:?}", m.status).to_lowercase(),
            attempts: m.attempts.to_string(),
            at: utc(m.settled_at.unwrap_or(m.created_at)),
        })
        .collect();
    let received = s
        .inbox
        .iter()
        .map(|m| MessageRow {
            kind: named(&m.message_type),
            correlation: m.correlation.clone(),
            peer: m.peer.to_string(),
            status: m.outcome.clone(),
            attempts: String::new(),
            at: utc(m.received_at),
        })
        .collect();
    (peers, sent, received)
}

async fn page(
    app: &App,
    visitor: &Visitor,
    code: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let actor = match admin(visitor) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let t = &visitor.t;
    let s = match status(app, &actor, Utc::now()).await {
        Ok(s) => s,
        Err(e) => return app_error(visitor, e),
    };
    let (peers, sent, received) = rows(&s, t);
    let node = s.node.as_ref().map(|n| {
        let hosted: Vec<String> = s.hosted.iter().map(ToString::to_string).collect();
        t.arg2(
            "ice-node",
            ("node", n.to_string()),
            ("countries", hosted.join(", ")),
        )
    });
    let page = IcePage {
        chrome: visitor.chrome(t.get("ice-title")),
        node,
        peers,
        lists: vec![(t.get("ice-out"), sent), (t.get("ice-in"), received)],
        notice,
        error,
    };
    render(visitor, code, &page)
}

/// `GET /ui/admin/ice`.
pub async fn show(State(app): State<App>, visitor: Visitor) -> Response {
    page(&app, &visitor, StatusCode::OK, None, None).await
}

/// The announcement form (`datetime-local` values, read as UTC).
#[derive(Debug, Deserialize)]
pub struct AnnounceForm {
    csrf: String,
    from: String,
    to: String,
    reason: String,
}

fn at(value: &str) -> Option<DateTime<Utc>> {
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(value.trim(), f).ok())
        .map(|n| n.and_utc())
}

async fn told(
    app: &App,
    visitor: &Visitor,
    result: Result<Vec<cats_domain::ids::NodeId>, AppError>,
) -> Response {
    match result {
        Ok(peers) => {
            let names: Vec<String> = peers.iter().map(ToString::to_string).collect();
            let notice = visitor.t.arg("ice-told", "peers", names.join(", "));
            page(app, visitor, StatusCode::OK, Some(notice), None).await
        }
        Err(AppError::Invalid(why)) => {
            page(app, visitor, StatusCode::BAD_REQUEST, None, Some(why)).await
        }
        Err(e) => app_error(visitor, e),
    }
}

/// `POST /ui/admin/ice/unavailability`: announce a window (CD070C).
pub async fn announce(
    State(app): State<App>,
    visitor: Visitor,
    Form(f): Form<AnnounceForm>,
) -> Response {
    let actor = match admin(&visitor) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    if !visitor.csrf_ok(&f.csrf) {
        return csrf_refused(&visitor);
    }
    let (Some(from), Some(to)) = (at(&f.from), at(&f.to)) else {
        let why = visitor.t.get("ice-bad-time");
        return page(&app, &visitor, StatusCode::BAD_REQUEST, None, Some(why)).await;
    };
    let window = Unavailability {
        from,
        to,
        reason: f.reason.trim().to_string(),
    };
    let result = unavailability::announce(&app, &actor, window, Utc::now()).await;
    told(&app, &visitor, result).await
}

/// A form that carries only its CSRF token.
#[derive(Debug, Deserialize)]
pub struct BackForm {
    csrf: String,
}

/// `POST /ui/admin/ice/peers/{node}/retry`: the messages waiting for that peer due now.
pub async fn retry(
    State(app): State<App>,
    visitor: Visitor,
    axum::extract::Path(node): axum::extract::Path<String>,
    Form(f): Form<BackForm>,
) -> Response {
    let actor = match admin(&visitor) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    if !visitor.csrf_ok(&f.csrf) {
        return csrf_refused(&visitor);
    }
    let Ok(node) = cats_domain::ids::NodeId::parse(&node) else {
        return page(&app, &visitor, StatusCode::NOT_FOUND, None, None).await;
    };
    match unavailability::retry_now(&app, &actor, &node, Utc::now()).await {
        Ok(n) => {
            let notice = visitor.t.arg2(
                "ice-retried-now",
                ("count", n.to_string()),
                ("node", node.to_string()),
            );
            page(&app, &visitor, StatusCode::OK, Some(notice), None).await
        }
        Err(e) => app_error(&visitor, e),
    }
}

/// `POST /ui/admin/ice/available`: tell the peers this node is back (CD071C).
pub async fn back(State(app): State<App>, visitor: Visitor, Form(f): Form<BackForm>) -> Response {
    let actor = match admin(&visitor) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    if !visitor.csrf_ok(&f.csrf) {
        return csrf_refused(&visitor);
    }
    let result = unavailability::back(&app, &actor, Utc::now()).await;
    told(&app, &visitor, result).await
}
