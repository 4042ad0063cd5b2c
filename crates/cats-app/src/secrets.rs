//! The node's own secrets (issue 15): made at its first start, kept in its database (and so in
//! its backups and in `cats db copy`), never logged or shown.
//!
//! * [`RISK_DRAW_KEY`]: the key of the random risk selection's draw
//!   ([`cats_domain::risk::draw`]), so that no trader can compute its outcome from its MRN.
//!
//! Also the secrets the node keeps of others, at rest: access codes as argon2id hashes
//! ([`new_access_code_hash`]; legacy SHA-256 hashes wrapped when the node opens,
//! [`wrap_legacy_access_codes`]).

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

    /// The guarantees whose access code hash is still a legacy SHA-256 one (64 hexadecimal
    /// digits): GRN and hash.
    async fn legacy_access_code_hashes(
        &self,
    ) -> Result<Vec<(cats_domain::ids::Grn, String)>, StoreError>;

    /// Replace the access code hash of `grn` by `new` if it is still `old`; whether it was.
    async fn replace_access_code_hash(
        &self,
        grn: &cats_domain::ids::Grn,
        old: &str,
        new: &str,
    ) -> Result<bool, StoreError>;
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

/// The argon2id hash of a new access code of `grn`, with a fresh random salt
/// ([`cats_domain::ledger::hash_access_code`]).
pub fn new_access_code_hash(grn: &str, code: &str) -> String {
    cats_domain::ledger::hash_access_code(grn, code, &rand::random())
}

/// Wrap every legacy SHA-256 access code hash still stored in argon2id
/// ([`cats_domain::ledger::wrap_legacy_access_code_hash`]); run when the node opens. Returns
/// how many were wrapped. Needs nothing but the stored hashes.
pub async fn wrap_legacy_access_codes<S: SecretStore + ?Sized>(
    store: &S,
) -> Result<u64, StoreError> {
    let mut wrapped = 0;
    for (grn, old) in store.legacy_access_code_hashes().await? {
        let new = cats_domain::ledger::wrap_legacy_access_code_hash(&old, &rand::random());
        if store.replace_access_code_hash(&grn, &old, &new).await? {
            wrapped += 1;
        }
    }
    Ok(wrapped)
}
