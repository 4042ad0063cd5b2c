//! Claims against a comprehensive guarantee: raised when a movement goes to recovery (the
//! movement's reservation becomes the claim, in the same transaction), answered by the insurer
//! (contest, pay) or given up by customs (waive). Paying or waiving closes the liability: the
//! amount leaves the guarantee's running total.
//!
//! Statuses: `raised` → `contested` (insurer); `raised` | `contested` → `paid` (insurer) |
//! `waived` (customs). `paid` and `waived` are final.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{required_text, StepError};
use crate::ids::{Eori, Grn, Money, Mrn};

/// Status of a claim.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// Raised at recovery; the insurer has not answered yet.
    Raised,
    /// The insurer contests it; customs may waive it, the insurer may still pay.
    Contested,
    /// The insurer paid: the liability is closed.
    Paid,
    /// Customs gave it up: the liability is closed.
    Waived,
}

impl ClaimStatus {
    /// As stored (`"raised"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Raised => "raised",
            Self::Contested => "contested",
            Self::Paid => "paid",
            Self::Waived => "waived",
        }
    }

    /// Parse a stored status.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Raised, Self::Contested, Self::Paid, Self::Waived]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    /// Whether the liability is still open (raised or contested).
    pub fn is_open(self) -> bool {
        matches!(self, Self::Raised | Self::Contested)
    }
}

/// A claim against a guarantee for one movement.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Id (UUID).
    pub id: Uuid,
    /// Optimistic-concurrency version: 1 when raised, +1 per answer.
    pub version: i64,
    /// GRN of the guarantee claimed on.
    pub grn: Grn,
    /// Movement sent to recovery.
    pub movement_id: Uuid,
    /// Its MRN.
    pub mrn: Option<Mrn>,
    /// Identification number of the insurer.
    pub insurer: Eori,
    /// Identification number of the holder.
    pub holder: Eori,
    /// Amount claimed (the amount that was reserved), in the guarantee's ISO 4217 currency.
    pub amount: Money,
    /// Status.
    pub status: ClaimStatus,
    /// When raised (UTC).
    pub raised_at: DateTime<Utc>,
    /// The last answer's text: why contested, the payment reference, why waived.
    pub answer: Option<String>,
    /// When last answered (UTC).
    pub answered_at: Option<DateTime<Utc>>,
    /// When paid or waived (UTC): the end of this liability.
    pub closed_at: Option<DateTime<Utc>>,
}

/// An answer to a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClaimStep {
    /// The insurer contests the claim.
    Contest {
        /// Why, in words the other party can act on (not empty; at most 512 characters).
        reason: String,
    },
    /// The insurer paid the claim.
    Pay {
        /// Payment reference.
        reference: String,
    },
    /// Customs give the claim up.
    Waive {
        /// Why, in words the other party can act on (not empty; at most 512 characters).
        reason: String,
    },
}

impl ClaimStep {
    /// The step's name (`contest`, `pay`, `waive`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Contest { .. } => "contest",
            Self::Pay { .. } => "pay",
            Self::Waive { .. } => "waive",
        }
    }

    /// Whether the step closes the liability.
    pub fn closes(&self) -> bool {
        !matches!(self, Self::Contest { .. })
    }
}

impl Claim {
    /// Decide `step` at `at`: the claim as it becomes (version + 1).
    ///
    /// Errors: [`StepError::OutOfSequence`] on a closed claim, or contesting twice;
    /// [`StepError::Invalid`] for an empty text.
    pub fn step(&self, step: &ClaimStep, at: DateTime<Utc>) -> Result<Claim, StepError> {
        use ClaimStatus as S;
        let mut next = self.clone();
        next.version += 1;
        next.answered_at = Some(at);
        let (status, field, text) = match (step, self.status) {
            (ClaimStep::Contest { reason }, S::Raised) => (S::Contested, "reason", reason),
            (ClaimStep::Pay { reference }, S::Raised | S::Contested) => {
                (S::Paid, "reference", reference)
            }
            (ClaimStep::Waive { reason }, S::Raised | S::Contested) => {
                (S::Waived, "reason", reason)
            }
            _ => {
                return Err(StepError::OutOfSequence {
                    record: "claim",
                    step: step.name(),
                    status: self.status.as_str(),
                })
            }
        };
        next.answer = Some(required_text(field, text, 512)?);
        next.status = status;
        if step.closes() {
            next.closed_at = Some(at);
        }
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contest_then_pay_closes_once() {
        let at = Utc::now();
        let c = Claim {
            id: Uuid::nil(),
            version: 1,
            grn: "25KZ0000SRI000010".parse().unwrap(),
            movement_id: Uuid::nil(),
            mrn: None,
            insurer: "KZ990000765432".parse().unwrap(),
            holder: "KZ840000123456".parse().unwrap(),
            amount: Money::from_minor_units(100, "USD".parse().unwrap()).unwrap(),
            status: ClaimStatus::Raised,
            raised_at: at,
            answer: None,
            answered_at: None,
            closed_at: None,
        };
        let contested = c
            .step(
                &ClaimStep::Contest {
                    reason: "goods arrived".into(),
                },
                at,
            )
            .unwrap();
        assert!(contested.status.is_open());
        assert!(contested
            .step(
                &ClaimStep::Contest {
                    reason: "again".into()
                },
                at
            )
            .is_err());
        let paid = contested
            .step(
                &ClaimStep::Pay {
                    reference: "PAY-1".into(),
                },
                at,
            )
            .unwrap();
        assert_eq!(paid.status, ClaimStatus::Paid);
        assert_eq!(paid.closed_at, Some(at));
        assert!(paid
            .step(&ClaimStep::Waive { reason: "x".into() }, at)
            .is_err());
        assert!(c.step(&ClaimStep::Waive { reason: "".into() }, at).is_err());
    }
}
