//! The reports page (`/ui/reports`, issue 17): the KPI dashboard (the four KPIs of the CATS
//! pilots over a chosen period and country, each with its definition, its inputs and a trend
//! chart), the management and statistical reports the user may see, the custom report builder,
//! and the saved custom reports. One report is shown by [`super::report_view`].

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;

use cats_app::auth::Role;
use cats_app::reports::catalogue::ReportName;
use cats_app::reports::kpi::{kpi, Kpi};
use cats_app::reports::saved;
use cats_app::{Actor, App, AppError};
use cats_documents::chart::{self, ChartText};
use cats_domain::reports::cube::{Dimension, Measure};
use cats_domain::reports::{ChartKind, Period};

use super::chrome::{error_page, render, to_sign_in, Chrome, Visitor};
use super::i18n::Tr;
use super::movements::app_error;
use crate::handlers::reports::ReportQuery;
use crate::report_files as files;

/// One KPI on the dashboard.
pub struct KpiCard {
    id: &'static str,
    name: String,
    value: String,
    definition: String,
    inputs: String,
    chart: String,
}

/// A link to a report.
pub struct ReportLink {
    href: String,
    title: String,
    about: String,
}

/// A saved custom report.
pub struct SavedLink {
    href: String,
    delete: String,
    name: String,
    owner: String,
    shared: String,
    mine: bool,
}

/// A checkbox of the builder.
pub struct Choice {
    value: &'static str,
    label: String,
}

/// The page.
#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    chrome: Chrome,
    from: String,
    to: String,
    country: String,
    admin: bool,
    period_text: String,
    scope: String,
    cards: Vec<KpiCard>,
    kpi_downloads: Vec<(String, String)>,
    management: Vec<ReportLink>,
    statistical: Vec<ReportLink>,
    saved: Vec<SavedLink>,
    dimensions: Vec<Choice>,
    measures: Vec<Choice>,
}

/// The query string's pairs (a key may repeat).
pub fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// The first value of `name`.
pub fn one(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .filter(|v| !v.trim().is_empty())
}

/// The report query of the page's query string.
pub fn report_query(pairs: &[(String, String)]) -> ReportQuery {
    ReportQuery {
        from: one(pairs, "from"),
        to: one(pairs, "to"),
        country: one(pairs, "country"),
        by: one(pairs, "by"),
        per: one(pairs, "per"),
        format: one(pairs, "format"),
    }
}

/// An API error's message, for a page.
pub fn message(e: crate::error::ApiError) -> String {
    e.1["message"].as_str().unwrap_or("bad request").to_string()
}

fn trend_chart(
    t: &Tr,
    k: &Kpi,
    pick: impl Fn(&cats_app::reports::kpi::TrendPoint) -> Option<f64>,
) -> String {
    let points: Vec<(String, Option<f64>)> = k
        .trend
        .iter()
        .map(|p| (p.from.format("%m-%d").to_string(), pick(p)))
        .collect();
    chart::svg(
        ChartKind::Line,
        &points,
        &ChartText {
            title: String::new(),
            x_label: t.get("kpi-trend"),
            y_label: String::new(),
        },
        // Drawn small, so that its words stay readable in a card a quarter of the page wide.
        320,
        170,
    )
    .unwrap_or_default()
}

fn cards(t: &Tr, k: &Kpi) -> Vec<KpiCard> {
    let pct = |x: Option<f64>| x.map_or_else(|| t.get("kpi-none"), |x| t.percent(x));
    let a = &k.adherence;
    let c = &k.communication;
    let d = &k.downtime;
    let mut out = vec![KpiCard {
        id: "adherence",
        name: t.get("kpi-adherence"),
        value: pct(k.adherence_rate),
        definition: t.get("kpi-adherence-definition"),
        inputs: t.args(
            "kpi-adherence-inputs",
            &[
                ("released", a.released.to_string()),
                ("inTime", a.arrived_in_time.to_string()),
                ("late", a.arrived_late.to_string()),
                ("overdue", a.overdue.to_string()),
                ("enRoute", a.en_route.to_string()),
            ],
        ),
        chart: trend_chart(t, k, |p| p.adherence_rate.map(|x| x * 100.0)),
    }];
    if let Some(ci) = &k.control {
        let e = &ci.efficiency;
        out.push(KpiCard {
            id: "control",
            name: t.get("kpi-control"),
            value: k
                .control_efficiency
                .map_or_else(|| t.get("kpi-none"), |x| t.number(x, 2)),
            definition: t.get("kpi-control-definition"),
            inputs: t.args(
                "kpi-control-inputs",
                &[
                    ("assessments", e.assessments.to_string()),
                    ("controlRate", t.percent(e.control_rate)),
                    ("hitRate", t.percent(e.hit_rate)),
                    ("caught", t.percent(e.findings_caught)),
                ],
            ),
            chart: trend_chart(t, k, |p| p.control_efficiency),
        });
    }
    out.push(KpiCard {
        id: "communication",
        name: t.get("kpi-communication"),
        value: pct(k.communication_efficiency),
        definition: t.arg("kpi-communication-definition", "seconds", c.target_seconds),
        inputs: t.args(
            "kpi-communication-inputs",
            &[
                ("messages", c.messages.to_string()),
                ("within", c.within_target.to_string()),
                ("ice", c.ice_messages.to_string()),
                ("push", c.push_messages.to_string()),
                (
                    "records",
                    c.anticipated_records_seconds
                        .median
                        .map_or_else(|| t.get("kpi-none"), |s| t.number(s, 1)),
                ),
            ],
        ),
        chart: trend_chart(t, k, |p| p.communication_efficiency.map(|x| x * 100.0)),
    });
    out.push(KpiCard {
        id: "downtime",
        name: t.get("kpi-downtime"),
        value: t.arg("kpi-seconds", "seconds", k.downtime_seconds),
        definition: t.get("kpi-downtime-definition"),
        inputs: t.args(
            "kpi-downtime-inputs",
            &[
                ("starts", d.starts.to_string()),
                ("crashes", d.crashes.to_string()),
                (
                    "availability",
                    d.availability
                        .map_or_else(|| t.get("kpi-none"), |x| t.percent(x)),
                ),
            ],
        ),
        chart: trend_chart(t, k, |p| Some(p.downtime_seconds as f64)),
    });
    out
}

/// The query string that keeps the period and country, for links.
pub fn keep(q: &ReportQuery, period: &Period) -> String {
    let mut s = format!("from={}&to={}", period.from, period.to);
    if let Some(c) = &q.country {
        s.push_str(&format!("&country={c}"));
    }
    s
}

/// `GET /ui/reports?from=&to=&country=&format=`: the page, or the KPIs as a file.
pub async fn index(State(app): State<App>, visitor: Visitor, RawQuery(raw): RawQuery) -> Response {
    let Some(user) = visitor.user().cloned() else {
        return to_sign_in();
    };
    let t = &visitor.t;
    let pairs = pairs(raw.as_deref());
    let q = report_query(&pairs);
    let actor = Actor::User(user.clone());
    let (period, country, format) = match (q.period(), q.country(), q.format()) {
        (Ok(p), Ok(c), Ok(f)) => (p, c, f),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            return error_page(&visitor, StatusCode::BAD_REQUEST, message(e))
        }
    };
    let k = match kpi(&app, &actor, period, country, Utc::now()).await {
        Ok(k) => k,
        Err(e) => return app_error(&visitor, e),
    };
    if one(&pairs, "format").is_some() {
        return files::kpi_response(t, &k, format);
    }
    let saved = match saved::list(&app, &actor).await {
        Ok(s) => s,
        Err(e) => return app_error(&visitor, e),
    };
    let kept = keep(&q, &period);
    let link = |r: ReportName| ReportLink {
        href: format!("/ui/reports/{}?{kept}", r.as_str()),
        title: files::title(t, r.as_str()),
        about: t.get(&format!("report-{}-about", r.as_str())),
    };
    let visible: Vec<ReportName> = ReportName::ALL
        .into_iter()
        .filter(|r| r.visible_to(user.role))
        .collect();
    let view = ReportsPage {
        chrome: visitor.chrome(t.get("reports-title")),
        from: period.from.to_string(),
        to: period.to.to_string(),
        country: q.country.clone().unwrap_or_default(),
        admin: user.role == Role::Admin,
        period_text: format!("{} – {}", period.from, period.to),
        scope: files::scope_text(t, &k.scope),
        kpi_downloads: ["csv", "xlsx", "pdf", "json"]
            .into_iter()
            .map(|f| (f.to_uppercase(), format!("/ui/reports?{kept}&format={f}")))
            .collect(),
        cards: cards(t, &k),
        management: visible
            .iter()
            .filter(|r| r.is_management())
            .map(|r| link(*r))
            .collect(),
        statistical: visible
            .iter()
            .filter(|r| !r.is_management())
            .map(|r| link(*r))
            .collect(),
        saved: saved
            .iter()
            .map(|s| SavedLink {
                href: format!("/ui/reports/saved/{}?{kept}", s.id),
                delete: format!("/ui/reports/saved/{}/delete", s.id),
                name: s.name.clone(),
                owner: s.owner.clone(),
                shared: t.get(&format!("report-shared-{}", s.shared.as_str())),
                mine: s.owner == user.username,
            })
            .collect(),
        dimensions: Dimension::ALL
            .into_iter()
            .map(|d| Choice {
                value: d.name(),
                label: files::column_label(t, d.key()),
            })
            .collect(),
        measures: Measure::ALL
            .into_iter()
            .map(|m| Choice {
                value: m.name(),
                label: files::column_label(t, m.key()),
            })
            .collect(),
    };
    render(&visitor, StatusCode::OK, &view)
}

/// A use case's refusal on a report page: the message of a bad definition, else the usual page.
pub fn refused(visitor: &Visitor, e: AppError) -> Response {
    match e {
        AppError::Invalid(why) => error_page(visitor, StatusCode::BAD_REQUEST, why),
        other => app_error(visitor, other),
    }
}
