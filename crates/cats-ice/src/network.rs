//! The ICE network a node belongs to: `[ice]` in `cats.toml`.
//!
//! ```toml
//! [ice]
//! node = "KZ"                       # this node's id
//! countries = ["KZ"]                # countries whose offices it hosts
//! key = "ice/node.key"              # its Ed25519 key (cats ice keygen), relative to the file
//! certificate = "ice/node.crt"      # its certificate (mutual TLS)
//! freshness_secs = 300              # signatures older (or newer) than this are refused
//! retry_first_secs = 2              # first retry after a failed delivery, doubling …
//! retry_max_secs = 600              # … up to this
//! poll_ms = 200                     # how often the delivery worker looks at the outbox
//! listen = "0.0.0.0:9443"           # serve ICE here over mutual TLS (absent: on the web port)
//!
//! [[ice.peers]]
//! node = "AZ"
//! countries = ["AZ"]
//! url = "https://cats.customs.gov.az:9443"
//! public_key = "Vb0m…="             # base64, the content of its node.pub
//! certificate = "peers/az.crt"      # its node.crt: trusted for mutual TLS both ways
//! ```
//!
//! With `listen`, the ICE endpoint is served only there, with TLS 1.2/1.3 (rustls) and HTTP/2,
//! and a client must present the certificate of a configured peer; this node presents its own
//! `certificate` to peers that have one configured. Every peer then needs a `certificate`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::Deserialize;

use cats_app::ice::Topology;
use cats_domain::ids::{CountryCode, NodeId};

use crate::{keys, IceError};

/// The `[ice]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IceSection {
    /// This node's id.
    pub node: String,
    /// Countries whose offices this node hosts (ISO 3166-1 alpha-2).
    pub countries: Vec<String>,
    /// Path of its private key (PKCS#8 PEM), relative to the configuration file's directory.
    pub key: PathBuf,
    /// Path of its certificate (PEM), presented for mutual TLS (required with `listen`).
    #[serde(default)]
    pub certificate: Option<PathBuf>,
    /// Freshness window of signatures, seconds either way (default 300).
    #[serde(default = "default_freshness")]
    pub freshness_secs: u64,
    /// First retry after a failed delivery, seconds (default 2); doubles each time.
    #[serde(default = "default_first")]
    pub retry_first_secs: u64,
    /// Longest wait between retries, seconds (default 600).
    #[serde(default = "default_max")]
    pub retry_max_secs: u64,
    /// How often the delivery worker looks for due messages, milliseconds (default 200).
    #[serde(default = "default_poll")]
    pub poll_ms: u64,
    /// Where to serve the ICE endpoint over mutual TLS; absent: on the web listener, plain HTTP
    /// (signatures only).
    #[serde(default)]
    pub listen: Option<std::net::SocketAddr>,
    /// The other nodes.
    #[serde(default)]
    pub peers: Vec<PeerSection>,
}

fn default_freshness() -> u64 {
    300
}
fn default_first() -> u64 {
    2
}
fn default_max() -> u64 {
    600
}
fn default_poll() -> u64 {
    200
}

/// One `[[ice.peers]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerSection {
    /// The peer's node id.
    pub node: String,
    /// Countries whose offices it hosts.
    pub countries: Vec<String>,
    /// Its base URL (messages go to `{url}/ice/v1/messages`).
    pub url: String,
    /// Its Ed25519 public key, base64 of 32 bytes (its `node.pub`).
    pub public_key: String,
    /// Its certificate (PEM, its `node.crt`), trusted for mutual TLS; relative to the file.
    #[serde(default)]
    pub certificate: Option<PathBuf>,
}

/// A peer node as this node knows it.
#[derive(Debug, Clone)]
pub struct Peer {
    /// Its id.
    pub node: NodeId,
    /// Its base URL, without a trailing `/`.
    pub url: String,
    /// Its public key.
    pub key: VerifyingKey,
    /// Countries it hosts.
    pub countries: BTreeSet<CountryCode>,
    /// Its certificate file, for mutual TLS.
    pub certificate: Option<PathBuf>,
    /// That certificate (DER): a connection presenting it may only carry this peer's envelopes.
    pub certificate_der: Option<Vec<u8>>,
}

/// The network as this node runs in it.
#[derive(Debug, Clone)]
pub struct Network {
    /// Who hosts what.
    pub topology: Topology,
    /// This node's signing key (never logged or shown).
    pub key: SigningKey,
    /// The peers by id.
    pub peers: BTreeMap<NodeId, Peer>,
    /// Freshness window of signatures.
    pub freshness: chrono::Duration,
    /// First retry delay.
    pub retry_first: chrono::Duration,
    /// Longest retry delay.
    pub retry_max: chrono::Duration,
    /// Delivery worker's polling interval.
    pub poll: std::time::Duration,
    /// Where the ICE endpoint is served over mutual TLS, if it is.
    pub listen: Option<std::net::SocketAddr>,
    /// This node's key file (PKCS#8 PEM).
    pub key_path: PathBuf,
    /// This node's certificate file, if configured.
    pub certificate: Option<PathBuf>,
}

fn countries(list: &[String], whose: &str) -> Result<BTreeSet<CountryCode>, IceError> {
    list.iter()
        .map(|c| {
            CountryCode::parse(c)
                .map_err(|e| IceError::Config(format!("{whose}: country {c:?}: {e}")))
        })
        .collect()
}

fn node_id(s: &str, whose: &str) -> Result<NodeId, IceError> {
    NodeId::parse(s).map_err(|e| IceError::Config(format!("{whose}: node {s:?}: {e}")))
}

impl Network {
    /// The network of an `[ice]` table; paths are relative to `base` (the configuration file's
    /// directory). Errors: a node id or country that does not parse, a country hosted twice, a
    /// peer named twice or named like this node, a key that cannot be read.
    pub fn from_section(section: &IceSection, base: &Path) -> Result<Self, IceError> {
        let node = node_id(&section.node, "[ice]")?;
        let hosted = countries(&section.countries, "[ice]")?;
        if hosted.is_empty() {
            return Err(IceError::Config(
                "[ice] countries: at least one is needed".into(),
            ));
        }
        let resolve = |p: &Path| {
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                base.join(p)
            }
        };
        let key_path = resolve(&section.key);
        let certificate = section.certificate.as_deref().map(resolve);
        let key = keys::load(&key_path)?;
        let mut peers = BTreeMap::new();
        let mut by_country = BTreeMap::new();
        for p in &section.peers {
            let whose = format!("[[ice.peers]] {}", p.node);
            let id = node_id(&p.node, &whose)?;
            if id == node {
                return Err(IceError::Config(format!("{whose}: that is this node's id")));
            }
            let list = countries(&p.countries, &whose)?;
            for c in &list {
                if hosted.contains(c) || by_country.insert(*c, id.clone()).is_some() {
                    return Err(IceError::Config(format!(
                        "{whose}: country {c} is hosted by two nodes"
                    )));
                }
            }
            let key = keys::parse_public_key(&p.public_key)
                .map_err(|e| IceError::Config(format!("{whose}: {e}")))?;
            if section.listen.is_some() && p.certificate.is_none() {
                return Err(IceError::Config(format!(
                    "{whose}: a certificate is needed to accept it over mutual TLS ([ice] listen)"
                )));
            }
            let peer = Peer {
                node: id.clone(),
                url: p.url.trim_end_matches('/').to_string(),
                key,
                countries: list,
                certificate: p.certificate.as_deref().map(resolve),
                certificate_der: p
                    .certificate
                    .as_deref()
                    .map(|c| crate::tls::certificate_der(&resolve(c)))
                    .transpose()?,
            };
            if peers.insert(id, peer).is_some() {
                return Err(IceError::Config(format!("{whose}: named twice")));
            }
        }
        Ok(Self {
            topology: Topology {
                node,
                hosted,
                peers: by_country,
            },
            key,
            peers,
            freshness: chrono::Duration::seconds(section.freshness_secs as i64),
            retry_first: chrono::Duration::seconds(section.retry_first_secs.max(1) as i64),
            retry_max: chrono::Duration::seconds(section.retry_max_secs.max(1) as i64),
            poll: std::time::Duration::from_millis(section.poll_ms.max(10)),
            listen: section.listen,
            key_path,
            certificate,
        })
        .and_then(|n| {
            if n.listen.is_some() && n.certificate.is_none() {
                return Err(IceError::Config(
                    "[ice] listen: this node's certificate is needed for mutual TLS".into(),
                ));
            }
            Ok(n)
        })
    }

    fn peer_certificates(&self) -> Vec<&Path> {
        self.peers
            .values()
            .filter_map(|p| p.certificate.as_deref())
            .collect()
    }

    /// The HTTP client for delivering to peers: presenting this node's certificate and trusting
    /// only the peers' when both are configured (mutual TLS), else the default client.
    pub fn http_client(&self) -> Result<reqwest::Client, IceError> {
        let peers = self.peer_certificates();
        match &self.certificate {
            Some(cert) if !peers.is_empty() => crate::tls::client(cert, &self.key_path, &peers),
            _ => Ok(crate::deliver::client()),
        }
    }

    /// The TLS configuration of the ICE listener, when `listen` is set.
    pub fn tls_server(&self) -> Result<Option<std::sync::Arc<rustls::ServerConfig>>, IceError> {
        match (&self.listen, &self.certificate) {
            (Some(_), Some(cert)) => Ok(Some(crate::tls::server_config(
                cert,
                &self.key_path,
                &self.peer_certificates(),
            )?)),
            _ => Ok(None),
        }
    }

    /// The wait before attempt `attempts + 1` after `attempts` failed ones: the first retry
    /// after `retry_first`, doubling, at most `retry_max`.
    pub fn backoff(&self, attempts: i64) -> chrono::Duration {
        let factor = 1i64 << attempts.clamp(0, 20);
        (self.retry_first * factor as i32).min(self.retry_max)
    }
}
