//! NCTS rules that depend on the security indicator and the declaration type, and on places and
//! the location of goods: C0586, C0599, C0806, C0531, C0191, C0186, C0337, C0403, C0387, C0710,
//! C0394, C0671.

use super::{fail, fail_as, RuleFailure, NOT_ALLOWED};
use crate::declaration::{Cc015c, LocationOfGoods, Place};

const C: &str = "/CC015C/Consignment";

pub(super) fn check(d: &Cc015c, out: &mut Vec<RuleFailure>) {
    let op = &d.transit_operation;
    let c = &d.consignment;
    let safety = ["1", "2", "3"].contains(&op.security.as_str());
    let standard = op.additional_declaration_type == "A";

    // C0586: a binding itinerary or safety and security data list the countries of routing.
    if c.country_of_routing_of_consignment.is_empty() && (op.binding_itinerary == "1" || safety) {
        fail(
            out,
            "C0586",
            format!("{C}/CountryOfRoutingOfConsignment"),
            format!(
                "the countries of routing are required with {}",
                if op.binding_itinerary == "1" {
                    "a binding itinerary"
                } else {
                    "safety and security data (security 1, 2 or 3)"
                }
            ),
        );
    }
    // C0599, C0806, C0531: the border crossing with safety and security data.
    let border = c.mode_of_transport_at_the_border.as_deref();
    if safety && standard && border.is_none() {
        fail(out, "C0599", format!("{C}/modeOfTransportAtTheBorder"), "a standard declaration with safety and security data gives the mode of transport at the border");
    }
    if border == Some("5") && !c.active_border_transport_means.is_empty() {
        fail_as(out, "C0806", NOT_ALLOWED, format!("{C}/ActiveBorderTransportMeans[1]"), "mode of transport at the border 5 (fixed installation): no active border transport means");
    } else if border != Some("5")
        && safety
        && standard
        && c.active_border_transport_means.is_empty()
    {
        fail(out, "C0806", format!("{C}/ActiveBorderTransportMeans"), "a standard declaration with safety and security data gives the active border transport means");
    }
    if safety && border == Some("4") {
        for (a, m) in c.active_border_transport_means.iter().enumerate() {
            if m.conveyance_reference_number.is_none() {
                fail(out, "C0531", format!("{C}/ActiveBorderTransportMeans[{}]/conveyanceReferenceNumber", a + 1), "by air with safety and security data the flight number (conveyanceReferenceNumber) is required");
            }
        }
    }
    // C0191 (the part CATS applies): an entry summary (security 1 or 3) names the place of unloading.
    if ["1", "3"].contains(&op.security.as_str()) && c.place_of_unloading.is_none() {
        fail(out, "C0191", format!("{C}/PlaceOfUnloading"), "with an entry summary declaration (security 1 or 3) the place of unloading is required");
    }
    // C0186: transport charges only with safety and security data.
    if op.security == "0" {
        if c.transport_charges.is_some() {
            fail(out, "C0186", format!("{C}/TransportCharges"), "transport charges are only declared with safety and security data (security 1, 2 or 3)");
        }
        for (h, house) in c.house_consignment.iter().enumerate() {
            if house.transport_charges.is_some() {
                fail(out, "C0186", format!("{C}/HouseConsignment[{}]/TransportCharges", h + 1), "transport charges are only declared with safety and security data (security 1, 2 or 3)");
            }
        }
    }
    // C0337: transport charges for the whole consignment or per house consignment, not both.
    if safety && c.transport_charges.is_some() {
        for (h, house) in c.house_consignment.iter().enumerate() {
            if house.transport_charges.is_some() {
                fail(
                    out,
                    "C0337",
                    format!("{C}/HouseConsignment[{}]/TransportCharges", h + 1),
                    "the transport charges are declared for the whole consignment, not again per house consignment",
                );
            }
        }
    }
    // C0403 and C0710: a standard declaration says where the goods are loaded and where they
    // can be examined (CATS's offices of departure are all outside the EU security area, CL147).
    if standard && c.place_of_loading.is_none() {
        fail(
            out,
            "C0403",
            format!("{C}/PlaceOfLoading"),
            "a standard declaration (A) gives the place of loading",
        );
    }
    if standard && c.location_of_goods.is_none() {
        fail(
            out,
            "C0710",
            format!("{C}/LocationOfGoods"),
            "a standard declaration (A) gives the location of the goods",
        );
    }
    // C0387: a place without UN/LOCODE is given by country and location.
    for (name, place) in [
        ("PlaceOfLoading", &c.place_of_loading),
        ("PlaceOfUnloading", &c.place_of_unloading),
    ] {
        if let Some(Place {
            un_locode: None,
            country,
            location,
        }) = place
        {
            for (present, element) in [
                (country.is_some(), "country"),
                (location.is_some(), "location"),
            ] {
                if !present {
                    fail(out, "C0387", format!("{C}/{name}/{element}"), format!(
                        "a place without UN/LOCODE is given by country and location: {element} is missing"
                    ));
                }
            }
        }
    }
    if let Some(location) = &c.location_of_goods {
        location_of_goods(location, out);
    }
}

/// C0394 and C0671 on the location of goods.
fn location_of_goods(l: &LocationOfGoods, out: &mut Vec<RuleFailure>) {
    let here = format!("{C}/LocationOfGoods");
    let given = [
        ("Address", l.address.is_some()),
        ("EconomicOperator", l.economic_operator.is_some()),
        ("authorisationNumber", l.authorisation_number.is_some()),
        ("GNSS", l.gnss.is_some()),
        ("CustomsOffice", l.customs_office.is_some()),
        ("UNLocode", l.un_locode.is_some()),
        ("PostcodeAddress", l.postcode_address.is_some()),
    ];
    let wanted = match l.qualifier_of_identification.as_str() {
        "Z" => Some("Address"),
        "X" => Some("EconomicOperator"),
        "Y" => Some("authorisationNumber"),
        "W" => Some("GNSS"),
        "V" => Some("CustomsOffice"),
        "U" => Some("UNLocode"),
        "T" => Some("PostcodeAddress"),
        _ => None, // qualifiers defined nationally: nothing more to check
    };
    if let Some(wanted) = wanted {
        let q = &l.qualifier_of_identification;
        for (element, present) in given {
            if element == wanted && !present {
                fail(
                    out,
                    "C0394",
                    format!("{here}/{element}"),
                    format!("qualifierOfIdentification {q}: the location is given by {element}"),
                );
            } else if element != wanted && present {
                fail_as(out, "C0394", NOT_ALLOWED, format!("{here}/{element}"), format!(
                    "qualifierOfIdentification {q}: the location is given by {wanted}, not by {element}"
                ));
            }
        }
        if q == "V" && l.contact_person.is_some() {
            fail_as(
                out,
                "C0394",
                NOT_ALLOWED,
                format!("{here}/ContactPerson"),
                "qualifierOfIdentification V (customs office): no contact person",
            );
        }
    }
    if l.additional_identifier.is_some()
        && l.economic_operator.is_none()
        && l.authorisation_number.is_none()
    {
        fail(
            out,
            "C0671",
            format!("{here}/additionalIdentifier"),
            "additionalIdentifier only comes with an economic operator or an authorisation number",
        );
    }
}
