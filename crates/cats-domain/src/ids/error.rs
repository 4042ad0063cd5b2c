//! The one error type of the identifiers module.

use std::fmt;

/// Which identifier an [`IdError`] is about; its `Display` is the name a trader knows it by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// Local reference number (NCTS an..22).
    Lrn,
    /// Movement reference number (NCTS an18).
    Mrn,
    /// The 12-character serial part of an MRN.
    MrnSerial,
    /// Guarantee reference number (an17).
    Grn,
    /// The 12-character serial part of a GRN.
    GrnSerial,
    /// Guarantee access code (an4).
    AccessCode,
    /// Customs office reference number (an8).
    OfficeRef,
    /// EORI number or national taxpayer identification number.
    Eori,
    /// Harmonized System subheading code (n6).
    HsCode,
    /// ISO 6346 container number.
    ContainerNumber,
    /// ISO 3166-1 alpha-2 country code.
    CountryCode,
    /// ISO 4217 alphabetic currency code.
    CurrencyCode,
    /// ICE node identifier.
    NodeId,
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Lrn => "LRN",
            Self::Mrn => "MRN",
            Self::MrnSerial => "MRN serial part",
            Self::Grn => "GRN",
            Self::GrnSerial => "GRN serial part",
            Self::AccessCode => "Access code",
            Self::OfficeRef => "Customs office reference",
            Self::Eori => "EORI/TIN",
            Self::HsCode => "HS code",
            Self::ContainerNumber => "Container number",
            Self::CountryCode => "Country code",
            Self::CurrencyCode => "Currency code",
            Self::NodeId => "ICE node id",
        })
    }
}

/// Why a text is not a valid identifier or amount. Messages say what was wrong in words a trader
/// can act on; positions are 1-based character positions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Nothing was given.
    #[error("{kind} is empty")]
    Empty {
        /// Which identifier.
        kind: IdKind,
    },
    /// A fixed-length identifier has the wrong length.
    #[error("{kind} has {actual} characters; exactly {expected} are required")]
    WrongLength {
        /// Which identifier.
        kind: IdKind,
        /// Characters required.
        expected: usize,
        /// Characters given.
        actual: usize,
    },
    /// A variable-length identifier is too short.
    #[error("{kind} has {actual} characters; at least {min} are required")]
    TooShort {
        /// Which identifier.
        kind: IdKind,
        /// Fewest characters allowed.
        min: usize,
        /// Characters given.
        actual: usize,
    },
    /// A variable-length identifier is too long.
    #[error("{kind} has {actual} characters; at most {max} are allowed")]
    TooLong {
        /// Which identifier.
        kind: IdKind,
        /// Most characters allowed.
        max: usize,
        /// Characters given.
        actual: usize,
    },
    /// A character is not allowed at its position.
    #[error("{kind} character {position} is {found:?}; {expected} is required there")]
    InvalidCharacter {
        /// Which identifier.
        kind: IdKind,
        /// 1-based character position.
        position: usize,
        /// What was found.
        found: char,
        /// Characters required.
        expected: &'static str,
    },
    /// A character of a secret is not allowed (the character itself is not repeated).
    #[error(
        "{kind} character {position} is not a letter or digit; only A-Z, a-z and 0-9 are allowed"
    )]
    SecretCharacter {
        /// Which identifier.
        kind: IdKind,
        /// 1-based character position.
        position: usize,
    },
    /// A control character (tab, line break, ...) where only printable text is allowed.
    #[error("{kind} character {position} is a control character (such as a tab or line break); only printable characters are allowed")]
    ControlCharacter {
        /// Which identifier.
        kind: IdKind,
        /// 1-based character position.
        position: usize,
    },
    /// Leading or trailing whitespace.
    #[error("{kind} starts or ends with a space; remove the surrounding spaces")]
    SurroundingWhitespace {
        /// Which identifier.
        kind: IdKind,
    },
    /// The ISO 6346 check digit does not match.
    #[error("{kind} check digit is {found} but the first {over} characters give {computed}")]
    CheckDigit {
        /// Which identifier.
        kind: IdKind,
        /// What was found.
        found: u8,
        /// The check digit the other characters give.
        computed: u8,
        /// How many characters the check digit is computed over.
        over: usize,
    },
    /// Two uppercase letters that are not an assigned ISO 3166-1 alpha-2 code.
    #[error("{kind}: {code} is not an assigned ISO 3166-1 alpha-2 country code")]
    UnknownCountry {
        /// Which identifier.
        kind: IdKind,
        /// The code given.
        code: String,
    },
    /// Three uppercase letters that are not an active ISO 4217 code.
    #[error("{code} is not an active ISO 4217 currency code")]
    UnknownCurrency {
        /// The code given.
        code: String,
    },
    /// A well-formed HS code that the reference nomenclature does not contain.
    #[error(
        "HS code {code} is not in the Harmonized System nomenclature of the reference catalogue"
    )]
    UnknownHsCode {
        /// The code given.
        code: String,
    },
    /// A year that cannot be written as the two digits of an MRN or GRN.
    #[error("year {year} cannot be used in a reference number; only 2000 to 2099 can")]
    YearOutOfRange {
        /// The calendar year given.
        year: i32,
    },
    /// An amount text that is not a decimal number.
    #[error("amount {text:?} is not a decimal number such as 1234.56")]
    InvalidAmount {
        /// The text given.
        text: String,
    },
    /// A negative amount.
    #[error("amount {amount} is negative; amounts must be zero or more")]
    NegativeAmount {
        /// The amount given.
        amount: String,
    },
    /// An amount with more than 2 decimal places (NCTS n..16,2).
    #[error("amount {amount} has {places} decimal places; at most 2 are allowed")]
    TooManyDecimals {
        /// The amount given.
        amount: String,
        /// Decimal places given.
        places: u32,
    },
    /// An amount with more than 14 digits before the decimal point (NCTS n..16,2).
    #[error(
        "amount {amount} is too large; at most 14 digits before the decimal point are allowed"
    )]
    AmountTooLarge {
        /// The amount given.
        amount: String,
    },
}
