//! The node's secrets (`node_secrets`) and the audit log's hash chain (`audit_log.prev_hash`,
//! `audit_log.hash`), issue 15.

use async_trait::async_trait;
use chrono::Utc;

use cats_app::audit::{entry_hash, AuditChainStore, SealedEntry, GENESIS};
use cats_app::secrets::{NodeSecret, SecretStore};
use cats_app::store::{AuditEntry, StoreError};
use cats_domain::ids::Grn;
use cats_domain::ledger::is_legacy_access_code_hash;

use crate::sql::{Backend, Db, Sql};
use crate::store::SqlStore;

/// Advisory lock key serialising appends to the audit log on PostgreSQL (`CATSAUDT`); SQLite has
/// one writer at a time anyway.
const AUDIT_LOCK: i64 = 0x4341_5453_4155_4454;

#[async_trait]
impl SecretStore for SqlStore {
    async fn node_secret(&self, name: &str, fresh: &[u8]) -> Result<Vec<u8>, StoreError> {
        let decode = |stored: String| {
            hex::decode(stored).map_err(|e| StoreError::backend(format!("node secret {name}"), e))
        };
        // Read first: an open of an existing node writes nothing.
        if let Some(r) = Sql::new("SELECT value FROM node_secrets WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut self.pool.db())
            .await?
        {
            return decode(r.text("value")?);
        }
        let mut tx = self.pool.begin().await?;
        Sql::new(
            "INSERT INTO node_secrets (name, value, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(hex::encode(fresh))
        .bind(Utc::now())
        .execute(&mut tx.db())
        .await?;
        let stored = Sql::new("SELECT value FROM node_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&mut tx.db())
            .await?
            .text("value")?;
        tx.commit().await?;
        decode(stored)
    }

    async fn legacy_access_code_hashes(&self) -> Result<Vec<(Grn, String)>, StoreError> {
        // 64 characters: a legacy SHA-256 hex digest (argon2id PHC strings are longer).
        Sql::new(
            "SELECT grn, access_code_hash FROM guarantees
             WHERE LENGTH(access_code_hash) = 64 ORDER BY grn",
        )
        .fetch_all(&mut self.pool.db())
        .await?
        .iter()
        .map(|r| Ok((r.ident("grn", Grn::parse)?, r.text("access_code_hash")?)))
        .collect::<Result<Vec<_>, StoreError>>()
        .map(|all| {
            all.into_iter()
                .filter(|(_, h)| is_legacy_access_code_hash(h))
                .collect()
        })
    }

    async fn replace_access_code_hash(
        &self,
        grn: &Grn,
        old: &str,
        new: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let n = Sql::new(
            "UPDATE guarantees SET access_code_hash = $1 WHERE grn = $2 AND access_code_hash = $3",
        )
        .bind(new)
        .bind(grn)
        .bind(old)
        .execute(&mut tx.db())
        .await?;
        tx.commit().await?;
        Ok(n > 0)
    }
}

/// Every secret of the node, by name (for `cats db copy`).
pub(crate) async fn dump_secrets(db: &mut Db<'_>) -> Result<Vec<NodeSecret>, StoreError> {
    Sql::new("SELECT name, value FROM node_secrets ORDER BY name")
        .fetch_all(db)
        .await?
        .iter()
        .map(|r| {
            let name = r.text("name")?;
            let value = hex::decode(r.text("value")?)
                .map_err(|e| StoreError::backend(format!("node secret {name}"), e))?;
            Ok(NodeSecret { name, value })
        })
        .collect()
}

/// Put `secrets` into an empty store.
pub(crate) async fn restore_secrets(
    db: &mut Db<'_>,
    secrets: &[NodeSecret],
) -> Result<(), StoreError> {
    for s in secrets {
        Sql::new("INSERT INTO node_secrets (name, value, created_at) VALUES ($1, $2, $3)")
            .bind(s.name.as_str())
            .bind(hex::encode(&s.value))
            .bind(Utc::now())
            .execute(db)
            .await?;
    }
    Ok(())
}

/// The hash of the newest sealed entry, or [`GENESIS`]; on PostgreSQL after taking the lock
/// that serialises appends until the transaction ends.
async fn last_hash(db: &mut Db<'_>) -> Result<(i64, String), StoreError> {
    if db.backend() == Backend::Postgres {
        Sql::new("SELECT pg_advisory_xact_lock($1)")
            .bind(AUDIT_LOCK)
            .execute(db)
            .await?;
    }
    let row =
        Sql::new("SELECT id, hash FROM audit_log WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1")
            .fetch_optional(db)
            .await?;
    Ok(match row {
        Some(r) => (r.int("id")?, r.text("hash")?),
        None => (0, GENESIS.to_string()),
    })
}

/// Append one audit entry, sealed: its previous hash and its own.
pub(crate) async fn append_audit(db: &mut Db<'_>, a: &AuditEntry) -> Result<(), StoreError> {
    let (_, prev) = last_hash(db).await?;
    let a = AuditEntry {
        at: crate::sql::micros(a.at),
        ..a.clone()
    };
    let hash = entry_hash(&prev, &a);
    Sql::new(
        "INSERT INTO audit_log (at, actor, action, movement_id, detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(a.at)
    .bind(&a.actor)
    .bind(&a.action)
    .bind(a.movement_id)
    .bind(&a.detail)
    .bind(prev)
    .bind(hash)
    .execute(db)
    .await?;
    Ok(())
}

/// Seal the entries appended without a hash after the newest sealed one (those written before
/// the chain existed, or by a bulk restore), in id order. Unsealed entries before a sealed one
/// stay as they are, for `cats audit verify` to report.
pub(crate) async fn seal_audit(db: &mut Db<'_>) -> Result<u64, StoreError> {
    let (after, mut prev) = last_hash(db).await?;
    let rows = Sql::new("SELECT * FROM audit_log WHERE hash IS NULL AND id > $1 ORDER BY id")
        .bind(after)
        .fetch_all(db)
        .await?;
    for r in &rows {
        let e = crate::history::audit_from_row(r)?;
        let hash = entry_hash(&prev, &e);
        Sql::new("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3")
            .bind(prev.as_str())
            .bind(hash.as_str())
            .bind(r.int("id")?)
            .execute(db)
            .await?;
        prev = hash;
    }
    Ok(rows.len() as u64)
}

impl SqlStore {
    /// Seal what was appended before the audit chain existed (run when the store opens).
    pub(crate) async fn seal_audit_log(&self) -> Result<u64, StoreError> {
        // Read first: when the newest entry is sealed, an open writes nothing.
        let newest = Sql::new("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut self.pool.db())
            .await?;
        match newest {
            None => return Ok(0),
            Some(r) if r.opt_text("hash")?.is_some() => return Ok(0),
            Some(_) => {}
        }
        let mut tx = self.pool.begin().await?;
        let n = seal_audit(&mut tx.db()).await?;
        tx.commit().await?;
        Ok(n)
    }
}

#[async_trait]
impl AuditChainStore for SqlStore {
    async fn audit_chain(&self, after: i64, limit: u32) -> Result<Vec<SealedEntry>, StoreError> {
        Sql::new("SELECT * FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&mut self.pool.db())
            .await?
            .iter()
            .map(|r| {
                Ok(SealedEntry {
                    id: r.int("id")?,
                    entry: crate::history::audit_from_row(r)?,
                    prev_hash: r.opt_text("prev_hash")?,
                    hash: r.opt_text("hash")?,
                })
            })
            .collect()
    }

    async fn audit_count(&self) -> Result<u64, StoreError> {
        let n = Sql::new("SELECT COUNT(*) AS n FROM audit_log")
            .fetch_one(&mut self.pool.db())
            .await?
            .int("n")?;
        Ok(n as u64)
    }
}

#[async_trait]
impl cats_app::health::HealthStore for SqlStore {
    async fn schema_versions(&self) -> Result<(i64, i64), StoreError> {
        let expected = match &self.pool {
            crate::sql::Pool::Sqlite(..) => sqlx::migrate!("./migrations/sqlite"),
            crate::sql::Pool::Postgres(_) => sqlx::migrate!("./migrations/postgres"),
        }
        .migrations
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0);
        let applied = Sql::new(
            "SELECT COALESCE(MAX(version), 0) AS v FROM _sqlx_migrations WHERE success = TRUE",
        )
        .fetch_one(&mut self.pool.db())
        .await?
        .int("v")?;
        Ok((applied, expected))
    }

    fn pool_connections(&self) -> (u32, u32) {
        match &self.pool {
            crate::sql::Pool::Sqlite(p, _, _) => (p.size(), p.num_idle() as u32),
            crate::sql::Pool::Postgres(p) => (p.size(), p.num_idle() as u32),
        }
    }
}
