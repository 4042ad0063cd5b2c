//! `facts()`: what the movement, the ledger and risk selection read from a declaration.

use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::{base, day, decl, GRN, HOLDER};
use crate::ids::{CountryCode, HsCode, Money, Mrn, OfficeRef};
use crate::movement::{GuaranteeUse, MovementState};
use crate::rules::facts;

fn parsed<T: std::str::FromStr>(list: &[&str]) -> Vec<T>
where
    T::Err: std::fmt::Debug,
{
    list.iter().map(|s| s.parse().unwrap()).collect()
}

fn offices(list: &[&str]) -> Vec<OfficeRef> {
    parsed(list)
}

fn countries(list: &[&str]) -> Vec<CountryCode> {
    parsed(list)
}

fn hs(list: &[&str]) -> Vec<HsCode> {
    parsed(list)
}

fn without_routing() -> Value {
    let mut v = base();
    v["Consignment"]
        .as_object_mut()
        .expect("consignment")
        .remove("CountryOfRoutingOfConsignment");
    v
}

#[test]
fn facts_of_the_base_declaration() {
    let f = facts(&decl(&base())).unwrap();
    assert_eq!(f.lrn, "LRN-KZ-2025-0001");
    assert_eq!(f.holder, HOLDER);
    assert_eq!(f.office_of_departure, "KZHOR001");
    assert_eq!(f.office_of_destination, "GEPTI001");
    assert_eq!(f.offices_of_transit, offices(&["AZALA001", "GERBR001"]));
    assert_eq!(f.offices_of_exit, offices(&["KZAAU001", "AZQAZ001"]));
    assert_eq!(f.countries_of_routing, countries(&["KZ", "AZ", "GE"]));
    assert_eq!(f.itinerary, countries(&["KZ", "AZ", "GE"]));
    assert_eq!(
        f.guarantees,
        vec![GuaranteeUse {
            grn: GRN.parse().unwrap(),
            amount: Money::new(Decimal::new(2_500_000, 2), "USD".parse().unwrap()).unwrap(),
        }]
    );
    assert_eq!(f.hs_codes, hs(&["850440", "940360"]));
    assert_eq!(f.limit_date, Some(day(2025, 6, 20)));
    assert_eq!(f.security, Some(0));
    assert_eq!(f.dispatch_destination, countries(&["KZ", "GE"]));
}

#[test]
fn itinerary_from_the_offices_alone() {
    // KZHOR001 → exit KZAAU001 → AZALA001 → exit AZQAZ001 → GERBR001 → GEPTI001
    assert_eq!(
        facts(&decl(&without_routing())).unwrap().itinerary,
        countries(&["KZ", "AZ", "GE"])
    );
}

#[test]
fn itinerary_follows_sequence_numbers_not_document_order() {
    let mut v = base();
    v["Consignment"]["CountryOfRoutingOfConsignment"] = json!([
        { "sequenceNumber": 3, "country": "GE" },
        { "sequenceNumber": 1, "country": "KZ" },
        { "sequenceNumber": 2, "country": "AZ" }
    ]);
    v["CustomsOfficeOfTransitDeclared"] = json!([
        { "sequenceNumber": 2, "referenceNumber": "GERBR001" },
        { "sequenceNumber": 1, "referenceNumber": "AZALA001" }
    ]);
    let f = facts(&decl(&v)).unwrap();
    assert_eq!(f.countries_of_routing, countries(&["KZ", "AZ", "GE"]));
    assert_eq!(f.offices_of_transit, offices(&["AZALA001", "GERBR001"]));
    assert_eq!(f.itinerary, countries(&["KZ", "AZ", "GE"]));
}

#[test]
fn itinerary_has_no_repeats() {
    let mut v = base();
    v["Consignment"]["CountryOfRoutingOfConsignment"] = json!([
        { "sequenceNumber": 1, "country": "KZ" },
        { "sequenceNumber": 2, "country": "AZ" },
        { "sequenceNumber": 3, "country": "AZ" },
        { "sequenceNumber": 4, "country": "GE" },
        { "sequenceNumber": 5, "country": "KZ" }
    ]);
    assert_eq!(
        facts(&decl(&v)).unwrap().itinerary,
        countries(&["KZ", "AZ", "GE"])
    );
}

#[test]
fn itinerary_takes_offices_of_transit_before_offices_of_exit() {
    // KZ → TM → AZ → GE, declaring only the exit from AZ: a country is entered (office of
    // transit) before it is left (office of exit)
    let mut v = without_routing();
    v["CustomsOfficeOfTransitDeclared"] = json!([
        { "sequenceNumber": 1, "referenceNumber": "TMTKM001" },
        { "sequenceNumber": 2, "referenceNumber": "AZALA001" },
        { "sequenceNumber": 3, "referenceNumber": "GERBR001" }
    ]);
    v["CustomsOfficeOfExitForTransitDeclared"] = json!([
        { "sequenceNumber": 1, "referenceNumber": "AZQAZ001" }
    ]);
    assert_eq!(
        facts(&decl(&v)).unwrap().itinerary,
        countries(&["KZ", "TM", "AZ", "GE"])
    );
}

#[test]
fn itinerary_adds_office_countries_missing_from_the_routing() {
    let mut v = base();
    v["Consignment"]["CountryOfRoutingOfConsignment"] = json!([
        { "sequenceNumber": 1, "country": "KZ" },
        { "sequenceNumber": 2, "country": "UZ" }
    ]);
    assert_eq!(
        facts(&decl(&v)).unwrap().itinerary,
        countries(&["KZ", "UZ", "AZ", "GE"])
    );
}

#[test]
fn guarantees_of_several_references() {
    let mut v = base();
    let mut second = v["Guarantee"][0]["GuaranteeReference"][0].clone();
    second["sequenceNumber"] = json!(2);
    second["amountToBeCovered"] = super::n("100.5");
    v["Guarantee"][0]["GuaranteeReference"]
        .as_array_mut()
        .expect("references")
        .push(second);
    // a reference without GRN is not a guarantee use
    v["Guarantee"]
        .as_array_mut()
        .expect("guarantees")
        .push(json!({ "sequenceNumber": 2, "guaranteeType": "3", "GuaranteeReference": [{ "sequenceNumber": 1, "amountToBeCovered": super::n("5") }] }));
    let f = facts(&decl(&v)).unwrap();
    let amounts: Vec<Decimal> = f.guarantees.iter().map(|g| g.amount.amount()).collect();
    assert_eq!(
        amounts,
        vec![Decimal::new(2_500_000, 2), Decimal::new(1005, 1)]
    );
    assert!(f
        .guarantees
        .iter()
        .all(|g| g.grn == GRN && g.amount.currency() == "USD"));

    let tir = super::guarantee::tir(base());
    assert!(facts(&decl(&tir)).unwrap().guarantees.is_empty());
}

#[test]
fn limit_date_well_formed_or_none() {
    for (given, expected) in [
        (Some("2025-07-01"), Some(day(2025, 7, 1))),
        (Some("2025-07-01T00:00:00"), Some(day(2025, 7, 1))),
        (Some("01-07-2025"), None),
        (Some("2025-02-30"), None),
        (Some("2025"), None),
        (None, None),
    ] {
        let mut v = base();
        match given {
            Some(s) => v["TransitOperation"]["limitDate"] = json!(s),
            None => {
                v["TransitOperation"]
                    .as_object_mut()
                    .expect("transit operation")
                    .remove("limitDate");
            }
        }
        assert_eq!(facts(&decl(&v)).unwrap().limit_date, expected, "{given:?}");
    }
}

#[test]
fn hs_codes_over_every_house_consignment_in_order() {
    let mut v = base();
    let mut house = v["Consignment"]["HouseConsignment"][0].clone();
    house["sequenceNumber"] = json!(2);
    house["ConsignmentItem"][0]["Commodity"]["CommodityCode"]["harmonizedSystemSubHeadingCode"] =
        json!("240220");
    house["ConsignmentItem"][1]["Commodity"]
        .as_object_mut()
        .expect("commodity")
        .remove("CommodityCode");
    v["Consignment"]["HouseConsignment"]
        .as_array_mut()
        .expect("houses")
        .push(house);
    assert_eq!(
        facts(&decl(&v)).unwrap().hs_codes,
        hs(&["850440", "940360", "240220"])
    );
}

#[test]
fn risk_facts_and_movement() {
    let mut v = base();
    v["Consignment"]["countryOfDispatch"] = json!("CN");
    let f = facts(&decl(&v)).unwrap();
    let risk = f.risk_facts();
    assert_eq!(risk.hs_codes, hs(&["850440", "940360"]));
    assert_eq!(risk.countries, countries(&["CN", "GE", "KZ", "AZ"]));

    let m = f.movement(
        MovementState::Accepted,
        Some("25KZHOR001000001J8".parse().unwrap()),
    );
    assert_eq!(m.state, MovementState::Accepted);
    assert_eq!(m.mrn.as_ref().map(Mrn::as_str), Some("25KZHOR001000001J8"));
    assert_eq!(m.lrn, f.lrn);
    assert_eq!(m.holder, HOLDER);
    assert_eq!(m.itinerary, f.itinerary);
    assert_eq!(m.guarantees, f.guarantees);
    assert_eq!(m.offices_of_transit, f.offices_of_transit);
    assert_eq!(m.offices_of_exit, f.offices_of_exit);
    assert_eq!(m.limit_date, Some(day(2025, 6, 20)));
    assert!(m.controls.is_empty() && m.passages.is_empty() && m.released_at.is_none());
}

#[test]
fn identifiers_that_are_not_well_formed_are_each_named_where_they_stand() {
    let mut v = base();
    v["TransitOperation"]["LRN"] = json!("LRN\u{7}1");
    v["CustomsOfficeOfTransitDeclared"] = json!([
        { "sequenceNumber": 2, "referenceNumber": "QQRBR001" },
        { "sequenceNumber": 1, "referenceNumber": "AZALA001" }
    ]);
    let bad = facts(&decl(&v)).unwrap_err();
    let pointers: Vec<&str> = bad.iter().map(|b| b.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/CC015C/TransitOperation/LRN",
            // document order: the office with sequence number 2 is the first element
            "/CC015C/CustomsOfficeOfTransitDeclared[1]/referenceNumber",
        ]
    );
    assert!(bad[1].reason.contains("QQ"), "{}", bad[1].reason);
}
