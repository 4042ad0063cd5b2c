//! The NCTS conditions' other branch (CL180 13 where an element is missing, 15 where it is not
//! allowed) and the cases where a rule must stay quiet.

use serde_json::{json, Value};

use super::guarantee::tir;
use super::{assert_has, base, check, RuleFailure};

const C: &str = "/CC015C/Consignment";
const ITEM1: &str = "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]";

fn item(v: &mut Value, i: usize) -> &mut Value {
    &mut v["Consignment"]["HouseConsignment"][0]["ConsignmentItem"][i]
}

fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().expect("an object").remove(key);
}

/// An export MRN (procedure letter A) with its check digit.
fn export_mrn() -> String {
    let mut mrn = String::from("25KZ000000000123A");
    let digit = crate::ids::check_digit(&mrn).expect("a check digit");
    mrn.push(char::from(b'0' + digit));
    mrn
}

/// Exactly one failure, of `id` at `pointer` with CL180 `code`.
fn only(failures: &[RuleFailure], id: &str, pointer: &str, code: u16) {
    assert!(
        failures.len() == 1 && failures[0].rule_id == id && failures[0].pointer == pointer,
        "expected only {id} at {pointer}, got {failures:#?}"
    );
    assert_eq!(failures[0].error_code, code, "{id} at {pointer}");
}

/// A second house consignment (one item, declaration item 3) that the base's masses allow.
pub(super) fn two_houses(v: &mut Value) {
    v["Consignment"]["grossMass"] = json!(13500.5);
    let mut house = v["Consignment"]["HouseConsignment"][0].clone();
    house["sequenceNumber"] = json!(2);
    house["grossMass"] = json!(1000);
    let mut one = house["ConsignmentItem"][1].clone();
    one["goodsItemNumber"] = json!(1);
    one["declarationGoodsItemNumber"] = json!(3);
    one["Commodity"]["GoodsMeasure"] = json!({ "grossMass": 1000, "netMass": 950 });
    house["ConsignmentItem"] = json!([one]);
    v["Consignment"]["HouseConsignment"]
        .as_array_mut()
        .expect("houses")
        .push(house);
}

#[test]
fn tir_holder_id_without_tir_is_not_allowed() {
    let mut v = base();
    v["HolderOfTheTransitProcedure"]["TIRHolderIdentificationNumber"] = json!("KAZ/123/45");
    let p = "/CC015C/HolderOfTheTransitProcedure/TIRHolderIdentificationNumber";
    only(&check(&v), "C0904", p, 15);
}

#[test]
fn guarantee_type_8_needs_its_other_reference() {
    let mut v = base();
    v["Guarantee"][0]["guaranteeType"] = json!("8");
    let f = check(&v);
    let c0130 = assert_has(&f, "CATS015", "/CC015C/Guarantee[1]/guaranteeType");
    assert_eq!(c0130.error_code, 14);
    let missing = f.iter().find(|f| f.rule_id == "C0130").expect("C0130");
    assert_eq!(
        (missing.pointer.as_str(), missing.error_code),
        ("/CC015C/Guarantee[1]/otherGuaranteeReference", 13)
    );
}

#[test]
fn declaration_type_t_needs_the_type_of_every_item() {
    let mut v = base();
    v["TransitOperation"]["declarationType"] = json!("T");
    item(&mut v, 1)["declarationType"] = json!("T2");
    only(&check(&v), "C0045", &format!("{ITEM1}/declarationType"), 13);
    // the same type on every item belongs to the declaration (R0507)
    item(&mut v, 0)["declarationType"] = json!("T2");
    only(&check(&v), "R0507", &format!("{ITEM1}/declarationType"), 14);
}

#[test]
fn country_of_dispatch_at_no_level_is_missing_per_item() {
    let mut v = base();
    remove(&mut v["Consignment"], "countryOfDispatch");
    let f = check(&v);
    assert_eq!(f.len(), 2, "{f:#?}");
    assert!(
        f.iter().all(|f| f.rule_id == "C0909" && f.error_code == 13),
        "{f:#?}"
    );
    // given per house consignment instead, when they differ
    two_houses(&mut v);
    v["Consignment"]["HouseConsignment"][0]["countryOfDispatch"] = json!("KZ");
    v["Consignment"]["HouseConsignment"][1]["countryOfDispatch"] = json!("CN");
    assert!(check(&v).is_empty(), "{:#?}", check(&v));
    // the same in every house consignment: R0506
    v["Consignment"]["HouseConsignment"][1]["countryOfDispatch"] = json!("KZ");
    only(
        &check(&v),
        "R0506",
        &format!("{C}/HouseConsignment[1]/countryOfDispatch"),
        14,
    );
}

#[test]
fn country_of_destination_at_house_and_item_is_not_allowed_twice() {
    let mut v = base();
    remove(&mut v["Consignment"], "countryOfDestination");
    two_houses(&mut v);
    v["Consignment"]["HouseConsignment"][0]["countryOfDestination"] = json!("GE");
    v["Consignment"]["HouseConsignment"][1]["countryOfDestination"] = json!("AZ");
    item(&mut v, 0)["countryOfDestination"] = json!("GE");
    only(
        &check(&v),
        "C0343",
        &format!("{ITEM1}/countryOfDestination"),
        15,
    );
}

#[test]
fn ucr_is_required_per_item_without_a_transport_document() {
    let mut v = base();
    remove(&mut v["Consignment"], "TransportDocument");
    let f = check(&v);
    assert_eq!(f.len(), 2, "{f:#?}");
    assert!(
        f.iter().all(|f| f.rule_id == "C0502" && f.error_code == 13),
        "{f:#?}"
    );
    v["Consignment"]["referenceNumberUCR"] = json!("5KZ840000123456-2025");
    assert!(check(&v).is_empty());
}

#[test]
fn consignor_per_house_when_the_consignment_has_one_is_not_allowed() {
    let mut v = base();
    two_houses(&mut v);
    v["Consignment"]["Consignor"] = json!({ "identificationNumber": "CN9133010012345" });
    v["Consignment"]["HouseConsignment"][1]["Consignor"] =
        json!({ "identificationNumber": "CN9133010099999" });
    only(
        &check(&v),
        "C0542",
        &format!("{C}/HouseConsignment[2]/Consignor"),
        15,
    );
}

#[test]
fn holder_without_identification_number_is_named_and_addressed() {
    let mut v = base();
    let holder = &mut v["HolderOfTheTransitProcedure"];
    remove(holder, "identificationNumber");
    remove(holder, "Address");
    let f = check(&v);
    let p = "/CC015C/HolderOfTheTransitProcedure/Address";
    assert!(f
        .iter()
        .any(|f| f.rule_id == "C0250" && f.pointer == p && f.error_code == 13));
    // a consignee with its identification number needs neither
    let mut v = base();
    v["Consignment"]["Consignee"] = json!({ "identificationNumber": "GE404123456" });
    assert!(check(&v).is_empty());
}

#[test]
fn equipment_and_seals_that_are_not_allowed() {
    // transport equipment without the container indicator
    let mut v = base();
    remove(&mut v["Consignment"], "containerIndicator");
    v["TransitOperation"]["additionalDeclarationType"] = json!("D");
    only(
        &check(&v),
        "C0823",
        &format!("{C}/TransportEquipment[1]"),
        15,
    );
    // container numbers with indicator 0
    let mut v = base();
    v["Consignment"]["containerIndicator"] = json!("0");
    let p = format!("{C}/TransportEquipment[1]/containerIdentificationNumber");
    only(&check(&v), "C0055", &p, 15);
    // seals listed although numberOfSeals is 0
    let mut v = base();
    v["Consignment"]["TransportEquipment"][0]["numberOfSeals"] = json!(0);
    only(
        &check(&v),
        "C0569",
        &format!("{C}/TransportEquipment[1]/Seal[1]"),
        15,
    );
}

#[test]
fn border_mode_5_has_no_active_border_means() {
    let mut v = base();
    v["Consignment"]["modeOfTransportAtTheBorder"] = json!("5");
    v["Consignment"]["ActiveBorderTransportMeans"] =
        json!([{ "sequenceNumber": 1, "nationality": "AZ" }]);
    let p = format!("{C}/ActiveBorderTransportMeans[1]");
    only(&check(&v), "C0806", &p, 15);
}

#[test]
fn location_of_goods_by_another_element_than_its_qualifier_is_not_allowed() {
    let mut v = base();
    v["Consignment"]["LocationOfGoods"]["UNLocode"] = json!("KZKHG");
    only(
        &check(&v),
        "C0394",
        &format!("{C}/LocationOfGoods/UNLocode"),
        15,
    );
    v["Consignment"]["LocationOfGoods"]["qualifierOfIdentification"] = json!("U");
    only(
        &check(&v),
        "C0394",
        &format!("{C}/LocationOfGoods/CustomsOffice"),
        15,
    );
}

#[test]
fn packaging_number_and_net_mass_that_are_missing() {
    let mut v = base();
    remove(&mut item(&mut v, 1)["Packaging"][0], "numberOfPackages");
    let p = format!("{C}/HouseConsignment[1]/ConsignmentItem[2]/Packaging[1]/numberOfPackages");
    only(&check(&v), "C0060", &p, 13);
    // bulk without a number, unpacked with one: both right
    let mut v = base();
    item(&mut v, 0)["Packaging"][0] = json!({ "sequenceNumber": 1, "typeOfPackages": "VR" });
    item(&mut v, 1)["Packaging"][0] =
        json!({ "sequenceNumber": 1, "typeOfPackages": "NF", "numberOfPackages": 1 });
    assert!(check(&v).is_empty(), "{:#?}", check(&v));
    // export followed by transit: net mass required
    let mut v = base();
    v["Consignment"]["HouseConsignment"][0]["PreviousDocument"] =
        json!([{ "sequenceNumber": 1, "type": "N830", "referenceNumber": export_mrn() }]);
    remove(&mut item(&mut v, 0)["Commodity"]["GoodsMeasure"], "netMass");
    let p = format!("{ITEM1}/Commodity/GoodsMeasure/netMass");
    only(&check(&v), "C0837", &p, 13);
}

#[test]
fn unit_without_quantity_is_not_allowed() {
    let mut v = base();
    item(&mut v, 0)["PreviousDocument"] = json!([{ "sequenceNumber": 1, "type": "N821",
        "referenceNumber": "KZ-EX-1", "measurementUnitAndQualifier": "KGM" }]);
    let p = format!("{ITEM1}/PreviousDocument[1]/measurementUnitAndQualifier");
    only(&check(&v), "C0298", &p, 15);
}

#[test]
fn zero_packages_shared_with_another_item_pass() {
    let mut v = base();
    item(&mut v, 0)["Packaging"][0]["shippingMarks"] = json!("KZ-1");
    item(&mut v, 1)["Packaging"][0] = json!({ "sequenceNumber": 1, "typeOfPackages": "CT", "numberOfPackages": 0, "shippingMarks": "KZ-1" });
    assert!(check(&v).is_empty(), "{:#?}", check(&v));
}

#[test]
fn road_vehicle_with_two_trailers_passes_and_a_fourth_means_does_not() {
    let mut v = base();
    v["Consignment"]["inlandModeOfTransport"] = json!("3");
    let m = |i: usize, t: &str| {
        json!({ "sequenceNumber": i, "typeOfIdentification": t,
        "identificationNumber": format!("777ABZ0{i}"), "nationality": "KZ" })
    };
    v["Consignment"]["DepartureTransportMeans"] = json!([m(1, "30"), m(2, "31"), m(3, "31")]);
    assert!(check(&v).is_empty(), "{:#?}", check(&v));
    v["Consignment"]["DepartureTransportMeans"]
        .as_array_mut()
        .expect("means")
        .push(m(4, "31"));
    only(
        &check(&v),
        "R0855",
        &format!("{C}/DepartureTransportMeans[4]"),
        14,
    );
    // not again per house consignment (C0826)
    let mut v2 = base();
    v2["Consignment"]["inlandModeOfTransport"] = json!("3");
    v2["Consignment"]["DepartureTransportMeans"] = json!([m(1, "30")]);
    v2["Consignment"]["HouseConsignment"][0]["DepartureTransportMeans"] = json!([m(1, "30")]);
    let f = check(&v2);
    assert!(
        f.iter().any(|f| f.rule_id == "C0826" && f.error_code == 15),
        "{f:#?}"
    );
}

#[test]
fn tir_with_its_holder_id_passes() {
    assert!(check(&tir(base())).is_empty());
}

#[test]
fn safety_and_security_data_complete_pass() {
    let mut v = base();
    v["TransitOperation"]["security"] = json!("3");
    v["Consignment"]["ActiveBorderTransportMeans"] = json!([{ "sequenceNumber": 1,
        "typeOfIdentification": "11", "identificationNumber": "PROFESSOR GUL", "nationality": "AZ" }]);
    v["Consignment"]["PlaceOfUnloading"] = json!({ "country": "GE", "location": "Poti" });
    v["Consignment"]["TransportCharges"] = json!({ "methodOfPayment": "A" });
    assert!(check(&v).is_empty(), "{:#?}", check(&v));
}

#[test]
fn an_export_mrn_passes_r0416() {
    let mrn = export_mrn();
    let mut v = base();
    v["Consignment"]["HouseConsignment"][0]["PreviousDocument"] =
        json!([{ "sequenceNumber": 1, "type": "N830", "referenceNumber": mrn }]);
    assert!(check(&v).is_empty(), "{:#?}", check(&v));
}

#[test]
fn the_corridor_fixture_passes_every_rule() {
    // the sample declaration other crates lodge (cats-ncts, cats-app, cats-cli), in the test
    // context, which knows its offices, holder and guarantee
    let text = include_str!("../../../../cats-ncts/tests/fixtures/cc015c-corridor.json");
    let document: Value = serde_json::from_str(text).expect("the fixture is JSON");
    let failures = check(&document["n1:CC015C"]);
    assert!(failures.is_empty(), "{failures:#?}");
}
