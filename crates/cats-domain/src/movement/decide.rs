//! `decide`: (movement, action) → new movement and effects, or a refusal.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use super::error::TransitionError;
use super::{
    presentation, time_limit_for_arrival, ControlRecord, ControlReport, ControlResultCode,
    ControlType, Movement, MovementState, Passage, PassageKind, PendingControl, RequestedDocument,
    Stage,
};
use crate::ids::{Declared, OfficeRef};
use crate::reference::{Catalog, OfficeRole};

/// Something a customs office or the holder does to a movement after lodging.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Officer decides a control (at departure: CC060C to the holder, state `UnderControl`),
    /// possibly asking for documents (checked beforehand by [`super::check_decision`]).
    ControlDecision {
        /// Office deciding.
        office: OfficeRef,
        /// Kind of control.
        control_type: ControlType,
        /// Documents asked for (in the CC060C at departure; kept with the pending control
        /// after release).
        #[serde(default)]
        requested_documents: Vec<RequestedDocument>,
    },
    /// Officer records a control result (A1, A2, A3, B1) with its report (findings, seals,
    /// remarks), checked beforehand by [`super::check_report`].
    ControlResult {
        /// Office that controlled.
        office: OfficeRef,
        /// Result code.
        result: ControlResultCode,
        /// Kind of control.
        control_type: ControlType,
        /// Findings, seals, remarks.
        #[serde(default)]
        report: ControlReport,
    },
    /// Release for transit at the office of departure (CC029C). A movement CATS selected for
    /// control at departure and released without a control needs the officer's reason (the
    /// override; [`TransitionError::OverrideReasonRequired`]).
    Release {
        /// Office of departure (customs office reference number, an8).
        office: OfficeRef,
        /// Why the officer releases without the control CATS proposed (ignored when CATS did
        /// not select the movement).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        override_reason: Option<String>,
    },
    /// The guarantee reservation at release failed (amount no longer available): CC055C.
    ReservationFailed {
        /// Office of departure (customs office reference number, an8).
        office: OfficeRef,
        /// Why, for the holder.
        reason: String,
    },
    /// Goods left a country at an office of exit for transit.
    Exit {
        /// Office of exit.
        office: OfficeRef,
    },
    /// Goods entered a country at an office of transit.
    Entry {
        /// Office of transit.
        office: OfficeRef,
    },
    /// Incident en route (CC182C).
    Incident {
        /// Office recording it.
        office: OfficeRef,
        /// What happened.
        text: String,
    },
    /// Arrival notified at an office of destination (CC007C).
    Arrival {
        /// Office of destination (actual).
        office: OfficeRef,
    },
    /// Goods released at destination (CC025C); write-off follows when satisfactory.
    GoodsRelease {
        /// Office of destination.
        office: OfficeRef,
    },
    /// Officer resolves discrepancies found at destination: write-off.
    ResolveDiscrepancies {
        /// Office resolving (destination or departure).
        office: OfficeRef,
    },
    /// Holder asks to cancel the declaration (CC014C).
    RequestCancellation {
        /// Holder's reason.
        reason: String,
    },
    /// Officer decides on cancellation (CC009C); `accept: true` invalidates.
    CancellationDecision {
        /// Office of departure (customs office reference number, an8).
        office: OfficeRef,
        /// Whether the cancellation is granted.
        accept: bool,
    },
    /// The clock passed the time limit for arrival: enquiry.
    TimeLimitExpired,
    /// Officer opens recovery after enquiry: the reservation becomes a claim.
    OpenRecovery {
        /// Office opening recovery.
        office: OfficeRef,
    },
    /// The holder notifies that the goods of a pre-lodged declaration are presented at the
    /// office of departure (CC170C): risk analysis, control and release may follow.
    PresentationNotification {
        /// Office of departure, where the goods are presented.
        office: OfficeRef,
    },
}

impl Action {
    /// The action's name (`"release"`), as in the API, replay files and the audit log.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ControlDecision { .. } => "control_decision",
            Self::ControlResult { .. } => "control_result",
            Self::Release { .. } => "release",
            Self::ReservationFailed { .. } => "reservation_failed",
            Self::Exit { .. } => "exit",
            Self::Entry { .. } => "entry",
            Self::Incident { .. } => "incident",
            Self::Arrival { .. } => "arrival",
            Self::GoodsRelease { .. } => "goods_release",
            Self::ResolveDiscrepancies { .. } => "resolve_discrepancies",
            Self::RequestCancellation { .. } => "cancellation_request",
            Self::CancellationDecision { .. } => "cancellation_decision",
            Self::TimeLimitExpired => "time_limit_expired",
            Self::OpenRecovery { .. } => "recovery",
            Self::PresentationNotification { .. } => "presentation_notification",
        }
    }

    /// The office acting, if the action is an office's.
    pub fn office(&self) -> Option<&OfficeRef> {
        match self {
            Self::ControlDecision { office, .. }
            | Self::ControlResult { office, .. }
            | Self::Release { office, .. }
            | Self::ReservationFailed { office, .. }
            | Self::Exit { office }
            | Self::Entry { office }
            | Self::Incident { office, .. }
            | Self::Arrival { office }
            | Self::GoodsRelease { office }
            | Self::ResolveDiscrepancies { office }
            | Self::CancellationDecision { office, .. }
            | Self::OpenRecovery { office }
            | Self::PresentationNotification { office } => Some(office),
            Self::RequestCancellation { .. } | Self::TimeLimitExpired => None,
        }
    }
}

/// What a decision asks the use case to do besides storing the new projection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// Send a message of this NCTS type (e.g. `CC029C`) to the holder; the use case renders it.
    Message {
        /// NCTS message type, `CCnnnC`.
        message_type: String,
    },
    /// Reserve the amounts to be covered on the guarantees (at release).
    Reserve,
    /// Credit the reservations back (at write-off).
    Credit,
    /// Turn the reservations into claims on the guarantees (at recovery).
    Claim,
}

/// The outcome of [`decide`]: the movement after the action, and what else must happen.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The movement after the action.
    pub movement: Movement,
    /// Messages and ledger operations, in order.
    pub effects: Vec<Effect>,
}

/// The office exists and holds at least one of `roles` (the first is named when it holds none).
fn office_with_role(
    catalog: &Catalog,
    office: &OfficeRef,
    roles: &[OfficeRole],
    action: &'static str,
) -> Result<(), TransitionError> {
    let found = catalog
        .office(office)
        .ok_or_else(|| TransitionError::UnknownOffice {
            office: Declared::Valid(office.clone()),
        })?;
    if roles.iter().any(|r| found.has_role(*r)) {
        Ok(())
    } else {
        Err(TransitionError::OfficeLacksRole {
            office: office.clone(),
            role: roles[0].code(),
            action,
        })
    }
}

pub(super) fn same_office(
    action: &'static str,
    office: &OfficeRef,
    expected: &OfficeRef,
) -> Result<(), TransitionError> {
    if office == expected {
        Ok(())
    } else {
        Err(TransitionError::WrongOffice {
            action,
            office: office.clone(),
            expected: expected.clone(),
        })
    }
}

/// The office where arrival was notified (the declared destination before any arrival).
fn arrival_office(m: &Movement) -> &OfficeRef {
    m.arrival_office
        .as_ref()
        .unwrap_or(&m.office_of_destination)
}

fn message(t: &str) -> Effect {
    Effect::Message {
        message_type: t.to_string(),
    }
}

/// Decide what `action` does to `movement` at time `now` (UTC), reading offices from `catalog`.
///
/// Returns the new movement and its effects, or a [`TransitionError`] when the action is out of
/// sequence or done by the wrong office; the movement is then unchanged. See `docs/lifecycle.md`.
pub fn decide(
    movement: &Movement,
    action: &Action,
    now: DateTime<Utc>,
    catalog: &Catalog,
) -> Result<Decision, TransitionError> {
    use MovementState as S;
    let name = action.name();
    let state = movement.state;
    let out_of_sequence = || TransitionError::OutOfSequence {
        action: name,
        state,
    };
    if movement.awaiting_presentation {
        presentation::guard(action)?;
    }
    let mut m = movement.clone();
    let mut effects = Vec::new();
    match action {
        Action::ControlDecision {
            office,
            control_type,
            requested_documents,
        } => match state {
            S::Accepted => {
                same_office(name, office, &m.office_of_departure)?;
                m.state = S::UnderControl;
                m.control_pending = Some(*control_type);
                m.requested_documents.clone_from(requested_documents);
                effects.push(message("CC060C"));
            }
            S::ReleasedForTransit | S::UnderEnquiry => {
                en_route_office(catalog, office, name)?;
                pend(
                    &mut m,
                    office,
                    Stage::EnRoute,
                    *control_type,
                    requested_documents,
                    now,
                );
            }
            S::Arrived => {
                same_office(name, office, arrival_office(&m))?;
                pend(
                    &mut m,
                    office,
                    Stage::Destination,
                    *control_type,
                    requested_documents,
                    now,
                );
            }
            _ => return Err(out_of_sequence()),
        },
        Action::ControlResult {
            office,
            result,
            control_type,
            report,
        } => {
            let stage = match state {
                S::Accepted | S::UnderControl => {
                    same_office(name, office, &m.office_of_departure)?;
                    Stage::Departure
                }
                S::ReleasedForTransit | S::UnderEnquiry => {
                    en_route_office(catalog, office, name)?;
                    Stage::EnRoute
                }
                S::Arrived => {
                    same_office(name, office, arrival_office(&m))?;
                    Stage::Destination
                }
                _ => return Err(out_of_sequence()),
            };
            m.controls.push(ControlRecord {
                office: office.clone(),
                stage,
                result: *result,
                control_type: *control_type,
                at: now,
                report: report.clone(),
                officer: None,
                attachments: vec![],
            });
            m.pending_controls.retain(|p| p.office != *office);
            if stage == Stage::Departure {
                m.control_pending = None;
                if result.is_satisfactory() {
                    m.state = S::UnderControl;
                } else {
                    m.state = S::NotReleased;
                    effects.push(message("CC051C"));
                }
            }
        }
        Action::Release {
            office,
            override_reason,
        } => {
            match state {
                S::Accepted if m.selected_at_departure() => {
                    let reason = override_reason
                        .as_deref()
                        .map(str::trim)
                        .filter(|r| !r.is_empty())
                        .ok_or_else(|| TransitionError::OverrideReasonRequired {
                            office: m.office_of_departure.clone(),
                        })?;
                    m.release_override = Some(reason.to_string());
                }
                S::Accepted => {}
                S::UnderControl if m.departure_control_satisfactory() => {}
                S::UnderControl => {
                    return Err(TransitionError::ControlPending {
                        office: m.office_of_departure.clone(),
                        action: name,
                    })
                }
                _ => return Err(out_of_sequence()),
            }
            same_office(name, office, &m.office_of_departure)?;
            m.state = S::ReleasedForTransit;
            m.released_at = Some(now);
            let zone = catalog.zone_of(&m.office_of_departure);
            m.time_limit = Some(time_limit_for_arrival(
                now,
                m.itinerary.len(),
                m.limit_date,
                zone,
            ));
            effects.push(Effect::Reserve);
            effects.push(message("CC029C"));
        }
        Action::ReservationFailed { office, .. } => {
            if !matches!(state, S::Accepted | S::UnderControl) {
                return Err(out_of_sequence());
            }
            same_office(name, office, &m.office_of_departure)?;
            m.state = S::GuaranteeNotValid;
            effects.push(message("CC055C"));
        }
        Action::Exit { office } | Action::Entry { office } => {
            if !state.is_en_route() {
                return Err(out_of_sequence());
            }
            let (kind, role, declared) = match action {
                Action::Exit { .. } => (PassageKind::Exit, OfficeRole::Ext, &m.offices_of_exit),
                _ => (PassageKind::Entry, OfficeRole::Tra, &m.offices_of_transit),
            };
            office_with_role(catalog, office, &[role], name)?;
            if kind == PassageKind::Exit {
                waiting(&m, name, |p| p.office == *office)?;
            }
            if m.passages
                .iter()
                .any(|p| p.office == *office && p.kind == kind)
            {
                return Err(TransitionError::AlreadyPassed {
                    office: office.clone(),
                    kind,
                });
            }
            let declared = declared.contains(office);
            m.passages.push(Passage {
                office: office.clone(),
                kind,
                at: now,
                declared,
            });
        }
        Action::Incident { office, text } => {
            if !state.is_en_route() {
                return Err(out_of_sequence());
            }
            if text.trim().is_empty() {
                return Err(TransitionError::Empty { field: "text" });
            }
            catalog
                .office(office)
                .ok_or_else(|| TransitionError::UnknownOffice {
                    office: Declared::Valid(office.clone()),
                })?;
            m.incidents.push((office.clone(), text.clone()));
            effects.push(message("CC182C"));
        }
        Action::Arrival { office } => {
            if !state.is_en_route() {
                return Err(out_of_sequence());
            }
            office_with_role(catalog, office, &[OfficeRole::Des], name)?;
            waiting(&m, name, |p| {
                p.stage == Stage::EnRoute && p.office != *office
            })?;
            m.state = S::Arrived;
            m.arrival_office = Some(office.clone());
            m.arrived_at = Some(now);
        }
        Action::GoodsRelease { office } => {
            if state != S::Arrived {
                return Err(out_of_sequence());
            }
            same_office(name, office, arrival_office(&m))?;
            waiting(&m, name, |_| true)?;
            effects.push(message("CC025C"));
            if m.unresolved_discrepancy() {
                m.state = S::Discrepancies;
                effects.push(message("CC019C"));
            } else {
                m.state = S::WrittenOff;
                effects.push(Effect::Credit);
                effects.push(message("CC045C"));
            }
        }
        Action::ResolveDiscrepancies { office } => {
            if state != S::Discrepancies {
                return Err(out_of_sequence());
            }
            let arrival = arrival_office(&m).clone();
            if *office != arrival && *office != m.office_of_departure {
                return Err(TransitionError::WrongOffice {
                    action: name,
                    office: office.clone(),
                    expected: arrival,
                });
            }
            m.state = S::WrittenOff;
            effects.push(Effect::Credit);
            effects.push(message("CC045C"));
        }
        Action::RequestCancellation { reason } => {
            if !state.is_before_release() {
                return Err(out_of_sequence());
            }
            if reason.trim().is_empty() {
                return Err(TransitionError::Empty { field: "reason" });
            }
            m.cancellation_requested = true;
        }
        Action::CancellationDecision { office, accept } => {
            if !state.is_before_release() {
                return Err(out_of_sequence());
            }
            same_office(name, office, &m.office_of_departure)?;
            m.cancellation_requested = false;
            if *accept {
                m.state = S::Invalidated;
            }
            effects.push(message("CC009C"));
        }
        Action::TimeLimitExpired => {
            let overdue = m.time_limit.is_some_and(|limit| now > limit);
            if state != S::ReleasedForTransit || !overdue {
                return Err(out_of_sequence());
            }
            m.state = S::UnderEnquiry;
            effects.push(message("CC140C"));
        }
        Action::OpenRecovery { office } => {
            if state != S::UnderEnquiry {
                return Err(out_of_sequence());
            }
            same_office(name, office, &m.office_of_departure)?;
            m.state = S::UnderRecovery;
            effects.push(Effect::Claim);
            effects.push(message("CC035C"));
        }
        Action::PresentationNotification { office } => {
            presentation::present(&mut m, office, name)?;
        }
    }
    Ok(Decision {
        movement: m,
        effects,
    })
}

/// Record a control decided after release at `office` (a new decision there replaces the one
/// pending).
fn pend(
    m: &mut Movement,
    office: &OfficeRef,
    stage: Stage,
    control_type: ControlType,
    requested_documents: &[RequestedDocument],
    now: DateTime<Utc>,
) {
    m.pending_controls.retain(|p| p.office != *office);
    m.pending_controls.push(PendingControl {
        office: office.clone(),
        stage,
        control_type,
        decided_at: now,
        requested_documents: requested_documents.to_vec(),
    });
}

/// Refuse `action` while a pending control that `holds` names waits for its result.
fn waiting(
    m: &Movement,
    action: &'static str,
    holds: impl Fn(&PendingControl) -> bool,
) -> Result<(), TransitionError> {
    match m.pending_controls.iter().find(|p| holds(p)) {
        Some(p) => Err(TransitionError::ControlPending {
            office: p.office.clone(),
            action,
        }),
        None => Ok(()),
    }
}

/// An office of exit or of transit: it holds EXT or TRA.
fn en_route_office(
    catalog: &Catalog,
    office: &OfficeRef,
    action: &'static str,
) -> Result<(), TransitionError> {
    office_with_role(catalog, office, &[OfficeRole::Tra, OfficeRole::Ext], action)
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
