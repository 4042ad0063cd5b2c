//! Guarantee reference number.

use super::mrn::check_serial;
use super::{check_layout, string_id, two_digit_year, verify_check_digit, CharClass, CountryCode};
use super::{IdError, IdKind, Segment};

const LAYOUT: &[Segment] = &[
    Segment {
        len: 2,
        class: CharClass::Digit,
        what: "a digit 0-9 (year)",
    },
    Segment {
        len: 2,
        class: CharClass::Upper,
        what: "an uppercase letter A-Z (country code)",
    },
    Segment {
        len: 12,
        class: CharClass::UpperAlnum,
        what: "an uppercase letter A-Z or digit 0-9",
    },
    Segment {
        len: 1,
        class: CharClass::Digit,
        what: "a digit 0-9 (check digit)",
    },
];

/// Guarantee reference number (GRN), 17 characters: 2-digit year, ISO 3166-1 country of the
/// guarantee office, 12 uppercase alphanumerics, and an ISO 6346 check digit over the first 16.
/// E.g. `24GB0000010000295`, `25KZ0000SRI000010`.
///
/// Source: NCTS Phase 5 guarantee reference number (an..24 field, 17-character GRN structure);
/// DOMAIN.md section 5.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Grn(String);

impl Grn {
    /// Parses a GRN: layout, assigned country, check digit.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        check_layout(IdKind::Grn, s, LAYOUT)?;
        CountryCode::from_part(IdKind::Grn, s, 2)?;
        verify_check_digit(IdKind::Grn, s)?;
        Ok(Self(s.to_owned()))
    }

    /// Allocates a GRN: `year` is the calendar year (2000..=2099, written as 2 digits), `body` the
    /// 12 uppercase alphanumerics; the check digit is computed.
    pub fn allocate(year: i32, country: &CountryCode, body: &str) -> Result<Grn, IdError> {
        check_serial(IdKind::GrnSerial, body)?;
        let mut s = format!("{}{}{}", two_digit_year(year)?, country, body);
        // The parts are checked, so the digit exists; `parse` re-checks the whole anyway.
        s.push(char::from(b'0' + super::check_digit(&s).unwrap_or(0)));
        Self::parse(&s)
    }

    /// The GRN, 17 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The calendar year: 2000 plus the first two digits.
    pub fn year(&self) -> i32 {
        2000 + i32::from(self.0.as_bytes()[0] - b'0') * 10 + i32::from(self.0.as_bytes()[1] - b'0')
    }

    /// The country of the guarantee office (characters 3-4).
    pub fn country(&self) -> CountryCode {
        CountryCode::lookup(&self.0[2..4]).expect("checked when parsed")
    }
}

string_id!(Grn);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::testing::{
        congruent, country, remainder, replace_at, same_check_digit, zero_or_ten, ALNUM,
    };
    use proptest::prelude::*;

    #[test]
    fn real_grns_parse() {
        for s in [
            "24GB0000010000295",
            "25KZ0000SRI000010",
            "25KZ0000SRI000020",
            "25GE0000CGI000017",
        ] {
            assert_eq!(Grn::parse(s).unwrap().as_str(), s);
        }
        let g = Grn::parse("25GE0000CGI000017").unwrap();
        assert_eq!((g.year(), g.country().as_str()), (2025, "GE"));
    }

    #[test]
    fn remainders_zero_and_ten_share_the_digit_zero() {
        // Both real GRNs end in 0: the first sums to 0 mod 11, the second to 10. So the change
        // `1` -> `2` at position 15 is one the check digit cannot see.
        assert_eq!(remainder("25KZ0000SRI00001"), 0);
        assert_eq!(remainder("25KZ0000SRI00002"), 10);
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(
            Grn::parse("24GB0000010000294").unwrap_err().to_string(),
            "GRN check digit is 4 but the first 16 characters give 5"
        );
        assert_eq!(
            Grn::parse("24GB00000100002955").unwrap_err(),
            IdError::WrongLength {
                kind: IdKind::Grn,
                expected: 17,
                actual: 18
            }
        );
        assert_eq!(
            Grn::parse("2XGB0000010000295").unwrap_err().to_string(),
            "GRN character 2 is 'X'; a digit 0-9 (year) is required there"
        );
        assert!(matches!(
            Grn::parse("24ZZ0000010000295"),
            Err(IdError::UnknownCountry { .. })
        ));
        let gb = CountryCode::parse("GB").unwrap();
        assert_eq!(
            Grn::allocate(2024, &gb, "00000100002")
                .unwrap_err()
                .to_string(),
            "GRN serial part has 11 characters; exactly 12 are required"
        );
        assert_eq!(
            Grn::allocate(2100, &gb, "000001000029"),
            Err(IdError::YearOutOfRange { year: 2100 })
        );
        assert_eq!(
            Grn::allocate(2024, &gb, "000001000029").unwrap().as_str(),
            "24GB0000010000295"
        );
    }

    fn valid() -> impl Strategy<Value = Grn> {
        (2000..=2099i32, country(), "[A-Z0-9]{12}")
            .prop_map(|(y, c, b)| Grn::allocate(y, &c, &b).unwrap())
    }

    proptest! {
        #[test]
        fn allocate_then_parse_round_trips(y in 2000..=2099i32, c in country(), body in "[A-Z0-9]{12}") {
            let grn = Grn::allocate(y, &c, &body).unwrap();
            let again = Grn::parse(grn.as_str()).unwrap();
            prop_assert_eq!((again.year(), again.country()), (y, c));
            prop_assert_eq!(&grn.as_str()[4..16], body.as_str());
            let json = serde_json::to_string(&grn).unwrap();
            prop_assert_eq!(serde_json::from_str::<Grn>(&json).unwrap(), grn);
        }

        /// A single-character change is always caught, except where ISO 6346 is blind: values
        /// congruent mod 11, or remainders 0 and 10 (both written `0`).
        #[test]
        fn single_character_changes_are_detected(grn in valid(), i in 0..17usize, c in prop::sample::select(ALNUM)) {
            let s = grn.as_str();
            let old = char::from(s.as_bytes()[i]);
            prop_assume!(c != old);
            let changed = replace_at(s, i, c);
            let detected = Grn::parse(&changed).is_err();
            if i == 16 || !same_check_digit(&s[..16], &changed[..16]) {
                prop_assert!(detected, "{} -> {}", s, changed);
            }
            if !detected {
                prop_assert!(congruent(old, c) || (zero_or_ten(&s[..16]) && zero_or_ten(&changed[..16])));
            }
        }
    }
}
