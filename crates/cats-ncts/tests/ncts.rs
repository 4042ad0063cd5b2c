//! Integration tests of cats-ncts: reading (hardened), validation, writing, the typed CC015C and
//! agreement with `xmllint` on the HMRC sample corpus in `../shared` (skipped when absent).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;

use cats_ncts::{
    parse_cc015c, read, validate, write, write_json, write_xml, FieldError, Format, Limits,
    MessageType,
};
use rust_decimal::Decimal;
use serde_json::{json, Value};

#[path = "ncts/corpus.rs"]
mod corpus;
#[path = "ncts/hardening.rs"]
mod hardening;
#[path = "ncts/stream.rs"]
mod stream;

const CORRIDOR_XML: &str = include_str!("fixtures/cc015c-corridor.xml");
const CORRIDOR_JSON: &str = include_str!("fixtures/cc015c-corridor.json");

fn shared() -> Option<PathBuf> {
    let p = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    p.join("ncts/xsd-p5").is_dir().then(|| p.to_path_buf())
}

/// xmllint's verdict on `xml` against the message type's XSD; `None` (with a printed note) when
/// `../shared` or `xmllint` is not available.
fn xmllint(mt: MessageType, xml: &[u8]) -> Option<bool> {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared is absent");
        return None;
    };
    let xsd = shared.join("ncts/xsd-p5").join(mt.xsd_file());
    let child = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&xsd)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("skipped: xmllint is not installed (apt-get install libxml2-utils)");
        return None;
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(xml)
        .expect("write to xmllint");
    Some(child.wait().expect("xmllint runs").success())
}

/// xmllint accepts `xml` (true when xmllint cannot run).
fn lint_accepts(mt: MessageType, xml: &[u8]) -> bool {
    lint_accepts_or(mt, xml, true)
}

fn lint_accepts_or(mt: MessageType, xml: &[u8], when_absent: bool) -> bool {
    xmllint(mt, xml).unwrap_or(when_absent)
}

fn read_ok(bytes: &[u8], format: Format, mt: MessageType) -> Value {
    read(bytes, format, mt, &Limits::default())
        .unwrap_or_else(|e| panic!("expected valid, got {e:#?}"))
}

fn read_err(bytes: &[u8], format: Format, mt: MessageType, limits: &Limits) -> Vec<FieldError> {
    match read(bytes, format, mt, limits) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

fn has(errors: &[FieldError], pointer: &str, reason_part: &str) -> bool {
    errors
        .iter()
        .any(|e| e.pointer == pointer && e.reason.contains(reason_part))
}

#[test]
fn corridor_fixture_is_valid_in_xml_and_json_and_both_read_the_same() {
    let from_xml = read_ok(CORRIDOR_XML.as_bytes(), Format::Xml, MessageType::CC015C);
    let from_json = read_ok(CORRIDOR_JSON.as_bytes(), Format::Json, MessageType::CC015C);
    assert_eq!(from_xml, from_json);
    assert!(lint_accepts(MessageType::CC015C, CORRIDOR_XML.as_bytes()));
    let xml_from_json = write_xml(MessageType::CC015C, &from_json).expect("writable");
    assert!(lint_accepts(MessageType::CC015C, xml_from_json.as_bytes()));
    // Decimals keep their exact text, including trailing zeros.
    assert_eq!(
        from_xml["n1:CC015C"]["Guarantee"][0]["GuaranteeReference"][0]["amountToBeCovered"]
            .to_string(),
        "25000.00"
    );
    assert_eq!(
        from_xml["n1:CC015C"]["Consignment"]["grossMass"].to_string(),
        "18450.500"
    );
}

#[test]
fn parse_cc015c_types_the_declaration() {
    let (decl, value) = parse_cc015c(CORRIDOR_XML.as_bytes(), Format::Xml).expect("valid");
    assert_eq!(decl.transit_operation.lrn, "KZHOR-2025-000123");
    assert_eq!(
        decl.customs_office_of_departure.reference_number,
        "KZHOR001"
    );
    assert_eq!(
        decl.customs_office_of_destination_declared.reference_number,
        "GEPTI001"
    );
    let transit: Vec<_> = decl
        .customs_office_of_transit_declared
        .iter()
        .map(|o| o.reference_number.as_str())
        .collect();
    assert_eq!(transit, ["AZALA001", "GERBR001"]);
    let exits: Vec<_> = decl
        .customs_office_of_exit_for_transit_declared
        .iter()
        .map(|o| o.reference_number.as_str())
        .collect();
    assert_eq!(exits, ["KZAAU001", "AZQAZ001"]);
    assert_eq!(
        decl.holder_of_the_transit_procedure
            .identification_number
            .as_deref(),
        Some("KZ840000123456")
    );
    let guarantee = &decl.guarantee[0].guarantee_reference[0];
    assert_eq!(guarantee.grn.as_deref(), Some("25KZ0000SRI000010"));
    assert_eq!(
        guarantee.amount_to_be_covered,
        Some(Decimal::from_str("25000.00").unwrap())
    );
    assert_eq!(guarantee.amount_to_be_covered.unwrap().scale(), 2);
    assert_eq!(guarantee.currency.as_deref(), Some("USD"));
    let equipment = &decl.consignment.transport_equipment[0];
    assert_eq!(
        equipment.container_identification_number.as_deref(),
        Some("CSQU3054383")
    );
    assert_eq!(equipment.seal.len(), 2);
    let items = &decl.consignment.house_consignment[0].consignment_item;
    let hs: Vec<_> = items
        .iter()
        .map(|i| {
            i.commodity
                .commodity_code
                .as_ref()
                .unwrap()
                .harmonized_system_sub_heading_code
                .as_str()
        })
        .collect();
    assert_eq!(hs, ["850440", "940360"]);
    assert_eq!(
        decl.consignment.gross_mass,
        Decimal::from_str("18450.5").unwrap()
    );
    // to_value is the body of the document, exactly.
    assert_eq!(decl.to_value(), value["n1:CC015C"]);
    // The same declaration from JSON.
    let (from_json, _) = parse_cc015c(CORRIDOR_JSON.as_bytes(), Format::Json).expect("valid");
    assert_eq!(decl, from_json);
    // Re-emitted from the typed value, it is still valid XML.
    let xml = write(MessageType::CC015C, &decl.to_value(), Format::Xml).expect("writable");
    assert!(lint_accepts(MessageType::CC015C, &xml));
    assert_eq!(read_ok(&xml, Format::Xml, MessageType::CC015C), value);
}

#[test]
fn round_trips_xml_value_xml_and_json_value_json() {
    let value = read_ok(CORRIDOR_XML.as_bytes(), Format::Xml, MessageType::CC015C);
    let xml = write_xml(MessageType::CC015C, &value).expect("writable");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ncts:CC015C PhaseID=\"NCTS5.0\" xmlns:ncts=\"http://ncts.dgtaxud.ec\">"));
    assert_eq!(
        read_ok(xml.as_bytes(), Format::Xml, MessageType::CC015C),
        value
    );
    let again = write_xml(
        MessageType::CC015C,
        &read_ok(xml.as_bytes(), Format::Xml, MessageType::CC015C),
    )
    .unwrap();
    assert_eq!(xml, again, "writing is deterministic");
    let json = write_json(MessageType::CC015C, &value);
    assert!(json.starts_with("{\"n1:CC015C\":{\"@PhaseID\":\"NCTS5.0\","));
    assert_eq!(
        read_ok(json.as_bytes(), Format::Json, MessageType::CC015C),
        value
    );
    // The body alone is accepted too, and PhaseID defaults to NCTS5.0.
    let mut body = value["n1:CC015C"].clone();
    body.as_object_mut().unwrap().remove("@PhaseID");
    assert!(write_xml(MessageType::CC015C, &body)
        .unwrap()
        .contains("PhaseID=\"NCTS5.0\""));
    assert!(write_json(MessageType::CC015C, &body).contains("\"@PhaseID\":\"NCTS5.0\""));
}

fn corridor_value() -> Value {
    serde_json::from_str(CORRIDOR_JSON).unwrap()
}

#[test]
fn every_structural_error_is_reported_with_its_pointer() {
    let mut v = corridor_value();
    let body = &mut v["n1:CC015C"];
    body["TransitOperation"]
        .as_object_mut()
        .unwrap()
        .remove("LRN");
    body["TransitOperation"]["foo"] = json!("bar");
    body["Consignment"]["grossMass"] = serde_json::from_str("-4").unwrap();
    body["Consignment"]["HouseConsignment"][0]["ConsignmentItem"][1]["Commodity"]
        ["descriptionOfGoods"] = json!("x".repeat(513));
    body["CustomsOfficeOfTransitDeclared"] = Value::Array(
        (1..=10)
            .map(|i| json!({"sequenceNumber": i, "referenceNumber": "AZALA001"}))
            .collect(),
    );
    body["Guarantee"][0]["GuaranteeReference"][0]["amountToBeCovered"] = json!("25000.00");
    body["Guarantee"][0]["GuaranteeReference"][0]["currency"] = json!("US");
    body["Consignment"]["TransportEquipment"][0]["Seal"] =
        json!({"sequenceNumber": 1, "identifier": "S1"});
    let errors = validate(MessageType::CC015C, &v);
    let expected = [
        ("/CC015C/TransitOperation/LRN", "LRN is required but missing"),
        ("/CC015C/TransitOperation/foo", "unexpected element foo"),
        ("/CC015C/Consignment/grossMass", "grossMass must be a positive decimal with at most 16 digits, 6 after the point; got -4"),
        (
            "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[2]/Commodity/descriptionOfGoods",
            "descriptionOfGoods must be text of 1 to 512 characters",
        ),
        ("/CC015C/CustomsOfficeOfTransitDeclared[10]", "may occur at most 9 times; got 10"),
        ("/CC015C/Guarantee[1]/GuaranteeReference[1]/amountToBeCovered", "must be a JSON number"),
        ("/CC015C/Guarantee[1]/GuaranteeReference[1]/currency", "currency must be 3 letters; got \"US\""),
        ("/CC015C/Consignment/TransportEquipment[1]/Seal", "must be a JSON array"),
    ];
    for (pointer, reason) in expected {
        assert!(
            has(&errors, pointer, reason),
            "missing {pointer}: {reason} in {errors:#?}"
        );
    }
    assert_eq!(errors.len(), expected.len(), "{errors:#?}");
    // read reports the same list, except the amount: read_json turns a decimal written as a
    // JSON string into a number (HMRC's own samples write numbers as strings).
    let bytes = serde_json::to_vec(&v).unwrap();
    let expected_by_read: Vec<_> = errors
        .iter()
        .filter(|e| !e.pointer.ends_with("amountToBeCovered"))
        .cloned()
        .collect();
    assert_eq!(
        read_err(
            &bytes,
            Format::Json,
            MessageType::CC015C,
            &Limits::default()
        ),
        expected_by_read
    );
}

#[test]
fn xml_order_and_shape_errors_are_reported_with_the_value_errors() {
    let departure = "  <CustomsOfficeOfDeparture>\n    <referenceNumber>KZHOR001</referenceNumber>\n  </CustomsOfficeOfDeparture>\n";
    let xml = CORRIDOR_XML
        .replace(departure, "")
        .replace(
            "  <HolderOfTheTransitProcedure>",
            &format!("{departure}  <HolderOfTheTransitProcedure>"),
        )
        .replace(
            "<security>0</security>",
            "<security>0</security><bogus>1</bogus>",
        )
        .replace(
            "<numberOfSeals>2</numberOfSeals>",
            "<numberOfSeals>two</numberOfSeals>",
        )
        .replace(
            "<messageType>CC015C</messageType>",
            "<messageType>CC015C</messageType><messageType>CC015C</messageType>",
        );
    let errors = read_err(
        xml.as_bytes(),
        Format::Xml,
        MessageType::CC015C,
        &Limits::default(),
    );
    assert!(
        has(
            &errors,
            "/CC015C/CustomsOfficeOfDeparture",
            "out of order: it must come before CustomsOfficeOfExitForTransitDeclared"
        ),
        "{errors:#?}"
    );
    assert!(
        has(&errors, "/CC015C/messageType", "may occur at most once"),
        "{errors:#?}"
    );
    assert!(
        has(
            &errors,
            "/CC015C/TransitOperation/bogus",
            "unexpected element bogus"
        ),
        "{errors:#?}"
    );
    assert!(
        has(
            &errors,
            "/CC015C/Consignment/TransportEquipment[1]/numberOfSeals",
            "got \"two\""
        ),
        "{errors:#?}"
    );
    assert_eq!(errors.len(), 4, "{errors:#?}");
    assert!(!lint_accepts_or(MessageType::CC015C, xml.as_bytes(), false));
}

#[test]
fn write_refuses_what_xml_cannot_carry() {
    let mut v = corridor_value();
    v["n1:CC015C"]["Consignment"]["unknown"] = json!("x");
    let err = write_xml(MessageType::CC015C, &v).unwrap_err();
    assert!(
        err.to_string().contains("/CC015C/Consignment/unknown"),
        "{err}"
    );
    let mut v = corridor_value();
    v["n1:CC015C"]["TransitOperation"]["LRN"] = json!({"a": 1});
    assert!(write_xml(MessageType::CC015C, &v).is_err());
    let mut v = corridor_value();
    v["n1:CC015C"]["TransitOperation"]["LRN"] = json!("a\u{0}b");
    assert!(write_xml(MessageType::CC015C, &v)
        .unwrap_err()
        .to_string()
        .contains("U+0000"));
    let other = json!({"n1:CC013C": {}});
    assert!(matches!(
        write_xml(MessageType::CC015C, &other),
        Err(cats_ncts::WriteError::RootMismatch { .. })
    ));
    // Text is escaped.
    let mut v = corridor_value();
    v["n1:CC015C"]["HolderOfTheTransitProcedure"]["name"] = json!("A & B <Ltd>");
    let xml = write_xml(MessageType::CC015C, &v).unwrap();
    assert!(xml.contains("<name>A &amp; B &lt;Ltd&gt;</name>"));
    assert_eq!(read_ok(xml.as_bytes(), Format::Xml, MessageType::CC015C), v);
}

#[test]
fn message_types_cover_the_movement() {
    for code in [
        "CC015C", "CC013C", "CC014C", "CC007C", "CC044C", "CC170C", "CC928C", "CC028C", "CC056C",
        "CC055C", "CC060C", "CC004C", "CC009C", "CC029C", "CC051C", "CC043C", "CC025C", "CC057C",
        "CC019C", "CC045C", "CC035C", "CC182C", "CC906C", "CC917C",
    ] {
        let mt: MessageType = code.parse().unwrap();
        assert_eq!(mt.code(), code);
        assert_eq!(mt.json_root_key(), format!("n1:{code}"));
        assert_eq!(mt.root().children[0].name, "messageSender");
    }
    assert!("CC034C".parse::<MessageType>().is_err());
    assert_eq!(cats_ncts::schema::XSD_VERSION, "51.8.6");
}
