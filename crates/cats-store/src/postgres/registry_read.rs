//! Registers (issue 5): reads of registrations, documents, contracts, claims, history,
//! notifications and exchange rates; GRN serials.

use chrono::NaiveDate;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};
use uuid::Uuid;

use cats_app::store::{
    Attachment, ClaimFilter, ContractFilter, HistoryEvent, Notification, RateRecord,
    RegistrationFilter, StoreError, StoredAttachment,
};
use cats_domain::coverage::ExchangeRate;
use cats_domain::ledger::{from_minor, GuaranteeStatus};
use cats_domain::registry::{
    Claim, ClaimStatus, Contract, Register, Registration, RegistrationStatus,
};

use super::{backend, pg, PgStore};

impl PgStore {
    pub(super) async fn registration_impl(
        &self,
        id: Uuid,
    ) -> Result<Option<Registration>, StoreError> {
        sqlx::query("SELECT * FROM registrations WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(pg)?
            .as_ref()
            .map(registration_from_row)
            .transpose()
    }

    pub(super) async fn registrations_impl(
        &self,
        f: &RegistrationFilter,
    ) -> Result<Vec<Registration>, StoreError> {
        let mut q: QueryBuilder<Postgres> =
            QueryBuilder::new("SELECT * FROM registrations WHERE TRUE");
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
            .map_err(pg)?
            .iter()
            .map(registration_from_row)
            .collect()
    }

    pub(super) async fn attachments_impl(
        &self,
        registration_id: Uuid,
    ) -> Result<Vec<Attachment>, StoreError> {
        Ok(sqlx::query(
            "SELECT * FROM attachments WHERE registration_id = $1 ORDER BY uploaded_at, id",
        )
        .bind(registration_id)
        .fetch_all(&self.pool)
        .await
        .map_err(pg)?
        .iter()
        .map(attachment_from_row)
        .collect())
    }

    pub(super) async fn attachment_impl(
        &self,
        id: Uuid,
    ) -> Result<Option<StoredAttachment>, StoreError> {
        Ok(sqlx::query("SELECT * FROM attachments WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(pg)?
            .map(|r| StoredAttachment {
                meta: attachment_from_row(&r),
                data: r.get("data"),
            }))
    }

    pub(super) async fn contract_by_id_impl(
        &self,
        id: Uuid,
    ) -> Result<Option<Contract>, StoreError> {
        sqlx::query("SELECT * FROM contracts WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(pg)?
            .as_ref()
            .map(contract_from_row)
            .transpose()
    }

    pub(super) async fn contract_by_grn_impl(
        &self,
        grn: &str,
    ) -> Result<Option<Contract>, StoreError> {
        sqlx::query("SELECT * FROM contracts WHERE grn = $1")
            .bind(grn)
            .fetch_optional(&self.pool)
            .await
            .map_err(pg)?
            .as_ref()
            .map(contract_from_row)
            .transpose()
    }

    pub(super) async fn contracts_impl(
        &self,
        f: &ContractFilter,
    ) -> Result<Vec<Contract>, StoreError> {
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new("SELECT * FROM contracts WHERE TRUE");
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
            .map_err(pg)?
            .iter()
            .map(contract_from_row)
            .collect()
    }

    pub(super) async fn ended_contracts_impl(
        &self,
        day: NaiveDate,
    ) -> Result<Vec<Uuid>, StoreError> {
        Ok(sqlx::query(
            "SELECT id FROM contracts
             WHERE status IN ('approved', 'active', 'suspended') AND valid_to < $1
             ORDER BY valid_to, id",
        )
        .bind(day)
        .fetch_all(&self.pool)
        .await
        .map_err(pg)?
        .iter()
        .map(|r| r.get(0))
        .collect())
    }

    pub(super) async fn next_grn_serial_impl(
        &self,
        country: &str,
        year: i32,
    ) -> Result<u64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO grn_serials (country, year, last) VALUES ($1, $2, 1)
             ON CONFLICT (country, year) DO UPDATE SET last = grn_serials.last + 1
             RETURNING last",
        )
        .bind(country)
        .bind(year)
        .fetch_one(&self.pool)
        .await
        .map_err(pg)?;
        Ok(row.get::<i64, _>(0) as u64)
    }

    pub(super) async fn claim_impl(&self, id: Uuid) -> Result<Option<Claim>, StoreError> {
        sqlx::query("SELECT * FROM claims WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(pg)?
            .as_ref()
            .map(claim_from_row)
            .transpose()
    }

    pub(super) async fn claims_impl(&self, f: &ClaimFilter) -> Result<Vec<Claim>, StoreError> {
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new("SELECT * FROM claims WHERE TRUE");
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
            .map_err(pg)?
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
                sqlx::query("SELECT * FROM history WHERE subject_id = $1 ORDER BY id")
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await
            }
            None => {
                sqlx::query("SELECT * FROM history ORDER BY id")
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .map_err(pg)?;
        Ok(rows.iter().map(event_from_row).collect())
    }

    pub(super) async fn notifications_impl(
        &self,
        party: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Notification>, StoreError> {
        let rows = match party {
            Some(p) => {
                sqlx::query(
                    "SELECT * FROM notifications WHERE party = $1 ORDER BY seq DESC LIMIT $2",
                )
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
        .map_err(pg)?;
        Ok(rows.iter().map(notification_from_row).collect())
    }

    pub(super) async fn exchange_rate_impl(
        &self,
        from: &str,
        to: &str,
        day: NaiveDate,
    ) -> Result<Option<ExchangeRate>, StoreError> {
        let row = sqlx::query(
            "SELECT * FROM exchange_rates
             WHERE currency_from = $1 AND currency_to = $2 AND valid_from <= $3 AND valid_to >= $3
             ORDER BY valid_from DESC LIMIT 1",
        )
        .bind(from)
        .bind(to)
        .bind(day)
        .fetch_optional(&self.pool)
        .await
        .map_err(pg)?;
        Ok(row.as_ref().map(rate_from_row).transpose()?.map(|r| r.rate))
    }

    pub(super) async fn exchange_rates_impl(&self) -> Result<Vec<RateRecord>, StoreError> {
        sqlx::query("SELECT * FROM exchange_rates ORDER BY currency_from, currency_to, valid_from")
            .fetch_all(&self.pool)
            .await
            .map_err(pg)?
            .iter()
            .map(rate_from_row)
            .collect()
    }
}

pub(super) fn registration_from_row(r: &PgRow) -> Result<Registration, StoreError> {
    let register: String = r.get("register");
    let status: String = r.get("status");
    Ok(Registration {
        id: r.get("id"),
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
        valid_from: r.get("valid_from"),
        valid_to: r.get("valid_to"),
        reason: r.get("reason"),
        decided_by: r.get("decided_by"),
        submitted_at: r.get("submitted_at"),
        updated_at: r.get("updated_at"),
    })
}

pub(super) fn attachment_from_row(r: &PgRow) -> Attachment {
    Attachment {
        id: r.get("id"),
        registration_id: r.get("registration_id"),
        filename: r.get("filename"),
        content_type: r.get("content_type"),
        size: r.get("size"),
        sha256: r.get("sha256"),
        uploaded_at: r.get("uploaded_at"),
        uploaded_by: r.get("uploaded_by"),
    }
}

pub(super) fn contract_from_row(r: &PgRow) -> Result<Contract, StoreError> {
    let status: String = r.get("status");
    let countries: String = r.get("countries");
    Ok(Contract {
        id: r.get("id"),
        version: r.get("version"),
        grn: r.get("grn"),
        policy_number: r.get("policy_number"),
        insurer: r.get("insurer"),
        holder: r.get("holder"),
        reference_amount: from_minor(r.get("reference_minor")),
        currency: r.get("currency"),
        valid_from: r.get("valid_from"),
        valid_to: r.get("valid_to"),
        countries: countries.split_whitespace().map(str::to_string).collect(),
        indemnity: r.get("indemnity"),
        status: GuaranteeStatus::parse(&status)
            .ok_or_else(|| backend(format!("unknown contract status {status}")))?,
        reason: r.get("reason"),
        office: r.get("office"),
        decided_by: r.get("decided_by"),
        submitted_at: r.get("submitted_at"),
        updated_at: r.get("updated_at"),
    })
}

pub(super) fn claim_from_row(r: &PgRow) -> Result<Claim, StoreError> {
    let status: String = r.get("status");
    Ok(Claim {
        id: r.get("id"),
        version: r.get("version"),
        grn: r.get("grn"),
        movement_id: r.get("movement_id"),
        mrn: r.get("mrn"),
        insurer: r.get("insurer"),
        holder: r.get("holder"),
        amount_minor: r.get("amount_minor"),
        currency: r.get("currency"),
        status: ClaimStatus::parse(&status)
            .ok_or_else(|| backend(format!("unknown claim status {status}")))?,
        raised_at: r.get("raised_at"),
        answer: r.get("answer"),
        answered_at: r.get("answered_at"),
        closed_at: r.get("closed_at"),
    })
}

pub(super) fn event_from_row(r: &PgRow) -> HistoryEvent {
    HistoryEvent {
        subject: r.get("subject"),
        subject_id: r.get("subject_id"),
        at: r.get("at"),
        actor: r.get("actor"),
        action: r.get("action"),
        status: r.get("status"),
        detail: r.get("detail"),
    }
}

pub(super) fn notification_from_row(r: &PgRow) -> Notification {
    Notification {
        id: r.get("id"),
        party: r.get("party"),
        at: r.get("at"),
        subject: r.get("subject"),
        subject_id: r.get("subject_id"),
        text: r.get("text"),
    }
}

pub(super) fn rate_from_row(r: &PgRow) -> Result<RateRecord, StoreError> {
    let rate: String = r.get("rate");
    Ok(RateRecord {
        rate: ExchangeRate {
            from: r.get("currency_from"),
            to: r.get("currency_to"),
            valid_from: r.get("valid_from"),
            valid_to: r.get("valid_to"),
            rate: rate.parse().map_err(backend)?,
        },
        set_by: r.get("set_by"),
        set_at: r.get("set_at"),
    })
}
