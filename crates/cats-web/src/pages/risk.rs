//! The risk analyst's page: how CATS's selection did against the controls done (the confusion
//! matrix, the control-efficiency figures, control rates per office and hit rates per profile,
//! as `GET /risk/feedback`), and the risk profiles with their versions: add one, retire one (as
//! `/risk/profiles`). Only officers with the risk-analyst permission.

use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use chrono_tz::Tz;
use serde_json::{json, Map, Value};

use cats_app::auth::Role;
use cats_app::{risk_profiles, Actor, App, AppError};

use super::chrome::{csrf_refused, error_page, render, to_sign_in, Chrome, Visitor};
use super::i18n::Tr;
use super::movements::{app_error, office_label};
use cats_domain::reference::Catalog;

/// A figure and its label.
pub struct Figure {
    label: String,
    value: String,
}

/// An office's control rate.
pub struct OfficeRow {
    office: String,
    assessments: usize,
    selected: usize,
    percent: u32,
}

/// A profile's hit rate.
pub struct HitRow {
    profile: String,
    fired: usize,
    controls: usize,
    findings: usize,
    rate: String,
}

/// A profile's current version.
pub struct ProfileRow {
    id: String,
    version: i64,
    description: String,
    criteria: String,
    retired: bool,
    changed: String,
}

/// The page.
#[derive(Template)]
#[template(path = "risk.html")]
struct RiskPage {
    chrome: Chrome,
    movements: usize,
    /// Selected & controlled, selected & not, not selected & controlled, neither, overridden.
    matrix: [usize; 5],
    figures: Vec<Figure>,
    offices: Vec<OfficeRow>,
    hits: Vec<HitRow>,
    profiles: Vec<ProfileRow>,
    control_types: Vec<(&'static str, String)>,
    error: Option<String>,
}

async fn page(app: &App, visitor: &Visitor, status: StatusCode, error: Option<String>) -> Response {
    let Some(user) = visitor.user().cloned() else {
        return to_sign_in();
    };
    let t = &visitor.t;
    if user.role != Role::Officer || !user.risk_analyst {
        return error_page(visitor, StatusCode::FORBIDDEN, t.get("not-allowed"));
    }
    let actor = Actor::User(user.clone());
    let feedback = match risk_profiles::feedback(app, &actor, None).await {
        Ok(f) => f,
        Err(e) => return app_error(visitor, e),
    };
    let list = match risk_profiles::list(app, &actor).await {
        Ok(l) => l,
        Err(e) => return app_error(visitor, e),
    };
    let zone: Tz = super::company::user_zone(app, &user).await;
    let catalog = app.catalog();
    let c = &feedback.confusion;
    let e = &feedback.control_efficiency;
    let figure = |key: &str, value: String| Figure {
        label: t.get(key),
        value,
    };
    let figures = vec![
        figure("risk-assessments", e.assessments.to_string()),
        figure("risk-control-rate", t.percent(e.control_rate)),
        figure("risk-hit-rate", t.percent(e.hit_rate)),
        figure("risk-selected-hit-rate", t.percent(e.selected_hit_rate)),
        figure("risk-findings-caught", t.percent(e.findings_caught)),
        figure("risk-precision", t.percent(e.precision)),
        figure("risk-recall", t.percent(e.recall)),
        figure("risk-efficiency", t.number(e.control_efficiency, 2)),
    ];
    let offices = feedback
        .office_control_rates
        .iter()
        .map(|o| OfficeRow {
            office: office_label(&catalog, t, &o.office),
            assessments: o.assessments,
            selected: o.selected,
            percent: (o.control_rate * 100.0).round().clamp(0.0, 100.0) as u32,
        })
        .collect();
    let hits = feedback
        .profile_hit_rates
        .iter()
        .map(|h| HitRow {
            profile: h.profile.clone(),
            fired: h.fired,
            controls: h.controls,
            findings: h.findings,
            rate: t.percent(h.hit_rate),
        })
        .collect();
    let profiles = list
        .iter()
        .map(|v| ProfileRow {
            id: v.profile.id.clone(),
            version: v.version,
            description: v.profile.description.clone(),
            criteria: criteria(&v.profile),
            retired: v.retired,
            changed: format!("{} · {}", t.time(v.changed_at, zone), v.changed_by),
        })
        .collect();
    let page = RiskPage {
        chrome: visitor.chrome(t.get("risk-page-title")),
        movements: feedback.movements,
        matrix: [
            c.selected_controlled,
            c.selected_not_controlled,
            c.not_selected_controlled,
            c.not_selected_not_controlled,
            c.overridden,
        ],
        figures,
        offices,
        hits,
        profiles,
        control_types: control_types(t),
        error,
    };
    render(visitor, status, &page)
}

fn control_types(t: &Tr) -> Vec<(&'static str, String)> {
    ["documentary", "physical", "scanning", "seals"]
        .into_iter()
        .map(|c| (c, t.get(&format!("control-{c}"))))
        .collect()
}

/// A profile's criteria in short: the fields it sets, as the API writes them.
fn criteria(p: &cats_domain::risk::RiskProfile) -> String {
    let Ok(Value::Object(all)) = serde_json::to_value(p) else {
        return String::new();
    };
    all.into_iter()
        .filter(|(k, v)| {
            !matches!(k.as_str(), "id" | "description")
                && !v.is_null()
                && v.as_array().is_none_or(|a| !a.is_empty())
        })
        .map(|(k, v)| match v {
            Value::String(s) => format!("{k}: {s}"),
            other => format!("{k}: {other}"),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `GET /ui/risk`.
pub async fn show(State(app): State<App>, visitor: Visitor) -> Response {
    page(&app, &visitor, StatusCode::OK, None).await
}

fn list_of(text: &str) -> Value {
    Value::Array(
        text.split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Value::String(s.to_uppercase()))
            .collect(),
    )
}

/// `POST /ui/risk/profiles`: add a profile (`op=create`, its criteria as the form's fields:
/// lists comma-separated) or retire one (`op=retire`, `id`, `version`).
pub async fn profiles(
    State(app): State<App>,
    visitor: Visitor,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let Some(user) = visitor.user().cloned() else {
        return to_sign_in();
    };
    let form: std::collections::HashMap<String, String> = pairs.into_iter().collect();
    let get = |k: &str| {
        form.get(k)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    if !visitor.csrf_ok(&get("csrf")) {
        return csrf_refused(&visitor);
    }
    let actor = Actor::User(user);
    let now = Utc::now();
    let done = match get("op").as_str() {
        "retire" => {
            let expected = get("version").parse().ok();
            risk_profiles::retire(&app, &actor, &get("id"), expected, now)
                .await
                .map(|_| ())
        }
        "create" => {
            let mut raw = Map::new();
            raw.insert("id".into(), json!(get("id")));
            raw.insert("description".into(), json!(get("description")));
            for list in [
                "hs_prefixes",
                "countries_of_dispatch",
                "countries_of_destination",
                "countries_of_routing",
                "holders",
                "office_countries",
            ] {
                raw.insert(list.into(), list_of(&get(list)));
            }
            for number in ["min_mass_kg", "max_mass_kg", "min_value_per_kg"] {
                if let Ok(n) = get(number).replace(',', ".").parse::<f64>() {
                    raw.insert(number.into(), json!(n));
                }
            }
            if let Ok(score) = get("score").parse::<u32>() {
                raw.insert("score".into(), json!(score));
            }
            if !get("control_type").is_empty() {
                raw.insert("control_type".into(), json!(get("control_type")));
            }
            match risk_profiles::parse(Value::Object(raw)) {
                Ok(profile) => risk_profiles::create(&app, &actor, profile, now)
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            }
        }
        _ => Err(AppError::Invalid(visitor.t.get("action-unknown"))),
    };
    match done {
        Ok(()) => (StatusCode::SEE_OTHER, [(header::LOCATION, "/ui/risk")]).into_response(),
        Err(AppError::Invalid(why) | AppError::Refused(why)) => {
            let why = visitor.t.arg("action-refused", "why", why);
            page(&app, &visitor, StatusCode::BAD_REQUEST, Some(why)).await
        }
        Err(e) => app_error(&visitor, e),
    }
}

/// CATS's risk selection at one office, as officers see it (never the holder).
pub struct RiskRow {
    /// The office, labelled.
    pub office: String,
    /// Selected (for which control) or not.
    pub outcome: String,
    /// The reasons and the profiles that fired.
    pub why: String,
    /// Score, and the random draw against the office's rate.
    pub score: String,
}

/// CATS's risk selections of a movement, for officers.
pub fn risk_rows(t: &Tr, catalog: &Catalog, m: &cats_domain::movement::Movement) -> Vec<RiskRow> {
    m.risk
        .iter()
        .map(|s| RiskRow {
            office: office_label(catalog, t, &s.office),
            outcome: match (s.selected, s.control_type) {
                (true, Some(c)) => t.arg(
                    "risk-selected-for",
                    "control",
                    t.get(&format!("control-{}", c.as_str())),
                ),
                (true, None) => t.get("risk-selected"),
                (false, _) => t.get("risk-not-selected"),
            },
            why: {
                let mut why = s.reasons.clone();
                if !s.profiles.is_empty() {
                    why.push(t.arg("risk-profiles", "ids", s.profiles.join(", ")));
                }
                why.join("; ")
            },
            score: t.arg2(
                "risk-score",
                ("score", s.score),
                ("draw", format!("{:.3} / {:.3}", s.draw, s.rate)),
            ),
        })
        .collect()
}
