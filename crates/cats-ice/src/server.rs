//! The endpoint peers post messages to: `POST /ice/v1/messages`.
//!
//! | answer | when |
//! |---|---|
//! | `200` signed receipt, `status` `accepted` | applied (or, for a duplicate, the original receipt) |
//! | `200` signed receipt, `status` `refused` | kept, changed nothing: CD906C functional NACK or CD917C content failing its schema |
//! | `409` `NOT_YET` | an earlier message of the same movement has not arrived: the sender retries |
//! | `400` `MALFORMED`, `WRONG_RECIPIENT` | the envelope cannot be read, or is for another node |
//! | `401` `UNKNOWN_PEER`, `CERTIFICATE_MISMATCH`, `BAD_SIGNATURE`, `EXPIRED` | not a peer, over mutual TLS a connection whose certificate is another node's, signature missing or wrong, outside the freshness window |
//!
//! Refusals in `400`/`401` change nothing and are not kept (there is no trusted sender to keep
//! them for); they are logged with the reason.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Router};
use chrono::Utc;
use serde_json::{json, Value};

use cats_app::ice::{receive, Inbound, Outcome};
use cats_app::App;
use cats_domain::ids::NodeId;

use crate::envelope::{self, MESSAGES_PATH, SIGNATURE_HEADER};
use crate::tls::ClientCertificate;
use crate::{schema, IceError, Network};

#[derive(Clone)]
struct Receiver {
    app: App,
    network: Arc<Network>,
    stats: Arc<ServerStats>,
}

/// What the endpoint counted since the node started (not kept: duplicates are answered from the
/// inbox and leave no other trace).
#[derive(Debug, Default)]
pub struct ServerStats {
    /// Messages answered as duplicates (with their original receipt).
    pub duplicates: std::sync::atomic::AtomicU64,
}

/// The largest envelope accepted: a control attachment (CA006C) of 2 MiB travels as base64 in
/// it.
pub const MAX_ENVELOPE_BYTES: usize = 4 * 1024 * 1024;

/// The routes peers use, to merge into the node's router.
pub fn router(app: App, network: Arc<Network>) -> Router {
    router_with_stats(app, network, Arc::default())
}

/// The same, counting into `stats`.
pub fn router_with_stats(app: App, network: Arc<Network>, stats: Arc<ServerStats>) -> Router {
    Router::new()
        .route(MESSAGES_PATH, post(accept))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_ENVELOPE_BYTES))
        .with_state(Receiver {
            app,
            network,
            stats,
        })
}

fn refuse(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let message = message.into();
    tracing::warn!(code, %message, "ICE message refused");
    (
        status,
        axum::Json(json!({ "code": code, "message": message })),
    )
        .into_response()
}

fn signed(network: &Network, receipt: String) -> Response {
    let header = envelope::sign(&network.key, Utc::now().timestamp(), receipt.as_bytes());
    let mut response = (
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        receipt,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&header) {
        response.headers_mut().insert(SIGNATURE_HEADER, v);
    }
    response
}

async fn accept(
    State(r): State<Receiver>,
    presented: Option<Extension<Option<ClientCertificate>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = Utc::now();
    let Ok(envelope) = serde_json::from_slice::<Value>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "MALFORMED", "the body is not JSON");
    };
    let Some(sender) = envelope["sender"]
        .as_str()
        .and_then(|s| NodeId::parse(s).ok())
    else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "MALFORMED",
            "no valid sender node id",
        );
    };
    let Some(peer) = r.network.peers.get(&sender) else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "UNKNOWN_PEER",
            format!(
                "node {sender} is not a peer of node {}",
                r.network.topology.node
            ),
        );
    };
    // Over mutual TLS, the connection's certificate must be the sender's.
    if let Some(Extension(presented)) = presented {
        if presented.as_ref().map(|c| &c.0) != peer.certificate_der.as_ref() {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "CERTIFICATE_MISMATCH",
                format!("the TLS client certificate is not node {sender}'s"),
            );
        }
    }
    let Some(signature) = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()) else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "BAD_SIGNATURE",
            format!("no {SIGNATURE_HEADER} header"),
        );
    };
    match envelope::verify(signature, &body, &peer.key, now, r.network.freshness) {
        Ok(()) => {}
        Err(e @ IceError::Expired { .. }) => {
            return refuse(StatusCode::UNAUTHORIZED, "EXPIRED", e.to_string())
        }
        Err(e) => return refuse(StatusCode::UNAUTHORIZED, "BAD_SIGNATURE", e.to_string()),
    }
    if envelope["recipient"].as_str() != Some(r.network.topology.node.as_str()) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "WRONG_RECIPIENT",
            format!("this is node {}", r.network.topology.node),
        );
    }
    let (Some(id), Some(kind), Some(correlation), Some(sequence)) = (
        envelope["messageId"]
            .as_str()
            .and_then(|s| uuid::Uuid::parse_str(s).ok()),
        envelope["messageType"].as_str(),
        envelope["correlation"].as_str(),
        envelope["sequence"].as_i64(),
    ) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "MALFORMED",
            "messageId, messageType, correlation and sequence are required",
        );
    };
    let inbound = Inbound {
        message_id: id,
        sender,
        message_type: kind.to_string(),
        correlation: correlation.to_string(),
        sequence,
        content: envelope["content"].clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
        received_at: now,
    };
    let problems = schema::check_envelope(&envelope);
    let outcome = if problems.is_empty() {
        receive(&r.app, inbound).await
    } else {
        cats_app::ice::receive::refuse_content(&r.app, inbound, problems).await
    };
    match outcome {
        Ok(Outcome::Answered(receipt)) => signed(&r.network, receipt),
        Ok(Outcome::Duplicate(receipt)) => {
            r.stats
                .duplicates
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            signed(&r.network, receipt)
        }
        Ok(Outcome::NotYet { expected }) => refuse(
            StatusCode::CONFLICT,
            "NOT_YET",
            format!("sequence {expected} of {correlation} has not arrived yet"),
        ),
        Err(e) => {
            tracing::error!(error = %e, "ICE message could not be applied");
            refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "UNAVAILABLE",
                "the message could not be kept now; send it again",
            )
        }
    }
}
