//! Masses, HS codes, restricted goods and containers: CATS010, R0994, R0983, R0223, CATS011,
//! CATS012, CATS013, R0028.

use rust_decimal::Decimal;

use super::{fail, RuleContext, RuleFailure};
use crate::declaration::Cc015c;
use crate::ids::ContainerNumber;
use crate::reference::Restriction;

pub(super) fn check(d: &Cc015c, ctx: &RuleContext, out: &mut Vec<RuleFailure>) {
    let c = &d.consignment;
    if c.gross_mass <= Decimal::ZERO {
        fail(
            out,
            "CATS010",
            "/CC015C/Consignment/grossMass",
            format!(
                "the consignment's gross mass must be positive, got {} kg",
                c.gross_mass
            ),
        );
    }
    let houses = sum(c.house_consignment.iter().map(|h| h.gross_mass));
    if houses.is_none_or(|houses| houses > c.gross_mass) {
        fail(
            out,
            "R0994",
            "/CC015C/Consignment/grossMass",
            format!(
                "the consignment's gross mass {} kg is less than the sum of its house consignments' gross masses, {} kg",
                c.gross_mass,
                shown(houses)
            ),
        );
    }
    let comprehensive = d.guarantee.iter().any(|g| g.guarantee_type == "1");
    for (h, house) in c.house_consignment.iter().enumerate() {
        let hp = format!("/CC015C/Consignment/HouseConsignment[{}]", h + 1);
        if house.gross_mass <= Decimal::ZERO {
            fail(
                out,
                "CATS010",
                format!("{hp}/grossMass"),
                format!(
                    "a house consignment's gross mass must be positive, got {} kg",
                    house.gross_mass
                ),
            );
        }
        // `None` once the sum no longer fits a `Decimal` (far above any gross mass)
        let mut items = Some(Decimal::ZERO);
        for (i, item) in house.consignment_item.iter().enumerate() {
            let ip = format!("{hp}/ConsignmentItem[{}]", i + 1);
            let measure = item.commodity.goods_measure.as_ref();
            let gross = measure.and_then(|m| m.gross_mass);
            let net = measure.and_then(|m| m.net_mass);
            if let Some(g) = gross {
                items = items.and_then(|sum| sum.checked_add(g));
                if g <= Decimal::ZERO {
                    fail(
                        out,
                        "CATS010",
                        format!("{ip}/Commodity/GoodsMeasure/grossMass"),
                        format!("an item's gross mass must be positive, got {g} kg"),
                    );
                }
                if let Some(n) = net.filter(|n| *n > g) {
                    fail(
                        out,
                        "R0223",
                        format!("{ip}/Commodity/GoodsMeasure/netMass"),
                        format!("net mass {n} kg exceeds the item's gross mass {g} kg"),
                    );
                }
            }
            let hs_pointer = format!("{ip}/Commodity/CommodityCode/harmonizedSystemSubHeadingCode");
            match item.commodity.commodity_code.as_ref() {
                None => fail(
                    out,
                    "CATS011",
                    format!("{ip}/Commodity/CommodityCode"),
                    "every item needs its 6-digit HS subheading code in CATS",
                ),
                Some(code) => {
                    let hs = &code.harmonized_system_sub_heading_code;
                    if !ctx.catalog.hs_code_exists(hs) {
                        fail(
                            out,
                            "CATS011",
                            hs_pointer.clone(),
                            format!(
                                "HS code {hs} does not exist in the Harmonized System nomenclature"
                            ),
                        );
                    }
                    for r in ctx.catalog.restrictions_for(hs) {
                        match r.restriction {
                            Restriction::Prohibited => fail(
                                out,
                                "CATS012",
                                hs_pointer.clone(),
                                format!(
                                    "HS {hs} is prohibited from CATS transit (restricted goods list, {} {}: {})",
                                    match r.hs_prefix.len() {
                                        2 => "chapter",
                                        4 => "heading",
                                        _ => "subheading",
                                    },
                                    r.hs_prefix,
                                    r.reason
                                ),
                            ),
                            Restriction::IndividualGuarantee if comprehensive => fail(
                                out,
                                "CATS013",
                                hs_pointer.clone(),
                                format!(
                                    "HS {hs} needs an individual guarantee, not a comprehensive one (restricted goods list {}: {})",
                                    r.hs_prefix, r.reason
                                ),
                            ),
                            _ => {}
                        }
                    }
                }
            }
        }
        if items.is_none_or(|items| items > house.gross_mass) {
            fail(
                out,
                "R0983",
                format!("{hp}/grossMass"),
                format!(
                    "the house consignment's gross mass {} kg is less than the sum of its items' gross masses, {} kg",
                    house.gross_mass,
                    shown(items)
                ),
            );
        }
    }
    for (t, equipment) in c.transport_equipment.iter().enumerate() {
        if let Some(number) = &equipment.container_identification_number {
            if let Err(e) = ContainerNumber::parse(number) {
                fail(
                    out,
                    "R0028",
                    format!(
                        "/CC015C/Consignment/TransportEquipment[{}]/containerIdentificationNumber",
                        t + 1
                    ),
                    format!("container number {number}: {e}"),
                );
            }
        }
    }
}

/// The sum of masses, `None` when it does not fit a `Decimal` (no panic on absurd input).
fn sum(mut masses: impl Iterator<Item = Decimal>) -> Option<Decimal> {
    masses.try_fold(Decimal::ZERO, Decimal::checked_add)
}

fn shown(sum: Option<Decimal>) -> String {
    sum.map_or_else(|| "more than can be counted".to_string(), |s| s.to_string())
}
