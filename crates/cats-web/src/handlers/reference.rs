//! Reference data (public, no token needed), guarantees, and the health check.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use cats_app::{query, App};
use cats_domain::ids::Grn;
use cats_domain::ledger::from_minor;

use crate::error::ApiError;
use crate::principal::Principal;

/// `GET /health`.
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Query of `GET /reference/offices`.
#[derive(Debug, Deserialize)]
pub struct OfficeQuery {
    country: Option<String>,
    role: Option<String>,
}

/// `GET /reference/offices?country=KZ&role=DEP`: customs offices, sorted by reference number.
pub async fn offices(State(app): State<App>, Query(q): Query<OfficeQuery>) -> Json<Value> {
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
    Json(json!({ "count": list.len(), "offices": list }))
}

/// `GET /reference/offices/{code}`.
pub async fn office(
    State(app): State<App>,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    app.catalog()
        .office(&code)
        .map(|o| Json(json!(o)))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                format!("office {code} not found"),
            )
        })
}

/// `GET /reference/countries`.
pub async fn countries(State(app): State<App>) -> Json<Value> {
    let catalog = app.catalog();
    let mut list: Vec<_> = catalog.countries.values().collect();
    list.sort_by_key(|a| a.code);
    Json(json!({ "count": list.len(), "countries": list }))
}

/// `GET /reference/currencies`.
pub async fn currencies(State(app): State<App>) -> Json<Value> {
    let catalog = app.catalog();
    let mut list: Vec<_> = catalog.currencies.values().collect();
    list.sort_by_key(|a| a.code);
    Json(json!({ "count": list.len(), "currencies": list }))
}

/// Query of `GET /reference/hs`.
#[derive(Debug, Deserialize)]
pub struct HsQuery {
    prefix: Option<String>,
}

/// `GET /reference/hs?prefix=8703`: HS chapters, headings and subheadings under a prefix
/// (chapters only when no prefix is given).
pub async fn hs(State(app): State<App>, Query(q): Query<HsQuery>) -> Json<Value> {
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
    Json(json!({ "count": list.len(), "hs": list }))
}

/// `GET /reference/restricted-goods`: the CATS restricted goods list.
pub async fn restricted(State(app): State<App>) -> Json<Value> {
    let catalog = app.catalog();
    Json(json!({ "restrictedGoods": catalog.restricted }))
}

/// `GET /guarantees/{grn}`: a guarantee, its balance and its usage per MRN (holder, insurer,
/// officers). Amounts are decimals in the guarantee's ISO 4217 currency.
pub async fn guarantee(
    State(app): State<App>,
    who: Principal,
    Path(grn): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let grn =
        Grn::parse(&grn).map_err(|_| cats_app::AppError::NotFound(format!("guarantee {grn}")))?;
    let (g, reservations) = query::guarantee(&app, &who.actor(), &grn).await?;
    let usage: Vec<Value> = reservations
        .iter()
        .map(|r| {
            json!({
                "mrn": r.mrn,
                "amount": from_minor(r.amount_minor),
                "status": r.status,
                "lockDate": r.reserved_at,
                "releaseDate": r.closed_at,
            })
        })
        .collect();
    Ok(Json(json!({
        "grn": g.grn,
        "holder": g.holder,
        "insurer": g.insurer,
        "status": g.status,
        "validFrom": g.valid_from,
        "validTo": g.valid_to,
        "countries": g.countries,
        "referenceAmount": g.reference_amount.amount(),
        "currency": g.currency(),
        "exposure": from_minor(g.running_total_minor),
        "balance": from_minor(g.available_minor()),
        "liabilityEnd": g.liability_end,
        "usage": usage,
    })))
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
) -> Result<Json<Value>, ApiError> {
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
    Ok(Json(json!(b)))
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
