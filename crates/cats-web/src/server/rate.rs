//! Rate limits (issue 15), with the governor crate (GCRA): per client address on sign-in and on
//! requests without a valid token or session, and per token on the API. A request over its limit
//! gets `429 TOO_MANY_REQUESTS` with `Retry-After` (whole seconds) and changes nothing.
//!
//! * `POST /ui/sign-in`: `CATS_RATE_SIGN_IN_PER_MINUTE` per client address (default 10).
//! * A request with a valid bearer token: `CATS_RATE_TOKEN_PER_MINUTE` per token (default 1200).
//!   The user found is handed to the handler ([`Authenticated`]), so the token is looked up once.
//! * A request with a live session cookie: not limited here (a signed-in officer's pages).
//! * Anything else (no token, an unknown, expired or revoked one): `CATS_RATE_ANONYMOUS_PER_MINUTE`
//!   per client address (default 600). Guessing tokens is limited by this.
//! * ICE messages (`/ice/…`) are not limited here: peers are authenticated by their signatures.
//!
//! The client address is the TCP peer's; behind a reverse proxy every client shares the proxy's
//! address, so there set the limits with that in mind.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

/// Requests per minute allowed, each also the largest burst.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Sign-in attempts per client address.
    pub sign_in_per_minute: u32,
    /// Requests without a valid token or session, per client address.
    pub anonymous_per_minute: u32,
    /// Requests per valid token.
    pub token_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            sign_in_per_minute: 10,
            anonymous_per_minute: 600,
            token_per_minute: 1200,
        }
    }
}

impl RateLimits {
    /// The defaults, changed by `CATS_RATE_SIGN_IN_PER_MINUTE`, `CATS_RATE_ANONYMOUS_PER_MINUTE`
    /// and `CATS_RATE_TOKEN_PER_MINUTE`. Errors: a value that is not a whole number above 0.
    pub fn from_env() -> Result<Self, String> {
        let mut r = Self::default();
        let read = |name: &str, into: &mut u32| -> Result<(), String> {
            if let Some(n) = super::env_number(name)? {
                *into = u32::try_from(n).map_err(|_| format!("{name}={n}: too large"))?;
            }
            Ok(())
        };
        read("CATS_RATE_SIGN_IN_PER_MINUTE", &mut r.sign_in_per_minute)?;
        read(
            "CATS_RATE_ANONYMOUS_PER_MINUTE",
            &mut r.anonymous_per_minute,
        )?;
        read("CATS_RATE_TOKEN_PER_MINUTE", &mut r.token_per_minute)?;
        Ok(r)
    }
}

/// The user a valid bearer token belongs to, found by the rate limiter and reused by
/// [`crate::Principal`].
#[derive(Debug, Clone)]
pub struct Authenticated(pub cats_app::auth::User);

/// The node's rate limiters.
#[derive(Clone)]
pub struct Limiter {
    app: cats_app::App,
    sign_in: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    anonymous: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    token: Arc<DefaultKeyedRateLimiter<String>>,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).expect("at least 1"))
}

impl Limiter {
    /// Limiters for `app` with these limits.
    pub fn new(app: cats_app::App, limits: &RateLimits) -> Self {
        Self {
            app,
            sign_in: Arc::new(RateLimiter::keyed(per_minute(limits.sign_in_per_minute))),
            anonymous: Arc::new(RateLimiter::keyed(per_minute(limits.anonymous_per_minute))),
            token: Arc::new(RateLimiter::keyed(per_minute(limits.token_per_minute))),
        }
    }
}

/// `429` with `Retry-After` (seconds, at least 1) naming what was limited.
fn too_many(what: &str, wait: std::time::Duration) -> Response {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let secs = secs.max(1);
    let mut r = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "TOO_MANY_REQUESTS",
        format!("too many {what}; try again in {secs} s"),
    )
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// The middleware: see the module's text.
pub async fn limit(State(l): State<Limiter>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with("/ice/") {
        return next.run(request).await;
    }
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    // The refusal, if `limiter` has no room for this address.
    let check = |limiter: &DefaultKeyedRateLimiter<IpAddr>, what: &str| -> Option<Response> {
        limiter.check_key(&ip).err().map(|not_until| {
            too_many(
                what,
                not_until.wait_time_from(DefaultClock::default().now()),
            )
        })
    };
    if request.method() == Method::POST && path == "/ui/sign-in" {
        if let Some(r) = check(&l.sign_in, "sign-in attempts from this address") {
            return r;
        }
        return next.run(request).await;
    }
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    if let Some(token) = bearer {
        if let Ok(Some(user)) = cats_app::tokens::authenticate(&l.app, &token).await {
            let key = cats_app::auth::hash_token(&token);
            if let Err(not_until) = l.token.check_key(&key) {
                return too_many(
                    "requests with this token",
                    not_until.wait_time_from(DefaultClock::default().now()),
                );
            }
            request.extensions_mut().insert(Authenticated(user));
            return next.run(request).await;
        }
    } else if has_live_session(&l.app, request.headers()).await {
        return next.run(request).await;
    }
    if let Some(r) = check(
        &l.anonymous,
        "requests without a valid token from this address",
    ) {
        return r;
    }
    next.run(request).await
}

async fn has_live_session(app: &cats_app::App, headers: &axum::http::HeaderMap) -> bool {
    let jar = axum_extra::extract::CookieJar::from_headers(headers);
    let Some(cookie) = jar
        .get(crate::pages::SESSION_COOKIE)
        .map(|c| c.value().to_string())
    else {
        return false;
    };
    matches!(
        cats_app::accounts::session(app, &cookie, chrono::Utc::now()).await,
        Ok(Some(_))
    )
}
