//! CC029C, release for transit.

use serde_json::{json, Map, Value};

use cats_domain::movement::{seal_now, ControlResultCode, Stage};

use super::*;

/// Whether the declaration gives the authorisation of an authorised consignor (C521, CL235):
/// the simplified procedure.
pub(super) fn authorised_consignor(ctx: &OutContext) -> bool {
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
pub(super) fn control_result(ctx: &OutContext) -> Option<Value> {
    let m = ctx.movement;
    let control = m
        .controls
        .iter()
        .rev()
        .find(|c| c.stage == Stage::Departure);
    let local = |office: &OfficeRef, at| {
        ctx.catalog.map_or(chrono::DateTime::date_naive(&at), |c| {
            c.local_day(office, at)
        })
    };
    let limit = m
        .time_limit
        .map(|t| local(&m.office_of_departure, t))
        .or(m.limit_date);
    let when = limit.or(control.map(|c| local(&c.office, c.at)))?;
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
            ctx.day_at(&c.office, c.at),
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
pub(super) fn release_guarantees(ctx: &OutContext) -> Value {
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
                    let amount =
                        serde_json::to_value(used.amount.amount().round_dp(2)).unwrap_or_default();
                    r.insert("amountToBeCovered".into(), amount);
                }
                if !r.contains_key("currency") {
                    r.insert(
                        "currency".into(),
                        Value::String(used.amount.currency().to_string()),
                    );
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
                json!({ "sequenceNumber": i + 1, "GRN": g.grn, "amountToBeCovered": g.amount.amount().round_dp(2), "currency": g.amount.currency() })
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
/// declaration's transport equipment, with the replacements recorded at controls before release.
pub(super) fn release_for_transit(ctx: &OutContext, mrn: &str) -> Value {
    let m = ctx.movement;
    let d = declaration(ctx);
    let mut op = match d.get("TransitOperation") {
        Some(Value::Object(o)) => o.clone(),
        _ => Map::new(),
    };
    op.insert("LRN".into(), Value::String(m.lrn.to_string()));
    op.insert("MRN".into(), Value::String(mrn.into()));
    op.insert(
        "declarationAcceptanceDate".into(),
        Value::String(ctx.departure_day(ctx.lodged_at)),
    );
    op.insert(
        "releaseDate".into(),
        Value::String(ctx.departure_day(m.released_at.unwrap_or(ctx.now))),
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
    replace_seals(&mut consignment, m);
    out.insert("Consignment".into(), Value::Object(consignment));
    Value::Object(out)
}

/// Seals replaced at a control before release stand in the CC029C where the declared ones stood
/// (same transport equipment, same sequence number).
fn replace_seals(consignment: &mut Map<String, Value>, m: &cats_domain::movement::Movement) {
    let Some(Value::Array(equipment)) = consignment.get_mut("TransportEquipment") else {
        return;
    };
    for seal in equipment
        .iter_mut()
        .filter_map(|e| e.get_mut("Seal").and_then(Value::as_array_mut))
        .flatten()
    {
        if let Some(declared) = seal.get("identifier").and_then(Value::as_str) {
            seal["identifier"] = Value::String(seal_now(declared, &m.controls));
        }
    }
}
