//! The states a user sees (issue 2, item 5; DOMAIN.md section 4).

use serde::{Deserialize, Serialize};

/// State of a transit movement, as shown to users. See `docs/lifecycle.md` for every transition.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MovementState {
    /// Received, being validated (never stored: lodging is one transaction).
    Submitted,
    /// Business rules failed (CC056C). Final; the LRN stays free.
    Rejected,
    /// MRN allocated (CC928C, CC028C), waiting for release.
    Accepted,
    /// The guarantee cannot cover the amount (CC055C); the holder may amend or cancel.
    GuaranteeNotValid,
    /// An officer decided a control at departure (CC060C).
    UnderControl,
    /// Released for transit (CC029C); the amount to be covered is reserved on the guarantee.
    ReleasedForTransit,
    /// Not released after a not-satisfactory control at departure (CC051C). Final.
    NotReleased,
    /// Cancelled before release (CC009C). Final.
    Invalidated,
    /// Arrival notified at an office of destination.
    Arrived,
    /// Goods released at destination (CC025C).
    GoodsReleased,
    /// Goods released after a not-satisfactory destination control; awaits resolution.
    Discrepancies,
    /// No arrival by the time limit: enquiry opened.
    UnderEnquiry,
    /// Recovery opened: the reservation became a claim on the guarantee.
    UnderRecovery,
    /// Closed; the reservation was credited back (CC045C). Final.
    WrittenOff,
}

impl MovementState {
    /// Every state, in lifecycle order.
    pub const ALL: [MovementState; 14] = [
        Self::Submitted,
        Self::Rejected,
        Self::Accepted,
        Self::GuaranteeNotValid,
        Self::UnderControl,
        Self::ReleasedForTransit,
        Self::NotReleased,
        Self::Invalidated,
        Self::Arrived,
        Self::GoodsReleased,
        Self::Discrepancies,
        Self::UnderEnquiry,
        Self::UnderRecovery,
        Self::WrittenOff,
    ];

    /// The state's name as users and the API see it (`"ReleasedForTransit"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "Submitted",
            Self::Rejected => "Rejected",
            Self::Accepted => "Accepted",
            Self::GuaranteeNotValid => "GuaranteeNotValid",
            Self::UnderControl => "UnderControl",
            Self::ReleasedForTransit => "ReleasedForTransit",
            Self::NotReleased => "NotReleased",
            Self::Invalidated => "Invalidated",
            Self::Arrived => "Arrived",
            Self::GoodsReleased => "GoodsReleased",
            Self::Discrepancies => "Discrepancies",
            Self::UnderEnquiry => "UnderEnquiry",
            Self::UnderRecovery => "UnderRecovery",
            Self::WrittenOff => "WrittenOff",
        }
    }

    /// Parse a state name as given by [`MovementState::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Whether the movement still holds its LRN (LRN unique per holder among live declarations).
    /// Rejected and invalidated declarations free their LRN.
    pub fn is_live(self) -> bool {
        !matches!(self, Self::Rejected | Self::Invalidated | Self::NotReleased)
    }

    /// Whether the movement is before release (amendment and cancellation allowed).
    pub fn is_before_release(self) -> bool {
        matches!(
            self,
            Self::Accepted | Self::GuaranteeNotValid | Self::UnderControl
        )
    }

    /// Whether the movement is en route (released, not yet arrived).
    pub fn is_en_route(self) -> bool {
        matches!(self, Self::ReleasedForTransit | Self::UnderEnquiry)
    }

    /// Whether no further action can change the movement.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Rejected | Self::NotReleased | Self::Invalidated | Self::WrittenOff
        )
    }
}

impl std::fmt::Display for MovementState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in MovementState::ALL {
            assert_eq!(MovementState::parse(s.as_str()), Some(s));
        }
        assert_eq!(MovementState::parse("Released"), None);
    }

    /// `ALL` holds every state once, in lifecycle order: a state added to the enum breaks the
    /// exhaustive `match` below until it is given its place here and in `ALL` (the manuals'
    /// reference test reads `ALL` to check that every state is described).
    #[test]
    fn all_lists_every_state_once() {
        fn place(s: MovementState) -> usize {
            use MovementState::*;
            match s {
                Submitted => 0,
                Rejected => 1,
                Accepted => 2,
                GuaranteeNotValid => 3,
                UnderControl => 4,
                ReleasedForTransit => 5,
                NotReleased => 6,
                Invalidated => 7,
                Arrived => 8,
                GoodsReleased => 9,
                Discrepancies => 10,
                UnderEnquiry => 11,
                UnderRecovery => 12,
                WrittenOff => 13,
            }
        }
        for (i, s) in MovementState::ALL.into_iter().enumerate() {
            assert_eq!(place(s), i, "{s} out of place in ALL");
        }
    }
}
