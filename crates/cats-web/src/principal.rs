//! The signed-in user, from `Authorization: Bearer TOKEN`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use cats_app::auth::User;
use cats_app::{Actor, App};

use crate::error::ApiError;

/// The user behind the request's bearer token. Missing or unknown tokens answer `401`.
#[derive(Debug, Clone)]
pub struct Principal(pub User);

impl Principal {
    /// The actor for use cases.
    pub fn actor(&self) -> Actor {
        Actor::User(self.0.clone())
    }
}

impl FromRequestParts<App> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        // Already found by the rate limiter (crate::server::rate).
        if let Some(found) = parts.extensions.get::<crate::server::rate::Authenticated>() {
            return Ok(Principal(found.0.clone()));
        }
        let unauthorized = || {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "UNAUTHORIZED",
                "send Authorization: Bearer TOKEN; issue a token with `cats token issue USERNAME`",
            )
        };
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(unauthorized)?;
        let token = header
            .strip_prefix("Bearer ")
            .ok_or_else(unauthorized)?
            .trim();
        use cats_app::tokens::Presented;
        match cats_app::tokens::check(app, token, chrono::Utc::now()).await? {
            Presented::Valid(user) => Ok(Principal(user)),
            Presented::Expired(at) => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "UNAUTHORIZED",
                format!(
                    "the token expired at {}; ask for a new one (POST /tokens, or `cats token issue USERNAME`)",
                    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ),
            )),
            Presented::Revoked(at) => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "UNAUTHORIZED",
                format!(
                    "the token was revoked at {}",
                    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ),
            )),
            Presented::Unknown => Err(unauthorized()),
        }
    }
}
