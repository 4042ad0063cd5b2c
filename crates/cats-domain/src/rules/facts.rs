//! The facts of a declaration that the movement, the ledger and risk selection need.

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::declaration::Cc015c;
use crate::ids::{
    CountryCode, Declared, Eori, HsCode, IdError, IdKind, Lrn, Money, Mrn, OfficeRef,
};
use crate::movement::{GuaranteeUse, Movement, MovementState};
use crate::risk::RiskFacts;

/// Facts read from a CC015C, typed: the identifiers the movement keeps are checked when read
/// ([`facts`]); lists that only the rules and risk selection read keep what is well formed (the
/// rules report the rest).
#[derive(Debug, Clone, PartialEq)]
pub struct DeclarationFacts {
    /// LRN.
    pub lrn: Lrn,
    /// Holder identification number (EORI/TIN).
    pub holder: Eori,
    /// Office of departure (customs office reference number, an8).
    pub office_of_departure: OfficeRef,
    /// Office of destination (declared).
    pub office_of_destination: OfficeRef,
    /// Offices of transit, in sequence order.
    pub offices_of_transit: Vec<OfficeRef>,
    /// Offices of exit for transit, in sequence order.
    pub offices_of_exit: Vec<OfficeRef>,
    /// Countries of routing, in sequence order.
    pub countries_of_routing: Vec<CountryCode>,
    /// Route countries, first-seen order, no repeats: the office of departure's country, the
    /// countries of routing, the countries of the offices of transit, then of exit, then the
    /// office of destination's country.
    pub itinerary: Vec<CountryCode>,
    /// Guarantee references with a well-formed GRN and amount (a missing amount is 0).
    pub guarantees: Vec<GuaranteeUse>,
    /// HS subheading codes of the items (the well-formed ones).
    pub hs_codes: Vec<HsCode>,
    /// Declared limit date, if any and well formed.
    pub limit_date: Option<NaiveDate>,
    /// Security indicator (0–3), if numeric.
    pub security: Option<u8>,
    /// Countries of dispatch and destination (consignment level), if given.
    pub dispatch_destination: Vec<CountryCode>,
    /// Pre-lodged declaration (additionalDeclarationType `D`): the goods are not presented yet.
    pub pre_lodged: bool,
    /// Country of dispatch (consignment level), if given.
    pub country_of_dispatch: Option<CountryCode>,
    /// Country of destination (consignment level), if given.
    pub country_of_destination: Option<CountryCode>,
    /// Gross mass of the consignment in kg.
    pub gross_mass: Decimal,
}

/// An identifier of a declaration that does not parse: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadIdentifier {
    /// Pointer to the element, e.g. `/CC015C/CustomsOfficeOfDeparture/referenceNumber`.
    pub pointer: String,
    /// What is wrong ([`IdError`]'s words).
    pub reason: String,
}

fn push_unique<T: PartialEq + Clone>(list: &mut Vec<T>, value: &T) {
    if !list.contains(value) {
        list.push(value.clone());
    }
}

/// The identifier declared at `pointer`, noting it in `bad` when it is not well formed.
fn id<T: Clone>(
    bad: &mut Vec<BadIdentifier>,
    pointer: impl Into<String>,
    declared: Result<&T, &IdError>,
) -> Option<T> {
    declared
        .map_err(|e| {
            bad.push(BadIdentifier {
                pointer: pointer.into(),
                reason: e.to_string(),
            })
        })
        .ok()
        .cloned()
}

/// The offices of the group `group` in sequence order, each checked (pointers count the elements
/// in document order, from 1).
fn offices<'a>(
    bad: &mut Vec<BadIdentifier>,
    group: &str,
    list: impl Iterator<Item = (u32, &'a Declared<OfficeRef>)>,
) -> Vec<OfficeRef> {
    let mut numbered: Vec<_> = list.enumerate().collect();
    numbered.sort_by_key(|(_, (sequence, _))| *sequence);
    numbered
        .into_iter()
        .filter_map(|(i, (_, office))| {
            let at = format!("/CC015C/{group}[{}]/referenceNumber", i + 1);
            id(bad, at, office.checked())
        })
        .collect()
}

/// The route countries of a declaration as written, first-seen order, no repeats: the office
/// of departure's country, the countries of routing, the countries of the offices of transit,
/// then of exit, then the office of destination's country (the rules read them before anything
/// is typed: CATS005, CATS019).
pub(crate) fn route_countries(d: &Cc015c) -> Vec<String> {
    fn add(list: &mut Vec<String>, value: &str) {
        if !value.is_empty() && !list.iter().any(|v| v == value) {
            list.push(value.to_string());
        }
    }
    let country = |office: &str| office.get(..2).unwrap_or_default().to_string();
    let mut transit = d.customs_office_of_transit_declared.clone();
    transit.sort_by_key(|o| o.sequence_number);
    let mut exits = d.customs_office_of_exit_for_transit_declared.clone();
    exits.sort_by_key(|o| o.sequence_number);
    let mut routing = d.consignment.country_of_routing_of_consignment.clone();
    routing.sort_by_key(|c| c.sequence_number);
    let mut out = Vec::new();
    add(
        &mut out,
        &country(&d.customs_office_of_departure.reference_number),
    );
    for c in &routing {
        add(&mut out, &c.country);
    }
    // A country is entered (office of transit) before it is left (office of exit): the offices of
    // transit give the order, the offices of exit only add countries entered without one.
    for o in transit
        .iter()
        .map(|o| &o.reference_number)
        .chain(exits.iter().map(|o| &o.reference_number))
    {
        add(&mut out, &country(o));
    }
    add(
        &mut out,
        &country(&d.customs_office_of_destination_declared.reference_number),
    );
    out
}

/// What a declaration without the holder's identificationNumber is refused for.
const NO_HOLDER_ID: IdError = IdError::Empty { kind: IdKind::Eori };

/// Read the facts of a declaration.
///
/// Errors: every identifier the movement keeps that does not parse (the LRN, the holder's
/// identification number, the offices of departure, destination, transit and exit). The XSD
/// already constrains their form; what it lets through and CATS refuses is, for example, an
/// office whose first two letters are not an assigned ISO 3166 country, or an LRN with a
/// control character.
pub fn facts(d: &Cc015c) -> Result<DeclarationFacts, Vec<BadIdentifier>> {
    let mut bad = Vec::new();
    let lrn = id(
        &mut bad,
        "/CC015C/TransitOperation/LRN",
        d.transit_operation.lrn.checked(),
    );
    let holder = id(
        &mut bad,
        "/CC015C/HolderOfTheTransitProcedure/identificationNumber",
        d.holder_of_the_transit_procedure
            .identification_number
            .as_ref()
            .map_or(Err(&NO_HOLDER_ID), Declared::checked),
    );
    let office_of_departure = id(
        &mut bad,
        "/CC015C/CustomsOfficeOfDeparture/referenceNumber",
        d.customs_office_of_departure.reference_number.checked(),
    );
    let office_of_destination = id(
        &mut bad,
        "/CC015C/CustomsOfficeOfDestinationDeclared/referenceNumber",
        d.customs_office_of_destination_declared
            .reference_number
            .checked(),
    );
    let offices_of_transit = offices(
        &mut bad,
        "CustomsOfficeOfTransitDeclared",
        d.customs_office_of_transit_declared
            .iter()
            .map(|o| (o.sequence_number, &o.reference_number)),
    );
    let offices_of_exit = offices(
        &mut bad,
        "CustomsOfficeOfExitForTransitDeclared",
        d.customs_office_of_exit_for_transit_declared
            .iter()
            .map(|o| (o.sequence_number, &o.reference_number)),
    );
    let (Some(lrn), Some(holder), Some(office_of_departure), Some(office_of_destination), true) = (
        lrn,
        holder,
        office_of_departure,
        office_of_destination,
        bad.is_empty(),
    ) else {
        return Err(bad);
    };
    let country = |c: &str| CountryCode::parse(c).ok();
    let mut routing = d.consignment.country_of_routing_of_consignment.clone();
    routing.sort_by_key(|c| c.sequence_number);
    let countries_of_routing: Vec<CountryCode> =
        routing.iter().filter_map(|c| country(&c.country)).collect();
    let itinerary = route_countries(d)
        .iter()
        .filter_map(|c| country(c))
        .collect();

    let guarantees = d
        .guarantee
        .iter()
        .flat_map(|g| g.guarantee_reference.iter())
        .filter_map(|r| {
            let grn = r.grn.as_ref()?.valid()?.clone();
            let currency = *r.currency.as_ref()?.valid()?;
            let amount =
                Money::new(r.amount_to_be_covered.unwrap_or(Decimal::ZERO), currency).ok()?;
            Some(GuaranteeUse { grn, amount })
        })
        .collect();
    let hs_codes = d
        .consignment
        .house_consignment
        .iter()
        .flat_map(|h| h.consignment_item.iter())
        .filter_map(|i| {
            let code = i.commodity.commodity_code.as_ref()?;
            HsCode::parse(&code.harmonized_system_sub_heading_code).ok()
        })
        .collect();
    let country_of_dispatch = d
        .consignment
        .country_of_dispatch
        .as_deref()
        .and_then(country);
    let country_of_destination = d
        .consignment
        .country_of_destination
        .as_deref()
        .and_then(country);
    let mut dispatch_destination = Vec::new();
    for c in country_of_dispatch.iter().chain(&country_of_destination) {
        push_unique(&mut dispatch_destination, c);
    }
    Ok(DeclarationFacts {
        lrn,
        holder,
        office_of_departure,
        office_of_destination,
        offices_of_transit,
        offices_of_exit,
        countries_of_routing,
        itinerary,
        guarantees,
        hs_codes,
        limit_date: d
            .transit_operation
            .limit_date
            .as_deref()
            .and_then(|s| s.get(..10))
            .and_then(|s| s.parse().ok()),
        security: d.transit_operation.security.parse().ok(),
        dispatch_destination,
        pre_lodged: d.transit_operation.additional_declaration_type == "D",
        country_of_dispatch,
        country_of_destination,
        gross_mass: d.consignment.gross_mass,
    })
}

impl DeclarationFacts {
    /// What risk selection reads: HS codes and every country of dispatch, destination and route
    /// (`aeo` is false: the holder's AEO status comes from its registrations, not the declaration).
    pub fn risk_facts(&self) -> RiskFacts {
        let mut countries = self.dispatch_destination.clone();
        for c in &self.itinerary {
            push_unique(&mut countries, c);
        }
        let mass = self.gross_mass.to_f64().filter(|m| *m > 0.0);
        let value: Decimal = self.guarantees.iter().map(|g| g.amount.amount()).sum();
        let value_per_kg = mass
            .filter(|_| value > Decimal::ZERO)
            .and_then(|m| value.to_f64().map(|v| v / m));
        RiskFacts {
            hs_codes: self.hs_codes.clone(),
            countries,
            aeo: false,
            country_of_dispatch: self.country_of_dispatch,
            country_of_destination: self.country_of_destination,
            countries_of_routing: self.countries_of_routing.clone(),
            holder: self.holder.clone(),
            gross_mass_kg: mass,
            value_per_kg,
            day: None,
        }
    }

    /// A new movement in `state` from these facts.
    pub fn movement(&self, state: MovementState, mrn: Option<Mrn>) -> Movement {
        let mrn_allocated = mrn.is_some();
        Movement {
            state,
            mrn,
            lrn: self.lrn.clone(),
            holder: self.holder.clone(),
            office_of_departure: self.office_of_departure.clone(),
            office_of_destination: self.office_of_destination.clone(),
            offices_of_transit: self.offices_of_transit.clone(),
            offices_of_exit: self.offices_of_exit.clone(),
            itinerary: self.itinerary.clone(),
            guarantees: self.guarantees.clone(),
            limit_date: self.limit_date,
            control_pending: None,
            pending_controls: vec![],
            requested_documents: vec![],
            controls: Vec::new(),
            passages: Vec::new(),
            released_at: None,
            time_limit: None,
            arrival_office: None,
            arrived_at: None,
            cancellation_requested: false,
            incidents: Vec::new(),
            risk: Vec::new(),
            awaiting_presentation: self.pre_lodged && mrn_allocated,
            release_override: None,
            home: None,
            remote_guarantees: vec![],
            release_pending: None,
            records_requested: vec![],
            recovery_requests: vec![],
        }
    }
}
