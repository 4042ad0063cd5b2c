//! Every failure is reported, never only the first.

use serde_json::json;

use super::{assert_has, base, n, Env};
use crate::rules::RULES;

#[test]
fn four_problems_give_four_failures() {
    let mut v = base();
    v["messageRecipient"] = json!("NTA.GB");
    v["Consignment"]["CountryOfRoutingOfConsignment"][2]["sequenceNumber"] = json!(4);
    v["Consignment"]["HouseConsignment"][0]["ConsignmentItem"][0]["Commodity"]["GoodsMeasure"]
        ["netMass"] = n("9000");
    v["Guarantee"][0]["GuaranteeReference"][0]["accessCode"] = json!("0000");
    let failures = Env::new().check(&v);
    assert_has(&failures, "CATS006", "/CC015C/messageRecipient");
    assert_has(
        &failures,
        "R0987",
        "/CC015C/Consignment/CountryOfRoutingOfConsignment[3]/sequenceNumber",
    );
    assert_has(
        &failures,
        "R0223",
        "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/Commodity/GoodsMeasure/netMass",
    );
    assert_has(
        &failures,
        "CATS017",
        "/CC015C/Guarantee[1]/GuaranteeReference[1]/accessCode",
    );
    assert_eq!(failures.len(), 4, "{failures:?}");
}

#[test]
fn a_bad_declaration_reports_a_dozen_rules() {
    let mut v = base();
    v["CustomsOfficeOfDeparture"]["referenceNumber"] = json!("KZKUR001"); // CATS001
    v["CustomsOfficeOfDestinationDeclared"]["referenceNumber"] = json!("GERBR001"); // CATS002
    v["messageRecipient"] = json!("NTA.AZ"); // CATS006
    v["TransitOperation"]["security"] = json!("7"); // CATS008
    v["TransitOperation"]["TIRCarnetNumber"] = json!("XA12345678"); // C0411 (15: not allowed)
    v["Consignment"]["TransportEquipment"][0]["Seal"][1]["sequenceNumber"] = json!(3); // R0987
    v["Consignment"]["grossMass"] = n("1"); // R0994
    let item = &mut v["Consignment"]["HouseConsignment"][0]["ConsignmentItem"][1];
    item["goodsItemNumber"] = json!(5); // CATS009
    item["Commodity"]["CommodityCode"]["harmonizedSystemSubHeadingCode"] = json!("930100"); // CATS011 + CATS012
    v["Consignment"]["TransportEquipment"][0]["containerIdentificationNumber"] =
        json!("CSQU3054380"); // R0028
    v["Guarantee"][0]["GuaranteeReference"][0]["currency"] = json!("EUR"); // CATS021
    let mut env = Env::new();
    env.lrn_in_use = true; // CATS014
    env.holder.as_mut().expect("holder").active = false; // CATS007
    let failures = env.check(&v);
    let ids: std::collections::BTreeSet<&str> =
        failures.iter().map(|f| f.rule_id.as_str()).collect();
    let expected = [
        "CATS001", "CATS002", "CATS006", "CATS007", "CATS008", "C0411", "R0987", "R0994",
        "CATS009", "CATS011", "CATS012", "R0028", "CATS014", "CATS021",
    ];
    assert_eq!(ids, expected.into_iter().collect(), "{failures:#?}");
    assert_eq!(failures.len(), expected.len(), "{failures:#?}");
    // failures come in the order of RULES ("in the order they run")
    let index = |id: &str| RULES.iter().position(|r| r.id == id).expect("a known rule");
    let order: Vec<usize> = failures.iter().map(|f| index(&f.rule_id)).collect();
    assert!(
        order.windows(2).all(|w| w[0] <= w[1]),
        "{:?}",
        failures.iter().map(|f| &f.rule_id).collect::<Vec<_>>()
    );
    // every failure names a rule of the table, with its error code
    for f in &failures {
        let rule = RULES
            .iter()
            .find(|r| r.id == f.rule_id)
            .expect("a known rule");
        let code = if f.rule_id == "C0411" {
            15
        } else {
            rule.error_code
        };
        assert_eq!(f.error_code, code, "{}", f.rule_id);
        assert!(f.pointer.starts_with("/CC015C/"), "{}", f.pointer);
    }
}

#[test]
fn every_house_and_item_is_checked_not_only_the_first() {
    let mut v = base();
    for i in 0..2 {
        let item = &mut v["Consignment"]["HouseConsignment"][0]["ConsignmentItem"][i];
        item["Commodity"]["GoodsMeasure"]["netMass"] = n("99999");
        item["Commodity"]["CommodityCode"]["harmonizedSystemSubHeadingCode"] = json!("930690");
    }
    let failures = Env::new().check(&v);
    for i in 1..=2 {
        let ip = format!("/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[{i}]");
        assert_has(
            &failures,
            "R0223",
            &format!("{ip}/Commodity/GoodsMeasure/netMass"),
        );
        assert_has(
            &failures,
            "CATS012",
            &format!("{ip}/Commodity/CommodityCode/harmonizedSystemSubHeadingCode"),
        );
    }
    assert_eq!(failures.len(), 4, "{failures:?}");
}
