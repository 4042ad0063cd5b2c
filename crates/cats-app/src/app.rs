//! The application: the store, the reference catalogue in memory, and the node's policies.

use std::sync::{Arc, RwLock};

use cats_domain::reference::Catalog;
use cats_domain::risk::RiskPolicy;

use crate::auth::User;
use crate::store::{Store, StoreError};

/// Who acts: a signed-in user, or the node itself (time-limit checks, replay).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A user with a token.
    User(User),
    /// The node itself; the string says which part (`time-limit`, `replay`).
    System(String),
}

impl Actor {
    /// The name written in the audit log.
    pub fn name(&self) -> &str {
        match self {
            Self::User(u) => &u.username,
            Self::System(s) => s,
        }
    }

    /// The user, if a user acts.
    pub fn user(&self) -> Option<&User> {
        match self {
            Self::User(u) => Some(u),
            Self::System(_) => None,
        }
    }
}

/// The CATS node's application layer. Cheap to clone.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    catalog: Arc<RwLock<Arc<Catalog>>>,
    risk: Arc<RiskPolicy>,
    instance: Arc<str>,
    sign_in: crate::accounts::SignInPolicy,
    topology: Option<Arc<crate::ice::Topology>>,
    peer_queries: Option<Arc<dyn crate::ice::PeerQueries>>,
    notified: Arc<tokio::sync::watch::Sender<u64>>,
    token_days: i64,
}

impl App {
    /// An application over `store`, with the catalogue loaded from it. A `risk` policy without
    /// a key draws with the node's own secret key ([`crate::secrets::risk_draw_key`], made and
    /// stored at the first start); a replay passes its seed's key instead.
    pub async fn new(store: Arc<dyn Store>, mut risk: RiskPolicy) -> Result<Self, StoreError> {
        let catalog = store.load_catalog().await?;
        if risk.key.is_none() {
            risk.key = Some(crate::secrets::risk_draw_key(store.as_ref()).await?);
        }
        // Access codes kept as SHA-256 by earlier versions are wrapped in argon2id.
        crate::secrets::wrap_legacy_access_codes(store.as_ref()).await?;
        let instance = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
        Ok(Self {
            store,
            catalog: Arc::new(RwLock::new(Arc::new(catalog))),
            risk: Arc::new(risk),
            instance: instance.into(),
            sign_in: Default::default(),
            topology: None,
            peer_queries: None,
            notified: Arc::new(tokio::sync::watch::channel(0).0),
            token_days: crate::tokens::DEFAULT_DAYS,
        })
    }

    /// The same application issuing API tokens valid `days` days unless told otherwise
    /// (`CATS_TOKEN_DAYS`; 1 to [`crate::tokens::MAX_DAYS`], others ignored).
    pub fn with_token_days(mut self, days: i64) -> Self {
        if (1..=crate::tokens::MAX_DAYS).contains(&days) {
            self.token_days = days;
        }
        self
    }

    /// Days a new API token is valid unless told otherwise.
    pub fn token_days(&self) -> i64 {
        self.token_days
    }

    /// The same application with another sign-in policy (failures before a lock, lock and
    /// session lengths).
    pub fn with_sign_in_policy(mut self, policy: crate::accounts::SignInPolicy) -> Self {
        self.sign_in = policy;
        self
    }

    /// The same application as a node of an ICE network: it hosts the offices of
    /// `topology.hosted`, and its peers the others (`None`: stand-alone, every office here).
    pub fn with_topology(mut self, topology: Option<crate::ice::Topology>) -> Self {
        self.topology = topology.map(Arc::new);
        self
    }

    /// The ICE network this node is part of, if any.
    pub fn topology(&self) -> Option<&crate::ice::Topology> {
        self.topology.as_deref()
    }

    /// The node with `asker` to ask its ICE peers questions (CD200C guarantee check, CD094C).
    pub fn with_peer_queries(mut self, asker: Arc<dyn crate::ice::PeerQueries>) -> Self {
        self.peer_queries = Some(asker);
        self
    }

    /// What asks ICE peers questions, if this node has one.
    pub fn peer_queries(&self) -> Option<&dyn crate::ice::PeerQueries> {
        self.peer_queries.as_deref()
    }

    /// How signing in to the web pages is limited.
    pub fn sign_in_policy(&self) -> &crate::accounts::SignInPolicy {
        &self.sign_in
    }

    /// Commit a movement's change with the notifications it makes
    /// ([`crate::notify::events::for_change`]), in one transaction; then wake the live pages.
    /// Every use case commits a movement's change through here.
    pub async fn commit(&self, mut change: crate::store::Change) -> Result<(), StoreError> {
        change.notifications = crate::notify::events::for_change(self, &change).await?;
        let any = !change.notifications.is_empty() || !change.ledger.is_empty();
        self.store.commit(change).await?;
        if any {
            self.announce();
        }
        Ok(())
    }

    /// Commit a change of the registers (with its notifications) in one transaction; then wake
    /// the live pages.
    pub async fn commit_registry(
        &self,
        change: crate::store::RegistryChange,
    ) -> Result<(), StoreError> {
        self.store.commit_registry(change).await?;
        self.announce();
        Ok(())
    }

    /// Tell the live pages of this process (`GET /events`) that notifications may have been
    /// written. Other processes on the same database find them by polling.
    pub fn announce(&self) {
        self.notified.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that changes whenever [`Self::announce`] is called.
    pub fn notifications_changed(&self) -> tokio::sync::watch::Receiver<u64> {
        self.notified.subscribe()
    }

    /// The store.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The reference catalogue as it is now.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog.read().expect("catalog lock").clone()
    }

    /// Reload the catalogue from the store (after an import).
    pub async fn reload_catalog(&self) -> Result<(), StoreError> {
        let fresh = self.store.load_catalog().await?;
        *self.catalog.write().expect("catalog lock") = Arc::new(fresh);
        Ok(())
    }

    /// Bring the catalogue's restricted goods list up to date with the store (one small query):
    /// the administrator may have changed it through another instance on the same database.
    /// Called by the use cases that apply it (lodging, amendment, selection at offices), so a
    /// change applies to the next of them on every instance.
    pub async fn refresh_restricted_goods(&self) -> Result<(), StoreError> {
        let list = self.store.restricted_goods().await?;
        let current = self.catalog();
        if current.restricted != list {
            let mut fresh = (*current).clone();
            fresh.restricted = list;
            *self.catalog.write().expect("catalog lock") = Arc::new(fresh);
        }
        Ok(())
    }

    /// This application instance's name (process id and a random suffix), used to claim
    /// background work when several instances share one database.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// The risk policy.
    pub fn risk_policy(&self) -> &RiskPolicy {
        &self.risk
    }
}
