//! Registers (issue 5): reads of registrations, documents, contracts, claims, history,
//! notifications and exchange rates; GRN serials.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};
use uuid::Uuid;

use cats_app::store::{
    Attachment, ClaimFilter, ContractFilter, HistoryEvent, Notification, RateRecord,
    RegistrationFilter, StoreError, StoredAttachment,
};
use cats_domain::coverage::ExchangeRate;
use cats_domain::ledger::GuaranteeStatus;
use cats_domain::registry::{
    Claim, ClaimStatus, Contract, Register, Registration, RegistrationStatus,
};

use super::{backend, SqliteStore};
use crate::parse_ts;

fn uuid(s: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(s).map_err(backend)
}

fn day(s: &str) -> Result<NaiveDate, StoreError> {
    s.parse().map_err(backend)
}

fn opt_ts(s: Option<String>) -> Result<Option<DateTime<Utc>>, StoreError> {
    s.as_deref().map(parse_ts).transpose()
}

impl SqliteStore {
    pub(super) async fn registration_impl(
        &self,
        id: Uuid,
    ) -> Result<Option<Registration>, StoreError> {
        sqlx::query("SELECT * FROM registrations WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
            .as_ref()
            .map(registration_from_row)
            .transpose()
    }

    pub(super) async fn registrations_impl(
        &self,
        f: &RegistrationFilter,
    ) -> Result<Vec<Registration>, StoreError> {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT * FROM registrations WHERE 1 = 1");
        if let Some(p) = &f.party {
            q.push(" AND party = ").push_bind(p);
        }
        if let Some(r) = f.register {
            q.push(" AND register = ").push_bind(r.as_str());
        }
        if let Some(s) = f.status {
            q.push(" AND status = ").push_bind(s.as_str());
        }
        if let Some(c) = &f.country {
            q.push(" AND country = ").push_bind(c);
        }
        q.push(" ORDER BY submitted_at, id");
        q.build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
            .iter()
            .map(registration_from_row)
            .collect()
    }

    pub(super) async fn attachments_impl(
        &self,
        registration_id: Uuid,
    ) -> Result<Vec<Attachment>, StoreError> {
        sqlx::query("SELECT * FROM attachments WHERE registration_id = ? ORDER BY uploaded_at, id")
            .bind(registration_id.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
            .iter()
            .map(attachment_from_row)
            .collect()
    }

    pub(super) async fn attachment_impl(
        &self,
        id: Uuid,
    ) -> Result<Option<StoredAttachment>, StoreError> {
        let Some(r) = sqlx::query("SELECT * FROM attachments WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        Ok(Some(StoredAttachment {
            meta: attachment_from_row(&r)?,
            data: r.get("data"),
        }))
    }

    pub(super) async fn contract_impl(
        &self,
        column: &str,
        key: String,
    ) -> Result<Option<Contract>, StoreError> {
        sqlx::query(&format!("SELECT * FROM contracts WHERE {column} = ?"))
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
            .as_ref()
            .map(contract_from_row)
            .transpose()
    }

    pub(super) async fn contracts_impl(
        &self,
        f: &ContractFilter,
    ) -> Result<Vec<Contract>, StoreError> {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT * FROM contracts WHERE 1 = 1");
        if let Some(i) = &f.insurer {
            q.push(" AND insurer = ").push_bind(i);
        }
        if let Some(h) = &f.holder {
            q.push(" AND holder = ").push_bind(h);
        }
        if let Some(s) = f.status {
            q.push(" AND status = ").push_bind(s.as_str());
        }
        q.push(" ORDER BY submitted_at, id");
        q.build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
            .iter()
            .map(contract_from_row)
            .collect()
    }

    pub(super) async fn ended_contracts_impl(
        &self,
        day: NaiveDate,
    ) -> Result<Vec<Uuid>, StoreError> {
        sqlx::query(
            "SELECT id FROM contracts
             WHERE status IN ('approved', 'active', 'suspended') AND valid_to < ?
             ORDER BY valid_to, id",
        )
        .bind(day.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?
        .iter()
        .map(|r| Uuid::parse_str(r.get(0)).map_err(backend))
        .collect()
    }

    pub(super) async fn next_grn_serial_impl(
        &self,
        country: &str,
        year: i32,
    ) -> Result<u64, StoreError> {
        let _w = self.write.lock().await;
        let row = sqlx::query(
            "INSERT INTO grn_serials (country, year, last) VALUES (?, ?, 1)
             ON CONFLICT(country, year) DO UPDATE SET last = last + 1 RETURNING last",
        )
        .bind(country)
        .bind(year)
        .fetch_one(&self.pool)
        .await
        .map_err(backend)?;
        Ok(row.get::<i64, _>(0) as u64)
    }

    pub(super) async fn claim_impl(&self, id: Uuid) -> Result<Option<Claim>, StoreError> {
        sqlx::query("SELECT * FROM claims WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
            .as_ref()
            .map(claim_from_row)
            .transpose()
    }

    pub(super) async fn claims_impl(&self, f: &ClaimFilter) -> Result<Vec<Claim>, StoreError> {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT * FROM claims WHERE 1 = 1");
        if let Some(i) = &f.insurer {
            q.push(" AND insurer = ").push_bind(i);
        }
        if let Some(h) = &f.holder {
            q.push(" AND holder = ").push_bind(h);
        }
        if let Some(g) = &f.grn {
            q.push(" AND grn = ").push_bind(g);
        }
        if let Some(s) = f.status {
            q.push(" AND status = ").push_bind(s.as_str());
        }
        q.push(" ORDER BY raised_at, id");
        q.build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
            .iter()
            .map(claim_from_row)
            .collect()
    }

    pub(super) async fn history_impl(
        &self,
        subject_id: Option<Uuid>,
    ) -> Result<Vec<HistoryEvent>, StoreError> {
        let rows = match subject_id {
            Some(id) => {
                sqlx::query("SELECT * FROM history WHERE subject_id = ? ORDER BY id")
                    .bind(id.to_string())
                    .fetch_all(&self.pool)
                    .await
            }
            None => {
                sqlx::query("SELECT * FROM history ORDER BY id")
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .map_err(backend)?;
        rows.iter().map(event_from_row).collect()
    }

    pub(super) async fn notifications_impl(
        &self,
        party: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Notification>, StoreError> {
        let rows = match party {
            Some(p) => {
                sqlx::query("SELECT * FROM notifications WHERE party = ? ORDER BY seq DESC LIMIT ?")
                    .bind(p)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
            }
            None => {
                sqlx::query("SELECT * FROM notifications ORDER BY seq")
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .map_err(backend)?;
        rows.iter().map(notification_from_row).collect()
    }

    pub(super) async fn exchange_rate_impl(
        &self,
        from: &str,
        to: &str,
        day: NaiveDate,
    ) -> Result<Option<ExchangeRate>, StoreError> {
        let row = sqlx::query(
            "SELECT * FROM exchange_rates
             WHERE currency_from = ?1 AND currency_to = ?2 AND valid_from <= ?3 AND valid_to >= ?3
             ORDER BY valid_from DESC LIMIT 1",
        )
        .bind(from)
        .bind(to)
        .bind(day.to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        Ok(row.as_ref().map(rate_from_row).transpose()?.map(|r| r.rate))
    }

    pub(super) async fn exchange_rates_impl(&self) -> Result<Vec<RateRecord>, StoreError> {
        sqlx::query("SELECT * FROM exchange_rates ORDER BY currency_from, currency_to, valid_from")
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?
            .iter()
            .map(rate_from_row)
            .collect()
    }
}

pub(super) fn registration_from_row(r: &SqliteRow) -> Result<Registration, StoreError> {
    let register: String = r.get("register");
    let status: String = r.get("status");
    let from: Option<String> = r.get("valid_from");
    let to: Option<String> = r.get("valid_to");
    Ok(Registration {
        id: uuid(r.get("id"))?,
        version: r.get("version"),
        party: r.get("party"),
        register: Register::parse(&register)
            .ok_or_else(|| backend(format!("unknown register {register}")))?,
        name: r.get("name"),
        address: r.get("address"),
        country: r.get("country"),
        contact: serde_json::from_str(r.get("contact")).map_err(backend)?,
        status: RegistrationStatus::parse(&status)
            .ok_or_else(|| backend(format!("unknown registration status {status}")))?,
        valid_from: from.as_deref().map(day).transpose()?,
        valid_to: to.as_deref().map(day).transpose()?,
        reason: r.get("reason"),
        decided_by: r.get("decided_by"),
        submitted_at: parse_ts(r.get("submitted_at"))?,
        updated_at: parse_ts(r.get("updated_at"))?,
    })
}

pub(super) fn attachment_from_row(r: &SqliteRow) -> Result<Attachment, StoreError> {
    Ok(Attachment {
        id: uuid(r.get("id"))?,
        registration_id: uuid(r.get("registration_id"))?,
        filename: r.get("filename"),
        content_type: r.get("content_type"),
        size: r.get("size"),
        sha256: r.get("sha256"),
        uploaded_at: parse_ts(r.get("uploaded_at"))?,
        uploaded_by: r.get("uploaded_by"),
    })
}

pub(super) fn contract_from_row(r: &SqliteRow) -> Result<Contract, StoreError> {
    let status: String = r.get("status");
    let countries: String = r.get("countries");
    Ok(Contract {
        id: uuid(r.get("id"))?,
        version: r.get("version"),
        grn: r.get("grn"),
        policy_number: r.get("policy_number"),
        insurer: r.get("insurer"),
        holder: r.get("holder"),
        reference_amount: cats_domain::ledger::from_minor(r.get("reference_minor")),
        currency: r.get("currency"),
        valid_from: day(r.get("valid_from"))?,
        valid_to: day(r.get("valid_to"))?,
        countries: countries.split_whitespace().map(str::to_string).collect(),
        indemnity: r.get("indemnity"),
        status: GuaranteeStatus::parse(&status)
            .ok_or_else(|| backend(format!("unknown contract status {status}")))?,
        reason: r.get("reason"),
        office: r.get("office"),
        decided_by: r.get("decided_by"),
        submitted_at: parse_ts(r.get("submitted_at"))?,
        updated_at: parse_ts(r.get("updated_at"))?,
    })
}

pub(super) fn claim_from_row(r: &SqliteRow) -> Result<Claim, StoreError> {
    let status: String = r.get("status");
    Ok(Claim {
        id: uuid(r.get("id"))?,
        version: r.get("version"),
        grn: r.get("grn"),
        movement_id: uuid(r.get("movement_id"))?,
        mrn: r.get("mrn"),
        insurer: r.get("insurer"),
        holder: r.get("holder"),
        amount_minor: r.get("amount_minor"),
        currency: r.get("currency"),
        status: ClaimStatus::parse(&status)
            .ok_or_else(|| backend(format!("unknown claim status {status}")))?,
        raised_at: parse_ts(r.get("raised_at"))?,
        answer: r.get("answer"),
        answered_at: opt_ts(r.get("answered_at"))?,
        closed_at: opt_ts(r.get("closed_at"))?,
    })
}

pub(super) fn event_from_row(r: &SqliteRow) -> Result<HistoryEvent, StoreError> {
    Ok(HistoryEvent {
        subject: r.get("subject"),
        subject_id: uuid(r.get("subject_id"))?,
        at: parse_ts(r.get("at"))?,
        actor: r.get("actor"),
        action: r.get("action"),
        status: r.get("status"),
        detail: r.get("detail"),
    })
}

pub(super) fn notification_from_row(r: &SqliteRow) -> Result<Notification, StoreError> {
    Ok(Notification {
        id: uuid(r.get("id"))?,
        party: r.get("party"),
        at: parse_ts(r.get("at"))?,
        subject: r.get("subject"),
        subject_id: uuid(r.get("subject_id"))?,
        text: r.get("text"),
    })
}

pub(super) fn rate_from_row(r: &SqliteRow) -> Result<RateRecord, StoreError> {
    let rate: String = r.get("rate");
    Ok(RateRecord {
        rate: ExchangeRate {
            from: r.get("currency_from"),
            to: r.get("currency_to"),
            valid_from: day(r.get("valid_from"))?,
            valid_to: day(r.get("valid_to"))?,
            rate: rate.parse().map_err(backend)?,
        },
        set_by: r.get("set_by"),
        set_at: parse_ts(r.get("set_at"))?,
    })
}
