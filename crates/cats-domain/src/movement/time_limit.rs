//! The time limit for arrival, set at release for transit.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The longest time limit for arrival CATS ever sets, in days.
pub const MAX_TRANSIT_DAYS: i64 = 30;

/// Days allowed before the first border: a movement inside one country.
const BASE_DAYS: i64 = 6;

/// Days added for every further country on the itinerary (a border crossing or a sea leg).
const DAYS_PER_COUNTRY: i64 = 4;

/// The time limit for arrival of a movement released at `released_at`.
///
/// Default per route: `6 + 4 × (countries on the itinerary − 1)` days, capped at
/// [`MAX_TRANSIT_DAYS`] (30). When the declaration gives an earlier `limitDate`, the end of that
/// day at the office of departure (`zone`, its IANA time zone) is used instead, but never a time
/// before the release itself. `itinerary_countries` counts distinct countries (departure, exits,
/// transits, routing, destination).
pub fn time_limit_for_arrival(
    released_at: DateTime<Utc>,
    itinerary_countries: usize,
    limit_date: Option<NaiveDate>,
    zone: Tz,
) -> DateTime<Utc> {
    let extra = itinerary_countries.saturating_sub(1) as i64;
    let days = (BASE_DAYS + DAYS_PER_COUNTRY * extra).min(MAX_TRANSIT_DAYS);
    let default = released_at + Duration::days(days);
    match limit_date.and_then(|d| d.and_hms_opt(23, 59, 59)) {
        Some(end_of_day) => {
            // A day that a clock change makes ambiguous or skips ends at its latest valid time.
            let declared = match zone.from_local_datetime(&end_of_day) {
                chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(_, t) => {
                    t.with_timezone(&Utc)
                }
                chrono::LocalResult::None => Utc.from_utc_datetime(&end_of_day),
            };
            if declared < default && declared > released_at {
                declared
            } else {
                default
            }
        }
        None => default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn domestic_six_days() {
        let r = at("2025-03-01T10:00:00Z");
        assert_eq!(
            time_limit_for_arrival(r, 1, None, Tz::UTC),
            at("2025-03-07T10:00:00Z")
        );
    }

    #[test]
    fn three_countries_fourteen_days() {
        let r = at("2025-03-01T10:00:00Z");
        assert_eq!(
            time_limit_for_arrival(r, 3, None, Tz::UTC),
            at("2025-03-15T10:00:00Z")
        );
    }

    #[test]
    fn never_more_than_thirty_days() {
        let r = at("2025-03-01T10:00:00Z");
        for n in 0..40 {
            let limit = time_limit_for_arrival(r, n, None, Tz::UTC);
            assert!(limit - r <= Duration::days(MAX_TRANSIT_DAYS));
            assert!(limit > r);
        }
    }

    #[test]
    fn earlier_limit_date_wins_later_does_not() {
        let r = at("2025-03-01T10:00:00Z");
        let early = NaiveDate::from_ymd_opt(2025, 3, 4);
        assert_eq!(
            time_limit_for_arrival(r, 3, early, Tz::UTC),
            at("2025-03-04T23:59:59Z")
        );
        let late = NaiveDate::from_ymd_opt(2025, 5, 1);
        assert_eq!(
            time_limit_for_arrival(r, 3, late, Tz::UTC),
            at("2025-03-15T10:00:00Z")
        );
    }

    #[test]
    fn a_limit_date_ends_at_midnight_at_the_office_of_departure() {
        // Almaty is UTC+5: the end of 4 March there is 18:59:59 UTC.
        let r = at("2025-03-01T10:00:00Z");
        let early = NaiveDate::from_ymd_opt(2025, 3, 4);
        assert_eq!(
            time_limit_for_arrival(r, 3, early, chrono_tz::Asia::Almaty),
            at("2025-03-04T18:59:59Z")
        );
        // Tbilisi is UTC+4.
        assert_eq!(
            time_limit_for_arrival(r, 3, early, chrono_tz::Asia::Tbilisi),
            at("2025-03-04T19:59:59Z")
        );
    }
}
