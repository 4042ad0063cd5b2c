//! The envelope every ICE message travels in, and the signature over it (`docs/ice/README.md`).
//!
//! A message is sent as `POST {peer}/ice/v1/messages` with the envelope as JSON body and the
//! header `ICE-Signature: t=UNIX_SECONDS,ed25519=BASE64`, the Ed25519 signature of the sending
//! node over `UNIX_SECONDS + "." + body`. The receiver answers with a receipt, signed the same way
//! by the receiving node. `t` is when the request was signed: a retry is signed again (same body,
//! same message id, new `t`), and a request older than the freshness window is refused.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use cats_app::store::OutboxEntry;
use cats_domain::ids::NodeId;

use crate::IceError;

/// The version of the specification this node speaks (`docs/ice/README.md`).
pub const SPEC_VERSION: &str = "1.0";
/// The HTTP header carrying a signature.
pub const SIGNATURE_HEADER: &str = "ICE-Signature";
/// The path peers post messages to.
pub const MESSAGES_PATH: &str = "/ice/v1/messages";

/// The envelope: who sends what to whom, about which movement, and the content.
/// JSON Schema: `docs/ice/schemas/envelope.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Envelope {
    /// Specification version (`1.0`).
    pub version: String,
    /// Message id (UUID), the same on every delivery attempt.
    pub message_id: Uuid,
    /// Sending node.
    pub sender: NodeId,
    /// Receiving node.
    pub recipient: NodeId,
    /// Message type (`CD050C` …).
    pub message_type: String,
    /// Correlation: the MRN of the movement.
    pub correlation: String,
    /// 1, 2, … among the sender's messages to this recipient with this correlation.
    pub sequence: i64,
    /// When the message was written (UTC), at the change that caused it.
    pub created_at: DateTime<Utc>,
    /// Trace id shared by the messages of one change.
    pub trace_id: Uuid,
    /// The content, per message type (`docs/ice/messages.md`).
    pub content: Value,
}

impl Envelope {
    /// The envelope of an outbox message from `sender`. Errors: the stored content is not JSON.
    pub fn of(entry: &OutboxEntry, sender: &NodeId) -> Result<Self, IceError> {
        let m = &entry.message;
        Ok(Self {
            version: SPEC_VERSION.into(),
            message_id: m.message_id,
            sender: sender.clone(),
            recipient: m.peer.clone(),
            message_type: m.message_type.clone(),
            correlation: m.correlation.clone(),
            sequence: entry.sequence,
            created_at: m.created_at,
            trace_id: m.trace_id,
            content: serde_json::from_str(&m.payload)
                .map_err(|e| IceError::Malformed(format!("stored content: {e}")))?,
        })
    }
}

/// The `ICE-Signature` value for `body` signed at `t` (UNIX seconds).
pub fn sign(key: &SigningKey, t: i64, body: &[u8]) -> String {
    let signature = key.sign(&signed_bytes(t, body));
    format!(
        "t={t},ed25519={}",
        base64::engine::general_purpose::STANDARD.encode(signature.to_bytes())
    )
}

fn signed_bytes(t: i64, body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("{t}.").into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Check an `ICE-Signature` value over `body` with `key`, and that it was made within
/// `freshness` of `now` (either way). Errors: [`IceError::BadSignature`] (malformed header or
/// signature that does not verify), [`IceError::Expired`].
pub fn verify(
    header: &str,
    body: &[u8],
    key: &VerifyingKey,
    now: DateTime<Utc>,
    freshness: chrono::Duration,
) -> Result<(), IceError> {
    let mut t = None;
    let mut sig = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("ed25519", v)) => sig = Some(v),
            _ => {}
        }
    }
    let (Some(t), Some(sig)) = (t, sig) else {
        return Err(IceError::BadSignature(format!(
            "{SIGNATURE_HEADER} must be t=UNIX_SECONDS,ed25519=BASE64"
        )));
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(sig)
        .map_err(|_| IceError::BadSignature("the signature is not base64".into()))?;
    let signature = Signature::from_slice(&bytes)
        .map_err(|_| IceError::BadSignature("the signature is not 64 bytes".into()))?;
    key.verify(&signed_bytes(t, body), &signature)
        .map_err(|_| IceError::BadSignature("the signature does not verify".into()))?;
    let age = now.timestamp() - t;
    if age.abs() > freshness.num_seconds() {
        return Err(IceError::Expired {
            age_secs: age,
            window_secs: freshness.num_seconds(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7; 32])
    }

    #[test]
    fn a_signature_verifies_and_nothing_else_does() {
        let now = Utc::now();
        let h = sign(&key(), now.timestamp(), b"{}");
        let public = key().verifying_key();
        let window = chrono::Duration::minutes(5);
        verify(&h, b"{}", &public, now, window).unwrap();
        assert!(matches!(
            verify(&h, b"{ }", &public, now, window),
            Err(IceError::BadSignature(_))
        ));
        let other = SigningKey::from_bytes(&[8; 32]).verifying_key();
        assert!(matches!(
            verify(&h, b"{}", &other, now, window),
            Err(IceError::BadSignature(_))
        ));
        assert!(matches!(
            verify(
                &h,
                b"{}",
                &public,
                now + chrono::Duration::minutes(6),
                window
            ),
            Err(IceError::Expired { .. })
        ));
        assert!(matches!(
            verify("t=1", b"{}", &public, now, window),
            Err(IceError::BadSignature(_))
        ));
    }
}
