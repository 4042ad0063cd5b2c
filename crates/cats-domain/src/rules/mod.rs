//! Business rules for a CC015C declaration, with stable rule ids.
//!
//! [`check_declaration`] runs every rule and returns every failure (never only the first), each
//! with the rule id (the NCTS P5 id where NCTS has the rule, e.g. `R0987`, otherwise a CATS id
//! `CATSnnn`), the NCTS functional error code (CL180: 12 codelist violation, 13 condition
//! violation (missing), 14 rule violation, 15 condition violation (not allowed)), an XPath-like
//! pointer to the element, and a readable reason. `docs/rules.md` lists them all.
//!
//! CATS's own rules are in `offices`, `parties`, `sequence`, `goods` and `guarantee`; the NCTS P5
//! rules and conditions of Appendix Q2 that a declaration alone decides are in `operation`
//! (transit operation, authorisations, offices, guarantees), `levels` (parties, values declared
//! at one level), `transport` (equipment, seals, means of transport), `places` (security data,
//! places, location of goods) and `packaging` (items). `docs/ncts-rules.md` says, for every
//! CC015C rule id of Appendix Q2, whether and where CATS applies it.

mod facts;
mod goods;
mod guarantee;
mod levels;
mod offices;
mod operation;
mod packaging;
mod parties;
mod places;
mod sequence;
mod sequence_walk;
mod transport;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::declaration::Cc015c;
use crate::ids::{CurrencyCode, Eori, Grn};
use crate::ledger::Guarantee;
use crate::reference::Catalog;

pub use facts::{facts, BadIdentifier, DeclarationFacts};
pub use guarantee::{shortfalls, shortfalls_with};

/// A failed business rule.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    Rule { id: "CATS007", error_code: 14, text: "The holder of the transit procedure is a trader with an approved AEO or authorised trader registration, not suspended or revoked, valid on the day." },
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
    Rule { id: "CATS018", error_code: 14, text: "The guarantee is active (not submitted, approved without access code, suspended, revoked or expired) and inside its policy period on the day." },
    Rule { id: "CATS019", error_code: 14, text: "The guarantee is valid in every route country." },
    Rule { id: "CATS020", error_code: 14, text: "The guarantee covers this holder." },
    Rule { id: "CATS021", error_code: 13, text: "The amount to be covered is given, positive, with at most 2 decimals, in the guarantee's currency or in a currency with a reference exchange rate to it for the day." },
    Rule { id: "CATS023", error_code: 14, text: "The guarantee's insurer holds an approved authorised insurer registration, not suspended or revoked, valid on the day." },
    Rule { id: "CATS022", error_code: 14, text: "Enough of the guarantee is available for the amount to be covered, converted and reduced for AEO holders as release reserves it (otherwise: GuaranteeNotValid, CC055C)." },
    // NCTS P5 rules and conditions (Appendix Q2) that a declaration alone decides; see
    // docs/ncts-rules.md. Conditions report 13 where an element is missing and 15 where it is
    // not allowed; `error_code` is the code of the case the rule text names first.
    Rule { id: "C0904", error_code: 13, text: "TIRHolderIdentificationNumber is required with declarationType TIR and not allowed otherwise (NCTS C0904)." },
    Rule { id: "R0849", error_code: 14, text: "A TIR declaration has reducedDatasetIndicator 0 (NCTS R0849)." },
    Rule { id: "C0101", error_code: 13, text: "With reducedDatasetIndicator 1 an Authorisation is required (NCTS C0101)." },
    Rule { id: "R0859", error_code: 14, text: "With reducedDatasetIndicator 1 an authorisation of type C524 is given, and C524 only then (NCTS R0859)." },
    Rule { id: "C0839", error_code: 13, text: "A standard declaration with authorisation C521 (authorised consignor) gives limitDate (NCTS C0839, the required case)." },
    Rule { id: "R0003", error_code: 14, text: "Each office of transit is declared once (NCTS R0003)." },
    Rule { id: "R0005", error_code: 14, text: "An office of transit's estimated arrival is after the message's preparationDateAndTime (NCTS R0005)." },
    Rule { id: "R0900", error_code: 14, text: "A TIR declaration has guarantee type B (NCTS R0900, TIR case)." },
    Rule { id: "C0130", error_code: 15, text: "otherGuaranteeReference is required with guarantee type 8, optional with 3, not allowed otherwise (NCTS C0130)." },
    Rule { id: "R0318", error_code: 14, text: "A GRN has 24 characters with guarantee type 4 and 17 otherwise (NCTS R0318)." },
    Rule { id: "C0045", error_code: 15, text: "An item's declarationType is given only, and always, when the declaration's type is T (NCTS C0045)." },
    Rule { id: "C0250", error_code: 13, text: "A holder, consignor or consignee without identificationNumber gives name and Address (NCTS C0250, the required case)." },
    Rule { id: "C0542", error_code: 15, text: "No consignor with security 0 and reducedDatasetIndicator 1; no house consignor when the consignment has one (NCTS C0542)." },
    Rule { id: "R0506", error_code: 14, text: "A value given in every house consignment is not the same in all of them (NCTS R0506)." },
    Rule { id: "R0507", error_code: 14, text: "A value given in every consignment item is not the same in all of them (NCTS R0507)." },
    Rule { id: "C0909", error_code: 15, text: "countryOfDispatch is given at one level: consignment, house consignment or every item (NCTS C0909)." },
    Rule { id: "C0343", error_code: 15, text: "countryOfDestination is given at one level: consignment, house consignment or every item (NCTS C0343)." },
    Rule { id: "C0502", error_code: 15, text: "referenceNumberUCR is given at one level; without it and without a transport document every item gives it (NCTS C0502)." },
    Rule { id: "C0822", error_code: 13, text: "A standard declaration (A) gives containerIndicator (NCTS C0822)." },
    Rule { id: "C0823", error_code: 13, text: "containerIndicator 1 needs TransportEquipment; without containerIndicator there is none (NCTS C0823)." },
    Rule { id: "C0055", error_code: 13, text: "With containerIndicator 1 at least one container number is given; with 0 none (NCTS C0055)." },
    Rule { id: "G0006", error_code: 14, text: "A GoodsReference names the declarationGoodsItemNumber of an item of the declaration (NCTS G0006)." },
    Rule { id: "R0106", error_code: 14, text: "numberOfSeals equals the last Seal sequenceNumber of its transport equipment (NCTS R0106)." },
    Rule { id: "C0569", error_code: 13, text: "Seals are listed when numberOfSeals is above 0, and not when it is 0 (NCTS C0569)." },
    Rule { id: "R0107", error_code: 14, text: "Each seal identifier appears once in the declaration (NCTS R0107)." },
    Rule { id: "R0448", error_code: 14, text: "Transport equipment without a container number has numberOfSeals above 0 (NCTS R0448)." },
    Rule { id: "C0826", error_code: 15, text: "No departure transport means with inland mode 5; none per house consignment when the consignment has them (NCTS C0826)." },
    Rule { id: "R0855", error_code: 14, text: "At most 3 departure transport means by road (3), any number by rail (2), 1 otherwise (NCTS R0855)." },
    Rule { id: "R0472", error_code: 14, text: "A departure transport means' typeOfIdentification starts with the inland mode of transport (NCTS R0472)." },
    Rule { id: "R0473", error_code: 14, text: "Registration-type departure transport means identifications have no lowercase letters (NCTS R0473)." },
    Rule { id: "R0474", error_code: 14, text: "By road the first departure transport means is of type 30 (NCTS R0474)." },
    Rule { id: "R0476", error_code: 14, text: "By road the second and third departure transport means are of type 31 (NCTS R0476)." },
    Rule { id: "R0076", error_code: 14, text: "Registration-type active border transport means identifications have no lowercase letters (NCTS R0076)." },
    Rule { id: "R0789", error_code: 14, text: "More than one active border transport means only with offices of transit (NCTS R0789)." },
    Rule { id: "G0789", error_code: 14, text: "An active border transport means' customs office at border is a declared office of transit, exit or destination (NCTS G0789)." },
    Rule { id: "C0586", error_code: 13, text: "Countries of routing are given with a binding itinerary or security 1 to 3 (NCTS C0586)." },
    Rule { id: "C0599", error_code: 13, text: "A standard declaration with security 1 to 3 gives modeOfTransportAtTheBorder (NCTS C0599)." },
    Rule { id: "C0806", error_code: 13, text: "Active border transport means: required for a standard declaration with security 1 to 3, not allowed with border mode 5 (NCTS C0806)." },
    Rule { id: "C0531", error_code: 13, text: "By air with security 1 to 3 each active border transport means gives conveyanceReferenceNumber (NCTS C0531)." },
    Rule { id: "C0191", error_code: 13, text: "With security 1 or 3 the place of unloading is given (NCTS C0191, the required case)." },
    Rule { id: "C0186", error_code: 15, text: "No transport charges (consignment or house consignment) with security 0 (NCTS C0186)." },
    Rule { id: "C0337", error_code: 15, text: "No house consignment transport charges when the consignment has them (NCTS C0337)." },
    Rule { id: "C0403", error_code: 13, text: "A standard declaration (A) gives the place of loading (NCTS C0403)." },
    Rule { id: "C0387", error_code: 13, text: "A place of loading or unloading without UN/LOCODE gives country and location (NCTS C0387)." },
    Rule { id: "C0710", error_code: 13, text: "A standard declaration (A) gives the location of goods (NCTS C0710; no CATS office of departure is in the EU security area)." },
    Rule { id: "C0394", error_code: 13, text: "The location of goods is given by the element its qualifierOfIdentification names, and by no other (NCTS C0394)." },
    Rule { id: "C0671", error_code: 15, text: "additionalIdentifier only with an economic operator or authorisation number (NCTS C0671)." },
    Rule { id: "R0416", error_code: 14, text: "A house consignment's previous document is an export MRN: valid MRN, 17th character A, B or E (NCTS R0416)." },
    Rule { id: "C0060", error_code: 15, text: "numberOfPackages is not given for bulk goods (CL181) and is given otherwise (NCTS C0060, numberOfPackages)." },
    Rule { id: "R0219", error_code: 14, text: "An item with a packaging of 0 packages has no packaging with more (NCTS R0219)." },
    Rule { id: "R0220", error_code: 14, text: "A packaging of 0 packages is not of an unpacked kind (CL182) (NCTS R0220)." },
    Rule { id: "R0364", error_code: 14, text: "A packaging of 0 packages shares the shipping marks of a counted packaging of another item of its house consignment (NCTS R0364)." },
    Rule { id: "C0837", error_code: 15, text: "Net mass: required for export followed by transit (N830), not allowed with the reduced dataset (NCTS C0837)." },
    Rule { id: "C0298", error_code: 13, text: "An item's previous document gives measurementUnitAndQualifier with a quantity, and only then (NCTS C0298)." },
    Rule { id: "B2400", error_code: 15, text: "No Consignee, TransportDocument or TransportCharges per consignment item (NCTS B2400, final period)." },
    Rule { id: "R3061", error_code: 14, text: "Additional information code 30600 is not used at item level (NCTS R3061)." },
];

/// The rule with this id.
pub fn rule(id: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("unknown rule id {id}"))
}

/// CL180 13: condition violation, the element is missing.
pub(crate) const MISSING: u16 = 13;
/// CL180 15: condition violation, the element is not allowed.
pub(crate) const NOT_ALLOWED: u16 = 15;

pub(crate) fn fail(
    out: &mut Vec<RuleFailure>,
    id: &str,
    pointer: impl Into<String>,
    reason: impl Into<String>,
) {
    fail_as(out, id, rule(id).error_code, pointer, reason);
}

/// A failure of rule `id` with another CL180 code than the rule's own: a condition reports 13
/// where an element is missing and 15 where it is not allowed.
pub(crate) fn fail_as(
    out: &mut Vec<RuleFailure>,
    id: &str,
    error_code: u16,
    pointer: impl Into<String>,
    reason: impl Into<String>,
) {
    out.push(RuleFailure {
        rule_id: id.to_string(),
        error_code,
        pointer: pointer.into(),
        reason: reason.into(),
    });
}

/// Registration of the holder of the transit procedure, as the store knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolderRegistration {
    /// Identification number (EORI/TIN).
    pub identification_number: Eori,
    /// `trader` or `insurer`.
    pub kind: String,
    /// Whether the party holds an approved AEO or authorised trader registration, not suspended
    /// or revoked, valid on the day (see [`crate::registry::registration::standing`]).
    pub active: bool,
    /// Whether it holds an active AEO registration on the day.
    #[serde(default)]
    pub aeo: bool,
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
    /// Guarantees named in the declaration that exist, by GRN (looked up with the
    /// declaration's text).
    pub guarantees: &'a HashMap<Grn, Guarantee>,
    /// Whether the holder already has a live declaration with this LRN.
    pub lrn_in_use: bool,
    /// Reference exchange rates that apply on the day, by (from, to) ISO 4217 codes: 1 `from` =
    /// rate `to` (CATS021, CATS022).
    pub rates: &'a HashMap<(CurrencyCode, CurrencyCode), Decimal>,
    /// Identification numbers of the insurers with an active authorised insurer registration on
    /// the day (CATS023).
    pub active_insurers: &'a HashSet<Eori>,
    /// Share of the amount to be covered reserved for this holder under the AEO benefit, when it
    /// applies (CATS022).
    pub aeo_share: Option<Decimal>,
}

/// Run every business rule; return every failure (empty when the declaration is acceptable).
///
/// The availability of the guarantee (CATS022) is not a rejection: see [`shortfalls_with`].
pub fn check_declaration(d: &Cc015c, ctx: &RuleContext) -> Vec<RuleFailure> {
    let mut out = Vec::new();
    offices::check(d, ctx, &mut out);
    parties::check(d, ctx, &mut out);
    sequence::check(d, &mut out);
    goods::check(d, ctx, &mut out);
    parties::check_lrn(d, ctx, &mut out);
    guarantee::check(d, ctx, &mut out);
    operation::check(d, &mut out);
    levels::check(d, &mut out);
    transport::check(d, &mut out);
    places::check(d, &mut out);
    packaging::check(d, &mut out);
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
