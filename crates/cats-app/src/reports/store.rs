//! What reports read from the store besides movements (issue 17).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use cats_domain::ids::{CountryCode, Eori, OfficeRef};
use cats_domain::ledger::Guarantee;
use cats_domain::reports::cube::Definition;
use cats_domain::reports::kpi::Sent;
use cats_domain::reports::uptime::Run;

use crate::store::{AuditEntry, StoreError};

/// Who else sees a saved report.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sharing {
    /// Its owner alone.
    Private,
    /// Every user of the owner's company (traders, insurers).
    Company,
    /// The officers of the owner's country who act at one of the owner's offices (an officer
    /// with an office scope).
    Office,
    /// Every officer of the owner's country.
    Country,
}

impl Sharing {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Private => "private",
            Self::Company => "company",
            Self::Office => "office",
            Self::Country => "country",
        }
    }

    /// Parse [`Sharing::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Private, Self::Company, Self::Office, Self::Country]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// A custom report definition a user saved.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedReport {
    /// Id (UUID).
    pub id: Uuid,
    /// The name its owner gave it (1 to 120 characters).
    pub name: String,
    /// The owner's username.
    pub owner: String,
    /// The owner's company, for traders and insurers.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub party: Option<Eori>,
    /// The owner's country, for officers.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub country: Option<CountryCode>,
    /// The offices the owner acts at (an officer's office scope; empty: every office of its
    /// country, or not an officer).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub offices: Vec<OfficeRef>,
    /// Who else sees it.
    pub shared: Sharing,
    /// Dimensions, measures and filters.
    pub definition: Definition,
    /// When first saved (UTC).
    pub created_at: DateTime<Utc>,
    /// When last saved (UTC).
    pub updated_at: DateTime<Utc>,
}

/// The store's side of reports.
#[async_trait]
pub trait ReportStore {
    /// Up to `limit` movements matching `filter`'s conditions (its page and count are not used),
    /// most recently updated first, after `after` (the `updated_at` and id of the last one of
    /// the previous batch). Read by key, without counting; without `declarations` each
    /// record's declaration is an empty JSON object and is not read.
    async fn report_batch(
        &self,
        filter: &crate::store::MovementFilter,
        after: Option<(DateTime<Utc>, Uuid)>,
        declarations: bool,
        limit: i64,
    ) -> Result<Vec<crate::store::MovementRecord>, StoreError>;
    /// Record that run `run` of an instance started at `at` (build `version`).
    async fn run_started(
        &self,
        run: Uuid,
        at: DateTime<Utc>,
        version: &str,
    ) -> Result<(), StoreError>;
    /// Record that run `run` is still up at `at`.
    async fn run_heartbeat(&self, run: Uuid, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// Record that run `run` stopped cleanly at `at`.
    async fn run_stopped(&self, run: Uuid, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// Every run that was up at or after `since`, and the one before it (for the gap).
    async fn runs(&self, since: DateTime<Utc>) -> Result<Vec<Run>, StoreError>;
    /// Audit entries written in `[from, to)`, oldest first.
    async fn audit_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<AuditEntry>, StoreError>;
    /// ICE messages to peer nodes written in `[from, to)`, with when each was acknowledged.
    async fn ice_sent(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Sent>, StoreError>;
    /// Webhook deliveries created in `[from, to)`, of one company's or of all.
    async fn push_sent(
        &self,
        party: Option<&Eori>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Sent>, StoreError>;
    /// Every guarantee.
    async fn all_guarantees(&self) -> Result<Vec<Guarantee>, StoreError>;
    /// Insert or replace a saved report.
    async fn save_report(&self, report: &SavedReport) -> Result<(), StoreError>;
    /// Every saved report, newest first (the use case keeps those the user may see).
    async fn saved_reports(&self) -> Result<Vec<SavedReport>, StoreError>;
    /// Delete a saved report; whether there was one.
    async fn delete_report(&self, id: Uuid) -> Result<bool, StoreError>;
}
