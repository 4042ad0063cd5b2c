//! Mutual TLS between nodes (rustls): the ICE endpoint served on its own listener
//! (`[ice] listen`), requiring a client certificate of a configured peer, with HTTP/2 and
//! HTTP/1.1; and the delivery client presenting this node's certificate and trusting only the
//! peers' certificates. The certificates are the self-signed ones `cats ice keygen` makes (or
//! any X.509 certificate of the node's Ed25519 key); each peer's is named in its `[[ice.peers]]`
//! `certificate`.

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};

use crate::IceError;

/// The certificate (DER) a client presented in the TLS handshake of its connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCertificate(pub Vec<u8>);

/// The first certificate of a PEM file, as DER. Errors as [`server_config`].
pub fn certificate_der(path: &Path) -> Result<Vec<u8>, IceError> {
    Ok(certificates(path)?.remove(0).as_ref().to_vec())
}

fn read(path: &Path) -> Result<Vec<u8>, IceError> {
    std::fs::read(path).map_err(|e| IceError::io(path, e))
}

fn certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, IceError> {
    let pem = read(path)?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| IceError::Config(format!("{}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(IceError::Config(format!(
            "{}: no PEM certificate in it",
            path.display()
        )));
    }
    Ok(certs)
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The TLS configuration of the ICE listener: this node's certificate and key; a client
/// certificate is required and must be one of `peer_certificates`. Errors: a file cannot be
/// read or is not PEM, or rustls refuses the key or a certificate.
pub fn server_config(
    certificate: &Path,
    key: &Path,
    peer_certificates: &[&Path],
) -> Result<Arc<ServerConfig>, IceError> {
    let mut roots = RootCertStore::empty();
    for p in peer_certificates {
        for c in certificates(p)? {
            roots
                .add(c)
                .map_err(|e| IceError::Config(format!("{}: {e}", p.display())))?;
        }
    }
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
        .build()
        .map_err(|e| IceError::Config(format!("peer certificates: {e}")))?;
    let key = PrivateKeyDer::from_pem_slice(&read(key)?)
        .map_err(|e| IceError::Config(format!("{}: {e}", key.display())))?;
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| IceError::Config(format!("TLS: {e}")))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(certificates(certificate)?, key)
        .map_err(|e| IceError::Config(format!("{}: {e}", certificate.display())))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// An HTTP client presenting this node's certificate (`certificate` and `key`, PEM) and trusting
/// only `peer_certificates` (no public roots). Errors as [`server_config`].
pub fn client(
    certificate: &Path,
    key: &Path,
    peer_certificates: &[&Path],
) -> Result<reqwest::Client, IceError> {
    let mut identity = read(key)?;
    identity.extend_from_slice(&read(certificate)?);
    let identity = reqwest::Identity::from_pem(&identity)
        .map_err(|e| IceError::Config(format!("{}: {e}", certificate.display())))?;
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .identity(identity)
        .timeout(std::time::Duration::from_secs(10))
        .connect_timeout(std::time::Duration::from_secs(5));
    for p in peer_certificates {
        let cert = reqwest::Certificate::from_pem(&read(p)?)
            .map_err(|e| IceError::Config(format!("{}: {e}", p.display())))?;
        builder = builder.add_root_certificate(cert);
    }
    builder
        .build()
        .map_err(|e| IceError::Config(format!("TLS client: {e}")))
}

/// Serve `router` on `listener` with TLS until `stop` turns true. A connection whose handshake
/// fails (no client certificate, one of no peer) is dropped and logged.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Arc<ServerConfig>,
    router: Router,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    loop {
        let (tcp, from) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "ICE listener: accept failed");
                    continue;
                }
            },
            _ = stop.changed() => return,
        };
        let acceptor = acceptor.clone();
        let router = router.clone();
        tokio::spawn(async move {
            let tls = match acceptor.accept(tcp).await {
                Ok(tls) => tls,
                Err(e) => {
                    tracing::warn!(%from, error = %e, "ICE TLS handshake refused");
                    return;
                }
            };
            // The peer's certificate goes with every request of the connection, so that the
            // endpoint checks it is the certificate of the envelope's sender.
            let presented = tls
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|c| c.first())
                .map(|c| ClientCertificate(c.as_ref().to_vec()));
            let router = router.layer(axum::Extension(presented));
            let service = hyper_util::service::TowerToHyperService::new(router);
            let served =
                hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new())
                    .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                    .await;
            if let Err(e) = served {
                tracing::debug!(%from, error = %e, "ICE connection ended with an error");
            }
        });
    }
}
