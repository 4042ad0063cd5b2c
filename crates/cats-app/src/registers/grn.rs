//! The guarantee office of an approval and the GRN it allocates.
//!
//! The guarantee office rule: the approving officer names an office of its own country; when the
//! catalogue lists offices with the guarantee role (GUA) in that country, the office must be one
//! of them, otherwise (the demo data has none) any office of the country decides. The GRN carries
//! that office's country: 2-digit year, country, the office's 6 characters after the country, a
//! 6-digit serial per country and year from the store, ISO 6346 check digit
//! ([`cats_domain::ids::Grn::allocate`]).

use chrono::{DateTime, Datelike, Utc};

use cats_domain::ids::{CountryCode, Grn, OfficeRef};
use cats_domain::reference::OfficeRole;

use crate::app::App;
use crate::auth::User;
use crate::error::AppError;

/// The office an officer approves at, and its country (see the module's guarantee office rule).
pub(crate) fn guarantee_office(
    app: &App,
    user: &User,
    office: &OfficeRef,
) -> Result<CountryCode, AppError> {
    let catalog = app.catalog();
    if !user.acts_at(office, &catalog) {
        return Err(AppError::Forbidden(format!(
            "officer {} does not act at office {office} (scope: offices of {})",
            user.username,
            user.office_country.map_or("-", |c| c.as_str())
        )));
    }
    let o = catalog.office(office).expect("acts_at checked it");
    let country_has_gua = catalog
        .offices
        .values()
        .any(|x| x.country == o.country && x.has_role(OfficeRole::Gua));
    if country_has_gua && !o.has_role(OfficeRole::Gua) {
        return Err(AppError::Forbidden(format!(
            "office {office} does not hold the guarantee role (GUA)"
        )));
    }
    Ok(o.country)
}

/// Allocate a GRN at `office` of `country`: year, country, the office's 6 characters after the
/// country and a 6-digit serial per country and year from the store, ISO 6346 check digit.
pub(crate) async fn allocate_grn(
    app: &App,
    country: CountryCode,
    office: &OfficeRef,
    now: DateTime<Utc>,
) -> Result<Grn, AppError> {
    let serial = app.store().next_grn_serial(country, now.year()).await?;
    let body = format!("{}{:06}", &office.as_str()[2..], serial % 1_000_000);
    Grn::allocate(now.year(), &country, &body).map_err(|e| AppError::Invalid(e.to_string()))
}
