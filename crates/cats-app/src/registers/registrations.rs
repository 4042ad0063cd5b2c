//! Registrations: a company applies to a register (AEO, authorised trader, authorised insurer);
//! an officer of the company's country approves it with validity dates or rejects it with a
//! reason, and later suspends, reinstates, revokes or renews it. Officers of every country see
//! every registration (AEO status and validity on a route); a company sees its own.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use cats_domain::ids::{CountryCode, Eori};
use cats_domain::registry::registration::party_status;
use cats_domain::registry::{
    Contact, Register, Registration, RegistrationStatus, RegistrationStep,
};

use super::{event, notify, party_of, user_with};
use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::{AppError, BodyError};
use crate::history::audit;
use crate::store::{
    Attachment, HistoryEvent, Party, RegistrationFilter, RegistryChange, StoreError, Versioned,
};

/// An application as the company sends it (`POST /registrations`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Application {
    /// `aeo`, `authorised_trader` or `authorised_insurer`.
    pub register: Register,
    /// Company name.
    pub name: String,
    /// Postal address.
    pub address: String,
    /// Identification number (EORI/TIN): the applicant user's company.
    pub identification_number: String,
    /// ISO 3166-1 alpha-2 country of establishment (a CATS country).
    pub country: String,
    /// Contact person.
    pub contact: Contact,
}

/// Apply to a register for the actor's company.
///
/// Who: a trader (AEO, authorised trader) or insurer (authorised insurer) user of the company.
/// Errors: not the user's company or a register not fitting its kind (403, 400); invalid fields
/// (400, every problem); a live (submitted, approved, suspended) registration in the register
/// already (409).
pub async fn apply(
    app: &App,
    actor: &Actor,
    a: Application,
    now: DateTime<Utc>,
) -> Result<Registration, AppError> {
    let user = user_with(
        actor,
        &[Role::Trader, Role::Insurer],
        "applying to a register",
    )?;
    let party_id = party_of(user)?;
    if *party_id != a.identification_number {
        return Err(AppError::Forbidden(format!(
            "you apply for your company {party_id}, not {}",
            a.identification_number
        )));
    }
    let party = app
        .store()
        .party(party_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("party {party_id}")))?;
    let r = Registration {
        id: Uuid::new_v4(),
        version: 1,
        party: party_id.clone(),
        register: a.register,
        name: a.name.trim().to_string(),
        address: a.address.trim().to_string(),
        // A country that is not even ISO 3166 is refused below like any country outside CATS.
        country: CountryCode::parse(&a.country).unwrap_or(party.country),
        contact: a.contact,
        status: RegistrationStatus::Submitted,
        valid_from: None,
        valid_to: None,
        reason: None,
        decided_by: None,
        submitted_at: now,
        updated_at: now,
    };
    let mut errors: Vec<BodyError> = r
        .check_application(&party.kind)
        .into_iter()
        .map(|e| match e {
            cats_domain::registry::StepError::Invalid { field, reason } => BodyError {
                pointer: format!("/{field}"),
                reason,
            },
            other => BodyError {
                pointer: "/".into(),
                reason: other.to_string(),
            },
        })
        .collect();
    if !app.catalog().is_participating(&a.country) {
        errors.push(BodyError {
            pointer: "/country".into(),
            reason: format!("{} is not a country taking part in CATS", a.country),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Malformed {
            message_type: "registration application".into(),
            errors,
        });
    }
    let live = live_registration(app, party_id, a.register).await?;
    if let Some(l) = live {
        return Err(AppError::Refused(format!(
            "{party_id} already has a {} registration in the {} register ({})",
            l.status.as_str(),
            a.register.label(),
            l.id
        )));
    }
    let detail = format!("{} applies to the {} register", r.name, r.register.label());
    let change = RegistryChange {
        registration: Some(Versioned {
            record: r.clone(),
            expected: None,
        }),
        events: vec![event(
            "registration",
            r.id,
            actor,
            "apply",
            "submitted",
            &detail,
            now,
        )],
        audit: vec![audit(
            actor,
            "registration.apply",
            None,
            now,
            format!("{}: {detail}", r.id),
        )],
        ..RegistryChange::default()
    };
    match app.commit_registry(change).await {
        Err(StoreError::Conflict) => Err(AppError::Refused(format!(
            "{party_id} already has a live registration in the {} register",
            a.register.label()
        ))),
        other => other.map(|()| r).map_err(AppError::from),
    }
}

async fn live_registration(
    app: &App,
    party: &Eori,
    register: Register,
) -> Result<Option<Registration>, AppError> {
    let filter = RegistrationFilter {
        party: Some(party.clone()),
        register: Some(register),
        ..RegistrationFilter::default()
    };
    Ok(app
        .store()
        .registrations(&filter)
        .await?
        .into_iter()
        .find(|r| r.status.is_live()))
}

/// A registration the actor may see: officers any, a company its own. Errors: 404 otherwise.
pub async fn load(app: &App, actor: &Actor, id: Uuid) -> Result<Registration, AppError> {
    let r = app
        .store()
        .registration(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("registration {id}")))?;
    let visible = match actor.user() {
        None => true,
        Some(u) => match u.role {
            Role::Officer => true,
            Role::Trader | Role::Insurer => u.is_of(&r.party),
            Role::Admin => false,
        },
    };
    if visible {
        Ok(r)
    } else {
        Err(AppError::NotFound(format!("registration {id}")))
    }
}

/// A registration with its documents and history, for the actor.
pub async fn show(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<(Registration, Vec<Attachment>, Vec<HistoryEvent>), AppError> {
    let r = load(app, actor, id).await?;
    let docs = app.store().attachments(id).await?;
    let history = app.store().history(id).await?;
    Ok((r, docs, history))
}

/// Registrations the actor may see, filtered: officers every one, a company its own.
pub async fn list(
    app: &App,
    actor: &Actor,
    mut filter: RegistrationFilter,
) -> Result<Vec<Registration>, AppError> {
    if let Some(u) = actor.user() {
        match u.role {
            Role::Officer => {}
            Role::Trader | Role::Insurer => filter.party = Some(party_of(u)?.clone()),
            Role::Admin => {
                return Err(AppError::Forbidden(
                    "registrations are for customs officers and the companies".into(),
                ))
            }
        }
    }
    Ok(app.store().registrations(&filter).await?)
}

/// A party and its registrations (AEO status and validity), for officers of every country and
/// for the party's own users.
pub async fn party(
    app: &App,
    actor: &Actor,
    id: &str,
) -> Result<(Party, Vec<Registration>), AppError> {
    let not_found = || AppError::NotFound(format!("party {id}"));
    let id = Eori::parse(id).map_err(|_| not_found())?;
    let visible = actor
        .user()
        .is_none_or(|u| u.role == Role::Officer || u.is_of(&id));
    let p = app
        .store()
        .party(&id)
        .await?
        .filter(|_| visible)
        .ok_or_else(not_found)?;
    let filter = RegistrationFilter {
        party: Some(id),
        ..RegistrationFilter::default()
    };
    Ok((p, app.store().registrations(&filter).await?))
}

/// A customs officer's step on a registration.
///
/// Who: an officer of the registration's country. Errors: 403 otherwise; 409 when the status
/// does not allow the step; 400 for a missing reason or validity dates that do not hold.
pub async fn decide(
    app: &App,
    actor: &Actor,
    id: Uuid,
    step: RegistrationStep,
    now: DateTime<Utc>,
) -> Result<Registration, AppError> {
    crate::retry::on_conflict(|| decide_once(app, actor, id, &step, now)).await
}

async fn decide_once(
    app: &App,
    actor: &Actor,
    id: Uuid,
    step: &RegistrationStep,
    now: DateTime<Utc>,
) -> Result<Registration, AppError> {
    let r = load(app, actor, id).await?;
    if let Some(u) = actor.user() {
        if u.role != Role::Officer || u.office_country != Some(r.country) {
            return Err(AppError::Forbidden(format!(
                "registrations of {} are decided by officers of {}",
                r.party, r.country
            )));
        }
    }
    let day = now.date_naive();
    let next = r.step(step, day, actor.name(), now)?;
    // The party's status follows its registrations as they stand after this step.
    let filter = RegistrationFilter {
        party: Some(r.party.clone()),
        ..RegistrationFilter::default()
    };
    let mut all = app.store().registrations(&filter).await?;
    for x in all.iter_mut().filter(|x| x.id == next.id) {
        *x = next.clone();
    }
    let mut party = app
        .store()
        .party(&r.party)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("party {}", r.party)))?;
    party.status = party_status(&all, day);
    party.active = !party.status.is_empty();
    if matches!(step, RegistrationStep::Approve { .. }) {
        party.name = next.name.clone();
        party.country = next.country;
    }
    let detail = describe(step, &next);
    let text = format!(
        "your {} registration {}: {detail}",
        next.register.label(),
        next.id
    );
    let change = RegistryChange {
        party: Some(party),
        registration: Some(Versioned {
            record: next.clone(),
            expected: Some(r.version),
        }),
        events: vec![event(
            "registration",
            id,
            actor,
            step.name(),
            next.status.as_str(),
            &detail,
            now,
        )],
        notifications: notify(
            &[&r.party],
            "registration",
            id,
            r.register.as_str(),
            next.status.as_str(),
            &text,
            now,
        ),
        audit: vec![audit(
            actor,
            &format!("registration.{}", step.name()),
            None,
            now,
            format!("{id} ({}, {}): {detail}", r.party, r.register.as_str()),
        )],
        // An AEO decision goes to every ICE peer (CA004C), for mutual recognition.
        ice_out: crate::ice::registers::aeo_change(app, &next, now)?,
        ..RegistryChange::default()
    };
    app.commit_registry(change).await?;
    Ok(next)
}

fn describe(step: &RegistrationStep, r: &Registration) -> String {
    let validity = || {
        format!(
            "valid {} to {}",
            r.valid_from.map(|d| d.to_string()).unwrap_or_default(),
            r.valid_to.map(|d| d.to_string()).unwrap_or_default()
        )
    };
    match step {
        RegistrationStep::Approve { .. } => format!("approved, {}", validity()),
        RegistrationStep::Reject { reason } => format!("rejected: {reason}"),
        RegistrationStep::Suspend { reason } => format!("suspended: {reason}"),
        RegistrationStep::Reinstate => format!("reinstated, {}", validity()),
        RegistrationStep::Revoke { reason } => format!("revoked: {reason}"),
        RegistrationStep::Renew { .. } => format!("renewed, {}", validity()),
    }
}
