//! One report on a page (issue 17): a management or statistical report by name
//! (`/ui/reports/{name}`), a custom report previewed from the builder (`/ui/reports/custom`), or
//! a saved one (`/ui/reports/saved/{id}`); each with its chart, its table, the period form and
//! its downloads (CSV, XLSX, PDF, JSON: the same URL with `format=`). A previewed custom report
//! can be saved, private or shared; its owner deletes a saved one.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use uuid::Uuid;

use cats_app::auth::Role;
use cats_app::reports::catalogue::{self, Made, ReportName};
use cats_app::reports::saved;
use cats_app::reports::store::Sharing;
use cats_app::{Actor, App};
use cats_domain::reports::cube::{Definition, Dimension, Filters, Measure};
use cats_domain::reports::ColumnKind;

use super::chrome::{error_page, render, to_sign_in, Chrome, Visitor};
use super::notifications::{checked_form, field};
use super::reports::{keep, message, one, pairs, refused, report_query};
use crate::report_files as files;

/// Saving a previewed custom report.
pub struct SaveForm {
    hidden: Vec<(String, String)>,
    sharing: Vec<(&'static str, String)>,
}

/// The page.
#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    chrome: Chrome,
    subtitle: String,
    action: String,
    from: String,
    to: String,
    country: String,
    admin: bool,
    hidden: Vec<(String, String)>,
    volumes: Option<(String, String)>,
    downloads: Vec<(String, String)>,
    chart: Option<String>,
    columns: Vec<(String, bool)>,
    rows: Vec<Vec<String>>,
    save: Option<SaveForm>,
    delete: Option<String>,
}

fn show(
    visitor: &Visitor,
    made: &Made,
    caption: String,
    action: String,
    pairs: &[(String, String)],
    save: Option<SaveForm>,
    delete: Option<String>,
) -> Response {
    let t = &visitor.t;
    let q = report_query(pairs);
    // Everything but the period, the country and the format travels with the period form and
    // the downloads (a custom report's dimensions and measures, the volumes' by and per).
    let hidden: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "from" | "to" | "country" | "format" | "by" | "per"
            )
        })
        .cloned()
        .collect();
    let mut query = keep(&q, &made.period);
    for (k, v) in hidden
        .iter()
        .chain(pairs.iter().filter(|(k, _)| k == "by" || k == "per"))
    {
        query.push_str(&format!(
            "&{}={}",
            k,
            url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
        ));
    }
    let shown = files::for_people(t, &made.table);
    let view = ReportPage {
        chrome: visitor.chrome(caption.clone()),
        subtitle: files::subtitle(t, made),
        action: action.clone(),
        from: made.period.from.to_string(),
        to: made.period.to.to_string(),
        country: q.country.clone().unwrap_or_default(),
        admin: visitor.user().is_some_and(|u| u.role == Role::Admin),
        hidden,
        volumes: (made.name == "volumes").then(|| {
            (
                q.by.clone().unwrap_or_else(|| "route".into()),
                q.per.clone().unwrap_or_else(|| "month".into()),
            )
        }),
        downloads: ["csv", "xlsx", "pdf", "json"]
            .into_iter()
            .map(|f| (f.to_uppercase(), format!("{action}?{query}&format={f}")))
            .collect(),
        chart: files::chart_svg(t, &shown, &caption),
        columns: shown
            .columns
            .iter()
            .map(|c| (files::column_label(t, c.key), c.kind != ColumnKind::Text))
            .collect(),
        rows: shown
            .rows
            .iter()
            .map(|r| r.iter().map(|c| files::display(t, c)).collect())
            .collect(),
        save,
        delete,
    };
    render(visitor, StatusCode::OK, &view)
}

/// The period and format asked for, or the page saying what is wrong.
fn period_and_format(
    visitor: &Visitor,
    q: &crate::handlers::reports::ReportQuery,
) -> Result<(cats_domain::reports::Period, files::Format), Box<Response>> {
    match (q.period(), q.format()) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(e), _) | (_, Err(e)) => Err(Box::new(error_page(
            visitor,
            StatusCode::BAD_REQUEST,
            message(e),
        ))),
    }
}

fn signed_in(visitor: &Visitor) -> Option<Actor> {
    visitor.user().map(|u| Actor::User(u.clone()))
}

/// `GET /ui/reports/{name}?from=&to=&country=&by=&per=&format=`.
pub async fn report(
    State(app): State<App>,
    visitor: Visitor,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(actor) = signed_in(&visitor) else {
        return to_sign_in();
    };
    let t = &visitor.t;
    let Some(report) = ReportName::parse(&name) else {
        return error_page(&visitor, StatusCode::NOT_FOUND, t.get("error-not-found"));
    };
    let pairs = pairs(raw.as_deref());
    let q = report_query(&pairs);
    let (query, format) = match (q.query(), q.format()) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            return error_page(&visitor, StatusCode::BAD_REQUEST, message(e))
        }
    };
    let made = match catalogue::run(&app, &actor, report, &query, Utc::now()).await {
        Ok(m) => m,
        Err(e) => return refused(&visitor, e),
    };
    let caption = files::title(t, &name);
    if one(&pairs, "format").is_some() {
        return files::respond(t, &made, &caption, format);
    }
    show(
        &visitor,
        &made,
        caption,
        format!("/ui/reports/{name}"),
        &pairs,
        None,
        None,
    )
}

/// The definition of the builder's fields: `d` (dimensions, in order), `m` (measures) and the
/// filters `f-country`, `f-office`, `f-state`, `f-hs`, `f-mode`. Errors: what does not parse.
pub fn definition(fields: &[(String, String)]) -> Result<Definition, String> {
    let mut d = Definition {
        dimensions: Vec::new(),
        measures: Vec::new(),
        filters: Filters::default(),
    };
    for (k, v) in fields {
        match k.as_str() {
            "d" => d
                .dimensions
                .push(Dimension::parse(v).ok_or_else(|| format!("{v}: not a dimension"))?),
            "m" => d
                .measures
                .push(Measure::parse(v).ok_or_else(|| format!("{v}: not a measure"))?),
            _ => {}
        }
    }
    let f = |name: &str| one(fields, name);
    d.filters.country = f("f-country")
        .map(|c| {
            c.trim()
                .to_uppercase()
                .parse()
                .map_err(|e| format!("{c}: {e}"))
        })
        .transpose()?;
    d.filters.office = f("f-office")
        .map(|o| {
            o.trim()
                .to_uppercase()
                .parse()
                .map_err(|e| format!("{o}: {e}"))
        })
        .transpose()?;
    d.filters.state = f("f-state")
        .map(|s| {
            cats_domain::movement::MovementState::parse(s.trim())
                .ok_or_else(|| format!("{s}: not a state"))
        })
        .transpose()?;
    d.filters.hs_chapter = f("f-hs").map(|s| s.trim().to_string());
    d.filters.transport_mode = f("f-mode").map(|s| s.trim().to_string());
    d.check().map_err(|e| e.to_string())?;
    Ok(d)
}

/// `GET /ui/reports/custom?d=…&m=…&f-…=…&from=&to=&format=`: the builder's preview.
pub async fn custom(State(app): State<App>, visitor: Visitor, RawQuery(raw): RawQuery) -> Response {
    let Some(actor) = signed_in(&visitor) else {
        return to_sign_in();
    };
    let t = &visitor.t;
    let pairs = pairs(raw.as_deref());
    let q = report_query(&pairs);
    let d = match definition(&pairs) {
        Ok(d) => d,
        Err(why) => return error_page(&visitor, StatusCode::BAD_REQUEST, why),
    };
    let (period, format) = match period_and_format(&visitor, &q) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let made = match catalogue::custom(&app, &actor, &d, period, Utc::now()).await {
        Ok(m) => m,
        Err(e) => return refused(&visitor, e),
    };
    let caption = t.get("report-custom");
    if one(&pairs, "format").is_some() {
        return files::respond(t, &made, &caption, format);
    }
    let role = visitor.user().map(|u| u.role);
    let mut sharing = vec![("private", t.get("report-shared-private"))];
    match role {
        Some(Role::Trader | Role::Insurer) => {
            sharing.push(("company", t.get("report-shared-company")))
        }
        Some(Role::Officer) => {
            if visitor.user().is_some_and(|u| !u.offices.is_empty()) {
                sharing.push(("office", t.get("report-shared-office")));
            }
            sharing.push(("country", t.get("report-shared-country")))
        }
        _ => {}
    }
    let hidden = pairs
        .iter()
        .filter(|(k, _)| k == "d" || k == "m" || k.starts_with("f-"))
        .cloned()
        .collect();
    let save = SaveForm { hidden, sharing };
    show(
        &visitor,
        &made,
        caption,
        "/ui/reports/custom".into(),
        &pairs,
        Some(save),
        None,
    )
}

/// `POST /ui/reports/saved`: the form's `csrf`, `name`, `shared` and the builder's fields;
/// then to the saved report.
pub async fn save(State(app): State<App>, visitor: Visitor, body: String) -> Response {
    let Some(actor) = signed_in(&visitor) else {
        return to_sign_in();
    };
    let fields = match checked_form(&visitor, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let d = match definition(&fields) {
        Ok(d) => d,
        Err(why) => return error_page(&visitor, StatusCode::BAD_REQUEST, why),
    };
    let shared = field(&fields, "shared")
        .and_then(|s| Sharing::parse(&s))
        .unwrap_or(Sharing::Private);
    let name = field(&fields, "name").unwrap_or_default();
    match saved::save(&app, &actor, None, &name, shared, d, Utc::now()).await {
        Ok(r) => Redirect::to(&format!("/ui/reports/saved/{}", r.id)).into_response(),
        Err(e) => refused(&visitor, e),
    }
}

/// `GET /ui/reports/saved/{id}?from=&to=&format=`.
pub async fn show_saved(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<Uuid>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(actor) = signed_in(&visitor) else {
        return to_sign_in();
    };
    let t = &visitor.t;
    let pairs = pairs(raw.as_deref());
    let q = report_query(&pairs);
    let (period, format) = match period_and_format(&visitor, &q) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let r = match saved::get(&app, &actor, id).await {
        Ok(r) => r,
        Err(e) => return refused(&visitor, e),
    };
    let made = match catalogue::custom(&app, &actor, &r.definition, period, Utc::now()).await {
        Ok(m) => m,
        Err(e) => return refused(&visitor, e),
    };
    if one(&pairs, "format").is_some() {
        return files::respond(t, &made, &r.name, format);
    }
    let mine = visitor.user().is_some_and(|u| u.username == r.owner);
    show(
        &visitor,
        &made,
        r.name.clone(),
        format!("/ui/reports/saved/{id}"),
        &pairs,
        None,
        mine.then(|| format!("/ui/reports/saved/{id}/delete")),
    )
}

/// `POST /ui/reports/saved/{id}/delete`: the owner deletes it; back to the reports.
pub async fn delete_saved(
    State(app): State<App>,
    visitor: Visitor,
    Path(id): Path<Uuid>,
    body: String,
) -> Response {
    let Some(actor) = signed_in(&visitor) else {
        return to_sign_in();
    };
    if let Err(r) = checked_form(&visitor, &body) {
        return *r;
    }
    match saved::delete(&app, &actor, id).await {
        Ok(()) => Redirect::to("/ui/reports").into_response(),
        Err(e) => refused(&visitor, e),
    }
}
