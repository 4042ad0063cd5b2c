//! Guarantee access code.

use std::fmt;

use super::{string_id, IdError, IdKind};

/// The secret access code of a guarantee: exactly 4 ASCII letters or digits (case kept as given).
/// Needed with the GRN to use a guarantee, so its `Debug` prints `AccessCode(****)`; `Display`,
/// `as_str` and serde do reveal it, for storing and transmitting it. Compare a code a trader
/// supplies with [`AccessCode::matches`] (constant time).
///
/// Source: NCTS Phase 5 data format an4 (Guarantee/GuaranteeReference/accessCode); DOMAIN.md section 5.
#[derive(Clone)]
pub struct AccessCode(String);

impl AccessCode {
    /// Parses a code; the offending character is never repeated in the error.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let kind = IdKind::AccessCode;
        let actual = s.chars().count();
        if actual == 0 {
            return Err(IdError::Empty { kind });
        }
        if actual != 4 {
            return Err(IdError::WrongLength {
                kind,
                expected: 4,
                actual,
            });
        }
        if let Some(index) = s.chars().position(|c| !c.is_ascii_alphanumeric()) {
            return Err(IdError::SecretCharacter {
                kind,
                position: index + 1,
            });
        }
        Ok(Self(s.to_owned()))
    }

    /// The code itself. Secret: do not log it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `other` is exactly this code (case-sensitive). The time taken does not depend on
    /// where the texts differ.
    pub fn matches(&self, other: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), other.as_bytes());
        if a.len() != b.len() {
            return false; // the length (4) is public
        }
        let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
        std::hint::black_box(diff) == 0
    }
}

impl PartialEq for AccessCode {
    fn eq(&self, other: &Self) -> bool {
        self.matches(&other.0)
    }
}

impl Eq for AccessCode {}

impl std::hash::Hash for AccessCode {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl PartialOrd for AccessCode {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for AccessCode {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

impl fmt::Debug for AccessCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessCode(****)")
    }
}

string_id!(AccessCode);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_four_alphanumerics() {
        for s in ["1234", "AB12", "ab1Z"] {
            assert_eq!(AccessCode::parse(s).unwrap().as_str(), s);
        }
    }

    #[test]
    fn errors_do_not_repeat_the_secret() {
        assert_eq!(
            AccessCode::parse("12345").unwrap_err().to_string(),
            "Access code has 5 characters; exactly 4 are required"
        );
        let err = AccessCode::parse("12#4").unwrap_err();
        assert_eq!(
            err,
            IdError::SecretCharacter {
                kind: IdKind::AccessCode,
                position: 3
            }
        );
        assert!(!err.to_string().contains('#'));
        assert_eq!(
            AccessCode::parse(""),
            Err(IdError::Empty {
                kind: IdKind::AccessCode
            })
        );
        assert!(AccessCode::parse("12 4").is_err());
        assert!(AccessCode::parse("12é4").is_err());
    }

    #[test]
    fn debug_hides_the_code() {
        let code = AccessCode::parse("7Q2X").unwrap();
        assert_eq!(format!("{code:?}"), "AccessCode(****)");
        assert_eq!(format!("{:?}", Some(&code)), "Some(AccessCode(****))");
        assert_eq!(code.to_string(), "7Q2X");
    }

    #[test]
    fn matches_exactly() {
        let code = AccessCode::parse("7Q2X").unwrap();
        assert!(code.matches("7Q2X"));
        assert!(!code.matches("7q2x"));
        assert!(!code.matches("7Q2Y"));
        assert!(!code.matches("7Q2"));
        assert!(!code.matches("7Q2XX"));
        assert_eq!(code, AccessCode::parse("7Q2X").unwrap());
        assert_ne!(code, AccessCode::parse("7Q2Y").unwrap());
    }

    proptest! {
        #[test]
        fn serde_round_trips(s in "[A-Za-z0-9]{4}") {
            let code = AccessCode::parse(&s).unwrap();
            let json = serde_json::to_string(&code).unwrap();
            prop_assert_eq!(json.clone(), format!("\"{s}\""));
            prop_assert_eq!(serde_json::from_str::<AccessCode>(&json).unwrap(), code);
        }

        #[test]
        fn matches_agrees_with_string_equality(a in "[A-Za-z0-9]{4}", b in "[A-Za-z0-9]{3,5}") {
            prop_assert_eq!(AccessCode::parse(&a).unwrap().matches(&b), a == b);
        }
    }
}
