//! Questions to peers answered at once (CD200C guarantee check, CD094C status request): the
//! [`cats_app::ice::PeerQueries`] of a node in a network. The question travels in a signed
//! envelope like every message, with its own correlation (`Q-` and a UUID) and sequence 1; the
//! answer is the `answer` of the peer's signed receipt.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::Utc;
use serde_json::Value;
use uuid::Uuid;

use cats_app::ice::query::question_correlation;
use cats_app::ice::{IceType, PeerQueries};
use cats_app::{App, AppError};
use cats_domain::ids::NodeId;

use crate::deliver::exchange;
use crate::envelope::{Envelope, SPEC_VERSION};
use crate::{IceError, Network};

/// Asks the peers of `network` with `client` ([`Network::http_client`]).
pub struct Asker {
    network: Arc<Network>,
    client: reqwest::Client,
}

impl Asker {
    /// An asker for `network`.
    pub fn new(network: Arc<Network>, client: reqwest::Client) -> Self {
        Self { network, client }
    }

    async fn ask_now(
        &self,
        peer: &NodeId,
        kind: IceType,
        content: Value,
    ) -> Result<Value, IceError> {
        let envelope = Envelope {
            version: SPEC_VERSION.into(),
            message_id: Uuid::new_v4(),
            sender: self.network.topology.node.clone(),
            recipient: peer.clone(),
            message_type: kind.code().into(),
            correlation: question_correlation(),
            sequence: 1,
            created_at: Utc::now(),
            trace_id: Uuid::new_v4(),
            content,
        };
        let (_, receipt) = exchange(&self.network, &self.client, &envelope).await?;
        if receipt["status"] != "accepted" {
            return Err(IceError::Malformed(format!(
                "{kind} refused: {}",
                receipt["refusal"]
            )));
        }
        Ok(receipt["answer"].clone())
    }
}

impl PeerQueries for Asker {
    fn ask<'a>(
        &'a self,
        peer: &'a NodeId,
        kind: IceType,
        content: Value,
    ) -> Pin<Box<dyn Future<Output = Result<Value, AppError>> + Send + 'a>> {
        Box::pin(async move {
            self.ask_now(peer, kind, content)
                .await
                .map_err(|e| AppError::PeerUnavailable {
                    node: peer.to_string(),
                    reason: e.to_string(),
                })
        })
    }
}

/// `app` as a node of `network`: it knows the topology and asks its peers with `client`.
pub fn attach(app: App, network: &Arc<Network>, client: reqwest::Client) -> App {
    app.with_topology(Some(network.topology.clone()))
        .with_peer_queries(Arc::new(Asker::new(network.clone(), client)))
}
