//! Harmonized System subheading code.

use super::{check_layout, string_id, CharClass, IdError, IdKind, Segment};
use crate::reference::Catalog;

const LAYOUT: &[Segment] = &[Segment {
    len: 6,
    class: CharClass::Digit,
    what: "a digit 0-9",
}];

/// Harmonized System subheading code: exactly 6 digits, e.g. `870323` (chapter `87`, heading
/// `8703`). [`HsCode::parse`] checks the shape only; [`HsCode::parse_known`] also requires the code
/// to exist in the reference catalogue ([`Catalog::hs_code_exists`]).
///
/// Source: WCO Harmonized System nomenclature; NCTS Phase 5 data format n6
/// (CommodityCode/harmonizedSystemSubHeadingCode).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HsCode(String);

impl HsCode {
    /// Parses a 6-digit code (shape only).
    pub fn parse(s: &str) -> Result<Self, IdError> {
        check_layout(IdKind::HsCode, s, LAYOUT)?;
        Ok(Self(s.to_owned()))
    }

    /// Parses a 6-digit code that the catalogue's HS nomenclature contains.
    pub fn parse_known(s: &str, catalog: &Catalog) -> Result<HsCode, IdError> {
        let code = Self::parse(s)?;
        if catalog.hs_code_exists(code.as_str()) {
            Ok(code)
        } else {
            Err(IdError::UnknownHsCode { code: code.0 })
        }
    }

    /// The 6 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The HS chapter: the first 2 digits.
    pub fn chapter(&self) -> &str {
        &self.0[..2]
    }

    /// The HS heading: the first 4 digits.
    pub fn heading(&self) -> &str {
        &self.0[..4]
    }
}

string_id!(HsCode);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::HsEntry;
    use proptest::prelude::*;

    fn catalog(codes: &[&str]) -> Catalog {
        let mut catalog = Catalog::default();
        for code in codes {
            let entry = HsEntry {
                code: (*code).into(),
                description: "test".into(),
                source: "test".into(),
            };
            catalog.hs.insert((*code).into(), entry);
        }
        catalog
    }

    #[test]
    fn parses_six_digits() {
        let hs = HsCode::parse("870323").unwrap();
        assert_eq!(
            (hs.as_str(), hs.chapter(), hs.heading()),
            ("870323", "87", "8703")
        );
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(
            HsCode::parse("8703").unwrap_err().to_string(),
            "HS code has 4 characters; exactly 6 are required"
        );
        assert_eq!(
            HsCode::parse("8703.2").unwrap_err().to_string(),
            "HS code character 5 is '.'; a digit 0-9 is required there"
        );
        assert_eq!(
            HsCode::parse(""),
            Err(IdError::Empty {
                kind: IdKind::HsCode
            })
        );
    }

    #[test]
    fn parse_known_asks_the_catalogue() {
        let catalog = catalog(&["87", "8703", "870323", "0101"]);
        assert!(HsCode::parse_known("870323", &catalog).is_ok());
        let unknown = HsCode::parse_known("870324", &catalog).unwrap_err();
        assert_eq!(
            unknown,
            IdError::UnknownHsCode {
                code: "870324".into()
            }
        );
        assert_eq!(
            unknown.to_string(),
            "HS code 870324 is not in the Harmonized System nomenclature of the reference catalogue"
        );
        // A heading without imported subheadings accepts any subheading under it.
        assert!(HsCode::parse_known("010121", &catalog).is_ok());
        assert!(matches!(
            HsCode::parse_known("8703x3", &catalog),
            Err(IdError::InvalidCharacter { .. })
        ));
    }

    proptest! {
        #[test]
        fn serde_round_trips(s in "[0-9]{6}") {
            let hs = HsCode::parse(&s).unwrap();
            let json = serde_json::to_string(&hs).unwrap();
            prop_assert_eq!(serde_json::from_str::<HsCode>(&json).unwrap(), hs);
        }
    }
}
