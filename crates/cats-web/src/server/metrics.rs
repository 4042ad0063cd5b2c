//! Metrics (issue 15) with the metrics crate and its Prometheus exporter: every request counted
//! and timed per route, method and status ([`track`]); gauges of the database pool, the ICE
//! queues and the notification deliveries set when scraped ([`render`]).

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use cats_app::notify::store::DeliveryStatus;
use cats_app::App;

/// The process's recorder, installed on first use.
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets(&[
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ])
            .expect("bucket list is not empty");
        match builder.install_recorder() {
            Ok(h) => h,
            // Another recorder is installed (a test harness): record into our own anyway.
            Err(_) => PrometheusBuilder::new().build_recorder().handle(),
        }
    })
}

/// Count and time the request: `cats_http_requests_total{method, route, status}` and
/// `cats_http_request_duration_seconds{method, route}` (route: the matched path with its
/// `{parameters}`, or `unmatched`).
pub async fn track(request: Request, next: Next) -> Response {
    let _ = handle();
    let started = Instant::now();
    let method = request.method().as_str().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("cats_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("cats_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The metrics text, with the gauges read from the store now.
pub async fn render(app: &App) -> String {
    let store = app.store();
    let (open, idle) = store.pool_connections();
    metrics::gauge!("cats_db_connections", "state" => "open").set(f64::from(open));
    metrics::gauge!("cats_db_connections", "state" => "idle").set(f64::from(idle));
    let now = Utc::now();
    if let Ok(queues) = store.ice_queues(now).await {
        for q in queues {
            let peer = q.peer.to_string();
            metrics::gauge!("cats_ice_pending", "peer" => peer.clone()).set(q.pending as f64);
            let oldest = q.oldest_pending.map_or(0, |o| (now - o).num_seconds());
            metrics::gauge!("cats_ice_oldest_pending_seconds", "peer" => peer.clone())
                .set(oldest as f64);
            metrics::gauge!("cats_ice_max_lag_seconds", "peer" => peer)
                .set(q.max_lag_ms.unwrap_or(0) as f64 / 1000.0);
        }
    }
    if let Ok(counts) = store.delivery_counts().await {
        for s in [
            DeliveryStatus::Pending,
            DeliveryStatus::Delivered,
            DeliveryStatus::Parked,
        ] {
            let n = counts.iter().find(|(k, _)| *k == s).map_or(0, |(_, n)| *n);
            metrics::gauge!("cats_notification_deliveries", "status" => s.as_str()).set(n as f64);
        }
    }
    let ready = cats_app::health::readiness(app, now).await;
    metrics::gauge!("cats_ready").set(if ready.status == "ready" { 1.0 } else { 0.0 });
    handle().render()
}
