//! Accounts (administrator): a user for a company (trader or insurer), which also enters the
//! company in the parties list, not yet registered; or a customs officer of a country. The
//! company then applies to a register with its user (see [`super::registrations`]).

use chrono::{DateTime, Utc};
use serde::Deserialize;

use cats_domain::ids::{CountryCode, Eori, OfficeRef};

use super::user_with;
use crate::app::{Actor, App};
use crate::auth::{Role, User};
use crate::error::AppError;
use crate::history::audit;
use crate::store::{Party, RegistryChange};

/// A company named when creating its first user.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewParty {
    /// Identification number (EORI/TIN: country code and up to 15 characters).
    pub identification_number: String,
    /// Company name (used until a registration is approved).
    pub name: String,
    /// ISO 3166-1 alpha-2 country of establishment.
    pub country: String,
}

/// A user to create (`POST /admin/users`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewUser {
    /// Login name: 3 to 64 of `a-z`, `0-9`, `.`, `-`, `_`.
    pub username: String,
    /// `trader`, `insurer`, `officer` or `admin`.
    pub role: Role,
    /// The company of a trader or insurer.
    #[serde(default)]
    pub party: Option<NewParty>,
    /// The country of an officer.
    #[serde(default)]
    pub office_country: Option<String>,
    /// Risk-analyst permission, for an officer: maintains the risk profiles.
    #[serde(default)]
    pub risk_analyst: bool,
    /// The offices of its country an officer acts at; empty or absent: every office of the
    /// country.
    #[serde(default)]
    pub offices: Vec<String>,
}

/// Create a user (and its company when new) and issue its first API token, returned once.
///
/// Errors: 403 for anyone but the administrator; 400 for an invalid name, a missing company or
/// country, an identification number that is not an EORI/TIN, a company of the other kind; 409
/// for a name in use.
pub async fn create(
    app: &App,
    actor: &Actor,
    n: NewUser,
    now: DateTime<Utc>,
) -> Result<(User, String), AppError> {
    user_with(actor, &[Role::Admin], "creating users")?;
    let name_ok = (3..=64).contains(&n.username.len())
        && n.username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !name_ok {
        return Err(AppError::Invalid(format!(
            "username {:?}: 3 to 64 of a-z, 0-9, '.', '-', '_'",
            n.username
        )));
    }
    if app.store().user(&n.username).await?.is_some() {
        return Err(AppError::Refused(format!("user {} exists", n.username)));
    }
    let catalog = app.catalog();
    let mut party = None;
    let mut user = User {
        username: n.username.clone(),
        role: n.role,
        party: None,
        office_country: None,
        risk_analyst: false,
        offices: Vec::new(),
    };
    if n.risk_analyst && n.role != Role::Officer {
        return Err(AppError::Invalid(
            "riskAnalyst is a permission of officers".into(),
        ));
    }
    user.risk_analyst = n.risk_analyst;
    match (n.role, n.party, n.office_country) {
        (Role::Trader | Role::Insurer, Some(p), None) => {
            let id = Eori::parse(&p.identification_number)
                .map_err(|e| AppError::Invalid(e.to_string()))?;
            let kind = if n.role == Role::Trader {
                "trader"
            } else {
                "insurer"
            };
            match app.store().party(&id).await? {
                Some(existing) if existing.kind != kind => {
                    return Err(AppError::Invalid(format!(
                        "{} is a {}, not a {kind}",
                        existing.identification_number, existing.kind
                    )))
                }
                Some(_) => {}
                None => {
                    let country = CountryCode::parse(&p.country)
                        .ok()
                        .filter(|c| catalog.countries.contains_key(c));
                    let (Some(country), false) = (country, p.name.trim().is_empty()) else {
                        return Err(AppError::Invalid(
                            "a new company needs a name and a known ISO 3166 country".into(),
                        ));
                    };
                    party = Some(Party {
                        identification_number: id.clone(),
                        name: p.name.trim().to_string(),
                        kind: kind.into(),
                        status: String::new(),
                        country,
                        active: false,
                    });
                }
            }
            user.party = Some(id);
        }
        (Role::Officer, None, Some(c)) if catalog.is_participating(&c) => {
            let country = CountryCode::parse(&c).expect("a CATS country");
            user.office_country = Some(country);
            for o in &n.offices {
                let office = OfficeRef::parse(o)
                    .ok()
                    .filter(|o| catalog.office(o).is_some_and(|x| x.country == country))
                    .ok_or_else(|| {
                        AppError::Invalid(format!(
                            "offices: {o} is not a customs office of {country} known to CATS"
                        ))
                    })?;
                if !user.offices.contains(&office) {
                    user.offices.push(office);
                }
            }
        }
        (Role::Admin, None, None) => {}
        (role, _, _) => {
            return Err(AppError::Invalid(format!(
                "a {} user needs {}",
                role.as_str(),
                match role {
                    Role::Trader | Role::Insurer => "party (and no officeCountry)",
                    Role::Officer => "officeCountry, a CATS country (and no party)",
                    Role::Admin => "neither party nor officeCountry",
                }
            )))
        }
    }
    let detail = format!(
        "user {} ({}{})",
        user.username,
        user.role.as_str(),
        user.party
            .as_ref()
            .map(|p| p.as_str())
            .or(user.office_country.map(|c| c.as_str()))
            .map(|x| format!(", {x}"))
            .unwrap_or_default()
    );
    let change = RegistryChange {
        party,
        user: Some(user.clone()),
        audit: vec![audit(actor, "user.create", None, now, detail)],
        ..RegistryChange::default()
    };
    app.commit_registry(change).await?;
    let token = crate::tokens::issue(app, actor, &user.username, now).await?;
    Ok((user, token))
}
