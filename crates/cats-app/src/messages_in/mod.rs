//! NCTS P5 messages from the holder to a lodged movement, as the HMRC CTC Traders API takes them
//! (`POST /movements/departures/{id}/messages`): CC013C declaration amendment, CC014C
//! invalidation request, CC170C presentation notification of a pre-lodged declaration. The
//! arrival side (CC007C, CC044C) is in [`crate::arrivals`].
//!
//! Every message in is read and validated by `cats_ncts::read` (every structural error, with its
//! pointer), kept unchanged in the movement's history, and answered there: a CC056C lists every
//! functional error (code 93 invalid MRN, 12 a reference that is not the movement's, 92 out of
//! sequence, business rules by id). A message the movement's state does not allow is kept with
//! its CC056C (error 92) and the request is refused (HTTP 409).

mod amendment;
mod invalidation;
mod nack;
mod presentation;
mod read;

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use cats_domain::declaration::Cc015c;
use cats_domain::movement::{decide, Action, Effect, Movement, MovementState, TransitionError};
use cats_domain::risk;
use cats_domain::rules::{self, RuleFailure};
use cats_ncts::{Format, MessageType};

use crate::app::{Actor, App};
use crate::auth::Role;
use crate::error::AppError;
use crate::history::{outbound, Extra};
use crate::store::{LedgerOp, MovementRecord, NewMessage};

pub use read::{read_message, Incoming};

/// The message types `POST /movements/departures/{id}/messages` accepts.
pub const DEPARTURE_MESSAGES: [MessageType; 3] = [
    MessageType::CC013C,
    MessageType::CC014C,
    MessageType::CC170C,
];

/// What a message in did to its movement.
#[derive(Debug, Clone)]
pub struct Received {
    /// The movement as stored afterwards.
    pub record: MovementRecord,
    /// The type of the message in (`CC013C`).
    pub message_type: String,
    /// The messages stored, in order, the message in first: id and type.
    pub messages: Vec<(Uuid, String)>,
    /// The functional errors of the rejection (CC056C or CC057C) answering it, if rejected.
    pub failures: Vec<RuleFailure>,
    /// Set when the message was out of sequence: it is kept with its rejection (error 92) and
    /// the request is refused (HTTP 409).
    pub refused: Option<TransitionError>,
}

impl Received {
    pub(crate) fn new(
        record: MovementRecord,
        message_type: &str,
        messages: Vec<(Uuid, String)>,
        failures: Vec<RuleFailure>,
        refused: Option<TransitionError>,
    ) -> Self {
        Received {
            record,
            message_type: message_type.into(),
            messages,
            failures,
            refused,
        }
    }

    /// The id of the message in.
    pub fn message_id(&self) -> Uuid {
        self.messages.first().map(|(id, _)| *id).unwrap_or_default()
    }
}

/// Take a message from the holder for departure movement `id`: CC013C, CC014C or CC170C (see
/// the module documentation). Errors: a body that is not one of these messages or not
/// well-formed (400, every error), not found or not visible (404), not the holder (403).
pub async fn departure_message(
    app: &App,
    actor: &Actor,
    id: Uuid,
    body: &[u8],
    format: Format,
    now: DateTime<Utc>,
) -> Result<Received, AppError> {
    let record = crate::act::load_visible(app, actor, id).await?;
    holder_only(actor, &record.movement, "send messages about this movement")?;
    let incoming = match read_message(body, format, &DEPARTURE_MESSAGES) {
        Ok(incoming) => incoming,
        Err(e) => {
            nack::keep(app, actor, record, body, format, &e, now).await?;
            return Err(e);
        }
    };
    match incoming.message_type.code() {
        "CC013C" => amendment::amend(app, actor, id, &incoming, now).await,
        "CC014C" => invalidation::request(app, actor, id, &incoming, now).await,
        _ => presentation::notify(app, actor, id, &incoming, now).await,
    }
}

/// The holder's trader user (or the node itself) may send messages for the movement; anyone
/// else is refused.
pub(crate) fn holder_only(actor: &Actor, m: &Movement, what: &str) -> Result<(), AppError> {
    match actor.user() {
        Some(u) if u.role != Role::Trader || !u.is_of(&m.holder) => Err(AppError::Forbidden(
            format!("only the holder of the transit procedure may {what}"),
        )),
        _ => Ok(()),
    }
}

/// A functional error of a message in.
pub(crate) fn failure(error_code: u16, pointer: String, reason: String) -> RuleFailure {
    RuleFailure {
        rule_id: "N/A".into(),
        error_code,
        pointer,
        reason,
    }
}

/// C0467 and the movement's references: a message names the movement by its MRN or its LRN,
/// never both (13 when neither, 15 when both); an MRN other than the movement's is code 93
/// (invalid MRN), an LRN other than the movement's code 12.
pub(crate) fn reference_failures(incoming: &Incoming, m: &Movement) -> Vec<RuleFailure> {
    let code = incoming.message_type.code();
    let op = incoming.body().get("TransitOperation");
    let get = |k: &str| op.and_then(|o| o.get(k)).and_then(Value::as_str);
    let at = |k: &str| format!("/{code}/TransitOperation/{k}");
    let (mrn, lrn) = (get("MRN"), get("LRN"));
    let mut out = Vec::new();
    match (mrn, lrn) {
        (None, None) => out.push(RuleFailure {
            rule_id: "C0467".into(),
            error_code: 13,
            pointer: at("MRN"),
            reason: "the MRN (once allocated) or the LRN of the declaration is required".into(),
        }),
        (Some(_), Some(_)) => out.push(RuleFailure {
            rule_id: "C0467".into(),
            error_code: 15,
            pointer: at("LRN"),
            reason: "give the MRN or the LRN, not both".into(),
        }),
        _ => {}
    }
    if let Some(mrn) = mrn {
        if m.mrn.as_ref().is_none_or(|m| m != mrn) {
            let reason = format!(
                "MRN {mrn} is not this movement's ({})",
                m.mrn.as_ref().map_or("none allocated", |m| m.as_str())
            );
            out.push(failure(93, at("MRN"), reason));
        }
    }
    if let Some(lrn) = lrn {
        if lrn != m.lrn {
            let reason = format!("LRN {lrn} is not this movement's ({})", m.lrn);
            out.push(failure(12, at("LRN"), reason));
        }
    }
    out
}

/// The office of departure and the holder named in a message must be the movement's (code 12).
pub(crate) fn party_failures(incoming: &Incoming, m: &Movement) -> Vec<RuleFailure> {
    let code = incoming.message_type.code();
    let body = incoming.body();
    let mut out = Vec::new();
    let office = body
        .pointer("/CustomsOfficeOfDeparture/referenceNumber")
        .and_then(Value::as_str);
    if let Some(office) = office.filter(|o| *o != m.office_of_departure) {
        out.push(failure(
            12,
            format!("/{code}/CustomsOfficeOfDeparture/referenceNumber"),
            format!(
                "office {office} is not the movement's office of departure ({})",
                m.office_of_departure
            ),
        ));
    }
    let holder = body
        .pointer("/HolderOfTheTransitProcedure/identificationNumber")
        .and_then(Value::as_str);
    if let Some(holder) = holder.filter(|h| *h != m.holder) {
        out.push(failure(
            12,
            format!("/{code}/HolderOfTheTransitProcedure/identificationNumber"),
            format!("{holder} is not the movement's holder ({})", m.holder),
        ));
    }
    out
}

/// The movement after a series of actions, with what their effects produce.
#[derive(Debug, Clone)]
pub(crate) struct Applied {
    /// The movement after the last action.
    pub movement: Movement,
    /// The outgoing messages of the effects, in order.
    pub messages: Vec<NewMessage>,
    /// The ledger operations of the effects, in order.
    pub ledger: Vec<LedgerOp>,
    /// Each action's transition, for the audit log.
    pub detail: String,
}

/// Decide `actions` one after the other on the movement of `record`, as an officer's action
/// would be ([`crate::act::act`]): the outgoing messages their effects ask for (answering
/// `correlation`, with `text` where a message has one), the ledger operations, and CATS's risk
/// selection where goods are presented (arrival, presentation of a pre-lodged declaration), read
/// from `declaration` (with the AEO benefit when `aeo`: the holder is an AEO on the day).
/// `policy` is the risk policy in force ([`crate::risk_profiles::policy_now`]).
/// Nothing is stored. Errors: the first refusal.
#[allow(clippy::too_many_arguments)]
pub(crate) fn apply(
    app: &App,
    policy: &cats_domain::risk::RiskPolicy,
    record: &MovementRecord,
    declaration: &Value,
    actions: &[Action],
    now: DateTime<Utc>,
    correlation: Option<&str>,
    text: Option<&str>,
    aeo: bool,
) -> Result<Applied, TransitionError> {
    let catalog = app.catalog();
    let mut movement = record.movement.clone();
    let mut messages = Vec::new();
    let mut ledger = Vec::new();
    let mut steps = Vec::new();
    for action in actions {
        let before = movement.state;
        let decision = decide(&movement, action, now, &catalog)?;
        movement = decision.movement;
        if let (
            Action::Arrival { office } | Action::PresentationNotification { office },
            Some(mrn),
        ) = (action, movement.mrn.clone())
        {
            let declared = serde_json::from_value::<Cc015c>(declaration.clone());
            if let Some(declared) = declared.ok().and_then(|d| rules::facts(&d).ok()) {
                let mut facts = declared.risk_facts();
                facts.aeo = aeo;
                facts.day = Some(now.date_naive());
                let selection = risk::select_recognising(
                    policy,
                    &catalog,
                    office,
                    &mrn,
                    &facts,
                    &movement.controls,
                );
                movement.risk.push(selection);
            }
        }
        let control_type = match action {
            Action::ControlResult { control_type, .. } => Some(*control_type),
            _ => None,
        };
        let extra = Extra {
            office: action.office(),
            text,
            control_type,
            catalog: Some(catalog.as_ref()),
        };
        for effect in &decision.effects {
            match effect {
                Effect::Message { message_type } => {
                    // Goods released then written off at once: the CC025C shows GoodsReleased.
                    let mut shown = movement.clone();
                    if message_type == "CC025C" && movement.state == MovementState::WrittenOff {
                        shown.state = MovementState::GoodsReleased;
                    }
                    messages.push(outbound(
                        &shown,
                        declaration,
                        now,
                        record.created_at,
                        message_type,
                        &[],
                        correlation,
                        Some(&extra),
                    ));
                }
                Effect::Reserve => {
                    // Release is an officer's action (`act`, which converts and applies the AEO
                    // share); no trader message releases, so this is never reached in practice.
                    for g in &movement.guarantees {
                        ledger.push(LedgerOp::Reserve {
                            grn: g.grn.clone(),
                            amount_minor: g.amount.to_minor_units(),
                            basis: Default::default(),
                        });
                    }
                }
                Effect::Credit => ledger.push(LedgerOp::Credit),
                Effect::Claim => ledger.push(LedgerOp::Claim),
            }
        }
        steps.push(format!(
            "{} at {}: {before} → {}",
            action.name(),
            action.office().map_or("-", |o| o.as_str()),
            movement.state
        ));
    }
    Ok(Applied {
        movement,
        messages,
        ledger,
        detail: steps.join("; "),
    })
}
