//! Every message the node sends to the holder is a valid NCTS P5 message: built by
//! `cats_app::messages::build` from a realistic movement, it passes `cats_ncts::validate` in
//! both forms, `cats_ncts::write` turns it into XML, and `xmllint` accepts that XML against the
//! official XSD in `../shared/ncts/xsd-p5` (skipped, with a note, when `../shared` or `xmllint`
//! is absent).

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::Value;

use cats_app::messages::{build, OutContext};
use cats_domain::ids::{CountryCode, Mrn, ProcedureLetter};
use cats_domain::movement::{
    time_limit_for_arrival, ControlRecord, ControlResultCode, ControlType, Movement, MovementState,
    Stage,
};
use cats_domain::reference::{Catalog, Office};
use cats_domain::rules::{self, RuleFailure};
use cats_ncts::{Format, MessageType};

const CORRIDOR: &[u8] = include_bytes!("../../cats-ncts/tests/fixtures/cc015c-corridor.json");

fn shared() -> Option<PathBuf> {
    let p = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    p.join("ncts/xsd-p5").is_dir().then(|| p.to_path_buf())
}

fn at(s: &str) -> DateTime<Utc> {
    Utc.from_utc_datetime(
        &chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").expect("date and time"),
    )
}

/// The fixture declaration (body of the CC015C) and its typed form.
fn declaration() -> (cats_domain::declaration::Cc015c, Value) {
    let (typed, value) =
        cats_ncts::parse_cc015c(CORRIDOR, Format::Json).expect("the fixture is a valid CC015C");
    let body = value["n1:CC015C"].clone();
    (typed, body)
}

fn mrn() -> String {
    let country = CountryCode::parse("KZ").expect("KZ");
    Mrn::allocate(2025, &country, "HOR001000123", ProcedureLetter::J)
        .expect("MRN")
        .as_str()
        .to_string()
}

/// The movement of the fixture declaration in `state`, with an MRN unless rejected at lodging.
fn movement(state: MovementState) -> Movement {
    let (d, _) = declaration();
    let mrn = (state != MovementState::Rejected).then(mrn);
    rules::facts(&d).movement(state, mrn)
}

const LODGED: &str = "2025-03-10T09:30:00";
const RELEASED: &str = "2025-03-11T08:00:00";

fn released(mut m: Movement) -> Movement {
    let r = at(RELEASED);
    m.released_at = Some(r);
    m.time_limit = Some(time_limit_for_arrival(r, m.itinerary.len(), m.limit_date));
    m
}

fn control(office: &str, stage: Stage, result: ControlResultCode, when: &str) -> ControlRecord {
    ControlRecord {
        office: office.into(),
        stage,
        result,
        control_type: ControlType::Physical,
        at: at(when),
        report: Default::default(),
        officer: None,
        attachments: vec![],
    }
}

fn arrived(mut m: Movement) -> Movement {
    m = released(m);
    m.arrival_office = Some("GEPTI001".into());
    m.arrived_at = Some(at("2025-03-20T10:00:00"));
    m
}

fn failure(rule_id: &str, error_code: u16, pointer: &str, reason: &str) -> RuleFailure {
    RuleFailure {
        rule_id: rule_id.into(),
        error_code,
        pointer: pointer.into(),
        reason: reason.into(),
    }
}

fn lodging_failures() -> Vec<RuleFailure> {
    vec![
        failure(
            "CATS002",
            12,
            "/CC015C/CustomsOfficeOfDestinationDeclared/referenceNumber",
            "office GERBR001 does not hold the role DES",
        ),
        failure(
            "CATS017",
            14,
            "/CC015C/Guarantee[1]/GuaranteeReference[1]/accessCode",
            "the access code does not match GRN 25KZ0000SRI000010",
        ),
        failure(
            "R0983",
            14,
            "/CC015C/Consignment/HouseConsignment[1]/grossMass",
            "the house consignment weighs less than its items",
        ),
        // Beyond NCTS's facets: a rule id longer than 7, a code outside CL180, a pointer longer
        // than 512, a reason longer than 512 with a line break and a control character.
        failure(
            "CATS-LONG-ID",
            7,
            &format!("/CC015C/{}", "Consignment/".repeat(60)),
            &format!("line one\nline two\u{7} {}", "x".repeat(600)),
        ),
    ]
}

/// One message to build, with what its action gives.
struct Case {
    name: &'static str,
    message_type: &'static str,
    movement: Movement,
    failures: Vec<RuleFailure>,
    office: Option<&'static str>,
    control_type: Option<ControlType>,
    text: Option<&'static str>,
    correlation: Option<&'static str>,
    catalog: Option<Catalog>,
}

fn case(name: &'static str, message_type: &'static str, movement: Movement) -> Case {
    Case {
        name,
        message_type,
        movement,
        failures: Vec::new(),
        office: None,
        control_type: None,
        text: None,
        correlation: None,
        catalog: None,
    }
}

fn catalog_with_unlocode() -> Catalog {
    let mut catalog = Catalog::default();
    catalog.offices.insert(
        "AZQAZ001".into(),
        Office {
            reference: "AZQAZ001".into(),
            names: [("en".to_string(), "Qazax customs post".to_string())].into(),
            country: "AZ".into(),
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

fn cases() -> Vec<Case> {
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
        .push(("AZQAZ001".into(), "trailer axle broken".into()));
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

fn now_for(case: &Case) -> DateTime<Utc> {
    match case.movement.time_limit {
        Some(limit) if case.message_type == "CC035C" => limit + Duration::days(40),
        _ => at("2025-03-21T10:00:00"),
    }
}

fn build_case(case: &Case, declaration: &Value) -> Value {
    let ctx = OutContext {
        movement: &case.movement,
        declaration,
        now: now_for(case),
        lodged_at: at(LODGED),
        office: case.office,
        failures: &case.failures,
        control_type: case.control_type,
        text: case.text,
        correlation: case.correlation,
        catalog: case.catalog.as_ref(),
    };
    let (id, value) = build(case.message_type, &ctx);
    let body = &value[format!("n1:{}", case.message_type)];
    assert_eq!(body["messageIdentification"], id.as_str(), "{}", case.name);
    value
}

/// xmllint's verdict on the XML in `file` against the message type's XSD (`Err` with its
/// output when it refuses), or `None` (with a printed note) when it cannot run.
fn xmllint(mt: MessageType, file: &Path) -> Option<Result<(), String>> {
    let shared = shared()?;
    let xsd = shared.join("ncts/xsd-p5").join(mt.xsd_file());
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&xsd)
        .arg(file)
        .output();
    let Ok(out) = out else {
        eprintln!("skipped: xmllint is not installed (apt-get install libxml2-utils)");
        return None;
    };
    Some(if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    })
}

fn file_name(case: &Case) -> String {
    case.name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[test]
fn every_outgoing_message_is_valid_ncts() {
    let (_, d) = declaration();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("outgoing-messages");
    std::fs::create_dir_all(&dir).expect("temporary directory");
    if shared().is_none() {
        eprintln!("skipped xmllint: ../shared is absent");
    }
    let mut problems = Vec::new();
    let mut linted = 0;
    for (i, case) in cases().into_iter().enumerate() {
        let value = build_case(&case, &d);
        let mt = MessageType::from_code(case.message_type).expect("an NCTS message type");
        let errors = cats_ncts::validate(mt, &value);
        if !errors.is_empty() {
            problems.push(format!("{}: {errors:#?}\n{value:#}", case.name));
            continue;
        }
        // JSON form, as written for the API.
        let json = cats_ncts::write(mt, &value, Format::Json).expect("JSON");
        let reread: Value = serde_json::from_slice(&json).expect("JSON is JSON");
        let errors = cats_ncts::validate(mt, &reread);
        if !errors.is_empty() {
            problems.push(format!("{} (JSON form): {errors:#?}", case.name));
        }
        // XML form, checked against the XSD.
        let xml = match cats_ncts::write(mt, &value, Format::Xml) {
            Ok(xml) => xml,
            Err(e) => {
                problems.push(format!("{}: not writable as XML: {e}", case.name));
                continue;
            }
        };
        let errors = cats_ncts::read(&xml, Format::Xml, mt, &cats_ncts::Limits::default())
            .err()
            .unwrap_or_default();
        if !errors.is_empty() {
            problems.push(format!("{} (XML read back): {errors:#?}", case.name));
        }
        let file = dir.join(format!("{i:02}-{}.xml", file_name(&case)));
        std::fs::write(&file, &xml).expect("write the XML");
        match xmllint(mt, &file) {
            Some(Ok(())) => linted += 1,
            Some(Err(out)) => problems.push(format!(
                "{}: xmllint refuses {}:\n{out}",
                case.name,
                file.display()
            )),
            None => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    if shared().is_some() {
        eprintln!("xmllint accepted {linted} messages (in {})", dir.display());
    }
}

fn body_of(case: &Case) -> Value {
    let (_, d) = declaration();
    build_case(case, &d)[format!("n1:{}", case.message_type)].clone()
}

fn find(name: &str) -> Case {
    cases()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

#[test]
fn release_for_transit_carries_the_time_limit_seals_guarantee_and_goods() {
    let case = find("CC029C after a control");
    let b = body_of(&case);
    let op = &b["TransitOperation"];
    assert_eq!(op["MRN"], mrn().as_str());
    assert_eq!(op["LRN"], "KZHOR-2025-000123");
    assert_eq!(op["releaseDate"], "2025-03-11");
    assert_eq!(op["declarationAcceptanceDate"], "2025-03-10");
    assert!(
        op.get("limitDate").is_none(),
        "no limitDate in TransitOperationType12"
    );
    // Time limit for arrival (G0127): the declaration's limitDate, 2025-03-24, earlier than the
    // 14 days of the KZ-AZ-GE route.
    let limit = case.movement.time_limit.expect("set at release");
    assert_eq!(limit.date_naive().to_string(), "2025-03-24");
    let result = &b["ControlResult"];
    assert_eq!(result["date"], "2025-03-24");
    assert_eq!(result["code"], "A1");
    assert_eq!(result["controlledBy"], "KZHOR001");
    let seals = &b["Consignment"]["TransportEquipment"][0];
    assert_eq!(seals["numberOfSeals"], 2);
    assert_eq!(seals["Seal"][1]["identifier"], "KZ-SEAL-000452");
    let reference = &b["Guarantee"][0]["GuaranteeReference"][0];
    assert_eq!(reference["GRN"], "25KZ0000SRI000010");
    assert_eq!(reference["amountToBeCovered"].to_string(), "25000.00");
    let items = &b["Consignment"]["HouseConsignment"][0]["ConsignmentItem"];
    assert_eq!(items.as_array().map(Vec::len), Some(2));
    assert_eq!(
        items[1]["Commodity"]["GoodsMeasure"]["netMass"].to_string(),
        "7650.250"
    );
    assert_eq!(b["Consignment"]["containerIndicator"], "1");

    let without = body_of(&find("CC029C without control"));
    assert_eq!(
        without["ControlResult"]["code"], "A2",
        "released without control (G0126)"
    );
    assert_eq!(without["ControlResult"]["date"], "2025-03-24");
    let seals_ok = body_of(&find("CC029C after a seals check (A3)"));
    assert_eq!(
        seals_ok["ControlResult"]["code"], "A1",
        "NCTS A3 is the simplified procedure (C521 only, R0910)"
    );
}

#[test]
fn release_for_transit_maps_what_the_cc029c_types_lack() {
    let (_, mut d) = declaration();
    let c = d["Consignment"].as_object_mut().expect("Consignment");
    c.remove("containerIndicator");
    c["HouseConsignment"][0]["ConsignmentItem"][0]["Commodity"]["GoodsMeasure"]
        ["supplementaryUnits"] = serde_json::json!(20);
    // A departure transport means without identification (allowed in the CC015C) cannot be
    // carried in the CC029C: dropped, the next one renumbered.
    c["DepartureTransportMeans"] = serde_json::json!([
        { "sequenceNumber": 1, "typeOfIdentification": "30" },
        { "sequenceNumber": 2, "typeOfIdentification": "30", "identificationNumber": "777ABZ05", "nationality": "KZ" },
    ]);
    // An item's goods measure without gross mass.
    c["HouseConsignment"][0]["ConsignmentItem"][1]["Commodity"]["GoodsMeasure"]
        .as_object_mut()
        .expect("GoodsMeasure")
        .remove("grossMass");
    d["TransitOperation"]["presentationOfTheGoodsDateAndTime"] =
        serde_json::json!("2025-03-10T09:00:00");
    let case = find("CC029C after a control");
    let value = build_case(&case, &d);
    let errors = cats_ncts::validate(MessageType::CC029C, &value);
    assert!(errors.is_empty(), "{errors:#?}");
    let b = &value["n1:CC029C"];
    assert_eq!(b["Consignment"]["containerIndicator"], "1");
    let means = b["Consignment"]["DepartureTransportMeans"]
        .as_array()
        .expect("array");
    assert_eq!(means.len(), 1);
    assert_eq!(means[0]["sequenceNumber"], 1);
    assert_eq!(means[0]["identificationNumber"], "777ABZ05");
    let items = &b["Consignment"]["HouseConsignment"][0]["ConsignmentItem"];
    assert!(items[0]["Commodity"]["GoodsMeasure"]
        .get("supplementaryUnits")
        .is_none());
    assert!(items[1]["Commodity"].get("GoodsMeasure").is_none());
    assert!(b["TransitOperation"]
        .get("presentationOfTheGoodsDateAndTime")
        .is_none());
}

#[test]
fn rejection_lists_every_failure_within_the_facets() {
    let b = body_of(&find("CC056C at lodging"));
    let op = &b["TransitOperation"];
    assert_eq!(op["LRN"], "KZHOR-2025-000123");
    assert!(op.get("MRN").is_none(), "LRN or MRN, not both (C0467)");
    assert_eq!(op["businessRejectionType"], "015");
    assert_eq!(op["rejectionCode"], "12");
    let errors = b["FunctionalError"].as_array().expect("FunctionalError");
    assert_eq!(errors.len(), 4);
    assert_eq!(errors[0]["errorCode"], "12");
    assert_eq!(errors[0]["errorReason"], "CATS002");
    assert_eq!(errors[0]["originalAttributeValue"], "GEPTI001");
    assert_eq!(errors[1]["originalAttributeValue"], "1111");
    assert_eq!(errors[2]["originalAttributeValue"], "18450.500");
    assert_eq!(errors[3]["errorReason"], "CATS-LO");
    assert_eq!(errors[3]["errorCode"], "14");
    assert!(errors[3]["errorPointer"].as_str().unwrap().chars().count() <= 512);
    let reason = op["rejectionReason"].as_str().expect("reason");
    assert!(
        reason.starts_with("4 business rules failed. CATS002: "),
        "{reason}"
    );
    assert!(reason.chars().count() <= 512);

    let amendment = body_of(&find("CC056C of an amendment"));
    assert_eq!(
        amendment["TransitOperation"]["businessRejectionType"],
        "013"
    );
    assert!(amendment["FunctionalError"][0]
        .get("originalAttributeValue")
        .is_none());
    assert_eq!(amendment["TransitOperation"]["MRN"], mrn().as_str());
    assert!(amendment["TransitOperation"].get("LRN").is_none());

    let other = body_of(&find("CC056C without failures"));
    assert_eq!(other["TransitOperation"]["rejectionCode"], "4");
    assert!(other.get("FunctionalError").is_none());
}

#[test]
fn guarantee_not_valid_names_the_guarantee_and_the_reason() {
    let b = body_of(&find("CC055C at lodging"));
    let reference = &b["GuaranteeReference"][0];
    assert_eq!(reference["GRN"], "25KZ0000SRI000010");
    assert_eq!(reference["InvalidGuaranteeReason"][0]["code"], "G02");
    let b = body_of(&find("CC055C at release"));
    assert_eq!(
        b["GuaranteeReference"][0]["InvalidGuaranteeReason"][0]["text"],
        "guarantee 25KZ0000SRI000010: 25000.00 to be covered, only 10.00 available"
    );
}

#[test]
fn control_decision_incident_and_goods_release_codes() {
    let b = body_of(&find("CC060C"));
    assert_eq!(b["TransitOperation"]["notificationType"], "0");
    assert_eq!(b["TransitOperation"]["MRN"], mrn().as_str());
    assert!(b["TransitOperation"].get("LRN").is_none(), "C0685");
    assert_eq!(b["TypeOfControls"][0]["type"], "10");

    let b = body_of(&find("CC182C with a UN/LOCODE"));
    let incident = &b["Consignment"]["Incident"][0];
    assert_eq!(incident["code"], "5");
    assert_eq!(incident["Location"]["qualifierOfIdentification"], "U");
    assert_eq!(incident["Location"]["UNLocode"], "AZQAZ");
    assert_eq!(incident["Location"]["country"], "AZ");
    let b = body_of(&find("CC182C without catalogue"));
    let location = &b["Consignment"]["Incident"][0]["Location"];
    assert_eq!(location["qualifierOfIdentification"], "Z");
    assert_eq!(location["Address"]["city"], "AZQAZ001");

    let b = body_of(&find("CC025C after B1"));
    assert_eq!(b["TransitOperation"]["releaseIndicator"], "1");
    assert_eq!(
        b["CustomsOfficeOfDestinationActual"]["referenceNumber"],
        "GEPTI001"
    );
}

#[test]
fn request_on_non_arrived_movement_is_a_json_notification() {
    assert!(
        MessageType::from_code("CC140C").is_none(),
        "an XSD for CC140C is now in the schema tables: validate the CC140C like the others"
    );
    let mut m = released(movement(MovementState::UnderEnquiry));
    m.state = MovementState::UnderEnquiry;
    let mut c = case("CC140C", "CC140C", m);
    c.office = None;
    let b = body_of(&c);
    assert_eq!(b["messageType"], "CC140C");
    assert_eq!(b["TransitOperation"]["MRN"], mrn().as_str());
    assert_eq!(
        b["TransitOperation"]["requestOnNonArrivedMovementDate"],
        "2025-03-21"
    );
    assert_eq!(b["TransitOperation"]["limitForResponseDate"], "2025-04-18");
    assert_eq!(
        b["CustomsOfficeOfEnquiryAtDeparture"]["referenceNumber"],
        "KZHOR001"
    );
    assert_eq!(
        b["HolderOfTheTransitProcedure"]["identificationNumber"],
        "KZ840000123456"
    );
}

#[test]
fn unloading_permission_and_destination_rejection() {
    let b = body_of(&find("CC043C"));
    assert_eq!(
        b["messageSender"], "NTA.GE",
        "sent by the office of destination"
    );
    assert_eq!(b["correlationIdentifier"], "CATS-GE-20250320-0007");
    let op = &b["TransitOperation"];
    assert_eq!(op["MRN"], mrn().as_str());
    assert_eq!(op["declarationType"], "T1");
    assert_eq!(op["declarationAcceptanceDate"], "2025-03-10");
    assert_eq!(op["security"], "0");
    assert_eq!(
        b["CustomsOfficeOfDestinationActual"]["referenceNumber"],
        "GEPTI001"
    );
    assert_eq!(
        b["TraderAtDestination"]["identificationNumber"],
        "KZ840000123456"
    );
    let seals = &b["Consignment"]["TransportEquipment"][0];
    assert_eq!(seals["Seal"][0]["identifier"], "KZ-SEAL-000451");
    let items = &b["Consignment"]["HouseConsignment"][0]["ConsignmentItem"];
    assert_eq!(items.as_array().map(Vec::len), Some(2));

    let b = body_of(&find("CC057C arrival at an unknown MRN"));
    let op = &b["TransitOperation"];
    assert_eq!(op["businessRejectionType"], "007");
    assert_eq!(op["rejectionCode"], "12");
    assert_eq!(b["FunctionalError"][0]["errorCode"], "90");
    assert_eq!(
        b["FunctionalError"][0]["errorPointer"],
        "/CC007C/TransitOperation/MRN"
    );
    assert_eq!(b["messageSender"], "NTA.GE");

    let b = body_of(&find("CC057C unloading remarks out of sequence"));
    assert_eq!(b["TransitOperation"]["businessRejectionType"], "044");
    assert_eq!(b["FunctionalError"][0]["errorCode"], "92");
    let b = body_of(&find("CC057C without failures"));
    assert_eq!(b["TransitOperation"]["rejectionCode"], "4");
    assert!(b.get("FunctionalError").is_none());
}
