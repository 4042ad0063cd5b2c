//! The Single Transit Document form's layout: its sections, rows and fields in the order of the
//! CC015C, each field named by the path of its element, with the code lists (NCTS CL231, CL042,
//! CL217, CL251, CL218, CL347, CL326) its choices offer. Data only; [`super::std_form`] turns
//! the fields into the declaration and [`super::std_view`] shows them.

/// How a field is typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text.
    Text,
    /// A decimal (masses in kg, amounts).
    Decimal,
    /// A whole number.
    Whole,
    /// A calendar day (`YYYY-MM-DD`).
    Day,
    /// A day and time (`YYYY-MM-DDTHH:MM`).
    DayTime,
    /// One of these codes; the label keys say what each means.
    Choice(&'static [(&'static str, &'static str)]),
    /// A customs office reference, searched in the office list.
    Office,
    /// An ISO 3166 country code, searched in the country list.
    Country,
    /// An ISO 4217 currency code, searched in the currency list.
    Currency,
    /// Shown, not typed in: filled by CATS (the holder's own identification number).
    Fixed,
}

/// One field of the form.
#[derive(Debug)]
pub struct Field {
    /// Path below its group, e.g. `Address/city`.
    pub path: &'static str,
    /// Message key of its label.
    pub label: &'static str,
    /// Message key of a hint under the label, if any.
    pub hint: Option<&'static str>,
    /// How it is typed in.
    pub kind: Kind,
}

/// A part of the form: a field, or a group of fields (repeated or not).
#[derive(Debug)]
pub enum Node {
    /// A field.
    Field(Field),
    /// A group: its element path below the parent (`Consignment`, `HolderOfTheTransitProcedure`),
    /// the message key of its legend, whether it repeats (and the key of its "add" button), and
    /// its parts.
    Group {
        /// Element path below the parent group.
        path: &'static str,
        /// Message key of the legend.
        legend: &'static str,
        /// `Some(add button key)` for a repeated group.
        repeat: Option<&'static str>,
        /// Its parts.
        children: &'static [Node],
    },
}

const fn f(path: &'static str, label: &'static str, kind: Kind) -> Node {
    Node::Field(Field {
        path,
        label,
        hint: None,
        kind,
    })
}

const fn h(path: &'static str, label: &'static str, hint: &'static str, kind: Kind) -> Node {
    Node::Field(Field {
        path,
        label,
        hint: Some(hint),
        kind,
    })
}

const fn g(path: &'static str, legend: &'static str, children: &'static [Node]) -> Node {
    Node::Group {
        path,
        legend,
        repeat: None,
        children,
    }
}

const fn r(
    path: &'static str,
    legend: &'static str,
    add: &'static str,
    children: &'static [Node],
) -> Node {
    Node::Group {
        path,
        legend,
        repeat: Some(add),
        children,
    }
}

use Kind::*;

/// Declaration types (CL231) CATS takes.
const DECLARATION_TYPES: &[(&str, &str)] = &[
    ("T1", "std-code-T1"),
    ("T2", "std-code-T2"),
    ("T2F", "std-code-T2F"),
    ("T", "std-code-T"),
];
/// Additional declaration type (CL042): standard, or pre-lodged.
const ADDITIONAL_TYPES: &[(&str, &str)] = &[("A", "std-code-A"), ("D", "std-code-D")];
/// Safety and security (CL217).
const SECURITY: &[(&str, &str)] = &[
    ("0", "std-code-security-0"),
    ("1", "std-code-security-1"),
    ("2", "std-code-security-2"),
    ("3", "std-code-security-3"),
];
/// Yes or no (flags).
const YES_NO: &[(&str, &str)] = &[("0", "std-code-no"), ("1", "std-code-yes")];
/// Guarantee types (CL251) an office of departure takes in CATS.
const GUARANTEE_TYPES: &[(&str, &str)] = &[
    ("1", "std-code-guarantee-1"),
    ("2", "std-code-guarantee-2"),
    ("3", "std-code-guarantee-3"),
    ("4", "std-code-guarantee-4"),
    ("0", "std-code-guarantee-0"),
];
/// Modes of transport (CL218).
const MODES: &[(&str, &str)] = &[
    ("", "std-code-none"),
    ("1", "std-code-mode-1"),
    ("2", "std-code-mode-2"),
    ("3", "std-code-mode-3"),
    ("4", "std-code-mode-4"),
    ("5", "std-code-mode-5"),
    ("7", "std-code-mode-7"),
    ("8", "std-code-mode-8"),
    ("9", "std-code-mode-9"),
];
/// Type of location of goods (CL347).
const LOCATION_TYPES: &[(&str, &str)] = &[
    ("A", "std-code-location-A"),
    ("B", "std-code-location-B"),
    ("C", "std-code-location-C"),
    ("D", "std-code-location-D"),
];
/// Qualifier of the identification of the location of goods (CL326) the form offers.
const LOCATION_QUALIFIERS: &[(&str, &str)] = &[
    ("V", "std-code-qualifier-V"),
    ("U", "std-code-qualifier-U"),
    ("Z", "std-code-qualifier-Z"),
];

const ADDRESS: &[Node] = &[
    f("streetAndNumber", "std-street", Text),
    f("postcode", "std-postcode", Text),
    f("city", "std-city", Text),
    f("country", "std-country", Country),
];

const ITEM: &[Node] = &[
    f("Commodity/descriptionOfGoods", "std-description", Text),
    h(
        "Commodity/CommodityCode/harmonizedSystemSubHeadingCode",
        "std-hs",
        "std-hs-hint",
        Text,
    ),
    f(
        "Commodity/GoodsMeasure/grossMass",
        "std-gross-mass",
        Decimal,
    ),
    f("Commodity/GoodsMeasure/netMass", "std-net-mass", Decimal),
    r(
        "Packaging",
        "std-packaging",
        "std-add-packaging",
        &[
            h(
                "typeOfPackages",
                "std-package-type",
                "std-package-type-hint",
                Text,
            ),
            f("numberOfPackages", "std-package-count", Whole),
            f("shippingMarks", "std-shipping-marks", Text),
        ],
    ),
];

/// The form, in the order of the CC015C.
pub const LAYOUT: &[Node] = &[
    g(
        "TransitOperation",
        "std-transit-operation",
        &[
            f("LRN", "std-lrn", Text),
            f(
                "declarationType",
                "std-declaration-type",
                Choice(DECLARATION_TYPES),
            ),
            f(
                "additionalDeclarationType",
                "std-additional-type",
                Choice(ADDITIONAL_TYPES),
            ),
            f("security", "std-security", Choice(SECURITY)),
            f(
                "reducedDatasetIndicator",
                "std-reduced-dataset",
                Choice(YES_NO),
            ),
            f("bindingItinerary", "std-binding-itinerary", Choice(YES_NO)),
            h("limitDate", "std-limit-date", "std-limit-date-hint", Day),
        ],
    ),
    g(
        "CustomsOfficeOfDeparture",
        "std-office-departure",
        &[f("referenceNumber", "std-office", Office)],
    ),
    g(
        "CustomsOfficeOfDestinationDeclared",
        "std-office-destination",
        &[f("referenceNumber", "std-office", Office)],
    ),
    r(
        "CustomsOfficeOfTransitDeclared",
        "std-office-transit",
        "std-add-office-transit",
        &[
            f("referenceNumber", "std-office", Office),
            f(
                "arrivalDateAndTimeEstimated",
                "std-arrival-estimated",
                DayTime,
            ),
        ],
    ),
    r(
        "CustomsOfficeOfExitForTransitDeclared",
        "std-office-exit",
        "std-add-office-exit",
        &[f("referenceNumber", "std-office", Office)],
    ),
    g(
        "HolderOfTheTransitProcedure",
        "std-holder",
        &[
            f("identificationNumber", "std-identification", Fixed),
            f("name", "std-name", Text),
            g("Address", "std-address", ADDRESS),
            g(
                "ContactPerson",
                "std-contact",
                &[
                    f("name", "std-name", Text),
                    f("phoneNumber", "std-phone", Text),
                    f("eMailAddress", "std-email", Text),
                ],
            ),
        ],
    ),
    r(
        "Guarantee",
        "std-guarantee",
        "std-add-guarantee",
        &[
            f(
                "guaranteeType",
                "std-guarantee-type",
                Choice(GUARANTEE_TYPES),
            ),
            r(
                "GuaranteeReference",
                "std-guarantee-reference",
                "std-add-guarantee-reference",
                &[
                    f("GRN", "std-grn", Text),
                    f("accessCode", "std-access-code", Text),
                    f("amountToBeCovered", "std-amount", Decimal),
                    f("currency", "std-currency", Currency),
                ],
            ),
        ],
    ),
    g(
        "Consignment",
        "std-consignment",
        &[
            f("countryOfDispatch", "std-country-dispatch", Country),
            f("countryOfDestination", "std-country-destination", Country),
            f(
                "containerIndicator",
                "std-container-indicator",
                Choice(YES_NO),
            ),
            f("inlandModeOfTransport", "std-mode-inland", Choice(MODES)),
            f(
                "modeOfTransportAtTheBorder",
                "std-mode-border",
                Choice(MODES),
            ),
            f("grossMass", "std-gross-mass", Decimal),
            g(
                "Carrier",
                "std-carrier",
                &[f("identificationNumber", "std-identification", Text)],
            ),
            g(
                "Consignor",
                "std-consignor",
                &[
                    f("identificationNumber", "std-identification", Text),
                    f("name", "std-name", Text),
                    g("Address", "std-address", ADDRESS),
                ],
            ),
            g(
                "Consignee",
                "std-consignee",
                &[
                    f("identificationNumber", "std-identification", Text),
                    f("name", "std-name", Text),
                    g("Address", "std-address", ADDRESS),
                ],
            ),
            r(
                "TransportEquipment",
                "std-equipment",
                "std-add-equipment",
                &[
                    h(
                        "containerIdentificationNumber",
                        "std-container",
                        "std-container-hint",
                        Text,
                    ),
                    r(
                        "Seal",
                        "std-seal",
                        "std-add-seal",
                        &[f("identifier", "std-seal-identifier", Text)],
                    ),
                ],
            ),
            g(
                "LocationOfGoods",
                "std-location",
                &[
                    f(
                        "typeOfLocation",
                        "std-location-type",
                        Choice(LOCATION_TYPES),
                    ),
                    f(
                        "qualifierOfIdentification",
                        "std-location-qualifier",
                        Choice(LOCATION_QUALIFIERS),
                    ),
                    f("CustomsOffice/referenceNumber", "std-office", Office),
                    f("UNLocode", "std-unlocode", Text),
                ],
            ),
            r(
                "DepartureTransportMeans",
                "std-departure-means",
                "std-add-departure-means",
                &[
                    h(
                        "typeOfIdentification",
                        "std-means-type",
                        "std-means-type-hint",
                        Text,
                    ),
                    f("identificationNumber", "std-means-identification", Text),
                    f("nationality", "std-nationality", Country),
                ],
            ),
            r(
                "CountryOfRoutingOfConsignment",
                "std-routing",
                "std-add-routing",
                &[f("country", "std-country", Country)],
            ),
            r(
                "ActiveBorderTransportMeans",
                "std-border-means",
                "std-add-border-means",
                &[
                    f("customsOfficeAtBorderReferenceNumber", "std-office", Office),
                    h(
                        "typeOfIdentification",
                        "std-means-type",
                        "std-means-type-hint",
                        Text,
                    ),
                    f("identificationNumber", "std-means-identification", Text),
                    f("nationality", "std-nationality", Country),
                    f("conveyanceReferenceNumber", "std-conveyance", Text),
                ],
            ),
            g(
                "PlaceOfLoading",
                "std-place-loading",
                &[
                    f("UNLocode", "std-unlocode", Text),
                    f("country", "std-country", Country),
                    f("location", "std-location-name", Text),
                ],
            ),
            g(
                "PlaceOfUnloading",
                "std-place-unloading",
                &[
                    f("UNLocode", "std-unlocode", Text),
                    f("country", "std-country", Country),
                    f("location", "std-location-name", Text),
                ],
            ),
            r(
                "PreviousDocument",
                "std-previous-document",
                "std-add-previous-document",
                &[
                    h("type", "std-document-type", "std-previous-type-hint", Text),
                    f("referenceNumber", "std-document-reference", Text),
                ],
            ),
            r(
                "TransportDocument",
                "std-transport-document",
                "std-add-transport-document",
                &[
                    h("type", "std-document-type", "std-transport-type-hint", Text),
                    f("referenceNumber", "std-document-reference", Text),
                ],
            ),
            r(
                "HouseConsignment",
                "std-house",
                "std-add-house",
                &[
                    f("grossMass", "std-gross-mass", Decimal),
                    r("ConsignmentItem", "std-item", "std-add-item", ITEM),
                ],
            ),
        ],
    ),
];
