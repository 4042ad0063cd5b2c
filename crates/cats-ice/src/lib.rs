//! ICE transport between national CATS nodes (issue 12; specification in `docs/ice/`): node keys
//! ([`keys`]), the signed envelope and receipts ([`envelope`]), the network a node belongs to
//! ([`network`], from `[ice]` in `cats.toml`), the published JSON Schemas ([`schema`]), the
//! endpoint peers post to ([`server`], over mutual TLS with [`tls`]) and the worker that delivers
//! the outbox ([`deliver`]).
//! What a message does is the use cases' (`cats_app::ice`).

#![warn(missing_docs)]

use std::path::Path;

pub mod ask;
pub mod deliver;
pub mod envelope;
pub mod keys;
pub mod network;
pub mod schema;
pub mod server;
pub mod tls;

pub use network::{IceSection, Network, PeerSection};

/// Why an ICE operation failed.
#[derive(Debug, thiserror::Error)]
pub enum IceError {
    /// The `[ice]` configuration or a key is wrong.
    #[error("ICE configuration: {0}")]
    Config(String),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A message or receipt is not what the specification says.
    #[error("malformed: {0}")]
    Malformed(String),
    /// A signature is missing, malformed or does not verify.
    #[error("bad signature: {0}")]
    BadSignature(String),
    /// A signature was made outside the freshness window.
    #[error("signed {age_secs} s before receipt; the window is {window_secs} s")]
    Expired {
        /// Seconds between signing and receipt (negative: in the future).
        age_secs: i64,
        /// The window, seconds either way.
        window_secs: i64,
    },
}

impl IceError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.display().to_string(),
            source,
        }
    }
}
