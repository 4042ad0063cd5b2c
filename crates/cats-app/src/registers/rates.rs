//! Reference exchange rates, maintained by the administrator: dated (a first and a last day),
//! one unit of `from` in units of `to`. Release converts the amount to be covered into the
//! guarantee's currency at the rate of its day and keeps the rate with the reservation.

use chrono::{DateTime, Utc};

use cats_domain::coverage::ExchangeRate;

use super::user_with;
use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::history::audit;
use crate::store::{RateRecord, RegistryChange};

/// Set (insert, or replace the one with the same currencies and first day) a reference rate.
///
/// Who: the administrator. Errors: 403 otherwise; 400 for a rate that does not check
/// ([`ExchangeRate::check`]) or a currency CATS does not know.
pub async fn set(
    app: &App,
    actor: &Actor,
    rate: ExchangeRate,
    now: DateTime<Utc>,
) -> Result<RateRecord, AppError> {
    user_with(actor, &[Role::Admin], "maintaining exchange rates")?;
    rate.check().map_err(AppError::Invalid)?;
    let catalog = app.catalog();
    for c in [&rate.from, &rate.to] {
        if !catalog.currencies.contains_key(c) {
            return Err(AppError::Invalid(format!(
                "{c} is not an ISO 4217 currency CATS knows"
            )));
        }
    }
    let record = RateRecord {
        rate,
        set_by: actor.name().to_string(),
        set_at: now,
    };
    let r = &record.rate;
    let detail = format!(
        "1 {} = {} {} from {} to {}",
        r.from, r.rate, r.to, r.valid_from, r.valid_to
    );
    let change = RegistryChange {
        rate: Some(record.clone()),
        audit: vec![audit(actor, "exchange_rate.set", None, now, detail)],
        ..RegistryChange::default()
    };
    app.commit_registry(change).await?;
    Ok(record)
}

/// Every reference rate.
pub async fn list(app: &App) -> Result<Vec<RateRecord>, AppError> {
    Ok(app.store().exchange_rates().await?)
}
