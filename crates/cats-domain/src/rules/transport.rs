//! NCTS rules on transport equipment, seals and means of transport: C0822, C0823, C0055, G0006,
//! R0106, C0569, R0107, R0448, C0826, R0855, R0472, R0473, R0474, R0476, R0076, R0789, G0789.

use std::collections::BTreeSet;

use super::{fail, fail_as, RuleFailure, NOT_ALLOWED};
use crate::declaration::{Cc015c, TransportMeans};

const C: &str = "/CC015C/Consignment";

pub(super) fn check(d: &Cc015c, out: &mut Vec<RuleFailure>) {
    equipment(d, out);
    means(d, out);
}

fn equipment(d: &Cc015c, out: &mut Vec<RuleFailure>) {
    let c = &d.consignment;
    let indicator = c.container_indicator.as_deref();
    // C0822: a standard declaration says whether the goods travel in containers.
    if indicator.is_none() && d.transit_operation.additional_declaration_type == "A" {
        fail(
            out,
            "C0822",
            format!("{C}/containerIndicator"),
            "a standard declaration (A) gives the containerIndicator",
        );
    }
    // C0823: containerised goods list their equipment; without the indicator there is none.
    match (indicator, c.transport_equipment.is_empty()) {
        (Some("1"), true) => fail(
            out,
            "C0823",
            format!("{C}/TransportEquipment"),
            "containerIndicator 1: the containers go in TransportEquipment",
        ),
        (None, false) => fail_as(
            out,
            "C0823",
            NOT_ALLOWED,
            format!("{C}/TransportEquipment[1]"),
            "TransportEquipment is only declared together with the containerIndicator",
        ),
        _ => {}
    }
    // C0055: container numbers go with containerIndicator 1, and at least one is given then.
    let numbered = c
        .transport_equipment
        .iter()
        .any(|t| t.container_identification_number.is_some());
    match indicator {
        Some("0") => {
            for (t, e) in c.transport_equipment.iter().enumerate() {
                if e.container_identification_number.is_some() {
                    fail_as(
                        out,
                        "C0055",
                        NOT_ALLOWED,
                        format!(
                            "{C}/TransportEquipment[{}]/containerIdentificationNumber",
                            t + 1
                        ),
                        "containerIndicator 0: no container numbers",
                    );
                }
            }
        }
        Some("1") if !numbered && !c.transport_equipment.is_empty() => {
            fail(
                out,
                "C0055",
                format!("{C}/TransportEquipment[1]/containerIdentificationNumber"),
                "containerIndicator 1: at least one container number is given",
            );
        }
        _ => {}
    }
    let items: BTreeSet<u32> = c
        .house_consignment
        .iter()
        .flat_map(|h| &h.consignment_item)
        .map(|i| i.declaration_goods_item_number)
        .collect();
    let mut seals = BTreeSet::new();
    for (t, e) in c.transport_equipment.iter().enumerate() {
        let tp = format!("{C}/TransportEquipment[{}]", t + 1);
        // G0006: a goods reference names an item of this declaration.
        for (g, reference) in e.goods_reference.iter().enumerate() {
            let n = reference.declaration_goods_item_number;
            if !items.contains(&n) {
                fail(out, "G0006", format!("{tp}/GoodsReference[{}]/declarationGoodsItemNumber", g + 1), format!(
                    "goods reference to item {n}, but the declaration has no item with declarationGoodsItemNumber {n}"
                ));
            }
        }
        // R0106 and C0569: as many seals as numberOfSeals says (with R0987, the last sequence
        // number is the count); none when it says 0.
        let count = e.number_of_seals;
        let listed = (!e.seal.is_empty()).then_some(e.seal.len() as u32);
        match (count, listed) {
            (0, Some(_)) => fail_as(
                out,
                "C0569",
                NOT_ALLOWED,
                format!("{tp}/Seal[1]"),
                "numberOfSeals is 0: no Seal is listed",
            ),
            (n, None) if n > 0 => fail(
                out,
                "C0569",
                format!("{tp}/Seal"),
                format!("numberOfSeals is {n}: the seals are listed"),
            ),
            (n, Some(listed)) if n != listed => fail(
                out,
                "R0106",
                format!("{tp}/numberOfSeals"),
                format!("numberOfSeals is {n} but {listed} seals are listed"),
            ),
            _ => {}
        }
        // R0448: equipment without a container number is there because it is sealed.
        if e.container_identification_number.is_none() && count == 0 {
            fail(out, "R0448", format!("{tp}/numberOfSeals"), "transport equipment without a container number must be sealed: numberOfSeals cannot be 0");
        }
        // R0107: every seal identifier once in the declaration.
        for (s, seal) in e.seal.iter().enumerate() {
            if !seals.insert(seal.identifier.as_str()) {
                fail(
                    out,
                    "R0107",
                    format!("{tp}/Seal[{}]/identifier", s + 1),
                    format!(
                        "seal {} is listed more than once in the declaration",
                        seal.identifier
                    ),
                );
            }
        }
    }
}

fn means(d: &Cc015c, out: &mut Vec<RuleFailure>) {
    let c = &d.consignment;
    let mode = c.inland_mode_of_transport.as_deref();
    // C0826: none with inland mode 5 (fixed installations); at one level only otherwise.
    if mode == Some("5") && !c.departure_transport_means.is_empty() {
        fail(out, "C0826", format!("{C}/DepartureTransportMeans[1]"), "inland mode of transport 5 (fixed transport installation): no departure transport means");
    }
    let mut groups = vec![(
        format!("{C}/DepartureTransportMeans"),
        &c.departure_transport_means,
    )];
    for (h, house) in c.house_consignment.iter().enumerate() {
        let hp = format!("{C}/HouseConsignment[{}]/DepartureTransportMeans", h + 1);
        if !house.departure_transport_means.is_empty()
            && (mode == Some("5") || !c.departure_transport_means.is_empty())
        {
            fail(
                out,
                "C0826",
                format!("{hp}[1]"),
                if mode == Some("5") {
                    "inland mode of transport 5 (fixed transport installation): no departure transport means"
                } else {
                    "the departure transport means are declared for the whole consignment, not again per house consignment"
                },
            );
        }
        groups.push((hp, &house.departure_transport_means));
    }
    for (gp, group) in &groups {
        group_of_means(mode, gp, group, out);
    }
    // R0076: identifications that are registrations are written in capitals.
    for (a, m) in c.active_border_transport_means.iter().enumerate() {
        let kind = m.type_of_identification.as_deref().unwrap_or_default();
        if ["10", "21", "30", "40", "41", "80"].contains(&kind) {
            lowercase(
                m.identification_number.as_deref(),
                "R0076",
                &format!("{C}/ActiveBorderTransportMeans[{}]", a + 1),
                out,
            );
        }
    }
    // R0789: several active border transport means only on a route with offices of transit.
    if c.active_border_transport_means.len() > 1 && d.customs_office_of_transit_declared.is_empty()
    {
        fail(
            out,
            "R0789",
            format!("{C}/ActiveBorderTransportMeans[2]"),
            "without offices of transit one active border transport means is declared",
        );
    }
    // G0789: the border crossing point of an active means is one of the declared offices.
    let declared: BTreeSet<&str> = d
        .customs_office_of_transit_declared
        .iter()
        .map(|o| o.reference_number.as_str())
        .chain(
            d.customs_office_of_exit_for_transit_declared
                .iter()
                .map(|o| o.reference_number.as_str()),
        )
        .chain([d
            .customs_office_of_destination_declared
            .reference_number
            .as_str()])
        .collect();
    for (a, m) in c.active_border_transport_means.iter().enumerate() {
        if let Some(office) = m
            .customs_office_at_border_reference_number
            .as_deref()
            .filter(|o| !declared.contains(o))
        {
            fail(out, "G0789", format!("{C}/ActiveBorderTransportMeans[{}]/customsOfficeAtBorderReferenceNumber", a + 1), format!(
                "customs office at border {office} is not one of the declared offices of transit, exit or destination"
            ));
        }
    }
}

/// R0855, R0472, R0473, R0474, R0476 on one list of departure transport means.
fn group_of_means(
    mode: Option<&str>,
    gp: &str,
    group: &[TransportMeans],
    out: &mut Vec<RuleFailure>,
) {
    let most = match mode {
        Some("3") => 3,
        Some("2") => usize::MAX,
        _ => 1,
    };
    if group.len() > most {
        fail(
            out,
            "R0855",
            format!("{gp}[{}]", most + 1),
            format!(
                "inland mode of transport {}: at most {most} departure transport means",
                mode.unwrap_or("not given")
            ),
        );
    }
    for (m, means) in group.iter().enumerate() {
        let here = format!("{gp}[{}]", m + 1);
        let kind = means.type_of_identification.as_deref();
        if let (Some(mode), Some(kind)) =
            (mode.filter(|m| ["1", "2", "3", "4", "8"].contains(m)), kind)
        {
            if !kind.starts_with(mode) {
                fail(out, "R0472", format!("{here}/typeOfIdentification"), format!(
                    "typeOfIdentification {kind} does not match inland mode of transport {mode} (its first digit)"
                ));
            } else if mode == "3" && m == 0 && kind != "30" {
                fail(out, "R0474", format!("{here}/typeOfIdentification"), format!(
                    "by road the first departure transport means is the vehicle (type 30), not type {kind}"
                ));
            } else if mode == "3" && m > 0 && kind != "31" {
                fail(out, "R0476", format!("{here}/typeOfIdentification"), format!(
                    "by road the second and third departure transport means are trailers (type 31), not type {kind}"
                ));
            }
        }
        if kind.is_some_and(|k| ["10", "20", "21", "30", "31", "40", "41", "80"].contains(&k)) {
            lowercase(means.identification_number.as_deref(), "R0473", &here, out);
        }
    }
}

fn lowercase(id: Option<&str>, rule: &str, here: &str, out: &mut Vec<RuleFailure>) {
    if let Some(id) = id.filter(|id| id.chars().any(char::is_lowercase)) {
        fail(out, rule, format!("{here}/identificationNumber"), format!(
            "identification number {id} has lowercase letters: registrations are written in capitals"
        ));
    }
}
