//! ISO 6346 container number.

use super::{check_layout, string_id, verify_check_digit, CharClass, IdError, IdKind, Segment};

const LAYOUT: &[Segment] = &[
    Segment {
        len: 3,
        class: CharClass::Upper,
        what: "an uppercase letter A-Z (owner code)",
    },
    Segment {
        len: 1,
        class: CharClass::Upper,
        what: "U, J or Z (equipment category)",
    },
    Segment {
        len: 6,
        class: CharClass::Digit,
        what: "a digit 0-9 (serial number)",
    },
    Segment {
        len: 1,
        class: CharClass::Digit,
        what: "a digit 0-9 (check digit)",
    },
];

/// ISO 6346 container number, 11 characters: 3-letter owner code, equipment category `U`
/// (freight container), `J` (detachable freight container equipment) or `Z` (trailer or chassis),
/// 6-digit serial number, check digit over the first 10. E.g. `CSQU3054383`.
///
/// Source: ISO 6346; NCTS Phase 5 TransportEquipment/containerIdentificationNumber (an..17).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContainerNumber(String);

impl ContainerNumber {
    /// Parses a container number: layout, category, check digit.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let kind = IdKind::ContainerNumber;
        check_layout(kind, s, LAYOUT)?;
        let category = char::from(s.as_bytes()[3]);
        if !matches!(category, 'U' | 'J' | 'Z') {
            return Err(IdError::InvalidCharacter {
                kind,
                position: 4,
                found: category,
                expected: LAYOUT[1].what,
            });
        }
        verify_check_digit(kind, s)?;
        Ok(Self(s.to_owned()))
    }

    /// The container number, 11 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 3-letter owner code, e.g. `CSQ`.
    pub fn owner(&self) -> &str {
        &self.0[..3]
    }
}

string_id!(ContainerNumber);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::check_digit;
    use crate::ids::testing::{congruent, replace_at, same_check_digit, zero_or_ten, ALNUM};
    use proptest::prelude::*;

    #[test]
    fn parses_valid_numbers() {
        for s in ["CSQU3054383", "MSCU1234566"] {
            assert_eq!(ContainerNumber::parse(s).unwrap().as_str(), s);
        }
        assert_eq!(
            ContainerNumber::parse("CSQU3054383").unwrap().owner(),
            "CSQ"
        );
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(
            ContainerNumber::parse("CSQU3054384")
                .unwrap_err()
                .to_string(),
            "Container number check digit is 4 but the first 10 characters give 3"
        );
        assert_eq!(
            ContainerNumber::parse("CSQX3054383")
                .unwrap_err()
                .to_string(),
            "Container number character 4 is 'X'; U, J or Z (equipment category) is required there"
        );
        assert_eq!(
            ContainerNumber::parse("CSQU 3054383").unwrap_err(),
            IdError::WrongLength {
                kind: IdKind::ContainerNumber,
                expected: 11,
                actual: 12
            }
        );
        assert!(ContainerNumber::parse("csqu3054383").is_err());
        // `Q` (28) and `G` (17) are congruent mod 11: ISO 6346 cannot tell them apart.
        assert!(ContainerNumber::parse("CSGU3054383").is_ok());
    }

    fn valid() -> impl Strategy<Value = ContainerNumber> {
        ("[A-Z]{3}[UJZ][0-9]{6}").prop_map(|s| {
            let digit = check_digit(&s).unwrap();
            ContainerNumber::parse(&format!("{s}{digit}")).unwrap()
        })
    }

    proptest! {
        #[test]
        fn computed_check_digits_parse_and_serde_round_trips(c in valid()) {
            let json = serde_json::to_string(&c).unwrap();
            prop_assert_eq!(serde_json::from_str::<ContainerNumber>(&json).unwrap(), c);
        }

        /// A single-character change is always caught, except where ISO 6346 is blind: values
        /// congruent mod 11, or remainders 0 and 10 (both written `0`).
        #[test]
        fn single_character_changes_are_detected(c in valid(), i in 0..11usize, d in prop::sample::select(ALNUM)) {
            let s = c.as_str();
            let old = char::from(s.as_bytes()[i]);
            prop_assume!(d != old);
            let changed = replace_at(s, i, d);
            let detected = ContainerNumber::parse(&changed).is_err();
            if i == 10 || !same_check_digit(&s[..10], &changed[..10]) {
                prop_assert!(detected, "{} -> {}", s, changed);
            }
            if !detected {
                prop_assert!(congruent(old, d) || (zero_or_ten(&s[..10]) && zero_or_ten(&changed[..10])));
            }
        }
    }
}
