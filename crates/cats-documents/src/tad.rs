//! The transit accompanying document (TAD): the paper that travels with the goods after release
//! for transit, laid out as the NCTS Phase 5 TAD (UCC IA Annex B, TAD layout). It carries the
//! content of the release for transit message (CC029C): MRN (also as a Code 128 barcode, with
//! the MRN in text beneath it), declaration type, the offices of departure, transit, exit and
//! destination, the holder of the transit procedure, the guarantees, the consignment with its
//! goods items, transport equipment and seals, means of transport, the time limit for arrival
//! and the control result at departure.
//!
//! The caller gives the data ([`Tad`], the CC029C content with the names of offices and
//! countries from the reference catalogue) and the labels in the user's language
//! ([`TadLabels`]); data is printed as declared. A4 portrait, in points; goods items continue
//! on as many pages as needed, each page numbered `page x / n`.

use chrono::NaiveDate;

use cats_domain::ids::{Declared, Eori, Grn, Mrn, OfficeRef};

use crate::pdf::{Canvas, DocumentError};

#[path = "tad_layout.rs"]
mod layout;

pub use layout::bars;

/// A transit accompanying document's content: the CC029C (release for transit) of one movement.
#[derive(Debug, Clone)]
pub struct Tad {
    /// TransitOperation/MRN: the movement reference number (an18).
    pub mrn: Mrn,
    /// TransitOperation/LRN: the holder's local reference number (an..22), as declared.
    pub lrn: String,
    /// TransitOperation/declarationType (CL231: T, T1, T2, T2F, TIR …).
    pub declaration_type: String,
    /// TransitOperation/additionalDeclarationType (CL042: A standard, D pre-lodged).
    pub additional_declaration_type: Option<String>,
    /// TransitOperation/declarationAcceptanceDate: the day the declaration was accepted.
    pub acceptance_date: Option<NaiveDate>,
    /// TransitOperation/releaseDate: the day of release for transit.
    pub release_date: Option<NaiveDate>,
    /// CustomsOfficeOfDeparture.
    pub office_of_departure: TadOffice,
    /// CustomsOfficeOfTransitDeclared, in declared order.
    pub offices_of_transit: Vec<TadOffice>,
    /// CustomsOfficeOfExitForTransitDeclared, in declared order.
    pub offices_of_exit: Vec<TadOffice>,
    /// CustomsOfficeOfDestinationDeclared.
    pub office_of_destination: TadOffice,
    /// HolderOfTheTransitProcedure: name, EORI/TIN, address.
    pub holder: TadParty,
    /// Representative (identification number only in the CC029C).
    pub representative: Option<TadParty>,
    /// Consignment/Consignor.
    pub consignor: Option<TadParty>,
    /// Consignment/Consignee.
    pub consignee: Option<TadParty>,
    /// Guarantee and GuaranteeReference, one entry per reference.
    pub guarantees: Vec<TadGuarantee>,
    /// Consignment/countryOfDispatch.
    pub country_of_dispatch: Option<TadCountry>,
    /// Consignment/countryOfDestination.
    pub country_of_destination: Option<TadCountry>,
    /// Consignment/CountryOfRoutingOfConsignment, in declared order.
    pub countries_of_routing: Vec<TadCountry>,
    /// The time limit for arrival at the office of destination (the day, at the office of
    /// departure; CC029C ControlResult/date, G0127).
    pub time_limit: Option<NaiveDate>,
    /// ControlResult: the control result at departure.
    pub control_result: Option<TadControl>,
    /// Consignment/DepartureTransportMeans.
    pub departure_transport: Vec<TadMeans>,
    /// Consignment/ActiveBorderTransportMeans.
    pub border_transport: Vec<TadMeans>,
    /// Consignment/inlandModeOfTransport (CL218).
    pub inland_mode: Option<String>,
    /// Consignment/modeOfTransportAtTheBorder (CL218).
    pub border_mode: Option<String>,
    /// Consignment/containerIndicator (CL027): whether the goods travel in containers.
    pub container_indicator: Option<bool>,
    /// Consignment/TransportEquipment: containers and their seals.
    pub equipment: Vec<TadEquipment>,
    /// Consignment's previous, supporting and transport documents.
    pub documents: Vec<TadDocument>,
    /// Consignment/grossMass: kilograms, as declared (`18450.500`).
    pub gross_mass_kg: Option<String>,
    /// Every goods item of every house consignment (ConsignmentItem), in declared order.
    pub items: Vec<TadItem>,
}

impl Tad {
    /// Total number of packages: the sum of `numberOfPackages` over every item's packaging.
    pub fn total_packages(&self) -> u64 {
        self.items
            .iter()
            .flat_map(|i| &i.packages)
            .filter_map(|p| p.number)
            .map(u64::from)
            .sum()
    }
}

/// A customs office: reference number (an8) and its name from the reference catalogue.
#[derive(Debug, Clone)]
pub struct TadOffice {
    /// Customs office reference number, e.g. `KZHOR001`.
    pub reference: OfficeRef,
    /// The office's name in the user's language (or English), when the catalogue knows it.
    pub name: Option<String>,
}

/// A party (holder, representative, consignor, consignee) as declared.
#[derive(Debug, Clone, Default)]
pub struct TadParty {
    /// name (an..70).
    pub name: Option<String>,
    /// identificationNumber: EORI or TIN, typed when well formed.
    pub id: Option<Declared<Eori>>,
    /// Address lines: street and number, postcode and city, country.
    pub address: Vec<String>,
}

impl TadParty {
    /// Whether nothing is known of the party.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.id.is_none() && self.address.is_empty()
    }
}

/// One guarantee reference.
#[derive(Debug, Clone)]
pub struct TadGuarantee {
    /// guaranteeType (CL251: 0, 1 comprehensive, 2 individual, 3 cash, 4 vouchers …).
    pub guarantee_type: String,
    /// GRN (an..24), typed when well formed.
    pub grn: Option<Declared<Grn>>,
    /// otherGuaranteeReference, for the guarantee types without a GRN.
    pub other_reference: Option<String>,
}

/// A country: ISO 3166-1 alpha-2 code as declared, and its name in the user's language.
#[derive(Debug, Clone)]
pub struct TadCountry {
    /// `KZ`.
    pub code: String,
    /// `Kazakhstan`, when the catalogue knows it.
    pub name: Option<String>,
}

/// The control result at departure (CC029C ControlResult).
#[derive(Debug, Clone)]
pub struct TadControl {
    /// code (CL196: A1 satisfactory, A2 considered satisfactory, A3 simplified procedure, B1
    /// not satisfactory).
    pub code: String,
    /// controlledBy: the office that controlled (the office of departure when released
    /// without control).
    pub controlled_by: Option<OfficeRef>,
}

/// A means of transport: at departure, or active crossing the border.
#[derive(Debug, Clone, Default)]
pub struct TadMeans {
    /// typeOfIdentification (CL750: 30 registration number of a road vehicle, 11 ship name …).
    pub type_of_identification: Option<String>,
    /// identificationNumber (an..35).
    pub identification: Option<String>,
    /// nationality (ISO 3166-1 alpha-2).
    pub nationality: Option<String>,
}

/// A piece of transport equipment (a container, or a vehicle's load space) and its seals.
#[derive(Debug, Clone, Default)]
pub struct TadEquipment {
    /// containerIdentificationNumber (ISO 6346), as declared.
    pub container: Option<String>,
    /// Seal identifiers: as declared, or as replaced at a control before release.
    pub seals: Vec<String>,
}

/// A document of the consignment.
#[derive(Debug, Clone)]
pub struct TadDocument {
    /// type (CL214 previous, CL213 supporting, CL754 transport), e.g. `N730`.
    pub kind: String,
    /// referenceNumber (an..70).
    pub reference: String,
}

/// A goods item (ConsignmentItem).
#[derive(Debug, Clone)]
pub struct TadItem {
    /// declarationGoodsItemNumber: the item's number in the declaration, 1..999.
    pub number: u32,
    /// Commodity/descriptionOfGoods (an..512).
    pub description: String,
    /// Commodity/CommodityCode: HS subheading (6 digits) and combined nomenclature code.
    pub hs_code: Option<String>,
    /// Packaging.
    pub packages: Vec<TadPackage>,
    /// Commodity/GoodsMeasure/grossMass: kilograms, as declared.
    pub gross_mass_kg: Option<String>,
    /// Commodity/GoodsMeasure/netMass: kilograms, as declared.
    pub net_mass_kg: Option<String>,
}

/// Packages of a goods item.
#[derive(Debug, Clone)]
pub struct TadPackage {
    /// typeOfPackages (CL017: PX pallets, CT cartons …).
    pub kind: String,
    /// numberOfPackages.
    pub number: Option<u32>,
    /// shippingMarks (an..512).
    pub marks: Option<String>,
}

/// A label of the form. [`Label::key`] names it; the caller translates (`tad-KEY` in the
/// web pages' Fluent files).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // each variant is its key, documented in `key`
pub enum Label {
    Title,
    Subtitle,
    Mrn,
    Lrn,
    DeclarationType,
    AcceptanceDate,
    ReleaseDate,
    OfficeOfDeparture,
    OfficesOfTransit,
    OfficesOfExit,
    OfficeOfDestination,
    Holder,
    IdNumber,
    Representative,
    Consignor,
    Consignee,
    Guarantee,
    GuaranteeType,
    CountryOfDispatch,
    CountryOfDestination,
    CountriesOfRouting,
    TimeLimit,
    ControlResult,
    ControlledBy,
    TransportAtDeparture,
    TransportAtBorder,
    ModesOfTransport,
    Inland,
    AtBorder,
    Containers,
    Yes,
    No,
    Equipment,
    Seals,
    Documents,
    Items,
    Packages,
    GrossMass,
    Goods,
    ColItem,
    ColDescription,
    ColHs,
    ColPackages,
    ColGross,
    ColNet,
    Continued,
    Mode1,
    Mode2,
    Mode3,
    Mode4,
    Mode5,
    Mode7,
    Mode8,
    Mode9,
    ResultA1,
    ResultA2,
    ResultA3,
    ResultB1,
}

impl Label {
    /// Every label.
    pub const ALL: [Label; 58] = [
        Label::Title,
        Label::Subtitle,
        Label::Mrn,
        Label::Lrn,
        Label::DeclarationType,
        Label::AcceptanceDate,
        Label::ReleaseDate,
        Label::OfficeOfDeparture,
        Label::OfficesOfTransit,
        Label::OfficesOfExit,
        Label::OfficeOfDestination,
        Label::Holder,
        Label::IdNumber,
        Label::Representative,
        Label::Consignor,
        Label::Consignee,
        Label::Guarantee,
        Label::GuaranteeType,
        Label::CountryOfDispatch,
        Label::CountryOfDestination,
        Label::CountriesOfRouting,
        Label::TimeLimit,
        Label::ControlResult,
        Label::ControlledBy,
        Label::TransportAtDeparture,
        Label::TransportAtBorder,
        Label::ModesOfTransport,
        Label::Inland,
        Label::AtBorder,
        Label::Containers,
        Label::Yes,
        Label::No,
        Label::Equipment,
        Label::Seals,
        Label::Documents,
        Label::Items,
        Label::Packages,
        Label::GrossMass,
        Label::Goods,
        Label::ColItem,
        Label::ColDescription,
        Label::ColHs,
        Label::ColPackages,
        Label::ColGross,
        Label::ColNet,
        Label::Continued,
        Label::Mode1,
        Label::Mode2,
        Label::Mode3,
        Label::Mode4,
        Label::Mode5,
        Label::Mode7,
        Label::Mode8,
        Label::Mode9,
        Label::ResultA1,
        Label::ResultA2,
        Label::ResultA3,
        Label::ResultB1,
    ];

    /// The label's key, e.g. `office-departure`.
    pub fn key(self) -> &'static str {
        match self {
            Label::Title => "title",
            Label::Subtitle => "subtitle",
            Label::Mrn => "mrn",
            Label::Lrn => "lrn",
            Label::DeclarationType => "declaration-type",
            Label::AcceptanceDate => "acceptance-date",
            Label::ReleaseDate => "release-date",
            Label::OfficeOfDeparture => "office-departure",
            Label::OfficesOfTransit => "offices-transit",
            Label::OfficesOfExit => "offices-exit",
            Label::OfficeOfDestination => "office-destination",
            Label::Holder => "holder",
            Label::IdNumber => "id-number",
            Label::Representative => "representative",
            Label::Consignor => "consignor",
            Label::Consignee => "consignee",
            Label::Guarantee => "guarantee",
            Label::GuaranteeType => "guarantee-type",
            Label::CountryOfDispatch => "country-dispatch",
            Label::CountryOfDestination => "country-destination",
            Label::CountriesOfRouting => "countries-routing",
            Label::TimeLimit => "time-limit",
            Label::ControlResult => "control-result",
            Label::ControlledBy => "controlled-by",
            Label::TransportAtDeparture => "transport-departure",
            Label::TransportAtBorder => "transport-border",
            Label::ModesOfTransport => "transport-modes",
            Label::Inland => "inland",
            Label::AtBorder => "at-border",
            Label::Containers => "containers",
            Label::Yes => "yes",
            Label::No => "no",
            Label::Equipment => "equipment",
            Label::Seals => "seals",
            Label::Documents => "documents",
            Label::Items => "items",
            Label::Packages => "packages",
            Label::GrossMass => "gross-mass",
            Label::Goods => "goods",
            Label::ColItem => "col-item",
            Label::ColDescription => "col-description",
            Label::ColHs => "col-hs",
            Label::ColPackages => "col-packages",
            Label::ColGross => "col-gross",
            Label::ColNet => "col-net",
            Label::Continued => "continued",
            Label::Mode1 => "mode-1",
            Label::Mode2 => "mode-2",
            Label::Mode3 => "mode-3",
            Label::Mode4 => "mode-4",
            Label::Mode5 => "mode-5",
            Label::Mode7 => "mode-7",
            Label::Mode8 => "mode-8",
            Label::Mode9 => "mode-9",
            Label::ResultA1 => "result-A1",
            Label::ResultA2 => "result-A2",
            Label::ResultA3 => "result-A3",
            Label::ResultB1 => "result-B1",
        }
    }

    /// The name of a mode of transport (CL218), if the code is one.
    pub fn mode(code: &str) -> Option<Label> {
        Some(match code {
            "1" => Label::Mode1,
            "2" => Label::Mode2,
            "3" => Label::Mode3,
            "4" => Label::Mode4,
            "5" => Label::Mode5,
            "7" => Label::Mode7,
            "8" => Label::Mode8,
            "9" => Label::Mode9,
            _ => return None,
        })
    }

    /// The meaning of a control result at departure (CL196), if the code is one.
    pub fn result(code: &str) -> Option<Label> {
        Some(match code {
            "A1" => Label::ResultA1,
            "A2" => Label::ResultA2,
            "A3" => Label::ResultA3,
            "B1" => Label::ResultB1,
            _ => return None,
        })
    }
}

/// The words of the form in the user's language.
pub struct TadLabels<'a> {
    /// A label's text.
    pub text: &'a dyn Fn(Label) -> String,
    /// The page number at the foot of page `x` of `n` (1-based), e.g. `Page 1 / 3`.
    pub page: &'a dyn Fn(usize, usize) -> String,
    /// A day as the language writes it (`2026-03-24`, `24.03.2026`).
    pub day: &'a dyn Fn(NaiveDate) -> String,
}

/// The modules of the MRN's Code 128 barcode (code set B): 1 a bar, 0 a space, one module each,
/// from the start character to the stop pattern (11 modules per character, 35 more for start,
/// check character and stop; without the quiet zones).
/// Errors: [`DocumentError::Pdf`] if barcoders refuses the text (an MRN never is refused).
pub fn mrn_barcode(mrn: &Mrn) -> Result<Vec<u8>, DocumentError> {
    barcoders::sym::code128::Code128::new(format!("\u{0181}{}", mrn.as_str()))
        .map(|code| code.encode())
        .map_err(|e| DocumentError::Pdf(format!("the MRN barcode: {e}")))
}

/// The TAD laid out on A4 pages, numbered at their foot (`labels.page`). Errors:
/// [`DocumentError`].
pub fn layout(tad: &Tad, labels: &TadLabels) -> Result<Canvas, DocumentError> {
    layout::lay_out(tad, labels)
}

/// The TAD as a PDF in `language` (BCP 47, for the document's metadata), its fonts embedded.
/// Errors: [`DocumentError`].
pub fn pdf(tad: &Tad, labels: &TadLabels, language: &str) -> Result<Vec<u8>, DocumentError> {
    let title = format!("{} {}", (labels.text)(Label::Title), tad.mrn);
    layout(tad, labels)?.finish(&title, language)
}

#[cfg(test)]
#[path = "tad_tests.rs"]
mod tests;
