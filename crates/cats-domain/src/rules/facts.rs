//! The facts of a declaration that the movement, the ledger and risk selection need.

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::declaration::Cc015c;
use crate::movement::{GuaranteeUse, Movement, MovementState};
use crate::risk::RiskFacts;

/// Facts read from a CC015C.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclarationFacts {
    /// LRN.
    pub lrn: String,
    /// Holder identification number (empty when absent).
    pub holder: String,
    /// Office of departure.
    pub office_of_departure: String,
    /// Office of destination (declared).
    pub office_of_destination: String,
    /// Offices of transit, in sequence order.
    pub offices_of_transit: Vec<String>,
    /// Offices of exit for transit, in sequence order.
    pub offices_of_exit: Vec<String>,
    /// Countries of routing, in sequence order.
    pub countries_of_routing: Vec<String>,
    /// Route countries, first-seen order, no repeats: the office of departure's country, the
    /// countries of routing, the countries of the offices of transit, then of exit, then the
    /// office of destination's country.
    pub itinerary: Vec<String>,
    /// Guarantee references with a GRN and an amount.
    pub guarantees: Vec<GuaranteeUse>,
    /// HS subheading codes of the items.
    pub hs_codes: Vec<String>,
    /// Declared limit date, if any and well formed.
    pub limit_date: Option<NaiveDate>,
    /// Security indicator (0–3), if numeric.
    pub security: Option<u8>,
    /// Countries of dispatch and destination (consignment level), if given.
    pub dispatch_destination: Vec<String>,
    /// Pre-lodged declaration (additionalDeclarationType `D`): the goods are not presented yet.
    pub pre_lodged: bool,
    /// Country of dispatch (consignment level), if given.
    pub country_of_dispatch: Option<String>,
    /// Country of destination (consignment level), if given.
    pub country_of_destination: Option<String>,
    /// Gross mass of the consignment in kg.
    pub gross_mass: Decimal,
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !value.is_empty() && !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

/// Read the facts of a declaration.
pub fn facts(d: &Cc015c) -> DeclarationFacts {
    let office_of_departure = d.customs_office_of_departure.reference_number.clone();
    let office_of_destination = d
        .customs_office_of_destination_declared
        .reference_number
        .clone();
    let mut transit = d.customs_office_of_transit_declared.clone();
    transit.sort_by_key(|o| o.sequence_number);
    let offices_of_transit: Vec<String> =
        transit.iter().map(|o| o.reference_number.clone()).collect();
    let mut exits = d.customs_office_of_exit_for_transit_declared.clone();
    exits.sort_by_key(|o| o.sequence_number);
    let offices_of_exit: Vec<String> = exits.iter().map(|o| o.reference_number.clone()).collect();
    let mut routing = d.consignment.country_of_routing_of_consignment.clone();
    routing.sort_by_key(|c| c.sequence_number);
    let countries_of_routing: Vec<String> = routing.iter().map(|c| c.country.clone()).collect();

    let mut itinerary = Vec::new();
    push_unique(
        &mut itinerary,
        office_of_departure.get(..2).unwrap_or_default(),
    );
    for c in &countries_of_routing {
        push_unique(&mut itinerary, c);
    }
    // A country is entered (office of transit) before it is left (office of exit): the offices of
    // transit give the order, the offices of exit only add countries entered without one.
    for o in offices_of_transit.iter().chain(&offices_of_exit) {
        push_unique(&mut itinerary, o.get(..2).unwrap_or_default());
    }
    push_unique(
        &mut itinerary,
        office_of_destination.get(..2).unwrap_or_default(),
    );

    let guarantees = d
        .guarantee
        .iter()
        .flat_map(|g| g.guarantee_reference.iter())
        .filter_map(|r| {
            Some(GuaranteeUse {
                grn: r.grn.clone()?,
                amount: r.amount_to_be_covered.unwrap_or(Decimal::ZERO),
                currency: r.currency.clone().unwrap_or_default(),
            })
        })
        .collect();
    let hs_codes = d
        .consignment
        .house_consignment
        .iter()
        .flat_map(|h| h.consignment_item.iter())
        .filter_map(|i| {
            i.commodity
                .commodity_code
                .as_ref()
                .map(|c| c.harmonized_system_sub_heading_code.clone())
        })
        .collect();
    let mut dispatch_destination = Vec::new();
    if let Some(c) = &d.consignment.country_of_dispatch {
        push_unique(&mut dispatch_destination, c);
    }
    if let Some(c) = &d.consignment.country_of_destination {
        push_unique(&mut dispatch_destination, c);
    }
    DeclarationFacts {
        lrn: d.transit_operation.lrn.clone(),
        holder: d
            .holder_of_the_transit_procedure
            .identification_number
            .clone()
            .unwrap_or_default(),
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
        country_of_dispatch: d.consignment.country_of_dispatch.clone(),
        country_of_destination: d.consignment.country_of_destination.clone(),
        gross_mass: d.consignment.gross_mass,
    }
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
        let value: Decimal = self.guarantees.iter().map(|g| g.amount).sum();
        let value_per_kg = mass
            .filter(|_| value > Decimal::ZERO)
            .and_then(|m| value.to_f64().map(|v| v / m));
        RiskFacts {
            hs_codes: self.hs_codes.clone(),
            countries,
            aeo: false,
            country_of_dispatch: self.country_of_dispatch.clone(),
            country_of_destination: self.country_of_destination.clone(),
            countries_of_routing: self.countries_of_routing.clone(),
            holder: self.holder.clone(),
            gross_mass_kg: mass,
            value_per_kg,
            day: None,
        }
    }

    /// A new movement in `state` from these facts.
    pub fn movement(&self, state: MovementState, mrn: Option<String>) -> Movement {
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
        }
    }
}
