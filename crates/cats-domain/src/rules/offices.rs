//! Offices and route countries: CATS001–CATS006.

use super::{fail, RuleContext, RuleFailure};
use crate::declaration::Cc015c;
use crate::reference::OfficeRole;

const ROOT: &str = "/CC015C";

fn office(
    ctx: &RuleContext,
    out: &mut Vec<RuleFailure>,
    rule: &str,
    pointer: String,
    code: &str,
    role: OfficeRole,
    what: &str,
) {
    match ctx.catalog.office(code) {
        None => fail(
            out,
            rule,
            pointer,
            format!("{what} {code} is not a customs office known to CATS"),
        ),
        Some(o) if !o.valid_on(ctx.today) => fail(
            out,
            rule,
            pointer,
            format!("{what} {code} ({}) is not valid on {}", o.name(), ctx.today),
        ),
        Some(o) if !o.has_role(role) => fail(
            out,
            rule,
            pointer,
            format!(
                "{what} {code} ({}) does not hold the role {}",
                o.name(),
                role.code()
            ),
        ),
        Some(_) => {}
    }
}

pub(super) fn check(d: &Cc015c, ctx: &RuleContext, out: &mut Vec<RuleFailure>) {
    let dep = &d.customs_office_of_departure.reference_number;
    office(
        ctx,
        out,
        "CATS001",
        format!("{ROOT}/CustomsOfficeOfDeparture/referenceNumber"),
        dep,
        OfficeRole::Dep,
        "office of departure",
    );
    office(
        ctx,
        out,
        "CATS002",
        format!("{ROOT}/CustomsOfficeOfDestinationDeclared/referenceNumber"),
        &d.customs_office_of_destination_declared.reference_number,
        OfficeRole::Des,
        "office of destination",
    );
    for (i, t) in d.customs_office_of_transit_declared.iter().enumerate() {
        office(
            ctx,
            out,
            "CATS003",
            format!(
                "{ROOT}/CustomsOfficeOfTransitDeclared[{}]/referenceNumber",
                i + 1
            ),
            &t.reference_number,
            OfficeRole::Tra,
            "office of transit",
        );
    }
    for (i, e) in d
        .customs_office_of_exit_for_transit_declared
        .iter()
        .enumerate()
    {
        office(
            ctx,
            out,
            "CATS004",
            format!(
                "{ROOT}/CustomsOfficeOfExitForTransitDeclared[{}]/referenceNumber",
                i + 1
            ),
            &e.reference_number,
            OfficeRole::Ext,
            "office of exit for transit",
        );
    }

    let mut route: Vec<(String, String)> = Vec::new();
    route.push((
        format!("{ROOT}/CustomsOfficeOfDeparture/referenceNumber"),
        dep.get(..2).unwrap_or_default().to_string(),
    ));
    route.push((
        format!("{ROOT}/CustomsOfficeOfDestinationDeclared/referenceNumber"),
        d.customs_office_of_destination_declared
            .reference_number
            .get(..2)
            .unwrap_or_default()
            .to_string(),
    ));
    for (i, t) in d.customs_office_of_transit_declared.iter().enumerate() {
        route.push((
            format!(
                "{ROOT}/CustomsOfficeOfTransitDeclared[{}]/referenceNumber",
                i + 1
            ),
            t.reference_number.get(..2).unwrap_or_default().to_string(),
        ));
    }
    for (i, e) in d
        .customs_office_of_exit_for_transit_declared
        .iter()
        .enumerate()
    {
        route.push((
            format!(
                "{ROOT}/CustomsOfficeOfExitForTransitDeclared[{}]/referenceNumber",
                i + 1
            ),
            e.reference_number.get(..2).unwrap_or_default().to_string(),
        ));
    }
    for (i, c) in d
        .consignment
        .country_of_routing_of_consignment
        .iter()
        .enumerate()
    {
        route.push((
            format!(
                "{ROOT}/Consignment/CountryOfRoutingOfConsignment[{}]/country",
                i + 1
            ),
            c.country.clone(),
        ));
    }
    for (pointer, country) in route {
        if !ctx.catalog.is_participating(&country) {
            fail(
                out,
                "CATS005",
                pointer,
                format!(
                    "route country {country} does not take part in CATS (taking part: {})",
                    participating(ctx)
                ),
            );
        }
    }

    let expected = format!("NTA.{}", dep.get(..2).unwrap_or_default());
    if d.message_recipient != expected {
        fail(
            out,
            "CATS006",
            format!("{ROOT}/messageRecipient"),
            format!(
                "messageRecipient is {} but must be {expected} (the country of the office of departure)",
                d.message_recipient
            ),
        );
    }
}

fn participating(ctx: &RuleContext) -> String {
    let mut list: Vec<&str> = ctx
        .catalog
        .countries
        .values()
        .filter(|c| c.participating)
        .map(|c| c.code.as_str())
        .collect();
    list.sort_unstable();
    list.join(", ")
}
