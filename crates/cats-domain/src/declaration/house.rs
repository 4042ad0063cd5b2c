//! HOUSE CONSIGNMENT and CONSIGNMENT ITEM of the CC015C: the goods.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::decimal;
use super::{
    AdditionalInformation, AdditionalReference, AdditionalSupplyChainActor, Party,
    PreviousDocument, SupportingDocument, TransportCharges, TransportDocument, TransportMeans,
};

/// HOUSE CONSIGNMENT (`HouseConsignmentType10`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HouseConsignment {
    /// sequenceNumber (1, 2, 3 ...).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
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
    /// DEPARTURE TRANSPORT MEANS, 0..999 (`DepartureTransportMeansType05`: all fields required).
    #[serde(
        rename = "DepartureTransportMeans",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub departure_transport_means: Vec<TransportMeans>,
    /// PREVIOUS DOCUMENT, 0..99 (`PreviousDocumentType10`).
    #[serde(
        rename = "PreviousDocument",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub previous_document: Vec<PreviousDocument>,
    /// SUPPORTING DOCUMENT, 0..99.
    #[serde(
        rename = "SupportingDocument",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub supporting_document: Vec<SupportingDocument>,
    /// TRANSPORT DOCUMENT, 0..99.
    #[serde(
        rename = "TransportDocument",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub transport_document: Vec<TransportDocument>,
    /// ADDITIONAL REFERENCE, 0..99.
    #[serde(
        rename = "AdditionalReference",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub additional_reference: Vec<AdditionalReference>,
    /// ADDITIONAL INFORMATION, 0..99.
    #[serde(
        rename = "AdditionalInformation",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub additional_information: Vec<AdditionalInformation>,
    /// TRANSPORT CHARGES, 0..1.
    #[serde(
        rename = "TransportCharges",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transport_charges: Option<TransportCharges>,
    /// CONSIGNMENT ITEM, 1..999 (`ConsignmentItemType09`).
    #[serde(
        rename = "ConsignmentItem",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub consignment_item: Vec<ConsignmentItem>,
}

/// CONSIGNMENT ITEM (`ConsignmentItemType09`): one goods item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsignmentItem {
    /// goodsItemNumber (1..99999), numbering within the house consignment.
    #[serde(rename = "goodsItemNumber")]
    pub goods_item_number: u32,
    /// declarationGoodsItemNumber (1..1999), numbering across the declaration.
    #[serde(rename = "declarationGoodsItemNumber")]
    pub declaration_goods_item_number: u32,
    /// declarationType (CL232) when the declaration mixes types (T-).
    #[serde(
        rename = "declarationType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub declaration_type: Option<String>,
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
    /// referenceNumberUCR (an..35).
    #[serde(
        rename = "referenceNumberUCR",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub reference_number_ucr: Option<String>,
    /// CONSIGNEE, 0..1 (`ConsigneeType02`).
    #[serde(rename = "Consignee", default, skip_serializing_if = "Option::is_none")]
    pub consignee: Option<Party>,
    /// ADDITIONAL SUPPLY CHAIN ACTOR, 0..99.
    #[serde(
        rename = "AdditionalSupplyChainActor",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub additional_supply_chain_actor: Vec<AdditionalSupplyChainActor>,
    /// COMMODITY, 1 (`CommodityType07`).
    #[serde(rename = "Commodity")]
    pub commodity: Commodity,
    /// PACKAGING, 1..99 (`PackagingType03`).
    #[serde(rename = "Packaging", default, skip_serializing_if = "Vec::is_empty")]
    pub packaging: Vec<Packaging>,
    /// PREVIOUS DOCUMENT, 0..99 (`PreviousDocumentType08`).
    #[serde(
        rename = "PreviousDocument",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub previous_document: Vec<ItemPreviousDocument>,
    /// SUPPORTING DOCUMENT, 0..99.
    #[serde(
        rename = "SupportingDocument",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub supporting_document: Vec<SupportingDocument>,
    /// TRANSPORT DOCUMENT, 0..99.
    #[serde(
        rename = "TransportDocument",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub transport_document: Vec<TransportDocument>,
    /// ADDITIONAL REFERENCE, 0..99 (`AdditionalReferenceType04`).
    #[serde(
        rename = "AdditionalReference",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub additional_reference: Vec<AdditionalReference>,
    /// ADDITIONAL INFORMATION, 0..99.
    #[serde(
        rename = "AdditionalInformation",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub additional_information: Vec<AdditionalInformation>,
    /// TRANSPORT CHARGES, 0..1.
    #[serde(
        rename = "TransportCharges",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transport_charges: Option<TransportCharges>,
}

/// COMMODITY (`CommodityType07`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commodity {
    /// descriptionOfGoods (an..512).
    #[serde(rename = "descriptionOfGoods")]
    pub description_of_goods: String,
    /// cusCode (an9, CUS number of chemicals).
    #[serde(rename = "cusCode", default, skip_serializing_if = "Option::is_none")]
    pub cus_code: Option<String>,
    /// COMMODITY CODE, 0..1 (`CommodityCodeType02`).
    #[serde(
        rename = "CommodityCode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub commodity_code: Option<CommodityCode>,
    /// DANGEROUS GOODS, 0..99 (`DangerousGoodsType01`).
    #[serde(
        rename = "DangerousGoods",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub dangerous_goods: Vec<DangerousGoods>,
    /// GOODS MEASURE, 0..1 (`GoodsMeasureType02`).
    #[serde(
        rename = "GoodsMeasure",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub goods_measure: Option<GoodsMeasure>,
}

/// COMMODITY CODE (`CommodityCodeType02`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommodityCode {
    /// harmonizedSystemSubHeadingCode (an6: HS subheading, e.g. `850440`).
    #[serde(rename = "harmonizedSystemSubHeadingCode")]
    pub harmonized_system_sub_heading_code: String,
    /// combinedNomenclatureCode (an2: the CN digits 7-8).
    #[serde(
        rename = "combinedNomenclatureCode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub combined_nomenclature_code: Option<String>,
}

/// DANGEROUS GOODS (`DangerousGoodsType01`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DangerousGoods {
    /// sequenceNumber (1, 2, 3 ...).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// UNNumber (an4, UN dangerous goods number).
    #[serde(rename = "UNNumber")]
    pub un_number: String,
}

/// GOODS MEASURE (`GoodsMeasureType02`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoodsMeasure {
    /// grossMass in kg (`GrossMassContentType02`: 0 or more, n..16,6).
    #[serde(
        rename = "grossMass",
        default,
        with = "decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub gross_mass: Option<Decimal>,
    /// netMass in kg (positive, n..16,6).
    #[serde(
        rename = "netMass",
        default,
        with = "decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub net_mass: Option<Decimal>,
    /// supplementaryUnits (positive, n..16,6), in the unit of the commodity code.
    #[serde(
        rename = "supplementaryUnits",
        default,
        with = "decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub supplementary_units: Option<Decimal>,
}

/// PACKAGING (`PackagingType03`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Packaging {
    /// sequenceNumber (1, 2, 3 ...).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// typeOfPackages (CL017, an2: e.g. PK package, CT carton, PX pallet).
    #[serde(rename = "typeOfPackages")]
    pub type_of_packages: String,
    /// numberOfPackages (0..99999999).
    #[serde(
        rename = "numberOfPackages",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub number_of_packages: Option<u32>,
    /// shippingMarks (an..512).
    #[serde(
        rename = "shippingMarks",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub shipping_marks: Option<String>,
}

/// PREVIOUS DOCUMENT at item level (`PreviousDocumentType08`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemPreviousDocument {
    /// sequenceNumber (1, 2, 3 ...).
    #[serde(rename = "sequenceNumber")]
    pub sequence_number: u32,
    /// type (CL214, an4).
    #[serde(rename = "type")]
    pub document_type: String,
    /// referenceNumber (an..70).
    #[serde(rename = "referenceNumber")]
    pub reference_number: String,
    /// goodsItemNumber (1..99999) in the previous document.
    #[serde(
        rename = "goodsItemNumber",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub goods_item_number: Option<u32>,
    /// typeOfPackages (CL017, an2).
    #[serde(
        rename = "typeOfPackages",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub type_of_packages: Option<String>,
    /// numberOfPackages (0..99999999).
    #[serde(
        rename = "numberOfPackages",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub number_of_packages: Option<u32>,
    /// measurementUnitAndQualifier (CL349, an..4).
    #[serde(
        rename = "measurementUnitAndQualifier",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub measurement_unit_and_qualifier: Option<String>,
    /// quantity (positive, n..16,6) in `measurement_unit_and_qualifier`.
    #[serde(
        rename = "quantity",
        default,
        with = "decimal::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub quantity: Option<Decimal>,
    /// complementOfInformation (an..35).
    #[serde(
        rename = "complementOfInformation",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub complement_of_information: Option<String>,
}
