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

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use cats_domain::movement::{ControlResultCode, ControlType, Movement, MovementState, Stage};
use cats_domain::reference::Catalog;
use cats_domain::rules::RuleFailure;
use cats_ncts::schema::{ComplexType, Element, MessageType, SimpleType};

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
    pub office: Option<&'a str>,
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

fn date(at: DateTime<Utc>) -> String {
    day(at.date_naive())
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn office_ref(code: &str) -> Value {
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
            Value::String(ctx.movement.holder.clone()),
        );
    }
    Value::Object(h)
}

/// `MRN` when the declaration was accepted (an MRN is allocated), `LRN` otherwise: NCTS
/// conditions C0467 (CC004C, CC009C, CC056C) and C0685 (CC060C) allow one of them, never both.
fn mrn_or_lrn(m: &Movement) -> (&'static str, Value) {
    match &m.mrn {
        Some(mrn) => ("MRN", Value::String(mrn.clone())),
        None => ("LRN", Value::String(m.lrn.clone())),
    }
}

/// Build the message `message_type` for `ctx`. Returns the message identification and the whole
/// message (`{"n1:CCnnnC": {...}}`).
pub fn build(message_type: &str, ctx: &OutContext) -> (String, Value) {
    let m = ctx.movement;
    let mrn = m.mrn.clone().unwrap_or_default();
    let id = Uuid::new_v4().simple().to_string()[..20].to_string();
    let mut body = Map::new();
    body.insert("@PhaseID".into(), Value::String("NCTS5.0".into()));
    let departure_country = m.office_of_departure.get(..2).unwrap_or("XX");
    body.insert(
        "messageSender".into(),
        Value::String(format!("NTA.{departure_country}")),
    );
    body.insert("messageRecipient".into(), Value::String(m.holder.clone()));
    body.insert("preparationDateAndTime".into(), Value::String(dt(ctx.now)));
    body.insert("messageIdentification".into(), Value::String(id.clone()));
    body.insert("messageType".into(), Value::String(message_type.into()));
    if let Some(c) = ctx.correlation {
        body.insert("correlationIdentifier".into(), Value::String(c.into()));
    }
    let departure = office_ref(&m.office_of_departure);
    let rest = match message_type {
        "CC928C" => json!({
            "TransitOperation": { "LRN": m.lrn },
            "CustomsOfficeOfDeparture": departure,
            "HolderOfTheTransitProcedure": holder(ctx),
        }),
        "CC028C" => json!({
            "TransitOperation": { "LRN": m.lrn, "MRN": mrn, "declarationAcceptanceDate": date(ctx.lodged_at) },
            "CustomsOfficeOfDeparture": departure,
            "HolderOfTheTransitProcedure": holder(ctx),
        }),
        "CC056C" => rejection(ctx),
        "CC055C" => guarantee_not_valid(ctx, &mrn),
        "CC060C" => control_decision(ctx),
        "CC051C" => no_release(ctx, &mrn),
        "CC029C" => release_for_transit(ctx, &mrn),
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
        "CC182C" => incident(ctx, &mrn),
        "CC025C" => {
            let office = ctx
                .office
                .or(m.arrival_office.as_deref())
                .unwrap_or(&m.office_of_destination);
            // releaseIndicator, CL164 (ReleaseNotification): 1, the goods are released. 2 and 3
            // need the release type of every house consignment and item (C0352), which CATS
            // does not record; discrepancies found at destination go to the holder in CC019C.
            json!({
                "TransitOperation": { "MRN": mrn, "releaseDate": date(ctx.now), "releaseIndicator": "1" },
                "CustomsOfficeOfDestinationActual": office_ref(office),
                "TraderAtDestination": { "identificationNumber": m.holder },
            })
        }
        "CC019C" => {
            let text = m
                .controls
                .iter()
                .rev()
                .find(|c| c.stage == Stage::Destination && !c.result.is_satisfactory())
                .map(|c| {
                    format!(
                        "not satisfactory control result (B1) at the office of destination {} on {} after a {} control",
                        c.office,
                        date(c.at),
                        c.control_type.as_str()
                    )
                })
                .unwrap_or_else(|| {
                    "not satisfactory control result (B1) at the office of destination".into()
                });
            json!({
                "TransitOperation": { "MRN": mrn, "discrepanciesNotificationDate": date(ctx.now), "discrepanciesNotificationText": ctx.text.unwrap_or(&text) },
                "CustomsOfficeOfDeparture": departure,
                "HolderOfTheTransitProcedure": holder(ctx),
            })
        }
        "CC045C" => json!({
            "TransitOperation": { "MRN": mrn, "writeOffDate": date(ctx.now) },
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
        "CC035C" => recovery(ctx, &mrn),
        "CC140C" => request_on_non_arrived_movement(ctx, &mrn),
        _ => json!({
            "TransitOperation": { "MRN": mrn },
            "CustomsOfficeOfDeparture": departure,
            "HolderOfTheTransitProcedure": holder(ctx),
        }),
    };
    if let Value::Object(rest) = rest {
        body.extend(rest);
    }
    let body = match MessageType::from_code(message_type) {
        Some(mt) => {
            let root = mt.root();
            // The representative as declared, where the message has one (CC029C, CC051C,
            // CC056C, CC060C).
            if root.child("Representative").is_some() && !body.contains_key("Representative") {
                if let Some(r) = declaration(ctx).get("Representative") {
                    body.insert("Representative".into(), r.clone());
                }
            }
            conform(root, &body).0
        }
        None => body,
    };
    let mut root = Map::new();
    root.insert(format!("n1:{message_type}"), Value::Object(body));
    (id, Value::Object(root))
}

/// CC056C: every business-rule failure as a functional error.
fn rejection(ctx: &OutContext) -> Value {
    let m = ctx.movement;
    let errors: Vec<Value> = ctx
        .failures
        .iter()
        .take(9999)
        .map(|f| {
            let mut e = Map::new();
            let pointer = if f.pointer.trim().is_empty() {
                "/CC015C"
            } else {
                f.pointer.as_str()
            };
            e.insert("errorPointer".into(), Value::String(pointer.into()));
            e.insert(
                "errorCode".into(),
                Value::String(functional_error_code(f.error_code).into()),
            );
            // errorReason is an..7: the rule id (CATS rule ids and NCTS rule numbers fit).
            e.insert("errorReason".into(), Value::String(f.rule_id.clone()));
            // The value as sent, for a rejected declaration. An amendment's rejection is built
            // with the declaration in force, not the rejected amendment, so its values are not
            // the holder's and are left out.
            if m.mrn.is_none() {
                if let Some(original) = original_value(declaration(ctx), pointer) {
                    e.insert("originalAttributeValue".into(), Value::String(original));
                }
            }
            Value::Object(e)
        })
        .collect();
    let (key, reference) = mrn_or_lrn(m);
    let mut op = Map::new();
    op.insert(key.into(), reference);
    // businessRejectionType, CL560 (BusinessRejectionTypeDepExp): 013 amendment rejection
    // (the movement already has an MRN), 015 declaration rejection.
    op.insert(
        "businessRejectionType".into(),
        Value::String(if m.mrn.is_some() { "013" } else { "015" }.into()),
    );
    op.insert("rejectionDateAndTime".into(), Value::String(dt(ctx.now)));
    // rejectionCode, CL226 (RejectionCodeDepartureExport): 12 message with functional errors
    // (listed in FunctionalError); 4 other reasons, which needs rejectionReason (C0492).
    op.insert(
        "rejectionCode".into(),
        Value::String(if errors.is_empty() { "4" } else { "12" }.into()),
    );
    op.insert(
        "rejectionReason".into(),
        Value::String(rejection_reason(ctx)),
    );
    let mut out = Map::new();
    out.insert("TransitOperation".into(), Value::Object(op));
    out.insert(
        "CustomsOfficeOfDeparture".into(),
        office_ref(&m.office_of_departure),
    );
    out.insert("HolderOfTheTransitProcedure".into(), holder(ctx));
    if !errors.is_empty() {
        out.insert("FunctionalError".into(), Value::Array(errors));
    }
    Value::Object(out)
}

/// The failures in words (rejectionReason, an..512; [`conform`] cuts it to length).
fn rejection_reason(ctx: &OutContext) -> String {
    match ctx.failures {
        [] => ctx
            .text
            .unwrap_or("the declaration cannot be accepted")
            .to_string(),
        [f] => format!("{}: {}", f.rule_id, f.reason),
        many => {
            let listed: Vec<String> = many
                .iter()
                .map(|f| format!("{}: {}", f.rule_id, f.reason))
                .collect();
            format!(
                "{} business rules failed. {}",
                many.len(),
                listed.join("; ")
            )
        }
    }
}

/// NCTS functional error code, CL180 (AesNctsP5FunctionalErrorCodes, `tcl.xsd`): the rule's own
/// code when it is one of the list, otherwise 14 (rule violation).
fn functional_error_code(code: u16) -> &'static str {
    match code {
        12 => "12",
        13 => "13",
        15 => "15",
        26 => "26",
        50 => "50",
        51 => "51",
        52 => "52",
        90 => "90",
        92 => "92",
        93 => "93",
        _ => "14",
    }
}

/// The value at `pointer` (`/CC015C/Consignment/HouseConsignment[1]/grossMass`) in the
/// declaration, when it is a single value: NCTS `originalAttributeValue`.
fn original_value(declaration: &Value, pointer: &str) -> Option<String> {
    let mut at = declaration;
    for (i, segment) in pointer.split('/').filter(|s| !s.is_empty()).enumerate() {
        let (name, index) = match segment.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (segment, None),
        };
        if i == 0 && name.starts_with("CC") && at.get(name).is_none() {
            continue;
        }
        at = at.get(name)?;
        if let Value::Array(items) = at {
            at = match index {
                Some(n) => items.get(n.checked_sub(1)?)?,
                None if items.len() == 1 => &items[0],
                None => return None,
            };
        }
    }
    match at {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The GRN of the guarantee reference a pointer such as
/// `/CC015C/Guarantee[1]/GuaranteeReference[2]/accessCode` points into.
fn grn_at(declaration: &Value, pointer: &str) -> Option<String> {
    let start = pointer.find("/Guarantee[")?;
    let rest = &pointer[start..];
    let end = rest
        .find("/GuaranteeReference[")
        .and_then(|i| rest[i..].find(']').map(|j| i + j + 1))?;
    original_value(declaration, &format!("{}/GRN", &rest[..end]))
}

/// InvalidGuaranteeReason/code, CL252 (InvalidGuaranteeReason): G01 guarantee does not exist
/// (CATS016), G03 access code not valid (CATS017), G04 holder of the guarantee is not the holder
/// of the transit procedure (CATS020), G02 guarantee exists but is not valid for this movement
/// (not valid on the day or in a route country, or the amount to be covered cannot be reserved).
fn invalid_guarantee_code(rule_id: &str) -> &'static str {
    match rule_id {
        "CATS016" => "G01",
        "CATS017" => "G03",
        "CATS020" => "G04",
        _ => "G02",
    }
}

/// CC055C: the guarantee references that cannot cover the movement, with the reasons.
fn guarantee_not_valid(ctx: &OutContext, mrn: &str) -> Value {
    let m = ctx.movement;
    let d = declaration(ctx);
    let mut grns: Vec<String> = Vec::new();
    for g in &m.guarantees {
        if !grns.contains(&g.grn) {
            grns.push(g.grn.clone());
        }
    }
    let declared_grns = d
        .get("Guarantee")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|g| g.get("GuaranteeReference").and_then(Value::as_array))
        .flatten()
        .filter_map(|r| r.get("GRN").and_then(Value::as_str));
    for grn in declared_grns {
        if !grns.iter().any(|g| g == grn) {
            grns.push(grn.to_string());
        }
    }
    let reasons_for = |grn: &str| -> Vec<Value> {
        ctx.failures
            .iter()
            .filter(|f| {
                grn_at(d, &f.pointer).map_or_else(|| f.reason.contains(grn), |g| g == grn)
            })
            .take(9)
            .enumerate()
            .map(|(j, f)| {
                json!({ "sequenceNumber": j + 1, "code": invalid_guarantee_code(&f.rule_id), "text": f.reason })
            })
            .collect()
    };
    let mut listed: Vec<(String, Vec<Value>)> = grns
        .iter()
        .map(|grn| (grn.clone(), reasons_for(grn)))
        .filter(|(_, reasons)| !reasons.is_empty())
        .collect();
    if listed.is_empty() {
        // No failure names a guarantee (e.g. the reservation at release failed): every
        // guarantee reference of the movement, with the reason given.
        let text = ctx
            .text
            .unwrap_or("the amount to be covered exceeds the amount available");
        let reason = vec![json!({ "sequenceNumber": 1, "code": "G02", "text": text })];
        listed = grns.iter().map(|g| (g.clone(), reason.clone())).collect();
    }
    let refs: Vec<Value> = listed
        .into_iter()
        .take(99)
        .enumerate()
        .map(|(i, (grn, reasons))| {
            json!({ "sequenceNumber": i + 1, "GRN": grn, "InvalidGuaranteeReason": reasons })
        })
        .collect();
    json!({
        "TransitOperation": { "MRN": mrn, "declarationAcceptanceDate": date(ctx.lodged_at) },
        "CustomsOfficeOfDeparture": office_ref(&m.office_of_departure),
        "HolderOfTheTransitProcedure": holder(ctx),
        "GuaranteeReference": refs,
    })
}

/// TypeOfControls/type, CL716 (ControlType): 10 documentary controls, 44 intrusive (physical
/// examination of the goods), 50 other, which needs a text (C0451): scanning (non-intrusive
/// inspection) and the check of the seals are given as 50 with their name.
fn control_code(t: ControlType) -> (&'static str, &'static str) {
    match t {
        ControlType::Documentary => ("10", "documentary control"),
        ControlType::Physical => ("44", "physical examination of the goods"),
        ControlType::Scanning => ("50", "scanning (non-intrusive inspection)"),
        ControlType::Seals => ("50", "check of the seals"),
    }
}

/// CC060C: the control decided at departure.
fn control_decision(ctx: &OutContext) -> Value {
    let m = ctx.movement;
    let control = ctx.control_type.or(m.control_pending).unwrap_or_default();
    let (code, text) = control_code(control);
    let (key, reference) = mrn_or_lrn(m);
    // notificationType, CL384 (NotificationType): 0, intention to control with the types of
    // control listed (C0452: types of controls are required for 0, not allowed for 1 and 2;
    // C0455: requested documents are required for 1).
    json!({
        "TransitOperation": { key: reference, "controlNotificationDateAndTime": dt(ctx.now), "notificationType": "0" },
        "CustomsOfficeOfDeparture": office_ref(&m.office_of_departure),
        "HolderOfTheTransitProcedure": holder(ctx),
        "TypeOfControls": [{ "sequenceNumber": 1, "type": code, "text": text }],
    })
}

/// CC051C: not released after a not-satisfactory control at departure.
fn no_release(ctx: &OutContext, mrn: &str) -> Value {
    let m = ctx.movement;
    let text = ctx.text.map(str::to_string).unwrap_or_else(|| {
        m.controls
            .iter()
            .rev()
            .find(|c| c.stage == Stage::Departure && !c.result.is_satisfactory())
            .map(|c| {
                format!(
                    "control result not satisfactory (B1) at {} on {} after a {} control",
                    c.office,
                    date(c.at),
                    c.control_type.as_str()
                )
            })
            .unwrap_or_else(|| "control result not satisfactory (B1)".into())
    });
    // noReleaseMotivationCode, CL211 (NoReleaseMotivation), an2: B1, the not-satisfactory
    // control result that stops the movement.
    json!({
        "TransitOperation": { "MRN": mrn, "declarationSubmissionDateAndTime": dt(ctx.lodged_at), "noReleaseMotivationCode": "B1", "noReleaseMotivationText": text },
        "CustomsOfficeOfDeparture": office_ref(&m.office_of_departure),
        "HolderOfTheTransitProcedure": holder(ctx),
    })
}

/// CC182C: the incident registered en route.
fn incident(ctx: &OutContext, mrn: &str) -> Value {
    let m = ctx.movement;
    let last = m.incidents.last();
    let office = ctx
        .office
        .map(str::to_string)
        .or_else(|| last.map(|(o, _)| o.clone()))
        .unwrap_or_else(|| m.office_of_departure.clone());
    let text = ctx
        .text
        .map(str::to_string)
        .or_else(|| last.map(|(_, t)| t.clone()))
        .unwrap_or_else(|| "incident en route".into());
    // Incident/code, CL019 (IncidentCode): 5, an incident or accident other than those of codes
    // 1-4 and 6 (deviation from the itinerary, seals broken, transhipment, imminent danger,
    // change of the means of transport). Codes 2, 3, 4 and 6 need transport equipment or
    // transhipment data (C0240) that an officer's free text does not give.
    json!({
        "TransitOperation": { "MRN": mrn, "incidentNotificationDateAndTime": dt(ctx.now) },
        "CustomsOfficeOfDeparture": office_ref(&m.office_of_departure),
        "CustomsOfficeOfIncidentRegistration": office_ref(&office),
        "Consignment": { "Incident": [{
            "sequenceNumber": 1,
            "code": "5",
            "text": text,
            "Location": incident_location(ctx, &office),
        }] },
    })
}

/// Incident/Location: the place of the office that registered the incident.
/// qualifierOfIdentification, CL038 (QualifierOfIdentificationIncident): U, by UN/LOCODE, when
/// the catalogue gives the office's; otherwise Z, by address, the office itself (C0460: U needs
/// the UN/LOCODE, Z the address).
fn incident_location(ctx: &OutContext, office: &str) -> Value {
    let found = ctx.catalog.and_then(|c| c.office(office));
    let country = found
        .map(|o| o.country.clone())
        .unwrap_or_else(|| office.get(..2).unwrap_or("XX").to_string());
    match found.and_then(|o| o.unlocode.clone()) {
        Some(unlocode) => json!({
            "qualifierOfIdentification": "U",
            "UNLocode": unlocode,
            "country": country,
        }),
        None => json!({
            "qualifierOfIdentification": "Z",
            "country": country,
            "Address": {
                "streetAndNumber": format!("Customs office {office}"),
                "city": found.map_or(office, |o| o.name()),
            },
        }),
    }
}

/// CC035C: recovery opened; the amount claimed is the amount to be covered of the guarantees in
/// the currency of the first one.
fn recovery(ctx: &OutContext, mrn: &str) -> Value {
    let m = ctx.movement;
    let currency = m
        .guarantees
        .first()
        .map(|g| g.currency.clone())
        .unwrap_or_default();
    let total: Decimal = m
        .guarantees
        .iter()
        .filter(|g| g.currency == currency)
        .map(|g| g.amount)
        .sum();
    let office = ctx.office.unwrap_or(&m.office_of_departure);
    json!({
        "TransitOperation": { "MRN": mrn, "declarationAcceptanceDate": date(ctx.lodged_at) },
        "RecoveryNotification": {
            "recoveryNotificationDate": date(ctx.now),
            "recoveryNotificationText": ctx.text.unwrap_or("no arrival by the time limit; enquiry without result"),
            "amountClaimed": total.round_dp(2),
            "currency": currency,
        },
        "CustomsOfficeOfDeparture": office_ref(&m.office_of_departure),
        "CustomsOfficeOfRecoveryAtDeparture": office_ref(office),
        "HolderOfTheTransitProcedure": holder(ctx),
    })
}

/// CC140C, request on non-arrived movement. No XSD for it is in the NCTS P5 51.8.6 set, so it
/// is a CATS-internal notification kept as JSON only (the API answers 406 for XML); its data are
/// those of the DDNTA IE140 (Appendix Q2): MRN, date of the request, limit for the holder's
/// response (28 days, UCC IA Art. 310(1)), office of departure, office of enquiry at departure,
/// holder (identification, name, address).
fn request_on_non_arrived_movement(ctx: &OutContext, mrn: &str) -> Value {
    let m = ctx.movement;
    let mut h = Map::new();
    if let Value::Object(declared) = holder(ctx) {
        for key in [
            "identificationNumber",
            "TIRHolderIdentificationNumber",
            "name",
            "Address",
        ] {
            if let Some(v) = declared.get(key) {
                h.insert(key.into(), v.clone());
            }
        }
    }
    json!({
        "TransitOperation": {
            "MRN": mrn,
            "requestOnNonArrivedMovementDate": date(ctx.now),
            "limitForResponseDate": date(ctx.now + Duration::days(28)),
        },
        "CustomsOfficeOfDeparture": office_ref(&m.office_of_departure),
        "CustomsOfficeOfEnquiryAtDeparture": office_ref(ctx.office.unwrap_or(&m.office_of_departure)),
        "HolderOfTheTransitProcedure": h,
    })
}

/// Whether the declaration gives the authorisation of an authorised consignor (C521, CL235):
/// the simplified procedure.
fn authorised_consignor(ctx: &OutContext) -> bool {
    declaration(ctx)
        .get("Authorisation")
        .and_then(Value::as_array)
        .is_some_and(|a| {
            a.iter()
                .any(|x| x.get("type").and_then(Value::as_str) == Some("C521"))
        })
}

/// CC029C ControlResult: the result of the control at departure and the time limit for
/// arrival. The CC029C has no limitDate: NCTS puts the time limit in ControlResult/date (G0127:
/// the limit date of the declaration, or the date set by the office of departure at release).
///
/// code, CL196 (ControlResultCodeDeparture): the departure control result, A1 satisfactory, A2
/// considered satisfactory; without a control A2 (G0126: released without any control), or A3
/// (simplified procedure) for an authorised consignor (C521). CATS's A3 means "seals found
/// intact" at a control; NCTS's A3 is the simplified procedure, allowed only with C521 (R0910),
/// so a CATS A3 is sent as A1 (satisfactory) otherwise.
fn control_result(ctx: &OutContext) -> Option<Value> {
    let m = ctx.movement;
    let control = m
        .controls
        .iter()
        .rev()
        .find(|c| c.stage == Stage::Departure);
    let limit = m.time_limit.map(|t| t.date_naive()).or(m.limit_date);
    let when = limit.or(control.map(|c| c.at.date_naive()))?;
    let simplified = authorised_consignor(ctx);
    let code = match control.map(|c| c.result) {
        Some(ControlResultCode::A1) => "A1",
        Some(ControlResultCode::A2) => "A2",
        Some(ControlResultCode::A3) if simplified => "A3",
        Some(ControlResultCode::A3) => "A1",
        Some(ControlResultCode::B1) => "B1",
        None if simplified => "A3",
        None => "A2",
    };
    let mut text = match control {
        Some(c) => format!(
            "{} control at {} on {}: {}",
            c.control_type.as_str(),
            c.office,
            date(c.at),
            c.result.as_str()
        ),
        None => "released without control".to_string(),
    };
    if let Some(limit) = limit {
        text.push_str(&format!("; time limit for arrival {}", day(limit)));
    }
    let controlled_by = control.map_or(m.office_of_departure.as_str(), |c| c.office.as_str());
    Some(json!({
        "code": code,
        "date": day(when),
        "controlledBy": controlled_by,
        "text": text,
    }))
}

/// CC029C Guarantee: as declared; a guarantee reference without its amount to be covered or
/// currency (required in the CC029C) takes them from the movement.
fn release_guarantees(ctx: &OutContext) -> Value {
    let m = ctx.movement;
    let mut guarantees = match declaration(ctx).get("Guarantee") {
        Some(Value::Array(g)) => g.clone(),
        _ => Vec::new(),
    };
    for g in guarantees.iter_mut() {
        let Some(Value::Array(refs)) = g.get_mut("GuaranteeReference") else {
            continue;
        };
        for r in refs.iter_mut() {
            let Value::Object(r) = r else { continue };
            let used = r
                .get("GRN")
                .and_then(Value::as_str)
                .and_then(|grn| m.guarantees.iter().find(|u| u.grn == grn));
            if let Some(used) = used {
                if !r.contains_key("amountToBeCovered") {
                    let amount = serde_json::to_value(used.amount.round_dp(2)).unwrap_or_default();
                    r.insert("amountToBeCovered".into(), amount);
                }
                if !r.contains_key("currency") {
                    r.insert("currency".into(), Value::String(used.currency.clone()));
                }
            }
        }
    }
    if guarantees.is_empty() && !m.guarantees.is_empty() {
        // guaranteeType, CL251: 1, comprehensive guarantee (the guarantees CATS reserves on).
        let refs: Vec<Value> = m
            .guarantees
            .iter()
            .enumerate()
            .map(|(i, g)| {
                json!({ "sequenceNumber": i + 1, "GRN": g.grn, "amountToBeCovered": g.amount.round_dp(2), "currency": g.currency })
            })
            .collect();
        guarantees
            .push(json!({ "sequenceNumber": 1, "guaranteeType": "1", "GuaranteeReference": refs }));
    }
    Value::Array(guarantees)
}

/// CC029C: the declaration as released, with MRN, dates, control result and time limit.
///
/// The CC015C groups are copied and shaped to the CC029C types by [`conform`], element by
/// element: TransitOperation loses limitDate and presentationOfTheGoodsDateAndTime (not in
/// TransitOperationType12) and gains MRN, declarationAcceptanceDate and releaseDate;
/// GoodsMeasure loses supplementaryUnits; groups whose required CC029C elements the declaration
/// left out are dropped (a GoodsMeasure without gross mass, a DepartureTransportMeans or
/// ActiveBorderTransportMeans without identification), the remaining ones renumbered (R0987).
/// Consignment/containerIndicator, optional in the CC015C and required here, is derived from the
/// transport equipment (1 when a container number is declared). The seals are those of the
/// declaration's transport equipment.
fn release_for_transit(ctx: &OutContext, mrn: &str) -> Value {
    let m = ctx.movement;
    let d = declaration(ctx);
    let mut op = match d.get("TransitOperation") {
        Some(Value::Object(o)) => o.clone(),
        _ => Map::new(),
    };
    op.insert("LRN".into(), Value::String(m.lrn.clone()));
    op.insert("MRN".into(), Value::String(mrn.into()));
    op.insert(
        "declarationAcceptanceDate".into(),
        Value::String(date(ctx.lodged_at)),
    );
    op.insert(
        "releaseDate".into(),
        Value::String(date(m.released_at.unwrap_or(ctx.now))),
    );
    let mut out = Map::new();
    out.insert("TransitOperation".into(), Value::Object(op));
    out.insert("Authorisation".into(), declared(ctx, "Authorisation"));
    let departure = d
        .get("CustomsOfficeOfDeparture")
        .cloned()
        .unwrap_or_else(|| office_ref(&m.office_of_departure));
    out.insert("CustomsOfficeOfDeparture".into(), departure);
    let destination = d
        .get("CustomsOfficeOfDestinationDeclared")
        .cloned()
        .unwrap_or_else(|| office_ref(&m.office_of_destination));
    out.insert("CustomsOfficeOfDestinationDeclared".into(), destination);
    for key in [
        "CustomsOfficeOfTransitDeclared",
        "CustomsOfficeOfExitForTransitDeclared",
        "Representative",
    ] {
        out.insert(key.into(), declared(ctx, key));
    }
    out.insert("HolderOfTheTransitProcedure".into(), holder(ctx));
    if let Some(result) = control_result(ctx) {
        out.insert("ControlResult".into(), result);
    }
    out.insert("Guarantee".into(), release_guarantees(ctx));
    let mut consignment = match d.get("Consignment") {
        Some(Value::Object(c)) => c.clone(),
        _ => Map::new(),
    };
    if !consignment.contains_key("containerIndicator") {
        let container = consignment
            .get("TransportEquipment")
            .and_then(Value::as_array)
            .is_some_and(|t| {
                t.iter()
                    .any(|e| e.get("containerIdentificationNumber").is_some())
            });
        // containerIndicator, CL027 (Flag).
        consignment.insert(
            "containerIndicator".into(),
            Value::String(if container { "1" } else { "0" }.into()),
        );
    }
    out.insert("Consignment".into(), Value::Object(consignment));
    Value::Object(out)
}

/// Shape `obj` as the complex type `ty` (an object of the HMRC JSON shape): the elements of
/// `ty` in sequence order, each leaf fitted to its simple type ([`fit_leaf`]), each group shaped
/// in turn; keys `ty` does not have are dropped, the root's `@` attributes kept. A group that
/// misses a required element is dropped from its parent (the parent is then incomplete in turn
/// when the group was required); the remaining occurrences of a repeated group are renumbered
/// when one was dropped (R0987). Returns the shaped object and whether it has every required
/// element.
fn conform(ty: &ComplexType, obj: &Map<String, Value>) -> (Map<String, Value>, bool) {
    let mut out = Map::new();
    for attr in ty.attributes {
        let key = format!("@{}", attr.name);
        if let Some(v) = obj.get(&key) {
            out.insert(key, v.clone());
        }
    }
    let mut complete = true;
    for element in ty.children {
        let shaped = match obj.get(element.name) {
            None | Some(Value::Null) => None,
            Some(v) => shape(element, v),
        };
        match shaped {
            Some(v) => {
                out.insert(element.name.to_string(), v);
            }
            None if element.min_occurs > 0 => complete = false,
            None => {}
        }
    }
    (out, complete)
}

/// One element's value shaped to its declaration (see [`conform`]); `None` when nothing valid
/// is left.
fn shape(element: &Element, value: &Value) -> Option<Value> {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        single => vec![single],
    };
    let max = usize::try_from(element.max_occurs).unwrap_or(usize::MAX);
    if let Some(st) = element.simple() {
        let mut leaves: Vec<Value> = items.into_iter().filter_map(|v| fit_leaf(st, v)).collect();
        leaves.truncate(max);
        return if element.is_repeatable() {
            (!leaves.is_empty()).then_some(Value::Array(leaves))
        } else {
            leaves.into_iter().next()
        };
    }
    let ct = element.complex()?;
    let given = items.len();
    let mut groups: Vec<Map<String, Value>> = items
        .into_iter()
        .filter_map(|v| match v {
            Value::Object(o) => {
                let (shaped, complete) = conform(ct, o);
                complete.then_some(shaped)
            }
            _ => None,
        })
        .collect();
    if !element.is_repeatable() {
        return groups.into_iter().next().map(Value::Object);
    }
    groups.truncate(max);
    if groups.len() < given {
        for (i, g) in groups.iter_mut().enumerate() {
            if g.contains_key("sequenceNumber") {
                g.insert("sequenceNumber".into(), json!(i + 1));
            }
        }
    }
    (!groups.is_empty()).then(|| Value::Array(groups.into_iter().map(Value::Object).collect()))
}

/// A leaf fitted to its simple type: decimals and integers as JSON numbers, other leaves as
/// strings without control characters, whitespace normalised as the type's base says, trimmed
/// and cut to the maximum length. `None` for an empty text.
fn fit_leaf(st: &SimpleType, value: &Value) -> Option<Value> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    if st.base.is_numeric() {
        if value.is_number() {
            return Some(value.clone());
        }
        let t = text.trim();
        return match serde_json::from_str::<Value>(t) {
            Ok(n @ Value::Number(_)) => Some(n),
            _ => (!t.is_empty()).then(|| Value::String(t.to_string())),
        };
    }
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut t = st.base.normalize_whitespace(&cleaned).trim().to_string();
    if let Some(max) = st.max_length.or(st.length) {
        let max = usize::try_from(max).unwrap_or(usize::MAX);
        if t.chars().count() > max {
            t = t
                .chars()
                .take(max)
                .collect::<String>()
                .trim_end()
                .to_string();
        }
    }
    (!t.is_empty()).then_some(Value::String(t))
}
