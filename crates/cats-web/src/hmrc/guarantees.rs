//! HMRC's CTC Guarantee Balance API v2.0 on a CATS node: `POST /customs/guarantees/{grn}/balance`
//! with `{"accessCode": "ABC1"}` and `Accept: application/vnd.hmrc.2.0+json` answers
//! `{"_links": {"self": …}, "balance": 12345678.9}` (in the guarantee's currency), through the
//! same use case as the native API (a guarantee held by another node is asked there).
//!
//! As HMRC answers: `400 BAD_REQUEST` for a GRN that is not one or no access code; `404
//! NOT_FOUND` "Guarantee balance not found." when the GRN or the access code does not match a
//! guarantee the token may see (one answer for both, so a wrong code reveals nothing);
//! `406 ACCEPT_HEADER_INVALID` for another `Accept`.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use chrono::Utc;
use serde_json::{json, Value};

use cats_app::{guarantees, App, AppError};
use cats_domain::ids::Grn;

use crate::error::ApiError;
use crate::principal::Principal;

fn bad(message: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
}

/// `POST /customs/guarantees/{grn}/balance`.
pub async fn balance(
    State(app): State<App>,
    who: Principal,
    headers: HeaderMap,
    Path(grn): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !accept
        .split(',')
        .any(|a| a.trim() == "application/vnd.hmrc.2.0+json")
    {
        return Err(ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "ACCEPT_HEADER_INVALID",
            "The Accept header must be set to application/vnd.hmrc.2.0+json to use this resource.",
        ));
    }
    let grn = Grn::parse(&grn)
        .map_err(|_| bad("The guarantee reference number is not in the correct format."))?;
    let request: Value =
        serde_json::from_slice(&body).map_err(|_| bad("The request body is not valid JSON."))?;
    let code = request["accessCode"]
        .as_str()
        .filter(|c| c.len() == 4)
        .ok_or_else(|| bad("The access code was not supplied."))?;
    match guarantees::balance(&app, &who.actor(), &grn, code, Utc::now()).await {
        Ok(b) => {
            // A JSON number with the amount's decimals exactly (never through a float).
            let amount = std::str::FromStr::from_str(&b.balance.round_dp(2).to_string())
                .map(Value::Number)
                .unwrap_or(Value::Null);
            Ok(Json(json!({
                "_links": { "self": { "href": format!("/customs/guarantees/{grn}/balance") } },
                "balance": amount,
                "currencyCode": b.currency,
            })))
        }
        Err(AppError::NotFound(_) | AppError::Forbidden(_)) => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "Guarantee balance not found.",
        )),
        Err(e) => Err(super::hmrc_error(e)),
    }
}
