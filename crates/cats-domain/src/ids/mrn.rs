//! Movement reference number.

use super::{check_layout, string_id, two_digit_year, verify_check_digit, CharClass, CountryCode};
use super::{IdError, IdKind, ProcedureLetter, Segment};

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
        class: CharClass::Upper,
        what: "an uppercase letter A-Z (procedure letter)",
    },
    Segment {
        len: 1,
        class: CharClass::Digit,
        what: "a digit 0-9 (check digit)",
    },
];

/// Movement reference number (MRN), 18 characters: 2-digit year, ISO 3166-1 country of the office
/// of departure, 12 uppercase alphanumerics, a procedure letter (any `A-Z`; J/K/L/M for transit,
/// see [`ProcedureLetter`]), and an ISO 6346 check digit over the first 17. E.g. `24GB000246J8NY33L7`.
///
/// Source: NCTS Phase 5 data format an18 (TransitOperation/MRN); DOMAIN.md section 5.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mrn(String);

impl Mrn {
    /// Parses an MRN: layout, assigned country, check digit.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        check_layout(IdKind::Mrn, s, LAYOUT)?;
        CountryCode::from_part(IdKind::Mrn, s, 2)?;
        verify_check_digit(IdKind::Mrn, s)?;
        Ok(Self(s.to_owned()))
    }

    /// Allocates an MRN: `year` is the calendar year (2000..=2099, written as 2 digits), `body`
    /// the 12 uppercase alphanumerics; the check digit is computed.
    pub fn allocate(
        year: i32,
        country: &CountryCode,
        body: &str,
        procedure: ProcedureLetter,
    ) -> Result<Mrn, IdError> {
        check_serial(IdKind::MrnSerial, body)?;
        let mut s = format!(
            "{}{}{}{}",
            two_digit_year(year)?,
            country,
            body,
            procedure.as_char()
        );
        // The parts are checked, so the digit exists; `parse` re-checks the whole anyway.
        s.push(char::from(b'0' + super::check_digit(&s).unwrap_or(0)));
        Self::parse(&s)
    }

    /// The MRN, 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The calendar year: 2000 plus the first two digits.
    pub fn year(&self) -> i32 {
        2000 + i32::from(self.0.as_bytes()[0] - b'0') * 10 + i32::from(self.0.as_bytes()[1] - b'0')
    }

    /// The country of the office of departure (characters 3-4).
    pub fn country(&self) -> CountryCode {
        CountryCode::lookup(&self.0[2..4]).expect("checked when parsed")
    }

    /// The transit procedure letter (character 17), or `None` when it is not J, K, L or M.
    pub fn procedure(&self) -> Option<ProcedureLetter> {
        ProcedureLetter::from_char(char::from(self.0.as_bytes()[16]))
    }
}

/// Checks the 12-character serial part given to `allocate` of an MRN or GRN.
pub(crate) fn check_serial(kind: IdKind, body: &str) -> Result<(), IdError> {
    const SERIAL: &[Segment] = &[Segment {
        len: 12,
        class: CharClass::UpperAlnum,
        what: "an uppercase letter A-Z or digit 0-9",
    }];
    check_layout(kind, body, SERIAL)
}

string_id!(Mrn);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::testing::{
        congruent, country, replace_at, same_check_digit, zero_or_ten, ALNUM,
    };
    use proptest::prelude::*;

    #[test]
    fn real_mrns_parse() {
        let a = Mrn::parse("24GB000246J8NY33L7").unwrap();
        assert_eq!(
            (a.year(), a.country().as_str(), a.procedure()),
            (2024, "GB", Some(ProcedureLetter::L))
        );
        let b = Mrn::parse("23GB000246IF9W5YJ0").unwrap(); // remainder 10, written 0
        assert_eq!((b.year(), b.procedure()), (2023, Some(ProcedureLetter::J)));
        // Any letter is accepted at position 17; only J-M map to a transit procedure.
        let prefix = "24GB000246J8NY33A";
        let other = format!("{prefix}{}", crate::ids::check_digit(prefix).unwrap());
        assert_eq!(Mrn::parse(&other).unwrap().procedure(), None);
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(
            Mrn::parse("24GB000246J8NY33L3").unwrap_err().to_string(),
            "MRN check digit is 3 but the first 17 characters give 7"
        );
        assert_eq!(
            Mrn::parse("24GB000246J8NY33L").unwrap_err().to_string(),
            "MRN has 17 characters; exactly 18 are required"
        );
        assert_eq!(
            Mrn::parse("24gb000246J8NY33L7").unwrap_err().to_string(),
            "MRN character 3 is 'g'; an uppercase letter A-Z (country code) is required there"
        );
        assert_eq!(
            Mrn::parse("24QQ000246J8NY33L7").unwrap_err().to_string(),
            "MRN: QQ is not an assigned ISO 3166-1 alpha-2 country code"
        );
        assert!(matches!(
            Mrn::parse("24GB000246J8NY3317"),
            Err(IdError::InvalidCharacter {
                position: 17,
                found: '1',
                ..
            })
        ));
        assert_eq!(
            Mrn::parse("24GB000246J8NY33LЖ").unwrap_err(),
            IdError::InvalidCharacter {
                kind: IdKind::Mrn,
                position: 18,
                found: 'Ж',
                expected: "a digit 0-9 (check digit)",
            }
        );
    }

    #[test]
    fn allocate_refuses_bad_input() {
        let gb = CountryCode::parse("GB").unwrap();
        assert_eq!(
            Mrn::allocate(1999, &gb, "000246J8NY33", ProcedureLetter::L),
            Err(IdError::YearOutOfRange { year: 1999 })
        );
        assert_eq!(
            Mrn::allocate(2024, &gb, "000246j8NY33", ProcedureLetter::L).unwrap_err().to_string(),
            "MRN serial part character 7 is 'j'; an uppercase letter A-Z or digit 0-9 is required there"
        );
        assert_eq!(
            Mrn::allocate(2024, &gb, "000246J8NY3", ProcedureLetter::L),
            Err(IdError::WrongLength {
                kind: IdKind::MrnSerial,
                expected: 12,
                actual: 11
            })
        );
        assert_eq!(
            Mrn::allocate(2024, &gb, "000246J8NY33", ProcedureLetter::L)
                .unwrap()
                .as_str(),
            "24GB000246J8NY33L7"
        );
    }

    #[test]
    fn a_known_blind_spot_of_iso_6346() {
        // `2` (value 2) and `C` (value 13) are congruent mod 11, so swapping one for the other
        // leaves the weighted sum unchanged: the check digit cannot see it.
        assert!(Mrn::parse("24GB000C46J8NY33L7").is_ok());
        assert!(Mrn::parse("24GB000D46J8NY33L7").is_err());
    }

    fn valid() -> impl Strategy<Value = Mrn> {
        let procedure = prop::sample::select(
            &[
                ProcedureLetter::J,
                ProcedureLetter::K,
                ProcedureLetter::L,
                ProcedureLetter::M,
            ][..],
        );
        (2000..=2099i32, country(), "[A-Z0-9]{12}", procedure)
            .prop_map(|(y, c, body, p)| Mrn::allocate(y, &c, &body, p).unwrap())
    }

    proptest! {
        #[test]
        fn allocate_then_parse_round_trips(y in 2000..=2099i32, c in country(), body in "[A-Z0-9]{12}", security in 0..=3u8) {
            let p = ProcedureLetter::from_security(security).unwrap();
            let mrn = Mrn::allocate(y, &c, &body, p).unwrap();
            let again = Mrn::parse(mrn.as_str()).unwrap();
            prop_assert_eq!((again.year(), again.country(), again.procedure()), (y, c, Some(p)));
            prop_assert_eq!(&mrn.as_str()[4..16], body.as_str());
            let json = serde_json::to_string(&mrn).unwrap();
            prop_assert_eq!(serde_json::from_str::<Mrn>(&json).unwrap(), mrn);
        }

        /// A single-character change is always caught, except where ISO 6346 is blind: the two
        /// characters have values congruent mod 11 (e.g. `2`/`C`, `A`/`K`/`U`), or the remainders
        /// before and after are 0 and 10 (both written `0`).
        #[test]
        fn single_character_changes_are_detected(mrn in valid(), i in 0..18usize, c in prop::sample::select(ALNUM)) {
            let s = mrn.as_str();
            let old = char::from(s.as_bytes()[i]);
            prop_assume!(c != old);
            let changed = replace_at(s, i, c);
            let detected = Mrn::parse(&changed).is_err();
            if i == 17 || !same_check_digit(&s[..17], &changed[..17]) {
                prop_assert!(detected, "{} -> {}", s, changed);
            }
            if !detected {
                prop_assert!(congruent(old, c) || (zero_or_ten(&s[..17]) && zero_or_ten(&changed[..17])));
            }
        }
    }
}
