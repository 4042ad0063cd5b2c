//! The holder sets or changes the access code of its guarantee (the CC026C analogue): the first
//! code puts an approved contract in force (`active`); a change needs the current code. Codes are
//! kept only as argon2id hashes ([`cats_domain::ledger::hash_access_code`]); neither the history,
//! the notifications nor the audit log ever contain one.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use cats_domain::ids::AccessCode;
use cats_domain::ledger::GuaranteeStatus;
use cats_domain::registry::ContractStep;

use super::contracts::{commit_step, load};
use super::user_with;
use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::store::GuaranteeOp;

/// Set (`current` = `None`, only while the contract is approved and has no code) or change
/// (`current` the code in force) the access code of contract `id`'s guarantee to `new`.
///
/// Who: the holder's trader users. Errors: 403 for anyone else, or a wrong current code
/// (`current` checked against the stored hash); 400 for a code that is not 4 alphanumerics;
/// 409 before approval or after the contract ended.
pub async fn set(
    app: &App,
    actor: &Actor,
    id: Uuid,
    new: &str,
    current: Option<&str>,
    now: DateTime<Utc>,
) -> Result<GuaranteeStatus, AppError> {
    crate::retry::on_conflict(|| set_once(app, actor, id, new, current, now)).await
}

async fn set_once(
    app: &App,
    actor: &Actor,
    id: Uuid,
    new: &str,
    current: Option<&str>,
    now: DateTime<Utc>,
) -> Result<GuaranteeStatus, AppError> {
    let user = user_with(actor, &[Role::Trader], "setting an access code")?;
    let c = load(app, actor, id).await?;
    if !user.is_of(&c.holder) {
        return Err(AppError::Forbidden(
            "only the holder sets the access code".into(),
        ));
    }
    let code = AccessCode::parse(new).map_err(|e| AppError::Invalid(e.to_string()))?;
    let (Some(grn), true) = (
        c.grn.clone(),
        matches!(
            c.status,
            GuaranteeStatus::Approved | GuaranteeStatus::Active | GuaranteeStatus::Suspended
        ),
    ) else {
        return Err(AppError::Refused(format!(
            "contract {id} is {}: its access code cannot be set",
            c.status.as_str()
        )));
    };
    let g = app
        .store()
        .guarantee(&grn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("guarantee {grn}")))?;
    let first = g.access_code_hash.is_empty();
    match current {
        _ if first => {}
        Some(code) if g.access_code_matches(code) => {}
        _ => {
            return Err(AppError::Forbidden(format!(
                "give the current access code of {grn} to change it"
            )))
        }
    }
    let hash = crate::secrets::new_access_code_hash(grn.as_str(), code.as_str());
    if c.status == GuaranteeStatus::Approved {
        // The first code puts the contract in force.
        let next = c.step(&ContractStep::Activate, now.date_naive(), actor.name(), now)?;
        let op = GuaranteeOp::AccessCode {
            grn,
            hash,
            status: Some(GuaranteeStatus::Active),
        };
        let next =
            commit_step(app, actor, &c, next, &ContractStep::Activate, Some(op), now).await?;
        return Ok(next.status);
    }
    let mut next = c.clone();
    next.version += 1;
    next.updated_at = now;
    let op = GuaranteeOp::AccessCode {
        grn,
        hash,
        status: None,
    };
    commit_change(app, actor, &c, next, op, now).await?;
    Ok(c.status)
}

/// A change of the code of a contract in force: the guarantee's hash, the history step
/// `access_code`, the notifications and the audit entry.
async fn commit_change(
    app: &App,
    actor: &Actor,
    before: &cats_domain::registry::Contract,
    next: cats_domain::registry::Contract,
    op: GuaranteeOp,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let grn = next.grn.as_ref().map_or("", |g| g.as_str());
    let text = format!(
        "contract {} ({}, {grn}): the holder changed the access code",
        next.id, next.policy_number
    );
    let change = crate::store::RegistryChange {
        contract: Some(crate::store::Versioned {
            record: next.clone(),
            expected: Some(before.version),
        }),
        guarantee: Some(op),
        events: vec![super::event(
            "contract",
            next.id,
            actor,
            "access_code",
            next.status.as_str(),
            "access code changed",
            now,
        )],
        notifications: super::notify(
            &[&next.insurer, &next.holder],
            "contract",
            next.id,
            &super::contract_reference(&next),
            "access_code",
            &text,
            now,
        ),
        audit: vec![crate::history::audit(
            actor,
            "contract.access_code",
            None,
            now,
            text,
        )],
        ..Default::default()
    };
    Ok(app.commit_registry(change).await?)
}
