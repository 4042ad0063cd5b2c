//! Notifications, reference exchange rates and user accounts.
//!
//! * `GET /exchange-rates` (public), `POST /exchange-rates` {from, to, validFrom, validTo, rate}
//!   (administrator)
//! * `POST /admin/users` {username, role, party?: {identificationNumber, name, country},
//!   officeCountry?} (administrator): the user and its first token

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use serde::Deserialize;
use serde_json::Value;

use cats_app::registers::{rates, users};
use cats_app::App;
use cats_domain::coverage::ExchangeRate;
use cats_domain::ids::CurrencyCode;

use super::registrations::body;
use crate::error::ApiError;
use crate::principal::Principal;
use crate::register_views as v;
use crate::views;

/// `GET /exchange-rates`: every reference exchange rate (public reference data).
pub async fn rates(State(app): State<App>) -> Result<Json<Value>, ApiError> {
    let list = rates::list(&app).await?;
    Ok(Json(views::json(&v::RateList {
        count: list.len(),
        rates: list.iter().map(v::rate).collect(),
    })))
}

/// Body of `POST /exchange-rates`.
#[derive(utoipa::ToSchema, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateBody {
    from: String,
    to: String,
    valid_from: chrono::NaiveDate,
    valid_to: chrono::NaiveDate,
    rate: rust_decimal::Decimal,
}

/// `POST /exchange-rates`: set a reference rate (administrator). `201` with the rate.
pub async fn set_rate(
    State(app): State<App>,
    who: Principal,
    Json(raw): Json<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b: RateBody = body(raw, "exchange rate")?;
    let currency = |c: &str| {
        CurrencyCode::parse(c).map_err(|_| {
            cats_app::AppError::Invalid(format!("{c} is not an ISO 4217 currency CATS knows"))
        })
    };
    let rate = ExchangeRate {
        from: currency(&b.from)?,
        to: currency(&b.to)?,
        valid_from: b.valid_from,
        valid_to: b.valid_to,
        rate: b.rate,
    };
    let r = rates::set(&app, &who.actor(), rate, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(views::json(&v::rate(&r)))))
}

/// `POST /admin/users`: create a user (administrator). `201` with the user and its first API
/// token, shown this once.
pub async fn create_user(
    State(app): State<App>,
    who: Principal,
    Json(raw): Json<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let n: users::NewUser = body(raw, "user")?;
    let (user, token) = users::create(&app, &who.actor(), n, Utc::now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(views::json(&v::NewUserAnswer { user, token })),
    ))
}

/// Body of `POST /admin/restricted-goods`.
#[derive(utoipa::ToSchema, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestrictedBody {
    entries: Vec<cats_app::restricted::Entry>,
}

/// `POST /admin/restricted-goods`: replace the CATS restricted goods list (administrator).
pub async fn set_restricted(
    State(app): State<App>,
    who: Principal,
    Json(raw): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let b: RestrictedBody = body(raw, "restricted goods list")?;
    let list = cats_app::restricted::set(&app, &who.actor(), b.entries, Utc::now()).await?;
    Ok(Json(views::json(&v::RestrictedSet {
        count: list.len(),
        entries: list,
    })))
}
