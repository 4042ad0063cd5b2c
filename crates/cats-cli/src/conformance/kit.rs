//! The conformance kit's side of the wire: it plays a peer node, signs what it sends with its
//! own key (or, on purpose, with a wrong one, too late, or not at all), and checks each answer:
//! status, error code, and for a receipt its signature, digest and schema.

use chrono::{DateTime, Utc};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use cats_domain::ids::NodeId;
use cats_ice::envelope::{sign, verify, MESSAGES_PATH, SIGNATURE_HEADER, SPEC_VERSION};

/// How to sign a request (the usual way, or wrong on purpose).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    /// With the kit's key, now.
    Proper,
    /// With a key the target does not know.
    Stranger,
    /// Properly, over other bytes than those sent.
    Tampered,
    /// Properly, `secs` seconds ago (negative: in the future).
    Aged(i64),
    /// No signature header.
    None,
}

/// What the target answered.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The body as JSON (`Null` when it is not JSON).
    pub body: Value,
    /// The body as sent.
    pub text: String,
    /// Problems with a `200` receipt: signature, digest, schema, message id.
    pub receipt_problems: Vec<String>,
}

impl Answer {
    /// `status` of the receipt (`accepted`, `refused`), if it is one.
    pub fn receipt_status(&self) -> Option<&str> {
        self.body["status"].as_str()
    }

    /// The refusal's message type and first code (`("CD906C", 90)`).
    pub fn refusal(&self) -> Option<(String, i64)> {
        let r = &self.body["refusal"];
        Some((
            r["messageType"].as_str()?.to_string(),
            r["functionalErrors"][0]["code"].as_i64()?,
        ))
    }

    /// The error code of a `4xx` answer (`UNKNOWN_PEER` …).
    pub fn code(&self) -> Option<&str> {
        self.body["code"].as_str()
    }

    /// One line for the report.
    pub fn describe(&self) -> String {
        let snippet: String = self.text.chars().take(600).collect();
        format!("HTTP {}: {snippet}", self.status)
    }
}

/// A peer node played by the kit.
pub struct Kit {
    client: reqwest::Client,
    /// The target's base URL.
    pub target: String,
    /// The target's node id.
    pub target_node: NodeId,
    /// The target's public key, to check receipts (`None`: receipts' signatures not checked).
    pub target_key: Option<VerifyingKey>,
    /// The node id the target knows the kit by.
    pub me: NodeId,
    key: SigningKey,
}

impl Kit {
    /// A kit speaking to `target` as `me` with `key`.
    pub fn new(
        target: &str,
        target_node: NodeId,
        target_key: Option<VerifyingKey>,
        me: NodeId,
        key: SigningKey,
    ) -> Self {
        Self {
            client: cats_ice::deliver::client(),
            target: target.trim_end_matches('/').to_string(),
            target_node,
            target_key,
            me,
            key,
        }
    }

    /// An envelope from the kit to the target.
    pub fn envelope(&self, kind: &str, correlation: &str, sequence: i64, content: Value) -> Value {
        json!({
            "version": SPEC_VERSION,
            "messageId": Uuid::new_v4(),
            "sender": self.me,
            "recipient": self.target_node,
            "messageType": kind,
            "correlation": correlation,
            "sequence": sequence,
            "createdAt": Utc::now(),
            "traceId": Uuid::new_v4(),
            "content": content,
        })
    }

    /// Send `body` signed as `signing` says, and read the answer.
    pub async fn send_bytes(&self, body: &[u8], signing: Signing) -> anyhow::Result<Answer> {
        let now = Utc::now().timestamp();
        let signature = match signing {
            Signing::Proper => Some(sign(&self.key, now, body)),
            Signing::Stranger => Some(sign(&SigningKey::from_bytes(&[42; 32]), now, body)),
            Signing::Tampered => {
                let mut other = body.to_vec();
                other.extend_from_slice(b" ");
                Some(sign(&self.key, now, &other))
            }
            Signing::Aged(secs) => Some(sign(&self.key, now - secs, body)),
            Signing::None => None,
        };
        let mut request = self
            .client
            .post(format!("{}{MESSAGES_PATH}", self.target))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_vec());
        if let Some(s) = signature {
            request = request.header(SIGNATURE_HEADER, s);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let header = response
            .headers()
            .get(SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let text = response.text().await?;
        let body_json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let mut problems = Vec::new();
        if status == 200 {
            problems.extend(cats_ice::schema::check_receipt(&body_json));
            let digest = format!("sha256:{}", hex::encode(Sha256::digest(body)));
            if body_json["digest"].as_str() != Some(digest.as_str()) {
                problems.push("the receipt's digest is not the SHA-256 of the envelope".into());
            }
            let sent: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            if body_json["messageId"] != sent["messageId"] {
                problems.push("the receipt names another message id".into());
            }
            match (&self.target_key, header) {
                (Some(key), Some(h)) => {
                    if let Err(e) = verify(
                        &h,
                        text.as_bytes(),
                        key,
                        Utc::now(),
                        chrono::Duration::minutes(5),
                    ) {
                        problems.push(format!("receipt signature: {e}"));
                    }
                }
                (Some(_), None) => problems.push("the receipt is not signed".into()),
                (None, _) => {}
            }
        }
        Ok(Answer {
            status,
            body: body_json,
            text,
            receipt_problems: problems,
        })
    }

    /// Send an envelope, properly signed unless `signing` says otherwise.
    pub async fn send(&self, envelope: &Value, signing: Signing) -> anyhow::Result<Answer> {
        self.send_bytes(&serde_json::to_vec(envelope)?, signing)
            .await
    }
}

/// A signed receipt the kit answers the target's messages with (its own endpoint, `--self`).
pub fn receipt(me: &NodeId, envelope: &Value, body: &[u8], at: DateTime<Utc>) -> String {
    json!({
        "messageId": envelope["messageId"],
        "messageType": envelope["messageType"],
        "sender": envelope["sender"],
        "receiver": me,
        "digest": format!("sha256:{}", hex::encode(Sha256::digest(body))),
        "receivedAt": at,
        "status": "accepted",
    })
    .to_string()
}
