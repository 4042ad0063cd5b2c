//! Pre-lodged declarations (CC015C with additionalDeclarationType `D`).
//!
//! NCTS accepts a pre-lodged declaration before the goods are at the office of departure: it is
//! validated and gets its MRN (CC028C) like a standard one, but risk analysis, controls and
//! release wait until the holder notifies that the goods are presented (CC170C). CATS keeps this
//! as [`Movement::awaiting_presentation`]: set at acceptance of a `D` declaration, cleared by
//! [`Action::PresentationNotification`]. Until then the departure office's actions (control
//! decision, control result, release) are out of sequence (NCTS functional error 92); the holder
//! may still amend or ask to cancel.

use super::decide::same_office;
use super::{Action, Movement, MovementState, TransitionError};
use crate::ids::OfficeRef;

/// Refuse, while the goods of a pre-lodged declaration are not presented, the actions that need
/// them at the office of departure.
pub(super) fn guard(action: &Action) -> Result<(), TransitionError> {
    match action {
        Action::Release { .. }
        | Action::ReservationFailed { .. }
        | Action::ControlDecision { .. }
        | Action::ControlResult { .. } => Err(TransitionError::AwaitingPresentation {
            action: action.name(),
        }),
        _ => Ok(()),
    }
}

/// The presentation notification (CC170C): allowed once, before release, for a pre-lodged
/// declaration, at its office of departure.
pub(super) fn present(
    m: &mut Movement,
    office: &OfficeRef,
    name: &'static str,
) -> Result<(), TransitionError> {
    let before_release = matches!(
        m.state,
        MovementState::Accepted | MovementState::GuaranteeNotValid
    );
    if !m.awaiting_presentation || !before_release {
        return Err(TransitionError::OutOfSequence {
            action: name,
            state: m.state,
        });
    }
    same_office(name, office, &m.office_of_departure)?;
    m.awaiting_presentation = false;
    Ok(())
}
