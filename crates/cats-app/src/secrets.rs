//! The node's own secrets (issue 15): made at its first start, kept in its database (and so in
//! its backups and in `cats db copy`), never logged or shown.
//!
//! * [`RISK_DRAW_KEY`]: the key of the random risk selection's draw
//!   ([`cats_domain::risk::draw`]), so that no trader can compute its outcome from its MRN.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::store::StoreError;

/// Name of the risk selection's draw key (32 bytes).
pub const RISK_DRAW_KEY: &str = "risk-draw-key";

/// One named secret of the node. Its `Debug` shows the name only.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeSecret {
    /// What it is for ([`RISK_DRAW_KEY`]).
    pub name: String,
    /// Its bytes.
    pub value: Vec<u8>,
}

impl std::fmt::Debug for NodeSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeSecret({}, …)", self.name)
    }
}

/// Where the node keeps its secrets.
#[async_trait]
pub trait SecretStore {
    /// The secret named `name`; `fresh` is stored first when there is none yet (the node's first
    /// start). Concurrent first starts agree on one value: the one stored first.
    async fn node_secret(&self, name: &str, fresh: &[u8]) -> Result<Vec<u8>, StoreError>;
}

/// The node's risk draw key: the stored one, or a new random one stored now.
pub async fn risk_draw_key<S: SecretStore + ?Sized>(
    store: &S,
) -> Result<cats_domain::risk::DrawKey, StoreError> {
    let fresh: [u8; 32] = rand::random();
    let bytes = store.node_secret(RISK_DRAW_KEY, &fresh).await?;
    let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
        StoreError::corrupt(format!(
            "node secret {RISK_DRAW_KEY} has {} bytes, not 32",
            bytes.len()
        ))
    })?;
    Ok(cats_domain::risk::DrawKey::from_bytes(key))
}
