//! Holder, declaration type and TIR: CATS007, CATS008, C0411, CATS014.

use super::{fail, fail_as, RuleContext, RuleFailure, NOT_ALLOWED};
use crate::declaration::Cc015c;

const ROOT: &str = "/CC015C";

/// Declaration types CATS accepts.
pub const DECLARATION_TYPES: [&str; 5] = ["T", "T1", "T2", "T2F", "TIR"];

pub(super) fn check(d: &Cc015c, ctx: &RuleContext, out: &mut Vec<RuleFailure>) {
    let holder_ptr = format!("{ROOT}/HolderOfTheTransitProcedure/identificationNumber");
    match (
        &d.holder_of_the_transit_procedure.identification_number,
        &ctx.holder,
    ) {
        (None, _) => fail(
            out,
            "CATS007",
            holder_ptr,
            "the holder's identification number is required: CATS needs a registered holder",
        ),
        (Some(id), None) => fail(
            out,
            "CATS007",
            holder_ptr,
            format!("holder {id} is not registered with CATS"),
        ),
        (Some(id), Some(reg)) if reg.kind != "trader" => fail(
            out,
            "CATS007",
            holder_ptr,
            format!("{id} is registered as {}, not as a trader", reg.kind),
        ),
        (Some(id), Some(reg)) if !reg.active => fail(
            out,
            "CATS007",
            holder_ptr,
            format!(
                "holder {id} has no approved AEO or authorised trader registration valid on {} (not approved yet, suspended, revoked or expired)",
                ctx.today
            ),
        ),
        _ => {}
    }

    let op = &d.transit_operation;
    let tir = op.declaration_type == "TIR";
    match (&op.tir_carnet_number, tir) {
        (None, true) => fail(
            out,
            "C0411",
            format!("{ROOT}/TransitOperation/TIRCarnetNumber"),
            "a TIR declaration needs the TIR carnet number",
        ),
        (Some(n), false) => fail_as(
            out,
            "C0411",
            NOT_ALLOWED,
            format!("{ROOT}/TransitOperation/TIRCarnetNumber"),
            format!(
                "TIR carnet number {n} is only allowed with declarationType TIR, not {}",
                op.declaration_type
            ),
        ),
        _ => {}
    }
    if !DECLARATION_TYPES.contains(&op.declaration_type.as_str()) {
        fail(
            out,
            "CATS008",
            format!("{ROOT}/TransitOperation/declarationType"),
            format!(
                "declarationType {} is not one CATS accepts ({})",
                op.declaration_type,
                DECLARATION_TYPES.join(", ")
            ),
        );
    }
    if !["A", "D"].contains(&op.additional_declaration_type.as_str()) {
        fail(
            out,
            "CATS008",
            format!("{ROOT}/TransitOperation/additionalDeclarationType"),
            format!(
                "additionalDeclarationType {} must be A (standard) or D (pre-lodged)",
                op.additional_declaration_type
            ),
        );
    }
    if !["0", "1", "2", "3"].contains(&op.security.as_str()) {
        fail(
            out,
            "CATS008",
            format!("{ROOT}/TransitOperation/security"),
            format!("security {} must be 0, 1, 2 or 3", op.security),
        );
    }
}

/// CATS014: run after the goods rules, in the order of `RULES`.
pub(super) fn check_lrn(d: &Cc015c, ctx: &RuleContext, out: &mut Vec<RuleFailure>) {
    let op = &d.transit_operation;
    if ctx.lrn_in_use {
        fail(
            out,
            "CATS014",
            format!("{ROOT}/TransitOperation/LRN"),
            format!(
                "LRN {} is already used by another live declaration of this holder",
                op.lrn
            ),
        );
    }
}
