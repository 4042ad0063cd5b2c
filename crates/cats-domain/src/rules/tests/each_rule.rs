//! For every rule id of `RULES`, one change of the base declaration (or of its context) that fails
//! exactly that rule, once, at the expected pointer. The table must name every rule.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::{assert_only, base, decl, n, Env, GRN};
use crate::ledger::{to_minor, GuaranteeStatus};
use crate::rules::{shortfalls, RULES};

pub(super) struct Case {
    pub id: &'static str,
    pub pointer: &'static str,
    pub edit: fn(&mut Value, &mut Env),
}

fn item(v: &mut Value, i: usize) -> &mut Value {
    &mut v["Consignment"]["HouseConsignment"][0]["ConsignmentItem"][i]
}

fn reference(v: &mut Value) -> &mut Value {
    &mut v["Guarantee"][0]["GuaranteeReference"][0]
}

fn cases() -> Vec<Case> {
    let mut cases = cats_cases();
    cases.extend(super::ncts_each::cases());
    cases
}

fn cats_cases() -> Vec<Case> {
    vec![
        Case {
            id: "CATS001",
            pointer: "/CC015C/CustomsOfficeOfDeparture/referenceNumber",
            edit: |v, _| v["CustomsOfficeOfDeparture"]["referenceNumber"] = json!("KZKUR001"),
        },
        Case {
            id: "CATS002",
            pointer: "/CC015C/CustomsOfficeOfDestinationDeclared/referenceNumber",
            edit: |v, _| v["CustomsOfficeOfDestinationDeclared"]["referenceNumber"] = json!("GERBR001"),
        },
        Case {
            id: "CATS003",
            pointer: "/CC015C/CustomsOfficeOfTransitDeclared[2]/referenceNumber",
            edit: |v, _| v["CustomsOfficeOfTransitDeclared"][1]["referenceNumber"] = json!("GEXXX999"),
        },
        Case {
            id: "CATS004",
            pointer: "/CC015C/CustomsOfficeOfExitForTransitDeclared[1]/referenceNumber",
            edit: |v, _| v["CustomsOfficeOfExitForTransitDeclared"][0]["referenceNumber"] = json!("KZXXX999"),
        },
        Case {
            id: "CATS005",
            pointer: "/CC015C/Consignment/CountryOfRoutingOfConsignment[2]/country",
            edit: |v, env| {
                v["Consignment"]["CountryOfRoutingOfConsignment"][1]["country"] = json!("RU");
                // the guarantee covers RU, so that only the route rule fails
                env.guarantee().countries.push("RU".parse().unwrap());
            },
        },
        Case {
            id: "CATS006",
            pointer: "/CC015C/messageRecipient",
            edit: |v, _| v["messageRecipient"] = json!("NTA.GB"),
        },
        Case {
            id: "CATS007",
            pointer: "/CC015C/HolderOfTheTransitProcedure/identificationNumber",
            edit: |_, env| env.holder.as_mut().expect("holder").active = false,
        },
        Case {
            id: "C0411",
            pointer: "/CC015C/TransitOperation/TIRCarnetNumber",
            edit: |v, _| {
                *v = super::guarantee::tir(v.clone());
                v["TransitOperation"]
                    .as_object_mut()
                    .expect("transit operation")
                    .remove("TIRCarnetNumber");
            },
        },
        Case {
            id: "CATS008",
            pointer: "/CC015C/TransitOperation/additionalDeclarationType",
            edit: |v, _| v["TransitOperation"]["additionalDeclarationType"] = json!("X"),
        },
        Case {
            id: "R0987",
            pointer: "/CC015C/Consignment/CountryOfRoutingOfConsignment[2]/sequenceNumber",
            edit: |v, _| {
                v["Consignment"]["CountryOfRoutingOfConsignment"][1]["sequenceNumber"] = json!(3);
                v["Consignment"]["CountryOfRoutingOfConsignment"][2]["sequenceNumber"] = json!(3);
            },
        },
        Case {
            id: "CATS009",
            pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[2]/goodsItemNumber",
            edit: |v, _| item(v, 1)["goodsItemNumber"] = json!(3),
        },
        Case {
            id: "CATS010",
            pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/Commodity/GoodsMeasure/grossMass",
            edit: |v, _| item(v, 0)["Commodity"]["GoodsMeasure"] = json!({ "grossMass": n("0") }),
        },
        Case {
            id: "R0994",
            pointer: "/CC015C/Consignment/grossMass",
            edit: |v, _| v["Consignment"]["grossMass"] = n("12400.499999"),
        },
        Case {
            id: "R0983",
            pointer: "/CC015C/Consignment/HouseConsignment[1]/grossMass",
            edit: |v, _| v["Consignment"]["HouseConsignment"][0]["grossMass"] = n("12400.4"),
        },
        Case {
            id: "R0223",
            pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/Commodity/GoodsMeasure/netMass",
            edit: |v, _| item(v, 0)["Commodity"]["GoodsMeasure"]["netMass"] = n("8000.250001"),
        },
        Case {
            id: "CATS011",
            pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[2]/Commodity/CommodityCode/harmonizedSystemSubHeadingCode",
            edit: |v, _| item(v, 1)["Commodity"]["CommodityCode"]["harmonizedSystemSubHeadingCode"] = json!("940599"),
        },
        Case {
            id: "CATS012",
            pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/Commodity/CommodityCode/harmonizedSystemSubHeadingCode",
            edit: |v, _| item(v, 0)["Commodity"]["CommodityCode"]["harmonizedSystemSubHeadingCode"] = json!("930630"),
        },
        Case {
            id: "CATS013",
            pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/Commodity/CommodityCode/harmonizedSystemSubHeadingCode",
            edit: |v, _| item(v, 0)["Commodity"]["CommodityCode"]["harmonizedSystemSubHeadingCode"] = json!("240220"),
        },
        Case {
            id: "R0028",
            pointer: "/CC015C/Consignment/TransportEquipment[1]/containerIdentificationNumber",
            edit: |v, _| v["Consignment"]["TransportEquipment"][0]["containerIdentificationNumber"] = json!("CSQU3054384"),
        },
        Case {
            id: "CATS014",
            pointer: "/CC015C/TransitOperation/LRN",
            edit: |_, env| env.lrn_in_use = true,
        },
        Case {
            id: "CATS015",
            pointer: "/CC015C/Guarantee[1]/guaranteeType",
            edit: |v, _| v["Guarantee"][0]["guaranteeType"] = json!("3"),
        },
        Case {
            id: "CATS016",
            pointer: "/CC015C/Guarantee[1]/GuaranteeReference[1]/GRN",
            edit: |v, _| reference(v)["GRN"] = json!("25KZ0000SRI000028"),
        },
        Case {
            id: "CATS017",
            pointer: "/CC015C/Guarantee[1]/GuaranteeReference[1]/accessCode",
            edit: |v, _| reference(v)["accessCode"] = json!("1112"),
        },
        Case {
            id: "CATS018",
            pointer: "/CC015C/Guarantee[1]/GuaranteeReference[1]/GRN",
            edit: |_, env| env.guarantee().status = GuaranteeStatus::Suspended,
        },
        Case {
            id: "CATS019",
            pointer: "/CC015C/Guarantee[1]/GuaranteeReference[1]/GRN",
            edit: |_, env| env.guarantee().countries = vec!["KZ".parse().unwrap(), "AZ".parse().unwrap()],
        },
        Case {
            id: "CATS020",
            pointer: "/CC015C/Guarantee[1]/GuaranteeReference[1]/GRN",
            edit: |_, env| env.guarantee().holder = "KZ840000999999".parse().unwrap(),
        },
        Case {
            id: "CATS021",
            pointer: "/CC015C/Guarantee[1]/GuaranteeReference[1]/currency",
            edit: |v, _| reference(v)["currency"] = json!("EUR"),
        },
        Case {
            id: "CATS023",
            pointer: "/CC015C/Guarantee[1]/GuaranteeReference[1]/GRN",
            edit: |_, env| env.active_insurers.clear(),
        },
        Case {
            id: "CATS022",
            pointer: "/CC015C/Guarantee[1]/GuaranteeReference[1]/amountToBeCovered",
            edit: |_, env| {
                let g = env.guarantee();
                g.running_total_minor = g.reference_minor() - to_minor("24999.99".parse().expect("decimal"));
            },
        },
    ]
}

#[test]
fn every_rule_fails_alone_at_its_pointer() {
    for case in cases() {
        let mut v = base();
        let mut env = Env::new();
        (case.edit)(&mut v, &mut env);
        let mut failures = env.check(&v);
        if case.id == "CATS022" {
            // availability is not a rejection: the declaration passes, shortfalls() names it
            assert!(
                failures.is_empty(),
                "CATS022 case must pass check_declaration: {failures:?}"
            );
            failures = shortfalls(&decl(&v), &env.guarantees);
        } else {
            assert!(
                shortfalls(&decl(&v), &env.guarantees).is_empty(),
                "{}: no shortfall expected",
                case.id
            );
        }
        if case.id == "R0318" {
            // No guarantee with a 24-character GRN can be registered: CATS016 comes with it.
            failures.retain(|f| !(f.rule_id == "CATS016" && f.pointer == case.pointer));
        }
        assert_only(&failures, case.id, case.pointer);
    }
}

#[test]
fn the_table_names_every_rule() {
    let table: BTreeSet<&str> = cases().iter().map(|c| c.id).collect();
    let rules: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(
        table, rules,
        "every rule id needs a failing case, and only rule ids"
    );
    assert_eq!(cases().len(), RULES.len(), "one case per rule");
    // the GRN of the table is the base one
    assert_eq!(base()["Guarantee"][0]["GuaranteeReference"][0]["GRN"], GRN);
}
