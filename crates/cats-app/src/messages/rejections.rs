//! CC056C (rejection) and CC055C (guarantee not valid).

use serde_json::{json, Map, Value};

use super::*;

/// CC056C: every business-rule failure as a functional error.
pub(super) fn rejection(ctx: &OutContext) -> Value {
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
pub(super) fn rejection_reason(ctx: &OutContext) -> String {
    rejection_reason_of(ctx.failures, ctx.text)
}

/// The rejection reason of `failures`, or `text` (or a general sentence) when there are none.
pub(super) fn rejection_reason_of(failures: &[RuleFailure], text: Option<&str>) -> String {
    match failures {
        [] => text
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
pub(super) fn functional_error_code(code: u16) -> &'static str {
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
pub(super) fn original_value(declaration: &Value, pointer: &str) -> Option<String> {
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
pub(super) fn grn_at(declaration: &Value, pointer: &str) -> Option<String> {
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
pub(super) fn invalid_guarantee_code(rule_id: &str) -> &'static str {
    match rule_id {
        "CATS016" => "G01",
        "CATS017" => "G03",
        "CATS020" => "G04",
        _ => "G02",
    }
}

/// CC055C: the guarantee references that cannot cover the movement, with the reasons.
pub(super) fn guarantee_not_valid(ctx: &OutContext, mrn: &str) -> Value {
    let m = ctx.movement;
    let d = declaration(ctx);
    let mut grns: Vec<String> = Vec::new();
    for g in &m.guarantees {
        if !grns.iter().any(|x| g.grn == x.as_str()) {
            grns.push(g.grn.to_string());
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
        "TransitOperation": { "MRN": mrn, "declarationAcceptanceDate": ctx.departure_day(ctx.lodged_at) },
        "CustomsOfficeOfDeparture": office_ref(&m.office_of_departure),
        "HolderOfTheTransitProcedure": holder(ctx),
        "GuaranteeReference": refs,
    })
}
