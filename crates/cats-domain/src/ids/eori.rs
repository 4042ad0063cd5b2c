//! EORI number or national taxpayer identification number of an operator.

use super::{string_id, CountryCode, IdError, IdKind};

/// EORI number, or national taxpayer identification number (TIN) of an operator: the ISO 3166-1
/// country (2 uppercase letters, assigned) then 1 to 15 uppercase alphanumerics, 3 to 17
/// characters in all. E.g. `GB123456789000`, `KZ840000123456`, `AZ1402345678`, `GE204567890`;
/// CAREC countries use national taxpayer numbers behind their country code.
///
/// Source: EU EORI number format (country code + up to 15 alphanumerics, an..17) / NCTS Phase 5
/// data format an..17 (identificationNumber); DOMAIN.md section 5.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Eori(String);

impl Eori {
    /// Longest EORI/TIN, in characters.
    pub const MAX_LEN: usize = 17;

    /// Parses an EORI/TIN: length, country letters, assigned country, uppercase alphanumerics.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let kind = IdKind::Eori;
        let actual = s.chars().count();
        if actual == 0 {
            return Err(IdError::Empty { kind });
        }
        if actual < 3 {
            return Err(IdError::TooShort {
                kind,
                min: 3,
                actual,
            });
        }
        if actual > Self::MAX_LEN {
            return Err(IdError::TooLong {
                kind,
                max: Self::MAX_LEN,
                actual,
            });
        }
        for (index, c) in s.chars().enumerate() {
            let (ok, expected) = if index < 2 {
                (
                    c.is_ascii_uppercase(),
                    "an uppercase letter A-Z (country code)",
                )
            } else {
                (
                    c.is_ascii_uppercase() || c.is_ascii_digit(),
                    "an uppercase letter A-Z or digit 0-9",
                )
            };
            if !ok {
                return Err(IdError::InvalidCharacter {
                    kind,
                    position: index + 1,
                    found: c,
                    expected,
                });
            }
        }
        CountryCode::from_part(kind, s, 0)?;
        Ok(Self(s.to_owned()))
    }

    /// The EORI/TIN as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The issuing country (the first two letters).
    pub fn country(&self) -> CountryCode {
        CountryCode::lookup(&self.0[..2]).expect("checked when parsed")
    }
}

string_id!(Eori);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::testing::country;
    use proptest::prelude::*;

    #[test]
    fn parses_eori_and_tin() {
        for (s, c) in [
            ("KZ840000123456", "KZ"),
            ("AZ1402345678", "AZ"),
            ("GE204567890", "GE"),
            ("GB123456789000", "GB"),
            ("DE1", "DE"),
        ] {
            let eori = Eori::parse(s).unwrap();
            assert_eq!((eori.as_str(), eori.country().as_str()), (s, c));
        }
        assert!(Eori::parse("KZ123456789012345").is_ok()); // 17
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(
            Eori::parse("KZ1234567890123456").unwrap_err().to_string(),
            "EORI/TIN has 18 characters; at most 17 are allowed"
        );
        assert_eq!(
            Eori::parse("KZ").unwrap_err().to_string(),
            "EORI/TIN has 2 characters; at least 3 are required"
        );
        assert_eq!(
            Eori::parse("kz840000123456").unwrap_err().to_string(),
            "EORI/TIN character 1 is 'k'; an uppercase letter A-Z (country code) is required there"
        );
        assert_eq!(
            Eori::parse("KZ 840000123456").unwrap_err().to_string(),
            "EORI/TIN character 3 is ' '; an uppercase letter A-Z or digit 0-9 is required there"
        );
        assert!(matches!(
            Eori::parse("QQ840000123456"),
            Err(IdError::UnknownCountry { .. })
        ));
        assert_eq!(Eori::parse(""), Err(IdError::Empty { kind: IdKind::Eori }));
    }

    proptest! {
        #[test]
        fn serde_round_trips(c in country(), rest in "[A-Z0-9]{1,15}") {
            let eori = Eori::parse(&format!("{c}{rest}")).unwrap();
            prop_assert_eq!(eori.country(), c);
            let json = serde_json::to_string(&eori).unwrap();
            prop_assert_eq!(serde_json::from_str::<Eori>(&json).unwrap(), eori);
        }

        #[test]
        fn rejects_numbers_of_more_than_15_characters(c in country(), rest in "[A-Z0-9]{16,20}") {
            let too_long = Eori::parse(&format!("{c}{rest}"));
            let is_too_long = matches!(too_long, Err(IdError::TooLong { max: 17, .. }));
            prop_assert!(is_too_long);
        }
    }
}
