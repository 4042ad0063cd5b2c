//! Dump and restore of the whole store (`cats db copy`), and the online backup (`cats db backup`).

use std::path::Path;

use sqlx::Row;
use uuid::Uuid;

use cats_app::store::{
    ClaimFilter, ContractFilter, GrnSerial, MrnSerial, RegistrationFilter, Snapshot, StoreError,
    StoredAttachment, StoredToken, Versioned,
};

use super::{backend, SqliteStore};
use crate::{parse_ts, ts};

impl SqliteStore {
    pub(super) async fn dump_impl(&self) -> Result<Snapshot, StoreError> {
        let mut s = Snapshot {
            catalog: self.load_catalog_impl().await?,
            ..Snapshot::default()
        };
        for r in
            sqlx::query("SELECT identification_number FROM parties ORDER BY identification_number")
                .fetch_all(&self.pool)
                .await
                .map_err(backend)?
        {
            if let Some(p) = self.party_impl(r.get(0)).await? {
                s.parties.push(p);
            }
        }
        for r in sqlx::query("SELECT username FROM users ORDER BY username")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
        {
            if let Some(u) = self.user_impl(r.get(0)).await? {
                s.users.push(u);
            }
        }
        for r in sqlx::query("SELECT token_hash, username, created_at FROM api_tokens ORDER BY created_at, token_hash")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
        {
            s.tokens.push(StoredToken {
                token_hash: r.get(0),
                username: r.get(1),
                created_at: parse_ts(r.get(2))?,
            });
        }
        for r in sqlx::query("SELECT grn FROM guarantees ORDER BY grn")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
        {
            let grn: String = r.get(0);
            if let Some(g) = self.guarantee_impl(&grn).await? {
                s.guarantees.push(g);
            }
            s.reservations.extend(self.reservations_impl(&grn).await?);
        }
        for r in sqlx::query("SELECT id FROM movements ORDER BY created_at, id")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
        {
            let id = Uuid::parse_str(r.get(0)).map_err(backend)?;
            if let Some(m) = self.movement_impl(id).await? {
                s.movements.push(m);
            }
            s.messages.extend(self.messages_impl(id).await?);
        }
        for r in sqlx::query("SELECT office, year, last FROM mrn_serials ORDER BY office, year")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
        {
            s.mrn_serials.push(MrnSerial {
                office: r.get(0),
                year: r.get::<i64, _>(1) as i32,
                last: r.get(2),
            });
        }
        let mut audit = self.audit_log_impl(None, u32::MAX).await?;
        audit.reverse();
        s.audit = audit;
        s.registrations = self
            .registrations_impl(&RegistrationFilter::default())
            .await?;
        for r in sqlx::query("SELECT * FROM attachments ORDER BY uploaded_at, id")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
        {
            s.attachments.push(StoredAttachment {
                meta: super::registry_read::attachment_from_row(&r)?,
                data: r.get("data"),
            });
        }
        s.control_attachments = self.all_control_attachments().await?;
        s.contracts = self.contracts_impl(&ContractFilter::default()).await?;
        s.claims = self.claims_impl(&ClaimFilter::default()).await?;
        s.history = self.history_impl(None).await?;
        s.notifications = self.notifications_impl(None, u32::MAX).await?;
        s.exchange_rates = self.exchange_rates_impl().await?;
        for r in sqlx::query("SELECT country, year, last FROM grn_serials ORDER BY country, year")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
        {
            s.grn_serials.push(GrnSerial {
                country: r.get(0),
                year: r.get::<i64, _>(1) as i32,
                last: r.get(2),
            });
        }
        s.risk_profiles = self.risk_profile_versions_impl(None).await?;
        Ok(s)
    }

    pub(super) async fn restore_impl(&self, s: &Snapshot) -> Result<(), StoreError> {
        let counts: (i64, i64, i64) = {
            let r = sqlx::query(
                "SELECT (SELECT COUNT(*) FROM movements), (SELECT COUNT(*) FROM parties), (SELECT COUNT(*) FROM users)",
            )
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
            (r.get(0), r.get(1), r.get(2))
        };
        if counts != (0, 0, 0) {
            return Err(StoreError::NotEmpty(format!(
                "{} movements, {} parties, {} users",
                counts.0, counts.1, counts.2
            )));
        }
        self.save_catalog_impl(&s.catalog).await?;
        for p in &s.parties {
            self.save_party_impl(p).await?;
        }
        for u in &s.users {
            self.save_user_impl(u).await?;
        }
        for t in &s.tokens {
            self.add_token_impl(&t.username, &t.token_hash, t.created_at)
                .await?;
        }
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await.map_err(backend)?;
        for g in &s.guarantees {
            sqlx::query(
                "INSERT INTO guarantees (grn, holder, insurer, reference_minor, currency, valid_from,
                   valid_to, countries, status, access_code_hash, running_total_minor,
                   liability_end)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&g.grn)
            .bind(&g.holder)
            .bind(&g.insurer)
            .bind(g.reference_minor())
            .bind(&g.currency)
            .bind(g.valid_from.to_string())
            .bind(g.valid_to.to_string())
            .bind(g.countries.join(" "))
            .bind(g.status.as_str())
            .bind(&g.access_code_hash)
            .bind(g.running_total_minor)
            .bind(g.liability_end.map(ts))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        for rec in &s.movements {
            super::movements::insert_movement(&mut tx, rec)
                .await
                .map_err(backend)?;
        }
        for m in &s.messages {
            sqlx::query(
                "INSERT INTO messages (id, movement_id, seq, message_type, direction, content_type, body, received)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(m.id.to_string())
            .bind(m.movement_id.to_string())
            .bind(m.seq)
            .bind(&m.message_type)
            .bind(m.direction.as_str())
            .bind(&m.content_type)
            .bind(&m.body)
            .bind(ts(m.received))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        for r in &s.reservations {
            super::ledger::insert_reservation(&mut tx, r).await?;
        }
        for m in &s.mrn_serials {
            sqlx::query("INSERT INTO mrn_serials (office, year, last) VALUES (?, ?, ?)")
                .bind(&m.office)
                .bind(m.year)
                .bind(m.last)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        for a in &s.audit {
            super::movements::insert_audit(&mut tx, a).await?;
        }
        use super::registry as r;
        for x in &s.registrations {
            let v = Versioned {
                record: x.clone(),
                expected: None,
            };
            r::write_registration(&mut tx, &v).await?;
        }
        for a in &s.attachments {
            r::insert_attachment(&mut tx, a).await?;
        }
        for a in &s.control_attachments {
            super::controls::insert_control_attachment(&mut tx, a).await?;
        }
        for x in &s.contracts {
            let v = Versioned {
                record: x.clone(),
                expected: None,
            };
            r::write_contract(&mut tx, &v).await?;
        }
        for x in &s.claims {
            let v = Versioned {
                record: x.clone(),
                expected: None,
            };
            r::write_claim(&mut tx, &v).await?;
        }
        for e in &s.history {
            r::insert_event(&mut tx, e).await?;
        }
        for n in &s.notifications {
            r::insert_notification(&mut tx, n).await?;
        }
        for x in &s.exchange_rates {
            r::write_rate(&mut tx, x).await?;
        }
        for g in &s.grn_serials {
            sqlx::query("INSERT INTO grn_serials (country, year, last) VALUES (?, ?, ?)")
                .bind(&g.country)
                .bind(g.year)
                .bind(g.last)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        for v in &s.risk_profiles {
            super::risk::insert_version(&mut tx, v).await?;
        }
        tx.commit().await.map_err(backend)
    }

    /// A consistent copy of the database, taken while the node runs, written to `target` (a new
    /// file). Uses SQLite's `VACUUM INTO`, which reads one snapshot of the database.
    /// Errors: `target` exists, or the copy fails.
    pub async fn backup_to(&self, target: &Path) -> Result<(), StoreError> {
        if target.exists() {
            return Err(StoreError::Backend(format!(
                "{} exists; a backup never overwrites a file",
                target.display()
            )));
        }
        sqlx::query("VACUUM INTO ?")
            .bind(target.to_string_lossy().into_owned())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
