//! The typed views of movements and messages (HAL-style `_links`): what `GET /movements/…`
//! answers, and the schemas the OpenAPI document gives for them (each view derives its schema,
//! so the document cannot drift from the answers).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use cats_app::auth::{Role, User};
use cats_app::store::{MovementRecord, StoredMessage};
use cats_domain::ids::{CountryCode, CurrencyCode, Eori, Grn, Lrn, Mrn, OfficeRef};
use cats_domain::movement::{
    ControlAttachment, ControlRecord, ControlResultCode, ControlType, Finding, MovementState,
    Passage, PendingControl, SealsCheck, Stage,
};
use cats_domain::risk::Selection;

/// A link: `{"href": "/movements/departures/…"}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Link {
    /// Path on this node.
    pub href: String,
}

impl Link {
    /// A link to `href`.
    pub fn to(href: impl Into<String>) -> Self {
        Self { href: href.into() }
    }
}

/// `_links` with only `self`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SelfLink {
    /// This resource.
    #[serde(rename = "self")]
    pub this: Link,
}

/// Path of a movement.
pub fn movement_path(record: &MovementRecord) -> String {
    format!("/movements/departures/{}", record.id)
}

/// The JSON of a view (views always serialize).
pub fn json<T: Serialize>(view: &T) -> Value {
    serde_json::to_value(view).expect("a view serializes")
}

/// A guarantee the movement uses, with the amount to be covered.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GuaranteeUseView {
    /// GRN.
    pub grn: Grn,
    /// Amount to be covered, a decimal string with at most 2 decimals (`"25000.00"`).
    pub amount: Decimal,
    /// Its ISO 4217 currency.
    pub currency: CurrencyCode,
}

/// An incident en route (CC182C).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IncidentView {
    /// Office that recorded it.
    pub office: OfficeRef,
    /// What happened.
    pub text: String,
}

/// `_links` of a movement.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MovementLinks {
    /// The movement.
    #[serde(rename = "self")]
    pub this: Link,
    /// Its messages.
    pub messages: Link,
}

/// A departure movement as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MovementView {
    /// Internal id, used in paths.
    pub id: Uuid,
    /// Local reference number.
    pub lrn: Lrn,
    /// Movement reference number, once allocated.
    pub mrn: Option<Mrn>,
    /// State (`docs/lifecycle.md`).
    pub state: MovementState,
    /// Holder of the transit procedure.
    pub holder: Eori,
    /// Office of departure.
    pub office_of_departure: OfficeRef,
    /// Office of destination (declared).
    pub office_of_destination: OfficeRef,
    /// Offices of transit declared, in order.
    pub offices_of_transit: Vec<OfficeRef>,
    /// Offices of exit for transit declared, in order.
    pub offices_of_exit: Vec<OfficeRef>,
    /// Countries of the itinerary, in order.
    pub itinerary: Vec<CountryCode>,
    /// Guarantees used.
    pub guarantees: Vec<GuaranteeUseView>,
    /// When released for transit (UTC).
    pub released_at: Option<DateTime<Utc>>,
    /// Time limit for arrival (UTC).
    pub time_limit: Option<DateTime<Utc>>,
    /// Office where arrival was notified.
    pub arrival_office: Option<OfficeRef>,
    /// When arrival was notified (UTC).
    pub arrived_at: Option<DateTime<Utc>>,
    /// Passages at offices of exit and transit.
    pub passages: Vec<Passage>,
    /// Control records, numbered from 1.
    pub controls: Vec<ControlView>,
    /// Control decided at departure and not yet resulted.
    pub control_pending: Option<ControlType>,
    /// Controls decided after release and not yet resulted (the goods wait there).
    pub pending_controls: Vec<PendingControl>,
    /// Incidents en route.
    pub incidents: Vec<IncidentView>,
    /// The holder asked to cancel and no decision is taken yet.
    pub cancellation_requested: bool,
    /// When lodged (UTC).
    pub created: DateTime<Utc>,
    /// When last changed (UTC).
    pub updated: DateTime<Utc>,
    /// Version (optimistic concurrency).
    pub version: i64,
    /// CATS's risk selection at each office (customs officers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<Vec<Selection>>,
    /// Why the officer released it without the control CATS selected (customs officers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_override: Option<String>,
    /// In an ICE network: the node of departure, when this node keeps a copy of a peer's
    /// movement (received with an anticipated record); absent on the node of departure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home: Option<cats_domain::ids::NodeId>,
    /// In an ICE network: the guarantees held by peer nodes (chain guarantee) and where their
    /// use stands there (`requested`, `accepted`, `refused`, `credited`, `claimed`,
    /// `cancelled`); absent when every guarantee is held here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub remote_guarantees: Vec<cats_domain::movement::RemoteUse>,
    /// Whether a release waits for the answers of the nodes holding its guarantees (CD205C).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub release_pending: bool,
    /// Requests that another country recover the debt (ICE CD150C) and their answers (CD151C).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub recovery_requests: Vec<cats_domain::movement::RecoveryRequest>,
    /// Links.
    #[serde(rename = "_links")]
    pub links: MovementLinks,
}

/// A movement as the API shows it. Risk selections are shown to customs officers only.
pub fn movement(record: &MovementRecord, viewer: Option<&User>) -> Value {
    json(&movement_view(record, viewer))
}

/// The typed view of [`movement`].
pub fn movement_view(record: &MovementRecord, viewer: Option<&User>) -> MovementView {
    let m = &record.movement;
    let path = movement_path(record);
    let officer = viewer.is_none_or(|u| u.role == Role::Officer);
    MovementView {
        id: record.id,
        lrn: m.lrn.clone(),
        mrn: m.mrn.clone(),
        state: m.state,
        holder: m.holder.clone(),
        office_of_departure: m.office_of_departure.clone(),
        office_of_destination: m.office_of_destination.clone(),
        offices_of_transit: m.offices_of_transit.clone(),
        offices_of_exit: m.offices_of_exit.clone(),
        itinerary: m.itinerary.clone(),
        guarantees: m
            .guarantees
            .iter()
            .map(|g| GuaranteeUseView {
                grn: g.grn.clone(),
                amount: g.amount.amount(),
                currency: g.amount.currency(),
            })
            .collect(),
        released_at: m.released_at,
        time_limit: m.time_limit,
        arrival_office: m.arrival_office.clone(),
        arrived_at: m.arrived_at,
        passages: m.passages.clone(),
        controls: control_views(record, viewer, |_| true),
        control_pending: m.control_pending,
        pending_controls: m.pending_controls.clone(),
        incidents: m
            .incidents
            .iter()
            .map(|(office, text)| IncidentView {
                office: office.clone(),
                text: text.clone(),
            })
            .collect(),
        cancellation_requested: m.cancellation_requested,
        created: record.created_at,
        updated: record.updated_at,
        version: record.version,
        risk: officer.then(|| m.risk.clone()),
        release_override: if officer {
            m.release_override.clone()
        } else {
            None
        },
        home: m.home.clone(),
        remote_guarantees: m.remote_guarantees.clone(),
        release_pending: m.release_pending.is_some(),
        recovery_requests: m.recovery_requests.clone(),
        links: MovementLinks {
            this: Link::to(&path),
            messages: Link::to(format!("{path}/messages")),
        },
    }
}

/// A photo or document of a control record, with its download link.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentView {
    /// What identifies it.
    #[serde(flatten)]
    pub attachment: ControlAttachmentMeta,
    /// `download`.
    #[serde(rename = "_links")]
    pub links: DownloadLinks,
}

/// The metadata of a control record's attachment.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ControlAttachmentMeta {
    /// Attachment id.
    pub id: Uuid,
    /// File name.
    pub filename: String,
    /// Content-Type.
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// When uploaded (UTC).
    pub uploaded_at: DateTime<Utc>,
    /// Who uploaded it.
    pub uploaded_by: String,
}

/// `_links.download`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DownloadLinks {
    /// The bytes.
    pub download: Link,
}

/// A control record.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ControlView {
    /// Number from 1, in the order recorded (as in the paths).
    pub number: usize,
    /// Office that controlled.
    pub office: OfficeRef,
    /// Departure, en route or destination.
    pub stage: Stage,
    /// Result (CL198).
    pub result: ControlResultCode,
    /// Kind of control.
    pub control_type: ControlType,
    /// When recorded (UTC).
    pub at: DateTime<Utc>,
    /// Findings.
    pub findings: Vec<Finding>,
    /// Seals checked and replaced.
    pub seals: Option<SealsCheck>,
    /// Remarks.
    pub remarks: Option<String>,
    /// The officer who recorded it (customs officers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub officer: Option<Option<String>>,
    /// Photos and documents (customs officers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<AttachmentView>>,
}

/// The control records of a movement that `keep` keeps, numbered from 1 in the order they were
/// recorded; `officer` and `attachments` (with download links) for customs officers only.
pub fn control_views(
    record: &MovementRecord,
    viewer: Option<&User>,
    keep: impl Fn(&ControlRecord) -> bool,
) -> Vec<ControlView> {
    let officer = viewer.is_none_or(|u| u.role == Role::Officer);
    let path = movement_path(record);
    record
        .movement
        .controls
        .iter()
        .enumerate()
        .filter(|(_, c)| keep(c))
        .map(|(i, c)| {
            let number = i + 1;
            let base = format!("{path}/controls/{number}");
            ControlView {
                number,
                office: c.office.clone(),
                stage: c.stage,
                result: c.result,
                control_type: c.control_type,
                at: c.at,
                findings: c.report.findings.clone(),
                seals: c.report.seals.clone(),
                remarks: c.report.remarks.clone(),
                officer: officer.then(|| c.officer.clone()),
                attachments: officer.then(|| {
                    c.attachments
                        .iter()
                        .map(|a| attachment_view(&base, a))
                        .collect()
                }),
            }
        })
        .collect()
}

/// A control record's attachment: its metadata and `_links.download` under `control_path`
/// (`/movements/departures/{id}/controls/{number}`).
pub fn attachment_view(control_path: &str, a: &ControlAttachment) -> AttachmentView {
    AttachmentView {
        attachment: ControlAttachmentMeta {
            id: a.id,
            filename: a.filename.clone(),
            content_type: a.content_type.clone(),
            size: a.size,
            sha256: a.sha256.clone(),
            uploaded_at: a.uploaded_at,
            uploaded_by: a.uploaded_by.clone(),
        },
        links: DownloadLinks {
            download: Link::to(format!("{control_path}/attachments/{}", a.id)),
        },
    }
}

/// A control record's attachment as JSON (see [`attachment_view`]).
pub fn control_attachment(control_path: &str, a: &ControlAttachment) -> Value {
    json(&attachment_view(control_path, a))
}

/// `_links` of a message.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessageLinks {
    /// The message.
    #[serde(rename = "self")]
    pub this: Link,
    /// Its movement.
    pub departure: Link,
}

/// A message in a movement's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageEntry {
    /// Message id.
    pub id: Uuid,
    /// `CC015C`, `CC029C` … or a customs action's name (`release`).
    pub message_type: String,
    /// `inbound` (from the trader), `outbound` (to the trader) or `customs` (an officer's action).
    #[schema(value_type = String)]
    pub direction: cats_app::store::Direction,
    /// When (UTC).
    pub received: DateTime<Utc>,
    /// Links.
    #[serde(rename = "_links")]
    pub links: MessageLinks,
}

/// A message's entry in a list.
pub fn message_entry(record: &MovementRecord, msg: &StoredMessage) -> MessageEntry {
    MessageEntry {
        id: msg.id,
        message_type: msg.message_type.clone(),
        direction: msg.direction,
        received: msg.received,
        links: MessageLinks {
            this: Link::to(format!("{}/messages/{}", movement_path(record), msg.id)),
            departure: Link::to(movement_path(record)),
        },
    }
}

/// A movement's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessageList {
    /// Every message in and out and every customs action, oldest first.
    pub messages: Vec<MessageEntry>,
    /// Links.
    #[serde(rename = "_links")]
    pub links: MessageLinks,
}

/// A page of movements.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MovementList {
    /// Movements matching, over every page.
    pub total_count: u64,
    /// This page, from 1.
    pub page: u32,
    /// Movements per page.
    pub count: u32,
    /// This page's movements, newest change first.
    pub movements: Vec<MovementView>,
    /// Links.
    #[serde(rename = "_links")]
    pub links: SelfLink,
}

/// What lodging or amending answered.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LodgedView {
    /// Internal id.
    pub id: Uuid,
    /// LRN.
    pub lrn: Lrn,
    /// MRN, once allocated.
    pub mrn: Option<Mrn>,
    /// State: `Accepted`, `GuaranteeNotValid` or `Rejected`.
    pub state: MovementState,
    /// Every business-rule failure (empty unless rejected), as in the CC056C.
    pub errors: Vec<cats_domain::rules::RuleFailure>,
    /// Links.
    #[serde(rename = "_links")]
    pub links: MovementLinks,
}

/// A message stored by a request, with its link.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoredEntry {
    /// Message id.
    pub id: Uuid,
    /// `CC013C`, `CC004C`, `CC056C` …
    pub message_type: String,
    /// `self`.
    #[serde(rename = "_links")]
    pub links: SelfLink,
}

/// What a message sent about a movement (CC007C, CC013C, CC014C, CC044C, CC170C) answered: the
/// movement's id and state, the message in, every message stored, and the rejection's functional
/// errors if any. On a refusal out of sequence (`409`) also `code`, `message` and `errorCode`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReceivedView {
    /// The movement's id.
    pub id: Uuid,
    /// The message in.
    pub message_id: Uuid,
    /// Its type.
    pub message_type: String,
    /// The movement's MRN.
    pub mrn: Option<Mrn>,
    /// The movement's state after it.
    pub state: MovementState,
    /// Functional errors of the rejection (CC056C, CC057C), if rejected.
    pub errors: Vec<cats_domain::rules::RuleFailure>,
    /// Every message stored, the message in first.
    pub messages: Vec<StoredEntry>,
    /// `self` (the message in), the resource (`departure` or `arrival`), `messages`, `departure`.
    #[serde(rename = "_links")]
    pub links: std::collections::BTreeMap<String, Link>,
    /// `CONFLICT` when refused out of sequence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Why it was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// NCTS functional error code of the refusal (CL180).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<u8>,
}

/// `_links` of an arrival.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ArrivalLinks {
    /// The arrival.
    #[serde(rename = "self")]
    pub this: Link,
    /// Its messages.
    pub messages: Link,
    /// The departure movement.
    pub departure: Link,
}

/// An arrival: the movement seen from the office of destination.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ArrivalView {
    /// Same id as the departure.
    pub id: Uuid,
    /// MRN.
    pub mrn: Option<Mrn>,
    /// LRN.
    pub lrn: Lrn,
    /// State: `Arrived`, `GoodsReleased`, `Discrepancies`, `WrittenOff` …
    pub state: MovementState,
    /// Holder of the transit procedure.
    pub holder: Eori,
    /// Office of destination declared.
    pub office_of_destination_declared: OfficeRef,
    /// Office of destination where the arrival was notified.
    pub office_of_destination_actual: Option<OfficeRef>,
    /// When the arrival was notified (UTC).
    pub arrived: Option<DateTime<Utc>>,
    /// Control records at destination.
    pub controls: Vec<ControlView>,
    /// When lodged (UTC).
    pub created: DateTime<Utc>,
    /// When last changed (UTC).
    pub updated: DateTime<Utc>,
    /// Links.
    #[serde(rename = "_links")]
    pub links: ArrivalLinks,
}

/// A page of arrivals.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ArrivalList {
    /// Arrivals matching, over every page.
    pub total_count: u64,
    /// This page, from 1.
    pub page: u32,
    /// Arrivals per page.
    pub count: u32,
    /// This page's arrivals.
    pub arrivals: Vec<ArrivalView>,
    /// Links.
    #[serde(rename = "_links")]
    pub links: SelfLink,
}

/// `_links` of an arrival's message.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ArrivalMessageLinks {
    /// The message.
    #[serde(rename = "self")]
    pub this: Link,
    /// Its arrival.
    pub arrival: Link,
}

/// A message of an arrival.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ArrivalMessageEntry {
    /// Message id.
    pub id: Uuid,
    /// `CC007C`, `CC043C`, `CC044C`, `CC025C` …
    pub message_type: String,
    /// `inbound`, `outbound` or `customs`.
    #[schema(value_type = String)]
    pub direction: cats_app::store::Direction,
    /// When (UTC).
    pub received: DateTime<Utc>,
    /// Links.
    #[serde(rename = "_links")]
    pub links: ArrivalMessageLinks,
}

/// An arrival's messages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ArrivalMessageList {
    /// The rejected arrival notifications and everything from the arrival on.
    pub messages: Vec<ArrivalMessageEntry>,
    /// Links.
    #[serde(rename = "_links")]
    pub links: ArrivalMessageLinks,
}

/// A movement's control records.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ControlList {
    /// Numbered from 1 in the order recorded.
    pub controls: Vec<ControlView>,
}

/// Who did what to a movement.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditList {
    /// Newest first.
    pub audit: Vec<cats_app::store::AuditEntry>,
}
