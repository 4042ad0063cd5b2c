use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;

use super::*;
use crate::movement::GuaranteeUse;
use crate::reference::{Catalog, Office, OfficeRole};

fn office(code: &str, roles: &[OfficeRole]) -> Office {
    Office {
        reference: code.parse().unwrap(),
        names: BTreeMap::new(),
        country: code[..2].parse().unwrap(),
        unlocode: None,
        time_zone: "UTC".into(),
        roles: roles.iter().copied().collect::<BTreeSet<_>>(),
        valid_from: None,
        valid_to: None,
        source: "test".into(),
    }
}

fn catalog() -> Catalog {
    use OfficeRole::*;
    let mut c = Catalog::default();
    for o in [
        office("KZHOR001", &[Dep, Tra, Ext]),
        office("KZAAU001", &[Dep, Des, Tra, Ext]),
        office("AZALA001", &[Dep, Des, Tra, Ext]),
        office("GEPTI001", &[Dep, Des, Tra, Ext]),
        office("AZBAK001", &[Dep, Des]),
    ] {
        c.offices.insert(o.reference.clone(), o);
    }
    c
}

fn t0() -> DateTime<Utc> {
    "2025-03-01T08:00:00Z".parse().unwrap()
}

fn accepted() -> Movement {
    Movement {
        state: MovementState::Accepted,
        mrn: Some("25KZHOR001000001J8".parse().unwrap()),
        lrn: "LRN1".parse().unwrap(),
        holder: "KZ840000123456".parse().unwrap(),
        office_of_departure: "KZHOR001".parse().unwrap(),
        office_of_destination: "GEPTI001".parse().unwrap(),
        offices_of_transit: vec!["AZALA001".parse().unwrap()],
        offices_of_exit: vec!["KZAAU001".parse().unwrap()],
        itinerary: vec![
            "KZ".parse().unwrap(),
            "AZ".parse().unwrap(),
            "GE".parse().unwrap(),
        ],
        guarantees: vec![GuaranteeUse {
            grn: "25KZ0000SRI000010".parse().unwrap(),
            amount: crate::ids::Money::new(Decimal::new(2500000, 2), "USD".parse().unwrap())
                .unwrap(),
        }],
        limit_date: None,
        control_pending: None,
        pending_controls: vec![],
        requested_documents: vec![],
        controls: vec![],
        passages: vec![],
        released_at: None,
        time_limit: None,
        arrival_office: None,
        arrived_at: None,
        cancellation_requested: false,
        incidents: vec![],
        risk: vec![],
        awaiting_presentation: false,
        release_override: None,
        home: None,
        remote_guarantees: vec![],
        release_pending: None,
        records_requested: vec![],
        recovery_requests: vec![],
    }
}

fn run(m: &Movement, a: Action) -> Result<Decision, TransitionError> {
    decide(m, &a, t0(), &catalog())
}

fn ok(m: &Movement, a: Action) -> Movement {
    run(m, a).expect("allowed").movement
}

fn release() -> Action {
    Action::Release {
        office: "KZHOR001".parse().unwrap(),
        override_reason: None,
    }
}

fn released() -> Movement {
    ok(&accepted(), release())
}

fn arrived() -> Movement {
    ok(
        &released(),
        Action::Arrival {
            office: "GEPTI001".parse().unwrap(),
        },
    )
}

fn control(office: &str, result: ControlResultCode) -> Action {
    Action::ControlResult {
        office: office.parse().unwrap(),
        result,
        control_type: ControlType::Physical,
        report: Default::default(),
    }
}

fn types(d: &Decision) -> Vec<String> {
    d.effects
        .iter()
        .map(|e| match e {
            Effect::Message { message_type } => message_type.clone(),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn release_reserves_and_sets_time_limit() {
    let d = run(&accepted(), release()).unwrap();
    assert_eq!(d.movement.state, MovementState::ReleasedForTransit);
    assert_eq!(types(&d), ["Reserve", "CC029C"]);
    assert_eq!(d.movement.time_limit, Some(t0() + Duration::days(14)));
}

#[test]
fn release_only_by_office_of_departure() {
    let e = run(
        &accepted(),
        Action::Release {
            office: "AZALA001".parse().unwrap(),
            override_reason: None,
        },
    )
    .unwrap_err();
    assert!(matches!(e, TransitionError::WrongOffice { .. }));
}

#[test]
fn control_decision_then_result_then_release() {
    let m = ok(
        &accepted(),
        Action::ControlDecision {
            office: "KZHOR001".parse().unwrap(),
            control_type: ControlType::Scanning,
            requested_documents: vec![],
        },
    );
    assert_eq!(m.state, MovementState::UnderControl);
    assert_eq!(
        run(&m, release()).unwrap_err(),
        TransitionError::ControlPending {
            office: "KZHOR001".parse().unwrap(),
            action: "release"
        }
    );
    let m = ok(&m, control("KZHOR001", ControlResultCode::A1));
    assert_eq!(ok(&m, release()).state, MovementState::ReleasedForTransit);
}

#[test]
fn b1_at_departure_means_no_release() {
    let d = run(&accepted(), control("KZHOR001", ControlResultCode::B1)).unwrap();
    assert_eq!(d.movement.state, MovementState::NotReleased);
    assert_eq!(types(&d), ["CC051C"]);
    let e = run(&d.movement, release()).unwrap_err();
    assert_eq!(e.error_code(), 92);
}

#[test]
fn exit_and_entry_need_roles_and_happen_once() {
    let m = ok(
        &released(),
        Action::Exit {
            office: "KZAAU001".parse().unwrap(),
        },
    );
    assert_eq!(m.passages.len(), 1);
    assert!(m.passages[0].declared);
    let again = run(
        &m,
        Action::Exit {
            office: "KZAAU001".parse().unwrap(),
        },
    );
    assert!(matches!(again, Err(TransitionError::AlreadyPassed { .. })));
    let lacks = run(
        &m,
        Action::Entry {
            office: "AZBAK001".parse().unwrap(),
        },
    );
    assert!(matches!(
        lacks,
        Err(TransitionError::OfficeLacksRole { .. })
    ));
    let m = ok(
        &m,
        Action::Entry {
            office: "AZALA001".parse().unwrap(),
        },
    );
    assert_eq!(m.state, MovementState::ReleasedForTransit);
}

#[test]
fn exit_before_release_is_out_of_sequence() {
    let e = run(
        &accepted(),
        Action::Exit {
            office: "KZAAU001".parse().unwrap(),
        },
    )
    .unwrap_err();
    assert!(matches!(e, TransitionError::OutOfSequence { .. }));
    assert_eq!(e.error_code(), 92);
}

#[test]
fn arrival_needs_des_role() {
    let e = run(
        &released(),
        Action::Arrival {
            office: "KZHOR001".parse().unwrap(),
        },
    )
    .unwrap_err();
    assert!(matches!(
        e,
        TransitionError::OfficeLacksRole { role: "DES", .. }
    ));
    assert_eq!(arrived().state, MovementState::Arrived);
}

#[test]
fn goods_release_writes_off_and_credits() {
    let d = run(
        &arrived(),
        Action::GoodsRelease {
            office: "GEPTI001".parse().unwrap(),
        },
    )
    .unwrap();
    assert_eq!(d.movement.state, MovementState::WrittenOff);
    assert_eq!(types(&d), ["CC025C", "Credit", "CC045C"]);
}

#[test]
fn b1_at_destination_ends_in_discrepancies_then_resolution() {
    let m = ok(&arrived(), control("GEPTI001", ControlResultCode::B1));
    let d = run(
        &m,
        Action::GoodsRelease {
            office: "GEPTI001".parse().unwrap(),
        },
    )
    .unwrap();
    assert_eq!(d.movement.state, MovementState::Discrepancies);
    assert!(!types(&d).contains(&"Credit".to_string()));
    let m = ok(
        &d.movement,
        Action::ResolveDiscrepancies {
            office: "GEPTI001".parse().unwrap(),
        },
    );
    assert_eq!(m.state, MovementState::WrittenOff);
}

#[test]
fn goods_release_only_after_arrival() {
    let e = run(
        &released(),
        Action::GoodsRelease {
            office: "GEPTI001".parse().unwrap(),
        },
    )
    .unwrap_err();
    assert!(matches!(e, TransitionError::OutOfSequence { .. }));
}

#[test]
fn cancellation_before_release_only() {
    let m = ok(
        &accepted(),
        Action::RequestCancellation {
            reason: "goods sold locally".into(),
        },
    );
    assert!(m.cancellation_requested);
    let m = ok(
        &m,
        Action::CancellationDecision {
            office: "KZHOR001".parse().unwrap(),
            accept: true,
        },
    );
    assert_eq!(m.state, MovementState::Invalidated);
    let e = run(
        &released(),
        Action::CancellationDecision {
            office: "KZHOR001".parse().unwrap(),
            accept: true,
        },
    )
    .unwrap_err();
    assert!(matches!(e, TransitionError::OutOfSequence { .. }));
}

#[test]
fn refused_cancellation_keeps_state() {
    let m = ok(
        &accepted(),
        Action::CancellationDecision {
            office: "KZHOR001".parse().unwrap(),
            accept: false,
        },
    );
    assert_eq!(m.state, MovementState::Accepted);
}

#[test]
fn time_limit_leads_to_enquiry_then_recovery() {
    let m = released();
    let early = decide(
        &m,
        &Action::TimeLimitExpired,
        t0() + Duration::days(3),
        &catalog(),
    );
    assert!(early.is_err());
    let d = decide(
        &m,
        &Action::TimeLimitExpired,
        t0() + Duration::days(15),
        &catalog(),
    )
    .unwrap();
    assert_eq!(d.movement.state, MovementState::UnderEnquiry);
    let late_arrival = ok(
        &d.movement,
        Action::Arrival {
            office: "GEPTI001".parse().unwrap(),
        },
    );
    assert_eq!(late_arrival.state, MovementState::Arrived);
    let r = run(
        &d.movement,
        Action::OpenRecovery {
            office: "KZHOR001".parse().unwrap(),
        },
    )
    .unwrap();
    assert_eq!(r.movement.state, MovementState::UnderRecovery);
    assert_eq!(types(&r), ["Claim", "CC035C"]);
}

#[test]
fn incidents_need_text_and_release() {
    let e = run(
        &released(),
        Action::Incident {
            office: "AZALA001".parse().unwrap(),
            text: " ".into(),
        },
    );
    assert!(matches!(e, Err(TransitionError::Empty { .. })));
    let m = ok(
        &released(),
        Action::Incident {
            office: "AZALA001".parse().unwrap(),
            text: "seal broken, replaced".into(),
        },
    );
    assert_eq!(m.incidents.len(), 1);
    assert!(run(
        &accepted(),
        Action::Incident {
            office: "AZALA001".parse().unwrap(),
            text: "x".into()
        }
    )
    .is_err());
}

#[test]
fn reservation_failure_sets_guarantee_not_valid() {
    let d = run(
        &accepted(),
        Action::ReservationFailed {
            office: "KZHOR001".parse().unwrap(),
            reason: "insufficient".into(),
        },
    )
    .unwrap();
    assert_eq!(d.movement.state, MovementState::GuaranteeNotValid);
    assert_eq!(types(&d), ["CC055C"]);
}

#[test]
fn final_states_refuse_everything() {
    let written_off = ok(
        &arrived(),
        Action::GoodsRelease {
            office: "GEPTI001".parse().unwrap(),
        },
    );
    for a in [
        release(),
        Action::Exit {
            office: "KZAAU001".parse().unwrap(),
        },
        Action::Arrival {
            office: "GEPTI001".parse().unwrap(),
        },
        Action::TimeLimitExpired,
        Action::CancellationDecision {
            office: "KZHOR001".parse().unwrap(),
            accept: true,
        },
    ] {
        assert!(run(&written_off, a).is_err());
    }
}

fn pre_lodged() -> Movement {
    Movement {
        awaiting_presentation: true,
        ..accepted()
    }
}

fn presentation(office: &str) -> Action {
    Action::PresentationNotification {
        office: office.parse().unwrap(),
    }
}

#[test]
fn pre_lodged_waits_for_presentation_before_control_and_release() {
    let m = pre_lodged();
    for a in [
        release(),
        Action::ControlDecision {
            office: "KZHOR001".parse().unwrap(),
            control_type: ControlType::Physical,
            requested_documents: vec![],
        },
        control("KZHOR001", ControlResultCode::A1),
    ] {
        let e = run(&m, a).unwrap_err();
        assert!(
            matches!(e, TransitionError::AwaitingPresentation { .. }),
            "{e}"
        );
        assert_eq!(e.error_code(), 92);
    }
    // The holder may still ask to cancel before presentation.
    let asked = ok(
        &m,
        Action::RequestCancellation {
            reason: "goods not ready".into(),
        },
    );
    assert!(asked.cancellation_requested && asked.awaiting_presentation);
    // Presented at the office of departure: nothing is sent, release may follow.
    let d = run(&m, presentation("KZHOR001")).unwrap();
    assert!(d.effects.is_empty());
    assert!(!d.movement.awaiting_presentation);
    assert_eq!(d.movement.state, MovementState::Accepted);
    let released = ok(&d.movement, release());
    assert_eq!(released.state, MovementState::ReleasedForTransit);
}

#[test]
fn presentation_only_once_only_pre_lodged_only_at_departure() {
    let e = run(&pre_lodged(), presentation("GEPTI001")).unwrap_err();
    assert!(matches!(e, TransitionError::WrongOffice { .. }), "{e}");
    let presented = ok(&pre_lodged(), presentation("KZHOR001"));
    for m in [presented, accepted(), released()] {
        let e = run(&m, presentation("KZHOR001")).unwrap_err();
        assert!(matches!(e, TransitionError::OutOfSequence { .. }), "{e}");
        assert_eq!(e.error_code(), 92);
    }
    // A pre-lodged declaration whose guarantee is not valid can be presented too.
    let gnv = Movement {
        state: MovementState::GuaranteeNotValid,
        ..pre_lodged()
    };
    assert!(!ok(&gnv, presentation("KZHOR001")).awaiting_presentation);
}

fn decision(office: &str) -> Action {
    Action::ControlDecision {
        office: office.parse().unwrap(),
        control_type: ControlType::Physical,
        requested_documents: vec![],
    }
}

fn pending_at(e: TransitionError) -> String {
    match e {
        TransitionError::ControlPending { office, .. } => office.to_string(),
        other => panic!("not ControlPending: {other}"),
    }
}

#[test]
fn a_control_decided_after_release_holds_the_goods_until_its_result() {
    // At an office of exit: no exit before the result.
    let m = ok(&released(), decision("KZAAU001"));
    assert_eq!(m.pending_controls.len(), 1);
    assert_eq!(m.pending_controls[0].stage, Stage::EnRoute);
    let exit = Action::Exit {
        office: "KZAAU001".parse().unwrap(),
    };
    assert_eq!(pending_at(run(&m, exit.clone()).unwrap_err()), "KZAAU001");
    assert_eq!(run(&m, exit.clone()).unwrap_err().error_code(), 92);
    // Nor arrival at destination while an en-route control waits.
    let arrival = Action::Arrival {
        office: "GEPTI001".parse().unwrap(),
    };
    assert_eq!(
        pending_at(run(&m, arrival.clone()).unwrap_err()),
        "KZAAU001"
    );
    // Another office's exit is not held.
    let m2 = ok(
        &m,
        Action::Entry {
            office: "AZALA001".parse().unwrap(),
        },
    );
    assert_eq!(m2.pending_controls.len(), 1);
    // The result releases the hold.
    let m = ok(&m, control("KZAAU001", ControlResultCode::A1));
    assert!(m.pending_controls.is_empty());
    let m = ok(&m, exit);
    let m = ok(&m, arrival);
    // At destination: no goods release before the result.
    let m = ok(&m, decision("GEPTI001"));
    assert_eq!(m.pending_controls[0].stage, Stage::Destination);
    let release = Action::GoodsRelease {
        office: "GEPTI001".parse().unwrap(),
    };
    assert_eq!(
        pending_at(run(&m, release.clone()).unwrap_err()),
        "GEPTI001"
    );
    // A second decision at the same office replaces the first.
    let m = ok(
        &m,
        Action::ControlDecision {
            office: "GEPTI001".parse().unwrap(),
            control_type: ControlType::Scanning,
            requested_documents: vec![],
        },
    );
    assert_eq!(m.pending_controls.len(), 1);
    assert_eq!(m.pending_controls[0].control_type, ControlType::Scanning);
    let m = ok(&m, control("GEPTI001", ControlResultCode::A2));
    assert_eq!(ok(&m, release).state, MovementState::WrittenOff);
}

#[test]
fn releasing_against_the_selection_needs_a_reason_and_keeps_it() {
    let mut selected = accepted();
    selected.risk.push(crate::risk::Selection {
        office: "KZHOR001".parse().unwrap(),
        selected: true,
        control_type: None,
        reasons: vec!["random draw".into()],
        profiles: Vec::new(),
        draw: 0.01,
        rate: 0.05,
        seed: Some(1),
        aeo_factor: None,
        score: 0,
        recognised: None,
    });
    let e = run(&selected, release()).unwrap_err();
    assert!(matches!(e, TransitionError::OverrideReasonRequired { .. }));
    let blank = Action::Release {
        office: "KZHOR001".parse().unwrap(),
        override_reason: Some("  ".into()),
    };
    assert!(run(&selected, blank).is_err());
    let with_reason = Action::Release {
        office: "KZHOR001".parse().unwrap(),
        override_reason: Some("seals intact, known carrier".into()),
    };
    let released = ok(&selected, with_reason);
    assert_eq!(released.state, MovementState::ReleasedForTransit);
    assert_eq!(
        released.release_override.as_deref(),
        Some("seals intact, known carrier")
    );
    // not selected: no reason needed, none kept
    let plain = ok(&accepted(), release());
    assert_eq!(plain.release_override, None);
}
