//! CC060C, CC051C, CC182C, CC035C and the CATS-internal CC140C.

use chrono::Duration;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use cats_domain::movement::{ControlType, Stage};

use super::*;

/// TypeOfControls/type, CL716 (ControlType): 10 documentary controls, 44 intrusive (physical
/// examination of the goods), 50 other, which needs a text (C0451): scanning (non-intrusive
/// inspection) and the check of the seals are given as 50 with their name.
pub(super) fn control_code(t: ControlType) -> (&'static str, &'static str) {
    match t {
        ControlType::Documentary => ("10", "documentary control"),
        ControlType::Physical => ("44", "physical examination of the goods"),
        ControlType::Scanning => ("50", "scanning (non-intrusive inspection)"),
        ControlType::Seals => ("50", "check of the seals"),
    }
}

/// CC060C: the control decided at departure.
pub(super) fn control_decision(ctx: &OutContext) -> Value {
    let m = ctx.movement;
    let control = ctx.control_type.or(m.control_pending).unwrap_or_default();
    let (code, text) = control_code(control);
    let (key, reference) = mrn_or_lrn(m);
    // notificationType, CL384 (NotificationType): 0, intention to control with the types of
    // control listed (C0452: types of controls are required for 0, not allowed for 1 and 2;
    // C0455: requested documents are required for 1).
    let mut out = json!({
        "TransitOperation": { key: reference, "controlNotificationDateAndTime": dt(ctx.now), "notificationType": "0" },
        "CustomsOfficeOfDeparture": office_ref(&m.office_of_departure),
        "HolderOfTheTransitProcedure": holder(ctx),
        "TypeOfControls": [{ "sequenceNumber": 1, "type": code, "text": text }],
    });
    // RequestedDocument, optional with notificationType 0 (C0455): documentType an4 (CL213),
    // description an..512.
    if !m.requested_documents.is_empty() {
        out["RequestedDocument"] = Value::Array(
            m.requested_documents
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let mut r = json!({ "sequenceNumber": i + 1, "documentType": d.document_type });
                    if let Some(text) = &d.description {
                        r["description"] = Value::String(text.clone());
                    }
                    r
                })
                .collect(),
        );
    }
    out
}

/// CC051C: not released after a not-satisfactory control at departure.
pub(super) fn no_release(ctx: &OutContext, mrn: &str) -> Value {
    let m = ctx.movement;
    let text = ctx.text.map(str::to_string).unwrap_or_else(|| {
        m.controls
            .iter()
            .rev()
            .find(|c| c.stage == Stage::Departure && !c.result.is_satisfactory())
            .map(|c| c.summary())
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
pub(super) fn incident(ctx: &OutContext, mrn: &str) -> Value {
    let m = ctx.movement;
    let last = m.incidents.last();
    let office = ctx
        .office
        .or_else(|| last.map(|(o, _)| o))
        .unwrap_or(&m.office_of_departure);
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
        "CustomsOfficeOfIncidentRegistration": office_ref(office),
        "Consignment": { "Incident": [{
            "sequenceNumber": 1,
            "code": "5",
            "text": text,
            "Location": incident_location(ctx, office),
        }] },
    })
}

/// Incident/Location: the place of the office that registered the incident.
/// qualifierOfIdentification, CL038 (QualifierOfIdentificationIncident): U, by UN/LOCODE, when
/// the catalogue gives the office's; otherwise Z, by address, the office itself (C0460: U needs
/// the UN/LOCODE, Z the address).
pub(super) fn incident_location(ctx: &OutContext, office: &OfficeRef) -> Value {
    let found = ctx.catalog.and_then(|c| c.office(office));
    let country = found.map_or(office.country(), |o| o.country);
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
                "city": found.map_or(office.as_str(), |o| o.name()),
            },
        }),
    }
}

/// CC035C: recovery opened; the amount claimed is the amount to be covered of the guarantees in
/// the currency of the first one.
pub(super) fn recovery(ctx: &OutContext, mrn: &str) -> Value {
    let m = ctx.movement;
    let currency = m.guarantees.first().map(|g| g.amount.currency());
    let total: Decimal = m
        .guarantees
        .iter()
        .filter(|g| Some(g.amount.currency()) == currency)
        .map(|g| g.amount.amount())
        .sum();
    let office = ctx.office.unwrap_or(&m.office_of_departure);
    json!({
        "TransitOperation": { "MRN": mrn, "declarationAcceptanceDate": ctx.departure_day(ctx.lodged_at) },
        "RecoveryNotification": {
            "recoveryNotificationDate": ctx.departure_day(ctx.now),
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
pub(super) fn request_on_non_arrived_movement(ctx: &OutContext, mrn: &str) -> Value {
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
            "requestOnNonArrivedMovementDate": ctx.departure_day(ctx.now),
            "limitForResponseDate": ctx.departure_day(ctx.now + Duration::days(28)),
        },
        "CustomsOfficeOfDeparture": office_ref(&m.office_of_departure),
        "CustomsOfficeOfEnquiryAtDeparture": office_ref(ctx.office.unwrap_or(&m.office_of_departure)),
        "HolderOfTheTransitProcedure": h,
    })
}
