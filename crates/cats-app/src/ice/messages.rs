//! The ICE messages CATS sends and accepts, with their NCTS Phase 5 common-domain codes, and
//! their content. Each content type has a JSON Schema in `docs/ice/schemas/` (the tests validate
//! every message sent and received against it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use cats_domain::ids::{Mrn, OfficeRef};
use cats_domain::movement::{Action, Movement};
use cats_domain::risk::Selection;

/// An ICE message type: the NCTS P5 common-domain code where NCTS has one (`CD…C`), CATS's own
/// (`CA…C`) otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IceType {
    /// CD001C anticipated arrival record (AAR): departure → office of destination, at release.
    Cd001c,
    /// CD050C anticipated transit record (ATR): departure → each office of transit, at release.
    Cd050c,
    /// CD160C anticipated exit record: departure → each office of exit for transit, at release.
    Cd160c,
    /// CD118C notification crossing frontier: office of transit → departure, at entry.
    Cd118c,
    /// CD168C notification of leaving: office of exit → departure, at exit.
    Cd168c,
    /// CD006C arrival advice: office of destination → departure, at arrival.
    Cd006c,
    /// CD018C destination control results: office of destination → departure, at goods
    /// release; the node of departure writes off and credits the guarantee.
    Cd018c,
    /// CD180C incident notification: office en route → departure.
    Cd180c,
    /// CA001C control data (CATS): a control decided or its result recorded at an office en
    /// route or of destination → departure, for the record and for mutual recognition.
    Ca001c,
    /// CA002C discrepancies resolved (CATS): office of destination → departure.
    Ca002c,
    /// CA003C movement update (CATS): departure → every peer holding a copy, after each change
    /// of a released movement, so that copies see every passage, control and the write-off.
    Ca003c,
}

impl IceType {
    /// Every type, in code order.
    pub const ALL: [IceType; 11] = [
        Self::Cd001c,
        Self::Cd006c,
        Self::Cd018c,
        Self::Cd050c,
        Self::Cd118c,
        Self::Cd160c,
        Self::Cd168c,
        Self::Cd180c,
        Self::Ca001c,
        Self::Ca002c,
        Self::Ca003c,
    ];

    /// The code, e.g. `CD050C`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Cd001c => "CD001C",
            Self::Cd050c => "CD050C",
            Self::Cd160c => "CD160C",
            Self::Cd118c => "CD118C",
            Self::Cd168c => "CD168C",
            Self::Cd006c => "CD006C",
            Self::Cd018c => "CD018C",
            Self::Cd180c => "CD180C",
            Self::Ca001c => "CA001C",
            Self::Ca002c => "CA002C",
            Self::Ca003c => "CA003C",
        }
    }

    /// The message's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Cd001c => "Anticipated arrival record (AAR)",
            Self::Cd050c => "Anticipated transit record (ATR)",
            Self::Cd160c => "Anticipated exit record",
            Self::Cd118c => "Notification crossing frontier",
            Self::Cd168c => "Notification of leaving",
            Self::Cd006c => "Arrival advice",
            Self::Cd018c => "Destination control results",
            Self::Cd180c => "Incident notification",
            Self::Ca001c => "Control data (mutual recognition)",
            Self::Ca002c => "Discrepancies resolved",
            Self::Ca003c => "Movement update",
        }
    }

    /// The type with this code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// Whether the content is an [`AnticipatedRecord`] (else an [`OfficeAction`] or, for
    /// CA003C, a [`MovementUpdate`]).
    pub fn is_record(self) -> bool {
        matches!(self, Self::Cd001c | Self::Cd050c | Self::Cd160c)
    }

    /// The type that carries an officer's action on a copy back to the node of departure;
    /// `None` for the actions only the office of departure takes (release, cancellation,
    /// recovery …), which a copy refuses.
    pub fn of_action(action: &Action) -> Option<Self> {
        Some(match action {
            Action::Entry { .. } => Self::Cd118c,
            Action::Exit { .. } => Self::Cd168c,
            Action::Arrival { .. } => Self::Cd006c,
            Action::GoodsRelease { .. } => Self::Cd018c,
            Action::Incident { .. } => Self::Cd180c,
            Action::ControlDecision { .. } | Action::ControlResult { .. } => Self::Ca001c,
            Action::ResolveDiscrepancies { .. } => Self::Ca002c,
            _ => return None,
        })
    }
}

impl std::fmt::Display for IceType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Content of CD001C, CD050C and CD160C: the movement as released, for the office it names.
/// JSON Schema: `docs/ice/schemas/anticipated-record.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnticipatedRecord {
    /// MRN (18 characters).
    pub mrn: Mrn,
    /// The movement's id at the node of departure (UUID); the copy keeps it.
    pub movement_id: Uuid,
    /// The office of destination, transit or exit this record is for.
    pub office: OfficeRef,
    /// The movement as released (state, offices, guarantees, controls, time limit …).
    pub movement: Movement,
    /// The declaration (CC015C content, HMRC JSON shape).
    pub declaration: Value,
    /// When it was lodged (UTC).
    pub lodged_at: DateTime<Utc>,
}

/// Content of CD118C, CD168C, CD006C, CD018C, CD180C, CA001C and CA002C: what an officer did at
/// an office hosted by the sender, for the node of departure to apply.
/// JSON Schema: `docs/ice/schemas/office-action.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfficeAction {
    /// MRN (18 characters).
    pub mrn: Mrn,
    /// The movement's id (UUID).
    pub movement_id: Uuid,
    /// When it was done (UTC).
    pub at: DateTime<Utc>,
    /// The officer (user name at the sending node).
    pub officer: String,
    /// The action, as the API takes it (`{"action": "entry", "office": "AZALA001"}` …).
    pub action: Action,
    /// CATS's risk selection at that office (exit, entry, arrival), when it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<Selection>,
    /// The request as the officer sent it (kept in the history).
    #[serde(default)]
    pub request: Value,
}

/// Content of CA003C: the movement as it now stands at the node of departure, for a copy to take.
/// JSON Schema: `docs/ice/schemas/movement-update.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MovementUpdate {
    /// MRN (18 characters).
    pub mrn: Mrn,
    /// The movement's id (UUID).
    pub movement_id: Uuid,
    /// Its version at the node of departure.
    pub version: i64,
    /// When it changed (UTC).
    pub at: DateTime<Utc>,
    /// How many of the receiving node's messages about this movement (its sequence numbers) the
    /// update reflects: a copy that has sent more keeps its own state until the next update.
    pub acknowledged: i64,
    /// The movement as it now stands.
    pub movement: Movement,
}
