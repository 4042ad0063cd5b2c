//! CATS/ICE domain: everything a transit movement needs to be decided, with no IO.
//!
//! * [`ids`]: identifiers that validate when parsed (LRN, MRN, GRN, access code, office reference,
//!   EORI/TIN, HS code, container number, ISO 3166 country, ISO 4217 currency).
//! * [`reference`]: the reference data catalogue the rules read (offices, countries, HS, restricted goods).
//! * [`declaration`]: the CC015C declaration as typed data.
//! * [`rules`]: business rules with stable rule ids, all failures reported at once.
//! * [`movement`]: the movement state machine (NCTS P5 departure to write-off).
//! * [`ledger`]: guarantee ledger decisions (reserve, credit, claim).
//! * [`feedback`]: confusion matrix, control efficiency, profile hit rates, office control rates.
//! * [`risk`]: risk selection (restricted goods, profiles, seeded random rate, AEO benefits).
//! * [`registry`]: registrations (AEO, authorised trader, authorised insurer), insurance
//!   contracts and claims, each a small state machine.
//! * [`coverage`]: reference exchange rates and what a movement reserves on a guarantee.

#![warn(missing_docs)]

pub mod coverage;
pub mod declaration;
pub mod feedback;
pub mod ids;
pub mod ledger;
pub mod movement;
pub mod reference;
pub mod registry;
pub mod reports;
pub mod risk;
pub mod rules;
