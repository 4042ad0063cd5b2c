//! ISO 3166-1 alpha-2 country codes.

use super::{string_id, IdError, IdKind};

/// Every assigned ISO 3166-1 alpha-2 code, sorted, plus `XI` (Northern Ireland, used by NCTS and
/// the EU customs office list).
///
/// Source: column `ISO3166-1-Alpha-2` of the `datasets/country-codes` CSV
/// (`/work/shared/reference/countries/country-codes.csv`), generated once with a script; `XK`
/// (Kosovo) is not in that list and so is not accepted.
pub const ISO_3166_ALPHA2: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "XI", "YE", "YT", "ZA", "ZM", "ZW",
];

/// An ISO 3166-1 alpha-2 country code that is assigned (or `XI`): two uppercase letters, e.g. `KZ`.
///
/// Source: ISO 3166-1; NCTS data format a2 (CL199/CL010 country codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode(&'static str);

impl CountryCode {
    /// Parses two uppercase letters that are an assigned code of [`ISO_3166_ALPHA2`].
    pub fn parse(s: &str) -> Result<Self, IdError> {
        const LAYOUT: &[super::Segment] = &[super::Segment {
            len: 2,
            class: super::CharClass::Upper,
            what: "an uppercase letter A-Z",
        }];
        super::check_layout(IdKind::CountryCode, s, LAYOUT)?;
        Self::lookup(s).ok_or_else(|| IdError::UnknownCountry {
            kind: IdKind::CountryCode,
            code: s.to_owned(),
        })
    }

    /// The code of [`ISO_3166_ALPHA2`] equal to `s`, if any (no other checks).
    pub(crate) fn lookup(s: &str) -> Option<Self> {
        ISO_3166_ALPHA2
            .binary_search(&s)
            .ok()
            .map(|i| Self(ISO_3166_ALPHA2[i]))
    }

    /// Looks up the two characters at byte `start` of an identifier already checked to be
    /// uppercase ASCII letters there; `kind` names that identifier in the error.
    pub(crate) fn from_part(kind: IdKind, s: &str, start: usize) -> Result<Self, IdError> {
        let code = &s[start..start + 2];
        Self::lookup(code).ok_or_else(|| IdError::UnknownCountry {
            kind,
            code: code.to_owned(),
        })
    }

    /// The two letters, e.g. `"KZ"`.
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

string_id!(CountryCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_sorted_unique_and_well_formed() {
        assert!(ISO_3166_ALPHA2.windows(2).all(|w| w[0] < w[1]));
        assert!(ISO_3166_ALPHA2
            .iter()
            .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())));
        assert_eq!(ISO_3166_ALPHA2.len(), 250);
    }

    #[test]
    fn parses_assigned_codes() {
        for code in ["KZ", "GE", "AZ", "GB", "XI", "NA", "CN", "TR"] {
            assert_eq!(CountryCode::parse(code).unwrap().as_str(), code);
        }
    }

    #[test]
    fn rejects_unassigned_and_malformed_codes() {
        let unknown = CountryCode::parse("XK").unwrap_err();
        assert_eq!(
            unknown,
            IdError::UnknownCountry {
                kind: IdKind::CountryCode,
                code: "XK".into()
            }
        );
        assert_eq!(
            unknown.to_string(),
            "Country code: XK is not an assigned ISO 3166-1 alpha-2 country code"
        );
        assert!(matches!(
            CountryCode::parse("QQ"),
            Err(IdError::UnknownCountry { .. })
        ));
        assert_eq!(
            CountryCode::parse("kz").unwrap_err().to_string(),
            "Country code character 1 is 'k'; an uppercase letter A-Z is required there"
        );
        assert_eq!(
            CountryCode::parse("KAZ"),
            Err(IdError::WrongLength {
                kind: IdKind::CountryCode,
                expected: 2,
                actual: 3
            })
        );
        assert_eq!(
            CountryCode::parse(""),
            Err(IdError::Empty {
                kind: IdKind::CountryCode
            })
        );
    }

    #[test]
    fn serde_is_a_plain_string() {
        let kz = CountryCode::parse("KZ").unwrap();
        assert_eq!(serde_json::to_string(&kz).unwrap(), "\"KZ\"");
        assert_eq!(serde_json::from_str::<CountryCode>("\"KZ\"").unwrap(), kz);
        assert!(serde_json::from_str::<CountryCode>("\"QQ\"").is_err());
        assert_eq!(format!("{kz:>4}"), "  KZ");
    }
}
