//! CONSIGNMENT of the CC015C and everything below it: house consignments, consignment items,
//! transport equipment, documents. XSD type names are given on each struct.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::decimal;
use super::{Address, ContactPerson, CustomsOffice, HouseConsignment};
use crate::ids::{Declared, Eori, OfficeRef};

/// CONSIGNMENT (`ConsignmentType20`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consignment {
    /// countryOfDispatch (ISO 3166 alpha-2).
    #[serde(
        rename = "countryOfDispatch",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub country_of_dispatch: Option<String>,
    /// countryOfDestination (ISO 3166 alpha-2).
    #[serde(
        rename = "countryOfDestination",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub country_of_destination: Option<String>,
    /// containerIndicator (`Flag`: "0" or "1").
    #[serde(
        rename = "containerIndicator",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub container_indicator: Option<String>,
    /// inlandModeOfTransport (CL218: 1 sea, 2 rail, 3 road, 4 air, ...).
    #[serde(
        rename = "inlandModeOfTransport",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub inland_mode_of_transport: Option<String>,
    /// modeOfTransportAtTheBorder (CL218).
    #[serde(
        rename = "modeOfTransportAtTheBorder",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub mode_of_transport_at_the_border: Option<String>,
    /// grossMass in kg (`GrossMassContentType01`: positive, n..16,6).
    #[serde(rename = "grossMass", with = "decimal::required")]
    pub gross_mass: Decimal,
    /// referenceNumberUCR (an..35).
    #[serde(
        rename = "referenceNumberUCR",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub reference_number_ucr: Option<String>,
    /// CARRIER, 0..1 (`CarrierType04`).
    #[serde(rename = "Carrier", default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<Carrier>,
    /// CONSIGNOR, 0..1 (`ConsignorType07`).
    #[serde(rename = "Consignor", default, skip_serializing_if = "Option::is_none")]
    pub consignor: Option<Party>,
    /// CONSIGNEE, 0..1 (`ConsigneeType05`).
    #[serde(rename = "Consignee", default, skip_serializing_if = "Option::is_none")]
    pub consignee: Option<Party>,
    /// ADDITIONAL SUPPLY CHAIN ACTOR, 0..99.
    #[serde(
        rename = "AdditionalSupplyChainActor",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub additional_supply_chain_actor: Vec<AdditionalSupplyChainActor>,
    /// TRANSPORT EQUIPMENT, 0..9999 (`TransportEquipmentType06`).
    #[serde(
        rename = "TransportEquipment",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub transport_equipment: Vec<TransportEquipment>,
    /// LOCATION OF GOODS, 0..1 (`LocationOfGoodsType05`).
    #[serde(
        rename = "LocationOfGoods",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub location_of_goods: Option<LocationOfGoods>,
    /// DEPARTURE TRANSPORT MEANS, 0..999 (`DepartureTransportMeansType03`).
    #[serde(
        rename = "DepartureTransportMeans",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub departure_transport_means: Vec<TransportMeans>,
    /// COUNTRY OF ROUTING OF CONSIGNMENT, 0..99 (`CountryOfRoutingOfConsignmentType01`).
    #[serde(
        rename = "CountryOfRoutingOfConsignment",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub country_of_routing_of_consignment: Vec<CountryOfRouting>,
    /// ACTIVE BORDER TRANSPORT MEANS, 0..9 (`ActiveBorderTransportMeansType02`).
    #[serde(
        rename = "ActiveBorderTransportMeans",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub active_border_transport_means: Vec<ActiveBorderTransportMeans>,
    /// PLACE OF LOADING, 0..1 (`PlaceOfLoadingType03`).
    #[serde(
        rename = "PlaceOfLoading",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub place_of_loading: Option<Place>,
    /// PLACE OF UNLOADING, 0..1 (`PlaceOfUnloadingType01`).
    #[serde(
        rename = "PlaceOfUnloading",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub place_of_unloading: Option<Place>,
    /// PREVIOUS DOCUMENT, 0..9999 (`PreviousDocumentType09`).
    #[serde(
        rename = "PreviousDocument",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub previous_document: Vec<PreviousDocument>,
    /// SUPPORTING DOCUMENT, 0..99 (`SupportingDocumentType05`).
    #[serde(
        rename = "SupportingDocument",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub supporting_document: Vec<SupportingDocument>,
    /// TRANSPORT DOCUMENT, 0..99 (`TransportDocumentType04`).
    #[serde(
        rename = "TransportDocument",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub transport_document: Vec<TransportDocument>,
    /// ADDITIONAL REFERENCE, 0..99 (`AdditionalReferenceType05`).
    #[serde(
        rename = "AdditionalReference",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub additional_reference: Vec<AdditionalReference>,
    /// ADDITIONAL INFORMATION, 0..99 (`AdditionalInformationType03`).
    #[serde(
        rename = "AdditionalInformation",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub additional_information: Vec<AdditionalInformation>,
    /// TRANSPORT CHARGES, 0..1 (`TransportChargesType`).
    #[serde(
        rename = "TransportCharges",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transport_charges: Option<TransportCharges>,
    /// HOUSE CONSIGNMENT, 1..1999 (`HouseConsignmentType10`).
    #[serde(
        rename = "HouseConsignment",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub house_consignment: Vec<HouseConsignment>,
}

/// CARRIER (`CarrierType04`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Carrier {
    /// identificationNumber (EORI/TIN, an..17).
    #[serde(rename = "identificationNumber")]
    pub identification_number: Declared<Eori>,
    /// CONTACT PERSON, 0..1.
    #[serde(
        rename = "ContactPerson",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub contact_person: Option<ContactPerson>,
}

/// CONSIGNOR or CONSIGNEE (`ConsignorType07`, `ConsigneeType05`, `ConsigneeType02`). The
/// consignee types have no ContactPerson; the structural validation refuses one there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// identificationNumber (EORI/TIN, an..17).
    #[serde(
        rename = "identificationNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub identification_number: Option<Declared<Eori>>,
    /// name (an..70).
    #[serde(rename = "name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// ADDRESS, 0..1.
    #[serde(rename = "Address", default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// CONTACT PERSON, 0..1 (consignor only).
    #[serde(
        rename = "ContactPerson",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub contact_person: Option<ContactPerson>,
}

/// ADDITIONAL SUPPLY CHAIN ACTOR (`AdditionalSupplyChainActorType`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdditionalSupplyChainActor {
    /// sequenceNumber (1, 2, 3 ...).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// role (CL704: CS consolidator, MF manufacturer, FW freight forwarder, WH warehouse keeper).
    #[serde(rename = "role")]
    pub role: String,
    /// identificationNumber (EORI/TIN, an..17).
    #[serde(rename = "identificationNumber")]
    pub identification_number: Declared<Eori>,
}

/// TRANSPORT EQUIPMENT (`TransportEquipmentType06`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransportEquipment {
    /// sequenceNumber (1, 2, 3 ...).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// containerIdentificationNumber (an..17; ISO 6346 for containers, e.g. `CSQU3054383`).
    #[serde(
        rename = "containerIdentificationNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub container_identification_number: Option<String>,
    /// numberOfSeals (n..4).
    #[serde(rename = "numberOfSeals")]
    pub number_of_seals: u32,
    /// SEAL, 0..99 (`SealType05`).
    #[serde(rename = "Seal", default, skip_serializing_if = "Vec::is_empty")]
    pub seal: Vec<Seal>,
    /// GOODS REFERENCE, 0..9999 (`GoodsReferenceType02`): the items loaded in this equipment.
    #[serde(
        rename = "GoodsReference",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub goods_reference: Vec<GoodsReference>,
}

/// SEAL (`SealType05`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seal {
    /// sequenceNumber (1, 2, 3 ...).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// identifier (an..20) of the seal.
    #[serde(rename = "identifier")]
    pub identifier: String,
}

/// GOODS REFERENCE (`GoodsReferenceType02`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoodsReference {
    /// sequenceNumber (1, 2, 3 ...).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// declarationGoodsItemNumber (1..1999) of a ConsignmentItem.
    #[serde(rename = "declarationGoodsItemNumber")]
    pub declaration_goods_item_number: u32,
}

/// LOCATION OF GOODS (`LocationOfGoodsType05`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocationOfGoods {
    /// typeOfLocation (CL347: A designated, B authorised, C approved, D other).
    #[serde(rename = "typeOfLocation")]
    pub type_of_location: String,
    /// qualifierOfIdentification (CL326: T postcode, U UN/LOCODE, V customs office, ...).
    #[serde(rename = "qualifierOfIdentification")]
    pub qualifier_of_identification: String,
    /// authorisationNumber (an..35).
    #[serde(
        rename = "authorisationNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub authorisation_number: Option<String>,
    /// additionalIdentifier (an..4).
    #[serde(
        rename = "additionalIdentifier",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub additional_identifier: Option<String>,
    /// UNLocode (an..17), e.g. `KZKHG`.
    #[serde(rename = "UNLocode", default, skip_serializing_if = "Option::is_none")]
    pub un_locode: Option<String>,
    /// CUSTOMS OFFICE, 0..1 (`CustomsOfficeType02`).
    #[serde(
        rename = "CustomsOffice",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub customs_office: Option<CustomsOffice>,
    /// GNSS, 0..1 (`GNSSType`).
    #[serde(rename = "GNSS", default, skip_serializing_if = "Option::is_none")]
    pub gnss: Option<Gnss>,
    /// ECONOMIC OPERATOR, 0..1 (`EconomicOperatorType03`).
    #[serde(
        rename = "EconomicOperator",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub economic_operator: Option<EconomicOperator>,
    /// ADDRESS, 0..1 (`AddressType14`).
    #[serde(rename = "Address", default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// POSTCODE ADDRESS, 0..1 (`PostcodeAddressType02`).
    #[serde(
        rename = "PostcodeAddress",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub postcode_address: Option<PostcodeAddress>,
    /// CONTACT PERSON, 0..1 (`ContactPersonType06`).
    #[serde(
        rename = "ContactPerson",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub contact_person: Option<ContactPerson>,
}

/// GNSS coordinates (`GNSSType`): decimal degrees kept as text (`LatitudeContentType`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gnss {
    /// latitude, e.g. `44.20341` (5 to 7 decimals).
    #[serde(rename = "latitude")]
    pub latitude: String,
    /// longitude, e.g. `80.40236`.
    #[serde(rename = "longitude")]
    pub longitude: String,
}

/// ECONOMIC OPERATOR (`EconomicOperatorType03`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EconomicOperator {
    /// identificationNumber (EORI/TIN, an..17).
    #[serde(rename = "identificationNumber")]
    pub identification_number: Declared<Eori>,
}

/// POSTCODE ADDRESS (`PostcodeAddressType02`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostcodeAddress {
    /// houseNumber (an..17).
    #[serde(
        rename = "houseNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub house_number: Option<String>,
    /// postcode (an..17).
    #[serde(rename = "postcode")]
    pub postcode: String,
    /// country (ISO 3166 alpha-2).
    #[serde(rename = "country")]
    pub country: String,
}

/// DEPARTURE TRANSPORT MEANS (`DepartureTransportMeansType03` at consignment level, all three
/// fields optional; `DepartureTransportMeansType05` at house level, all three required).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransportMeans {
    /// sequenceNumber (1, 2, 3 ...).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// typeOfIdentification (CL750, n2: e.g. 30 registration number of a road vehicle).
    #[serde(
        rename = "typeOfIdentification",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub type_of_identification: Option<String>,
    /// identificationNumber (an..35) of the means of transport.
    #[serde(
        rename = "identificationNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub identification_number: Option<String>,
    /// nationality (ISO 3166 alpha-2).
    #[serde(
        rename = "nationality",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub nationality: Option<String>,
}

/// COUNTRY OF ROUTING OF CONSIGNMENT (`CountryOfRoutingOfConsignmentType01`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountryOfRouting {
    /// sequenceNumber (1, 2, 3 ... in route order).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// country (ISO 3166 alpha-2).
    #[serde(rename = "country")]
    pub country: String,
}

/// ACTIVE BORDER TRANSPORT MEANS (`ActiveBorderTransportMeansType02`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActiveBorderTransportMeans {
    /// sequenceNumber (1, 2, 3 ...).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// customsOfficeAtBorderReferenceNumber (an8).
    #[serde(
        rename = "customsOfficeAtBorderReferenceNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub customs_office_at_border_reference_number: Option<Declared<OfficeRef>>,
    /// typeOfIdentification (CL219, n2).
    #[serde(
        rename = "typeOfIdentification",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub type_of_identification: Option<String>,
    /// identificationNumber (an..35).
    #[serde(
        rename = "identificationNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub identification_number: Option<String>,
    /// nationality (ISO 3166 alpha-2).
    #[serde(
        rename = "nationality",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub nationality: Option<String>,
    /// conveyanceReferenceNumber (an..17), e.g. a voyage or flight number.
    #[serde(
        rename = "conveyanceReferenceNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub conveyance_reference_number: Option<String>,
}

/// PLACE OF LOADING or UNLOADING (`PlaceOfLoadingType03`, `PlaceOfUnloadingType01`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// UNLocode (an..17).
    #[serde(rename = "UNLocode", default, skip_serializing_if = "Option::is_none")]
    pub un_locode: Option<String>,
    /// country (ISO 3166 alpha-2).
    #[serde(rename = "country", default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// location (an..35).
    #[serde(rename = "location", default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// PREVIOUS DOCUMENT at consignment or house level (`PreviousDocumentType09`, `...Type10`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviousDocument {
    /// sequenceNumber (1, 2, 3 ...).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// type (CL214, an4).
    #[serde(rename = "type")]
    pub document_type: String,
    /// referenceNumber (an..70).
    #[serde(rename = "referenceNumber")]
    pub reference_number: String,
    /// complementOfInformation (an..35).
    #[serde(
        rename = "complementOfInformation",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub complement_of_information: Option<String>,
}

/// SUPPORTING DOCUMENT (`SupportingDocumentType05`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupportingDocument {
    /// sequenceNumber (1, 2, 3 ...).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// type (CL213, an4).
    #[serde(rename = "type")]
    pub document_type: String,
    /// referenceNumber (an..70).
    #[serde(rename = "referenceNumber")]
    pub reference_number: String,
    /// documentLineItemNumber (n..5).
    #[serde(
        rename = "documentLineItemNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub document_line_item_number: Option<u32>,
    /// complementOfInformation (an..35).
    #[serde(
        rename = "complementOfInformation",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub complement_of_information: Option<String>,
}

/// TRANSPORT DOCUMENT (`TransportDocumentType04`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransportDocument {
    /// sequenceNumber (1, 2, 3 ...).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// type (CL754, an4: e.g. N730 road consignment note CMR, N740 air waybill, N705 bill of lading).
    #[serde(rename = "type")]
    pub document_type: String,
    /// referenceNumber (an..70).
    #[serde(rename = "referenceNumber")]
    pub reference_number: String,
}

/// ADDITIONAL REFERENCE (`AdditionalReferenceType05`, `AdditionalReferenceType04`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdditionalReference {
    /// sequenceNumber (1, 2, 3 ...).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// type (CL380, an4).
    #[serde(rename = "type")]
    pub reference_type: String,
    /// referenceNumber (an..70).
    #[serde(
        rename = "referenceNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub reference_number: Option<String>,
}

/// ADDITIONAL INFORMATION (`AdditionalInformationType03`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdditionalInformation {
    /// sequenceNumber (1, 2, 3 ...).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// code (CL239, an5).
    #[serde(rename = "code")]
    pub code: String,
    /// text (an..512).
    #[serde(rename = "text", default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// TRANSPORT CHARGES (`TransportChargesType`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransportCharges {
    /// methodOfPayment (CL116, a1).
    #[serde(rename = "methodOfPayment")]
    pub method_of_payment: String,
}
