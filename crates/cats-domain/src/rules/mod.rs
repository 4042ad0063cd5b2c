//! Business rules for a CC015C declaration, with stable rule ids.
//!
//! [`check_declaration`] runs every rule and returns every failure (never only the first), each
//! with the rule id (the NCTS P5 id where NCTS has the rule, e.g. `R0987`, otherwise a CATS id
//! `CATSnnn`), the NCTS functional error code (CL180: 12 codelist violation, 13 condition
//! violation (missing), 14 rule violation, 15 condition violation (not allowed)), an XPath-like
//! pointer to the element, and a readable reason. `docs/rules.md` lists them all.

mod facts;
mod goods;
mod guarantee;
mod offices;
mod parties;
mod sequence;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::declaration::Cc015c;
use crate::ledger::Guarantee;
use crate::reference::Catalog;

pub use facts::{facts, DeclarationFacts};
pub use guarantee::shortfalls;

/// A failed business rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleFailure {
    /// Rule id, at most 7 characters (NCTS `errorReason` is an..7): `R0987`, `CATS012`.
    pub rule_id: String,
    /// NCTS functional error code (CL180): 12, 13, 14 or 15.
    pub error_code: u16,
    /// XPath-like pointer, e.g. `/CC015C/Consignment/HouseConsignment[1]/grossMass`.
    pub pointer: String,
    /// Why, in words the holder can act on.
    pub reason: String,
}

/// One rule: id, NCTS error code, and what it checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Rule id.
    pub id: &'static str,
    /// NCTS functional error code (CL180).
    pub error_code: u16,
    /// What the rule requires.
    pub text: &'static str,
}

/// Every business rule CATS applies to a CC015C, in the order they run.
#[rustfmt::skip]
pub const RULES: &[Rule] = &[
    Rule { id: "CATS001", error_code: 12, text: "The office of departure exists, is valid on the day and holds the role DEP." },
    Rule { id: "CATS002", error_code: 12, text: "The office of destination exists, is valid on the day and holds the role DES." },
    Rule { id: "CATS003", error_code: 12, text: "Each office of transit exists, is valid on the day and holds the role TRA." },
    Rule { id: "CATS004", error_code: 12, text: "Each office of exit for transit exists, is valid on the day and holds the role EXT." },
    Rule { id: "CATS005", error_code: 14, text: "Every route country (countries of the offices and countries of routing) takes part in CATS." },
    Rule { id: "CATS006", error_code: 14, text: "messageRecipient is NTA. followed by the country of the office of departure." },
    Rule { id: "CATS007", error_code: 14, text: "The holder of the transit procedure is registered as a trader and active." },
    Rule { id: "C0411", error_code: 13, text: "TIRCarnetNumber is required when declarationType is TIR and not allowed otherwise (NCTS C0411)." },
    Rule { id: "CATS008", error_code: 12, text: "declarationType is one of T, T1, T2, T2F, TIR; additionalDeclarationType is A or D; security is 0 to 3." },
    Rule { id: "R0987", error_code: 14, text: "Sequence numbers run 1, 2, 3 … within each data group (NCTS R0987)." },
    Rule { id: "CATS009", error_code: 14, text: "goodsItemNumber runs 1..n within each house consignment and declarationGoodsItemNumber 1..n over the declaration." },
    Rule { id: "CATS010", error_code: 14, text: "Gross masses (kg) of the consignment, house consignments and items are positive." },
    Rule { id: "R0994", error_code: 14, text: "The consignment's gross mass is at least the sum of its house consignments' gross masses (NCTS R0994)." },
    Rule { id: "R0983", error_code: 14, text: "A house consignment's gross mass is at least the sum of its items' gross masses (NCTS R0983)." },
    Rule { id: "R0223", error_code: 14, text: "An item's net mass does not exceed its gross mass (NCTS R0223)." },
    Rule { id: "CATS011", error_code: 13, text: "Every item has a 6-digit HS subheading code that exists in the nomenclature." },
    Rule { id: "CATS012", error_code: 14, text: "Goods on the CATS restricted goods list as prohibited are not accepted." },
    Rule { id: "CATS013", error_code: 14, text: "Goods needing an individual guarantee are not covered by a comprehensive guarantee." },
    Rule { id: "R0028", error_code: 14, text: "Container numbers follow ISO 6346 with a correct check digit (NCTS R0028)." },
    Rule { id: "CATS014", error_code: 14, text: "The LRN is not used by another live declaration of the same holder." },
    Rule { id: "CATS015", error_code: 14, text: "The guarantee type is 1 (comprehensive, with a GRN) or B (TIR, only with a TIR declaration)." },
    Rule { id: "CATS016", error_code: 12, text: "The GRN exists." },
    Rule { id: "CATS017", error_code: 14, text: "The access code matches the GRN." },
    Rule { id: "CATS018", error_code: 14, text: "The guarantee is active and valid on the day." },
    Rule { id: "CATS019", error_code: 14, text: "The guarantee is valid in every route country." },
    Rule { id: "CATS020", error_code: 14, text: "The guarantee covers this holder." },
    Rule { id: "CATS021", error_code: 13, text: "The amount to be covered is given, positive, with at most 2 decimals, in the guarantee's currency." },
    Rule { id: "CATS022", error_code: 14, text: "Enough of the guarantee is available for the amount to be covered (otherwise: GuaranteeNotValid, CC055C)." },
];

/// The rule with this id.
pub fn rule(id: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("unknown rule id {id}"))
}

pub(crate) fn fail(
    out: &mut Vec<RuleFailure>,
    id: &str,
    pointer: impl Into<String>,
    reason: impl Into<String>,
) {
    out.push(RuleFailure {
        rule_id: id.to_string(),
        error_code: rule(id).error_code,
        pointer: pointer.into(),
        reason: reason.into(),
    });
}

/// Registration of the holder of the transit procedure, as the store knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolderRegistration {
    /// Identification number (EORI/TIN).
    pub identification_number: String,
    /// `trader` or `insurer`.
    pub kind: String,
    /// Whether the registration is approved and active.
    pub active: bool,
}

/// What the rules need besides the declaration: reference data, the day, and what the store knows.
#[derive(Debug, Clone)]
pub struct RuleContext<'a> {
    /// Reference catalogue.
    pub catalog: &'a Catalog,
    /// The day of lodging (UTC).
    pub today: NaiveDate,
    /// The holder's registration, if the holder is known.
    pub holder: Option<HolderRegistration>,
    /// Guarantees named in the declaration that exist, by GRN.
    pub guarantees: &'a HashMap<String, Guarantee>,
    /// Whether the holder already has a live declaration with this LRN.
    pub lrn_in_use: bool,
}

/// Run every business rule; return every failure (empty when the declaration is acceptable).
///
/// The availability of the guarantee (CATS022) is not a rejection: see [`shortfalls`].
pub fn check_declaration(d: &Cc015c, ctx: &RuleContext) -> Vec<RuleFailure> {
    let mut out = Vec::new();
    offices::check(d, ctx, &mut out);
    parties::check(d, ctx, &mut out);
    sequence::check(d, &mut out);
    goods::check(d, ctx, &mut out);
    parties::check_lrn(d, ctx, &mut out);
    guarantee::check(d, ctx, &mut out);
    out
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod docs_tests {
    #[test]
    fn docs_list_every_rule() {
        let docs = include_str!("../../../../docs/rules.md");
        for rule in super::RULES {
            assert!(
                docs.contains(&format!("`{}`", rule.id)),
                "docs/rules.md misses {}",
                rule.id
            );
        }
    }
}
