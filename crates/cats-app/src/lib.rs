//! CATS use cases: one function per thing a user does. Each loads what it needs, decides with the
//! pure domain, and stores the outcome in one transaction through the [`store::Store`] trait.
//!
//! * [`lodge::lodge`]: lodge a CC015C; [`amend::amend`]: amend it before release.
//! * [`act::act`]: every action on a lodged movement (officers' actions, the holder's cancellation
//!   request, control results with their findings and seals); [`act::check_time_limits`]:
//!   non-arrival by the time limit → enquiry; [`controls`]: photos and documents of control
//!   records.
//! * [`query`]: lists and reads, as the actor may see them.
//! * [`tokens`]: API tokens.
//! * [`registers`]: registrations, insurance contracts, claims, exchange rates, users (issue 5);
//!   [`standing`] and [`coverage`]: what they mean for the rules and for release.
//! * [`risk_profiles`]: risk profiles maintained by risk analysts, versioned (issue 6).
//! * [`ice`]: the exchange with peer national nodes (issue 12).

#![warn(missing_docs)]

pub mod accounts;
pub mod act;
pub mod amend;
pub mod app;
pub mod arrivals;
pub mod audit;
pub mod auth;
pub mod controls;
pub mod coverage;
pub mod drafts;
pub mod error;
pub mod guarantees;
pub mod health;
pub mod history;
pub mod ice;
pub mod lodge;
pub mod messages;
pub mod messages_in;
pub mod notify;
pub mod query;
pub mod registers;
pub mod reports;
pub mod restricted;
pub mod retry;
pub mod risk_profiles;
pub mod route_countries;
pub mod secrets;
pub mod standing;
pub mod store;
pub mod support;
pub mod tokens;

pub use app::{Actor, App};
pub use error::AppError;

/// A new id for a row written on every movement (the movement, its messages, notifications and
/// their deliveries): a UUID of version 7 (RFC 9562), whose first 48 bits are the Unix time in
/// milliseconds and whose other 74 are random. Ids made one after the other sort together, so
/// each commit adds to the end of the stores' id indexes instead of to pages spread over them
/// (fewer pages written to the log per commit; ADR 0022). The time in an id tells no more than
/// the record's own `created_at`; ids are never a secret (every read checks who may see it).
pub fn new_row_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

#[cfg(test)]
mod tests {
    /// Rows' ids sort as they were made, also as the text SQLite stores (ADR 0022): made within
    /// one millisecond they still do.
    #[test]
    fn row_ids_sort_as_made() {
        let ids: Vec<String> = (0..10_000)
            .map(|_| super::new_row_id().to_string())
            .collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "not in order");
        assert!(ids.iter().all(|id| id.as_bytes()[14] == b'7'), "version 7");
    }
}
