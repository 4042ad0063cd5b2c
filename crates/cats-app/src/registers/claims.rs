//! Claims against guarantees: raised by the store when a movement goes to recovery (in the
//! recovery's transaction); the insurer contests or pays, a customs officer may waive. Paying or
//! waiving closes the liability: the amount leaves the guarantee's running total in the same
//! transaction.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use cats_domain::registry::{Claim, ClaimStep};

use super::{event, notify, party_of};
use crate::app::{Actor, App};
use crate::auth::{Role, User};
use crate::error::AppError;
use crate::history::audit;
use crate::store::{ClaimFilter, GuaranteeOp, HistoryEvent, RegistryChange, Versioned};

fn may_see(u: &User, c: &Claim) -> bool {
    match u.role {
        Role::Officer => true,
        Role::Insurer => u.is_of(&c.insurer),
        Role::Trader => u.is_of(&c.holder),
        Role::Admin => false,
    }
}

/// Claims the actor may see: the insurer's on its guarantees, the holder's on its movements,
/// every claim for officers.
pub async fn list(
    app: &App,
    actor: &Actor,
    mut filter: ClaimFilter,
) -> Result<Vec<Claim>, AppError> {
    if let Some(u) = actor.user() {
        match u.role {
            Role::Officer => {}
            Role::Insurer => filter.insurer = Some(party_of(u)?.clone()),
            Role::Trader => filter.holder = Some(party_of(u)?.clone()),
            Role::Admin => {
                return Err(AppError::Forbidden(
                    "claims are not for administrators".into(),
                ))
            }
        }
    }
    Ok(app.store().claims(&filter).await?)
}

/// A claim and its history. Errors: 404 when unknown or not visible.
pub async fn show(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<(Claim, Vec<HistoryEvent>), AppError> {
    let c = app
        .store()
        .claim(id)
        .await?
        .filter(|c| actor.user().is_none_or(|u| may_see(u, c)))
        .ok_or_else(|| AppError::NotFound(format!("claim {id}")))?;
    let history = app.store().history(id).await?;
    Ok((c, history))
}

/// Answer claim `id`: contest or pay (the insurer), waive (a customs officer).
///
/// Errors: 403 for anyone else; 409 on a closed claim; 400 for an empty reason or reference.
pub async fn answer(
    app: &App,
    actor: &Actor,
    id: Uuid,
    step: ClaimStep,
    now: DateTime<Utc>,
) -> Result<Claim, AppError> {
    crate::retry::on_conflict(|| answer_once(app, actor, id, &step, now)).await
}

async fn answer_once(
    app: &App,
    actor: &Actor,
    id: Uuid,
    step: &ClaimStep,
    now: DateTime<Utc>,
) -> Result<Claim, AppError> {
    let (c, _) = show(app, actor, id).await?;
    if let Some(u) = actor.user() {
        let allowed = match step {
            ClaimStep::Contest { .. } | ClaimStep::Pay { .. } => {
                u.role == Role::Insurer && u.is_of(&c.insurer)
            }
            ClaimStep::Waive { .. } => u.role == Role::Officer,
        };
        if !allowed {
            return Err(AppError::Forbidden(format!(
                "a claim is {} by {}",
                step.name(),
                if matches!(step, ClaimStep::Waive { .. }) {
                    "customs officers"
                } else {
                    "its insurer"
                }
            )));
        }
    }
    let next = c.step(step, now)?;
    let amount = format!("{} {}", c.amount.amount(), c.amount.currency());
    let detail = format!(
        "{}: {}{}",
        next.status.as_str(),
        next.answer.as_deref().unwrap_or_default(),
        if step.closes() {
            format!("; liability of {amount} closed")
        } else {
            String::new()
        }
    );
    let text = format!(
        "claim {} on guarantee {} for movement {} ({amount}): {detail}",
        c.id,
        c.grn,
        c.mrn.as_ref().map_or("-", |m| m.as_str())
    );
    let change = RegistryChange {
        claim: Some(Versioned {
            record: next.clone(),
            expected: Some(c.version),
        }),
        guarantee: step.closes().then(|| GuaranteeOp::CloseClaim {
            grn: c.grn.clone(),
            amount_minor: c.amount.to_minor_units(),
            at: now,
        }),
        events: vec![event(
            "claim",
            id,
            actor,
            step.name(),
            next.status.as_str(),
            &detail,
            now,
        )],
        notifications: notify(
            &[&c.insurer, &c.holder],
            "claim",
            id,
            c.grn.as_str(),
            next.status.as_str(),
            &text,
            now,
        ),
        audit: vec![audit(
            actor,
            &format!("claim.{}", step.name()),
            Some(c.movement_id),
            now,
            text,
        )],
        ..RegistryChange::default()
    };
    app.commit_registry(change).await?;
    Ok(next)
}
