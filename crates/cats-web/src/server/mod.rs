//! Serving the node (issue 15): plain HTTP or HTTPS with rustls (HTTP/1.1 and HTTP/2 by ALPN),
//! security headers on every response, a time-out on every request, a bound on requests in
//! flight, rate limits ([`rate`]), and a graceful shutdown that stops accepting, finishes what
//! is in flight, then returns.
//!
//! Settings come from `CATS_*` variables ([`Limits::from_env`]); `cats serve --tls-cert FILE
//! --tls-key FILE` turns HTTPS on ([`tls_config`]).

pub mod connections;
pub mod metrics;
pub mod rate;

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::error::ApiError;

/// The limits of a serving node; every one has a default and a `CATS_*` variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Longest time to answer one request (`CATS_REQUEST_TIMEOUT_SECONDS`, default 30); past
    /// it, `503`.
    pub request_timeout: Duration,
    /// Longest time to receive a request's body (`CATS_BODY_TIMEOUT_SECONDS`, default 10); past
    /// it, `408`: a client that stops sending does not hold the node.
    pub body_timeout: Duration,
    /// Most requests handled at once (`CATS_MAX_IN_FLIGHT`, default 512); one more gets `503`
    /// with `Retry-After: 1` at once rather than waiting.
    pub max_in_flight: usize,
    /// Most connections open at once (`CATS_MAX_CONNECTIONS`, default 1024); one more is closed
    /// at once ([`connections::Capped`]).
    pub max_connections: usize,
    /// Longest time to read a request's headers on a connection (`CATS_HEADER_TIMEOUT_SECONDS`,
    /// default 10): a slow client's connection is closed.
    pub header_timeout: Duration,
    /// How long a shutdown waits for requests in flight (`CATS_SHUTDOWN_GRACE_SECONDS`, default
    /// 30) before it closes what is left.
    pub shutdown_grace: Duration,
    /// Requests per minute, per client address or per token ([`rate::RateLimits`]).
    pub rate: rate::RateLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(10),
            max_in_flight: 512,
            max_connections: 1024,
            header_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(30),
            rate: rate::RateLimits::default(),
        }
    }
}

/// A whole number above 0 from the variable `name`, or `None` when it is not set. Errors: the
/// variable and what it should be.
pub(crate) fn env_number(name: &str) -> Result<Option<u64>, String> {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| format!("{name}={v}: give a whole number above 0")),
        Err(_) => Ok(None),
    }
}

impl Limits {
    /// The defaults, changed by the `CATS_*` variables that are set. Errors: a variable that is
    /// not a whole number above 0, named.
    pub fn from_env() -> Result<Self, String> {
        let mut l = Self::default();
        if let Some(n) = env_number("CATS_REQUEST_TIMEOUT_SECONDS")? {
            l.request_timeout = Duration::from_secs(n);
        }
        if let Some(n) = env_number("CATS_BODY_TIMEOUT_SECONDS")? {
            l.body_timeout = Duration::from_secs(n);
        }
        if let Some(n) = env_number("CATS_MAX_IN_FLIGHT")? {
            l.max_in_flight = n as usize;
        }
        if let Some(n) = env_number("CATS_MAX_CONNECTIONS")? {
            l.max_connections = n as usize;
        }
        if let Some(n) = env_number("CATS_HEADER_TIMEOUT_SECONDS")? {
            l.header_timeout = Duration::from_secs(n);
        }
        if let Some(n) = env_number("CATS_SHUTDOWN_GRACE_SECONDS")? {
            l.shutdown_grace = Duration::from_secs(n);
        }
        l.rate = rate::RateLimits::from_env()?;
        Ok(l)
    }
}

/// A TLS server configuration (rustls), as [`tls_config`] makes it.
pub type TlsConfig = Arc<rustls::ServerConfig>;

/// The TLS configuration of `cats serve --tls-cert FILE --tls-key FILE`: the certificate chain
/// and its private key (PEM), TLS 1.2 and 1.3 (rustls's safe defaults, ring), ALPN `h2` then
/// `http/1.1`. Errors: a file that cannot be read or holds no PEM certificate or key, or a key
/// that does not fit the certificate, each naming the file.
pub fn tls_config(cert: &Path, key: &Path) -> Result<TlsConfig, String> {
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let certs = CertificateDer::pem_slice_iter(&read(cert)?)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no PEM certificate in it", cert.display()));
    }
    let private = PrivateKeyDer::from_pem_slice(&read(key)?)
        .map_err(|e| format!("{}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, private)
        .map_err(|e| format!("{} and {}: {e}", cert.display(), key.display()))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// `router` with what every served response needs: `X-Content-Type-Options: nosniff` and
/// `Referrer-Policy: no-referrer` (the pages keep their own stricter headers), HSTS for a year
/// when served over TLS, the request time-outs, the bound on requests in flight and the rate
/// limits of `limits`.
pub fn harden(router: Router, app: cats_app::App, limits: &Limits, tls: bool) -> Router {
    let in_flight = Arc::new(tokio::sync::Semaphore::new(limits.max_in_flight));
    let limiter = rate::Limiter::new(app, &limits.rate);
    let mut router = router
        .layer(axum::middleware::from_fn_with_state(limiter, rate::limit))
        .layer(axum::middleware::from_fn_with_state(
            limits.body_timeout,
            receive_body,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            limits.request_timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(in_flight, bound))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("no-referrer"),
        ));
    if tls {
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ));
    }
    router
}

/// The largest body any route takes (the reference import's 32 MiB), read here in full.
const LARGEST_BODY: usize = 33 * 1024 * 1024;

/// Receive the request's whole body within `body_timeout` before any handler runs: `408
/// REQUEST_TIMEOUT` when it does not arrive in time, `413 PAYLOAD_TOO_LARGE` above any route's
/// limit. The routes' own limits still apply to what was received.
async fn receive_body(
    State(body_timeout): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let read = tokio::time::timeout(body_timeout, axum::body::to_bytes(body, LARGEST_BODY)).await;
    let bytes = match read {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                "the body is larger than any request takes, or it could not be read",
            )
            .into_response()
        }
        Err(_) => {
            return ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "REQUEST_TIMEOUT",
                format!(
                    "the body did not arrive within {} s",
                    body_timeout.as_secs()
                ),
            )
            .into_response()
        }
    };
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// `503 BUSY` with `Retry-After: 1` when `max_in_flight` requests are already being handled.
async fn bound(
    State(in_flight): State<Arc<tokio::sync::Semaphore>>,
    request: Request,
    next: Next,
) -> Response {
    let Ok(_permit) = in_flight.try_acquire() else {
        let mut r = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "BUSY",
            "the node is handling as many requests as it may; try again in a second",
        )
        .into_response();
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return r;
    };
    next.run(request).await
}

/// Serve `router` on `listener` (HTTPS with `tls`) until `shutdown` completes; then stop
/// accepting, let the requests in flight finish (at most `limits.shutdown_grace`), and return.
/// Client addresses reach the handlers as `ConnectInfo<SocketAddr>`. Errors: the listener
/// fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    tls: Option<TlsConfig>,
    limits: &Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = listener.into_std()?;
    let handle = axum_server::Handle::new();
    let grace = limits.shutdown_grace;
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(Some(grace));
    });
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    let header_timeout = limits.header_timeout;
    let tune = |b: &mut hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>| {
        b.http1()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(header_timeout);
    };
    let capped = connections::Capped::new(limits.max_connections);
    match tls {
        Some(config) => {
            let config = axum_server::tls_rustls::RustlsConfig::from_config(config);
            let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(config).acceptor(capped);
            let mut server = axum_server::from_tcp(listener)
                .handle(handle)
                .acceptor(acceptor);
            tune(server.http_builder());
            server.serve(service).await
        }
        None => {
            let mut server = axum_server::from_tcp(listener)
                .handle(handle)
                .acceptor(capped);
            tune(server.http_builder());
            server.serve(service).await
        }
    }
}

/// Completes on SIGTERM or Ctrl-C (SIGINT).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
