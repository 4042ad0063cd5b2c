//! Use cases of the registers (issue 5), one function per user action, each loading what it
//! needs, deciding with the domain (`cats_domain::registry`) and committing one
//! [`RegistryChange`](crate::store::RegistryChange) in one transaction, with the history step,
//! the notifications and the audit entry.
//!
//! * [`registrations`]: apply, decide (approve, reject, suspend, reinstate, revoke, renew), read.
//! * [`documents`]: attach a document to an application, download it.
//! * [`contracts`]: submit, decide (approve with GRN, reject, suspend, reinstate, revoke), cancel,
//!   expire, read; [`access_code`]: the holder sets or changes the access code (CC026C analogue).
//! * [`claims`]: read, contest, pay, waive.
//! * [`rates`]: reference exchange rates; [`users`]: accounts of companies and officers.

pub mod access_code;
pub mod claims;
pub mod contracts;
pub mod documents;
mod grn;
pub mod rates;
pub mod registrations;
pub mod users;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use cats_domain::ids::Eori;

use crate::app::Actor;
use crate::auth::{Role, User};
use crate::error::AppError;
use crate::notify::EventType;
use crate::store::{HistoryEvent, Notification};

/// A history step of `subject` (`registration`, `contract`, `claim`) `id` by `actor`.
pub(crate) fn event(
    subject: &str,
    id: Uuid,
    actor: &Actor,
    action: &str,
    status: &str,
    detail: impl Into<String>,
    at: DateTime<Utc>,
) -> HistoryEvent {
    HistoryEvent {
        subject: subject.to_string(),
        subject_id: id,
        at,
        actor: actor.name().to_string(),
        action: action.to_string(),
        status: status.to_string(),
        detail: detail.into(),
    }
}

/// How a contract is named in its notifications: its GRN once it has one, else its policy
/// number.
pub(crate) fn contract_reference(c: &cats_domain::registry::Contract) -> String {
    c.grn
        .as_ref()
        .map_or_else(|| c.policy_number.clone(), |g| g.to_string())
}

/// The event type of a register's notification: `registration.status`, `contract.status`,
/// `contract.access_code` (status `access_code`) or `claim.status`.
pub(crate) fn register_event(subject: &str, status: &str) -> EventType {
    match (subject, status) {
        ("registration", _) => EventType::RegistrationStatus,
        ("contract", "access_code") => EventType::AccessCode,
        ("contract", _) => EventType::ContractStatus,
        _ => EventType::ClaimStatus,
    }
}

/// The same notification to each of `parties` (once each): the record (`subject`, `id`, named
/// `reference`), its `status` after the event, and `text` saying what happened.
pub(crate) fn notify(
    parties: &[&Eori],
    subject: &str,
    id: Uuid,
    reference: &str,
    status: &str,
    text: &str,
    at: DateTime<Utc>,
) -> Vec<Notification> {
    let mut seen: Vec<&Eori> = Vec::new();
    parties
        .iter()
        .filter(|p| {
            let new = !seen.contains(p);
            seen.push(p);
            new
        })
        .map(|p| Notification {
            id: Uuid::new_v4(),
            party: (*p).clone(),
            at,
            event: register_event(subject, status),
            subject: subject.to_string(),
            subject_id: id,
            reference: reference.to_string(),
            link: crate::notify::events::link(subject, id),
            message_id: None,
            text: text.to_string(),
            status: status.to_string(),
        })
        .collect()
}

/// The user acting, who must have `role`. Errors: [`AppError::Forbidden`] naming `what`.
pub(crate) fn user_with<'a>(
    actor: &'a Actor,
    roles: &[Role],
    what: &str,
) -> Result<&'a User, AppError> {
    match actor.user() {
        Some(u) if roles.contains(&u.role) => Ok(u),
        _ => Err(AppError::Forbidden(format!(
            "{what} is for {}",
            roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        ))),
    }
}

/// The company of a trader or insurer user. Errors: [`AppError::Forbidden`] without one.
pub(crate) fn party_of(user: &User) -> Result<&Eori, AppError> {
    user.party
        .as_ref()
        .ok_or_else(|| AppError::Forbidden(format!("user {} acts for no company", user.username)))
}
