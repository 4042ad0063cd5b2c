//! The guarantee: CATS015–CATS021 and CATS023 (rejections) and CATS022 (availability:
//! GuaranteeNotValid).

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{fail, RuleContext, RuleFailure};
use crate::coverage::cover;
use crate::declaration::Cc015c;
use crate::ids::{CurrencyCode, Declared, Grn, Money};
use crate::ledger::{from_minor, Guarantee};
use crate::movement::GuaranteeUse;

pub(super) fn check(d: &Cc015c, ctx: &RuleContext, out: &mut Vec<RuleFailure>) {
    let tir = d.transit_operation.declaration_type == "TIR";
    let route = super::facts::route_countries(d);
    // An absent holder is CATS007's failure; CATS020 does not repeat it.
    let holder = d
        .holder_of_the_transit_procedure
        .identification_number
        .as_deref();
    if d.guarantee.is_empty() {
        fail(
            out,
            "CATS015",
            "/CC015C/Guarantee",
            "a guarantee is required: type 1 (comprehensive guarantee) or B (TIR)",
        );
    }
    for (g, guarantee) in d.guarantee.iter().enumerate() {
        let gp = format!("/CC015C/Guarantee[{}]", g + 1);
        match (guarantee.guarantee_type.as_str(), tir) {
            ("1", _) => {
                if guarantee.guarantee_reference.is_empty() {
                    fail(
                        out,
                        "CATS015",
                        format!("{gp}/GuaranteeReference"),
                        "a comprehensive guarantee (type 1) needs a GuaranteeReference with GRN, access code and amount",
                    );
                }
            }
            ("B", true) => {
                // NCTS C0085: no GuaranteeReference for a TIR guarantee. A GRN given here would
                // otherwise be booked without any of the checks below.
                if !guarantee.guarantee_reference.is_empty() {
                    fail(
                        out,
                        "CATS015",
                        format!("{gp}/GuaranteeReference"),
                        "a TIR guarantee (type B) has no GuaranteeReference: the TIR carnet is the guarantee",
                    );
                }
                continue;
            }
            ("B", false) => {
                fail(
                    out,
                    "CATS015",
                    format!("{gp}/guaranteeType"),
                    "guarantee type B (TIR) is only allowed with declarationType TIR",
                );
                continue;
            }
            (other, _) => {
                fail(
                    out,
                    "CATS015",
                    format!("{gp}/guaranteeType"),
                    format!("guarantee type {other} is not accepted in CATS: use 1 (comprehensive guarantee) or B (TIR)"),
                );
                continue;
            }
        }
        for (r, reference) in guarantee.guarantee_reference.iter().enumerate() {
            let rp = format!("{gp}/GuaranteeReference[{}]", r + 1);
            let Some(grn) = reference.grn.as_deref() else {
                fail(
                    out,
                    "CATS016",
                    format!("{rp}/GRN"),
                    "the GRN of the comprehensive guarantee is required",
                );
                continue;
            };
            let Some(found) = ctx.guarantees.get(grn) else {
                fail(
                    out,
                    "CATS016",
                    format!("{rp}/GRN"),
                    format!("GRN {grn} is not a guarantee registered in CATS"),
                );
                continue;
            };
            let unlocked = match reference.access_code.as_deref() {
                Some(code) if found.access_code_matches(code) => true,
                Some(_) => {
                    fail(
                        out,
                        "CATS017",
                        format!("{rp}/accessCode"),
                        format!("the access code does not match GRN {grn}"),
                    );
                    false
                }
                None => {
                    fail(
                        out,
                        "CATS017",
                        format!("{rp}/accessCode"),
                        format!("the access code of GRN {grn} is required"),
                    );
                    false
                }
            };
            if !unlocked {
                // Without its access code nothing of the guarantee is disclosed (status, policy
                // period, countries, holder, currency): only what the declaration itself says.
                check_amount(
                    reference.amount_to_be_covered,
                    reference.currency.as_ref(),
                    None,
                    ctx,
                    &rp,
                    out,
                );
                continue;
            }
            if let Some(why) = found.unusable_on(ctx.today) {
                fail(
                    out,
                    "CATS018",
                    format!("{rp}/GRN"),
                    format!(
                        "guarantee {grn} is {why} (policy period {} to {}); it cannot be used on {}",
                        found.valid_from, found.valid_to, ctx.today
                    ),
                );
            }
            let missing: Vec<&str> = route
                .iter()
                .filter(|c| !found.countries.iter().any(|x| x == c.as_str()))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                fail(
                    out,
                    "CATS019",
                    format!("{rp}/GRN"),
                    format!(
                        "guarantee {grn} is not valid in {} on this route",
                        missing.join(", ")
                    ),
                );
            }
            if let Some(holder) = holder.filter(|h| found.holder != *h) {
                fail(
                    out,
                    "CATS020",
                    format!("{rp}/GRN"),
                    format!("guarantee {grn} does not cover holder {holder}"),
                );
            }
            if !ctx.active_insurers.contains(&found.insurer) {
                fail(
                    out,
                    "CATS023",
                    format!("{rp}/GRN"),
                    format!(
                        "the insurer {} of guarantee {grn} is not an approved, active authorised insurer on {}",
                        found.insurer, ctx.today
                    ),
                );
            }
            check_amount(
                reference.amount_to_be_covered,
                reference.currency.as_ref(),
                Some(found),
                ctx,
                &rp,
                out,
            );
        }
    }
}

fn check_amount(
    amount: Option<Decimal>,
    currency: Option<&Declared<CurrencyCode>>,
    found: Option<&Guarantee>,
    ctx: &RuleContext,
    rp: &str,
    out: &mut Vec<RuleFailure>,
) {
    match amount {
        None => fail(
            out,
            "CATS021",
            format!("{rp}/amountToBeCovered"),
            "the amount to be covered is required",
        ),
        Some(a) if a <= Decimal::ZERO || a.normalize().scale() > 2 => fail(
            out,
            "CATS021",
            format!("{rp}/amountToBeCovered"),
            format!("the amount to be covered must be positive with at most 2 decimals, got {a}"),
        ),
        Some(_) => {}
    }
    match (currency, found) {
        (Some(_), None) => {}
        (Some(c), Some(found)) if c.valid() == Some(&found.currency()) => {}
        (Some(c), Some(found))
            if c
                .valid()
                .is_some_and(|from| ctx.rates.contains_key(&(*from, found.currency()))) => {}
        (Some(c), Some(found)) => fail(
            out,
            "CATS021",
            format!("{rp}/currency"),
            format!(
                "the amount is in {c} but guarantee {} is in {}, and there is no reference exchange rate {c}→{} for {}",
                found.grn, found.currency(), found.currency(), ctx.today
            ),
        ),
        (None, _) => fail(
            out,
            "CATS021",
            format!("{rp}/currency"),
            "the currency of the amount to be covered is required",
        ),
    }
}

/// CATS022 with amounts taken as declared (same currency, no AEO benefit); see
/// [`shortfalls_with`].
pub fn shortfalls(
    d: &Cc015c,
    guarantees: &std::collections::HashMap<Grn, Guarantee>,
) -> Vec<RuleFailure> {
    shortfalls_in(d, guarantees, &Default::default(), None)
}

/// CATS022: the guarantees whose available amount cannot cover what the declaration asks of them
/// (amounts per GRN added up), each amount converted into the guarantee's currency at the
/// context's reference exchange rate and reduced by the context's AEO share, as release will
/// reserve it. Such a declaration is accepted but goes to `GuaranteeNotValid` (CC055C) until
/// amended; see `docs/lifecycle.md`.
pub fn shortfalls_with(d: &Cc015c, ctx: &RuleContext) -> Vec<RuleFailure> {
    shortfalls_in(d, ctx.guarantees, ctx.rates, ctx.aeo_share)
}

fn shortfalls_in(
    d: &Cc015c,
    guarantees: &std::collections::HashMap<Grn, Guarantee>,
    rates: &std::collections::HashMap<(CurrencyCode, CurrencyCode), Decimal>,
    aeo_share: Option<Decimal>,
) -> Vec<RuleFailure> {
    // `None`: the amounts add up to more than a `Decimal` holds (never enough).
    let mut asked: BTreeMap<&str, Option<Decimal>> = BTreeMap::new();
    let mut pointer: BTreeMap<&str, String> = BTreeMap::new();
    for (g, guarantee) in d.guarantee.iter().enumerate() {
        for (r, reference) in guarantee.guarantee_reference.iter().enumerate() {
            if let (Some(grn), Some(declared)) =
                (reference.grn.as_deref(), reference.amount_to_be_covered)
            {
                // In the guarantee's currency, as release reserves it; an amount in another
                // currency without a rate is CATS021's failure and counts as declared here.
                let currency = reference
                    .currency
                    .as_ref()
                    .and_then(Declared::valid)
                    .copied();
                let amount = match (guarantees.get(grn), currency) {
                    (Some(g), Some(c)) => Money::new(declared, c)
                        .ok()
                        .and_then(|amount| {
                            let used = GuaranteeUse {
                                grn: g.grn.clone(),
                                amount,
                            };
                            let rate = rates.get(&(c, g.currency())).copied();
                            cover(&used, g.currency(), rate, aeo_share).ok()
                        })
                        .map_or(declared, |c| c.amount.amount()),
                    _ => declared,
                };
                let sum = asked.entry(grn).or_insert(Some(Decimal::ZERO));
                *sum = sum.and_then(|s| s.checked_add(amount));
                pointer.entry(grn).or_insert_with(|| {
                    format!(
                        "/CC015C/Guarantee[{}]/GuaranteeReference[{}]/amountToBeCovered",
                        g + 1,
                        r + 1
                    )
                });
            }
        }
    }
    let mut out = Vec::new();
    for (grn, amount) in asked {
        if let Some(found) = guarantees.get(grn) {
            // compared as decimals: `to_minor` would overflow on absurd amounts
            let available = from_minor(found.available_minor());
            if amount.is_none_or(|a| a > available) {
                let amount = amount
                    .map_or_else(|| "more than can be counted".to_string(), |a| a.to_string());
                fail(
                    &mut out,
                    "CATS022",
                    pointer[grn].clone(),
                    format!(
                        "guarantee {grn}: {amount} {} to be covered but only {available} available",
                        found.currency(),
                    ),
                );
            }
        }
    }
    out
}
