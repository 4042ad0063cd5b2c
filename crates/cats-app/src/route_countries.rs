//! The countries taking part in CATS (route countries): every country of a movement's route must
//! be one (rule CATS005). The administrator adds or removes a country; the change is audited.

use chrono::{DateTime, Utc};

use cats_domain::ids::CountryCode;

use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::history::audit;

/// Make `country` take part in CATS (`participating`) or not. Errors: [`AppError::Forbidden`]
/// for anyone but the administrator; [`AppError::Invalid`] for a country the reference data
/// does not hold. Other instances on the same database read it at their next start (the
/// catalogue is loaded then; `cats reference import` works the same way).
pub async fn set_participating(
    app: &App,
    actor: &Actor,
    country: CountryCode,
    participating: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if actor.user().is_some_and(|u| u.role != Role::Admin) {
        return Err(AppError::Forbidden(
            "the countries taking part in CATS are managed by the administrator".into(),
        ));
    }
    let mut catalog = (*app.catalog()).clone();
    let Some(c) = catalog.countries.get_mut(&country) else {
        return Err(AppError::Invalid(format!(
            "{country} is not a country of the reference data"
        )));
    };
    if c.participating == participating {
        return Ok(());
    }
    c.participating = participating;
    app.store().save_catalog(&catalog).await?;
    let detail = format!(
        "{country} {} CATS",
        if participating {
            "takes part in"
        } else {
            "no longer takes part in"
        }
    );
    app.store()
        .audit(&[audit(actor, "route-country.set", None, now, detail)])
        .await?;
    app.reload_catalog().await?;
    Ok(())
}
