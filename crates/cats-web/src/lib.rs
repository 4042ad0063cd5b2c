//! The CATS HTTP API (axum), in the style of the HMRC CTC Traders API.
//!
//! * `POST /movements/departures`: lodge a CC015C (XML or JSON); `GET` lists, with filters.
//! * `GET /movements/departures/{id}`, `…/messages`, `…/messages/{messageId}` (XML or JSON by `Accept`).
//! * `GET /movements/departures/{id}/tad`: the transit accompanying document (PDF), once released.
//! * `POST /movements/departures/{id}/amendment`, `…/cancellation`: the holder's requests.
//! * `POST /movements/departures/{id}/customs/{action}`: customs officers' actions.
//! * `GET /reference/…`: reference data; `GET /guarantees/{grn}`: a guarantee and its usage.
//!
//! * `POST /movements/departures/{id}/messages`: CC013C, CC014C, CC170C; arrivals: CC007C, CC044C.
//! * `/registrations`, `/parties/{id}`, `/contracts`, `/claims`, `/notifications`,
//!   `/exchange-rates`, `/admin/users`: the registers (issue 5).
//! * `GET /api/openapi.json`: the OpenAPI document, built from the same table as the router.
//!
//! Authentication: `Authorization: Bearer TOKEN` (tokens from `cats token issue USERNAME`).
//! Handlers are in [`handlers`], one file per area; every route is in [`routes::operations`].

#![warn(missing_docs)]

mod contract_views;
mod error;
pub mod handlers;
pub mod hmrc;
pub mod notify;
pub mod pages;
mod principal;
mod register_views;
pub mod report_files;
pub mod routes;
pub mod server;
pub mod tad;
mod views;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use cats_app::App;

pub use error::ApiError;
pub use pages::PageSettings;
pub use principal::Principal;

/// Largest request body accepted, in bytes (4 MiB); larger bodies get `413`.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// The whole API, built from the table in [`routes::operations`] (which also gives the OpenAPI
/// document, `GET /api/openapi.json`).
pub fn router(app: App) -> Router {
    router_with(app, PageSettings::default())
}

/// The whole API and the web pages ([`pages`]) with these page settings.
pub fn router_with(app: App, settings: PageSettings) -> Router {
    let mut router = Router::new();
    for (op, handler) in routes::operations() {
        router = router.route(op.path, handler);
    }
    router
        .layer(axum::middleware::map_response(|r| async move {
            error::rejection_as_json(r, "PAYLOAD_TOO_LARGE").await
        }))
        .merge(hmrc::router())
        .merge(pages::router(settings))
        .merge(pages::help::router())
        .layer(axum::middleware::from_fn(server::metrics::track))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(app)
}

/// Serve the API on `listener` until the process is stopped.
pub async fn serve(app: App, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router(app)).await
}

/// Serve the API and the pages with these page settings until the process is stopped.
pub async fn serve_with(
    app: App,
    listener: tokio::net::TcpListener,
    settings: PageSettings,
) -> std::io::Result<()> {
    axum::serve(listener, router_with(app, settings)).await
}
