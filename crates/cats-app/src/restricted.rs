//! The CATS restricted goods list, managed by the administrator (issue 6, item 5): prohibited
//! goods (rule CATS012 at lodging), goods needing an individual guarantee, goods always
//! controlled (risk selection). The list is replaced as a whole, audited, and applies to the
//! next lodging.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use cats_domain::reference::{RestrictedGoods, Restriction};

use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::history::audit;

/// One entry as the administrator sends it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Entry {
    /// HS chapter (2 digits), heading (4) or subheading (6).
    pub hs_prefix: String,
    /// `prohibited`, `individual_guarantee` or `always_controlled`.
    pub restriction: Restriction,
    /// Why, in words.
    pub reason: String,
    /// Legal source; `administrator` when absent.
    #[serde(default)]
    pub source: Option<String>,
}

/// Replace the restricted goods list. Errors: 403 for anyone but the administrator; 400 with
/// every problem (prefix not 2, 4 or 6 digits, a prefix twice, an empty reason).
pub async fn set(
    app: &App,
    actor: &Actor,
    entries: Vec<Entry>,
    now: DateTime<Utc>,
) -> Result<Vec<RestrictedGoods>, AppError> {
    if actor.user().is_some_and(|u| u.role != Role::Admin) {
        return Err(AppError::Forbidden(
            "the restricted goods list is managed by the administrator".into(),
        ));
    }
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    let mut list = Vec::new();
    for e in entries {
        if ![2, 4, 6].contains(&e.hs_prefix.len())
            || !e.hs_prefix.bytes().all(|b| b.is_ascii_digit())
        {
            problems.push(format!("HS prefix {:?}: 2, 4 or 6 digits", e.hs_prefix));
        }
        if !seen.insert(e.hs_prefix.clone()) {
            problems.push(format!("HS prefix {} twice", e.hs_prefix));
        }
        if e.reason.trim().is_empty() {
            problems.push(format!("HS prefix {}: reason is empty", e.hs_prefix));
        }
        list.push(RestrictedGoods {
            hs_prefix: e.hs_prefix,
            restriction: e.restriction,
            reason: e.reason.trim().to_string(),
            source: e.source.unwrap_or_else(|| "administrator".into()),
        });
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems.join("; ")));
    }
    let entry = audit(
        actor,
        "restricted-goods.set",
        None,
        now,
        format!("restricted goods list: {} entries", list.len()),
    );
    app.store().set_restricted_goods(&list, &entry).await?;
    app.reload_catalog().await?;
    Ok(list)
}
