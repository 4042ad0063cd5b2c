//! CATS015–CATS021, CATS023 (the guarantee) and CATS022 (`shortfalls`: availability).

use serde_json::{json, Value};

use super::{assert_has, assert_only, base, check, day, decl, guarantee, n, Env, GRN};
use crate::ledger::{to_minor, GuaranteeStatus};
use crate::rules::{shortfalls, shortfalls_with};

const REF1: &str = "/CC015C/Guarantee[1]/GuaranteeReference[1]";

/// `v` turned into a TIR declaration with its carnet and a type B guarantee.
pub(in crate::rules::tests) fn tir(mut v: Value) -> Value {
    v["TransitOperation"]["declarationType"] = json!("TIR");
    v["TransitOperation"]["TIRCarnetNumber"] = json!("XA12345678");
    v["HolderOfTheTransitProcedure"]["TIRHolderIdentificationNumber"] = json!("KAZ/123/45");
    v["Guarantee"] = json!([{ "sequenceNumber": 1, "guaranteeType": "B" }]);
    v
}

fn reference(v: &mut Value) -> &mut Value {
    &mut v["Guarantee"][0]["GuaranteeReference"][0]
}

#[test]
fn tir_with_carnet_and_guarantee_b_passes() {
    assert!(check(&tir(base())).is_empty());
    // not with a comprehensive guarantee as well: a TIR declaration is guaranteed by the carnet
    // (NCTS R0900)
    let mut v = tir(base());
    let mut g = base()["Guarantee"][0].clone();
    g["sequenceNumber"] = json!(2);
    v["Guarantee"].as_array_mut().expect("guarantees").push(g);
    assert_only(&check(&v), "R0900", "/CC015C/Guarantee[2]/guaranteeType");
}

#[test]
fn guarantee_b_with_a_grn_fails_cats015() {
    // someone else's GRN, no access code: it must not slip through unchecked to the ledger
    let mut v = tir(base());
    v["Guarantee"][0]["GuaranteeReference"] = json!([{
        "sequenceNumber": 1,
        "GRN": GRN,
        "amountToBeCovered": n("25000.00"),
        "currency": "USD"
    }]);
    let mut env = Env::new();
    env.guarantee().holder = "AZ1234567890".parse().unwrap();
    assert_only(
        &env.check(&v),
        "CATS015",
        "/CC015C/Guarantee[1]/GuaranteeReference",
    );
}

#[test]
fn guarantee_b_without_tir_fails_cats015() {
    let mut v = tir(base());
    v["TransitOperation"]["declarationType"] = json!("T1");
    v["TransitOperation"]
        .as_object_mut()
        .expect("transit operation")
        .remove("TIRCarnetNumber");
    v["HolderOfTheTransitProcedure"]
        .as_object_mut()
        .expect("holder")
        .remove("TIRHolderIdentificationNumber");
    let f = assert_only(&check(&v), "CATS015", "/CC015C/Guarantee[1]/guaranteeType");
    assert!(f.reason.contains("TIR"), "{}", f.reason);
}

#[test]
fn other_guarantee_types_fail_cats015() {
    for t in ["0", "2", "3", "4", "5", "8", "9", "A"] {
        let mut v = base();
        v["Guarantee"][0]["guaranteeType"] = json!(t);
        if t == "4" {
            // a voucher's GRN has 24 characters (NCTS R0318)
            v["Guarantee"][0]["GuaranteeReference"][0]["GRN"] = json!("25KZ0000SRI000010A123456");
        }
        if t == "8" {
            // "not required" says why (NCTS C0130)
            v["Guarantee"][0]["otherGuaranteeReference"] = json!("exempt by agreement 12/2025");
        }
        let f = assert_only(&check(&v), "CATS015", "/CC015C/Guarantee[1]/guaranteeType");
        assert!(f.reason.contains(t), "{}", f.reason);
    }
}

#[test]
fn comprehensive_guarantee_without_reference_fails_cats015() {
    let mut v = base();
    v["Guarantee"][0]
        .as_object_mut()
        .expect("guarantee")
        .remove("GuaranteeReference");
    assert_only(
        &check(&v),
        "CATS015",
        "/CC015C/Guarantee[1]/GuaranteeReference",
    );
}

#[test]
fn missing_or_unknown_grn_fails_cats016() {
    let mut v = base();
    reference(&mut v)
        .as_object_mut()
        .expect("reference")
        .remove("GRN");
    assert_only(&check(&v), "CATS016", &format!("{REF1}/GRN"));

    let mut env = Env::new();
    env.guarantees.clear();
    let f = assert_only(&env.check(&base()), "CATS016", &format!("{REF1}/GRN"));
    assert!(f.reason.contains(GRN), "{}", f.reason);
}

#[test]
fn wrong_or_missing_access_code_fails_cats017() {
    let mut v = base();
    reference(&mut v)["accessCode"] = json!("2222");
    let f = assert_only(&check(&v), "CATS017", &format!("{REF1}/accessCode"));
    assert!(
        !f.reason.contains("2222") && !f.reason.contains("1111"),
        "never echo a code: {}",
        f.reason
    );

    let mut v = base();
    reference(&mut v)
        .as_object_mut()
        .expect("reference")
        .remove("accessCode");
    assert_only(&check(&v), "CATS017", &format!("{REF1}/accessCode"));
}

#[test]
fn suspended_expired_or_outdated_guarantee_fails_cats018() {
    for status in [
        GuaranteeStatus::Suspended,
        GuaranteeStatus::Expired,
        GuaranteeStatus::Revoked,
        GuaranteeStatus::Submitted,
        GuaranteeStatus::Approved,
    ] {
        let mut env = Env::new();
        env.guarantee().status = status;
        let f = assert_only(&env.check(&base()), "CATS018", &format!("{REF1}/GRN"));
        assert!(f.reason.contains(status.as_str()), "{}", f.reason);
    }
    let mut env = Env::new();
    env.today = day(2028, 1, 1);
    let f = assert_only(&env.check(&base()), "CATS018", &format!("{REF1}/GRN"));
    assert!(f.reason.contains("2027-12-31"), "{}", f.reason);

    let mut env = Env::new();
    env.guarantee().valid_from = day(2025, 6, 3);
    assert_only(&env.check(&base()), "CATS018", &format!("{REF1}/GRN"));
}

#[test]
fn guarantee_not_valid_in_georgia_fails_cats019_naming_ge() {
    let mut env = Env::new();
    env.guarantee().countries = vec!["KZ".parse().unwrap(), "AZ".parse().unwrap()];
    let f = assert_only(&env.check(&base()), "CATS019", &format!("{REF1}/GRN"));
    assert!(
        f.reason.contains("not valid in GE on"),
        "names only what is missing: {}",
        f.reason
    );
}

#[test]
fn guarantee_of_another_holder_fails_cats020() {
    let mut env = Env::new();
    env.guarantee().holder = "AZ1234567890".parse().unwrap();
    let f = assert_only(&env.check(&base()), "CATS020", &format!("{REF1}/GRN"));
    assert!(f.reason.contains(super::HOLDER), "{}", f.reason);
    assert!(
        !f.reason.contains("AZ1234567890"),
        "the guarantee's holder is not disclosed: {}",
        f.reason
    );
}

#[test]
fn declaration_without_guarantee_fails_cats015() {
    let mut v = base();
    v.as_object_mut().expect("body").remove("Guarantee");
    assert_only(&check(&v), "CATS015", "/CC015C/Guarantee");
}

#[test]
fn eur_amount_on_a_usd_guarantee_fails_cats021() {
    let mut v = base();
    reference(&mut v)["currency"] = json!("EUR");
    let f = assert_only(&check(&v), "CATS021", &format!("{REF1}/currency"));
    assert!(
        f.reason.contains("EUR") && f.reason.contains("USD"),
        "{}",
        f.reason
    );
}

#[test]
fn bad_amounts_fail_cats021() {
    let pointer = format!("{REF1}/amountToBeCovered");
    for amount in ["100.005", "0", "0.00", "-5.00", "0.001"] {
        let mut v = base();
        reference(&mut v)["amountToBeCovered"] = n(amount);
        let f = assert_only(&check(&v), "CATS021", &pointer);
        assert!(f.reason.contains(amount), "{amount}: {}", f.reason);
    }
    let mut v = base();
    reference(&mut v)
        .as_object_mut()
        .expect("reference")
        .remove("amountToBeCovered");
    assert_only(&check(&v), "CATS021", &pointer);

    let mut v = base();
    reference(&mut v)
        .as_object_mut()
        .expect("reference")
        .remove("currency");
    assert_only(&check(&v), "CATS021", &format!("{REF1}/currency"));
}

#[test]
fn good_amounts_pass_cats021() {
    for amount in [
        "0.01",
        "25000",
        "25000.5",
        "25000.50",
        "25000.500",
        "1000000.00",
    ] {
        let mut v = base();
        reference(&mut v)["amountToBeCovered"] = n(amount);
        assert!(check(&v).is_empty(), "{amount}");
    }
}

/// A guarantee with every problem: suspended, valid in KZ only, of another holder.
fn troubled() -> Env {
    let mut env = Env::new();
    let g = env.guarantee();
    g.status = GuaranteeStatus::Suspended;
    g.countries = vec!["KZ".parse().unwrap()];
    g.holder = "KZ000000000001".parse().unwrap();
    env
}

fn troubled_declaration(access_code: &str) -> Value {
    let mut v = base();
    reference(&mut v)["accessCode"] = json!(access_code);
    reference(&mut v)["amountToBeCovered"] = n("1.234");
    reference(&mut v)["currency"] = json!("EUR");
    v
}

#[test]
fn every_guarantee_problem_is_reported() {
    let failures = troubled().check(&troubled_declaration("1111"));
    for (id, field) in [
        ("CATS018", "GRN"),
        ("CATS019", "GRN"),
        ("CATS020", "GRN"),
        ("CATS021", "amountToBeCovered"),
        ("CATS021", "currency"),
    ] {
        assert_has(&failures, id, &format!("{REF1}/{field}"));
    }
    assert_eq!(failures.len(), 5, "{failures:?}");
}

#[test]
fn without_its_access_code_nothing_of_the_guarantee_is_disclosed() {
    for code in [Some("9999"), None] {
        let mut v = troubled_declaration(code.unwrap_or_default());
        if code.is_none() {
            reference(&mut v)
                .as_object_mut()
                .expect("reference")
                .remove("accessCode");
        }
        let failures = troubled().check(&v);
        // what the declaration says of itself is still checked
        assert_has(&failures, "CATS017", &format!("{REF1}/accessCode"));
        assert_has(&failures, "CATS021", &format!("{REF1}/amountToBeCovered"));
        assert_eq!(failures.len(), 2, "{failures:?}");
        for f in &failures {
            for secret in [
                "suspended",
                "2025-01-01",
                "2027-12-31",
                "KZ000000000001",
                "USD",
            ] {
                assert!(
                    !f.reason.contains(secret),
                    "{secret} disclosed: {}",
                    f.reason
                );
            }
        }
    }
}

/// Base declaration with two references to the same GRN (in one Guarantee or in two).
fn two_references(a: &str, b: &str, separate_guarantees: bool) -> Value {
    let mut v = base();
    let mut second = v["Guarantee"][0]["GuaranteeReference"][0].clone();
    v["Guarantee"][0]["GuaranteeReference"][0]["amountToBeCovered"] = n(a);
    second["amountToBeCovered"] = n(b);
    if separate_guarantees {
        v["Guarantee"] = json!([
            v["Guarantee"][0].clone(),
            { "sequenceNumber": 2, "guaranteeType": "1", "GuaranteeReference": [second] }
        ]);
    } else {
        second["sequenceNumber"] = json!(2);
        v["Guarantee"][0]["GuaranteeReference"]
            .as_array_mut()
            .expect("references")
            .push(second);
    }
    v
}

#[test]
fn shortfall_when_running_total_leaves_too_little() {
    let mut env = Env::new();
    // 1,000,000.00 − 975,000.01 = 24,999.99 available for 25,000.00
    env.guarantee().running_total_minor = 97_500_001;
    let d = decl(&base());
    assert!(check_declaration_passes(&env, &base()));
    let found = shortfalls(&d, &env.guarantees);
    let f = assert_only(&found, "CATS022", &format!("{REF1}/amountToBeCovered"));
    assert!(
        f.reason.contains("24999.99") && f.reason.contains(GRN),
        "{}",
        f.reason
    );
    // exactly enough
    env.guarantee().running_total_minor = 97_500_000;
    assert!(shortfalls(&d, &env.guarantees).is_empty());
}

fn check_declaration_passes(env: &Env, v: &Value) -> bool {
    env.check(v).is_empty()
}

#[test]
fn shortfall_sums_the_references_of_one_grn() {
    let env = Env::new();
    for separate in [false, true] {
        // each fits alone (600,000 ≤ 1,000,000); together they do not
        let v = two_references("600000.00", "400000.01", separate);
        assert!(env.check(&v).is_empty(), "{:?}", env.check(&v));
        let found = shortfalls(&decl(&v), &env.guarantees);
        let f = assert_only(&found, "CATS022", &format!("{REF1}/amountToBeCovered"));
        assert!(f.reason.contains("1000000.01"), "{}", f.reason);

        let v = two_references("600000.00", "400000.00", separate);
        assert!(
            shortfalls(&decl(&v), &env.guarantees).is_empty(),
            "exactly the reference amount fits"
        );
    }
}

#[test]
fn shortfall_is_per_grn() {
    // a second guarantee, nearly used up: only it is short
    let other = "25KZ0000SRI000020";
    let mut env = Env::new();
    let mut g = guarantee();
    g.grn = other.parse().unwrap();
    g.access_code_hash = crate::ledger::hash_access_code(other, "2222", &[0; 16]);
    g.running_total_minor = g.reference_minor() - to_minor("100.00".parse().expect("decimal"));
    env.guarantees.insert(other.parse().unwrap(), g);
    let mut v = two_references("25000.00", "100.01", false);
    v["Guarantee"][0]["GuaranteeReference"][1]["GRN"] = json!(other);
    v["Guarantee"][0]["GuaranteeReference"][1]["accessCode"] = json!("2222");
    assert!(env.check(&v).is_empty(), "{:?}", env.check(&v));
    let found = shortfalls(&decl(&v), &env.guarantees);
    let f = assert_only(
        &found,
        "CATS022",
        "/CC015C/Guarantee[1]/GuaranteeReference[2]/amountToBeCovered",
    );
    assert!(
        f.reason.contains(other) && f.reason.contains("100.00"),
        "{}",
        f.reason
    );
}

#[test]
fn absurd_amounts_are_a_shortfall_not_a_panic() {
    let max = "79228162514264337593543950335";
    let v = two_references(max, max, false);
    let env = Env::new();
    let found = shortfalls(&decl(&v), &env.guarantees);
    assert_only(&found, "CATS022", &format!("{REF1}/amountToBeCovered"));
    let v = two_references(max, "0.01", true);
    assert_only(
        &shortfalls(&decl(&v), &env.guarantees),
        "CATS022",
        &format!("{REF1}/amountToBeCovered"),
    );
}

#[test]
fn shortfalls_ignore_unknown_grns() {
    let mut env = Env::new();
    env.guarantees.clear();
    assert!(shortfalls(&decl(&base()), &env.guarantees).is_empty());
}

#[test]
fn another_currency_passes_cats021_with_a_rate_for_the_day() {
    let mut v = base();
    reference(&mut v)["currency"] = json!("KZT");
    reference(&mut v)["amountToBeCovered"] = n("10000000.00");
    let mut env = Env::new();
    let f = assert_only(&env.check(&v), "CATS021", &format!("{REF1}/currency"));
    assert!(f.reason.contains("KZT→USD"), "{}", f.reason);
    env.rates.insert(
        ("KZT".parse().unwrap(), "USD".parse().unwrap()),
        "0.002".parse().expect("rate"),
    );
    assert!(env.check(&v).is_empty(), "{:?}", env.check(&v));
    // 10,000,000 KZT × 0.002 = 20,000.00 USD against 19,999.99 available
    env.guarantee().running_total_minor = 100_000_000 - 1_999_999;
    let found = shortfalls_with(&decl(&v), &env.ctx());
    let f = assert_only(&found, "CATS022", &format!("{REF1}/amountToBeCovered"));
    assert!(f.reason.contains("20000.00 USD"), "{}", f.reason);
    env.guarantee().running_total_minor = 100_000_000 - 2_000_000;
    assert!(shortfalls_with(&decl(&v), &env.ctx()).is_empty());
}

#[test]
fn the_aeo_share_lowers_what_must_be_available() {
    let mut env = Env::new();
    // 25,000.00 asked, 12,500.00 available: short without the benefit, enough with half
    env.guarantee().running_total_minor = 100_000_000 - 1_250_000;
    assert_eq!(shortfalls_with(&decl(&base()), &env.ctx()).len(), 1);
    env.aeo_share = Some("0.5".parse().expect("share"));
    assert!(shortfalls_with(&decl(&base()), &env.ctx()).is_empty());
}

#[test]
fn an_expired_or_suspended_guarantee_fails_cats018_saying_why() {
    let mut env = Env::new();
    env.today = day(2028, 1, 1);
    let f = assert_only(&env.check(&base()), "CATS018", &format!("{REF1}/GRN"));
    assert!(f.reason.contains("expired on 2027-12-31"), "{}", f.reason);
    let mut env = Env::new();
    env.guarantee().status = GuaranteeStatus::Suspended;
    let f = assert_only(&env.check(&base()), "CATS018", &format!("{REF1}/GRN"));
    assert!(f.reason.contains("is suspended"), "{}", f.reason);
}

#[test]
fn an_insurer_without_an_active_registration_fails_cats023() {
    let mut env = Env::new();
    env.active_insurers.clear();
    let f = assert_only(&env.check(&base()), "CATS023", &format!("{REF1}/GRN"));
    assert!(f.reason.contains("KZ990000765432"), "{}", f.reason);
}
