//! What the messages say: the fields of the release, rejection, control, notification and
//! unloading messages checked one by one.

use super::*;

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

/// Dates that NCTS messages carry as a day are the office's local day: a release at Almaty
/// (UTC+5) at 01:00 on 3 March (20:00 UTC on 2 March) is released on 3 March.
#[test]
fn dates_are_the_local_day_of_the_office() {
    let mut catalog = Catalog::default();
    catalog.offices.insert(
        "KZHOR001".parse().unwrap(),
        cats_domain::reference::Office {
            reference: "KZHOR001".parse().unwrap(),
            names: [("en".to_string(), "Khorgos".to_string())].into(),
            country: "KZ".parse().unwrap(),
            unlocode: None,
            time_zone: "Asia/Almaty".into(),
            roles: Default::default(),
            valid_from: None,
            valid_to: None,
            source: "test".into(),
        },
    );
    let mut m = movement(MovementState::ReleasedForTransit);
    let released = at("2025-03-02T20:00:00");
    m.released_at = Some(released);
    m.time_limit = Some(time_limit_for_arrival(
        released,
        m.itinerary.len(),
        None,
        catalog.zone_of(&m.office_of_departure),
    ));
    let (_, d) = declaration();
    let body = |catalog: Option<&Catalog>| {
        let ctx = OutContext {
            movement: &m,
            declaration: &d,
            now: released,
            lodged_at: at("2025-03-02T19:30:00"),
            office: None,
            failures: &[],
            control_type: None,
            text: None,
            correlation: None,
            catalog,
        };
        build("CC029C", &ctx).1["n1:CC029C"].clone()
    };
    let local = body(Some(&catalog));
    assert_eq!(local["TransitOperation"]["releaseDate"], "2025-03-03");
    assert_eq!(
        local["TransitOperation"]["declarationAcceptanceDate"],
        "2025-03-03"
    );
    // 14 days after 20:00 UTC on 2 March is 01:00 on 17 March at Almaty.
    assert_eq!(local["ControlResult"]["date"], "2025-03-17");
    let utc = body(None);
    assert_eq!(utc["TransitOperation"]["releaseDate"], "2025-03-02");
}
