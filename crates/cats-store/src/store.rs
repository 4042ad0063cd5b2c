//! [`SqlStore`]: the [`Store`] of both backends. Each method is one call into the module of its
//! area (`movements`, `ledger`, `registry` …), on the pool or in one transaction.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use cats_app::auth::User;
use cats_app::store::{
    Account, Attachment, AuditEntry, Change, ClaimFilter, ContractFilter, Draft, HistoryEvent,
    IceIn, IceOut, MovementFilter, MovementRecord, OutboxEntry, OutboxStatus, Party, PeerQueue,
    ProfileVersion, RateRecord, RegistrationFilter, RegistryChange, Reservation, Session,
    Settlement, Snapshot, Store, StoreError, StoredAttachment, StoredControlAttachment,
    StoredMessage, StoredToken,
};
use cats_domain::coverage::ExchangeRate;
use cats_domain::ids::{CountryCode, CurrencyCode, Eori, Grn, Lrn, Mrn, NodeId, OfficeRef};
use cats_domain::ledger::Guarantee;
use cats_domain::reference::{Catalog, RestrictedGoods};
use cats_domain::registry::{Claim, Contract, Registration};

use crate::declarations::DeclarationCache;
use crate::sql::Pool;
use crate::{
    accounts, controls, drafts, history, ice, ledger, movements, parties, reference, registry,
    registry_read, risk, snapshot,
};

/// The store on SQLite or PostgreSQL. Open one with [`SqlStore::open_sqlite`] or
/// [`SqlStore::connect_postgres`] (or [`crate::open`]).
pub struct SqlStore {
    pub(crate) pool: Pool,
    /// The declarations this process last read or wrote (issue 16).
    pub(crate) declarations: DeclarationCache,
}

impl SqlStore {
    /// The store on `pool`, with an empty [`DeclarationCache`].
    pub(crate) fn new(pool: Pool) -> Self {
        Self {
            pool,
            declarations: DeclarationCache::new(),
        }
    }

    /// Close every connection (SQLite checkpoints its write-ahead log).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn save_catalog(&self, catalog: &Catalog) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        reference::save_catalog(&mut tx.db(), catalog).await?;
        tx.commit().await
    }
    async fn load_catalog(&self) -> Result<Catalog, StoreError> {
        reference::load_catalog(&mut self.pool.db()).await
    }
    async fn save_party(&self, party: &Party) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = parties::save_party(&mut tx.db(), party).await?;
        tx.commit().await?;
        Ok(done)
    }
    async fn party(&self, id: &Eori) -> Result<Option<Party>, StoreError> {
        parties::party(&mut self.pool.db(), id).await
    }
    async fn parties(&self) -> Result<Vec<Party>, StoreError> {
        parties::parties(&mut self.pool.db()).await
    }
    async fn save_user(&self, user: &User) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = parties::save_user(&mut tx.db(), user).await?;
        tx.commit().await?;
        Ok(done)
    }
    async fn user(&self, username: &str) -> Result<Option<User>, StoreError> {
        parties::user(&mut self.pool.db(), username).await
    }
    async fn users(&self) -> Result<Vec<(User, Option<Account>)>, StoreError> {
        accounts::users(&mut self.pool.db()).await
    }
    async fn account(&self, username: &str) -> Result<Option<Account>, StoreError> {
        accounts::account(&mut self.pool.db(), username).await
    }
    async fn save_account(&self, account: &Account) -> Result<(), StoreError> {
        accounts::save_account(&mut self.pool.db(), account).await
    }
    async fn sign_in_failed(
        &self,
        username: &str,
        max_failures: u32,
        lock_until: DateTime<Utc>,
    ) -> Result<Option<Account>, StoreError> {
        accounts::sign_in_failed(&mut self.pool.db(), username, max_failures, lock_until).await
    }
    async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        accounts::create_session(&mut self.pool.db(), session).await
    }
    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Session, User)>, StoreError> {
        accounts::session(&mut self.pool.db(), token_hash, now).await
    }
    async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        accounts::end_session(&mut self.pool.db(), token_hash).await
    }
    async fn end_sessions_of(&self, username: &str) -> Result<u64, StoreError> {
        accounts::end_sessions_of(&mut self.pool.db(), username).await
    }
    async fn save_draft(&self, draft: &Draft) -> Result<(), StoreError> {
        drafts::save_draft(&mut self.pool.db(), draft).await
    }
    async fn drafts(&self, holder: &Eori) -> Result<Vec<Draft>, StoreError> {
        drafts::drafts(&mut self.pool.db(), holder).await
    }
    async fn draft(&self, id: Uuid) -> Result<Option<Draft>, StoreError> {
        drafts::draft(&mut self.pool.db(), id).await
    }
    async fn delete_draft(&self, id: Uuid) -> Result<bool, StoreError> {
        drafts::delete_draft(&mut self.pool.db(), id).await
    }
    async fn add_token(&self, token: &StoredToken) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = parties::add_token(&mut tx.db(), token).await?;
        tx.commit().await?;
        Ok(done)
    }
    async fn token(&self, token_hash: &str) -> Result<Option<StoredToken>, StoreError> {
        parties::token(&mut self.pool.db(), token_hash).await
    }
    async fn tokens(&self, username: Option<&str>) -> Result<Vec<StoredToken>, StoreError> {
        parties::tokens(&mut self.pool.db(), username).await
    }
    async fn revoke_token(&self, token_hash: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = parties::revoke_token(&mut tx.db(), token_hash, at).await?;
        tx.commit().await?;
        Ok(done)
    }
    async fn touch_token(&self, token_hash: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        let token_hash = token_hash.to_string();
        self.pool
            .write(|pool| async move {
                let mut tx = pool.begin().await?;
                parties::touch_token(&mut tx.db(), &token_hash, at).await?;
                tx.commit().await
            })
            .await
    }
    async fn save_guarantee(&self, g: &Guarantee) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = ledger::write_guarantee(&mut tx.db(), g, false).await?;
        tx.commit().await?;
        Ok(done)
    }
    async fn guarantee(&self, grn: &Grn) -> Result<Option<Guarantee>, StoreError> {
        ledger::guarantee(&mut self.pool.db(), grn).await
    }
    async fn reservations(&self, grn: &Grn) -> Result<Vec<Reservation>, StoreError> {
        ledger::reservations(&mut self.pool.db(), Some(grn)).await
    }
    async fn next_mrn_serial(&self, office: &OfficeRef, year: i32) -> Result<u64, StoreError> {
        let office = office.clone();
        self.pool
            .write(|pool| async move {
                let mut tx = pool.begin().await?;
                let serial = movements::Serial::Mrn;
                let done =
                    movements::next_serial(&mut tx.db(), serial, office.as_str(), year).await?;
                tx.commit().await?;
                Ok(done)
            })
            .await
    }
    async fn lrn_in_use(&self, holder: &Eori, lrn: &Lrn) -> Result<bool, StoreError> {
        movements::lrn_in_use(&mut self.pool.db(), holder, lrn).await
    }
    async fn movement(&self, id: Uuid) -> Result<Option<MovementRecord>, StoreError> {
        movements::movement(&mut self.pool.db(), "id", id.into(), &self.declarations).await
    }
    async fn movement_by_mrn(&self, mrn: &Mrn) -> Result<Option<MovementRecord>, StoreError> {
        movements::movement(&mut self.pool.db(), "mrn", mrn.into(), &self.declarations).await
    }
    async fn movements(
        &self,
        filter: &MovementFilter,
    ) -> Result<(Vec<MovementRecord>, u64), StoreError> {
        movements::movements(&mut self.pool.db(), filter).await
    }
    async fn overdue(&self, now: DateTime<Utc>) -> Result<Vec<Uuid>, StoreError> {
        movements::overdue(&mut self.pool.db(), now).await
    }
    async fn claim_overdue(
        &self,
        now: DateTime<Utc>,
        claimant: &str,
        lease: chrono::Duration,
        limit: u32,
    ) -> Result<Vec<Uuid>, StoreError> {
        let claimant = claimant.to_string();
        self.pool
            .write(|pool| async move {
                let mut tx = pool.begin().await?;
                let done =
                    movements::claim_overdue(&mut tx.db(), now, &claimant, lease, limit).await?;
                tx.commit().await?;
                Ok(done)
            })
            .await
    }
    async fn dump(&self) -> Result<Snapshot, StoreError> {
        let mut tx = self.pool.begin_read().await?;
        let snapshot = snapshot::dump(&mut tx.db()).await?;
        tx.commit().await?;
        Ok(snapshot)
    }
    async fn restore(&self, snapshot: &Snapshot) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        snapshot::restore(&mut tx.db(), snapshot).await?;
        tx.commit().await?;
        // A whole node arrived at once: plan its queries on its statistics from the start.
        self.analyze().await
    }
    async fn control_attachment(
        &self,
        id: Uuid,
    ) -> Result<Option<StoredControlAttachment>, StoreError> {
        controls::attachment(&mut self.pool.db(), id).await
    }
    async fn messages(&self, movement_id: Uuid) -> Result<Vec<StoredMessage>, StoreError> {
        history::messages(&mut self.pool.db(), Some(movement_id)).await
    }
    async fn commit(&self, change: Change) -> Result<(), StoreError> {
        // JSON and deflating before the writer's turn: the turn only runs statements.
        let prepared = movements::prepare(change, &self.declarations)?;
        let written = prepared.declaration_written();
        self.pool
            .write(|pool| async move {
                let mut tx = pool.begin().await?;
                movements::commit(&mut tx.db(), prepared).await?;
                tx.commit().await
            })
            .await?;
        if let Some((id, version, declaration)) = written {
            self.declarations.remember(id, version, &declaration);
        }
        Ok(())
    }
    async fn ice_inbound(&self, message_id: Uuid) -> Result<Option<IceIn>, StoreError> {
        ice::inbound(&mut self.pool.db(), message_id).await
    }
    async fn ice_record_inbound(&self, inbound: &IceIn, out: &[IceOut]) -> Result<(), StoreError> {
        let (inbound, out) = (inbound.clone(), out.to_vec());
        self.pool
            .write(|pool| async move {
                let mut tx = pool.begin().await?;
                ice::insert_inbound(&mut tx.db(), &inbound).await?;
                ice::enqueue(&mut tx.db(), &out).await?;
                tx.commit().await
            })
            .await
    }
    async fn ice_last_sequence(&self, peer: &NodeId, correlation: &str) -> Result<i64, StoreError> {
        ice::last_sequence(&mut self.pool.db(), ice::Side::Inbox, peer, correlation).await
    }
    async fn ice_claim_due(
        &self,
        now: DateTime<Utc>,
        claimant: &str,
        lease: chrono::Duration,
        limit: u32,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let claimant = claimant.to_string();
        self.pool
            .write(|pool| async move {
                let mut tx = pool.begin().await?;
                let due = ice::claim_due(&mut tx.db(), now, &claimant, lease, limit).await?;
                tx.commit().await?;
                Ok(due)
            })
            .await
    }
    async fn ice_settle(
        &self,
        message_id: Uuid,
        settlement: &Settlement,
    ) -> Result<(), StoreError> {
        let settlement = settlement.clone();
        self.pool
            .write(|pool| async move {
                let mut tx = pool.begin().await?;
                ice::settle(&mut tx.db(), message_id, &settlement).await?;
                tx.commit().await
            })
            .await
    }
    async fn ice_outbox(
        &self,
        peer: Option<&NodeId>,
        status: Option<OutboxStatus>,
        limit: u32,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        ice::outbox(&mut self.pool.db(), peer, status, limit.max(1)).await
    }
    async fn ice_inbox(&self, limit: u32) -> Result<Vec<IceIn>, StoreError> {
        ice::inbox(&mut self.pool.db(), limit.max(1)).await
    }
    async fn ice_save_fallback(
        &self,
        fallback: &cats_app::ice::fallback::Fallback,
        out: &[IceOut],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        ice::save_fallback(&mut tx.db(), fallback).await?;
        ice::enqueue(&mut tx.db(), out).await?;
        tx.commit().await
    }
    async fn ice_fallbacks(
        &self,
        mrn: Option<&Mrn>,
        pending_only: bool,
    ) -> Result<Vec<cats_app::ice::fallback::Fallback>, StoreError> {
        ice::fallbacks(&mut self.pool.db(), mrn, pending_only).await
    }
    async fn ice_last_sent(&self, peer: &NodeId, correlation: &str) -> Result<i64, StoreError> {
        ice::last_sequence(&mut self.pool.db(), ice::Side::Outbox, peer, correlation).await
    }
    async fn ice_pending(&self) -> Result<i64, StoreError> {
        ice::pending(&mut self.pool.db()).await
    }
    async fn ice_enqueue(&self, out: &[IceOut], audit: &[AuditEntry]) -> Result<(), StoreError> {
        let (out, audit) = (out.to_vec(), audit.to_vec());
        self.pool
            .write(|pool| async move {
                let mut tx = pool.begin().await?;
                ice::enqueue(&mut tx.db(), &out).await?;
                for a in &audit {
                    history::insert_audit(&mut tx.db(), a).await?;
                }
                tx.commit().await
            })
            .await
    }
    async fn ice_notices(&self) -> Result<Vec<IceIn>, StoreError> {
        ice::notices(&mut self.pool.db()).await
    }
    async fn ice_reschedule(&self, peer: &NodeId, at: DateTime<Utc>) -> Result<u64, StoreError> {
        ice::reschedule(&mut self.pool.db(), peer, at).await
    }
    async fn ice_queues(&self, _now: DateTime<Utc>) -> Result<Vec<PeerQueue>, StoreError> {
        ice::queues(&mut self.pool.db()).await
    }
    async fn audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        let entries = entries.to_vec();
        self.pool
            .write(|pool| async move {
                let mut tx = pool.begin().await?;
                for a in &entries {
                    history::insert_audit(&mut tx.db(), a).await?;
                }
                tx.commit().await
            })
            .await
    }
    async fn audit_log(
        &self,
        movement_id: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        history::audit_log(&mut self.pool.db(), movement_id, Some(limit)).await
    }
    async fn commit_registry(&self, change: RegistryChange) -> Result<(), StoreError> {
        self.pool
            .write(|pool| async move {
                let mut tx = pool.begin().await?;
                registry::commit(&mut tx.db(), &change).await?;
                tx.commit().await
            })
            .await
    }
    async fn registration(&self, id: Uuid) -> Result<Option<Registration>, StoreError> {
        registry_read::registration(&mut self.pool.db(), id).await
    }
    async fn registrations(
        &self,
        filter: &RegistrationFilter,
    ) -> Result<Vec<Registration>, StoreError> {
        registry_read::registrations(&mut self.pool.db(), filter).await
    }
    async fn attachments(&self, registration_id: Uuid) -> Result<Vec<Attachment>, StoreError> {
        registry_read::attachments(&mut self.pool.db(), registration_id).await
    }
    async fn attachment(&self, id: Uuid) -> Result<Option<StoredAttachment>, StoreError> {
        registry_read::attachment(&mut self.pool.db(), id).await
    }
    async fn contract(&self, id: Uuid) -> Result<Option<Contract>, StoreError> {
        registry_read::contract(&mut self.pool.db(), "id", id.into()).await
    }
    async fn contract_by_grn(&self, grn: &Grn) -> Result<Option<Contract>, StoreError> {
        registry_read::contract(&mut self.pool.db(), "grn", grn.into()).await
    }
    async fn contracts(&self, filter: &ContractFilter) -> Result<Vec<Contract>, StoreError> {
        registry_read::contracts(&mut self.pool.db(), filter).await
    }
    async fn ended_contracts(&self, day: NaiveDate) -> Result<Vec<Uuid>, StoreError> {
        registry_read::ended_contracts(&mut self.pool.db(), day).await
    }
    async fn next_grn_serial(&self, country: CountryCode, year: i32) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let serial = movements::Serial::Grn;
        let done = movements::next_serial(&mut tx.db(), serial, country.as_str(), year).await?;
        tx.commit().await?;
        Ok(done)
    }
    async fn claim(&self, id: Uuid) -> Result<Option<Claim>, StoreError> {
        registry_read::claim(&mut self.pool.db(), id).await
    }
    async fn claims(&self, filter: &ClaimFilter) -> Result<Vec<Claim>, StoreError> {
        registry_read::claims(&mut self.pool.db(), filter).await
    }
    async fn history(&self, subject_id: Uuid) -> Result<Vec<HistoryEvent>, StoreError> {
        registry_read::history(&mut self.pool.db(), Some(subject_id)).await
    }
    async fn exchange_rate(
        &self,
        from: CurrencyCode,
        to: CurrencyCode,
        day: NaiveDate,
    ) -> Result<Option<ExchangeRate>, StoreError> {
        registry_read::exchange_rate(&mut self.pool.db(), from, to, day).await
    }
    async fn exchange_rates(&self) -> Result<Vec<RateRecord>, StoreError> {
        registry_read::exchange_rates(&mut self.pool.db()).await
    }
    async fn set_restricted_goods(
        &self,
        list: &[RestrictedGoods],
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        risk::set_restricted_goods(&mut tx.db(), list).await?;
        history::insert_audit(&mut tx.db(), audit).await?;
        tx.commit().await
    }
    async fn restricted_goods(&self) -> Result<Vec<RestrictedGoods>, StoreError> {
        risk::restricted_goods(&mut self.pool.db()).await
    }
    async fn risk_profiles(&self) -> Result<Vec<ProfileVersion>, StoreError> {
        risk::current_profiles(&mut self.pool.db()).await
    }
    async fn risk_profile_versions(&self, id: &str) -> Result<Vec<ProfileVersion>, StoreError> {
        risk::versions(&mut self.pool.db(), Some(id)).await
    }
    async fn save_risk_profile(
        &self,
        version: &ProfileVersion,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        risk::insert_version(&mut tx.db(), version).await?;
        history::insert_audit(&mut tx.db(), audit).await?;
        tx.commit().await
    }
}
