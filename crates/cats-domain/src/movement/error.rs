//! Why [`super::decide`] refuses an action.

use super::{MovementState, PassageKind};
use crate::ids::{Declared, OfficeRef};

/// Why an action was refused. Nothing changes when it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The action is not allowed in the movement's state (NCTS functional error 92).
    #[error("{action} is not allowed while the movement is {state}: message out of sequence")]
    OutOfSequence {
        /// Action name.
        action: &'static str,
        /// Current state.
        state: MovementState,
    },
    /// The office is not in the reference data.
    #[error("office {office} is not a known customs office")]
    UnknownOffice {
        /// Office reference number as given (an office named in a trader's message may not even
        /// be well formed).
        office: Declared<OfficeRef>,
    },
    /// The office does not hold the role the action needs.
    #[error("office {office} does not hold the role {role} needed for {action}")]
    OfficeLacksRole {
        /// Office reference number.
        office: OfficeRef,
        /// Role code (DEP, DES, TRA, EXT).
        role: &'static str,
        /// Action name.
        action: &'static str,
    },
    /// The action must be done by another office of this movement.
    #[error("{action} must be done by office {expected}, not {office}")]
    WrongOffice {
        /// Action name.
        action: &'static str,
        /// Office that tried.
        office: OfficeRef,
        /// Office that may.
        expected: OfficeRef,
    },
    /// The office already recorded this passage.
    #[error("office {office} already recorded the {kind:?} of this movement")]
    AlreadyPassed {
        /// Office reference number.
        office: OfficeRef,
        /// Exit or entry.
        kind: PassageKind,
    },
    /// A control was decided and its result is not recorded yet: at departure before release,
    /// after release before the goods leave the office (exit, arrival, goods release).
    #[error("a control was decided at {office}; record its result before {action}")]
    ControlPending {
        /// Office where the control was decided.
        office: OfficeRef,
        /// Action refused.
        action: &'static str,
    },
    /// CATS selected the movement for control at the office of departure and no control was
    /// recorded: releasing it anyway needs the officer's reason (`overrideReason`).
    #[error("CATS selected this movement for control at {office}; decide a control, or give the reason for releasing without it (overrideReason)")]
    OverrideReasonRequired {
        /// Office of departure.
        office: OfficeRef,
    },
    /// A required text was empty.
    #[error("{field} must not be empty")]
    Empty {
        /// Field name.
        field: &'static str,
    },
    /// The declaration is pre-lodged and its goods are not presented yet (no CC170C).
    #[error("the declaration is pre-lodged: {action} waits for the presentation notification (CC170C); message out of sequence")]
    AwaitingPresentation {
        /// Action name.
        action: &'static str,
    },
}

impl TransitionError {
    /// NCTS functional error code (CL180) for this refusal: 92 out of sequence, 12 otherwise.
    pub fn error_code(&self) -> u8 {
        match self {
            Self::OutOfSequence { .. }
            | Self::AlreadyPassed { .. }
            | Self::ControlPending { .. }
            | Self::AwaitingPresentation { .. } => 92,
            _ => 12,
        }
    }
}
