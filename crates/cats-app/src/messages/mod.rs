//! Outgoing NCTS P5 messages (customs → holder), built as the HMRC JSON shape
//! (`{"n1:CC029C": {...}}`) from the movement and its declaration. `cats-ncts` turns them into XML.
//!
//! Every message type with an XSD in the NCTS P5 51.8.6 set (`/work/shared/ncts/xsd-p5`) is
//! shaped by the schema tables of [`cats_ncts::schema`] before it leaves [`build`] (see
//! [`conform`]): elements in `xs:sequence` order, elements the message type does not have dropped
//! (a CC015C group copied into a CC029C keeps only what the CC029C type has), optional groups
//! that would lack a required element dropped, texts cut to their maximum length. The values put
//! in are chosen to fit the facets and the code lists; the code list of every code is cited where
//! it is set. `crates/cats-app/tests/messages.rs` checks every message with `cats_ncts::validate`
//! and with `xmllint` against the XSD.
//!
//! CC140C (request on non-arrived movement) has no XSD in the 51.8.6 set: it is a CATS-internal
//! notification kept as JSON only, with the data of the DDNTA IE140 structure (Appendix Q2).

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use cats_domain::ids::{Mrn, OfficeRef};
use cats_domain::movement::{ControlType, Movement, MovementState};
use cats_domain::reference::Catalog;
use cats_domain::rules::RuleFailure;
use cats_ncts::schema::MessageType;

mod arrival;
mod conform;
mod nack;
mod notices;
mod rejections;
mod release;

use arrival::*;
use conform::*;
use nack::*;
use notices::*;
use rejections::*;
use release::*;

/// Everything a message may need besides the movement.
#[derive(Debug, Clone)]
pub struct OutContext<'a> {
    /// The movement after the action.
    pub movement: &'a Movement,
    /// The current CC015C content (HMRC JSON shape, without the root key; a document with the
    /// `n1:CC015C` root key is accepted too).
    pub declaration: &'a Value,
    /// When the message is produced.
    pub now: DateTime<Utc>,
    /// When the declaration was lodged.
    pub lodged_at: DateTime<Utc>,
    /// The office acting, when an office acts.
    pub office: Option<&'a OfficeRef>,
    /// Business-rule failures (CC056C, CC055C).
    pub failures: &'a [RuleFailure],
    /// Control proposed (CC060C).
    pub control_type: Option<ControlType>,
    /// Free text (incident, reason).
    pub text: Option<&'a str>,
    /// Message identification of the message this one answers (`correlationIdentifier`).
    pub correlation: Option<&'a str>,
    /// The reference catalogue, when at hand: the place of an incident (CC182C) is the UN/LOCODE
    /// of the office that registered it. Without it the office itself is given as the place.
    pub catalog: Option<&'a Catalog>,
}

fn dt(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S").to_string()
}

impl OutContext<'_> {
    /// The day of `at` at `office`, as NCTS writes a date (`YYYY-MM-DD`): the office's local day
    /// (its IANA time zone in the catalogue), the UTC day without a catalogue.
    fn day_at(&self, office: &OfficeRef, at: DateTime<Utc>) -> String {
        day(self
            .catalog
            .map_or(at.date_naive(), |c| c.local_day(office, at)))
    }

    /// The day of `at` at the office of departure.
    fn departure_day(&self, at: DateTime<Utc>) -> String {
        self.day_at(&self.movement.office_of_departure, at)
    }

    /// The day of `at` at the acting office (the office of departure when none acts).
    fn acting_day(&self, at: DateTime<Utc>) -> String {
        self.day_at(
            self.office.unwrap_or(&self.movement.office_of_departure),
            at,
        )
    }
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn office_ref(code: &OfficeRef) -> Value {
    json!({ "referenceNumber": code })
}

/// The CC015C body, whether `ctx.declaration` is the body or the whole document.
fn declaration<'a>(ctx: &OutContext<'a>) -> &'a Value {
    ctx.declaration.get("n1:CC015C").unwrap_or(ctx.declaration)
}

/// A group of the declaration, cloned (`Null` when absent).
fn declared(ctx: &OutContext, key: &str) -> Value {
    declaration(ctx).get(key).cloned().unwrap_or(Value::Null)
}

/// The holder as declared (identification number, TIR holder number, name, address, contact
/// person); each message keeps what its holder type has (G0868: the data as in the declaration).
/// The movement's holder stands in when the declaration gives no identification at all.
fn holder(ctx: &OutContext) -> Value {
    let mut h = match declaration(ctx).get("HolderOfTheTransitProcedure") {
        Some(Value::Object(o)) => o.clone(),
        _ => Map::new(),
    };
    if !h.contains_key("identificationNumber") && !h.contains_key("TIRHolderIdentificationNumber") {
        h.insert(
            "identificationNumber".into(),
            Value::String(ctx.movement.holder.to_string()),
        );
    }
    Value::Object(h)
}

/// `MRN` when the declaration was accepted (an MRN is allocated), `LRN` otherwise: NCTS
/// conditions C0467 (CC004C, CC009C, CC056C) and C0685 (CC060C) allow one of them, never both.
fn mrn_or_lrn(m: &Movement) -> (&'static str, Value) {
    match &m.mrn {
        Some(mrn) => ("MRN", Value::String(mrn.to_string())),
        None => ("LRN", Value::String(m.lrn.to_string())),
    }
}

/// The header every outgoing message starts with: phase, sender, recipient, time, a new message
/// identification, type, and the identification of the message answered. Returns the new
/// identification and the header.
fn header(
    message_type: &str,
    sender: String,
    recipient: String,
    now: DateTime<Utc>,
    correlation: Option<&str>,
) -> (String, Map<String, Value>) {
    let id = Uuid::new_v4().simple().to_string()[..20].to_string();
    let mut body = Map::new();
    body.insert("@PhaseID".into(), Value::String("NCTS5.0".into()));
    body.insert("messageSender".into(), Value::String(sender));
    body.insert("messageRecipient".into(), Value::String(recipient));
    body.insert("preparationDateAndTime".into(), Value::String(dt(now)));
    body.insert("messageIdentification".into(), Value::String(id.clone()));
    body.insert("messageType".into(), Value::String(message_type.into()));
    if let Some(c) = correlation {
        body.insert("correlationIdentifier".into(), Value::String(c.into()));
    }
    (id, body)
}

/// The message as sent: shaped to its type's structure ([`conform`]) under its root key
/// (`{"n1:CCnnnC": {...}}`).
fn finish(message_type: &str, body: Map<String, Value>) -> Value {
    let body = match MessageType::from_code(message_type) {
        Some(mt) => conform(mt.root(), &body).0,
        None => body,
    };
    let mut root = Map::new();
    root.insert(format!("n1:{message_type}"), Value::Object(body));
    Value::Object(root)
}

/// The CC057C answering an arrival notification (CC007C) for an MRN no movement of the trader
/// has (NCTS functional error 90). There is no movement to build it on: it names what the trader
/// sent, as sent (`mrn`, `office`, the trader's identification number). Returns its
/// identification and the message.
pub fn unknown_mrn_rejection(
    mrn: &str,
    office: &str,
    trader: &str,
    failures: &[RuleFailure],
    correlation: &str,
    now: DateTime<Utc>,
) -> (String, Value) {
    let (id, mut body) = header(
        "CC057C",
        String::new(),
        trader.into(),
        now,
        Some(correlation),
    );
    let reason = rejection_reason_of(failures, None);
    body.extend(destination_rejection_parts(
        office, mrn, trader, failures, reason, now,
    ));
    (id, finish("CC057C", body))
}

/// Build the message `message_type` for `ctx`. Returns the message identification and the whole
/// message (`{"n1:CCnnnC": {...}}`).
pub fn build(message_type: &str, ctx: &OutContext) -> (String, Value) {
    let m = ctx.movement;
    // Messages about a movement without an MRN (a rejected declaration) name its LRN instead.
    let mrn = m.mrn.as_ref().map_or("", Mrn::as_str);
    let (id, mut body) = header(
        message_type,
        format!("NTA.{}", m.office_of_departure.country()),
        m.holder.to_string(),
        ctx.now,
        ctx.correlation,
    );
    let departure = office_ref(&m.office_of_departure);
    let rest = match message_type {
        "CC928C" => json!({
            "TransitOperation": { "LRN": m.lrn },
            "CustomsOfficeOfDeparture": departure,
            "HolderOfTheTransitProcedure": holder(ctx),
        }),
        "CC028C" => json!({
            "TransitOperation": { "LRN": m.lrn, "MRN": mrn, "declarationAcceptanceDate": ctx.departure_day(ctx.lodged_at) },
            "CustomsOfficeOfDeparture": departure,
            "HolderOfTheTransitProcedure": holder(ctx),
        }),
        "CC056C" => rejection(ctx),
        "CC055C" => guarantee_not_valid(ctx, mrn),
        "CC060C" => control_decision(ctx),
        "CC051C" => no_release(ctx, mrn),
        "CC029C" => release_for_transit(ctx, mrn),
        "CC009C" => {
            let (key, reference) = mrn_or_lrn(m);
            let decision = if m.state == MovementState::Invalidated {
                "1"
            } else {
                "0"
            };
            let justification = ctx.text.unwrap_or(if decision == "1" {
                "cancellation granted at the office of departure"
            } else {
                "cancellation refused at the office of departure"
            });
            // initiatedByCustoms (CL027 flag) 0: the cancellation follows the holder's request
            // (CC014C). Its time (requestDateAndTime, C0129) is not part of the movement and is
            // left out.
            json!({
                "TransitOperation": { key: reference },
                "Invalidation": { "decisionDateAndTime": dt(ctx.now), "decision": decision, "initiatedByCustoms": "0", "justification": justification },
                "CustomsOfficeOfDeparture": departure,
                "HolderOfTheTransitProcedure": holder(ctx),
            })
        }
        "CC182C" => incident(ctx, mrn),
        "CC025C" => {
            let office = ctx
                .office
                .or(m.arrival_office.as_ref())
                .unwrap_or(&m.office_of_destination);
            // releaseIndicator, CL164 (ReleaseNotification): 1, the goods are released. 2 and 3
            // need the release type of every house consignment and item (C0352), which CATS
            // does not record; discrepancies found at destination go to the holder in CC019C.
            json!({
                "TransitOperation": { "MRN": mrn, "releaseDate": ctx.day_at(office, ctx.now), "releaseIndicator": "1" },
                "CustomsOfficeOfDestinationActual": office_ref(office),
                "TraderAtDestination": { "identificationNumber": m.holder },
            })
        }
        "CC019C" => {
            // The latest not-satisfactory control after release (en route or at destination),
            // with its findings.
            let text = m
                .discrepancy_control()
                .map(|c| c.summary())
                .unwrap_or_else(|| {
                    "not satisfactory control result (B1) at the office of destination".into()
                });
            json!({
                "TransitOperation": { "MRN": mrn, "discrepanciesNotificationDate": ctx.acting_day(ctx.now), "discrepanciesNotificationText": ctx.text.unwrap_or(&text) },
                "CustomsOfficeOfDeparture": departure,
                "HolderOfTheTransitProcedure": holder(ctx),
            })
        }
        "CC045C" => json!({
            "TransitOperation": { "MRN": mrn, "writeOffDate": ctx.departure_day(ctx.now) },
            "CustomsOfficeOfDeparture": departure,
            "HolderOfTheTransitProcedure": holder(ctx),
        }),
        "CC004C" => {
            let (key, reference) = mrn_or_lrn(m);
            json!({
                "TransitOperation": { key: reference, "amendmentSubmissionDateAndTime": dt(ctx.now), "amendmentAcceptanceDateAndTime": dt(ctx.now) },
                "CustomsOfficeOfDeparture": departure,
                "HolderOfTheTransitProcedure": holder(ctx),
            })
        }
        "CC035C" => recovery(ctx, mrn),
        "CC140C" => request_on_non_arrived_movement(ctx, mrn),
        "CC043C" => unloading_permission(ctx, mrn),
        "CC057C" => destination_rejection(ctx, mrn),
        "CC917C" => xml_nack(ctx),
        "CC906C" => functional_nack(ctx),
        _ => json!({
            "TransitOperation": { "MRN": mrn },
            "CustomsOfficeOfDeparture": departure,
            "HolderOfTheTransitProcedure": holder(ctx),
        }),
    };
    if let Value::Object(rest) = rest {
        body.extend(rest);
    }
    // The representative as declared, where the message has one (CC029C, CC051C, CC056C, CC060C).
    let has_representative = MessageType::from_code(message_type)
        .is_some_and(|mt| mt.root().child("Representative").is_some());
    if has_representative && !body.contains_key("Representative") {
        if let Some(r) = declaration(ctx).get("Representative") {
            body.insert("Representative".into(), r.clone());
        }
    }
    (id, finish(message_type, body))
}
