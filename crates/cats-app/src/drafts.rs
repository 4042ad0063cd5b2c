//! Declaration drafts: the Single Transit Document form saved before it is lodged (issue 11).
//!
//! A draft belongs to the company (holder of the transit procedure) of the trader who saved it;
//! every trader of that company sees and continues it, nobody else does. A draft is deleted when
//! its declaration is lodged and accepted, or when a trader throws it away.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::app::{Actor, App};
use crate::auth::{Role, User};
use crate::error::AppError;
use crate::store::Draft;

/// Longest text kept for one field, in characters (the longest CC015C element is 512).
pub const MAX_FIELD_CHARS: usize = 1024;
/// Most fields in one draft (a declaration of 999 items with their packages fits).
pub const MAX_FIELDS: usize = 20_000;

fn trader(actor: &Actor) -> Result<&User, AppError> {
    match actor.user() {
        Some(u) if u.role == Role::Trader && u.party.is_some() => Ok(u),
        _ => Err(AppError::Forbidden(
            "only a trader (holder of the transit procedure) keeps declaration drafts".into(),
        )),
    }
}

/// The company's drafts, last saved first. Errors: [`AppError::Forbidden`] for anyone but a
/// trader.
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<Draft>, AppError> {
    let user = trader(actor)?;
    let holder = user.party.as_ref().expect("a trader has a company");
    Ok(app.store().drafts(holder).await?)
}

/// One of the company's drafts. Errors: [`AppError::NotFound`] for a draft that does not exist
/// or is another company's (the two are not told apart).
pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<Draft, AppError> {
    let user = trader(actor)?;
    match app.store().draft(id).await? {
        Some(d) if user.is_of(&d.holder) => Ok(d),
        _ => Err(AppError::NotFound(format!("no draft {id}"))),
    }
}

/// Save the form's fields as draft `id` (a new one when `None`); returns the draft kept.
///
/// Errors: [`AppError::Invalid`] for more than [`MAX_FIELDS`] fields or a field longer than
/// [`MAX_FIELD_CHARS`]; [`AppError::NotFound`] for another company's draft.
pub async fn save(
    app: &App,
    actor: &Actor,
    id: Option<Uuid>,
    fields: BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<Draft, AppError> {
    let user = trader(actor)?;
    if fields.len() > MAX_FIELDS {
        return Err(AppError::Invalid(format!(
            "a draft holds at most {MAX_FIELDS} fields; this one has {}",
            fields.len()
        )));
    }
    if let Some((name, _)) = fields
        .iter()
        .find(|(_, v)| v.chars().count() > MAX_FIELD_CHARS)
    {
        return Err(AppError::Invalid(format!(
            "{name}: at most {MAX_FIELD_CHARS} characters"
        )));
    }
    let created_at = match id {
        Some(id) => get(app, actor, id).await?.created_at,
        None => now,
    };
    let lrn = fields
        .get("/CC015C/TransitOperation/LRN")
        .map(|l| l.trim().to_string())
        .unwrap_or_default();
    let draft = Draft {
        id: id.unwrap_or_else(Uuid::new_v4),
        holder: user.party.clone().expect("a trader has a company"),
        lrn,
        fields,
        saved_by: user.username.clone(),
        created_at,
        updated_at: now,
    };
    app.store().save_draft(&draft).await?;
    Ok(draft)
}

/// Throw a draft away. Errors: [`AppError::NotFound`] as for [`get`].
pub async fn delete(app: &App, actor: &Actor, id: Uuid) -> Result<(), AppError> {
    get(app, actor, id).await?;
    app.store().delete_draft(id).await?;
    Ok(())
}
