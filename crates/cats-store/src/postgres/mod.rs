//! PostgreSQL store: production, several application instances on one database; migrations embedded
//! from `migrations/postgres`.
//!
//! No in-process lock: every guarantee the store gives holds across processes, from the database
//! alone, under the default READ COMMITTED isolation:
//!
//! * a movement is updated `WHERE id = $ AND version = $` (no row → [`StoreError::Conflict`]); the
//!   row lock that update (or the insert of a new movement) takes serialises the writers of one
//!   movement, so its message `seq` (max + 1) is allocated without gaps or duplicates;
//! * a reservation is one conditional `UPDATE … WHERE running_total + amount <= reference`, which
//!   PostgreSQL re-checks on the latest row version after waiting for a concurrent writer;
//! * credits and claims close only `reserved` rows (`RETURNING` tells which);
//! * MRN serials are `INSERT … ON CONFLICT DO UPDATE … RETURNING`;
//! * overdue movements are claimed with `FOR UPDATE SKIP LOCKED`;
//! * serialization failures and deadlocks (SQLSTATE 40001, 40P01) become `Conflict`, so use cases retry.
//!
//! Ids are `UUID`, timestamps `TIMESTAMPTZ` (UTC, truncated to microseconds as on SQLite), money
//! `BIGINT` minor units, JSON and message bodies `TEXT` kept byte for byte.

mod connect;
mod controls;
mod history;
mod ledger;
mod movements;
mod parties;
mod reference;
mod registry;
mod registry_read;
mod risk;
mod snapshot;

use chrono::{DateTime, Timelike, Utc};
use sqlx::PgPool;

use cats_app::store::StoreError;

/// The PostgreSQL implementation of the store.
pub struct PgStore {
    pool: PgPool,
}

/// A database error as a store error: serialization failures and deadlocks are `Conflict` (the use
/// case loads again and retries); everything else is `Backend`.
pub(crate) fn pg(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        if matches!(db.code().as_deref(), Some("40001") | Some("40P01")) {
            return StoreError::Conflict;
        }
    }
    StoreError::Backend(e.to_string())
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// `at` truncated to whole microseconds, the precision of `TIMESTAMPTZ` (and of SQLite's RFC 3339
/// text): truncation, not rounding, on both backends, also before 2000.
pub(crate) fn micros(at: DateTime<Utc>) -> DateTime<Utc> {
    at.with_nanosecond(at.nanosecond() / 1_000 * 1_000)
        .unwrap_or(at)
}

mod store_impl {
    use async_trait::async_trait;
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    use cats_app::auth::User;
    use cats_app::store::{
        Attachment, AuditEntry, Change, ClaimFilter, ContractFilter, HistoryEvent, MovementFilter,
        MovementRecord, Notification, Party, ProfileVersion, RateRecord, RegistrationFilter,
        RegistryChange, Reservation, Snapshot, Store, StoreError, StoredAttachment,
        StoredControlAttachment, StoredMessage,
    };
    use cats_domain::coverage::ExchangeRate;
    use cats_domain::ledger::Guarantee;
    use cats_domain::reference::Catalog;
    use cats_domain::registry::{Claim, Contract, Registration};

    use super::{pg, PgStore};

    #[async_trait]
    impl Store for PgStore {
        async fn save_catalog(&self, catalog: &Catalog) -> Result<(), StoreError> {
            let mut tx = self.pool.begin().await.map_err(pg)?;
            super::reference::save_catalog(&mut tx, catalog).await?;
            tx.commit().await.map_err(pg)
        }
        async fn load_catalog(&self) -> Result<Catalog, StoreError> {
            let mut c = self.pool.acquire().await.map_err(pg)?;
            super::reference::load_catalog(&mut c).await
        }
        async fn save_party(&self, party: &Party) -> Result<(), StoreError> {
            let mut c = self.pool.acquire().await.map_err(pg)?;
            super::parties::save_party(&mut c, party).await
        }
        async fn party(&self, id: &str) -> Result<Option<Party>, StoreError> {
            self.party_impl(id).await
        }
        async fn save_user(&self, user: &User) -> Result<(), StoreError> {
            let mut c = self.pool.acquire().await.map_err(pg)?;
            super::parties::save_user(&mut c, user).await
        }
        async fn user(&self, username: &str) -> Result<Option<User>, StoreError> {
            self.user_impl(username).await
        }
        async fn add_token(
            &self,
            username: &str,
            token_hash: &str,
            at: DateTime<Utc>,
        ) -> Result<(), StoreError> {
            let mut c = self.pool.acquire().await.map_err(pg)?;
            super::parties::add_token(&mut c, username, token_hash, at).await
        }
        async fn user_by_token(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
            self.user_by_token_impl(token_hash).await
        }
        async fn save_guarantee(&self, g: &Guarantee) -> Result<(), StoreError> {
            self.save_guarantee_impl(g).await
        }
        async fn guarantee(&self, grn: &str) -> Result<Option<Guarantee>, StoreError> {
            self.guarantee_impl(grn).await
        }
        async fn reservations(&self, grn: &str) -> Result<Vec<Reservation>, StoreError> {
            self.reservations_impl(grn).await
        }
        async fn next_mrn_serial(&self, office: &str, year: i32) -> Result<u64, StoreError> {
            self.next_mrn_serial_impl(office, year).await
        }
        async fn lrn_in_use(&self, holder: &str, lrn: &str) -> Result<bool, StoreError> {
            self.lrn_in_use_impl(holder, lrn).await
        }
        async fn movement(&self, id: Uuid) -> Result<Option<MovementRecord>, StoreError> {
            self.movement_impl(id).await
        }
        async fn movement_by_mrn(&self, mrn: &str) -> Result<Option<MovementRecord>, StoreError> {
            self.movement_by_mrn_impl(mrn).await
        }
        async fn movements(
            &self,
            filter: &MovementFilter,
        ) -> Result<(Vec<MovementRecord>, u64), StoreError> {
            self.movements_impl(filter).await
        }
        async fn overdue(&self, now: DateTime<Utc>) -> Result<Vec<Uuid>, StoreError> {
            self.overdue_impl(now).await
        }
        async fn claim_overdue(
            &self,
            now: DateTime<Utc>,
            claimant: &str,
            lease: chrono::Duration,
            limit: u32,
        ) -> Result<Vec<Uuid>, StoreError> {
            self.claim_overdue_impl(now, claimant, lease, limit).await
        }
        async fn dump(&self) -> Result<Snapshot, StoreError> {
            self.dump_impl().await
        }
        async fn restore(&self, snapshot: &Snapshot) -> Result<(), StoreError> {
            self.restore_impl(snapshot).await
        }
        async fn control_attachment(
            &self,
            id: Uuid,
        ) -> Result<Option<StoredControlAttachment>, StoreError> {
            self.control_attachment_impl(id).await
        }
        async fn messages(&self, movement_id: Uuid) -> Result<Vec<StoredMessage>, StoreError> {
            self.messages_impl(movement_id).await
        }
        async fn commit(&self, change: Change) -> Result<(), StoreError> {
            self.commit_impl(change).await
        }
        async fn audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
            self.audit_impl(entries).await
        }
        async fn audit_log(
            &self,
            movement_id: Option<Uuid>,
            limit: u32,
        ) -> Result<Vec<AuditEntry>, StoreError> {
            self.audit_log_impl(movement_id, limit).await
        }
        async fn commit_registry(&self, change: RegistryChange) -> Result<(), StoreError> {
            self.commit_registry_impl(change).await
        }
        async fn registration(&self, id: Uuid) -> Result<Option<Registration>, StoreError> {
            self.registration_impl(id).await
        }
        async fn registrations(
            &self,
            filter: &RegistrationFilter,
        ) -> Result<Vec<Registration>, StoreError> {
            self.registrations_impl(filter).await
        }
        async fn attachments(&self, registration_id: Uuid) -> Result<Vec<Attachment>, StoreError> {
            self.attachments_impl(registration_id).await
        }
        async fn attachment(&self, id: Uuid) -> Result<Option<StoredAttachment>, StoreError> {
            self.attachment_impl(id).await
        }
        async fn contract(&self, id: Uuid) -> Result<Option<Contract>, StoreError> {
            self.contract_by_id_impl(id).await
        }
        async fn contract_by_grn(&self, grn: &str) -> Result<Option<Contract>, StoreError> {
            self.contract_by_grn_impl(grn).await
        }
        async fn contracts(&self, filter: &ContractFilter) -> Result<Vec<Contract>, StoreError> {
            self.contracts_impl(filter).await
        }
        async fn ended_contracts(&self, day: chrono::NaiveDate) -> Result<Vec<Uuid>, StoreError> {
            self.ended_contracts_impl(day).await
        }
        async fn next_grn_serial(&self, country: &str, year: i32) -> Result<u64, StoreError> {
            self.next_grn_serial_impl(country, year).await
        }
        async fn claim(&self, id: Uuid) -> Result<Option<Claim>, StoreError> {
            self.claim_impl(id).await
        }
        async fn claims(&self, filter: &ClaimFilter) -> Result<Vec<Claim>, StoreError> {
            self.claims_impl(filter).await
        }
        async fn history(&self, subject_id: Uuid) -> Result<Vec<HistoryEvent>, StoreError> {
            self.history_impl(Some(subject_id)).await
        }
        async fn notifications(
            &self,
            party: &str,
            limit: u32,
        ) -> Result<Vec<Notification>, StoreError> {
            self.notifications_impl(Some(party), limit).await
        }
        async fn exchange_rate(
            &self,
            from: &str,
            to: &str,
            day: chrono::NaiveDate,
        ) -> Result<Option<ExchangeRate>, StoreError> {
            self.exchange_rate_impl(from, to, day).await
        }
        async fn exchange_rates(&self) -> Result<Vec<RateRecord>, StoreError> {
            self.exchange_rates_impl().await
        }
        async fn set_restricted_goods(
            &self,
            list: &[cats_domain::reference::RestrictedGoods],
            audit: &AuditEntry,
        ) -> Result<(), StoreError> {
            self.set_restricted_goods_impl(list, audit).await
        }
        async fn restricted_goods(
            &self,
        ) -> Result<Vec<cats_domain::reference::RestrictedGoods>, StoreError> {
            self.restricted_goods_impl().await
        }
        async fn risk_profiles(&self) -> Result<Vec<ProfileVersion>, StoreError> {
            self.risk_profiles_impl().await
        }
        async fn risk_profile_versions(&self, id: &str) -> Result<Vec<ProfileVersion>, StoreError> {
            self.risk_profile_versions_impl(id).await
        }
        async fn save_risk_profile(
            &self,
            version: &ProfileVersion,
            audit: &AuditEntry,
        ) -> Result<(), StoreError> {
            self.save_risk_profile_impl(version, audit).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micros_truncate() {
        let at = DateTime::parse_from_rfc3339("1999-12-31T23:59:59.123456789Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(micros(at).nanosecond(), 123_456_000);
    }
}
