//! R0987 (sequence numbers) and CATS009 (item numbers).

use proptest::prelude::*;
use serde_json::{json, Value};

use super::{assert_all, assert_has, assert_only, base, check, decl, n};
use crate::rules::{sequence, sequence_walk};

const ROUTING: &str = "/CC015C/Consignment/CountryOfRoutingOfConsignment";
const SEAL: &str = "/CC015C/Consignment/TransportEquipment[1]/Seal";

fn set_seq(list: &mut Value, numbers: &[u32]) {
    for (i, s) in numbers.iter().enumerate() {
        list[i]["sequenceNumber"] = json!(s);
    }
}

#[test]
fn routing_numbered_1_3_fails_r0987_at_the_second() {
    let mut v = base();
    set_seq(
        &mut v["Consignment"]["CountryOfRoutingOfConsignment"],
        &[1, 3, 2],
    );
    let failures = check(&v);
    assert_has(&failures, "R0987", &format!("{ROUTING}[2]/sequenceNumber"));
    assert_has(&failures, "R0987", &format!("{ROUTING}[3]/sequenceNumber"));
    assert_eq!(failures.len(), 2, "{failures:?}");

    let mut v = base();
    v["Consignment"]["CountryOfRoutingOfConsignment"]
        .as_array_mut()
        .expect("routing")
        .truncate(2);
    set_seq(
        &mut v["Consignment"]["CountryOfRoutingOfConsignment"],
        &[1, 3],
    );
    let f = assert_only(&check(&v), "R0987", &format!("{ROUTING}[2]/sequenceNumber"));
    assert!(
        f.reason.contains("CountryOfRoutingOfConsignment") && f.reason.contains('3'),
        "{}",
        f.reason
    );
}

#[test]
fn seals_numbered_1_3_fail_r0987() {
    let mut v = base();
    set_seq(
        &mut v["Consignment"]["TransportEquipment"][0]["Seal"],
        &[1, 3],
    );
    assert_only(&check(&v), "R0987", &format!("{SEAL}[2]/sequenceNumber"));
}

#[test]
fn sequence_starting_at_0_fails_r0987() {
    let mut v = base();
    v["Guarantee"][0]["GuaranteeReference"][0]["sequenceNumber"] = json!(0);
    assert_only(
        &check(&v),
        "R0987",
        "/CC015C/Guarantee[1]/GuaranteeReference[1]/sequenceNumber",
    );
}

#[test]
fn nested_groups_are_numbered_on_their_own() {
    // both items have Packaging[1] number 1: each group starts again at 1
    assert!(check(&base()).is_empty());
    let mut v = base();
    v["Consignment"]["HouseConsignment"][0]["ConsignmentItem"][1]["Packaging"][0]
        ["sequenceNumber"] = json!(2);
    assert_only(
        &check(&v),
        "R0987",
        "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[2]/Packaging[1]/sequenceNumber",
    );
    let mut v = base();
    v["Consignment"]["HouseConsignment"][0]["sequenceNumber"] = json!(2);
    assert_only(
        &check(&v),
        "R0987",
        "/CC015C/Consignment/HouseConsignment[1]/sequenceNumber",
    );
    let mut v = base();
    v["Consignment"]["TransportEquipment"][0]["GoodsReference"][1]["sequenceNumber"] = json!(1);
    assert_only(
        &check(&v),
        "R0987",
        "/CC015C/Consignment/TransportEquipment[1]/GoodsReference[2]/sequenceNumber",
    );
}

#[test]
fn goods_item_number_not_running_fails_cats009() {
    let mut v = base();
    v["Consignment"]["HouseConsignment"][0]["ConsignmentItem"][1]["goodsItemNumber"] = json!(1);
    let f = assert_only(
        &check(&v),
        "CATS009",
        "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[2]/goodsItemNumber",
    );
    assert!(f.reason.contains("must be 2"), "{}", f.reason);
}

#[test]
fn declaration_goods_item_number_not_running_fails_cats009() {
    let mut v = base();
    v["Consignment"]["HouseConsignment"][0]["ConsignmentItem"][0]["declarationGoodsItemNumber"] =
        json!(2);
    // no goods reference to the item number 1 that no longer exists (NCTS G0006)
    v["Consignment"]["TransportEquipment"][0]["GoodsReference"] =
        json!([{ "sequenceNumber": 1, "declarationGoodsItemNumber": 2 }]);
    let f = assert_only(
        &check(&v),
        "CATS009",
        "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/declarationGoodsItemNumber",
    );
    assert!(f.reason.contains("must be 1"), "{}", f.reason);
}

/// A second house consignment with one item: goodsItemNumber restarts at 1, the declaration's
/// item number goes on at 3.
fn two_houses() -> Value {
    let mut v = base();
    v["Consignment"]["grossMass"] = n("13500.5");
    let mut house = v["Consignment"]["HouseConsignment"][0].clone();
    house["sequenceNumber"] = json!(2);
    house["grossMass"] = n("1000");
    let mut item = house["ConsignmentItem"][1].clone();
    item["goodsItemNumber"] = json!(1);
    item["declarationGoodsItemNumber"] = json!(3);
    item["Commodity"]["GoodsMeasure"] = json!({ "grossMass": n("1000"), "netMass": n("950") });
    house["ConsignmentItem"] = json!([item]);
    v["Consignment"]["HouseConsignment"]
        .as_array_mut()
        .expect("houses")
        .push(house);
    v
}

#[test]
fn item_numbers_over_two_house_consignments() {
    assert!(check(&two_houses()).is_empty());

    let mut v = two_houses();
    v["Consignment"]["HouseConsignment"][1]["ConsignmentItem"][0]["goodsItemNumber"] = json!(3);
    assert_only(
        &check(&v),
        "CATS009",
        "/CC015C/Consignment/HouseConsignment[2]/ConsignmentItem[1]/goodsItemNumber",
    );

    let mut v = two_houses();
    v["Consignment"]["HouseConsignment"][1]["ConsignmentItem"][0]["declarationGoodsItemNumber"] =
        json!(1);
    assert_only(
        &check(&v),
        "CATS009",
        "/CC015C/Consignment/HouseConsignment[2]/ConsignmentItem[1]/declarationGoodsItemNumber",
    );
}

/// Sequence numbers of length 1..=6, each 0..=8, that are not 1, 2, … n.
fn not_running() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(0u32..=8, 1..=6).prop_filter("not 1..n", |s| {
        s.iter().enumerate().any(|(i, &x)| x != i as u32 + 1)
    })
}

/// The pointers R0987 must name: every position whose number is not its place.
fn expected(group: &str, numbers: &[u32]) -> Vec<String> {
    numbers
        .iter()
        .enumerate()
        .filter(|&(i, &x)| x != i as u32 + 1)
        .map(|(i, _)| format!("{group}[{}]/sequenceNumber", i + 1))
        .collect()
}

proptest! {
    #[test]
    fn r0987_fires_for_every_misnumbered_routing(numbers in not_running()) {
        let mut v = base();
        let countries = ["KZ", "AZ", "GE"];
        v["Consignment"]["CountryOfRoutingOfConsignment"] = numbers
            .iter()
            .enumerate()
            .map(|(i, s)| json!({ "sequenceNumber": s, "country": countries[i % 3] }))
            .collect();
        let failures = check(&v);
        assert_all(&failures, "R0987");
        let pointers: Vec<String> = failures.iter().map(|f| f.pointer.clone()).collect();
        prop_assert_eq!(pointers, expected(ROUTING, &numbers));
    }

    #[test]
    fn r0987_fires_for_every_permutation_of_seals_but_the_identity(
        perm in Just((1u32..=5).collect::<Vec<_>>()).prop_shuffle()
    ) {
        let mut v = base();
        v["Consignment"]["TransportEquipment"][0]["numberOfSeals"] = json!(5);
        v["Consignment"]["TransportEquipment"][0]["Seal"] = perm
            .iter()
            .map(|s| json!({ "sequenceNumber": s, "identifier": format!("SEAL{s}") }))
            .collect();
        let failures = check(&v);
        if perm == [1, 2, 3, 4, 5] {
            prop_assert!(failures.is_empty(), "{:?}", failures);
        } else {
            assert_all(&failures, "R0987");
            let pointers: Vec<String> = failures.iter().map(|f| f.pointer.clone()).collect();
            prop_assert_eq!(pointers, expected(SEAL, &perm));
        }
    }

    #[test]
    fn running_numbers_never_fail_r0987(len in 1usize..=9) {
        let mut v = base();
        let countries = ["KZ", "AZ", "GE"];
        v["Consignment"]["CountryOfRoutingOfConsignment"] = (1..=len)
            .map(|s| json!({ "sequenceNumber": s, "country": countries[(s - 1) % 3] }))
            .collect();
        prop_assert!(check(&v).is_empty());
    }
}

/// Set the `sequenceNumber`s of `v`, in document order, to the next of `numbers` (cycling) where
/// that is `Some`, and leave them where it is `None`.
fn renumber(v: &mut Value, numbers: &mut impl Iterator<Item = Option<u32>>) {
    match v {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "sequenceNumber" {
                    if let Some(Some(n)) = numbers.next() {
                        *child = json!(n);
                    }
                } else {
                    renumber(child, numbers);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| renumber(item, numbers)),
        _ => {}
    }
}

proptest! {
    /// The walker over the typed declaration reports what the walk over its JSON `Value` reports:
    /// the same failures, pointers, reasons and order, on the one- and two-house declarations with
    /// any of their sequence numbers changed.
    #[test]
    fn r0987_without_the_json_value_reports_what_the_value_walk_does(
        two in any::<bool>(),
        numbers in prop::collection::vec(prop::option::of(0u32..=4), 1..=40),
    ) {
        let mut v = if two { two_houses() } else { base() };
        renumber(&mut v, &mut numbers.into_iter().cycle());
        let d = decl(&v);
        let mut walked = Vec::new();
        sequence_walk::check(&d, "/CC015C", &mut walked)
            .expect("the walker follows every shape of a CC015C");
        let mut reference = Vec::new();
        sequence::sequence_numbers_in_value(&d, &mut reference);
        prop_assert_eq!(walked, reference);
    }
}

#[test]
fn r0987_walker_and_value_walk_agree_when_every_number_is_wrong() {
    let mut v = two_houses();
    renumber(&mut v, &mut std::iter::repeat(Some(0)));
    let d = decl(&v);
    let mut walked = Vec::new();
    sequence_walk::check(&d, "/CC015C", &mut walked).expect("a CC015C is followed");
    let mut reference = Vec::new();
    sequence::sequence_numbers_in_value(&d, &mut reference);
    assert!(walked.len() > 10, "{walked:?}");
    assert_eq!(walked, reference);
}
