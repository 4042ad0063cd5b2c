//! Unit tests of the business rules: one valid base declaration (KZHOR001 → GEPTI001 via AZ on a
//! comprehensive guarantee), a hand-built catalogue, and for every rule id a change of the base
//! that fails exactly that rule at the expected pointer.
//!
//! * `each_rule`: the table proving every id of [`RULES`] fails alone at its pointer (the cases of
//!   the NCTS rules after CATS022 are in `ncts_each`).
//! * `offices`, `parties`, `sequence`, `goods`, `guarantee`: named scenarios per rule file.
//! * `ncts`: the NCTS conditions' other branch (code 13 or 15) and declarations they must pass.
//! * `facts`: [`facts()`](super::facts) (itinerary, guarantees, HS codes, limit date).
//! * `combined`: several problems at once are all reported.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;

use chrono::NaiveDate;
use serde_json::{json, Value};

use super::{check_declaration, HolderRegistration, RuleContext, RuleFailure, RULES};
use crate::declaration::Cc015c;
use crate::ledger::{hash_access_code, Guarantee, GuaranteeStatus};
use crate::reference::{
    Catalog, Country, HsEntry, Office, OfficeRole, RestrictedGoods, Restriction,
};

mod combined;
mod each_rule;
mod facts;
mod goods;
mod guarantee;
mod ncts;
mod ncts_each;
mod offices;
mod parties;
mod sequence;

/// The GRN of the base declaration's guarantee.
pub(super) const GRN: &str = "25KZ0000SRI000010";
/// The holder of the transit procedure.
pub(super) const HOLDER: &str = "KZ840000123456";

/// An exact JSON number (serde_json `arbitrary_precision`): `n("25000.00")` stays `25000.00`.
pub(super) fn n(text: &str) -> Value {
    Value::Number(serde_json::Number::from_str(text).expect("a JSON number"))
}

pub(super) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// The body of a valid CC015C (the content of `"n1:CC015C"`).
pub(super) fn base() -> Value {
    let mut v = base_without_places();
    // where the goods are loaded and examined, and the CMR (NCTS C0403, C0710, C0502)
    let c = &mut v["Consignment"];
    c["LocationOfGoods"] = json!({
        "typeOfLocation": "A",
        "qualifierOfIdentification": "V",
        "CustomsOffice": { "referenceNumber": "KZHOR001" }
    });
    c["PlaceOfLoading"] = json!({ "UNLocode": "KZKHG" });
    c["TransportDocument"] =
        json!([{ "sequenceNumber": 1, "type": "N730", "referenceNumber": "CMR-KZ-2025-0001" }]);
    v
}

fn base_without_places() -> Value {
    json!({
        "@PhaseID": "NCTS5.1",
        "messageSender": "KZ840000123456",
        "messageRecipient": "NTA.KZ",
        "preparationDateAndTime": "2025-06-02T09:30:00",
        "messageIdentification": "KZ-2025-000001",
        "messageType": "CC015C",
        "TransitOperation": {
            "LRN": "LRN-KZ-2025-0001",
            "declarationType": "T1",
            "additionalDeclarationType": "A",
            "security": "0",
            "reducedDatasetIndicator": "0",
            "bindingItinerary": "1",
            "limitDate": "2025-06-20"
        },
        "CustomsOfficeOfDeparture": { "referenceNumber": "KZHOR001" },
        "CustomsOfficeOfDestinationDeclared": { "referenceNumber": "GEPTI001" },
        "CustomsOfficeOfTransitDeclared": [
            { "sequenceNumber": 1, "referenceNumber": "AZALA001" },
            { "sequenceNumber": 2, "referenceNumber": "GERBR001" }
        ],
        "CustomsOfficeOfExitForTransitDeclared": [
            { "sequenceNumber": 1, "referenceNumber": "KZAAU001" },
            { "sequenceNumber": 2, "referenceNumber": "AZQAZ001" }
        ],
        "HolderOfTheTransitProcedure": {
            "identificationNumber": HOLDER,
            "name": "Khorgos Logistics LLP",
            "Address": {
                "streetAndNumber": "Dostyk 12",
                "postcode": "041300",
                "city": "Zharkent",
                "country": "KZ"
            }
        },
        "Guarantee": [{
            "sequenceNumber": 1,
            "guaranteeType": "1",
            "GuaranteeReference": [{
                "sequenceNumber": 1,
                "GRN": GRN,
                "accessCode": "1111",
                "amountToBeCovered": n("25000.00"),
                "currency": "USD"
            }]
        }],
        "Consignment": {
            "countryOfDispatch": "KZ",
            "countryOfDestination": "GE",
            "containerIndicator": "1",
            "inlandModeOfTransport": "2",
            "modeOfTransportAtTheBorder": "1",
            "grossMass": n("12500.5"),
            "TransportEquipment": [{
                "sequenceNumber": 1,
                "containerIdentificationNumber": "CSQU3054383",
                "numberOfSeals": 2,
                "Seal": [
                    { "sequenceNumber": 1, "identifier": "KZSEAL0001" },
                    { "sequenceNumber": 2, "identifier": "KZSEAL0002" }
                ],
                "GoodsReference": [
                    { "sequenceNumber": 1, "declarationGoodsItemNumber": 1 },
                    { "sequenceNumber": 2, "declarationGoodsItemNumber": 2 }
                ]
            }],
            "CountryOfRoutingOfConsignment": [
                { "sequenceNumber": 1, "country": "KZ" },
                { "sequenceNumber": 2, "country": "AZ" },
                { "sequenceNumber": 3, "country": "GE" }
            ],
            "HouseConsignment": [{
                "sequenceNumber": 1,
                "grossMass": n("12400.5"),
                "ConsignmentItem": [
                    {
                        "goodsItemNumber": 1,
                        "declarationGoodsItemNumber": 1,
                        "Commodity": {
                            "descriptionOfGoods": "Static converters",
                            "CommodityCode": { "harmonizedSystemSubHeadingCode": "850440" },
                            "GoodsMeasure": { "grossMass": n("8000.25"), "netMass": n("7600") }
                        },
                        "Packaging": [
                            { "sequenceNumber": 1, "typeOfPackages": "CT", "numberOfPackages": 40, "shippingMarks": "KZ-850440" }
                        ]
                    },
                    {
                        "goodsItemNumber": 2,
                        "declarationGoodsItemNumber": 2,
                        "Commodity": {
                            "descriptionOfGoods": "Wooden office furniture",
                            "CommodityCode": { "harmonizedSystemSubHeadingCode": "940360" },
                            "GoodsMeasure": { "grossMass": n("4400.25"), "netMass": n("4100.000001") }
                        },
                        "Packaging": [
                            { "sequenceNumber": 1, "typeOfPackages": "PX", "numberOfPackages": 12 }
                        ]
                    }
                ]
            }]
        }
    })
}

/// The typed declaration of a JSON body; panics (failing the test) when it does not deserialize.
pub(super) fn decl(v: &Value) -> Cc015c {
    serde_json::from_value(v.clone())
        .unwrap_or_else(|e| panic!("the test declaration does not deserialize: {e}\n{v:#}"))
}

fn office(code: &str, roles: &[OfficeRole], time_zone: &str) -> Office {
    Office {
        reference: code.parse().unwrap(),
        names: BTreeMap::from([("en".to_string(), format!("Office {code}"))]),
        country: code[..2].parse().unwrap(),
        unlocode: Some(code[..5].to_string()),
        time_zone: time_zone.to_string(),
        roles: roles.iter().copied().collect::<BTreeSet<_>>(),
        valid_from: Some(day(2020, 1, 1)),
        valid_to: None,
        source: "test".into(),
    }
}

fn hs(code: &str) -> HsEntry {
    HsEntry {
        code: code.to_string(),
        description: format!("HS {code}"),
        source: "test".into(),
    }
}

fn restricted(prefix: &str, restriction: Restriction) -> RestrictedGoods {
    RestrictedGoods {
        hs_prefix: prefix.to_string(),
        restriction,
        reason: format!("test entry {prefix}"),
        source: "test".into(),
    }
}

/// The test catalogue: offices with roles, countries, HS chapters and headings (no subheadings),
/// the restricted goods list (93 prohibited, 2402 always controlled, 240220 individual guarantee).
pub(super) fn catalog() -> Catalog {
    use OfficeRole::*;
    let mut c = Catalog::default();
    for o in [
        office("KZHOR001", &[Dep, Tra, Ext], "Asia/Almaty"),
        office("KZAAU001", &[Dep, Des, Tra, Ext], "Asia/Aqtau"),
        office("KZKUR001", &[Tra, Ext], "Asia/Aqtau"),
        office("AZALA001", &[Dep, Des, Tra, Ext], "Asia/Baku"),
        office("AZQAZ001", &[Tra, Ext], "Asia/Baku"),
        office("GERBR001", &[Tra, Ext], "Asia/Tbilisi"),
        office("GEPTI001", &[Dep, Des, Tra, Ext], "Asia/Tbilisi"),
    ] {
        c.offices.insert(o.reference.clone(), o);
    }
    for (code, participating) in [
        ("KZ", true),
        ("AZ", true),
        ("GE", true),
        ("TM", true),
        ("UZ", true),
        ("RU", false),
        ("CN", false),
    ] {
        c.countries.insert(
            code.parse().unwrap(),
            Country {
                code: code.parse().unwrap(),
                names: BTreeMap::from([("en".to_string(), code.to_string())]),
                participating,
                carec: code != "RU",
                source: "test".into(),
            },
        );
    }
    for code in ["85", "94", "93", "24", "8504", "9403", "9306", "2402"] {
        c.hs.insert(code.to_string(), hs(code));
    }
    c.restricted = vec![
        restricted("93", Restriction::Prohibited),
        restricted("2402", Restriction::AlwaysControlled),
        restricted("240220", Restriction::IndividualGuarantee),
    ];
    c
}

/// The comprehensive guarantee of the base declaration.
pub(super) fn guarantee() -> Guarantee {
    Guarantee {
        grn: GRN.parse().unwrap(),
        holder: HOLDER.parse().unwrap(),
        insurer: "KZ990000765432".parse().unwrap(),
        reference_amount: crate::ids::Money::new(
            "1000000.00".parse().expect("a decimal"),
            "USD".parse().unwrap(),
        )
        .unwrap(),
        valid_from: day(2025, 1, 1),
        valid_to: day(2027, 12, 31),
        countries: ["KZ", "AZ", "GE", "TM", "UZ"]
            .map(|c| c.parse().unwrap())
            .to_vec(),
        status: GuaranteeStatus::Active,
        access_code_hash: hash_access_code(GRN, "1111", &[0; 16]),
        running_total_minor: 0,
        liability_end: None,
    }
}

/// Everything besides the declaration that the rules read; owned, so a test can change it.
pub(super) struct Env {
    pub catalog: Catalog,
    pub today: NaiveDate,
    pub holder: Option<HolderRegistration>,
    pub guarantees: HashMap<crate::ids::Grn, Guarantee>,
    pub lrn_in_use: bool,
    pub rates: HashMap<(crate::ids::CurrencyCode, crate::ids::CurrencyCode), rust_decimal::Decimal>,
    pub active_insurers: std::collections::HashSet<crate::ids::Eori>,
    pub aeo_share: Option<rust_decimal::Decimal>,
}

impl Env {
    /// The context of the base declaration: lodged on 2025-06-02 by an active trader.
    pub fn new() -> Self {
        Self {
            catalog: catalog(),
            today: day(2025, 6, 2),
            holder: Some(HolderRegistration {
                identification_number: HOLDER.parse().unwrap(),
                kind: "trader".to_string(),
                active: true,
                aeo: false,
            }),
            guarantees: HashMap::from([(GRN.parse().unwrap(), guarantee())]),
            lrn_in_use: false,
            rates: HashMap::new(),
            active_insurers: ["KZ990000765432".parse().unwrap()].into(),
            aeo_share: None,
        }
    }

    pub fn ctx(&self) -> RuleContext<'_> {
        RuleContext {
            catalog: &self.catalog,
            today: self.today,
            holder: self.holder.clone(),
            guarantees: &self.guarantees,
            lrn_in_use: self.lrn_in_use,
            rates: &self.rates,
            active_insurers: &self.active_insurers,
            aeo_share: self.aeo_share,
        }
    }

    /// The base declaration's guarantee, to change.
    pub fn guarantee(&mut self) -> &mut Guarantee {
        self.guarantees.get_mut(GRN).expect("the base guarantee")
    }

    /// Run every rule on a JSON body.
    pub fn check(&self, v: &Value) -> Vec<RuleFailure> {
        check_declaration(&decl(v), &self.ctx())
    }
}

/// Run every rule on a JSON body in the base context.
pub(super) fn check(v: &Value) -> Vec<RuleFailure> {
    Env::new().check(v)
}

fn show(failures: &[RuleFailure]) -> String {
    failures
        .iter()
        .map(|f| {
            format!(
                "  {} [{}] {}: {}",
                f.rule_id, f.error_code, f.pointer, f.reason
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Exactly one failure: rule `id` at `pointer`, with the rule's error code. Returns it.
pub(super) fn assert_only(failures: &[RuleFailure], id: &str, pointer: &str) -> RuleFailure {
    assert!(
        failures.len() == 1 && failures[0].rule_id == id && failures[0].pointer == pointer,
        "expected exactly {id} at {pointer}, got:\n{}",
        show(failures)
    );
    let f = failures[0].clone();
    assert_eq!(f.error_code, super::rule(id).error_code, "{id}: error code");
    assert!(!f.reason.is_empty(), "{id}: a reason is given");
    f
}

/// A failure of rule `id` at `pointer` is among `failures`. Returns it.
pub(super) fn assert_has(failures: &[RuleFailure], id: &str, pointer: &str) -> RuleFailure {
    let f = failures
        .iter()
        .find(|f| f.rule_id == id && f.pointer == pointer)
        .unwrap_or_else(|| panic!("expected {id} at {pointer} among:\n{}", show(failures)));
    assert_eq!(f.error_code, super::rule(id).error_code, "{id}: error code");
    f.clone()
}

/// Every failure is of rule `id`.
pub(super) fn assert_all(failures: &[RuleFailure], id: &str) {
    assert!(
        !failures.is_empty() && failures.iter().all(|f| f.rule_id == id),
        "expected only {id} failures, got:\n{}",
        show(failures)
    );
}

#[test]
fn base_declaration_passes_every_rule() {
    let failures = check(&base());
    assert!(
        failures.is_empty(),
        "the base declaration must pass, got:\n{}",
        show(&failures)
    );
    assert!(super::shortfalls(&decl(&base()), &Env::new().guarantees).is_empty());
}

#[test]
fn base_declaration_round_trips() {
    let d = decl(&base());
    assert_eq!(
        d.to_value(),
        base(),
        "the JSON body survives typing unchanged"
    );
}

#[test]
fn rule_ids_are_unique_and_short() {
    let mut seen = BTreeSet::new();
    for r in RULES {
        assert!(seen.insert(r.id), "{} twice", r.id);
        assert!(r.id.len() <= 7, "{} is longer than an..7", r.id);
        assert!(
            [12, 13, 14, 15].contains(&r.error_code),
            "{}: CL180 code",
            r.id
        );
    }
}
