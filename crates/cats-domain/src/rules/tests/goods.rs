//! CATS010 (masses positive), R0994, R0983, R0223 (masses add up), CATS011 (HS code exists),
//! CATS012 and CATS013 (restricted goods), R0028 (container number).

use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::{assert_has, assert_only, base, check, n, Env};
use crate::reference::HsEntry;

const HOUSE: &str = "/CC015C/Consignment/HouseConsignment[1]";
const ITEM1: &str = "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]";
const ITEM2: &str = "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[2]";

fn item(v: &mut Value, i: usize) -> &mut Value {
    &mut v["Consignment"]["HouseConsignment"][0]["ConsignmentItem"][i]
}

fn set_hs(v: &mut Value, i: usize, code: &str) {
    item(v, i)["Commodity"]["CommodityCode"]["harmonizedSystemSubHeadingCode"] = json!(code);
}

fn hs_pointer(item: &str) -> String {
    format!("{item}/Commodity/CommodityCode/harmonizedSystemSubHeadingCode")
}

#[test]
fn zero_masses_fail_cats010() {
    // consignment 0: also below its house consignment (R0994)
    let mut v = base();
    v["Consignment"]["grossMass"] = n("0");
    let failures = check(&v);
    assert_has(&failures, "CATS010", "/CC015C/Consignment/grossMass");
    assert_has(&failures, "R0994", "/CC015C/Consignment/grossMass");
    assert_eq!(failures.len(), 2, "{failures:?}");

    // house 0: also below its items (R0983)
    let mut v = base();
    v["Consignment"]["HouseConsignment"][0]["grossMass"] = n("0.000000");
    let failures = check(&v);
    assert_has(&failures, "CATS010", &format!("{HOUSE}/grossMass"));
    assert_has(&failures, "R0983", &format!("{HOUSE}/grossMass"));
    assert_eq!(failures.len(), 2, "{failures:?}");

    // item 0 without net mass: CATS010 only
    let mut v = base();
    item(&mut v, 1)["Commodity"]["GoodsMeasure"] = json!({ "grossMass": n("0") });
    let f = assert_only(
        &check(&v),
        "CATS010",
        &format!("{ITEM2}/Commodity/GoodsMeasure/grossMass"),
    );
    assert!(f.reason.contains("positive"), "{}", f.reason);
}

#[test]
fn negative_mass_fails_cats010() {
    let mut v = base();
    item(&mut v, 0)["Commodity"]["GoodsMeasure"] = json!({ "grossMass": n("-1") });
    assert_only(
        &check(&v),
        "CATS010",
        &format!("{ITEM1}/Commodity/GoodsMeasure/grossMass"),
    );
}

#[test]
fn house_gross_above_consignment_fails_r0994() {
    let mut v = base();
    v["Consignment"]["HouseConsignment"][0]["grossMass"] = n("12500.500001");
    let failures = check(&v);
    assert_has(&failures, "R0994", "/CC015C/Consignment/grossMass");
    assert_eq!(failures.len(), 1, "{failures:?}");
    // equal is fine
    let mut v = base();
    v["Consignment"]["HouseConsignment"][0]["grossMass"] = n("12500.5");
    assert!(check(&v).is_empty());
}

#[test]
fn items_above_house_fail_r0983() {
    let mut v = base();
    item(&mut v, 1)["Commodity"]["GoodsMeasure"]["grossMass"] = n("4400.250001");
    let f = assert_only(&check(&v), "R0983", &format!("{HOUSE}/grossMass"));
    assert!(
        f.reason.contains("12400.5") && f.reason.contains("12400.500001"),
        "{}",
        f.reason
    );
}

#[test]
fn net_above_gross_fails_r0223() {
    let mut v = base();
    item(&mut v, 1)["Commodity"]["GoodsMeasure"]["netMass"] = n("4400.26");
    assert_only(
        &check(&v),
        "R0223",
        &format!("{ITEM2}/Commodity/GoodsMeasure/netMass"),
    );
    // net equal to gross is fine
    let mut v = base();
    item(&mut v, 1)["Commodity"]["GoodsMeasure"]["netMass"] = n("4400.25");
    assert!(check(&v).is_empty());
}

#[test]
fn items_without_goods_measure_pass_the_mass_rules() {
    let mut v = base();
    item(&mut v, 0)["Commodity"]
        .as_object_mut()
        .expect("commodity")
        .remove("GoodsMeasure");
    assert!(check(&v).is_empty());
}

#[test]
fn missing_or_unknown_hs_code_fails_cats011() {
    let mut v = base();
    item(&mut v, 0)["Commodity"]
        .as_object_mut()
        .expect("commodity")
        .remove("CommodityCode");
    assert_only(
        &check(&v),
        "CATS011",
        &format!("{ITEM1}/Commodity/CommodityCode"),
    );

    for code in ["999999", "8504", "85044A", "8504401", "850"] {
        let mut v = base();
        set_hs(&mut v, 0, code);
        let f = assert_only(&check(&v), "CATS011", &hs_pointer(ITEM1));
        assert!(f.reason.contains(code), "{}", f.reason);
    }
}

#[test]
fn any_subheading_of_a_known_heading_passes_when_no_subheadings_are_imported() {
    for code in ["850410", "850499", "940300"] {
        let mut v = base();
        set_hs(&mut v, 0, code);
        assert!(check(&v).is_empty(), "{code}");
    }
}

#[test]
fn imported_subheadings_close_the_heading() {
    let mut env = Env::new();
    env.catalog.hs.insert(
        "850440".into(),
        HsEntry {
            code: "850440".into(),
            description: "Static converters".into(),
            source: "test".into(),
        },
    );
    assert!(env.check(&base()).is_empty(), "850440 is listed");
    let mut v = base();
    set_hs(&mut v, 0, "850499");
    assert_only(&env.check(&v), "CATS011", &hs_pointer(ITEM1));
    // other headings stay open
    let mut v = base();
    set_hs(&mut v, 1, "940390");
    assert!(env.check(&v).is_empty());
}

#[test]
fn prohibited_goods_fail_cats012() {
    let mut v = base();
    set_hs(&mut v, 1, "930630");
    let f = assert_only(&check(&v), "CATS012", &hs_pointer(ITEM2));
    assert!(
        f.reason.contains("prohibited") && f.reason.contains("chapter 93"),
        "{}",
        f.reason
    );
}

#[test]
fn prohibited_goods_unknown_to_the_nomenclature_fail_both() {
    let mut v = base();
    set_hs(&mut v, 0, "930100");
    let failures = check(&v);
    assert_has(&failures, "CATS011", &hs_pointer(ITEM1));
    assert_has(&failures, "CATS012", &hs_pointer(ITEM1));
    assert_eq!(failures.len(), 2, "{failures:?}");
}

#[test]
fn prohibited_subheading_is_named_as_such() {
    let mut env = Env::new();
    env.catalog
        .restricted
        .push(crate::reference::RestrictedGoods {
            hs_prefix: "940360".into(),
            restriction: crate::reference::Restriction::Prohibited,
            reason: "test".into(),
            source: "test".into(),
        });
    let f = assert_only(&env.check(&base()), "CATS012", &hs_pointer(ITEM2));
    assert!(f.reason.contains("subheading 940360"), "{}", f.reason);
}

#[test]
fn always_controlled_goods_are_accepted() {
    let mut v = base();
    set_hs(&mut v, 1, "240210");
    assert!(
        check(&v).is_empty(),
        "always controlled is a risk matter, not a rejection"
    );
}

#[test]
fn goods_needing_an_individual_guarantee_fail_cats013_under_a_comprehensive_one() {
    let mut v = base();
    set_hs(&mut v, 0, "240220");
    let f = assert_only(&check(&v), "CATS013", &hs_pointer(ITEM1));
    assert!(
        f.reason.contains("individual guarantee") && f.reason.contains("240220"),
        "{}",
        f.reason
    );
}

#[test]
fn goods_needing_an_individual_guarantee_pass_under_tir() {
    let mut v = super::guarantee::tir(base());
    set_hs(&mut v, 0, "240220");
    assert!(check(&v).is_empty());
}

#[test]
fn wrong_container_check_digit_fails_r0028() {
    for number in ["CSQU3054384", "CSQU305438", "CSQX3054383"] {
        let mut v = base();
        v["Consignment"]["TransportEquipment"][0]["containerIdentificationNumber"] = json!(number);
        let f = assert_only(
            &check(&v),
            "R0028",
            "/CC015C/Consignment/TransportEquipment[1]/containerIdentificationNumber",
        );
        assert!(f.reason.contains(number), "{}", f.reason);
    }
}

#[test]
fn transport_equipment_without_container_passes_r0028() {
    let mut v = base();
    v["Consignment"]["TransportEquipment"][0]
        .as_object_mut()
        .expect("equipment")
        .remove("containerIdentificationNumber");
    // sealed, not containerised (NCTS C0055)
    v["Consignment"]["containerIndicator"] = json!("0");
    assert!(check(&v).is_empty());
}

#[test]
fn absurd_masses_fail_the_sums_without_panicking() {
    let max = "79228162514264337593543950335";
    let mut v = base();
    v["Consignment"]["grossMass"] = n(max);
    v["Consignment"]["HouseConsignment"][0]["grossMass"] = n(max);
    for i in 0..2 {
        item(&mut v, i)["Commodity"]["GoodsMeasure"] = json!({ "grossMass": n(max) });
    }
    assert_only(&check(&v), "R0983", &format!("{HOUSE}/grossMass"));

    let mut v = base();
    v["Consignment"]["grossMass"] = n(max);
    let mut house = v["Consignment"]["HouseConsignment"][0].clone();
    house["sequenceNumber"] = json!(2);
    house["grossMass"] = n(max);
    house["ConsignmentItem"][0]["declarationGoodsItemNumber"] = json!(3);
    house["ConsignmentItem"][1]["declarationGoodsItemNumber"] = json!(4);
    v["Consignment"]["HouseConsignment"]
        .as_array_mut()
        .expect("houses")
        .push(house);
    assert_only(&check(&v), "R0994", "/CC015C/Consignment/grossMass");
}

fn kg(micro: u64) -> Decimal {
    Decimal::new(micro as i64, 6)
}

fn num(d: Decimal) -> Value {
    n(&d.to_string())
}

/// Base declaration with these masses (kg): items (gross, net), house, consignment.
fn with_masses(items: [(Decimal, Decimal); 2], house: Decimal, consignment: Decimal) -> Value {
    let mut v = base();
    v["Consignment"]["grossMass"] = num(consignment);
    v["Consignment"]["HouseConsignment"][0]["grossMass"] = num(house);
    for (i, (gross, net)) in items.into_iter().enumerate() {
        item(&mut v, i)["Commodity"]["GoodsMeasure"] =
            json!({ "grossMass": num(gross), "netMass": num(net) });
    }
    v
}

proptest! {
    #[test]
    fn consistent_positive_masses_never_fail(
        a in 1u64..=50_000_000_000,
        b in 1u64..=50_000_000_000,
        net_a in 0u64..=1_000_000,
        net_b in 0u64..=1_000_000,
        house_extra in 0u64..=10_000_000_000,
        consignment_extra in 0u64..=10_000_000_000,
    ) {
        // net = gross × k / 1 000 000, k ∈ [0, 1]; a net mass of 0 is left out
        let net = |gross: u64, k: u64| kg(((gross as u128 * k as u128) / 1_000_000) as u64).max(kg(1));
        let house = a + b + house_extra;
        let v = with_masses(
            [(kg(a), net(a, net_a)), (kg(b), net(b, net_b))],
            kg(house),
            kg(house + consignment_extra),
        );
        let failures = check(&v);
        prop_assert!(failures.is_empty(), "{:?}", failures);
    }

    #[test]
    fn items_heavier_than_their_house_always_fail_r0983(
        a in 1u64..=50_000_000_000,
        b in 1u64..=50_000_000_000,
        short in 1u64..=1_000_000,
    ) {
        let house = (a + b).saturating_sub(short).max(1);
        prop_assume!(house < a + b);
        let v = with_masses([(kg(a), kg(a)), (kg(b), kg(b))], kg(house), kg(a + b));
        let failures = check(&v);
        assert_only(&failures, "R0983", &format!("{HOUSE}/grossMass"));
    }
}
