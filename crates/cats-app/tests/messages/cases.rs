//! The outgoing messages to build: one case per message type and per situation it is sent in.

use super::*;

use cats_domain::reference::Office;

fn catalog_with_unlocode() -> Catalog {
    let mut catalog = Catalog::default();
    catalog.offices.insert(
        "AZQAZ001".parse().unwrap(),
        Office {
            reference: "AZQAZ001".parse().unwrap(),
            names: [("en".to_string(), "Qazax customs post".to_string())].into(),
            country: "AZ".parse().unwrap(),
            unlocode: Some("AZQAZ".into()),
            time_zone: "Asia/Baku".into(),
            roles: Default::default(),
            valid_from: None,
            valid_to: None,
            source: "test".into(),
        },
    );
    catalog
}

pub(super) fn cases() -> Vec<Case> {
    use MovementState as S;
    let mut out = Vec::new();

    let mut c = case("CC928C", "CC928C", movement(S::Accepted));
    c.correlation = Some("CATS-KZ-20250310-0001");
    out.push(c);
    let mut c = case("CC028C", "CC028C", movement(S::Accepted));
    c.correlation = Some("CATS-KZ-20250310-0001");
    out.push(c);

    let mut c = case("CC056C at lodging", "CC056C", movement(S::Rejected));
    c.failures = lodging_failures();
    c.correlation = Some("CATS-KZ-20250310-0001");
    out.push(c);
    let mut c = case("CC056C of an amendment", "CC056C", movement(S::Accepted));
    c.failures = lodging_failures()[..2].to_vec();
    out.push(c);
    let mut c = case("CC056C without failures", "CC056C", movement(S::Rejected));
    c.text = Some("the declaration cannot be processed");
    out.push(c);

    let mut c = case(
        "CC055C at lodging",
        "CC055C",
        movement(S::GuaranteeNotValid),
    );
    c.failures = vec![failure(
        "CATS022",
        14,
        "/CC015C/Guarantee[1]/GuaranteeReference[1]/amountToBeCovered",
        "guarantee 25KZ0000SRI000010: 25000.00 USD to be covered but only 1000.00 available",
    )];
    out.push(c);
    let mut c = case(
        "CC055C at release",
        "CC055C",
        movement(S::GuaranteeNotValid),
    );
    c.office = Some("KZHOR001");
    c.text = Some("guarantee 25KZ0000SRI000010: 25000.00 to be covered, only 10.00 available");
    out.push(c);

    for t in [
        ControlType::Documentary,
        ControlType::Physical,
        ControlType::Scanning,
        ControlType::Seals,
    ] {
        let mut m = movement(S::UnderControl);
        m.control_pending = Some(t);
        let mut c = case("CC060C", "CC060C", m);
        c.office = Some("KZHOR001");
        c.control_type = Some(t);
        out.push(c);
    }

    let mut m = movement(S::NotReleased);
    m.controls.push(control(
        "KZHOR001",
        Stage::Departure,
        ControlResultCode::B1,
        "2025-03-11T07:00:00",
    ));
    let mut c = case("CC051C", "CC051C", m);
    c.office = Some("KZHOR001");
    out.push(c);

    let mut m = released(movement(S::ReleasedForTransit));
    m.controls.push(control(
        "KZHOR001",
        Stage::Departure,
        ControlResultCode::A1,
        "2025-03-11T07:00:00",
    ));
    let mut c = case("CC029C after a control", "CC029C", m);
    c.office = Some("KZHOR001");
    out.push(c);
    let mut c = case(
        "CC029C without control",
        "CC029C",
        released(movement(S::ReleasedForTransit)),
    );
    c.office = Some("KZHOR001");
    out.push(c);
    let mut m = released(movement(S::ReleasedForTransit));
    m.controls.push(control(
        "KZHOR001",
        Stage::Departure,
        ControlResultCode::A3,
        "2025-03-11T07:00:00",
    ));
    out.push(case("CC029C after a seals check (A3)", "CC029C", m));

    let accepted = movement(S::Accepted);
    let mut c = case("CC009C granted", "CC009C", {
        let mut m = accepted.clone();
        m.state = S::Invalidated;
        m
    });
    c.office = Some("KZHOR001");
    out.push(c);
    let mut c = case("CC009C refused", "CC009C", accepted);
    c.office = Some("KZHOR001");
    out.push(c);

    let mut m = released(movement(S::ReleasedForTransit));
    m.incidents
        .push(("AZQAZ001".parse().unwrap(), "trailer axle broken".into()));
    let mut c = case("CC182C without catalogue", "CC182C", m.clone());
    c.office = Some("AZQAZ001");
    c.text = Some("trailer axle broken; goods moved to a spare trailer under escort");
    out.push(c);
    let mut c = case("CC182C with a UN/LOCODE", "CC182C", m);
    c.office = Some("AZQAZ001");
    c.text = Some("trailer axle broken");
    c.catalog = Some(catalog_with_unlocode());
    out.push(c);

    let mut c = case("CC025C", "CC025C", {
        let mut m = arrived(movement(S::GoodsReleased));
        m.controls.push(control(
            "GEPTI001",
            Stage::Destination,
            ControlResultCode::A1,
            "2025-03-20T12:00:00",
        ));
        m
    });
    c.office = Some("GEPTI001");
    out.push(c);
    let mut m = arrived(movement(S::Discrepancies));
    m.controls.push(control(
        "GEPTI001",
        Stage::Destination,
        ControlResultCode::B1,
        "2025-03-20T12:00:00",
    ));
    let mut c = case("CC025C after B1", "CC025C", m.clone());
    c.office = Some("GEPTI001");
    out.push(c);
    let mut c = case("CC019C", "CC019C", m);
    c.office = Some("GEPTI001");
    out.push(c);

    let mut c = case("CC045C", "CC045C", arrived(movement(S::WrittenOff)));
    c.office = Some("GEPTI001");
    out.push(c);

    let mut c = case("CC004C", "CC004C", movement(S::Accepted));
    c.correlation = Some("CATS-KZ-20250310-0002");
    out.push(c);

    let mut c = case("CC035C", "CC035C", released(movement(S::UnderRecovery)));
    c.office = Some("KZHOR001");
    out.push(c);

    let mut c = case("CC043C", "CC043C", arrived(movement(S::Arrived)));
    c.office = Some("GEPTI001");
    c.correlation = Some("CATS-GE-20250320-0007");
    out.push(c);
    let mut c = case(
        "CC057C arrival at an unknown MRN",
        "CC057C",
        movement(S::Accepted),
    );
    c.office = Some("GEPTI001");
    c.failures = vec![failure(
        "N/A",
        90,
        "/CC007C/TransitOperation/MRN",
        "no movement with MRN 25KZHOR001999999J1 is known to the holder",
    )];
    out.push(c);
    let mut c = case(
        "CC057C unloading remarks out of sequence",
        "CC057C",
        arrived(movement(S::WrittenOff)),
    );
    c.failures = vec![failure(
        "N/A",
        92,
        "/CC044C",
        "unloading remarks are not allowed while the movement is WrittenOff",
    )];
    out.push(c);
    let mut c = case(
        "CC057C without failures",
        "CC057C",
        arrived(movement(S::Arrived)),
    );
    c.text = Some("the arrival cannot be accepted");
    out.push(c);

    out
}
