//! Registers (issue 5): reads of registrations, documents, contracts, claims, history,
//! notifications and exchange rates.

use chrono::NaiveDate;
use uuid::Uuid;

use cats_app::store::{
    Attachment, ClaimFilter, ContractFilter, HistoryEvent, Notification, RateRecord,
    RegistrationFilter, StoreError, StoredAttachment,
};
use cats_domain::coverage::ExchangeRate;
use cats_domain::ids::{CountryCode, CurrencyCode, Eori, Grn, Mrn, OfficeRef};
use cats_domain::ledger::GuaranteeStatus;
use cats_domain::registry::{
    Claim, ClaimStatus, Contract, Register, Registration, RegistrationStatus,
};

use crate::ledger::money;
use crate::sql::{Arg, Db, Row, Sql};

fn registration_from_row(r: &Row) -> Result<Registration, StoreError> {
    Ok(Registration {
        id: r.id("id")?,
        version: r.int("version")?,
        party: r.ident("party", Eori::parse)?,
        register: r.parsed("register", |s| Register::parse(s).ok_or("not a register"))?,
        name: r.text("name")?,
        address: r.text("address")?,
        country: r.ident("country", CountryCode::parse)?,
        contact: r.json("contact")?,
        status: r.parsed("status", |s| {
            RegistrationStatus::parse(s).ok_or("not a registration status")
        })?,
        valid_from: r.opt_date("valid_from")?,
        valid_to: r.opt_date("valid_to")?,
        reason: r.opt_text("reason")?,
        decided_by: r.opt_text("decided_by")?,
        submitted_at: r.time("submitted_at")?,
        updated_at: r.time("updated_at")?,
    })
}

fn attachment_from_row(r: &Row) -> Result<Attachment, StoreError> {
    Ok(Attachment {
        id: r.id("id")?,
        registration_id: r.id("registration_id")?,
        filename: r.text("filename")?,
        content_type: r.text("content_type")?,
        size: r.int("size")?,
        sha256: r.text("sha256")?,
        uploaded_at: r.time("uploaded_at")?,
        uploaded_by: r.text("uploaded_by")?,
    })
}

fn stored_attachment_from_row(r: &Row) -> Result<StoredAttachment, StoreError> {
    Ok(StoredAttachment {
        meta: attachment_from_row(r)?,
        data: r.bytes("data")?,
    })
}

fn contract_from_row(r: &Row) -> Result<Contract, StoreError> {
    Ok(Contract {
        id: r.id("id")?,
        version: r.int("version")?,
        grn: r.opt_ident("grn", Grn::parse)?,
        policy_number: r.text("policy_number")?,
        insurer: r.ident("insurer", Eori::parse)?,
        holder: r.ident("holder", Eori::parse)?,
        reference_amount: money(
            r,
            "reference_minor",
            r.ident("currency", CurrencyCode::parse)?,
        )?,
        valid_from: r.date("valid_from")?,
        valid_to: r.date("valid_to")?,
        countries: r.ident_list("countries", CountryCode::parse)?,
        indemnity: r.text("indemnity")?,
        status: r.parsed("status", |s| {
            GuaranteeStatus::parse(s).ok_or("not a contract status")
        })?,
        reason: r.opt_text("reason")?,
        office: r.opt_ident("office", OfficeRef::parse)?,
        decided_by: r.opt_text("decided_by")?,
        submitted_at: r.time("submitted_at")?,
        updated_at: r.time("updated_at")?,
    })
}

fn claim_from_row(r: &Row) -> Result<Claim, StoreError> {
    Ok(Claim {
        id: r.id("id")?,
        version: r.int("version")?,
        grn: r.ident("grn", Grn::parse)?,
        movement_id: r.id("movement_id")?,
        mrn: r.opt_ident("mrn", Mrn::parse)?,
        insurer: r.ident("insurer", Eori::parse)?,
        holder: r.ident("holder", Eori::parse)?,
        amount: money(r, "amount_minor", r.ident("currency", CurrencyCode::parse)?)?,
        status: r.parsed("status", |s| {
            ClaimStatus::parse(s).ok_or("not a claim status")
        })?,
        raised_at: r.time("raised_at")?,
        answer: r.opt_text("answer")?,
        answered_at: r.opt_time("answered_at")?,
        closed_at: r.opt_time("closed_at")?,
    })
}

fn event_from_row(r: &Row) -> Result<HistoryEvent, StoreError> {
    Ok(HistoryEvent {
        subject: r.text("subject")?,
        subject_id: r.id("subject_id")?,
        at: r.time("at")?,
        actor: r.text("actor")?,
        action: r.text("action")?,
        status: r.text("status")?,
        detail: r.text("detail")?,
    })
}

/// A notification from its row, with what the row left out made again
/// (`crate::notification_row`).
pub(crate) fn notification_from_row(r: &Row) -> Result<Notification, StoreError> {
    let derived = r.int("derived")?;
    let stored = Notification {
        id: r.id("id")?,
        party: r.ident("party", Eori::parse)?,
        at: r.time("at")?,
        event: r.parsed("event_type", |s| {
            cats_app::notify::EventType::parse(s).ok_or("not an event type")
        })?,
        subject: r.text("subject")?,
        subject_id: r.id("subject_id")?,
        reference: r.text("reference")?,
        link: r.text("link")?,
        message_id: r.opt_id("message_id")?,
        text: r.text("text")?,
        status: r.text("status")?,
    };
    Ok(crate::notification_row::restore(stored, derived))
}

fn rate_from_row(r: &Row) -> Result<RateRecord, StoreError> {
    let rate = r.text("rate")?;
    Ok(RateRecord {
        rate: ExchangeRate {
            from: r.ident("currency_from", CurrencyCode::parse)?,
            to: r.ident("currency_to", CurrencyCode::parse)?,
            valid_from: r.date("valid_from")?,
            valid_to: r.date("valid_to")?,
            rate: rate
                .parse()
                .map_err(|e| StoreError::backend(format!("stored rate {rate:?}"), e))?,
        },
        set_by: r.text("set_by")?,
        set_at: r.time("set_at")?,
    })
}

/// Run `sql` and map every row.
async fn all<T>(
    db: &mut Db<'_>,
    sql: &Sql<'_>,
    map: fn(&Row) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    sql.fetch_all(db).await?.iter().map(map).collect()
}

/// Run `sql` and map its row, if any.
async fn one<T>(
    db: &mut Db<'_>,
    sql: &Sql<'_>,
    map: fn(&Row) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    sql.fetch_optional(db).await?.as_ref().map(map).transpose()
}

/// A registration by id.
pub(crate) async fn registration(
    db: &mut Db<'_>,
    id: Uuid,
) -> Result<Option<Registration>, StoreError> {
    let sql = Sql::new("SELECT * FROM registrations WHERE id = $1").bind(id);
    one(db, &sql, registration_from_row).await
}

/// Registrations matching the filter, oldest first.
pub(crate) async fn registrations(
    db: &mut Db<'_>,
    f: &RegistrationFilter,
) -> Result<Vec<Registration>, StoreError> {
    let mut q = Sql::new("SELECT * FROM registrations WHERE TRUE");
    if let Some(p) = &f.party {
        q.and(" AND party = ", p);
    }
    if let Some(r) = f.register {
        q.and(" AND register = ", r.as_str());
    }
    if let Some(s) = f.status {
        q.and(" AND status = ", s.as_str());
    }
    if let Some(c) = &f.country {
        q.and(" AND country = ", c);
    }
    q.push(" ORDER BY submitted_at, id");
    all(db, &q, registration_from_row).await
}

/// The documents of a registration (without bytes), oldest first.
pub(crate) async fn attachments(
    db: &mut Db<'_>,
    registration_id: Uuid,
) -> Result<Vec<Attachment>, StoreError> {
    let sql =
        Sql::new("SELECT * FROM attachments WHERE registration_id = $1 ORDER BY uploaded_at, id")
            .bind(registration_id);
    all(db, &sql, attachment_from_row).await
}

/// One document with its bytes.
pub(crate) async fn attachment(
    db: &mut Db<'_>,
    id: Uuid,
) -> Result<Option<StoredAttachment>, StoreError> {
    let sql = Sql::new("SELECT * FROM attachments WHERE id = $1").bind(id);
    one(db, &sql, stored_attachment_from_row).await
}

/// The contract whose `column` (`id` or `grn`) is `key`.
pub(crate) async fn contract(
    db: &mut Db<'_>,
    column: &'static str,
    key: Arg<'_>,
) -> Result<Option<Contract>, StoreError> {
    let sql = Sql::new(format!("SELECT * FROM contracts WHERE {column} = $1")).bind(key);
    one(db, &sql, contract_from_row).await
}

/// Contracts matching the filter, oldest first.
pub(crate) async fn contracts(
    db: &mut Db<'_>,
    f: &ContractFilter,
) -> Result<Vec<Contract>, StoreError> {
    let mut q = Sql::new("SELECT * FROM contracts WHERE TRUE");
    if let Some(i) = &f.insurer {
        q.and(" AND insurer = ", i);
    }
    if let Some(h) = &f.holder {
        q.and(" AND holder = ", h);
    }
    if let Some(s) = f.status {
        q.and(" AND status = ", s.as_str());
    }
    q.push(" ORDER BY submitted_at, id");
    all(db, &q, contract_from_row).await
}

/// Contracts approved, active or suspended whose policy period ended before `day`.
pub(crate) async fn ended_contracts(
    db: &mut Db<'_>,
    day: NaiveDate,
) -> Result<Vec<Uuid>, StoreError> {
    let sql = Sql::new(
        "SELECT id FROM contracts
         WHERE status IN ('approved', 'active', 'suspended') AND valid_to < $1
         ORDER BY valid_to, id",
    )
    .bind(day);
    all(db, &sql, |r| r.id("id")).await
}

/// A claim by id.
pub(crate) async fn claim(db: &mut Db<'_>, id: Uuid) -> Result<Option<Claim>, StoreError> {
    let sql = Sql::new("SELECT * FROM claims WHERE id = $1").bind(id);
    one(db, &sql, claim_from_row).await
}

/// Claims matching the filter, oldest first.
pub(crate) async fn claims(db: &mut Db<'_>, f: &ClaimFilter) -> Result<Vec<Claim>, StoreError> {
    let mut q = Sql::new("SELECT * FROM claims WHERE TRUE");
    if let Some(i) = &f.insurer {
        q.and(" AND insurer = ", i);
    }
    if let Some(h) = &f.holder {
        q.and(" AND holder = ", h);
    }
    if let Some(g) = &f.grn {
        q.and(" AND grn = ", g);
    }
    if let Some(s) = f.status {
        q.and(" AND status = ", s.as_str());
    }
    q.push(" ORDER BY raised_at, id");
    all(db, &q, claim_from_row).await
}

/// The history of one subject (registration, contract, claim), or every event; oldest first.
pub(crate) async fn history(
    db: &mut Db<'_>,
    subject_id: Option<Uuid>,
) -> Result<Vec<HistoryEvent>, StoreError> {
    let sql = match subject_id {
        Some(id) => Sql::new("SELECT * FROM history WHERE subject_id = $1 ORDER BY id").bind(id),
        None => Sql::new("SELECT * FROM history ORDER BY id"),
    };
    all(db, &sql, event_from_row).await
}

/// Every notification, oldest first (a snapshot; a user's are read through its inbox).
pub(crate) async fn all_notifications(db: &mut Db<'_>) -> Result<Vec<Notification>, StoreError> {
    let sql = Sql::new("SELECT * FROM notifications ORDER BY seq");
    all(db, &sql, notification_from_row).await
}

/// The rate `from` → `to` that applies on `day` (the latest first day among those whose period
/// holds the day).
pub(crate) async fn exchange_rate(
    db: &mut Db<'_>,
    from: CurrencyCode,
    to: CurrencyCode,
    day: NaiveDate,
) -> Result<Option<ExchangeRate>, StoreError> {
    let sql = Sql::new(
        "SELECT * FROM exchange_rates
         WHERE currency_from = $1 AND currency_to = $2 AND valid_from <= $3 AND valid_to >= $3
         ORDER BY valid_from DESC LIMIT 1",
    )
    .bind(from)
    .bind(to)
    .bind(day);
    Ok(one(db, &sql, rate_from_row).await?.map(|r| r.rate))
}

/// Every rate, by from, to, first day.
pub(crate) async fn exchange_rates(db: &mut Db<'_>) -> Result<Vec<RateRecord>, StoreError> {
    let sql =
        Sql::new("SELECT * FROM exchange_rates ORDER BY currency_from, currency_to, valid_from");
    all(db, &sql, rate_from_row).await
}

/// Every registration, oldest first (for dumps).
pub(crate) async fn all_registrations(db: &mut Db<'_>) -> Result<Vec<Registration>, StoreError> {
    registrations(db, &RegistrationFilter::default()).await
}

/// Every document with its bytes, oldest first (for dumps).
pub(crate) async fn all_attachments(db: &mut Db<'_>) -> Result<Vec<StoredAttachment>, StoreError> {
    let sql = Sql::new("SELECT * FROM attachments ORDER BY uploaded_at, id");
    all(db, &sql, stored_attachment_from_row).await
}
