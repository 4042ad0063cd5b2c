//! The delivery worker: takes due messages from the outbox, signs and posts each to its peer,
//! checks the signed receipt, and records the outcome; a failed attempt is retried with
//! exponential backoff under the same message id. Several instances on one PostgreSQL database
//! share the outbox (each message is claimed by one).

use std::sync::Arc;

use chrono::Utc;
use futures_util::StreamExt as _;
use sha2::{Digest, Sha256};

use cats_app::store::{OutboxEntry, Settlement};
use cats_app::App;

use crate::envelope::{self, Envelope, MESSAGES_PATH, SIGNATURE_HEADER};
use crate::{schema, IceError, Network};

/// How long a claimed message is held by the instance that claimed it: longer than an attempt
/// can take (10 s request time-out, 5 s to connect). A node killed mid-attempt leaves its claims,
/// which another instance (or the restarted node) takes over once they lapse.
pub const CLAIM_LEASE: chrono::Duration = chrono::Duration::seconds(20);

/// Messages posted at once by one round (each of a different movement or peer).
pub const IN_FLIGHT: usize = 16;

/// What one round delivered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// Messages attempted.
    pub attempted: usize,
    /// Delivered (receipt `accepted`).
    pub delivered: usize,
    /// Refused by the peer (NACK receipt).
    pub refused: usize,
    /// Failed, to be retried.
    pub failed: usize,
}

/// An HTTP client for peers (time-outs of 10 s).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .connect_timeout(std::time::Duration::from_secs(5))
        .build()
        .expect("HTTP client")
}

/// Deliver what is due now, once. Errors only when the store fails.
pub async fn round(
    app: &App,
    network: &Network,
    client: &reqwest::Client,
) -> Result<Round, cats_app::store::StoreError> {
    let now = Utc::now();
    let due = app
        .store()
        .ice_claim_due(now, app.instance(), CLAIM_LEASE, 50)
        .await?;
    let mut round = Round::default();
    if due.is_empty() {
        return Ok(round);
    }
    // Peers inside a window they announced (CD070C): not tried, due at its end.
    let announced = cats_app::ice::unavailability::announced(app, now)
        .await
        .unwrap_or_default();
    let mut deferred: Vec<cats_domain::ids::NodeId> = Vec::new();
    let mut sending = Vec::new();
    for entry in due {
        round.attempted += 1;
        if let Some(w) = announced.get(&entry.message.peer).filter(|w| w.from <= now) {
            if !deferred.contains(&entry.message.peer) {
                deferred.push(entry.message.peer.clone());
            }
            let wait = Settlement::Retry {
                next: w.to,
                error: format!(
                    "node {} announced it is unavailable until {} ({})",
                    entry.message.peer, w.to, w.reason
                ),
            };
            round.failed += 1;
            app.store()
                .ice_settle(entry.message.message_id, &wait)
                .await?;
            continue;
        }
        sending.push(entry);
    }
    // Messages of different movements (or peers) go at once; a movement's next message waits
    // for its previous one's receipt, because the outbox claims only the first pending message
    // of each movement and peer.
    let settled: Vec<Result<Settlement, cats_app::store::StoreError>> =
        futures_util::stream::iter(sending)
            .map(|entry| async move {
                let settlement = match attempt(network, client, &entry).await {
                    Ok(s) => s,
                    Err(e) => Settlement::Retry {
                        next: Utc::now() + network.backoff(entry.attempts),
                        error: e.to_string(),
                    },
                };
                if let Settlement::Retry { error, .. } = &settlement {
                    tracing::info!(
                        message = %entry.message.message_id,
                        peer = %entry.message.peer,
                        attempts = entry.attempts + 1,
                        %error,
                        "ICE delivery failed; will retry"
                    );
                }
                app.store()
                    .ice_settle(entry.message.message_id, &settlement)
                    .await?;
                Ok(settlement)
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
    for settlement in settled {
        match settlement? {
            Settlement::Delivered { .. } => round.delivered += 1,
            Settlement::Refused { .. } => round.refused += 1,
            Settlement::Retry { .. } => round.failed += 1,
        }
    }
    // A CD071C that came while these were deferred to the window's end found them claimed and
    // left them: make them due now if the window has ended meanwhile.
    if !deferred.is_empty() {
        let now = Utc::now();
        let still = cats_app::ice::unavailability::announced(app, now)
            .await
            .unwrap_or_default();
        for peer in deferred {
            if still.get(&peer).is_none_or(|w| w.from > now) {
                app.store().ice_reschedule(&peer, now).await?;
            }
        }
    }
    Ok(round)
}

/// Post one message and read its receipt.
async fn attempt(
    network: &Network,
    client: &reqwest::Client,
    entry: &OutboxEntry,
) -> Result<Settlement, IceError> {
    let envelope = Envelope::of(entry, &network.topology.node)?;
    let (text, receipt) = exchange(network, client, &envelope).await?;
    let at = Utc::now();
    Ok(if receipt["status"] == "accepted" {
        Settlement::Delivered { receipt: text, at }
    } else {
        Settlement::Refused { receipt: text, at }
    })
}

/// Post `envelope` to its recipient, signed, and read the receipt: its signature by the
/// recipient within the freshness window, its schema, and that it is for this message (id and
/// digest). The receipt as received and as JSON.
pub async fn exchange(
    network: &Network,
    client: &reqwest::Client,
    envelope: &Envelope,
) -> Result<(String, serde_json::Value), IceError> {
    let peer = network.peers.get(&envelope.recipient).ok_or_else(|| {
        IceError::Config(format!(
            "node {} is not a configured peer",
            envelope.recipient
        ))
    })?;
    let body =
        serde_json::to_vec(envelope).map_err(|e| IceError::Malformed(format!("envelope: {e}")))?;
    let signature = envelope::sign(&network.key, Utc::now().timestamp(), &body);
    let response = client
        .post(format!("{}{MESSAGES_PATH}", peer.url))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature)
        .body(body.clone())
        .send()
        .await
        .map_err(|e| IceError::Malformed(format!("peer {} unreachable: {e}", peer.node)))?;
    let status = response.status();
    let header = response
        .headers()
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let text = response
        .text()
        .await
        .map_err(|e| IceError::Malformed(format!("reading the answer: {e}")))?;
    if !status.is_success() {
        let snippet: String = text.chars().take(300).collect();
        return Err(IceError::Malformed(format!(
            "peer answered {status}: {snippet}"
        )));
    }
    let header = header.ok_or_else(|| IceError::BadSignature("receipt not signed".into()))?;
    envelope::verify(
        &header,
        text.as_bytes(),
        &peer.key,
        Utc::now(),
        network.freshness,
    )?;
    let receipt: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| IceError::Malformed(format!("receipt is not JSON: {e}")))?;
    let problems = schema::check_receipt(&receipt);
    if !problems.is_empty() {
        return Err(IceError::Malformed(format!(
            "receipt: {}",
            problems.join("; ")
        )));
    }
    let digest = format!("sha256:{}", hex::encode(Sha256::digest(&body)));
    if receipt["messageId"].as_str() != Some(&envelope.message_id.to_string())
        || receipt["digest"].as_str() != Some(digest.as_str())
    {
        // A duplicate is answered with the original receipt: same id, and the same body (the
        // envelope is rebuilt identically from the outbox row), so the same digest.
        return Err(IceError::Malformed(
            "the receipt is not for this message (id or digest differ)".into(),
        ));
    }
    Ok((text, receipt))
}

/// Deliver with `client` ([`Network::http_client`]) until `stop` turns true: a round every
/// `network.poll`, at once again after a round that delivered something.
pub async fn run(
    app: App,
    network: Arc<Network>,
    client: reqwest::Client,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        match round(&app, &network, &client).await {
            // Delivered something: the next message of the same movement may be due now.
            Ok(r) if r.delivered + r.refused > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "ICE delivery round failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(network.poll) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}
