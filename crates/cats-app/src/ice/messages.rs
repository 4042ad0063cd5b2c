//! The ICE messages CATS sends and accepts, with their NCTS Phase 5 common-domain codes, and
//! their content. Each content type has a JSON Schema in `docs/ice/schemas/` (the tests validate
//! every message sent and received against it).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use cats_domain::ids::{CurrencyCode, Grn, Mrn, OfficeRef};
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
    /// CD203C guarantee use request: departure → the node holding a guarantee of the movement
    /// (chain guarantee), at release; the holder reserves the amount to be covered.
    Cd203c,
    /// CD205C guarantee use response: the guarantee's node → departure (accepted with the
    /// amount reserved, or refused with the rule broken); the release goes on or fails.
    Cd205c,
    /// CD204C guarantee use cancellation: departure → the guarantee's node, when a release that
    /// had its use fails or the movement is cancelled.
    Cd204c,
    /// CD209C credit of the reference amount: departure → the guarantee's node, at write-off
    /// (credit) or recovery (the reservation becomes a claim).
    Cd209c,
    /// CD200C guarantee check: any node → the node holding a guarantee, at lodging; answered at
    /// once in the receipt with the CD201C content (the guarantee as registered there).
    Cd200c,
    /// CD094C status request: any node → a peer; answered at once in the receipt with the
    /// CD095C content (the peer's node, version, hosted countries, clock, outbox).
    Cd094c,
    /// CD002C AAR request: the node of an office of destination that did not get the record
    /// (goods arrived at an office other than the declared one: a diversion) → departure.
    Cd002c,
    /// CD003C AAR response: departure → the node that asked, with the record (as CD001C).
    Cd003c,
    /// CD114C ATR request: the node of an office of transit not on the declared route (a route
    /// change) → departure.
    Cd114c,
    /// CD115C ATR response: departure → the node that asked, with the record (as CD050C).
    Cd115c,
    /// CD164C anticipated exit record request: the node of an office of exit not on the
    /// declared route → departure.
    Cd164c,
    /// CD165C anticipated exit record response: departure → the node that asked (as CD160C).
    Cd165c,
    /// CD024C forwarded arrival advice: departure → the node of the declared office of
    /// destination, when the goods arrived at another office (a diversion); a movement update.
    Cd024c,
    /// CD010C cancellation notification: departure → every peer holding a copy, when the
    /// movement is invalidated; a movement update.
    Cd010c,
    /// CD142C enquiry request: departure → the node of the office of destination, when the
    /// time limit passed with no arrival known.
    Cd142c,
    /// CD143C enquiry response: that node → departure: what it knows (arrival recorded, from
    /// paper or not, or nothing).
    Cd143c,
    /// CD181C incident notification forwarded: departure → every peer holding a copy, after an
    /// incident was recorded (here or at another office); a movement update.
    Cd181c,
    /// CD152C notification of recovery: departure → every peer holding a copy, when recovery is
    /// opened after the enquiry; a movement update.
    Cd152c,
    /// CD027C movement query: any node → the node of departure (the country of the MRN), a
    /// question answered at once in the receipt with the CD038C content (the movement as it
    /// stands there).
    Cd027c,
    /// CD070C announced unavailability: a node → every peer, a maintenance window (from, to,
    /// reason); the peers hold their messages for it until the window ends.
    Cd070c,
    /// CD071C available again: a node → every peer, its window ends now; the peers deliver at
    /// once.
    Cd071c,
    /// CA004C AEO register change (CATS): the node of a party's country → every peer, at each
    /// decision on its AEO registration, for mutual recognition of AEO status.
    Ca004c,
    /// CA005C risk alert (CATS): a node's risk analyst → every peer, a risk profile to select
    /// with at their offices too.
    Ca005c,
    /// CA006C control attachment (CATS): the node of the office that recorded a control on a
    /// copy → departure, a photo or document attached to it, with its bytes.
    Ca006c,
    /// CD150C request for recovery: departure → the node of another country of the route,
    /// during the enquiry or the recovery: recover the debt there.
    Cd150c,
    /// CD151C response to the request for recovery: that node → departure, accepted or refused.
    Cd151c,
}

impl IceType {
    /// Every type, in code order.
    pub const ALL: [IceType; 37] = [
        Self::Cd002c,
        Self::Cd003c,
        Self::Cd010c,
        Self::Cd024c,
        Self::Cd027c,
        Self::Cd094c,
        Self::Cd114c,
        Self::Cd115c,
        Self::Cd142c,
        Self::Cd143c,
        Self::Cd150c,
        Self::Cd151c,
        Self::Cd152c,
        Self::Cd164c,
        Self::Cd165c,
        Self::Cd001c,
        Self::Cd006c,
        Self::Cd018c,
        Self::Cd050c,
        Self::Cd070c,
        Self::Cd071c,
        Self::Cd118c,
        Self::Cd160c,
        Self::Cd168c,
        Self::Cd180c,
        Self::Cd181c,
        Self::Cd200c,
        Self::Cd203c,
        Self::Cd204c,
        Self::Cd205c,
        Self::Cd209c,
        Self::Ca001c,
        Self::Ca002c,
        Self::Ca003c,
        Self::Ca004c,
        Self::Ca005c,
        Self::Ca006c,
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
            Self::Cd203c => "CD203C",
            Self::Cd205c => "CD205C",
            Self::Cd204c => "CD204C",
            Self::Cd209c => "CD209C",
            Self::Cd200c => "CD200C",
            Self::Cd094c => "CD094C",
            Self::Cd002c => "CD002C",
            Self::Cd003c => "CD003C",
            Self::Cd114c => "CD114C",
            Self::Cd115c => "CD115C",
            Self::Cd164c => "CD164C",
            Self::Cd165c => "CD165C",
            Self::Cd024c => "CD024C",
            Self::Cd010c => "CD010C",
            Self::Cd142c => "CD142C",
            Self::Cd143c => "CD143C",
            Self::Cd181c => "CD181C",
            Self::Cd152c => "CD152C",
            Self::Cd027c => "CD027C",
            Self::Cd070c => "CD070C",
            Self::Cd071c => "CD071C",
            Self::Ca004c => "CA004C",
            Self::Ca005c => "CA005C",
            Self::Ca006c => "CA006C",
            Self::Cd150c => "CD150C",
            Self::Cd151c => "CD151C",
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
            Self::Cd203c => "Guarantee use request",
            Self::Cd205c => "Guarantee use response",
            Self::Cd204c => "Guarantee use cancellation",
            Self::Cd209c => "Credit of the reference amount",
            Self::Cd200c => "Guarantee check",
            Self::Cd094c => "Status request",
            Self::Cd002c => "AAR request",
            Self::Cd003c => "AAR response",
            Self::Cd114c => "ATR request",
            Self::Cd115c => "ATR response",
            Self::Cd164c => "Anticipated exit record request",
            Self::Cd165c => "Anticipated exit record response",
            Self::Cd024c => "Forwarded arrival advice",
            Self::Cd010c => "Cancellation notification",
            Self::Cd142c => "Enquiry request",
            Self::Cd143c => "Enquiry response",
            Self::Cd181c => "Incident notification forwarded",
            Self::Cd152c => "Notification of recovery",
            Self::Cd027c => "Movement query",
            Self::Cd070c => "Announced unavailability",
            Self::Cd071c => "Available again",
            Self::Ca004c => "AEO register change",
            Self::Ca005c => "Risk alert",
            Self::Ca006c => "Control attachment",
            Self::Cd150c => "Request for recovery",
            Self::Cd151c => "Response to the request for recovery",
        }
    }

    /// The type with this code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// Whether the content is an [`AnticipatedRecord`].
    pub fn is_record(self) -> bool {
        self.content() == Content::Record
    }

    /// The shape of the content (and its JSON Schema in `docs/ice/schemas/`).
    pub fn content(self) -> Content {
        match self {
            Self::Cd001c
            | Self::Cd050c
            | Self::Cd160c
            | Self::Cd003c
            | Self::Cd115c
            | Self::Cd165c => Content::Record,
            Self::Ca003c | Self::Cd024c | Self::Cd010c | Self::Cd181c | Self::Cd152c => {
                Content::Update
            }
            Self::Cd027c => Content::MovementQuery,
            Self::Cd070c => Content::Unavailability,
            Self::Cd071c => Content::AvailableAgain,
            Self::Ca004c => Content::AeoRegister,
            Self::Ca005c => Content::RiskAlert,
            Self::Ca006c => Content::ControlAttachment,
            Self::Cd150c => Content::RecoveryRequest,
            Self::Cd151c => Content::RecoveryResponse,
            Self::Cd002c | Self::Cd114c | Self::Cd164c => Content::RecordRequest,
            Self::Cd142c => Content::EnquiryRequest,
            Self::Cd143c => Content::EnquiryResponse,
            Self::Cd203c => Content::GuaranteeUse,
            Self::Cd205c => Content::GuaranteeAnswer,
            Self::Cd204c | Self::Cd209c => Content::GuaranteeEnd,
            Self::Cd200c => Content::GuaranteeCheck,
            Self::Cd094c => Content::StatusRequest,
            _ => Content::Action,
        }
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

/// The shape of a message's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Content {
    /// [`AnticipatedRecord`] (`anticipated-record.json`).
    Record,
    /// [`OfficeAction`] (`office-action.json`).
    Action,
    /// [`MovementUpdate`] (`movement-update.json`).
    Update,
    /// [`GuaranteeUseRequest`] (`guarantee-use.json`).
    GuaranteeUse,
    /// [`GuaranteeUseResponse`] (`guarantee-use-response.json`).
    GuaranteeAnswer,
    /// [`GuaranteeUseEnd`] (`guarantee-use-end.json`).
    GuaranteeEnd,
    /// [`super::query::GuaranteeCheck`] (`guarantee-check.json`), a question.
    GuaranteeCheck,
    /// `{}` (`status-request.json`), a question.
    StatusRequest,
    /// [`RecordRequest`] (`record-request.json`).
    RecordRequest,
    /// `{"mrn"}` (`movement-query.json`), a question.
    MovementQuery,
    /// [`super::unavailability::Unavailability`] (`unavailability.json`), a notice.
    Unavailability,
    /// [`super::unavailability::AvailableAgain`] (`available-again.json`), a notice.
    AvailableAgain,
    /// [`super::registers::AeoRegisterChange`] (`aeo-register-change.json`), a notice.
    AeoRegister,
    /// [`super::risk_alerts::RiskAlert`] (`risk-alert.json`), a notice.
    RiskAlert,
    /// [`super::attachments::ControlAttachmentCopy`] (`control-attachment.json`).
    ControlAttachment,
    /// [`super::recovery::RecoveryRequestMessage`] (`recovery-request.json`).
    RecoveryRequest,
    /// [`super::recovery::RecoveryResponse`] (`recovery-response.json`).
    RecoveryResponse,
    /// [`EnquiryRequest`] (`enquiry-request.json`).
    EnquiryRequest,
    /// [`EnquiryResponse`] (`enquiry-response.json`).
    EnquiryResponse,
}

impl Content {
    /// The file of its JSON Schema in `docs/ice/schemas/`.
    pub fn schema_file(self) -> &'static str {
        match self {
            Self::Record => "anticipated-record.json",
            Self::Action => "office-action.json",
            Self::Update => "movement-update.json",
            Self::GuaranteeUse => "guarantee-use.json",
            Self::GuaranteeAnswer => "guarantee-use-response.json",
            Self::GuaranteeEnd => "guarantee-use-end.json",
            Self::GuaranteeCheck => "guarantee-check.json",
            Self::StatusRequest => "status-request.json",
            Self::RecordRequest => "record-request.json",
            Self::MovementQuery => "movement-query.json",
            Self::Unavailability => "unavailability.json",
            Self::AvailableAgain => "available-again.json",
            Self::AeoRegister => "aeo-register-change.json",
            Self::RiskAlert => "risk-alert.json",
            Self::ControlAttachment => "control-attachment.json",
            Self::RecoveryRequest => "recovery-request.json",
            Self::RecoveryResponse => "recovery-response.json",
            Self::EnquiryRequest => "enquiry-request.json",
            Self::EnquiryResponse => "enquiry-response.json",
        }
    }

    /// Whether the message is a question, answered at once in the receipt
    /// ([`super::query`]).
    pub fn is_question(self) -> bool {
        matches!(
            self,
            Self::GuaranteeCheck | Self::StatusRequest | Self::MovementQuery
        )
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

/// Content of CD203C: the use of one guarantee the receiving node holds, for a movement released
/// at the sender's office of departure. JSON Schema: `docs/ice/schemas/guarantee-use.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuaranteeUseRequest {
    /// MRN (18 characters).
    pub mrn: Mrn,
    /// The movement's id at the node of departure (UUID).
    pub movement_id: Uuid,
    /// GRN (17 characters) of a guarantee the receiver holds.
    pub grn: Grn,
    /// The access code the holder declared for it (CC015C `accessCode`, 4 characters).
    pub access_code: String,
    /// The amount to be covered as declared, in its ISO 4217 currency (2 decimals).
    pub amount: Decimal,
    /// ISO 4217 currency of `amount`.
    pub currency: CurrencyCode,
    /// The share of the amount reserved when the holder has AEO benefits (0–1), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aeo_share: Option<Decimal>,
    /// The office of departure's local day of the release (exchange rate, validity).
    pub day: NaiveDate,
    /// The movement as it stands before the release (the receiver keeps a copy).
    pub movement: Movement,
    /// The declaration (CC015C content, HMRC JSON shape).
    pub declaration: Value,
    /// When it was lodged (UTC).
    pub lodged_at: DateTime<Utc>,
}

/// Content of CD205C: the answer to a CD203C. JSON Schema:
/// `docs/ice/schemas/guarantee-use-response.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuaranteeUseResponse {
    /// MRN (18 characters).
    pub mrn: Mrn,
    /// The movement's id at the node of departure (UUID).
    pub movement_id: Uuid,
    /// GRN (17 characters).
    pub grn: Grn,
    /// Whether the amount is reserved.
    pub accepted: bool,
    /// Amount reserved, in minor units of `currency` (when accepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_minor: Option<i64>,
    /// ISO 4217 currency of the guarantee (when accepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<CurrencyCode>,
    /// Why it was refused, with the rule id (`CATS018: …`, `CATS021: …`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What ends a use of a guarantee at its node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UseEnd {
    /// CD204C: the use is cancelled (the amount is available again).
    Cancelled,
    /// CD209C at write-off: the amount is credited back.
    Credited,
    /// CD209C at recovery: the reservation becomes a claim on the insurer.
    Claimed,
}

/// Content of CD204C and CD209C. JSON Schema: `docs/ice/schemas/guarantee-use-end.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuaranteeUseEnd {
    /// MRN (18 characters).
    pub mrn: Mrn,
    /// The movement's id at the node of departure (UUID).
    pub movement_id: Uuid,
    /// GRN (17 characters).
    pub grn: Grn,
    /// How the use ends.
    pub end: UseEnd,
    /// When (UTC).
    pub at: DateTime<Utc>,
}

/// Content of CD002C, CD114C and CD164C: the node of `office` asks the node of departure for the
/// movement's record, because the goods are there and the record is not (a diversion, a route
/// change). JSON Schema: `docs/ice/schemas/record-request.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordRequest {
    /// MRN (18 characters), as read from the transit accompanying document.
    pub mrn: Mrn,
    /// The office where the goods are (hosted by the sender).
    pub office: OfficeRef,
    /// When asked (UTC).
    pub at: DateTime<Utc>,
}

/// Content of CD142C: the time limit for arrival passed and no arrival is known at departure.
/// JSON Schema: `docs/ice/schemas/enquiry-request.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnquiryRequest {
    /// MRN (18 characters).
    pub mrn: Mrn,
    /// The movement's id at the node of departure (UUID).
    pub movement_id: Uuid,
    /// The declared office of destination.
    pub office: OfficeRef,
    /// The time limit for arrival that passed (UTC).
    pub time_limit: Option<DateTime<Utc>>,
    /// When the enquiry started (UTC).
    pub at: DateTime<Utc>,
}

/// Content of CD143C: what the node of the office of destination knows of the movement.
/// JSON Schema: `docs/ice/schemas/enquiry-response.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnquiryResponse {
    /// MRN (18 characters).
    pub mrn: Mrn,
    /// The movement's id at the node of departure (UUID).
    pub movement_id: Uuid,
    /// Whether the goods are known to have arrived there.
    pub arrived: bool,
    /// Where and when, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<OfficeRef>,
    /// When they arrived (UTC), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrived_at: Option<DateTime<Utc>>,
    /// What the node has: `copy` (the record, state as there), `paper` (an arrival recorded
    /// from the transit accompanying document, the record never came), or `nothing`.
    pub source: String,
    /// A note for the officer at departure.
    pub remarks: String,
}
