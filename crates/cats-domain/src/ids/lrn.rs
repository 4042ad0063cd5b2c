//! Local reference number.

use super::{string_id, IdError, IdKind};

/// The trader's own reference for a declaration (LRN): 1 to 22 characters, printable (no control
/// characters), without leading or trailing whitespace. Unique per holder among live declarations
/// (checked elsewhere).
///
/// Source: NCTS Phase 5 data format an..22 (TransitOperation/LRN); DOMAIN.md section 5.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lrn(String);

impl Lrn {
    /// Longest LRN, in characters.
    pub const MAX_LEN: usize = 22;

    /// Parses an LRN; it is taken exactly as given (no trimming, no case change).
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let kind = IdKind::Lrn;
        let actual = s.chars().count();
        if actual == 0 {
            return Err(IdError::Empty { kind });
        }
        if actual > Self::MAX_LEN {
            return Err(IdError::TooLong {
                kind,
                max: Self::MAX_LEN,
                actual,
            });
        }
        if s.trim() != s {
            return Err(IdError::SurroundingWhitespace { kind });
        }
        if let Some(index) = s.chars().position(char::is_control) {
            return Err(IdError::ControlCharacter {
                kind,
                position: index + 1,
            });
        }
        Ok(Self(s.to_owned()))
    }

    /// The LRN as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_id!(Lrn);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_usual_references() {
        for s in [
            "A",
            "LRN-2024-000123",
            "KZ/ALA/2025 0001",
            "Ж-12",
            "1234567890123456789012",
        ] {
            assert_eq!(Lrn::parse(s).unwrap().as_str(), s);
        }
    }

    #[test]
    fn rejects_with_a_reason() {
        let long = "12345678901234567890123";
        assert_eq!(
            Lrn::parse(long).unwrap_err().to_string(),
            "LRN has 23 characters; at most 22 are allowed"
        );
        assert_eq!(Lrn::parse(""), Err(IdError::Empty { kind: IdKind::Lrn }));
        assert_eq!(
            Lrn::parse(" ABC"),
            Err(IdError::SurroundingWhitespace { kind: IdKind::Lrn })
        );
        assert_eq!(
            Lrn::parse("ABC\n"),
            Err(IdError::SurroundingWhitespace { kind: IdKind::Lrn })
        );
        assert_eq!(
            Lrn::parse("AB\tC"),
            Err(IdError::ControlCharacter {
                kind: IdKind::Lrn,
                position: 3
            })
        );
        assert_eq!(
            Lrn::parse("   ").unwrap_err().to_string(),
            "LRN starts or ends with a space; remove the surrounding spaces"
        );
    }

    #[test]
    fn serde_is_a_plain_string() {
        let lrn = Lrn::parse("REF 1").unwrap();
        assert_eq!(serde_json::to_string(&lrn).unwrap(), "\"REF 1\"");
        assert_eq!(serde_json::from_str::<Lrn>("\"REF 1\"").unwrap(), lrn);
        let err = serde_json::from_str::<Lrn>("\" REF\"").unwrap_err();
        assert!(
            err.to_string().contains("starts or ends with a space"),
            "{err}"
        );
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[ a-zA-Z0-9/\\-\t\u{a0}\u{3000}Жé\n]{0,26}",
            any::<String>(),
            "[A-Z0-9]{20,24}",
        ]
    }

    proptest! {
        #[test]
        fn accepts_exactly_the_trimmed_printable_strings_of_1_to_22_chars(s in text()) {
            let n = s.chars().count();
            let expected = (1..=22).contains(&n) && s.trim() == s && !s.chars().any(char::is_control);
            prop_assert_eq!(Lrn::parse(&s).is_ok(), expected, "{:?}", s);
        }

        #[test]
        fn serde_round_trips(s in "[!-~][ -~]{0,20}[!-~]") {
            let lrn = Lrn::parse(&s).unwrap();
            let json = serde_json::to_string(&lrn).unwrap();
            prop_assert_eq!(serde_json::from_str::<Lrn>(&json).unwrap(), lrn.clone());
            prop_assert_eq!(lrn.to_string().parse::<Lrn>().unwrap(), lrn);
        }
    }
}
