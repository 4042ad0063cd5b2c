//! NCTS rules on parties and on the level (consignment, house consignment, item) at which a value
//! is declared: C0250, C0542, R0506, R0507, C0909, C0343, C0502.

use super::{fail, fail_as, RuleFailure, MISSING, NOT_ALLOWED};
use crate::declaration::{Cc015c, HouseConsignment, Party};

const C: &str = "/CC015C/Consignment";

pub(super) fn check(d: &Cc015c, out: &mut Vec<RuleFailure>) {
    let c = &d.consignment;
    let op = &d.transit_operation;

    // C0250 (the part a declaration decides): a party without identification number is named
    // and addressed. The holder's number is checked against the register by CATS007.
    let holder = &d.holder_of_the_transit_procedure;
    if holder.identification_number.is_none() {
        named(
            holder.name.is_some(),
            holder.address.is_some(),
            "/CC015C/HolderOfTheTransitProcedure",
            out,
        );
    }
    party(c.consignor.as_ref(), &format!("{C}/Consignor"), out);
    party(c.consignee.as_ref(), &format!("{C}/Consignee"), out);
    for (h, house) in c.house_consignment.iter().enumerate() {
        party(
            house.consignor.as_ref(),
            &format!("{C}/HouseConsignment[{}]/Consignor", h + 1),
            out,
        );
        party(
            house.consignee.as_ref(),
            &format!("{C}/HouseConsignment[{}]/Consignee", h + 1),
            out,
        );
    }

    // C0542: no consignor with security 0 and the reduced dataset; one level only otherwise.
    let none_at_all = op.security == "0" && op.reduced_dataset_indicator == "1";
    if none_at_all && c.consignor.is_some() {
        fail(
            out,
            "C0542",
            format!("{C}/Consignor"),
            "no consignor is declared with security 0 and the reduced dataset",
        );
    }
    for (h, house) in c.house_consignment.iter().enumerate() {
        if house.consignor.is_some() && (none_at_all || c.consignor.is_some()) {
            fail(
                out,
                "C0542",
                format!("{C}/HouseConsignment[{}]/Consignor", h + 1),
                if none_at_all {
                    "no consignor is declared with security 0 and the reduced dataset"
                } else {
                    "the consignor is declared for the whole consignment, not again per house consignment"
                },
            );
        }
    }

    // R0506 and R0507: a value that is the same in every house consignment (item) belongs one
    // level up.
    let houses = &c.house_consignment;
    let same_house = |name: &str, values: Vec<Option<String>>, out: &mut Vec<RuleFailure>| {
        if all_same(&values) {
            fail(out, "R0506", format!("{C}/HouseConsignment[1]/{name}"), format!(
                "{name} is the same in every house consignment: declare it once, for the consignment"
            ));
        }
    };
    same_house(
        "countryOfDispatch",
        houses
            .iter()
            .map(|h| h.country_of_dispatch.clone())
            .collect(),
        out,
    );
    same_house(
        "countryOfDestination",
        houses
            .iter()
            .map(|h| h.country_of_destination.clone())
            .collect(),
        out,
    );
    same_house(
        "referenceNumberUCR",
        houses
            .iter()
            .map(|h| h.reference_number_ucr.clone())
            .collect(),
        out,
    );
    same_house(
        "Consignor",
        houses.iter().map(|h| json(&h.consignor)).collect(),
        out,
    );
    same_house(
        "Consignee",
        houses.iter().map(|h| json(&h.consignee)).collect(),
        out,
    );
    same_house(
        "TransportCharges",
        houses.iter().map(|h| json(&h.transport_charges)).collect(),
        out,
    );
    let means = houses
        .iter()
        .map(|h| Some(&h.departure_transport_means).filter(|m| !m.is_empty()));
    same_house(
        "DepartureTransportMeans",
        means.map(|m| json(&m)).collect(),
        out,
    );
    let items: Vec<_> = houses.iter().flat_map(|h| &h.consignment_item).collect();
    let same_item = |name: &str, values: Vec<Option<String>>, out: &mut Vec<RuleFailure>| {
        if all_same(&values) {
            fail(
                out,
                "R0507",
                format!("{C}/HouseConsignment[1]/ConsignmentItem[1]/{name}"),
                format!(
                "{name} is the same in every consignment item: declare it once, at a higher level"
            ),
            );
        }
    };
    same_item(
        "countryOfDispatch",
        items
            .iter()
            .map(|i| i.country_of_dispatch.clone())
            .collect(),
        out,
    );
    same_item(
        "countryOfDestination",
        items
            .iter()
            .map(|i| i.country_of_destination.clone())
            .collect(),
        out,
    );
    same_item(
        "referenceNumberUCR",
        items
            .iter()
            .map(|i| i.reference_number_ucr.clone())
            .collect(),
        out,
    );
    same_item(
        "declarationType",
        items.iter().map(|i| i.declaration_type.clone()).collect(),
        out,
    );

    // C0909, C0343, C0502: a country (a UCR) at one level only; C0502 also asks for the UCR of
    // each item when nothing above identifies the goods.
    one_level(
        d,
        "C0909",
        "countryOfDispatch",
        |h| &h.country_of_dispatch,
        |i| &i.country_of_dispatch,
        out,
    );
    one_level(
        d,
        "C0343",
        "countryOfDestination",
        |h| &h.country_of_destination,
        |i| &i.country_of_destination,
        out,
    );
    one_level(
        d,
        "C0502",
        "referenceNumberUCR",
        |h| &h.reference_number_ucr,
        |i| &i.reference_number_ucr,
        out,
    );
}

/// C0250 for a consignor or consignee.
fn party(p: Option<&Party>, pointer: &str, out: &mut Vec<RuleFailure>) {
    if let Some(p) = p.filter(|p| p.identification_number.is_none()) {
        named(p.name.is_some(), p.address.is_some(), pointer, out);
    }
}

fn named(name: bool, address: bool, pointer: &str, out: &mut Vec<RuleFailure>) {
    for (present, element) in [(name, "name"), (address, "Address")] {
        if !present {
            fail(out, "C0250", format!("{pointer}/{element}"), format!(
                "without an identification number the party is identified by name and Address: {element} is missing"
            ));
        }
    }
}

/// Given in every one of at least one instance, and all equal.
fn all_same(values: &[Option<String>]) -> bool {
    values
        .first()
        .is_some_and(|first| first.is_some() && values.iter().all(|v| v == first))
}

fn json<T: serde::Serialize>(value: &Option<T>) -> Option<String> {
    value
        .as_ref()
        .map(|v| serde_json::to_string(v).unwrap_or_default())
}

/// The consignment's value excludes the houses' and items', a house's excludes its items'; with
/// neither, every item gives its own (for C0502 only when no transport document identifies it).
fn one_level(
    d: &Cc015c,
    id: &str,
    name: &str,
    house_value: fn(&HouseConsignment) -> &Option<String>,
    item_value: fn(&crate::declaration::ConsignmentItem) -> &Option<String>,
    out: &mut Vec<RuleFailure>,
) {
    let c = &d.consignment;
    let top = match name {
        "countryOfDispatch" => &c.country_of_dispatch,
        "countryOfDestination" => &c.country_of_destination,
        _ => &c.reference_number_ucr,
    };
    for (h, house) in c.house_consignment.iter().enumerate() {
        let hp = format!("{C}/HouseConsignment[{}]", h + 1);
        if top.is_some() && house_value(house).is_some() {
            fail_as(
                out,
                id,
                NOT_ALLOWED,
                format!("{hp}/{name}"),
                format!(
                    "{name} is declared for the whole consignment, not again per house consignment"
                ),
            );
        }
        let documented = id == "C0502"
            && !(c.transport_document.is_empty() && house.transport_document.is_empty());
        for (i, item) in house.consignment_item.iter().enumerate() {
            let pointer = format!("{hp}/ConsignmentItem[{}]/{name}", i + 1);
            match (
                top.is_some() || house_value(house).is_some(),
                item_value(item).is_some(),
            ) {
                (true, true) => fail_as(
                    out,
                    id,
                    NOT_ALLOWED,
                    pointer,
                    format!("{name} is declared at a higher level, not again per item"),
                ),
                (false, false) if !documented => fail_as(
                    out,
                    id,
                    MISSING,
                    pointer,
                    if id == "C0502" {
                        "without a UCR for the consignment or house consignment and without a transport document, every item needs its referenceNumberUCR".to_string()
                    } else {
                        format!("{name} is needed for the consignment, the house consignment or every item")
                    },
                ),
                _ => {}
            }
        }
    }
}
