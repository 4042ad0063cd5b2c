//! Insurance contracts (comprehensive guarantees): the insurer submits; an officer at a
//! guarantee office approves (CATS allocates the GRN) or rejects; officers of the GRN's country
//! suspend, reinstate or revoke; the insurer cancels when no liability is open; the node expires
//! contracts past their policy period. Every step notifies the insurer and the holder.
//!
//! Which office approves, and the GRN it allocates: see `grn.rs` (the guarantee office rule).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

use cats_domain::ids::{CountryCode, CurrencyCode, Eori, Grn, Money, OfficeRef};
use cats_domain::ledger::{Guarantee, GuaranteeStatus};
use cats_domain::registry::{Claim, Contract, ContractStep, AMOUNT_RULE};

use super::grn::{allocate_grn, guarantee_office};
use super::{event, notify, party_of, user_with};
use crate::app::{Actor, App};
use crate::auth::{Role, User};
use crate::error::{AppError, BodyError};
use crate::history::audit;
use crate::standing::standing;
use crate::store::{
    ContractFilter, GuaranteeOp, HistoryEvent, RegistryChange, Reservation, StoreError, Versioned,
};

/// A contract as the insurer submits it (`POST /contracts`), as sent: [`submit`] checks every
/// field and reports every problem at once.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Submission {
    /// The insurer's contract (policy) number.
    pub policy_number: String,
    /// Identification number of the holder covered.
    pub holder: String,
    /// Reference (insured) amount, a JSON string or number with at most 2 decimals.
    pub reference_amount: Decimal,
    /// ISO 4217 currency.
    pub currency: String,
    /// First day of the policy period.
    pub valid_from: NaiveDate,
    /// Last day of the policy period.
    pub valid_to: NaiveDate,
    /// Countries where the guarantee is valid.
    pub countries: Vec<String>,
    /// Indemnity or payment process.
    pub indemnity: String,
}

/// What a user asks of a contract (`POST /contracts/{id}/actions/{action}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractAction {
    /// Officer: approve at guarantee office `office`.
    Approve {
        /// Office reference number.
        office: OfficeRef,
    },
    /// Officer: reject a submission.
    Reject {
        /// Why, in words the other party can act on (not empty; at most 512 characters).
        reason: String,
    },
    /// Officer: suspend.
    Suspend {
        /// Why, in words the other party can act on (not empty; at most 512 characters).
        reason: String,
    },
    /// Officer: lift a suspension.
    Reinstate,
    /// Officer: revoke.
    Revoke {
        /// Why, in words the other party can act on (not empty; at most 512 characters).
        reason: String,
    },
    /// Insurer: cancel (no open liabilities).
    Cancel {
        /// Why, in words the other party can act on (not empty; at most 512 characters).
        reason: String,
    },
}

/// A contract with what its guarantee carries: running total, usage per MRN, claims, history.
#[derive(Debug, Clone)]
pub struct ContractView {
    /// The contract.
    pub contract: Contract,
    /// Its guarantee once approved (running total, liability end).
    pub guarantee: Option<Guarantee>,
    /// Reservations (usage per MRN), oldest first.
    pub usage: Vec<Reservation>,
    /// Claims, oldest first.
    pub claims: Vec<Claim>,
    /// Every step.
    pub history: Vec<HistoryEvent>,
}

/// Submit a contract for the actor's company (an insurer).
///
/// Errors: 403 for other roles; 422 `CATS023` when the insurer has no active authorised insurer
/// registration; 400 with every problem of the submission, or an unknown holder.
pub async fn submit(
    app: &App,
    actor: &Actor,
    s: Submission,
    now: DateTime<Utc>,
) -> Result<Contract, AppError> {
    let user = user_with(actor, &[Role::Insurer], "submitting a contract")?;
    let insurer = party_of(user)?.clone();
    let day = now.date_naive();
    require_insurer(app, &insurer, day).await?;
    let (c, unparsed) = typed_submission(&s, &insurer, now);
    let mut errors: Vec<BodyError> = c
        .check_submission(day, &app.catalog())
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
        .filter(|e| !unparsed.iter().any(|bad| bad.pointer == e.pointer))
        .chain(unparsed.iter().cloned())
        .collect();
    let holder = match Eori::parse(&s.holder) {
        Ok(h) => app.store().party(&h).await?,
        Err(_) => None,
    };
    if holder.as_ref().is_none_or(|h| h.kind != "trader")
        && !errors.iter().any(|e| e.pointer == "/holder")
    {
        errors.push(BodyError {
            pointer: "/holder".into(),
            reason: format!("{} is not a trader known to CATS", s.holder),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Malformed {
            message_type: "insurance contract".into(),
            errors,
        });
    }
    let text = format!(
        "contract {} ({}) submitted by {insurer} for {}: {}, {} to {}",
        c.id, c.policy_number, c.holder, c.reference_amount, c.valid_from, c.valid_to
    );
    let change = RegistryChange {
        contract: Some(Versioned {
            record: c.clone(),
            expected: None,
        }),
        events: vec![event(
            "contract",
            c.id,
            actor,
            "submit",
            "submitted",
            &text,
            now,
        )],
        notifications: notify(
            &[&c.insurer, &c.holder],
            "contract",
            c.id,
            &super::contract_reference(&c),
            c.status.as_str(),
            &text,
            now,
        ),
        audit: vec![audit(actor, "contract.submit", None, now, text)],
        ..RegistryChange::default()
    };
    app.commit_registry(change).await?;
    Ok(c)
}

/// The contract a submission asks for, and the problems of the fields that do not parse (their
/// values in the contract then stand in and their other checks are left to these problems: a
/// holder that is not an EORI/TIN, a currency that is not ISO 4217, an amount that is not
/// n..16,2, a country that is not ISO 3166).
fn typed_submission(
    s: &Submission,
    insurer: &Eori,
    now: DateTime<Utc>,
) -> (Contract, Vec<BodyError>) {
    let mut errors = Vec::new();
    let mut bad = |pointer: &str, reason: String| {
        errors.push(BodyError {
            pointer: pointer.into(),
            reason,
        })
    };
    let holder = Eori::parse(&s.holder).unwrap_or_else(|_| {
        bad(
            "/holder",
            format!("{} is not a trader known to CATS", s.holder),
        );
        insurer.clone()
    });
    let currency = CurrencyCode::parse(&s.currency).unwrap_or_else(|_| {
        bad(
            "/currency",
            format!("{} is not an ISO 4217 currency CATS knows", s.currency),
        );
        CurrencyCode::parse("USD").expect("an ISO 4217 code")
    });
    let reference_amount = Money::new(s.reference_amount, currency).unwrap_or_else(|_| {
        bad(
            "/referenceAmount",
            format!("{}, got {}", AMOUNT_RULE, s.reference_amount),
        );
        Money::from_minor_units(1, currency).expect("0.01 is an amount")
    });
    let countries = s
        .countries
        .iter()
        .filter_map(|c| {
            CountryCode::parse(c)
                .map_err(|_| bad("/countries", format!("{c} does not take part in CATS")))
                .ok()
        })
        .collect();
    let contract = Contract {
        id: Uuid::new_v4(),
        version: 1,
        grn: None,
        policy_number: s.policy_number.trim().to_string(),
        insurer: insurer.clone(),
        holder,
        reference_amount,
        valid_from: s.valid_from,
        valid_to: s.valid_to,
        countries,
        indemnity: s.indemnity.trim().to_string(),
        status: GuaranteeStatus::Submitted,
        reason: None,
        office: None,
        decided_by: None,
        submitted_at: now,
        updated_at: now,
    };
    (contract, errors)
}

/// CATS023 for an insurer offering a guarantee on `day`.
async fn require_insurer(app: &App, insurer: &Eori, day: NaiveDate) -> Result<(), AppError> {
    if standing(app, insurer, day).await?.insurer {
        Ok(())
    } else {
        Err(AppError::Rule {
            rule_id: "CATS023".into(),
            message: format!(
                "{insurer} has no approved authorised insurer registration valid on {day}: it cannot offer a guarantee"
            ),
        })
    }
}

/// A contract the actor may see: officers any; the insurer and the holder their own.
pub async fn load(app: &App, actor: &Actor, id: Uuid) -> Result<Contract, AppError> {
    let c = app
        .store()
        .contract(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("contract {id}")))?;
    if actor.user().is_none_or(|u| may_see(u, &c)) {
        Ok(c)
    } else {
        Err(AppError::NotFound(format!("contract {id}")))
    }
}

fn may_see(u: &User, c: &Contract) -> bool {
    match u.role {
        Role::Officer => true,
        Role::Insurer => u.is_of(&c.insurer),
        Role::Trader => u.is_of(&c.holder),
        Role::Admin => false,
    }
}

/// Contracts the actor may see, filtered.
pub async fn list(
    app: &App,
    actor: &Actor,
    mut filter: ContractFilter,
) -> Result<Vec<Contract>, AppError> {
    if let Some(u) = actor.user() {
        match u.role {
            Role::Officer => {}
            Role::Insurer => filter.insurer = Some(party_of(u)?.clone()),
            Role::Trader => filter.holder = Some(party_of(u)?.clone()),
            Role::Admin => {
                return Err(AppError::Forbidden(
                    "contracts are not for administrators".into(),
                ))
            }
        }
    }
    Ok(app.store().contracts(&filter).await?)
}

/// A contract with its guarantee, usage, claims and history.
pub async fn show(app: &App, actor: &Actor, id: Uuid) -> Result<ContractView, AppError> {
    let contract = load(app, actor, id).await?;
    let (guarantee, usage, claims) = match &contract.grn {
        Some(grn) => (
            app.store().guarantee(grn).await?,
            app.store().reservations(grn).await?,
            app.store()
                .claims(&crate::store::ClaimFilter {
                    grn: Some(grn.clone()),
                    ..Default::default()
                })
                .await?,
        ),
        None => (None, Vec::new(), Vec::new()),
    };
    let history = app.store().history(id).await?;
    Ok(ContractView {
        contract,
        guarantee,
        usage,
        claims,
        history,
    })
}

/// Do `action` on contract `id`. Errors: 403 for the wrong role or country; 409 when the status
/// does not allow it or (cancel) liabilities are open; 422 `CATS023` when approving a contract
/// of an insurer no longer authorised.
pub async fn act(
    app: &App,
    actor: &Actor,
    id: Uuid,
    action: ContractAction,
    now: DateTime<Utc>,
) -> Result<Contract, AppError> {
    crate::retry::on_conflict(|| act_once(app, actor, id, &action, now)).await
}

async fn act_once(
    app: &App,
    actor: &Actor,
    id: Uuid,
    action: &ContractAction,
    now: DateTime<Utc>,
) -> Result<Contract, AppError> {
    let c = load(app, actor, id).await?;
    let day = now.date_naive();
    let step = match (action, actor.user()) {
        (ContractAction::Cancel { reason }, user) => {
            if let Some(u) = user {
                if u.role != Role::Insurer || !u.is_of(&c.insurer) {
                    return Err(AppError::Forbidden(
                        "only the insurer cancels its contract".into(),
                    ));
                }
            }
            ContractStep::Cancel {
                reason: reason.clone(),
            }
        }
        (_, Some(u)) if u.role != Role::Officer => {
            return Err(AppError::Forbidden(
                "contracts are decided by customs officers".into(),
            ));
        }
        (ContractAction::Approve { office }, user) => {
            let country = match user {
                Some(u) => guarantee_office(app, u, office)?,
                None => office.country(),
            };
            require_insurer(app, &c.insurer, day).await?;
            // Decide first (out of sequence is refused before a serial is used).
            c.may_approve(day)?;
            let grn = allocate_grn(app, country, office, now).await?;
            ContractStep::Approve {
                grn,
                office: office.clone(),
            }
        }
        (ContractAction::Reject { reason }, _) => ContractStep::Reject {
            reason: reason.clone(),
        },
        (action, user) => {
            let grn_country = c.grn.as_ref().map(Grn::country);
            if let Some(u) = user {
                if grn_country.is_none() || u.office_country != grn_country {
                    return Err(AppError::Forbidden(format!(
                        "guarantee {} is decided by officers of {}",
                        c.grn.as_ref().map_or("-", Grn::as_str),
                        grn_country.map_or("-", |c| c.as_str())
                    )));
                }
            }
            match action {
                ContractAction::Suspend { reason } => ContractStep::Suspend {
                    reason: reason.clone(),
                },
                ContractAction::Reinstate => ContractStep::Reinstate,
                ContractAction::Revoke { reason } => ContractStep::Revoke {
                    reason: reason.clone(),
                },
                _ => unreachable!("handled above"),
            }
        }
    };
    let next = c.step(&step, day, actor.name(), now)?;
    let guarantee = match (&step, &next.grn) {
        (ContractStep::Approve { .. }, _) => next.guarantee("").map(GuaranteeOp::Create),
        (ContractStep::Cancel { .. }, Some(grn)) => Some(GuaranteeOp::Cancel {
            grn: grn.clone(),
            at: now,
        }),
        (_, Some(grn)) => Some(GuaranteeOp::Status {
            grn: grn.clone(),
            status: next.status,
            at: now,
        }),
        (_, None) => None,
    };
    commit_step(app, actor, &c, next, &step, guarantee, now).await
}

/// Commit a step of contract `before` (now `next`): the contract, its guarantee, the history
/// step, the notifications to the insurer and the holder, the audit entry.
pub(crate) async fn commit_step(
    app: &App,
    actor: &Actor,
    before: &Contract,
    next: Contract,
    step: &ContractStep,
    guarantee: Option<GuaranteeOp>,
    now: DateTime<Utc>,
) -> Result<Contract, AppError> {
    let grn = next.grn.as_ref().map_or("no GRN yet", Grn::as_str);
    let detail = match step {
        ContractStep::Approve { office, .. } => format!("approved at {office}: GRN {grn} allocated; the holder sets the access code to put it in force"),
        ContractStep::Activate => format!("in force: the holder set the access code of {grn}"),
        ContractStep::Expire => format!("expired: the policy period ended on {}", next.valid_to),
        _ => format!("{}{}", next.status.as_str(), next.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default()),
    };
    let text = format!(
        "contract {} ({}, {grn}): {detail}",
        next.id, next.policy_number
    );
    let change = RegistryChange {
        contract: Some(Versioned {
            record: next.clone(),
            expected: Some(before.version),
        }),
        guarantee,
        events: vec![event(
            "contract",
            next.id,
            actor,
            step.name(),
            next.status.as_str(),
            &detail,
            now,
        )],
        notifications: notify(
            &[&next.insurer, &next.holder],
            "contract",
            next.id,
            &super::contract_reference(&next),
            next.status.as_str(),
            &text,
            now,
        ),
        audit: vec![audit(
            actor,
            &format!("contract.{}", step.name()),
            None,
            now,
            text,
        )],
        ..RegistryChange::default()
    };
    match app.commit_registry(change).await {
        Err(StoreError::OpenLiabilities { grn, open_minor }) => Err(AppError::Refused(format!(
            "contract {} cannot be cancelled: guarantee {grn} has {} {} of open liabilities (reservations and claims); the liability ends when they are closed",
            next.id,
            cats_domain::ledger::from_minor(open_minor),
            next.reference_amount.currency()
        ))),
        other => other.map(|()| next).map_err(AppError::from),
    }
}

/// Expire every contract (approved, active, suspended) whose policy period ended before `now`'s
/// day. Returns the ids expired. Done by the node (`contract-expiry`).
pub async fn expire(app: &App, now: DateTime<Utc>) -> Result<Vec<Uuid>, AppError> {
    let actor = Actor::System("contract-expiry".into());
    let mut done = Vec::new();
    for id in app.store().ended_contracts(now.date_naive()).await? {
        let Some(c) = app.store().contract(id).await? else {
            continue;
        };
        let Ok(next) = c.step(&ContractStep::Expire, now.date_naive(), actor.name(), now) else {
            continue;
        };
        let guarantee = next.grn.clone().map(|grn| GuaranteeOp::Status {
            grn,
            status: next.status,
            at: now,
        });
        match commit_step(app, &actor, &c, next, &ContractStep::Expire, guarantee, now).await {
            Ok(_) => done.push(id),
            Err(e) if crate::retry::is_conflict(&e) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}
