//! The movement state machine: from acceptance at the office of departure to write-off.
//!
//! [`Movement`] is the projection a use case loads; [`decide`] takes it and an [`Action`] and returns
//! the [`Decision`]: the new movement and its [`Effect`]s (messages to send, guarantee ledger
//! operations). Nothing here does IO. The transitions are listed in `docs/lifecycle.md`.

mod chain;
mod control;
mod decide;
mod error;
mod presentation;
mod recovery;
mod report;
mod state;
mod time_limit;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ids::{CountryCode, CurrencyCode, Eori, Grn, Lrn, Money, Mrn, OfficeRef};

pub use chain::{PendingRelease, RemoteUse, RemoteUseStatus};
pub use control::{ControlResultCode, ControlType};
pub use decide::{decide, Action, Decision, Effect, TransitionError};
pub use recovery::{RecoveryRequest, RecoveryRequestStatus};
pub use report::{
    check_decision, check_report, seal_now, seals_in_place, ControlAttachment, ControlContext,
    ControlReport, Finding, FindingKind, RequestedDocument, SealCondition, SealObservation,
    SealReplacement, SealsCheck, CONTROL_RULES,
};
pub use state::MovementState;
pub use time_limit::{time_limit_for_arrival, MAX_TRANSIT_DAYS};

/// One guarantee reference of the declaration that the movement uses (CC015C
/// `Guarantee/GuaranteeReference`): the amount to be covered is reserved on it at release.
///
/// Stored and shown as `{"grn", "amount" (a JSON number), "currency"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "GuaranteeUseWire", into = "GuaranteeUseWire")]
pub struct GuaranteeUse {
    /// GRN of the comprehensive guarantee (17 characters, ISO 6346 check digit).
    pub grn: Grn,
    /// Amount to be covered (NCTS n..16,2) in its ISO 4217 currency (CC015C
    /// `amountToBeCovered`, `currency`).
    pub amount: Money,
}

/// The serde form of [`GuaranteeUse`].
#[derive(Serialize, Deserialize)]
struct GuaranteeUseWire {
    grn: Grn,
    amount: Decimal,
    currency: CurrencyCode,
}

impl From<GuaranteeUse> for GuaranteeUseWire {
    fn from(g: GuaranteeUse) -> Self {
        Self {
            grn: g.grn,
            amount: g.amount.amount(),
            currency: g.amount.currency(),
        }
    }
}

impl TryFrom<GuaranteeUseWire> for GuaranteeUse {
    type Error = crate::ids::IdError;
    fn try_from(w: GuaranteeUseWire) -> Result<Self, Self::Error> {
        Ok(Self {
            grn: w.grn,
            amount: Money::new(w.amount, w.currency)?,
        })
    }
}

/// Where an office's passage happened on the route.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassageKind {
    /// Goods left a country at an office of exit for transit.
    Exit,
    /// Goods entered a country at an office of transit (NCF, CD118C).
    Entry,
}

/// A recorded passage at an office on the route.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// Office reference number.
    pub office: OfficeRef,
    /// Exit or entry.
    pub kind: PassageKind,
    /// When the goods proceeded (UTC).
    pub at: DateTime<Utc>,
    /// Whether the office was declared in the CC015C for this role.
    pub declared: bool,
}

/// A control result recorded at an office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlRecord {
    /// Office reference number.
    pub office: OfficeRef,
    /// Where on the route the office acted.
    pub stage: Stage,
    /// A1, A2, A3 or B1.
    pub result: ControlResultCode,
    /// Documentary, physical, scanning or seals.
    pub control_type: ControlType,
    /// When it was recorded (UTC).
    pub at: DateTime<Utc>,
    /// Findings, seals checked or replaced, remarks (checked by [`check_report`]).
    #[serde(flatten)]
    pub report: ControlReport,
    /// Username of the officer who recorded it (absent in records kept before issue 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer: Option<String>,
    /// Photos and documents attached to the record, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<ControlAttachment>,
}

/// A control decided at an office after release whose result is not recorded yet. While it
/// is pending, the goods do not leave that office: no exit recorded there, no arrival at
/// destination after an en-route decision, no goods release at destination (refused as
/// [`TransitionError::ControlPending`], NCTS functional error 92).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingControl {
    /// Office that decided the control.
    pub office: OfficeRef,
    /// En route or destination.
    pub stage: Stage,
    /// Kind of control decided.
    pub control_type: ControlType,
    /// When it was decided (UTC).
    pub decided_at: DateTime<Utc>,
    /// Documents asked for with the decision.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requested_documents: Vec<RequestedDocument>,
}

/// Where on the route an office acts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Office of departure (customs office reference number, an8).
    Departure,
    /// Office of exit or of transit, en route.
    EnRoute,
    /// Office of destination.
    Destination,
}

/// The current state of a movement: the projection of its history that decisions read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Movement {
    /// State as users see it.
    pub state: MovementState,
    /// MRN, once allocated (`None` for a rejected declaration).
    pub mrn: Option<Mrn>,
    /// LRN given by the holder.
    pub lrn: Lrn,
    /// Identification number (EORI/TIN) of the holder of the transit procedure.
    pub holder: Eori,
    /// Office of departure (customs office reference number, an8).
    pub office_of_departure: OfficeRef,
    /// Office of destination (declared).
    pub office_of_destination: OfficeRef,
    /// Offices of transit declared, in order.
    pub offices_of_transit: Vec<OfficeRef>,
    /// Offices of exit for transit declared, in order.
    pub offices_of_exit: Vec<OfficeRef>,
    /// Countries of the itinerary (offices and countries of routing), in first-seen order.
    pub itinerary: Vec<CountryCode>,
    /// Guarantees used, with the amounts to be covered. A rejected declaration keeps those of
    /// its guarantee references that are well formed (rows stored before identifiers were
    /// typed load the same way: a reference that does not parse is left out).
    #[serde(deserialize_with = "well_formed_only")]
    pub guarantees: Vec<GuaranteeUse>,
    /// `limitDate` of the declaration, if any.
    pub limit_date: Option<chrono::NaiveDate>,
    /// Control decided at departure and not yet resulted.
    pub control_pending: Option<ControlType>,
    /// Controls decided after release (at an office of exit or transit, or at destination) whose
    /// result is not recorded yet: the goods wait there (see [`PendingControl`]).
    #[serde(default)]
    pub pending_controls: Vec<PendingControl>,
    /// Documents the office of departure asked for with its control decision (CC060C
    /// `RequestedDocument`), kept for the record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requested_documents: Vec<RequestedDocument>,
    /// Control results recorded, in order.
    pub controls: Vec<ControlRecord>,
    /// Passages at offices of exit and of transit, in order.
    pub passages: Vec<Passage>,
    /// When the movement was released for transit.
    pub released_at: Option<DateTime<Utc>>,
    /// Time limit for arrival, set at release.
    pub time_limit: Option<DateTime<Utc>>,
    /// Office where arrival was notified.
    pub arrival_office: Option<OfficeRef>,
    /// When arrival was notified.
    pub arrived_at: Option<DateTime<Utc>>,
    /// Whether the holder asked for cancellation (CC014C) and the officer has not decided yet.
    pub cancellation_requested: bool,
    /// Incidents en route (office, text).
    pub incidents: Vec<(OfficeRef, String)>,
    /// Risk selections run at offices (for officers only; never shown to the holder).
    #[serde(default)]
    pub risk: Vec<crate::risk::Selection>,
    /// A pre-lodged declaration (additionalDeclarationType `D`) whose goods are not presented
    /// yet: control and release wait for the presentation notification (CC170C). See
    /// `docs/lifecycle.md`.
    #[serde(default)]
    pub awaiting_presentation: bool,
    /// Why the officer released the movement although CATS had selected it for control at the
    /// office of departure and no control was recorded (the override of the selection; kept for
    /// the risk feedback figures).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_override: Option<String>,
    /// The ICE node that owns the movement (hosts its office of departure) when this node keeps
    /// a copy received with an anticipated record (AAR, ATR, exit record: `docs/ice/`); `None` on
    /// the node of departure. Officers' actions on a copy travel to that node, which alone
    /// reserves, credits and claims on the guarantee and runs the time-limit check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home: Option<crate::ids::NodeId>,
    /// Guarantees of this movement held by peer nodes (the chain guarantee, ICE) and where
    /// their use stands there; empty on a stand-alone node and for guarantees held here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remote_guarantees: Vec<RemoteUse>,
    /// A release waiting for the answers (CD205C) of the nodes holding those guarantees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_pending: Option<PendingRelease>,
    /// Offices off the declared route whose nodes asked for the movement's record because the
    /// goods turned up there (ICE: a route change, CD114C, CD164C; a diversion, CD002C); those
    /// nodes keep a copy and get every update.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records_requested: Vec<OfficeRef>,
    /// Requests that another country recover the debt (ICE CD150C) and their answers (CD151C).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recovery_requests: Vec<RecoveryRequest>,
}

impl Movement {
    /// Whether CATS's risk selection at the office of departure selected the movement for
    /// control.
    pub fn selected_at_departure(&self) -> bool {
        self.risk
            .iter()
            .any(|s| s.selected && s.office == self.office_of_departure)
    }

    /// Whether a satisfactory (A1/A2/A3) control result was recorded at departure.
    pub fn departure_control_satisfactory(&self) -> bool {
        self.controls
            .iter()
            .any(|c| c.stage == Stage::Departure && c.result.is_satisfactory())
    }

    /// Whether a not-satisfactory (B1) control result was recorded after release, at an office
    /// en route or at destination: the goods release then leads to `Discrepancies` (CC019C), not
    /// to write-off, until an officer resolves them.
    pub fn unresolved_discrepancy(&self) -> bool {
        self.controls
            .iter()
            .any(|c| c.stage != Stage::Departure && !c.result.is_satisfactory())
    }

    /// The not-satisfactory control behind [`Self::unresolved_discrepancy`], the latest first.
    pub fn discrepancy_control(&self) -> Option<&ControlRecord> {
        self.controls
            .iter()
            .rev()
            .find(|c| c.stage != Stage::Departure && !c.result.is_satisfactory())
    }

    /// The set of offices that played a role on this movement (for officer scope checks).
    pub fn offices(&self) -> BTreeSet<&OfficeRef> {
        let mut set: BTreeSet<&OfficeRef> = BTreeSet::new();
        set.insert(&self.office_of_departure);
        set.insert(&self.office_of_destination);
        set.extend(&self.offices_of_transit);
        set.extend(&self.offices_of_exit);
        set.extend(self.passages.iter().map(|p| &p.office));
        if let Some(a) = &self.arrival_office {
            set.insert(a);
        }
        set
    }
}

/// Deserializes a list keeping the elements that parse: a rejected declaration's guarantee
/// references were stored as given, and those that are not well formed are of no use.
fn well_formed_only<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let raw = Vec::<serde_json::Value>::deserialize(deserializer)?;
    Ok(raw
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect())
}
