//! CATS007 (holder), C0411 (TIR carnet), CATS008 (codes), CATS014 (LRN in use).

use serde_json::json;

use super::{assert_only, base, check, Env};
use crate::rules::HolderRegistration;

const HOLDER_ID: &str = "/CC015C/HolderOfTheTransitProcedure/identificationNumber";
const CARNET: &str = "/CC015C/TransitOperation/TIRCarnetNumber";

#[test]
fn inactive_holder_fails_cats007() {
    let mut env = Env::new();
    env.holder.as_mut().expect("holder").active = false;
    let f = assert_only(&env.check(&base()), "CATS007", HOLDER_ID);
    assert!(f.reason.contains("no approved"), "{}", f.reason);
}

#[test]
fn insurer_as_holder_fails_cats007() {
    let mut env = Env::new();
    env.holder = Some(HolderRegistration {
        identification_number: super::HOLDER.parse().unwrap(),
        kind: "insurer".into(),
        active: true,
        aeo: false,
    });
    let f = assert_only(&env.check(&base()), "CATS007", HOLDER_ID);
    assert!(f.reason.contains("insurer"), "{}", f.reason);
}

#[test]
fn unregistered_holder_fails_cats007() {
    let mut env = Env::new();
    env.holder = None;
    let f = assert_only(&env.check(&base()), "CATS007", HOLDER_ID);
    assert!(f.reason.contains("not registered"), "{}", f.reason);
}

#[test]
fn missing_holder_id_fails_cats007_only() {
    let mut v = base();
    v["HolderOfTheTransitProcedure"]
        .as_object_mut()
        .expect("holder object")
        .remove("identificationNumber");
    let mut env = Env::new();
    env.holder = None;
    // CATS007 says it; the guarantee rule CATS020 does not repeat it with an empty holder
    let f = assert_only(&env.check(&v), "CATS007", HOLDER_ID);
    assert!(f.reason.contains("required"), "{}", f.reason);
}

#[test]
fn tir_without_carnet_fails_c0411() {
    let mut v = super::guarantee::tir(base());
    v["TransitOperation"]
        .as_object_mut()
        .expect("transit operation")
        .remove("TIRCarnetNumber");
    let f = assert_only(&check(&v), "C0411", CARNET);
    assert!(f.reason.contains("carnet"), "{}", f.reason);
}

#[test]
fn carnet_without_tir_fails_c0411() {
    let mut v = base();
    v["TransitOperation"]["TIRCarnetNumber"] = json!("XA12345678");
    let failures = check(&v);
    assert_eq!(failures[0].error_code, 15, "not allowed: CL180 15");
    let mut f = failures[0].clone();
    f.error_code = 13; // the rule's own code, for assert_only
    let f = assert_only(&[f], "C0411", CARNET);
    assert!(
        f.reason.contains("XA12345678") && f.reason.contains("T1"),
        "{}",
        f.reason
    );
}

#[test]
fn unknown_codes_fail_cats008_each() {
    for (field, value) in [
        ("declarationType", "T9"),
        ("additionalDeclarationType", "B"),
        ("security", "4"),
    ] {
        let mut v = base();
        v["TransitOperation"][field] = json!(value);
        let f = assert_only(
            &check(&v),
            "CATS008",
            &format!("/CC015C/TransitOperation/{field}"),
        );
        assert!(f.reason.contains(value), "{}", f.reason);
    }
}

#[test]
fn every_declaration_type_and_security_is_accepted() {
    for t in ["T", "T1", "T2", "T2F"] {
        let mut v = base();
        v["TransitOperation"]["declarationType"] = json!(t);
        if t == "T" {
            // each item gives its own type (NCTS C0045)
            let items = &mut v["Consignment"]["HouseConsignment"][0]["ConsignmentItem"];
            items[0]["declarationType"] = json!("T1");
            items[1]["declarationType"] = json!("T2");
        }
        assert!(check(&v).is_empty(), "{t}");
    }
    for s in ["0", "1", "2", "3"] {
        let mut v = base();
        v["TransitOperation"]["security"] = json!(s);
        v["TransitOperation"]["additionalDeclarationType"] = json!("D");
        // an entry summary names the place of unloading (NCTS C0191)
        v["Consignment"]["PlaceOfUnloading"] = json!({ "UNLocode": "GEPTI" });
        assert!(check(&v).is_empty(), "security {s}");
    }
}

#[test]
fn lrn_in_use_fails_cats014() {
    let mut env = Env::new();
    env.lrn_in_use = true;
    let f = assert_only(
        &env.check(&base()),
        "CATS014",
        "/CC015C/TransitOperation/LRN",
    );
    assert!(f.reason.contains("LRN-KZ-2025-0001"), "{}", f.reason);
}
