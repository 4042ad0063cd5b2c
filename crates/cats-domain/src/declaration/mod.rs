//! The CC015C declaration (NCTS P5 "E_DEC_DAT", the Single Transit Document) as typed data.
//!
//! The structs mirror `cc015c.xsd` (NCTS P5 XSD 51.8.6) group by group; serde names are the XML
//! element names, so a [`Cc015c`] (de)serializes exactly to the body of the HMRC CTC Traders API
//! JSON form (`{"n1:CC015C": <body>}`). Cardinalities: `Option` for 0..1, `Vec` for 0..n and
//! 1..n (the minimum is checked by the structural validation in `cats-ncts`). Masses are
//! kilograms and amounts are in the ISO 4217 currency next to them, both exact
//! [`rust_decimal::Decimal`]s written as JSON numbers; sequence numbers and counts are `u32`.
//! Identifiers the movement and the ledger use (LRN, customs office reference numbers, EORI/TIN
//! of the parties, GRN, currency) are [`Declared`]: typed when well formed, otherwise the text as
//! sent with the reason, so the rule owning the element reports it and a refused declaration is
//! kept exactly as the trader sent it. Codes of code lists stay `String` (the business rules
//! check them against reference data).
//!
//! Build one with `cats_ncts::parse_cc015c` (read, validate, type); [`Cc015c::to_value`] gives the
//! body back to store or re-emit.

use serde::{Deserialize, Serialize};

use crate::ids::{CurrencyCode, Declared, Eori, Grn, Lrn, OfficeRef};

mod consignment;
mod decimal;
mod house;

pub use consignment::*;
pub use house::*;

/// The CC015C declaration data message (NCTS P5 XSD type `CC015CType`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cc015c {
    /// `@PhaseID` root attribute (`phaseIDtype`): `NCTS5.0` or `NCTS5.1`.
    #[serde(rename = "@PhaseID", default, skip_serializing_if = "Option::is_none")]
    pub phase_id: Option<String>,
    /// messageSender (`MessageSenderContentType`, an..35): the trader's sender id.
    #[serde(rename = "messageSender")]
    pub message_sender: String,
    /// messageRecipient (`MessageRecipientContentType`, an..35), e.g. `NTA.KZ`.
    #[serde(rename = "messageRecipient")]
    pub message_recipient: String,
    /// preparationDateAndTime (`PreparationDateAndTimeContentType`): `YYYY-MM-DDThh:mm:ss`, no zone.
    #[serde(rename = "preparationDateAndTime")]
    pub preparation_date_and_time: String,
    /// messageIdentification (`MessageIdentificationContentType`, an..35), unique per sender.
    #[serde(rename = "messageIdentification")]
    pub message_identification: String,
    /// messageType (`MessageTypes` code list): `CC015C`.
    #[serde(rename = "messageType")]
    pub message_type: String,
    /// correlationIdentifier (`CorrelationIdentifierContentType`, an..35).
    #[serde(
        rename = "correlationIdentifier",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub correlation_identifier: Option<String>,
    /// TRANSIT OPERATION, 1 (`TransitOperationType06`).
    #[serde(rename = "TransitOperation")]
    pub transit_operation: TransitOperation,
    /// AUTHORISATION, 0..9 (`AuthorisationType03`).
    #[serde(
        rename = "Authorisation",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub authorisation: Vec<Authorisation>,
    /// CUSTOMS OFFICE OF DEPARTURE, 1 (`CustomsOfficeOfDepartureType03`).
    #[serde(rename = "CustomsOfficeOfDeparture")]
    pub customs_office_of_departure: CustomsOffice,
    /// CUSTOMS OFFICE OF DESTINATION (DECLARED), 1 (`CustomsOfficeOfDestinationDeclaredType01`).
    #[serde(rename = "CustomsOfficeOfDestinationDeclared")]
    pub customs_office_of_destination_declared: CustomsOffice,
    /// CUSTOMS OFFICE OF TRANSIT (DECLARED), 0..9 (`CustomsOfficeOfTransitDeclaredType04`).
    #[serde(
        rename = "CustomsOfficeOfTransitDeclared",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub customs_office_of_transit_declared: Vec<CustomsOfficeOfTransit>,
    /// CUSTOMS OFFICE OF EXIT FOR TRANSIT (DECLARED), 0..9
    /// (`CustomsOfficeOfExitForTransitDeclaredType02`).
    #[serde(
        rename = "CustomsOfficeOfExitForTransitDeclared",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub customs_office_of_exit_for_transit_declared: Vec<CustomsOfficeOfExit>,
    /// HOLDER OF THE TRANSIT PROCEDURE, 1 (`HolderOfTheTransitProcedureType14`).
    #[serde(rename = "HolderOfTheTransitProcedure")]
    pub holder_of_the_transit_procedure: HolderOfTheTransitProcedure,
    /// REPRESENTATIVE, 0..1 (`RepresentativeType05`).
    #[serde(
        rename = "Representative",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub representative: Option<Representative>,
    /// GUARANTEE, 1..9 (`GuaranteeType02`).
    #[serde(rename = "Guarantee", default, skip_serializing_if = "Vec::is_empty")]
    pub guarantee: Vec<Guarantee>,
    /// CONSIGNMENT, 1 (`ConsignmentType20`).
    #[serde(rename = "Consignment")]
    pub consignment: Consignment,
}

impl Cc015c {
    /// The declaration as the body of the HMRC JSON form (no `n1:CC015C` root key): element
    /// names as keys in XSD order, absent optionals and empty lists left out, decimals as exact
    /// JSON numbers.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("a Cc015c always serializes to JSON")
    }
}

/// TRANSIT OPERATION (`TransitOperationType06`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitOperation {
    /// LRN (`LRNContentType03`, an..22, no leading/trailing spaces): the holder's own reference.
    #[serde(rename = "LRN")]
    pub lrn: Declared<Lrn>,
    /// declarationType (CL231: T, T1, T2, T2F, TIR, ...).
    #[serde(rename = "declarationType")]
    pub declaration_type: String,
    /// additionalDeclarationType (CL042: A standard, D pre-lodged).
    #[serde(rename = "additionalDeclarationType")]
    pub additional_declaration_type: String,
    /// TIRCarnetNumber (`TIRCarnetNumberContentType`), required iff declarationType is TIR.
    #[serde(
        rename = "TIRCarnetNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tir_carnet_number: Option<String>,
    /// presentationOfTheGoodsDateAndTime: `YYYY-MM-DDThh:mm:ss` (pre-lodged declarations).
    #[serde(
        rename = "presentationOfTheGoodsDateAndTime",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub presentation_of_the_goods_date_and_time: Option<String>,
    /// security (CL217: 0 none, 1 ENS, 2 EXS, 3 both).
    #[serde(rename = "security")]
    pub security: String,
    /// reducedDatasetIndicator (`Flag`: "0" or "1").
    #[serde(rename = "reducedDatasetIndicator")]
    pub reduced_dataset_indicator: String,
    /// specificCircumstanceIndicator (CL296, an3).
    #[serde(
        rename = "specificCircumstanceIndicator",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub specific_circumstance_indicator: Option<String>,
    /// communicationLanguageAtDeparture (CL012, a2 language code).
    #[serde(
        rename = "communicationLanguageAtDeparture",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub communication_language_at_departure: Option<String>,
    /// bindingItinerary (`Flag`: "0" or "1").
    #[serde(rename = "bindingItinerary")]
    pub binding_itinerary: String,
    /// limitDate (`LimitDateContentType`): `YYYY-MM-DD`.
    #[serde(rename = "limitDate", default, skip_serializing_if = "Option::is_none")]
    pub limit_date: Option<String>,
}

/// AUTHORISATION (`AuthorisationType03`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authorisation {
    /// sequenceNumber (1, 2, 3 ... within the group).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// type (CL235: C521 ACR, C523 SSE, C524 TRD).
    #[serde(rename = "type")]
    pub authorisation_type: String,
    /// referenceNumber (an..35) of the authorisation.
    #[serde(rename = "referenceNumber")]
    pub reference_number: String,
}

/// A customs office by reference number (departure: `CustomsOfficeOfDepartureType03`;
/// destination: `CustomsOfficeOfDestinationDeclaredType01`; location of goods:
/// `CustomsOfficeType02`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomsOffice {
    /// referenceNumber (an8: ISO 3166 country + 6 alphanumerics, e.g. `KZHOR001`).
    #[serde(rename = "referenceNumber")]
    pub reference_number: Declared<OfficeRef>,
}

/// CUSTOMS OFFICE OF TRANSIT (DECLARED) (`CustomsOfficeOfTransitDeclaredType04`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomsOfficeOfTransit {
    /// sequenceNumber (1, 2, 3 ... in route order).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// referenceNumber (an8), e.g. `AZALA001`.
    #[serde(rename = "referenceNumber")]
    pub reference_number: Declared<OfficeRef>,
    /// arrivalDateAndTimeEstimated: `YYYY-MM-DDThh:mm:ss`.
    #[serde(
        rename = "arrivalDateAndTimeEstimated",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub arrival_date_and_time_estimated: Option<String>,
}

/// CUSTOMS OFFICE OF EXIT FOR TRANSIT (DECLARED) (`CustomsOfficeOfExitForTransitDeclaredType02`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomsOfficeOfExit {
    /// sequenceNumber (1, 2, 3 ... in route order).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// referenceNumber (an8), e.g. `KZAAU001`.
    #[serde(rename = "referenceNumber")]
    pub reference_number: Declared<OfficeRef>,
}

/// HOLDER OF THE TRANSIT PROCEDURE (`HolderOfTheTransitProcedureType14`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolderOfTheTransitProcedure {
    /// identificationNumber (EORI/TIN, an..17), e.g. `KZ840000123456`.
    #[serde(
        rename = "identificationNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub identification_number: Option<Declared<Eori>>,
    /// TIRHolderIdentificationNumber (an..17), for TIR.
    #[serde(
        rename = "TIRHolderIdentificationNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tir_holder_identification_number: Option<String>,
    /// name (an..70).
    #[serde(rename = "name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// ADDRESS, 0..1 (`AddressType17`).
    #[serde(rename = "Address", default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// CONTACT PERSON, 0..1 (`ContactPersonType05`).
    #[serde(
        rename = "ContactPerson",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub contact_person: Option<ContactPerson>,
}

/// An address (`AddressType17`, `AddressType14`, `AddressType12`: same elements).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// streetAndNumber (an..70).
    #[serde(rename = "streetAndNumber")]
    pub street_and_number: String,
    /// postcode (an..17).
    #[serde(rename = "postcode", default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    /// city (an..35).
    #[serde(rename = "city")]
    pub city: String,
    /// country (ISO 3166 alpha-2).
    #[serde(rename = "country")]
    pub country: String,
}

/// CONTACT PERSON (`ContactPersonType05`, `ContactPersonType06`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactPerson {
    /// name (an..70).
    #[serde(rename = "name")]
    pub name: String,
    /// phoneNumber (an..35).
    #[serde(rename = "phoneNumber")]
    pub phone_number: String,
    /// eMailAddress (an..256).
    #[serde(
        rename = "eMailAddress",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub e_mail_address: Option<String>,
}

/// REPRESENTATIVE (`RepresentativeType05`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Representative {
    /// identificationNumber (EORI/TIN, an..17).
    #[serde(rename = "identificationNumber")]
    pub identification_number: Declared<Eori>,
    /// status (CL094: 2 direct, 3 indirect).
    #[serde(rename = "status")]
    pub status: String,
    /// CONTACT PERSON, 0..1.
    #[serde(
        rename = "ContactPerson",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub contact_person: Option<ContactPerson>,
}

/// GUARANTEE (`GuaranteeType02`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guarantee {
    /// sequenceNumber (1, 2, 3 ...).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// guaranteeType (CL251: 0 waiver, 1 comprehensive, 2 individual by undertaking, 3 cash,
    /// 4 vouchers, 5 waiver up to EUR 500, 8 not required, 9 individual multiple use, A waiver by
    /// agreement, B TIR, ...).
    #[serde(rename = "guaranteeType")]
    pub guarantee_type: String,
    /// otherGuaranteeReference (an..35), for types without a GRN.
    #[serde(
        rename = "otherGuaranteeReference",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub other_guarantee_reference: Option<String>,
    /// GUARANTEE REFERENCE, 0..99 (`GuaranteeReferenceType03`).
    #[serde(
        rename = "GuaranteeReference",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub guarantee_reference: Vec<GuaranteeReference>,
}

/// GUARANTEE REFERENCE (`GuaranteeReferenceType03`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuaranteeReference {
    /// sequenceNumber (1, 2, 3 ...).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// GRN (an..24), e.g. `25KZ0000SRI000010`.
    #[serde(rename = "GRN", default, skip_serializing_if = "Option::is_none")]
    pub grn: Option<Declared<Grn>>,
    /// accessCode (an4), secret: needed with the GRN to use the guarantee.
    #[serde(
        rename = "accessCode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub access_code: Option<String>,
    /// amountToBeCovered (n..16,2) in `currency`.
    #[serde(
        rename = "amountToBeCovered",
        default,
        with = "decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_to_be_covered: Option<rust_decimal::Decimal>,
    /// currency (ISO 4217 alpha-3), e.g. `USD`.
    #[serde(rename = "currency", default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Declared<CurrencyCode>>,
}
