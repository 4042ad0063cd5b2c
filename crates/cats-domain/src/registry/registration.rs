//! Registrations of operators: a company applies to a register (AEO, authorised trader,
//! authorised insurer); a customs officer approves it with validity dates or rejects it with a
//! reason; an approval can be suspended, reinstated, revoked and renewed.
//!
//! Statuses: `submitted` → `approved` | `rejected`; `approved` ⇄ `suspended`; `approved` |
//! `suspended` → `revoked`. `rejected` and `revoked` are final. An approval outside its validity
//! dates is *expired* (computed from the day, never stored) and can be renewed.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{required_text, StepError};
use crate::ids::{CountryCode, Eori};

/// A register of CATS.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Register {
    /// Authorised economic operator (a trader with AEO status).
    Aeo,
    /// Authorised trader: holder of the transit procedure.
    AuthorisedTrader,
    /// Authorised insurer (or bank) giving comprehensive guarantees.
    AuthorisedInsurer,
}

impl Register {
    /// Every register.
    pub const ALL: [Register; 3] = [Self::Aeo, Self::AuthorisedTrader, Self::AuthorisedInsurer];

    /// As stored and in the API (`"authorised_trader"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aeo => "aeo",
            Self::AuthorisedTrader => "authorised_trader",
            Self::AuthorisedInsurer => "authorised_insurer",
        }
    }

    /// Parse a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The party status it gives, as the parties list shows it (`AEO`, `authorised trader`,
    /// `authorised insurer`).
    pub fn label(self) -> &'static str {
        match self {
            Self::Aeo => "AEO",
            Self::AuthorisedTrader => "authorised trader",
            Self::AuthorisedInsurer => "authorised insurer",
        }
    }

    /// The kind of party that may apply: `trader` (AEO, authorised trader) or `insurer`.
    pub fn party_kind(self) -> &'static str {
        match self {
            Self::Aeo | Self::AuthorisedTrader => "trader",
            Self::AuthorisedInsurer => "insurer",
        }
    }

    /// The register a party status label names (`"AEO"` → [`Register::Aeo`]).
    pub fn from_label(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.label() == label)
    }
}

/// Status of a registration.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    /// Applied for, not yet decided.
    Submitted,
    /// Approved by customs, with validity dates.
    Approved,
    /// Refused by customs, with a reason. Final.
    Rejected,
    /// Approved but suspended by customs, with a reason.
    Suspended,
    /// Withdrawn by customs, with a reason. Final.
    Revoked,
}

impl RegistrationStatus {
    /// As stored (`"approved"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Suspended => "suspended",
            Self::Revoked => "revoked",
        }
    }

    /// Parse a stored status.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Submitted,
            Self::Approved,
            Self::Rejected,
            Self::Suspended,
            Self::Revoked,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    /// Whether a registration in this status still counts (submitted, approved, suspended): a
    /// party has at most one live registration per register.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Submitted | Self::Approved | Self::Suspended)
    }
}

/// Whom customs contact about an application.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Person's name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Telephone number, international format.
    #[serde(default)]
    pub phone: String,
}

/// A registration of a party in one register.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// Id (UUID).
    pub id: Uuid,
    /// Optimistic-concurrency version: 1 when applied, +1 per step.
    pub version: i64,
    /// Identification number (EORI/TIN) of the party applying, e.g. `KZ840000123456`.
    pub party: Eori,
    /// The register applied to.
    pub register: Register,
    /// Company name.
    pub name: String,
    /// Postal address of the establishment, one text (lines separated by newlines).
    pub address: String,
    /// ISO 3166-1 alpha-2 country of establishment; its officers decide the application.
    pub country: CountryCode,
    /// Contact person.
    pub contact: Contact,
    /// Status.
    pub status: RegistrationStatus,
    /// First day of validity of the approval (inclusive).
    pub valid_from: Option<NaiveDate>,
    /// Last day of validity of the approval (inclusive).
    pub valid_to: Option<NaiveDate>,
    /// Reason of the last rejection, suspension or revocation.
    pub reason: Option<String>,
    /// Username of the officer who took the last decision.
    pub decided_by: Option<String>,
    /// When applied (UTC).
    pub submitted_at: DateTime<Utc>,
    /// When last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

/// A customs officer's step on a registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegistrationStep {
    /// Approve a submitted application, valid `valid_from` to `valid_to` (inclusive).
    Approve {
        /// First day.
        valid_from: NaiveDate,
        /// Last day.
        valid_to: NaiveDate,
    },
    /// Reject a submitted application.
    Reject {
        /// Why, in words the other party can act on (not empty; at most 512 characters).
        reason: String,
    },
    /// Suspend an approval.
    Suspend {
        /// Why, in words the other party can act on (not empty; at most 512 characters).
        reason: String,
    },
    /// Lift a suspension.
    Reinstate,
    /// Withdraw an approval for good.
    Revoke {
        /// Why, in words the other party can act on (not empty; at most 512 characters).
        reason: String,
    },
    /// Extend an approval (also an expired one) to a new last day.
    Renew {
        /// New last day of validity.
        valid_to: NaiveDate,
    },
}

impl RegistrationStep {
    /// The step's name, as in the API and the history (`approve`, `renew` …).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Approve { .. } => "approve",
            Self::Reject { .. } => "reject",
            Self::Suspend { .. } => "suspend",
            Self::Reinstate => "reinstate",
            Self::Revoke { .. } => "revoke",
            Self::Renew { .. } => "renew",
        }
    }
}

impl Registration {
    /// Whether the registration is approved and valid on `day`.
    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.status == RegistrationStatus::Approved
            && self.valid_from.is_some_and(|f| f <= day)
            && self.valid_to.is_some_and(|t| day <= t)
    }

    /// Whether the approval's validity ended before `day`.
    pub fn expired_on(&self, day: NaiveDate) -> bool {
        self.status == RegistrationStatus::Approved && self.valid_to.is_some_and(|t| t < day)
    }

    /// The status as shown on `day`: the stored one, or `expired` for an approval past its
    /// validity.
    pub fn shown_status(&self, day: NaiveDate) -> &'static str {
        if self.expired_on(day) {
            "expired"
        } else {
            self.status.as_str()
        }
    }

    /// Check an application: the fields are given and the register fits the party's kind
    /// (`trader` or `insurer`). Returns every problem (JSON field, reason).
    pub fn check_application(&self, party_kind: &str) -> Vec<StepError> {
        let mut out = Vec::new();
        for (field, value, max) in [
            ("name", &self.name, 140),
            ("address", &self.address, 512),
            ("contact.name", &self.contact.name, 140),
            ("contact.email", &self.contact.email, 254),
        ] {
            if let Err(e) = required_text(field, value, max) {
                out.push(e);
            }
        }
        if !self.contact.email.contains('@') {
            out.push(StepError::Invalid {
                field: "contact.email",
                reason: format!("{:?} is not an e-mail address", self.contact.email),
            });
        }
        if self.register.party_kind() != party_kind {
            out.push(StepError::Invalid {
                field: "register",
                reason: format!(
                    "a {party_kind} cannot apply to the {} register",
                    self.register.label()
                ),
            });
        }
        out
    }

    /// Decide `step` on `day` by `officer` at `at`: the registration as it becomes (version + 1).
    ///
    /// Errors: [`StepError::OutOfSequence`] when the status does not allow the step;
    /// [`StepError::Invalid`] for an empty reason or validity dates that do not hold (first day
    /// after the last, last day before `day`, a renewal that does not extend).
    pub fn step(
        &self,
        step: &RegistrationStep,
        day: NaiveDate,
        officer: &str,
        at: DateTime<Utc>,
    ) -> Result<Registration, StepError> {
        use RegistrationStatus as S;
        let refuse = || StepError::OutOfSequence {
            record: "registration",
            step: step.name(),
            status: self.shown_status(day),
        };
        let mut next = self.clone();
        next.version += 1;
        next.updated_at = at;
        next.decided_by = Some(officer.to_string());
        match (step, self.status) {
            (
                RegistrationStep::Approve {
                    valid_from,
                    valid_to,
                },
                S::Submitted,
            ) => {
                check_period(*valid_from, *valid_to, day)?;
                next.status = S::Approved;
                next.valid_from = Some(*valid_from);
                next.valid_to = Some(*valid_to);
                next.reason = None;
            }
            (RegistrationStep::Reject { reason }, S::Submitted) => {
                next.status = S::Rejected;
                next.reason = Some(required_text("reason", reason, 512)?);
            }
            (RegistrationStep::Suspend { reason }, S::Approved) => {
                next.status = S::Suspended;
                next.reason = Some(required_text("reason", reason, 512)?);
            }
            (RegistrationStep::Reinstate, S::Suspended) => {
                next.status = S::Approved;
                next.reason = None;
            }
            (RegistrationStep::Revoke { reason }, S::Approved | S::Suspended) => {
                next.status = S::Revoked;
                next.reason = Some(required_text("reason", reason, 512)?);
            }
            (RegistrationStep::Renew { valid_to }, S::Approved) => {
                let from = self.valid_from.unwrap_or(day);
                check_period(from, *valid_to, day)?;
                if self.valid_to.is_some_and(|old| *valid_to <= old) {
                    return Err(StepError::Invalid {
                        field: "validTo",
                        reason: format!(
                            "a renewal extends the approval beyond {}",
                            self.valid_to.map(|d| d.to_string()).unwrap_or_default()
                        ),
                    });
                }
                next.valid_to = Some(*valid_to);
            }
            _ => return Err(refuse()),
        }
        Ok(next)
    }
}

/// A validity period: first day not after the last, last day not before `day`.
pub(crate) fn check_period(
    from: NaiveDate,
    to: NaiveDate,
    day: NaiveDate,
) -> Result<(), StepError> {
    if from > to {
        return Err(StepError::Invalid {
            field: "validFrom",
            reason: format!("the first day {from} is after the last day {to}"),
        });
    }
    if to < day {
        return Err(StepError::Invalid {
            field: "validTo",
            reason: format!("the last day {to} is already past ({day})"),
        });
    }
    Ok(())
}

/// What a party's registrations allow on a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    /// An active AEO or authorised trader registration: may be holder of the transit
    /// procedure (CATS007).
    pub trader: bool,
    /// An active AEO registration: AEO benefits apply.
    pub aeo: bool,
    /// An active authorised insurer registration: may offer guarantees (CATS023).
    pub insurer: bool,
}

/// What `registrations` (all of one party) allow on `day`.
pub fn standing(registrations: &[Registration], day: NaiveDate) -> Standing {
    let active = |r: Register| {
        registrations
            .iter()
            .any(|x| x.register == r && x.active_on(day))
    };
    Standing {
        trader: active(Register::Aeo) || active(Register::AuthorisedTrader),
        aeo: active(Register::Aeo),
        insurer: active(Register::AuthorisedInsurer),
    }
}

/// The party status label of a party's registrations on `day`: the labels of its active
/// registrations joined by `", "` (`"AEO"`, `"AEO, authorised trader"`), or empty.
pub fn party_status(registrations: &[Registration], day: NaiveDate) -> String {
    let mut labels: Vec<&str> = Register::ALL
        .into_iter()
        .filter(|r| {
            registrations
                .iter()
                .any(|x| x.register == *r && x.active_on(day))
        })
        .map(Register::label)
        .collect();
    labels.dedup();
    labels.join(", ")
}

#[cfg(test)]
#[path = "registration_tests.rs"]
mod tests;
