//! HTTP handlers, one file per area.

pub mod admin;
pub mod arrivals;
pub mod contracts;
pub mod customs;
pub mod departure_messages;
pub mod departures;
pub mod reference;
pub mod registrations;
pub mod risk;

use axum::http::HeaderMap;

/// Whether the client asked for XML (`Accept: application/xml`).
pub(crate) fn wants_xml(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("xml"))
}
