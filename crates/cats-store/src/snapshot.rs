//! Dump and restore of the whole store (`cats db copy`). The dump reads one consistent snapshot
//! (the caller's read transaction), so it may be taken while the node runs; the restore runs in
//! the caller's write transaction. Rows are listed in key order on both backends (byte order for
//! text keys), so that dumps of either compare equal.

use cats_app::store::{GrnSerial, MrnSerial, Snapshot, StoreError, Versioned};

use cats_domain::ids::{CountryCode, OfficeRef};

use crate::sql::{Backend, Db, Sql};
use crate::{
    accounts, controls, declarations, drafts, history, ledger, movements, parties, reference,
    registry, registry_read, risk,
};

/// Everything the store keeps.
pub(crate) async fn dump(db: &mut Db<'_>) -> Result<Snapshot, StoreError> {
    let (parties, users, tokens) = parties::everyone(db).await?;
    let movements = Sql::new(format!(
        "{} ORDER BY m.created_at, m.id",
        declarations::select_joined()
    ))
    .fetch_all(db)
    .await?
    .iter()
    .map(|r| movements::record_from_row(r, None))
    .collect::<Result<_, _>>()?;
    let mrn_serials = Sql::new("SELECT office, year, last FROM mrn_serials ORDER BY office, year")
        .fetch_all(db)
        .await?
        .iter()
        .map(|r| {
            Ok(MrnSerial {
                office: r.ident("office", OfficeRef::parse)?,
                year: r.int4("year")?,
                last: r.int("last")?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let grn_serials =
        Sql::new("SELECT country, year, last FROM grn_serials ORDER BY country, year")
            .fetch_all(db)
            .await?
            .iter()
            .map(|r| {
                Ok(GrnSerial {
                    country: r.ident("country", CountryCode::parse)?,
                    year: r.int4("year")?,
                    last: r.int("last")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
    Ok(Snapshot {
        catalog: reference::load_catalog(db).await?,
        parties,
        users,
        tokens,
        accounts: accounts::accounts(db).await?,
        drafts: drafts::all_drafts(db).await?,
        guarantees: ledger::guarantees(db).await?,
        reservations: ledger::reservations(db, None).await?,
        movements,
        messages: history::messages(db, None).await?,
        mrn_serials,
        audit: history::audit_log(db, None, None).await?,
        registrations: registry_read::all_registrations(db).await?,
        attachments: registry_read::all_attachments(db).await?,
        control_attachments: controls::all(db).await?,
        contracts: registry_read::contracts(db, &Default::default()).await?,
        claims: registry_read::claims(db, &Default::default()).await?,
        history: registry_read::history(db, None).await?,
        notifications: registry_read::all_notifications(db).await?,
        exchange_rates: registry_read::exchange_rates(db).await?,
        grn_serials,
        risk_profiles: risk::versions(db, None).await?,
        ice_outbox: crate::ice::outbox(db, None, None, 0).await?,
        ice_inbox: crate::ice::inbox(db, 0).await?,
        ice_fallbacks: crate::ice::fallbacks(db, None, false).await?,
        notify: crate::notify_snapshot::dump(db).await?,
        unmatched: crate::unmatched::dump(db).await?,
        node_secrets: crate::security::dump_secrets(db).await?,
        saved_reports: crate::reports::dump_saved(db).await?,
        node_runs: crate::reports::dump_runs(db).await?,
        support: crate::support::dump(db).await?,
    })
}

/// Load a snapshot into an empty store. Errors: [`StoreError::NotEmpty`] when it holds
/// movements, parties or users.
pub(crate) async fn restore(db: &mut Db<'_>, s: &Snapshot) -> Result<(), StoreError> {
    let r = Sql::new(
        "SELECT (SELECT COUNT(*) FROM movements) AS movements,
                (SELECT COUNT(*) FROM parties) AS parties,
                (SELECT COUNT(*) FROM users) AS users",
    )
    .fetch_one(db)
    .await?;
    let counts = (r.int("movements")?, r.int("parties")?, r.int("users")?);
    if counts != (0, 0, 0) {
        return Err(StoreError::NotEmpty(format!(
            "{} movements, {} parties, {} users",
            counts.0, counts.1, counts.2
        )));
    }
    reference::save_catalog(db, &s.catalog).await?;
    for p in &s.parties {
        parties::save_party(db, p).await?;
    }
    for u in &s.users {
        parties::save_user(db, u).await?;
    }
    for t in &s.tokens {
        parties::add_token(db, t).await?;
    }
    for a in &s.accounts {
        accounts::save_account(db, a).await?;
    }
    for d in &s.drafts {
        drafts::save_draft(db, d).await?;
    }
    for g in &s.guarantees {
        ledger::write_guarantee(db, g, true).await?;
    }
    if db.backend() == Backend::Postgres {
        crate::postgres::insert_movements(db, &s.movements).await?;
        crate::postgres::insert_messages(db, &s.messages).await?;
    } else {
        for rec in &s.movements {
            movements::insert_movement(db, rec)
                .await?
                .map_err(|e| crate::sql::db_error("INSERT INTO movements", e))?;
        }
        for m in &s.messages {
            history::insert_message(db, m).await?;
        }
    }
    for r in &s.reservations {
        ledger::insert_reservation(db, r).await?;
    }
    for m in &s.mrn_serials {
        Sql::new("INSERT INTO mrn_serials (office, year, last) VALUES ($1, $2, $3)")
            .bind(&m.office)
            .bind(m.year)
            .bind(m.last)
            .execute(db)
            .await?;
    }
    if db.backend() == Backend::Postgres {
        crate::postgres::insert_audit_entries(db, &s.audit).await?;
    } else {
        for a in &s.audit {
            history::insert_audit(db, a).await?;
        }
    }
    for x in &s.registrations {
        registry::write_registration(db, &fresh(x)).await?;
    }
    for a in &s.attachments {
        registry::insert_attachment(db, a).await?;
    }
    for a in &s.control_attachments {
        controls::insert_attachment(db, a).await?;
    }
    for x in &s.contracts {
        registry::write_contract(db, &fresh(x)).await?;
    }
    for x in &s.claims {
        registry::write_claim(db, &fresh(x)).await?;
    }
    for e in &s.history {
        registry::insert_event(db, e).await?;
    }
    for n in &s.notifications {
        registry::insert_notification_row(db, n).await?;
    }
    for x in &s.exchange_rates {
        registry::write_rate(db, x).await?;
    }
    for g in &s.grn_serials {
        Sql::new("INSERT INTO grn_serials (country, year, last) VALUES ($1, $2, $3)")
            .bind(g.country)
            .bind(g.year)
            .bind(g.last)
            .execute(db)
            .await?;
    }
    for v in &s.risk_profiles {
        risk::insert_version(db, v).await?;
    }
    for e in &s.ice_outbox {
        crate::ice::restore_outbox(db, e).await?;
    }
    for m in &s.ice_inbox {
        crate::ice::insert_inbound(db, m).await?;
    }
    for f in &s.ice_fallbacks {
        crate::ice::save_fallback(db, f).await?;
    }
    crate::notify_snapshot::restore(db, &s.notify).await?;
    crate::unmatched::restore(db, &s.unmatched).await?;
    crate::security::restore_secrets(db, &s.node_secrets).await?;
    crate::reports::restore(db, &s.saved_reports, &s.node_runs).await?;
    crate::support::restore(db, &s.support).await?;
    crate::security::seal_audit(db).await?;
    Ok(())
}

/// A record to insert as it is.
fn fresh<T: Clone>(record: &T) -> Versioned<T> {
    Versioned {
        record: record.clone(),
        expected: None,
    }
}
