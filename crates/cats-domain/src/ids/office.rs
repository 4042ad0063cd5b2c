//! Customs office reference number.

use super::{check_layout, string_id, CharClass, CountryCode, IdError, IdKind, Segment};

const LAYOUT: &[Segment] = &[
    Segment {
        len: 2,
        class: CharClass::Upper,
        what: "an uppercase letter A-Z (country code)",
    },
    Segment {
        len: 6,
        class: CharClass::UpperAlnum,
        what: "an uppercase letter A-Z or digit 0-9",
    },
];

/// Customs office reference number, 8 characters `[A-Z]{2}[A-Z0-9]{6}`: the ISO 3166-1 country
/// (assigned, or `XI`) then 6 uppercase alphanumerics, e.g. `KZ000123`, `GB000246`. Whether the
/// office exists is checked against the reference catalogue elsewhere.
///
/// Source: EU customs office list (COL) / NCTS Phase 5 data format an8 (CustomsOffice/referenceNumber).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OfficeRef(String);

impl OfficeRef {
    /// Parses an office reference: layout and assigned country.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        check_layout(IdKind::OfficeRef, s, LAYOUT)?;
        CountryCode::from_part(IdKind::OfficeRef, s, 0)?;
        Ok(Self(s.to_owned()))
    }

    /// The reference, 8 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The office's country (the first two letters).
    pub fn country(&self) -> CountryCode {
        CountryCode::lookup(&self.0[..2]).expect("checked when parsed")
    }
}

string_id!(OfficeRef);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::testing::country;
    use proptest::prelude::*;

    #[test]
    fn parses_office_references() {
        for (s, c) in [
            ("KZ000123", "KZ"),
            ("GB000246", "GB"),
            ("XI000142", "XI"),
            ("GEABC12Z", "GE"),
        ] {
            let office = OfficeRef::parse(s).unwrap();
            assert_eq!((office.as_str(), office.country().as_str()), (s, c));
        }
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(
            OfficeRef::parse("KZ00012").unwrap_err().to_string(),
            "Customs office reference has 7 characters; exactly 8 are required"
        );
        assert_eq!(
            OfficeRef::parse("KZ00012a").unwrap_err().to_string(),
            "Customs office reference character 8 is 'a'; an uppercase letter A-Z or digit 0-9 is required there"
        );
        assert_eq!(
            OfficeRef::parse("1Z000123").unwrap_err(),
            IdError::InvalidCharacter {
                kind: IdKind::OfficeRef,
                position: 1,
                found: '1',
                expected: "an uppercase letter A-Z (country code)",
            }
        );
        assert_eq!(
            OfficeRef::parse("QQ000123").unwrap_err().to_string(),
            "Customs office reference: QQ is not an assigned ISO 3166-1 alpha-2 country code"
        );
    }

    proptest! {
        #[test]
        fn serde_round_trips(c in country(), rest in "[A-Z0-9]{6}") {
            let office = OfficeRef::parse(&format!("{c}{rest}")).unwrap();
            prop_assert_eq!(office.country(), c);
            let json = serde_json::to_string(&office).unwrap();
            prop_assert_eq!(serde_json::from_str::<OfficeRef>(&json).unwrap(), office);
        }
    }
}
