//! The node's own record of its runs (issue 17, item 4): each instance records its start,
//! refreshes a heartbeat every [`HEARTBEAT_SECONDS`] while it serves (`cats serve`), and records a clean stop,
//! so that downtime, restarts and crashes show in the KPIs.

use chrono::Utc;
use uuid::Uuid;

pub use cats_domain::reports::uptime::HEARTBEAT_SECONDS;

use crate::app::App;
use crate::store::StoreError;

/// One run of this instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeRun(pub Uuid);

impl NodeRun {
    /// Record a start now, under a new run id. Errors: the store's.
    pub async fn start(app: &App) -> Result<Self, StoreError> {
        let run = Self(Uuid::new_v4());
        app.store()
            .run_started(run.0, Utc::now(), env!("CARGO_PKG_VERSION"))
            .await?;
        Ok(run)
    }

    /// Record that the run is up now. Errors: the store's.
    pub async fn heartbeat(self, app: &App) -> Result<(), StoreError> {
        app.store().run_heartbeat(self.0, Utc::now()).await
    }

    /// Record a clean stop now. Errors: the store's.
    pub async fn stop(self, app: &App) -> Result<(), StoreError> {
        app.store().run_stopped(self.0, Utc::now()).await
    }
}
