//! Reading movements, their messages, guarantees and the audit log, as the actor may see them.

use uuid::Uuid;

use cats_domain::ids::Grn;
use cats_domain::ledger::Guarantee;

use crate::act::load_visible;
use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::store::{Direction, MovementFilter, MovementRecord, Reservation, StoredMessage};

/// Movements the actor may see, filtered and paged; with the total count. Their declarations
/// are not read (each is an empty object, see [`crate::store::Store::movements`]).
///
/// A trader sees its own movements only; an officer those touching an office of its country;
/// insurers and administrators see none here.
pub async fn list_movements(
    app: &App,
    actor: &Actor,
    mut filter: MovementFilter,
) -> Result<(Vec<MovementRecord>, u64), AppError> {
    if let Some(user) = actor.user() {
        match user.role {
            Role::Trader => {
                if filter.holder.is_some() && filter.holder != user.party {
                    return Ok((vec![], 0));
                }
                filter.holder = user.party.clone();
            }
            Role::Officer => filter.office_country = user.office_country,
            Role::Insurer | Role::Admin => {
                return Err(AppError::Forbidden(
                    "movements are for traders and customs officers".into(),
                ))
            }
        }
        if filter.holder.is_none() && filter.office_country.is_none() {
            return Ok((vec![], 0));
        }
    }
    Ok(app.store().movements(&filter).await?)
}

/// A movement's messages, for an actor who may see the movement. The holder does not see the
/// entries of attachments to control records (officers' photos and documents, see
/// [`crate::controls`]).
pub async fn movement_messages(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<(MovementRecord, Vec<StoredMessage>), AppError> {
    let record = load_visible(app, actor, id).await?;
    let mut messages = app.store().messages(id).await?;
    if actor.user().is_some_and(|u| u.role == Role::Trader) {
        messages.retain(|m| {
            !(m.direction == Direction::Customs && m.message_type == "control_attachment")
        });
    }
    Ok((record, messages))
}

/// A guarantee with its reservations, for its holder, its insurer, or an officer.
pub async fn guarantee(
    app: &App,
    actor: &Actor,
    grn: &Grn,
) -> Result<(Guarantee, Vec<Reservation>), AppError> {
    let g = app
        .store()
        .guarantee(grn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("guarantee {grn}")))?;
    if let Some(user) = actor.user() {
        let allowed = match user.role {
            Role::Officer => true,
            Role::Trader => user.is_of(&g.holder),
            Role::Insurer => user.is_of(&g.insurer),
            Role::Admin => false,
        };
        if !allowed {
            return Err(AppError::NotFound(format!("guarantee {grn}")));
        }
    }
    let reservations = app.store().reservations(grn).await?;
    Ok((g, reservations))
}
