//! NCTS rules on consignment items: packaging (C0060, R0219, R0220, R0364), the export MRN
//! (R0416), net mass (C0837), previous documents (C0298), additional information (R3061) and the
//! data groups no longer used per item (B2400).

use super::{fail, fail_as, RuleFailure, MISSING};
use crate::declaration::{Cc015c, Packaging};
use crate::ids::Mrn;

/// CL181 (KindOfPackagesBulk): the kinds of package of CL017 described as "Bulk, …".
pub(crate) const BULK: [&str; 7] = ["VG", "VL", "VO", "VQ", "VR", "VS", "VY"];
/// CL182 (KindOfPackagesUnpacked): the kinds of package of CL017 described as "Unpacked or
/// unpackaged…".
pub(crate) const UNPACKED: [&str; 3] = ["NE", "NF", "NG"];

pub(super) fn check(d: &Cc015c, out: &mut Vec<RuleFailure>) {
    let reduced = d.transit_operation.reduced_dataset_indicator == "1";
    for (h, house) in d.consignment.house_consignment.iter().enumerate() {
        let hp = format!("/CC015C/Consignment/HouseConsignment[{}]", h + 1);
        let export = house
            .previous_document
            .iter()
            .any(|p| p.document_type == "N830");
        // R0416: the house consignment's previous document is an export MRN (procedure letter
        // A, B or E).
        for (p, doc) in house.previous_document.iter().enumerate() {
            let mrn = doc.reference_number.as_str();
            let export_letter = mrn.chars().nth(16).is_some_and(|c| "ABE".contains(c));
            if Mrn::parse(mrn).is_err() || !export_letter {
                fail(out, "R0416", format!("{hp}/PreviousDocument[{}]/referenceNumber", p + 1), format!(
                    "{mrn} is not an export MRN (18 characters with a valid check digit, 17th character A, B or E)"
                ));
            }
        }
        for (i, item) in house.consignment_item.iter().enumerate() {
            let ip = format!("{hp}/ConsignmentItem[{}]", i + 1);
            let zero = item
                .packaging
                .iter()
                .any(|p| p.number_of_packages == Some(0));
            for (p, pack) in item.packaging.iter().enumerate() {
                let pp = format!("{ip}/Packaging[{}]", p + 1);
                let kind = pack.type_of_packages.as_str();
                // C0060 (numberOfPackages): never for bulk goods, always otherwise.
                match (BULK.contains(&kind), pack.number_of_packages) {
                    (true, Some(_)) => fail(
                        out,
                        "C0060",
                        format!("{pp}/numberOfPackages"),
                        format!("kind of package {kind} is bulk: no numberOfPackages"),
                    ),
                    (false, None) => fail_as(
                        out,
                        "C0060",
                        MISSING,
                        format!("{pp}/numberOfPackages"),
                        format!("kind of package {kind} needs numberOfPackages"),
                    ),
                    _ => {}
                }
                match pack.number_of_packages {
                    // R0219: an item with a packaging of 0 packages has no other count.
                    Some(n) if n > 0 && zero => fail(out, "R0219", format!("{pp}/numberOfPackages"), format!(
                        "the item has a packaging with 0 packages, so no packaging of it counts {n}"
                    )),
                    // R0220: unpacked goods are counted (they are not part of other packages).
                    Some(0) if UNPACKED.contains(&kind) => fail(out, "R0220", format!("{pp}/typeOfPackages"), format!(
                        "numberOfPackages 0 (goods packed with another item) cannot be of kind {kind} (unpacked)"
                    )),
                    // R0364: 0 packages means packed with another item of the house consignment,
                    // which carries the same shipping marks and counts its packages.
                    Some(0) if !house.consignment_item.iter().enumerate().any(|(j, other)| {
                        j != i && other.packaging.iter().any(|o| carries(o, pack))
                    }) => fail(out, "R0364", format!("{pp}/numberOfPackages"), format!(
                        "numberOfPackages 0: another item of the house consignment must carry the packages with shipping marks {}",
                        pack.shipping_marks.as_deref().unwrap_or("(none)")
                    )),
                    _ => {}
                }
            }
            // C0837: net mass for export followed by transit, never with the reduced dataset.
            let net = item
                .commodity
                .goods_measure
                .as_ref()
                .and_then(|m| m.net_mass);
            let np = format!("{ip}/Commodity/GoodsMeasure/netMass");
            if export && net.is_none() {
                fail_as(
                    out,
                    "C0837",
                    MISSING,
                    np,
                    "export followed by transit (previous document N830): the net mass is required",
                );
            } else if !export && reduced && net.is_some() {
                fail(out, "C0837", np, "the reduced dataset has no net mass");
            }
            // C0298: a quantity has its unit, and a unit its quantity.
            for (p, doc) in item.previous_document.iter().enumerate() {
                let pointer = format!(
                    "{ip}/PreviousDocument[{}]/measurementUnitAndQualifier",
                    p + 1
                );
                match (
                    doc.quantity.is_some(),
                    doc.measurement_unit_and_qualifier.is_some(),
                ) {
                    (true, false) => fail(
                        out,
                        "C0298",
                        pointer,
                        "a previous document's quantity needs its measurementUnitAndQualifier",
                    ),
                    (false, true) => fail_as(
                        out,
                        "C0298",
                        super::NOT_ALLOWED,
                        pointer,
                        "measurementUnitAndQualifier is only given with a quantity",
                    ),
                    _ => {}
                }
            }
            // B2400: since the end of the transitional period an item has no consignee,
            // transport document or transport charges of its own.
            for (present, element) in [
                (item.consignee.is_some(), "Consignee"),
                (!item.transport_document.is_empty(), "TransportDocument"),
                (item.transport_charges.is_some(), "TransportCharges"),
            ] {
                if present {
                    fail(out, "B2400", format!("{ip}/{element}"), format!(
                        "{element} is no longer declared per consignment item: declare it for the consignment or house consignment"
                    ));
                }
            }
            // R3061: code 30600 is not used at item level.
            for (a, info) in item.additional_information.iter().enumerate() {
                if info.code == "30600" {
                    fail(
                        out,
                        "R3061",
                        format!("{ip}/AdditionalInformation[{}]/code", a + 1),
                        "additional information code 30600 is not used for a consignment item",
                    );
                }
            }
        }
    }
}

/// `other` counts the packages that `zero` (0 packages) shares: same shipping marks, more than 0
/// packages, of a kind that is neither bulk nor unpacked.
fn carries(other: &Packaging, zero: &Packaging) -> bool {
    other.shipping_marks == zero.shipping_marks
        && other.number_of_packages.is_some_and(|n| n > 0)
        && !BULK.contains(&other.type_of_packages.as_str())
        && !UNPACKED.contains(&other.type_of_packages.as_str())
}
