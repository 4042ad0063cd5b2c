//! Readiness of a node (issue 15): the database answers, its schema is the one this build
//! expects, and the ICE outbox and the notification queue are within bounds.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::app::App;
use crate::notify::store::DeliveryStatus;
use crate::store::StoreError;

/// More messages than this waiting for a peer, or deliveries waiting, is "not ready".
pub const QUEUE_BOUND: i64 = 10_000;

/// An ICE message waiting longer than this (seconds) for its peer is "not ready".
pub const ICE_LAG_BOUND_SECONDS: i64 = 3_600;

/// What the store tells about itself.
#[async_trait]
pub trait HealthStore {
    /// The newest migration applied to the database and the newest this build carries.
    async fn schema_versions(&self) -> Result<(i64, i64), StoreError>;
    /// Connections of the pool: open, and idle among them.
    fn pool_connections(&self) -> (u32, u32);
}

/// One check.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// `database`, `migrations`, `ice`, `notifications`.
    pub name: String,
    /// Within bounds.
    pub ok: bool,
    /// What was found, in words.
    pub detail: String,
}

/// The node's readiness: every check, and whether all are ok.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    /// `ready` or `not ready`.
    pub status: String,
    /// When checked (UTC).
    pub checked_at: DateTime<Utc>,
    /// Each check.
    pub checks: Vec<Check>,
}

fn check(name: &str, ok: bool, detail: String) -> Check {
    Check {
        name: name.into(),
        ok,
        detail,
    }
}

/// Check the node at `now`. A failing database is a failed check, not an error.
pub async fn readiness(app: &App, now: DateTime<Utc>) -> Readiness {
    let store = app.store();
    let mut checks = Vec::new();
    match store.schema_versions().await {
        Ok((applied, expected)) => {
            checks.push(check("database", true, "answers".into()));
            checks.push(check(
                "migrations",
                applied == expected,
                format!("applied {applied}, this build {expected}"),
            ));
        }
        Err(e) => checks.push(check("database", false, e.to_string())),
    }
    match store.ice_queues(now).await {
        Ok(queues) => {
            let pending: i64 = queues.iter().map(|q| q.pending).sum();
            let oldest = queues.iter().filter_map(|q| q.oldest_pending).min();
            let lag = oldest.map_or(0, |o| (now - o).num_seconds());
            checks.push(check(
                "ice",
                pending <= QUEUE_BOUND && lag <= ICE_LAG_BOUND_SECONDS,
                format!("{pending} waiting for peers, oldest {lag} s"),
            ));
        }
        Err(e) => checks.push(check("ice", false, e.to_string())),
    }
    match store.delivery_counts().await {
        Ok(counts) => {
            let of =
                |s: DeliveryStatus| counts.iter().find(|(k, _)| *k == s).map_or(0, |(_, n)| *n);
            let (pending, parked) = (of(DeliveryStatus::Pending), of(DeliveryStatus::Parked));
            checks.push(check(
                "notifications",
                pending <= QUEUE_BOUND,
                format!("{pending} deliveries waiting, {parked} parked"),
            ));
        }
        Err(e) => checks.push(check("notifications", false, e.to_string())),
    }
    let ready = checks.iter().all(|c| c.ok);
    Readiness {
        status: if ready { "ready" } else { "not ready" }.into(),
        checked_at: now,
        checks,
    }
}
