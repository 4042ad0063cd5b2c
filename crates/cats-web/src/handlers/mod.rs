//! HTTP handlers, one file per area.

pub mod admin;
pub mod arrivals;
pub mod contracts;
pub mod controls;
pub mod customs;
pub mod departure_messages;
pub mod departures;
pub mod ice;
pub mod node;
pub mod notifications;
pub mod reference;
pub mod registrations;
pub mod reports;
pub mod risk;
pub mod support;
pub mod tokens;

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use cats_app::registers::documents::MAX_DOCUMENT_BYTES;

use crate::error::ApiError;

/// Query of a file upload: `?filename=`.
#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    /// File name to keep (made safe; a default when absent).
    pub filename: Option<String>,
}

/// Refuse an upload above [`MAX_DOCUMENT_BYTES`] with `413` before anything else reads it.
pub(crate) fn upload_size(len: usize) -> Result<(), ApiError> {
    if len > MAX_DOCUMENT_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            format!("a document has at most {MAX_DOCUMENT_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// The Content-Type header of a request, or empty.
pub(crate) fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
}

/// A stored file as a download: its Content-Type, `Content-Disposition: attachment`, `nosniff`
/// and its SHA-256 in `X-Content-SHA256`.
pub(crate) fn file_response(
    content_type: &str,
    filename: &str,
    sha256: &str,
    data: Vec<u8>,
) -> Response {
    let headers = [
        (header::CONTENT_TYPE, content_type.to_string()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        (
            header::HeaderName::from_static("x-content-sha256"),
            sha256.to_string(),
        ),
    ];
    (headers, data).into_response()
}

/// Whether the client asked for XML (`Accept: application/xml`).
pub(crate) fn wants_xml(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("xml"))
}

/// A filter value of a list that cannot match anything (not a well-formed identifier): the list
/// is empty, as it is for a well-formed value that nothing has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NoMatch;

/// The first present filter value among `values` (e.g. `mrn` and `movementReferenceNumber`),
/// parsed as its identifier type: `Ok(None)` when none is given, [`NoMatch`] when it does not
/// parse.
pub(crate) fn id_filter<T: std::str::FromStr>(
    values: impl IntoIterator<Item = Option<String>>,
) -> Result<Option<T>, NoMatch> {
    match values.into_iter().flatten().next() {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| NoMatch),
    }
}
