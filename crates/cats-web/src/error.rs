//! Errors as HTTP answers: a status and a JSON body `{"code", "message", "errors"?}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use cats_app::AppError;
use serde_json::json;

/// The body of every error answer (its schema in the OpenAPI document).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// `BAD_REQUEST`, `SCHEMA_VALIDATION`, `RULE_VALIDATION`, `RULE_FAILED`,
    /// `RECIPIENT_NOT_SERVED`, `UNAUTHORIZED`,
    /// `FORBIDDEN`, `NOT_FOUND`, `CONFLICT`, `BUSY`, `NOT_ACCEPTABLE`, `UNSUPPORTED_MEDIA_TYPE`,
    /// `PAYLOAD_TOO_LARGE`, `INTERNAL_SERVER_ERROR`.
    pub code: String,
    /// What went wrong, in words.
    pub message: String,
    /// Every problem: structural errors `{pointer, reason}` (`SCHEMA_VALIDATION`), or rule
    /// failures `{rule_id, error_code, pointer, reason}` (`RULE_VALIDATION`; the domain's
    /// `RuleFailure`, whose field names are snake_case, unlike this body's own).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub errors: Option<Vec<serde_json::Value>>,
    /// NCTS functional error code of a refused action (CL180: 92 out of sequence, 12).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<u8>,
    /// The rule refusing the request (`RULE_FAILED`), e.g. `CATS023`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// The recipient a message was addressed to (`RECIPIENT_NOT_SERVED`), e.g. `NTA.GB`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// The recipients this node serves (`RECIPIENT_NOT_SERVED`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub served: Option<Vec<String>>,
}

/// An API error: what went wrong, in JSON, with the right status.
#[derive(Debug)]
pub struct ApiError(pub StatusCode, pub serde_json::Value);

impl ApiError {
    /// A plain error with a code and a message.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self(status, json!({ "code": code, "message": message.into() }))
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let message = e.to_string();
        match e {
            AppError::Malformed {
                message_type,
                errors,
            } => Self(
                StatusCode::BAD_REQUEST,
                json!({ "code": "SCHEMA_VALIDATION", "message": format!("the body is not a well-formed {message_type}"), "errors": errors }),
            ),
            AppError::NotServed { recipient, served } => Self(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "code": "RECIPIENT_NOT_SERVED", "message": message, "recipient": recipient, "served": served }),
            ),
            AppError::Invalid(_) => Self::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message),
            AppError::Forbidden(_) => Self::new(StatusCode::FORBIDDEN, "FORBIDDEN", message),
            AppError::NotFound(_) => Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", message),
            AppError::Transition(t) => Self(
                StatusCode::CONFLICT,
                json!({ "code": "CONFLICT", "message": message, "errorCode": t.error_code() }),
            ),
            AppError::Refused(_) => Self::new(StatusCode::CONFLICT, "CONFLICT", message),
            AppError::Rule { rule_id, message } => Self(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "code": "RULE_FAILED", "ruleId": rule_id, "message": message }),
            ),
            AppError::Rules { what, failures } => Self(
                StatusCode::BAD_REQUEST,
                json!({ "code": "RULE_VALIDATION", "message": format!("{what} breaks {} rule(s); nothing was changed", failures.len()), "errors": failures }),
            ),
            AppError::Busy => Self::new(StatusCode::CONFLICT, "BUSY", message),
            AppError::PeerUnavailable { node, .. } => Self(
                StatusCode::SERVICE_UNAVAILABLE,
                json!({ "code": "PEER_UNAVAILABLE", "message": message, "node": node }),
            ),
            AppError::Store(s) => {
                tracing::error!(error = %s, "store failure");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "INTERNAL_SERVER_ERROR",
                    "the node could not complete the request; it was not applied",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(self.1)).into_response()
    }
}

/// axum's own refusals (a path parameter that does not parse, a body over the limit, a method
/// or a route that does not exist: `4xx` in plain text or empty) as JSON errors with a `code`
/// named after the status (`BAD_REQUEST`, `NOT_FOUND`, `METHOD_NOT_ALLOWED` …) and axum's words
/// as the `message`. A body over the limit gets `too_large` as its code: `PAYLOAD_TOO_LARGE` in
/// the native API, `REQUEST_ENTITY_TOO_LARGE` in the HMRC profile (as its OpenAPI document
/// gives it). Every other answer passes unchanged.
pub(crate) async fn rejection_as_json(response: Response, too_large: &str) -> Response {
    let status = response.status();
    let content_type = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let plain = content_type
        .as_deref()
        .is_none_or(|v| v.starts_with("text/plain"));
    if !status.is_client_error() || !plain {
        return response;
    }
    let (parts, body) = response.into_parts();
    let words = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => too_large.to_string(),
        s => s
            .canonical_reason()
            .unwrap_or("CLIENT_ERROR")
            .to_ascii_uppercase()
            .replace([' ', '-'], "_"),
    };
    let message = match (status, words.is_empty()) {
        (StatusCode::PAYLOAD_TOO_LARGE, _) => format!(
            "Request Entity Too Large: the body is over {} MiB",
            crate::MAX_BODY_BYTES / (1024 * 1024)
        ),
        (StatusCode::NOT_FOUND, true) => "no such resource".to_string(),
        (StatusCode::METHOD_NOT_ALLOWED, true) => "this method is not allowed here".to_string(),
        (s, true) => s.canonical_reason().unwrap_or("refused").to_string(),
        (_, false) => words,
    };
    let mut answer = ApiError::new(status, &code, message).into_response();
    // Keep what axum said about the request (`Allow` on a 405).
    for (name, value) in parts.headers.iter() {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            answer.headers_mut().insert(name.clone(), value.clone());
        }
    }
    answer
}
