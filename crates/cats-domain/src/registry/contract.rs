//! Insurance contracts (comprehensive guarantees, DOMAIN.md section 7): an authorised insurer
//! submits a contract covering a holder; an officer at a guarantee office approves it (CATS
//! allocates the GRN) or rejects it; the holder sets its access code, which puts the guarantee in
//! force; customs may suspend, reinstate or revoke it; the insurer may cancel it when no liability
//! is open; it expires after its policy period.
//!
//! Statuses ([`GuaranteeStatus`]): `submitted` → `approved` (GRN) | `rejected`; `approved` →
//! `active` (access code set); `active` ⇄ `suspended`; `approved` | `active` | `suspended` →
//! `revoked` (by customs, or cancelled by the insurer) | `expired` (after the policy period).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{required_text, StepError};
use crate::ids::{CountryCode, Eori, Grn, Money, OfficeRef};
use crate::ledger::{Guarantee, GuaranteeStatus};
use crate::reference::Catalog;

/// An insurance contract (comprehensive guarantee) and its lifecycle.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    /// Id (UUID), known from submission on; the GRN comes with approval.
    pub id: Uuid,
    /// Optimistic-concurrency version: 1 when submitted, +1 per step.
    pub version: i64,
    /// Guarantee reference number, allocated at approval (17 characters, check digit).
    pub grn: Option<Grn>,
    /// The insurer's own contract (policy) number, up to 35 characters.
    pub policy_number: String,
    /// Identification number of the insurer.
    pub insurer: Eori,
    /// Identification number of the holder covered (a trader).
    pub holder: Eori,
    /// Reference amount (insured amount, NCTS n..16,2) in its ISO 4217 currency.
    pub reference_amount: Money,
    /// First day of the policy period (inclusive).
    pub valid_from: NaiveDate,
    /// Last day of the policy period (inclusive).
    pub valid_to: NaiveDate,
    /// ISO 3166-1 alpha-2 countries where the guarantee is valid (each taking part in CATS).
    pub countries: Vec<CountryCode>,
    /// The indemnity or payment process: how and when the insurer pays a claim (free text).
    pub indemnity: String,
    /// Status.
    pub status: GuaranteeStatus,
    /// Reason of the last rejection, suspension, revocation or cancellation.
    pub reason: Option<String>,
    /// Guarantee office (office reference number) that decided the submission.
    pub office: Option<OfficeRef>,
    /// Username of who took the last step.
    pub decided_by: Option<String>,
    /// When submitted (UTC).
    pub submitted_at: DateTime<Utc>,
    /// When last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

/// A step on a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContractStep {
    /// An officer approves a submitted contract at guarantee office `office`; `grn` is the GRN
    /// CATS allocated for it.
    Approve {
        /// GRN allocated.
        grn: Grn,
        /// Deciding office.
        office: OfficeRef,
    },
    /// An officer rejects a submitted contract.
    Reject {
        /// Why, in words the other party can act on (not empty; at most 512 characters).
        reason: String,
    },
    /// The holder set the access code of an approved contract: it is in force.
    Activate,
    /// An officer suspends an active contract.
    Suspend {
        /// Why, in words the other party can act on (not empty; at most 512 characters).
        reason: String,
    },
    /// An officer lifts a suspension.
    Reinstate,
    /// An officer withdraws the contract for good.
    Revoke {
        /// Why, in words the other party can act on (not empty; at most 512 characters).
        reason: String,
    },
    /// The insurer ends the contract (only without open liabilities, which the store checks).
    Cancel {
        /// Why, in words the other party can act on (not empty; at most 512 characters).
        reason: String,
    },
    /// The policy period ended.
    Expire,
}

impl ContractStep {
    /// The step's name (`approve`, `cancel` …), as in the API and the history.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Approve { .. } => "approve",
            Self::Reject { .. } => "reject",
            Self::Activate => "activate",
            Self::Suspend { .. } => "suspend",
            Self::Reinstate => "reinstate",
            Self::Revoke { .. } => "revoke",
            Self::Cancel { .. } => "cancel",
            Self::Expire => "expire",
        }
    }
}

impl Contract {
    /// Check a submission on `day`: policy number, amount (positive, at most 2 decimals),
    /// currency (ISO 4217, known), policy period (not ended), countries (taking part in CATS),
    /// indemnity process, holder not the insurer. Returns every problem.
    pub fn check_submission(&self, day: NaiveDate, catalog: &Catalog) -> Vec<StepError> {
        let mut out = Vec::new();
        let mut push =
            |field: &'static str, reason: String| out.push(StepError::Invalid { field, reason });
        if let Err(e) = required_text("policyNumber", &self.policy_number, 35) {
            out_push(&mut push, e);
        }
        if let Err(e) = required_text("indemnity", &self.indemnity, 1000) {
            out_push(&mut push, e);
        }
        let a = self.reference_amount.amount();
        if a <= Decimal::ZERO {
            push(
                "referenceAmount",
                format!("{}, got {a}", super::AMOUNT_RULE),
            );
        }
        let currency = self.reference_amount.currency();
        if !catalog.currencies.contains_key(&currency) {
            push(
                "currency",
                format!("{currency} is not an ISO 4217 currency CATS knows"),
            );
        }
        if let Err(e) = super::registration::check_period(self.valid_from, self.valid_to, day) {
            out_push(&mut push, e);
        }
        if self.countries.is_empty() {
            push("countries", "at least one country".into());
        }
        for c in &self.countries {
            if !catalog.is_participating(c) {
                push("countries", format!("{c} does not take part in CATS"));
            }
        }
        if self.holder == self.insurer {
            push("holder", "the holder cannot be the insurer".into());
        }
        out
    }

    /// Whether the contract may be approved on `day` (submitted, policy period not ended), before
    /// a GRN is allocated for it. Errors: [`StepError::OutOfSequence`].
    pub fn may_approve(&self, day: NaiveDate) -> Result<(), StepError> {
        if self.status == GuaranteeStatus::Submitted && self.valid_to >= day {
            Ok(())
        } else {
            Err(StepError::OutOfSequence {
                record: "contract",
                step: "approve",
                status: self.status.as_str(),
            })
        }
    }

    /// Decide `step` on `day` by `actor` at `at`: the contract as it becomes (version + 1).
    ///
    /// Errors: [`StepError::OutOfSequence`] when the status does not allow the step (e.g.
    /// reinstating a contract past its policy period, expiring one still in it);
    /// [`StepError::Invalid`] for an empty reason.
    pub fn step(
        &self,
        step: &ContractStep,
        day: NaiveDate,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Contract, StepError> {
        use GuaranteeStatus as S;
        let refuse = || StepError::OutOfSequence {
            record: "contract",
            step: step.name(),
            status: self.status.as_str(),
        };
        let mut next = self.clone();
        next.version += 1;
        next.updated_at = at;
        next.decided_by = Some(actor.to_string());
        let ended = self.valid_to < day;
        match (step, self.status) {
            (ContractStep::Approve { grn, office }, S::Submitted) if !ended => {
                next.status = S::Approved;
                next.grn = Some(grn.clone());
                next.office = Some(office.clone());
                next.reason = None;
            }
            (ContractStep::Reject { reason }, S::Submitted) => {
                next.status = S::Rejected;
                next.reason = Some(required_text("reason", reason, 512)?);
            }
            (ContractStep::Activate, S::Approved) if !ended => next.status = S::Active,
            (ContractStep::Suspend { reason }, S::Active) => {
                next.status = S::Suspended;
                next.reason = Some(required_text("reason", reason, 512)?);
            }
            (ContractStep::Reinstate, S::Suspended) if !ended => {
                next.status = S::Active;
                next.reason = None;
            }
            (ContractStep::Revoke { reason }, S::Approved | S::Active | S::Suspended) => {
                next.status = S::Revoked;
                next.reason = Some(required_text("reason", reason, 512)?);
            }
            (
                ContractStep::Cancel { reason },
                S::Submitted | S::Approved | S::Active | S::Suspended,
            ) => {
                next.status = S::Revoked;
                next.reason = Some(format!(
                    "cancelled by the insurer: {}",
                    required_text("reason", reason, 480)?
                ));
            }
            (ContractStep::Expire, S::Approved | S::Active | S::Suspended) if ended => {
                next.status = S::Expired;
            }
            _ => return Err(refuse()),
        }
        Ok(next)
    }

    /// The guarantee the ledger and the rules see, once a GRN is allocated; `access_code_hash`
    /// from [`crate::ledger::hash_access_code`] (empty until the holder sets the code: no code
    /// matches it).
    pub fn guarantee(&self, access_code_hash: &str) -> Option<Guarantee> {
        Some(Guarantee {
            grn: self.grn.clone()?,
            holder: self.holder.clone(),
            insurer: self.insurer.clone(),
            reference_amount: self.reference_amount.clone(),
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            countries: self.countries.clone(),
            status: self.status,
            access_code_hash: access_code_hash.to_string(),
            running_total_minor: 0,
            liability_end: None,
        })
    }
}

fn out_push(push: &mut impl FnMut(&'static str, String), e: StepError) {
    if let StepError::Invalid { field, reason } = e {
        push(field, reason);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::{Country, Currency};

    fn catalog() -> Catalog {
        let mut c = Catalog::default();
        for code in ["KZ", "GE"] {
            c.countries.insert(
                code.parse().unwrap(),
                Country {
                    code: code.parse().unwrap(),
                    names: Default::default(),
                    participating: true,
                    carec: true,
                    source: "test".into(),
                },
            );
        }
        c.currencies.insert(
            "USD".parse().unwrap(),
            Currency {
                code: "USD".parse().unwrap(),
                name: "US dollar".into(),
                minor_unit: 2,
                source: "test".into(),
            },
        );
        c
    }

    fn contract() -> Contract {
        let at = Utc::now();
        Contract {
            id: Uuid::nil(),
            version: 1,
            grn: None,
            policy_number: "POL-1".into(),
            insurer: "KZ990000765432".parse().unwrap(),
            holder: "KZ840000123456".parse().unwrap(),
            reference_amount: Money::new(Decimal::new(10_000_000, 2), "USD".parse().unwrap())
                .unwrap(),
            valid_from: "2026-01-01".parse().unwrap(),
            valid_to: "2026-12-31".parse().unwrap(),
            countries: vec!["KZ".parse().unwrap()],
            indemnity: "pays within 30 days of a customs demand".into(),
            status: GuaranteeStatus::Submitted,
            reason: None,
            office: None,
            decided_by: None,
            submitted_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn lifecycle() {
        let day: NaiveDate = "2026-03-01".parse().unwrap();
        let at = Utc::now();
        let c = contract();
        let approve = ContractStep::Approve {
            grn: "26KZHOR0010000016".parse().unwrap(),
            office: "KZHOR001".parse().unwrap(),
        };
        let a = c.step(&approve, day, "officer.kz", at).unwrap();
        assert_eq!(a.status, GuaranteeStatus::Approved);
        assert!(a.guarantee("").is_some());
        assert!(c.guarantee("").is_none());
        let active = a.step(&ContractStep::Activate, day, "silkway", at).unwrap();
        let s = active
            .step(
                &ContractStep::Suspend {
                    reason: "premium unpaid".into(),
                },
                day,
                "o",
                at,
            )
            .unwrap();
        assert_eq!(s.status, GuaranteeStatus::Suspended);
        assert!(s.step(&ContractStep::Expire, day, "system", at).is_err());
        let late: NaiveDate = "2027-01-01".parse().unwrap();
        assert!(s.step(&ContractStep::Reinstate, late, "o", at).is_err());
        let e = s.step(&ContractStep::Expire, late, "system", at).unwrap();
        assert_eq!(e.status, GuaranteeStatus::Expired);
        let x = active
            .step(
                &ContractStep::Cancel {
                    reason: "ended".into(),
                },
                day,
                "steppe",
                at,
            )
            .unwrap();
        assert_eq!(x.status, GuaranteeStatus::Revoked);
        assert!(x.reason.unwrap().starts_with("cancelled by the insurer"));
    }

    #[test]
    fn submissions_are_checked() {
        let day: NaiveDate = "2026-03-01".parse().unwrap();
        let mut c = contract();
        // A currency the catalogue does not know, and nothing insured.
        c.reference_amount = Money::zero("JPY".parse().unwrap());
        c.countries = vec!["FR".parse().unwrap()];
        c.holder = c.insurer.clone();
        c.policy_number = String::new();
        let fields: Vec<_> = c
            .check_submission(day, &catalog())
            .into_iter()
            .map(|e| match e {
                StepError::Invalid { field, .. } => field,
                other => panic!("{other}"),
            })
            .collect();
        for f in [
            "policyNumber",
            "referenceAmount",
            "currency",
            "countries",
            "holder",
        ] {
            assert!(fields.contains(&f), "{f}: {fields:?}");
        }
    }
}
