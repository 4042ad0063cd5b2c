//! Every message the node sends to the holder is a valid NCTS P5 message: built by
//! `cats_app::messages::build` from a realistic movement, it passes `cats_ncts::validate` in
//! both forms, `cats_ncts::write` turns it into XML, and `xmllint` accepts that XML against the
//! official XSD in `../shared/ncts/xsd-p5` (skipped, with a note, when `../shared` or `xmllint`
//! is absent).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::Value;

use cats_app::messages::{build, OutContext};
use cats_domain::ids::{CountryCode, Mrn, OfficeRef, ProcedureLetter};
use cats_domain::movement::{
    time_limit_for_arrival, ControlRecord, ControlResultCode, ControlType, Movement, MovementState,
    Stage,
};
use cats_domain::reference::Catalog;
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

fn mrn() -> Mrn {
    let country = CountryCode::parse("KZ").expect("KZ");
    Mrn::allocate(2025, &country, "HOR001000123", ProcedureLetter::J).expect("MRN")
}

/// The movement of the fixture declaration in `state`, with an MRN unless rejected at lodging.
fn movement(state: MovementState) -> Movement {
    let (d, _) = declaration();
    let mrn = (state != MovementState::Rejected).then(mrn);
    rules::facts(&d).expect("typed facts").movement(state, mrn)
}

const LODGED: &str = "2025-03-10T09:30:00";
const RELEASED: &str = "2025-03-11T08:00:00";

fn released(mut m: Movement) -> Movement {
    let r = at(RELEASED);
    m.released_at = Some(r);
    m.time_limit = Some(time_limit_for_arrival(
        r,
        m.itinerary.len(),
        m.limit_date,
        chrono_tz::Tz::UTC,
    ));
    m
}

fn control(office: &str, stage: Stage, result: ControlResultCode, when: &str) -> ControlRecord {
    ControlRecord {
        office: office.parse().unwrap(),
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
    m.arrival_office = Some("GEPTI001".parse().unwrap());
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

fn now_for(case: &Case) -> DateTime<Utc> {
    match case.movement.time_limit {
        Some(limit) if case.message_type == "CC035C" => limit + Duration::days(40),
        _ => at("2025-03-21T10:00:00"),
    }
}

fn build_case(case: &Case, declaration: &Value) -> Value {
    let office = case.office.map(|o| o.parse::<OfficeRef>().expect("office"));
    let ctx = OutContext {
        movement: &case.movement,
        declaration,
        now: now_for(case),
        lodged_at: at(LODGED),
        office: office.as_ref(),
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

// ---------------------------------------------------------------------------------------------
// The tests, by area

#[path = "messages/cases.rs"]
mod cases;

#[path = "messages/xsd.rs"]
mod xsd;

#[path = "messages/contents.rs"]
mod contents;

use cases::cases;
