use super::*;
use crate::movement::{ControlType, Stage};

fn context() -> ControlContext {
    ControlContext {
        seals_in_place: vec!["S-1".into(), "S-2".into()],
        goods_items: [1, 2].into_iter().collect(),
    }
}

fn finding(kind: FindingKind, item: Option<u32>, text: &str) -> Finding {
    Finding {
        kind,
        goods_item: item,
        description: text.into(),
        declared: None,
        found: None,
    }
}

fn seen(id: &str, condition: SealCondition) -> SealObservation {
    SealObservation {
        identifier: id.into(),
        condition,
    }
}

fn rules(report: &ControlReport, result: ControlResultCode) -> Vec<String> {
    check_report(report, result, &context())
        .into_iter()
        .map(|f| format!("{} {}", f.rule_id, f.pointer))
        .collect()
}

#[test]
fn b1_needs_a_finding_and_a1_has_none() {
    use ControlResultCode::*;
    let empty = ControlReport::default();
    assert_eq!(rules(&empty, B1), ["CATS024 /findings"]);
    assert!(rules(&empty, A1).is_empty());
    assert!(rules(&empty, A2).is_empty());
    let one = ControlReport {
        findings: vec![finding(FindingKind::Mass, Some(2), "heavier")],
        ..ControlReport::default()
    };
    assert!(rules(&one, B1).is_empty());
    assert!(rules(&one, A2).is_empty());
    assert_eq!(rules(&one, A1), ["CATS025 /findings"]);
}

#[test]
fn a3_needs_every_seal_checked_intact() {
    use ControlResultCode::A3;
    assert_eq!(
        rules(&ControlReport::default(), A3),
        ["CATS026 /seals/checked"]
    );
    let intact = ControlReport {
        seals: Some(SealsCheck {
            checked: vec![seen("S-1", SealCondition::Intact)],
            replaced: vec![],
        }),
        ..ControlReport::default()
    };
    assert!(rules(&intact, A3).is_empty());
    let broken = ControlReport {
        seals: Some(SealsCheck {
            checked: vec![seen("S-1", SealCondition::Broken)],
            replaced: vec![],
        }),
        ..ControlReport::default()
    };
    assert_eq!(
        rules(&broken, A3),
        ["CATS026 /seals/checked", "CATS028 /seals/checked"]
    );
}

#[test]
fn broken_seals_are_a2_or_b1_with_a_seals_finding() {
    use ControlResultCode::*;
    let mut report = ControlReport {
        seals: Some(SealsCheck {
            checked: vec![seen("S-2", SealCondition::Missing)],
            replaced: vec![SealReplacement {
                identifier: "S-2".into(),
                new_identifier: "N-2".into(),
            }],
        }),
        ..ControlReport::default()
    };
    assert_eq!(rules(&report, A2), ["CATS028 /seals/checked"]);
    report.findings = vec![finding(FindingKind::Seals, None, "seal S-2 missing")];
    assert!(rules(&report, A2).is_empty());
    assert!(rules(&report, B1).is_empty());
    assert_eq!(
        rules(&report, A1),
        ["CATS025 /findings", "CATS028 /seals/checked"]
    );
}

#[test]
fn seals_must_be_in_place_once_and_new_ones_well_formed() {
    let report = ControlReport {
        seals: Some(SealsCheck {
            checked: vec![
                seen("S-9", SealCondition::Intact),
                seen("S-1", SealCondition::Intact),
                seen("S-1", SealCondition::Intact),
            ],
            replaced: vec![
                SealReplacement {
                    identifier: "S-1".into(),
                    new_identifier: "S-2".into(),
                },
                SealReplacement {
                    identifier: "S-7".into(),
                    new_identifier: "".into(),
                },
                SealReplacement {
                    identifier: "S-2".into(),
                    new_identifier: "TOO-LONG-SEAL-IDENTIFIER".into(),
                },
            ],
        }),
        ..ControlReport::default()
    };
    assert_eq!(
        rules(&report, ControlResultCode::A1),
        [
            "CATS027 /seals/checked/0/identifier",
            "CATS027 /seals/checked/2/identifier",
            "CATS027 /seals/replaced/1/identifier",
            "CATS029 /seals/replaced/1/newIdentifier",
            "CATS029 /seals/replaced/2/newIdentifier",
        ]
    );
    // S-1 → S-2 is a swap only if S-2 is replaced too, which it is: allowed.
}

#[test]
fn findings_name_existing_items_and_say_something() {
    let report = ControlReport {
        findings: vec![
            finding(FindingKind::Quantity, Some(3), "12 packages, not 10"),
            finding(FindingKind::Other, None, "   "),
            Finding {
                declared: Some("x".repeat(MAX_TEXT + 1)),
                ..finding(FindingKind::Mass, Some(1), "heavier")
            },
        ],
        remarks: Some("r".repeat(MAX_TEXT + 1)),
        ..ControlReport::default()
    };
    let failures = check_report(&report, ControlResultCode::B1, &context());
    let ids: Vec<_> = failures
        .iter()
        .map(|f| format!("{} {}", f.rule_id, f.pointer))
        .collect();
    assert_eq!(
        ids,
        [
            "CATS030 /findings/0/goodsItem",
            "CATS030 /findings/1/description",
            "CATS030 /findings/2/declared",
            "CATS031 /remarks",
        ]
    );
    assert!(failures[0].reason.contains("items 1 to 2"), "{failures:?}");
    let many = ControlReport {
        findings: vec![finding(FindingKind::Other, None, "x"); MAX_ENTRIES + 1],
        ..ControlReport::default()
    };
    assert_eq!(rules(&many, ControlResultCode::B1), ["CATS031 /findings"]);
}

fn record(result: ControlResultCode, report: ControlReport) -> ControlRecord {
    ControlRecord {
        office: "AZALA001".parse().unwrap(),
        stage: Stage::EnRoute,
        result,
        control_type: ControlType::Seals,
        at: "2025-03-15T08:00:00Z".parse().unwrap(),
        report,
        officer: Some("officer.az".into()),
        attachments: vec![],
    }
}

#[test]
fn replacements_change_the_seals_in_place_in_order() {
    let swap = |old: &str, new: &str| ControlReport {
        seals: Some(SealsCheck {
            checked: vec![],
            replaced: vec![SealReplacement {
                identifier: old.into(),
                new_identifier: new.into(),
            }],
        }),
        ..ControlReport::default()
    };
    let controls = vec![
        record(ControlResultCode::A2, swap("S-2", "N-2")),
        record(ControlResultCode::A2, swap("N-2", "M-2")),
    ];
    let declared = vec!["S-1".to_string(), "S-2".to_string()];
    assert_eq!(seals_in_place(&declared, &controls), ["S-1", "M-2"]);
    assert_eq!(seals_in_place(&declared, &controls[..1]), ["S-1", "N-2"]);
    assert_eq!(seals_in_place(&declared, &[]), ["S-1", "S-2"]);
    // The replacements of one record apply at once: two seals may trade places.
    let trade = ControlReport {
        seals: Some(SealsCheck {
            checked: vec![],
            replaced: vec![
                SealReplacement {
                    identifier: "S-1".into(),
                    new_identifier: "S-2".into(),
                },
                SealReplacement {
                    identifier: "S-2".into(),
                    new_identifier: "S-1".into(),
                },
            ],
        }),
        ..ControlReport::default()
    };
    let traded = [record(ControlResultCode::A2, trade)];
    assert_eq!(seals_in_place(&declared, &traded), ["S-2", "S-1"]);
    assert_eq!(seal_now("S-9", &traded), "S-9");
}

#[test]
fn found_something_and_summary() {
    let a2 = record(
        ControlResultCode::A2,
        ControlReport {
            findings: vec![Finding {
                declared: Some("1200 kg".into()),
                found: Some("1450 kg".into()),
                ..finding(FindingKind::Mass, Some(2), "gross mass above the declared")
            }],
            ..ControlReport::default()
        },
    );
    assert!(a2.found_something());
    assert!(!record(ControlResultCode::A1, ControlReport::default()).found_something());
    assert!(record(ControlResultCode::B1, ControlReport::default()).found_something());
    assert_eq!(
        a2.summary(),
        "control result A2 at AZALA001 on 2025-03-15 after a seals control; mass (item 2): gross mass above the declared (declared 1200 kg, found 1450 kg)"
    );
    let long = record(
        ControlResultCode::B1,
        ControlReport {
            findings: vec![finding(FindingKind::Other, None, &"é".repeat(600))],
            ..ControlReport::default()
        },
    );
    assert_eq!(long.summary().chars().count(), MAX_TEXT);
}

#[test]
fn reports_read_the_api_shape_and_refuse_unknown_fields() {
    let report: ControlReport = serde_json::from_value(serde_json::json!({
        "findings": [{"kind": "undeclared_goods", "goodsItem": 1, "description": "2 extra pallets"}],
        "seals": {"checked": [{"identifier": "S-1", "condition": "broken"}], "replaced": [{"identifier": "S-1", "newIdentifier": "N-1"}]},
        "remarks": "resealed"
    }))
    .unwrap();
    assert_eq!(report.findings[0].kind, FindingKind::UndeclaredGoods);
    assert!(report.seals.as_ref().unwrap().any_not_intact());
    let bad = serde_json::from_value::<Finding>(
        serde_json::json!({"kind": "mass", "description": "x", "weight": 3}),
    );
    assert!(bad.is_err());
    let kind = serde_json::from_value::<Finding>(
        serde_json::json!({"kind": "smuggling", "description": "x"}),
    );
    assert!(kind.unwrap_err().to_string().contains("unknown variant"));
}

#[test]
fn records_and_movements_kept_before_control_records_still_load() {
    let old = serde_json::json!({"office": "KZHOR001", "stage": "departure", "result": "A1",
                                 "control_type": "physical", "at": "2025-03-10T10:00:00Z"});
    let c: ControlRecord = serde_json::from_value(old).unwrap();
    assert_eq!(c.report, ControlReport::default());
    assert!(c.officer.is_none() && c.attachments.is_empty());
    // And a record written now reads back the same.
    let mut now = record(ControlResultCode::A2, ControlReport::default());
    now.report.remarks = Some("resealed".into());
    let back: ControlRecord = serde_json::from_value(serde_json::to_value(&now).unwrap()).unwrap();
    assert_eq!(back, now);
}

#[test]
fn requested_documents_have_a_type_of_four_and_a_short_description() {
    let doc = |t: &str, d: Option<String>| RequestedDocument {
        document_type: t.into(),
        description: d,
    };
    assert!(check_decision(&[doc("N380", Some("the commercial invoice".into()))]).is_empty());
    let failures: Vec<_> = check_decision(&[
        doc("N38", None),
        doc("N 80", None),
        doc("N730", Some("x".repeat(MAX_TEXT + 1))),
    ])
    .into_iter()
    .map(|f| format!("{} {}", f.rule_id, f.pointer))
    .collect();
    assert_eq!(
        failures,
        [
            "CATS032 /requestedDocuments/0/documentType",
            "CATS032 /requestedDocuments/1/documentType",
            "CATS032 /requestedDocuments/2/description",
        ]
    );
    let many = vec![doc("N380", None); MAX_ENTRIES + 1];
    assert_eq!(check_decision(&many)[0].pointer, "/requestedDocuments");
}

#[test]
fn docs_list_every_control_rule() {
    let docs = include_str!("../../../../docs/rules.md");
    for rule in CONTROL_RULES {
        assert!(
            docs.contains(&format!("`{}`", rule.id)),
            "docs/rules.md misses {}",
            rule.id
        );
    }
}

mod props {
    use proptest::prelude::*;

    use super::*;

    const SEALS: [&str; 4] = ["S-1", "S-2", "X-9", "N-1"];
    const NEW: [&str; 5] = ["N-1", "N-2", "S-2", "", "SEAL-IDENTIFIER-TOO-LONG"];
    const KINDS: [FindingKind; 4] = [
        FindingKind::Mass,
        FindingKind::Seals,
        FindingKind::Quantity,
        FindingKind::Other,
    ];
    const RESULTS: [ControlResultCode; 4] = [
        ControlResultCode::A1,
        ControlResultCode::A2,
        ControlResultCode::A3,
        ControlResultCode::B1,
    ];
    const CONDITIONS: [SealCondition; 3] = [
        SealCondition::Intact,
        SealCondition::Broken,
        SealCondition::Missing,
    ];

    fn findings() -> impl Strategy<Value = Vec<Finding>> {
        proptest::collection::vec(
            (
                proptest::sample::select(KINDS.to_vec()),
                proptest::option::of(0u32..4),
                proptest::sample::select(vec!["", " ", "heavier", "two pallets more"]),
            )
                .prop_map(|(kind, item, text)| finding(kind, item, text)),
            0..3,
        )
    }

    fn seals() -> impl Strategy<Value = Option<SealsCheck>> {
        proptest::option::of(
            (
                proptest::collection::vec(
                    (
                        proptest::sample::select(SEALS.to_vec()),
                        proptest::sample::select(CONDITIONS.to_vec()),
                    )
                        .prop_map(|(id, c)| seen(id, c)),
                    0..3,
                ),
                proptest::collection::vec(
                    (
                        proptest::sample::select(SEALS.to_vec()),
                        proptest::sample::select(NEW.to_vec()),
                    )
                        .prop_map(|(old, new)| SealReplacement {
                            identifier: old.into(),
                            new_identifier: new.into(),
                        }),
                    0..2,
                ),
            )
                .prop_map(|(checked, replaced)| SealsCheck { checked, replaced }),
        )
    }

    proptest! {
        /// A record the rules accept says what its code means, names only seals in place and
        /// goods items of the declaration; every failure names a control rule with its code.
        #[test]
        fn accepted_records_are_consistent(
            result in proptest::sample::select(RESULTS.to_vec()),
            findings in findings(),
            seals in seals(),
        ) {
            let report = ControlReport { findings, seals, remarks: None };
            let context = context();
            let failures = check_report(&report, result, &context);
            for f in &failures {
                let rule = CONTROL_RULES.iter().find(|r| r.id == f.rule_id);
                prop_assert!(rule.is_some_and(|r| r.error_code == f.error_code), "{f:?}");
                prop_assert!(f.pointer.starts_with('/') && !f.reason.is_empty());
            }
            if failures.is_empty() {
                let s = report.seals.clone().unwrap_or_default();
                let in_place = |id: &str| context.seals_in_place.iter().any(|x| x == id);
                prop_assert!(result != ControlResultCode::B1 || !report.findings.is_empty());
                prop_assert!(result != ControlResultCode::A1 || report.findings.is_empty());
                prop_assert!(
                    result != ControlResultCode::A3
                        || (!s.checked.is_empty() && !s.any_not_intact())
                );
                if s.any_not_intact() {
                    prop_assert!(matches!(result, ControlResultCode::A2 | ControlResultCode::B1));
                    prop_assert!(report.findings.iter().any(|f| f.kind == FindingKind::Seals));
                }
                prop_assert!(s.checked.iter().all(|o| in_place(&o.identifier)));
                prop_assert!(s.replaced.iter().all(|r| in_place(&r.identifier)
                    && (1..=MAX_SEAL_ID).contains(&r.new_identifier.len())));
                prop_assert!(report.findings.iter().all(|f| !f.description.trim().is_empty()
                    && f.goods_item.is_none_or(|i| context.goods_items.contains(&i))));
            }
        }
    }
}
