//! Tests of registrations: the steps, their checks, standing.
use super::*;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn application() -> Registration {
    let at = Utc::now();
    Registration {
        id: Uuid::nil(),
        version: 1,
        party: "KZ840000123456".parse().unwrap(),
        register: Register::Aeo,
        name: "Silk Way Logistics LLP".into(),
        address: "Almaty".into(),
        country: "KZ".parse().unwrap(),
        contact: Contact {
            name: "A. Person".into(),
            email: "a@example.kz".into(),
            phone: String::new(),
        },
        status: RegistrationStatus::Submitted,
        valid_from: None,
        valid_to: None,
        reason: None,
        decided_by: None,
        submitted_at: at,
        updated_at: at,
    }
}

#[test]
fn approve_suspend_reinstate_renew_revoke() {
    let today = day("2026-01-10");
    let at = Utc::now();
    let r = application();
    assert!(r.check_application("trader").is_empty());
    assert_eq!(r.check_application("insurer").len(), 1);
    let approve = RegistrationStep::Approve {
        valid_from: day("2026-01-01"),
        valid_to: day("2026-12-31"),
    };
    let a = r.step(&approve, today, "officer.kz", at).unwrap();
    assert!(a.active_on(today));
    assert_eq!(a.version, 2);
    assert!(standing(std::slice::from_ref(&a), today).aeo);
    let s = a
        .step(
            &RegistrationStep::Suspend {
                reason: "audit".into(),
            },
            today,
            "o",
            at,
        )
        .unwrap();
    assert!(!s.active_on(today));
    assert!(!standing(std::slice::from_ref(&s), today).trader);
    assert!(s.step(&approve, today, "o", at).is_err());
    let back = s
        .step(&RegistrationStep::Reinstate, today, "o", at)
        .unwrap();
    assert!(back.active_on(today));
    let late = day("2027-02-01");
    assert_eq!(back.shown_status(late), "expired");
    assert!(!back.active_on(late));
    let renewed = back
        .step(
            &RegistrationStep::Renew {
                valid_to: day("2027-12-31"),
            },
            late,
            "o",
            at,
        )
        .unwrap();
    assert!(renewed.active_on(late));
    assert!(renewed
        .step(
            &RegistrationStep::Renew {
                valid_to: day("2027-06-30")
            },
            late,
            "o",
            at
        )
        .is_err());
    let gone = renewed
        .step(
            &RegistrationStep::Revoke {
                reason: "fraud".into(),
            },
            late,
            "o",
            at,
        )
        .unwrap();
    assert!(matches!(
        gone.step(&RegistrationStep::Reinstate, late, "o", at),
        Err(StepError::OutOfSequence { .. })
    ));
}

#[test]
fn reasons_and_periods_are_checked() {
    let today = day("2026-01-10");
    let r = application();
    let at = Utc::now();
    assert!(r
        .step(
            &RegistrationStep::Reject { reason: " ".into() },
            today,
            "o",
            at
        )
        .is_err());
    let past = RegistrationStep::Approve {
        valid_from: day("2025-01-01"),
        valid_to: day("2025-12-31"),
    };
    assert!(r.step(&past, today, "o", at).is_err());
    let upside = RegistrationStep::Approve {
        valid_from: day("2026-12-31"),
        valid_to: day("2026-01-01"),
    };
    assert!(r.step(&upside, today, "o", at).is_err());
    assert_eq!(party_status(&[r], today), "");
}
