//! NCTS rules on the transit operation, authorisations, offices and guarantees: C0904, R0849,
//! C0101, R0859, C0839, R0003, R0005, R0900, C0130, R0318, C0045.

use chrono::NaiveDateTime;

use super::{fail, fail_as, RuleFailure, MISSING, NOT_ALLOWED};
use crate::declaration::Cc015c;

const OP: &str = "/CC015C/TransitOperation";

pub(super) fn check(d: &Cc015c, out: &mut Vec<RuleFailure>) {
    let op = &d.transit_operation;
    let tir = op.declaration_type == "TIR";
    let reduced = op.reduced_dataset_indicator == "1";
    let holder = &d.holder_of_the_transit_procedure;
    let types: Vec<&str> = d
        .authorisation
        .iter()
        .map(|a| a.authorisation_type.as_str())
        .collect();

    // C0904: the TIR holder's identification number goes with TIR, and only with TIR.
    let pointer = "/CC015C/HolderOfTheTransitProcedure/TIRHolderIdentificationNumber";
    match (&holder.tir_holder_identification_number, tir) {
        (None, true) => fail(
            out,
            "C0904",
            pointer,
            "a TIR declaration needs the TIR holder identification number",
        ),
        (Some(_), false) => fail_as(
            out,
            "C0904",
            NOT_ALLOWED,
            pointer,
            format!(
            "the TIR holder identification number is only allowed with declarationType TIR, not {}",
            op.declaration_type
        ),
        ),
        _ => {}
    }
    // R0849: no reduced dataset under TIR.
    if tir && op.reduced_dataset_indicator != "0" {
        fail(
            out,
            "R0849",
            format!("{OP}/reducedDatasetIndicator"),
            "a TIR declaration cannot use the reduced dataset: reducedDatasetIndicator must be 0",
        );
    }
    // C0101 and R0859: the reduced dataset needs the authorisation for it (C524), and only then.
    if reduced && d.authorisation.is_empty() {
        fail(
            out,
            "C0101",
            "/CC015C/Authorisation",
            "the reduced dataset (reducedDatasetIndicator 1) needs an Authorisation",
        );
    }
    if reduced && !d.authorisation.is_empty() && !types.contains(&"C524") {
        fail(
            out,
            "R0859",
            "/CC015C/Authorisation",
            "the reduced dataset needs an authorisation of type C524",
        );
    }
    if !reduced {
        for (i, t) in types.iter().enumerate() {
            if *t == "C524" {
                fail(
                    out,
                    "R0859",
                    format!("/CC015C/Authorisation[{}]/type", i + 1),
                    "authorisation type C524 is only allowed with reducedDatasetIndicator 1",
                );
            }
        }
    }
    // C0839 (the part CATS applies): an authorised consignor's standard declaration gives the limit date.
    if types.contains(&"C521") && op.additional_declaration_type == "A" && op.limit_date.is_none() {
        fail(out, "C0839", format!("{OP}/limitDate"), "a standard declaration under authorisation C521 (authorised consignor) needs the limit date");
    }

    // R0003 and R0005: offices of transit once each, expected after the message is prepared.
    let prepared = datetime(&d.preparation_date_and_time);
    for (i, office) in d.customs_office_of_transit_declared.iter().enumerate() {
        let here = format!("/CC015C/CustomsOfficeOfTransitDeclared[{}]", i + 1);
        let earlier = &d.customs_office_of_transit_declared[..i];
        if earlier
            .iter()
            .any(|o| o.reference_number == office.reference_number)
        {
            fail(
                out,
                "R0003",
                format!("{here}/referenceNumber"),
                format!(
                    "office of transit {} is declared more than once",
                    office.reference_number
                ),
            );
        }
        let arrival = office.arrival_date_and_time_estimated.as_deref();
        if let (Some(at), Some(text), Some(prepared)) =
            (arrival.and_then(datetime), arrival, prepared)
        {
            if at <= prepared {
                fail(
                    out,
                    "R0005",
                    format!("{here}/arrivalDateAndTimeEstimated"),
                    format!(
                        "the estimated arrival {text} is not after the message's preparation, {}",
                        d.preparation_date_and_time
                    ),
                );
            }
        }
    }

    // R0900 (TIR part), C0130, R0318: the guarantee type decides its references.
    for (g, guarantee) in d.guarantee.iter().enumerate() {
        let gp = format!("/CC015C/Guarantee[{}]", g + 1);
        let kind = guarantee.guarantee_type.as_str();
        if tir && kind != "B" {
            fail(
                out,
                "R0900",
                format!("{gp}/guaranteeType"),
                format!(
                "a TIR declaration is guaranteed by the TIR carnet: guarantee type B, not {kind}"
            ),
            );
        }
        let other = format!("{gp}/otherGuaranteeReference");
        match (&guarantee.other_guarantee_reference, kind) {
            (None, "8") => fail_as(
                out,
                "C0130",
                MISSING,
                other,
                "guarantee type 8 (not required) needs otherGuaranteeReference",
            ),
            (Some(_), k) if k != "3" && k != "8" => fail(
                out,
                "C0130",
                other,
                format!(
                    "otherGuaranteeReference is only allowed with guarantee types 3 and 8, not {k}"
                ),
            ),
            _ => {}
        }
        let length = if kind == "4" { 24 } else { 17 };
        for (r, reference) in guarantee.guarantee_reference.iter().enumerate() {
            if let Some(grn) = reference.grn.as_deref().filter(|grn| grn.len() != length) {
                fail(
                    out,
                    "R0318",
                    format!("{gp}/GuaranteeReference[{}]/GRN", r + 1),
                    format!(
                        "with guarantee type {kind} the GRN has {length} characters; {grn} has {}",
                        grn.len()
                    ),
                );
            }
        }
    }

    // C0045: a declaration of type T gives the type of each item; other types do not.
    for (h, house) in d.consignment.house_consignment.iter().enumerate() {
        for (i, item) in house.consignment_item.iter().enumerate() {
            let pointer = format!(
                "/CC015C/Consignment/HouseConsignment[{}]/ConsignmentItem[{}]/declarationType",
                h + 1,
                i + 1
            );
            match (&item.declaration_type, op.declaration_type == "T") {
                (None, true) => fail_as(out, "C0045", MISSING, pointer, "with declarationType T every item gives its own declarationType"),
                (Some(t), false) => fail(out, "C0045", pointer, format!(
                    "an item's declarationType ({t}) is only allowed when the declaration's type is T, not {}",
                    op.declaration_type
                )),
                _ => {}
            }
        }
    }
}

/// `YYYY-MM-DDThh:mm:ss` (the XSD's date-time without zone), `None` otherwise.
fn datetime(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").ok()
}
