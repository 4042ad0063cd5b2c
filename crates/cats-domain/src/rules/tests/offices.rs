//! CATS001–CATS006: offices, route countries, message recipient.

use serde_json::json;

use super::{assert_has, assert_only, base, check, day, Env};

const DEPARTURE: &str = "/CC015C/CustomsOfficeOfDeparture/referenceNumber";
const DESTINATION: &str = "/CC015C/CustomsOfficeOfDestinationDeclared/referenceNumber";

#[test]
fn unknown_office_of_departure_fails_cats001() {
    let mut v = base();
    v["CustomsOfficeOfDeparture"]["referenceNumber"] = json!("KZXXX001");
    let f = assert_only(&check(&v), "CATS001", DEPARTURE);
    assert!(
        f.reason.contains("KZXXX001") && f.reason.contains("not a customs office"),
        "{}",
        f.reason
    );
}

#[test]
fn office_of_departure_without_role_dep_fails_cats001() {
    let mut v = base();
    v["CustomsOfficeOfDeparture"]["referenceNumber"] = json!("KZKUR001");
    let f = assert_only(&check(&v), "CATS001", DEPARTURE);
    assert!(f.reason.contains("DEP"), "{}", f.reason);
}

#[test]
fn office_of_departure_closed_fails_cats001() {
    let mut v = base();
    v["CustomsOfficeOfDeparture"]["referenceNumber"] = json!("KZAAU001");
    let mut env = Env::new();
    env.catalog
        .offices
        .get_mut("KZAAU001")
        .expect("office")
        .valid_to = Some(day(2025, 6, 1));
    // KZAAU001 is also the first office of exit: both are reported
    let failures = env.check(&v);
    assert_eq!(failures.len(), 2, "{failures:?}");
    let f = assert_has(&failures, "CATS001", DEPARTURE);
    assert!(f.reason.contains("not valid on 2025-06-02"), "{}", f.reason);
    assert_has(
        &failures,
        "CATS004",
        "/CC015C/CustomsOfficeOfExitForTransitDeclared[1]/referenceNumber",
    );
}

#[test]
fn office_valid_from_the_day_and_to_the_day_is_valid() {
    let mut env = Env::new();
    env.catalog
        .offices
        .get_mut("KZHOR001")
        .expect("office")
        .valid_from = Some(day(2025, 6, 2));
    env.catalog
        .offices
        .get_mut("GEPTI001")
        .expect("office")
        .valid_to = Some(day(2025, 6, 2));
    assert!(env.check(&base()).is_empty());
    env.catalog
        .offices
        .get_mut("KZHOR001")
        .expect("office")
        .valid_from = Some(day(2025, 6, 3));
    assert_only(&env.check(&base()), "CATS001", DEPARTURE);
}

#[test]
fn office_of_destination_without_role_des_fails_cats002() {
    let mut v = base();
    v["CustomsOfficeOfDestinationDeclared"]["referenceNumber"] = json!("AZQAZ001");
    let f = assert_only(&check(&v), "CATS002", DESTINATION);
    assert!(f.reason.contains("DES"), "{}", f.reason);
}

#[test]
fn office_of_transit_closed_fails_cats003() {
    let mut env = Env::new();
    env.catalog
        .offices
        .get_mut("AZALA001")
        .expect("office")
        .valid_to = Some(day(2025, 1, 31));
    let f = assert_only(
        &env.check(&base()),
        "CATS003",
        "/CC015C/CustomsOfficeOfTransitDeclared[1]/referenceNumber",
    );
    assert!(f.reason.contains("AZALA001"), "{}", f.reason);
}

#[test]
fn office_of_transit_without_role_tra_fails_cats003() {
    let mut env = Env::new();
    let office = env.catalog.offices.get_mut("GERBR001").expect("office");
    office.roles.remove(&crate::reference::OfficeRole::Tra);
    let f = assert_only(
        &env.check(&base()),
        "CATS003",
        "/CC015C/CustomsOfficeOfTransitDeclared[2]/referenceNumber",
    );
    assert!(f.reason.contains("TRA"), "{}", f.reason);
}

#[test]
fn office_of_exit_without_role_ext_fails_cats004() {
    let mut env = Env::new();
    let office = env.catalog.offices.get_mut("AZQAZ001").expect("office");
    office.roles.remove(&crate::reference::OfficeRole::Ext);
    let f = assert_only(
        &env.check(&base()),
        "CATS004",
        "/CC015C/CustomsOfficeOfExitForTransitDeclared[2]/referenceNumber",
    );
    assert!(f.reason.contains("EXT"), "{}", f.reason);
}

#[test]
fn routing_country_ru_fails_cats005_naming_ru() {
    let mut v = base();
    v["Consignment"]["CountryOfRoutingOfConsignment"][1]["country"] = json!("RU");
    let failures = check(&v);
    let f = assert_has(
        &failures,
        "CATS005",
        "/CC015C/Consignment/CountryOfRoutingOfConsignment[2]/country",
    );
    assert!(f.reason.contains("RU"), "{}", f.reason);
    assert!(
        f.reason.contains("AZ, GE, KZ, TM, UZ"),
        "lists the participating countries: {}",
        f.reason
    );
    // the guarantee is not valid in RU either
    let g = assert_has(
        &failures,
        "CATS019",
        "/CC015C/Guarantee[1]/GuaranteeReference[1]/GRN",
    );
    assert!(g.reason.contains("RU"), "{}", g.reason);
    assert_eq!(failures.len(), 2, "{failures:?}");
}

#[test]
fn unknown_routing_country_fails_cats005() {
    let mut v = base();
    v["Consignment"]["CountryOfRoutingOfConsignment"][2]["country"] = json!("TR");
    let mut env = Env::new();
    env.guarantee().countries.push("TR".parse().unwrap());
    let f = assert_only(
        &env.check(&v),
        "CATS005",
        "/CC015C/Consignment/CountryOfRoutingOfConsignment[3]/country",
    );
    assert!(f.reason.contains("TR"), "{}", f.reason);
}

#[test]
fn office_in_a_country_not_taking_part_fails_cats005_too() {
    let mut v = base();
    v["CustomsOfficeOfTransitDeclared"][0]["referenceNumber"] = json!("CNKHG001");
    let mut env = Env::new();
    env.guarantee().countries.push("CN".parse().unwrap());
    let failures = env.check(&v);
    let pointer = "/CC015C/CustomsOfficeOfTransitDeclared[1]/referenceNumber";
    assert_has(&failures, "CATS003", pointer);
    let f = assert_has(&failures, "CATS005", pointer);
    assert!(f.reason.contains("CN"), "{}", f.reason);
    assert_eq!(failures.len(), 2, "{failures:?}");
}

#[test]
fn message_recipient_of_another_country_fails_cats006() {
    let mut v = base();
    v["messageRecipient"] = json!("NTA.GB");
    let f = assert_only(&check(&v), "CATS006", "/CC015C/messageRecipient");
    assert!(
        f.reason.contains("NTA.GB") && f.reason.contains("NTA.KZ"),
        "{}",
        f.reason
    );
}

#[test]
fn message_recipient_follows_the_office_of_departure() {
    let mut v = base();
    v["CustomsOfficeOfDeparture"]["referenceNumber"] = json!("AZALA001");
    v["messageRecipient"] = json!("NTA.AZ");
    assert!(check(&v).is_empty());
    v["messageRecipient"] = json!("NTA.KZ");
    assert_only(&check(&v), "CATS006", "/CC015C/messageRecipient");
}
