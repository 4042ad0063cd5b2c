//! Reference data (public, no token needed), guarantees, and the health check.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use cats_app::{query, App};
use cats_domain::ids::Grn;
use cats_domain::ledger::from_minor;

use crate::error::ApiError;
use crate::principal::Principal;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use cats_domain::ids::{CountryCode, CurrencyCode, Eori, Mrn};
use cats_domain::ledger::{GuaranteeStatus, ReservationStatus};
use cats_domain::reference::{Country, Currency, HsEntry, Office, RestrictedGoods};

/// `GET /health`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
}

/// `GET /reference/offices`.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficeList {
    /// How many.
    pub count: usize,
    /// The offices, by reference number.
    pub offices: Vec<Office>,
}

/// `GET /reference/countries`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountryList {
    /// How many.
    pub count: usize,
    /// The countries, by code.
    pub countries: Vec<Country>,
}

/// `GET /reference/currencies`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CurrencyList {
    /// How many.
    pub count: usize,
    /// The currencies, by code.
    pub currencies: Vec<Currency>,
}

/// `GET /reference/hs`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsList {
    /// How many.
    pub count: usize,
    /// Chapters, headings or subheadings, by code.
    pub hs: Vec<HsEntry>,
}

/// `GET /reference/restricted-goods`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RestrictedList {
    /// The CATS restricted goods list.
    pub restricted_goods: Vec<RestrictedGoods>,
}

/// One use of a guarantee by a movement.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GuaranteeUsage {
    /// The movement's MRN.
    pub mrn: Option<Mrn>,
    /// Amount reserved, in the guarantee's currency.
    pub amount: Decimal,
    /// Reserved, credited at write-off, or claimed.
    pub status: ReservationStatus,
    /// When reserved (UTC).
    pub lock_date: DateTime<Utc>,
    /// When released (UTC).
    pub release_date: Option<DateTime<Utc>>,
}

/// `GET /guarantees/{grn}`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GuaranteeView {
    /// GRN.
    pub grn: Grn,
    /// Holder covered.
    pub holder: Eori,
    /// Insurer giving it.
    pub insurer: Eori,
    /// Status.
    pub status: GuaranteeStatus,
    /// First day of validity.
    pub valid_from: NaiveDate,
    /// Last day of validity.
    pub valid_to: NaiveDate,
    /// Countries where it is valid.
    pub countries: Vec<CountryCode>,
    /// Reference amount.
    pub reference_amount: Decimal,
    /// Its ISO 4217 currency.
    pub currency: CurrencyCode,
    /// Running total (open reservations and claims).
    pub exposure: Decimal,
    /// Available amount.
    pub balance: Decimal,
    /// When the last liability ends (UTC).
    pub liability_end: Option<DateTime<Utc>>,
    /// Usage per MRN.
    pub usage: Vec<GuaranteeUsage>,
}

/// `GET /health`.
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

/// Query of `GET /reference/offices`.
#[derive(Debug, Deserialize)]
pub struct OfficeQuery {
    country: Option<String>,
    role: Option<String>,
}

/// `GET /reference/offices?country=KZ&role=DEP`: customs offices, sorted by reference number.
pub async fn offices(State(app): State<App>, Query(q): Query<OfficeQuery>) -> Json<OfficeList> {
    let catalog = app.catalog();
    let mut list: Vec<_> = catalog
        .offices
        .values()
        .filter(|o| q.country.as_deref().is_none_or(|c| o.country == c))
        .filter(|o| {
            q.role
                .as_deref()
                .is_none_or(|r| o.roles.iter().any(|x| x.code() == r))
        })
        .collect();
    list.sort_by(|a, b| a.reference.cmp(&b.reference));
    Json(OfficeList {
        count: list.len(),
        offices: list.into_iter().cloned().collect(),
    })
}

/// `GET /reference/offices/{code}`.
pub async fn office(
    State(app): State<App>,
    Path(code): Path<String>,
) -> Result<Json<Office>, ApiError> {
    app.catalog()
        .office(&code)
        .map(|o| Json(o.clone()))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                format!("office {code} not found"),
            )
        })
}

/// `GET /reference/countries`.
pub async fn countries(State(app): State<App>) -> Json<CountryList> {
    let catalog = app.catalog();
    let mut list: Vec<_> = catalog.countries.values().collect();
    list.sort_by_key(|a| a.code);
    Json(CountryList {
        count: list.len(),
        countries: list.into_iter().cloned().collect(),
    })
}

/// `GET /reference/currencies`.
pub async fn currencies(State(app): State<App>) -> Json<CurrencyList> {
    let catalog = app.catalog();
    let mut list: Vec<_> = catalog.currencies.values().collect();
    list.sort_by_key(|a| a.code);
    Json(CurrencyList {
        count: list.len(),
        currencies: list.into_iter().cloned().collect(),
    })
}

/// Query of `GET /reference/hs`.
#[derive(Debug, Deserialize)]
pub struct HsQuery {
    prefix: Option<String>,
}

/// `GET /reference/hs?prefix=8703`: HS chapters, headings and subheadings under a prefix
/// (chapters only when no prefix is given).
pub async fn hs(State(app): State<App>, Query(q): Query<HsQuery>) -> Json<HsList> {
    let catalog = app.catalog();
    let mut list: Vec<_> = catalog
        .hs
        .values()
        .filter(|h| match q.prefix.as_deref() {
            Some(p) => h.code.starts_with(p) && h.code.len() <= p.len() + 2,
            None => h.code.len() == 2,
        })
        .collect();
    list.sort_by(|a, b| a.code.cmp(&b.code));
    Json(HsList {
        count: list.len(),
        hs: list.into_iter().cloned().collect(),
    })
}

/// `GET /reference/restricted-goods`: the CATS restricted goods list.
pub async fn restricted(State(app): State<App>) -> Json<RestrictedList> {
    let catalog = app.catalog();
    Json(RestrictedList {
        restricted_goods: catalog.restricted.clone(),
    })
}

/// `GET /guarantees/{grn}`: a guarantee, its balance and its usage per MRN (holder, insurer,
/// officers). Amounts are decimals in the guarantee's ISO 4217 currency.
pub async fn guarantee(
    State(app): State<App>,
    who: Principal,
    Path(grn): Path<String>,
) -> Result<Json<GuaranteeView>, ApiError> {
    let grn =
        Grn::parse(&grn).map_err(|_| cats_app::AppError::NotFound(format!("guarantee {grn}")))?;
    let (g, reservations) = query::guarantee(&app, &who.actor(), &grn).await?;
    Ok(Json(GuaranteeView {
        grn: g.grn.clone(),
        holder: g.holder.clone(),
        insurer: g.insurer.clone(),
        status: g.status,
        valid_from: g.valid_from,
        valid_to: g.valid_to,
        countries: g.countries.clone(),
        reference_amount: g.reference_amount.amount(),
        currency: g.currency(),
        exposure: from_minor(g.running_total_minor),
        balance: from_minor(g.available_minor()),
        liability_end: g.liability_end,
        usage: reservations
            .iter()
            .map(|r| GuaranteeUsage {
                mrn: r.mrn.clone(),
                amount: from_minor(r.amount_minor),
                status: r.status,
                lock_date: r.reserved_at,
                release_date: r.closed_at,
            })
            .collect(),
    }))
}

/// `GET /guarantees/{grn}/balance` with the access code in `X-Access-Code`: the CC037C content
/// (`referenceAmount`, `currency`, `exposure`, `balance`, `usage`: `{mrn, amount, lockDate,
/// releaseDate}`) for the holder, the insurer and officers. `400` without the header, `403` for a
/// wrong access code, `404` for a GRN the user may not see.
pub async fn balance(
    State(app): State<App>,
    who: Principal,
    Path(grn): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Json<cats_app::guarantees::Balance>, ApiError> {
    let code = headers
        .get("x-access-code")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "send the guarantee's access code in the X-Access-Code header",
            )
        })?;
    let grn = Grn::parse(&grn).map_err(|_| cats_app::guarantees::not_a_guarantee(&grn))?;
    let b =
        cats_app::guarantees::balance(&app, &who.actor(), &grn, code, chrono::Utc::now()).await?;
    Ok(Json(b))
}

/// `POST /guarantees/queries`: a CC034C query on guarantees (XML or JSON); the answer is the
/// CC037C, XML or JSON by `Accept`. `400` for a body that is not a CC034C.
pub async fn query(
    State(app): State<App>,
    who: Principal,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let format = if headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .contains("xml")
    {
        cats_ncts::Format::Xml
    } else {
        cats_ncts::Format::Json
    };
    let q = cats_ncts::read_cc034c(&body, format, &cats_ncts::Limits::default()).map_err(|errors| {
        ApiError(StatusCode::BAD_REQUEST, json!({ "code": "SCHEMA_VALIDATION", "message": "the body is not a well-formed CC034C", "errors": errors }))
    })?;
    let answer = cats_app::guarantees::query(&app, &who.actor(), &q, chrono::Utc::now()).await?;
    if super::wants_xml(&headers) {
        let xml = cats_ncts::write_xml_unchecked(&answer)
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "CONVERSION", e))?;
        Ok(([(axum::http::header::CONTENT_TYPE, "application/xml")], xml).into_response())
    } else {
        Ok(Json(answer).into_response())
    }
}
