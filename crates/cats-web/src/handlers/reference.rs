//! Reference data (public, no token needed), guarantees, and the health check.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use cats_app::{query, App};
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
    list.sort_by(|a, b| a.code.cmp(&b.code));
    Json(json!({ "count": list.len(), "countries": list }))
}

/// `GET /reference/currencies`.
pub async fn currencies(State(app): State<App>) -> Json<Value> {
    let catalog = app.catalog();
    let mut list: Vec<_> = catalog.currencies.values().collect();
    list.sort_by(|a, b| a.code.cmp(&b.code));
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
        "referenceAmount": g.reference_amount,
        "currency": g.currency,
        "exposure": from_minor(g.running_total_minor),
        "balance": from_minor(g.available_minor()),
        "usage": usage,
    })))
}
