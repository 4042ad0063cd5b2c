//! The CATS HTTP API (axum), in the style of the HMRC CTC Traders API.
//!
//! * `POST /movements/departures`: lodge a CC015C (XML or JSON); `GET` lists, with filters.
//! * `GET /movements/departures/{id}`, `…/messages`, `…/messages/{messageId}` (XML or JSON by `Accept`).
//! * `POST /movements/departures/{id}/amendment`, `…/cancellation`: the holder's requests.
//! * `POST /movements/departures/{id}/customs/{action}`: customs officers' actions.
//! * `GET /reference/…`: reference data; `GET /guarantees/{grn}`: a guarantee and its usage.
//!
//! Authentication: `Authorization: Bearer TOKEN` (tokens from `cats token issue USERNAME`).
//! Handlers are in [`handlers`], one file per area; the routes are all in [`router`].

mod error;
pub mod handlers;
mod principal;
mod views;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use cats_app::App;

pub use error::ApiError;
pub use principal::Principal;

/// Largest request body accepted, in bytes (4 MiB); larger bodies get `413`.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// The whole API.
pub fn router(app: App) -> Router {
    use handlers::{customs, departures, reference};
    Router::new()
        .route("/health", get(reference::health))
        .route(
            "/movements/departures",
            post(departures::lodge).get(departures::list),
        )
        .route("/movements/departures/{id}", get(departures::show))
        .route(
            "/movements/departures/{id}/messages",
            get(departures::messages),
        )
        .route(
            "/movements/departures/{id}/messages/{message_id}",
            get(departures::message),
        )
        .route(
            "/movements/departures/{id}/amendment",
            post(departures::amend),
        )
        .route(
            "/movements/departures/{id}/cancellation",
            post(departures::cancellation),
        )
        .route(
            "/movements/departures/{id}/customs/{action}",
            post(customs::act),
        )
        .route("/movements/departures/{id}/audit", get(customs::audit))
        .route(
            "/movements/departures/{id}/messages",
            post(handlers::departure_messages::post),
        )
        .route(
            "/movements/arrivals",
            post(handlers::arrivals::notify).get(handlers::arrivals::list),
        )
        .route("/movements/arrivals/{id}", get(handlers::arrivals::show))
        .route(
            "/movements/arrivals/{id}/messages",
            get(handlers::arrivals::messages).post(handlers::arrivals::post_message),
        )
        .route(
            "/movements/arrivals/{id}/messages/{message_id}",
            get(handlers::arrivals::message),
        )
        .route("/reference/offices", get(reference::offices))
        .route("/reference/offices/{code}", get(reference::office))
        .route("/reference/countries", get(reference::countries))
        .route("/reference/currencies", get(reference::currencies))
        .route("/reference/hs", get(reference::hs))
        .route("/reference/restricted-goods", get(reference::restricted))
        .route("/guarantees/{grn}", get(reference::guarantee))
        .route("/guarantees/{grn}/balance", get(reference::balance))
        .route("/guarantees/queries", post(reference::query))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(app)
}

/// Serve the API on `listener` until the process is stopped.
pub async fn serve(app: App, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router(app)).await
}
