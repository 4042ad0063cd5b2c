//! Custom reports users save and share (issue 17, item 3): a definition (measures, dimensions,
//! filters) kept under a name, seen by its owner, or by the owner's company or country.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use cats_domain::reports::cube::Definition;

use super::store::{SavedReport, Sharing};
use crate::app::{Actor, App};
use crate::auth::{Role, User};
use crate::error::AppError;

/// Longest name of a saved report, in characters.
pub const MAX_NAME: usize = 120;

fn user(actor: &Actor) -> Result<&User, AppError> {
    actor
        .user()
        .ok_or_else(|| AppError::Forbidden("reports are saved by users".into()))
}

/// Whether `user` sees `report`: its owner; a user of the same company when shared with the
/// company; an officer of the same country acting at one of the owner's offices when shared
/// with the office; an officer of the same country when shared with the country.
pub fn visible(user: &User, report: &SavedReport) -> bool {
    report.owner == user.username
        || match report.shared {
            Sharing::Private => false,
            Sharing::Company => report.party.is_some() && report.party == user.party,
            Sharing::Office => {
                user.role == Role::Officer
                    && report.country.is_some()
                    && report.country == user.office_country
                    && report
                        .offices
                        .iter()
                        .any(|o| user.offices.is_empty() || user.offices.contains(o))
            }
            Sharing::Country => {
                user.role == Role::Officer
                    && report.country.is_some()
                    && report.country == user.office_country
            }
        }
}

/// Save a new report, or replace one the user owns (`id`). Errors: [`AppError::Invalid`] for an
/// empty or too long name, a definition that does not hold together, or a sharing the role
/// cannot use (company: traders and insurers; office: officers with an office scope; country:
/// officers); [`AppError::NotFound`] for an
/// `id` the user does not own.
pub async fn save(
    app: &App,
    actor: &Actor,
    id: Option<Uuid>,
    name: &str,
    shared: Sharing,
    definition: Definition,
    now: DateTime<Utc>,
) -> Result<SavedReport, AppError> {
    let u = user(actor)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(AppError::Invalid(format!(
            "a report's name has 1 to {MAX_NAME} characters"
        )));
    }
    definition
        .check()
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    match (shared, u.role) {
        (Sharing::Company, Role::Trader | Role::Insurer) | (Sharing::Country, Role::Officer) => {}
        (Sharing::Office, Role::Officer) if !u.offices.is_empty() => {}
        (Sharing::Office, Role::Officer) => {
            return Err(AppError::Invalid(
                "an officer of every office of its country shares with its country".into(),
            ))
        }
        (Sharing::Private, _) => {}
        _ => {
            return Err(AppError::Invalid(format!(
                "a {} cannot share a report with a {}",
                u.role.as_str(),
                shared.as_str()
            )))
        }
    }
    let created_at = match id {
        Some(id) => {
            let old = app
                .store()
                .saved_reports()
                .await?
                .into_iter()
                .find(|r| r.id == id && r.owner == u.username)
                .ok_or_else(|| AppError::NotFound(format!("saved report {id}")))?;
            old.created_at
        }
        None => now,
    };
    let report = SavedReport {
        id: id.unwrap_or_else(Uuid::new_v4),
        name: name.to_string(),
        owner: u.username.clone(),
        party: u.party.clone(),
        country: u.office_country,
        offices: u.offices.clone(),
        shared,
        definition,
        created_at,
        updated_at: now,
    };
    app.store().save_report(&report).await?;
    Ok(report)
}

/// The saved reports the user sees, newest first.
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<SavedReport>, AppError> {
    let u = user(actor)?;
    Ok(app
        .store()
        .saved_reports()
        .await?
        .into_iter()
        .filter(|r| visible(u, r))
        .collect())
}

/// One saved report the user sees. Errors: [`AppError::NotFound`].
pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<SavedReport, AppError> {
    list(app, actor)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| AppError::NotFound(format!("saved report {id}")))
}

/// Delete a report the user owns. Errors: [`AppError::NotFound`] (also for one shared with the
/// user by someone else: only its owner deletes it).
pub async fn delete(app: &App, actor: &Actor, id: Uuid) -> Result<(), AppError> {
    let u = user(actor)?;
    let own = get(app, actor, id).await?;
    if own.owner != u.username || !app.store().delete_report(id).await? {
        return Err(AppError::NotFound(format!("saved report {id}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cats_domain::reports::cube::{Dimension, Filters, Measure};

    fn user(name: &str, role: Role, country: Option<&str>, offices: &[&str]) -> User {
        User {
            username: name.into(),
            role,
            party: (role == Role::Trader).then(|| "KZ840000123456".parse().unwrap()),
            office_country: country.map(|c| c.parse().unwrap()),
            risk_analyst: false,
            offices: offices.iter().map(|o| o.parse().unwrap()).collect(),
        }
    }

    fn report(owner: &User, shared: Sharing) -> SavedReport {
        SavedReport {
            id: Uuid::new_v4(),
            name: "r".into(),
            owner: owner.username.clone(),
            party: owner.party.clone(),
            country: owner.office_country,
            offices: owner.offices.clone(),
            shared,
            definition: Definition {
                dimensions: vec![Dimension::Route],
                measures: vec![Measure::Movements],
                filters: Filters::default(),
            },
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn who_sees_a_saved_report() {
        let khorgos = user("a", Role::Officer, Some("KZ"), &["KZHOR001"]);
        let same_office = user("b", Role::Officer, Some("KZ"), &["KZHOR001", "KZAAU001"]);
        let other_office = user("c", Role::Officer, Some("KZ"), &["KZAAU001"]);
        let whole_country = user("d", Role::Officer, Some("KZ"), &[]);
        let georgia = user("e", Role::Officer, Some("GE"), &[]);
        let trader = user("t", Role::Trader, None, &[]);
        let office = report(&khorgos, Sharing::Office);
        assert!(visible(&khorgos, &office));
        assert!(visible(&same_office, &office));
        assert!(visible(&whole_country, &office));
        assert!(!visible(&other_office, &office));
        assert!(!visible(&georgia, &office));
        let country = report(&khorgos, Sharing::Country);
        assert!(visible(&other_office, &country) && !visible(&georgia, &country));
        assert!(!visible(&trader, &country));
        let private = report(&khorgos, Sharing::Private);
        assert!(!visible(&same_office, &private));
        let company = report(&trader, Sharing::Company);
        let colleague = user("t2", Role::Trader, None, &[]);
        assert!(visible(&colleague, &company) && !visible(&khorgos, &company));
    }
}
