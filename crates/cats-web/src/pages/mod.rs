//! The web pages for people (issue 11): server-rendered HTML (askama templates in
//! `crates/cats-web/templates/`, checked at compile time), one stylesheet and htmx embedded in the
//! binary. Every page works without script; htmx only makes some forms update in place (the
//! Single Transit Document's rows). `/` is the sign-in page, or the user's home once signed in; pages live under
//! `/ui/…`; the API paths stay as they are.
//!
//! Sessions are server-side ([`cats_app::accounts`]): the `cats_session` cookie (HttpOnly,
//! SameSite=Lax, Secure behind TLS) holds a random value whose hash the store keeps. Every form
//! carries a CSRF token: the session's, or before signing in the `cats_csrf` cookie's (double
//! submit); a POST without the right one is refused with `403`. Every page answers with a
//! Content-Security-Policy that allows no inline script and no framing, and `nosniff`.

mod account;
mod admin_ice;
mod admin_reference;
mod admin_users;
pub mod chrome;
mod company;
mod contract;
mod contract_new;
mod controls;
mod customs;
mod declare;
mod forms;
pub mod help;
mod holder;
pub mod i18n;
mod movement_ice;
mod movements;
mod notifications;
mod queue;
mod registrations;
mod report_view;
mod reports;
mod risk;
mod sign_in;
pub mod std_form;
mod std_layout;
mod std_read;
mod std_view;
mod support;
mod tad;
mod tokens;
mod webhooks;

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use cats_app::App;
use tower_http::set_header::SetResponseHeaderLayer;

pub use chrome::{Chrome, Visitor, SESSION_COOKIE};

/// What the pages need to know about the node they run on.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageSettings {
    /// Show the demo hint on the sign-in page (the node was seeded with the demo data).
    pub demo: bool,
    /// Mark cookies `Secure` (the node is served over TLS, directly or behind a proxy).
    pub secure_cookies: bool,
}

/// The policy every page is sent with: scripts, styles, images and forms only from this node; no
/// inline script; never in a frame.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The pages' routes, with their security headers.
pub fn router(settings: PageSettings) -> Router<App> {
    let router = Router::new()
        .route("/", get(sign_in::root))
        .route("/ui/sign-in", get(sign_in::page).post(sign_in::submit))
        .route("/ui/sign-out", post(sign_in::sign_out))
        .route("/ui/language", post(sign_in::language))
        .route("/ui/home", get(account::home))
        .route(
            "/ui/account/password",
            get(account::password_page).post(account::password_submit),
        )
        .route("/ui/queue", get(queue::queue))
        .route("/ui/risk", get(risk::show))
        .route("/ui/reports", get(reports::index))
        .route("/ui/reports/custom", get(report_view::custom))
        .route("/ui/reports/saved", post(report_view::save))
        .route("/ui/reports/saved/{id}", get(report_view::show_saved))
        .route(
            "/ui/reports/saved/{id}/delete",
            post(report_view::delete_saved),
        )
        .route("/ui/reports/{name}", get(report_view::report))
        .route("/ui/risk/profiles", post(risk::profiles))
        .route("/ui/contracts", get(company::contracts))
        .route(
            "/ui/contracts/new",
            get(contract_new::new).post(contract_new::submit),
        )
        .route("/ui/contracts/{id}", get(contract::show))
        .route("/ui/contracts/{id}/actions", post(contract::act))
        .route(
            "/ui/contracts/{id}/access-code",
            post(contract::access_code),
        )
        .route("/ui/notifications", get(notifications::inbox))
        .route("/ui/notifications/read", post(notifications::mark_read))
        .route(
            "/ui/notifications/settings",
            get(notifications::settings).post(notifications::save_settings),
        )
        .route("/ui/support", get(support::list).post(support::create))
        .route("/ui/support/new", get(support::new_form))
        .route("/ui/support/{id}", get(support::show))
        .route("/ui/support/{id}/messages", post(support::reply))
        .route("/ui/support/{id}/close", post(support::close))
        .route("/ui/tokens", get(tokens::show).post(tokens::issue))
        .route("/ui/tokens/{id}/revoke", post(tokens::revoke))
        .route("/ui/webhooks", get(webhooks::show).post(webhooks::register))
        .route("/ui/webhooks/{id}/delete", post(webhooks::delete))
        .route(
            "/ui/webhooks/deliveries/{id}/resend",
            post(webhooks::resend),
        )
        .route("/ui/declarations", get(declare::list).post(declare::submit))
        .route("/ui/declarations/new", get(declare::new))
        .route("/ui/declarations/{id}", get(declare::draft))
        .route(
            "/ui/movements/{id}/amend",
            get(holder::amend_page).post(holder::amend_submit),
        )
        .route(
            "/ui/registrations",
            get(registrations::list).post(registrations::apply),
        )
        .route("/ui/registrations/{id}", get(registrations::show))
        .route("/ui/registrations/{id}/actions", post(registrations::act))
        .route(
            "/ui/registrations/{id}/documents",
            post(registrations::attach),
        )
        .route(
            "/ui/registrations/{id}/documents/{document}",
            get(registrations::download),
        )
        .route("/ui/movements", get(movements::list))
        .route("/ui/movements/{id}", get(movements::show))
        .route("/ui/movements/{id}/customs", post(customs::customs))
        .route("/ui/movements/{id}/cancel", post(holder::cancel))
        .route(
            "/ui/movements/{id}/controls/{number}/attachments",
            post(customs::attach),
        )
        .route(
            "/ui/movements/{id}/controls/{number}/attachments/{attachment}",
            get(customs::download),
        )
        .route(
            "/ui/movements/{id}/messages/{message_id}",
            get(movements::message),
        )
        .route("/ui/movements/{id}/tad", get(tad::download))
        .route(
            "/ui/admin/users",
            get(admin_users::list).post(admin_users::create),
        )
        .route(
            "/ui/admin/users/{username}/{action}",
            post(admin_users::act),
        )
        .route("/ui/admin/ice", get(admin_ice::show))
        .route("/ui/admin/ice/unavailability", post(admin_ice::announce))
        .route("/ui/admin/ice/available", post(admin_ice::back))
        .route("/ui/admin/ice/peers/{node}/retry", post(admin_ice::retry))
        .route("/ui/admin/reference", get(admin_reference::show))
        .route("/ui/admin/reference/rates", post(admin_reference::set_rate))
        .route(
            "/ui/admin/reference/countries",
            post(admin_reference::set_country),
        )
        .route(
            "/ui/admin/reference/import",
            post(admin_reference::import).layer(axum::extract::DefaultBodyLimit::max(
                admin_reference::MAX_IMPORT_BYTES,
            )),
        )
        .route(
            "/ui/admin/reference/restricted",
            post(admin_reference::restricted),
        )
        .route("/ui/assets/cats.css", get(stylesheet))
        .route("/ui/assets/htmx.min.js", get(htmx))
        .route("/ui/assets/cats-live.js", get(live_script))
        .route("/ui/{*rest}", get(not_found))
        .layer(axum::Extension(settings));
    with_security_headers(router, CONTENT_SECURITY_POLICY)
}

/// `router` with the headers every page is sent with: this Content-Security-Policy,
/// `nosniff`, no framing, and the referrer kept on this node.
pub(crate) fn with_security_headers(
    router: Router<App>,
    content_security_policy: &'static str,
) -> Router<App> {
    router
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(content_security_policy),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("same-origin"),
        ))
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../assets/cats.css"),
    )
        .into_response()
}

/// htmx 2.0.11 (npm `htmx.org`, 0BSD licence), embedded: the pages' only script, for partial
/// updates that the pages also do without it (see ADR 0010).
/// `GET /ui/assets/cats-live.js`: the live notifications of the pages (count and notices from
/// `GET /events`).
async fn live_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../assets/cats-live.js"),
    )
        .into_response()
}

async fn htmx() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../assets/htmx.min.js"),
    )
        .into_response()
}

async fn not_found(visitor: Visitor) -> Response {
    let message = visitor.t.get("error-not-found");
    chrome::error_page(&visitor, StatusCode::NOT_FOUND, message)
}
