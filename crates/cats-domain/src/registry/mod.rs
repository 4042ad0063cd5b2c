//! The registers of CATS (DOMAIN.md sections 2 and 7): registrations of operators (AEO,
//! authorised trader, authorised insurer), insurance contracts (comprehensive guarantees) and
//! claims against them. Each record moves through a small state machine; the functions here decide
//! a step and say why a step is refused. Nothing here does IO.
//!
//! * [`registration`]: applications, approvals with validity dates, suspension, revocation, renewal;
//!   which registrations make a party able to lodge (CATS007) or to offer a guarantee (CATS023).
//! * [`contract`]: insurance contracts from submission to approval (GRN), activation, suspension,
//!   revocation, cancellation and expiry.
//! * [`claim`]: claims raised when a movement goes to recovery, and the insurer's or customs'
//!   answer.

pub mod claim;
pub mod contract;
pub mod registration;

pub use claim::{Claim, ClaimStatus, ClaimStep};
pub use contract::{Contract, ContractStep};
pub use registration::{Contact, Register, Registration, RegistrationStatus, RegistrationStep};

/// What an insured reference amount must be (a contract's `referenceAmount`).
pub const AMOUNT_RULE: &str = "must be positive, below 10^14, with at most 2 decimals";

/// Why a step on a register record was refused. Nothing changes when it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    /// The step is not allowed in the record's status (HTTP 409).
    #[error("{step} is not allowed while the {record} is {status}")]
    OutOfSequence {
        /// `registration`, `contract` or `claim`.
        record: &'static str,
        /// The step's name (`approve`, `suspend` …).
        step: &'static str,
        /// The record's current status.
        status: &'static str,
    },
    /// The step's data is invalid (HTTP 400): field and reason.
    #[error("{field}: {reason}")]
    Invalid {
        /// The field (JSON name) at fault.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// A required free text: trimmed, not empty, at most `max` characters.
pub(crate) fn required_text(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<String, StepError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(StepError::Invalid {
            field,
            reason: "must not be empty".into(),
        });
    }
    if v.chars().count() > max {
        return Err(StepError::Invalid {
            field,
            reason: format!("at most {max} characters"),
        });
    }
    Ok(v.to_string())
}
