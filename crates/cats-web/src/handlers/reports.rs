//! Reports and the KPI dashboard over the API (issue 17). Every report answers
//! `?format=json|csv|xlsx|pdf` (default JSON) over `?from=&to=` (days, UTC; default the last 30
//! days), in the language of `Accept-Language`.
//!
//! * `GET /reports`: the reports the user may see, and its saved custom reports
//! * `GET /reports/kpi?from=&to=&country=`: the four KPIs with their inputs and trend
//! * `GET /reports/{name}?from=&to=&country=&by=&per=`: a management or statistical report
//! * `POST /reports/custom` {dimensions, measures, filters}: run a custom report
//! * `POST /reports/saved` {name, shared, definition}: save one (`201`)
//! * `GET /reports/saved/{id}`: run a saved one; `DELETE /reports/saved/{id}`: delete it

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use cats_app::reports::catalogue::{self, ReportName};
use cats_app::reports::store::Sharing;
use cats_app::reports::{kpi, saved};
use cats_app::App;
use cats_domain::ids::CountryCode;
use cats_domain::reports::cube::{Definition, Dimension};
use cats_domain::reports::Period;

use super::registrations::body;
use crate::error::ApiError;
use crate::pages::i18n::{negotiate, Tr};
use crate::principal::Principal;
use crate::report_files::{self as files, Format};

/// Days a report covers when `from` is not given.
pub const DEFAULT_DAYS: u64 = 30;

/// The query of a report.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportQuery {
    /// First day, `YYYY-MM-DD` (UTC).
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
    /// ISO 3166-1 alpha-2; administrators any, officers their own.
    pub country: Option<String>,
    /// Volumes: `route`, `country-pair`, `hs-chapter`, `transport-mode`.
    pub by: Option<String>,
    /// Volumes: `day`, `week`, `month`.
    pub per: Option<String>,
    /// `json`, `csv`, `xlsx`, `pdf`.
    pub format: Option<String>,
}

fn bad(field: &str, message: String) -> ApiError {
    ApiError(
        StatusCode::BAD_REQUEST,
        json!({"code": "BAD_REQUEST", "message": message, "errors": [{"pointer": format!("/{field}"), "reason": message}]}),
    )
}

fn day(field: &str, value: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    value
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<NaiveDate>()
                .map_err(|_| bad(field, format!("{field}={v}: give a day as YYYY-MM-DD")))
        })
        .transpose()
}

impl ReportQuery {
    /// The period asked for: `from`–`to`, or the [`DEFAULT_DAYS`] ending with `to` or today.
    /// Errors: `400` naming the field.
    pub fn period(&self) -> Result<Period, ApiError> {
        let to = day("to", self.to.as_deref())?.unwrap_or_else(|| Utc::now().date_naive());
        match day("from", self.from.as_deref())? {
            Some(from) => Period::new(from, to).map_err(|e| bad("from", e.to_string())),
            None => Ok(Period::last_days(to, DEFAULT_DAYS)),
        }
    }

    /// The country asked for. Errors: `400`.
    pub fn country(&self) -> Result<Option<CountryCode>, ApiError> {
        self.country
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(|c| {
                c.parse::<CountryCode>()
                    .map_err(|e| bad("country", format!("country={c}: {e}")))
            })
            .transpose()
    }

    /// The whole query for a standard report. Errors: `400` naming the field.
    pub fn query(&self) -> Result<catalogue::Query, ApiError> {
        let dim = |field: &str, v: Option<&str>| {
            v.filter(|v| !v.is_empty())
                .map(|v| {
                    Dimension::parse(v)
                        .ok_or_else(|| bad(field, format!("{field}={v}: not a dimension")))
                })
                .transpose()
        };
        Ok(catalogue::Query {
            period: self.period()?,
            country: self.country()?,
            by: dim("by", self.by.as_deref())?,
            per: dim("per", self.per.as_deref())?,
        })
    }

    /// The format asked for. Errors: `400`.
    pub fn format(&self) -> Result<Format, ApiError> {
        Format::parse(self.format.as_deref())
    }
}

/// The reader's language from `Accept-Language`.
pub fn language(headers: &HeaderMap) -> Tr {
    negotiate(
        None,
        None,
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// `GET /reports`.
pub async fn index(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let t = language(&headers);
    let reports: Vec<Value> = ReportName::ALL
        .into_iter()
        .filter(|r| r.visible_to(who.0.role))
        .map(|r| {
            json!({
                "name": r.as_str(),
                "title": files::title(&t, r.as_str()),
                "kind": if r.is_management() { "management" } else { "statistical" },
                "href": format!("/reports/{}", r.as_str()),
            })
        })
        .collect();
    let saved = saved::list(&app, &who.actor()).await?;
    Ok(Json(json!({"reports": reports, "saved": saved})))
}

/// `GET /reports/kpi`.
pub async fn kpi(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let format = q.format()?;
    let k = kpi::kpi(&app, &who.actor(), q.period()?, q.country()?, Utc::now()).await?;
    Ok(files::kpi_response(&language(&headers), &k, format))
}

/// `GET /reports/{name}`.
pub async fn report(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let Some(report) = ReportName::parse(&name) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("no report {name}; GET /reports lists them"),
        ));
    };
    let format = q.format()?;
    let made = catalogue::run(&app, &who.actor(), report, &q.query()?, Utc::now()).await?;
    let t = language(&headers);
    Ok(files::respond(&t, &made, &files::title(&t, &name), format))
}

/// `POST /reports/custom`.
pub async fn custom(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
    Json(raw): Json<Value>,
) -> Result<Response, ApiError> {
    let format = q.format()?;
    let d: Definition = body(raw, "custom report")?;
    let made = catalogue::custom(&app, &who.actor(), &d, q.period()?, Utc::now()).await?;
    let t = language(&headers);
    Ok(files::respond(&t, &made, &t.get("report-custom"), format))
}

/// Body of `POST /reports/saved`.
#[derive(utoipa::ToSchema, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SaveReport {
    /// Replace this saved report of the user's (omit for a new one).
    #[serde(default)]
    pub id: Option<Uuid>,
    /// Its name (1 to 120 characters).
    pub name: String,
    /// `private` (default), `company` (traders, insurers), `office` (officers with an office
    /// scope: the officers acting at one of its offices) or `country` (officers).
    #[serde(default)]
    pub shared: Option<Sharing>,
    /// Dimensions, measures, filters.
    pub definition: Definition,
}

/// `POST /reports/saved`: `201` with the saved report.
pub async fn save(
    State(app): State<App>,
    who: Principal,
    Json(raw): Json<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b: SaveReport = body(raw, "saved report")?;
    let r = saved::save(
        &app,
        &who.actor(),
        b.id,
        &b.name,
        b.shared.unwrap_or(Sharing::Private),
        b.definition,
        Utc::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!(r))))
}

/// `GET /reports/saved`.
pub async fn list_saved(State(app): State<App>, who: Principal) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({"saved": saved::list(&app, &who.actor()).await?}),
    ))
}

/// `GET /reports/saved/{id}`: the saved report run over `?from=&to=`.
pub async fn run_saved(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let format = q.format()?;
    let r = saved::get(&app, &who.actor(), id).await?;
    let made =
        catalogue::custom(&app, &who.actor(), &r.definition, q.period()?, Utc::now()).await?;
    Ok(files::respond(&language(&headers), &made, &r.name, format))
}

/// `DELETE /reports/saved/{id}`: `204`.
pub async fn delete_saved(
    State(app): State<App>,
    who: Principal,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    saved::delete(&app, &who.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
