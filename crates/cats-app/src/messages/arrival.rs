//! CC043C (unloading permission) and CC057C (rejection from the office of destination).
//!
//! Both are sent by the office of destination, so their sender is that country's NTA. The
//! trader at destination is the holder: in CATS the holder's trader user notifies the arrival
//! (CC007C) and sends the unloading remarks (CC044C).

use serde_json::{json, Map, Value};

use super::*;

/// The office of destination acting: the office given, the office where arrival was notified,
/// or the declared office of destination.
fn destination_office<'a>(ctx: &OutContext<'a>) -> &'a OfficeRef {
    ctx.office
        .or(ctx.movement.arrival_office.as_ref())
        .unwrap_or(&ctx.movement.office_of_destination)
}

fn destination_sender(office: &OfficeRef) -> Value {
    Value::String(format!("NTA.{}", office.country()))
}

/// CC043C: unloading permission to the authorised consignee after arrival under the simplified
/// procedure. The transit operation's data (declaration type, security, reduced dataset
/// indicator, acceptance date) and the consignment come from the declaration in force; the
/// consignment is shaped to the CC043C type by [`conform`] like the CC029C's.
pub(super) fn unloading_permission(ctx: &OutContext, mrn: &str) -> Value {
    let m = ctx.movement;
    let d = declaration(ctx);
    let op = d.get("TransitOperation").cloned().unwrap_or(Value::Null);
    let office = destination_office(ctx);
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
        // containerIndicator, CL027 (Flag), required in the CC043C consignment.
        consignment.insert(
            "containerIndicator".into(),
            Value::String(if container { "1" } else { "0" }.into()),
        );
    }
    // security (CL217) and reducedDatasetIndicator (CL027) as declared; 0 when absent.
    let security = op.get("security").cloned().unwrap_or(json!("0"));
    let reduced = op
        .get("reducedDatasetIndicator")
        .cloned()
        .unwrap_or(json!("0"));
    json!({
        "messageSender": destination_sender(office),
        "TransitOperation": {
            "MRN": mrn,
            "declarationType": op.get("declarationType").cloned().unwrap_or(Value::Null),
            "declarationAcceptanceDate": ctx.departure_day(ctx.lodged_at),
            "security": security,
            "reducedDatasetIndicator": reduced,
        },
        "CustomsOfficeOfDestinationActual": office_ref(office),
        "HolderOfTheTransitProcedure": holder(ctx),
        "TraderAtDestination": { "identificationNumber": m.holder },
        "Consignment": Value::Object(consignment),
    })
}

/// CC057C: an arrival notification (CC007C) or unloading remarks (CC044C) rejected, with every
/// functional error. The failures' pointers name the rejected message (`/CC044C/...`), which
/// gives businessRejectionType, CL570 (BusinessRejectionTypeDesExt): 044 unloading remarks
/// rejection, 007 arrival notification rejection otherwise. rejectionCode, CL227: 12 message
/// with functional errors; 4 other reasons, with the reason in words (C0492).
pub(super) fn destination_rejection(ctx: &OutContext, mrn: &str) -> Value {
    let office = destination_office(ctx);
    Value::Object(destination_rejection_parts(
        office.as_str(),
        mrn,
        ctx.movement.holder.as_str(),
        ctx.failures,
        rejection_reason(ctx),
        ctx.now,
    ))
}

/// The CC057C's content after the header, from its parts: the office of destination (as named),
/// the MRN, the trader at destination, the failures, the rejection reason, and the time.
pub(super) fn destination_rejection_parts(
    office: &str,
    mrn: &str,
    trader: &str,
    failures: &[RuleFailure],
    reason: String,
    now: DateTime<Utc>,
) -> Map<String, Value> {
    let business_type = if failures.iter().any(|f| f.pointer.starts_with("/CC044C")) {
        "044"
    } else {
        "007"
    };
    let errors: Vec<Value> = failures
        .iter()
        .take(9999)
        .map(|f| {
            let pointer = if f.pointer.trim().is_empty() {
                format!("/CC{business_type}C")
            } else {
                f.pointer.clone()
            };
            json!({
                "errorPointer": pointer,
                "errorCode": functional_error_code(f.error_code),
                "errorReason": f.rule_id,
            })
        })
        .collect();
    let mut out = Map::new();
    out.insert(
        "messageSender".into(),
        Value::String(format!("NTA.{}", office.get(..2).unwrap_or("XX"))),
    );
    out.insert(
        "TransitOperation".into(),
        json!({
            "MRN": mrn,
            "businessRejectionType": business_type,
            "rejectionDateAndTime": dt(now),
            "rejectionCode": if errors.is_empty() { "4" } else { "12" },
            "rejectionReason": reason,
        }),
    );
    out.insert(
        "CustomsOfficeOfDestinationActual".into(),
        json!({ "referenceNumber": office }),
    );
    out.insert(
        "TraderAtDestination".into(),
        json!({ "identificationNumber": trader }),
    );
    if !errors.is_empty() {
        out.insert("FunctionalError".into(), Value::Array(errors));
    }
    out
}
