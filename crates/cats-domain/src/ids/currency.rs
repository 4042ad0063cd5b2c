//! ISO 4217 alphabetic currency codes.

use super::{string_id, CharClass, IdError, IdKind, Segment};

/// Every active ISO 4217 alphabetic code with its number of minor-unit digits, sorted by code.
///
/// Source: columns `ISO4217-currency_alphabetic_code` and `ISO4217-currency_minor_unit` of the
/// `datasets/country-codes` CSV (`/work/shared/reference/countries/country-codes.csv`), generated
/// once with a script: entries with several codes (e.g. `PAB,USD`) split, duplicates removed, a
/// missing minor unit taken as 2. Added by hand: `TRY` (Turkish lira, 2), which that CSV leaves
/// blank for Turkey although it is an active code and Turkey is a common transit country.
#[rustfmt::skip]
pub const ISO_4217_CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2), ("AFN", 2), ("ALL", 2), ("AMD", 2), ("AOA", 2), ("ARS", 2), ("AUD", 2), ("AWG", 2),
    ("AZN", 2), ("BAM", 2), ("BBD", 2), ("BDT", 2), ("BHD", 3), ("BIF", 0), ("BMD", 2), ("BND", 2),
    ("BOB", 2), ("BRL", 2), ("BSD", 2), ("BTN", 2), ("BWP", 2), ("BYN", 2), ("BZD", 2), ("CAD", 2),
    ("CDF", 2), ("CHF", 2), ("CLP", 0), ("CNY", 2), ("COP", 2), ("CRC", 2), ("CUP", 2), ("CVE", 2),
    ("CZK", 2), ("DJF", 0), ("DKK", 2), ("DOP", 2), ("DZD", 2), ("EGP", 2), ("ERN", 2), ("ETB", 2),
    ("EUR", 2), ("FJD", 2), ("FKP", 2), ("GBP", 2), ("GEL", 2), ("GHS", 2), ("GIP", 2), ("GMD", 2),
    ("GNF", 0), ("GTQ", 2), ("GYD", 2), ("HKD", 2), ("HNL", 2), ("HTG", 2), ("HUF", 2), ("IDR", 2),
    ("ILS", 2), ("INR", 2), ("IQD", 3), ("IRR", 2), ("ISK", 0), ("JMD", 2), ("JOD", 3), ("JPY", 0),
    ("KES", 2), ("KGS", 2), ("KHR", 2), ("KMF", 0), ("KPW", 2), ("KRW", 0), ("KWD", 3), ("KYD", 2),
    ("KZT", 2), ("LAK", 2), ("LBP", 2), ("LKR", 2), ("LRD", 2), ("LSL", 2), ("LYD", 3), ("MAD", 2),
    ("MDL", 2), ("MGA", 2), ("MKD", 2), ("MMK", 2), ("MNT", 2), ("MOP", 2), ("MRU", 2), ("MUR", 2),
    ("MVR", 2), ("MWK", 2), ("MXN", 2), ("MYR", 2), ("MZN", 2), ("NAD", 2), ("NGN", 2), ("NIO", 2),
    ("NOK", 2), ("NPR", 2), ("NZD", 2), ("OMR", 3), ("PAB", 2), ("PEN", 2), ("PGK", 2), ("PHP", 2),
    ("PKR", 2), ("PLN", 2), ("PYG", 0), ("QAR", 2), ("RON", 2), ("RSD", 2), ("RUB", 2), ("RWF", 0),
    ("SAR", 2), ("SBD", 2), ("SCR", 2), ("SDG", 2), ("SEK", 2), ("SGD", 2), ("SHP", 2), ("SLE", 2),
    ("SOS", 2), ("SRD", 2), ("SSP", 2), ("STN", 2), ("SVC", 2), ("SYP", 2), ("SZL", 2), ("THB", 2),
    ("TJS", 2), ("TMT", 2), ("TND", 3), ("TOP", 2), ("TRY", 2), ("TTD", 2), ("TWD", 2), ("TZS", 2),
    ("UAH", 2), ("UGX", 0), ("USD", 2), ("UYU", 2), ("UYW", 4), ("UZS", 2), ("VED", 2), ("VES", 2),
    ("VND", 0), ("VUV", 0), ("WST", 2), ("XAF", 0), ("XCD", 2), ("XCG", 2), ("XOF", 0), ("XPF", 0),
    ("YER", 2), ("ZAR", 2), ("ZMW", 2), ("ZWG", 2),
];

/// An active ISO 4217 alphabetic currency code: three uppercase letters, e.g. `USD`, `KZT`.
///
/// Source: ISO 4217; NCTS data format a3 (CL048 currency codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CurrencyCode(&'static str);

impl CurrencyCode {
    /// Parses three uppercase letters that are an active code of [`ISO_4217_CURRENCIES`].
    pub fn parse(s: &str) -> Result<Self, IdError> {
        const LAYOUT: &[Segment] = &[Segment {
            len: 3,
            class: CharClass::Upper,
            what: "an uppercase letter A-Z",
        }];
        super::check_layout(IdKind::CurrencyCode, s, LAYOUT)?;
        Self::index(s)
            .map(|i| Self(ISO_4217_CURRENCIES[i].0))
            .ok_or_else(|| IdError::UnknownCurrency { code: s.to_owned() })
    }

    fn index(code: &str) -> Option<usize> {
        ISO_4217_CURRENCIES
            .binary_search_by(|(c, _)| (*c).cmp(code))
            .ok()
    }

    /// The three letters, e.g. `"USD"`.
    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// Number of minor-unit digits per ISO 4217 (2 for USD, 0 for JPY, 3 for KWD); 2 where the
    /// source gives none.
    pub fn minor_units(&self) -> u8 {
        Self::index(self.0).map_or(2, |i| ISO_4217_CURRENCIES[i].1)
    }
}

string_id!(CurrencyCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_sorted_unique_and_well_formed() {
        assert!(ISO_4217_CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(ISO_4217_CURRENCIES
            .iter()
            .all(|(c, m)| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) && *m <= 4));
    }

    #[test]
    fn parses_active_codes_with_minor_units() {
        let cases = [
            ("USD", 2),
            ("EUR", 2),
            ("KZT", 2),
            ("GEL", 2),
            ("AZN", 2),
            ("UZS", 2),
            ("CNY", 2),
        ];
        for (code, minor) in cases {
            let c = CurrencyCode::parse(code).unwrap();
            assert_eq!((c.as_str(), c.minor_units()), (code, minor));
        }
        assert_eq!(CurrencyCode::parse("JPY").unwrap().minor_units(), 0);
        assert_eq!(CurrencyCode::parse("KWD").unwrap().minor_units(), 3);
        assert_eq!(CurrencyCode::parse("TRY").unwrap().minor_units(), 2);
        // Entries listing two currencies are split.
        assert!(CurrencyCode::parse("BTN").is_ok() && CurrencyCode::parse("INR").is_ok());
    }

    #[test]
    fn rejects_unknown_and_malformed_codes() {
        let err = CurrencyCode::parse("ABC").unwrap_err();
        assert_eq!(err, IdError::UnknownCurrency { code: "ABC".into() });
        assert_eq!(
            err.to_string(),
            "ABC is not an active ISO 4217 currency code"
        );
        assert!(CurrencyCode::parse("DEM").is_err()); // withdrawn
        assert_eq!(
            CurrencyCode::parse("usd").unwrap_err().to_string(),
            "Currency code character 1 is 'u'; an uppercase letter A-Z is required there"
        );
        assert_eq!(
            CurrencyCode::parse("US"),
            Err(IdError::WrongLength {
                kind: IdKind::CurrencyCode,
                expected: 3,
                actual: 2
            })
        );
    }

    #[test]
    fn serde_is_a_plain_string() {
        let usd = CurrencyCode::parse("USD").unwrap();
        assert_eq!(serde_json::to_string(&usd).unwrap(), "\"USD\"");
        assert_eq!(
            serde_json::from_str::<CurrencyCode>("\"USD\"").unwrap(),
            usd
        );
        assert!(serde_json::from_str::<CurrencyCode>("\"usd\"").is_err());
    }
}
