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
/// company; an officer of the same country when shared with the country.
pub fn visible(user: &User, report: &SavedReport) -> bool {
    report.owner == user.username
        || match report.shared {
            Sharing::Private => false,
            Sharing::Company => report.party.is_some() && report.party == user.party,
            Sharing::Country => {
                user.role == Role::Officer
                    && report.country.is_some()
                    && report.country == user.office_country
            }
        }
}

/// Save a new report, or replace one the user owns (`id`). Errors: [`AppError::Invalid`] for an
/// empty or too long name, a definition that does not hold together, or a sharing the role
/// cannot use (company: traders and insurers; country: officers); [`AppError::NotFound`] for an
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
