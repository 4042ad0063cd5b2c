//! The NCTS rules of `RULES` (C/R/G ids after CATS022): for each, one change of the base
//! declaration that fails exactly that rule, once, at the expected pointer, with the rule's error
//! code. The cases join the table of `each_rule`.

use serde_json::{json, Value};

use super::each_rule::Case;
use super::guarantee::tir;
use super::n;
use super::ncts::two_houses;

fn c(v: &mut Value) -> &mut Value {
    &mut v["Consignment"]
}

fn item(v: &mut Value, i: usize) -> &mut Value {
    &mut v["Consignment"]["HouseConsignment"][0]["ConsignmentItem"][i]
}

fn equipment(v: &mut Value) -> &mut Value {
    &mut v["Consignment"]["TransportEquipment"][0]
}

fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().expect("an object").remove(key);
}

/// The reduced dataset, done right: indicator 1, its authorisation C524, no net masses.
fn reduced(v: &mut Value) {
    v["TransitOperation"]["reducedDatasetIndicator"] = json!("1");
    v["Authorisation"] =
        json!([{ "sequenceNumber": 1, "type": "C524", "referenceNumber": "KZRDS2025001" }]);
    for i in 0..2 {
        remove(&mut item(v, i)["Commodity"]["GoodsMeasure"], "netMass");
    }
}

/// Departure transport means of the given types (inland mode set by the caller).
fn means(types: &[&str]) -> Value {
    let list: Vec<Value> = types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            json!({ "sequenceNumber": i + 1, "typeOfIdentification": t,
                    "identificationNumber": format!("KZ{i}777ABZ"), "nationality": "KZ" })
        })
        .collect();
    Value::Array(list)
}

/// Safety and security data of an exit summary (security 2) with one active means at the border.
fn exit_summary(v: &mut Value) {
    v["TransitOperation"]["security"] = json!("2");
    c(v)["ActiveBorderTransportMeans"] = json!([{ "sequenceNumber": 1, "nationality": "AZ" }]);
}

#[rustfmt::skip]
pub(super) fn cases() -> Vec<Case> {
    vec![
        Case { id: "C0904", pointer: "/CC015C/HolderOfTheTransitProcedure/TIRHolderIdentificationNumber",
            edit: |v, _| { *v = tir(v.clone()); remove(&mut v["HolderOfTheTransitProcedure"], "TIRHolderIdentificationNumber") } },
        Case { id: "R0849", pointer: "/CC015C/TransitOperation/reducedDatasetIndicator",
            edit: |v, _| { *v = tir(v.clone()); reduced(v) } },
        Case { id: "C0101", pointer: "/CC015C/Authorisation",
            edit: |v, _| { reduced(v); remove(v, "Authorisation") } },
        Case { id: "R0859", pointer: "/CC015C/Authorisation[1]/type",
            edit: |v, _| v["Authorisation"] = json!([{ "sequenceNumber": 1, "type": "C524", "referenceNumber": "KZRDS1" }]) },
        Case { id: "C0839", pointer: "/CC015C/TransitOperation/limitDate",
            edit: |v, _| {
                v["Authorisation"] = json!([{ "sequenceNumber": 1, "type": "C521", "referenceNumber": "KZACR1" }]);
                remove(&mut v["TransitOperation"], "limitDate");
            } },
        Case { id: "R0003", pointer: "/CC015C/CustomsOfficeOfTransitDeclared[2]/referenceNumber",
            edit: |v, _| v["CustomsOfficeOfTransitDeclared"][1]["referenceNumber"] = json!("AZALA001") },
        Case { id: "R0005", pointer: "/CC015C/CustomsOfficeOfTransitDeclared[1]/arrivalDateAndTimeEstimated",
            edit: |v, _| v["CustomsOfficeOfTransitDeclared"][0]["arrivalDateAndTimeEstimated"] = json!("2025-06-02T09:30:00") },
        Case { id: "R0900", pointer: "/CC015C/Guarantee[1]/guaranteeType",
            edit: |v, _| { let g = v["Guarantee"].clone(); *v = tir(v.clone()); v["Guarantee"] = g } },
        Case { id: "C0130", pointer: "/CC015C/Guarantee[1]/otherGuaranteeReference",
            edit: |v, _| v["Guarantee"][0]["otherGuaranteeReference"] = json!("POLICY-7") },
        Case { id: "R0318", pointer: "/CC015C/Guarantee[1]/GuaranteeReference[1]/GRN",
            edit: |v, _| {
                // a GRN of the voucher length (24) under type 1; CATS registers only 17-character
                // GRNs, so CATS016 (unknown GRN) fails with it (the runner expects both)
                v["Guarantee"][0]["GuaranteeReference"][0]["GRN"] = json!("25KZ0000SRI000010A123456");
            } },
        Case { id: "C0045", pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/declarationType",
            edit: |v, _| item(v, 0)["declarationType"] = json!("T1") },
        Case { id: "C0250", pointer: "/CC015C/Consignment/Consignor/Address",
            edit: |v, _| c(v)["Consignor"] = json!({ "name": "Xinjiang Power Equipment Co Ltd" }) },
        Case { id: "C0542", pointer: "/CC015C/Consignment/Consignor",
            edit: |v, _| { reduced(v); c(v)["Consignor"] = json!({ "identificationNumber": "CN9133010012345" }) } },
        Case { id: "R0506", pointer: "/CC015C/Consignment/HouseConsignment[1]/Consignee",
            edit: |v, _| c(v)["HouseConsignment"][0]["Consignee"] = json!({ "identificationNumber": "GE404123456" }) },
        Case { id: "R0507", pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/referenceNumberUCR",
            edit: |v, _| for i in 0..2 { item(v, i)["referenceNumberUCR"] = json!("5KZ840000123456-2025-1") } },
        Case { id: "C0909", pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/countryOfDispatch",
            edit: |v, _| item(v, 0)["countryOfDispatch"] = json!("KZ") },
        Case { id: "C0343", pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[2]/countryOfDestination",
            edit: |v, _| item(v, 1)["countryOfDestination"] = json!("GE") },
        Case { id: "C0502", pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/referenceNumberUCR",
            edit: |v, _| {
                c(v)["referenceNumberUCR"] = json!("5KZ840000123456-2025");
                item(v, 0)["referenceNumberUCR"] = json!("5KZ840000123456-2025-1");
            } },
        Case { id: "C0822", pointer: "/CC015C/Consignment/containerIndicator",
            edit: |v, _| { remove(c(v), "containerIndicator"); remove(c(v), "TransportEquipment") } },
        Case { id: "C0823", pointer: "/CC015C/Consignment/TransportEquipment",
            edit: |v, _| remove(c(v), "TransportEquipment") },
        Case { id: "C0055", pointer: "/CC015C/Consignment/TransportEquipment[1]/containerIdentificationNumber",
            edit: |v, _| remove(equipment(v), "containerIdentificationNumber") },
        Case { id: "G0006", pointer: "/CC015C/Consignment/TransportEquipment[1]/GoodsReference[2]/declarationGoodsItemNumber",
            edit: |v, _| equipment(v)["GoodsReference"][1]["declarationGoodsItemNumber"] = json!(7) },
        Case { id: "R0106", pointer: "/CC015C/Consignment/TransportEquipment[1]/numberOfSeals",
            edit: |v, _| equipment(v)["numberOfSeals"] = json!(3) },
        Case { id: "C0569", pointer: "/CC015C/Consignment/TransportEquipment[1]/Seal",
            edit: |v, _| remove(equipment(v), "Seal") },
        Case { id: "R0107", pointer: "/CC015C/Consignment/TransportEquipment[1]/Seal[2]/identifier",
            edit: |v, _| equipment(v)["Seal"][1]["identifier"] = json!("KZSEAL0001") },
        Case { id: "R0448", pointer: "/CC015C/Consignment/TransportEquipment[1]/numberOfSeals",
            edit: |v, _| {
                c(v)["containerIndicator"] = json!("0");
                let e = equipment(v);
                remove(e, "containerIdentificationNumber");
                remove(e, "Seal");
                e["numberOfSeals"] = json!(0);
            } },
        Case { id: "C0826", pointer: "/CC015C/Consignment/DepartureTransportMeans[1]",
            edit: |v, _| { c(v)["inlandModeOfTransport"] = json!("5"); c(v)["DepartureTransportMeans"] = means(&["20"]) } },
        Case { id: "R0855", pointer: "/CC015C/Consignment/DepartureTransportMeans[2]",
            edit: |v, _| { c(v)["inlandModeOfTransport"] = json!("4"); c(v)["DepartureTransportMeans"] = means(&["40", "40"]) } },
        Case { id: "R0472", pointer: "/CC015C/Consignment/DepartureTransportMeans[1]/typeOfIdentification",
            edit: |v, _| c(v)["DepartureTransportMeans"] = means(&["30"]) },
        Case { id: "R0473", pointer: "/CC015C/Consignment/DepartureTransportMeans[1]/identificationNumber",
            edit: |v, _| { c(v)["DepartureTransportMeans"] = means(&["20"]); c(v)["DepartureTransportMeans"][0]["identificationNumber"] = json!("ktz-4412") } },
        Case { id: "R0474", pointer: "/CC015C/Consignment/DepartureTransportMeans[1]/typeOfIdentification",
            edit: |v, _| { c(v)["inlandModeOfTransport"] = json!("3"); c(v)["DepartureTransportMeans"] = means(&["31"]) } },
        Case { id: "R0476", pointer: "/CC015C/Consignment/DepartureTransportMeans[2]/typeOfIdentification",
            edit: |v, _| { c(v)["inlandModeOfTransport"] = json!("3"); c(v)["DepartureTransportMeans"] = means(&["30", "30"]) } },
        Case { id: "R0076", pointer: "/CC015C/Consignment/ActiveBorderTransportMeans[1]/identificationNumber",
            edit: |v, _| c(v)["ActiveBorderTransportMeans"] = json!([{ "sequenceNumber": 1, "typeOfIdentification": "30", "identificationNumber": "777abz05" }]) },
        Case { id: "R0789", pointer: "/CC015C/Consignment/ActiveBorderTransportMeans[2]",
            edit: |v, _| {
                remove(v, "CustomsOfficeOfTransitDeclared");
                c(v)["ActiveBorderTransportMeans"] = json!([{ "sequenceNumber": 1, "nationality": "AZ" }, { "sequenceNumber": 2, "nationality": "GE" }]);
            } },
        Case { id: "G0789", pointer: "/CC015C/Consignment/ActiveBorderTransportMeans[1]/customsOfficeAtBorderReferenceNumber",
            edit: |v, _| c(v)["ActiveBorderTransportMeans"] = json!([{ "sequenceNumber": 1, "customsOfficeAtBorderReferenceNumber": "KZHOR001" }]) },
        Case { id: "C0586", pointer: "/CC015C/Consignment/CountryOfRoutingOfConsignment",
            edit: |v, _| remove(c(v), "CountryOfRoutingOfConsignment") },
        Case { id: "C0599", pointer: "/CC015C/Consignment/modeOfTransportAtTheBorder",
            edit: |v, _| { exit_summary(v); remove(c(v), "modeOfTransportAtTheBorder") } },
        Case { id: "C0806", pointer: "/CC015C/Consignment/ActiveBorderTransportMeans",
            edit: |v, _| v["TransitOperation"]["security"] = json!("2") },
        Case { id: "C0531", pointer: "/CC015C/Consignment/ActiveBorderTransportMeans[1]/conveyanceReferenceNumber",
            edit: |v, _| { exit_summary(v); c(v)["modeOfTransportAtTheBorder"] = json!("4") } },
        Case { id: "C0191", pointer: "/CC015C/Consignment/PlaceOfUnloading",
            edit: |v, _| { exit_summary(v); v["TransitOperation"]["security"] = json!("1") } },
        Case { id: "C0186", pointer: "/CC015C/Consignment/TransportCharges",
            edit: |v, _| c(v)["TransportCharges"] = json!({ "methodOfPayment": "A" }) },
        Case { id: "C0337", pointer: "/CC015C/Consignment/HouseConsignment[1]/TransportCharges",
            edit: |v, _| {
                exit_summary(v);
                two_houses(v);
                c(v)["TransportCharges"] = json!({ "methodOfPayment": "A" });
                c(v)["HouseConsignment"][0]["TransportCharges"] = json!({ "methodOfPayment": "D" });
            } },
        Case { id: "C0403", pointer: "/CC015C/Consignment/PlaceOfLoading",
            edit: |v, _| remove(c(v), "PlaceOfLoading") },
        Case { id: "C0387", pointer: "/CC015C/Consignment/PlaceOfUnloading/location",
            edit: |v, _| c(v)["PlaceOfUnloading"] = json!({ "country": "GE" }) },
        Case { id: "C0710", pointer: "/CC015C/Consignment/LocationOfGoods",
            edit: |v, _| remove(c(v), "LocationOfGoods") },
        Case { id: "C0394", pointer: "/CC015C/Consignment/LocationOfGoods/CustomsOffice",
            edit: |v, _| { remove(&mut c(v)["LocationOfGoods"], "CustomsOffice"); c(v)["LocationOfGoods"]["qualifierOfIdentification"] = json!("V") } },
        Case { id: "C0671", pointer: "/CC015C/Consignment/LocationOfGoods/additionalIdentifier",
            edit: |v, _| c(v)["LocationOfGoods"]["additionalIdentifier"] = json!("A1") },
        Case { id: "C0060", pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/Packaging[1]/numberOfPackages",
            edit: |v, _| item(v, 0)["Packaging"][0]["typeOfPackages"] = json!("VL") },
        Case { id: "R0219", pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/Packaging[1]/numberOfPackages",
            edit: |v, _| {
                let zero = json!({ "sequenceNumber": 2, "typeOfPackages": "CT", "numberOfPackages": 0, "shippingMarks": "KZ-850440" });
                item(v, 0)["Packaging"].as_array_mut().expect("packaging").push(zero);
                item(v, 1)["Packaging"][0]["shippingMarks"] = json!("KZ-850440");
            } },
        Case { id: "R0220", pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[2]/Packaging[1]/typeOfPackages",
            edit: |v, _| item(v, 1)["Packaging"] = json!([{ "sequenceNumber": 1, "typeOfPackages": "NE", "numberOfPackages": 0 }]) },
        Case { id: "R0364", pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[2]/Packaging[1]/numberOfPackages",
            edit: |v, _| item(v, 1)["Packaging"][0]["numberOfPackages"] = json!(0) },
        Case { id: "R0416", pointer: "/CC015C/Consignment/HouseConsignment[1]/PreviousDocument[1]/referenceNumber",
            edit: |v, _| c(v)["HouseConsignment"][0]["PreviousDocument"] = json!([{ "sequenceNumber": 1, "type": "N830", "referenceNumber": "24GB000246J8NY33L7" }]) },
        Case { id: "C0837", pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/Commodity/GoodsMeasure/netMass",
            edit: |v, _| { reduced(v); item(v, 0)["Commodity"]["GoodsMeasure"]["netMass"] = n("7600") } },
        Case { id: "C0298", pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/PreviousDocument[1]/measurementUnitAndQualifier",
            edit: |v, _| item(v, 0)["PreviousDocument"] = json!([{ "sequenceNumber": 1, "type": "N821", "referenceNumber": "KZ-EX-1", "quantity": n("10") }]) },
        Case { id: "B2400", pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/TransportCharges",
            edit: |v, _| item(v, 0)["TransportCharges"] = json!({ "methodOfPayment": "A" }) },
        Case { id: "R3061", pointer: "/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[1]/AdditionalInformation[1]/code",
            edit: |v, _| item(v, 0)["AdditionalInformation"] = json!([{ "sequenceNumber": 1, "code": "30600" }]) },
    ]
}
